//! `iamz equiv A B` and `iamz diff OLD NEW`: compare two policies (judged
//! alone as `--policy-type`) or two scenarios (whole policy sets), with a
//! proof or replayed counterexamples.

use super::{bad_input, exit, OutputFormat};
use crate::policy::json::JsonValue;
use crate::policy::{parse_policy, PolicyDocument, PolicyKind};
use crate::query::{
    compare, compare_policies, comparison_smt2, single_policy_setup, Comparison, Fact, FactsRule,
    QueryError, QueryOptions, RequestConstraints, Setup, Verdict,
};
use crate::report::comparison::{comparison_json, comparison_text};
use crate::request::RequestPrincipal;
use crate::scenario::Scenario;
use crate::source::{read_text, InputError, JsonSource};
use std::io::Write;
use std::path::{Path, PathBuf};

#[derive(Debug, clap::Args)]
pub struct CompareArguments {
    /// The old policy or scenario.
    pub old: PathBuf,
    /// The new policy or scenario.
    pub new: PathBuf,
    /// How two single policies are judged (ignored for scenarios).
    #[arg(long, default_value = "identity")]
    pub policy_type: PolicyKind,
    /// Only requests by principals of this account.
    #[arg(long)]
    pub principal_account: Option<String>,
    /// Only requests whose action matches this pattern (`s3:*`).
    #[arg(long)]
    pub action: Option<String>,
    /// Only requests whose resource matches this pattern.
    #[arg(long)]
    pub resource: Option<String>,
    /// Only requests for resources of this account.
    #[arg(long)]
    pub resource_account: Option<String>,
    #[arg(long, value_enum, default_value_t)]
    pub format: OutputFormat,
    /// Solver time limit per check, in seconds; past it the verdict is
    /// inconclusive (exit 3).
    #[arg(long, default_value_t = 10.0)]
    pub timeout: f64,
    /// Write the exact solver query (SMT-LIB 2) to this file.
    #[arg(long)]
    pub emit_smt2: Option<PathBuf>,
}

/// One side of a comparison.
enum Side {
    Policy(PolicyDocument),
    Scenario(Box<Scenario>),
}

fn load_side(path: &Path, kind: PolicyKind) -> Result<Side, InputError> {
    let source = JsonSource::load(path)?;
    let is_policy = matches!(&source.root.value, JsonValue::Object(members) if members.iter().any(|(key, _)| key.text == "Statement"));
    if is_policy {
        let text = read_text(path)?;
        let parsed = parse_policy(&text, &path.display().to_string(), Some(kind))?;
        for warning in &parsed.warnings {
            eprintln!("warning: {warning}");
        }
        let mut document = parsed.document;
        document.name = path.file_name().map_or_else(
            || path.display().to_string(),
            |name| name.to_string_lossy().to_string(),
        );
        Ok(Side::Policy(document))
    } else {
        let scenario = Scenario::from_source(&source)?;
        for warning in &scenario.warnings {
            eprintln!("warning: {warning}");
        }
        Ok(Side::Scenario(Box::new(scenario)))
    }
}

/// The setup of a scenario, and the constraints its own request implies.
fn scenario_setup(scenario: &Scenario) -> (Setup<'_>, RequestConstraints) {
    let principal = scenario
        .principal
        .as_deref()
        .and_then(|text| RequestPrincipal::parse(text).ok());
    let principal_account = principal
        .as_ref()
        .and_then(|principal| principal.account.clone());
    let resource_account = scenario.request.resource_account.clone().or_else(|| {
        scenario
            .request
            .resource
            .as_deref()
            .and_then(crate::policy::pattern::split_arn)
            .map(|components| components[4].to_string())
            .filter(|account| account.len() == 12)
    });
    let layers = scenario.layers(principal_account.as_deref(), resource_account.as_deref());
    let member = |account: &Option<String>| match (&scenario.organization, account) {
        (Some(organization), Some(account)) => organization.is_member_account(account),
        _ => false,
    };
    let service_linked = scenario.service_linked_role.unwrap_or_else(|| {
        principal
            .as_ref()
            .is_some_and(|principal| principal.is_service_linked_role)
    });
    let facts = FactsRule {
        service_control_policies_apply: if member(&principal_account) && !service_linked {
            Fact::Derived
        } else {
            Fact::Fixed(false)
        },
        resource_control_policies_apply: if member(&resource_account) && !service_linked {
            Fact::Derived
        } else {
            Fact::Fixed(false)
        },
        resource_policy_required: scenario.resource_kind.resource_policy_required(),
        principal_has_boundary: scenario.permissions_boundary.is_some(),
        ..FactsRule::default()
    };
    let constraints = RequestConstraints {
        principal_account,
        principal_kinds: principal.as_ref().map(|principal| vec![principal.kind]),
        action: scenario.request.action.clone(),
        resource: scenario.request.resource.clone(),
        resource_account,
    };
    (Setup::new(layers, facts), constraints)
}

