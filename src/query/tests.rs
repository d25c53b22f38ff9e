//! Equivalence and trap cases: each pair is compared, every counterexample
//! is replayed by `compare` itself, and the verdict is checked.

use super::*;
use crate::policy::{parse_policy, PolicyDocument, PolicyKind};
use crate::semantics::alone::Aspect;
use crate::semantics::{Applicability, Layer, LayerRole, Setup, SetupFacts};

fn document(statements: &str, kind: PolicyKind) -> PolicyDocument {
    let text = format!(r#"{{"Version": "2012-10-17", "Statement": [{statements}]}}"#);
    parse_policy(&text, "test.json", Some(kind))
        .unwrap_or_else(|error| panic!("{error}\n{text}"))
        .document
}

/// Generous: the suite runs many solver queries in parallel on few cores.
fn options() -> QueryOptions {
    QueryOptions {
        timeout_milliseconds: 60_000,
        ..QueryOptions::default()
    }
}

fn compare_kind(kind: PolicyKind, old: &str, new: &str) -> Comparison {
    let old = document(old, kind);
    let new = document(new, kind);
    compare_policies(
        &old,
        &new,
        kind,
        &RequestConstraints::default(),
        &options(),
        PolicyComparisonMode::InContext,
    )
    .unwrap_or_else(|error| panic!("{error}"))
}

fn expect(kind: PolicyKind, old: &str, new: &str, verdict: Verdict) -> Comparison {
    let comparison = compare_kind(kind, old, new);
    assert_eq!(
        comparison.verdict, verdict,
        "old: {old}\nnew: {new}\ncounterexamples: {:#?}",
        comparison.counterexamples
    );
    let mut directions: Vec<Direction> = Vec::new();
    for example in &comparison.counterexamples {
        if example.changes_access && !directions.contains(&example.direction) {
            directions.push(example.direction);
        }
    }
    let expected_directions = match verdict {
        Verdict::MorePermissive => vec![Direction::NewAllowsOldDenies],
        Verdict::LessPermissive => vec![Direction::OldAllowsNewDenies],
        Verdict::Incomparable => vec![Direction::NewAllowsOldDenies, Direction::OldAllowsNewDenies],
        _ => vec![],
    };
    assert_eq!(directions, expected_directions);
    comparison
}

fn identity(old: &str, new: &str, verdict: Verdict) -> Comparison {
    expect(PolicyKind::Identity, old, new, verdict)
}

fn resource(old: &str, new: &str, verdict: Verdict) -> Comparison {
    expect(PolicyKind::Resource, old, new, verdict)
}

const ALLOW_S3_GET: &str = r#"{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}"#;

#[test]
fn identical_policies_are_equivalent_without_a_difference_search() {
    // The only search asks whether the policy allows anything at all.
    let comparison = identity(ALLOW_S3_GET, ALLOW_S3_GET, Verdict::Equivalent);
    assert!(comparison.counterexamples.is_empty());
    assert!(comparison.vacuous.is_empty());
}

#[test]
fn statement_split_and_merge() {
    identity(
        r#"{"Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject"], "Resource": "*"}"#,
        r#"{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"},
           {"Effect": "Allow", "Action": "s3:PutObject", "Resource": "*"}"#,
        Verdict::Equivalent,
    );
}

#[test]
fn resource_split_and_merge() {
    identity(
        r#"{"Effect": "Allow", "Action": "s3:*", "Resource": ["arn:aws:s3:::a/*", "arn:aws:s3:::b/*"]}"#,
        r#"{"Effect": "Allow", "Action": "s3:*", "Resource": "arn:aws:s3:::b/*"},
           {"Effect": "Allow", "Action": "s3:*", "Resource": "arn:aws:s3:::a/*"}"#,
        Verdict::Equivalent,
    );
}

#[test]
fn action_list_subsumed_by_wildcard() {
    identity(
        r#"{"Effect": "Allow", "Action": ["s3:*", "s3:GetObject", "s3:List*"], "Resource": "*"}"#,
        r#"{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}"#,
        Verdict::Equivalent,
    );
}

#[test]
fn action_case_changes_are_equivalent() {
    identity(
        r#"{"Effect": "Allow", "Action": "S3:GetObject", "Resource": "*"}"#,
        r#"{"Effect": "Allow", "Action": "s3:getobject", "Resource": "*"}"#,
        Verdict::Equivalent,
    );
}

#[test]
fn not_action_rewritten_as_deny() {
    // Alone they allow the same; beside another policy that allows
    // iam:CreateUser, the Deny still denies it and NotAction does not.
    let comparison = identity(
        r#"{"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}"#,
        r#"{"Effect": "Allow", "Action": "*", "Resource": "*"},
           {"Effect": "Deny", "Action": "iam:*", "Resource": "*"}"#,
        Verdict::LessPermissive,
    );
    assert_eq!(comparison.counterexamples[0].aspect, Aspect::ExplicitDeny);
    assert!(comparison.counterexamples[0].companion.is_some());
    let alone = compare_policies(
        &document(
            r#"{"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}"#,
            PolicyKind::Identity,
        ),
        &document(
            r#"{"Effect": "Allow", "Action": "*", "Resource": "*"},
               {"Effect": "Deny", "Action": "iam:*", "Resource": "*"}"#,
            PolicyKind::Identity,
        ),
        PolicyKind::Identity,
        &RequestConstraints::default(),
        &options(),
        PolicyComparisonMode::Alone,
    )
    .unwrap();
    assert_eq!(alone.verdict, Verdict::Equivalent);
}

#[test]
fn not_resource_rewritten_as_deny() {
    identity(
        r#"{"Effect": "Allow", "Action": "s3:*", "NotResource": "arn:aws:s3:::secret/*"}"#,
        r#"{"Effect": "Allow", "Action": "s3:*", "Resource": "*"},
           {"Effect": "Deny", "Action": "s3:*", "Resource": "arn:aws:s3:::secret/*"}"#,
        Verdict::LessPermissive,
    );
}

#[test]
fn reordered_conditions_are_equivalent() {
    identity(
        r#"{"Effect": "Allow", "Action": "s3:*", "Resource": "*", "Condition": {
            "StringEquals": {"aws:RequestedRegion": "eu-west-1", "s3:prefix": "home/"},
            "Bool": {"aws:SecureTransport": "true"}}}"#,
        r#"{"Effect": "Allow", "Action": "s3:*", "Resource": "*", "Condition": {
            "Bool": {"aws:SecureTransport": "true"},
            "StringEquals": {"s3:prefix": "home/", "aws:RequestedRegion": "eu-west-1"}}}"#,
        Verdict::Equivalent,
    );
}

