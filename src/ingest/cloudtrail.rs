//! A request read from a CloudTrail record: one record as CloudTrail logs
//! it, a log file (`{"Records": [...]}`), or what `aws cloudtrail
//! lookup-events` prints (`{"Events": [{"CloudTrailEvent": "<the record as
//! JSON text>"}]}`, the record located inside its string).
//!
//! Read from the record (the fields of "CloudTrail record contents",
//! https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-record-contents.html,
//! and "CloudTrail userIdentity element",
//! https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-user-identity.html):
//! the principal from `userIdentity` (an assumed-role session with its
//! role from `sessionContext.sessionIssuer`; an anonymous S3 request is
//! `AWSAccount` with `accountId` `ANONYMOUS_PRINCIPAL`), the action from
//! `eventSource` and `eventName` as the call is authorized
//! (`cloudtrail_actions.rs`: `HeadObject` is `s3:GetObject`), the resource
//! from `resources` (the one that fits the action) or S3's
//! `requestParameters`, and `aws:SourceIp`, `aws:RequestedRegion`,
//! `aws:CurrentTime`, `aws:MultiFactorAuthPresent`, `aws:SourceVpce`,
//! `aws:SecureTransport` (`tlsDetails`) and `aws:UserAgent`. What the
//! record does not say is listed as unknown, never guessed.
//!
//! Trusts `located_file` for positions and the catalog for action names.

use super::embedded_policy::read_embedded_json;
use super::located_file::{item_path, member, LocatedFile};
use crate::catalog::Catalog;
use crate::policy::json::{JsonKey, JsonNode, JsonValue};
use crate::scenario::RequestSpec;
use crate::source::{join_path, InputError};
use crate::values::{parse_date, parse_ip_address};
use serde::Serialize;
use std::path::Path;

/// A request read from what AWS recorded, with what the record left open.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct RecordedRequest {
    /// Where it was read from (`file`, and the event's JSON path).
    pub source: String,
    /// The request (fields the record does not give stay open).
    #[serde(skip)]
    pub spec: RequestSpec,
    /// For an assumed-role session: its role's ARN, with its path.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub role_arn: Option<String>,
    /// What AWS recorded of its own decision (`errorCode`, `errorMessage`;
    /// `allowed`, `explicitDeny`).
    pub recorded: Vec<(String, String)>,
    /// What the record does not say.
    pub unknown: Vec<String>,
    pub warnings: Vec<String>,
    /// How the request was read where it is not the record's own words
    /// (the IAM action a call is authorized as).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

/// Error codes of a denied call.
fn is_denial(code: &str) -> bool {
    code.starts_with("AccessDenied")
        || code.ends_with("UnauthorizedOperation")
        || code == "Forbidden"
        || code == "UnauthorizedAccess"
}

/// Reads a CloudTrail record (or the first denied one of several).
pub fn read_cloudtrail(path: &Path) -> Result<RecordedRequest, InputError> {
    let file = LocatedFile::read(path)?;
    read_cloudtrail_file(&file)
}

/// [`read_cloudtrail`] on a file already read.
pub fn read_cloudtrail_file(file: &LocatedFile) -> Result<RecordedRequest, InputError> {
    let root = &file.root;
    let members = file.object(root, "")?;
    // The records, each with its path and its node (parsed from a string
    // for lookup-events).
    let mut records: Vec<(String, JsonNode)> = Vec::new();
    if let Some(events) = member(members, "Events") {
        for (index, event) in file.array(events, "Events")?.iter().enumerate() {
            let event_path = item_path("Events", index);
            let event_members = file.object(event, &event_path)?;
            let text = file.required(event_members, event, &event_path, "CloudTrailEvent")?;
            let text_path = join_path(&event_path, "CloudTrailEvent");
            records.push((
                format!("{text_path}>"),
                read_embedded_json(file, text, &text_path)?,
            ));
        }
    } else if let Some(items) = member(members, "Records") {
        for (index, record) in file.array(items, "Records")?.iter().enumerate() {
            records.push((item_path("Records", index), record.clone()));
        }
    } else {
        records.push((String::new(), root.clone()));
    }
    if records.is_empty() {
        return Err(file.error(root, "", "the file holds no CloudTrail event"));
    }
    let error_code = |node: &JsonNode| match &node.value {
        JsonValue::Object(members) => {
            member(members, "errorCode").and_then(|code| match &code.value {
                JsonValue::String(text) => Some(text.clone()),
                _ => None,
            })
        }
        _ => None,
    };
    let chosen = records
        .iter()
        .position(|(_, record)| error_code(record).is_some_and(|code| is_denial(&code)))
        .unwrap_or(0);
    let count = records.len();
    let (path, record) = &records[chosen];
    let mut read = read_record(file, record, path)?;
    if count > 1 {
        read.warnings.push(format!(
            "the file holds {count} events; explained: the {} ({})",
            if error_code(record).is_some_and(|code| is_denial(&code)) {
                "first denied one"
            } else {
                "first one"
            },
            if path.is_empty() { "the root" } else { path }
        ));
    }
    Ok(read)
}

