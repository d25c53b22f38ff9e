//! The AWS CLI reader on the fixtures of `tests/files/ingest/aws-cli/`
//! (shapes and their reference pages in its README), the projection of an
//! inventory to a scenario, `iamz inventory`, and the collection script.

mod common;

use common::{decide_in, request_from_value};
use iamz::ingest::{read_inventory, IngestError};
use iamz::inventory::{Inventory, ObjectOwnership, PolicyEncoding, ProjectionError, ResourceType};
use iamz::policy::json::SourcePosition;
use iamz::policy::PolicyKind;
use iamz::scenario::Scenario;
use serde_json::json;
use std::path::{Path, PathBuf};
use std::process::Command;

const PROD: &str = "222222222222";

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/files/ingest/aws-cli")
        .join(name)
}

fn read(name: &str) -> Inventory {
    read_inventory(&fixture(name), &Default::default())
        .unwrap_or_else(|error| panic!("{name}: {error}"))
}

fn codes(inventory: &Inventory) -> Vec<(&'static str, String)> {
    inventory
        .warnings
        .iter()
        .map(|warning| {
            let file = warning
                .file
                .rsplit_once("aws-cli/")
                .map_or(warning.file.clone(), |(_, rest)| rest.to_string());
            (warning.code, file)
        })
        .collect()
}

/// The line and column at which `needle` starts in `file`.
fn position_in_file(file: &Path, needle: &str) -> SourcePosition {
    let text = std::fs::read_to_string(file).expect("fixture");
    let offset = text
        .find(needle)
        .unwrap_or_else(|| panic!("{needle} in {}", file.display()));
    let line = text[..offset].matches('\n').count() + 1;
    let line_start = text[..offset].rfind('\n').map_or(0, |index| index + 1);
    SourcePosition {
        line,
        column: text[line_start..offset].chars().count() + 1,
    }
}

#[test]
fn reads_the_organization_tree_and_its_policies_from_content_strings() {
    let inventory = read("organization");
    let organization = inventory.organization.as_ref().expect("organization");
    assert_eq!(organization.id, "o-a1b2c3d4e5");
    assert_eq!(organization.management_account, "111111111111");
    assert_eq!(
        organization.org_path(PROD).as_deref(),
        Some("o-a1b2c3d4e5/r-ab12/ou-ab12-11111111/")
    );
    let path = organization.path_to(PROD).expect("in the tree");
    let scps: Vec<Vec<&str>> = path
        .iter()
        .map(|node| {
            node.scps
                .iter()
                .map(|policy| policy.name.as_str())
                .collect()
        })
        .collect();
    assert_eq!(
        scps,
        [
            vec!["FullAWSAccess", "DenyLeaveOrganization"],
            vec!["FullAWSAccess", "DenyOutsideEU"],
            vec!["FullAWSAccess"]
        ]
    );
    let rcps: Vec<Vec<&str>> = path
        .iter()
        .map(|node| {
            node.rcps
                .iter()
                .map(|policy| policy.name.as_str())
                .collect()
        })
        .collect();
    assert_eq!(rcps[1], ["RCPFullAWSAccess", "DataPerimeter"]);
    // The SCP's text is a string: its statements are located inside it.
    let scp = &inventory.organization_policies["p-euonly123"];
    assert_eq!(scp.kind, PolicyKind::Scp);
    assert_eq!(scp.targets, ["ou-ab12-11111111"]);
    assert_eq!(scp.policy.provenance.encoding, PolicyEncoding::JsonString);
    assert_eq!(scp.policy.provenance.json_path, "Policy.Content");
    let file = fixture("organization/organizations/describe-policy/p-euonly123.json");
    assert!(scp
        .policy
        .provenance
        .file
        .ends_with("describe-policy/p-euonly123.json"));
    let statement = scp.policy.document.statements[0].position;
    let content = position_in_file(&file, "\"Content\"");
    let text = std::fs::read_to_string(&file).unwrap();
    let line = text.lines().nth(content.line - 1).unwrap();
    let statement_offset = line
        .find("{\\n      \\\"Sid\\\"")
        .expect("statement in the string");
    assert_eq!(
        statement,
        SourcePosition {
            line: content.line,
            column: statement_offset + 1
        }
    );
    // RCPFullAWSAccess needs no describe-policy file: AWS fixes its content.
    assert!(inventory.organization_policies["p-RCPFullAWSAccess"].aws_managed);
    let accounts: Vec<&str> = organization.accounts().map(|node| node.label()).collect();
    assert_eq!(accounts, ["Management", "Prod", "Dev"]);
    assert_eq!(
        inventory
            .account(PROD)
            .and_then(|account| account.name.as_deref()),
        Some("Prod")
    );
}