#[test]
fn get_star_versus_get_object_star() {
    let comparison = identity(
        r#"{"Effect": "Allow", "Action": "s3:Get*", "Resource": "*"}"#,
        r#"{"Effect": "Allow", "Action": "s3:GetObject*", "Resource": "*"}"#,
        Verdict::LessPermissive,
    );
    let request = &comparison.counterexamples[0].request;
    assert!(request.action_lowercase.starts_with("s3:get"));
    assert!(!request.action_lowercase.starts_with("s3:getobject"));
}

#[test]
fn question_mark_versus_star() {
    identity(
        r#"{"Effect": "Allow", "Action": "s3:GetObjec?", "Resource": "*"}"#,
        r#"{"Effect": "Allow", "Action": "s3:GetObjec*", "Resource": "*"}"#,
        Verdict::MorePermissive,
    );
}

#[test]
fn if_exists_versus_plain() {
    let comparison = identity(
        r#"{"Effect": "Allow", "Action": "s3:*", "Resource": "*",
            "Condition": {"StringEqualsIfExists": {"aws:SourceVpc": "vpc-1"}}}"#,
        r#"{"Effect": "Allow", "Action": "s3:*", "Resource": "*",
            "Condition": {"StringEquals": {"aws:SourceVpc": "vpc-1"}}}"#,
        Verdict::LessPermissive,
    );
    // The widening request lacks the key.
    assert!(comparison.counterexamples[0]
        .request
        .context
        .get("aws:sourcevpc")
        .is_none());
}

