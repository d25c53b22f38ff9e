//! The policy parser on hostile and broken input: it never panics, and every
//! error it returns says where (line and column from 1, JSON path). Plus
//! tables of the located errors and warnings of the IAM policy grammar
//! (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html).

use iamz::policy::{parse_policy, Diagnostic, PolicyError, PolicyKind};
use proptest::prelude::*;
use std::path::Path;

const CORPUS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/corpus");

/// Parses and checks the invariant: Ok, or an error with a location.
fn parse_checked(text: &str, kind: Option<PolicyKind>) -> Result<(), TestCaseError> {
    match parse_policy(text, "input.json", kind) {
        Ok(parsed) => {
            for warning in &parsed.warnings {
                prop_assert!(warning.location.position.line >= 1, "{warning}");
                prop_assert!(warning.location.position.column >= 1, "{warning}");
            }
        }
        Err(PolicyError::TooLarge { .. }) => {
            prop_assert!(false, "small input reported as too large");
        }
        Err(error) => {
            let diagnostic = error.diagnostic().expect("located error");
            prop_assert!(diagnostic.location.position.line >= 1, "{error}");
            prop_assert!(diagnostic.location.position.column >= 1, "{error}");
            prop_assert_eq!(diagnostic.location.file.as_str(), "input.json");
            let lines = text.split('\n').count();
            prop_assert!(
                diagnostic.location.position.line <= lines,
                "line {} past the end ({} lines): {}",
                diagnostic.location.position.line,
                lines,
                error
            );
            prop_assert!(!diagnostic.message.is_empty());
        }
    }
    Ok(())
}

fn policy_key() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("Version".to_string()),
        Just("Statement".to_string()),
        Just("Id".to_string()),
        Just("Sid".to_string()),
        Just("Effect".to_string()),
        Just("Action".to_string()),
        Just("NotAction".to_string()),
        Just("Resource".to_string()),
        Just("NotResource".to_string()),
        Just("Principal".to_string()),
        Just("NotPrincipal".to_string()),
        Just("Condition".to_string()),
        Just("AWS".to_string()),
        Just("Service".to_string()),
        Just("StringLike".to_string()),
        Just("ForAllValues:StringEquals".to_string()),
        Just("NullIfExists".to_string()),
        Just("aws:SourceIp".to_string()),
        "[A-Za-z:]{0,12}",
    ]
}

fn policy_string() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("2012-10-17".to_string()),
        Just("2008-10-17".to_string()),
        Just("Allow".to_string()),
        Just("Deny".to_string()),
        Just("*".to_string()),
        Just("s3:GetObject".to_string()),
        Just("arn:aws:s3:::b/${aws:username}/*".to_string()),
        Just("arn:aws:iam::111111111111:role/dev-*".to_string()),
        Just("111111111111".to_string()),
        Just("${aws:PrincipalTag/team, 'x'}".to_string()),
        "\\PC{0,16}",
    ]
}

fn json_value() -> impl Strategy<Value = serde_json::Value> {
    let leaf = prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::Bool),
        any::<i64>().prop_map(|number| serde_json::Value::Number(number.into())),
        policy_string().prop_map(serde_json::Value::String),
    ];
    leaf.prop_recursive(6, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(serde_json::Value::Array),
            prop::collection::vec((policy_key(), inner), 0..6)
                .prop_map(|members| serde_json::Value::Object(members.into_iter().collect())),
        ]
    })
}

/// A policy-shaped document with random parts.
fn policy_like() -> impl Strategy<Value = serde_json::Value> {
    let statement = prop::collection::vec((policy_key(), json_value()), 0..7)
        .prop_map(|members| serde_json::Value::Object(members.into_iter().collect()));
    (
        prop::option::of(policy_string()),
        prop::collection::vec(statement, 0..4),
        any::<bool>(),
    )
        .prop_map(|(version, statements, as_object)| {
            let mut document = serde_json::Map::new();
            if let Some(version) = version {
                document.insert("Version".into(), version.into());
            }
            let statement = if as_object && !statements.is_empty() {
                statements[0].clone()
            } else {
                serde_json::Value::Array(statements)
            };
            document.insert("Statement".into(), statement);
            serde_json::Value::Object(document)
        })
}

