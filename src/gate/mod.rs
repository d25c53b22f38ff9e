//! The gate: does a change to an organization's SCPs or RCPs widen access
//! anywhere? For every member account, the SCP chain (root → OUs →
//! account) before and after is compared over requests by the account's
//! principals, and the RCP chain over requests to the account's
//! resources, each in the organization frame (`Scenario::organization_frame`:
//! everything but the chain allows, so the decision is the chain's alone).
//! The comparison enumerates the action classes on which the chains differ
//! (`query::enumerate_differences`) until the solver proves no other
//! action differs; every finding carries a request replayed on both
//! organizations.
//!
//! The management account is exempt from SCPs and RCPs, service-linked
//! roles likewise (the shared semantics' facts); accounts whose chains are
//! the same pair of documents at the same org paths share one query
//! (`chains`), and each still gets its own replayed request.
//!
//! Sources: https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps_evaluation.html,
//! https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps_evaluation.html.

pub mod actions;
pub mod chains;

use crate::eval::{Decision, EvaluatedDecision};
use crate::org::Organization;
use crate::query::{
    enumerate_differences, ComparedSide, Direction, InconclusiveReason, QueryError, QueryOptions,
    RequestConstraints, RestrictedRequests,
};
use crate::request::{ConcreteRequest, RequestPrincipal};
use crate::scenario::{OrganizationChains, Scenario, SetupScope};
pub use chains::{ChainKind, ChangedStatement, StatementChange};
use indexmap::IndexMap;
use rayon::prelude::*;
use std::sync::Arc;

/// How an account's access changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum GateVerdict {
    Unchanged,
    Narrowed,
    Widened,
    WidenedAndNarrowed,
    /// The solver gave up or the encoding does not cover a construct:
    /// never a pass.
    Inconclusive,
}

impl GateVerdict {
    pub fn as_str(self) -> &'static str {
        match self {
            GateVerdict::Unchanged => "unchanged",
            GateVerdict::Narrowed => "narrowed",
            GateVerdict::Widened => "widened",
            GateVerdict::WidenedAndNarrowed => "widened-and-narrowed",
            GateVerdict::Inconclusive => "inconclusive",
        }
    }

    pub fn widens(self) -> bool {
        matches!(self, GateVerdict::Widened | GateVerdict::WidenedAndNarrowed)
    }

    fn of(widened: bool, narrowed: bool) -> GateVerdict {
        match (widened, narrowed) {
            (false, false) => GateVerdict::Unchanged,
            (true, false) => GateVerdict::Widened,
            (false, true) => GateVerdict::Narrowed,
            (true, true) => GateVerdict::WidenedAndNarrowed,
        }
    }
}

/// Where an account stands in the two organizations.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AccountStanding {
    /// A member account of both.
    Member,
    /// The management account (of NEW, or of OLD when NEW lacks it):
    /// SCPs and RCPs do not restrict it.
    Management,
    /// Only in NEW: its chains now restrict it.
    Added,
    /// Only in OLD: it has left, and no chain restricts it any more.
    Removed,
}

impl AccountStanding {
    pub fn as_str(self) -> &'static str {
        match self {
            AccountStanding::Member => "member",
            AccountStanding::Management => "management",
            AccountStanding::Added => "added",
            AccountStanding::Removed => "removed",
        }
    }
}

/// One class of actions whose access changes in one account.
#[derive(Debug, Clone)]
pub struct GateFinding {
    pub direction: Direction,
    pub chain: ChainKind,
    /// The actions, summarised (`s3:*` for a whole service, `*` for all).
    pub actions: Vec<String>,
    /// Every catalog action of the finding (canonical names, sorted);
    /// shared by the accounts one query decided.
    pub class_actions: Arc<Vec<String>>,
    /// The actions in words (`actions::described`), made once per query.
    pub actions_described: Arc<str>,
    /// How many catalog actions the class holds.
    pub action_count: usize,
    /// The change holds on every request for these actions that the chain
    /// restricts (`Some(true)`), only on some (`Some(false)`: the
    /// condition keys say on which), or unknown (`None`).
    pub on_every_request: Option<bool>,
    /// The condition keys of the changed statements on this account's
    /// chain of this kind.
    pub condition_keys: Vec<String>,
    pub summary: String,
    /// A request of the class, replayed on both organizations' frames for
    /// this account.
    pub request: ConcreteRequest,
    pub old: EvaluatedDecision,
    pub new: EvaluatedDecision,
}

