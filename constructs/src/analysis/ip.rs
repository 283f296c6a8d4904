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

/// The host ports rcdk admits for bridge-mode containers without a fixed
/// host port: both ranges below, so Linux and Windows instances alike.
pub const DYNAMIC_PORTS: (i64, i64) = (32768, 65535);
/// The dynamic host ports of Linux container instances: ECS takes them from
/// `/proc/sys/net/ipv4/ip_local_port_range`, whose kernel default (and the
/// ECS-optimized AMIs' value) is 32768-60999.
/// <https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_PortMapping.html>
pub const LINUX_DYNAMIC_PORTS: (i64, i64) = (32768, 60999);
/// The dynamic host ports of Windows container instances (the page above).
pub const WINDOWS_DYNAMIC_PORTS: (i64, i64) = (49152, 65535);

/// The operating system of container instances, as far as it decides the
/// dynamic host port range.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Os {
    Linux,
    Windows,
}

impl Os {
    /// The OS an AMI's public SSM parameter name (or AMI name) stands for.
    pub(crate) fn of_image(path: &str) -> Option<Os> {
        let p = path.to_ascii_lowercase();
        if p.contains("windows") {
            Some(Os::Windows)
        } else if ["amazon-linux", "amzn", "al2023", "bottlerocket", "ubuntu", "debian", "rhel", "linux"]
            .iter()
            .any(|k| p.contains(k))
        {
            Some(Os::Linux)
        } else {
            None
        }
    }
}

/// The host ports a target listens on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum HostPorts {
    /// A port or range known before deployment.
    Fixed(Ports),
    /// ECS's dynamic host ports (bridge mode without a host port), on
    /// instances of this OS (`None`: either).
    Dynamic(Option<Os>),
}

impl HostPorts {
    /// The ranges the targets may listen on, each with its name: one when
    /// it is known, both OS's ranges when the OS is not.
    pub(crate) fn alternatives(self) -> Vec<(Ports, &'static str)> {
        match self {
            HostPorts::Fixed(p) => vec![(p, "")],
            HostPorts::Dynamic(Some(Os::Linux)) => vec![(LINUX_DYNAMIC_PORTS, "Linux")],
            HostPorts::Dynamic(Some(Os::Windows)) => vec![(WINDOWS_DYNAMIC_PORTS, "Windows")],
            HostPorts::Dynamic(None) => vec![(LINUX_DYNAMIC_PORTS, "Linux"), (WINDOWS_DYNAMIC_PORTS, "Windows")],
        }
    }

    /// The smallest range holding every alternative.
    pub(crate) fn span(self) -> Ports {
        let alts = self.alternatives();
        (alts.iter().map(|(p, _)| p.0).min().unwrap_or(0), alts.iter().map(|(p, _)| p.1).max().unwrap_or(65535))
    }
}
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_os_of_an_image_path_decides_the_dynamic_host_ports() {
        assert_eq!(
            Os::of_image("/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended/image_id"),
            Some(Os::Linux)
        );
        assert_eq!(Os::of_image("/aws/service/bottlerocket/aws-ecs-2/x86_64/latest/image_id"), Some(Os::Linux));
        assert_eq!(
            Os::of_image("/aws/service/ami-windows-latest/Windows_Server-2022-English-Full-ECS_Optimized/image_id"),
            Some(Os::Windows)
        );
        assert_eq!(Os::of_image("/my/own/image"), None);
        assert_eq!(HostPorts::Dynamic(Some(Os::Linux)).alternatives(), vec![(LINUX_DYNAMIC_PORTS, "Linux")]);
        assert_eq!(HostPorts::Dynamic(None).span(), DYNAMIC_PORTS);
        // rcdk's own rules admit both ranges.
        assert!(DYNAMIC_PORTS.0 <= LINUX_DYNAMIC_PORTS.0 && DYNAMIC_PORTS.1 >= WINDOWS_DYNAMIC_PORTS.1);
    }
}
