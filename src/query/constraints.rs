//! Request constraints: restrict a query to some principals, actions or
//! resources ("only requests by account 111122223333 for `s3:*` on
//! `arn:aws:s3:::reports/*`"). Each constraint has a symbolic reading (a term)
//! and a concrete one (checked on every decoded counterexample), and a
//! description for the verdict's scope.
//!
//! Patterns (`action`, `resource`) come from the command line and follow
//! the policy language's wildcards. Values (`action_is`, `resource_is`) come
//! from a scenario's own request and are exact: `"*"` as a request's
//! resource is the literal resource `*` (actions without resource-level
//! permissions) in `eval` and in every query alike.

use super::error::QueryError;
use crate::catalog::Catalog;
use crate::policy::pattern::split_arn;
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
    /// The action is exactly this one (case-insensitive).
    pub action_is: Option<String>,
    /// The resource is exactly this text.
    pub resource_is: Option<String>,
    /// The principal is exactly this one, as written (an inventory's
    /// projection speaks for one principal).
    pub principal_is: Option<String>,
}

fn is_account(text: &str) -> bool {
    text.len() == 12 && text.bytes().all(|byte| byte.is_ascii_digit())
}

impl RequestConstraints {
    /// Checks the constraints against the request model and the catalog: an
    /// account is 12 digits, an action pattern matches some catalog action,
    /// a resource pattern names a service of the catalog (or a wildcard).
    /// A constraint that matches nothing would make every verdict vacuous.
    pub fn validate(&self) -> Result<(), QueryError> {
        for account in self.principal_account.iter().chain(&self.resource_account) {
            if !is_account(account) {
                return Err(QueryError::BadConstraint(format!(
                    "account `{account}` is not a 12-digit account id"
                )));
            }
        }
        let catalog = Catalog::get();
        for action in self.action.iter().chain(&self.action_is) {
            if action != "*" && catalog.expand_action_pattern(action).is_empty() {
                return Err(QueryError::BadConstraint(format!(
                    "action `{action}` matches no action of the IAM catalog"
                )));
            }
        }
        for resource in self.resource.iter().chain(&self.resource_is) {
            if resource == "*" {
                continue;
            }
            let Some([_, _, service, _, _, _]) = split_arn(resource) else {
                return Err(QueryError::BadConstraint(format!(
                    "resource `{resource}` is neither `*` nor an ARN (arn:partition:service:region:account:resource)"
                )));
            };
            let wildcard = service.contains(['*', '?']);
            if !wildcard && !service.is_empty() && catalog.service(service).is_none() {
                return Err(QueryError::BadConstraint(format!(
                    "resource `{resource}` names service `{service}`, which has no resource type in the IAM catalog"
                )));
            }
        }
        Ok(())
    }

