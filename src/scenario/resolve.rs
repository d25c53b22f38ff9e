//! Turning a scenario and a request into a concrete request with its derived
//! context keys (the layers come from `setup.rs`).

use super::setup::arn_account;
use super::{RequestSpec, Scenario};
use crate::request::principal::PrincipalSyntaxError;
use crate::request::{ConcreteRequest, PrincipalKind, RequestPrincipal};
use crate::semantics::derived_keys::DerivedKeyFacts;

/// Why a request cannot be decided.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ScenarioError {
    #[error("the request has no {0}: give it in the scenario or the request")]
    MissingField(&'static str),
    #[error(transparent)]
    Principal(#[from] PrincipalSyntaxError),
    #[error("`{0}` is not an action (`service:Name`)")]
    InvalidAction(String),
    #[error("resource_account `{0}` is not an account ID (exactly 12 digits)")]
    InvalidAccount(String),
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
        self.resolve_with(overrides, now_epoch_seconds, &self.derived_key_facts())
    }

    /// [`Scenario::resolve`] with the scenario's derived-key facts made once
    /// by the caller, for a stream of requests.
    pub fn resolve_with(
        &self,
        overrides: &RequestSpec,
        now_epoch_seconds: i64,
        derived_key_facts: &DerivedKeyFacts,
    ) -> Result<ResolvedRequest, ScenarioError> {
        // The scenario's request with `overrides` laid over it, read field
        // by field rather than merged into a copy (a stream of requests
        // resolves one per line).
        let defaults = &self.request;
        let field = |given: &'_ Option<String>, default: &'_ Option<String>| -> Option<String> {
            given.as_ref().or(default.as_ref()).cloned()
        };
        let mut warnings = Vec::new();
        let principal_text = overrides
            .principal
            .as_deref()
            .or(defaults.principal.as_deref())
            .ok_or(ScenarioError::MissingField("principal"))?;
        let mut principal = parse_principal_memoized(principal_text)?;
        if let (Some(role_arn), PrincipalKind::RoleSession) = (&self.role_arn, principal.kind) {
            principal.role_arn = Some(role_arn.clone());
            principal.is_service_linked_role |= role_arn.contains(":role/aws-service-role/");
        }
        if let Some(linked) = self.service_linked_role {
            principal.is_service_linked_role = linked;
        }
        let action = overrides
            .action
            .as_deref()
            .or(defaults.action.as_deref())
            .ok_or(ScenarioError::MissingField("action"))?;
        if action != "*" && !action.contains(':') {
            return Err(ScenarioError::InvalidAction(action.to_string()));
        }
        let resource = overrides
            .resource
            .as_deref()
            .or(defaults.resource.as_deref())
            .ok_or(ScenarioError::MissingField("resource"))?;
        let mut request = ConcreteRequest::new(principal, action, resource);
        request.resource_account = field(&overrides.resource_account, &defaults.resource_account)
            .or_else(|| arn_account(resource).map(str::to_string));
        if let Some(account) = request
            .resource_account
            .as_deref()
            .filter(|account| !crate::policy::parse::is_account_id(account))
        {
            return Err(ScenarioError::InvalidAccount(account.to_string()));
        }
        if request.resource_account.is_none() {
            if let Some(account) = &request.principal.account {
                warnings.push(format!(
                    "the resource's account is not known (its ARN has none); assumed to be the principal's account {account}: give resource.account to change this"
                ));
                request.resource_account = Some(account.clone());
            }
        }
        // The scenario's context keys first, then the request's (a key
        // given by both keeps the request's values, in the request's place:
        // what `RequestSpec::overlaid_with` gives).
        for (key, values, multivalued) in &defaults.context {
            let overridden = overrides
                .context
                .iter()
                .any(|(given, _, _)| given.eq_ignore_ascii_case(key));
            if !overridden {
                request.context.set(key, values.clone(), *multivalued);
            }
        }
        for (key, values, multivalued) in &overrides.context {
            request.context.set(key, values.clone(), *multivalued);
        }
        warnings.extend(derived_key_facts.complete(&mut request, now_epoch_seconds));
        Ok(ResolvedRequest {
            id: field(&overrides.id, &defaults.id),
            request,
            warnings,
        })
    }
}

/// [`RequestPrincipal::parse`], keeping the last principal parsed on this
/// thread: a stream of requests mostly asks for the scenario's own.
fn parse_principal_memoized(text: &str) -> Result<RequestPrincipal, PrincipalSyntaxError> {
    thread_local! {
        static LAST: std::cell::RefCell<Option<(String, RequestPrincipal)>> = const { std::cell::RefCell::new(None) };
    }
    LAST.with(|last| {
        let mut last = last.borrow_mut();
        if let Some((_, principal)) = last.as_ref().filter(|(written, _)| written == text) {
            return Ok(principal.clone());
        }
        let principal = RequestPrincipal::parse(text)?;
        *last = Some((text.to_string(), principal.clone()));
        Ok(principal)
    })
}
