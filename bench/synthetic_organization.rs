//! A large synthetic organization in the collected-folder layout of
//! docs/formats.md ("Collected AWS CLI output"), for the benchmarks that
//! read one: 1,000 accounts under 50 OUs (10 top-level OUs of 4 each), with
//! SCPs and RCPs from the example corpora attached at OUs; per account 10
//! roles (10,000) whose trust policies name the management account, a
//! service or an OIDC provider and whose permissions are AWS managed
//! policies attached by ARN and an inline policy, both drawn from the AWS
//! managed-policy corpus, a user and a group, two customer managed policies
//! (corpus documents, two versions), and 5 resource policies (5,000:
//! buckets with Block Public Access and Object Ownership, KMS keys, queues,
//! topics, and secrets, functions or repositories in turn). One account in
//! five has its IAM documents URL-encoded as the IAM API returns them, one
//! in ten on two pages. The content is drawn with a fixed seed: the same
//! folder on every run.

#![allow(dead_code)]

use iamz::policy::{parse_policy, PolicyKind};
use serde::Serialize;
use serde_json::{json, Value};
use std::path::{Path, PathBuf};

const ORGANIZATION: &str = "o-synth0000001";
const ROOT: &str = "r-s000";
const MANAGEMENT: &str = "100000000000";
pub const ACCOUNTS: usize = 1_000;
pub const TOP_UNITS: usize = 10;
pub const UNITS_PER_TOP: usize = 4;
pub const ROLES_PER_ACCOUNT: usize = 10;
pub const RESOURCES_PER_ACCOUNT: usize = 5;
const REGION: &str = "eu-west-1";

/// SplitMix64: a fixed, dependency-free stream of choices.
pub struct Choices(pub u64);

