//! The term language of the symbolic interpretation: Boolean, string,
//! integer and bit-vector terms over named variables.
//!
//! Terms are immutable and shared (`Rc`), so cloning is a pointer copy. They
//! are built only through the simplifying constructors below (constant
//! folding, flattening, `not not`, deduplication, absorbing constants), so a
//! term that is decidable without the solver usually *is* a constant by the
//! time it is built. Trusts nothing; the z3 back end trusts these terms to be
//! well sorted (the constructors keep them so).

use crate::policy::pattern::{ArnPattern, Glob, WildcardRule};
use crate::policy::template::{joined, ResolvedPiece};
use std::fmt;
use std::sync::Arc;

/// The sort of a term.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Sort {
    Bool,
    String,
    Int,
    BitVec(u32),
}

/// A regular expression over characters, used only where no cheaper exact
/// string constraint exists (segment-restricted wildcards, `?` next to `*`,
/// character classes).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Regex {
    Literal(String),
    /// An inclusive character range.
    Range(char, char),
    Concat(Vec<Regex>),
    Union(Vec<Regex>),
    Star(Box<Regex>),
}

impl Regex {
    /// Any printable ASCII character.
    pub fn printable() -> Regex {
        Regex::Range(' ', '~')
    }

    /// Any printable ASCII character except `:`.
    pub fn printable_except_colon() -> Regex {
        Regex::Union(vec![Regex::Range(' ', '9'), Regex::Range(';', '~')])
    }

    pub fn star(inner: Regex) -> Regex {
        Regex::Star(Box::new(inner))
    }

    /// Concrete membership, for constant folding and format checks.
    pub fn matches(&self, text: &str) -> bool {
        let characters: Vec<char> = text.chars().collect();
        let mut reachable = vec![false; characters.len() + 1];
        reachable[0] = true;
        let end = self.advance(&characters, &reachable);
        end[characters.len()]
    }

    /// Positions reachable after this regex, from the `start` positions.
    fn advance(&self, characters: &[char], start: &[bool]) -> Vec<bool> {
        let length = characters.len();
        let mut next = vec![false; length + 1];
        match self {
            Regex::Literal(literal) => {
                let literal: Vec<char> = literal.chars().collect();
                for position in 0..=length {
                    if start[position]
                        && position + literal.len() <= length
                        && characters[position..position + literal.len()] == literal[..]
                    {
                        next[position + literal.len()] = true;
                    }
                }
            }
            Regex::Range(low, high) => {
                for position in 0..length {
                    if start[position] && (*low..=*high).contains(&characters[position]) {
                        next[position + 1] = true;
                    }
                }
            }
            Regex::Concat(parts) => {
                let mut current = start.to_vec();
                for part in parts {
                    current = part.advance(characters, &current);
                }
                next = current;
            }
            Regex::Union(parts) => {
                for part in parts {
                    for (slot, reached) in next.iter_mut().zip(part.advance(characters, start)) {
                        *slot |= reached;
                    }
                }
            }
            Regex::Star(inner) => {
                next = start.to_vec();
                loop {
                    let step = inner.advance(characters, &next);
                    let mut changed = false;
                    for (slot, reached) in next.iter_mut().zip(step) {
                        if reached && !*slot {
                            *slot = true;
                            changed = true;
                        }
                    }
                    if !changed {
                        break;
                    }
                }
            }
        }
        next
    }
}

/// One piece of a constant glob (the language of a [`TermNode::Matches`]).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum GlobPiece {
    Literal(String),
    /// `?`: one character (not `:` unless `crosses_colons`).
    One {
        crosses_colons: bool,
    },
    /// `*`: any run of characters (without `:` unless `crosses_colons`).
    Many {
        crosses_colons: bool,
    },
}

