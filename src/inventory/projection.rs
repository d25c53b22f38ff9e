//! A scenario is one projection of the inventory: one principal and one
//! resource, with every policy that applies to them. This is the one
//! function every question uses to turn inventory data into the setting of
//! a request (`Scenario`, which `Scenario::setup` turns into layers).
//!
//! - A user's identity policies are its inline and attached policies and
//!   those of each of its groups; a role's are its inline and attached
//!   policies ("Identity-based policies",
//!   https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_identity-vs-resource.html).
//!   The permissions boundary, tags and path come with them; a role's
//!   service-linked flag follows from its path.
//! - The resource brings its policy, tags and account: a bucket's policy
//!   also governs its objects (`arn:aws:s3:::bucket/key`), a Lambda
//!   function's policy its versions and aliases (`…:function:name:alias`),
//!   and an IAM role as a resource is its trust policy. Its kind is not
//!   fixed: as for a scenario that names none, it follows from the ARN and
//!   each request's action (`semantics::service_rules`), which is what the
//!   inventory knows of it too.
//! - The organization comes whole; the scenario's setup picks the SCP and
//!   RCP chains per request.
//!
//! What the inventory cannot supply (a principal outside it, a policy it
//! could not resolve, a resource it does not hold whose service has
//! resource policies) is a warning in the scenario, never a silent gap.
//!
//! Trusts the inventory's indexes; the scenario's own code decides.

use super::{Inventory, Role, User};
use crate::policy::json::SourcePosition;
use crate::policy::pattern::split_arn;
use crate::policy::{Diagnostic, PolicyDocument, SourceLocation};
use crate::request::principal::PrincipalSyntaxError;
use crate::request::{PrincipalKind, RequestPrincipal};
use crate::scenario::Scenario;
use indexmap::IndexMap;
use std::sync::Arc;

/// Why a principal cannot be projected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProjectionError {
    #[error(transparent)]
    Principal(#[from] PrincipalSyntaxError),
    #[error("the inventory holds account {account}, but no user `{name}` in it ({arn})")]
    UnknownUser {
        arn: String,
        account: String,
        name: String,
    },
    #[error("the inventory holds account {account}, but no role `{name}` in it ({arn})")]
    UnknownRole {
        arn: String,
        account: String,
        name: String,
    },
    #[error("{arn}: the inventory has this {kind}, but on path {actual_path}, not {given_path}")]
    WrongPath {
        arn: String,
        kind: &'static str,
        given_path: String,
        actual_path: String,
    },
}

/// What the principal side of a projection holds.
#[derive(Default)]
struct PrincipalSide {
    principal: Option<String>,
    role_arn: Option<String>,
    identity_policies: Vec<Arc<PolicyDocument>>,
    permissions_boundary: Option<Arc<PolicyDocument>>,
    tags: IndexMap<String, String>,
    service_linked_role: Option<bool>,
}

impl Inventory {
    /// The S3 Block Public Access settings that hold for a resource: its
    /// bucket's and its account's, combined (none for other kinds).
    pub fn block_public_access_of(
        &self,
        resource: &super::Resource,
    ) -> Option<super::BlockPublicAccess> {
        if resource.resource_type != super::ResourceType::S3Bucket {
            return None;
        }
        let account = self
            .account(&resource.account)
            .and_then(|account| account.block_public_access);
        match (resource.block_public_access, account) {
            (Some(bucket), Some(account)) => Some(bucket.combined(&account)),
            (bucket, account) => bucket.or(account),
        }
    }

    /// The scenario of `principal` (an IAM user, role or assumed-role ARN,
    /// an account root, a service principal, `federated:…` or `anonymous`)
    /// asking about `resource` (an ARN, or `*`). Requests overlaid on it
    /// give the action and context.
    pub fn scenario(&self, principal: &str, resource: &str) -> Result<Scenario, ProjectionError> {
        let mut warnings = Vec::new();
        let side = self.principal_side(principal, &mut warnings)?;
        let mut scenario = Scenario {
            organization: self.organization.clone(),
            principal: side.principal.clone(),
            role_arn: side.role_arn,
            identity_policies: side.identity_policies,
            permissions_boundary: side.permissions_boundary,
            principal_tags: side.tags,
            service_linked_role: side.service_linked_role,
            ..Scenario::empty(&self.source)
        };
        scenario.request.principal = side.principal;
        self.resource_side(resource, &mut scenario, &mut warnings);
        scenario.warnings = warnings;
        Ok(scenario)
    }

