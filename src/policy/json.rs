//! Located JSON: a JSON value tree in which every node keeps where it stood in
//! the source text (line and column), so that later stages can say exactly
//! where a policy is wrong.
//!
//! Trusts `jsonc-parser` for tokenising and syntax checking, configured to
//! accept strict JSON only. Duplicate object keys are kept (in order) so the
//! policy parser can report them instead of silently merging them. Nesting
//! depth is checked before parsing so that hostile input cannot exhaust the
//! stack.

use jsonc_parser::ast;
use jsonc_parser::common::Range;

/// The deepest nesting accepted. Real policies nest four or five levels.
pub const MAX_NESTING_DEPTH: usize = 64;

/// A 1-based line and column in the source text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, PartialOrd, Ord)]
pub struct SourcePosition {
    pub line: usize,
    pub column: usize,
}

/// A JSON value with its position.
#[derive(Debug, Clone, PartialEq)]
pub struct JsonNode {
    pub position: SourcePosition,
    pub value: JsonValue,
}

/// A key of an object member, with its position.
#[derive(Debug, Clone, PartialEq)]
pub struct JsonKey {
    pub position: SourcePosition,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq)]
pub enum JsonValue {
    Null,
    Bool(bool),
    /// Numbers keep their source text: IAM compares them as text or decimals.
    Number(String),
    String(String),
    Array(Vec<JsonNode>),
    /// Members in source order, duplicates included.
    Object(Vec<(JsonKey, JsonNode)>),
}

impl JsonValue {
    /// The name of this kind of value, for error messages.
    pub fn kind_name(&self) -> &'static str {
        match self {
            JsonValue::Null => "null",
            JsonValue::Bool(_) => "a boolean",
            JsonValue::Number(_) => "a number",
            JsonValue::String(_) => "a string",
            JsonValue::Array(_) => "an array",
            JsonValue::Object(_) => "an object",
        }
    }
}

/// A JSON syntax error with its position.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{message}")]
pub struct JsonSyntaxError {
    pub position: SourcePosition,
    pub message: String,
}

/// Maps byte offsets to line and column.
struct LineIndex {
    line_starts: Vec<usize>,
    /// The last offset asked for, with its line and column. Nodes are
    /// located in source order, so the next column is counted from here:
    /// a document on one line (a minified policy, a Terraform plan) is
    /// located in linear time, not quadratic.
    last: std::cell::Cell<(usize, usize, usize)>,
}

impl LineIndex {
    fn new(text: &str) -> Self {
        let mut line_starts = vec![0];
        line_starts.extend(text.match_indices('\n').map(|(offset, _)| offset + 1));
        LineIndex {
            line_starts,
            last: std::cell::Cell::new((0, 1, 0)),
        }
    }

    fn position(&self, text: &str, offset: usize) -> SourcePosition {
        let offset = offset.min(text.len());
        let line = self.line_starts.partition_point(|&start| start <= offset);
        let line_start = self.line_starts[line.saturating_sub(1)];
        let (last_offset, last_line, last_column) = self.last.get();
        let (from, column_before) =
            if last_line == line && (line_start..=offset).contains(&last_offset) {
                (last_offset, last_column)
            } else {
                (line_start, 0)
            };
        let column = column_before
            + text
                .get(from..offset)
                .map(|between| between.chars().count())
                .unwrap_or(0);
        self.last.set((offset, line, column));
        SourcePosition {
            line: line.max(1),
            column: column + 1,
        }
    }
}

/// Parses strict JSON into a located tree.
pub fn parse_json(text: &str) -> Result<JsonNode, JsonSyntaxError> {
    let index = LineIndex::new(text);
    check_nesting_depth(text).map_err(|offset| JsonSyntaxError {
        position: index.position(text, offset),
        message: format!("JSON nested deeper than {MAX_NESTING_DEPTH} levels"),
    })?;
    let options = jsonc_parser::ParseOptions {
        allow_comments: false,
        allow_loose_object_property_names: false,
        allow_trailing_commas: false,
        allow_missing_commas: false,
        allow_single_quoted_strings: false,
        allow_hexadecimal_numbers: false,
        allow_unary_plus_numbers: false,
        allow_bare_decimal_point_numbers: false,
        allow_non_finite_numbers: false,
        allow_extended_string_escapes: false,
    };
    let parsed =
        jsonc_parser::parse_to_ast(text, &Default::default(), &options).map_err(|error| {
            JsonSyntaxError {
                position: SourcePosition {
                    line: error.line_display(),
                    column: error.column_display(),
                },
                message: error.kind().to_string(),
            }
        })?;
    match parsed.value {
        Some(value) => Ok(convert(&value, text, &index)),
        None => Err(JsonSyntaxError {
            position: SourcePosition { line: 1, column: 1 },
            message: "the file holds no JSON value".to_string(),
        }),
    }
}

