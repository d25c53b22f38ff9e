//! The smallest change that lets a denied request through, checked.
//!
//! One change at a time, each chosen against the decision of the setup
//! with the changes before it applied:
//! - an explicit Deny: first the request values that make one of its
//!   conditions false (`aws:SecureTransport` true: sent over HTTPS), for
//!   keys a caller sets (not those AWS derives from the principal, the
//!   resource or the organization); then a condition added to the Deny that
//!   leaves out exactly this principal; removing the Deny only last;
//! - an implicit deny: for each layer that had to allow and did not, one
//!   statement allowing exactly this request (the catalog's action name,
//!   the request's resource ARN, and where the policy names principals the
//!   requester's own entry: its user, role, session, root, service or
//!   provider — `*` only for an anonymous caller).
//!
//! Every candidate is judged by the reference evaluator on the modified
//! setup (`eval::evaluate`), and the plan as a whole is replayed from the
//! original setup: `checked` says the evaluator then allows the request.
//! Nothing here decides anything on its own.

use crate::catalog::Catalog;
use crate::eval::{evaluate, ConcreteInterpretation, Decision, EvaluatedDecision};
use crate::policy::{parse_policy, BaseOperator, Condition, PolicyDocument, PolicyKind, Statement};
use crate::request::{ConcreteRequest, PrincipalKind};
use crate::semantics::condition::condition_holds;
use crate::semantics::service_rules::{is_role_arn, RefusalRule};
use crate::semantics::{Applicability, Layer, LayerRole, Setup};
use serde::Serialize;
use serde_json::{json, Value};
use std::collections::BTreeMap;

/// The Sid of every proposed statement.
pub const PROPOSED_SID: &str = "AllowThisRequest";

/// What a change does.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "change", rename_all = "kebab-case")]
pub enum Edit {
    /// Add this statement to the policy (or as a new policy).
    AddStatement { statement: Value },
    /// Send the request with these values of a key (`None`: without the
    /// key), so that the Deny's condition does not hold; no policy changes.
    SendRequestWith {
        statement: String,
        key: String,
        values: Option<Vec<String>>,
    },
    /// Add this condition to the Deny statement, so that it leaves out this
    /// request.
    AddCondition { statement: String, condition: Value },
    /// Remove the Deny statement: only when nothing narrower works.
    RemoveStatement { statement: String },
}

/// One proposed change.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ProposedChange {
    /// The layer changed (`identity`, `boundary`, `scp:prod`, `resource`…);
    /// for a change of the request, the layer of the Deny it avoids.
    pub layer: String,
    /// The policy changed; `None` for a new policy.
    pub policy: Option<String>,
    #[serde(flatten)]
    pub edit: Edit,
    /// One sentence for people.
    pub summary: String,
    #[serde(skip)]
    target: Target,
}

/// Where a change applies, by position in the setup it was chosen for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
struct Target {
    /// `None`: a resource layer the setup did not have.
    layer: Option<usize>,
    /// `None`: a new policy in the layer.
    policy: Option<usize>,
    statement: Option<usize>,
}

/// The changes, and what the evaluator says with all of them applied.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ChangePlan {
    pub changes: Vec<ProposedChange>,
    /// With every change applied to the original setup and request, the
    /// reference evaluator allows the request.
    pub checked: bool,
    /// The evaluator's decision with every change applied.
    pub decision_after: Decision,
    /// What no change was found for.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub unresolved: Vec<String>,
    /// AWS refuses the call whatever the policies say (once the changes
    /// before it are made): no policy change helps.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refused_by: Option<RefusalRule>,
    /// What the changes allow beyond this request (`what_else`; `None`
    /// until asked, and when no change edits a policy).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub also_allows: Option<super::what_else::AlsoAllowed>,
}

