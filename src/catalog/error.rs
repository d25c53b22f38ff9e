//! Why a catalog could not be loaded.
//!
//! The catalog is data, so every problem with it is an error value, never a
//! panic: the loader in `load.rs` returns these for any text it is given. Only
//! `Catalog::get`, which loads the copy compiled into the binary, turns an
//! error into a panic, because that copy is checked by the catalog tests.

use thiserror::Error;

/// A catalog file that cannot be used, and why.
#[derive(Debug, Error)]
pub enum CatalogError {
    /// The text is not JSON, or not JSON of the shape `catalog.json` has
    /// (a missing or unknown field, an unknown access level or key type).
    #[error("the catalog is not valid catalog JSON: {0}")]
    Json(#[from] serde_json::Error),

    /// The file was written for another layout than this build reads.
    #[error("catalog format {found} is not supported (this build reads format {supported})")]
    UnsupportedFormat { found: u32, supported: u32 },

    /// A service prefix, action name, resource type name or condition key
    /// name that cannot be what it claims to be (empty, non-ASCII, or holding
    /// a character that would break lookups such as `:` or a wildcard).
    #[error("malformed {kind} {name:?}")]
    MalformedName { kind: &'static str, name: String },

    /// Two entries that must be distinct compare equal ignoring case.
    #[error("{kind} {name:?} is listed twice")]
    Duplicate { kind: &'static str, name: String },

    /// Entries are not in canonical order. Lookups search sorted lists, so the
    /// order is part of the format (scripts/update-catalog writes it so).
    #[error("{kind} {name:?} is out of order (lists must be sorted case-insensitively)")]
    OutOfOrder { kind: &'static str, name: String },

    /// An action names a resource type its service does not define.
    #[error(
        "action {action} names resource type {resource_type:?}, which its service does not define"
    )]
    UnknownResourceType {
        action: String,
        resource_type: String,
    },

    /// An action or resource type names a condition key its service does not
    /// define.
    #[error("{owner} names condition key {key:?}, which its service does not define")]
    UnknownConditionKey { owner: String, key: String },
}
