//! Field paths: where a value sits in props or in a template's properties,
//! as `stacks[0].vpc.cidr` or `Properties.Tags[1].Value`.

use std::fmt;

/// One step of a [`FieldPath`].
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum FieldSegment {
    /// A struct field (or, in a path parsed from text, a map key too).
    Key(String),
    /// A list index.
    Index(usize),
    /// A key of a map the user fills (`environment`, `secrets`, `tags`):
    /// `.KEY` as an app file spells it, `["KEY"]` in Rust (see
    /// [`FieldPath::rust`]).
    Entry(String),
}

/// Where a value sits in the app's props, as the app file spells it:
/// `stacks[0].vpc.cidr`, `stacks[1].services.main.image`; for props a Rust
/// program built, [`FieldPath::rust`] spells it as Rust does
/// (`environment["DB_HOST"]`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct FieldPath {
    segments: Vec<FieldSegment>,
}

impl FieldPath {
    /// The empty path (the document root).
    pub fn root() -> Self {
        Self::default()
    }

    /// Parses a dotted path with `[n]` indexes, e.g. `stacks[0].vpc.cidr`.
    pub fn parse(s: &str) -> Self {
        let mut segments = Vec::new();
        for part in s.split('.').filter(|p| !p.is_empty()) {
            let mut rest = part;
            if let Some(i) = rest.find('[') {
                if i > 0 {
                    segments.push(FieldSegment::Key(rest[..i].to_owned()));
                }
                rest = &rest[i..];
                while let Some(stripped) = rest.strip_prefix('[') {
                    let Some(end) = stripped.find(']') else { break };
                    let inside = &stripped[..end];
                    match inside.parse() {
                        Ok(n) => segments.push(FieldSegment::Index(n)),
                        Err(_) => match inside.strip_prefix('"').and_then(|k| k.strip_suffix('"')) {
                            Some(key) => segments.push(FieldSegment::Entry(key.to_owned())),
                            None => segments.push(FieldSegment::Key(inside.to_owned())),
                        },
                    }
                    rest = &stripped[end + 1..];
                }
            } else {
                segments.push(FieldSegment::Key(rest.to_owned()));
            }
        }
        FieldPath { segments }
    }

    /// This path followed by `other`.
    pub fn join(&self, other: &FieldPath) -> FieldPath {
        let mut segments = self.segments.clone();
        segments.extend(other.segments.iter().cloned());
        FieldPath { segments }
    }

    /// This path followed by a key.
    pub fn key(&self, key: impl Into<String>) -> FieldPath {
        let mut p = self.clone();
        p.segments.push(FieldSegment::Key(key.into()));
        p
    }

    /// This path followed by the key of a map the user fills (see
    /// [`FieldSegment::Entry`]).
    pub fn entry(&self, key: impl Into<String>) -> FieldPath {
        let mut p = self.clone();
        p.segments.push(FieldSegment::Entry(key.into()));
        p
    }

    /// This path followed by an index.
    pub fn index(&self, index: usize) -> FieldPath {
        let mut p = self.clone();
        p.segments.push(FieldSegment::Index(index));
        p
    }

    /// The segments, outermost first.
    pub fn segments(&self) -> &[FieldSegment] {
        &self.segments
    }

    /// Whether this is the root.
    pub fn is_root(&self) -> bool {
        self.segments.is_empty()
    }

    /// The path without its last segment (the root stays the root).
    pub fn parent(&self) -> FieldPath {
        let mut p = self.clone();
        p.segments.pop();
        p
    }
}

impl FieldPath {
    /// The path as a Rust program names the field in the props it built:
    /// struct fields after `.`, map keys as `["KEY"]`, indexes as `[n]`
    /// (`environment["DB_HOST"]`, `scaling.cpu_target_percent`), where an
    /// app file's spelling is `environment.DB_HOST`.
    pub fn rust(&self) -> RustField<'_> {
        RustField(self)
    }
}

/// A [`FieldPath`] displayed as Rust names the field (see [`FieldPath::rust`]).
#[derive(Debug, Clone, Copy)]
pub struct RustField<'a>(&'a FieldPath);

impl fmt::Display for RustField<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, seg) in self.0.segments.iter().enumerate() {
            match seg {
                FieldSegment::Key(k) if i == 0 => f.write_str(k)?,
                FieldSegment::Key(k) => write!(f, ".{k}")?,
                FieldSegment::Index(n) => write!(f, "[{n}]")?,
                FieldSegment::Entry(k) => write!(f, "[{k:?}]")?,
            }
        }
        Ok(())
    }
}

impl From<&str> for FieldPath {
    fn from(s: &str) -> Self {
        FieldPath::parse(s)
    }
}

impl From<String> for FieldPath {
    fn from(s: String) -> Self {
        FieldPath::parse(&s)
    }
}

impl fmt::Display for FieldPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, seg) in self.segments.iter().enumerate() {
            match seg {
                FieldSegment::Key(k) | FieldSegment::Entry(k) if i == 0 => f.write_str(k)?,
                FieldSegment::Key(k) | FieldSegment::Entry(k) => write!(f, ".{k}")?,
                FieldSegment::Index(n) => write!(f, "[{n}]")?,
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_paths_round_trip() {
        for s in ["stacks[0].vpc.cidr", "stacks[1].services.main.containers[2].image", "a[0][1]"] {
            assert_eq!(FieldPath::parse(s).to_string(), s);
        }
        assert_eq!(FieldPath::parse("stacks[0]").key("vpc").to_string(), "stacks[0].vpc");
    }

    #[test]
    fn map_keys_read_as_the_app_file_or_as_rust_spells_them() {
        let env = FieldPath::root().key("environment").entry("DB_HOST");
        assert_eq!(env.to_string(), "environment.DB_HOST");
        assert_eq!(env.rust().to_string(), r#"environment["DB_HOST"]"#);
        assert_eq!(FieldPath::parse(r#"environment["DB_HOST"]"#), env);
        let nested = FieldPath::parse("scaling.cpu_steps.scale_out[0].at");
        assert_eq!(nested.rust().to_string(), nested.to_string(), "fields and indexes read the same");
    }
}
