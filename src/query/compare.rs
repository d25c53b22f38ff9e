//! Equivalence and difference of two sides: two setups (whole policy sets,
//! compared on the three-valued decision) or two versions of one policy
//! (compared *in context*: what each allows on its own, what each
//! explicitly denies, and for resource policies how strongly each grants;
//! see `semantics/alone.rs` for why exactly these). Every request the
//! solver finds is replayed through the reference evaluator on both sides
//! before it is reported; every verdict states its scope and says when a
//! side allows nothing.

use super::constraints::RequestConstraints;
use super::core::{Found, Query};
use super::engine::QueryOptions;
use super::error::{InconclusiveReason, QueryError};
use crate::eval::{evaluate, evaluate_alone, ConcreteInterpretation, Decision, EvaluatedDecision};
use crate::org::full_access_policy;
use crate::policy::{PolicyDocument, PolicyKind};
use crate::request::{ConcreteRequest, PrincipalKind};
use crate::semantics::alone::{access_aspects, Aspect, AspectValues, PolicyAlone};
use crate::semantics::derived_keys::DerivedKeyFacts;
use crate::semantics::{Interpretation, Setup};
use crate::symbolic::{RequestModel, SymbolicInterpretation, Term, Unsupported};

/// How NEW compares with OLD.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// Same access on every request (within the scope).
    Equivalent,
    /// NEW allows some request OLD does not, and never the reverse.
    MorePermissive,
    /// OLD allows some request NEW does not, and never the reverse.
    LessPermissive,
    /// Each allows some request the other does not.
    Incomparable,
    /// The solver gave up (timeout, unknown) or the encoding does not cover
    /// a construct; counterexamples found before that are still valid.
    Inconclusive { reason: InconclusiveReason },
}

/// Which way a counterexample differs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// NEW allows (or drops a Deny), OLD does not.
    NewAllowsOldDenies,
    /// OLD allows (or NEW adds a Deny), NEW does not.
    OldAllowsNewDenies,
}

/// One side of a comparison.
#[derive(Debug, Clone)]
pub enum ComparedSide<'p> {
    /// A whole setup, decided as AWS decides a request.
    Setup(Setup<'p>),
    /// One policy, judged as the one policy of its layer.
    Policy(PolicyAlone<'p>),
}

/// A side's replay of one request.
#[derive(Debug, Clone)]
pub struct Replayed {
    pub decision: EvaluatedDecision,
    pub aspects: AspectValues<bool>,
}

impl<'p> ComparedSide<'p> {
    /// One policy of `kind`, judged alone.
    pub fn policy(policy: &'p PolicyDocument, kind: PolicyKind) -> Self {
        ComparedSide::Policy(PolicyAlone::new(policy, kind, full_access_policy(kind)))
    }

    pub fn policies(&self) -> Vec<&'p PolicyDocument> {
        match self {
            ComparedSide::Setup(setup) => setup.policies(),
            ComparedSide::Policy(alone) => alone.layer.policies.clone(),
        }
    }

    /// Every aspect under an interpretation.
    pub fn aspects<I: Interpretation>(&self, interpretation: &I) -> AspectValues<I::Bool> {
        match self {
            ComparedSide::Setup(setup) => AspectValues::of_decision(&setup.decide(interpretation)),
            ComparedSide::Policy(alone) => alone.aspects(interpretation),
        }
    }

    /// What this side derives context keys from: the scenario's
    /// organization, tags and request context; nothing for a single policy.
    pub fn derived_key_facts(&self) -> &DerivedKeyFacts {
        static NONE: std::sync::OnceLock<DerivedKeyFacts> = std::sync::OnceLock::new();
        match self {
            ComparedSide::Setup(setup) => &setup.facts.derived_keys,
            ComparedSide::Policy(_) => NONE.get_or_init(DerivedKeyFacts::default),
        }
    }

    /// `request` as `iamz eval` completes it for this side: every key AWS
    /// derives, and that the request does not give, filled in.
    pub fn complete(&self, request: &ConcreteRequest) -> ConcreteRequest {
        let mut completed = request.clone();
        self.derived_key_facts()
            .complete(&mut completed, REPLAY_EPOCH_SECONDS);
        completed
    }

    /// The reference evaluator's decision on `request`, completed as `iamz
    /// eval` completes it, with its aspects.
    pub fn replay(&self, request: &ConcreteRequest) -> Replayed {
        let request = &self.complete(request);
        match self {
            ComparedSide::Setup(setup) => {
                let decision = evaluate(setup, request);
                let allowed = decision.decision == Decision::Allow;
                Replayed {
                    aspects: AspectValues {
                        access: allowed,
                        explicit_deny: decision.decision == Decision::ExplicitDeny,
                        grant: allowed,
                        exact_grant: allowed,
                    },
                    decision,
                }
            }
            ComparedSide::Policy(alone) => {
                let (decision, aspects) = evaluate_alone(alone, request);
                Replayed { decision, aspects }
            }
        }
    }

    fn is_policy(&self) -> bool {
        matches!(self, ComparedSide::Policy(_))
    }
}

