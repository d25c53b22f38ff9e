//! Property tests over whole setups: random scenarios with identity
//! policies, a permissions boundary, a session policy, a resource policy
//! naming every kind of principal (Principal and NotPrincipal), SCP and RCP
//! trees of one to three levels, a VPC endpoint policy, principal and
//! resource tags and request context, with open and fixed principals.
//!
//! Checked, with fixed seeds:
//! 1. The symbolic decision equals the concrete one on fixed requests: the
//!    request as `iamz eval` resolves it (derived keys included) is fixed
//!    in the solver, over the *open* setup (every SCP and RCP level,
//!    guarded by the request's accounts); the solver must find Allow and
//!    ExplicitDeny exactly where the evaluator decides them.
//! 2. Every counterexample of a scenario comparison, taken from its
//!    printed JSON, replays through `iamz eval` (the CLI's own code path,
//!    files on disk) to the decisions the comparison claims.
//! 3. Every "equivalent" survives random requests on both scenarios.
//!
//! `IAMZ_SETUP_PROPERTY_CASES` raises the number of cases (the ignored
//! long run uses 100,000 for property 1).

use super::*;
use crate::cli::eval::{run as run_eval, EvalArguments};
use crate::cli::OutputFormat;
use crate::eval::{evaluate, Decision};
use crate::policy::PolicyKind;
use crate::report::comparison::request_json;

use crate::scenario::{RequestSpec, Scenario, SetupScope};
use crate::source::JsonSource;
use crate::symbolic::{RequestModel, SymbolicInterpretation, Term};
use proptest::prelude::*;
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
use serde_json::{json, Value};
use std::path::Path;

/// The time every request is decided at (the replay's default too).
pub(crate) const NOW: i64 = 1_790_000_000;

const ORGANIZATION_ID: &str = "o-test000001";
const MANAGEMENT: &str = "999999999999";

