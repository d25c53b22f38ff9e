//! The plan reader on the fixtures of `tests/data/terraform/` (each in
//! the shape of `terraform show -json`, see `plan.rs` for the sources): a
//! test per field that decides access.

use super::*;
use crate::inventory::PolicyEncoding;
use crate::org::{OrgNodeKind, FULL_AWS_ACCESS, RCP_FULL_AWS_ACCESS};
use crate::policy::Effect;
use std::path::PathBuf;

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/terraform")
        .join(name)
}

fn read(name: &str) -> TerraformPlan {
    read_plan(&fixture(name)).unwrap_or_else(|error| panic!("{name}: {error}"))
}

/// The names of the SCPs at a node, in order.
fn scps_at(inventory: &Inventory, id: &str) -> Vec<String> {
    let organization = inventory.organization.as_ref().expect("an organization");
    let node = organization
        .nodes()
        .find(|node| node.id == id)
        .unwrap_or_else(|| panic!("node {id}"));
    node.scps
        .iter()
        .map(|document| document.name.clone())
        .collect()
}

#[test]
fn a_policy_string_is_read_located_inside_the_string() {
    let plan = read("scp-deny-added.json");
    let before = &plan.before.organization_policies["p-guard0001"];
    let after = &plan.after.organization_policies["p-guard0001"];
    assert_eq!(before.policy.document.statements.len(), 1);
    assert_eq!(after.policy.document.statements.len(), 2);
    assert_eq!(after.policy.provenance.encoding, PolicyEncoding::JsonString);
    assert_eq!(
        after.policy.provenance.json_path,
        "resource_changes[6].change.after.content"
    );
    assert_eq!(after.targets, vec!["ou-ab12-prod0001".to_string()]);
    // The added statement is located where its text is, inside the string.
    let text = std::fs::read_to_string(fixture("scp-deny-added.json")).unwrap();
    let statement = &after.policy.document.statements[1];
    assert_eq!(statement.effect, Effect::Deny);
    let line = text.lines().nth(statement.position.line - 1).unwrap();
    let at: String = line
        .chars()
        .skip(statement.position.column - 1)
        .take(40)
        .collect();
    assert!(
        at.starts_with("{\\\"Action\\\":[\\\"s3:DeleteBucket"),
        "{at}"
    );
    assert!(plan.unknown_values.is_empty());
}

#[test]
fn full_aws_access_is_assumed_where_the_plan_is_silent_and_said() {
    let plan = read("scp-deny-added.json");
    for side in PlanSide::BOTH {
        let inventory = plan.side(side);
        assert_eq!(scps_at(inventory, "r-ab12"), vec![FULL_AWS_ACCESS]);
        assert_eq!(
            scps_at(inventory, "ou-ab12-prod0001"),
            vec![FULL_AWS_ACCESS, "ProdGuardrails"]
        );
        let organization = inventory.organization.as_ref().unwrap();
        assert!(organization
            .nodes()
            .all(|node| node.rcps.iter().any(|rcp| rcp.name == RCP_FULL_AWS_ACCESS)));
        assert_eq!(organization.management_account, "999999999999");
    }
    assert!(plan
        .notes
        .iter()
        .any(|note| note.starts_with("FullAWSAccess is assumed")));
    assert!(plan
        .notes
        .iter()
        .any(|note| note.starts_with("RCPFullAWSAccess")));
}

#[test]
fn a_detached_full_aws_access_is_detached_and_a_partial_plan_is_placed_under_the_root() {
    let plan = read("partial-organization.json");
    // The plan deletes the FullAWSAccess attachment of 444444444444.
    assert_eq!(scps_at(&plan.before, "444444444444"), vec![FULL_AWS_ACCESS]);
    assert!(scps_at(&plan.after, "444444444444").is_empty());
    // The OU the new SCP is attached to is not in the plan: it exists on
    // both sides, under the root, with a warning.
    for side in PlanSide::BOTH {
        let inventory = plan.side(side);
        let organization = inventory.organization.as_ref().unwrap();
        let unit = organization
            .nodes()
            .find(|node| node.id == "ou-ab12-work0001")
            .expect("the OU");
        assert_eq!(unit.kind, OrgNodeKind::OrganizationalUnit);
        assert_eq!(organization.root_node().id, organizations::ROOT_PLACEHOLDER);
        assert!(inventory
            .warnings
            .iter()
            .any(|warning| warning.code == "placed-under-root"));
    }
    assert_eq!(
        scps_at(&plan.after, "ou-ab12-work0001"),
        vec![FULL_AWS_ACCESS, "DenyRootUser"]
    );
    // The attached policy the plan does not hold is unknown on both sides.
    let unknown: Vec<_> = plan
        .unknown_values
        .iter()
        .map(|value| (value.side, value.effect.clone()))
        .collect();
    let nodes = UnknownEffect::OrganizationNodes(vec!["444444444444".to_string()]);
    assert_eq!(
        unknown,
        vec![(PlanSide::Before, nodes.clone()), (PlanSide::After, nodes)]
    );
}

