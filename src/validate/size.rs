//! The size limits AWS puts on each policy type, and how a policy's size is
//! counted against them.
//!
//! Sources:
//! - IAM and AWS STS quotas
//!   (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html):
//!   managed policy 6,144 characters; inline policies per user 2,048, per
//!   group 5,120, per role 10,240; role trust policy 2,048 by default (it can
//!   be raised); IAM does not count white space.
//! - Quotas for AWS Organizations
//!   (https://docs.aws.amazon.com/organizations/latest/userguide/orgs_reference_limits.html):
//!   SCPs and RCPs 5,120 characters. The console removes white space
//!   between JSON elements before it counts; the API and CLI keep it. iamz
//!   counts as the console does, so a policy saved through the API with
//!   indentation may still be refused below the figure reported.
//! - Amazon S3 bucket policies: 20 KB (Amazon S3 User Guide, bucket
//!   policies); AWS KMS key policies: 32 KB (AWS KMS Developer Guide,
//!   resource quotas); VPC endpoint policies: 20,480 characters (AWS
//!   PrivateLink guide, endpoint policies); session policies: 2,048
//!   characters (AWS STS API Reference, AssumeRole `Policy`). These figures
//!   were not checked against the pages here; see docs/validate.md.
//!
//! Choices: an identity policy is measured against the managed-policy limit
//! (6,144), the figure for the most common case; a permissions boundary is a
//! managed policy too. A resource policy is measured against the S3 bucket
//! limit, except that a policy whose actions are all `kms:` actions is taken
//! for a KMS key policy.

use crate::policy::{PolicyDocument, PolicyKind};

/// A size limit and how text is measured against it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SizeLimit {
    pub limit: usize,
    /// Whether white space between JSON tokens counts (IAM ignores it, and
    /// so does the Organizations console; resource policies count it).
    pub counts_white_space: bool,
    /// Whether the limit is in bytes (UTF-8) rather than characters.
    pub in_bytes: bool,
    /// What the limit is for, in words.
    pub applies_to: &'static str,
}

impl SizeLimit {
    /// The size of `text` as this limit counts it.
    pub fn measure(&self, text: &str) -> usize {
        let mut in_string = false;
        let mut escaped = false;
        let mut size = 0;
        for character in text.chars() {
            let counted = if in_string {
                if escaped {
                    escaped = false;
                } else if character == '\\' {
                    escaped = true;
                } else if character == '"' {
                    in_string = false;
                }
                true
            } else {
                in_string = character == '"';
                self.counts_white_space || !character.is_whitespace()
            };
            if counted {
                size += if self.in_bytes {
                    character.len_utf8()
                } else {
                    1
                };
            }
        }
        size
    }

    pub fn unit(&self) -> &'static str {
        if self.in_bytes {
            "bytes"
        } else {
            "characters"
        }
    }
}

const fn limit(
    limit: usize,
    counts_white_space: bool,
    in_bytes: bool,
    applies_to: &'static str,
) -> SizeLimit {
    SizeLimit {
        limit,
        counts_white_space,
        in_bytes,
        applies_to,
    }
}

/// The limit for a policy of `kind`; `document` tells a KMS key policy from
/// other resource policies.
pub fn size_limit(kind: PolicyKind, document: &PolicyDocument) -> SizeLimit {
    match kind {
        PolicyKind::Identity => limit(
            6_144,
            false,
            false,
            "a managed identity policy (inline: user 2,048, group 5,120, role 10,240)",
        ),
        PolicyKind::Boundary => limit(
            6_144,
            false,
            false,
            "a managed policy used as a permissions boundary",
        ),
        PolicyKind::Session => limit(2_048, true, false, "a session policy"),
        PolicyKind::Trust => limit(
            2_048,
            false,
            false,
            "a role trust policy (the default quota)",
        ),
        PolicyKind::Scp => limit(5_120, false, false, "a service control policy"),
        PolicyKind::Rcp => limit(5_120, false, false, "a resource control policy"),
        PolicyKind::Endpoint => limit(20_480, true, false, "a VPC endpoint policy"),
        PolicyKind::Resource if is_kms_key_policy(document) => {
            limit(32_768, true, true, "a KMS key policy")
        }
        PolicyKind::Resource => limit(20_480, true, true, "an S3 bucket policy"),
    }
}

/// Whether every action the policy names is a `kms:` action.
fn is_kms_key_policy(document: &PolicyDocument) -> bool {
    let mut patterns = document
        .statements
        .iter()
        .flat_map(|statement| statement.actions.patterns.iter())
        .peekable();
    patterns.peek().is_some()
        && patterns.all(|pattern| {
            pattern
                .text
                .get(..4)
                .is_some_and(|prefix| prefix.eq_ignore_ascii_case("kms:"))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn white_space_inside_strings_counts() {
        let characters = limit(10, false, false, "test");
        assert_eq!(characters.measure("{ \"a b\" : [ 1 ,\n 2 ] }"), 13);
        assert_eq!(characters.measure(r#"{"a\" b": 1}"#), 11);
        let bytes = limit(10, true, true, "test");
        assert_eq!(bytes.measure("\"é\" "), 5);
    }
}
