//! What the pre-deploy checks read from a template body (pure, no I/O): the
//! ECR repositories it creates, the images its task definitions run and
//! where they live, and whether it creates ECS clusters or capacity
//! providers. Read from the body, so a template rcdk did not render is
//! checked the same way.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::aws::ecr::ImageId;

/// An `AWS::ECR::Repository` of the template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Repository {
    /// Its logical ID.
    pub logical_id: String,
    /// Its `RepositoryName`, when the template gives a literal one.
    pub name: Option<String>,
}

/// Where an image lives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImageSource {
    /// A repository of this template (`Fn::Sub: ${Repo.RepositoryUri}:tag`), by logical ID.
    InTemplate(String),
    /// An ECR repository named by its URI (`<account>.dkr.ecr.<region>.amazonaws.com/<name>`).
    Ecr {
        /// The registry's account.
        account: String,
        /// The registry's region.
        region: String,
        /// The repository name.
        repository: String,
    },
}

/// One container image a task definition runs from ECR.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageUse {
    /// The task definition's logical ID.
    pub task_definition: String,
    /// The container's name.
    pub container: String,
    /// Where the image lives.
    pub source: ImageSource,
    /// The tag or digest.
    pub id: ImageId,
}

/// What the checks need from one template.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Scan {
    /// The ECR repositories it creates.
    pub repositories: Vec<Repository>,
    /// The ECR images its task definitions run. Images from other registries
    /// (Docker Hub, public ECR) and references rcdk cannot resolve offline are left out.
    pub images: Vec<ImageUse>,
    /// Logical IDs of its `AWS::ECS::Cluster` and `AWS::ECS::CapacityProvider` resources.
    pub ecs_clusters: Vec<String>,
    /// `(logical ID, type)` of every resource.
    pub resources: Vec<(String, String)>,
}

/// Reads a template body. `parameters` are the values the change set will
/// pass; `account` and `region` resolve the pseudo parameters in `Fn::Sub`.
/// A body that is not a template gives an empty scan (deploy reads it
/// earlier and refuses it).
pub fn scan(body: &str, parameters: &BTreeMap<String, String>, account: &str, region: &str) -> Scan {
    let Ok(root) = serde_yaml::from_str::<Value>(body) else { return Scan::default() };
    let Some(resources) = root.get("Resources").and_then(Value::as_object) else { return Scan::default() };
    let mut out = Scan::default();
    for (logical_id, resource) in resources {
        let ty = resource.get("Type").and_then(Value::as_str).unwrap_or_default();
        out.resources.push((logical_id.clone(), ty.to_owned()));
        let props = resource.get("Properties");
        match ty {
            "AWS::ECR::Repository" => out.repositories.push(Repository {
                logical_id: logical_id.clone(),
                name: props.and_then(|p| p.get("RepositoryName")).and_then(Value::as_str).map(str::to_owned),
            }),
            "AWS::ECS::Cluster" | "AWS::ECS::CapacityProvider" => out.ecs_clusters.push(logical_id.clone()),
            _ => {}
        }
    }
    let repositories: Vec<&str> = out.repositories.iter().map(|r| r.logical_id.as_str()).collect();
    for (logical_id, resource) in resources {
        if resource.get("Type").and_then(Value::as_str) != Some("AWS::ECS::TaskDefinition") {
            continue;
        }
        let containers = resource
            .get("Properties")
            .and_then(|p| p.get("ContainerDefinitions"))
            .and_then(Value::as_array)
            .map(Vec::as_slice)
            .unwrap_or_default();
        for container in containers {
            let name = container.get("Name").and_then(Value::as_str).unwrap_or("?");
            let Some(image) = container.get("Image") else { continue };
            if let Some((source, id)) = image_of(image, &repositories, parameters, account, region) {
                out.images.push(ImageUse {
                    task_definition: logical_id.clone(),
                    container: name.to_owned(),
                    source,
                    id,
                });
            }
        }
    }
    out
}

/// Resolves an `Image` value: a literal, a `Ref` to a parameter with a
/// known value, or an `Fn::Sub` string over a repository of the template,
/// the pseudo parameters and parameters with known values.
fn image_of(
    image: &Value,
    repositories: &[&str],
    parameters: &BTreeMap<String, String>,
    account: &str,
    region: &str,
) -> Option<(ImageSource, ImageId)> {
    let text = match image {
        Value::String(s) => s.clone(),
        Value::Object(o) if o.len() == 1 => match (o.get("Ref"), o.get("Fn::Sub")) {
            (Some(Value::String(p)), _) => parameters.get(p)?.clone(),
            (_, Some(Value::String(s))) => {
                for repository in repositories {
                    let prefix = format!("${{{repository}.RepositoryUri}}");
                    if let Some(rest) = s.strip_prefix(&prefix) {
                        let id = image_id(rest)?;
                        return Some((ImageSource::InTemplate((*repository).to_owned()), id));
                    }
                }
                substitute(s, parameters, account, region)?
            }
            _ => return None,
        },
        _ => return None,
    };
    let (registry, rest) = text.split_once('/')?;
    let (account, region) = ecr_registry(registry)?;
    let split = rest.find(['@', ':']).unwrap_or(rest.len());
    let (repository, id) = rest.split_at(split);
    Some((ImageSource::Ecr { account, region, repository: repository.to_owned() }, image_id(id)?))
}