    fn principal_side(
        &self,
        text: &str,
        warnings: &mut Vec<Diagnostic>,
    ) -> Result<PrincipalSide, ProjectionError> {
        let principal = RequestPrincipal::parse(text)?;
        let mut side = PrincipalSide {
            principal: Some(principal.written()),
            ..PrincipalSide::default()
        };
        if !principal.kind.has_identity_side() {
            return Ok(side);
        }
        let Some(account_id) = principal.account.as_deref() else {
            return Ok(side);
        };
        let Some(account) = self
            .accounts
            .get(account_id)
            .filter(|account| account.iam_collected)
        else {
            if principal.kind != PrincipalKind::AccountRoot {
                warnings.push(self.note(
                    "principal-outside-inventory",
                    format!(
                        "{text}: the inventory has no IAM data for account {account_id}; the principal is projected without identity policies, boundary or tags"
                    ),
                ));
            }
            return Ok(side);
        };
        match principal.kind {
            PrincipalKind::IamUser => {
                let user = self.find_user(text)?;
                self.user_side(user, &mut side, warnings);
            }
            PrincipalKind::RoleSession => {
                let role = match &principal.session_arn {
                    // An assumed-role ARN names the role without its path.
                    Some(_) => {
                        let name = principal.name.clone().unwrap_or_default();
                        account
                            .roles
                            .get(&name)
                            .ok_or_else(|| ProjectionError::UnknownRole {
                                arn: text.to_string(),
                                account: account_id.to_string(),
                                name,
                            })?
                    }
                    None => self.find_role(text)?,
                };
                if principal.session_arn.is_none() {
                    side.principal = Some(role.arn.clone());
                }
                self.role_side(role, &mut side, warnings);
            }
            // The account root and federated users carry no IAM policies
            // of their own in the inventory.
            _ => {}
        }
        Ok(side)
    }

    fn find_user(&self, arn: &str) -> Result<&User, ProjectionError> {
        if let Some(user) = self.user(arn) {
            return Ok(user);
        }
        let parts = super::split_iam_arn(arn);
        let (account, name, path) = parts
            .map(|parts| {
                (
                    parts.account.to_string(),
                    parts.name.to_string(),
                    parts.path,
                )
            })
            .unwrap_or_default();
        match self
            .accounts
            .get(&account)
            .and_then(|holder| holder.users.get(&name))
        {
            Some(user) => Err(ProjectionError::WrongPath {
                arn: arn.to_string(),
                kind: "user",
                given_path: path,
                actual_path: user.path.clone(),
            }),
            None => Err(ProjectionError::UnknownUser {
                arn: arn.to_string(),
                account,
                name,
            }),
        }
    }

    fn find_role(&self, arn: &str) -> Result<&Role, ProjectionError> {
        if let Some(role) = self.role(arn) {
            return Ok(role);
        }
        let (account, name, path) = super::split_iam_arn(arn)
            .map(|parts| {
                (
                    parts.account.to_string(),
                    parts.name.to_string(),
                    parts.path,
                )
            })
            .unwrap_or_default();
        match self.role_named(&account, &name) {
            Some(role) => Err(ProjectionError::WrongPath {
                arn: arn.to_string(),
                kind: "role",
                given_path: path,
                actual_path: role.path.clone(),
            }),
            None => Err(ProjectionError::UnknownRole {
                arn: arn.to_string(),
                account,
                name,
            }),
        }
    }

    fn user_side(&self, user: &User, side: &mut PrincipalSide, warnings: &mut Vec<Diagnostic>) {
        let account = super::split_iam_arn(&user.arn)
            .map(|parts| parts.account.to_string())
            .unwrap_or_default();
        let mut seen_managed = std::collections::HashSet::new();
        side.identity_policies.extend(
            user.inline_policies
                .iter()
                .map(|policy| policy.document.clone()),
        );
        self.attach(
            &account,
            &user.attached_policies,
            &mut seen_managed,
            side,
            warnings,
        );
        for group_name in &user.groups {
            let group = self
                .accounts
                .get(&account)
                .and_then(|holder| holder.groups.get(group_name));
            let Some(group) = group else {
                warnings.push(self.note_at(
                    &user.provenance,
                    "unknown-group",
                    format!(
                        "user {} is in group `{group_name}`, which account {account} does not list; its policies are left out",
                        user.arn
                    ),
                ));
                continue;
            };
            side.identity_policies.extend(
                group
                    .inline_policies
                    .iter()
                    .map(|policy| policy.document.clone()),
            );
            self.attach(
                &account,
                &group.attached_policies,
                &mut seen_managed,
                side,
                warnings,
            );
        }
        side.permissions_boundary = user
            .permissions_boundary
            .as_ref()
            .and_then(|boundary| self.boundary(&account, boundary, warnings));
        side.tags = user.tags.clone();
    }

    fn role_side(&self, role: &Role, side: &mut PrincipalSide, warnings: &mut Vec<Diagnostic>) {
        let account = super::split_iam_arn(&role.arn)
            .map(|parts| parts.account.to_string())
            .unwrap_or_default();
        let mut seen_managed = std::collections::HashSet::new();
        side.identity_policies.extend(
            role.inline_policies
                .iter()
                .map(|policy| policy.document.clone()),
        );
        self.attach(
            &account,
            &role.attached_policies,
            &mut seen_managed,
            side,
            warnings,
        );
        side.permissions_boundary = role
            .permissions_boundary
            .as_ref()
            .and_then(|boundary| self.boundary(&account, boundary, warnings));
        side.tags = role.tags.clone();
        side.role_arn = Some(role.arn.clone());
        side.service_linked_role = Some(role.is_service_linked());
    }

