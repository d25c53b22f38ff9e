//! The catalog compiled into the binary, loaded part by part.
//!
//! `build.rs` indexes `encodings/catalog/catalog.json` when the crate is
//! built: where each service's condition keys, resource types and actions sit
//! in the text, with each service's prefix, name and RCP flag, and which
//! services its ARN templates name. So the first
//! `Catalog::get` reads only the header and the global keys and makes one
//! empty shell per service; a service's parts are parsed (and checked, by the
//! same code as a whole-file load) the first time something asks for them.
//! A command that looks at S3 alone never touches the other 455 services.
//!
//! Trusts: that the index was made from this text (`build.rs` and
//! `include_str!` read the same file in the same build; the text's length is
//! compared as a guard, and a mismatch falls back to a whole-file load).
//! Nothing else: each part is parsed by serde_json and checked by `load.rs`;
//! a bad part panics when first used, and the catalog tests force every part
//! so that bad data fails CI.

use super::error::CatalogError;
use super::{load, Catalog};

/// A byte range of the embedded text: start, end.
pub(super) type Span = (usize, usize);

/// Where the parts of `catalog.json` are, as `build.rs` found them.
#[derive(Debug)]
pub(super) struct EmbeddedIndex {
    /// The length of the text indexed.
    pub text_length: usize,
    pub format: Span,
    pub source: Span,
    pub global_condition_keys: Span,
    /// In file order (the loader checks that this is prefix order).
    pub services: &'static [EmbeddedService],
}

/// One service of the index.
#[derive(Debug)]
pub(super) struct EmbeddedService {
    /// Exactly as the file spells it (the loader checks it).
    pub prefix: &'static str,
    /// JSON escapes decoded.
    pub name: &'static str,
    pub supports_rcp: bool,
    /// `None` when the file leaves the field out (no keys).
    pub condition_keys: Option<Span>,
    pub resource_types: Span,
    pub actions: Span,
    /// The service fields its resource types' ARN templates spell out
    /// (`iam` in `arn:${Partition}:iam::${Account}:role/…`), sorted.
    pub arn_services: &'static [&'static str],
    /// Whether one of those templates has a placeholder or wildcard for its
    /// service field (`arn:${Partition}:${Vendor}:…`).
    pub any_arn_service: bool,
}

include!(concat!(env!("OUT_DIR"), "/catalog_index.rs"));

/// Loads the embedded `text`: part by part when the build indexed it, whole
/// otherwise.
pub(super) fn load(text: &'static str) -> Result<Catalog, CatalogError> {
    match &EMBEDDED_INDEX {
        Some(index) if index.text_length == text.len() => load::index_catalog(text, index),
        _ => load::parse_catalog(text),
    }
}

/// Whether the build indexed the embedded text (for the tests).
#[cfg(test)]
pub(super) fn is_indexed(text: &str) -> bool {
    matches!(&EMBEDDED_INDEX, Some(index) if index.text_length == text.len())
}