/// The regular expression of a constant glob.
pub fn glob_regex(pieces: &[GlobPiece]) -> Regex {
    let any = |crosses: bool| {
        if crosses {
            Regex::printable()
        } else {
            Regex::printable_except_colon()
        }
    };
    Regex::Concat(
        pieces
            .iter()
            .map(|piece| match piece {
                GlobPiece::Literal(text) => Regex::Literal(text.clone()),
                GlobPiece::One { crosses_colons } => any(*crosses_colons),
                GlobPiece::Many { crosses_colons } => Regex::star(any(*crosses_colons)),
            })
            .collect(),
    )
}

/// How a [`TemplateAtom`] compares its subject with its resolved pattern.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum TemplateRule {
    /// A glob under a wildcard rule (resources, StringLike).
    Glob(WildcardRule),
    /// ArnLike / ArnEquals: component-wise.
    Arn,
    /// StringEqualsIgnoreCase.
    EqualsIgnoringCase,
}

/// One piece of a template pattern: policy text (wildcards live) or a
/// string term (a policy variable's value, never a wildcard).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum TemplatePiece {
    PolicyText(String),
    Value(Term),
}

/// A pattern whose text depends on other variables (a policy variable
/// inside a multi-wildcard pattern, in an ArnLike value, in
/// StringEqualsIgnoreCase). No back end compiles it: the atom back end
/// keeps it as a free atom and decides it once every variable has a value,
/// with the reference evaluator's own matchers.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TemplateAtom {
    pub subject: Term,
    pub pieces: Vec<TemplatePiece>,
    pub rule: TemplateRule,
    /// The subject's parts, for encoding a resolved pattern: a resource's
    /// `[is_arn, partition, service, region, account, rest]`, an ARN key's
    /// six components; empty for a plain string.
    pub parts: Vec<Term>,
    /// The same test as string constraints, when there is such an
    /// encoding (for the z3 string back end).
    pub string_encoding: Option<Term>,
}

impl TemplateAtom {
    /// Decides the atom on concrete values (`values`: one per `Value` piece,
    /// in order), exactly as the reference evaluator does.
    pub fn holds(&self, subject: &str, values: &[String]) -> bool {
        let resolved = self.resolve(values);
        match self.rule {
            TemplateRule::Glob(rule) => Glob::from_pieces(&resolved, rule).matches(subject),
            TemplateRule::Arn => ArnPattern::compile(&resolved).matches(subject),
            TemplateRule::EqualsIgnoringCase => {
                subject.to_lowercase() == joined(&resolved).to_lowercase()
            }
        }
    }

    /// The pattern with `values` (one per `Value` piece) substituted.
    pub fn resolve<'a>(&'a self, values: &'a [String]) -> Vec<ResolvedPiece<'a>> {
        let mut values = values.iter();
        self.pieces
            .iter()
            .map(|piece| match piece {
                TemplatePiece::PolicyText(text) => ResolvedPiece::PolicyText(text),
                TemplatePiece::Value(_) => {
                    ResolvedPiece::Literal(values.next().map(String::as_str).unwrap_or("").into())
                }
            })
            .collect()
    }

    /// The string terms the atom reads: the subject, then each value.
    pub fn operands(&self) -> impl Iterator<Item = &Term> {
        std::iter::once(&self.subject).chain(self.pieces.iter().filter_map(|piece| match piece {
            TemplatePiece::Value(term) => Some(term),
            TemplatePiece::PolicyText(_) => None,
        }))
    }
}