/// The time a replay completes a request with when it gives none: the
/// request model gives `aws:CurrentTime` and `aws:EpochTime` whenever a
/// policy reads them, so their default never decides.
const REPLAY_EPOCH_SECONDS: i64 = 1_790_000_000;

/// What a comparison of two single policies looks at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PolicyComparisonMode {
    /// In every company of other policies: what each allows, what each
    /// explicitly denies, and (resource policies) how strongly each grants.
    #[default]
    InContext,
    /// Each policy as the only one of its layer: only what it allows.
    Alone,
}

/// A request on which the two sides differ, replayed on both.
#[derive(Debug, Clone)]
pub struct Counterexample {
    pub direction: Direction,
    /// Which aspect differs on this request.
    pub aspect: Aspect,
    /// Whether the difference is one of access (otherwise only the kind of
    /// deny differs: ExplicitDeny on one side, ImplicitDeny on the other).
    pub changes_access: bool,
    pub request: ConcreteRequest,
    pub old: EvaluatedDecision,
    pub new: EvaluatedDecision,
    /// For single policies whose difference needs a companion to show as
    /// access: the company in which it does, in words.
    pub revealed_by: Option<String>,
    /// For deny-only differences of single policies: a companion policy
    /// that, beside each side, makes the difference one of access.
    pub companion: Option<serde_json::Value>,
    /// What the reader should know about this request (for example: its
    /// action does not act on resources like its resource).
    pub notes: Vec<String>,
}

/// The result of [`compare`].
#[derive(Debug, Clone)]
pub struct Comparison {
    pub verdict: Verdict,
    /// At most one per differing aspect and direction, widening first.
    pub counterexamples: Vec<Counterexample>,
    /// When non-empty, `Equivalent` (and the absence of a direction) is
    /// proved only under these listed approximations.
    pub approximations: Vec<String>,
    /// Solver checks run (0 when decided syntactically).
    pub solver_checks: usize,
    /// What the verdict covers, in words.
    pub scope: String,
    /// Why the verdict is vacuous, if it is: no request meets the
    /// constraints, or a side allows nothing within them.
    pub vacuous: Vec<String>,
    /// How the sides were judged (for example: an SCP without Allow judged
    /// beside FullAWSAccess).
    pub notes: Vec<String>,
}

/// One aspect compared: which aspect, and whether it decides access.
#[derive(Debug, Clone, Copy)]
pub(super) struct ComparedAspect {
    pub(super) aspect: Aspect,
    pub(super) changes_access: bool,
}

