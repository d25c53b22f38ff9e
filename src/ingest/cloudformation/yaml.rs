//! A CloudFormation template written in YAML, read into the located JSON
//! tree every other reader uses (`policy::json::JsonNode`), so that the
//! template's intrinsics are resolved, and its policies parsed, by one code
//! path for both syntaxes.
//!
//! - Scalars follow the YAML 1.2 core schema, as CloudFormation reads them:
//!   plain `true`/`false` are Booleans, `null`/`~`/empty are null, plain
//!   integers and decimals are numbers (their text kept, as the JSON reader
//!   keeps it); everything else, and every quoted scalar, is a string
//!   (`Version: 2012-10-17` stays the string IAM expects).
//! - The short forms of the intrinsic functions become their long forms:
//!   `!Ref X` is `{"Ref": "X"}`, `!GetAtt A.B` is `{"Fn::GetAtt": ["A",
//!   "B"]}`, `!Condition C` is `{"Condition": "C"}`, and `!Sub …`, `!If …`
//!   and the others are `{"Fn::Sub": …}` and so on
//!   (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/intrinsic-function-reference.html).
//!   Any other tag is an error at its place.
//! - Anchors and aliases are expanded (an alias is a copy of its anchor's
//!   node); duplicate mapping keys are refused, as in JSON.
//!
//! Every node keeps the line and column (1-based, in characters) where it
//! starts. Nesting deeper than [`MAX_DEPTH`] and more than [`MAX_NODES`]
//! nodes once aliases are expanded are refused (a hostile file would
//! otherwise exhaust the stack or the memory). Trusts `yaml-rust2` for the
//! YAML syntax.

use crate::policy::json::{JsonKey, JsonNode, JsonValue, SourcePosition};
use std::collections::HashMap;
use yaml_rust2::parser::{Event, Parser, Tag};
use yaml_rust2::scanner::{Marker, TScalarStyle};

/// Why a YAML text could not be read, at its place.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct YamlError {
    pub position: SourcePosition,
    pub message: String,
}

/// The deepest nesting read (the JSON reader's limit).
pub const MAX_DEPTH: usize = crate::policy::json::MAX_NESTING_DEPTH;

/// The most nodes a document may have, aliases expanded.
pub const MAX_NODES: usize = 2_000_000;

/// The short-form tags and the function each stands for.
const SHORT_FORMS: [(&str, &str); 20] = [
    ("Ref", "Ref"),
    ("Condition", "Condition"),
    ("GetAtt", "Fn::GetAtt"),
    ("Sub", "Fn::Sub"),
    ("Join", "Fn::Join"),
    ("Select", "Fn::Select"),
    ("Split", "Fn::Split"),
    ("If", "Fn::If"),
    ("Equals", "Fn::Equals"),
    ("And", "Fn::And"),
    ("Or", "Fn::Or"),
    ("Not", "Fn::Not"),
    ("FindInMap", "Fn::FindInMap"),
    ("GetAZs", "Fn::GetAZs"),
    ("ImportValue", "Fn::ImportValue"),
    ("Base64", "Fn::Base64"),
    ("Cidr", "Fn::Cidr"),
    ("Transform", "Fn::Transform"),
    ("ToJsonString", "Fn::ToJsonString"),
    ("Length", "Fn::Length"),
];

fn position_of(marker: &Marker) -> SourcePosition {
    SourcePosition {
        line: marker.line().max(1),
        column: marker.col() + 1,
    }
}

/// Reads the first document of `text`.
pub fn parse_yaml(text: &str) -> Result<JsonNode, YamlError> {
    let mut parser = Parser::new_from_str(text);
    let mut builder = Builder {
        parser: &mut parser,
        anchors: HashMap::new(),
        depth: 0,
        nodes: 0,
    };
    loop {
        let (event, marker) = builder.next()?;
        match event {
            Event::StreamStart | Event::DocumentStart | Event::Nothing => {}
            Event::StreamEnd | Event::DocumentEnd => {
                return Ok(JsonNode {
                    position: position_of(&marker),
                    value: JsonValue::Null,
                })
            }
            event => return builder.node(event, marker),
        }
    }
}

struct Builder<'p, 't> {
    parser: &'p mut Parser<std::str::Chars<'t>>,
    /// Each anchored node, with how many nodes it holds.
    anchors: HashMap<usize, (JsonNode, usize)>,
    depth: usize,
    nodes: usize,
}

impl Builder<'_, '_> {
    fn next(&mut self) -> Result<(Event, Marker), YamlError> {
        self.parser.next_token().map_err(|error| YamlError {
            position: position_of(error.marker()),
            message: format!("not valid YAML: {}", error.info()),
        })
    }

    /// The node an event starts (reading up to its end), within the
    /// limits.
    fn node(&mut self, event: Event, marker: Marker) -> Result<JsonNode, YamlError> {
        let position = position_of(&marker);
        if self.depth >= MAX_DEPTH {
            return Err(YamlError {
                position,
                message: format!("nested deeper than {MAX_DEPTH} levels"),
            });
        }
        self.depth += 1;
        let result = self.node_within_limits(event, position);
        self.depth -= 1;
        result
    }

