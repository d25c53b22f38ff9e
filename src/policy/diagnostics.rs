//! Located messages about policy text: errors that stop parsing and warnings
//! about legal but suspicious input. Each names the file, the line and column,
//! and the JSON path (`Statement[2].Condition.StringLike`).

use super::json::SourcePosition;
use std::fmt;

/// Where in which file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceLocation {
    pub file: String,
    pub position: SourcePosition,
    /// Empty for the document itself.
    pub json_path: String,
}

impl fmt::Display for SourceLocation {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            formatter,
            "{}:{}:{}",
            self.file, self.position.line, self.position.column
        )?;
        if !self.json_path.is_empty() {
            write!(formatter, ": {}", self.json_path)?;
        }
        Ok(())
    }
}

/// A message tied to a place in a policy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub location: SourceLocation,
    /// A stable identifier for tools (`duplicate-key`, `unknown-element`, …).
    pub code: &'static str,
    pub message: String,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(formatter, "{}: {}", self.location, self.message)
    }
}

impl Diagnostic {
    /// A JSON syntax error of `file`, located.
    pub fn invalid_json(file: &str, error: &super::json::JsonSyntaxError) -> Diagnostic {
        Diagnostic {
            location: SourceLocation {
                file: file.to_string(),
                position: error.position,
                json_path: String::new(),
            },
            code: "invalid-json",
            message: format!("invalid JSON: {}", error.message),
        }
    }
}

/// Why a policy could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PolicyError {
    #[error("{0}")]
    InvalidJson(Diagnostic),
    #[error("{0}")]
    InvalidPolicy(Diagnostic),
    #[error("{file}: the policy is {size} bytes, over the {limit}-byte limit of iamz")]
    TooLarge {
        file: String,
        size: usize,
        limit: usize,
    },
}

impl PolicyError {
    /// The diagnostic behind the error, when it has a location.
    pub fn diagnostic(&self) -> Option<&Diagnostic> {
        match self {
            PolicyError::InvalidJson(diagnostic) | PolicyError::InvalidPolicy(diagnostic) => {
                Some(diagnostic)
            }
            PolicyError::TooLarge { .. } => None,
        }
    }
}
