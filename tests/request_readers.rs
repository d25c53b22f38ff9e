//! The request readers of `iamz explain` and `iamz eval`: CloudTrail
//! records and decoded authorization messages, on fixtures in the shapes
//! AWS documents (`tests/files/cloudtrail/`, `tests/files/authorization-message/`),
//! and through the command line.

use iamz::cli::explain::ExplainArguments;
use iamz::cli::{run, Command, OutputFormat};
use iamz::ingest::authorization_message::read_authorization_message;
use iamz::ingest::cloudtrail::{read_cloudtrail, RecordedRequest};
use std::path::{Path, PathBuf};

fn fixture(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/files")
        .join(path)
}

fn context_value(read: &RecordedRequest, key: &str) -> Option<String> {
    read.spec
        .context
        .iter()
        .find(|(given, _, _)| given == key)
        .map(|(_, values, _)| values.join(","))
}

fn unknown_mentions(read: &RecordedRequest, text: &str) -> bool {
    read.unknown.iter().any(|unknown| unknown.contains(text))
}

#[test]
fn an_iam_user_record_gives_the_user_the_object_and_the_context() {
    // The IAMUser userIdentity of "CloudTrail userIdentity element"
    // (https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-user-identity.html)
    // in an S3 data event with `resources` and `tlsDetails`
    // (https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-record-contents.html).
    let read = read_cloudtrail(&fixture("cloudtrail/iam-user-get-object-denied.json")).unwrap();
    let spec = &read.spec;
    assert_eq!(
        spec.principal.as_deref(),
        Some("arn:aws:iam::111111111111:user/analyst")
    );
    assert_eq!(spec.action.as_deref(), Some("s3:GetObject"));
    assert_eq!(
        spec.resource.as_deref(),
        Some("arn:aws:s3:::reports/2026/q3.csv"),
        "the object, not the bucket: the resource that fits the action"
    );
    assert_eq!(spec.resource_account.as_deref(), Some("111111111111"));
    assert_eq!(
        context_value(&read, "aws:SourceIp").as_deref(),
        Some("192.0.2.10")
    );
    assert_eq!(
        context_value(&read, "aws:RequestedRegion").as_deref(),
        Some("eu-west-1")
    );
    assert_eq!(
        context_value(&read, "aws:CurrentTime").as_deref(),
        Some("2026-09-21T14:13:20Z")
    );
    assert_eq!(
        context_value(&read, "aws:EpochTime").as_deref(),
        Some("1790000000")
    );
    assert_eq!(
        context_value(&read, "aws:SecureTransport").as_deref(),
        Some("true")
    );
    assert!(read
        .recorded
        .contains(&("errorCode".to_string(), "AccessDenied".to_string())));
    assert!(unknown_mentions(&read, "aws:MultiFactorAuthPresent"));
    assert!(unknown_mentions(&read, "tags"));
}

#[test]
fn a_lookup_events_result_gives_the_first_denied_session_with_its_role() {
    // `aws cloudtrail lookup-events` output: each event's CloudTrailEvent
    // is the record as a JSON string
    // (https://docs.aws.amazon.com/cli/latest/reference/cloudtrail/lookup-events.html);
    // the AssumedRole userIdentity with sessionContext.sessionIssuer as
    // the userIdentity page shows it.
    let read = read_cloudtrail(&fixture("cloudtrail/assumed-role-lookup-events.json")).unwrap();
    assert_eq!(
        read.spec.principal.as_deref(),
        Some("arn:aws:sts::111111111111:assumed-role/Analyst/alice")
    );
    assert_eq!(
        read.role_arn.as_deref(),
        Some("arn:aws:iam::111111111111:role/teams/Analyst"),
        "the role with its path, from the session issuer"
    );
    assert_eq!(read.spec.action.as_deref(), Some("s3:GetObject"));
    assert_eq!(
        context_value(&read, "aws:MultiFactorAuthPresent").as_deref(),
        Some("true")
    );
    assert!(read.source.contains("Events[1].CloudTrailEvent>"));
    assert!(
        read.warnings
            .iter()
            .any(|warning| warning.contains("2 events") && warning.contains("first denied")),
        "{:?}",
        read.warnings
    );
}

