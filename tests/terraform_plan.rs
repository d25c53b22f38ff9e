//! `iamz gate --plan` and `iamz inventory PLAN.json` through the command
//! line, on the fixtures of `tests/data/terraform/` and the example plan:
//! exit codes, the notes saying what was assumed, inconclusive accounts
//! where a policy is known only after apply, located bad input.

mod common;

use common::iamz;
use serde_json::Value;
use std::path::PathBuf;

fn fixture(name: &str) -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/terraform")
        .join(name)
        .display()
        .to_string()
}

fn example() -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("examples/terraform-plan/plan.json")
        .display()
        .to_string()
}

fn gate_json(plan: &str) -> (u8, Value) {
    let (code, out) = iamz(&["gate", "--plan", plan, "--format", "json"]);
    (code, serde_json::from_str(&out).expect("JSON report"))
}

fn verdicts(report: &Value) -> Vec<(String, String)> {
    report["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|account| {
            (
                account["account"].as_str().unwrap().to_string(),
                account["verdict"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn the_example_plan_widens_prod_and_narrows_dev() {
    let (code, report) = gate_json(&example());
    assert_eq!(code, 1);
    assert_eq!(report["verdict"], "widened-and-narrowed");
    let verdicts = verdicts(&report);
    for (account, verdict) in [
        ("222222222222", "widened"),
        ("333333333333", "widened"),
        ("111111111111", "narrowed"),
    ] {
        assert!(
            verdicts.contains(&(account.to_string(), verdict.to_string())),
            "{verdicts:?}"
        );
    }
    let notes: Vec<&str> = report["notes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|note| note.as_str().unwrap())
        .collect();
    assert!(
        notes
            .iter()
            .any(|note| note.starts_with("FullAWSAccess is assumed")),
        "{notes:?}"
    );
    assert_eq!(
        iamz(&["gate", "--plan", &example(), "--allow-widening", "prod"]).0,
        0
    );
    let (_, markdown) = iamz(&["gate", "--plan", &example(), "--format", "markdown"]);
    assert!(markdown.contains("222222222222"), "{markdown}");
}

#[test]
fn an_added_deny_narrows_the_ou_and_a_moved_account_follows_its_new_ou() {
    let (code, report) = gate_json(&fixture("scp-deny-added.json"));
    assert_eq!(code, 0);
    assert_eq!(report["verdict"], "narrowed");
    let (code, report) = gate_json(&fixture("account-moved.json"));
    assert_eq!(code, 0);
    let verdicts = verdicts(&report);
    assert!(verdicts.contains(&("111111111111".to_string(), "narrowed".to_string())));
    assert!(verdicts.contains(&("222222222222".to_string(), "unchanged".to_string())));
}

#[test]
fn a_policy_known_only_after_apply_makes_its_accounts_inconclusive() {
    let (code, report) = gate_json(&fixture("after-unknown.json"));
    assert_eq!(code, 3);
    assert_eq!(report["verdict"], "inconclusive");
    let verdicts = verdicts(&report);
    assert!(verdicts.contains(&("111111111111".to_string(), "inconclusive".to_string())));
    // The prod accounts are not under the unknown policy.
    assert!(verdicts.contains(&("222222222222".to_string(), "unchanged".to_string())));
    let dev = report["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|account| account["account"] == "111111111111")
        .unwrap();
    assert!(dev["findings"].as_array().unwrap().is_empty(), "{dev}");
    assert!(report["notes"]
        .as_array()
        .unwrap()
        .iter()
        .any(|note| note.as_str().unwrap().contains("known only after apply")));
}

#[test]
fn a_new_account_from_a_module_is_gated_under_its_placeholder_id() {
    let (code, report) = gate_json(&fixture("module.json"));
    assert_eq!(code, 0);
    let verdicts = verdicts(&report);
    assert!(
        verdicts.contains(&("000000000001".to_string(), "narrowed".to_string())),
        "{verdicts:?}"
    );
}

#[test]
fn bad_plans_exit_2_and_old_new_are_not_needed_with_a_plan() {
    assert_eq!(
        iamz(&["gate", "--plan", &fixture("broken-policy-string.json")]).0,
        2
    );
    assert_eq!(iamz(&["gate", "--plan", "no-such-plan.json"]).0, 2);
    // A plan with no organization resource has nothing to gate.
    assert_eq!(
        iamz(&["gate", "--plan", &fixture("iam-and-bucket.json")]).0,
        2
    );
    assert!(<iamz::cli::Cli as clap::Parser>::try_parse_from(["iamz", "gate"]).is_err());
    assert!(<iamz::cli::Cli as clap::Parser>::try_parse_from([
        "iamz", "gate", "a.json", "b.json", "--plan", "p.json"
    ])
    .is_err());
}

#[test]
fn inventory_reads_a_plan_into_before_and_after() {
    let (code, text) = iamz(&["inventory", &fixture("iam-and-bucket.json")]);
    assert_eq!(code, 0);
    assert!(text.contains("== before apply =="), "{text}");
    assert!(text.contains("== after apply =="), "{text}");
    assert!(text.contains("aws_instance"), "{text}");
    let (code, json) = iamz(&[
        "inventory",
        &fixture("after-unknown.json"),
        "--format",
        "json",
    ]);
    assert_eq!(code, 0);
    let json: Value = serde_json::from_str(&json).unwrap();
    assert_eq!(json["before"]["organization"]["accounts"], 3);
    assert_eq!(json["unknown_values"][0]["side"], "after");
    assert_eq!(
        json["unknown_values"][0]["effect"]["organization-nodes"][0],
        "ou-ab12-dev00001"
    );
    assert_eq!(
        iamz(&["inventory", &fixture("broken-policy-string.json")]).0,
        2
    );
}
