//! A Rust program's construct errors are located at its own line: the
//! constructors are `#[track_caller]`, so `rcdk synth --app` prints
//! `src/main.rs:42:10: ...` with the same `help:` line an app file gets;
//! an app file's stacks keep their errors at the file's fields.

use rcdk_constructs::core::{FieldPath, Stack, StackProps};
use rcdk_constructs::ec2::{Vpc, VpcProps};
use rcdk_constructs::patterns::platform::{self, StackSpec};

#[test]
fn a_constructor_error_points_at_the_line_that_called_it() {
    let mut stack = Stack::new(StackProps { name: "net".into(), ..Default::default() }, FieldPath::root());
    let path = stack.root().child("Vpc");
    let props = VpcProps { cidr: Some("10.0.0.0/33".into()), ..Default::default() };
    let line = line!() + 1;
    Vpc::new(&mut stack, &path, &props);
    let e = stack.errors().first().expect("the CIDR is refused");
    let at = e.location.expect("located");
    assert_eq!((at.file(), at.line(), at.column()), (file!(), line, 5));
    assert_eq!(e.field.to_string(), "cidr", "the Rust field name");
    assert!(e.help.is_some(), "the same help line as for an app file: {e:?}");
}

#[test]
fn an_app_files_stack_stays_located_at_its_fields() {
    let spec = StackSpec::new("net").vpc(VpcProps { cidr: Some("10.0.0.0/33".into()), ..Default::default() });
    let built = platform::build(&[spec]).pop().expect("one stack");
    let e = built.stack.errors().first().expect("the CIDR is refused");
    assert_eq!((e.location, e.field.to_string().as_str()), (None, "stacks[0].vpc.cidr"));
}
