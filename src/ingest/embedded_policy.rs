//! Policies inside other documents: a JSON object (what the AWS CLI prints
//! for IAM documents), a string holding the policy's JSON text (`Policy`
//! of `get-bucket-policy`, `Content` of `describe-policy`, …), or a string
//! holding the URL-encoded JSON text (what the IAM API returns, RFC 3986:
//! https://docs.aws.amazon.com/IAM/latest/APIReference/API_PolicyVersion.html).
//!
//! A policy read from a string is located in the file, not in the string:
//! every position (of a statement, a condition, an error or a warning) is
//! mapped back through the URL-decoding and the JSON string escapes to the
//! line and column in the file where its text is written, and its JSON path
//! is the string's path, `>`, and the path inside the policy
//! (`Policy>Statement[0].Effect`).
//!
//! The same policy text is common in an organization (a role deployed to
//! every account by a stack set, a trust policy naming the same account):
//! [`PolicyCache`] parses each distinct text once per kind and gives every
//! later occurrence a copy whose positions are moved to where that
//! occurrence is written — the text being the same from its first byte, a
//! position moves by the occurrence's line, and on its first line by its
//! column too.
//!
//! Trusts `policy::parse` for the policy language, and the located file for
//! the string's position. When the text at that position does not decode to
//! the string's value (it always does for files `policy::json` parsed),
//! positions fall back to the string's start rather than point elsewhere.

use super::located_file::{line_starts_of, offset_in, LocatedFile};
use crate::inventory::provenance::{relocate_diagnostic, relocate_document};
use crate::inventory::{InventoryPolicy, InventoryWarning, PolicyEncoding};
use crate::policy::json::{JsonNode, JsonValue, SourcePosition};
use crate::policy::parse::parse_policy_node;
use crate::policy::{parse_policy, Diagnostic, PolicyDocument, PolicyError, PolicyKind};
use crate::source::InputError;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// A policy text parsed once, for its later occurrences.
struct CachedPolicy {
    /// Positions are those of the first occurrence.
    document: Arc<PolicyDocument>,
    /// Where the first occurrence's value starts.
    anchor: SourcePosition,
    /// The parser's warnings, each JSON path cut to what follows the
    /// value's own path (`.Statement[0]`, `>Statement[0]`).
    warnings: Vec<Diagnostic>,
    encoding: PolicyEncoding,
}

/// Parsed policies by source text (the value's exact text in its file: the
/// object, or the string literal with its quotes), then kind. Keyed by the
/// text alone so that a lookup borrows it. Shared by the threads of one read.
#[derive(Default)]
pub struct PolicyCache {
    entries: Mutex<HashMap<Box<str>, ParsedByKind>>,
}

/// The parses of one text, one per kind it was read as.
type ParsedByKind = Vec<(PolicyKind, Arc<CachedPolicy>)>;

impl PolicyCache {
    fn get(&self, kind: PolicyKind, text: &str) -> Option<Arc<CachedPolicy>> {
        let entries = self.entries.lock().ok()?;
        entries
            .get(text)?
            .iter()
            .find(|(cached_kind, _)| *cached_kind == kind)
            .map(|(_, cached)| cached.clone())
    }

    fn insert(&self, kind: PolicyKind, text: &str, cached: CachedPolicy) {
        if let Ok(mut entries) = self.entries.lock() {
            let kinds = entries.entry(Box::from(text)).or_default();
            if !kinds.iter().any(|(cached_kind, _)| *cached_kind == kind) {
                kinds.push((kind, Arc::new(cached)));
            }
        }
    }
}

/// The byte just past the JSON object or string that starts at `start`.
fn value_end(text: &str, start: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    match *bytes.get(start)? {
        b'"' => {
            let mut index = start + 1;
            loop {
                match *bytes.get(index)? {
                    b'\\' => index += 2,
                    b'"' => return Some(index + 1),
                    _ => index += 1,
                }
            }
        }
        b'{' => {
            let mut depth = 0usize;
            let mut in_string = false;
            let mut index = start;
            while let Some(&byte) = bytes.get(index) {
                if in_string {
                    match byte {
                        b'\\' => index += 1,
                        b'"' => in_string = false,
                        _ => {}
                    }
                } else {
                    match byte {
                        b'"' => in_string = true,
                        b'{' | b'[' => depth += 1,
                        b'}' | b']' => {
                            depth = depth.checked_sub(1)?;
                            if depth == 0 {
                                return Some(index + 1);
                            }
                        }
                        _ => {}
                    }
                }
                index += 1;
            }
            None
        }
        _ => None,
    }
}

