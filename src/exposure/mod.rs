//! Exposure: who outside a zone of trust can reach a resource, as findings
//! that together cover every such request. The setup is the resource's
//! exposure frame (`Scenario::exposure_frame`: its policy, its account's
//! RCPs when known, requesters whose own policies allow everything); the
//! goal is "allowed, and the principal is outside the zone"
//! (`query::zone`). The enumeration finds an outside request, generalises
//! it into a finding — the principal's class (a named account, any
//! account, anonymous, a service, a federated provider), every action that
//! is allowed on the same request, the condition keys of the granting
//! statements — excludes the finding's region, and searches again until
//! the solver proves nothing from outside remains.
//!
//! Trusts the query core and the reference evaluator: every finding's
//! request is replayed, and every action and principal class it names is
//! the replay of a concrete request.
//!
//! Sources: IAM Access Analyzer's external access findings
//! (https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-findings.html);
//! "Cross-account policy evaluation logic"
//! (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic-cross-account.html).

pub mod inventory;
pub mod progress;
pub mod reach;

use crate::eval::{EvaluatedDecision, StatementReference};
use crate::query::compare::replay;
use crate::query::readable::make_readable;
use crate::query::zone::{certify_outside, encode_outside_zone, is_outside};
use crate::query::{
    ActionDistinctions, ComparedSide, EnumerationEnd, InconclusiveReason, Query, QueryError,
    QueryOptions, RequestConstraints, Zone,
};
use crate::request::{ConcreteRequest, PrincipalKind, RequestPrincipal};
use crate::semantics::{Interpretation, PrincipalField, Setup};
use crate::symbolic::{SymbolicInterpretation, Term};

/// Who a finding lets in.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum PrincipalClass {
    /// The IAM principals of one account outside the zone.
    Account(String),
    /// The IAM principals of every account outside the zone.
    AnyAccount,
    /// Only the service-linked roles of one outside account (`Some`) or of
    /// every one (`None`): the roles AWS services assume for an account,
    /// which SCPs and RCPs do not restrict.
    ServiceLinkedRoles(Option<String>),
    /// Unsigned requests.
    Anonymous,
    /// One AWS service principal.
    Service(String),
    /// Every AWS service principal.
    AnyService,
    /// One federated identity provider (before a role is assumed).
    Federated(String),
    /// Every federated identity provider.
    AnyFederated,
}

impl PrincipalClass {
    /// `account`, `any-account`, `anonymous`, `service`, `federated`.
    pub fn kind(&self) -> &'static str {
        match self {
            PrincipalClass::Account(_) => "account",
            PrincipalClass::AnyAccount => "any-account",
            PrincipalClass::ServiceLinkedRoles(_) => "service-linked-role",
            PrincipalClass::Anonymous => "anonymous",
            PrincipalClass::Service(_) | PrincipalClass::AnyService => "service",
            PrincipalClass::Federated(_) | PrincipalClass::AnyFederated => "federated",
        }
    }

    pub fn value(&self) -> &str {
        match self {
            PrincipalClass::Account(value)
            | PrincipalClass::ServiceLinkedRoles(Some(value))
            | PrincipalClass::Service(value)
            | PrincipalClass::Federated(value) => value,
            PrincipalClass::ServiceLinkedRoles(None) => "*",
            PrincipalClass::AnyAccount
            | PrincipalClass::AnyService
            | PrincipalClass::AnyFederated => "*",
            PrincipalClass::Anonymous => "anonymous",
        }
    }

    /// As a reviewer reads it.
    pub fn describe(&self) -> String {
        match self {
            PrincipalClass::Account(account) => format!("account {account}"),
            PrincipalClass::AnyAccount => "any AWS account".to_string(),
            PrincipalClass::ServiceLinkedRoles(None) => {
                "the service-linked roles of any AWS account (SCPs and RCPs do not restrict them)"
                    .to_string()
            }
            PrincipalClass::ServiceLinkedRoles(Some(account)) => format!(
                "the service-linked roles of account {account} (SCPs and RCPs do not restrict them)"
            ),
            PrincipalClass::Anonymous => "anonymous callers".to_string(),
            PrincipalClass::AnyService => "any AWS service".to_string(),
            PrincipalClass::Service(service) => format!("service {service}"),
            PrincipalClass::AnyFederated => "any federated identity provider".to_string(),
            PrincipalClass::Federated(provider) => format!("federated provider {provider}"),
        }
    }

    /// Anyone: any account or anonymous callers.
    pub fn is_anyone(&self) -> bool {
        matches!(self, PrincipalClass::AnyAccount | PrincipalClass::Anonymous)
    }
}

