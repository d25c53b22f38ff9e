//! Analyses of one policy against the IAM catalog that need no solver:
//! which catalog actions a policy's statements cover.

pub mod actions;

pub use actions::{granted_actions, GrantedActions, StatementActions};
