//! Rules AWS applies outside policies, service by service: calls that need
//! no permission, calls AWS refuses whatever the policies say (from some
//! principals, or on resources AWS owns), and the resources whose own
//! policy must allow even within one account. Data plus a few functions
//! over the interpretation's atoms (action and resource patterns, the
//! principal's kind), read by `request_facts`, so that the reference
//! evaluator, every query and replay apply the same rules. Nothing
//! service-specific lives elsewhere in the semantics.
//!
//! Each rule names its AWS page beside its data.

use super::Interpretation;
use crate::policy::{ActionPattern, ResourcePattern};
use crate::request::PrincipalKind;
use std::sync::OnceLock;

/// The calls AWS answers without any permission, even when denied, on the
/// resource `*` (they act on none): "No permissions are required to
/// perform this operation"
/// (https://docs.aws.amazon.com/STS/latest/APIReference/API_GetCallerIdentity.html).
pub const CALLS_WITHOUT_PERMISSION: [&str; 1] = ["sts:GetCallerIdentity"];

/// Why AWS refuses a call whatever the policies say.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum RefusalRule {
    /// "You cannot use AWS account root user credentials to call
    /// AssumeRole" (https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html);
    /// the session tags and source identity set with it ride on that call.
    RootCannotAssumeRole,
    /// "AWS managed policies cannot be edited"
    /// (https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_manage-edit-api.html):
    /// no customer creates, versions, deletes or tags a policy under
    /// `arn:…:iam::aws:policy/`.
    AwsManagedPolicy,
    /// "The alias/aws/ prefix is reserved for AWS managed key"
    /// (https://docs.aws.amazon.com/kms/latest/developerguide/alias-create.html):
    /// no customer creates, updates or deletes such an alias.
    AwsManagedKeyAlias,
    /// S3 Block Public Access, `RestrictPublicBuckets`: "restricts access
    /// to an access point or bucket with a public policy to only AWS service
    /// principals and authorized users within the bucket owner's account
    /// and access point owner's account. This setting blocks all
    /// cross-account access"
    /// (https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html).
    /// Public: `public_policy::policy_is_public`.
    S3RestrictPublicBuckets,
}

impl RefusalRule {
    /// What the rule says, for explanations.
    pub fn describe(self) -> &'static str {
        match self {
            RefusalRule::RootCannotAssumeRole => {
                "the root user cannot assume a role (AWS refuses the call from root credentials)"
            }
            RefusalRule::AwsManagedPolicy => {
                "AWS managed policies cannot be created, changed, deleted or tagged by customers"
            }
            RefusalRule::AwsManagedKeyAlias => {
                "aliases under alias/aws/ belong to AWS managed keys: customers cannot create, update or delete them"
            }
            RefusalRule::S3RestrictPublicBuckets => {
                "S3 Block Public Access (RestrictPublicBuckets): the bucket's policy is public, so only AWS services and the bucket owner's own account get in"
            }
        }
    }
}

/// A call AWS refuses: by whom (any principal when `None`), which actions,
/// on which resources (any when empty).
struct Refusal {
    rule: RefusalRule,
    principal: Option<PrincipalKind>,
    actions: &'static [&'static str],
    resources: &'static [&'static str],
}

const REFUSALS: [Refusal; 3] = [
    Refusal {
        rule: RefusalRule::RootCannotAssumeRole,
        principal: Some(PrincipalKind::AccountRoot),
        actions: &["sts:AssumeRole", "sts:TagSession", "sts:SetSourceIdentity"],
        resources: &[],
    },
    Refusal {
        rule: RefusalRule::AwsManagedPolicy,
        principal: None,
        actions: &[
            "iam:CreatePolicy",
            "iam:CreatePolicyVersion",
            "iam:DeletePolicy",
            "iam:DeletePolicyVersion",
            "iam:SetDefaultPolicyVersion",
            "iam:TagPolicy",
            "iam:UntagPolicy",
        ],
        resources: &["arn:*:iam::aws:policy/*"],
    },
    Refusal {
        rule: RefusalRule::AwsManagedKeyAlias,
        principal: None,
        actions: &["kms:CreateAlias", "kms:UpdateAlias", "kms:DeleteAlias"],
        resources: &["arn:*:kms:*:*:alias/aws/*"],
    },
];

