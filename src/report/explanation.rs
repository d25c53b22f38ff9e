//! Rendering of `iamz explain`: text for people (the deciding reason
//! first, then the smallest change, then each layer's statements), JSON for
//! tools (the explanation as it is, plus what the request's source left
//! unknown).

use crate::explain::statement_explanation::{ClauseOutcome, ConditionOutcome, PatternOutcome};
use crate::explain::{AlsoAllowed, ChangePlan, Edit, RequestExplanation, StatementExplanation};
use crate::ingest::cloudtrail::RecordedRequest;
use serde::Serialize;

/// Everything `iamz explain` reports.
#[derive(Serialize)]
struct ExplainedObject<'a> {
    #[serde(flatten)]
    explanation: &'a RequestExplanation,
    #[serde(skip_serializing_if = "Option::is_none")]
    recorded_request: Option<&'a RecordedRequest>,
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    warnings: &'a [String],
}

/// The explanation as one JSON document.
pub fn explanation_json(
    explanation: &RequestExplanation,
    recorded: Option<&RecordedRequest>,
    warnings: &[String],
) -> String {
    serde_json::to_string_pretty(&ExplainedObject {
        explanation,
        recorded_request: recorded,
        warnings,
    })
    .unwrap_or_default()
}

/// Patterns shown per element in text; the JSON output has them all.
const PATTERNS_SHOWN: usize = 6;

fn pattern_list(patterns: &[PatternOutcome]) -> String {
    let shown: Vec<&PatternOutcome> = patterns
        .iter()
        .filter(|pattern| pattern.matches)
        .chain(patterns.iter().filter(|pattern| !pattern.matches))
        .take(PATTERNS_SHOWN)
        .collect();
    let rest = patterns.len() - shown.len();
    let mut text = shown
        .into_iter()
        .map(|pattern| match &pattern.substituted {
            Some(Some(text)) => format!("{} (= {text})", pattern.pattern),
            Some(None) => format!("{} (a variable's key is absent)", pattern.pattern),
            None => pattern.pattern.clone(),
        })
        .collect::<Vec<_>>()
        .join(", ");
    if rest > 0 {
        text.push_str(&format!(" and {rest} more"));
    }
    text
}

fn clause_line(name: &str, negated_name: &str, clause: &ClauseOutcome, target: &str) -> String {
    let element = if clause.negated { negated_name } else { name };
    let verdict = match (clause.negated, clause.matches) {
        (false, true) => format!("matches {target}"),
        (false, false) => format!("does not match {target}"),
        (true, true) => format!("does not list {target}: covers it"),
        (true, false) => format!("lists {target}: leaves it out"),
    };
    format!("{element} {}: {verdict}", pattern_list(&clause.patterns))
}

fn condition_line(condition: &ConditionOutcome) -> String {
    let request = match &condition.request_values {
        Some(values) => values.join(", "),
        None => "absent".to_string(),
    };
    let policy: Vec<String> = condition
        .policy_values
        .iter()
        .map(|value| match &value.substituted {
            Some(Some(text)) => format!("{} (= {text})", value.value),
            Some(None) => format!("{} (a variable's key is absent)", value.value),
            None => value.value.clone(),
        })
        .collect();
    format!(
        "{} {}: request {request} vs policy {}: {}",
        condition.operator,
        condition.key,
        policy.join(", "),
        if condition.holds {
            "holds"
        } else {
            "does not hold"
        }
    )
}

fn statement_text(
    text: &mut String,
    statement: &StatementExplanation,
    action: &str,
    resource: &str,
) {
    let verdict = if statement.applies {
        "applies".to_string()
    } else {
        match statement.not_matched.first() {
            Some(element) => format!("does not apply: {}", element.describe()),
            None => "does not apply".to_string(),
        }
    };
    text.push_str(&format!(
        "    {} `{}` statement {}: {verdict}\n",
        statement.effect, statement.policy, statement.statement
    ));
    let detail = |text: &mut String, line: String| text.push_str(&format!("      {line}\n"));
    // The action first; past a non-matching action nothing else decides.
    if !statement.action.matches {
        detail(
            text,
            clause_line("Action", "NotAction", &statement.action, action),
        );
        return;
    }
    if let Some(clause) = &statement.resource {
        if !clause.matches || clause.patterns.iter().any(|p| p.substituted.is_some()) {
            detail(
                text,
                clause_line("Resource", "NotResource", clause, resource),
            );
        }
        if let Some(hint) = &clause.hint {
            detail(text, format!("hint: {hint}"));
        }
    }
    if let Some(principal) = &statement.principal {
        let element = if principal.negated {
            "NotPrincipal"
        } else {
            "Principal"
        };
        for entry in &principal.entries {
            let how = match entry.strength {
                Some(strength) => strength.describe(),
                None => "does not name the principal",
            };
            detail(text, format!("{element} {}: {how}", entry.entry));
        }
        if principal.excludes_requester == Some(true) {
            detail(text, "NotPrincipal excludes the principal".to_string());
        }
        let named = principal
            .entries
            .iter()
            .any(|entry| entry.strength.is_some());
        if !principal.matches && !principal.negated && named {
            detail(
                text,
                "the principal is not named strongly enough for this layer".to_string(),
            );
        }
    }
    for condition in &statement.conditions {
        detail(text, condition_line(condition));
    }
}