#[test]
fn reads_users_groups_roles_and_the_default_version_of_managed_policies() {
    let inventory = read("organization");
    let alice = inventory
        .user("arn:aws:iam::111111111111:user/engineering/alice")
        .expect("alice on her path");
    assert_eq!(alice.path, "/engineering/");
    assert_eq!(alice.groups, ["Developers"]);
    assert_eq!(alice.inline_policies[0].name, "ReadLogs");
    assert_eq!(
        alice.inline_policies[0].document.name,
        "user/alice/ReadLogs"
    );
    assert_eq!(
        alice.inline_policies[0].provenance.encoding,
        PolicyEncoding::Document
    );
    assert_eq!(
        alice.inline_policies[0].provenance.json_path,
        "UserDetailList[0].UserPolicyList[0].PolicyDocument"
    );
    assert_eq!(
        alice.attached_policies[0].arn,
        "arn:aws:iam::aws:policy/ReadOnlyAccess"
    );
    assert_eq!(
        alice
            .permissions_boundary
            .as_ref()
            .map(|boundary| boundary.arn.as_str()),
        Some("arn:aws:iam::111111111111:policy/DeveloperBoundary")
    );
    assert_eq!(alice.tags.get("team").map(String::as_str), Some("payments"));
    let boundary = inventory
        .managed_policy(
            "111111111111",
            "arn:aws:iam::111111111111:policy/DeveloperBoundary",
        )
        .expect("customer managed");
    // v2 is the default: it denies s3:DeleteBucket, v1 does not.
    assert_eq!(boundary.default_version, "v2");
    assert_eq!(boundary.policy.document.statements.len(), 2);
    assert_eq!(
        boundary.policy.provenance.json_path,
        "Policies[0].PolicyVersionList[1].Document"
    );
    let account = inventory.account("111111111111").unwrap();
    assert_eq!(
        account.groups["Auditors"].attached_policies[0].arn,
        "arn:aws:iam::aws:policy/SecurityAudit"
    );
    let linked = &account.roles["AWSServiceRoleForOrganizations"];
    assert!(linked.is_service_linked());
    assert!(!account.roles["OrganizationAccountAccessRole"].is_service_linked());
    assert_eq!(
        linked.trust_policy.as_ref().unwrap().kind,
        PolicyKind::Trust
    );
    // AWS managed policies come from the bundled copy, with its location.
    let read_only = inventory
        .managed_policy("111111111111", "arn:aws:iam::aws:policy/ReadOnlyAccess")
        .expect("bundled");
    assert_eq!(
        read_only.policy.provenance.encoding,
        PolicyEncoding::Bundled
    );
    assert!(read_only
        .policy
        .provenance
        .file
        .ends_with("aws-managed-policies.jsonl"));
    assert!(inventory
        .managed_policy(
            "111111111111",
            "arn:aws:iam::aws:policy/AdministratorAccess"
        )
        .is_some());
}

#[test]
fn url_encoded_documents_on_several_pages_are_read_and_located() {
    let inventory = read("organization");
    let prod = inventory.account(PROD).expect("prod");
    let names: Vec<&str> = prod.roles.keys().map(String::as_str).collect();
    assert_eq!(
        names,
        ["AppRuntime", "Deploy", "OrganizationAccountAccessRole"]
    );
    let deploy = inventory
        .role("arn:aws:iam::222222222222:role/ci/Deploy")
        .expect("on page 1");
    assert!(deploy
        .provenance
        .file
        .ends_with("get-account-authorization-details-1.json"));
    let inline = &deploy.inline_policies[0];
    assert_eq!(
        inline.provenance.encoding,
        PolicyEncoding::UrlEncodedJsonString
    );
    assert_eq!(inline.document.statements.len(), 2);
    // The second statement starts at its encoded `{` in the file.
    let file =
        fixture("organization/accounts/222222222222/iam/get-account-authorization-details-1.json");
    let second = position_in_file(
        &file,
        "%2C%7B%22Effect%22%3A%22Allow%22%2C%22Action%22%3A%22s3",
    );
    assert_eq!(
        inline.document.statements[1].position,
        SourcePosition {
            line: second.line,
            column: second.column + 3
        }
    );
    let trust = deploy.trust_policy.as_ref().expect("trust policy");
    assert_eq!(
        trust.provenance.encoding,
        PolicyEncoding::UrlEncodedJsonString
    );
    let runtime = &prod.roles["AppRuntime"];
    assert!(runtime
        .provenance
        .file
        .ends_with("get-account-authorization-details-2.json"));
    assert!(inventory
        .managed_policy(PROD, "arn:aws:iam::222222222222:policy/AppData")
        .is_some());
    // The last page does not say more follow: no warning about pages.
    assert!(!codes(&inventory)
        .iter()
        .any(|(code, _)| *code == "missing-pages"));
}