#[test]
fn an_account_moved_between_ous_has_its_parent_on_each_side() {
    let plan = read("account-moved.json");
    let path = |inventory: &Inventory| {
        inventory
            .organization
            .as_ref()
            .unwrap()
            .org_path("111111111111")
            .unwrap()
    };
    assert_eq!(path(&plan.before), "o-exampleorg1/r-ab12/ou-ab12-dev00001/");
    assert_eq!(path(&plan.after), "o-exampleorg1/r-ab12/ou-ab12-prod0001/");
}

#[test]
fn module_addresses_and_ids_known_after_apply_are_resolved_through_references() {
    let plan = read("module.json");
    assert!(plan.before.account("000000000001").is_none());
    let organization = plan.after.organization.as_ref().unwrap();
    let unit_id = "(module.landing_zone.aws_organizations_organizational_unit.this[\"sandbox\"])";
    assert_eq!(
        organization.org_path("000000000001").unwrap(),
        format!("o-exampleorg1/r-ab12/{unit_id}/")
    );
    let account = plan.after.account("000000000001").unwrap();
    assert_eq!(
        account.name.as_deref(),
        Some(
            "sandbox-one (new: module.landing_zone.aws_organizations_account.member[\"sandbox\"])"
        )
    );
    // The attachment's policy_id and target_id are both unknown: the
    // configuration's references name the module's policy and OU.
    assert_eq!(
        scps_at(&plan.after, unit_id),
        vec![FULL_AWS_ACCESS, "SandboxRegions"]
    );
    let policy =
        &plan.after.organization_policies["(module.landing_zone.aws_organizations_policy.regions)"];
    assert_eq!(policy.targets, vec![unit_id.to_string()]);
    assert!(plan
        .notes
        .iter()
        .any(|note| note.contains("placeholder 000000000001")));
    assert!(plan.unknown_values.is_empty());
}

#[test]
fn a_policy_known_only_after_apply_stays_unknown_and_is_flagged() {
    let plan = read("after-unknown.json");
    assert_eq!(
        scps_at(&plan.before, "ou-ab12-dev00001"),
        vec![FULL_AWS_ACCESS, "DevGuardrails"]
    );
    // Never guessed: the after side holds no document for it …
    assert!(!plan.after.organization_policies.contains_key("p-dev00001"));
    // … and says so, located, with what it leaves undecided.
    let [value] = plan.unknown_values.as_slice() else {
        panic!("{:?}", plan.unknown_values)
    };
    assert_eq!(value.side, PlanSide::After);
    assert_eq!(
        value.effect,
        UnknownEffect::OrganizationNodes(vec!["ou-ab12-dev00001".to_string()])
    );
    assert_eq!(value.warning.code, "unknown-policy-content");
    assert_eq!(
        value.warning.json_path,
        "resource_changes[6].change.after.content"
    );
    assert!(value.warning.line.is_some());
    assert!(plan.after.warnings.contains(&value.warning));
}

#[test]
fn iam_roles_policies_and_resource_policies_are_read_on_both_sides() {
    let plan = read("iam-and-bucket.json");
    let role = |inventory: &Inventory| {
        inventory
            .role("arn:aws:iam::222222222222:role/ci/deployer")
            .cloned()
            .expect("the role")
    };
    let (before, after) = (role(&plan.before), role(&plan.after));
    assert_eq!(before.trust_policy.unwrap().document.statements.len(), 1);
    assert_eq!(
        after
            .trust_policy
            .as_ref()
            .unwrap()
            .document
            .statements
            .len(),
        2
    );
    assert_eq!(before.inline_policies.len(), 1);
    // aws_iam_role_policy adds an inline policy after apply.
    assert_eq!(after.inline_policies.len(), 2);
    assert_eq!(after.tags["team"], "platform");
    let attached: Vec<&str> = after
        .attached_policies
        .iter()
        .map(|policy| policy.arn.as_str())
        .collect();
    // The new policy's ARN is known only after apply: it is the role's
    // account's, by the attachment's reference.
    assert_eq!(
        attached,
        vec![
            "arn:aws:iam::aws:policy/ReadOnlyAccess",
            "arn:aws:iam::222222222222:policy/deploy-artifacts"
        ]
    );
    assert!(plan
        .after
        .managed_policy(
            "222222222222",
            "arn:aws:iam::222222222222:policy/deploy-artifacts"
        )
        .is_some());
    let bucket = |inventory: &Inventory| {
        inventory
            .resource("arn:aws:s3:::example-artifacts")
            .cloned()
            .unwrap()
    };
    assert_eq!(
        bucket(&plan.before)
            .block_public_access
            .unwrap()
            .block_public_policy,
        Some(true)
    );
    let after_bucket = bucket(&plan.after);
    assert_eq!(
        after_bucket
            .block_public_access
            .unwrap()
            .block_public_policy,
        Some(false)
    );
    assert_eq!(after_bucket.account, PROVIDER_ACCOUNT);
    assert!(after_bucket.policy.is_some());
    for arn in [
        "arn:aws:kms:eu-west-1:222222222222:key/1234abcd-12ab-34cd-56ef-1234567890ab",
        "arn:aws:sqs:eu-west-1:222222222222:jobs",
        "arn:aws:sns:eu-west-1:222222222222:alerts",
    ] {
        assert!(
            plan.after
                .resource(arn)
                .and_then(|resource| resource.policy.as_ref())
                .is_some(),
            "{arn}"
        );
    }
    let function = plan
        .after
        .resource("arn:aws:lambda:eu-west-1:222222222222:function:thumbnails")
        .expect("the function");
    let statement = &function.policy.as_ref().unwrap().document.statements[0];
    assert_eq!(statement.sid.as_deref(), Some("AllowS3Invoke"));
    assert_eq!(statement.conditions.len(), 2);
    assert!(plan
        .before
        .resource("arn:aws:lambda:eu-west-1:222222222222:function:thumbnails")
        .is_none());
    // The unknown type is listed, not fatal.
    assert!(plan
        .after
        .warnings
        .iter()
        .any(|warning| warning.code == "unknown-resource-type"
            && warning.message.contains("aws_instance.builder")));
}