const STATEMENT_ACTIONS: &[&str] = &[
    "s3:GetObject",
    "s3:*",
    "s3:Put*",
    "ec2:RunInstances",
    "kms:Decrypt",
    "sts:AssumeRole",
    "*",
];
const STATEMENT_RESOURCES: &[&str] = &[
    "*",
    "arn:aws:s3:::bucket/*",
    "arn:aws:s3:::bucket",
    "arn:aws:ec2:*:111111111111:instance/*",
    "arn:aws:kms:*:222222222222:key/*",
    "arn:aws:iam::111111111111:role/Dev",
];
const CONDITIONS: &[&str] = &[
    "",
    "",
    r#""Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-test000001"}}"#,
    r#""Condition": {"StringNotEqualsIfExists": {"aws:PrincipalOrgID": "o-test000001"}}"#,
    r#""Condition": {"StringEquals": {"aws:ResourceAccount": "111111111111"}}"#,
    r#""Condition": {"StringEquals": {"aws:ResourceOrgID": "o-test000001"}}"#,
    r#""Condition": {"ForAnyValue:StringLike": {"aws:PrincipalOrgPaths": "o-test000001/r-root/ou-prod/*"}}"#,
    r#""Condition": {"StringEquals": {"aws:PrincipalTag/team": "blue"}}"#,
    r#""Condition": {"StringEquals": {"aws:ResourceTag/env": "prod"}}"#,
    r#""Condition": {"StringEquals": {"s3:ExistingObjectTag/env": "prod"}}"#,
    r#""Condition": {"StringEquals": {"aws:RequestedRegion": "eu-west-1"}}"#,
    r#""Condition": {"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}"#,
    r#""Condition": {"BoolIfExists": {"aws:SecureTransport": "false"}}"#,
    r#""Condition": {"Bool": {"aws:PrincipalIsAWSService": "true"}}"#,
    r#""Condition": {"StringEquals": {"aws:PrincipalAccount": "222222222222"}}"#,
    r#""Condition": {"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::111111111111:role/*"}}"#,
    r#""Condition": {"StringEquals": {"aws:PrincipalType": "AssumedRole"}}"#,
];
const PRINCIPAL_ENTRIES: &[&str] = &[
    r#""Principal": "*""#,
    r#""Principal": {"AWS": "111111111111"}"#,
    r#""Principal": {"AWS": "arn:aws:iam::333333333333:root"}"#,
    r#""Principal": {"AWS": "arn:aws:iam::111111111111:role/Dev"}"#,
    r#""Principal": {"AWS": "arn:aws:iam::111111111111:user/alice"}"#,
    r#""Principal": {"AWS": "arn:aws:sts::111111111111:assumed-role/Dev/s1"}"#,
    r#""Principal": {"AWS": ["arn:aws:iam::222222222222:user/bob", "333333333333"]}"#,
    r#""Principal": {"Service": "lambda.amazonaws.com"}"#,
    r#""Principal": {"Federated": "cognito-identity.amazonaws.com"}"#,
    r#""NotPrincipal": {"AWS": "arn:aws:iam::111111111111:role/Dev"}"#,
    r#""NotPrincipal": {"AWS": "111111111111"}"#,
];
const SCENARIO_PRINCIPALS: &[&str] = &[
    "*",
    "*",
    "arn:aws:iam::111111111111:user/alice",
    "arn:aws:sts::111111111111:assumed-role/Dev/s1",
    "arn:aws:iam::222222222222:user/bob",
    "arn:aws:iam::333333333333:user/eve",
    "arn:aws:sts::999999999999:federated-user/fed",
    "arn:aws:iam::111111111111:root",
];
const REQUEST_PRINCIPALS: &[&str] = &[
    "arn:aws:iam::111111111111:user/alice",
    "arn:aws:sts::111111111111:assumed-role/Dev/s1",
    "arn:aws:sts::222222222222:assumed-role/Dev/s2",
    "arn:aws:iam::222222222222:user/bob",
    "arn:aws:iam::333333333333:user/eve",
    "arn:aws:iam::999999999999:user/admin",
    "arn:aws:iam::111111111111:root",
    "lambda.amazonaws.com",
    "federated:cognito-identity.amazonaws.com",
    "anonymous",
];
/// (ARN, account, kind)
const RESOURCES: &[(&str, &str, &str)] = &[
    ("arn:aws:s3:::bucket/key", "111111111111", "generic"),
    ("arn:aws:s3:::bucket", "222222222222", "generic"),
    ("arn:aws:s3:::bucket/key", "333333333333", "generic"),
    (
        "arn:aws:kms:us-east-1:222222222222:key/k1",
        "222222222222",
        "kms-key",
    ),
    (
        "arn:aws:ec2:us-east-1:111111111111:instance/i-1",
        "111111111111",
        "generic",
    ),
    (
        "arn:aws:iam::111111111111:role/Dev",
        "111111111111",
        "iam-role",
    ),
    // No kind: it follows from the ARN and the action.
    (
        "arn:aws:kms:us-east-1:222222222222:key/k2",
        "222222222222",
        "",
    ),
    ("arn:aws:iam::222222222222:role/Dev", "222222222222", ""),
    (
        "arn:aws:kms:us-east-1:111111111111:alias/aws/s3",
        "111111111111",
        "",
    ),
];
const REQUEST_ACTIONS: &[&str] = &[
    "s3:GetObject",
    "s3:PutObject",
    "ec2:RunInstances",
    "kms:Decrypt",
    "sts:AssumeRole",
    "sts:TagSession",
    "kms:DeleteAlias",
];

