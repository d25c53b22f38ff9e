//! The resources of a template that decide access, read into an inventory,
//! with property names as the CloudFormation resource reference spells
//! them (each type's page is listed in `tests/files/cloudformation/RETURN-VALUES.md`):
//!
//! | type | properties read |
//! | --- | --- |
//! | `AWS::IAM::Role` | `RoleName`, `Path`, `AssumeRolePolicyDocument`, `Policies[]` (`PolicyName`, `PolicyDocument`), `ManagedPolicyArns[]`, `PermissionsBoundary`, `Tags[]` |
//! | `AWS::IAM::User` | `UserName`, `Path`, `Groups[]`, `Policies[]`, `ManagedPolicyArns[]`, `PermissionsBoundary`, `Tags[]` |
//! | `AWS::IAM::Group` | `GroupName`, `Path`, `Policies[]`, `ManagedPolicyArns[]` |
//! | `AWS::IAM::ManagedPolicy` | `ManagedPolicyName`, `Path`, `PolicyDocument`, `Roles[]`, `Users[]`, `Groups[]` |
//! | `AWS::IAM::Policy` | `PolicyName`, `PolicyDocument`, `Roles[]`, `Users[]`, `Groups[]` (an inline policy of each) |
//! | `AWS::IAM::UserToGroupAddition` | `GroupName`, `Users[]` |
//! | `AWS::S3::Bucket` | `BucketName`, `PublicAccessBlockConfiguration`, `OwnershipControls`, `Tags[]` |
//! | `AWS::S3::BucketPolicy` | `Bucket` (a name), `PolicyDocument` |
//! | `AWS::KMS::Key` | `KeyPolicy` (absent: the default key policy, `kms:*` for the account), `Tags[]` |
//! | `AWS::SQS::Queue`, `AWS::SNS::Topic` | their names (the resource exists without a policy) |
//! | `AWS::SQS::QueuePolicy` | `Queues[]` (URLs), `PolicyDocument` |
//! | `AWS::SNS::TopicPolicy` | `Topics[]` (ARNs), `PolicyDocument` |
//! | `AWS::Lambda::Permission` | `FunctionName`, `Action`, `Principal`, `SourceArn`, `SourceAccount`, `PrincipalOrgID` (`lambda_permission.rs`) |
//! | `AWS::Organizations::Policy` | `Name`, `Type` (`SERVICE_CONTROL_POLICY`, `RESOURCE_CONTROL_POLICY`), `Content` (an object or a JSON string), `TargetIds[]` |
//!
//! A resource whose `Condition` is false is not created, and is not read.
//! Other types are listed in one warning per type. A document held as a
//! string is read from the string (its errors are located at the string,
//! with the path inside it after `>`).
//!
//! Trusts `intrinsics.rs` for every value and `policy::parse` for the
//! documents.

use super::intrinsics::Resolver;
use super::template::{StackFacts, Template, TemplateResource};
use crate::ingest::lambda_permission::{function_policy, LambdaPermission};
use crate::inventory::principals::inline_policy_label;
use crate::inventory::provenance::{relocate_diagnostic, relocate_document};
use crate::inventory::{
    AttachedPolicy, BlockPublicAccess, Group, Inventory, InventoryPolicy, InventoryWarning,
    ManagedPolicy, ObjectOwnership, OrganizationPolicy, PolicyEncoding, Provenance, Resource,
    ResourceType, Role, User,
};
use crate::policy::json::{JsonNode, JsonValue, SourcePosition};
use crate::policy::parse::parse_policy_node;
use crate::policy::{parse_policy, PolicyKind};
use crate::source::InputError;
use indexmap::IndexMap;
use std::collections::BTreeMap;
use std::sync::Arc;

/// The types read (the table above).
pub const TEMPLATE_TYPES: [&str; 15] = [
    "AWS::IAM::Role",
    "AWS::IAM::User",
    "AWS::IAM::Group",
    "AWS::IAM::ManagedPolicy",
    "AWS::IAM::Policy",
    "AWS::IAM::UserToGroupAddition",
    "AWS::S3::Bucket",
    "AWS::S3::BucketPolicy",
    "AWS::KMS::Key",
    "AWS::SQS::Queue",
    "AWS::SQS::QueuePolicy",
    "AWS::SNS::Topic",
    "AWS::SNS::TopicPolicy",
    "AWS::Lambda::Permission",
    "AWS::Organizations::Policy",
];

