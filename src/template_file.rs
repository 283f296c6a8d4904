//! Reading a CloudFormation template file as CloudFormation reads it, for
//! `rcdk check`: JSON or YAML (short-form tags such as `!Ref`), where a key
//! written twice in one map keeps its last value. CloudFormation deploys
//! such templates (a duplicate `Metadata` label, a repeated property);
//! serde_yaml refuses them and serde_json silently keeps the last, so one
//! pass over the YAML events (JSON is YAML) finds each duplicate, with the
//! line and column of both keys, and where each resource is written.
//!
//! A document without duplicates is read by
//! [`rcdk_constructs::cfn::parse_template`], exactly as `rcdk diff` reads it;
//! the event pass only adds positions, and builds the value itself when a
//! duplicate made serde_yaml refuse it.

use std::collections::HashMap;

use rcdk_constructs::cfn::{parse_template, ParseError};
use serde_json::{Map, Number, Value};
use yaml_rust2::parser::{Event, Parser, Tag};
use yaml_rust2::scanner::{Marker, TScalarStyle};

/// How many values aliases may expand to before the file is refused (a
/// small file must not expand to gigabytes, the "billion laughs").
const MAX_VALUES: usize = 2_000_000;
/// How deeply maps and lists may nest.
const MAX_DEPTH: usize = 256;

pub use rcdk_guard::Position;

/// A YAML event's position, 1-based.
fn position_of(mark: Marker) -> Position {
    Position { line: mark.line(), column: mark.col() + 1 }
}

/// A key written twice in one map.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Duplicate {
    /// Where the map is, `Metadata.AWS::CloudFormation::Interface.ParameterLabels`
    /// (empty at the top level).
    pub map: String,
    /// The key.
    pub key: String,
    /// The second (later) key: its value is the one CloudFormation keeps.
    pub at: Position,
    /// The first key.
    pub first: Position,
}

/// A template file, read.
#[derive(Debug)]
pub struct TemplateFile {
    /// The template, in the canonical form of [`parse_template`].
    pub value: Value,
    /// Keys written twice, in file order.
    pub duplicates: Vec<Duplicate>,
    /// Where each resource's logical ID is written.
    resources: HashMap<String, Position>,
}

impl TemplateFile {
    /// Reads `text`. Fails when it is neither JSON nor YAML, or not a map.
    pub fn read(text: &str) -> Result<TemplateFile, ParseError> {
        let (duplicates, resources) = match events(text, false) {
            Ok(p) => (p.duplicates, p.resources),
            Err(_) => (Vec::new(), HashMap::new()),
        };
        let value = match parse_template(text) {
            Ok(v) => v,
            // serde_yaml refuses a duplicate key: a second pass builds the
            // value keeping the last one, as CloudFormation does.
            Err(e) if !duplicates.is_empty() => {
                let built = events(text, true).map_err(|_| e.clone())?;
                let json = serde_json::to_string(&built.value).map_err(|_| e.clone())?;
                parse_template(&json)?
            }
            Err(e) => return Err(e),
        };
        Ok(TemplateFile { value, duplicates, resources })
    }

    /// Where resource `id` is written.
    pub fn resource(&self, id: &str) -> Option<Position> {
        self.resources.get(id).copied()
    }
}

/// What one pass over the events found.
struct Pass {
    value: Value,
    duplicates: Vec<Duplicate>,
    resources: HashMap<String, Position>,
}

/// A map or list being built.
enum Frame {
    Map {
        map: Map<String, Value>,
        /// Each key's position.
        keys: HashMap<String, Position>,
        /// The key whose value comes next, and where it is.
        key: Option<(String, Position)>,
        anchor: usize,
        tag: Option<Tag>,
    },
    Seq {
        items: Vec<Value>,
        anchor: usize,
        tag: Option<Tag>,
    },
}

