//! IAM principals and policies of one side of a plan, with attribute names
//! as the AWS provider documents them
//! (https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/iam_role
//! and the pages of the other types below):
//!
//! | type | attributes read |
//! | --- | --- |
//! | `aws_iam_policy` | `arn`, `name`, `path`, `policy` (JSON string) |
//! | `aws_iam_role` | `arn`, `name`, `path`, `assume_role_policy` (JSON string), `inline_policy[]` (`name`, `policy`), `managed_policy_arns[]`, `permissions_boundary`, `tags` |
//! | `aws_iam_role_policy` | `role` (name), `name`, `policy` |
//! | `aws_iam_role_policy_attachment` | `role` (name), `policy_arn` |
//! | `aws_iam_user` | `arn`, `name`, `path`, `permissions_boundary`, `tags` |
//! | `aws_iam_user_policy`, `…_attachment` | `user`, `name`, `policy` / `policy_arn` |
//! | `aws_iam_user_group_membership` | `user`, `groups[]` |
//! | `aws_iam_group` | `arn`, `name`, `path` |
//! | `aws_iam_group_policy`, `…_attachment` | `group`, `name`, `policy` / `policy_arn` |
//! | `aws_iam_group_membership` | `group`, `users[]` |
//!
//! A customer managed policy whose ARN is known only after apply is filed
//! under the account of each principal that attaches it (IAM attaches a
//! customer managed policy only in its own account).
//! A principal whose ARN is known only after apply is filed under its
//! account when another value names it, else under
//! [`PROVIDER_ACCOUNT`](super::PROVIDER_ACCOUNT), with the ARN built from
//! that account, its path and name. A policy document known only after
//! apply is left out, with an [`UnknownValue`].
//!
//! Trusts `embedded_policy` for the documents and `plan.rs` for the shape.

use super::plan::{Attribute, Known, Plan, PlanSide, ResourceChange, SideValues};
use super::{account_of_arn, SideReport, UnknownEffect, UnknownValue, PROVIDER_ACCOUNT};
use crate::ingest::embedded_policy::{read_policy, PolicyCache};
use crate::ingest::located_file::LocatedFile;
use crate::inventory::principals::inline_policy_label;
use crate::inventory::{
    AttachedPolicy, Group, Inventory, InventoryPolicy, InventoryWarning, ManagedPolicy,
    PolicyEncoding, Role, User,
};
use crate::policy::json::{JsonNode, JsonValue};
use crate::policy::PolicyKind;
use crate::source::InputError;
use indexmap::IndexMap;
use std::collections::HashMap;
use std::sync::Arc;

pub const IAM_TYPES: [&str; 12] = [
    "aws_iam_policy",
    "aws_iam_role",
    "aws_iam_role_policy",
    "aws_iam_role_policy_attachment",
    "aws_iam_user",
    "aws_iam_user_policy",
    "aws_iam_user_policy_attachment",
    "aws_iam_user_group_membership",
    "aws_iam_group",
    "aws_iam_group_policy",
    "aws_iam_group_policy_attachment",
    "aws_iam_group_membership",
];

struct Reader<'a, 'f> {
    file: &'a LocatedFile,
    plan: &'a Plan<'f>,
    side: PlanSide,
    inventory: &'a mut Inventory,
    cache: &'a PolicyCache,
    report: &'a mut SideReport,
    /// The ARN of each `aws_iam_policy` on this side, by address.
    policy_arns: HashMap<&'f str, String>,
    /// The policies whose ARN is known only after apply, by placeholder
    /// ARN: refiled under the account of the principal that attaches them.
    unfiled_policies: HashMap<String, Arc<ManagedPolicy>>,
}