/// A statement of a policy of `kind`, as JSON text.
fn statement(kind: PolicyKind) -> impl Strategy<Value = String> {
    (
        prop::bool::weighted(0.65),
        prop::sample::subsequence(STATEMENT_ACTIONS.to_vec(), 1..3),
        prop::sample::subsequence(STATEMENT_RESOURCES.to_vec(), 1..3),
        prop::sample::select(CONDITIONS.to_vec()),
        prop::sample::select(PRINCIPAL_ENTRIES.to_vec()),
        prop::bool::weighted(0.15),
    )
        .prop_map(
            move |(allow, actions, resources, condition, principal, not_action)| {
                let list = |items: &[&str]| {
                    items
                        .iter()
                        .map(|item| format!("\"{item}\""))
                        .collect::<Vec<_>>()
                        .join(", ")
                };
                let principal = match kind {
                    PolicyKind::Resource | PolicyKind::Trust | PolicyKind::Endpoint => {
                        // AWS warns against NotPrincipal with Allow; keep it on Deny.
                        if principal.starts_with("\"NotPrincipal") && allow {
                            r#""Principal": "*", "#.to_string()
                        } else {
                            format!("{principal}, ")
                        }
                    }
                    PolicyKind::Rcp => r#""Principal": "*", "#.to_string(),
                    _ => String::new(),
                };
                // RCPs hold only Deny statements besides RCPFullAWSAccess.
                let allow = allow && kind != PolicyKind::Rcp;
                let condition = if condition.is_empty() {
                    String::new()
                } else {
                    format!(", {condition}")
                };
                let resource = if kind == PolicyKind::Trust {
                    String::new()
                } else {
                    format!(r#", "Resource": [{}]"#, list(&resources))
                };
                format!(
                    r#"{{"Effect": "{}", {principal}"{}": [{}]{resource}{condition}}}"#,
                    if allow { "Allow" } else { "Deny" },
                    if not_action && !allow {
                        "NotAction"
                    } else {
                        "Action"
                    },
                    list(&actions),
                )
            },
        )
}

fn policy(kind: PolicyKind) -> impl Strategy<Value = Value> {
    prop::collection::vec(statement(kind), 1..3).prop_map(|statements| {
        let text = format!(
            r#"{{"Version": "2012-10-17", "Statement": [{}]}}"#,
            statements.join(", ")
        );
        serde_json::from_str(&text).expect("generated policies are JSON")
    })
}

/// An organization of one to three levels with SCPs and RCPs.
fn organization() -> impl Strategy<Value = Value> {
    let scp_names = prop::sample::subsequence(
        vec!["FullAWSAccess", "DenyS3", "AllowS3", "DenyRegion", "Random"],
        0..3,
    );
    let rcp_names = prop::sample::subsequence(
        vec!["RCPFullAWSAccess", "DenyOutsideOrg", "RandomRcp"],
        0..3,
    );
    (
        1usize..=3,
        prop::collection::vec((scp_names, rcp_names), 3),
        policy(PolicyKind::Scp),
        policy(PolicyKind::Rcp),
    )
        .prop_map(|(depth, attachments, random_scp, random_rcp)| {
            let attach = |node: &mut Value, index: usize| {
                let (scps, rcps) = &attachments[index];
                if !scps.is_empty() {
                    node["scps"] = json!(scps);
                }
                if !rcps.is_empty() {
                    node["rcps"] = json!(rcps);
                }
            };
            let account = |id: &str| json!({"id": id, "name": format!("account-{id}")});
            let mut leaf = json!({"id": "ou-prod-web00001", "name": "web",
                "children": [account("111111111111")]});
            attach(&mut leaf, 2);
            let mut prod = json!({"id": "ou-prod-00000001", "name": "prod",
                "children": [account("222222222222")]});
            attach(&mut prod, 1);
            let mut root = json!({"id": "r-root", "name": "root",
                "children": [account(MANAGEMENT)]});
            attach(&mut root, 0);
            let children = root["children"].as_array_mut().unwrap();
            match depth {
                1 => {
                    children.push(account("111111111111"));
                    children.push(account("222222222222"));
                }
                2 => {
                    prod["children"]
                        .as_array_mut()
                        .unwrap()
                        .push(account("111111111111"));
                    children.push(prod);
                }
                _ => {
                    prod["children"].as_array_mut().unwrap().push(leaf);
                    children.push(prod);
                }
            }
            json!({
                "id": ORGANIZATION_ID,
                "management_account": MANAGEMENT,
                "root": root,
                "policies": {
                    "DenyS3": {"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "s3:*", "Resource": "*"}]},
                    "AllowS3": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]},
                    "DenyRegion": {"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "NotAction": "iam:*", "Resource": "*",
                        "Condition": {"StringNotEqualsIfExists": {"aws:RequestedRegion": "eu-west-1"}}}]},
                    "Random": random_scp,
                    "DenyOutsideOrg": {"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Principal": "*", "Action": ["s3:*", "kms:*"], "Resource": "*",
                        "Condition": {"StringNotEqualsIfExists": {"aws:PrincipalOrgID": ORGANIZATION_ID}, "BoolIfExists": {"aws:PrincipalIsAWSService": "false"}}}]},
                    "RandomRcp": random_rcp,
                }
            })
        })
}

