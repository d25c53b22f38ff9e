//! Rendering of `iamz exposure` results: text for people, JSON for tools
//! (the field names of docs/cli.md).

use super::comparison::request_json;
use super::decision::decision_json;
use crate::exposure::{ExposureFinding, ResourceExposure};
use crate::query::Zone;
use serde_json::{json, Value};
use std::fmt::Write as _;

fn finding_json(finding: &ExposureFinding) -> Value {
    json!({
        "principal": {"kind": finding.principal.kind(), "value": finding.principal.value()},
        "actions": finding.actions,
        "action_count": finding.action_count,
        "conditions": finding.condition_keys,
        "public": finding.public,
        "statements": finding.statements,
        "request": request_json(&finding.request),
        "decision": decision_json(None, &finding.decision, &[]),
        "path": [],
    })
}

fn resource_json(exposure: &ResourceExposure) -> Value {
    let mut object = json!({
        "resource": exposure.resource,
        "complete": exposure.incomplete.is_none(),
        "findings": exposure.findings.iter().map(finding_json).collect::<Vec<_>>(),
        "solver_checks": exposure.solver_checks,
    });
    if let Some(reason) = &exposure.incomplete {
        object["reason"] = json!(reason.to_string());
        object["reason_kind"] = json!(reason.kind());
    }
    if !exposure.approximations.is_empty() {
        object["approximations"] = json!(exposure.approximations);
    }
    object
}

/// The verdict over resources: `inconclusive` when some enumeration
/// stopped, else `exposed` when some resource has a finding, else
/// `contained`.
pub fn exposure_verdict(exposures: &[ResourceExposure]) -> &'static str {
    if exposures
        .iter()
        .any(|exposure| exposure.incomplete.is_some())
    {
        "inconclusive"
    } else if exposures
        .iter()
        .any(|exposure| !exposure.findings.is_empty())
    {
        "exposed"
    } else {
        "contained"
    }
}

/// The whole answer as JSON.
pub fn exposure_json(exposures: &[ResourceExposure]) -> Value {
    let mut object = json!({
        "verdict": exposure_verdict(exposures),
        "complete": exposures.iter().all(|exposure| exposure.incomplete.is_none()),
        "resources": exposures.iter().map(resource_json).collect::<Vec<_>>(),
        "solver_checks": exposures.iter().map(|exposure| exposure.solver_checks).sum::<usize>(),
    });
    if let [only] = exposures {
        if let Some(reason) = &only.incomplete {
            object["reason"] = json!(reason.to_string());
        }
    }
    object
}

/// How many resources have findings, and how many searches stopped.
fn counts(exposures: &[ResourceExposure]) -> (usize, usize) {
    (
        exposures
            .iter()
            .filter(|exposure| !exposure.findings.is_empty())
            .count(),
        exposures
            .iter()
            .filter(|exposure| exposure.incomplete.is_some())
            .count(),
    )
}

/// Every resource with findings or an incomplete search, then a count of
/// the contained ones.
pub fn exposure_text(exposures: &[ResourceExposure], zone: &Zone) -> String {
    if let [only] = exposures {
        return resource_text(only, zone);
    }
    let mut text = String::new();
    let contained = exposures
        .iter()
        .filter(|exposure| exposure.findings.is_empty() && exposure.incomplete.is_none())
        .count();
    let (exposed, incomplete) = counts(exposures);
    let _ = writeln!(
        text,
        "{}: {} resources, {exposed} exposed, {contained} contained (proved), {incomplete} incomplete",
        exposure_verdict(exposures),
        exposures.len(),
    );
    for exposure in exposures {
        if !exposure.findings.is_empty() || exposure.incomplete.is_some() {
            let _ = writeln!(text, "\n{}", resource_text(exposure, zone).trim_end());
        }
    }
    text
}

