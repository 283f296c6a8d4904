//! One app file: read, checked, parsed into [`AppProps`] and synthesized,
//! every problem located.

use std::path::{Path, PathBuf};

use rcdk_constructs::app::AppProps;
use rcdk_constructs::cfn::Format;
use rcdk_constructs::core::{FieldPath, SynthesizedStack};
use rcdk_constructs::ValidationError;

use super::codes::Code;
use super::deprecated::{self, Deprecated};
use super::limits;
use super::locate::{LocationIndex, Position, Scan, ScanProblem};
use super::problem::{Problem, Problems, Reported};

/// A loaded app file.
#[derive(Debug, Clone)]
pub struct AppFile {
    /// The path it was read from, as given.
    pub path: PathBuf,
    /// The app's props.
    pub props: AppProps,
    locations: LocationIndex,
    deprecated: Vec<Deprecated>,
}

impl AppFile {
    /// Reads and parses an app file, and the context beside it
    /// (`rcdk.context.json`, see [`crate::context`]). Unknown fields, wrong
    /// types and YAML syntax errors are reported with their position.
    pub fn load(path: &Path) -> Result<AppFile, Problems> {
        let mut app = Self::load_without_context(path)?;
        app.props.context = crate::context::read(&crate::context::beside(path)).map_err(|p| Problems(vec![*p]))?;
        Ok(app)
    }

    /// Reads and parses an app file alone (no context: nothing is pinned).
    fn load_without_context(path: &Path) -> Result<AppFile, Problems> {
        let source = limits::read_app_file(path).map_err(|e| {
            Problems(vec![Problem {
                file: path.to_owned(),
                position: None,
                field: String::new(),
                construct: None,
                code: e.code.to_string(),
                message: e.message,
                help: e.help,
                rule: None,
            }])
        })?;
        Self::parse(path, &source)
    }

    /// Parses app-file text; `path` is used in messages only.
    ///
    /// Before serde reads the text, one pass over its YAML events checks the
    /// limits (nesting depth, alias expansion; see [`limits`]) and refuses
    /// tags, nulls, duplicate keys and non-string keys, each located.
    pub fn parse(path: &Path, source: &str) -> Result<AppFile, Problems> {
        let scanned = |p: ScanProblem| Problem {
            file: path.to_owned(),
            position: p.position,
            field: p.field,
            construct: None,
            code: p.code.to_string(),
            message: p.message,
            help: p.help,
            rule: None,
        };
        // serde sees only text the scan accepted whole: its parser has no
        // depth limit and is quadratic in the nesting of flow collections.
        let locations = match LocationIndex::scan(source, &path.display().to_string()) {
            Scan::Ok(index) => index,
            Scan::Syntax(problem) => return Err(Problems(vec![scanned(problem)])),
            Scan::Problems(found) => return Err(Problems(found.into_iter().map(scanned).collect())),
        };
        let deserializer = serde_yaml::Deserializer::from_str(source);
        match serde_path_to_error::deserialize::<_, AppProps>(deserializer) {
            Ok(props) => {
                // The same text as a plain YAML value, for the spellings
                // serde accepted only as aliases (it parsed a moment ago).
                let deprecated = serde_yaml::from_str(source).map(|doc| deprecated::find(&doc)).unwrap_or_default();
                Ok(AppFile { path: path.to_owned(), props, locations, deprecated })
            }
            Err(err) => {
                let field = err.path().to_string();
                let field = if field == "." { String::new() } else { field };
                let inner = err.into_inner();
                let position = inner.location().map(|l| Position { line: l.line(), column: l.column() });
                let mut message = strip_location(&inner.to_string());
                if let Some(rest) = message.strip_prefix(&format!("{field}: ")) {
                    message = rest.to_owned();
                } else if let Some(rest) = err_parent_prefix(&message, &field) {
                    message = rest;
                }
                let code = if message.contains("unknown field")
                    || message.contains("missing field")
                    || message.contains("invalid type")
                    || message.contains("unknown variant")
                    || message.contains("invalid value")
                {
                    Code::Schema
                } else {
                    Code::YamlSyntax
                };
                Err(Problems(vec![Problem {
                    file: path.to_owned(),
                    position,
                    field,
                    construct: None,
                    code: code.definition().code.to_owned(),
                    message,
                    help: None,
                    rule: None,
                }]))
            }
        }
    }