impl Choices {
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut value = self.0;
        value = (value ^ (value >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        value = (value ^ (value >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        value ^ (value >> 31)
    }

    pub fn below(&mut self, bound: usize) -> usize {
        (self.next() % bound as u64) as usize
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// The AWS CLI's JSON: four-space indentation.
fn write_json(path: &Path, value: &Value) {
    std::fs::create_dir_all(path.parent().expect("a parent")).expect("creates folders");
    let mut bytes = Vec::new();
    let formatter = serde_json::ser::PrettyFormatter::with_indent(b"    ");
    let mut serializer = serde_json::Serializer::with_formatter(&mut bytes, formatter);
    value.serialize(&mut serializer).expect("serializes");
    bytes.push(b'\n');
    std::fs::write(path, bytes).expect("writes");
}

fn url_encoded(document: &Value) -> Value {
    let text = document.to_string();
    let mut encoded = String::with_capacity(text.len() * 2);
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) {
            encoded.push(byte as char);
        } else {
            encoded.push_str(&format!("%{byte:02X}"));
        }
    }
    Value::String(encoded)
}

/// Policy documents of a corpus folder that iamz parses as `kind`.
fn corpus_folder(folder: &str, kind: PolicyKind) -> Vec<(String, Value)> {
    let directory = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/corpus")
        .join(folder);
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&directory)
        .unwrap_or_else(|error| panic!("{}: {error}", directory.display()))
        .filter_map(|entry| entry.ok().map(|entry| entry.path()))
        .filter(|path| {
            path.extension()
                .is_some_and(|extension| extension == "json")
        })
        .collect();
    paths.sort();
    paths
        .iter()
        .filter_map(|path| {
            let text = std::fs::read_to_string(path).ok()?;
            parse_policy(&text, "corpus", Some(kind)).ok()?;
            let document: Value = serde_json::from_str(&text).ok()?;
            Some((path.file_stem()?.to_string_lossy().to_string(), document))
        })
        .collect()
}

fn account_id(index: usize) -> String {
    format!("{:012}", 200_000_000_000u64 + index as u64)
}

struct Corpus {
    /// (ARN, document) of AWS managed policies small enough to be inline
    /// policies too (AWS's limit for a role's inline policies is 10,240
    /// characters).
    managed: Vec<(String, Value)>,
    scps: Vec<(String, Value)>,
    rcps: Vec<(String, Value)>,
}

/// The managed policies come from iamz's bundled copy of the corpus
/// (`encodings/aws-managed-policies/`), which keeps each policy's ARN.
fn load_corpus() -> Corpus {
    let bundle = include_str!("../encodings/aws-managed-policies/aws-managed-policies.jsonl");
    let mut managed = Vec::new();
    for line in bundle.lines() {
        let entry: Value = serde_json::from_str(line).expect("bundle line");
        let document = entry["document"].clone();
        if document.to_string().len() <= 10_240 {
            managed.push((
                entry["arn"].as_str().unwrap_or_default().to_string(),
                document,
            ));
        }
    }
    Corpus {
        managed,
        scps: corpus_folder("scp-examples", PolicyKind::Scp),
        rcps: corpus_folder("rcp-examples", PolicyKind::Rcp),
    }
}

fn organization_arn(kind: &str, id: &str) -> String {
    format!("arn:aws:organizations::{MANAGEMENT}:{kind}/{ORGANIZATION}/{id}")
}

fn policy_summary(id: &str, name: &str, filter: &str, aws_managed: bool) -> Value {
    let kind = filter.to_ascii_lowercase();
    json!({
        "Id": id,
        "Arn": if aws_managed {
            format!("arn:aws:organizations::aws:policy/{kind}/{id}")
        } else {
            format!("arn:aws:organizations::{MANAGEMENT}:policy/{ORGANIZATION}/{kind}/{id}")
        },
        "Name": name,
        "Description": name,
        "Type": filter,
        "AwsManaged": aws_managed,
    })
}

pub fn generate(folder: &Path) {
    let corpus = load_corpus();
    let mut choices = Choices(0x1A2B_3C4D_5E6F_7081);
    let _ = std::fs::remove_dir_all(folder);
    let organizations = folder.join("organizations");
    write_json(
        &organizations.join("describe-organization.json"),
        &json!({"Organization": {
            "Id": ORGANIZATION,
            "Arn": format!("arn:aws:organizations::{MANAGEMENT}:organization/{ORGANIZATION}"),
            "FeatureSet": "ALL",
            "MasterAccountArn": organization_arn("account", MANAGEMENT),
            "MasterAccountId": MANAGEMENT,
            "MasterAccountEmail": "management@example.com",
        }}),
    );
    write_json(
        &organizations.join("list-roots.json"),
        &json!({"Roots": [{
            "Id": ROOT, "Arn": organization_arn("root", ROOT), "Name": "Root",
            "PolicyTypes": [
                {"Type": "SERVICE_CONTROL_POLICY", "Status": "ENABLED"},
                {"Type": "RESOURCE_CONTROL_POLICY", "Status": "ENABLED"},
            ],
        }]}),
    );
    // Policies: the AWS defaults and the corpus examples.
    let full = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]});
    let mut scp_ids = vec![(
        "p-FullAWSAccess".to_string(),
        "FullAWSAccess".to_string(),
        true,
    )];
    write_json(
        &organizations.join("describe-policy/p-FullAWSAccess.json"),
        &json!({"Policy": {"PolicySummary": policy_summary("p-FullAWSAccess", "FullAWSAccess", "SERVICE_CONTROL_POLICY", true), "Content": serde_json::to_string_pretty(&full).unwrap()}}),
    );
    for (index, (name, document)) in corpus.scps.iter().enumerate() {
        let id = format!("p-scp{index:05}");
        let name: String = name
            .chars()
            .filter(char::is_ascii_alphanumeric)
            .take(60)
            .collect();
        write_json(
            &organizations.join(format!("describe-policy/{id}.json")),
            &json!({"Policy": {"PolicySummary": policy_summary(&id, &name, "SERVICE_CONTROL_POLICY", false), "Content": serde_json::to_string_pretty(document).unwrap()}}),
        );
        scp_ids.push((id, name, false));
    }
    let mut rcp_ids = vec![(
        "p-RCPFullAWSAccess".to_string(),
        "RCPFullAWSAccess".to_string(),
        true,
    )];
    for (index, (name, document)) in corpus.rcps.iter().enumerate() {
        let id = format!("p-rcp{index:05}");
        let name: String = name
            .chars()
            .filter(char::is_ascii_alphanumeric)
            .take(60)
            .collect();
        write_json(
            &organizations.join(format!("describe-policy/{id}.json")),
            &json!({"Policy": {"PolicySummary": policy_summary(&id, &name, "RESOURCE_CONTROL_POLICY", false), "Content": serde_json::to_string_pretty(document).unwrap()}}),
        );
        rcp_ids.push((id, name, false));
    }
    let attach = |choices: &mut Choices, target: &str, extra: usize| {
        for (filter, ids) in [
            ("SERVICE_CONTROL_POLICY", &scp_ids),
            ("RESOURCE_CONTROL_POLICY", &rcp_ids),
        ] {
            let mut attached = vec![ids[0].clone()];
            for _ in 0..extra {
                let policy = choices.pick(&ids[1..]).clone();
                if !attached.contains(&policy) {
                    attached.push(policy);
                }
            }
            let policies: Vec<Value> = attached
                .iter()
                .map(|(id, name, aws_managed)| policy_summary(id, name, filter, *aws_managed))
                .collect();
            write_json(
                &organizations.join(format!("list-policies-for-target/{filter}/{target}.json")),
                &json!({"Policies": policies}),
            );
        }
    };
    attach(&mut choices, ROOT, 1);
    // The tree: 10 top OUs of 4 each; accounts spread over the 40 leaves.
    let mut top_units = Vec::new();
    let mut leaves = Vec::new();
    for top in 0..TOP_UNITS {
        let id = format!("ou-s000-t{top:07}");
        top_units.push(
            json!({"Id": id, "Arn": organization_arn("ou", &id), "Name": format!("Division{top}")}),
        );
        attach(&mut choices, &id, 2);
        let mut children = Vec::new();
        for child in 0..UNITS_PER_TOP {
            let child_id = format!("ou-s000-c{top:03}{child:04}");
            children.push(json!({"Id": child_id, "Arn": organization_arn("ou", &child_id), "Name": format!("Team{top}-{child}")}));
            attach(&mut choices, &child_id, 1);
            write_json(
                &organizations.join(format!(
                    "list-organizational-units-for-parent/{child_id}.json"
                )),
                &json!({"OrganizationalUnits": []}),
            );
            leaves.push(child_id);
        }
        write_json(
            &organizations.join(format!("list-organizational-units-for-parent/{id}.json")),
            &json!({"OrganizationalUnits": children}),
        );
        write_json(
            &organizations.join(format!("list-accounts-for-parent/{id}.json")),
            &json!({"Accounts": []}),
        );
    }
    write_json(
        &organizations.join(format!("list-organizational-units-for-parent/{ROOT}.json")),
        &json!({"OrganizationalUnits": top_units}),
    );
    let account_entry = |id: &str, name: &str| json!({"Id": id, "Arn": organization_arn("account", id), "Email": format!("{name}@example.com"), "Name": name, "Status": "ACTIVE", "State": "ACTIVE", "JoinedMethod": "CREATED", "JoinedTimestamp": "2022-01-01T00:00:00+00:00"});
    write_json(
        &organizations.join(format!("list-accounts-for-parent/{ROOT}.json")),
        &json!({"Accounts": [account_entry(MANAGEMENT, "management")]}),
    );
    attach(&mut choices, MANAGEMENT, 0);
    let mut per_leaf: Vec<Vec<Value>> = vec![Vec::new(); leaves.len()];
    let accounts: Vec<String> = (0..ACCOUNTS - 1).map(account_id).collect();
    for (index, account) in accounts.iter().enumerate() {
        per_leaf[index % leaves.len()].push(account_entry(account, &format!("workload-{index}")));
        attach(&mut choices, account, usize::from(index % 7 == 0));
    }
    for (leaf, entries) in leaves.iter().zip(per_leaf) {
        write_json(
            &organizations.join(format!("list-accounts-for-parent/{leaf}.json")),
            &json!({"Accounts": entries}),
        );
    }
    let mut all_accounts = vec![MANAGEMENT.to_string()];
    all_accounts.extend(accounts);
    for (index, account) in all_accounts.iter().enumerate() {
        write_account(folder, &corpus, &mut choices, account, index);
    }
}

