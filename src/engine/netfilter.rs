//! Engine layer: ZMQ_TCP_ACCEPT_FILTER's address ranges (IPv4 or IPv6 CIDR, or one address), parsed
//! from text and matched against a peer's address. Pure data: a listener asks `admits` per accept.

use super::error::{EngineError, Result};
use std::net::IpAddr;

/// One address range: an address and how many leading bits of it must match.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cidr {
    addr: IpAddr,
    prefix: u8,
}

impl Cidr {
    /// Parses `10.0.0.0/8`, `::1/128` or a bare address (all bits). `EINVAL` otherwise.
    pub fn parse(text: &str) -> Result<Cidr> {
        let (addr, prefix) = match text.split_once('/') {
            Some((addr, bits)) => (addr, Some(bits)),
            None => (text, None),
        };
        let addr: IpAddr = addr.parse().map_err(|_| EngineError::InvalidArgument)?;
        let max = if addr.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix {
            None => max,
            Some(bits) => match bits.parse::<u8>() {
                Ok(n) if n <= max && !bits.starts_with('+') => n,
                _ => return Err(EngineError::InvalidArgument),
            },
        };
        Ok(Cidr { addr, prefix })
    }

    /// Whether `peer` is in the range. IPv4 peers seen through an IPv6 listener (`::ffff:a.b.c.d`)
    /// match IPv4 ranges.
    pub fn contains(&self, peer: IpAddr) -> bool {
        match (self.addr, peer.to_canonical()) {
            (IpAddr::V4(net), IpAddr::V4(ip)) => {
                same_prefix(&net.octets(), &ip.octets(), self.prefix)
            }
            (IpAddr::V6(net), IpAddr::V6(ip)) => {
                same_prefix(&net.octets(), &ip.octets(), self.prefix)
            }
            _ => false,
        }
    }
}

impl std::fmt::Display for Cidr {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.addr, self.prefix)
    }
}

fn same_prefix(a: &[u8], b: &[u8], bits: u8) -> bool {
    let whole = usize::from(bits / 8);
    if a[..whole] != b[..whole] {
        return false;
    }
    let rest = bits % 8;
    if rest == 0 {
        return true;
    }
    let mask = 0xffu8 << (8 - rest);
    a[whole] & mask == b[whole] & mask
}

/// Whether a peer at `peer` may connect: no filters admit everyone, else one must contain it.
pub fn admits(filters: &[Cidr], peer: IpAddr) -> bool {
    filters.is_empty() || filters.iter().any(|f| f.contains(peer))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    #[test]
    fn ranges_parse_and_match() {
        let lan = Cidr::parse("192.168.0.0/16").unwrap();
        assert!(lan.contains(ip("192.168.7.9")));
        assert!(!lan.contains(ip("192.169.0.1")));
        assert!(lan.contains(ip("::ffff:192.168.1.1")));
        let odd = Cidr::parse("10.0.0.0/9").unwrap();
        assert!(odd.contains(ip("10.127.255.255")));
        assert!(!odd.contains(ip("10.128.0.0")));
        let one = Cidr::parse("127.0.0.1").unwrap();
        assert!(one.contains(ip("127.0.0.1")) && !one.contains(ip("127.0.0.2")));
        let v6 = Cidr::parse("fe80::/10").unwrap();
        assert!(v6.contains(ip("fe80::1")) && !v6.contains(ip("::1")));
        assert!(!v6.contains(ip("10.0.0.1")));
        assert!(Cidr::parse("0.0.0.0/0").unwrap().contains(ip("8.8.8.8")));
        for bad in [
            "",
            "10.0.0.0/33",
            "::/129",
            "nope/8",
            "10.0.0.0/",
            "10.0.0.0/+8",
            "1.2.3/8",
        ] {
            assert_eq!(Cidr::parse(bad).unwrap_err().code(), "EINVAL", "{bad}");
        }
        assert_eq!(lan.to_string(), "192.168.0.0/16");
        assert!(admits(&[], ip("1.2.3.4")));
        assert!(!admits(&[lan], ip("1.2.3.4")));
    }
}
