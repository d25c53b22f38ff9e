//! Access from outside a zone of trust: is there a request a setup allows
//! whose principal is not in the zone's accounts (or organization)? A thin
//! layer over the same search and replay as comparisons.

use super::compare::replay;
use super::constraints::RequestConstraints;
use super::core::{Found, Query};
use super::engine::QueryOptions;
use super::error::{InconclusiveReason, QueryError};
use crate::eval::{Decision, EvaluatedDecision};
use crate::request::ConcreteRequest;
use crate::semantics::derived_keys::DerivedKeyFacts;
use crate::semantics::Interpretation;
use crate::semantics::Setup;
use crate::symbolic::{RequestModel, SymbolicInterpretation, Term};

/// The principals trusted: these accounts, and when `organization_id` is
/// set, the organization those accounts form (its `aws:PrincipalOrgID`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Zone {
    pub accounts: Vec<String>,
    pub organization_id: Option<String>,
}

/// A request from outside the zone that the setup allows.
#[derive(Debug, Clone)]
pub struct OutsideAccess {
    pub request: ConcreteRequest,
    pub decision: EvaluatedDecision,
}

#[derive(Debug, Clone)]
pub enum ZoneVerdict {
    /// No principal outside the zone is allowed (within the constraints).
    Contained,
    Exposed(Box<OutsideAccess>),
    Inconclusive {
        reason: InconclusiveReason,
    },
}

/// Searches for a request allowed by `setup` whose principal is outside
/// `zone`: not an IAM principal of one of the zone's accounts (services,
/// providers and anonymous callers are outside). When the zone names an
/// organization and the policies read `aws:PrincipalOrgID`, that key is the
/// organization exactly for the zone's accounts.
pub fn find_access_outside_zone(
    setup: &Setup<'_>,
    zone: &Zone,
    constraints: &RequestConstraints,
    options: &QueryOptions,
) -> Result<ZoneVerdict, QueryError> {
    let encoded = encode_outside_zone(setup, zone, constraints)?;
    if !encoded.unsupported.is_empty() {
        return Ok(ZoneVerdict::Inconclusive {
            reason: InconclusiveReason::Unsupported(encoded.unsupported),
        });
    }
    let goal = encoded.allowed.and2(&encoded.inside.not());
    let mut query = Query::new(&encoded.model, &encoded.constraint, options)?;
    let found = query.find(&goal, |request| certify_outside(setup, zone, request))?;
    Ok(match found {
        Found::None => ZoneVerdict::Contained,
        Found::Unknown(reason) => ZoneVerdict::Inconclusive {
            reason: InconclusiveReason::of_solver(vec![reason]),
        },
        Found::Certified(access) => ZoneVerdict::Exposed(Box::new(access)),
    })
}

/// A setup's access encoded against a zone: the request model, "the setup
/// allows", "the principal is inside the zone", and the constraints (with
/// `aws:PrincipalOrgID` tied to the zone's accounts when the zone names an
/// organization).
pub(crate) struct ZoneEncoding {
    pub model: RequestModel,
    pub allowed: Term,
    pub inside: Term,
    pub constraint: Term,
    pub unsupported: Vec<crate::symbolic::Unsupported>,
}

