//! The shape of `terraform show -json PLAN`, as the JSON output format
//! documents it (https://developer.hashicorp.com/terraform/internals/json-format):
//! `format_version`, `resource_changes[]` with `address`, `module_address`,
//! `mode`, `type`, `name` and `change` (`actions`, `before`, `after`,
//! `after_unknown`), and `configuration` (each resource's `expressions`
//! with the `references` they make).
//!
//! A side's values are `change.before` (the prior state: always known) or
//! `change.after` (the planned values: an attribute known only after apply
//! is left out of `after` and is `true` at the same place of
//! `after_unknown`). [`Attribute`] says which of the three an attribute is,
//! so that an unknown value is never read as absent or guessed.
//!
//! An id known only after apply (a new OU's, a new policy's) is referred to
//! in the configuration by an expression such as
//! `aws_organizations_policy.deny.id`; [`Plan::referenced_address`] finds
//! the resource change it names, in the same module instance.
//!
//! Trusts the located file for positions; checks the shape of what it
//! reads and refuses a major `format_version` other than 1.

use crate::ingest::located_file::{item_path, member, LocatedFile};
use crate::policy::json::{JsonKey, JsonNode, JsonValue};
use crate::source::{join_path, InputError};
use std::collections::HashMap;

/// Which side of the plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum PlanSide {
    /// `change.before`: the state before apply.
    Before,
    /// `change.after`: the planned state after apply.
    After,
}

impl PlanSide {
    pub const BOTH: [PlanSide; 2] = [PlanSide::Before, PlanSide::After];

    pub fn name(self) -> &'static str {
        match self {
            PlanSide::Before => "before",
            PlanSide::After => "after",
        }
    }
}

/// One entry of `resource_changes`.
pub struct ResourceChange<'f> {
    /// `module.x.aws_iam_role.y["k"]`.
    pub address: &'f str,
    /// `module.x` (empty for the root module).
    pub module_address: &'f str,
    /// `aws_iam_role`.
    pub resource_type: &'f str,
    /// `y`.
    pub name: &'f str,
    pub node: &'f JsonNode,
    /// `resource_changes[3]`.
    pub path: String,
    before: Option<&'f JsonNode>,
    after: Option<&'f JsonNode>,
    after_unknown: Option<&'f JsonNode>,
}

/// The values of one resource on one side.
pub struct SideValues<'f> {
    pub side: PlanSide,
    pub node: &'f JsonNode,
    members: &'f [(JsonKey, JsonNode)],
    /// `resource_changes[3].change.after`.
    pub path: String,
    /// The matching object of `after_unknown` (after only).
    unknown: Option<&'f JsonNode>,
}

/// What a side says of one attribute.
#[derive(Debug, Clone, Copy)]
pub enum Attribute<'f> {
    Known(&'f JsonNode),
    /// Known only after apply (`after_unknown`).
    Unknown,
    /// Absent or null.
    Absent,
}

impl<'f> ResourceChange<'f> {
    /// The resource's values on `side`; `None` when it does not exist there
    /// (`before` of a create, `after` of a delete).
    pub fn side(
        &self,
        file: &LocatedFile,
        side: PlanSide,
    ) -> Result<Option<SideValues<'f>>, InputError> {
        let (node, key) = match side {
            PlanSide::Before => (self.before, "before"),
            PlanSide::After => (self.after, "after"),
        };
        let Some(node) = node else {
            return Ok(None);
        };
        let path = join_path(&join_path(&self.path, "change"), key);
        let members = file.object(node, &path)?;
        Ok(Some(SideValues {
            side,
            node,
            members,
            path,
            unknown: if side == PlanSide::After {
                self.after_unknown
            } else {
                None
            },
        }))
    }

    /// The module-instance prefix of the address (`module.x["a"].`), empty
    /// for the root module.
    fn module_prefix(&self) -> String {
        if self.module_address.is_empty() {
            String::new()
        } else {
            format!("{}.", self.module_address)
        }
    }

    /// The key of the resource's configuration block: module calls without
    /// instance keys, then `type.name`.
    fn configuration_key(&self) -> String {
        format!(
            "{}{}.{}",
            without_instance_keys(&self.module_prefix()),
            self.resource_type,
            self.name
        )
    }
}