    /// Adds the documents of attached managed policies, each once (a user
    /// and its group may attach the same one).
    fn attach(
        &self,
        account: &str,
        attachments: &[super::AttachedPolicy],
        seen: &mut std::collections::HashSet<String>,
        side: &mut PrincipalSide,
        warnings: &mut Vec<Diagnostic>,
    ) {
        for attachment in attachments {
            if !seen.insert(attachment.arn.clone()) {
                continue;
            }
            match self.managed_policy(account, &attachment.arn) {
                Some(policy) => side.identity_policies.push(policy.policy.document.clone()),
                None => warnings.push(self.note_at(
                    &attachment.provenance,
                    "unresolved-managed-policy",
                    format!(
                        "attached managed policy {} is not in the inventory; it is left out",
                        attachment.arn
                    ),
                )),
            }
        }
    }

    fn boundary(
        &self,
        account: &str,
        boundary: &super::AttachedPolicy,
        warnings: &mut Vec<Diagnostic>,
    ) -> Option<Arc<PolicyDocument>> {
        let resolved = self.managed_policy(account, &boundary.arn);
        if resolved.is_none() {
            warnings.push(self.note_at(
                &boundary.provenance,
                "unresolved-permissions-boundary",
                format!(
                    "the permissions boundary {} is not in the inventory; the principal is projected without a boundary, so it may be granted more than AWS would allow",
                    boundary.arn
                ),
            ));
        }
        resolved.map(|policy| policy.policy.document.clone())
    }

    fn resource_side(
        &self,
        resource: &str,
        scenario: &mut Scenario,
        warnings: &mut Vec<Diagnostic>,
    ) {
        scenario.request.resource = Some(resource.to_string());
        if resource == "*" {
            return;
        }
        if let Some(role) = self.role(resource) {
            scenario.resource_policy = role
                .trust_policy
                .as_ref()
                .map(|policy| policy.document.clone());
            scenario.resource_tags = role.tags.clone();
            scenario.request.resource_account =
                super::split_iam_arn(&role.arn).map(|parts| parts.account.to_string());
            if role.trust_policy.is_none() {
                warnings.push(self.note_at(
                    &role.provenance,
                    "missing-trust-policy",
                    format!("role {} has no trust policy in the inventory", role.arn),
                ));
            }
            return;
        }
        let held = self
            .resource(resource)
            .or_else(|| governing_resource_arn(resource).and_then(|arn| self.resource(&arn)));
        match held {
            Some(held) => {
                scenario.resource_policy =
                    held.policy.as_ref().map(|policy| policy.document.clone());
                scenario.resource_tags = held.tags.clone();
                scenario.request.resource_account = Some(held.account.clone());
                scenario.block_public_access = self.block_public_access_of(held);
            }
            None => {
                let service = split_arn(resource)
                    .map(|parts| parts[2])
                    .unwrap_or_default();
                let has_resource_policies =
                    matches!(
                        service,
                        "s3" | "kms" | "lambda" | "sqs" | "sns" | "secretsmanager" | "ecr"
                    ) || crate::semantics::service_rules::is_role_arn(resource);
                if has_resource_policies {
                    warnings.push(self.note(
                        "resource-outside-inventory",
                        format!(
                            "{resource}: the inventory holds no such resource, so its resource policy (if any) is unknown; it is projected without one"
                        ),
                    ));
                }
            }
        }
    }

    fn note(&self, code: &'static str, message: String) -> Diagnostic {
        Diagnostic {
            location: SourceLocation {
                file: self.source.clone(),
                position: SourcePosition::default(),
                json_path: String::new(),
            },
            code,
            message,
        }
    }

    fn note_at(
        &self,
        provenance: &super::Provenance,
        code: &'static str,
        message: String,
    ) -> Diagnostic {
        Diagnostic {
            location: provenance.location(),
            code,
            message,
        }
    }
}

/// The inventory resource whose policy governs `arn` when `arn` is not one
/// itself: an S3 object's bucket, a Lambda version's or alias's function.
fn governing_resource_arn(arn: &str) -> Option<String> {
    let [_, partition, service, region, account, resource] = split_arn(arn)?;
    match service {
        "s3" if region.is_empty() && account.is_empty() => {
            let (bucket, _key) = resource.split_once('/')?;
            Some(format!("arn:{partition}:s3:::{bucket}"))
        }
        "lambda" => {
            let mut parts = resource.splitn(3, ':');
            let (kind, name, qualifier) = (parts.next()?, parts.next()?, parts.next()?);
            (kind == "function" && !qualifier.is_empty())
                .then(|| format!("arn:{partition}:lambda:{region}:{account}:function:{name}"))
        }
        _ => None,
    }
}
