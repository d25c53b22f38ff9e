//! Unit tests of the inventory model: lookups by ARN and the resolution of
//! attached managed policies. The readers are tested in `tests/ingest_aws_cli.rs`.

use super::*;
use crate::policy::json::SourcePosition;

fn provenance(path: &str) -> Provenance {
    Provenance {
        file: Arc::from("test.json"),
        position: SourcePosition { line: 1, column: 1 },
        json_path: path.to_string(),
        encoding: PolicyEncoding::Document,
    }
}

fn attached(arn: &str) -> AttachedPolicy {
    AttachedPolicy {
        arn: arn.to_string(),
        name: String::new(),
        provenance: provenance("attached"),
    }
}

fn role(account: &str, path: &str, name: &str, attached_policies: Vec<AttachedPolicy>) -> Role {
    Role {
        arn: format!("arn:aws:iam::{account}:role{path}{name}"),
        name: name.to_string(),
        path: path.to_string(),
        trust_policy: None,
        inline_policies: Vec::new(),
        attached_policies,
        permissions_boundary: None,
        tags: Default::default(),
        provenance: provenance("role"),
    }
}

#[test]
fn roles_are_found_by_arn_with_their_path_and_by_name() {
    let mut inventory = Inventory::new("test");
    let account = inventory.account_mut("111111111111");
    account.iam_collected = true;
    account.roles.insert(
        "Deploy".to_string(),
        role("111111111111", "/ci/", "Deploy", Vec::new()),
    );
    assert!(inventory
        .role("arn:aws:iam::111111111111:role/ci/Deploy")
        .is_some());
    assert!(inventory
        .role("arn:aws:iam::111111111111:role/Deploy")
        .is_none());
    assert!(inventory.role_named("111111111111", "Deploy").is_some());
    assert!(inventory
        .role("arn:aws:iam::222222222222:role/ci/Deploy")
        .is_none());
    let linked = role(
        "111111111111",
        "/aws-service-role/ops.amazonaws.com/",
        "R",
        Vec::new(),
    );
    assert!(linked.is_service_linked());
}

#[test]
fn unknown_aws_managed_policies_are_one_warning_per_arn_with_the_count() {
    let mut inventory = Inventory::new("test");
    for account_id in ["111111111111", "222222222222"] {
        let account = inventory.account_mut(account_id);
        account.iam_collected = true;
        account.roles.insert(
            "A".to_string(),
            role(
                account_id,
                "/",
                "A",
                vec![
                    attached("arn:aws:iam::aws:policy/ReadOnlyAccess"),
                    attached("arn:aws:iam::aws:policy/NoSuchManagedPolicy"),
                    attached(&format!("arn:aws:iam::{account_id}:policy/Missing")),
                ],
            ),
        );
    }
    inventory.resolve_attachments();
    let codes: Vec<(&str, &str)> = inventory
        .warnings
        .iter()
        .map(|warning| (warning.code, warning.message.as_str()))
        .collect();
    assert_eq!(
        codes
            .iter()
            .filter(|(code, _)| *code == "unknown-aws-managed-policy")
            .count(),
        1,
        "{codes:?}"
    );
    assert!(codes
        .iter()
        .any(|(_, message)| message.contains("NoSuchManagedPolicy (2 attachments)")));
    assert_eq!(
        codes
            .iter()
            .filter(|(code, _)| *code == "unknown-managed-policy")
            .count(),
        2,
        "{codes:?}"
    );
    assert!(inventory
        .managed_policy("111111111111", "arn:aws:iam::aws:policy/ReadOnlyAccess")
        .is_some());
    assert_eq!(inventory.bundled_policies().len(), 1);
}

#[test]
fn resources_are_filed_once_under_their_account_in_order() {
    let mut inventory = Inventory::new("test");
    for bucket in ["b", "a"] {
        inventory
            .add_resource(Resource::new(
                &format!("arn:aws:s3:::{bucket}"),
                ResourceType::S3Bucket,
                "111111111111",
            ))
            .expect("new");
    }
    assert!(inventory
        .add_resource(Resource::new(
            "arn:aws:s3:::a",
            ResourceType::S3Bucket,
            "111111111111"
        ))
        .is_err());
    assert_eq!(
        inventory
            .account("111111111111")
            .expect("filed")
            .resource_arns(),
        ["arn:aws:s3:::a", "arn:aws:s3:::b"]
    );
}
