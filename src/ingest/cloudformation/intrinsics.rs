//! CloudFormation's intrinsic functions, resolved offline from what the
//! deployment would supply: the parameter values given (else each
//! parameter's `Default`), the stack's account, Region and name, the
//! template's `Mappings` and `Conditions`, and the names and ARNs of the
//! template's own resources.
//!
//! Only the properties a reader asks for are resolved, so a function this
//! module cannot evaluate offline (`Fn::ImportValue`, `Fn::GetAZs`, a
//! `Ref` to a resource whose id AWS assigns) is an error only where it
//! decides access — located at the function, never turned into a silent
//! string. A resource without its name property gets the name
//! CloudFormation would give it, `STACK-LogicalId-SUFFIX`, with the literal
//! suffix `GENERATED` standing for AWS's random one (lower case for S3
//! buckets), so that every reference to it agrees.
//!
//! Sources: intrinsic function reference
//! (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/intrinsic-function-reference.html),
//! pseudo parameters
//! (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/pseudo-parameter-reference.html),
//! and each resource type's "Return values" (`RETURN-VALUES.md` beside the
//! fixtures in `tests/files/cloudformation/`).
//!
//! Trusts the template's tree (`template.rs`); holds no policy semantics.

use super::template::{StackFacts, Template, TemplateResource};
use crate::ingest::located_file::{item_path, member};
use crate::policy::json::{JsonKey, JsonNode, JsonValue};
use crate::source::{join_path, InputError};
use std::cell::RefCell;
use std::collections::HashMap;

/// Nested functions deeper than this are refused (a cycle of conditions
/// or names would otherwise never end).
const MAX_DEPTH: usize = 64;

/// Resolves the intrinsic functions of one template.
pub struct Resolver<'t> {
    template: &'t Template,
    facts: &'t StackFacts,
    conditions: RefCell<HashMap<String, bool>>,
    depth: RefCell<usize>,
    /// Errors found beside the one a resolution returned (every problem of
    /// a document is reported, not only its first).
    deferred: RefCell<Vec<InputError>>,
}

/// The functions that take the place of a value.
fn function_of(node: &JsonNode) -> Option<(&JsonKey, &JsonNode)> {
    let JsonValue::Object(members) = &node.value else {
        return None;
    };
    match members.as_slice() {
        [(key, argument)]
            if key.text == "Ref" || key.text == "Condition" || key.text.starts_with("Fn::") =>
        {
            Some((key, argument))
        }
        _ => None,
    }
}

fn text_node(node: &JsonNode, text: String) -> JsonNode {
    JsonNode {
        position: node.position,
        value: JsonValue::String(text),
    }
}

