//! Equivalence and difference queries on the AWS managed-policy corpus.
//!
//! Each sampled managed policy (as an identity policy judged alone) is
//! compared with:
//! - a rewrite that keeps its meaning: statements with several actions split
//!   in two, action lists reversed, action names re-cased — must be proved
//!   `Equivalent`;
//! - three single mutations: one action dropped, one resource widened to
//!   `*`, one condition block removed — the difference must be found (or the
//!   mutation proved harmless), with a replayed counterexample.
//!
//! Prints p50, p95, p99 and max latency, the timeouts (10 s per check) and
//! the verdict counts; writes `bench/results/equivalence.json`.
//!
//! Run: `cargo bench --bench equivalence` (every 4th policy), or with
//! `IAMZ_BENCH_EVERY=1` for the whole corpus; `IAMZ_BENCH_ONLY=Name` runs
//! one policy (queries over 500 ms are listed as `slow:`).

use iamz::policy::{parse_policy, PolicyDocument, PolicyKind};
use iamz::query::{
    compare_policies, PolicyComparisonMode, QueryOptions, RequestConstraints, Verdict,
};
use rayon::prelude::*;
use serde_json::Value;
use std::time::Instant;

#[path = "managed_corpus.rs"]
mod managed_corpus;

fn statements(document: &Value) -> Vec<Value> {
    match document.get("Statement") {
        Some(Value::Array(items)) => items.clone(),
        Some(single @ Value::Object(_)) => vec![single.clone()],
        _ => Vec::new(),
    }
}

fn with_statements(document: &Value, statements: Vec<Value>) -> Value {
    let mut document = document.clone();
    document["Statement"] = Value::Array(statements);
    document
}

fn as_list(value: &Value) -> Vec<Value> {
    match value {
        Value::Array(items) => items.clone(),
        other => vec![other.clone()],
    }
}

/// Swaps the case of every other letter: IAM action names are case-insensitive.
fn recase(action: &str) -> String {
    action
        .chars()
        .enumerate()
        .map(|(index, character)| {
            if index % 2 == 0 {
                character.to_ascii_uppercase()
            } else {
                character.to_ascii_lowercase()
            }
        })
        .collect()
}

/// Split, reversed and re-cased: the same meaning.
fn meaning_preserving_rewrite(document: &Value) -> Value {
    let mut rewritten = Vec::new();
    for statement in statements(document).iter().rev() {
        let key = if statement.get("Action").is_some() {
            "Action"
        } else {
            "NotAction"
        };
        let mut actions: Vec<Value> = as_list(&statement[key])
            .iter()
            .map(|action| Value::String(recase(action.as_str().unwrap_or_default())))
            .collect();
        actions.reverse();
        if key == "Action" && actions.len() >= 2 {
            let half = actions.len() / 2;
            for part in [actions[..half].to_vec(), actions[half..].to_vec()] {
                let mut piece = statement.clone();
                piece["Action"] = Value::Array(part);
                rewritten.push(piece);
            }
        } else {
            let mut piece = statement.clone();
            piece[key] = Value::Array(actions);
            rewritten.push(piece);
        }
    }
    with_statements(document, rewritten)
}

/// The three single mutations that apply to this document.
fn mutations(document: &Value) -> Vec<(&'static str, Value)> {
    let original = statements(document);
    let mut found = Vec::new();
    if let Some(index) = original.iter().position(|statement| {
        statement
            .get("Action")
            .is_some_and(|actions| as_list(actions).len() >= 2)
    }) {
        let mut changed = original.clone();
        let mut actions = as_list(&changed[index]["Action"]);
        actions.remove(actions.len() / 2);
        changed[index]["Action"] = Value::Array(actions);
        found.push(("action-dropped", with_statements(document, changed)));
    }
    if let Some(index) = original.iter().position(|statement| {
        statement
            .get("Resource")
            .is_some_and(|resource| resource != "*")
    }) {
        let mut changed = original.clone();
        changed[index]["Resource"] = Value::String("*".into());
        found.push(("resource-widened", with_statements(document, changed)));
    }
    if let Some(index) = original
        .iter()
        .position(|statement| statement.get("Condition").is_some())
    {
        let mut changed = original.clone();
        if let Some(condition) = changed[index]
            .get_mut("Condition")
            .and_then(Value::as_object_mut)
        {
            if let Some(first) = condition.keys().next().cloned() {
                condition.remove(&first);
            }
            if condition.is_empty() {
                changed[index]
                    .as_object_mut()
                    .map(|statement| statement.remove("Condition"));
            }
        }
        found.push(("condition-removed", with_statements(document, changed)));
    }
    found
}

fn parse(name: &str, document: &Value) -> Option<PolicyDocument> {
    parse_policy(&document.to_string(), name, Some(PolicyKind::Identity))
        .ok()
        .map(|parsed| parsed.document)
}

struct Outcome {
    kind: &'static str,
    milliseconds: f64,
    verdict: String,
}

fn percentile(sorted: &[f64], fraction: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let index = ((sorted.len() as f64 - 1.0) * fraction).round() as usize;
    sorted[index.min(sorted.len() - 1)]
}

