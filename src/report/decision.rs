//! Rendering of evaluated decisions.

use crate::eval::EvaluatedDecision;
use serde_json::{json, Value};

/// One decision as a JSON object (`"decision"` is `Allow`, `ExplicitDeny`
/// or `ImplicitDeny`).
pub fn decision_json(id: Option<&str>, decided: &EvaluatedDecision, warnings: &[String]) -> Value {
    let mut object = json!({
        "decision": decided.decision.as_str(),
        "explanation": {
            "deciding_statements": decided.explanation.deciding_statements,
            "missing_allows": decided.explanation.missing_allows,
        },
    });
    if decided.explanation.needs_no_permission {
        object["explanation"]["needs_no_permission"] = json!(true);
    }
    if let Some(id) = id {
        object["id"] = json!(id);
    }
    if !warnings.is_empty() {
        object["warnings"] = json!(warnings);
    }
    object
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
