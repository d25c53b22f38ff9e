//! Runs the claims corpus in `proofs/`. Each folder of `proofs/` holds one
//! kind of claim and has one runner here; a folder without a runner is an
//! error, so a new kind of claim cannot be skipped silently.

mod common;
mod exposure_claims;
mod files;
mod gate_claims;

use common::{decide_in, parse_decision, request_from_value, scenario_from_text};
use iamz::eval::EvaluatedDecision;
use iamz::explain::{explain, Element};
use iamz::policy::{parse_policy, PolicyDocument, PolicyKind};
use iamz::query::{
    compare, compare_policies, ComparedSide, Comparison, Counterexample, Direction,
    PolicyComparisonMode, QueryOptions, Replayed, RequestConstraints, Verdict,
};
use iamz::report::comparison::{request_json, verdict_word};
use iamz::report::decision::decision_json;
use iamz::report::explanation::explanation_text;
use iamz::request::ConcreteRequest;
use iamz::scenario::{Scenario, SetupScope};
use iamz::semantics::alone::Aspect;
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

const PROOFS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/proofs");

/// A runner checks one claim file and returns what went wrong, if anything.
type Runner = fn(&Path, &Value) -> Vec<String>;

/// Claim folders and their runners.
const RUNNERS: &[(&str, Runner)] = &[
    ("equivalence", run_equivalence_claim),
    ("eval", run_eval_claim),
    ("exposure", exposure_claims::run_exposure_claim),
    ("gate", gate_claims::run_gate_claim),
    ("explain", run_explain_claim),
    ("scenarios", run_scenario_claim),
];

fn claim_files(folder: &str) -> Vec<PathBuf> {
    files::json_files_in(&Path::new(PROOFS).join(folder))
}

fn read_claim(path: &Path) -> Value {
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|error| panic!("cannot read {}: {error}", path.display()));
    serde_json::from_str(&text)
        .unwrap_or_else(|error| panic!("{}: not JSON: {error}", path.display()))
}

/// Runs every claim of a folder; panics with all failures.
fn run_folder(folder: &str, runner: Runner) -> usize {
    let files = claim_files(folder);
    let mut failures = Vec::new();
    for path in &files {
        let claim = read_claim(path);
        failures.extend(runner(path, &claim));
    }
    assert!(
        failures.is_empty(),
        "{} failure(s) in proofs/{folder}:\n\n{}",
        failures.len(),
        failures.join("\n\n")
    );
    files.len()
}

fn check_keys(claim_name: &str, object: &Value, allowed: &[&str], what: &str) -> Vec<String> {
    match object.as_object() {
        Some(members) => members
            .keys()
            .filter(|key| !allowed.contains(&key.as_str()))
            .map(|key| format!("{claim_name}: unknown field `{key}` in {what}"))
            .collect(),
        None => vec![format!("{claim_name}: {what} is not an object")],
    }
}

/// The layer names an explanation gives: the layers of the deciding
/// statements (explicit deny, allow) or the layers that failed to allow
/// (implicit deny).
fn explanation_layers(decided: &EvaluatedDecision) -> BTreeSet<String> {
    let explanation = &decided.explanation;
    explanation
        .deciding_statements
        .iter()
        .map(|statement| statement.layer.clone())
        .chain(explanation.missing_allows.iter().cloned())
        .collect()
}