fn tags(
    file: &LocatedFile,
    values: &SideValues<'_>,
) -> Result<IndexMap<String, String>, InputError> {
    let mut tags = IndexMap::new();
    if let Attribute::Known(node) = values.attribute("tags") {
        let path = values.path_of("tags");
        for (key, value) in file.object(node, &path)? {
            tags.insert(
                key.text.clone(),
                file.string(value, &format!("{path}.{}", key.text))?
                    .to_string(),
            );
        }
    }
    Ok(tags)
}

/// The attached and inline policies of an account's role, user or group
/// (`kind` is `role`, `user`, or anything else for a group).
fn policy_lists<'a>(
    account: &'a mut crate::inventory::Account,
    kind: &str,
    name: &str,
) -> Option<(&'a mut Vec<AttachedPolicy>, &'a mut Vec<InventoryPolicy>)> {
    match kind {
        "role" => account
            .roles
            .get_mut(name)
            .map(|role| (&mut role.attached_policies, &mut role.inline_policies)),
        "user" => account
            .users
            .get_mut(name)
            .map(|user| (&mut user.attached_policies, &mut user.inline_policies)),
        _ => account
            .groups
            .get_mut(name)
            .map(|group| (&mut group.attached_policies, &mut group.inline_policies)),
    }
}

fn iam_arn(account: &str, kind: &str, path: &str, name: &str) -> String {
    format!("arn:aws:iam::{account}:{kind}{path}{name}")
}

