//! The query core every question runs on. A question is a *property*: a
//! goal over the compiled setups of a query (a Boolean term over one
//! request model: "the two sides differ in this aspect", "the setup allows
//! and the principal is outside the zone"). The core
//! 1. searches for a request meeting the goal (`engine.rs`, within the
//!    query's constraints and the model's axioms),
//! 2. certifies every request it finds with the caller's check, which
//!    replays it through the reference evaluator; a request that does not
//!    certify is an error, never a result,
//! 3. returns the certified finding, or "none" (a proof, within the scope),
//!    or "unknown" (never a proof).
//!
//! And it can *enumerate*: each certified finding names the region of
//! requests it stands for, the region is excluded, and the search goes on
//! until nothing is left (the findings then cover the property: proved) or
//! a limit or the solver stops it (then the answer says so).
//!
//! Trusts the engine's searches and the caller's certification; everything
//! it returns has passed the latter.

use super::engine::{Engine, QueryOptions, Search};
use super::error::QueryError;
use crate::request::ConcreteRequest;
use crate::symbolic::z3_backend::SolverContext;
use crate::symbolic::{RequestModel, Term};

/// What one search for a property gave.
#[derive(Debug, Clone)]
pub enum Found<F> {
    /// A request met the goal and certified as `F`.
    Certified(F),
    /// No request meets the goal (within the constraints): proved.
    None,
    /// The solver gave up; never a proof.
    Unknown(String),
}

/// Why an enumeration ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EnumerationEnd {
    /// No request outside the findings' regions meets the goal: the
    /// findings cover the property (proved).
    Covered,
    /// The limit on findings was reached; more may exist.
    Limit(usize),
    /// The solver gave up; more may exist.
    Unknown(String),
}

/// The findings of an enumeration and why it ended.
#[derive(Debug, Clone)]
pub struct Enumeration<F> {
    pub findings: Vec<F>,
    pub end: EnumerationEnd,
}

impl<F> Enumeration<F> {
    /// The findings cover every request meeting the goal.
    pub fn is_complete(&self) -> bool {
        self.end == EnumerationEnd::Covered
    }
}

/// One query: a request model, its constraints, and the searches run on
/// them (the solver state is kept between searches, so a batch of goals
/// over one model shares everything already learnt).
pub struct Query<'m> {
    model: &'m RequestModel,
    constraint: Term,
    options: QueryOptions,
    /// Made on the first search that needs the solver (a goal that is
    /// false as written needs none, and starting z3 costs milliseconds),
    /// in the query's own z3 context: its answers do not depend on the
    /// queries that ran before it on the thread.
    engine: Option<(SolverContext, Engine)>,
}

impl<'m> Query<'m> {
    /// A query over `model`, within `constraint`.
    pub fn new(
        model: &'m RequestModel,
        constraint: &Term,
        options: &QueryOptions,
    ) -> Result<Query<'m>, QueryError> {
        Ok(Query {
            model,
            constraint: constraint.clone(),
            options: options.clone(),
            engine: None,
        })
    }

    /// Solver checks run so far.
    pub fn checks(&self) -> usize {
        self.engine.as_ref().map_or(0, |(_, engine)| engine.checks)
    }

    fn search(&mut self, goal: &Term) -> Result<Search, QueryError> {
        if goal.is_false() {
            return Ok(Search::NotFound);
        }
        if self.engine.is_none() {
            let context = SolverContext::new();
            let engine =
                context.enter(|| Engine::new(self.model, &self.constraint, &self.options))?;
            self.engine = Some((context, engine));
        }
        let (context, engine) = self.engine.as_mut().expect("just made");
        context.enter(|| engine.search(self.model, goal))
    }

    /// Whether some request meets `goal`: `None` when the solver gave up.
    pub fn exists(&mut self, goal: &Term) -> Result<Option<bool>, QueryError> {
        Ok(match self.search(goal)? {
            Search::Found(_) => Some(true),
            Search::NotFound => Some(false),
            Search::Unknown(_) => None,
        })
    }

    /// Searches for a request meeting `goal` and certifies it.
    pub fn find<F>(
        &mut self,
        goal: &Term,
        certify: impl FnOnce(ConcreteRequest) -> Result<F, QueryError>,
    ) -> Result<Found<F>, QueryError> {
        Ok(match self.search(goal)? {
            Search::Found(request) => Found::Certified(certify(*request)?),
            Search::NotFound => Found::None,
            Search::Unknown(reason) => Found::Unknown(reason),
        })
    }

    /// Finds, certifies and excludes findings until none is left or
    /// `limit` are found. `certify` returns the finding and the region of
    /// requests it stands for, which must contain the request it was given
    /// (a region that does not is an error: the enumeration would not end).
    pub fn enumerate<F>(
        &mut self,
        goal: &Term,
        limit: usize,
        mut certify: impl FnMut(ConcreteRequest) -> Result<(F, Term), QueryError>,
    ) -> Result<Enumeration<F>, QueryError> {
        let mut findings = Vec::new();
        let mut excluded: Vec<Term> = Vec::new();
        let mut seen: Vec<ConcreteRequest> = Vec::new();
        loop {
            if findings.len() >= limit {
                return Ok(Enumeration {
                    findings,
                    end: EnumerationEnd::Limit(limit),
                });
            }
            let mut parts = vec![goal.clone()];
            parts.extend(excluded.iter().map(Term::not));
            match self.search(&Term::and(parts))? {
                Search::NotFound => {
                    return Ok(Enumeration {
                        findings,
                        end: EnumerationEnd::Covered,
                    })
                }
                Search::Unknown(reason) => {
                    return Ok(Enumeration {
                        findings,
                        end: EnumerationEnd::Unknown(reason),
                    })
                }
                Search::Found(request) => {
                    if seen.iter().any(|earlier| same_request(earlier, &request)) {
                        return Err(QueryError::RegionMissesFinding(request));
                    }
                    seen.push((*request).clone());
                    let (finding, region) = certify(*request)?;
                    findings.push(finding);
                    excluded.push(region);
                }
            }
        }
    }
}