#[test]
fn resources_of_every_kind_with_their_settings_and_tags() {
    let inventory = read("organization");
    let prod = inventory.account(PROD).unwrap();
    let kinds: Vec<(&str, &str)> = prod
        .resource_arns()
        .iter()
        .map(|arn| {
            let resource = inventory.resource(arn).unwrap();
            (arn.as_str(), resource.resource_type.name())
        })
        .collect();
    assert_eq!(
        kinds,
        [
            (
                "arn:aws:ecr:eu-west-1:222222222222:repository/team/orders-api",
                "ecr-repository"
            ),
            (
                "arn:aws:kms:eu-west-1:222222222222:key/1234abcd-12ab-34cd-56ef-1234567890ab",
                "kms-key"
            ),
            (
                "arn:aws:lambda:eu-west-1:222222222222:function:orders-handler",
                "lambda-function"
            ),
            ("arn:aws:s3:::prod-artifacts", "s3-bucket"),
            (
                "arn:aws:secretsmanager:eu-west-1:222222222222:secret:prod/orders/db-a1B2c3",
                "secretsmanager-secret"
            ),
            (
                "arn:aws:sns:eu-west-1:222222222222:orders-topic",
                "sns-topic"
            ),
            (
                "arn:aws:sqs:eu-west-1:222222222222:orders-queue",
                "sqs-queue"
            ),
        ]
    );
    let bucket = inventory.resource("arn:aws:s3:::prod-artifacts").unwrap();
    assert_eq!(bucket.account, PROD);
    assert_eq!(bucket.resource_type, ResourceType::S3Bucket);
    let policy = bucket.policy.as_ref().expect("bucket policy");
    assert_eq!(policy.provenance.encoding, PolicyEncoding::JsonString);
    assert_eq!(policy.kind, PolicyKind::Resource);
    assert_eq!(policy.document.statements.len(), 2);
    let access = bucket.block_public_access.expect("bucket BPA");
    assert_eq!(access.block_public_policy, Some(false));
    assert_eq!(access.block_public_acls, Some(true));
    assert_eq!(
        bucket.object_ownership,
        Some(ObjectOwnership::BucketOwnerEnforced)
    );
    assert_eq!(
        bucket.tags.get("data-class").map(String::as_str),
        Some("internal")
    );
    assert_eq!(
        prod.block_public_access
            .and_then(|access| access.restrict_public_buckets),
        Some(true)
    );
    let key = inventory
        .resource("arn:aws:kms:eu-west-1:222222222222:key/1234abcd-12ab-34cd-56ef-1234567890ab")
        .unwrap();
    assert_eq!(key.region.as_deref(), Some("eu-west-1"));
    assert_eq!(
        key.tags.get("purpose").map(String::as_str),
        Some("app-data")
    );
    // KMS pretty-prints the key policy inside the string: lines of the
    // policy are `\n` escapes on one line of the file.
    assert_eq!(
        key.policy.as_ref().unwrap().document.statements[1]
            .sid
            .as_deref(),
        Some("AllowAppRuntime")
    );
    let topic = inventory
        .resource("arn:aws:sns:eu-west-1:222222222222:orders-topic")
        .unwrap();
    assert_eq!(
        topic.policy.as_ref().unwrap().provenance.json_path,
        "Attributes.Policy"
    );
    assert_eq!(topic.tags.get("team").map(String::as_str), Some("orders"));
    let function = inventory
        .resource("arn:aws:lambda:eu-west-1:222222222222:function:orders-handler")
        .unwrap();
    assert_eq!(
        function.tags.get("team").map(String::as_str),
        Some("orders")
    );
    let repository = inventory
        .resource("arn:aws:ecr:eu-west-1:222222222222:repository/team/orders-api")
        .unwrap();
    assert_eq!(
        repository.policy.as_ref().unwrap().provenance.json_path,
        "policyText"
    );
}

#[test]
fn unknown_files_and_unknown_aws_managed_policies_are_warnings_with_locations() {
    let inventory = read("organization");
    let codes = codes(&inventory);
    assert_eq!(
        codes,
        [
            (
                "unknown-folder",
                "organization/accounts/333333333333/eu-west-1/dynamodb".to_string()
            ),
            (
                "unknown-aws-managed-policy",
                "organization/accounts/333333333333/iam/get-account-authorization-details.json"
                    .to_string()
            ),
            (
                "unknown-file",
                "organization/accounts/333333333333/notes.txt".to_string()
            ),
        ],
        "{:#?}",
        inventory.warnings
    );
    let unknown = &inventory.warnings[1];
    assert_eq!(
        unknown.json_path,
        "RoleDetailList[0].AttachedManagedPolicies[1]"
    );
    assert!(unknown.line.is_some());
    assert!(
        unknown
            .message
            .contains("NoSuchPolicyInTheBundle (1 attachment)"),
        "{}",
        unknown.message
    );
}

