//! Action names checked against the catalog: unknown services, unknown
//! actions, wildcard patterns that match nothing, and actions another
//! pattern of the same statement already covers.

use super::coverage::action_covers;
use super::{Context, Finding};

pub(super) fn check(context: &Context<'_>, findings: &mut Vec<Finding>) {
    let catalog = context.catalog;
    for statement in &context.document.statements {
        let element_path = context.action_path(statement);
        let patterns = &statement.actions.patterns;
        for (index, pattern) in patterns.iter().enumerate() {
            let path = context.locator.item_path(&element_path, index);
            let text = pattern.text.as_str();
            if text == "*" {
                continue;
            }
            let Some((prefix, name)) = text.split_once(':') else {
                continue;
            };
            let Some(service) = catalog.service(prefix) else {
                findings.push(context.finding(
                    "unknown-service",
                    statement,
                    &path,
                    format!("`{text}`: the catalog knows no service `{prefix}`"),
                ));
                continue;
            };
            if !text.contains(['*', '?']) {
                if service.action(name).is_none() {
                    findings.push(context.finding(
                        "unknown-action",
                        statement,
                        &path,
                        format!(
                            "`{text}`: service `{}` has no action `{name}`",
                            service.prefix()
                        ),
                    ));
                }
            } else if catalog.expand_action_pattern(text).is_empty() {
                findings.push(context.finding(
                    "action-matches-nothing",
                    statement,
                    &path,
                    format!(
                        "`{text}` matches no action of service `{}`",
                        service.prefix()
                    ),
                ));
            }
            let covering = patterns.iter().enumerate().find(|&(other_index, other)| {
                other_index != index
                    && action_covers(other, pattern)
                    // Of two patterns that cover each other, the later one is
                    // the redundant one.
                    && (other_index < index || !action_covers(pattern, other))
            });
            if let Some((_, other)) = covering {
                findings.push(context.finding(
                    "redundant-action",
                    statement,
                    &path,
                    format!("`{text}` is already covered by `{}`", other.text),
                ));
            }
        }
    }
}
