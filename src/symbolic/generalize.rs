//! Lemmas about template atoms (patterns holding policy variables) that
//! hold for *every* value of the variables, so that the atom back end can
//! prove unsatisfiability without enumerating values:
//!
//! - **Over-approximation.** A variable's value is literal text, which a
//!   colon-crossing `*` also matches; so the pattern with each variable
//!   replaced by `*` contains the template's language: `T → Over(T)`.
//! - **Inclusion between templates** with the same subject. Each variable
//!   becomes a stand-in letter outside the printable range that only a
//!   colon-crossing `*` (or the same variable) can match — never `?`, a
//!   segment-bound `*` or a literal. If one pattern's language, so
//!   written, is inside the other's, it is for every value: take a real
//!   string matched with the variable's text at some place; put the letter
//!   back there; the other pattern matches that string with the letter
//!   matched either by the same variable (text back in, still a match) or
//!   inside a crossing `*` (which matches the text as well).
//!
//! Both need the variables' text to be unable to change how the pattern is
//! read: for ARN-shaped patterns (resources, ArnLike) the variables must sit
//! after the fifth colon, where colons are ordinary characters.
//!
//! Trusts the glob compiler of `policy/pattern.rs` (the reference
//! evaluator's) and `language.rs`.

use super::language::{find_witness_over, Automaton, Language, Witness};
use super::term::{Regex, TemplateAtom, TemplatePiece, TemplateRule, Term};
use crate::policy::pattern::{ArnPattern, Glob, GlobToken, WildcardRule};
use crate::policy::template::ResolvedPiece;

/// The first stand-in letter; at most [`MAX_LETTERS`] variables.
const FIRST_LETTER: u8 = 0x01;
const MAX_LETTERS: usize = 30;

/// Whether the variables of `atom` sit where their text cannot change how
/// the pattern is split (see the module header).
fn variables_are_inert(atom: &TemplateAtom) -> bool {
    let arn_shaped = matches!(
        atom.rule,
        TemplateRule::Arn | TemplateRule::Glob(WildcardRule::ArnSegments)
    );
    if !arn_shaped {
        return true;
    }
    let mut colons = 0;
    for piece in &atom.pieces {
        match piece {
            TemplatePiece::PolicyText(text) => colons += text.matches(':').count(),
            TemplatePiece::Value(_) if colons < 5 => return false,
            TemplatePiece::Value(_) => {}
        }
    }
    true
}

/// The template with every variable replaced by a colon-crossing `*`, when
/// that contains the template's language.
pub fn over_approximation(atom: &TemplateAtom) -> Option<TemplateAtom> {
    let rule_allows = matches!(
        atom.rule,
        TemplateRule::Arn
            | TemplateRule::Glob(WildcardRule::ArnSegments)
            | TemplateRule::Glob(WildcardRule::Plain)
    );
    if !rule_allows || !variables_are_inert(atom) {
        return None;
    }
    Some(TemplateAtom {
        subject: atom.subject.clone(),
        pieces: atom
            .pieces
            .iter()
            .map(|piece| match piece {
                TemplatePiece::Value(_) => TemplatePiece::PolicyText("*".into()),
                other => other.clone(),
            })
            .collect(),
        rule: atom.rule,
        parts: atom.parts.clone(),
        string_encoding: None,
    })
}

/// The template's language with each variable as a stand-in letter
/// (`letters` assigns them, shared between the templates compared).
pub fn letter_automaton(atom: &TemplateAtom, letters: &mut Vec<Term>) -> Option<Automaton> {
    if !variables_are_inert(atom) {
        return None;
    }
    let mut texts = Vec::new();
    for piece in &atom.pieces {
        if let TemplatePiece::Value(term) = piece {
            let index = match letters.iter().position(|known| known == term) {
                Some(index) => index,
                None => {
                    letters.push(term.clone());
                    letters.len() - 1
                }
            };
            if index >= MAX_LETTERS {
                return None;
            }
            texts.push(char::from(FIRST_LETTER + index as u8).to_string());
        }
    }
    let mut values = texts.iter();
    let resolved: Vec<ResolvedPiece<'_>> = atom
        .pieces
        .iter()
        .map(|piece| match piece {
            TemplatePiece::PolicyText(text) => ResolvedPiece::PolicyText(text),
            TemplatePiece::Value(_) => {
                ResolvedPiece::Literal(values.next().map(String::as_str).unwrap_or("").into())
            }
        })
        .collect();
    let regex = match atom.rule {
        TemplateRule::Glob(rule) => tokens_regex(&Glob::from_pieces(&resolved, rule).tokens, true),
        TemplateRule::Arn => match ArnPattern::compile(&resolved) {
            ArnPattern::Everything => Regex::star(any(true)),
            ArnPattern::Malformed(text) => Regex::Literal(text),
            ArnPattern::Components(globs) => {
                let mut parts = Vec::new();
                for (index, glob) in globs.iter().enumerate() {
                    if index > 0 {
                        parts.push(Regex::Literal(":".into()));
                    }
                    parts.push(tokens_regex(&glob.tokens, index == 5));
                }
                Regex::Concat(parts)
            }
        },
        TemplateRule::EqualsIgnoringCase => return None,
    };
    Some(Automaton::from_regex(&regex))
}

