//! Where each value of a YAML document sits: field path → line and column.

use std::collections::HashMap;

use rcdk_constructs::core::FieldPath;
use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser};
use yaml_rust2::scanner::Marker;

/// A position in a file, 1-based.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Position {
    /// Line, from 1.
    pub line: usize,
    /// Column, from 1.
    pub column: usize,
}

/// The positions of every value in a YAML document, by field path.
#[derive(Debug, Default, Clone)]
pub struct LocationIndex {
    positions: HashMap<String, Position>,
}

impl LocationIndex {
    /// Indexes `source`. A document the event parser cannot read gives an
    /// empty index (serde reports the syntax error with its own position).
    pub fn build(source: &str) -> Self {
        let mut builder = Builder::default();
        let mut parser = Parser::new_from_str(source);
        if parser.load(&mut builder, false).is_err() {
            return LocationIndex::default();
        }
        LocationIndex { positions: builder.positions }
    }

    /// The position of `field`, or of its nearest ancestor present in the file
    /// (a defaulted field is reported where its parent is written).
    pub fn locate(&self, field: &FieldPath) -> Option<Position> {
        let mut f = field.clone();
        loop {
            if let Some(p) = self.positions.get(&f.to_string()) {
                return Some(*p);
            }
            if f.is_root() {
                return None;
            }
            f = f.parent();
        }
    }
}

enum Frame {
    Map { path: FieldPath, key: Option<String> },
    Seq { path: FieldPath, next: usize },
}

#[derive(Default)]
struct Builder {
    frames: Vec<Frame>,
    positions: HashMap<String, Position>,
}

impl Builder {
    /// The path of the node that starts now, or `None` when it is a map key.
    fn next_node(&mut self, mark: Marker, scalar: Option<&str>) -> Option<FieldPath> {
        let pos = Position { line: mark.line(), column: mark.col() + 1 };
        match self.frames.last_mut() {
            None => Some(FieldPath::root()),
            Some(Frame::Seq { path, next }) => {
                let p = path.index(*next);
                *next += 1;
                self.positions.insert(p.to_string(), pos);
                Some(p)
            }
            Some(Frame::Map { path, key }) => match key.take() {
                None => {
                    let k = scalar.unwrap_or_default().to_owned();
                    let p = path.key(&k);
                    self.positions.insert(p.to_string(), pos);
                    *key = Some(k);
                    None
                }
                Some(k) => {
                    let p = path.key(&k);
                    if scalar.is_some() {
                        self.positions.insert(p.to_string(), pos);
                    }
                    Some(p)
                }
            },
        }
    }
}

impl MarkedEventReceiver for Builder {
    fn on_event(&mut self, ev: Event, mark: Marker) {
        match ev {
            Event::Scalar(value, ..) => {
                self.next_node(mark, Some(&value));
            }
            Event::Alias(_) => {
                self.next_node(mark, Some(""));
            }
            Event::MappingStart(..) => {
                let path = self.next_node(mark, None).unwrap_or_default();
                self.frames.push(Frame::Map { path, key: None });
            }
            Event::SequenceStart(..) => {
                let path = self.next_node(mark, None).unwrap_or_default();
                self.frames.push(Frame::Seq { path, next: 0 });
            }
            Event::MappingEnd | Event::SequenceEnd => {
                self.frames.pop();
            }
            _ => {}
        }
    }
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
    }
}
