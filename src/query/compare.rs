//! Equivalence and difference of two setups (or two policies): is there a
//! request, within the constraints, that one allows and the other does not?
//! Every request the solver finds is replayed through the reference
//! evaluator on both sides before it is reported.

use super::constraints::RequestConstraints;
use super::engine::{Engine, QueryOptions, Search};
use super::error::QueryError;
use super::setup::{FactsRule, Setup};
use crate::eval::{evaluate, Decision, EvaluatedDecision};
use crate::policy::{PolicyDocument, PolicyKind};
use crate::request::{ConcreteRequest, PrincipalKind};
use crate::semantics::{decide, Applicability, Layer, LayerRole};
use crate::symbolic::{RequestModel, SymbolicInterpretation, Term};

/// How NEW compares with OLD.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// Same decision on every request (within the constraints).
    Equivalent,
    /// NEW allows some request OLD does not, and never the reverse.
    MorePermissive,
    /// OLD allows some request NEW does not, and never the reverse.
    LessPermissive,
    /// Each allows some request the other does not.
    Incomparable,
    /// The solver gave up (timeout, unknown) or the encoding does not cover
    /// a construct; counterexamples found before that are still valid.
    Inconclusive { reason: String },
}

/// Which way a counterexample differs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// NEW allows, OLD does not.
    NewAllowsOldDenies,
    /// OLD allows, NEW does not.
    OldAllowsNewDenies,
}

/// A request on which the two sides differ, replayed on both.
#[derive(Debug, Clone)]
pub struct Counterexample {
    pub direction: Direction,
    pub request: ConcreteRequest,
    pub old: EvaluatedDecision,
    pub new: EvaluatedDecision,
}

/// The result of [`compare`].
#[derive(Debug, Clone)]
pub struct Comparison {
    pub verdict: Verdict,
    /// At most one per differing direction, widening first.
    pub counterexamples: Vec<Counterexample>,
    /// When non-empty, `Equivalent` (and the absence of a direction) is
    /// proved only under these listed approximations.
    pub approximations: Vec<String>,
    /// Solver checks run (0 when decided syntactically).
    pub solver_checks: usize,
}

/// Both sides encoded over one request model.
struct Encoded {
    model: RequestModel,
    old_allowed: Term,
    new_allowed: Term,
    constraint: Term,
    unsupported: Vec<String>,
}

fn encode(old: &Setup<'_>, new: &Setup<'_>, constraints: &RequestConstraints) -> Encoded {
    let mut policies = old.policies();
    policies.extend(new.policies());
    let model = RequestModel::build(&policies);
    let allowed = |setup: &Setup<'_>, unsupported: &mut Vec<String>| {
        let interpretation = SymbolicInterpretation::new(&model, setup.principal_has_boundary());
        let facts = setup.facts.symbolic(&model);
        let terms = decide(&interpretation, &setup.layers, &facts);
        unsupported.extend(interpretation.unsupported());
        terms.allowed
    };
    let mut unsupported = model.unsupported.clone();
    let old_allowed = allowed(old, &mut unsupported);
    let new_allowed = allowed(new, &mut unsupported);
    let interpretation = SymbolicInterpretation::new(&model, false);
    let constraint = constraints.symbolic(&interpretation);
    unsupported.extend(interpretation.unsupported());
    unsupported.dedup();
    Encoded {
        model,
        old_allowed,
        new_allowed,
        constraint,
        unsupported,
    }
}

/// The exact satisfiability query behind [`compare`], as SMT-LIB 2: the
/// request model's axioms, the constraints, and "the two sides decide
/// differently" (sat means they differ). Deterministic for the same inputs.
pub fn comparison_smt2(
    old: &Setup<'_>,
    new: &Setup<'_>,
    constraints: &RequestConstraints,
) -> Result<String, QueryError> {
    constraints.validate()?;
    let encoded = encode(old, new, constraints);
    let mut assertions: Vec<Term> = encoded
        .model
        .axioms
        .iter()
        .map(|(_, axiom)| axiom.clone())
        .collect();
    assertions.push(encoded.constraint.clone());
    let widening = encoded.new_allowed.and2(&encoded.old_allowed.not());
    let narrowing = encoded.old_allowed.and2(&encoded.new_allowed.not());
    assertions.push(Term::or([widening, narrowing]));
    let mut text = String::from(
        "; iamz comparison query: sat iff OLD and NEW decide some request differently\n",
    );
    for (axiom, _) in &encoded.model.axioms {
        text.push_str(&format!("; axiom: {axiom:?}\n"));
    }
    text.push_str(&crate::symbolic::emit_smt2(&assertions)?);
    Ok(text)
}

/// Replays `request` on a setup.
pub fn replay(setup: &Setup<'_>, request: &ConcreteRequest) -> EvaluatedDecision {
    let view = setup.view(request);
    evaluate(&setup.layers, &setup.facts.concrete(&view), &view)
}

