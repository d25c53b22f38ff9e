//! The search loop shared by every query: assert the axioms and the query's
//! constraints once, check goals, turn models into concrete requests.
//!
//! Two back ends. The atom back end (`symbolic/atoms.rs`) is tried first:
//! strings abstracted to atoms, z3 on Booleans and integers, each model's
//! strings found by automata in Rust, and a blocking clause whenever the
//! atoms' values are inconsistent. A query outside its fragment (or whose
//! string search goes over budget) goes to the string back end: z3's string
//! solvers, with a character format asserted only when a model breaks it.

use super::error::QueryError;
use crate::request::ConcreteRequest;
use crate::symbolic::atoms::{StringAbstraction, TheoryVerdict};
use crate::symbolic::decoder::{decode, format_violations};
use crate::symbolic::z3_backend::{BackendError, Value};
use crate::symbolic::{CheckOutcome, RequestModel, Sort, Term, Z3Session};
use std::collections::{BTreeMap, BTreeSet};
use std::time::Instant;

/// Which back end decides a query's strings (see the module header).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum BackEndChoice {
    /// The atom back end, and the string back end where it does not go.
    #[default]
    Automatic,
    /// The atom back end only: outside its fragment a search is unknown.
    AtomsOnly,
    /// z3's string solvers only.
    StringsOnly,
}

/// Options of a query.
#[derive(Debug, Clone)]
pub struct QueryOptions {
    /// Back end selection; tests pin one to compare them.
    pub back_end: BackEndChoice,
    /// Solver timeout per check, in milliseconds; a timeout makes the
    /// verdict inconclusive.
    pub timeout_milliseconds: u32,
    /// Rewrite counterexamples into readable ones (catalog action names,
    /// `example` principals), each rewrite re-certified by replay.
    pub readable: bool,
}

impl Default for QueryOptions {
    fn default() -> Self {
        QueryOptions {
            back_end: BackEndChoice::Automatic,
            timeout_milliseconds: 10_000,
            readable: true,
        }
    }
}

/// The outcome of one search.
#[derive(Debug, Clone)]
pub enum Search {
    Found(Box<ConcreteRequest>),
    NotFound,
    Unknown(String),
}

/// One query's search over one request model.
pub struct Engine {
    atoms: Option<AtomEngine>,
    strings: Option<StringEngine>,
    constraint: Term,
    options: QueryOptions,
    /// Solver checks run so far.
    pub checks: usize,
}

impl Engine {
    /// An engine with the model's axioms and `constraint` asserted.
    pub fn new(
        model: &RequestModel,
        constraint: &Term,
        options: &QueryOptions,
    ) -> Result<Engine, QueryError> {
        let atoms = match options.back_end {
            BackEndChoice::StringsOnly => None,
            _ => AtomEngine::new(model, constraint, options)?,
        };
        Ok(Engine {
            atoms,
            strings: None,
            constraint: constraint.clone(),
            options: options.clone(),
            checks: 0,
        })
    }

    /// Searches for a request satisfying `goal`.
    pub fn search(&mut self, model: &RequestModel, goal: &Term) -> Result<Search, QueryError> {
        if goal.is_false() {
            return Ok(Search::NotFound);
        }
        if let Some(atoms) = &mut self.atoms {
            let outcome = atoms.search(model, goal, &self.options);
            self.checks += atoms.checks;
            atoms.checks = 0;
            if let Some(search) = outcome? {
                return Ok(search);
            }
        }
        if self.options.back_end == BackEndChoice::AtomsOnly {
            return Ok(Search::Unknown("outside the atom back end".into()));
        }
        if self.strings.is_none() {
            self.strings = Some(StringEngine::new(model, &self.constraint, &self.options)?);
        }
        let strings = self.strings.as_mut().expect("just built");
        let outcome = strings.search(model, goal);
        self.checks += strings.checks;
        strings.checks = 0;
        outcome
    }
}

/// The atom back end's session.
struct AtomEngine {
    session: Z3Session,
    abstraction: StringAbstraction,
    checks: usize,
}

/// Blocking clauses one search may add before it gives up on the atom
/// back end (the string back end then decides).
const MAX_THEORY_ROUNDS: usize = 2_000;

/// Template refinements one search may make before the string back end
/// (whose string encodings cover most policy variables) takes over: a
/// refinement settles one set of variable values, so a search that keeps
/// needing them is enumerating values rather than converging.
const MAX_TEMPLATE_REFINEMENTS: usize = 32;

