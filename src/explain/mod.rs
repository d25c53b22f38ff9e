//! `iamz explain`: why the reference evaluator decided a request as it did,
//! layer by layer and statement by statement, and the smallest change that
//! would let a denied request through, checked by the evaluator itself.
//!
//! What this module trusts: the shared semantics (`semantics/`) for every
//! answer, read under the concrete interpretation; `decide`'s own outcomes
//! for which layers and statements applied; `eval::evaluate` for the
//! decision and for the check of every proposed change. It matches and
//! compares nothing itself. See `docs/explain.md` for what is exact and
//! what is approximated.

pub mod dependent_requests;
pub mod smallest_change;
pub mod statement_explanation;
pub mod what_else;

#[cfg(test)]
mod property_tests;

pub use dependent_requests::{dependent_requests, DependentRequest};
pub use smallest_change::{smallest_change, ChangePlan, Edit, ProposedChange};
pub use statement_explanation::{
    explain_statement, ClauseOutcome, ConditionOutcome, Element, MatchStrength, PrincipalOutcome,
    StatementExplanation,
};
pub use what_else::{what_else, AlsoAllowed, AlsoAllowedFinding};

use crate::catalog::Catalog;
use crate::eval::{evaluate, ConcreteInterpretation, Decision, Explanation};
use crate::request::ConcreteRequest;
use crate::semantics::{LayerRole, Setup};
use serde::Serialize;

/// The request as decided (derived keys included), for the report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RequestSummary {
    pub principal: String,
    pub action: String,
    pub resource: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resource_account: Option<String>,
    /// Every context key with its values, in the request's order.
    pub context: Vec<(String, Vec<String>)>,
}

impl RequestSummary {
    fn of(request: &ConcreteRequest) -> Self {
        RequestSummary {
            principal: request.principal.written(),
            action: request.action.clone(),
            resource: request.resource.clone(),
            resource_account: request.resource_account.clone(),
            context: request
                .context
                .entries()
                .map(|entry| (entry.key.to_string(), entry.values.clone()))
                .collect(),
        }
    }
}

/// One layer and its statements.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LayerExplanation {
    pub name: String,
    pub role: &'static str,
    /// The layer takes part in this decision (an SCP level applies only to
    /// its member accounts).
    pub applies: bool,
    /// Some Allow statement applies.
    pub allows: bool,
    /// Some Deny statement applies.
    pub denies: bool,
    pub statements: Vec<StatementExplanation>,
}

/// What `iamz explain` reports.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RequestExplanation {
    pub decision: Decision,
    /// The deciding reason, in one sentence.
    pub reason: String,
    /// The evaluator's explanation (deciding statements, missing allows).
    pub explanation: Explanation,
    pub request: RequestSummary,
    /// Likely mistakes in the request itself (the bucket ARN for an object
    /// action).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub hints: Vec<String>,
    pub layers: Vec<LayerExplanation>,
    /// For a denied request: the smallest change, checked.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub smallest_change: Option<ChangePlan>,
    /// Requests the same call makes or needs besides this one.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub dependent_requests: Vec<DependentRequest>,
}

fn role_name(role: LayerRole) -> &'static str {
    match role {
        LayerRole::Identity => "identity",
        LayerRole::PermissionsBoundary => "permissions-boundary",
        LayerRole::SessionPolicy => "session-policy",
        LayerRole::ServiceControlPolicies => "service-control-policies",
        LayerRole::ResourceControlPolicies => "resource-control-policies",
        LayerRole::VpcEndpointPolicy => "vpc-endpoint-policy",
        LayerRole::ResourcePolicy => "resource-policy",
    }
}

/// The action's resource types as the catalog documents them, when the
/// request names a resource of none of them.
fn resource_type_hint(request: &ConcreteRequest) -> Option<String> {
    let action = Catalog::get().action(&request.action)?;
    if request.resource == "*" || action.fits_resource(&request.resource) {
        return None;
    }
    let types: Vec<String> = action
        .resource_types()
        .iter()
        .map(|resource_type| {
            format!(
                "{} ({})",
                resource_type.name(),
                resource_type.arn_templates().join(", ")
            )
        })
        .collect();
    if types.is_empty() {
        return Some(format!(
            "{} acts on no resource type: its requests name the resource `*`, not {}",
            action.full_name(),
            request.resource
        ));
    }
    Some(format!(
        "{} acts on {}; the request names {}, which fits none of them",
        action.full_name(),
        types.join("; "),
        request.resource
    ))
}

fn reason(decision: Decision, explanation: &Explanation) -> String {
    let statements = || {
        explanation
            .deciding_statements
            .iter()
            .map(|statement| {
                format!(
                    "{} `{}` statement {}",
                    statement.layer, statement.policy, statement.statement
                )
            })
            .collect::<Vec<_>>()
            .join(", ")
    };
    match decision {
        Decision::Allow if explanation.needs_no_permission => {
            "allowed: the call needs no permission".to_string()
        }
        Decision::Allow => format!("allowed by {}", statements()),
        Decision::ExplicitDeny => format!("explicitly denied by {}", statements()),
        Decision::ImplicitDeny => match explanation.refused_by {
            Some(rule) => format!("refused by AWS: {}", rule.describe()),
            None => format!(
                "implicitly denied: no Allow applies in {}",
                explanation.missing_allows.join(", ")
            ),
        },
    }
}

/// Explains the decision on a concrete request under a setup.
pub fn explain(setup: &Setup<'_>, request: &ConcreteRequest) -> RequestExplanation {
    let evaluated = evaluate(setup, request);
    let interpretation = ConcreteInterpretation::new(request);
    let (terms, facts) = setup.decide_with_statements(&interpretation);
    let layers = setup
        .layers
        .iter()
        .zip(&terms.layer_outcomes)
        .map(|(layer, outcome)| LayerExplanation {
            name: layer.name.clone(),
            role: role_name(layer.role),
            applies: outcome.applies,
            allows: outcome.allows,
            denies: outcome.denies,
            statements: outcome
                .statements
                .iter()
                .map(|statement| {
                    let policy = layer.policies[statement.policy];
                    explain_statement(
                        request,
                        &policy.name,
                        &policy.statements[statement.statement],
                        statement.applies,
                        layer.weakest_match(),
                        facts.principal_has_boundary,
                    )
                })
                .collect(),
        })
        .collect::<Vec<_>>();
    let mut hints: Vec<String> = resource_type_hint(request).into_iter().collect();
    for layer in &layers {
        for statement in &layer.statements {
            if let Some(hint) = statement
                .resource
                .as_ref()
                .and_then(|resource| resource.hint.as_ref())
            {
                if !hints.contains(hint) {
                    hints.push(hint.clone());
                }
            }
        }
    }
    let smallest_change = smallest_change(setup, request, &evaluated);
    RequestExplanation {
        decision: evaluated.decision,
        reason: reason(evaluated.decision, &evaluated.explanation),
        explanation: evaluated.explanation,
        request: RequestSummary::of(request),
        hints,
        layers,
        smallest_change,
        dependent_requests: Vec::new(),
    }
}
