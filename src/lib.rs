//! iamz: proofs about AWS access policies.
//!
//! See `docs/architecture.md` for the map of modules.

pub mod eval;
pub mod policy;
pub mod query;
pub mod request;
pub mod semantics;
pub mod symbolic;
pub mod values;
