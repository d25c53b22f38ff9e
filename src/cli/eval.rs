//! `iamz eval SCENARIO [--request FILE | --requests FILE.jsonl]`.

use super::{bad_input, exit, OutputFormat};
use crate::eval::evaluate;
use crate::report::decision::{decision_json, decision_text};
use crate::scenario::{RequestSpec, Scenario};
use crate::source::{read_text, JsonSource};
use std::io::Write;
use std::path::{Path, PathBuf};

#[derive(Debug, clap::Args)]
pub struct EvalArguments {
    /// The scenario file (principal, resource, policies, organization).
    pub scenario: PathBuf,
    /// A request file laid over the scenario's request.
    #[arg(long, conflicts_with = "requests")]
    pub request: Option<PathBuf>,
    /// A JSON Lines file of requests: one decision per line out.
    #[arg(long)]
    pub requests: Option<PathBuf>,
    #[arg(long, value_enum, default_value_t)]
    pub format: OutputFormat,
    /// The request time (epoch seconds) for aws:CurrentTime when the request
    /// does not give it; default: now.
    #[arg(long)]
    pub now: Option<i64>,
}

fn now_epoch_seconds() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|elapsed| i64::try_from(elapsed.as_secs()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

pub fn run(arguments: &EvalArguments, out: &mut dyn Write) -> u8 {
    let scenario = match Scenario::load(&arguments.scenario) {
        Ok(scenario) => scenario,
        Err(error) => return bad_input(&error),
    };
    for warning in &scenario.warnings {
        eprintln!("warning: {warning}");
    }
    let now = arguments.now.unwrap_or_else(now_epoch_seconds);
    match &arguments.requests {
        Some(path) => run_lines(&scenario, path, arguments.format, now, out),
        None => {
            let overrides = match &arguments.request {
                Some(path) => match JsonSource::load(path)
                    .and_then(|source| RequestSpec::from_node(&source, &source.root, ""))
                {
                    Ok(spec) => spec,
                    Err(error) => return bad_input(&error),
                },
                None => RequestSpec::default(),
            };
            match decide_one(&scenario, &overrides, now, arguments.format) {
                Ok(rendered) => {
                    let _ = writeln!(out, "{}", rendered.trim_end());
                    exit::HOLDS
                }
                Err(message) => bad_input(&format!("{}: {message}", arguments.scenario.display())),
            }
        }
    }
}

fn decide_one(
    scenario: &Scenario,
    overrides: &RequestSpec,
    now: i64,
    format: OutputFormat,
) -> Result<String, String> {
    let resolved = scenario
        .resolve(overrides, now)
        .map_err(|error| error.to_string())?;
    let layers = scenario.layers(
        resolved.request.principal.account.as_deref(),
        resolved.request.resource_account.as_deref(),
    );
    let decided = evaluate(&layers, &resolved.facts, &resolved.request);
    Ok(match format {
        OutputFormat::Json => {
            decision_json(resolved.id.as_deref(), &decided, &resolved.warnings).to_string()
        }
        OutputFormat::Text => decision_text(resolved.id.as_deref(), &decided, &resolved.warnings),
    })
}

/// One decision per input line; a bad line is reported in place (and makes
/// the exit code 2) without stopping the others.
fn run_lines(
    scenario: &Scenario,
    path: &Path,
    format: OutputFormat,
    now: i64,
    out: &mut dyn Write,
) -> u8 {
    let text = match read_text(path) {
        Ok(text) => text,
        Err(error) => return bad_input(&error),
    };
    let file = path.display().to_string();
    let mut code = exit::HOLDS;
    for (index, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let line_file = format!("{file}:{}", index + 1);
        let result =
            JsonSource::from_text(line, &line_file, path.parent().unwrap_or(Path::new(".")))
                .and_then(|source| RequestSpec::from_node(&source, &source.root, ""))
                .map_err(|error| error.to_string())
                .and_then(|spec| decide_one(scenario, &spec, now, format));
        match result {
            Ok(rendered) => {
                let _ = writeln!(out, "{}", rendered.trim_end());
            }
            Err(message) => {
                code = exit::BAD_INPUT;
                match format {
                    OutputFormat::Json => {
                        let _ = writeln!(
                            out,
                            "{}",
                            serde_json::json!({"line": index + 1, "error": message})
                        );
                    }
                    OutputFormat::Text => {
                        let _ = writeln!(out, "line {}: error: {message}", index + 1);
                    }
                }
            }
        }
    }
    code
}