/// Reads what the template's resources decide into an inventory; the
/// problems found, all of them.
pub fn read(template: &Template, facts: &StackFacts, inventory: &mut Inventory) -> Vec<InputError> {
    let resolver = Resolver::new(template, facts);
    let mut reader = Reader {
        template,
        resolver: &resolver,
        facts,
        // `read_parsed` asks for the account wherever it is needed.
        account: facts.account.clone().unwrap_or_default(),
        inventory,
        problems: Vec::new(),
        resources: BTreeMap::new(),
        permissions: BTreeMap::new(),
        memberships: Vec::new(),
    };
    let mut unknown: BTreeMap<&str, (usize, &TemplateResource)> = BTreeMap::new();
    // IAM principals first, so that policies naming them find them.
    let order = |resource: &TemplateResource| match resource.resource_type.as_str() {
        "AWS::IAM::Role" | "AWS::IAM::User" | "AWS::IAM::Group" => 0,
        "AWS::IAM::ManagedPolicy"
        | "AWS::S3::Bucket"
        | "AWS::KMS::Key"
        | "AWS::SQS::Queue"
        | "AWS::SNS::Topic" => 1,
        _ => 2,
    };
    let mut resources: Vec<&TemplateResource> = template.resources.values().collect();
    resources.sort_by_key(|resource| order(resource));
    for resource in resources {
        if !TEMPLATE_TYPES.contains(&resource.resource_type.as_str()) {
            unknown
                .entry(resource.resource_type.as_str())
                .or_insert((0, resource))
                .0 += 1;
            continue;
        }
        let created = match &resource.condition {
            None => Ok(true),
            Some(condition) => resolver.condition(
                &resource.node,
                condition,
                &format!("{}.Condition", resource.path),
            ),
        };
        let result = created.and_then(|created| {
            if created {
                reader.read(resource)
            } else {
                Ok(())
            }
        });
        if let Err(error) = result {
            reader.problems.push(error);
        }
    }
    reader.finish();
    reader.problems.extend(resolver.take_deferred());
    for (resource_type, (count, first)) in unknown {
        reader.inventory.warnings.push(InventoryWarning::at(
            "unknown-resource-type",
            &template.file,
            first.node.position,
            &first.path,
            format!(
                "{count} resource(s) of type {resource_type} (first: {}) are not read: iamz does not know what access this type decides",
                first.logical_id
            ),
        ));
    }
    reader.problems
}

struct Reader<'r, 't> {
    template: &'t Template,
    resolver: &'r Resolver<'t>,
    facts: &'t StackFacts,
    account: String,
    inventory: &'r mut Inventory,
    problems: Vec<InputError>,
    resources: BTreeMap<String, Resource>,
    /// Lambda permissions by function ARN: statement, path, position.
    permissions: BTreeMap<String, Vec<(serde_json::Value, String, SourcePosition)>>,
    /// (user, group) pairs from `AWS::IAM::UserToGroupAddition`.
    memberships: Vec<(String, String)>,
}

impl Reader<'_, '_> {
    fn file(&self) -> &Arc<str> {
        &self.template.file
    }

    fn provenance(&self, node: &JsonNode, path: &str, encoding: PolicyEncoding) -> Provenance {
        Provenance {
            file: self.file().clone(),
            position: node.position,
            json_path: path.to_string(),
            encoding,
        }
    }

    fn string(
        &self,
        resource: &TemplateResource,
        property: &str,
    ) -> Result<Option<String>, InputError> {
        resource
            .property(property)
            .map(|node| {
                self.resolver
                    .string(node, &resource.property_path(property))
            })
            .transpose()
    }

    fn strings(
        &self,
        resource: &TemplateResource,
        property: &str,
    ) -> Result<Vec<String>, InputError> {
        match resource.property(property) {
            Some(node) => self
                .resolver
                .strings(node, &resource.property_path(property)),
            None => Ok(Vec::new()),
        }
    }

