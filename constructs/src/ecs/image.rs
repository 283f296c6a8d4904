//! Container images: a reference in any registry (`nginx:1.27.0`), or a tag
//! of an ECR repository the app creates — by name in app files
//! (`{repository: todo-main, tag: 1.0.3}`), by handle in Rust
//! ([`ContainerImage::from_repository`]).

use std::fmt;

use serde::de::{self, MapAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;

use crate::ecr::Repository;

/// Longest image tag Docker (and so ECS) accepts.
pub const MAX_IMAGE_TAG_LEN: usize = 128;

/// The image of a container.
///
/// In app files either a string, an image reference pinned by tag or digest
/// (`ghcr.io/acme/api:1.4.2`, `nginx@sha256:...`), or
/// `{repository: <name>, tag: <tag>}` naming a repository of the same
/// stack's `repositories:`. The container then runs the repository's URI
/// (`Fn::GetAtt RepositoryUri`, no account ID written by hand) with that tag,
/// and the task's execution role may pull from exactly that repository.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(untagged)]
pub enum ContainerImage {
    /// An image reference in any registry, pinned by tag or digest.
    Reference(String),
    /// A tag of one of the stack's ECR repositories, by repository name
    /// (app files; the app resolves it to [`ContainerImage::Ecr`]).
    Repository(RepositoryImage),
    /// A tag of a repository made in the same stack (Rust); see
    /// [`ContainerImage::from_repository`].
    #[serde(skip)]
    #[schemars(skip)]
    Ecr(Box<EcrImage>),
}

/// `{repository, tag}`: a tag of a repository under the stack's `repositories:`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RepositoryImage {
    /// The repository's name, a key of the stack's `repositories:`.
    pub repository: String,
    /// The image tag: 1 to 128 letters, digits, `_`, `.` and `-`, not
    /// starting with `.` or `-`. In an immutable repository (the default) a
    /// tag is pushed once, so even `latest` names one image; with
    /// `mutable_tags: true`, `latest` needs `allow_unpinned_image`.
    pub tag: String,
}

/// A tag of a repository handle.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EcrImage {
    /// The repository.
    pub repository: Repository,
    /// The image tag.
    pub tag: String,
}

impl ContainerImage {
    /// The image `tag` of the repository `name` of a platform stack's
    /// `repositories` (an app file's `{repository: name, tag: tag}`).
    pub fn repository(name: impl Into<String>, tag: impl Into<String>) -> ContainerImage {
        ContainerImage::Repository(RepositoryImage { repository: name.into(), tag: tag.into() })
    }

    /// The image `tag` of `repository`: the container runs
    /// `<repository URI>:<tag>`, and the task definition's execution role is
    /// granted pulls from this repository ([`Repository::grant_pull`]).
    pub fn from_repository(repository: &Repository, tag: impl Into<String>) -> ContainerImage {
        ContainerImage::Ecr(Box::new(EcrImage { repository: repository.clone(), tag: tag.into() }))
    }

    /// The `Image` of a container definition: the reference, or the
    /// repository's URI joined with `:<tag>`.
    pub fn to_value(&self) -> Value {
        match self {
            ContainerImage::Reference(s) => Value::String(s.clone()),
            ContainerImage::Repository(r) => Value::String(format!("{}:{}", r.repository, r.tag)),
            ContainerImage::Ecr(e) => e.repository.image(&e.tag),
        }
    }

    /// The reference, when the image is a plain string.
    pub fn as_reference(&self) -> Option<&str> {
        match self {
            ContainerImage::Reference(s) => Some(s),
            _ => None,
        }
    }
}

impl Default for ContainerImage {
    fn default() -> Self {
        ContainerImage::Reference(String::new())
    }
}

impl From<&str> for ContainerImage {
    fn from(s: &str) -> Self {
        ContainerImage::Reference(s.to_owned())
    }
}

impl From<String> for ContainerImage {
    fn from(s: String) -> Self {
        ContainerImage::Reference(s)
    }
}

impl fmt::Display for ContainerImage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ContainerImage::Reference(s) => f.write_str(s),
            ContainerImage::Repository(r) => write!(f, "{}:{} (repository `{}`)", r.repository, r.tag, r.repository),
            ContainerImage::Ecr(e) => {
                write!(f, "{}:{} (repository `{}`)", e.repository.repository_name, e.tag, e.repository.repository_name)
            }
        }
    }
}

/// A string is a reference; a map is `{repository, tag}` (with serde's own
/// messages for a missing or unknown field, which an untagged enum would
/// replace by "did not match any variant").
impl<'de> Deserialize<'de> for ContainerImage {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ImageVisitor;
        impl<'de> Visitor<'de> for ImageVisitor {
            type Value = ContainerImage;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an image reference (`name:tag`) or `{repository: <name>, tag: <tag>}`")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<ContainerImage, E> {
                Ok(ContainerImage::Reference(v.to_owned()))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<ContainerImage, E> {
                Ok(ContainerImage::Reference(v))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<ContainerImage, A::Error> {
                RepositoryImage::deserialize(de::value::MapAccessDeserializer::new(map)).map(ContainerImage::Repository)
            }
        }
        deserializer.deserialize_any(ImageVisitor)
    }
}

/// Why `tag` is not a valid image tag (Docker's rule, which ECS passes
/// images to): 1 to [`MAX_IMAGE_TAG_LEN`] ASCII letters, digits, `_`, `.`,
/// `-`, the first not `.` or `-`.
pub fn tag_problem(tag: &str) -> Option<&'static str> {
    if tag.is_empty() {
        return Some("it is empty");
    }
    if tag.len() > MAX_IMAGE_TAG_LEN {
        return Some("it is longer than 128 characters");
    }
    if tag.starts_with(['.', '-']) {
        return Some("it starts with `.` or `-`");
    }
    if !tag.bytes().all(|b| b.is_ascii_alphanumeric() || b"_.-".contains(&b)) {
        return Some("only letters, digits, `_`, `.` and `-` are allowed");
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags() {
        for ok in ["1.0.3", "v2", "latest", "_x", "a".repeat(128).as_str(), "2024-01-01_build.7"] {
            assert_eq!(tag_problem(ok), None, "{ok}");
        }
        for bad in ["", ".x", "-x", "1.0 3", "a:b", "a/b", "a@b", "ä", "a".repeat(129).as_str()] {
            assert!(tag_problem(bad).is_some(), "{bad}");
        }
    }

    #[test]
    fn deserializes_a_string_or_a_repository_tag() {
        let s: ContainerImage = serde_json::from_str("\"nginx:1.27\"").expect("string");
        assert_eq!(s, ContainerImage::from("nginx:1.27"));
        let r: ContainerImage = serde_json::from_str(r#"{"repository": "todo-main", "tag": "1.0.3"}"#).expect("map");
        assert_eq!(
            r,
            ContainerImage::Repository(RepositoryImage { repository: "todo-main".into(), tag: "1.0.3".into() })
        );
        let e = serde_json::from_str::<ContainerImage>(r#"{"repository": "todo-main"}"#).expect_err("no tag");
        assert!(e.to_string().contains("missing field `tag`"), "{e}");
        let e = serde_json::from_str::<ContainerImage>(r#"{"repository": "x", "tag": "1", "tga": 1}"#)
            .expect_err("unknown field");
        assert!(e.to_string().contains("unknown field `tga`"), "{e}");
        let e = serde_json::from_str::<ContainerImage>("3").expect_err("number");
        assert!(e.to_string().contains("image reference"), "{e}");
    }
}
