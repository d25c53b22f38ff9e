//! One side of a plan's organization: the root, OUs and accounts of
//! `aws_organizations_organization`, `aws_organizations_organizational_unit`
//! (`name`, `parent_id`) and `aws_organizations_account` (`name`, `email`,
//! `parent_id`), the SCPs and RCPs of `aws_organizations_policy` (`name`,
//! `type`, `content` as a JSON string) and where
//! `aws_organizations_policy_attachment` (`policy_id`, `target_id`)
//! attaches them. Attribute names as the AWS provider documents them:
//! https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/organizations_organization,
//! …/organizations_organizational_unit, …/organizations_account,
//! …/organizations_policy, …/organizations_policy_attachment.
//!
//! What the plan does not say is assumed as AWS does it, and said:
//! - an id known only after apply (a new OU's, account's or policy's) is
//!   the placeholder `(ADDRESS)`, the Terraform address in parentheses
//!   (for an account, which requests need as 12 digits,
//!   `00000000000N` by plan order, named `NAME (new: ADDRESS)`),
//!   and an attribute that refers to it (`parent_id`, `policy_id`,
//!   `target_id`) is resolved through the configuration's references;
//! - `FullAWSAccess` is attached to every root, OU and account unless the
//!   plan attaches `p-FullAWSAccess` there explicitly on one side (then it
//!   is attached where that side has the attachment, and detached where
//!   it does not); `RCPFullAWSAccess` is always attached (it cannot be
//!   detached: https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps_evaluation.html);
//! - an OU or account named only as a parent or target, or whose parent is
//!   unknown, is placed under the root, with a warning;
//! - a policy whose content is unknown after apply, or an attached policy
//!   the plan does not hold, is an [`UnknownValue`] of the nodes it is
//!   attached to: the gate treats their accounts as inconclusive.
//!
//! Trusts `plan.rs` for the shape, `embedded_policy` for the policies and
//! `org::OrganizationBuilder` for the tree's rules. Holds no evaluation.

use super::plan::{Attribute, Known, Plan, PlanSide, ResourceChange, SideValues};
use super::{placeholder_id, SideReport, UnknownEffect, UnknownValue};
use crate::ingest::embedded_policy::{read_policy, PolicyCache};
use crate::ingest::located_file::LocatedFile;
use crate::inventory::{InventoryPolicy, InventoryWarning, OrganizationPolicy};
use crate::org::{
    full_access_policy_shared, OrgNode, OrgNodeKind, Organization, OrganizationBuilder,
    FULL_AWS_ACCESS, RCP_FULL_AWS_ACCESS,
};
use crate::policy::json::SourcePosition;
use crate::policy::{PolicyDocument, PolicyKind};
use crate::source::InputError;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

/// The id of the SCP AWS attaches by default.
pub const FULL_AWS_ACCESS_ID: &str = "p-FullAWSAccess";
/// The id of the RCP AWS attaches to every node.
pub const RCP_FULL_AWS_ACCESS_ID: &str = "p-RCPFullAWSAccess";
/// The root's id when the plan gives none.
pub const ROOT_PLACEHOLDER: &str = "(organization root)";
/// The organization's id when the plan gives none.
pub const ORGANIZATION_PLACEHOLDER: &str = "(organization id)";
/// The management account when the plan gives none.
pub const MANAGEMENT_PLACEHOLDER: &str = "(management account)";

pub const ORGANIZATION_TYPES: [&str; 5] = [
    "aws_organizations_organization",
    "aws_organizations_organizational_unit",
    "aws_organizations_account",
    "aws_organizations_policy",
    "aws_organizations_policy_attachment",
];

/// An account of the organization, as the plan gives it.
pub struct PlanAccount {
    pub id: String,
    pub name: Option<String>,
    pub email: Option<String>,
}

/// What one side's organization resources make.
pub struct OrganizationRead {
    pub organization: Organization,
    pub policies: BTreeMap<String, OrganizationPolicy>,
    pub accounts: Vec<PlanAccount>,
}