/// `path` joined with `key`, for paths inside a record read from a string
/// (`Events[0].CloudTrailEvent>userIdentity`).
fn inside(path: &str, key: &str) -> String {
    if path.is_empty() || path.ends_with('>') {
        format!("{path}{key}")
    } else {
        format!("{path}.{key}")
    }
}

struct RecordReader<'f> {
    file: &'f LocatedFile,
}

impl RecordReader<'_> {
    fn text<'n>(
        &self,
        members: &'n [(JsonKey, JsonNode)],
        path: &str,
        key: &str,
    ) -> Result<Option<&'n str>, InputError> {
        match member(members, key) {
            None => Ok(None),
            Some(value) => self.file.string(value, &inside(path, key)).map(Some),
        }
    }

    /// A string or a boolean, as text (`mfaAuthenticated` is either).
    fn scalar(
        &self,
        members: &[(JsonKey, JsonNode)],
        path: &str,
        key: &str,
    ) -> Result<Option<String>, InputError> {
        match member(members, key).map(|node| &node.value) {
            None => Ok(None),
            Some(JsonValue::Bool(value)) => Ok(Some(value.to_string())),
            Some(_) => self
                .text(members, path, key)
                .map(|text| text.map(str::to_string)),
        }
    }
}

/// The partition of an ARN (`aws` when there is none).
fn partition_of(arn: Option<&str>) -> String {
    arn.and_then(|arn| arn.split(':').nth(1))
        .filter(|partition| !partition.is_empty())
        .unwrap_or("aws")
        .to_string()
}