#[test]
fn missing_pieces_are_warnings_that_say_what_is_missing() {
    let inventory = read("missing-pieces");
    let found = codes(&inventory);
    for expected in [
        ("collection-failures", "missing-pieces/collect-aws.log"),
        ("missing-account", "missing-pieces/accounts/222222222222"),
        (
            "missing-file",
            "missing-pieces/organizations/list-accounts-for-parent/ou-ab12-22222222.json",
        ),
        (
            "unused-file",
            "missing-pieces/organizations/list-policies-for-target/SERVICE_CONTROL_POLICY/333333333333.json",
        ),
    ] {
        assert!(
            found.iter().any(|(code, file)| *code == expected.0 && file == expected.1),
            "{expected:?} in {found:#?}"
        );
    }
    let organization = inventory.organization.as_ref().unwrap();
    assert!(!organization.contains_account("333333333333"));
    assert!(!inventory.account(PROD).unwrap().iam_collected);
}

#[test]
fn an_attached_policy_whose_content_was_not_collected_is_bad_input() {
    let error = read_inventory(&fixture("missing-describe-policy"), &Default::default())
        .expect_err("bad input");
    let IngestError::Invalid(problems) = &error else {
        panic!("{error}")
    };
    let message = problems.to_string();
    assert!(
        message.contains("SERVICE_CONTROL_POLICY/ou-ab12-11111111.json:"),
        "{message}"
    );
    assert!(
        message.contains("Policies[1]: policy p-euonly123 (DenyOutsideEU) is attached here"),
        "{message}"
    );
    assert!(
        message.contains("describe-policy/p-euonly123.json was not collected"),
        "{message}"
    );
}

#[test]
fn a_last_page_that_says_more_follow_is_a_warning() {
    let inventory = read("truncated-pages");
    let account = inventory.account("111111111111").unwrap();
    assert_eq!(account.users.keys().collect::<Vec<_>>(), ["carol", "dave"]);
    let found = codes(&inventory);
    assert!(
        found.iter().any(|(code, file)| *code == "missing-pages"
            && file.ends_with("get-account-authorization-details-2.json")),
        "{found:#?}"
    );
    assert!(
        !found.iter().any(|(_, file)| file.ends_with("-1.json")),
        "{found:#?}"
    );
}

#[test]
fn errors_inside_policy_strings_point_into_the_string() {
    let error =
        read_inventory(&fixture("bad-policy-string"), &Default::default()).expect_err("bad input");
    let IngestError::Invalid(problems) = &error else {
        panic!("{error}")
    };
    assert_eq!(problems.0.len(), 2, "{error}");
    let messages: Vec<String> = problems.0.iter().map(ToString::to_string).collect();
    // An invalid Effect inside the bucket policy string.
    let bucket_file =
        fixture("bad-policy-string/accounts/111111111111/s3/bad-bucket/get-bucket-policy.json");
    let effect = position_in_file(&bucket_file, "\\\"Alow\\\"");
    let expected = format!(
        "{}:{}:{}: Policy>Statement[0].Effect:",
        bucket_file.display(),
        effect.line,
        effect.column
    );
    assert!(
        messages
            .iter()
            .any(|message| message.starts_with(&expected)),
        "{expected}\n{messages:#?}"
    );
    // An unknown operator inside a URL-encoded inline policy.
    let details = fixture(
        "bad-policy-string/accounts/111111111111/iam/get-account-authorization-details.json",
    );
    let operator = position_in_file(&details, "%22StringEqualz%22");
    let expected = format!(
        "{}:{}:{}: RoleDetailList[0].RolePolicyList[0].PolicyDocument>Statement[0].Condition.StringEqualz:",
        details.display(),
        operator.line,
        operator.column
    );
    assert!(
        messages
            .iter()
            .any(|message| message.starts_with(&expected)),
        "{expected}\n{messages:#?}"
    );
}

#[test]
fn a_folder_of_one_account_has_no_organization() {
    let inventory = read("account-only");
    assert!(inventory.organization.is_none());
    assert!(inventory.warnings.is_empty(), "{:#?}", inventory.warnings);
    let scenario = inventory
        .scenario(
            "arn:aws:iam::111111111111:user/engineering/alice",
            "arn:aws:s3:::example-reports/reports/q1.csv",
        )
        .expect("projects");
    assert!(scenario.organization.is_none());
    // The kind is left to the ARN and each request, as in a scenario that
    // names none.
    assert_eq!(scenario.resource_kind, None);
}

