//! The atom back end: strings kept out of the solver.
//!
//! Every string constraint of a query is, in the common case, a test of one
//! string variable against a constant regular language (an action name
//! against `get*`, a resource component against `bucket/*`, a key's value
//! against a literal). [`StringAbstraction`] replaces each such test by a
//! Boolean atom (literal equalities by `choice.v = i`, an integer, so that a
//! variable equals at most one literal by construction), leaving z3 a query
//! over Booleans, integers and bit-vectors only, which it answers in
//! milliseconds. [`StringAbstraction::check_model`] then decides in Rust,
//! with automata (`language.rs`), whether the atoms' values are consistent:
//! if so it returns the shortest string for every variable; if not, a
//! clause over the atoms that rules the inconsistency out (a small core,
//! valid in every model), and the caller solves again.
//!
//! Exact: a model is accepted only with witness strings that satisfy every
//! atom as assigned, and a clause is added only when its atoms are jointly
//! unsatisfiable over strings. A query outside this fragment (strings
//! concatenated before matching, a variable inside a multi-wildcard
//! pattern) returns [`OutOfFragment`] and is solved by the z3 string back
//! end instead. Trusts the term constructors and the request model's
//! formats.

use super::generalize::{included, letter_automaton, over_approximation};
use super::language::{find_witness, Automaton, Language, Trie, Witness};
use super::patterns::resolved_template_matches;
use super::request_model::{Format, RequestModel};
use super::term::{
    glob_regex, GlobPiece, Regex, Sort, TemplatePiece, TemplateRule, Term, TermNode,
};
use super::z3_backend::{Model, Value};
use indexmap::IndexMap;
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

/// The query uses strings in a way the atom back end does not decide.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("outside the atom back end: {0}")]
pub struct OutOfFragment(pub String);

/// A language atom: `variable ∈ L`.
struct LanguageAtom {
    variable: String,
    automaton: Arc<Automaton>,
    /// The Boolean variable standing for the atom.
    atom: Term,
}

/// What the abstraction knows of one string variable.
struct StringVariable {
    /// The literals it is compared with, indexed by `choice` value.
    literals: IndexMap<String, ()>,
    /// Integer variable: `i` when the variable equals literal `i`.
    choice: Term,
    languages: Vec<usize>,
    format: Option<Arc<Automaton>>,
}

/// `left == right` between two string variables.
struct VariableEquality {
    left: String,
    right: String,
    atom: Term,
}

/// The variables `term`'s value under `model` depends on: a choice's
/// condition and the branch it takes, not the branch it skips.
fn relevant_variables(term: &Term, model: &Model, into: &mut BTreeMap<String, Sort>) {
    match term.node() {
        TermNode::Variable { name, sort } => {
            into.insert(name.clone(), *sort);
        }
        TermNode::Ite(condition, then, otherwise) => {
            relevant_variables(condition, model, into);
            match model.evaluate(condition) {
                Some(Value::Bool(true)) => relevant_variables(then, model, into),
                Some(Value::Bool(false)) => relevant_variables(otherwise, model, into),
                _ => {
                    relevant_variables(then, model, into);
                    relevant_variables(otherwise, model, into);
                }
            }
        }
        _ => {
            for child in term.children() {
                relevant_variables(child, model, into);
            }
        }
    }
}

/// A place in a glob's items: before item `n`, or inside item `n` (a `*`
/// whose run two neighbouring parts share).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Split {
    Before(usize),
    InStar(usize),
}

impl Split {
    /// Order along the items: before `n` < inside `n` < before `n + 1`.
    fn rank(self) -> usize {
        match self {
            Split::Before(position) => 2 * position,
            Split::InStar(position) => 2 * position + 1,
        }
    }
}

/// The glob as single-character items (literals cut into characters, so a
/// part may end inside a literal).
fn glob_items(pieces: &[GlobPiece]) -> Vec<GlobPiece> {
    let mut items = Vec::new();
    for piece in pieces {
        match piece {
            GlobPiece::Literal(text) => {
                items.extend(text.chars().map(|c| GlobPiece::Literal(c.to_string())))
            }
            other => items.push(other.clone()),
        }
    }
    items
}

/// Every place at or after item `from`, in order.
fn split_points(items: &[GlobPiece], from: usize) -> Vec<Split> {
    let mut points = Vec::new();
    for position in from..=items.len() {
        points.push(Split::Before(position));
        if matches!(items.get(position), Some(GlobPiece::Many { .. })) {
            points.push(Split::InStar(position));
        }
    }
    points
}

/// The items between two places (a shared `*` on both sides).
fn share(items: &[GlobPiece], start: Split, end: Split) -> Vec<GlobPiece> {
    let (from, shared_start) = match start {
        Split::Before(position) => (position, None),
        Split::InStar(position) => (position + 1, Some(&items[position])),
    };
    let (to, shared_end) = match end {
        Split::Before(position) => (position, None),
        Split::InStar(position) => (position, Some(&items[position])),
    };
    if let (Split::InStar(a), Split::InStar(b)) = (start, end) {
        if a == b {
            return vec![items[a].clone()];
        }
    }
    let mut share: Vec<GlobPiece> = shared_start.into_iter().cloned().collect();
    if from <= to {
        share.extend(items[from..to].iter().cloned());
    }
    share.extend(shared_end.cloned());
    share
}

/// The answer of [`StringAbstraction::check_model`].
#[derive(Debug, Clone)]
pub enum TheoryVerdict {
    /// Every string variable's value: the model is a real one.
    Consistent(BTreeMap<String, String>),
    /// A clause (over abstract atoms) the model breaks and every real model
    /// keeps; assert it and solve again.
    Conflict(Term),
    /// Template atoms had the wrong value: lemmas (valid in every real
    /// model) tying each to its resolved pattern under the values of its
    /// variables, and those values as literals worth assuming on the next
    /// check (so the solver fits the subject to them rather than moving
    /// the variables to values not seen yet).
    Refine { lemmas: Term, assume: Vec<Term> },
    /// The automata search went over budget, or distinct variables could
    /// not be kept apart.
    GaveUp(String),
}

/// Abstraction of string atoms to Boolean and integer atoms.
pub struct StringAbstraction {
    variables: IndexMap<String, StringVariable>,
    languages: Vec<LanguageAtom>,
    language_index: HashMap<(String, Regex), usize>,
    equalities: Vec<VariableEquality>,
    /// Template atoms: their Boolean stand-in and the original term.
    templates: Vec<(Term, Term)>,
    memo: HashMap<usize, (Term, Term)>,
    /// Lemmas implied by the atoms created so far, not yet handed out.
    pending_lemmas: Vec<Term>,
    formats: HashMap<String, Format>,
    service_format: Arc<Automaton>,
    /// `principal.kind = Service`, under which `principal.other` has the
    /// service-name format.
    service_kind: Term,
    service_variable: String,
    /// Non-empty strings (witnesses prefer them).
    non_empty: Arc<Automaton>,
}

/// Equalities of one variable to at least this many literals in one
/// disjunction are tested as index ranges (see `disjunction`).
const LITERAL_SET_MINIMUM: usize = 4;

