//! `iamz eval SCENARIO [--request FILE | --requests FILE.jsonl]`, or
//! `iamz eval --inventory FOLDER --principal ARN --resource ARN …`.

use super::{bad_input, exit, load_policy, OutputFormat};
use crate::eval::{evaluate, evaluate_alone};
use crate::ingest::authorization_message::read_authorization_message;
use crate::ingest::cloudtrail::{read_cloudtrail, RecordedRequest};
use crate::org::full_access_policy;
use crate::policy::{PolicyDocument, PolicyKind};
use crate::report::decision::{decision_json_line, decision_text};
use crate::scenario::{OrganizationChains, RequestSpec, Scenario, SetupScope};
use crate::semantics::alone::PolicyAlone;
use crate::semantics::derived_keys::DerivedKeyFacts;
use crate::semantics::Setup;
use crate::source::{InputError, JsonSource, MAX_INPUT_BYTES};
use rayon::prelude::*;
use std::io::BufRead;
use std::io::Write;
use std::path::{Path, PathBuf};

#[derive(Debug, clap::Args)]
pub struct EvalArguments {
    /// The scenario file (principal, resource, policies, organization).
    #[arg(required_unless_present_any = ["policy", "inventory", "organization"])]
    pub scenario: Option<PathBuf>,
    /// Instead of a scenario: a collected folder of AWS CLI output; the
    /// scenario is its projection to `--principal` and `--resource`.
    #[arg(long, conflicts_with_all = ["scenario", "policy"])]
    pub inventory: Option<PathBuf>,
    /// Instead of a scenario: an organization file or a collected folder;
    /// requests are decided by its chains alone, everything else allowing
    /// (how `iamz gate` replays its findings).
    #[arg(long, conflicts_with_all = ["scenario", "policy", "inventory"])]
    pub organization: Option<PathBuf>,
    /// With `--organization`: which chains decide: `scp` (the principal's
    /// account's), `rcp` (the resource's account's) or `both`.
    #[arg(long, requires = "organization", value_enum, default_value_t)]
    pub chain: ChainArgument,
    /// With `--inventory`: the requesting principal (a user, role, session
    /// or root ARN of the inventory, or any principal outside it); read
    /// from `--cloudtrail` or `--authorization-message` when not given.
    #[arg(long, requires = "inventory")]
    pub principal: Option<String>,
    /// With `--inventory`: the resource ARN the requests target (read from
    /// a recorded request when not given).
    #[arg(long, requires = "inventory")]
    pub resource: Option<String>,
    /// Instead of a scenario: one policy judged alone, as the one policy of
    /// its layer (how `iamz diff` judges two policies); requests give the
    /// principal, action and resource.
    #[arg(long, conflicts_with = "scenario")]
    pub policy: Option<PathBuf>,
    /// The policy type of `--policy`.
    #[arg(long, default_value = "identity")]
    pub policy_type: PolicyKind,
    /// A request file laid over the scenario's request.
    #[arg(long, conflicts_with_all = ["requests", "cloudtrail", "authorization_message"])]
    pub request: Option<PathBuf>,
    /// The request as CloudTrail recorded it: one record, a log file, or
    /// what `aws cloudtrail lookup-events` prints (the first denied event).
    #[arg(long, conflicts_with_all = ["requests", "authorization_message"])]
    pub cloudtrail: Option<PathBuf>,
    /// The request as `aws sts decode-authorization-message` prints it.
    #[arg(long, conflicts_with = "requests")]
    pub authorization_message: Option<PathBuf>,
    /// A JSON Lines file of requests: one decision per line out.
    #[arg(long)]
    pub requests: Option<PathBuf>,
    #[arg(long, value_enum, default_value_t)]
    pub format: OutputFormat,
    /// The request time (epoch seconds) for aws:CurrentTime when the request
    /// does not give it; default: now.
    #[arg(long)]
    pub now: Option<i64>,
    #[command(flatten)]
    pub stack: super::StackArguments,
}

