//! `iamz merge REPORT.json…`: joins the JSON reports of `iamz gate
//! --shard K/N` (one per shard) into one report, as if one process had
//! decided every account: accounts in account order, the verdict of them
//! all, solver figures summed. Exit codes as `iamz gate`'s: 0 no widening,
//! 1 a widening not allowed, 2 bad input (a file that is not a gate
//! report, shards of different changes, an account twice), 3 inconclusive.

use super::{bad_input, exit};
use serde_json::{json, Value};
use std::io::Write;
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub struct MergeArguments {
    /// The JSON reports of `iamz gate --shard K/N --format json`.
    #[arg(required = true)]
    pub reports: Vec<PathBuf>,
}

fn read(path: &PathBuf) -> Result<Value, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|error| format!("{}: cannot read: {error}", path.display()))?;
    let report: Value = serde_json::from_str(&text)
        .map_err(|error| format!("{}: not JSON: {error}", path.display()))?;
    if !report["accounts"].is_array() || !report["verdict"].is_string() {
        return Err(format!(
            "{}: not an `iamz gate --format json` report (no `verdict` and `accounts`)",
            path.display()
        ));
    }
    Ok(report)
}

/// The verdict of a set of accounts (management accounts excluded).
fn verdict_of(accounts: &[Value]) -> &'static str {
    let (mut widened, mut narrowed) = (false, false);
    for account in accounts
        .iter()
        .filter(|account| account["standing"] != "management")
    {
        match account["verdict"].as_str().unwrap_or("inconclusive") {
            "widened" => widened = true,
            "narrowed" => narrowed = true,
            "widened-and-narrowed" => {
                widened = true;
                narrowed = true;
            }
            "unchanged" => {}
            _ => return "inconclusive",
        }
    }
    match (widened, narrowed) {
        (false, false) => "unchanged",
        (true, false) => "widened",
        (false, true) => "narrowed",
        (true, true) => "widened-and-narrowed",
    }
}

pub fn run(arguments: &MergeArguments, out: &mut dyn Write) -> u8 {
    let mut reports = Vec::new();
    for path in &arguments.reports {
        match read(path) {
            Ok(report) => reports.push(report),
            Err(message) => return bad_input(&message),
        }
    }
    let first = &reports[0];
    for (path, report) in arguments.reports.iter().zip(&reports) {
        if report["old"] != first["old"] || report["new"] != first["new"] {
            return bad_input(&format!(
                "{}: a report of another change ({} → {}, not {} → {})",
                path.display(),
                report["old"],
                report["new"],
                first["old"],
                first["new"]
            ));
        }
    }
    let mut accounts: Vec<Value> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for (path, report) in arguments.reports.iter().zip(&reports) {
        for account in report["accounts"].as_array().into_iter().flatten() {
            if !seen.insert(account["account"].to_string()) {
                return bad_input(&format!(
                    "{}: account {} is in two reports (the same shard twice?)",
                    path.display(),
                    account["account"]
                ));
            }
            accounts.push(account.clone());
        }
    }
    accounts.sort_by(|left, right| {
        left["account"]
            .as_str()
            .unwrap_or_default()
            .cmp(right["account"].as_str().unwrap_or_default())
    });
    let sum = |field: &str| -> u64 {
        reports
            .iter()
            .map(|report| report[field].as_u64().unwrap_or(0))
            .sum()
    };
    let mut notes: Vec<Value> = Vec::new();
    for report in &reports {
        for note in report["notes"].as_array().into_iter().flatten() {
            if !notes.contains(note) {
                notes.push(note.clone());
            }
        }
    }
    let verdict = verdict_of(&accounts);
    let unallowed = accounts.iter().any(|account| {
        matches!(
            account["verdict"].as_str(),
            Some("widened" | "widened-and-narrowed")
        ) && account["widening_allowed"] != true
    });
    let merged = json!({
        "verdict": verdict,
        "old": first["old"],
        "new": first["new"],
        "accounts": accounts,
        "principals": [],
        "changed_statements": first["changed_statements"],
        "queries": sum("queries"),
        "solver_checks": sum("solver_checks"),
        "shards": reports.iter().map(|report| report["shard"].clone()).collect::<Vec<_>>(),
        "notes": notes,
    });
    super::write_json(out, &merged);
    if verdict == "inconclusive" {
        exit::INCONCLUSIVE
    } else if unallowed {
        exit::VIOLATED
    } else {
        exit::HOLDS
    }
}