#[test]
fn reading_twice_gives_the_same_summary() {
    let first = serde_json::to_string(&read("organization").summary()).unwrap();
    let second = serde_json::to_string(&read("organization").summary()).unwrap();
    assert_eq!(first, second);
}

// --- projection ---------------------------------------------------------

fn hand_written(name: &str) -> Scenario {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/files/ingest/projections")
        .join(name);
    Scenario::load(&path).unwrap_or_else(|error| panic!("{name}: {error}"))
}

fn assert_same_decisions(projected: &Scenario, written: &Scenario, requests: &[serde_json::Value]) {
    for request in requests {
        let spec = request_from_value(request).expect("request");
        let from_inventory = decide_in(projected, &spec).expect("projected decides");
        let by_hand = decide_in(written, &spec).expect("hand-written decides");
        assert_eq!(
            from_inventory.decision, by_hand.decision,
            "{request}: projected {:?}, hand-written {:?}",
            from_inventory.decision, by_hand.decision
        );
    }
}

#[test]
fn the_projected_scenario_decides_like_the_hand_written_one() {
    let inventory = read("organization");
    let secret = "arn:aws:secretsmanager:eu-west-1:222222222222:secret:prod/orders/db-a1B2c3";
    let projected = inventory
        .scenario("arn:aws:iam::222222222222:role/AppRuntime", secret)
        .expect("projects");
    assert!(projected.warnings.is_empty(), "{:#?}", projected.warnings);
    assert_eq!(projected.identity_policies.len(), 1);
    assert!(projected.permissions_boundary.is_some());
    assert_eq!(
        projected.resource_tags.get("team").map(String::as_str),
        Some("orders")
    );
    let written = hand_written("app-runtime-secret.json");
    let region = |region: &str| json!({"aws:RequestedRegion": region});
    let mut decisions = Vec::new();
    let requests = [
        json!({"action": "secretsmanager:GetSecretValue", "context": region("eu-west-1")}),
        json!({"action": "secretsmanager:GetSecretValue", "context": region("us-east-1")}),
        json!({"action": "secretsmanager:PutSecretValue", "context": region("eu-west-1")}),
        json!({"action": "sqs:SendMessage", "resource": "arn:aws:sqs:eu-west-1:222222222222:orders-queue", "context": region("eu-west-1")}),
        json!({"action": "s3:GetObject", "resource": "arn:aws:s3:::prod-artifacts/a", "context": region("eu-west-1")}),
        json!({"action": "organizations:LeaveOrganization", "resource": "*"}),
    ];
    assert_same_decisions(&projected, &written, &requests);
    for request in &requests[..2] {
        decisions.push(
            decide_in(&projected, &request_from_value(request).unwrap())
                .unwrap()
                .decision,
        );
    }
    // The requests tell the layers apart: the Region SCP decides the second.
    assert_ne!(decisions[0], decisions[1]);

    let key = "arn:aws:kms:eu-west-1:222222222222:key/1234abcd-12ab-34cd-56ef-1234567890ab";
    let session = "arn:aws:sts::222222222222:assumed-role/AppRuntime/worker-1";
    let projected = inventory.scenario(session, key).expect("projects");
    assert_eq!(
        projected.role_arn.as_deref(),
        Some("arn:aws:iam::222222222222:role/AppRuntime")
    );
    assert_eq!(
        projected
            .resource_policy
            .as_ref()
            .map(|policy| policy.name.as_str()),
        Some(key)
    );
    let written = hand_written("app-runtime-session-key.json");
    assert_same_decisions(
        &projected,
        &written,
        &[
            json!({"action": "kms:Decrypt", "context": region("eu-west-1")}),
            json!({"action": "kms:Encrypt", "context": region("eu-west-1")}),
            json!({"action": "kms:Decrypt", "context": region("ap-south-1")}),
            json!({"action": "kms:Decrypt", "principal": "arn:aws:sts::333333333333:assumed-role/Sandbox/x", "context": region("eu-west-1")}),
        ],
    );
}