/// A whole scenario (also generates the setups of `explain`'s property
/// test).
pub(crate) fn scenario() -> impl Strategy<Value = Value> {
    let principal = (
        prop::sample::select(SCENARIO_PRINCIPALS.to_vec()),
        prop::collection::vec(policy(PolicyKind::Identity), 0..3),
        prop::option::weighted(0.3, policy(PolicyKind::Boundary)),
        prop::option::weighted(0.2, policy(PolicyKind::Session)),
        prop::option::of(prop::sample::select(vec!["blue", "red"])),
    );
    let resource = (
        prop::sample::select(RESOURCES.to_vec()),
        prop::option::weighted(0.6, policy(PolicyKind::Resource)),
        prop::option::weighted(0.4, policy(PolicyKind::Trust)),
        prop::option::weighted(0.6, policy(PolicyKind::Resource)),
        prop::option::of((prop::sample::select(vec!["prod", "dev"]), prop::bool::ANY)),
        prop::bool::weighted(0.3),
    );
    (
        principal,
        resource,
        prop::option::weighted(0.6, organization()),
        prop::option::weighted(0.2, policy(PolicyKind::Endpoint)),
        prop::option::weighted(0.3, prop::sample::select(vec!["eu-west-1", "us-east-1"])),
    )
        .prop_map(
            |(
                (arn, identity, boundary, session, team),
                ((resource_arn, account, kind), resource_policy, trust, key_policy, env, restrict),
                organization,
                endpoint,
                region,
            )| {
                let mut principal = json!({"arn": arn, "identity_policies": identity});
                if let Some(boundary) = boundary {
                    principal["permissions_boundary"] = boundary;
                }
                if let Some(session) = session {
                    principal["session_policy"] = session;
                }
                if let Some(team) = team {
                    principal["tags"] = json!({"team": team});
                }
                let mut resource = json!({"arn": resource_arn, "account": account});
                if !kind.is_empty() {
                    resource["kind"] = json!(kind);
                }
                let policy = match kind {
                    "kms-key" => key_policy,
                    "iam-role" => trust,
                    "" if resource_arn.contains(":role/") => trust,
                    "" if resource_arn.contains(":key/") => key_policy,
                    _ => resource_policy,
                };
                if let Some(policy) = policy {
                    resource["policy"] = policy;
                }
                if let Some((env, abac)) = env {
                    resource["tags"] = json!({"env": env});
                    if abac {
                        resource["abac"] = json!(true);
                    }
                }
                // S3 Block Public Access (it applies to buckets with a
                // public policy; elsewhere it must change nothing).
                if restrict {
                    resource["block_public_access"] = json!({"RestrictPublicBuckets": true});
                }
                let mut scenario = json!({"principal": principal, "resource": resource});
                if let Some(organization) = organization {
                    scenario["organization"] = organization;
                }
                if let Some(endpoint) = endpoint {
                    scenario["vpc_endpoint_policy"] = endpoint;
                }
                if let Some(region) = region {
                    scenario["request"] = json!({"context": {"aws:RequestedRegion": region}});
                }
                scenario
            },
        )
}