/// A setup and a request with changes applied: the layers a change touched
/// hold their own copies of their policies.
pub(super) struct Patched<'s, 'p> {
    base: &'s Setup<'p>,
    layers: BTreeMap<usize, Vec<PolicyDocument>>,
    new_resource_layer: Option<Vec<PolicyDocument>>,
    request: ConcreteRequest,
}

impl<'s, 'p> Patched<'s, 'p> {
    fn new(base: &'s Setup<'p>, request: &ConcreteRequest) -> Self {
        Patched {
            base,
            layers: BTreeMap::new(),
            new_resource_layer: None,
            request: request.clone(),
        }
    }

    /// The plan's changes applied, in order, to `base` and `request`;
    /// `None` when one of them no longer applies.
    pub(super) fn replayed(
        base: &'s Setup<'p>,
        request: &ConcreteRequest,
        changes: &[ProposedChange],
    ) -> Option<Self> {
        let mut replayed = Patched::new(base, request);
        for change in changes {
            let kind = change_kind(&replayed, change);
            replayed.apply(change, kind).ok()?;
        }
        Some(replayed)
    }

    pub(super) fn setup(&self) -> Setup<'_> {
        let mut layers: Vec<Layer<'_>> = self.base.layers.clone();
        for (index, documents) in &self.layers {
            layers[*index].policies = documents.iter().collect();
        }
        if let Some(documents) = &self.new_resource_layer {
            layers.push(Layer {
                name: "resource".to_string(),
                role: LayerRole::ResourcePolicy,
                policies: documents.iter().collect(),
                applicability: Applicability::Always,
            });
        }
        Setup::new(layers, self.base.facts.clone())
    }

    fn evaluate(&self) -> EvaluatedDecision {
        evaluate(&self.setup(), &self.request)
    }

    /// The documents of a layer, copied on first change.
    fn documents(&mut self, layer: Option<usize>) -> &mut Vec<PolicyDocument> {
        match layer {
            Some(index) => self.layers.entry(index).or_insert_with(|| {
                self.base.layers[index]
                    .policies
                    .iter()
                    .map(|policy| (*policy).clone())
                    .collect()
            }),
            None => self.new_resource_layer.get_or_insert_with(Vec::new),
        }
    }

    fn apply(&mut self, change: &ProposedChange, kind: PolicyKind) -> Result<(), String> {
        let target = change.target;
        match &change.edit {
            Edit::SendRequestWith { key, values, .. } => {
                match values {
                    Some(values) => self
                        .request
                        .context
                        .set(key, values.clone(), values.len() > 1),
                    None => {
                        self.request.context.remove(key);
                    }
                }
                Ok(())
            }
            Edit::AddStatement { statement } => {
                let parsed = parse_one_statement(statement, kind)?;
                let documents = self.documents(target.layer);
                match target.policy.and_then(|index| documents.get_mut(index)) {
                    Some(document) => {
                        let mut added = parsed.statements[0].clone();
                        added.index = document.statements.len();
                        document.statements.push(added);
                    }
                    None => documents.push(parsed),
                }
                Ok(())
            }
            Edit::AddCondition { condition, .. } => {
                let conditions = parse_conditions(condition)?;
                let statement = self.statement_mut(target)?;
                for added in conditions {
                    match statement.conditions.iter_mut().find(|existing| {
                        existing.operator == added.operator
                            && existing.key_lowercase == added.key_lowercase
                    }) {
                        Some(existing) => existing.values.extend(added.values),
                        None => statement.conditions.push(added),
                    }
                }
                Ok(())
            }
            Edit::RemoveStatement { .. } => {
                let (policy, statement) = (target.policy, target.statement);
                let document = policy
                    .and_then(|index| self.documents(target.layer).get_mut(index))
                    .ok_or("the policy is gone")?;
                let index = statement.ok_or("no statement named")?;
                if index >= document.statements.len() {
                    return Err("the statement is gone".to_string());
                }
                document.statements.remove(index);
                Ok(())
            }
        }
    }

    fn statement_mut(&mut self, target: Target) -> Result<&mut Statement, String> {
        let documents = self.documents(target.layer);
        target
            .policy
            .and_then(|index| documents.get_mut(index))
            .and_then(|document| {
                target
                    .statement
                    .and_then(|index| document.statements.get_mut(index))
            })
            .ok_or_else(|| "the statement is gone".to_string())
    }
}