/// The current time in epoch seconds (requests that give no time).
pub(crate) fn now_epoch_seconds() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|elapsed| i64::try_from(elapsed.as_secs()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

/// The chains `--chain` names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, Default)]
pub enum ChainArgument {
    #[default]
    Both,
    Scp,
    Rcp,
}

impl ChainArgument {
    fn chains(self) -> OrganizationChains {
        match self {
            ChainArgument::Both => OrganizationChains::Both,
            ChainArgument::Scp => OrganizationChains::ServiceControlPolicies,
            ChainArgument::Rcp => OrganizationChains::ResourceControlPolicies,
        }
    }
}

/// What requests are decided against.
enum Subject {
    Scenario(Box<Scenario>),
    /// One policy judged alone; the scenario only reads requests.
    Policy(Box<(PolicyDocument, Scenario)>),
}

/// Decides requests against a subject, building each setup once per
/// scope (principal and resource account) and reusing it across requests.
struct Decider<'s> {
    /// Reads requests (the scenario's defaults and derived keys).
    scenario: &'s Scenario,
    /// For `--policy`: the policy judged alone.
    alone: Option<PolicyAlone<'s>>,
    /// The scenario's derived-key facts, made once for every request.
    derived_key_facts: std::sync::Arc<DerivedKeyFacts>,
    setups: std::sync::Mutex<std::collections::HashMap<SetupScope, std::sync::Arc<Setup<'s>>>>,
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
            derived_key_facts: scenario.derived_key_facts(),
            alone,
            setups: Default::default(),
        }
    }

    fn setup(&self, scope: SetupScope) -> std::sync::Arc<Setup<'s>> {
        // A poisoned lock only means another thread panicked mid-insert;
        // the map is still a valid cache.
        let mut setups = self
            .setups
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if setups.len() >= CACHED_SETUPS {
            setups.clear();
        }
        setups
            .entry(scope)
            .or_insert_with_key(|scope| std::sync::Arc::new(self.scenario.setup(scope)))
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
            .resolve_with(overrides, now, &self.derived_key_facts)
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
                decision_json_line(resolved.id.as_deref(), &decided, &resolved.warnings)
            }
            OutputFormat::Text => {
                decision_text(resolved.id.as_deref(), &decided, &resolved.warnings)
            }
        })
    }
}

/// The request a recorded source gives: a CloudTrail record or a decoded
/// authorization message (at most one of them).
pub(crate) fn read_recorded_request(
    cloudtrail: Option<&Path>,
    authorization_message: Option<&Path>,
) -> Result<Option<RecordedRequest>, InputError> {
    match (cloudtrail, authorization_message) {
        (Some(path), _) => read_cloudtrail(path).map(Some),
        (None, Some(path)) => read_authorization_message(path).map(Some),
        (None, None) => Ok(None),
    }
}

/// Reads a request file (`{"principal", "action", "resource", "context"…}`).
pub(crate) fn read_request_file(path: &Path) -> Result<RequestSpec, InputError> {
    JsonSource::load(path).and_then(|source| RequestSpec::from_node(&source, &source.root, ""))
}

/// The scenario requests are decided against: a scenario file, or an
/// inventory's projection to a principal and a resource (given, or read
/// from the recorded request). Returns it with the file named in messages.
pub(crate) fn load_scenario(
    scenario: Option<&Path>,
    inventory: Option<&Path>,
    principal: Option<&str>,
    resource: Option<&str>,
    recorded: Option<&RecordedRequest>,
    stack: &super::StackArguments,
) -> Result<(Scenario, PathBuf), String> {
    match (inventory, scenario) {
        (Some(source), _) => {
            let recorded_spec = recorded.map(|recorded| &recorded.spec);
            let principal = principal
                .map(str::to_string)
                .or_else(|| recorded_spec.and_then(|spec| spec.principal.clone()));
            let resource = resource
                .map(str::to_string)
                .or_else(|| recorded_spec.and_then(|spec| spec.resource.clone()));
            let (Some(principal), Some(resource)) = (principal, resource) else {
                return Err(
                    "--inventory needs --principal and --resource (or a recorded request that gives them)"
                        .to_string(),
                );
            };
            let inventory = crate::ingest::read_inventory(source, &stack.facts()?)
                .map_err(|error| error.to_string())?;
            let mut scenario = inventory
                .scenario(&principal, &resource)
                .map_err(|error| error.to_string())?;
            if let Some(role_arn) = recorded.and_then(|recorded| recorded.role_arn.clone()) {
                scenario.role_arn.get_or_insert(role_arn);
            }
            Ok((scenario, source.to_path_buf()))
        }
        (None, Some(path)) => {
            let mut scenario = Scenario::load(path).map_err(|error| error.to_string())?;
            if let Some(role_arn) = recorded.and_then(|recorded| recorded.role_arn.clone()) {
                scenario.role_arn.get_or_insert(role_arn);
            }
            Ok((scenario, path.to_path_buf()))
        }
        (None, None) => Err("give a scenario file or --inventory FOLDER".to_string()),
    }
}

