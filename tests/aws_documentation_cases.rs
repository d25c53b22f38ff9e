//! Cases from the AWS documentation, one row each, with the page it comes
//! from. Every row builds a small scenario, decides one request with the
//! reference evaluator, and checks the exact decision AWS documents.

mod common;

use common::decide;
use iamz::eval::Decision;
use iamz::eval::Decision::{Allow, ExplicitDeny, ImplicitDeny};
use serde_json::{json, Value};

const ACTION: &str =
    "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_action.html";
const NOT_ACTION: &str =
    "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notaction.html";
const RESOURCE: &str =
    "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html";
const NOT_RESOURCE: &str =
    "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notresource.html";
const OPERATORS: &str = "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html";
const CONDITION: &str =
    "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition.html";
const MULTI_VALUED: &str = "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html";
const MULTI_VALUE_LOGIC: &str =
    "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_multi-value-conditions.html";
const VARIABLES: &str =
    "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html";
const GLOBAL_KEYS: &str =
    "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html";
const PRINCIPAL: &str =
    "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html";
const NOT_PRINCIPAL: &str = "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notprincipal.html";
const EVALUATION: &str =
    "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html";
const CROSS_ACCOUNT: &str = "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic-cross-account.html";
const BOUNDARIES: &str =
    "https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html";
const SESSION_POLICIES: &str =
    "https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies.html#policies_session";
const SCPS: &str =
    "https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps.html";
const SCP_EVALUATION: &str = "https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps_evaluation.html";
const RCPS: &str =
    "https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps.html";
const RCP_EVALUATION: &str = "https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps_evaluation.html";
const ENDPOINTS: &str =
    "https://docs.aws.amazon.com/vpc/latest/privatelink/vpc-endpoints-access.html";
const KMS: &str = "https://docs.aws.amazon.com/kms/latest/developerguide/key-policies.html";
const ASSUME_ROLE: &str = "https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html";
const S3_TAGS: &str =
    "https://docs.aws.amazon.com/AmazonS3/latest/userguide/tagging-and-policies.html";

const A: &str = "111111111111";
const B: &str = "222222222222";
const MANAGEMENT: &str = "333333333333";
const OUTSIDE: &str = "999999999999";
const ORG_ID: &str = "o-a1b2c3d4e5";

const ALICE: &str = "arn:aws:iam::111111111111:user/alice";
const DEV_ALICE: &str = "arn:aws:sts::111111111111:assumed-role/Dev/alice";
const DEV_ROLE: &str = "arn:aws:iam::111111111111:role/Dev";
const OBJECT: &str = "arn:aws:s3:::b/k";

struct Row {
    id: String,
    source: &'static str,
    scenario: Value,
    request: Value,
    expect: Decision,
}

fn policy(statements: Value) -> Value {
    json!({"Version": "2012-10-17", "Statement": statements})
}

fn allow(action: &str, resource: &str) -> Value {
    json!({"Effect": "Allow", "Action": action, "Resource": resource})
}

/// A principal with identity policy statements, acting in account A.
fn identity(principal: &str, statements: Value) -> Value {
    json!({
        "principal": {"arn": principal, "identity_policies": [policy(statements)]},
        "resource": {"account": A}
    })
}

fn request(action: &str, resource: &str) -> Value {
    json!({"action": action, "resource": resource})
}

fn request_with(action: &str, resource: &str, context: Value) -> Value {
    json!({"action": action, "resource": resource, "context": context})
}

