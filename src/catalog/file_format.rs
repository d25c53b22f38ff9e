//! The layout of `encodings/catalog/catalog.json`, field for field, as
//! `scripts/update-catalog` writes it (`encodings/catalog/SOURCE.md`
//! describes it in prose).
//!
//! Trusts nothing: these types only say what shape the JSON must have.
//! Unknown fields are refused so that a layout change cannot be half-read;
//! `load.rs` checks the content.
//!
//! Names borrow from the JSON text instead of being copied: parsing the
//! catalog allocates far less that way (see `Catalog::get`). So names
//! must be written without JSON escapes, which the script guarantees by
//! keeping them ASCII without quotes or backslashes; a name with an escape is
//! a parse error. Service names and ARN templates are copied and may hold
//! escapes.

use indexmap::IndexMap;
use serde::Deserialize;

use super::action::AccessLevel;
use super::condition_key::{ConditionKeyType, GlobalKeyCategory};

/// The layout version this build reads; `scripts/update-catalog` writes the
/// same number (`CATALOG_FORMAT`).
pub(super) const SUPPORTED_FORMAT: u32 = 1;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct CatalogFile<'a> {
    pub format: u32,
    pub source: SourceFile,
    #[serde(borrow)]
    pub global_condition_keys: Vec<GlobalConditionKeyFile<'a>>,
    #[serde(borrow)]
    pub services: Vec<ServiceFile<'a>>,
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
pub(super) struct GlobalConditionKeyFile<'a> {
    pub name: &'a str,
    #[serde(rename = "type")]
    pub value_type: ConditionKeyType,
    pub category: GlobalKeyCategory,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct ServiceFile<'a> {
    pub prefix: &'a str,
    pub name: String,
    pub supports_rcp: bool,
    /// Key name → type, in file order.
    #[serde(default, borrow)]
    pub condition_keys: IndexMap<&'a str, ConditionKeyType>,
    #[serde(borrow)]
    pub resource_types: Vec<ResourceTypeFile<'a>>,
    #[serde(borrow)]
    pub actions: Vec<ActionFile<'a>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct ResourceTypeFile<'a> {
    pub name: &'a str,
    pub arns: Vec<String>,
    #[serde(default, borrow)]
    pub condition_keys: Vec<&'a str>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct ActionFile<'a> {
    pub name: &'a str,
    pub access: AccessLevel,
    /// Resource type names; a trailing `*` marks a required one.
    #[serde(default, borrow)]
    pub resource_types: Vec<&'a str>,
    /// Resource type name → keys that apply when the action targets it.
    #[serde(default, borrow)]
    pub resource_condition_keys: IndexMap<&'a str, Vec<&'a str>>,
    #[serde(default, borrow)]
    pub condition_keys: Vec<&'a str>,
}