/// `module.a["x"].module.b[0].` as `module.a.module.b.`.
fn without_instance_keys(address: &str) -> String {
    let mut text = String::with_capacity(address.len());
    let mut depth = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    for character in address.chars() {
        if in_string {
            if escaped {
                escaped = false;
            } else if character == '\\' {
                escaped = true;
            } else if character == '"' {
                in_string = false;
            }
            continue;
        }
        match character {
            '"' if depth > 0 => in_string = true,
            '[' => depth += 1,
            ']' => depth = depth.saturating_sub(1),
            _ if depth == 0 => text.push(character),
            _ => {}
        }
    }
    text
}

impl<'f> SideValues<'f> {
    fn unknown_member(&self, key: &str) -> Option<&'f JsonNode> {
        let JsonValue::Object(members) = &self.unknown?.value else {
            return None;
        };
        members
            .iter()
            .find(|(member_key, _)| member_key.text == key)
            .map(|(_, value)| value)
    }

    /// Whether `after_unknown` marks the attribute, or anything inside it,
    /// as known only after apply.
    pub fn is_unknown(&self, key: &str) -> bool {
        if matches!(
            self.unknown.map(|node| &node.value),
            Some(JsonValue::Bool(true))
        ) {
            return true;
        }
        self.unknown_member(key).is_some_and(holds_true)
    }

    pub fn attribute(&self, key: &str) -> Attribute<'f> {
        if self.is_unknown(key) {
            return Attribute::Unknown;
        }
        match member(self.members, key) {
            Some(node) => Attribute::Known(node),
            None => Attribute::Absent,
        }
    }

    pub fn path_of(&self, key: &str) -> String {
        join_path(&self.path, key)
    }

    /// A string attribute; a value of another type is refused, located.
    pub fn string(&self, file: &LocatedFile, key: &str) -> Result<Known<&'f str>, InputError> {
        Ok(match self.attribute(key) {
            Attribute::Known(node) => Known::Value(file.string(node, &self.path_of(key))?),
            Attribute::Unknown => Known::AfterApply,
            Attribute::Absent => Known::Absent,
        })
    }

    /// A string attribute, or `None` unless it is known.
    pub fn known_string(
        &self,
        file: &LocatedFile,
        key: &str,
    ) -> Result<Option<&'f str>, InputError> {
        Ok(self.string(file, key)?.value())
    }

    /// A boolean attribute, `None` unless known.
    pub fn known_bool(&self, file: &LocatedFile, key: &str) -> Result<Option<bool>, InputError> {
        match self.attribute(key) {
            Attribute::Known(node) => Ok(Some(file.bool(node, &self.path_of(key))?)),
            _ => Ok(None),
        }
    }

    /// The items of a list or set attribute (blocks or strings), with their
    /// paths and whether each is unknown; empty when absent.
    pub fn items(&self, file: &LocatedFile, key: &str) -> Result<Vec<Item<'f>>, InputError> {
        let path = self.path_of(key);
        let Some(node) = member(self.members, key) else {
            return Ok(Vec::new());
        };
        let unknown = self.unknown_member(key);
        Ok(file
            .array(node, &path)?
            .iter()
            .enumerate()
            .map(|(index, node)| {
                let unknown = match unknown.map(|node| &node.value) {
                    Some(JsonValue::Array(items)) => items.get(index),
                    _ => None,
                };
                Item {
                    node,
                    path: item_path(&path, index),
                    unknown,
                }
            })
            .collect())
    }

    /// Where the values are, for a warning about the whole resource.
    pub fn position(&self) -> crate::policy::json::SourcePosition {
        self.node.position
    }
}

/// One item of a list attribute.
pub struct Item<'f> {
    pub node: &'f JsonNode,
    pub path: String,
    /// The matching item of `after_unknown`.
    unknown: Option<&'f JsonNode>,
}

