//! What `rcdk ami update` reads from the synthesized stacks and what it
//! prints, without AWS: the cluster AMIs each stack reads (region, the
//! recommended-AMI parameter, the release the template reads now), and one
//! line per pin.

use std::collections::BTreeMap;

use rcdk_constructs::cfn::ParameterType;
use rcdk_constructs::core::context::{read_ami_parameter, recommended_prefix};
use rcdk_constructs::core::SynthesizedStack;
use serde_json::Value;

/// The prefix of the ECS-optimized AMI parameters, left out of printed names.
const ECS_AMI_PREFIX: &str = "/aws/service/ecs/optimized-ami/";

/// Where an AMI can be pinned: a region and the SSM parameter of a
/// recommended AMI (`.../recommended/image_id`).
pub type PinKey = (String, String);

/// The pinnable AMIs of some stacks.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Uses {
    /// Per (region, recommended-AMI parameter): the stacks that read it,
    /// each with the release its template reads (`None`: the recommended
    /// AMI, resolved at every deploy).
    pub pins: BTreeMap<PinKey, Vec<(String, Option<String>)>>,
    /// Stacks that read such a parameter but name no region: their AMI
    /// cannot be pinned (the region is what a pin is looked up by).
    pub without_region: Vec<String>,
}

/// The pinnable AMIs `stacks` read: every template parameter of type
/// `AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>` whose default is a
/// recommended-AMI parameter, or the release parameter a pin made of one.
pub fn uses(stacks: &[SynthesizedStack]) -> Uses {
    let mut out = Uses::default();
    for stack in stacks {
        let mut reads = false;
        for parameter in stack.template.parameters.values() {
            if parameter.parameter_type != ParameterType::SsmValue("AWS::EC2::Image::Id".into()) {
                continue;
            }
            let Some((recommended, release)) =
                parameter.default.as_ref().and_then(Value::as_str).and_then(read_ami_parameter)
            else {
                continue;
            };
            reads = true;
            if let Some(region) = &stack.props.region {
                let read = (stack.props.name.clone(), release.map(str::to_owned));
                let users = out.pins.entry((region.clone(), recommended)).or_default();
                if !users.contains(&read) {
                    users.push(read);
                }
            }
        }
        if reads && stack.props.region.is_none() {
            out.without_region.push(stack.props.name.clone());
        }
    }
    out
}

/// The release a parameter pins and, when known, the AMI it resolves to in the region.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pinned {
    /// The release name, e.g. `al2023-ami-ecs-hvm-2023.0.20260918-kernel-6.1-x86_64`.
    pub release: String,
    /// Its AMI ID in the pin's region; `None` when it could not be told.
    pub image_id: Option<String>,
}

impl Pinned {
    fn show(&self) -> String {
        format!("{} ({})", self.release, self.image_id.as_deref().unwrap_or("AMI unknown"))
    }
}

/// What an update does to one pin.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PinChange {
    /// The region.
    pub region: String,
    /// The recommended-AMI parameter.
    pub parameter: String,
    /// The stacks whose clusters read it.
    pub stacks: Vec<String>,
    /// The pin before, if any.
    pub old: Option<Pinned>,
    /// The pin after: the release AWS recommends now.
    pub new: Pinned,
}

impl PinChange {
    /// Whether the pin moves (or is new).
    pub fn moves(&self) -> bool {
        self.old.as_ref().is_none_or(|o| o.release != self.new.release)
    }

    /// One line: `eu-west-1 amazon-linux-2023 (web-eu-west-1): OLD (ami-…) → NEW (ami-…)`.
    pub fn line(&self) -> String {
        let head = format!("{} {} ({})", self.region, family(&self.parameter), self.stacks.join(", "));
        match &self.old {
            Some(old) if old.release == self.new.release => format!("{head}: {} unchanged", self.new.show()),
            Some(old) => format!("{head}: {} → {}", old.show(), self.new.show()),
            None => format!("{head}: not pinned → {}", self.new.show()),
        }
    }
}

