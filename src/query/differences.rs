//! Every difference between two sides, by action: the gate's question.
//! Where [`compare`](super::compare) returns one replayed request per
//! direction, this enumerates the *action classes* on which the sides
//! differ until the solver proves no other action differs.
//!
//! An action class is a set of actions the two sides cannot tell apart:
//! the decision depends on the action only through the action patterns of
//! the policies, the patterns of the service rules
//! (`semantics::service_rules::action_patterns`) and, for RCPs, whether
//! the action's service supports RCPs. Two actions that match the same
//! patterns (and agree on RCP support) are decided alike on every request,
//! so one search per class suffices, and excluding a class excludes every
//! request for its actions. The catalog actions of a class are computed
//! concretely from the same patterns.
//!
//! Trusts the query core's searches and the reference evaluator's replay:
//! every reported request is certified by `compare`'s own certification.

use super::compare::{
    counterexample, differs_on_replay, direction_goal, encode, ComparedAspect, ComparedSide,
    Counterexample, Direction,
};
use super::constraints::RequestConstraints;
use super::core::{EnumerationEnd, Query};
use super::engine::QueryOptions;
use super::error::{InconclusiveReason, QueryError};
use crate::catalog::Catalog;
use crate::policy::{ActionPattern, PolicyDocument};
use crate::request::ConcreteRequest;
use crate::semantics::alone::Aspect;
use crate::semantics::{request_facts, Interpretation};
use crate::symbolic::{SymbolicInterpretation, Term};
use std::sync::OnceLock;

/// What tells actions apart for two sides: the action patterns the
/// policies and the service rules read, and the services that support
/// RCPs (empty when no RCP layer can apply).
#[derive(Debug, Clone)]
pub struct ActionDistinctions {
    patterns: Vec<ActionPattern>,
    services_supporting_rcps: Vec<String>,
}

impl ActionDistinctions {
    /// The distinctions of `policies`, with `services_supporting_rcps`
    /// (sorted lower-case prefixes) when RCP layers take part.
    pub fn of(policies: &[&PolicyDocument], services_supporting_rcps: &[String]) -> Self {
        let mut texts: Vec<String> = policies
            .iter()
            .flat_map(|policy| policy.statements.iter())
            .flat_map(|statement| statement.actions.patterns.iter())
            .map(|pattern| pattern.text.to_ascii_lowercase())
            .chain(
                crate::semantics::service_rules::action_patterns()
                    .map(|pattern| pattern.text.to_ascii_lowercase()),
            )
            .filter(|text| text != "*")
            .collect();
        texts.sort();
        texts.dedup();
        ActionDistinctions {
            patterns: texts.iter().map(|text| ActionPattern::new(text)).collect(),
            services_supporting_rcps: services_supporting_rcps.to_vec(),
        }
    }

    /// The class signature of one action (lower case): which patterns it
    /// matches, and whether its service supports RCPs.
    pub fn signature(&self, action_lowercase: &str) -> ActionSignature {
        let service = action_lowercase.split(':').next().unwrap_or("");
        ActionSignature {
            matched: self
                .patterns
                .iter()
                .map(|pattern| pattern.matches(action_lowercase))
                .collect(),
            rcp_service: self
                .services_supporting_rcps
                .binary_search_by(|candidate| candidate.as_str().cmp(service))
                .is_ok(),
        }
    }

    /// "The request's action has this signature", as a term.
    pub fn class_term(
        &self,
        interpretation: &SymbolicInterpretation<'_>,
        signature: &ActionSignature,
    ) -> Term {
        let mut parts: Vec<Term> = self
            .patterns
            .iter()
            .zip(&signature.matched)
            .map(|(pattern, matched)| {
                let matches = interpretation.action_matches(pattern);
                if *matched {
                    matches
                } else {
                    matches.not()
                }
            })
            .collect();
        if !self.services_supporting_rcps.is_empty() {
            let supported = interpretation.action_service_in(&self.services_supporting_rcps);
            parts.push(if signature.rcp_service {
                supported
            } else {
                supported.not()
            });
        }
        Term::and(parts)
    }

