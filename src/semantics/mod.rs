//! The evaluation logic of AWS authorization, written once and generic over
//! an [`Interpretation`]: a concrete one (plain `bool` over a concrete request,
//! the reference evaluator in `eval/`) and a symbolic one (solver terms over a
//! symbolic request, the encoder in `symbolic/`).
//!
//! Only the primitive atoms differ between interpretations: does the action
//! match this pattern, does one value of a key compare true with one policy
//! value, is a key present, does the principal match this entry. Everything
//! that combines atoms — statements, condition operators with IfExists, Null,
//! ForAllValues/ForAnyValue, policies, and the layers of a decision — lives
//! here and nowhere else.

pub mod condition;
pub mod decision;
pub mod statement;

use crate::policy::{ActionPattern, Comparison, ConditionValue, PrincipalEntry, ResourcePattern};

pub use decision::{
    decide, Applicability, DecisionTerms, Layer, LayerOutcome, LayerRole, RequestFacts,
};

/// How strongly a principal entry names the requesting principal. A stronger
/// match implies every weaker one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum PrincipalMatchStrength {
    /// The entry names the principal's account: it delegates to the account's
    /// IAM policies and grants nothing by itself.
    Delegation,
    /// The entry grants to the principal (a role ARN for its sessions, `*`,
    /// a service, a federated provider), subject to the principal's
    /// permissions boundary and session policy.
    Grant,
    /// The entry names the principal itself (IAM user ARN, role session
    /// ARN, federated user ARN, the account root for the root user): the
    /// grant is not limited by the implicit deny of a boundary or session
    /// policy.
    Exact,
}

/// Whether all or any of a key's values must satisfy a test.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Quantifier {
    All,
    Any,
}

/// The primitive atoms and Boolean algebra of one interpretation.
pub trait Interpretation {
    /// A truth value: `bool`, or a solver term.
    type Bool: Clone;
    /// A handle on one value of a condition key.
    type KeyValue: ?Sized;

    fn constant(&self, value: bool) -> Self::Bool;
    fn not(&self, value: Self::Bool) -> Self::Bool;
    fn and2(&self, left: Self::Bool, right: Self::Bool) -> Self::Bool;
    fn or2(&self, left: Self::Bool, right: Self::Bool) -> Self::Bool;
    /// `condition ? then : otherwise`.
    fn if_then_else(
        &self,
        condition: Self::Bool,
        then: Self::Bool,
        otherwise: Self::Bool,
    ) -> Self::Bool;

    /// Conjunction over items; the concrete interpretation stops at the
    /// first false.
    fn all_of<T>(&self, items: &[T], test: impl FnMut(&T) -> Self::Bool) -> Self::Bool;
    /// Disjunction over items; the concrete interpretation stops at the
    /// first true.
    fn any_of<T>(&self, items: &[T], test: impl FnMut(&T) -> Self::Bool) -> Self::Bool;

    /// The request's action matches the pattern (case-insensitively).
    fn action_matches(&self, pattern: &ActionPattern) -> Self::Bool;
    /// The request's resource ARN matches the pattern (variables substituted).
    fn resource_matches(&self, pattern: &ResourcePattern) -> Self::Bool;
    /// The entry names the requesting principal at least this strongly.
    fn principal_matches(
        &self,
        entry: &PrincipalEntry,
        strength: PrincipalMatchStrength,
    ) -> Self::Bool;

    /// NotPrincipal: the principal is excluded by the list only when every
    /// ARN of its chain is listed (its account, and its user; or its role and
    /// its session) and it has no permissions boundary; `*` excludes everyone.
    /// Source: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notprincipal.html
    fn principal_excluded(&self, entries: &[PrincipalEntry]) -> Self::Bool;

    /// The key is present in the request context (key in lower case).
    fn key_present(&self, key: &str) -> Self::Bool;
    /// Quantifies `test` over the values of a key; over no values `All` is
    /// true and `Any` false.
    fn for_key_values(
        &self,
        key: &str,
        quantifier: Quantifier,
        test: &mut dyn FnMut(&Self::KeyValue) -> Self::Bool,
    ) -> Self::Bool;
    /// One value of a key compares true with one policy value. A policy
    /// value whose variable cannot be resolved compares false.
    fn compare(
        &self,
        comparison: Comparison,
        value: &Self::KeyValue,
        policy_value: &ConditionValue,
    ) -> Self::Bool;
}
