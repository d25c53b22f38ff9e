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

/// Fixed values: a positive string or ARN comparison, not IfExists, whose
/// values hold no wildcard and no variable (a `…Like` operator on such
/// values is an equality too). Reading a policy as public when AWS does
/// not would refuse requests AWS lets in (`RestrictPublicBuckets`), so
/// only these operators' own wildcards count against a value.
fn fixed_values(condition: &Condition) -> bool {
    let comparison = matches!(
        condition.operator.base,
        BaseOperator::StringEquals
            | BaseOperator::StringEqualsIgnoreCase
            | BaseOperator::StringLike
            | BaseOperator::ArnEquals
            | BaseOperator::ArnLike
    );
    let wildcards_count = !matches!(
        condition.operator.base,
        BaseOperator::StringEquals | BaseOperator::StringEqualsIgnoreCase
    );
    comparison
        && !condition.operator.if_exists
        && !condition.values.is_empty()
        && condition.values.iter().all(|value| {
            let variable = value.text.contains("${");
            let wildcard = wildcards_count && value.text.contains(['*', '?']);
            !(variable || wildcard)
        })
}

/// `s3:DataAccessPointArn` with a wildcard in the access point's name
/// only (`arn:aws:s3:REGION:ACCOUNT:accesspoint/*`), which S3 counts as
/// fixed.
fn access_points_of_one_account(condition: &Condition) -> bool {
    condition.key_lowercase == "s3:dataaccesspointarn"
        && matches!(
            condition.operator.base,
            BaseOperator::StringEquals
                | BaseOperator::StringLike
                | BaseOperator::ArnLike
                | BaseOperator::ArnEquals
        )
        && !condition.operator.if_exists
        && !condition.values.is_empty()
        && condition.values.iter().all(|value| {
            let Some((arn, name)) = value.text.split_once(":accesspoint/") else {
                return false;
            };
            let fields: Vec<&str> = arn.split(':').collect();
            fields.len() == 5
                && fields[2] == "s3"
                && fields[3..]
                    .iter()
                    .all(|field| !field.is_empty() && !field.contains(['*', '?']))
                && !name.contains("${")
        })
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
    LIMITING_KEYS.contains(&condition.key_lowercase.as_str())
        && (fixed_values(condition) || access_points_of_one_account(condition))
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
        // A `…Like` operator on a value without wildcards is an equality.
        assert!(!statement_is_public(&first(
            r#"{"StringLike":{"aws:SourceVpce":"vpce-1a2b3c4d"}}"#
        )));
        assert!(!statement_is_public(&first(
            r#"{"StringLike":{"s3:DataAccessPointArn":"arn:aws:s3:us-west-2:111111111111:accesspoint/*"}}"#
        )));
        assert!(statement_is_public(&first(
            r#"{"StringLike":{"s3:DataAccessPointArn":"arn:aws:s3:us-west-2:*:accesspoint/*"}}"#
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
