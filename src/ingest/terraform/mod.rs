//! A Terraform plan, as `terraform show -json PLAN` prints it, read into
//! two inventories: the state before apply (`change.before` of every
//! resource change) and the planned state after (`change.after`).
//!
//! - `plan.rs`: the plan's JSON shape, known/unknown values, and the
//!   configuration's references (for ids known only after apply);
//! - `organizations.rs`: the organization tree, its SCPs and RCPs and
//!   their attachments, with the defaults AWS attaches by itself;
//! - `iam.rs`: roles, users, groups, their inline and attached policies,
//!   customer managed policies;
//! - `resources.rs`: resource policies and S3 Block Public Access.
//!
//! Policies arrive as JSON strings (`content`, `policy`,
//! `assume_role_policy`) and are read located inside the string
//! (`embedded_policy.rs`): an error names the file, line:column and the
//! JSON path, `resource_changes[2].change.after.content>Statement[0].Effect`.
//!
//! A value known only after apply stays unknown: it is never guessed. An
//! unknown id becomes the placeholder `(ADDRESS)`; an unknown policy
//! document is left out of the inventory with a located warning, and an
//! [`UnknownValue`] says which side and which part of the organization it
//! leaves undecided, so that the gate treats that part as inconclusive.
//! What the plan does not show (defaults AWS attaches, parents outside the
//! plan) is assumed as AWS does it and said in [`TerraformPlan::notes`].
//! Resource types this reader does not know are listed as warnings.
//!
//! Trusts `located_file.rs` and `embedded_policy.rs` for positions and
//! policies, `inventory/` for the model. Holds no evaluation.

pub mod iam;
pub mod organizations;
pub mod plan;
pub mod resources;

pub use plan::{looks_like_plan, PlanSide};

use super::embedded_policy::PolicyCache;
use super::located_file::LocatedFile;
use super::{IngestError, Problems};
use crate::inventory::{Inventory, InventoryWarning};
use crate::source::InputError;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// The id the plan gives a resource whose id is known only after apply.
pub fn placeholder_id(address: &str) -> String {
    format!("({address})")
}

/// The account of IAM principals and resources whose ARN the plan does
/// not give (the AWS provider's account is not in the plan).
pub const PROVIDER_ACCOUNT: &str = "(provider account)";

/// What part of the answer an unknown value leaves undecided.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum UnknownEffect {
    /// The SCPs or RCPs at these roots, OUs or accounts (ids as the
    /// side's organization has them).
    OrganizationNodes(Vec<String>),
    /// Anywhere in the organization (an attachment whose target is
    /// unknown).
    Organization,
    /// An IAM principal's or a resource's policy.
    Inventory,
}

/// A value the plan knows only after apply, that decides access.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct UnknownValue {
    pub side: PlanSide,
    /// The Terraform address (or JSON path) of what holds it.
    pub address: String,
    pub attribute: String,
    pub effect: UnknownEffect,
    /// Where, and what it means.
    pub warning: InventoryWarning,
}

impl UnknownValue {
    pub fn new(
        side: PlanSide,
        address: &str,
        attribute: &str,
        effect: UnknownEffect,
        warning: InventoryWarning,
    ) -> UnknownValue {
        UnknownValue {
            side,
            address: address.to_string(),
            attribute: attribute.to_string(),
            effect,
            warning,
        }
    }
}

/// What reading one side gathers besides the inventory.
#[derive(Default)]
pub struct SideReport {
    pub warnings: Vec<InventoryWarning>,
    pub problems: Vec<InputError>,
    pub notes: Vec<String>,
    pub unknowns: Vec<UnknownValue>,
}

impl SideReport {
    pub fn note(&mut self, note: String) {
        if !self.notes.contains(&note) {
            self.notes.push(note);
        }
    }

    pub fn unknown(&mut self, value: UnknownValue) {
        self.warnings.push(value.warning.clone());
        self.unknowns.push(value);
    }
}

/// A plan read into its two sides.
#[derive(Debug)]
pub struct TerraformPlan {
    pub before: Inventory,
    pub after: Inventory,
    /// What was assumed where the plan is silent, in reading order, once
    /// each.
    pub notes: Vec<String>,
    /// Values known only after apply that decide access, both sides.
    pub unknown_values: Vec<UnknownValue>,
}

impl TerraformPlan {
    pub fn side(&self, side: PlanSide) -> &Inventory {
        match side {
            PlanSide::Before => &self.before,
            PlanSide::After => &self.after,
        }
    }
}

/// Whether the file at `path` is a plan (`format_version` and
/// `resource_changes` at its top); `false` when it is not JSON.
pub fn is_plan_file(path: &Path) -> bool {
    LocatedFile::read(path).is_ok_and(|file| looks_like_plan(&file.root))
}