#[test]
fn negated_operator_on_a_missing_key_already_holds() {
    identity(
        r#"{"Effect": "Allow", "Action": "s3:*", "Resource": "*",
            "Condition": {"StringNotEquals": {"aws:PrincipalTag/team": "blue"}}}"#,
        r#"{"Effect": "Allow", "Action": "s3:*", "Resource": "*",
            "Condition": {"StringNotEqualsIfExists": {"aws:PrincipalTag/team": "blue"}}}"#,
        Verdict::Equivalent,
    );
}

#[test]
fn negated_operator_trap_missing_key_allows() {
    // Meant: "only teams other than blue"; the key may be missing.
    identity(
        r#"{"Effect": "Allow", "Action": "s3:*", "Resource": "*",
            "Condition": {"StringNotEquals": {"aws:PrincipalTag/team": "blue"},
                          "Null": {"aws:PrincipalTag/team": "false"}}}"#,
        r#"{"Effect": "Allow", "Action": "s3:*", "Resource": "*",
            "Condition": {"StringNotEquals": {"aws:PrincipalTag/team": "blue"}}}"#,
        Verdict::MorePermissive,
    );
}

#[test]
fn string_not_equals_versus_string_not_like() {
    let comparison = identity(
        r#"{"Effect": "Allow", "Action": "s3:*", "Resource": "*",
            "Condition": {"StringNotEquals": {"s3:prefix": "tmp/*"}}}"#,
        r#"{"Effect": "Allow", "Action": "s3:*", "Resource": "*",
            "Condition": {"StringNotLike": {"s3:prefix": "tmp/*"}}}"#,
        Verdict::LessPermissive,
    );
    let prefix = &comparison.counterexamples[0]
        .request
        .context
        .get("s3:prefix")
        .expect("the key matters")
        .values[0];
    assert!(prefix.starts_with("tmp/") && prefix != "tmp/*");
}

#[test]
fn for_all_values_holds_on_no_value() {
    identity(
        r#"{"Effect": "Allow", "Action": "s3:*", "Resource": "*",
            "Condition": {"ForAllValues:StringEquals": {"aws:TagKeys": ["team", "env"]}}}"#,
        r#"{"Effect": "Allow", "Action": "s3:*", "Resource": "*",
            "Condition": {"ForAnyValue:StringEquals": {"aws:TagKeys": ["team", "env"]}}}"#,
        Verdict::Incomparable,
    );
}

#[test]
fn two_values_are_needed() {
    let comparison = identity(
        r#"{"Effect": "Allow", "Action": "s3:*", "Resource": "*",
            "Condition": {"ForAnyValue:StringEquals": {"aws:TagKeys": "a"},
                          "ForAnyValue:StringLike": {"aws:TagKeys": "b"}}}"#,
        r#"{"Effect": "Allow", "Action": "s3:*", "Resource": "*",
            "Condition": {"ForAnyValue:StringEquals": {"aws:TagKeys": "a"},
                          "ForAnyValue:StringLike": {"aws:TagKeys": "b"},
                          "ForAllValues:StringEquals": {"aws:TagKeys": "a"}}}"#,
        Verdict::LessPermissive,
    );
    let values = &comparison.counterexamples[0]
        .request
        .context
        .get("aws:tagkeys")
        .expect("the key matters")
        .values;
    assert!(values.len() >= 2, "{values:?}");
}

#[test]
fn ignore_case_versus_exact() {
    identity(
        r#"{"Effect": "Allow", "Action": "s3:*", "Resource": "*",
            "Condition": {"StringEqualsIgnoreCase": {"aws:PrincipalTag/env": "Prod"}}}"#,
        r#"{"Effect": "Allow", "Action": "s3:*", "Resource": "*",
            "Condition": {"StringEquals": {"aws:PrincipalTag/env": "prod"}}}"#,
        Verdict::LessPermissive,
    );
}

#[test]
fn null_condition_added() {
    identity(
        ALLOW_S3_GET,
        r#"{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*",
            "Condition": {"Null": {"aws:TokenIssueTime": "false"}}}"#,
        Verdict::LessPermissive,
    );
}