fn compared_aspects(
    old: &ComparedSide<'_>,
    new: &ComparedSide<'_>,
    mode: PolicyComparisonMode,
) -> Vec<ComparedAspect> {
    let kind = match (old, new) {
        (ComparedSide::Policy(old), _) => Some(old.kind),
        (_, ComparedSide::Policy(new)) => Some(new.kind),
        _ => None,
    };
    match (kind, mode) {
        (Some(kind), PolicyComparisonMode::InContext) => access_aspects(kind)
            .iter()
            .map(|aspect| ComparedAspect {
                aspect: *aspect,
                changes_access: true,
            })
            .collect(),
        (Some(_), PolicyComparisonMode::Alone) => vec![ComparedAspect {
            aspect: Aspect::Access,
            changes_access: true,
        }],
        // Setups: the decision, then the kind of deny where access agrees.
        (None, _) => vec![
            ComparedAspect {
                aspect: Aspect::Access,
                changes_access: true,
            },
            ComparedAspect {
                aspect: Aspect::ExplicitDeny,
                changes_access: false,
            },
        ],
    }
}

/// `aspect` is more permissive on `more` than on `less` (for explicit
/// denies: `less` denies and `more` does not).
fn widens<I: Interpretation>(
    interpretation: &I,
    aspect: Aspect,
    more: &AspectValues<I::Bool>,
    less: &AspectValues<I::Bool>,
) -> I::Bool {
    let i = interpretation;
    match aspect {
        Aspect::ExplicitDeny => i.and2(less.get(aspect), i.not(more.get(aspect))),
        _ => i.and2(more.get(aspect), i.not(less.get(aspect))),
    }
}

/// Both sides encoded over one request model (two when the sides derive
/// some key differently: the same variables, each side's own derivation).
pub(super) struct Encoded {
    pub(super) model: RequestModel,
    pub(super) old: AspectValues<Term>,
    pub(super) new: AspectValues<Term>,
    pub(super) constraint: Term,
    pub(super) unsupported: Vec<Unsupported>,
}

pub(super) fn encode(
    old: &ComparedSide<'_>,
    new: &ComparedSide<'_>,
    constraints: &RequestConstraints,
) -> Encoded {
    let mut policies = old.policies();
    policies.extend(new.policies());
    let facts = [old.derived_key_facts(), new.derived_key_facts()];
    let model = RequestModel::build_side(&policies, &facts, 0);
    let new_model = RequestModel::sides_differ(&policies, &facts)
        .then(|| RequestModel::build_side(&policies, &facts, 1));
    let interpretation = SymbolicInterpretation::new(&model);
    let old_aspects = old.aspects(&interpretation);
    let constraint = constraints.symbolic(&interpretation);
    let mut unsupported = model.unsupported.clone();
    unsupported.extend(interpretation.unsupported());
    let new_aspects = match &new_model {
        Some(new_model) => {
            let new_interpretation = SymbolicInterpretation::new(new_model);
            let aspects = new.aspects(&new_interpretation);
            unsupported.extend(new_model.unsupported.iter().cloned());
            unsupported.extend(new_interpretation.unsupported());
            aspects
        }
        None => new.aspects(&interpretation),
    };
    unsupported.sort();
    unsupported.dedup();
    Encoded {
        old: old_aspects,
        new: new_aspects,
        constraint,
        unsupported,
        model,
    }
}

/// The goal "the two sides differ in `aspects`" for one direction.
pub(super) fn direction_goal(
    interpretation: &SymbolicInterpretation<'_>,
    encoded: &Encoded,
    aspects: &[ComparedAspect],
    direction: Direction,
) -> Term {
    let (more, less) = match direction {
        Direction::NewAllowsOldDenies => (&encoded.new, &encoded.old),
        Direction::OldAllowsNewDenies => (&encoded.old, &encoded.new),
    };
    Term::or(
        aspects
            .iter()
            .map(|compared| widens(interpretation, compared.aspect, more, less)),
    )
}

