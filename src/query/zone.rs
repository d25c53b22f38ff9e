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
    constraints.validate()?;
    let facts = &setup.facts.derived_keys;
    let model = RequestModel::build(&setup.policies(), &[facts]);
    let interpretation = SymbolicInterpretation::new(&model);
    let allowed = setup.decide(&interpretation).allowed;
    let principal = &model.principal;
    let inside = principal.has_identity_side().and2(&Term::or(
        zone.accounts
            .iter()
            .map(|account| principal.account.equals(&Term::string(account))),
    ));
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
    let unsupported = interpretation.unsupported();
    if !model.unsupported.is_empty() || !unsupported.is_empty() {
        let mut reasons = model.unsupported.clone();
        reasons.extend(unsupported);
        return Ok(ZoneVerdict::Inconclusive {
            reason: InconclusiveReason::Unsupported(reasons),
        });
    }
    let goal = allowed.and2(&inside.not());
    let mut query = Query::new(&model, &constraint, options)?;
    let found = query.find(&goal, |mut request| {
        DerivedKeyFacts::strip(&mut request, &[facts]);
        let decision = replay(setup, &request);
        let outside = !request.principal.kind.has_identity_side()
            || !request
                .principal
                .account
                .as_ref()
                .is_some_and(|account| zone.accounts.contains(account));
        if decision.decision != Decision::Allow || !outside {
            return Err(QueryError::ReplayMismatch {
                side: "setup".into(),
                claimed: "Allow from outside the zone".into(),
                replayed: decision.decision,
                request: Box::new(request),
            });
        }
        Ok(OutsideAccess { request, decision })
    })?;
    Ok(match found {
        Found::None => ZoneVerdict::Contained,
        Found::Unknown(reason) => ZoneVerdict::Inconclusive {
            reason: InconclusiveReason::of_solver(vec![reason]),
        },
        Found::Certified(access) => ZoneVerdict::Exposed(Box::new(access)),
    })
}