#[test]
fn bool_operator_versus_string_equals() {
    identity(
        r#"{"Effect": "Allow", "Action": "s3:*", "Resource": "*",
            "Condition": {"Bool": {"aws:SecureTransport": "true"}}}"#,
        r#"{"Effect": "Allow", "Action": "s3:*", "Resource": "*",
            "Condition": {"Bool": {"aws:SecureTransport": "TRUE"}}}"#,
        Verdict::Equivalent,
    );
}

#[test]
fn numbers_compare_exactly() {
    identity(
        r#"{"Effect": "Allow", "Action": "s3:*", "Resource": "*",
            "Condition": {"NumericLessThan": {"s3:max-keys": "10"}}}"#,
        r#"{"Effect": "Allow", "Action": "s3:*", "Resource": "*",
            "Condition": {"NumericLessThan": {"s3:max-keys": "10.0"}}}"#,
        Verdict::Equivalent,
    );
    let comparison = identity(
        r#"{"Effect": "Allow", "Action": "s3:*", "Resource": "*",
            "Condition": {"NumericLessThan": {"s3:max-keys": "10"}}}"#,
        r#"{"Effect": "Allow", "Action": "s3:*", "Resource": "*",
            "Condition": {"NumericLessThanEquals": {"s3:max-keys": "9"}}}"#,
        Verdict::LessPermissive,
    );
    let value = &comparison.counterexamples[0]
        .request
        .context
        .get("s3:max-keys")
        .expect("the key matters")
        .values[0];
    let number: f64 = value.parse().expect("a number");
    assert!(number > 9.0 && number < 10.0, "{value}");
}

#[test]
fn dates_in_two_notations() {
    identity(
        r#"{"Effect": "Allow", "Action": "s3:*", "Resource": "*",
            "Condition": {"DateGreaterThan": {"aws:CurrentTime": "2020-01-01T00:00:00Z"}}}"#,
        r#"{"Effect": "Allow", "Action": "s3:*", "Resource": "*",
            "Condition": {"DateGreaterThan": {"aws:CurrentTime": "1577836800"}}}"#,
        Verdict::Equivalent,
    );
    identity(
        r#"{"Effect": "Allow", "Action": "s3:*", "Resource": "*",
            "Condition": {"DateGreaterThan": {"aws:CurrentTime": "2020-01-01T00:00:00Z"}}}"#,
        r#"{"Effect": "Allow", "Action": "s3:*", "Resource": "*",
            "Condition": {"DateGreaterThan": {"aws:CurrentTime": "2020-01-01T00:00:00.001Z"}}}"#,
        Verdict::LessPermissive,
    );
}

#[test]
fn ip_ranges_split_and_narrowed() {
    identity(
        r#"{"Effect": "Allow", "Action": "s3:*", "Resource": "*",
            "Condition": {"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}}"#,
        r#"{"Effect": "Allow", "Action": "s3:*", "Resource": "*",
            "Condition": {"IpAddress": {"aws:SourceIp": ["10.128.0.0/9", "10.0.0.0/9"]}}}"#,
        Verdict::Equivalent,
    );
    identity(
        r#"{"Effect": "Allow", "Action": "s3:*", "Resource": "*",
            "Condition": {"NotIpAddress": {"aws:SourceIp": "10.0.0.0/8"}}}"#,
        r#"{"Effect": "Allow", "Action": "s3:*", "Resource": "*",
            "Condition": {"NotIpAddress": {"aws:SourceIp": ["10.0.0.0/8", "2001:db8::/32"]}}}"#,
        Verdict::LessPermissive,
    );
}

#[test]
fn resource_wildcard_widened_across_buckets() {
    identity(
        r#"{"Effect": "Allow", "Action": "s3:*", "Resource": "arn:aws:s3:::bucket/*"}"#,
        r#"{"Effect": "Allow", "Action": "s3:*", "Resource": "arn:aws:s3:::bucket*"}"#,
        Verdict::MorePermissive,
    );
}

#[test]
fn resource_star_inside_a_segment_stays_there() {
    identity(
        r#"{"Effect": "Allow", "Action": "sqs:*", "Resource": "arn:aws:sqs:*:111122223333:*"}"#,
        r#"{"Effect": "Allow", "Action": "sqs:*", "Resource": "arn:aws:sqs:us-*:111122223333:*"}"#,
        Verdict::LessPermissive,
    );
}

