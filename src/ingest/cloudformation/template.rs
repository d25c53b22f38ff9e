//! One CloudFormation template as read: its sections, its resources by
//! logical id, and what the deployment supplies ([`StackFacts`]: account,
//! Region, stack name, parameter values).
//!
//! JSON templates are read by `policy::json` (positions included); YAML
//! templates by `yaml.rs`, into the same tree. Template anatomy:
//! https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/template-anatomy.html.
//!
//! Trusts the syntax readers; holds no intrinsic or policy semantics.

use crate::ingest::located_file::member;
use crate::policy::json::{parse_json, JsonNode, JsonValue};
use crate::policy::Diagnostic;
use crate::source::{read_text, InputError};
use indexmap::IndexMap;
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

/// What the deployment of the stack supplies.
#[derive(Debug, Clone, Default)]
pub struct StackFacts {
    /// `AWS::AccountId`; IAM principals and resources are filed under it.
    pub account: Option<String>,
    /// `AWS::Region`.
    pub region: Option<String>,
    /// `AWS::StackName` (default: the template file's name without its
    /// extension).
    pub stack_name: String,
    /// Parameter values given, by parameter name.
    pub parameters: BTreeMap<String, String>,
}

impl StackFacts {
    /// `AWS::Partition`, from the Region (`aws` when none is given).
    pub fn partition(&self) -> String {
        // https://docs.aws.amazon.com/whitepapers/latest/aws-fault-isolation-boundaries/partitions.html
        let partition = match self.region.as_deref() {
            Some(region) if region.starts_with("cn-") => "aws-cn",
            Some(region) if region.starts_with("us-gov-") => "aws-us-gov",
            Some(region) if region.starts_with("us-isob-") => "aws-iso-b",
            Some(region) if region.starts_with("us-isof-") => "aws-iso-f",
            Some(region) if region.starts_with("eu-isoe-") => "aws-iso-e",
            Some(region) if region.starts_with("us-iso-") => "aws-iso",
            _ => "aws",
        };
        partition.to_string()
    }

    /// `AWS::URLSuffix`.
    pub fn url_suffix(&self) -> String {
        if self.partition() == "aws-cn" {
            "amazonaws.com.cn".to_string()
        } else {
            "amazonaws.com".to_string()
        }
    }

    /// Reads parameter values from a file in one of the shapes people
    /// keep them in: the AWS CLI's `[{"ParameterKey": K, "ParameterValue":
    /// V}]` (`--parameters file://…`), a template configuration file's
    /// `{"Parameters": {K: V}}`, or a plain `{K: V}` object.
    pub fn read_parameters(path: &Path) -> Result<BTreeMap<String, String>, InputError> {
        let file = path.display().to_string();
        let text = read_text(path)?;
        let root = parse_json(&text)
            .map_err(|error| InputError::Invalid(Diagnostic::invalid_json(&file, &error)))?;
        let scalar = |node: &JsonNode, json_path: &str| match &node.value {
            JsonValue::String(text) | JsonValue::Number(text) => Ok(text.clone()),
            JsonValue::Bool(value) => Ok(value.to_string()),
            JsonValue::Array(items) => Ok(items
                .iter()
                .filter_map(|item| match &item.value {
                    JsonValue::String(text) | JsonValue::Number(text) => Some(text.clone()),
                    _ => None,
                })
                .collect::<Vec<_>>()
                .join(",")),
            other => Err(InputError::invalid(
                &file,
                node.position,
                json_path,
                format!("expected a parameter value, found {}", other.kind_name()),
            )),
        };
        let mut parameters = BTreeMap::new();
        match &root.value {
            JsonValue::Array(items) => {
                for (index, item) in items.iter().enumerate() {
                    let json_path = format!("[{index}]");
                    let JsonValue::Object(members) = &item.value else {
                        return Err(InputError::invalid(
                            &file,
                            item.position,
                            &json_path,
                            "expected {\"ParameterKey\": …, \"ParameterValue\": …}",
                        ));
                    };
                    let key = member(members, "ParameterKey").and_then(|node| match &node.value {
                        JsonValue::String(text) => Some(text.clone()),
                        _ => None,
                    });
                    let (Some(key), Some(value)) = (key, member(members, "ParameterValue")) else {
                        return Err(InputError::invalid(
                            &file,
                            item.position,
                            &json_path,
                            "expected {\"ParameterKey\": …, \"ParameterValue\": …}",
                        ));
                    };
                    parameters.insert(key, scalar(value, &format!("{json_path}.ParameterValue"))?);
                }
            }
            JsonValue::Object(members) => {
                let members = match member(members, "Parameters") {
                    Some(JsonNode {
                        value: JsonValue::Object(inner),
                        ..
                    }) => inner,
                    _ => members,
                };
                for (key, value) in members {
                    parameters.insert(key.text.clone(), scalar(value, &key.text)?);
                }
            }
            other => {
                return Err(InputError::invalid(
                    &file,
                    root.position,
                    "",
                    format!(
                        "expected a list or an object of parameter values, found {}",
                        other.kind_name()
                    ),
                ))
            }
        }
        Ok(parameters)
    }
}

/// A resource of the template.
#[derive(Debug, Clone)]
pub struct TemplateResource {
    pub logical_id: String,
    pub resource_type: String,
    pub properties: Option<JsonNode>,
    /// The resource's `Condition`: created only when it holds.
    pub condition: Option<String>,
    pub node: JsonNode,
    /// `Resources.LOGICAL_ID`.
    pub path: String,
}

