//! Resource policies and settings of one side of a plan, with attribute
//! names as the AWS provider documents them
//! (https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/s3_bucket_policy
//! and the pages of the other types below):
//!
//! | type | attributes read | resource |
//! | --- | --- | --- |
//! | `aws_s3_bucket_policy` | `bucket`, `policy` | `arn:aws:s3:::BUCKET` |
//! | `aws_s3_bucket_public_access_block` | `bucket`, `block_public_acls`, `ignore_public_acls`, `block_public_policy`, `restrict_public_buckets` | the bucket |
//! | `aws_kms_key` | `arn`, `policy` | the key |
//! | `aws_sqs_queue_policy` | `queue_url`, `policy` | `arn:aws:sqs:REGION:ACCOUNT:NAME` from the URL |
//! | `aws_sns_topic_policy` | `arn`, `policy` | the topic |
//! | `aws_lambda_permission` | `statement_id`, `action`, `function_name`, `principal`, `source_arn`, `source_account`, `principal_org_id`, `function_url_auth_type`, `event_source_token`, `qualifier` | the function |
//!
//! A Lambda permission is one statement of the function's resource
//! policy, written as AWS's AddPermission writes it
//! (https://docs.aws.amazon.com/lambda/latest/api/API_AddPermission.html):
//! `Allow`, the principal (a service name or an account/ARN), the
//! action, the function ARN, and `aws:SourceArn` (`ArnLike`),
//! `aws:SourceAccount` and `aws:PrincipalOrgID` (`StringEquals`)
//! conditions. The statements of a function's permissions are joined
//! into one policy; it is located at the first permission.
//!
//! A resource whose ARN is known only after apply is filed as
//! `(ADDRESS)` under [`PROVIDER_ACCOUNT`](super::PROVIDER_ACCOUNT); a
//! policy known only after apply is left out, with an [`UnknownValue`].
//!
//! Trusts `embedded_policy` and `policy::parse` for the documents.

use super::plan::{Attribute, Plan, PlanSide, ResourceChange, SideValues};
use super::{
    account_of_arn, placeholder_id, SideReport, UnknownEffect, UnknownValue, PROVIDER_ACCOUNT,
};
use crate::ingest::embedded_policy::{read_policy, PolicyCache};
use crate::ingest::located_file::LocatedFile;
use crate::inventory::{
    BlockPublicAccess, Inventory, InventoryPolicy, InventoryWarning, PolicyEncoding, Resource,
    ResourceType,
};
use crate::policy::PolicyKind;
use crate::source::InputError;
use std::collections::BTreeMap;

pub const RESOURCE_TYPES: [&str; 6] = [
    "aws_s3_bucket_policy",
    "aws_s3_bucket_public_access_block",
    "aws_kms_key",
    "aws_sqs_queue_policy",
    "aws_sns_topic_policy",
    "aws_lambda_permission",
];

/// `https://sqs.REGION.amazonaws.com/ACCOUNT/NAME` as an ARN.
fn queue_arn(url: &str) -> Option<(String, String, String)> {
    crate::inventory::resources::queue_arn_from_url(url, "aws")
}

/// A Lambda permission's statement, as JSON.
fn permission_statement(
    file: &LocatedFile,
    values: &SideValues<'_>,
    function_arn: &str,
) -> Result<serde_json::Value, InputError> {
    let text = |key: &str| values.known_string(file, key);
    Ok(crate::ingest::lambda_permission::LambdaPermission {
        statement_id: text("statement_id")?,
        action: text("action")?,
        principal: text("principal")?,
        function_arn,
        qualifier: text("qualifier")?,
        source_arn: text("source_arn")?,
        source_account: text("source_account")?,
        principal_org_id: text("principal_org_id")?,
        function_url_auth_type: text("function_url_auth_type")?,
        event_source_token: text("event_source_token")?,
    }
    .statement())
}

struct Reader<'a> {
    file: &'a LocatedFile,
    side: PlanSide,
    inventory: &'a mut Inventory,
    cache: &'a PolicyCache,
    report: &'a mut SideReport,
    /// By ARN: the resources read so far, filed at the end.
    resources: BTreeMap<String, Resource>,
}