/// Any one character: printable (without `:` unless `crosses`), and the
/// stand-in letters only for a crossing `*` (`letters`).
fn any_character(crosses: bool, letters: bool) -> Regex {
    let mut classes = if crosses {
        vec![Regex::printable()]
    } else {
        vec![Regex::printable_except_colon()]
    };
    if letters {
        classes.push(Regex::Range(
            char::from(FIRST_LETTER),
            char::from(FIRST_LETTER + MAX_LETTERS as u8),
        ));
    }
    Regex::Union(classes)
}

fn any(crosses: bool) -> Regex {
    any_character(crosses, crosses)
}

/// Glob tokens as a regex over printable characters and stand-in letters
/// (`colons_allowed`: whether the text may hold colons at all, false in the
/// first five ARN components).
fn tokens_regex(tokens: &[GlobToken], colons_allowed: bool) -> Regex {
    Regex::Concat(
        tokens
            .iter()
            .map(|token| match token {
                GlobToken::Literal(text) => Regex::Literal(text.clone()),
                GlobToken::AnyCharacter { crosses_colons } => {
                    any_character(*crosses_colons && colons_allowed, false)
                }
                GlobToken::AnySequence { crosses_colons } => {
                    Regex::star(any(*crosses_colons && colons_allowed))
                }
            })
            .collect(),
    )
}

/// Every string of `inner` is in `outer`.
pub fn included(inner: &Automaton, outer: &Automaton) -> bool {
    find_witness_over(
        &[
            (Language::Automaton(inner), true),
            (Language::Automaton(outer), false),
        ],
        FIRST_LETTER,
    ) == Witness::Empty
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::symbolic::term::Sort;

    /// `text` with `$` standing for the variable.
    fn template(text: &str, rule: TemplateRule) -> TemplateAtom {
        let variable = Term::variable("key.v.0.value", Sort::String);
        let mut pieces = Vec::new();
        for (index, part) in text.split('$').enumerate() {
            if index > 0 {
                pieces.push(TemplatePiece::Value(variable.clone()));
            }
            if !part.is_empty() {
                pieces.push(TemplatePiece::PolicyText(part.into()));
            }
        }
        TemplateAtom {
            subject: Term::variable("s", Sort::String),
            pieces,
            rule,
            parts: Vec::new(),
            string_encoding: None,
        }
    }

    const VALUES: &[&str] = &["", "a", "b", "ab", "a:b", "x-y", "*", ":"];
    const SUBJECTS: &[&str] = &[
        "",
        "a",
        "ab",
        "a-a-x",
        "p-a-x",
        "p-ab-",
        "a:b",
        "arn:aws:s3:::b/a",
        "arn:aws:s3:::b/x/a",
        "arn:aws:s3:::b/a:b",
        "arn:aws:s3:::p-a-b/k",
        "arn:aws:s3:::q-ab-c/k",
        "x-y",
        "p-x-y-z",
    ];

    /// Whenever `included` claims inclusion, no value and subject break it;
    /// the over-approximation contains the template on every value.
    #[test]
    fn inclusion_and_over_approximation_hold_for_every_value_tried() {
        let patterns = [
            "$",
            "*$",
            "$*",
            "*$*",
            "a$",
            "p-$-*",
            "*-$-*",
            "*",
            "a*",
            "*a*",
            "?$",
            "$?",
            "arn:aws:s3:::b/$",
            "arn:aws:s3:::b/*$",
            "arn:aws:s3:::b/*",
            "arn:aws:s3:::*-$-*/*",
            "arn:aws:s3:::p-$-*/*",
            "arn:aws:s3:::$*",
        ];
        let mut inclusions = 0;
        for rule in [
            TemplateRule::Glob(WildcardRule::Plain),
            TemplateRule::Glob(WildcardRule::ArnSegments),
            TemplateRule::Arn,
        ] {
            for first in patterns {
                for second in patterns {
                    let (inner, outer) = (template(first, rule), template(second, rule));
                    let mut letters = Vec::new();
                    let (Some(a), Some(b)) = (
                        letter_automaton(&inner, &mut letters),
                        letter_automaton(&outer, &mut letters),
                    ) else {
                        continue;
                    };
                    if !included(&a, &b) {
                        continue;
                    }
                    inclusions += 1;
                    for value in VALUES {
                        for subject in SUBJECTS {
                            let values = [value.to_string()];
                            assert!(
                                !inner.holds(subject, &values) || outer.holds(subject, &values),
                                "{rule:?}: `{first}` ⊆ `{second}` claimed, broken by {subject:?} with {value:?}"
                            );
                        }
                    }
                }
                if let Some(over) = over_approximation(&template(first, rule)) {
                    for value in VALUES {
                        for subject in SUBJECTS {
                            let values = [value.to_string()];
                            assert!(
                                !template(first, rule).holds(subject, &values)
                                    || over.holds(subject, &[]),
                                "{rule:?}: over-approximation of `{first}` misses {subject:?} with {value:?}"
                            );
                        }
                    }
                }
            }
        }
        assert!(inclusions > 40, "only {inclusions} inclusions exercised");
    }
}
