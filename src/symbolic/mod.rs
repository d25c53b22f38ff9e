//! The symbolic interpretation of the shared semantics: the request as
//! solver variables, every atom as a solver term, z3 to search for requests,
//! and the way back from a model to a concrete request.
//!
//! Kept apart, one concern each:
//! - [`term`]: the term language, built only through simplifying constructors;
//! - [`axioms`]: the well-formedness axioms as data, with their AWS sources;
//! - [`request_model`]: the symbolic request and the axioms' constraints;
//! - [`patterns`]: globs compiled to string constraints;
//! - [`language`]: regular languages as automata, witness search;
//! - [`atoms`]: the atom back end: string tests abstracted to Boolean
//!   atoms for z3, decided in Rust with automata;
//! - [`generalize`]: lemmas about patterns with policy variables that hold
//!   for every value of the variables;
//! - [`encoder`]: the [`Interpretation`](crate::semantics::Interpretation) whose
//!   truth values are terms;
//! - [`z3_backend`]: terms to z3, checks, models, SMT-LIB output;
//! - [`decoder`]: models back to concrete requests.
//!
//! The statement, condition and layer logic is not here: it is
//! `semantics/`, shared with the reference evaluator.

pub mod atoms;
pub mod axioms;
pub mod decoder;
pub mod encoder;
pub mod generalize;
pub mod language;
pub mod patterns;
pub mod request_model;
pub mod term;
pub mod unsupported;
pub mod z3_backend;

pub use encoder::SymbolicInterpretation;
pub use request_model::RequestModel;
pub use term::{Sort, Term};
pub use unsupported::{PolicyElement, Unsupported};
pub use z3_backend::{emit_smt2, CheckOutcome, Model, Z3Session};

#[cfg(test)]
mod tests {
    /// What a batch of queries shares across threads must be `Send + Sync`.
    #[test]
    fn compiled_pieces_can_cross_threads() {
        fn shareable<T: Send + Sync>() {}
        shareable::<super::Term>();
        shareable::<super::RequestModel>();
    }
}
