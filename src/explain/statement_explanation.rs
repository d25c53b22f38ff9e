//! Why one statement applied to a concrete request or not, element by
//! element: which action and resource patterns matched (variables shown
//! substituted), which principal entries named the requester and how
//! strongly, and each condition with the key's request values against the
//! policy values.
//!
//! Every answer is read from the shared semantics under the concrete
//! interpretation (`semantics::statement`, `semantics::condition`,
//! `semantics::principal` and the interpretation's atoms): nothing here
//! matches a pattern or compares a value itself. Whether the statement as a
//! whole applied is taken from `decide`'s own statement outcome.

use crate::eval::ConcreteInterpretation;
use crate::policy::template::joined;
use crate::policy::template::Template;
use crate::policy::{PrincipalClause, PrincipalEntry, ResourcePattern, Statement};
use crate::request::ConcreteRequest;
use crate::semantics::condition::condition_holds;
use crate::semantics::derived_keys::{is_s3_bucket, is_s3_object};
use crate::semantics::principal::{entry_matches, excluded};
use crate::semantics::statement::{
    action_clause_matches, principal_clause_matches, resource_clause_matches,
};
use crate::semantics::{Interpretation, PrincipalMatchStrength};
use serde::Serialize;

/// One pattern of an Action or Resource element.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PatternOutcome {
    /// As written.
    pub pattern: String,
    /// With policy variables substituted from the request (only for a
    /// pattern that has variables; `None` inside when a variable's key is
    /// absent, and the pattern then matches nothing).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub substituted: Option<Option<String>>,
    pub matches: bool,
}

/// An Action/NotAction or Resource/NotResource element.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ClauseOutcome {
    /// NotAction / NotResource.
    pub negated: bool,
    /// The element as a whole matches the request (after negation).
    pub matches: bool,
    pub patterns: Vec<PatternOutcome>,
    /// A likely mistake: the bucket ARN where the object ARN was needed, or
    /// the reverse.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
}

/// How strongly a principal entry names the requester.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum MatchStrength {
    /// Names the principal itself (user, session, federated user, root,
    /// `*`): not limited by a boundary or session policy in one account.
    Exactly,
    /// Names the principal's role (or its service, its provider): a grant
    /// still bounded by the principal's boundary and session policy.
    ThroughTheRole,
    /// Names the principal's account: delegates to the account's identity
    /// policies and grants nothing by itself.
    ThroughTheAccount,
}

impl MatchStrength {
    fn of(strength: PrincipalMatchStrength) -> MatchStrength {
        match strength {
            PrincipalMatchStrength::Exact => MatchStrength::Exactly,
            PrincipalMatchStrength::Grant => MatchStrength::ThroughTheRole,
            PrincipalMatchStrength::Delegation => MatchStrength::ThroughTheAccount,
        }
    }

    pub fn describe(self) -> &'static str {
        match self {
            MatchStrength::Exactly => "names the principal exactly",
            MatchStrength::ThroughTheRole => {
                "names the principal through its role (or service, provider): bounded by its boundary and session policy"
            }
            MatchStrength::ThroughTheAccount => {
                "names the principal's account: delegates to its identity policies, grants nothing by itself"
            }
        }
    }
}

/// One entry of a Principal or NotPrincipal element.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PrincipalEntryOutcome {
    pub entry: String,
    /// How strongly it names the requester; `None` when it does not.
    pub strength: Option<MatchStrength>,
}

/// A Principal or NotPrincipal element.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PrincipalOutcome {
    pub negated: bool,
    /// The element covers the requester at the strength the layer needs.
    pub matches: bool,
    pub entries: Vec<PrincipalEntryOutcome>,
    /// For NotPrincipal: the list excludes the requester.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub excludes_requester: Option<bool>,
}

/// One policy value of a condition.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PolicyValueOutcome {
    pub value: String,
    /// With variables substituted (only for a value that has variables;
    /// `None` inside when a variable's key is absent).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub substituted: Option<Option<String>>,
}

/// One condition entry (`operator: {key: values}`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ConditionOutcome {
    pub operator: String,
    pub key: String,
    /// The key's values in the request; `None` when the key is absent.
    pub request_values: Option<Vec<String>>,
    pub policy_values: Vec<PolicyValueOutcome>,
    pub holds: bool,
}

