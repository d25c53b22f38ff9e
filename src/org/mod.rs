//! The organization: a tree of root → OUs → accounts (petgraph), the SCPs and
//! RCPs attached at each node, and the management account.
//!
//! Source: "Service control policies (SCPs)" and "Resource control policies
//! (RCPs)" in the AWS Organizations User Guide
//! (https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps_evaluation.html,
//! https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps_evaluation.html):
//! a request must be allowed at every level from the root to the account;
//! the management account is exempt. A node whose `scps` (or `rcps`) is
//! omitted gets the AWS default, `FullAWSAccess` (`RCPFullAWSAccess`).

use crate::policy::json::{JsonNode, JsonValue};
use crate::policy::{Diagnostic, PolicyDocument, PolicyKind};
use crate::scenario::policy_reference::load_policy_reference;
use crate::semantics::derived_keys::OrganizationKeys;
use crate::source::{join_path, member, InputError, JsonSource};
use indexmap::IndexMap;
use petgraph::graph::{DiGraph, NodeIndex};
use std::path::Path;
use std::sync::Arc;

/// The AWS-managed policy attached by default at every level.
pub const FULL_AWS_ACCESS: &str = "FullAWSAccess";
pub const RCP_FULL_AWS_ACCESS: &str = "RCPFullAWSAccess";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OrgNodeKind {
    Root,
    OrganizationalUnit,
    Account,
}

/// One node of the tree.
#[derive(Debug, Clone)]
pub struct OrgNode {
    /// `r-…`, `ou-…`, or the 12-digit account id.
    pub id: String,
    pub name: String,
    pub kind: OrgNodeKind,
    pub scps: Vec<Arc<PolicyDocument>>,
    pub rcps: Vec<Arc<PolicyDocument>>,
}

impl OrgNode {
    /// The label used in explanations: the name when given, else the id.
    pub fn label(&self) -> &str {
        if self.name.is_empty() {
            &self.id
        } else {
            &self.name
        }
    }
}

/// An organization.
#[derive(Debug, Clone)]
pub struct Organization {
    pub id: String,
    pub management_account: String,
    tree: DiGraph<OrgNode, ()>,
    root: NodeIndex,
    accounts: IndexMap<String, NodeIndex>,
    /// Computed on first use: see [`Organization::levels`].
    levels: std::sync::OnceLock<Vec<OrgLevel>>,
    /// Computed on first use: see [`Organization::key_facts`].
    key_facts: std::sync::OnceLock<Arc<OrganizationKeys>>,
}

/// One node of the tree with the member accounts under it: what an SCP or
/// RCP level needs to know whom it restricts.
#[derive(Debug, Clone)]
pub struct OrgLevel {
    pub node: NodeIndex,
    /// The member accounts (not the management account) at or under the
    /// node, sorted.
    pub member_accounts: Arc<[String]>,
}

fn full_access(name: &str, kind: PolicyKind) -> Arc<PolicyDocument> {
    // The documents as AWS publishes them; RCPs name principals.
    let text = if kind == PolicyKind::Rcp {
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}]}"#
    } else {
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#
    };
    let mut document = crate::policy::parse_policy(text, name, Some(kind))
        .expect("the built-in full-access policy parses")
        .document;
    document.name = name.to_string();
    Arc::new(document)
}

/// The full-access policy AWS attaches by default: `FullAWSAccess` for
/// SCPs, `RCPFullAWSAccess` for RCPs (and for any other kind). One shared
/// copy per kind.
pub fn full_access_policy(kind: PolicyKind) -> &'static PolicyDocument {
    static SCP: std::sync::OnceLock<Arc<PolicyDocument>> = std::sync::OnceLock::new();
    static RCP: std::sync::OnceLock<Arc<PolicyDocument>> = std::sync::OnceLock::new();
    match kind {
        PolicyKind::Scp => SCP.get_or_init(|| full_access(FULL_AWS_ACCESS, PolicyKind::Scp)),
        _ => RCP.get_or_init(|| full_access(RCP_FULL_AWS_ACCESS, PolicyKind::Rcp)),
    }
}

impl Organization {
    /// Reads an organization file.
    pub fn load(path: &Path, warnings: &mut Vec<Diagnostic>) -> Result<Organization, InputError> {
        let source = JsonSource::load(path)?;
        Organization::from_source(&source, &source.root, "", warnings)
    }

