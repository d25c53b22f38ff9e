//! Model → concrete request: reads a solver model back as a
//! [`ConcreteRequest`] the reference evaluator can replay.
//!
//! Only keys that some policy mentions appear in the context (a key absent
//! from the model is absent from the request). Values are written in the
//! forms the value parsers of `values/` read back: decimals, ISO-8601 dates
//! with milliseconds, textual IP addresses. The decoder checks the
//! character formats of `request_model.rs` and reports the variables that
//! break them, so the query can assert those formats and solve again.
//!
//! Trusts the model to satisfy the axioms; the replay in `query/` checks
//! everything else.

use super::request_model::{FormattedVariable, RequestModel, SymbolicValue, PRINCIPAL_KINDS};
use super::z3_backend::{Model, Value};
use crate::request::{ConcreteRequest, PrincipalKind, RequestPrincipal};
use std::net::{Ipv4Addr, Ipv6Addr};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    #[error("the model breaks the format of {0}")]
    Format(String),
    #[error("the model's principal cannot be read back: {0}")]
    Principal(String),
    #[error("the model lacks a value for {0}")]
    Missing(String),
}

/// The formatted variables whose model value breaks their format.
pub fn format_violations(model: &RequestModel, values: &Model) -> Vec<FormattedVariable> {
    let mut violations: Vec<FormattedVariable> = model
        .formats
        .iter()
        .filter(|formatted| {
            values
                .string(&formatted.name)
                .is_some_and(|text| !formatted.format.accepts(text))
        })
        .cloned()
        .collect();
    let service = model.service_name_format();
    let is_service = kind_of(model, values) == Some(PrincipalKind::Service);
    if is_service
        && values
            .string(&service.name)
            .is_some_and(|text| !service.format.accepts(text))
    {
        violations.push(service);
    }
    violations
}

fn kind_of(model: &RequestModel, values: &Model) -> Option<PrincipalKind> {
    match values.evaluate(&model.principal.kind)? {
        Value::Int(code) => PRINCIPAL_KINDS.get(usize::try_from(code).ok()?).copied(),
        _ => None,
    }
}

fn text(values: &Model, term: &super::term::Term, what: &str) -> Result<String, DecodeError> {
    match values.evaluate(term) {
        Some(Value::String(text)) => Ok(text),
        _ => Err(DecodeError::Missing(what.to_string())),
    }
}

/// Reads the request of a model.
pub fn decode(model: &RequestModel, values: &Model) -> Result<ConcreteRequest, DecodeError> {
    if let Some(violation) = format_violations(model, values).first() {
        return Err(DecodeError::Format(violation.name.clone()));
    }
    let kind =
        kind_of(model, values).ok_or_else(|| DecodeError::Missing("principal kind".into()))?;
    let principal_text = text(values, &model.principal.text, "principal")?;
    let written = match kind {
        PrincipalKind::FederatedProvider => format!("federated:{principal_text}"),
        _ => principal_text,
    };
    let principal = RequestPrincipal::parse(&written)
        .map_err(|error| DecodeError::Principal(error.to_string()))?;
    if principal.kind != kind {
        return Err(DecodeError::Principal(format!(
            "`{written}` reads as {:?}, the model says {kind:?}",
            principal.kind
        )));
    }
    let service = text(values, &model.action_service, "action service")?;
    let name = text(values, &model.action_name, "action name")?;
    let resource = text(values, &model.resource, "resource")?;
    let resource_account = text(values, &model.resource_account, "resource account")?;
    let mut request = ConcreteRequest::new(principal, &format!("{service}:{name}"), &resource);
    request.resource_account = (!resource_account.is_empty()).then_some(resource_account);
    for key in model.keys.values() {
        let mut key_values = Vec::new();
        // A key the sides derive differently: what the request gives.
        let slots = key.given.as_ref().unwrap_or(&key.slots);
        for slot in slots {
            if values.evaluate(&slot.active) != Some(Value::Bool(true)) {
                break;
            }
            key_values.push(value_text(values, &slot.value, &key.display)?);
        }
        if !key_values.is_empty() {
            request
                .context
                .set(&key.display, key_values, key.multivalued);
        }
    }
    Ok(request)
}