#[test]
fn deny_added() {
    identity(
        r#"{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}"#,
        r#"{"Effect": "Allow", "Action": "s3:*", "Resource": "*"},
           {"Effect": "Deny", "Action": "s3:DeleteObject", "Resource": "*"}"#,
        Verdict::LessPermissive,
    );
}

#[test]
fn policy_variable_narrows_a_resource() {
    let comparison = identity(
        r#"{"Effect": "Allow", "Action": "s3:*", "Resource": "arn:aws:s3:::home/*"}"#,
        r#"{"Effect": "Allow", "Action": "s3:*", "Resource": "arn:aws:s3:::home/${aws:username}/*"}"#,
        Verdict::LessPermissive,
    );
    assert!(comparison.counterexamples[0]
        .request
        .resource
        .starts_with("arn:aws:s3:::home/"));
}

#[test]
fn policy_variable_versus_literal_text_of_version_2008() {
    let old = document(
        r#"{"Effect": "Allow", "Action": "s3:*", "Resource": "arn:aws:s3:::home/${aws:username}/*"}"#,
        PolicyKind::Identity,
    );
    let text = r#"{"Version": "2008-10-17", "Statement": {"Effect": "Allow", "Action": "s3:*", "Resource": "arn:aws:s3:::home/${aws:username}/*"}}"#;
    let new = parse_policy(text, "new.json", Some(PolicyKind::Identity))
        .unwrap()
        .document;
    let comparison = compare_policies(
        &old,
        &new,
        PolicyKind::Identity,
        &RequestConstraints::default(),
        &options(),
        PolicyComparisonMode::InContext,
    )
    .unwrap();
    assert_eq!(comparison.verdict, Verdict::Incomparable);
}

#[test]
#[ignore = "slow: StringLike with two wildcards over the principal ARN makes z3 4.8.12 time out"]
fn arn_like_and_string_like_agree_on_principal_arns() {
    identity(
        r#"{"Effect": "Allow", "Action": "s3:*", "Resource": "*",
            "Condition": {"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/admin-*"}}}"#,
        r#"{"Effect": "Allow", "Action": "s3:*", "Resource": "*",
            "Condition": {"StringLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/admin-*"}}}"#,
        Verdict::Equivalent,
    );
}

#[test]
fn principal_account_versus_principal_arn() {
    let comparison = identity(
        r#"{"Effect": "Allow", "Action": "s3:*", "Resource": "*",
            "Condition": {"StringEquals": {"aws:PrincipalAccount": "111122223333"}}}"#,
        r#"{"Effect": "Allow", "Action": "s3:*", "Resource": "*",
            "Condition": {"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::111122223333:*"}}}"#,
        Verdict::LessPermissive,
    );
    let principal = &comparison.counterexamples[0].request.principal;
    assert_eq!(principal.account.as_deref(), Some("111122223333"));
}

#[test]
fn resource_grant_to_account_versus_role() {
    // The account entry reaches every principal of the account, through its
    // identity policies; the role entry grants Reader's sessions by itself.
    let comparison = resource(
        r#"{"Effect": "Allow", "Principal": {"AWS": "111122223333"}, "Action": "s3:GetObject", "Resource": "*"}"#,
        r#"{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:role/Reader"}, "Action": "s3:GetObject", "Resource": "*"}"#,
        Verdict::Incomparable,
    );
    let widening = &comparison.counterexamples[0];
    assert_eq!(widening.aspect, Aspect::Grant);
    assert_eq!(
        widening.request.principal.role_arn.as_deref(),
        Some("arn:aws:iam::111122223333:role/Reader")
    );
    let narrowing = comparison
        .counterexamples
        .iter()
        .find(|example| example.direction == Direction::OldAllowsNewDenies)
        .unwrap();
    assert_ne!(
        narrowing.request.principal.role_arn.as_deref(),
        Some("arn:aws:iam::111122223333:role/Reader")
    );
}

