//! Comparisons that used to print "equivalent (proved)" where AWS decides
//! differently, or counterexamples no real request could be. Each runs the
//! command line as a user would, on the files in `tests/files/comparison/`.

use clap::Parser;
use iamz::cli::{run, Cli};
use serde_json::Value;
use std::path::PathBuf;

fn file(name: &str) -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/files/comparison")
        .join(name)
        .display()
        .to_string()
}

/// Runs `iamz ARGS…`; returns the exit code and standard output.
fn iamz(arguments: &[&str]) -> (u8, String) {
    let mut all = vec!["iamz"];
    all.extend_from_slice(arguments);
    let cli = Cli::try_parse_from(all).expect("arguments parse");
    let mut out = Vec::new();
    let code = run(cli.command, &mut out);
    (code, String::from_utf8(out).expect("UTF-8 output"))
}

fn diff_json(arguments: &[&str]) -> (u8, Value) {
    let mut all = vec!["diff", "--format", "json"];
    all.extend_from_slice(arguments);
    let (code, out) = iamz(&all);
    let json = serde_json::from_str(&out).unwrap_or_else(|error| panic!("{error}: {out}"));
    (code, json)
}

/// Replays a printed counterexample through `iamz eval` (the CLI path) and
/// returns the decision.
fn eval_request(subject: &[&str], request: &Value) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("request.json");
    std::fs::write(&path, request.to_string()).unwrap();
    let mut arguments = vec!["eval"];
    arguments.extend_from_slice(subject);
    let path_text = path.display().to_string();
    arguments.extend_from_slice(&["--request", &path_text, "--format", "json"]);
    let (code, out) = iamz(&arguments);
    assert_eq!(code, 0, "eval failed on {request}: {out}");
    let json: Value = serde_json::from_str(&out).unwrap();
    json["decision"].as_str().unwrap().to_string()
}

#[test]
fn an_open_principal_keeps_every_scp_level() {
    let (code, json) = diff_json(&[
        &file("open-principal-with.json"),
        &file("open-principal-without.json"),
    ]);
    assert_eq!(code, 1, "{json:#}");
    assert_eq!(json["verdict"], "more-permissive", "{json:#}");
    let example = &json["counterexamples"][0];
    assert!(example["request"]["action"]
        .as_str()
        .unwrap()
        .to_ascii_lowercase()
        .starts_with("s3:"));
    // Also when the principal's account is given.
    let (code, json) = diff_json(&[
        &file("open-principal-with.json"),
        &file("open-principal-without.json"),
        "--principal-account",
        "111111111111",
    ]);
    assert_eq!(code, 1);
    assert_eq!(json["verdict"], "more-permissive");
    // The management account is not restricted by SCPs.
    let (code, json) = diff_json(&[
        &file("open-principal-with.json"),
        &file("open-principal-without.json"),
        "--principal-account",
        "333333333333",
    ]);
    assert_eq!(code, 0, "{json:#}");
    assert_eq!(json["verdict"], "equivalent");
}

#[test]
fn counterexamples_of_scenarios_replay_through_eval() {
    let (_, json) = diff_json(&[
        &file("open-principal-with.json"),
        &file("open-principal-without.json"),
    ]);
    for example in json["counterexamples"].as_array().unwrap() {
        let request = &example["request"];
        assert_eq!(
            eval_request(&[&file("open-principal-with.json")], request),
            example["old"]["decision"].as_str().unwrap()
        );
        assert_eq!(
            eval_request(&[&file("open-principal-without.json")], request),
            example["new"]["decision"].as_str().unwrap()
        );
    }
}

#[test]
fn rcps_restrict_only_the_services_that_support_them_in_eval_and_in_proofs() {
    let request = serde_json::json!({"action": "ec2:StopInstances"});
    assert_eq!(eval_request(&[&file("rcp-ec2.json")], &request), "Allow");
    let (code, json) = diff_json(&[&file("rcp-ec2.json"), &file("rcp-none.json")]);
    assert_eq!(code, 0, "{json:#}");
    assert_eq!(json["verdict"], "equivalent");
}

#[test]
fn a_dropped_deny_is_a_widening_in_context() {
    let (code, json) = diff_json(&[
        &file("allow-star-deny-iam.json"),
        &file("allow-notaction-iam.json"),
    ]);
    assert_eq!(code, 1, "{json:#}");
    assert_eq!(json["verdict"], "more-permissive");
    assert_eq!(json["differs_in"], serde_json::json!(["explicit-deny"]));
    let example = &json["counterexamples"][0];
    assert_eq!(example["old"]["decision"], "ExplicitDeny");
    assert!(example["companion"].is_object());
    // Replayable as a single policy.
    assert_eq!(
        eval_request(
            &["--policy", &file("allow-star-deny-iam.json")],
            &example["request"]
        ),
        "ExplicitDeny"
    );
    // Alone, they allow the same requests.
    let (code, json) = diff_json(&[
        &file("allow-star-deny-iam.json"),
        &file("allow-notaction-iam.json"),
        "--alone",
    ]);
    assert_eq!(code, 0);
    assert_eq!(json["verdict"], "equivalent");
}