/// One node of a term. Build terms with the constructors on [`Term`].
#[derive(Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum TermNode {
    BoolLiteral(bool),
    StringLiteral(String),
    IntLiteral(i128),
    BitVecLiteral {
        value: u128,
        width: u32,
    },
    Variable {
        name: String,
        sort: Sort,
    },
    Not(Term),
    And(Vec<Term>),
    Or(Vec<Term>),
    /// `if c then a else b`; branches of any one sort.
    Ite(Term, Term, Term),
    Equal(Term, Term),
    Concat(Vec<Term>),
    Length(Term),
    /// `substring(text, offset, length)` (z3 `str.substr` semantics).
    Substring(Term, Term, Term),
    /// The first is a prefix of the second.
    PrefixOf(Term, Term),
    /// The first is a suffix of the second.
    SuffixOf(Term, Term),
    /// The first contains the second.
    Contains(Term, Term),
    InRegex(Term, Regex),
    /// The string matches a constant glob. Kept whole so that each back end
    /// chooses its encoding: the z3 string back end expands it into
    /// prefix/suffix/length constraints, the atom back end keeps it as one
    /// Boolean atom decided by automata.
    Matches(Term, Arc<[GlobPiece]>),
    /// A pattern that depends on other variables (see [`TemplateAtom`]).
    TemplateMatch(Arc<TemplateAtom>),
    Add(Vec<Term>),
    Subtract(Term, Term),
    LessOrEqual(Term, Term),
    LessThan(Term, Term),
    /// Unsigned `<=` on bit-vectors.
    BitVecLessOrEqual(Term, Term),
}

/// A shared, immutable, simplified term.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Term(Arc<TermNode>);

impl fmt::Debug for Term {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(formatter)
    }
}

impl Term {
    fn make(node: TermNode) -> Term {
        Term(Arc::new(node))
    }

    pub fn node(&self) -> &TermNode {
        &self.0
    }

    /// Identity of the shared node (for memoisation).
    pub fn address(&self) -> usize {
        Arc::as_ptr(&self.0) as usize
    }

    pub fn sort(&self) -> Sort {
        match self.node() {
            TermNode::BoolLiteral(_)
            | TermNode::Not(_)
            | TermNode::And(_)
            | TermNode::Or(_)
            | TermNode::Equal(..)
            | TermNode::PrefixOf(..)
            | TermNode::SuffixOf(..)
            | TermNode::Contains(..)
            | TermNode::InRegex(..)
            | TermNode::Matches(..)
            | TermNode::TemplateMatch(..)
            | TermNode::LessOrEqual(..)
            | TermNode::LessThan(..)
            | TermNode::BitVecLessOrEqual(..) => Sort::Bool,
            TermNode::StringLiteral(_) | TermNode::Concat(_) | TermNode::Substring(..) => {
                Sort::String
            }
            TermNode::IntLiteral(_)
            | TermNode::Length(_)
            | TermNode::Add(_)
            | TermNode::Subtract(..) => Sort::Int,
            TermNode::BitVecLiteral { width, .. } => Sort::BitVec(*width),
            TermNode::Variable { sort, .. } => *sort,
            TermNode::Ite(_, then, _) => then.sort(),
        }
    }

    // ---- leaves ----

    pub fn bool(value: bool) -> Term {
        Term::make(TermNode::BoolLiteral(value))
    }
    pub fn truth() -> Term {
        Term::bool(true)
    }
    pub fn falsity() -> Term {
        Term::bool(false)
    }
    pub fn string(text: &str) -> Term {
        Term::make(TermNode::StringLiteral(text.to_string()))
    }
    pub fn int(value: i128) -> Term {
        Term::make(TermNode::IntLiteral(value))
    }
    pub fn bit_vector(value: u128, width: u32) -> Term {
        Term::make(TermNode::BitVecLiteral { value, width })
    }
    pub fn variable(name: &str, sort: Sort) -> Term {
        Term::make(TermNode::Variable {
            name: name.to_string(),
            sort,
        })
    }

    pub fn as_bool(&self) -> Option<bool> {
        match self.node() {
            TermNode::BoolLiteral(value) => Some(*value),
            _ => None,
        }
    }
    pub fn as_string(&self) -> Option<&str> {
        match self.node() {
            TermNode::StringLiteral(text) => Some(text),
            _ => None,
        }
    }
    pub fn as_int(&self) -> Option<i128> {
        match self.node() {
            TermNode::IntLiteral(value) => Some(*value),
            _ => None,
        }
    }
    pub fn is_true(&self) -> bool {
        self.as_bool() == Some(true)
    }
    pub fn is_false(&self) -> bool {
        self.as_bool() == Some(false)
    }

    // ---- Boolean structure ----

