//! Condition keys: their value types, and lookup by name including templated
//! names.
//!
//! A condition key is a named value in the request context (`aws:SourceIp`,
//! `s3:prefix`). Its type decides which condition operators make sense and how
//! the prover models its value. Some keys are families written with a
//! placeholder: `aws:RequestTag/${TagKey}` stands for `aws:RequestTag/team`,
//! `aws:RequestTag/cost-center`, and so on; `s3:ExistingObjectTag/<key>` is the
//! same idea in another spelling. A lookup of `aws:RequestTag/team` resolves to
//! the template and its type.
//!
//! Trusts: the names and types in the catalog (AWS documents condition key
//! names as case-insensitive, so lookups ignore ASCII case). A placeholder
//! stands for one or more characters of any kind, `/` included, because tag
//! keys may contain `/`.

use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;

use serde::Deserialize;

/// The type of a condition key's value, as the AWS Service Authorization
/// Reference names it. `ArrayOf…` types are multivalued keys: the request may
/// carry a set of values, tested with `ForAllValues:` / `ForAnyValue:`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize)]
pub enum ConditionKeyType {
    String,
    ArrayOfString,
    Numeric,
    ArrayOfNumeric,
    Date,
    ArrayOfDate,
    /// A point in time given as seconds since 1970 that works with both the
    /// date operators and the numeric operators (`aws:EpochTime`).
    DateOrNumeric,
    Bool,
    ArrayOfBool,
    #[serde(rename = "IPAddress")]
    IpAddress,
    #[serde(rename = "ArrayOfIPAddress")]
    ArrayOfIpAddress,
    #[serde(rename = "ARN")]
    Arn,
    #[serde(rename = "ArrayOfARN")]
    ArrayOfArn,
    Binary,
    ArrayOfBinary,
}

impl ConditionKeyType {
    /// The name AWS uses for this type (`IPAddress`, `ArrayOfARN`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::String => "String",
            Self::ArrayOfString => "ArrayOfString",
            Self::Numeric => "Numeric",
            Self::ArrayOfNumeric => "ArrayOfNumeric",
            Self::Date => "Date",
            Self::ArrayOfDate => "ArrayOfDate",
            Self::DateOrNumeric => "DateOrNumeric",
            Self::Bool => "Bool",
            Self::ArrayOfBool => "ArrayOfBool",
            Self::IpAddress => "IPAddress",
            Self::ArrayOfIpAddress => "ArrayOfIPAddress",
            Self::Arn => "ARN",
            Self::ArrayOfArn => "ArrayOfARN",
            Self::Binary => "Binary",
            Self::ArrayOfBinary => "ArrayOfBinary",
        }
    }

    /// Whether the request may carry several values for the key.
    pub fn is_multivalued(self) -> bool {
        self != self.single_value_type()
    }

    /// The type of one value: `ArrayOfString` → `String`; single-valued types
    /// are their own value type.
    pub fn single_value_type(self) -> ConditionKeyType {
        match self {
            Self::ArrayOfString => Self::String,
            Self::ArrayOfNumeric => Self::Numeric,
            Self::ArrayOfDate => Self::Date,
            Self::ArrayOfBool => Self::Bool,
            Self::ArrayOfIpAddress => Self::IpAddress,
            Self::ArrayOfArn => Self::Arn,
            Self::ArrayOfBinary => Self::Binary,
            single => single,
        }
    }
}

impl fmt::Display for ConditionKeyType {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(self.as_str())
    }
}

/// What a global condition key describes, following the sections of the AWS
/// page "AWS global condition context keys". It hints at who controls the
/// value: the caller's identity (`Principal`, `Session`), the network path
/// (`Network`), the target (`Resource`) or the request itself (`Request`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum GlobalKeyCategory {
    Principal,
    Session,
    Network,
    Resource,
    Request,
}

/// One condition key as the catalog defines it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConditionKey {
    /// Shared with every action and resource type that names the key, so
    /// that the catalog holds each name once.
    name: Arc<str>,
    value_type: ConditionKeyType,
    global_category: Option<GlobalKeyCategory>,
}

impl ConditionKey {
    pub(super) fn new(
        name: Arc<str>,
        value_type: ConditionKeyType,
        global_category: Option<GlobalKeyCategory>,
    ) -> Self {
        Self {
            name,
            value_type,
            global_category,
        }
    }

    /// The name in canonical case; a template keeps its placeholder
    /// (`aws:RequestTag/${TagKey}`).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The type of the key's value.
    pub fn value_type(&self) -> ConditionKeyType {
        self.value_type
    }

    /// For a global condition key (one usable with every service), what it
    /// describes; `None` for a key only some services define.
    pub fn global_category(&self) -> Option<GlobalKeyCategory> {
        self.global_category
    }

