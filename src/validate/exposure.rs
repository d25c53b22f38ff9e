//! Statements that grant more than they seem to:
//! - Allow with NotAction on `*` resources, or with NotResource and a
//!   wildcard action: everything but a list, which grows as AWS adds
//!   actions and resources;
//! - a resource or trust policy that allows everyone (`"*"`), or another
//!   account than `--account`, with no condition that restricts who can
//!   come in (aws:PrincipalOrgID, aws:PrincipalAccount, aws:SourceArn, …).

use super::{Context, Finding};
use crate::policy::{BaseOperator, Effect, PolicyKind, PrincipalEntry, Statement};

/// Condition keys that tie a request to an organization, account, caller,
/// source or network, in lower case. A condition on one of them (not
/// `…IfExists`, not `Null`) is taken to restrict a grant.
const RESTRICTING_KEYS: &[&str] = &[
    "aws:principalorgid",
    "aws:principalorgpaths",
    "aws:principalaccount",
    "aws:principalarn",
    "aws:principalservicename",
    "aws:sourcearn",
    "aws:sourceaccount",
    "aws:sourceorgid",
    "aws:sourceorgpaths",
    "aws:sourceowner",
    "aws:sourcevpc",
    "aws:sourcevpce",
    "aws:sourceip",
    "aws:vpcsourceip",
    "aws:userid",
    "aws:username",
];

pub(super) fn check(context: &Context<'_>, findings: &mut Vec<Finding>) {
    for statement in &context.document.statements {
        if statement.effect != Effect::Allow {
            continue;
        }
        check_negated_elements(context, statement, findings);
        if matches!(
            context.options.kind,
            PolicyKind::Resource | PolicyKind::Trust
        ) {
            check_principals(context, statement, findings);
        }
    }
}

fn check_negated_elements(
    context: &Context<'_>,
    statement: &Statement,
    findings: &mut Vec<Finding>,
) {
    let Some(resources) = &statement.resources else {
        return;
    };
    let resource_star = resources.patterns.iter().any(|pattern| pattern.text == "*");
    if statement.actions.negated && !resources.negated && resource_star {
        findings.push(context.finding(
            "allow-not-action-star-resource",
            statement,
            &context.action_path(statement),
            "Allow with NotAction on \"Resource\": \"*\" allows every action not listed, including actions AWS adds later".to_string(),
        ));
    }
    let action_wildcard = statement
        .actions
        .patterns
        .iter()
        .any(|pattern| pattern.text == "*" || pattern.text.ends_with(":*"));
    if resources.negated && !statement.actions.negated && action_wildcard {
        findings.push(context.finding(
            "allow-not-resource-star-action",
            statement,
            &context.resource_path(statement),
            "Allow with NotResource and a wildcard action allows those actions on every resource not listed".to_string(),
        ));
    }
}

fn check_principals(context: &Context<'_>, statement: &Statement, findings: &mut Vec<Finding>) {
    let Some(clause) = &statement.principals else {
        return;
    };
    if clause.negated || is_restricted(statement) {
        return;
    }
    let path = context.principal_path(statement);
    if clause.entries.contains(&PrincipalEntry::Everyone) {
        findings.push(context.finding(
            "public-access-without-condition",
            statement,
            &path,
            "the statement allows every principal, anonymous ones included, and no condition restricts who".to_string(),
        ));
        return;
    }
    let Some(home) = context.options.account.as_deref() else {
        return;
    };
    let mut others: Vec<&str> = clause
        .entries
        .iter()
        .filter_map(entry_account)
        .filter(|account| *account != home)
        .collect();
    others.sort_unstable();
    others.dedup();
    if !others.is_empty() {
        findings.push(context.finding(
            "cross-account-access-without-condition",
            statement,
            &path,
            format!(
                "the statement allows account(s) {} outside {home}, and no condition restricts who",
                others.join(", ")
            ),
        ));
    }
}

/// The account a principal entry belongs to, when it names one.
fn entry_account(entry: &PrincipalEntry) -> Option<&str> {
    match entry {
        PrincipalEntry::Account(account)
        | PrincipalEntry::IamUser { account, .. }
        | PrincipalEntry::Role { account, .. }
        | PrincipalEntry::RoleSession { account, .. }
        | PrincipalEntry::FederatedUser { account, .. } => Some(account),
        _ => None,
    }
}

/// Whether some condition of the statement restricts who the grant reaches.
fn is_restricted(statement: &Statement) -> bool {
    statement.conditions.iter().any(|condition| {
        !condition.operator.if_exists
            && condition.operator.base != BaseOperator::Null
            && RESTRICTING_KEYS.contains(&condition.key_lowercase.as_str())
    })
}