/// `choice` is one of `indices`, as a disjunction of ranges of consecutive
/// indices (`lo <= choice <= hi`, or `choice = i` for a range of one).
fn index_ranges(choice: &Term, indices: &[usize]) -> Term {
    let mut sorted = indices.to_vec();
    sorted.sort_unstable();
    sorted.dedup();
    let mut ranges: Vec<(usize, usize)> = Vec::new();
    for index in sorted {
        match ranges.last_mut() {
            Some((_, high)) if *high + 1 == index => *high = index,
            _ => ranges.push((index, index)),
        }
    }
    Term::or(ranges.into_iter().map(|(low, high)| {
        if low == high {
            choice.equals(&Term::int(low as i128))
        } else {
            Term::int(low as i128)
                .less_or_equal(choice)
                .and2(&choice.less_or_equal(&Term::int(high as i128)))
        }
    }))
}

/// Longest literal split enumeration for `concat = literal`.
const MAX_SPLITS: usize = 64;

impl StringAbstraction {
    pub fn new(model: &RequestModel) -> StringAbstraction {
        let service = model.service_name_format();
        let mut abstraction = StringAbstraction {
            variables: IndexMap::new(),
            languages: Vec::new(),
            language_index: HashMap::new(),
            equalities: Vec::new(),
            templates: Vec::new(),
            memo: HashMap::new(),
            pending_lemmas: Vec::new(),
            formats: model
                .formats
                .iter()
                .map(|formatted| (formatted.name.clone(), formatted.format))
                .collect(),
            service_format: Arc::new(Automaton::from_regex(&service.format.regex())),
            service_kind: model.principal.is(crate::request::PrincipalKind::Service),
            service_variable: service.name,
            non_empty: Arc::new(Automaton::from_regex(&Regex::Concat(vec![
                Regex::printable(),
                Regex::star(Regex::printable()),
            ]))),
        };
        // Every formatted variable exists, atoms or not: decoding reads them.
        for formatted in &model.formats {
            abstraction.variable(&formatted.name);
        }
        abstraction
    }

    /// Lemmas created since the last call (valid in every real model).
    pub fn take_lemmas(&mut self) -> Vec<Term> {
        std::mem::take(&mut self.pending_lemmas)
    }

    /// The abstract term: no string left, or [`OutOfFragment`].
    pub fn abstract_term(&mut self, term: &Term) -> Result<Term, OutOfFragment> {
        if let Some((_, result)) = self.memo.get(&term.address()) {
            return Ok(result.clone());
        }
        let result = self.abstract_node(term)?;
        self.memo
            .insert(term.address(), (term.clone(), result.clone()));
        Ok(result)
    }

    fn abstract_node(&mut self, term: &Term) -> Result<Term, OutOfFragment> {
        let out = |what: &str| Err(OutOfFragment(format!("{what}: {term:?}")));
        Ok(match term.node() {
            TermNode::BoolLiteral(_) | TermNode::IntLiteral(_) | TermNode::BitVecLiteral { .. } => {
                term.clone()
            }
            TermNode::StringLiteral(_) => return out("a string outside an atom"),
            TermNode::Variable { sort, .. } => {
                if *sort == Sort::String {
                    return out("a string variable outside an atom");
                }
                term.clone()
            }
            TermNode::Not(inner) => self.abstract_term(inner)?.not(),
            TermNode::And(parts) => Term::and(self.abstract_all(parts)?),
            TermNode::Or(parts) => self.disjunction(parts)?,
            TermNode::Ite(condition, then, otherwise) => {
                if then.sort() == Sort::String {
                    return out("a string choice outside an atom");
                }
                Term::ite(
                    &self.abstract_term(condition)?,
                    &self.abstract_term(then)?,
                    &self.abstract_term(otherwise)?,
                )
            }
            TermNode::Equal(left, right) if left.sort() == Sort::String => {
                self.string_equality(left, right)?
            }
            TermNode::Equal(left, right) => {
                if let Some(atom) = self.length_atom(term, left, right)? {
                    return Ok(atom);
                }
                self.abstract_term(left)?
                    .equals(&self.abstract_term(right)?)
            }
            TermNode::Matches(subject, pieces) => match subject.node() {
                TermNode::Concat(parts) => self.concatenation_matches(parts, pieces)?,
                _ => self.language_atom(subject, &glob_regex(pieces), term)?,
            },
            TermNode::InRegex(subject, regex) => self.language_atom(subject, regex, term)?,
            TermNode::PrefixOf(prefix, subject) => match prefix.as_string() {
                Some(text) => self.language_atom(
                    subject,
                    &Regex::Concat(vec![
                        Regex::Literal(text.into()),
                        Regex::star(Regex::printable()),
                    ]),
                    term,
                )?,
                None => return out("a symbolic prefix"),
            },
            TermNode::SuffixOf(suffix, subject) => match suffix.as_string() {
                Some(text) => self.language_atom(
                    subject,
                    &Regex::Concat(vec![
                        Regex::star(Regex::printable()),
                        Regex::Literal(text.into()),
                    ]),
                    term,
                )?,
                None => return out("a symbolic suffix"),
            },
            TermNode::Contains(subject, part) => match part.as_string() {
                Some(text) => self.language_atom(
                    subject,
                    &Regex::Concat(vec![
                        Regex::star(Regex::printable()),
                        Regex::Literal(text.into()),
                        Regex::star(Regex::printable()),
                    ]),
                    term,
                )?,
                None => return out("a symbolic containment"),
            },
            TermNode::LessOrEqual(left, right) | TermNode::LessThan(left, right) => {
                if let Some(atom) = self.length_atom(term, left, right)? {
                    return Ok(atom);
                }
                let (left, right) = (self.abstract_term(left)?, self.abstract_term(right)?);
                match term.node() {
                    TermNode::LessThan(..) => left.less_than(&right),
                    _ => left.less_or_equal(&right),
                }
            }
            TermNode::Add(parts) => Term::add(self.abstract_all(parts)?),
            TermNode::Subtract(left, right) => self
                .abstract_term(left)?
                .subtract(&self.abstract_term(right)?),
            TermNode::BitVecLessOrEqual(left, right) => self
                .abstract_term(left)?
                .bit_vector_less_or_equal(&self.abstract_term(right)?),
            TermNode::TemplateMatch(_) => {
                // Free for the solver; decided on each model (check_model).
                // Keyed by structure: both sides of a comparison share it.
                if let Some((variable, _)) = self.templates.iter().find(|(_, t)| t == term) {
                    return Ok(variable.clone());
                }
                let variable =
                    Term::variable(&format!("template.{}", self.templates.len()), Sort::Bool);
                self.templates.push((variable.clone(), term.clone()));
                self.template_lemmas(&variable, term);
                variable
            }
            TermNode::Concat(_) | TermNode::Length(_) | TermNode::Substring(..) => {
                return out("a string operation outside an atom")
            }
        })
    }

    /// A disjunction. Equalities of one variable to many literals (a zone's
    /// accounts, an organization's members), alone or each beside the same
    /// other conjuncts, become one membership test: the literals take
    /// consecutive `choice` values, tested as ranges, so the solver sees two
    /// comparisons instead of one equation per literal.
    fn disjunction(&mut self, parts: &[Term]) -> Result<Term, OutOfFragment> {
        // (variable, the other conjuncts) → literals.
        let mut sets: IndexMap<(String, Vec<Term>), Vec<String>> = IndexMap::new();
        for part in parts {
            if let Some((variable, literal, rest)) = Self::guarded_literal_equation(part) {
                sets.entry((variable.to_string(), rest))
                    .or_default()
                    .push(literal.to_string());
            }
        }
        sets.retain(|_, literals| literals.len() >= LITERAL_SET_MINIMUM);
        if sets.is_empty() {
            return Ok(Term::or(self.abstract_all(parts)?));
        }
        let mut abstracted = Vec::new();
        for part in parts {
            let grouped =
                Self::guarded_literal_equation(part).is_some_and(|(variable, _, rest)| {
                    sets.contains_key(&(variable.to_string(), rest))
                });
            if !grouped {
                abstracted.push(self.abstract_term(part)?);
            }
        }
        for ((variable, rest), literals) in &sets {
            let mut conjuncts = self.abstract_all(rest)?;
            conjuncts.push(self.literal_set(variable, literals));
            abstracted.push(Term::and(conjuncts));
        }
        Ok(Term::or(abstracted))
    }