    /// The name as a shared string, for the loader to hand out to the actions
    /// and resource types that refer to the key.
    pub(super) fn shared_name(&self) -> &Arc<str> {
        &self.name
    }

    /// Whether the name holds a placeholder and so stands for a family of keys.
    pub fn is_template(&self) -> bool {
        KeyTemplate::parse(&self.name).is_some()
    }
}

/// A templated key name split at its placeholders, in lower case:
/// `aws:RequestTag/${TagKey}` → `["aws:requesttag/", ""]`.
#[derive(Debug, Clone)]
struct KeyTemplate {
    /// The literal text around the placeholders; one more piece than there
    /// are placeholders.
    literal_pieces: Vec<String>,
    /// How many literal bytes the template has; among several templates that
    /// match a name, the one with most literal text is the most specific.
    literal_length: usize,
}

impl KeyTemplate {
    /// Splits a name at its `${…}` and `<…>` placeholders; `None` when it has
    /// none (an ordinary key).
    fn parse(name: &str) -> Option<Self> {
        let mut literal_pieces = Vec::new();
        let mut rest = name;
        loop {
            let placeholder = [("${", '}'), ("<", '>')]
                .iter()
                .filter_map(|(opening, closing)| {
                    let start = rest.find(opening)?;
                    let length = rest[start..].find(*closing)? + 1;
                    Some((start, length))
                })
                .min();
            match placeholder {
                Some((start, length)) => {
                    literal_pieces.push(rest[..start].to_ascii_lowercase());
                    rest = &rest[start + length..];
                }
                None => {
                    literal_pieces.push(rest.to_ascii_lowercase());
                    break;
                }
            }
        }
        if literal_pieces.len() < 2 {
            return None;
        }
        let literal_length = literal_pieces.iter().map(String::len).sum();
        Some(Self {
            literal_pieces,
            literal_length,
        })
    }

    /// Whether `name_lowercase` is this template with each placeholder
    /// replaced by one or more characters.
    ///
    /// Each placeholder skips at least one byte, then the next literal piece is
    /// taken at its leftmost occurrence: leftmost is never worse, because it
    /// leaves the most text for the pieces after it. The last piece must end
    /// the name. Linear in the name's length per piece, no backtracking.
    fn matches(&self, name_lowercase: &str) -> bool {
        let text = name_lowercase.as_bytes();
        let (first, rest) = match self.literal_pieces.split_first() {
            Some(split) => split,
            None => return false,
        };
        let (last, middle) = match rest.split_last() {
            Some(split) => split,
            None => return false,
        };
        if !text.starts_with(first.as_bytes()) {
            return false;
        }
        let mut position = first.len();
        for piece in middle {
            position += 1; // the placeholder before this piece
            if position > text.len() {
                return false;
            }
            match find_bytes(&text[position..], piece.as_bytes()) {
                Some(offset) => position += offset + piece.len(),
                None => return false,
            }
        }
        position += 1; // the placeholder before the last piece
        text.len() >= position + last.len() && text.ends_with(last.as_bytes())
    }
}

fn find_bytes(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    if needle.is_empty() {
        return Some(0);
    }
    haystack
        .windows(needle.len())
        .position(|window| window == needle)
}

/// A set of condition keys with lookup by name, ignoring ASCII case, that
/// falls back to templates.
#[derive(Debug, Default)]
pub(super) struct ConditionKeyTable {
    keys: Vec<ConditionKey>,
    /// Lower-case name → index in `keys`, for every key (templates included,
    /// under their literal name).
    by_lowercase_name: HashMap<String, usize>,
    /// The templated keys, each with its parsed form.
    templates: Vec<(KeyTemplate, usize)>,
}

impl ConditionKeyTable {
    /// Adds `key` unless a key with the same name (ignoring case) is already
    /// there; returns whether it was added.
    pub(super) fn insert(&mut self, key: ConditionKey) -> bool {
        let lowercase_name = key.name.to_ascii_lowercase();
        if self.by_lowercase_name.contains_key(&lowercase_name) {
            return false;
        }
        let index = self.keys.len();
        if let Some(template) = KeyTemplate::parse(&key.name) {
            self.templates.push((template, index));
        }
        self.by_lowercase_name.insert(lowercase_name, index);
        self.keys.push(key);
        true
    }

    /// Every key, in insertion order.
    pub(super) fn keys(&self) -> &[ConditionKey] {
        &self.keys
    }

    /// The key of exactly this name (ignoring case), without template
    /// matching. Used to check names the catalog itself refers to.
    pub(super) fn get_exact(&self, name: &str) -> Option<&ConditionKey> {
        self.by_lowercase_name
            .get(&name.to_ascii_lowercase())
            .map(|&index| &self.keys[index])
    }