fn kind() -> impl Strategy<Value = Option<PolicyKind>> {
    prop_oneof![
        Just(None),
        prop::sample::select(PolicyKind::ALL.to_vec()).prop_map(Some),
    ]
}

fn corpus_samples() -> Vec<String> {
    [
        "scp-examples/Service-specific-controls_AWS-IAM_deny-service-specific-credential-by-type.json",
        "data-perimeter-examples/resource_control_policies_identity_perimeter_rcp.json",
        "data-perimeter-examples/vpc_endpoint_policies_s3_endpoint_policy.json",
        "data-perimeter-examples/service_control_policies_data_perimeter_governance_scp.json",
    ]
    .iter()
    .map(|file| std::fs::read_to_string(Path::new(CORPUS).join(file)).expect("corpus file"))
    .collect()
}

#[derive(Debug, Clone)]
enum Mutation {
    Replace(usize, u8),
    Insert(usize, u8),
    Delete(usize),
    Truncate(usize),
    Duplicate(usize, usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let byte = prop_oneof![
        Just(b'{'),
        Just(b'}'),
        Just(b'['),
        Just(b']'),
        Just(b'"'),
        Just(b','),
        Just(b':'),
        Just(b'\\'),
        Just(b'\n'),
        Just(b'*'),
        Just(b'$'),
        any::<u8>(),
    ];
    prop_oneof![
        (any::<usize>(), byte.clone()).prop_map(|(at, byte)| Mutation::Replace(at, byte)),
        (any::<usize>(), byte).prop_map(|(at, byte)| Mutation::Insert(at, byte)),
        any::<usize>().prop_map(Mutation::Delete),
        any::<usize>().prop_map(Mutation::Truncate),
        (any::<usize>(), 1usize..40).prop_map(|(at, length)| Mutation::Duplicate(at, length)),
    ]
}

fn apply(bytes: &mut Vec<u8>, mutation: &Mutation) {
    let length = bytes.len().max(1);
    match *mutation {
        Mutation::Replace(at, byte) => {
            if !bytes.is_empty() {
                bytes[at % length] = byte;
            }
        }
        Mutation::Insert(at, byte) => bytes.insert(at % (bytes.len() + 1), byte),
        Mutation::Delete(at) => {
            if !bytes.is_empty() {
                bytes.remove(at % length);
            }
        }
        Mutation::Truncate(at) => bytes.truncate(at % (bytes.len() + 1)),
        Mutation::Duplicate(at, span) => {
            let start = at % (bytes.len() + 1);
            let end = (start + span).min(bytes.len());
            let copy = bytes[start..end].to_vec();
            bytes.splice(start..start, copy);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 1000,
        rng_seed: proptest::test_runner::RngSeed::Fixed(20261122),
        ..ProptestConfig::default()
    })]

    #[test]
    fn arbitrary_json_never_panics(value in json_value(), kind in kind()) {
        parse_checked(&value.to_string(), kind)?;
        parse_checked(&serde_json::to_string_pretty(&value).unwrap(), kind)?;
    }

    #[test]
    fn policy_shaped_json_never_panics(value in policy_like(), kind in kind()) {
        parse_checked(&serde_json::to_string_pretty(&value).unwrap(), kind)?;
    }

    #[test]
    fn arbitrary_text_never_panics(text in "\\PC{0,200}", kind in kind()) {
        parse_checked(&text, kind)?;
    }

    #[test]
    fn mutated_corpus_policies_never_panic(
        index in 0usize..4,
        mutations in prop::collection::vec(mutation(), 1..6),
        kind in kind(),
    ) {
        thread_local! {
            static SAMPLES: Vec<String> = corpus_samples();
        }
        let mut bytes = SAMPLES.with(|samples| samples[index].clone().into_bytes());
        for mutation in &mutations {
            apply(&mut bytes, mutation);
        }
        parse_checked(&String::from_utf8_lossy(&bytes), kind)?;
    }
}