/// The policy type of a layer's policies, for parsing what is added.
fn kind_of(role: LayerRole, request: &ConcreteRequest) -> PolicyKind {
    match role {
        LayerRole::Identity => PolicyKind::Identity,
        LayerRole::PermissionsBoundary => PolicyKind::Boundary,
        LayerRole::SessionPolicy => PolicyKind::Session,
        LayerRole::ServiceControlPolicies => PolicyKind::Scp,
        LayerRole::ResourceControlPolicies => PolicyKind::Rcp,
        LayerRole::VpcEndpointPolicy => PolicyKind::Endpoint,
        LayerRole::ResourcePolicy if is_role_arn(&request.resource) => PolicyKind::Trust,
        LayerRole::ResourcePolicy => PolicyKind::Resource,
    }
}

fn parse_one_statement(statement: &Value, kind: PolicyKind) -> Result<PolicyDocument, String> {
    let text = json!({"Version": "2012-10-17", "Statement": [statement]}).to_string();
    let mut document = parse_policy(&text, PROPOSED_SID, Some(kind))
        .map_err(|error| error.to_string())?
        .document;
    document.name = PROPOSED_SID.to_string();
    Ok(document)
}

fn parse_conditions(condition: &Value) -> Result<Vec<Condition>, String> {
    let text = json!({"Version": "2012-10-17", "Statement": [
        {"Effect": "Deny", "Action": "*", "Resource": "*", "Condition": condition}
    ]})
    .to_string();
    let document = parse_policy(&text, "condition", Some(PolicyKind::Identity))
        .map_err(|error| error.to_string())?
        .document;
    Ok(document
        .statements
        .into_iter()
        .next()
        .map(|statement| statement.conditions)
        .unwrap_or_default())
}

/// The action as the catalog spells it (`s3:GetObject`), else as given.
fn catalog_action_name(action: &str) -> String {
    Catalog::get()
        .action(action)
        .map(|found| found.full_name().to_string())
        .unwrap_or_else(|| action.to_string())
}

/// The Principal values that name this requester, narrowest first, and
/// how a summary says each.
fn principal_candidates(request: &ConcreteRequest) -> Vec<(Value, String)> {
    let principal = &request.principal;
    let aws = |arn: &str| (json!({"AWS": arn}), arn.to_string());
    match principal.kind {
        PrincipalKind::IamUser | PrincipalKind::FederatedUser => vec![aws(&principal.text)],
        PrincipalKind::AccountRoot => vec![aws(&principal.text)],
        // The role first: a session ARN lasts only as long as the session.
        PrincipalKind::RoleSession => principal
            .role_arn
            .iter()
            .chain(principal.session_arn.iter())
            .map(|arn| aws(arn))
            .collect(),
        PrincipalKind::Service => vec![(
            json!({"Service": principal.text}),
            format!("the service {}", principal.text),
        )],
        PrincipalKind::FederatedProvider => vec![(
            json!({"Federated": principal.text}),
            format!("the provider {}", principal.text),
        )],
        PrincipalKind::Anonymous => vec![(
            json!("*"),
            "everyone (`*`: an anonymous caller has no other name)".to_string(),
        )],
    }
}

fn layer_description(layer: &Layer<'_>) -> String {
    match layer.role {
        LayerRole::Identity => "the principal's identity policies".to_string(),
        LayerRole::PermissionsBoundary => "the permissions boundary".to_string(),
        LayerRole::SessionPolicy => "the session policy".to_string(),
        LayerRole::ServiceControlPolicies => format!("the SCPs at {}", layer.name),
        LayerRole::ResourceControlPolicies => format!("the RCPs at {}", layer.name),
        LayerRole::VpcEndpointPolicy => "the VPC endpoint policy".to_string(),
        LayerRole::ResourcePolicy => "the resource's policy".to_string(),
    }
}

