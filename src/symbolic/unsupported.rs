//! What the encoding cannot express, as data: each reason names the
//! construct (and the condition key or policy element it is in), so a
//! verdict that is inconclusive because of it says exactly why, and callers
//! can tell the reasons apart without reading text.
//!
//! Trusts nothing; every producer is in `request_model.rs` or `encoder.rs`.

use super::request_model::ValueFamily;
use std::fmt;

/// One construct the encoding does not cover.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Unsupported {
    /// A condition key compared with operators of different types.
    KeyComparedAsSeveralTypes {
        key: String,
        types: Vec<ValueFamily>,
    },
    /// A key read by a policy variable (text) but compared as another type.
    VariableOnTypedKey { key: String, family: ValueFamily },
    /// A key that holds text (bound to the principal, derived, an
    /// organization id) compared as another type.
    TextKeyComparedAs { key: String, family: ValueFamily },
    /// The scenario gives a value that is not of the key's type.
    GivenValueNotOfType {
        key: String,
        value: String,
        family: ValueFamily,
    },
    /// The scenario gives several values of a key the policies use as
    /// single-valued.
    SeveralValuesOfSingleValuedKey { key: String, count: usize },
    /// A policy element (action, resource, condition value) the encoder
    /// refuses, with why.
    PolicyElement {
        element: PolicyElement,
        text: String,
        why: String,
    },
}

/// Where in a policy an element the encoder refuses sits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum PolicyElement {
    Action,
    Resource,
    ConditionValue,
}

impl fmt::Display for Unsupported {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Unsupported::KeyComparedAsSeveralTypes { key, types } => write!(
                formatter,
                "condition key `{key}` is compared as more than one type ({types:?})"
            ),
            Unsupported::VariableOnTypedKey { key, family } => write!(
                formatter,
                "condition key `{key}` is read by a policy variable but compared as {family:?}"
            ),
            Unsupported::TextKeyComparedAs { key, family } => write!(
                formatter,
                "condition key `{key}` is compared as {family:?} but holds text"
            ),
            Unsupported::GivenValueNotOfType { key, value, family } => write!(
                formatter,
                "condition key `{key}` is given as `{value}`, which is not a value of its type ({family:?})"
            ),
            Unsupported::SeveralValuesOfSingleValuedKey { key, count } => write!(
                formatter,
                "the scenario gives {count} values of `{key}`, which the policies use as single-valued"
            ),
            Unsupported::PolicyElement { element, text, why } => {
                let element = match element {
                    PolicyElement::Action => "action",
                    PolicyElement::Resource => "resource",
                    PolicyElement::ConditionValue => "condition value",
                };
                write!(formatter, "{element} `{text}`: {why}")
            }
        }
    }
}
