//! One account's IAM from `aws iam get-account-authorization-details`
//! (https://docs.aws.amazon.com/cli/latest/reference/iam/get-account-authorization-details.html,
//! shapes: https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetAccountAuthorizationDetails.html):
//! `UserDetailList`, `GroupDetailList`, `RoleDetailList` and `Policies`,
//! in one file (the CLI merges pages by default) or in several pages
//! (`get-account-authorization-details*.json` in `iam/`, read in natural
//! order: `-2` before `-10`). Documents may be objects (the CLI decodes
//! them) or URL-encoded strings (the API's own form).
//!
//! A last page that still says more follow (`IsTruncated`, `Marker` or
//! `NextToken`) is a warning: some principals are missing. A principal or
//! policy given on two pages is a warning and the first is kept. An ARN of
//! another account than the folder's is an error: the folder would file
//! it where no lookup finds it.
//!
//! Trusts `embedded_policy` for documents.

use crate::ingest::embedded_policy::{read_policy, PolicyCache};
use crate::ingest::located_file::{item_path, member, LocatedFile};
use crate::inventory::principals::inline_policy_label;
use crate::inventory::{
    Account, AttachedPolicy, Group, InventoryWarning, ManagedPolicy, PolicyEncoding, Role, User,
};
use crate::policy::json::{JsonKey, JsonNode, JsonValue};
use crate::policy::PolicyKind;
use crate::source::{join_path, InputError};
use indexmap::IndexMap;
use std::path::PathBuf;
use std::sync::Arc;

type Members = [(JsonKey, JsonNode)];

struct Page<'a> {
    file: &'a LocatedFile,
    account: &'a str,
    warnings: &'a mut Vec<InventoryWarning>,
    cache: &'a PolicyCache,
}

impl Page<'_> {
    /// The ARN at `key`, checked to be an IAM ARN of this account (or, for
    /// policies, of AWS).
    fn arn(
        &self,
        members: &Members,
        node: &JsonNode,
        path: &str,
        allow_aws: bool,
    ) -> Result<String, InputError> {
        let arn = self.file.required_string(members, node, path, "Arn")?;
        let account = crate::policy::pattern::split_arn(arn)
            .filter(|parts| parts[2] == "iam")
            .map(|parts| parts[4]);
        match account {
            Some(account) if account == self.account || (allow_aws && account == "aws") => {
                Ok(arn.to_string())
            }
            Some(account) => Err(self.file.error(
                node,
                &join_path(path, "Arn"),
                format!(
                    "`{arn}` is of account {account}, but this file is in the folder of account {}",
                    self.account
                ),
            )),
            None => Err(self.file.error(
                node,
                &join_path(path, "Arn"),
                format!("`{arn}` is not an IAM ARN"),
            )),
        }
    }

    fn path_of(&self, members: &Members, path: &str) -> Result<String, InputError> {
        Ok(self
            .file
            .optional_string(members, path, "Path")?
            .unwrap_or("/")
            .to_string())
    }

    fn inline_policies(
        &mut self,
        members: &Members,
        path: &str,
        key: &str,
        owner_kind: &str,
        owner: &str,
    ) -> Result<Vec<crate::inventory::InventoryPolicy>, InputError> {
        let list_path = join_path(path, key);
        let mut policies = Vec::new();
        for (index, item) in self
            .file
            .optional_array(members, path, key)?
            .iter()
            .enumerate()
        {
            let item_path = item_path(&list_path, index);
            let fields = self.file.object(item, &item_path)?;
            let name = self
                .file
                .required_string(fields, item, &item_path, "PolicyName")?;
            let document = self
                .file
                .required(fields, item, &item_path, "PolicyDocument")?;
            policies.push(read_policy(
                self.file,
                document,
                &join_path(&item_path, "PolicyDocument"),
                PolicyKind::Identity,
                name,
                &inline_policy_label(owner_kind, owner, name),
                self.warnings,
                self.cache,
            )?);
        }
        Ok(policies)
    }

    fn attached(&self, members: &Members, path: &str) -> Result<Vec<AttachedPolicy>, InputError> {
        let list_path = join_path(path, "AttachedManagedPolicies");
        let mut attached = Vec::new();
        for (index, item) in self
            .file
            .optional_array(members, path, "AttachedManagedPolicies")?
            .iter()
            .enumerate()
        {
            let item_path = item_path(&list_path, index);
            let fields = self.file.object(item, &item_path)?;
            let arn = self
                .file
                .required_string(fields, item, &item_path, "PolicyArn")?;
            let name = self
                .file
                .optional_string(fields, &item_path, "PolicyName")?
                .unwrap_or_default();
            attached.push(AttachedPolicy {
                arn: arn.to_string(),
                name: name.to_string(),
                provenance: self
                    .file
                    .provenance(item, &item_path, PolicyEncoding::Document),
            });
        }
        Ok(attached)
    }

    fn boundary(
        &self,
        members: &Members,
        path: &str,
    ) -> Result<Option<AttachedPolicy>, InputError> {
        let Some(node) = member(members, "PermissionsBoundary") else {
            return Ok(None);
        };
        let boundary_path = join_path(path, "PermissionsBoundary");
        let fields = self.file.object(node, &boundary_path)?;
        // An empty object is what some tools print for "no boundary".
        let Some(arn) =
            self.file
                .optional_string(fields, &boundary_path, "PermissionsBoundaryArn")?
        else {
            return Ok(None);
        };
        Ok(Some(AttachedPolicy {
            arn: arn.to_string(),
            name: String::new(),
            provenance: self
                .file
                .provenance(node, &boundary_path, PolicyEncoding::Document),
        }))
    }

    fn duplicate(&mut self, node: &JsonNode, path: &str, what: String) {
        self.warnings.push(InventoryWarning::at(
            "duplicate-entry",
            &self.file.file,
            node.position,
            path,
            format!("{what} is given on an earlier page too; the earlier one is kept"),
        ));
    }
}

