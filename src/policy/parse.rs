//! JSON text to a typed policy document, with located errors and warnings.
//!
//! Follows the IAM JSON policy grammar
//! (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html):
//! unknown elements, duplicate keys, wrong types, empty lists and mutually
//! exclusive elements are errors, as AWS rejects them; legal but suspicious
//! input (no Version while variables are used, duplicate Sids, Principal in
//! an identity policy, Allow with NotPrincipal) is a warning.

use super::ast::*;
use super::diagnostics::{Diagnostic, PolicyError, SourceLocation};
use super::json::{parse_json, JsonKey, JsonNode, JsonValue, SourcePosition};
use super::kind::PolicyKind;
use super::pattern::{ActionPattern, ResourcePattern};
use super::template::Template;
use std::collections::HashSet;

/// The largest policy text accepted (AWS's own limits are far lower: 6,144
/// characters for a managed policy, 20 KB for a bucket policy).
pub const MAX_POLICY_BYTES: usize = 1 << 20;

/// A document and the warnings found while reading it.
#[derive(Debug, Clone, PartialEq)]
pub struct ParsedPolicy {
    pub document: PolicyDocument,
    pub warnings: Vec<Diagnostic>,
}

/// What the parser does with a statement that lacks an element its policy
/// type requires (a Principal in a resource-based policy).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RequiredElements {
    /// An error, as AWS rejects the policy: what decides requests must
    /// never read a missing Principal as "everyone".
    Enforce,
    /// Left to the caller to report (`validate` lists it as a finding
    /// beside every other problem of the policy).
    Report,
}

/// Parses policy text. `file` names the source in messages and becomes the
/// document name; `kind`, when known, enables kind-specific checks.
pub fn parse_policy(
    text: &str,
    file: &str,
    kind: Option<PolicyKind>,
) -> Result<ParsedPolicy, PolicyError> {
    parse_policy_with(text, file, kind, RequiredElements::Enforce)
}

/// [`parse_policy`], choosing what a missing required element is.
pub fn parse_policy_with(
    text: &str,
    file: &str,
    kind: Option<PolicyKind>,
    required_elements: RequiredElements,
) -> Result<ParsedPolicy, PolicyError> {
    if text.len() > MAX_POLICY_BYTES {
        return Err(PolicyError::TooLarge {
            file: file.to_string(),
            size: text.len(),
            limit: MAX_POLICY_BYTES,
        });
    }
    let root = parse_json(text)
        .map_err(|error| PolicyError::InvalidJson(Diagnostic::invalid_json(file, &error)))?;
    let mut parser = Parser {
        file,
        kind,
        required_elements,
        warnings: Vec::new(),
    };
    let document = parser.document(&root)?;
    Ok(ParsedPolicy {
        document,
        warnings: parser.warnings,
    })
}

/// Parses an already-parsed JSON node (a policy embedded in another file).
pub fn parse_policy_node(
    node: &JsonNode,
    file: &str,
    json_path: &str,
    name: &str,
    kind: Option<PolicyKind>,
) -> Result<ParsedPolicy, PolicyError> {
    let mut parser = Parser {
        file,
        kind,
        required_elements: RequiredElements::Enforce,
        warnings: Vec::new(),
    };
    let mut document = parser.document_at(node, json_path)?;
    document.name = name.to_string();
    Ok(ParsedPolicy {
        document,
        warnings: parser.warnings,
    })
}

struct Parser<'a> {
    file: &'a str,
    kind: Option<PolicyKind>,
    required_elements: RequiredElements,
    warnings: Vec<Diagnostic>,
}

fn child_path(parent: &str, key: &str) -> String {
    if parent.is_empty() {
        key.to_string()
    } else {
        format!("{parent}.{key}")
    }
}

