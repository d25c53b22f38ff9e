//! Which statement elements each policy type requires or forbids, beyond
//! what the parser already reports (Principal in an identity policy, Allow
//! with NotPrincipal):
//! - resource-based policies (resource, trust, RCP, endpoint) need a
//!   Principal;
//! - every type but the trust policy needs Resource or NotResource, and a
//!   trust policy must not have one;
//! - an RCP may only Allow in the full-access form (`RCPFullAWSAccess`), and
//!   its Principal must be `"*"`
//!   (https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps_syntax.html).

use super::{Context, Finding};
use crate::policy::{Effect, PolicyKind, PrincipalEntry, Statement};

pub(super) fn check(context: &Context<'_>, findings: &mut Vec<Finding>) {
    let kind = context.options.kind;
    for statement in &context.document.statements {
        let path = context.statement_path(statement);
        if kind.names_principals() && statement.principals.is_none() {
            findings.push(context.finding(
                "principal-missing",
                statement,
                &path,
                format!("a {kind} policy statement must name a Principal"),
            ));
        }
        match (kind, &statement.resources) {
            (PolicyKind::Trust, Some(_)) => findings.push(
                context.finding(
                    "resource-in-trust-policy",
                    statement,
                    &context.resource_path(statement),
                    "a role trust policy must not have Resource or NotResource (AWS rejects it)"
                        .to_string(),
                ),
            ),
            (PolicyKind::Trust, None) | (_, Some(_)) => {}
            (_, None) => findings.push(context.finding(
                "resource-missing",
                statement,
                &path,
                format!("a {kind} policy statement needs Resource or NotResource"),
            )),
        }
        if kind == PolicyKind::Rcp {
            check_resource_control_policy(context, statement, findings);
        }
    }
}

fn check_resource_control_policy(
    context: &Context<'_>,
    statement: &Statement,
    findings: &mut Vec<Finding>,
) {
    let principal_is_everyone = statement.principals.as_ref().is_some_and(|clause| {
        !clause.negated
            && clause
                .entries
                .iter()
                .all(|entry| *entry == PrincipalEntry::Everyone)
    });
    if statement.principals.is_some() && !principal_is_everyone {
        findings.push(context.finding(
            "rcp-principal",
            statement,
            &context.principal_path(statement),
            "an RCP statement must have \"Principal\": \"*\"".to_string(),
        ));
    }
    if statement.effect == Effect::Allow && !is_full_access(statement) {
        findings.push(context.finding(
            "rcp-allow",
            statement,
            &format!("{}.Effect", context.statement_path(statement)),
            "an RCP can only Allow in the full-access form (Principal, Action and Resource \"*\", no Condition); AWS rejects other Allow statements".to_string(),
        ));
    }
}

/// `Allow` `*` on `*` to `*` without conditions: the `RCPFullAWSAccess`
/// statement.
fn is_full_access(statement: &Statement) -> bool {
    let only_star = |texts: &mut dyn Iterator<Item = &str>| {
        let texts: Vec<&str> = texts.collect();
        !texts.is_empty() && texts.iter().all(|text| *text == "*")
    };
    !statement.actions.negated
        && only_star(&mut statement.actions.patterns.iter().map(|p| p.text.as_str()))
        && statement.resources.as_ref().is_some_and(|clause| {
            !clause.negated && only_star(&mut clause.patterns.iter().map(|p| p.text.as_str()))
        })
        && statement.conditions.is_empty()
}
