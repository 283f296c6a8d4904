//! One pass over the YAML events of an app file, before serde reads it:
//! where each value sits (field path → line and column), and every check
//! that must happen before the values are expanded (see [`super::limits`]):
//! nesting depth, the alias-expansion budget, tags, nulls, duplicate and
//! non-scalar keys.

use rcdk_constructs::core::DiagnosticCode;

use super::codes::Code;
use std::collections::HashMap;

use rcdk_constructs::core::{FieldPath, FieldSegment};
use yaml_rust2::parser::{Event, Parser, Tag};
use yaml_rust2::scanner::{Marker, TScalarStyle};

use super::limits::{MAX_ALIAS_EXPANSION, MAX_DEPTH, MAX_SCAN_PROBLEMS};

/// A position in a file, 1-based (the same type locates templates for the rule packs).
pub use rcdk_guard::Position;

/// The position of a YAML reader's mark.
fn position_of(mark: Marker) -> Position {
    Position { line: mark.line(), column: mark.col() + 1 }
}

/// The positions of every value in a YAML document, by field path: a tree
/// with one node per value, so a path costs its segments (not a string per
/// value, which deep documents with long keys would multiply).
#[derive(Debug, Default, Clone)]
pub struct LocationIndex {
    nodes: Vec<Node>,
}

#[derive(Debug, Clone)]
struct Node {
    /// A scalar's own position; a collection's key (or item) position.
    position: Position,
    children: Children,
}

#[derive(Debug, Clone)]
enum Children {
    Leaf,
    Map(HashMap<String, usize>),
    Seq(Vec<usize>),
}

/// A problem found while scanning, before serde reads the document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScanProblem {
    /// Where.
    pub position: Option<Position>,
    /// The field path of the offending value (or key).
    pub field: String,
    /// A stable code.
    pub code: DiagnosticCode,
    /// What is wrong.
    pub message: String,
    /// How to fix it.
    pub help: Option<String>,
}

/// What a scan found.
#[derive(Debug)]
pub enum Scan {
    /// The document is within every limit and holds no tag, null or
    /// duplicate key.
    Ok(LocationIndex),
    /// The event parser could not read the document: its error (serde's
    /// own report of the same error, with the field path, is preferred).
    Syntax(ScanProblem),
    /// Problems, in document order. A limit stops the scan at once.
    Problems(Vec<ScanProblem>),
}

impl LocationIndex {
    /// Scans `source`: builds the index and checks the limits, tags, nulls
    /// and keys. `file` names the file in messages that point at a second
    /// location (duplicate keys).
    pub fn scan(source: &str, file: &str) -> Scan {
        let mut scanner = Scanner { file, ..Scanner::default() };
        let mut parser = Parser::new_from_str(source);
        loop {
            let (event, mark) = match parser.next_token() {
                Ok(e) => e,
                Err(e) if scanner.problems.is_empty() => {
                    let field = scanner.frames.last().map(|f| f.path().to_string()).unwrap_or_default();
                    if e.info() == "recursion limit exceeded" {
                        // The scanner's own cap (255 flow levels), met while
                        // it looks ahead for a key, before any event.
                        return Scan::Problems(vec![too_deep(field, position_of(*e.marker()))]);
                    }
                    return Scan::Syntax(ScanProblem {
                        position: Some(position_of(*e.marker())),
                        field,
                        code: Code::YamlSyntax.into(),
                        message: e.info().to_owned(),
                        help: None,
                    });
                }
                Err(_) => return Scan::Problems(scanner.problems),
            };
            if matches!(event, Event::StreamEnd) {
                break;
            }
            if let Err(Stop) = scanner.on_event(event, mark) {
                return Scan::Problems(scanner.problems);
            }
        }
        if scanner.problems.is_empty() {
            Scan::Ok(LocationIndex { nodes: scanner.nodes })
        } else {
            Scan::Problems(scanner.problems)
        }
    }

    /// Indexes `source` without the checks. A document the event parser
    /// cannot read, or one over a limit, gives an empty index.
    pub fn build(source: &str) -> Self {
        match Self::scan(source, "") {
            Scan::Ok(index) => index,
            Scan::Syntax(_) | Scan::Problems(_) => LocationIndex::default(),
        }
    }

