//! How the layers of policies combine into a decision.
//!
//! Source: "Policy evaluation logic"
//! (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html),
//! "Cross-account policy evaluation logic"
//! (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic-cross-account.html),
//! and the SCP/RCP evaluation pages of AWS Organizations.
//!
//! An applicable Deny in any layer wins. Otherwise every bounding layer that
//! applies (each SCP level, each RCP level, the VPC endpoint policy, the
//! permissions boundary, the session policy; the resource policy across
//! accounts; KMS key and role trust policies always) must allow, and some
//! granting path must allow: in one account an identity policy or the
//! resource policy; across accounts both sides. A resource policy naming the
//! IAM user or session ARN itself is not limited by the implicit deny of a
//! boundary or session policy; naming the role or the account, it is.

use super::statement::policy_has_applicable;
use super::{Interpretation, PrincipalMatchStrength};
use crate::policy::{Effect, PolicyDocument};

/// The part a layer plays in the decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum LayerRole {
    /// Identity-based policies of the principal (granting).
    Identity,
    /// The principal's permissions boundary (bounding).
    PermissionsBoundary,
    /// The session policy (bounding).
    SessionPolicy,
    /// One level of SCPs: root, an OU, or the account (bounding).
    ServiceControlPolicies,
    /// One level of RCPs (bounding).
    ResourceControlPolicies,
    /// The VPC endpoint policy (bounding).
    VpcEndpointPolicy,
    /// The resource-based policy: granting in one account, bounding across
    /// accounts (and always for KMS keys and role trust).
    ResourcePolicy,
}

/// Facts about the request that decide which combination rule holds.
#[derive(Debug, Clone)]
pub struct RequestFacts<B> {
    /// The principal and the resource belong to the same account.
    pub same_account: B,
    /// The principal is an IAM identity with policies of its own (not
    /// anonymous, not a service principal, not a federated web identity
    /// before it assumes a role).
    pub has_identity_side: B,
    /// The principal is its account's root user: identity policies do not
    /// apply to it, it has every permission its SCPs allow.
    pub is_account_root: B,
    /// The principal's SCPs restrict it: its account is a member account
    /// (not the management account) and it is not a service-linked role.
    pub service_control_policies_apply: B,
    /// The resource's RCPs restrict the request: the resource's account is a
    /// member account and the principal is not a service-linked role.
    pub resource_control_policies_apply: B,
    /// The resource is a KMS key or an IAM role (trust policy): its policy
    /// must allow even within one account.
    pub resource_policy_required: bool,
}

/// When a layer takes part in a decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Applicability {
    Always,
    /// SCP levels: when `service_control_policies_apply`.
    WhenServiceControlPoliciesApply,
    /// RCP levels: when `resource_control_policies_apply`.
    WhenResourceControlPoliciesApply,
}

/// One layer: its name for explanations, its role, its policies, and when it
/// applies (an SCP level does not apply to a management-account principal).
#[derive(Debug, Clone)]
pub struct Layer<'p> {
    /// `identity`, `boundary`, `session`, `scp:ou-prod`, `rcp:root`, `endpoint`, `resource`.
    pub name: String,
    pub role: LayerRole,
    pub policies: Vec<&'p PolicyDocument>,
    pub applicability: Applicability,
}

impl Layer<'_> {
    /// Whether the layer applies, given the request facts.
    pub fn applies<B: Clone>(&self, facts: &RequestFacts<B>, always: B) -> B {
        match self.applicability {
            Applicability::Always => always,
            Applicability::WhenServiceControlPoliciesApply => {
                facts.service_control_policies_apply.clone()
            }
            Applicability::WhenResourceControlPoliciesApply => {
                facts.resource_control_policies_apply.clone()
            }
        }
    }
}

/// What one layer says about the request.
#[derive(Debug, Clone)]
pub struct LayerOutcome<B> {
    /// The layer takes part in this decision.
    pub applies: B,
    /// Some applicable Deny statement in the layer.
    pub denies: B,
    /// Some Allow statement applies (principals matched at any strength).
    pub allows: B,
    /// For the resource policy: an Allow whose principal match grants.
    pub grants: B,
    /// For the resource policy: an Allow naming the principal itself.
    pub grants_exactly: B,
}

/// The decision as two truth values plus each layer's outcome.
#[derive(Debug, Clone)]
pub struct DecisionTerms<B> {
    pub explicit_deny: B,
    /// Allowed (implies no explicit deny).
    pub allowed: B,
    pub layer_outcomes: Vec<LayerOutcome<B>>,
}