/// One account's result.
#[derive(Debug, Clone)]
pub struct AccountReport {
    pub account: String,
    pub name: String,
    /// The labels of the nodes above the account, root first (in NEW; in
    /// OLD for a removed account).
    pub path: Vec<String>,
    /// OLD's path, when the account moved.
    pub moved_from: Option<Vec<String>>,
    /// The ids of the nodes from the root to the account, in NEW and then
    /// in OLD (where SARIF locates a finding's changed statement).
    pub path_ids: Vec<String>,
    pub standing: AccountStanding,
    pub verdict: GateVerdict,
    /// Summarised, sorted.
    pub gained_actions: Vec<String>,
    pub lost_actions: Vec<String>,
    /// The gained and lost actions in words (`actions::described`).
    pub gained_described: String,
    pub lost_described: String,
    pub findings: Vec<GateFinding>,
    /// `--allow-widening` names this account or a node above it.
    pub widening_allowed: bool,
    /// The account whose query decided this one (itself when alone).
    pub decided_with: String,
    /// Why the verdict is inconclusive or the findings incomplete.
    pub incomplete: Option<InconclusiveReason>,
    /// When non-empty, "no other change" holds only under these.
    pub approximations: Vec<String>,
}

impl AccountReport {
    /// The actions of `direction`, summarised and in words: the one
    /// finding's own when there is one (shared by the accounts of a
    /// query), else their union's.
    fn summarised(&self, direction: Direction) -> (Vec<String>, String) {
        let mut of_direction = self
            .findings
            .iter()
            .filter(|finding| finding.direction == direction);
        match (of_direction.next(), of_direction.next()) {
            (None, _) => (Vec::new(), String::new()),
            (Some(only), None) => (only.actions.clone(), only.actions_described.to_string()),
            _ => {
                let actions = self.actions_of(direction);
                (actions::summarise(&actions), actions::described(&actions))
            }
        }
    }

    /// Every catalog action whose access changes in `direction`, sorted.
    pub fn actions_of(&self, direction: Direction) -> Vec<String> {
        let mut names: Vec<String> = self
            .findings
            .iter()
            .filter(|finding| finding.direction == direction)
            .flat_map(|finding| finding.class_actions.iter().cloned())
            .collect();
        names.sort();
        names.dedup();
        names
    }
}

/// The whole answer.
#[derive(Debug, Clone)]
pub struct GateReport {
    /// Over the accounts in scope (the shard's), management excluded.
    pub verdict: GateVerdict,
    pub accounts: Vec<AccountReport>,
    pub changed_statements: Vec<ChangedStatement>,
    /// Groups of accounts that needed the solver, and its checks.
    pub queries: usize,
    pub solver_checks: usize,
    /// `K/N` when sharded.
    pub shard: Option<Shard>,
    pub old_file: String,
    pub new_file: String,
    /// What the reader should know about how the answer was reached.
    pub notes: Vec<String>,
}

impl GateReport {
    /// A widening that `--allow-widening` does not cover.
    pub fn has_unallowed_widening(&self) -> bool {
        self.accounts
            .iter()
            .any(|account| account.verdict.widens() && !account.widening_allowed)
    }