/// Moves a position of the text that starts at `from` to the same place of
/// the same text starting at `to`.
fn moved(position: SourcePosition, from: SourcePosition, to: SourcePosition) -> SourcePosition {
    if position.line == from.line {
        SourcePosition {
            line: to.line,
            column: (position.column + to.column)
                .saturating_sub(from.column)
                .max(1),
        }
    } else {
        SourcePosition {
            line: (position.line + to.line).saturating_sub(from.line).max(1),
            column: position.column,
        }
    }
}

/// Text decoded from other text, with where each of its bytes came from.
struct MappedText {
    text: String,
    /// `origins[i]`: the offset in the source text of the byte `i` of
    /// `text`; one more entry for the end.
    origins: Vec<usize>,
}

/// Decodes the JSON string literal whose opening quote is at `start` of
/// `raw`. `None` when there is no well-formed literal there.
fn decode_string_literal(raw: &str, start: usize) -> Option<MappedText> {
    let bytes = raw.as_bytes();
    if bytes.get(start) != Some(&b'"') {
        return None;
    }
    let mut text = Vec::new();
    let mut origins = Vec::new();
    let mut index = start + 1;
    loop {
        let byte = *bytes.get(index)?;
        match byte {
            b'"' => {
                origins.push(index);
                break;
            }
            b'\\' => {
                let escape = *bytes.get(index + 1)?;
                let (decoded, length): (char, usize) = match escape {
                    b'"' => ('"', 2),
                    b'\\' => ('\\', 2),
                    b'/' => ('/', 2),
                    b'b' => ('\u{8}', 2),
                    b'f' => ('\u{c}', 2),
                    b'n' => ('\n', 2),
                    b'r' => ('\r', 2),
                    b't' => ('\t', 2),
                    b'u' => {
                        let unit = |at: usize| -> Option<u32> {
                            u32::from_str_radix(raw.get(at..at + 4)?, 16).ok()
                        };
                        let first = unit(index + 2)?;
                        if (0xD800..0xDC00).contains(&first)
                            && raw.get(index + 6..index + 8) == Some("\\u")
                        {
                            let second = unit(index + 8)?;
                            let code = 0x10000
                                + ((first - 0xD800) << 10)
                                + (second.checked_sub(0xDC00)?);
                            (char::from_u32(code)?, 12)
                        } else {
                            (char::from_u32(first)?, 6)
                        }
                    }
                    _ => return None,
                };
                let mut buffer = [0u8; 4];
                for encoded in decoded.encode_utf8(&mut buffer).bytes() {
                    text.push(encoded);
                    origins.push(index);
                }
                index += length;
            }
            _ => {
                text.push(byte);
                origins.push(index);
                index += 1;
            }
        }
    }
    Some(MappedText {
        text: String::from_utf8(text).ok()?,
        origins,
    })
}

/// Percent-decodes `text` as RFC 3986 says (`%XX`; `+` stays `+`, as
/// botocore's own decoding of IAM documents keeps it). A `%` not followed
/// by two hex digits is kept as it is. `None` when the bytes are not UTF-8.
fn percent_decode(text: &str) -> Option<MappedText> {
    let bytes = text.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut origins = Vec::with_capacity(bytes.len() + 1);
    let mut index = 0;
    while index < bytes.len() {
        let byte = bytes[index];
        let escaped = (byte == b'%')
            .then(|| text.get(index + 1..index + 3))
            .flatten()
            .and_then(|hex| u8::from_str_radix(hex, 16).ok());
        match escaped {
            Some(value) => {
                decoded.push(value);
                origins.push(index);
                index += 3;
            }
            None => {
                decoded.push(byte);
                origins.push(index);
                index += 1;
            }
        }
    }
    origins.push(bytes.len());
    Some(MappedText {
        text: String::from_utf8(decoded).ok()?,
        origins,
    })
}

