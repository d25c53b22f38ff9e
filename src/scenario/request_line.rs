//! A request line of a JSON Lines stream, read fast. `iamz eval --requests`
//! decides hundreds of thousands of lines; building a located tree for
//! each one costs more than deciding it. This reader takes the common
//! shape only — every field a string, context values strings or lists of
//! strings, no duplicate keys — straight into a [`RequestSpec`], and
//! answers `None` for anything else, which then goes through
//! [`RequestSpec::from_node`]: that reader alone defines the format and
//! gives every located error. So this one may refuse more, never accept
//! more or read differently (a test holds the two to that).

use super::RequestSpec;
use serde::de::{Deserializer, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use std::borrow::Cow;
use std::fmt;

/// The fields of a request object; `deny_unknown_fields` and serde's own
/// duplicate-field check leave anything unusual to the located reader.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PlainRequest<'a> {
    #[serde(borrow, default)]
    id: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    principal: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    action: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    resource: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    resource_account: Option<Cow<'a, str>>,
    #[serde(default)]
    context: Option<PlainContext>,
}

/// Context keys in order: name, values, given as a list.
struct PlainContext(Vec<(String, Vec<String>, bool)>);

impl<'de> Deserialize<'de> for PlainContext {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(PlainContextVisitor)
    }
}

struct PlainContextVisitor;

impl<'de> Visitor<'de> for PlainContextVisitor {
    type Value = PlainContext;

    fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
        formatter.write_str("an object of context keys")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<PlainContext, A::Error> {
        let mut entries: Vec<(String, Vec<String>, bool)> = Vec::new();
        while let Some(key) = map.next_key::<Cow<'de, str>>()? {
            if entries.iter().any(|(seen, _, _)| *seen == key) {
                return Err(serde::de::Error::custom("duplicate key"));
            }
            let PlainValues(values, multivalued) = map.next_value()?;
            entries.push((key.into_owned(), values, multivalued));
        }
        Ok(PlainContext(entries))
    }
}

/// A context value: one string, or a list of strings (a multivalued key).
struct PlainValues(Vec<String>, bool);

impl<'de> Deserialize<'de> for PlainValues {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(PlainValuesVisitor)
    }
}

struct PlainValuesVisitor;

impl<'de> Visitor<'de> for PlainValuesVisitor {
    type Value = PlainValues;

    fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
        formatter.write_str("a string or a list of strings")
    }

    fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<PlainValues, E> {
        Ok(PlainValues(vec![text.to_string()], false))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut items: A) -> Result<PlainValues, A::Error> {
        let mut values = Vec::new();
        while let Some(item) = items.next_element::<Cow<'de, str>>()? {
            values.push(item.into_owned());
        }
        Ok(PlainValues(values, true))
    }
}

