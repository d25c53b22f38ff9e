//! Pattern compilation: a glob (of an Action, a Resource, a StringLike or an
//! ArnLike value) against a string term becomes string constraints.
//!
//! Cheapest exact form first, because z3's regex solver is fragile:
//! no wildcard → equality; one `*` → prefix ∧ suffix ∧ length (∧ "no colon
//! in the middle" for a segment-bound star); two crossing `*` around a
//! literal → prefix ∧ suffix ∧ `contains` on the middle; `?` → a length and
//! per-position character tests. Only the remaining shapes become regular
//! expressions, and only when the pattern is constant. Literal pieces may be
//! symbolic strings (policy variables), which never act as wildcards.
//!
//! Trusts the glob tokens compiled in `policy/pattern.rs` (the same ones the
//! concrete matcher runs).

use super::term::{GlobPiece, Regex, TemplateAtom, TemplateRule, Term, TermNode};
use crate::policy::pattern::GlobToken;
use crate::policy::pattern::{ArnPattern, Glob, WildcardRule};
use crate::policy::template::{joined, ResolvedPiece};

/// One item of a glob with possibly symbolic literal text.
#[derive(Debug, Clone)]
pub enum GlobItem {
    Literal(Term),
    /// `?`: one character (not `:` unless `crosses_colons`).
    One {
        crosses_colons: bool,
    },
    /// `*`: any run of characters (without `:` unless `crosses_colons`).
    Many {
        crosses_colons: bool,
    },
}

/// Why a pattern could not be compiled exactly.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("pattern not supported by the symbolic encoding: {0}")]
pub struct PatternUnsupported(pub String);

/// The items of a constant glob.
pub fn items_of_tokens(tokens: &[GlobToken]) -> Vec<GlobItem> {
    tokens
        .iter()
        .map(|token| match token {
            GlobToken::Literal(text) => GlobItem::Literal(Term::string(text)),
            GlobToken::AnyCharacter { crosses_colons } => GlobItem::One {
                crosses_colons: *crosses_colons,
            },
            GlobToken::AnySequence { crosses_colons } => GlobItem::Many {
                crosses_colons: *crosses_colons,
            },
        })
        .collect()
}

/// `subject` matches the glob.
pub fn glob_matches(subject: &Term, items: &[GlobItem]) -> Result<Term, PatternUnsupported> {
    // A choice between strings: match each branch (the branches are usually
    // concatenations with literal parts, which fold or stay simple).
    if let TermNode::Ite(condition, then, otherwise) = subject.node() {
        return Ok(Term::ite(
            condition,
            &glob_matches(then, items)?,
            &glob_matches(otherwise, items)?,
        ));
    }
    let items = normalise(items);
    // A constant glob: one node, encoded by each back end its own way.
    if matches!(
        subject.node(),
        TermNode::Variable { .. } | TermNode::Concat(_)
    ) {
        if let Some(pieces) = constant_pieces(&items) {
            return Ok(subject.matches(&pieces));
        }
    }
    compile_glob(subject, &items)
}

/// The glob's pieces when every literal is constant.
fn constant_pieces(items: &[GlobItem]) -> Option<Vec<GlobPiece>> {
    items
        .iter()
        .map(|item| match item {
            GlobItem::Literal(text) => text.as_string().map(|text| GlobPiece::Literal(text.into())),
            GlobItem::One { crosses_colons } => Some(GlobPiece::One {
                crosses_colons: *crosses_colons,
            }),
            GlobItem::Many { crosses_colons } => Some(GlobPiece::Many {
                crosses_colons: *crosses_colons,
            }),
        })
        .collect()
}

/// A [`TermNode::Matches`] atom as string constraints (for the z3 string
/// back end).
pub fn expand_matches(subject: &Term, pieces: &[GlobPiece]) -> Term {
    let items: Vec<GlobItem> = pieces
        .iter()
        .map(|piece| match piece {
            GlobPiece::Literal(text) => GlobItem::Literal(Term::string(text)),
            GlobPiece::One { crosses_colons } => GlobItem::One {
                crosses_colons: *crosses_colons,
            },
            GlobPiece::Many { crosses_colons } => GlobItem::Many {
                crosses_colons: *crosses_colons,
            },
        })
        .collect();
    // Constant pieces always compile (only symbolic literals can refuse).
    compile_glob(subject, &normalise(&items)).unwrap_or_else(|_| Term::falsity())
}

