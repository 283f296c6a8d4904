//! Where containers pull their images from, and whether the image is still
//! there when a task starts: anonymous Docker Hub pulls, and ECR lifecycle
//! rules that expire images by count whatever runs them.

use serde_json::Value;

use crate::analysis::check::Sink;
use crate::analysis::model::{field, Doc, V};

/// Docker Hub's pull limit for unauthenticated clients, per IPv4 address (or
/// IPv6 /64) and hour (Docker Docs, "Docker Hub usage and limits").
pub const DOCKER_HUB_ANONYMOUS_PULLS_PER_HOUR: u32 = 10;

/// Below this many kept images, a count-based lifecycle rule over every tag
/// warns: a few pushes (a CI build per commit) expire the image a service
/// still runs, and the next task start fails to pull it.
pub const MIN_KEEP_IMAGES_WITHOUT_WARNING: i64 = 10;

/// Whether an image reference pulls from Docker Hub: no registry host (the
/// first path component has no `.` or `:` and is not `localhost`), or one of
/// Docker Hub's own host names.
pub fn is_docker_hub_image(image: &str) -> bool {
    let first = match image.split_once('/') {
        None => return true,
        Some((first, _)) => first,
    };
    if first.contains('.') || first.contains(':') || first == "localhost" {
        return matches!(first, "docker.io" | "index.docker.io" | "registry-1.docker.io" | "registry.hub.docker.com");
    }
    true
}

pub(crate) fn check(doc: &Doc<'_>, sink: &mut Sink<'_>) {
    for td in doc.of_type("AWS::ECS::TaskDefinition") {
        for c in doc.list(td.props.get("ContainerDefinitions")).unwrap_or_default() {
            if c.get("RepositoryCredentials").is_some() {
                continue;
            }
            let Some(V::Str(image)) = c.get("Image").map(|v| doc.resolve(v)) else { continue };
            if !is_docker_hub_image(&image) {
                continue;
            }
            let name = c.get("Name").and_then(Value::as_str).unwrap_or_default();
            let f = sink.report(
                Code::ImageDockerHubAnonymous,
                td.id,
                format!(
                    "container `{name}` of {} pulls `{image}` from Docker Hub without credentials: Docker Hub allows \
                     {DOCKER_HUB_ANONYMOUS_PULLS_PER_HOUR} anonymous pulls an hour per IP address, and every task start \
                     pulls, with all instances behind the same NAT gateway address — a deploy or a crash loop runs out, and \
                     tasks fail with CannotPullContainerError",
                    td.id
                ),
                "copy the image into a repository of the app (`repositories:`, then `image: {repository: ..., tag: ...}`), \
                 or pull through an ECR pull-through cache rule for Docker Hub, or from ECR Public (public.ecr.aws) when \
                 the image is published there"
                    .into(),
            );
            f.field = Some("image");
        }
    }
    for repo in doc.of_type("AWS::ECR::Repository") {
        let text = field(repo.props.get("LifecyclePolicy"), "LifecyclePolicyText").map(|v| doc.resolve(v));
        let Some(V::Str(text)) = text else { continue };
        let Ok(policy) = serde_json::from_str::<Value>(&text) else { continue };
        for rule in policy.get("rules").and_then(Value::as_array).into_iter().flatten() {
            let selection = rule.get("selection");
            let any = field(selection, "tagStatus").and_then(Value::as_str) == Some("any");
            let by_count = field(selection, "countType").and_then(Value::as_str) == Some("imageCountMoreThan");
            let expires = field(rule.get("action"), "type").and_then(Value::as_str) == Some("expire");
            let Some(keep) = field(selection, "countNumber").and_then(Value::as_i64) else { continue };
            if any && by_count && expires && keep < MIN_KEEP_IMAGES_WITHOUT_WARNING {
                let f = sink.report(
                    Code::LifecycleCountAny,
                    repo.id,
                    format!(
                        "repository {}'s lifecycle rule keeps the {keep} most recently pushed images, whatever runs them: \
                         {keep} pushes after a release expire the image a service still runs, and its next task start \
                         (a scale-out, a replaced instance, a rollback) fails with CannotPullContainerError",
                        repo.id
                    ),
                    format!(
                        "keep at least {MIN_KEEP_IMAGES_WITHOUT_WARNING} images (`keep_images`; rcdk's default is 30), and \
                         push the images you do not deploy (a build per commit) to another repository"
                    ),
                );
                f.field = Some("keep_images");
            }
        }
    }
}