    /// The key called `name` (ignoring case), else the most specific template
    /// that `name` instantiates: the one with the most literal text, and among
    /// equals the one inserted first.
    pub(super) fn lookup(&self, name: &str) -> Option<&ConditionKey> {
        let lowercase_name = name.to_ascii_lowercase();
        if let Some(&index) = self.by_lowercase_name.get(&lowercase_name) {
            return Some(&self.keys[index]);
        }
        let mut best: Option<(usize, usize)> = None;
        for (template, index) in &self.templates {
            if template.matches(&lowercase_name)
                && best.is_none_or(|(length, _)| template.literal_length > length)
            {
                best = Some((template.literal_length, *index));
            }
        }
        best.map(|(_, index)| &self.keys[index])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn template(name: &str) -> KeyTemplate {
        KeyTemplate::parse(name).expect("a templated name")
    }

    #[test]
    fn names_without_placeholders_are_not_templates() {
        assert!(KeyTemplate::parse("aws:SourceIp").is_none());
        assert!(KeyTemplate::parse("s3:x-amz-acl").is_none());
    }

    #[test]
    fn a_placeholder_stands_for_one_or_more_characters() {
        let tag = template("aws:RequestTag/${TagKey}");
        assert!(tag.matches("aws:requesttag/team"));
        assert!(tag.matches("aws:requesttag/kubernetes.io/cluster/x"));
        assert!(!tag.matches("aws:requesttag/"));
        assert!(!tag.matches("aws:requesttag"));
        assert!(!tag.matches("aws:resourcetag/team"));
    }

    #[test]
    fn placeholders_may_sit_anywhere_in_the_name() {
        let angle = template("s3:ExistingObjectTag/<key>");
        assert!(angle.matches("s3:existingobjecttag/classification"));
        let inner = template("codebuild:secondarySources/${sourceIdentifier}.auth.type");
        assert!(inner.matches("codebuild:secondarysources/source1.auth.type"));
        assert!(inner.matches("codebuild:secondarysources/a.b.auth.type"));
        assert!(!inner.matches("codebuild:secondarysources/.auth.type"));
        assert!(!inner.matches("codebuild:secondarysources/source1.auth.types"));
        let two = template("agent.${Domain}.buildkite.dev/${Path}:sub");
        assert!(two.matches("agent.acme.buildkite.dev/pipeline:sub"));
        assert!(!two.matches("agent..buildkite.dev/pipeline:sub"));
        assert!(!two.matches("agent.acme.buildkite.dev/:sub"));
    }

    #[test]
    fn the_literal_part_of_a_name_ignores_case() {
        let mut table = ConditionKeyTable::default();
        table.insert(ConditionKey::new(
            "aws:RequestTag/${TagKey}".into(),
            ConditionKeyType::String,
            None,
        ));
        table.insert(ConditionKey::new(
            "aws:TagKeys".into(),
            ConditionKeyType::ArrayOfString,
            None,
        ));
        let key = table.lookup("AWS:requesttag/Team").expect("resolves");
        assert_eq!(key.name(), "aws:RequestTag/${TagKey}");
        assert_eq!(
            table.lookup("aws:tagkeys").map(ConditionKey::value_type),
            Some(ConditionKeyType::ArrayOfString)
        );
        assert!(table.lookup("aws:RequestTagX").is_none());
    }

    #[test]
    fn the_most_specific_template_wins() {
        let mut table = ConditionKeyTable::default();
        table.insert(ConditionKey::new(
            "svc:thing/${Name}".into(),
            ConditionKeyType::String,
            None,
        ));
        table.insert(ConditionKey::new(
            "svc:thing/${Name}.count".into(),
            ConditionKeyType::Numeric,
            None,
        ));
        assert_eq!(
            table
                .lookup("svc:thing/a.count")
                .map(ConditionKey::value_type),
            Some(ConditionKeyType::Numeric)
        );
        assert_eq!(
            table
                .lookup("svc:thing/a.size")
                .map(ConditionKey::value_type),
            Some(ConditionKeyType::String)
        );
    }

    #[test]
    fn multivalued_types_know_their_single_value_type() {
        assert!(ConditionKeyType::ArrayOfArn.is_multivalued());
        assert_eq!(
            ConditionKeyType::ArrayOfIpAddress.single_value_type(),
            ConditionKeyType::IpAddress
        );
        assert!(!ConditionKeyType::DateOrNumeric.is_multivalued());
        assert_eq!(ConditionKeyType::Arn.to_string(), "ARN");
    }
}