/// Statements proposed for a layer that lacked an Allow, each with its
/// summary, narrowest first.
fn allow_candidates(
    setup: &Setup<'_>,
    layer_index: Option<usize>,
    layer_name: &str,
    request: &ConcreteRequest,
) -> Vec<ProposedChange> {
    let role = layer_index.map_or(LayerRole::ResourcePolicy, |index| setup.layers[index].role);
    let kind = kind_of(role, request);
    let action = catalog_action_name(&request.action);
    // Layers of one policy get the statement in that policy; identity
    // policies, SCPs and RCPs get a new policy.
    let existing = layer_index.and_then(|index| {
        let layer = &setup.layers[index];
        let single = matches!(
            layer.role,
            LayerRole::PermissionsBoundary
                | LayerRole::SessionPolicy
                | LayerRole::VpcEndpointPolicy
                | LayerRole::ResourcePolicy
        );
        (single && !layer.policies.is_empty()).then(|| (0, layer.policies[0].name.clone()))
    });
    let mut statement = json!({"Sid": PROPOSED_SID, "Effect": "Allow", "Action": action});
    if kind != PolicyKind::Trust {
        statement["Resource"] = json!(request.resource);
    }
    let principals = if kind.names_principals() {
        principal_candidates(request)
            .into_iter()
            .map(|(value, said)| (Some(value), format!(" for {said}")))
            .collect()
    } else {
        vec![(None, String::new())]
    };
    let where_ = match (&existing, layer_index) {
        (Some((_, name)), Some(index)) => format!(
            "add to {} (`{name}`)",
            layer_description(&setup.layers[index])
        ),
        (None, Some(index)) => match setup.layers[index].role {
            LayerRole::Identity => "attach to the principal a new identity policy".to_string(),
            LayerRole::ServiceControlPolicies => format!("attach at {layer_name} a new SCP"),
            LayerRole::ResourceControlPolicies => format!("attach at {layer_name} a new RCP"),
            _ => format!("give {} a policy", layer_description(&setup.layers[index])),
        },
        (_, None) => "give the resource a policy".to_string(),
    };
    principals
        .into_iter()
        .map(|(principal, said)| {
            let mut statement = statement.clone();
            if let Some(principal) = principal {
                statement["Principal"] = principal;
            }
            let resource = if kind == PolicyKind::Trust {
                String::new()
            } else {
                format!(" on {}", request.resource)
            };
            ProposedChange {
                layer: layer_name.to_string(),
                policy: existing.as_ref().map(|(_, name)| name.clone()),
                summary: format!("{where_}: allow {action}{resource}{said}"),
                edit: Edit::AddStatement { statement },
                target: Target {
                    layer: layer_index,
                    policy: existing.as_ref().map(|(index, _)| *index),
                    statement: None,
                },
            }
        })
        .collect()
}

/// Keys a caller cannot set: AWS derives them from who asks, for what and
/// where the two sit in the organization.
fn derived_by_aws(key_lowercase: &str, derived: &[String]) -> bool {
    const PREFIXES: [&str; 6] = [
        "aws:principal",
        "aws:resource",
        "aws:username",
        "aws:userid",
        "s3:existingobjecttag/",
        "aws:sourceidentity",
    ];
    derived.iter().any(|name| name == key_lowercase)
        || PREFIXES
            .iter()
            .any(|prefix| key_lowercase.starts_with(prefix))
}

/// Keys every request carries: sending one without it is no option.
const ALWAYS_PRESENT: [&str; 5] = [
    "aws:securetransport",
    "aws:currenttime",
    "aws:epochtime",
    "aws:requestedregion",
    "aws:sourceip",
];