impl<'f> Item<'f> {
    /// A member of a block item (`inline_policy[0].policy`).
    pub fn attribute(&self, key: &str) -> Attribute<'f> {
        let unknown = match self.unknown.map(|node| &node.value) {
            Some(JsonValue::Bool(true)) => true,
            Some(JsonValue::Object(members)) => members
                .iter()
                .any(|(member_key, value)| member_key.text == key && holds_true(value)),
            _ => false,
        };
        if unknown {
            return Attribute::Unknown;
        }
        match &self.node.value {
            JsonValue::Object(members) => {
                member(members, key).map_or(Attribute::Absent, Attribute::Known)
            }
            _ => Attribute::Absent,
        }
    }
}

/// A value that is there, known only after apply, or not set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Known<T> {
    Value(T),
    AfterApply,
    Absent,
}

impl<T> Known<T> {
    pub fn value(self) -> Option<T> {
        match self {
            Known::Value(value) => Some(value),
            _ => None,
        }
    }
}

/// Whether a node of `after_unknown` is `true` or holds a `true`.
fn holds_true(node: &JsonNode) -> bool {
    match &node.value {
        JsonValue::Bool(value) => *value,
        JsonValue::Array(items) => items.iter().any(holds_true),
        JsonValue::Object(members) => members.iter().any(|(_, value)| holds_true(value)),
        _ => false,
    }
}

/// A parsed plan: its resource changes, and the references each
/// configuration expression makes.
pub struct Plan<'f> {
    pub changes: Vec<ResourceChange<'f>>,
    /// By configuration key (`module.a.aws_x.y`), then attribute: the
    /// references of its expression, as written (module-relative).
    references: HashMap<String, HashMap<String, Vec<String>>>,
}

/// Whether a file's root looks like `terraform show -json` of a plan.
pub fn looks_like_plan(root: &JsonNode) -> bool {
    let JsonValue::Object(members) = &root.value else {
        return false;
    };
    member(members, "format_version").is_some() && member(members, "resource_changes").is_some()
}

impl<'f> Plan<'f> {
    pub fn parse(file: &'f LocatedFile) -> Result<Plan<'f>, InputError> {
        let members = file.object(&file.root, "")?;
        let version_node = file.required(members, &file.root, "", "format_version")?;
        let version = file.string(version_node, "format_version")?;
        if version.split('.').next() != Some("1") {
            return Err(file.error(
                version_node,
                "format_version",
                format!("format version {version} is not supported (iamz reads major version 1 of the plan JSON format)"),
            ));
        }
        let mut changes = Vec::new();
        for (index, node) in file
            .optional_array(members, "", "resource_changes")?
            .iter()
            .enumerate()
        {
            let path = item_path("resource_changes", index);
            let fields = file.object(node, &path)?;
            let mode = file
                .optional_string(fields, &path, "mode")?
                .unwrap_or("managed");
            if mode != "managed" {
                // Data sources read at apply are not resources of the
                // account; their values reach resources as unknowns.
                continue;
            }
            let change_node = file.required(fields, node, &path, "change")?;
            let change_path = join_path(&path, "change");
            let change = file.object(change_node, &change_path)?;
            changes.push(ResourceChange {
                address: file.required_string(fields, node, &path, "address")?,
                module_address: file
                    .optional_string(fields, &path, "module_address")?
                    .unwrap_or(""),
                resource_type: file.required_string(fields, node, &path, "type")?,
                name: file.required_string(fields, node, &path, "name")?,
                node,
                before: member(change, "before"),
                after: member(change, "after"),
                after_unknown: member(change, "after_unknown"),
                path,
            });
        }
        let mut references = HashMap::new();
        if let Some(configuration) = member(members, "configuration") {
            if let JsonValue::Object(configuration) = &configuration.value {
                if let Some(root_module) = member(configuration, "root_module") {
                    collect_references(root_module, "", &mut references);
                }
            }
        }
        Ok(Plan {
            changes,
            references,
        })
    }

    /// The address of the resource change an attribute's expression
    /// refers to (`aws_organizations_policy.deny.id` → that policy), in
    /// the same module instance; `None` when it names none, or several.
    pub fn referenced_address(
        &self,
        change: &ResourceChange<'_>,
        attribute: &str,
    ) -> Option<&'f str> {
        let references = self
            .references
            .get(&change.configuration_key())?
            .get(attribute)?;
        let prefix = change.module_prefix();
        for reference in references {
            // `aws_x.y.id` → `aws_x.y`; `aws_x.y[0].id` names one instance.
            let mut parts = reference.splitn(3, '.');
            let (Some(kind), Some(name)) = (parts.next(), parts.next()) else {
                continue;
            };
            if kind.starts_with("var")
                || kind == "local"
                || kind == "module"
                || kind == "data"
                || kind == "each"
                || kind == "count"
            {
                continue;
            }
            let wanted = format!("{prefix}{kind}.{name}");
            let matching: Vec<&ResourceChange<'f>> = self
                .changes
                .iter()
                .filter(|other| {
                    other.address == wanted
                        || (other.address.starts_with(&wanted)
                            && other.address[wanted.len()..].starts_with('[')
                            && name.find('[').is_none())
                })
                .collect();
            if let [only] = matching.as_slice() {
                return Some(only.address);
            }
            if let Some(exact) = matching.iter().find(|other| other.address == wanted) {
                return Some(exact.address);
            }
        }
        None
    }
}