/// The exact satisfiability query behind [`compare`], as SMT-LIB 2: the
/// request model's axioms, the constraints, and "the two sides differ in
/// some compared aspect" (sat means they differ). Deterministic for the
/// same inputs.
pub fn comparison_smt2(
    old: &ComparedSide<'_>,
    new: &ComparedSide<'_>,
    constraints: &RequestConstraints,
    mode: PolicyComparisonMode,
) -> Result<String, QueryError> {
    constraints.validate()?;
    let encoded = encode(old, new, constraints);
    let interpretation = SymbolicInterpretation::new(&encoded.model);
    let aspects: Vec<ComparedAspect> = compared_aspects(old, new, mode)
        .into_iter()
        .filter(|compared| compared.changes_access)
        .collect();
    let mut assertions: Vec<Term> = encoded
        .model
        .axioms
        .iter()
        .map(|(_, axiom)| axiom.clone())
        .collect();
    assertions.push(encoded.constraint.clone());
    assertions.push(Term::or([
        direction_goal(
            &interpretation,
            &encoded,
            &aspects,
            Direction::NewAllowsOldDenies,
        ),
        direction_goal(
            &interpretation,
            &encoded,
            &aspects,
            Direction::OldAllowsNewDenies,
        ),
    ]));
    let mut text = String::from(
        "; iamz comparison query: sat iff OLD and NEW differ in access on some request\n",
    );
    for (axiom, _) in &encoded.model.axioms {
        text.push_str(&format!("; axiom: {axiom:?}\n"));
    }
    text.push_str(&crate::symbolic::emit_smt2(&assertions)?);
    Ok(text)
}

/// Replays `request` on a setup, completed as `iamz eval` completes it.
pub fn replay(setup: &Setup<'_>, request: &ConcreteRequest) -> EvaluatedDecision {
    let mut completed = request.clone();
    setup
        .facts
        .derived_keys
        .complete(&mut completed, REPLAY_EPOCH_SECONDS);
    evaluate(setup, &completed)
}

fn notes_of(side: &ComparedSide<'_>, label: &str) -> Vec<String> {
    match side {
        ComparedSide::Policy(alone) if alone.beside_full_access => {
            let full = if alone.kind == PolicyKind::Scp {
                "FullAWSAccess"
            } else {
                "RCPFullAWSAccess"
            };
            vec![format!(
                "{label} has no Allow statement: judged beside {full}, as AWS attaches it at every level"
            )]
        }
        _ => Vec::new(),
    }
}