    /// `variable == "literal"`, alone or as the one such equation of a
    /// conjunction (then with the other conjuncts).
    fn guarded_literal_equation(term: &Term) -> Option<(&str, &str, Vec<Term>)> {
        if let Some((variable, literal)) = Self::literal_equation(term) {
            return Some((variable, literal, Vec::new()));
        }
        let TermNode::And(children) = term.node() else {
            return None;
        };
        let mut equations = children
            .iter()
            .enumerate()
            .filter_map(|(index, child)| Some((index, Self::literal_equation(child)?)));
        let (index, (variable, literal)) = equations.next()?;
        if equations.next().is_some() {
            return None;
        }
        let rest = children
            .iter()
            .enumerate()
            .filter(|(other, _)| *other != index)
            .map(|(_, child)| child.clone())
            .collect();
        Some((variable, literal, rest))
    }

    /// `variable == "literal"` (either way round).
    fn literal_equation(term: &Term) -> Option<(&str, &str)> {
        let TermNode::Equal(left, right) = term.node() else {
            return None;
        };
        match (left.node(), right.node()) {
            (
                TermNode::Variable {
                    name,
                    sort: Sort::String,
                },
                TermNode::StringLiteral(text),
            )
            | (
                TermNode::StringLiteral(text),
                TermNode::Variable {
                    name,
                    sort: Sort::String,
                },
            ) => Some((name, text)),
            _ => None,
        }
    }

    /// `variable` is one of `literals`: the literals not yet known are
    /// numbered consecutively and related to the variable's languages by
    /// ranges; the test is a disjunction of index ranges.
    fn literal_set(&mut self, variable: &str, literals: &[String]) -> Term {
        let entry = self.variable(variable);
        let mut indices = Vec::with_capacity(literals.len());
        let mut added = Vec::new();
        for literal in literals {
            match entry.literals.get_index_of(literal.as_str()) {
                Some(index) => indices.push(index),
                None => {
                    entry.literals.insert(literal.clone(), ());
                    indices.push(entry.literals.len() - 1);
                    added.push(entry.literals.len() - 1);
                }
            }
        }
        let choice = entry.choice.clone();
        for language in entry.languages.clone() {
            self.relate_indices(language, variable, &added);
        }
        index_ranges(&choice, &indices)
    }

    /// Eager lemmas: the literals at `indices` decide a language atom of
    /// their variable; literals alike on it are grouped into index ranges.
    fn relate_indices(&mut self, language: usize, variable: &str, indices: &[usize]) {
        let entry = &self.variables[variable];
        let choice = entry.choice.clone();
        let automaton = self.languages[language].automaton.clone();
        let atom = self.languages[language].atom.clone();
        let (mut accepted, mut rejected) = (Vec::new(), Vec::new());
        for &index in indices {
            let (literal, _) = entry.literals.get_index(index).expect("a known literal");
            if automaton.accepts(literal) {
                accepted.push(index);
            } else {
                rejected.push(index);
            }
        }
        if !accepted.is_empty() {
            let lemma = index_ranges(&choice, &accepted).implies(&atom);
            self.pending_lemmas.push(lemma);
        }
        if !rejected.is_empty() {
            let lemma = index_ranges(&choice, &rejected).implies(&atom.not());
            self.pending_lemmas.push(lemma);
        }
    }

    fn abstract_all(&mut self, parts: &[Term]) -> Result<Vec<Term>, OutOfFragment> {
        parts.iter().map(|part| self.abstract_term(part)).collect()
    }

    fn variable(&mut self, name: &str) -> &mut StringVariable {
        if !self.variables.contains_key(name) {
            let format = self
                .formats
                .get(name)
                .map(|format| Arc::new(Automaton::from_regex(&format.regex())));
            self.variables.insert(
                name.to_string(),
                StringVariable {
                    literals: IndexMap::new(),
                    choice: Term::variable(&format!("choice.{name}"), Sort::Int),
                    languages: Vec::new(),
                    format,
                },
            );
        }
        &mut self.variables[name]
    }

    fn variable_name(term: &Term) -> Option<&str> {
        match term.node() {
            TermNode::Variable {
                name,
                sort: Sort::String,
            } => Some(name),
            _ => None,
        }
    }

    /// `variable == literal`, as `choice.variable = i`.
    fn literal_atom(&mut self, variable: &str, literal: &str) -> Term {
        let entry = self.variable(variable);
        let (index, added) = match entry.literals.get_index_of(literal) {
            Some(index) => (index, false),
            None => {
                entry.literals.insert(literal.to_string(), ());
                (entry.literals.len() - 1, true)
            }
        };
        let choice = entry.choice.clone();
        let atom = choice.equals(&Term::int(index as i128));
        if added {
            // The literal against the variable's languages known so far.
            let languages = entry.languages.clone();
            for language in languages {
                self.relate(language, variable, literal, &atom);
            }
        }
        atom
    }

    /// Eager lemma: a literal decides each language atom of its variable.
    fn relate(&mut self, language: usize, variable: &str, literal: &str, literal_atom: &Term) {
        let atom = &self.languages[language];
        debug_assert_eq!(atom.variable, variable);
        let lemma = if atom.automaton.accepts(literal) {
            literal_atom.implies(&atom.atom)
        } else {
            literal_atom.implies(&atom.atom.not())
        };
        self.pending_lemmas.push(lemma);
    }

    fn language_atom(
        &mut self,
        subject: &Term,
        regex: &Regex,
        original: &Term,
    ) -> Result<Term, OutOfFragment> {
        if let TermNode::Ite(condition, then, otherwise) = subject.node() {
            let condition = self.abstract_term(condition)?;
            let then = self.language_atom(then, regex, original)?;
            let otherwise = self.language_atom(otherwise, regex, original)?;
            return Ok(Term::ite(&condition, &then, &otherwise));
        }
        if let Some(text) = subject.as_string() {
            return Ok(Term::bool(regex.matches(text)));
        }
        let Some(variable) = Self::variable_name(subject).map(str::to_string) else {
            return Err(OutOfFragment(format!(
                "a pattern over a composite string: {original:?}"
            )));
        };
        let key = (variable.clone(), regex.clone());
        if let Some(index) = self.language_index.get(&key) {
            return Ok(self.languages[*index].atom.clone());
        }
        let index = self.languages.len();
        let atom = Term::variable(&format!("atom.{index}"), Sort::Bool);
        self.languages.push(LanguageAtom {
            variable: variable.clone(),
            automaton: Arc::new(Automaton::from_regex(regex)),
            atom: atom.clone(),
        });
        self.language_index.insert(key, index);
        let entry = self.variable(&variable);
        entry.languages.push(index);
        let known: Vec<usize> = (0..entry.literals.len()).collect();
        self.relate_indices(index, &variable, &known);
        Ok(atom)
    }