/// Walks `configuration.root_module` and its `module_calls`, recording
/// each resource's expression references by attribute (nested blocks too,
/// as `block.attribute`).
fn collect_references(
    module: &JsonNode,
    prefix: &str,
    into: &mut HashMap<String, HashMap<String, Vec<String>>>,
) {
    let JsonValue::Object(members) = &module.value else {
        return;
    };
    if let Some(JsonValue::Array(resources)) = member(members, "resources").map(|node| &node.value)
    {
        for resource in resources {
            let JsonValue::Object(fields) = &resource.value else {
                continue;
            };
            let Some(JsonValue::String(address)) =
                member(fields, "address").map(|node| &node.value)
            else {
                continue;
            };
            let mut by_attribute = HashMap::new();
            if let Some(expressions) = member(fields, "expressions") {
                expression_references(expressions, "", &mut by_attribute);
            }
            into.insert(format!("{prefix}{address}"), by_attribute);
        }
    }
    if let Some(JsonValue::Object(calls)) = member(members, "module_calls").map(|node| &node.value)
    {
        for (name, call) in calls {
            if let JsonValue::Object(call_fields) = &call.value {
                if let Some(child) = member(call_fields, "module") {
                    collect_references(child, &format!("{prefix}module.{}.", name.text), into);
                }
            }
        }
    }
}

fn expression_references(node: &JsonNode, prefix: &str, into: &mut HashMap<String, Vec<String>>) {
    let JsonValue::Object(members) = &node.value else {
        return;
    };
    for (key, value) in members {
        let name = if prefix.is_empty() {
            key.text.clone()
        } else {
            format!("{prefix}.{}", key.text)
        };
        match &value.value {
            JsonValue::Object(fields) => {
                if let Some(JsonValue::Array(references)) =
                    member(fields, "references").map(|node| &node.value)
                {
                    let texts = references
                        .iter()
                        .filter_map(|reference| match &reference.value {
                            JsonValue::String(text) => Some(text.clone()),
                            _ => None,
                        })
                        .collect();
                    into.insert(name, texts);
                } else {
                    expression_references(value, &name, into);
                }
            }
            // A nested block written more than once.
            JsonValue::Array(blocks) => {
                for block in blocks {
                    expression_references(block, &name, into);
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn module_instance_keys_are_dropped_for_the_configuration() {
        assert_eq!(
            without_instance_keys("module.a[\"x].y\"].module.b[0]."),
            "module.a.module.b."
        );
        assert_eq!(without_instance_keys(""), "");
    }
}