/// Compares NEW with OLD on every request meeting `constraints`.
///
/// Returns a verdict and at most one replayed counterexample per differing
/// aspect and direction. Errors on bad constraints and on internal failures
/// (a counterexample that does not replay is [`QueryError::ReplayMismatch`]).
pub fn compare(
    old: &ComparedSide<'_>,
    new: &ComparedSide<'_>,
    constraints: &RequestConstraints,
    options: &QueryOptions,
    mode: PolicyComparisonMode,
) -> Result<Comparison, QueryError> {
    constraints.validate()?;
    let encoded = encode(old, new, constraints);
    let mut comparison = Comparison {
        verdict: Verdict::Equivalent,
        counterexamples: Vec::new(),
        approximations: encoded.model.approximations.clone(),
        solver_checks: 0,
        scope: scope_of(old, constraints, mode),
        vacuous: Vec::new(),
        notes: [notes_of(old, "OLD"), notes_of(new, "NEW")].concat(),
    };
    if !encoded.unsupported.is_empty() {
        comparison.verdict = Verdict::Inconclusive {
            reason: InconclusiveReason::Unsupported(encoded.unsupported.clone()),
        };
        return Ok(comparison);
    }
    let interpretation = SymbolicInterpretation::new(&encoded.model);
    let aspects = compared_aspects(old, new, mode);
    let mut query = Query::new(&encoded.model, &encoded.constraint, options)?;
    let mut unknown = Vec::new();
    let mut witnessed = [false, false];
    for direction in [Direction::NewAllowsOldDenies, Direction::OldAllowsNewDenies] {
        let any_difference = direction_goal(&interpretation, &encoded, &aspects, direction);
        if any_difference.is_false() {
            continue;
        }
        // One check for the whole direction first: most comparisons agree.
        let mut found_first = match query.find(&any_difference, Ok)? {
            Found::None => continue,
            Found::Unknown(reason) => {
                unknown.push(reason);
                continue;
            }
            Found::Certified(request) => Some(request),
        };
        let mut earlier: Vec<Term> = Vec::new();
        for compared in &aspects {
            // The first aspect's search would ask exactly for a request the
            // direction's check may already have found: use it when its
            // replay shows that aspect differs.
            let reused = match found_first.take() {
                Some(request) if differs_on_replay(old, new, direction, *compared, &request) => {
                    Some(request)
                }
                _ => None,
            };
            let differs = direction_goal(&interpretation, &encoded, &[*compared], direction);
            let certify = |request| {
                counterexample(
                    old,
                    new,
                    constraints,
                    options,
                    direction,
                    *compared,
                    request,
                )
            };
            let certified = match reused {
                Some(request) => Found::Certified(certify(request)?),
                None => {
                    let mut goal = vec![differs.clone()];
                    // An aspect's counterexample shows what the earlier ones do not.
                    goal.extend(earlier.iter().map(Term::not));
                    if !compared.changes_access {
                        // Only the kind of deny: neither side allows.
                        goal.push(encoded.old.access.not());
                        goal.push(encoded.new.access.not());
                    }
                    query.find(&Term::and(goal), certify)?
                }
            };
            earlier.push(differs);
            match certified {
                Found::None => {}
                Found::Unknown(reason) => unknown.push(reason),
                Found::Certified(example) => {
                    witnessed[0] |= example.new.decision == Decision::Allow;
                    witnessed[1] |= example.old.decision == Decision::Allow;
                    comparison.counterexamples.push(example);
                }
            }
        }
    }
    let differs = |direction: Direction| {
        comparison
            .counterexamples
            .iter()
            .any(|example| example.direction == direction && example.changes_access)
    };
    let widened = differs(Direction::NewAllowsOldDenies);
    let narrowed = differs(Direction::OldAllowsNewDenies);
    comparison.verdict = if !unknown.is_empty() {
        Verdict::Inconclusive {
            reason: InconclusiveReason::of_solver(unknown),
        }
    } else {
        match (widened, narrowed) {
            (false, false) => Verdict::Equivalent,
            (true, false) => Verdict::MorePermissive,
            (false, true) => Verdict::LessPermissive,
            (true, true) => Verdict::Incomparable,
        }
    };
    vacuity(
        &mut comparison,
        &mut query,
        &encoded,
        old,
        new,
        constraints,
        witnessed,
        widened || narrowed,
    )?;
    comparison.solver_checks = query.checks();
    Ok(comparison)
}

/// Whether `request`, replayed, differs in `compared` in `direction`
/// (the first aspect only: its goal has no earlier aspects to exclude).
pub(super) fn differs_on_replay(
    old: &ComparedSide<'_>,
    new: &ComparedSide<'_>,
    direction: Direction,
    compared: ComparedAspect,
    request: &ConcreteRequest,
) -> bool {
    if !compared.changes_access {
        return false;
    }
    let (old_replayed, new_replayed) = (old.replay(request), new.replay(request));
    let (more, less) = match direction {
        Direction::NewAllowsOldDenies => (&new_replayed, &old_replayed),
        Direction::OldAllowsNewDenies => (&old_replayed, &new_replayed),
    };
    widens(
        &ConcreteInterpretation::new(request),
        compared.aspect,
        &more.aspects,
        &less.aspects,
    )
}

