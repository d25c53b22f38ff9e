//! Condition keys and operators checked against the catalog:
//! - the key exists (global, or defined by its service), and a service key
//!   belongs to a service the statement's actions are of;
//! - the operator's type fits the key's type (Numeric on a number, Date on a
//!   date, Bool on a boolean, IpAddress on an address, Arn on an ARN);
//! - `…IfExists` is not used on a key every request carries;
//! - multivalued keys get `ForAllValues:`/`ForAnyValue:`, single-valued keys
//!   do not (and `ForAllValues:` in an Allow on a single-valued key is true
//!   whenever the key is absent).
//!
//! Source for key types and which keys are always present: "AWS global
//! condition context keys"
//! (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html)
//! and the catalog; for the operators, "IAM JSON policy elements: Condition
//! operators"
//! (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html).

use super::{Context, Finding};
use crate::catalog::ConditionKeyType;
use crate::policy::{BaseOperator, Comparison, Condition, Effect, SetQualifier, Statement};
use crate::values::{parse_date, parse_ip_range, Decimal};

/// Keys AWS documents as always included in the request context, in lower
/// case.
const ALWAYS_PRESENT_KEYS: &[&str] = &[
    "aws:currenttime",
    "aws:epochtime",
    "aws:securetransport",
    "aws:viaawsservice",
];

/// Whether an operator fits a key's value type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum TypeFit {
    Fits,
    /// A string operator on a typed key: compares text, which can work.
    Loose,
    Mismatch,
}

pub(super) fn check(context: &Context<'_>, findings: &mut Vec<Finding>) {
    for statement in &context.document.statements {
        for condition in &statement.conditions {
            check_condition(context, statement, condition, findings);
        }
    }
}

fn condition_path(context: &Context<'_>, statement: &Statement, condition: &Condition) -> String {
    format!(
        "{}.Condition.{}.{}",
        context.statement_path(statement),
        condition.operator.name(),
        condition.key
    )
}

/// A test that a policy value parses as its operator's type.
type ValueTest = fn(&str) -> bool;

/// What a value of an operator's type must look like, and a test of it.
fn value_shape(comparison: Comparison) -> Option<(&'static str, ValueTest)> {
    match comparison {
        Comparison::Numeric(_) => Some(("a number", |text| Decimal::parse(text).is_some())),
        Comparison::Date(_) => Some((
            "a date (ISO 8601 such as 2026-12-01T00:00:00Z, or epoch seconds)",
            |text| parse_date(text).is_some(),
        )),
        Comparison::IpInRange => Some(("an IP address or CIDR range", |text| {
            parse_ip_range(text).is_some()
        })),
        Comparison::Bool => Some(("true or false", |text| {
            text.eq_ignore_ascii_case("true") || text.eq_ignore_ascii_case("false")
        })),
        _ => None,
    }
}