#[test]
fn deep_nesting_is_a_located_error_not_a_stack_overflow() {
    let depth = 100_000;
    let text = format!("{}{}", "[".repeat(depth), "]".repeat(depth));
    let error = parse_policy(&text, "deep.json", None).unwrap_err();
    assert!(matches!(error, PolicyError::InvalidJson(_)), "{error:?}");
    let diagnostic = error.diagnostic().unwrap();
    assert_eq!(diagnostic.location.position.line, 1);
    assert_eq!(diagnostic.location.position.column, 65, "{error}");
}

#[test]
fn oversized_input_is_refused_without_parsing() {
    let text = format!("{{\"Statement\": \"{}\"}}", "x".repeat(2 << 20));
    let error = parse_policy(&text, "big.json", None).unwrap_err();
    assert!(matches!(error, PolicyError::TooLarge { .. }), "{error:?}");
    assert!(error.diagnostic().is_none());
}

// ---------------------------------------------------------------------------
// Located errors.

struct ErrorCase {
    name: &'static str,
    kind: Option<PolicyKind>,
    text: &'static str,
    /// `invalid-json` errors are `PolicyError::InvalidJson`, the rest
    /// `PolicyError::InvalidPolicy`.
    code: &'static str,
    json_path: &'static str,
    line: usize,
    column: usize,
    /// A fragment the message must contain.
    message: &'static str,
}

fn error_of(case: &ErrorCase) -> Diagnostic {
    let error = match parse_policy(case.text, "case.json", case.kind) {
        Ok(parsed) => panic!(
            "{}: parsed, expected error {}: {:?}",
            case.name, case.code, parsed.document
        ),
        Err(error) => error,
    };
    match (&error, case.code) {
        (PolicyError::InvalidJson(diagnostic), "invalid-json") => diagnostic.clone(),
        (PolicyError::InvalidPolicy(diagnostic), code) if code != "invalid-json" => {
            diagnostic.clone()
        }
        _ => panic!("{}: wrong error variant: {error:?}", case.name),
    }
}

