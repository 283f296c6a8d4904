//! A YAML emitter for templates.
//!
//! serde_yaml writes YAML 1.2, where `on`, `yes` or `2012-10-17` are plain
//! strings; CloudFormation reads YAML 1.1, where they are a boolean and a
//! date. This emitter writes block-style YAML that means the same under both:
//! any string a YAML 1.1 or 1.2 reader could take for something else is
//! quoted, everything else stays plain for readability (`Fn::GetAtt:`,
//! `arn:aws:...`, `10.0.0.0/16`). Multi-line strings (user data) become
//! literal block scalars.

use std::fmt::Write;

use serde_json::Value;

use super::{Resource, Template, TEMPLATE_FORMAT_VERSION};

/// Renders a JSON value as a YAML document (2-space indent, trailing newline).
pub fn to_yaml_string(value: &Value) -> String {
    let mut out = String::with_capacity(4096);
    match value {
        Value::Object(map) if !map.is_empty() => write_map(&mut out, map, 0),
        Value::Array(items) if !items.is_empty() => write_seq(&mut out, items, 0),
        scalar => {
            write_scalar(&mut out, scalar, 0);
            out.push('\n');
        }
    }
    out
}

fn indent(out: &mut String, n: usize) {
    for _ in 0..n {
        out.push(' ');
    }
}

/// Renders a template as YAML: the same bytes as
/// `to_yaml_string(&serde_json::to_value(template)?)`, without first copying
/// the whole template into a [`Value`] (resources and their properties are
/// written from where they are; only parameters, outputs and resource
/// policies go through small `Value`s).
pub fn template_to_yaml(t: &Template) -> Result<String, serde_json::Error> {
    let mut out = String::with_capacity(4096 + t.resources.len() * 1024);
    let version = Value::String(TEMPLATE_FORMAT_VERSION.to_owned());
    let mut top: Vec<(&str, Value)> = vec![("AWSTemplateFormatVersion", version)];
    if let Some(d) = &t.description {
        top.push(("Description", Value::String(d.clone())));
    }
    write_entries(&mut out, top.iter().map(|(k, v)| (*k, v)), 0);
    if !t.metadata.is_empty() {
        write_section(&mut out, "Metadata", t.metadata.iter().map(|(k, v)| (k.as_str(), v)));
    }
    if !t.parameters.is_empty() {
        let v = serde_json::to_value(&t.parameters)?;
        write_entries(&mut out, std::iter::once(("Parameters", &v)), 0);
    }
    if !t.mappings.is_empty() {
        write_section(&mut out, "Mappings", t.mappings.iter().map(|(k, v)| (k.as_str(), v)));
    }
    if !t.conditions.is_empty() {
        write_section(&mut out, "Conditions", t.conditions.iter().map(|(k, v)| (k.as_str(), v)));
    }
    if t.resources.is_empty() {
        out.push_str("Resources: {}\n");
    } else {
        out.push_str("Resources:\n");
        for (id, r) in &t.resources {
            indent(&mut out, 2);
            write_string(&mut out, id, 2);
            out.push_str(":\n");
            write_resource(&mut out, r)?;
        }
    }
    if !t.outputs.is_empty() {
        let v = serde_json::to_value(&t.outputs)?;
        write_entries(&mut out, std::iter::once(("Outputs", &v)), 0);
    }
    Ok(out)
}

/// A top-level section that is a non-empty map of values.
fn write_section<'a>(out: &mut String, key: &str, entries: impl Iterator<Item = (&'a str, &'a Value)>) {
    out.push_str(key);
    out.push_str(":\n");
    write_entries(out, entries, 2);
}

/// One resource's body at level 4, in the order of `Resource`'s `Serialize`.
fn write_resource(out: &mut String, r: &Resource) -> Result<(), serde_json::Error> {
    let mut head: Vec<(&str, Value)> = vec![("Type", Value::String(r.resource_type.clone()))];
    if let Some(c) = &r.condition {
        head.push(("Condition", Value::String(c.clone())));
    }
    if !r.depends_on.is_empty() {
        let mut deps: Vec<&String> = r.depends_on.iter().collect();
        deps.sort();
        deps.dedup();
        head.push(("DependsOn", Value::Array(deps.into_iter().map(|d| Value::String(d.clone())).collect())));
    }
    if let Some(p) = r.deletion_policy {
        head.push(("DeletionPolicy", serde_json::to_value(p)?));
    }
    if let Some(p) = r.update_replace_policy {
        head.push(("UpdateReplacePolicy", serde_json::to_value(p)?));
    }
    if let Some(p) = &r.update_policy {
        head.push(("UpdatePolicy", p.clone()));
    }
    write_entries(out, head.iter().map(|(k, v)| (*k, v)), 4);
    if let Some(m) = &r.metadata {
        write_entries(out, std::iter::once(("Metadata", m)), 4);
    }
    if !r.properties.is_empty() {
        indent(out, 4);
        out.push_str("Properties:\n");
        write_entries(out, r.properties.iter().map(|(k, v)| (k.as_str(), v)), 6);
    }
    Ok(())
}