/// A found request as a counterexample: the derived keys left to `iamz
/// eval`, made readable, checked to be a request AWS could receive, and
/// certified by replay on both sides.
pub(super) fn counterexample(
    old: &ComparedSide<'_>,
    new: &ComparedSide<'_>,
    constraints: &RequestConstraints,
    options: &QueryOptions,
    direction: Direction,
    compared: ComparedAspect,
    mut request: ConcreteRequest,
) -> Result<Counterexample, QueryError> {
    // The request as a caller sends it: AWS (and `iamz eval`) derive the rest.
    DerivedKeyFacts::strip(
        &mut request,
        &[old.derived_key_facts(), new.derived_key_facts()],
    );
    let request = if options.readable {
        let request = super::readable::make_readable(old, new, constraints, request);
        let mut policies = old.policies();
        policies.extend(new.policies());
        if let Some(reason) = super::readable::unrealistic(&request, &policies) {
            return Err(QueryError::UnrealisticCounterexample {
                reason,
                request: Box::new(request),
            });
        }
        request
    } else {
        request
    };
    let mut example = certify(old, new, constraints, direction, compared, request)?;
    example
        .notes
        .extend(super::readable::unfitting_resource(&example.request));
    Ok(example)
}

/// Says when the verdict is vacuous: no request meets the constraints, or
/// a side allows nothing within them.
#[allow(clippy::too_many_arguments)]
fn vacuity(
    comparison: &mut Comparison,
    query: &mut Query<'_>,
    encoded: &Encoded,
    old: &ComparedSide<'_>,
    new: &ComparedSide<'_>,
    constraints: &RequestConstraints,
    witnessed: [bool; 2],
    differ: bool,
) -> Result<(), QueryError> {
    if matches!(comparison.verdict, Verdict::Inconclusive { .. }) {
        return Ok(());
    }
    // Every side "allows" the calls that need no permission
    // (sts:GetCallerIdentity): a side allows something only beyond them.
    let interpretation = SymbolicInterpretation::new(&encoded.model);
    let free = crate::semantics::service_rules::needs_no_permission(&interpretation);
    let exists = |query: &mut Query<'_>, goal: &Term| -> Result<Option<bool>, QueryError> {
        query.exists(&goal.and2(&free.not()))
    };
    // A side that allows something was seen allowing in a counterexample;
    // otherwise ask. When the sides agree, one question answers both.
    let [new_allows_seen, old_allows_seen] = witnessed;
    let old_allows = if old_allows_seen || sample_allows(old, constraints) {
        Some(true)
    } else {
        exists(query, &encoded.old.access)?
    };
    let new_allows = if new_allows_seen || sample_allows(new, constraints) {
        Some(true)
    } else if !differ {
        old_allows
    } else {
        exists(query, &encoded.new.access)?
    };
    if old_allows != Some(true)
        && new_allows != Some(true)
        && comparison.counterexamples.is_empty()
        && query.exists(&Term::truth())? == Some(false)
    {
        comparison
            .vacuous
            .push("no request meets the constraints".to_string());
        return Ok(());
    }
    for (label, allows) in [("OLD", old_allows), ("NEW", new_allows)] {
        match allows {
            Some(false) => comparison
                .vacuous
                .push(format!("{label} allows nothing within the scope")),
            None => comparison.vacuous.push(format!(
                "whether {label} allows anything within the scope is not known (solver)"
            )),
            Some(true) => {}
        }
    }
    Ok(())
}