    /// `length(v) = n`, `n <= length(v)`, `length(v) <= n` (and `<`) with a
    /// constant `n`, as a language atom.
    fn length_atom(
        &mut self,
        term: &Term,
        left: &Term,
        right: &Term,
    ) -> Result<Option<Term>, OutOfFragment> {
        let length_of = |side: &Term| match side.node() {
            TermNode::Length(subject) => Some(subject.clone()),
            _ => None,
        };
        let (subject, bound, length_on_left) = match (length_of(left), length_of(right)) {
            (Some(subject), None) => (subject, right.as_int(), true),
            (None, Some(subject)) => (subject, left.as_int(), false),
            _ => return Ok(None),
        };
        let Some(bound) = bound else {
            return Err(OutOfFragment(format!("a symbolic length: {term:?}")));
        };
        let exactly = |count: i128| {
            Regex::Concat(
                (0..count.clamp(0, 4096))
                    .map(|_| Regex::printable())
                    .collect(),
            )
        };
        let at_least =
            |count: i128| Regex::Concat(vec![exactly(count), Regex::star(Regex::printable())]);
        let at_most = |count: i128| {
            if count < 0 {
                return Regex::Union(Vec::new());
            }
            Regex::Concat(
                (0..count.min(4096))
                    .map(|_| Regex::Union(vec![Regex::Literal(String::new()), Regex::printable()]))
                    .collect(),
            )
        };
        let regex = match (term.node(), length_on_left) {
            (TermNode::Equal(..), _) => {
                if bound < 0 {
                    return Ok(Some(Term::falsity()));
                }
                exactly(bound)
            }
            (TermNode::LessOrEqual(..), true) => at_most(bound),
            (TermNode::LessOrEqual(..), false) => at_least(bound),
            (TermNode::LessThan(..), true) => at_most(bound - 1),
            (TermNode::LessThan(..), false) => at_least(bound + 1),
            _ => return Ok(None),
        };
        self.language_atom(&subject, &regex, term).map(Some)
    }

    fn string_equality(&mut self, left: &Term, right: &Term) -> Result<Term, OutOfFragment> {
        for (one, other) in [(left, right), (right, left)] {
            if let TermNode::Ite(condition, then, otherwise) = one.node() {
                let condition = self.abstract_term(condition)?;
                let then = self.string_equality(then, other)?;
                let otherwise = self.string_equality(otherwise, other)?;
                return Ok(Term::ite(&condition, &then, &otherwise));
            }
        }
        match (left.node(), right.node()) {
            (TermNode::StringLiteral(a), TermNode::StringLiteral(b)) => Ok(Term::bool(a == b)),
            (TermNode::Variable { name, .. }, TermNode::StringLiteral(text))
            | (TermNode::StringLiteral(text), TermNode::Variable { name, .. }) => {
                Ok(self.literal_atom(name, text))
            }
            (TermNode::Variable { name: a, .. }, TermNode::Variable { name: b, .. }) => {
                let (a, b) = if a <= b { (a, b) } else { (b, a) };
                if let Some(existing) = self
                    .equalities
                    .iter()
                    .find(|equality| equality.left == *a && equality.right == *b)
                {
                    return Ok(existing.atom.clone());
                }
                self.variable(a);
                self.variable(b);
                let atom = Term::variable(&format!("equal.{}", self.equalities.len()), Sort::Bool);
                self.equalities.push(VariableEquality {
                    left: a.clone(),
                    right: b.clone(),
                    atom: atom.clone(),
                });
                Ok(atom)
            }
            (TermNode::Concat(pieces), TermNode::StringLiteral(text))
            | (TermNode::StringLiteral(text), TermNode::Concat(pieces)) => {
                let mut count = 0;
                let term = self.split(pieces, text, &mut count)?;
                Ok(term)
            }
            _ => Err(OutOfFragment(format!(
                "an equation between composite strings: {left:?} = {right:?}"
            ))),
        }
    }

    /// A concatenation matches a constant glob: the disjunction, over the
    /// ways the glob's items divide among the parts (a `*` may be shared by
    /// two neighbours), of each part matching its share — literal parts
    /// decided at once, variable parts as language atoms. Choices inside
    /// the concatenation are split first.
    fn concatenation_matches(
        &mut self,
        parts: &[Term],
        pieces: &[GlobPiece],
    ) -> Result<Term, OutOfFragment> {
        if let Some(index) = parts
            .iter()
            .position(|part| matches!(part.node(), TermNode::Ite(..)))
        {
            let TermNode::Ite(condition, then, otherwise) = parts[index].node() else {
                unreachable!("found above");
            };
            let condition = self.abstract_term(condition)?;
            let with = |branch: &Term| {
                let mut replaced = parts.to_vec();
                replaced[index] = branch.clone();
                Term::concat(replaced).matches(pieces)
            };
            let then = self.abstract_term(&with(then))?;
            let otherwise = self.abstract_term(&with(otherwise))?;
            return Ok(Term::ite(&condition, &then, &otherwise));
        }
        let items = glob_items(pieces);
        let mut memo = HashMap::new();
        let mut budget = MAX_SPLITS * 16;
        let term = self.match_from(parts, 0, Split::Before(0), &items, &mut memo, &mut budget)?;
        self.abstract_term(&term)
    }

    /// Parts `index..` match the items from `start` on.
    fn match_from(
        &mut self,
        parts: &[Term],
        index: usize,
        start: Split,
        items: &[GlobPiece],
        memo: &mut HashMap<(usize, Split), Term>,
        budget: &mut usize,
    ) -> Result<Term, OutOfFragment> {
        if index == parts.len() {
            let done = match start {
                Split::Before(position) => position == items.len(),
                Split::InStar(position) => position + 1 == items.len(),
            };
            return Ok(Term::bool(done));
        }
        if let Some(term) = memo.get(&(index, start)) {
            return Ok(term.clone());
        }
        let first = match start {
            Split::Before(position) | Split::InStar(position) => position,
        };
        let mut alternatives = Vec::new();
        for end in split_points(items, first) {
            if end.rank() < start.rank() {
                continue;
            }
            let share = share(items, start, end);
            let here = parts[index].matches(&share);
            if here.is_false() {
                continue;
            }
            *budget = budget.saturating_sub(1);
            if *budget == 0 {
                return Err(OutOfFragment("a pattern divides too many ways".into()));
            }
            let rest = self.match_from(parts, index + 1, end, items, memo, budget)?;
            if !rest.is_false() {
                alternatives.push(here.and2(&rest));
            }
        }
        let term = Term::or(alternatives);
        memo.insert((index, start), term.clone());
        Ok(term)
    }

    /// `term` (a literal, a variable, a concatenation or a choice) equals `text`.
    fn equal_to_text(
        &mut self,
        term: &Term,
        text: &str,
        count: &mut usize,
    ) -> Result<Term, OutOfFragment> {
        match term.node() {
            TermNode::Concat(pieces) => self.split(pieces, text, count),
            _ => self.split(std::slice::from_ref(term), text, count),
        }
    }