/// `proofs/eval/*.json`: a scenario, requests, and the decision AWS gives.
fn run_eval_claim(path: &Path, claim: &Value) -> Vec<String> {
    let name = path.file_stem().unwrap().to_string_lossy().to_string();
    let mut failures = check_keys(
        &name,
        claim,
        &["claim", "source", "scenario", "requests", "expect_rejected"],
        "the claim",
    );
    let text = claim["claim"].as_str().unwrap_or_default();
    if text.is_empty() {
        failures.push(format!("{name}: `claim` must say what is claimed"));
    }
    let source = claim["source"].as_str().unwrap_or_default();
    if !source.starts_with("https://") {
        failures.push(format!("{name}: `source` must be a URL, found {source:?}"));
    }
    let directory = path.parent().unwrap();
    let scenario_text = match &claim["scenario"] {
        Value::String(relative) => match std::fs::read_to_string(directory.join(relative)) {
            Ok(text) => text,
            Err(error) => return vec![format!("{name}: cannot read scenario {relative}: {error}")],
        },
        scenario @ Value::Object(_) => scenario.to_string(),
        _ => return vec![format!("{name}: `scenario` must be an object or a path")],
    };
    let loaded = scenario_from_text(&scenario_text, &path.display().to_string(), directory);
    // A scenario AWS would not accept (a policy it rejects): the claim
    // names what the error must say, and has no requests.
    if let Some(rejected) = claim.get("expect_rejected") {
        let Some(expected) = rejected.as_str().filter(|text| !text.is_empty()) else {
            failures.push(format!(
                "{name}: `expect_rejected` must be the text the error gives"
            ));
            return failures;
        };
        if claim.get("requests").is_some() {
            failures.push(format!("{name}: a rejected scenario has no `requests`"));
        }
        match loaded {
            Ok(_) => failures.push(format!(
                "{name}: the scenario loads, but AWS rejects it: expected an error saying {expected:?}"
            )),
            Err(error) if !error.contains(expected) => failures.push(format!(
                "{name}: rejected, but the error does not say {expected:?}: {error}"
            )),
            Err(_) => {}
        }
        return failures;
    }
    let scenario = match loaded {
        Ok(scenario) => scenario,
        Err(error) => return vec![format!("{name}: scenario does not load: {error}")],
    };
    let Some(requests) = claim["requests"]
        .as_array()
        .filter(|items| !items.is_empty())
    else {
        failures.push(format!("{name}: `requests` must be a non-empty array"));
        return failures;
    };
    for (index, case) in requests.iter().enumerate() {
        let label = format!("{name} requests[{index}]");
        failures.extend(check_keys(
            &label,
            case,
            &["request", "expect", "expect_deciding"],
            "the request case",
        ));
        let Some(expected) = case["expect"].as_str().and_then(parse_decision) else {
            failures.push(format!(
                "{label}: `expect` must be Allow, ExplicitDeny or ImplicitDeny"
            ));
            continue;
        };
        let request = match request_from_value(&case["request"]) {
            Ok(request) => request,
            Err(error) => {
                failures.push(format!("{label}: bad request: {error}"));
                continue;
            }
        };
        let decided = match decide_in(&scenario, &request) {
            Ok(decided) => decided,
            Err(error) => {
                failures.push(format!("{label}: cannot decide: {error}"));
                continue;
            }
        };
        let report = |problem: String| {
            format!(
                "claim `{name}`: {text}\n  request[{index}]: {}\n  {problem}\n  explanation: {}",
                case["request"],
                serde_json::to_string(&decided.explanation).unwrap()
            )
        };
        if decided.decision != expected {
            failures.push(report(format!(
                "expected {expected}, actual {}",
                decided.decision
            )));
            continue;
        }
        if let Some(deciding) = case.get("expect_deciding") {
            let wanted: Option<BTreeSet<String>> = deciding.as_array().and_then(|items| {
                items
                    .iter()
                    .map(|item| item.as_str().map(str::to_string))
                    .collect()
            });
            match wanted {
                Some(wanted) => {
                    let actual = explanation_layers(&decided);
                    if actual != wanted {
                        failures.push(report(format!(
                            "{expected} as expected, but decided by layers {actual:?}, expected {wanted:?}"
                        )));
                    }
                }
                None => failures.push(format!(
                    "{label}: `expect_deciding` must be an array of layer names"
                )),
            }
        }
    }
    failures
}

/// The first element of a statement that did not match, as an `explain/`
/// claim names it: `action`, `resource`, `principal`, `condition:KEY`.
fn element_name(element: &Element) -> String {
    match element {
        Element::Action => "action".to_string(),
        Element::Resource => "resource".to_string(),
        Element::Principal => "principal".to_string(),
        Element::Condition(key) => format!("condition:{key}"),
    }
}