/// One way in from outside the zone.
#[derive(Debug, Clone)]
pub struct ExposureFinding {
    pub principal: PrincipalClass,
    /// Catalog actions that fit the resource and are allowed on the found
    /// request, summarised (`s3:*`).
    pub actions: Vec<String>,
    pub action_count: usize,
    /// The condition keys of the granting statements: what still limits
    /// the access.
    pub condition_keys: Vec<String>,
    pub public: bool,
    /// The statements that grant it.
    pub statements: Vec<StatementReference>,
    /// Where they are written: file, line and column, in statement order.
    pub locations: Vec<(String, crate::policy::json::SourcePosition)>,
    /// The found request, replayed.
    pub request: ConcreteRequest,
    pub decision: EvaluatedDecision,
}

/// The findings of one resource, and whether they cover every outside
/// request.
#[derive(Debug, Clone)]
pub struct ResourceExposure {
    pub resource: String,
    pub findings: Vec<ExposureFinding>,
    /// `None` when the findings cover every request from outside the zone
    /// (proved); otherwise why the enumeration stopped.
    pub incomplete: Option<InconclusiveReason>,
    pub approximations: Vec<String>,
    pub solver_checks: usize,
}

/// An account id no policy and no zone names: a stand-in for "any other
/// account" when generalising a finding.
fn unnamed_account(setup: &Setup<'_>, zone: &Zone) -> String {
    let texts: Vec<String> = setup
        .policies()
        .iter()
        .map(|policy| policy.content_fingerprint())
        .collect();
    (0u64..)
        .map(|index| format!("{:012}", 444_455_556_666u64 + index))
        .find(|account| {
            !zone.accounts.contains(account) && !texts.iter().any(|text| text.contains(account))
        })
        .unwrap_or_else(|| "444455556666".to_string())
}

/// Whether `request` with its principal written as `principal` is allowed
/// and from outside.
fn allowed_as(setup: &Setup<'_>, zone: &Zone, request: &ConcreteRequest, principal: &str) -> bool {
    let Ok(principal) = RequestPrincipal::parse(principal) else {
        return false;
    };
    let mut moved = request.clone();
    moved.principal = principal;
    is_outside(zone, &moved) && replay(setup, &moved).decision == crate::eval::Decision::Allow
}

/// A name no policy mentions, from `candidates`.
fn unnamed(setup: &Setup<'_>, candidates: &[&str]) -> String {
    let texts: Vec<String> = setup
        .policies()
        .iter()
        .map(|policy| policy.content_fingerprint().to_ascii_lowercase())
        .collect();
    candidates
        .iter()
        .find(|candidate| {
            !texts
                .iter()
                .any(|text| text.contains(&candidate.to_ascii_lowercase()))
        })
        .unwrap_or(&candidates[0])
        .to_string()
}