/// The cheapest exact string constraints for `subject` matching `items`.
fn compile_glob(subject: &Term, items: &[GlobItem]) -> Result<Term, PatternUnsupported> {
    let items = items.to_vec();
    // Segments between stars.
    let mut segments: Vec<Vec<GlobItem>> = vec![Vec::new()];
    let mut stars: Vec<bool> = Vec::new();
    for item in &items {
        match item {
            GlobItem::Many { crosses_colons } => {
                stars.push(*crosses_colons);
                segments.push(Vec::new());
            }
            other => segments
                .last_mut()
                .map(|s| s.push(other.clone()))
                .unwrap_or(()),
        }
    }
    let length = subject.length();
    match stars.as_slice() {
        [] => {
            let segment = &segments[0];
            if let Some(text) = all_literal(segment) {
                return Ok(subject.equals(&text));
            }
            let size = segment_length(segment);
            Ok(Term::and([
                length.equals(&size),
                chain(subject, segment, &Term::int(0), true, false),
            ]))
        }
        [crosses] => {
            let (head, tail) = (&segments[0], &segments[1]);
            if head.is_empty() && tail.is_empty() && *crosses {
                return Ok(Term::truth());
            }
            let head_length = segment_length(head);
            let tail_length = segment_length(tail);
            let tail_start = length.subtract(&tail_length);
            let mut parts = vec![
                Term::add([head_length.clone(), tail_length.clone()]).less_or_equal(&length),
                chain(subject, head, &Term::int(0), true, false),
                chain(subject, tail, &tail_start, false, true),
            ];
            if !crosses {
                let middle = subject.substring(&head_length, &tail_start.subtract(&head_length));
                parts.push(middle.contains(&Term::string(":")).not());
            }
            Ok(Term::and(parts))
        }
        [true, true] if all_literal(&segments[1]).is_some() => {
            let (head, tail) = (&segments[0], &segments[2]);
            let middle_text = all_literal(&segments[1]).unwrap_or_else(|| Term::string(""));
            if head.is_empty() && tail.is_empty() {
                // `*text*`: a plain containment test.
                return Ok(subject.contains(&middle_text));
            }
            let head_length = segment_length(head);
            let tail_length = segment_length(tail);
            let tail_start = length.subtract(&tail_length);
            let middle = subject.substring(&head_length, &tail_start.subtract(&head_length));
            Ok(Term::and([
                Term::add([head_length.clone(), tail_length.clone()]).less_or_equal(&length),
                chain(subject, head, &Term::int(0), true, false),
                chain(subject, tail, &tail_start, false, true),
                middle.contains(&middle_text),
            ]))
        }
        _ => Ok(subject.in_regex(regex_of(&items)?)),
    }
}

/// A resource glob (ArnSegments rule) against the resource modelled as
/// `ite(is_arn, "arn:" c1 ":" c2 ":" c3 ":" c4 ":" c5, "*")` with c1..c4
/// colon-free. A pattern matches the separators only with literal colons
/// or with a colon-crossing `*`; so it splits into one glob per component,
/// and each crossing `*` becomes a small disjunction over how many
/// separators it spans (it ends inside its own component, or inside one
/// of the following ones). Each component glob is over a short colon-free
/// variable: no concatenation for the solver to take apart.
pub fn resource_glob_matches(
    is_arn: &Term,
    components: &[Term; 5],
    items: &[GlobItem],
) -> Result<Term, PatternUnsupported> {
    let items = normalise(items);
    let star = glob_matches(&Term::string("*"), &items)?;
    let all: Vec<Term> = std::iter::once(Term::string("arn"))
        .chain(components.iter().cloned())
        .collect();
    let arn = match match_from(&all, 0, Vec::new(), &items) {
        Ok(term) => term,
        // A policy variable before the last component: match the whole ARN.
        Err(_) => glob_matches(&Term::concat(join_components(&all, 0)), &items)?,
    };
    Ok(Term::ite(is_arn, &arn, &star))
}