#[test]
fn everyone_written_two_ways() {
    resource(
        r#"{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "*"}"#,
        r#"{"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "s3:GetObject", "Resource": "*"}"#,
        Verdict::Equivalent,
    );
}

#[test]
fn service_principals_ignore_case() {
    resource(
        r#"{"Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"}, "Action": "s3:PutObject", "Resource": "*"}"#,
        r#"{"Effect": "Allow", "Principal": {"Service": "CloudTrail.amazonaws.com"}, "Action": "s3:PutObject", "Resource": "*"}"#,
        Verdict::Equivalent,
    );
}

#[test]
fn trust_policy_role_versus_session() {
    expect(
        PolicyKind::Trust,
        r#"{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:role/Ci"}, "Action": "sts:AssumeRole"}"#,
        r#"{"Effect": "Allow", "Principal": {"AWS": "arn:aws:sts::111122223333:assumed-role/Ci/build"}, "Action": "sts:AssumeRole"}"#,
        // Fewer sessions, but the one named exactly is not bounded by its
        // boundary or session policy.
        Verdict::Incomparable,
    );
}

#[test]
fn not_principal_deny_versus_principal_allow() {
    let comparison = resource(
        r#"{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "*"},
           {"Effect": "Deny", "NotPrincipal": {"AWS": ["111122223333", "arn:aws:iam::111122223333:user/ops"]}, "Action": "s3:GetObject", "Resource": "*"}"#,
        r#"{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:user/ops"}, "Action": "s3:GetObject", "Resource": "*"}"#,
        // NEW drops OLD's Deny of everyone else (a widening beside an
        // identity policy), and no longer allows the account's root user.
        Verdict::Incomparable,
    );
    // The NotPrincipal deny also spares the account's root user.
    let narrowing = comparison
        .counterexamples
        .iter()
        .find(|example| example.direction == Direction::OldAllowsNewDenies)
        .unwrap();
    assert_eq!(
        narrowing.request.principal.kind,
        crate::request::PrincipalKind::AccountRoot
    );
}

#[test]
fn scp_deny_with_condition_removed() {
    expect(
        PolicyKind::Scp,
        r#"{"Effect": "Allow", "Action": "*", "Resource": "*"},
           {"Effect": "Deny", "NotAction": ["iam:*", "sts:*"], "Resource": "*",
            "Condition": {"StringNotEquals": {"aws:RequestedRegion": ["eu-west-1", "eu-central-1"]}}}"#,
        r#"{"Effect": "Allow", "Action": "*", "Resource": "*"},
           {"Effect": "Deny", "NotAction": ["iam:*", "sts:*"], "Resource": "*",
            "Condition": {"StringNotEquals": {"aws:RequestedRegion": "eu-west-1"}}}"#,
        Verdict::LessPermissive,
    );
}

#[test]
fn constraints_restrict_the_question() {
    let old = document(
        r#"{"Effect": "Allow", "Action": ["s3:*", "ec2:*"], "Resource": "*"}"#,
        PolicyKind::Identity,
    );
    let new = document(
        r#"{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}"#,
        PolicyKind::Identity,
    );
    let options = options();
    let only_s3 = RequestConstraints {
        action: Some("S3:*".into()),
        principal_account: Some("111122223333".into()),
        ..RequestConstraints::default()
    };
    let comparison = compare_policies(
        &old,
        &new,
        PolicyKind::Identity,
        &only_s3,
        &options,
        PolicyComparisonMode::InContext,
    )
    .unwrap();
    assert_eq!(comparison.verdict, Verdict::Equivalent);
    let only_ec2 = RequestConstraints {
        action: Some("ec2:Run*".into()),
        resource: Some("arn:aws:ec2:*:*:instance/*".into()),
        ..RequestConstraints::default()
    };
    let comparison = compare_policies(
        &old,
        &new,
        PolicyKind::Identity,
        &only_ec2,
        &options,
        PolicyComparisonMode::InContext,
    )
    .unwrap();
    assert_eq!(comparison.verdict, Verdict::LessPermissive);
    let request = &comparison.counterexamples[0].request;
    assert!(request.action_lowercase.starts_with("ec2:run"));
    let bad = RequestConstraints {
        principal_account: Some("12".into()),
        ..RequestConstraints::default()
    };
    assert!(compare_policies(
        &old,
        &new,
        PolicyKind::Identity,
        &bad,
        &options,
        PolicyComparisonMode::InContext
    )
    .is_err());
}

