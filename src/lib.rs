//! iamz: proofs about AWS access policies.
//!
//! See `docs/architecture.md` for the map of modules.

pub mod analysis;
pub mod catalog;
pub mod cli;
pub mod eval;
pub mod explain;
pub mod exposure;
pub mod gate;
pub mod ingest;
pub mod inventory;
pub mod org;
pub mod policy;
pub mod query;
pub mod report;
pub mod request;
pub mod scenario;
pub mod semantics;
pub mod source;
pub mod symbolic;
pub mod validate;
pub mod values;
