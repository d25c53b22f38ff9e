//! Validation findings as a SARIF 2.1.0 log, the format GitHub code
//! scanning uploads: one run whose tool driver lists every check as a rule,
//! and one result per finding with its rule, level, message and place.
//!
//! Written with serde_json: the subset used here is small, and the tests
//! check the output against the official SARIF 2.1.0 schema.
//!
//! Levels: SARIF has `error`, `warning` and `note`; a security warning is a
//! SARIF `error` (so that code scanning flags it), a suggestion a `note`.
//! The full iamz severity is kept in each result's `properties`.

use serde_json::{json, Value};

use crate::validate::{Finding, Severity, CHECKS};

const SARIF_SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

/// The SARIF level of a severity.
pub fn sarif_level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error | Severity::SecurityWarning => "error",
        Severity::Warning => "warning",
        Severity::Suggestion => "note",
    }
}

/// The whole SARIF log for these findings.
pub fn findings_sarif(findings: &[Finding]) -> Value {
    let rules: Vec<Value> = CHECKS
        .iter()
        .map(|check| {
            json!({
                "id": check.code,
                "name": check.code,
                "shortDescription": { "text": check.title },
                "help": { "text": check.hint },
                "defaultConfiguration": { "level": sarif_level(check.severity) },
                "properties": { "severity": check.severity.name() },
            })
        })
        .collect();
    let results: Vec<Value> = findings.iter().map(result).collect();
    json!({
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": "iamz",
                    "version": env!("CARGO_PKG_VERSION"),
                    "rules": rules,
                }
            },
            "results": results,
        }]
    })
}

fn result(finding: &Finding) -> Value {
    let mut object = json!({
        "ruleId": finding.code,
        "level": sarif_level(finding.severity),
        "message": { "text": format!("{} (hint: {})", finding.message, finding.hint) },
        "locations": [{
            "physicalLocation": {
                "artifactLocation": { "uri": artifact_uri(&finding.location.file) },
                "region": {
                    "startLine": finding.location.position.line.max(1),
                    "startColumn": finding.location.position.column.max(1),
                }
            }
        }],
        "properties": { "severity": finding.severity.name() },
    });
    if let Some(index) = CHECKS.iter().position(|check| check.code == finding.code) {
        object["ruleIndex"] = json!(index);
    }
    if !finding.location.json_path.is_empty() {
        object["locations"][0]["logicalLocations"] = json!([{
            "fullyQualifiedName": finding.location.json_path,
            "kind": "element",
        }]);
    }
    object
}

/// A relative URI for a file path: `/` separators, spaces and other
/// characters outside the URI grammar percent-encoded.
pub(crate) fn artifact_uri(path: &str) -> String {
    let mut uri = String::with_capacity(path.len());
    for byte in path.replace('\\', "/").bytes() {
        let keep = byte.is_ascii_alphanumeric() || b"-._~/:@!$&'()*+,;=".contains(&byte);
        if keep {
            uri.push(char::from(byte));
        } else {
            uri.push_str(&format!("%{byte:02X}"));
        }
    }
    uri
}

/// A SARIF log of one run whose rules (`id`, short description) are all
/// at level `error`, with these results.
pub fn error_rules_log(rules: &[(&str, &str)], results: Vec<Value>) -> Value {
    let rules: Vec<Value> = rules
        .iter()
        .map(|(id, text)| {
            json!({ "id": id, "name": id,
                    "shortDescription": { "text": text },
                    "defaultConfiguration": { "level": "error" } })
        })
        .collect();
    json!({
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "iamz",
                "version": env!("CARGO_PKG_VERSION"),
                "rules": rules,
            } },
            "results": results,
        }]
    })
}

/// A result's place: the file (as `artifact_uri` writes it), line and
/// column (at least 1).
pub fn physical_location(file: &str, line: usize, column: usize) -> Value {
    json!({
        "physicalLocation": {
            "artifactLocation": { "uri": artifact_uri(file) },
            "region": { "startLine": line.max(1), "startColumn": column.max(1) }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_become_uris() {
        assert_eq!(artifact_uri("policies/a b.json"), "policies/a%20b.json");
        assert_eq!(artifact_uri("dir\\p.json"), "dir/p.json");
    }
}