    /// Synthesizes every stack of the app in `format`; construct problems are
    /// located in this file.
    pub fn synth(&self, format: Format) -> Result<Vec<SynthesizedStack>, Problems> {
        self.props.synth(format).map_err(|errors| Problems(errors.0.iter().map(|e| self.locate(e)).collect()))
    }

    /// Like [`AppFile::synth`], and also returns the warnings, located in
    /// this file: deprecated spellings first ([`AppFile::deprecations`]),
    /// then the whole-app analysis' warnings; and the notes (warnings the
    /// app acknowledged as deliberate choices).
    pub fn synth_with_warnings(&self, format: Format) -> Result<(Vec<SynthesizedStack>, Reported), Problems> {
        match self.props.synth_with_diagnostics(format) {
            Ok(s) => {
                let mut warnings = self.deprecations();
                warnings.extend(s.warnings.iter().map(|w| self.locate(w)));
                let notes = s.notes.iter().map(|n| self.locate(n)).collect();
                Ok((s.stacks, Reported { warnings, notes }))
            }
            Err(errors) => Err(Problems(errors.0.iter().map(|e| self.locate(e)).collect())),
        }
    }

    /// Values written in a deprecated spelling (an enum value serde accepts
    /// only as an alias, e.g. `protocol: HTTPS`), as warnings
    /// (`app-file:deprecated-spelling`) that name the current spelling.
    pub fn deprecations(&self) -> Vec<Problem> {
        self.deprecated
            .iter()
            .map(|d| Problem {
                file: self.path.clone(),
                position: self.locations.locate(&d.field),
                field: d.field.to_string(),
                construct: None,
                code: Code::DeprecatedSpelling.definition().code.to_owned(),
                message: format!("`{}` is a deprecated spelling of `{}`", d.written, d.current),
                help: Some(format!(
                    "write `{}`; `{}` still works for now but will be removed in a future release",
                    d.current, d.written
                )),
                rule: None,
            })
            .collect()
    }

    /// Turns a construct's validation error into a located problem.
    pub fn locate(&self, e: &ValidationError) -> Problem {
        Problem {
            file: self.path.clone(),
            position: self.locations.locate(&e.field),
            field: e.field.to_string(),
            construct: Some(e.construct.to_string()).filter(|c| !c.is_empty()),
            code: e.code.to_string(),
            message: e.message.clone(),
            help: e.help.clone(),
            rule: None,
        }
    }

    /// The position of a field, or of its nearest written ancestor.
    pub fn position_of(&self, field: &FieldPath) -> Option<Position> {
        self.locations.locate(field)
    }
}

/// serde_yaml prefixes messages with the path of the map being read (the
/// parent of an unknown field); the field path is printed separately.
fn err_parent_prefix(message: &str, field: &str) -> Option<String> {
    let parent = field.rsplit_once(['.', '[']).map(|(p, _)| p)?;
    message.strip_prefix(&format!("{parent}: ")).map(str::to_owned)
}

/// serde_yaml adds " at line L column C" to its messages (once or twice);
/// the position is printed separately.
fn strip_location(message: &str) -> String {
    let mut message = message.to_owned();
    while message.contains(" at line ") {
        message = strip_one_location(&message);
    }
    message
}

fn strip_one_location(message: &str) -> String {
    let Some(start) = message.find(" at line ") else { return message.to_owned() };
    let rest = &message[start + " at line ".len()..];
    // Skip "N column M" and keep whatever follows (", while parsing ...").
    let end = rest
        .find(" column ")
        .map(|i| i + " column ".len())
        .map(|i| i + rest[i..].find(|c: char| !c.is_ascii_digit()).unwrap_or(rest.len() - i))
        .unwrap_or(rest.len());
    format!("{}{}", &message[..start], &rest[end..])
}
