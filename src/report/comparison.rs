//! Rendering of comparison results (`iamz equiv`, `iamz diff`).

use super::decision::decision_json;
use crate::eval::EvaluatedDecision;
use crate::query::{Comparison, Counterexample, Direction, Verdict};
use crate::request::ConcreteRequest;
use serde_json::{json, Map, Value};

/// The verdict word of the JSON output.
pub fn verdict_word(verdict: &Verdict) -> &'static str {
    match verdict {
        Verdict::Equivalent => "equivalent",
        Verdict::MorePermissive => "more-permissive",
        Verdict::LessPermissive => "less-permissive",
        Verdict::Incomparable => "incomparable",
        Verdict::Inconclusive { .. } => "inconclusive",
    }
}

fn direction_word(direction: Direction) -> &'static str {
    match direction {
        Direction::NewAllowsOldDenies => "new-allows-old-denies",
        Direction::OldAllowsNewDenies => "old-allows-new-denies",
    }
}

/// A request as JSON: principal, action, resource, resource account, and
/// the context keys (a list for multivalued keys).
pub fn request_json(request: &ConcreteRequest) -> Value {
    let mut context = Map::new();
    for entry in request.context.entries() {
        let value = if entry.multivalued || entry.values.len() != 1 {
            json!(entry.values)
        } else {
            json!(entry.values[0])
        };
        context.insert(entry.key.clone(), value);
    }
    json!({
        "principal": request.principal.text,
        "action": request.action,
        "resource": request.resource,
        "resource_account": request.resource_account,
        "context": context,
    })
}

fn counterexample_json(example: &Counterexample) -> Value {
    json!({
        "direction": direction_word(example.direction),
        "request": request_json(&example.request),
        "old": decision_json(None, &example.old, &[]),
        "new": decision_json(None, &example.new, &[]),
    })
}

/// The whole comparison as JSON (`"verdict"` is one of `equivalent`,
/// `more-permissive`, `less-permissive`, `incomparable`, `inconclusive`).
pub fn comparison_json(comparison: &Comparison) -> Value {
    let mut object = json!({
        "verdict": verdict_word(&comparison.verdict),
        "counterexamples": comparison.counterexamples.iter().map(counterexample_json).collect::<Vec<_>>(),
        "approximations": comparison.approximations,
        "solver_checks": comparison.solver_checks,
    });
    if let Verdict::Inconclusive { reason } = &comparison.verdict {
        object["reason"] = json!(reason);
    }
    object
}

fn decision_line(decided: &EvaluatedDecision) -> String {
    let mut line = decided.decision.as_str().to_string();
    let statements: Vec<String> = decided
        .explanation
        .deciding_statements
        .iter()
        .map(|statement| {
            format!(
                "{} {} {}",
                statement.layer, statement.policy, statement.statement
            )
        })
        .collect();
    if !statements.is_empty() {
        line.push_str(&format!(" (by {})", statements.join("; ")));
    }
    if !decided.explanation.missing_allows.is_empty() {
        line.push_str(&format!(
            " (no matching Allow in: {})",
            decided.explanation.missing_allows.join(", ")
        ));
    }
    line
}

/// The comparison for people.
pub fn comparison_text(comparison: &Comparison) -> String {
    let mut text = match &comparison.verdict {
        Verdict::Equivalent => {
            "equivalent: OLD and NEW decide every request alike (proved)".to_string()
        }
        Verdict::MorePermissive => {
            "more-permissive: NEW allows requests that OLD denies, never the reverse".to_string()
        }
        Verdict::LessPermissive => {
            "less-permissive: OLD allows requests that NEW denies, never the reverse".to_string()
        }
        Verdict::Incomparable => {
            "incomparable: each allows requests that the other denies".to_string()
        }
        Verdict::Inconclusive { reason } => format!("inconclusive: {reason}"),
    };
    text.push('\n');
    for approximation in &comparison.approximations {
        text.push_str(&format!("  approximation: {approximation}\n"));
    }
    for example in &comparison.counterexamples {
        let heading = match example.direction {
            Direction::NewAllowsOldDenies => "NEW allows, OLD denies",
            Direction::OldAllowsNewDenies => "OLD allows, NEW denies",
        };
        let request = &example.request;
        text.push_str(&format!("\ncounterexample ({heading}), replayed:\n"));
        text.push_str(&format!("  principal: {}\n", request.principal.text));
        text.push_str(&format!("  action:    {}\n", request.action));
        text.push_str(&format!("  resource:  {}\n", request.resource));
        if let Some(account) = &request.resource_account {
            text.push_str(&format!("  resource account: {account}\n"));
        }
        for entry in request.context.entries() {
            text.push_str(&format!(
                "  context:   {} = {}\n",
                entry.key,
                entry.values.join(", ")
            ));
        }
        text.push_str(&format!("  OLD: {}\n", decision_line(&example.old)));
        text.push_str(&format!("  NEW: {}\n", decision_line(&example.new)));
    }
    text
}