impl RequestSpec {
    /// Reads a request line of the common shape; `None` means "read it
    /// with [`RequestSpec::from_node`]" (which also locates any error).
    pub fn from_plain_line(line: &str) -> Option<RequestSpec> {
        // serde would also read a struct from an array of its fields.
        if !line.trim_start().starts_with('{') {
            return None;
        }
        let plain: PlainRequest = serde_json::from_str(line).ok()?;
        let field = |key: &str, value: Option<Cow<str>>| {
            value.and_then(|text| super::load::open_field(key, text.into_owned()))
        };
        Some(RequestSpec {
            id: field("id", plain.id),
            principal: field("principal", plain.principal),
            action: field("action", plain.action),
            resource: field("resource", plain.resource),
            resource_account: field("resource_account", plain.resource_account),
            context: plain.context.map(|context| context.0).unwrap_or_default(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::JsonSource;
    use proptest::prelude::*;

    /// What the located reader makes of a line, or `None` if it refuses it.
    fn located(line: &str) -> Option<RequestSpec> {
        let source = JsonSource::from_text(line, "line", std::path::Path::new(".")).ok()?;
        RequestSpec::from_node(&source, &source.root, "").ok()
    }

    /// Lines at the edges: each must read the same or be left to the
    /// located reader.
    const EDGE_LINES: &[&str] = &[
        r#"{"id": "a", "action": "s3:GetObject", "resource": "arn:aws:s3:::b/k"}"#,
        r#"{"action": "*", "resource": "*", "principal": "*", "id": "*"}"#,
        r#"{"action": null, "context": null}"#,
        r#"{"context": {"aws:SourceIp": "203.0.113.7", "aws:TagKeys": ["a", "b"]}}"#,
        r#"{"context": {"aws:TagKeys": []}}"#,
        r#"{"context": {"k": "1", "k": "2"}}"#,
        r#"{"context": {"k": "1", "K": "2"}}"#,
        r#"{"context": {"k": null}}"#,
        r#"{"context": {"k": 1.50}}"#,
        r#"{"context": {"k": true}}"#,
        r#"{"context": {"k": [1, "a"]}}"#,
        r#"{"context": {"k": [["a"]]}}"#,
        r#"{"action": 5}"#,
        r#"{"action": "a", "action": "b"}"#,
        r#"{"unknown": "x"}"#,
        r#"{"id": "caf\u00e9 \"quoted\" \\ back"}"#,
        r#"{"id": "\ud800"}"#,
        r#"[]"#,
        r#"{"id": "a"} trailing"#,
        r#"{"id": "a",}"#,
        "{\"id\": \"tab\there\"}",
        r#"  {"id": "spaced"}  "#,
        r#""#,
    ];

    #[test]
    fn reads_edge_lines_as_the_located_reader_does_or_leaves_them_to_it() {
        for line in EDGE_LINES {
            if let Some(fast) = RequestSpec::from_plain_line(line) {
                assert_eq!(Some(fast), located(line), "line {line}");
            }
        }
        // The common shape is read fast.
        assert!(RequestSpec::from_plain_line(EDGE_LINES[0]).is_some());
        assert!(RequestSpec::from_plain_line(EDGE_LINES[3]).is_some());
    }

    fn json_text() -> impl Strategy<Value = String> {
        prop_oneof!["[a-zA-Z0-9:/*.-]{0,12}", Just("*".to_string()), "\\PC{0,6}",]
    }

    fn scalar() -> impl Strategy<Value = serde_json::Value> {
        prop_oneof![
            json_text().prop_map(serde_json::Value::from),
            Just(serde_json::Value::Null),
            Just(serde_json::json!(true)),
            Just(serde_json::json!(1.5)),
        ]
    }

    fn context_value() -> impl Strategy<Value = serde_json::Value> {
        prop_oneof![
            scalar(),
            proptest::collection::vec(scalar(), 0..3).prop_map(serde_json::Value::from),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]
        #[test]
        fn fast_reading_never_accepts_more_or_reads_differently(
            fields in proptest::collection::vec(
                (prop_oneof![
                    Just("id"), Just("principal"), Just("action"), Just("resource"),
                    Just("resource_account"), Just("context"), Just("other"),
                ], scalar()),
                0..6,
            ),
            context in proptest::collection::vec(
                (prop_oneof![Just("aws:SourceIp".to_string()), Just("aws:sourceip".to_string()), "[a-z:]{1,5}"], context_value()),
                0..4,
            ),
        ) {
            // Written by hand so that duplicate keys survive.
            let mut members: Vec<String> = fields
                .iter()
                .map(|(key, value)| format!("{}: {}", serde_json::json!(key), value))
                .collect();
            if !context.is_empty() {
                let entries: Vec<String> = context
                    .iter()
                    .map(|(key, value)| format!("{}: {}", serde_json::json!(key), value))
                    .collect();
                members.push(format!("\"context\": {{{}}}", entries.join(", ")));
            }
            let line = format!("{{{}}}", members.join(", "));
            if let Some(fast) = RequestSpec::from_plain_line(&line) {
                prop_assert_eq!(Some(fast), located(&line), "line {}", line);
            }
        }
    }
}