/// A reference to another node or policy by id.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Reference {
    Id(String),
    /// Known only after apply, and the configuration names no resource of
    /// the plan for it.
    Unresolved,
}

#[derive(Clone)]
struct Located {
    position: SourcePosition,
    path: String,
}

struct Unit {
    id: String,
    name: String,
    parent: Reference,
    at: Located,
}

struct MemberAccount {
    id: String,
    name: Option<String>,
    email: Option<String>,
    /// `None`: not set, so under the root.
    parent: Option<Reference>,
    at: Located,
}

struct PlanPolicy {
    id: String,
    name: String,
    kind: PolicyKind,
    /// `None` when the content is known only after apply.
    policy: Option<InventoryPolicy>,
    at: Located,
}

struct Attachment {
    address: String,
    policy: Reference,
    target: Reference,
    at: Located,
}

/// The id of the `ordinal`-th account (1-based, in plan order) whose id
/// is known only after apply: `00000000000N`. Requests need a 12-digit
/// account, so the placeholder is one; the account's name says it is a
/// placeholder and gives the Terraform address.
pub fn placeholder_account_id(ordinal: usize) -> String {
    format!("{ordinal:012}")
}

/// The ids each organization resource has on a side (a placeholder where
/// the id is known only after apply).
fn ids_by_address<'f>(
    file: &LocatedFile,
    plan: &Plan<'f>,
    side: PlanSide,
) -> Result<HashMap<&'f str, String>, InputError> {
    let mut ids = HashMap::new();
    let mut new_accounts = 0;
    for change in &plan.changes {
        if !ORGANIZATION_TYPES.contains(&change.resource_type) {
            continue;
        }
        if let Some(values) = change.side(file, side)? {
            let id = match values.known_string(file, "id")? {
                Some(id) => id.to_string(),
                None if change.resource_type == "aws_organizations_account" => {
                    new_accounts += 1;
                    placeholder_account_id(new_accounts)
                }
                None => placeholder_id(change.address),
            };
            ids.insert(change.address, id);
        }
    }
    Ok(ids)
}

fn reference(
    file: &LocatedFile,
    plan: &Plan<'_>,
    ids: &HashMap<&str, String>,
    change: &ResourceChange<'_>,
    values: &SideValues<'_>,
    key: &str,
) -> Result<Reference, InputError> {
    Ok(match values.string(file, key)? {
        Known::Value(id) => Reference::Id(id.to_string()),
        Known::AfterApply | Known::Absent => plan
            .referenced_address(change, key)
            .and_then(|address| ids.get(address))
            .map_or(Reference::Unresolved, |id| Reference::Id(id.clone())),
    })
}

/// The target ids of `p-FullAWSAccess` attachments on `side`.
pub fn full_access_targets(
    file: &LocatedFile,
    plan: &Plan<'_>,
    side: PlanSide,
) -> Result<BTreeSet<String>, InputError> {
    let ids = ids_by_address(file, plan, side)?;
    let mut targets = BTreeSet::new();
    for change in &plan.changes {
        if change.resource_type != "aws_organizations_policy_attachment" {
            continue;
        }
        let Some(values) = change.side(file, side)? else {
            continue;
        };
        if values.known_string(file, "policy_id")? == Some(FULL_AWS_ACCESS_ID) {
            if let Reference::Id(target) =
                reference(file, plan, &ids, change, &values, "target_id")?
            {
                targets.insert(target);
            }
        }
    }
    Ok(targets)
}

fn is_account_id(text: &str) -> bool {
    text.len() == 12 && text.bytes().all(|byte| byte.is_ascii_digit())
}

/// The organization resources of one side, as read.
pub struct Collected {
    organization_id: Option<String>,
    management_account: Option<String>,
    root: Option<(String, String)>,
    units: Vec<Unit>,
    accounts: Vec<MemberAccount>,
    policies: Vec<PlanPolicy>,
    attachments: Vec<Attachment>,
    /// The ids of the OUs, accounts and policies the side holds.
    resource_ids: BTreeSet<String>,
}