/// Compares NEW with OLD on every request meeting `constraints`.
///
/// Returns a verdict and at most one replayed counterexample per
/// differing direction. Errors only on internal failures (a counterexample
/// that does not replay is [`QueryError::ReplayMismatch`]).
pub fn compare(
    old: &Setup<'_>,
    new: &Setup<'_>,
    constraints: &RequestConstraints,
    options: &QueryOptions,
) -> Result<Comparison, QueryError> {
    constraints.validate()?;
    let encoded = encode(old, new, constraints);
    let approximations = encoded.model.approximations.clone();
    if !encoded.unsupported.is_empty() {
        return Ok(Comparison {
            verdict: Verdict::Inconclusive {
                reason: format!("not supported: {}", encoded.unsupported.join("; ")),
            },
            counterexamples: Vec::new(),
            approximations,
            solver_checks: 0,
        });
    }
    if encoded.old_allowed == encoded.new_allowed || encoded.constraint.is_false() {
        return Ok(Comparison {
            verdict: Verdict::Equivalent,
            counterexamples: Vec::new(),
            approximations,
            solver_checks: 0,
        });
    }
    let widening = encoded.new_allowed.and2(&encoded.old_allowed.not());
    let narrowing = encoded.old_allowed.and2(&encoded.new_allowed.not());
    let mut engine = None;
    let mut counterexamples = Vec::new();
    let mut unknown = Vec::new();
    for (direction, goal) in [
        (Direction::NewAllowsOldDenies, &widening),
        (Direction::OldAllowsNewDenies, &narrowing),
    ] {
        let search = if Term::and([goal.clone(), encoded.constraint.clone()]).is_false() {
            Search::NotFound
        } else {
            if engine.is_none() {
                engine = Some(Engine::new(&encoded.model, &encoded.constraint, options)?);
            }
            match engine.as_mut() {
                Some(engine) => engine.search(&encoded.model, goal)?,
                None => Search::NotFound,
            }
        };
        match search {
            Search::NotFound => {}
            Search::Unknown(reason) => unknown.push(reason),
            Search::Found(request) => {
                let request = if options.readable {
                    super::readable::make_readable(old, new, constraints, *request)
                } else {
                    *request
                };
                counterexamples.push(certify(old, new, constraints, direction, request)?)
            }
        }
    }
    let widened = counterexamples
        .iter()
        .any(|example| example.direction == Direction::NewAllowsOldDenies);
    let narrowed = counterexamples
        .iter()
        .any(|example| example.direction == Direction::OldAllowsNewDenies);
    let verdict = if !unknown.is_empty() {
        Verdict::Inconclusive {
            reason: format!("solver: {}", unknown.join("; ")),
        }
    } else {
        match (widened, narrowed) {
            (false, false) => Verdict::Equivalent,
            (true, false) => Verdict::MorePermissive,
            (false, true) => Verdict::LessPermissive,
            (true, true) => Verdict::Incomparable,
        }
    };
    Ok(Comparison {
        verdict,
        counterexamples,
        approximations,
        solver_checks: engine.map_or(0, |engine| engine.checks),
    })
}

/// Replays a found request on both sides and checks the claimed direction.
fn certify(
    old: &Setup<'_>,
    new: &Setup<'_>,
    constraints: &RequestConstraints,
    direction: Direction,
    request: ConcreteRequest,
) -> Result<Counterexample, QueryError> {
    if !constraints.admits(&request) {
        return Err(QueryError::ConstraintMismatch(Box::new(request)));
    }
    let old_decision = replay(old, &request);
    let new_decision = replay(new, &request);
    let (allowing, denying) = match direction {
        Direction::NewAllowsOldDenies => (("new", &new_decision), ("old", &old_decision)),
        Direction::OldAllowsNewDenies => (("old", &old_decision), ("new", &new_decision)),
    };
    if allowing.1.decision != Decision::Allow {
        return Err(QueryError::ReplayMismatch {
            side: allowing.0.to_string(),
            claimed: "Allow".into(),
            replayed: allowing.1.decision,
            request: Box::new(request),
        });
    }
    if denying.1.decision == Decision::Allow {
        return Err(QueryError::ReplayMismatch {
            side: denying.0.to_string(),
            claimed: "not Allow".into(),
            replayed: denying.1.decision,
            request: Box::new(request),
        });
    }
    Ok(Counterexample {
        direction,
        request,
        old: old_decision,
        new: new_decision,
    })
}

/// The setup that judges one policy alone, and the principals it is judged
/// for.
///
/// Identity, boundary, session and SCP policies have no principal element:
/// the policy is judged as the only policy of an IAM user, role session or
/// federated user — allowed when some Allow statement applies and no Deny
/// does. Resource, RCP, endpoint and trust policies name principals: the
/// same rule, with every kind of principal, a statement's principal
/// matching at any strength (an account entry counts as an allow).
pub fn single_policy_setup(
    policy: &PolicyDocument,
    kind: PolicyKind,
) -> (Setup<'_>, Option<Vec<PrincipalKind>>) {
    let layer = Layer {
        name: kind.name().to_string(),
        role: LayerRole::Identity,
        policies: vec![policy],
        applicability: Applicability::Always,
    };
    let principals = (!kind.names_principals()).then(|| {
        vec![
            PrincipalKind::IamUser,
            PrincipalKind::RoleSession,
            PrincipalKind::FederatedUser,
        ]
    });
    (
        Setup::new(vec![layer], FactsRule::single_policy()),
        principals,
    )
}

/// Compares two versions of one policy of kind `kind`, judged alone (see
/// [`single_policy_setup`]).
pub fn compare_policies(
    old: &PolicyDocument,
    new: &PolicyDocument,
    kind: PolicyKind,
    constraints: &RequestConstraints,
    options: &QueryOptions,
) -> Result<Comparison, QueryError> {
    let (old_setup, principals) = single_policy_setup(old, kind);
    let (new_setup, _) = single_policy_setup(new, kind);
    let mut constraints = constraints.clone();
    if constraints.principal_kinds.is_none() {
        constraints.principal_kinds = principals;
    }
    compare(&old_setup, &new_setup, &constraints, options)
}
