//! `iamz eval SCENARIO [--request FILE | --requests FILE.jsonl]`.

use super::{bad_input, exit, OutputFormat};
use crate::eval::{evaluate, evaluate_alone};
use crate::org::full_access_policy;
use crate::policy::{parse_policy, PolicyDocument, PolicyKind};
use crate::report::decision::{decision_json, decision_text};
use crate::scenario::{RequestSpec, Scenario, SetupScope};
use crate::semantics::alone::PolicyAlone;
use crate::source::{read_text, JsonSource};
use std::io::Write;
use std::path::{Path, PathBuf};

#[derive(Debug, clap::Args)]
pub struct EvalArguments {
    /// The scenario file (principal, resource, policies, organization).
    #[arg(required_unless_present = "policy")]
    pub scenario: Option<PathBuf>,
    /// Instead of a scenario: one policy judged alone, as the one policy of
    /// its layer (how `iamz diff` judges two policies); requests give the
    /// principal, action and resource.
    #[arg(long, conflicts_with = "scenario")]
    pub policy: Option<PathBuf>,
    /// The policy type of `--policy`.
    #[arg(long, default_value = "identity")]
    pub policy_type: PolicyKind,
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

/// What requests are decided against.
enum Subject {
    Scenario(Box<Scenario>),
    /// One policy judged alone; the scenario only reads requests.
    Policy(Box<(PolicyDocument, Scenario)>),
}

fn load_policy(path: &Path, kind: PolicyKind) -> Result<PolicyDocument, String> {
    let text = read_text(path).map_err(|error| error.to_string())?;
    let parsed = parse_policy(&text, &path.display().to_string(), Some(kind))
        .map_err(|error| error.to_string())?;
    for warning in &parsed.warnings {
        eprintln!("warning: {warning}");
    }
    let mut document = parsed.document;
    document.name = path.file_name().map_or_else(
        || path.display().to_string(),
        |name| name.to_string_lossy().to_string(),
    );
    Ok(document)
}

pub fn run(arguments: &EvalArguments, out: &mut dyn Write) -> u8 {
    let (subject, file) = match (&arguments.scenario, &arguments.policy) {
        (_, Some(path)) => match load_policy(path, arguments.policy_type) {
            Ok(policy) => (
                Subject::Policy(Box::new((
                    policy,
                    Scenario::empty(&path.display().to_string()),
                ))),
                path.clone(),
            ),
            Err(message) => return bad_input(&message),
        },
        (Some(path), None) => match Scenario::load(path) {
            Ok(scenario) => (Subject::Scenario(Box::new(scenario)), path.clone()),
            Err(error) => return bad_input(&error),
        },
        (None, None) => return bad_input(&"give a scenario file or --policy FILE"),
    };
    let scenario = match &subject {
        Subject::Scenario(scenario) => scenario,
        Subject::Policy(policy) => &policy.1,
    };
    for warning in &scenario.warnings {
        eprintln!("warning: {warning}");
    }
    let now = arguments.now.unwrap_or_else(now_epoch_seconds);
    match &arguments.requests {
        Some(path) => run_lines(
            &subject,
            arguments.policy_type,
            path,
            arguments.format,
            now,
            out,
        ),
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
            match decide_one(
                &subject,
                arguments.policy_type,
                &overrides,
                now,
                arguments.format,
            ) {
                Ok(rendered) => {
                    let _ = writeln!(out, "{}", rendered.trim_end());
                    exit::HOLDS
                }
                Err(message) => bad_input(&format!("{}: {message}", file.display())),
            }
        }
    }
}

fn decide_one(
    subject: &Subject,
    kind: PolicyKind,
    overrides: &RequestSpec,
    now: i64,
    format: OutputFormat,
) -> Result<String, String> {
    let decided_by = |scenario: &Scenario| {
        scenario
            .resolve(overrides, now)
            .map_err(|error| error.to_string())
    };
    let (resolved, decided) = match subject {
        Subject::Scenario(scenario) => {
            let resolved = decided_by(scenario)?;
            // The one setup, for this request's accounts.
            let setup = scenario.setup(&SetupScope::of_request(&resolved.request));
            let decided = evaluate(&setup, &resolved.request);
            (resolved, decided)
        }
        Subject::Policy(policy) => {
            let resolved = decided_by(&policy.1)?;
            let alone = PolicyAlone::new(&policy.0, kind, full_access_policy(kind));
            let (decided, _) = evaluate_alone(&alone, &resolved.request);
            (resolved, decided)
        }
    };
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
    subject: &Subject,
    kind: PolicyKind,
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
                .and_then(|spec| decide_one(subject, kind, &spec, now, format));
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