    /// `pieces` concatenated equal `text`: a disjunction over the ways the
    /// text splits among the variable pieces.
    fn split(
        &mut self,
        pieces: &[Term],
        text: &str,
        count: &mut usize,
    ) -> Result<Term, OutOfFragment> {
        let Some((first, rest)) = pieces.split_first() else {
            return Ok(Term::bool(text.is_empty()));
        };
        if let Some(literal) = first.as_string() {
            return match text.strip_prefix(literal) {
                Some(remainder) => self.split(rest, remainder, count),
                None => Ok(Term::falsity()),
            };
        }
        if let TermNode::Ite(condition, then, otherwise) = first.node() {
            // A choice inside the concatenation: split each branch.
            let condition = self.abstract_term(condition)?;
            let with = |branch: &Term| {
                Term::concat(std::iter::once(branch.clone()).chain(rest.iter().cloned()))
            };
            let then = self.equal_to_text(&with(then), text, count)?;
            let otherwise = self.equal_to_text(&with(otherwise), text, count)?;
            return Ok(Term::ite(&condition, &then, &otherwise));
        }
        let Some(name) = Self::variable_name(first).map(str::to_string) else {
            return Err(OutOfFragment(format!("a composite piece in {first:?}")));
        };
        if rest.is_empty() {
            return Ok(self.literal_atom(&name, text));
        }
        let mut alternatives = Vec::new();
        for end in 0..=text.len() {
            if !text.is_char_boundary(end) {
                continue;
            }
            let tail = self.split(rest, &text[end..], count)?;
            if tail.is_false() {
                continue;
            }
            *count += 1;
            if *count > MAX_SPLITS {
                return Err(OutOfFragment("too many ways to split a literal".into()));
            }
            alternatives.push(self.literal_atom(&name, &text[..end]).and2(&tail));
        }
        Ok(Term::or(alternatives))
    }

    /// The integer and Boolean variables the abstraction introduced (so
    /// that a model assigns them).
    pub fn abstract_variables(&self) -> Vec<Term> {
        let mut terms: Vec<Term> = self.variables.values().map(|v| v.choice.clone()).collect();
        terms.extend(self.languages.iter().map(|atom| atom.atom.clone()));
        terms.extend(self.equalities.iter().map(|equality| equality.atom.clone()));
        terms
    }

    /// Decides whether the abstract model has real strings behind it (and
    /// template atoms their real values); may create literal atoms, whose
    /// lemmas [`Self::take_lemmas`] then hands out.
    pub fn check_model(&mut self, model: &Model) -> TheoryVerdict {
        let values = match self.check_strings(model) {
            TheoryVerdict::Consistent(values) => values,
            other => return other,
        };
        if self.templates.is_empty() {
            return TheoryVerdict::Consistent(values);
        }
        let mut filled = model.clone();
        for (name, text) in &values {
            filled
                .values
                .insert(name.clone(), Value::String(text.clone()));
        }
        let mut refinements = Vec::new();
        let mut assume = Vec::new();
        for (variable, original) in self.templates.clone() {
            let assumed = matches!(filled.evaluate(&variable), Some(Value::Bool(true)));
            let Some(Value::Bool(real)) = filled.evaluate(&original) else {
                return TheoryVerdict::GaveUp("a template atom could not be evaluated".into());
            };
            if assumed == real {
                continue;
            }
            // A match the model assumed, of a subject the model fixed: the
            // variable's value can only be one that makes the pattern match
            // that subject. Without this, a fixed subject (one resource)
            // had the solver try one value after another.
            if assumed {
                if let Some(lemma) = self.candidate_values_lemma(&variable, &original, &filled) {
                    refinements.push(lemma);
                }
            }
            // Best: with the pattern's variables at their values, the atom
            // is an ordinary constant-pattern test of its subject, which the
            // solver can then satisfy by choosing the subject.
            if let Some((lemma, pins)) = self.resolved_lemma(&variable, &original, &filled) {
                refinements.push(lemma);
                assume.extend(pins);
                continue;
            }
            // Otherwise pin every variable the atom reads to its value in
            // this model: under those values the atom is `real`.
            let mut read = BTreeMap::new();
            original.variables(&mut read);
            let mut clause = vec![if real {
                variable.clone()
            } else {
                variable.not()
            }];
            for (name, sort) in read {
                let Some(pinned) = self.pin(&name, sort, &filled) else {
                    return TheoryVerdict::GaveUp(format!(
                        "template atom reads `{name}`, which has no value"
                    ));
                };
                clause.push(pinned.not());
            }
            refinements.push(Term::or(clause));
        }
        if refinements.is_empty() {
            TheoryVerdict::Consistent(values)
        } else {
            TheoryVerdict::Refine {
                lemmas: Term::and(refinements),
                assume,
            }
        }
    }

    /// Lemmas valid for every value of a new template atom's variables
    /// (`generalize.rs`): its over-approximation, exact equality for
    /// StringEqualsIgnoreCase, inclusion with the templates before it.
    fn template_lemmas(&mut self, variable: &Term, term: &Term) {
        let TermNode::TemplateMatch(atom) = term.node() else {
            return;
        };
        if let Some(over) = over_approximation(atom) {
            if let Ok(encoding) = resolved_template_matches(&over, &[]) {
                if let Ok(encoding) = self.abstract_term(&encoding) {
                    self.pending_lemmas.push(variable.implies(&encoding));
                }
            }
        }
        if atom.rule == TemplateRule::EqualsIgnoringCase {
            let exact = Term::concat(atom.pieces.iter().map(|piece| match piece {
                TemplatePiece::PolicyText(text) => Term::string(text),
                TemplatePiece::Value(value) => value.clone(),
            }));
            if let Ok(equal) = self.abstract_term(&atom.subject.equals(&exact)) {
                self.pending_lemmas.push(equal.implies(variable));
            }
        }
        let others: Vec<(Term, Term)> = self.templates.clone();
        for (other_variable, other_term) in others {
            let TermNode::TemplateMatch(other) = other_term.node() else {
                continue;
            };
            if other_variable == *variable
                || other.subject != atom.subject
                || other.parts != atom.parts
            {
                continue;
            }
            let mut letters = Vec::new();
            let (Some(mine), Some(theirs)) = (
                letter_automaton(atom, &mut letters),
                letter_automaton(other, &mut letters),
            ) else {
                continue;
            };
            if included(&mine, &theirs) {
                self.pending_lemmas.push(variable.implies(&other_variable));
            }
            if included(&theirs, &mine) {
                self.pending_lemmas.push(other_variable.implies(variable));
            }
        }
    }

    /// For a template atom whose pattern reads one plain string variable
    /// `V` (once or more) with a literal value, case-sensitively: `(subject
    /// = s) ∧ atom → V ∈ C`, where `s` is the subject's value in `filled`
    /// and `C` every value that makes the pattern match `s`. A value is
    /// substituted as literal text, so a match puts it on consecutive
    /// characters of `s`: `C` is found among the substrings of `s`, each
    /// judged by the reference matcher. `None` outside that shape, or for a
    /// long subject.
    fn candidate_values_lemma(
        &mut self,
        variable: &Term,
        original: &Term,
        filled: &Model,
    ) -> Option<Term> {
        /// Subjects longer than this are left to the other refinements
        /// (their substrings are too many to try).
        const LONGEST_SUBJECT: usize = 512;
        /// More candidates than this make no useful lemma (a pattern that
        /// does not anchor the value, `*${aws:username}*`): left to the
        /// other refinements.
        const MOST_CANDIDATES: usize = 32;
        let TermNode::TemplateMatch(atom) = original.node() else {
            return None;
        };
        if atom.rule == TemplateRule::EqualsIgnoringCase {
            return None;
        }
        let mut value_terms = atom.pieces.iter().filter_map(|piece| match piece {
            TemplatePiece::Value(term) => Some(term),
            TemplatePiece::PolicyText(_) => None,
        });
        let value_term = value_terms.next()?.clone();
        if value_terms.any(|other| *other != value_term) {
            return None;
        }
        let TermNode::Variable {
            name: value_name,
            sort: Sort::String,
        } = value_term.node()
        else {
            return None;
        };
        if !self.variables.contains_key(value_name) {
            return None;
        }
        let Some(Value::String(subject)) = filled.evaluate(&atom.subject) else {
            return None;
        };
        if subject.len() > LONGEST_SUBJECT {
            return None;
        }
        let mut read = BTreeMap::new();
        relevant_variables(&atom.subject, filled, &mut read);
        if read.contains_key(value_name) {
            return None;
        }
        let mut substrings = std::collections::BTreeSet::new();
        for start in 0..=subject.len() {
            for end in start..=subject.len() {
                if let Some(text) = subject.get(start..end) {
                    substrings.insert(text.to_string());
                }
            }
        }
        let mut trial = filled.clone();
        let mut candidates = Vec::new();
        for text in substrings {
            trial
                .values
                .insert(value_name.clone(), Value::String(text.clone()));
            if let Some(Value::Bool(true)) = trial.evaluate(original) {
                candidates.push(text);
                if candidates.len() > MOST_CANDIDATES {
                    return None;
                }
            }
        }
        let mut clause = vec![variable.not()];
        for (name, sort) in read {
            clause.push(self.pin(&name, sort, filled)?.not());
        }
        for text in candidates {
            clause.push(self.literal_atom(value_name, &text));
        }
        Some(Term::or(clause))
    }