    fn required<'n>(
        &self,
        resource: &'n TemplateResource,
        property: &str,
    ) -> Result<&'n JsonNode, InputError> {
        resource.property(property).ok_or_else(|| {
            self.template.error(
                &resource.node,
                &resource.path,
                format!("{} needs `{property}`", resource.resource_type),
            )
        })
    }

    /// A policy document (an object, or a string holding its JSON text),
    /// every function in it resolved.
    fn document(
        &mut self,
        node: &JsonNode,
        path: &str,
        kind: PolicyKind,
        name: &str,
        label: &str,
    ) -> Result<Option<InventoryPolicy>, InputError> {
        let Some(resolved) = self.resolver.resolve(node, path)? else {
            return Ok(None);
        };
        let file = self.file().clone();
        match &resolved.value {
            JsonValue::Object(_) => {
                let parsed = parse_policy_node(&resolved, &file, path, label, Some(kind))?;
                self.inventory
                    .warnings
                    .extend(parsed.warnings.into_iter().map(InventoryWarning::from));
                Ok(Some(InventoryPolicy {
                    name: name.to_string(),
                    kind,
                    document: Arc::new(parsed.document),
                    provenance: self.provenance(node, path, PolicyEncoding::Document),
                }))
            }
            JsonValue::String(text) => {
                // Places inside the string are given at the string, with
                // the path inside it.
                let at = node.position;
                let relocate = |_| at;
                let mut parsed = match parse_policy(text, &file, Some(kind)) {
                    Ok(parsed) => parsed,
                    Err(
                        crate::policy::PolicyError::InvalidJson(mut diagnostic)
                        | crate::policy::PolicyError::InvalidPolicy(mut diagnostic),
                    ) => {
                        relocate_diagnostic(&mut diagnostic, path, &relocate);
                        return Err(InputError::Invalid(diagnostic));
                    }
                    Err(other) => return Err(other.into()),
                };
                parsed.document.name = label.to_string();
                relocate_document(&mut parsed.document, &relocate);
                for mut warning in parsed.warnings {
                    relocate_diagnostic(&mut warning, path, &relocate);
                    self.inventory.warnings.push(InventoryWarning::from(warning));
                }
                Ok(Some(InventoryPolicy {
                    name: name.to_string(),
                    kind,
                    document: Arc::new(parsed.document),
                    provenance: self.provenance(node, path, PolicyEncoding::JsonString),
                }))
            }
            other => Err(self.template.error(
                node,
                path,
                format!("expected a policy document (an object, or a string holding its JSON), found {}", other.kind_name()),
            )),
        }
    }

    /// `Policies[]` of a role, user or group: inline policies.
    fn inline_policies(
        &mut self,
        resource: &TemplateResource,
        owner_kind: &str,
        owner: &str,
    ) -> Result<Vec<InventoryPolicy>, InputError> {
        let Some(list) = resource.property("Policies") else {
            return Ok(Vec::new());
        };
        let path = resource.property_path("Policies");
        let Some(resolved) = self.resolver.resolve(list, &path)? else {
            return Ok(Vec::new());
        };
        let JsonValue::Array(items) = &resolved.value else {
            return Err(self.template.error(
                list,
                &path,
                "`Policies` is a list of {PolicyName, PolicyDocument}",
            ));
        };
        let mut policies = Vec::new();
        for (index, item) in items.iter().enumerate() {
            let item_path = format!("{path}[{index}]");
            let JsonValue::Object(members) = &item.value else {
                return Err(self.template.error(
                    item,
                    &item_path,
                    "expected {PolicyName, PolicyDocument}",
                ));
            };
            let policy_name = match crate::ingest::located_file::member(members, "PolicyName") {
                Some(node) => self
                    .resolver
                    .string(node, &format!("{item_path}.PolicyName"))?,
                None => {
                    return Err(self
                        .template
                        .error(item, &item_path, "`PolicyName` is missing"))
                }
            };
            let Some(document) = crate::ingest::located_file::member(members, "PolicyDocument")
            else {
                return Err(self
                    .template
                    .error(item, &item_path, "`PolicyDocument` is missing"));
            };
            if let Some(policy) = self.document(
                document,
                &format!("{item_path}.PolicyDocument"),
                PolicyKind::Identity,
                &policy_name,
                &inline_policy_label(owner_kind, owner, &policy_name),
            )? {
                policies.push(policy);
            }
        }
        Ok(policies)
    }

    fn attached(
        &self,
        resource: &TemplateResource,
        property: &str,
    ) -> Result<Vec<AttachedPolicy>, InputError> {
        let node = resource.property(property);
        let mut attached = Vec::new();
        for arn in self.strings(resource, property)? {
            attached.push(AttachedPolicy {
                name: arn.rsplit('/').next().unwrap_or_default().to_string(),
                arn,
                provenance: self.provenance(
                    node.unwrap_or(&resource.node),
                    &resource.property_path(property),
                    PolicyEncoding::Document,
                ),
            });
        }
        Ok(attached)
    }

    fn boundary(&self, resource: &TemplateResource) -> Result<Option<AttachedPolicy>, InputError> {
        Ok(self
            .attached(resource, "PermissionsBoundary")?
            .into_iter()
            .next())
    }

    /// `Tags: [{Key, Value}]`.
    fn tags(&self, resource: &TemplateResource) -> Result<IndexMap<String, String>, InputError> {
        let mut tags = IndexMap::new();
        let Some(node) = resource.property("Tags") else {
            return Ok(tags);
        };
        let path = resource.property_path("Tags");
        let Some(resolved) = self.resolver.resolve(node, &path)? else {
            return Ok(tags);
        };
        let JsonValue::Array(items) = &resolved.value else {
            return Err(self
                .template
                .error(node, &path, "`Tags` is a list of {Key, Value}"));
        };
        for (index, item) in items.iter().enumerate() {
            let item_path = format!("{path}[{index}]");
            let (Some(key), Some(value)) =
                (object_string(item, "Key"), object_string(item, "Value"))
            else {
                return Err(self
                    .template
                    .error(item, &item_path, "expected {Key, Value}"));
            };
            tags.insert(key, value);
        }
        Ok(tags)
    }

    fn iam_arn(&self, kind: &str, path: &str, name: &str) -> String {
        format!(
            "arn:{}:iam::{}:{kind}{path}{name}",
            self.facts.partition(),
            self.account
        )
    }

    fn resource_entry(
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

    fn region(&self) -> Option<String> {
        self.facts.region.clone()
    }

    fn read(&mut self, resource: &TemplateResource) -> Result<(), InputError> {
        let logical = resource.logical_id.as_str();
        match resource.resource_type.as_str() {
            "AWS::IAM::Role" => {
                let name = self.resolver.physical_name(logical)?;
                let path = self.string(resource, "Path")?.unwrap_or_else(|| "/".into());
                let trust = self.required(resource, "AssumeRolePolicyDocument")?;
                let trust_policy = self.document(
                    trust,
                    &resource.property_path("AssumeRolePolicyDocument"),
                    PolicyKind::Trust,
                    "trust-policy",
                    &format!("role/{name}/trust-policy"),
                )?;
                let role = Role {
                    arn: self.iam_arn("role", &path, &name),
                    inline_policies: self.inline_policies(resource, "role", &name)?,
                    attached_policies: self.attached(resource, "ManagedPolicyArns")?,
                    permissions_boundary: self.boundary(resource)?,
                    tags: self.tags(resource)?,
                    provenance: self.provenance(
                        &resource.node,
                        &resource.path,
                        PolicyEncoding::Document,
                    ),
                    trust_policy,
                    name: name.clone(),
                    path,
                };
                let account = self.account.clone();
                self.inventory
                    .account_mut(&account)
                    .roles
                    .insert(name, role);
            }
            "AWS::IAM::User" => {
                let name = self.resolver.physical_name(logical)?;
                let path = self.string(resource, "Path")?.unwrap_or_else(|| "/".into());
                let user = User {
                    arn: self.iam_arn("user", &path, &name),
                    groups: self.strings(resource, "Groups")?,
                    inline_policies: self.inline_policies(resource, "user", &name)?,
                    attached_policies: self.attached(resource, "ManagedPolicyArns")?,
                    permissions_boundary: self.boundary(resource)?,
                    tags: self.tags(resource)?,
                    provenance: self.provenance(
                        &resource.node,
                        &resource.path,
                        PolicyEncoding::Document,
                    ),
                    name: name.clone(),
                    path,
                };
                let account = self.account.clone();
                self.inventory
                    .account_mut(&account)
                    .users
                    .insert(name, user);
            }
            "AWS::IAM::Group" => {
                let name = self.resolver.physical_name(logical)?;
                let path = self.string(resource, "Path")?.unwrap_or_else(|| "/".into());
                let group = Group {
                    arn: self.iam_arn("group", &path, &name),
                    inline_policies: self.inline_policies(resource, "group", &name)?,
                    attached_policies: self.attached(resource, "ManagedPolicyArns")?,
                    provenance: self.provenance(
                        &resource.node,
                        &resource.path,
                        PolicyEncoding::Document,
                    ),
                    name: name.clone(),
                    path,
                };
                let account = self.account.clone();
                self.inventory
                    .account_mut(&account)
                    .groups
                    .insert(name, group);
            }
            "AWS::IAM::ManagedPolicy" => {
                let name = self.resolver.physical_name(logical)?;
                let path = self.string(resource, "Path")?.unwrap_or_else(|| "/".into());
                let arn = self.iam_arn("policy", &path, &name);
                let document = self.required(resource, "PolicyDocument")?;
                let Some(policy) = self.document(
                    document,
                    &resource.property_path("PolicyDocument"),
                    PolicyKind::Identity,
                    &name,
                    &name,
                )?
                else {
                    return Ok(());
                };
                let provenance = policy.provenance.clone();
                let managed = Arc::new(ManagedPolicy {
                    arn: arn.clone(),
                    name,
                    path,
                    default_version: "v1".to_string(),
                    policy,
                });
                let account = self.account.clone();
                self.inventory
                    .account_mut(&account)
                    .managed_policies
                    .insert(arn.clone(), managed);
                for (owner_kind, property) in
                    [("role", "Roles"), ("user", "Users"), ("group", "Groups")]
                {
                    for owner in self.strings(resource, property)? {
                        let attachment = AttachedPolicy {
                            arn: arn.clone(),
                            name: arn.rsplit('/').next().unwrap_or_default().to_string(),
                            provenance: provenance.clone(),
                        };
                        self.attach(resource, owner_kind, &owner, property, |lists| {
                            lists.0.push(attachment)
                        })?;
                    }
                }
            }
            "AWS::IAM::Policy" => {
                let name = self.string(resource, "PolicyName")?.ok_or_else(|| {
                    self.template.error(
                        &resource.node,
                        &resource.path,
                        "AWS::IAM::Policy needs `PolicyName`",
                    )
                })?;
                let document = self.required(resource, "PolicyDocument")?;
                for (owner_kind, property) in
                    [("role", "Roles"), ("user", "Users"), ("group", "Groups")]
                {
                    for owner in self.strings(resource, property)? {
                        if let Some(policy) = self.document(
                            document,
                            &resource.property_path("PolicyDocument"),
                            PolicyKind::Identity,
                            &name,
                            &inline_policy_label(owner_kind, &owner, &name),
                        )? {
                            self.attach(resource, owner_kind, &owner, property, |lists| {
                                lists.1.push(policy)
                            })?;
                        }
                    }
                }
            }
            "AWS::IAM::UserToGroupAddition" => {
                let group = self.string(resource, "GroupName")?.ok_or_else(|| {
                    self.template.error(
                        &resource.node,
                        &resource.path,
                        "AWS::IAM::UserToGroupAddition needs `GroupName`",
                    )
                })?;
                for user in self.strings(resource, "Users")? {
                    self.memberships.push((user, group.clone()));
                }
            }
            "AWS::S3::Bucket" => {
                let name = self.resolver.physical_name(logical)?;
                let arn = format!("arn:{}:s3:::{name}", self.facts.partition());
                // A bucket created without the configuration gets all four
                // settings: "all Block Public Access settings are enabled by
                // default for new buckets" (since April 2023,
                // https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html).
                let settings = match resource.property("PublicAccessBlockConfiguration") {
                    Some(node) => {
                        let path = resource.property_path("PublicAccessBlockConfiguration");
                        let resolved = self.resolver.resolve(node, &path)?;
                        let flag =
                            |key: &str| resolved.as_ref().and_then(|node| object_bool(node, key));
                        Some(BlockPublicAccess {
                            block_public_acls: flag("BlockPublicAcls"),
                            ignore_public_acls: flag("IgnorePublicAcls"),
                            block_public_policy: flag("BlockPublicPolicy"),
                            restrict_public_buckets: flag("RestrictPublicBuckets"),
                        })
                    }
                    None => Some(BlockPublicAccess {
                        block_public_acls: Some(true),
                        ignore_public_acls: Some(true),
                        block_public_policy: Some(true),
                        restrict_public_buckets: Some(true),
                    }),
                };
                let ownership = match resource.property("OwnershipControls") {
                    Some(node) => self
                        .resolver
                        .resolve(node, &resource.property_path("OwnershipControls"))?
                        .and_then(|node| object_member(&node, "Rules").cloned())
                        .and_then(|rules| match rules.value {
                            JsonValue::Array(rules) => rules
                                .first()
                                .and_then(|rule| object_string(rule, "ObjectOwnership")),
                            _ => None,
                        })
                        .map(|text| ObjectOwnership::parse(&text)),
                    None => None,
                };
                let tags = self.tags(resource)?;
                let provenance =
                    self.provenance(&resource.node, &resource.path, PolicyEncoding::Document);
                let account = self.account.clone();
                let entry = self.resource_entry(&arn, ResourceType::S3Bucket, &account, None);
                entry.block_public_access = settings;
                entry.object_ownership = ownership;
                entry.tags = tags;
                entry.sources.push(provenance);
            }
            "AWS::KMS::Key" => {
                let arn = self
                    .resolver
                    .arn_of(&resource.node, logical, &resource.path)?;
                let path = resource.property_path("KeyPolicy");
                let policy = match resource.property("KeyPolicy") {
                    Some(node) => {
                        self.document(node, &path, PolicyKind::Resource, "key-policy", &arn)?
                    }
                    None => Some(self.default_key_policy(resource, &arn)?),
                };
                let tags = self.tags(resource)?;
                let (account, region) = (self.account.clone(), self.region());
                let entry = self.resource_entry(&arn, ResourceType::KmsKey, &account, region);
                entry.tags = tags;
                if let Some(policy) = policy {
                    entry.sources.push(policy.provenance.clone());
                    entry.policy = Some(policy);
                }
            }
            "AWS::SQS::Queue" | "AWS::SNS::Topic" => {
                let resource_type = if resource.resource_type == "AWS::SQS::Queue" {
                    ResourceType::SqsQueue
                } else {
                    ResourceType::SnsTopic
                };
                let arn = self
                    .resolver
                    .arn_of(&resource.node, logical, &resource.path)?;
                let tags = self.tags(resource)?;
                let provenance =
                    self.provenance(&resource.node, &resource.path, PolicyEncoding::Document);
                let (account, region) = (self.account.clone(), self.region());
                let entry = self.resource_entry(&arn, resource_type, &account, region);
                entry.tags = tags;
                entry.sources.push(provenance);
            }
            "AWS::S3::BucketPolicy" => {
                let bucket = self.string(resource, "Bucket")?.ok_or_else(|| {
                    self.template.error(
                        &resource.node,
                        &resource.path,
                        "AWS::S3::BucketPolicy needs `Bucket`",
                    )
                })?;
                let arn = format!("arn:{}:s3:::{bucket}", self.facts.partition());
                let document = self.required(resource, "PolicyDocument")?;
                let policy = self.document(
                    document,
                    &resource.property_path("PolicyDocument"),
                    PolicyKind::Resource,
                    "bucket-policy",
                    &arn,
                )?;
                let account = self.account.clone();
                let entry = self.resource_entry(&arn, ResourceType::S3Bucket, &account, None);
                if let Some(policy) = policy {
                    entry.sources.push(policy.provenance.clone());
                    entry.policy = Some(policy);
                }
            }
            "AWS::SQS::QueuePolicy" | "AWS::SNS::TopicPolicy" => {
                let (list, resource_type) = if resource.resource_type == "AWS::SQS::QueuePolicy" {
                    ("Queues", ResourceType::SqsQueue)
                } else {
                    ("Topics", ResourceType::SnsTopic)
                };
                let document = self.required(resource, "PolicyDocument")?;
                for target in self.strings(resource, list)? {
                    let (arn, account, region) = if resource_type == ResourceType::SqsQueue {
                        crate::inventory::resources::queue_arn_from_url(&target, &self.facts.partition()).ok_or_else(|| {
                            self.template.error(&resource.node, &resource.property_path(list), format!("`{target}` is not an SQS queue URL (https://sqs.REGION.amazonaws.com/ACCOUNT/NAME)"))
                        })?
                    } else {
                        let parts: Vec<&str> = target.split(':').collect();
                        match parts.as_slice() {
                            ["arn", _, "sns", region, account, _] => {
                                (target.clone(), account.to_string(), region.to_string())
                            }
                            _ => {
                                return Err(self.template.error(
                                    &resource.node,
                                    &resource.property_path(list),
                                    format!("`{target}` is not an SNS topic ARN"),
                                ))
                            }
                        }
                    };
                    let policy = self.document(
                        document,
                        &resource.property_path("PolicyDocument"),
                        PolicyKind::Resource,
                        "resource-policy",
                        &arn,
                    )?;
                    let entry = self.resource_entry(&arn, resource_type, &account, Some(region));
                    if let Some(policy) = policy {
                        entry.sources.push(policy.provenance.clone());
                        entry.policy = Some(policy);
                    }
                }
            }
            "AWS::Lambda::Permission" => {
                let function = self.string(resource, "FunctionName")?.ok_or_else(|| {
                    self.template.error(
                        &resource.node,
                        &resource.path,
                        "AWS::Lambda::Permission needs `FunctionName`",
                    )
                })?;
                let region = self.region();
                let Some((arn, qualifier)) = crate::ingest::lambda_permission::function_arn(
                    &function,
                    &self.facts.partition(),
                    region.as_deref(),
                    &self.account,
                ) else {
                    return Err(self.template.error(
                        &resource.node,
                        &resource.property_path("FunctionName"),
                        format!("`{function}` is not a function name, partial ARN or ARN (a name needs the stack's Region: --stack-region REGION)"),
                    ));
                };
                let fields = [
                    self.string(resource, "Action")?,
                    self.string(resource, "Principal")?,
                    self.string(resource, "SourceArn")?,
                    self.string(resource, "SourceAccount")?,
                    self.string(resource, "PrincipalOrgID")?,
                    self.string(resource, "FunctionUrlAuthType")?,
                    self.string(resource, "EventSourceToken")?,
                ];
                let statement = LambdaPermission {
                    statement_id: Some(logical),
                    action: fields[0].as_deref(),
                    principal: fields[1].as_deref(),
                    function_arn: &arn,
                    qualifier: qualifier.as_deref(),
                    source_arn: fields[2].as_deref(),
                    source_account: fields[3].as_deref(),
                    principal_org_id: fields[4].as_deref(),
                    function_url_auth_type: fields[5].as_deref(),
                    event_source_token: fields[6].as_deref(),
                }
                .statement();
                self.permissions.entry(arn).or_default().push((
                    statement,
                    resource.path.clone(),
                    resource.node.position,
                ));
            }
            _ => {
                // AWS::Organizations::Policy
                let name = self
                    .string(resource, "Name")?
                    .unwrap_or_else(|| logical.to_string());
                let policy_type = self.string(resource, "Type")?.unwrap_or_default();
                let kind = match policy_type.as_str() {
                    "SERVICE_CONTROL_POLICY" => PolicyKind::Scp,
                    "RESOURCE_CONTROL_POLICY" => PolicyKind::Rcp,
                    other => {
                        self.inventory.warnings.push(InventoryWarning::at(
                            "unknown-policy-type",
                            self.file(),
                            resource.node.position,
                            &resource.property_path("Type"),
                            format!("{logical}: an Organizations policy of type `{other}` does not decide access; it is not read"),
                        ));
                        return Ok(());
                    }
                };
                let content = self.required(resource, "Content")?;
                let Some(policy) = self.document(
                    content,
                    &resource.property_path("Content"),
                    kind,
                    &name,
                    &name,
                )?
                else {
                    return Ok(());
                };
                let id = format!("({logical})");
                let targets = self.strings(resource, "TargetIds")?;
                self.inventory.organization_policies.insert(
                    id.clone(),
                    OrganizationPolicy {
                        id,
                        name,
                        kind,
                        aws_managed: false,
                        policy,
                        targets,
                    },
                );
            }
        }
        Ok(())
    }

    /// The key policy AWS gives a key created without one: `kms:*` for the
    /// account, which delegates to IAM policies
    /// (https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html).
    fn default_key_policy(
        &self,
        resource: &TemplateResource,
        arn: &str,
    ) -> Result<InventoryPolicy, InputError> {
        let text = serde_json::json!({
            "Version": "2012-10-17",
            "Statement": [{
                "Sid": "Enable IAM User Permissions",
                "Effect": "Allow",
                "Principal": {"AWS": format!("arn:{}:iam::{}:root", self.facts.partition(), self.account)},
                "Action": "kms:*",
                "Resource": "*"
            }]
        })
        .to_string();
        let mut parsed = parse_policy(&text, self.file(), Some(PolicyKind::Resource))?;
        parsed.document.name = arn.to_string();
        let at = resource.node.position;
        relocate_document(&mut parsed.document, &|_| at);
        Ok(InventoryPolicy {
            name: "key-policy".to_string(),
            kind: PolicyKind::Resource,
            document: Arc::new(parsed.document),
            provenance: self.provenance(&resource.node, &resource.path, PolicyEncoding::Document),
        })
    }

    /// Adds to the attached (`.0`) or inline (`.1`) policies of a role,
    /// user or group of the template (or of the account, by name).
    fn attach(
        &mut self,
        resource: &TemplateResource,
        owner_kind: &str,
        owner: &str,
        property: &str,
        add: impl FnOnce((&mut Vec<AttachedPolicy>, &mut Vec<InventoryPolicy>)),
    ) -> Result<(), InputError> {
        let account = self.account.clone();
        let entry = self.inventory.account_mut(&account);
        let lists = match owner_kind {
            "role" => entry
                .roles
                .get_mut(owner)
                .map(|role| (&mut role.attached_policies, &mut role.inline_policies)),
            "user" => entry
                .users
                .get_mut(owner)
                .map(|user| (&mut user.attached_policies, &mut user.inline_policies)),
            _ => entry
                .groups
                .get_mut(owner)
                .map(|group| (&mut group.attached_policies, &mut group.inline_policies)),
        };
        match lists {
            Some(lists) => add(lists),
            None => self.inventory.warnings.push(InventoryWarning::at(
                "unknown-principal",
                &self.template.file,
                resource.node.position,
                &resource.property_path(property),
                format!("{}: {owner_kind} `{owner}` is not defined in the template; the policy is not attached to it", resource.logical_id),
            )),
        }
        Ok(())
    }

    fn finish(&mut self) {
        for (user, group) in std::mem::take(&mut self.memberships) {
            let account = self.account.clone();
            if let Some(user) = self.inventory.account_mut(&account).users.get_mut(&user) {
                if !user.groups.contains(&group) {
                    user.groups.push(group);
                }
            }
        }
        for (arn, statements) in std::mem::take(&mut self.permissions) {
            let (path, position) = (statements[0].1.clone(), statements[0].2);
            let statements: Vec<serde_json::Value> = statements
                .into_iter()
                .map(|(statement, _, _)| statement)
                .collect();
            match function_policy(self.file(), &arn, &statements, &path, position) {
                Ok(policy) => {
                    let parts: Vec<&str> = arn.split(':').collect();
                    let region = parts.get(3).map(|region| region.to_string());
                    let account = parts
                        .get(4)
                        .map_or_else(|| self.account.clone(), |account| account.to_string());
                    let entry =
                        self.resource_entry(&arn, ResourceType::LambdaFunction, &account, region);
                    entry.sources.push(policy.provenance.clone());
                    entry.policy = Some(policy);
                }
                Err(error) => self.problems.push(error),
            }
        }
        for (_, resource) in std::mem::take(&mut self.resources) {
            if let Err(resource) = self.inventory.add_resource(resource) {
                self.inventory.warnings.push(InventoryWarning::about_file(
                    "duplicate-entry",
                    &self.template.file,
                    format!("{} is given twice; the first is kept", resource.arn),
                ));
            }
        }
    }
}

fn object_member<'n>(node: &'n JsonNode, key: &str) -> Option<&'n JsonNode> {
    match &node.value {
        JsonValue::Object(members) => crate::ingest::located_file::member(members, key),
        _ => None,
    }
}

fn object_string(node: &JsonNode, key: &str) -> Option<String> {
    match &object_member(node, key)?.value {
        JsonValue::String(text) | JsonValue::Number(text) => Some(text.clone()),
        JsonValue::Bool(value) => Some(value.to_string()),
        _ => None,
    }
}

fn object_bool(node: &JsonNode, key: &str) -> Option<bool> {
    match &object_member(node, key)?.value {
        JsonValue::Bool(value) => Some(*value),
        JsonValue::String(text) => text.parse().ok(),
        _ => None,
    }
}