#[test]
fn projection_resolves_groups_objects_roles_and_says_what_it_cannot_supply() {
    let inventory = read("organization");
    // A user: own inline + attached, then each group's, each managed policy once.
    let bob = inventory
        .scenario(
            "arn:aws:iam::111111111111:user/bob",
            "arn:aws:s3:::example-reports/reports/q1.csv",
        )
        .expect("bob");
    let names: Vec<&str> = bob
        .identity_policies
        .iter()
        .map(|policy| policy.name.as_str())
        .collect();
    assert_eq!(
        names,
        [
            "group/Developers/ReportsBucket",
            "arn:aws:iam::111111111111:policy/DeveloperBoundary",
            "arn:aws:iam::aws:policy/SecurityAudit"
        ]
    );
    // The bucket is not in the inventory: a warning, not a silent gap.
    assert!(bob
        .warnings
        .iter()
        .any(|warning| warning.code == "resource-outside-inventory"));
    // So is a role the inventory does not hold.
    let missing_role = inventory
        .scenario(
            "arn:aws:iam::111111111111:user/bob",
            "arn:aws:iam::111111111111:role/Missing",
        )
        .expect("bob");
    assert!(missing_role
        .warnings
        .iter()
        .any(|warning| warning.code == "resource-outside-inventory"));
    // An object of a collected bucket gets the bucket's policy.
    let object = inventory
        .scenario(
            "arn:aws:iam::222222222222:role/ci/Deploy",
            "arn:aws:s3:::prod-artifacts/build.zip",
        )
        .expect("deploy");
    assert_eq!(
        object
            .resource_policy
            .as_ref()
            .map(|policy| policy.name.as_str()),
        Some("arn:aws:s3:::prod-artifacts")
    );
    assert!(object.resource_policy.is_some());
    assert_eq!(object.request.resource_account.as_deref(), Some(PROD));
    assert_eq!(
        object.principal.as_deref(),
        Some("arn:aws:iam::222222222222:role/ci/Deploy")
    );
    // A role as the resource is its trust policy.
    let assume = inventory
        .scenario(
            "arn:aws:iam::111111111111:user/engineering/alice",
            "arn:aws:iam::222222222222:role/ci/Deploy",
        )
        .expect("alice");
    assert_eq!(
        assume
            .resource_policy
            .as_ref()
            .map(|policy| policy.name.as_str()),
        Some("role/Deploy/trust-policy")
    );
    assert!(assume.resource_policy.is_some());
    assert_eq!(
        assume.principal_tags.get("team").map(String::as_str),
        Some("payments")
    );
    assert!(assume.permissions_boundary.is_some());
    // An unresolved AWS managed policy is named in the scenario's warnings.
    let sandbox = inventory
        .scenario("arn:aws:iam::333333333333:role/Sandbox", "*")
        .expect("sandbox");
    assert!(sandbox
        .warnings
        .iter()
        .any(|warning| warning.code == "unresolved-managed-policy"
            && warning.message.contains("NoSuchPolicyInTheBundle")));
    // A service-linked role keeps its flag.
    let linked = inventory
        .scenario("arn:aws:iam::111111111111:role/aws-service-role/organizations.amazonaws.com/AWSServiceRoleForOrganizations", "*")
        .expect("linked");
    assert_eq!(linked.service_linked_role, Some(true));
    // Principals that are not there, or not on the path given.
    assert!(matches!(
        inventory.scenario("arn:aws:iam::111111111111:role/Nobody", "*"),
        Err(ProjectionError::UnknownRole { .. })
    ));
    assert!(matches!(
        inventory.scenario("arn:aws:iam::111111111111:user/alice", "*"),
        Err(ProjectionError::WrongPath { .. })
    ));
    assert!(matches!(
        inventory.scenario("bob", "*"),
        Err(ProjectionError::Principal(_))
    ));
    // Outside the inventory: projected without policies, with a warning.
    let outsider = inventory
        .scenario(
            "arn:aws:iam::999999999999:role/External",
            "arn:aws:s3:::prod-artifacts",
        )
        .expect("outsider");
    assert!(outsider.identity_policies.is_empty());
    assert!(outsider
        .warnings
        .iter()
        .any(|warning| warning.code == "principal-outside-inventory"));
    // A service principal has no identity side at all.
    assert!(inventory
        .scenario(
            "sns.amazonaws.com",
            "arn:aws:sqs:eu-west-1:222222222222:orders-queue"
        )
        .is_ok());
}

// --- iamz inventory -----------------------------------------------------

fn iamz(arguments: &[&str]) -> (i32, String, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_iamz"))
        .args(arguments)
        .output()
        .expect("runs");
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).to_string(),
        String::from_utf8_lossy(&output.stderr).to_string(),
    )
}

