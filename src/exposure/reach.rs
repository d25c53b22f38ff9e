//! Reach through role chains: which principals outside the zone can reach a
//! resource of the inventory by assuming one or more of its roles.
//!
//! A graph (petgraph) whose nodes are outside principal classes, the
//! inventory's roles and its resources. Its edges:
//! - *outside → role*: an exposure finding of the role's trust policy whose
//!   actions include `sts:AssumeRole`, `AssumeRoleWithWebIdentity` or
//!   `AssumeRoleWithSAML` (the outside principal's own policies are
//!   unknown, so they allow everything; the role account's RCPs apply);
//! - *role → role* and *role → resource*: a request by a session of the
//!   first role, on the second role (an assume action) or on the resource
//!   (any catalog action that acts on it), that the inventory's projection
//!   of that principal and target allows — identity policies, boundary,
//!   SCP and RCP chains, the target's policy (`Inventory::scenario`).
//!
//! Each edge is searched only when its target's policy and the role's
//! identity policies could allow it at all (a statement whose principal,
//! action and resource could match; conditions left aside) — a sound
//! filter, since every grant needs such a statement. A candidate is tried
//! first with plain requests through the reference evaluator, then asked of
//! the solver: "is there a request by this session, with one of these
//! actions, on this target, that the setup allows?". Every edge carries a
//! replayed request; a candidate the solver cannot decide makes the answer
//! incomplete, never silently absent.
//!
//! The search follows the roles reached from outside, breadth first, to a
//! fixed point: a role is expanded once, whatever the path that reached it.
//! A session is taken with no session policy and any session tags (the
//! widest session its assumer can ask for).
//!
//! Trusts the inventory's projection, the exposure findings and the query
//! core; every edge is a replayed request.
//!
//! Sources: "Methods to assume a role" and role chaining
//! (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_manage-assume.html);
//! cross-account evaluation
//! (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic-cross-account.html).

use super::{PrincipalClass, ResourceExposure};
use crate::eval::Decision;
use crate::inventory::{Inventory, ResourceType, Role};
use crate::policy::{ActionPattern, Effect, PolicyDocument, PrincipalEntry, Statement};
use crate::query::compare::replay;
use crate::query::readable::make_readable;
use crate::query::ComparedSide;
use crate::query::{Found, Query, QueryError, QueryOptions, RequestConstraints};
use crate::request::{ConcreteRequest, PrincipalKind, RequestPrincipal};
use crate::scenario::{Scenario, SetupScope};
use crate::semantics::derived_keys::DerivedKeyFacts;
use crate::semantics::{Interpretation, PrincipalField, Setup};
use crate::symbolic::{RequestModel, SymbolicInterpretation, Term};
use petgraph::graph::{DiGraph, NodeIndex};
use petgraph::visit::EdgeRef;
use rayon::prelude::*;
use std::collections::{BTreeMap, BTreeSet, HashMap, VecDeque};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

pub use super::progress::Progress;

/// The actions that assume a role.
pub const ASSUME_ACTIONS: [&str; 3] = [
    "sts:AssumeRole",
    "sts:AssumeRoleWithWebIdentity",
    "sts:AssumeRoleWithSAML",
];

/// Undecided steps kept for the report (the count is always exact).
pub const UNDECIDED_KEPT: usize = 100;

/// The session name of the sessions a chain takes (any name would do: no
/// policy of the inventory is asked about it unless it names it, and then
/// the solver finds the name).
const SESSION_NAME: &str = "reach-session";

/// A node of the reach graph.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum ReachNode {
    Outside(PrincipalClass),
    Role(String),
    Resource(String),
}

impl ReachNode {
    /// As a person reads it.
    pub fn label(&self) -> String {
        match self {
            ReachNode::Outside(class) => class.describe(),
            ReachNode::Role(arn) | ReachNode::Resource(arn) => arn.clone(),
        }
    }
}

/// One request of a chain: who asks, for what, on what — replayed.
#[derive(Debug, Clone)]
pub struct ReachStep {
    /// The principal as the request writes it.
    pub principal: String,
    pub action: String,
    pub target: String,
    /// Every action found allowed to this principal on this target (for a
    /// resource: the catalog actions that act on it; at least `action`).
    pub actions: Vec<String>,
    pub request: ConcreteRequest,
}

/// A way from outside to a resource through at least one role.
#[derive(Debug, Clone)]
pub struct ReachPath {
    pub origin: PrincipalClass,
    pub resource: String,
    /// Outside → first role, role → role…, last role → resource.
    pub steps: Vec<ReachStep>,
}

