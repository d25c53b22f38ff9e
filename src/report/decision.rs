//! Rendering of evaluated decisions.

use crate::eval::{EvaluatedDecision, Explanation};
use serde_json::Value;

/// One decision as JSON: `"decision"` is `Allow`, `ExplicitDeny` or
/// `ImplicitDeny`; `id` and `warnings` only when there are some.
#[derive(serde::Serialize)]
struct DecisionObject<'a> {
    decision: &'static str,
    explanation: &'a Explanation,
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<&'a str>,
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    warnings: &'a [String],
}

impl<'a> DecisionObject<'a> {
    fn new(id: Option<&'a str>, decided: &'a EvaluatedDecision, warnings: &'a [String]) -> Self {
        DecisionObject {
            decision: decided.decision.as_str(),
            explanation: &decided.explanation,
            id,
            warnings,
        }
    }
}

/// One decision as a JSON value (inside a larger document).
pub fn decision_json(id: Option<&str>, decided: &EvaluatedDecision, warnings: &[String]) -> Value {
    serde_json::to_value(DecisionObject::new(id, decided, warnings)).unwrap_or(Value::Null)
}

/// One decision as one line of JSON, written straight from the decision
/// (a stream of requests renders one per line).
pub fn decision_json_line(
    id: Option<&str>,
    decided: &EvaluatedDecision,
    warnings: &[String],
) -> String {
    serde_json::to_string(&DecisionObject::new(id, decided, warnings)).unwrap_or_default()
}

/// One decision as text lines.
pub fn decision_text(id: Option<&str>, decided: &EvaluatedDecision, warnings: &[String]) -> String {
    let mut text = String::new();
    if let Some(id) = id {
        text.push_str(&format!("[{id}] "));
    }
    text.push_str(decided.decision.as_str());
    text.push('\n');
    if decided.explanation.needs_no_permission {
        text.push_str(
            "  the call needs no permission: AWS answers it even where a policy denies it\n",
        );
    }
    if let Some(rule) = decided.explanation.refused_by {
        text.push_str(&format!("  refused by AWS: {}\n", rule.describe()));
    }
    for statement in &decided.explanation.deciding_statements {
        text.push_str(&format!(
            "  by {} policy {} statement {}\n",
            statement.layer, statement.policy, statement.statement
        ));
    }
    if !decided.explanation.missing_allows.is_empty() {
        text.push_str(&format!(
            "  no matching Allow in: {}\n",
            decided.explanation.missing_allows.join(", ")
        ));
    }
    for warning in warnings {
        text.push_str(&format!("  warning: {warning}\n"));
    }
    text
}