impl<'t> Resolver<'t> {
    pub fn new(template: &'t Template, facts: &'t StackFacts) -> Resolver<'t> {
        Resolver {
            template,
            facts,
            conditions: RefCell::new(HashMap::new()),
            depth: RefCell::new(0),
            deferred: RefCell::new(Vec::new()),
        }
    }

    fn error(&self, node: &JsonNode, path: &str, message: impl Into<String>) -> InputError {
        self.template.error(node, path, message)
    }

    /// The errors found beside those returned, taken.
    pub fn take_deferred(&self) -> Vec<InputError> {
        std::mem::take(&mut self.deferred.borrow_mut())
    }

    /// Keeps the first error to return and defers the others.
    fn keep(&self, first: &mut Option<InputError>, error: InputError) {
        if first.is_none() {
            *first = Some(error);
        } else {
            self.deferred.borrow_mut().push(error);
        }
    }

    /// Runs `step` one level deeper, refusing runaway nesting.
    fn nested<T>(
        &self,
        node: &JsonNode,
        path: &str,
        step: impl FnOnce() -> Result<T, InputError>,
    ) -> Result<T, InputError> {
        {
            let mut depth = self.depth.borrow_mut();
            if *depth >= MAX_DEPTH {
                return Err(self.error(
                    node,
                    path,
                    "intrinsic functions nested too deep (a cycle of conditions or names?)",
                ));
            }
            *depth += 1;
        }
        let result = step();
        *self.depth.borrow_mut() -= 1;
        result
    }

    /// The value of `node` with every function resolved; `None` for
    /// `AWS::NoValue` (the property is left out).
    pub fn resolve(&self, node: &JsonNode, path: &str) -> Result<Option<JsonNode>, InputError> {
        self.nested(node, path, || self.resolve_inner(node, path))
    }

    fn resolve_inner(&self, node: &JsonNode, path: &str) -> Result<Option<JsonNode>, InputError> {
        if let Some((key, argument)) = function_of(node) {
            return self.function(node, &key.text, argument, &join_path(path, &key.text));
        }
        Ok(Some(match &node.value {
            JsonValue::Array(items) => {
                let mut resolved = Vec::with_capacity(items.len());
                let mut failed = None;
                for (index, item) in items.iter().enumerate() {
                    match self.resolve(item, &item_path(path, index)) {
                        Ok(Some(item)) => resolved.push(item),
                        Ok(None) => {}
                        Err(error) => self.keep(&mut failed, error),
                    }
                }
                if let Some(error) = failed {
                    return Err(error);
                }
                JsonNode {
                    position: node.position,
                    value: JsonValue::Array(resolved),
                }
            }
            JsonValue::Object(members) => {
                let mut resolved = Vec::with_capacity(members.len());
                let mut failed = None;
                for (key, value) in members {
                    match self.resolve(value, &join_path(path, &key.text)) {
                        Ok(Some(value)) => resolved.push((key.clone(), value)),
                        Ok(None) => {}
                        Err(error) => self.keep(&mut failed, error),
                    }
                }
                if let Some(error) = failed {
                    return Err(error);
                }
                JsonNode {
                    position: node.position,
                    value: JsonValue::Object(resolved),
                }
            }
            _ => node.clone(),
        }))
    }

    /// A value that must resolve to a string (numbers and Booleans as
    /// their text, as CloudFormation passes them).
    pub fn string(&self, node: &JsonNode, path: &str) -> Result<String, InputError> {
        let resolved = self
            .resolve(node, path)?
            .ok_or_else(|| self.error(node, path, "expected a string, found AWS::NoValue"))?;
        match resolved.value {
            JsonValue::String(text) | JsonValue::Number(text) => Ok(text),
            JsonValue::Bool(value) => Ok(value.to_string()),
            other => Err(self.error(
                node,
                path,
                format!("expected a string, found {}", other.kind_name()),
            )),
        }
    }

    /// A value that must resolve to a list of strings (a single string is
    /// a list of one).
    pub fn strings(&self, node: &JsonNode, path: &str) -> Result<Vec<String>, InputError> {
        let Some(resolved) = self.resolve(node, path)? else {
            return Ok(Vec::new());
        };
        match &resolved.value {
            JsonValue::Array(items) => items
                .iter()
                .enumerate()
                .map(|(index, item)| self.string(item, &item_path(path, index)))
                .collect(),
            JsonValue::Null => Ok(Vec::new()),
            _ => Ok(vec![self.string(&resolved, path)?]),
        }
    }

    fn function(
        &self,
        node: &JsonNode,
        name: &str,
        argument: &JsonNode,
        path: &str,
    ) -> Result<Option<JsonNode>, InputError> {
        let arguments = |count: usize| -> Result<&[JsonNode], InputError> {
            match &argument.value {
                JsonValue::Array(items) if items.len() == count => Ok(items),
                _ => Err(self.error(
                    argument,
                    path,
                    format!("{name} takes a list of {count} arguments"),
                )),
            }
        };
        let value = match name {
            "Ref" => {
                let JsonValue::String(target) = &argument.value else {
                    return Err(self.error(argument, path, "Ref takes a name"));
                };
                if target == "AWS::NoValue" {
                    return Ok(None);
                }
                self.reference(argument, target, path)?
            }
            "Fn::GetAtt" => {
                let (resource, attribute) = match &argument.value {
                    JsonValue::Array(items) if items.len() == 2 => (
                        self.string(&items[0], &item_path(path, 0))?,
                        self.string(&items[1], &item_path(path, 1))?,
                    ),
                    JsonValue::String(text) => match text.split_once('.') {
                        Some((resource, attribute)) => (resource.to_string(), attribute.to_string()),
                        None => {
                            return Err(self.error(
                                argument,
                                path,
                                "Fn::GetAtt takes [RESOURCE, ATTRIBUTE]",
                            ))
                        }
                    },
                    _ => {
                        return Err(self.error(
                            argument,
                            path,
                            "Fn::GetAtt takes [RESOURCE, ATTRIBUTE]",
                        ))
                    }
                };
                JsonValue::String(self.attribute(argument, &resource, &attribute, path)?)
            }
            "Fn::Sub" => JsonValue::String(self.substitute(argument, path)?),
            "Fn::Join" => {
                let [delimiter, list] = arguments(2)? else {
                    unreachable!("two arguments")
                };
                let delimiter = self.string(delimiter, &item_path(path, 0))?;
                let parts = self.strings(list, &item_path(path, 1))?;
                JsonValue::String(parts.join(&delimiter))
            }
            "Fn::Select" => {
                let [index, list] = arguments(2)? else {
                    unreachable!("two arguments")
                };
                let index_text = self.string(index, &item_path(path, 0))?;
                let Ok(index_value) = index_text.parse::<usize>() else {
                    return Err(self.error(index, path, format!("Fn::Select index `{index_text}` is not a number")));
                };
                let Some(list) = self.resolve(list, &item_path(path, 1))? else {
                    return Err(self.error(list, path, "Fn::Select of AWS::NoValue"));
                };
                let JsonValue::Array(items) = list.value else {
                    return Err(self.error(&list, path, "Fn::Select takes a list"));
                };
                let Some(item) = items.into_iter().nth(index_value) else {
                    return Err(self.error(index, path, format!("Fn::Select index {index_value} is past the end of the list")));
                };
                return Ok(Some(item));
            }
            "Fn::Split" => {
                let [delimiter, text] = arguments(2)? else {
                    unreachable!("two arguments")
                };
                let delimiter = self.string(delimiter, &item_path(path, 0))?;
                let text = self.string(text, &item_path(path, 1))?;
                if delimiter.is_empty() {
                    return Err(self.error(argument, path, "Fn::Split with an empty delimiter"));
                }
                JsonValue::Array(
                    text.split(delimiter.as_str())
                        .map(|part| text_node(node, part.to_string()))
                        .collect(),
                )
            }
            "Fn::If" => {
                let [condition, when_true, when_false] = arguments(3)? else {
                    unreachable!("three arguments")
                };
                let condition_name = self.string(condition, &item_path(path, 0))?;
                let chosen = if self.condition(condition, &condition_name, path)? {
                    (when_true, 1)
                } else {
                    (when_false, 2)
                };
                return self.resolve(chosen.0, &item_path(path, chosen.1));
            }
            "Fn::FindInMap" => {
                let [map, top, second] = arguments(3)? else {
                    unreachable!("three arguments")
                };
                let map = self.string(map, &item_path(path, 0))?;
                let top = self.string(top, &item_path(path, 1))?;
                let second = self.string(second, &item_path(path, 2))?;
                let found = self
                    .template
                    .mappings
                    .as_ref()
                    .and_then(|mappings| object_member(mappings, &map))
                    .and_then(|entries| object_member(entries, &top))
                    .and_then(|entries| object_member(entries, &second))
                    .ok_or_else(|| {
                        self.error(argument, path, format!("Mappings has no {map}.{top}.{second}"))
                    })?;
                return self.resolve(found, &format!("Mappings.{map}.{top}.{second}"));
            }
            "Fn::Equals" | "Fn::And" | "Fn::Or" | "Fn::Not" | "Condition" => {
                JsonValue::Bool(self.truth(node, path)?)
            }
            "Fn::ImportValue" => {
                return Err(self.error(
                    node,
                    path,
                    "Fn::ImportValue reads another stack's export, which is not known offline: give the value as a parameter",
                ))
            }
            other => {
                return Err(self.error(
                    node,
                    path,
                    format!("{other} cannot be resolved offline here"),
                ))
            }
        };
        Ok(Some(JsonNode {
            position: node.position,
            value,
        }))
    }

    /// A condition function's truth (`Fn::Equals`, `Fn::And`, `Fn::Or`,
    /// `Fn::Not`, `Condition`).
    fn truth(&self, node: &JsonNode, path: &str) -> Result<bool, InputError> {
        self.nested(node, path, || {
            let Some((key, argument)) = function_of(node) else {
                return match &node.value {
                    JsonValue::Bool(value) => Ok(*value),
                    JsonValue::String(text) if text == "true" || text == "false" => {
                        Ok(text == "true")
                    }
                    _ => Err(self.error(node, path, "expected a condition function")),
                };
            };
            let path = join_path(path, &key.text);
            let items = |minimum: usize, maximum: usize| match &argument.value {
                JsonValue::Array(items) if (minimum..=maximum).contains(&items.len()) => Ok(items),
                _ => Err(self.error(
                    argument,
                    &path,
                    format!(
                        "{} takes a list of {minimum} to {maximum} conditions",
                        key.text
                    ),
                )),
            };
            match key.text.as_str() {
                "Condition" => {
                    let name = self.string(argument, &path)?;
                    self.condition(argument, &name, &path)
                }
                "Fn::Equals" => {
                    let items = items(2, 2)?;
                    let left = self.resolve(&items[0], &item_path(&path, 0))?;
                    let right = self.resolve(&items[1], &item_path(&path, 1))?;
                    Ok(comparable(left.as_ref()) == comparable(right.as_ref()))
                }
                "Fn::Not" => Ok(!self.truth(&items(1, 1)?[0], &item_path(&path, 0))?),
                "Fn::And" | "Fn::Or" => {
                    let items = items(2, 10)?;
                    let mut values = Vec::with_capacity(items.len());
                    for (index, item) in items.iter().enumerate() {
                        values.push(self.truth(item, &item_path(&path, index))?);
                    }
                    Ok(if key.text == "Fn::And" {
                        values.iter().all(|value| *value)
                    } else {
                        values.iter().any(|value| *value)
                    })
                }
                other => {
                    Err(self.error(node, &path, format!("{other} is not a condition function")))
                }
            }
        })
    }

    /// A named condition of the template's `Conditions`.
    pub fn condition(&self, node: &JsonNode, name: &str, path: &str) -> Result<bool, InputError> {
        if let Some(value) = self.conditions.borrow().get(name) {
            return Ok(*value);
        }
        let definition = self
            .template
            .conditions
            .as_ref()
            .and_then(|conditions| object_member(conditions, name))
            .ok_or_else(|| {
                self.error(
                    node,
                    path,
                    format!("no condition named `{name}` in Conditions"),
                )
            })?;
        let value = self.truth(definition, &format!("Conditions.{name}"))?;
        self.conditions.borrow_mut().insert(name.to_string(), value);
        Ok(value)
    }

    /// `Ref`: a parameter, a pseudo parameter or a resource of the
    /// template.
    fn reference(&self, node: &JsonNode, name: &str, path: &str) -> Result<JsonValue, InputError> {
        if let Some(pseudo) = name.strip_prefix("AWS::") {
            return self.pseudo(node, pseudo, path).map(JsonValue::String);
        }
        if let Some(parameter) = self.template.parameters.get(name) {
            return self.parameter(node, name, parameter, path);
        }
        if let Some(resource) = self.template.resources.get(name) {
            return self
                .resource_reference(node, name, resource, path)
                .map(JsonValue::String);
        }
        Err(self.error(
            node,
            path,
            format!("Ref to `{name}`: no parameter, pseudo parameter or resource of that name"),
        ))
    }

    fn pseudo(&self, node: &JsonNode, name: &str, path: &str) -> Result<String, InputError> {
        let missing = |what: &str, flag: &str| {
            self.error(
                node,
                path,
                format!("AWS::{name} is the stack's {what}, which the template does not say: give it with {flag}"),
            )
        };
        match name {
            "AccountId" => self
                .facts
                .account
                .clone()
                .ok_or_else(|| missing("account", "--stack-account ID")),
            "Region" => self
                .facts
                .region
                .clone()
                .ok_or_else(|| missing("Region", "--stack-region REGION")),
            "Partition" => Ok(self.facts.partition()),
            "URLSuffix" => Ok(self.facts.url_suffix()),
            "StackName" => Ok(self.facts.stack_name.clone()),
            other => Err(self.error(node, path, format!("AWS::{other} is not known offline"))),
        }
    }

    fn parameter(
        &self,
        node: &JsonNode,
        name: &str,
        definition: &JsonNode,
        path: &str,
    ) -> Result<JsonValue, InputError> {
        let members = match &definition.value {
            JsonValue::Object(members) => members.as_slice(),
            _ => &[],
        };
        let parameter_type = member(members, "Type")
            .and_then(|node| match &node.value {
                JsonValue::String(text) => Some(text.as_str()),
                _ => None,
            })
            .unwrap_or("String");
        let value = match self.facts.parameters.get(name) {
            Some(given) => given.clone(),
            // The default of an SSM parameter type names a parameter of
            // Systems Manager, whose value is not known offline.
            None if parameter_type.starts_with("AWS::SSM::Parameter::Value<") => {
                return Err(self.error(
                    node,
                    path,
                    format!("parameter `{name}` ({parameter_type}) takes its value from Systems Manager, which is not known offline: give it with --stack-parameters FILE"),
                ))
            }
            None => match member(members, "Default") {
                Some(default) => self.string(default, &format!("Parameters.{name}.Default"))?,
                None => {
                    return Err(self.error(
                        node,
                        path,
                        format!("parameter `{name}` has no Default and no value was given (--stack-parameters FILE)"),
                    ))
                }
            },
        };
        // List parameters are comma-delimited strings, read as lists.
        if parameter_type == "CommaDelimitedList"
            || parameter_type.starts_with("List<")
            || parameter_type.starts_with("AWS::SSM::Parameter::Value<List<")
            || parameter_type == "AWS::SSM::Parameter::Value<CommaDelimitedList>"
        {
            return Ok(JsonValue::Array(
                value
                    .split(',')
                    .map(|part| text_node(node, part.trim().to_string()))
                    .collect(),
            ));
        }
        Ok(JsonValue::String(value))
    }

    /// The value of a resource property as a string, if the property is
    /// there.
    fn property(
        &self,
        resource: &TemplateResource,
        property: &str,
    ) -> Result<Option<String>, InputError> {
        let Some(value) = resource.property(property) else {
            return Ok(None);
        };
        let path = format!("{}.Properties.{property}", resource.path);
        self.resolve(value, &path)?
            .map(|resolved| match resolved.value {
                JsonValue::String(text) | JsonValue::Number(text) => Ok(text),
                other => Err(self.error(
                    value,
                    &path,
                    format!("expected a string, found {}", other.kind_name()),
                )),
            })
            .transpose()
    }

    /// The name a resource has: its name property, else the one
    /// CloudFormation generates.
    pub fn physical_name(&self, logical: &str) -> Result<String, InputError> {
        let resource = self.template.resources.get(logical).ok_or_else(|| {
            self.template.error(
                &self.template.root,
                "Resources",
                format!("no resource `{logical}`"),
            )
        })?;
        self.name_of(logical, resource)
    }

    fn name_of(&self, logical: &str, resource: &TemplateResource) -> Result<String, InputError> {
        let name_property = match resource.resource_type.as_str() {
            "AWS::IAM::Role" => "RoleName",
            "AWS::IAM::User" => "UserName",
            "AWS::IAM::Group" => "GroupName",
            "AWS::IAM::ManagedPolicy" => "ManagedPolicyName",
            "AWS::IAM::Policy" => "PolicyName",
            "AWS::S3::Bucket" => "BucketName",
            "AWS::SQS::Queue" => "QueueName",
            "AWS::SNS::Topic" => "TopicName",
            "AWS::Lambda::Function" => "FunctionName",
            "AWS::SecretsManager::Secret" => "Name",
            "AWS::ECR::Repository" => "RepositoryName",
            _ => "",
        };
        if !name_property.is_empty() {
            if let Some(name) = self.property(resource, name_property)? {
                return Ok(name);
            }
        }
        let generated = format!("{}-{logical}-GENERATED", self.facts.stack_name);
        Ok(match resource.resource_type.as_str() {
            "AWS::S3::Bucket" | "AWS::ECR::Repository" => generated.to_ascii_lowercase(),
            "AWS::SQS::Queue"
                if resource.property("FifoQueue").is_some_and(|value| {
                    matches!(&value.value, JsonValue::Bool(true))
                        || matches!(&value.value, JsonValue::String(text) if text == "true")
                }) =>
            {
                format!("{generated}.fifo")
            }
            "AWS::KMS::Key" => format!("generated-{}", logical.to_ascii_lowercase()),
            _ => generated,
        })
    }

    fn iam_path(&self, resource: &TemplateResource) -> Result<String, InputError> {
        Ok(self
            .property(resource, "Path")?
            .unwrap_or_else(|| "/".to_string()))
    }

    fn account(&self, node: &JsonNode, path: &str) -> Result<String, InputError> {
        self.pseudo(node, "AccountId", path)
    }

    fn region(&self, node: &JsonNode, path: &str) -> Result<String, InputError> {
        self.pseudo(node, "Region", path)
    }

    /// The ARN of a resource of the template, when its type has one this
    /// reader knows.
    pub fn arn_of(&self, node: &JsonNode, logical: &str, path: &str) -> Result<String, InputError> {
        self.attribute(node, logical, "Arn", path)
    }

    /// What `Ref` returns for a resource of the template.
    fn resource_reference(
        &self,
        node: &JsonNode,
        logical: &str,
        resource: &TemplateResource,
        path: &str,
    ) -> Result<String, InputError> {
        match resource.resource_type.as_str() {
            "AWS::IAM::ManagedPolicy" | "AWS::SNS::Topic" | "AWS::SecretsManager::Secret" => {
                self.attribute(node, logical, "Arn", path)
            }
            "AWS::SQS::Queue" => self.attribute(node, logical, "QueueUrl", path),
            "AWS::KMS::Key" => self.attribute(node, logical, "KeyId", path),
            "AWS::IAM::Role" | "AWS::IAM::User" | "AWS::IAM::Group" | "AWS::IAM::Policy"
            | "AWS::S3::Bucket" | "AWS::SQS::QueuePolicy" | "AWS::Lambda::Function"
            | "AWS::ECR::Repository" => self.name_of(logical, resource),
            other => Err(self.error(
                node,
                path,
                format!("Ref to `{logical}` ({other}): its physical id is assigned by AWS and not known offline"),
            )),
        }
    }

    /// `Fn::GetAtt` on a resource of the template.
    fn attribute(
        &self,
        node: &JsonNode,
        logical: &str,
        attribute: &str,
        path: &str,
    ) -> Result<String, InputError> {
        let resource = self.template.resources.get(logical).ok_or_else(|| {
            self.error(
                node,
                path,
                format!("Fn::GetAtt on `{logical}`: no resource of that name"),
            )
        })?;
        let partition = self.facts.partition();
        let name = || self.name_of(logical, resource);
        let unknown = || {
            self.error(
                node,
                path,
                format!(
                    "Fn::GetAtt {logical}.{attribute} ({}): not an attribute iamz can know offline",
                    resource.resource_type
                ),
            )
        };
        let iam = |kind: &str| -> Result<String, InputError> {
            Ok(format!(
                "arn:{partition}:iam::{}:{kind}{}{}",
                self.account(node, path)?,
                self.iam_path(resource)?,
                name()?
            ))
        };
        let regional = |service: &str, resource_part: String| -> Result<String, InputError> {
            Ok(format!(
                "arn:{partition}:{service}:{}:{}:{resource_part}",
                self.region(node, path)?,
                self.account(node, path)?
            ))
        };
        match (resource.resource_type.as_str(), attribute) {
            ("AWS::IAM::Role", "Arn") => iam("role/").map(|arn| arn.replacen("role//", "role/", 1)),
            ("AWS::IAM::Role", "RoleName") => name(),
            ("AWS::IAM::User", "Arn") => iam("user/").map(|arn| arn.replacen("user//", "user/", 1)),
            ("AWS::IAM::Group", "Arn") => {
                iam("group/").map(|arn| arn.replacen("group//", "group/", 1))
            }
            ("AWS::IAM::ManagedPolicy", "Arn" | "PolicyArn") => {
                iam("policy/").map(|arn| arn.replacen("policy//", "policy/", 1))
            }
            ("AWS::S3::Bucket", "Arn") => Ok(format!("arn:{partition}:s3:::{}", name()?)),
            ("AWS::SQS::Queue", "Arn") => regional("sqs", name()?),
            ("AWS::SQS::Queue", "QueueName") => name(),
            ("AWS::SQS::Queue", "QueueUrl") => Ok(format!(
                "https://sqs.{}.{}/{}/{}",
                self.region(node, path)?,
                self.facts.url_suffix(),
                self.account(node, path)?,
                name()?
            )),
            ("AWS::SNS::Topic", "Arn" | "TopicArn") => regional("sns", name()?),
            ("AWS::SNS::Topic", "TopicName") => name(),
            ("AWS::KMS::Key", "Arn") => regional("kms", format!("key/{}", name()?)),
            ("AWS::KMS::Key", "KeyId") => name(),
            ("AWS::Lambda::Function", "Arn") => regional("lambda", format!("function:{}", name()?)),
            // AWS appends six random characters; `RANDOM` keeps the
            // length, so `NAME-??????` patterns match as they do in AWS.
            ("AWS::SecretsManager::Secret", "Arn" | "Id") => {
                regional("secretsmanager", format!("secret:{}-RANDOM", name()?))
            }
            ("AWS::ECR::Repository", "Arn") => regional("ecr", format!("repository/{}", name()?)),
            _ => Err(unknown()),
        }
    }

    /// `Fn::Sub`: `"text ${Name} ${Resource.Attribute} ${!Literal}"`, or
    /// `[text, {Name: value}]`.
    fn substitute(&self, argument: &JsonNode, path: &str) -> Result<String, InputError> {
        let (template_node, variables): (&JsonNode, Vec<(&JsonKey, &JsonNode)>) =
            match &argument.value {
                JsonValue::String(_) => (argument, Vec::new()),
                JsonValue::Array(items) if items.len() == 2 => {
                    let JsonValue::Object(members) = &items[1].value else {
                        return Err(self.error(
                            &items[1],
                            path,
                            "Fn::Sub's second argument is a map of variables",
                        ));
                    };
                    (
                        &items[0],
                        members.iter().map(|(key, value)| (key, value)).collect(),
                    )
                }
                _ => {
                    return Err(self.error(
                        argument,
                        path,
                        "Fn::Sub takes a string, or [string, {variables}]",
                    ))
                }
            };
        let JsonValue::String(text) = &template_node.value else {
            return Err(self.error(template_node, path, "Fn::Sub's text must be a string"));
        };
        let mut output = String::with_capacity(text.len());
        let mut rest = text.as_str();
        while let Some(start) = rest.find("${") {
            output.push_str(&rest[..start]);
            let after = &rest[start + 2..];
            let Some(end) = after.find('}') else {
                return Err(self.error(template_node, path, "Fn::Sub: `${` without its `}`"));
            };
            let name = &after[..end];
            rest = &after[end + 1..];
            if let Some(literal) = name.strip_prefix('!') {
                output.push_str("${");
                output.push_str(literal);
                output.push('}');
                continue;
            }
            let name = name.trim();
            if let Some((_, value)) = variables.iter().find(|(key, _)| key.text == name) {
                output.push_str(&self.string(value, &join_path(path, name))?);
            } else if let Some((resource, attribute)) = name
                .split_once('.')
                .filter(|(resource, _)| self.template.resources.contains_key(*resource))
            {
                output.push_str(&self.attribute(template_node, resource, attribute, path)?);
            } else {
                match self.reference(template_node, name, path)? {
                    JsonValue::String(value) => output.push_str(&value),
                    JsonValue::Array(items) => {
                        let parts: Vec<String> = items
                            .iter()
                            .filter_map(|item| match &item.value {
                                JsonValue::String(text) => Some(text.clone()),
                                _ => None,
                            })
                            .collect();
                        output.push_str(&parts.join(","));
                    }
                    other => output.push_str(&format!("{other:?}")),
                }
            }
        }
        output.push_str(rest);
        Ok(output)
    }
}

fn object_member<'n>(node: &'n JsonNode, key: &str) -> Option<&'n JsonNode> {
    match &node.value {
        JsonValue::Object(members) => member(members, key),
        _ => None,
    }
}

/// A resolved value as `Fn::Equals` compares it: text for scalars.
fn comparable(node: Option<&JsonNode>) -> Option<String> {
    node.map(|node| match &node.value {
        JsonValue::String(text) | JsonValue::Number(text) => text.clone(),
        JsonValue::Bool(value) => value.to_string(),
        JsonValue::Null => String::new(),
        other => format!("{other:?}"),
    })
}