fn value_text(values: &Model, value: &SymbolicValue, key: &str) -> Result<String, DecodeError> {
    let missing = || DecodeError::Missing(format!("a value of `{key}`"));
    Ok(match value {
        SymbolicValue::Text { value, .. } => text(values, value, key)?,
        SymbolicValue::Number { scaled, scale } => match values.evaluate(scaled) {
            Some(Value::Int(number)) => format_decimal(number, *scale),
            _ => return Err(missing()),
        },
        SymbolicValue::Date { milliseconds } => match values.evaluate(milliseconds) {
            Some(Value::Int(milliseconds)) => format_date(milliseconds),
            _ => return Err(missing()),
        },
        SymbolicValue::Ip { bits, is_v6 } => {
            match (values.evaluate(bits), values.evaluate(is_v6)) {
                (Some(Value::BitVec(bits)), Some(Value::Bool(is_v6))) => {
                    format_address(bits, is_v6)
                }
                _ => return Err(missing()),
            }
        }
    })
}

/// `number / 10^scale` as a decimal (`-12.5`, `3`).
pub fn format_decimal(number: i128, scale: u32) -> String {
    let digits = number.unsigned_abs().to_string();
    let sign = if number < 0 { "-" } else { "" };
    let scale = scale as usize;
    if scale == 0 {
        return format!("{sign}{digits}");
    }
    let padded = format!("{digits:0>width$}", width = scale + 1);
    let (integer, fraction) = padded.split_at(padded.len() - scale);
    let fraction = fraction.trim_end_matches('0');
    if fraction.is_empty() {
        format!("{sign}{integer}")
    } else {
        format!("{sign}{integer}.{fraction}")
    }
}

/// Milliseconds since the epoch as ISO 8601 in UTC.
pub fn format_date(milliseconds: i128) -> String {
    let milliseconds = milliseconds.max(0) as i64;
    let days = milliseconds.div_euclid(86_400_000);
    let in_day = milliseconds.rem_euclid(86_400_000);
    let (year, month, day) = crate::values::date::civil_from_days(days);
    let (hour, minute) = (in_day / 3_600_000, (in_day / 60_000) % 60);
    let (second, millisecond) = ((in_day / 1000) % 60, in_day % 1000);
    format!("{year:04}-{month:02}-{day:02}T{hour:02}:{minute:02}:{second:02}.{millisecond:03}Z")
}

fn format_address(bits: u128, is_v6: bool) -> String {
    if is_v6 {
        Ipv6Addr::from(bits).to_string()
    } else {
        Ipv4Addr::from(bits as u32).to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::values::{parse_date, parse_ip_address, Decimal};

    #[test]
    fn values_read_back() {
        for (number, scale) in [(125, 1), (-5, 2), (0, 3), (42, 0), (1000, 1)] {
            let text = format_decimal(number, scale);
            let (parsed, digits) = Decimal::parse(&text).unwrap().as_scaled_integer().unwrap();
            assert_eq!(parsed * 10i128.pow(scale - digits), number, "{text}");
        }
        for milliseconds in [
            0i128,
            1,
            1_700_000_000_123,
            951_782_400_000,
            253_402_300_799_999,
        ] {
            assert_eq!(
                parse_date(&format_date(milliseconds)).map(i128::from),
                Some(milliseconds)
            );
        }
        let v6 = (0x2001_0db8u128 << 96) + 1;
        assert_eq!(format_address(v6, true), "2001:db8::1");
        assert!(parse_ip_address(&format_address(0x0a000001, false)).is_some());
        assert_eq!(format_address(0xffff_0a00_0001, true), "::ffff:10.0.0.1");
    }
}
