//! iamz: proofs about AWS access policies.

pub mod catalog;
