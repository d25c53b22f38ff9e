//! The IAM principals of an account and the policies that give them
//! permissions: users (with their groups), groups and roles (with their
//! trust policy), each with inline policies, attached managed policies (by
//! ARN, resolved in `managed_policies.rs`), permissions boundary, tags and
//! path.
//!
//! Source: the `UserDetail`, `GroupDetail` and `RoleDetail` types of the
//! IAM API
//! (https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetAccountAuthorizationDetails.html).
//! A role whose path starts with `/aws-service-role/` is service-linked
//! (https://docs.aws.amazon.com/IAM/latest/UserGuide/using-service-linked-roles.html).
//!
//! Trusts the readers for the values; holds no logic beyond naming.

use super::provenance::{InventoryPolicy, Provenance};
use indexmap::IndexMap;

/// A managed policy attached by ARN (or used as a permissions boundary).
#[derive(Debug, Clone)]
pub struct AttachedPolicy {
    pub arn: String,
    /// `PolicyName` as the attachment gives it (may be empty).
    pub name: String,
    /// Where the attachment is written.
    pub provenance: Provenance,
}

#[derive(Debug, Clone)]
pub struct User {
    pub arn: String,
    pub name: String,
    pub path: String,
    /// Names of the groups the user is in, as listed.
    pub groups: Vec<String>,
    pub inline_policies: Vec<InventoryPolicy>,
    pub attached_policies: Vec<AttachedPolicy>,
    pub permissions_boundary: Option<AttachedPolicy>,
    pub tags: IndexMap<String, String>,
    /// Where the user's entry is.
    pub provenance: Provenance,
}

#[derive(Debug, Clone)]
pub struct Group {
    pub arn: String,
    pub name: String,
    pub path: String,
    pub inline_policies: Vec<InventoryPolicy>,
    pub attached_policies: Vec<AttachedPolicy>,
    pub provenance: Provenance,
}

#[derive(Debug, Clone)]
pub struct Role {
    pub arn: String,
    pub name: String,
    pub path: String,
    /// `AssumeRolePolicyDocument`; every role has one in AWS, but a reader
    /// may not have found it.
    pub trust_policy: Option<InventoryPolicy>,
    pub inline_policies: Vec<InventoryPolicy>,
    pub attached_policies: Vec<AttachedPolicy>,
    pub permissions_boundary: Option<AttachedPolicy>,
    pub tags: IndexMap<String, String>,
    pub provenance: Provenance,
}

/// The path prefix of service-linked roles.
pub const SERVICE_LINKED_ROLE_PATH: &str = "/aws-service-role/";

impl Role {
    /// SCPs and RCPs do not restrict service-linked roles.
    pub fn is_service_linked(&self) -> bool {
        self.path.starts_with(SERVICE_LINKED_ROLE_PATH)
    }
}

/// The name explanations give an inline policy: `role/NAME/POLICY`,
/// `user/NAME/POLICY` or `group/NAME/POLICY`.
pub fn inline_policy_label(owner_kind: &str, owner: &str, policy: &str) -> String {
    format!("{owner_kind}/{owner}/{policy}")
}
