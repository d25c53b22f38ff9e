//! Reading a scenario file: the principal and its policies, the resource and
//! its policy, the VPC endpoint policy, the organization, and the request.

use super::policy_reference::load_policy_reference;
use super::{OrganizationChains, ResourceKind};
use crate::org::Organization;
use crate::policy::json::{JsonNode, JsonValue};
use crate::policy::{Diagnostic, PolicyDocument, PolicyKind};
use crate::source::{join_path, member, InputError, JsonSource};
use indexmap::IndexMap;
use std::path::Path;
use std::sync::Arc;

/// A request, fully or partly given. `None` (or `"*"` in the file) leaves a
/// field open: symbolic in a proof, an error for `eval`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RequestSpec {
    pub principal: Option<String>,
    pub action: Option<String>,
    pub resource: Option<String>,
    pub resource_account: Option<String>,
    /// Context keys as given: name, values, given as a list.
    pub context: Vec<(String, Vec<String>, bool)>,
    /// An identifier echoed in JSON Lines output.
    pub id: Option<String>,
}

impl RequestSpec {
    /// This spec with the fields of `other` laid over it (context keys merged,
    /// `other` winning).
    pub fn overlaid_with(&self, other: &RequestSpec) -> RequestSpec {
        let mut context = self.context.clone();
        for entry in &other.context {
            context.retain(|(key, _, _)| !key.eq_ignore_ascii_case(&entry.0));
            context.push(entry.clone());
        }
        RequestSpec {
            principal: other.principal.clone().or_else(|| self.principal.clone()),
            action: other.action.clone().or_else(|| self.action.clone()),
            resource: other.resource.clone().or_else(|| self.resource.clone()),
            resource_account: other
                .resource_account
                .clone()
                .or_else(|| self.resource_account.clone()),
            context,
            id: other.id.clone().or_else(|| self.id.clone()),
        }
    }

    /// Reads a request object (`{"principal", "action", "resource",
    /// "resource_account", "context", "id"}`).
    pub fn from_node(
        source: &JsonSource,
        node: &JsonNode,
        path: &str,
    ) -> Result<RequestSpec, InputError> {
        let members = source.object(
            node,
            path,
            &[
                "id",
                "principal",
                "action",
                "resource",
                "resource_account",
                "context",
            ],
        )?;
        let open_string = |key: &str| -> Result<Option<String>, InputError> {
            match member(members, key) {
                None => Ok(None),
                Some(value) => Ok(open_field(
                    key,
                    source.scalar_text(value, &join_path(path, key))?,
                )),
            }
        };
        let mut context = Vec::new();
        if let Some(context_node) = member(members, "context") {
            let context_path = join_path(path, "context");
            for (key, value) in source.object(context_node, &context_path, &[])? {
                let key_path = join_path(&context_path, &key.text);
                let (values, multivalued) = match &value.value {
                    JsonValue::Array(items) => (
                        items
                            .iter()
                            .enumerate()
                            .map(|(index, item)| {
                                source.scalar_text(item, &format!("{key_path}[{index}]"))
                            })
                            .collect::<Result<Vec<_>, _>>()?,
                        true,
                    ),
                    _ => (vec![source.scalar_text(value, &key_path)?], false),
                };
                context.push((key.text.clone(), values, multivalued));
            }
        }
        Ok(RequestSpec {
            principal: open_string("principal")?,
            action: open_string("action")?,
            resource: open_string("resource")?,
            resource_account: open_string("resource_account")?,
            context,
            id: open_string("id")?,
        })
    }
}

/// A request field's value: `"*"` leaves a field open, except the
/// resource: `"*"` is the resource AWS uses for actions without one
/// (`s3:ListAllMyBuckets`).
pub(super) fn open_field(key: &str, text: String) -> Option<String> {
    (text != "*" || key == "resource").then_some(text)
}

