//! Every policy of the shared corpus parses with the policy kind of its
//! folder, and the one published file that is not JSON fails with a located
//! error.

mod files;

use iamz::policy::json::{parse_json, JsonValue};
use iamz::policy::parse::parse_policy_node;
use iamz::policy::{parse_policy, PolicyError, PolicyKind};
use std::path::{Path, PathBuf};

const CORPUS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/corpus");

const BROKEN_FILE: &str =
    "Service-specific-controls_AWS-IAM_deny-service-specific-credential-by-type.json";

/// Published files that are JSON but not valid policies, and the exact
/// error each must get: (folder, file, code, line, column, JSON path).
///
/// The two data-perimeter files are templates whose placeholders
/// (`<third-party-resource>`, `<action>`) IAM rejects as it stands ("Resource
/// must be in ARN format or *", "Action vendors must ..."). The RCP writes
/// the operator `ForAnyValue:Stringlike`; IAM refuses operator names in the
/// wrong case ("Invalid Condition type : stringEquals").
const REJECTED: &[(&str, &str, &str, usize, usize, &str)] = &[
    (
        "data-perimeter-examples",
        "service_control_policies_resource_perimeter_scp.json",
        "invalid-resource",
        43,
        13,
        "Statement[0].NotResource[34]",
    ),
    (
        "data-perimeter-examples",
        "vpc_endpoint_policies_s3_endpoint_policy.json",
        "invalid-action",
        118,
        23,
        "Statement[4].Action",
    ),
    (
        "rcp-examples",
        "Service-specific-controls_STS-protect-IAMRA-session-tags.json",
        "unknown-operator",
        13,
        9,
        "Statement[0].Condition.ForAnyValue:Stringlike",
    ),
];

fn rejected_in(folder: &str) -> Vec<&'static str> {
    REJECTED
        .iter()
        .filter(|entry| entry.0 == folder)
        .map(|entry| entry.1)
        .collect()
}

fn json_files(folder: &str) -> Vec<PathBuf> {
    files::json_files_in(&Path::new(CORPUS).join(folder))
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path)
        .unwrap_or_else(|error| panic!("cannot read {}: {error}", path.display()))
}

/// Parses each file of a folder of plain policy documents; returns the
/// number parsed and the failures (file and message).
fn parse_folder(
    folder: &str,
    kind_of: impl Fn(&str) -> PolicyKind,
    skip: &[&str],
) -> (usize, Vec<String>) {
    let mut parsed = 0;
    let mut failures = Vec::new();
    for path in json_files(folder) {
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        if skip.contains(&name.as_str()) {
            continue;
        }
        let kind = kind_of(&name);
        match parse_policy(&read(&path), &name, Some(kind)) {
            Ok(policy) => {
                assert!(
                    !policy.document.statements.is_empty(),
                    "{folder}/{name}: parsed without statements"
                );
                parsed += 1;
            }
            Err(error) => failures.push(format!("{folder}/{name} ({kind}): {error}")),
        }
    }
    (parsed, failures)
}

fn data_perimeter_kind(name: &str) -> PolicyKind {
    if name.starts_with("service_control_policies_") {
        PolicyKind::Scp
    } else if name.starts_with("resource_control_policies_") {
        PolicyKind::Rcp
    } else if name.starts_with("vpc_endpoint_policies_") {
        PolicyKind::Endpoint
    } else {
        panic!("data-perimeter example of unknown kind: {name}")
    }
}

#[test]
fn service_control_policy_examples_parse() {
    let (parsed, failures) = parse_folder("scp-examples", |_| PolicyKind::Scp, &[BROKEN_FILE]);
    assert!(failures.is_empty(), "failures:\n{}", failures.join("\n"));
    assert_eq!(parsed, 56);
}

#[test]
fn resource_control_policy_examples_parse() {
    let (parsed, failures) = parse_folder(
        "rcp-examples",
        |_| PolicyKind::Rcp,
        &rejected_in("rcp-examples"),
    );
    assert!(failures.is_empty(), "failures:\n{}", failures.join("\n"));
    assert_eq!(parsed, 22);
}

#[test]
fn data_perimeter_examples_parse_by_kind() {
    let (parsed, failures) = parse_folder(
        "data-perimeter-examples",
        data_perimeter_kind,
        &rejected_in("data-perimeter-examples"),
    );
    assert!(failures.is_empty(), "failures:\n{}", failures.join("\n"));
    assert_eq!(parsed, 27);
    let count = |prefix: &str| {
        json_files("data-perimeter-examples")
            .iter()
            .filter(|path| {
                path.file_name()
                    .unwrap()
                    .to_string_lossy()
                    .starts_with(prefix)
            })
            .count()
    };
    assert_eq!(count("service_control_policies_"), 13);
    assert_eq!(count("resource_control_policies_"), 6);
    assert_eq!(count("vpc_endpoint_policies_"), 10);
}

