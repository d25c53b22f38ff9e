//! Wildcard patterns: the globs of Action, Resource, StringLike and ArnLike,
//! compiled once into tokens, and their concrete matcher.
//!
//! Rules (IAM User Guide, "IAM JSON policy elements: Resource",
//! https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html,
//! and "Action", .../reference_policies_elements_action.html): `*` matches any
//! run of characters and `?` one character. Actions compare case-insensitively.
//! In resource ARNs a wildcard stays inside its colon-separated segment,
//! except that a `*` ending a segment may expand beyond the colon boundaries.

use super::template::{ResolvedPiece, Template};

/// One token of a compiled glob.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum GlobToken {
    Literal(String),
    /// `*`: any run of characters; with `crosses_colons` false, a run without `:`.
    AnySequence {
        crosses_colons: bool,
    },
    /// `?`: one character; with `crosses_colons` false, not `:`.
    AnyCharacter {
        crosses_colons: bool,
    },
}

/// How wildcards in policy text relate to `:`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum WildcardRule {
    /// Wildcards match any character (actions, StringLike).
    Plain,
    /// Resource ARN rule: wildcards stay inside a segment, except a `*`
    /// ending a segment.
    ArnSegments,
    /// Within one ARN component (ArnLike, components one to five).
    WithinSegment,
    /// No wildcards at all: `*` and `?` are literal (StringEquals).
    Literal,
}

/// A compiled glob, with the common shapes recognised for speed.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Glob {
    pub tokens: Vec<GlobToken>,
    shape: GlobShape,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum GlobShape {
    Everything,
    Exact(String),
    Prefix(String),
    General,
}

impl Glob {
    /// Compiles policy text (all of it subject to `rule`).
    pub fn compile(text: &str, rule: WildcardRule) -> Glob {
        Glob::from_pieces(&[ResolvedPiece::PolicyText(text)], rule)
    }

