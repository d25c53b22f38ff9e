//! The comparison cases that cannot be claims. The others are claims in
//! `proofs/equivalence/` and `proofs/scenarios/`, checked by
//! `tests/claims.rs` with the AWS page that states each. These stay here:
//!
//! - the zone-of-trust query: claims compare two sides, they do not ask
//!   whether one setup reaches outside a zone;
//! - a malformed constraint is an error: a claim states what AWS decides,
//!   not how iamz rejects its input;
//! - an inconclusive verdict carries a typed reason (what iamz cannot
//!   encode is not an AWS truth);
//! - a query answers alike whatever ran before it on the thread (each runs
//!   in its own z3 context): a property of iamz, not of AWS;
//! - `Bool` values compared without regard to case, and service principals
//!   compared without regard to case: iamz's reading (docs/semantics.md),
//!   which no AWS page states, so they cannot be claims. (The page on
//!   service-linked roles even calls the service principal case sensitive.)

use super::*;
use crate::policy::{parse_policy, PolicyDocument, PolicyKind};
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
    compare_policies(
        &document(old, kind),
        &document(new, kind),
        kind,
        &RequestConstraints::default(),
        &options(),
        PolicyComparisonMode::InContext,
    )
    .unwrap_or_else(|error| panic!("{error}"))
}

#[test]
fn bool_values_ignore_case() {
    let comparison = compare_kind(
        PolicyKind::Identity,
        r#"{"Effect": "Allow", "Action": "s3:*", "Resource": "*",
            "Condition": {"Bool": {"aws:SecureTransport": "true"}}}"#,
        r#"{"Effect": "Allow", "Action": "s3:*", "Resource": "*",
            "Condition": {"Bool": {"aws:SecureTransport": "TRUE"}}}"#,
    );
    assert_eq!(comparison.verdict, Verdict::Equivalent, "{comparison:#?}");
    assert!(comparison.vacuous.is_empty(), "{comparison:#?}");
}

#[test]
fn service_principals_ignore_case() {
    let comparison = compare_kind(
        PolicyKind::Resource,
        r#"{"Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"}, "Action": "s3:PutObject", "Resource": "*"}"#,
        r#"{"Effect": "Allow", "Principal": {"Service": "CloudTrail.amazonaws.com"}, "Action": "s3:PutObject", "Resource": "*"}"#,
    );
    assert_eq!(comparison.verdict, Verdict::Equivalent, "{comparison:#?}");
    assert!(comparison.vacuous.is_empty(), "{comparison:#?}");
}

