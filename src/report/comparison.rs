//! Rendering of comparison results (`iamz equiv`, `iamz diff`).

use super::decision::decision_json;
use crate::eval::EvaluatedDecision;
use crate::query::{Comparison, Counterexample, Direction, InconclusiveReason, Verdict};
use crate::request::ConcreteRequest;
use crate::semantics::alone::Aspect;
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
        context.insert(entry.key.to_string(), value);
    }
    json!({
        "principal": request.principal.written(),
        "action": request.action,
        "resource": request.resource,
        "resource_account": request.resource_account,
        "context": context,
    })
}

fn counterexample_json(example: &Counterexample) -> Value {
    let mut object = json!({
        "direction": direction_word(example.direction),
        "aspect": example.aspect.as_str(),
        "changes_access": example.changes_access,
        "request": request_json(&example.request),
        "old": decision_json(None, &example.old, &[]),
        "new": decision_json(None, &example.new, &[]),
    });
    if let Some(revealed_by) = &example.revealed_by {
        object["revealed_by"] = json!(revealed_by);
    }
    if let Some(companion) = &example.companion {
        object["companion"] = companion.clone();
    }
    if !example.notes.is_empty() {
        object["notes"] = json!(example.notes);
    }
    object
}

/// The whole comparison as JSON (`"verdict"` is one of `equivalent`,
/// `more-permissive`, `less-permissive`, `incomparable`, `inconclusive`).
pub fn comparison_json(comparison: &Comparison) -> Value {
    let mut object = json!({
        "verdict": verdict_word(&comparison.verdict),
        "proved": proved(comparison),
        "scope": comparison.scope,
        "vacuous": comparison.vacuous,
        "differs_in": differing_aspects(comparison),
        "notes": comparison.notes,
        "counterexamples": comparison.counterexamples.iter().map(counterexample_json).collect::<Vec<_>>(),
        "approximations": comparison.approximations,
        "solver_checks": comparison.solver_checks,
    });
    if let Verdict::Inconclusive { reason } = &comparison.verdict {
        object["reason"] = json!(reason.to_string());
        object["reason_kind"] = json!(reason.kind());
        if let InconclusiveReason::Unsupported(constructs) = reason {
            object["unsupported"] = json!(constructs
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>());
        }
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

/// Whether the verdict is a proof: decided, exact, not vacuous.
pub fn proved(comparison: &Comparison) -> bool {
    !matches!(comparison.verdict, Verdict::Inconclusive { .. })
        && comparison.vacuous.is_empty()
        && comparison.approximations.is_empty()
}

/// The aspects in which the sides differ (access differences only).
fn differing_aspects(comparison: &Comparison) -> Vec<&'static str> {
    let mut aspects: Vec<&'static str> = Vec::new();
    for example in &comparison.counterexamples {
        let word = if example.changes_access {
            example.aspect.as_str()
        } else {
            "kind-of-deny"
        };
        if !aspects.contains(&word) {
            aspects.push(word);
        }
    }
    aspects
}

/// The comparison for people.
pub fn comparison_text(comparison: &Comparison) -> String {
    let qualifier = if proved(comparison) {
        "proved"
    } else if !comparison.vacuous.is_empty() {
        "vacuous: not a proof"
    } else {
        "under the approximations below"
    };
    let mut text = match &comparison.verdict {
        Verdict::Equivalent => {
            format!("equivalent: OLD and NEW allow the same requests ({qualifier})")
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
    text.push_str(&format!("  scope: {}\n", comparison.scope));
    for vacuous in &comparison.vacuous {
        text.push_str(&format!("  vacuous: {vacuous}\n"));
    }
    for note in &comparison.notes {
        text.push_str(&format!("  note: {note}\n"));
    }
    let differs = differing_aspects(comparison);
    if !differs.is_empty() {
        text.push_str(&format!("  differs in: {}\n", differs.join(", ")));
    }
    for approximation in &comparison.approximations {
        text.push_str(&format!("  approximation: {approximation}\n"));
    }
    for example in &comparison.counterexamples {
        let heading = match (example.changes_access, example.aspect, example.direction) {
            (false, _, Direction::NewAllowsOldDenies) => {
                "only the kind of deny differs: OLD denies explicitly, NEW implicitly"
            }
            (false, _, Direction::OldAllowsNewDenies) => {
                "only the kind of deny differs: NEW denies explicitly, OLD implicitly"
            }
            (true, Aspect::ExplicitDeny, Direction::NewAllowsOldDenies) => {
                "OLD denies explicitly, NEW does not"
            }
            (true, Aspect::ExplicitDeny, Direction::OldAllowsNewDenies) => {
                "NEW denies explicitly, OLD does not"
            }
            (true, _, Direction::NewAllowsOldDenies) => "NEW allows, OLD denies",
            (true, _, Direction::OldAllowsNewDenies) => "OLD allows, NEW denies",
        };
        let request = &example.request;
        text.push_str(&format!("\ncounterexample ({heading}), replayed:\n"));
        text.push_str(&format!("  principal: {}\n", request.principal.written()));
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
        if let Some(revealed_by) = &example.revealed_by {
            text.push_str(&format!("  shows as access {revealed_by}\n"));
        }
        for note in &example.notes {
            text.push_str(&format!("  note: {note}\n"));
        }
        if let Some(companion) = &example.companion {
            text.push_str(&format!("  companion: {companion}\n"));
        }
    }
    text
}
