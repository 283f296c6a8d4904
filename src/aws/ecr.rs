//! ECR calls of the pre-deploy checks (JSON 1.1 through [`super::api`]).

use serde_json::json;

use super::api::ECR;
use super::{ApiError, Aws};
use crate::failure::Failure;

/// What ECR says about one image reference.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImageLookup {
    /// The repository has the tag (or digest).
    Found,
    /// The repository exists without it (`ImageNotFoundException`).
    ImageMissing,
    /// There is no such repository (`RepositoryNotFoundException`).
    RepositoryMissing,
}

/// Which image of a repository: a tag, or a digest (`sha256:…`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum ImageId {
    /// A tag, e.g. `1.0.3`.
    Tag(String),
    /// A digest, e.g. `sha256:ab…`.
    Digest(String),
}

impl std::fmt::Display for ImageId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ImageId::Tag(t) => write!(f, ":{t}"),
            ImageId::Digest(d) => write!(f, "@{d}"),
        }
    }
}

impl Aws {
    /// Whether the repository `name` exists in this session's account and region
    /// (ECR DescribeRepositories). Returns its URI when it does.
    pub async fn repository_uri(&self, name: &str) -> Result<Option<String>, Failure> {
        let input = json!({ "repositoryNames": [name] });
        match self.api().json(&ECR, "DescribeRepositories", input).await {
            Ok(out) => Ok(out["repositories"]
                .as_array()
                .and_then(|r| r.first())
                .map(|r| r["repositoryUri"].as_str().unwrap_or(name).to_owned())),
            Err(e) if e.code() == Some("RepositoryNotFoundException") => Ok(None),
            Err(e) => Err(self.api_fail(&ECR, &format!("looking up ECR repository `{name}`"), &e)),
        }
    }

    /// Whether `repository` (in `registry`, an account ID; `None`: this
    /// session's account) holds the image `id` (ECR DescribeImages).
    pub async fn image_lookup(
        &self,
        registry: Option<&str>,
        repository: &str,
        id: &ImageId,
    ) -> Result<ImageLookup, Failure> {
        let image = match id {
            ImageId::Tag(t) => json!({ "imageTag": t }),
            ImageId::Digest(d) => json!({ "imageDigest": d }),
        };
        let mut input = json!({ "repositoryName": repository, "imageIds": [image] });
        if let Some(registry) = registry {
            input["registryId"] = json!(registry);
        }
        match self.api().json(&ECR, "DescribeImages", input).await {
            Ok(out) if out["imageDetails"].as_array().is_some_and(|d| !d.is_empty()) => Ok(ImageLookup::Found),
            Ok(_) => Ok(ImageLookup::ImageMissing),
            Err(e) => match e.code() {
                Some("ImageNotFoundException") => Ok(ImageLookup::ImageMissing),
                Some("RepositoryNotFoundException") => Ok(ImageLookup::RepositoryMissing),
                _ => Err(self.api_fail(&ECR, &format!("looking up image `{repository}{id}` in ECR"), &e)),
            },
        }
    }

    /// How many images a repository holds (ECR ListImages, first page), for
    /// the retained-resources report. `None` when the repository is gone.
    pub async fn repository_image_count(&self, name: &str) -> Result<Option<usize>, ApiError> {
        match self.api().json(&ECR, "ListImages", json!({ "repositoryName": name, "maxResults": 1000 })).await {
            Ok(out) => Ok(Some(out["imageIds"].as_array().map_or(0, Vec::len))),
            Err(e) if e.code() == Some("RepositoryNotFoundException") => Ok(None),
            Err(e) => Err(e),
        }
    }
}