/// Values of a key that may make a condition false, to be checked.
fn candidate_values(condition: &Condition, request: &ConcreteRequest) -> Vec<Option<Vec<String>>> {
    let lookup = |key: &str| request.context.first_value(key);
    let policy_values: Vec<String> = condition
        .values
        .iter()
        .filter_map(|value| value.template.resolve_to_string(&lookup))
        .collect();
    let mut candidates = Vec::new();
    match condition.operator.base {
        BaseOperator::Bool => {
            for value in &policy_values {
                let opposite = if value.eq_ignore_ascii_case("true") {
                    "false"
                } else {
                    "true"
                };
                candidates.push(Some(vec![opposite.to_string()]));
            }
        }
        BaseOperator::Null => {
            if policy_values.iter().any(|value| value == "false") {
                candidates.push(None);
            }
        }
        BaseOperator::IpAddress | BaseOperator::NotIpAddress => {
            for value in &policy_values {
                let address = value.split('/').next().unwrap_or(value);
                candidates.push(Some(vec![address.to_string()]));
            }
        }
        _ => {
            for value in &policy_values {
                let concrete: String = value
                    .chars()
                    .filter(|character| *character != '*')
                    .map(|character| if character == '?' { 'x' } else { character })
                    .collect();
                candidates.push(Some(vec![concrete]));
            }
        }
    }
    if !ALWAYS_PRESENT.contains(&condition.key_lowercase.as_str()) {
        candidates.push(None);
    }
    candidates.dedup();
    candidates
}

/// How a summary says "the request sent with these values".
pub fn describe_request_value(key: &str, values: &Option<Vec<String>>) -> String {
    let Some(values) = values else {
        return format!("sent without {key}");
    };
    let value = values.join(", ");
    match key.to_ascii_lowercase().as_str() {
        "aws:securetransport" if value.eq_ignore_ascii_case("true") => {
            format!("sent over HTTPS: {key} {value}")
        }
        "aws:securetransport" => format!("sent over plain HTTP: {key} {value}"),
        "aws:multifactorauthpresent" if value.eq_ignore_ascii_case("true") => {
            format!("signed with MFA-authenticated credentials: {key} {value}")
        }
        "aws:sourceip" => format!("sent from {value}: {key} {value}"),
        "aws:requestedregion" => format!("sent to the region {value}: {key} {value}"),
        "aws:sourcevpce" => format!("sent through the VPC endpoint {value}: {key} {value}"),
        "aws:sourcevpc" => format!("sent from the VPC {value}: {key} {value}"),
        _ => format!("sent with {key} {value}"),
    }
}

/// A statement of the setup, by position.
#[derive(Debug, Clone, Copy)]
struct StatementAt {
    layer: usize,
    policy: usize,
    statement: usize,
}

/// The first applicable Deny of the setup, as `decide` found it.
fn first_applicable_deny(setup: &Setup<'_>, request: &ConcreteRequest) -> Option<StatementAt> {
    let interpretation = ConcreteInterpretation::new(request);
    let (terms, _) = setup.decide_with_statements(&interpretation);
    terms
        .layer_outcomes
        .iter()
        .enumerate()
        .filter(|(_, outcome)| outcome.applies)
        .find_map(|(layer, outcome)| {
            outcome
                .statements
                .iter()
                .find(|statement| {
                    statement.effect == crate::policy::Effect::Deny && statement.applies
                })
                .map(|statement| StatementAt {
                    layer,
                    policy: statement.policy,
                    statement: statement.statement,
                })
        })
}

/// Whether the statement at `at` still applies.
fn still_applies(setup: &Setup<'_>, request: &ConcreteRequest, at: StatementAt) -> bool {
    let interpretation = ConcreteInterpretation::new(request);
    let (terms, _) = setup.decide_with_statements(&interpretation);
    terms.layer_outcomes[at.layer].applies
        && terms.layer_outcomes[at.layer]
            .statements
            .iter()
            .any(|outcome| {
                outcome.policy == at.policy && outcome.statement == at.statement && outcome.applies
            })
}