    pub fn not(&self) -> Term {
        match self.node() {
            TermNode::BoolLiteral(value) => Term::bool(!value),
            TermNode::Not(inner) => inner.clone(),
            _ => Term::make(TermNode::Not(self.clone())),
        }
    }

    /// Conjunction: flattened, constants absorbed, duplicates removed,
    /// `x ∧ ¬x` is false. Children are sorted so that equal conjunctions are
    /// equal terms whatever the order they were written in.
    pub fn and(terms: impl IntoIterator<Item = Term>) -> Term {
        Term::junction(terms, true)
    }

    /// Disjunction: the dual of [`Term::and`].
    pub fn or(terms: impl IntoIterator<Item = Term>) -> Term {
        Term::junction(terms, false)
    }

    fn junction(terms: impl IntoIterator<Item = Term>, conjunction: bool) -> Term {
        // `neutral` is dropped, `absorbing` decides the whole junction.
        let neutral = conjunction;
        let mut children: Vec<Term> = Vec::new();
        for term in terms {
            match (term.node(), conjunction) {
                (TermNode::BoolLiteral(value), _) if *value == neutral => {}
                (TermNode::BoolLiteral(_), _) => return Term::bool(!neutral),
                (TermNode::And(inner), true) | (TermNode::Or(inner), false) => {
                    children.extend(inner.iter().cloned())
                }
                _ => children.push(term),
            }
        }
        children.sort();
        children.dedup();
        // x and not x: binary search for each negation's operand.
        // Also x and not x when x is itself a conjunction that was flattened
        // into the children (and dually for disjunctions).
        for child in &children {
            if let TermNode::Not(inner) = child.node() {
                if children.binary_search(inner).is_ok() {
                    return Term::bool(!neutral);
                }
                let flattened = match (inner.node(), conjunction) {
                    (TermNode::And(parts), true) | (TermNode::Or(parts), false) => Some(parts),
                    _ => None,
                };
                if let Some(parts) = flattened {
                    if parts
                        .iter()
                        .all(|part| children.binary_search(part).is_ok())
                    {
                        return Term::bool(!neutral);
                    }
                }
            }
        }
        match children.len() {
            0 => Term::bool(neutral),
            1 => children.pop().unwrap_or_else(|| Term::bool(neutral)),
            _ if conjunction => Term::make(TermNode::And(children)),
            _ => Term::make(TermNode::Or(children)),
        }
    }

    pub fn and2(&self, other: &Term) -> Term {
        Term::and([self.clone(), other.clone()])
    }
    pub fn or2(&self, other: &Term) -> Term {
        Term::or([self.clone(), other.clone()])
    }
    pub fn implies(&self, other: &Term) -> Term {
        Term::or([self.not(), other.clone()])
    }

    /// `if condition then then else otherwise`, any sort.
    pub fn ite(condition: &Term, then: &Term, otherwise: &Term) -> Term {
        if let Some(value) = condition.as_bool() {
            return if value {
                then.clone()
            } else {
                otherwise.clone()
            };
        }
        if then == otherwise {
            return then.clone();
        }
        if then.sort() == Sort::Bool {
            match (then.as_bool(), otherwise.as_bool()) {
                (Some(true), Some(false)) => return condition.clone(),
                (Some(false), Some(true)) => return condition.not(),
                (Some(true), _) => return condition.or2(otherwise),
                (Some(false), _) => return condition.not().and2(otherwise),
                (_, Some(true)) => return condition.not().or2(then),
                (_, Some(false)) => return condition.and2(then),
                _ => {}
            }
        }
        if let TermNode::Not(inner) = condition.node() {
            return Term::make(TermNode::Ite(
                inner.clone(),
                otherwise.clone(),
                then.clone(),
            ));
        }
        Term::make(TermNode::Ite(
            condition.clone(),
            then.clone(),
            otherwise.clone(),
        ))
    }