impl Parser<'_> {
    fn location(&self, position: SourcePosition, path: &str) -> SourceLocation {
        SourceLocation {
            file: self.file.to_string(),
            position,
            json_path: path.to_string(),
        }
    }

    fn error(
        &self,
        position: SourcePosition,
        path: &str,
        code: &'static str,
        message: String,
    ) -> PolicyError {
        PolicyError::InvalidPolicy(Diagnostic {
            location: self.location(position, path),
            code,
            message,
        })
    }

    fn warn(&mut self, position: SourcePosition, path: &str, code: &'static str, message: String) {
        let location = self.location(position, path);
        self.warnings.push(Diagnostic {
            location,
            code,
            message,
        });
    }

    /// The members of an object, refusing duplicate keys and keys outside
    /// `allowed` (compared exactly, as AWS does).
    fn members<'n>(
        &self,
        node: &'n JsonNode,
        path: &str,
        what: &str,
        allowed: Option<&[&str]>,
    ) -> Result<&'n [(JsonKey, JsonNode)], PolicyError> {
        let JsonValue::Object(members) = &node.value else {
            return Err(self.error(
                node.position,
                path,
                "wrong-type",
                format!(
                    "expected {what} (a JSON object), found {}",
                    node.value.kind_name()
                ),
            ));
        };
        let mut seen = HashSet::new();
        for (key, _) in members {
            let key_path = child_path(path, &key.text);
            if !seen.insert(key.text.as_str()) {
                return Err(self.error(
                    key.position,
                    &key_path,
                    "duplicate-key",
                    format!("duplicate key `{}`: JSON parsers disagree on which one wins, so iamz refuses it", key.text),
                ));
            }
            if let Some(allowed) = allowed {
                if !allowed.contains(&key.text.as_str()) {
                    let hint = allowed
                        .iter()
                        .find(|name| name.eq_ignore_ascii_case(&key.text))
                        .map(|name| {
                            format!(" (did you mean `{name}`? element names are case-sensitive)")
                        })
                        .unwrap_or_default();
                    return Err(self.error(
                        key.position,
                        &key_path,
                        "unknown-element",
                        format!(
                            "unknown element `{}` in {what}; expected one of: {}{hint}",
                            key.text,
                            allowed.join(", ")
                        ),
                    ));
                }
            }
        }
        Ok(members)
    }

    fn string<'n>(
        &self,
        node: &'n JsonNode,
        path: &str,
        what: &str,
    ) -> Result<&'n str, PolicyError> {
        match &node.value {
            JsonValue::String(text) => Ok(text),
            other => Err(self.error(
                node.position,
                path,
                "wrong-type",
                format!("expected {what} (a string), found {}", other.kind_name()),
            )),
        }
    }

    /// A string or a non-empty array of strings, with each item's path and
    /// position.
    fn string_list<'n>(
        &self,
        node: &'n JsonNode,
        path: &str,
        what: &str,
    ) -> Result<Vec<(&'n str, SourcePosition, String)>, PolicyError> {
        match &node.value {
            JsonValue::String(text) => Ok(vec![(text.as_str(), node.position, path.to_string())]),
            JsonValue::Array(items) => {
                if items.is_empty() {
                    return Err(self.error(
                        node.position,
                        path,
                        "empty-list",
                        format!("{what} must not be an empty list"),
                    ));
                }
                items
                    .iter()
                    .enumerate()
                    .map(|(index, item)| {
                        let item_path = format!("{path}[{index}]");
                        self.string(item, &item_path, what)
                            .map(|text| (text, item.position, item_path))
                    })
                    .collect()
            }
            other => Err(self.error(
                node.position,
                path,
                "wrong-type",
                format!(
                    "expected {what} (a string or an array of strings), found {}",
                    other.kind_name()
                ),
            )),
        }
    }

    fn document(&mut self, root: &JsonNode) -> Result<PolicyDocument, PolicyError> {
        self.document_at(root, "")
    }

    fn document_at(&mut self, root: &JsonNode, path: &str) -> Result<PolicyDocument, PolicyError> {
        let members = self.members(
            root,
            path,
            "a policy document",
            Some(&["Version", "Id", "Statement"]),
        )?;
        let mut version = PolicyVersion::Absent;
        let mut id = None;
        let mut statement_node = None;
        for (key, value) in members {
            let key_path = child_path(path, &key.text);
            match key.text.as_str() {
                "Version" => {
                    version = match self.string(value, &key_path, "the policy language version")? {
                        "2012-10-17" => PolicyVersion::V2012_10_17,
                        "2008-10-17" => PolicyVersion::V2008_10_17,
                        other => {
                            return Err(self.error(
                                value.position,
                                &key_path,
                                "invalid-version",
                                format!("unknown Version `{other}`; expected \"2012-10-17\" (or the legacy \"2008-10-17\")"),
                            ))
                        }
                    }
                }
                "Id" => id = Some(self.string(value, &key_path, "the policy Id")?.to_string()),
                _ => statement_node = Some((key, value)),
            }
        }
        let Some((_, statement_node)) = statement_node else {
            return Err(self.error(
                root.position,
                path,
                "missing-element",
                "a policy document needs a `Statement` element".to_string(),
            ));
        };
        let statement_path = child_path(path, "Statement");
        let statement_nodes: Vec<(&JsonNode, String)> = match &statement_node.value {
            JsonValue::Array(items) => items
                .iter()
                .enumerate()
                .map(|(index, item)| (item, format!("{statement_path}[{index}]")))
                .collect(),
            JsonValue::Object(_) => vec![(statement_node, statement_path.clone())],
            other => {
                return Err(self.error(
                    statement_node.position,
                    &statement_path,
                    "wrong-type",
                    format!(
                        "expected a statement object or an array of them, found {}",
                        other.kind_name()
                    ),
                ))
            }
        };
        if statement_nodes.is_empty() {
            self.warn(
                statement_node.position,
                &statement_path,
                "empty-statement",
                "the policy has no statement: it allows and denies nothing".to_string(),
            );
        }
        let mut statements = Vec::with_capacity(statement_nodes.len());
        let mut sids: HashSet<String> = HashSet::new();
        for (index, (node, statement_path)) in statement_nodes.into_iter().enumerate() {
            let statement = self.statement(node, &statement_path, index, version)?;
            if let Some(sid) = &statement.sid {
                if !sid.is_empty() && !sids.insert(sid.clone()) {
                    self.warn(
                        node.position,
                        &format!("{statement_path}.Sid"),
                        "duplicate-sid",
                        format!("duplicate Sid `{sid}` (AWS rejects this in most policy types)"),
                    );
                }
            }
            statements.push(statement);
        }
        if !version.substitutes_variables() {
            let uses_variables = members
                .iter()
                .any(|(key, value)| key.text == "Statement" && contains_variable(value));
            if uses_variables {
                self.warn(
                    root.position,
                    &child_path(path, "Version"),
                    "variables-without-version",
                    "the policy uses `${…}` but its Version is not 2012-10-17, so AWS treats the variables as literal text".to_string(),
                );
            }
        }
        Ok(PolicyDocument {
            name: self.file.to_string(),
            file: self.file.to_string(),
            version,
            id,
            statements,
        })
    }

    fn statement(
        &mut self,
        node: &JsonNode,
        path: &str,
        index: usize,
        version: PolicyVersion,
    ) -> Result<Statement, PolicyError> {
        const ELEMENTS: &[&str] = &[
            "Sid",
            "Effect",
            "Principal",
            "NotPrincipal",
            "Action",
            "NotAction",
            "Resource",
            "NotResource",
            "Condition",
        ];
        let members = self.members(node, path, "a statement", Some(ELEMENTS))?;
        let find = |name: &str| {
            members
                .iter()
                .find(|(key, _)| key.text == name)
                .map(|(_, value)| value)
        };
        let exclusive = |first: &str, second: &str| -> Result<(), PolicyError> {
            if let (Some(_), Some(second_node)) = (find(first), find(second)) {
                return Err(self.error(
                    second_node.position,
                    &child_path(path, second),
                    "exclusive-elements",
                    format!("a statement may have `{first}` or `{second}`, not both"),
                ));
            }
            Ok(())
        };
        exclusive("Action", "NotAction")?;
        exclusive("Resource", "NotResource")?;
        exclusive("Principal", "NotPrincipal")?;

        let sid = match find("Sid") {
            Some(value) => Some(
                self.string(value, &child_path(path, "Sid"), "the statement Sid")?
                    .to_string(),
            ),
            None => None,
        };
        let effect = match find("Effect") {
            None => {
                return Err(self.error(
                    node.position,
                    path,
                    "missing-element",
                    "a statement needs an `Effect` (\"Allow\" or \"Deny\")".to_string(),
                ))
            }
            Some(value) => {
                let effect_path = child_path(path, "Effect");
                match self.string(value, &effect_path, "the Effect")? {
                    "Allow" => Effect::Allow,
                    "Deny" => Effect::Deny,
                    other => {
                        return Err(self.error(
                            value.position,
                            &effect_path,
                            "invalid-effect",
                            format!("Effect must be \"Allow\" or \"Deny\" (case-sensitive), found \"{other}\""),
                        ))
                    }
                }
            }
        };
        let actions = match (find("Action"), find("NotAction")) {
            (Some(value), _) => self.actions(value, &child_path(path, "Action"), false)?,
            (None, Some(value)) => self.actions(value, &child_path(path, "NotAction"), true)?,
            (None, None) => {
                return Err(self.error(
                    node.position,
                    path,
                    "missing-element",
                    "a statement needs `Action` or `NotAction`".to_string(),
                ))
            }
        };
        let substitute = version.substitutes_variables();
        let resources = match (find("Resource"), find("NotResource")) {
            (Some(value), _) => {
                Some(self.resources(value, &child_path(path, "Resource"), false, substitute)?)
            }
            (None, Some(value)) => {
                Some(self.resources(value, &child_path(path, "NotResource"), true, substitute)?)
            }
            (None, None) => None,
        };
        let principals = match (find("Principal"), find("NotPrincipal")) {
            (Some(value), _) => {
                Some(self.principals(value, &child_path(path, "Principal"), false)?)
            }
            (None, Some(value)) => {
                Some(self.principals(value, &child_path(path, "NotPrincipal"), true)?)
            }
            (None, None) => None,
        };
        let conditions = match find("Condition") {
            Some(value) => self.conditions(value, &child_path(path, "Condition"), substitute)?,
            None => Vec::new(),
        };

        if let (None, Some(kind), RequiredElements::Enforce) =
            (&principals, self.kind, self.required_elements)
        {
            if kind.names_principals() {
                // "You must use the Principal element in resource-based
                // policies" (the Principal element page); endpoint policies
                // too (the VPC endpoint policy page).
                return Err(self.error(
                    node.position,
                    path,
                    "principal-missing",
                    format!("{} {kind} policy statement must name a Principal (or NotPrincipal); AWS rejects the policy without one", if kind == PolicyKind::Endpoint { "an" } else { "a" }),
                ));
            }
        }
        if let Some(clause) = &principals {
            let element = if clause.negated {
                "NotPrincipal"
            } else {
                "Principal"
            };
            let element_node = find(element).unwrap_or(node);
            if clause.negated && effect == Effect::Allow {
                self.warn(
                    element_node.position,
                    &child_path(path, element),
                    "allow-with-not-principal",
                    "Allow with NotPrincipal grants access to every principal not listed, anonymous users included".to_string(),
                );
            }
            if let Some(kind) = self.kind {
                if !kind.names_principals() {
                    self.warn(
                        element_node.position,
                        &child_path(path, element),
                        "principal-in-identity-policy",
                        format!("`{element}` is not allowed in a {kind} policy (AWS rejects it)"),
                    );
                }
            }
        }
        Ok(Statement {
            index,
            sid,
            effect,
            actions,
            resources,
            principals,
            conditions,
            position: node.position,
        })
    }

    fn actions(
        &self,
        node: &JsonNode,
        path: &str,
        negated: bool,
    ) -> Result<ActionClause, PolicyError> {
        let mut patterns = Vec::new();
        for (text, position, item_path) in self.string_list(node, path, "an action")? {
            if text != "*" {
                let valid = text.split_once(':').is_some_and(|(service, name)| {
                    !service.is_empty() && !name.is_empty() && !service.contains(['*', '?'])
                });
                if !valid {
                    return Err(self.error(
                        position,
                        &item_path,
                        "invalid-action",
                        format!("action `{text}` must be `*` or `service:action` (wildcards allowed in the action name only)"),
                    ));
                }
            }
            patterns.push(ActionPattern::new(text));
        }
        Ok(ActionClause { negated, patterns })
    }

    fn resources(
        &self,
        node: &JsonNode,
        path: &str,
        negated: bool,
        substitute: bool,
    ) -> Result<ResourceClause, PolicyError> {
        let mut patterns = Vec::new();
        for (text, position, item_path) in self.string_list(node, path, "a resource ARN")? {
            if text != "*" && !text.starts_with("arn:") {
                return Err(self.error(
                    position,
                    &item_path,
                    "invalid-resource",
                    format!("resource `{text}` must be `*` or an ARN starting with `arn:`"),
                ));
            }
            patterns.push(ResourcePattern::new(text, substitute));
        }
        Ok(ResourceClause { negated, patterns })
    }

    fn principals(
        &self,
        node: &JsonNode,
        path: &str,
        negated: bool,
    ) -> Result<PrincipalClause, PolicyError> {
        if let JsonValue::String(text) = &node.value {
            if text == "*" {
                return Ok(PrincipalClause {
                    negated,
                    entries: vec![PrincipalEntry::Everyone],
                });
            }
            return Err(self.error(
                node.position,
                path,
                "invalid-principal",
                format!("a principal given as a string must be \"*\", found \"{text}\"; use {{\"AWS\": \"{text}\"}} for an account or ARN"),
            ));
        }
        let members = self.members(
            node,
            path,
            "a principal map",
            Some(&["AWS", "Service", "Federated", "CanonicalUser"]),
        )?;
        let mut entries = Vec::new();
        for (key, value) in members {
            let key_path = child_path(path, &key.text);
            for (text, position, item_path) in self.string_list(value, &key_path, "a principal")? {
                let entry = match key.text.as_str() {
                    "AWS" => parse_aws_principal(text).map_err(|message| {
                        self.error(position, &item_path, "invalid-principal", message)
                    })?,
                    "Service" => PrincipalEntry::Service(text.to_ascii_lowercase()),
                    "Federated" => PrincipalEntry::Federated(text.to_string()),
                    _ => PrincipalEntry::CanonicalUser(text.to_string()),
                };
                entries.push(entry);
            }
        }
        if entries.is_empty() {
            return Err(self.error(
                node.position,
                path,
                "empty-list",
                "the principal map names no principal".to_string(),
            ));
        }
        Ok(PrincipalClause { negated, entries })
    }

    fn conditions(
        &self,
        node: &JsonNode,
        path: &str,
        substitute: bool,
    ) -> Result<Vec<Condition>, PolicyError> {
        let mut conditions = Vec::new();
        for (operator_key, block) in self.members(node, path, "a condition block", None)? {
            let operator_path = child_path(path, &operator_key.text);
            let operator = ConditionOperator::parse(&operator_key.text).ok_or_else(|| {
                self.error(
                    operator_key.position,
                    &operator_path,
                    "unknown-operator",
                    match ConditionOperator::spelled_in_another_case(&operator_key.text) {
                        // IAM refuses it too: "Invalid Condition type".
                        Some(meant) => format!(
                            "unknown condition operator `{}`: did you mean `{}`? Operator names are case-sensitive and AWS rejects them in another case",
                            operator_key.text,
                            meant.name()
                        ),
                        None => format!(
                            "unknown condition operator `{}` (operators are case-sensitive; Null takes neither IfExists nor a set qualifier)",
                            operator_key.text
                        ),
                    },
                )
            })?;
            let entries = self.members(
                block,
                &operator_path,
                "a map from condition keys to values",
                None,
            )?;
            let mut keys_seen = HashSet::new();
            for (key, values_node) in entries {
                let key_path = child_path(&operator_path, &key.text);
                if !keys_seen.insert(key.text.to_ascii_lowercase()) {
                    return Err(self.error(
                        key.position,
                        &key_path,
                        "duplicate-key",
                        format!("condition key `{}` appears twice under `{}` (key names are case-insensitive)", key.text, operator_key.text),
                    ));
                }
                let values = self.condition_values(values_node, &key_path, operator, substitute)?;
                conditions.push(Condition {
                    operator,
                    key: key.text.clone(),
                    key_lowercase: key.text.to_ascii_lowercase(),
                    values,
                    position: key.position,
                });
            }
        }
        Ok(conditions)
    }

    fn condition_values(
        &self,
        node: &JsonNode,
        path: &str,
        operator: ConditionOperator,
        substitute: bool,
    ) -> Result<Vec<ConditionValue>, PolicyError> {
        let scalar = |item: &JsonNode, item_path: &str| -> Result<String, PolicyError> {
            match &item.value {
                JsonValue::String(text) => Ok(text.clone()),
                JsonValue::Number(text) => Ok(text.clone()),
                JsonValue::Bool(value) => Ok(value.to_string()),
                other => Err(self.error(
                    item.position,
                    item_path,
                    "wrong-type",
                    format!(
                        "expected a condition value (a string, number or boolean), found {}",
                        other.kind_name()
                    ),
                )),
            }
        };
        let texts: Vec<(String, SourcePosition, String)> = match &node.value {
            JsonValue::Array(items) => {
                if items.is_empty() {
                    return Err(self.error(
                        node.position,
                        path,
                        "empty-list",
                        "a condition key needs at least one value".to_string(),
                    ));
                }
                items
                    .iter()
                    .enumerate()
                    .map(|(index, item)| {
                        let item_path = format!("{path}[{index}]");
                        scalar(item, &item_path).map(|text| (text, item.position, item_path))
                    })
                    .collect::<Result<_, _>>()?
            }
            _ => vec![(scalar(node, path)?, node.position, path.to_string())],
        };
        let substitute = substitute && operator.base.accepts_policy_variables();
        texts
            .into_iter()
            .map(|(text, position, item_path)| {
                if operator.base == BaseOperator::Null && text != "true" && text != "false" {
                    return Err(self.error(
                        position,
                        &item_path,
                        "invalid-condition-value",
                        format!("Null takes \"true\" or \"false\", found \"{text}\""),
                    ));
                }
                Ok(ConditionValue {
                    template: Template::parse(&text, substitute),
                    text,
                })
            })
            .collect()
    }
}

