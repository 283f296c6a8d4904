//! EC2 instance types: their names, and what each offers (vCPUs, memory,
//! network interfaces), shared by every construct that launches instances
//! and by the placement checks of the whole-app analysis.

use std::sync::OnceLock;

/// Every EC2 instance type offered in at least one region, one a line,
/// sorted, after `#` comment lines naming the source: the pinned cfn-lint's
/// per-region instance type lists, vendored by `scripts/vendor-instance-types`.
const INSTANCE_TYPES: &str = include_str!("../../data/ec2-instance-types.txt");

/// Whether `s` is an EC2 instance type that exists, e.g. `t3.medium`,
/// `m7i-flex.large`, `c6gn.16xlarge`, `u-6tb1.metal` (`t33.medium` is not).
/// The list is the union over every region (see
/// `constructs/data/ec2-instance-types.txt`); whether the type is offered in
/// the stack's region is left to EC2.
pub fn is_plausible_instance_type(s: &str) -> bool {
    !s.is_empty() && !s.starts_with('#') && INSTANCE_TYPES.lines().any(|line| line == s)
}

/// What an instance type offers, as EC2's `DescribeInstanceTypes` reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InstanceTypeSpec {
    /// Default vCPUs (`VCpuInfo.DefaultVCpus`); ECS counts 1024 CPU units each.
    pub vcpus: u32,
    /// Memory in MiB (`MemoryInfo.SizeInMiB`); ECS registers a little less
    /// for tasks (the agent and the OS keep some).
    pub memory_mib: u32,
    /// Network interfaces that can be attached, the primary one included
    /// (`NetworkInfo.MaximumNetworkInterfaces`): an instance runs at most one
    /// fewer `awsvpc` tasks without ENI trunking.
    pub max_network_interfaces: u32,
}

impl InstanceTypeSpec {
    /// CPU units ECS can reserve on the instance: 1024 per vCPU.
    pub fn cpu_units(&self) -> u32 {
        self.vcpus.saturating_mul(1024)
    }

    /// `awsvpc` tasks one instance can run without ENI trunking: one per
    /// network interface but the primary (Amazon ECS Developer Guide,
    /// "Increasing Amazon ECS Linux container instance network interfaces").
    pub fn awsvpc_tasks(&self) -> u32 {
        self.max_network_interfaces.saturating_sub(1)
    }
}

/// `name<TAB>vCPUs<TAB>MiB<TAB>max network interfaces`, sorted by name,
/// after `#` comment lines naming the source (moto's copy of EC2's
/// `DescribeInstanceTypes`), vendored by `scripts/vendor-instance-types`.
const INSTANCE_SPECS: &str = include_str!("../../data/ec2-instance-specs.tsv");

fn specs() -> &'static [(&'static str, InstanceTypeSpec)] {
    static SPECS: OnceLock<Vec<(&'static str, InstanceTypeSpec)>> = OnceLock::new();
    SPECS.get_or_init(|| {
        let mut rows: Vec<(&'static str, InstanceTypeSpec)> = INSTANCE_SPECS
            .lines()
            .filter(|l| !l.starts_with('#'))
            .filter_map(|l| {
                let mut f = l.split('\t');
                let name = f.next()?;
                let mut n = || f.next().and_then(|x| x.parse::<u32>().ok());
                let (vcpus, memory_mib, max_network_interfaces) = (n()?, n()?, n()?);
                Some((name, InstanceTypeSpec { vcpus, memory_mib, max_network_interfaces }))
            })
            .collect();
        rows.sort_by(|a, b| a.0.cmp(b.0));
        rows
    })
}

/// What the instance type `name` offers, when rcdk's table knows it (see
/// `constructs/data/ec2-instance-specs.tsv`), e.g. `t3.small`: 2 vCPUs,
/// 2048 MiB, 3 network interfaces.
pub fn instance_type_spec(name: &str) -> Option<InstanceTypeSpec> {
    let rows = specs();
    rows.binary_search_by(|(n, _)| (*n).cmp(name)).ok().map(|i| rows[i].1)
}

/// Whether an instance type is Graviton (arm64): a `g` among the letters
/// after the generation digit, as in `t4g`, `m7gd`, `c6gn`.
pub fn is_graviton(instance_type: &str) -> bool {
    let family = instance_type.split('.').next().unwrap_or("");
    match family.find(|c: char| c.is_ascii_digit()) {
        Some(i) => family[i..].trim_start_matches(|c: char| c.is_ascii_digit()).contains('g'),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn instance_types() {
        for ok in ["t3.medium", "m7i-flex.large", "c6gn.16xlarge", "u-6tb1.metal", "t4g.nano", "a1.2xlarge"] {
            assert!(is_plausible_instance_type(ok), "{ok}");
        }
        for bad in
            ["t3", "T3.medium", ".large", "t3.", "t3 .medium", "", "large.xl", "t3.medium.x", "t33.medium", "t3.huge"]
        {
            assert!(!is_plausible_instance_type(bad), "{bad}");
        }
        assert!(INSTANCE_TYPES.lines().any(|l| l.contains("cfn-lint")), "the source is recorded");
        assert!(is_graviton("t4g.micro") && is_graviton("c6gn.large") && is_graviton("m7gd.xlarge"));
        assert!(!is_graviton("t3.micro") && !is_graviton("m7i-flex.large"));
    }

    #[test]
    fn instance_type_specs() {
        let t3 = instance_type_spec("t3.small").expect("t3.small");
        assert_eq!(t3, InstanceTypeSpec { vcpus: 2, memory_mib: 2048, max_network_interfaces: 3 });
        assert_eq!((t3.cpu_units(), t3.awsvpc_tasks()), (2048, 2));
        assert_eq!(instance_type_spec("t4g.nano").map(|s| s.awsvpc_tasks()), Some(1));
        assert_eq!(instance_type_spec("m5.large").map(|s| s.memory_mib), Some(8192));
        assert_eq!(instance_type_spec("t33.medium"), None);
        assert!(INSTANCE_SPECS.lines().any(|l| l.contains("moto")), "the source is recorded");
        // The two sources are vendored from different packages: nearly every type with specs is a known name.
        let unknown = specs().iter().filter(|(n, _)| !is_plausible_instance_type(n)).count();
        assert!(unknown <= 5, "{unknown} types with specs are not in the name list");
        assert!(specs().len() > 1000);
    }
}