/// A loaded scenario.
#[derive(Debug, Clone)]
pub struct Scenario {
    pub file: String,
    pub organization: Option<Organization>,
    /// The principal as written (ARN, service name, `anonymous`), if given.
    pub principal: Option<String>,
    /// For sessions whose role has a path: the role's IAM ARN.
    pub role_arn: Option<String>,
    pub identity_policies: Vec<Arc<PolicyDocument>>,
    pub permissions_boundary: Option<Arc<PolicyDocument>>,
    pub session_policy: Option<Arc<PolicyDocument>>,
    pub principal_tags: IndexMap<String, String>,
    /// Forces the service-linked-role exemption (otherwise read from the ARN).
    pub service_linked_role: Option<bool>,
    /// The resource's kind when the scenario names it; otherwise it
    /// follows from each request (`semantics::service_rules`).
    pub resource_kind: Option<ResourceKind>,
    pub resource_policy: Option<Arc<PolicyDocument>>,
    pub resource_tags: IndexMap<String, String>,
    /// An S3 general purpose bucket enables ABAC (its tags are then
    /// `aws:ResourceTag`).
    pub resource_abac: bool,
    /// The S3 Block Public Access settings that hold for the resource's
    /// bucket: the bucket's and its account's, combined (a setting holds
    /// when either level sets it).
    pub block_public_access: Option<crate::inventory::BlockPublicAccess>,
    pub vpc_endpoint_policy: Option<Arc<PolicyDocument>>,
    /// Which of the organization's chains (SCPs, RCPs) take part: both,
    /// except in a frame that asks about one chain alone
    /// (`Scenario::organization_frame`).
    pub organization_chains: OrganizationChains,
    /// The principal's and the resource's tags are not known: tag keys
    /// are the request's own (the organization frame, which speaks for
    /// every principal and resource of an account).
    pub tags_unknown: bool,
    /// The request as given in the scenario (principal/resource folded in).
    pub request: RequestSpec,
    pub warnings: Vec<Diagnostic>,
}

impl Scenario {
    /// A scenario with no policies and no request defaults (requests give
    /// everything; used to read requests for a single policy judged alone).
    pub fn empty(file: &str) -> Scenario {
        Scenario {
            file: file.to_string(),
            organization: None,
            principal: None,
            role_arn: None,
            identity_policies: Vec::new(),
            permissions_boundary: None,
            session_policy: None,
            principal_tags: IndexMap::new(),
            service_linked_role: None,
            resource_kind: None,
            resource_policy: None,
            resource_tags: IndexMap::new(),
            resource_abac: false,
            block_public_access: None,
            vpc_endpoint_policy: None,
            organization_chains: OrganizationChains::Both,
            tags_unknown: false,
            request: RequestSpec::default(),
            warnings: Vec::new(),
        }
    }

    pub fn load(path: &Path) -> Result<Scenario, InputError> {
        let source = JsonSource::load(path)?;
        Scenario::from_source(&source)
    }

    pub fn from_source(source: &JsonSource) -> Result<Scenario, InputError> {
        let root = &source.root;
        let members = source.object(
            root,
            "",
            &[
                "organization",
                "principal",
                "resource",
                "vpc_endpoint_policy",
                "request",
                "description",
            ],
        )?;
        let mut warnings = Vec::new();
        let organization = match member(members, "organization") {
            None => None,
            Some(
                node @ JsonNode {
                    value: JsonValue::String(relative),
                    ..
                },
            ) => {
                let _ = node;
                Some(Organization::load(
                    &source.resolve(relative),
                    &mut warnings,
                )?)
            }
            Some(node) => Some(Organization::from_source(
                source,
                node,
                "organization",
                &mut warnings,
            )?),
        };
        let mut scenario = Scenario {
            organization,
            ..Scenario::empty(&source.file)
        };
        if let Some(principal) = member(members, "principal") {
            scenario.read_principal(source, principal, &mut warnings)?;
        }
        if let Some(resource) = member(members, "resource") {
            scenario.read_resource(source, resource, &mut warnings)?;
        }
        if let Some(endpoint) = member(members, "vpc_endpoint_policy") {
            scenario.vpc_endpoint_policy = Some(load_policy_reference(
                source,
                endpoint,
                "vpc_endpoint_policy",
                PolicyKind::Endpoint,
                "vpc-endpoint-policy",
                &mut warnings,
            )?);
        }
        if let Some(request) = member(members, "request") {
            let given = RequestSpec::from_node(source, request, "request")?;
            scenario.request = scenario.request.overlaid_with(&given);
        }
        scenario.warnings = warnings;
        Ok(scenario)
    }

