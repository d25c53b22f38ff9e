//! The runner of `proofs/exposure/` claims: a resource policy with its type,
//! resource and zone of trust, and what `iamz exposure` must find — the
//! verdict, findings by principal class with actions they must include and
//! whether each is public, and (with `only`) no other findings. Every
//! finding's request is replayed through `iamz eval` on a scenario that
//! holds the same resource policy and gives the outside principal an
//! identity policy allowing everything (its own to write): it must be
//! allowed. Everything runs through the command line.

use crate::common::{run_iamz as iamz, strings, summary_covers as covers};
use serde_json::{json, Value};
use std::path::Path;

const CLAIM_FIELDS: &[&str] = &[
    "claim",
    "source",
    "policy",
    "resource_type",
    "resource",
    "account",
    "zone_accounts",
    "zone_org",
    "organization",
    "expect",
];

/// `iamz eval` of a finding's request against the resource policy, the
/// outsider's own side allowing everything.
fn replay(claim: &Value, request: &Value, directory: &Path) -> String {
    let everything = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]});
    let principal = request["principal"].as_str().unwrap_or_default();
    let mut resource = json!({
        "arn": claim["resource"],
        "policy": claim["policy"],
        "kind": claim["resource_type"],
    });
    if let Some(account) = request["resource_account"].as_str() {
        resource["account"] = json!(account);
    }
    let mut scenario = json!({"resource": resource, "request": request});
    if principal.starts_with("arn:") {
        scenario["principal"] = json!({"arn": principal, "identity_policies": [everything]});
        if principal.contains(":federated-user/") {
            scenario["principal"]["session_policy"] = everything.clone();
        }
    }
    let path = directory.join("replay.json");
    std::fs::write(&path, scenario.to_string()).expect("writes the scenario");
    let (code, out) = iamz(&[
        "eval".into(),
        path.display().to_string(),
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

/// Checks one claim; what went wrong, if anything.
pub fn run_exposure_claim(path: &Path, claim: &Value) -> Vec<String> {
    let name = path.file_stem().unwrap().to_string_lossy().to_string();
    let mut failures = super::check_keys(&name, claim, CLAIM_FIELDS, "the claim");
    failures.extend(super::check_claim_text(&name, claim));
    let directory = tempfile::tempdir().expect("a temporary folder");
    let policy = directory.path().join("policy.json");
    std::fs::write(&policy, claim["policy"].to_string()).expect("writes the policy");
    let mut arguments: Vec<String> = vec![
        "exposure".into(),
        policy.display().to_string(),
        "--resource-type".into(),
        claim["resource_type"].as_str().unwrap_or_default().into(),
        "--resource".into(),
        claim["resource"].as_str().unwrap_or_default().into(),
        "--format".into(),
        "json".into(),
    ];
    if let Some(account) = claim["account"].as_str() {
        arguments.extend(["--account".to_string(), account.to_string()]);
    }
    for account in strings(&claim["zone_accounts"]) {
        arguments.extend(["--zone-account".to_string(), account]);
    }
    if let Some(organization) = claim["zone_org"].as_str() {
        arguments.extend(["--zone-org".to_string(), organization.to_string()]);
    }
    if claim.get("organization").is_some() {
        let file = directory.path().join("organization.json");
        std::fs::write(&file, claim["organization"].to_string()).expect("writes the organization");
        arguments.extend(["--organization".to_string(), file.display().to_string()]);
    }
    let (code, out) = iamz(&arguments);
    let Ok(report) = serde_json::from_str::<Value>(&out) else {
        failures.push(format!(
            "{name}: iamz exposure exited {code} without a report: {out}"
        ));
        return failures;
    };
    let expect = &claim["expect"];
    if report["verdict"] != expect["verdict"] {
        failures.push(format!(
            "{name}: verdict {} where the claim says {}: {}",
            report["verdict"], expect["verdict"], report["resources"][0]["findings"]
        ));
    }
    if report["complete"] != true {
        failures.push(format!(
            "{name}: the findings are not complete: {}",
            report["reason"]
        ));
    }
    let findings: Vec<Value> = report["resources"][0]["findings"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let expected: Vec<Value> = expect["findings"].as_array().cloned().unwrap_or_default();
    for wanted in &expected {
        let Some(found) = findings
            .iter()
            .find(|finding| finding["principal"] == wanted["principal"])
        else {
            failures.push(format!(
                "{name}: no finding for {}; found {:?}",
                wanted["principal"],
                findings
                    .iter()
                    .map(|finding| &finding["principal"])
                    .collect::<Vec<_>>()
            ));
            continue;
        };
        for action in strings(&wanted["actions_include"]) {
            if !covers(&found["actions"], &action) {
                failures.push(format!(
                    "{name}: the finding for {} does not include {action}: {}",
                    wanted["principal"], found["actions"]
                ));
            }
        }
        if let Some(public) = wanted.get("public") {
            if found["public"] != *public {
                failures.push(format!(
                    "{name}: the finding for {} is public = {} where the claim says {public}",
                    wanted["principal"], found["public"]
                ));
            }
        }
    }
    if expect["only"] == true {
        for finding in &findings {
            if !expected
                .iter()
                .any(|wanted| wanted["principal"] == finding["principal"])
            {
                failures.push(format!(
                    "{name}: a finding the claim does not expect: {} ({})",
                    finding["principal"], finding["actions"]
                ));
            }
        }
    }
    for finding in &findings {
        let decided = replay(claim, &finding["request"], directory.path());
        if decided != "Allow" {
            failures.push(format!(
                "{name}: the finding for {} replays as {decided}: {}",
                finding["principal"], finding["request"]
            ));
        }
    }
    failures
}