/// Reads the policy at `node` of `file`. `name` is the policy's own name
/// (`PolicyName`), `label` the name explanations give it. A text `cache`
/// has parsed before is not parsed again.
#[allow(clippy::too_many_arguments)]
pub fn read_policy(
    file: &LocatedFile,
    node: &JsonNode,
    path: &str,
    kind: PolicyKind,
    name: &str,
    label: &str,
    warnings: &mut Vec<InventoryWarning>,
    cache: &PolicyCache,
) -> Result<InventoryPolicy, InputError> {
    let source_text = file
        .offset_of(node.position)
        .and_then(|start| Some(start..value_end(file.text(), start)?))
        .and_then(|range| file.text().get(range));
    if let Some(cached) = source_text.and_then(|text| cache.get(kind, text)) {
        let relocate = |position: SourcePosition| moved(position, cached.anchor, node.position);
        let mut document = (*cached.document).clone();
        document.name = label.to_string();
        relocate_document(&mut document, &relocate);
        warnings.extend(cached.warnings.iter().map(|diagnostic| {
            let mut diagnostic = diagnostic.clone();
            diagnostic.location.file = file.file.to_string();
            diagnostic.location.position = relocate(diagnostic.location.position);
            diagnostic.location.json_path = format!("{path}{}", diagnostic.location.json_path);
            InventoryWarning::from(diagnostic)
        }));
        return Ok(InventoryPolicy {
            name: name.to_string(),
            kind,
            document: Arc::new(document),
            provenance: file.provenance(node, path, cached.encoding),
        });
    }
    let (policy, diagnostics) = parse_at(file, node, path, kind, name, label)?;
    if let Some(text) = source_text {
        let relative = diagnostics
            .iter()
            .map(|diagnostic| {
                let mut relative = diagnostic.clone();
                relative.location.json_path = diagnostic
                    .location
                    .json_path
                    .strip_prefix(path)
                    .unwrap_or_default()
                    .to_string();
                relative
            })
            .collect();
        cache.insert(
            kind,
            text,
            CachedPolicy {
                document: policy.document.clone(),
                anchor: node.position,
                warnings: relative,
                encoding: policy.provenance.encoding,
            },
        );
    }
    warnings.extend(diagnostics.into_iter().map(InventoryWarning::from));
    Ok(policy)
}

/// Parses the policy at `node`; returns it with the parser's warnings.
fn parse_at(
    file: &LocatedFile,
    node: &JsonNode,
    path: &str,
    kind: PolicyKind,
    name: &str,
    label: &str,
) -> Result<(InventoryPolicy, Vec<Diagnostic>), InputError> {
    match &node.value {
        JsonValue::Object(_) => {
            let parsed = parse_policy_node(node, &file.file, path, label, Some(kind))?;
            Ok((
                InventoryPolicy {
                    name: name.to_string(),
                    kind,
                    document: Arc::new(parsed.document),
                    provenance: file.provenance(node, path, PolicyEncoding::Document),
                },
                parsed.warnings,
            ))
        }
        JsonValue::String(value) => parse_string(file, node, value, path, kind, name, label),
        other => Err(file.error(
            node,
            path,
            format!(
                "expected a policy: a JSON object, or a string holding its JSON text (plain or URL-encoded); found {}",
                other.kind_name()
            ),
        )),
    }
}

fn parse_string(
    file: &LocatedFile,
    node: &JsonNode,
    value: &str,
    path: &str,
    kind: PolicyKind,
    name: &str,
    label: &str,
) -> Result<(InventoryPolicy, Vec<Diagnostic>), InputError> {
    // Where each byte of the string's value is written in the file.
    let literal = file
        .offset_of(node.position)
        .and_then(|start| decode_string_literal(file.text(), start))
        .filter(|literal| literal.text == value);
    let trimmed = value.trim_start();
    let (encoding, policy_text, url_origins) = if trimmed.starts_with('{') {
        (PolicyEncoding::JsonString, value.to_string(), None)
    } else if trimmed.starts_with('%') {
        let decoded = percent_decode(value).ok_or_else(|| {
            file.error(
                node,
                path,
                "the URL-encoded policy does not decode to UTF-8 text",
            )
        })?;
        (
            PolicyEncoding::UrlEncodedJsonString,
            decoded.text,
            Some(decoded.origins),
        )
    } else {
        return Err(file.error(
            node,
            path,
            "expected a policy document: this string holds neither JSON text (`{…`) nor URL-encoded JSON text (`%7B…`)",
        ));
    };
    let inner_line_starts = line_starts_of(&policy_text);
    let string_start = node.position;
    let relocate = |inner: SourcePosition| -> SourcePosition {
        let Some(literal) = &literal else {
            return string_start;
        };
        let located = offset_in(&policy_text, &inner_line_starts, inner)
            .and_then(|offset| match &url_origins {
                Some(origins) => origins.get(offset).copied(),
                None => Some(offset),
            })
            .and_then(|offset| literal.origins.get(offset).copied());
        located.map_or(string_start, |offset| file.position_of(offset))
    };
    let parsed = parse_policy(&policy_text, &file.file, Some(kind)).map_err(|mut error| {
        if let PolicyError::InvalidJson(diagnostic) | PolicyError::InvalidPolicy(diagnostic) =
            &mut error
        {
            relocate_diagnostic(diagnostic, path, &relocate);
        }
        InputError::Policy(error)
    })?;
    let warnings = parsed
        .warnings
        .into_iter()
        .map(|mut diagnostic| {
            relocate_diagnostic(&mut diagnostic, path, &relocate);
            diagnostic
        })
        .collect();
    let mut document = parsed.document;
    document.name = label.to_string();
    relocate_document(&mut document, &relocate);
    Ok((
        InventoryPolicy {
            name: name.to_string(),
            kind,
            document: Arc::new(document),
            provenance: file.provenance(node, path, encoding),
        },
        warnings,
    ))
}