const ERROR_CASES: &[ErrorCase] = &[
    ErrorCase {
        name: "duplicate Effect in a statement",
        kind: None,
        text: r#"{
  "Version": "2012-10-17",
  "Statement": [
    {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"},
    {
      "Effect": "Allow",
      "Action": "s3:PutObject",
      "Effect": "Deny",
      "Resource": "*"
    }
  ]
}"#,
        code: "duplicate-key",
        json_path: "Statement[1].Effect",
        line: 8,
        column: 7,
        message: "duplicate key `Effect`",
    },
    ErrorCase {
        name: "duplicate Statement at the top",
        kind: None,
        text: "{\"Version\": \"2012-10-17\",\n \"Statement\": [],\n \"Statement\": []}",
        code: "duplicate-key",
        json_path: "Statement",
        line: 3,
        column: 2,
        message: "duplicate key `Statement`",
    },
    ErrorCase {
        name: "duplicate condition key differing only in case",
        kind: None,
        text: r#"{"Version": "2012-10-17", "Statement": {
  "Effect": "Allow", "Action": "s3:*", "Resource": "*",
  "Condition": {"StringEquals": {
    "aws:SourceVpce": "vpce-1",
    "AWS:sourcevpce": "vpce-2"}}}}"#,
        code: "duplicate-key",
        json_path: "Statement.Condition.StringEquals.AWS:sourcevpce",
        line: 5,
        column: 5,
        message: "case-insensitive",
    },
    ErrorCase {
        name: "unknown element in a statement (case matters)",
        kind: None,
        text: r#"{"Version": "2012-10-17", "Statement": [{
  "Effect": "Allow",
  "action": "s3:GetObject",
  "Resource": "*"}]}"#,
        code: "unknown-element",
        json_path: "Statement[0].action",
        line: 3,
        column: 3,
        message: "did you mean `Action`",
    },
    ErrorCase {
        name: "unknown element at the top",
        kind: None,
        text: "{\"Version\": \"2012-10-17\", \"Statements\": []}",
        code: "unknown-element",
        json_path: "Statements",
        line: 1,
        column: 27,
        message: "unknown element `Statements`",
    },
    ErrorCase {
        name: "Action given as a number",
        kind: None,
        text: "{\"Statement\": [{\"Effect\": \"Allow\",\n  \"Action\": 42, \"Resource\": \"*\"}]}",
        code: "wrong-type",
        json_path: "Statement[0].Action",
        line: 2,
        column: 13,
        message: "found a number",
    },
    ErrorCase {
        name: "Resource list holding an object",
        kind: None,
        text: "{\"Statement\": {\"Effect\": \"Allow\", \"Action\": \"*\",\n  \"Resource\": [\"*\", {\"arn\": \"x\"}]}}",
        code: "wrong-type",
        json_path: "Statement.Resource[1]",
        line: 2,
        column: 21,
        message: "found an object",
    },
    ErrorCase {
        name: "Statement given as a string",
        kind: None,
        text: "{\"Version\": \"2012-10-17\", \"Statement\": \"Allow all\"}",
        code: "wrong-type",
        json_path: "Statement",
        line: 1,
        column: 40,
        message: "found a string",
    },
    ErrorCase {
        name: "empty Action list",
        kind: None,
        text: "{\"Statement\": [\n  {\"Effect\": \"Allow\", \"Action\": [], \"Resource\": \"*\"}\n]}",
        code: "empty-list",
        json_path: "Statement[0].Action",
        line: 2,
        column: 33,
        message: "must not be an empty list",
    },
    ErrorCase {
        name: "empty condition value list",
        kind: None,
        text: "{\"Statement\": {\"Effect\": \"Deny\", \"Action\": \"*\", \"Resource\": \"*\",\n \"Condition\": {\"StringEquals\": {\"aws:SourceVpc\": []}}}}",
        code: "empty-list",
        json_path: "Statement.Condition.StringEquals.aws:SourceVpc",
        line: 2,
        column: 50,
        message: "at least one value",
    },
    ErrorCase {
        name: "Action and NotAction together",
        kind: None,
        text: r#"{"Statement": [{
  "Effect": "Deny",
  "Action": "s3:*",
  "NotAction": "s3:GetObject",
  "Resource": "*"}]}"#,
        code: "exclusive-elements",
        json_path: "Statement[0].NotAction",
        line: 4,
        column: 16,
        message: "not both",
    },
    ErrorCase {
        name: "Resource and NotResource together",
        kind: None,
        text: "{\"Statement\": {\"Effect\": \"Deny\", \"Action\": \"s3:*\", \"Resource\": \"*\", \"NotResource\": \"arn:aws:s3:::b\"}}",
        code: "exclusive-elements",
        json_path: "Statement.NotResource",
        line: 1,
        column: 84,
        message: "not both",
    },
    ErrorCase {
        name: "Effect in lower case",
        kind: None,
        text: "{\"Statement\": [{\"Effect\": \"allow\", \"Action\": \"*\", \"Resource\": \"*\"}]}",
        code: "invalid-effect",
        json_path: "Statement[0].Effect",
        line: 1,
        column: 27,
        message: "case-sensitive",
    },
    ErrorCase {
        name: "missing Effect",
        kind: None,
        text: "{\"Statement\": [\n  {\"Action\": \"*\", \"Resource\": \"*\"}]}",
        code: "missing-element",
        json_path: "Statement[0]",
        line: 2,
        column: 3,
        message: "Effect",
    },
    ErrorCase {
        name: "unknown condition operator",
        kind: None,
        text: r#"{"Statement": {"Effect": "Allow", "Action": "*", "Resource": "*",
  "Condition": {
    "StringEqualz": {"aws:username": "bob"}}}}"#,
        code: "unknown-operator",
        json_path: "Statement.Condition.StringEqualz",
        line: 3,
        column: 5,
        message: "unknown condition operator `StringEqualz`",
    },
    ErrorCase {
        name: "operator in the wrong case",
        kind: None,
        text: "{\"Statement\": {\"Effect\": \"Allow\", \"Action\": \"*\", \"Resource\": \"*\", \"Condition\": {\"stringEquals\": {\"aws:username\": \"bob\"}}}}",
        code: "unknown-operator",
        json_path: "Statement.Condition.stringEquals",
        line: 1,
        column: 81,
        message: "stringEquals",
    },
    ErrorCase {
        name: "Null with IfExists",
        kind: None,
        text: r#"{"Statement": {"Effect": "Deny", "Action": "*", "Resource": "*",
  "Condition": {"NullIfExists": {"aws:TokenIssueTime": "true"}}}}"#,
        code: "unknown-operator",
        json_path: "Statement.Condition.NullIfExists",
        line: 2,
        column: 17,
        message: "Null takes neither IfExists",
    },
    ErrorCase {
        name: "Null with a set qualifier",
        kind: None,
        text: r#"{"Statement": {"Effect": "Deny", "Action": "*", "Resource": "*",
  "Condition": {"ForAnyValue:Null": {"aws:TagKeys": "true"}}}}"#,
        code: "unknown-operator",
        json_path: "Statement.Condition.ForAnyValue:Null",
        line: 2,
        column: 17,
        message: "ForAnyValue:Null",
    },
    ErrorCase {
        name: "Null with a value other than true/false",
        kind: None,
        text: r#"{"Statement": {"Effect": "Deny", "Action": "*", "Resource": "*",
  "Condition": {"Null": {"aws:TokenIssueTime": "yes"}}}}"#,
        code: "invalid-condition-value",
        json_path: "Statement.Condition.Null.aws:TokenIssueTime",
        line: 2,
        column: 48,
        message: "\"yes\"",
    },
    ErrorCase {
        name: "partial wildcard in a principal ARN",
        kind: Some(PolicyKind::Resource),
        text: r#"{"Version": "2012-10-17", "Statement": [{
  "Effect": "Allow",
  "Principal": {"AWS": [
    "arn:aws:iam::111111111111:role/Admin",
    "arn:aws:iam::111111111111:role/dev-*"]},
  "Action": "s3:GetObject",
  "Resource": "arn:aws:s3:::b/*"}]}"#,
        code: "invalid-principal",
        json_path: "Statement[0].Principal.AWS[1]",
        line: 5,
        column: 5,
        message: "partial wildcards",
    },
    ErrorCase {
        name: "wildcard session name in a principal",
        kind: Some(PolicyKind::Trust),
        text: r#"{"Statement": {"Effect": "Allow", "Action": "sts:AssumeRole",
 "Principal": {"AWS": "arn:aws:sts::111111111111:assumed-role/Dev/*"}}}"#,
        code: "invalid-principal",
        json_path: "Statement.Principal.AWS",
        line: 2,
        column: 23,
        message: "wildcard",
    },
    ErrorCase {
        name: "principal string other than *",
        kind: Some(PolicyKind::Resource),
        text: "{\"Statement\": {\"Effect\": \"Allow\", \"Principal\": \"111111111111\", \"Action\": \"*\", \"Resource\": \"*\"}}",
        code: "invalid-principal",
        json_path: "Statement.Principal",
        line: 1,
        column: 48,
        message: "must be \"*\"",
    },
    ErrorCase {
        name: "unknown principal type",
        kind: Some(PolicyKind::Resource),
        text: "{\"Statement\": {\"Effect\": \"Allow\",\n \"Principal\": {\"Aws\": \"*\"}, \"Action\": \"*\", \"Resource\": \"*\"}}",
        code: "unknown-element",
        json_path: "Statement.Principal.Aws",
        line: 2,
        column: 16,
        message: "did you mean `AWS`",
    },
    ErrorCase {
        name: "wildcard in the service of an action",
        kind: None,
        text: "{\"Statement\": {\"Effect\": \"Allow\", \"Action\": [\"s3:Get*\", \"s3*:Get*\"], \"Resource\": \"*\"}}",
        code: "invalid-action",
        json_path: "Statement.Action[1]",
        line: 1,
        column: 57,
        message: "s3*:Get*",
    },
    ErrorCase {
        name: "unknown Version",
        kind: None,
        text: "{\"Version\": \"2012-10-18\", \"Statement\": []}",
        code: "invalid-version",
        json_path: "Version",
        line: 1,
        column: 13,
        message: "2012-10-18",
    },
    ErrorCase {
        name: "no Statement",
        kind: None,
        text: "{\"Version\": \"2012-10-17\"}",
        code: "missing-element",
        json_path: "",
        line: 1,
        column: 1,
        message: "Statement",
    },
    ErrorCase {
        name: "trailing comma is not JSON",
        kind: None,
        text: "{\"Version\": \"2012-10-17\",\n \"Statement\": [],\n}",
        code: "invalid-json",
        json_path: "",
        line: 2,
        column: 17,
        message: "invalid JSON",
    },
    ErrorCase {
        name: "single-quoted string is not JSON",
        kind: None,
        text: "{\"Version\": '2012-10-17', \"Statement\": []}",
        code: "invalid-json",
        json_path: "",
        line: 1,
        column: 13,
        message: "invalid JSON",
    },
];

