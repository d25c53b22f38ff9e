//! A concrete request: who (principal), what (action), on which resource,
//! and the request context (condition keys with their values). This is what
//! the reference evaluator decides and what a counterexample is turned into.

pub mod principal;

pub use principal::{PrincipalKind, RequestPrincipal};

use indexmap::IndexMap;
use std::borrow::Cow;

/// The values of one context key. Single-valued keys hold one value.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ContextEntry {
    /// The key as given (case kept for display). Keys AWS derives have
    /// fixed names, borrowed rather than allocated per request.
    pub key: Cow<'static, str>,
    pub values: Vec<String>,
    /// Whether the key was given as a list (a multivalued key).
    pub multivalued: bool,
}

/// Condition keys by lower-case name, in insertion order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RequestContext {
    /// Hashed with FxHash: keys are short, and a context is built for
    /// every request decided.
    entries: IndexMap<Cow<'static, str>, ContextEntry, rustc_hash::FxBuildHasher>,
}

impl RequestContext {
    pub fn new() -> Self {
        RequestContext::default()
    }

    pub fn with_capacity(keys: usize) -> Self {
        RequestContext {
            entries: IndexMap::with_capacity_and_hasher(keys, Default::default()),
        }
    }

    /// Sets a key, replacing what it had.
    pub fn set(&mut self, key: &str, values: Vec<String>, multivalued: bool) {
        self.entries.insert(
            Cow::Owned(key.to_ascii_lowercase()),
            ContextEntry {
                key: Cow::Owned(key.to_string()),
                values,
                multivalued,
            },
        );
    }

    /// [`RequestContext::set`] with the key's lower-case name already made.
    pub fn set_lowercase(
        &mut self,
        key_lowercase: Cow<'static, str>,
        key: Cow<'static, str>,
        values: Vec<String>,
        multivalued: bool,
    ) {
        debug_assert_eq!(key.to_ascii_lowercase(), key_lowercase);
        self.entries.insert(
            key_lowercase,
            ContextEntry {
                key,
                values,
                multivalued,
            },
        );
    }

    pub fn set_single(&mut self, key: &str, value: impl Into<String>) {
        self.set(key, vec![value.into()], false);
    }

    pub fn remove(&mut self, key: &str) -> Option<ContextEntry> {
        self.entries.shift_remove(key.to_ascii_lowercase().as_str())
    }

    /// The entry of a key, by lower-case name.
    pub fn get(&self, key_lowercase: &str) -> Option<&ContextEntry> {
        self.entries.get(key_lowercase)
    }

    /// The first value of a key (what a policy variable substitutes).
    pub fn first_value(&self, key_lowercase: &str) -> Option<&str> {
        self.entries
            .get(key_lowercase)
            .and_then(|entry| entry.values.first())
            .map(String::as_str)
    }

    pub fn entries(&self) -> impl Iterator<Item = &ContextEntry> {
        self.entries.values()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

/// A fully concrete request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConcreteRequest {
    pub principal: RequestPrincipal,
    /// `service:Name` as given.
    pub action: String,
    /// Lower case, for matching.
    pub action_lowercase: String,
    pub resource: String,
    /// The account owning the resource, when known.
    pub resource_account: Option<String>,
    pub context: RequestContext,
}

impl ConcreteRequest {
    pub fn new(principal: RequestPrincipal, action: &str, resource: &str) -> Self {
        ConcreteRequest {
            principal,
            action: action.to_string(),
            action_lowercase: action.to_ascii_lowercase(),
            resource: resource.to_string(),
            resource_account: None,
            // Room for what a request gives and AWS derives, so that
            // filling it does not grow the map again and again.
            context: RequestContext::with_capacity(16),
        }
    }
}
