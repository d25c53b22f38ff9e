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
    "inventory",
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
    if let Some(inventory) = claim["inventory"].as_str() {
        let folder = path.parent().unwrap().join(inventory);
        failures.extend(run_reach_claim(&name, claim, &folder));
        return failures;
    }
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

/// A reach claim: a collected folder (`inventory`, relative to the claim)
/// and the chains `iamz exposure --inventory … --reach` must find — origin
/// class, the roles in order, the resource, actions the last step must
/// include — with every step replayed by `iamz eval --inventory` as its
/// principal on its target (the first step, by an outside principal whose
/// own policies are unknown, is replayed by the exposure claims above).
fn run_reach_claim(name: &str, claim: &Value, folder: &Path) -> Vec<String> {
    let mut failures = Vec::new();
    let folder_text = folder.display().to_string();
    let (code, out) = iamz(&[
        "exposure".into(),
        "--inventory".into(),
        folder_text.clone(),
        "--reach".into(),
        "--format".into(),
        "json".into(),
    ]);
    let Ok(report) = serde_json::from_str::<Value>(&out) else {
        return vec![format!(
            "{name}: iamz exposure --reach exited {code} without a report: {out}"
        )];
    };
    let expect = &claim["expect"];
    if report["verdict"] != expect["verdict"] {
        failures.push(format!(
            "{name}: verdict {} where the claim says {}",
            report["verdict"], expect["verdict"]
        ));
    }
    if report["reach"]["complete"] != true {
        failures.push(format!(
            "{name}: the chains are not complete: {}",
            report["reach"]["undecided"]
        ));
    }
    let paths = report["reach"]["paths"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let roles_of = |path: &Value| -> Vec<String> {
        let steps = path["path"].as_array().cloned().unwrap_or_default();
        steps[..steps.len().saturating_sub(1)]
            .iter()
            .filter_map(|step| step["resource"].as_str().map(str::to_string))
            .collect()
    };
    let wanted_paths = expect["chains"].as_array().cloned().unwrap_or_default();
    for wanted in &wanted_paths {
        let found = paths.iter().find(|path| {
            path["principal"] == wanted["principal"]
                && path["resource"] == wanted["resource"]
                && roles_of(path) == strings(&wanted["roles"])
        });
        let Some(found) = found else {
            failures.push(format!(
                "{name}: no chain {} → {:?} → {}; found {:?}",
                wanted["principal"],
                strings(&wanted["roles"]),
                wanted["resource"],
                paths
                    .iter()
                    .map(|path| (&path["principal"], roles_of(path), &path["resource"]))
                    .collect::<Vec<_>>()
            ));
            continue;
        };
        for action in strings(&wanted["actions_include"]) {
            if !covers(&found["actions"], &action) {
                failures.push(format!(
                    "{name}: the chain to {} does not include {action}: {}",
                    wanted["resource"], found["actions"]
                ));
            }
        }
    }
    if expect["only"] == true && paths.len() != wanted_paths.len() {
        failures.push(format!(
            "{name}: {} chains where the claim names {}",
            paths.len(),
            wanted_paths.len()
        ));
    }
    // Every step after the first is a request by an inventory principal.
    let directory = tempfile::tempdir().expect("a temporary folder");
    for path in &paths {
        for step in path["path"].as_array().into_iter().flatten().skip(1) {
            let request_file = directory.path().join("request.json");
            std::fs::write(&request_file, step["request"].to_string()).expect("writes the request");
            let principal = step["request"]["principal"]
                .as_str()
                .unwrap_or_default()
                .to_string();
            let resource = step["request"]["resource"]
                .as_str()
                .unwrap_or_default()
                .to_string();
            let (code, out) = iamz(&[
                "eval".into(),
                "--inventory".into(),
                folder_text.clone(),
                "--principal".into(),
                principal.clone(),
                "--resource".into(),
                resource.clone(),
                "--request".into(),
                request_file.display().to_string(),
                "--format".into(),
                "json".into(),
                "--now".into(),
                "1790000000".into(),
            ]);
            let decided = serde_json::from_str::<Value>(&out)
                .ok()
                .and_then(|decided| decided["decision"].as_str().map(str::to_string));
            if decided.as_deref() != Some("Allow") {
                failures.push(format!(
                    "{name}: the step {principal} → {resource} replays as {decided:?} (exit {code}): {out}"
                ));
            }
        }
    }
    failures
}