    /// Equality of two terms of one sort.
    pub fn equals(&self, other: &Term) -> Term {
        if self == other {
            return Term::truth();
        }
        match (self.node(), other.node()) {
            (TermNode::StringLiteral(a), TermNode::StringLiteral(b)) => return Term::bool(a == b),
            (TermNode::IntLiteral(a), TermNode::IntLiteral(b)) => return Term::bool(a == b),
            (
                TermNode::BitVecLiteral { value: a, .. },
                TermNode::BitVecLiteral { value: b, .. },
            ) => return Term::bool(a == b),
            (TermNode::BoolLiteral(a), _) => return if *a { other.clone() } else { other.not() },
            (_, TermNode::BoolLiteral(b)) => return if *b { self.clone() } else { self.not() },
            _ => {}
        }
        // A choice compared with a literal: compare each branch.
        let choice = match (self.node(), other.node()) {
            (TermNode::Ite(condition, then, otherwise), TermNode::StringLiteral(_)) => {
                Some((condition, then, otherwise, other))
            }
            (TermNode::StringLiteral(_), TermNode::Ite(condition, then, otherwise)) => {
                Some((condition, then, otherwise, self))
            }
            _ => None,
        };
        if let Some((condition, then, otherwise, literal)) = choice {
            return Term::ite(condition, &then.equals(literal), &otherwise.equals(literal));
        }
        // A string with a known literal prefix or suffix cannot equal a
        // literal that disagrees with it.
        let ends = match (self.as_string(), other.as_string()) {
            (Some(literal), None) => other.literal_ends().map(|ends| (literal, ends)),
            (None, Some(literal)) => self.literal_ends().map(|ends| (literal, ends)),
            _ => None,
        };
        if let Some((literal, (head, tail))) = ends {
            if !literal.starts_with(&head) || !literal.ends_with(&tail) {
                return Term::falsity();
            }
        }
        let (left, right) = if self <= other {
            (self.clone(), other.clone())
        } else {
            (other.clone(), self.clone())
        };
        Term::make(TermNode::Equal(left, right))
    }

    /// For a concatenation: its literal first and last pieces.
    fn literal_ends(&self) -> Option<(String, String)> {
        match self.node() {
            TermNode::Concat(parts) => {
                let head = parts.first()?.as_string().unwrap_or("").to_string();
                let tail = parts.last()?.as_string().unwrap_or("").to_string();
                Some((head, tail))
            }
            _ => None,
        }
    }

    // ---- strings ----

    /// Concatenation: flattened, adjacent literals merged, empty pieces dropped.
    pub fn concat(parts: impl IntoIterator<Item = Term>) -> Term {
        let mut pieces: Vec<Term> = Vec::new();
        let push = |piece: Term, pieces: &mut Vec<Term>| {
            if piece.as_string() == Some("") {
                return;
            }
            if let (Some(text), Some(last)) =
                (piece.as_string(), pieces.last().and_then(Term::as_string))
            {
                let merged = format!("{last}{text}");
                pieces.pop();
                pieces.push(Term::string(&merged));
                return;
            }
            pieces.push(piece);
        };
        for part in parts {
            match part.node() {
                TermNode::Concat(inner) => {
                    for piece in inner {
                        push(piece.clone(), &mut pieces);
                    }
                }
                _ => push(part, &mut pieces),
            }
        }
        match pieces.len() {
            0 => Term::string(""),
            1 => pieces.pop().unwrap_or_else(|| Term::string("")),
            _ => Term::make(TermNode::Concat(pieces)),
        }
    }

    pub fn length(&self) -> Term {
        match self.node() {
            TermNode::StringLiteral(text) => Term::int(text.chars().count() as i128),
            TermNode::Concat(parts) => Term::add(parts.iter().map(Term::length)),
            _ => Term::make(TermNode::Length(self.clone())),
        }
    }

