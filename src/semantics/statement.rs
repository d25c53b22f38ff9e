//! When a statement applies to a request: Action/NotAction,
//! Resource/NotResource, Principal/NotPrincipal and Condition, all ANDed.
//! Source: "Policy evaluation logic" and the element pages of the IAM JSON
//! policy reference (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements.html).

use super::condition::condition_holds;
use super::principal::{entry_matches, excluded, own_identity_listed};
use super::{Interpretation, PrincipalMatchStrength};
use crate::policy::{Effect, PolicyDocument, PrincipalClause, Statement};

/// The statement's Action/NotAction matches.
pub fn action_clause_matches<I: Interpretation>(
    interpretation: &I,
    statement: &Statement,
) -> I::Bool {
    let clause = &statement.actions;
    let any = interpretation.any_of(&clause.patterns, |pattern| {
        interpretation.action_matches(pattern)
    });
    if clause.negated {
        interpretation.not(any)
    } else {
        any
    }
}

/// The statement's Resource/NotResource matches; a statement without either
/// (a role trust policy) matches every resource.
pub fn resource_clause_matches<I: Interpretation>(
    interpretation: &I,
    statement: &Statement,
) -> I::Bool {
    match &statement.resources {
        None => interpretation.constant(true),
        Some(clause) => {
            let any = interpretation.any_of(&clause.patterns, |pattern| {
                interpretation.resource_matches(pattern)
            });
            if clause.negated {
                interpretation.not(any)
            } else {
                any
            }
        }
    }
}

/// The statement's Principal/NotPrincipal covers the requester with at least
/// `strength`. A statement without either (identity-side policies) covers
/// everyone. NotPrincipal covers whoever it does not exclude, and then only
/// as a plain grant.
pub fn principal_clause_matches<I: Interpretation>(
    interpretation: &I,
    clause: Option<&PrincipalClause>,
    strength: PrincipalMatchStrength,
    principal_has_boundary: bool,
) -> I::Bool {
    match clause {
        None => interpretation.constant(true),
        Some(clause) if clause.negated => {
            let i = interpretation;
            let not_excluded = i.not(excluded(i, &clause.entries, principal_has_boundary));
            match strength {
                PrincipalMatchStrength::Exact => i.constant(false),
                PrincipalMatchStrength::Delegation => not_excluded,
                // Listing the requester's own identity leaves only its
                // account: a delegation, not a grant.
                PrincipalMatchStrength::Grant => {
                    i.and2(not_excluded, i.not(own_identity_listed(i, &clause.entries)))
                }
            }
        }
        Some(clause) => interpretation.any_of(&clause.entries, |entry| {
            entry_matches(interpretation, entry, strength)
        }),
    }
}

/// All the statement's conditions hold (blocks and keys are ANDed).
pub fn conditions_hold<I: Interpretation>(interpretation: &I, statement: &Statement) -> I::Bool {
    interpretation.all_of(&statement.conditions, |condition| {
        condition_holds(interpretation, condition)
    })
}

/// The statement applies to the request, its principal covered with at
/// least `strength`.
pub fn statement_applies<I: Interpretation>(
    interpretation: &I,
    statement: &Statement,
    strength: PrincipalMatchStrength,
    principal_has_boundary: bool,
) -> I::Bool {
    // Cheapest tests first: the concrete interpretation stops at the first false.
    let parts: [&dyn Fn() -> I::Bool; 4] = [
        &|| action_clause_matches(interpretation, statement),
        &|| resource_clause_matches(interpretation, statement),
        &|| {
            principal_clause_matches(
                interpretation,
                statement.principals.as_ref(),
                strength,
                principal_has_boundary,
            )
        },
        &|| conditions_hold(interpretation, statement),
    ];
    interpretation.all_of(&parts, |part| part())
}

/// Some statement of `effect` applies.
pub fn policy_has_applicable<I: Interpretation>(
    interpretation: &I,
    policy: &PolicyDocument,
    effect: Effect,
    strength: PrincipalMatchStrength,
    principal_has_boundary: bool,
) -> I::Bool {
    interpretation.any_of(&policy.statements, |statement| {
        if statement.effect == effect {
            statement_applies(interpretation, statement, strength, principal_has_boundary)
        } else {
            interpretation.constant(false)
        }
    })
}