#[test]
fn a_broken_policy_string_is_refused_with_its_place_inside_the_string() {
    let error = read_plan(&fixture("broken-policy-string.json")).expect_err("refused");
    let message = error.to_string();
    let text = std::fs::read_to_string(fixture("broken-policy-string.json")).unwrap();
    let column = text.find("\\\"Alow").unwrap() + 1;
    assert!(
        message.contains(&format!(
            "broken-policy-string.json:1:{column}: resource_changes[6].change.before.content>Statement[0].Effect"
        )),
        "{message}"
    );
    assert!(
        message.contains("resource_changes[6].change.after.content>Statement[0].Effect"),
        "{message}"
    );
}

#[test]
fn bad_input_never_panics_and_is_located() {
    let cases = [
        ("{}", "format_version"),
        (
            r#"{"format_version": "2.0", "resource_changes": []}"#,
            "not supported",
        ),
        (
            r#"{"format_version": "1.2", "resource_changes": {}}"#,
            "expected an array",
        ),
        (
            r#"{"format_version": "1.2", "resource_changes": [{"address": "a.b", "type": "aws_iam_role", "name": "b", "change": {"after": 3}}]}"#,
            "resource_changes[0].change.after",
        ),
        (
            r#"{"format_version": "1.2", "resource_changes": [{"address": "a.b", "type": "aws_organizations_policy", "name": "b", "change": {"after": {"content": 3}}}]}"#,
            "resource_changes[0].change.after.content",
        ),
        (
            r#"{"format_version": "1.2", "resource_changes": [{"address": "a.b", "type": "aws_sqs_queue_policy", "name": "b", "change": {"after": {"queue_url": "nope", "policy": "{}"}}}]}"#,
            "queue_url",
        ),
    ];
    for (text, expected) in cases {
        let file = LocatedFile::from_text(text.to_string(), "plan.json").unwrap();
        let error = read_plan_file(&file).expect_err(text);
        assert!(error.to_string().contains(expected), "{text}: {error}");
    }
    // Odd but valid shapes read without panicking.
    for text in [
        r#"{"format_version": "1.2", "resource_changes": [{"address": "a.b", "type": "aws_organizations_policy_attachment", "name": "b", "change": {"after": {}, "after_unknown": true}}]}"#,
        r#"{"format_version": "1.2", "resource_changes": [{"address": "a.b", "type": "aws_organizations_organizational_unit", "name": "b", "change": {"after": {"id": "ou-a", "parent_id": "ou-b"}}}, {"address": "a.c", "type": "aws_organizations_organizational_unit", "name": "c", "change": {"after": {"id": "ou-b", "parent_id": "ou-a"}}}]}"#,
        r#"{"format_version": "1.2", "resource_changes": [], "configuration": {"root_module": []}}"#,
    ] {
        let file = LocatedFile::from_text(text.to_string(), "plan.json").unwrap();
        assert!(read_plan_file(&file).is_ok(), "{text}");
    }
}

#[test]
fn the_same_plan_reads_the_same_every_time() {
    let first = read("module.json");
    let second = read("module.json");
    assert_eq!(first.notes, second.notes);
    assert_eq!(first.after.summary(), second.after.summary());
}