/// One resource's findings for people, then the proof (or why there is
/// none).
fn resource_text(exposure: &ResourceExposure, zone: &Zone) -> String {
    let mut text = String::new();
    let zone_words = {
        let mut parts = vec![format!("accounts {}", zone.accounts.join(", "))];
        if let Some(organization) = &zone.organization_id {
            parts.push(format!("organization {organization}"));
        }
        parts.join(" and ")
    };
    let _ = writeln!(
        text,
        "{}: {} finding(s) of access from outside the zone ({zone_words})",
        exposure.resource,
        exposure.findings.len()
    );
    for finding in &exposure.findings {
        let who = finding.principal.describe();
        let public = if finding.public { " [public]" } else { "" };
        let actions = if finding.actions.is_empty() {
            "actions that do not act on this resource type".to_string()
        } else {
            finding.actions.join(", ")
        };
        let _ = writeln!(text, "\n- {who}{public}: {actions}");
        if !finding.condition_keys.is_empty() {
            let _ = writeln!(
                text,
                "  limited by conditions on: {}",
                finding.condition_keys.join(", ")
            );
        }
        for statement in &finding.statements {
            let _ = writeln!(
                text,
                "  granted by {} statement {}",
                statement.policy, statement.statement
            );
        }
        let _ = writeln!(
            text,
            "  request: {}",
            serde_json::to_string(&request_json(&finding.request)).unwrap_or_default()
        );
    }
    let _ = writeln!(text);
    match &exposure.incomplete {
        None if exposure.findings.is_empty() => {
            let _ = writeln!(text, "no request from outside the zone is allowed (proved)");
        }
        None => {
            let _ = writeln!(
                text,
                "these findings cover every request from outside the zone (proved)"
            );
        }
        Some(reason) => {
            let _ = writeln!(
                text,
                "incomplete: {reason}; more requests from outside may be allowed"
            );
        }
    }
    for approximation in &exposure.approximations {
        let _ = writeln!(text, "approximation: {approximation}");
    }
    text
}

/// One SARIF result per finding, located at its first granting statement
/// (rule `public-access` when the finding is public, else `outside-access`).
pub fn exposure_sarif(exposures: &[ResourceExposure]) -> Value {
    let mut results = Vec::new();
    for exposure in exposures {
        for finding in &exposure.findings {
            let (file, line, column) = match finding.locations.first() {
                Some((file, position)) => (file.clone(), position.line, position.column),
                None => (String::new(), 1, 1),
            };
            let rule = if finding.public {
                "public-access"
            } else {
                "outside-access"
            };
            let actions = if finding.actions.is_empty() {
                "actions that do not act on this resource type".to_string()
            } else {
                finding.actions.join(", ")
            };
            let mut location = super::sarif::physical_location(&file, line, column);
            if file.is_empty() {
                location =
                    json!({ "logicalLocations": [{ "fullyQualifiedName": exposure.resource }] });
            }
            results.push(json!({
                "ruleId": rule,
                "level": "error",
                "message": { "text": format!(
                    "{}: {} may {actions}{}",
                    exposure.resource,
                    finding.principal.describe(),
                    if finding.condition_keys.is_empty() {
                        String::new()
                    } else {
                        format!(" (limited by conditions on {})", finding.condition_keys.join(", "))
                    }
                ) },
                "locations": [location],
                "properties": {
                    "resource": exposure.resource,
                    "principal": {"kind": finding.principal.kind(), "value": finding.principal.value()},
                    "request": request_json(&finding.request),
                },
            }));
        }
    }
    super::sarif::error_rules_log(
        &[
            (
                "outside-access",
                "A principal outside the zone of trust can reach the resource",
            ),
            (
                "public-access",
                "Anyone can reach the resource (public by Amazon S3's definition)",
            ),
        ],
        results,
    )
}

/// A Markdown summary for a review comment: the verdict, then a table of
/// the findings (resource, who, actions, conditions, public).
pub fn exposure_markdown(exposures: &[ResourceExposure]) -> String {
    let mut text = String::new();
    let exposed: Vec<&ResourceExposure> = exposures
        .iter()
        .filter(|exposure| !exposure.findings.is_empty() || exposure.incomplete.is_some())
        .collect();
    let (with_findings, incomplete) = counts(exposures);
    let _ = writeln!(
        text,
        "### iamz exposure: {}\n\n{} resource(s) searched, {with_findings} with findings, {incomplete} incomplete.\n",
        exposure_verdict(exposures),
        exposures.len(),
    );
    if exposed.is_empty() {
        let _ = writeln!(
            text,
            "No request from outside the zone is allowed (proved)."
        );
        return text;
    }
    let _ = writeln!(text, "| Resource | Who | Actions | Limited by | Public |");
    let _ = writeln!(text, "|---|---|---|---|---|");
    let cell = |text: &str| text.replace('|', "\\|");
    for exposure in exposed {
        for finding in &exposure.findings {
            let _ = writeln!(
                text,
                "| `{}` | {} | {} | {} | {} |",
                cell(&exposure.resource),
                cell(&finding.principal.describe()),
                cell(&finding.actions.join(", ")),
                cell(&finding.condition_keys.join(", ")),
                if finding.public { "yes" } else { "no" }
            );
        }
        if let Some(reason) = &exposure.incomplete {
            let _ = writeln!(
                text,
                "| `{}` | incomplete: {} | | | |",
                cell(&exposure.resource),
                cell(&reason.to_string())
            );
        }
    }
    text
}
