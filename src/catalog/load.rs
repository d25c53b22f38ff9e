//! Turning catalog JSON into a `Catalog`, checking everything lookups rely on.
//!
//! Trusts nothing in the text: names are checked for the characters that
//! would break lookups and wildcard matching, lists for canonical order (the
//! lookups binary-search them) and uniqueness, and every resource type and
//! condition key an action or resource type names must be defined by its
//! service. What the data says about AWS (which action has which access level,
//! which key has which type) is taken as given.

use std::cmp::Ordering;

use super::action::{Action, ActionResourceType};
use super::condition_key::{ConditionKey, ConditionKeyTable};
use super::error::CatalogError;
use super::file_format::{
    ActionFile, CatalogFile, FormatOnly, ResourceTypeFile, ServiceFile, SUPPORTED_FORMAT,
};
use super::service::{compare_ignoring_ascii_case, ResourceType, Service};
use super::{Catalog, CatalogSource};

/// Parses and checks catalog JSON.
pub(super) fn parse_catalog(text: &str) -> Result<Catalog, CatalogError> {
    let file: CatalogFile = match serde_json::from_str(text) {
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
    build_catalog(file)
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

fn build_catalog(file: CatalogFile) -> Result<Catalog, CatalogError> {
    let mut condition_keys = ConditionKeyTable::default();
    let mut previous_name: Option<String> = None;
    for key in file.global_condition_keys {
        check_condition_key_name(&key.name)?;
        check_order("global condition key", previous_name.as_deref(), &key.name)?;
        previous_name = Some(key.name.clone());
        condition_keys.insert(ConditionKey::new(
            key.name,
            key.value_type,
            Some(key.category),
        ));
    }
    let global_condition_key_count = condition_keys.keys().len();

    let mut services: Vec<Service> = Vec::with_capacity(file.services.len());
    for service_file in file.services {
        check_order(
            "service",
            services.last().map(|service| service.prefix.as_str()),
            &service_file.prefix,
        )?;
        services.push(build_service(service_file, &condition_keys)?);
    }

    // The catalog-wide table: global keys first, so that their definition
    // wins; then each key from the service whose prefix it carries; then keys
    // services document for other services' prefixes. Within a pass, the
    // first service in prefix order wins. Only `identitystore:UserId` is
    // typed differently by different services, and the global list settles it.
    for service in &services {
        for key in service.condition_keys.keys() {
            if key_prefix(key.name()) == service.prefix {
                condition_keys.insert(key.clone());
            }
        }
    }
    for service in &services {
        for key in service.condition_keys.keys() {
            condition_keys.insert(key.clone());
        }
    }

    Ok(Catalog {
        source: CatalogSource {
            package: file.source.package,
            version: file.source.version,
            updated_at: file.source.updated_at,
        },
        services,
        condition_keys,
        global_condition_key_count,
    })
}

fn build_service(
    file: ServiceFile,
    global_condition_keys: &ConditionKeyTable,
) -> Result<Service, CatalogError> {
    check_name("service prefix", &file.prefix, &[':', '*', '?', ' '])?;
    if file.prefix != file.prefix.to_ascii_lowercase() {
        return Err(malformed("service prefix", &file.prefix));
    }

    let mut condition_keys = ConditionKeyTable::default();
    let mut previous_name: Option<&str> = None;
    for (name, value_type) in &file.condition_keys {
        check_condition_key_name(name)?;
        check_order("condition key", previous_name, name)?;
        previous_name = Some(name);
        // A global key keeps its category wherever it is listed.
        let global_category = global_condition_keys
            .get_exact(name)
            .and_then(ConditionKey::global_category);
        condition_keys.insert(ConditionKey::new(
            name.clone(),
            *value_type,
            global_category,
        ));
    }

    let mut resource_types: Vec<ResourceType> = Vec::with_capacity(file.resource_types.len());
    for resource_type_file in file.resource_types {
        check_order(
            "resource type",
            resource_types
                .last()
                .map(|resource_type| resource_type.name.as_str()),
            &resource_type_file.name,
        )?;
        resource_types.push(build_resource_type(
            &file.prefix,
            resource_type_file,
            &condition_keys,
        )?);
    }

    let mut actions: Vec<Action> = Vec::with_capacity(file.actions.len());
    for action_file in file.actions {
        check_order(
            "action",
            actions.last().map(Action::name),
            &action_file.name,
        )?;
        actions.push(build_action(
            &file.prefix,
            action_file,
            &resource_types,
            &condition_keys,
        )?);
    }

    Ok(Service {
        prefix: file.prefix,
        name: file.name,
        supports_resource_control_policies: file.supports_rcp,
        condition_keys,
        resource_types,
        actions,
    })
}

fn build_resource_type(
    service_prefix: &str,
    file: ResourceTypeFile,
    condition_keys: &ConditionKeyTable,
) -> Result<ResourceType, CatalogError> {
    // Spaces occur (`gameliftstreams` has "stream group"); a `*` would be
    // read as the required marker in an action's list.
    check_name("resource type", &file.name, &['*'])?;
    if file.arns.is_empty() || file.arns.iter().any(|arn| !arn.starts_with("arn:")) {
        return Err(malformed(
            "ARN template list",
            &format!("{service_prefix}:{}: {:?}", file.name, file.arns),
        ));
    }
    let owner = format!("resource type {service_prefix}:{}", file.name);
    check_keys_defined(&owner, &file.condition_keys, condition_keys)?;
    Ok(ResourceType {
        name: file.name,
        arn_templates: file.arns,
        condition_keys: file.condition_keys,
    })
}

fn build_action(
    service_prefix: &str,
    file: ActionFile,
    service_resource_types: &[ResourceType],
    condition_keys: &ConditionKeyTable,
) -> Result<Action, CatalogError> {
    check_name("action name", &file.name, &[':', '*', '?', ' '])?;
    let full_name = format!("{service_prefix}:{}", file.name);
    check_keys_defined(
        &format!("action {full_name}"),
        &file.condition_keys,
        condition_keys,
    )?;

    let mut resource_types = Vec::with_capacity(file.resource_types.len());
    for entry in &file.resource_types {
        let (name, required) = match entry.strip_suffix('*') {
            Some(name) => (name, true),
            None => (entry.as_str(), false),
        };
        // Sorted and checked already; exact spelling required, as the
        // script writes the defined name.
        let defined = service_resource_types
            .binary_search_by(|resource_type| {
                compare_ignoring_ascii_case(&resource_type.name, name)
            })
            .is_ok_and(|index| service_resource_types[index].name == name);
        if !defined {
            return Err(CatalogError::UnknownResourceType {
                action: full_name,
                resource_type: name.to_string(),
            });
        }
        resource_types.push(ActionResourceType {
            name: name.to_string(),
            required,
            condition_keys: Vec::new(),
        });
    }
    for (resource_type_name, keys) in file.resource_condition_keys {
        let owner = format!("action {full_name} on {resource_type_name}");
        check_keys_defined(&owner, &keys, condition_keys)?;
        match resource_types
            .iter_mut()
            .find(|resource_type| resource_type.name == resource_type_name)
        {
            Some(resource_type) => resource_type.condition_keys = keys,
            None => {
                return Err(CatalogError::UnknownResourceType {
                    action: full_name,
                    resource_type: resource_type_name,
                })
            }
        }
    }

    Ok(Action {
        lowercase_full_name: full_name.to_ascii_lowercase(),
        name_start: service_prefix.len() + 1,
        full_name,
        access_level: file.access,
        resource_types,
        condition_keys: file.condition_keys,
    })
}

fn check_keys_defined(
    owner: &str,
    keys: &[String],
    defined: &ConditionKeyTable,
) -> Result<(), CatalogError> {
    // A service's keys are in canonical order (checked while reading them), so
    // a binary search answers without allocating a lower-case copy: this runs
    // for some 100,000 key references.
    let is_defined = |key: &String| {
        defined
            .keys()
            .binary_search_by(|candidate| compare_ignoring_ascii_case(candidate.name(), key))
            .is_ok()
    };
    match keys.iter().find(|key| !is_defined(key)) {
        Some(key) => Err(CatalogError::UnknownConditionKey {
            owner: owner.to_string(),
            key: key.clone(),
        }),
        None => Ok(()),
    }
}

fn check_condition_key_name(name: &str) -> Result<(), CatalogError> {
    // Wildcards would confuse template matching; the prefix is split off at
    // the colon.
    check_name("condition key", name, &['*', '?'])?;
    if !name.contains(':') {
        return Err(malformed("condition key", name));
    }
    Ok(())
}

fn check_name(kind: &'static str, name: &str, forbidden: &[char]) -> Result<(), CatalogError> {
    if name.is_empty() || !name.is_ascii() || name.contains(forbidden) {
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
