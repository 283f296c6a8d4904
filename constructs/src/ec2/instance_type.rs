//! EC2 instance type names, shared by every construct that launches instances.

/// Whether `s` has the shape of an EC2 instance type, `family.size`: e.g.
/// `t3.medium`, `m7i-flex.large`, `c6gn.16xlarge`, `u-6tb1.metal`. The
/// family starts with a letter and holds a generation digit. Whether the
/// type exists in a region is left to EC2.
pub fn is_plausible_instance_type(s: &str) -> bool {
    let Some((family, size)) = s.split_once('.') else { return false };
    let ok = |p: &str| !p.is_empty() && p.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    ok(family)
        && ok(size)
        && family.starts_with(|c: char| c.is_ascii_lowercase())
        && family.contains(|c: char| c.is_ascii_digit())
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
        for ok in ["t3.medium", "m7i-flex.large", "c6gn.16xlarge", "u-6tb1.metal", "t4g.nano"] {
            assert!(is_plausible_instance_type(ok), "{ok}");
        }
        for bad in ["t3", "T3.medium", ".large", "t3.", "t3 .medium", "", "large.xl", "t3.medium.x"] {
            assert!(!is_plausible_instance_type(bad), "{bad}");
        }
        assert!(is_graviton("t4g.micro") && is_graviton("c6gn.large") && is_graviton("m7gd.xlarge"));
        assert!(!is_graviton("t3.micro") && !is_graviton("m7i-flex.large"));
    }
}
