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

/// How many actions extending the solver's name are tried with example
/// resources (each tries several Regions and accounts).
const EXTENDING_WITH_EXAMPLES: usize = 16;

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
    if let Some(candidate) = filled_resource(&best).filter(|candidate| keeps(candidate)) {
        best = candidate;
    }
    let mut policies = old.policies();
    policies.extend(new.policies());
    if let Some(candidate) = catalog_action(&best, &policy_accounts(&policies), &keeps) {
        best = candidate;
    }
    best
}

/// The accounts the policies' resource patterns name, in order.
fn policy_accounts(policies: &[&PolicyDocument]) -> Vec<String> {
    let mut accounts: Vec<String> = Vec::new();
    for statement in policies.iter().flat_map(|policy| policy.statements.iter()) {
        for pattern in statement
            .resources
            .iter()
            .flat_map(|clause| clause.patterns.iter())
        {
            if let Some(account) = crate::scenario::setup::arn_account(&pattern.text) {
                if !accounts.iter().any(|known| known == account) {
                    accounts.push(account.to_string());
                }
            }
        }
    }
    accounts
}

/// The resource with an empty last part filled in (`bucket/` becomes
/// `bucket/example-object`), when it has one.
fn filled_resource(request: &ConcreteRequest) -> Option<ConcreteRequest> {
    let filler = if crate::semantics::derived_keys::is_s3_object(&request.resource) {
        "example-object"
    } else {
        "example"
    };
    let resource = &request.resource;
    (resource.starts_with("arn:") && (resource.ends_with('/') || resource.ends_with(':'))).then(
        || {
            let mut candidate = request.clone();
            candidate.resource = format!("{resource}{filler}");
            candidate
        },
    )
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
            // The resource's account follows the principal's only where
            // the resource's ARN names no account.
            if *candidate_account != account
                && base.resource_account.as_deref() == Some(account.as_str())
                && crate::scenario::setup::arn_account(&base.resource).is_none()
            {
                base.resource_account = Some(candidate_account.clone());
            }
            // A partition other than `aws` may be what the difference
            // needs: then the nearest real one, aws-cn, is tried too.
            let partitions: &[&str] = if request.principal.text.starts_with("arn:aws:") {
                &["aws"]
            } else {
                &["aws", "aws-cn"]
            };
            for keep_name in [false, true] {
                for partition in partitions {
                    if let Some(candidate) =
                        readable_principal(&base, kind, candidate_account, partition, keep_name)
                    {
                        candidates.push(candidate);
                    }
                }
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
    if let (Some(named), Some(account)) = (
        crate::scenario::setup::arn_account(&request.resource),
        request.resource_account.as_deref(),
    ) {
        if named != account {
            return Some(format!(
                "the resource `{}` names account {named}, but its account is {account}",
                request.resource
            ));
        }
    }
    let statements = || policies.iter().flat_map(|policy| policy.statements.iter());
    let action_named = statements().any(|statement| {
        statement
            .actions
            .patterns
            .iter()
            .any(|pattern| pattern.text.eq_ignore_ascii_case(&request.action))
    });
    // A service the catalog does not know (retired, or newer than it) that
    // a policy names by its prefix: its actions cannot be checked, and the
    // pattern is the best evidence of them.
    let service = request
        .action_lowercase
        .split_once(':')
        .map(|(service, _)| service);
    let unknown_service_named = service.is_some_and(|service| {
        Catalog::get().service(service).is_none()
            && statements().any(|statement| {
                statement.actions.patterns.iter().any(|pattern| {
                    pattern.glob.matches(&request.action_lowercase)
                        && pattern
                            .text
                            .split_once(':')
                            .is_some_and(|(prefix, _)| prefix.eq_ignore_ascii_case(service))
                })
            })
    });
    if Catalog::get().action(&request.action).is_none() && !action_named && !unknown_service_named {
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
    partition: &str,
    keep_name: bool,
) -> Option<ConcreteRequest> {
    let principal = &request.principal;
    // The solver's own name where a policy reads it (`${aws:username}`),
    // `example` otherwise.
    let name = match keep_name {
        true => principal.name.as_deref().filter(|name| {
            !name.is_empty()
                && name
                    .bytes()
                    .all(|byte| byte.is_ascii_alphanumeric() || b"+=,.@_-".contains(&byte))
        })?,
        false => "example",
    };
    let role = if keep_name {
        name.to_string()
    } else {
        "example-role".to_string()
    };
    let text = match kind {
        PrincipalKind::IamUser => format!("arn:aws:iam::{account}:user/{name}"),
        PrincipalKind::RoleSession => {
            format!("arn:aws:sts::{account}:assumed-role/{role}/example-session")
        }
        PrincipalKind::FederatedUser => format!("arn:aws:sts::{account}:federated-user/{name}"),
        PrincipalKind::AccountRoot => format!("arn:aws:iam::{account}:root"),
        _ => return None,
    };
    let text = text.replacen("arn:aws:", &format!("arn:{partition}:"), 1);
    // Whether it is a service-linked role follows from the text alone, as
    // when `iamz eval` reads it back.
    let readable = RequestPrincipal::parse(&text).ok()?;
    let mut candidate = request.clone();
    candidate.principal = readable;
    Some(candidate)
}

/// The accounts an example resource may name: the ARN's own, the
/// resource's, those the policies' resources name, the principal's.
fn example_accounts(request: &ConcreteRequest, policy_accounts: &[String]) -> Vec<String> {
    let mut accounts: Vec<String> = Vec::new();
    let candidates = [
        crate::scenario::setup::arn_account(&request.resource).map(str::to_string),
        request.resource_account.clone(),
    ]
    .into_iter()
    .flatten()
    .chain(policy_accounts.iter().take(2).cloned())
    .chain(request.principal.account.clone())
    .chain(Some("111122223333".to_string()));
    for account in candidates {
        if !accounts.contains(&account) {
            accounts.push(account);
        }
    }
    accounts.truncate(4);
    accounts
}

/// Real Regions to try, the request's own first when it is one.
fn example_regions(request: &ConcreteRequest) -> Vec<String> {
    let mut regions: Vec<String> = Vec::new();
    let own =
        crate::policy::pattern::split_arn(&request.resource).map(|parts| parts[3].to_string());
    if let Some(own) = own.filter(|region| looks_like_a_region(region)) {
        regions.push(own);
    }
    for region in ["us-east-1", "eu-west-1", "ap-southeast-2", "sa-east-1"] {
        if !regions.iter().any(|known| known == region) {
            regions.push(region.to_string());
        }
    }
    regions
}

/// `us-east-1`, `eu-central-2`, `us-gov-west-1`, `cn-north-1`.
fn looks_like_a_region(text: &str) -> bool {
    let parts: Vec<&str> = text.split('-').collect();
    parts.len() >= 3
        && parts[0].len() == 2
        && parts[..parts.len() - 1]
            .iter()
            .all(|part| !part.is_empty() && part.bytes().all(|byte| byte.is_ascii_lowercase()))
        && parts[parts.len() - 1]
            .bytes()
            .all(|byte| byte.is_ascii_digit())
}

/// A catalog action whose resource types fit the request's resource (the
/// resource rewritten to the action's example resource where it does not),
/// that keeps the decisions: the request's own action when it is one, then
/// the actions of its service that take the resource, then the service's
/// actions with their example resources, then any catalog action that takes
/// the resource.
fn catalog_action(
    request: &ConcreteRequest,
    policy_accounts: &[String],
    keeps: &dyn Fn(&ConcreteRequest) -> bool,
) -> Option<ConcreteRequest> {
    let catalog = Catalog::get();
    let with_action = |action: &crate::catalog::Action, resource: Option<String>| {
        let mut candidate = request.clone();
        candidate.action = action.full_name().to_string();
        candidate.action_lowercase = candidate.action.to_ascii_lowercase();
        if let Some(resource) = resource {
            // The resource's account is the one its ARN names, if any.
            if let Some(account) = crate::scenario::setup::arn_account(&resource) {
                candidate.resource_account = Some(account.to_string());
            }
            candidate.resource = resource;
        }
        keeps(&candidate).then_some(candidate)
    };
    let accounts = example_accounts(request, policy_accounts);
    let regions = example_regions(request);
    let examples = |action: &crate::catalog::Action| -> Vec<String> {
        let mut resources = Vec::new();
        for account in &accounts {
            for region in &regions {
                let resource = action.example_resource(account, region);
                if resource != request.resource && !resources.contains(&resource) {
                    resources.push(resource);
                }
            }
        }
        resources
    };
    let with_example = |action: &crate::catalog::Action| {
        examples(action).into_iter().find_map(|resource| {
            with_action(action, Some(resource.clone())).or_else(|| {
                // A key whose value the solver also wrote into the
                // resource (a policy variable in the Resource element):
                // rewritten with it.
                rebound_values(request, &resource)
                    .into_iter()
                    .find_map(|rebound| {
                        let mut candidate = rebound;
                        candidate.action = action.full_name().to_string();
                        candidate.action_lowercase = candidate.action.to_ascii_lowercase();
                        keeps(&candidate).then_some(candidate)
                    })
            })
        })
    };
    if let Some(known) = catalog.action(&request.action) {
        // The solver's resource when it fits and names a real Region (or
        // none); otherwise an example resource first (`us-east-1` rather
        // than the solver's `a`), the solver's resource after it.
        let plausible = crate::policy::pattern::split_arn(&request.resource)
            .is_none_or(|parts| parts[3].is_empty() || looks_like_a_region(parts[3]));
        let fits = known.fits_resource(&request.resource);
        if fits && plausible {
            if let Some(candidate) = with_action(known, None) {
                return Some(candidate);
            }
        }
        if let Some(candidate) = with_example(known) {
            return Some(candidate);
        }
        if fits && !plausible {
            if let Some(candidate) = with_action(known, None) {
                return Some(candidate);
            }
        }
    }
    let service_prefix = request
        .action_lowercase
        .split_once(':')
        .map(|(service, _)| service.to_string());
    // The solver picks the shortest name a pattern admits (`get` for
    // `Get*`): the catalog actions that extend it are the likeliest to
    // decide alike, so they are tried first.
    if let (Some(prefix), Some((_, name))) = (
        service_prefix.as_deref(),
        request.action_lowercase.split_once(':'),
    ) {
        if let Some(service) = catalog.service(prefix) {
            let extending: Vec<&crate::catalog::Action> = service
                .actions()
                .iter()
                .filter(|action| action.name().to_ascii_lowercase().starts_with(name))
                .collect();
            if let Some(candidate) = extending
                .iter()
                .filter(|action| action.fits_resource(&request.resource))
                .find_map(|action| with_action(action, None))
                .or_else(|| {
                    extending
                        .iter()
                        .take(EXTENDING_WITH_EXAMPLES)
                        .find_map(|action| with_example(action))
                })
            {
                return Some(candidate);
            }
        }
    }
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
            .find_map(with_example)
        {
            return Some(candidate);
        }
    }
    if let Some(candidate) = fitting
        .iter()
        .take(ACTION_CANDIDATES)
        .find_map(|action| with_action(action, None))
    {
        return Some(candidate);
    }
    // No catalog action that takes a resource of this class decides as the
    // solver's request does: a catalog action of the same service on the
    // solver's resource (the counterexample then says the two do not fit).
    if let Some(known) = catalog.action(&request.action) {
        // At least the catalog's spelling: names are case-insensitive, so
        // this decides alike.
        return with_action(known, None);
    }
    if let Some(candidate) = service_prefix
        .as_deref()
        .and_then(|prefix| catalog.service(prefix))
        .and_then(|service| {
            service
                .actions()
                .iter()
                .take(ACTION_CANDIDATES)
                .find_map(|action| with_action(action, None))
        })
    {
        return Some(candidate);
    }
    catalog
        .services()
        .iter()
        .flat_map(|service| service.actions().iter().take(1))
        .find_map(|action| with_action(action, None))
}

/// `request` moved to `resource`, with each context key whose value the
/// original resource holds rebound to the text at the same place of the
/// new one: the value sits after the same literal (up to the previous `:`
/// or `/`) and runs to the next `:` or `/` or the end. So a Resource
/// `…:secret:${aws:PrincipalTag/SecretId}` matched by the solver as
/// `…:secret:a` with the tag `a` becomes the example secret with the tag
/// naming it. Candidates only: the caller keeps one that decides alike.
fn rebound_values(request: &ConcreteRequest, resource: &str) -> Vec<ConcreteRequest> {
    let original = &request.resource;
    let delimiters: &[char] = &[':', '/'];
    let mut candidates = Vec::new();
    for entry in request.context.entries() {
        let [value] = entry.values.as_slice() else {
            continue;
        };
        if value.is_empty() {
            continue;
        }
        let Some(start) = original.rfind(value.as_str()) else {
            continue;
        };
        let before = &original[..start];
        let anchor_start = before.rfind(delimiters).map_or(0, |index| index + 1);
        // The literal between the previous delimiter and the value, with
        // the delimiter itself.
        let anchor = &original[anchor_start.saturating_sub(1)..start];
        let Some(found) = resource.rfind(anchor) else {
            continue;
        };
        let value_start = found + anchor.len();
        let value_end = resource[value_start..]
            .find(delimiters)
            .map_or(resource.len(), |offset| value_start + offset);
        let rebound = &resource[value_start..value_end];
        if rebound.is_empty() {
            continue;
        }
        let mut candidate = request.clone();
        candidate.resource = resource.to_string();
        if let Some(account) = crate::scenario::setup::arn_account(resource) {
            candidate.resource_account = Some(account.to_string());
        }
        candidate
            .context
            .set(entry.key.as_ref(), vec![rebound.to_string()], false);
        candidates.push(candidate);
    }
    candidates
}

/// Why the request's action and resource do not fit each other, if they
/// do not: the action is a catalog action none of whose resource types
/// the resource is.
pub fn unfitting_resource(request: &ConcreteRequest) -> Option<String> {
    let catalog = Catalog::get();
    let Some(action) = catalog.action(&request.action) else {
        let (service, _) = request.action_lowercase.split_once(':')?;
        return catalog.service(service).is_none().then(|| {
            format!(
                "the IAM catalog does not know the service `{service}`: `{}` is the action a policy pattern names, not checked against the service's actions",
                request.action
            )
        });
    };
    (!action.fits_resource(&request.resource)).then(|| {
        format!(
            "`{}` does not take a resource like `{}`: the sides differ only on requests that pair an action with a resource it does not act on",
            action.full_name(),
            request.resource
        )
    })
}
