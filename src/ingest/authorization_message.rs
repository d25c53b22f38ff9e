//! A request read from a decoded authorization message: what `aws sts
//! decode-authorization-message` prints (`{"DecodedMessage": "<JSON
//! text>"}`, the message located inside its string), or the decoded
//! message itself.
//!
//! The message (https://docs.aws.amazon.com/STS/latest/APIReference/API_DecodeAuthorizationMessage.html)
//! says whether the request was allowed or explicitly denied, the
//! statements that matched, and the request's `context`: the principal
//! (`id`, `arn`), the action, the resource, and the condition keys AWS
//! evaluated (`conditions.items[]`: `key`, `values.items[].value`). AWS's
//! own example writes the action without its service prefix
//! (`RunInstances`); the prefix is then read from the resource ARN, with a
//! warning. What the message does not say is listed as unknown.
//!
//! Trusts `located_file` for positions and the catalog for action names.

use super::cloudtrail::RecordedRequest;
use super::embedded_policy::read_embedded_json;
use super::located_file::{item_path, member, LocatedFile};
use crate::catalog::Catalog;
use crate::policy::json::{JsonNode, JsonValue};
use crate::policy::pattern::split_arn;
use crate::scenario::RequestSpec;
use crate::source::{join_path, InputError};
use std::path::Path;

/// Reads a decoded authorization message.
pub fn read_authorization_message(path: &Path) -> Result<RecordedRequest, InputError> {
    let file = LocatedFile::read(path)?;
    read_authorization_message_file(&file)
}

/// `path` then `key`, for paths inside the decoded string.
fn inside(path: &str, key: &str) -> String {
    if path.is_empty() || path.ends_with('>') {
        format!("{path}{key}")
    } else {
        format!("{path}.{key}")
    }
}

/// The items of a `{"items": [...]}` wrapper.
fn items<'n>(
    file: &LocatedFile,
    node: &'n JsonNode,
    path: &str,
) -> Result<&'n [JsonNode], InputError> {
    let members = file.object(node, path)?;
    match member(members, "items") {
        Some(items) => file.array(items, &inside(path, "items")),
        None => Ok(&[]),
    }
}

