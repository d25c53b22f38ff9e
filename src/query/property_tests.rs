//! Differential property tests: the symbolic interpretation against the
//! reference evaluator. (1) Random small policies and fully concrete
//! requests: the solver, with the request fixed, must decide exactly as the
//! evaluator does — through the z3 string back end and through the atom
//! back end. (2) Random policy pairs: every counterexample replays
//! (`compare` checks that itself) and every "equivalent" verdict survives
//! the concrete requests of the vocabulary. (3) The two back ends give the
//! same verdict on random policy pairs.

use super::*;
use crate::policy::{parse_policy, PolicyDocument, PolicyKind};
use crate::request::{ConcreteRequest, RequestPrincipal};
use crate::symbolic::request_model::{kind_code, SymbolicValue};
use crate::symbolic::{CheckOutcome, RequestModel, SymbolicInterpretation, Term, Z3Session};
use crate::values::{parse_date, parse_ip_address, Decimal};
use proptest::prelude::*;

const ACTIONS: &[&str] = &[
    "s3:GetObject",
    "s3:Get*",
    "s3:*",
    "*",
    "ec2:Run?nstances",
    "S3:getobject",
    "s3:PutObject",
];
const RESOURCES: &[&str] = &[
    "*",
    "arn:aws:s3:::bucket/*",
    "arn:aws:s3:::bucket*",
    "arn:aws:s3:::b?cket/key",
    "arn:aws:ec2:*:111122223333:instance/*",
    "arn:aws:s3:::home/${aws:username}/*",
];
const CONDITIONS: &[&str] = &[
    "",
    r#""Condition": {"StringLike": {"s3:prefix": "home/*"}}"#,
    r#""Condition": {"StringNotEquals": {"s3:prefix": "tmp"}}"#,
    r#""Condition": {"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}"#,
    r#""Condition": {"NumericLessThan": {"aws:MultiFactorAuthAge": "3600"}}"#,
    r#""Condition": {"ForAllValues:StringEquals": {"aws:TagKeys": ["a", "b"]}}"#,
    r#""Condition": {"ForAnyValue:StringEquals": {"aws:TagKeys": "a"}}"#,
    r#""Condition": {"StringEqualsIfExists": {"aws:PrincipalTag/team": "blue"}}"#,
    r#""Condition": {"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::111122223333:*"}}"#,
    r#""Condition": {"StringLike": {"aws:PrincipalArn": "arn:aws:*:*:role/O*"}}"#,
    r#""Condition": {"DateLessThan": {"aws:CurrentTime": "2030-01-01T00:00:00Z"}}"#,
];
const PRINCIPALS: &[&str] = &[
    "arn:aws:iam::111122223333:user/alice",
    "arn:aws:sts::111122223333:assumed-role/Dev/s1",
    "arn:aws:iam::444455556666:role/Ops",
    "arn:aws:sts::444455556666:federated-user/bob",
];
const REQUEST_ACTIONS: &[&str] = &[
    "s3:GetObject",
    "s3:PutObject",
    "ec2:RunInstances",
    "iam:PassRole",
];
const REQUEST_RESOURCES: &[&str] = &[
    "arn:aws:s3:::bucket/key",
    "arn:aws:s3:::bucket2",
    "arn:aws:s3:::home/alice/x",
    "arn:aws:ec2:us-east-1:111122223333:instance/i-1",
    "*",
];

