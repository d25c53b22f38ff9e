//! CloudFormation templates through the command line: two versions of a
//! stack compared for one principal and one resource, the counterexample
//! replayed with `iamz eval --inventory` on each template.

mod common;

use common::iamz;

const FILES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/files/cloudformation");
const PRINCIPAL: &str = "arn:aws:sts::111111111111:assumed-role/report-reader/i-0abc";
const RESOURCE: &str = "arn:aws:s3:::reports/q3.csv";

#[test]
fn two_versions_of_a_stack_differ_by_a_replayed_request_of_its_own_principal() {
    let old = format!("{FILES}/reader-role-v1.yaml");
    let new = format!("{FILES}/reader-role-v2.yaml");
    let (code, json) = iamz(&[
        "diff",
        &old,
        &new,
        "--stack-account",
        "111111111111",
        "--principal",
        PRINCIPAL,
        "--resource",
        RESOURCE,
        "--format",
        "json",
    ]);
    assert_eq!(code, 1, "{json}");
    let report: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(report["verdict"], "more-permissive", "{json}");
    let request = &report["counterexamples"][0]["request"];
    assert_eq!(request["principal"], PRINCIPAL, "{json}");
    assert_eq!(request["action"], "s3:PutObject", "{json}");
    // The request replays on each template as the comparison says.
    let file = std::env::temp_dir().join(format!("iamz-cfn-request-{}.json", std::process::id()));
    std::fs::write(&file, request.to_string()).unwrap();
    for (template, expected) in [(&old, "ImplicitDeny"), (&new, "Allow")] {
        let (_, decided) = iamz(&[
            "eval",
            "--inventory",
            template,
            "--stack-account",
            "111111111111",
            "--principal",
            PRINCIPAL,
            "--resource",
            RESOURCE,
            "--request",
            file.to_str().unwrap(),
        ]);
        assert!(decided.starts_with(expected), "{template}: {decided}");
    }
    let _ = std::fs::remove_file(&file);
    // Without a principal and resource, two inventories are bad input.
    let (code, _) = iamz(&["diff", &old, &new, "--stack-account", "111111111111"]);
    assert_eq!(code, 2);
}
