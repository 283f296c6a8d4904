//! The SSM look-ups of `rcdk ami update`, in one region: the release AWS
//! recommends now (`<prefix>/recommended/image_name` and `.../image_id`)
//! and the AMI a release's own parameter resolves to
//! (`<prefix>/<release>/image_id`). Parameter names: Amazon ECS Developer
//! Guide, "Retrieving Amazon ECS-optimized Linux AMI metadata"
//! (<https://docs.aws.amazon.com/AmazonECS/latest/developerguide/retrieve-ecs-optimized_AMI.html>).

use rcdk_constructs::core::context::{recommended_name_parameter, release_parameter};

use super::plan::Pinned;
use crate::aws::ssm::SsmValue;
use crate::aws::Aws;
use crate::failure::Failure;

/// The release `parameter` recommends now in `region`, checked: its own
/// release parameter exists and resolves to the same AMI, so a pin to it
/// deploys exactly that AMI.
pub async fn recommended(aws: &Aws, region: &str, parameter: &str) -> Result<Pinned, Failure> {
    let missing = |name: &str| {
        Failure::no(format!("SSM parameter {name} does not exist in {region}"))
            .help("check the cluster's `ami_parameter`: rcdk pins ECS-optimized AMIs whose parameter ends in /recommended/image_id")
    };
    let name_parameter = recommended_name_parameter(parameter).ok_or_else(|| missing(parameter))?;
    let release = match aws.ssm_parameter(&name_parameter).await? {
        SsmValue::Value(v) => v,
        SsmValue::NotFound => return Err(missing(&name_parameter)),
    };
    let image_id = match aws.ssm_parameter(parameter).await? {
        SsmValue::Value(v) => v,
        SsmValue::NotFound => return Err(missing(parameter)),
    };
    let pinned = release_parameter(parameter, &release).ok_or_else(|| {
        Failure::no(format!("{name_parameter} in {region} holds `{release}`, which is not an AMI release name"))
    })?;
    match aws.ssm_parameter(&pinned).await? {
        SsmValue::Value(v) if v == image_id => Ok(Pinned { release, image_id: Some(image_id) }),
        SsmValue::Value(v) => Err(Failure::no(format!(
            "in {region}, {pinned} resolves to {v} but {parameter} to {image_id}; AWS may be publishing a release: \
             nothing was pinned"
        ))
        .help("run `rcdk ami update` again later")),
        SsmValue::NotFound => Err(Failure::no(format!(
            "in {region}, the recommended release `{release}` has no parameter {pinned} to pin; nothing was pinned"
        ))
        .help("run `rcdk ami update` again later")),
    }
}

/// The AMI the pinned `release` of `parameter` resolves to in the session's
/// region; `None` when AWS has no such release there.
pub async fn release_image(aws: &Aws, parameter: &str, release: &str) -> Result<Option<String>, Failure> {
    let Some(name) = release_parameter(parameter, release) else { return Ok(None) };
    Ok(match aws.ssm_parameter(&name).await? {
        SsmValue::Value(v) => Some(v),
        SsmValue::NotFound => None,
    })
}
