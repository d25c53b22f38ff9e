//! Resources of one account from the folders of a collected account:
//!
//! | folder | file | output shape (AWS CLI reference) |
//! | --- | --- | --- |
//! | `s3/BUCKET/` | `get-bucket-policy.json` | `{"Policy": "…"}` (https://docs.aws.amazon.com/cli/latest/reference/s3api/get-bucket-policy.html) |
//! | | `get-public-access-block.json` | `{"PublicAccessBlockConfiguration": {…}}` (https://docs.aws.amazon.com/cli/latest/reference/s3api/get-public-access-block.html) |
//! | | `get-bucket-ownership-controls.json` | `{"OwnershipControls": {"Rules": [{"ObjectOwnership": …}]}}` (https://docs.aws.amazon.com/cli/latest/reference/s3api/get-bucket-ownership-controls.html) |
//! | | `get-bucket-tagging.json` | `{"TagSet": [{"Key", "Value"}]}` (https://docs.aws.amazon.com/cli/latest/reference/s3api/get-bucket-tagging.html) |
//! | `s3control/` | `get-public-access-block.json` | account-level settings, same shape (https://docs.aws.amazon.com/cli/latest/reference/s3control/get-public-access-block.html) |
//! | `REGION/kms/KEY-ID/` | `get-key-policy.json` | `{"Policy": "…", "PolicyName": "default"}` (https://docs.aws.amazon.com/cli/latest/reference/kms/get-key-policy.html) |
//! | | `list-resource-tags.json` | `{"Tags": [{"TagKey", "TagValue"}]}` (https://docs.aws.amazon.com/cli/latest/reference/kms/list-resource-tags.html) |
//! | `REGION/lambda/FUNCTION/` | `get-policy.json` | `{"Policy": "…", "RevisionId"}` (https://docs.aws.amazon.com/cli/latest/reference/lambda/get-policy.html) |
//! | | `list-tags.json` | `{"Tags": {"k": "v"}}` (https://docs.aws.amazon.com/cli/latest/reference/lambda/list-tags.html) |
//! | `REGION/sqs/QUEUE/` | `get-queue-attributes.json` | `{"Attributes": {"Policy": "…", "QueueArn"}}` (https://docs.aws.amazon.com/cli/latest/reference/sqs/get-queue-attributes.html) |
//! | | `list-queue-tags.json` | `{"Tags": {"k": "v"}}` (https://docs.aws.amazon.com/cli/latest/reference/sqs/list-queue-tags.html) |
//! | `REGION/sns/TOPIC/` | `get-topic-attributes.json` | `{"Attributes": {"Policy": "…", "TopicArn"}}` (https://docs.aws.amazon.com/cli/latest/reference/sns/get-topic-attributes.html) |
//! | | `list-tags-for-resource.json` | `{"Tags": [{"Key", "Value"}]}` (https://docs.aws.amazon.com/cli/latest/reference/sns/list-tags-for-resource.html) |
//! | `REGION/secretsmanager/SECRET/` | `get-resource-policy.json` | `{"ARN", "Name", "ResourcePolicy": "…"}` (https://docs.aws.amazon.com/cli/latest/reference/secretsmanager/get-resource-policy.html) |
//! | | `describe-secret.json` | `{"ARN", "Tags": [{"Key", "Value"}]}` (https://docs.aws.amazon.com/cli/latest/reference/secretsmanager/describe-secret.html) |
//! | `REGION/ecr/REPOSITORY/` | `get-repository-policy.json` | `{"registryId", "repositoryName", "policyText": "…"}` (https://docs.aws.amazon.com/cli/latest/reference/ecr/get-repository-policy.html) |
//! | | `list-tags-for-resource.json` | `{"tags": [{"Key", "Value"}]}` (https://docs.aws.amazon.com/cli/latest/reference/ecr/list-tags-for-resource.html) |
//!
//! Folder names are the resource's name, URL-encoded where it holds `/`
//! (ECR repositories, secrets). The ARN comes from the output when the
//! output gives it (SQS, SNS, Secrets Manager, ECR), else from the folder:
//! `arn:P:s3:::BUCKET`, `arn:P:kms:REGION:ACCOUNT:key/KEY-ID`,
//! `arn:P:lambda:REGION:ACCOUNT:function:FUNCTION`. A resource without a
//! policy file has no resource policy (the collection script writes a
//! policy file only when AWS returns one).
//!
//! Trusts `embedded_policy` for the policies.

