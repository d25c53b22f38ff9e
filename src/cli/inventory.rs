//! `iamz inventory SOURCE [--format text|json]`: what was read from a
//! collected folder, or from a Terraform plan (its before and after
//! inventories, and what was assumed where the plan is silent) — counts per kind and per account, and every warning
//! with its location — so that users can see that iamz understood their
//! data. Bad input exits 2 with every problem located.

use super::{bad_input, exit, OutputFormat};
use crate::ingest::read_inventory;
use crate::ingest::terraform::{is_plan_file, read_plan, PlanSide};
use crate::inventory::summary::InventorySummary;
use std::fmt::Write as _;
use std::io::Write;
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub struct InventoryArguments {
    /// A folder of collected AWS CLI output (see `scripts/collect-aws` and
    /// docs/formats.md, "Collected AWS CLI output"), a Terraform plan as
    /// `terraform show -json PLAN` prints it, or a CloudFormation template
    /// (JSON or YAML; see the `--stack-…` options).
    pub source: PathBuf,
    #[arg(long, value_enum, default_value_t)]
    pub format: OutputFormat,
    #[command(flatten)]
    pub stack: super::StackArguments,
}

pub fn run(arguments: &InventoryArguments, out: &mut dyn Write) -> u8 {
    if arguments.source.is_file() && is_plan_file(&arguments.source) {
        return run_plan(arguments, out);
    }
    let facts = match arguments.stack.facts() {
        Ok(facts) => facts,
        Err(error) => return bad_input(&error),
    };
    let inventory = match read_inventory(&arguments.source, &facts) {
        Ok(inventory) => inventory,
        Err(error) => return bad_input(&error),
    };
    let summary = inventory.summary();
    let rendered = match arguments.format {
        OutputFormat::Json => serde_json::to_string_pretty(&summary).unwrap_or_default(),
        OutputFormat::Text => summary_text(&summary),
    };
    let _ = writeln!(out, "{}", rendered.trim_end());
    exit::HOLDS
}

/// A plan: the summaries of both sides, the notes, and the values known
/// only after apply that decide access.
fn run_plan(arguments: &InventoryArguments, out: &mut dyn Write) -> u8 {
    let plan = match read_plan(&arguments.source) {
        Ok(plan) => plan,
        Err(error) => return bad_input(&error),
    };
    let rendered = match arguments.format {
        OutputFormat::Json => serde_json::to_string_pretty(&serde_json::json!({
            "before": plan.before.summary(),
            "after": plan.after.summary(),
            "notes": plan.notes,
            "unknown_values": plan.unknown_values,
        }))
        .unwrap_or_default(),
        OutputFormat::Text => {
            let mut text = String::new();
            for side in PlanSide::BOTH {
                let _ = writeln!(text, "== {} apply ==", side.name());
                text.push_str(&summary_text(&plan.side(side).summary()));
                text.push('\n');
            }
            if !plan.notes.is_empty() {
                let _ = writeln!(text, "assumed where the plan is silent:");
                for note in &plan.notes {
                    let _ = writeln!(text, "  note: {note}");
                }
            }
            if !plan.unknown_values.is_empty() {
                let _ = writeln!(
                    text,
                    "\n{} known only after apply (never guessed):",
                    plural(plan.unknown_values.len(), "value", "values")
                );
                for value in &plan.unknown_values {
                    let _ = writeln!(
                        text,
                        "  {} {}: {}",
                        value.side.name(),
                        value.attribute,
                        value.warning
                    );
                }
            }
            text
        }
    };
    let _ = writeln!(out, "{}", rendered.trim_end());
    exit::HOLDS
}

fn plural(count: usize, one: &str, many: &str) -> String {
    format!("{count} {}", if count == 1 { one } else { many })
}

/// A header of totals, one line per account, then the warnings.
pub fn summary_text(summary: &InventorySummary) -> String {
    let mut text = String::new();
    let totals = &summary.totals;
    let _ = writeln!(text, "inventory of {}", summary.source);
    if let Some(organization) = &summary.organization {
        let _ = writeln!(
            text,
            "organization {} (management account {}): {}, {}, {} SCP(s), {} RCP(s)",
            organization.id,
            organization.management_account,
            plural(organization.organizational_units, "OU", "OUs"),
            plural(organization.accounts, "account", "accounts"),
            organization.service_control_policies,
            organization.resource_control_policies,
        );
    }
    let _ = writeln!(
        text,
        "{}: {}, {}, {} ({} service-linked), {}, {} customer managed, {} AWS managed collected, {} AWS managed from iamz's bundled copy",
        plural(totals.accounts, "account", "accounts"),
        plural(totals.users, "user", "users"),
        plural(totals.groups, "group", "groups"),
        plural(totals.roles, "role", "roles"),
        totals.service_linked_roles,
        plural(totals.inline_policies, "inline policy", "inline policies"),
        totals.customer_managed_policies,
        totals.aws_managed_policies_collected,
        totals.aws_managed_policies_bundled,
    );
    let kinds: Vec<String> = totals
        .resources_by_kind
        .iter()
        .map(|(kind, count)| format!("{kind} {count}"))
        .collect();
    let _ = writeln!(
        text,
        "{} ({} with a resource policy): {}",
        plural(totals.resources, "resource", "resources"),
        totals.resource_policies,
        kinds.join(", ")
    );
    let _ = writeln!(text, "\naccounts:");
    for account in &summary.accounts {
        let mut line = format!("  {}", account.id);
        if let Some(name) = &account.name {
            let _ = write!(line, " {name}");
        }
        if let Some(path) = &account.organization_path {
            let _ = write!(line, " [{path}]");
        }
        if account.iam_collected {
            let _ = write!(
                line,
                ": {}, {}, {}, {} customer managed",
                plural(account.users, "user", "users"),
                plural(account.groups, "group", "groups"),
                plural(account.roles, "role", "roles"),
                account.customer_managed_policies
            );
        } else {
            line.push_str(": IAM not collected");
        }
        let kinds: Vec<String> = account
            .resources_by_kind
            .iter()
            .map(|(kind, count)| format!("{kind} {count}"))
            .collect();
        if !kinds.is_empty() {
            let _ = write!(line, "; {}", kinds.join(", "));
        }
        let _ = writeln!(text, "{line}");
    }
    if summary.warnings.is_empty() {
        let _ = writeln!(text, "\nno warnings");
    } else {
        let _ = writeln!(
            text,
            "\n{}:",
            plural(summary.warnings.len(), "warning", "warnings")
        );
        for warning in &summary.warnings {
            let _ = writeln!(text, "  warning: {warning}");
        }
    }
    text
}