/// Which element kept a statement from applying.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case", tag = "element", content = "key")]
pub enum Element {
    Action,
    Resource,
    Principal,
    /// A condition, by its key.
    Condition(String),
}

impl Element {
    pub fn describe(&self) -> String {
        match self {
            Element::Action => "action".to_string(),
            Element::Resource => "resource".to_string(),
            Element::Principal => "principal".to_string(),
            Element::Condition(key) => format!("condition on {key}"),
        }
    }
}

/// One statement, element by element.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StatementExplanation {
    pub policy: String,
    /// The Sid, or `#index`.
    pub statement: String,
    pub effect: &'static str,
    /// As `decide` computed it.
    pub applies: bool,
    /// The elements that did not match, in the order AWS reads them (the
    /// first decided).
    pub not_matched: Vec<Element>,
    pub action: ClauseOutcome,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resource: Option<ClauseOutcome>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub principal: Option<PrincipalOutcome>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub conditions: Vec<ConditionOutcome>,
}

/// The text of a principal entry as a policy writes it.
pub fn entry_text(entry: &PrincipalEntry) -> String {
    match entry {
        PrincipalEntry::Everyone => "*".to_string(),
        PrincipalEntry::Account(account) => format!("AWS:{account}"),
        PrincipalEntry::IamUser { arn, .. }
        | PrincipalEntry::Role { arn, .. }
        | PrincipalEntry::RoleSession { arn, .. }
        | PrincipalEntry::FederatedUser { arn, .. } => format!("AWS:{arn}"),
        PrincipalEntry::OtherAws(text) => format!("AWS:{text}"),
        PrincipalEntry::Service(service) => format!("Service:{service}"),
        PrincipalEntry::Federated(provider) => format!("Federated:{provider}"),
        PrincipalEntry::CanonicalUser(id) => format!("CanonicalUser:{id}"),
    }
}

/// A template with the request's values substituted: `None` when it has no
/// variable, `Some(None)` when a variable's key is absent.
fn substituted(template: &Template, request: &ConcreteRequest) -> Option<Option<String>> {
    if template.is_constant() {
        return None;
    }
    let lookup = |key: &str| request.context.first_value(key);
    Some(template.resolve(&lookup).map(|pieces| joined(&pieces)))
}

/// The request with another resource, for the bucket/object hint.
fn with_resource(request: &ConcreteRequest, resource: &str) -> ConcreteRequest {
    let mut other = request.clone();
    other.resource = resource.to_string();
    other
}

/// The hint for a resource pattern that would match the bucket where the
/// request names an object, or an object where it names the bucket.
fn bucket_object_hint(request: &ConcreteRequest, pattern: &ResourcePattern) -> Option<String> {
    let resource = &request.resource;
    if is_s3_object(resource) {
        let bucket = &resource[..resource.find('/')?];
        let alternative = with_resource(request, bucket);
        if ConcreteInterpretation::new(&alternative).resource_matches(pattern) {
            return Some(format!(
                "`{}` names the bucket {bucket}, but the request is on an object in it: object actions need `{bucket}/*` or `{resource}`",
                pattern.text
            ));
        }
    } else if is_s3_bucket(resource) {
        let object = format!("{resource}/example-object");
        let alternative = with_resource(request, &object);
        if ConcreteInterpretation::new(&alternative).resource_matches(pattern) {
            return Some(format!(
                "`{}` names objects in the bucket, but the request is on the bucket {resource} itself: bucket actions need `{resource}`",
                pattern.text
            ));
        }
    }
    None
}

fn action_outcome(
    interpretation: &ConcreteInterpretation<'_>,
    statement: &Statement,
) -> ClauseOutcome {
    let clause = &statement.actions;
    ClauseOutcome {
        negated: clause.negated,
        matches: action_clause_matches(interpretation, statement),
        patterns: clause
            .patterns
            .iter()
            .map(|pattern| PatternOutcome {
                pattern: pattern.text.clone(),
                substituted: None,
                matches: interpretation.action_matches(pattern),
            })
            .collect(),
        hint: None,
    }
}

