//! IP protocols and port ranges, as templates spell them in security group
//! rules and network ACL entries.

use super::model::V;

/// An IP protocol of a rule or ACL entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Proto {
    All,
    Tcp,
    Other,
    Unknown,
}

impl Proto {
    pub(crate) fn parse(v: &V<'_>) -> Proto {
        match v {
            V::Str(s) if s == "-1" || s.eq_ignore_ascii_case("all") => Proto::All,
            V::Str(s) if s.eq_ignore_ascii_case("tcp") || s == "6" => Proto::Tcp,
            V::Num(n) if *n == -1.0 => Proto::All,
            V::Num(n) if *n == 6.0 => Proto::Tcp,
            V::Str(_) | V::Num(_) => Proto::Other,
            _ => Proto::Unknown,
        }
    }
}

/// Ports, inclusive.
pub(crate) type Ports = (i64, i64);

/// The dynamic host ports ECS gives bridge-mode containers without a fixed host port.
pub const DYNAMIC_PORTS: (i64, i64) = (32768, 65535);
/// The ephemeral ports clients and load balancers answer from and to.
pub const EPHEMERAL_PORTS: (i64, i64) = (1024, 65535);

/// `port 80`, `ports 1024-65535` or `all ports`.
pub(crate) fn ports_text(p: Ports) -> String {
    if p.0 == p.1 {
        format!("port {}", p.0)
    } else if p == (0, 65535) || p == (-1, -1) {
        "all ports".into()
    } else {
        format!("ports {}-{}", p.0, p.1)
    }
}
