//! Principal matching, written once over the interpretation's principal
//! atoms (`principal_is`, `principal_field_is`): how strongly a policy's
//! principal entry names the requester, and when a NotPrincipal list
//! excludes it.
//!
//! Sources: "AWS JSON policy elements: Principal"
//! (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html)
//! and "NotPrincipal"
//! (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notprincipal.html).

use super::{Interpretation, PrincipalField, PrincipalMatchStrength};
use crate::policy::PrincipalEntry;
use crate::request::PrincipalKind;

/// The kinds of principal that have identity policies of their own.
pub const IDENTITY_KINDS: [PrincipalKind; 4] = [
    PrincipalKind::IamUser,
    PrincipalKind::RoleSession,
    PrincipalKind::FederatedUser,
    PrincipalKind::AccountRoot,
];

/// The principal is an IAM identity (user, role session, federated user,
/// account root).
pub fn has_identity_side<I: Interpretation>(interpretation: &I) -> I::Bool {
    interpretation.any_of(&IDENTITY_KINDS, |kind| interpretation.principal_is(*kind))
}

/// What an entry names, and the strongest match it gives.
fn named_by<I: Interpretation>(
    interpretation: &I,
    entry: &PrincipalEntry,
) -> Option<(I::Bool, PrincipalMatchStrength)> {
    use PrincipalKind as K;
    use PrincipalMatchStrength as S;
    let i = interpretation;
    let kind_and = |kind: PrincipalKind, field: PrincipalField, text: &str| {
        i.and2(i.principal_is(kind), i.principal_field_is(field, text))
    };
    Some(match entry {
        // `*` grants to everyone, and is not limited by the implicit deny of
        // a boundary or session policy in one account.
        PrincipalEntry::Everyone => (i.constant(true), S::Exact),
        // Handled by `entry_matches` (its strength depends on the kind).
        PrincipalEntry::Account(_) => return None,
        PrincipalEntry::IamUser { arn, .. } => {
            (kind_and(K::IamUser, PrincipalField::Text, arn), S::Exact)
        }
        // A role ARN grants to every session of the role, bounded by its
        // session policy and boundary.
        PrincipalEntry::Role { arn, .. } => (
            kind_and(K::RoleSession, PrincipalField::RoleArn, arn),
            S::Grant,
        ),
        PrincipalEntry::RoleSession { arn, .. } => (
            kind_and(K::RoleSession, PrincipalField::SessionArn, arn),
            S::Exact,
        ),
        PrincipalEntry::FederatedUser { arn, .. } => (
            kind_and(K::FederatedUser, PrincipalField::Text, arn),
            S::Exact,
        ),
        PrincipalEntry::OtherAws(text) => (
            i.and2(
                has_identity_side(i),
                i.principal_field_is(PrincipalField::PrincipalArn, text),
            ),
            S::Grant,
        ),
        PrincipalEntry::Service(service) => (
            kind_and(
                K::Service,
                PrincipalField::Text,
                &service.to_ascii_lowercase(),
            ),
            S::Grant,
        ),
        PrincipalEntry::Federated(provider) => (
            kind_and(K::FederatedProvider, PrincipalField::Text, provider),
            S::Grant,
        ),
        // S3 canonical ids: no request here carries one (a documented
        // limitation), so the entry names no one.
        PrincipalEntry::CanonicalUser(_) => (i.constant(false), S::Exact),
    })
}

/// The entry names the requesting principal at least as strongly as
/// `strength`.
pub fn entry_matches<I: Interpretation>(
    interpretation: &I,
    entry: &PrincipalEntry,
    strength: PrincipalMatchStrength,
) -> I::Bool {
    let i = interpretation;
    if let PrincipalEntry::Account(account) = entry {
        // An account entry delegates to the account's IAM policies; it
        // names the root user itself exactly.
        let in_account = i.and2(
            has_identity_side(i),
            i.principal_field_is(PrincipalField::Account, account),
        );
        return match strength {
            PrincipalMatchStrength::Delegation => in_account,
            _ => i.and2(in_account, i.principal_is(PrincipalKind::AccountRoot)),
        };
    }
    match named_by(i, entry) {
        Some((names, given)) if given >= strength => names,
        _ => i.constant(false),
    }
}