/// Reports what a recorded request left unknown and its warnings, on
/// standard error.
pub(crate) fn report_recorded(recorded: &RecordedRequest) {
    for note in &recorded.notes {
        eprintln!("note: {note}");
    }
    for warning in &recorded.warnings {
        eprintln!("warning: {warning}");
    }
    for unknown in &recorded.unknown {
        eprintln!("unknown: {unknown}");
    }
}

pub fn run(arguments: &EvalArguments, out: &mut dyn Write) -> u8 {
    let recorded = match read_recorded_request(
        arguments.cloudtrail.as_deref(),
        arguments.authorization_message.as_deref(),
    ) {
        Ok(recorded) => recorded,
        Err(error) => return bad_input(&error),
    };
    let (subject, file) = match (&arguments.policy, &arguments.inventory, &arguments.scenario) {
        _ if arguments.organization.is_some() => {
            let path = arguments.organization.clone().unwrap_or_default();
            match super::gate::load_organization(&path) {
                Ok(organization) => (
                    Subject::Scenario(Box::new(Scenario::organization_frame(
                        &path.display().to_string(),
                        organization,
                        arguments.chain.chains(),
                    ))),
                    path,
                ),
                Err(message) => return bad_input(&message),
            }
        }
        (Some(path), None, _) => match load_policy(path, arguments.policy_type) {
            Ok(policy) => (
                Subject::Policy(Box::new((
                    policy,
                    Scenario::empty(&path.display().to_string()),
                ))),
                path.clone(),
            ),
            Err(error) => return bad_input(&error),
        },
        _ => match load_scenario(
            arguments.scenario.as_deref(),
            arguments.inventory.as_deref(),
            arguments.principal.as_deref(),
            arguments.resource.as_deref(),
            recorded.as_ref(),
            &arguments.stack,
        ) {
            Ok((scenario, file)) => (Subject::Scenario(Box::new(scenario)), file),
            Err(message) => {
                return bad_input(
                    &if arguments.inventory.is_none() && arguments.scenario.is_none() {
                        "give a scenario file, --policy FILE or --inventory FOLDER".to_string()
                    } else {
                        message
                    },
                )
            }
        },
    };
    if let Some(recorded) = &recorded {
        report_recorded(recorded);
    }
    let decider = Decider::new(&subject, arguments.policy_type);
    for warning in &decider.scenario.warnings {
        eprintln!("warning: {warning}");
    }
    let now = arguments.now.unwrap_or_else(now_epoch_seconds);
    match &arguments.requests {
        Some(path) => run_lines(&decider, path, arguments.format, now, out),
        None => {
            let overrides = match (&arguments.request, &recorded) {
                (Some(path), _) => match read_request_file(path) {
                    Ok(spec) => spec,
                    Err(error) => return bad_input(&error),
                },
                (None, Some(recorded)) => recorded.spec.clone(),
                (None, None) => RequestSpec::default(),
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

/// Lines read, decided and written together. A batch keeps memory flat
/// however long the file is, and is large enough to share among threads.
const BATCH_LINES: usize = 2048;

/// Batches smaller than this are decided on the calling thread: starting
/// the thread pool costs more than a few decisions.
const PARALLEL_FROM_LINES: usize = 256;

/// One input line, as read: its text, or why it cannot be read.
enum InputLine {
    Text(String),
    /// Longer than the limit; the rest of the line was skipped.
    TooLong(u64),
    NotUtf8,
}

/// Reads one line (without its `\n` or `\r\n`), keeping at most
/// `limit` bytes of it; `None` at the end of the input.
fn read_bounded_line(
    reader: &mut impl BufRead,
    buffer: &mut Vec<u8>,
    limit: usize,
) -> std::io::Result<Option<InputLine>> {
    buffer.clear();
    let mut length: u64 = 0;
    let mut read_any = false;
    loop {
        let available = reader.fill_buf()?;
        if available.is_empty() {
            break;
        }
        read_any = true;
        let (chunk, ends_line) = match available.iter().position(|&byte| byte == b'\n') {
            Some(end) => (&available[..end], true),
            None => (available, false),
        };
        length += chunk.len() as u64;
        if length <= limit as u64 {
            buffer.extend_from_slice(chunk);
        }
        let consumed = chunk.len() + usize::from(ends_line);
        reader.consume(consumed);
        if ends_line {
            break;
        }
    }
    if !read_any {
        return Ok(None);
    }
    if length > limit as u64 {
        return Ok(Some(InputLine::TooLong(length)));
    }
    if buffer.last() == Some(&b'\r') {
        buffer.pop();
    }
    Ok(Some(match String::from_utf8(std::mem::take(buffer)) {
        Ok(text) => InputLine::Text(text),
        Err(_) => InputLine::NotUtf8,
    }))
}

/// The lines of one batch: their numbers and what was read.
type Batch = Vec<(usize, InputLine)>;

/// Reads up to [`BATCH_LINES`] non-blank lines, counting lines from
/// `line_number`.
fn read_batch(
    reader: &mut impl BufRead,
    buffer: &mut Vec<u8>,
    line_number: &mut usize,
) -> std::io::Result<Batch> {
    let mut batch = Vec::with_capacity(BATCH_LINES);
    while batch.len() < BATCH_LINES {
        match read_bounded_line(reader, buffer, MAX_INPUT_BYTES)? {
            Some(line) => {
                *line_number += 1;
                if !matches!(&line, InputLine::Text(text) if text.trim().is_empty()) {
                    batch.push((*line_number, line));
                }
            }
            None => break,
        }
    }
    Ok(batch)
}

/// One decision per input line, streamed: lines are read in batches, each
/// batch decided in parallel while the next one is read, and written in
/// input order. A bad line is reported in place (and makes the exit code
/// 2) without stopping the others. The input limit applies to each line,
/// not to the file; memory holds two batches, however long the file.
fn run_lines(
    decider: &Decider<'_>,
    path: &Path,
    format: OutputFormat,
    now: i64,
    out: &mut dyn Write,
) -> u8 {
    let file = path.display().to_string();
    let mut reader = match std::fs::File::open(path) {
        Ok(opened) => std::io::BufReader::with_capacity(1 << 16, opened),
        Err(error) => {
            return bad_input(&InputError::Unreadable {
                file,
                reason: error.to_string(),
            })
        }
    };
    let directory = path.parent().unwrap_or(Path::new("."));
    let decide_line = |(number, line): &(usize, InputLine)| -> Result<String, String> {
        match line {
            InputLine::Text(text) => match RequestSpec::from_plain_line(text) {
                Some(spec) => Ok(spec),
                None => JsonSource::from_text(text, &format!("{file}:{number}"), directory)
                    .and_then(|source| RequestSpec::from_node(&source, &source.root, ""))
                    .map_err(|error| error.to_string()),
            }
            .and_then(|spec| decider.decide(&spec, now, format)),
            InputLine::TooLong(length) => Err(format!(
                "{file}:{number}: the line is {length} bytes, over the {MAX_INPUT_BYTES}-byte limit of one request"
            )),
            InputLine::NotUtf8 => Err(format!("{file}:{number}: the line is not UTF-8")),
        }
    };
    let decide_batch = |batch: &Batch| -> Vec<Result<String, String>> {
        if batch.len() >= PARALLEL_FROM_LINES {
            batch.par_iter().map(decide_line).collect()
        } else {
            batch.iter().map(decide_line).collect()
        }
    };
    let unreadable = |error: std::io::Error| {
        bad_input(&InputError::Unreadable {
            file: file.clone(),
            reason: error.to_string(),
        })
    };
    let mut writer = std::io::BufWriter::with_capacity(1 << 16, out);
    let mut code = exit::HOLDS;
    let mut buffer = Vec::new();
    let mut line_number = 0usize;
    let mut batch = match read_batch(&mut reader, &mut buffer, &mut line_number) {
        Ok(batch) => batch,
        Err(error) => return unreadable(error),
    };
    while !batch.is_empty() {
        // The next batch is read while this one is decided.
        let (next, decided) = if batch.len() >= PARALLEL_FROM_LINES {
            rayon::join(
                || read_batch(&mut reader, &mut buffer, &mut line_number),
                || decide_batch(&batch),
            )
        } else {
            let decided = decide_batch(&batch);
            (
                read_batch(&mut reader, &mut buffer, &mut line_number),
                decided,
            )
        };
        for ((number, _), result) in batch.iter().zip(decided) {
            let written = match result {
                Ok(rendered) => writeln!(writer, "{}", rendered.trim_end()),
                Err(message) => {
                    code = exit::BAD_INPUT;
                    match format {
                        OutputFormat::Json => writeln!(
                            writer,
                            "{}",
                            serde_json::json!({"line": number, "error": message})
                        ),
                        OutputFormat::Text => writeln!(writer, "line {number}: error: {message}"),
                    }
                }
            };
            if written.is_err() {
                // The reader of the output went away (a closed pipe): stop.
                return code;
            }
        }
        batch = match next {
            Ok(next) => next,
            Err(error) => {
                let _ = writer.flush();
                return unreadable(error);
            }
        };
    }
    let _ = writer.flush();
    code
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scenario_path() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/cross-account-bucket/scenario.json")
    }

    fn run_on_lines(lines: &str) -> (u8, Vec<serde_json::Value>) {
        let directory = tempfile::tempdir().unwrap();
        let requests = directory.path().join("requests.jsonl");
        std::fs::write(&requests, lines).unwrap();
        let arguments = EvalArguments {
            inventory: None,
            organization: None,
            chain: Default::default(),
            principal: None,
            resource: None,
            scenario: Some(scenario_path()),
            policy: None,
            policy_type: PolicyKind::Identity,
            request: None,
            cloudtrail: None,
            authorization_message: None,
            requests: Some(requests),
            format: OutputFormat::Json,
            now: Some(1_790_000_000),
            stack: Default::default(),
        };
        let mut out = Vec::new();
        let code = run(&arguments, &mut out);
        let decisions = String::from_utf8(out)
            .unwrap()
            .lines()
            .map(|line| serde_json::from_str(line).unwrap())
            .collect();
        (code, decisions)
    }

    #[test]
    fn streams_decisions_in_input_order_with_bad_lines_in_place() {
        // More lines than a batch, so that batches are decided in parallel.
        let mut lines = String::new();
        for index in 0..(BATCH_LINES + 300) {
            match index % 500 {
                7 => lines.push_str("{\"id\": \"broken\"\n"),
                11 => lines.push('\n'),
                _ => lines.push_str(&format!(
                    "{{\"id\": \"r{index}\", \"action\": \"{}\"}}\r\n",
                    if index % 2 == 0 {
                        "s3:GetObject"
                    } else {
                        "s3:DeleteObject"
                    }
                )),
            }
        }
        let (code, decisions) = run_on_lines(&lines);
        assert_eq!(code, exit::BAD_INPUT, "a bad line makes the exit code 2");
        let blank_lines = (0..(BATCH_LINES + 300)).filter(|i| i % 500 == 11).count();
        assert_eq!(decisions.len(), BATCH_LINES + 300 - blank_lines);
        let mut expected_index = 0;
        for decision in &decisions {
            while expected_index % 500 == 11 {
                expected_index += 1;
            }
            if expected_index % 500 == 7 {
                assert_eq!(decision["line"], expected_index + 1, "{decision}");
            } else {
                assert_eq!(decision["id"], format!("r{expected_index}"), "{decision}");
                let expected = if expected_index % 2 == 0 {
                    "Allow"
                } else {
                    "ImplicitDeny"
                };
                assert_eq!(decision["decision"], expected, "{decision}");
            }
            expected_index += 1;
        }
    }

    #[test]
    fn the_input_limit_belongs_to_one_line_not_to_the_file() {
        // A file over the limit, and one line over it: that line is
        // reported in place, the others are decided.
        let mut lines = String::with_capacity(MAX_INPUT_BYTES + 1024);
        lines.push_str("{\"id\": \"before\"}\n");
        lines.push_str("{\"id\": \"");
        lines.push_str(&"x".repeat(MAX_INPUT_BYTES));
        lines.push_str("\"}\n");
        lines.push_str("{\"id\": \"after\"}\n");
        let (code, decisions) = run_on_lines(&lines);
        assert_eq!(code, exit::BAD_INPUT);
        assert_eq!(decisions.len(), 3);
        assert_eq!(decisions[0]["id"], "before");
        assert_eq!(decisions[1]["line"], 2);
        assert!(decisions[1]["error"]
            .as_str()
            .unwrap()
            .contains("over the 16777216-byte limit"));
        assert_eq!(decisions[2]["id"], "after");
    }

    #[test]
    fn an_inventory_projection_decides_requests_as_a_scenario_does() {
        let directory = tempfile::tempdir().unwrap();
        let requests = directory.path().join("requests.jsonl");
        std::fs::write(
            &requests,
            concat!(
                r#"{"id": "read", "action": "s3:GetObject", "context": {"aws:RequestedRegion": "eu-west-1"}}"#,
                "\n",
                r#"{"id": "http", "action": "s3:GetObject", "context": {"aws:RequestedRegion": "eu-west-1", "aws:SecureTransport": "false"}}"#,
                "\n",
            ),
        )
        .unwrap();
        let arguments = EvalArguments {
            inventory: Some(Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/collected-org")),
            organization: None,
            chain: Default::default(),
            principal: Some("arn:aws:sts::111111111111:assumed-role/Analyst/alice".into()),
            resource: Some("arn:aws:s3:::reports-prod/2026/q3.csv".into()),
            scenario: None,
            policy: None,
            policy_type: PolicyKind::Identity,
            request: None,
            cloudtrail: None,
            authorization_message: None,
            requests: Some(requests),
            format: OutputFormat::Json,
            now: Some(1_790_000_000),
            stack: Default::default(),
        };
        let mut out = Vec::new();
        assert_eq!(run(&arguments, &mut out), exit::HOLDS);
        let decisions: Vec<serde_json::Value> = String::from_utf8(out)
            .unwrap()
            .lines()
            .map(|line| serde_json::from_str(line).unwrap())
            .collect();
        assert_eq!(decisions[0]["decision"], "Allow", "{:?}", decisions[0]);
        assert_eq!(decisions[1]["decision"], "ExplicitDeny");
        assert_eq!(
            decisions[1]["explanation"]["deciding_statements"][0]["layer"],
            "rcp:prod"
        );
    }

    #[test]
    fn a_line_that_is_not_utf8_is_reported_in_place() {
        let directory = tempfile::tempdir().unwrap();
        let requests = directory.path().join("requests.jsonl");
        std::fs::write(&requests, b"{\"id\": \"\xff\"}\n{\"id\": \"fine\"}\n").unwrap();
        let mut reader = std::io::BufReader::new(std::fs::File::open(&requests).unwrap());
        let mut buffer = Vec::new();
        assert!(matches!(
            read_bounded_line(&mut reader, &mut buffer, 100).unwrap(),
            Some(InputLine::NotUtf8)
        ));
        assert!(matches!(
            read_bounded_line(&mut reader, &mut buffer, 100).unwrap(),
            Some(InputLine::Text(text)) if text == "{\"id\": \"fine\"}"
        ));
        assert!(read_bounded_line(&mut reader, &mut buffer, 100)
            .unwrap()
            .is_none());
    }
}