fn same_request(left: &ConcreteRequest, right: &ConcreteRequest) -> bool {
    left.principal.text == right.principal.text
        && left.principal.kind == right.principal.kind
        && left.action_lowercase == right.action_lowercase
        && left.resource == right.resource
        && left.resource_account == right.resource_account
        && left
            .context
            .entries()
            .map(|entry| (&entry.key, &entry.values))
            .eq(right
                .context
                .entries()
                .map(|entry| (&entry.key, &entry.values)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::{parse_policy, PolicyKind};
    use crate::query::ComparedSide;
    use crate::symbolic::SymbolicInterpretation;

    #[test]
    fn enumeration_covers_every_allowed_action_and_then_proves_it() {
        let policy = parse_policy(
            r#"{"Version": "2012-10-17", "Statement": [
                {"Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject", "sqs:SendMessage"], "Resource": "*"}]}"#,
            "enumerate.json",
            Some(PolicyKind::Identity),
        )
        .unwrap()
        .document;
        let side = ComparedSide::policy(&policy, PolicyKind::Identity);
        let model = RequestModel::build(&side.policies(), &[]);
        let interpretation = SymbolicInterpretation::new(&model);
        let allowed = side.aspects(&interpretation).access;
        let mut query = Query::new(&model, &Term::truth(), &QueryOptions::default()).unwrap();
        let action_is = |action: &str| {
            let (service, name) = action.split_once(':').unwrap();
            model
                .action_service
                .equals(&Term::string(service))
                .and2(&model.action_name.equals(&Term::string(name)))
        };
        let certify = |request: ConcreteRequest| {
            assert!(side.replay(&request).aspects.access, "{request:?}");
            let region = action_is(&request.action_lowercase);
            Ok((request.action_lowercase, region))
        };
        let mut all = query.enumerate(&allowed, 10, certify).unwrap();
        assert!(all.is_complete(), "{:?}", all.end);
        all.findings.sort();
        // sts:GetCallerIdentity needs no permission: allowed whatever the policy.
        assert_eq!(
            all.findings,
            [
                "s3:getobject",
                "s3:putobject",
                "sqs:sendmessage",
                "sts:getcalleridentity"
            ]
        );
        // A limit below the number of findings says so.
        let mut query = Query::new(&model, &Term::truth(), &QueryOptions::default()).unwrap();
        let some = query
            .enumerate(&allowed, 2, |request: ConcreteRequest| {
                let region = action_is(&request.action_lowercase);
                Ok((request.action_lowercase, region))
            })
            .unwrap();
        assert_eq!(some.end, EnumerationEnd::Limit(2));
        assert_eq!(some.findings.len(), 2);
        assert!(!some.is_complete());
        // A region that does not exclude its finding never ends as covered.
        let mut query = Query::new(&model, &Term::truth(), &QueryOptions::default()).unwrap();
        let looping = query.enumerate(&allowed, 10, |request: ConcreteRequest| {
            Ok((request.action_lowercase, Term::falsity()))
        });
        assert!(!matches!(looping, Ok(enumeration) if enumeration.is_complete()));
    }
}
