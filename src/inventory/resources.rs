//! Resources of an account that carry a resource-based policy or settings
//! that decide access: S3 buckets (with Block Public Access and Object
//! Ownership), KMS keys, Lambda functions, SQS queues, SNS topics, Secrets
//! Manager secrets and ECR repositories. Their kinds are named as
//! `scenario::ResourceKind::NAMES` names them.
//!
//! Sources: S3 Block Public Access
//! (https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html),
//! Object Ownership
//! (https://docs.aws.amazon.com/AmazonS3/latest/userguide/about-object-ownership.html).
//!
//! Trusts the readers for the values.

use super::provenance::{InventoryPolicy, Provenance};
use indexmap::IndexMap;

/// The kinds of resource an inventory holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ResourceType {
    S3Bucket,
    KmsKey,
    LambdaFunction,
    SqsQueue,
    SnsTopic,
    SecretsManagerSecret,
    EcrRepository,
}

impl ResourceType {
    pub const ALL: [ResourceType; 7] = [
        ResourceType::S3Bucket,
        ResourceType::KmsKey,
        ResourceType::LambdaFunction,
        ResourceType::SqsQueue,
        ResourceType::SnsTopic,
        ResourceType::SecretsManagerSecret,
        ResourceType::EcrRepository,
    ];

    /// The name `scenario::ResourceKind::NAMES` uses for it.
    pub fn name(self) -> &'static str {
        match self {
            ResourceType::S3Bucket => "s3-bucket",
            ResourceType::KmsKey => "kms-key",
            ResourceType::LambdaFunction => "lambda-function",
            ResourceType::SqsQueue => "sqs-queue",
            ResourceType::SnsTopic => "sns-topic",
            ResourceType::SecretsManagerSecret => "secretsmanager-secret",
            ResourceType::EcrRepository => "ecr-repository",
        }
    }
}

/// S3 Block Public Access settings (bucket or account level). A setting the
/// source leaves out is `None`: AWS treats an absent setting as false.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
pub struct BlockPublicAccess {
    pub block_public_acls: Option<bool>,
    pub ignore_public_acls: Option<bool>,
    pub block_public_policy: Option<bool>,
    pub restrict_public_buckets: Option<bool>,
}

impl BlockPublicAccess {
    /// The bucket's and its account's settings together: "Amazon S3
    /// applies the most restrictive combination of the bucket-level and
    /// account-level settings"
    /// (https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html).
    pub fn combined(&self, other: &BlockPublicAccess) -> BlockPublicAccess {
        let either = |left: Option<bool>, right: Option<bool>| match (left, right) {
            (None, None) => None,
            (left, right) => Some(left.unwrap_or(false) || right.unwrap_or(false)),
        };
        BlockPublicAccess {
            block_public_acls: either(self.block_public_acls, other.block_public_acls),
            ignore_public_acls: either(self.ignore_public_acls, other.ignore_public_acls),
            block_public_policy: either(self.block_public_policy, other.block_public_policy),
            restrict_public_buckets: either(
                self.restrict_public_buckets,
                other.restrict_public_buckets,
            ),
        }
    }
}

/// S3 Object Ownership of a bucket.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ObjectOwnership {
    /// ACLs are disabled; the bucket owner owns every object.
    BucketOwnerEnforced,
    BucketOwnerPreferred,
    ObjectWriter,
    /// A value this version does not know, kept as written.
    Other(String),
}

impl ObjectOwnership {
    pub fn parse(text: &str) -> ObjectOwnership {
        match text {
            "BucketOwnerEnforced" => ObjectOwnership::BucketOwnerEnforced,
            "BucketOwnerPreferred" => ObjectOwnership::BucketOwnerPreferred,
            "ObjectWriter" => ObjectOwnership::ObjectWriter,
            other => ObjectOwnership::Other(other.to_string()),
        }
    }
}

/// One resource.
#[derive(Debug, Clone)]
pub struct Resource {
    pub arn: String,
    pub resource_type: ResourceType,
    /// The owning account (for S3, whose ARNs have none, the account whose
    /// folder it was collected in).
    pub account: String,
    /// Absent for S3 buckets (their ARNs have no Region).
    pub region: Option<String>,
    pub policy: Option<InventoryPolicy>,
    pub tags: IndexMap<String, String>,
    pub block_public_access: Option<BlockPublicAccess>,
    pub object_ownership: Option<ObjectOwnership>,
    /// Where each piece of it was read (policy, settings, tags), in reading
    /// order.
    pub sources: Vec<Provenance>,
}

impl Resource {
    pub fn new(arn: &str, resource_type: ResourceType, account: &str) -> Resource {
        Resource {
            arn: arn.to_string(),
            resource_type,
            account: account.to_string(),
            region: None,
            policy: None,
            tags: IndexMap::new(),
            block_public_access: None,
            object_ownership: None,
            sources: Vec::new(),
        }
    }
}

/// `https://sqs.REGION.amazonaws.com/ACCOUNT/NAME` as the queue's ARN in
/// `partition`, with its account and Region.
pub fn queue_arn_from_url(url: &str, partition: &str) -> Option<(String, String, String)> {
    let rest = url.strip_prefix("https://")?;
    let (host, path) = rest.split_once('/')?;
    let region = host.strip_prefix("sqs.")?.split('.').next()?;
    let (account, name) = path.trim_end_matches('/').split_once('/')?;
    Some((
        format!("arn:{partition}:sqs:{region}:{account}:{name}"),
        account.to_string(),
        region.to_string(),
    ))
}

/// The resource of `arn` among those a reader has gathered, made on its
/// first mention (a bucket and its policy, read from separate places).
pub fn gathered<'r>(
    resources: &'r mut std::collections::BTreeMap<String, Resource>,
    arn: &str,
    resource_type: ResourceType,
    account: &str,
    region: Option<String>,
) -> &'r mut Resource {
    resources.entry(arn.to_string()).or_insert_with(|| {
        let mut resource = Resource::new(arn, resource_type, account);
        resource.region = region;
        resource
    })
}