fn statement() -> impl Strategy<Value = String> {
    (
        any::<bool>(),
        prop::sample::subsequence(ACTIONS.to_vec(), 1..3),
        prop::sample::subsequence(RESOURCES.to_vec(), 1..3),
        prop::sample::select(CONDITIONS.to_vec()),
        any::<bool>(),
    )
        .prop_map(|(allow, actions, resources, condition, not_action)| {
            let list = |items: Vec<&str>| {
                items
                    .iter()
                    .map(|item| format!("\"{item}\""))
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            let condition = if condition.is_empty() {
                String::new()
            } else {
                format!(", {condition}")
            };
            format!(
                r#"{{"Effect": "{}", "{}": [{}], "Resource": [{}]{condition}}}"#,
                if allow { "Allow" } else { "Deny" },
                if not_action && !allow {
                    "NotAction"
                } else {
                    "Action"
                },
                list(actions),
                list(resources),
            )
        })
}

fn policy() -> impl Strategy<Value = PolicyDocument> {
    prop::collection::vec(statement(), 1..4).prop_map(|statements| {
        let text = format!(
            r#"{{"Version": "2012-10-17", "Statement": [{}]}}"#,
            statements.join(", ")
        );
        parse_policy(&text, "random.json", Some(PolicyKind::Identity))
            .expect("generated policies parse")
            .document
    })
}

fn request() -> impl Strategy<Value = ConcreteRequest> {
    (
        prop::sample::select(PRINCIPALS.to_vec()),
        prop::sample::select(REQUEST_ACTIONS.to_vec()),
        prop::sample::select(REQUEST_RESOURCES.to_vec()),
        prop::option::of(prop::sample::select(vec!["home/a", "tmp", "other"])),
        prop::option::of(prop::sample::select(vec![
            "10.1.2.3",
            "192.168.0.1",
            "2001:db8::1",
        ])),
        prop::option::of(prop::sample::select(vec!["60", "7200", "3600"])),
        prop::sample::subsequence(vec!["a", "b", "c"], 0..3),
        prop::option::of(prop::sample::select(vec!["blue", "red"])),
    )
        .prop_map(
            |(principal, action, resource, prefix, ip, age, tags, team)| {
                let principal = RequestPrincipal::parse(principal).expect("valid principal");
                let mut request = ConcreteRequest::new(principal.clone(), action, resource);
                // The ARN's account field is the resource's account (an axiom).
                request.resource_account = crate::policy::pattern::split_arn(resource)
                    .map(|parts| parts[4].to_string())
                    .filter(|account| !account.is_empty());
                let context = &mut request.context;
                if let Some(arn) = principal.principal_arn() {
                    context.set_single("aws:PrincipalArn", arn);
                }
                if let (Some(name), crate::request::PrincipalKind::IamUser) =
                    (&principal.name, principal.kind)
                {
                    context.set_single("aws:username", name.clone());
                }
                context.set_single("aws:CurrentTime", "2026-01-01T00:00:00.000Z");
                if let Some(prefix) = prefix {
                    context.set_single("s3:prefix", prefix);
                }
                if let Some(ip) = ip {
                    context.set_single("aws:SourceIp", ip);
                }
                if let Some(age) = age {
                    context.set_single("aws:MultiFactorAuthAge", age);
                }
                if !tags.is_empty() {
                    context.set(
                        "aws:TagKeys",
                        tags.iter().map(|tag| tag.to_string()).collect(),
                        true,
                    );
                }
                if let Some(team) = team {
                    context.set_single("aws:PrincipalTag/team", team);
                }
                request
            },
        )
}

/// The request as constraints on the model; `None` when the model cannot
/// hold it (more values than slots).
pub(super) fn fix_request(model: &RequestModel, request: &ConcreteRequest) -> Option<Term> {
    let principal = &model.principal;
    let mut parts = vec![
        principal
            .kind
            .equals(&Term::int(kind_code(request.principal.kind))),
        principal
            .text
            .equals(&Term::string(&request.principal.text)),
        // A session's role (its path included), as the evaluator reads it.
        principal.role_arn.equals(&Term::string(
            request
                .principal
                .role_arn
                .as_deref()
                .filter(|_| request.principal.kind == crate::request::PrincipalKind::RoleSession)
                .unwrap_or(""),
        )),
        model.resource.equals(&Term::string(&request.resource)),
        model.resource_account.equals(&Term::string(
            request.resource_account.as_deref().unwrap_or(""),
        )),
    ];
    let (service, name) = request.action_lowercase.split_once(':')?;
    parts.push(model.action_service.equals(&Term::string(service)));
    parts.push(model.action_name.equals(&Term::string(name)));
    for key in model.keys.values() {
        let values = request
            .context
            .get(&key.key_lowercase)
            .map(|entry| entry.values.clone())
            .unwrap_or_default();
        if values.len() > key.slots.len() {
            return None;
        }
        for (index, slot) in key.slots.iter().enumerate() {
            let Some(value) = values.get(index) else {
                parts.push(slot.active.not());
                continue;
            };
            parts.push(slot.active.clone());
            parts.push(match &slot.value {
                SymbolicValue::Text { value: term, .. } => term.equals(&Term::string(value)),
                SymbolicValue::Number { scaled, scale } => {
                    let (number, digits) = Decimal::parse(value)?.as_scaled_integer()?;
                    scaled.equals(&Term::int(number * 10i128.pow(scale - digits)))
                }
                SymbolicValue::Date { milliseconds } => {
                    milliseconds.equals(&Term::int(i128::from(parse_date(value)?)))
                }
                SymbolicValue::Ip { bits, is_v6 } => {
                    let (v6, number) = crate::values::ip::address_bits(parse_ip_address(value)?);
                    Term::and([
                        bits.equals(&Term::bit_vector(number, 128)),
                        is_v6.equals(&Term::bool(v6)),
                    ])
                }
            });
        }
    }
    Some(Term::and(parts))
}

/// A random policy's decision as a term, with a request fixed as
/// constraints, and the reference evaluator's decision on it.
struct FixedRequest {
    model: RequestModel,
    allowed: Term,
    fixed: Term,
    concrete: bool,
}

/// `None` when the policy uses what the encoding does not cover, or the
/// request does not fit the model.
fn fixed_request(policy: &PolicyDocument, request: &ConcreteRequest) -> Option<FixedRequest> {
    let side = ComparedSide::policy(policy, PolicyKind::Identity);
    // The request as AWS sees it: every resource has an account, and the
    // derived keys are in the context.
    let mut request = side.complete(request);
    if request.resource_account.is_none() {
        request.resource_account = Some(
            request
                .principal
                .account
                .clone()
                .unwrap_or_else(|| "444455556666".into()),
        );
        request = side.complete(&request);
    }
    let request = &request;
    let concrete = side.replay(request).aspects.access;
    let model = RequestModel::build(&side.policies(), &[side.derived_key_facts()]);
    let interpretation = SymbolicInterpretation::new(&model);
    let allowed = side.aspects(&interpretation).access;
    if !(interpretation.unsupported().is_empty() && model.unsupported.is_empty()) {
        return None;
    }
    let fixed = fix_request(&model, request)?;
    Some(FixedRequest {
        model,
        allowed,
        fixed,
        concrete,
    })
}

fn config(cases: u32) -> ProptestConfig {
    ProptestConfig {
        cases,
        failure_persistence: None,
        // A fixed seed: the same cases on every run, so CI is repeatable.
        rng_seed: proptest::test_runner::RngSeed::Fixed(20261122),
        ..ProptestConfig::default()
    }
}

proptest! {
    #![proptest_config(config(32))]

    #[test]
    fn symbolic_decision_equals_concrete_decision(policy in policy(), request in request()) {
        let Some(FixedRequest { model, allowed, fixed, concrete }) = fixed_request(&policy, &request)
        else { return Ok(()); };
        let mut session = Z3Session::new(30_000);
        for (_, axiom) in &model.axioms {
            session.assert(axiom).unwrap();
        }
        session.assert(&fixed).unwrap();
        let outcome = session.check(std::slice::from_ref(&allowed)).unwrap();
        prop_assert!(!matches!(outcome, CheckOutcome::Unknown(_)));
        prop_assert_eq!(matches!(outcome, CheckOutcome::Sat(_)), concrete,
            "policy {:#?}\nrequest {:#?}", policy, request);
        let negated = session.check(&[allowed.not()]).unwrap();
        prop_assert_eq!(matches!(negated, CheckOutcome::Sat(_)), !concrete);
    }
}

proptest! {
    #![proptest_config(config(48))]

    #[test]
    fn atom_back_end_decides_fixed_requests_like_the_evaluator(policy in policy(), request in request()) {
        let Some(FixedRequest { model, allowed, fixed, concrete }) = fixed_request(&policy, &request)
        else { return Ok(()); };
        let options = QueryOptions { back_end: BackEndChoice::AtomsOnly, ..QueryOptions::default() };
        let mut engine = super::engine::Engine::new(&model, &fixed, &options).unwrap();
        let found = |search: Search| match search {
            Search::Found(_) => Ok(true),
            Search::NotFound => Ok(false),
            Search::Unknown(reason) => Err(TestCaseError::fail(format!("unknown: {reason}"))),
        };
        prop_assert_eq!(found(engine.search(&model, &allowed).unwrap())?, concrete,
            "policy {:#?}\nrequest {:#?}", policy, request);
        prop_assert_eq!(found(engine.search(&model, &allowed.not()).unwrap())?, !concrete);
    }
}

proptest! {
    #![proptest_config(config(8))]

    #[test]
    fn back_ends_agree(old in policy(), new in policy()) {
        // The string back end may give up (it is the slow one); a short
        // timeout keeps the run short, and only conclusive answers compare.
        let verdict = |back_end, timeout_milliseconds| {
            let options = QueryOptions { back_end, timeout_milliseconds, readable: false };
            compare_policies(&old, &new, PolicyKind::Identity, &RequestConstraints::default(), &options, PolicyComparisonMode::InContext)
                .map(|comparison| comparison.verdict)
                .map_err(|error| TestCaseError::fail(error.to_string()))
        };
        let atoms = verdict(BackEndChoice::AtomsOnly, 30_000)?;
        let strings = verdict(BackEndChoice::StringsOnly, 1_000)?;
        let conclusive = |verdict: &Verdict| !matches!(verdict, Verdict::Inconclusive { .. });
        prop_assert!(conclusive(&atoms), "atoms: {:?}", atoms);
        if conclusive(&strings) {
            prop_assert_eq!(atoms, strings);
        }
    }

    #[test]
    fn comparisons_replay_and_equivalences_hold(old in policy(), new in policy(),
                                                 requests in prop::collection::vec(request(), 24)) {
        let options = QueryOptions { timeout_milliseconds: 30_000, ..QueryOptions::default() };
        let comparison = compare_policies(&old, &new, PolicyKind::Identity,
            &RequestConstraints::default(), &options, PolicyComparisonMode::InContext);
        // A replay mismatch is an error: it fails the property here.
        let comparison = comparison.map_err(|error| TestCaseError::fail(error.to_string()))?;
        if comparison.verdict == Verdict::Equivalent {
            let old_side = ComparedSide::policy(&old, PolicyKind::Identity);
            let new_side = ComparedSide::policy(&new, PolicyKind::Identity);
            for request in &requests {
                // In context: the same access and the same explicit denies.
                let old_aspects = old_side.replay(request).aspects;
                let new_aspects = new_side.replay(request).aspects;
                prop_assert_eq!(old_aspects.access, new_aspects.access,
                    "equivalent but differs on {:#?}", request);
                prop_assert_eq!(old_aspects.explicit_deny, new_aspects.explicit_deny,
                    "equivalent but denies differ on {:#?}", request);
            }
        }
    }
}

/// Timing of typical equivalence queries (run with `--ignored --nocapture`):
/// 50-statement policies from the vocabulary above, compared with a
/// reordered copy (equivalent) and with a copy whose one statement changed.
#[test]
#[ignore]
fn timing_of_typical_queries() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
    let mut runner = TestRunner::new_with_rng(
        Config::default(),
        TestRng::from_seed(RngAlgorithm::ChaCha, &[7; 32]),
    );
    let statements = prop::collection::vec(statement(), 50);
    let mut times = Vec::new();
    let options = QueryOptions::default();
    for round in 0..40 {
        let mut old = statements.new_tree(&mut runner).unwrap().current();
        // Keep the old policy's statements small in number of conditions.
        old.truncate(50);
        let mut new = old.clone();
        if round % 2 == 0 {
            new.reverse();
        } else {
            new[round % 50] = statement().new_tree(&mut runner).unwrap().current();
        }
        let parse = |statements: &[String]| {
            let text = format!(
                r#"{{"Version": "2012-10-17", "Statement": [{}]}}"#,
                statements.join(", ")
            );
            parse_policy(&text, "timing.json", Some(PolicyKind::Identity))
                .unwrap()
                .document
        };
        let (old, new) = (parse(&old), parse(&new));
        let start = std::time::Instant::now();
        let comparison = compare_policies(
            &old,
            &new,
            PolicyKind::Identity,
            &RequestConstraints::default(),
            &options,
            PolicyComparisonMode::InContext,
        )
        .unwrap();
        let elapsed = start.elapsed();
        eprintln!(
            "round {round}: {:?} in {elapsed:?} ({} checks)",
            comparison.verdict, comparison.solver_checks
        );
        times.push(elapsed);
    }
    times.sort();
    let percentile = |p: usize| times[(times.len() * p / 100).min(times.len() - 1)];
    eprintln!(
        "p50 {:?}  p90 {:?}  p99 {:?}  max {:?}",
        percentile(50),
        percentile(90),
        percentile(99),
        times[times.len() - 1]
    );
}
