//! The will-fail gate: before a change set on an existing stack is executed,
//! the deployed template and the new one are compared for changes
//! CloudFormation cannot carry out (a custom-named resource replaced under
//! the same name, a replacement subnet overlapping the one it replaces, a
//! new NAT gateway needing an Elastic IP the old one still holds; see
//! `rcdk_constructs::diff::will_fail`). Such a change set is not executed
//! unless `--force`; with `--no-execute` or `--force` the findings are
//! printed as warnings.

use super::change_set::ChangeSetSummary;
use super::context::Context;
use super::plan::Target;
use super::prepare::with_cleanup;
use crate::aws::Aws;
use crate::failure::Failure;

/// Refuses (exit 1, the change set removed as on any refusal) when the
/// change will fail and neither `--force` nor `--no-execute` is given.
pub async fn check(ctx: &Context, aws: &Aws, target: &Target, summary: &ChangeSetSummary) -> Result<(), Failure> {
    if summary.change_set_type.as_deref() == Some("CREATE") {
        return Ok(());
    }
    let name = target.stack.name.as_str();
    let Some(deployed) = aws.deployed_template(name).await? else { return Ok(()) };
    if rcdk_constructs::cfn::parse_template(&deployed).is_err() {
        ctx.say(&format!(
            "warning: {name}: the deployed template cannot be read, so changes that will fail are not checked"
        ));
        return Ok(());
    }
    let lenient = ctx.options.force || ctx.options.no_execute;
    match check_will_fail(name, Some(&deployed), &target.stack.body, lenient) {
        Ok(findings) => {
            for f in findings {
                ctx.say(&format!("warning: {name}: {}: {} (will fail)\n  help: {}", f.logical_id, f.message, f.help));
            }
            Ok(())
        }
        Err(failure) if ctx.options.execute_change_set.is_some() => Err(failure),
        Err(failure) => Err(with_cleanup(ctx, name, failure).await),
    }
}

/// For `rcdk deploy`'s change-set step: the changes between the deployed
/// template (`old`, `None` for a new stack) and the one about to be deployed
/// (`new`) that CloudFormation will fail to carry out (see
/// [`rcdk_constructs::diff::will_fail`]). Without `force`, any finding is a
/// refusal (exit 1, every finding listed, with its fix); with `force`, the
/// findings are returned for deploy to print as warnings before executing.
pub fn check_will_fail(
    stack: &str,
    old: Option<&str>,
    new: &str,
    force: bool,
) -> Result<Vec<rcdk_constructs::diff::WillFail>, Failure> {
    let Some(old) = old else { return Ok(Vec::new()) };
    let read = |label: &str, text: &str| {
        rcdk_constructs::cfn::parse_template(text)
            .map_err(|e| Failure::no(format!("cannot read the {label} template of stack {stack}: {e}")))
    };
    let findings = rcdk_constructs::diff::will_fail(&read("deployed", old)?, &read("new", new)?);
    if findings.is_empty() || force {
        return Ok(findings);
    }
    let list: Vec<String> =
        findings.iter().map(|f| format!("  {}: {}\n    help: {}", f.logical_id, f.message, f.help)).collect();
    Err(Failure::no(format!(
        "stack {stack}: {} change(s) will fail, so the change set is not executed:\n{}",
        findings.len(),
        list.join("\n")
    ))
    .help("change the template as each help line says, or pass --force to execute the change set anyway"))
}

#[cfg(test)]
mod tests {
    use super::*;

    const OLD: &str = "Resources:\n  Tg:\n    Type: AWS::ElasticLoadBalancingV2::TargetGroup\n    Properties: {Name: api, Port: 80, Protocol: HTTP}\n";
    const NEW: &str = "Resources:\n  Tg:\n    Type: AWS::ElasticLoadBalancingV2::TargetGroup\n    Properties: {Name: api, Port: 8080, Protocol: HTTP}\n";

    #[test]
    fn a_change_that_will_fail_is_refused_unless_forced() {
        let err = check_will_fail("web", Some(OLD), NEW, false).expect_err("refused");
        assert_eq!(err.exit, 1);
        assert!(
            err.message.contains("Tg: Tg must be replaced but keeps its custom name (Name: api)"),
            "{}",
            err.message
        );
        let forced = check_will_fail("web", Some(OLD), NEW, true).expect("forced");
        assert_eq!(forced.len(), 1);
        assert!(check_will_fail("web", None, NEW, false).expect("new stack").is_empty());
        assert!(check_will_fail("web", Some(OLD), OLD, false).expect("no change").is_empty());
    }
}
