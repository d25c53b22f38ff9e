//! The command line: argument parsing (clap) and dispatch to the library.
//! Each subcommand lives in its own module and only reads arguments, calls
//! the library and renders; no policy logic lives here.

pub mod actions;
pub mod check;
pub mod compare;
pub mod demo;
pub mod eval;
pub mod explain;
pub mod exposure;
pub mod gate;
pub mod inventory;
pub mod merge;
pub mod validate;

use clap::{Parser, Subcommand, ValueEnum};
use std::io::Write;
use std::process::ExitCode;

/// Exit codes, documented in docs/cli.md.
pub mod exit {
    /// The property holds / the command succeeded.
    pub const HOLDS: u8 = 0;
    /// The property is violated (a counterexample is shown).
    pub const VIOLATED: u8 = 1;
    /// Bad input: unreadable file, invalid JSON or policy, bad arguments.
    pub const BAD_INPUT: u8 = 2;
    /// Inconclusive (solver unknown or timeout) or internal error.
    pub const INCONCLUSIVE: u8 = 3;
}

/// How a CloudFormation template given as an inventory is deployed: what
/// its pseudo parameters and parameters resolve to.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct StackArguments {
    /// With a CloudFormation template: the stack's account
    /// (`AWS::AccountId`); its principals and resources belong to it.
    #[arg(long, value_name = "ID")]
    pub stack_account: Option<String>,
    /// With a CloudFormation template: the stack's Region (`AWS::Region`).
    #[arg(long, value_name = "REGION")]
    pub stack_region: Option<String>,
    /// With a CloudFormation template: the stack's name (`AWS::StackName`;
    /// default: the template file's name without its extension).
    #[arg(long, value_name = "NAME")]
    pub stack_name: Option<String>,
    /// With a CloudFormation template: parameter values, as the AWS CLI's
    /// `[{"ParameterKey": …, "ParameterValue": …}]`, a template
    /// configuration file's `{"Parameters": {…}}`, or `{NAME: VALUE}`.
    #[arg(long, value_name = "FILE")]
    pub stack_parameters: Option<std::path::PathBuf>,
}

impl StackArguments {
    /// The facts the template reader resolves intrinsics from.
    pub fn facts(&self) -> Result<crate::ingest::cloudformation::StackFacts, String> {
        if let Some(account) = &self.stack_account {
            if !crate::policy::parse::is_account_id(account) {
                return Err(format!(
                    "--stack-account {account}: an account id has 12 digits"
                ));
            }
        }
        let parameters = match &self.stack_parameters {
            Some(path) => crate::ingest::cloudformation::StackFacts::read_parameters(path)
                .map_err(|error| error.to_string())?,
            None => Default::default(),
        };
        Ok(crate::ingest::cloudformation::StackFacts {
            account: self.stack_account.clone(),
            region: self.stack_region.clone(),
            stack_name: self.stack_name.clone().unwrap_or_default(),
            parameters,
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum OutputFormat {
    #[default]
    Text,
    Json,
}

/// Output formats of `iamz validate`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum ValidateFormat {
    #[default]
    Text,
    Json,
    /// SARIF 2.1.0, for GitHub code scanning.
    Sarif,
}

#[derive(Debug, Parser)]
#[command(
    name = "iamz",
    version,
    about = "Proves things about AWS access policies with the z3 SMT solver"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Decide concrete requests against a scenario, with explanations.
    Eval(eval::EvalArguments),
    /// Explain a request's decision statement by statement, with the
    /// smallest change that allows a denied one (exit 0 allowed, 1 denied).
    Explain(explain::ExplainArguments),
    /// Run the bundled examples end to end.
    Demo(demo::DemoArguments),
    /// List the catalog actions each Allow statement of a policy covers.
    Actions(actions::ActionsArguments),
    /// Prove two policies (or scenarios) equivalent, or show a request on
    /// which they differ, in each direction.
    Equiv(compare::CompareArguments),
    /// Compare NEW with OLD: equivalent, more-permissive, less-permissive or
    /// incomparable, with a replayed counterexample per direction.
    Diff(compare::CompareArguments),
    /// Check policies against the IAM grammar, the catalog and their policy type.
    Validate(validate::ValidateArguments),
    /// Does a change to the organization's SCPs or RCPs widen access in
    /// any member account? Per account: gained and lost actions, each with
    /// a replayed request.
    Gate(gate::GateArguments),
    /// Who outside the zone of trust can reach this resource? Findings
    /// that cover every such request, each with a replayed request.
    Exposure(exposure::ExposureArguments),
    /// IAM Access Analyzer's policy checks, offline: no-public-access,
    /// access-not-granted.
    Check(check::CheckArguments),
    /// Join the JSON reports of `iamz gate --shard K/N` into one report.
    Merge(merge::MergeArguments),
    /// Read an inventory (a folder of collected AWS CLI output, a Terraform
    /// plan or a CloudFormation template) and show what it holds: counts per
    /// kind and per account, and every warning.
    Inventory(inventory::InventoryArguments),
}

/// Parses the process arguments and runs the command.
pub fn main_entry() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => {
            let _ = error.print();
            return ExitCode::from(if error.use_stderr() {
                exit::BAD_INPUT
            } else {
                exit::HOLDS
            });
        }
    };
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let code = run(cli.command, &mut out);
    let _ = out.flush();
    ExitCode::from(code)
}

