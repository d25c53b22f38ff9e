//! `iamz eval SCENARIO [--request FILE | --requests FILE.jsonl]`.

use super::{bad_input, exit, OutputFormat};
use crate::eval::{evaluate, evaluate_alone};
use crate::org::full_access_policy;
use crate::policy::{PolicyDocument, PolicyKind};
use crate::report::decision::{decision_json, decision_text};
use crate::scenario::policy_reference::load_policy_file;
use crate::scenario::{RequestSpec, Scenario, SetupScope};
use crate::semantics::alone::PolicyAlone;
use crate::semantics::Setup;
use crate::source::{read_text, InputError, JsonSource};
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

fn load_policy(path: &Path, kind: PolicyKind) -> Result<PolicyDocument, InputError> {
    let mut warnings = Vec::new();
    let document = load_policy_file(path, kind, &mut warnings)?;
    for warning in &warnings {
        eprintln!("warning: {warning}");
    }
    Ok(document)
}

/// Decides requests against a subject, building each setup once per
/// scope (principal and resource account) and reusing it across requests.
struct Decider<'s> {
    /// Reads requests (the scenario's defaults and derived keys).
    scenario: &'s Scenario,
    /// For `--policy`: the policy judged alone.
    alone: Option<PolicyAlone<'s>>,
    setups: std::cell::RefCell<std::collections::HashMap<SetupScope, std::rc::Rc<Setup<'s>>>>,
}

/// Setups kept at most; past it the cache starts over, so memory stays
/// flat however many accounts a request stream names.
const CACHED_SETUPS: usize = 1024;

impl<'s> Decider<'s> {
    fn new(subject: &'s Subject, kind: PolicyKind) -> Self {
        let (scenario, alone) = match subject {
            Subject::Scenario(scenario) => (scenario.as_ref(), None),
            Subject::Policy(policy) => (
                &policy.1,
                Some(PolicyAlone::new(&policy.0, kind, full_access_policy(kind))),
            ),
        };
        Decider {
            scenario,
            alone,
            setups: Default::default(),
        }
    }

    fn setup(&self, scope: SetupScope) -> std::rc::Rc<Setup<'s>> {
        let mut setups = self.setups.borrow_mut();
        if setups.len() >= CACHED_SETUPS {
            setups.clear();
        }
        setups
            .entry(scope)
            .or_insert_with_key(|scope| std::rc::Rc::new(self.scenario.setup(scope)))
            .clone()
    }

    fn decide(
        &self,
        overrides: &RequestSpec,
        now: i64,
        format: OutputFormat,
    ) -> Result<String, String> {
        let resolved = self
            .scenario
            .resolve(overrides, now)
            .map_err(|error| error.to_string())?;
        let decided = match &self.alone {
            Some(alone) => evaluate_alone(alone, &resolved.request).0,
            // The one setup, for this request's accounts.
            None => evaluate(
                &self.setup(SetupScope::of_request(&resolved.request)),
                &resolved.request,
            ),
        };
        Ok(match format {
            OutputFormat::Json => {
                decision_json(resolved.id.as_deref(), &decided, &resolved.warnings).to_string()
            }
            OutputFormat::Text => {
                decision_text(resolved.id.as_deref(), &decided, &resolved.warnings)
            }
        })
    }
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
            Err(error) => return bad_input(&error),
        },
        (Some(path), None) => match Scenario::load(path) {
            Ok(scenario) => (Subject::Scenario(Box::new(scenario)), path.clone()),
            Err(error) => return bad_input(&error),
        },
        (None, None) => return bad_input(&"give a scenario file or --policy FILE"),
    };
    let decider = Decider::new(&subject, arguments.policy_type);
    for warning in &decider.scenario.warnings {
        eprintln!("warning: {warning}");
    }
    let now = arguments.now.unwrap_or_else(now_epoch_seconds);
    match &arguments.requests {
        Some(path) => run_lines(&decider, path, arguments.format, now, out),
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
            match decider.decide(&overrides, now, arguments.format) {
                Ok(rendered) => {
                    let _ = writeln!(out, "{}", rendered.trim_end());
                    exit::HOLDS
                }
                Err(message) => bad_input(&format!("{}: {message}", file.display())),
            }
        }
    }
}

/// One decision per input line; a bad line is reported in place (and makes
/// the exit code 2) without stopping the others.
fn run_lines(
    decider: &Decider<'_>,
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
                .and_then(|spec| decider.decide(&spec, now, format));
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