fn main() {
    let every: usize = std::env::var("IAMZ_BENCH_EVERY")
        .ok()
        .and_then(|text| text.parse().ok())
        .unwrap_or(4);
    let mut documents = managed_corpus::managed_policy_documents(every);
    // `IAMZ_BENCH_ONLY=Name`: one policy (to look into a slow query).
    if let Ok(only) = std::env::var("IAMZ_BENCH_ONLY") {
        documents.retain(|(name, _)| *name == only);
    }
    let options = QueryOptions::default();
    let constraints = RequestConstraints::default();
    let started = Instant::now();
    let outcomes: Vec<Outcome> = documents
        .par_iter()
        .flat_map_iter(|(name, document)| {
            let mut queries = vec![("rewrite", meaning_preserving_rewrite(document))];
            queries.extend(mutations(document));
            let original = parse(name, document);
            queries
                .into_iter()
                .filter_map(|(kind, changed)| {
                    let old = original.as_ref()?;
                    let new = parse(name, &changed)?;
                    let start = Instant::now();
                    let result = compare_policies(
                        old,
                        &new,
                        PolicyKind::Identity,
                        &constraints,
                        &options,
                        PolicyComparisonMode::InContext,
                    );
                    let milliseconds = start.elapsed().as_secs_f64() * 1000.0;
                    let verdict = match result {
                        Ok(comparison) => match comparison.verdict {
                            Verdict::Equivalent => "equivalent".to_string(),
                            Verdict::MorePermissive => "more-permissive".to_string(),
                            Verdict::LessPermissive => "less-permissive".to_string(),
                            Verdict::Incomparable => "incomparable".to_string(),
                            Verdict::Inconclusive { reason } => {
                                eprintln!("{name} ({kind}): inconclusive: {reason}");
                                format!(
                                    "inconclusive: {}",
                                    reason.to_string().chars().take(60).collect::<String>()
                                )
                            }
                        },
                        Err(error) => format!("error: {error}"),
                    };
                    if milliseconds > 500.0 {
                        eprintln!("slow: {name} ({kind}): {milliseconds:.0} ms, {verdict}");
                    }
                    if kind == "rewrite" && verdict != "equivalent" {
                        eprintln!("{name}: the meaning-preserving rewrite was judged {verdict}");
                    }
                    Some(Outcome {
                        kind,
                        milliseconds,
                        verdict,
                    })
                })
                .collect::<Vec<_>>()
        })
        .collect();
    let wall = started.elapsed().as_secs_f64();
    let mut times: Vec<f64> = outcomes
        .iter()
        .map(|outcome| outcome.milliseconds)
        .collect();
    times.sort_by(f64::total_cmp);
    let timeouts = outcomes
        .iter()
        .filter(|outcome| outcome.verdict.starts_with("inconclusive"))
        .count();
    let mut verdicts: std::collections::BTreeMap<String, usize> = std::collections::BTreeMap::new();
    for outcome in &outcomes {
        let label = if outcome.verdict.starts_with("inconclusive") {
            "inconclusive"
        } else {
            outcome.verdict.as_str()
        };
        *verdicts
            .entry(format!("{}: {}", outcome.kind, label))
            .or_default() += 1;
    }
    let (p50, p95, p99, max) = (
        percentile(&times, 0.50),
        percentile(&times, 0.95),
        percentile(&times, 0.99),
        times.last().copied().unwrap_or(0.0),
    );
    println!(
        "equivalence: {} policies (every {every}), {} queries in {:.1} s on 2 threads; latency p50 {:.2} ms, p95 {:.2} ms, p99 {:.2} ms, max {:.2} ms; {} inconclusive (timeout 10 s); targets p50 <= 5 ms, p99 <= 100 ms, no inconclusive",
        documents.len(),
        outcomes.len(),
        wall,
        p50,
        p95,
        p99,
        max,
        timeouts
    );
    for (label, count) in &verdicts {
        println!("  {label}: {count}");
    }
    for kind in [
        "rewrite",
        "action-dropped",
        "resource-widened",
        "condition-removed",
    ] {
        let mut kind_times: Vec<f64> = outcomes
            .iter()
            .filter(|outcome| outcome.kind == kind)
            .map(|outcome| outcome.milliseconds)
            .collect();
        kind_times.sort_by(f64::total_cmp);
        println!(
            "  {kind}: p50 {:.2} ms, p95 {:.2} ms, max {:.2} ms",
            percentile(&kind_times, 0.5),
            percentile(&kind_times, 0.95),
            kind_times.last().copied().unwrap_or(0.0)
        );
    }
    let result = serde_json::json!({
        "benchmark": "equivalence",
        "policies": documents.len(),
        "every": every,
        "queries": outcomes.len(),
        "p50_ms": p50, "p95_ms": p95, "p99_ms": p99, "max_ms": max,
        "inconclusive": timeouts,
        "verdicts": verdicts,
    });
    let output = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/bench/results/equivalence.json"
    );
    if let Err(error) = std::fs::write(output, format!("{result:#}\n")) {
        eprintln!("could not write {output}: {error}");
    }
}
