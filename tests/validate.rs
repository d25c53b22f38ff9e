//! One test per check of `iamz validate`: a policy that must get the
//! finding, and a close one that must not. Then the command line: formats,
//! `--fail-on`, exit codes, and the SARIF output against the SARIF 2.1.0
//! schema.

use iamz::policy::PolicyKind;
use iamz::validate::{check, validate_policy, Finding, Severity, ValidateOptions, CHECKS};
use std::process::Command;

fn validate_as(text: &str, kind: PolicyKind, account: Option<&str>) -> Vec<Finding> {
    let options = ValidateOptions {
        kind,
        account: account.map(str::to_string),
    };
    validate_policy(text, "test.json", &options).unwrap_or_else(|error| panic!("{error}"))
}

fn codes(text: &str, kind: PolicyKind) -> Vec<&'static str> {
    validate_as(text, kind, None)
        .into_iter()
        .map(|finding| finding.code)
        .collect()
}

/// A statement list wrapped in a 2012-10-17 document.
fn policy(statements: &str) -> String {
    format!(r#"{{"Version": "2012-10-17", "Statement": [{statements}]}}"#)
}

/// Asserts that `bad` gets `code` and `good` does not.
fn check_pair(code: &str, kind: PolicyKind, bad: &str, good: &str) {
    assert!(check(code).is_some(), "{code} is not in CHECKS");
    let found = codes(bad, kind);
    assert!(
        found.contains(&code),
        "{code} not found in {bad}: {found:?}"
    );
    let found = codes(good, kind);
    assert!(!found.contains(&code), "{code} found in {good}: {found:?}");
}

const IDENTITY: PolicyKind = PolicyKind::Identity;

#[test]
fn policy_too_large() {
    let actions: Vec<String> = (0..400)
        .map(|n| format!("\"s3:GetObject{n:04}\""))
        .collect();
    let big = policy(&format!(
        r#"{{"Effect": "Allow", "Action": [{}], "Resource": "*"}}"#,
        actions.join(",")
    ));
    check_pair(
        "policy-too-large",
        IDENTITY,
        &big,
        &policy(r#"{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}"#),
    );
    // Indentation does not count for identity policies.
    let padded = policy(&format!(
        "{}{{\"Effect\": \"Allow\", \"Action\": \"s3:GetObject\", \"Resource\": \"*\"}}",
        " ".repeat(10_000)
    ));
    assert!(!codes(&padded, IDENTITY).contains(&"policy-too-large"));
    // It does for bucket policies (20 KB).
    let padded_bucket = policy(&format!(
        "{}{{\"Effect\": \"Allow\", \"Principal\": {{\"AWS\": \"111111111111\"}}, \"Action\": \"s3:GetObject\", \"Resource\": \"arn:aws:s3:::b/*\"}}",
        " ".repeat(21_000)
    ));
    assert!(codes(&padded_bucket, PolicyKind::Resource).contains(&"policy-too-large"));
}

#[test]
fn missing_version() {
    check_pair(
        "missing-version",
        IDENTITY,
        r#"{"Statement": {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}}"#,
        &policy(r#"{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}"#),
    );
}

#[test]
fn variables_without_version() {
    check_pair(
        "variables-without-version",
        IDENTITY,
        r#"{"Version": "2008-10-17", "Statement": {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/${aws:username}/*"}}"#,
        &policy(
            r#"{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/${aws:username}/*"}"#,
        ),
    );
}

#[test]
fn duplicate_sid() {
    check_pair(
        "duplicate-sid",
        IDENTITY,
        &policy(
            r#"{"Sid": "A", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"},
               {"Sid": "A", "Effect": "Deny", "Action": "s3:PutObject", "Resource": "*"}"#,
        ),
        &policy(
            r#"{"Sid": "A", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"},
               {"Sid": "B", "Effect": "Deny", "Action": "s3:PutObject", "Resource": "*"}"#,
        ),
    );
}

#[test]
fn empty_statement() {
    check_pair(
        "empty-statement",
        IDENTITY,
        &policy(""),
        &policy(r#"{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}"#),
    );
}

#[test]
fn principal_in_identity_policy() {
    let with_principal = policy(
        r#"{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "*"}"#,
    );
    for kind in [
        IDENTITY,
        PolicyKind::Boundary,
        PolicyKind::Session,
        PolicyKind::Scp,
    ] {
        assert!(
            codes(&with_principal, kind).contains(&"principal-in-identity-policy"),
            "{kind}"
        );
    }
    assert!(!codes(&with_principal, PolicyKind::Resource).contains(&"principal-in-identity-policy"));
}

#[test]
fn principal_missing() {
    check_pair(
        "principal-missing",
        PolicyKind::Resource,
        &policy(r#"{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}"#),
        &policy(
            r#"{"Effect": "Allow", "Principal": {"AWS": "111111111111"}, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}"#,
        ),
    );
}

#[test]
fn resource_missing() {
    check_pair(
        "resource-missing",
        IDENTITY,
        &policy(r#"{"Effect": "Allow", "Action": "s3:GetObject"}"#),
        &policy(r#"{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}"#),
    );
    let trust = policy(
        r#"{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}"#,
    );
    assert!(!codes(&trust, PolicyKind::Trust).contains(&"resource-missing"));
}

#[test]
fn resource_in_trust_policy() {
    check_pair(
        "resource-in-trust-policy",
        PolicyKind::Trust,
        &policy(
            r#"{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole", "Resource": "*"}"#,
        ),
        &policy(
            r#"{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}"#,
        ),
    );
}

#[test]
fn rcp_allow() {
    check_pair(
        "rcp-allow",
        PolicyKind::Rcp,
        &policy(
            r#"{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "*"}"#,
        ),
        &policy(
            r#"{"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"},
                   {"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "*",
                    "Condition": {"Bool": {"aws:SecureTransport": "false"}}}"#,
        ),
    );
}

#[test]
fn rcp_principal() {
    check_pair(
        "rcp-principal",
        PolicyKind::Rcp,
        &policy(
            r#"{"Effect": "Deny", "Principal": {"AWS": "111111111111"}, "Action": "s3:*", "Resource": "*"}"#,
        ),
        &policy(r#"{"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "*"}"#),
    );
}

#[test]
fn allow_with_not_principal() {
    check_pair(
        "allow-with-not-principal",
        PolicyKind::Resource,
        &policy(
            r#"{"Effect": "Allow", "NotPrincipal": {"AWS": "111111111111"}, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}"#,
        ),
        &policy(
            r#"{"Effect": "Deny", "NotPrincipal": {"AWS": "111111111111"}, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}"#,
        ),
    );
}

#[test]
fn unknown_service() {
    check_pair(
        "unknown-service",
        IDENTITY,
        &policy(r#"{"Effect": "Allow", "Action": "s4:GetObject", "Resource": "*"}"#),
        &policy(r#"{"Effect": "Allow", "Action": "S3:GetObject", "Resource": "*"}"#),
    );
}

#[test]
fn unknown_action() {
    check_pair(
        "unknown-action",
        IDENTITY,
        &policy(r#"{"Effect": "Allow", "Action": "s3:GetObjekt", "Resource": "*"}"#),
        &policy(r#"{"Effect": "Allow", "Action": "s3:getobject", "Resource": "*"}"#),
    );
}

#[test]
fn action_matches_nothing() {
    check_pair(
        "action-matches-nothing",
        IDENTITY,
        &policy(r#"{"Effect": "Allow", "Action": "s3:Fetch*", "Resource": "*"}"#),
        &policy(r#"{"Effect": "Allow", "Action": "s3:Get*", "Resource": "*"}"#),
    );
}

#[test]
fn redundant_action() {
    check_pair(
        "redundant-action",
        IDENTITY,
        &policy(r#"{"Effect": "Allow", "Action": ["s3:Get*", "s3:GetObject"], "Resource": "*"}"#),
        &policy(r#"{"Effect": "Allow", "Action": ["s3:Get*", "s3:PutObject"], "Resource": "*"}"#),
    );
    // Of two equal patterns only the later one is reported.
    let findings = validate_as(
        &policy(
            r#"{"Effect": "Allow", "Action": ["s3:GetObject", "S3:GETOBJECT"], "Resource": "*"}"#,
        ),
        IDENTITY,
        None,
    );
    let redundant: Vec<&Finding> = findings
        .iter()
        .filter(|f| f.code == "redundant-action")
        .collect();
    assert_eq!(redundant.len(), 1);
    assert_eq!(redundant[0].location.json_path, "Statement[0].Action[1]");
}

#[test]
fn arn_malformed() {
    check_pair(
        "arn-malformed",
        IDENTITY,
        &policy(
            r#"{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:bucket"}"#,
        ),
        &policy(
            r#"{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::bucket/*"}"#,
        ),
    );
}

#[test]
fn arn_service_mismatch() {
    check_pair(
        "arn-service-mismatch",
        IDENTITY,
        &policy(
            r#"{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:sqs:us-east-1:111111111111:q"}"#,
        ),
        &policy(
            r#"{"Effect": "Allow", "Action": "ssm:SendCommand", "Resource": "arn:aws:ec2:us-east-1:111111111111:instance/i-1"}"#,
        ),
    );
}

#[test]
fn unknown_condition_key() {
    check_pair(
        "unknown-condition-key",
        IDENTITY,
        &policy(
            r#"{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*", "Condition": {"StringEquals": {"aws:PrincipalOrgIdentifier": "o-1"}}}"#,
        ),
        &policy(
            r#"{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*", "Condition": {"StringEquals": {"aws:principalorgid": "o-1", "aws:PrincipalTag/team": "a"}}}"#,
        ),
    );
    check_pair(
        "unknown-condition-key",
        IDENTITY,
        &policy(
            r#"{"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "*", "Condition": {"StringLike": {"s3:prefx": "home/"}}}"#,
        ),
        &policy(
            r#"{"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "*", "Condition": {"StringLike": {"s3:prefix": "home/"}}}"#,
        ),
    );
}

#[test]
fn unknown_variable_key() {
    check_pair(
        "unknown-variable-key",
        PolicyKind::Scp,
        &policy(
            r#"{"Effect": "Deny", "Action": "s3:*", "Resource": "*", "Condition": {"ArnNotLike": {"aws:PrincipalArn": "arn:aws:iam::${Account}:role/admin"}}}"#,
        ),
        &policy(
            r#"{"Effect": "Deny", "Action": "s3:*", "Resource": "*", "Condition": {"ArnNotLike": {"aws:PrincipalArn": "arn:aws:iam::${aws:PrincipalAccount}:role/admin"}}}"#,
        ),
    );
    check_pair(
        "unknown-variable-key",
        IDENTITY,
        &policy(
            r#"{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::home/${UserName}/*"}"#,
        ),
        &policy(
            r#"{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::home/${aws:username}/*"}"#,
        ),
    );
}

#[test]
fn condition_key_not_for_actions() {
    check_pair(
        "condition-key-not-for-actions",
        IDENTITY,
        &policy(
            r#"{"Effect": "Allow", "Action": "ec2:DescribeInstances", "Resource": "*", "Condition": {"StringLike": {"s3:prefix": "home/"}}}"#,
        ),
        &policy(
            r#"{"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "*", "Condition": {"StringLike": {"s3:prefix": "home/"}}}"#,
        ),
    );
}

#[test]
fn condition_value_malformed() {
    let with = |operator: &str, key: &str, value: &str| {
        policy(&format!(
            r#"{{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*", "Condition": {{"{operator}": {{"{key}": "{value}"}}}}}}"#
        ))
    };
    for (operator, key, bad, good) in [
        ("IpAddress", "aws:SourceIp", "10.0.0.300/8", "10.0.0.0/8"),
        ("NotIpAddress", "aws:SourceIp", "not-an-ip", "2001:db8::/32"),
        (
            "DateGreaterThan",
            "aws:CurrentTime",
            "yesterday",
            "2026-12-01T00:00:00Z",
        ),
        ("DateLessThan", "aws:EpochTime", "soon", "1790000000"),
        ("NumericLessThan", "aws:MultiFactorAuthAge", "ten", "3600"),
        ("Bool", "aws:SecureTransport", "yes", "false"),
    ] {
        check_pair(
            "condition-value-malformed",
            IDENTITY,
            &with(operator, key, bad),
            &with(operator, key, good),
        );
    }
}

#[test]
fn condition_type_mismatch() {
    let with = |operator: &str, key: &str, value: &str| {
        policy(&format!(
            r#"{{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*", "Condition": {{"{operator}": {{"{key}": "{value}"}}}}}}"#
        ))
    };
    check_pair(
        "condition-type-mismatch",
        IDENTITY,
        &with("NumericLessThan", "aws:username", "3"),
        &with("NumericLessThan", "aws:MultiFactorAuthAge", "3600"),
    );
    check_pair(
        "condition-type-mismatch",
        IDENTITY,
        &with("Bool", "aws:SourceIp", "true"),
        &with("IpAddress", "aws:SourceIp", "203.0.113.0/24"),
    );
    check_pair(
        "condition-type-mismatch",
        IDENTITY,
        &with("DateGreaterThan", "aws:username", "2026-01-01T00:00:00Z"),
        &with("DateGreaterThan", "aws:CurrentTime", "2026-01-01T00:00:00Z"),
    );
}

#[test]
fn condition_type_loose() {
    let with = |operator: &str| {
        policy(&format!(
            r#"{{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*", "Condition": {{"{operator}": {{"aws:SecureTransport": "true"}}}}}}"#
        ))
    };
    check_pair(
        "condition-type-loose",
        IDENTITY,
        &with("StringEquals"),
        &with("Bool"),
    );
}

#[test]
fn if_exists_on_always_present_key() {
    let with = |operator: &str| {
        policy(&format!(
            r#"{{"Effect": "Deny", "Action": "s3:*", "Resource": "*", "Condition": {{"{operator}": {{"aws:SecureTransport": "false"}}}}}}"#
        ))
    };
    check_pair(
        "if-exists-on-always-present-key",
        IDENTITY,
        &with("BoolIfExists"),
        &with("Bool"),
    );
}

#[test]
fn multivalued_key_without_set_operator() {
    let with = |operator: &str| {
        policy(&format!(
            r#"{{"Effect": "Allow", "Action": "ec2:CreateTags", "Resource": "*", "Condition": {{"{operator}": {{"aws:TagKeys": "team"}}}}}}"#
        ))
    };
    check_pair(
        "multivalued-key-without-set-operator",
        IDENTITY,
        &with("StringEquals"),
        &with("ForAnyValue:StringEquals"),
    );
}

#[test]
fn set_operator_on_single_valued_key() {
    let with = |effect: &str, operator: &str| {
        policy(&format!(
            r#"{{"Effect": "{effect}", "Action": "s3:GetObject", "Resource": "*", "Condition": {{"{operator}": {{"aws:PrincipalOrgID": "o-1"}}}}}}"#
        ))
    };
    check_pair(
        "set-operator-on-single-valued-key",
        IDENTITY,
        &with("Allow", "ForAnyValue:StringEquals"),
        &with("Allow", "StringEquals"),
    );
    check_pair(
        "for-all-values-allow-single-valued",
        IDENTITY,
        &with("Allow", "ForAllValues:StringEquals"),
        &with("Deny", "ForAllValues:StringEquals"),
    );
    let findings = validate_as(&with("Allow", "ForAllValues:StringEquals"), IDENTITY, None);
    let finding = findings
        .iter()
        .find(|f| f.code == "for-all-values-allow-single-valued")
        .unwrap();
    assert_eq!(finding.severity, Severity::SecurityWarning);
}

#[test]
fn allow_not_action_star_resource() {
    check_pair(
        "allow-not-action-star-resource",
        IDENTITY,
        &policy(r#"{"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}"#),
        &policy(r#"{"Effect": "Deny", "NotAction": "iam:*", "Resource": "*"}"#),
    );
}

#[test]
fn allow_not_resource_star_action() {
    check_pair(
        "allow-not-resource-star-action",
        IDENTITY,
        &policy(r#"{"Effect": "Allow", "Action": "s3:*", "NotResource": "arn:aws:s3:::secret/*"}"#),
        &policy(
            r#"{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::public/*"}"#,
        ),
    );
}

#[test]
fn public_access_without_condition() {
    check_pair(
        "public-access-without-condition",
        PolicyKind::Resource,
        &policy(
            r#"{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}"#,
        ),
        &policy(
            r#"{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*",
                    "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-123"}}}"#,
        ),
    );
    // IfExists does not restrict: a request without the key passes.
    let if_exists = policy(
        r#"{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*",
            "Condition": {"StringEqualsIfExists": {"aws:PrincipalOrgID": "o-123"}}}"#,
    );
    assert!(codes(&if_exists, PolicyKind::Resource).contains(&"public-access-without-condition"));
}

#[test]
fn cross_account_access_without_condition() {
    let bad = policy(
        r#"{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::222222222222:role/r"}, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}"#,
    );
    let same = policy(
        r#"{"Effect": "Allow", "Principal": {"AWS": "111111111111"}, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}"#,
    );
    let code = "cross-account-access-without-condition";
    let found = |text: &str, account: Option<&str>| {
        validate_as(text, PolicyKind::Resource, account)
            .iter()
            .any(|finding| finding.code == code)
    };
    assert!(found(&bad, Some("111111111111")));
    assert!(!found(&same, Some("111111111111")));
    assert!(
        !found(&bad, None),
        "without --account, other accounts are unknown"
    );
}

#[test]
fn redundant_statement() {
    check_pair(
        "redundant-statement",
        IDENTITY,
        &policy(
            r#"{"Effect": "Allow", "Action": "s3:*", "Resource": "arn:aws:s3:::b/*"},
               {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/x",
                "Condition": {"Bool": {"aws:SecureTransport": "true"}}}"#,
        ),
        &policy(
            r#"{"Effect": "Allow", "Action": "s3:*", "Resource": "arn:aws:s3:::b/*",
                "Condition": {"Bool": {"aws:SecureTransport": "true"}}},
               {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/x"}"#,
        ),
    );
}

#[test]
fn every_check_has_a_test_and_a_documented_entry() {
    let tests = include_str!("validate.rs");
    let docs = include_str!("../docs/validate.md");
    for entry in CHECKS {
        assert!(
            tests.contains(&format!("\"{}\"", entry.code)),
            "no test names {}",
            entry.code
        );
        assert!(
            docs.contains(&format!("`{}`", entry.code)),
            "docs/validate.md does not list {}",
            entry.code
        );
    }
}

#[test]
fn findings_carry_path_position_severity_and_hint() {
    let text = "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n    {\"Effect\": \"Allow\", \"Action\": [\"s3:GetObject\", \"s4:Get\"], \"Resource\": \"*\"}\n  ]\n}";
    let findings = validate_as(text, IDENTITY, None);
    assert_eq!(findings.len(), 1, "{findings:?}");
    let finding = &findings[0];
    assert_eq!(finding.code, "unknown-service");
    assert_eq!(finding.severity, Severity::Error);
    assert_eq!(finding.location.json_path, "Statement[0].Action[1]");
    assert_eq!(
        (
            finding.location.position.line,
            finding.location.position.column
        ),
        (4, 52)
    );
    assert!(!finding.hint.is_empty());
}

// The command line.

const EXAMPLE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/examples/validate-findings/bucket-policy.json"
);

fn iamz(arguments: &[&str]) -> (i32, String, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_iamz"))
        .args(arguments)
        .output()
        .expect("iamz runs");
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).to_string(),
        String::from_utf8_lossy(&output.stderr).to_string(),
    )
}

#[test]
fn fail_on_sets_the_exit_code() {
    let args = |fail_on: &'static str| {
        vec![
            "validate",
            "--policy-type",
            "resource",
            "--fail-on",
            fail_on,
            EXAMPLE,
        ]
    };
    assert_eq!(iamz(&args("error")).0, 1);
    assert_eq!(iamz(&args("suggestion")).0, 1);
    assert_eq!(iamz(&args("none")).0, 0);
    let clean = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(
        clean.path(),
        r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}}"#,
    )
    .unwrap();
    let path = clean.path().to_str().unwrap();
    assert_eq!(iamz(&["validate", path]).0, 0);
    assert_eq!(iamz(&["validate", "--fail-on", "suggestion", path]).0, 0);
}

#[test]
fn unreadable_and_invalid_input_exit_2_with_a_location() {
    let (code, _, stderr) = iamz(&["validate", "/nonexistent/policy.json"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("/nonexistent/policy.json"), "{stderr}");
    let broken = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(
        broken.path(),
        "{\"Statement\": [\n  {\"Effect\": \"Allowed\"}]}",
    )
    .unwrap();
    let (code, _, stderr) = iamz(&["validate", broken.path().to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(stderr.contains(":2:14: Statement[0].Effect"), "{stderr}");
}

#[test]
fn json_output_lists_findings_in_order() {
    let (code, stdout, _) = iamz(&[
        "validate",
        "--policy-type",
        "resource",
        "--format",
        "json",
        EXAMPLE,
    ]);
    assert_eq!(code, 1);
    let value: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let findings = value["findings"].as_array().unwrap();
    assert!(findings.len() >= 5);
    let keys: Vec<(u64, u64, String)> = findings
        .iter()
        .map(|f| {
            (
                f["line"].as_u64().unwrap(),
                f["column"].as_u64().unwrap(),
                f["code"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(keys, sorted);
    assert!(findings
        .iter()
        .all(|f| f["hint"].as_str().is_some_and(|h| !h.is_empty())));
}

#[test]
fn sarif_output_passes_the_sarif_2_1_0_schema() {
    let schema_text = include_str!("data/sarif-schema-2.1.0.json");
    let schema: serde_json::Value = serde_json::from_str(schema_text).unwrap();
    let validator = jsonschema::validator_for(&schema).expect("the SARIF schema compiles");
    let (code, stdout, _) = iamz(&[
        "validate",
        "--policy-type",
        "resource",
        "--format",
        "sarif",
        EXAMPLE,
    ]);
    assert_eq!(code, 1);
    let log: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let errors: Vec<String> = validator
        .iter_errors(&log)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "SARIF schema errors:\n{}",
        errors.join("\n")
    );
    assert_eq!(log["version"], "2.1.0");
    let run = &log["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    assert_eq!(rules.len(), CHECKS.len());
    let results = run["results"].as_array().unwrap();
    assert!(!results.is_empty());
    for result in results {
        let rule = result["ruleId"].as_str().unwrap();
        assert!(rules.iter().any(|r| r["id"] == rule));
        let location = &result["locations"][0]["physicalLocation"];
        assert!(location["artifactLocation"]["uri"]
            .as_str()
            .unwrap()
            .ends_with("bucket-policy.json"));
        assert!(location["region"]["startLine"].as_u64().unwrap() >= 1);
        assert!(location["region"]["startColumn"].as_u64().unwrap() >= 1);
        assert!(["error", "warning", "note"].contains(&result["level"].as_str().unwrap()));
    }
    // An empty run is valid SARIF too.
    let clean = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(
        clean.path(),
        r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}}"#,
    )
    .unwrap();
    let (code, stdout, _) = iamz(&[
        "validate",
        "--format",
        "sarif",
        clean.path().to_str().unwrap(),
    ]);
    assert_eq!(code, 0);
    let log: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert!(validator.is_valid(&log));
}