/// `proofs/explain/*.json`: a troubleshooting case, the decision, why each
/// named statement did not apply, the hints, and the smallest change that
/// allows the request, which must be checked (the evaluator allows the
/// request with it).
fn run_explain_claim(path: &Path, claim: &Value) -> Vec<String> {
    let name = path.file_stem().unwrap().to_string_lossy().to_string();
    let mut failures = check_keys(
        &name,
        claim,
        &[
            "claim",
            "source",
            "scenario",
            "request",
            "expect",
            "expect_reason",
            "expect_not_applied",
            "expect_hint",
            "expect_changes",
        ],
        "the claim",
    );
    failures.extend(check_claim_text(&name, claim));
    let scenario = match claim_scenario(path, claim, "scenario") {
        Ok(scenario) => scenario,
        Err(error) => return vec![format!("{name}: {error}")],
    };
    let request = match request_from_value(claim.get("request").unwrap_or(&Value::Null)) {
        Ok(request) => request,
        Err(_) if claim.get("request").is_none() => Default::default(),
        Err(error) => return vec![format!("{name}: bad request: {error}")],
    };
    let resolved = match scenario.resolve(&request, common::NOW) {
        Ok(resolved) => resolved,
        Err(error) => return vec![format!("{name}: cannot resolve the request: {error}")],
    };
    let setup = scenario.setup(&SetupScope::of_request(&resolved.request));
    let explained = explain(&setup, &resolved.request);
    let rendered = explanation_text(&explained, None, &[]);
    let mut problem = |text: String| {
        failures.push(format!(
            "claim `{name}`: {}\n  {text}\n  explanation:\n{rendered}",
            claim["claim"].as_str().unwrap_or_default()
        ))
    };
    match claim["expect"].as_str().and_then(parse_decision) {
        Some(expected) if expected == explained.decision => {}
        Some(expected) => problem(format!(
            "expected {expected}, actual {}",
            explained.decision
        )),
        None => problem("`expect` must be Allow, ExplicitDeny or ImplicitDeny".to_string()),
    }
    if let Some(reason) = claim["expect_reason"].as_str() {
        if !explained.reason.contains(reason) {
            problem(format!(
                "the reason does not say {reason:?}: {:?}",
                explained.reason
            ));
        }
    }
    for expected in claim["expect_not_applied"].as_array().into_iter().flatten() {
        let (layer, statement, element) = (
            expected["layer"].as_str().unwrap_or_default(),
            expected["statement"].as_str().unwrap_or_default(),
            expected["element"].as_str().unwrap_or_default(),
        );
        let found = explained
            .layers
            .iter()
            .filter(|candidate| candidate.name == layer)
            .flat_map(|candidate| &candidate.statements)
            .find(|candidate| candidate.statement == statement);
        match found {
            None => problem(format!("no statement {statement} in layer {layer}")),
            Some(found) if found.applies => {
                problem(format!("{layer} statement {statement} applies"))
            }
            Some(found) => {
                let first = found.not_matched.first().map(element_name);
                if first.as_deref() != Some(element) {
                    problem(format!(
                        "{layer} statement {statement}: the first element not matched is {first:?}, expected {element:?}"
                    ));
                }
            }
        }
    }
    if let Some(hint) = claim["expect_hint"].as_str() {
        if !explained.hints.iter().any(|given| given.contains(hint)) {
            problem(format!("no hint says {hint:?}: {:?}", explained.hints));
        }
    }
    match (&explained.smallest_change, claim.get("expect_changes")) {
        (None, Some(_)) => problem("no change proposed".to_string()),
        (None, None) => {}
        (Some(plan), expected) => {
            if !plan.checked {
                problem(format!(
                    "the proposed change is not enough: the evaluator still decides {}",
                    plan.decision_after
                ));
            }
            let expected: Vec<&Value> = expected
                .and_then(Value::as_array)
                .map(|items| items.iter().collect())
                .unwrap_or_default();
            if expected.is_empty() {
                problem("a denied request's claim must give `expect_changes`".to_string());
            }
            if expected.len() != plan.changes.len() {
                problem(format!(
                    "{} change(s) proposed, {} expected",
                    plan.changes.len(),
                    expected.len()
                ));
            }
            for (index, (wanted, change)) in expected.iter().zip(&plan.changes).enumerate() {
                let actual = serde_json::to_value(change).unwrap();
                for key in ["layer", "change", "key", "policy"] {
                    if let Some(value) = wanted.get(key) {
                        if actual.get(key) != Some(value) {
                            problem(format!(
                                "change {index}: `{key}` is {:?}, expected {value}",
                                actual.get(key)
                            ));
                        }
                    }
                }
                if let Some(values) = wanted.get("values") {
                    if actual.get("values") != Some(values) {
                        problem(format!(
                            "change {index}: values {:?}, expected {values}",
                            actual.get("values")
                        ));
                    }
                }
                if let Some(statement) = wanted.get("statement") {
                    if actual.get("statement") != Some(statement) {
                        problem(format!(
                            "change {index}: statement {}, expected {statement}",
                            actual["statement"]
                        ));
                    }
                }
                if let Some(text) = wanted["summary_contains"].as_str() {
                    if !change.summary.contains(text) {
                        problem(format!(
                            "change {index}: the summary does not say {text:?}: {}",
                            change.summary
                        ));
                    }
                }
            }
        }
    }
    failures
}

/// Case-sensitive (or ASCII case-insensitive) glob with `*` (any run of
/// characters, colons included) and `?` (one character).
fn glob_matches(pattern: &str, text: &str, ignore_case: bool) -> bool {
    let fold = |text: &str| -> Vec<char> {
        if ignore_case {
            text.to_ascii_lowercase().chars().collect()
        } else {
            text.chars().collect()
        }
    };
    let (pattern, text) = (fold(pattern), fold(text));
    // Classic two-pointer glob match with backtracking on the last `*`.
    let (mut p, mut t) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while t < text.len() {
        if p < pattern.len() && (pattern[p] == '?' || pattern[p] == text[t]) {
            p += 1;
            t += 1;
        } else if p < pattern.len() && pattern[p] == '*' {
            star = Some((p, t));
            p += 1;
        } else if let Some((star_p, star_t)) = star {
            p = star_p + 1;
            t = star_t + 1;
            star = Some((star_p, star_t + 1));
        } else {
            return false;
        }
    }
    pattern[p..].iter().all(|&c| c == '*')
}

fn parse_kind_policy(
    value: &Value,
    kind: PolicyKind,
    file: &str,
) -> Result<PolicyDocument, String> {
    if !value.is_object() {
        return Err(format!("`{file}` must be a policy document object"));
    }
    parse_policy(&value.to_string(), file, Some(kind))
        .map(|parsed| parsed.document)
        .map_err(|error| error.to_string())
}

fn constraints_from_value(value: Option<&Value>) -> Result<RequestConstraints, String> {
    let mut constraints = RequestConstraints::default();
    let Some(value) = value else {
        return Ok(constraints);
    };
    let Some(members) = value.as_object() else {
        return Err("`constraints` must be an object".into());
    };
    for (key, item) in members {
        let text = item
            .as_str()
            .ok_or_else(|| format!("constraint `{key}` must be a string"))?
            .to_string();
        match key.as_str() {
            "action" => constraints.action = Some(text),
            "resource" => constraints.resource = Some(text),
            "principal_account" => constraints.principal_account = Some(text),
            "resource_account" => constraints.resource_account = Some(text),
            other => return Err(format!("unknown constraint `{other}`")),
        }
    }
    Ok(constraints)
}

fn counterexample_report(example: &Counterexample) -> String {
    format!(
        "    direction: {:?}\n    request: {}\n    old: {}\n    new: {}",
        example.direction,
        request_json(&example.request),
        decision_json(None, &example.old, &[]),
        decision_json(None, &example.new, &[]),
    )
}

