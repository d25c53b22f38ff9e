//! Turning catalog JSON into a `Catalog`, checking everything lookups rely on.
//!
//! Trusts nothing in the text: names are checked for the characters that
//! would break lookups and wildcard matching, lists for canonical order (the
//! lookups binary-search them) and uniqueness, and every resource type and
//! condition key an action or resource type names must be defined by its
//! service. What the data says about AWS (which action has which access level,
//! which key has which type) is taken as given.
//!
//! Two ways in, checked alike: `parse_catalog` reads a whole file at once
//! (`Catalog::from_json`); `index_catalog` reads the embedded file through its
//! build-time index (`embedded.rs`), leaving each service's parts to
//! `parse_*_part` on first use. Both build the parts with the same functions.
//!
//! Loading runs on the first use of the catalog, so it avoids needless work:
//! a name an action refers to becomes a shared copy of the defined name
//! (found by binary search), and error messages are only built on error.

use std::cmp::Ordering;
use std::sync::{Arc, OnceLock};

use indexmap::IndexMap;

use super::action::{Action, ActionResourceType};
use super::arn_template::ArnTemplates;
use super::condition_key::{ConditionKey, ConditionKeyTable, ConditionKeyType};
use super::embedded::{EmbeddedIndex, Span};
use super::error::CatalogError;
use super::file_format::{
    ActionFile, CatalogFile, FormatOnly, GlobalConditionKeyFile, ResourceTypeFile, SourceFile,
    SUPPORTED_FORMAT,
};
use super::service::{
    compare_ignoring_ascii_case, PendingParts, ResourceType, Service, ServiceParts,
};
use super::{Catalog, CatalogSource};

/// Parses and checks catalog JSON, all of it.
pub(super) fn parse_catalog(text: &str) -> Result<Catalog, CatalogError> {
    let file: CatalogFile<'_> = match serde_json::from_str(text) {
        Ok(file) => file,
        Err(error) => {
            // A file of another layout fails on its fields; name the real cause.
            if let Ok(FormatOnly { format }) = serde_json::from_str(text) {
                check_format(format)?;
            }
            return Err(error.into());
        }
    };
    check_format(file.format)?;
    let global_condition_keys = Arc::new(build_global_condition_keys(&file.global_condition_keys)?);
    let mut services: Vec<Service> = Vec::with_capacity(file.services.len());
    for service_file in file.services {
        let prefix = service_file.prefix;
        check_order(
            "service",
            services.last().map(|service| service.prefix.as_str()),
            prefix,
        )?;
        check_prefix(prefix)?;
        let condition_keys =
            build_condition_keys(&service_file.condition_keys, &global_condition_keys)?;
        let resource_types =
            build_resource_types(prefix, &service_file.resource_types, &condition_keys)?;
        let actions = build_actions(
            prefix,
            &service_file.actions,
            &resource_types,
            &condition_keys,
        )?;
        services.push(Service {
            prefix: prefix.to_string(),
            name: service_file.name,
            supports_resource_control_policies: service_file.supports_rcp,
            parts: ServiceParts::loaded(condition_keys, resource_types, actions),
        });
    }
    Ok(catalog(file.source, services, global_condition_keys))
}

/// Loads the embedded catalog from its build-time index: the header and the
/// global keys now, each service's parts when first used (see `embedded.rs`).
pub(super) fn index_catalog(
    text: &'static str,
    index: &EmbeddedIndex,
) -> Result<Catalog, CatalogError> {
    let part = |(start, end): Span| &text[start..end];
    check_format(serde_json::from_str(part(index.format))?)?;
    let source: SourceFile = serde_json::from_str(part(index.source))?;
    let global_keys: Vec<GlobalConditionKeyFile<'_>> =
        serde_json::from_str(part(index.global_condition_keys))?;
    let global_condition_keys = Arc::new(build_global_condition_keys(&global_keys)?);
    let mut services: Vec<Service> = Vec::with_capacity(index.services.len());
    for service in index.services {
        check_order(
            "service",
            services.last().map(|service| service.prefix.as_str()),
            service.prefix,
        )?;
        check_prefix(service.prefix)?;
        services.push(Service {
            prefix: service.prefix.to_string(),
            name: service.name.to_string(),
            supports_resource_control_policies: service.supports_rcp,
            parts: ServiceParts::pending(PendingParts {
                condition_keys: service.condition_keys.map(part),
                resource_types: part(service.resource_types),
                actions: part(service.actions),
                arn_services: service.arn_services,
                any_arn_service: service.any_arn_service,
                global_condition_keys: Arc::clone(&global_condition_keys),
            }),
        });
    }
    Ok(catalog(source, services, global_condition_keys))
}

