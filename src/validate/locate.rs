//! Where each element of a policy stands in its text: a map from the JSON
//! path the parser uses (`Statement[1].Action[0]`) to the line and column of
//! the value at that path.
//!
//! The typed AST keeps positions for statements and condition keys only; the
//! checks that point at one action or one resource look them up here.

use std::collections::HashMap;

use crate::policy::json::{JsonNode, JsonValue, SourcePosition};

/// JSON paths to positions, for one document.
#[derive(Debug, Default)]
pub struct Locator {
    positions: HashMap<String, SourcePosition>,
    statement_is_array: bool,
}

impl Locator {
    /// Indexes every value of the tree rooted at `root` (the document).
    pub fn new(root: &JsonNode) -> Locator {
        let mut locator = Locator::default();
        if let JsonValue::Object(members) = &root.value {
            locator.statement_is_array = members.iter().any(|(key, value)| {
                key.text == "Statement" && matches!(value.value, JsonValue::Array(_))
            });
        }
        locator.index(root, String::new());
        locator
    }

    fn index(&mut self, node: &JsonNode, path: String) {
        match &node.value {
            JsonValue::Array(items) => {
                for (position, item) in items.iter().enumerate() {
                    self.index(item, format!("{path}[{position}]"));
                }
            }
            JsonValue::Object(members) => {
                for (key, value) in members {
                    let child = if path.is_empty() {
                        key.text.clone()
                    } else {
                        format!("{path}.{}", key.text)
                    };
                    // The first of duplicate keys wins; the parser refuses
                    // duplicates anyway.
                    if !self.positions.contains_key(&child) {
                        self.index(value, child);
                    }
                }
            }
            _ => {}
        }
        self.positions.entry(path).or_insert(node.position);
    }

    /// The position of the value at `path`.
    pub fn position(&self, path: &str) -> Option<SourcePosition> {
        self.positions.get(path).copied()
    }

    /// The path of statement `index`: `Statement[index]`, or `Statement`
    /// when the document holds a single statement object.
    pub fn statement_path(&self, index: usize) -> String {
        if self.statement_is_array {
            format!("Statement[{index}]")
        } else {
            "Statement".to_string()
        }
    }

    /// The path of item `index` of the element at `element_path`:
    /// `element_path[index]` when the element is an array, the element
    /// itself when it is a single string.
    pub fn item_path(&self, element_path: &str, index: usize) -> String {
        let item = format!("{element_path}[{index}]");
        if self.positions.contains_key(&item) {
            item
        } else {
            element_path.to_string()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::json::parse_json;

    #[test]
    fn finds_items_of_arrays_and_single_values() {
        let text = "{\"Statement\": [\n {\"Action\": [\"a:b\", \"c:d\"], \"Resource\": \"*\"}]}";
        let locator = Locator::new(&parse_json(text).unwrap());
        assert_eq!(locator.statement_path(0), "Statement[0]");
        let action = locator.item_path("Statement[0].Action", 1);
        assert_eq!(action, "Statement[0].Action[1]");
        assert_eq!(
            locator.position(&action),
            Some(SourcePosition {
                line: 2,
                column: 21
            })
        );
        assert_eq!(
            locator.item_path("Statement[0].Resource", 0),
            "Statement[0].Resource"
        );
    }

    #[test]
    fn a_single_statement_object_has_no_index() {
        let text = r#"{"Statement": {"Effect": "Allow"}}"#;
        let locator = Locator::new(&parse_json(text).unwrap());
        assert_eq!(locator.statement_path(0), "Statement");
        assert!(locator.position("Statement.Effect").is_some());
    }
}