crate::codes! {
    /// The diagnostic codes this module reports.
    pub(crate) enum Code {
        ImageDockerHubAnonymous => warning("ecs:image-docker-hub-anonymous") {
            title: "a container pulls from Docker Hub without credentials",
            explanation: "An image reference without a registry host (`nginx:1.27`, `acme/web:2.0`) comes from Docker \
         Hub, and ECS pulls it anonymously unless the container has `RepositoryCredentials`. Docker Hub \
         allows unauthenticated clients 10 pulls an hour per IPv4 address \
         (<https://docs.docker.com/docker-hub/usage/pulls/>), and every task start pulls (ECS's default \
         pull behavior: \
         <https://docs.aws.amazon.com/AmazonECS/latest/developerguide/pull-behavior.html>), with every \
         instance in the private subnets behind the same NAT gateway address: a deploy that starts a few \
         tasks, a scale-out or a crash loop uses the hour up, and tasks fail with \
         `CannotPullContainerError` (\"toomanyrequests\").\n\nCopy the image into a repository of the \
         app (`repositories: {name: {}}`, push it there, `image: {repository: name, tag: ...}`), or \
         create an ECR pull-through cache rule for Docker Hub (it needs a Secrets Manager secret named \
         `ecr-pullthroughcache/...` holding a Docker Hub access token: \
         <https://docs.aws.amazon.com/AmazonECR/latest/userguide/pull-through-cache-creating-rule.html>) \
         and name the image through it (`<account>.dkr.ecr.<region>.amazonaws.com/<prefix>/<image>`), or \
         use ECR Public (`public.ecr.aws/...`) when the image is published there.",
        },
        LifecycleCountAny => warning("ecr:lifecycle-count-any") {
            title: "an ECR lifecycle rule keeps only a few images, whatever runs them",
            explanation: "A lifecycle rule with `tagStatus: any` and `countType: imageCountMoreThan` expires every image \
         beyond the newest N pushed, whether a service still runs it or not — lifecycle rules know \
         nothing about deployments \
         (<https://docs.aws.amazon.com/AmazonECR/latest/userguide/LifecyclePolicies.html>; expired \
         within 24 hours of qualifying). With a small N, a few pushes after a release (CI pushing a \
         build per commit) expire the running image, and the next task start — a scale-out, an instance \
         replaced, a circuit-breaker rollback — fails with `CannotPullContainerError`.\n\nrcdk writes \
         this rule with `keep_images` (default 30) and warns below 10. Keep more images, and push builds \
         you do not deploy to another repository. `rcdk deploy` checks that a deployed tag exists before \
         it deploys; a running service is not protected by that.",
        },
    }
}

#[cfg(test)]
mod tests {
    use super::is_docker_hub_image;

    #[test]
    fn docker_hub_images() {
        for hub in [
            "nginx:1.27",
            "whatstheweatherlike/weather-service:1.3.0",
            "docker.io/library/nginx:1",
            "library/redis@sha256:ab",
        ] {
            assert!(is_docker_hub_image(hub), "{hub}");
        }
        for other in [
            "public.ecr.aws/example/web:v1",
            "123456789012.dkr.ecr.eu-west-1.amazonaws.com/web:1",
            "ghcr.io/acme/web:1.4.2",
            "localhost:5000/web:1",
            "localhost/web:1",
        ] {
            assert!(!is_docker_hub_image(other), "{other}");
        }
    }
}
