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

/// The domain suffix of `region`'s endpoints and regional service
/// principals: `amazonaws.com.cn` in the China regions ([`partition`]
/// `aws-cn`), `amazonaws.com` elsewhere (GovCloud included) — what
/// `AWS::URLSuffix` resolves to there ("Pseudo parameters reference",
/// https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/pseudo-parameter-reference.html).
pub fn url_suffix(region: &str) -> &'static str {
    if partition(region) == "aws-cn" {
        "amazonaws.com.cn"
    } else {
        "amazonaws.com"
    }
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

/// The AWS account Elastic Load Balancing writes access logs as, in the
/// regions that opened before August 2022; `None` for later regions, where
/// the bucket policy grants the service principal
/// [`ELB_LOG_DELIVERY_SERVICE`] instead. The table is frozen: see "Step 2:
/// Attach a policy to your S3 bucket" in
/// https://docs.aws.amazon.com/elasticloadbalancing/latest/application/enable-access-logging.html
/// (the AWS CDK's region facts, `ELBV2_ACCOUNTS`, list the same accounts).
pub fn elb_log_delivery_account(region: &str) -> Option<&'static str> {
    Some(match region {
        "us-east-1" => "127311923021",
        "us-east-2" => "033677994240",
        "us-west-1" => "027434742980",
        "us-west-2" => "797873946194",
        "af-south-1" => "098369216593",
        "ap-east-1" => "754344448648",
        "ap-southeast-3" => "589379963580",
        "ap-south-1" => "718504428378",
        "ap-northeast-3" => "383597477331",
        "ap-northeast-2" => "600734575887",
        "ap-southeast-1" => "114774131450",
        "ap-southeast-2" => "783225319266",
        "ap-northeast-1" => "582318560864",
        "ca-central-1" => "985666609251",
        "eu-central-1" => "054676820928",
        "eu-west-1" => "156460612806",
        "eu-west-2" => "652711504416",
        "eu-south-1" => "635631232127",
        "eu-west-3" => "009996457667",
        "eu-north-1" => "897822967062",
        "me-south-1" => "076674570225",
        "sa-east-1" => "507241528517",
        "us-gov-west-1" => "048591011584",
        "us-gov-east-1" => "190560391635",
        "cn-north-1" => "638102146993",
        "cn-northwest-1" => "037604701340",
        _ => return None,
    })
}

/// The service principal Elastic Load Balancing writes access logs as in
/// regions that opened in August 2022 or later (see
/// [`elb_log_delivery_account`]).
pub const ELB_LOG_DELIVERY_SERVICE: &str = "logdelivery.elasticloadbalancing.amazonaws.com";

/// The partition of `region`: `aws-cn` for the China regions, `aws-us-gov`
/// for GovCloud, else `aws`.
pub fn partition(region: &str) -> &'static str {
    if region.starts_with("cn-") {
        "aws-cn"
    } else if region.starts_with("us-gov-") {
        "aws-us-gov"
    } else {
        "aws"
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn elb_writes_as_the_regional_account_in_old_regions_and_the_service_in_new_ones() {
        assert_eq!(super::elb_log_delivery_account("us-east-1"), Some("127311923021"));
        assert_eq!(super::elb_log_delivery_account("cn-north-1"), Some("638102146993"));
        // Opened after August 2022: the service principal.
        assert_eq!(super::elb_log_delivery_account("eu-central-2"), None);
        assert_eq!(super::elb_log_delivery_account("ap-southeast-4"), None);
        assert_eq!(super::partition("cn-northwest-1"), "aws-cn");
        assert_eq!(super::partition("us-gov-east-1"), "aws-us-gov");
        assert_eq!(super::partition("eu-west-1"), "aws");
    }

    #[test]
    fn region_shapes() {
        for ok in ["us-east-1", "eu-west-3", "us-gov-west-1", "ap-southeast-4"] {
            assert!(super::is_plausible_region(ok), "{ok}");
        }
        for bad in ["useast1", "US-EAST-1", "us-east", "us-east-x", ""] {
            assert!(!super::is_plausible_region(bad), "{bad}");
        }
    }

    #[test]
    fn partitions_and_url_suffixes() {
        for (region, partition, suffix) in [
            ("us-east-1", "aws", "amazonaws.com"),
            ("eu-central-1", "aws", "amazonaws.com"),
            ("cn-north-1", "aws-cn", "amazonaws.com.cn"),
            ("cn-northwest-1", "aws-cn", "amazonaws.com.cn"),
            ("us-gov-west-1", "aws-us-gov", "amazonaws.com"),
        ] {
            assert_eq!(super::partition(region), partition, "{region}");
            assert_eq!(super::url_suffix(region), suffix, "{region}");
        }
    }
}