    /// Compiles the pieces of a substituted template: wildcards only in
    /// policy text, literal pieces kept literal.
    pub fn from_pieces(pieces: &[ResolvedPiece<'_>], rule: WildcardRule) -> Glob {
        let mut characters = flatten_pieces(pieces);
        if rule == WildcardRule::Literal {
            characters
                .iter_mut()
                .for_each(|(_, wildcard)| *wildcard = false);
        }
        Glob::from_characters(&characters, rule)
    }

    /// Compiles characters flagged with whether they may act as wildcards.
    /// Flattening first lets "ends a segment" look across piece boundaries.
    fn from_characters(characters: &[(char, bool)], rule: WildcardRule) -> Glob {
        let mut tokens: Vec<GlobToken> = Vec::new();
        let mut literal = String::new();
        for (index, &(character, wildcard)) in characters.iter().enumerate() {
            let token = match (character, wildcard) {
                ('*', true) => {
                    let crosses_colons = match rule {
                        WildcardRule::Plain => true,
                        WildcardRule::ArnSegments => {
                            in_resource_component(characters, index)
                                || characters
                                    .get(index + 1)
                                    .is_none_or(|&(next, _)| next == ':')
                        }
                        _ => false,
                    };
                    GlobToken::AnySequence { crosses_colons }
                }
                ('?', true) => GlobToken::AnyCharacter {
                    crosses_colons: rule == WildcardRule::Plain
                        || (rule == WildcardRule::ArnSegments
                            && in_resource_component(characters, index)),
                },
                _ => {
                    literal.push(character);
                    continue;
                }
            };
            if !literal.is_empty() {
                tokens.push(GlobToken::Literal(std::mem::take(&mut literal)));
            }
            // Adjacent stars are one star (the stronger one wins).
            if let (
                GlobToken::AnySequence {
                    crosses_colons: new,
                },
                Some(GlobToken::AnySequence {
                    crosses_colons: old,
                }),
            ) = (&token, tokens.last_mut())
            {
                *old = *old || *new;
                continue;
            }
            tokens.push(token);
        }
        if !literal.is_empty() {
            tokens.push(GlobToken::Literal(literal));
        }
        let shape = match tokens.as_slice() {
            [GlobToken::AnySequence {
                crosses_colons: true,
            }] => GlobShape::Everything,
            [] => GlobShape::Exact(String::new()),
            [GlobToken::Literal(text)] => GlobShape::Exact(text.clone()),
            [GlobToken::Literal(text), GlobToken::AnySequence {
                crosses_colons: true,
            }] => GlobShape::Prefix(text.clone()),
            _ => GlobShape::General,
        };
        Glob { tokens, shape }
    }

    /// True when the glob has no wildcard.
    pub fn literal_text(&self) -> Option<&str> {
        match &self.shape {
            GlobShape::Exact(text) => Some(text),
            _ => None,
        }
    }

    pub fn matches_everything(&self) -> bool {
        self.shape == GlobShape::Everything
    }

    /// Concrete matching.
    pub fn matches(&self, text: &str) -> bool {
        match &self.shape {
            GlobShape::Everything => true,
            GlobShape::Exact(exact) => text == exact,
            GlobShape::Prefix(prefix) => text.starts_with(prefix.as_str()),
            GlobShape::General => general_match(&self.tokens, text),
        }
    }
}

/// Matching without allocation when every wildcard may cross colons: the
/// classic greedy algorithm that remembers the last star (correct because a
/// star that can absorb anything makes earlier choices irrelevant).
fn greedy_match(tokens: &[GlobToken], text: &str) -> bool {
    let text = text.as_bytes();
    let (mut token_index, mut literal_offset, mut position) = (0usize, 0usize, 0usize);
    // (token index after the star, text position the star stopped at)
    let mut last_star: Option<(usize, usize)> = None;
    loop {
        let advanced = match tokens.get(token_index) {
            Some(GlobToken::AnySequence { .. }) => {
                token_index += 1;
                literal_offset = 0;
                last_star = Some((token_index, position));
                continue;
            }
            Some(GlobToken::AnyCharacter { .. }) if position < text.len() => {
                // One character: skip a whole UTF-8 sequence.
                position += 1;
                while position < text.len() && (text[position] & 0xC0) == 0x80 {
                    position += 1;
                }
                token_index += 1;
                true
            }
            Some(GlobToken::Literal(literal)) => {
                let literal = literal.as_bytes();
                if position < text.len() && text[position] == literal[literal_offset] {
                    position += 1;
                    literal_offset += 1;
                    if literal_offset == literal.len() {
                        literal_offset = 0;
                        token_index += 1;
                    }
                    true
                } else {
                    false
                }
            }
            None if position == text.len() => return true,
            _ => false,
        };
        if !advanced {
            match last_star {
                Some((after_star, star_position)) if star_position < text.len() => {
                    let mut next = star_position + 1;
                    while next < text.len() && (text[next] & 0xC0) == 0x80 {
                        next += 1;
                    }
                    last_star = Some((after_star, next));
                    token_index = after_star;
                    literal_offset = 0;
                    position = next;
                }
                _ => return false,
            }
        }
    }
}

/// Backtracking-free matching: the set of reachable text positions is
/// advanced token by token (linear in tokens × text length).
fn general_match(tokens: &[GlobToken], text: &str) -> bool {
    let all_cross = tokens.iter().all(|token| match token {
        GlobToken::Literal(_) => true,
        GlobToken::AnySequence { crosses_colons } | GlobToken::AnyCharacter { crosses_colons } => {
            *crosses_colons
        }
    });
    if all_cross {
        return greedy_match(tokens, text);
    }
    let characters: Vec<char> = text.chars().collect();
    let length = characters.len();
    let mut reachable = vec![false; length + 1];
    reachable[0] = true;
    for token in tokens {
        let mut next = vec![false; length + 1];
        match token {
            GlobToken::Literal(literal) => {
                let literal: Vec<char> = literal.chars().collect();
                for start in 0..=length {
                    if reachable[start]
                        && start + literal.len() <= length
                        && characters[start..start + literal.len()] == literal[..]
                    {
                        next[start + literal.len()] = true;
                    }
                }
            }
            GlobToken::AnyCharacter { crosses_colons } => {
                for start in 0..length {
                    if reachable[start] && (*crosses_colons || characters[start] != ':') {
                        next[start + 1] = true;
                    }
                }
            }
            GlobToken::AnySequence { crosses_colons } => {
                let mut running = false;
                for position in 0..=length {
                    running |= reachable[position];
                    next[position] = running;
                    if position < length && !crosses_colons && characters[position] == ':' {
                        running = false;
                    }
                }
            }
        }
        reachable = next;
        if !reachable.iter().any(|&r| r) {
            return false;
        }
    }
    reachable[length]
}

/// An entry of `Action`/`NotAction`, compiled in lower case.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ActionPattern {
    /// As written.
    pub text: String,
    /// Compiled from the lower-case text with the plain wildcard rule.
    pub glob: Glob,
}