fn layer<'p>(name: &str, role: LayerRole, policy: &'p PolicyDocument) -> Layer<'p> {
    Layer {
        name: name.into(),
        role,
        policies: vec![policy],
        applicability: Applicability::Always,
    }
}

#[test]
fn boundary_added_is_caught() {
    let identity_policy = document(
        r#"{"Effect": "Allow", "Action": "*", "Resource": "*"}"#,
        PolicyKind::Identity,
    );
    let boundary = document(
        r#"{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}"#,
        PolicyKind::Boundary,
    );
    let old = Setup::new(
        vec![layer("identity", LayerRole::Identity, &identity_policy)],
        SetupFacts::default(),
    );
    let new = Setup::new(
        vec![
            layer("identity", LayerRole::Identity, &identity_policy),
            layer("boundary", LayerRole::PermissionsBoundary, &boundary),
        ],
        SetupFacts::default(),
    );
    let comparison = compare(
        &ComparedSide::Setup(old),
        &ComparedSide::Setup(new),
        &RequestConstraints::default(),
        &options(),
        PolicyComparisonMode::InContext,
    )
    .unwrap();
    assert_eq!(comparison.verdict, Verdict::LessPermissive);
    let example = &comparison.counterexamples[0];
    assert!(!example.request.action_lowercase.starts_with("s3:"));
    assert_eq!(example.new.explanation.missing_allows, vec!["boundary"]);
}

#[test]
fn cross_account_resource_policy_needs_both_sides() {
    let identity_policy = document(
        r#"{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}"#,
        PolicyKind::Identity,
    );
    let bucket_account = document(
        r#"{"Effect": "Allow", "Principal": {"AWS": "111122223333"}, "Action": "s3:GetObject", "Resource": "*"}"#,
        PolicyKind::Resource,
    );
    let bucket_role = document(
        r#"{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:role/Reader"}, "Action": "s3:GetObject", "Resource": "*"}"#,
        PolicyKind::Resource,
    );
    let setup = |bucket| {
        Setup::new(
            vec![
                layer("identity", LayerRole::Identity, &identity_policy),
                layer("resource", LayerRole::ResourcePolicy, bucket),
            ],
            SetupFacts::default(),
        )
    };
    let comparison = compare(
        &ComparedSide::Setup(setup(&bucket_account)),
        &ComparedSide::Setup(setup(&bucket_role)),
        &RequestConstraints::default(),
        &options(),
        PolicyComparisonMode::InContext,
    )
    .unwrap();
    assert_eq!(comparison.verdict, Verdict::LessPermissive);
}

#[test]
fn zone_of_trust() {
    let public = document(
        r#"{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "*"}"#,
        PolicyKind::Resource,
    );
    let own_account = document(
        r#"{"Effect": "Allow", "Principal": {"AWS": "111122223333"}, "Action": "s3:GetObject", "Resource": "*"}"#,
        PolicyKind::Resource,
    );
    let organization = document(
        r#"{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "*",
            "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-abc"}}}"#,
        PolicyKind::Resource,
    );
    let zone = Zone {
        accounts: vec!["111122223333".into()],
        organization_id: Some("o-abc".into()),
    };
    let check = |policy: &PolicyDocument| {
        let setup = Setup::new(
            vec![layer("resource", LayerRole::ResourcePolicy, policy)],
            SetupFacts::default(),
        );
        let in_zone = RequestConstraints {
            resource_account: Some("111122223333".into()),
            ..RequestConstraints::default()
        };
        find_access_outside_zone(&setup, &zone, &in_zone, &options()).unwrap()
    };
    assert!(matches!(check(&public), ZoneVerdict::Exposed(_)));
    let verdict = check(&own_account);
    assert!(matches!(verdict, ZoneVerdict::Contained), "{verdict:#?}");
    assert!(matches!(check(&organization), ZoneVerdict::Contained));
}