    pub fn substring(&self, offset: &Term, length: &Term) -> Term {
        if let (Some(text), Some(offset), Some(length)) =
            (self.as_string(), offset.as_int(), length.as_int())
        {
            let characters: Vec<char> = text.chars().collect();
            let size = characters.len() as i128;
            if offset < 0 || offset >= size || length <= 0 {
                return Term::string("");
            }
            let end = (offset + length).min(size);
            let piece: String = characters[offset as usize..end as usize].iter().collect();
            return Term::string(&piece);
        }
        if offset.as_int() == Some(0) && *length == self.length() {
            return self.clone();
        }
        Term::make(TermNode::Substring(
            self.clone(),
            offset.clone(),
            length.clone(),
        ))
    }

    /// `self` is a prefix of `text`.
    pub fn prefix_of(&self, text: &Term) -> Term {
        match (self.as_string(), text.as_string()) {
            (Some(""), _) => Term::truth(),
            (Some(prefix), Some(whole)) => Term::bool(whole.starts_with(prefix)),
            _ => Term::make(TermNode::PrefixOf(self.clone(), text.clone())),
        }
    }

    /// `self` is a suffix of `text`.
    pub fn suffix_of(&self, text: &Term) -> Term {
        match (self.as_string(), text.as_string()) {
            (Some(""), _) => Term::truth(),
            (Some(suffix), Some(whole)) => Term::bool(whole.ends_with(suffix)),
            _ => Term::make(TermNode::SuffixOf(self.clone(), text.clone())),
        }
    }

    /// `self` contains `part`.
    pub fn contains(&self, part: &Term) -> Term {
        match (self.as_string(), part.as_string()) {
            (_, Some("")) => Term::truth(),
            (Some(whole), Some(part)) => Term::bool(whole.contains(part)),
            _ => Term::make(TermNode::Contains(self.clone(), part.clone())),
        }
    }

    pub fn in_regex(&self, regex: Regex) -> Term {
        match self.as_string() {
            Some(text) => Term::bool(regex.matches(text)),
            None => Term::make(TermNode::InRegex(self.clone(), regex)),
        }
    }

    /// `self` matches the constant glob `pieces` (adjacent literals merged,
    /// adjacent stars merged). Folds on a literal subject; a glob without
    /// wildcards is an equality and a lone colon-crossing `*` is true.
    pub fn matches(&self, pieces: &[GlobPiece]) -> Term {
        let mut merged: Vec<GlobPiece> = Vec::with_capacity(pieces.len());
        for piece in pieces {
            match (piece, merged.last_mut()) {
                (GlobPiece::Literal(text), _) if text.is_empty() => {}
                (GlobPiece::Literal(text), Some(GlobPiece::Literal(previous))) => {
                    previous.push_str(text)
                }
                (
                    GlobPiece::Many { crosses_colons },
                    Some(GlobPiece::Many {
                        crosses_colons: previous,
                    }),
                ) => *previous = *previous || *crosses_colons,
                _ => merged.push(piece.clone()),
            }
        }
        match merged.as_slice() {
            [] => return self.equals(&Term::string("")),
            [GlobPiece::Literal(text)] => return self.equals(&Term::string(text)),
            [GlobPiece::Many {
                crosses_colons: true,
            }] => return Term::truth(),
            _ => {}
        }
        match self.as_string() {
            Some(text) => Term::bool(glob_regex(&merged).matches(text)),
            None => Term::make(TermNode::Matches(self.clone(), merged.into())),
        }
    }

    /// A template atom; folds when every operand is a literal.
    pub fn template_match(atom: TemplateAtom) -> Term {
        let constant: Option<Vec<&str>> = atom.operands().map(Term::as_string).collect();
        if let Some(constant) = constant {
            let values: Vec<String> = constant[1..].iter().map(|text| text.to_string()).collect();
            return Term::bool(atom.holds(constant[0], &values));
        }
        Term::make(TermNode::TemplateMatch(Arc::new(atom)))
    }

    // ---- integers ----

