//! Construct paths and logical IDs.

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
}