    /// `pins(pattern variables) → (atom ⇔ resolved pattern test)`, or
    /// `None` when the resolved pattern has no atom encoding.
    fn resolved_lemma(
        &mut self,
        variable: &Term,
        original: &Term,
        filled: &Model,
    ) -> Option<(Term, Vec<Term>)> {
        let TermNode::TemplateMatch(atom) = original.node() else {
            return None;
        };
        let mut values = Vec::new();
        let mut read = BTreeMap::new();
        for piece in &atom.pieces {
            if let TemplatePiece::Value(term) = piece {
                match filled.evaluate(term) {
                    Some(Value::String(text)) => values.push(text),
                    _ => return None,
                }
                relevant_variables(term, filled, &mut read);
            }
        }
        let encoding = resolved_template_matches(atom, &values).ok()?;
        let encoding = self.abstract_term(&encoding).ok()?;
        let mut clause = vec![variable.equals(&encoding)];
        let mut pins = Vec::new();
        for (name, sort) in read {
            let pin = self.pin(&name, sort, filled)?;
            clause.push(pin.not());
            pins.push(pin);
        }
        Some((Term::or(clause), pins))
    }

    /// `name` equals its value in `filled`, as an abstract literal.
    fn pin(&mut self, name: &str, sort: Sort, filled: &Model) -> Option<Term> {
        Some(match (sort, filled.values.get(name)?) {
            (Sort::String, Value::String(text)) => {
                if !self.variables.contains_key(name) {
                    return None;
                }
                self.literal_atom(name, text)
            }
            (Sort::Bool, Value::Bool(value)) => {
                Term::variable(name, sort).equals(&Term::bool(*value))
            }
            (Sort::Int, Value::Int(value)) => Term::variable(name, sort).equals(&Term::int(*value)),
            (Sort::BitVec(width), Value::BitVec(value)) => {
                Term::variable(name, sort).equals(&Term::bit_vector(*value, width))
            }
            _ => return None,
        })
    }

    /// The string part of [`Self::check_model`].
    fn check_strings(&self, model: &Model) -> TheoryVerdict {
        let truth = |term: &Term| matches!(model.evaluate(term), Some(Value::Bool(true)));
        // Union-find over the equalities that hold.
        let names: Vec<&String> = self.variables.keys().collect();
        let mut parent: Vec<usize> = (0..names.len()).collect();
        fn find(parent: &mut [usize], index: usize) -> usize {
            let mut root = index;
            while parent[root] != root {
                root = parent[root];
            }
            parent[index] = root;
            root
        }
        let position = |name: &str| self.variables.get_index_of(name).unwrap_or(0);
        for equality in &self.equalities {
            if truth(&equality.atom) {
                let (a, b) = (
                    find(&mut parent, position(&equality.left)),
                    find(&mut parent, position(&equality.right)),
                );
                parent[a] = b;
            }
        }
        let roots: Vec<usize> = (0..names.len())
            .map(|index| find(&mut parent, index))
            .collect();
        let mut classes: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
        for (index, root) in roots.iter().enumerate() {
            classes.entry(*root).or_default().push(index);
        }
        // The equalities that made each class: a conflict found in a class
        // holds only while they hold, so every blocking clause names them.
        let mut merged_by: BTreeMap<usize, Vec<Term>> = BTreeMap::new();
        for equality in &self.equalities {
            if truth(&equality.atom) {
                merged_by
                    .entry(roots[position(&equality.left)])
                    .or_default()
                    .push(equality.atom.clone());
            }
        }
        let no_merges = Vec::new();
        let merges_of = |root: usize| merged_by.get(&root).unwrap_or(&no_merges);
        let is_service = truth(&self.service_kind);
        let mut avoid: BTreeMap<usize, Vec<String>> = BTreeMap::new();
        'attempt: for _ in 0..8 {
            let mut values: BTreeMap<String, String> = BTreeMap::new();
            let mut witness_of_class: BTreeMap<usize, String> = BTreeMap::new();
            let mut constraints_of_class: BTreeMap<usize, Vec<Constraint>> = BTreeMap::new();
            for (root, members) in &classes {
                let mut constraints = Vec::new();
                for member in members {
                    self.constraints_of(names[*member], model, is_service, &mut constraints);
                }
                // Variables whose equality is false must get different strings.
                let mut forbidden: Vec<String> = self
                    .equalities
                    .iter()
                    .filter(|equality| !truth(&equality.atom))
                    .filter_map(|equality| {
                        let a = roots[position(&equality.left)];
                        let b = roots[position(&equality.right)];
                        if a == *root {
                            witness_of_class.get(&b).cloned()
                        } else if b == *root {
                            witness_of_class.get(&a).cloned()
                        } else {
                            None
                        }
                    })
                    .collect();
                forbidden.extend(avoid.get(root).into_iter().flatten().cloned());
                match witness_preferring_text(&constraints, &forbidden, &self.non_empty) {
                    Witness::Found(text) => {
                        for member in members {
                            values.insert(names[*member].clone(), text.clone());
                        }
                        witness_of_class.insert(*root, text);
                        constraints_of_class.insert(*root, constraints);
                    }
                    Witness::GaveUp => {
                        return TheoryVerdict::GaveUp("string search over budget".into())
                    }
                    Witness::Empty if forbidden.is_empty() => {
                        return conflict(&constraints, merges_of(*root))
                    }
                    Witness::Empty => {
                        // Either the class is empty anyway, or it is one string
                        // that an earlier class, unequal to it, is forced to as well.
                        let alone = match witness(&constraints, &[]) {
                            Witness::Empty => return conflict(&constraints, merges_of(*root)),
                            Witness::GaveUp => {
                                return TheoryVerdict::GaveUp("string search over budget".into())
                            }
                            Witness::Found(text) => text,
                        };
                        if witness(&constraints, std::slice::from_ref(&alone)) != Witness::Empty {
                            return TheoryVerdict::GaveUp(
                                "distinct string variables could not be kept apart".into(),
                            );
                        }
                        for equality in &self.equalities {
                            if truth(&equality.atom) {
                                continue;
                            }
                            let (a, b) = (
                                roots[position(&equality.left)],
                                roots[position(&equality.right)],
                            );
                            let partner = if a == *root {
                                b
                            } else if b == *root {
                                a
                            } else {
                                continue;
                            };
                            if witness_of_class.get(&partner) != Some(&alone) {
                                continue;
                            }
                            let partner_constraints = &constraints_of_class[&partner];
                            if witness(partner_constraints, std::slice::from_ref(&alone))
                                != Witness::Empty
                            {
                                // The partner has other strings: start again
                                // with it kept off this one.
                                avoid.entry(partner).or_default().push(alone.clone());
                                continue 'attempt;
                            }
                            // Both sides are forced to the same string: the
                            // equality cannot be false.
                            let mut clause = vec![equality.atom.clone()];
                            clause.extend(pin_reasons(&constraints).iter().map(Term::not));
                            clause.extend(pin_reasons(partner_constraints).iter().map(Term::not));
                            clause.extend(merges_of(*root).iter().map(Term::not));
                            clause.extend(merges_of(partner).iter().map(Term::not));
                            return TheoryVerdict::Conflict(Term::or(clause));
                        }
                        return TheoryVerdict::GaveUp(
                            "distinct string variables could not be kept apart".into(),
                        );
                    }
                }
            }
            return TheoryVerdict::Consistent(values);
        }
        TheoryVerdict::GaveUp("distinct string variables could not be kept apart".into())
    }

    /// The languages a variable must be in (or out of) under the model,
    /// each with the abstract literal that put it there.
    fn constraints_of(
        &self,
        name: &str,
        model: &Model,
        is_service: bool,
        into: &mut Vec<Constraint>,
    ) {
        let variable = &self.variables[name];
        if let Some(format) = &variable.format {
            into.push(Constraint {
                language: Owned::Automaton(format.clone()),
                positive: true,
                reason: None,
            });
        }
        if is_service && name == self.service_variable {
            into.push(Constraint {
                language: Owned::Automaton(self.service_format.clone()),
                positive: true,
                reason: Some(self.service_kind.clone()),
            });
        }
        let choice = match model.evaluate(&variable.choice) {
            Some(Value::Int(value)) => value,
            _ => -1,
        };
        let literal_count = variable.literals.len() as i128;
        if (0..literal_count).contains(&choice) {
            let (literal, _) = variable
                .literals
                .get_index(choice as usize)
                .expect("in range");
            into.push(Constraint {
                language: Owned::Words(Arc::new(Trie::new([literal.as_str()]))),
                positive: true,
                reason: Some(variable.choice.equals(&Term::int(choice))),
            });
        } else if literal_count > 0 {
            // None of the literals: the reason is "choice is out of range".
            let in_range = Term::int(0)
                .less_or_equal(&variable.choice)
                .and2(&variable.choice.less_or_equal(&Term::int(literal_count - 1)));
            into.push(Constraint {
                language: Owned::Words(Arc::new(Trie::new(
                    variable.literals.keys().map(String::as_str),
                ))),
                positive: false,
                reason: Some(in_range.not()),
            });
        }
        for index in &variable.languages {
            let atom = &self.languages[*index];
            let holds = matches!(model.evaluate(&atom.atom), Some(Value::Bool(true)));
            into.push(Constraint {
                language: Owned::Automaton(atom.automaton.clone()),
                positive: holds,
                reason: Some(if holds {
                    atom.atom.clone()
                } else {
                    atom.atom.not()
                }),
            });
        }
    }
}