#[test]
fn deny_only_scps_are_judged_beside_full_aws_access() {
    let (code, json) = diff_json(&[
        &file("scp-deny-all.json"),
        &file("scp-region-restriction.json"),
        "--policy-type",
        "scp",
    ]);
    assert_eq!(code, 1, "{json:#}");
    assert_eq!(json["verdict"], "more-permissive");
    let notes = json["notes"].as_array().unwrap();
    assert!(notes
        .iter()
        .any(|note| note.as_str().unwrap().contains("FullAWSAccess")));
    // The layer is named by its policy type.
    let example = &json["counterexamples"][0];
    let layers: Vec<&str> = example["old"]["explanation"]["deciding_statements"]
        .as_array()
        .unwrap()
        .iter()
        .map(|statement| statement["layer"].as_str().unwrap())
        .collect();
    assert_eq!(layers, ["scp"], "{example:#}");
}

#[test]
fn constraints_that_match_nothing_are_bad_input_and_verdicts_state_their_scope() {
    let (code, _) = iamz(&[
        "diff",
        &file("s3-read.json"),
        &file("s3-read.json"),
        "--action",
        "notanaction:Nothing",
    ]);
    assert_eq!(code, 2);
    let (code, json) = diff_json(&[
        &file("s3-read.json"),
        &file("s3-read.json"),
        "--action",
        "s3:*",
    ]);
    assert_eq!(code, 0);
    let scope = json["scope"].as_str().unwrap();
    assert!(scope.contains("actions matching s3:*"), "{scope}");
    assert_eq!(json["proved"], true);
    // A side that allows nothing within the scope is vacuous, never proved.
    let (code, json) = diff_json(&[
        &file("s3-read.json"),
        &file("s3-read.json"),
        "--action",
        "ec2:*",
    ]);
    assert_eq!(code, 0);
    assert_eq!(json["proved"], false, "{json:#}");
    assert!(!json["vacuous"].as_array().unwrap().is_empty());
    let (_, text) = iamz(&[
        "diff",
        &file("s3-read.json"),
        &file("s3-read.json"),
        "--action",
        "ec2:*",
    ]);
    assert!(!text.contains("(proved)"), "{text}");
}

#[test]
fn star_as_a_request_resource_is_the_literal_resource_everywhere() {
    // In eval, `"resource": "*"` is the resource of actions without one; as
    // a scenario's own request in a comparison it is the same value.
    let dir = tempfile::tempdir().unwrap();
    let scenario = |policy: &str| {
        serde_json::json!({
            "principal": {
                "arn": "arn:aws:iam::111111111111:user/ops",
                "identity_policies": [{"name": "p", "document": serde_json::from_str::<Value>(policy).unwrap()}]
            },
            "resource": {"arn": "*", "account": "111111111111"},
        })
    };
    let old = dir.path().join("old.json");
    let new = dir.path().join("new.json");
    std::fs::write(
        &old,
        scenario(r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}"#).to_string(),
    )
    .unwrap();
    std::fs::write(
        &new,
        scenario(r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":["*","arn:aws:s3:::b/*"]}]}"#).to_string(),
    )
    .unwrap();
    let (code, json) = diff_json(&[&old.display().to_string(), &new.display().to_string()]);
    // Only the literal resource `*` is in scope: NEW's extra ARN is not.
    assert_eq!(code, 0, "{json:#}");
    assert!(json["scope"].as_str().unwrap().contains("on resource *"));
}

#[test]
fn federated_providers_are_printed_as_the_input_reads_them() {
    let (code, json) = diff_json(&[
        &file("trust-web-identity-a.json"),
        &file("trust-web-identity-b.json"),
        "--policy-type",
        "trust",
    ]);
    assert_eq!(code, 1, "{json:#}");
    let example = &json["counterexamples"][0];
    let principal = example["request"]["principal"].as_str().unwrap();
    assert_eq!(principal, "federated:accounts.google.com");
    assert_eq!(
        eval_request(
            &[
                "--policy",
                &file("trust-web-identity-b.json"),
                "--policy-type",
                "trust"
            ],
            &example["request"]
        ),
        "Allow"
    );
}

#[test]
fn explanations_come_from_the_decision() {
    // A VPC endpoint Deny naming an account matches only that account's
    // root user: it must not be listed as deciding a session's request.
    let dir = tempfile::tempdir().unwrap();
    let scenario = serde_json::json!({
        "principal": {
            "arn": "arn:aws:sts::222222222222:assumed-role/App/s1",
            "identity_policies": [{"name": "p", "document": {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}}]
        },
        "resource": {"arn": "arn:aws:s3:::bucket/key", "account": "222222222222"},
        "vpc_endpoint_policy": {"name": "endpoint", "document": {"Version":"2012-10-17","Statement":[
            {"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":"*"},
            {"Effect":"Deny","Principal":{"AWS":"222222222222"},"Action":"s3:GetObject","Resource":"*"}
        ]}},
        "request": {"action": "s3:GetObject"}
    });
    let path = dir.path().join("scenario.json");
    std::fs::write(&path, scenario.to_string()).unwrap();
    let (code, out) = iamz(&["eval", &path.display().to_string(), "--format", "json"]);
    assert_eq!(code, 0);
    let json: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(json["decision"], "Allow", "{json:#}");
    let layers: Vec<&str> = json["explanation"]["deciding_statements"]
        .as_array()
        .unwrap()
        .iter()
        .map(|statement| statement["layer"].as_str().unwrap())
        .collect();
    assert!(!layers.contains(&"endpoint"), "{json:#}");
}
