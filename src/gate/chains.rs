//! The chains of an account in one organization (SCPs from the root down
//! to the account, RCPs likewise), by content, and the statements a change
//! adds or removes at each node.
//!
//! Two accounts whose chains hold the same documents before and after, at
//! the same org paths, and whose policies do not name either account, are
//! decided alike up to the account's id (every atom that reads the account
//! compares it with a value the policies or the organization give), so one
//! query decides them both; `gate` still replays each account's own
//! request.

use crate::org::{OrgNode, Organization};
use crate::policy::json::SourcePosition;
use crate::policy::{Effect, PolicyDocument, Statement};
use indexmap::IndexMap;
use std::collections::HashMap;
use std::sync::Arc;

/// Which chain of policies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ChainKind {
    ServiceControlPolicies,
    ResourceControlPolicies,
}

impl ChainKind {
    /// `scp` or `rcp`.
    pub fn as_str(self) -> &'static str {
        match self {
            ChainKind::ServiceControlPolicies => "scp",
            ChainKind::ResourceControlPolicies => "rcp",
        }
    }
}

/// One account's chain of one kind, as the documents' fingerprints per
/// level (root first); empty when the account is not in the organization.
pub type ChainContent = Vec<Vec<String>>;

fn policies_of(node: &OrgNode, kind: ChainKind) -> &[Arc<PolicyDocument>] {
    match kind {
        ChainKind::ServiceControlPolicies => &node.scps,
        ChainKind::ResourceControlPolicies => &node.rcps,
    }
}

/// The content of `account`'s chain of `kind` in `organization`.
pub fn chain_content(organization: &Organization, account: &str, kind: ChainKind) -> ChainContent {
    organization
        .levels_of(account)
        .into_iter()
        .map(|level| {
            policies_of(organization.node(level.node), kind)
                .iter()
                .map(|policy| policy.content_fingerprint())
                .collect()
        })
        .collect()
}

/// Whether some policy of the chain mentions the account's id (then the
/// account is decided on its own).
pub fn chain_mentions(content: &ChainContent, account: &str) -> bool {
    content
        .iter()
        .flatten()
        .any(|fingerprint| fingerprint.contains(account))
}

/// A statement added or removed at one node.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChangedStatement {
    pub chain: ChainKind,
    /// The node's id (`r-…`, `ou-…`, an account).
    pub node: String,
    /// The node's name, or its id.
    pub node_label: String,
    pub change: StatementChange,
    pub policy: String,
    /// The Sid, or `#index`.
    pub statement: String,
    pub effect: Effect,
    /// The condition keys the statement tests, as written, in order.
    pub condition_keys: Vec<String>,
    /// Where the statement is written.
    pub file: String,
    pub position: SourcePosition,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatementChange {
    Added,
    Removed,
}

impl StatementChange {
    pub fn as_str(self) -> &'static str {
        match self {
            StatementChange::Added => "added",
            StatementChange::Removed => "removed",
        }
    }
}

/// A statement's content, independent of its place and its index.
fn statement_fingerprint(statement: &Statement) -> String {
    let mut statement = statement.clone();
    statement.position = SourcePosition::default();
    statement.index = 0;
    for condition in &mut statement.conditions {
        condition.position = SourcePosition::default();
    }
    format!("{statement:?}")
}

/// The nodes of an organization by id.
fn nodes_by_id(organization: &Organization) -> HashMap<&str, &OrgNode> {
    organization
        .nodes()
        .map(|node| (node.id.as_str(), node))
        .collect()
}

/// The statements of a node's policies of one kind, with their policy.
fn statements_at<'o>(
    nodes: &HashMap<&str, &'o OrgNode>,
    node_id: &str,
    kind: ChainKind,
) -> Vec<(&'o PolicyDocument, &'o Statement, String)> {
    nodes
        .get(node_id)
        .into_iter()
        .flat_map(|node| policies_of(node, kind).iter())
        .flat_map(|policy| {
            policy.statements.iter().map(move |statement| {
                (policy.as_ref(), statement, statement_fingerprint(statement))
            })
        })
        .collect()
}

/// Every statement the change from OLD to NEW adds or removes, node by
/// node (nodes in NEW's order, then those only OLD has), removed first.
pub fn changed_statements(old: &Organization, new: &Organization) -> Vec<ChangedStatement> {
    let mut node_ids: IndexMap<String, String> = IndexMap::new();
    for node in new.nodes().chain(old.nodes()) {
        node_ids
            .entry(node.id.clone())
            .or_insert_with(|| node.label().to_string());
    }
    let (old_nodes, new_nodes) = (nodes_by_id(old), nodes_by_id(new));
    let mut changes = Vec::new();
    for kind in [
        ChainKind::ServiceControlPolicies,
        ChainKind::ResourceControlPolicies,
    ] {
        for (node_id, label) in &node_ids {
            let before = statements_at(&old_nodes, node_id, kind);
            let after = statements_at(&new_nodes, node_id, kind);
            let mut push = |side: &[(&PolicyDocument, &Statement, String)],
                            other: &[(&PolicyDocument, &Statement, String)],
                            change: StatementChange| {
                // A multiset difference: a statement written twice and kept once is a change.
                let mut unmatched: Vec<bool> = vec![true; other.len()];
                for (policy, statement, fingerprint) in side {
                    let matched =
                        other
                            .iter()
                            .enumerate()
                            .position(|(index, (_, _, candidate))| {
                                unmatched[index] && candidate == fingerprint
                            });
                    match matched {
                        Some(index) => unmatched[index] = false,
                        None => changes.push(ChangedStatement {
                            chain: kind,
                            node: node_id.clone(),
                            node_label: label.clone(),
                            change,
                            policy: policy.name.clone(),
                            statement: statement.label(),
                            effect: statement.effect,
                            condition_keys: statement
                                .conditions
                                .iter()
                                .map(|condition| condition.key.clone())
                                .collect(),
                            file: policy.file.clone(),
                            position: statement.position,
                        }),
                    }
                }
            };
            push(&before, &after, StatementChange::Removed);
            push(&after, &before, StatementChange::Added);
        }
    }
    changes
}