fn catalog(
    source: SourceFile,
    services: Vec<Service>,
    global_condition_keys: Arc<ConditionKeyTable>,
) -> Catalog {
    Catalog {
        source: CatalogSource {
            package: source.package,
            version: source.version,
            updated_at: source.updated_at,
        },
        services,
        global_condition_keys,
        condition_keys: OnceLock::new(),
        services_by_arn_service: OnceLock::new(),
    }
}

/// A service's condition keys, from the text of its `condition_keys` field
/// (`None`: the field is left out).
pub(super) fn parse_condition_keys_part(
    text: Option<&str>,
    global_condition_keys: &ConditionKeyTable,
) -> Result<ConditionKeyTable, CatalogError> {
    let keys: IndexMap<&str, ConditionKeyType> = match text {
        Some(text) => serde_json::from_str(text)?,
        None => IndexMap::new(),
    };
    build_condition_keys(&keys, global_condition_keys)
}

/// A service's resource types, from the text of its `resource_types` field.
pub(super) fn parse_resource_types_part(
    service_prefix: &str,
    text: &str,
    condition_keys: &ConditionKeyTable,
) -> Result<Vec<ResourceType>, CatalogError> {
    let files: Vec<ResourceTypeFile<'_>> = serde_json::from_str(text)?;
    build_resource_types(service_prefix, &files, condition_keys)
}

/// A service's actions, from the text of its `actions` field.
pub(super) fn parse_actions_part(
    service_prefix: &str,
    text: &str,
    resource_types: &[ResourceType],
    condition_keys: &ConditionKeyTable,
) -> Result<Vec<Action>, CatalogError> {
    let files: Vec<ActionFile<'_>> = serde_json::from_str(text)?;
    build_actions(service_prefix, &files, resource_types, condition_keys)
}

fn check_format(format: u32) -> Result<(), CatalogError> {
    if format == SUPPORTED_FORMAT {
        Ok(())
    } else {
        Err(CatalogError::UnsupportedFormat {
            found: format,
            supported: SUPPORTED_FORMAT,
        })
    }
}