    /// Reads an organization from a node of an already-open file.
    pub fn from_source(
        source: &JsonSource,
        node: &JsonNode,
        path: &str,
        warnings: &mut Vec<Diagnostic>,
    ) -> Result<Organization, InputError> {
        let members = source.object(
            node,
            path,
            &["id", "management_account", "root", "policies"],
        )?;
        let required = |key: &str| {
            member(members, key)
                .ok_or_else(|| source.error(node, path, format!("the organization needs `{key}`")))
        };
        let id = source
            .string(required("id")?, &join_path(path, "id"))?
            .to_string();
        let management_account = source
            .string(
                required("management_account")?,
                &join_path(path, "management_account"),
            )?
            .to_string();
        // The named policies, loaded once, each with its kind decided by use.
        let mut named: IndexMap<String, (JsonNode, String)> = IndexMap::new();
        if let Some(policies) = member(members, "policies") {
            let policies_path = join_path(path, "policies");
            for (key, value) in source.object(policies, &policies_path, &[])? {
                named.insert(
                    key.text.clone(),
                    (value.clone(), join_path(&policies_path, &key.text)),
                );
            }
        }
        let mut builder = TreeBuilder {
            source,
            named: &named,
            cache: IndexMap::new(),
            tree: DiGraph::new(),
            accounts: IndexMap::new(),
            warnings,
        };
        let root_node = required("root")?;
        let root = builder.node(root_node, &join_path(path, "root"), None)?;
        if builder.tree[root].kind != OrgNodeKind::Root {
            return Err(source.error(
                root_node,
                &join_path(path, "root"),
                "the root's id must start with `r-`",
            ));
        }
        let TreeBuilder { tree, accounts, .. } = builder;
        Ok(Organization {
            id,
            management_account,
            tree,
            root,
            accounts,
            levels: std::sync::OnceLock::new(),
            key_facts: std::sync::OnceLock::new(),
        })
    }

    pub fn contains_account(&self, account: &str) -> bool {
        self.accounts.contains_key(account)
    }

    pub fn is_member_account(&self, account: &str) -> bool {
        self.contains_account(account) && account != self.management_account
    }

    /// The accounts, in file order.
    pub fn accounts(&self) -> impl Iterator<Item = &OrgNode> {
        self.accounts.values().map(|index| &self.tree[*index])
    }

    /// What the organization puts in a request's context: its id and each
    /// account's org path (`aws:PrincipalOrgPaths`). Computed once.
    pub fn key_facts(&self) -> Arc<OrganizationKeys> {
        self.key_facts
            .get_or_init(|| {
                Arc::new(OrganizationKeys {
                    id: self.id.clone(),
                    paths: self
                        .accounts
                        .keys()
                        .filter_map(|account| Some((account.clone(), self.org_path(account)?)))
                        .collect(),
                })
            })
            .clone()
    }

    /// The node of a level.
    pub fn node(&self, index: NodeIndex) -> &OrgNode {
        &self.tree[index]
    }

    /// Every node that has a member account at or under it, each with those
    /// accounts; parents before children, in the order the accounts' paths
    /// first reach them (accounts in file order). Computed once.
    pub fn levels(&self) -> &[OrgLevel] {
        self.levels.get_or_init(|| {
            let mut members: IndexMap<NodeIndex, Vec<String>> = IndexMap::new();
            for (account, index) in &self.accounts {
                if *account == self.management_account {
                    continue;
                }
                for node in self.path_indices(*index) {
                    members.entry(node).or_default().push(account.clone());
                }
            }
            members
                .into_iter()
                .map(|(node, mut accounts)| {
                    accounts.sort();
                    accounts.dedup();
                    OrgLevel {
                        node,
                        member_accounts: accounts.into(),
                    }
                })
                .collect()
        })
    }

    /// The levels on the path from the root to the account (inclusive).
    pub fn levels_of(&self, account: &str) -> Vec<&OrgLevel> {
        let Some(index) = self.accounts.get(account) else {
            return Vec::new();
        };
        let path = self.path_indices(*index);
        self.levels()
            .iter()
            .filter(|level| path.contains(&level.node))
            .collect()
    }

    /// Node indices from the root down to `index` (inclusive).
    fn path_indices(&self, mut index: NodeIndex) -> Vec<NodeIndex> {
        let mut path = vec![index];
        while let Some(parent) = self
            .tree
            .neighbors_directed(index, petgraph::Direction::Incoming)
            .next()
        {
            path.push(parent);
            index = parent;
        }
        path.reverse();
        path
    }

    /// The nodes from the root down to the account (inclusive).
    pub fn path_to(&self, account: &str) -> Option<Vec<&OrgNode>> {
        let mut index = *self.accounts.get(account)?;
        let mut path = vec![&self.tree[index]];
        while let Some(parent) = self
            .tree
            .neighbors_directed(index, petgraph::Direction::Incoming)
            .next()
        {
            path.push(&self.tree[parent]);
            index = parent;
        }
        path.reverse();
        debug_assert_eq!(
            path.first().map(|node| node.id.as_str()),
            Some(self.tree[self.root].id.as_str())
        );
        Some(path)
    }

    /// `aws:PrincipalOrgPaths`/`aws:ResourceOrgPaths` value of an account:
    /// `o-id/r-id/ou-…/…/` (the account itself is not part of it).
    pub fn org_path(&self, account: &str) -> Option<String> {
        let path = self.path_to(account)?;
        let mut text = format!("{}/", self.id);
        for node in &path[..path.len() - 1] {
            text.push_str(&node.id);
            text.push('/');
        }
        Some(text)
    }
}

struct TreeBuilder<'a> {
    source: &'a JsonSource,
    named: &'a IndexMap<String, (JsonNode, String)>,
    cache: IndexMap<(String, PolicyKind), Arc<PolicyDocument>>,
    tree: DiGraph<OrgNode, ()>,
    accounts: IndexMap<String, NodeIndex>,
    warnings: &'a mut Vec<Diagnostic>,
}

