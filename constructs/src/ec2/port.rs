//! Port ranges of security group rules and connections.

/// A TCP port range (`from..=to`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Port {
    /// The first port.
    pub from: u16,
    /// The last port (inclusive).
    pub to: u16,
}

impl Port {
    /// One TCP port.
    pub const fn tcp(port: u16) -> Port {
        Port { from: port, to: port }
    }

    /// A TCP port range, `from..=to`.
    pub const fn tcp_range(from: u16, to: u16) -> Port {
        Port { from, to }
    }
}