#[test]
fn an_unsupported_construct_is_a_typed_reason() {
    // One key compared as an IP address and as text: the encoding holds
    // one type per key, so the verdict is inconclusive, saying which key.
    let ip = r#"{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*", "Condition": {"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}}"#;
    let text = r#"{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*", "Condition": {"StringEquals": {"aws:SourceIp": "10.0.0.1"}}}"#;
    let comparison = compare_kind(PolicyKind::Identity, ip, text);
    match comparison.verdict {
        Verdict::Inconclusive {
            reason: InconclusiveReason::Unsupported(constructs),
        } => assert!(
            constructs.iter().any(|construct| matches!(
                construct,
                crate::symbolic::Unsupported::KeyComparedAsSeveralTypes { key, .. } if key == "aws:SourceIp"
            )),
            "{constructs:?}"
        ),
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_malformed_account_constraint_is_an_error() {
    let policy = document(
        r#"{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}"#,
        PolicyKind::Identity,
    );
    let bad = RequestConstraints {
        principal_account: Some("12".into()),
        ..RequestConstraints::default()
    };
    let result = compare_policies(
        &policy,
        &policy,
        PolicyKind::Identity,
        &bad,
        &options(),
        PolicyComparisonMode::InContext,
    );
    assert!(
        matches!(result, Err(QueryError::BadConstraint(_))),
        "{result:?}"
    );
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
        // The resource the policy is attached to (a call on `*` such as
        // sts:GetCallerIdentity, which anyone may make, reaches no resource).
        let in_zone = RequestConstraints {
            resource_is: Some("arn:aws:s3:::bucket/key".into()),
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

#[test]
fn calls_that_need_no_permission_do_not_make_a_side_allow_something() {
    // Every side "allows" sts:GetCallerIdentity: a deny-all policy still
    // allows nothing a verdict could rest on.
    let deny_all = r#"{"Effect": "Deny", "Action": "*", "Resource": "*"}"#;
    let comparison = compare_kind(PolicyKind::Identity, deny_all, deny_all);
    assert_eq!(comparison.verdict, Verdict::Equivalent, "{comparison:#?}");
    assert!(
        comparison
            .vacuous
            .contains(&"OLD allows nothing within the scope".to_string()),
        "{comparison:#?}"
    );
}

#[test]
fn an_identity_grant_under_a_service_source_key_allows_nothing() {
    // aws:SourceArn is set only on a service principal's request; identity
    // policies are judged for IAM principals, so the grant never applies.
    let grant = r#"{"Effect": "Allow", "Action": "sns:Publish", "Resource": "*",
        "Condition": {"ArnLike": {"aws:SourceArn": "arn:aws:s3:::uploads-*"}}}"#;
    let comparison = compare_kind(PolicyKind::Identity, grant, grant);
    assert!(
        comparison
            .vacuous
            .contains(&"NEW allows nothing within the scope".to_string()),
        "{comparison:#?}"
    );
}

#[test]
fn a_key_without_a_prefix_is_never_present() {
    // `${Account}` (a placeholder copied from an example SCP) names no key
    // AWS sets: the exception it guards never applies, and the comparison
    // is decided (not left to a back end that cannot decide the variable).
    let scp = |exception: &str| {
        format!(
            r#"{{"Effect": "Allow", "Action": "*", "Resource": "*"}},
               {{"Effect": "Deny", "NotAction": ["iam:*", "sts:*"], "Resource": "*",
                 "Condition": {{"StringNotEquals": {{"aws:RequestedRegion": ["eu-west-1"]}}{exception}}}}}"#
        )
    };
    let comparison = compare_kind(
        PolicyKind::Scp,
        &scp(
            r#", "ArnNotLike": {"aws:PrincipalARN": "arn:aws:iam::${Account}:role/[PRIVILEGED_ROLE]"}"#,
        ),
        &scp(""),
    );
    assert_eq!(comparison.verdict, Verdict::Equivalent, "{comparison:#?}");
}

#[test]
fn a_query_answers_alike_whatever_ran_before_it() {
    // z3 numbers terms in the order a context makes them, and its search
    // follows those numbers: queries sharing one context on a thread could
    // find another model (so print another counterexample) depending on
    // what rayon happened to run there first.
    let old = r#"{"Effect": "Allow", "Action": ["s3:GetObject", "sqs:SendMessage"], "Resource": "*",
        "Condition": {"StringLike": {"aws:PrincipalTag/team": "data-*"}, "IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}}"#;
    let new = r#"{"Effect": "Allow", "Action": ["s3:Get*", "sqs:*"], "Resource": "*",
        "Condition": {"StringLike": {"aws:PrincipalTag/team": "*"}}}"#;
    let first = compare_kind(PolicyKind::Identity, old, new);
    // Other queries on this thread, with other keys, patterns and values.
    for index in 0..12 {
        compare_kind(
            PolicyKind::Identity,
            &format!(
                r#"{{"Effect": "Allow", "Action": "ec2:*", "Resource": "arn:aws:ec2:*:*:instance/i-{index}*",
                    "Condition": {{"StringEquals": {{"aws:RequestedRegion": "eu-west-{index}"}}}}}}"#
            ),
            r#"{"Effect": "Allow", "Action": "ec2:Describe*", "Resource": "*",
                "Condition": {"Bool": {"aws:SecureTransport": "true"}}}"#,
        );
    }
    let again = compare_kind(PolicyKind::Identity, old, new);
    assert_eq!(first.verdict, again.verdict);
    let requests = |comparison: &Comparison| {
        comparison
            .counterexamples
            .iter()
            .map(|example| format!("{:?}", example.request))
            .collect::<Vec<_>>()
    };
    assert!(!first.counterexamples.is_empty(), "{first:#?}");
    assert_eq!(requests(&first), requests(&again));
}

