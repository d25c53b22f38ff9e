//! The template reader on the fixtures of `tests/files/cloudformation/`
//! and the demo's `examples/cloudformation-stack/`
//! (shapes from the CloudFormation resource reference, cited in
//! `RETURN-VALUES.md` there): both syntaxes read alike, each intrinsic, the
//! conditions and parameters, and located errors.

use super::*;
use crate::policy::json::SourcePosition;
use std::collections::BTreeMap;
use std::path::PathBuf;

fn fixture(name: &str) -> PathBuf {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    match name {
        // The demo's stack is also the reader's main fixture.
        "stack.yaml" | "stack.json" | "parameters.json" => {
            root.join("examples/cloudformation-stack").join(name)
        }
        _ => root.join("tests/files/cloudformation").join(name),
    }
}

fn facts() -> StackFacts {
    StackFacts {
        account: Some("111111111111".into()),
        region: Some("us-east-1".into()),
        stack_name: "orders".into(),
        parameters: BTreeMap::new(),
    }
}

fn statements_text(policy: &crate::inventory::InventoryPolicy) -> String {
    format!("{:?}", policy.document.statements)
}

#[test]
fn the_yaml_template_reads_into_principals_policies_and_resources() {
    let inventory = read_template(&fixture("stack.yaml"), &facts()).expect("reads");
    let account = inventory
        .account("111111111111")
        .expect("the stack's account");
    let role = &account.roles["prod-partner-access"];
    assert_eq!(
        role.arn,
        "arn:aws:iam::111111111111:role/partners/prod-partner-access"
    );
    let trust = role.trust_policy.as_ref().expect("a trust policy");
    assert!(statements_text(trust).contains("999999999999"));
    assert!(statements_text(trust).contains("partner-7f3a9c"));
    // !Sub '${DataBucket.Arn}/*' with the generated, lower-case bucket name.
    let inline = &role.inline_policies[0];
    assert!(
        statements_text(inline).contains("arn:aws:s3:::orders-databucket-generated/*"),
        "{}",
        statements_text(inline)
    );
    // The !If on IsDev drops the third statement in prod (AWS::NoValue).
    assert_eq!(inline.document.statements.len(), 2);
    assert_eq!(
        inline.provenance.json_path,
        "Resources.PartnerRole.Properties.Policies[0].PolicyDocument"
    );
    // AWS::IAM::Policy attaches inline to the role it names.
    assert!(role
        .inline_policies
        .iter()
        .any(|policy| policy.name == "publish-order-events"));
    // The boundary is the template's managed policy, by ARN.
    assert_eq!(
        role.permissions_boundary
            .as_ref()
            .map(|boundary| boundary.arn.as_str()),
        Some("arn:aws:iam::111111111111:policy/boundaries/orders-partner-boundary")
    );
    assert!(role
        .attached_policies
        .iter()
        .any(|policy| policy.arn == "arn:aws:iam::aws:policy/ReadOnlyAccess"));
    // The condition IsProd creates the auditor, in the analysts group.
    assert_eq!(
        account.users["order-auditor"].groups,
        vec!["prod-analysts".to_string()]
    );
    assert!(account.users.contains_key("orders-AnalystUser-GENERATED"));
    // Resources with their policies.
    let bucket = inventory
        .resource("arn:aws:s3:::orders-databucket-generated")
        .expect("bucket");
    assert!(bucket.policy.is_some());
    assert_eq!(
        bucket
            .block_public_access
            .and_then(|settings| settings.restrict_public_buckets),
        Some(true)
    );
    let queue = inventory
        .resource("arn:aws:sqs:us-east-1:111111111111:prod-orders")
        .expect("queue");
    assert!(
        statements_text(queue.policy.as_ref().expect("a queue policy"))
            .contains("arn:aws:sns:us-east-1:111111111111:orders-EventsTopic-GENERATED")
    );
    let function = inventory
        .resource("arn:aws:lambda:us-east-1:111111111111:function:orders-processor")
        .expect("the function the permission names");
    assert!(
        statements_text(function.policy.as_ref().expect("its permission"))
            .contains("sns.amazonaws.com")
    );
    assert!(inventory
        .resource("arn:aws:kms:us-east-1:111111111111:key/generated-datakey")
        .is_some());
}

