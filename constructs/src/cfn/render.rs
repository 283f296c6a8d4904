//! Rendering templates to bytes.

use std::fmt;
use std::str::FromStr;

use super::Template;

/// A template file format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub enum Format {
    /// YAML with long-form intrinsics. The default.
    #[default]
    Yaml,
    /// Pretty-printed JSON (two-space indent).
    Json,
}

impl Format {
    /// The file extension, without the dot.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Yaml => "yaml",
            Format::Json => "json",
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.extension())
    }
}

impl FromStr for Format {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "yaml" | "yml" => Ok(Format::Yaml),
            "json" => Ok(Format::Json),
            other => Err(format!("unknown template format `{other}` (expected yaml or json)")),
        }
    }
}

/// A template could not be rendered (a bug, never bad input: the model only
/// holds serializable values).
#[derive(Debug, thiserror::Error)]
#[error("cannot render template as {format}: {message}")]
pub struct RenderError {
    /// The format that failed.
    pub format: Format,
    /// The serializer's message.
    pub message: String,
}

impl Template {
    /// Renders as YAML that YAML 1.1 readers (CloudFormation) and YAML 1.2
    /// readers understand alike (see [`super::yaml`]). Deterministic: equal
    /// templates give equal bytes.
    pub fn to_yaml(&self) -> Result<String, RenderError> {
        super::yaml::template_to_yaml(self).map_err(|e| RenderError { format: Format::Yaml, message: e.to_string() })
    }

    /// Renders as pretty JSON with a trailing newline. Deterministic.
    pub fn to_json(&self) -> Result<String, RenderError> {
        let mut s = serde_json::to_string_pretty(self)
            .map_err(|e| RenderError { format: Format::Json, message: e.to_string() })?;
        s.push('\n');
        Ok(s)
    }

    /// Renders in `format`.
    pub fn render(&self, format: Format) -> Result<String, RenderError> {
        match format {
            Format::Yaml => self.to_yaml(),
            Format::Json => self.to_json(),
        }
    }
}