/// JSON text held in a string of a located file (a CloudTrail record's
/// `CloudTrailEvent`, a decoded authorization message's `DecodedMessage`),
/// parsed with every position moved to where its text is written in the
/// file, as a policy string's are. An error in the text is reported at its
/// place in the file, under the string's JSON path followed by `>`.
pub fn read_embedded_json(
    file: &LocatedFile,
    node: &JsonNode,
    path: &str,
) -> Result<JsonNode, InputError> {
    let JsonValue::String(value) = &node.value else {
        return Err(file.error(
            node,
            path,
            format!(
                "expected a string holding JSON text, found {}",
                node.value.kind_name()
            ),
        ));
    };
    let literal = file
        .offset_of(node.position)
        .and_then(|start| decode_string_literal(file.text(), start))
        .filter(|literal| literal.text == *value);
    let line_starts = line_starts_of(value);
    let relocate = |inner: SourcePosition| -> SourcePosition {
        literal
            .as_ref()
            .and_then(|literal| {
                offset_in(value, &line_starts, inner)
                    .and_then(|offset| literal.origins.get(offset).copied())
            })
            .map_or(node.position, |offset| file.position_of(offset))
    };
    let mut root = crate::policy::json::parse_json(value).map_err(|error| {
        InputError::invalid(
            &file.file,
            relocate(error.position),
            &format!("{path}>"),
            format!("invalid JSON inside the string: {}", error.message),
        )
    })?;
    relocate_tree(&mut root, &relocate);
    Ok(root)
}