/// A request laid over a scenario: a principal when the scenario leaves it
/// open, an action, and some context.
pub(crate) fn request_spec() -> impl Strategy<Value = Value> {
    (
        prop::sample::select(REQUEST_PRINCIPALS.to_vec()),
        prop::sample::select(REQUEST_ACTIONS.to_vec()),
        prop::option::of(prop::sample::select(vec!["10.1.2.3", "192.0.2.1"])),
        prop::option::weighted(0.2, prop::sample::select(vec!["true", "false"])),
        prop::option::weighted(0.2, prop::sample::select(vec!["eu-west-1", "ap-south-1"])),
    )
        .prop_map(|(principal, action, ip, secure, region)| {
            let mut context = serde_json::Map::new();
            if let Some(ip) = ip {
                context.insert("aws:SourceIp".into(), json!(ip));
            }
            if let Some(secure) = secure {
                context.insert("aws:SecureTransport".into(), json!(secure));
            }
            if let Some(region) = region {
                context.insert("aws:RequestedRegion".into(), json!(region));
            }
            json!({"principal": principal, "action": action, "context": context})
        })
}

pub(crate) fn load(scenario: &Value) -> Scenario {
    let text = scenario.to_string();
    let source = JsonSource::from_text(&text, "generated.json", Path::new("."))
        .unwrap_or_else(|error| panic!("{error}\n{text}"));
    Scenario::from_source(&source).unwrap_or_else(|error| panic!("{error}\n{text}"))
}

pub(crate) fn spec(request: &Value, scenario: &Scenario) -> RequestSpec {
    let mut request = request.clone();
    // A fixed principal of the scenario stays; an open one takes the request's.
    if scenario.request.principal.is_some() {
        request.as_object_mut().unwrap().remove("principal");
    }
    // Keys the scenario's request gives are fixed by the scenario: the
    // questions asked of it are about requests with those values.
    if let Some(context) = request["context"].as_object_mut() {
        context.retain(|key, _| {
            !scenario
                .request
                .context
                .iter()
                .any(|(given, _, _)| given.eq_ignore_ascii_case(key))
        });
    }
    let text = request.to_string();
    let source = JsonSource::from_text(&text, "request.json", Path::new(".")).unwrap();
    RequestSpec::from_node(&source, &source.root, "").unwrap()
}

/// Property 1 on one case.
fn symbolic_equals_concrete(scenario_json: &Value, request: &Value) -> Result<(), TestCaseError> {
    let scenario = load(scenario_json);
    let spec = spec(request, &scenario);
    let Ok(resolved) = scenario.resolve(&spec, NOW) else {
        return Ok(());
    };
    let request = resolved.request;
    let concrete = evaluate(&scenario.setup(&SetupScope::of_request(&request)), &request).decision;
    let setup = scenario.setup(&SetupScope::open());
    let model = RequestModel::build(&setup.policies(), &[&setup.facts.derived_keys]);
    let interpretation = SymbolicInterpretation::new(&model);
    let decision = setup.decide(&interpretation);
    if !(model.unsupported.is_empty() && interpretation.unsupported().is_empty()) {
        return Err(TestCaseError::fail(format!(
            "unsupported: {:?} {:?}",
            model.unsupported,
            interpretation.unsupported()
        )));
    }
    let Some(fixed) = super::property_tests::fix_request(&model, &request) else {
        return Ok(());
    };
    let options = QueryOptions::default();
    let mut engine = super::engine::Engine::new(&model, &fixed, &options)
        .map_err(|error| TestCaseError::fail(error.to_string()))?;
    let mut found = |goal: &Term| match engine.search(&model, goal) {
        Ok(Search::Found(_)) => Ok(true),
        Ok(Search::NotFound) => Ok(false),
        Ok(Search::Unknown(reason)) => Err(TestCaseError::fail(format!("unknown: {reason}"))),
        Err(error) => Err(TestCaseError::fail(error.to_string())),
    };
    let allowed = found(&decision.allowed)?;
    let denied = found(&decision.explicit_deny)?;
    let symbolic = match (allowed, denied) {
        (true, _) => Decision::Allow,
        (false, true) => Decision::ExplicitDeny,
        (false, false) => Decision::ImplicitDeny,
    };
    prop_assert_eq!(
        symbolic,
        concrete,
        "scenario {}\nrequest {:#?}",
        scenario_json,
        request
    );
    prop_assert!(
        !(allowed && denied),
        "allowed and explicitly denied at once"
    );
    Ok(())
}

