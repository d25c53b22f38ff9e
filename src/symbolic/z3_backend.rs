//! The z3 back end: translates [`Term`]s into z3 expressions, checks
//! satisfiability under a timeout, and reads models back as plain values.
//!
//! Deterministic: fixed random seeds, variables declared by name, and the
//! translation memoised per term node so a shared sub-term is translated
//! once. One [`Z3Session`] holds one solver; queries add their common
//! assertions once and check each direction under assumptions.
//!
//! Trusts the terms to be well sorted (the term constructors keep them so);
//! an ill-sorted term is reported as [`BackendError::IllSorted`], never a panic.

use super::term::{Regex, Sort, Term, TermNode};
use std::collections::{BTreeMap, HashMap};
use std::str::FromStr;
use z3::ast::{Ast, Bool, Int, Regexp, String as Z3String, BV};
use z3::{Params, SatResult, Solver, Tactic};

/// A value in a model.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    Bool(bool),
    String(String),
    Int(i128),
    BitVec(u128),
}

/// A satisfying assignment, by variable name.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Model {
    pub values: BTreeMap<String, Value>,
}

impl Model {
    pub fn bool(&self, name: &str) -> Option<bool> {
        match self.values.get(name)? {
            Value::Bool(value) => Some(*value),
            _ => None,
        }
    }
    pub fn string(&self, name: &str) -> Option<&str> {
        match self.values.get(name)? {
            Value::String(value) => Some(value),
            _ => None,
        }
    }
    pub fn int(&self, name: &str) -> Option<i128> {
        match self.values.get(name)? {
            Value::Int(value) => Some(*value),
            _ => None,
        }
    }
    pub fn bit_vector(&self, name: &str) -> Option<u128> {
        match self.values.get(name)? {
            Value::BitVec(value) => Some(*value),
            _ => None,
        }
    }

    /// Evaluates a term under the model (variables it lacks are errors).
    pub fn evaluate(&self, term: &Term) -> Option<Value> {
        evaluate(self, term)
    }
}

/// The outcome of one check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CheckOutcome {
    Sat(Model),
    Unsat,
    Unknown(String),
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BackendError {
    #[error("ill-sorted term: {0}")]
    IllSorted(String),
    #[error("string literal cannot be passed to z3: {0:?}")]
    BadLiteral(String),
    #[error("z3 returned no model for a satisfiable query")]
    NoModel,
    #[error("not expressible for the string solver: {0}")]
    Unsupported(String),
}

#[derive(Clone)]
enum Expression {
    Bool(Bool),
    String(Z3String),
    Int(Int),
    BitVec(BV),
}

/// One solver with its translation memo.
pub struct Z3Session {
    timeout_milliseconds: u32,
    /// Everything asserted so far, re-asserted into each check's solver.
    asserted: Vec<Bool>,
    solver: Solver,
    memo: HashMap<usize, (Term, Expression)>,
    /// Every variable translated so far, with its z3 constant.
    variables: BTreeMap<String, Expression>,
    /// Checks run in the session's own solver; past
    /// [`CHEAP_SOLVER_CHECKS`] it is z3's incremental solver.
    own_checks: usize,
    /// The session's solver is z3's incremental one.
    incremental: bool,
}

/// Checks a session runs in the `smt` tactic's solver before it moves to
/// z3's default (incremental) solver. The tactic's solver is made in well
/// under a millisecond where the default one takes ~4 ms, but it solves
/// every check from scratch: a search that keeps adding blocking clauses
/// needs the incremental solver's learnt state (measured on the
/// managed-policy corpus, `cargo bench --bench equivalence`: the tactic
/// alone gave p50 3.3 ms but 12 searches timing out; moving after 1, 2 and
/// 4 checks gave p50 11.7, 3.6 and 3.2 ms, none timing out).
const CHEAP_SOLVER_CHECKS: usize = 2;

/// With `IAMZ_TRACE_SOLVER` set, prints each check's solver, outcome and
/// time on standard error (for tuning; off by default).
fn trace_check(
    solver: &str,
    outcome: &Result<CheckOutcome, BackendError>,
    started: std::time::Instant,
) {
    if std::env::var_os("IAMZ_TRACE_SOLVER").is_some() {
        let outcome = match outcome {
            Ok(CheckOutcome::Sat(_)) => "sat".to_string(),
            Ok(CheckOutcome::Unsat) => "unsat".to_string(),
            Ok(CheckOutcome::Unknown(reason)) => format!("unknown ({reason})"),
            Err(error) => format!("error ({error})"),
        };
        eprintln!(
            "solver {solver}: {outcome} in {:.1} ms",
            started.elapsed().as_secs_f64() * 1000.0
        );
    }
}

