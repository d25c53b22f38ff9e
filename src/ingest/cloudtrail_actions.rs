//! The IAM action a CloudTrail record's API call is authorized as, from its
//! `eventSource` and `eventName`.
//!
//! Most calls are authorized as the action of the same name in the
//! service's prefix. Where they are not, the rule comes from the page that
//! says so:
//! - a few event sources are not the service's IAM prefix
//!   (`monitoring.amazonaws.com` is CloudWatch, `cloudwatch:`; `email` is
//!   SES, `ses:`), from each service's "Actions, resources, and condition
//!   keys" page
//!   (https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html);
//! - Amazon S3 authorizes many operations under another action's name
//!   (`HeadObject` needs `s3:GetObject`, `ListObjectsV2` needs
//!   `s3:ListBucket`, `DeleteObjects` needs `s3:DeleteObject`, …), and an
//!   object operation on a given version under the `…Version` action:
//!   "Required permissions for Amazon S3 API operations"
//!   (https://docs.aws.amazon.com/AmazonS3/latest/userguide/using-with-s3-policy-actions.html);
//! - some services record the API version in the event name
//!   (Lambda's `GetFunction20150331v2`, CloudFront's
//!   `UpdateDistribution2020_05_31`): the name without it is the action.
//!
//! A name none of these rules turns into a catalog action is returned as
//! written, and the reader warns that it is not a catalog action.
//!
//! Trusts the catalog for which actions exist.

use crate::catalog::Catalog;

/// Event sources whose service prefix differs from their host name.
const EVENT_SOURCE_PREFIXES: &[(&str, &str)] = &[("monitoring", "cloudwatch"), ("email", "ses")];

/// S3 operations authorized under another action (the S3 page above).
const S3_OPERATIONS: &[(&str, &str)] = &[
    ("AbortMultipartUpload", "AbortMultipartUpload"),
    ("CompleteMultipartUpload", "PutObject"),
    ("CopyObject", "PutObject"),
    ("CreateMultipartUpload", "PutObject"),
    (
        "DeleteBucketAnalyticsConfiguration",
        "PutAnalyticsConfiguration",
    ),
    ("DeleteBucketCors", "PutBucketCORS"),
    ("DeleteBucketEncryption", "PutEncryptionConfiguration"),
    (
        "DeleteBucketIntelligentTieringConfiguration",
        "PutIntelligentTieringConfiguration",
    ),
    (
        "DeleteBucketInventoryConfiguration",
        "PutInventoryConfiguration",
    ),
    ("DeleteBucketLifecycle", "PutLifecycleConfiguration"),
    (
        "DeleteBucketMetricsConfiguration",
        "PutMetricsConfiguration",
    ),
    (
        "DeleteBucketOwnershipControls",
        "PutBucketOwnershipControls",
    ),
    ("DeleteBucketReplication", "PutReplicationConfiguration"),
    ("DeleteBucketTagging", "PutBucketTagging"),
    ("DeleteObjects", "DeleteObject"),
    ("DeletePublicAccessBlock", "PutBucketPublicAccessBlock"),
    (
        "GetBucketAnalyticsConfiguration",
        "GetAnalyticsConfiguration",
    ),
    ("GetBucketCors", "GetBucketCORS"),
    ("GetBucketEncryption", "GetEncryptionConfiguration"),
    (
        "GetBucketIntelligentTieringConfiguration",
        "GetIntelligentTieringConfiguration",
    ),
    (
        "GetBucketInventoryConfiguration",
        "GetInventoryConfiguration",
    ),
    ("GetBucketLifecycle", "GetLifecycleConfiguration"),
    (
        "GetBucketLifecycleConfiguration",
        "GetLifecycleConfiguration",
    ),
    (
        "GetBucketNotificationConfiguration",
        "GetBucketNotification",
    ),
    ("GetBucketReplication", "GetReplicationConfiguration"),
    (
        "GetObjectLockConfiguration",
        "GetBucketObjectLockConfiguration",
    ),
    ("GetPublicAccessBlock", "GetBucketPublicAccessBlock"),
    ("HeadBucket", "ListBucket"),
    ("HeadObject", "GetObject"),
    (
        "ListBucketAnalyticsConfigurations",
        "GetAnalyticsConfiguration",
    ),
    (
        "ListBucketIntelligentTieringConfigurations",
        "GetIntelligentTieringConfiguration",
    ),
    (
        "ListBucketInventoryConfigurations",
        "GetInventoryConfiguration",
    ),
    ("ListBucketMetricsConfigurations", "GetMetricsConfiguration"),
    ("ListBuckets", "ListAllMyBuckets"),
    ("ListMultipartUploads", "ListBucketMultipartUploads"),
    ("ListObjectVersions", "ListBucketVersions"),
    ("ListObjects", "ListBucket"),
    ("ListObjectsV2", "ListBucket"),
    ("ListParts", "ListMultipartUploadParts"),
    (
        "PutBucketAnalyticsConfiguration",
        "PutAnalyticsConfiguration",
    ),
    ("PutBucketCors", "PutBucketCORS"),
    ("PutBucketEncryption", "PutEncryptionConfiguration"),
    (
        "PutBucketIntelligentTieringConfiguration",
        "PutIntelligentTieringConfiguration",
    ),
    (
        "PutBucketInventoryConfiguration",
        "PutInventoryConfiguration",
    ),
    ("PutBucketLifecycle", "PutLifecycleConfiguration"),
    (
        "PutBucketLifecycleConfiguration",
        "PutLifecycleConfiguration",
    ),
    (
        "PutBucketNotificationConfiguration",
        "PutBucketNotification",
    ),
    ("PutBucketReplication", "PutReplicationConfiguration"),
    (
        "PutObjectLockConfiguration",
        "PutBucketObjectLockConfiguration",
    ),
    ("PutPublicAccessBlock", "PutBucketPublicAccessBlock"),
    ("SelectObjectContent", "GetObject"),
    ("UploadPart", "PutObject"),
    ("UploadPartCopy", "PutObject"),
];

