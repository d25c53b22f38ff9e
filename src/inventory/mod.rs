//! An inventory: what an organization holds, as the readers of `ingest/`
//! found it — the organization tree with its SCPs and RCPs (`org/`), and
//! per account its users, groups, roles, managed policies and resources,
//! every policy with its provenance. A scenario is one projection of it
//! (`projection.rs`); the organization-wide questions range over all of it.
//!
//! Lookups by account, by principal ARN and by resource ARN go through
//! sorted maps (`BTreeMap`), so reading and asking stay O(n log n) for
//! 1,000 accounts and iteration order is the same on every run.
//!
//! Trusts the readers for what the data says; checks here only what ties
//! the pieces together (an attached policy that resolves, a resource filed
//! once).

pub mod aws_managed;
pub mod managed_policies;
pub mod principals;
pub mod projection;
pub mod provenance;
pub mod resources;
pub mod summary;
pub mod warning;

pub use managed_policies::{is_aws_managed_arn, ManagedPolicy};
pub use principals::{AttachedPolicy, Group, Role, User};
pub use projection::ProjectionError;
pub use provenance::{InventoryPolicy, PolicyEncoding, Provenance};
pub use resources::{BlockPublicAccess, ObjectOwnership, Resource, ResourceType};
pub use summary::InventorySummary;
pub use warning::InventoryWarning;

use crate::org::Organization;
use crate::policy::pattern::split_arn;
use crate::policy::PolicyKind;
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

/// An SCP or RCP of the organization.
#[derive(Debug, Clone)]
pub struct OrganizationPolicy {
    /// `p-…`
    pub id: String,
    pub name: String,
    /// `Scp` or `Rcp`.
    pub kind: PolicyKind,
    pub aws_managed: bool,
    pub policy: InventoryPolicy,
    /// The roots, OUs and accounts it is attached to, in reading order.
    pub targets: Vec<String>,
}

/// One account and what it holds.
#[derive(Debug, Clone, Default)]
pub struct Account {
    /// 12 digits.
    pub id: String,
    /// The name Organizations gives it.
    pub name: Option<String>,
    pub email: Option<String>,
    /// `ACTIVE`, `SUSPENDED`, … as Organizations says.
    pub status: Option<String>,
    pub in_organization: bool,
    /// Whether its IAM authorization details were read.
    pub iam_collected: bool,
    /// By user name.
    pub users: BTreeMap<String, User>,
    /// By group name.
    pub groups: BTreeMap<String, Group>,
    /// By role name.
    pub roles: BTreeMap<String, Role>,
    /// By ARN: customer managed policies, and AWS managed policies whose
    /// documents the collected data carries.
    pub managed_policies: BTreeMap<String, Arc<ManagedPolicy>>,
    /// Account-level S3 Block Public Access, when collected.
    pub block_public_access: Option<BlockPublicAccess>,
    /// ARNs of its resources, sorted (see [`Inventory::add_resource`]).
    resource_arns: Vec<String>,
}

impl Account {
    pub fn new(id: &str) -> Account {
        Account {
            id: id.to_string(),
            ..Account::default()
        }
    }

    /// The ARNs of the account's resources, sorted.
    pub fn resource_arns(&self) -> &[String] {
        &self.resource_arns
    }
}

/// An inventory.
#[derive(Debug, Clone)]
pub struct Inventory {
    /// What was read (the collected folder), for messages.
    pub source: String,
    pub organization: Option<Organization>,
    /// By policy id (`p-…`).
    pub organization_policies: BTreeMap<String, OrganizationPolicy>,
    /// By account id.
    pub accounts: BTreeMap<String, Account>,
    /// By ARN.
    resources: BTreeMap<String, Resource>,
    /// The AWS managed policies attached somewhere whose documents came
    /// from the bundled copy, by ARN as attached.
    bundled_policies: BTreeMap<String, Arc<ManagedPolicy>>,
    /// Sorted by file and place.
    pub warnings: Vec<InventoryWarning>,
}

