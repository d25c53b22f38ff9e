//! Rendering of `iamz gate` results: text for people, JSON for tools
//! (the field names of docs/cli.md), Markdown for a pull-request comment,
//! and SARIF with one result per widening, located at a changed statement
//! on the account's chain.

use super::comparison::request_json;
use super::decision::decision_json;
use crate::gate::{
    AccountReport, AccountStanding, ChangedStatement, GateFinding, GateReport, GateVerdict,
    StatementChange,
};
use crate::query::Direction;
use serde_json::{json, Value};
use std::fmt::Write as _;

fn direction_word(direction: Direction) -> &'static str {
    match direction {
        Direction::NewAllowsOldDenies => "widened",
        Direction::OldAllowsNewDenies => "narrowed",
    }
}

/// The `iamz eval` command that replays a finding's request (written to
/// `REQUEST.json`) on one side.
pub fn replay_command(organization_file: &str, finding: &GateFinding) -> String {
    format!(
        "iamz eval --organization {organization_file} --chain {} --request REQUEST.json",
        finding.chain.as_str()
    )
}

fn finding_json(finding: &GateFinding) -> Value {
    json!({
        "direction": direction_word(finding.direction),
        "layer": finding.chain.as_str(),
        "summary": finding.summary,
        "actions": finding.actions,
        "action_count": finding.action_count,
        "on_every_request": finding.on_every_request,
        "condition_keys": finding.condition_keys,
        "request": request_json(&finding.request),
        "old": decision_json(None, &finding.old, &[]),
        "new": decision_json(None, &finding.new, &[]),
    })
}

fn account_json(account: &AccountReport) -> Value {
    let mut object = json!({
        "account": account.account,
        "name": account.name,
        "path": account.path,
        "standing": account.standing.as_str(),
        "verdict": account.verdict.as_str(),
        "gained_actions": account.gained_actions,
        "lost_actions": account.lost_actions,
        "findings": account.findings.iter().map(finding_json).collect::<Vec<_>>(),
        "widening_allowed": account.widening_allowed,
        "decided_with": account.decided_with,
    });
    if let Some(moved_from) = &account.moved_from {
        object["moved_from"] = json!(moved_from);
    }
    if let Some(reason) = &account.incomplete {
        object["incomplete"] = json!(reason.to_string());
        object["incomplete_kind"] = json!(reason.kind());
    }
    if !account.approximations.is_empty() {
        object["approximations"] = json!(account.approximations);
    }
    object
}

fn changed_json(change: &ChangedStatement) -> Value {
    json!({
        "layer": change.chain.as_str(),
        "node": change.node,
        "node_name": change.node_label,
        "change": change.change.as_str(),
        "policy": change.policy,
        "statement": change.statement,
        "effect": format!("{:?}", change.effect),
        "condition_keys": change.condition_keys,
        "file": change.file,
        "line": change.position.line,
        "column": change.position.column,
    })
}

/// The whole report as JSON.
pub fn gate_json(report: &GateReport) -> Value {
    json!({
        "verdict": report.verdict.as_str(),
        "old": report.old_file,
        "new": report.new_file,
        "accounts": report.accounts.iter().map(account_json).collect::<Vec<_>>(),
        "principals": [],
        "changed_statements": report.changed_statements.iter().map(changed_json).collect::<Vec<_>>(),
        "queries": report.queries,
        "solver_checks": report.solver_checks,
        "shard": report.shard.map(|shard| format!("{}/{}", shard.index, shard.count)),
        "notes": report.notes,
    })
}

fn account_title(account: &AccountReport) -> String {
    let name = if account.name.is_empty() {
        String::new()
    } else {
        format!(" ({})", account.name)
    };
    let path = if account.path.is_empty() {
        String::new()
    } else {
        format!(" under {}", account.path.join(" / "))
    };
    format!("{}{name}{path}", account.account)
}

fn counts(report: &GateReport) -> String {
    let mut tally: Vec<(GateVerdict, usize)> = Vec::new();
    for account in report
        .accounts
        .iter()
        .filter(|account| account.standing != AccountStanding::Management)
    {
        match tally
            .iter_mut()
            .find(|(verdict, _)| *verdict == account.verdict)
        {
            Some((_, count)) => *count += 1,
            None => tally.push((account.verdict, 1)),
        }
    }
    tally.sort();
    tally
        .iter()
        .map(|(verdict, count)| format!("{count} {}", verdict.as_str()))
        .collect::<Vec<_>>()
        .join(", ")
}