/// `items` (preceded by `current` in component `index`) match components
/// `index..=5` joined by colons.
fn match_from(
    all: &[Term],
    index: usize,
    mut current: Vec<GlobItem>,
    items: &[GlobItem],
) -> Result<Term, PatternUnsupported> {
    if index == 5 {
        current.extend(items.iter().cloned());
        return glob_matches(&all[5], &current);
    }
    for (position, item) in items.iter().enumerate() {
        match item {
            GlobItem::Literal(text) => {
                let Some(text) = text.as_string() else {
                    return Err(PatternUnsupported(
                        "a policy variable inside an ARN's first five components".into(),
                    ));
                };
                if let Some((before, after)) = text.split_once(':') {
                    if !before.is_empty() {
                        current.push(GlobItem::Literal(Term::string(before)));
                    }
                    let here = glob_matches(&all[index], &current)?;
                    if here.is_false() {
                        return Ok(here);
                    }
                    let mut rest = Vec::new();
                    if !after.is_empty() {
                        rest.push(GlobItem::Literal(Term::string(after)));
                    }
                    rest.extend(items[position + 1..].iter().cloned());
                    return Ok(here.and2(&match_from(all, index + 1, Vec::new(), &rest)?));
                }
                current.push(item.clone());
            }
            GlobItem::Many {
                crosses_colons: true,
            } => {
                let rest = &items[position + 1..];
                let bounded = GlobItem::Many {
                    crosses_colons: true,
                };
                let mut alternatives = Vec::new();
                // The star ends inside this component.
                let mut inside = current.clone();
                inside.push(bounded.clone());
                alternatives.push(match_from(all, index, inside, rest)?);
                // The star runs to the end of this component and into a later one.
                let mut head = current.clone();
                head.push(bounded.clone());
                let here = glob_matches(&all[index], &head)?;
                for target in index + 1..=5 {
                    let start = vec![GlobItem::Many {
                        crosses_colons: true,
                    }];
                    alternatives.push(here.and2(&match_from(all, target, start, rest)?));
                }
                return Ok(Term::or(alternatives));
            }
            // Components one to four are colon-free (an axiom of the request
            // model, checked on every model): a segment-bound wildcard needs
            // no colon test there.
            GlobItem::Many { .. } => current.push(GlobItem::Many {
                crosses_colons: true,
            }),
            GlobItem::One { .. } => current.push(GlobItem::One {
                crosses_colons: true,
            }),
        }
    }
    // The pattern ends before the sixth component: no ARN matches.
    Ok(Term::falsity())
}

/// `c_from ":" … ":" c5` as concatenation pieces.
fn join_components(components: &[Term], from: usize) -> Vec<Term> {
    let mut pieces = Vec::new();
    for (index, component) in components.iter().enumerate().skip(from) {
        if index > from {
            pieces.push(Term::string(":"));
        }
        pieces.push(component.clone());
    }
    pieces
}

/// Merges adjacent literals (so `a${x}b` is one literal piece).
fn normalise(items: &[GlobItem]) -> Vec<GlobItem> {
    let mut result: Vec<GlobItem> = Vec::new();
    for item in items {
        match (item, result.last_mut()) {
            (GlobItem::Literal(text), Some(GlobItem::Literal(previous))) => {
                *previous = Term::concat([previous.clone(), text.clone()]);
            }
            (
                GlobItem::Many { crosses_colons },
                Some(GlobItem::Many {
                    crosses_colons: previous,
                }),
            ) => {
                *previous = *previous || *crosses_colons;
            }
            _ => result.push(item.clone()),
        }
    }
    result
}

/// The segment's text when it holds no `?`.
fn all_literal(segment: &[GlobItem]) -> Option<Term> {
    let mut pieces = Vec::new();
    for item in segment {
        match item {
            GlobItem::Literal(text) => pieces.push(text.clone()),
            _ => return None,
        }
    }
    Some(Term::concat(pieces))
}