#[test]
fn iamz_inventory_prints_counts_per_kind_and_account_and_every_warning() {
    let folder = fixture("organization");
    let (code, text, _) = iamz(&["inventory", folder.to_str().unwrap()]);
    assert_eq!(code, 0, "{text}");
    assert!(text.contains("organization o-a1b2c3d4e5 (management account 111111111111): 2 OUs, 3 accounts, 3 SCP(s), 2 RCP(s)"), "{text}");
    assert!(
        text.contains("3 accounts: 2 users, 2 groups, 6 roles (1 service-linked)"),
        "{text}"
    );
    assert!(
        text.contains("7 resources (7 with a resource policy)"),
        "{text}"
    );
    assert!(text.contains("  222222222222 Prod [Root/Workloads]: 0 users, 0 groups, 3 roles, 1 customer managed; ecr-repository 1"), "{text}");
    assert!(text.contains("3 warnings:"), "{text}");
    assert!(text.contains("RoleDetailList[0].AttachedManagedPolicies[1]: managed policy arn:aws:iam::aws:policy/NoSuchPolicyInTheBundle"), "{text}");
    let (code, json_text, _) = iamz(&["inventory", folder.to_str().unwrap(), "--format", "json"]);
    assert_eq!(code, 0);
    let summary: serde_json::Value = serde_json::from_str(&json_text).expect("JSON");
    assert_eq!(summary["totals"]["roles"], 6);
    assert_eq!(summary["totals"]["resources_by_kind"]["s3-bucket"], 1);
    assert_eq!(
        summary["accounts"][1]["organization_path"],
        "Root/Workloads"
    );
    assert_eq!(summary["warnings"][1]["code"], "unknown-aws-managed-policy");
    assert_eq!(
        summary["warnings"][1]["json_path"],
        "RoleDetailList[0].AttachedManagedPolicies[1]"
    );
    assert!(summary["warnings"][1]["line"].is_number());
}

#[test]
fn iamz_inventory_exits_2_on_bad_input_with_every_problem_located() {
    let (code, _, errors) = iamz(&["inventory", fixture("bad-policy-string").to_str().unwrap()]);
    assert_eq!(code, 2, "{errors}");
    assert!(errors.contains("Policy>Statement[0].Effect"), "{errors}");
    assert!(errors.contains("2 problems"), "{errors}");
    let (code, _, errors) = iamz(&["inventory", "/nonexistent/collected"]);
    assert_eq!(code, 2);
    assert!(errors.contains("no such file or folder"), "{errors}");
    let (code, _, errors) = iamz(&[
        "inventory",
        fixture("organization")
            .join("collect-aws.log")
            .to_str()
            .unwrap(),
    ]);
    assert_eq!(code, 2);
    assert!(
        errors.contains("expected a folder of collected AWS CLI output"),
        "{errors}"
    );
    let (code, _, errors) = iamz(&[
        "inventory",
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("docs")
            .to_str()
            .unwrap(),
    ]);
    assert_eq!(code, 2);
    assert!(errors.contains("not a collected folder"), "{errors}");
}

// --- scripts/collect-aws ------------------------------------------------

#[test]
fn the_collection_script_is_valid_bash_and_lists_its_permissions() {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/collect-aws");
    let status = Command::new("bash")
        .arg("-n")
        .arg(&script)
        .status()
        .expect("bash runs");
    assert!(status.success());
    let text = std::fs::read_to_string(&script).unwrap();
    for permission in [
        "organizations:DescribeOrganization",
        "organizations:ListRoots",
        "organizations:ListOrganizationalUnitsForParent",
        "organizations:ListAccountsForParent",
        "organizations:ListPoliciesForTarget",
        "organizations:DescribePolicy",
        "iam:GetAccountAuthorizationDetails",
        "s3:GetBucketPolicy",
        "s3:GetBucketPublicAccessBlock",
        "s3:GetBucketOwnershipControls",
        "s3:GetAccountPublicAccessBlock",
        "kms:GetKeyPolicy",
        "lambda:GetPolicy",
        "sqs:GetQueueAttributes",
        "sns:GetTopicAttributes",
        "secretsmanager:GetResourcePolicy",
        "ecr:GetRepositoryPolicy",
    ] {
        assert!(
            text.contains(permission),
            "{permission} is not listed in scripts/collect-aws"
        );
    }
    let help = Command::new("bash")
        .arg(&script)
        .arg("--help")
        .output()
        .expect("runs");
    assert!(help.status.success(), "--help exits 0 without calling AWS");
    assert!(String::from_utf8_lossy(&help.stdout).contains("--account-only"));
}

// --- examples/collected-org ---------------------------------------------

