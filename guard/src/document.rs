//! Templates as the Guard engine reads them, made safe to hand it.
//!
//! The engine reads data with its own YAML loader, which rejects anchors and
//! aliases, has no depth limit (a template nested a few thousand levels deep
//! overflows the stack: an abort, not a panic) and is super-linear in
//! nesting. [`Document::parse`] reads the template first, with rcdk's
//! limits, and gives the engine JSON: the same values its loader would make
//! of the text (its typing of plain scalars and short-form tags, below),
//! aliases expanded within a budget. It also keeps the line and column of
//! every value, by the path the engine reports (`/Resources/Id/Properties/…`),
//! so findings point into the file.
//!
//! Typing, as cfn-guard 3.1.1's loader does it (`rules/libyaml/loader.rs`):
//! a quoted or block scalar is a string; a plain one is an integer if it
//! parses as `i64`, else a float if it parses as `f64`, else a boolean if it
//! is `true`/`false`, else null if it is `~` or `null` (any case), else a
//! string — so `yes`, `on`, `True` and an empty value stay strings. `!Ref X`,
//! `!GetAtt A.B`, `!Sub`, … become `{"Ref": "X"}`, `{"Fn::GetAtt": "A.B"}`,
//! …; another tag on a scalar makes it a string. Non-finite floats (`.inf`
//! is a string to it, `inf` and `1e999` are not) cannot be JSON and are
//! passed as their text.

use std::collections::{BTreeSet, HashMap};
use std::fmt;

use serde_json::{Map, Number, Value};
use yaml_rust2::parser::{Event, Parser, Tag};
use yaml_rust2::scanner::{Marker, TScalarStyle};

/// Deepest nesting of maps and lists handed to the engine. rcdk's own
/// templates need 12; the engine's time grows faster than linearly with
/// depth (3 s at 500 levels, minutes at 2,000) and its stack overflows at a
/// few thousand.
pub const MAX_DEPTH: usize = 64;

/// What aliases may repeat in one template: values, counted one each.
pub const MAX_ALIAS_VALUES: usize = 1 << 20;

/// A position in a file, 1-based.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Position {
    /// Line, from 1.
    pub line: usize,
    /// Column, from 1.
    pub column: usize,
}

impl Position {
    fn of(mark: Marker) -> Self {
        Position { line: mark.line(), column: mark.col() + 1 }
    }
}

impl fmt::Display for Position {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.line, self.column)
    }
}

/// Why a template is not handed to the engine.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DocumentError {
    /// Not YAML or JSON.
    #[error("{position}: {message}")]
    Syntax {
        /// Where the reader stopped.
        position: Position,
        /// The reader's message.
        message: String,
    },
    /// Nested deeper than [`MAX_DEPTH`].
    #[error("{position}: maps and lists are nested more than {MAX_DEPTH} deep; the Guard engine is not given templates this deep")]
    TooDeep {
        /// The first value too deep.
        position: Position,
    },
    /// Aliases expand to more than [`MAX_ALIAS_VALUES`].
    #[error("{position}: aliases (`*name`) repeat more than {MAX_ALIAS_VALUES} values")]
    AliasBudget {
        /// The alias that crossed the budget.
        position: Position,
    },
    /// An alias to an anchor not defined before it (or to the node it is in).
    #[error("{position}: alias to an anchor that is not defined before it")]
    UnknownAlias {
        /// The alias.
        position: Position,
    },
    /// A map key that is not a string (`1: x`, `? [a]`), which the engine refuses.
    #[error("{position}: a map key that is not a string")]
    KeyNotString {
        /// The key.
        position: Position,
    },
    /// The file holds no value, or more than one document.
    #[error("{0}")]
    Shape(String),
}

impl DocumentError {
    /// Where in the file, when known.
    pub fn position(&self) -> Option<Position> {
        match self {
            DocumentError::Syntax { position, .. }
            | DocumentError::TooDeep { position }
            | DocumentError::AliasBudget { position }
            | DocumentError::UnknownAlias { position }
            | DocumentError::KeyNotString { position } => Some(*position),
            DocumentError::Shape(_) => None,
        }
    }
}

/// A template read for the engine: its value (typed as the engine types
/// it) and the position of every value.
#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    /// The template.
    pub value: Value,
    positions: HashMap<String, Position>,
}

