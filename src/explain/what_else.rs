//! What else a proposed change allows, beyond the request it was made for.
//!
//! The change plan is applied to the setup (the same replay that checks
//! it), and the comparison engine enumerates every action on which the
//! changed setup allows what the original denies — for the request's own
//! principal on the request's own resource, over every value of every key
//! the request may carry. Each finding is a class of actions with one
//! request replayed on both setups, and whether the change allows those
//! actions on every such request or only on some. When the enumeration
//! ends, the findings cover everything the change adds within that scope
//! (the solver proves nothing else is left); otherwise the answer says it
//! is incomplete and why.
//!
//! The scope is fixed to the principal and the resource because the setup
//! is theirs: its identity policies belong to this principal and its
//! resource policy to this resource, so a request by anyone else, or on
//! anything else, would be judged with policies that are not its own.
//!
//! Trusts `query::enumerate_differences` (search, replay, coverage) and
//! the plan's replay in `smallest_change`.

use super::smallest_change::{ChangePlan, Edit, Patched};
use super::RequestSummary;
use crate::catalog::Catalog;
use crate::query::{
    enumerate_differences, ComparedSide, Direction, QueryError, QueryOptions, RequestConstraints,
    RestrictedRequests,
};
use crate::request::ConcreteRequest;
use crate::semantics::Setup;
use serde::Serialize;

/// Classes of actions enumerated at most.
const FINDING_LIMIT: usize = 24;

/// What the change allows beyond the explained request.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AlsoAllowed {
    /// The requests compared, in words.
    pub scope: String,
    /// The actions the change newly allows, by class.
    pub findings: Vec<AlsoAllowedFinding>,
    /// `None`: the findings cover everything the change adds within the
    /// scope (proved, under `approximations`); otherwise why the list may
    /// be incomplete.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub incomplete: Option<String>,
    /// When non-empty, the coverage holds only under these approximations
    /// of the encoding.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub approximations: Vec<String>,
    /// The change also denies requests the setup allowed (a change that
    /// adds Allow statements or narrows a Deny never should).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub narrows: bool,
}

/// One class of actions the change newly allows.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AlsoAllowedFinding {
    /// Catalog actions that act on the resource (sorted); actions of the
    /// class that do not are left out: no such request reaches AWS.
    pub actions: Vec<String>,
    /// The class holds the explained request's own action: the change
    /// allows it on other requests too (other key values).
    pub includes_this_action: bool,
    /// The change allows these actions on every request of the scope
    /// (`Some(true)`), on some only (`Some(false)`), or the solver could
    /// not tell (`None`).
    pub on_every_request: Option<bool>,
    /// One request the change newly allows, replayed on both setups.
    pub example: RequestSummary,
}

/// `setup` without the values its scenario's request gives for keys the
/// request itself carries: in a comparison those are fixed facts, but here
/// they are this request's values, and the question is what the change
/// allows with any. Given values that describe the principal, the
/// resource or the organization stay: the requests are still this
/// principal's, on this resource.
fn open_context<'p>(setup: &Setup<'p>, request: &ConcreteRequest) -> Setup<'p> {
    let mut facts = setup.facts.clone();
    facts.derived_keys = std::sync::Arc::new(facts.derived_keys.without_request_values(request));
    Setup::new(setup.layers.clone(), facts)
}

/// Whether any change of the plan edits a policy (a change of the request
/// alone allows nothing new).
fn edits_policies(plan: &ChangePlan) -> bool {
    plan.changes
        .iter()
        .any(|change| !matches!(change.edit, Edit::SendRequestWith { .. }))
}