fn trust_policy(choices: &mut Choices) -> Value {
    let principal = match choices.below(3) {
        0 => json!({"AWS": format!("arn:aws:iam::{MANAGEMENT}:root")}),
        1 => {
            json!({"Service": *choices.pick(&["lambda.amazonaws.com", "ec2.amazonaws.com", "ecs-tasks.amazonaws.com"])})
        }
        _ => {
            json!({"Federated": format!("arn:aws:iam::{MANAGEMENT}:oidc-provider/token.actions.githubusercontent.com")})
        }
    };
    let action = if principal.get("Federated").is_some() {
        "sts:AssumeRoleWithWebIdentity"
    } else {
        "sts:AssumeRole"
    };
    let mut statement = json!({"Effect": "Allow", "Principal": principal, "Action": action});
    if action == "sts:AssumeRoleWithWebIdentity" {
        statement["Condition"] =
            json!({"StringLike": {"token.actions.githubusercontent.com:sub": "repo:example/*"}});
    }
    json!({"Version": "2012-10-17", "Statement": [statement]})
}

fn write_account(
    folder: &Path,
    corpus: &Corpus,
    choices: &mut Choices,
    account: &str,
    index: usize,
) {
    let directory = folder.join("accounts").join(account);
    let url_encode = index % 5 == 4;
    let encode = |document: &Value| {
        if url_encode {
            url_encoded(document)
        } else {
            document.clone()
        }
    };
    let managed_arns: Vec<&str> = corpus.managed.iter().map(|(arn, _)| arn.as_str()).collect();
    let mut roles = Vec::new();
    let customer: Vec<String> = (0..2)
        .map(|number| format!("arn:aws:iam::{account}:policy/Workload{number}"))
        .collect();
    for role in 0..ROLES_PER_ACCOUNT {
        let name = format!("workload-role-{role}");
        let path = if role == 0 {
            "/aws-service-role/ops.amazonaws.com/".to_string()
        } else if role % 3 == 0 {
            "/platform/".to_string()
        } else {
            "/".to_string()
        };
        let mut attached: Vec<Value> = (0..1 + choices.below(3))
            .map(|_| {
                let arn = *choices.pick(&managed_arns);
                json!({"PolicyName": arn.rsplit('/').next().unwrap_or(arn), "PolicyArn": arn})
            })
            .collect();
        if role % 4 == 1 {
            attached.push(json!({"PolicyName": "Workload0", "PolicyArn": customer[0]}));
        }
        let (inline_name, inline) = {
            let (arn, document) = choices.pick(&corpus.managed);
            (
                arn.rsplit('/').next().unwrap_or("inline").to_string(),
                document.clone(),
            )
        };
        let mut entry = json!({
            "Path": path,
            "RoleName": name,
            "RoleId": format!("AROA{index:08}{role:04}EXAMPLE"),
            "Arn": format!("arn:aws:iam::{account}:role{path}{name}"),
            "CreateDate": "2023-01-01T00:00:00+00:00",
            "AssumeRolePolicyDocument": encode(&trust_policy(choices)),
            "InstanceProfileList": [],
            "RolePolicyList": [{"PolicyName": inline_name, "PolicyDocument": encode(&inline)}],
            "AttachedManagedPolicies": attached,
            "Tags": [{"Key": "team", "Value": format!("team-{}", choices.below(40))}],
            "RoleLastUsed": {},
        });
        if role % 5 == 2 {
            entry["PermissionsBoundary"] =
                json!({"PermissionsBoundaryType": "Policy", "PermissionsBoundaryArn": customer[1]});
        }
        roles.push(entry);
    }
    let policies: Vec<Value> = customer
        .iter()
        .enumerate()
        .map(|(number, arn)| {
            let old = &choices.pick(&corpus.managed).1.clone();
            let current = &choices.pick(&corpus.managed).1.clone();
            json!({
                "PolicyName": format!("Workload{number}"),
                "PolicyId": format!("ANPA{index:08}{number:04}EXAMPLE"),
                "Arn": arn,
                "Path": "/",
                "DefaultVersionId": "v2",
                "AttachmentCount": 3,
                "PermissionsBoundaryUsageCount": 2,
                "IsAttachable": true,
                "CreateDate": "2023-01-01T00:00:00+00:00",
                "UpdateDate": "2024-01-01T00:00:00+00:00",
                "PolicyVersionList": [
                    {"Document": encode(current), "VersionId": "v2", "IsDefaultVersion": true, "CreateDate": "2024-01-01T00:00:00+00:00"},
                    {"Document": encode(old), "VersionId": "v1", "IsDefaultVersion": false, "CreateDate": "2023-01-01T00:00:00+00:00"},
                ],
            })
        })
        .collect();
    let user = json!({
        "Path": "/", "UserName": "ci-bot", "UserId": format!("AIDA{index:012}EXAMPLE"),
        "Arn": format!("arn:aws:iam::{account}:user/ci-bot"), "CreateDate": "2023-01-01T00:00:00+00:00",
        "UserPolicyList": [], "GroupList": ["Operators"],
        "AttachedManagedPolicies": [{"PolicyName": "ReadOnlyAccess", "PolicyArn": "arn:aws:iam::aws:policy/ReadOnlyAccess"}],
        "Tags": [],
    });
    let group = json!({
        "Path": "/", "GroupName": "Operators", "GroupId": format!("AGPA{index:012}EXAMPLE"),
        "Arn": format!("arn:aws:iam::{account}:group/Operators"), "CreateDate": "2023-01-01T00:00:00+00:00",
        "GroupPolicyList": [], "AttachedManagedPolicies": [{"PolicyName": "Workload0", "PolicyArn": customer[0]}],
    });
    let iam = directory.join("iam");
    if index % 10 == 9 {
        let (first, second) = roles.split_at(ROLES_PER_ACCOUNT / 2);
        write_json(
            &iam.join("get-account-authorization-details-1.json"),
            &json!({"UserDetailList": [user], "GroupDetailList": [group], "RoleDetailList": first, "Policies": [], "IsTruncated": true, "Marker": format!("marker-{index}")}),
        );
        write_json(
            &iam.join("get-account-authorization-details-2.json"),
            &json!({"UserDetailList": [], "GroupDetailList": [], "RoleDetailList": second, "Policies": policies, "IsTruncated": false}),
        );
    } else {
        write_json(
            &iam.join("get-account-authorization-details.json"),
            &json!({"UserDetailList": [user], "GroupDetailList": [group], "RoleDetailList": roles, "Policies": policies, "IsTruncated": false}),
        );
    }
    write_resources(&directory, choices, account, index);
}

