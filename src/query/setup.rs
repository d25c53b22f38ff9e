//! A setup: the layers of policies that decide a request, and how the
//! request facts of the shared semantics (same account, identity side, SCPs
//! apply, …) follow from the request. One rule, two readings: on a concrete
//! request (for replay) and on the symbolic request (for the solver), so
//! they cannot disagree.

use crate::policy::PolicyDocument;
use crate::request::{ConcreteRequest, PrincipalKind};
use crate::semantics::{Layer, LayerRole, RequestFacts};
use crate::symbolic::{RequestModel, Term};

/// How one request fact is obtained.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fact {
    /// Given by the caller (for example: SCPs apply because the principal's
    /// account is a member account).
    Fixed(bool),
    /// Read off the request (see [`FactsRule`] for each fact's definition).
    Derived,
}

/// How the request facts follow from a request.
///
/// Derived definitions: `same_account` — the principal has an account and
/// it is the resource's account; `has_identity_side` — the principal is an
/// IAM user, role session, federated user or account root;
/// `is_account_root` — the principal is an account root;
/// `service_control_policies_apply` — the principal has an identity side and
/// is not a service-linked role; `resource_control_policies_apply` — the
/// principal is not a service-linked role.
#[derive(Debug, Clone)]
pub struct FactsRule {
    pub same_account: Fact,
    pub has_identity_side: Fact,
    pub is_account_root: Fact,
    pub service_control_policies_apply: Fact,
    pub resource_control_policies_apply: Fact,
    pub resource_policy_required: bool,
    /// The principal has a permissions boundary (NotPrincipal never
    /// excludes it).
    pub principal_has_boundary: bool,
}

impl Default for FactsRule {
    /// Everything derived from the request; no KMS/trust requirement; no
    /// boundary.
    fn default() -> Self {
        FactsRule {
            same_account: Fact::Derived,
            has_identity_side: Fact::Derived,
            is_account_root: Fact::Derived,
            service_control_policies_apply: Fact::Derived,
            resource_control_policies_apply: Fact::Derived,
            resource_policy_required: false,
            principal_has_boundary: false,
        }
    }
}

impl FactsRule {
    /// One policy judged alone: as the only granting policy of an IAM
    /// principal in its own account.
    pub fn single_policy() -> FactsRule {
        FactsRule {
            same_account: Fact::Fixed(true),
            has_identity_side: Fact::Fixed(true),
            is_account_root: Fact::Fixed(false),
            service_control_policies_apply: Fact::Fixed(false),
            resource_control_policies_apply: Fact::Fixed(false),
            resource_policy_required: false,
            principal_has_boundary: false,
        }
    }

    /// The facts of a concrete request.
    pub fn concrete(&self, request: &ConcreteRequest) -> RequestFacts<bool> {
        let principal = &request.principal;
        let service_linked = principal.is_service_linked_role;
        let has_identity_side = principal.kind.has_identity_side();
        let read = |fact: Fact, derived: bool| match fact {
            Fact::Fixed(value) => value,
            Fact::Derived => derived,
        };
        RequestFacts {
            same_account: read(
                self.same_account,
                principal.account.is_some() && principal.account == request.resource_account,
            ),
            has_identity_side: read(self.has_identity_side, has_identity_side),
            is_account_root: read(
                self.is_account_root,
                principal.kind == PrincipalKind::AccountRoot,
            ),
            service_control_policies_apply: read(
                self.service_control_policies_apply,
                has_identity_side && !service_linked,
            ),
            resource_control_policies_apply: read(
                self.resource_control_policies_apply,
                !service_linked,
            ),
            resource_policy_required: self.resource_policy_required,
        }
    }

    /// The facts of the symbolic request.
    pub fn symbolic(&self, model: &RequestModel) -> RequestFacts<Term> {
        let principal = &model.principal;
        let service_linked = principal.is_service_linked_role();
        let has_identity_side = principal.has_identity_side();
        let read = |fact: Fact, derived: Term| match fact {
            Fact::Fixed(value) => Term::bool(value),
            Fact::Derived => derived,
        };
        RequestFacts {
            same_account: read(
                self.same_account,
                Term::and([
                    has_identity_side.clone(),
                    principal.account.equals(&model.resource_account),
                ]),
            ),
            has_identity_side: read(self.has_identity_side, has_identity_side.clone()),
            is_account_root: read(
                self.is_account_root,
                principal.is(PrincipalKind::AccountRoot),
            ),
            service_control_policies_apply: read(
                self.service_control_policies_apply,
                has_identity_side.and2(&service_linked.not()),
            ),
            resource_control_policies_apply: read(
                self.resource_control_policies_apply,
                service_linked.not(),
            ),
            resource_policy_required: self.resource_policy_required,
        }
    }
}

/// The policies that decide a request, and how its facts are read.
#[derive(Debug, Clone)]
pub struct Setup<'p> {
    pub layers: Vec<Layer<'p>>,
    pub facts: FactsRule,
}

impl<'p> Setup<'p> {
    pub fn new(layers: Vec<Layer<'p>>, facts: FactsRule) -> Self {
        Setup { layers, facts }
    }

    /// Every policy of every layer.
    pub fn policies(&self) -> Vec<&'p PolicyDocument> {
        self.layers
            .iter()
            .flat_map(|layer| layer.policies.iter().copied())
            .collect()
    }

    /// Whether any layer is a permissions boundary.
    pub fn has_boundary_layer(&self) -> bool {
        self.layers
            .iter()
            .any(|layer| layer.role == LayerRole::PermissionsBoundary)
    }

    /// Whether the principal has a permissions boundary in this setup: set
    /// in the facts, or implied by a boundary layer.
    pub fn principal_has_boundary(&self) -> bool {
        self.facts.principal_has_boundary || self.has_boundary_layer()
    }

    /// The request as this setup sees it (its boundary flag set).
    pub fn view(&self, request: &ConcreteRequest) -> ConcreteRequest {
        let mut request = request.clone();
        request.principal.has_permissions_boundary = self.principal_has_boundary();
        request
    }
}