/// Each policy value has the shape its operator compares: a value that
/// does not parse as a number, date, address or boolean matches no request
/// (a negated operator then holds for every request), which is never what
/// the author meant.
fn check_values(
    condition: &Condition,
    at: &dyn Fn(&'static str, String) -> Finding,
    findings: &mut Vec<Finding>,
) {
    let Some((comparison, negated)) = condition.operator.base.comparison() else {
        return;
    };
    let Some((shape, parses)) = value_shape(comparison) else {
        return;
    };
    for value in &condition.values {
        if parses(&value.text) {
            continue;
        }
        let effect = if negated {
            "so the negated operator holds for every request"
        } else {
            "so it matches no request"
        };
        findings.push(at(
            "condition-value-malformed",
            format!(
                "`{}` is not {shape}: `{}` cannot compare it, {effect}",
                value.text,
                condition.operator.name()
            ),
        ));
    }
}

/// `name` is neither a global key nor one its service defines, and its
/// prefix is one iamz can check (`aws:`, a known service, or none at all).
pub(super) fn names_no_key(catalog: &crate::catalog::Catalog, name: &str) -> bool {
    if with_tag_key_spelling(name, |name| catalog.condition_key(name)).is_some() {
        return false;
    }
    match name.split_once(':').map(|(prefix, _)| prefix) {
        None => true,
        Some(prefix) => prefix.eq_ignore_ascii_case("aws") || catalog.service(prefix).is_some(),
    }
}

/// A `unknown-variable-key` finding for each variable of `template` that
/// names no key (once per key).
pub(super) fn unknown_variables(
    catalog: &crate::catalog::Catalog,
    template: &crate::policy::template::Template,
    text: &str,
) -> Vec<String> {
    let mut reported = std::collections::BTreeSet::new();
    let mut messages = Vec::new();
    for part in &template.parts {
        if let crate::policy::template::TemplatePart::Variable { key, .. } = part {
            if names_no_key(catalog, key) && reported.insert(key.clone()) {
                messages.push(format!(
                    "`${{{key}}}` in `{text}` names no key AWS sets: no request gives it a value (a placeholder left from an example?)"
                ));
            }
        }
    }
    messages
}

fn check_condition(
    context: &Context<'_>,
    statement: &Statement,
    condition: &Condition,
    findings: &mut Vec<Finding>,
) {
    let path = condition_path(context, statement, condition);
    let at = |code: &'static str, message: String| {
        Finding::new(code, context.location(&path, condition.position), message)
    };
    let key_name = condition.key.as_str();
    let operator = condition.operator;
    if operator.if_exists && ALWAYS_PRESENT_KEYS.contains(&condition.key_lowercase.as_str()) {
        findings.push(at(
            "if-exists-on-always-present-key",
            format!(
                "`{}` on `{key_name}`: every request carries this key, so IfExists changes nothing",
                operator.name()
            ),
        ));
    }
    let catalog = context.catalog;
    let unknown_key = |name: &str| names_no_key(catalog, name);
    // A variable naming no key AWS sets (`${Account}`, a placeholder left
    // from an example) is never substituted by a request's value.
    let mut reported = std::collections::BTreeSet::new();
    for value in &condition.values {
        for message in unknown_variables(catalog, &value.template, &value.text) {
            if reported.insert(message.clone()) {
                findings.push(at("unknown-variable-key", message));
            }
        }
    }
    let Some(key) = with_tag_key_spelling(key_name, |name| catalog.condition_key(name)) else {
        if unknown_key(key_name) {
            findings.push(at(
                "unknown-condition-key",
                format!(
                    "`{key_name}` is neither a global condition key nor a key its service defines"
                ),
            ));
        }
        return;
    };
    let prefix = key_name.split_once(':').map_or("", |(prefix, _)| prefix);
    if key.global_category().is_none() && !prefix.eq_ignore_ascii_case("aws") {
        if let Some(services) = &context.facts(statement).services {
            let supported = services.iter().any(|service| {
                with_tag_key_spelling(key_name, |name| service.condition_key(name)).is_some()
            });
            if !services.is_empty() && !supported {
                let names: Vec<&str> = services.iter().map(|service| service.prefix()).collect();
                findings.push(at(
                    "condition-key-not-for-actions",
                    format!(
                        "`{key_name}` is not a key of the statement's services ({}): the condition never sees it",
                        names.join(", ")
                    ),
                ));
            }
        }
    }
    let value_type = key.value_type();
    match type_fit(operator.base, value_type.single_value_type()) {
        TypeFit::Fits => {}
        TypeFit::Loose => findings.push(at(
            "condition-type-loose",
            format!(
                "`{}` compares text, but `{key_name}` is of type {value_type}",
                operator.name()
            ),
        )),
        TypeFit::Mismatch => findings.push(at(
            "condition-type-mismatch",
            format!(
                "`{}` does not apply to `{key_name}`, which is of type {value_type}",
                operator.name()
            ),
        )),
    }
    if operator.base == BaseOperator::Null {
        return;
    }
    check_values(condition, &at, findings);
    match (value_type.is_multivalued(), operator.set_qualifier) {
        (true, None) => findings.push(at(
            "multivalued-key-without-set-operator",
            format!(
                "`{key_name}` may carry several values ({value_type}); say whether all or any must match with ForAllValues: or ForAnyValue:"
            ),
        )),
        (false, Some(SetQualifier::ForAllValues)) if statement.effect == Effect::Allow => {
            findings.push(at(
                "for-all-values-allow-single-valued",
                format!(
                    "`{}` on the single-valued key `{key_name}` in an Allow: it holds when the key is absent",
                    operator.name()
                ),
            ))
        }
        (false, Some(_)) => findings.push(at(
            "set-operator-on-single-valued-key",
            format!(
                "`{}` on the single-valued key `{key_name}`: the set qualifier is not needed",
                operator.name()
            ),
        )),
        _ => {}
    }
}