/// A candidate edge the solver could not decide.
#[derive(Debug, Clone)]
pub struct UndecidedStep {
    pub principal: String,
    pub target: String,
    pub reason: String,
}

/// The reach graph, and every chain from outside to a resource.
#[derive(Debug)]
pub struct Reach {
    pub graph: DiGraph<ReachNode, ReachStep>,
    /// One shortest path per outside principal class and resource, by
    /// resource then class.
    pub paths: Vec<ReachPath>,
    /// How many candidate steps were not decided: none, and the paths cover
    /// every chain (within the scope the module header states).
    pub undecided_count: usize,
    /// The first of them (at most [`UNDECIDED_KEPT`]), in search order.
    pub undecided: Vec<UndecidedStep>,
    pub roles_reached: usize,
    /// Candidate steps that passed the statement filter (decided or not).
    pub candidates_checked: usize,
    pub solver_checks: usize,
}

impl Reach {
    /// Every chain was decided.
    pub fn is_complete(&self) -> bool {
        self.undecided_count == 0
    }
}

/// Which IAM principals' own requests an Allow statement's conditions on
/// the service source keys let through (other conditions aside). Those
/// keys are set only when a service acts for a resource, or, for
/// `aws:SourceOwner`, as the caller's own account (`derived_keys`'s
/// `SERVICE_SOURCE_KEYS`): a statement that needs one of them present
/// grants no session, and one that needs `aws:SourceOwner` equal to
/// listed accounts grants only their principals (the SNS default topic
/// policy, `"AWS": "*"` under `AWS:SourceOwner`). Each condition is
/// decided by the evaluator itself, on a request without the key and on
/// one carrying it as a listed account.
#[derive(Debug, Clone, PartialEq, Eq)]
enum OwnRequests {
    Any,
    Accounts(BTreeSet<String>),
    Never,
}

fn own_requests(statement: &Statement) -> OwnRequests {
    use crate::policy::template::TemplatePart;
    use crate::policy::BaseOperator;
    use crate::semantics::condition::condition_holds;
    use crate::semantics::derived_keys::service_source_key;
    let Ok(principal) = RequestPrincipal::parse("arn:aws:iam::111111111111:root") else {
        return OwnRequests::Any;
    };
    let holds = |condition: &crate::policy::Condition, value: Option<&str>| {
        let mut request = ConcreteRequest::new(principal.clone(), "sns:publish", "*");
        if let Some(value) = value {
            request
                .context
                .set(&condition.key, vec![value.to_string()], false);
        }
        condition_holds(
            &crate::eval::ConcreteInterpretation::new(&request),
            condition,
        )
    };
    let mut answer = OwnRequests::Any;
    for condition in &statement.conditions {
        let Some(own_account_allowed) = service_source_key(&condition.key_lowercase) else {
            continue;
        };
        // A policy variable may make the value anything.
        let literal = condition.values.iter().all(|value| {
            value
                .template
                .parts
                .iter()
                .all(|part| matches!(part, TemplatePart::Text(_)))
        });
        if !literal || holds(condition, None) {
            continue;
        }
        if !own_account_allowed {
            return OwnRequests::Never;
        }
        // Only operators that hold on a listed value alone can be read as
        // a list of accounts; any other may hold on some unlisted account.
        let listed_only = condition.operator.base == BaseOperator::StringEquals
            || condition.operator.base == BaseOperator::StringEqualsIgnoreCase
            || (condition.operator.base == BaseOperator::StringLike
                && condition
                    .values
                    .iter()
                    .all(|value| !value.text.contains(['*', '?'])));
        if !listed_only {
            continue;
        }
        let accounts: BTreeSet<String> = condition
            .values
            .iter()
            .map(|value| value.text.clone())
            .filter(|account| holds(condition, Some(account)))
            .collect();
        answer = match answer {
            OwnRequests::Accounts(earlier) => {
                OwnRequests::Accounts(earlier.intersection(&accounts).cloned().collect())
            }
            _ => OwnRequests::Accounts(accounts),
        };
    }
    answer
}