use super::authorization_details::key_value_tags;
use super::UsedFiles;
use crate::ingest::embedded_policy::{read_policy, PolicyCache};
use crate::ingest::located_file::{member, LocatedFile};
use crate::inventory::{
    BlockPublicAccess, InventoryWarning, ObjectOwnership, PolicyEncoding, Resource, ResourceType,
};
use crate::policy::json::{JsonKey, JsonNode};
use crate::policy::pattern::split_arn;
use crate::policy::PolicyKind;
use crate::source::{join_path, InputError};
use indexmap::IndexMap;
use std::path::Path;

/// What a resource folder's reader needs to know.
pub(super) struct ResourceFolder<'a> {
    pub directory: &'a Path,
    /// The names of the files of the folder this reader knows.
    pub files: &'a [&'a str],
    pub account: &'a str,
    pub partition: &'a str,
    /// Absent for S3.
    pub region: Option<&'a str>,
    /// The folder's name, URL-decoded.
    pub name: &'a str,
}

type Members = [(JsonKey, JsonNode)];

type Tags = IndexMap<String, String>;

/// Reads the tags of a tag listing's members.
type TagReader<'r> = &'r dyn Fn(&LocatedFile, &Members) -> Result<Tags, InputError>;

struct Context<'a> {
    folder: &'a ResourceFolder<'a>,
    used: &'a mut UsedFiles,
    warnings: &'a mut Vec<InventoryWarning>,
    problems: &'a mut Vec<InputError>,
    cache: &'a PolicyCache,
    resource: Option<Resource>,
}

impl Context<'_> {
    fn file(&mut self, name: &str) -> Option<LocatedFile> {
        if !self.folder.files.contains(&name) {
            return None;
        }
        let path = self.folder.directory.join(name);
        self.used.mark(&path);
        match LocatedFile::read(&path) {
            Ok(file) => Some(file),
            Err(error) => {
                self.problems.push(error);
                None
            }
        }
    }

    fn resource(&mut self, arn: String, resource_type: ResourceType) -> &mut Resource {
        let folder = self.folder;
        self.resource.get_or_insert_with(|| {
            let mut resource = Resource::new(&arn, resource_type, folder.account);
            resource.region = folder.region.map(str::to_string);
            resource
        })
    }

    fn policy(
        &mut self,
        file: &LocatedFile,
        node: &JsonNode,
        path: &str,
        arn: &str,
        resource_type: ResourceType,
    ) -> Result<(), InputError> {
        let policy = read_policy(
            file,
            node,
            path,
            PolicyKind::Resource,
            "resource-policy",
            arn,
            self.warnings,
            self.cache,
        )?;
        let resource = self.resource(arn.to_string(), resource_type);
        resource.sources.push(policy.provenance.clone());
        resource.policy = Some(policy);
        Ok(())
    }

    /// Checks that an ARN the output gives is of this account.
    fn check_arn(
        &self,
        file: &LocatedFile,
        node: &JsonNode,
        path: &str,
        arn: &str,
    ) -> Result<(), InputError> {
        match split_arn(arn) {
            Some(parts) if parts[4] == self.folder.account => Ok(()),
            Some(parts) => Err(file.error(
                node,
                path,
                format!(
                    "`{arn}` is of account {}, but this file is in the folder of account {}",
                    parts[4], self.folder.account
                ),
            )),
            None => Err(file.error(node, path, format!("`{arn}` is not an ARN"))),
        }
    }
}

fn block_public_access(file: &LocatedFile) -> Result<BlockPublicAccess, InputError> {
    let members = file.object(&file.root, "")?;
    let node = file.required(members, &file.root, "", "PublicAccessBlockConfiguration")?;
    let fields = file.object(node, "PublicAccessBlockConfiguration")?;
    let setting = |key: &str| -> Result<Option<bool>, InputError> {
        member(fields, key)
            .map(|value| file.bool(value, &join_path("PublicAccessBlockConfiguration", key)))
            .transpose()
    };
    Ok(BlockPublicAccess {
        block_public_acls: setting("BlockPublicAcls")?,
        ignore_public_acls: setting("IgnorePublicAcls")?,
        block_public_policy: setting("BlockPublicPolicy")?,
        restrict_public_buckets: setting("RestrictPublicBuckets")?,
    })
}

