//! Logical IDs come from construct names, never from positions: adding,
//! removing or reordering constructs never changes another construct's
//! logical IDs or resources.

use std::collections::BTreeMap;

use rcdk_constructs::app::AppProps;
use rcdk_constructs::cfn::{Format, Resource};
use rcdk_constructs::core::{App, FieldPath, Stack, StackProps};
use rcdk_constructs::ec2::{Vpc, VpcProps};
use rcdk_constructs::ecs::{Cluster, ClusterProps, ContainerImage};
use rcdk_constructs::elbv2::{Action, ApplicationLoadBalancer, ListenerRuleProps, LoadBalancerProps};
use rcdk_constructs::patterns::{LoadBalancedService, LoadBalancedServiceProps, ServiceContext};

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

/// A stack with two load-balanced services, built through the Rust API in
/// `order`: one routed by path (its priority derived from its name), one
/// catch-all, both in bridge mode behind one load balancer, sharing the
/// load balancer's rule into the cluster's instances.
fn two_services(order: [&str; 2]) -> String {
    let mut stack = Stack::new(StackProps { name: "shop".into(), ..Default::default() }, FieldPath::root());
    let root = stack.root().clone();
    let vpc = Vpc::new(&mut stack, &root.child("Vpc"), &VpcProps::default());
    let cluster = Cluster::new(&mut stack, &root.child("Cluster"), &vpc, &ClusterProps::default());
    let alb = ApplicationLoadBalancer::new(
        &mut stack,
        &root.child("LoadBalancer"),
        &vpc,
        &Action::not_found(),
        &LoadBalancerProps::default(),
    );
    for name in order {
        let routing = (name == "api")
            .then(|| ListenerRuleProps { path_patterns: Some(vec!["/api/*".into()]), ..Default::default() });
        let props = LoadBalancedServiceProps {
            image: ContainerImage::Reference(format!("example/{name}:1.0.0")),
            routing,
            ..Default::default()
        };
        LoadBalancedService::new(&mut stack, &root.child(name), &ServiceContext::new(&cluster, &alb), &props);
    }
    let mut app = App::new();
    app.add_stack(stack);
    let stacks = app.synth(Format::Yaml).unwrap_or_else(|e| panic!("synth failed: {e}"));
    stacks[0].body.clone()
}

#[test]
fn the_order_constructs_are_added_in_changes_nothing() {
    // An app file's services are a map (sorted by name), so its order cannot
    // matter; constructs added in Rust can come in any order.
    let api_first = two_services(["api", "web"]);
    assert!(api_first.contains("ApiListenerRule:") && api_first.contains("WebListenerRule:"), "{api_first}");
    assert_eq!(two_services(["web", "api"]), api_first, "the template depends on the order the services were added");
}

#[test]
fn a_stack_added_before_or_after_another_changes_nothing() {
    let base = resources(&todo());
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
