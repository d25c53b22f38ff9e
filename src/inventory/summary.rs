//! What an inventory holds, counted: per kind, per account, and every
//! warning, so that a user can see that iamz understood their data
//! (`iamz inventory`). Counting only; rendering is the CLI's.
//!
//! Trusts the inventory.

use super::{Inventory, InventoryWarning, ResourceType};
use crate::org::OrgNodeKind;
use crate::policy::PolicyKind;
use std::collections::BTreeMap;

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct OrganizationSummary {
    pub id: String,
    pub management_account: String,
    pub organizational_units: usize,
    pub accounts: usize,
    pub service_control_policies: usize,
    pub resource_control_policies: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize)]
pub struct Totals {
    pub accounts: usize,
    pub users: usize,
    pub groups: usize,
    pub roles: usize,
    pub service_linked_roles: usize,
    pub inline_policies: usize,
    pub customer_managed_policies: usize,
    /// AWS managed policies whose documents the collected data carried.
    pub aws_managed_policies_collected: usize,
    /// AWS managed policies attached and resolved from iamz's bundled copy.
    pub aws_managed_policies_bundled: usize,
    pub resources: usize,
    /// Per resource kind (`s3-bucket`, …), every kind listed.
    pub resources_by_kind: BTreeMap<&'static str, usize>,
    pub resource_policies: usize,
    pub warnings: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct AccountSummary {
    pub id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// `Root/Workloads/Prod`: the names (or ids) from the root down to the
    /// account's parent; absent outside the organization.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub organization_path: Option<String>,
    pub iam_collected: bool,
    pub users: usize,
    pub groups: usize,
    pub roles: usize,
    pub customer_managed_policies: usize,
    pub resources: usize,
    /// Only the kinds it has.
    pub resources_by_kind: BTreeMap<&'static str, usize>,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct InventorySummary {
    pub source: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub organization: Option<OrganizationSummary>,
    pub totals: Totals,
    pub accounts: Vec<AccountSummary>,
    pub warnings: Vec<InventoryWarning>,
}

impl Inventory {
    pub fn summary(&self) -> InventorySummary {
        let organization = self
            .organization
            .as_ref()
            .map(|organization| OrganizationSummary {
                id: organization.id.clone(),
                management_account: organization.management_account.clone(),
                organizational_units: organization
                    .nodes()
                    .filter(|node| node.kind == OrgNodeKind::OrganizationalUnit)
                    .count(),
                accounts: organization.accounts().count(),
                service_control_policies: self
                    .organization_policies
                    .values()
                    .filter(|policy| policy.kind == PolicyKind::Scp)
                    .count(),
                resource_control_policies: self
                    .organization_policies
                    .values()
                    .filter(|policy| policy.kind == PolicyKind::Rcp)
                    .count(),
            });
        let mut totals = Totals {
            accounts: self.accounts.len(),
            aws_managed_policies_bundled: self.bundled_policies().len(),
            warnings: self.warnings.len(),
            resources_by_kind: ResourceType::ALL
                .iter()
                .map(|kind| (kind.name(), 0))
                .collect(),
            ..Totals::default()
        };
        let mut accounts = Vec::with_capacity(self.accounts.len());
        for account in self.accounts.values() {
            let customer_managed = account
                .managed_policies
                .values()
                .filter(|policy| !policy.is_aws_managed())
                .count();
            totals.users += account.users.len();
            totals.groups += account.groups.len();
            totals.roles += account.roles.len();
            totals.service_linked_roles += account
                .roles
                .values()
                .filter(|role| role.is_service_linked())
                .count();
            totals.inline_policies += account
                .users
                .values()
                .map(|user| user.inline_policies.len())
                .chain(
                    account
                        .groups
                        .values()
                        .map(|group| group.inline_policies.len()),
                )
                .chain(
                    account
                        .roles
                        .values()
                        .map(|role| role.inline_policies.len()),
                )
                .sum::<usize>();
            totals.customer_managed_policies += customer_managed;
            totals.aws_managed_policies_collected +=
                account.managed_policies.len() - customer_managed;
            let mut by_kind: BTreeMap<&'static str, usize> = BTreeMap::new();
            for arn in account.resource_arns() {
                if let Some(resource) = self.resource(arn) {
                    *by_kind.entry(resource.resource_type.name()).or_default() += 1;
                    *totals
                        .resources_by_kind
                        .entry(resource.resource_type.name())
                        .or_default() += 1;
                    totals.resources += 1;
                    totals.resource_policies += usize::from(resource.policy.is_some());
                }
            }
            let organization_path = self
                .organization
                .as_ref()
                .and_then(|organization| organization.path_to(&account.id))
                .map(|path| {
                    path[..path.len().saturating_sub(1)]
                        .iter()
                        .map(|node| node.label())
                        .collect::<Vec<_>>()
                        .join("/")
                });
            accounts.push(AccountSummary {
                id: account.id.clone(),
                name: account.name.clone(),
                organization_path,
                iam_collected: account.iam_collected,
                users: account.users.len(),
                groups: account.groups.len(),
                roles: account.roles.len(),
                customer_managed_policies: customer_managed,
                resources: account.resource_arns().len(),
                resources_by_kind: by_kind,
            });
        }
        InventorySummary {
            source: self.source.clone(),
            organization,
            totals,
            accounts,
            warnings: self.warnings.clone(),
        }
    }
}