impl Reader<'_> {
    fn resource(
        &mut self,
        arn: &str,
        resource_type: ResourceType,
        account: &str,
        region: Option<String>,
    ) -> &mut Resource {
        crate::inventory::resources::gathered(
            &mut self.resources,
            arn,
            resource_type,
            account,
            region,
        )
    }

    fn policy(
        &mut self,
        change: &ResourceChange<'_>,
        values: &SideValues<'_>,
        arn: &str,
    ) -> Result<Option<InventoryPolicy>, InputError> {
        match values.attribute("policy") {
            Attribute::Known(node) => Ok(Some(read_policy(
                self.file,
                node,
                &values.path_of("policy"),
                PolicyKind::Resource,
                "resource-policy",
                arn,
                &mut self.report.warnings,
                self.cache,
            )?)),
            Attribute::Unknown => {
                self.report.unknown(UnknownValue::new(
                    self.side,
                    change.address,
                    "policy",
                    UnknownEffect::Inventory,
                    InventoryWarning::at(
                        "unknown-policy-document",
                        &self.file.file,
                        values.position(),
                        &values.path_of("policy"),
                        format!("{}: the policy of {arn} is known only after apply; it is left out of the {} inventory", change.address, self.side.name()),
                    ),
                ));
                Ok(None)
            }
            Attribute::Absent => Ok(None),
        }
    }

    fn read(
        &mut self,
        change: &ResourceChange<'_>,
        values: &SideValues<'_>,
        permissions: &mut BTreeMap<
            String,
            Vec<(
                serde_json::Value,
                String,
                crate::policy::json::SourcePosition,
            )>,
        >,
    ) -> Result<(), InputError> {
        let file = self.file;
        match change.resource_type {
            "aws_s3_bucket_policy" | "aws_s3_bucket_public_access_block" => {
                let Some(bucket) = values.known_string(file, "bucket")? else {
                    return self.unnamed(change, values, "bucket");
                };
                let arn = format!("arn:aws:s3:::{bucket}");
                if change.resource_type == "aws_s3_bucket_policy" {
                    let policy = self.policy(change, values, &arn)?;
                    let resource =
                        self.resource(&arn, ResourceType::S3Bucket, PROVIDER_ACCOUNT, None);
                    if let Some(policy) = policy {
                        resource.sources.push(policy.provenance.clone());
                        resource.policy = Some(policy);
                    }
                } else {
                    let settings = BlockPublicAccess {
                        block_public_acls: values.known_bool(file, "block_public_acls")?,
                        ignore_public_acls: values.known_bool(file, "ignore_public_acls")?,
                        block_public_policy: values.known_bool(file, "block_public_policy")?,
                        restrict_public_buckets: values
                            .known_bool(file, "restrict_public_buckets")?,
                    };
                    let provenance =
                        file.provenance(values.node, &values.path, PolicyEncoding::Document);
                    let resource =
                        self.resource(&arn, ResourceType::S3Bucket, PROVIDER_ACCOUNT, None);
                    resource.block_public_access = Some(settings);
                    resource.sources.push(provenance);
                }
            }
            "aws_kms_key" | "aws_sns_topic_policy" => {
                let resource_type = if change.resource_type == "aws_kms_key" {
                    ResourceType::KmsKey
                } else {
                    ResourceType::SnsTopic
                };
                let known = values.known_string(file, "arn")?;
                let arn = known.map_or_else(|| placeholder_id(change.address), str::to_string);
                let region = known
                    .and_then(|arn| arn.split(':').nth(3))
                    .map(str::to_string);
                let policy = self.policy(change, values, &arn)?;
                let resource = self.resource(&arn, resource_type, &account_of_arn(known), region);
                if let Some(policy) = policy {
                    resource.sources.push(policy.provenance.clone());
                    resource.policy = Some(policy);
                }
            }
            "aws_sqs_queue_policy" => {
                let Some(url) = values.known_string(file, "queue_url")? else {
                    return self.unnamed(change, values, "queue_url");
                };
                let Some((arn, account, region)) = queue_arn(url) else {
                    return Err(file.error(values.node, &values.path_of("queue_url"), format!("`{url}` is not an SQS queue URL (https://sqs.REGION.amazonaws.com/ACCOUNT/NAME)")));
                };
                let policy = self.policy(change, values, &arn)?;
                let resource = self.resource(&arn, ResourceType::SqsQueue, &account, Some(region));
                if let Some(policy) = policy {
                    resource.sources.push(policy.provenance.clone());
                    resource.policy = Some(policy);
                }
            }
            _ => {
                let Some(function) = values.known_string(file, "function_name")? else {
                    return self.unnamed(change, values, "function_name");
                };
                if !function.starts_with("arn:") {
                    self.report.warnings.push(InventoryWarning::at(
                        "function-not-located",
                        &file.file,
                        values.position(),
                        &values.path_of("function_name"),
                        format!("{}: the function is named `{function}`, not by ARN, so its account and Region are unknown; the permission is not read", change.address),
                    ));
                    return Ok(());
                }
                if [
                    "principal",
                    "action",
                    "source_arn",
                    "source_account",
                    "principal_org_id",
                ]
                .iter()
                .any(|key| values.is_unknown(key))
                {
                    self.report.unknown(UnknownValue::new(
                        self.side,
                        change.address,
                        "principal",
                        UnknownEffect::Inventory,
                        InventoryWarning::at("unknown-permission", &file.file, values.position(), &values.path, format!("{}: part of the permission is known only after apply; it is left out", change.address)),
                    ));
                    return Ok(());
                }
                // A qualified ARN (`…:function:NAME:ALIAS`) names the function too.
                let base: Vec<&str> = function.splitn(8, ':').take(7).collect();
                let arn = base.join(":");
                let statement = permission_statement(file, values, &arn)?;
                permissions.entry(arn).or_default().push((
                    statement,
                    values.path.clone(),
                    values.position(),
                ));
            }
        }
        Ok(())
    }

    fn unnamed(
        &mut self,
        change: &ResourceChange<'_>,
        values: &SideValues<'_>,
        key: &str,
    ) -> Result<(), InputError> {
        self.report.unknown(UnknownValue::new(
            self.side,
            change.address,
            key,
            UnknownEffect::Inventory,
            InventoryWarning::at("unknown-resource", &self.file.file, values.position(), &values.path_of(key), format!("{}: `{key}` is known only after apply, so which resource this is is unknown; it is left out", change.address)),
        ));
        Ok(())
    }
}