/// Reads the plan JSON at `path`.
pub fn read_plan(path: &Path) -> Result<TerraformPlan, IngestError> {
    let file =
        LocatedFile::read(path).map_err(|error| IngestError::Invalid(Problems(vec![error])))?;
    read_plan_file(&file)
}

/// Reads a plan from an open file.
pub fn read_plan_file(file: &LocatedFile) -> Result<TerraformPlan, IngestError> {
    let invalid = |error: InputError| IngestError::Invalid(Problems(vec![error]));
    let plan = plan::Plan::parse(file).map_err(invalid)?;
    let cache = PolicyCache::default();
    let before_targets =
        organizations::full_access_targets(file, &plan, PlanSide::Before).map_err(invalid)?;
    let after_targets =
        organizations::full_access_targets(file, &plan, PlanSide::After).map_err(invalid)?;
    let anywhere: BTreeSet<String> = before_targets.union(&after_targets).cloned().collect();
    let mut problems = Vec::new();
    let mut notes = Vec::new();
    let mut unknown_values = Vec::new();
    let mut sides = Vec::new();
    // Types this reader does not know: one warning per type, at its first
    // change, for both sides.
    let mut unknown_types: BTreeMap<&str, (usize, &plan::ResourceChange<'_>)> = BTreeMap::new();
    for change in &plan.changes {
        if !organizations::ORGANIZATION_TYPES.contains(&change.resource_type)
            && !iam::IAM_TYPES.contains(&change.resource_type)
            && !resources::RESOURCE_TYPES.contains(&change.resource_type)
        {
            unknown_types
                .entry(change.resource_type)
                .or_insert((0, change))
                .0 += 1;
        }
    }
    let mut reports = [SideReport::default(), SideReport::default()];
    let mut collected = Vec::new();
    for (side, report) in PlanSide::BOTH.into_iter().zip(reports.iter_mut()) {
        match organizations::collect(file, &plan, side, &cache, report) {
            Ok(read) => collected.push(Some(read)),
            Err(error) => {
                report.problems.push(error);
                collected.push(None);
            }
        }
    }
    let outside = organizations::outside_nodes(&collected.iter().flatten().collect::<Vec<_>>());
    for ((side, mut report), collected) in PlanSide::BOTH.into_iter().zip(reports).zip(collected) {
        let mut inventory = Inventory::new(&format!("{} ({})", file.file, side.name()));
        let here = match side {
            PlanSide::Before => &before_targets,
            PlanSide::After => &after_targets,
        };
        let built = match collected {
            Some(collected) => organizations::build(
                file,
                side,
                collected,
                &outside,
                &anywhere,
                here,
                &mut report,
            ),
            None => Ok(None),
        };
        match built {
            Ok(Some(read)) => {
                for account in &read.accounts {
                    let entry = inventory.account_mut(&account.id);
                    entry.name = account.name.clone();
                    entry.email = account.email.clone();
                    entry.in_organization = true;
                }
                inventory.organization_policies = read.policies;
                inventory.organization = Some(read.organization);
            }
            Ok(None) => {}
            Err(error) => report.problems.push(error),
        }
        iam::read_side(file, &plan, side, &mut inventory, &cache, &mut report);
        resources::read_side(file, &plan, side, &mut inventory, &cache, &mut report);
        for (resource_type, (count, change)) in &unknown_types {
            report.warnings.push(InventoryWarning::at(
                "unknown-resource-type",
                &file.file,
                change.node.position,
                &change.path,
                format!(
                    "{count} resource change(s) of type {resource_type} (first: {}) are not read: iamz does not know what access this type decides",
                    change.address
                ),
            ));
        }
        if inventory
            .accounts
            .values()
            .any(|account| account.id == PROVIDER_ACCOUNT)
        {
            report.note(format!(
                "IAM principals and resources whose ARN the plan does not give are filed under the placeholder account {PROVIDER_ACCOUNT}"
            ));
        }
        inventory.warnings.append(&mut report.warnings);
        inventory.resolve_attachments();
        for note in report.notes {
            if !notes.contains(&note) {
                notes.push(note);
            }
        }
        unknown_values.append(&mut report.unknowns);
        problems.append(&mut report.problems);
        sides.push(inventory);
    }
    if !problems.is_empty() {
        problems.sort_by_key(crate::ingest::aws_cli::problem_key);
        return Err(IngestError::Invalid(Problems(problems)));
    }
    let after = sides.pop().unwrap_or_else(|| Inventory::new(&file.file));
    let before = sides.pop().unwrap_or_else(|| Inventory::new(&file.file));
    Ok(TerraformPlan {
        before,
        after,
        notes,
        unknown_values,
    })
}

/// The account an ARN names, else the placeholder provider account.
pub(crate) fn account_of_arn(arn: Option<&str>) -> String {
    arn.and_then(|arn| arn.split(':').nth(4))
        .filter(|account| !account.is_empty())
        .map_or_else(|| PROVIDER_ACCOUNT.to_string(), str::to_string)
}

#[cfg(test)]
mod tests;