#[test]
fn errors_name_the_place_and_the_problem() {
    let mut failures = Vec::new();
    for case in ERROR_CASES {
        let diagnostic = error_of(case);
        let got = (
            diagnostic.code,
            diagnostic.location.json_path.as_str(),
            diagnostic.location.position.line,
            diagnostic.location.position.column,
        );
        let want = (case.code, case.json_path, case.line, case.column);
        if got != want || !diagnostic.message.contains(case.message) {
            failures.push(format!(
                "{}: expected {want:?} with message containing {:?}, got {got:?}: {}",
                case.name, case.message, diagnostic.message
            ));
        }
        assert_eq!(diagnostic.location.file, "case.json");
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

// ---------------------------------------------------------------------------
// Warnings: legal input that AWS treats in a way the author likely did not mean.

struct WarningCase {
    name: &'static str,
    kind: Option<PolicyKind>,
    text: &'static str,
    code: &'static str,
    json_path: &'static str,
    line: usize,
    column: usize,
}

const WARNING_CASES: &[WarningCase] = &[
    WarningCase {
        name: "variables without Version are literal",
        kind: Some(PolicyKind::Identity),
        text: r#"{"Statement": [{
  "Effect": "Allow",
  "Action": "s3:GetObject",
  "Resource": "arn:aws:s3:::home/${aws:username}/*"}]}"#,
        code: "variables-without-version",
        json_path: "Version",
        line: 1,
        column: 1,
    },
    WarningCase {
        name: "variables under Version 2008-10-17 are literal",
        kind: Some(PolicyKind::Identity),
        text: r#"{"Version": "2008-10-17", "Statement": [{
  "Effect": "Allow", "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::home",
  "Condition": {"StringLike": {"s3:prefix": "${aws:username}/*"}}}]}"#,
        code: "variables-without-version",
        json_path: "Version",
        line: 1,
        column: 1,
    },
    WarningCase {
        name: "duplicate Sid",
        kind: Some(PolicyKind::Identity),
        text: r#"{"Version": "2012-10-17", "Statement": [
  {"Sid": "Read", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"},
  {"Sid": "Read", "Effect": "Allow", "Action": "s3:ListBucket", "Resource": "*"}]}"#,
        code: "duplicate-sid",
        json_path: "Statement[1].Sid",
        line: 3,
        column: 3,
    },
    WarningCase {
        name: "Principal in an identity policy",
        kind: Some(PolicyKind::Identity),
        text: r#"{"Version": "2012-10-17", "Statement": {
  "Effect": "Allow",
  "Principal": "*",
  "Action": "s3:GetObject", "Resource": "*"}}"#,
        code: "principal-in-identity-policy",
        json_path: "Statement.Principal",
        line: 3,
        column: 16,
    },
    WarningCase {
        name: "Principal in an SCP",
        kind: Some(PolicyKind::Scp),
        text: r#"{"Version": "2012-10-17", "Statement": {
  "Effect": "Deny", "NotPrincipal": {"AWS": "111111111111"},
  "Action": "*", "Resource": "*"}}"#,
        code: "principal-in-identity-policy",
        json_path: "Statement.NotPrincipal",
        line: 2,
        column: 37,
    },
    WarningCase {
        name: "Allow with NotPrincipal",
        kind: Some(PolicyKind::Resource),
        text: r#"{"Version": "2012-10-17", "Statement": [{
  "Effect": "Allow",
  "NotPrincipal": {"AWS": "arn:aws:iam::111111111111:user/Bob"},
  "Action": "s3:GetObject",
  "Resource": "arn:aws:s3:::b/*"}]}"#,
        code: "allow-with-not-principal",
        json_path: "Statement[0].NotPrincipal",
        line: 3,
        column: 19,
    },
    WarningCase {
        name: "empty statement list",
        kind: Some(PolicyKind::Identity),
        text: "{\"Version\": \"2012-10-17\", \"Statement\": []}",
        code: "empty-statement",
        json_path: "Statement",
        line: 1,
        column: 40,
    },
];

