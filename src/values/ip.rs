//! IP addresses and CIDR ranges for IpAddress/NotIpAddress, IPv4 and IPv6,
//! as 128-bit integers (IPv4 kept in its own family: a v4 range never
//! matches a v6 address).

use std::net::IpAddr;

/// A range of addresses of one family.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IpRange {
    pub is_v6: bool,
    pub first: u128,
    pub last: u128,
}

impl IpRange {
    pub fn contains(&self, address: IpAddr) -> bool {
        let (is_v6, value) = address_bits(address);
        is_v6 == self.is_v6 && self.first <= value && value <= self.last
    }
}

/// The address family and value of an address.
pub fn address_bits(address: IpAddr) -> (bool, u128) {
    match address {
        IpAddr::V4(v4) => (false, u128::from(u32::from(v4))),
        IpAddr::V6(v6) => (true, u128::from(v6)),
    }
}

pub fn parse_ip_address(text: &str) -> Option<IpAddr> {
    text.trim().parse().ok()
}

/// `203.0.113.0/24`, `2001:db8::/32`, or a single address.
pub fn parse_ip_range(text: &str) -> Option<IpRange> {
    let text = text.trim();
    let (address, prefix) = match text.split_once('/') {
        Some((address, prefix)) => (address, Some(prefix.parse::<u32>().ok()?)),
        None => (text, None),
    };
    let (is_v6, value) = address_bits(address.parse().ok()?);
    let width = if is_v6 { 128 } else { 32 };
    let prefix = prefix.unwrap_or(width);
    if prefix > width {
        return None;
    }
    let host_bits = width - prefix;
    let host_mask: u128 = if host_bits == 128 {
        u128::MAX
    } else {
        (1u128 << host_bits) - 1
    };
    Some(IpRange {
        is_v6,
        first: value & !host_mask,
        last: value | host_mask,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_contain_their_addresses() {
        let range = parse_ip_range("203.0.113.0/24").unwrap();
        assert!(range.contains("203.0.113.7".parse().unwrap()));
        assert!(!range.contains("203.0.114.7".parse().unwrap()));
        let range = parse_ip_range("2001:db8::/32").unwrap();
        assert!(range.contains("2001:db8::1".parse().unwrap()));
        assert!(!range.contains("10.0.0.1".parse().unwrap()));
        assert!(parse_ip_range("0.0.0.0/0")
            .unwrap()
            .contains("8.8.8.8".parse().unwrap()));
        assert!(parse_ip_range("10.0.0.0/33").is_none());
        assert!(parse_ip_range("10.0.0.1")
            .unwrap()
            .contains("10.0.0.1".parse().unwrap()));
    }
}