/// The actions that assume a role, or ride on assuming one: on a role, its
/// trust policy must allow even within one account
/// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html#principal-roles,
/// https://docs.aws.amazon.com/IAM/latest/UserGuide/id_session-tags.html).
pub const ROLE_ASSUMING_ACTIONS: [&str; 5] = [
    "sts:AssumeRole",
    "sts:AssumeRoleWithWebIdentity",
    "sts:AssumeRoleWithSAML",
    "sts:TagSession",
    "sts:SetSourceIdentity",
];

/// Resources whose own policy must allow every request, also within one
/// account, whatever the action: KMS keys ("Every KMS key must have exactly
/// one key policy", and without its permission "IAM policies that allow
/// permissions have no effect",
/// https://docs.aws.amazon.com/kms/latest/developerguide/key-policies.html).
const RESOURCES_WITH_REQUIRED_POLICY: [&str; 1] = ["arn:*:kms:*:*:key/*"];

/// IAM roles, whose trust policy must allow the [`ROLE_ASSUMING_ACTIONS`].
const ROLES: [&str; 1] = ["arn:*:iam::*:role/*"];

/// A [`Refusal`] with its patterns compiled.
struct CompiledRefusal {
    rule: RefusalRule,
    principal: Option<PrincipalKind>,
    actions: Vec<ActionPattern>,
    resources: Vec<ResourcePattern>,
}

/// The patterns of this module, compiled once.
struct Compiled {
    calls_without_permission: Vec<ActionPattern>,
    no_resource: ResourcePattern,
    refusals: Vec<CompiledRefusal>,
    role_assuming_actions: Vec<ActionPattern>,
    resources_with_required_policy: Vec<ResourcePattern>,
    roles: Vec<ResourcePattern>,
}

fn compiled() -> &'static Compiled {
    static COMPILED: OnceLock<Compiled> = OnceLock::new();
    COMPILED.get_or_init(|| {
        let actions = |names: &[&str]| names.iter().map(|name| ActionPattern::new(name)).collect();
        let resources = |patterns: &[&str]| {
            patterns
                .iter()
                .map(|pattern| ResourcePattern::new(pattern, true))
                .collect()
        };
        Compiled {
            calls_without_permission: actions(&CALLS_WITHOUT_PERMISSION),
            // `${*}`: the literal resource `*`, not a wildcard.
            no_resource: ResourcePattern::new("${*}", true),
            refusals: REFUSALS
                .iter()
                .map(|refusal| CompiledRefusal {
                    rule: refusal.rule,
                    principal: refusal.principal,
                    actions: actions(refusal.actions),
                    resources: resources(refusal.resources),
                })
                .collect(),
            role_assuming_actions: actions(&ROLE_ASSUMING_ACTIONS),
            resources_with_required_policy: resources(&RESOURCES_WITH_REQUIRED_POLICY),
            roles: resources(&ROLES),
        }
    })
}

/// Every action pattern the rules of this module read: actions matching
/// the same patterns (and the same policy patterns) are decided alike.
pub fn action_patterns() -> impl Iterator<Item = &'static ActionPattern> {
    let rules = compiled();
    rules
        .calls_without_permission
        .iter()
        .chain(
            rules
                .refusals
                .iter()
                .flat_map(|refusal| refusal.actions.iter()),
        )
        .chain(&rules.role_assuming_actions)
}

/// The request is a call without permission (see
/// [`CALLS_WITHOUT_PERMISSION`]), on `*`. Only IAM principals make it.
pub fn needs_no_permission<I: Interpretation>(interpretation: &I) -> I::Bool {
    let i = interpretation;
    let rules = compiled();
    // Cheapest test first: the concrete interpretation stops at the first
    // false, and most requests are not these calls.
    let parts: [&dyn Fn() -> I::Bool; 2] = [
        &|| {
            i.any_of(&rules.calls_without_permission, |pattern| {
                i.action_matches(pattern)
            })
        },
        &|| i.resource_matches(&rules.no_resource),
    ];
    i.all_of(&parts, |part| part())
}