    /// The constraints as a term over the interpretation's request model.
    pub fn symbolic(&self, interpretation: &SymbolicInterpretation<'_>) -> Term {
        let model = interpretation.model();
        let principal = &model.principal;
        let mut parts = Vec::new();
        if let Some(account) = &self.principal_account {
            parts.push(principal.account.equals(&Term::string(account)));
        }
        if let Some(account) = &self.resource_account {
            parts.push(model.resource_account.equals(&Term::string(account)));
        }
        if let Some(kinds) = &self.principal_kinds {
            parts.push(principal.is_any(kinds));
        }
        if let Some(action) = &self.action {
            parts.push(interpretation.action_matches(&ActionPattern::new(action)));
        }
        if let Some(action) = &self.action_is {
            let lower = action.to_ascii_lowercase();
            match lower.split_once(':') {
                Some((service, name)) => {
                    parts.push(model.action_service.equals(&Term::string(service)));
                    parts.push(model.action_name.equals(&Term::string(name)));
                }
                None => parts.push(Term::falsity()),
            }
        }
        if let Some(resource) = &self.resource {
            parts.push(interpretation.resource_matches(&ResourcePattern::new(resource, false)));
        }
        if let Some(resource) = &self.resource_is {
            parts.push(model.resource.equals(&Term::string(resource)));
        }
        if let Some(written) = &self.principal_is {
            match crate::request::RequestPrincipal::parse(written) {
                Ok(parsed) => {
                    parts.push(principal.is(parsed.kind));
                    parts.push(principal.text.equals(&Term::string(&parsed.text)));
                }
                Err(_) => parts.push(Term::falsity()),
            }
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
            && self
                .action_is
                .as_ref()
                .is_none_or(|action| action.eq_ignore_ascii_case(&request.action))
            && self.resource.as_ref().is_none_or(|resource| {
                ResourcePattern::new(resource, false)
                    .constant_glob
                    .is_some_and(|glob| glob.matches(&request.resource))
            })
            && self
                .resource_is
                .as_ref()
                .is_none_or(|resource| *resource == request.resource)
            && self.principal_is.as_ref().is_none_or(|written| {
                crate::request::RequestPrincipal::parse(written).is_ok_and(|parsed| {
                    parsed.kind == principal.kind && parsed.text == principal.text
                })
            })
    }

    /// The scope these constraints give a verdict, for people.
    pub fn describe(&self) -> String {
        let mut parts = Vec::new();
        let kinds = match &self.principal_kinds {
            None => "any principal".to_string(),
            Some(kinds) => kinds
                .iter()
                .map(|kind| kind_phrase(*kind))
                .collect::<Vec<_>>()
                .join(", "),
        };
        match (&self.principal_is, &self.principal_account) {
            (Some(principal), _) => parts.push(format!("by {principal}")),
            (None, Some(account)) => parts.push(format!("by {kinds} of account {account}")),
            (None, None) => parts.push(format!("by {kinds}")),
        }
        match (&self.action_is, &self.action) {
            (Some(action), _) => parts.push(format!("for action {action}")),
            (None, Some(pattern)) => parts.push(format!("for actions matching {pattern}")),
            (None, None) => parts.push("for any action".to_string()),
        }
        match (&self.resource_is, &self.resource) {
            (Some(resource), _) => parts.push(format!("on resource {resource}")),
            (None, Some(pattern)) => parts.push(format!("on resources matching {pattern}")),
            (None, None) => parts.push("on any resource".to_string()),
        }
        if let Some(account) = &self.resource_account {
            parts.push(format!("of account {account}"));
        }
        format!("requests {}", parts.join(" "))
    }
}

fn kind_phrase(kind: PrincipalKind) -> &'static str {
    match kind {
        PrincipalKind::IamUser => "IAM users",
        PrincipalKind::RoleSession => "role sessions",
        PrincipalKind::FederatedUser => "federated users",
        PrincipalKind::AccountRoot => "account root users",
        PrincipalKind::Service => "AWS services",
        PrincipalKind::FederatedProvider => "federated identity providers",
        PrincipalKind::Anonymous => "anonymous callers",
    }
}

impl RequestConstraints {
    /// The constraints a scenario's own request implies: each field it
    /// gives is a value, kept exactly (principal kind and account, action,
    /// resource, resource account).
    pub fn of_scenario(scenario: &crate::scenario::Scenario) -> RequestConstraints {
        let principal = scenario
            .request
            .principal
            .as_deref()
            .and_then(|text| crate::request::RequestPrincipal::parse(text).ok());
        let scope = scenario.own_scope();
        RequestConstraints {
            principal_account: scope.principal_account,
            principal_kinds: principal.as_ref().map(|principal| vec![principal.kind]),
            action: None,
            resource: None,
            resource_account: scope.resource_account,
            action_is: scenario.request.action.clone(),
            resource_is: scenario.request.resource.clone(),
            principal_is: None,
        }
    }

    /// `self` with every constraint `other` gives laid over it.
    pub fn overlaid_with(self, other: &RequestConstraints) -> RequestConstraints {
        RequestConstraints {
            principal_account: other.principal_account.clone().or(self.principal_account),
            principal_kinds: other.principal_kinds.clone().or(self.principal_kinds),
            action: other.action.clone().or(self.action),
            resource: other.resource.clone().or(self.resource),
            resource_account: other.resource_account.clone().or(self.resource_account),
            action_is: other.action_is.clone().or(self.action_is),
            resource_is: other.resource_is.clone().or(self.resource_is),
            principal_is: other.principal_is.clone().or(self.principal_is),
        }
    }

    /// The setup scope these constraints fix (a known account keeps only
    /// its own SCP or RCP chain).
    pub fn scope(&self) -> crate::scenario::SetupScope {
        crate::scenario::SetupScope {
            principal_account: self.principal_account.clone(),
            resource_account: self.resource_account.clone(),
        }
    }
}