fn decision_word(finding: &GateFinding) -> String {
    format!("OLD {}, NEW {}", finding.old.decision, finding.new.decision)
}

/// The report for people: the verdict, then each account that changes,
/// its findings with a replayed request, then the exempt accounts.
pub fn gate_text(report: &GateReport) -> String {
    let mut text = String::new();
    let _ = writeln!(
        text,
        "{}: {} → {} ({})",
        report.verdict.as_str(),
        report.old_file,
        report.new_file,
        counts(report)
    );
    for account in &report.accounts {
        if account.verdict == GateVerdict::Unchanged && account.moved_from.is_none() {
            continue;
        }
        let allowed = if account.widening_allowed && account.verdict.widens() {
            " [widening allowed]"
        } else {
            ""
        };
        let _ = writeln!(
            text,
            "\n{} {}{allowed}",
            account.verdict.as_str(),
            account_title(account)
        );
        match account.standing {
            AccountStanding::Added => {
                let _ = writeln!(text, "  joins the organization");
            }
            AccountStanding::Removed => {
                let _ = writeln!(text, "  leaves the organization");
            }
            _ => {}
        }
        if let Some(moved_from) = &account.moved_from {
            let _ = writeln!(text, "  moved from {}", moved_from.join(" / "));
        }
        for (described, verb) in [
            (&account.gained_described, "gains"),
            (&account.lost_described, "loses"),
        ] {
            if !described.is_empty() {
                let _ = writeln!(text, "  {verb}: {described}");
            }
        }
        for finding in &account.findings {
            let _ = writeln!(
                text,
                "  - [{}] {} ({})",
                finding.chain.as_str(),
                finding.summary,
                decision_word(finding)
            );
            let _ = writeln!(
                text,
                "    request: {}",
                serde_json::to_string(&request_json(&finding.request)).unwrap_or_default()
            );
        }
        if account.decided_with != account.account {
            let _ = writeln!(
                text,
                "  (decided with {}, whose chains are the same; this account's requests replayed)",
                account.decided_with
            );
        }
        if let Some(reason) = &account.incomplete {
            let _ = writeln!(text, "  inconclusive: {reason}");
        }
    }
    let exempt: Vec<&AccountReport> = report
        .accounts
        .iter()
        .filter(|account| account.standing == AccountStanding::Management)
        .collect();
    for account in exempt {
        let _ = writeln!(
            text,
            "\nexempt {}: the management account (SCPs and RCPs do not restrict it)",
            account_title(account)
        );
    }
    if !report.changed_statements.is_empty() {
        let _ = writeln!(text, "\nchanged statements:");
        for change in &report.changed_statements {
            let _ = writeln!(
                text,
                "  {} {} at {}: {} statement {} ({:?}) at {}:{}:{}",
                change.change.as_str(),
                change.chain.as_str(),
                change.node_label,
                change.policy,
                change.statement,
                change.effect,
                change.file,
                change.position.line,
                change.position.column
            );
        }
    }
    let _ = writeln!(text, "\n{}", scope_line(report));
    for note in &report.notes {
        let _ = writeln!(text, "note: {note}");
    }
    text
}

/// What the verdict covers, in words.
fn scope_line(report: &GateReport) -> String {
    let proof = if report.verdict == GateVerdict::Inconclusive {
        "some accounts are inconclusive: no proof for them"
    } else {
        "the findings cover every difference (proved)"
    };
    let shard = report
        .shard
        .map(|shard| format!(", shard {}/{}", shard.index, shard.count))
        .unwrap_or_default();
    format!(
        "scope: every member account{shard}; SCP chains over requests by each account's principals (service-linked roles exempt), RCP chains over requests to each account's resources (services that support RCPs), everything else allowing; {proof}; {} solver queries, {} checks",
        report.queries, report.solver_checks
    )
}