/// The string solver tried first, briefly, for models only.
const QUICK_STRING_SOLVER: &str = "z3str3";
const QUICK_TRY_MILLISECONDS: u32 = 500;

/// Solver parameters: timeout and fixed seeds.
fn parameters(timeout_milliseconds: u32) -> Params {
    let mut params = Params::new();
    params.set_u32("timeout", timeout_milliseconds);
    params.set_u32("random_seed", 0);
    params
}

impl Z3Session {
    pub fn new(timeout_milliseconds: u32) -> Z3Session {
        // Global parameters: set once per process (setting them walks z3's
        // parameter registry, which costs more than a small check).
        static SEEDS: std::sync::Once = std::sync::Once::new();
        SEEDS.call_once(|| {
            z3::set_global_param("sat.random_seed", "0");
            z3::set_global_param("smt.random_seed", "0");
        });
        // The `smt` tactic as a solver: z3's default solver builds its
        // whole strategy (a tactic per logic) when made, ~4 ms, more than
        // most checks here take; this one is made in well under 1 ms.
        let solver = Tactic::new("smt").solver();
        solver.set_params(&parameters(timeout_milliseconds));
        Z3Session {
            solver,
            timeout_milliseconds,
            asserted: Vec::new(),
            memo: HashMap::new(),
            variables: BTreeMap::new(),
            own_checks: 0,
            incremental: false,
        }
    }

    /// Asserts a Boolean term for every later check.
    pub fn assert(&mut self, term: &Term) -> Result<(), BackendError> {
        let expression = self.boolean(term)?;
        self.solver.assert(&expression);
        self.asserted.push(expression);
        Ok(())
    }

    /// Checks the assertions together with `goals`; on Sat, reads every
    /// variable seen so far from the model.
    ///
    /// Each check runs in a fresh solver holding the assertions and the
    /// goals: z3 4.8's sequence solver in incremental mode (after `push`)
    /// can take seconds on queries it solves in milliseconds from scratch,
    /// and re-asserting the already translated expressions costs little.
    pub fn check(&mut self, goals: &[Term]) -> Result<CheckOutcome, BackendError> {
        let goals: Vec<Bool> = goals
            .iter()
            .map(|term| self.boolean(term))
            .collect::<Result<_, _>>()?;
        // z3 4.8 has two string solvers with complementary strengths: the
        // default sequence solver proves unsatisfiability in milliseconds
        // but can take seconds to find some models, which z3str3 finds in
        // milliseconds. So: a brief z3str3 try whose models only are used
        // (every model is replayed through the reference evaluator anyway;
        // its "unsat" is not trusted), then the default solver with the
        // full time limit. (Measured: the default solver first, even for
        // 100 ms, times out on models z3str3 finds in 10 ms.)
        let attempts = [
            (QUICK_STRING_SOLVER, QUICK_TRY_MILLISECONDS, false),
            ("seq", self.timeout_milliseconds, true),
        ];
        let mut last = Ok(CheckOutcome::Unknown("no attempt".to_string()));
        for (string_solver, milliseconds, trusted_unsat) in attempts {
            self.solver = self.fresh_solver(
                &goals,
                string_solver,
                milliseconds.min(self.timeout_milliseconds),
            );
            let started = std::time::Instant::now();
            let outcome = self.check_scope();
            trace_check(string_solver, &outcome, started);
            match outcome {
                Ok(CheckOutcome::Sat(model)) => return Ok(CheckOutcome::Sat(model)),
                Ok(CheckOutcome::Unsat) if trusted_unsat => return Ok(CheckOutcome::Unsat),
                other => last = other,
            }
        }
        last
    }