/// A second scenario: one layer of the first changed.
fn mutated(scenario: &Value, which: usize, replacement: &Value) -> Value {
    let mut changed = scenario.clone();
    match which % 5 {
        0 => {
            let policies = changed["principal"]["identity_policies"]
                .as_array_mut()
                .unwrap();
            if policies.is_empty() {
                policies.push(replacement.clone());
            } else {
                policies.pop();
            }
        }
        1 => match changed["resource"].get("policy") {
            Some(_) => {
                changed["resource"]
                    .as_object_mut()
                    .unwrap()
                    .remove("policy");
            }
            None => changed["principal"]["permissions_boundary"] = replacement.clone(),
        },
        2 => match changed.get_mut("organization") {
            Some(organization) => {
                organization["policies"]["Random"] = replacement.clone();
                organization["root"]["scps"] = json!(["FullAWSAccess", "Random"]);
            }
            None => changed["principal"]["permissions_boundary"] = replacement.clone(),
        },
        3 => match changed.get_mut("organization") {
            Some(organization) => {
                organization["root"]["rcps"] = json!(["RCPFullAWSAccess", "DenyOutsideOrg"]);
            }
            // An endpoint policy names principals: the replacement, an
            // identity policy, is given `"Principal": "*"`.
            None => {
                let mut endpoint = replacement.clone();
                for statement in endpoint["Statement"].as_array_mut().into_iter().flatten() {
                    statement["Principal"] = json!("*");
                }
                changed["vpc_endpoint_policy"] = endpoint;
            }
        },
        _ => changed["principal"]["tags"] = json!({"team": "blue"}),
    }
    changed
}

/// `iamz eval SCENARIO --request R --format json`, through the CLI's code.
fn eval_through_cli(directory: &Path, scenario: &Value, request: &Value, name: &str) -> Decision {
    let scenario_path = directory.join(format!("{name}.json"));
    let request_path = directory.join("request.json");
    std::fs::write(&scenario_path, scenario.to_string()).unwrap();
    std::fs::write(&request_path, request.to_string()).unwrap();
    let arguments = EvalArguments {
        inventory: None,
        organization: None,
        chain: Default::default(),
        principal: None,
        resource: None,
        scenario: Some(scenario_path),
        policy: None,
        policy_type: PolicyKind::Identity,
        request: Some(request_path),
        cloudtrail: None,
        authorization_message: None,
        requests: None,
        format: OutputFormat::Json,
        now: Some(NOW),
        stack: Default::default(),
    };
    let mut out = Vec::new();
    let code = run_eval(&arguments, &mut out);
    let text = String::from_utf8(out).unwrap();
    assert!(code == 0, "iamz eval exited {code}: {text}");
    let decided: Value = serde_json::from_str(text.trim()).unwrap();
    match decided["decision"].as_str() {
        Some("Allow") => Decision::Allow,
        Some("ExplicitDeny") => Decision::ExplicitDeny,
        _ => Decision::ImplicitDeny,
    }
}