/// Reads the resource policies of one side into `inventory`.
pub fn read_side(
    file: &LocatedFile,
    plan: &Plan<'_>,
    side: PlanSide,
    inventory: &mut Inventory,
    cache: &PolicyCache,
    report: &mut SideReport,
) {
    let mut reader = Reader {
        file,
        side,
        inventory,
        cache,
        report,
        resources: BTreeMap::new(),
    };
    let mut permissions = BTreeMap::new();
    for change in &plan.changes {
        if !RESOURCE_TYPES.contains(&change.resource_type) {
            continue;
        }
        let result = change.side(file, side).and_then(|values| {
            values.map_or(Ok(()), |values| {
                reader.read(change, &values, &mut permissions)
            })
        });
        if let Err(error) = result {
            reader.report.problems.push(error);
        }
    }
    for (arn, statements) in permissions {
        let (path, position) = (statements[0].1.clone(), statements[0].2);
        let statements: Vec<serde_json::Value> = statements
            .iter()
            .map(|(statement, _, _)| statement.clone())
            .collect();
        match crate::ingest::lambda_permission::function_policy(
            &file.file,
            &arn,
            &statements,
            &path,
            position,
        ) {
            Ok(policy) => {
                let parts: Vec<&str> = arn.split(':').collect();
                let region = parts.get(3).map(|region| region.to_string());
                let account = account_of_arn(Some(&arn));
                let resource =
                    reader.resource(&arn, ResourceType::LambdaFunction, &account, region);
                resource.sources.push(policy.provenance.clone());
                resource.policy = Some(policy);
            }
            Err(error) => reader.report.problems.push(error),
        }
    }
    for (_, resource) in std::mem::take(&mut reader.resources) {
        if let Err(resource) = reader.inventory.add_resource(resource) {
            reader.report.warnings.push(InventoryWarning::about_file(
                "duplicate-entry",
                &file.file,
                format!("{} is given twice; the first is kept", resource.arn),
            ));
        }
    }
}
