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

pub mod alone;
pub mod condition;
pub mod decision;
pub mod derived_keys;
pub mod facts;
pub mod principal;
pub mod public_policy;
pub mod service_rules;
pub mod setup;
pub mod statement;

use crate::policy::{ActionPattern, Comparison, ConditionValue, ResourcePattern};
use crate::request::PrincipalKind;

pub use decision::{
    decide, decide_with_statements, layer_outcome, Applicability, DecisionTerms, Layer,
    LayerOutcome, LayerRole, StatementOutcome,
};
pub use facts::{request_facts, RequestFacts, SetupFacts};
pub use setup::Setup;

/// A field of the requesting principal that a policy's principal entry can
/// name. A field the principal does not have reads as the empty string.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PrincipalField {
    /// The 12-digit account of an IAM principal.
    Account,
    /// The principal as written: the user, session, federated-user or root
    /// ARN; the service name (lower case); the provider name.
    Text,
    /// For a role session: the role's ARN.
    RoleArn,
    /// For a session written as an assumed-role ARN: that ARN.
    SessionArn,
    /// `aws:PrincipalArn`: the role's ARN for a session, the ARN otherwise
    /// (only meaningful for IAM principals).
    PrincipalArn,
}

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
    /// The requesting principal is of this kind.
    fn principal_is(&self, kind: PrincipalKind) -> Self::Bool;
    /// A field of the requesting principal equals `text` exactly.
    fn principal_field_is(&self, field: PrincipalField, text: &str) -> Self::Bool;
    /// The principal is a service-linked role (`role/aws-service-role/…`).
    fn principal_is_service_linked_role(&self) -> Self::Bool;
    /// The principal has an account and it is the resource's account.
    fn principal_in_resource_account(&self) -> Self::Bool;
    /// The principal's account is one of these (sorted) accounts.
    fn principal_account_in(&self, accounts: &[String]) -> Self::Bool;
    /// The resource's account is one of these (sorted) accounts.
    fn resource_account_in(&self, accounts: &[String]) -> Self::Bool;
    /// The action's service prefix (lower case) is one of these (sorted).
    fn action_service_in(&self, services: &[String]) -> Self::Bool;

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