/// The narrowest change that makes the Deny at `at` leave the request out.
fn lift_deny(patched: &Patched<'_, '_>, at: StatementAt) -> Option<ProposedChange> {
    let setup = patched.setup();
    let layer = &setup.layers[at.layer];
    let policy = layer.policies[at.policy];
    let statement = &policy.statements[at.statement];
    let request = &patched.request;
    let kind = kind_of(layer.role, request);
    let label = statement.label();
    let target = Target {
        layer: Some(at.layer),
        policy: Some(at.policy),
        statement: Some(at.statement),
    };
    let change = |edit: Edit, summary: String| ProposedChange {
        layer: layer.name.clone(),
        policy: Some(policy.name.clone()),
        edit,
        summary,
        target,
    };
    let works = |candidate: &ProposedChange| {
        let mut trial = Patched {
            base: patched.base,
            layers: patched.layers.clone(),
            new_resource_layer: patched.new_resource_layer.clone(),
            request: patched.request.clone(),
        };
        trial.apply(candidate, kind).is_ok() && !still_applies(&trial.setup(), &trial.request, at)
    };
    // 1. The request: a value of a key the caller sets that makes one of
    // the Deny's conditions false.
    let derived: Vec<String> = setup
        .facts
        .derived_keys
        .derive_from_principal_and_resource(request)
        .into_iter()
        .map(|key| key.name_lowercase.into_owned())
        .collect();
    for condition in &statement.conditions {
        if derived_by_aws(&condition.key_lowercase, &derived) {
            continue;
        }
        for values in candidate_values(condition, request) {
            let mut modified = request.clone();
            match &values {
                Some(values) => {
                    modified
                        .context
                        .set(&condition.key, values.clone(), values.len() > 1)
                }
                None => {
                    modified.context.remove(&condition.key);
                }
            }
            if condition_holds(&ConcreteInterpretation::new(&modified), condition) {
                continue;
            }
            let said = describe_request_value(&condition.key, &values);
            let candidate = change(
                Edit::SendRequestWith {
                    statement: label.clone(),
                    key: condition.key.clone(),
                    values,
                },
                format!(
                    "the request {said}: then {} `{}` statement {label} does not apply (no policy changes)",
                    layer.name, policy.name
                ),
            );
            if works(&candidate) {
                return Some(candidate);
            }
        }
    }
    // 2. The Deny leaves out exactly this principal.
    let principal = &request.principal;
    let exception = match (principal.principal_arn(), principal.kind) {
        (Some(arn), _) => Some((
            json!({"ArnNotEquals": {"aws:PrincipalArn": arn}}),
            format!("aws:PrincipalArn {arn}"),
        )),
        (None, PrincipalKind::Service) => Some((
            json!({"StringNotEquals": {"aws:PrincipalServiceName": principal.text}}),
            format!("aws:PrincipalServiceName {}", principal.text),
        )),
        _ => None,
    };
    if let Some((condition, said)) = exception {
        let candidate = change(
            Edit::AddCondition {
                statement: label.clone(),
                condition,
            },
            format!(
                "add to {} `{}` statement {label} an exception for {said}",
                layer.name, policy.name
            ),
        );
        if works(&candidate) {
            return Some(candidate);
        }
    }
    // 3. Last: the Deny goes.
    let candidate = change(
        Edit::RemoveStatement {
            statement: label.clone(),
        },
        format!(
            "remove {} `{}` statement {label} (nothing narrower leaves this request out)",
            layer.name, policy.name
        ),
    );
    works(&candidate).then_some(candidate)
}

/// Changes proposed at most: a setup has a few layers, each needing one.
const MAX_CHANGES: usize = 16;

