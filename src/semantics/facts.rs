//! The request facts that decide which combination rule holds (same
//! account, identity side, root, whether SCPs and RCPs restrict the
//! request), read off the request by one function over the interpretation's
//! atoms. The concrete evaluator, every query and replay use this function,
//! so a fact cannot mean one thing in `eval` and another in a proof.
//!
//! Sources: "Policy evaluation logic"
//! (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html);
//! SCPs do not restrict the management account nor service-linked roles
//! (https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps.html);
//! RCPs restrict only the services that support them, never service-linked
//! roles (https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps.html).

use super::derived_keys::DerivedKeyFacts;
use super::principal::has_identity_side;
use super::service_rules::{self, RefusalRule};
use super::Interpretation;
use crate::policy::ResourcePattern;
use crate::request::PrincipalKind;
use std::sync::Arc;

/// What a setup fixes about its requests, beside its layers.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SetupFacts {
    /// Whether the resource's policy must allow even within one account,
    /// when the setup says so (the input names the resource's kind);
    /// otherwise read from the request (a KMS key, a role being assumed:
    /// `service_rules::resource_policy_required`).
    pub resource_policy_required: Option<bool>,
    /// Whether the principal is a service-linked role, when the setup says
    /// so; otherwise it is read from the principal's ARN.
    pub service_linked_role: Option<bool>,
    /// The principal has a permissions boundary (NotPrincipal never
    /// excludes such a principal).
    pub principal_has_boundary: bool,
    /// The services whose resources RCPs restrict (sorted lower-case
    /// prefixes, from the catalog).
    pub services_supporting_rcps: Arc<[String]>,
    /// What the context keys AWS derives (organization, tags) are read
    /// from: by `eval` when it completes a request, by the symbolic model
    /// when it binds the same keys.
    pub derived_keys: Arc<DerivedKeyFacts>,
    /// S3 Block Public Access's `RestrictPublicBuckets` holds for the
    /// resource's bucket: the resources it covers (the bucket and its
    /// objects; every bucket when the resource is left open). It closes
    /// them when the setup's resource policy is public
    /// (`Setup::request_facts`; `service_rules::RefusalRule::S3RestrictPublicBuckets`).
    pub restrict_public_buckets: Option<Arc<[ResourcePattern]>>,
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
    /// SCPs can restrict the principal: it is an IAM identity and not a
    /// service-linked role. Each SCP level applies when, in addition, the
    /// principal's account is a member account under that level's node.
    pub service_control_policies_apply: B,
    /// RCPs can restrict the request: the action's service supports RCPs
    /// and the principal is not a service-linked role. Each RCP level
    /// applies when, in addition, the resource's account is a member account
    /// under that level's node.
    pub resource_control_policies_apply: B,
    /// The resource's policy must allow even within one account.
    pub resource_policy_required: B,
    /// The principal has a permissions boundary.
    pub principal_has_boundary: bool,
    /// The request needs no permission: `sts:GetCallerIdentity` (on `*`,
    /// its only resource) by an IAM principal succeeds even where a policy
    /// explicitly denies it
    /// (https://docs.aws.amazon.com/STS/latest/APIReference/API_GetCallerIdentity.html).
    pub needs_no_permission: B,
    /// AWS refuses the call whatever the policies say, by rule
    /// (`service_rules::REFUSALS`).
    pub refusals: Vec<(RefusalRule, B)>,
}

/// The facts of the interpretation's request under a setup's facts alone
/// (no resource policy: `RestrictPublicBuckets` closes nothing).
pub fn request_facts<I: Interpretation>(
    interpretation: &I,
    setup: &SetupFacts,
) -> RequestFacts<I::Bool> {
    request_facts_with(interpretation, setup, None)
}

/// The facts of the interpretation's request; `restricted_public_bucket`
/// the resources S3 Block Public Access closes (the setting holds and the
/// resource policy is public: `Setup::request_facts` decides).
pub fn request_facts_with<I: Interpretation>(
    interpretation: &I,
    setup: &SetupFacts,
    restricted_public_bucket: Option<&[ResourcePattern]>,
) -> RequestFacts<I::Bool> {
    let i = interpretation;
    let identity = has_identity_side(i);
    let service_linked = match setup.service_linked_role {
        Some(fixed) => i.constant(fixed),
        None => i.principal_is_service_linked_role(),
    };
    let not_service_linked = i.not(service_linked);
    RequestFacts {
        same_account: i.and2(identity.clone(), i.principal_in_resource_account()),
        has_identity_side: identity.clone(),
        is_account_root: i.principal_is(PrincipalKind::AccountRoot),
        service_control_policies_apply: i.and2(identity.clone(), not_service_linked.clone()),
        resource_control_policies_apply: i.and2(
            i.action_service_in(&setup.services_supporting_rcps),
            not_service_linked,
        ),
        resource_policy_required: service_rules::resource_policy_required(
            i,
            setup.resource_policy_required,
        ),
        principal_has_boundary: setup.principal_has_boundary,
        needs_no_permission: i.and2(identity.clone(), service_rules::needs_no_permission(i)),
        refusals: service_rules::refusals(i, restricted_public_bucket),
    }
}
