//! A Rust app with checks of its own, run by `rcdk synth` like rcdk's:
//!
//! - every SNS topic has a display name (a check of the stack, an error);
//! - every topic is encrypted (a check of the whole app, a warning).
//!
//! ```sh
//! rcdk synth --app "cargo run -q -p rcdk-app --example own_check" --stdout
//! rcdk synth --app "cargo run -q -p rcdk-app --example own_check -- --unnamed-topic"   # exit 2, located here
//! rcdk synth --app "cargo run -q -p rcdk-app --example own_check -- --plain-topic" --deny-warnings
//! ```
//!
//! Findings point at the construct and, through the line that registered the
//! check, at this file.

use rcdk_app::cfn::Resource;
use rcdk_app::core::{App, FieldPath, Registered, Stack, StackProps};
use rcdk_app::ValidationError;

rcdk_app::codes! {
    /// This app's own codes, defined once like rcdk's.
    enum Code {
        TopicPlain => warning("alerts:topic-plain") {
            title: "a topic is not encrypted",
            explanation: "Alerts may carry customer data: give every topic a KMS key (`KmsMasterKeyId`).",
            help: "set `KmsMasterKeyId`, e.g. `alias/aws/sns`",
        },
        TopicUnnamed => error("alerts:topic-unnamed") {
            title: "a topic has no display name",
            explanation: "The display name is the sender of the emails a topic sends; without one, nobody knows \
                          which alert it is.",
            help: "set `DisplayName`",
        },
    }
}

/// This app lists its own code enum, as rcdk's registry lists rcdk's.
impl Registered for Code {}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut stack = Stack::new(StackProps { name: "alerts".into(), ..Default::default() }, FieldPath::root());
    let root = stack.root().clone();
    let mut topic = Resource::new("AWS::SNS::Topic").prop("KmsMasterKeyId", "alias/aws/sns");
    if !args.iter().any(|a| a == "--unnamed-topic") {
        topic = topic.prop("DisplayName", "Alerts");
    }
    if args.iter().any(|a| a == "--plain-topic") {
        topic.properties.shift_remove("KmsMasterKeyId");
    }
    stack.add_resource(&root.child("Alerts"), topic);

    // A check of this stack, on its finished template.
    stack.add_validation(|view| {
        topics(view.template)
            .filter(|(_, topic)| !topic.properties.contains_key("DisplayName"))
            .map(|(id, _)| {
                let (construct, field) = view.origin(id);
                ValidationError::new(Code::TopicUnnamed, &construct, format!("topic {id} has no display name"))
                    .field(field)
            })
            .collect()
    });

    let mut app = App::new();
    app.add_stack(stack);
    // A check of every stack at once.
    app.add_check("encrypted topics", |stacks| {
        stacks
            .iter()
            .flat_map(|view| {
                topics(view.template)
                    .filter(|(_, topic)| !topic.properties.contains_key("KmsMasterKeyId"))
                    .map(|(id, _)| {
                        let (construct, _) = view.origin(id);
                        ValidationError::new(Code::TopicPlain, &construct, format!("topic {id} is not encrypted"))
                    })
                    .collect::<Vec<_>>()
            })
            .collect()
    });
    rcdk_app::emit_or_exit(app);
}

/// The SNS topics of a template, by logical ID.
fn topics(template: &rcdk_app::cfn::Template) -> impl Iterator<Item = (&String, &Resource)> {
    template.resources.iter().filter(|(_, r)| r.resource_type == "AWS::SNS::Topic")
}
