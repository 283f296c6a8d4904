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

/// A service whose props hold a bad CPU target deep in `scaling` and a bad
/// variable name in `environment`, built at the returned line.
fn service_with_nested_mistakes() -> (Vec<rcdk_constructs::ValidationError>, u32) {
    use rcdk_constructs::ecs::Cluster;
    use rcdk_constructs::elbv2::{Action, ApplicationLoadBalancer};
    use rcdk_constructs::patterns::{
        LoadBalancedService, LoadBalancedServiceProps, ServiceContext, ServiceScalingProps,
    };

    let mut stack = Stack::new(StackProps { name: "web".into(), ..Default::default() }, FieldPath::root());
    let root = stack.root().clone();
    let vpc = Vpc::new(&mut stack, &root.child("Vpc"), &Default::default());
    let cluster = Cluster::new(&mut stack, &root.child("Cluster"), &vpc, &Default::default());
    let alb =
        ApplicationLoadBalancer::new(&mut stack, &root.child("Lb"), &vpc, &Action::not_found(), &Default::default());
    let props = LoadBalancedServiceProps::new("nginx:1.27.0")
        .env("1_BAD", "x")
        .scaling(ServiceScalingProps::between(1, 2).cpu_target(150.0));
    let line = line!() + 1;
    LoadBalancedService::new(&mut stack, &root.child("web"), &ServiceContext::new(&cluster, &alb), &props);
    (stack.errors().to_vec(), line)
}

#[test]
fn a_nested_field_error_from_rust_names_the_rust_field_at_the_callers_line() {
    let (errors, line) = service_with_nested_mistakes();
    let found = |code: &str| errors.iter().find(|e| e.code == code).unwrap_or_else(|| panic!("{code} in {errors:?}"));
    let target = found("autoscaling:target-invalid");
    let at = target.location.expect("located at the caller");
    assert_eq!((at.file(), at.line()), (file!(), line));
    assert_eq!(
        target.field_text(),
        "scaling.cpu_target_percent",
        "a field of `ServiceScalingProps`, not a made-up `.target`"
    );
    assert!(target.to_string().contains("(at `scaling.cpu_target_percent`"), "{target}");
    let env = found("ecs:env-name");
    assert_eq!(env.location.map(|l| l.line()), Some(line));
    assert_eq!(env.field_text(), r#"environment["1_BAD"]"#, "a map key as Rust indexes it");
    assert!(env.help.is_some(), "the same help line as for an app file");
}

#[test]
fn an_app_file_names_the_same_fields_as_the_file_spells_them() {
    use rcdk_constructs::patterns::{LoadBalancedServiceProps, ServiceScalingProps};

    let service = LoadBalancedServiceProps::new("nginx:1.27.0")
        .env("1_BAD", "x")
        .scaling(ServiceScalingProps::between(1, 2).cpu_target(150.0));
    let spec = StackSpec::new("web").vpc(VpcProps::default()).service("api", service);
    let built = platform::build(&[spec]).pop().expect("one stack");
    let fields: Vec<(String, String)> =
        built.stack.errors().iter().map(|e| (e.code.to_string(), e.field_text())).collect();
    for (code, field) in [
        ("autoscaling:target-invalid", "stacks[0].services.api.scaling.cpu_target_percent"),
        ("ecs:env-name", "stacks[0].services.api.environment.1_BAD"),
    ] {
        assert!(fields.contains(&(code.to_owned(), field.to_owned())), "{code} at {field}: {fields:?}");
    }
}