impl<'f> Reader<'_, 'f> {
    /// A policy document held as a string, or `None` (with an unknown
    /// value) when it is known only after apply.
    fn document(
        &mut self,
        change: &ResourceChange<'_>,
        attribute: Attribute<'_>,
        path: &str,
        kind: PolicyKind,
        name: &str,
        label: &str,
    ) -> Result<Option<InventoryPolicy>, InputError> {
        match attribute {
            Attribute::Known(node) => Ok(Some(read_policy(
                self.file,
                node,
                path,
                kind,
                name,
                label,
                &mut self.report.warnings,
                self.cache,
            )?)),
            Attribute::Unknown => {
                self.report.unknown(UnknownValue::new(
                    self.side,
                    change.address,
                    path.rsplit('.').next().unwrap_or_default(),
                    UnknownEffect::Inventory,
                    InventoryWarning::at(
                        "unknown-policy-document",
                        &self.file.file,
                        change.node.position,
                        path,
                        format!("{}: the policy {label} is known only after apply; it is left out of the {} inventory", change.address, self.side.name()),
                    ),
                ));
                Ok(None)
            }
            Attribute::Absent => Ok(None),
        }
    }

    /// The policy ARN an attribute gives, or the one of the policy its
    /// expression refers to.
    fn policy_arn(
        &self,
        change: &ResourceChange<'_>,
        known: Option<&str>,
        key: &str,
    ) -> Option<String> {
        known.map(str::to_string).or_else(|| {
            self.plan
                .referenced_address(change, key)
                .and_then(|address| self.policy_arns.get(address).cloned())
        })
    }

    /// A customer managed policy is attached in its own account: one whose
    /// ARN is known only after apply is filed under the attaching
    /// principal's account too, with that account in its ARN.
    fn refiled(&mut self, arn: String, account: &str) -> String {
        let Some(policy) = self.unfiled_policies.get(&arn).cloned() else {
            return arn;
        };
        if account == PROVIDER_ACCOUNT {
            return arn;
        }
        let arn = iam_arn(account, "policy", &policy.path, &policy.name);
        let mut copy = (*policy).clone();
        copy.arn = arn.clone();
        self.inventory
            .account_mut(account)
            .managed_policies
            .insert(arn.clone(), Arc::new(copy));
        arn
    }

    fn attached(&self, arn: String, name: &str, node: &JsonNode, path: &str) -> AttachedPolicy {
        AttachedPolicy {
            arn,
            name: name.to_string(),
            provenance: self.file.provenance(node, path, PolicyEncoding::Document),
        }
    }

    fn not_found(&mut self, change: &ResourceChange<'_>, values: &SideValues<'_>, what: String) {
        self.report.warnings.push(InventoryWarning::at(
            "principal-not-in-plan",
            &self.file.file,
            values.position(),
            &values.path,
            format!(
                "{}: {what} is not in the plan, so this is not read",
                change.address
            ),
        ));
    }

    fn managed_policy(
        &mut self,
        change: &ResourceChange<'f>,
        values: &SideValues<'_>,
    ) -> Result<(), InputError> {
        let file = self.file;
        let name = values
            .known_string(file, "name")?
            .unwrap_or(change.name)
            .to_string();
        let path = values
            .known_string(file, "path")?
            .unwrap_or("/")
            .to_string();
        let known_arn = values.known_string(file, "arn")?;
        let account = account_of_arn(known_arn);
        let arn =
            known_arn.map_or_else(|| iam_arn(&account, "policy", &path, &name), str::to_string);
        self.policy_arns.insert(change.address, arn.clone());
        let Some(policy) = self.document(
            change,
            values.attribute("policy"),
            &values.path_of("policy"),
            PolicyKind::Identity,
            &name,
            &arn,
        )?
        else {
            return Ok(());
        };
        let managed = Arc::new(ManagedPolicy {
            arn: arn.clone(),
            name,
            path,
            default_version: String::new(),
            policy,
        });
        if known_arn.is_none() {
            self.unfiled_policies.insert(arn.clone(), managed.clone());
        }
        self.inventory
            .account_mut(&account)
            .managed_policies
            .insert(arn, managed);
        Ok(())
    }

    fn principal(
        &mut self,
        change: &ResourceChange<'_>,
        values: &SideValues<'_>,
    ) -> Result<(), InputError> {
        let file = self.file;
        let kind = change.resource_type.trim_start_matches("aws_iam_");
        let name = values
            .known_string(file, "name")?
            .unwrap_or(change.name)
            .to_string();
        let path = values
            .known_string(file, "path")?
            .unwrap_or("/")
            .to_string();
        let known_arn = values.known_string(file, "arn")?;
        let account = account_of_arn(known_arn);
        let arn = known_arn.map_or_else(|| iam_arn(&account, kind, &path, &name), str::to_string);
        let provenance = file.provenance(values.node, &values.path, PolicyEncoding::Document);
        let boundary = match values.string(file, "permissions_boundary")? {
            Known::Value(boundary) if !boundary.is_empty() => Some(self.attached(
                boundary.to_string(),
                "",
                values.node,
                &values.path_of("permissions_boundary"),
            )),
            _ => None,
        };
        match kind {
            "role" => {
                let trust_policy = self.document(
                    change,
                    values.attribute("assume_role_policy"),
                    &values.path_of("assume_role_policy"),
                    PolicyKind::Trust,
                    "trust-policy",
                    &format!("role/{name}/trust-policy"),
                )?;
                let mut inline_policies = Vec::new();
                for item in values.items(file, "inline_policy")? {
                    let policy_name = match item.attribute("name") {
                        Attribute::Known(node) => file
                            .string(node, &format!("{}.name", item.path))?
                            .to_string(),
                        _ => String::new(),
                    };
                    if let Some(policy) = self.document(
                        change,
                        item.attribute("policy"),
                        &format!("{}.policy", item.path),
                        PolicyKind::Identity,
                        &policy_name,
                        &inline_policy_label("role", &name, &policy_name),
                    )? {
                        inline_policies.push(policy);
                    }
                }
                let mut attached_policies = Vec::new();
                for item in values.items(file, "managed_policy_arns")? {
                    let known = match &item.node.value {
                        JsonValue::String(arn) => Some(arn.as_str()),
                        _ => None,
                    };
                    match self.policy_arn(change, known, "managed_policy_arns") {
                        Some(arn) => {
                            let arn = self.refiled(arn, &account);
                            attached_policies.push(self.attached(arn, "", item.node, &item.path))
                        }
                        None => self.report.unknown(UnknownValue::new(
                            self.side,
                            change.address,
                            "managed_policy_arns",
                            UnknownEffect::Inventory,
                            InventoryWarning::at(
                                "unknown-attached-policy",
                                &file.file,
                                item.node.position,
                                &item.path,
                                format!(
                                    "{}: an attached policy ARN is known only after apply",
                                    change.address
                                ),
                            ),
                        )),
                    }
                }
                if values.is_unknown("managed_policy_arns")
                    && values.items(file, "managed_policy_arns")?.is_empty()
                {
                    if let Some(arn) = self.policy_arn(change, None, "managed_policy_arns") {
                        let arn = self.refiled(arn, &account);
                        attached_policies.push(self.attached(
                            arn,
                            "",
                            values.node,
                            &values.path_of("managed_policy_arns"),
                        ));
                    }
                }
                let role = Role {
                    arn,
                    name: name.clone(),
                    path,
                    trust_policy,
                    inline_policies,
                    attached_policies,
                    permissions_boundary: boundary,
                    tags: tags(file, values)?,
                    provenance,
                };
                let holder = self.inventory.account_mut(&account);
                holder.iam_collected = true;
                holder.roles.insert(name, role);
            }
            "user" => {
                let user = User {
                    arn,
                    name: name.clone(),
                    path,
                    groups: Vec::new(),
                    inline_policies: Vec::new(),
                    attached_policies: Vec::new(),
                    permissions_boundary: boundary,
                    tags: tags(file, values)?,
                    provenance,
                };
                let holder = self.inventory.account_mut(&account);
                holder.iam_collected = true;
                holder.users.insert(name, user);
            }
            _ => {
                let group = Group {
                    arn,
                    name: name.clone(),
                    path,
                    inline_policies: Vec::new(),
                    attached_policies: Vec::new(),
                    provenance,
                };
                let holder = self.inventory.account_mut(&account);
                holder.iam_collected = true;
                holder.groups.insert(name, group);
            }
        }
        Ok(())
    }

    /// The account holding a principal of `kind` named `name`.
    fn owner(&self, kind: &str, name: &str) -> Option<String> {
        self.inventory
            .accounts
            .values()
            .find(|account| match kind {
                "role" => account.roles.contains_key(name),
                "user" => account.users.contains_key(name),
                _ => account.groups.contains_key(name),
            })
            .map(|account| account.id.clone())
    }

    /// `aws_iam_{role,user,group}_policy` and `…_policy_attachment`.
    fn addition(
        &mut self,
        change: &ResourceChange<'_>,
        values: &SideValues<'_>,
    ) -> Result<(), InputError> {
        let file = self.file;
        let rest = change.resource_type.trim_start_matches("aws_iam_");
        let (kind, attachment) = match rest.split_once('_') {
            Some((kind, "policy")) => (kind, false),
            Some((kind, "policy_attachment")) => (kind, true),
            _ => return Ok(()),
        };
        let Some(owner_name) = values.known_string(file, kind)? else {
            self.not_found(
                change,
                values,
                format!("the {kind} (known only after apply)"),
            );
            return Ok(());
        };
        // `role` may be given as an ARN too; IAM names are its last part.
        let owner_name = owner_name
            .rsplit('/')
            .next()
            .unwrap_or(owner_name)
            .to_string();
        let Some(account) = self.owner(kind, &owner_name) else {
            self.not_found(change, values, format!("{kind} {owner_name}"));
            return Ok(());
        };
        if attachment {
            let known = values.known_string(file, "policy_arn")?;
            let Some(arn) = self.policy_arn(change, known, "policy_arn") else {
                self.report.unknown(UnknownValue::new(
                    self.side,
                    change.address,
                    "policy_arn",
                    UnknownEffect::Inventory,
                    InventoryWarning::at(
                        "unknown-attached-policy",
                        &file.file,
                        values.position(),
                        &values.path_of("policy_arn"),
                        format!(
                            "{}: the attached policy ARN is known only after apply",
                            change.address
                        ),
                    ),
                ));
                return Ok(());
            };
            let arn = self.refiled(arn, &account);
            let attached = self.attached(arn, "", values.node, &values.path);
            if let Some((attached_policies, _)) =
                policy_lists(self.inventory.account_mut(&account), kind, &owner_name)
            {
                attached_policies.push(attached);
            }
            return Ok(());
        }
        let name = values
            .known_string(file, "name")?
            .unwrap_or(change.name)
            .to_string();
        let Some(policy) = self.document(
            change,
            values.attribute("policy"),
            &values.path_of("policy"),
            PolicyKind::Identity,
            &name,
            &inline_policy_label(kind, &owner_name, &name),
        )?
        else {
            return Ok(());
        };
        if let Some((_, inline_policies)) =
            policy_lists(self.inventory.account_mut(&account), kind, &owner_name)
        {
            inline_policies.push(policy);
        }
        Ok(())
    }

    /// `aws_iam_user_group_membership` (`user`, `groups`) and
    /// `aws_iam_group_membership` (`group`, `users`).
    fn membership(
        &mut self,
        change: &ResourceChange<'_>,
        values: &SideValues<'_>,
    ) -> Result<(), InputError> {
        let file = self.file;
        let mut pairs = Vec::new();
        if change.resource_type == "aws_iam_user_group_membership" {
            if let Some(user) = values.known_string(file, "user")? {
                for item in values.items(file, "groups")? {
                    pairs.push((
                        user.to_string(),
                        file.string(item.node, &item.path)?.to_string(),
                    ));
                }
            }
        } else if let Some(group) = values.known_string(file, "group")? {
            for item in values.items(file, "users")? {
                pairs.push((
                    file.string(item.node, &item.path)?.to_string(),
                    group.to_string(),
                ));
            }
        }
        for (user, group) in pairs {
            match self.owner("user", &user) {
                Some(account) => {
                    if let Some(entry) = self.inventory.account_mut(&account).users.get_mut(&user) {
                        if !entry.groups.contains(&group) {
                            entry.groups.push(group);
                        }
                    }
                }
                None => self.not_found(change, values, format!("user {user}")),
            }
        }
        Ok(())
    }
}