    /// The position of `field`, or of its nearest ancestor present in the file
    /// (a defaulted field is reported where its parent is written).
    pub fn locate(&self, field: &FieldPath) -> Option<Position> {
        let mut at = 0;
        let mut found = self.nodes.first()?.position;
        let mut any = false;
        for segment in field.segments() {
            let Some(node) = self.nodes.get(at) else { break };
            let next = match (&node.children, segment) {
                (Children::Map(map), FieldSegment::Key(k) | FieldSegment::Entry(k)) => map.get(k.as_str()).copied(),
                (Children::Map(map), FieldSegment::Index(i)) => map.get(i.to_string().as_str()).copied(),
                (Children::Seq(items), FieldSegment::Index(i)) => items.get(*i).copied(),
                _ => None,
            };
            let Some(next) = next else { break };
            at = next;
            if let Some(n) = self.nodes.get(at) {
                found = n.position;
                any = true;
            }
        }
        // The root itself has no position of its own worth reporting.
        any.then_some(found)
    }
}

fn too_deep(field: String, pos: Position) -> ScanProblem {
    ScanProblem {
        position: Some(pos),
        field,
        code: Code::TooDeep.into(),
        message: format!("maps and lists are nested more than {MAX_DEPTH} deep"),
        help: Some("an app file needs far less nesting; see `Limits` in the README".into()),
    }
}

/// A limit was hit: the scan stops.
struct Stop;

enum Frame {
    Map {
        node: usize,
        path: FieldPath,
        /// The key read, waiting for its value: (key, key position).
        key: Option<(String, Position)>,
        /// Keys seen, with their positions.
        seen: HashMap<String, Position>,
        size: u64,
        anchor: usize,
    },
    Seq {
        node: usize,
        path: FieldPath,
        size: u64,
        anchor: usize,
    },
}

impl Frame {
    fn path(&self) -> &FieldPath {
        match self {
            Frame::Map { path, .. } | Frame::Seq { path, .. } => path,
        }
    }

    fn size_mut(&mut self) -> &mut u64 {
        match self {
            Frame::Map { size, .. } | Frame::Seq { size, .. } => size,
        }
    }
}

/// Where the value that starts now goes.
enum Slot {
    /// The document's root.
    Root,
    /// A map key (not a value).
    Key,
    /// A map value or sequence item: its path, and the node it hangs from.
    Value(FieldPath, usize, Position),
}

/// The expanded size of an anchored node not finished yet: an alias to it
/// (a recursive alias) is refused.
const IN_PROGRESS: u64 = u64::MAX;

#[derive(Default)]
struct Scanner<'a> {
    file: &'a str,
    frames: Vec<Frame>,
    nodes: Vec<Node>,
    problems: Vec<ScanProblem>,
    /// Expanded size of each anchored node (values plus bytes), by anchor ID.
    anchors: HashMap<usize, u64>,
    /// What the aliases have expanded to so far.
    expanded: u64,
}

