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
