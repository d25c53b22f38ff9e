//! Runs the claims corpus in `proofs/`. Each folder of `proofs/` holds one
//! kind of claim and has one runner here; a folder without a runner is an
//! error, so a new kind of claim cannot be skipped silently.

mod common;

use common::{decide_in, parse_decision, request_from_value, scenario_from_text};
use iamz::eval::EvaluatedDecision;
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

const PROOFS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/proofs");

/// A runner checks one claim file and returns what went wrong, if anything.
type Runner = fn(&Path, &Value) -> Vec<String>;

/// Claim folders and their runners.
const RUNNERS: &[(&str, Runner)] = &[("eval", run_eval_claim)];

fn claim_files(folder: &str) -> Vec<PathBuf> {
    let directory = Path::new(PROOFS).join(folder);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&directory)
        .unwrap_or_else(|error| panic!("cannot list {}: {error}", directory.display()))
        .map(|entry| entry.expect("directory entry").path())
        .filter(|path| {
            path.extension()
                .is_some_and(|extension| extension == "json")
        })
        .collect();
    files.sort();
    files
}

fn read_claim(path: &Path) -> Value {
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|error| panic!("cannot read {}: {error}", path.display()));
    serde_json::from_str(&text)
        .unwrap_or_else(|error| panic!("{}: not JSON: {error}", path.display()))
}

/// Runs every claim of a folder; panics with all failures.
fn run_folder(folder: &str, runner: Runner) -> usize {
    let files = claim_files(folder);
    let mut failures = Vec::new();
    for path in &files {
        let claim = read_claim(path);
        failures.extend(runner(path, &claim));
    }
    assert!(
        failures.is_empty(),
        "{} failure(s) in proofs/{folder}:\n\n{}",
        failures.len(),
        failures.join("\n\n")
    );
    files.len()
}

fn check_keys(claim_name: &str, object: &Value, allowed: &[&str], what: &str) -> Vec<String> {
    match object.as_object() {
        Some(members) => members
            .keys()
            .filter(|key| !allowed.contains(&key.as_str()))
            .map(|key| format!("{claim_name}: unknown field `{key}` in {what}"))
            .collect(),
        None => vec![format!("{claim_name}: {what} is not an object")],
    }
}

/// The layer names an explanation gives: the layers of the deciding
/// statements (explicit deny, allow) or the layers that failed to allow
/// (implicit deny).
fn explanation_layers(decided: &EvaluatedDecision) -> BTreeSet<String> {
    let explanation = &decided.explanation;
    explanation
        .deciding_statements
        .iter()
        .map(|statement| statement.layer.clone())
        .chain(explanation.missing_allows.iter().cloned())
        .collect()
}