/// The Resource element; the bucket/object hint only when the action
/// matched (otherwise the resource is not what kept the statement out).
fn resource_outcome(
    interpretation: &ConcreteInterpretation<'_>,
    statement: &Statement,
    action_matches: bool,
) -> Option<ClauseOutcome> {
    let clause = statement.resources.as_ref()?;
    let request = interpretation.request;
    let matches = resource_clause_matches(interpretation, statement);
    let patterns: Vec<PatternOutcome> = clause
        .patterns
        .iter()
        .map(|pattern| PatternOutcome {
            pattern: pattern.text.clone(),
            substituted: substituted(&pattern.template, request),
            matches: interpretation.resource_matches(pattern),
        })
        .collect();
    let hint = if matches || clause.negated || !action_matches {
        None
    } else {
        clause
            .patterns
            .iter()
            .find_map(|pattern| bucket_object_hint(request, pattern))
    };
    Some(ClauseOutcome {
        negated: clause.negated,
        matches,
        patterns,
        hint,
    })
}

fn principal_outcome(
    interpretation: &ConcreteInterpretation<'_>,
    clause: &PrincipalClause,
    weakest: PrincipalMatchStrength,
    principal_has_boundary: bool,
) -> PrincipalOutcome {
    const STRENGTHS: [PrincipalMatchStrength; 3] = [
        PrincipalMatchStrength::Exact,
        PrincipalMatchStrength::Grant,
        PrincipalMatchStrength::Delegation,
    ];
    let entries = clause
        .entries
        .iter()
        .map(|entry| PrincipalEntryOutcome {
            entry: entry_text(entry),
            strength: STRENGTHS
                .iter()
                .find(|strength| entry_matches(interpretation, entry, **strength))
                .map(|strength| MatchStrength::of(*strength)),
        })
        .collect();
    PrincipalOutcome {
        negated: clause.negated,
        matches: principal_clause_matches(
            interpretation,
            Some(clause),
            weakest,
            principal_has_boundary,
        ),
        entries,
        excludes_requester: clause
            .negated
            .then(|| excluded(interpretation, &clause.entries, principal_has_boundary)),
    }
}

/// Explains one statement. `applies` is `decide`'s outcome for it;
/// `weakest` the layer's weakest principal match.
pub fn explain_statement(
    request: &ConcreteRequest,
    policy: &str,
    statement: &Statement,
    applies: bool,
    weakest: PrincipalMatchStrength,
    principal_has_boundary: bool,
) -> StatementExplanation {
    let interpretation = ConcreteInterpretation::new(request);
    let action = action_outcome(&interpretation, statement);
    let resource = resource_outcome(&interpretation, statement, action.matches);
    let principal = statement
        .principals
        .as_ref()
        .map(|clause| principal_outcome(&interpretation, clause, weakest, principal_has_boundary));
    let conditions: Vec<ConditionOutcome> = statement
        .conditions
        .iter()
        .map(|condition| ConditionOutcome {
            operator: condition.operator.name(),
            key: condition.key.clone(),
            request_values: request
                .context
                .get(&condition.key_lowercase)
                .filter(|entry| !entry.values.is_empty())
                .map(|entry| entry.values.clone()),
            policy_values: condition
                .values
                .iter()
                .map(|value| PolicyValueOutcome {
                    value: value.text.clone(),
                    substituted: substituted(&value.template, request),
                })
                .collect(),
            holds: condition_holds(&interpretation, condition),
        })
        .collect();
    let mut not_matched = Vec::new();
    if !action.matches {
        not_matched.push(Element::Action);
    }
    if resource.as_ref().is_some_and(|outcome| !outcome.matches) {
        not_matched.push(Element::Resource);
    }
    if principal.as_ref().is_some_and(|outcome| !outcome.matches) {
        not_matched.push(Element::Principal);
    }
    for condition in &conditions {
        if !condition.holds {
            not_matched.push(Element::Condition(condition.key.clone()));
        }
    }
    StatementExplanation {
        policy: policy.to_string(),
        statement: statement.label(),
        effect: match statement.effect {
            crate::policy::Effect::Allow => "Allow",
            crate::policy::Effect::Deny => "Deny",
        },
        applies,
        not_matched,
        action,
        resource,
        principal,
        conditions,
    }
}
