//! `iamz equiv A B` and `iamz diff OLD NEW`: compare two policies (judged
//! alone as `--policy-type`), two scenarios (whole policy sets), or two
//! inventories (collected folders or CloudFormation templates) projected to
//! one principal and one resource, with a proof or replayed
//! counterexamples.

use super::{bad_input, exit, OutputFormat};
use crate::policy::json::JsonValue;
use crate::policy::{PolicyDocument, PolicyKind};
use crate::query::{
    compare, comparison_smt2, principals_judged, ComparedSide, Comparison, PolicyComparisonMode,
    QueryError, QueryOptions, RequestConstraints, Verdict,
};
use crate::report::comparison::{comparison_json, comparison_text};
use crate::scenario::Scenario;
use crate::source::{InputError, JsonSource};
use std::io::Write;
use std::path::{Path, PathBuf};

#[derive(Debug, clap::Args)]
pub struct CompareArguments {
    /// The old policy, scenario, or inventory (a collected folder or a
    /// CloudFormation template).
    pub old: PathBuf,
    /// The new policy, scenario, or inventory.
    pub new: PathBuf,
    /// Only requests by this principal (as written). With two inventories,
    /// the principal both are projected to (with `--resource`, the
    /// resource's ARN).
    #[arg(long)]
    pub principal: Option<String>,
    #[command(flatten)]
    pub stack: super::StackArguments,
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
    /// Judge two single policies each alone (only what each allows on its
    /// own) instead of in every company of other policies (what each
    /// allows and what each explicitly denies).
    #[arg(long)]
    pub alone: bool,
}

/// One side of a comparison.
enum Side {
    Policy(PolicyDocument),
    Scenario(Box<Scenario>),
    Inventory(Box<crate::inventory::Inventory>),
}

fn load_side(path: &Path, kind: PolicyKind, stack: &super::StackArguments) -> Result<Side, String> {
    if path.is_dir() || crate::ingest::cloudformation::is_template_file(path) {
        let inventory = crate::ingest::read_inventory(path, &stack.facts()?)
            .map_err(|error| error.to_string())?;
        return Ok(Side::Inventory(Box::new(inventory)));
    }
    load_file_side(path, kind).map_err(|error| error.to_string())
}

/// Two inventories as the scenarios of one principal and one resource.
fn project(
    old: &crate::inventory::Inventory,
    new: &crate::inventory::Inventory,
    arguments: &CompareArguments,
) -> Result<(Side, Side), String> {
    let (Some(principal), Some(resource)) = (&arguments.principal, &arguments.resource) else {
        return Err("two inventories are compared for one principal and one resource: give --principal ARN and --resource ARN".to_string());
    };
    if resource.contains(['*', '?']) {
        return Err(format!(
            "--resource {resource}: with inventories, the resource's ARN (no wildcard)"
        ));
    }
    let side = |inventory: &crate::inventory::Inventory| -> Result<Side, String> {
        let scenario = inventory
            .scenario(principal, resource)
            .map_err(|error| error.to_string())?;
        for warning in &scenario.warnings {
            eprintln!("warning: {warning}");
        }
        Ok(Side::Scenario(Box::new(scenario)))
    };
    Ok((side(old)?, side(new)?))
}

fn load_file_side(path: &Path, kind: PolicyKind) -> Result<Side, InputError> {
    let source = JsonSource::load(path)?;
    let is_policy = matches!(&source.root.value, JsonValue::Object(members) if members.iter().any(|(key, _)| key.text == "Statement"));
    if is_policy {
        Ok(Side::Policy(super::load_policy(path, kind)?))
    } else {
        let scenario = Scenario::from_source(&source)?;
        for warning in &scenario.warnings {
            eprintln!("warning: {warning}");
        }
        Ok(Side::Scenario(Box::new(scenario)))
    }
}

/// The constraints given on the command line.
fn flag_constraints(arguments: &CompareArguments) -> RequestConstraints {
    RequestConstraints {
        principal_account: arguments.principal_account.clone(),
        action: arguments.action.clone(),
        resource: arguments.resource.clone(),
        resource_account: arguments.resource_account.clone(),
        // With inventories, the projection's own principal, exactly.
        principal_is: arguments.principal.clone(),
        ..RequestConstraints::default()
    }
}

/// Runs the comparison; `Err` carries the exit code after reporting.
fn run_comparison(arguments: &CompareArguments) -> Result<Comparison, u8> {
    let old = load_side(&arguments.old, arguments.policy_type, &arguments.stack)
        .map_err(|error| bad_input(&error))?;
    let new = load_side(&arguments.new, arguments.policy_type, &arguments.stack)
        .map_err(|error| bad_input(&error))?;
    let (old, new) = match (old, new) {
        (Side::Inventory(old), Side::Inventory(new)) => {
            project(&old, &new, arguments).map_err(|error| bad_input(&error))?
        }
        (Side::Inventory(_), _) | (_, Side::Inventory(_)) => {
            return Err(bad_input(
                &"compare two inventories, two scenarios or two policies, not one of each",
            ))
        }
        sides => sides,
    };
    if !(arguments.timeout > 0.0 && arguments.timeout <= 86_400.0) {
        return Err(bad_input(&"--timeout must be between 0 and 86400 seconds"));
    }
    let options = QueryOptions {
        timeout_milliseconds: (arguments.timeout * 1000.0).round() as u32,
        ..QueryOptions::default()
    };
    let mode = if arguments.alone {
        PolicyComparisonMode::Alone
    } else {
        PolicyComparisonMode::InContext
    };
    let query_failed = |error: QueryError| match error {
        QueryError::BadConstraint(_) => bad_input(&error),
        other => {
            eprintln!("error: {other}");
            exit::INCONCLUSIVE
        }
    };
    let (old_side, new_side, constraints) = match (&old, &new) {
        (Side::Policy(old), Side::Policy(new)) => {
            let mut constraints = flag_constraints(arguments);
            constraints.principal_kinds = principals_judged(arguments.policy_type);
            (
                ComparedSide::policy(old, arguments.policy_type),
                ComparedSide::policy(new, arguments.policy_type),
                constraints,
            )
        }
        (Side::Scenario(old), Side::Scenario(new)) => {
            let constraints =
                RequestConstraints::of_scenario(old).overlaid_with(&flag_constraints(arguments));
            let scope = constraints.scope();
            (
                ComparedSide::Setup(old.setup(&scope)),
                ComparedSide::Setup(new.setup(&scope)),
                constraints,
            )
        }
        _ => {
            return Err(bad_input(
                &"compare two policies or two scenarios, not one of each",
            ))
        }
    };
    if let Some(path) = &arguments.emit_smt2 {
        let text =
            comparison_smt2(&old_side, &new_side, &constraints, mode).map_err(query_failed)?;
        std::fs::write(path, text)
            .map_err(|error| bad_input(&format!("{}: cannot write: {error}", path.display())))?;
    }
    compare(&old_side, &new_side, &constraints, &options, mode).map_err(query_failed)
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
