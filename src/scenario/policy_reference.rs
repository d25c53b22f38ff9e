//! A policy named in a scenario or organization file: a relative path to a
//! policy file, an inline document, or `{"name": …, "document": …}`.

use crate::policy::json::{JsonNode, JsonValue};
use crate::policy::parse::parse_policy_node;
use crate::policy::{parse_policy, Diagnostic, PolicyDocument, PolicyKind};
use crate::source::{join_path, member, read_text, InputError, JsonSource};
use std::sync::Arc;

/// Loads a policy file given on the command line, named after its file
/// name; its warnings are appended.
pub fn load_policy_file(
    path: &std::path::Path,
    kind: PolicyKind,
    warnings: &mut Vec<Diagnostic>,
) -> Result<PolicyDocument, InputError> {
    let text = read_text(path)?;
    let parsed = parse_policy(&text, &path.display().to_string(), Some(kind))?;
    warnings.extend(parsed.warnings);
    let mut document = parsed.document;
    document.name = path.file_name().map_or_else(
        || path.display().to_string(),
        |name| name.to_string_lossy().to_string(),
    );
    Ok(document)
}

/// Loads the policy that `node` refers to; warnings are appended.
pub fn load_policy_reference(
    source: &JsonSource,
    node: &JsonNode,
    path: &str,
    kind: PolicyKind,
    default_name: &str,
    warnings: &mut Vec<Diagnostic>,
) -> Result<Arc<PolicyDocument>, InputError> {
    match &node.value {
        JsonValue::String(relative) => {
            let file_path = source.resolve(relative);
            let text = read_text(&file_path)?;
            let parsed = parse_policy(&text, &file_path.display().to_string(), Some(kind))?;
            warnings.extend(parsed.warnings);
            let mut document = parsed.document;
            document.name = relative.clone();
            Ok(Arc::new(document))
        }
        JsonValue::Object(members) if members.iter().any(|(key, _)| key.text == "document") => {
            let members = source.object(node, path, &["name", "document"])?;
            let name = match member(members, "name") {
                Some(name) => source.string(name, &join_path(path, "name"))?.to_string(),
                None => default_name.to_string(),
            };
            let document_node = member(members, "document").ok_or_else(|| source.error(node, path, "`document` is null"))?;
            let parsed = parse_policy_node(document_node, &source.file, &join_path(path, "document"), &name, Some(kind))?;
            warnings.extend(parsed.warnings);
            Ok(Arc::new(parsed.document))
        }
        JsonValue::Object(_) => {
            let parsed = parse_policy_node(node, &source.file, path, default_name, Some(kind))?;
            warnings.extend(parsed.warnings);
            Ok(Arc::new(parsed.document))
        }
        other => Err(source.error(
            node,
            path,
            format!("expected a policy: a relative file path, an inline policy document, or {{\"name\", \"document\"}}; found {}", other.kind_name()),
        )),
    }
}