impl Document {
    /// Reads a template written in YAML or JSON.
    pub fn parse(text: &str) -> Result<Document, DocumentError> {
        let mut reader = Reader { text, ..Reader::default() };
        let mut parser = Parser::new_from_str(text);
        let mut documents = 0;
        loop {
            let (event, mark) = parser.next_token().map_err(|e| {
                let position = Position::of(*e.marker());
                if e.info() == "recursion limit exceeded" {
                    DocumentError::TooDeep { position }
                } else {
                    DocumentError::Syntax { position, message: e.info().to_owned() }
                }
            })?;
            match event {
                Event::StreamEnd => break,
                Event::DocumentStart => {
                    documents += 1;
                    if documents > 1 {
                        return Err(DocumentError::Shape("the file holds more than one YAML document".into()));
                    }
                }
                event => reader.on_event(event, mark)?,
            }
        }
        let value = reader.root.ok_or_else(|| DocumentError::Shape("the file is empty".into()))?;
        Ok(Document { value, positions: reader.positions })
    }

    /// A document of a value rcdk built itself, with no positions.
    pub fn from_value(value: Value) -> Document {
        Document { value, positions: HashMap::new() }
    }

    /// The position of the value at `path` (`/Resources/Id/Properties/X/0`,
    /// as the engine reports paths), or of its nearest ancestor in the file.
    pub fn position(&self, path: &str) -> Option<Position> {
        let mut p = path.trim_end_matches('/');
        loop {
            if let Some(pos) = self.positions.get(p) {
                return Some(*pos);
            }
            let (parent, _) = p.rsplit_once('/')?;
            if parent.is_empty() {
                return None;
            }
            p = parent;
        }
    }

    /// The resource types the template declares.
    pub fn resource_types(&self) -> BTreeSet<&str> {
        self.value
            .get("Resources")
            .and_then(Value::as_object)
            .into_iter()
            .flat_map(|r| r.values())
            .filter_map(|r| r.get("Type").and_then(Value::as_str))
            .collect()
    }

    /// The JSON text handed to the engine.
    pub fn to_json(&self) -> String {
        self.value.to_string()
    }
}

/// Functions whose short form takes a scalar (cfn-guard's `SINGLE_VALUE_FUNC_REF`).
const SCALAR_FUNCTIONS: [&str; 8] = ["Ref", "Base64", "Sub", "GetAZs", "ImportValue", "GetAtt", "Condition", "RefAll"];
/// Functions whose short form takes a list (cfn-guard's `SEQUENCE_VALUE_FUNC_REF`).
const LIST_FUNCTIONS: [&str; 15] = [
    "GetAtt",
    "Sub",
    "Select",
    "Split",
    "Join",
    "FindInMap",
    "And",
    "Equals",
    "Contains",
    "EachMemberIn",
    "EachMemberEquals",
    "ValueOf",
    "If",
    "Not",
    "Or",
];

/// The long form of a short-form function tag (cfn-guard's `short_form_to_long`).
fn long_form(name: &str) -> String {
    match name {
        "Ref" | "Condition" => name.to_owned(),
        other => format!("Fn::{other}"),
    }
}

fn short_function<'t>(tag: &'t Option<Tag>, allowed: &[&str]) -> Option<&'t str> {
    let tag = tag.as_ref()?;
    (tag.handle == "!" && allowed.contains(&tag.suffix.as_str())).then_some(tag.suffix.as_str())
}

enum Frame {
    Map { map: Map<String, Value>, path: String, key: Option<String>, anchor: usize, start: usize, height: usize },
    Seq { items: Vec<Value>, path: String, anchor: usize, start: usize, height: usize, function: Option<String> },
}

/// An anchored value, for its aliases: the value, how many values it holds
/// and how deep it is.
struct Anchored {
    value: Value,
    count: usize,
    height: usize,
}

#[derive(Default)]
struct Reader<'t> {
    text: &'t str,
    frames: Vec<Frame>,
    root: Option<Value>,
    positions: HashMap<String, Position>,
    anchors: HashMap<usize, Anchored>,
    /// Values read so far (aliases count what they repeat).
    count: usize,
    expanded: usize,
    /// Byte offset of each char, built the first time an empty scalar must be told from `~`.
    char_offsets: Option<Vec<usize>>,
}

