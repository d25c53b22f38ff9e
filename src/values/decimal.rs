//! Exact decimal numbers for the Numeric operators: no floating point, so
//! `0.1 + 0.2`-style surprises cannot change a decision.

use std::cmp::Ordering;

/// A decimal as sign, integer digits and fraction digits, normalised (no
/// leading integer zeros, no trailing fraction zeros, zero is positive).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decimal {
    negative: bool,
    integer_digits: String,
    fraction_digits: String,
}

impl Decimal {
    /// Parses `-12`, `3.50`, `+7`, `1e3` is refused (IAM documents integers
    /// and decimals only).
    pub fn parse(text: &str) -> Option<Decimal> {
        let text = text.trim();
        let (negative, unsigned) = match text.as_bytes().first()? {
            b'-' => (true, &text[1..]),
            b'+' => (false, &text[1..]),
            _ => (false, text),
        };
        let (integer, fraction) = match unsigned.split_once('.') {
            Some((integer, fraction)) => (integer, fraction),
            None => (unsigned, ""),
        };
        if integer.is_empty() && fraction.is_empty() {
            return None;
        }
        if !integer.bytes().all(|byte| byte.is_ascii_digit())
            || !fraction.bytes().all(|byte| byte.is_ascii_digit())
        {
            return None;
        }
        let integer_digits = integer.trim_start_matches('0').to_string();
        let fraction_digits = fraction.trim_end_matches('0').to_string();
        let is_zero = integer_digits.is_empty() && fraction_digits.is_empty();
        Some(Decimal {
            negative: negative && !is_zero,
            integer_digits,
            fraction_digits,
        })
    }

    /// As numerator over a power of ten: `(numerator, fraction digit count)`;
    /// `None` when it does not fit in 128 bits.
    pub fn as_scaled_integer(&self) -> Option<(i128, u32)> {
        let digits = format!("{}{}", self.integer_digits, self.fraction_digits);
        let magnitude: i128 = if digits.is_empty() {
            0
        } else {
            digits.parse().ok()?
        };
        let scale = u32::try_from(self.fraction_digits.len()).ok()?;
        Some((if self.negative { -magnitude } else { magnitude }, scale))
    }

    fn magnitude_cmp(&self, other: &Decimal) -> Ordering {
        self.integer_digits
            .len()
            .cmp(&other.integer_digits.len())
            .then_with(|| self.integer_digits.cmp(&other.integer_digits))
            .then_with(|| self.fraction_digits.cmp(&other.fraction_digits))
    }
}

impl Ord for Decimal {
    fn cmp(&self, other: &Self) -> Ordering {
        match (self.negative, other.negative) {
            (false, true) => Ordering::Greater,
            (true, false) => Ordering::Less,
            (false, false) => self.magnitude_cmp(other),
            (true, true) => other.magnitude_cmp(self),
        }
    }
}

impl PartialOrd for Decimal {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(text: &str) -> Decimal {
        Decimal::parse(text).unwrap()
    }

    #[test]
    fn compares_exactly() {
        assert_eq!(d("10"), d("10.0"));
        assert_eq!(d("-0"), d("0"));
        assert!(d("9.99") < d("10"));
        assert!(d("-10") < d("-9.5"));
        assert!(d("0.1") > d("0.09"));
        assert!(Decimal::parse("ten").is_none());
        assert!(Decimal::parse("").is_none());
        assert!(Decimal::parse("1e3").is_none());
        assert_eq!(d("12.50").as_scaled_integer(), Some((125, 1)));
    }
}