/// A short name for a recommended-AMI parameter: the path between
/// `/aws/service/ecs/optimized-ami/` and `/recommended/image_id`
/// (`amazon-linux-2023`, `amazon-linux-2023/arm64`), else the parameter.
pub fn family(parameter: &str) -> &str {
    recommended_prefix(parameter).and_then(|p| p.strip_prefix(ECS_AMI_PREFIX)).unwrap_or(parameter)
}

#[cfg(test)]
mod tests {
    use rcdk_constructs::app::AppProps;
    use rcdk_constructs::cfn::Format;

    use super::*;

    const AL2023: &str = "/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended/image_id";
    const ARM64: &str = "/aws/service/ecs/optimized-ami/amazon-linux-2023/arm64/recommended/image_id";

    fn stacks(yaml: &str, pins: &[(&str, &str, &str)]) -> Vec<SynthesizedStack> {
        let mut app: AppProps = serde_yaml::from_str(yaml).expect("app");
        for (region, parameter, release) in pins {
            app.context.pin_ami(region, parameter, release);
        }
        app.synth(Format::Yaml).expect("valid")
    }

    const APP: &str = "
stacks:
  - name: web
    regions: [us-east-1, eu-west-1]
    vpc: {}
    cluster: {}
  - name: arm
    region: eu-west-1
    vpc: {}
    cluster: {instance_type: t4g.small}
  - name: anywhere
    vpc: {}
    cluster: {}
  - name: network
    region: eu-west-1
    vpc: {}
";

    #[test]
    fn every_cluster_ami_is_found_pinned_or_not() {
        let release = "al2023-ami-ecs-hvm-2023.0.20260918-kernel-6.1-x86_64";
        let found = uses(&stacks(APP, &[("eu-west-1", AL2023, release)]));
        type Row<'a> = (&'a str, &'a str, Vec<(&'a str, Option<&'a str>)>);
        let keys: Vec<Row> = found
            .pins
            .iter()
            .map(|((r, p), s)| (r.as_str(), p.as_str(), s.iter().map(|(n, r)| (n.as_str(), r.as_deref())).collect()))
            .collect();
        assert_eq!(
            keys,
            [
                ("eu-west-1", ARM64, vec![("arm", None)]),
                ("eu-west-1", AL2023, vec![("web-eu-west-1", Some(release))]),
                ("us-east-1", AL2023, vec![("web-us-east-1", None)]),
            ]
        );
        assert_eq!(found.without_region, ["anywhere"]);
    }

    #[test]
    fn lines_name_the_region_family_stacks_and_both_releases() {
        let pinned = |release: &str, id: Option<&str>| Pinned { release: release.into(), image_id: id.map(Into::into) };
        let mut change = PinChange {
            region: "eu-west-1".into(),
            parameter: AL2023.into(),
            stacks: vec!["web-eu-west-1".into()],
            old: Some(pinned("r1", Some("ami-a"))),
            new: pinned("r2", Some("ami-b")),
        };
        assert!(change.moves());
        assert_eq!(change.line(), "eu-west-1 amazon-linux-2023 (web-eu-west-1): r1 (ami-a) → r2 (ami-b)");
        change.old = Some(pinned("r2", None));
        assert!(!change.moves());
        assert_eq!(change.line(), "eu-west-1 amazon-linux-2023 (web-eu-west-1): r2 (ami-b) unchanged");
        change.old = None;
        change.parameter = ARM64.into();
        assert!(change.moves());
        assert_eq!(change.line(), "eu-west-1 amazon-linux-2023/arm64 (web-eu-west-1): not pinned → r2 (ami-b)");
        change.old = Some(pinned("r0", None));
        assert!(change.line().contains("r0 (AMI unknown) → r2 (ami-b)"), "{}", change.line());
        assert_eq!(family("/my/recommended/image_id"), "/my/recommended/image_id");
    }
}