/// For each refusal rule, whether it refuses the request.
pub fn refusals<I: Interpretation>(
    interpretation: &I,
    restricted_public_bucket: Option<&[ResourcePattern]>,
) -> Vec<(RefusalRule, I::Bool)> {
    let i = interpretation;
    let mut refusals: Vec<(RefusalRule, I::Bool)> = compiled()
        .refusals
        .iter()
        .map(|refusal| {
            let CompiledRefusal {
                rule,
                principal,
                actions,
                resources,
            } = refusal;
            // The action first: it rules most requests out.
            let parts: [&dyn Fn() -> I::Bool; 3] = [
                &|| i.any_of(actions, |pattern| i.action_matches(pattern)),
                &|| match principal {
                    Some(kind) => i.principal_is(*kind),
                    None => i.constant(true),
                },
                &|| {
                    if resources.is_empty() {
                        i.constant(true)
                    } else {
                        i.any_of(resources, |pattern| i.resource_matches(pattern))
                    }
                },
            ];
            (*rule, i.all_of(&parts, |part| part()))
        })
        .collect();
    if let Some(bucket) = restricted_public_bucket {
        // On the bucket (or its objects), from anyone but a service or an
        // IAM principal of the bucket owner's account.
        let parts: [&dyn Fn() -> I::Bool; 3] = [
            &|| i.any_of(bucket, |pattern| i.resource_matches(pattern)),
            &|| i.not(i.principal_is(PrincipalKind::Service)),
            &|| {
                i.not(i.and2(
                    super::principal::has_identity_side(i),
                    i.principal_in_resource_account(),
                ))
            },
        ];
        refusals.push((
            RefusalRule::S3RestrictPublicBuckets,
            i.all_of(&parts, |part| part()),
        ));
    }
    refusals
}

/// The resource's own policy must allow the request even within one
/// account: `fixed` when the input names the resource's kind, otherwise
/// read from the request (a KMS key's ARN; a role's ARN under an action
/// that assumes it).
pub fn resource_policy_required<I: Interpretation>(
    interpretation: &I,
    fixed: Option<bool>,
) -> I::Bool {
    let i = interpretation;
    if let Some(fixed) = fixed {
        return i.constant(fixed);
    }
    let rules = compiled();
    let key = || {
        i.any_of(&rules.resources_with_required_policy, |pattern| {
            i.resource_matches(pattern)
        })
    };
    let assumed_role = || {
        let parts: [&dyn Fn() -> I::Bool; 2] = [
            &|| {
                i.any_of(&rules.role_assuming_actions, |pattern| {
                    i.action_matches(pattern)
                })
            },
            &|| i.any_of(&rules.roles, |pattern| i.resource_matches(pattern)),
        ];
        i.all_of(&parts, |part| part())
    };
    let cases: [&dyn Fn() -> I::Bool; 2] = [&key, &assumed_role];
    i.any_of(&cases, |case| case())
}

/// The resource is an IAM role by its ARN: its policy is a trust policy.
pub fn is_role_arn(arn: &str) -> bool {
    let mut parts = arn.splitn(6, ':');
    matches!(
        (parts.next(), parts.next(), parts.next(), parts.next(), parts.next(), parts.next()),
        (Some("arn"), Some(_), Some("iam"), Some(""), Some(_), Some(resource)) if resource.starts_with("role/")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn role_arns_are_recognised() {
        assert!(is_role_arn("arn:aws:iam::111111111111:role/Dev"));
        assert!(is_role_arn("arn:aws-cn:iam::111111111111:role/team/Dev"));
        assert!(!is_role_arn("arn:aws:iam::111111111111:user/alice"));
        assert!(!is_role_arn("arn:aws:sts::111111111111:assumed-role/Dev/s"));
        assert!(!is_role_arn("*"));
    }
}
