//! Request constraints: restrict a query to some principals, actions or
//! resources ("only requests by account 111122223333 for `s3:*` on
//! `arn:aws:s3:::reports/*`"). Each constraint has a symbolic reading (a term)
//! and a concrete one (checked on every decoded counterexample).

use super::error::QueryError;
use crate::policy::{ActionPattern, ResourcePattern};
use crate::request::{ConcreteRequest, PrincipalKind};
use crate::semantics::Interpretation;
use crate::symbolic::{SymbolicInterpretation, Term};

/// Restrictions on the requests a query considers. Empty means every request.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RequestConstraints {
    /// The principal belongs to this 12-digit account.
    pub principal_account: Option<String>,
    /// The principal is of one of these kinds.
    pub principal_kinds: Option<Vec<PrincipalKind>>,
    /// The action matches this pattern (`s3:*`, case-insensitive).
    pub action: Option<String>,
    /// The resource matches this pattern (resource glob rules).
    pub resource: Option<String>,
    /// The resource belongs to this 12-digit account.
    pub resource_account: Option<String>,
}

impl RequestConstraints {
    pub fn validate(&self) -> Result<(), QueryError> {
        for account in self.principal_account.iter().chain(&self.resource_account) {
            if account.len() != 12 || !account.bytes().all(|byte| byte.is_ascii_digit()) {
                return Err(QueryError::BadConstraint(format!(
                    "account `{account}` is not a 12-digit account id"
                )));
            }
        }
        Ok(())
    }

    /// The constraints as a term over the interpretation's request model.
    pub fn symbolic(&self, interpretation: &SymbolicInterpretation<'_>) -> Term {
        let principal = &interpretation.model().principal;
        let mut parts = Vec::new();
        if let Some(account) = &self.principal_account {
            parts.push(principal.account.equals(&Term::string(account)));
        }
        if let Some(account) = &self.resource_account {
            parts.push(
                interpretation
                    .model()
                    .resource_account
                    .equals(&Term::string(account)),
            );
        }
        if let Some(kinds) = &self.principal_kinds {
            parts.push(principal.is_any(kinds));
        }
        if let Some(action) = &self.action {
            parts.push(interpretation.action_matches(&ActionPattern::new(action)));
        }
        if let Some(resource) = &self.resource {
            parts.push(interpretation.resource_matches(&ResourcePattern::new(resource, false)));
        }
        Term::and(parts)
    }

    /// Whether a concrete request meets the constraints.
    pub fn admits(&self, request: &ConcreteRequest) -> bool {
        let principal = &request.principal;
        self.principal_account
            .as_ref()
            .is_none_or(|account| principal.account.as_ref() == Some(account))
            && self
                .resource_account
                .as_ref()
                .is_none_or(|account| request.resource_account.as_ref() == Some(account))
            && self
                .principal_kinds
                .as_ref()
                .is_none_or(|kinds| kinds.contains(&principal.kind))
            && self
                .action
                .as_ref()
                .is_none_or(|action| ActionPattern::new(action).matches(&request.action_lowercase))
            && self.resource.as_ref().is_none_or(|resource| {
                ResourcePattern::new(resource, false)
                    .constant_glob
                    .is_some_and(|glob| glob.matches(&request.resource))
            })
    }
}
