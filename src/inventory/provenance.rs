//! Where each policy of an inventory came from: the file, the line and
//! column, and the JSON path inside the file — inside the string, when the
//! policy was a JSON string (or a URL-encoded one) held by another document.
//! Findings point at a policy through this.
//!
//! Trusts the readers (`ingest/`) to record the place they read the policy
//! from; nothing here reads files.

use crate::policy::json::SourcePosition;
use crate::policy::{PolicyDocument, PolicyKind, SourceLocation};
use std::fmt;
use std::sync::Arc;

/// How the policy text was held in its source document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum PolicyEncoding {
    /// A JSON object in the document (the AWS CLI decodes IAM documents).
    Document,
    /// A string holding the policy's JSON text (`Policy`, `Content`, …).
    JsonString,
    /// A string holding the URL-encoded JSON text, as the IAM API returns
    /// documents (RFC 3986).
    UrlEncodedJsonString,
    /// iamz's bundled copy of an AWS managed policy.
    Bundled,
}

impl PolicyEncoding {
    pub fn name(self) -> &'static str {
        match self {
            PolicyEncoding::Document => "document",
            PolicyEncoding::JsonString => "json-string",
            PolicyEncoding::UrlEncodedJsonString => "url-encoded-json-string",
            PolicyEncoding::Bundled => "bundled",
        }
    }
}

/// Where a policy (or an attachment, or a resource setting) was read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Provenance {
    pub file: Arc<str>,
    /// Where the value starts: the object's `{`, or the string's opening
    /// quote when the policy is held as a string.
    pub position: SourcePosition,
    /// The JSON path of the value in its file (`RoleDetailList[3].RolePolicyList[0].PolicyDocument`).
    pub json_path: String,
    pub encoding: PolicyEncoding,
}

impl Provenance {
    pub fn location(&self) -> SourceLocation {
        SourceLocation {
            file: self.file.to_string(),
            position: self.position,
            json_path: self.json_path.clone(),
        }
    }
}

impl fmt::Display for Provenance {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(formatter, "{}", self.location())
    }
}

/// A policy of the inventory: its document, kind and provenance.
#[derive(Debug, Clone)]
pub struct InventoryPolicy {
    /// The name IAM or the service gives it (`PolicyName`, the SCP's name,
    /// `default` for a key policy); the document's own `name` is the label
    /// explanations use (`role/Deploy/ReadLogs`, a managed policy's ARN).
    pub name: String,
    pub kind: PolicyKind,
    pub document: Arc<PolicyDocument>,
    pub provenance: Provenance,
}

/// Moves every position a document keeps (statements, conditions) through
/// `relocate`: used when a policy was parsed from text that sits elsewhere
/// in its file (a string, a line of the bundle), so explanations point at
/// the file.
pub fn relocate_document(
    document: &mut PolicyDocument,
    relocate: &dyn Fn(SourcePosition) -> SourcePosition,
) {
    for statement in &mut document.statements {
        statement.position = relocate(statement.position);
        for condition in &mut statement.conditions {
            condition.position = relocate(condition.position);
        }
    }
}

/// Moves the location of a diagnostic through `relocate`, and prefixes its
/// JSON path with the path of the string that held the policy
/// (`Policy>Statement[0].Effect`: `>` steps into the string).
pub fn relocate_diagnostic(
    diagnostic: &mut crate::policy::Diagnostic,
    outer_path: &str,
    relocate: &dyn Fn(SourcePosition) -> SourcePosition,
) {
    diagnostic.location.position = relocate(diagnostic.location.position);
    diagnostic.location.json_path = embedded_path(outer_path, &diagnostic.location.json_path);
}

/// `outer>inner`: the JSON path `inner` inside the policy held as a string
/// at `outer`.
pub fn embedded_path(outer: &str, inner: &str) -> String {
    match (outer.is_empty(), inner.is_empty()) {
        (_, true) => outer.to_string(),
        (true, false) => format!(">{inner}"),
        (false, false) => format!("{outer}>{inner}"),
    }
}
