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

/// An organization. Cloning it is cheap: the tree and what is computed
/// from it are shared, so a scenario projected from an inventory of 1,000
/// accounts does not copy them.
#[derive(Debug, Clone)]
pub struct Organization {
    pub id: String,
    pub management_account: String,
    shared: Arc<SharedTree>,
}

/// The parts of an organization that clones share.
#[derive(Debug)]
struct SharedTree {
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
    shared_full_access(kind)
}

/// The same policy as [`full_access_policy`], as the shared copy that the
/// nodes of a built organization hold.
pub fn full_access_policy_shared(kind: PolicyKind) -> Arc<PolicyDocument> {
    shared_full_access(kind).clone()
}

fn shared_full_access(kind: PolicyKind) -> &'static Arc<PolicyDocument> {
    static SCP: std::sync::OnceLock<Arc<PolicyDocument>> = std::sync::OnceLock::new();
    static RCP: std::sync::OnceLock<Arc<PolicyDocument>> = std::sync::OnceLock::new();
    match kind {
        PolicyKind::Scp => SCP.get_or_init(|| full_access(FULL_AWS_ACCESS, PolicyKind::Scp)),
        _ => RCP.get_or_init(|| full_access(RCP_FULL_AWS_ACCESS, PolicyKind::Rcp)),
    }
}

/// Why nodes given one by one do not make an organization.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OrganizationShapeError {
    #[error("the top node `{0}` is not a root (`r-…`)")]
    TopIsNotRoot(String),
    #[error("`{0}` is a root, which only the top node may be")]
    SecondRoot(String),
    #[error("`{child}` is placed under account `{parent}`; an account has no children")]
    ChildOfAccount { parent: String, child: String },
    #[error("account {0} appears twice")]
    DuplicateAccount(String),
    #[error("organizational unit {0} appears twice")]
    DuplicateOrganizationalUnit(String),
}

/// Builds an organization from nodes given one by one, for readers of other
/// formats than the organization file (AWS CLI output, plans). Checks the
/// same shape rules as the file reader: one root on top, accounts are
/// leaves, no account or OU twice.
#[derive(Debug)]
pub struct OrganizationBuilder {
    id: String,
    management_account: String,
    tree: DiGraph<OrgNode, ()>,
    root: NodeIndex,
    accounts: IndexMap<String, NodeIndex>,
    organizational_units: std::collections::HashSet<String>,
}

impl OrganizationBuilder {
    pub fn new(
        id: &str,
        management_account: &str,
        root: OrgNode,
    ) -> Result<OrganizationBuilder, OrganizationShapeError> {
        if root.kind != OrgNodeKind::Root {
            return Err(OrganizationShapeError::TopIsNotRoot(root.id));
        }
        let mut tree = DiGraph::new();
        let root = tree.add_node(root);
        Ok(OrganizationBuilder {
            id: id.to_string(),
            management_account: management_account.to_string(),
            tree,
            root,
            accounts: IndexMap::new(),
            organizational_units: std::collections::HashSet::new(),
        })
    }

    pub fn root(&self) -> NodeIndex {
        self.root
    }

    /// Places `node` under `parent`; returns the new node's index.
    pub fn add_child(
        &mut self,
        parent: NodeIndex,
        node: OrgNode,
    ) -> Result<NodeIndex, OrganizationShapeError> {
        let parent_node = &self.tree[parent];
        if parent_node.kind == OrgNodeKind::Account {
            return Err(OrganizationShapeError::ChildOfAccount {
                parent: parent_node.id.clone(),
                child: node.id,
            });
        }
        match node.kind {
            OrgNodeKind::Root => return Err(OrganizationShapeError::SecondRoot(node.id)),
            OrgNodeKind::Account if self.accounts.contains_key(&node.id) => {
                return Err(OrganizationShapeError::DuplicateAccount(node.id))
            }
            OrgNodeKind::OrganizationalUnit
                if !self.organizational_units.insert(node.id.clone()) =>
            {
                return Err(OrganizationShapeError::DuplicateOrganizationalUnit(node.id))
            }
            _ => {}
        }
        let kind = node.kind;
        let id = node.id.clone();
        let index = self.tree.add_node(node);
        self.tree.add_edge(parent, index, ());
        if kind == OrgNodeKind::Account {
            self.accounts.insert(id, index);
        }
        Ok(index)
    }

    pub fn build(self) -> Organization {
        Organization::from_tree(
            self.id,
            self.management_account,
            self.tree,
            self.root,
            self.accounts,
        )
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
        Ok(Organization::from_tree(
            id,
            management_account,
            tree,
            root,
            accounts,
        ))
    }

    fn from_tree(
        id: String,
        management_account: String,
        tree: DiGraph<OrgNode, ()>,
        root: NodeIndex,
        accounts: IndexMap<String, NodeIndex>,
    ) -> Organization {
        Organization {
            id,
            management_account,
            shared: Arc::new(SharedTree {
                tree,
                root,
                accounts,
                levels: std::sync::OnceLock::new(),
                key_facts: std::sync::OnceLock::new(),
            }),
        }
    }

    /// The root node.
    pub fn root_node(&self) -> &OrgNode {
        &self.shared.tree[self.shared.root]
    }

    /// Every node: root, OUs and accounts, in the order they were added.
    pub fn nodes(&self) -> impl Iterator<Item = &OrgNode> {
        self.shared.tree.node_weights()
    }

    pub fn contains_account(&self, account: &str) -> bool {
        self.shared.accounts.contains_key(account)
    }

    pub fn is_member_account(&self, account: &str) -> bool {
        self.contains_account(account) && account != self.management_account
    }

    /// The accounts, in file order.
    pub fn accounts(&self) -> impl Iterator<Item = &OrgNode> {
        self.shared
            .accounts
            .values()
            .map(|index| &self.shared.tree[*index])
    }

    /// What the organization puts in a request's context: its id and each
    /// account's org path (`aws:PrincipalOrgPaths`). Computed once.
    pub fn key_facts(&self) -> Arc<OrganizationKeys> {
        self.shared
            .key_facts
            .get_or_init(|| {
                Arc::new(OrganizationKeys {
                    id: self.id.clone(),
                    paths: self
                        .shared
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
        &self.shared.tree[index]
    }

    /// Every node that has a member account at or under it, each with those
    /// accounts; parents before children, in the order the accounts' paths
    /// first reach them (accounts in file order). Computed once.
    pub fn levels(&self) -> &[OrgLevel] {
        self.shared.levels.get_or_init(|| {
            let mut members: IndexMap<NodeIndex, Vec<String>> = IndexMap::new();
            for (account, index) in &self.shared.accounts {
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
        let Some(index) = self.shared.accounts.get(account) else {
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
            .shared
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
        let mut index = *self.shared.accounts.get(account)?;
        let mut path = vec![&self.shared.tree[index]];
        while let Some(parent) = self
            .shared
            .tree
            .neighbors_directed(index, petgraph::Direction::Incoming)
            .next()
        {
            path.push(&self.shared.tree[parent]);
            index = parent;
        }
        path.reverse();
        debug_assert_eq!(
            path.first().map(|node| node.id.as_str()),
            Some(self.shared.tree[self.shared.root].id.as_str())
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