    /// Checks the assertions together with `goals` in the session's own
    /// solver (push, check, pop), with z3's default tactics. For queries
    /// without strings (the atom back end), where incremental solving is
    /// fast and keeps learned clauses.
    pub fn check_incremental(&mut self, goals: &[Term]) -> Result<CheckOutcome, BackendError> {
        let goals: Vec<Bool> = goals
            .iter()
            .map(|term| self.boolean(term))
            .collect::<Result<_, _>>()?;
        self.own_checks += 1;
        if !self.incremental && self.own_checks > CHEAP_SOLVER_CHECKS {
            self.incremental = true;
            // A long search: the incremental solver, with every assertion.
            let solver = Solver::new();
            solver.set_params(&parameters(self.timeout_milliseconds));
            for expression in &self.asserted {
                solver.assert(expression);
            }
            self.solver = solver;
        }
        self.solver.push();
        for goal in &goals {
            self.solver.assert(goal);
        }
        let started = std::time::Instant::now();
        let outcome = self.check_scope();
        trace_check("atoms", &outcome, started);
        self.solver.pop(1);
        outcome
    }

    /// A new solver holding every assertion and `goals`.
    fn fresh_solver(
        &self,
        goals: &[Bool],
        string_solver: &str,
        timeout_milliseconds: u32,
    ) -> Solver {
        let solver = Solver::new();
        let mut params = parameters(timeout_milliseconds);
        params.set_symbol("smt.string_solver", string_solver);
        solver.set_params(&params);
        for expression in self.asserted.iter().chain(goals) {
            solver.assert(expression);
        }
        solver
    }

    fn check_scope(&mut self) -> Result<CheckOutcome, BackendError> {
        match self.solver.check() {
            SatResult::Unsat => Ok(CheckOutcome::Unsat),
            SatResult::Unknown => Ok(CheckOutcome::Unknown(
                self.solver
                    .get_reason_unknown()
                    .unwrap_or_else(|| "unknown".to_string()),
            )),
            SatResult::Sat => {
                let model = self.solver.get_model().ok_or(BackendError::NoModel)?;
                let mut values = BTreeMap::new();
                // Read through the constants made at translation: making
                // them again by name costs a symbol lookup each.
                for (name, constant) in &self.variables {
                    let value = match constant {
                        Expression::Bool(constant) => model
                            .eval(constant, true)
                            .and_then(|value| value.as_bool())
                            .map(Value::Bool),
                        Expression::String(constant) => model
                            .eval(constant, true)
                            .and_then(|value| value.as_string())
                            .map(|text| Value::String(unescape(&text))),
                        Expression::Int(constant) => model
                            .eval(constant, true)
                            .and_then(|value| value.as_i128())
                            .map(Value::Int),
                        Expression::BitVec(constant) => model
                            .eval(constant, true)
                            .and_then(|value| bit_vector_value(&value))
                            .map(Value::BitVec),
                    };
                    if let Some(value) = value {
                        values.insert(name.clone(), value);
                    }
                }
                Ok(CheckOutcome::Sat(Model { values }))
            }
        }
    }

    /// Makes the variables of `term` part of every model read.
    pub fn declare(&mut self, term: &Term) -> Result<(), BackendError> {
        self.translate(term).map(|_| ())
    }

    fn boolean(&mut self, term: &Term) -> Result<Bool, BackendError> {
        match self.translate(term)? {
            Expression::Bool(value) => Ok(value),
            _ => Err(BackendError::IllSorted(format!("{term:?}"))),
        }
    }
    fn string(&mut self, term: &Term) -> Result<Z3String, BackendError> {
        match self.translate(term)? {
            Expression::String(value) => Ok(value),
            _ => Err(BackendError::IllSorted(format!("{term:?}"))),
        }
    }
    fn int(&mut self, term: &Term) -> Result<Int, BackendError> {
        match self.translate(term)? {
            Expression::Int(value) => Ok(value),
            _ => Err(BackendError::IllSorted(format!("{term:?}"))),
        }
    }
    fn bit_vector(&mut self, term: &Term) -> Result<BV, BackendError> {
        match self.translate(term)? {
            Expression::BitVec(value) => Ok(value),
            _ => Err(BackendError::IllSorted(format!("{term:?}"))),
        }
    }

    fn translate(&mut self, term: &Term) -> Result<Expression, BackendError> {
        if let Some((_, expression)) = self.memo.get(&term.address()) {
            return Ok(expression.clone());
        }
        let expression = self.translate_node(term)?;
        self.memo
            .insert(term.address(), (term.clone(), expression.clone()));
        Ok(expression)
    }