/// Whether a single policy allows an obvious request: for each Allow
/// statement, its first action (a catalog action for a pattern) on its
/// first resource (wildcards filled in), by an example user, replayed. A
/// request that replays as allowed within the constraints shows the side
/// is not vacuous without asking the solver; any other answer proves
/// nothing, and the solver is asked.
fn sample_allows(side: &ComparedSide<'_>, constraints: &RequestConstraints) -> bool {
    let ComparedSide::Policy(alone) = side else {
        return false;
    };
    let account = constraints
        .principal_account
        .clone()
        .unwrap_or_else(|| "111122223333".to_string());
    let Ok(principal) =
        crate::request::RequestPrincipal::parse(&format!("arn:aws:iam::{account}:user/example"))
    else {
        return false;
    };
    let catalog = crate::catalog::Catalog::get;
    alone
        .layer
        .policies
        .iter()
        .flat_map(|policy| policy.statements.iter())
        .any(|statement| {
            if statement.effect != crate::policy::Effect::Allow || statement.actions.negated {
                return false;
            }
            let Some(pattern) = statement.actions.patterns.first() else {
                return false;
            };
            let action = if pattern.text.contains(['*', '?']) {
                match catalog().expand_action_pattern(&pattern.text).first() {
                    Some(action) => action.full_name().to_string(),
                    None => return false,
                }
            } else {
                pattern.text.clone()
            };
            let resource = match &statement.resources {
                None => "*".to_string(),
                Some(clause) if clause.negated => return false,
                Some(clause) => match clause.patterns.first() {
                    Some(pattern) if pattern.text.contains("${") => return false,
                    Some(pattern) if pattern.text == "*" => "*".to_string(),
                    Some(pattern) => pattern.text.replace('*', "example").replace('?', "x"),
                    None => return false,
                },
            };
            let mut request = ConcreteRequest::new(principal.clone(), &action, &resource);
            // Every side allows a call that needs no permission: it shows
            // nothing.
            if crate::semantics::service_rules::needs_no_permission(
                &crate::eval::ConcreteInterpretation::new(&request),
            ) {
                return false;
            }
            request.resource_account =
                Some(constraints.resource_account.clone().unwrap_or_else(|| {
                    crate::scenario::setup::arn_account(&resource)
                        .unwrap_or(&account)
                        .to_string()
                }));
            constraints.admits(&request) && side.replay(&request).aspects.access
        })
}

fn scope_of(
    side: &ComparedSide<'_>,
    constraints: &RequestConstraints,
    mode: PolicyComparisonMode,
) -> String {
    let requests = constraints.describe();
    match side {
        ComparedSide::Setup(setup) => {
            let given = &setup.facts.derived_keys.request_context;
            let context = if given.is_empty() {
                String::new()
            } else {
                let keys: Vec<String> = given
                    .iter()
                    .map(|(key, values, _)| format!("{key} = {}", values.join(", ")))
                    .collect();
                format!(
                    " with {} (as the scenario's request gives)",
                    keys.join(", ")
                )
            };
            format!("{requests}{context}; the three-valued decision of each scenario")
        }
        ComparedSide::Policy(alone) => {
            let how = match mode {
                PolicyComparisonMode::InContext => "in every company of other policies: what each allows, what each explicitly denies",
                PolicyComparisonMode::Alone => "each alone: only what each allows on its own",
            };
            let grants = if matches!(alone.kind, PolicyKind::Resource | PolicyKind::Trust)
                && mode == PolicyComparisonMode::InContext
            {
                ", and how strongly each names the principal"
            } else {
                ""
            };
            format!(
                "{requests}; OLD and NEW as {} policies, {how}{grants}",
                alone.kind
            )
        }
    }
}

