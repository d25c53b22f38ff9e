//! Context keys AWS derives from the request itself, filled in so that a
//! scenario need not spell them out. A value given in the request context
//! wins, with a warning when it contradicts the derived one.
//!
//! Source: "AWS global condition context keys"
//! (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html):
//! `aws:PrincipalArn` is the role ARN for a role session; `aws:username`
//! exists for IAM users only; `aws:PrincipalOrgID`/`aws:PrincipalOrgPaths`
//! only when the principal's account is in an organization (management
//! account included); anonymous and service principals carry no principal
//! identity keys; `aws:SecureTransport` and `aws:CurrentTime` are always
//! present.

use crate::org::Organization;
use crate::request::{ConcreteRequest, PrincipalKind};
use indexmap::IndexMap;

/// A derived key: its values and whether it is multivalued.
pub type DerivedKeys = Vec<(String, Vec<String>, bool)>;

/// The keys AWS would put in the context of this request.
pub fn derive_keys(
    request: &ConcreteRequest,
    organization: Option<&Organization>,
    principal_tags: &IndexMap<String, String>,
    resource_tags: &IndexMap<String, String>,
    current_time_epoch_seconds: i64,
) -> DerivedKeys {
    let mut keys: DerivedKeys = Vec::new();
    let mut single = |key: &str, value: String| keys.push((key.to_string(), vec![value], false));
    let principal = &request.principal;
    if let Some(arn) = principal.principal_arn() {
        single("aws:PrincipalArn", arn.to_string());
    }
    if let Some(account) = principal
        .account
        .as_deref()
        .filter(|_| principal.kind.has_identity_side())
    {
        single("aws:PrincipalAccount", account.to_string());
        if let Some(organization) =
            organization.filter(|organization| organization.contains_account(account))
        {
            single("aws:PrincipalOrgID", organization.id.clone());
            if let Some(path) = organization.org_path(account) {
                keys_push_multi(&mut keys, "aws:PrincipalOrgPaths", vec![path]);
            }
        }
    }
    let mut single = |key: &str, value: String| keys.push((key.to_string(), vec![value], false));
    if let Some(principal_type) = principal.kind.principal_type() {
        single("aws:PrincipalType", principal_type.to_string());
    }
    if principal.kind == PrincipalKind::IamUser {
        if let Some(name) = &principal.name {
            single("aws:username", name.clone());
        }
    }
    match principal.kind {
        PrincipalKind::Service => {
            single("aws:PrincipalIsAWSService", "true".to_string());
            single("aws:PrincipalServiceName", principal.text.clone());
        }
        PrincipalKind::Anonymous | PrincipalKind::FederatedProvider => {}
        _ => single("aws:PrincipalIsAWSService", "false".to_string()),
    }
    if principal.kind.has_identity_side() && principal.kind != PrincipalKind::AccountRoot {
        for (tag, value) in principal_tags {
            single(&format!("aws:PrincipalTag/{tag}"), value.clone());
        }
    }
    // S3 objects expose their tags as s3:ExistingObjectTag/<key>, not
    // aws:ResourceTag (https://docs.aws.amazon.com/AmazonS3/latest/userguide/tagging-and-policies.html).
    let is_s3_object = request
        .resource
        .strip_prefix("arn:")
        .and_then(|rest| rest.split_once(":s3:::"))
        .is_some_and(|(_, path)| path.contains('/'));
    let tag_key_prefix = if is_s3_object {
        "s3:ExistingObjectTag"
    } else {
        "aws:ResourceTag"
    };
    for (tag, value) in resource_tags {
        single(&format!("{tag_key_prefix}/{tag}"), value.clone());
    }
    if let Some(account) = &request.resource_account {
        single("aws:ResourceAccount", account.clone());
        if let Some(organization) =
            organization.filter(|organization| organization.contains_account(account))
        {
            single("aws:ResourceOrgID", organization.id.clone());
            if let Some(path) = organization.org_path(account) {
                keys.push(("aws:ResourceOrgPaths".to_string(), vec![path], true));
            }
        }
    }
    let mut single = |key: &str, value: String| keys.push((key.to_string(), vec![value], false));
    single("aws:SecureTransport", "true".to_string());
    single(
        "aws:CurrentTime",
        format_iso8601(current_time_epoch_seconds),
    );
    single("aws:EpochTime", current_time_epoch_seconds.to_string());
    keys
}

fn keys_push_multi(keys: &mut DerivedKeys, key: &str, values: Vec<String>) {
    keys.push((key.to_string(), values, true));
}

/// `YYYY-MM-DDThh:mm:ssZ` of epoch seconds.
pub fn format_iso8601(epoch_seconds: i64) -> String {
    let days = epoch_seconds.div_euclid(86_400);
    let seconds_of_day = epoch_seconds.rem_euclid(86_400);
    let (year, month, day) = crate::values::date::civil_from_days(days);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        seconds_of_day / 3600,
        (seconds_of_day / 60) % 60,
        seconds_of_day % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_dates_that_parse_back() {
        assert_eq!(format_iso8601(0), "1970-01-01T00:00:00Z");
        assert_eq!(format_iso8601(1_700_000_000), "2023-11-14T22:13:20Z");
        assert_eq!(
            crate::values::parse_date(&format_iso8601(951_782_400)),
            Some(951_782_400_000)
        );
    }
}
