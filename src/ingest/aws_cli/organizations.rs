//! The organization from AWS Organizations output in
//! `organizations/` of a collected folder:
//!
//! - `describe-organization.json` — `Organization.Id`, `MasterAccountId`
//!   (https://docs.aws.amazon.com/cli/latest/reference/organizations/describe-organization.html)
//! - `list-roots.json` — the one root and its enabled policy types
//!   (https://docs.aws.amazon.com/cli/latest/reference/organizations/list-roots.html)
//! - `list-organizational-units-for-parent/PARENT.json` and
//!   `list-accounts-for-parent/PARENT.json` for the root and every OU
//!   (https://docs.aws.amazon.com/cli/latest/reference/organizations/list-organizational-units-for-parent.html,
//!   https://docs.aws.amazon.com/cli/latest/reference/organizations/list-accounts-for-parent.html)
//! - `list-policies-for-target/SERVICE_CONTROL_POLICY/TARGET.json` and
//!   `…/RESOURCE_CONTROL_POLICY/TARGET.json` for every root, OU and account
//!   (https://docs.aws.amazon.com/cli/latest/reference/organizations/list-policies-for-target.html)
//! - `describe-policy/POLICY.json` for every policy attached — `Content`
//!   is the policy's JSON text as a string
//!   (https://docs.aws.amazon.com/cli/latest/reference/organizations/describe-policy.html)
//!
//! A policy type that the root does not list as `ENABLED` does not apply:
//! every node gets the AWS default full-access policy for it, as when the
//! type is disabled nothing is restricted. `RCPFullAWSAccess` cannot be
//! detached (https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps_evaluation.html),
//! so a list without it gets it, with a warning. A missing list is a
//! warning and the node keeps only the default; a policy that is attached
//! but whose `describe-policy` file is missing is an error (its content
//! cannot be guessed), except for the AWS managed `FullAWSAccess` and
//! `RCPFullAWSAccess`, whose content AWS fixes.
//!
//! Trusts `org::OrganizationBuilder` for the tree's shape.

use super::{relative_display, UsedFiles};
use crate::ingest::embedded_policy::{read_policy, PolicyCache};
use crate::ingest::located_file::{item_path, member, LocatedFile};
use crate::inventory::{InventoryPolicy, InventoryWarning, OrganizationPolicy, PolicyEncoding};
use crate::org::{
    full_access_policy_shared, OrgNode, OrgNodeKind, Organization, OrganizationBuilder,
    FULL_AWS_ACCESS, RCP_FULL_AWS_ACCESS,
};
use crate::policy::{PolicyDocument, PolicyKind};
use crate::source::{join_path, InputError};
use petgraph::graph::NodeIndex;
use std::collections::{BTreeMap, HashMap, VecDeque};
use std::path::Path;
use std::sync::Arc;

/// An account as `list-accounts-for-parent` lists it.
#[derive(Debug, Clone)]
pub(super) struct ListedAccount {
    pub id: String,
    pub name: Option<String>,
    pub email: Option<String>,
    pub status: Option<String>,
}

pub(super) struct OrganizationRead {
    pub organization: Organization,
    pub policies: BTreeMap<String, OrganizationPolicy>,
    pub accounts: Vec<ListedAccount>,
    /// The partition of the organization's ARN (`aws`, `aws-us-gov`, …).
    pub partition: String,
}

const SCP_FILTER: &str = "SERVICE_CONTROL_POLICY";
const RCP_FILTER: &str = "RESOURCE_CONTROL_POLICY";

struct Reader<'a> {
    directory: &'a Path,
    used: &'a mut UsedFiles,
    warnings: &'a mut Vec<InventoryWarning>,
    problems: &'a mut Vec<InputError>,
    cache: &'a PolicyCache,
    /// Policies read so far, by id; `None` when the policy could not be read.
    policies: HashMap<String, Option<(Arc<PolicyDocument>, OrganizationPolicy)>>,
}