pub(crate) fn encode_outside_zone(
    setup: &Setup<'_>,
    zone: &Zone,
    constraints: &RequestConstraints,
) -> Result<ZoneEncoding, QueryError> {
    constraints.validate()?;
    let facts = &setup.facts.derived_keys;
    let model = RequestModel::build(&setup.policies(), &[facts]);
    let interpretation = SymbolicInterpretation::new(&model);
    let allowed = setup.decide(&interpretation).allowed;
    let principal = &model.principal;
    let mut inside_parts = vec![principal.has_identity_side().and2(&Term::or(
        zone.accounts
            .iter()
            .map(|account| principal.account.equals(&Term::string(account))),
    ))];
    // A service acting for a zone account (or the zone's organization) is
    // inside: the keys AWS sets from the resource it acts for.
    let service = principal.is(crate::request::PrincipalKind::Service);
    if let Some(value) = model
        .keys
        .get("aws:sourceaccount")
        .and_then(|key| Some((key.present(), key.first_text()?)))
    {
        inside_parts.push(
            service.and2(&value.0).and2(&Term::or(
                zone.accounts
                    .iter()
                    .map(|account| value.1.equals(&Term::string(account))),
            )),
        );
    }
    if let (Some(organization), Some(value)) = (
        &zone.organization_id,
        model
            .keys
            .get("aws:sourceorgid")
            .and_then(|key| Some((key.present(), key.first_text()?))),
    ) {
        inside_parts.push(
            service
                .and2(&value.0)
                .and2(&value.1.equals(&Term::string(organization))),
        );
    }
    // A service assuming a role acts for whoever passed it the role, which
    // takes iam:PassRole in the role's own account.
    inside_parts.push(service.and2(&Term::and([
        interpretation.action_matches(&crate::policy::ActionPattern::new("sts:AssumeRole")),
        interpretation.resource_matches(&crate::policy::ResourcePattern::new(
            "arn:*:iam::*:role/*",
            false,
        )),
    ])));
    let inside = Term::or(inside_parts);
    let mut constraint = constraints.symbolic(&interpretation);
    if let (Some(organization), Some(key)) =
        (&zone.organization_id, model.keys.get("aws:principalorgid"))
    {
        if let Some(value) = key.first_text() {
            let ours = key
                .present()
                .and2(&value.equals(&Term::string(organization)));
            // Ours exactly for the zone's accounts.
            constraint = constraint.and2(&Term::or([
                ours.and2(&inside),
                ours.not().and2(&inside.not()),
            ]));
        }
    }
    let mut unsupported = model.unsupported.clone();
    unsupported.extend(interpretation.unsupported());
    drop(interpretation);
    Ok(ZoneEncoding {
        model,
        allowed,
        inside,
        constraint,
        unsupported,
    })
}

/// Whether a request's principal is outside the zone: not an IAM principal
/// of one of its accounts, and not a service acting for one of them
/// (`aws:SourceAccount`) or for the zone's organization (`aws:SourceOrgID`),
/// nor a service assuming a role (it acts for whoever passed it the role,
/// which takes `iam:PassRole` in the role's account:
/// https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_passrole.html).
pub fn is_outside(zone: &Zone, request: &ConcreteRequest) -> bool {
    let principal = &request.principal;
    if principal.kind == crate::request::PrincipalKind::Service {
        if request.action_lowercase == "sts:assumerole"
            && crate::semantics::service_rules::is_role_arn(&request.resource)
        {
            return false;
        }
        let source = |key: &str| request.context.first_value(key).map(str::to_string);
        let for_zone_account =
            source("aws:sourceaccount").is_some_and(|account| zone.accounts.contains(&account));
        let for_zone_organization = zone.organization_id.as_ref().is_some_and(|organization| {
            source("aws:sourceorgid").as_deref() == Some(organization.as_str())
        });
        return !(for_zone_account || for_zone_organization);
    }
    !principal.kind.has_identity_side()
        || !principal
            .account
            .as_ref()
            .is_some_and(|account| zone.accounts.contains(account))
}

/// A found request without the keys AWS derives, replayed: allowed and
/// outside, or a replay mismatch.
pub(crate) fn certify_outside(
    setup: &Setup<'_>,
    zone: &Zone,
    mut request: ConcreteRequest,
) -> Result<OutsideAccess, QueryError> {
    DerivedKeyFacts::strip(&mut request, &[&setup.facts.derived_keys]);
    let decision = replay(setup, &request);
    if decision.decision != Decision::Allow || !is_outside(zone, &request) {
        return Err(QueryError::ReplayMismatch {
            side: "setup".into(),
            claimed: "Allow from outside the zone".into(),
            replayed: decision.decision,
            request: Box::new(request),
        });
    }
    Ok(OutsideAccess { request, decision })
}