impl ActionPattern {
    pub fn new(text: &str) -> ActionPattern {
        ActionPattern {
            text: text.to_string(),
            glob: Glob::compile(&text.to_ascii_lowercase(), WildcardRule::Plain),
        }
    }

    /// `action_lowercase` must already be lower case.
    pub fn matches(&self, action_lowercase: &str) -> bool {
        self.glob.matches(action_lowercase)
    }
}

/// An entry of `Resource`/`NotResource`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ResourcePattern {
    pub text: String,
    pub template: Template,
    /// Precompiled when the pattern holds no policy variable.
    pub constant_glob: Option<Glob>,
}

impl ResourcePattern {
    pub fn new(text: &str, substitute_variables: bool) -> ResourcePattern {
        let template = Template::parse(text, substitute_variables);
        let constant_glob = template.is_constant().then(|| {
            let pieces = template
                .resolve(&|_| None)
                .unwrap_or_else(|| vec![ResolvedPiece::PolicyText(text)]);
            Glob::from_pieces(&pieces, WildcardRule::ArnSegments)
        });
        ResourcePattern {
            text: text.to_string(),
            template,
            constant_glob,
        }
    }
}

/// Splits an ARN into its six components (the last keeps its colons), or
/// `None` when it has fewer than six.
pub fn split_arn(arn: &str) -> Option<[&str; 6]> {
    let mut parts = arn.splitn(6, ':');
    let components = [
        parts.next()?,
        parts.next()?,
        parts.next()?,
        parts.next()?,
        parts.next()?,
        parts.next()?,
    ];
    Some(components)
}

/// Whether `index` lies in the sixth ARN component (after five colons), the
/// resource part, where colons are ordinary characters
/// (`arn:aws:logs:r:a:log-group:g:log-stream:s`).
fn in_resource_component(characters: &[(char, bool)], index: usize) -> bool {
    characters[..index]
        .iter()
        .filter(|&&(character, _)| character == ':')
        .count()
        >= 5
}

/// Flattens resolved pieces into characters flagged with whether they come
/// from policy text (and so may act as wildcards).
fn flatten_pieces(pieces: &[ResolvedPiece<'_>]) -> Vec<(char, bool)> {
    let mut characters = Vec::new();
    for piece in pieces {
        match piece {
            ResolvedPiece::PolicyText(text) => characters.extend(text.chars().map(|c| (c, true))),
            ResolvedPiece::Literal(text) => characters.extend(text.chars().map(|c| (c, false))),
        }
    }
    characters
}

/// An ArnLike/ArnEquals value compiled for matching: `*` alone matches
/// anything; otherwise both sides must have six components and each
/// component matches its glob (wildcards stay inside components one to five;
/// the sixth, the resource, keeps its colons).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ArnPattern {
    Everything,
    Components(Box<[Glob; 6]>),
    /// Not ARN-shaped: matches only the identical text.
    Malformed(String),
}