impl Reader<'_> {
    /// The path of the value starting now, or `None` for a map key.
    fn next_path(&self) -> Option<String> {
        match self.frames.last() {
            None => Some(String::new()),
            Some(Frame::Map { key: None, .. }) => None,
            Some(Frame::Map { key: Some(k), path, .. }) => Some(format!("{path}/{k}")),
            Some(Frame::Seq { items, path, .. }) => Some(format!("{path}/{}", items.len())),
        }
    }

    fn depth_check(&self, extra: usize, mark: Marker) -> Result<(), DocumentError> {
        if self.frames.len() + extra > MAX_DEPTH {
            return Err(DocumentError::TooDeep { position: Position::of(mark) });
        }
        Ok(())
    }

    fn on_event(&mut self, event: Event, mark: Marker) -> Result<(), DocumentError> {
        match event {
            Event::MappingStart(anchor, _tag) => {
                self.depth_check(1, mark)?;
                let path = self.open(mark);
                self.frames.push(Frame::Map { map: Map::new(), path, key: None, anchor, start: self.count, height: 0 });
            }
            Event::SequenceStart(anchor, tag) => {
                self.depth_check(1, mark)?;
                let path = self.open(mark);
                let function = short_function(&tag, &LIST_FUNCTIONS).map(long_form);
                self.frames.push(Frame::Seq {
                    items: Vec::new(),
                    path,
                    anchor,
                    start: self.count,
                    height: 0,
                    function,
                });
            }
            Event::MappingEnd | Event::SequenceEnd => {
                let Some(frame) = self.frames.pop() else { return Ok(()) };
                let (value, anchor, start, height) = match frame {
                    Frame::Map { map, anchor, start, height, .. } => (Value::Object(map), anchor, start, height),
                    Frame::Seq { items, anchor, start, height, function, .. } => {
                        let list = Value::Array(items);
                        let value = match function {
                            Some(f) => Value::Object(Map::from_iter([(f, list)])),
                            None => list,
                        };
                        (value, anchor, start, height)
                    }
                };
                if anchor > 0 {
                    let count = self.count - start + 1;
                    self.anchors.insert(anchor, Anchored { value: value.clone(), count, height: height + 1 });
                }
                self.close(value, height + 1, mark)?;
            }
            Event::Scalar(text, style, anchor, tag) => {
                let value = self.scalar(text, style, &tag, mark);
                if matches!(self.frames.last(), Some(Frame::Map { key: None, .. })) {
                    let Value::String(key) = value else {
                        return Err(DocumentError::KeyNotString { position: Position::of(mark) });
                    };
                    if let Some(Frame::Map { key: slot, path, map, .. }) = self.frames.last_mut() {
                        let at = format!("{path}/{key}");
                        let first = map.is_empty();
                        let map_path = path.clone();
                        *slot = Some(key);
                        let pos = Position::of(mark);
                        self.positions.insert(at, pos);
                        // A block map in a list starts where its first key
                        // does (the reader marks it at the key's `:`).
                        if first {
                            if let Some(p) = self.positions.get_mut(&map_path) {
                                if p.line == pos.line && p.column > pos.column {
                                    *p = pos;
                                }
                            }
                        }
                    }
                    return Ok(());
                }
                self.open(mark);
                if anchor > 0 {
                    self.anchors.insert(anchor, Anchored { value: value.clone(), count: 1, height: 0 });
                }
                self.close(value, 0, mark)?;
            }
            Event::Alias(id) => {
                let position = Position::of(mark);
                let Some(anchored) = self.anchors.get(&id) else {
                    return Err(DocumentError::UnknownAlias { position });
                };
                if matches!(self.frames.last(), Some(Frame::Map { key: None, .. })) {
                    return Err(DocumentError::KeyNotString { position });
                }
                self.depth_check(anchored.height, mark)?;
                self.expanded += anchored.count;
                if self.expanded > MAX_ALIAS_VALUES {
                    return Err(DocumentError::AliasBudget { position });
                }
                let (value, height, count) = (anchored.value.clone(), anchored.height, anchored.count);
                self.open(mark);
                self.count += count - 1;
                self.close(value, height, mark)?;
            }
            Event::Nothing | Event::StreamStart | Event::StreamEnd | Event::DocumentStart | Event::DocumentEnd => {}
        }
        Ok(())
    }

    /// Records where the value starting at `mark` is (map values are
    /// located at their key, recorded with it) and returns its path.
    fn open(&mut self, mark: Marker) -> String {
        self.count += 1;
        let path = self.next_path().unwrap_or_default();
        if matches!(self.frames.last(), Some(Frame::Seq { .. }) | None) {
            self.positions.insert(path.clone(), Position::of(mark));
        }
        path
    }

    /// Puts a finished value where it belongs.
    fn close(&mut self, value: Value, height: usize, mark: Marker) -> Result<(), DocumentError> {
        match self.frames.last_mut() {
            None => {
                if self.root.is_some() {
                    return Err(DocumentError::Shape("the file holds more than one value".into()));
                }
                self.root = Some(value);
            }
            Some(Frame::Map { map, key, height: h, .. }) => match key.take() {
                Some(k) => {
                    map.insert(k, value);
                    *h = (*h).max(height);
                }
                None => return Err(DocumentError::KeyNotString { position: Position::of(mark) }),
            },
            Some(Frame::Seq { items, height: h, .. }) => {
                items.push(value);
                *h = (*h).max(height);
            }
        }
        Ok(())
    }

    fn scalar(&mut self, text: String, style: TScalarStyle, tag: &Option<Tag>, mark: Marker) -> Value {
        if let Some(tag) = tag {
            if let Some(f) = short_function(&Some(tag.clone()), &SCALAR_FUNCTIONS) {
                return Value::Object(Map::from_iter([(long_form(f), Value::String(text))]));
            }
            let core = tag.handle == "!!" || tag.handle.starts_with("tag:yaml.org,2002:");
            return match tag.suffix.as_str() {
                "bool" if core => text.parse::<bool>().map(Value::Bool).unwrap_or(Value::String(text)),
                "int" if core => text.parse::<i64>().map(|i| Value::Number(i.into())).unwrap_or(Value::String(text)),
                "float" if core => float(text),
                "null" if core => Value::Null,
                _ => Value::String(text),
            };
        }
        if style != TScalarStyle::Plain {
            return Value::String(text);
        }
        if text == "~" && !self.is_tilde(mark) {
            // An empty value (`key:`): the engine's loader sees "" there.
            return Value::String(String::new());
        }
        if let Ok(i) = text.parse::<i64>() {
            return Value::Number(i.into());
        }
        if text.parse::<f64>().is_ok() {
            return float(text);
        }
        if let Ok(b) = text.parse::<bool>() {
            return Value::Bool(b);
        }
        match text.to_lowercase().as_str() {
            "~" | "null" => Value::Null,
            _ => Value::String(text),
        }
    }

    /// Whether the plain scalar at `mark` is written as `~` (the YAML reader
    /// reports an empty value as `~` too).
    fn is_tilde(&mut self, mark: Marker) -> bool {
        let text = self.text;
        let offsets = self.char_offsets.get_or_insert_with(|| text.char_indices().map(|(i, _)| i).collect());
        offsets.get(mark.index()).is_some_and(|&i| text[i..].starts_with('~'))
    }
}

