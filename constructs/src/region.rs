//! AWS region names.

/// Whether `s` looks like an AWS region code (`us-east-1`, `eu-central-2`,
/// `us-gov-west-1`, `cn-north-1`). Unknown future regions of the same shape
/// are accepted.
pub fn is_plausible_region(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    if parts.len() < 3 || parts.len() > 4 {
        return false;
    }
    let (first, last) = (parts[0], parts[parts.len() - 1]);
    first.len() == 2
        && first.bytes().all(|b| b.is_ascii_lowercase())
        && parts[1..parts.len() - 1].iter().all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_lowercase()))
        && !last.is_empty()
        && last.bytes().all(|b| b.is_ascii_digit())
}

/// The most availability zones any account sees in `region` (what
/// `Fn::GetAZs` can return at best), for the regions rcdk knows; `None` for
/// others. A VPC asking for more zones fails at deploy. Accounts may see
/// fewer (us-west-1 shows two to new accounts), so this is an upper bound
/// and never refuses a layout that can work.
pub fn availability_zone_count(region: &str) -> Option<usize> {
    Some(match region {
        "us-east-1" => 6,
        "us-west-2" => 4,
        "ap-northeast-2" => 4,
        "ap-northeast-1" => 4,
        "us-east-2" | "us-west-1" | "ca-central-1" | "sa-east-1" | "eu-west-1" | "eu-west-2" | "eu-west-3"
        | "eu-central-1" | "eu-north-1" | "eu-south-1" | "ap-southeast-1" | "ap-southeast-2" | "ap-south-1"
        | "ap-east-1" | "me-south-1" | "af-south-1" => 3,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn region_shapes() {
        for ok in ["us-east-1", "eu-west-3", "us-gov-west-1", "ap-southeast-4"] {
            assert!(super::is_plausible_region(ok), "{ok}");
        }
        for bad in ["useast1", "US-EAST-1", "us-east", "us-east-x", ""] {
            assert!(!super::is_plausible_region(bad), "{bad}");
        }
    }
}