    fn read_principal(
        &mut self,
        source: &JsonSource,
        node: &JsonNode,
        warnings: &mut Vec<Diagnostic>,
    ) -> Result<(), InputError> {
        let path = "principal";
        if let JsonValue::String(text) = &node.value {
            self.principal = (text != "*").then(|| text.clone());
            self.request.principal = self.principal.clone();
            return Ok(());
        }
        let members = source.object(
            node,
            path,
            &[
                "arn",
                "role_arn",
                "identity_policies",
                "permissions_boundary",
                "session_policy",
                "tags",
                "service_linked_role",
            ],
        )?;
        if let Some(arn) = member(members, "arn") {
            let text = source.string(arn, "principal.arn")?;
            self.principal = (text != "*").then(|| text.to_string());
            self.request.principal = self.principal.clone();
        }
        if let Some(role_arn) = member(members, "role_arn") {
            self.role_arn = Some(source.string(role_arn, "principal.role_arn")?.to_string());
        }
        if let Some(policies) = member(members, "identity_policies") {
            let policies_path = "principal.identity_policies";
            let items: Vec<&JsonNode> = match &policies.value {
                JsonValue::Array(items) => items.iter().collect(),
                _ => vec![policies],
            };
            for (index, item) in items.into_iter().enumerate() {
                let item_path = format!("{policies_path}[{index}]");
                let name = format!("identity-policy-{index}");
                self.identity_policies.push(load_policy_reference(
                    source,
                    item,
                    &item_path,
                    PolicyKind::Identity,
                    &name,
                    warnings,
                )?);
            }
        }
        if let Some(boundary) = member(members, "permissions_boundary") {
            self.permissions_boundary = Some(load_policy_reference(
                source,
                boundary,
                "principal.permissions_boundary",
                PolicyKind::Boundary,
                "permissions-boundary",
                warnings,
            )?);
        }
        if let Some(session) = member(members, "session_policy") {
            self.session_policy = Some(load_policy_reference(
                source,
                session,
                "principal.session_policy",
                PolicyKind::Session,
                "session-policy",
                warnings,
            )?);
        }
        if let Some(tags) = member(members, "tags") {
            self.principal_tags = read_tags(source, tags, "principal.tags")?;
        }
        if let Some(linked) = member(members, "service_linked_role") {
            self.service_linked_role = Some(source.bool(linked, "principal.service_linked_role")?);
        }
        Ok(())
    }

