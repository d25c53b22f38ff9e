//! Condition operators: positive and negated comparisons, `IfExists`, `Null`,
//! and the `ForAllValues:`/`ForAnyValue:` set qualifiers, over the
//! interpretation's primitive comparison.
//!
//! Source: "IAM JSON policy elements: Condition operators"
//! (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html)
//! and "Multivalued context keys"
//! (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html):
//! values for one key are ORed; a negated operator holds when the key's
//! value matches none of them; a missing key makes positive operators false
//! and negated ones true; `IfExists` makes a missing key true; ForAllValues
//! holds on a missing key or empty set, ForAnyValue does not; `Null: true`
//! holds when the key is absent.

use super::{Interpretation, Quantifier};
use crate::policy::{BaseOperator, Condition, SetQualifier};

/// One condition entry (`operator: {key: values}`) holds.
pub fn condition_holds<I: Interpretation>(interpretation: &I, condition: &Condition) -> I::Bool {
    let key = condition.key_lowercase.as_str();
    let operator = condition.operator;
    let Some((comparison, negated)) = operator.base.comparison() else {
        debug_assert_eq!(operator.base, BaseOperator::Null);
        // Null: "true" asks for absence, "false" for presence; values ORed.
        return interpretation.any_of(&condition.values, |value| {
            let present = interpretation.key_present(key);
            if value.text == "true" {
                interpretation.not(present)
            } else {
                present
            }
        });
    };
    // One value of the key against the policy values (ORed), negation after.
    let mut value_test = |value: &I::KeyValue| {
        let matched = interpretation.any_of(&condition.values, |policy_value| {
            interpretation.compare(comparison, value, policy_value)
        });
        if negated {
            interpretation.not(matched)
        } else {
            matched
        }
    };
    let core = match operator.set_qualifier {
        // A single-valued operator: the key's value matches (any of its
        // values, should the key carry several). Negated operators hold
        // when no value matches, and so on a missing key.
        None => {
            let mut positive_test = |value: &I::KeyValue| {
                interpretation.any_of(&condition.values, |policy_value| {
                    interpretation.compare(comparison, value, policy_value)
                })
            };
            let any = interpretation.for_key_values(key, Quantifier::Any, &mut positive_test);
            if negated {
                interpretation.not(any)
            } else {
                any
            }
        }
        Some(SetQualifier::ForAnyValue) => {
            interpretation.for_key_values(key, Quantifier::Any, &mut value_test)
        }
        Some(SetQualifier::ForAllValues) => {
            interpretation.for_key_values(key, Quantifier::All, &mut value_test)
        }
    };
    // ForAnyValue on an absent key is false, IfExists or not: "For no
    // matching context key or if the key does not exist, the condition
    // returns false" (the single- vs multivalued keys page); IAM is
    // reported to evaluate `ForAnyValue:…IfExists` that way. (ForAllValues
    // holds on an absent key anyway.)
    let if_exists_applies =
        operator.if_exists && operator.set_qualifier != Some(SetQualifier::ForAnyValue);
    if if_exists_applies {
        let absent = interpretation.not(interpretation.key_present(key));
        interpretation.or2(absent, core)
    } else {
        core
    }
}
