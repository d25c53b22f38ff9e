//! Making a counterexample readable without trusting anything new: each
//! rewrite (a real action name from the IAM catalog, `aws` as partition,
//! `example` as names) is kept only if the rewritten request still meets
//! the constraints and the reference evaluator still decides it exactly as
//! before on both sides. The solver's model is the evidence; this only
//! chooses a nicer member of the same class of requests.

use super::compare::ComparedSide;
use super::constraints::RequestConstraints;
use crate::catalog::Catalog;
use crate::policy::{PolicyDocument, PrincipalEntry};
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
        return readable_unsigned_principals(request);
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
            if *candidate_account != account
                && base.resource_account.as_deref() == Some(account.as_str())
            {
                base.resource_account = Some(candidate_account.clone());
            }
            if let Some(candidate) = readable_principal(&base, kind, candidate_account) {
                candidates.push(candidate);
            }
        }
    }
    candidates
}

/// Services and identity providers AWS really has, in the forms policies
/// name them.
const SERVICE_PRINCIPALS: [&str; 3] = [
    "lambda.amazonaws.com",
    "ec2.amazonaws.com",
    "cloudtrail.amazonaws.com",
];
const IDENTITY_PROVIDERS: [&str; 4] = [
    "cognito-identity.amazonaws.com",
    "accounts.google.com",
    "arn:aws:iam::111122223333:saml-provider/example",
    "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com",
];

/// A real service or identity provider in place of the solver's name.
fn readable_unsigned_principals(request: &ConcreteRequest) -> Vec<ConcreteRequest> {
    let texts: Vec<String> = match request.principal.kind {
        PrincipalKind::Service => SERVICE_PRINCIPALS
            .iter()
            .map(|name| name.to_string())
            .collect(),
        PrincipalKind::FederatedProvider => IDENTITY_PROVIDERS
            .iter()
            .map(|name| format!("federated:{name}"))
            .collect(),
        _ => Vec::new(),
    };
    texts
        .iter()
        .filter_map(|text| RequestPrincipal::parse(text).ok())
        .map(|principal| {
            let mut candidate = request.clone();
            candidate.principal = principal;
            candidate
        })
        .collect()
}

/// Why `request` is not one AWS could receive, if it is not: an action
/// that is neither a catalog action nor named as it is by one of
/// `policies`, a service principal or identity provider that is neither
/// AWS's nor named by a policy. Run on every counterexample after the
/// readable rewrite: a request that fails it is not printed.
pub fn unrealistic(request: &ConcreteRequest, policies: &[&PolicyDocument]) -> Option<String> {
    let statements = || policies.iter().flat_map(|policy| policy.statements.iter());
    let action_named = statements().any(|statement| {
        statement
            .actions
            .patterns
            .iter()
            .any(|pattern| pattern.text.eq_ignore_ascii_case(&request.action))
    });
    if Catalog::get().action(&request.action).is_none() && !action_named {
        return Some(format!(
            "`{}` is neither an action of the IAM catalog nor named by a policy",
            request.action
        ));
    }
    let principal = &request.principal;
    let named = |wanted: &dyn Fn(&PrincipalEntry) -> bool| {
        statements().any(|statement| {
            statement
                .principals
                .as_ref()
                .is_some_and(|clause| clause.entries.iter().any(wanted))
        })
    };
    match principal.kind {
        PrincipalKind::Service => {
            let text = principal.text.to_ascii_lowercase();
            let aws_service =
                text.ends_with(".amazonaws.com") || text.ends_with(".amazonaws.com.cn");
            let by_policy = named(
                &|entry| matches!(entry, PrincipalEntry::Service(name) if name.eq_ignore_ascii_case(&text)),
            );
            (!aws_service && !by_policy)
                .then(|| format!("`{}` is not a service principal", principal.text))
        }
        PrincipalKind::FederatedProvider => {
            let text = &principal.text;
            let known = IDENTITY_PROVIDERS.contains(&text.as_str())
                || ["graph.facebook.com", "www.amazon.com"].contains(&text.as_str())
                || (text.starts_with("arn:")
                    && (text.contains(":saml-provider/") || text.contains(":oidc-provider/")));
            let by_policy =
                named(&|entry| matches!(entry, PrincipalEntry::Federated(name) if name == text));
            (!known && !by_policy).then(|| format!("`{text}` is not an identity provider"))
        }
        _ => None,
    }
}

/// The principal as `kind` in `account`, with `aws` and `example` names.
/// The request carries no key derived from the principal (the replay
/// derives them for the new principal), so nothing else changes.
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
    Some(candidate)
}

/// A catalog action whose resource types fit the request's resource (the
/// resource rewritten to the action's example resource where it does not),
/// that keeps the decisions: the request's own action when it is one, then
/// the actions of its service that take the resource, then the service's
/// actions with their example resources, then any catalog action that takes
/// the resource.
fn catalog_action(
    request: &ConcreteRequest,
    keeps: &dyn Fn(&ConcreteRequest) -> bool,
) -> Option<ConcreteRequest> {
    let catalog = Catalog::get();
    let with_action = |action: &crate::catalog::Action, resource: Option<String>| {
        let mut candidate = request.clone();
        candidate.action = action.full_name().to_string();
        candidate.action_lowercase = candidate.action.to_ascii_lowercase();
        if let Some(resource) = resource {
            candidate.resource = resource;
        }
        keeps(&candidate).then_some(candidate)
    };
    let account = request
        .resource_account
        .clone()
        .or_else(|| request.principal.account.clone())
        .unwrap_or_else(|| "111122223333".to_string());
    let example = |action: &crate::catalog::Action| {
        let resource = action.example_resource(&account, "us-east-1");
        (resource != request.resource).then_some(resource)
    };
    if let Some(known) = catalog.action(&request.action) {
        if known.fits_resource(&request.resource) {
            if let Some(candidate) = with_action(known, None) {
                return Some(candidate);
            }
        }
        if let Some(candidate) = with_action(known, example(known)) {
            return Some(candidate);
        }
    }
    let service_prefix = request
        .action_lowercase
        .split_once(':')
        .map(|(service, _)| service.to_string());
    let fitting = catalog.actions_fitting(&request.resource);
    let same_service = |action: &crate::catalog::Action| {
        Some(action.service_prefix().to_ascii_lowercase()) == service_prefix
    };
    if let Some(candidate) = fitting
        .iter()
        .filter(|action| same_service(action))
        .take(ACTION_CANDIDATES)
        .find_map(|action| with_action(action, None))
    {
        return Some(candidate);
    }
    if let Some(service) = service_prefix
        .as_deref()
        .and_then(|prefix| catalog.service(prefix))
    {
        if let Some(candidate) = service
            .actions()
            .iter()
            .take(ACTION_CANDIDATES)
            .find_map(|action| with_action(action, example(action)))
        {
            return Some(candidate);
        }
    }
    fitting
        .iter()
        .take(ACTION_CANDIDATES)
        .find_map(|action| with_action(action, None))
}