impl Reader<'_> {
    /// Reads `relative`, marking it used; `None` when it is missing (no
    /// problem recorded) or unreadable (problem recorded).
    fn file(&mut self, relative: &str) -> Option<LocatedFile> {
        let path = self.directory.join(relative);
        if !path.is_file() {
            return None;
        }
        self.used.mark(&path);
        match LocatedFile::read(&path) {
            Ok(file) => Some(file),
            Err(error) => {
                self.problems.push(error);
                None
            }
        }
    }

    fn missing(&mut self, relative: &str, consequence: &str) {
        let path = relative_display(self.directory, relative);
        self.warnings.push(InventoryWarning::about_file(
            "missing-file",
            &path,
            format!("not collected: {consequence}"),
        ));
    }

    /// `(Id, Name)` of the items of `key` in a list file.
    fn listed(&mut self, file: &LocatedFile, key: &str) -> Vec<(String, Option<String>, usize)> {
        let result = (|| -> Result<Vec<(String, Option<String>, usize)>, InputError> {
            let members = file.object(&file.root, "")?;
            let items = file.optional_array(members, "", key)?;
            let mut listed = Vec::new();
            for (index, item) in items.iter().enumerate() {
                let path = item_path(key, index);
                let item_members = file.object(item, &path)?;
                let id = file.required_string(item_members, item, &path, "Id")?;
                let name = file.optional_string(item_members, &path, "Name")?;
                listed.push((id.to_string(), name.map(str::to_string), index));
            }
            Ok(listed)
        })();
        result.unwrap_or_else(|error| {
            self.problems.push(error);
            Vec::new()
        })
    }

    /// The policies of `kind` attached to `target`.
    fn attached(
        &mut self,
        target: &str,
        kind: PolicyKind,
        enabled: bool,
    ) -> Vec<Arc<PolicyDocument>> {
        let filter = if kind == PolicyKind::Scp {
            SCP_FILTER
        } else {
            RCP_FILTER
        };
        let relative = format!("list-policies-for-target/{filter}/{target}.json");
        let default = full_access_policy_shared(kind);
        let listed_file = self.file(&relative);
        if !enabled {
            if let Some(file) = listed_file {
                self.warnings.push(InventoryWarning::about_file(
                    "policy-type-not-enabled",
                    &file.file,
                    format!("{filter} is not enabled on the root (list-roots.json), so these policies do not apply"),
                ));
            }
            return vec![default];
        }
        let Some(file) = listed_file else {
            self.missing(
                &relative,
                &format!("the {filter}s attached to {target} are unknown; only the AWS default full-access policy is assumed there"),
            );
            return vec![default];
        };
        let result = (|| -> Result<Vec<(String, String, bool, usize)>, InputError> {
            let members = file.object(&file.root, "")?;
            let items = file.optional_array(members, "", "Policies")?;
            let mut listed = Vec::new();
            for (index, item) in items.iter().enumerate() {
                let path = item_path("Policies", index);
                let item_members = file.object(item, &path)?;
                let id = file.required_string(item_members, item, &path, "Id")?;
                let name = file
                    .optional_string(item_members, &path, "Name")?
                    .unwrap_or(id);
                if let Some(listed_type) = file.optional_string(item_members, &path, "Type")? {
                    if listed_type != filter {
                        return Err(file.error(
                            item,
                            &join_path(&path, "Type"),
                            format!("a {listed_type} in the list of {filter}s"),
                        ));
                    }
                }
                let aws_managed = match member(item_members, "AwsManaged") {
                    Some(value) => file.bool(value, &join_path(&path, "AwsManaged"))?,
                    None => false,
                };
                listed.push((id.to_string(), name.to_string(), aws_managed, index));
            }
            Ok(listed)
        })();
        let listed = match result {
            Ok(listed) => listed,
            Err(error) => {
                self.problems.push(error);
                return vec![default];
            }
        };
        if listed.is_empty() {
            self.problems.push(file.error(
                &file.root,
                "Policies",
                format!("AWS keeps at least one {filter} attached to every root, OU and account; an empty list cannot be right"),
            ));
            return vec![default];
        }
        let mut documents = Vec::new();
        for (id, name, aws_managed, index) in &listed {
            if let Some(document) = self.policy(id, name, *aws_managed, kind, &file, *index) {
                if let Some(Some((_, policy))) = self.policies.get_mut(id) {
                    policy.targets.push(target.to_string());
                }
                documents.push(document);
            }
        }
        if kind == PolicyKind::Rcp
            && !listed
                .iter()
                .any(|(_, name, _, _)| name == RCP_FULL_AWS_ACCESS)
        {
            documents.push(default);
            self.warnings.push(InventoryWarning::at(
                "rcp-full-access-attached",
                &file.file,
                file.root.position,
                "Policies",
                "RCPFullAWSAccess cannot be detached: it is attached here too, as AWS does",
            ));
        }
        documents
    }

    /// The document of policy `id`, read once.
    fn policy(
        &mut self,
        id: &str,
        name: &str,
        aws_managed: bool,
        kind: PolicyKind,
        listing: &LocatedFile,
        index: usize,
    ) -> Option<Arc<PolicyDocument>> {
        if let Some(read) = self.policies.get(id) {
            return read.as_ref().map(|(document, _)| document.clone());
        }
        let relative = format!("describe-policy/{id}.json");
        let read = match self.file(&relative) {
            Some(file) => self.described_policy(&file, id, kind),
            None => {
                let default_name = if kind == PolicyKind::Scp {
                    FULL_AWS_ACCESS
                } else {
                    RCP_FULL_AWS_ACCESS
                };
                if aws_managed && name == default_name {
                    // AWS fixes this policy's content; iamz has it built in.
                    let document = full_access_policy_shared(kind);
                    Some((
                        document.clone(),
                        OrganizationPolicy {
                            id: id.to_string(),
                            name: name.to_string(),
                            kind,
                            aws_managed,
                            policy: InventoryPolicy {
                                name: name.to_string(),
                                kind,
                                document,
                                provenance: listing.provenance(
                                    listed_item(listing, "Policies", index),
                                    &item_path("Policies", index),
                                    PolicyEncoding::Bundled,
                                ),
                            },
                            targets: Vec::new(),
                        },
                    ))
                } else {
                    self.problems.push(InputError::invalid(
                        &listing.file,
                        listed_item(listing, "Policies", index).position,
                        &item_path("Policies", index),
                        format!(
                            "policy {id} ({name}) is attached here, but {} was not collected, so what it allows is unknown",
                            relative_display(self.directory, &relative)
                        ),
                    ));
                    None
                }
            }
        };
        let document = read.as_ref().map(|(document, _)| document.clone());
        self.policies.insert(id.to_string(), read);
        document
    }

    fn described_policy(
        &mut self,
        file: &LocatedFile,
        id: &str,
        kind: PolicyKind,
    ) -> Option<(Arc<PolicyDocument>, OrganizationPolicy)> {
        let result = (|| -> Result<(Arc<PolicyDocument>, OrganizationPolicy), InputError> {
            let members = file.object(&file.root, "")?;
            let policy_node = file.required(members, &file.root, "", "Policy")?;
            let policy_members = file.object(policy_node, "Policy")?;
            let summary_node =
                file.required(policy_members, policy_node, "Policy", "PolicySummary")?;
            let summary = file.object(summary_node, "Policy.PolicySummary")?;
            let described_id =
                file.required_string(summary, summary_node, "Policy.PolicySummary", "Id")?;
            if described_id != id {
                return Err(file.error(
                    summary_node,
                    "Policy.PolicySummary.Id",
                    format!("this file describes {described_id}, but is named after {id}"),
                ));
            }
            let name = file
                .optional_string(summary, "Policy.PolicySummary", "Name")?
                .unwrap_or(id)
                .to_string();
            let aws_managed = match member(summary, "AwsManaged") {
                Some(value) => file.bool(value, "Policy.PolicySummary.AwsManaged")?,
                None => false,
            };
            let content = file.required(policy_members, policy_node, "Policy", "Content")?;
            let mut policy_warnings = Vec::new();
            let policy = read_policy(
                file,
                content,
                "Policy.Content",
                kind,
                &name,
                &name,
                &mut policy_warnings,
                self.cache,
            )?;
            self.warnings.extend(policy_warnings);
            Ok((
                policy.document.clone(),
                OrganizationPolicy {
                    id: id.to_string(),
                    name,
                    kind,
                    aws_managed,
                    policy,
                    targets: Vec::new(),
                },
            ))
        })();
        result.map_err(|error| self.problems.push(error)).ok()
    }
}

