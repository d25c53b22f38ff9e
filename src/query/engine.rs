//! The search loop shared by every query: assert the axioms and the query's
//! constraints once, check goals under assumptions, turn models into
//! concrete requests (asserting a character format only when a model breaks
//! it, then solving again).

use super::error::QueryError;
use crate::request::ConcreteRequest;
use crate::symbolic::decoder::{decode, format_violations};
use crate::symbolic::{CheckOutcome, RequestModel, Term, Z3Session};
use std::collections::BTreeSet;

/// Options of a query.
#[derive(Debug, Clone)]
pub struct QueryOptions {
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

/// One solver session over one request model.
pub struct Engine {
    session: Z3Session,
    asserted_formats: BTreeSet<String>,
    /// Solver checks run so far.
    pub checks: usize,
}

impl Engine {
    /// A session with the model's axioms and `constraint` asserted.
    pub fn new(
        model: &RequestModel,
        constraint: &Term,
        options: &QueryOptions,
    ) -> Result<Engine, QueryError> {
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
        Ok(Engine {
            session,
            asserted_formats: BTreeSet::new(),
            checks: 0,
        })
    }

    /// Searches for a request satisfying `goal`.
    pub fn search(&mut self, model: &RequestModel, goal: &Term) -> Result<Search, QueryError> {
        if goal.is_false() {
            return Ok(Search::NotFound);
        }
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