/// The principal class of an outside request, generalised to every
/// principal of its kind (any account, any service, any provider) when the
/// same request by one that no policy names is allowed too.
fn principal_class(setup: &Setup<'_>, zone: &Zone, request: &ConcreteRequest) -> PrincipalClass {
    let principal = &request.principal;
    match principal.kind {
        PrincipalKind::Anonymous => PrincipalClass::Anonymous,
        PrincipalKind::Service => {
            let other = unnamed(
                setup,
                &[
                    "example-service.amazonaws.com",
                    "other-service.amazonaws.com",
                ],
            );
            if allowed_as(setup, zone, request, &other) {
                PrincipalClass::AnyService
            } else {
                PrincipalClass::Service(principal.text.clone())
            }
        }
        PrincipalKind::FederatedProvider => {
            let other = unnamed(
                setup,
                &[
                    "federated:example-provider.com",
                    "federated:other-provider.com",
                ],
            );
            if allowed_as(setup, zone, request, &other) {
                PrincipalClass::AnyFederated
            } else {
                PrincipalClass::Federated(principal.text.clone())
            }
        }
        _ => {
            let account = principal.account.clone().unwrap_or_default();
            let other = unnamed_account(setup, zone);
            let written = principal.written().replace(&account, &other);
            let any_account = allowed_as(setup, zone, request, &written);
            // Only the account's service-linked roles get in when another
            // role of the same account does not.
            let only_service_linked = principal.is_service_linked_role
                && !allowed_as(
                    setup,
                    zone,
                    request,
                    &format!("arn:aws:sts::{account}:assumed-role/ExampleRole/example"),
                );
            match (only_service_linked, any_account) {
                (true, true) => PrincipalClass::ServiceLinkedRoles(None),
                (true, false) => PrincipalClass::ServiceLinkedRoles(Some(account)),
                (false, true) => PrincipalClass::AnyAccount,
                (false, false) => PrincipalClass::Account(account),
            }
        }
    }
}

/// The requests of a principal class, as a term.
fn class_region(interpretation: &SymbolicInterpretation<'_>, class: &PrincipalClass) -> Term {
    let principal = &interpretation.model().principal;
    match class {
        PrincipalClass::Account(account) => principal
            .has_identity_side()
            .and2(&principal.account.equals(&Term::string(account))),
        PrincipalClass::AnyAccount => principal.has_identity_side(),
        PrincipalClass::ServiceLinkedRoles(account) => {
            let roles = principal
                .has_identity_side()
                .and2(&interpretation.principal_is_service_linked_role());
            match account {
                Some(account) => roles.and2(&principal.account.equals(&Term::string(account))),
                None => roles,
            }
        }
        PrincipalClass::Anonymous => principal.is(PrincipalKind::Anonymous),
        PrincipalClass::Service(name) => principal
            .is(PrincipalKind::Service)
            .and2(&interpretation.principal_field_is(PrincipalField::Text, name)),
        PrincipalClass::AnyService => principal.is(PrincipalKind::Service),
        PrincipalClass::AnyFederated => principal.is(PrincipalKind::FederatedProvider),
        PrincipalClass::Federated(name) => principal
            .is(PrincipalKind::FederatedProvider)
            .and2(&interpretation.principal_field_is(PrincipalField::Text, name)),
    }
}

/// Which resources a search asks about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ResourceScope {
    /// One resource, by its ARN.
    Exact(String),
    /// Every resource whose ARN matches the pattern (`arn:aws:s3:::b/*`:
    /// the bucket's objects).
    Matching(String),
    /// Any resource of the account (a policy checked without its
    /// resource, as Access Analyzer's policy checks do).
    Any,
}

impl ResourceScope {
    /// `arn:…/*` is every resource under the prefix; any other text one
    /// resource exactly.
    pub fn of_arn(resource: &str) -> ResourceScope {
        if resource.ends_with("/*") && resource.starts_with("arn:") {
            ResourceScope::Matching(resource.to_string())
        } else {
            ResourceScope::Exact(resource.to_string())
        }
    }

    /// As the report names it.
    pub fn describe(&self) -> String {
        match self {
            ResourceScope::Exact(resource) | ResourceScope::Matching(resource) => resource.clone(),
            ResourceScope::Any => "any resource".to_string(),
        }
    }
}