#[test]
fn the_example_organization_reads_cleanly_and_projects_like_the_cross_account_example() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
    let inventory =
        read_inventory(&root.join("collected-org"), &Default::default()).expect("reads");
    assert!(inventory.warnings.is_empty(), "{:#?}", inventory.warnings);
    let projected = inventory
        .scenario(
            "arn:aws:sts::111111111111:assumed-role/Analyst/alice",
            "arn:aws:s3:::reports-prod/2026/q3.csv",
        )
        .expect("projects");
    assert!(projected.warnings.is_empty(), "{:#?}", projected.warnings);
    let written =
        Scenario::load(&root.join("cross-account-bucket/scenario.json")).expect("example scenario");
    let base = json!({"action": "s3:GetObject", "context": {"aws:RequestedRegion": "eu-west-1", "aws:SourceIp": "203.0.113.7"}});
    let requests_text =
        std::fs::read_to_string(root.join("cross-account-bucket/requests.jsonl")).unwrap();
    let mut requests = Vec::new();
    for line in requests_text.lines().filter(|line| !line.trim().is_empty()) {
        // The example's requests are laid over its scenario's request; the
        // projection has none, so the same base is laid under each.
        let mut request = base.clone();
        let given: serde_json::Value = serde_json::from_str(line).unwrap();
        for (key, value) in given.as_object().unwrap() {
            if key == "context" {
                for (context_key, context_value) in value.as_object().unwrap() {
                    request["context"][context_key] = context_value.clone();
                }
            } else if key != "id" {
                request[key] = value.clone();
            }
        }
        requests.push(request);
    }
    assert_eq!(requests.len(), 4);
    assert_same_decisions(&projected, &written, &requests);
}

fn on_path(tool: &str) -> bool {
    Command::new("sh")
        .arg("-c")
        .arg(format!("command -v {tool}"))
        .output()
        .is_ok_and(|output| output.status.success())
}

fn files_under(root: &Path) -> Vec<String> {
    let mut files = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(directory) = stack.pop() {
        for entry in std::fs::read_dir(&directory).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                files.push(path.strip_prefix(root).unwrap().display().to_string());
            }
        }
    }
    files.sort();
    files
}

#[test]
fn the_collection_script_writes_the_layout_the_reader_reads() {
    // The script needs jq; the stand-in for the AWS CLI is a Python script.
    if !(on_path("jq") && on_path("python3")) {
        eprintln!(
            "skipped: jq and python3 are needed to run scripts/collect-aws against the stand-in"
        );
        return;
    }
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let example = manifest.join("examples/collected-org");
    let work = tempfile::tempdir().expect("temporary folder");
    let output = work.path().join("collected");
    let calls = work.path().join("calls.txt");
    let path = format!(
        "{}:{}",
        manifest.join("tests/files/collect-aws").display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let run = Command::new("bash")
        .arg(manifest.join("scripts/collect-aws"))
        .arg("--role-name")
        .arg("SecurityAuditReadOnly")
        .arg(&output)
        .env("PATH", path)
        .env("FAKE_AWS_FOLDER", &example)
        .env("FAKE_AWS_ACCOUNT", "999999999999")
        .env("FAKE_AWS_CALLS", &calls)
        .env_remove("AWS_ACCESS_KEY_ID")
        .output()
        .expect("bash runs");
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    // Every file of the example is written, byte for byte; the only others
    // are tag listings AWS answers with an empty list.
    let written = files_under(&output);
    for file in files_under(&example) {
        if file == "README.md" {
            continue;
        }
        assert!(
            written.contains(&file),
            "{file} not written; written: {written:#?}"
        );
        assert_eq!(
            std::fs::read_to_string(output.join(&file)).unwrap(),
            std::fs::read_to_string(example.join(&file)).unwrap(),
            "{file}"
        );
    }
    for file in &written {
        if !example.join(file).exists() {
            assert!(
                file.ends_with("list-resource-tags.json"),
                "unexpected {file}"
            );
        }
    }
    assert_eq!(
        std::fs::read_to_string(output.join("collect-aws.log")).unwrap(),
        ""
    );
    // Only calls that read (and the role session) were made.
    let made = std::fs::read_to_string(&calls).unwrap();
    for call in made.lines() {
        // Options come in pairs (`--query Account`); the second word left is
        // the operation.
        let mut words = call.split_whitespace();
        let mut plain = Vec::new();
        while let Some(word) = words.next() {
            if word.starts_with("--") {
                words.next();
            } else {
                plain.push(word);
            }
        }
        let operation = plain.get(1).copied().unwrap_or_default();
        assert!(
            ["get-", "list-", "describe-"]
                .iter()
                .any(|prefix| operation.starts_with(prefix))
                || operation == "assume-role",
            "{call}"
        );
    }
    // What iamz reads from it is what it reads from the example.
    let from_script = read_inventory(&output, &Default::default())
        .expect("reads")
        .summary();
    let from_example = read_inventory(&example, &Default::default())
        .expect("reads")
        .summary();
    assert!(
        from_script.warnings.is_empty(),
        "{:#?}",
        from_script.warnings
    );
    assert_eq!(from_script.totals, from_example.totals);
    assert_eq!(from_script.accounts, from_example.accounts);
}