    fn read_resource(
        &mut self,
        source: &JsonSource,
        node: &JsonNode,
        warnings: &mut Vec<Diagnostic>,
    ) -> Result<(), InputError> {
        let path = "resource";
        if let JsonValue::String(text) = &node.value {
            self.request.resource = Some(text.clone());
            return Ok(());
        }
        let members = source.object(
            node,
            path,
            &[
                "arn",
                "account",
                "kind",
                "policy",
                "tags",
                "abac",
                "block_public_access",
                "account_block_public_access",
            ],
        )?;
        if let Some(arn) = member(members, "arn") {
            // `"*"` is the resource of actions without one; leave the
            // field out to keep it open.
            self.request.resource = Some(source.string(arn, "resource.arn")?.to_string());
        }
        if let Some(account) = member(members, "account") {
            let text = source.scalar_text(account, "resource.account")?;
            if text != "*" && !crate::policy::parse::is_account_id(&text) {
                return Err(source.error(
                    account,
                    "resource.account",
                    format!("`{text}` is not an account ID (exactly 12 digits)"),
                ));
            }
            self.request.resource_account = (text != "*").then_some(text);
        }
        if let Some(kind) = member(members, "kind") {
            let text = source.string(kind, "resource.kind")?;
            self.resource_kind = Some(ResourceKind::parse(text).ok_or_else(|| {
                source.error(
                    kind,
                    "resource.kind",
                    format!(
                        "unknown resource kind `{text}`; expected one of: {}",
                        ResourceKind::NAMES.join(", ")
                    ),
                )
            })?);
        }
        if let Some(policy) = member(members, "policy") {
            // A role's policy is its trust policy, whether the kind is
            // named or read from the ARN.
            let is_role = match self.resource_kind {
                Some(kind) => kind == ResourceKind::IamRole,
                None => self
                    .request
                    .resource
                    .as_deref()
                    .is_some_and(crate::semantics::service_rules::is_role_arn),
            };
            let kind = if is_role {
                PolicyKind::Trust
            } else {
                PolicyKind::Resource
            };
            self.resource_policy = Some(load_policy_reference(
                source,
                policy,
                "resource.policy",
                kind,
                "resource-policy",
                warnings,
            )?);
        }
        if let Some(tags) = member(members, "tags") {
            self.resource_tags = read_tags(source, tags, "resource.tags")?;
        }
        if let Some(abac) = member(members, "abac") {
            self.resource_abac = source.bool(abac, "resource.abac")?;
        }
        for level in ["block_public_access", "account_block_public_access"] {
            if let Some(node) = member(members, level) {
                let path = format!("resource.{level}");
                let settings = read_block_public_access(source, node, &path)?;
                self.block_public_access = Some(
                    self.block_public_access
                        .map_or(settings, |earlier| earlier.combined(&settings)),
                );
            }
        }
        let is_bucket = self
            .request
            .resource
            .as_deref()
            .is_some_and(crate::semantics::derived_keys::is_s3_bucket);
        if let (Some(tags), true, false) = (member(members, "tags"), is_bucket, self.resource_abac)
        {
            if !self.resource_tags.is_empty() {
                warnings.push(Diagnostic {
                    location: crate::policy::SourceLocation {
                        file: source.file.clone(),
                        position: tags.position,
                        json_path: "resource.tags".to_string(),
                    },
                    code: "bucket-tags-without-abac",
                    message: "an S3 general purpose bucket's tags are not aws:ResourceTag unless the bucket enables ABAC (off by default): give resource.abac true if it does".to_string(),
                });
            }
        }
        Ok(())
    }
}

/// S3 Block Public Access settings as `get-public-access-block` prints them
/// (`BlockPublicAcls`, `IgnorePublicAcls`, `BlockPublicPolicy`,
/// `RestrictPublicBuckets`).
fn read_block_public_access(
    source: &JsonSource,
    node: &crate::policy::json::JsonNode,
    path: &str,
) -> Result<crate::inventory::BlockPublicAccess, InputError> {
    let names = [
        "BlockPublicAcls",
        "IgnorePublicAcls",
        "BlockPublicPolicy",
        "RestrictPublicBuckets",
    ];
    let members = source.object(node, path, &names)?;
    let flag = |name: &str| -> Result<Option<bool>, InputError> {
        member(members, name)
            .map(|value| source.bool(value, &format!("{path}.{name}")))
            .transpose()
    };
    Ok(crate::inventory::BlockPublicAccess {
        block_public_acls: flag("BlockPublicAcls")?,
        ignore_public_acls: flag("IgnorePublicAcls")?,
        block_public_policy: flag("BlockPublicPolicy")?,
        restrict_public_buckets: flag("RestrictPublicBuckets")?,
    })
}

fn read_tags(
    source: &JsonSource,
    node: &JsonNode,
    path: &str,
) -> Result<IndexMap<String, String>, InputError> {
    let mut tags = IndexMap::new();
    for (key, value) in source.object(node, path, &[])? {
        tags.insert(
            key.text.clone(),
            source.scalar_text(value, &join_path(path, &key.text))?,
        );
    }
    Ok(tags)
}