    /// Marks inconclusive the member accounts at or under any of `nodes`
    /// (root, OU or account ids; every member account when `None`): a side
    /// of the change is not fully known there (a Terraform plan's value
    /// known only after apply), so no verdict is given. `note` says why;
    /// the overall verdict follows.
    pub fn mark_inconclusive(&mut self, nodes: Option<&[String]>, note: String) {
        for account in &mut self.accounts {
            let affected = account.standing != AccountStanding::Management
                && nodes.is_none_or(|nodes| account.path_ids.iter().any(|id| nodes.contains(id)));
            if affected {
                // Findings made with the unknown part left out would
                // claim what is not known.
                account.verdict = GateVerdict::Inconclusive;
                account.findings.clear();
                account.gained_actions.clear();
                account.lost_actions.clear();
                account.gained_described.clear();
                account.lost_described.clear();
            }
        }
        if !self.notes.contains(&note) {
            self.notes.push(note);
        }
        self.verdict = overall_verdict(&self.accounts);
    }
}

/// One shard of the accounts: the `index`-th (1-based) of `count`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    pub index: usize,
    pub count: usize,
}

impl Shard {
    /// Reads `K/N` (1 ≤ K ≤ N).
    pub fn parse(text: &str) -> Option<Shard> {
        let (index, count) = text.split_once('/')?;
        let (index, count) = (index.trim().parse().ok()?, count.trim().parse().ok()?);
        (index >= 1 && index <= count).then_some(Shard { index, count })
    }

    /// Whether the account at `position` of the sorted account list is in
    /// this shard.
    fn holds(self, position: usize) -> bool {
        position % self.count == self.index - 1
    }
}

/// What the gate is asked.
#[derive(Debug, Clone, Default)]
pub struct GateOptions {
    pub query: QueryOptions,
    /// Accounts, OU or root ids or names whose widening is intended.
    pub allow_widening: Vec<String>,
    pub shard: Option<Shard>,
    /// At most this many action classes per account, chain and direction
    /// (0: the default, 64).
    pub class_limit: usize,
}

/// The frames of one organization: one per chain kind.
struct Frames {
    service_control: Scenario,
    resource_control: Scenario,
}

impl Frames {
    fn new(file: &str, organization: &Organization) -> Frames {
        Frames {
            service_control: Scenario::organization_frame(
                file,
                organization.clone(),
                OrganizationChains::ServiceControlPolicies,
            ),
            resource_control: Scenario::organization_frame(
                file,
                organization.clone(),
                OrganizationChains::ResourceControlPolicies,
            ),
        }
    }

    fn of(&self, chain: ChainKind) -> &Scenario {
        match chain {
            ChainKind::ServiceControlPolicies => &self.service_control,
            ChainKind::ResourceControlPolicies => &self.resource_control,
        }
    }
}

/// The scope and constraints that ask about `account`'s chain of `chain`.
fn question(chain: ChainKind, account: &str) -> (SetupScope, RequestConstraints) {
    match chain {
        ChainKind::ServiceControlPolicies => (
            SetupScope {
                principal_account: Some(account.to_string()),
                resource_account: None,
            },
            RequestConstraints {
                principal_account: Some(account.to_string()),
                ..RequestConstraints::default()
            },
        ),
        ChainKind::ResourceControlPolicies => (
            SetupScope {
                principal_account: None,
                resource_account: Some(account.to_string()),
            },
            RequestConstraints {
                resource_account: Some(account.to_string()),
                ..RequestConstraints::default()
            },
        ),
    }
}

/// An account of the union of both organizations, with what groups it.
struct AccountEntry {
    account: String,
    name: String,
    path: Vec<String>,
    moved_from: Option<Vec<String>>,
    path_ids: Vec<String>,
    standing: AccountStanding,
    group: GroupKey,
}

/// Accounts with equal keys are decided by one query.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct GroupKey {
    old_paths: Option<String>,
    new_paths: Option<String>,
    service_control: (chains::ChainContent, chains::ChainContent),
    resource_control: (chains::ChainContent, chains::ChainContent),
    /// The account itself, when a policy names it.
    named: Option<String>,
}

impl GroupKey {
    fn changed(&self, chain: ChainKind) -> bool {
        let (old, new) = match chain {
            ChainKind::ServiceControlPolicies => &self.service_control,
            ChainKind::ResourceControlPolicies => &self.resource_control,
        };
        old != new || self.old_paths != self.new_paths
    }
}