    fn translate_node(&mut self, term: &Term) -> Result<Expression, BackendError> {
        use Expression as E;
        Ok(match term.node() {
            TermNode::BoolLiteral(value) => E::Bool(Bool::from_bool(*value)),
            TermNode::StringLiteral(text) => E::String(string_literal(text)?),
            TermNode::IntLiteral(value) => E::Int(Int::from_i128(*value)),
            TermNode::BitVecLiteral { value, width } => E::BitVec(
                BV::from_str(*width, &value.to_string())
                    .ok_or_else(|| BackendError::IllSorted(format!("{term:?}")))?,
            ),
            TermNode::Variable { name, sort } => {
                let constant = match sort {
                    Sort::Bool => E::Bool(Bool::new_const(name.as_str())),
                    Sort::String => E::String(Z3String::new_const(name.as_str())),
                    Sort::Int => E::Int(Int::new_const(name.as_str())),
                    Sort::BitVec(width) => E::BitVec(BV::new_const(name.as_str(), *width)),
                };
                self.variables.insert(name.clone(), constant.clone());
                constant
            }
            TermNode::Not(inner) => E::Bool(self.boolean(inner)?.not()),
            TermNode::And(parts) => {
                let parts: Vec<Bool> = parts
                    .iter()
                    .map(|part| self.boolean(part))
                    .collect::<Result<_, _>>()?;
                E::Bool(Bool::and(&parts))
            }
            TermNode::Or(parts) => {
                let parts: Vec<Bool> = parts
                    .iter()
                    .map(|part| self.boolean(part))
                    .collect::<Result<_, _>>()?;
                E::Bool(Bool::or(&parts))
            }
            TermNode::Ite(condition, then, otherwise) => {
                let condition = self.boolean(condition)?;
                match (self.translate(then)?, self.translate(otherwise)?) {
                    (E::Bool(a), E::Bool(b)) => E::Bool(condition.ite(&a, &b)),
                    (E::String(a), E::String(b)) => E::String(condition.ite(&a, &b)),
                    (E::Int(a), E::Int(b)) => E::Int(condition.ite(&a, &b)),
                    (E::BitVec(a), E::BitVec(b)) => E::BitVec(condition.ite(&a, &b)),
                    _ => return Err(BackendError::IllSorted(format!("{term:?}"))),
                }
            }
            TermNode::Equal(left, right) => match (self.translate(left)?, self.translate(right)?) {
                (E::Bool(a), E::Bool(b)) => E::Bool(a.eq(&b)),
                (E::String(a), E::String(b)) => E::Bool(a.eq(&b)),
                (E::Int(a), E::Int(b)) => E::Bool(a.eq(&b)),
                (E::BitVec(a), E::BitVec(b)) => E::Bool(a.eq(&b)),
                _ => return Err(BackendError::IllSorted(format!("{term:?}"))),
            },
            TermNode::Concat(parts) => {
                let parts: Vec<Z3String> = parts
                    .iter()
                    .map(|part| self.string(part))
                    .collect::<Result<_, _>>()?;
                E::String(Z3String::concat(&parts))
            }
            TermNode::Length(text) => E::Int(self.string(text)?.length()),
            TermNode::Substring(text, offset, length) => {
                let text = self.string(text)?;
                let offset = self.int(offset)?;
                let length = self.int(length)?;
                E::String(text.substr(offset, length))
            }
            TermNode::PrefixOf(prefix, text) => {
                let prefix = self.string(prefix)?;
                E::Bool(prefix.prefix(&self.string(text)?))
            }
            TermNode::SuffixOf(suffix, text) => {
                let suffix = self.string(suffix)?;
                E::Bool(suffix.suffix(&self.string(text)?))
            }
            TermNode::Contains(text, part) => {
                let text = self.string(text)?;
                E::Bool(text.contains(&self.string(part)?))
            }
            TermNode::InRegex(text, regex) => {
                let text = self.string(text)?;
                E::Bool(text.regex_matches(&regex_of(regex)?))
            }
            TermNode::Matches(subject, pieces) => {
                self.translate(&super::patterns::expand_matches(subject, pieces))?
            }
            TermNode::TemplateMatch(atom) => match &atom.string_encoding {
                Some(encoding) => self.translate(encoding)?,
                None => {
                    return Err(BackendError::Unsupported(format!(
                        "a policy variable inside a pattern ({:?})",
                        atom.rule
                    )))
                }
            },
            TermNode::Add(parts) => {
                let parts: Vec<Int> = parts
                    .iter()
                    .map(|part| self.int(part))
                    .collect::<Result<_, _>>()?;
                E::Int(Int::add(&parts))
            }
            TermNode::Subtract(left, right) => {
                let left = self.int(left)?;
                E::Int(Int::sub(&[left, self.int(right)?]))
            }
            TermNode::LessOrEqual(left, right) => {
                let left = self.int(left)?;
                E::Bool(left.le(&self.int(right)?))
            }
            TermNode::LessThan(left, right) => {
                let left = self.int(left)?;
                E::Bool(left.lt(&self.int(right)?))
            }
            TermNode::BitVecLessOrEqual(left, right) => {
                let left = self.bit_vector(left)?;
                E::Bool(left.bvule(&self.bit_vector(right)?))
            }
        })
    }