fn write_map(out: &mut String, map: &serde_json::Map<String, Value>, level: usize) {
    write_entries(out, map.iter().map(|(k, v)| (k.as_str(), v)), level);
}

fn write_entries<'a>(out: &mut String, entries: impl Iterator<Item = (&'a str, &'a Value)>, level: usize) {
    for (i, (key, value)) in entries.enumerate() {
        // The first entry of a map inside a sequence item follows its `- `.
        if i > 0 || !out.ends_with("- ") {
            indent(out, level);
        }
        write_string(out, key, level);
        out.push(':');
        write_value_after_key(out, value, level);
    }
}

fn write_seq(out: &mut String, items: &[Value], level: usize) {
    for (i, item) in items.iter().enumerate() {
        if i > 0 || !out.ends_with("- ") {
            indent(out, level);
        }
        out.push_str("- ");
        match item {
            Value::Object(m) if !m.is_empty() => write_map(out, m, level + 2),
            Value::Array(a) if !a.is_empty() => write_seq(out, a, level + 2),
            scalar => {
                write_scalar(out, scalar, level + 2);
                out.push('\n');
            }
        }
    }
}

fn write_value_after_key(out: &mut String, value: &Value, level: usize) {
    match value {
        Value::Object(m) if !m.is_empty() => {
            out.push('\n');
            write_map(out, m, level + 2);
        }
        // Block sequences under a key sit at the key's indentation (the
        // common CloudFormation style).
        Value::Array(a) if !a.is_empty() => {
            out.push('\n');
            write_seq(out, a, level);
        }
        scalar => {
            out.push(' ');
            write_scalar(out, scalar, level + 2);
            out.push('\n');
        }
    }
}

fn write_scalar(out: &mut String, value: &Value, level: usize) {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => {
            let _ = write!(out, "{n}");
        }
        Value::String(s) => write_string(out, s, level),
        Value::Array(_) => out.push_str("[]"),
        Value::Object(_) => out.push_str("{}"),
    }
}

fn write_string(out: &mut String, s: &str, level: usize) {
    if s.contains('\n') && literal_block_ok(s) {
        write_literal_block(out, s, level);
    } else if needs_double_quotes(s) {
        // JSON string syntax is valid YAML double-quoted syntax.
        let _ = write!(out, "{}", Value::String(s.to_owned()));
    } else if needs_quotes(s) {
        out.push('\'');
        out.push_str(&s.replace('\'', "''"));
        out.push('\'');
    } else {
        out.push_str(s);
    }
}

/// A literal block keeps every character when no line has trailing spaces or
/// tabs, nothing but `\n` breaks lines, and the first line does not start
/// with a space.
fn literal_block_ok(s: &str) -> bool {
    !s.starts_with(' ')
        && !s.chars().any(|c| c.is_control() && c != '\n')
        && s.split('\n').all(|line| !line.ends_with(' ') && !line.ends_with('\t'))
}

fn write_literal_block(out: &mut String, s: &str, level: usize) {
    let trailing = s.len() - s.trim_end_matches('\n').len();
    out.push_str(match trailing {
        0 => "|-",
        1 => "|",
        _ => "|+",
    });
    let body = s.trim_end_matches('\n');
    for line in body.split('\n') {
        out.push('\n');
        if !line.is_empty() {
            indent(out, level);
            out.push_str(line);
        }
    }
    for _ in 1..trailing {
        out.push('\n');
    }
}

fn needs_double_quotes(s: &str) -> bool {
    s.chars().any(|c| c.is_control())
}

