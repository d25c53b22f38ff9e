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

use super::facts::RequestFacts;
use super::statement::{policy_has_applicable, statement_applies};
use super::{Interpretation, PrincipalMatchStrength};
use crate::policy::{Effect, PolicyDocument};
use crate::request::PrincipalKind;
use std::sync::Arc;

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

/// When a layer takes part in a decision.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Applicability {
    Always,
    /// Only for principals of this kind (the empty session layer of a
    /// federated user).
    PrincipalIs(PrincipalKind),
    /// One SCP level: when SCPs can restrict the principal
    /// (`service_control_policies_apply`) and the principal's account is one
    /// of these member accounts (those under the level's node; sorted).
    ServiceControlPolicies {
        member_accounts: Arc<[String]>,
    },
    /// One RCP level: when RCPs can restrict the request
    /// (`resource_control_policies_apply`) and the resource's account is one
    /// of these member accounts (sorted).
    ResourceControlPolicies {
        member_accounts: Arc<[String]>,
    },
}

/// One layer: its name for explanations, its role, its policies, and when it
/// applies (an SCP level applies only to principals of the member accounts
/// under its node).
#[derive(Debug, Clone)]
pub struct Layer<'p> {
    /// `identity`, `boundary`, `session`, `scp:ou-prod`, `rcp:root`, `endpoint`, `resource`.
    pub name: String,
    pub role: LayerRole,
    pub policies: Vec<&'p PolicyDocument>,
    pub applicability: Applicability,
}

impl Layer<'_> {
    /// Whether the layer applies to the interpretation's request.
    pub fn applies<I: Interpretation>(
        &self,
        interpretation: &I,
        facts: &RequestFacts<I::Bool>,
    ) -> I::Bool {
        match &self.applicability {
            Applicability::Always => interpretation.constant(true),
            Applicability::PrincipalIs(kind) => interpretation.principal_is(*kind),
            Applicability::ServiceControlPolicies { member_accounts } => interpretation.and2(
                facts.service_control_policies_apply.clone(),
                interpretation.principal_account_in(member_accounts),
            ),
            Applicability::ResourceControlPolicies { member_accounts } => interpretation.and2(
                facts.resource_control_policies_apply.clone(),
                interpretation.resource_account_in(member_accounts),
            ),
        }
    }

    /// The weakest principal match that counts as naming the principal in
    /// this layer. In a VPC endpoint policy an account principal means that
    /// account's root user only, not every principal of the account
    /// (https://docs.aws.amazon.com/vpc/latest/privatelink/vpc-endpoints-access.html):
    /// matching at Grant strength leaves out account delegation.
    pub fn weakest_match(&self) -> PrincipalMatchStrength {
        if self.role == LayerRole::VpcEndpointPolicy {
            PrincipalMatchStrength::Grant
        } else {
            PrincipalMatchStrength::Delegation
        }
    }
}

/// Whether one statement applied, as `decide` computed it.
#[derive(Debug, Clone)]
pub struct StatementOutcome<B> {
    /// Index of the policy in its layer.
    pub policy: usize,
    /// Index of the statement in its policy.
    pub statement: usize,
    pub effect: Effect,
    /// The statement applies, its principal matched at the layer's weakest
    /// strength.
    pub applies: B,
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
    /// Each statement's outcome, when `decide_with_statements` was asked
    /// for them (empty otherwise). `denies` and `allows` are exactly the
    /// disjunctions of these.
    pub statements: Vec<StatementOutcome<B>>,
}

/// The decision as two truth values plus each layer's outcome.
#[derive(Debug, Clone)]
pub struct DecisionTerms<B> {
    pub explicit_deny: B,
    /// Allowed (implies no explicit deny).
    pub allowed: B,
    pub layer_outcomes: Vec<LayerOutcome<B>>,
}

/// What one layer says about the request on its own (also used to judge a
/// single policy alone).
pub fn layer_outcome<I: Interpretation>(
    interpretation: &I,
    layer: &Layer<'_>,
    facts: &RequestFacts<I::Bool>,
    record_statements: bool,
) -> LayerOutcome<I::Bool> {
    let i = interpretation;
    let applies = layer.applies(i, facts);
    let boundary = facts.principal_has_boundary;
    let any_policy = |effect: Effect, strength: PrincipalMatchStrength| {
        i.any_of(&layer.policies, |policy| {
            policy_has_applicable(i, policy, effect, strength, boundary)
        })
    };
    let weakest = layer.weakest_match();
    let mut statements = Vec::new();
    let (denies, allows) = if record_statements {
        for (policy_index, policy) in layer.policies.iter().enumerate() {
            for (statement_index, statement) in policy.statements.iter().enumerate() {
                statements.push(StatementOutcome {
                    policy: policy_index,
                    statement: statement_index,
                    effect: statement.effect,
                    applies: statement_applies(i, statement, weakest, boundary),
                });
            }
        }
        let of_effect = |effect: Effect| {
            i.any_of(&statements, |outcome| {
                if outcome.effect == effect {
                    outcome.applies.clone()
                } else {
                    i.constant(false)
                }
            })
        };
        (of_effect(Effect::Deny), of_effect(Effect::Allow))
    } else {
        (
            any_policy(Effect::Deny, weakest),
            any_policy(Effect::Allow, weakest),
        )
    };
    let (grants, grants_exactly) = if layer.role == LayerRole::ResourcePolicy {
        (
            any_policy(Effect::Allow, PrincipalMatchStrength::Grant),
            any_policy(Effect::Allow, PrincipalMatchStrength::Exact),
        )
    } else {
        (allows.clone(), allows.clone())
    };
    LayerOutcome {
        denies: i.and2(applies.clone(), denies),
        applies,
        allows,
        grants,
        grants_exactly,
        statements,
    }
}

/// Decides a request under the given layers.
pub fn decide<I: Interpretation>(
    interpretation: &I,
    layers: &[Layer<'_>],
    facts: &RequestFacts<I::Bool>,
) -> DecisionTerms<I::Bool> {
    decide_layers(interpretation, layers, facts, false)
}

/// Decides a request and keeps every statement's outcome in its layer's
/// outcome (what explanations read).
pub fn decide_with_statements<I: Interpretation>(
    interpretation: &I,
    layers: &[Layer<'_>],
    facts: &RequestFacts<I::Bool>,
) -> DecisionTerms<I::Bool> {
    decide_layers(interpretation, layers, facts, true)
}

fn decide_layers<I: Interpretation>(
    interpretation: &I,
    layers: &[Layer<'_>],
    facts: &RequestFacts<I::Bool>,
    record_statements: bool,
) -> DecisionTerms<I::Bool> {
    let outcomes: Vec<LayerOutcome<I::Bool>> = layers
        .iter()
        .map(|layer| layer_outcome(interpretation, layer, facts, record_statements))
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
    let same_account_granted = interpretation.and2(
        same_account_granted,
        interpretation.or2(
            interpretation.not(facts.resource_policy_required.clone()),
            resource_allows.clone(),
        ),
    );
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
    // A call AWS refuses is never allowed; a call that needs no permission
    // is allowed whatever the policies say.
    let refused = interpretation.any_of(&facts.refusals, |(_, refused)| refused.clone());
    let allowed = interpretation.and2(interpretation.not(refused), allowed);
    let free = facts.needs_no_permission.clone();
    DecisionTerms {
        explicit_deny: interpretation.and2(interpretation.not(free.clone()), explicit_deny),
        allowed: interpretation.or2(free, allowed),
        layer_outcomes: outcomes,
    }
}