/// What a counterexample must show (`counterexample` and
/// `narrowing_counterexample` in a claim).
fn check_counterexample_expectations(
    expected: &Value,
    example: &Counterexample,
) -> Result<Vec<String>, String> {
    let Some(members) = expected.as_object() else {
        return Err("a counterexample expectation must be an object".into());
    };
    let request = &example.request;
    let mut problems = Vec::new();
    let string_list = |key: &str, item: &Value| -> Result<Vec<String>, String> {
        item.as_array()
            .and_then(|items| {
                items
                    .iter()
                    .map(|item| item.as_str().map(str::to_string))
                    .collect::<Option<Vec<String>>>()
            })
            .ok_or_else(|| format!("`counterexample.{key}` must be an array of strings"))
    };
    for (key, item) in members {
        match key.as_str() {
            "action_matches" | "resource_matches" | "principal_matches" => {
                let pattern = item
                    .as_str()
                    .ok_or_else(|| format!("`counterexample.{key}` must be a string"))?;
                let (actual, ignore_case) = match key.as_str() {
                    "action_matches" => (request.action.as_str(), true),
                    "resource_matches" => (request.resource.as_str(), false),
                    _ => (request.principal.text.as_str(), false),
                };
                if !glob_matches(pattern, actual, ignore_case) {
                    problems.push(format!("{key}: `{actual}` does not match `{pattern}`"));
                }
            }
            "context_has" => {
                for context_key in string_list(key, item)? {
                    if request
                        .context
                        .get(&context_key.to_ascii_lowercase())
                        .is_none()
                    {
                        problems.push(format!("context_has: `{context_key}` is absent"));
                    }
                }
            }
            "context_lacks" => {
                for context_key in string_list(key, item)? {
                    if request
                        .context
                        .get(&context_key.to_ascii_lowercase())
                        .is_some()
                    {
                        problems.push(format!("context_lacks: `{context_key}` is present"));
                    }
                }
            }
            "old_deciding" | "new_deciding" => {
                let wanted: BTreeSet<String> = string_list(key, item)?.into_iter().collect();
                let decided = if key == "old_deciding" {
                    &example.old
                } else {
                    &example.new
                };
                let actual = explanation_layers(decided);
                if actual != wanted {
                    problems.push(format!(
                        "{key}: {} decided by layers {actual:?}, expected {wanted:?}",
                        decided.decision
                    ));
                }
            }
            other => return Err(format!("unknown field `counterexample.{other}`")),
        }
    }
    Ok(problems)
}

/// `claim` and `source` of a claim file.
fn check_claim_text(name: &str, claim: &Value) -> Vec<String> {
    let mut failures = Vec::new();
    if claim["claim"].as_str().unwrap_or_default().is_empty() {
        failures.push(format!("{name}: `claim` must say what is claimed"));
    }
    let source = claim["source"].as_str().unwrap_or_default();
    if !source.starts_with("https://") {
        failures.push(format!("{name}: `source` must be a URL, found {source:?}"));
    }
    failures
}

/// The verdict a comparison claim expects (`expect`).
fn expected_verdict(name: &str, claim: &Value) -> Result<&'static str, String> {
    match claim["expect"].as_str() {
        Some("equivalent") => Ok("equivalent"),
        Some("more-permissive") => Ok("more-permissive"),
        Some("less-permissive") => Ok("less-permissive"),
        Some("incomparable") => Ok("incomparable"),
        other => Err(format!(
            "{name}: `expect` must be equivalent, more-permissive, less-permissive or incomparable, found {other:?}"
        )),
    }
}

/// A counterexample replayed on OLD and on NEW.
type Replay<'a> = dyn Fn(&ConcreteRequest) -> (Replayed, Replayed) + 'a;