impl Collected {
    /// The roots, OUs and accounts this side names as a parent or target
    /// (placeholders excluded), with where.
    fn named(&self) -> impl Iterator<Item = (&str, &Located)> {
        self.units
            .iter()
            .map(|unit| (&unit.parent, &unit.at))
            .chain(
                self.accounts
                    .iter()
                    .filter_map(|account| Some((account.parent.as_ref()?, &account.at))),
            )
            .chain(
                self.attachments
                    .iter()
                    .map(|attachment| (&attachment.target, &attachment.at)),
            )
            .filter_map(|(reference, at)| match reference {
                Reference::Id(id) if !id.starts_with('(') => Some((id.as_str(), at)),
                _ => None,
            })
    }
}

/// What exists outside the plan, seen from both sides: the OUs and
/// accounts named as parents or targets but not held by the plan (they
/// exist on both sides), and the organization's root, id and management
/// account from whichever side gives them.
#[derive(Default)]
pub struct Outside {
    nodes: BTreeMap<String, Located>,
    root: Option<(String, String)>,
    organization_id: Option<String>,
    management_account: Option<String>,
}

pub fn outside_nodes(sides: &[&Collected]) -> Outside {
    let mut outside = Outside::default();
    let held: BTreeSet<&str> = sides
        .iter()
        .flat_map(|side| side.resource_ids.iter().map(String::as_str))
        .collect();
    for side in sides {
        for (id, at) in side.named() {
            if !held.contains(id) && !id.starts_with("r-") {
                outside
                    .nodes
                    .entry(id.to_string())
                    .or_insert_with(|| at.clone());
            }
        }
        outside.root = outside.root.take().or_else(|| side.root.clone());
        outside.organization_id = outside
            .organization_id
            .take()
            .or_else(|| side.organization_id.clone());
        outside.management_account = outside
            .management_account
            .take()
            .or_else(|| side.management_account.clone());
    }
    outside
}

