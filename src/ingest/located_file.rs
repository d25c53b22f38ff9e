//! A JSON file of collected output, parsed with every node located, and
//! kept with its text so that a policy held as a string inside it can be
//! located too (`embedded_policy.rs`).
//!
//! Unlike `source::JsonSource` (iamz's own formats, where an unknown field
//! is a mistake), fields this reader does not use are accepted: AWS adds
//! fields to its output over time. Duplicate keys are refused, since which
//! one AWS meant is unknowable.
//!
//! Trusts `policy::json` for syntax and positions, and `source::read_text`
//! for the size limit.

use crate::inventory::{PolicyEncoding, Provenance};
use crate::policy::json::{parse_json, JsonKey, JsonNode, JsonValue, SourcePosition};
use crate::policy::Diagnostic;
use crate::source::{bool_value, join_path, read_text, string_value, InputError};
use std::path::Path;
use std::sync::Arc;

pub struct LocatedFile {
    /// The file as messages name it.
    pub file: Arc<str>,
    text: String,
    /// Byte offset of each line's start.
    line_starts: Vec<usize>,
    pub root: JsonNode,
}

impl LocatedFile {
    /// Reads and parses a file, refusing one over the input limit.
    pub fn read(path: &Path) -> Result<LocatedFile, InputError> {
        let text = read_text(path)?;
        LocatedFile::from_text(text, &path.display().to_string())
    }

    pub fn from_text(text: String, file: &str) -> Result<LocatedFile, InputError> {
        let root = parse_json(&text)
            .map_err(|error| InputError::Invalid(Diagnostic::invalid_json(file, &error)))?;
        let mut line_starts = vec![0];
        line_starts.extend(text.match_indices('\n').map(|(offset, _)| offset + 1));
        Ok(LocatedFile {
            file: Arc::from(file),
            text,
            line_starts,
            root,
        })
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    /// The byte offset of a position (1-based line, column in characters),
    /// as `policy::json` computes positions.
    pub fn offset_of(&self, position: SourcePosition) -> Option<usize> {
        offset_in(&self.text, &self.line_starts, position)
    }

    /// The position of a byte offset.
    pub fn position_of(&self, offset: usize) -> SourcePosition {
        position_in(&self.text, &self.line_starts, offset)
    }

    pub fn error(&self, node: &JsonNode, path: &str, message: impl Into<String>) -> InputError {
        InputError::invalid(&self.file, node.position, path, message)
    }

    pub fn provenance(&self, node: &JsonNode, path: &str, encoding: PolicyEncoding) -> Provenance {
        Provenance {
            file: self.file.clone(),
            position: node.position,
            json_path: path.to_string(),
            encoding,
        }
    }

    /// The members of an object; unknown keys are fine, duplicates are not.
    pub fn object<'n>(
        &self,
        node: &'n JsonNode,
        path: &str,
    ) -> Result<&'n [(JsonKey, JsonNode)], InputError> {
        let JsonValue::Object(members) = &node.value else {
            return Err(self.error(
                node,
                path,
                format!("expected an object, found {}", node.value.kind_name()),
            ));
        };
        let mut seen = std::collections::HashSet::with_capacity(members.len());
        for (key, _) in members {
            if !seen.insert(key.text.as_str()) {
                return Err(InputError::invalid(
                    &self.file,
                    key.position,
                    &join_path(path, &key.text),
                    format!("duplicate key `{}`", key.text),
                ));
            }
        }
        Ok(members)
    }

    pub fn array<'n>(&self, node: &'n JsonNode, path: &str) -> Result<&'n [JsonNode], InputError> {
        match &node.value {
            JsonValue::Array(items) => Ok(items),
            other => Err(self.error(
                node,
                path,
                format!("expected an array, found {}", other.kind_name()),
            )),
        }
    }

    pub fn string<'n>(&self, node: &'n JsonNode, path: &str) -> Result<&'n str, InputError> {
        string_value(&self.file, node, path)
    }

    pub fn bool(&self, node: &JsonNode, path: &str) -> Result<bool, InputError> {
        bool_value(&self.file, node, path)
    }

    /// A member that must be there (and not null).
    pub fn required<'n>(
        &self,
        members: &'n [(JsonKey, JsonNode)],
        node: &JsonNode,
        path: &str,
        key: &str,
    ) -> Result<&'n JsonNode, InputError> {
        member(members, key).ok_or_else(|| self.error(node, path, format!("`{key}` is missing")))
    }

    /// A required string member.
    pub fn required_string<'n>(
        &self,
        members: &'n [(JsonKey, JsonNode)],
        node: &JsonNode,
        path: &str,
        key: &str,
    ) -> Result<&'n str, InputError> {
        let value = self.required(members, node, path, key)?;
        self.string(value, &join_path(path, key))
    }

    /// An optional string member.
    pub fn optional_string<'n>(
        &self,
        members: &'n [(JsonKey, JsonNode)],
        path: &str,
        key: &str,
    ) -> Result<Option<&'n str>, InputError> {
        member(members, key)
            .map(|value| self.string(value, &join_path(path, key)))
            .transpose()
    }

    /// The items of an optional array member (none when absent or null).
    pub fn optional_array<'n>(
        &self,
        members: &'n [(JsonKey, JsonNode)],
        path: &str,
        key: &str,
    ) -> Result<&'n [JsonNode], InputError> {
        match member(members, key) {
            Some(value) => self.array(value, &join_path(path, key)),
            None => Ok(&[]),
        }
    }
}

/// Finds a member by key; null counts as absent (as AWS output means it).
pub fn member<'n>(members: &'n [(JsonKey, JsonNode)], key: &str) -> Option<&'n JsonNode> {
    members
        .iter()
        .find(|(member_key, _)| member_key.text == key)
        .map(|(_, value)| value)
        .filter(|value| value.value != JsonValue::Null)
}

/// `path[index]`.
pub fn item_path(path: &str, index: usize) -> String {
    format!("{path}[{index}]")
}

/// Byte offsets of each line's start in `text`.
pub fn line_starts_of(text: &str) -> Vec<usize> {
    let mut starts = vec![0];
    starts.extend(text.match_indices('\n').map(|(offset, _)| offset + 1));
    starts
}

/// The byte offset of a 1-based line and character column in `text`.
pub fn offset_in(text: &str, line_starts: &[usize], position: SourcePosition) -> Option<usize> {
    let start = *line_starts.get(position.line.checked_sub(1)?)?;
    let line = text.get(start..)?;
    let skip = position.column.checked_sub(1)?;
    match line.char_indices().nth(skip) {
        Some((offset, _)) => Some(start + offset),
        // The position just past the last character.
        None if line.chars().count() == skip => Some(start + line.len()),
        None => None,
    }
}

/// The 1-based line and character column of a byte offset in `text`.
pub fn position_in(text: &str, line_starts: &[usize], offset: usize) -> SourcePosition {
    let offset = offset.min(text.len());
    let line = line_starts.partition_point(|&start| start <= offset).max(1);
    let start = line_starts.get(line - 1).copied().unwrap_or(0);
    let column = text
        .get(start..offset)
        .map(|prefix| prefix.chars().count())
        .unwrap_or(0);
    SourcePosition {
        line,
        column: column + 1,
    }
}
