//! Resource ARNs: well-formed (six components, a partition, a service, a
//! resource), and of a service the statement's actions act on. Which
//! services an action's ARNs may name comes from the catalog: the action's
//! own service and the ARN templates of its resource types (`ssm:SendCommand`
//! acts on `arn:…:ec2:…:instance/…`).

use std::collections::HashSet;

use super::{Context, Finding, StatementFacts};
use crate::catalog::Catalog;
use crate::policy::pattern::split_arn;

pub(super) fn check(context: &Context<'_>, findings: &mut Vec<Finding>) {
    for statement in &context.document.statements {
        let Some(clause) = &statement.resources else {
            continue;
        };
        let element_path = context.resource_path(statement);
        let mut arn_services: Option<HashSet<String>> = None;
        for (index, pattern) in clause.patterns.iter().enumerate() {
            if pattern.text == "*" {
                continue;
            }
            let path = context.locator.item_path(&element_path, index);
            for message in super::conditions::unknown_variables(
                context.catalog,
                &pattern.template,
                &pattern.text,
            ) {
                findings.push(context.finding("unknown-variable-key", statement, &path, message));
            }
            let text = without_variables(&pattern.text);
            let Some(components) = split_arn(&text).filter(well_formed) else {
                findings.push(context.finding(
                    "arn-malformed",
                    statement,
                    &path,
                    format!(
                        "`{}` is not an ARN of the form arn:partition:service:region:account:resource",
                        pattern.text
                    ),
                ));
                continue;
            };
            let service = components[2];
            if service.contains(['*', '?']) {
                continue;
            }
            let facts = context.facts(statement);
            if facts.services.is_none() || facts.actions.is_empty() {
                continue;
            }
            let accepted =
                arn_services.get_or_insert_with(|| services_in_arns(context.catalog, facts));
            if !accepted.contains(&service.to_ascii_lowercase()) {
                let mut names: Vec<&str> = accepted.iter().map(String::as_str).collect();
                names.sort_unstable();
                findings.push(context.finding(
                    "arn-service-mismatch",
                    statement,
                    &path,
                    format!(
                        "`{}` is an ARN of service `{service}`, but the statement's actions act on ARNs of: {}",
                        pattern.text,
                        names.join(", ")
                    ),
                ));
            }
        }
    }
}

/// The text with each `${…}` replaced by `*` (it may stand for anything),
/// so that a variable holding a colon (`${aws:username}`) does not split a
/// component.
fn without_variables(text: &str) -> String {
    let mut result = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("${") {
        match rest[start..].find('}') {
            Some(length) => {
                result.push_str(&rest[..start]);
                result.push('*');
                rest = &rest[start + length + 1..];
            }
            None => break,
        }
    }
    result.push_str(rest);
    result
}

/// `arn`, a partition (`aws`, `aws-cn`, … or a wildcard), a service and a
/// resource; region and account may be empty.
fn well_formed(components: &[&str; 6]) -> bool {
    let [arn, partition, service, _region, _account, resource] = components;
    *arn == "arn"
        && (partition.starts_with("aws") || partition.contains(['*', '?']))
        && !service.is_empty()
        && !resource.is_empty()
}

/// Every service an ARN of the statement's actions may belong to, in lower
/// case.
fn services_in_arns(catalog: &Catalog, facts: &StatementFacts) -> HashSet<String> {
    let mut services = HashSet::new();
    for action in &facts.actions {
        services.insert(action.service_prefix().to_string());
        for resource_type in action.resource_types() {
            let Some(definition) =
                catalog.resource_type(action.service_prefix(), resource_type.name())
            else {
                continue;
            };
            for template in definition.arn_templates() {
                if let Some(components) = split_arn(template) {
                    services.insert(components[2].to_ascii_lowercase());
                }
            }
        }
    }
    services
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variables_do_not_split_components() {
        assert_eq!(
            without_variables("arn:aws:s3:::b/${aws:username}/*"),
            "arn:aws:s3:::b/*/*"
        );
        assert_eq!(without_variables("arn:${x"), "arn:${x");
    }

    #[test]
    fn well_formed_arns_have_six_components() {
        let ok = |text: &str| split_arn(text).is_some_and(|c| well_formed(&c));
        assert!(ok("arn:aws:s3:::bucket"));
        assert!(ok("arn:aws-us-gov:iam::123456789012:role/x"));
        assert!(ok("arn:*:logs:*:*:log-group:a:*"));
        assert!(!ok("arn:aws:s3:::"));
        assert!(!ok("arn:aws:s3:bucket"));
        assert!(!ok("arn:amazon:s3:::bucket"));
        assert!(!ok("arn:aws::::x"));
    }
}