/// The accounts whose IAM principals an Allow statement of `policy` may
/// name, or `None` when it may name anyone (`*`, `NotPrincipal`).
fn named_accounts(policy: &PolicyDocument) -> Option<BTreeSet<String>> {
    let mut accounts = BTreeSet::new();
    for statement in policy
        .statements
        .iter()
        .filter(|statement| statement.effect == Effect::Allow)
    {
        let Some(principals) = &statement.principals else {
            return None;
        };
        let own = own_requests(statement);
        let mut named = BTreeSet::new();
        let mut anyone = principals.negated;
        for entry in &principals.entries {
            match entry {
                PrincipalEntry::Everyone => anyone = true,
                PrincipalEntry::Account(account)
                | PrincipalEntry::IamUser { account, .. }
                | PrincipalEntry::Role { account, .. }
                | PrincipalEntry::RoleSession { account, .. }
                | PrincipalEntry::FederatedUser { account, .. } => {
                    named.insert(account.clone());
                }
                _ => {}
            }
        }
        match own {
            OwnRequests::Never => {}
            OwnRequests::Accounts(listed) if anyone => accounts.extend(listed),
            OwnRequests::Accounts(listed) => accounts.extend(named.intersection(&listed).cloned()),
            OwnRequests::Any if anyone => return None,
            OwnRequests::Any => accounts.extend(named),
        }
    }
    Some(accounts)
}

/// Whether an Allow statement of `policy` names this role (or its
/// sessions) directly, or everyone: then it grants by itself in the same
/// account, without an identity policy.
fn names_role_directly(policy: &PolicyDocument, role_arn: &str, account: &str, name: &str) -> bool {
    let session_prefix = format!("arn:aws:sts::{account}:assumed-role/{name}/");
    policy
        .statements
        .iter()
        .filter(|statement| statement.effect == Effect::Allow)
        .filter(|statement| match own_requests(statement) {
            OwnRequests::Never => false,
            OwnRequests::Accounts(listed) => listed.contains(account),
            OwnRequests::Any => true,
        })
        .any(|statement| match &statement.principals {
            None => false,
            Some(principals) if principals.negated => true,
            Some(principals) => principals.entries.iter().any(|entry| match entry {
                PrincipalEntry::Everyone => true,
                PrincipalEntry::Role { arn, .. } => arn.eq_ignore_ascii_case(role_arn),
                PrincipalEntry::RoleSession { arn, .. } => arn.starts_with(&session_prefix),
                _ => false,
            }),
        })
}

/// Whether `statement`'s action clause may match one of `actions` (lower
/// case) and its resource clause `target` (conditions aside).
fn may_apply(statement: &Statement, actions: &[String], target: &str) -> bool {
    let action_fits = actions.iter().any(|action| {
        let named = statement
            .actions
            .patterns
            .iter()
            .any(|pattern| pattern.matches(action));
        named != statement.actions.negated
    });
    let resource_fits = match &statement.resources {
        None => true,
        Some(resources) => {
            let named = |strict: bool| {
                resources
                    .patterns
                    .iter()
                    .any(|pattern| match &pattern.constant_glob {
                        // A policy variable may resolve to anything.
                        None => !strict,
                        Some(glob) => match target.strip_suffix('*') {
                            // Every object under a prefix: the pattern may
                            // match one unless their literal starts differ.
                            Some(prefix) if !strict => {
                                let literal: String = pattern
                                    .text
                                    .chars()
                                    .take_while(|character| !matches!(character, '*' | '?'))
                                    .collect();
                                literal.starts_with(prefix) || prefix.starts_with(&literal)
                            }
                            Some(_) => false,
                            None => glob.matches(target),
                        },
                    })
            };
            if resources.negated {
                // Excluded only when a variable-free pattern names it all.
                !named(true)
            } else {
                named(false)
            }
        }
    };
    action_fits && resource_fits
}

/// Whether an identity policy Allow may grant one of `actions` on `target`.
fn identity_may_allow(policies: &[Arc<PolicyDocument>], actions: &[String], target: &str) -> bool {
    policies.iter().any(|policy| {
        policy.statements.iter().any(|statement| {
            statement.effect == Effect::Allow && may_apply(statement, actions, target)
        })
    })
}

/// A reached role, with what its sessions carry.
struct ReachedRole<'i> {
    role: &'i Role,
    account: String,
    session: String,
    identity_policies: Vec<Arc<PolicyDocument>>,
}

/// A target of a step: another role (its trust policy) or a resource.
struct StepTarget<'i> {
    arn: &'i str,
    account: &'i str,
    policy: Option<&'i PolicyDocument>,
    /// The actions asked (catalog names).
    actions: Vec<String>,
    /// The target's policy must allow, even in the same account (KMS key
    /// policies, role trust policies).
    policy_required: bool,
    node: ReachNode,
}

/// What a step search gave.
enum StepOutcome {
    Allowed(Box<ReachStep>),
    Denied,
    Undecided(String),
}

