//! The layout of `encodings/catalog/catalog.json`, field for field, as
//! `scripts/update-catalog` writes it (`encodings/catalog/SOURCE.md`
//! describes it in prose).
//!
//! Trusts nothing: these types only say what shape the JSON must have.
//! Unknown fields are refused so that a layout change cannot be half-read;
//! `load.rs` checks the content.

use indexmap::IndexMap;
use serde::Deserialize;

use super::action::AccessLevel;
use super::condition_key::{ConditionKeyType, GlobalKeyCategory};

/// The layout version this build reads; `scripts/update-catalog` writes the
/// same number (`CATALOG_FORMAT`).
pub(super) const SUPPORTED_FORMAT: u32 = 1;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct CatalogFile {
    pub format: u32,
    pub source: SourceFile,
    pub global_condition_keys: Vec<GlobalConditionKeyFile>,
    pub services: Vec<ServiceFile>,
}

/// Only the `format` field, read first so that a file of another layout gets
/// a clear error instead of a confusing one about its fields.
#[derive(Debug, Deserialize)]
pub(super) struct FormatOnly {
    pub format: u32,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct SourceFile {
    pub package: String,
    pub version: String,
    pub updated_at: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct GlobalConditionKeyFile {
    pub name: String,
    #[serde(rename = "type")]
    pub value_type: ConditionKeyType,
    pub category: GlobalKeyCategory,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct ServiceFile {
    pub prefix: String,
    pub name: String,
    pub supports_rcp: bool,
    /// Key name → type, in file order.
    #[serde(default)]
    pub condition_keys: IndexMap<String, ConditionKeyType>,
    pub resource_types: Vec<ResourceTypeFile>,
    pub actions: Vec<ActionFile>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct ResourceTypeFile {
    pub name: String,
    pub arns: Vec<String>,
    #[serde(default)]
    pub condition_keys: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct ActionFile {
    pub name: String,
    pub access: AccessLevel,
    /// Resource type names; a trailing `*` marks a required one.
    #[serde(default)]
    pub resource_types: Vec<String>,
    /// Resource type name → keys that apply when the action targets it.
    #[serde(default)]
    pub resource_condition_keys: IndexMap<String, Vec<String>>,
    #[serde(default)]
    pub condition_keys: Vec<String>,
}