#[test]
fn aws_managed_policies_parse_from_their_document_node() {
    let mut parsed = 0;
    let mut failures = Vec::new();
    for path in json_files("aws-managed-policies") {
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        let text = read(&path);
        let root = parse_json(&text).unwrap_or_else(|error| {
            panic!("aws-managed-policies/{name}: wrapper is not JSON: {error}")
        });
        let JsonValue::Object(members) = &root.value else {
            panic!("aws-managed-policies/{name}: wrapper is not an object");
        };
        let document = members
            .iter()
            .find(|(key, _)| key.text == "document")
            .map(|(_, value)| value)
            .unwrap_or_else(|| panic!("aws-managed-policies/{name}: no `document`"));
        match parse_policy_node(
            document,
            &name,
            "document",
            &name,
            Some(PolicyKind::Identity),
        ) {
            Ok(policy) => {
                assert!(
                    !policy.document.statements.is_empty(),
                    "aws-managed-policies/{name}: parsed without statements"
                );
                assert!(
                    policy
                        .warnings
                        .iter()
                        .all(|warning| warning.code != "principal-in-identity-policy"),
                    "aws-managed-policies/{name}: {:?}",
                    policy.warnings
                );
                parsed += 1;
            }
            Err(error) => failures.push(format!("aws-managed-policies/{name}: {error}")),
        }
    }
    assert!(failures.is_empty(), "failures:\n{}", failures.join("\n"));
    assert_eq!(parsed, 1641);
}

#[test]
fn aws_managed_policies_parse_from_reserialised_text() {
    // The same documents, re-serialised by serde_json and read as text: the
    // text path and the node path agree on the statement count.
    let mut parsed = 0;
    for path in json_files("aws-managed-policies") {
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        let wrapper: serde_json::Value = serde_json::from_str(&read(&path)).unwrap();
        let text = serde_json::to_string_pretty(&wrapper["document"]).unwrap();
        let policy = parse_policy(&text, &name, Some(PolicyKind::Identity))
            .unwrap_or_else(|error| panic!("aws-managed-policies/{name}: {error}"));
        let expected = match &wrapper["document"]["Statement"] {
            serde_json::Value::Array(items) => items.len(),
            _ => 1,
        };
        assert_eq!(policy.document.statements.len(), expected, "{name}");
        parsed += 1;
    }
    assert_eq!(parsed, 1641);
}

#[test]
fn the_corpus_holds_at_least_1700_valid_policies() {
    let total: usize = [
        "aws-managed-policies",
        "scp-examples",
        "rcp-examples",
        "data-perimeter-examples",
    ]
    .iter()
    .map(|folder| json_files(folder).len())
    .sum();
    // 1,641 + 57 + 23 + 29: one is not JSON, three are rejected templates.
    assert_eq!(total, 1750);
    let valid = total - 1 - REJECTED.len();
    assert_eq!(valid, 1746);
    assert!(valid >= 1700);
}

#[test]
fn published_templates_are_rejected_with_located_errors() {
    for &(folder, file, code, line, column, json_path) in REJECTED {
        let path = Path::new(CORPUS).join(folder).join(file);
        let kind = if folder == "rcp-examples" {
            PolicyKind::Rcp
        } else {
            data_perimeter_kind(file)
        };
        let error = parse_policy(&read(&path), file, Some(kind))
            .expect_err(&format!("{folder}/{file} should be rejected"));
        let PolicyError::InvalidPolicy(diagnostic) = &error else {
            panic!("{file}: expected InvalidPolicy, got {error:?}");
        };
        assert_eq!(diagnostic.code, code, "{file}: {error}");
        assert_eq!(
            (
                diagnostic.location.position.line,
                diagnostic.location.position.column
            ),
            (line, column),
            "{file}: {error}"
        );
        assert_eq!(diagnostic.location.json_path, json_path, "{file}");
    }
}

#[test]
fn the_published_scp_with_a_comment_fails_at_the_comment() {
    let path = Path::new(CORPUS).join("scp-examples").join(BROKEN_FILE);
    let error = parse_policy(&read(&path), BROKEN_FILE, Some(PolicyKind::Scp))
        .expect_err("a // comment is not JSON");
    let PolicyError::InvalidJson(diagnostic) = &error else {
        panic!("expected InvalidJson, got {error:?}");
    };
    assert_eq!(diagnostic.code, "invalid-json");
    assert_eq!(diagnostic.location.file, BROKEN_FILE);
    assert_eq!(
        (
            diagnostic.location.position.line,
            diagnostic.location.position.column
        ),
        (15, 13),
        "{error}"
    );
    assert!(error
        .to_string()
        .starts_with(&format!("{BROKEN_FILE}:15:13")));
}
