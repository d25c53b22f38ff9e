//! A concrete request: who (principal), what (action), on which resource,
//! and the request context (condition keys with their values). This is what
//! the reference evaluator decides and what a counterexample is turned into.

pub mod principal;

pub use principal::{PrincipalKind, RequestPrincipal};

use indexmap::IndexMap;

/// The values of one context key. Single-valued keys hold one value.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ContextEntry {
    /// The key as given (case kept for display).
    pub key: String,
    pub values: Vec<String>,
    /// Whether the key was given as a list (a multivalued key).
    pub multivalued: bool,
}

/// Condition keys by lower-case name, in insertion order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RequestContext {
    entries: IndexMap<String, ContextEntry>,
}

impl RequestContext {
    pub fn new() -> Self {
        RequestContext::default()
    }

    /// Sets a key, replacing what it had.
    pub fn set(&mut self, key: &str, values: Vec<String>, multivalued: bool) {
        self.entries.insert(
            key.to_ascii_lowercase(),
            ContextEntry {
                key: key.to_string(),
                values,
                multivalued,
            },
        );
    }

    pub fn set_single(&mut self, key: &str, value: impl Into<String>) {
        self.set(key, vec![value.into()], false);
    }

    pub fn remove(&mut self, key: &str) -> Option<ContextEntry> {
        self.entries.shift_remove(&key.to_ascii_lowercase())
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
            context: RequestContext::new(),
        }
    }
}