    /// The solver's assertions as SMT-LIB 2.
    pub fn to_smt2(&self) -> String {
        self.solver.to_smt2()
    }
}

/// A value carried through `with_z3_context`/`with_z3_config`, whose
/// `Send + Sync` bounds keep z3 objects from reaching another thread. They
/// run the callback at once on the calling thread and return its value
/// there, so nothing carried here crosses a thread.
struct OnThisThread<T>(T);
// SAFETY: see above; the value never leaves the calling thread.
unsafe impl<T> Send for OnThisThread<T> {}
// SAFETY: as above: never shared with another thread.
unsafe impl<T> Sync for OnThisThread<T> {}

impl<T> OnThisThread<T> {
    fn into_inner(self) -> T {
        self.0
    }
}

/// A z3 context of its own, for one query.
///
/// Every z3 object the crate makes lives in the thread's current context.
/// A context shared by every query on a thread makes each answer depend on
/// what ran there before (z3 numbers its terms in the order they are made,
/// and its heuristics follow those numbers): the same comparison of the
/// managed-policy corpus took 20 ms alone and 4.4 s after a thousand
/// others, and a model (so a printed counterexample) could differ with
/// the order rayon ran the queries in. A query in its own context answers
/// the same whatever ran before it; making one costs about a millisecond
/// when memory is warm, 5 ms in a fresh process.
pub struct SolverContext(z3::Context);

impl SolverContext {
    pub fn new() -> SolverContext {
        thread_local! {
            /// Whether the thread's own z3 context is still as made: every
            /// z3 object is made inside a [`SolverContext`], so the first
            /// one on a thread can take it (a context costs thousands of
            /// page faults, a fifth of a short command's run).
            static UNTOUCHED: std::cell::Cell<bool> = const { std::cell::Cell::new(true) };
        }
        if UNTOUCHED.with(|untouched| untouched.replace(false)) {
            return SolverContext(z3::Context::thread_local());
        }
        // The crate makes a context only for a callback: keep the one it
        // makes (it never leaves this thread).
        SolverContext(
            z3::with_z3_config(&z3::Config::new(), || {
                OnThisThread(z3::Context::thread_local())
            })
            .into_inner(),
        )
    }

    /// Runs `work` with this context as the thread's z3 context (restored
    /// after). Every z3 object a session makes must be made and used
    /// inside: z3 objects of two contexts must never meet.
    pub fn enter<R>(&self, work: impl FnOnce() -> R) -> R {
        let work = OnThisThread(work);
        z3::with_z3_context(&self.0, move || OnThisThread(work.into_inner()())).into_inner()
    }
}

impl Default for SolverContext {
    fn default() -> Self {
        SolverContext::new()
    }
}

/// Writes the exact query `assertions` (with `assumptions` asserted too) as
/// an SMT-LIB 2 script.
pub fn emit_smt2(assertions: &[Term]) -> Result<String, BackendError> {
    SolverContext::new().enter(|| {
        let mut session = Z3Session::new(0);
        // z3's default solver: its script is the one other tools read back.
        session.solver = Solver::new();
        for term in assertions {
            session.assert(term)?;
        }
        Ok(session.to_smt2())
    })
}