/// The parts of an IAM ARN: account, resource type (`user`, `role`, …),
/// path (`/` or `/a/b/`) and name.
pub(crate) struct IamArn<'a> {
    pub account: &'a str,
    pub resource_type: &'a str,
    pub path: String,
    pub name: &'a str,
}

pub(crate) fn split_iam_arn(arn: &str) -> Option<IamArn<'_>> {
    let [_, _, "iam", "", account, resource] = split_arn(arn)? else {
        return None;
    };
    let (resource_type, rest) = resource.split_once('/')?;
    let (path, name) = match rest.rsplit_once('/') {
        Some((path, name)) => (format!("/{path}/"), name),
        None => ("/".to_string(), rest),
    };
    (!name.is_empty()).then_some(IamArn {
        account,
        resource_type,
        path,
        name,
    })
}

impl Inventory {
    pub fn new(source: &str) -> Inventory {
        Inventory {
            source: source.to_string(),
            organization: None,
            organization_policies: BTreeMap::new(),
            accounts: BTreeMap::new(),
            resources: BTreeMap::new(),
            bundled_policies: BTreeMap::new(),
            warnings: Vec::new(),
        }
    }

    /// The account, created empty when first named.
    pub fn account_mut(&mut self, id: &str) -> &mut Account {
        self.accounts
            .entry(id.to_string())
            .or_insert_with(|| Account::new(id))
    }

    pub fn account(&self, id: &str) -> Option<&Account> {
        self.accounts.get(id)
    }

    /// Files a resource under its ARN and its account. A resource already
    /// filed under the ARN is given back.
    pub fn add_resource(&mut self, resource: Resource) -> Result<(), Box<Resource>> {
        if self.resources.contains_key(&resource.arn) {
            return Err(Box::new(resource));
        }
        let account = self.account_mut(&resource.account);
        let position = account
            .resource_arns
            .binary_search(&resource.arn)
            .unwrap_or_else(|position| position);
        account.resource_arns.insert(position, resource.arn.clone());
        self.resources.insert(resource.arn.clone(), resource);
        Ok(())
    }

    pub fn resource(&self, arn: &str) -> Option<&Resource> {
        self.resources.get(arn)
    }

    /// Every resource, by ARN.
    pub fn resources(&self) -> impl Iterator<Item = &Resource> {
        self.resources.values()
    }

    /// The user of an IAM user ARN (`arn:aws:iam::A:user/path/name`).
    pub fn user(&self, arn: &str) -> Option<&User> {
        let parts = split_iam_arn(arn).filter(|parts| parts.resource_type == "user")?;
        self.accounts
            .get(parts.account)?
            .users
            .get(parts.name)
            .filter(|user| user.path == parts.path)
    }

    /// The role of an IAM role ARN (`arn:aws:iam::A:role/path/name`).
    pub fn role(&self, arn: &str) -> Option<&Role> {
        let parts = split_iam_arn(arn).filter(|parts| parts.resource_type == "role")?;
        self.accounts
            .get(parts.account)?
            .roles
            .get(parts.name)
            .filter(|role| role.path == parts.path)
    }

    /// A role by account and name (an assumed-role ARN names no path).
    pub fn role_named(&self, account: &str, name: &str) -> Option<&Role> {
        self.accounts.get(account)?.roles.get(name)
    }

    /// The managed policy an account's principals attach as `arn`: the
    /// account's own (customer managed, or AWS managed as collected), else
    /// the bundled copy of an AWS managed policy.
    pub fn managed_policy(&self, account: &str, arn: &str) -> Option<&Arc<ManagedPolicy>> {
        self.accounts
            .get(account)
            .and_then(|account| account.managed_policies.get(arn))
            .or_else(|| self.bundled_policies.get(arn))
    }

    /// The AWS managed policies resolved from the bundled copy, by ARN.
    pub fn bundled_policies(&self) -> &BTreeMap<String, Arc<ManagedPolicy>> {
        &self.bundled_policies
    }

