//! `iamz actions POLICY`: the catalog actions each Allow statement covers,
//! and their union.

use super::{bad_input, exit, OutputFormat};
use crate::analysis::{granted_actions, GrantedActions};
use crate::catalog::Catalog;
use crate::policy::{parse_policy, PolicyKind};
use crate::source::read_text;
use serde_json::json;
use std::io::Write;
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub struct ActionsArguments {
    /// The policy file.
    pub policy: PathBuf,
    #[arg(long, value_enum, default_value_t)]
    pub format: OutputFormat,
    /// The policy type, for the parser's warnings.
    #[arg(long = "policy-type", default_value = "identity")]
    pub policy_type: PolicyKind,
}

pub fn run(arguments: &ActionsArguments, out: &mut dyn Write) -> u8 {
    let text = match read_text(&arguments.policy) {
        Ok(text) => text,
        Err(error) => return bad_input(&error),
    };
    let file = arguments.policy.display().to_string();
    let parsed = match parse_policy(&text, &file, Some(arguments.policy_type)) {
        Ok(parsed) => parsed,
        Err(error) => return bad_input(&error),
    };
    for warning in &parsed.warnings {
        eprintln!("warning: {warning}");
    }
    let granted = granted_actions(Catalog::get(), &parsed.document);
    let rendered = match arguments.format {
        OutputFormat::Json => actions_json(&granted).to_string(),
        OutputFormat::Text => actions_text(&granted),
    };
    let _ = writeln!(out, "{}", rendered.trim_end());
    exit::HOLDS
}

/// `{"statements": [{"index", "sid", "actions"}], "actions": [...]}`.
pub fn actions_json(granted: &GrantedActions<'_>) -> serde_json::Value {
    let names = |actions: &[&crate::catalog::Action]| -> Vec<String> {
        actions
            .iter()
            .map(|action| action.full_name().to_string())
            .collect()
    };
    json!({
        "statements": granted.statements.iter().map(|statement| json!({
            "index": statement.index,
            "sid": statement.sid,
            "actions": names(&statement.actions),
        })).collect::<Vec<_>>(),
        "actions": names(&granted.actions),
    })
}

/// A heading per Allow statement with its action count and actions, then
/// the union.
pub fn actions_text(granted: &GrantedActions<'_>) -> String {
    let mut text = String::new();
    for statement in &granted.statements {
        let label = match &statement.sid {
            Some(sid) if !sid.is_empty() => format!("#{} ({sid})", statement.index),
            _ => format!("#{}", statement.index),
        };
        text.push_str(&format!(
            "statement {label}: {} action(s)\n",
            statement.actions.len()
        ));
        for action in &statement.actions {
            text.push_str(&format!("  {action}\n"));
        }
    }
    text.push_str(&format!(
        "all Allow statements: {} action(s)\n",
        granted.actions.len()
    ));
    for action in &granted.actions {
        text.push_str(&format!("  {action}\n"));
    }
    text
}
