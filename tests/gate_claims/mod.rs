//! The runner of `proofs/gate/` claims: two organizations, the verdict of
//! `iamz gate OLD NEW` overall and per account (every account the claim
//! does not name must be unchanged), the actions each account must and
//! must not gain or lose, and requests whose decisions `iamz eval
//! --organization … --chain …` must give on each side. Every finding's own
//! request is replayed through `iamz eval` too, to the decisions the gate
//! claims for it. Everything runs through the command line, as a user
//! would.

use crate::common::{run_iamz as iamz, strings, summary_covers as covers};
use serde_json::Value;
use std::path::Path;

/// `iamz eval --organization FILE --chain CHAIN --request …`: the decision.
fn replay(organization: &Path, chain: &str, request: &Value, directory: &Path) -> String {
    let request_path = directory.join("request.json");
    std::fs::write(&request_path, request.to_string()).expect("writes the request");
    let (code, out) = iamz(&[
        "eval".into(),
        "--organization".into(),
        organization.display().to_string(),
        "--chain".into(),
        chain.into(),
        "--request".into(),
        request_path.display().to_string(),
        "--format".into(),
        "json".into(),
        "--now".into(),
        "1790000000".into(),
    ]);
    if code != 0 {
        return format!("eval failed ({code}): {out}");
    }
    serde_json::from_str::<Value>(&out)
        .ok()
        .and_then(|decided| decided["decision"].as_str().map(str::to_string))
        .unwrap_or_else(|| format!("no decision in {out}"))
}

const CLAIM_FIELDS: &[&str] = &[
    "claim", "source", "old", "new", "args", "expect", "requests",
];
const ACCOUNT_FIELDS: &[&str] = &["verdict", "gains", "not_gains", "loses", "not_loses"];

/// Checks one claim; what went wrong, if anything.
pub fn run_gate_claim(path: &Path, claim: &Value) -> Vec<String> {
    let name = path.file_stem().unwrap().to_string_lossy().to_string();
    let mut failures = super::check_keys(&name, claim, CLAIM_FIELDS, "the claim");
    failures.extend(super::check_claim_text(&name, claim));
    let directory = tempfile::tempdir().expect("a temporary folder");
    let old = directory.path().join("old.json");
    let new = directory.path().join("new.json");
    std::fs::write(&old, claim["old"].to_string()).expect("writes OLD");
    std::fs::write(&new, claim["new"].to_string()).expect("writes NEW");
    let mut arguments: Vec<String> = vec![
        "gate".into(),
        old.display().to_string(),
        new.display().to_string(),
        "--format".into(),
        "json".into(),
    ];
    arguments.extend(strings(&claim["args"]));
    let (code, out) = iamz(&arguments);
    let Ok(report) = serde_json::from_str::<Value>(&out) else {
        failures.push(format!(
            "{name}: iamz gate exited {code} without a report: {out}"
        ));
        return failures;
    };
    let expect = &claim["expect"];
    if let Some(verdict) = expect["verdict"].as_str() {
        if report["verdict"] != verdict {
            failures.push(format!(
                "{name}: verdict {} where the claim says {verdict}",
                report["verdict"]
            ));
        }
    }
    if let Some(exit) = expect["exit"].as_u64() {
        if u64::from(code) != exit {
            failures.push(format!("{name}: exit {code} where the claim says {exit}"));
        }
    }
    let expected_accounts = expect["accounts"].as_object().cloned().unwrap_or_default();
    for account in report["accounts"].as_array().into_iter().flatten() {
        let id = account["account"].as_str().unwrap_or_default();
        let Some(expected) = expected_accounts.get(id) else {
            if account["verdict"] != "unchanged" {
                failures.push(format!(
                    "{name}: account {id} is {} but the claim leaves it unchanged: {}",
                    account["verdict"], account["findings"]
                ));
            }
            continue;
        };
        for key in expected
            .as_object()
            .into_iter()
            .flatten()
            .map(|(key, _)| key)
        {
            if !ACCOUNT_FIELDS.contains(&key.as_str()) {
                failures.push(format!("{name}: unknown field `{key}` for account {id}"));
            }
        }
        if let Some(verdict) = expected["verdict"].as_str() {
            if account["verdict"] != verdict {
                failures.push(format!(
                    "{name}: account {id} is {} where the claim says {verdict}: {}",
                    account["verdict"], account["findings"]
                ));
            }
        }
        for (field, list, wanted) in [
            ("gains", "gained_actions", true),
            ("not_gains", "gained_actions", false),
            ("loses", "lost_actions", true),
            ("not_loses", "lost_actions", false),
        ] {
            for action in strings(&expected[field]) {
                if covers(&account[list], &action) != wanted {
                    failures.push(format!(
                        "{name}: account {id} {field} {action}: {list} = {}",
                        account[list]
                    ));
                }
            }
        }
    }
    for id in expected_accounts.keys() {
        if !report["accounts"]
            .as_array()
            .into_iter()
            .flatten()
            .any(|account| account["account"] == id.as_str())
        {
            failures.push(format!("{name}: the report has no account {id}"));
        }
    }
    // Every finding replays through `iamz eval` to what the gate says.
    for account in report["accounts"].as_array().into_iter().flatten() {
        for finding in account["findings"].as_array().into_iter().flatten() {
            let chain = finding["layer"].as_str().unwrap_or_default();
            for (side, file) in [("old", &old), ("new", &new)] {
                let decided = replay(file, chain, &finding["request"], directory.path());
                if finding[side]["decision"] != decided.as_str() {
                    failures.push(format!(
                        "{name}: account {} finding {:?}: {side} replays as {decided}, the gate says {}",
                        account["account"], finding["summary"], finding[side]["decision"]
                    ));
                }
            }
        }
    }
    for case in claim["requests"].as_array().into_iter().flatten() {
        let chain = case["chain"].as_str().unwrap_or("both");
        for (side, file) in [("old", &old), ("new", &new)] {
            let decided = replay(file, chain, &case["request"], directory.path());
            if case[side] != decided.as_str() {
                failures.push(format!(
                    "{name}: request {} on {side}: {decided} where the claim says {}",
                    case["request"], case[side]
                ));
            }
        }
    }
    failures
}