/// What every comparison claim checks, whatever its sides: the verdict (an
/// equivalence must not be vacuous), one counterexample per differing
/// direction, `differs_in`, every counterexample inside the constraints and
/// replayed on both sides by `replay`, and the counterexample expectations.
fn check_comparison(
    name: &str,
    claim: &Value,
    expected: &str,
    comparison: &Comparison,
    constraints: &RequestConstraints,
    replay: &Replay<'_>,
) -> Vec<String> {
    let text = claim["claim"].as_str().unwrap_or_default();
    let mut failures = Vec::new();
    let actual = verdict_word(&comparison.verdict);
    let examples = comparison
        .counterexamples
        .iter()
        .map(counterexample_report)
        .collect::<Vec<_>>()
        .join("\n");
    let report = |problem: String| {
        let reason = match &comparison.verdict {
            Verdict::Inconclusive { reason } => format!(" ({reason})"),
            _ => String::new(),
        };
        format!(
            "claim `{name}`: {text}\n  {problem}\n  expected {expected}, actual {actual}{reason}\n  counterexamples:\n{examples}"
        )
    };
    if actual != expected {
        failures.push(report("wrong verdict".into()));
        return failures;
    }
    if expected == "equivalent" && !comparison.vacuous.is_empty() {
        failures.push(report(format!(
            "equivalent only vacuously: {}",
            comparison.vacuous.join("; ")
        )));
    }
    // The directions of the access differences, widening first.
    let mut directions: Vec<Direction> = Vec::new();
    for example in &comparison.counterexamples {
        if example.changes_access && !directions.contains(&example.direction) {
            directions.push(example.direction);
        }
    }
    let wanted = match comparison.verdict {
        Verdict::MorePermissive => vec![Direction::NewAllowsOldDenies],
        Verdict::LessPermissive => vec![Direction::OldAllowsNewDenies],
        Verdict::Incomparable => vec![Direction::NewAllowsOldDenies, Direction::OldAllowsNewDenies],
        _ => vec![],
    };
    if directions != wanted {
        failures.push(report(format!(
            "counterexample directions {directions:?}, expected {wanted:?}"
        )));
    }
    if let Some(expected_aspects) = claim.get("differs_in") {
        let expected_aspects: Option<Vec<&str>> = expected_aspects
            .as_array()
            .and_then(|items| items.iter().map(Value::as_str).collect());
        match expected_aspects {
            Some(expected_aspects) => {
                let mut actual_aspects: Vec<&str> = Vec::new();
                for example in &comparison.counterexamples {
                    if !actual_aspects.contains(&example.aspect.as_str()) {
                        actual_aspects.push(example.aspect.as_str());
                    }
                }
                if actual_aspects != expected_aspects {
                    failures.push(report(format!(
                        "differs in {actual_aspects:?}, expected {expected_aspects:?}"
                    )));
                }
            }
            None => failures.push(format!(
                "{name}: `differs_in` must be an array of aspect names"
            )),
        }
    }
    // Every counterexample replays on both sides, independently of the
    // check `compare` makes itself.
    for example in &comparison.counterexamples {
        let (old_replayed, new_replayed) = replay(&example.request);
        let (more, less) = match example.direction {
            Direction::NewAllowsOldDenies => (&new_replayed.aspects, &old_replayed.aspects),
            Direction::OldAllowsNewDenies => (&old_replayed.aspects, &new_replayed.aspects),
        };
        let holds = match example.aspect {
            Aspect::ExplicitDeny => less.explicit_deny && !more.explicit_deny,
            aspect => more.get(aspect) && !less.get(aspect),
        };
        if !holds || old_replayed.decision != example.old || new_replayed.decision != example.new {
            failures.push(report(format!(
                "counterexample does not replay: old {}, new {}",
                old_replayed.decision.decision, new_replayed.decision.decision
            )));
        }
        if !constraints.admits(&example.request) {
            failures.push(report("counterexample outside the constraints".into()));
        }
    }
    let narrowing = comparison.counterexamples.iter().find(|example| {
        example.changes_access && example.direction == Direction::OldAllowsNewDenies
    });
    for (field, example) in [
        ("counterexample", comparison.counterexamples.first()),
        ("narrowing_counterexample", narrowing),
    ] {
        let Some(expectations) = claim.get(field) else {
            continue;
        };
        match example {
            None => failures.push(report(format!(
                "`{field}` given but there is no such counterexample"
            ))),
            Some(example) => match check_counterexample_expectations(expectations, example) {
                Ok(problems) => {
                    if !problems.is_empty() {
                        failures.push(report(format!(
                            "the {} does not show what is claimed: {}",
                            field.replace('_', " "),
                            problems.join("; ")
                        )));
                    }
                }
                Err(error) => failures.push(format!("{name}: {field}: {error}")),
            },
        }
    }
    failures
}

/// `proofs/equivalence/*.json`: two versions of one policy, the verdict of
/// comparing them, and what the first counterexample must show.
fn run_equivalence_claim(path: &Path, claim: &Value) -> Vec<String> {
    let name = path.file_stem().unwrap().to_string_lossy().to_string();
    let mut failures = check_keys(
        &name,
        claim,
        &[
            "claim",
            "source",
            "policy_type",
            "old",
            "new",
            "constraints",
            "expect",
            "counterexample",
            "narrowing_counterexample",
            "mode",
            "differs_in",
        ],
        "the claim",
    );
    let mode = match claim.get("mode").and_then(Value::as_str) {
        None | Some("in-context") => PolicyComparisonMode::InContext,
        Some("alone") => PolicyComparisonMode::Alone,
        Some(other) => {
            failures.push(format!(
                "{name}: `mode` must be in-context or alone, found {other:?}"
            ));
            PolicyComparisonMode::InContext
        }
    };
    failures.extend(check_claim_text(&name, claim));
    let kind: PolicyKind = match claim["policy_type"].as_str().map(str::parse) {
        Some(Ok(kind)) => kind,
        Some(Err(error)) => {
            failures.push(format!("{name}: {error}"));
            return failures;
        }
        None => {
            failures.push(format!("{name}: `policy_type` is required"));
            return failures;
        }
    };
    let expected = match expected_verdict(&name, claim) {
        Ok(expected) => expected,
        Err(error) => {
            failures.push(error);
            return failures;
        }
    };
    let (old, new) = match (
        parse_kind_policy(&claim["old"], kind, &format!("{name}/old")),
        parse_kind_policy(&claim["new"], kind, &format!("{name}/new")),
    ) {
        (Ok(old), Ok(new)) => (old, new),
        (old, new) => {
            failures.extend(old.err().map(|error| format!("{name}: old: {error}")));
            failures.extend(new.err().map(|error| format!("{name}: new: {error}")));
            return failures;
        }
    };
    let constraints = match constraints_from_value(claim.get("constraints")) {
        Ok(constraints) => constraints,
        Err(error) => {
            failures.push(format!("{name}: {error}"));
            return failures;
        }
    };
    if !failures.is_empty() {
        return failures;
    }
    let comparison: Comparison = match compare_policies(
        &old,
        &new,
        kind,
        &constraints,
        &QueryOptions::default(),
        mode,
    ) {
        Ok(comparison) => comparison,
        Err(error) => {
            let text = claim["claim"].as_str().unwrap_or_default();
            return vec![format!("claim `{name}`: {text}\n  query failed: {error}")];
        }
    };
    let old_side = ComparedSide::policy(&old, kind);
    let new_side = ComparedSide::policy(&new, kind);
    let replay = |request: &ConcreteRequest| (old_side.replay(request), new_side.replay(request));
    check_comparison(&name, claim, expected, &comparison, &constraints, &replay)
}

