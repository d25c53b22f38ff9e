//! Making a counterexample readable without trusting anything new: each
//! rewrite (a real action name from the IAM catalog, `aws` as partition,
//! `example` as names) is kept only if the rewritten request still meets
//! the constraints and the reference evaluator still decides it exactly as
//! before on both sides. The solver's model is the evidence; this only
//! chooses a nicer member of the same class of requests.

use super::compare::ComparedSide;
use super::constraints::RequestConstraints;
use crate::catalog::Catalog;
use crate::request::{ConcreteRequest, PrincipalKind, RequestPrincipal};
use crate::semantics::alone::AspectValues;

/// How many catalog actions are tried before giving up on a nicer name.
const ACTION_CANDIDATES: usize = 4000;

/// A more readable request decided exactly like `request` on both sides.
pub fn make_readable(
    old: &ComparedSide<'_>,
    new: &ComparedSide<'_>,
    constraints: &RequestConstraints,
    request: ConcreteRequest,
) -> ConcreteRequest {
    let decisions = |candidate: &ConcreteRequest| -> (AspectValues<bool>, AspectValues<bool>) {
        (old.replay(candidate).aspects, new.replay(candidate).aspects)
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
    let mut candidate = request.clone();
    candidate.principal = readable;
    rebind_principal_keys(&mut candidate);
    Some(candidate)
}

/// The keys whose value the principal decides
/// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html),
/// with the value they have for `principal`, or `None` where it has none.
fn principal_key_value(principal: &RequestPrincipal, key: &str) -> Option<String> {
    let identity = principal.kind.has_identity_side();
    match key {
        "aws:principalarn" => principal.principal_arn().map(str::to_string),
        "aws:principalaccount" => principal.account.clone().filter(|_| identity),
        "aws:principaltype" => principal.kind.principal_type().map(str::to_string),
        "aws:username" => principal
            .name
            .clone()
            .filter(|_| principal.kind == PrincipalKind::IamUser),
        "aws:principalservicename" => {
            (principal.kind == PrincipalKind::Service).then(|| principal.text.clone())
        }
        _ => None,
    }
}

/// After the principal changed: every principal-bound key the request
/// carries takes the new principal's value, or goes when it has none (no
/// role session carries `aws:username`).
pub fn rebind_principal_keys(request: &mut ConcreteRequest) {
    let bound = [
        "aws:principalarn",
        "aws:principalaccount",
        "aws:principaltype",
        "aws:username",
        "aws:principalservicename",
    ];
    for key in bound {
        let Some(entry) = request.context.get(key).cloned() else {
            continue;
        };
        match principal_key_value(&request.principal, key) {
            Some(value) => request.context.set(&entry.key, vec![value], false),
            None => {
                request.context.remove(key);
            }
        }
    }
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