/// Whether the filter lets the step through.
fn candidate(from: &ReachedRole<'_>, target: &StepTarget<'_>) -> bool {
    let lowercase: Vec<String> = target
        .actions
        .iter()
        .map(|action| action.to_ascii_lowercase())
        .collect();
    let identity = identity_may_allow(&from.identity_policies, &lowercase, target.arn);
    let Some(policy) = target.policy else {
        // No resource policy: only the identity side can grant, in the
        // same account.
        return identity && from.account == target.account && !target.policy_required;
    };
    let names_account =
        named_accounts(policy).is_none_or(|accounts| accounts.contains(&from.account));
    let direct = names_role_directly(policy, &from.role.arn, &from.account, &from.role.name);
    if from.account == target.account {
        if target.policy_required {
            names_account && (identity || direct)
        } else {
            identity || direct
        }
    } else {
        names_account && identity
    }
}

/// Whether a session of `from` can make one of the target's requests.
fn decide_step(
    inventory: &Inventory,
    from: &ReachedRole<'_>,
    target: &StepTarget<'_>,
    options: &QueryOptions,
    budget: &SolverBudget,
    checks: &mut usize,
) -> Result<StepOutcome, QueryError> {
    // Once the budget is spent the answer is incomplete whatever follows:
    // the remaining candidates are listed, not searched.
    if budget.spent() {
        return Ok(StepOutcome::Undecided(budget.reason()));
    }
    let scenario = match inventory.scenario(&from.session, target.arn) {
        Ok(scenario) => scenario,
        Err(error) => return Ok(StepOutcome::Undecided(error.to_string())),
    };
    let setup = scenario.setup(&SetupScope {
        principal_account: Some(from.account.clone()),
        resource_account: Some(target.account.to_string()),
    });
    let Ok(principal) = RequestPrincipal::parse(&from.session) else {
        return Ok(StepOutcome::Undecided(format!(
            "{}: not a principal",
            from.session
        )));
    };
    // `bucket/*` stands for every object: plain requests name one.
    let concrete_resource = match target.arn.strip_suffix('*') {
        Some(prefix) if target.arn.ends_with("/*") => format!("{prefix}example-object"),
        _ => target.arn.to_string(),
    };
    let request_for = |action: &str| {
        let mut request = ConcreteRequest::new(principal.clone(), action, &concrete_resource);
        request.resource_account = Some(target.account.to_string());
        request
    };
    // Plain requests first: most grants need no condition.
    let allowed: Vec<String> = target
        .actions
        .iter()
        .filter(|action| replay(&setup, &request_for(action)).decision == Decision::Allow)
        .cloned()
        .collect();
    // The example: a reading action when one is allowed (what a reviewer
    // worries about first), else the first in catalog order.
    let example = allowed
        .iter()
        .find(|action| {
            let name = action
                .split_once(':')
                .map_or(action.as_str(), |(_, name)| name);
            ["Get", "List", "Describe", "Receive", "Decrypt"]
                .iter()
                .any(|prefix| name.starts_with(prefix))
        })
        .or(allowed.first());
    if let Some(example) = example.cloned() {
        return Ok(StepOutcome::Allowed(Box::new(ReachStep {
            principal: from.session.clone(),
            request: request_for(&example),
            action: example,
            target: target.arn.to_string(),
            actions: allowed,
        })));
    }
    // Then the solver, over every request context, within the budget.
    if !budget.take() {
        return Ok(StepOutcome::Undecided(budget.reason()));
    }
    match solve_step(&setup, from, target, options, checks)? {
        Found::Certified(request) => {
            // Every action of the target allowed on the same request.
            let actions: Vec<String> = target
                .actions
                .iter()
                .filter(|action| {
                    let mut other = request.clone();
                    other.action = action.to_string();
                    other.action_lowercase = action.to_ascii_lowercase();
                    action.eq_ignore_ascii_case(&request.action)
                        || replay(&setup, &other).decision == Decision::Allow
                })
                .cloned()
                .collect();
            Ok(StepOutcome::Allowed(Box::new(ReachStep {
                principal: from.session.clone(),
                action: request.action.clone(),
                target: target.arn.to_string(),
                actions,
                request,
            })))
        }
        Found::None => Ok(StepOutcome::Denied),
        Found::Unknown(reason) => Ok(StepOutcome::Undecided(reason)),
    }
}