impl Scanner<'_> {
    fn push_problem(&mut self, problem: ScanProblem) -> Result<(), Stop> {
        self.problems.push(problem);
        if self.problems.len() >= MAX_SCAN_PROBLEMS {
            self.problems.push(ScanProblem {
                position: None,
                field: String::new(),
                code: Code::TooManyProblems.into(),
                message: format!("stopped after {MAX_SCAN_PROBLEMS} problems"),
                help: None,
            });
            return Err(Stop);
        }
        Ok(())
    }

    fn new_node(&mut self, position: Position, children: Children) -> usize {
        self.nodes.push(Node { position, children });
        self.nodes.len() - 1
    }

    /// Registers the node that starts at `mark`: where it hangs, and which
    /// slot it fills.
    fn slot(&mut self, mark: Marker) -> Slot {
        let pos = position_of(mark);
        match self.frames.last_mut() {
            None => Slot::Root,
            Some(Frame::Seq { node, path, .. }) => {
                let index = match self.nodes.get(*node).map(|n| &n.children) {
                    Some(Children::Seq(items)) => items.len(),
                    _ => 0,
                };
                Slot::Value(path.index(index), *node, pos)
            }
            Some(Frame::Map { node, path, key, .. }) => match key.take() {
                None => Slot::Key,
                Some((k, key_pos)) => Slot::Value(path.key(k), *node, key_pos),
            },
        }
    }

    /// Attaches node `child` to `parent` (under the key just read, or as the
    /// next item).
    fn attach(&mut self, parent: usize, field: &FieldPath, child: usize) {
        let key = match field.segments().last() {
            Some(FieldSegment::Key(k)) => Some(k.clone()),
            _ => None,
        };
        if let Some(node) = self.nodes.get_mut(parent) {
            match (&mut node.children, key) {
                (Children::Map(map), Some(k)) => {
                    map.insert(k, child);
                }
                (Children::Seq(items), None) => items.push(child),
                _ => {}
            }
        }
    }

    /// Adds a finished value's expanded size to its parent (and records it
    /// for its anchor).
    fn finish_value(&mut self, anchor: usize, size: u64) {
        if anchor != 0 {
            self.anchors.insert(anchor, size);
        }
        if let Some(frame) = self.frames.last_mut() {
            let s = frame.size_mut();
            *s = s.saturating_add(size);
        }
    }

    fn check_tag(&mut self, tag: Option<&Tag>, field: &FieldPath, pos: Position) -> Result<(), Stop> {
        let Some(tag) = tag else { return Ok(()) };
        let spelled = format!("{}{}", tag.handle, tag.suffix);
        self.push_problem(ScanProblem {
            position: Some(pos),
            field: field.to_string(),
            code: Code::Tag.into(),
            message: format!("YAML tag `{spelled}`: app files hold plain values, not tagged ones"),
            help: Some(
                "remove the tag (quote the value if it starts with `!`); where a field accepts CloudFormation \
                 intrinsic functions, write them long-form, e.g. `{Ref: Name}`, never `!Ref Name`"
                    .into(),
            ),
        })
    }

    fn check_depth(&mut self, field: &FieldPath, pos: Position) -> Result<(), Stop> {
        if self.frames.len() < MAX_DEPTH {
            return Ok(());
        }
        self.problems.push(too_deep(field.to_string(), pos));
        Err(Stop)
    }

    /// A key: scalar keys only, each once per mapping.
    fn on_key(&mut self, value: String, pos: Position) -> Result<(), Stop> {
        let Some(Frame::Map { path, key, seen, .. }) = self.frames.last_mut() else { return Ok(()) };
        let field = path.key(value.as_str());
        let previous = seen.get(&value).copied();
        if previous.is_none() {
            seen.insert(value.clone(), pos);
        }
        *key = Some((value.clone(), pos));
        if let Some(first) = previous {
            let file = self.file;
            self.push_problem(ScanProblem {
                position: Some(pos),
                field: field.to_string(),
                code: Code::DuplicateKey.into(),
                message: format!(
                    "duplicate key `{value}`: written at {file}:{}:{} and again at {file}:{}:{}",
                    first.line, first.column, pos.line, pos.column
                ),
                help: Some("keep one of the two: YAML readers would silently drop the other".into()),
            })?;
        }
        Ok(())
    }

    /// A key that is not a plain scalar (a collection or an alias).
    fn complex_key(&mut self, pos: Position) -> Result<(), Stop> {
        let field = match self.frames.last() {
            Some(Frame::Map { path, .. }) => path.to_string(),
            _ => String::new(),
        };
        self.problems.push(ScanProblem {
            position: Some(pos),
            field,
            code: Code::ComplexKey.into(),
            message: "a key that is a list, a map or an alias: app file keys are plain strings".into(),
            help: None,
        });
        Err(Stop)
    }

    fn start_collection(&mut self, is_map: bool, anchor: usize, tag: Option<&Tag>, mark: Marker) -> Result<(), Stop> {
        let pos = position_of(mark);
        let slot = self.slot(mark);
        let (field, parent, node_pos) = match slot {
            Slot::Key => return self.complex_key(pos),
            Slot::Root => (FieldPath::root(), None, pos),
            Slot::Value(field, parent, key_pos) => (field, Some(parent), key_pos),
        };
        self.check_tag(tag, &field, pos)?;
        self.check_depth(&field, pos)?;
        let children = if is_map { Children::Map(HashMap::new()) } else { Children::Seq(Vec::new()) };
        let node = self.new_node(node_pos, children);
        if let Some(parent) = parent {
            self.attach(parent, &field, node);
        }
        if anchor != 0 {
            self.anchors.insert(anchor, IN_PROGRESS);
        }
        self.frames.push(if is_map {
            Frame::Map { node, path: field, key: None, seen: HashMap::new(), size: 1, anchor }
        } else {
            Frame::Seq { node, path: field, size: 1, anchor }
        });
        Ok(())
    }

    fn on_event(&mut self, event: Event, mark: Marker) -> Result<(), Stop> {
        let pos = position_of(mark);
        match event {
            Event::Scalar(value, style, anchor, tag) => {
                let slot = self.slot(mark);
                let field = match &slot {
                    Slot::Value(f, ..) => f.clone(),
                    Slot::Root => FieldPath::root(),
                    Slot::Key => match self.frames.last() {
                        Some(Frame::Map { path, .. }) => path.key(value.as_str()),
                        _ => FieldPath::root(),
                    },
                };
                self.check_tag(tag.as_ref(), &field, pos)?;
                if style == TScalarStyle::Plain
                    && matches!(value.as_str(), "" | "~" | "null" | "Null" | "NULL")
                    && !(matches!(slot, Slot::Value(..)) && is_override_value(&field))
                {
                    let shown = if value.is_empty() { "an empty value".to_owned() } else { format!("`{value}`") };
                    self.push_problem(ScanProblem {
                        position: Some(pos),
                        field: field.to_string(),
                        code: Code::Null.into(),
                        message: format!("{shown} is null, and app files do not accept null"),
                        help: Some(
                            "leave the key out to get its default, or quote the value (`'~'`, `''`) if you mean \
                             that text"
                                .into(),
                        ),
                    })?;
                }
                let size = 1u64.saturating_add(value.len() as u64);
                match slot {
                    Slot::Key => {
                        if anchor != 0 {
                            return self.complex_key(pos);
                        }
                        self.on_key(value, pos)?;
                    }
                    Slot::Root => {
                        self.new_node(pos, Children::Leaf);
                        self.finish_value(anchor, size);
                    }
                    Slot::Value(field, parent, _) => {
                        let child = self.new_node(pos, Children::Leaf);
                        self.attach(parent, &field, child);
                        self.finish_value(anchor, size);
                    }
                }
            }
            Event::Alias(anchor) => {
                let slot = self.slot(mark);
                let (field, parent) = match slot {
                    Slot::Key => return self.complex_key(pos),
                    Slot::Root => (FieldPath::root(), None),
                    Slot::Value(field, parent, _) => (field, Some(parent)),
                };
                let size = self.anchors.get(&anchor).copied().unwrap_or(IN_PROGRESS);
                if size == IN_PROGRESS {
                    self.problems.push(ScanProblem {
                        position: Some(pos),
                        field: field.to_string(),
                        code: Code::AliasRecursive.into(),
                        message: "an alias inside the value it refers to".into(),
                        help: Some("write the value out instead".into()),
                    });
                    return Err(Stop);
                }
                self.expanded = self.expanded.saturating_add(size);
                if self.expanded > MAX_ALIAS_EXPANSION {
                    self.problems.push(ScanProblem {
                        position: Some(pos),
                        field: field.to_string(),
                        code: Code::AliasBudget.into(),
                        message: format!(
                            "aliases (`*name`) expand to more than {} MiB of values",
                            MAX_ALIAS_EXPANSION / (1024 * 1024)
                        ),
                        help: Some("write the values out, or alias less; see `Limits` in the README".into()),
                    });
                    return Err(Stop);
                }
                let child = self.new_node(pos, Children::Leaf);
                if let Some(parent) = parent {
                    self.attach(parent, &field, child);
                }
                self.finish_value(0, size);
            }
            Event::MappingStart(anchor, tag) => self.start_collection(true, anchor, tag.as_ref(), mark)?,
            Event::SequenceStart(anchor, tag) => self.start_collection(false, anchor, tag.as_ref(), mark)?,
            Event::MappingEnd | Event::SequenceEnd => {
                if let Some(frame) = self.frames.pop() {
                    let (size, anchor) = match frame {
                        Frame::Map { size, anchor, .. } | Frame::Seq { size, anchor, .. } => (size, anchor),
                    };
                    self.finish_value(anchor, size);
                }
            }
            Event::Nothing | Event::StreamStart | Event::StreamEnd | Event::DocumentStart | Event::DocumentEnd => {}
        }
        Ok(())
    }
}