/// Reads `s3control/get-public-access-block.json`.
pub(super) fn read_account_block_public_access(
    directory: &Path,
    used: &mut UsedFiles,
    problems: &mut Vec<InputError>,
) -> Option<BlockPublicAccess> {
    let path = directory.join("get-public-access-block.json");
    if !path.is_file() {
        return None;
    }
    used.mark(&path);
    LocatedFile::read(&path)
        .and_then(|file| block_public_access(&file))
        .map_err(|error| problems.push(error))
        .ok()
}

/// `{"k": "v"}` as a map.
fn map_tags(
    file: &LocatedFile,
    members: &Members,
    key: &str,
) -> Result<IndexMap<String, String>, InputError> {
    let mut tags = IndexMap::new();
    if let Some(node) = member(members, key) {
        for (tag, value) in file.object(node, key)? {
            tags.insert(
                tag.text.clone(),
                file.string(value, &join_path(key, &tag.text))?.to_string(),
            );
        }
    }
    Ok(tags)
}

/// Reads one resource folder of `service` (`s3`, `kms`, …); `None` when it
/// holds nothing this reader knows.
pub(super) fn read_resource_folder(
    service: &str,
    folder: &ResourceFolder<'_>,
    used: &mut UsedFiles,
    warnings: &mut Vec<InventoryWarning>,
    problems: &mut Vec<InputError>,
    cache: &PolicyCache,
) -> Option<Resource> {
    let mut context = Context {
        folder,
        used,
        warnings,
        problems,
        cache,
        resource: None,
    };
    let result = match service {
        "s3" => read_bucket(&mut context),
        "kms" => read_key(&mut context),
        "lambda" => read_function(&mut context),
        "sqs" => read_queue(&mut context),
        "sns" => read_topic(&mut context),
        "secretsmanager" => read_secret(&mut context),
        "ecr" => read_repository(&mut context),
        _ => Ok(()),
    };
    if let Err(error) = result {
        context.problems.push(error);
    }
    context.resource
}

fn read_bucket(context: &mut Context<'_>) -> Result<(), InputError> {
    let folder = context.folder;
    let arn = format!("arn:{}:s3:::{}", folder.partition, folder.name);
    let resource_type = ResourceType::S3Bucket;
    if let Some(file) = context.file("get-bucket-policy.json") {
        let members = file.object(&file.root, "")?;
        let policy = file.required(members, &file.root, "", "Policy")?;
        context.policy(&file, policy, "Policy", &arn, resource_type)?;
    }
    if let Some(file) = context.file("get-public-access-block.json") {
        let settings = block_public_access(&file)?;
        let provenance = file.provenance(
            &file.root,
            "PublicAccessBlockConfiguration",
            PolicyEncoding::Document,
        );
        let resource = context.resource(arn.clone(), resource_type);
        resource.block_public_access = Some(settings);
        resource.sources.push(provenance);
    }
    if let Some(file) = context.file("get-bucket-ownership-controls.json") {
        let members = file.object(&file.root, "")?;
        let controls = file.required(members, &file.root, "", "OwnershipControls")?;
        let fields = file.object(controls, "OwnershipControls")?;
        let rules = file.optional_array(fields, "OwnershipControls", "Rules")?;
        let mut ownership = None;
        for (index, rule) in rules.iter().enumerate() {
            let path = format!("OwnershipControls.Rules[{index}]");
            let rule_fields = file.object(rule, &path)?;
            let value = file.required_string(rule_fields, rule, &path, "ObjectOwnership")?;
            ownership = Some(ObjectOwnership::parse(value));
        }
        let provenance = file.provenance(controls, "OwnershipControls", PolicyEncoding::Document);
        let resource = context.resource(arn.clone(), resource_type);
        resource.object_ownership = ownership;
        resource.sources.push(provenance);
    }
    if let Some(file) = context.file("get-bucket-tagging.json") {
        let members = file.object(&file.root, "")?;
        let tags = key_value_tags(&file, members, "", "TagSet", "Key", "Value")?;
        let provenance = file.provenance(&file.root, "TagSet", PolicyEncoding::Document);
        let resource = context.resource(arn, resource_type);
        resource.tags = tags;
        resource.sources.push(provenance);
    }
    Ok(())
}

fn regional_arn(folder: &ResourceFolder<'_>, service: &str, resource: &str) -> String {
    format!(
        "arn:{}:{service}:{}:{}:{resource}",
        folder.partition,
        folder.region.unwrap_or_default(),
        folder.account
    )
}