/// Whether a plain scalar could be read as anything but this string, by a
/// YAML 1.1 or a YAML 1.2 reader, or would not parse at all.
fn needs_quotes(s: &str) -> bool {
    let Some(first) = s.chars().next() else { return true };
    if s.starts_with(' ') || s.ends_with(' ') || s.ends_with(':') {
        return true;
    }
    if "-?:,[]{}#&*!|>'\"%@`".contains(first) {
        // `-` alone or followed by a non-space is fine only for non-numbers;
        // quoting is always safe.
        return true;
    }
    if s.contains(": ") || s.contains(" #") || s.contains('\t') {
        return true;
    }
    // YAML 1.1 also resolves a plain `=` (the "value" type) and `<<` (the
    // merge key): PyYAML, and so cfn-lint, cannot even load them as values.
    const RESERVED: [&str; 28] = [
        "y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO", "true", "True", "TRUE", "false", "False", "FALSE",
        "on", "On", "ON", "off", "Off", "OFF", "null", "Null", "NULL", "~", "=", "<<",
    ];
    // Every reserved word and .inf/.nan spelling is at most 5 bytes: longer
    // strings skip the comparisons (this runs for every string of a template).
    if s.len() <= 5
        && (RESERVED.contains(&s) || [".inf", "+.inf", "-.inf", ".nan"].iter().any(|r| r.eq_ignore_ascii_case(s)))
    {
        return true;
    }
    // Numbers (YAML 1.1 allows `_` in them), sexagesimals and octals,
    // timestamps, .inf/.nan: any
    // string that starts like a number and holds only number-ish characters.
    let numberish = first.is_ascii_digit() || first == '+' || first == '.';
    numberish && s.chars().all(|c| c.is_ascii_hexdigit() || "._:+-xXoObBeETtZz _".contains(c))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn quotes_what_yaml_1_1_would_misread() {
        let v = json!({
            "AWSTemplateFormatVersion": "2010-09-09",
            "Values": ["on", "off", "yes", "no", "y", "true", "null", "~", "", "1:20", "0755", "1e3", ".inf", "-1", "200-399", "12.5", "=", "<<", "1_000"],
            "Plain": ["Fn::GetAtt", "arn:aws:iam::aws:policy/Admin", "10.0.0.0/16", "${AWS::StackName}-x", "t3.micro", "http://x", "a, b"],
            "Quote": "it's: here",
            "Empty": {},
            "None": [],
        });
        let y = to_yaml_string(&v);
        assert!(y.starts_with("AWSTemplateFormatVersion: '2010-09-09'\n"), "{y}");
        for q in [
            "'on'",
            "'off'",
            "'yes'",
            "'no'",
            "'y'",
            "'true'",
            "'null'",
            "'~'",
            "''",
            "'1:20'",
            "'0755'",
            "'1e3'",
            "'.inf'",
            "'-1'",
            "'200-399'",
            "'12.5'",
            "'='",
            "'<<'",
            "'1_000'",
        ] {
            assert!(y.contains(&format!("- {q}\n")), "{q} not quoted in:\n{y}");
        }
        for p in [
            "Fn::GetAtt",
            "arn:aws:iam::aws:policy/Admin",
            "10.0.0.0/16",
            "${AWS::StackName}-x",
            "t3.micro",
            "http://x",
            "a, b",
        ] {
            assert!(y.contains(&format!("- {p}\n")), "{p} quoted in:\n{y}");
        }
        assert!(y.contains("Quote: 'it''s: here'\n"));
        assert!(y.contains("Empty: {}\n") && y.contains("None: []\n"));
        let back: Value = serde_yaml::from_str(&y).expect("parses");
        assert_eq!(back, v);
    }

    #[test]
    fn nests_maps_in_sequences_and_writes_literal_blocks() {
        let v = json!({"Resources": {"A": {"Tags": [{"Key": "k", "Value": "v"}], "List": [[1, 2], []],
            "UserData": "#!/bin/bash\necho hi\n\nexit 0\n", "NoNewline": "a\nb", "Two": "a\n\n", "Ctl": "a\u{1}b"}}});
        let y = to_yaml_string(&v);
        assert!(y.contains("    Tags:\n    - Key: k\n      Value: v\n"), "{y}");
        assert!(y.contains("    UserData: |\n      #!/bin/bash\n      echo hi\n\n      exit 0\n"), "{y}");
        let back: Value = serde_yaml::from_str(&y).expect("parses");
        assert_eq!(back, v);
    }

    #[test]
    fn templates_render_as_their_value_would() {
        use crate::cfn::{DeletionPolicy, Intrinsic, Output, Parameter, ParameterType, Resource, Template};
        let mut t = Template::new();
        let same = |t: &Template| {
            let direct = template_to_yaml(t).expect("renders");
            let via_value = to_yaml_string(&serde_json::to_value(t).expect("serializes"));
            assert_eq!(direct, via_value);
        };
        same(&t);
        t.description = Some("on: a description".into());
        t.metadata.insert("Note".into(), json!({"a": [1, {"b": "yes"}], "e": {}}));
        t.parameters.insert("Tag".into(), Parameter::new(ParameterType::String).description("the tag"));
        t.mappings.insert("Amis".into(), json!({"us-east-1": {"Id": "ami-1"}}));
        t.conditions.insert("IsProd".into(), json!({"Fn::Equals": [Intrinsic::ref_("Tag"), "prod"]}));
        let mut r = Resource::new("AWS::S3::Bucket")
            .prop("Tags", json!([{"Key": "k", "Value": "0755"}]))
            .prop("Script", "#!/bin/sh\necho hi\n")
            .depends_on("B")
            .depends_on("A")
            .depends_on("B");
        r.condition = Some("IsProd".into());
        r.deletion_policy = Some(DeletionPolicy::Retain);
        r.update_replace_policy = Some(DeletionPolicy::Snapshot);
        r.metadata = Some(json!({"cfn-lint": {"config": {"ignore_checks": ["W1"]}}}));
        t.resources.insert("Bucket".into(), r);
        t.resources.insert("Empty".into(), Resource::new("AWS::SNS::Topic"));
        let mut m = Resource::new("AWS::SNS::Topic");
        m.metadata = Some(json!({}));
        t.resources.insert("EmptyMetadata".into(), m);
        t.outputs.insert("Name".into(), Output::new(Intrinsic::ref_("Bucket"), "the bucket"));
        same(&t);
    }
}