/// S3 object actions that are authorized as another action when the
/// request names a version (`versionId`), per the S3 page above.
const S3_VERSION_ACTIONS: &[(&str, &str)] = &[
    ("DeleteObject", "DeleteObjectVersion"),
    ("DeleteObjectTagging", "DeleteObjectVersionTagging"),
    ("GetObject", "GetObjectVersion"),
    ("GetObjectAcl", "GetObjectVersionAcl"),
    ("GetObjectAttributes", "GetObjectVersionAttributes"),
    ("GetObjectTagging", "GetObjectVersionTagging"),
    ("PutObjectAcl", "PutObjectVersionAcl"),
    ("PutObjectTagging", "PutObjectVersionTagging"),
];

/// The action a call is authorized as, and why when it is not the call's
/// own name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MappedAction {
    /// `service:Action` as the catalog spells it, or as written when the
    /// catalog does not know it.
    pub action: String,
    /// Whether the catalog knows the action.
    pub in_catalog: bool,
    /// How the name was derived, when it is not `prefix:eventName`.
    pub rule: Option<String>,
}

/// The call's name without an API version the service records in it
/// (`GetFunction20150331v2`, `UpdateDistribution2020_05_31`).
fn without_api_version(name: &str) -> Option<&str> {
    let bytes = name.as_bytes();
    // `…YYYYMMDD` with an optional `vN`.
    let mut end = bytes.len();
    if let Some(v) = name.rfind('v') {
        if v + 1 < bytes.len() && bytes[v + 1..].iter().all(u8::is_ascii_digit) {
            end = v;
        }
    }
    if end >= 8 && bytes[end - 8..end].iter().all(u8::is_ascii_digit) && end > 8 {
        return Some(&name[..end - 8]);
    }
    // `…YYYY_MM_DD`.
    let length = bytes.len();
    if length > 10 {
        let tail = &bytes[length - 10..];
        let shaped = tail.iter().enumerate().all(|(index, byte)| match index {
            4 | 7 => *byte == b'_',
            _ => byte.is_ascii_digit(),
        });
        if shaped {
            return Some(&name[..length - 10]);
        }
    }
    None
}