/// [`read_authorization_message`] on a file already read.
pub fn read_authorization_message_file(file: &LocatedFile) -> Result<RecordedRequest, InputError> {
    let root = &file.root;
    let members = file.object(root, "")?;
    let (message, path) = match member(members, "DecodedMessage") {
        Some(text) => (
            read_embedded_json(file, text, "DecodedMessage")?,
            "DecodedMessage>".to_string(),
        ),
        None => (root.clone(), String::new()),
    };
    let message_members = file.object(&message, &path)?;
    let mut read = RecordedRequest {
        source: file.file.to_string(),
        ..RecordedRequest::default()
    };
    for key in ["allowed", "explicitDeny"] {
        if let Some(node) = member(message_members, key) {
            read.recorded.push((
                key.to_string(),
                file.bool(node, &inside(&path, key))?.to_string(),
            ));
        }
    }
    if let Some(matched) = member(message_members, "matchedStatements") {
        let matched_path = inside(&path, "matchedStatements");
        let statements = items(file, matched, &matched_path)?;
        for (index, statement) in statements.iter().enumerate() {
            let statement_path = item_path(&inside(&matched_path, "items"), index);
            let statement_members = file.object(statement, &statement_path)?;
            let id = match member(statement_members, "statementId") {
                Some(node) => file.string(node, &inside(&statement_path, "statementId"))?,
                None => "(no statementId)",
            };
            let effect = match member(statement_members, "effect") {
                Some(node) => file.string(node, &inside(&statement_path, "effect"))?,
                None => "",
            };
            read.recorded.push((
                "matchedStatement".to_string(),
                format!("{id} {effect}").trim().to_string(),
            ));
        }
    }
    let context_path = inside(&path, "context");
    let context = file.required(message_members, &message, &path, "context")?;
    let context_members = file.object(context, &context_path)?;

    let principal = match member(context_members, "principal") {
        Some(node) => {
            let principal_path = inside(&context_path, "principal");
            let principal_members = file.object(node, &principal_path)?;
            match member(principal_members, "arn") {
                Some(arn) => Some(
                    file.string(arn, &inside(&principal_path, "arn"))?
                        .to_string(),
                ),
                None => {
                    read.unknown.push(
                        "the principal: the message gives its unique id only, not its ARN"
                            .to_string(),
                    );
                    None
                }
            }
        }
        None => {
            read.unknown
                .push("the principal: the message has no context.principal".to_string());
            None
        }
    };
    let resource = match member(context_members, "resource") {
        Some(node) => Some(
            file.string(node, &inside(&context_path, "resource"))?
                .to_string(),
        ),
        None => {
            read.unknown
                .push("the resource: the message has no context.resource".to_string());
            None
        }
    };
    let action = match member(context_members, "action") {
        Some(node) => {
            let written = file.string(node, &inside(&context_path, "action"))?;
            let full = if written.contains(':') {
                Some(written.to_string())
            } else {
                let service = resource
                    .as_deref()
                    .and_then(split_arn)
                    .map(|parts| parts[2].to_string());
                match service {
                    Some(service) => {
                        read.warnings.push(format!(
                            "the message names the action `{written}` without its service; read as `{service}:{written}` from the resource ARN"
                        ));
                        Some(format!("{service}:{written}"))
                    }
                    None => {
                        read.unknown.push(format!(
                            "the action's service: the message names `{written}` and its resource is no ARN"
                        ));
                        None
                    }
                }
            };
            full.map(|name| match Catalog::get().action(&name) {
                Some(action) => action.full_name().to_string(),
                None => {
                    read.warnings
                        .push(format!("`{name}` is not an action of the catalog"));
                    name
                }
            })
        }
        None => {
            read.unknown
                .push("the action: the message has no context.action".to_string());
            None
        }
    };
    let mut request_context = Vec::new();
    if let Some(conditions) = member(context_members, "conditions") {
        let conditions_path = inside(&context_path, "conditions");
        for (index, item) in items(file, conditions, &conditions_path)?
            .iter()
            .enumerate()
        {
            let item_at = item_path(&inside(&conditions_path, "items"), index);
            let item_members = file.object(item, &item_at)?;
            let key = file.string(
                file.required(item_members, item, &item_at, "key")?,
                &inside(&item_at, "key"),
            )?;
            let mut values = Vec::new();
            if let Some(values_node) = member(item_members, "values") {
                let values_path = inside(&item_at, "values");
                for (value_index, value) in
                    items(file, values_node, &values_path)?.iter().enumerate()
                {
                    let value_at = item_path(&inside(&values_path, "items"), value_index);
                    let value_members = file.object(value, &value_at)?;
                    let text = file.required(value_members, value, &value_at, "value")?;
                    values.push(match &text.value {
                        JsonValue::String(text) | JsonValue::Number(text) => text.clone(),
                        JsonValue::Bool(value) => value.to_string(),
                        other => {
                            return Err(file.error(
                                text,
                                &join_path(&value_at, "value"),
                                format!("expected a string, found {}", other.kind_name()),
                            ))
                        }
                    });
                }
            }
            let multivalued = values.len() > 1;
            request_context.push((key.to_string(), values, multivalued));
        }
    }
    if resource
        .as_deref()
        .is_some_and(|arn| crate::scenario::setup::arn_account(arn).is_none() && arn != "*")
    {
        read.unknown.push(
            "the resource's account: its ARN has none and the message does not say (give resource.account in the scenario)"
                .to_string(),
        );
    }
    read.unknown.push(
        "condition keys the message does not list: they take the scenario's values or AWS's defaults"
            .to_string(),
    );
    read.spec = RequestSpec {
        principal,
        action,
        resource,
        resource_account: None,
        context: request_context,
        id: None,
    };
    Ok(read)
}