impl AtomEngine {
    /// `None` when the axioms or the constraint are outside the fragment.
    fn new(
        model: &RequestModel,
        constraint: &Term,
        options: &QueryOptions,
    ) -> Result<Option<AtomEngine>, QueryError> {
        let mut abstraction = StringAbstraction::new(model);
        let mut session = Z3Session::new(options.timeout_milliseconds);
        for term in model
            .axioms
            .iter()
            .map(|(_, axiom)| axiom)
            .chain(std::iter::once(constraint))
        {
            match abstraction.abstract_term(term) {
                Ok(abstracted) => session.assert(&abstracted)?,
                Err(reason) => {
                    trace_fallback(&reason.to_string());
                    return Ok(None);
                }
            }
        }
        // Every non-string request variable gets a value in each model.
        let mut variables = BTreeMap::new();
        for term in model.request_terms() {
            term.variables(&mut variables);
        }
        for (name, sort) in variables {
            if sort != Sort::String {
                session.declare(&Term::variable(&name, sort))?;
            }
        }
        Ok(Some(AtomEngine {
            session,
            abstraction,
            checks: 0,
        }))
    }

    /// `None` when this goal is outside the fragment or the string search
    /// gave up: the string back end decides it.
    fn search(
        &mut self,
        model: &RequestModel,
        goal: &Term,
        options: &QueryOptions,
    ) -> Result<Option<Search>, QueryError> {
        let goal = match self.abstraction.abstract_term(goal) {
            Ok(goal) => goal,
            Err(reason) => {
                trace_fallback(&reason.to_string());
                return Ok(None);
            }
        };
        let started = Instant::now();
        // Values worth assuming (see `TheoryVerdict::Refine`); dropped when
        // the check under them is unsat, which is then not trusted.
        let mut assumed: Vec<Term> = Vec::new();
        let mut refinements = 0;
        for _ in 0..MAX_THEORY_ROUNDS {
            for lemma in self.abstraction.take_lemmas() {
                self.session.assert(&lemma)?;
            }
            if started.elapsed().as_millis() > u128::from(options.timeout_milliseconds) {
                return Ok(Some(Search::Unknown("timeout".into())));
            }
            self.checks += 1;
            let mut goals = vec![goal.clone()];
            goals.extend(assumed.iter().cloned());
            let mut values = match self.session.check_incremental(&goals)? {
                CheckOutcome::Unsat if !assumed.is_empty() => {
                    assumed.clear();
                    continue;
                }
                CheckOutcome::Unsat => return Ok(Some(Search::NotFound)),
                CheckOutcome::Unknown(reason) => return Ok(Some(Search::Unknown(reason))),
                CheckOutcome::Sat(values) => values,
            };
            match self.abstraction.check_model(&values) {
                TheoryVerdict::Consistent(strings) => {
                    for (name, text) in strings {
                        values.values.insert(name, Value::String(text));
                    }
                    return Ok(Some(Search::Found(Box::new(decode(model, &values)?))));
                }
                TheoryVerdict::Conflict(clause) => self.session.assert(&clause)?,
                TheoryVerdict::Refine { lemmas, assume } => {
                    refinements += 1;
                    if refinements > MAX_TEMPLATE_REFINEMENTS {
                        trace_fallback("template refinements do not converge");
                        return Ok(None);
                    }
                    self.session.assert(&lemmas)?;
                    assumed.extend(assume);
                }
                TheoryVerdict::GaveUp(reason) => {
                    trace_fallback(&reason);
                    return Ok(None);
                }
            }
        }
        trace_fallback("too many blocking clauses");
        Ok(None)
    }
}

/// With `IAMZ_TRACE_SOLVER` set, says why a search left the atom back end.
fn trace_fallback(reason: &str) {
    if std::env::var_os("IAMZ_TRACE_SOLVER").is_some() {
        let short: String = reason.chars().take(300).collect();
        eprintln!("atom back end: fallback to strings: {short}");
    }
}

/// The string back end's session.
struct StringEngine {
    session: Z3Session,
    asserted_formats: BTreeSet<String>,
    checks: usize,
}

impl StringEngine {
    /// A session with the model's axioms and `constraint` asserted.
    fn new(
        model: &RequestModel,
        constraint: &Term,
        options: &QueryOptions,
    ) -> Result<StringEngine, QueryError> {
        let mut session = Z3Session::new(options.timeout_milliseconds);
        for (_, axiom) in &model.axioms {
            session.assert(axiom)?;
        }
        session.assert(constraint)?;
        for formatted in &model.formats {
            session.declare(&formatted.variable)?;
        }
        for term in model.request_terms() {
            session.declare(&term)?;
        }
        Ok(StringEngine {
            session,
            asserted_formats: BTreeSet::new(),
            checks: 0,
        })
    }

