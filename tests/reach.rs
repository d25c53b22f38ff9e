//! `iamz exposure --inventory … --reach` through the command line: the
//! chains as text, JSON and DOT, their exit codes, and what is refused.

mod common;

use common::iamz;

const CHAIN: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/exposure-chain");

#[test]
fn the_chain_of_two_roles_is_drawn_and_listed_with_a_request_per_step() {
    let (code, dot) = iamz(&[
        "exposure",
        "--inventory",
        CHAIN,
        "--reach",
        "--format",
        "dot",
    ]);
    assert_eq!(code, 1, "{dot}");
    assert!(dot.starts_with("digraph reach {"), "{dot}");
    for edge in [
        r#""account 777788889999" -> "arn:aws:iam::111111111111:role/partner-gateway" [label="sts:AssumeRole"]"#,
        r#""arn:aws:iam::111111111111:role/partner-gateway" -> "arn:aws:iam::222222222222:role/report-reader" [label="sts:AssumeRole"]"#,
        r#""arn:aws:iam::222222222222:role/report-reader" -> "arn:aws:s3:::reports-archive/*" [label="s3:GetObject"]"#,
    ] {
        assert!(dot.contains(edge), "no edge {edge} in\n{dot}");
    }
    let (code, json) = iamz(&[
        "exposure",
        "--inventory",
        CHAIN,
        "--reach",
        "--format",
        "json",
    ]);
    assert_eq!(code, 1);
    let report: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(report["verdict"], "exposed");
    assert_eq!(report["reach"]["complete"], true);
    assert_eq!(report["reach"]["paths"].as_array().unwrap().len(), 2);
    // Each chain is also a finding of its resource, with its three steps.
    let bucket = report["resources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|resource| resource["resource"] == "arn:aws:s3:::reports-archive/*")
        .expect("the objects' entry");
    let chain = bucket["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|finding| {
            finding["path"]
                .as_array()
                .is_some_and(|path| path.len() == 3)
        })
        .expect("a chain finding");
    assert_eq!(chain["principal"]["value"], "777788889999");
    assert_eq!(
        chain["path"][2]["request"]["principal"],
        "arn:aws:sts::222222222222:assumed-role/report-reader/reach-session"
    );
    // Same input, same output.
    let (_, again) = iamz(&[
        "exposure",
        "--inventory",
        CHAIN,
        "--reach",
        "--format",
        "json",
    ]);
    assert_eq!(json, again);
}

#[test]
fn without_the_first_role_there_is_no_chain() {
    // The partner's account is in the zone: nothing comes from outside.
    let (code, text) = iamz(&[
        "exposure",
        "--inventory",
        CHAIN,
        "--reach",
        "--zone-account",
        "111111111111",
        "--zone-account",
        "777788889999",
    ]);
    assert_eq!(code, 0, "{text}");
    assert!(text.contains("reach: 0 chain(s)"), "{text}");
    assert!(text.contains("(proved"), "{text}");
}

#[test]
fn dot_needs_reach_and_reach_needs_an_inventory() {
    let (code, out) = iamz(&["exposure", "--inventory", CHAIN, "--format", "dot"]);
    assert_eq!(code, 2, "{out}");
    let (code, out) = iamz(&[
        "exposure",
        "policy.json",
        "--resource-type",
        "s3-bucket",
        "--resource",
        "arn:aws:s3:::b",
        "--reach",
    ]);
    assert_eq!(code, 2, "{out}");
}

#[test]
fn exposure_sarif_is_valid_and_points_at_the_granting_statement() {
    let policy = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/examples/exposure/forgotten-statement-bucket.json"
    );
    let arguments = [
        "exposure",
        policy,
        "--resource-type",
        "s3-object",
        "--resource",
        "arn:aws:s3:::reports-prod/*",
        "--account",
        "111111111111",
        "--zone-account",
        "222222222222",
        "--format",
    ];
    let (code, sarif) = iamz(&[&arguments[..], &["sarif"]].concat());
    assert_eq!(code, 1, "{sarif}");
    let sarif: serde_json::Value = serde_json::from_str(&sarif).unwrap();
    let schema: serde_json::Value =
        serde_json::from_str(include_str!("data/sarif-schema-2.1.0.json")).unwrap();
    let validator = jsonschema::validator_for(&schema).expect("the SARIF schema compiles");
    let errors: Vec<String> = validator
        .iter_errors(&sarif)
        .map(|error| error.to_string())
        .collect();
    assert!(errors.is_empty(), "{errors:?}");
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), 1, "{results:?}");
    assert_eq!(results[0]["ruleId"], "outside-access");
    // The VendorPilot2023 statement starts at line 11.
    assert_eq!(
        results[0]["locations"][0]["physicalLocation"]["region"]["startLine"],
        11
    );
    let (code, markdown) = iamz(&[&arguments[..], &["markdown"]].concat());
    assert_eq!(code, 1);
    assert!(
        markdown
            .contains("| `arn:aws:s3:::reports-prod/*` | account 777788889999 | s3:GetObject |"),
        "{markdown}"
    );
}

#[test]
fn a_stopped_trust_policy_search_leaves_the_chains_incomplete() {
    // With no finding allowed, the ways in are not known: never "proved".
    let (code, text) = iamz(&["exposure", "--inventory", CHAIN, "--reach", "--limit", "0"]);
    assert_eq!(code, 3, "{text}");
    assert!(
        text.contains("incomplete: 2 candidate step(s) undecided"),
        "{text}"
    );
    assert!(!text.contains("(proved: "), "{text}");
}

#[test]
fn restrict_public_buckets_closes_a_public_bucket_of_an_inventory() {
    let template = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/files/cloudformation/public-website-bucket.yaml"
    );
    let unrestricted = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/files/cloudformation/public-website-bucket-unrestricted.json"
    );
    let stack = [
        "--stack-account",
        "111111111111",
        "--stack-region",
        "us-east-1",
    ];
    let mut arguments = vec!["exposure", "--inventory", template, "--format", "json"];
    arguments.extend(stack);
    let kinds = |json: &str| -> Vec<(String, bool)> {
        let report: serde_json::Value = serde_json::from_str(json).unwrap();
        let mut kinds: Vec<(String, bool)> = report["resources"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|resource| resource["findings"].as_array().unwrap().clone())
            .map(|finding| {
                (
                    finding["principal"]["kind"].as_str().unwrap().to_string(),
                    finding["public"].as_bool().unwrap(),
                )
            })
            .collect();
        kinds.sort();
        kinds
    };
    // Restricted: only AWS services (which the setting lets in) remain.
    let (code, json) = iamz(&arguments);
    assert_eq!(code, 1, "{json}");
    assert_eq!(kinds(&json), vec![("service".to_string(), false)], "{json}");
    // The same bucket without the setting is public to every account and
    // to anonymous callers.
    arguments.extend(["--stack-parameters", unrestricted]);
    let (code, json) = iamz(&arguments);
    assert_eq!(code, 1, "{json}");
    let found = kinds(&json);
    assert!(
        found
            .iter()
            .any(|(kind, public)| kind == "anonymous" && *public),
        "{json}"
    );
}