impl TreeBuilder<'_> {
    fn policies(
        &mut self,
        node: Option<&JsonNode>,
        path: &str,
        kind: PolicyKind,
    ) -> Result<Vec<Arc<PolicyDocument>>, InputError> {
        let default = if kind == PolicyKind::Scp {
            FULL_AWS_ACCESS
        } else {
            RCP_FULL_AWS_ACCESS
        };
        let Some(node) = node else {
            return Ok(vec![full_access(default, kind)]);
        };
        let names = self.source.string_list(node, path)?;
        if names.is_empty() {
            return Err(self.source.error(
                node,
                path,
                "AWS requires at least one policy attached at every level; list FullAWSAccess to allow everything",
            ));
        }
        let mut documents = Vec::new();
        for (index, name) in names.iter().enumerate() {
            if let Some(document) = self.cache.get(&(name.clone(), kind)) {
                documents.push(document.clone());
                continue;
            }
            let document = match self.named.get(name) {
                Some((policy_node, policy_path)) => load_policy_reference(
                    self.source,
                    policy_node,
                    policy_path,
                    kind,
                    name,
                    self.warnings,
                )?,
                None if name == default => full_access(default, kind),
                None => {
                    return Err(self.source.error(
                        node,
                        &format!("{path}[{index}]"),
                        format!("policy `{name}` is not defined in `policies`"),
                    ))
                }
            };
            let mut document = (*document).clone();
            document.name = name.clone();
            let document = Arc::new(document);
            self.cache.insert((name.clone(), kind), document.clone());
            documents.push(document);
        }
        // RCPFullAWSAccess is attached to every root, OU and account and
        // cannot be detached (https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps_evaluation.html):
        // a list that leaves it out still has it.
        if kind == PolicyKind::Rcp && !names.iter().any(|name| name == RCP_FULL_AWS_ACCESS) {
            documents.push(full_access(RCP_FULL_AWS_ACCESS, kind));
            self.warnings.push(Diagnostic {
                location: crate::policy::SourceLocation {
                    file: self.source.file.clone(),
                    position: node.position,
                    json_path: path.to_string(),
                },
                code: "rcp-full-access-attached",
                message:
                    "RCPFullAWSAccess cannot be detached: it is attached here too, as AWS does"
                        .to_string(),
            });
        }
        Ok(documents)
    }

    fn node(
        &mut self,
        node: &JsonNode,
        path: &str,
        parent: Option<NodeIndex>,
    ) -> Result<NodeIndex, InputError> {
        let members =
            self.source
                .object(node, path, &["id", "name", "scps", "rcps", "children"])?;
        let id_node = member(members, "id")
            .ok_or_else(|| self.source.error(node, path, "every node needs an `id`"))?;
        let id = self
            .source
            .string(id_node, &join_path(path, "id"))?
            .to_string();
        let kind = if id.starts_with("r-") {
            OrgNodeKind::Root
        } else if id.starts_with("ou-") {
            OrgNodeKind::OrganizationalUnit
        } else if id.len() == 12 && id.bytes().all(|byte| byte.is_ascii_digit()) {
            OrgNodeKind::Account
        } else {
            return Err(self.source.error(
                id_node,
                &join_path(path, "id"),
                "a node id is `r-…` (root), `ou-…` (OU) or a 12-digit account id",
            ));
        };
        if parent.is_some() && kind == OrgNodeKind::Root {
            return Err(self.source.error(
                id_node,
                &join_path(path, "id"),
                "only the top node may be the root",
            ));
        }
        let name = match member(members, "name") {
            Some(name) => self
                .source
                .string(name, &join_path(path, "name"))?
                .to_string(),
            None => String::new(),
        };
        let scps = self.policies(
            member(members, "scps"),
            &join_path(path, "scps"),
            PolicyKind::Scp,
        )?;
        let rcps = self.policies(
            member(members, "rcps"),
            &join_path(path, "rcps"),
            PolicyKind::Rcp,
        )?;
        let index = self.tree.add_node(OrgNode {
            id: id.clone(),
            name,
            kind,
            scps,
            rcps,
        });
        if let Some(parent) = parent {
            self.tree.add_edge(parent, index, ());
        }
        if kind == OrgNodeKind::Account {
            if self.accounts.insert(id.clone(), index).is_some() {
                return Err(self.source.error(
                    id_node,
                    &join_path(path, "id"),
                    format!("account {id} appears twice"),
                ));
            }
            if member(members, "children").is_some() {
                return Err(self.source.error(
                    node,
                    &join_path(path, "children"),
                    "an account has no children",
                ));
            }
        }
        if let Some(children) = member(members, "children") {
            let children_path = join_path(path, "children");
            let JsonValue::Array(items) = &children.value else {
                return Err(self.source.error(
                    children,
                    &children_path,
                    "expected an array of nodes",
                ));
            };
            for (child_index, child) in items.iter().enumerate() {
                self.node(
                    child,
                    &format!("{children_path}[{child_index}]"),
                    Some(index),
                )?;
            }
        }
        Ok(index)
    }
}
