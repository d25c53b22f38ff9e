//! Making a counterexample readable without trusting anything new: each
//! rewrite (a real action name from the IAM catalog, `aws` as partition,
//! `example` as names) is kept only if the rewritten request still meets
//! the constraints and the reference evaluator still decides it exactly as
//! before on both sides. The solver's model is the evidence; this only
//! chooses a nicer member of the same class of requests.

use super::compare::replay;
use super::constraints::RequestConstraints;
use super::setup::Setup;
use crate::catalog::Catalog;
use crate::eval::Decision;
use crate::request::{ConcreteRequest, PrincipalKind, RequestPrincipal};

/// How many catalog actions are tried before giving up on a nicer name.
const ACTION_CANDIDATES: usize = 4000;

/// A more readable request decided exactly like `request` on both sides.
pub fn make_readable(
    old: &Setup<'_>,
    new: &Setup<'_>,
    constraints: &RequestConstraints,
    request: ConcreteRequest,
) -> ConcreteRequest {
    let decisions = |candidate: &ConcreteRequest| -> (Decision, Decision) {
        (
            replay(old, candidate).decision,
            replay(new, candidate).decision,
        )
    };
    let target = decisions(&request);
    let keeps = |candidate: &ConcreteRequest| {
        constraints.admits(candidate) && decisions(candidate) == target
    };
    let mut best = request;
    if let Some(candidate) = readable_principals(&best)
        .into_iter()
        .find(|candidate| keeps(candidate))
    {
        best = candidate;
    }
    if let Some(candidate) = catalog_action(&best, &keeps) {
        best = candidate;
    }
    best
}

/// Readable variants of the principal, best first: an IAM user, then a
/// role session, then the same kind; the documentation account
/// 111122223333 when the model chose a filler account.
fn readable_principals(request: &ConcreteRequest) -> Vec<ConcreteRequest> {
    let Some(account) = request.principal.account.clone() else {
        return Vec::new();
    };
    let mut accounts = Vec::new();
    if account.bytes().all(|byte| byte == account.as_bytes()[0]) {
        accounts.push("111122223333".to_string());
    }
    accounts.push(account.clone());
    let mut candidates = Vec::new();
    for candidate_account in &accounts {
        for kind in [
            PrincipalKind::IamUser,
            PrincipalKind::RoleSession,
            request.principal.kind,
        ] {
            let mut base = request.clone();
            if *candidate_account != account {
                if base.resource_account.as_deref() == Some(account.as_str()) {
                    base.resource_account = Some(candidate_account.clone());
                }
                if let Some(entry) = request.context.get("aws:principalaccount") {
                    if entry.values == [account.clone()] {
                        base.context.set(
                            &entry.key,
                            vec![candidate_account.clone()],
                            entry.multivalued,
                        );
                    }
                }
            }
            if let Some(candidate) = readable_principal(&base, kind, candidate_account) {
                candidates.push(candidate);
            }
        }
    }
    candidates
}

/// The principal as `kind` in `account`, with `aws` and `example` names,
/// and the context keys derived from the principal updated with it.
fn readable_principal(
    request: &ConcreteRequest,
    kind: PrincipalKind,
    account: &str,
) -> Option<ConcreteRequest> {
    let principal = &request.principal;
    let text = match kind {
        PrincipalKind::IamUser => format!("arn:aws:iam::{account}:user/example"),
        PrincipalKind::RoleSession => {
            format!("arn:aws:sts::{account}:assumed-role/example-role/example-session")
        }
        PrincipalKind::FederatedUser => format!("arn:aws:sts::{account}:federated-user/example"),
        PrincipalKind::AccountRoot => format!("arn:aws:iam::{account}:root"),
        _ => return None,
    };
    let mut readable = RequestPrincipal::parse(&text).ok()?;
    readable.is_service_linked_role = principal.is_service_linked_role;
    readable.has_permissions_boundary = principal.has_permissions_boundary;
    let mut candidate = request.clone();
    let replacements = [
        (
            "aws:principalarn",
            principal.principal_arn().map(str::to_string),
            readable.principal_arn().map(str::to_string),
        ),
        (
            "aws:username",
            principal
                .name
                .clone()
                .filter(|_| principal.kind == PrincipalKind::IamUser),
            readable
                .name
                .clone()
                .filter(|_| readable.kind == PrincipalKind::IamUser),
        ),
    ];
    for (key, old_value, new_value) in replacements {
        if let (Some(entry), Some(old_value), Some(new_value)) =
            (request.context.get(key), old_value, new_value)
        {
            if entry.values == [old_value] {
                candidate
                    .context
                    .set(&entry.key, vec![new_value], entry.multivalued);
            }
        }
    }
    candidate.principal = readable;
    Some(candidate)
}

/// The first catalog action of the request's service (in catalog order)
/// that keeps the decisions, when the request's action is not one already.
fn catalog_action(
    request: &ConcreteRequest,
    keeps: &dyn Fn(&ConcreteRequest) -> bool,
) -> Option<ConcreteRequest> {
    let (service, _) = request.action_lowercase.split_once(':')?;
    let catalog = Catalog::get();
    if let Some(known) = catalog.action(&request.action) {
        let mut candidate = request.clone();
        candidate.action = known.full_name().to_string();
        return keeps(&candidate).then_some(candidate);
    }
    let service = catalog.service(service)?;
    service
        .actions()
        .iter()
        .take(ACTION_CANDIDATES)
        .find_map(|action| {
            let mut candidate = request.clone();
            candidate.action = action.full_name().to_string();
            candidate.action_lowercase = candidate.action.to_ascii_lowercase();
            keeps(&candidate).then_some(candidate)
        })
}
