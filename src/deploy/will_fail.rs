//! The will-fail gate: before a change set on an existing stack is executed,
//! the deployed template and the new one are compared for changes
//! CloudFormation cannot carry out (a custom-named resource replaced under
//! the same name, a replacement subnet overlapping the one it replaces, a
//! new NAT gateway needing an Elastic IP the old one still holds; see
//! `rcdk_constructs::diff::will_fail`). Such a change set is not executed
//! unless `--force`; with `--no-execute` or `--force` the findings are
//! printed as warnings.

use super::change_set::ChangeSetSummary;
use super::plan::Target;
use super::prepare::with_cleanup;
use super::Context;
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
    match crate::diff::check_will_fail(name, Some(&deployed), &target.stack.body, lenient) {
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