#[derive(Clone)]
enum Owned {
    Automaton(Arc<Automaton>),
    Words(Arc<Trie>),
}

/// A language a class of variables must be in (`positive`) or out of.
#[derive(Clone)]
struct Constraint {
    language: Owned,
    positive: bool,
    /// The abstract literal that holds in the model and imposes this
    /// constraint (`None`: always imposed).
    reason: Option<Term>,
}

/// The reasons that pin a class to its one string: a literal choice alone
/// when there is one, otherwise every reason.
fn pin_reasons(constraints: &[Constraint]) -> Vec<Term> {
    let literal = constraints
        .iter()
        .find(|constraint| constraint.positive && matches!(constraint.language, Owned::Words(_)));
    match literal {
        Some(constraint) => constraint.reason.iter().cloned().collect(),
        None => constraints
            .iter()
            .filter_map(|constraint| constraint.reason.clone())
            .collect(),
    }
}

fn language_of(constraint: &Constraint) -> (Language<'_>, bool) {
    (
        match &constraint.language {
            Owned::Automaton(automaton) => Language::Automaton(automaton),
            Owned::Words(trie) => Language::Words(trie),
        },
        constraint.positive,
    )
}

fn is_satisfied(constraint: &Constraint, text: &str) -> bool {
    let inside = match &constraint.language {
        Owned::Automaton(automaton) => automaton.accepts(text),
        Owned::Words(trie) => trie.contains(text),
    };
    inside == constraint.positive
}

/// Like [`witness`], but a non-empty string when there is one: an empty
/// value in a counterexample (`aws:RequestedRegion = ""`) is legal but
/// reads like a mistake.
fn witness_preferring_text(
    constraints: &[Constraint],
    forbidden: &[String],
    non_empty: &Arc<Automaton>,
) -> Witness {
    let pinned = constraints
        .iter()
        .any(|constraint| constraint.positive && matches!(constraint.language, Owned::Words(_)));
    if pinned {
        return witness(constraints, forbidden);
    }
    let non_empty = Constraint {
        language: Owned::Automaton(non_empty.clone()),
        positive: true,
        reason: None,
    };
    let mut preferred = constraints.to_vec();
    preferred.push(non_empty);
    match witness(&preferred, forbidden) {
        Witness::Found(text) => Witness::Found(text),
        _ => witness(constraints, forbidden),
    }
}

