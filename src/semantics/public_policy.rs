//! Whether a grant is *public* by Amazon S3's definition ("The meaning of
//! public", also the rule of S3 Block Public Access): a policy statement
//! that lets any principal in is public unless it limits access to a set of
//! CIDRs with `aws:SourceIp`, or to a fixed value of one of the keys AWS
//! lists: `aws:SourceArn`, `aws:SourceVpc`, `aws:SourceVpce`,
//! `aws:SourceOwner`, `aws:SourceAccount`, `aws:PrincipalOrgID`,
//! `aws:PrincipalAccount`, `s3:DataAccessPointArn`,
//! `s3:DataAccessPointAccount`,
//! `s3:x-amz-server-side-encryption-aws-kms-key-id`, `aws:userid` (outside
//! the pattern `AROLEID:*`)
//! (https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html#access-control-block-public-access-policy-status,
//! https://docs.aws.amazon.com/AmazonS3/latest/API/API_PublicAccessBlockConfiguration.html).
//! A fixed value is an exact one: an equality operator and no wildcard.
//!
//! Reads statements only; it decides no request. Its reader in the
//! semantics is S3 Block Public Access's `RestrictPublicBuckets`
//! (`service_rules`), applied when a bucket's policy is public.

use crate::policy::{BaseOperator, Condition, Effect, PolicyDocument, PrincipalEntry, Statement};

/// The keys whose fixed values make a statement non-public.
const LIMITING_KEYS: [&str; 11] = [
    "aws:sourcearn",
    "aws:sourcevpc",
    "aws:sourcevpce",
    "aws:sourceowner",
    "aws:sourceaccount",
    "aws:principalorgid",
    "aws:principalaccount",
    "s3:dataaccesspointarn",
    "s3:dataaccesspointaccount",
    "s3:x-amz-server-side-encryption-aws-kms-key-id",
    "aws:userid",
];

fn fixed_values(condition: &Condition) -> bool {
    let equality = matches!(
        condition.operator.base,
        BaseOperator::StringEquals | BaseOperator::StringEqualsIgnoreCase | BaseOperator::ArnEquals
    );
    equality
        && !condition.operator.if_exists
        && !condition.values.is_empty()
        && condition
            .values
            .iter()
            .all(|value| !value.text.contains(['*', '?']) && !value.text.contains("${"))
}

/// The condition limits access the way S3 counts as non-public.
fn limits(condition: &Condition) -> bool {
    if condition.key_lowercase == "aws:sourceip" {
        // A set of CIDRs: addresses, none of them the whole Internet.
        return condition.operator.base == BaseOperator::IpAddress
            && !condition.operator.if_exists
            && !condition.values.is_empty()
            && condition
                .values
                .iter()
                .all(|value| !value.text.ends_with("/0"));
    }
    if condition.key_lowercase == "aws:userid" {
        return fixed_values(condition)
            && condition
                .values
                .iter()
                .all(|value| !value.text.ends_with(":*"));
    }
    LIMITING_KEYS.contains(&condition.key_lowercase.as_str()) && fixed_values(condition)
}

/// A statement that lets anyone in is public unless one of its conditions
/// limits it (see the module header).
pub fn statement_is_public(statement: &Statement) -> bool {
    !statement.conditions.iter().any(limits)
}

/// The policy is public: one of its Allow statements lets any principal in
/// (`*`, `"AWS": "*"`, or `NotPrincipal`) and no condition of it limits the
/// grant.
pub fn policy_is_public(policy: &PolicyDocument) -> bool {
    policy.statements.iter().any(|statement| {
        statement.effect == Effect::Allow
            && statement.principals.as_ref().is_some_and(|principals| {
                principals.negated || principals.entries.contains(&PrincipalEntry::Everyone)
            })
            && statement_is_public(statement)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::{parse_policy, PolicyKind};

    fn first(conditions: &str) -> Statement {
        let text = format!(
            r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*","Condition":{conditions}}}]}}"#
        );
        parse_policy(&text, "p.json", Some(PolicyKind::Resource))
            .unwrap()
            .document
            .statements
            .remove(0)
    }

    #[test]
    fn fixed_values_of_the_listed_keys_make_a_grant_non_public() {
        assert!(statement_is_public(&first("{}")));
        assert!(!statement_is_public(&first(
            r#"{"IpAddress":{"aws:SourceIp":"203.0.113.0/24"}}"#
        )));
        assert!(statement_is_public(&first(
            r#"{"IpAddress":{"aws:SourceIp":"0.0.0.0/0"}}"#
        )));
        assert!(!statement_is_public(&first(
            r#"{"StringEquals":{"aws:SourceVpce":"vpce-1a2b3c4d"}}"#
        )));
        assert!(statement_is_public(&first(
            r#"{"StringLike":{"aws:SourceVpce":"vpce-*"}}"#
        )));
        assert!(!statement_is_public(&first(
            r#"{"ArnEquals":{"aws:SourceArn":"arn:aws:cloudtrail:us-east-1:111111111111:trail/t"}}"#
        )));
        assert!(statement_is_public(&first(
            r#"{"StringEquals":{"aws:userid":"AROAEXAMPLE:*"}}"#
        )));
        assert!(statement_is_public(&first(
            r#"{"StringEquals":{"aws:PrincipalTag/team":"red"}}"#
        )));
    }
}