/// Runs the gate on two organizations.
pub fn gate(
    old: &Organization,
    new: &Organization,
    old_file: &str,
    new_file: &str,
    options: &GateOptions,
) -> Result<GateReport, QueryError> {
    let limit = if options.class_limit == 0 {
        64
    } else {
        options.class_limit
    };
    let entries = account_entries(old, new, options.shard);
    let old_frames = Frames::new(old_file, old);
    let new_frames = Frames::new(new_file, new);
    let mut notes = Vec::new();
    if old.id != new.id {
        notes.push(format!(
            "the organization id changes from {} to {}: aws:PrincipalOrgID and aws:ResourceOrgID change with it",
            old.id, new.id
        ));
    }
    // Groups of member accounts whose chains change, first account first.
    let mut groups: IndexMap<&GroupKey, Vec<usize>> = IndexMap::new();
    for (index, entry) in entries.iter().enumerate() {
        if entry.standing != AccountStanding::Management {
            groups.entry(&entry.group).or_default().push(index);
        }
    }
    let changing: Vec<(&GroupKey, Vec<usize>)> = groups
        .into_iter()
        .filter(|(key, _)| {
            key.changed(ChainKind::ServiceControlPolicies)
                || key.changed(ChainKind::ResourceControlPolicies)
        })
        .collect();
    let decided: Vec<Result<GroupDecision, QueryError>> = changing
        .par_iter()
        .map(|(key, members)| {
            decide_group(
                key,
                members,
                &entries,
                &old_frames,
                &new_frames,
                options,
                limit,
            )
        })
        .collect();
    let queries = changing.len();
    drop(changing);
    let mut decisions: Vec<Option<AccountDecision>> = (0..entries.len()).map(|_| None).collect();
    let mut solver_checks = 0;
    for result in decided {
        let (group_decisions, checks) = result?;
        solver_checks += checks;
        for (index, decision) in group_decisions {
            decisions[index] = Some(decision);
        }
    }
    let changed_statements = chains::changed_statements(old, new);
    let accounts: Vec<AccountReport> = entries
        .into_iter()
        .zip(decisions)
        .map(|(entry, decision)| {
            account_report(
                entry,
                decision,
                &options.allow_widening,
                &changed_statements,
                old,
                new,
            )
        })
        .collect();
    let verdict = overall_verdict(&accounts);
    Ok(GateReport {
        verdict,
        changed_statements,
        queries,
        solver_checks,
        shard: options.shard,
        old_file: old_file.to_string(),
        new_file: new_file.to_string(),
        notes,
        accounts,
    })
}

fn overall_verdict(accounts: &[AccountReport]) -> GateVerdict {
    let members = accounts
        .iter()
        .filter(|account| account.standing != AccountStanding::Management);
    let mut widened = false;
    let mut narrowed = false;
    for account in members {
        match account.verdict {
            GateVerdict::Inconclusive => return GateVerdict::Inconclusive,
            GateVerdict::Widened => widened = true,
            GateVerdict::Narrowed => narrowed = true,
            GateVerdict::WidenedAndNarrowed => {
                widened = true;
                narrowed = true;
            }
            GateVerdict::Unchanged => {}
        }
    }
    GateVerdict::of(widened, narrowed)
}

/// The labels above an account, root first.
fn path_labels(organization: &Organization, account: &str) -> Vec<String> {
    organization
        .path_to(account)
        .map(|path| {
            path[..path.len().saturating_sub(1)]
                .iter()
                .map(|node| node.label().to_string())
                .collect()
        })
        .unwrap_or_default()
}

