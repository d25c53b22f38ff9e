//! iamz: proofs about AWS access policies.