/// Reads one side's organization resources.
pub fn collect(
    file: &LocatedFile,
    plan: &Plan<'_>,
    side: PlanSide,
    cache: &PolicyCache,
    report: &mut SideReport,
) -> Result<Collected, InputError> {
    let ids = ids_by_address(file, plan, side)?;
    let mut organization_id = None;
    let mut management_account = None;
    let mut root: Option<(String, String)> = None;
    let mut units: Vec<Unit> = Vec::new();
    let mut accounts: Vec<MemberAccount> = Vec::new();
    let mut policies: Vec<PlanPolicy> = Vec::new();
    let mut attachments: Vec<Attachment> = Vec::new();
    let mut resource_ids = BTreeSet::new();
    for change in &plan.changes {
        if !ORGANIZATION_TYPES.contains(&change.resource_type) {
            continue;
        }
        let Some(values) = change.side(file, side)? else {
            continue;
        };
        let id = ids.get(change.address).cloned().unwrap_or_default();
        if change.resource_type != "aws_organizations_policy_attachment" {
            resource_ids.insert(id.clone());
        }
        let at = Located {
            position: values.position(),
            path: values.path.clone(),
        };
        match change.resource_type {
            "aws_organizations_organization" => {
                organization_id = values.known_string(file, "id")?.map(str::to_string);
                management_account = values
                    .known_string(file, "master_account_id")?
                    .map(str::to_string);
                if let Some(first) = values.items(file, "roots")?.first() {
                    if let Attribute::Known(node) = first.attribute("id") {
                        let root_id = file.string(node, &format!("{}.id", first.path))?;
                        let name = match first.attribute("name") {
                            Attribute::Known(node) => file
                                .string(node, &format!("{}.name", first.path))?
                                .to_string(),
                            _ => String::new(),
                        };
                        root = Some((root_id.to_string(), name));
                    }
                }
            }
            "aws_organizations_organizational_unit" => units.push(Unit {
                name: values
                    .known_string(file, "name")?
                    .unwrap_or_default()
                    .to_string(),
                parent: reference(file, plan, &ids, change, &values, "parent_id")?,
                id,
                at,
            }),
            "aws_organizations_account" => {
                let name = values.known_string(file, "name")?.unwrap_or_default();
                let name = if values.known_string(file, "id")?.is_none() {
                    report.note(format!(
                        "account {name} ({}) is created by the plan: its id is known only after apply, so it is shown as the placeholder {id}",
                        change.address
                    ));
                    format!("{name} (new: {})", change.address)
                } else {
                    name.to_string()
                };
                let parent = match values.attribute("parent_id") {
                    Attribute::Absent if plan.referenced_address(change, "parent_id").is_none() => {
                        None
                    }
                    _ => Some(reference(file, plan, &ids, change, &values, "parent_id")?),
                };
                accounts.push(MemberAccount {
                    name: (!name.is_empty()).then_some(name),
                    email: values.known_string(file, "email")?.map(str::to_string),
                    parent,
                    id,
                    at,
                })
            }
            "aws_organizations_policy" => {
                let policy_type = values
                    .known_string(file, "type")?
                    .unwrap_or("SERVICE_CONTROL_POLICY");
                let kind = match policy_type {
                    "SERVICE_CONTROL_POLICY" => PolicyKind::Scp,
                    "RESOURCE_CONTROL_POLICY" => PolicyKind::Rcp,
                    other => {
                        report.warnings.push(InventoryWarning::at(
                            "other-organization-policy-type",
                            &file.file,
                            at.position,
                            &values.path_of("type"),
                            format!("{} is a {other}: only SCPs and RCPs decide access, so it is not read", change.address),
                        ));
                        continue;
                    }
                };
                let name = values
                    .known_string(file, "name")?
                    .map_or_else(|| change.address.to_string(), str::to_string);
                let policy = match values.attribute("content") {
                    Attribute::Known(node) => Some(read_policy(
                        file,
                        node,
                        &values.path_of("content"),
                        kind,
                        &name,
                        &name,
                        &mut report.warnings,
                        cache,
                    )?),
                    Attribute::Unknown | Attribute::Absent => None,
                };
                policies.push(PlanPolicy {
                    id,
                    name,
                    kind,
                    policy,
                    at: Located {
                        position: values.position(),
                        path: values.path_of("content"),
                    },
                });
            }
            _ => attachments.push(Attachment {
                address: change.address.to_string(),
                policy: reference(file, plan, &ids, change, &values, "policy_id")?,
                target: reference(file, plan, &ids, change, &values, "target_id")?,
                at,
            }),
        }
    }
    Ok(Collected {
        organization_id,
        management_account,
        root,
        units,
        accounts,
        policies,
        attachments,
        resource_ids,
    })
}