/// z3 string literals: printable ASCII other than `\` passes as is; other
/// characters are written as `\u{…}` escapes, which z3 decodes.
fn string_literal(text: &str) -> Result<Z3String, BackendError> {
    let mut escaped = String::with_capacity(text.len());
    for character in text.chars() {
        if (' '..='~').contains(&character) && character != '\\' {
            escaped.push(character);
        } else {
            escaped.push_str(&format!("\\u{{{:x}}}", character as u32));
        }
    }
    Z3String::from_str(&escaped).map_err(|_| BackendError::BadLiteral(text.to_string()))
}

/// Decodes the `\u{…}` (and `\x..`) escapes z3 uses when printing strings.
fn unescape(text: &str) -> String {
    let mut result = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(index) = rest.find('\\') {
        result.push_str(&rest[..index]);
        let after = &rest[index + 1..];
        let decoded = if let Some(body) = after.strip_prefix("u{") {
            body.find('}').and_then(|end| {
                let code = u32::from_str_radix(&body[..end], 16).ok()?;
                Some((char::from_u32(code)?, 2 + end + 1))
            })
        } else if let Some(body) = after.strip_prefix('x') {
            body.get(..2).and_then(|hex| {
                let code = u32::from_str_radix(hex, 16).ok()?;
                Some((char::from_u32(code)?, 3))
            })
        } else {
            None
        };
        match decoded {
            Some((character, consumed)) => {
                result.push(character);
                rest = &after[consumed..];
            }
            None => {
                result.push('\\');
                rest = after;
            }
        }
    }
    result.push_str(rest);
    result
}

fn bit_vector_value(value: &BV) -> Option<u128> {
    let high = value.extract(127, 64).simplify().as_u64()?;
    let low = value.extract(63, 0).simplify().as_u64()?;
    Some((u128::from(high) << 64) | u128::from(low))
}

fn regex_of(regex: &Regex) -> Result<Regexp, BackendError> {
    Ok(match regex {
        Regex::Literal(text) => Regexp::literal(&escape_for_regex(text)?),
        Regex::Range(low, high) => Regexp::range(low, high),
        // z3 wants at least two operands for re.++ and re.union.
        Regex::Concat(parts) if parts.is_empty() => Regexp::literal(""),
        Regex::Concat(parts) | Regex::Union(parts) if parts.len() == 1 => regex_of(&parts[0])?,
        Regex::Concat(parts) => {
            let parts: Vec<Regexp> = parts.iter().map(regex_of).collect::<Result<_, _>>()?;
            Regexp::concat(&parts)
        }
        Regex::Union(parts) if parts.is_empty() => Regexp::empty(),
        Regex::Union(parts) => {
            let parts: Vec<Regexp> = parts.iter().map(regex_of).collect::<Result<_, _>>()?;
            Regexp::union(&parts)
        }
        Regex::Star(inner) => regex_of(inner)?.star(),
    })
}

fn escape_for_regex(text: &str) -> Result<String, BackendError> {
    if text.chars().all(|c| (' '..='~').contains(&c) && c != '\\') {
        Ok(text.to_string())
    } else {
        Err(BackendError::BadLiteral(text.to_string()))
    }
}

