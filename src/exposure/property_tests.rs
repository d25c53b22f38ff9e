//! For random bucket policies: every finding's request is allowed and from
//! outside the zone, and every random request from outside that the
//! reference evaluator allows is covered by some finding (its principal
//! class and one of its actions).

use super::{find_exposure, PrincipalClass};
use crate::eval::{evaluate, Decision};
use crate::policy::{parse_policy, PolicyKind};
use crate::query::zone::is_outside;
use crate::query::{QueryOptions, Zone};
use crate::request::{ConcreteRequest, RequestPrincipal};
use crate::scenario::{ResourceKind, Scenario, SetupScope};
use proptest::prelude::*;
use serde_json::{json, Value};
use std::sync::Arc;

const RESOURCE: &str = "arn:aws:s3:::b/k";
const ACCOUNT: &str = "111111111111";

fn statement() -> impl Strategy<Value = Value> {
    let principal = prop_oneof![
        Just(json!("*")),
        Just(json!({"AWS": "arn:aws:iam::777788889999:root"})),
        Just(json!({"AWS": ACCOUNT})),
        Just(json!({"AWS": "arn:aws:iam::333333333333:role/Reader"})),
        Just(json!({"Service": "cloudtrail.amazonaws.com"})),
    ];
    let action = prop_oneof![
        Just(json!("s3:GetObject")),
        Just(json!("s3:*")),
        Just(json!("s3:PutObject")),
        Just(json!(["s3:GetObject", "s3:DeleteObject"])),
    ];
    let condition = prop_oneof![
        Just(None),
        Just(Some(
            json!({"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}})
        )),
        Just(Some(
            json!({"StringEquals": {"aws:SourceAccount": ACCOUNT}})
        )),
        Just(Some(json!({"Bool": {"aws:SecureTransport": "false"}}))),
    ];
    (any::<bool>(), principal, action, condition).prop_map(
        |(allow, principal, action, condition)| {
            let mut statement = json!({
                "Effect": if allow { "Allow" } else { "Deny" },
                "Principal": principal,
                "Action": action,
                "Resource": "arn:aws:s3:::b/*",
            });
            if let Some(condition) = condition {
                statement["Condition"] = condition;
            }
            statement
        },
    )
}

fn request() -> impl Strategy<Value = ConcreteRequest> {
    let principal = prop_oneof![
        Just("arn:aws:iam::777788889999:user/u"),
        Just("arn:aws:sts::333333333333:assumed-role/Reader/s"),
        Just("arn:aws:iam::444455556666:user/v"),
        Just("anonymous"),
        Just("cloudtrail.amazonaws.com"),
        Just("arn:aws:iam::111111111111:user/inside"),
    ];
    let action = prop_oneof![
        Just("s3:GetObject"),
        Just("s3:PutObject"),
        Just("s3:DeleteObject"),
    ];
    let source_ip = prop_oneof![
        Just(None),
        Just(Some("203.0.113.7")),
        Just(Some("198.51.100.1"))
    ];
    let source_account = prop_oneof![Just(None), Just(Some(ACCOUNT)), Just(Some("777788889999"))];
    (principal, action, source_ip, source_account, any::<bool>()).prop_map(
        |(principal, action, source_ip, source_account, secure)| {
            let principal = RequestPrincipal::parse(principal).expect("a principal");
            let mut request = ConcreteRequest::new(principal, action, RESOURCE);
            request.resource_account = Some(ACCOUNT.to_string());
            if let Some(ip) = source_ip {
                request.context.set_single("aws:SourceIp", ip);
            }
            // Only a service's request carries aws:SourceAccount (the
            // request model's ServiceSourceKeys axiom): requests AWS could
            // receive.
            if let Some(account) = source_account
                .filter(|_| request.principal.kind == crate::request::PrincipalKind::Service)
            {
                request.context.set_single("aws:SourceAccount", account);
            }
            request
                .context
                .set_single("aws:SecureTransport", if secure { "true" } else { "false" });
            request
        },
    )
}

fn class_covers(class: &PrincipalClass, request: &ConcreteRequest) -> bool {
    let principal = &request.principal;
    let identity = principal.kind.has_identity_side();
    match class {
        PrincipalClass::Account(account) => identity && principal.account.as_ref() == Some(account),
        PrincipalClass::AnyAccount => identity,
        PrincipalClass::ServiceLinkedRoles(account) => {
            identity
                && principal.is_service_linked_role
                && account
                    .as_ref()
                    .is_none_or(|account| principal.account.as_ref() == Some(account))
        }
        PrincipalClass::Anonymous => principal.kind == crate::request::PrincipalKind::Anonymous,
        PrincipalClass::Service(name) => {
            principal.kind == crate::request::PrincipalKind::Service && principal.text == *name
        }
        PrincipalClass::AnyService => principal.kind == crate::request::PrincipalKind::Service,
        PrincipalClass::Federated(name) => {
            principal.kind == crate::request::PrincipalKind::FederatedProvider
                && principal.text == *name
        }
        PrincipalClass::AnyFederated => {
            principal.kind == crate::request::PrincipalKind::FederatedProvider
        }
    }
}

fn action_covered(actions: &[String], action: &str) -> bool {
    actions
        .iter()
        .any(|entry| entry == "*" || entry.eq_ignore_ascii_case(action) || entry == "s3:*")
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 96,
        rng_seed: proptest::test_runner::RngSeed::Fixed(20261201),
        ..ProptestConfig::default()
    })]

    #[test]
    fn findings_are_allowed_from_outside_and_cover_every_outside_access(
        statements in proptest::collection::vec(statement(), 1..4),
        requests in proptest::collection::vec(request(), 24),
    ) {
        let text = json!({"Version": "2012-10-17", "Statement": statements}).to_string();
        let policy = parse_policy(&text, "bucket.json", Some(PolicyKind::Resource)).expect("parses").document;
        let scenario = Scenario::exposure_frame("bucket.json", Arc::new(policy), ResourceKind::Generic, RESOURCE, ACCOUNT, None);
        let setup = scenario.setup(&SetupScope { principal_account: None, resource_account: Some(ACCOUNT.to_string()) });
        let zone = Zone { accounts: vec![ACCOUNT.to_string()], organization_id: None };
        let exposure = find_exposure(&setup, &super::ResourceScope::Exact(RESOURCE.to_string()), ACCOUNT, &zone, &QueryOptions::default(), 50).expect("no internal error");
        prop_assert!(exposure.incomplete.is_none(), "{:?}", exposure.incomplete);
        for finding in &exposure.findings {
            prop_assert!(is_outside(&zone, &finding.request));
            let mut completed = finding.request.clone();
            setup.facts.derived_keys.complete(&mut completed, 1_790_000_000);
            prop_assert_eq!(evaluate(&setup, &completed).decision, Decision::Allow);
        }
        for request in &requests {
            if !is_outside(&zone, request) {
                continue;
            }
            let mut completed = request.clone();
            setup.facts.derived_keys.complete(&mut completed, 1_790_000_000);
            if evaluate(&setup, &completed).decision != Decision::Allow {
                continue;
            }
            let covered = exposure.findings.iter().any(|finding| {
                class_covers(&finding.principal, request) && action_covered(&finding.actions, &request.action)
            });
            prop_assert!(covered, "{request:?} is allowed from outside but no finding covers it: {:?}\n{text}", exposure.findings.iter().map(|finding| (&finding.principal, &finding.actions)).collect::<Vec<_>>());
        }
    }
}
