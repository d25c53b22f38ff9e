//! CloudFormation templates (JSON or YAML) read into an inventory: the
//! IAM principals, managed policies, resource policies and Organizations
//! policies the stack would create, with every intrinsic function resolved
//! from what the deployment supplies (`StackFacts`: account, Region, stack
//! name, parameter values).
//!
//! - `yaml.rs`: YAML into the located JSON tree, short forms expanded;
//! - `template.rs`: the template's sections and resources, and the facts;
//! - `intrinsics.rs`: `Ref`, `Fn::GetAtt`, `Fn::Sub`, `Fn::Join`,
//!   `Fn::Select`, `Fn::Split`, `Fn::If` and the condition functions,
//!   `Fn::FindInMap`, pseudo parameters; an unresolvable one is a located
//!   error;
//! - `resources.rs`: the resource types read, property by property.
//!
//! Every policy keeps its provenance: the template file, the line and
//! column where the document starts, and its path
//! (`Resources.Role.Properties.Policies[0].PolicyDocument`). Problems are
//! reported all at once.
//!
//! Trusts `policy/` for the documents and `inventory/` for the model.

pub mod intrinsics;
pub mod resources;
pub mod template;
pub mod yaml;

pub use template::{looks_like_template, StackFacts, Template};

use super::{IngestError, Problems};
use crate::inventory::Inventory;
use std::path::Path;

/// Whether the file at `path` is meant as a CloudFormation template: a YAML
/// or `.template` file (its problems are then reported as a template's),
/// or JSON that parses as one.
pub fn is_template_file(path: &Path) -> bool {
    let extension = path
        .extension()
        .map(|extension| extension.to_string_lossy().to_ascii_lowercase());
    if matches!(extension.as_deref(), Some("yaml" | "yml" | "template")) {
        return true;
    }
    let Ok(text) = crate::source::read_text(path) else {
        return false;
    };
    template::parse_template_text(&text, &path.display().to_string())
        .is_ok_and(|root| looks_like_template(&root))
}

/// Reads the template at `path` into an inventory. `facts.stack_name`,
/// when empty, is the file's name without its extension.
pub fn read_template(path: &Path, facts: &StackFacts) -> Result<Inventory, IngestError> {
    let invalid = |error| IngestError::Invalid(Problems(vec![error]));
    let template = Template::read(path).map_err(invalid)?;
    let mut facts = facts.clone();
    if facts.stack_name.is_empty() {
        facts.stack_name = path.file_stem().map_or_else(
            || "stack".to_string(),
            |stem| stem.to_string_lossy().to_string(),
        );
    }
    read_parsed(&template, &facts)
}

/// Reads a parsed template.
pub fn read_parsed(template: &Template, facts: &StackFacts) -> Result<Inventory, IngestError> {
    // IAM principals and resources belong to the stack's account: without
    // it their ARNs cannot be written (Organizations policies need none).
    if facts.account.is_none() {
        if let Some(first) = template.resources.values().find(|resource| {
            resources::TEMPLATE_TYPES.contains(&resource.resource_type.as_str())
                && resource.resource_type != "AWS::Organizations::Policy"
        }) {
            return Err(IngestError::Invalid(Problems(vec![template.error(
                &first.node,
                &first.path,
                format!(
                    "{} belongs to the stack's account, which the template does not say: give it with --stack-account ID",
                    first.resource_type
                ),
            )])));
        }
    }
    let mut inventory = Inventory::new(&template.file);
    // The template is the whole of the stack's IAM: a principal it does
    // not define is not in the stack (not "not collected").
    if let Some(account) = &facts.account {
        inventory.account_mut(account).iam_collected = true;
    }
    let mut problems = resources::read(template, facts, &mut inventory);
    if !problems.is_empty() {
        problems.sort_by_key(crate::ingest::aws_cli::problem_key);
        // A document read for several owners reports its problems once.
        problems.dedup_by(|later, earlier| later.to_string() == earlier.to_string());
        return Err(IngestError::Invalid(Problems(problems)));
    }
    inventory.resolve_attachments();
    inventory.sort_warnings();
    Ok(inventory)
}

#[cfg(test)]
mod tests;