    /// Every class the catalog's actions fall into, in catalog order of
    /// their first action, each with its actions (canonical names). Made
    /// once per set of distinctions and shared: many policies (every role
    /// trust policy naming `sts:AssumeRole`) read the same patterns.
    pub fn catalog_classes(&self) -> std::sync::Arc<Vec<CatalogClass>> {
        type Cache = std::sync::Mutex<
            std::collections::HashMap<
                (Vec<String>, Vec<String>),
                std::sync::Arc<Vec<CatalogClass>>,
            >,
        >;
        static CACHE: OnceLock<Cache> = OnceLock::new();
        let key = (
            self.patterns
                .iter()
                .map(|pattern| pattern.text.clone())
                .collect::<Vec<_>>(),
            self.services_supporting_rcps.clone(),
        );
        let cache = CACHE.get_or_init(Default::default);
        if let Some(classes) = cache
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .get(&key)
        {
            return classes.clone();
        }
        let classes = std::sync::Arc::new(self.compute_catalog_classes());
        let mut cache = cache
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        // Bounded: a scan of many distinct policies must not grow it forever.
        if cache.len() >= 256 {
            cache.clear();
        }
        cache.insert(key, classes.clone());
        classes
    }

    fn compute_catalog_classes(&self) -> Vec<CatalogClass> {
        let mut classes: indexmap::IndexMap<ActionSignature, CatalogClass> =
            indexmap::IndexMap::new();
        for (lowercase, name) in catalog_actions_lowercase() {
            classes
                .entry(self.signature(lowercase))
                .or_insert_with_key(|signature| CatalogClass {
                    signature: signature.clone(),
                    representative: name.clone(),
                    actions: Vec::new(),
                })
                .actions
                .push(name.clone());
        }
        classes.into_values().collect()
    }
}

/// The catalog actions of one class.
#[derive(Debug, Clone)]
pub struct CatalogClass {
    pub signature: ActionSignature,
    /// Its first action (canonical name).
    pub representative: String,
    /// Canonical names, catalog order.
    pub actions: Vec<String>,
}

/// Which patterns an action matches, and whether its service supports
/// RCPs: actions with one signature are decided alike.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ActionSignature {
    matched: Vec<bool>,
    rcp_service: bool,
}

/// Every catalog action as (lower case, canonical name), read once.
fn catalog_actions_lowercase() -> &'static [(String, String)] {
    static ACTIONS: OnceLock<Vec<(String, String)>> = OnceLock::new();
    ACTIONS.get_or_init(|| {
        Catalog::get()
            .actions()
            .map(|action| {
                (
                    action.full_name().to_ascii_lowercase(),
                    action.full_name().to_string(),
                )
            })
            .collect()
    })
}

/// The actions on which NEW differs from OLD in one direction in one way
/// (the classes whose actions differ on the found request).
#[derive(Debug, Clone)]
pub struct ActionClassDifference {
    pub direction: Direction,
    /// The catalog actions (canonical names, sorted); empty when only
    /// actions outside the catalog differ.
    pub actions: Vec<String>,
    /// The difference holds on every request for the actions of these
    /// classes that the compared layers restrict (`Some(true)`), only on some
    /// (`Some(false)`), or the solver could not tell (`None`).
    pub on_every_request: Option<bool>,
    /// The found request, replayed on both sides.
    pub example: Counterexample,
}

/// Every difference, by action class and direction.
#[derive(Debug, Clone)]
pub struct Differences {
    /// Widening classes first, then narrowing; each in the order found.
    pub classes: Vec<ActionClassDifference>,
    /// `None` when both directions were enumerated to the end (the classes
    /// cover every difference: proved); otherwise why not.
    pub incomplete: Option<InconclusiveReason>,
    /// When non-empty, the absence of other differences holds only under
    /// these approximations.
    pub approximations: Vec<String>,
    pub solver_checks: usize,
}

/// What the "on every request" test ranges over: the requests the compared
/// layers restrict at all (for SCPs: by IAM principals that are not
/// service-linked roles; for RCPs: to services that support RCPs), and
/// that AWS neither refuses nor answers without permission.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RestrictedRequests {
    ServiceControlPolicies,
    ResourceControlPolicies,
    /// Every request (the compared setups restrict them all).
    Any,
}

