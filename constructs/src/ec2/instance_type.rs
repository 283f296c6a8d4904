//! EC2 instance type names, shared by every construct that launches instances.

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
}
