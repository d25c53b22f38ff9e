//! The concrete interpretation of the shared semantics: truth values are
//! `bool`, atoms are decided on a concrete request. Trusts the value parsers
//! in `values/` and the compiled patterns of `policy/`.

use crate::policy::pattern::{ArnPattern, Glob, WildcardRule};
use crate::policy::template::joined;
use crate::policy::{ActionPattern, Comparison, ConditionValue, Ordering, ResourcePattern};
use crate::request::{ConcreteRequest, PrincipalKind};
use crate::semantics::{Interpretation, PrincipalField, Quantifier};
use crate::values::{parse_date, parse_ip_address, parse_ip_range, Decimal};

/// Decides atoms on one concrete request.
pub struct ConcreteInterpretation<'r> {
    pub request: &'r ConcreteRequest,
}

impl<'r> ConcreteInterpretation<'r> {
    pub fn new(request: &'r ConcreteRequest) -> Self {
        ConcreteInterpretation { request }
    }

    fn lookup(&self) -> impl Fn(&str) -> Option<&'r str> + '_ {
        let context = &self.request.context;
        move |key: &str| context.first_value(key)
    }
}

fn ordering_holds(ordering: Ordering, comparison: std::cmp::Ordering) -> bool {
    use std::cmp::Ordering as C;
    match ordering {
        Ordering::Equal => comparison == C::Equal,
        Ordering::LessThan => comparison == C::Less,
        Ordering::LessThanOrEqual => comparison != C::Greater,
        Ordering::GreaterThan => comparison == C::Greater,
        Ordering::GreaterThanOrEqual => comparison != C::Less,
    }
}

impl Interpretation for ConcreteInterpretation<'_> {
    type Bool = bool;
    type KeyValue = str;

    fn constant(&self, value: bool) -> bool {
        value
    }
    fn not(&self, value: bool) -> bool {
        !value
    }
    fn and2(&self, left: bool, right: bool) -> bool {
        left && right
    }
    fn or2(&self, left: bool, right: bool) -> bool {
        left || right
    }
    fn if_then_else(&self, condition: bool, then: bool, otherwise: bool) -> bool {
        if condition {
            then
        } else {
            otherwise
        }
    }
    fn all_of<T>(&self, items: &[T], test: impl FnMut(&T) -> bool) -> bool {
        items.iter().all(test)
    }
    fn any_of<T>(&self, items: &[T], test: impl FnMut(&T) -> bool) -> bool {
        items.iter().any(test)
    }

    fn action_matches(&self, pattern: &ActionPattern) -> bool {
        pattern.matches(&self.request.action_lowercase)
    }

    fn resource_matches(&self, pattern: &ResourcePattern) -> bool {
        match &pattern.constant_glob {
            Some(glob) => glob.matches(&self.request.resource),
            None => {
                let lookup = self.lookup();
                match pattern.template.resolve(&lookup) {
                    Some(pieces) => Glob::from_pieces(&pieces, WildcardRule::ArnSegments)
                        .matches(&self.request.resource),
                    None => false,
                }
            }
        }
    }

    fn principal_is(&self, kind: PrincipalKind) -> bool {
        self.request.principal.kind == kind
    }

    fn principal_field_is(&self, field: PrincipalField, text: &str) -> bool {
        let principal = &self.request.principal;
        let value = match field {
            PrincipalField::Account => principal.account.as_deref(),
            PrincipalField::Text => Some(principal.text.as_str()),
            PrincipalField::RoleArn => principal.role_arn.as_deref(),
            PrincipalField::SessionArn => principal.session_arn.as_deref(),
            PrincipalField::PrincipalArn => principal.principal_arn(),
        };
        value.unwrap_or("") == text
    }

    fn principal_is_service_linked_role(&self) -> bool {
        self.request.principal.is_service_linked_role
    }

    fn principal_in_resource_account(&self) -> bool {
        let account = &self.request.principal.account;
        account.is_some() && *account == self.request.resource_account
    }

    fn principal_account_in(&self, accounts: &[String]) -> bool {
        self.request
            .principal
            .account
            .as_ref()
            .is_some_and(|account| accounts.binary_search(account).is_ok())
    }

    fn resource_account_in(&self, accounts: &[String]) -> bool {
        self.request
            .resource_account
            .as_ref()
            .is_some_and(|account| accounts.binary_search(account).is_ok())
    }

    fn action_service_in(&self, services: &[String]) -> bool {
        let service = self
            .request
            .action_lowercase
            .split(':')
            .next()
            .unwrap_or_default();
        services
            .binary_search_by(|candidate| candidate.as_str().cmp(service))
            .is_ok()
    }

    fn key_present(&self, key: &str) -> bool {
        self.request
            .context
            .get(key)
            .is_some_and(|entry| !entry.values.is_empty())
    }

    fn for_key_values(
        &self,
        key: &str,
        quantifier: Quantifier,
        test: &mut dyn FnMut(&str) -> bool,
    ) -> bool {
        let values = self
            .request
            .context
            .get(key)
            .map(|entry| entry.values.as_slice())
            .unwrap_or(&[]);
        match quantifier {
            Quantifier::All => values.iter().all(|value| test(value)),
            Quantifier::Any => values.iter().any(|value| test(value)),
        }
    }

    fn compare(&self, comparison: Comparison, value: &str, policy_value: &ConditionValue) -> bool {
        let lookup = self.lookup();
        let Some(pieces) = policy_value.template.resolve(&lookup) else {
            return false;
        };
        let literal = || joined(&pieces);
        match comparison {
            Comparison::StringEquals => value == literal(),
            Comparison::StringEqualsIgnoreCase => value.to_lowercase() == literal().to_lowercase(),
            Comparison::StringLike => {
                Glob::from_pieces(&pieces, WildcardRule::Plain).matches(value)
            }
            Comparison::ArnLike => ArnPattern::compile(&pieces).matches(value),
            Comparison::Numeric(ordering) => {
                match (Decimal::parse(value), Decimal::parse(&literal())) {
                    (Some(left), Some(right)) => ordering_holds(ordering, left.cmp(&right)),
                    _ => false,
                }
            }
            Comparison::Date(ordering) => match (parse_date(value), parse_date(&literal())) {
                (Some(left), Some(right)) => ordering_holds(ordering, left.cmp(&right)),
                _ => false,
            },
            Comparison::Bool => value.eq_ignore_ascii_case(&literal()),
            Comparison::BinaryEquals => value == literal(),
            Comparison::IpInRange => match (parse_ip_address(value), parse_ip_range(&literal())) {
                (Some(address), Some(range)) => range.contains(address),
                _ => false,
            },
        }
    }
}
