//! One policy judged on its own, as the one policy of its layer, and the
//! *aspects* of a decision that comparisons look at.
//!
//! A policy acts among other policies. NEW is no more permissive than OLD in
//! every company of other policies iff, on every request, what NEW allows on
//! its own is within what OLD allows on its own *and* everything OLD
//! explicitly denies NEW denies too. (With a companion that allows
//! everything the first condition is needed, with none the second; together
//! they suffice because the decision is monotone in each layer's allows and
//! antitone in its denies.) A resource policy also decides *how strongly* it
//! names the principal: an account entry only delegates to the account's
//! identity policies, a role or user entry grants by itself, and an entry
//! naming the principal exactly is not limited by its boundary or session
//! policy. Each of these is one aspect.
//!
//! Sources: "Policy evaluation logic"
//! (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html),
//! "Principal" (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html).

use super::decision::{layer_outcome, DecisionTerms, Layer, LayerOutcome, LayerRole};
use super::facts::{request_facts, SetupFacts};
use super::Interpretation;
use crate::policy::{Effect, PolicyDocument, PolicyKind};

/// One aspect of what a side decides.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Aspect {
    /// Whether the request is allowed (a whole setup), or what the policy
    /// allows on its own (an Allow applies and no Deny does).
    Access,
    /// Whether some Deny applies. Alone it only changes the kind of deny;
    /// beside a companion policy that allows the request, it decides access.
    ExplicitDeny,
    /// A resource policy granting by itself (naming the principal, its role,
    /// a service, `*`), not only delegating to the principal's account.
    Grant,
    /// A resource policy naming the principal exactly (user, session, `*`):
    /// not limited by the principal's boundary or session policy.
    ExactGrant,
}

impl Aspect {
    pub fn as_str(self) -> &'static str {
        match self {
            Aspect::Access => "access",
            Aspect::ExplicitDeny => "explicit-deny",
            Aspect::Grant => "grant",
            Aspect::ExactGrant => "exact-grant",
        }
    }
}

/// The value of every aspect on one request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AspectValues<B> {
    pub access: B,
    pub explicit_deny: B,
    pub grant: B,
    pub exact_grant: B,
}

impl<B: Clone> AspectValues<B> {
    pub fn get(&self, aspect: Aspect) -> B {
        match aspect {
            Aspect::Access => self.access.clone(),
            Aspect::ExplicitDeny => self.explicit_deny.clone(),
            Aspect::Grant => self.grant.clone(),
            Aspect::ExactGrant => self.exact_grant.clone(),
        }
    }

    /// The aspects of a whole decision (grants are access there).
    pub fn of_decision(terms: &DecisionTerms<B>) -> Self {
        AspectValues {
            access: terms.allowed.clone(),
            explicit_deny: terms.explicit_deny.clone(),
            grant: terms.allowed.clone(),
            exact_grant: terms.allowed.clone(),
        }
    }
}

/// The role a policy of this kind plays as a layer.
pub fn role_of(kind: PolicyKind) -> LayerRole {
    match kind {
        PolicyKind::Identity => LayerRole::Identity,
        PolicyKind::Resource | PolicyKind::Trust => LayerRole::ResourcePolicy,
        PolicyKind::Scp => LayerRole::ServiceControlPolicies,
        PolicyKind::Rcp => LayerRole::ResourceControlPolicies,
        PolicyKind::Boundary => LayerRole::PermissionsBoundary,
        PolicyKind::Session => LayerRole::SessionPolicy,
        PolicyKind::Endpoint => LayerRole::VpcEndpointPolicy,
    }
}

/// The aspects that decide access for a policy of this kind in some company
/// of other policies. `ExplicitDeny` counts where a layer can hold other
/// policies that allow (identity policies, SCPs and RCPs of one level, the
/// identity side beside a resource policy); a boundary, session or endpoint
/// policy is alone in its layer, so its denies only change the kind of deny.
pub fn access_aspects(kind: PolicyKind) -> &'static [Aspect] {
    match kind {
        PolicyKind::Identity | PolicyKind::Scp | PolicyKind::Rcp => {
            &[Aspect::Access, Aspect::ExplicitDeny]
        }
        PolicyKind::Resource | PolicyKind::Trust => &[
            Aspect::Access,
            Aspect::ExplicitDeny,
            Aspect::Grant,
            Aspect::ExactGrant,
        ],
        PolicyKind::Boundary | PolicyKind::Session | PolicyKind::Endpoint => &[Aspect::Access],
    }
}

/// One policy as the one policy of its layer.
#[derive(Debug, Clone)]
pub struct PolicyAlone<'p> {
    pub kind: PolicyKind,
    pub layer: Layer<'p>,
    /// An SCP or RCP without an Allow statement is judged beside
    /// `FullAWSAccess` / `RCPFullAWSAccess`: on its own it would allow
    /// nothing, and AWS attaches the full-access policy at every level.
    pub beside_full_access: bool,
}

impl<'p> PolicyAlone<'p> {
    /// `full_access` is the full-access policy of the kind's family
    /// (`FullAWSAccess` for SCPs, `RCPFullAWSAccess` for RCPs).
    pub fn new(
        policy: &'p PolicyDocument,
        kind: PolicyKind,
        full_access: &'p PolicyDocument,
    ) -> Self {
        let has_allow = policy
            .statements
            .iter()
            .any(|statement| statement.effect == Effect::Allow);
        let beside_full_access = matches!(kind, PolicyKind::Scp | PolicyKind::Rcp) && !has_allow;
        let mut policies = vec![policy];
        if beside_full_access {
            policies.push(full_access);
        }
        PolicyAlone {
            kind,
            layer: Layer {
                name: kind.name().to_string(),
                role: role_of(kind),
                policies,
                applicability: super::decision::Applicability::Always,
            },
            beside_full_access,
        }
    }

    /// The layer's outcome on the interpretation's request.
    pub fn outcome<I: Interpretation>(
        &self,
        interpretation: &I,
        record_statements: bool,
    ) -> LayerOutcome<I::Bool> {
        let facts = request_facts(interpretation, &SetupFacts::default());
        layer_outcome(interpretation, &self.layer, &facts, record_statements)
    }

    /// Every aspect on the interpretation's request. A call that needs no
    /// permission is allowed and never denied, whatever the policy says.
    pub fn aspects<I: Interpretation>(&self, interpretation: &I) -> AspectValues<I::Bool> {
        let i = interpretation;
        let aspects = aspects_of_outcome(i, &self.outcome(i, false));
        let free = request_facts(i, &SetupFacts::default()).needs_no_permission;
        let allowed = |value: I::Bool| i.or2(free.clone(), value);
        AspectValues {
            access: allowed(aspects.access),
            explicit_deny: i.and2(i.not(free.clone()), aspects.explicit_deny),
            grant: allowed(aspects.grant),
            exact_grant: allowed(aspects.exact_grant),
        }
    }
}

/// The aspects of one layer's outcome: what it allows, denies and grants on
/// its own.
pub fn aspects_of_outcome<I: Interpretation>(
    interpretation: &I,
    outcome: &LayerOutcome<I::Bool>,
) -> AspectValues<I::Bool> {
    let i = interpretation;
    let not_denied = i.not(outcome.denies.clone());
    AspectValues {
        access: i.and2(outcome.allows.clone(), not_denied.clone()),
        explicit_deny: outcome.denies.clone(),
        grant: i.and2(outcome.grants.clone(), not_denied.clone()),
        exact_grant: i.and2(outcome.grants_exactly.clone(), not_denied),
    }
}