    fn search(&mut self, model: &RequestModel, goal: &Term) -> Result<Search, QueryError> {
        match self.search_formatted(model, goal) {
            Err(QueryError::Backend(BackendError::Unsupported(reason))) => {
                Ok(Search::Unknown(reason))
            }
            other => other,
        }
    }

    fn search_formatted(
        &mut self,
        model: &RequestModel,
        goal: &Term,
    ) -> Result<Search, QueryError> {
        // Each round asserts at least one new format, so this ends.
        for _ in 0..=model.formats.len() + 1 {
            self.checks += 1;
            let values = match self.session.check(std::slice::from_ref(goal))? {
                CheckOutcome::Unsat => return Ok(Search::NotFound),
                CheckOutcome::Unknown(reason) => return Ok(Search::Unknown(reason)),
                CheckOutcome::Sat(values) => values,
            };
            let violations = format_violations(model, &values);
            if violations.is_empty() {
                // Readability is handled after decoding, in Rust, where
                // each rewrite is re-certified by replay (query/readable.rs).
                return Ok(Search::Found(Box::new(decode(model, &values)?)));
            }
            // Cheap first: pin each offending variable to a repaired copy of
            // its value (bad characters replaced); only if that fails,
            // assert the formats as regular expressions.
            let mut pinned = vec![goal.clone()];
            for violation in &violations {
                if let Some(text) = values.string(&violation.name) {
                    pinned.push(
                        violation
                            .variable
                            .equals(&Term::string(&violation.format.repair(text))),
                    );
                }
            }
            self.checks += 1;
            if let CheckOutcome::Sat(repaired) = self.session.check(&pinned)? {
                if format_violations(model, &repaired).is_empty() {
                    return Ok(Search::Found(Box::new(decode(model, &repaired)?)));
                }
            }
            let mut added = false;
            for violation in violations {
                let label = format!("{}:{:?}", violation.name, violation.format);
                if self.asserted_formats.insert(label) {
                    self.session
                        .assert(&violation.variable.in_regex(violation.format.regex()))?;
                    added = true;
                }
            }
            if !added {
                break;
            }
        }
        Err(QueryError::Decode(
            crate::symbolic::decoder::DecodeError::Format(
                "a format the solver keeps breaking".into(),
            ),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::symbolic::term::GlobPiece;

    /// Membership in many literals (a zone's accounts) is tested as index
    /// ranges by the atom back end: the answers must be those of the
    /// equations it stands for, beside a pattern on the same variable.
    #[test]
    fn many_literals_of_one_variable_decide_as_their_equations() {
        let model = RequestModel::build(&[], &[]);
        let account = &model.principal.account;
        let members: Vec<String> = (0..40).map(|index| format!("2{index:011}")).collect();
        let outsider = "300000000000".to_string();
        let in_members = |members: &[String]| {
            Term::or(
                members
                    .iter()
                    .map(|member| account.equals(&Term::string(member))),
            )
        };
        let starts_with = |prefix: &str| {
            account.matches(&[
                GlobPiece::Literal(prefix.to_string()),
                GlobPiece::Many {
                    crosses_colons: true,
                },
            ])
        };
        let options = QueryOptions {
            back_end: BackEndChoice::AtomsOnly,
            ..QueryOptions::default()
        };
        let search = |goal: &Term| {
            let mut engine = Engine::new(&model, &Term::truth(), &options).unwrap();
            match engine.search(&model, goal).unwrap() {
                Search::Found(request) => Some(request.principal.account.clone()),
                Search::NotFound => None,
                Search::Unknown(reason) => panic!("unknown: {reason}"),
            }
        };
        // A member that the pattern fits: found, and one of the members.
        let found = search(&in_members(&members).and2(&starts_with("200000000003")));
        let found = found.flatten().expect("a member starting 200000000003");
        assert!(members.contains(&found), "{found}");
        // No member starts with 3: none.
        assert_eq!(search(&in_members(&members).and2(&starts_with("3"))), None);
        // Outside every member but of the same shape: found, not a member.
        let mut with_outsider = members.clone();
        with_outsider.push(outsider.clone());
        let found = search(&in_members(&with_outsider).and2(&in_members(&members).not()));
        assert_eq!(found.flatten(), Some(outsider));
        // Members beside a guard they share, the guard false: none.
        let guarded = Term::or(members.iter().map(|member| {
            model
                .principal
                .has_identity_side()
                .and2(&account.equals(&Term::string(member)))
        }));
        let anonymous = model.principal.is(crate::request::PrincipalKind::Anonymous);
        assert_eq!(search(&guarded.and2(&anonymous)), None);
        assert!(search(&guarded).is_some());
    }
}