/// What `plan`, applied to `setup`, allows beyond `request`; `None` when
/// the plan changes no policy or does not apply.
pub fn what_else(
    setup: &Setup<'_>,
    request: &ConcreteRequest,
    plan: &ChangePlan,
    options: &QueryOptions,
) -> Result<Option<AlsoAllowed>, QueryError> {
    if !edits_policies(plan) {
        return Ok(None);
    }
    let Some(patched) = Patched::replayed(setup, request, &plan.changes) else {
        return Ok(None);
    };
    let (original, changed) = (
        open_context(setup, request),
        open_context(&patched.setup(), request),
    );
    let principal = request.principal.written();
    let constraints = RequestConstraints {
        principal_is: Some(principal.clone()),
        principal_account: request.principal.account.clone(),
        principal_kinds: Some(vec![request.principal.kind]),
        resource_is: Some(request.resource.clone()),
        resource_account: request.resource_account.clone(),
        ..RequestConstraints::default()
    };
    let (original, changed) = (ComparedSide::Setup(original), ComparedSide::Setup(changed));
    let differences = enumerate_differences(
        &original,
        &changed,
        &constraints,
        options,
        RestrictedRequests::Any,
        FINDING_LIMIT,
    )?;
    // The catalog's own test (an action without resource types takes `*`).
    let acts_on_resource = |action: &String| {
        Catalog::get()
            .action(action)
            .is_some_and(|known| known.fits_resource(&request.resource))
    };
    let own_action = Catalog::get()
        .action(&request.action)
        .map(|action| action.full_name().to_string())
        .unwrap_or_else(|| request.action.clone());
    let mut findings = Vec::new();
    let mut narrowed = false;
    for class in differences.classes {
        if class.direction != Direction::NewAllowsOldDenies {
            // Adding an Allow or leaving requests out of a Deny never
            // narrows; the answer says so if this one did.
            narrowed = true;
            continue;
        }
        let includes_this_action = class.actions.contains(&own_action)
            || class.example.request.action_lowercase == request.action_lowercase;
        let actions: Vec<String> = class.actions.into_iter().filter(acts_on_resource).collect();
        if actions.is_empty() && !includes_this_action {
            continue;
        }
        // The example, with an action that acts on the resource when the
        // solver's does not: replayed again, on both setups.
        let mut example = class.example.request;
        let fits = |action: &str| {
            Catalog::get()
                .action(action)
                .is_some_and(|known| actions.iter().any(|kept| kept == known.full_name()))
        };
        if !actions.is_empty() && !fits(&example.action) {
            if let Some(moved) = actions.iter().find_map(|action| {
                let mut candidate = example.clone();
                candidate.action = action.clone();
                candidate.action_lowercase = action.to_ascii_lowercase();
                (changed.replay(&candidate).aspects.access
                    && !original.replay(&candidate).aspects.access)
                    .then_some(candidate)
            }) {
                example = moved;
            }
        }
        findings.push(AlsoAllowedFinding {
            actions,
            includes_this_action,
            on_every_request: class.on_every_request,
            example: RequestSummary::of(&example),
        });
    }
    Ok(Some(AlsoAllowed {
        scope: format!(
            "requests by {principal} on {}, with any values of the keys a request carries",
            request.resource
        ),
        findings,
        incomplete: differences.incomplete.map(|reason| reason.to_string()),
        approximations: differences.approximations,
        narrows: narrowed,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::explain::explain;
    use crate::scenario::{Scenario, SetupScope};
    use crate::source::JsonSource;

    /// The explanation's plan for the scenario's request, with what else it
    /// allows.
    fn plan_of(scenario: &str) -> ChangePlan {
        let source = JsonSource::from_text(scenario, "scenario.json", std::path::Path::new("."))
            .unwrap_or_else(|error| panic!("{error}"));
        let scenario = Scenario::from_source(&source).unwrap_or_else(|error| panic!("{error}"));
        let resolved = scenario
            .resolve(&Default::default(), 1_790_000_000)
            .unwrap_or_else(|error| panic!("{error}"));
        let request = &resolved.request;
        let setup = scenario.setup(&SetupScope::of_request(request));
        let mut plan = explain(&setup, request)
            .smallest_change
            .expect("the request is denied");
        assert!(plan.checked, "{plan:#?}");
        plan.also_allows = what_else(&setup, request, &plan, &QueryOptions::default())
            .unwrap_or_else(|error| panic!("{error}"));
        plan
    }

    #[test]
    fn an_exception_to_a_deny_also_allows_what_the_deny_held_back() {
        // The Deny keys on a tag of the principal, which no request can
        // change: the exception leaves this role out of the whole Deny, so
        // every object action the identity policy allows comes back.
        let plan = plan_of(
            r#"{"principal": {"arn": "arn:aws:sts::111111111111:assumed-role/App/worker",
                "tags": {"team": "web"},
                "identity_policies": [{"Version": "2012-10-17", "Statement": [
                    {"Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:ListBucket"], "Resource": "*"},
                    {"Effect": "Deny", "Action": "s3:*", "Resource": "*",
                     "Condition": {"StringNotEquals": {"aws:PrincipalTag/team": "data"}}}]}]},
               "resource": {"arn": "arn:aws:s3:::data-bucket/report.csv", "account": "111111111111"},
               "request": {"action": "s3:GetObject"}}"#,
        );
        let also = plan.also_allows.expect("the plan edits a policy");
        assert_eq!(also.incomplete, None, "{also:#?}");
        assert!(!also.narrows);
        let actions: Vec<&str> = also
            .findings
            .iter()
            .flat_map(|finding| finding.actions.iter().map(String::as_str))
            .collect();
        // s3:ListBucket acts on buckets, not on this object.
        assert_eq!(
            actions,
            ["s3:DeleteObject", "s3:GetObject", "s3:PutObject"],
            "{also:#?}"
        );
        assert!(also
            .findings
            .iter()
            .all(|finding| finding.on_every_request == Some(true)));
        assert!(also
            .findings
            .iter()
            .any(|finding| finding.includes_this_action));
    }

    #[test]
    fn an_exact_allow_under_a_condition_allows_the_action_on_some_requests_only() {
        // The boundary gains an exact statement; the identity policy still
        // asks for the corporate network, so the change allows this action
        // only on requests from there.
        let plan = plan_of(
            r#"{"principal": {"arn": "arn:aws:iam::111111111111:user/alice",
                "identity_policies": [{"Version": "2012-10-17", "Statement": [
                    {"Effect": "Allow", "Action": "s3:*", "Resource": "*",
                     "Condition": {"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}}}]}],
                "permissions_boundary": {"Version": "2012-10-17", "Statement": [
                    {"Effect": "Allow", "Action": "s3:List*", "Resource": "*"}]}},
               "resource": {"arn": "arn:aws:s3:::reports/q3.csv", "account": "111111111111"},
               "request": {"action": "s3:GetObject", "context": {"aws:SourceIp": "203.0.113.7"}}}"#,
        );
        let also = plan.also_allows.expect("the plan edits a policy");
        assert_eq!(also.incomplete, None, "{also:#?}");
        assert_eq!(also.findings.len(), 1, "{also:#?}");
        let finding = &also.findings[0];
        assert_eq!(finding.actions, ["s3:GetObject"]);
        assert!(finding.includes_this_action);
        assert_eq!(finding.on_every_request, Some(false));
    }

    #[test]
    fn a_change_of_the_request_alone_allows_nothing_new() {
        let plan = plan_of(
            r#"{"principal": {"arn": "arn:aws:iam::111111111111:user/alice",
                "identity_policies": [{"Version": "2012-10-17", "Statement": [
                    {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"},
                    {"Effect": "Deny", "Action": "*", "Resource": "*",
                     "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]}]},
               "resource": {"arn": "arn:aws:s3:::reports/q3.csv", "account": "111111111111"},
               "request": {"action": "s3:GetObject", "context": {"aws:SecureTransport": "false"}}}"#,
        );
        assert!(plan
            .changes
            .iter()
            .all(|change| matches!(change.edit, Edit::SendRequestWith { .. })));
        assert_eq!(plan.also_allows, None);
    }
}
