//! iamz: proofs about AWS access policies.
//!
//! See `docs/architecture.md` for the map of modules.

pub mod policy;