/// An account ID: exactly 12 digits.
pub fn is_account_id(text: &str) -> bool {
    text.len() == 12 && text.bytes().all(|byte| byte.is_ascii_digit())
}

/// An IAM unique ID (`AIDA…` for a user, `AROA…` for a role): AWS shows
/// one in place of the ARN of a principal that was deleted.
fn is_unique_id(text: &str) -> bool {
    text.len() >= 16
        && text.starts_with('A')
        && text[..4].bytes().all(|byte| byte.is_ascii_uppercase())
        && text
            .bytes()
            .all(|byte| byte.is_ascii_uppercase() || byte.is_ascii_digit())
}

/// Classifies a value of `"AWS"` in a Principal element. The shapes are
/// those of the Principal element page
/// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html):
/// `*`, a 12-digit account, `arn:P:iam::A:root`, `arn:P:iam::A:user/…`,
/// `arn:P:iam::A:role/…`, `arn:P:sts::A:assumed-role/R/S`,
/// `arn:P:sts::A:federated-user/N`, or the unique ID AWS shows for a
/// deleted principal. Anything else is refused: a malformed principal
/// matches no request, and a comparison would prove things about nothing.
fn parse_aws_principal(text: &str) -> Result<PrincipalEntry, String> {
    if text == "*" {
        return Ok(PrincipalEntry::Everyone);
    }
    if is_account_id(text) {
        return Ok(PrincipalEntry::Account(text.to_string()));
    }
    if text.bytes().all(|byte| byte.is_ascii_digit()) {
        return Err(format!(
            "principal `{text}` has {} digits; an account ID has exactly 12",
            text.len()
        ));
    }
    if is_unique_id(text) {
        return Ok(PrincipalEntry::OtherAws(text.to_string()));
    }
    let Some(rest) = text.strip_prefix("arn:") else {
        return Err(format!(
            "principal `{text}` is not \"*\", a 12-digit account ID or a principal ARN"
        ));
    };
    let parts: Vec<&str> = rest.splitn(5, ':').collect();
    let [partition, service, region, account, resource] = parts.as_slice() else {
        return Err(format!(
            "principal `{text}` is not an ARN: expected arn:PARTITION:SERVICE::ACCOUNT:RESOURCE (six parts separated by colons)"
        ));
    };
    if text.contains(['*', '?']) {
        return Err(format!(
            "principal `{text}` contains a wildcard; AWS does not allow partial wildcards in principal ARNs (use \"*\" with a condition on aws:PrincipalArn)"
        ));
    }
    if partition.is_empty() || !region.is_empty() || !matches!(*service, "iam" | "sts") {
        return Err(format!(
            "principal `{text}` is not a principal ARN: expected arn:PARTITION:iam::ACCOUNT:… or arn:PARTITION:sts::ACCOUNT:…"
        ));
    }
    if !is_account_id(account) {
        return Err(format!(
            "principal `{text}` names the account `{account}`; an account ID has exactly 12 digits"
        ));
    }
    let named = |prefix: &str, parts: usize| {
        resource.strip_prefix(prefix).is_some_and(|name| {
            let pieces: Vec<&str> = name.rsplitn(parts, '/').collect();
            pieces.len() == parts && pieces.iter().all(|piece| !piece.is_empty())
        })
    };
    let account = account.to_string();
    let arn = text.to_string();
    match (*service, *resource) {
        ("iam", "root") => Ok(PrincipalEntry::Account(account)),
        ("iam", _) if named("user/", 1) => Ok(PrincipalEntry::IamUser { account, arn }),
        ("iam", _) if named("role/", 1) => Ok(PrincipalEntry::Role { account, arn }),
        ("sts", _) if named("assumed-role/", 2) => Ok(PrincipalEntry::RoleSession { account, arn }),
        ("sts", _) if named("federated-user/", 1) => {
            Ok(PrincipalEntry::FederatedUser { account, arn })
        }
        ("iam", _) if resource.starts_with("group/") => Err(format!(
            "principal `{text}` is a group; a group cannot be a principal (name its users, or the account with a condition)"
        )),
        _ => Err(format!(
            "principal `{text}` is not a principal ARN: expected root, user/NAME, role/NAME, assumed-role/ROLE/SESSION or federated-user/NAME"
        )),
    }
}

