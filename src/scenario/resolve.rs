//! Turning a scenario and a request into what the semantics decides: the
//! layers of policies for the principal's and the resource's accounts, the
//! request facts, and the concrete request with its derived context keys.

use super::derived_keys::derive_keys;
use super::{RequestSpec, Scenario, SERVICES_SUPPORTING_RCPS};
use crate::policy::pattern::split_arn;
use crate::request::principal::PrincipalSyntaxError;
use crate::request::{ConcreteRequest, PrincipalKind, RequestPrincipal};
use crate::semantics::{Applicability, Layer, LayerRole, RequestFacts};

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
    pub facts: RequestFacts<bool>,
    pub warnings: Vec<String>,
}

impl Scenario {
    /// The layers that apply to a principal of `principal_account` acting on
    /// a resource of `resource_account`, in a fixed order.
    pub fn layers(
        &self,
        principal_account: Option<&str>,
        resource_account: Option<&str>,
    ) -> Vec<Layer<'_>> {
        let mut layers = vec![Layer {
            name: "identity".to_string(),
            role: LayerRole::Identity,
            policies: self
                .identity_policies
                .iter()
                .map(|policy| policy.as_ref())
                .collect(),
            applicability: Applicability::Always,
        }];
        fn single<'s>(
            name: &str,
            role: LayerRole,
            policy: &'s crate::policy::PolicyDocument,
        ) -> Layer<'s> {
            Layer {
                name: name.to_string(),
                role,
                policies: vec![policy],
                applicability: Applicability::Always,
            }
        }
        if let Some(boundary) = &self.permissions_boundary {
            layers.push(single("boundary", LayerRole::PermissionsBoundary, boundary));
        }
        if let Some(session) = &self.session_policy {
            layers.push(single("session", LayerRole::SessionPolicy, session));
        } else if self.principal_is_federated_user() {
            // A GetFederationToken session without a session policy has no
            // permissions (https://docs.aws.amazon.com/STS/latest/APIReference/API_GetFederationToken.html):
            // an empty session layer bounds it to nothing.
            layers.push(Layer {
                name: "session".to_string(),
                role: LayerRole::SessionPolicy,
                policies: Vec::new(),
                applicability: Applicability::Always,
            });
        }
        if let Some(organization) = &self.organization {
            let path_of = |account: Option<&str>| {
                account
                    .and_then(|account| organization.path_to(account))
                    .unwrap_or_default()
            };
            for node in path_of(principal_account) {
                layers.push(Layer {
                    name: format!("scp:{}", node.label()),
                    role: LayerRole::ServiceControlPolicies,
                    policies: node.scps.iter().map(|policy| policy.as_ref()).collect(),
                    applicability: Applicability::WhenServiceControlPoliciesApply,
                });
            }
            for node in path_of(resource_account) {
                layers.push(Layer {
                    name: format!("rcp:{}", node.label()),
                    role: LayerRole::ResourceControlPolicies,
                    policies: node.rcps.iter().map(|policy| policy.as_ref()).collect(),
                    applicability: Applicability::WhenResourceControlPoliciesApply,
                });
            }
        }
        if let Some(endpoint) = &self.vpc_endpoint_policy {
            layers.push(single("endpoint", LayerRole::VpcEndpointPolicy, endpoint));
        }
        if let Some(resource_policy) = &self.resource_policy {
            layers.push(single(
                "resource",
                LayerRole::ResourcePolicy,
                resource_policy,
            ));
        }
        layers
    }

    /// The scenario's principal is a federated user (`sts::…:federated-user/…`).
    pub fn principal_is_federated_user(&self) -> bool {
        self.principal
            .as_deref()
            .and_then(|text| RequestPrincipal::parse(text).ok())
            .is_some_and(|principal| principal.kind == PrincipalKind::FederatedUser)
    }

    /// The facts of a concrete request.
    pub fn facts(&self, request: &ConcreteRequest) -> RequestFacts<bool> {
        let principal = &request.principal;
        let service_linked = self
            .service_linked_role
            .unwrap_or(principal.is_service_linked_role);
        let member = |account: Option<&str>| match (&self.organization, account) {
            (Some(organization), Some(account)) => organization.is_member_account(account),
            _ => false,
        };
        let action_service = request
            .action_lowercase
            .split(':')
            .next()
            .unwrap_or_default();
        RequestFacts {
            same_account: principal.account.is_some()
                && principal.account == request.resource_account,
            has_identity_side: principal.kind.has_identity_side(),
            is_account_root: principal.kind == PrincipalKind::AccountRoot,
            service_control_policies_apply: principal.kind.has_identity_side()
                && member(principal.account.as_deref())
                && !service_linked,
            resource_control_policies_apply: member(request.resource_account.as_deref())
                && SERVICES_SUPPORTING_RCPS.contains(&action_service)
                && !service_linked,
            resource_policy_required: self.resource_kind.resource_policy_required(),
        }
    }

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
        principal.has_permissions_boundary = self.permissions_boundary.is_some();
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
        request.resource_account = spec.resource_account.clone().or_else(|| {
            split_arn(resource)
                .map(|components| components[4])
                .filter(|account| {
                    account.len() == 12 && account.bytes().all(|byte| byte.is_ascii_digit())
                })
                .map(str::to_string)
        });
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
        let derived = derive_keys(
            &request,
            self.organization.as_ref(),
            &self.principal_tags,
            &self.resource_tags,
            now_epoch_seconds,
        );
        for (key, values, multivalued) in derived {
            match request.context.get(&key.to_ascii_lowercase()) {
                Some(given) => {
                    // Defaults, not derivations: giving another value is normal.
                    let default_only = ["aws:CurrentTime", "aws:EpochTime", "aws:SecureTransport"]
                        .iter()
                        .any(|default_key| key.eq_ignore_ascii_case(default_key));
                    if given.values != values && !default_only {
                        warnings.push(format!(
                            "context key {key} is given as {:?} but the request implies {:?}; the given value is used",
                            given.values, values
                        ));
                    }
                }
                None => request.context.set(&key, values, multivalued),
            }
        }
        let facts = self.facts(&request);
        Ok(ResolvedRequest {
            id: spec.id.clone(),
            request,
            facts,
            warnings,
        })
    }
}