/// A shortest string meeting every constraint and outside `forbidden`.
/// Searches with the positive constraints (and the word sets) first and
/// adds a negative one only when the witness breaks it: the product of
/// every automaton at once is rarely needed, and the final witness, meeting
/// all constraints while shortest for a subset, is shortest for all.
fn witness(constraints: &[Constraint], forbidden: &[String]) -> Witness {
    let trie = Trie::new(forbidden.iter().map(String::as_str));
    let mut active: Vec<usize> = (0..constraints.len())
        .filter(|index| {
            let constraint = &constraints[*index];
            constraint.positive || matches!(constraint.language, Owned::Words(_))
        })
        .collect();
    loop {
        let mut languages: Vec<(Language<'_>, bool)> = active
            .iter()
            .map(|index| language_of(&constraints[*index]))
            .collect();
        if !forbidden.is_empty() {
            languages.push((Language::Words(&trie), false));
        }
        match find_witness(&languages) {
            Witness::Found(text) => {
                match (0..constraints.len()).find(|index| {
                    !active.contains(index) && !is_satisfied(&constraints[*index], &text)
                }) {
                    Some(broken) => active.push(broken),
                    None => return Witness::Found(text),
                }
            }
            other => return other,
        }
    }
}

/// A small unsatisfiable subset of `constraints` (which are unsatisfiable)
/// as a blocking clause; `merges` are the equalities that put the
/// constrained variables in one class (the clause holds only with them).
fn conflict(constraints: &[Constraint], merges: &[Term]) -> TheoryVerdict {
    let search = |indices: &[usize]| {
        let chosen: Vec<(Language<'_>, bool)> = indices
            .iter()
            .map(|index| language_of(&constraints[*index]))
            .collect();
        find_witness(&chosen)
    };
    // Grow from the positive constraints, adding what each witness breaks.
    let mut core: Vec<usize> = (0..constraints.len())
        .filter(|index| constraints[*index].positive)
        .collect();
    loop {
        match search(&core) {
            Witness::Empty => break,
            Witness::GaveUp => return TheoryVerdict::GaveUp("string search over budget".into()),
            Witness::Found(text) => {
                let Some(broken) = (0..constraints.len()).find(|index| {
                    !core.contains(index) && !is_satisfied(&constraints[*index], &text)
                }) else {
                    return TheoryVerdict::GaveUp("inconsistent automata answers".into());
                };
                core.push(broken);
            }
        }
    }
    // Drop what the conflict does not need.
    let mut position = core.len();
    while position > 0 {
        position -= 1;
        let mut trial = core.clone();
        trial.remove(position);
        if search(&trial) == Witness::Empty {
            core = trial;
        }
    }
    TheoryVerdict::Conflict(Term::or(
        core.iter()
            .filter_map(|index| constraints[*index].reason.as_ref().map(Term::not))
            .chain(merges.iter().map(Term::not)),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn glob(pattern: &str) -> Vec<GlobPiece> {
        pattern
            .chars()
            .map(|c| match c {
                '*' => GlobPiece::Many {
                    crosses_colons: true,
                },
                other => GlobPiece::Literal(other.to_string()),
            })
            .collect()
    }

    fn abstraction() -> StringAbstraction {
        StringAbstraction::new(&RequestModel::build(&[], &[]))
    }

    fn model(values: &[(&str, Value)]) -> Model {
        Model {
            values: values
                .iter()
                .map(|(name, value)| (name.to_string(), value.clone()))
                .collect(),
        }
    }

    #[test]
    fn consistent_atoms_get_shortest_witnesses() {
        let mut abstraction = abstraction();
        let name = Term::variable("action.name", Sort::String);
        abstraction
            .abstract_term(&name.matches(&glob("get*")))
            .unwrap();
        let exact = abstraction
            .abstract_term(&name.equals(&Term::string("get")))
            .unwrap();
        assert_eq!(
            exact,
            Term::variable("choice.action.name", Sort::Int).equals(&Term::int(0))
        );
        let values = model(&[
            ("atom.0", Value::Bool(true)),
            ("choice.action.name", Value::Int(-1)),
        ]);
        match abstraction.check_model(&values) {
            TheoryVerdict::Consistent(strings) => {
                // In `get*`, not `get` itself: the shortest is `geta`.
                assert_eq!(strings["action.name"], "geta");
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn inconsistent_atoms_give_a_small_blocking_clause() {
        let mut abstraction = abstraction();
        let name = Term::variable("action.name", Sort::String);
        let narrow = abstraction
            .abstract_term(&name.matches(&glob("getobject*")))
            .unwrap();
        let wide = abstraction
            .abstract_term(&name.matches(&glob("get*")))
            .unwrap();
        let values = model(&[
            ("atom.0", Value::Bool(true)),
            ("atom.1", Value::Bool(false)),
        ]);
        match abstraction.check_model(&values) {
            TheoryVerdict::Conflict(clause) => {
                assert_eq!(clause, Term::or([narrow.not(), wide]));
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_conflict_inside_a_class_names_the_equalities_that_made_it() {
        // x in get*, y in put*, x = y: inconsistent only because x = y, so
        // the blocking clause must allow x in get*, y in put*, x != y.
        let mut abstraction = abstraction();
        let x = Term::variable("action.name", Sort::String);
        let y = Term::variable("action.service", Sort::String);
        let get = abstraction
            .abstract_term(&x.matches(&glob("get*")))
            .unwrap();
        let put = abstraction
            .abstract_term(&y.matches(&glob("put*")))
            .unwrap();
        let equal = abstraction.abstract_term(&x.equals(&y)).unwrap();
        let name_of = |term: &Term| {
            let mut names = BTreeMap::new();
            term.variables(&mut names);
            assert_eq!(names.len(), 1, "{term:?}");
            names.into_keys().next().unwrap()
        };
        let assign = |equal_holds: bool| {
            model(&[
                (&name_of(&get), Value::Bool(true)),
                (&name_of(&put), Value::Bool(true)),
                (&name_of(&equal), Value::Bool(equal_holds)),
            ])
        };
        match abstraction.check_model(&assign(true)) {
            TheoryVerdict::Conflict(clause) => {
                assert_eq!(
                    assign(false).evaluate(&clause),
                    Some(Value::Bool(true)),
                    "the clause {clause:?} forbids a consistent model"
                );
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            abstraction.check_model(&assign(false)),
            TheoryVerdict::Consistent(_)
        ));
    }

    #[test]
    fn literal_equations_over_concatenations_split() {
        let mut abstraction = abstraction();
        let partition = Term::variable("resource.partition", Sort::String);
        let concat = Term::concat([Term::string("arn:"), partition, Term::string(":x")]);
        let term = abstraction
            .abstract_term(&concat.equals(&Term::string("arn:aws:x")))
            .unwrap();
        assert_eq!(
            term,
            Term::variable("choice.resource.partition", Sort::Int).equals(&Term::int(0))
        );
        // A glob over a concatenation divides among its parts; a regular
        // expression over one is outside the fragment.
        let other = Term::variable("s", Sort::String);
        let joined = Term::concat([other.clone(), Term::string(":"), other]);
        assert!(abstraction
            .abstract_term(&joined.matches(&glob("a*b*c")))
            .is_ok());
        assert!(abstraction
            .abstract_term(&joined.in_regex(Regex::star(Regex::printable())))
            .is_err());
    }
}

#[cfg(test)]
mod concatenation_tests {
    use super::*;
    use crate::policy::pattern::{Glob, WildcardRule};
    use crate::symbolic::patterns::{glob_matches, items_of_tokens};

    /// On every assignment of short strings to the variables, the divided
    /// glob decides exactly as the concrete matcher on the joined string.
    #[test]
    fn divided_globs_agree_with_the_concrete_matcher() {
        let words = ["", "a", "b", ":", "ab", "a:b", "ba"];
        let patterns = ["a*b", "*:*", "a?b", "*", "ab", "*a*", "a*:b*"];
        let (x, y) = (
            Term::variable("x", Sort::String),
            Term::variable("y", Sort::String),
        );
        let subject = Term::concat([x.clone(), Term::string(":"), y.clone()]);
        for pattern in patterns {
            for rule in [WildcardRule::Plain, WildcardRule::ArnSegments] {
                let glob = Glob::compile(pattern, rule);
                let mut abstraction = StringAbstraction::new(&RequestModel::build(&[], &[]));
                let term = glob_matches(&subject, &items_of_tokens(&glob.tokens)).unwrap();
                let abstracted = abstraction.abstract_term(&term).unwrap();
                for first in words {
                    for second in words {
                        // Evaluate the abstract term with atoms set from the words.
                        let mut values = BTreeMap::new();
                        for (index, atom) in abstraction.languages.iter().enumerate() {
                            let word = if atom.variable == "x" { first } else { second };
                            values.insert(
                                format!("atom.{index}"),
                                Value::Bool(atom.automaton.accepts(word)),
                            );
                        }
                        for (name, variable) in &abstraction.variables {
                            let word = if name == "x" { first } else { second };
                            let choice = variable
                                .literals
                                .get_index_of(word)
                                .map_or(-1, |index| index as i128);
                            values.insert(format!("choice.{name}"), Value::Int(choice));
                        }
                        let model = Model { values };
                        let expected = glob.matches(&format!("{first}:{second}"));
                        assert_eq!(
                            model.evaluate(&abstracted),
                            Some(Value::Bool(expected)),
                            "{pattern} {rule:?} on {first}:{second}"
                        );
                    }
                }
            }
        }
    }
}