/// Writes `value` as pretty JSON and a newline: the JSON answer of a
/// command.
pub(crate) fn write_json(out: &mut dyn Write, value: &serde_json::Value) {
    let _ = writeln!(
        out,
        "{}",
        serde_json::to_string_pretty(value).unwrap_or_default()
    );
}

/// Runs one command, writing its output to `out`; returns the exit code.
pub fn run(command: Command, out: &mut dyn Write) -> u8 {
    match command {
        Command::Eval(arguments) => eval::run(&arguments, out),
        Command::Explain(arguments) => explain::run(&arguments, out),
        Command::Demo(arguments) => demo::run(&arguments, out),
        Command::Actions(arguments) => actions::run(&arguments, out),
        Command::Equiv(arguments) | Command::Diff(arguments) => compare::run(&arguments, out),
        Command::Validate(arguments) => validate::run(&arguments, out),
        Command::Inventory(arguments) => inventory::run(&arguments, out),
        Command::Gate(arguments) => gate::run(&arguments, out),
        Command::Merge(arguments) => merge::run(&arguments, out),
        Command::Check(arguments) => check::run(&arguments, out),
        Command::Exposure(arguments) => exposure::run(&arguments, out),
    }
}

/// Loads a policy file given on the command line as `kind`, printing its
/// warnings on standard error.
pub(crate) fn load_policy(
    path: &std::path::Path,
    kind: crate::policy::PolicyKind,
) -> Result<crate::policy::PolicyDocument, crate::source::InputError> {
    let mut warnings = Vec::new();
    let document = crate::scenario::policy_reference::load_policy_file(path, kind, &mut warnings)?;
    for warning in &warnings {
        eprintln!("warning: {warning}");
    }
    Ok(document)
}

/// Reads `--resource-type` (as `iamz exposure` and `iamz check` take it):
/// the resource's kind and the kind of its policy.
pub(crate) fn resource_type(
    text: &str,
) -> Result<(crate::scenario::ResourceKind, crate::policy::PolicyKind), String> {
    use crate::scenario::ResourceKind;
    let kind = ResourceKind::parse(text).ok_or_else(|| {
        format!(
            "--resource-type {text}: expected one of {}",
            ResourceKind::NAMES.join(", ")
        )
    })?;
    let policy_kind = if kind == ResourceKind::IamRole {
        crate::policy::PolicyKind::Trust
    } else {
        crate::policy::PolicyKind::Resource
    };
    Ok((kind, policy_kind))
}

/// Reports a bad-input error on standard error and returns exit code 2.
pub fn bad_input(error: &dyn std::fmt::Display) -> u8 {
    eprintln!("error: {error}");
    exit::BAD_INPUT
}