/// A pull-request comment: the verdict, one table row per account that
/// changes (OU path, verdict, gained, lost), then each account's findings
/// in a collapsible section.
pub fn gate_markdown(report: &GateReport) -> String {
    let mut text = String::new();
    let icon = match report.verdict {
        GateVerdict::Widened | GateVerdict::WidenedAndNarrowed => "🔴",
        GateVerdict::Inconclusive => "🟠",
        GateVerdict::Narrowed => "🟡",
        GateVerdict::Unchanged => "🟢",
    };
    let _ = writeln!(
        text,
        "### {icon} iamz gate: **{}** ({})\n",
        report.verdict.as_str(),
        counts(report)
    );
    let changing: Vec<&AccountReport> = report
        .accounts
        .iter()
        .filter(|account| account.verdict != GateVerdict::Unchanged || account.moved_from.is_some())
        .collect();
    if changing.is_empty() {
        let _ = writeln!(text, "No member account's access changes.\n");
    } else {
        let _ = writeln!(text, "| OU path | Account | Verdict | Gained | Lost |");
        let _ = writeln!(text, "|---|---|---|---|---|");
        for account in &changing {
            let allowed = if account.widening_allowed && account.verdict.widens() {
                " (allowed)"
            } else {
                ""
            };
            let _ = writeln!(
                text,
                "| {} | {} {} | {}{allowed} | {} | {} |",
                account.path.join(" / "),
                account.account,
                account.name,
                account.verdict.as_str(),
                cell(&account.gained_described),
                cell(&account.lost_described)
            );
        }
        let _ = writeln!(text);
        for account in &changing {
            let _ = writeln!(
                text,
                "<details><summary>{} — {}</summary>\n",
                account_title(account),
                account.verdict.as_str()
            );
            for finding in &account.findings {
                let _ = writeln!(
                    text,
                    "- **{}** {} ({})\n\n  ```json\n  {}\n  ```\n",
                    finding.chain.as_str(),
                    finding.summary,
                    decision_word(finding),
                    serde_json::to_string(&request_json(&finding.request)).unwrap_or_default()
                );
            }
            if let Some(reason) = &account.incomplete {
                let _ = writeln!(text, "- inconclusive: {reason}\n");
            }
            let _ = writeln!(text, "</details>\n");
        }
    }
    let _ = writeln!(text, "<sub>{}</sub>", scope_line(report));
    text
}

fn cell(described: &str) -> String {
    if described.is_empty() {
        "—".to_string()
    } else {
        described.replace('|', "\\|")
    }
}

/// One SARIF result per widening finding not allowed by
/// `--allow-widening`, located at a changed statement of its chain on the
/// account's path: one the change adds if any, else one it removes (the
/// NEW file when none is found: an account moved).
pub fn gate_sarif(report: &GateReport) -> Value {
    let mut results = Vec::new();
    for account in &report.accounts {
        if account.widening_allowed {
            continue;
        }
        for finding in account
            .findings
            .iter()
            .filter(|finding| finding.direction == Direction::NewAllowsOldDenies)
        {
            // The statement the change writes (in NEW) when there is one,
            // else the one it removes (in OLD).
            let on_chain = |change: &&ChangedStatement| {
                change.chain == finding.chain && account.path_ids.contains(&change.node)
            };
            let change = report
                .changed_statements
                .iter()
                .filter(on_chain)
                .find(|change| change.change == StatementChange::Added)
                .or_else(|| report.changed_statements.iter().find(on_chain));
            let (file, line, column) = match change {
                Some(change) => (
                    change.file.clone(),
                    change.position.line,
                    change.position.column,
                ),
                None => (report.new_file.clone(), 1, 1),
            };
            results.push(json!({
                "ruleId": format!("{}-widening", finding.chain.as_str()),
                "level": "error",
                "message": { "text": format!("account {}: {}", account_title(account), finding.summary) },
                "locations": [super::sarif::physical_location(&file, line, column)],
                "properties": {
                    "account": account.account,
                    "request": request_json(&finding.request),
                },
            }));
        }
    }
    super::sarif::error_rules_log(
        &[
            (
                "scp-widening",
                "An SCP change widens access in a member account",
            ),
            (
                "rcp-widening",
                "An RCP change widens access to a member account's resources",
            ),
        ],
        results,
    )
}