/// `proofs/eval/*.json`: a scenario, requests, and the decision AWS gives.
fn run_eval_claim(path: &Path, claim: &Value) -> Vec<String> {
    let name = path.file_stem().unwrap().to_string_lossy().to_string();
    let mut failures = check_keys(
        &name,
        claim,
        &["claim", "source", "scenario", "requests"],
        "the claim",
    );
    let text = claim["claim"].as_str().unwrap_or_default();
    if text.is_empty() {
        failures.push(format!("{name}: `claim` must say what is claimed"));
    }
    let source = claim["source"].as_str().unwrap_or_default();
    if !source.starts_with("https://") {
        failures.push(format!("{name}: `source` must be a URL, found {source:?}"));
    }
    let directory = path.parent().unwrap();
    let scenario_text = match &claim["scenario"] {
        Value::String(relative) => match std::fs::read_to_string(directory.join(relative)) {
            Ok(text) => text,
            Err(error) => return vec![format!("{name}: cannot read scenario {relative}: {error}")],
        },
        scenario @ Value::Object(_) => scenario.to_string(),
        _ => return vec![format!("{name}: `scenario` must be an object or a path")],
    };
    let scenario = match scenario_from_text(&scenario_text, &path.display().to_string(), directory)
    {
        Ok(scenario) => scenario,
        Err(error) => return vec![format!("{name}: scenario does not load: {error}")],
    };
    let Some(requests) = claim["requests"]
        .as_array()
        .filter(|items| !items.is_empty())
    else {
        failures.push(format!("{name}: `requests` must be a non-empty array"));
        return failures;
    };
    for (index, case) in requests.iter().enumerate() {
        let label = format!("{name} requests[{index}]");
        failures.extend(check_keys(
            &label,
            case,
            &["request", "expect", "expect_deciding"],
            "the request case",
        ));
        let Some(expected) = case["expect"].as_str().and_then(parse_decision) else {
            failures.push(format!(
                "{label}: `expect` must be Allow, ExplicitDeny or ImplicitDeny"
            ));
            continue;
        };
        let request = match request_from_value(&case["request"]) {
            Ok(request) => request,
            Err(error) => {
                failures.push(format!("{label}: bad request: {error}"));
                continue;
            }
        };
        let decided = match decide_in(&scenario, &request) {
            Ok(decided) => decided,
            Err(error) => {
                failures.push(format!("{label}: cannot decide: {error}"));
                continue;
            }
        };
        let report = |problem: String| {
            format!(
                "claim `{name}`: {text}\n  request[{index}]: {}\n  {problem}\n  explanation: {}",
                case["request"],
                serde_json::to_string(&decided.explanation).unwrap()
            )
        };
        if decided.decision != expected {
            failures.push(report(format!(
                "expected {expected}, actual {}",
                decided.decision
            )));
            continue;
        }
        if let Some(deciding) = case.get("expect_deciding") {
            let wanted: Option<BTreeSet<String>> = deciding.as_array().and_then(|items| {
                items
                    .iter()
                    .map(|item| item.as_str().map(str::to_string))
                    .collect()
            });
            match wanted {
                Some(wanted) => {
                    let actual = explanation_layers(&decided);
                    if actual != wanted {
                        failures.push(report(format!(
                            "{expected} as expected, but decided by layers {actual:?}, expected {wanted:?}"
                        )));
                    }
                }
                None => failures.push(format!(
                    "{label}: `expect_deciding` must be an array of layer names"
                )),
            }
        }
    }
    failures
}

#[test]
fn eval_claims_hold() {
    let count = run_folder("eval", run_eval_claim);
    assert!(count >= 27, "only {count} claims in proofs/eval");
}

#[test]
fn every_claim_folder_has_a_runner() {
    let mut folders: Vec<String> = std::fs::read_dir(PROOFS)
        .expect("proofs/ exists")
        .map(|entry| entry.expect("directory entry").path())
        .filter(|path| path.is_dir())
        .map(|path| path.file_name().unwrap().to_string_lossy().to_string())
        .collect();
    folders.sort();
    for folder in &folders {
        assert!(
            RUNNERS.iter().any(|(name, _)| name == folder),
            "proofs/{folder} has no runner in tests/claims.rs"
        );
    }
    for (name, _) in RUNNERS {
        assert!(
            folders.contains(&name.to_string()),
            "proofs/{name} is missing"
        );
    }
}

#[test]
fn the_claim_runner_catches_a_wrong_verdict() {
    // A claim with a deliberately wrong verdict must be reported, naming the
    // claim, the request and both decisions.
    let claim: Value = serde_json::json!({
        "claim": "an identity Allow allows",
        "source": "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html",
        "scenario": {
            "principal": {"arn": "arn:aws:iam::111111111111:user/alice", "identity_policies": [
                {"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}}
            ]},
            "resource": {"arn": "arn:aws:s3:::b/k", "account": "111111111111"}
        },
        "requests": [
            {"request": {"action": "s3:GetObject"}, "expect": "ImplicitDeny"},
            {"request": {"action": "s3:GetObject"}, "expect": "Allow", "expect_deciding": ["resource"]}
        ]
    });
    let failures = run_eval_claim(
        Path::new(PROOFS)
            .join("eval/wrong-on-purpose.json")
            .as_path(),
        &claim,
    );
    assert_eq!(failures.len(), 2, "{failures:#?}");
    assert!(
        failures[0].contains("claim `wrong-on-purpose`"),
        "{}",
        failures[0]
    );
    assert!(
        failures[0].contains("expected ImplicitDeny, actual Allow"),
        "{}",
        failures[0]
    );
    assert!(failures[0].contains("s3:GetObject"), "{}", failures[0]);
    assert!(
        failures[1].contains("decided by layers {\"identity\"}"),
        "{}",
        failures[1]
    );
}