fn segment_length(segment: &[GlobItem]) -> Term {
    Term::add(segment.iter().map(|item| match item {
        GlobItem::Literal(text) => text.length(),
        _ => Term::int(1),
    }))
}

/// The segment's items sit at `start` in `subject`. A leading literal at
/// offset 0 becomes a prefix test, a trailing one at the end a suffix test.
fn chain(subject: &Term, segment: &[GlobItem], start: &Term, at_start: bool, at_end: bool) -> Term {
    let mut parts = Vec::new();
    let mut offset = start.clone();
    let last = segment.len().saturating_sub(1);
    for (index, item) in segment.iter().enumerate() {
        match item {
            GlobItem::Literal(text) => {
                let size = text.length();
                if at_start && index == 0 {
                    parts.push(text.prefix_of(subject));
                } else if at_end && index == last {
                    parts.push(text.suffix_of(subject));
                } else {
                    parts.push(subject.substring(&offset, &size).equals(text));
                }
                offset = Term::add([offset, size]);
            }
            GlobItem::One { crosses_colons } => {
                if !crosses_colons {
                    parts.push(
                        subject
                            .substring(&offset, &Term::int(1))
                            .equals(&Term::string(":"))
                            .not(),
                    );
                }
                offset = Term::add([offset, Term::int(1)]);
            }
            GlobItem::Many { .. } => {}
        }
    }
    Term::and(parts)
}

/// The glob as a regular expression (constant literals only).
fn regex_of(items: &[GlobItem]) -> Result<Regex, PatternUnsupported> {
    let any = |crosses: bool| {
        if crosses {
            Regex::printable()
        } else {
            Regex::printable_except_colon()
        }
    };
    let mut parts = Vec::new();
    for item in items {
        parts.push(match item {
            GlobItem::Literal(text) => match text.as_string() {
                Some(text) => Regex::Literal(text.to_string()),
                None => {
                    return Err(PatternUnsupported(
                        "a policy variable inside a pattern with several wildcards".into(),
                    ))
                }
            },
            GlobItem::One { crosses_colons } => any(*crosses_colons),
            GlobItem::Many { crosses_colons } => Regex::star(any(*crosses_colons)),
        });
    }
    Ok(Regex::Concat(parts))
}