/// Every account of NEW (file order), then those only OLD has; in the
/// shard when one is asked (positions in account-id order).
fn account_entries(
    old: &Organization,
    new: &Organization,
    shard: Option<Shard>,
) -> Vec<AccountEntry> {
    let mut seen: IndexMap<String, String> = IndexMap::new();
    for node in new.accounts().chain(old.accounts()) {
        seen.entry(node.id.clone())
            .or_insert_with(|| node.name.clone());
    }
    let mut sorted: Vec<&String> = seen.keys().collect();
    sorted.sort();
    let in_shard = |account: &String| match shard {
        None => true,
        Some(shard) => sorted
            .binary_search(&account)
            .is_ok_and(|position| shard.holds(position)),
    };
    seen.iter()
        .filter(|(account, _)| in_shard(account))
        .map(|(account, name)| {
            let (in_old, in_new) = (old.contains_account(account), new.contains_account(account));
            let management = (in_new && new.management_account == *account)
                || (!in_new && old.management_account == *account);
            let standing = match (management, in_old, in_new) {
                (true, _, _) => AccountStanding::Management,
                (false, true, true) => AccountStanding::Member,
                (false, false, _) => AccountStanding::Added,
                (false, true, false) => AccountStanding::Removed,
            };
            let content = |organization: &Organization, kind| {
                if organization.is_member_account(account) {
                    chains::chain_content(organization, account, kind)
                } else {
                    Vec::new()
                }
            };
            let service_control = (
                content(old, ChainKind::ServiceControlPolicies),
                content(new, ChainKind::ServiceControlPolicies),
            );
            let resource_control = (
                content(old, ChainKind::ResourceControlPolicies),
                content(new, ChainKind::ResourceControlPolicies),
            );
            let named = [
                &service_control.0,
                &service_control.1,
                &resource_control.0,
                &resource_control.1,
            ]
            .iter()
            .any(|content| chains::chain_mentions(content, account))
            .then(|| account.clone());
            let path = if in_new {
                path_labels(new, account)
            } else {
                path_labels(old, account)
            };
            let old_path = path_labels(old, account);
            let moved_from = (in_old && in_new && old_path != path).then_some(old_path);
            let mut path_ids: Vec<String> = Vec::new();
            for organization in [new, old] {
                for node in organization.path_to(account).into_iter().flatten() {
                    if !path_ids.contains(&node.id) {
                        path_ids.push(node.id.clone());
                    }
                }
            }
            AccountEntry {
                account: account.clone(),
                name: name.clone(),
                path,
                moved_from,
                path_ids,
                standing,
                group: GroupKey {
                    old_paths: old.org_path(account),
                    new_paths: new.org_path(account),
                    service_control,
                    resource_control,
                    named,
                },
            }
        })
        .collect()
}

/// The decisions of one group's accounts (by index), and the solver
/// checks they took.
type GroupDecision = (Vec<(usize, AccountDecision)>, usize);

/// What the queries found for one account.
struct AccountDecision {
    findings: Vec<GateFinding>,
    incomplete: Option<InconclusiveReason>,
    approximations: Vec<String>,
    decided_with: String,
}

/// One chain's differences for `account`, as findings.
fn chain_findings(
    chain: ChainKind,
    account: &str,
    old_frames: &Frames,
    new_frames: &Frames,
    options: &GateOptions,
    limit: usize,
) -> Result<(AccountDecision, usize), QueryError> {
    let (scope, constraints) = question(chain, account);
    let old_side = ComparedSide::Setup(old_frames.of(chain).setup(&scope));
    let new_side = ComparedSide::Setup(new_frames.of(chain).setup(&scope));
    let restricted = match chain {
        ChainKind::ServiceControlPolicies => RestrictedRequests::ServiceControlPolicies,
        ChainKind::ResourceControlPolicies => RestrictedRequests::ResourceControlPolicies,
    };
    let differences = enumerate_differences(
        &old_side,
        &new_side,
        &constraints,
        &options.query,
        restricted,
        limit,
    )?;
    let findings = differences
        .classes
        .into_iter()
        .map(|class| GateFinding {
            direction: class.direction,
            chain,
            actions: Vec::new(),
            action_count: class.actions.len(),
            class_actions: Arc::new(class.actions),
            actions_described: Arc::from(""),
            on_every_request: class.on_every_request,
            condition_keys: Vec::new(),
            summary: String::new(),
            request: class.example.request,
            old: class.example.old,
            new: class.example.new,
        })
        .collect();
    let findings = merged(findings);
    Ok((
        AccountDecision {
            findings,
            incomplete: differences.incomplete,
            approximations: differences.approximations,
            decided_with: account.to_string(),
        },
        differences.solver_checks,
    ))
}