/// Command-line constraints laid over the scenario's own.
fn merged(base: RequestConstraints, arguments: &CompareArguments) -> RequestConstraints {
    RequestConstraints {
        principal_account: arguments
            .principal_account
            .clone()
            .or(base.principal_account),
        principal_kinds: base.principal_kinds,
        action: arguments.action.clone().or(base.action),
        resource: arguments.resource.clone().or(base.resource),
        resource_account: arguments.resource_account.clone().or(base.resource_account),
    }
}

/// Runs the comparison; `None` after reporting bad input.
fn run_comparison(arguments: &CompareArguments) -> Result<Comparison, u8> {
    let old =
        load_side(&arguments.old, arguments.policy_type).map_err(|error| bad_input(&error))?;
    let new =
        load_side(&arguments.new, arguments.policy_type).map_err(|error| bad_input(&error))?;
    if !(arguments.timeout > 0.0 && arguments.timeout <= 86_400.0) {
        return Err(bad_input(&"--timeout must be between 0 and 86400 seconds"));
    }
    let options = QueryOptions {
        timeout_milliseconds: (arguments.timeout * 1000.0).round() as u32,
        ..QueryOptions::default()
    };
    let query_failed = |error: QueryError| match error {
        QueryError::BadConstraint(_) => bad_input(&error),
        other => {
            eprintln!("error: {other}");
            exit::INCONCLUSIVE
        }
    };
    let emit = |old_setup: &Setup<'_>,
                new_setup: &Setup<'_>,
                constraints: &RequestConstraints|
     -> Result<(), u8> {
        if let Some(path) = &arguments.emit_smt2 {
            let text = comparison_smt2(old_setup, new_setup, constraints).map_err(query_failed)?;
            std::fs::write(path, text).map_err(|error| {
                bad_input(&format!("{}: cannot write: {error}", path.display()))
            })?;
        }
        Ok(())
    };
    match (&old, &new) {
        (Side::Policy(old), Side::Policy(new)) => {
            let constraints = merged(RequestConstraints::default(), arguments);
            if arguments.emit_smt2.is_some() {
                let (old_setup, principals) = single_policy_setup(old, arguments.policy_type);
                let (new_setup, _) = single_policy_setup(new, arguments.policy_type);
                let mut emitted = constraints.clone();
                emitted.principal_kinds = emitted.principal_kinds.or(principals);
                emit(&old_setup, &new_setup, &emitted)?;
            }
            compare_policies(old, new, arguments.policy_type, &constraints, &options)
                .map_err(query_failed)
        }
        (Side::Scenario(old), Side::Scenario(new)) => {
            let (old_setup, old_constraints) = scenario_setup(old);
            let (new_setup, _) = scenario_setup(new);
            let constraints = merged(old_constraints, arguments);
            emit(&old_setup, &new_setup, &constraints)?;
            compare(&old_setup, &new_setup, &constraints, &options).map_err(query_failed)
        }
        _ => Err(bad_input(
            &"compare two policies or two scenarios, not one of each",
        )),
    }
}

/// `equiv`: exit 0 when equivalent, 1 when not (counterexamples shown), 3
/// when inconclusive. `diff` uses the same codes, with the verdict naming
/// the direction.
pub fn run(arguments: &CompareArguments, out: &mut dyn Write) -> u8 {
    let comparison = match run_comparison(arguments) {
        Ok(comparison) => comparison,
        Err(code) => return code,
    };
    let rendered = match arguments.format {
        OutputFormat::Json => comparison_json(&comparison).to_string(),
        OutputFormat::Text => comparison_text(&comparison),
    };
    let _ = writeln!(out, "{}", rendered.trim_end());
    match comparison.verdict {
        Verdict::Equivalent => exit::HOLDS,
        Verdict::Inconclusive { .. } => exit::INCONCLUSIVE,
        _ => exit::VIOLATED,
    }
}