/// Finds the first offset at which brackets nest deeper than the limit.
fn check_nesting_depth(text: &str) -> Result<(), usize> {
    let mut depth = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    for (offset, byte) in text.bytes().enumerate() {
        if in_string {
            match byte {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match byte {
            b'"' => in_string = true,
            b'[' | b'{' => {
                depth += 1;
                if depth > MAX_NESTING_DEPTH {
                    return Err(offset);
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    Ok(())
}

fn convert(value: &ast::Value, text: &str, index: &LineIndex) -> JsonNode {
    let at = |range: Range| index.position(text, range.start);
    match value {
        ast::Value::NullKeyword(node) => JsonNode {
            position: at(node.range),
            value: JsonValue::Null,
        },
        ast::Value::BooleanLit(node) => JsonNode {
            position: at(node.range),
            value: JsonValue::Bool(node.value),
        },
        ast::Value::NumberLit(node) => JsonNode {
            position: at(node.range),
            value: JsonValue::Number(node.value.to_string()),
        },
        ast::Value::StringLit(node) => JsonNode {
            position: at(node.range),
            value: JsonValue::String(node.value.to_string()),
        },
        ast::Value::Array(node) => JsonNode {
            position: at(node.range),
            value: JsonValue::Array(
                node.elements
                    .iter()
                    .map(|element| convert(element, text, index))
                    .collect(),
            ),
        },
        ast::Value::Object(node) => JsonNode {
            position: at(node.range),
            value: JsonValue::Object(
                node.properties
                    .iter()
                    .map(|property| {
                        let (range, name) = match &property.name {
                            ast::ObjectPropName::String(name) => {
                                (name.range, name.value.to_string())
                            }
                            ast::ObjectPropName::Word(name) => (name.range, name.value.to_string()),
                        };
                        (
                            JsonKey {
                                position: at(range),
                                text: name,
                            },
                            convert(&property.value, text, index),
                        )
                    })
                    .collect(),
            ),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_are_one_based_lines_and_columns() {
        let node = parse_json("{\n  \"a\": [1, \"x\"]\n}").unwrap();
        let JsonValue::Object(members) = node.value else {
            panic!("object expected")
        };
        assert_eq!(members[0].0.position, SourcePosition { line: 2, column: 3 });
        let JsonValue::Array(items) = &members[0].1.value else {
            panic!("array expected")
        };
        assert_eq!(
            items[1].position,
            SourcePosition {
                line: 2,
                column: 12
            }
        );
    }

    #[test]
    fn duplicate_keys_are_kept() {
        let node = parse_json(r#"{"a": 1, "a": 2}"#).unwrap();
        let JsonValue::Object(members) = node.value else {
            panic!("object expected")
        };
        assert_eq!(members.len(), 2);
    }

    #[test]
    fn syntax_errors_are_located() {
        let error = parse_json("{\n  \"a\": 1,\n}").unwrap_err();
        assert!(error.position.line >= 2, "{error:?}");
        let error = parse_json("{\"a\": 1 // no\n}").unwrap_err();
        assert_eq!(error.position.line, 1);
    }

    #[test]
    fn deep_nesting_is_refused_not_overflowed() {
        let text = "[".repeat(100_000);
        let error = parse_json(&text).unwrap_err();
        assert!(error.message.contains("nested deeper"));
    }

    /// Columns count characters from the line's start, also past
    /// multi-byte characters and on later lines.
    #[test]
    fn columns_count_characters_on_every_line() {
        let text = "[\"é\", \"ü\", 1,\n  \"ß\", [2]]";
        let node = parse_json(text).unwrap();
        let JsonValue::Array(items) = node.value else {
            panic!("array expected")
        };
        let positions: Vec<_> = items
            .iter()
            .map(|item| (item.position.line, item.position.column))
            .collect();
        assert_eq!(positions, [(1, 2), (1, 7), (1, 12), (2, 3), (2, 8)]);
        let JsonValue::Array(inner) = &items[4].value else {
            panic!("array expected")
        };
        assert_eq!((inner[0].position.line, inner[0].position.column), (2, 9));
    }

    /// A document on one line (as `terraform show -json` writes) is
    /// located in linear time: 200,000 values on one line parse in well
    /// under a second, where counting each column from the line's start
    /// took minutes.
    #[test]
    fn a_long_single_line_is_located_in_linear_time() {
        let text = format!("[{}]", vec!["\"é\""; 200_000].join(","));
        let started = std::time::Instant::now();
        let node = parse_json(&text).unwrap();
        let JsonValue::Array(items) = node.value else {
            panic!("array expected")
        };
        assert_eq!(items[199_999].position.column, 2 + 199_999 * 4);
        assert!(started.elapsed() < std::time::Duration::from_secs(5));
    }
}