    /// Resolves every attached managed policy (and boundary), and sorts the
    /// warnings. Readers call it once, last. An AWS managed policy neither
    /// collected nor bundled, a customer managed policy the account's
    /// `Policies` do not list, or a bundled copy that does not parse is one
    /// warning per ARN (per account for customer managed ones), at its first
    /// attachment, saying how many attachments it has.
    pub fn resolve_attachments(&mut self) {
        struct Unresolved {
            first: Provenance,
            attachments: usize,
            reason: String,
            code: &'static str,
        }
        let mut unresolved: BTreeMap<(String, String), Unresolved> = BTreeMap::new();
        let mut bundled: BTreeMap<String, Arc<ManagedPolicy>> = BTreeMap::new();
        let mut bundle_failures: HashMap<String, String> = HashMap::new();
        for account in self.accounts.values() {
            let attachments = account
                .users
                .values()
                .flat_map(|user| {
                    user.attached_policies
                        .iter()
                        .chain(&user.permissions_boundary)
                })
                .chain(
                    account
                        .groups
                        .values()
                        .flat_map(|group| &group.attached_policies),
                )
                .chain(account.roles.values().flat_map(|role| {
                    role.attached_policies
                        .iter()
                        .chain(&role.permissions_boundary)
                }));
            for attachment in attachments {
                if account.managed_policies.contains_key(&attachment.arn)
                    || bundled.contains_key(&attachment.arn)
                {
                    continue;
                }
                let (key, code, reason) = if is_aws_managed_arn(&attachment.arn) {
                    if let Some(reason) = bundle_failures.get(&attachment.arn) {
                        (
                            (String::new(), attachment.arn.clone()),
                            "unusable-aws-managed-policy",
                            reason.clone(),
                        )
                    } else {
                        match aws_managed::bundled_policy(&attachment.arn) {
                            Some(Ok(policy)) => {
                                bundled.insert(attachment.arn.clone(), policy);
                                continue;
                            }
                            Some(Err(error)) => {
                                let reason = format!("iamz's bundled copy of it does not parse: {error}");
                                bundle_failures.insert(attachment.arn.clone(), reason.clone());
                                ((String::new(), attachment.arn.clone()), "unusable-aws-managed-policy", reason)
                            }
                            None => (
                                (String::new(), attachment.arn.clone()),
                                "unknown-aws-managed-policy",
                                "the collected data does not carry its document and iamz has no copy of it (get-account-authorization-details without a --filter, or with AWSManagedPolicy in it, includes the documents of attached AWS managed policies)".to_string(),
                            ),
                        }
                    }
                } else {
                    (
                        (account.id.clone(), attachment.arn.clone()),
                        "unknown-managed-policy",
                        format!(
                            "account {} lists no managed policy with this ARN",
                            account.id
                        ),
                    )
                };
                unresolved
                    .entry(key)
                    .and_modify(|entry| entry.attachments += 1)
                    .or_insert(Unresolved {
                        first: attachment.provenance.clone(),
                        attachments: 1,
                        reason,
                        code,
                    });
            }
        }
        for ((_, arn), entry) in unresolved {
            self.warnings.push(InventoryWarning::at(
                entry.code,
                &entry.first.file,
                entry.first.position,
                &entry.first.json_path,
                format!(
                    "managed policy {arn} ({} attachment{}) is left out: {}",
                    entry.attachments,
                    if entry.attachments == 1 { "" } else { "s" },
                    entry.reason
                ),
            ));
        }
        self.bundled_policies = bundled;
        self.sort_warnings();
    }

    /// Sorts the warnings by file and place, dropping exact repeats.
    pub fn sort_warnings(&mut self) {
        self.warnings
            .sort_by(|left, right| left.sort_key().cmp(&right.sort_key()));
        self.warnings.dedup();
    }
}

#[cfg(test)]
mod tests;