/// Every way in from outside `zone` that `setup` allows on the resources
/// of `scope` in `account`, at most `limit` findings.
pub fn find_exposure(
    setup: &Setup<'_>,
    scope: &ResourceScope,
    account: &str,
    zone: &Zone,
    options: &QueryOptions,
    limit: usize,
) -> Result<ResourceExposure, QueryError> {
    let constraints = RequestConstraints {
        resource_is: match scope {
            ResourceScope::Exact(resource) => Some(resource.clone()),
            _ => None,
        },
        resource: match scope {
            ResourceScope::Matching(pattern) => Some(pattern.clone()),
            _ => None,
        },
        resource_account: Some(account.to_string()),
        ..RequestConstraints::default()
    };
    let resource = scope.describe();
    let resource = resource.as_str();
    let started = std::time::Instant::now();
    let encoded = encode_outside_zone(setup, zone, &constraints)?;
    let mut exposure = ResourceExposure {
        resource: resource.to_string(),
        findings: Vec::new(),
        incomplete: None,
        approximations: encoded.model.approximations.clone(),
        solver_checks: 0,
    };
    if !encoded.unsupported.is_empty() {
        exposure.incomplete = Some(InconclusiveReason::Unsupported(encoded.unsupported));
        return Ok(exposure);
    }
    let interpretation = SymbolicInterpretation::new(&encoded.model);
    let distinctions =
        ActionDistinctions::of(&setup.policies(), &setup.facts.services_supporting_rcps);
    // Only needed once something is found: most policies let no one in.
    let classes = std::sync::OnceLock::new();
    // The actions a finding lists: those that act on the resource (any
    // action when the resource is not given).
    let fitting: Option<std::collections::HashSet<String>> = match scope {
        ResourceScope::Exact(resource) | ResourceScope::Matching(resource) => Some(
            crate::catalog::Catalog::get()
                .actions_fitting(resource)
                .iter()
                .map(|action| action.full_name().to_string())
                .collect(),
        ),
        ResourceScope::Any => None,
    };
    let goal = encoded.allowed.and2(&encoded.inside.not());
    let mut query = Query::new(&encoded.model, &encoded.constraint, options)?;
    let enumeration = query.enumerate(&goal, limit, |raw: ConcreteRequest| {
        let mut access = certify_outside(setup, zone, raw.clone())?;
        let principal = principal_class(setup, zone, &access.request);
        // A readable request (catalog action, `example` names) when one is
        // decided alike and stands for the same class of principals.
        let side = ComparedSide::Setup(setup.clone());
        let mut readable = make_readable(&side, &side, &constraints, access.request.clone());
        // The readable example principal may sit in a zone account: the same
        // principal in an account no policy names is outside.
        if !is_outside(zone, &readable) {
            if let Some(account) = readable.principal.account.clone() {
                let other = unnamed_account(setup, zone);
                if let Ok(moved) =
                    RequestPrincipal::parse(&readable.principal.written().replace(&account, &other))
                {
                    readable.principal = moved;
                }
            }
        }
        // Service-linked roles have no `example` name: one AWS creates.
        if let PrincipalClass::ServiceLinkedRoles(account) = &principal {
            let account = account.clone().unwrap_or_else(|| unnamed_account(setup, zone));
            if let Ok(role) = RequestPrincipal::parse(&format!(
                "arn:aws:iam::{account}:role/aws-service-role/elasticloadbalancing.amazonaws.com/AWSServiceRoleForElasticLoadBalancing"
            )) {
                readable.principal = role;
            }
        }
        let decided_alike = replay(setup, &readable).decision == crate::eval::Decision::Allow;
        if decided_alike
            && is_outside(zone, &readable)
            && principal_class(setup, zone, &readable) == principal
        {
            access = certify_outside(setup, zone, readable)?;
        }
        // Every class allowed on the same request joins the finding.
        let mut action_region = vec![distinctions.class_term(
            &interpretation,
            &distinctions.signature(&raw.action_lowercase),
        )];
        let mut actions: Vec<String> = Vec::new();
        for class in classes
            .get_or_init(|| distinctions.catalog_classes())
            .iter()
        {
            let mut candidate = access.request.clone();
            candidate.action = class.representative.clone();
            candidate.action_lowercase = class.representative.to_ascii_lowercase();
            if replay(setup, &candidate).decision == crate::eval::Decision::Allow
                && is_outside(zone, &candidate)
            {
                action_region.push(distinctions.class_term(&interpretation, &class.signature));
                actions.extend(
                    class
                        .actions
                        .iter()
                        .filter(|action| {
                            fitting
                                .as_ref()
                                .is_none_or(|fitting| fitting.contains(*action))
                        })
                        .cloned(),
                );
            }
        }
        actions.sort();
        actions.dedup();
        let region = class_region(&interpretation, &principal).and2(&Term::or(action_region));
        let statements: Vec<StatementReference> = access
            .decision
            .explanation
            .deciding_statements
            .iter()
            .filter(|statement| statement.layer == "resource")
            .cloned()
            .collect();
        let public = principal.is_anyone()
            && granting_statements(setup, &statements)
                .iter()
                .any(|statement| crate::semantics::public_policy::statement_is_public(statement));
        let locations = granting_locations(setup, &statements);
        let finding = ExposureFinding {
            locations,
            public,
            actions: crate::gate::actions::summarise(&actions),
            action_count: actions.len(),
            condition_keys: condition_keys(setup, &statements),
            statements,
            principal,
            decision: access.decision,
            request: access.request,
        };
        Ok((finding, region))
    })?;
    exposure.findings = enumeration.findings;
    exposure
        .findings
        .sort_by(|left, right| left.principal.cmp(&right.principal));
    exposure.incomplete = match enumeration.end {
        EnumerationEnd::Covered => None,
        EnumerationEnd::Limit(limit) => Some(InconclusiveReason::FindingLimit(limit)),
        EnumerationEnd::Unknown(reason) => Some(InconclusiveReason::of_solver(vec![reason])),
    };
    exposure.solver_checks = query.checks();
    // With `IAMZ_TRACE_SOLVER` set (for tuning), each search's cost.
    if std::env::var_os("IAMZ_TRACE_SOLVER").is_some() {
        eprintln!(
            "exposure search {resource}: {} checks, {} findings in {:.1} ms",
            exposure.solver_checks,
            exposure.findings.len(),
            started.elapsed().as_secs_f64() * 1000.0
        );
    }
    Ok(exposure)
}