#[test]
fn warnings_name_the_place() {
    let mut failures = Vec::new();
    for case in WARNING_CASES {
        let parsed = parse_policy(case.text, "case.json", case.kind)
            .unwrap_or_else(|error| panic!("{}: {error}", case.name));
        let found: Vec<_> = parsed
            .warnings
            .iter()
            .filter(|warning| warning.code == case.code)
            .map(|warning| {
                (
                    warning.location.json_path.as_str(),
                    warning.location.position.line,
                    warning.location.position.column,
                )
            })
            .collect();
        let want = (case.json_path, case.line, case.column);
        if found != [want] {
            failures.push(format!(
                "{}: expected one {} warning at {want:?}, got {:?}",
                case.name, case.code, parsed.warnings
            ));
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

#[test]
fn clean_policies_have_no_warnings() {
    let texts = [
        (
            PolicyKind::Identity,
            r#"{"Version": "2012-10-17", "Statement": [
  {"Sid": "A", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::home/${aws:username}/*"},
  {"Sid": "B", "Effect": "Deny", "NotAction": "iam:*", "Resource": "*",
   "Condition": {"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}}}]}"#,
        ),
        (
            PolicyKind::Resource,
            r#"{"Version": "2012-10-17", "Statement": [
  {"Effect": "Deny", "NotPrincipal": {"AWS": ["arn:aws:iam::111111111111:user/Bob", "111111111111"]},
   "Action": "s3:*", "Resource": "arn:aws:s3:::b/*"}]}"#,
        ),
        (
            PolicyKind::Trust,
            r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow",
  "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}}"#,
        ),
    ];
    for (kind, text) in texts {
        let parsed = parse_policy(text, "clean.json", Some(kind)).unwrap();
        assert!(parsed.warnings.is_empty(), "{kind}: {:?}", parsed.warnings);
    }
}

#[test]
fn wildcards_in_principals_that_aws_accepts_parse() {
    // `"*"` and `{"AWS": "*"}` are the only wildcard principals.
    for text in [
        r#"{"Statement": {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "*"}}"#,
        r#"{"Statement": {"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "s3:GetObject", "Resource": "*"}}"#,
        r#"{"Statement": {"Effect": "Allow", "Principal": {"AWS": ["*", "111111111111"]}, "Action": "s3:GetObject", "Resource": "*"}}"#,
    ] {
        parse_policy(text, "ok.json", Some(PolicyKind::Resource))
            .unwrap_or_else(|error| panic!("{text}: {error}"));
    }
}
