//! Which resource types take tags, and in which shape; which tags are valid.

use super::DiagnosticCode;

/// The shape of a resource type's tag property (see [`tag_format`]).
pub type TagFormat = crate::cfn::schema::TagShape;

/// The shape of `resource_type`'s tag property, or `None` when it takes no
/// stack tags. Which types take tags, under which property and in which
/// shape, comes from the vendored provider schemas' tagging metadata (see
/// [`crate::cfn::schema::tagging`]): every taggable type gets the stack's
/// tags.
pub fn tag_format(resource_type: &str) -> Option<TagFormat> {
    crate::cfn::schema::tagging(resource_type).map(|t| t.shape)
}

/// Most tags on one resource (CloudFormation and the tagging APIs): the
/// stack's tags and the resource's own (such as `Name`) together.
pub const MAX_TAGS_PER_RESOURCE: usize = 50;
/// Longest tag key, in characters.
pub const MAX_TAG_KEY_CHARS: usize = 128;
/// Longest tag value, in characters.
pub const MAX_TAG_VALUE_CHARS: usize = 256;

/// Why a tag cannot be applied, as (code, message, help); `None` when it can.
/// The strictest rules of the resource types rcdk tags: keys of 1 to 128
/// characters, not starting with the reserved `aws:`; values of 1 to 256
/// characters (ECS capacity providers refuse empty values); both made of
/// letters, digits, spaces and `_ . : / = + - @` only (the pattern of the
/// load balancer and capacity provider schemas).
pub fn tag_problem(key: &str, value: &str) -> Option<(DiagnosticCode, String, String)> {
    let allowed = "letters, digits, spaces and _ . : / = + - @";
    if key.is_empty() || key.chars().count() > MAX_TAG_KEY_CHARS {
        return Some((
            Code::TagKeyInvalid.into(),
            format!("tag key `{key}` must have 1 to {MAX_TAG_KEY_CHARS} characters"),
            "shorten the key".into(),
        ));
    }
    if key.get(..4).is_some_and(|p| p.eq_ignore_ascii_case("aws:")) {
        return Some((
            Code::TagKeyReserved.into(),
            format!("tag key `{key}` starts with `aws:`, which AWS reserves for its own tags"),
            "choose a key without the `aws:` prefix".into(),
        ));
    }
    if let Some(c) = key.chars().find(|c| !is_tag_char(*c)) {
        return Some((
            Code::TagKeyInvalid.into(),
            format!("tag key `{key}` holds {c:?}, which CloudFormation refuses in tags"),
            format!("use {allowed}"),
        ));
    }
    if value.is_empty() || value.chars().count() > MAX_TAG_VALUE_CHARS {
        return Some((
            Code::TagValueInvalid.into(),
            format!("the value of tag `{key}` must have 1 to {MAX_TAG_VALUE_CHARS} characters"),
            "give a shorter, non-empty value (ECS capacity providers refuse empty tag values)".into(),
        ));
    }
    if let Some(c) = value.chars().find(|c| !is_tag_char(*c)) {
        return Some((
            Code::TagValueInvalid.into(),
            format!("the value of tag `{key}` holds {c:?}, which CloudFormation refuses in tags"),
            format!("use {allowed}"),
        ));
    }
    None
}

/// `[\p{L}\p{Z}\p{N}_.:/=+\-@]`: letters, separators (spaces, not tabs or
/// line breaks), numbers and a few signs.
fn is_tag_char(c: char) -> bool {
    c.is_alphanumeric() || (c.is_whitespace() && !c.is_control()) || "_.:/=+-@".contains(c)
}

crate::codes! {
    /// The diagnostic codes of stack tags.
    pub(crate) enum Code {
        TagKeyInvalid => error("stack:tag-key-invalid") {
            formerly: ["tag-key-invalid"],
            title: "a tag key is empty, too long, or holds a character tags refuse",
            explanation: "Stack tags go on every taggable resource, so a key must suit the strictest tagging \
                          schema among them (the load balancer's and the ECS capacity provider's): 1 to 128 \
                          characters, made of letters, digits, spaces and `_ . : / = + - @`. CloudFormation \
                          would otherwise refuse the stack at deploy. Rename the key.",
        },
        TagKeyReserved => error("stack:tag-key-reserved") {
            formerly: ["tag-key-reserved"],
            title: "a tag key starts with `aws:`",
            explanation: "AWS reserves keys starting with `aws:` (in any case) for the tags it sets itself, \
                          and the tagging APIs refuse them from anyone else. Choose a key without the prefix.",
            help: "choose a key without the `aws:` prefix",
        },
        TagValueInvalid => error("stack:tag-value-invalid") {
            formerly: ["tag-value-invalid"],
            title: "a tag value is empty, too long, or holds a character tags refuse",
            explanation: "Tag values are 1 to 256 characters of letters, digits, spaces and \
                          `_ . : / = + - @`, the strictest tagging schema among the resources a stack's tags \
                          reach. Empty values are refused too: ECS capacity providers do not accept them.",
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_follow_the_strictest_schema() {
        for (k, v) in [("team", "platform"), ("cost-center", "a/b:c=d+e@f g"), ("Ünïcode", "日本")] {
            assert_eq!(tag_problem(k, v), None, "{k}={v}");
        }
        let code = |k: &str, v: &str| tag_problem(k, v).map(|p| p.0.as_str());
        assert_eq!(code("aws:team", "x"), Some("stack:tag-key-reserved"));
        assert_eq!(code("AWS:team", "x"), Some("stack:tag-key-reserved"));
        assert_eq!(code(&"k".repeat(129), "x"), Some("stack:tag-key-invalid"));
        assert_eq!(code("", "x"), Some("stack:tag-key-invalid"));
        assert_eq!(code("a#b", "x"), Some("stack:tag-key-invalid"));
        assert_eq!(code("k", ""), Some("stack:tag-value-invalid"));
        assert_eq!(code("k", &"v".repeat(257)), Some("stack:tag-value-invalid"));
        assert_eq!(code("k", "a\tb"), Some("stack:tag-value-invalid"));
        assert_eq!(code("k", "<b>"), Some("stack:tag-value-invalid"));
        assert_eq!(code(&"k".repeat(128), &"v".repeat(256)), None);
    }
}
