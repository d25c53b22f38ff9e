//! `iamz gate` and `iamz merge` through the command line, on the bundled
//! example: the outputs a CI job reads (exit codes, JSON, Markdown, SARIF),
//! and shards that merge into the whole answer.

mod common;

use common::iamz;
use serde_json::Value;
use std::path::PathBuf;

fn example(name: &str) -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("examples/gate-scp-change")
        .join(name)
        .display()
        .to_string()
}

#[test]
fn exit_codes_follow_the_widening_and_its_allowance() {
    let (old, new) = (example("old.json"), example("new.json"));
    assert_eq!(iamz(&["gate", &old, &new]).0, 1);
    // The prod widening intended: the dev narrowing passes.
    assert_eq!(iamz(&["gate", &old, &new, "--allow-widening", "prod"]).0, 0);
    assert_eq!(
        iamz(&["gate", &old, &new, "--allow-widening", "ou-gate-prod0001"]).0,
        0
    );
    // Only one of the two widened accounts allowed: still a failure.
    assert_eq!(
        iamz(&["gate", &old, &new, "--allow-widening", "222222222222"]).0,
        1
    );
    // Narrowing only (NEW → OLD reversed is widening only; OLD → OLD nothing).
    assert_eq!(iamz(&["gate", &old, &old]).0, 0);
    assert_eq!(iamz(&["gate", &old, "no-such-file.json"]).0, 2);
    assert_eq!(iamz(&["gate", &old, &new, "--shard", "4/3"]).0, 2);
}

#[test]
fn markdown_and_sarif_name_the_accounts_and_the_changed_statement() {
    let (old, new) = (example("old.json"), example("new.json"));
    let (_, markdown) = iamz(&["gate", &old, &new, "--format", "markdown"]);
    assert!(
        markdown.contains("| root / prod | 222222222222 prod-data | widened |"),
        "{markdown}"
    );
    assert!(markdown.contains("<details>"), "{markdown}");
    let (_, sarif) = iamz(&["gate", &old, &new, "--format", "sarif"]);
    let sarif: Value = serde_json::from_str(&sarif).unwrap();
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    // One result per widened account (the narrowing is not a result).
    assert_eq!(results.len(), 2, "{results:?}");
    for result in results {
        assert_eq!(result["ruleId"], "scp-widening");
        let location = &result["locations"][0]["physicalLocation"];
        assert!(location["artifactLocation"]["uri"]
            .as_str()
            .unwrap()
            .ends_with("new.json"));
        assert_eq!(location["region"]["startLine"], 39);
    }
}

#[test]
fn shards_merge_into_the_whole_answer() {
    let (old, new) = (example("old.json"), example("new.json"));
    let (_, whole) = iamz(&["gate", &old, &new, "--format", "json"]);
    let whole: Value = serde_json::from_str(&whole).unwrap();
    let directory = tempfile::tempdir().unwrap();
    let mut shards = Vec::new();
    for shard in ["1/2", "2/2"] {
        let (_, report) = iamz(&["gate", &old, &new, "--format", "json", "--shard", shard]);
        let path = directory.path().join(shard.replace('/', "-"));
        std::fs::write(&path, report).unwrap();
        shards.push(path.display().to_string());
    }
    let mut arguments = vec!["merge"];
    arguments.extend(shards.iter().map(String::as_str));
    let (code, merged) = iamz(&arguments);
    assert_eq!(code, 1);
    let merged: Value = serde_json::from_str(&merged).unwrap();
    assert_eq!(merged["verdict"], whole["verdict"]);
    let verdicts = |report: &Value| {
        let mut pairs: Vec<(String, String)> = report["accounts"]
            .as_array()
            .unwrap()
            .iter()
            .map(|account| {
                (
                    account["account"].as_str().unwrap().to_string(),
                    account["verdict"].as_str().unwrap().to_string(),
                )
            })
            .collect();
        pairs.sort();
        pairs
    };
    assert_eq!(verdicts(&merged), verdicts(&whole));
    // The same shard twice is refused.
    assert_eq!(iamz(&["merge", &shards[0], &shards[0]]).0, 2);
}
