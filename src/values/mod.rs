//! Typed values of condition keys and policy literals: decimal numbers,
//! dates, IP addresses and ranges. Parsing lives here once, used by the
//! concrete evaluator and by the symbolic encoder for policy literals.
//!
//! Formats: "Condition operators"
//! (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html)
//! — dates in ISO 8601 (W3C profile) or epoch seconds, IP ranges in CIDR
//! notation (RFC 4632), IPv4 and IPv6.

pub mod date;
pub mod decimal;
pub mod ip;

pub use date::parse_date;
pub use decimal::Decimal;
pub use ip::{parse_ip_address, parse_ip_range, IpRange};