    /// Sum: constants folded into one trailing literal.
    pub fn add(terms: impl IntoIterator<Item = Term>) -> Term {
        let mut constant: i128 = 0;
        let mut parts: Vec<Term> = Vec::new();
        for term in terms {
            match term.node() {
                TermNode::IntLiteral(value) => constant = constant.saturating_add(*value),
                TermNode::Add(inner) => {
                    for piece in inner {
                        match piece.as_int() {
                            Some(value) => constant = constant.saturating_add(value),
                            None => parts.push(piece.clone()),
                        }
                    }
                }
                _ => parts.push(term),
            }
        }
        if parts.is_empty() {
            return Term::int(constant);
        }
        if constant != 0 {
            parts.push(Term::int(constant));
        }
        if parts.len() == 1 {
            return parts.pop().unwrap_or_else(|| Term::int(0));
        }
        Term::make(TermNode::Add(parts))
    }

    pub fn subtract(&self, other: &Term) -> Term {
        match (self.as_int(), other.as_int()) {
            (Some(a), Some(b)) => Term::int(a.saturating_sub(b)),
            (_, Some(0)) => self.clone(),
            (_, Some(b)) => Term::add([self.clone(), Term::int(b.saturating_neg())]),
            _ => Term::make(TermNode::Subtract(self.clone(), other.clone())),
        }
    }

    pub fn less_or_equal(&self, other: &Term) -> Term {
        if self == other {
            return Term::truth();
        }
        match (self.as_int(), other.as_int()) {
            (Some(a), Some(b)) => Term::bool(a <= b),
            _ => Term::make(TermNode::LessOrEqual(self.clone(), other.clone())),
        }
    }

    pub fn less_than(&self, other: &Term) -> Term {
        if self == other {
            return Term::falsity();
        }
        match (self.as_int(), other.as_int()) {
            (Some(a), Some(b)) => Term::bool(a < b),
            _ => Term::make(TermNode::LessThan(self.clone(), other.clone())),
        }
    }

    /// Unsigned `<=` on bit-vectors of one width.
    pub fn bit_vector_less_or_equal(&self, other: &Term) -> Term {
        if self == other {
            return Term::truth();
        }
        match (self.node(), other.node()) {
            (
                TermNode::BitVecLiteral { value: a, .. },
                TermNode::BitVecLiteral { value: b, .. },
            ) => Term::bool(a <= b),
            (TermNode::BitVecLiteral { value: 0, .. }, _) => Term::truth(),
            _ => Term::make(TermNode::BitVecLessOrEqual(self.clone(), other.clone())),
        }
    }

    /// The term's direct sub-terms.
    pub fn children(&self) -> Vec<&Term> {
        match self.node() {
            TermNode::BoolLiteral(_)
            | TermNode::StringLiteral(_)
            | TermNode::IntLiteral(_)
            | TermNode::BitVecLiteral { .. }
            | TermNode::Variable { .. } => Vec::new(),
            TermNode::Not(a)
            | TermNode::Length(a)
            | TermNode::InRegex(a, _)
            | TermNode::Matches(a, _) => vec![a],
            TermNode::TemplateMatch(atom) => atom.operands().collect(),
            TermNode::And(parts)
            | TermNode::Or(parts)
            | TermNode::Concat(parts)
            | TermNode::Add(parts) => parts.iter().collect(),
            TermNode::Ite(a, b, c) | TermNode::Substring(a, b, c) => vec![a, b, c],
            TermNode::Equal(a, b)
            | TermNode::PrefixOf(a, b)
            | TermNode::SuffixOf(a, b)
            | TermNode::Contains(a, b)
            | TermNode::Subtract(a, b)
            | TermNode::LessOrEqual(a, b)
            | TermNode::LessThan(a, b)
            | TermNode::BitVecLessOrEqual(a, b) => vec![a, b],
        }
    }

    /// Every variable in the term, each once, in a stable order.
    pub fn variables(&self, into: &mut std::collections::BTreeMap<String, Sort>) {
        let mut seen = std::collections::HashSet::new();
        self.collect_variables(into, &mut seen);
    }