/// `:tag` or `@sha256:…` (nothing: `latest`, as Docker reads it).
fn image_id(rest: &str) -> Option<ImageId> {
    if rest.is_empty() {
        return Some(ImageId::Tag("latest".to_owned()));
    }
    if let Some(d) = rest.strip_prefix('@') {
        return (!d.is_empty()).then(|| ImageId::Digest(d.to_owned()));
    }
    let tag = rest.strip_prefix(':')?;
    (!tag.is_empty() && !tag.contains(['$', '/', '{'])).then(|| ImageId::Tag(tag.to_owned()))
}

/// `${AWS::AccountId}`, `${AWS::Region}`, `${AWS::URLSuffix}` and known
/// parameters substituted; `None` when anything else remains.
fn substitute(s: &str, parameters: &BTreeMap<String, String>, account: &str, region: &str) -> Option<String> {
    let suffix = if region.starts_with("cn-") { "amazonaws.com.cn" } else { "amazonaws.com" };
    let mut out = String::new();
    let mut rest = s;
    while let Some(start) = rest.find("${") {
        out.push_str(&rest[..start]);
        let end = rest[start..].find('}')? + start;
        let name = &rest[start + 2..end];
        let value = match name {
            "AWS::AccountId" => account,
            "AWS::Region" => region,
            "AWS::URLSuffix" => suffix,
            _ => parameters.get(name)?.as_str(),
        };
        out.push_str(value);
        rest = &rest[end + 1..];
    }
    out.push_str(rest);
    Some(out)
}

/// `123456789012.dkr.ecr.eu-west-1.amazonaws.com` → `(account, region)`.
fn ecr_registry(host: &str) -> Option<(String, String)> {
    let (account, rest) = host.split_once(".dkr.ecr.")?;
    let region = rest.strip_suffix(".amazonaws.com").or_else(|| rest.strip_suffix(".amazonaws.com.cn"))?;
    let valid = account.len() == 12 && account.bytes().all(|b| b.is_ascii_digit()) && !region.contains('.');
    valid.then(|| (account.to_owned(), region.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    const BODY: &str = r#"
Parameters:
  ApiImage: {Type: String}
Resources:
  MainRepository:
    Type: AWS::ECR::Repository
    Properties: {RepositoryName: todo-main}
  Unnamed:
    Type: AWS::ECR::Repository
  Cluster: {Type: AWS::ECS::Cluster}
  Task:
    Type: AWS::ECS::TaskDefinition
    Properties:
      ContainerDefinitions:
        - Name: main
          Image: {"Fn::Sub": "${MainRepository.RepositoryUri}:1.0.3"}
        - Name: pinned
          Image: {"Fn::Sub": "${Unnamed.RepositoryUri}@sha256:abc"}
        - Name: api
          Image: {Ref: ApiImage}
        - Name: sub
          Image: {"Fn::Sub": "${AWS::AccountId}.dkr.ecr.${AWS::Region}.${AWS::URLSuffix}/shared:v2"}
        - Name: hub
          Image: whatstheweatherlike/weather-service:1.3.0
        - Name: public
          Image: public.ecr.aws/example/web:v1
        - Name: unknown
          Image: {"Fn::Sub": "${Other}:1"}
"#;

    #[test]
    fn images_are_resolved_to_their_repositories() {
        let params = BTreeMap::from([(
            "ApiImage".to_owned(),
            "222222222222.dkr.ecr.us-east-1.amazonaws.com/api:2.0".to_owned(),
        )]);
        let s = scan(BODY, &params, "123456789012", "eu-west-1");
        assert_eq!(
            s.repositories,
            vec![
                Repository { logical_id: "MainRepository".into(), name: Some("todo-main".into()) },
                Repository { logical_id: "Unnamed".into(), name: None },
            ]
        );
        assert_eq!(s.ecs_clusters, vec!["Cluster"]);
        let got: Vec<(&str, &ImageSource, &ImageId)> =
            s.images.iter().map(|i| (i.container.as_str(), &i.source, &i.id)).collect();
        let ecr =
            |a: &str, r: &str, n: &str| ImageSource::Ecr { account: a.into(), region: r.into(), repository: n.into() };
        assert_eq!(
            got,
            vec![
                ("main", &ImageSource::InTemplate("MainRepository".into()), &ImageId::Tag("1.0.3".into())),
                ("pinned", &ImageSource::InTemplate("Unnamed".into()), &ImageId::Digest("sha256:abc".into())),
                ("api", &ecr("222222222222", "us-east-1", "api"), &ImageId::Tag("2.0".into())),
                ("sub", &ecr("123456789012", "eu-west-1", "shared"), &ImageId::Tag("v2".into())),
            ]
        );
        // Without the parameter's value the image is not checked.
        assert_eq!(scan(BODY, &BTreeMap::new(), "123456789012", "eu-west-1").images.len(), 3);
        assert_eq!(scan("not: [a template", &params, "1", "r"), Scan::default());
    }
}