/// Reads the organization in `directory`; problems and warnings are
/// appended. `None` when it cannot be read at all.
pub(super) fn read(
    directory: &Path,
    used: &mut UsedFiles,
    warnings: &mut Vec<InventoryWarning>,
    problems: &mut Vec<InputError>,
    cache: &PolicyCache,
) -> Option<OrganizationRead> {
    let mut reader = Reader {
        directory,
        used,
        warnings,
        problems,
        cache,
        policies: HashMap::new(),
    };
    let Some(described) = reader.file("describe-organization.json") else {
        reader.problems.push(InputError::Unreadable {
            file: relative_display(directory, "describe-organization.json"),
            reason: "missing: the organization's id and management account are needed".to_string(),
        });
        return None;
    };
    let (organization_id, management_account, partition) = match (|| {
        let members = described.object(&described.root, "")?;
        let organization = described.required(members, &described.root, "", "Organization")?;
        let fields = described.object(organization, "Organization")?;
        let id = described.required_string(fields, organization, "Organization", "Id")?;
        let management =
            described.required_string(fields, organization, "Organization", "MasterAccountId")?;
        let arn = described.optional_string(fields, "Organization", "Arn")?;
        let partition = arn
            .and_then(|arn| arn.split(':').nth(1))
            .filter(|partition| !partition.is_empty())
            .unwrap_or("aws");
        Ok::<_, InputError>((
            id.to_string(),
            management.to_string(),
            partition.to_string(),
        ))
    })() {
        Ok(values) => values,
        Err(error) => {
            reader.problems.push(error);
            return None;
        }
    };
    let Some(roots_file) = reader.file("list-roots.json") else {
        reader.problems.push(InputError::Unreadable {
            file: relative_display(directory, "list-roots.json"),
            reason: "missing: the organization's root is needed".to_string(),
        });
        return None;
    };
    let root = match (|| {
        let members = roots_file.object(&roots_file.root, "")?;
        let roots = roots_file.optional_array(members, "", "Roots")?;
        let [root] = roots else {
            return Err(roots_file.error(
                &roots_file.root,
                "Roots",
                format!(
                    "an organization has exactly one root; this file lists {}",
                    roots.len()
                ),
            ));
        };
        let fields = roots_file.object(root, "Roots[0]")?;
        let id = roots_file.required_string(fields, root, "Roots[0]", "Id")?;
        let name = roots_file.optional_string(fields, "Roots[0]", "Name")?;
        let mut enabled = Vec::new();
        for (index, policy_type) in roots_file
            .optional_array(fields, "Roots[0]", "PolicyTypes")?
            .iter()
            .enumerate()
        {
            let path = format!("Roots[0].PolicyTypes[{index}]");
            let type_fields = roots_file.object(policy_type, &path)?;
            let kind = roots_file.required_string(type_fields, policy_type, &path, "Type")?;
            let status = roots_file.required_string(type_fields, policy_type, &path, "Status")?;
            if status == "ENABLED" {
                enabled.push(kind.to_string());
            }
        }
        if !id.starts_with("r-") {
            return Err(roots_file.error(
                root,
                "Roots[0].Id",
                format!("`{id}` is not a root id (`r-…`)"),
            ));
        }
        Ok::<_, InputError>((
            id.to_string(),
            name.map(str::to_string),
            enabled,
            root.position,
        ))
    })() {
        Ok(root) => root,
        Err(error) => {
            reader.problems.push(error);
            return None;
        }
    };
    let (root_id, root_name, enabled, root_position) = root;
    let scp_enabled = enabled.iter().any(|kind| kind == SCP_FILTER);
    let rcp_enabled = enabled.iter().any(|kind| kind == RCP_FILTER);
    let root_node = OrgNode {
        id: root_id.clone(),
        name: root_name.unwrap_or_default(),
        kind: OrgNodeKind::Root,
        scps: reader.attached(&root_id, PolicyKind::Scp, scp_enabled),
        rcps: reader.attached(&root_id, PolicyKind::Rcp, rcp_enabled),
    };
    let mut builder =
        match OrganizationBuilder::new(&organization_id, &management_account, root_node) {
            Ok(builder) => builder,
            Err(error) => {
                reader.problems.push(InputError::invalid(
                    &roots_file.file,
                    root_position,
                    "Roots[0]",
                    error.to_string(),
                ));
                return None;
            }
        };
    let mut accounts = Vec::new();
    let mut queue: VecDeque<(String, NodeIndex)> = VecDeque::from([(root_id, builder.root())]);
    while let Some((parent, parent_index)) = queue.pop_front() {
        let units_relative = format!("list-organizational-units-for-parent/{parent}.json");
        match reader.file(&units_relative) {
            Some(file) => {
                for (id, name, index) in reader.listed(&file, "OrganizationalUnits") {
                    if !id.starts_with("ou-") {
                        reader.problems.push(file.error(
                            listed_item(&file, "OrganizationalUnits", index),
                            &item_path("OrganizationalUnits", index),
                            format!("`{id}` is not an OU id (`ou-…`)"),
                        ));
                        continue;
                    }
                    let node = OrgNode {
                        id: id.clone(),
                        name: name.unwrap_or_default(),
                        kind: OrgNodeKind::OrganizationalUnit,
                        scps: reader.attached(&id, PolicyKind::Scp, scp_enabled),
                        rcps: reader.attached(&id, PolicyKind::Rcp, rcp_enabled),
                    };
                    match builder.add_child(parent_index, node) {
                        Ok(index) => queue.push_back((id, index)),
                        Err(error) => reader.problems.push(file.error(
                            listed_item(&file, "OrganizationalUnits", index),
                            &item_path("OrganizationalUnits", index),
                            error.to_string(),
                        )),
                    }
                }
            }
            None => reader.missing(
                &units_relative,
                &format!("the OUs under {parent} are unknown"),
            ),
        }
        let accounts_relative = format!("list-accounts-for-parent/{parent}.json");
        let Some(file) = reader.file(&accounts_relative) else {
            reader.missing(
                &accounts_relative,
                &format!("the accounts directly under {parent} are unknown"),
            );
            continue;
        };
        let result = (|| -> Result<Vec<(ListedAccount, usize)>, InputError> {
            let members = file.object(&file.root, "")?;
            let mut listed = Vec::new();
            for (index, item) in file
                .optional_array(members, "", "Accounts")?
                .iter()
                .enumerate()
            {
                let path = item_path("Accounts", index);
                let fields = file.object(item, &path)?;
                let id = file.required_string(fields, item, &path, "Id")?;
                if !(id.len() == 12 && id.bytes().all(|byte| byte.is_ascii_digit())) {
                    return Err(file.error(
                        item,
                        &join_path(&path, "Id"),
                        format!("`{id}` is not a 12-digit account id"),
                    ));
                }
                let status = match file.optional_string(fields, &path, "State")? {
                    Some(state) => Some(state),
                    None => file.optional_string(fields, &path, "Status")?,
                };
                listed.push((
                    ListedAccount {
                        id: id.to_string(),
                        name: file
                            .optional_string(fields, &path, "Name")?
                            .map(str::to_string),
                        email: file
                            .optional_string(fields, &path, "Email")?
                            .map(str::to_string),
                        status: status.map(str::to_string),
                    },
                    index,
                ));
            }
            Ok(listed)
        })();
        let listed = match result {
            Ok(listed) => listed,
            Err(error) => {
                reader.problems.push(error);
                continue;
            }
        };
        for (account, index) in listed {
            let node = OrgNode {
                id: account.id.clone(),
                name: account.name.clone().unwrap_or_default(),
                kind: OrgNodeKind::Account,
                scps: reader.attached(&account.id, PolicyKind::Scp, scp_enabled),
                rcps: reader.attached(&account.id, PolicyKind::Rcp, rcp_enabled),
            };
            match builder.add_child(parent_index, node) {
                Ok(_) => accounts.push(account),
                Err(error) => reader.problems.push(file.error(
                    listed_item(&file, "Accounts", index),
                    &item_path("Accounts", index),
                    error.to_string(),
                )),
            }
        }
    }
    let organization = builder.build();
    if !organization.contains_account(&organization.management_account) {
        reader.warnings.push(InventoryWarning::about_file(
            "management-account-not-listed",
            &described.file,
            format!(
                "the management account {} is not under any listed parent",
                organization.management_account
            ),
        ));
    }
    let policies = reader
        .policies
        .into_iter()
        .filter_map(|(id, read)| read.map(|(_, policy)| (id, policy)))
        .collect();
    Some(OrganizationRead {
        organization,
        policies,
        accounts,
        partition,
    })
}

fn listed_item<'f>(
    file: &'f LocatedFile,
    key: &str,
    index: usize,
) -> &'f crate::policy::json::JsonNode {
    use crate::policy::json::JsonValue;
    let JsonValue::Object(members) = &file.root.value else {
        return &file.root;
    };
    match member(members, key).map(|node| &node.value) {
        Some(JsonValue::Array(items)) => items.get(index).unwrap_or(&file.root),
        _ => &file.root,
    }
}