/// One pass over the events of `text`: the duplicates and the resources'
/// positions; and, when `build`, the value (a duplicate keeps its last value).
fn events(text: &str, build: bool) -> Result<Pass, String> {
    let mut parser = Parser::new_from_str(text);
    let mut frames: Vec<Frame> = Vec::new();
    let mut anchors: HashMap<usize, Value> = HashMap::new();
    let mut duplicates = Vec::new();
    let mut resources = HashMap::new();
    let mut budget = MAX_VALUES;
    let mut root: Option<Value> = None;
    loop {
        let (event, mark) = parser.next_token().map_err(|e| e.info().to_owned())?;
        let done = match event {
            Event::StreamEnd => break,
            Event::StreamStart | Event::DocumentStart | Event::DocumentEnd | Event::Nothing => continue,
            Event::MappingStart(anchor, tag) => {
                if frames.len() >= MAX_DEPTH {
                    return Err("nested too deep".into());
                }
                frames.push(Frame::Map { map: Map::new(), keys: HashMap::new(), key: None, anchor, tag });
                continue;
            }
            Event::SequenceStart(anchor, tag) => {
                if frames.len() >= MAX_DEPTH {
                    return Err("nested too deep".into());
                }
                frames.push(Frame::Seq { items: Vec::new(), anchor, tag });
                continue;
            }
            Event::MappingEnd => match frames.pop() {
                Some(Frame::Map { map, anchor, tag, .. }) => {
                    keep(&mut anchors, anchor, tagged(tag, Value::Object(map)))
                }
                _ => return Err("unbalanced map".into()),
            },
            Event::SequenceEnd => match frames.pop() {
                Some(Frame::Seq { items, anchor, tag }) => keep(&mut anchors, anchor, tagged(tag, Value::Array(items))),
                _ => return Err("unbalanced list".into()),
            },
            Event::Scalar(text, style, anchor, tag) => {
                // A map's key: remember it, and where it is.
                if let Some(Frame::Map { key: None, .. }) = frames.last() {
                    let path: Vec<&str> = frames[..frames.len() - 1]
                        .iter()
                        .filter_map(|f| match f {
                            Frame::Map { key: Some((k, _)), .. } => Some(k.as_str()),
                            _ => None,
                        })
                        .collect();
                    let at = position_of(mark);
                    let in_resources = path == ["Resources"];
                    let map_path = path.join(".");
                    if let Some(Frame::Map { key, keys, .. }) = frames.last_mut() {
                        if let Some(&first) = keys.get(&text) {
                            duplicates.push(Duplicate { map: map_path, key: text.clone(), at, first });
                        }
                        keys.insert(text.clone(), at);
                        if in_resources {
                            resources.insert(text.clone(), at);
                        }
                        *key = Some((text, at));
                    }
                    continue;
                }
                if !build {
                    Value::Null
                } else {
                    keep(&mut anchors, anchor, tagged(tag, scalar(&text, style)))
                }
            }
            Event::Alias(_) if !build => Value::Null,
            Event::Alias(id) => {
                let v = anchors.get(&id).cloned().ok_or("an alias of no anchor")?;
                budget = budget.checked_sub(size(&v)).ok_or("aliases expand to too many values")?;
                v
            }
        };
        // `done` is a finished value: it goes into its parent.
        match frames.last_mut() {
            None => {
                root = Some(done);
            }
            Some(Frame::Seq { items, .. }) => {
                if build {
                    items.push(done);
                }
            }
            Some(Frame::Map { map, key, .. }) => match key.take() {
                Some((k, _)) => {
                    if build {
                        map.insert(k, done);
                    }
                }
                None => return Err("a key that is not a plain value".into()),
            },
        }
    }
    Ok(Pass { value: root.unwrap_or(Value::Null), duplicates, resources })
}

/// Records `v` under its anchor (0 is none) and gives it back.
fn keep(anchors: &mut HashMap<usize, Value>, anchor: usize, v: Value) -> Value {
    if anchor != 0 {
        anchors.insert(anchor, v.clone());
    }
    v
}

/// How many values `v` holds.
fn size(v: &Value) -> usize {
    match v {
        Value::Array(a) => 1 + a.iter().map(size).sum::<usize>(),
        Value::Object(m) => 1 + m.values().map(size).sum::<usize>(),
        _ => 1,
    }
}

/// A short-form intrinsic (`!Ref x`, `!GetAtt a.b`, `!Sub ...`) in its long form.
fn tagged(tag: Option<Tag>, v: Value) -> Value {
    let Some(tag) = tag else { return v };
    if tag.handle != "!" {
        // `!!str` and the like: the value as it is.
        return v;
    }
    rcdk_constructs::cfn::short_form(&tag.suffix, v)
}