fn read_tags_file(
    context: &mut Context<'_>,
    name: &str,
    arn: &str,
    resource_type: ResourceType,
    read: TagReader<'_>,
) -> Result<(), InputError> {
    if let Some(file) = context.file(name) {
        let members = file.object(&file.root, "")?;
        let tags = read(&file, members)?;
        let provenance = file.provenance(&file.root, "", PolicyEncoding::Document);
        let resource = context.resource(arn.to_string(), resource_type);
        resource.tags = tags;
        resource.sources.push(provenance);
    }
    Ok(())
}

fn read_key(context: &mut Context<'_>) -> Result<(), InputError> {
    let arn = regional_arn(
        context.folder,
        "kms",
        &format!("key/{}", context.folder.name),
    );
    let resource_type = ResourceType::KmsKey;
    if let Some(file) = context.file("get-key-policy.json") {
        let members = file.object(&file.root, "")?;
        let policy = file.required(members, &file.root, "", "Policy")?;
        context.policy(&file, policy, "Policy", &arn, resource_type)?;
    }
    read_tags_file(
        context,
        "list-resource-tags.json",
        &arn,
        resource_type,
        &|file, members| key_value_tags(file, members, "", "Tags", "TagKey", "TagValue"),
    )
}

fn read_function(context: &mut Context<'_>) -> Result<(), InputError> {
    let arn = regional_arn(
        context.folder,
        "lambda",
        &format!("function:{}", context.folder.name),
    );
    let resource_type = ResourceType::LambdaFunction;
    if let Some(file) = context.file("get-policy.json") {
        let members = file.object(&file.root, "")?;
        let policy = file.required(members, &file.root, "", "Policy")?;
        context.policy(&file, policy, "Policy", &arn, resource_type)?;
    }
    read_tags_file(
        context,
        "list-tags.json",
        &arn,
        resource_type,
        &|file, members| map_tags(file, members, "Tags"),
    )
}

/// `Attributes` of a `get-*-attributes` file, and the ARN it gives under
/// `arn_key` (checked to be of this account).
fn attributes<'f>(
    context: &Context<'_>,
    file: &'f LocatedFile,
    arn_key: &str,
) -> Result<(&'f Members, Option<String>), InputError> {
    let members = file.object(&file.root, "")?;
    let attributes = file.required(members, &file.root, "", "Attributes")?;
    let fields = file.object(attributes, "Attributes")?;
    let arn = match member(fields, arn_key) {
        Some(node) => {
            let path = join_path("Attributes", arn_key);
            let arn = file.string(node, &path)?;
            context.check_arn(file, node, &path, arn)?;
            Some(arn.to_string())
        }
        None => None,
    };
    Ok((fields, arn))
}

/// The `Attributes.Policy` string of an SQS queue or SNS topic, or (without
/// one) the file as the resource's source.
fn attributes_policy(
    context: &mut Context<'_>,
    file: &LocatedFile,
    fields: &Members,
    arn: &str,
    resource_type: ResourceType,
) -> Result<(), InputError> {
    match member(fields, "Policy") {
        Some(policy) => context.policy(file, policy, "Attributes.Policy", arn, resource_type),
        None => {
            let provenance = file.provenance(&file.root, "Attributes", PolicyEncoding::Document);
            context
                .resource(arn.to_string(), resource_type)
                .sources
                .push(provenance);
            Ok(())
        }
    }
}

fn read_queue(context: &mut Context<'_>) -> Result<(), InputError> {
    let mut arn = regional_arn(context.folder, "sqs", context.folder.name);
    let resource_type = ResourceType::SqsQueue;
    if let Some(file) = context.file("get-queue-attributes.json") {
        let (fields, given) = attributes(context, &file, "QueueArn")?;
        arn = given.unwrap_or(arn);
        attributes_policy(context, &file, fields, &arn, resource_type)?;
    }
    read_tags_file(
        context,
        "list-queue-tags.json",
        &arn,
        resource_type,
        &|file, members| map_tags(file, members, "Tags"),
    )
}