/// "Some request by a session of `from`, with one of the target's actions,
/// on the target, that the setup allows", replayed.
fn solve_step(
    setup: &Setup<'_>,
    from: &ReachedRole<'_>,
    target: &StepTarget<'_>,
    options: &QueryOptions,
    checks: &mut usize,
) -> Result<Found<ConcreteRequest>, QueryError> {
    let facts = &setup.facts.derived_keys;
    let model = RequestModel::build(&setup.policies(), &[facts]);
    let interpretation = SymbolicInterpretation::new(&model);
    let allowed = setup.decide(&interpretation).allowed;
    let principal = model
        .principal
        .is(PrincipalKind::RoleSession)
        .and2(&interpretation.principal_field_is(PrincipalField::RoleArn, &from.role.arn));
    let action = Term::or(
        target
            .actions
            .iter()
            .map(|action| interpretation.action_matches(&ActionPattern::new(action))),
    );
    let pattern = target.arn.ends_with("/*");
    let constraints = RequestConstraints {
        principal_account: Some(from.account.clone()),
        resource_is: (!pattern).then(|| target.arn.to_string()),
        resource: pattern.then(|| target.arn.to_string()),
        resource_account: Some(target.account.to_string()),
        ..RequestConstraints::default()
    };
    let constraint = constraints.symbolic(&interpretation);
    let unsupported: Vec<String> = model
        .unsupported
        .iter()
        .chain(interpretation.unsupported().iter())
        .map(|unsupported| unsupported.to_string())
        .collect();
    if !unsupported.is_empty() {
        return Ok(Found::Unknown(unsupported.join("; ")));
    }
    let goal = Term::and([allowed, principal, action]);
    let mut query = Query::new(&model, &constraint, options)?;
    let found = query.find(&goal, |mut request| {
        DerivedKeyFacts::strip(&mut request, &[facts]);
        let decision = replay(setup, &request);
        if decision.decision == Decision::Allow {
            // A readable request (catalog action, a named object, the
            // chain's session) when one is decided alike.
            let side = ComparedSide::Setup(setup.clone());
            let mut readable = make_readable(&side, &side, &constraints, request.clone());
            readable.principal = request.principal.clone();
            if let Ok(session) = RequestPrincipal::parse(&from.session) {
                let mut named = readable.clone();
                named.principal = session;
                if replay(setup, &named).decision == Decision::Allow {
                    readable = named;
                }
            }
            if replay(setup, &readable).decision == Decision::Allow {
                Ok(readable)
            } else {
                Ok(request)
            }
        } else {
            Err(QueryError::ReplayMismatch {
                side: "setup".into(),
                claimed: "Allow for the role session".into(),
                replayed: decision.decision,
                request: Box::new(request),
            })
        }
    })?;
    *checks += query.checks();
    Ok(found)
}

/// The outside → role edges: trust-policy findings that let an outside
/// class assume the role, each with an assume request replayed in the
/// role's exposure frame.
fn entry_steps(
    inventory: &Inventory,
    exposures: &[ResourceExposure],
    roles: &HashMap<&str, (&str, &Role)>,
) -> Vec<(PrincipalClass, String, ReachStep)> {
    let mut entries = Vec::new();
    for exposure in exposures {
        let Some((account, role)) = roles.get(exposure.resource.as_str()) else {
            continue;
        };
        let Some(trust) = &role.trust_policy else {
            continue;
        };
        let scenario = Scenario::exposure_frame(
            &inventory.source,
            trust.document.clone(),
            crate::scenario::ResourceKind::IamRole,
            &role.arn,
            account,
            inventory.organization.clone(),
        );
        let setup = scenario.setup(&SetupScope {
            principal_account: None,
            resource_account: Some(account.to_string()),
        });
        for finding in &exposure.findings {
            let assumes = ASSUME_ACTIONS.iter().find(|action| {
                let mut request = finding.request.clone();
                request.action = action.to_string();
                request.action_lowercase = action.to_ascii_lowercase();
                replay(&setup, &request).decision == Decision::Allow
            });
            if let Some(action) = assumes {
                let mut request = finding.request.clone();
                request.action = action.to_string();
                request.action_lowercase = action.to_ascii_lowercase();
                entries.push((
                    finding.principal.clone(),
                    role.arn.clone(),
                    ReachStep {
                        principal: request.principal.written(),
                        action: action.to_string(),
                        target: role.arn.clone(),
                        actions: vec![action.to_string()],
                        request,
                    },
                ));
            }
        }
    }
    entries
}