/// Builds one side's organization; `None` when neither side holds an
/// organization resource.
#[allow(clippy::too_many_arguments)]
pub fn build(
    file: &LocatedFile,
    side: PlanSide,
    collected: Collected,
    outside: &Outside,
    full_access_anywhere: &BTreeSet<String>,
    full_access_here: &BTreeSet<String>,
    report: &mut SideReport,
) -> Result<Option<OrganizationRead>, InputError> {
    let Collected {
        organization_id,
        management_account,
        root,
        units,
        accounts,
        policies,
        attachments,
        resource_ids,
    } = collected;
    if resource_ids.is_empty()
        && attachments.is_empty()
        && outside.nodes.is_empty()
        && outside.root.is_none()
    {
        return Ok(None);
    }
    let root = root.or_else(|| outside.root.clone());
    let organization_id = organization_id.or_else(|| outside.organization_id.clone());
    let management_account = management_account.or_else(|| outside.management_account.clone());
    // The root: the organization's, else the one root id the plan names.
    let named_roots: BTreeSet<String> = units
        .iter()
        .map(|unit| &unit.parent)
        .chain(
            accounts
                .iter()
                .filter_map(|account| account.parent.as_ref()),
        )
        .chain(attachments.iter().map(|attachment| &attachment.target))
        .filter_map(|reference| match reference {
            Reference::Id(id) if id.starts_with("r-") => Some(id.clone()),
            _ => None,
        })
        .collect();
    let (root_id, root_name) = match root {
        Some(root) => root,
        None => {
            let id = match named_roots.iter().next() {
                Some(id) if named_roots.len() == 1 => id.clone(),
                _ => ROOT_PLACEHOLDER.to_string(),
            };
            report.note(format!(
                "the plan has no aws_organizations_organization with a known root: the root is {id}"
            ));
            (id, String::new())
        }
    };
    let organization_id = organization_id.unwrap_or_else(|| {
        report.note(format!(
            "the plan does not give the organization's id: it is {ORGANIZATION_PLACEHOLDER}"
        ));
        ORGANIZATION_PLACEHOLDER.to_string()
    });
    let management_account = management_account.unwrap_or_else(|| {
        report.note(format!(
            "the plan does not give the management account ({MANAGEMENT_PLACEHOLDER}): every account it names is taken as a member account"
        ));
        MANAGEMENT_PLACEHOLDER.to_string()
    });

    // What is attached where, in plan order.
    let policy_index: HashMap<&str, usize> = policies
        .iter()
        .enumerate()
        .map(|(index, policy)| (policy.id.as_str(), index))
        .collect();
    let mut attached: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    let mut policy_targets: BTreeMap<usize, Vec<String>> = BTreeMap::new();
    for attachment in &attachments {
        let Reference::Id(target) = &attachment.target else {
            report.unknown(UnknownValue::new(
                side,
                &attachment.address,
                "target_id",
                UnknownEffect::Organization,
                InventoryWarning::at(
                    "unknown-attachment-target",
                    &file.file,
                    attachment.at.position,
                    &format!("{}.target_id", attachment.at.path),
                    format!("{}: the target is known only after apply and the configuration names no resource of the plan for it, so where the policy applies is unknown", attachment.address),
                ),
            ));
            continue;
        };
        match &attachment.policy {
            Reference::Id(id) if id == FULL_AWS_ACCESS_ID || id == RCP_FULL_AWS_ACCESS_ID => {}
            Reference::Id(id) if policy_index.contains_key(id.as_str()) => {
                let index = policy_index[id.as_str()];
                attached.entry(target.clone()).or_default().push(index);
                policy_targets
                    .entry(index)
                    .or_default()
                    .push(target.clone());
            }
            other => {
                let (what, code) = match other {
                    Reference::Id(id) => (format!("policy {id} is not in the plan, so its content is unknown"), "policy-not-in-plan"),
                    Reference::Unresolved => ("the policy is known only after apply and the configuration names no policy of the plan for it".to_string(), "unknown-attached-policy"),
                };
                report.unknown(UnknownValue::new(
                    side,
                    &attachment.address,
                    "policy_id",
                    UnknownEffect::OrganizationNodes(vec![target.clone()]),
                    InventoryWarning::at(
                        code,
                        &file.file,
                        attachment.at.position,
                        &format!("{}.policy_id", attachment.at.path),
                        format!(
                            "{}: {what}; what applies at {target} is unknown",
                            attachment.address
                        ),
                    ),
                ));
            }
        }
    }
    for (index, policy) in policies.iter().enumerate() {
        if policy.policy.is_some() {
            continue;
        }
        let targets = policy_targets.get(&index).cloned().unwrap_or_default();
        let message = format!(
            "the content of policy {} ({}) is known only after apply: {}",
            policy.name,
            policy.id,
            if targets.is_empty() {
                "it is attached nowhere in the plan".to_string()
            } else {
                format!("what applies at {} is unknown", targets.join(", "))
            }
        );
        let warning = InventoryWarning::at(
            "unknown-policy-content",
            &file.file,
            policy.at.position,
            &policy.at.path,
            message,
        );
        if targets.is_empty() {
            report.warnings.push(warning);
        } else {
            report.unknown(UnknownValue::new(
                side,
                &policy.at.path,
                "content",
                UnknownEffect::OrganizationNodes(targets),
                warning,
            ));
        }
    }

    let mut assumed_full_access = 0usize;
    let mut node_policies = |id: &str, kind: PolicyKind| -> Vec<Arc<PolicyDocument>> {
        let mut documents = Vec::new();
        match kind {
            PolicyKind::Scp => {
                let explicit = full_access_anywhere.contains(id);
                if !explicit {
                    assumed_full_access += 1;
                }
                if !explicit || full_access_here.contains(id) {
                    documents.push(full_access_policy_shared(PolicyKind::Scp));
                }
            }
            _ => documents.push(full_access_policy_shared(PolicyKind::Rcp)),
        }
        for &index in attached.get(id).into_iter().flatten() {
            if policies[index].kind == kind {
                if let Some(policy) = &policies[index].policy {
                    documents.push(policy.document.clone());
                }
            }
        }
        documents
    };
    let node =
        |id: &str,
         name: &str,
         kind: OrgNodeKind,
         policies: &mut dyn FnMut(&str, PolicyKind) -> Vec<Arc<PolicyDocument>>| OrgNode {
            id: id.to_string(),
            name: name.to_string(),
            kind,
            scps: policies(id, PolicyKind::Scp),
            rcps: policies(id, PolicyKind::Rcp),
        };
    let root_node = node(&root_id, &root_name, OrgNodeKind::Root, &mut node_policies);
    let mut builder = OrganizationBuilder::new(&organization_id, &management_account, root_node)
        .map_err(|error| {
            InputError::invalid(&file.file, file.root.position, "", error.to_string())
        })?;
    let root_index = builder.root();
    let mut placed: HashMap<String, petgraph::graph::NodeIndex> =
        HashMap::from([(root_id.clone(), root_index)]);
    let known_units: BTreeSet<&str> = units.iter().map(|unit| unit.id.as_str()).collect();
    let known_accounts: BTreeSet<&str> =
        accounts.iter().map(|account| account.id.as_str()).collect();
    // OUs and accounts the plan names only as a parent or a target.
    let mut implied: BTreeMap<String, Located> = BTreeMap::new();
    let named = units
        .iter()
        .map(|unit| (&unit.parent, &unit.at))
        .chain(
            accounts
                .iter()
                .filter_map(|account| Some((account.parent.as_ref()?, &account.at))),
        )
        .chain(
            attachments
                .iter()
                .map(|attachment| (&attachment.target, &attachment.at)),
        )
        .filter_map(|(reference, at)| match reference {
            Reference::Id(id) => Some((id.as_str(), at)),
            Reference::Unresolved => None,
        })
        .chain(outside.nodes.iter().map(|(id, at)| (id.as_str(), at)));
    for (id, at) in named {
        if id != root_id && !known_units.contains(id) && !known_accounts.contains(id) {
            implied.entry(id.to_string()).or_insert_with(|| at.clone());
        }
    }
    let mut implied_accounts = Vec::new();
    for (id, at) in &implied {
        let kind = if id.starts_with("ou-") {
            OrgNodeKind::OrganizationalUnit
        } else if is_account_id(id) {
            OrgNodeKind::Account
        } else {
            report.warnings.push(InventoryWarning::at(
                "unknown-organization-node",
                &file.file,
                at.position,
                &at.path,
                format!("{id} is neither this organization's root ({root_id}), an OU nor an account: what is attached to it is not read"),
            ));
            continue;
        };
        report.warnings.push(InventoryWarning::at(
            "placed-under-root",
            &file.file,
            at.position,
            &at.path,
            format!(
                "{id} is not in the plan, so its parent is unknown: it is placed under the root"
            ),
        ));
        let child = node(id, "", kind, &mut node_policies);
        match builder.add_child(root_index, child) {
            Ok(index) => {
                placed.insert(id.clone(), index);
                if kind == OrgNodeKind::Account {
                    implied_accounts.push(PlanAccount {
                        id: id.clone(),
                        name: None,
                        email: None,
                    });
                }
            }
            Err(error) => report.problems.push(InputError::invalid(
                &file.file,
                at.position,
                &at.path,
                error.to_string(),
            )),
        }
    }
    // OUs under their parents, parents first; the rest under the root.
    let mut remaining: Vec<&Unit> = units.iter().collect();
    loop {
        let before = remaining.len();
        let mut waiting = Vec::new();
        for unit in remaining {
            let parent = match &unit.parent {
                Reference::Id(parent) => placed.get(parent).copied(),
                Reference::Unresolved => None,
            };
            match parent {
                Some(parent) => {
                    let child = node(
                        &unit.id,
                        &unit.name,
                        OrgNodeKind::OrganizationalUnit,
                        &mut node_policies,
                    );
                    match builder.add_child(parent, child) {
                        Ok(index) => {
                            placed.insert(unit.id.clone(), index);
                        }
                        Err(error) => report.problems.push(InputError::invalid(
                            &file.file,
                            unit.at.position,
                            &unit.at.path,
                            error.to_string(),
                        )),
                    }
                }
                None => waiting.push(unit),
            }
        }
        remaining = waiting;
        if remaining.is_empty() || remaining.len() == before {
            break;
        }
    }
    for unit in remaining {
        report.warnings.push(InventoryWarning::at(
            "placed-under-root",
            &file.file,
            unit.at.position,
            &format!("{}.parent_id", unit.at.path),
            format!(
                "the parent of OU {} ({}) is unknown: it is placed under the root",
                unit.name, unit.id
            ),
        ));
        let child = node(
            &unit.id,
            &unit.name,
            OrgNodeKind::OrganizationalUnit,
            &mut node_policies,
        );
        match builder.add_child(root_index, child) {
            Ok(index) => {
                placed.insert(unit.id.clone(), index);
            }
            Err(error) => report.problems.push(InputError::invalid(
                &file.file,
                unit.at.position,
                &unit.at.path,
                error.to_string(),
            )),
        }
    }
    let mut plan_accounts = Vec::new();
    for account in &accounts {
        let parent = match &account.parent {
            None => Some(root_index),
            Some(Reference::Id(parent)) => placed.get(parent).copied(),
            Some(Reference::Unresolved) => None,
        };
        let parent = parent.unwrap_or_else(|| {
            report.warnings.push(InventoryWarning::at(
                "placed-under-root",
                &file.file,
                account.at.position,
                &format!("{}.parent_id", account.at.path),
                format!(
                    "the parent of account {} is unknown: it is placed under the root",
                    account.id
                ),
            ));
            root_index
        });
        let child = node(
            &account.id,
            account.name.as_deref().unwrap_or_default(),
            OrgNodeKind::Account,
            &mut node_policies,
        );
        match builder.add_child(parent, child) {
            Ok(_) => plan_accounts.push(PlanAccount {
                id: account.id.clone(),
                name: account.name.clone(),
                email: account.email.clone(),
            }),
            Err(error) => report.problems.push(InputError::invalid(
                &file.file,
                account.at.position,
                &account.at.path,
                error.to_string(),
            )),
        }
    }
    plan_accounts.extend(implied_accounts);
    if assumed_full_access > 0 {
        report.note(format!(
            "{FULL_AWS_ACCESS} is assumed attached at every root, OU and account where the plan does not attach {FULL_AWS_ACCESS_ID} ({assumed_full_access} node(s) on the {} side), as AWS attaches it by default",
            side.name()
        ));
    }
    report.note(format!(
        "{RCP_FULL_AWS_ACCESS} is attached at every root, OU and account, as AWS does (it cannot be detached)"
    ));
    let mut organization_policies = BTreeMap::new();
    for (index, policy) in policies.into_iter().enumerate() {
        let Some(document) = policy.policy else {
            continue;
        };
        organization_policies.insert(
            policy.id.clone(),
            OrganizationPolicy {
                id: policy.id,
                name: policy.name,
                kind: policy.kind,
                aws_managed: false,
                policy: document,
                targets: policy_targets.remove(&index).unwrap_or_default(),
            },
        );
    }
    Ok(Some(OrganizationRead {
        organization: builder.build(),
        policies: organization_policies,
        accounts: plan_accounts,
    }))
}
