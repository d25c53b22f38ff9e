//! What an inventory reader could use only in part, or not at all, without
//! the input being wrong: unknown files, missing pieces, AWS managed policies
//! iamz has no copy of, pages that say more follow. Each names where.
//!
//! Trusts nothing: a warning is only a message with a place.

use crate::policy::json::SourcePosition;
use crate::policy::Diagnostic;
use std::fmt;

/// A located warning. `position` is absent when the warning is about a
/// whole file (or a file that is missing).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct InventoryWarning {
    /// A stable identifier for tools (`unknown-file`, `missing-file`,
    /// `unknown-aws-managed-policy`, …).
    pub code: &'static str,
    pub file: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<usize>,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub json_path: String,
    pub message: String,
}

impl InventoryWarning {
    /// A warning about a whole file or folder.
    pub fn about_file(code: &'static str, file: &str, message: impl Into<String>) -> Self {
        InventoryWarning {
            code,
            file: file.to_string(),
            line: None,
            column: None,
            json_path: String::new(),
            message: message.into(),
        }
    }

    /// A warning about a place in a file.
    pub fn at(
        code: &'static str,
        file: &str,
        position: SourcePosition,
        json_path: &str,
        message: impl Into<String>,
    ) -> Self {
        InventoryWarning {
            code,
            file: file.to_string(),
            line: Some(position.line),
            column: Some(position.column),
            json_path: json_path.to_string(),
            message: message.into(),
        }
    }

    /// The sort key that makes warning lists deterministic: file, then
    /// place, then code and message.
    pub fn sort_key(&self) -> (&str, usize, usize, &str, &str) {
        (
            &self.file,
            self.line.unwrap_or(0),
            self.column.unwrap_or(0),
            self.code,
            &self.message,
        )
    }
}

impl From<Diagnostic> for InventoryWarning {
    fn from(diagnostic: Diagnostic) -> Self {
        InventoryWarning::at(
            diagnostic.code,
            &diagnostic.location.file,
            diagnostic.location.position,
            &diagnostic.location.json_path,
            diagnostic.message,
        )
    }
}

impl fmt::Display for InventoryWarning {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(formatter, "{}", self.file)?;
        if let (Some(line), Some(column)) = (self.line, self.column) {
            write!(formatter, ":{line}:{column}")?;
        }
        if !self.json_path.is_empty() {
            write!(formatter, ": {}", self.json_path)?;
        }
        write!(formatter, ": {} [{}]", self.message, self.code)
    }
}
