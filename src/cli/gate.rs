//! `iamz gate OLD NEW`: does a change to the organization's SCPs or RCPs
//! widen access in any member account? Each side is an organization file
//! or a collected folder. Exit 0 when nothing widens (narrowing is
//! reported and passes), 1 on a widening not allowed by
//! `--allow-widening`, 2 on bad input, 3 when some account is
//! inconclusive.

use super::{bad_input, exit};
use crate::gate::{gate, GateOptions, GateVerdict, Shard};
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
    pub old: PathBuf,
    /// The organization after the change.
    pub new: PathBuf,
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
        let inventory = crate::ingest::read_inventory(path).map_err(|error| error.to_string())?;
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

pub fn run(arguments: &GateArguments, out: &mut dyn Write) -> u8 {
    let shard = match &arguments.shard {
        Some(text) => match Shard::parse(text) {
            Some(shard) => Some(shard),
            None => return bad_input(&format!("--shard {text}: expected K/N with 1 ≤ K ≤ N")),
        },
        None => None,
    };
    let old = match load_organization(&arguments.old) {
        Ok(organization) => organization,
        Err(message) => return bad_input(&message),
    };
    let new = match load_organization(&arguments.new) {
        Ok(organization) => organization,
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
    let report = match gate(
        &old,
        &new,
        &arguments.old.display().to_string(),
        &arguments.new.display().to_string(),
        &options,
    ) {
        Ok(report) => report,
        Err(error) => {
            eprintln!("error: {error}");
            return exit::INCONCLUSIVE;
        }
    };
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
