//! Reading the project's JSON input files (scenarios, organizations,
//! requests) with located errors: file, line:column and JSON path.
//!
//! Trusts `policy::json` for syntax; adds typed accessors that say what was
//! expected where.

use crate::policy::json::{parse_json, JsonKey, JsonNode, JsonValue, SourcePosition};
use crate::policy::{Diagnostic, PolicyError, SourceLocation};
use std::path::{Path, PathBuf};

/// The largest input file read (policies have their own lower limit).
pub const MAX_INPUT_BYTES: usize = 16 << 20;

/// Why an input file could not be used.
#[derive(Debug, thiserror::Error)]
pub enum InputError {
    #[error("{file}: cannot read: {reason}")]
    Unreadable { file: String, reason: String },
    #[error("{0}")]
    Invalid(Diagnostic),
    #[error(transparent)]
    Policy(#[from] PolicyError),
    #[error("{file}: {size} bytes is over the {limit}-byte input limit")]
    TooLarge {
        file: String,
        size: u64,
        limit: usize,
    },
}

impl InputError {
    pub fn invalid(
        file: &str,
        position: SourcePosition,
        json_path: &str,
        message: impl Into<String>,
    ) -> InputError {
        InputError::Invalid(Diagnostic {
            location: SourceLocation {
                file: file.to_string(),
                position,
                json_path: json_path.to_string(),
            },
            code: "invalid-input",
            message: message.into(),
        })
    }
}

/// Reads a text file, refusing files over the input limit.
pub fn read_text(path: &Path) -> Result<String, InputError> {
    let file = path.display().to_string();
    let metadata = std::fs::metadata(path).map_err(|error| InputError::Unreadable {
        file: file.clone(),
        reason: error.to_string(),
    })?;
    if metadata.len() > MAX_INPUT_BYTES as u64 {
        return Err(InputError::TooLarge {
            file,
            size: metadata.len(),
            limit: MAX_INPUT_BYTES,
        });
    }
    std::fs::read_to_string(path).map_err(|error| InputError::Unreadable {
        file,
        reason: error.to_string(),
    })
}

/// A JSON document being read, with its file name for messages.
pub struct JsonSource {
    pub file: String,
    pub directory: PathBuf,
    pub root: JsonNode,
}

impl JsonSource {
    pub fn load(path: &Path) -> Result<JsonSource, InputError> {
        let text = read_text(path)?;
        JsonSource::from_text(
            &text,
            &path.display().to_string(),
            path.parent().unwrap_or(Path::new(".")),
        )
    }

    pub fn from_text(text: &str, file: &str, directory: &Path) -> Result<JsonSource, InputError> {
        let root = parse_json(text)
            .map_err(|error| InputError::Invalid(Diagnostic::invalid_json(file, &error)))?;
        Ok(JsonSource {
            file: file.to_string(),
            directory: directory.to_path_buf(),
            root,
        })
    }

    pub fn error(&self, node: &JsonNode, path: &str, message: impl Into<String>) -> InputError {
        InputError::invalid(&self.file, node.position, path, message)
    }

    /// The members of an object, refusing duplicates and unknown keys.
    pub fn object<'n>(
        &self,
        node: &'n JsonNode,
        path: &str,
        allowed: &[&str],
    ) -> Result<&'n [(JsonKey, JsonNode)], InputError> {
        let JsonValue::Object(members) = &node.value else {
            return Err(self.error(
                node,
                path,
                format!("expected an object, found {}", node.value.kind_name()),
            ));
        };
        let mut seen = std::collections::HashSet::new();
        for (key, _) in members {
            let key_path = join_path(path, &key.text);
            if !seen.insert(key.text.as_str()) {
                return Err(InputError::invalid(
                    &self.file,
                    key.position,
                    &key_path,
                    format!("duplicate key `{}`", key.text),
                ));
            }
            if !allowed.is_empty() && !allowed.contains(&key.text.as_str()) {
                return Err(InputError::invalid(
                    &self.file,
                    key.position,
                    &key_path,
                    format!(
                        "unknown field `{}`; expected one of: {}",
                        key.text,
                        allowed.join(", ")
                    ),
                ));
            }
        }
        Ok(members)
    }

    pub fn string<'n>(&self, node: &'n JsonNode, path: &str) -> Result<&'n str, InputError> {
        string_value(&self.file, node, path)
    }

    /// A string, number or boolean as text (context values).
    pub fn scalar_text(&self, node: &JsonNode, path: &str) -> Result<String, InputError> {
        match &node.value {
            JsonValue::String(text) | JsonValue::Number(text) => Ok(text.clone()),
            JsonValue::Bool(value) => Ok(value.to_string()),
            other => Err(self.error(
                node,
                path,
                format!(
                    "expected a string, number or boolean, found {}",
                    other.kind_name()
                ),
            )),
        }
    }

    pub fn string_list(&self, node: &JsonNode, path: &str) -> Result<Vec<String>, InputError> {
        match &node.value {
            JsonValue::String(text) => Ok(vec![text.clone()]),
            JsonValue::Array(items) => items
                .iter()
                .enumerate()
                .map(|(index, item)| {
                    self.string(item, &format!("{path}[{index}]"))
                        .map(str::to_string)
                })
                .collect(),
            other => Err(self.error(
                node,
                path,
                format!(
                    "expected a string or an array of strings, found {}",
                    other.kind_name()
                ),
            )),
        }
    }

    pub fn bool(&self, node: &JsonNode, path: &str) -> Result<bool, InputError> {
        bool_value(&self.file, node, path)
    }

    /// Resolves a path written in this file (relative to its folder).
    pub fn resolve(&self, relative: &str) -> PathBuf {
        self.directory.join(relative)
    }
}

/// `parent.key`, or `key` at the top.
/// A node that must be a string, read from `file`: the one reading of a
/// string value for every reader of located JSON.
pub fn string_value<'n>(file: &str, node: &'n JsonNode, path: &str) -> Result<&'n str, InputError> {
    match &node.value {
        JsonValue::String(text) => Ok(text),
        other => Err(InputError::invalid(
            file,
            node.position,
            path,
            format!("expected a string, found {}", other.kind_name()),
        )),
    }
}

/// A node that must be `true` or `false`, read from `file`.
pub fn bool_value(file: &str, node: &JsonNode, path: &str) -> Result<bool, InputError> {
    match &node.value {
        JsonValue::Bool(value) => Ok(*value),
        other => Err(InputError::invalid(
            file,
            node.position,
            path,
            format!("expected true or false, found {}", other.kind_name()),
        )),
    }
}

pub fn join_path(parent: &str, key: &str) -> String {
    if parent.is_empty() {
        key.to_string()
    } else {
        format!("{parent}.{key}")
    }
}

/// Finds a member by key.
pub fn member<'n>(members: &'n [(JsonKey, JsonNode)], key: &str) -> Option<&'n JsonNode> {
    members
        .iter()
        .find(|(member_key, _)| member_key.text == key)
        .map(|(_, value)| value)
        .filter(|value| value.value != JsonValue::Null)
}