/// The condition keys of the named statements of the resource layer, as
/// written, in order, once each.
fn condition_keys(setup: &Setup<'_>, statements: &[StatementReference]) -> Vec<String> {
    let mut keys: Vec<String> = Vec::new();
    for statement in granting_statements(setup, statements) {
        for condition in &statement.conditions {
            if !keys
                .iter()
                .any(|key| key.eq_ignore_ascii_case(&condition.key))
            {
                keys.push(condition.key.clone());
            }
        }
    }
    keys
}

/// The files and places of the resource layer's statements that
/// `statements` name.
fn granting_locations(
    setup: &Setup<'_>,
    statements: &[StatementReference],
) -> Vec<(String, crate::policy::json::SourcePosition)> {
    granting(setup, statements)
        .map(|(policy, statement)| (policy.file.clone(), statement.position))
        .collect()
}

/// The resource layer's statements that `statements` name.
fn granting_statements<'p>(
    setup: &Setup<'p>,
    statements: &[StatementReference],
) -> Vec<&'p crate::policy::Statement> {
    granting(setup, statements)
        .map(|(_, statement)| statement)
        .collect()
}

/// The resource layer's statements that `statements` name, with their
/// policies.
fn granting<'p, 's>(
    setup: &'s Setup<'p>,
    statements: &'s [StatementReference],
) -> impl Iterator<
    Item = (
        &'p crate::policy::PolicyDocument,
        &'p crate::policy::Statement,
    ),
> + 's
where
    'p: 's,
{
    setup
        .layers
        .iter()
        .filter(|layer| layer.name == "resource")
        .flat_map(|layer| layer.policies.iter().copied())
        .flat_map(move |policy| {
            policy
                .statements
                .iter()
                .filter(move |statement| {
                    statements.iter().any(|reference| {
                        reference.policy == policy.name && reference.statement == statement.label()
                    })
                })
                .map(move |statement| (policy, statement))
        })
}

#[cfg(test)]
mod property_tests;