/// Looks `name` up with `lookup`, and again as `prefix:Name/tag-key` when
/// it has a `/`: the Service Authorization Reference spells some tag-key
/// families that way (`secretsmanager:ResourceTag/tag-key`), without a
/// placeholder the catalog recognises.
fn with_tag_key_spelling<'k, K>(
    name: &str,
    lookup: impl Fn(&str) -> Option<&'k K>,
) -> Option<&'k K> {
    lookup(name).or_else(|| {
        let (family, _) = name.split_once('/')?;
        lookup(&format!("{family}/tag-key"))
    })
}

/// How an operator fits a key whose single values have type `value_type`.
fn type_fit(operator: BaseOperator, value_type: ConditionKeyType) -> TypeFit {
    use BaseOperator as B;
    use ConditionKeyType as T;
    let fits = |ok: bool| if ok { TypeFit::Fits } else { TypeFit::Mismatch };
    match operator {
        B::Null => TypeFit::Fits,
        B::StringEquals
        | B::StringNotEquals
        | B::StringEqualsIgnoreCase
        | B::StringNotEqualsIgnoreCase
        | B::StringLike
        | B::StringNotLike => {
            if matches!(value_type, T::String | T::Arn) {
                TypeFit::Fits
            } else {
                TypeFit::Loose
            }
        }
        B::NumericEquals
        | B::NumericNotEquals
        | B::NumericLessThan
        | B::NumericLessThanEquals
        | B::NumericGreaterThan
        | B::NumericGreaterThanEquals => fits(matches!(value_type, T::Numeric | T::DateOrNumeric)),
        B::DateEquals
        | B::DateNotEquals
        | B::DateLessThan
        | B::DateLessThanEquals
        | B::DateGreaterThan
        | B::DateGreaterThanEquals => fits(matches!(value_type, T::Date | T::DateOrNumeric)),
        B::Bool => fits(value_type == T::Bool),
        B::BinaryEquals => fits(value_type == T::Binary),
        B::IpAddress | B::NotIpAddress => fits(value_type == T::IpAddress),
        B::ArnEquals | B::ArnLike | B::ArnNotEquals | B::ArnNotLike => match value_type {
            T::Arn => TypeFit::Fits,
            T::String => TypeFit::Loose,
            _ => TypeFit::Mismatch,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operators_fit_their_types() {
        use BaseOperator as B;
        use ConditionKeyType as T;
        assert_eq!(type_fit(B::NumericLessThan, T::String), TypeFit::Mismatch);
        assert_eq!(
            type_fit(B::NumericLessThan, T::DateOrNumeric),
            TypeFit::Fits
        );
        assert_eq!(type_fit(B::Bool, T::IpAddress), TypeFit::Mismatch);
        assert_eq!(type_fit(B::DateGreaterThan, T::Numeric), TypeFit::Mismatch);
        assert_eq!(type_fit(B::StringEquals, T::Arn), TypeFit::Fits);
        assert_eq!(type_fit(B::StringEquals, T::Bool), TypeFit::Loose);
        assert_eq!(type_fit(B::ArnLike, T::String), TypeFit::Loose);
        assert_eq!(type_fit(B::IpAddress, T::IpAddress), TypeFit::Fits);
        assert_eq!(type_fit(B::Null, T::Binary), TypeFit::Fits);
    }
}