fn write_resources(directory: &Path, choices: &mut Choices, account: &str, index: usize) {
    let reader = format!(
        "arn:aws:iam::{account}:role/workload-role-{}",
        1 + choices.below(ROLES_PER_ACCOUNT - 1)
    );
    let other = account_id(choices.below(ACCOUNTS - 1));
    let tls_only = |resources: Value| json!({"Sid": "TLSOnly", "Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": resources, "Condition": {"Bool": {"aws:SecureTransport": "false"}}});
    for number in 0..RESOURCES_PER_ACCOUNT {
        match number {
            0 => {
                let bucket = format!("synthetic-{account}-data");
                let folder = directory.join("s3").join(&bucket);
                let policy = json!({"Version": "2012-10-17", "Statement": [
                    {"Sid": "CrossAccountRead", "Effect": "Allow", "Principal": {"AWS": format!("arn:aws:iam::{other}:root")}, "Action": ["s3:GetObject", "s3:ListBucket"], "Resource": [format!("arn:aws:s3:::{bucket}"), format!("arn:aws:s3:::{bucket}/*")], "Condition": {"StringEquals": {"aws:PrincipalOrgID": ORGANIZATION}}},
                    tls_only(json!([format!("arn:aws:s3:::{bucket}"), format!("arn:aws:s3:::{bucket}/*")])),
                ]});
                write_json(
                    &folder.join("get-bucket-policy.json"),
                    &json!({"Policy": policy.to_string()}),
                );
                write_json(
                    &folder.join("get-public-access-block.json"),
                    &json!({"PublicAccessBlockConfiguration": {"BlockPublicAcls": true, "IgnorePublicAcls": true, "BlockPublicPolicy": !index.is_multiple_of(3), "RestrictPublicBuckets": !index.is_multiple_of(3)}}),
                );
                write_json(
                    &folder.join("get-bucket-ownership-controls.json"),
                    &json!({"OwnershipControls": {"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]}}),
                );
            }
            1 => {
                let key = format!("{:08x}-1111-2222-3333-{:012x}", index, index * 7 + 1);
                let policy = json!({"Version": "2012-10-17", "Id": "key-default-1", "Statement": [
                    {"Sid": "Enable IAM User Permissions", "Effect": "Allow", "Principal": {"AWS": format!("arn:aws:iam::{account}:root")}, "Action": "kms:*", "Resource": "*"},
                    {"Sid": "AllowUse", "Effect": "Allow", "Principal": {"AWS": reader}, "Action": ["kms:Decrypt", "kms:GenerateDataKey"], "Resource": "*", "Condition": {"StringEquals": {"kms:ViaService": format!("s3.{REGION}.amazonaws.com")}}},
                ]});
                write_json(
                    &directory.join(format!("{REGION}/kms/{key}/get-key-policy.json")),
                    &json!({"Policy": serde_json::to_string_pretty(&policy).unwrap(), "PolicyName": "default"}),
                );
            }
            2 => {
                let queue = format!("synthetic-queue-{index}");
                let arn = format!("arn:aws:sqs:{REGION}:{account}:{queue}");
                let policy = json!({"Version": "2012-10-17", "Id": format!("{arn}/SQSDefaultPolicy"), "Statement": [{"Effect": "Allow", "Principal": {"Service": "sns.amazonaws.com"}, "Action": "sqs:SendMessage", "Resource": arn, "Condition": {"ArnEquals": {"aws:SourceArn": format!("arn:aws:sns:{REGION}:{account}:synthetic-topic-{index}")}}}]});
                write_json(
                    &directory.join(format!("{REGION}/sqs/{queue}/get-queue-attributes.json")),
                    &json!({"Attributes": {"QueueArn": arn, "Policy": policy.to_string(), "VisibilityTimeout": "30"}}),
                );
            }
            3 => {
                let topic = format!("synthetic-topic-{index}");
                let arn = format!("arn:aws:sns:{REGION}:{account}:{topic}");
                let policy = json!({"Version": "2008-10-17", "Id": "__default_policy_ID", "Statement": [{"Sid": "__default_statement_ID", "Effect": "Allow", "Principal": {"AWS": "*"}, "Action": ["SNS:Publish", "SNS:Subscribe"], "Resource": arn, "Condition": {"StringEquals": {"AWS:SourceOwner": account}}}]});
                write_json(
                    &directory.join(format!("{REGION}/sns/{topic}/get-topic-attributes.json")),
                    &json!({"Attributes": {"Policy": policy.to_string(), "Owner": account, "TopicArn": arn}}),
                );
            }
            _ => match index % 3 {
                0 => {
                    let name = format!("synthetic/{index}/db");
                    let arn =
                        format!("arn:aws:secretsmanager:{REGION}:{account}:secret:{name}-AbCdEf");
                    let policy = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": reader}, "Action": "secretsmanager:GetSecretValue", "Resource": "*"}]});
                    write_json(
                        &directory.join(format!(
                            "{REGION}/secretsmanager/{}/get-resource-policy.json",
                            name.replace('/', "%2F")
                        )),
                        &json!({"ARN": arn, "Name": name, "ResourcePolicy": serde_json::to_string_pretty(&policy).unwrap()}),
                    );
                }
                1 => {
                    let function = format!("synthetic-function-{index}");
                    let arn = format!("arn:aws:lambda:{REGION}:{account}:function:{function}");
                    let policy = json!({"Version": "2012-10-17", "Id": "default", "Statement": [{"Sid": "Invoke", "Effect": "Allow", "Principal": {"Service": "events.amazonaws.com"}, "Action": "lambda:InvokeFunction", "Resource": arn, "Condition": {"ArnLike": {"AWS:SourceArn": format!("arn:aws:events:{REGION}:{account}:rule/*")}}}]});
                    write_json(
                        &directory.join(format!("{REGION}/lambda/{function}/get-policy.json")),
                        &json!({"Policy": policy.to_string(), "RevisionId": format!("{index:08}-0000-0000-0000-000000000000")}),
                    );
                }
                _ => {
                    let repository = format!("team/synthetic-{index}");
                    let policy = json!({"Version": "2008-10-17", "Statement": [{"Sid": "Pull", "Effect": "Allow", "Principal": {"AWS": format!("arn:aws:iam::{other}:root")}, "Action": ["ecr:GetDownloadUrlForLayer", "ecr:BatchGetImage"]}]});
                    write_json(
                        &directory.join(format!(
                            "{REGION}/ecr/{}/get-repository-policy.json",
                            repository.replace('/', "%2F")
                        )),
                        &json!({"registryId": account, "repositoryName": repository, "policyText": serde_json::to_string_pretty(&policy).unwrap()}),
                    );
                }
            },
        }
    }
}