/// Enumerates the action classes on which NEW's access differs from OLD's
/// within `constraints`, at most `limit` classes per direction.
pub fn enumerate_differences(
    old: &ComparedSide<'_>,
    new: &ComparedSide<'_>,
    constraints: &RequestConstraints,
    options: &QueryOptions,
    restricted: RestrictedRequests,
    limit: usize,
) -> Result<Differences, QueryError> {
    constraints.validate()?;
    let encoded = encode(old, new, constraints);
    let mut differences = Differences {
        classes: Vec::new(),
        incomplete: None,
        approximations: encoded.model.approximations.clone(),
        solver_checks: 0,
    };
    if !encoded.unsupported.is_empty() {
        differences.incomplete = Some(InconclusiveReason::Unsupported(encoded.unsupported.clone()));
        return Ok(differences);
    }
    let interpretation = SymbolicInterpretation::new(&encoded.model);
    let mut policies = old.policies();
    policies.extend(new.policies());
    let rcp_services = match (old, new) {
        (ComparedSide::Setup(old), ComparedSide::Setup(new)) => {
            let mut services = old.facts.services_supporting_rcps.to_vec();
            services.extend(new.facts.services_supporting_rcps.iter().cloned());
            services.sort();
            services.dedup();
            services
        }
        _ => Vec::new(),
    };
    let distinctions = ActionDistinctions::of(&policies, &rcp_services);
    let restricted_term = restricted_requests(old, &interpretation, restricted);
    let access = ComparedAspect {
        aspect: Aspect::Access,
        changes_access: true,
    };
    let classes = distinctions.catalog_classes();
    let mut query = Query::new(&encoded.model, &encoded.constraint, options)?;
    for direction in [Direction::NewAllowsOldDenies, Direction::OldAllowsNewDenies] {
        let goal = direction_goal(&interpretation, &encoded, &[access], direction);
        // Each finding stands for every class whose representative, put in
        // the found request's place, differs the same way: one search per
        // way of differing, not per class.
        let mut found: Vec<(Term, Vec<String>, Counterexample)> = Vec::new();
        let enumeration = query.enumerate(&goal, limit, |raw: ConcreteRequest| {
            let mut region = vec![distinctions.class_term(
                &interpretation,
                &distinctions.signature(&raw.action_lowercase),
            )];
            let mut actions: Vec<String> = Vec::new();
            for class in classes.iter() {
                let mut candidate = raw.clone();
                candidate.action_lowercase = class.representative.to_ascii_lowercase();
                candidate.action = class.representative.clone();
                if differs_on_replay(old, new, direction, access, &candidate) {
                    region.push(distinctions.class_term(&interpretation, &class.signature));
                    actions.extend(class.actions.iter().cloned());
                }
            }
            let region = Term::or(region);
            let example = counterexample(
                old,
                new,
                constraints,
                options,
                direction,
                access,
                raw.clone(),
            )?;
            found.push((region.clone(), actions, example));
            Ok(((), region))
        })?;
        for (region, mut actions, example) in found {
            // Every restricted request of the region differs iff no such
            // request fails to differ.
            let fails = Term::and([region, restricted_term.clone(), goal.not()]);
            let on_every_request = query.exists(&fails)?.map(|exists| !exists);
            actions.sort();
            actions.dedup();
            differences.classes.push(ActionClassDifference {
                direction,
                actions,
                on_every_request,
                example,
            });
        }
        match enumeration.end {
            EnumerationEnd::Covered => {}
            EnumerationEnd::Limit(limit) => {
                differences
                    .incomplete
                    .get_or_insert(InconclusiveReason::FindingLimit(limit));
            }
            EnumerationEnd::Unknown(reason) => {
                differences
                    .incomplete
                    .get_or_insert(InconclusiveReason::of_solver(vec![reason]));
            }
        }
    }
    differences.solver_checks = query.checks();
    Ok(differences)
}

/// The requests the compared layers restrict, and that AWS decides by
/// policy (not refused, not free).
fn restricted_requests(
    side: &ComparedSide<'_>,
    interpretation: &SymbolicInterpretation<'_>,
    restricted: RestrictedRequests,
) -> Term {
    let i = interpretation;
    let facts = match side {
        ComparedSide::Setup(setup) => setup.request_facts(i),
        ComparedSide::Policy(_) => request_facts(i, &Default::default()),
    };
    let applies = match restricted {
        RestrictedRequests::ServiceControlPolicies => facts.service_control_policies_apply,
        RestrictedRequests::ResourceControlPolicies => facts.resource_control_policies_apply,
        RestrictedRequests::Any => Term::truth(),
    };
    let refused = Term::or(facts.refusals.iter().map(|(_, refused)| refused.clone()));
    Term::and([applies, facts.needs_no_permission.not(), refused.not()])
}