/// The IAM action for a call recorded as `event_source` (`s3.amazonaws.com`)
/// and `event_name`; `names_a_version`: the request parameters name an
/// object version (`versionId`).
pub fn iam_action(event_source: &str, event_name: &str, names_a_version: bool) -> MappedAction {
    let catalog = Catalog::get();
    let host = event_source
        .strip_suffix(".amazonaws.com")
        .unwrap_or(event_source);
    let prefix = EVENT_SOURCE_PREFIXES
        .iter()
        .find(|(source, _)| *source == host)
        .map_or(host, |(_, prefix)| *prefix);
    let known = |name: &str| {
        catalog
            .action(&format!("{prefix}:{name}"))
            .map(|action| action.full_name().to_string())
    };
    let mut rule =
        (prefix != host).then(|| format!("the event source {host} is the service prefix {prefix}"));
    let mut name = event_name.to_string();
    if prefix == "s3" {
        if let Some((_, action)) = S3_OPERATIONS
            .iter()
            .find(|(operation, _)| *operation == event_name)
        {
            if *action != event_name {
                rule = Some(format!(
                    "S3 authorizes {event_name} as s3:{action} (Required permissions for Amazon S3 API operations)"
                ));
            }
            name = action.to_string();
        }
        if names_a_version {
            if let Some((_, versioned)) = S3_VERSION_ACTIONS
                .iter()
                .find(|(action, _)| *action == name)
            {
                rule = Some(format!(
                    "S3 authorizes {event_name} on a given version (versionId) as s3:{versioned}"
                ));
                name = versioned.to_string();
            }
        }
    }
    if let Some(action) = known(&name) {
        return MappedAction {
            action,
            in_catalog: true,
            rule,
        };
    }
    if let Some(action) = without_api_version(&name).and_then(known) {
        return MappedAction {
            action,
            in_catalog: true,
            rule: Some(format!(
                "the event name {event_name} carries the API version; the action is the call's name without it"
            )),
        };
    }
    MappedAction {
        action: format!("{prefix}:{name}"),
        in_catalog: false,
        rule,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn action(source: &str, name: &str, versioned: bool) -> (String, bool) {
        let mapped = iam_action(source, name, versioned);
        (mapped.action, mapped.rule.is_some())
    }

    #[test]
    fn calls_named_as_their_action_map_to_it() {
        assert_eq!(
            action("s3.amazonaws.com", "GetObject", false),
            ("s3:GetObject".to_string(), false)
        );
        assert_eq!(
            action("iam.amazonaws.com", "CreateRole", false),
            ("iam:CreateRole".to_string(), false)
        );
    }

    #[test]
    fn s3_operations_map_to_the_actions_that_authorize_them() {
        for (operation, expected) in [
            ("HeadObject", "s3:GetObject"),
            ("ListObjectsV2", "s3:ListBucket"),
            ("HeadBucket", "s3:ListBucket"),
            ("DeleteObjects", "s3:DeleteObject"),
            ("CopyObject", "s3:PutObject"),
            ("UploadPart", "s3:PutObject"),
            ("ListBuckets", "s3:ListAllMyBuckets"),
            ("GetPublicAccessBlock", "s3:GetBucketPublicAccessBlock"),
            (
                "PutBucketLifecycleConfiguration",
                "s3:PutLifecycleConfiguration",
            ),
        ] {
            assert_eq!(
                action("s3.amazonaws.com", operation, false),
                (expected.to_string(), true),
                "{operation}"
            );
        }
        // Every target is a catalog action.
        for (_, target) in S3_OPERATIONS.iter().chain(S3_VERSION_ACTIONS) {
            assert!(
                Catalog::get().action(&format!("s3:{target}")).is_some(),
                "s3:{target}"
            );
        }
    }

    #[test]
    fn an_object_version_is_authorized_by_the_version_action() {
        assert_eq!(
            action("s3.amazonaws.com", "GetObject", true),
            ("s3:GetObjectVersion".to_string(), true)
        );
        assert_eq!(
            action("s3.amazonaws.com", "HeadObject", true),
            ("s3:GetObjectVersion".to_string(), true)
        );
        assert_eq!(
            action("s3.amazonaws.com", "PutObject", true),
            ("s3:PutObject".to_string(), false)
        );
    }

    #[test]
    fn api_versions_in_event_names_are_dropped() {
        assert_eq!(
            action("lambda.amazonaws.com", "GetFunction20150331v2", false),
            ("lambda:GetFunction".to_string(), true)
        );
        assert_eq!(
            action("lambda.amazonaws.com", "ListFunctions20150331", false),
            ("lambda:ListFunctions".to_string(), true)
        );
        assert_eq!(
            action(
                "cloudfront.amazonaws.com",
                "UpdateDistribution2020_05_31",
                false
            ),
            ("cloudfront:UpdateDistribution".to_string(), true)
        );
    }

    #[test]
    fn event_sources_that_are_not_prefixes_are_mapped() {
        assert_eq!(
            action("monitoring.amazonaws.com", "PutMetricAlarm", false),
            ("cloudwatch:PutMetricAlarm".to_string(), true)
        );
    }

    #[test]
    fn an_unknown_call_is_kept_as_written() {
        let mapped = iam_action("example.amazonaws.com", "DoThing", false);
        assert_eq!(mapped.action, "example:DoThing");
        assert!(!mapped.in_catalog);
    }
}
