//! Construct paths, field paths and logical IDs.

use std::fmt;

/// Where a construct sits in the app: the stack name, then construct names,
/// e.g. `todo-prod/Vpc/PublicSubnet1`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct ConstructPath {
    segments: Vec<String>,
}

impl ConstructPath {
    /// The root path of a stack.
    pub fn root(stack_name: &str) -> Self {
        ConstructPath { segments: vec![stack_name.to_owned()] }
    }

    /// The path of a child construct.
    pub fn child(&self, name: impl AsRef<str>) -> Self {
        let mut segments = self.segments.clone();
        segments.push(name.as_ref().to_owned());
        ConstructPath { segments }
    }

    /// The construct's own name: the last segment (the stack name for a
    /// stack's root).
    pub fn id(&self) -> &str {
        self.segments.last().map_or("", String::as_str)
    }

    /// The segments, stack name first.
    pub fn segments(&self) -> &[String] {
        &self.segments
    }

    /// The construct at `relative` below this one: its segments separated
    /// by `/` (empty segments ignored), e.g. `main/TaskDefinition`.
    pub fn descendant(&self, relative: &str) -> Self {
        let mut segments = self.segments.clone();
        segments.extend(relative.split('/').filter(|s| !s.is_empty()).map(str::to_owned));
        ConstructPath { segments }
    }

    /// Parses a path as [`ConstructPath`]'s `Display` writes it,
    /// `todo-prod/main/TaskDefinition`.
    pub fn parse(path: &str) -> Self {
        ConstructPath { segments: path.split('/').filter(|s| !s.is_empty()).map(str::to_owned).collect() }
    }

    /// Whether this path is `ancestor` or below it.
    pub fn is_within(&self, ancestor: &ConstructPath) -> bool {
        self.segments.starts_with(&ancestor.segments)
    }

    /// The logical ID of a resource at this path: the PascalCase of every
    /// segment below the stack, e.g. `todo-prod/Vpc/public-subnet-1` →
    /// `VpcPublicSubnet1`.
    pub fn logical_id(&self) -> String {
        let mut id = String::new();
        for seg in self.segments.iter().skip(1) {
            pascal_case_into(seg, &mut id);
        }
        id
    }
}

impl fmt::Display for ConstructPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.segments.join("/"))
    }
}

/// Appends the PascalCase form of `s` to `out`: words split at any
/// non-alphanumeric character, each word's first letter upper-cased, the rest
/// kept as written (`api-v2_blue` → `ApiV2Blue`, `PublicSubnet1` stays).
pub fn pascal_case_into(s: &str, out: &mut String) {
    for word in s.split(|c: char| !c.is_ascii_alphanumeric()).filter(|w| !w.is_empty()) {
        let mut chars = word.chars();
        if let Some(first) = chars.next() {
            out.push(first.to_ascii_uppercase());
            out.extend(chars);
        }
    }
}

/// The PascalCase form of `s` (see [`pascal_case_into`]).
pub fn pascal_case(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    pascal_case_into(s, &mut out);
    out
}

/// One step of a [`FieldPath`].
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum FieldSegment {
    /// A map key or struct field.
    Key(String),
    /// A list index.
    Index(usize),
}

/// Where a value sits in the app's props, as the app file spells it:
/// `stacks[0].vpc.cidr`, `stacks[1].services.main.image`.
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
                    match stripped[..end].parse() {
                        Ok(n) => segments.push(FieldSegment::Index(n)),
                        Err(_) => segments.push(FieldSegment::Key(stripped[..end].to_owned())),
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

impl From<&str> for FieldPath {
    fn from(s: &str) -> Self {
        FieldPath::parse(s)
    }
}

impl fmt::Display for FieldPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, seg) in self.segments.iter().enumerate() {
            match seg {
                FieldSegment::Key(k) if i == 0 => f.write_str(k)?,
                FieldSegment::Key(k) => write!(f, ".{k}")?,
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
    fn logical_ids_are_pascal_case_of_the_path() {
        let p = ConstructPath::root("todo-prod").child("Vpc").child("public-subnet-1");
        assert_eq!(p.logical_id(), "VpcPublicSubnet1");
        assert_eq!(p.to_string(), "todo-prod/Vpc/public-subnet-1");
        assert_eq!(pascal_case("api_v2.blue"), "ApiV2Blue");
    }

    #[test]
    fn field_paths_round_trip() {
        for s in ["stacks[0].vpc.cidr", "stacks[1].services.main.containers[2].image", "a[0][1]"] {
            assert_eq!(FieldPath::parse(s).to_string(), s);
        }
        assert_eq!(FieldPath::parse("stacks[0]").key("vpc").to_string(), "stacks[0].vpc");
    }
}