/// Whether `field` is an override's value (`stacks[N].overrides.<ID>.<path>`),
/// where `null` means "delete" (the escape hatch's `addDeletionOverride`).
fn is_override_value(field: &FieldPath) -> bool {
    matches!(
        field.segments(),
        [FieldSegment::Key(s), FieldSegment::Index(_), FieldSegment::Key(o), FieldSegment::Key(_), FieldSegment::Key(_)]
            if s == "stacks" && o == "overrides"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locates_values_and_falls_back_to_parents() {
        let src = "stacks:\n  - name: a\n    vpc:\n      cidr: 10.0.0.0/16\n  - name: b\n";
        let idx = LocationIndex::build(src);
        assert_eq!(idx.locate(&"stacks[0].vpc.cidr".into()), Some(Position { line: 4, column: 13 }));
        assert_eq!(idx.locate(&"stacks[1].name".into()), Some(Position { line: 5, column: 11 }));
        assert_eq!(idx.locate(&"stacks[0].vpc.max_azs".into()), Some(Position { line: 3, column: 5 }));
        // A key holding a dot is one segment.
        let idx = LocationIndex::build("tags:\n  cost.center: x\n");
        let field = FieldPath::root().key("tags").key("cost.center");
        assert_eq!(idx.locate(&field), Some(Position { line: 2, column: 16 }));
    }

    fn codes(src: &str) -> Vec<&'static str> {
        match LocationIndex::scan(src, "f.yaml") {
            Scan::Ok(_) => Vec::new(),
            Scan::Syntax(p) => vec![p.code.as_str()],
            Scan::Problems(ps) => ps.iter().map(|p| p.code.as_str()).collect(),
        }
    }

    #[test]
    fn refuses_what_serde_would_read_silently() {
        assert_eq!(codes("a: 1\nb: {c: [x, 'y', \"~\"]}\n"), Vec::<&str>::new());
        assert_eq!(codes("a: 1\na: 2\n"), ["app-file:duplicate-key"]);
        assert_eq!(codes("a: [{b: 1, b: 1}]\n"), ["app-file:duplicate-key"]);
        assert_eq!(codes("a: !Ref b\n"), ["app-file:tag"]);
        assert_eq!(codes("a: ~\nb: null\nc:\nd: [~]\n"), ["app-file:null"; 4]);
        assert_eq!(codes("? [a]\n: b\n"), ["app-file:complex-key"]);
        assert_eq!(codes("a: &x [1, *x]\n"), ["app-file:alias-recursive"]);
        assert_eq!(codes(&"[".repeat(40)), ["app-file:too-deep"]);
        assert_eq!(codes(&"[".repeat(100_000)), ["app-file:too-deep"]);
        assert_eq!(codes("a: [\n"), ["app-file:yaml-syntax"]);
        let many = (0..60).map(|i| format!("k{i}: ~\n")).collect::<String>();
        let found = codes(&many);
        assert_eq!(found.len(), MAX_SCAN_PROBLEMS + 1);
        assert_eq!(found.last(), Some(&"app-file:too-many-problems"));
    }

    #[test]
    fn the_alias_budget_counts_expanded_values() {
        let fits = format!("a: &a \"{}\"\nb: [*a, *a, *a]\n", "x".repeat(1_000_000));
        assert!(matches!(LocationIndex::scan(&fits, "f"), Scan::Ok(_)));
        let over = format!("a: &a \"{}\"\nb: [*a, *a, *a, *a, *a]\n", "x".repeat(1_000_000));
        assert_eq!(codes(&over), ["app-file:alias-budget"]);
    }
}
