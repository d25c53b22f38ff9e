//! The reference evaluator: the shared semantics under the concrete
//! interpretation, deciding one request and saying why.

pub mod interpretation;

pub use interpretation::ConcreteInterpretation;

use crate::policy::Effect;
use crate::request::ConcreteRequest;
use crate::semantics::alone::{aspects_of_outcome, AspectValues, PolicyAlone};
use crate::semantics::service_rules::RefusalRule;
use crate::semantics::{LayerRole, Setup};
use serde::Serialize;

/// The three outcomes of AWS authorization.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum Decision {
    Allow,
    ExplicitDeny,
    ImplicitDeny,
}

impl Decision {
    pub fn as_str(self) -> &'static str {
        match self {
            Decision::Allow => "Allow",
            Decision::ExplicitDeny => "ExplicitDeny",
            Decision::ImplicitDeny => "ImplicitDeny",
        }
    }
}

impl std::fmt::Display for Decision {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str(self.as_str())
    }
}

/// A statement named in an explanation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StatementReference {
    /// The layer (`identity`, `scp:ou-prod`, `resource`, …).
    pub layer: String,
    /// The policy's name.
    pub policy: String,
    /// The Sid, or `#index` when it has none.
    pub statement: String,
}

/// Why the decision came out as it did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
pub struct Explanation {
    /// For an explicit deny: the applicable Deny statements. For an allow:
    /// the Allow statements of the granting layers that apply.
    pub deciding_statements: Vec<StatementReference>,
    /// For an implicit deny: each layer that had to allow and did not
    /// (bounding layers by name; `identity` when no granting policy allowed).
    pub missing_allows: Vec<String>,
    /// The call needs no permission (`sts:GetCallerIdentity`): allowed
    /// whatever the policies say.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub needs_no_permission: bool,
    /// AWS refuses the call whatever the policies say, by this rule
    /// (`semantics::service_rules`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refused_by: Option<RefusalRule>,
}

/// A decision with its explanation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EvaluatedDecision {
    pub decision: Decision,
    pub explanation: Explanation,
}

/// Decides a request (no explanation): the fast path.
pub fn decide_request(setup: &Setup<'_>, request: &ConcreteRequest) -> Decision {
    let interpretation = ConcreteInterpretation::new(request);
    let terms = setup.decide(&interpretation);
    if terms.explicit_deny {
        Decision::ExplicitDeny
    } else if terms.allowed {
        Decision::Allow
    } else {
        Decision::ImplicitDeny
    }
}