/// NotPrincipal: the principal is excluded by the list only when every ARN
/// of its chain is listed (its account, and its user; or its role and its
/// session) and it has no permissions boundary; `*` excludes everyone.
/// Services, providers and anonymous callers are excluded when an entry
/// names them.
pub fn excluded<I: Interpretation>(
    interpretation: &I,
    entries: &[PrincipalEntry],
    principal_has_boundary: bool,
) -> I::Bool {
    use PrincipalKind as K;
    let i = interpretation;
    if entries.contains(&PrincipalEntry::Everyone) {
        return i.constant(true);
    }
    if principal_has_boundary {
        return i.constant(false);
    }
    let ChainListed {
        account: account_listed,
        user: user_listed,
        federated_user: federated_listed,
        role: role_listed,
        session,
    } = chain_listed(i, entries);
    // A session written as its role (no session ARN) needs no session entry.
    let session_listed = i.or2(
        i.principal_field_is(PrincipalField::SessionArn, ""),
        session,
    );
    let others_named = i.any_of(entries, |entry| {
        entry_matches(i, entry, PrincipalMatchStrength::Delegation)
    });
    let implies = |premise: I::Bool, conclusion: I::Bool| i.or2(i.not(premise), conclusion);
    let cases = [
        implies(i.principal_is(K::AccountRoot), account_listed.clone()),
        implies(
            i.principal_is(K::IamUser),
            i.and2(account_listed.clone(), user_listed),
        ),
        implies(
            i.principal_is(K::FederatedUser),
            i.and2(account_listed.clone(), federated_listed),
        ),
        implies(
            i.principal_is(K::RoleSession),
            i.and2(account_listed, i.and2(role_listed, session_listed)),
        ),
        implies(
            i.any_of(&[K::Service, K::FederatedProvider, K::Anonymous], |kind| {
                i.principal_is(*kind)
            }),
            others_named,
        ),
    ];
    i.all_of(&cases, |case| case.clone())
}

/// NotPrincipal lists the requester's own identity (its IAM user, the role
/// of its session, or its federated-user ARN). What the list does not
/// exclude is then only the rest of its chain, its account, so an Allow
/// through the statement delegates to the account's IAM policies and
/// grants nothing itself. The NotPrincipal page: "Using it with
/// "Effect":"Allow" is not supported"; AWS evaluates the statement for
/// each principal of the chain it does not exclude.
pub fn own_identity_listed<I: Interpretation>(
    interpretation: &I,
    entries: &[PrincipalEntry],
) -> I::Bool {
    use PrincipalKind as K;
    let i = interpretation;
    let listed = chain_listed(i, entries);
    let cases = [
        i.and2(i.principal_is(K::IamUser), listed.user),
        i.and2(i.principal_is(K::FederatedUser), listed.federated_user),
        i.and2(i.principal_is(K::RoleSession), listed.role),
    ];
    i.any_of(&cases, |case| case.clone())
}

/// Which identities of the requester's chain a NotPrincipal list names:
/// its account, its IAM user, its federated-user ARN, its role, its
/// session (each false where the principal has no such identity).
struct ChainListed<B> {
    account: B,
    user: B,
    federated_user: B,
    role: B,
    session: B,
}

fn chain_listed<I: Interpretation>(
    interpretation: &I,
    entries: &[PrincipalEntry],
) -> ChainListed<I::Bool> {
    let i = interpretation;
    let listed = |field: PrincipalField, select: &dyn Fn(&PrincipalEntry) -> Option<&str>| {
        let texts: Vec<&str> = entries.iter().filter_map(select).collect();
        i.any_of(&texts, |text| i.principal_field_is(field, text))
    };
    ChainListed {
        account: listed(PrincipalField::Account, &|entry| match entry {
            PrincipalEntry::Account(account) => Some(account.as_str()),
            _ => None,
        }),
        user: listed(PrincipalField::Text, &|entry| match entry {
            PrincipalEntry::IamUser { arn, .. } => Some(arn.as_str()),
            _ => None,
        }),
        federated_user: listed(PrincipalField::Text, &|entry| match entry {
            PrincipalEntry::FederatedUser { arn, .. } => Some(arn.as_str()),
            _ => None,
        }),
        role: listed(PrincipalField::RoleArn, &|entry| match entry {
            PrincipalEntry::Role { arn, .. } => Some(arn.as_str()),
            _ => None,
        }),
        session: listed(PrincipalField::SessionArn, &|entry| match entry {
            PrincipalEntry::RoleSession { arn, .. } => Some(arn.as_str()),
            _ => None,
        }),
    }
}
