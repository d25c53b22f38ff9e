//! Concrete decisions per second on the AWS managed-policy corpus.
//!
//! For each managed policy (as the identity policy of an IAM user), requests
//! are built from the actions and resources the policy names (plus a few it
//! does not), and each is decided by the reference evaluator, on one thread.
//! Prints the figure and writes `bench/results/concrete-decisions.json`.
//!
//! Run: `cargo bench --bench concrete_decisions`

use iamz::eval::decide_request;
use iamz::policy::{parse_policy, PolicyDocument, PolicyKind};
use iamz::request::{ConcreteRequest, RequestPrincipal};
use iamz::semantics::{Applicability, Layer, LayerRole, Setup, SetupFacts};
use std::time::Instant;

#[path = "managed_corpus.rs"]
mod managed_corpus;

fn corpus_policies() -> Vec<PolicyDocument> {
    managed_corpus::managed_policy_documents(1)
        .into_iter()
        .filter_map(|(name, document)| {
            parse_policy(&document.to_string(), &name, Some(PolicyKind::Identity))
                .ok()
                .map(|parsed| parsed.document)
        })
        .collect()
}

/// Requests for one policy: its own literal actions on resources it names or
/// a neutral one, and an action it likely does not grant.
fn requests_for(policy: &PolicyDocument, principal: &RequestPrincipal) -> Vec<ConcreteRequest> {
    let mut requests = Vec::new();
    for statement in &policy.statements {
        let resource = statement
            .resources
            .as_ref()
            .and_then(|clause| clause.patterns.first())
            .map(|pattern| pattern.text.replace('*', "x"))
            .unwrap_or_else(|| "arn:aws:s3:::bucket/key".to_string());
        for pattern in statement.actions.patterns.iter().take(4) {
            let action = pattern.text.replace('*', "Describe").replace('?', "x");
            let mut request = ConcreteRequest::new(principal.clone(), &action, &resource);
            request.resource_account = Some("111122223333".to_string());
            request.context.set_single("aws:SecureTransport", "true");
            request
                .context
                .set_single("aws:PrincipalAccount", "111122223333");
            requests.push(request);
        }
    }
    let mut other = ConcreteRequest::new(
        principal.clone(),
        "iam:CreateUser",
        "arn:aws:iam::111122223333:user/x",
    );
    other.resource_account = Some("111122223333".to_string());
    requests.push(other);
    requests
}

/// Decisions per second over `cases` on one thread, for at least `seconds`.
fn measure(cases: &[(Setup<'_>, Vec<ConcreteRequest>)], seconds: f64) -> (usize, f64) {
    let requests_per_round: usize = cases.iter().map(|(_, requests)| requests.len()).sum();
    let start = Instant::now();
    let mut decisions = 0usize;
    while start.elapsed().as_secs_f64() < seconds {
        for (setup, requests) in cases {
            for request in requests {
                std::hint::black_box(decide_request(setup, std::hint::black_box(request)));
            }
        }
        decisions += requests_per_round;
    }
    (decisions, start.elapsed().as_secs_f64())
}

/// An "ordinary" policy: at most 20 statements and 100 action patterns
/// (the size of most hand-written policies; the corpus also holds
/// catalogue-sized read-only policies with thousands of actions).
fn is_ordinary(policy: &PolicyDocument) -> bool {
    let patterns: usize = policy
        .statements
        .iter()
        .map(|statement| statement.actions.patterns.len())
        .sum();
    policy.statements.len() <= 20 && patterns <= 100
}

fn main() {
    let policies = corpus_policies();
    let principal =
        RequestPrincipal::parse("arn:aws:iam::111122223333:user/bench").expect("valid principal");
    let cases: Vec<(Setup<'_>, Vec<ConcreteRequest>)> = policies
        .iter()
        .map(|policy| {
            let layers = vec![Layer {
                name: "identity".to_string(),
                role: LayerRole::Identity,
                policies: vec![policy],
                applicability: Applicability::Always,
            }];
            (
                Setup::new(layers, SetupFacts::default()),
                requests_for(policy, &principal),
            )
        })
        .collect();
    let requests_per_round: usize = cases.iter().map(|(_, requests)| requests.len()).sum();
    let statements: usize = policies.iter().map(|policy| policy.statements.len()).sum();

    // Warm up, then measure whole rounds for at least three seconds.
    let mut allowed = 0usize;
    for (setup, requests) in &cases {
        for request in requests {
            allowed += usize::from(decide_request(setup, request) == iamz::eval::Decision::Allow);
        }
    }
    let (decisions, seconds) = measure(&cases, 3.0);
    let ordinary_cases: Vec<_> = cases
        .iter()
        .zip(&policies)
        .filter(|(_, policy)| is_ordinary(policy))
        .map(|(case, _)| case.clone())
        .collect();
    let (ordinary_decisions, ordinary_seconds) = measure(&ordinary_cases, 3.0);
    let ordinary_per_second = ordinary_decisions as f64 / ordinary_seconds;
    println!(
        "ordinary policies ({} of {}: <= 20 statements, <= 100 action patterns): {:.0} decisions/s on one thread ({:.2} µs each)",
        ordinary_cases.len(),
        policies.len(),
        ordinary_per_second,
        1e6 / ordinary_per_second
    );
    let per_second = decisions as f64 / seconds;
    println!(
        "concrete decisions: {} policies ({} statements), {} requests per round ({} allowed), {} decisions in {:.2} s on one thread: {:.0} decisions/s ({:.2} µs each); target 1,000,000/s",
        policies.len(),
        statements,
        requests_per_round,
        allowed,
        decisions,
        seconds,
        per_second,
        1e6 / per_second
    );
    let result = serde_json::json!({
        "benchmark": "concrete-decisions",
        "policies": policies.len(),
        "statements": statements,
        "requests_per_round": requests_per_round,
        "decisions": decisions,
        "seconds": seconds,
        "decisions_per_second_one_thread": per_second.round(),
        "ordinary_policies": ordinary_cases.len(),
        "ordinary_decisions_per_second_one_thread": ordinary_per_second.round(),
        "target_per_second": 1_000_000,
    });
    let output = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/bench/results/concrete-decisions.json"
    );
    if let Err(error) = std::fs::write(output, format!("{result:#}\n")) {
        eprintln!("could not write {output}: {error}");
    }
}