fn evaluate_layer<I: Interpretation>(
    interpretation: &I,
    layer: &Layer<'_>,
    facts: &RequestFacts<I::Bool>,
) -> LayerOutcome<I::Bool> {
    let applies = layer.applies(facts, interpretation.constant(true));
    let any_policy = |effect: Effect, strength: PrincipalMatchStrength| {
        interpretation.any_of(&layer.policies, |policy| {
            policy_has_applicable(interpretation, policy, effect, strength)
        })
    };
    // In a VPC endpoint policy an account principal means that account's
    // root user only, not every principal of the account
    // (https://docs.aws.amazon.com/vpc/latest/privatelink/vpc-endpoints-access.html):
    // matching at Grant strength leaves out account delegation.
    let weakest = if layer.role == LayerRole::VpcEndpointPolicy {
        PrincipalMatchStrength::Grant
    } else {
        PrincipalMatchStrength::Delegation
    };
    let denies = any_policy(Effect::Deny, weakest);
    let allows = any_policy(Effect::Allow, weakest);
    let (grants, grants_exactly) = if layer.role == LayerRole::ResourcePolicy {
        (
            any_policy(Effect::Allow, PrincipalMatchStrength::Grant),
            any_policy(Effect::Allow, PrincipalMatchStrength::Exact),
        )
    } else {
        (allows.clone(), allows.clone())
    };
    LayerOutcome {
        denies: interpretation.and2(applies.clone(), denies),
        applies,
        allows,
        grants,
        grants_exactly,
    }
}

/// Decides a request under the given layers.
pub fn decide<I: Interpretation>(
    interpretation: &I,
    layers: &[Layer<'_>],
    facts: &RequestFacts<I::Bool>,
) -> DecisionTerms<I::Bool> {
    let outcomes: Vec<LayerOutcome<I::Bool>> = layers
        .iter()
        .map(|layer| evaluate_layer(interpretation, layer, facts))
        .collect();
    let indices: Vec<usize> = (0..layers.len()).collect();
    let explicit_deny = interpretation.any_of(&indices, |&index| outcomes[index].denies.clone());

    // A bounding layer that applies must allow.
    let bounded_by = |roles: &[LayerRole]| {
        interpretation.all_of(&indices, |&index| {
            let layer = &layers[index];
            if roles.contains(&layer.role) {
                let skipped = interpretation.not(outcomes[index].applies.clone());
                interpretation.or2(skipped, outcomes[index].allows.clone())
            } else {
                interpretation.constant(true)
            }
        })
    };
    let organization_and_network = bounded_by(&[
        LayerRole::ServiceControlPolicies,
        LayerRole::ResourceControlPolicies,
        LayerRole::VpcEndpointPolicy,
    ]);
    let boundary_and_session =
        bounded_by(&[LayerRole::PermissionsBoundary, LayerRole::SessionPolicy]);

    let resource_side = |select: fn(&LayerOutcome<I::Bool>) -> &I::Bool| {
        interpretation.any_of(&indices, |&index| {
            if layers[index].role == LayerRole::ResourcePolicy {
                interpretation.and2(
                    outcomes[index].applies.clone(),
                    select(&outcomes[index]).clone(),
                )
            } else {
                interpretation.constant(false)
            }
        })
    };
    let resource_allows = resource_side(|outcome| &outcome.allows);
    let resource_grants = resource_side(|outcome| &outcome.grants);
    let resource_grants_exactly = resource_side(|outcome| &outcome.grants_exactly);

    let identity_allows = interpretation.any_of(&indices, |&index| {
        if layers[index].role == LayerRole::Identity {
            interpretation.and2(
                outcomes[index].applies.clone(),
                outcomes[index].allows.clone(),
            )
        } else {
            interpretation.constant(false)
        }
    });
    // The root user needs no identity policy.
    let identity_allows = interpretation.or2(facts.is_account_root.clone(), identity_allows);

    // One account: the resource policy naming the principal itself, or the
    // principal's own limits and some grant.
    let same_account_granted = interpretation.or2(
        resource_grants_exactly,
        interpretation.and2(
            boundary_and_session.clone(),
            interpretation.or2(identity_allows.clone(), resource_grants.clone()),
        ),
    );
    let same_account_granted = if facts.resource_policy_required {
        interpretation.and2(same_account_granted, resource_allows.clone())
    } else {
        same_account_granted
    };
    // Across accounts: both sides.
    let cross_account_granted = interpretation.and2(
        interpretation.and2(boundary_and_session, identity_allows),
        resource_allows,
    );
    let identity_principal_granted = interpretation.if_then_else(
        facts.same_account.clone(),
        same_account_granted,
        cross_account_granted,
    );
    // Anonymous and service principals have only the resource side.
    let granted = interpretation.if_then_else(
        facts.has_identity_side.clone(),
        identity_principal_granted,
        resource_grants,
    );

    let allowed = interpretation.and2(
        interpretation.not(explicit_deny.clone()),
        interpretation.and2(organization_and_network, granted),
    );
    DecisionTerms {
        explicit_deny,
        allowed,
        layer_outcomes: outcomes,
    }
}