/// The kind of policy a change edits, in the setup it was chosen for.
fn change_kind(patched: &Patched<'_, '_>, change: &ProposedChange) -> PolicyKind {
    let role = change
        .target
        .layer
        .map_or(LayerRole::ResourcePolicy, |index| {
            patched.base.layers[index].role
        });
    kind_of(role, &patched.request)
}

/// The smallest change per blocking layer, checked; `None` when the request
/// is allowed.
pub fn smallest_change(
    setup: &Setup<'_>,
    request: &ConcreteRequest,
    evaluated: &EvaluatedDecision,
) -> Option<ChangePlan> {
    if evaluated.decision == Decision::Allow {
        return None;
    }
    let mut patched = Patched::new(setup, request);
    let mut changes: Vec<ProposedChange> = Vec::new();
    let mut unresolved = Vec::new();
    let mut refused_by = None;
    while changes.len() < MAX_CHANGES {
        let decided = patched.evaluate();
        let next = match decided.decision {
            Decision::Allow => break,
            Decision::ExplicitDeny => {
                let modified = patched.setup();
                let Some(at) = first_applicable_deny(&modified, &patched.request) else {
                    break;
                };
                let found = lift_deny(&patched, at);
                if found.is_none() {
                    let layer = &modified.layers[at.layer];
                    let policy = layer.policies[at.policy];
                    unresolved.push(format!(
                        "{} `{}` statement {}: no change found that leaves this request out",
                        layer.name,
                        policy.name,
                        policy.statements[at.statement].label()
                    ));
                }
                found
            }
            Decision::ImplicitDeny => {
                if let Some(rule) = decided.explanation.refused_by {
                    refused_by = Some(rule);
                    unresolved.push(match rule {
                        // A policy that is no longer public is no longer
                        // restricted: the way out is the bucket policy's.
                        crate::semantics::service_rules::RefusalRule::S3RestrictPublicBuckets => format!(
                            "{}: grant {} by name in the bucket policy and limit its `\"*\"` statements (aws:PrincipalOrgID, aws:SourceVpce, … with fixed values) so that the policy is not public, or turn RestrictPublicBuckets off for the bucket and its account",
                            rule.describe(),
                            request.principal.written()
                        ),
                        _ => format!("no policy change helps: {}", rule.describe()),
                    });
                    break;
                }
                let mut found = None;
                for layer_name in &decided.explanation.missing_allows {
                    let layer_index = setup
                        .layers
                        .iter()
                        .position(|layer| &layer.name == layer_name);
                    if layer_index.is_none() && layer_name != "resource" {
                        continue;
                    }
                    let candidates = allow_candidates(setup, layer_index, layer_name, request);
                    found = candidates.into_iter().find(|candidate| {
                        let mut trial = Patched {
                            base: patched.base,
                            layers: patched.layers.clone(),
                            new_resource_layer: patched.new_resource_layer.clone(),
                            request: patched.request.clone(),
                        };
                        let kind = change_kind(&trial, candidate);
                        trial.apply(candidate, kind).is_ok() && {
                            let after = trial.evaluate();
                            after.decision != Decision::ImplicitDeny
                                || !after.explanation.missing_allows.contains(layer_name)
                        }
                    });
                    match &found {
                        Some(_) => break,
                        None => unresolved.push(format!(
                            "{layer_name}: no statement allowing exactly this request lets it through"
                        )),
                    }
                }
                found
            }
        };
        let Some(change) = next else { break };
        let kind = change_kind(&patched, &change);
        if patched.apply(&change, kind).is_err() {
            break;
        }
        changes.push(change);
    }
    // The plan replayed on the original setup and request.
    let replayed = Patched::replayed(setup, request, &changes);
    let decision_after = replayed
        .as_ref()
        .map_or(evaluated.decision, |replayed| replayed.evaluate().decision);
    unresolved.dedup();
    Some(ChangePlan {
        checked: replayed.is_some() && decision_after == Decision::Allow,
        decision_after,
        changes,
        unresolved,
        refused_by,
        also_allows: None,
    })
}