fn read_record(
    file: &LocatedFile,
    record: &JsonNode,
    path: &str,
) -> Result<RecordedRequest, InputError> {
    let reader = RecordReader { file };
    let members = file.object(record, path)?;
    let mut read = RecordedRequest {
        source: if path.is_empty() {
            file.file.to_string()
        } else {
            format!("{} {path}", file.file)
        },
        ..RecordedRequest::default()
    };
    let mut context: Vec<(String, Vec<String>, bool)> = Vec::new();
    let mut set = |key: &str, value: String| context.push((key.to_string(), vec![value], false));

    // Who.
    let identity_path = inside(path, "userIdentity");
    let identity = file.required(members, record, path, "userIdentity")?;
    let identity_members = file.object(identity, &identity_path)?;
    let identity_type = reader
        .text(identity_members, &identity_path, "type")?
        .unwrap_or_default();
    let arn = reader.text(identity_members, &identity_path, "arn")?;
    let account = reader.text(identity_members, &identity_path, "accountId")?;
    let invoked_by = reader.text(identity_members, &identity_path, "invokedBy")?;
    let principal = match identity_type {
        "IAMUser" | "FederatedUser" | "Root" | "AssumedRole" => match arn {
            Some(arn) => Some(arn.to_string()),
            None => {
                read.unknown.push(format!(
                    "the principal: the {identity_type} identity has no arn"
                ));
                None
            }
        },
        "AWSService" => match invoked_by {
            Some(service) => Some(service.to_ascii_lowercase()),
            None => {
                read.unknown
                    .push("the principal: the AWSService identity has no invokedBy".to_string());
                None
            }
        },
        "AWSAccount" if account == Some("ANONYMOUS_PRINCIPAL") => Some("anonymous".to_string()),
        "AWSAccount" => {
            read.unknown.push(format!(
                "the principal: a caller of account {} whose ARN the record does not give (give it with --request or in the scenario)",
                account.unwrap_or("(not recorded)")
            ));
            None
        }
        "WebIdentityUser" | "SAMLUser" => {
            match reader.text(identity_members, &identity_path, "identityProvider")? {
                Some(provider) => Some(format!("federated:{provider}")),
                None => {
                    read.unknown.push(format!(
                        "the principal: the {identity_type} identity has no identityProvider"
                    ));
                    None
                }
            }
        }
        other => {
            read.unknown.push(format!(
                "the principal: identity type `{other}` is not one iamz reads (IAMUser, AssumedRole, FederatedUser, Root, AWSService, AWSAccount, WebIdentityUser, SAMLUser)"
            ));
            None
        }
    };
    if let (Some(service), true) = (invoked_by, identity_type != "AWSService") {
        read.warnings.push(format!(
            "the call was made by {service} on the principal's behalf: keys such as aws:ViaAWSService and aws:CalledVia are not read from the record"
        ));
    }
    if identity_type == "AssumedRole" {
        let session_path = inside(&identity_path, "sessionContext");
        if let Some(session) = member(identity_members, "sessionContext") {
            let session_members = file.object(session, &session_path)?;
            if let Some(issuer) = member(session_members, "sessionIssuer") {
                let issuer_path = inside(&session_path, "sessionIssuer");
                let issuer_members = file.object(issuer, &issuer_path)?;
                if reader.text(issuer_members, &issuer_path, "type")? == Some("Role") {
                    read.role_arn = reader
                        .text(issuer_members, &issuer_path, "arn")?
                        .map(str::to_string);
                }
            }
            if let Some(attributes) = member(session_members, "attributes") {
                let attributes_path = inside(&session_path, "attributes");
                let attribute_members = file.object(attributes, &attributes_path)?;
                if let Some(mfa) =
                    reader.scalar(attribute_members, &attributes_path, "mfaAuthenticated")?
                {
                    set("aws:MultiFactorAuthPresent", mfa);
                }
            }
        }
        if read.role_arn.is_none() {
            read.unknown.push(
                "the session's role ARN with its path (no sessionContext.sessionIssuer): read from the session ARN, without a path".to_string(),
            );
        }
    }
    if !matches!(identity_type, "AssumedRole" | "AWSService" | "AWSAccount") {
        read.unknown
            .push("aws:MultiFactorAuthPresent (recorded for sessions only)".to_string());
    }

    // What.
    let event_source = reader.text(members, path, "eventSource")?;
    let event_name = reader.text(members, path, "eventName")?;
    // Only an object of parameters can name a version; anything else is
    // read (or reported) where the resource is.
    let names_a_version = match member(members, "requestParameters").map(|node| &node.value) {
        Some(JsonValue::Object(parameters)) => member(parameters, "versionId").is_some(),
        _ => false,
    };
    let action = match (event_source, event_name) {
        (Some(source), Some(name)) => {
            let mapped = super::cloudtrail_actions::iam_action(source, name, names_a_version);
            if !mapped.in_catalog {
                read.warnings.push(format!(
                    "`{}` (from eventSource and eventName) is not an action of the catalog: an API call's IAM action can differ from its name",
                    mapped.action
                ));
            }
            if let Some(rule) = mapped.rule {
                read.notes
                    .push(format!("the action is {}: {rule}", mapped.action));
            }
            Some(mapped.action)
        }
        _ => {
            read.unknown
                .push("the action: the record has no eventSource or eventName".to_string());
            None
        }
    };

    // On what.
    let catalog_action = action
        .as_deref()
        .and_then(|name| Catalog::get().action(name));
    let mut resource: Option<(String, Option<String>)> = None;
    let resources = match member(members, "resources") {
        Some(node) => file.array(node, &inside(path, "resources"))?,
        None => &[],
    };
    let mut listed = Vec::new();
    for (index, item) in resources.iter().enumerate() {
        let item_at = item_path(&inside(path, "resources"), index);
        let item_members = file.object(item, &item_at)?;
        if let Some(resource_arn) = reader.text(item_members, &item_at, "ARN")? {
            let resource_account = reader
                .text(item_members, &item_at, "accountId")?
                .map(str::to_string);
            listed.push((resource_arn.to_string(), resource_account));
        }
    }
    if let Some(found) = listed
        .iter()
        .find(|(listed_arn, _)| {
            catalog_action.is_some_and(|action| action.fits_resource(listed_arn))
        })
        .or(listed.first())
    {
        // An object listed without its account: the account of its bucket,
        // listed beside it.
        let account = found.1.clone().or_else(|| {
            listed
                .iter()
                .find(|(other, account)| {
                    account.is_some() && found.0.starts_with(&format!("{other}/"))
                })
                .and_then(|(_, account)| account.clone())
        });
        resource = Some((found.0.clone(), account));
    }
    if resource.is_none() && event_source == Some("s3.amazonaws.com") {
        if let Some(parameters) = member(members, "requestParameters") {
            let parameters_path = inside(path, "requestParameters");
            let parameter_members = file.object(parameters, &parameters_path)?;
            let partition = partition_of(arn);
            if let Some(bucket) = reader.text(parameter_members, &parameters_path, "bucketName")? {
                let arn = match reader.text(parameter_members, &parameters_path, "key")? {
                    Some(key) => format!("arn:{partition}:s3:::{bucket}/{key}"),
                    None => format!("arn:{partition}:s3:::{bucket}"),
                };
                resource = Some((arn, None));
            }
        }
    }
    if resource.is_none() && catalog_action.is_some_and(|action| action.resource_types().is_empty())
    {
        resource = Some(("*".to_string(), None));
    }
    if resource.is_none() {
        read.unknown.push(
            "the resource: the record lists no resources (give it with --request or in the scenario)"
                .to_string(),
        );
    }
    if let Some((resource_arn, resource_account)) = &resource {
        if resource_account.is_none()
            && crate::scenario::setup::arn_account(resource_arn).is_none()
            && resource_arn != "*"
        {
            read.unknown.push(
                "the resource's account: the record does not give it (give resource.account in the scenario)"
                    .to_string(),
            );
        }
    }

    // The context.
    match reader.text(members, path, "sourceIPAddress")? {
        Some(address) if parse_ip_address(address).is_some() => {
            set("aws:SourceIp", address.to_string())
        }
        Some(other) => read.unknown.push(format!(
            "aws:SourceIp: the call came from `{other}`, not from an IP address"
        )),
        None => read
            .unknown
            .push("aws:SourceIp: the record has no sourceIPAddress".to_string()),
    }
    if let Some(region) = reader.text(members, path, "awsRegion")? {
        set("aws:RequestedRegion", region.to_string());
    }
    if let Some(time) = reader.text(members, path, "eventTime")? {
        set("aws:CurrentTime", time.to_string());
        if let Some(milliseconds) = parse_date(time) {
            set("aws:EpochTime", (milliseconds.div_euclid(1000)).to_string());
        }
    }
    if let Some(endpoint) = reader.text(members, path, "vpcEndpointId")? {
        set("aws:SourceVpce", endpoint.to_string());
    } else {
        read.unknown
            .push("aws:SourceVpce and aws:SourceVpc (no vpcEndpointId recorded)".to_string());
    }
    if member(members, "tlsDetails").is_some() {
        set("aws:SecureTransport", "true".to_string());
    } else {
        read.unknown.push(
            "aws:SecureTransport: the record has no tlsDetails (taken as HTTPS, the default)"
                .to_string(),
        );
    }
    if let Some(agent) = reader.text(members, path, "userAgent")? {
        set("aws:UserAgent", agent.to_string());
    }
    read.unknown.push(
        "the principal's and session's tags, and the service's own condition keys: CloudTrail does not record them"
            .to_string(),
    );

    for key in ["errorCode", "errorMessage"] {
        if let Some(value) = reader.text(members, path, key)? {
            read.recorded.push((key.to_string(), value.to_string()));
        }
    }
    read.spec = RequestSpec {
        principal,
        action,
        resource_account: resource.as_ref().and_then(|(_, account)| account.clone()),
        resource: resource.map(|(arn, _)| arn),
        context,
        id: reader.text(members, path, "eventID")?.map(str::to_string),
    };
    Ok(read)
}