    fn count(&mut self, added: usize, position: SourcePosition) -> Result<(), YamlError> {
        self.nodes += added;
        if self.nodes > MAX_NODES {
            return Err(YamlError {
                position,
                message: format!("more than {MAX_NODES} nodes once aliases are expanded"),
            });
        }
        Ok(())
    }

    fn node_within_limits(
        &mut self,
        event: Event,
        position: SourcePosition,
    ) -> Result<JsonNode, YamlError> {
        let first = self.nodes;
        let (anchor, tag, value) = match event {
            Event::Alias(anchor) => {
                let Some((node, size)) = self.anchors.get(&anchor).cloned() else {
                    return Err(YamlError {
                        position,
                        message: "an alias to an anchor not defined before it".to_string(),
                    });
                };
                self.count(size, position)?;
                return Ok(node);
            }
            Event::Scalar(text, style, anchor, tag) => {
                let value = if tag.is_none() && style == TScalarStyle::Plain {
                    plain_scalar(text)
                } else {
                    JsonValue::String(text)
                };
                (anchor, tag, value)
            }
            Event::SequenceStart(anchor, tag) => {
                let mut items = Vec::new();
                loop {
                    let (event, marker) = self.next()?;
                    if event == Event::SequenceEnd {
                        break;
                    }
                    items.push(self.node(event, marker)?);
                }
                (anchor, tag, JsonValue::Array(items))
            }
            Event::MappingStart(anchor, tag) => {
                let mut members: Vec<(JsonKey, JsonNode)> = Vec::new();
                loop {
                    let (event, marker) = self.next()?;
                    if event == Event::MappingEnd {
                        break;
                    }
                    let key = self.node(event, marker)?;
                    let text = match key.value {
                        JsonValue::String(text) | JsonValue::Number(text) => text,
                        JsonValue::Bool(value) => value.to_string(),
                        JsonValue::Null => "null".to_string(),
                        _ => {
                            return Err(YamlError {
                                position: key.position,
                                message: "a mapping key must be a scalar".to_string(),
                            })
                        }
                    };
                    if members.iter().any(|(earlier, _)| earlier.text == text) {
                        return Err(YamlError {
                            position: key.position,
                            message: format!("duplicate key `{text}`"),
                        });
                    }
                    let (event, marker) = self.next()?;
                    let value = self.node(event, marker)?;
                    members.push((
                        JsonKey {
                            position: key.position,
                            text,
                        },
                        value,
                    ));
                }
                (anchor, tag, JsonValue::Object(members))
            }
            other => {
                return Err(YamlError {
                    position,
                    message: format!("unexpected YAML event {other:?}"),
                })
            }
        };
        self.count(1, position)?;
        let mut node = JsonNode { position, value };
        if let Some(tag) = tag {
            node = long_form(node, &tag)?;
        }
        if anchor > 0 {
            self.anchors
                .insert(anchor, (node.clone(), self.nodes - first));
        }
        Ok(node)
    }
}

/// A plain scalar under the YAML 1.2 core schema.
fn plain_scalar(text: String) -> JsonValue {
    match text.as_str() {
        "" | "~" | "null" | "Null" | "NULL" => JsonValue::Null,
        "true" | "True" | "TRUE" => JsonValue::Bool(true),
        "false" | "False" | "FALSE" => JsonValue::Bool(false),
        _ if is_core_number(&text) => JsonValue::Number(text),
        _ => JsonValue::String(text),
    }
}

/// `[-+]?[0-9]+` or a decimal `[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?`.
fn is_core_number(text: &str) -> bool {
    let unsigned = text.strip_prefix(['-', '+']).unwrap_or(text);
    let (mantissa, exponent) = match unsigned.split_once(['e', 'E']) {
        Some((mantissa, exponent)) => (mantissa, Some(exponent)),
        None => (unsigned, None),
    };
    let (whole, fraction) = match mantissa.split_once('.') {
        Some((whole, fraction)) => (whole, Some(fraction)),
        None => (mantissa, None),
    };
    let digits = |part: &str| part.chars().all(|character| character.is_ascii_digit());
    let mantissa_ok = match fraction {
        None => !whole.is_empty() && digits(whole),
        Some(fraction) => {
            digits(whole) && digits(fraction) && !(whole.is_empty() && fraction.is_empty())
        }
    };
    let exponent_ok = exponent.is_none_or(|exponent| {
        let exponent = exponent.strip_prefix(['-', '+']).unwrap_or(exponent);
        !exponent.is_empty() && digits(exponent)
    });
    mantissa_ok && exponent_ok
}