/// Decides a request and explains the decision. The explanation is read
/// from the outcomes `decide` computed (layers and statements), never
/// recomputed beside it.
pub fn evaluate(setup: &Setup<'_>, request: &ConcreteRequest) -> EvaluatedDecision {
    let interpretation = ConcreteInterpretation::new(request);
    let (terms, facts) = setup.decide_with_statements(&interpretation);
    let layers = &setup.layers;
    let statements_of = |effect: Effect, roles: Option<&[LayerRole]>| {
        let mut found = Vec::new();
        for (layer, outcome) in layers.iter().zip(&terms.layer_outcomes) {
            if !outcome.applies || roles.is_some_and(|roles| !roles.contains(&layer.role)) {
                continue;
            }
            for statement in &outcome.statements {
                if statement.effect == effect && statement.applies {
                    let policy = layer.policies[statement.policy];
                    found.push(StatementReference {
                        layer: layer.name.clone(),
                        policy: policy.name.clone(),
                        statement: policy.statements[statement.statement].label(),
                    });
                }
            }
        }
        found
    };
    if terms.explicit_deny {
        return EvaluatedDecision {
            decision: Decision::ExplicitDeny,
            explanation: Explanation {
                deciding_statements: statements_of(Effect::Deny, None),
                missing_allows: Vec::new(),
                ..Explanation::default()
            },
        };
    }
    if terms.allowed && facts.needs_no_permission {
        return EvaluatedDecision {
            decision: Decision::Allow,
            explanation: Explanation {
                needs_no_permission: true,
                ..Explanation::default()
            },
        };
    }
    // A call AWS refuses whatever the policies say.
    if let Some((rule, _)) = facts.refusals.iter().find(|(_, refused)| *refused) {
        return EvaluatedDecision {
            decision: Decision::ImplicitDeny,
            explanation: Explanation {
                refused_by: Some(*rule),
                ..Explanation::default()
            },
        };
    }
    if terms.allowed {
        // Identity policies speak only for principals that have them.
        let granting: &[LayerRole] = if facts.has_identity_side {
            &[LayerRole::Identity, LayerRole::ResourcePolicy]
        } else {
            &[LayerRole::ResourcePolicy]
        };
        return EvaluatedDecision {
            decision: Decision::Allow,
            explanation: Explanation {
                deciding_statements: statements_of(Effect::Allow, Some(granting)),
                missing_allows: Vec::new(),
                ..Explanation::default()
            },
        };
    }
    let mut missing_allows = Vec::new();
    let mut identity_allows = facts.is_account_root;
    let mut resource_grants = false;
    let mut resource_allows = false;
    for (layer, outcome) in layers.iter().zip(&terms.layer_outcomes) {
        if !outcome.applies {
            continue;
        }
        match layer.role {
            LayerRole::Identity => identity_allows |= outcome.allows,
            LayerRole::ResourcePolicy => {
                resource_grants |= outcome.grants;
                resource_allows |= outcome.allows;
            }
            _ => {
                if !outcome.allows && !missing_allows.contains(&layer.name) {
                    missing_allows.push(layer.name.clone());
                }
            }
        }
    }
    // The granting side: which of identity and resource had to allow.
    let resource_bounds =
        facts.resource_policy_required || !facts.same_account || !facts.has_identity_side;
    if facts.has_identity_side {
        let identity_needed = !facts.same_account || !resource_grants;
        if identity_needed && !identity_allows {
            missing_allows.push("identity".to_string());
        }
    }
    let resource_missing = if facts.has_identity_side {
        !resource_allows
    } else {
        !resource_grants
    };
    if resource_bounds && resource_missing {
        missing_allows.push("resource".to_string());
    }
    EvaluatedDecision {
        decision: Decision::ImplicitDeny,
        explanation: Explanation {
            deciding_statements: Vec::new(),
            missing_allows,
            ..Explanation::default()
        },
    }
}

/// Decides a request under one policy judged alone (`iamz eval --policy`):
/// ExplicitDeny when a Deny applies, Allow when an Allow applies, else
/// ImplicitDeny; with every aspect a comparison looks at.
pub fn evaluate_alone(
    alone: &PolicyAlone<'_>,
    request: &ConcreteRequest,
) -> (EvaluatedDecision, AspectValues<bool>) {
    let interpretation = ConcreteInterpretation::new(request);
    let outcome = alone.outcome(&interpretation, true);
    // The aspects as every query reads them (calls that need no permission
    // included); the statements for the explanation.
    let aspects = alone.aspects(&interpretation);
    let free = aspects.access && !aspects_of_outcome(&interpretation, &outcome).access;
    let statements_of = |effect: Effect| {
        outcome
            .statements
            .iter()
            .filter(|statement| statement.effect == effect && statement.applies)
            .map(|statement| {
                let policy = alone.layer.policies[statement.policy];
                StatementReference {
                    layer: alone.layer.name.clone(),
                    policy: policy.name.clone(),
                    statement: policy.statements[statement.statement].label(),
                }
            })
            .collect::<Vec<_>>()
    };
    let decision = if aspects.explicit_deny {
        EvaluatedDecision {
            decision: Decision::ExplicitDeny,
            explanation: Explanation {
                deciding_statements: statements_of(Effect::Deny),
                missing_allows: Vec::new(),
                ..Explanation::default()
            },
        }
    } else if aspects.access {
        EvaluatedDecision {
            decision: Decision::Allow,
            explanation: Explanation {
                needs_no_permission: free,
                deciding_statements: statements_of(Effect::Allow),
                missing_allows: Vec::new(),
                ..Explanation::default()
            },
        }
    } else {
        EvaluatedDecision {
            decision: Decision::ImplicitDeny,
            explanation: Explanation {
                deciding_statements: Vec::new(),
                missing_allows: vec![alone.layer.name.clone()],
                ..Explanation::default()
            },
        }
    };
    (decision, aspects)
}