fn relocate_tree(node: &mut JsonNode, relocate: &dyn Fn(SourcePosition) -> SourcePosition) {
    node.position = relocate(node.position);
    match &mut node.value {
        JsonValue::Array(items) => {
            for item in items {
                relocate_tree(item, relocate);
            }
        }
        JsonValue::Object(members) => {
            for (key, value) in members {
                key.position = relocate(key.position);
                relocate_tree(value, relocate);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(
        text: &str,
        kind: PolicyKind,
    ) -> Result<(InventoryPolicy, Vec<InventoryWarning>), InputError> {
        let file = LocatedFile::from_text(text.to_string(), "page.json").expect("valid JSON");
        let crate::policy::json::JsonValue::Object(members) = &file.root.value else {
            panic!("object")
        };
        let node = members[0].1.clone();
        let mut warnings = Vec::new();
        let policy = read_policy(
            &file,
            &node,
            "Policy",
            kind,
            "p",
            "p",
            &mut warnings,
            &PolicyCache::default(),
        )?;
        Ok((policy, warnings))
    }

    #[test]
    fn a_policy_string_is_located_inside_the_string() {
        // The statement starts at column 38 of line 2 of the file.
        let text = "{\n  \"Policy\": \"{\\\"Version\\\":\\\"2012-10-17\\\",\\\"Statement\\\":[{\\\"Effect\\\":\\\"Allow\\\",\\\"Action\\\":\\\"s3:*\\\",\\\"Resource\\\":\\\"*\\\"}]}\"\n}";
        let (policy, _) = read(text, PolicyKind::Identity).expect("parses");
        assert_eq!(policy.provenance.encoding, PolicyEncoding::JsonString);
        let statement = policy.document.statements[0].position;
        let line = text.lines().nth(1).unwrap();
        let column = line.find("{\\\"Effect").unwrap() + 1;
        assert_eq!(statement, SourcePosition { line: 2, column });
    }

    #[test]
    fn an_error_inside_a_url_encoded_string_points_into_the_string() {
        // {"Version":"2012-10-17","Statement":[{"Effect":"Alow","Action":"*","Resource":"*"}]}
        let encoded = "%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%7B%22Effect%22%3A%22Alow%22%2C%22Action%22%3A%22*%22%2C%22Resource%22%3A%22*%22%7D%5D%7D";
        let text = format!("{{\"PolicyDocument\": \"{encoded}\"}}");
        let error = read(&text, PolicyKind::Identity).expect_err("bad Effect");
        let InputError::Policy(PolicyError::InvalidPolicy(diagnostic)) = error else {
            panic!("policy error: {error:?}")
        };
        assert_eq!(diagnostic.location.json_path, "Policy>Statement[0].Effect");
        // The value `"Alow"` starts at its encoded quote, `%22` before `Alow`.
        let column = text.find("%22Alow").unwrap() + 1;
        assert_eq!(
            diagnostic.location.position,
            SourcePosition { line: 1, column }
        );
    }

    #[test]
    fn escapes_and_non_ascii_text_keep_columns_right() {
        let text = "{\"Policy\": \"{\\\"Statement\\\":[{\\\"Sid\\\":\\\"\\u00e9t\u{e9}\\\",\\\"Effect\\\":\\\"Deny\\\",\\\"Action\\\":\\\"*\\\",\\\"Resource\\\":\\\"*\\\",\\\"Condition\\\":{\\\"Bool\\\":{\\\"aws:SecureTransport\\\":\\\"false\\\"}}}]}\"}";
        let (policy, _) = read(text, PolicyKind::Identity).expect("parses");
        let condition = policy.document.statements[0].conditions[0].position;
        // A condition is located at its key, whose quote is written `\"`.
        let expected = text[..text.find("\\\"aws:SecureTransport").unwrap()]
            .chars()
            .count()
            + 1;
        assert_eq!(
            condition,
            SourcePosition {
                line: 1,
                column: expected
            }
        );
    }

    #[test]
    fn a_text_read_again_elsewhere_gets_its_own_positions() {
        let policy = r#"{
            "Statement": [{"Effect": "Deny", "Action": "*", "Resource": "*", "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]
        }"#;
        let encoded = "\"%7B%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%2C%22Action%22%3A%22s3%3A*%22%2C%22Resource%22%3A%22*%22%2C%22Principal%22%3A%22*%22%7D%5D%7D\"";
        let text = format!(
            "{{\"a\": {policy},\n \"b\": [1, {policy}],\n\n  \"c\": {encoded}, \"d\": {encoded}}}"
        );
        let file = LocatedFile::from_text(text, "page.json").expect("valid JSON");
        let JsonValue::Object(members) = &file.root.value else {
            panic!("object")
        };
        let JsonValue::Array(items) = &members[1].1.value else {
            panic!("array")
        };
        let nodes = [&members[0].1, &items[1], &members[2].1, &members[3].1];
        let cache = PolicyCache::default();
        let read = |node: &JsonNode, cache: &PolicyCache| {
            let mut warnings = Vec::new();
            let policy = read_policy(
                &file,
                node,
                "P",
                PolicyKind::Identity,
                "p",
                "p",
                &mut warnings,
                cache,
            )
            .expect("parses");
            (policy, warnings)
        };
        for node in nodes {
            let (cached, cached_warnings) = read(node, &cache);
            let (fresh, fresh_warnings) = read(node, &PolicyCache::default());
            assert_eq!(cached.document, fresh.document);
            assert_eq!(cached_warnings, fresh_warnings);
            assert_eq!(cached.provenance, fresh.provenance);
        }
        // The identity policy naming a Principal warns at each occurrence.
        let (_, warnings) = read(&members[3].1, &cache);
        assert!(!warnings.is_empty());
        assert!(
            warnings
                .iter()
                .all(|warning| warning.json_path.starts_with("P>")),
            "{warnings:?}"
        );
    }

    #[test]
    fn a_string_that_is_no_policy_is_refused_where_it_stands() {
        let error =
            read("{\"Policy\": \"not a policy\"}", PolicyKind::Identity).expect_err("refused");
        assert!(
            error.to_string().contains("page.json:1:12: Policy"),
            "{error}"
        );
        let error = read("{\"Policy\": 3}", PolicyKind::Identity).expect_err("refused");
        assert!(error.to_string().contains("found a number"), "{error}");
    }

    #[test]
    fn invalid_json_inside_the_string_is_located_in_the_file() {
        let text = "{\"Policy\": \"{\\\"Statement\\\": [,]}\"}";
        let error = read(text, PolicyKind::Identity).expect_err("bad JSON");
        let InputError::Policy(PolicyError::InvalidJson(diagnostic)) = error else {
            panic!("JSON error: {error:?}")
        };
        assert_eq!(diagnostic.location.position.line, 1);
        assert!(diagnostic.location.position.column > 12, "{diagnostic}");
    }
}