/// Alice may `s3:GetObject` anything when `condition` holds.
fn conditioned(condition: Value) -> Value {
    identity(
        ALICE,
        json!([{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*", "Condition": condition}]),
    )
}

/// An organization: root → OU `Workloads` → accounts A and B, and the
/// management account under the root. `scps`/`rcps` map node ids to the
/// names attached there (others get the full-access defaults).
fn organization(scps: Value, rcps: Value, policies: Value) -> Value {
    let attached = |table: &Value, kind: &str, node: &str| -> Option<(String, Value)> {
        table
            .get(node)
            .map(|names| (kind.to_string(), names.clone()))
    };
    let node = |id: &str, name: &str, children: Option<Vec<Value>>| {
        let mut object = serde_json::Map::new();
        object.insert("id".into(), json!(id));
        object.insert("name".into(), json!(name));
        for (kind, names) in [attached(&scps, "scps", id), attached(&rcps, "rcps", id)]
            .into_iter()
            .flatten()
        {
            object.insert(kind, names);
        }
        if let Some(children) = children {
            object.insert("children".into(), Value::Array(children));
        }
        Value::Object(object)
    };
    let workloads = node(
        "ou-root-workload",
        "Workloads",
        Some(vec![node(A, "a", None), node(B, "b", None)]),
    );
    let root = node(
        "r-root",
        "root",
        Some(vec![workloads, node(MANAGEMENT, "management", None)]),
    );
    json!({"id": ORG_ID, "management_account": MANAGEMENT, "root": root, "policies": policies})
}

fn with_org(mut scenario: Value, org: Value) -> Value {
    scenario["organization"] = org;
    scenario
}

fn deny_all() -> Value {
    policy(json!([{"Effect": "Deny", "Action": "*", "Resource": "*"}]))
}

fn rows() -> Vec<Row> {
    let mut rows = Vec::new();
    let mut add = |id: &str, source: &'static str, scenario: Value, request: Value, expect| {
        rows.push(Row {
            id: id.to_string(),
            source,
            scenario,
            request,
            expect,
        })
    };

    // ---- Action / NotAction -------------------------------------------------
    let any = |action: &str| identity(ALICE, json!([allow(action, "*")]));
    add(
        "A1 action names ignore case",
        ACTION,
        any("IAM:listaccesskeys"),
        request("iam:ListAccessKeys", "arn:aws:iam::111111111111:user/alice"),
        Allow,
    );
    add(
        "A1b request action case ignored",
        ACTION,
        any("s3:GetObject"),
        request("S3:GETOBJECT", OBJECT),
        Allow,
    );
    add(
        "A2 * inside the action name",
        ACTION,
        any("iam:*AccessKey*"),
        request("iam:CreateAccessKey", ALICE),
        Allow,
    );
    add(
        "A2b * inside the name, other action",
        ACTION,
        any("iam:*AccessKey*"),
        request("iam:GetUser", ALICE),
        ImplicitDeny,
    );
    add(
        "A3 ? is one character",
        ACTION,
        any("ec2:Describe?nstances"),
        request(
            "ec2:DescribeInstances",
            "arn:aws:ec2:us-east-1:111111111111:instance/i-1",
        ),
        Allow,
    );
    add(
        "A3b ? is exactly one character",
        ACTION,
        any("ec2:Describe?nstances"),
        request(
            "ec2:DescribeXXInstances",
            "arn:aws:ec2:us-east-1:111111111111:instance/i-1",
        ),
        ImplicitDeny,
    );
    add(
        "A4 s3:* is not s3express:*",
        ACTION,
        any("s3:*"),
        request(
            "s3express:CreateSession",
            "arn:aws:s3express:us-east-1:111111111111:bucket/b--use1-az4--x-s3",
        ),
        ImplicitDeny,
    );
    add(
        "A4b * matches every service",
        ACTION,
        any("*"),
        request(
            "s3express:CreateSession",
            "arn:aws:s3express:us-east-1:111111111111:bucket/b--use1-az4--x-s3",
        ),
        Allow,
    );
    let not_iam = identity(
        ALICE,
        json!([{"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}]),
    );
    add(
        "A5 Allow NotAction iam:* leaves IAM out",
        NOT_ACTION,
        not_iam.clone(),
        request("iam:CreateUser", "arn:aws:iam::111111111111:user/x"),
        ImplicitDeny,
    );
    add(
        "A5b Allow NotAction iam:* grants the rest",
        NOT_ACTION,
        not_iam,
        request("s3:GetObject", OBJECT),
        Allow,
    );
    let not_delete = identity(
        ALICE,
        json!([{"Effect": "Allow", "NotAction": "s3:DeleteBucket", "Resource": "arn:aws:s3:::*"}]),
    );
    add(
        "A6 NotAction still scoped by Resource",
        NOT_ACTION,
        not_delete.clone(),
        request("s3:GetObject", OBJECT),
        Allow,
    );
    add(
        "A6b NotAction does not reach other resources",
        NOT_ACTION,
        not_delete.clone(),
        request(
            "ec2:RunInstances",
            "arn:aws:ec2:us-east-1:111111111111:instance/i-1",
        ),
        ImplicitDeny,
    );
    add(
        "A6c the listed action is not granted",
        NOT_ACTION,
        not_delete,
        request("s3:DeleteBucket", "arn:aws:s3:::b"),
        ImplicitDeny,
    );
    let mfa = identity(
        ALICE,
        json!([
            {"Effect": "Allow", "Action": "*", "Resource": "*"},
            {"Effect": "Deny", "NotAction": "iam:*", "Resource": "*", "Condition": {"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}}}
        ]),
    );
    add(
        "A7 Deny NotAction spares the listed actions",
        NOT_ACTION,
        mfa.clone(),
        request("iam:ListUsers", "arn:aws:iam::111111111111:user/x"),
        Allow,
    );
    add(
        "A7b Deny NotAction without MFA denies the rest",
        NOT_ACTION,
        mfa.clone(),
        request("s3:ListBucket", "arn:aws:s3:::b"),
        ExplicitDeny,
    );
    add(
        "A7c Deny NotAction with MFA does not apply",
        NOT_ACTION,
        mfa,
        request_with(
            "s3:ListBucket",
            "arn:aws:s3:::b",
            json!({"aws:MultiFactorAuthPresent": "true"}),
        ),
        Allow,
    );

    // ---- Resource / NotResource ---------------------------------------------
    let on = |pattern: &str| identity(ALICE, json!([allow("s3:GetObject", pattern)]));
    let get = |resource: &str| request("s3:GetObject", resource);
    add(
        "R1 prefix glob",
        RESOURCE,
        on("arn:aws:s3:::reports/*"),
        get("arn:aws:s3:::reports/2026/q3.csv"),
        Allow,
    );
    add(
        "R2 resources are case-sensitive",
        RESOURCE,
        on("arn:aws:s3:::reports/*"),
        get("arn:aws:s3:::Reports/2026/q3.csv"),
        ImplicitDeny,
    );
    add(
        "R3 bucket/* does not match the bucket",
        RESOURCE,
        on("arn:aws:s3:::reports/*"),
        get("arn:aws:s3:::reports"),
        ImplicitDeny,
    );
    add(
        "R4 * spans slashes",
        RESOURCE,
        on("arn:aws:s3:::b/*/test/*"),
        get("arn:aws:s3:::b/1/2/test/3/o.jpg"),
        Allow,
    );
    add(
        "R4b * may be empty",
        RESOURCE,
        on("arn:aws:s3:::b/*/test/*"),
        get("arn:aws:s3:::b//test/o.jpg"),
        Allow,
    );
    add(
        "R4c literal parts must appear",
        RESOURCE,
        on("arn:aws:s3:::b/*/test/*"),
        get("arn:aws:s3:::b/1-test/o.jpg"),
        ImplicitDeny,
    );
    add(
        "R5 segment-final * crosses colons",
        RESOURCE,
        identity(
            ALICE,
            json!([allow(
                "lambda:InvokeFunction",
                "arn:aws:lambda:us-east-1:111111111111:function:*"
            )]),
        ),
        request(
            "lambda:InvokeFunction",
            "arn:aws:lambda:us-east-1:111111111111:function:f:PROD",
        ),
        Allow,
    );
    add(
        "R7 * in the account segment",
        RESOURCE,
        identity(
            ALICE,
            json!([allow("iam:GetRole", "arn:aws:iam::*:role/Admin")]),
        ),
        request("iam:GetRole", "arn:aws:iam::111111111111:role/Admin"),
        Allow,
    );
    add(
        "R8 * alone matches every resource",
        RESOURCE,
        on("*"),
        get("arn:aws:s3:::any-bucket/any/key"),
        Allow,
    );
    add(
        "R11 short pattern ending in * covers longer ARNs",
        RESOURCE,
        identity(ALICE, json!([allow("iam:GetUser", "arn:aws:iam::*")])),
        request("iam:GetUser", "arn:aws:iam::111111111111:user/bob"),
        Allow,
    );
    add(
        "R13 ? matches one character",
        RESOURCE,
        on("arn:aws:s3:::b?cket/*"),
        get("arn:aws:s3:::bucket/k"),
        Allow,
    );
    add(
        "R14 bucket glob widens across buckets",
        RESOURCE,
        on("arn:aws:s3:::reports*"),
        get("arn:aws:s3:::reports-archive/k"),
        Allow,
    );
    add(
        "R15 bucket ARN does not cover objects",
        RESOURCE,
        on("arn:aws:s3:::reports"),
        get("arn:aws:s3:::reports/k"),
        ImplicitDeny,
    );
    let hr = identity(
        ALICE,
        json!([
            allow("s3:*", "*"),
            {"Effect": "Deny", "Action": "s3:*", "NotResource": ["arn:aws:s3:::HRBucket/Payroll", "arn:aws:s3:::HRBucket/Payroll/*"]}
        ]),
    );
    add(
        "R9 Deny NotResource spares the listed",
        NOT_RESOURCE,
        hr.clone(),
        get("arn:aws:s3:::HRBucket/Payroll/a"),
        Allow,
    );
    add(
        "R9b Deny NotResource denies the rest",
        NOT_RESOURCE,
        hr,
        get("arn:aws:s3:::HRBucket/Other/a"),
        ExplicitDeny,
    );
    let not_hr = identity(
        ALICE,
        json!([{"Effect": "Allow", "Action": "*", "NotResource": "arn:aws:s3:::HRBucket"}]),
    );
    add(
        "R10 Allow NotResource grants everything else",
        NOT_RESOURCE,
        not_hr.clone(),
        request("iam:PutUserPolicy", "arn:aws:iam::111111111111:user/x"),
        Allow,
    );
    add(
        "R10b Allow NotResource leaves the listed out",
        NOT_RESOURCE,
        not_hr,
        request("s3:ListBucket", "arn:aws:s3:::HRBucket"),
        ImplicitDeny,
    );

    // ---- Condition operators ------------------------------------------------
    let ctx = |context: Value| request_with("s3:GetObject", OBJECT, context);
    let no_ctx = || request("s3:GetObject", OBJECT);
    let c = |operator: &str, key: &str, value: Value| conditioned(json!({operator: {key: value}}));
    // String
    add(
        "C1 StringEquals is case-sensitive",
        OPERATORS,
        c("StringEquals", "aws:username", json!("alice")),
        ctx(json!({"aws:username": "Alice"})),
        ImplicitDeny,
    );
    add(
        "C1b StringEquals on the derived user name",
        OPERATORS,
        c("StringEquals", "aws:username", json!("alice")),
        no_ctx(),
        Allow,
    );
    add(
        "C2 StringEqualsIgnoreCase",
        OPERATORS,
        c("StringEqualsIgnoreCase", "aws:username", json!("ALICE")),
        no_ctx(),
        Allow,
    );
    add(
        "C2b StringNotEqualsIgnoreCase",
        OPERATORS,
        c("StringNotEqualsIgnoreCase", "aws:username", json!("ALICE")),
        no_ctx(),
        ImplicitDeny,
    );
    add(
        "C3 StringEquals takes no wildcards",
        OPERATORS,
        c("StringEquals", "s3:prefix", json!("home/*")),
        ctx(json!({"s3:prefix": "home/a"})),
        ImplicitDeny,
    );
    add(
        "C3b StringEquals: * is a literal",
        OPERATORS,
        c("StringEquals", "s3:prefix", json!("home/*")),
        ctx(json!({"s3:prefix": "home/*"})),
        Allow,
    );
    add(
        "C3c StringLike takes wildcards",
        OPERATORS,
        c("StringLike", "s3:prefix", json!("home/*")),
        ctx(json!({"s3:prefix": "home/a"})),
        Allow,
    );
    add(
        "C3d StringLike ? is one character",
        OPERATORS,
        c("StringLike", "s3:prefix", json!("home/?")),
        ctx(json!({"s3:prefix": "home/ab"})),
        ImplicitDeny,
    );
    add(
        "C3e StringNotLike",
        OPERATORS,
        c("StringNotLike", "s3:prefix", json!("home/*")),
        ctx(json!({"s3:prefix": "tmp/a"})),
        Allow,
    );
    let team = |value: Option<&str>| {
        let mut scenario = c(
            "StringNotEquals",
            "aws:PrincipalTag/team",
            json!(["a", "b"]),
        );
        if let Some(value) = value {
            scenario["principal"]["tags"] = json!({"team": value});
        }
        scenario
    };
    add(
        "C4 negated operator: no value matches",
        MULTI_VALUE_LOGIC,
        team(Some("c")),
        no_ctx(),
        Allow,
    );
    add(
        "C4b negated operator: a value matches (NOR)",
        MULTI_VALUE_LOGIC,
        team(Some("a")),
        no_ctx(),
        ImplicitDeny,
    );
    add(
        "C4c negated operator: key absent is true",
        OPERATORS,
        team(None),
        no_ctx(),
        Allow,
    );
    let two_keys = conditioned(
        json!({"StringEquals": {"aws:SourceVpce": "vpce-1", "aws:PrincipalAccount": "111111111111"}}),
    );
    add(
        "C5 keys in a block are ANDed",
        MULTI_VALUE_LOGIC,
        two_keys.clone(),
        ctx(json!({"aws:SourceVpce": "vpce-1", "aws:PrincipalAccount": "222222222222"})),
        ImplicitDeny,
    );
    add(
        "C5b keys in a block, both hold",
        MULTI_VALUE_LOGIC,
        two_keys,
        ctx(json!({"aws:SourceVpce": "vpce-1"})),
        Allow,
    );
    let two_blocks = conditioned(
        json!({"StringLike": {"s3:prefix": "home/*"}, "IpAddress": {"aws:SourceIp": "203.0.113.0/24"}}),
    );
    add(
        "C6 blocks are ANDed",
        MULTI_VALUE_LOGIC,
        two_blocks.clone(),
        ctx(json!({"s3:prefix": "home/a", "aws:SourceIp": "198.51.100.7"})),
        ImplicitDeny,
    );
    add(
        "C6b blocks, both hold",
        MULTI_VALUE_LOGIC,
        two_blocks,
        ctx(json!({"s3:prefix": "home/a", "aws:SourceIp": "203.0.113.9"})),
        Allow,
    );
    add(
        "C6c values for one key are ORed",
        MULTI_VALUE_LOGIC,
        c("StringEquals", "s3:prefix", json!(["a", "b"])),
        ctx(json!({"s3:prefix": "b"})),
        Allow,
    );
    // IP
    add(
        "C7 bare address is /32",
        OPERATORS,
        c("IpAddress", "aws:SourceIp", json!("203.0.113.5")),
        ctx(json!({"aws:SourceIp": "203.0.113.5"})),
        Allow,
    );
    add(
        "C7b bare address is /32, neighbour",
        OPERATORS,
        c("IpAddress", "aws:SourceIp", json!("203.0.113.5")),
        ctx(json!({"aws:SourceIp": "203.0.113.6"})),
        ImplicitDeny,
    );
    add(
        "C7c IPv6 range",
        OPERATORS,
        c(
            "IpAddress",
            "aws:SourceIp",
            json!("2001:DB8:1234:5678::/64"),
        ),
        ctx(json!({"aws:SourceIp": "2001:db8:1234:5678::1"})),
        Allow,
    );
    add(
        "C7d IPv6 outside the range",
        OPERATORS,
        c(
            "IpAddress",
            "aws:SourceIp",
            json!("2001:DB8:1234:5678::/64"),
        ),
        ctx(json!({"aws:SourceIp": "2001:db8:1234:5679::1"})),
        ImplicitDeny,
    );
    add(
        "C7e NotIpAddress inside the range",
        OPERATORS,
        c(
            "NotIpAddress",
            "aws:SourceIp",
            json!(["192.0.2.0/24", "203.0.113.0/24"]),
        ),
        ctx(json!({"aws:SourceIp": "203.0.113.7"})),
        ImplicitDeny,
    );
    add(
        "C7f NotIpAddress outside the ranges",
        OPERATORS,
        c(
            "NotIpAddress",
            "aws:SourceIp",
            json!(["192.0.2.0/24", "203.0.113.0/24"]),
        ),
        ctx(json!({"aws:SourceIp": "198.51.100.1"})),
        Allow,
    );
    add(
        "C7g IpAddress with the key absent",
        OPERATORS,
        c("IpAddress", "aws:SourceIp", json!("0.0.0.0/0")),
        no_ctx(),
        ImplicitDeny,
    );
    add(
        "C7h NotIpAddress with the key absent",
        OPERATORS,
        c("NotIpAddress", "aws:SourceIp", json!("203.0.113.0/24")),
        no_ctx(),
        Allow,
    );
    add(
        "C7i IPv4 range never holds an IPv6 address",
        OPERATORS,
        c("IpAddress", "aws:SourceIp", json!("0.0.0.0/0")),
        ctx(json!({"aws:SourceIp": "2001:db8::1"})),
        ImplicitDeny,
    );
    // Numeric
    add(
        "C8 NumericLessThanEquals, equal",
        OPERATORS,
        c("NumericLessThanEquals", "s3:max-keys", json!("10")),
        ctx(json!({"s3:max-keys": "10"})),
        Allow,
    );
    add(
        "C8b NumericLessThanEquals, above",
        OPERATORS,
        c("NumericLessThanEquals", "s3:max-keys", json!("10")),
        ctx(json!({"s3:max-keys": "10.5"})),
        ImplicitDeny,
    );
    add(
        "C8c NumericLessThanEquals, absent",
        OPERATORS,
        c("NumericLessThanEquals", "s3:max-keys", json!("10")),
        no_ctx(),
        ImplicitDeny,
    );
    add(
        "C8d NumericEquals compares values, not text",
        OPERATORS,
        c("NumericEquals", "s3:max-keys", json!("10")),
        ctx(json!({"s3:max-keys": "10.0"})),
        Allow,
    );
    add(
        "C8e NumericNotEquals, absent key is true",
        OPERATORS,
        c("NumericNotEquals", "s3:max-keys", json!("10")),
        no_ctx(),
        Allow,
    );
    add(
        "C8f NumericGreaterThan",
        OPERATORS,
        c("NumericGreaterThan", "s3:max-keys", json!("9")),
        ctx(json!({"s3:max-keys": "100"})),
        Allow,
    );
    add(
        "C8g NumericLessThan, not less",
        OPERATORS,
        c("NumericLessThan", "s3:max-keys", json!("100")),
        ctx(json!({"s3:max-keys": "100"})),
        ImplicitDeny,
    );
    add(
        "C8h NumericGreaterThanEquals",
        OPERATORS,
        c("NumericGreaterThanEquals", "s3:max-keys", json!("-1.5")),
        ctx(json!({"s3:max-keys": "-1.25"})),
        Allow,
    );
    add(
        "C8i aws:EpochTime with a numeric operator",
        GLOBAL_KEYS,
        c("NumericLessThan", "aws:EpochTime", json!("1800000000")),
        no_ctx(),
        Allow,
    );
    // Date
    let after_2026 = |value: &str| c("DateGreaterThan", "aws:CurrentTime", json!(value));
    add(
        "C9 DateGreaterThan, ISO 8601",
        OPERATORS,
        after_2026("2026-01-01T00:00:00Z"),
        ctx(json!({"aws:CurrentTime": "2026-03-01T00:00:00Z"})),
        Allow,
    );
    add(
        "C9b DateGreaterThan, epoch seconds",
        OPERATORS,
        after_2026("1767225600"),
        ctx(json!({"aws:CurrentTime": "2026-03-01T00:00:00Z"})),
        Allow,
    );
    add(
        "C9c DateGreaterThan, before",
        OPERATORS,
        after_2026("2026-01-01T00:00:00Z"),
        ctx(json!({"aws:CurrentTime": "2025-12-31T23:59:59Z"})),
        ImplicitDeny,
    );
    add(
        "C9d DateLessThan on the request time",
        OPERATORS,
        c(
            "DateLessThan",
            "aws:CurrentTime",
            json!("2027-01-01T00:00:00Z"),
        ),
        no_ctx(),
        Allow,
    );
    add(
        "C9e DateGreaterThanEquals on the request time",
        OPERATORS,
        c(
            "DateGreaterThanEquals",
            "aws:CurrentTime",
            json!("2027-01-01"),
        ),
        no_ctx(),
        ImplicitDeny,
    );
    add(
        "C9f DateEquals, same instant in two forms",
        OPERATORS,
        c(
            "DateEquals",
            "aws:TokenIssueTime",
            json!("2026-03-01T00:00:00Z"),
        ),
        ctx(json!({"aws:TokenIssueTime": "1772323200"})),
        Allow,
    );
    add(
        "C9g DateNotEquals, absent key is true",
        OPERATORS,
        c(
            "DateNotEquals",
            "aws:TokenIssueTime",
            json!("2026-03-01T00:00:00Z"),
        ),
        no_ctx(),
        Allow,
    );
    add(
        "C9h DateLessThanEquals, absent key is false",
        OPERATORS,
        c(
            "DateLessThanEquals",
            "aws:TokenIssueTime",
            json!("2030-01-01T00:00:00Z"),
        ),
        no_ctx(),
        ImplicitDeny,
    );
    // Bool
    add(
        "C18 Bool false matches false",
        OPERATORS,
        c("Bool", "aws:SecureTransport", json!("false")),
        ctx(json!({"aws:SecureTransport": "false"})),
        Allow,
    );
    add(
        "C18b Bool false does not match true",
        OPERATORS,
        c("Bool", "aws:SecureTransport", json!("false")),
        no_ctx(),
        ImplicitDeny,
    );
    add(
        "C18c Bool with the key absent",
        GLOBAL_KEYS,
        c("Bool", "aws:MultiFactorAuthPresent", json!("false")),
        no_ctx(),
        ImplicitDeny,
    );
    add(
        "C18d BoolIfExists with the key absent",
        GLOBAL_KEYS,
        c("BoolIfExists", "aws:MultiFactorAuthPresent", json!("false")),
        no_ctx(),
        Allow,
    );
    add(
        "C18e Bool with a JSON boolean",
        OPERATORS,
        c("Bool", "aws:SecureTransport", json!(true)),
        no_ctx(),
        Allow,
    );
    // Binary
    add(
        "C25 BinaryEquals, same bytes",
        OPERATORS,
        c(
            "BinaryEquals",
            "key:binary",
            json!("QmluYXJ5VmFsdWVJbkJhc2U2NA=="),
        ),
        ctx(json!({"key:binary": "QmluYXJ5VmFsdWVJbkJhc2U2NA=="})),
        Allow,
    );
    add(
        "C25b BinaryEquals, other bytes",
        OPERATORS,
        c(
            "BinaryEquals",
            "key:binary",
            json!("QmluYXJ5VmFsdWVJbkJhc2U2NA=="),
        ),
        ctx(json!({"key:binary": "b3RoZXI="})),
        ImplicitDeny,
    );
    add(
        "C25c BinaryEquals, key absent",
        OPERATORS,
        c(
            "BinaryEquals",
            "key:binary",
            json!("QmluYXJ5VmFsdWVJbkJhc2U2NA=="),
        ),
        no_ctx(),
        ImplicitDeny,
    );
    // ARN
    let source_arn =
        "arn:aws:someservice:us-east-2:999999999999:store/abc:111122223333:finance/document.txt";
    add(
        "C10 ArnLike compares components",
        OPERATORS,
        c(
            "ArnLike",
            "aws:SourceArn",
            json!("arn:aws:someservice:*:111122223333:finance/*"),
        ),
        ctx(json!({"aws:SourceArn": source_arn})),
        ImplicitDeny,
    );
    add(
        "C10b StringLike on the same text matches",
        OPERATORS,
        c(
            "StringLike",
            "aws:SourceArn",
            json!("arn:aws:someservice:*:111122223333:finance/*"),
        ),
        ctx(json!({"aws:SourceArn": source_arn})),
        Allow,
    );
    add(
        "C11 ArnEquals takes wildcards like ArnLike",
        OPERATORS,
        c(
            "ArnEquals",
            "aws:PrincipalArn",
            json!("arn:aws:iam::111111111111:user/*"),
        ),
        no_ctx(),
        Allow,
    );
    add(
        "C11b ArnNotLike on a matching ARN",
        OPERATORS,
        c(
            "ArnNotLike",
            "aws:PrincipalArn",
            json!("arn:aws:iam::111111111111:user/*"),
        ),
        no_ctx(),
        ImplicitDeny,
    );
    add(
        "C11c ArnNotEquals, key absent is true",
        OPERATORS,
        c(
            "ArnNotEquals",
            "aws:SourceArn",
            json!("arn:aws:sns:us-east-1:111111111111:t"),
        ),
        no_ctx(),
        Allow,
    );
    add(
        "C11d ArnLike, key absent is false",
        OPERATORS,
        c("ArnLike", "aws:SourceArn", json!("arn:aws:sns:*:*:*")),
        no_ctx(),
        ImplicitDeny,
    );
    add(
        "C11e ArnLike, * stays in its component",
        OPERATORS,
        c(
            "ArnLike",
            "aws:SourceArn",
            json!("arn:aws:sns:us-east-1:*:topic"),
        ),
        ctx(json!({"aws:SourceArn": "arn:aws:sns:us-east-1:111111111111:x:topic"})),
        ImplicitDeny,
    );
    let session_arn_like = |pattern: &str| {
        identity(
            DEV_ALICE,
            json!([{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*", "Condition": {"ArnLike": {"aws:PrincipalArn": pattern}}}]),
        )
    };
    add(
        "K1 aws:PrincipalArn of a session is the role ARN",
        GLOBAL_KEYS,
        session_arn_like("arn:aws:iam::111111111111:role/Dev"),
        no_ctx(),
        Allow,
    );
    add(
        "K1b aws:PrincipalArn of a session is not the sts ARN",
        GLOBAL_KEYS,
        session_arn_like("arn:aws:sts::*:assumed-role/Dev/*"),
        no_ctx(),
        ImplicitDeny,
    );
    // IfExists, Null, missing keys
    add(
        "C12 StringLikeIfExists, key absent",
        OPERATORS,
        c("StringLikeIfExists", "ec2:InstanceType", json!("t2.*")),
        no_ctx(),
        Allow,
    );
    add(
        "C12b StringLikeIfExists, key present",
        OPERATORS,
        c("StringLikeIfExists", "ec2:InstanceType", json!("t2.*")),
        ctx(json!({"ec2:InstanceType": "m5.large"})),
        ImplicitDeny,
    );
    add(
        "C12c StringEquals, key absent",
        OPERATORS,
        c("StringEquals", "ec2:InstanceType", json!("t2.micro")),
        no_ctx(),
        ImplicitDeny,
    );
    add(
        "C12d StringNotLike, key absent",
        OPERATORS,
        c("StringNotLike", "ec2:InstanceType", json!("t2.*")),
        no_ctx(),
        Allow,
    );
    add(
        "C12e NumericLessThanIfExists, key absent",
        OPERATORS,
        c("NumericLessThanIfExists", "s3:max-keys", json!("5")),
        no_ctx(),
        Allow,
    );
    let deny_untagged = identity(
        ALICE,
        json!([
            allow("s3:*", "*"),
            {"Effect": "Deny", "Action": "s3:*", "Resource": "*", "Condition": {"StringNotEqualsIfExists": {"aws:PrincipalTag/team": "storage"}}}
        ]),
    );
    add(
        "C12f Deny StringNotEqualsIfExists, key absent, still denies",
        OPERATORS,
        deny_untagged.clone(),
        no_ctx(),
        ExplicitDeny,
    );
    let mut tagged = deny_untagged;
    tagged["principal"]["tags"] = json!({"team": "web"});
    add(
        "C12g Deny StringNotEqualsIfExists, other value",
        OPERATORS,
        tagged,
        no_ctx(),
        ExplicitDeny,
    );
    add(
        "C13 Null true, key absent",
        OPERATORS,
        c("Null", "aws:TokenIssueTime", json!("true")),
        no_ctx(),
        Allow,
    );
    add(
        "C13b Null true, key present",
        OPERATORS,
        c("Null", "aws:TokenIssueTime", json!("true")),
        ctx(json!({"aws:TokenIssueTime": "2026-09-21T13:00:00Z"})),
        ImplicitDeny,
    );
    add(
        "C13c Null false, key present",
        OPERATORS,
        c("Null", "aws:TokenIssueTime", json!("false")),
        ctx(json!({"aws:TokenIssueTime": "2026-09-21T13:00:00Z"})),
        Allow,
    );
    add(
        "C13d Null false on a derived key",
        OPERATORS,
        c("Null", "aws:PrincipalArn", json!("false")),
        no_ctx(),
        Allow,
    );
    add(
        "C24 condition key names ignore case",
        CONDITION,
        c("IpAddress", "aWs:SoUrCeIp", json!("203.0.113.0/24")),
        ctx(json!({"aws:SourceIp": "203.0.113.5"})),
        Allow,
    );
    add(
        "C24b tag keys in key names ignore case",
        CONDITION,
        {
            let mut scenario = c("StringEquals", "aws:PrincipalTag/Team", json!("pay"));
            scenario["principal"]["tags"] = json!({"team": "pay"});
            scenario
        },
        no_ctx(),
        Allow,
    );
    // Set operators
    let all_tags = c(
        "ForAllValues:StringEquals",
        "aws:TagKeys",
        json!(["costcenter", "stack"]),
    );
    add(
        "C14 ForAllValues, subset",
        MULTI_VALUED,
        all_tags.clone(),
        ctx(json!({"aws:TagKeys": ["costcenter"]})),
        Allow,
    );
    add(
        "C14b ForAllValues, one value outside",
        MULTI_VALUED,
        all_tags.clone(),
        ctx(json!({"aws:TagKeys": ["costcenter", "owner"]})),
        ImplicitDeny,
    );
    add(
        "C14c ForAllValues, key absent",
        MULTI_VALUED,
        all_tags.clone(),
        no_ctx(),
        Allow,
    );
    add(
        "C14d ForAllValues, empty list",
        MULTI_VALUED,
        all_tags,
        ctx(json!({"aws:TagKeys": []})),
        Allow,
    );
    let any_tag = c("ForAnyValue:StringEquals", "aws:TagKeys", json!(["env"]));
    add(
        "C15 ForAnyValue, one value matches",
        MULTI_VALUED,
        any_tag.clone(),
        ctx(json!({"aws:TagKeys": ["env", "x"]})),
        Allow,
    );
    add(
        "C15b ForAnyValue, none matches",
        MULTI_VALUED,
        any_tag.clone(),
        ctx(json!({"aws:TagKeys": ["x"]})),
        ImplicitDeny,
    );
    add(
        "C15c ForAnyValue, key absent",
        MULTI_VALUED,
        any_tag.clone(),
        no_ctx(),
        ImplicitDeny,
    );
    add(
        "C15d ForAnyValue, empty list",
        MULTI_VALUED,
        any_tag,
        ctx(json!({"aws:TagKeys": []})),
        ImplicitDeny,
    );
    add(
        // ForAnyValue ignores IfExists: "if the key does not exist, the
        // condition returns false" (semantics.md §5.4, a written choice).
        "C15e ForAnyValue:StringLikeIfExists, key absent",
        MULTI_VALUED,
        c(
            "ForAnyValue:StringLikeIfExists",
            "aws:TagKeys",
            json!("env*"),
        ),
        no_ctx(),
        ImplicitDeny,
    );
    add(
        "C15f ForAllValues:StringNotEquals: no value in the list",
        MULTI_VALUED,
        c(
            "ForAllValues:StringNotEquals",
            "aws:TagKeys",
            json!(["secret"]),
        ),
        ctx(json!({"aws:TagKeys": ["a", "b"]})),
        Allow,
    );
    add(
        "C15g ForAllValues:StringNotEquals: one value in the list",
        MULTI_VALUED,
        c(
            "ForAllValues:StringNotEquals",
            "aws:TagKeys",
            json!(["secret"]),
        ),
        ctx(json!({"aws:TagKeys": ["a", "secret"]})),
        ImplicitDeny,
    );
    add(
        "C15h ForAnyValue:StringNotEquals: some value outside",
        MULTI_VALUED,
        c(
            "ForAnyValue:StringNotEquals",
            "aws:TagKeys",
            json!(["secret"]),
        ),
        ctx(json!({"aws:TagKeys": ["secret", "a"]})),
        Allow,
    );
    add(
        "C16 ForAnyValue:StringLike on org paths",
        GLOBAL_KEYS,
        c(
            "ForAnyValue:StringLike",
            "aws:PrincipalOrgPaths",
            json!("o-a1b2c3d4e5/r-ab12/ou-ab12-11111111/*"),
        ),
        ctx(
            json!({"aws:PrincipalOrgPaths": ["o-a1b2c3d4e5/r-ab12/ou-ab12-11111111/ou-ab12-22222222/"]}),
        ),
        Allow,
    );
    add(
        "C16b org paths derived from the organization",
        GLOBAL_KEYS,
        with_org(
            c(
                "ForAnyValue:StringLike",
                "aws:PrincipalOrgPaths",
                json!("o-a1b2c3d4e5/r-root/ou-root-workload/*"),
            ),
            organization(json!({}), json!({}), json!({})),
        ),
        no_ctx(),
        Allow,
    );
    let anyone_in_org = json!({
        "principal": "anonymous",
        "resource": {"account": A, "policy": policy(json!([{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*", "Condition": {"ForAllValues:StringEquals": {"aws:PrincipalOrgID": "o-mine"}}}]))}
    });
    add(
        "C17 ForAllValues on an absent single-valued key lets anonymous in",
        MULTI_VALUED,
        anyone_in_org,
        no_ctx(),
        Allow,
    );
    let org_only = json!({
        "principal": "anonymous",
        "resource": {"account": A, "policy": policy(json!([{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*", "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-mine"}}}]))}
    });
    add(
        "C17b StringEquals on the absent key keeps anonymous out",
        OPERATORS,
        org_only,
        no_ctx(),
        ImplicitDeny,
    );

    // ---- Policy variables -----------------------------------------------------
    let home = |version: &str, principal: &str| {
        json!({
            "principal": {"arn": principal, "identity_policies": [{"Version": version, "Statement": [allow("s3:GetObject", "arn:aws:s3:::b/${aws:username}/*")]}]},
            "resource": {"account": A}
        })
    };
    add(
        "C19 ${aws:username} in Resource",
        VARIABLES,
        home("2012-10-17", ALICE),
        get("arn:aws:s3:::b/alice/x"),
        Allow,
    );
    add(
        "C19b ${aws:username} is another user's folder",
        VARIABLES,
        home("2012-10-17", ALICE),
        get("arn:aws:s3:::b/bob/x"),
        ImplicitDeny,
    );
    add(
        "C19c ${aws:username} absent for a role session",
        VARIABLES,
        home("2012-10-17", DEV_ALICE),
        get("arn:aws:s3:::b/alice/x"),
        ImplicitDeny,
    );
    add(
        "C20 Version 2008: the variable is literal",
        VARIABLES,
        home("2008-10-17", ALICE),
        get("arn:aws:s3:::b/alice/x"),
        ImplicitDeny,
    );
    add(
        "C20b Version 2008: literal text matches",
        VARIABLES,
        home("2008-10-17", ALICE),
        get("arn:aws:s3:::b/${aws:username}/x"),
        Allow,
    );
    let defaulted = json!({
        "principal": "anonymous",
        "resource": {"account": A, "policy": policy(json!([{"Effect": "Allow", "Principal": "*", "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::b", "Condition": {"StringEquals": {"s3:prefix": "${aws:username, 'anonymous'}/"}}}]))}
    });
    add(
        "C21 default value of a variable",
        VARIABLES,
        defaulted.clone(),
        request_with(
            "s3:ListBucket",
            "arn:aws:s3:::b",
            json!({"s3:prefix": "anonymous/"}),
        ),
        Allow,
    );
    add(
        "C21b default value, other prefix",
        VARIABLES,
        defaulted,
        request_with(
            "s3:ListBucket",
            "arn:aws:s3:::b",
            json!({"s3:prefix": "alice/"}),
        ),
        ImplicitDeny,
    );
    add(
        "C22 ${*} is a literal *",
        VARIABLES,
        c("StringLike", "s3:prefix", json!("a${*}b")),
        ctx(json!({"s3:prefix": "a*b"})),
        Allow,
    );
    add(
        "C22b ${*} is not a wildcard",
        VARIABLES,
        c("StringLike", "s3:prefix", json!("a${*}b")),
        ctx(json!({"s3:prefix": "axb"})),
        ImplicitDeny,
    );
    add(
        "C22c ${?} and ${$} are literal",
        VARIABLES,
        c("StringEquals", "s3:prefix", json!("${$}${?}")),
        ctx(json!({"s3:prefix": "$?"})),
        Allow,
    );
    let same_team = |principal_tags: Value| {
        let mut scenario = c(
            "StringEquals",
            "s3:ExistingObjectTag/Team",
            json!("${aws:PrincipalTag/team}"),
        );
        scenario["principal"]["tags"] = principal_tags;
        scenario["resource"]["tags"] = json!({"Team": "pay"});
        scenario
    };
    add(
        "C23 ${aws:PrincipalTag/team} in a condition",
        VARIABLES,
        same_team(json!({"team": "pay"})),
        no_ctx(),
        Allow,
    );
    add(
        "C23b ${aws:PrincipalTag/team}, other team",
        VARIABLES,
        same_team(json!({"team": "web"})),
        no_ctx(),
        ImplicitDeny,
    );
    add(
        "C23c ${aws:PrincipalTag/team}, tag absent",
        VARIABLES,
        same_team(json!({})),
        no_ctx(),
        ImplicitDeny,
    );
    let team_folder = json!({
        "principal": {"arn": DEV_ALICE, "tags": {"team": "pay"}, "identity_policies": [policy(json!([allow("s3:GetObject", "arn:aws:s3:::b/${aws:PrincipalTag/team}/*")]))]},
        "resource": {"account": A}
    });
    add(
        "C26 ${aws:PrincipalTag/team} in Resource",
        VARIABLES,
        team_folder.clone(),
        get("arn:aws:s3:::b/pay/x"),
        Allow,
    );
    add(
        "C26b ${aws:PrincipalTag/team} in Resource, other folder",
        VARIABLES,
        team_folder,
        get("arn:aws:s3:::b/web/x"),
        ImplicitDeny,
    );
    let wild_user = json!({
        "principal": {"arn": "arn:aws:iam::111111111111:user/a*", "identity_policies": [policy(json!([allow("s3:GetObject", "arn:aws:s3:::b/${aws:username}/*")]))]},
        "resource": {"account": A}
    });
    add(
        "C27 substituted text is literal",
        VARIABLES,
        wild_user,
        get("arn:aws:s3:::b/abc/x"),
        ImplicitDeny,
    );

    // ---- Principals (resource policy in account A, no identity policy) --------
    let bucket = |principal: Value, who: &str| {
        json!({
            "principal": {"arn": who},
            "resource": {"account": A, "policy": policy(json!([{"Effect": "Allow", "Principal": principal, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}]))}
        })
    };
    let bucket_for = |principal: Value, who: &str| {
        let mut scenario = bucket(principal, who);
        if who == "anonymous" || !who.starts_with("arn:") {
            scenario["principal"] = json!(who);
        }
        scenario
    };
    add(
        "P1 * lets anonymous in",
        PRINCIPAL,
        bucket_for(json!("*"), "anonymous"),
        no_ctx(),
        Allow,
    );
    add(
        "P2 {AWS: *} lets anonymous in",
        PRINCIPAL,
        bucket_for(json!({"AWS": "*"}), "anonymous"),
        no_ctx(),
        Allow,
    );
    add(
        "P3 account id delegates: no identity allow",
        PRINCIPAL,
        bucket(json!({"AWS": A}), DEV_ALICE),
        no_ctx(),
        ImplicitDeny,
    );
    add(
        "P3b account root ARN delegates: no identity allow",
        PRINCIPAL,
        bucket(json!({"AWS": "arn:aws:iam::111111111111:root"}), ALICE),
        no_ctx(),
        ImplicitDeny,
    );
    let mut delegated = bucket(json!({"AWS": A}), DEV_ALICE);
    delegated["principal"]["identity_policies"] =
        json!([policy(json!([allow("s3:GetObject", "*")]))]);
    add(
        "P3c account delegation with identity allow",
        PRINCIPAL,
        delegated,
        no_ctx(),
        Allow,
    );
    add(
        "P4 role ARN names its sessions",
        PRINCIPAL,
        bucket(json!({"AWS": DEV_ROLE}), DEV_ALICE),
        no_ctx(),
        Allow,
    );
    add(
        "P4b role ARN, session of another role",
        PRINCIPAL,
        bucket(
            json!({"AWS": DEV_ROLE}),
            "arn:aws:sts::111111111111:assumed-role/Ops/alice",
        ),
        no_ctx(),
        ImplicitDeny,
    );
    add(
        "P5 session ARN names one session",
        PRINCIPAL,
        bucket(json!({"AWS": DEV_ALICE}), DEV_ALICE),
        no_ctx(),
        Allow,
    );
    add(
        "P5b session ARN, another session",
        PRINCIPAL,
        bucket(
            json!({"AWS": DEV_ALICE}),
            "arn:aws:sts::111111111111:assumed-role/Dev/bob",
        ),
        no_ctx(),
        ImplicitDeny,
    );
    add(
        "P7 user names are case-sensitive",
        PRINCIPAL,
        bucket(
            json!({"AWS": "arn:aws:iam::111111111111:user/Bob"}),
            "arn:aws:iam::111111111111:user/bob",
        ),
        no_ctx(),
        ImplicitDeny,
    );
    add(
        "P7b user ARN grants directly",
        PRINCIPAL,
        bucket(
            json!({"AWS": "arn:aws:iam::111111111111:user/Bob"}),
            "arn:aws:iam::111111111111:user/Bob",
        ),
        no_ctx(),
        Allow,
    );
    add(
        "P8 service principal",
        PRINCIPAL,
        bucket_for(
            json!({"Service": "cloudtrail.amazonaws.com"}),
            "cloudtrail.amazonaws.com",
        ),
        no_ctx(),
        Allow,
    );
    add(
        "P8b service principal does not name a user",
        PRINCIPAL,
        bucket(json!({"Service": "cloudtrail.amazonaws.com"}), ALICE),
        no_ctx(),
        ImplicitDeny,
    );
    add(
        "P8c a user entry does not name anonymous",
        PRINCIPAL,
        bucket_for(json!({"AWS": ALICE}), "anonymous"),
        no_ctx(),
        ImplicitDeny,
    );
    add(
        "P12 root user named by its account",
        PRINCIPAL,
        bucket(json!({"AWS": A}), "arn:aws:iam::111111111111:root"),
        no_ctx(),
        Allow,
    );
    add(
        "P13 root user has full access in its account",
        EVALUATION,
        json!({"principal": "arn:aws:iam::111111111111:root", "resource": {"account": A}}),
        no_ctx(),
        Allow,
    );
    add(
        "E22 federated-user session named directly",
        EVALUATION,
        bucket(
            json!({"AWS": "arn:aws:sts::111111111111:federated-user/bob"}),
            "arn:aws:sts::111111111111:federated-user/bob",
        ),
        no_ctx(),
        Allow,
    );
    add(
        "E22b federated user is not its IAM user",
        EVALUATION,
        bucket(
            json!({"AWS": "arn:aws:iam::111111111111:user/bob"}),
            "arn:aws:sts::111111111111:federated-user/bob",
        ),
        no_ctx(),
        ImplicitDeny,
    );

    // ---- NotPrincipal ---------------------------------------------------------
    let bob = "arn:aws:iam::444455556666:user/Bob";
    let not_principal = |listed: Value, who: &str, boundary: bool| {
        let mut scenario = json!({
            "principal": {"arn": who, "identity_policies": [policy(json!([allow("s3:GetObject", "*")]))]},
            "resource": {"account": "444455556666", "policy": policy(json!([
                {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"},
                {"Effect": "Deny", "NotPrincipal": {"AWS": listed}, "Action": "s3:*", "Resource": "arn:aws:s3:::b/*"}
            ]))}
        });
        if boundary {
            scenario["principal"]["permissions_boundary"] = policy(json!([allow("s3:*", "*")]));
        }
        if who == "anonymous" {
            scenario["principal"] = json!("anonymous");
        }
        scenario
    };
    add(
        "P9 NotPrincipal without the account denies",
        NOT_PRINCIPAL,
        not_principal(json!([bob]), bob, false),
        no_ctx(),
        ExplicitDeny,
    );
    add(
        "P10 NotPrincipal with user and account spares the user",
        NOT_PRINCIPAL,
        not_principal(json!([bob, "arn:aws:iam::444455556666:root"]), bob, false),
        no_ctx(),
        Allow,
    );
    add(
        "P10b NotPrincipal always denies a principal with a boundary",
        NOT_PRINCIPAL,
        not_principal(json!([bob, "arn:aws:iam::444455556666:root"]), bob, true),
        no_ctx(),
        ExplicitDeny,
    );
    add(
        "P10c NotPrincipal denies anonymous",
        NOT_PRINCIPAL,
        not_principal(
            json!([bob, "arn:aws:iam::444455556666:root"]),
            "anonymous",
            false,
        ),
        no_ctx(),
        ExplicitDeny,
    );
    add(
        "P10d NotPrincipal denies another user of the account",
        NOT_PRINCIPAL,
        not_principal(
            json!([bob, "arn:aws:iam::444455556666:root"]),
            "arn:aws:iam::444455556666:user/Eve",
            false,
        ),
        no_ctx(),
        ExplicitDeny,
    );
    let audit_session = "arn:aws:sts::444455556666:assumed-role/cross-account-read-only-role/cross-account-audit-app";
    let audit_role = "arn:aws:iam::444455556666:role/cross-account-read-only-role";
    add(
        "P11 NotPrincipal with session, role and account spares the session",
        NOT_PRINCIPAL,
        not_principal(
            json!([audit_session, audit_role, "arn:aws:iam::444455556666:root"]),
            audit_session,
            false,
        ),
        no_ctx(),
        Allow,
    );
    add(
        "P11b same list, another session of the role",
        NOT_PRINCIPAL,
        not_principal(
            json!([audit_session, audit_role, "arn:aws:iam::444455556666:root"]),
            "arn:aws:sts::444455556666:assumed-role/cross-account-read-only-role/other",
            false,
        ),
        no_ctx(),
        ExplicitDeny,
    );
    add(
        "P11c session and account without the role",
        NOT_PRINCIPAL,
        not_principal(
            json!([audit_session, "arn:aws:iam::444455556666:root"]),
            audit_session,
            false,
        ),
        no_ctx(),
        ExplicitDeny,
    );
    add(
        "P11d session and role without the account",
        NOT_PRINCIPAL,
        not_principal(json!([audit_session, audit_role]), audit_session, false),
        no_ctx(),
        ExplicitDeny,
    );

    // ---- Evaluation logic: identity, resource, boundary, session ----------------
    let user_get = identity(ALICE, json!([allow("s3:GetObject", "arn:aws:s3:::b/*")]));
    add(
        "E1 identity allow, no resource policy",
        EVALUATION,
        user_get.clone(),
        no_ctx(),
        Allow,
    );
    let mut user_denied = user_get.clone();
    user_denied["principal"]["identity_policies"] = json!([policy(
        json!([allow("s3:GetObject", "arn:aws:s3:::b/*"), {"Effect": "Deny", "Action": "s3:*", "Resource": "arn:aws:s3:::*"}])
    )]);
    add(
        "E2 explicit deny overrides",
        EVALUATION,
        user_denied,
        no_ctx(),
        ExplicitDeny,
    );
    add(
        "E2b nothing allows: implicit deny",
        EVALUATION,
        identity(ALICE, json!([allow("s3:PutObject", "*")])),
        no_ctx(),
        ImplicitDeny,
    );
    let carlos = json!({
        "principal": {"arn": "arn:aws:iam::111111111111:user/carlossalazar", "identity_policies": [policy(json!([{"Effect": "Deny", "Action": "s3:*", "Resource": "arn:aws:s3:::*log*"}]))]},
        "resource": {"account": A, "policy": policy(json!([{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111111111111:user/carlossalazar"}, "Action": "s3:*", "Resource": "*"}]))}
    });
    add(
        "E2c identity deny beats the bucket policy allow",
        EVALUATION,
        carlos.clone(),
        get("arn:aws:s3:::carlossalazar-logs/file.txt"),
        ExplicitDeny,
    );
    add(
        "E2d bucket policy alone grants the user",
        EVALUATION,
        carlos,
        get("arn:aws:s3:::carlossalazar/file.txt"),
        Allow,
    );
    let mut resource_deny = bucket(json!({"AWS": ALICE}), ALICE);
    resource_deny["principal"]["identity_policies"] = json!([policy(json!([allow("s3:*", "*")]))]);
    resource_deny["resource"]["policy"]["Statement"].as_array_mut().unwrap().push(json!({"Effect": "Deny", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/secret/*"}));
    add(
        "E2e resource policy deny overrides identity allow",
        EVALUATION,
        resource_deny,
        get("arn:aws:s3:::b/secret/x"),
        ExplicitDeny,
    );
    add(
        "E3 resource policy names the user",
        EVALUATION,
        bucket(json!({"AWS": ALICE}), ALICE),
        no_ctx(),
        Allow,
    );
    add(
        "E4 resource policy names the account only",
        EVALUATION,
        bucket(json!({"AWS": A}), ALICE),
        no_ctx(),
        ImplicitDeny,
    );
    let limited = |principal: Value, boundary: Option<Value>, session: Option<Value>| {
        let mut scenario = bucket(principal, DEV_ALICE);
        if let Some(boundary) = boundary {
            scenario["principal"]["permissions_boundary"] = boundary;
        }
        if let Some(session) = session {
            scenario["principal"]["session_policy"] = session;
        }
        scenario
    };
    let ec2_only = || Some(policy(json!([allow("ec2:*", "*")])));
    let s3_too = || Some(policy(json!([allow("s3:*", "*")])));
    add(
        "E5 session named directly: boundary implicit deny does not limit",
        EVALUATION,
        limited(json!({"AWS": DEV_ALICE}), ec2_only(), None),
        no_ctx(),
        Allow,
    );
    add(
        "E6 role ARN grant limited by the boundary",
        EVALUATION,
        limited(json!({"AWS": DEV_ROLE}), ec2_only(), None),
        no_ctx(),
        ImplicitDeny,
    );
    add(
        "E6b role ARN grant within the boundary",
        BOUNDARIES,
        limited(json!({"AWS": DEV_ROLE}), s3_too(), None),
        no_ctx(),
        Allow,
    );
    add(
        "E7 role ARN grant needs no identity allow",
        EVALUATION,
        limited(json!({"AWS": DEV_ROLE}), None, None),
        no_ctx(),
        Allow,
    );
    add(
        "E8 role ARN grant limited by the session policy",
        SESSION_POLICIES,
        limited(json!({"AWS": DEV_ROLE}), None, ec2_only()),
        no_ctx(),
        ImplicitDeny,
    );
    add(
        "E8b session named directly: session policy does not limit",
        SESSION_POLICIES,
        limited(json!({"AWS": DEV_ALICE}), None, ec2_only()),
        no_ctx(),
        Allow,
    );
    let mut wildcard_grant = limited(json!("*"), ec2_only(), ec2_only());
    wildcard_grant["resource"]["policy"]["Statement"][0]["Condition"] =
        json!({"ArnLike": {"aws:PrincipalArn": DEV_ROLE}});
    add(
        "E9 Principal * with aws:PrincipalArn is not limited",
        PRINCIPAL,
        wildcard_grant,
        no_ctx(),
        Allow,
    );
    let mut boundary_deny = limited(
        json!({"AWS": DEV_ALICE}),
        Some(policy(
            json!([allow("*", "*"), {"Effect": "Deny", "Action": "s3:GetObject", "Resource": "*"}]),
        )),
        None,
    );
    boundary_deny["principal"]["identity_policies"] = json!([]);
    add(
        "E9b an explicit deny in the boundary still denies",
        BOUNDARIES,
        boundary_deny,
        no_ctx(),
        ExplicitDeny,
    );
    let shirley = |action: &str| {
        (
            json!({
                "principal": {"arn": "arn:aws:iam::111111111111:user/Shirley",
                    "identity_policies": [policy(json!([allow("iam:CreateUser", "*"), allow("ec2:DescribeInstances", "*")]))],
                    "permissions_boundary": policy(json!([allow("s3:*", "*"), allow("cloudwatch:*", "*"), allow("ec2:*", "*")]))},
                "resource": {"account": A}
            }),
            request(action, "arn:aws:iam::111111111111:user/new"),
        )
    };
    let (scenario, req) = shirley("iam:CreateUser");
    add(
        "S3 boundary limits an identity grant",
        BOUNDARIES,
        scenario,
        req,
        ImplicitDeny,
    );
    let (scenario, req) = shirley("s3:ListAllMyBuckets");
    add(
        "S3b boundary alone grants nothing",
        BOUNDARIES,
        scenario,
        req,
        ImplicitDeny,
    );
    let (scenario, req) = shirley("ec2:DescribeInstances");
    add(
        "S3c identity and boundary both allow",
        BOUNDARIES,
        scenario,
        req,
        Allow,
    );
    let session_limits = |session: Value| {
        json!({
            "principal": {"arn": DEV_ALICE, "identity_policies": [policy(json!([allow("s3:*", "*")]))], "session_policy": session},
            "resource": {"account": A}
        })
    };
    add(
        "S1b session policy narrows the role",
        SESSION_POLICIES,
        session_limits(policy(json!([allow("ec2:*", "*")]))),
        no_ctx(),
        ImplicitDeny,
    );
    add(
        "S1e session policy cannot widen the role",
        ASSUME_ROLE,
        session_limits(policy(json!([allow("*", "*")]))),
        request(
            "dynamodb:GetItem",
            "arn:aws:dynamodb:us-east-1:111111111111:table/t",
        ),
        ImplicitDeny,
    );
    add(
        "S1f session policy and role both allow",
        SESSION_POLICIES,
        session_limits(policy(json!([allow("s3:GetObject", "*")]))),
        no_ctx(),
        Allow,
    );

    // ---- Cross account ----------------------------------------------------------
    let outsider = "arn:aws:iam::999999999999:user/u";
    let cross = |identity_allows: bool, principal: Option<Value>| {
        let mut scenario = json!({"principal": {"arn": outsider}, "resource": {"account": A}});
        if identity_allows {
            scenario["principal"]["identity_policies"] =
                json!([policy(json!([allow("s3:GetObject", "arn:aws:s3:::b/*")]))]);
        }
        if let Some(principal) = principal {
            scenario["resource"]["policy"] = policy(
                json!([{"Effect": "Allow", "Principal": principal, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}]),
            );
        }
        scenario
    };
    add(
        "S7a cross account: identity only",
        CROSS_ACCOUNT,
        cross(true, None),
        no_ctx(),
        ImplicitDeny,
    );
    add(
        "S7b cross account: resource policy only",
        CROSS_ACCOUNT,
        cross(false, Some(json!({"AWS": OUTSIDE}))),
        no_ctx(),
        ImplicitDeny,
    );
    add(
        "S7c cross account: both sides",
        CROSS_ACCOUNT,
        cross(true, Some(json!({"AWS": OUTSIDE}))),
        no_ctx(),
        Allow,
    );
    add(
        "S7d cross account: naming the user does not waive its side",
        CROSS_ACCOUNT,
        cross(false, Some(json!({"AWS": outsider}))),
        no_ctx(),
        ImplicitDeny,
    );
    add(
        "S7f cross account: named user with identity allow",
        CROSS_ACCOUNT,
        cross(true, Some(json!({"AWS": outsider}))),
        no_ctx(),
        Allow,
    );
    add(
        "S7g cross account: resource policy names another account",
        CROSS_ACCOUNT,
        cross(true, Some(json!({"AWS": B}))),
        no_ctx(),
        ImplicitDeny,
    );
    let mut cross_boundary = cross(true, Some(json!({"AWS": outsider})));
    cross_boundary["principal"]["permissions_boundary"] = policy(json!([allow("ec2:*", "*")]));
    add(
        "S7h cross account: the caller's boundary still limits",
        CROSS_ACCOUNT,
        cross_boundary,
        no_ctx(),
        ImplicitDeny,
    );
    add(
        "S7i cross account: anonymous needs only the resource side",
        PRINCIPAL,
        bucket_for(json!("*"), "anonymous"),
        request_with("s3:GetObject", OBJECT, json!({})),
        Allow,
    );
    let session_cross = json!({
        "principal": {"arn": "arn:aws:sts::222222222222:assumed-role/Reader/s"},
        "resource": {"account": A, "policy": policy(json!([{"Effect": "Allow", "Principal": {"AWS": "arn:aws:sts::222222222222:assumed-role/Reader/s"}, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}]))}
    });
    add(
        "E15 cross account: naming the session does not waive its side",
        CROSS_ACCOUNT,
        session_cross,
        no_ctx(),
        ImplicitDeny,
    );

    // ---- SCPs ------------------------------------------------------------------
    let admin = |principal: &str| identity(principal, json!([allow("*", "*")]));
    let deny_delete = json!({"DenyDelete": policy(json!([{"Effect": "Deny", "Action": "s3:DeleteBucket", "Resource": "*"}]))});
    let scp_org = |scps: Value, policies: Value| organization(scps, json!({}), policies);
    add(
        "S1 SCP deny at the OU",
        SCPS,
        with_org(
            admin(DEV_ALICE),
            scp_org(
                json!({"ou-root-workload": ["FullAWSAccess", "DenyDelete"]}),
                deny_delete.clone(),
            ),
        ),
        request("s3:DeleteBucket", "arn:aws:s3:::b"),
        ExplicitDeny,
    );
    let mut scp_session = with_org(
        admin(DEV_ALICE),
        scp_org(
            json!({"ou-root-workload": ["FullAWSAccess", "DenyDelete"]}),
            deny_delete.clone(),
        ),
    );
    scp_session["principal"]["session_policy"] = policy(json!([allow("*", "*")]));
    add(
        "S1a no session policy overrides an SCP deny",
        SCPS,
        scp_session,
        request("s3:DeleteBucket", "arn:aws:s3:::b"),
        ExplicitDeny,
    );
    add(
        "E10 OU without an Allow: implicit deny",
        SCP_EVALUATION,
        with_org(
            admin(DEV_ALICE),
            scp_org(
                json!({"ou-root-workload": ["DenyDelete"]}),
                deny_delete.clone(),
            ),
        ),
        request("s3:DeleteObject", OBJECT),
        ImplicitDeny,
    );
    let ec2_scp = json!({"OnlyEc2": policy(json!([allow("ec2:*", "*")]))});
    add(
        "E10b allow-list at the account level",
        SCP_EVALUATION,
        with_org(
            admin(DEV_ALICE),
            scp_org(json!({A: ["OnlyEc2"]}), ec2_scp.clone()),
        ),
        no_ctx(),
        ImplicitDeny,
    );
    add(
        "E10c allow-list at the root level",
        SCP_EVALUATION,
        with_org(
            admin(DEV_ALICE),
            scp_org(json!({"r-root": ["OnlyEc2"]}), ec2_scp.clone()),
        ),
        no_ctx(),
        ImplicitDeny,
    );
    add(
        "E10d allow-list at the root allows its actions",
        SCP_EVALUATION,
        with_org(
            admin(DEV_ALICE),
            scp_org(json!({"r-root": ["OnlyEc2"]}), ec2_scp.clone()),
        ),
        request(
            "ec2:RunInstances",
            "arn:aws:ec2:us-east-1:111111111111:instance/*",
        ),
        Allow,
    );
    add(
        "E10e one SCP per level suffices",
        SCP_EVALUATION,
        with_org(
            admin(DEV_ALICE),
            scp_org(json!({A: ["OnlyEc2", "FullAWSAccess"]}), ec2_scp.clone()),
        ),
        no_ctx(),
        Allow,
    );
    let everything_denied = json!({"DenyAll": deny_all()});
    let mut management_admin = admin("arn:aws:sts::333333333333:assumed-role/Admin/s");
    management_admin["resource"]["account"] = json!(MANAGEMENT);
    add(
        "E11 management account is exempt",
        SCPS,
        with_org(
            management_admin,
            scp_org(
                json!({"r-root": ["FullAWSAccess", "DenyAll"]}),
                everything_denied.clone(),
            ),
        ),
        request("s3:GetObject", "arn:aws:s3:::m/k"),
        Allow,
    );
    let slr = "arn:aws:iam::111111111111:role/aws-service-role/elasticloadbalancing.amazonaws.com/AWSServiceRoleForElasticLoadBalancing";
    add(
        "E12 service-linked role is exempt",
        SCPS,
        with_org(
            admin(slr),
            scp_org(
                json!({"r-root": ["FullAWSAccess", "DenyAll"]}),
                everything_denied.clone(),
            ),
        ),
        request(
            "ec2:DescribeInstances",
            "arn:aws:ec2:us-east-1:111111111111:instance/*",
        ),
        Allow,
    );
    add(
        "E12b root user of a member account is bound",
        SCPS,
        with_org(
            json!({"principal": "arn:aws:iam::111111111111:root", "resource": {"account": A}}),
            scp_org(
                json!({"r-root": ["FullAWSAccess", "DenyAll"]}),
                everything_denied.clone(),
            ),
        ),
        no_ctx(),
        ExplicitDeny,
    );
    let mut outside_in = cross(true, Some(json!({"AWS": OUTSIDE})));
    outside_in["organization"] = scp_org(
        json!({"r-root": ["FullAWSAccess", "DenyAll"]}),
        everything_denied.clone(),
    );
    add(
        "E12c SCPs do not bind principals outside the org",
        SCPS,
        outside_in,
        no_ctx(),
        Allow,
    );
    let mut direct_but_scp = with_org(
        bucket(json!({"AWS": DEV_ALICE}), DEV_ALICE),
        scp_org(
            json!({"ou-root-workload": ["FullAWSAccess", "DenyAll"]}),
            everything_denied,
        ),
    );
    direct_but_scp["principal"]["session_policy"] = policy(json!([allow("ec2:*", "*")]));
    add(
        "S1c SCP deny binds a direct resource-policy grant",
        SCPS,
        direct_but_scp,
        no_ctx(),
        ExplicitDeny,
    );
    add(
        "S1d SCP allow-list binds a direct resource-policy grant",
        SCP_EVALUATION,
        with_org(
            bucket(json!({"AWS": DEV_ALICE}), DEV_ALICE),
            scp_org(json!({"ou-root-workload": ["OnlyEc2"]}), ec2_scp),
        ),
        no_ctx(),
        ImplicitDeny,
    );

    // ---- RCPs ------------------------------------------------------------------
    let perimeter = json!({"Perimeter": policy(json!([{
        "Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "*",
        "Condition": {"StringNotEqualsIfExists": {"aws:PrincipalOrgID": ORG_ID}, "BoolIfExists": {"aws:PrincipalIsAWSService": "false"}}
    }]))});
    let rcp_org = organization(
        json!({}),
        json!({"r-root": ["RCPFullAWSAccess", "Perimeter"]}),
        perimeter.clone(),
    );
    let open_bucket = |who: &str| {
        let mut scenario = bucket(json!("*"), who);
        if who.starts_with("arn:") {
            scenario["principal"]["identity_policies"] =
                json!([policy(json!([allow("s3:*", "*")]))]);
        } else {
            scenario["principal"] = json!(who);
        }
        with_org(scenario, rcp_org.clone())
    };
    add(
        "E13 RCP perimeter denies an outside role",
        RCPS,
        open_bucket("arn:aws:sts::999999999999:assumed-role/R/s"),
        no_ctx(),
        ExplicitDeny,
    );
    add(
        "E13b RCP perimeter denies anonymous",
        RCPS,
        open_bucket("anonymous"),
        no_ctx(),
        ExplicitDeny,
    );
    add(
        "E13c RCP perimeter spares service principals",
        RCPS,
        open_bucket("cloudtrail.amazonaws.com"),
        no_ctx(),
        Allow,
    );
    add(
        "E13d RCP perimeter lets org principals in",
        RCPS,
        open_bucket("arn:aws:sts::222222222222:assumed-role/R/s"),
        no_ctx(),
        Allow,
    );
    let tls = json!({"Tls": policy(json!([{"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "*", "Condition": {"BoolIfExists": {"aws:SecureTransport": "false"}}}]))});
    add(
        "E13e RCPs bind principals of the same account",
        RCPS,
        with_org(
            admin(DEV_ALICE),
            organization(
                json!({}),
                json!({A: ["RCPFullAWSAccess", "Tls"]}),
                tls.clone(),
            ),
        ),
        ctx(json!({"aws:SecureTransport": "false"})),
        ExplicitDeny,
    );
    let mut management_bucket = admin("arn:aws:sts::333333333333:assumed-role/Admin/s");
    management_bucket["resource"]["account"] = json!(MANAGEMENT);
    add(
        "E13f RCPs do not apply in the management account",
        RCPS,
        with_org(
            management_bucket,
            organization(
                json!({}),
                json!({"r-root": ["RCPFullAWSAccess", "Tls"]}),
                tls.clone(),
            ),
        ),
        ctx(json!({"aws:SecureTransport": "false"})),
        Allow,
    );
    let deny_everything_rcp = json!({"DenyAll": policy(json!([{"Effect": "Deny", "Principal": "*", "Action": "*", "Resource": "*"}]))});
    add(
        "E13g RCPs do not apply to unsupported services",
        RCPS,
        with_org(
            admin(DEV_ALICE),
            organization(
                json!({}),
                json!({"r-root": ["RCPFullAWSAccess", "DenyAll"]}),
                deny_everything_rcp.clone(),
            ),
        ),
        request(
            "ec2:DescribeInstances",
            "arn:aws:ec2:us-east-1:111111111111:instance/*",
        ),
        Allow,
    );
    add(
        "E13h RCP deny on a supported service",
        RCP_EVALUATION,
        with_org(
            admin(DEV_ALICE),
            organization(
                json!({}),
                json!({"r-root": ["RCPFullAWSAccess", "DenyAll"]}),
                deny_everything_rcp,
            ),
        ),
        request("sqs:SendMessage", "arn:aws:sqs:us-east-1:111111111111:q"),
        ExplicitDeny,
    );
    add(
        "E13i RCPs apply whatever the principal's org",
        RCP_EVALUATION,
        with_org(
            cross(true, Some(json!({"AWS": OUTSIDE}))),
            organization(
                json!({}),
                json!({"r-root": ["RCPFullAWSAccess", "Tls"]}),
                tls,
            ),
        ),
        ctx(json!({"aws:SecureTransport": "false"})),
        ExplicitDeny,
    );

    // ---- VPC endpoint policies ----------------------------------------------------
    let through_endpoint = |endpoint: Value| {
        let mut scenario = admin(DEV_ALICE);
        scenario["vpc_endpoint_policy"] = endpoint;
        scenario
    };
    let get_only = policy(
        json!([{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "*"}]),
    );
    add(
        "V1 endpoint policy allows",
        ENDPOINTS,
        through_endpoint(get_only.clone()),
        no_ctx(),
        Allow,
    );
    add(
        "V2 endpoint policy bounds the identity grant",
        ENDPOINTS,
        through_endpoint(get_only),
        request("s3:PutObject", OBJECT),
        ImplicitDeny,
    );
    add(
        "V3 endpoint policy deny",
        ENDPOINTS,
        through_endpoint(policy(json!([
        {"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"},
        {"Effect": "Deny", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}]))),
        no_ctx(),
        ExplicitDeny,
    );
    let mut endpoint_only = bucket(json!({"AWS": DEV_ALICE}), DEV_ALICE);
    endpoint_only["vpc_endpoint_policy"] = policy(
        json!([{"Effect": "Allow", "Principal": "*", "Action": "s3:ListBucket", "Resource": "*"}]),
    );
    add(
        "V4 endpoint policy bounds a resource-policy grant",
        ENDPOINTS,
        endpoint_only,
        no_ctx(),
        ImplicitDeny,
    );

    let account_endpoint = |principal: &str| {
        let mut scenario = admin(principal);
        scenario["vpc_endpoint_policy"] = policy(
            json!([{"Effect": "Allow", "Principal": {"AWS": A}, "Action": "s3:*", "Resource": "*"}]),
        );
        scenario
    };
    add(
        "E21b endpoint policy naming the account admits the root user",
        ENDPOINTS,
        account_endpoint("arn:aws:iam::111111111111:root"),
        no_ctx(),
        Allow,
    );

    // ---- KMS key policies -----------------------------------------------------------
    let key = "arn:aws:kms:us-east-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab";
    let kms = |key_policy: Value, identity_allows: bool, principal: &str| {
        let mut scenario = json!({
            "principal": {"arn": principal},
            "resource": {"arn": key, "account": A, "kind": "kms-key", "policy": key_policy}
        });
        if identity_allows {
            scenario["principal"]["identity_policies"] =
                json!([policy(json!([allow("kms:Decrypt", "*")]))]);
        }
        scenario
    };
    let key_statement = |principal: Value| {
        policy(
            json!([{"Effect": "Allow", "Principal": principal, "Action": "kms:*", "Resource": "*"}]),
        )
    };
    let r_session = "arn:aws:sts::111111111111:assumed-role/R/s";
    let decrypt = request("kms:Decrypt", key);
    add(
        "E16 key policy gap: IAM allow is not enough",
        KMS,
        kms(
            key_statement(json!({"AWS": "arn:aws:iam::111111111111:role/Admin"})),
            true,
            r_session,
        ),
        decrypt.clone(),
        ImplicitDeny,
    );
    add(
        "E17 key policy enables IAM: identity allow works",
        KMS,
        kms(
            key_statement(json!({"AWS": "arn:aws:iam::111111111111:root"})),
            true,
            r_session,
        ),
        decrypt.clone(),
        Allow,
    );
    add(
        "E17b key policy enables IAM: identity must still allow",
        KMS,
        kms(
            key_statement(json!({"AWS": "arn:aws:iam::111111111111:root"})),
            false,
            r_session,
        ),
        decrypt.clone(),
        ImplicitDeny,
    );
    add(
        "E18 key policy names the role: no IAM allow needed",
        KMS,
        kms(
            key_statement(json!({"AWS": "arn:aws:iam::111111111111:role/R"})),
            false,
            r_session,
        ),
        decrypt.clone(),
        Allow,
    );
    let mut kms_iam_deny = kms(
        key_statement(json!({"AWS": "arn:aws:iam::111111111111:role/R"})),
        false,
        r_session,
    );
    kms_iam_deny["principal"]["identity_policies"] = json!([policy(
        json!([{"Effect": "Deny", "Action": "kms:Decrypt", "Resource": "*"}])
    )]);
    add(
        "E18b IAM deny works without the key policy",
        KMS,
        kms_iam_deny,
        decrypt.clone(),
        ExplicitDeny,
    );
    add(
        "S5 cross-account key policy gap",
        KMS,
        kms(
            key_statement(json!({"AWS": "arn:aws:iam::111111111111:root"})),
            true,
            "arn:aws:sts::222222222222:assumed-role/R/s",
        ),
        decrypt.clone(),
        ImplicitDeny,
    );
    add(
        "S5b cross-account key policy names the account",
        KMS,
        kms(
            key_statement(json!({"AWS": B})),
            true,
            "arn:aws:sts::222222222222:assumed-role/R/s",
        ),
        decrypt,
        Allow,
    );

    // ---- Role trust policies -----------------------------------------------------------
    let role_t = "arn:aws:iam::111111111111:role/T";
    let trust = |principal: Value, caller: &str, identity_allows: bool| {
        let mut scenario = json!({
            "principal": {"arn": caller},
            "resource": {"arn": role_t, "account": A, "kind": "iam-role", "policy": policy(json!([{"Effect": "Allow", "Principal": principal, "Action": "sts:AssumeRole"}]))}
        });
        if identity_allows {
            scenario["principal"]["identity_policies"] =
                json!([policy(json!([allow("sts:AssumeRole", role_t)]))]);
        }
        scenario
    };
    let assume = request("sts:AssumeRole", role_t);
    add(
        "E19 trust policy names the user",
        ASSUME_ROLE,
        trust(json!({"AWS": ALICE}), ALICE, false),
        assume.clone(),
        Allow,
    );
    add(
        "E20 trust policy names the account: identity allow needed",
        ASSUME_ROLE,
        trust(json!({"AWS": A}), ALICE, false),
        assume.clone(),
        ImplicitDeny,
    );
    add(
        "E20b trust policy names the account, identity allows",
        ASSUME_ROLE,
        trust(json!({"AWS": A}), ALICE, true),
        assume.clone(),
        Allow,
    );
    add(
        "E20c trust policy silent: identity allow is not enough",
        EVALUATION,
        trust(
            json!({"AWS": "arn:aws:iam::111111111111:user/bob"}),
            ALICE,
            true,
        ),
        assume.clone(),
        ImplicitDeny,
    );
    add(
        "E20d cross-account trust of the account, identity allows",
        ASSUME_ROLE,
        trust(json!({"AWS": B}), "arn:aws:iam::222222222222:user/u", true),
        assume.clone(),
        Allow,
    );
    add(
        "E20e cross-account trust without identity allow",
        ASSUME_ROLE,
        trust(json!({"AWS": B}), "arn:aws:iam::222222222222:user/u", false),
        assume.clone(),
        ImplicitDeny,
    );
    add(
        "E20f service trust",
        ASSUME_ROLE,
        trust(
            json!({"Service": "ec2.amazonaws.com"}),
            "ec2.amazonaws.com",
            false,
        ),
        assume.clone(),
        Allow,
    );
    let web_identity = |condition: Value| {
        json!({
            "principal": "federated:token.actions.githubusercontent.com",
            "resource": {"arn": role_t, "account": A, "kind": "iam-role", "policy": policy(json!([{"Effect": "Allow", "Principal": {"Federated": "token.actions.githubusercontent.com"}, "Action": "sts:AssumeRoleWithWebIdentity", "Condition": condition}]))}
        })
    };
    let web_assume = request("sts:AssumeRoleWithWebIdentity", role_t);
    add(
        "S8 ForAllValues on an absent claim lets any token in",
        MULTI_VALUED,
        web_identity(
            json!({"ForAllValues:StringEquals": {"token.actions.githubusercontent.com:sub": ["repo:org/app:ref:refs/heads/main"]}}),
        ),
        web_assume.clone(),
        Allow,
    );
    add(
        "S8b StringEquals on an absent claim keeps it out",
        OPERATORS,
        web_identity(
            json!({"StringEquals": {"token.actions.githubusercontent.com:sub": "repo:org/app:ref:refs/heads/main"}}),
        ),
        web_assume.clone(),
        ImplicitDeny,
    );
    add(
        "S8c StringLike on the claim",
        OPERATORS,
        web_identity(
            json!({"StringLike": {"token.actions.githubusercontent.com:sub": "repo:org/app:*"}}),
        ),
        request_with(
            "sts:AssumeRoleWithWebIdentity",
            role_t,
            json!({"token.actions.githubusercontent.com:sub": "repo:org/app:ref:refs/heads/main"}),
        ),
        Allow,
    );

    // ---- S3 object tags ------------------------------------------------------------------
    let object_tags = identity(
        DEV_ALICE,
        json!([
            allow("s3:*", "*"),
            {"Effect": "Deny", "Action": "s3:GetObject", "Resource": "*", "Condition": {"StringEquals": {"s3:ExistingObjectTag/env": "production"}}}
        ]),
    );
    add(
        "S2 production-tag deny spares a sandbox object",
        S3_TAGS,
        object_tags.clone(),
        ctx(json!({"s3:ExistingObjectTag/env": "sandbox"})),
        Allow,
    );
    add(
        "S2b production-tag deny hits a production object",
        S3_TAGS,
        object_tags,
        ctx(json!({"s3:ExistingObjectTag/env": "production"})),
        ExplicitDeny,
    );
    let inverted = identity(
        DEV_ALICE,
        json!([
            allow("s3:*", "*"),
            {"Effect": "Deny", "Action": "s3:*", "Resource": "*", "Condition": {"StringNotEquals": {"aws:ResourceTag/env": "sandbox"}}}
        ]),
    );
    add(
        "S2c inverted guard denies when the key is absent",
        OPERATORS,
        inverted,
        ctx(json!({"s3:ExistingObjectTag/env": "sandbox"})),
        ExplicitDeny,
    );

    rows
}

#[test]
fn aws_documentation_cases() {
    let rows = rows();
    let mut failures = Vec::new();
    let mut ids = std::collections::HashSet::new();
    for row in &rows {
        assert!(ids.insert(row.id.clone()), "duplicate row id {}", row.id);
        assert!(
            row.source.starts_with("https://docs.aws.amazon.com/"),
            "{}",
            row.id
        );
        match decide(&row.scenario, &row.request) {
            Ok(decided) if decided.decision == row.expect => {}
            Ok(decided) => failures.push(format!(
                "{} ({}): expected {}, got {}\n  explanation: {:?}\n  scenario: {}\n  request: {}",
                row.id,
                row.source,
                row.expect,
                decided.decision,
                decided.explanation,
                row.scenario,
                row.request
            )),
            Err(error) => failures.push(format!(
                "{}: cannot decide: {error}\n  scenario: {}",
                row.id, row.scenario
            )),
        }
    }
    assert!(rows.len() >= 120, "only {} rows", rows.len());
    assert!(
        failures.is_empty(),
        "{} of {} rows disagree with AWS:\n{}",
        failures.len(),
        rows.len(),
        failures.join("\n")
    );
}