fn revealed_by(
    side: &ComparedSide<'_>,
    aspect: Aspect,
    request: &ConcreteRequest,
) -> (Option<String>, Option<serde_json::Value>) {
    let ComparedSide::Policy(alone) = side else {
        return (None, None);
    };
    let companion = || {
        let mut statement = serde_json::json!({
            "Effect": "Allow",
            "Action": request.action,
            "Resource": request.resource,
        });
        if matches!(alone.kind, PolicyKind::Rcp) {
            statement["Principal"] = serde_json::json!("*");
        }
        serde_json::json!({"Version": "2012-10-17", "Statement": [statement]})
    };
    match aspect {
        Aspect::Access => (None, None),
        Aspect::ExplicitDeny => {
            let company = match alone.kind {
                PolicyKind::Identity => "beside another identity policy of the principal that allows this request (the companion below)",
                PolicyKind::Scp => "beside another SCP at the same level that allows this request (the companion below)",
                PolicyKind::Rcp => "beside another RCP at the same level that allows this request (the companion below)",
                _ => "with an identity policy of the principal, in the resource's account, that allows this request (the companion below)",
            };
            (
                Some(format!(
                    "{company}: the side with the Deny denies it, the other allows it"
                )),
                Some(companion()),
            )
        }
        Aspect::Grant => (
            Some("in the resource's account, with no identity policy that allows this request: only the side that grants by itself allows it (the other names only the principal's account)".to_string()),
            None,
        ),
        Aspect::ExactGrant => (
            Some("for a principal whose permissions boundary or session policy does not allow this request: only the side that names the principal exactly allows it".to_string()),
            None,
        ),
    }
}

/// Replays a found request on both sides and checks the claimed difference.
fn certify(
    old: &ComparedSide<'_>,
    new: &ComparedSide<'_>,
    constraints: &RequestConstraints,
    direction: Direction,
    compared: ComparedAspect,
    request: ConcreteRequest,
) -> Result<Counterexample, QueryError> {
    if !constraints.admits(&request) {
        return Err(QueryError::ConstraintMismatch(Box::new(request)));
    }
    let old_replayed = old.replay(&request);
    let new_replayed = new.replay(&request);
    let (more, less, more_side) = match direction {
        Direction::NewAllowsOldDenies => (&new_replayed, &old_replayed, "new"),
        Direction::OldAllowsNewDenies => (&old_replayed, &new_replayed, "old"),
    };
    // The same rule as the goal, read on the replayed aspects.
    let holds = widens(
        &ConcreteInterpretation::new(&request),
        compared.aspect,
        &more.aspects,
        &less.aspects,
    );
    if !holds {
        return Err(QueryError::ReplayMismatch {
            side: more_side.to_string(),
            claimed: format!(
                "a difference in {} in direction {direction:?}",
                compared.aspect.as_str()
            ),
            replayed: more.decision.decision,
            request: Box::new(request),
        });
    }
    let (revealed_by, companion) = if old.is_policy() {
        revealed_by(old, compared.aspect, &request)
    } else {
        (None, None)
    };
    Ok(Counterexample {
        direction,
        aspect: compared.aspect,
        changes_access: compared.changes_access,
        request,
        old: old_replayed.decision,
        new: new_replayed.decision,
        revealed_by,
        companion,
        notes: Vec::new(),
    })
}

/// The principals a single policy of `kind` is judged for: identity-side
/// kinds for IAM users, role sessions and federated users; kinds that name
/// principals for every kind of principal.
pub fn principals_judged(kind: PolicyKind) -> Option<Vec<PrincipalKind>> {
    (!kind.names_principals()).then(|| {
        vec![
            PrincipalKind::IamUser,
            PrincipalKind::RoleSession,
            PrincipalKind::FederatedUser,
        ]
    })
}

/// Compares two versions of one policy of kind `kind` (see
/// [`PolicyComparisonMode`]).
pub fn compare_policies(
    old: &PolicyDocument,
    new: &PolicyDocument,
    kind: PolicyKind,
    constraints: &RequestConstraints,
    options: &QueryOptions,
    mode: PolicyComparisonMode,
) -> Result<Comparison, QueryError> {
    let mut constraints = constraints.clone();
    if constraints.principal_kinds.is_none() {
        constraints.principal_kinds = principals_judged(kind);
    }
    compare(
        &ComparedSide::policy(old, kind),
        &ComparedSide::policy(new, kind),
        &constraints,
        options,
        mode,
    )
}
