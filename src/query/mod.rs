//! Questions about policies, answered by the solver and certified by the
//! reference evaluator.
//!
//! - [`compare`]: does NEW allow exactly what OLD allows (within request
//!   constraints)? Verdict plus one replayed counterexample per differing
//!   direction. [`compare_policies`] does the same for two versions of one
//!   policy judged alone.
//! - [`find_access_outside_zone`]: does a setup allow some principal outside
//!   a zone of trust?
//!
//! A side is a whole setup (`semantics::Setup`, built by `Scenario::setup`)
//! or one policy judged alone (`semantics::alone::PolicyAlone`). Every request
//! the solver finds is decoded, replayed through `eval::evaluate` on each
//! side, and returned only if the replay agrees; otherwise the query fails
//! with [`QueryError::ReplayMismatch`].

pub mod compare;
pub mod constraints;
pub mod core;
pub mod differences;
pub mod engine;
pub mod error;
pub mod readable;
pub mod zone;

pub use compare::{
    compare, compare_policies, comparison_smt2, principals_judged, replay, ComparedSide,
    Comparison, Counterexample, Direction, PolicyComparisonMode, Replayed, Verdict,
};
pub use constraints::RequestConstraints;
pub use core::{Enumeration, EnumerationEnd, Found, Query};
pub use differences::{
    enumerate_differences, ActionClassDifference, ActionDistinctions, Differences,
    RestrictedRequests,
};
pub use engine::{BackEndChoice, QueryOptions, Search};
pub use error::{InconclusiveReason, QueryError};
pub use zone::{find_access_outside_zone, OutsideAccess, Zone, ZoneVerdict};

#[cfg(test)]
mod tests;

#[cfg(test)]
mod property_tests;

#[cfg(test)]
pub(crate) mod setup_property_tests;