/// Reads the IAM resources of one side into `inventory`; problems go to
/// the report.
pub fn read_side(
    file: &LocatedFile,
    plan: &Plan<'_>,
    side: PlanSide,
    inventory: &mut Inventory,
    cache: &PolicyCache,
    report: &mut SideReport,
) {
    let mut reader = Reader {
        file,
        plan,
        side,
        inventory,
        cache,
        report,
        policy_arns: HashMap::new(),
        unfiled_policies: HashMap::new(),
    };
    // Policies and principals first, then what refers to them.
    for pass in 0..2 {
        for change in &plan.changes {
            let first = matches!(
                change.resource_type,
                "aws_iam_policy" | "aws_iam_role" | "aws_iam_user" | "aws_iam_group"
            );
            if !IAM_TYPES.contains(&change.resource_type) || first != (pass == 0) {
                continue;
            }
            let result = change.side(file, side).and_then(|values| {
                let Some(values) = values else {
                    return Ok(());
                };
                match change.resource_type {
                    "aws_iam_policy" => reader.managed_policy(change, &values),
                    "aws_iam_role" | "aws_iam_user" | "aws_iam_group" => {
                        reader.principal(change, &values)
                    }
                    "aws_iam_user_group_membership" | "aws_iam_group_membership" => {
                        reader.membership(change, &values)
                    }
                    _ => reader.addition(change, &values),
                }
            });
            if let Err(error) = result {
                reader.report.problems.push(error);
            }
        }
    }
}