/// ArnLike / ArnEquals of `value` (with its six ARN components, when the
/// key has them) against a resolved pattern.
pub fn arn_like_matches(
    value: &Term,
    components: Option<&[Term]>,
    resolved: &[ResolvedPiece<'_>],
) -> Result<Term, PatternUnsupported> {
    Ok(match ArnPattern::compile(resolved) {
        ArnPattern::Everything => Term::truth(),
        ArnPattern::Malformed(text) => value.equals(&Term::string(&text)),
        ArnPattern::Components(globs) => {
            let Some(components) = components.filter(|parts| parts.len() == 6) else {
                return Err(PatternUnsupported(
                    "ArnLike on a key without ARN components".into(),
                ));
            };
            let mut parts = Vec::new();
            for (glob, component) in globs.iter().zip(components.iter()) {
                parts.push(glob_matches(component, &items_of_tokens(&glob.tokens))?);
            }
            Term::and(parts)
        }
    })
}

/// A template atom with its variables' values substituted, as ordinary
/// constant-pattern constraints (atoms for the atom back end).
pub fn resolved_template_matches(
    atom: &TemplateAtom,
    values: &[String],
) -> Result<Term, PatternUnsupported> {
    let resolved = atom.resolve(values);
    match atom.rule {
        TemplateRule::Glob(WildcardRule::ArnSegments) if atom.parts.len() == 6 => {
            let components: [Term; 5] = std::array::from_fn(|index| atom.parts[index + 1].clone());
            let glob = Glob::from_pieces(&resolved, WildcardRule::ArnSegments);
            resource_glob_matches(&atom.parts[0], &components, &items_of_tokens(&glob.tokens))
        }
        TemplateRule::Glob(rule) => {
            let glob = Glob::from_pieces(&resolved, rule);
            glob_matches(&atom.subject, &items_of_tokens(&glob.tokens))
        }
        TemplateRule::EqualsIgnoringCase => {
            Ok(equals_ignoring_case(&atom.subject, &joined(&resolved)))
        }
        TemplateRule::Arn => arn_like_matches(
            &atom.subject,
            Some(&atom.parts[..]).filter(|parts| !parts.is_empty()),
            &resolved,
        ),
    }
}

/// `subject` equals `text` ignoring case (ASCII letters), `text` constant.
pub fn equals_ignoring_case(subject: &Term, text: &str) -> Term {
    if !text.chars().any(|c| c.is_ascii_alphabetic()) {
        return subject.equals(&Term::string(text));
    }
    let parts = text
        .chars()
        .map(|c| {
            if c.is_ascii_alphabetic() {
                Regex::Union(vec![
                    Regex::Literal(c.to_ascii_lowercase().to_string()),
                    Regex::Literal(c.to_ascii_uppercase().to_string()),
                ])
            } else {
                Regex::Literal(c.to_string())
            }
        })
        .collect();
    subject.in_regex(Regex::Concat(parts))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::pattern::{Glob, WildcardRule};
    use crate::symbolic::term::Sort;

    fn compile(pattern: &str, rule: WildcardRule, subject: &Term) -> Term {
        let glob = Glob::compile(pattern, rule);
        let term = glob_matches(subject, &items_of_tokens(&glob.tokens)).expect("compiles");
        match term.node() {
            TermNode::Matches(subject, pieces) => expand_matches(subject, pieces),
            _ => term,
        }
    }

    fn uses_regex(term: &Term) -> bool {
        format!("{term:?}").contains("InRegex")
    }

    /// On constant subjects the compiled constraint folds to the concrete answer.
    #[test]
    fn folds_to_the_concrete_matcher() {
        let cases = [
            ("*", "anything"),
            ("arn:aws:s3:::bucket/*", "arn:aws:s3:::bucket/a/b:c"),
            ("arn:aws:s3:::bucket/*", "arn:aws:s3:::bucket"),
            ("arn:aws:iam::1*2:role/x", "arn:aws:iam::1:2:role/x"),
            ("arn:aws:iam::1*2:role/x", "arn:aws:iam::1552:role/x"),
            ("arn:aws:s3:::b?cket", "arn:aws:s3:::bucket"),
            ("arn:aws:s3:::b?cket", "arn:aws:s3:::b:cket"),
            ("a*b*c", "axxbyyc"),
            ("a*b*c", "axxc"),
            ("a*b?c*d", "abxcd"),
            ("a*b?c*d", "abcd"),
        ];
        for rule in [WildcardRule::Plain, WildcardRule::ArnSegments] {
            for (pattern, text) in cases {
                let expected = Glob::compile(pattern, rule).matches(text);
                let term = compile(pattern, rule, &Term::string(text));
                assert_eq!(
                    term.as_bool(),
                    Some(expected),
                    "{pattern} on {text} under {rule:?}: {term:?}"
                );
            }
        }
    }

    #[test]
    fn common_shapes_avoid_regex() {
        let subject = Term::variable("s", Sort::String);
        for pattern in [
            "s3:getobject",
            "s3:get*",
            "arn:aws:s3:::bucket/*",
            "arn:aws:s3:::b*/x",
            "s3:?etobject",
            "*",
        ] {
            let term = compile(pattern, WildcardRule::ArnSegments, &subject);
            assert!(!uses_regex(&term), "{pattern}: {term:?}");
        }
        assert!(matches!(
            compile("*", WildcardRule::Plain, &subject).node(),
            TermNode::BoolLiteral(true)
        ));
        let term = compile("*abc*", WildcardRule::Plain, &subject);
        assert!(!uses_regex(&term), "{term:?}");
        let term = compile("a*b*c*d", WildcardRule::Plain, &subject);
        assert!(uses_regex(&term));
    }

    #[test]
    fn ignoring_case() {
        assert!(equals_ignoring_case(&Term::string("AbC"), "aBc").is_true());
        assert!(equals_ignoring_case(&Term::string("AbD"), "aBc").is_false());
    }
}