/// Follows every chain from outside the zone through the inventory's roles
/// to its resources. `exposures` are the inventory's exposure results
/// (their role trust-policy findings are the ways in).
pub fn find_reach(
    inventory: &Inventory,
    exposures: &[ResourceExposure],
    options: &QueryOptions,
    solver_step_limit: usize,
    progress: &Progress,
) -> Result<Reach, QueryError> {
    let budget = SolverBudget {
        limit: solver_step_limit,
        used: AtomicUsize::new(0),
    };
    let catalog = crate::catalog::Catalog::get();
    // Every role by ARN; trust policies indexed by the accounts they name.
    let mut roles: HashMap<&str, (&str, &Role)> = HashMap::new();
    let mut trusting: HashMap<&str, Vec<&str>> = HashMap::new();
    let mut trusting_anyone: Vec<&str> = Vec::new();
    for (account_id, account) in &inventory.accounts {
        for role in account.roles.values() {
            roles.insert(role.arn.as_str(), (account_id.as_str(), role));
            match role
                .trust_policy
                .as_ref()
                .map(|trust| named_accounts(&trust.document))
            {
                Some(None) => trusting_anyone.push(role.arn.as_str()),
                Some(Some(accounts)) => {
                    for named in accounts {
                        if let Some((key, _)) = inventory.accounts.get_key_value(&named) {
                            trusting
                                .entry(key.as_str())
                                .or_default()
                                .push(role.arn.as_str());
                        }
                    }
                }
                None => {}
            }
        }
    }
    // Resources with what acts on them, indexed the same way.
    struct ResourceEntry<'i> {
        arn: String,
        account: &'i str,
        policy: Option<&'i PolicyDocument>,
        actions: Vec<String>,
        policy_required: bool,
    }
    let mut resources_by_account: HashMap<&str, Vec<usize>> = HashMap::new();
    let mut resources_naming: HashMap<String, Vec<usize>> = HashMap::new();
    let mut resources_naming_anyone: Vec<usize> = Vec::new();
    let mut resource_entries: Vec<ResourceEntry<'_>> = Vec::new();
    for resource in inventory.resources() {
        let policy = resource
            .policy
            .as_ref()
            .map(|policy| policy.document.as_ref());
        // A bucket's policy also speaks for its objects: both are targets.
        let mut targets = vec![resource.arn.clone()];
        if resource.resource_type == ResourceType::S3Bucket {
            targets.push(format!("{}/*", resource.arn));
        }
        for target in targets {
            let actions: Vec<String> = catalog
                .actions_fitting(&target)
                .iter()
                .map(|action| action.full_name().to_string())
                .collect();
            if actions.is_empty() {
                continue;
            }
            let index = resource_entries.len();
            resource_entries.push(ResourceEntry {
                arn: target,
                account: &resource.account,
                policy,
                actions,
                policy_required: resource.resource_type == ResourceType::KmsKey,
            });
            resources_by_account
                .entry(&resource.account)
                .or_default()
                .push(index);
            match policy.map(named_accounts) {
                Some(None) => resources_naming_anyone.push(index),
                Some(Some(accounts)) => {
                    for account in accounts {
                        resources_naming.entry(account).or_default().push(index);
                    }
                }
                None => {}
            }
        }
    }
    let mut graph: DiGraph<ReachNode, ReachStep> = DiGraph::new();
    let mut nodes: BTreeMap<ReachNode, NodeIndex> = BTreeMap::new();
    let mut node = |graph: &mut DiGraph<ReachNode, ReachStep>, key: ReachNode| {
        *nodes
            .entry(key.clone())
            .or_insert_with(|| graph.add_node(key))
    };
    let mut reached: BTreeSet<String> = BTreeSet::new();
    let mut frontier: VecDeque<String> = VecDeque::new();
    for (class, role, step) in entry_steps(inventory, exposures, &roles) {
        let from = node(&mut graph, ReachNode::Outside(class));
        let to = node(&mut graph, ReachNode::Role(role.clone()));
        graph.add_edge(from, to, step);
        if reached.insert(role.clone()) {
            frontier.push_back(role);
        }
    }
    let mut undecided = Vec::new();
    let mut undecided_count = 0;
    // A role whose trust-policy search stopped may let more in than its
    // findings say: the chains through it are not all known.
    for exposure in exposures {
        if let (Some(reason), true) = (
            &exposure.incomplete,
            roles.contains_key(exposure.resource.as_str()),
        ) {
            undecided_count += 1;
            if undecided.len() < UNDECIDED_KEPT {
                undecided.push(UndecidedStep {
                    principal: "outside the zone".to_string(),
                    target: exposure.resource.clone(),
                    reason: format!("the trust policy's exposure is incomplete: {reason}"),
                });
            }
        }
    }
    let mut candidates_checked = 0;
    let mut solver_checks = 0;
    let assume_actions: Vec<String> = ASSUME_ACTIONS
        .iter()
        .map(|action| action.to_string())
        .collect();
    while !frontier.is_empty() {
        let level: Vec<String> = frontier.drain(..).collect();
        let total_roles = roles.len();
        progress.say(&format!(
            "reach: expanding {} role(s); {} reached, {candidates_checked} candidate steps so far",
            level.len(),
            reached.len()
        ));
        // Each role of the level on its own thread.
        let expanded: Vec<Result<Expansion, QueryError>> = level
            .par_iter()
            .map(|arn| {
                let (account, role) = roles[arn.as_str()];
                let session = format!(
                    "arn:aws:sts::{account}:assumed-role/{}/{SESSION_NAME}",
                    role.name
                );
                let identity_policies = match inventory.scenario(&session, "*") {
                    Ok(scenario) => scenario.identity_policies,
                    Err(_) => Vec::new(),
                };
                let from = ReachedRole {
                    role,
                    account: account.to_string(),
                    session,
                    identity_policies,
                };
                let mut targets: Vec<StepTarget<'_>> = Vec::new();
                let mut role_targets: BTreeSet<&str> = BTreeSet::new();
                role_targets.extend(trusting.get(account).into_iter().flatten().copied());
                role_targets.extend(trusting_anyone.iter().copied());
                for target in role_targets {
                    let (target_account, target_role) = roles[target];
                    if target == role.arn {
                        continue;
                    }
                    targets.push(StepTarget {
                        arn: &target_role.arn,
                        account: target_account,
                        policy: target_role
                            .trust_policy
                            .as_ref()
                            .map(|trust| trust.document.as_ref()),
                        actions: assume_actions.clone(),
                        policy_required: true,
                        node: ReachNode::Role(target_role.arn.clone()),
                    });
                }
                let mut resource_indices: BTreeSet<usize> = BTreeSet::new();
                resource_indices.extend(
                    resources_by_account
                        .get(account)
                        .into_iter()
                        .flatten()
                        .copied(),
                );
                resource_indices
                    .extend(resources_naming.get(account).into_iter().flatten().copied());
                resource_indices.extend(resources_naming_anyone.iter().copied());
                for index in resource_indices {
                    let entry = &resource_entries[index];
                    targets.push(StepTarget {
                        arn: &entry.arn,
                        account: entry.account,
                        policy: entry.policy,
                        actions: entry.actions.clone(),
                        policy_required: entry.policy_required,
                        node: ReachNode::Resource(entry.arn.clone()),
                    });
                }
                let mut expansion = Expansion::default();
                for target in targets.iter().filter(|target| candidate(&from, target)) {
                    expansion.candidates += 1;
                    match decide_step(
                        inventory,
                        &from,
                        target,
                        options,
                        &budget,
                        &mut expansion.solver_checks,
                    )? {
                        StepOutcome::Allowed(step) => {
                            expansion.edges.push((target.node.clone(), *step))
                        }
                        StepOutcome::Denied => {}
                        StepOutcome::Undecided(reason) => expansion.undecided.push(UndecidedStep {
                            principal: from.session.clone(),
                            target: target.arn.to_string(),
                            reason,
                        }),
                    }
                }
                progress.step("reach: roles expanded", total_roles);
                Ok(expansion)
            })
            .collect();
        for (arn, expansion) in level.iter().zip(expanded) {
            let expansion = expansion?;
            candidates_checked += expansion.candidates;
            solver_checks += expansion.solver_checks;
            undecided_count += expansion.undecided.len();
            let room = UNDECIDED_KEPT.saturating_sub(undecided.len());
            undecided.extend(expansion.undecided.into_iter().take(room));
            let from = node(&mut graph, ReachNode::Role(arn.clone()));
            for (target, step) in expansion.edges {
                if let ReachNode::Role(role) = &target {
                    if reached.insert(role.clone()) {
                        frontier.push_back(role.clone());
                    }
                }
                let to = node(&mut graph, target);
                graph.add_edge(from, to, step);
            }
        }
    }
    let paths = shortest_paths(&graph);
    Ok(Reach {
        graph,
        paths,
        undecided,
        undecided_count,
        roles_reached: reached.len(),
        candidates_checked,
        solver_checks,
    })
}