fn float(text: String) -> Value {
    match text.parse::<f64>().ok().and_then(Number::from_f64) {
        Some(n) => Value::Number(n),
        None => Value::String(text),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn values_are_typed_as_the_engine_types_them() {
        let d = Document::parse(
            "Resources:\n  A:\n    Type: AWS::S3::Bucket\n    Properties:\n      I: 5\n      F: 1.5\n      B: true\n      \
             T: True\n      Y: yes\n      N: ~\n      E:\n      Q: '5'\n      R: !Ref X\n      G: !GetAtt A.Arn\n      \
             J: !Join [',', [a, b]]\n      S: !Sub ['${x}', {x: 1}]\n      L: |\n        text\n",
        )
        .expect("reads");
        let p = &d.value["Resources"]["A"]["Properties"];
        assert_eq!(p["I"], json!(5));
        assert_eq!(p["F"], json!(1.5));
        assert_eq!(p["B"], json!(true));
        assert_eq!(p["T"], json!("True"), "only `true` is a boolean to the engine");
        assert_eq!(p["Y"], json!("yes"));
        assert_eq!(p["N"], Value::Null);
        assert_eq!(p["E"], json!(""), "an empty value is an empty string to the engine");
        assert_eq!(p["Q"], json!("5"));
        assert_eq!(p["R"], json!({"Ref": "X"}));
        assert_eq!(p["G"], json!({"Fn::GetAtt": "A.Arn"}));
        assert_eq!(p["J"], json!({"Fn::Join": [",", ["a", "b"]]}));
        assert_eq!(p["S"], json!({"Fn::Sub": ["${x}", {"x": 1}]}));
        assert_eq!(p["L"], json!("text\n"));
        assert_eq!(d.resource_types().into_iter().collect::<Vec<_>>(), ["AWS::S3::Bucket"]);
    }

    #[test]
    fn json_reads_like_yaml_and_positions_follow_the_engine_paths() {
        let text = "{\n  \"Resources\": {\n    \"A\": {\"Type\": \"T\", \"Properties\": {\"L\": [1, {\"K\": \"v\"}]}}\n  }\n}\n";
        let d = Document::parse(text).expect("reads");
        assert_eq!(d.value, serde_json::from_str::<Value>(text).unwrap());
        assert_eq!(d.position("/Resources/A"), Some(Position { line: 3, column: 5 }));
        assert_eq!(d.position("/Resources/A/Properties/L/1/K"), Some(Position { line: 3, column: 49 }));
        assert_eq!(d.position("/Resources/A/Properties/L/1/Missing"), d.position("/Resources/A/Properties/L/1"));
        let y = Document::parse("L:\n  - Name: a\n    Image: b\n  - x\n").expect("reads");
        assert_eq!(y.position("/L/0"), Some(Position { line: 2, column: 5 }), "a map item is where its first key is");
        assert_eq!(y.position("/L/1"), Some(Position { line: 4, column: 5 }));
        assert_eq!(d.position("/Nowhere"), None);
    }

    #[test]
    fn anchors_are_expanded_within_a_budget_and_depth_is_limited() {
        let d = Document::parse("a: &x {k: [1, 2]}\nb: *x\n").expect("reads");
        assert_eq!(d.value["b"], json!({"k": [1, 2]}));
        assert_eq!(d.position("/b/k/0"), d.position("/b"), "inside an alias: the alias' position");

        let mut bomb = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..10 {
            bomb.push_str(&format!(
                "a{i}: &a{i} [*a{}, *a{0}, *a{0}, *a{0}, *a{0}, *a{0}, *a{0}, *a{0}, *a{0}, *a{0}]\n",
                i - 1
            ));
        }
        assert!(matches!(Document::parse(&bomb), Err(DocumentError::AliasBudget { .. })));

        let deep = format!("{}1{}", "[".repeat(MAX_DEPTH + 1), "]".repeat(MAX_DEPTH + 1));
        let e = Document::parse(&deep).unwrap_err();
        assert_eq!(e, DocumentError::TooDeep { position: Position { line: 1, column: MAX_DEPTH + 1 } });
        let ok = format!("{}1{}", "[".repeat(MAX_DEPTH), "]".repeat(MAX_DEPTH));
        assert!(Document::parse(&ok).is_ok());
        let via_alias =
            format!("a: &a {}1{}\nb: {}*a{}\n", "[".repeat(40), "]".repeat(40), "[".repeat(40), "]".repeat(40));
        assert!(matches!(Document::parse(&via_alias), Err(DocumentError::TooDeep { .. })));
        let flow = "[".repeat(100_000);
        assert!(matches!(Document::parse(&flow), Err(DocumentError::TooDeep { .. })));
    }

    #[test]
    fn what_the_engine_refuses_is_an_error_here() {
        assert!(matches!(Document::parse("1: x\n"), Err(DocumentError::KeyNotString { .. })));
        assert!(matches!(Document::parse("? [a]\n: x\n"), Err(DocumentError::KeyNotString { .. })));
        assert!(matches!(Document::parse(""), Err(DocumentError::Shape(_))));
        assert!(matches!(
            Document::parse("a: *nope\n"),
            Err(DocumentError::UnknownAlias { .. } | DocumentError::Syntax { .. })
        ));
        assert!(matches!(Document::parse("a: [\n"), Err(DocumentError::Syntax { .. })));
        assert!(matches!(Document::parse("a: 1\n---\nb: 2\n"), Err(DocumentError::Shape(_))));
    }
}