/// `[{"Key": …, "Value": …}]` as a map.
pub(super) fn key_value_tags(
    file: &LocatedFile,
    members: &Members,
    path: &str,
    key: &str,
    key_field: &str,
    value_field: &str,
) -> Result<IndexMap<String, String>, InputError> {
    let list_path = join_path(path, key);
    let mut tags = IndexMap::new();
    for (index, item) in file.optional_array(members, path, key)?.iter().enumerate() {
        let item_path = item_path(&list_path, index);
        let fields = file.object(item, &item_path)?;
        let tag_key = file.required_string(fields, item, &item_path, key_field)?;
        let value = file
            .optional_string(fields, &item_path, value_field)?
            .unwrap_or_default();
        tags.insert(tag_key.to_string(), value.to_string());
    }
    Ok(tags)
}

fn read_user(page: &mut Page<'_>, item: &JsonNode, path: &str) -> Result<User, InputError> {
    let members = page.file.object(item, path)?;
    let name = page
        .file
        .required_string(members, item, path, "UserName")?
        .to_string();
    let mut groups = Vec::new();
    for (index, group) in page
        .file
        .optional_array(members, path, "GroupList")?
        .iter()
        .enumerate()
    {
        groups.push(
            page.file
                .string(group, &item_path(&join_path(path, "GroupList"), index))?
                .to_string(),
        );
    }
    Ok(User {
        arn: page.arn(members, item, path, false)?,
        path: page.path_of(members, path)?,
        groups,
        inline_policies: page.inline_policies(members, path, "UserPolicyList", "user", &name)?,
        attached_policies: page.attached(members, path)?,
        permissions_boundary: page.boundary(members, path)?,
        tags: key_value_tags(page.file, members, path, "Tags", "Key", "Value")?,
        provenance: page.file.provenance(item, path, PolicyEncoding::Document),
        name,
    })
}

fn read_group(page: &mut Page<'_>, item: &JsonNode, path: &str) -> Result<Group, InputError> {
    let members = page.file.object(item, path)?;
    let name = page
        .file
        .required_string(members, item, path, "GroupName")?
        .to_string();
    Ok(Group {
        arn: page.arn(members, item, path, false)?,
        path: page.path_of(members, path)?,
        inline_policies: page.inline_policies(members, path, "GroupPolicyList", "group", &name)?,
        attached_policies: page.attached(members, path)?,
        provenance: page.file.provenance(item, path, PolicyEncoding::Document),
        name,
    })
}

fn read_role(page: &mut Page<'_>, item: &JsonNode, path: &str) -> Result<Role, InputError> {
    let members = page.file.object(item, path)?;
    let name = page
        .file
        .required_string(members, item, path, "RoleName")?
        .to_string();
    let trust_policy = match member(members, "AssumeRolePolicyDocument") {
        Some(document) => Some(read_policy(
            page.file,
            document,
            &join_path(path, "AssumeRolePolicyDocument"),
            PolicyKind::Trust,
            "trust-policy",
            &format!("role/{name}/trust-policy"),
            page.warnings,
            page.cache,
        )?),
        None => {
            page.warnings.push(InventoryWarning::at(
                "missing-trust-policy",
                &page.file.file,
                item.position,
                path,
                format!("role {name} has no AssumeRolePolicyDocument here; nobody can be shown to assume it"),
            ));
            None
        }
    };
    Ok(Role {
        arn: page.arn(members, item, path, false)?,
        path: page.path_of(members, path)?,
        trust_policy,
        inline_policies: page.inline_policies(members, path, "RolePolicyList", "role", &name)?,
        attached_policies: page.attached(members, path)?,
        permissions_boundary: page.boundary(members, path)?,
        tags: key_value_tags(page.file, members, path, "Tags", "Key", "Value")?,
        provenance: page.file.provenance(item, path, PolicyEncoding::Document),
        name,
    })
}