#[test]
fn a_variable_after_wildcards_is_decided_on_one_fixed_resource() {
    // The pattern reads a tag after two wildcards; with the resource fixed,
    // the tag's value can only be the ARN's tail. Searching value after
    // value never converged (the atom back end gave up, the string solver
    // timed out): the refinement now names the values that can match.
    let old = document(
        r#"{"Effect": "Allow", "Action": "secretsmanager:GetSecretValue",
            "Resource": "arn:aws:secretsmanager:*:*:secret:${aws:PrincipalTag/SecretId}"}"#,
        PolicyKind::Identity,
    );
    let new = document(
        r#"{"Effect": "Allow", "Action": "s3:ListAllMyBuckets", "Resource": "*"}"#,
        PolicyKind::Identity,
    );
    let constraints = RequestConstraints {
        action_is: Some("secretsmanager:GetSecretValue".to_string()),
        resource_is: Some(
            "arn:aws:secretsmanager:eu-west-1:111111111111:secret:db-pass-AbCdEf".to_string(),
        ),
        ..RequestConstraints::default()
    };
    let options = QueryOptions {
        back_end: BackEndChoice::AtomsOnly,
        ..options()
    };
    let comparison = compare_policies(
        &old,
        &new,
        PolicyKind::Identity,
        &constraints,
        &options,
        PolicyComparisonMode::InContext,
    )
    .unwrap_or_else(|error| panic!("{error}"));
    assert_eq!(
        comparison.verdict,
        Verdict::LessPermissive,
        "{comparison:#?}"
    );
    let example = &comparison.counterexamples[0].request;
    assert_eq!(
        example
            .context
            .get("aws:principaltag/secretid")
            .map(|entry| entry.values.clone()),
        Some(vec!["db-pass-AbCdEf".to_string()])
    );
}

#[test]
fn a_counterexample_through_a_resource_variable_is_a_real_request() {
    // The solver matches `…:*:*:secret:${aws:PrincipalTag/SecretId}` with a
    // Region `a` and a tag `a`; the readable rewrite moves the request to
    // the catalog's example secret and the tag along with it, and spells
    // the action as the catalog does.
    let comparison = compare_kind(
        PolicyKind::Identity,
        r#"{"Effect": "Allow", "Action": "secretsmanager:GetSecretValue",
            "Resource": "arn:aws:secretsmanager:*:*:secret:${aws:PrincipalTag/SecretId}"}"#,
        r#"{"Effect": "Allow", "Action": "s3:ListAllMyBuckets", "Resource": "*"}"#,
    );
    let example = comparison
        .counterexamples
        .iter()
        .find(|example| example.direction == Direction::OldAllowsNewDenies)
        .map(|example| &example.request)
        .expect("OLD allows what NEW denies");
    assert_eq!(example.action, "secretsmanager:GetSecretValue");
    let parts = crate::policy::pattern::split_arn(&example.resource).expect("an ARN");
    assert_eq!(parts[3], "us-east-1", "{}", example.resource);
    let tag = example
        .context
        .get("aws:principaltag/secretid")
        .map(|entry| entry.values[0].clone())
        .expect("the tag the Resource reads");
    assert!(
        example.resource.ends_with(&format!(":secret:{tag}")),
        "{example:?}"
    );
}