/// The long form of a tagged node (`!Ref X` → `{"Ref": "X"}`).
fn long_form(node: JsonNode, tag: &Tag) -> Result<JsonNode, YamlError> {
    let position = node.position;
    if tag.handle == "!!" || tag.handle == "tag:yaml.org,2002:" {
        // A standard tag (`!!str`): the value as written.
        return Ok(match (tag.suffix.as_str(), node.value) {
            ("str", JsonValue::Number(text)) => JsonNode {
                position,
                value: JsonValue::String(text),
            },
            (_, value) => JsonNode { position, value },
        });
    }
    let Some((_, function)) = SHORT_FORMS
        .iter()
        .find(|(short, _)| tag.handle == "!" && *short == tag.suffix)
    else {
        return Err(YamlError {
            position,
            message: format!(
                "unknown tag `{}{}`: CloudFormation's short forms are {}",
                tag.handle,
                tag.suffix,
                SHORT_FORMS
                    .iter()
                    .map(|(short, _)| format!("!{short}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        });
    };
    let argument = match (*function, node.value) {
        // `!GetAtt Resource.Attribute`: split at the first dot.
        ("Fn::GetAtt", JsonValue::String(text)) => {
            let Some((resource, attribute)) = text.split_once('.') else {
                return Err(YamlError {
                    position,
                    message: format!("`!GetAtt {text}`: expected RESOURCE.ATTRIBUTE"),
                });
            };
            JsonValue::Array(vec![
                JsonNode {
                    position,
                    value: JsonValue::String(resource.to_string()),
                },
                JsonNode {
                    position,
                    value: JsonValue::String(attribute.to_string()),
                },
            ])
        }
        (_, value) => value,
    };
    Ok(JsonNode {
        position,
        value: JsonValue::Object(vec![(
            JsonKey {
                position,
                text: function.to_string(),
            },
            JsonNode {
                position,
                value: argument,
            },
        )]),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn member<'n>(node: &'n JsonNode, key: &str) -> &'n JsonNode {
        let JsonValue::Object(members) = &node.value else {
            panic!("not an object: {node:?}");
        };
        &members
            .iter()
            .find(|(name, _)| name.text == key)
            .unwrap_or_else(|| panic!("no {key}"))
            .1
    }

    #[test]
    fn short_forms_become_long_forms_with_their_places() {
        let text = "Resources:\n  Role:\n    Arn: !GetAtt Role.Arn\n    Name: !Ref RoleName\n    Sub: !Sub 'arn:${AWS::Partition}:s3:::b'\n    List: !Join [',', [a, b]]\n";
        let root = parse_yaml(text).expect("parses");
        let role = member(member(&root, "Resources"), "Role");
        let arn = member(role, "Arn");
        // The place of the tagged value (after its tag).
        assert_eq!(
            arn.position,
            SourcePosition {
                line: 3,
                column: 18
            }
        );
        let get_att = member(arn, "Fn::GetAtt");
        assert!(matches!(&get_att.value, JsonValue::Array(parts) if parts.len() == 2));
        assert_eq!(
            member(member(role, "Name"), "Ref").value,
            JsonValue::String("RoleName".into())
        );
        assert!(matches!(
            member(member(role, "List"), "Fn::Join").value,
            JsonValue::Array(_)
        ));
    }

    #[test]
    fn scalars_follow_the_core_schema() {
        let root = parse_yaml("a: 2012-10-17\nb: true\nc: '12'\nd: 12\ne: 1.5e3\nf: ~\ng: yes\n")
            .expect("parses");
        assert_eq!(
            member(&root, "a").value,
            JsonValue::String("2012-10-17".into())
        );
        assert_eq!(member(&root, "b").value, JsonValue::Bool(true));
        assert_eq!(member(&root, "c").value, JsonValue::String("12".into()));
        assert_eq!(member(&root, "d").value, JsonValue::Number("12".into()));
        assert_eq!(member(&root, "e").value, JsonValue::Number("1.5e3".into()));
        assert_eq!(member(&root, "f").value, JsonValue::Null);
        assert_eq!(member(&root, "g").value, JsonValue::String("yes".into()));
    }

    #[test]
    fn bad_yaml_unknown_tags_and_duplicate_keys_are_located() {
        let error = parse_yaml("a: !Bogus x\n").expect_err("unknown tag");
        assert_eq!(error.position.line, 1);
        assert!(error.message.contains("!Bogus"), "{error}");
        let error = parse_yaml("a: 1\na: 2\n").expect_err("duplicate");
        assert_eq!(error.position, SourcePosition { line: 2, column: 1 });
        let error = parse_yaml("a: [1, 2\n").expect_err("unclosed");
        assert!(error.message.starts_with("not valid YAML"), "{error}");
    }

    #[test]
    fn hostile_nesting_and_alias_bombs_are_refused() {
        let deep = "- ".repeat(100_000) + "x\n";
        let error = parse_yaml(&deep).expect_err("too deep");
        assert!(error.message.contains("nested deeper"), "{error}");
        let mut bomb = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
        for level in 1..9 {
            let previous = (b'a' + level - 1) as char;
            let name = (b'a' + level) as char;
            bomb.push_str(&format!(
                "{name}: &{name} [*{previous}, *{previous}, *{previous}, *{previous}, *{previous}, *{previous}, *{previous}, *{previous}, *{previous}, *{previous}]\n"
            ));
        }
        let error = parse_yaml(&bomb).expect_err("too many nodes");
        assert!(error.message.contains("nodes once aliases"), "{error}");
    }
}