/// The solver-decided steps one reach may take: candidates that plain
/// requests do not settle cost a solver query each.
struct SolverBudget {
    limit: usize,
    used: AtomicUsize,
}

impl SolverBudget {
    /// Takes one step of the budget; false when none is left.
    fn take(&self) -> bool {
        self.used.fetch_add(1, Ordering::Relaxed) < self.limit
    }

    fn spent(&self) -> bool {
        self.used.load(Ordering::Relaxed) >= self.limit
    }

    fn reason(&self) -> String {
        format!(
            "not searched: the limit of {} solver-decided steps was reached (--reach-solver-limit)",
            self.limit
        )
    }
}

/// What expanding one role found.
#[derive(Default)]
struct Expansion {
    edges: Vec<(ReachNode, ReachStep)>,
    undecided: Vec<UndecidedStep>,
    candidates: usize,
    solver_checks: usize,
}

/// For each outside class and each resource it reaches, one shortest path
/// (breadth first from the class; ties broken by edge order, which is the
/// graph's deterministic build order).
fn shortest_paths(graph: &DiGraph<ReachNode, ReachStep>) -> Vec<ReachPath> {
    let mut paths = Vec::new();
    for origin in graph.node_indices() {
        let ReachNode::Outside(class) = &graph[origin] else {
            continue;
        };
        let mut parent: BTreeMap<NodeIndex, petgraph::graph::EdgeIndex> = BTreeMap::new();
        let mut queue = VecDeque::from([origin]);
        let mut seen = BTreeSet::from([origin]);
        while let Some(current) = queue.pop_front() {
            let mut edges: Vec<_> = graph.edges(current).collect();
            edges.sort_by_key(|edge| edge.id());
            for edge in edges {
                let next = edge.target();
                if seen.insert(next) {
                    parent.insert(next, edge.id());
                    // Resources end a path; roles lead on.
                    if matches!(graph[next], ReachNode::Role(_)) {
                        queue.push_back(next);
                    }
                }
            }
        }
        for &target in parent.keys() {
            let ReachNode::Resource(resource) = &graph[target] else {
                continue;
            };
            let mut steps = Vec::new();
            let mut current = target;
            while let Some(edge) = parent.get(&current) {
                steps.push(graph[*edge].clone());
                current = graph
                    .edge_endpoints(*edge)
                    .map_or(origin, |(source, _)| source);
            }
            steps.reverse();
            paths.push(ReachPath {
                origin: class.clone(),
                resource: resource.clone(),
                steps,
            });
        }
    }
    paths.sort_by(|left, right| {
        (&left.resource, &left.origin, left.steps.len()).cmp(&(
            &right.resource,
            &right.origin,
            right.steps.len(),
        ))
    });
    paths
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::{parse_policy, PolicyKind};

    fn policy(statements: &str) -> PolicyDocument {
        let text = format!(r#"{{"Version": "2012-10-17", "Statement": [{statements}]}}"#);
        parse_policy(&text, "test.json", Some(PolicyKind::Resource))
            .unwrap_or_else(|error| panic!("{error}"))
            .document
    }

    #[test]
    fn the_sns_default_topic_policy_names_only_its_owner_account() {
        let default_policy = policy(
            r#"{"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "SNS:Publish",
                "Resource": "arn:aws:sns:us-east-1:111111111111:alerts",
                "Condition": {"StringEquals": {"AWS:SourceOwner": "111111111111"}}}"#,
        );
        assert_eq!(
            named_accounts(&default_policy),
            Some(BTreeSet::from(["111111111111".to_string()]))
        );
        let role = "arn:aws:iam::111111111111:role/r";
        assert!(names_role_directly(
            &default_policy,
            role,
            "111111111111",
            "r"
        ));
        assert!(!names_role_directly(
            &default_policy,
            "arn:aws:iam::222222222222:role/r",
            "222222222222",
            "r"
        ));
    }

    #[test]
    fn a_grant_under_a_service_source_key_names_no_iam_principal() {
        let service_only = policy(
            r#"{"Effect": "Allow", "Principal": "*", "Action": "sqs:SendMessage", "Resource": "*",
                "Condition": {"ArnLike": {"aws:SourceArn": "arn:aws:sns:*:111111111111:*"}}}"#,
        );
        assert_eq!(named_accounts(&service_only), Some(BTreeSet::new()));
        // IfExists, a negated operator and a policy variable all let a
        // request without the key through: anyone may be named.
        for condition in [
            r#"{"StringEqualsIfExists": {"aws:SourceAccount": "111111111111"}}"#,
            r#"{"StringNotEquals": {"aws:SourceAccount": "111111111111"}}"#,
            r#"{"StringLike": {"aws:SourceOwner": "1111*"}}"#,
        ] {
            let open = policy(&format!(
                r#"{{"Effect": "Allow", "Principal": "*", "Action": "sqs:SendMessage", "Resource": "*", "Condition": {condition}}}"#
            ));
            assert_eq!(named_accounts(&open), None, "{condition}");
        }
    }
}