#[test]
fn json_and_yaml_templates_read_alike() {
    let yaml = read_template(&fixture("stack.yaml"), &facts()).expect("reads");
    let json = read_template(&fixture("stack.json"), &facts()).expect("reads");
    let shape = |inventory: &Inventory| {
        let mut lines: Vec<String> = Vec::new();
        for account in inventory.accounts.values() {
            for role in account.roles.values() {
                lines.push(format!(
                    "{} {:?}",
                    role.arn,
                    role.inline_policies
                        .iter()
                        .map(|policy| format!("{:?}", policy.document.statements))
                        .collect::<Vec<_>>()
                ));
            }
            lines.extend(account.users.keys().cloned());
            lines.extend(account.managed_policies.keys().cloned());
        }
        for resource in inventory.resources() {
            lines.push(format!(
                "{} {:?}",
                resource.arn,
                resource
                    .policy
                    .as_ref()
                    .map(|policy| format!("{:?}", policy.document.statements))
            ));
        }
        // Positions differ between the syntaxes; what was read must not.
        lines
            .into_iter()
            .map(|line| {
                let mut cleaned = String::new();
                let mut rest = line.as_str();
                while let Some(start) = rest.find("SourcePosition {") {
                    cleaned.push_str(&rest[..start]);
                    rest = rest[start..].split_once('}').map_or("", |(_, after)| after);
                }
                cleaned.push_str(rest);
                cleaned
            })
            .collect::<Vec<_>>()
    };
    assert_eq!(shape(&yaml), shape(&json));
}

#[test]
fn parameters_and_conditions_change_what_is_created() {
    let mut dev = facts();
    dev.parameters = StackFacts::read_parameters(&fixture("parameters.json")).expect("reads");
    let inventory = read_template(&fixture("stack.yaml"), &dev).expect("reads");
    let account = inventory.account("111111111111").expect("the account");
    let role = &account.roles["dev-partner-access"];
    // In dev the third statement is there, and the auditor is not.
    assert_eq!(role.inline_policies[0].document.statements.len(), 3);
    assert!(!account.users.contains_key("order-auditor"));
    assert!(
        statements_text(role.trust_policy.as_ref().expect("trust")).contains("partner-dev-41d2e8")
    );
}

#[test]
fn unresolvable_functions_are_errors_at_their_place() {
    let error = read_template(&fixture("bad-unresolvable.yaml"), &facts()).expect_err("refused");
    let IngestError::Invalid(Problems(problems)) = error else {
        panic!("not a located error");
    };
    let text: Vec<String> = problems.iter().map(ToString::to_string).collect();
    assert!(
        text.iter()
            .any(|line| line.contains("Fn::ImportValue") && line.contains(":28:")),
        "{text:?}"
    );
    assert!(
        text.iter()
            .any(|line| line.contains("ArtifactBucketArn") && line.contains(":32:")),
        "{text:?}"
    );
}

#[test]
fn the_account_is_needed_where_a_policy_names_it() {
    let mut facts = facts();
    facts.account = None;
    let error = read_template(&fixture("stack.yaml"), &facts).expect_err("refused");
    assert!(error.to_string().contains("--stack-account ID"), "{error}");
    // Organizations policies need no account.
    assert!(read_template(&fixture("scp.yaml"), &facts).is_ok());
}

#[test]
fn organizations_policies_read_from_objects_and_strings() {
    let inventory = read_template(&fixture("scp.yaml"), &facts()).expect("reads");
    let kinds: Vec<_> = inventory
        .organization_policies
        .values()
        .map(|policy| {
            (
                policy.kind,
                policy.policy.provenance.encoding,
                policy.targets.clone(),
            )
        })
        .collect();
    assert!(kinds.iter().any(
        |(kind, encoding, _)| *kind == crate::policy::PolicyKind::Scp
            && *encoding == crate::inventory::PolicyEncoding::Document
    ));
    assert!(kinds.iter().any(
        |(kind, encoding, targets)| *kind == crate::policy::PolicyKind::Rcp
            && *encoding == crate::inventory::PolicyEncoding::JsonString
            && targets == &vec!["r-ab12".to_string()]
    ));
}

#[test]
fn a_policy_error_inside_a_yaml_template_is_located() {
    let text = "Resources:\n  Role:\n    Type: AWS::IAM::Role\n    Properties:\n      AssumeRolePolicyDocument:\n        Version: '2012-10-17'\n        Statement:\n          - Effect: Allwo\n            Principal: {Service: ec2.amazonaws.com}\n            Action: sts:AssumeRole\n";
    let template = Template::from_text(text, "t.yaml").expect("parses");
    let error = read_parsed(&template, &facts()).expect_err("a bad Effect");
    let message = error.to_string();
    assert!(message.contains("t.yaml:8:"), "{message}");
    assert!(
        message.contains("Resources.Role.Properties.AssumeRolePolicyDocument.Statement[0].Effect"),
        "{message}"
    );
    let _ = SourcePosition { line: 1, column: 1 };
}

#[test]
fn a_broken_yaml_template_is_reported_as_a_template() {
    let file = std::env::temp_dir().join(format!("iamz-broken-{}.yaml", std::process::id()));
    std::fs::write(&file, "Resources: []\n").unwrap();
    let error = crate::ingest::read_inventory(&file, &facts()).expect_err("refused");
    let message = error.to_string();
    assert!(message.contains(":1:12: Resources:"), "{message}");
    let _ = std::fs::remove_file(&file);
}
