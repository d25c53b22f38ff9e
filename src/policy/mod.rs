//! The policy language: located JSON, the typed AST, patterns, policy
//! variables, and the parser with its errors and warnings.

pub mod ast;
pub mod diagnostics;
pub mod json;
pub mod kind;
pub mod parse;
pub mod pattern;
pub mod template;

pub use ast::*;
pub use diagnostics::{Diagnostic, PolicyError, SourceLocation};
pub use kind::PolicyKind;
pub use parse::{parse_policy, parse_policy_with, ParsedPolicy, RequiredElements};
pub use pattern::{ActionPattern, ResourcePattern};