fn read_managed_policy(
    page: &mut Page<'_>,
    item: &JsonNode,
    path: &str,
) -> Result<ManagedPolicy, InputError> {
    let members = page.file.object(item, path)?;
    let arn = page.arn(members, item, path, true)?;
    let name = page
        .file
        .required_string(members, item, path, "PolicyName")?
        .to_string();
    let default_version = page
        .file
        .optional_string(members, path, "DefaultVersionId")?;
    let versions_path = join_path(path, "PolicyVersionList");
    let mut chosen = None;
    for (index, version) in page
        .file
        .optional_array(members, path, "PolicyVersionList")?
        .iter()
        .enumerate()
    {
        let version_path = item_path(&versions_path, index);
        let fields = page.file.object(version, &version_path)?;
        let is_default = match member(fields, "IsDefaultVersion") {
            Some(value) => page
                .file
                .bool(value, &join_path(&version_path, "IsDefaultVersion"))?,
            None => false,
        };
        let version_id = page
            .file
            .optional_string(fields, &version_path, "VersionId")?;
        if is_default || (version_id.is_some() && version_id == default_version) {
            chosen = Some((
                version,
                fields,
                version_path,
                version_id.unwrap_or_default().to_string(),
            ));
            break;
        }
    }
    let Some((version, fields, version_path, version_id)) = chosen else {
        return Err(page.file.error(
            item,
            &versions_path,
            format!("managed policy {arn} lists no default version, so which document applies is unknown"),
        ));
    };
    let document = page
        .file
        .required(fields, version, &version_path, "Document")?;
    let policy = read_policy(
        page.file,
        document,
        &join_path(&version_path, "Document"),
        PolicyKind::Identity,
        &name,
        &arn,
        page.warnings,
        page.cache,
    )?;
    Ok(ManagedPolicy {
        path: page.path_of(members, path)?,
        default_version: default_version.map_or(version_id, str::to_string),
        policy,
        arn,
        name,
    })
}

/// Whether a page says more follow.
fn says_more_follow(file: &LocatedFile) -> bool {
    let JsonValue::Object(members) = &file.root.value else {
        return false;
    };
    let truncated = matches!(
        member(members, "IsTruncated").map(|node| &node.value),
        Some(JsonValue::Bool(true))
    );
    truncated || member(members, "NextToken").is_some() || member(members, "Marker").is_some()
}

/// Reads the pages (sorted) into `account`.
pub(super) fn read_pages(
    account: &mut Account,
    pages: &[PathBuf],
    warnings: &mut Vec<InventoryWarning>,
    problems: &mut Vec<InputError>,
    cache: &PolicyCache,
) {
    let account_id = account.id.clone();
    for (page_index, path) in pages.iter().enumerate() {
        let file = match LocatedFile::read(path) {
            Ok(file) => file,
            Err(error) => {
                problems.push(error);
                continue;
            }
        };
        account.iam_collected = true;
        let mut page = Page {
            file: &file,
            account: &account_id,
            warnings: &mut *warnings,
            cache,
        };
        let members = match file.object(&file.root, "") {
            Ok(members) => members,
            Err(error) => {
                problems.push(error);
                continue;
            }
        };
        let lists = [
            "UserDetailList",
            "GroupDetailList",
            "RoleDetailList",
            "Policies",
        ];
        for key in lists {
            let items = match file.optional_array(members, "", key) {
                Ok(items) => items,
                Err(error) => {
                    problems.push(error);
                    continue;
                }
            };
            for (index, item) in items.iter().enumerate() {
                let path = item_path(key, index);
                let result = match key {
                    "UserDetailList" => read_user(&mut page, item, &path).map(|user| {
                        if account.users.contains_key(&user.name) {
                            page.duplicate(item, &path, format!("user {}", user.arn));
                        } else {
                            account.users.insert(user.name.clone(), user);
                        }
                    }),
                    "GroupDetailList" => read_group(&mut page, item, &path).map(|group| {
                        if account.groups.contains_key(&group.name) {
                            page.duplicate(item, &path, format!("group {}", group.arn));
                        } else {
                            account.groups.insert(group.name.clone(), group);
                        }
                    }),
                    "RoleDetailList" => read_role(&mut page, item, &path).map(|role| {
                        if account.roles.contains_key(&role.name) {
                            page.duplicate(item, &path, format!("role {}", role.arn));
                        } else {
                            account.roles.insert(role.name.clone(), role);
                        }
                    }),
                    _ => read_managed_policy(&mut page, item, &path).map(|policy| {
                        if account.managed_policies.contains_key(&policy.arn) {
                            page.duplicate(item, &path, format!("managed policy {}", policy.arn));
                        } else {
                            account
                                .managed_policies
                                .insert(policy.arn.clone(), Arc::new(policy));
                        }
                    }),
                };
                if let Err(error) = result {
                    problems.push(error);
                }
            }
        }
        if page_index + 1 == pages.len() && says_more_follow(&file) {
            warnings.push(InventoryWarning::about_file(
                "missing-pages",
                &file.file,
                "this is the last page collected, but it says more follow (IsTruncated, Marker or NextToken): principals and policies on the missing pages are not in the inventory",
            ));
        }
    }
}
