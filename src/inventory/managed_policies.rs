//! Managed policies: customer managed policies of an account (their default
//! version's document) and AWS managed policies, which the collected data
//! may carry or iamz resolves from its bundled copy (`aws_managed.rs`).
//!
//! Source: `ManagedPolicyDetail` in the IAM API
//! (https://docs.aws.amazon.com/IAM/latest/APIReference/API_ManagedPolicyDetail.html):
//! the document that applies is the one of the version whose
//! `IsDefaultVersion` is true.
//!
//! Trusts the readers for the values.

use super::provenance::InventoryPolicy;
use crate::policy::pattern::split_arn;

#[derive(Debug, Clone)]
pub struct ManagedPolicy {
    pub arn: String,
    pub name: String,
    pub path: String,
    /// The default version's id (`v3`).
    pub default_version: String,
    /// Its document (kind identity; also used as a permissions boundary).
    pub policy: InventoryPolicy,
}

impl ManagedPolicy {
    pub fn is_aws_managed(&self) -> bool {
        is_aws_managed_arn(&self.arn)
    }
}

/// `arn:PARTITION:iam::aws:policy/…`: a policy AWS owns.
pub fn is_aws_managed_arn(arn: &str) -> bool {
    matches!(split_arn(arn), Some([_, _, "iam", "", "aws", resource]) if resource.starts_with("policy/"))
}