/// Findings of one chain merged where they say the same: one direction,
/// and the same "on every request" answer (the classes the service rules
/// or the policies split apart read alike to a reviewer); the first
/// finding's request stands for the merged one, whose actions are the
/// union, summarised.
fn merged(findings: Vec<GateFinding>) -> Vec<GateFinding> {
    let mut merged: Vec<GateFinding> = Vec::new();
    for finding in findings {
        match merged.iter_mut().find(|earlier| {
            earlier.direction == finding.direction
                && earlier.on_every_request == finding.on_every_request
        }) {
            Some(earlier) => {
                let mut union: Vec<String> = earlier.class_actions.as_ref().clone();
                union.extend(finding.class_actions.iter().cloned());
                union.sort();
                union.dedup();
                earlier.action_count = union.len();
                earlier.class_actions = Arc::new(union);
            }
            None => merged.push(finding),
        }
    }
    for finding in &mut merged {
        finding.actions = actions::summarise(&finding.class_actions);
        finding.actions_described = Arc::from(actions::described(&finding.class_actions));
    }
    merged
}

/// Decides one group: the first account by query, the others by replaying
/// its findings rewritten for them (and by their own query when a replay
/// does not hold).
fn decide_group(
    key: &GroupKey,
    members: &[usize],
    entries: &[AccountEntry],
    old_frames: &Frames,
    new_frames: &Frames,
    options: &GateOptions,
    limit: usize,
) -> Result<GroupDecision, QueryError> {
    let mut checks = 0;
    let mut decide = |account: &str| -> Result<AccountDecision, QueryError> {
        let mut decision = AccountDecision {
            findings: Vec::new(),
            incomplete: None,
            approximations: Vec::new(),
            decided_with: account.to_string(),
        };
        for chain in [
            ChainKind::ServiceControlPolicies,
            ChainKind::ResourceControlPolicies,
        ] {
            if !key.changed(chain) {
                continue;
            }
            let (found, found_checks) =
                chain_findings(chain, account, old_frames, new_frames, options, limit)?;
            checks += found_checks;
            decision.findings.extend(found.findings);
            if decision.incomplete.is_none() {
                decision.incomplete = found.incomplete;
            }
            decision.approximations.extend(found.approximations);
        }
        decision.approximations.sort();
        decision.approximations.dedup();
        Ok(decision)
    };
    let first = &entries[members[0]].account;
    let representative = decide(first)?;
    let mut decided = Vec::with_capacity(members.len());
    for &index in &members[1..] {
        let account = &entries[index].account;
        let decision = match rewritten_for(&representative, first, account, old_frames, new_frames)
        {
            Some(decision) => decision,
            None => decide(account)?,
        };
        decided.push((index, decision));
    }
    decided.insert(0, (members[0], representative));
    Ok((decided, checks))
}

/// The representative's findings with its account replaced by `account`,
/// each replayed on `account`'s frames; `None` when some replay differs
/// from the representative's decisions.
fn rewritten_for(
    representative: &AccountDecision,
    from: &str,
    account: &str,
    old_frames: &Frames,
    new_frames: &Frames,
) -> Option<AccountDecision> {
    let mut findings = Vec::with_capacity(representative.findings.len());
    for finding in &representative.findings {
        let request = request_for_account(&finding.request, from, account)?;
        let (scope, _) = question(finding.chain, account);
        let old = ComparedSide::Setup(old_frames.of(finding.chain).setup(&scope)).replay(&request);
        let new = ComparedSide::Setup(new_frames.of(finding.chain).setup(&scope)).replay(&request);
        if old.decision.decision != finding.old.decision
            || new.decision.decision != finding.new.decision
        {
            return None;
        }
        findings.push(GateFinding {
            request,
            old: old.decision,
            new: new.decision,
            ..finding.clone()
        });
    }
    Some(AccountDecision {
        findings,
        incomplete: representative.incomplete.clone(),
        approximations: representative.approximations.clone(),
        decided_with: representative.decided_with.clone(),
    })
}