impl ArnPattern {
    pub fn compile(pieces: &[ResolvedPiece<'_>]) -> ArnPattern {
        let characters = flatten_pieces(pieces);
        if characters == [('*', true)] {
            return ArnPattern::Everything;
        }
        let mut components: Vec<&[(char, bool)]> = Vec::with_capacity(6);
        let mut rest = characters.as_slice();
        while components.len() < 5 {
            match rest.iter().position(|&(character, _)| character == ':') {
                Some(colon) => {
                    components.push(&rest[..colon]);
                    rest = &rest[colon + 1..];
                }
                None => break,
            }
        }
        components.push(rest);
        if components.len() < 6 {
            return ArnPattern::Malformed(characters.iter().map(|&(c, _)| c).collect());
        }
        let globs: [Glob; 6] = std::array::from_fn(|index| {
            let rule = if index == 5 {
                WildcardRule::Plain
            } else {
                WildcardRule::WithinSegment
            };
            Glob::from_characters(components[index], rule)
        });
        ArnPattern::Components(Box::new(globs))
    }

    pub fn matches(&self, value: &str) -> bool {
        match self {
            ArnPattern::Everything => true,
            ArnPattern::Malformed(text) => value == text,
            ArnPattern::Components(globs) => match split_arn(value) {
                Some(components) => globs
                    .iter()
                    .zip(components)
                    .all(|(glob, component)| glob.matches(component)),
                None => false,
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resource(pattern: &str, arn: &str) -> bool {
        Glob::compile(pattern, WildcardRule::ArnSegments).matches(arn)
    }

    #[test]
    fn action_patterns_ignore_case() {
        let pattern = ActionPattern::new("S3:Get*");
        assert!(pattern.matches("s3:getobject"));
        assert!(!pattern.matches("s3:putobject"));
        assert!(ActionPattern::new("s3:?etObject").matches("s3:getobject"));
        assert!(!ActionPattern::new("s3:?etObject").matches("s3:gettobject"));
        assert!(ActionPattern::new("*").matches("iam:passrole"));
    }

    #[test]
    fn resource_wildcards_respect_segments() {
        assert!(resource("*", "arn:aws:s3:::bucket/key"));
        assert!(resource(
            "arn:aws:s3:::bucket/*",
            "arn:aws:s3:::bucket/a/b:c"
        ));
        assert!(!resource("arn:aws:s3:::bucket", "arn:aws:s3:::bucket/key"));
        assert!(!resource("arn:aws:s3:::bucket/*", "arn:aws:s3:::bucket"));
        // A `*` inside a segment does not cross a colon.
        assert!(!resource(
            "arn:aws:iam::1*2:role/x",
            "arn:aws:iam::1:2:role/x"
        ));
        // A `*` ending a segment may.
        assert!(resource(
            "arn:aws:logs:us-east-1:1:log-group:*",
            "arn:aws:logs:us-east-1:1:log-group:g:log-stream:s"
        ));
        assert!(resource(
            "arn:aws:iam::*",
            "arn:aws:iam::123456789012:role/x"
        ));
        // `?` is one non-colon character; case matters.
        assert!(resource("arn:aws:s3:::b?cket", "arn:aws:s3:::bucket"));
        assert!(!resource("arn:aws:s3:::Bucket", "arn:aws:s3:::bucket"));
    }

    #[test]
    fn arn_like_compares_components() {
        let pattern = |text: &str| ArnPattern::compile(&[ResolvedPiece::PolicyText(text)]);
        assert!(pattern("arn:aws:iam::*:role/admin-*")
            .matches("arn:aws:iam::123456789012:role/admin-x"));
        assert!(!pattern("arn:aws:iam::*:role/admin-*")
            .matches("arn:aws:iam::123456789012:user/admin-x"));
        assert!(pattern("arn:aws:sqs:*:*:*").matches("arn:aws:sqs:us-east-1:1:q"));
        assert!(!pattern("arn:aws:sqs:*:*:*").matches("not-an-arn"));
        assert!(pattern("*").matches("anything"));
    }

    #[test]
    fn greedy_and_general_matching_agree() {
        let patterns = [
            "a*b?c", "*ab*", "a?*", "*", "?", "ab", "*a*a*a", "x*y*z", "é*?", "",
        ];
        let texts = [
            "abxc", "ab", "aab", "", "a", "xyz", "xaayz", "aaa", "éé", "abbc", "ba",
        ];
        for pattern in patterns {
            let plain = Glob::compile(pattern, WildcardRule::Plain);
            let segmented = Glob::compile(pattern, WildcardRule::WithinSegment);
            for text in texts {
                let reachable_set = {
                    // Force the reachable-set path with a never-crossing twin
                    // on colon-free text.
                    segmented.matches(text)
                };
                assert_eq!(plain.matches(text), reachable_set, "{pattern} vs {text}");
            }
        }
    }

    #[test]
    fn escaped_wildcards_are_literal() {
        let glob = Glob::from_pieces(
            &[
                ResolvedPiece::PolicyText("a"),
                ResolvedPiece::Literal("*".into()),
            ],
            WildcardRule::Plain,
        );
        assert!(glob.matches("a*"));
        assert!(!glob.matches("ab"));
    }
}