fn build_global_condition_keys(
    keys: &[GlobalConditionKeyFile<'_>],
) -> Result<ConditionKeyTable, CatalogError> {
    let mut condition_keys = ConditionKeyTable::default();
    let mut previous_name: Option<&str> = None;
    for key in keys {
        check_condition_key_name(key.name)?;
        check_order("global condition key", previous_name, key.name)?;
        previous_name = Some(key.name);
        condition_keys.insert(ConditionKey::new(
            key.name.into(),
            key.value_type,
            Some(key.category),
        ));
    }
    Ok(condition_keys)
}

/// The catalog-wide table: global keys first, so that their definition
/// wins; then each key from the service whose prefix it carries; then keys
/// services document for other services' prefixes. Within a pass, the first
/// service in prefix order wins. Only `identitystore:UserId` is typed
/// differently by different services, and the global list settles it.
pub(super) fn catalog_condition_keys(
    global_condition_keys: &ConditionKeyTable,
    services: &[Service],
) -> ConditionKeyTable {
    let mut condition_keys = ConditionKeyTable::default();
    for key in global_condition_keys.keys() {
        condition_keys.insert(key.clone());
    }
    for service in services {
        for key in service.condition_keys() {
            if key_prefix(key.name()) == service.prefix {
                condition_keys.insert(key.clone());
            }
        }
    }
    for service in services {
        for key in service.condition_keys() {
            condition_keys.insert(key.clone());
        }
    }
    condition_keys
}

fn check_prefix(prefix: &str) -> Result<(), CatalogError> {
    check_name("service prefix", prefix, b":*? ")?;
    if prefix.bytes().any(|byte| byte.is_ascii_uppercase()) {
        return Err(malformed("service prefix", prefix));
    }
    Ok(())
}

fn build_condition_keys(
    keys: &IndexMap<&str, ConditionKeyType>,
    global_condition_keys: &ConditionKeyTable,
) -> Result<ConditionKeyTable, CatalogError> {
    let mut condition_keys = ConditionKeyTable::default();
    let mut previous_name: Option<&str> = None;
    for (&name, &value_type) in keys {
        check_condition_key_name(name)?;
        check_order("condition key", previous_name, name)?;
        previous_name = Some(name);
        // A global key keeps its category wherever it is listed.
        let global_category = global_condition_keys
            .get_exact(name)
            .and_then(ConditionKey::global_category);
        condition_keys.insert(ConditionKey::new(name.into(), value_type, global_category));
    }
    Ok(condition_keys)
}

fn build_resource_types(
    service_prefix: &str,
    files: &[ResourceTypeFile<'_>],
    condition_keys: &ConditionKeyTable,
) -> Result<Vec<ResourceType>, CatalogError> {
    let mut resource_types: Vec<ResourceType> = Vec::with_capacity(files.len());
    for resource_type_file in files {
        check_order(
            "resource type",
            resource_types
                .last()
                .map(|resource_type| &*resource_type.name),
            resource_type_file.name,
        )?;
        resource_types.push(build_resource_type(
            service_prefix,
            resource_type_file,
            condition_keys,
        )?);
    }
    Ok(resource_types)
}

fn build_actions(
    service_prefix: &str,
    files: &[ActionFile<'_>],
    resource_types: &[ResourceType],
    condition_keys: &ConditionKeyTable,
) -> Result<Vec<Action>, CatalogError> {
    let mut actions: Vec<Action> = Vec::with_capacity(files.len());
    for action_file in files {
        check_order("action", actions.last().map(Action::name), action_file.name)?;
        actions.push(build_action(
            service_prefix,
            action_file,
            resource_types,
            condition_keys,
        )?);
    }
    Ok(actions)
}

fn build_resource_type(
    service_prefix: &str,
    file: &ResourceTypeFile<'_>,
    condition_keys: &ConditionKeyTable,
) -> Result<ResourceType, CatalogError> {
    // Spaces occur (`gameliftstreams` has "stream group"); a `*` would be
    // read as the required marker in an action's list.
    check_name("resource type", file.name, b"*")?;
    if file.arns.is_empty() || file.arns.iter().any(|arn| !arn.starts_with("arn:")) {
        return Err(malformed(
            "ARN template list",
            &format!("{service_prefix}:{}: {:?}", file.name, file.arns),
        ));
    }
    let keys = shared_key_names(&file.condition_keys, condition_keys, || {
        format!("resource type {service_prefix}:{}", file.name)
    })?;
    Ok(ResourceType {
        name: file.name.into(),
        arn_templates: Arc::new(ArnTemplates::new(file.arns.clone())),
        condition_keys: keys,
    })
}

fn build_action(
    service_prefix: &str,
    file: &ActionFile<'_>,
    service_resource_types: &[ResourceType],
    condition_keys: &ConditionKeyTable,
) -> Result<Action, CatalogError> {
    check_name("action name", file.name, b":*? ")?;
    let full_name = format!("{service_prefix}:{}", file.name);

    let mut resource_types = Vec::with_capacity(file.resource_types.len());
    for entry in &file.resource_types {
        let (name, required) = match entry.strip_suffix('*') {
            Some(name) => (name, true),
            None => (*entry, false),
        };
        let defined = find_resource_type(service_resource_types, name).ok_or_else(|| {
            CatalogError::UnknownResourceType {
                action: full_name.clone(),
                resource_type: name.to_string(),
            }
        })?;
        resource_types.push(ActionResourceType {
            name: Arc::clone(&defined.name),
            required,
            condition_keys: Vec::new(),
            arn_templates: Arc::clone(&defined.arn_templates),
        });
    }
    for (&resource_type_name, keys) in &file.resource_condition_keys {
        let resource_type = resource_types
            .iter_mut()
            .find(|resource_type| &*resource_type.name == resource_type_name)
            .ok_or_else(|| CatalogError::UnknownResourceType {
                action: full_name.clone(),
                resource_type: resource_type_name.to_string(),
            })?;
        resource_type.condition_keys = shared_key_names(keys, condition_keys, || {
            format!("action {full_name} on {resource_type_name}")
        })?;
    }
    let keys = shared_key_names(&file.condition_keys, condition_keys, || {
        format!("action {full_name}")
    })?;

    Ok(Action {
        lowercase_full_name: full_name.to_ascii_lowercase(),
        name_start: service_prefix.len() + 1,
        full_name,
        access_level: file.access,
        resource_types,
        condition_keys: keys,
    })
}

/// The service's resource type spelled exactly `name`.
fn find_resource_type<'service>(
    resource_types: &'service [ResourceType],
    name: &str,
) -> Option<&'service ResourceType> {
    // The list is in canonical order (checked while reading it).
    let index = resource_types
        .binary_search_by(|resource_type| compare_ignoring_ascii_case(&resource_type.name, name))
        .ok()?;
    let resource_type = &resource_types[index];
    (&*resource_type.name == name).then_some(resource_type)
}

/// The shared names of the service's condition keys `names`; an error, with
/// `owner()` as the one naming it, for a key the service does not define.
fn shared_key_names(
    names: &[&str],
    defined: &ConditionKeyTable,
    owner: impl Fn() -> String,
) -> Result<Vec<Arc<str>>, CatalogError> {
    names
        .iter()
        .map(|&name| {
            // A service's keys are in canonical order (checked while reading
            // them), so a binary search finds them without allocating.
            defined
                .keys()
                .binary_search_by(|candidate| compare_ignoring_ascii_case(candidate.name(), name))
                .map(|index| Arc::clone(defined.keys()[index].shared_name()))
                .map_err(|_| CatalogError::UnknownConditionKey {
                    owner: owner(),
                    key: name.to_string(),
                })
        })
        .collect()
}

fn check_condition_key_name(name: &str) -> Result<(), CatalogError> {
    // Wildcards would confuse template matching; the prefix is split off at
    // the colon.
    check_name("condition key", name, b"*?")?;
    if !name.contains(':') {
        return Err(malformed("condition key", name));
    }
    Ok(())
}

/// A name must be non-empty ASCII without any of the `forbidden` characters.
fn check_name(kind: &'static str, name: &str, forbidden: &[u8]) -> Result<(), CatalogError> {
    let acceptable = |byte: u8| byte.is_ascii() && !forbidden.contains(&byte);
    if name.is_empty() || !name.bytes().all(acceptable) {
        return Err(malformed(kind, name));
    }
    Ok(())
}

/// Lists are sorted case-insensitively and hold no two names that differ only
/// in case.
fn check_order(kind: &'static str, previous: Option<&str>, name: &str) -> Result<(), CatalogError> {
    let Some(previous) = previous else {
        return Ok(());
    };
    match compare_ignoring_ascii_case(previous, name) {
        Ordering::Less => Ok(()),
        Ordering::Equal => Err(CatalogError::Duplicate {
            kind,
            name: name.to_string(),
        }),
        Ordering::Greater => Err(CatalogError::OutOfOrder {
            kind,
            name: name.to_string(),
        }),
    }
}

fn malformed(kind: &'static str, name: &str) -> CatalogError {
    CatalogError::MalformedName {
        kind,
        name: name.to_string(),
    }
}

/// The part of a condition key before its first colon (`aws`, `s3`).
fn key_prefix(name: &str) -> &str {
    name.split_once(':').map_or(name, |(prefix, _)| prefix)
}