/// A scalar as YAML 1.2's core schema types it (as serde_yaml does): quoted
/// scalars are strings; plain ones may be null, booleans or numbers.
fn scalar(text: &str, style: TScalarStyle) -> Value {
    if style != TScalarStyle::Plain {
        return Value::String(text.to_owned());
    }
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return Value::Null,
        "true" | "True" | "TRUE" => return Value::Bool(true),
        "false" | "False" | "FALSE" => return Value::Bool(false),
        _ => {}
    }
    let (sign, digits) = match text.strip_prefix('-') {
        Some(rest) => (-1i128, rest),
        None => (1, text.strip_prefix('+').unwrap_or(text)),
    };
    let radix = [("0x", 16), ("0o", 8), ("0b", 2)].iter().find_map(|(p, r)| digits.strip_prefix(p).map(|d| (d, *r)));
    let int = match radix {
        Some((d, r)) if !d.is_empty() => i128::from_str_radix(d, r).ok(),
        Some(_) => None,
        None if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) => digits.parse::<i128>().ok(),
        None => None,
    };
    if let Some(n) = int.map(|n| n * sign) {
        if let Ok(i) = i64::try_from(n) {
            return Value::Number(i.into());
        }
        if let Ok(u) = u64::try_from(n) {
            return Value::Number(u.into());
        }
    }
    let float = text.bytes().all(|b| b.is_ascii_digit() || b"+-.eE".contains(&b))
        && text.bytes().any(|b| b.is_ascii_digit())
        && text.parse::<f64>().is_ok();
    if float {
        if let Some(n) = text.parse::<f64>().ok().and_then(Number::from_f64) {
            return Value::Number(n);
        }
    }
    Value::String(text.to_owned())
}

rcdk_constructs::codes! {
    /// The diagnostic codes of reading template files.
    pub enum Code {
        DuplicateKey => warning("cfn:duplicate-key") {
            title: "a key written twice in one map of a template",
            explanation: "A map of the template (a resource's properties, `Metadata`, a parameter's labels) has the \
         same key twice. CloudFormation deploys such a template and keeps the last value, silently \
         dropping the first (older `aws cloudformation deploy` versions refuse it); YAML and JSON \
         readers disagree on what to do. `rcdk check` keeps the last value, as CloudFormation does, \
         analyses the template, and reports both places: delete the key you did not mean.",
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_duplicate_key_keeps_the_last_value_and_both_places() {
        let text = "Description: first\nDescription: second\nResources:\n  Topic:\n    Type: AWS::SNS::Topic\n    Properties:\n      TopicName: !Ref Name\n      TopicName: !Sub '${Name}-2'\n";
        let t = TemplateFile::read(text).expect("read");
        assert_eq!(t.value["Description"], "second");
        assert_eq!(
            t.value["Resources"]["Topic"]["Properties"]["TopicName"],
            serde_json::json!({"Fn::Sub": "${Name}-2"})
        );
        assert_eq!(t.duplicates.len(), 2);
        assert_eq!(
            t.duplicates[0],
            Duplicate {
                map: String::new(),
                key: "Description".into(),
                at: Position { line: 2, column: 1 },
                first: Position { line: 1, column: 1 }
            }
        );
        assert_eq!(t.duplicates[1].map, "Resources.Topic.Properties");
        assert_eq!(t.duplicates[1].at, Position { line: 8, column: 7 });
        assert_eq!(t.resource("Topic"), Some(Position { line: 4, column: 3 }));
    }

    #[test]
    fn json_duplicates_are_found_too_and_the_value_is_serde_jsons() {
        let text = "{\"Resources\": {\"A\": {\"Type\": \"X\"}, \"A\": {\"Type\": \"Y\"}}}";
        let t = TemplateFile::read(text).expect("read");
        assert_eq!(t.value["Resources"]["A"]["Type"], "Y");
        assert_eq!(t.duplicates.len(), 1);
        assert_eq!(t.duplicates[0].at, Position { line: 1, column: 36 });
    }

    #[test]
    fn without_duplicates_the_value_is_parse_templates() {
        let text = "Resources:\n  A:\n    Type: T\n    Properties: {X: !GetAtt B.Arn, Y: 0x10, Z: '080', W: 1.5, V: ~, U: yes}\n";
        let t = TemplateFile::read(text).expect("read");
        assert_eq!(Some(&t.value), parse_template(text).ok().as_ref());
        assert!(t.duplicates.is_empty());
        // The event pass types scalars the same way.
        let p = events(text, true).expect("events");
        assert_eq!(p.value["Resources"]["A"]["Properties"], t.value["Resources"]["A"]["Properties"]);
    }

    #[test]
    fn aliases_are_bounded() {
        let mut text = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 0..8 {
            let prev = if i == 0 { "a".to_owned() } else { format!("b{}", i - 1) };
            text.push_str(&format!("b{i}: &b{i} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]\n"));
        }
        assert!(events(&text, true).is_err());
    }
}
