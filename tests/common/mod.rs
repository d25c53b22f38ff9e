//! Shared by the evaluator tests: decide a request against a scenario given
//! as JSON (inline, or read from a file whose folder resolves relative
//! paths).

#![allow(dead_code)]

use iamz::eval::{evaluate, Decision, EvaluatedDecision};
use iamz::scenario::{RequestSpec, Scenario};
use iamz::source::JsonSource;
use std::path::Path;

/// The request time used by every test: 2026-09-21T14:13:20Z.
pub const NOW: i64 = 1_790_000_000;

/// Loads a scenario from JSON text; relative paths resolve from `directory`.
pub fn scenario_from_text(text: &str, file: &str, directory: &Path) -> Result<Scenario, String> {
    let source = JsonSource::from_text(text, file, directory).map_err(|error| error.to_string())?;
    Scenario::from_source(&source).map_err(|error| error.to_string())
}

/// Reads a request object (`principal`, `action`, `resource`,
/// `resource_account`, `context`).
pub fn request_from_value(request: &serde_json::Value) -> Result<RequestSpec, String> {
    let text = request.to_string();
    let source = JsonSource::from_text(&text, "request.json", Path::new("."))
        .map_err(|error| error.to_string())?;
    RequestSpec::from_node(&source, &source.root, "").map_err(|error| error.to_string())
}

/// Decides one request of a loaded scenario.
pub fn decide_in(scenario: &Scenario, request: &RequestSpec) -> Result<EvaluatedDecision, String> {
    let resolved = scenario
        .resolve(request, NOW)
        .map_err(|error| error.to_string())?;
    let setup = scenario.setup(&iamz::scenario::SetupScope::of_request(&resolved.request));
    Ok(evaluate(&setup, &resolved.request))
}

/// Decides one request against an inline scenario.
pub fn decide(
    scenario: &serde_json::Value,
    request: &serde_json::Value,
) -> Result<EvaluatedDecision, String> {
    let scenario = scenario_from_text(&scenario.to_string(), "inline.json", Path::new("."))?;
    decide_in(&scenario, &request_from_value(request)?)
}

pub fn parse_decision(text: &str) -> Option<Decision> {
    match text {
        "Allow" => Some(Decision::Allow),
        "ExplicitDeny" => Some(Decision::ExplicitDeny),
        "ImplicitDeny" => Some(Decision::ImplicitDeny),
        _ => None,
    }
}

/// Runs `iamz ARGS…` through the command line's own entry; the exit code
/// and standard output (2 and the message when the arguments do not parse).
pub fn run_iamz(arguments: &[String]) -> (u8, String) {
    use clap::Parser;
    let mut all = vec!["iamz".to_string()];
    all.extend_from_slice(arguments);
    let cli = match iamz::cli::Cli::try_parse_from(&all) {
        Ok(cli) => cli,
        Err(error) => return (2, format!("arguments do not parse: {error}")),
    };
    let mut out = Vec::new();
    let code = iamz::cli::run(cli.command, &mut out);
    (code, String::from_utf8_lossy(&out).to_string())
}

/// The strings of a JSON array (nothing for anything else).
pub fn strings(value: &serde_json::Value) -> Vec<String> {
    value
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|item| item.as_str().map(str::to_string))
        .collect()
}

/// Whether a summarised action list (`s3:*`, `*`, names) holds `action`.
pub fn summary_covers(summary: &serde_json::Value, action: &str) -> bool {
    let service = action.split(':').next().unwrap_or("").to_ascii_lowercase();
    summary.as_array().into_iter().flatten().any(|entry| {
        let entry = entry.as_str().unwrap_or_default();
        entry == "*"
            || entry.eq_ignore_ascii_case(action)
            || entry.eq_ignore_ascii_case(&format!("{service}:*"))
    })
}

/// [`run_iamz`] on string slices.
pub fn iamz(arguments: &[&str]) -> (u8, String) {
    let owned: Vec<String> = arguments
        .iter()
        .map(|argument| argument.to_string())
        .collect();
    run_iamz(&owned)
}