/// A scenario of a claim: an inline object, or a path relative to the
/// claim file (read as `iamz eval` and `iamz diff` read scenario files).
fn claim_scenario(path: &Path, claim: &Value, field: &str) -> Result<Scenario, String> {
    let directory = path.parent().unwrap();
    match &claim[field] {
        Value::String(relative) => Scenario::load(&directory.join(relative))
            .map_err(|error| format!("`{field}` ({relative}) does not load: {error}")),
        scenario @ Value::Object(_) => scenario_from_text(
            &scenario.to_string(),
            &format!("{}#{field}", path.display()),
            directory,
        )
        .map_err(|error| format!("`{field}` does not load: {error}")),
        _ => Err(format!("`{field}` must be a scenario object or a path")),
    }
}

/// `proofs/scenarios/*.json`: two scenarios (whole policy sets), the verdict
/// of comparing them, and what the counterexamples must show. The
/// comparison makes the library calls `iamz diff OLD NEW` makes for two
/// scenarios: OLD's own request as constraints, the claim's constraints
/// laid over them, both setups built for their scope, then `compare`.
fn run_scenario_claim(path: &Path, claim: &Value) -> Vec<String> {
    let name = path.file_stem().unwrap().to_string_lossy().to_string();
    let mut failures = check_keys(
        &name,
        claim,
        &[
            "claim",
            "source",
            "old",
            "new",
            "constraints",
            "expect",
            "counterexample",
            "narrowing_counterexample",
            "differs_in",
        ],
        "the claim",
    );
    failures.extend(check_claim_text(&name, claim));
    let expected = match expected_verdict(&name, claim) {
        Ok(expected) => expected,
        Err(error) => {
            failures.push(error);
            return failures;
        }
    };
    let (old, new) = match (
        claim_scenario(path, claim, "old"),
        claim_scenario(path, claim, "new"),
    ) {
        (Ok(old), Ok(new)) => (old, new),
        (old, new) => {
            failures.extend(old.err().map(|error| format!("{name}: {error}")));
            failures.extend(new.err().map(|error| format!("{name}: {error}")));
            return failures;
        }
    };
    let claimed = match constraints_from_value(claim.get("constraints")) {
        Ok(constraints) => constraints,
        Err(error) => {
            failures.push(format!("{name}: {error}"));
            return failures;
        }
    };
    if !failures.is_empty() {
        return failures;
    }
    let constraints = RequestConstraints::of_scenario(&old).overlaid_with(&claimed);
    let scope = constraints.scope();
    let comparison = match compare(
        &ComparedSide::Setup(old.setup(&scope)),
        &ComparedSide::Setup(new.setup(&scope)),
        &constraints,
        &QueryOptions::default(),
        PolicyComparisonMode::InContext,
    ) {
        Ok(comparison) => comparison,
        Err(error) => {
            let text = claim["claim"].as_str().unwrap_or_default();
            return vec![format!("claim `{name}`: {text}\n  query failed: {error}")];
        }
    };
    // Replayed as `iamz eval` decides a request: each scenario's setup
    // built for the request's own scope, not the comparison's.
    let replay = |request: &ConcreteRequest| {
        let scope = SetupScope::of_request(request);
        (
            ComparedSide::Setup(old.setup(&scope)).replay(request),
            ComparedSide::Setup(new.setup(&scope)).replay(request),
        )
    };
    check_comparison(&name, claim, expected, &comparison, &constraints, &replay)
}

#[test]
fn equivalence_claims_hold() {
    let count = run_folder("equivalence", run_equivalence_claim);
    assert!(count >= 60, "only {count} claims in proofs/equivalence");
}

