//! Policy variables: text such as `home/${aws:username}/*` split into literal
//! text and `${…}` references, substituted per request.
//!
//! Rules (IAM User Guide, "IAM policy elements: Variables and tags",
//! https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html):
//! only Version 2012-10-17 substitutes; `${*}`, `${?}` and `${$}` stand for the
//! literal characters; `${key, 'default'}` gives a default used when the key
//! is absent; a variable whose key is absent (and has no default) makes the
//! value match nothing. Substituted text is literal: a `*` in a user name is
//! not a wildcard.

/// A piece of a templated value.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum TemplatePart {
    /// Policy text; `*` and `?` in it are wildcards where the operator allows.
    Text(String),
    /// A character written as `${*}`, `${?}` or `${$}`: always literal.
    EscapedCharacter(char),
    /// `${key}` or `${key, 'default'}`.
    Variable {
        key: String,
        key_lowercase: String,
        default: Option<String>,
    },
}

/// A value split into parts. A value without `${` is one `Text` part.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct Template {
    pub parts: Vec<TemplatePart>,
}

/// One piece of a substituted value: policy text (wildcards live) or
/// literal text (from an escape or a variable's value).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ResolvedPiece<'a> {
    PolicyText(&'a str),
    Literal(std::borrow::Cow<'a, str>),
}

impl Template {
    /// Splits `text` into parts. With `substitute` false (Version 2008-10-17
    /// or absent) the whole text is literal policy text.
    pub fn parse(text: &str, substitute: bool) -> Template {
        if !substitute || !text.contains("${") {
            return Template {
                parts: vec![TemplatePart::Text(text.to_string())],
            };
        }
        let mut parts = Vec::new();
        let mut rest = text;
        let mut pending = String::new();
        while let Some(start) = rest.find("${") {
            let after = &rest[start + 2..];
            let Some(end) = after.find('}') else {
                break;
            };
            pending.push_str(&rest[..start]);
            let inner = after[..end].trim();
            rest = &after[end + 1..];
            let part = match inner {
                "*" => TemplatePart::EscapedCharacter('*'),
                "?" => TemplatePart::EscapedCharacter('?'),
                "$" => TemplatePart::EscapedCharacter('$'),
                _ => parse_variable(inner),
            };
            if !pending.is_empty() {
                parts.push(TemplatePart::Text(std::mem::take(&mut pending)));
            }
            parts.push(part);
        }
        pending.push_str(rest);
        if !pending.is_empty() || parts.is_empty() {
            parts.push(TemplatePart::Text(pending));
        }
        Template { parts }
    }

    /// True when the value holds no variable (escapes are fine).
    pub fn is_constant(&self) -> bool {
        !self
            .parts
            .iter()
            .any(|part| matches!(part, TemplatePart::Variable { .. }))
    }

    /// The keys this value refers to, in lower case.
    pub fn variable_keys(&self) -> impl Iterator<Item = &str> {
        self.parts.iter().filter_map(|part| match part {
            TemplatePart::Variable { key_lowercase, .. } => Some(key_lowercase.as_str()),
            _ => None,
        })
    }

    /// Substitutes variables with `lookup` (by lower-case key). `None` when a
    /// variable's key is absent and it has no default: the value then matches
    /// nothing.
    pub fn resolve<'a>(
        &'a self,
        lookup: &dyn Fn(&str) -> Option<&'a str>,
    ) -> Option<Vec<ResolvedPiece<'a>>> {
        self.parts
            .iter()
            .map(|part| match part {
                TemplatePart::Text(text) => Some(ResolvedPiece::PolicyText(text)),
                TemplatePart::EscapedCharacter(character) => {
                    Some(ResolvedPiece::Literal(character.to_string().into()))
                }
                TemplatePart::Variable {
                    key_lowercase,
                    default,
                    ..
                } => lookup(key_lowercase)
                    .or(default.as_deref())
                    .map(|value| ResolvedPiece::Literal(value.into())),
            })
            .collect()
    }

    /// The text with every piece taken literally (for operators without
    /// wildcards), or `None` when a variable is unresolved.
    pub fn resolve_to_string<'a>(
        &'a self,
        lookup: &dyn Fn(&str) -> Option<&'a str>,
    ) -> Option<String> {
        Some(joined(&self.resolve(lookup)?))
    }
}

/// Resolved pieces as one text, every piece taken literally.
pub fn joined(pieces: &[ResolvedPiece<'_>]) -> String {
    pieces
        .iter()
        .map(|piece| match piece {
            ResolvedPiece::PolicyText(text) => *text,
            ResolvedPiece::Literal(text) => text.as_ref(),
        })
        .collect()
}

fn parse_variable(inner: &str) -> TemplatePart {
    let (key, default) = match inner.split_once(',') {
        Some((key, default)) => {
            let default = default.trim();
            let default = default
                .strip_prefix('\'')
                .and_then(|rest| rest.strip_suffix('\''))
                .unwrap_or(default);
            (key.trim(), Some(default.to_string()))
        }
        None => (inner, None),
    };
    TemplatePart::Variable {
        key: key.to_string(),
        key_lowercase: key.to_ascii_lowercase(),
        default,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_variables_escapes_and_defaults() {
        let template = Template::parse(
            "home/${aws:username}/${*}x${aws:PrincipalTag/team, 'none'}",
            true,
        );
        assert_eq!(
            template.parts,
            vec![
                TemplatePart::Text("home/".into()),
                TemplatePart::Variable {
                    key: "aws:username".into(),
                    key_lowercase: "aws:username".into(),
                    default: None
                },
                TemplatePart::Text("/".into()),
                TemplatePart::EscapedCharacter('*'),
                TemplatePart::Text("x".into()),
                TemplatePart::Variable {
                    key: "aws:PrincipalTag/team".into(),
                    key_lowercase: "aws:principaltag/team".into(),
                    default: Some("none".into())
                },
            ]
        );
    }

    #[test]
    fn version_2008_keeps_text_literal() {
        let template = Template::parse("home/${aws:username}", false);
        assert!(template.is_constant());
    }

    #[test]
    fn missing_key_without_default_resolves_to_nothing() {
        let template = Template::parse("${aws:username}", true);
        assert_eq!(template.resolve_to_string(&|_| None), None);
        let template = Template::parse("${aws:username,'guest'}", true);
        assert_eq!(
            template.resolve_to_string(&|_| None).as_deref(),
            Some("guest")
        );
    }
}