fn read_topic(context: &mut Context<'_>) -> Result<(), InputError> {
    let mut arn = regional_arn(context.folder, "sns", context.folder.name);
    let resource_type = ResourceType::SnsTopic;
    if let Some(file) = context.file("get-topic-attributes.json") {
        let (fields, given) = attributes(context, &file, "TopicArn")?;
        arn = given.unwrap_or(arn);
        attributes_policy(context, &file, fields, &arn, resource_type)?;
    }
    read_tags_file(
        context,
        "list-tags-for-resource.json",
        &arn,
        resource_type,
        &|file, members| key_value_tags(file, members, "", "Tags", "Key", "Value"),
    )
}

fn read_secret(context: &mut Context<'_>) -> Result<(), InputError> {
    let resource_type = ResourceType::SecretsManagerSecret;
    let policy_file = context.file("get-resource-policy.json");
    let described = context.file("describe-secret.json");
    // A secret's ARN ends in six random characters: only the output has it.
    let mut arn = None;
    for file in policy_file.iter().chain(described.iter()) {
        let members = file.object(&file.root, "")?;
        let node = file.required(members, &file.root, "", "ARN")?;
        let given = file.string(node, "ARN")?;
        context.check_arn(file, node, "ARN", given)?;
        match &arn {
            Some(known) if known != given => {
                return Err(file.error(
                    node,
                    "ARN",
                    format!("`{given}` is not the secret's ARN `{known}` of the other file"),
                ))
            }
            _ => arn = Some(given.to_string()),
        }
    }
    let Some(arn) = arn else {
        return Ok(());
    };
    if let Some(file) = &policy_file {
        let members = file.object(&file.root, "")?;
        match member(members, "ResourcePolicy") {
            Some(policy) => context.policy(file, policy, "ResourcePolicy", &arn, resource_type)?,
            None => {
                let provenance = file.provenance(&file.root, "", PolicyEncoding::Document);
                context
                    .resource(arn.clone(), resource_type)
                    .sources
                    .push(provenance);
            }
        }
    }
    if let Some(file) = &described {
        let members = file.object(&file.root, "")?;
        let tags = key_value_tags(file, members, "", "Tags", "Key", "Value")?;
        let provenance = file.provenance(&file.root, "Tags", PolicyEncoding::Document);
        let resource = context.resource(arn, resource_type);
        resource.tags = tags;
        resource.sources.push(provenance);
    }
    Ok(())
}

fn read_repository(context: &mut Context<'_>) -> Result<(), InputError> {
    let folder = context.folder;
    let mut arn = regional_arn(folder, "ecr", &format!("repository/{}", folder.name));
    let resource_type = ResourceType::EcrRepository;
    if let Some(file) = context.file("get-repository-policy.json") {
        let members = file.object(&file.root, "")?;
        let registry = file.optional_string(members, "", "registryId")?;
        let repository = file.optional_string(members, "", "repositoryName")?;
        if let (Some(registry), Some(repository)) = (registry, repository) {
            if registry != folder.account {
                return Err(file.error(
                    &file.root,
                    "registryId",
                    format!(
                        "registry {registry} is not the account {} of this folder",
                        folder.account
                    ),
                ));
            }
            arn = format!(
                "arn:{}:ecr:{}:{registry}:repository/{repository}",
                folder.partition,
                folder.region.unwrap_or_default()
            );
        }
        let policy = file.required(members, &file.root, "", "policyText")?;
        context.policy(&file, policy, "policyText", &arn, resource_type)?;
    }
    read_tags_file(
        context,
        "list-tags-for-resource.json",
        &arn,
        resource_type,
        &|file, members| key_value_tags(file, members, "", "tags", "Key", "Value"),
    )
}

/// The files a resource folder of `service` may hold.
pub(super) fn known_files(service: &str) -> &'static [&'static str] {
    match service {
        "s3" => &[
            "get-bucket-policy.json",
            "get-public-access-block.json",
            "get-bucket-ownership-controls.json",
            "get-bucket-tagging.json",
        ],
        "kms" => &["get-key-policy.json", "list-resource-tags.json"],
        "lambda" => &["get-policy.json", "list-tags.json"],
        "sqs" => &["get-queue-attributes.json", "list-queue-tags.json"],
        "sns" => &["get-topic-attributes.json", "list-tags-for-resource.json"],
        "secretsmanager" => &["get-resource-policy.json", "describe-secret.json"],
        "ecr" => &["get-repository-policy.json", "list-tags-for-resource.json"],
        _ => &[],
    }
}

/// The regional services a collected folder holds.
pub(super) const REGIONAL_SERVICES: [&str; 6] =
    ["kms", "lambda", "sqs", "sns", "secretsmanager", "ecr"];