#[test]
fn a_broken_record_inside_its_string_is_located_in_the_file() {
    let error = read_cloudtrail(&fixture("cloudtrail/lookup-events-broken-record.json"))
        .unwrap_err()
        .to_string();
    assert!(
        error.contains("Events[0].CloudTrailEvent>"),
        "the JSON path names the string: {error}"
    );
    let text =
        std::fs::read_to_string(fixture("cloudtrail/lookup-events-broken-record.json")).unwrap();
    let line = text
        .lines()
        .position(|line| line.contains("\"CloudTrailEvent\""))
        .unwrap()
        + 1;
    assert!(
        error.contains(&format!(":{line}:")),
        "located on the string's line {line}: {error}"
    );
}

#[test]
fn a_federated_user_record_without_resources_leaves_the_resource_unknown() {
    // The FederatedUser userIdentity (GetFederationToken sessions), as the
    // userIdentity page describes it.
    let read = read_cloudtrail(&fixture("cloudtrail/federated-user-send-message.json")).unwrap();
    assert_eq!(
        read.spec.principal.as_deref(),
        Some("arn:aws:sts::111111111111:federated-user/partner-app")
    );
    assert_eq!(read.spec.action.as_deref(), Some("sqs:SendMessage"));
    assert_eq!(read.spec.resource, None, "not guessed from the queue URL");
    assert!(unknown_mentions(&read, "the resource"));
}

#[test]
fn an_anonymous_s3_record_is_an_anonymous_request_on_the_object() {
    // An anonymous S3 request: userIdentity type AWSAccount with accountId
    // ANONYMOUS_PRINCIPAL, in a log file's Records
    // (https://docs.aws.amazon.com/AmazonS3/latest/userguide/cloudtrail-logging-s3-info.html).
    let read = read_cloudtrail(&fixture("cloudtrail/anonymous-s3-get-object.json")).unwrap();
    assert_eq!(read.spec.principal.as_deref(), Some("anonymous"));
    assert_eq!(
        read.spec.resource.as_deref(),
        Some("arn:aws:s3:::public-site/index.html"),
        "from requestParameters bucketName and key"
    );
    assert!(unknown_mentions(&read, "aws:SecureTransport"));
    assert!(unknown_mentions(&read, "the resource's account"));
}

#[test]
fn a_service_record_is_a_request_of_the_service_principal() {
    // The AWSService userIdentity with invokedBy (the userIdentity page).
    let read = read_cloudtrail(&fixture("cloudtrail/service-put-object.json")).unwrap();
    assert_eq!(
        read.spec.principal.as_deref(),
        Some("cloudtrail.amazonaws.com")
    );
    assert_eq!(read.spec.action.as_deref(), Some("s3:PutObject"));
    assert_eq!(read.spec.resource_account.as_deref(), Some("111111111111"));
    assert!(
        unknown_mentions(&read, "aws:SourceIp"),
        "a service name is no IP address"
    );
}

#[test]
fn a_decoded_message_gives_the_action_with_its_service_and_the_context() {
    // What `aws sts decode-authorization-message` prints: DecodedMessage,
    // a JSON string with allowed, explicitDeny, matchedStatements and
    // context; AWS's own example names the action without its service
    // (https://docs.aws.amazon.com/IAM/latest/UserGuide/sts_example_sts_DecodeAuthorizationMessage_section.html,
    // https://docs.aws.amazon.com/STS/latest/APIReference/API_DecodeAuthorizationMessage.html).
    let read = read_authorization_message(&fixture(
        "authorization-message/run-instances-explicit-deny.json",
    ))
    .unwrap();
    assert_eq!(
        read.spec.principal.as_deref(),
        Some("arn:aws:sts::111111111111:assumed-role/Developer/ana")
    );
    assert_eq!(read.spec.action.as_deref(), Some("ec2:RunInstances"));
    assert!(read
        .warnings
        .iter()
        .any(|warning| warning.contains("without its service")));
    assert_eq!(
        context_value(&read, "ec2:InstanceType").as_deref(),
        Some("m5.24xlarge")
    );
    assert!(read
        .recorded
        .contains(&("explicitDeny".to_string(), "true".to_string())));
    assert!(read.recorded.contains(&(
        "matchedStatement".to_string(),
        "DenyLargeInstances DENY".to_string()
    )));
}

#[test]
fn a_decoded_message_object_is_read_as_well() {
    let read = read_authorization_message(&fixture(
        "authorization-message/stop-instances-decoded-object.json",
    ))
    .unwrap();
    assert_eq!(read.spec.action.as_deref(), Some("ec2:StopInstances"));
    assert_eq!(
        read.spec.resource.as_deref(),
        Some("arn:aws:ec2:eu-west-1:111111111111:instance/i-0abc")
    );
    assert_eq!(
        context_value(&read, "aws:SourceIp").as_deref(),
        Some("192.0.2.10")
    );
}