/// Properties 2 and 3 on one case.
fn comparison_replays(
    old_json: &Value,
    new_json: &Value,
    requests: &[Value],
) -> Result<(), TestCaseError> {
    let old = load(old_json);
    let new = load(new_json);
    // What `iamz diff OLD NEW` does.
    let constraints = RequestConstraints::of_scenario(&old);
    let scope = constraints.scope();
    let old_side = ComparedSide::Setup(old.setup(&scope));
    let new_side = ComparedSide::Setup(new.setup(&scope));
    let options = QueryOptions {
        timeout_milliseconds: 30_000,
        ..QueryOptions::default()
    };
    let comparison = compare(
        &old_side,
        &new_side,
        &constraints,
        &options,
        PolicyComparisonMode::InContext,
    )
    .map_err(|error| TestCaseError::fail(format!("{error}\nold {old_json}\nnew {new_json}")))?;
    if let Verdict::Inconclusive { reason } = &comparison.verdict {
        return Err(TestCaseError::fail(format!(
            "inconclusive: {reason}\nold {old_json}\nnew {new_json}"
        )));
    }
    let directory = tempfile::tempdir().unwrap();
    for example in &comparison.counterexamples {
        let printed = request_json(&example.request);
        let old_decision = eval_through_cli(directory.path(), old_json, &printed, "old");
        let new_decision = eval_through_cli(directory.path(), new_json, &printed, "new");
        prop_assert_eq!(
            (old_decision, new_decision),
            (example.old.decision, example.new.decision),
            "printed request {}\nold {}\nnew {}",
            printed,
            old_json,
            new_json
        );
        prop_assert!(old_decision != new_decision);
    }
    if comparison.verdict == Verdict::Equivalent {
        // Equivalent access; the same kind of deny too unless a
        // counterexample says only that differs.
        let deny_kind_differs = !comparison.counterexamples.is_empty();
        for request in requests {
            let decide = |scenario: &Scenario| {
                scenario
                    .resolve(&spec(request, scenario), NOW)
                    .ok()
                    .filter(|resolved| constraints.admits(&resolved.request))
                    .map(|resolved| {
                        evaluate(
                            &scenario.setup(&SetupScope::of_request(&resolved.request)),
                            &resolved.request,
                        )
                        .decision
                    })
                    // Only access, where the kind of deny is known to differ.
                    .map(|decision| match (deny_kind_differs, decision) {
                        (true, Decision::ExplicitDeny) => Decision::ImplicitDeny,
                        (_, decision) => decision,
                    })
            };
            prop_assert_eq!(
                decide(&old),
                decide(&new),
                "equivalent, but not on {}\nold {}\nnew {}",
                request,
                old_json,
                new_json
            );
        }
    }
    Ok(())
}

fn cases(default: u32) -> u32 {
    std::env::var("IAMZ_SETUP_PROPERTY_CASES")
        .ok()
        .and_then(|text| text.parse().ok())
        .unwrap_or(default)
}

pub(crate) fn runner(cases: u32, seed: u8) -> TestRunner {
    TestRunner::new_with_rng(
        Config {
            cases,
            failure_persistence: None,
            ..Config::default()
        },
        TestRng::from_seed(RngAlgorithm::ChaCha, &[seed; 32]),
    )
}

#[test]
fn setups_decide_symbolically_as_the_evaluator_does() {
    let mut runner = runner(cases(1000), 11);
    runner
        .run(&(scenario(), request_spec()), |(scenario, request)| {
            symbolic_equals_concrete(&scenario, &request)
        })
        .unwrap();
}

#[test]
#[ignore]
fn setups_decide_symbolically_as_the_evaluator_does_long_run() {
    let mut runner = runner(100_000, 12);
    let start = std::time::Instant::now();
    runner
        .run(&(scenario(), request_spec()), |(scenario, request)| {
            symbolic_equals_concrete(&scenario, &request)
        })
        .unwrap();
    eprintln!("100000 cases in {:?}", start.elapsed());
}

#[test]
fn scenario_comparisons_replay_through_eval_and_equivalences_hold() {
    let mut runner = runner(cases(500), 13);
    runner
        .run(
            &(
                scenario(),
                0usize..5,
                policy(PolicyKind::Identity),
                prop::collection::vec(request_spec(), 12),
            ),
            |(old, which, replacement, requests)| {
                let new = mutated(&old, which, &replacement);
                comparison_replays(&old, &new, &requests)
            },
        )
        .unwrap();
}