fn contains_variable(node: &JsonNode) -> bool {
    match &node.value {
        JsonValue::String(text) => text.contains("${"),
        JsonValue::Array(items) => items.iter().any(contains_variable),
        JsonValue::Object(members) => members
            .iter()
            .any(|(key, value)| key.text.contains("${") || contains_variable(value)),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aws_principals_have_the_shapes_of_the_principal_page() {
        for accepted in [
            "*",
            "111111111111",
            "arn:aws:iam::111111111111:root",
            "arn:aws:iam::111111111111:user/alice",
            "arn:aws:iam::111111111111:user/team/alice",
            "arn:aws-cn:iam::111111111111:role/path/Dev",
            "arn:aws:sts::111111111111:assumed-role/Dev/session",
            "arn:aws:sts::111111111111:federated-user/fed",
            "AIDACKCEVSQ6C2EXAMPLE",
            "AROADBQP57FF2AEXAMPLE",
        ] {
            assert!(parse_aws_principal(accepted).is_ok(), "{accepted}");
        }
        for refused in [
            "11111111111",
            "1111111111111",
            "11111111111111",
            "arn:aws:iam:111111111111:root",
            "arn:aws:iam::11111111111:root",
            "arn:aws:iam::111111111111:group/admins",
            "arn:aws:iam::111111111111:user/",
            "arn:aws:sts::111111111111:assumed-role/Dev",
            "arn:aws:iam:us-east-1:111111111111:root",
            "arn:aws:s3:::bucket",
            "arn::iam::111111111111:root",
            "alice",
            "arn:aws:iam::111111111111:user/*",
        ] {
            assert!(parse_aws_principal(refused).is_err(), "{refused}");
        }
    }
}