fn explain_arguments(scenario: &str) -> ExplainArguments {
    ExplainArguments {
        scenario: Some(Path::new(env!("CARGO_MANIFEST_DIR")).join(scenario)),
        inventory: None,
        principal: None,
        resource: None,
        request: None,
        cloudtrail: None,
        authorization_message: None,
        format: OutputFormat::Json,
        now: Some(1_790_000_000),
        stack: Default::default(),
    }
}

#[test]
fn explain_reads_a_cloudtrail_record_and_proposes_the_checked_change() {
    let mut arguments = explain_arguments("examples/boundary-denies-s3-read/scenario.json");
    arguments.cloudtrail = Some(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("examples/boundary-denies-s3-read/access-denied-event.json"),
    );
    let mut out = Vec::new();
    let code = run(Command::Explain(arguments), &mut out);
    assert_eq!(code, 1, "denied: exit 1");
    let report: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(report["decision"], "ImplicitDeny");
    assert_eq!(report["explanation"]["missing_allows"][0], "boundary");
    let plan = &report["smallest_change"];
    assert_eq!(plan["checked"], true, "{plan}");
    assert_eq!(plan["changes"][0]["layer"], "boundary");
    assert_eq!(
        plan["changes"][0]["statement"]["Resource"],
        "arn:aws:s3:::reports/2026/q3.csv"
    );
    assert_eq!(
        report["recorded_request"]["role_arn"],
        "arn:aws:iam::111111111111:role/teams/Analyst"
    );
    assert!(report["recorded_request"]["unknown"]
        .as_array()
        .unwrap()
        .iter()
        .any(|unknown| unknown.as_str().unwrap().contains("aws:SourceVpce")));
}

#[test]
fn explain_of_an_allowed_request_exits_zero_and_proposes_nothing() {
    let mut arguments = explain_arguments("examples/boundary-denies-s3-read/scenario.json");
    let request = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(
        request.path(),
        r#"{"principal": "arn:aws:sts::111111111111:assumed-role/Analyst/alice", "action": "s3:ListBucket", "resource": "arn:aws:s3:::reports"}"#,
    )
    .unwrap();
    arguments.request = Some(request.path().to_path_buf());
    let mut out = Vec::new();
    assert_eq!(run(Command::Explain(arguments), &mut out), 0);
    let report: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(report["decision"], "Allow");
    assert!(report.get("smallest_change").is_none());
}

#[test]
fn explain_without_a_principal_says_what_the_record_left_unknown() {
    let mut arguments = explain_arguments("examples/boundary-denies-s3-read/scenario.json");
    arguments.cloudtrail = Some(fixture("cloudtrail/federated-user-send-message.json"));
    let mut out = Vec::new();
    assert_eq!(
        run(Command::Explain(arguments), &mut out),
        2,
        "no resource: bad input"
    );
}

#[test]
fn an_s3_call_is_read_as_the_action_that_authorizes_it() {
    // "Required permissions for Amazon S3 API operations"
    // (https://docs.aws.amazon.com/AmazonS3/latest/userguide/using-with-s3-policy-actions.html):
    // HeadObject needs s3:GetObject, and s3:GetObjectVersion when the
    // request names a version.
    let read = read_cloudtrail(&fixture(
        "cloudtrail/iam-user-head-object-version-denied.json",
    ))
    .unwrap();
    assert_eq!(read.spec.action.as_deref(), Some("s3:GetObjectVersion"));
    assert!(read.warnings.is_empty(), "{:?}", read.warnings);
    assert!(
        read.notes.iter().any(|note| note.contains("versionId")),
        "{:?}",
        read.notes
    );
}

#[test]
fn an_api_version_in_the_event_name_is_not_part_of_the_action() {
    // Lambda records the API version in its event names
    // (https://docs.aws.amazon.com/lambda/latest/dg/logging-using-cloudtrail.html).
    let read = read_cloudtrail(&fixture(
        "cloudtrail/lambda-get-function-versioned-name.json",
    ))
    .unwrap();
    assert_eq!(read.spec.action.as_deref(), Some("lambda:GetFunction"));
    assert!(read.warnings.is_empty(), "{:?}", read.warnings);
    assert_eq!(read.notes.len(), 1, "{:?}", read.notes);
}
