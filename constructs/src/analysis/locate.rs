//! The analysis as one of the app's checks: it reads the synthesized
//! stacks, and its findings become validation errors and warnings located at
//! the construct and app-file field that made the resource at fault.
//!
//! A finding's `help` speaks template terms (what `rcdk check` prints); an
//! app's author acts on the app file, so the help here is the app-file fix
//! the finding's field and code point to, when there is one. The alarms
//! without actions of a stack are one warning at its `alarms` field (one
//! alarm topic fixes them all), and what the analysis could not evaluate
//! is left out (rcdk's own templates hold everything it reads).

use std::collections::BTreeMap;

use super::check::Finding;
use super::checks::alarms::Code as Alarms;
use super::checks::analyze;
use super::model::{Doc, StackTemplate};
use crate::core::{App, ConstructPath, StackView};
use crate::error::ValidationError;

/// The name the whole-app analysis is registered under (see [`register`]).
pub const CHECK_NAME: &str = "whole-app analysis";

/// Registers the whole-app analysis with `app` (see [`crate::analysis`]):
/// the front doors (app files, `rcdk_app::emit`) do, and a Rust app that
/// synthesizes by itself may. Registering it again replaces it, so it runs
/// once.
pub fn register(app: &mut App) {
    app.add_check_at(CHECK_NAME, None, check);
}

/// Analyzes `stacks` and returns the findings, errors and warnings, located.
fn check(stacks: &[StackView<'_>]) -> Vec<ValidationError> {
    let templates: Vec<StackTemplate<'_>> = stacks
        .iter()
        .map(|s| StackTemplate {
            name: s.name(),
            doc: Doc::from_template(s.template, s.props.region.as_deref()),
            inputs: s.inputs.iter().map(|x| (x.parameter.as_str(), x.stack.as_str(), x.output.as_str())).collect(),
            nested_in: None,
        })
        .collect();
    let mut out = Vec::new();
    // Stack → its alarms without actions.
    let mut silent: BTreeMap<usize, Vec<String>> = BTreeMap::new();
    for f in analyze(&templates) {
        if f.code.as_str().starts_with("analysis:") {
            continue;
        }
        if f.code == crate::core::DiagnosticCode::from(Alarms::AlarmNoAction) {
            silent.entry(f.stack).or_default().push(f.resource);
            continue;
        }
        out.push(to_error(&f, &stacks[f.stack]));
    }
    for (s, alarms) in silent {
        let stack = stacks[s].name();
        out.push(
            ValidationError::new(
                Alarms::AlarmNoAction,
                &ConstructPath::root(stack),
                format!(
                    "stack `{stack}`: {} alarm(s) have no actions: when they fire, nobody is told ({})",
                    alarms.len(),
                    alarms.join(", ")
                ),
            )
            .field(stacks[s].field.key("alarms"))
            .help("give the stack an alarm topic (`alarms: {email: ...}`), or set the alarms' AlarmActions"),
        );
    }
    out
}

fn to_error(f: &Finding, stack: &StackView<'_>) -> ValidationError {
    let name = stack.name();
    let (construct, field) = match stack.origins.get(&f.resource) {
        Some((path, field)) => {
            let field = match f.field {
                Some(sub) if !field.is_root() && !field.to_string().ends_with(sub) => field.key(sub),
                _ => field.clone(),
            };
            (path.clone(), field)
        }
        None if f.resource.is_empty() => {
            let field = match f.field {
                Some(sub) => stack.field.key(sub),
                None => stack.field.clone(),
            };
            (ConstructPath::root(name), field)
        }
        None => (ConstructPath::root(name).child(&f.resource), stack.field.clone()),
    };
    ValidationError::new(f.code, &construct, format!("stack `{name}`: {}", f.message))
        .field(field)
        .help(app_help(f, stack.props.region.as_deref()).unwrap_or_else(|| f.help.clone()))
}

/// The app-file fix for a finding, from its code and field: what an app's
/// author changes (the template-terms help is for templates written by hand).
fn app_help(f: &Finding, region: Option<&str>) -> Option<String> {
    let region = region.unwrap_or("<region>");
    Some(match (f.code.as_str(), f.field) {
        ("net:instances-no-egress", Some("nat_gateways")) => {
            "give the VPC a NAT gateway (`vpc.nat_gateways: 1`), or the VPC endpoints ECS needs (`vpc.endpoints: {}`)".into()
        }
        ("net:endpoint-blocked", _) => format!("{} (as `vpc.endpoints` does)", f.help),
        ("net:nat-shared-across-azs", _) => {
            "one NAT gateway per zone (`vpc.nat_gateways` equal to the number of zones), or VPC endpoints (`vpc.endpoints`)".into()
        }
        ("cdn:origin-internal", _) => "make the origin load balancer internet-facing (`load_balancer.internal: false`)".into(),
        ("cdn:origin-no-https-listener", _) => {
            "give the load balancer a certificate (`load_balancer.certificate_arns`), or set `cdn.origin_protocol: http-only`".into()
        }
        ("cdn:origin-redirect-loop", _) => "set `cdn.origin_protocol: https-only` (the load balancer has a certificate)".into(),
        ("cdn:origin-no-http-listener", _) => {
            "set `cdn.origin_protocol: https-only`, or keep HTTP on the load balancer (`load_balancer.http: true`)".into()
        }
        ("cdn:origin-blocked", _) => {
            "admit CloudFront's origin-facing prefix list (the default for a CDN origin), not a fixed `ingress_cidrs` list".into()
        }
        ("cdn:origin-bypass", _) => {
            "lock the origin to the CDN: leave `cdn.origin_lock` on (CloudFront's origin-facing prefix list and a secret origin \
             header)"
                .into()
        }
        ("region:certificate-mismatch", _) => format!(
            "request or import the certificate in {region} and use its ARN here; with `regions:`, give each region its own \
             under `region_overrides.{region}.certificate_arns`"
        ),
        ("region:az-mismatch", Some("max_azs")) => format!("use fewer zones (`max_azs`): {}", f.help),
        ("region:az-mismatch", _) => format!(
            "use zones of {region} (`{region}a`, `{region}b`, ...), or let rcdk pick them with `max_azs`; with `regions:`, \
             set them per region under `region_overrides.{region}.availability_zones`"
        ),
        ("ec2:ami-architecture-mismatch", _) => format!("{}; leave `ami_parameter` unset and rcdk picks it", f.help),
        ("net:database-admits-others", _) => {
            "remove those ingress rules (a service that needs the database: link it with `database: true`, which admits it)"
                .into()
        }
        ("net:database-open", _) => "admit only the security groups of the services that use it".into(),
        ("net:service-container-mismatch", _) => {
            format!("{} (in an rcdk app, the service's `container_port` sets both)", f.help)
        }
        _ => return None,
    })
}