    fn collect_variables(
        &self,
        into: &mut std::collections::BTreeMap<String, Sort>,
        seen: &mut std::collections::HashSet<usize>,
    ) {
        if !seen.insert(self.address()) {
            return;
        }
        if let TermNode::Variable { name, sort } = self.node() {
            into.insert(name.clone(), *sort);
        }
        for child in self.children() {
            child.collect_variables(into, seen);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn b(name: &str) -> Term {
        Term::variable(name, Sort::Bool)
    }
    fn s(name: &str) -> Term {
        Term::variable(name, Sort::String)
    }

    #[test]
    fn conjunction_simplifies() {
        let (x, y) = (b("x"), b("y"));
        assert!(Term::and([x.clone(), Term::falsity()]).is_false());
        assert_eq!(Term::and([x.clone(), Term::truth()]), x);
        assert_eq!(Term::and([x.clone(), x.clone()]), x);
        assert!(Term::and([x.clone(), x.not()]).is_false());
        assert!(Term::or([x.clone(), x.not()]).is_true());
        // A conjunction and its own negation, though flattened.
        let both = Term::and([x.clone(), y.clone()]);
        assert!(Term::and([both.clone(), both.not()]).is_false());
        let either = Term::or([x.clone(), y.clone()]);
        assert!(Term::or([either.clone(), either.not()]).is_true());
        // Not every part: no contradiction.
        assert!(!Term::and([x.clone(), both.not()]).is_false());
        assert_eq!(
            Term::and([x.clone(), y.clone()]),
            Term::and([y.clone(), x.clone()])
        );
        // Flattening.
        let nested = Term::and([x.clone(), Term::and([y.clone(), x.clone()])]);
        assert_eq!(nested, Term::and([x.clone(), y.clone()]));
        assert!(Term::and(Vec::<Term>::new()).is_true());
        assert!(Term::or(Vec::<Term>::new()).is_false());
    }

    #[test]
    fn negation_and_ite_simplify() {
        let (x, y) = (b("x"), b("y"));
        assert_eq!(x.not().not(), x);
        assert_eq!(Term::ite(&x, &Term::truth(), &Term::falsity()), x);
        assert_eq!(Term::ite(&x, &Term::falsity(), &Term::truth()), x.not());
        assert_eq!(Term::ite(&Term::truth(), &x, &y), x);
        assert_eq!(Term::ite(&x, &y, &y), y);
        assert_eq!(Term::ite(&x, &Term::truth(), &y), x.or2(&y));
    }

    #[test]
    fn strings_fold() {
        let name = s("name");
        assert!(Term::string("ab").equals(&Term::string("ab")).is_true());
        assert!(Term::string("ab").equals(&Term::string("ac")).is_false());
        let joined = Term::concat([Term::string("a"), Term::string("b"), name.clone()]);
        assert_eq!(
            joined,
            Term::concat([Term::string("ab"), Term::concat([name.clone()])])
        );
        assert!(Term::string("x").equals(&joined).is_false());
        assert!(Term::string("ab").prefix_of(&Term::string("abc")).is_true());
        assert!(Term::string("").prefix_of(&name).is_true());
        assert_eq!(
            Term::string("abc").substring(&Term::int(1), &Term::int(5)),
            Term::string("bc")
        );
        assert_eq!(
            Term::concat([Term::string("ab"), name.clone()]).length(),
            Term::add([name.length(), Term::int(2)])
        );
        assert!(Term::string("a:b")
            .in_regex(Regex::star(Regex::printable_except_colon()))
            .is_false());
    }

    #[test]
    fn integers_fold() {
        let n = Term::variable("n", Sort::Int);
        assert!(Term::int(2).less_than(&Term::int(3)).is_true());
        assert!(n.less_than(&n).is_false());
        assert_eq!(
            Term::add([Term::int(1), n.clone(), Term::int(2)]),
            Term::add([n.clone(), Term::int(3)])
        );
        assert!(Term::bit_vector(3, 128)
            .bit_vector_less_or_equal(&Term::bit_vector(4, 128))
            .is_true());
    }
}