/// Evaluates a term under a model in Rust (used to check decoded requests
/// and in tests); `None` when a variable is missing or sorts disagree.
fn evaluate(model: &Model, term: &Term) -> Option<Value> {
    use Value as V;
    let boolean = |t: &Term| match evaluate(model, t)? {
        V::Bool(value) => Some(value),
        _ => None,
    };
    let string = |t: &Term| match evaluate(model, t)? {
        V::String(value) => Some(value),
        _ => None,
    };
    let int = |t: &Term| match evaluate(model, t)? {
        V::Int(value) => Some(value),
        _ => None,
    };
    Some(match term.node() {
        TermNode::BoolLiteral(value) => V::Bool(*value),
        TermNode::StringLiteral(text) => V::String(text.clone()),
        TermNode::IntLiteral(value) => V::Int(*value),
        TermNode::BitVecLiteral { value, .. } => V::BitVec(*value),
        TermNode::Variable { name, .. } => model.values.get(name)?.clone(),
        TermNode::Not(inner) => V::Bool(!boolean(inner)?),
        TermNode::And(parts) => {
            let mut result = true;
            for part in parts {
                result &= boolean(part)?;
            }
            V::Bool(result)
        }
        TermNode::Or(parts) => {
            let mut result = false;
            for part in parts {
                result |= boolean(part)?;
            }
            V::Bool(result)
        }
        TermNode::Ite(condition, then, otherwise) => {
            if boolean(condition)? {
                evaluate(model, then)?
            } else {
                evaluate(model, otherwise)?
            }
        }
        TermNode::Equal(left, right) => V::Bool(evaluate(model, left)? == evaluate(model, right)?),
        TermNode::Concat(parts) => {
            let mut result = String::new();
            for part in parts {
                result.push_str(&string(part)?);
            }
            V::String(result)
        }
        TermNode::Length(text) => V::Int(string(text)?.chars().count() as i128),
        TermNode::Substring(text, offset, length) => {
            let folded = Term::string(&string(text)?)
                .substring(&Term::int(int(offset)?), &Term::int(int(length)?));
            V::String(folded.as_string()?.to_string())
        }
        TermNode::PrefixOf(prefix, text) => V::Bool(string(text)?.starts_with(&string(prefix)?)),
        TermNode::SuffixOf(suffix, text) => V::Bool(string(text)?.ends_with(&string(suffix)?)),
        TermNode::Contains(text, part) => V::Bool(string(text)?.contains(&string(part)?)),
        TermNode::InRegex(text, regex) => V::Bool(regex.matches(&string(text)?)),
        TermNode::Matches(text, pieces) => {
            V::Bool(super::term::glob_regex(pieces).matches(&string(text)?))
        }
        TermNode::TemplateMatch(atom) => {
            let operands: Vec<String> = atom.operands().map(string).collect::<Option<_>>()?;
            V::Bool(atom.holds(&operands[0], &operands[1..]))
        }
        TermNode::Add(parts) => {
            let mut sum: i128 = 0;
            for part in parts {
                sum = sum.checked_add(int(part)?)?;
            }
            V::Int(sum)
        }
        TermNode::Subtract(left, right) => V::Int(int(left)?.checked_sub(int(right)?)?),
        TermNode::LessOrEqual(left, right) => V::Bool(int(left)? <= int(right)?),
        TermNode::LessThan(left, right) => V::Bool(int(left)? < int(right)?),
        TermNode::BitVecLessOrEqual(left, right) => {
            match (evaluate(model, left)?, evaluate(model, right)?) {
                (V::BitVec(a), V::BitVec(b)) => V::Bool(a <= b),
                _ => return None,
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn solves_strings_and_reads_models() {
        let mut session = Z3Session::new(5_000);
        let name = Term::variable("name", Sort::String);
        session
            .assert(&Term::string("ab").prefix_of(&name))
            .unwrap();
        session
            .assert(&name.length().equals(&Term::int(3)))
            .unwrap();
        let CheckOutcome::Sat(model) = session.check(&[]).unwrap() else {
            panic!("expected sat")
        };
        let value = model.string("name").unwrap();
        assert!(
            value.starts_with("ab") && value.chars().count() == 3,
            "{value:?}"
        );
        assert_eq!(
            session.check(&[name.equals(&Term::string("xyz"))]).unwrap(),
            CheckOutcome::Unsat
        );
    }

    #[test]
    fn odd_literals_round_trip() {
        let mut session = Z3Session::new(5_000);
        let name = Term::variable("name", Sort::String);
        let text = "a\\b\u{1}é";
        session.assert(&name.equals(&Term::string(text))).unwrap();
        let CheckOutcome::Sat(model) = session.check(&[]).unwrap() else {
            panic!("expected sat")
        };
        assert_eq!(model.string("name"), Some(text));
    }

    #[test]
    fn bit_vectors_round_trip() {
        let mut session = Z3Session::new(5_000);
        let bits = Term::variable("ip", Sort::BitVec(128));
        let wanted = (1u128 << 100) + 7;
        session
            .assert(&bits.equals(&Term::bit_vector(wanted, 128)))
            .unwrap();
        let CheckOutcome::Sat(model) = session.check(&[]).unwrap() else {
            panic!("expected sat")
        };
        assert_eq!(model.bit_vector("ip"), Some(wanted));
        assert!(emit_smt2(&[bits.equals(&Term::bit_vector(1, 128))])
            .unwrap()
            .contains("declare-fun ip"));
    }
}