#[test]
fn the_equivalence_runner_catches_a_wrong_verdict() {
    let claim: Value = serde_json::json!({
        "claim": "s3:Get* and s3:GetObject* allow the same (wrong on purpose)",
        "source": "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_action.html",
        "policy_type": "identity",
        "old": {"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s3:Get*", "Resource": "*"}},
        "new": {"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s3:GetObject*", "Resource": "*"}},
        "expect": "equivalent"
    });
    let failures = run_equivalence_claim(
        Path::new(PROOFS)
            .join("equivalence/wrong-on-purpose.json")
            .as_path(),
        &claim,
    );
    assert_eq!(failures.len(), 1, "{failures:#?}");
    let failure = &failures[0];
    assert!(failure.contains("claim `wrong-on-purpose`"), "{failure}");
    assert!(
        failure.contains("expected equivalent, actual less-permissive"),
        "{failure}"
    );
    assert!(failure.contains("s3:Get"), "{failure}");
    assert!(failure.contains("ImplicitDeny"), "{failure}");

    // A counterexample expectation that does not hold is reported too.
    let mut claim = claim;
    claim["expect"] = serde_json::json!("less-permissive");
    claim["counterexample"] = serde_json::json!({"action_matches": "s3:GetObject*"});
    let failures = run_equivalence_claim(
        Path::new(PROOFS)
            .join("equivalence/wrong-on-purpose.json")
            .as_path(),
        &claim,
    );
    assert_eq!(failures.len(), 1, "{failures:#?}");
    assert!(
        failures[0].contains("does not match `s3:GetObject*`"),
        "{}",
        failures[0]
    );

    // An equivalence that holds only because neither side allows anything
    // within the constraints proves nothing.
    let mut claim = claim;
    claim["expect"] = serde_json::json!("equivalent");
    claim["new"] = claim["old"].clone();
    claim["constraints"] = serde_json::json!({"action": "ec2:*"});
    claim.as_object_mut().unwrap().remove("counterexample");
    let failures = run_equivalence_claim(
        Path::new(PROOFS)
            .join("equivalence/wrong-on-purpose.json")
            .as_path(),
        &claim,
    );
    assert_eq!(failures.len(), 1, "{failures:#?}");
    assert!(
        failures[0].contains("equivalent only vacuously"),
        "{}",
        failures[0]
    );
}

#[test]
fn glob_expectations_match_like_iam() {
    assert!(glob_matches("s3:Get*", "S3:GETBUCKETACL", true));
    assert!(!glob_matches("s3:Get*", "S3:GETBUCKETACL", false));
    assert!(glob_matches(
        "arn:aws:s3:::b/*",
        "arn:aws:s3:::b/x/y",
        false
    ));
    assert!(!glob_matches(
        "arn:aws:s3:::b/?",
        "arn:aws:s3:::b/xy",
        false
    ));
    assert!(glob_matches("*", "", false));
}

#[test]
fn eval_claims_hold() {
    let count = run_folder("eval", run_eval_claim);
    assert!(count >= 27, "only {count} claims in proofs/eval");
}

#[test]
fn exposure_claims_hold() {
    assert!(run_folder("exposure", exposure_claims::run_exposure_claim) >= 8);
}

#[test]
fn gate_claims_hold() {
    assert!(run_folder("gate", gate_claims::run_gate_claim) >= 7);
}

#[test]
fn explain_claims_hold() {
    let count = run_folder("explain", run_explain_claim);
    assert!(count >= 8, "only {count} claims in proofs/explain");
}

#[test]
fn scenario_claims_hold() {
    let count = run_folder("scenarios", run_scenario_claim);
    assert!(count >= 5, "only {count} claims in proofs/scenarios");
}

#[test]
fn the_scenario_runner_catches_a_wrong_verdict() {
    // Scenarios given as paths relative to the claim file: an RCP denying
    // ec2:* changes nothing, so "less-permissive" is wrong.
    let claim: Value = serde_json::json!({
        "claim": "an RCP denying ec2:* restricts EC2 (wrong on purpose)",
        "source": "https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps.html",
        "old": "../../tests/files/comparison/rcp-ec2.json",
        "new": "../../tests/files/comparison/rcp-none.json",
        "expect": "less-permissive"
    });
    let path = Path::new(PROOFS).join("scenarios/wrong-on-purpose.json");
    let failures = run_scenario_claim(&path, &claim);
    assert_eq!(failures.len(), 1, "{failures:#?}");
    assert!(
        failures[0].contains("claim `wrong-on-purpose`"),
        "{}",
        failures[0]
    );
    assert!(
        failures[0].contains("expected less-permissive, actual equivalent"),
        "{}",
        failures[0]
    );

    // A boundary added: the verdict is right, but the explanation claimed
    // for NEW's decision is not, and a misspelt field is reported.
    let admin = serde_json::json!([{"name": "admin", "document": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}}]);
    let claim: Value = serde_json::json!({
        "claim": "a boundary added is decided by the identity policy (wrong on purpose)",
        "source": "https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html",
        "old": {"principal": {"arn": "arn:aws:iam::111111111111:user/ops", "identity_policies": admin}},
        "new": {"principal": {"arn": "arn:aws:iam::111111111111:user/ops", "identity_policies": admin,
                "permissions_boundary": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}}},
        "expect": "less-permissive",
        "counterexample": {"new_deciding": ["identity"]}
    });
    let failures = run_scenario_claim(&path, &claim);
    assert_eq!(failures.len(), 1, "{failures:#?}");
    assert!(
        failures[0].contains("ImplicitDeny decided by layers {\"boundary\"}"),
        "{}",
        failures[0]
    );
    let mut misspelt = claim;
    misspelt["counterexample"] = serde_json::json!({"new_decided": ["boundary"]});
    let failures = run_scenario_claim(&path, &misspelt);
    assert_eq!(failures.len(), 1, "{failures:#?}");
    assert!(
        failures[0].contains("unknown field `counterexample.new_decided`"),
        "{}",
        failures[0]
    );
}

