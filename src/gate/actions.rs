//! Findings in a reviewer's terms: a set of catalog actions written as
//! `s3:*` where it holds every action of the service and `*` where it holds
//! every action of the catalog, and one sentence per finding.

use super::{ChainKind, GateFinding};
use crate::catalog::Catalog;
use crate::query::Direction;
use std::collections::BTreeMap;

/// `actions` (canonical catalog names), summarised: whole services as
/// `service:*`, the whole catalog as `*`; sorted.
pub fn summarise(actions: &[String]) -> Vec<String> {
    let catalog = Catalog::get();
    if !actions.is_empty() && actions.len() == catalog.action_count() {
        return vec!["*".to_string()];
    }
    let mut by_service: BTreeMap<String, Vec<&String>> = BTreeMap::new();
    for action in actions {
        let service = action.split(':').next().unwrap_or("").to_ascii_lowercase();
        by_service.entry(service).or_default().push(action);
    }
    let mut summary = Vec::new();
    for (service, names) in by_service {
        let whole = catalog
            .service(&service)
            .is_some_and(|known| known.actions().len() == names.len());
        if whole {
            summary.push(format!("{service}:*"));
        } else {
            summary.extend(names.into_iter().cloned());
        }
    }
    summary.sort();
    summary
}

/// `actions` in words: their summary, or, when they are most of the
/// catalog, "every action except" the summary of the rest.
pub fn described(actions: &[String]) -> String {
    let catalog = Catalog::get();
    if actions.len() * 2 > catalog.action_count() && actions.len() < catalog.action_count() {
        let held: std::collections::HashSet<&str> = actions.iter().map(String::as_str).collect();
        let rest: Vec<String> = catalog
            .actions()
            .map(|action| action.full_name())
            .filter(|name| !held.contains(name))
            .map(str::to_string)
            .collect();
        return format!("every action except {}", listed(&summarise(&rest)));
    }
    listed(&summarise(actions))
}

/// Names, at most [`NAMES_IN_SUMMARY`] of them, the rest counted.
fn listed(names: &[String]) -> String {
    let shown: Vec<&str> = names
        .iter()
        .take(NAMES_IN_SUMMARY)
        .map(String::as_str)
        .collect();
    let rest = names.len().saturating_sub(NAMES_IN_SUMMARY);
    match (shown.is_empty(), rest) {
        (true, _) => "actions outside the catalog".to_string(),
        (false, 0) => shown.join(", "),
        (false, rest) => format!("{} and {rest} more", shown.join(", ")),
    }
}

/// At most this many names in a sentence; the rest are counted.
const NAMES_IN_SUMMARY: usize = 8;

/// One sentence: what changes, for whom, on which requests.
pub fn finding_summary(finding: &GateFinding) -> String {
    let verb = match finding.direction {
        Direction::NewAllowsOldDenies => "now allows",
        Direction::OldAllowsNewDenies => "no longer allows",
    };
    let whom = match finding.chain {
        ChainKind::ServiceControlPolicies => "the account's principals",
        ChainKind::ResourceControlPolicies => "requests to the account's resources",
    };
    let chain = match finding.chain {
        ChainKind::ServiceControlPolicies => "SCP chain",
        ChainKind::ResourceControlPolicies => "RCP chain",
    };
    let names = &finding.actions_described;
    let count = if finding.action_count > 1 {
        format!(" ({} actions)", finding.action_count)
    } else {
        String::new()
    };
    let scope = match finding.on_every_request {
        Some(true) => ", on every request".to_string(),
        Some(false) if finding.condition_keys.is_empty() => {
            ", on some requests only (see the request)".to_string()
        }
        Some(false) => format!(
            ", on some requests only: depending on {}",
            finding.condition_keys.join(", ")
        ),
        None => String::new(),
    };
    let subject = match finding.chain {
        ChainKind::ServiceControlPolicies => format!("The {chain} {verb} {whom}"),
        ChainKind::ResourceControlPolicies => format!("The {chain} {verb} {whom} for"),
    };
    format!("{subject} {names}{count}{scope}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_services_are_summarised() {
        let catalog = Catalog::get();
        let sqs: Vec<String> = catalog
            .service("sqs")
            .unwrap()
            .actions()
            .iter()
            .map(|action| action.full_name().to_string())
            .collect();
        let mut actions = sqs.clone();
        actions.push("s3:GetObject".to_string());
        assert_eq!(summarise(&actions), ["s3:GetObject", "sqs:*"]);
        assert_eq!(summarise(&sqs[..1]), [sqs[0].clone()]);
        let everything: Vec<String> = catalog
            .actions()
            .map(|action| action.full_name().to_string())
            .collect();
        assert_eq!(summarise(&everything), ["*"]);
        assert!(summarise(&[]).is_empty());
    }
}
