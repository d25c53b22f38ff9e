//! Turning a scenario and a request into a concrete request with its derived
//! context keys (the layers come from `setup.rs`).

use super::setup::arn_account;
use super::{RequestSpec, Scenario};
use crate::request::principal::PrincipalSyntaxError;
use crate::request::{ConcreteRequest, PrincipalKind, RequestPrincipal};

/// Why a request cannot be decided.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ScenarioError {
    #[error("the request has no {0}: give it in the scenario or the request")]
    MissingField(&'static str),
    #[error(transparent)]
    Principal(#[from] PrincipalSyntaxError),
    #[error("`{0}` is not an action (`service:Name`)")]
    InvalidAction(String),
}

/// A concrete request ready for the evaluator.
#[derive(Debug, Clone)]
pub struct ResolvedRequest {
    pub id: Option<String>,
    pub request: ConcreteRequest,
    pub warnings: Vec<String>,
}

impl Scenario {
    /// Resolves the scenario's request, overlaid with `overrides`, into a
    /// concrete request. `now_epoch_seconds` feeds `aws:CurrentTime` when the
    /// context does not give it.
    pub fn resolve(
        &self,
        overrides: &RequestSpec,
        now_epoch_seconds: i64,
    ) -> Result<ResolvedRequest, ScenarioError> {
        let spec = self.request.overlaid_with(overrides);
        let mut warnings = Vec::new();
        let principal_text = spec
            .principal
            .as_deref()
            .ok_or(ScenarioError::MissingField("principal"))?;
        let mut principal = RequestPrincipal::parse(principal_text)?;
        if let (Some(role_arn), PrincipalKind::RoleSession) = (&self.role_arn, principal.kind) {
            principal.role_arn = Some(role_arn.clone());
            principal.is_service_linked_role |= role_arn.contains(":role/aws-service-role/");
        }
        if let Some(linked) = self.service_linked_role {
            principal.is_service_linked_role = linked;
        }
        let action = spec
            .action
            .as_deref()
            .ok_or(ScenarioError::MissingField("action"))?;
        if action != "*" && !action.contains(':') {
            return Err(ScenarioError::InvalidAction(action.to_string()));
        }
        let resource = spec
            .resource
            .as_deref()
            .ok_or(ScenarioError::MissingField("resource"))?;
        let mut request = ConcreteRequest::new(principal, action, resource);
        request.resource_account = spec
            .resource_account
            .clone()
            .or_else(|| arn_account(resource).map(str::to_string));
        if request.resource_account.is_none() {
            if let Some(account) = &request.principal.account {
                warnings.push(format!(
                    "the resource's account is not known (its ARN has none); assumed to be the principal's account {account}: give resource.account to change this"
                ));
                request.resource_account = Some(account.clone());
            }
        }
        for (key, values, multivalued) in &spec.context {
            request.context.set(key, values.clone(), *multivalued);
        }
        warnings.extend(
            self.derived_key_facts()
                .complete(&mut request, now_epoch_seconds),
        );
        Ok(ResolvedRequest {
            id: spec.id.clone(),
            request,
            warnings,
        })
    }
}
