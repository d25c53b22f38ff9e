//! `iamz gate OLD NEW`: does a change to the organization's SCPs or RCPs
//! widen access in any member account? Each side is an organization file
//! or a collected folder; with `--plan PLAN.json`, the sides are a
//! Terraform plan's before and after (what was assumed is in the notes,
//! and accounts under a policy known only after apply are inconclusive). Exit 0 when nothing widens (narrowing is
//! reported and passes), 1 on a widening not allowed by
//! `--allow-widening`, 2 on bad input, 3 when some account is
//! inconclusive.

use super::{bad_input, exit};
use crate::gate::{gate, GateOptions, GateVerdict, Shard};
use crate::ingest::terraform::{read_plan, PlanSide, UnknownEffect, UnknownValue};
use crate::org::Organization;
use crate::query::QueryOptions;
use crate::report::gate::{gate_json, gate_markdown, gate_sarif, gate_text};
use clap::ValueEnum;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Output formats of `iamz gate`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum GateFormat {
    #[default]
    Text,
    Json,
    /// A pull-request comment.
    Markdown,
    /// SARIF 2.1.0: one result per widening, at a changed statement.
    Sarif,
}

#[derive(Debug, clap::Args)]
pub struct GateArguments {
    /// The organization before the change: an organization file
    /// (docs/formats.md) or a folder of collected AWS CLI output.
    #[arg(required_unless_present = "plan", conflicts_with = "plan")]
    pub old: Option<PathBuf>,
    /// The organization after the change.
    #[arg(required_unless_present = "plan", conflicts_with = "plan")]
    pub new: Option<PathBuf>,
    /// A Terraform plan (`terraform show -json PLAN`): its before and
    /// after are the two sides.
    #[arg(long, value_name = "PLAN.json")]
    pub plan: Option<PathBuf>,
    #[arg(long, value_enum, default_value_t)]
    pub format: GateFormat,
    /// An account id, OU or root (id or name) whose widening is intended:
    /// reported, but it does not fail the gate. Repeatable.
    #[arg(long = "allow-widening", value_name = "ACCOUNT|OU")]
    pub allow_widening: Vec<String>,
    /// Decide only the K-th of N shards of the accounts (1-based), for a
    /// CI matrix; `iamz merge` joins the JSON reports.
    #[arg(long, value_name = "K/N")]
    pub shard: Option<String>,
    /// Solver timeout per check, in milliseconds.
    #[arg(long, default_value_t = 10_000)]
    pub timeout_ms: u32,
}

/// Reads one side: an organization file, or the organization of a
/// collected folder. Warnings go to standard error.
pub fn load_organization(path: &Path) -> Result<Organization, String> {
    if path.is_dir() {
        let inventory = crate::ingest::read_inventory(path, &Default::default())
            .map_err(|error| error.to_string())?;
        return inventory.organization.ok_or_else(|| {
            format!(
                "{}: the collected folder has no organization (organizations/ is missing)",
                path.display()
            )
        });
    }
    let mut warnings = Vec::new();
    let organization =
        Organization::load(path, &mut warnings).map_err(|error| error.to_string())?;
    for warning in &warnings {
        eprintln!("warning: {warning}");
    }
    Ok(organization)
}

/// The two organizations to compare, and what the reader of a plan says
/// of them.
struct GateSides {
    old: Organization,
    new: Organization,
    old_file: String,
    new_file: String,
    notes: Vec<String>,
    /// Values of the organization known only after apply.
    unknown: Vec<UnknownValue>,
}

/// The before and after organizations of a plan. A side without any
/// organization (a plan that creates or destroys the whole organization)
/// is an error: there is nothing to compare it with.
fn load_plan(path: &Path) -> Result<GateSides, String> {
    let plan = read_plan(path).map_err(|error| error.to_string())?;
    for warning in plan.before.warnings.iter().chain(&plan.after.warnings) {
        eprintln!("warning: {warning}");
    }
    let file = path.display().to_string();
    let organization = |side: PlanSide| {
        plan.side(side).organization.clone().ok_or_else(|| {
            format!("{file}: the plan's {} side has no AWS Organizations resource, so there is no organization to gate", side.name())
        })
    };
    let old = organization(PlanSide::Before)?;
    let new = organization(PlanSide::After)?;
    Ok(GateSides {
        old,
        new,
        old_file: format!("{file} (before)"),
        new_file: format!("{file} (after)"),
        notes: plan.notes,
        unknown: plan
            .unknown_values
            .into_iter()
            .filter(|value| value.effect != UnknownEffect::Inventory)
            .collect(),
    })
}

pub fn run(arguments: &GateArguments, out: &mut dyn Write) -> u8 {
    let shard = match &arguments.shard {
        Some(text) => match Shard::parse(text) {
            Some(shard) => Some(shard),
            None => return bad_input(&format!("--shard {text}: expected K/N with 1 ≤ K ≤ N")),
        },
        None => None,
    };
    let sides = match &arguments.plan {
        Some(plan) => load_plan(plan),
        None => match (&arguments.old, &arguments.new) {
            (Some(old), Some(new)) => load_organization(old).and_then(|old_side| {
                Ok(GateSides {
                    old: old_side,
                    new: load_organization(new)?,
                    old_file: old.display().to_string(),
                    new_file: new.display().to_string(),
                    notes: Vec::new(),
                    unknown: Vec::new(),
                })
            }),
            _ => Err("OLD and NEW, or --plan PLAN.json, are needed".to_string()),
        },
    };
    let sides = match sides {
        Ok(sides) => sides,
        Err(message) => return bad_input(&message),
    };
    let options = GateOptions {
        query: QueryOptions {
            timeout_milliseconds: arguments.timeout_ms,
            ..QueryOptions::default()
        },
        allow_widening: arguments.allow_widening.clone(),
        shard,
        class_limit: 0,
    };
    let mut report = match gate(
        &sides.old,
        &sides.new,
        &sides.old_file,
        &sides.new_file,
        &options,
    ) {
        Ok(report) => report,
        Err(error) => {
            eprintln!("error: {error}");
            return exit::INCONCLUSIVE;
        }
    };
    report.notes.extend(sides.notes);
    for value in &sides.unknown {
        let nodes = match &value.effect {
            UnknownEffect::OrganizationNodes(nodes) => Some(nodes.as_slice()),
            _ => None,
        };
        report.mark_inconclusive(
            nodes,
            format!(
                "inconclusive where it applies ({} side): {}",
                value.side.name(),
                value.warning
            ),
        );
    }
    let rendered = match arguments.format {
        GateFormat::Text => gate_text(&report),
        GateFormat::Json => serde_json::to_string_pretty(&gate_json(&report)).unwrap_or_default(),
        GateFormat::Markdown => gate_markdown(&report),
        GateFormat::Sarif => serde_json::to_string_pretty(&gate_sarif(&report)).unwrap_or_default(),
    };
    let _ = writeln!(out, "{}", rendered.trim_end());
    if report.verdict == GateVerdict::Inconclusive {
        exit::INCONCLUSIVE
    } else if report.has_unallowed_widening() {
        exit::VIOLATED
    } else {
        exit::HOLDS
    }
}