/// `request` with every mention of account `from` replaced by `to`.
fn request_for_account(request: &ConcreteRequest, from: &str, to: &str) -> Option<ConcreteRequest> {
    let swap = |text: &str| text.replace(from, to);
    let principal = RequestPrincipal::parse(&swap(&request.principal.written())).ok()?;
    let mut rewritten = ConcreteRequest::new(principal, &request.action, &swap(&request.resource));
    rewritten.resource_account = request.resource_account.as_deref().map(swap);
    for entry in request.context.entries() {
        rewritten.context.set(
            &entry.key,
            entry.values.iter().map(|value| swap(value)).collect(),
            entry.multivalued,
        );
    }
    Some(rewritten)
}

fn account_report(
    entry: AccountEntry,
    decision: Option<AccountDecision>,
    allow_widening: &[String],
    changed_statements: &[ChangedStatement],
    old: &Organization,
    new: &Organization,
) -> AccountReport {
    let widening_allowed = allow_widening.iter().any(|allowed| {
        *allowed == entry.account
            || [new, old].iter().any(|organization| {
                organization.path_to(&entry.account).is_some_and(|path| {
                    path.iter()
                        .any(|node| node.id == *allowed || node.name == *allowed)
                })
            })
    });
    let decided_with = decision.as_ref().map_or_else(
        || entry.account.clone(),
        |decision| decision.decided_with.clone(),
    );
    let (mut findings, incomplete, approximations) = match decision {
        Some(decision) => (
            decision.findings,
            decision.incomplete,
            decision.approximations,
        ),
        None => (Vec::new(), None, Vec::new()),
    };
    let on_path = |change: &&ChangedStatement| entry.path_ids.contains(&change.node);
    let changed: Vec<&ChangedStatement> = if findings.is_empty() {
        Vec::new()
    } else {
        changed_statements.iter().filter(on_path).collect()
    };
    for finding in &mut findings {
        finding.condition_keys = changed
            .iter()
            .filter(|change| change.chain == finding.chain)
            .flat_map(|change| change.condition_keys.iter().cloned())
            .fold(Vec::new(), |mut keys, key| {
                if !keys
                    .iter()
                    .any(|known: &String| known.eq_ignore_ascii_case(&key))
                {
                    keys.push(key);
                }
                keys
            });
        finding.summary = actions::finding_summary(finding);
    }
    let widened = findings
        .iter()
        .any(|finding| finding.direction == Direction::NewAllowsOldDenies);
    let narrowed = findings
        .iter()
        .any(|finding| finding.direction == Direction::OldAllowsNewDenies);
    let verdict = if entry.standing == AccountStanding::Management {
        GateVerdict::Unchanged
    } else if incomplete.is_some() {
        GateVerdict::Inconclusive
    } else {
        GateVerdict::of(widened, narrowed)
    };
    debug_assert!(findings
        .iter()
        .all(|finding| finding.old.decision != finding.new.decision
            && (finding.new.decision == Decision::Allow)
                == (finding.direction == Direction::NewAllowsOldDenies)));
    let mut report = AccountReport {
        account: entry.account,
        name: entry.name,
        path: entry.path,
        moved_from: entry.moved_from,
        path_ids: entry.path_ids,
        standing: entry.standing,
        verdict,
        gained_actions: Vec::new(),
        lost_actions: Vec::new(),
        gained_described: String::new(),
        lost_described: String::new(),
        findings,
        widening_allowed,
        decided_with,
        incomplete,
        approximations,
    };
    (report.gained_actions, report.gained_described) =
        report.summarised(Direction::NewAllowsOldDenies);
    (report.lost_actions, report.lost_described) = report.summarised(Direction::OldAllowsNewDenies);
    report
}