fn plan_text(text: &mut String, plan: &ChangePlan) {
    if plan.changes.is_empty() {
        text.push_str("no change found\n");
    } else {
        text.push_str(&format!(
            "smallest change ({}):\n",
            if plan.checked {
                "checked: with it the evaluator allows the request".to_string()
            } else {
                format!(
                    "NOT enough: with it the evaluator still decides {}",
                    plan.decision_after
                )
            }
        ));
    }
    for (index, change) in plan.changes.iter().enumerate() {
        text.push_str(&format!("  {}. {}\n", index + 1, change.summary));
        match &change.edit {
            Edit::AddStatement { statement } => {
                text.push_str(&format!("     {statement}\n"));
            }
            Edit::AddCondition { condition, .. } => {
                text.push_str(&format!("     \"Condition\": {condition}\n"));
            }
            Edit::SendRequestWith { .. } | Edit::RemoveStatement { .. } => {}
        }
    }
    for unresolved in &plan.unresolved {
        text.push_str(&format!("  unresolved: {unresolved}\n"));
    }
    if let Some(also) = &plan.also_allows {
        also_allows_text(text, also);
    }
}

/// Actions listed in one line at most; the JSON has them all.
const ACTIONS_SHOWN: usize = 8;

/// What the change allows beyond the request, a line per class of actions.
fn also_allows_text(text: &mut String, also: &AlsoAllowed) {
    let proved = match (&also.incomplete, also.approximations.is_empty()) {
        (None, true) => "; these cover everything it adds (proved)",
        (None, false) => "; these cover everything it adds, under the approximations below",
        (Some(_), _) => "",
    };
    text.push_str(&format!(
        "  what the change allows, within {}{proved}:\n",
        also.scope
    ));
    for finding in &also.findings {
        let mut actions = crate::gate::actions::summarise(&finding.actions);
        if actions.is_empty() {
            actions.push(finding.example.action.clone());
        }
        let more = actions.len().saturating_sub(ACTIONS_SHOWN);
        actions.truncate(ACTIONS_SHOWN);
        let mut listed = actions.join(", ");
        if more > 0 {
            listed.push_str(&format!(" and {more} more"));
        }
        let when = match finding.on_every_request {
            Some(true) => "on every such request",
            Some(false) => "on some such requests",
            None => "on requests the solver could not bound",
        };
        let own = if finding.includes_this_action {
            " (with this request's action)"
        } else {
            ""
        };
        text.push_str(&format!(
            "    - {listed}{own}, {when}; e.g. {}",
            finding.example.action
        ));
        let given: Vec<String> = finding
            .example
            .context
            .iter()
            .map(|(key, values)| format!("{key}={}", values.join(",")))
            .collect();
        if !given.is_empty() {
            text.push_str(&format!(" with {}", given.join(", ")));
        }
        text.push('\n');
    }
    if let Some(reason) = &also.incomplete {
        text.push_str(&format!("    incomplete: {reason}\n"));
    }
    for approximation in &also.approximations {
        text.push_str(&format!("    approximation: {approximation}\n"));
    }
    if also.narrows {
        text.push_str("    note: the change also denies some requests the setup allowed\n");
    }
}

/// The explanation as text: the decision and its reason, hints, the
/// smallest change, dependent requests, then every layer.
pub fn explanation_text(
    explanation: &RequestExplanation,
    recorded: Option<&RecordedRequest>,
    warnings: &[String],
) -> String {
    let mut text = String::new();
    text.push_str(&format!(
        "{}: {}\n",
        explanation.decision, explanation.reason
    ));
    let request = &explanation.request;
    text.push_str(&format!(
        "  request: {} {} {}\n",
        request.principal, request.action, request.resource
    ));
    if let Some(recorded) = recorded {
        text.push_str(&format!("  read from: {}\n", recorded.source));
        for (key, value) in &recorded.recorded {
            text.push_str(&format!("  recorded {key}: {value}\n"));
        }
        for note in &recorded.notes {
            text.push_str(&format!("  note: {note}\n"));
        }
        let recorded_denied = recorded.recorded.iter().any(|(key, value)| {
            (key == "errorCode" && !value.is_empty()) || (key == "allowed" && value == "false")
        });
        if recorded_denied && explanation.decision == crate::eval::Decision::Allow {
            text.push_str("  note: AWS denied the request, but these inputs allow it: the policies or the context AWS saw differ from the inputs (see the unknowns below)\n");
        }
    }
    for hint in &explanation.hints {
        text.push_str(&format!("  hint: {hint}\n"));
    }
    if let Some(plan) = &explanation.smallest_change {
        plan_text(&mut text, plan);
    }
    for dependent in &explanation.dependent_requests {
        let decided = match (&dependent.decision, &dependent.not_decided) {
            (Some(decision), _) => decision.to_string(),
            (None, Some(reason)) => format!("not decided: {reason}"),
            (None, None) => "not decided".to_string(),
        };
        text.push_str(&format!(
            "also needed: {} on {}: {decided} ({})\n",
            dependent.action,
            dependent
                .resource
                .as_deref()
                .unwrap_or("(unknown resource)"),
            dependent.why
        ));
    }
    text.push_str("layers:\n");
    for layer in &explanation.layers {
        let state = if !layer.applies {
            "does not take part".to_string()
        } else if layer.denies {
            "denies".to_string()
        } else if layer.allows {
            "allows".to_string()
        } else {
            "no Allow applies".to_string()
        };
        text.push_str(&format!("  {}: {state}\n", layer.name));
        if !layer.applies {
            continue;
        }
        if layer.statements.is_empty() {
            text.push_str("    (no policies)\n");
        }
        for statement in &layer.statements {
            statement_text(&mut text, statement, &request.action, &request.resource);
        }
    }
    if let Some(recorded) = recorded {
        for unknown in &recorded.unknown {
            text.push_str(&format!("unknown: {unknown}\n"));
        }
    }
    for warning in warnings {
        text.push_str(&format!("warning: {warning}\n"));
    }
    text
}