impl TemplateResource {
    pub fn property(&self, name: &str) -> Option<&JsonNode> {
        match &self.properties.as_ref()?.value {
            JsonValue::Object(members) => member(members, name),
            _ => None,
        }
    }

    pub fn property_path(&self, name: &str) -> String {
        format!("{}.Properties.{name}", self.path)
    }
}

/// A template, parsed.
#[derive(Debug)]
pub struct Template {
    pub file: Arc<str>,
    pub root: JsonNode,
    pub parameters: IndexMap<String, JsonNode>,
    pub mappings: Option<JsonNode>,
    pub conditions: Option<JsonNode>,
    /// In template order.
    pub resources: IndexMap<String, TemplateResource>,
}

/// Whether a parsed document is a CloudFormation template: a `Resources`
/// object whose entries have a `Type` (or an `AWSTemplateFormatVersion`).
pub fn looks_like_template(root: &JsonNode) -> bool {
    let JsonValue::Object(members) = &root.value else {
        return false;
    };
    if member(members, "AWSTemplateFormatVersion").is_some() {
        return true;
    }
    match member(members, "Resources") {
        Some(JsonNode {
            value: JsonValue::Object(resources),
            ..
        }) => {
            resources.iter().all(|(_, resource)| match &resource.value {
                JsonValue::Object(fields) => member(fields, "Type").is_some(),
                _ => false,
            }) && !resources.is_empty()
        }
        _ => false,
    }
}

/// Parses a template's text: JSON when it starts with `{`, else YAML.
pub fn parse_template_text(text: &str, file: &str) -> Result<JsonNode, InputError> {
    if text.trim_start().starts_with('{') {
        return parse_json(text)
            .map_err(|error| InputError::Invalid(Diagnostic::invalid_json(file, &error)));
    }
    super::yaml::parse_yaml(text)
        .map_err(|error| InputError::invalid(file, error.position, "", error.message))
}

impl Template {
    pub fn read(path: &Path) -> Result<Template, InputError> {
        let file = path.display().to_string();
        let text = read_text(path)?;
        Template::from_text(&text, &file)
    }

    pub fn from_text(text: &str, file: &str) -> Result<Template, InputError> {
        let root = parse_template_text(text, file)?;
        Template::from_root(root, file)
    }

    pub fn from_root(root: JsonNode, file: &str) -> Result<Template, InputError> {
        let file: Arc<str> = Arc::from(file);
        let error = |node: &JsonNode, path: &str, message: String| {
            InputError::invalid(&file, node.position, path, message)
        };
        let JsonValue::Object(members) = &root.value else {
            return Err(error(
                &root,
                "",
                format!(
                    "expected a template (an object), found {}",
                    root.value.kind_name()
                ),
            ));
        };
        let section = |name: &str| -> Result<Option<&JsonNode>, InputError> {
            match member(members, name) {
                None => Ok(None),
                Some(
                    node @ JsonNode {
                        value: JsonValue::Object(_),
                        ..
                    },
                ) => Ok(Some(node)),
                Some(node) => Err(error(
                    node,
                    name,
                    format!(
                        "`{name}` must be an object, found {}",
                        node.value.kind_name()
                    ),
                )),
            }
        };
        let mut parameters = IndexMap::new();
        if let Some(JsonNode {
            value: JsonValue::Object(entries),
            ..
        }) = section("Parameters")?
        {
            for (key, value) in entries {
                parameters.insert(key.text.clone(), value.clone());
            }
        }
        let mappings = section("Mappings")?.cloned();
        let conditions = section("Conditions")?.cloned();
        let Some(resources_node) = section("Resources")? else {
            return Err(error(
                &root,
                "",
                "a template needs a `Resources` section".to_string(),
            ));
        };
        let JsonValue::Object(entries) = &resources_node.value else {
            unreachable!("an object section");
        };
        let mut resources = IndexMap::new();
        for (key, node) in entries {
            let path = format!("Resources.{}", key.text);
            let JsonValue::Object(fields) = &node.value else {
                return Err(error(
                    node,
                    &path,
                    format!(
                        "a resource must be an object, found {}",
                        node.value.kind_name()
                    ),
                ));
            };
            let resource_type = match member(fields, "Type") {
                Some(JsonNode {
                    value: JsonValue::String(text),
                    ..
                }) => text.clone(),
                _ => {
                    return Err(error(
                        node,
                        &path,
                        "a resource needs a `Type` string".to_string(),
                    ))
                }
            };
            let condition = match member(fields, "Condition") {
                None => None,
                Some(JsonNode {
                    value: JsonValue::String(text),
                    ..
                }) => Some(text.clone()),
                Some(other) => {
                    return Err(error(
                        other,
                        &format!("{path}.Condition"),
                        "a resource's Condition is a condition name".to_string(),
                    ))
                }
            };
            if resources.contains_key(&key.text) {
                return Err(error(
                    node,
                    &path,
                    format!("duplicate resource `{}`", key.text),
                ));
            }
            resources.insert(
                key.text.clone(),
                TemplateResource {
                    logical_id: key.text.clone(),
                    resource_type,
                    properties: member(fields, "Properties").cloned(),
                    condition,
                    node: node.clone(),
                    path,
                },
            );
        }
        Ok(Template {
            file,
            root,
            parameters,
            mappings,
            conditions,
            resources,
        })
    }

    pub fn error(&self, node: &JsonNode, path: &str, message: impl Into<String>) -> InputError {
        InputError::invalid(&self.file, node.position, path, message)
    }
}