#[test]
fn every_claim_folder_has_a_runner() {
    let mut folders: Vec<String> = std::fs::read_dir(PROOFS)
        .expect("proofs/ exists")
        .map(|entry| entry.expect("directory entry").path())
        .filter(|path| path.is_dir())
        .map(|path| path.file_name().unwrap().to_string_lossy().to_string())
        .collect();
    folders.sort();
    for folder in &folders {
        assert!(
            RUNNERS.iter().any(|(name, _)| name == folder),
            "proofs/{folder} has no runner in tests/claims.rs"
        );
    }
    for (name, _) in RUNNERS {
        assert!(
            folders.contains(&name.to_string()),
            "proofs/{name} is missing"
        );
    }
}

#[test]
fn the_claim_runner_catches_a_wrong_verdict() {
    // A claim with a deliberately wrong verdict must be reported, naming the
    // claim, the request and both decisions.
    let claim: Value = serde_json::json!({
        "claim": "an identity Allow allows",
        "source": "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html",
        "scenario": {
            "principal": {"arn": "arn:aws:iam::111111111111:user/alice", "identity_policies": [
                {"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}}
            ]},
            "resource": {"arn": "arn:aws:s3:::b/k", "account": "111111111111"}
        },
        "requests": [
            {"request": {"action": "s3:GetObject"}, "expect": "ImplicitDeny"},
            {"request": {"action": "s3:GetObject"}, "expect": "Allow", "expect_deciding": ["resource"]}
        ]
    });
    let failures = run_eval_claim(
        Path::new(PROOFS)
            .join("eval/wrong-on-purpose.json")
            .as_path(),
        &claim,
    );
    assert_eq!(failures.len(), 2, "{failures:#?}");
    assert!(
        failures[0].contains("claim `wrong-on-purpose`"),
        "{}",
        failures[0]
    );
    assert!(
        failures[0].contains("expected ImplicitDeny, actual Allow"),
        "{}",
        failures[0]
    );
    assert!(failures[0].contains("s3:GetObject"), "{}", failures[0]);
    assert!(
        failures[1].contains("decided by layers {\"identity\"}"),
        "{}",
        failures[1]
    );
}

#[test]
fn the_gate_runner_catches_a_wrong_verdict() {
    // The claim says the change widens nothing and that an account of
    // another OU gains the action: both must be reported.
    let path =
        Path::new(PROOFS).join("gate/deny-removed-from-an-ou-scp-widens-exactly-that-ou.json");
    let mut claim = read_claim(&path);
    claim["expect"]["verdict"] = Value::from("unchanged");
    claim["expect"]["accounts"]["111111111111"] =
        serde_json::json!({"verdict": "widened", "gains": ["s3:DeleteBucket"]});
    let failures = gate_claims::run_gate_claim(&path, &claim);
    assert!(
        failures
            .iter()
            .any(|failure| failure.contains("verdict \"widened\" where the claim says unchanged")),
        "{failures:?}"
    );
    assert!(
        failures.iter().any(|failure| failure
            .contains("account 111111111111 is \"unchanged\" where the claim says widened")),
        "{failures:?}"
    );
}

#[test]
fn the_explain_runner_catches_a_wrong_expectation() {
    let claim = serde_json::json!({
        "claim": "wrong on purpose",
        "source": "https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_access-denied.html",
        "scenario": {
            "principal": {"arn": "arn:aws:iam::111111111111:user/analyst", "identity_policies": [
                {"Version": "2012-10-17", "Statement": [{"Sid": "Other", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::other/*"}]}
            ]},
            "resource": {"arn": "arn:aws:s3:::reports/q3.csv", "account": "111111111111"},
            "request": {"action": "s3:GetObject"}
        },
        "expect": "ImplicitDeny",
        "expect_not_applied": [{"layer": "identity", "statement": "Other", "element": "action"}],
        "expect_changes": [{"layer": "boundary", "change": "add-statement"}]
    });
    let failures = run_explain_claim(
        Path::new(PROOFS)
            .join("explain/wrong-on-purpose.json")
            .as_path(),
        &claim,
    );
    assert_eq!(failures.len(), 2, "{failures:#?}");
    assert!(
        failures[0]
            .contains("the first element not matched is Some(\"resource\"), expected \"action\""),
        "{}",
        failures[0]
    );
    assert!(
        failures[1].contains("`layer` is Some(String(\"identity\")), expected \"boundary\""),
        "{}",
        failures[1]
    );
}

#[test]
fn the_exposure_runner_catches_a_wrong_verdict() {
    // The claim says a public bucket is contained and only one account
    // gets in: the verdict and the unexpected findings must be reported.
    let path = Path::new(PROOFS).join("exposure/a-bucket-policy-granting-everyone-is-public.json");
    let mut claim = read_claim(&path);
    claim["expect"] = serde_json::json!({"verdict": "contained", "only": true, "findings": [
        {"principal": {"kind": "account", "value": "777788889999"}}]});
    let failures = exposure_claims::run_exposure_claim(&path, &claim);
    assert!(
        failures
            .iter()
            .any(|failure| failure
                .contains("verdict \"exposed\" where the claim says \"contained\"")),
        "{failures:?}"
    );
    assert!(
        failures
            .iter()
            .any(|failure| failure.contains("no finding for {\"kind\":\"account\"")),
        "{failures:?}"
    );
    assert!(
        failures
            .iter()
            .any(|failure| failure.contains("a finding the claim does not expect")),
        "{failures:?}"
    );
}
