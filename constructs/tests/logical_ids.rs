//! Logical IDs come from construct names, never from positions: adding,
//! removing or reordering constructs never changes another construct's
//! logical IDs or resources.

use std::collections::BTreeMap;

use rcdk_constructs::app::AppProps;
use rcdk_constructs::cfn::{Format, Resource};

const APP: &str = include_str!("../../examples/todo-app.yaml");

fn resources(app: &AppProps) -> BTreeMap<String, Resource> {
    let stacks = app.synth(Format::Yaml).unwrap_or_else(|e| panic!("synth failed: {e}"));
    stacks
        .into_iter()
        .flat_map(|s| s.template.resources.into_iter().map(move |(id, r)| (format!("{}/{id}", s.props.name), r)))
        .collect()
}

fn todo() -> AppProps {
    serde_yaml::from_str(APP).expect("the todo app parses")
}

#[test]
fn reordering_services_and_stacks_changes_nothing() {
    let base = resources(&todo());
    // Services in the other order in the file.
    // (Only under `services:`: `tables:` and `buckets:` have a `files` too.)
    let (head, services) = APP.split_once("    services:\n").expect("the app has services");
    let services = services
        .replacen("      main:", "      zzz-main:", 1)
        .replacen("      files:", "      main:", 1)
        .replacen("      zzz-main:", "      files:", 1);
    let swapped = format!("{head}    services:\n{services}");
    let mut reordered: AppProps = serde_yaml::from_str(&swapped).expect("parses");
    // Swapping the names swaps the services' contents; swap them back so only the order in the file differs.
    let stack = &mut reordered.stacks[0];
    let main = stack.services.remove("files").expect("main");
    let files = stack.services.remove("main").expect("files");
    stack.services.insert("main".into(), main);
    stack.services.insert("files".into(), files);
    assert_eq!(resources(&reordered), base);

    // A second stack before and after the first.
    let mut two = todo();
    let mut other = two.stacks[0].clone();
    other.name = "todo-stage".into();
    two.stacks.insert(0, other.clone());
    let before = resources(&two);
    let mut two = todo();
    two.stacks.push(other);
    assert_eq!(resources(&two), before);
    for (id, r) in &base {
        assert_eq!(before.get(id), Some(r), "{id} changed when another stack was added");
    }
}

#[test]
fn removing_a_service_removes_only_its_resources() {
    let base = resources(&todo());
    let mut app = todo();
    app.stacks[0].services.remove("files");
    let without = resources(&app);
    for (id, r) in &without {
        assert_eq!(base.get(id), Some(r), "{id} changed when service `files` was removed");
    }
    let gone: Vec<&String> = base.keys().filter(|id| !without.contains_key(*id)).collect();
    assert!(!gone.is_empty());
    for id in gone {
        assert!(id.starts_with("todo-prod/Files"), "{id} disappeared with service `files`");
    }
}

#[test]
fn removing_network_acls_and_flow_logs_keeps_every_other_id() {
    let mut app = todo();
    app.stacks[0].vpc.as_mut().expect("vpc").flow_logs = Some(Default::default());
    let base = resources(&app);
    app.stacks[0].vpc.as_mut().expect("vpc").flow_logs = None;
    app.stacks[0].vpc.as_mut().expect("vpc").network_acls = None;
    let without = resources(&app);
    for (id, r) in &without {
        assert_eq!(base.get(id), Some(r), "{id} changed when NACLs and flow logs were removed");
    }
    for id in base.keys().filter(|id| !without.contains_key(*id)) {
        assert!(id.contains("NetworkAcl") || id.contains("FlowLogs"), "{id} disappeared");
    }
}
