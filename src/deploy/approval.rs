//! The approval gate of `--require-approval` (the AWS CDK's flag, with its
//! meaning): `never` executes without asking about security; `broadening`
//! (the default) needs an answer when the change set broadens permissions
//! or network access (the security view of `rcdk diff`: a new Allow
//! statement, a removed Deny, a managed policy attached, a security group
//! rule that lets more through); `any-change` needs one for every change
//! set. The security view is shown first (also under `--no-execute`, for
//! the review, where nothing needs approving). On a terminal the question is
//! asked — by the usual confirmation, or, under `--yes`, by one more
//! question that `--yes` does not answer. Where nobody can answer, the
//! change set is refused (exit 1, removed as on any refusal) with a message
//! naming `--require-approval never`.

use rcdk_constructs::diff::{parse_template, SecurityView, TemplateDiff};
use serde_json::Value;

use super::change_set::ChangeSetSummary;
use super::plan::Target;
use super::prepare::with_cleanup;
use super::Context;
use crate::aws::Aws;
use crate::cli::RequireApproval;
use crate::failure::Failure;
use crate::stacks::{ask, can_ask};

/// What needs an approval, from the deployed template (`None` for a new
/// stack) and the one about to be deployed: `Some(reason)` when the mode
/// asks for one.
pub fn needs_approval(mode: RequireApproval, deployed: Option<&Value>, new: &Value) -> (Option<String>, SecurityView) {
    let empty = Value::Object(Default::default());
    let diff = TemplateDiff::new(deployed.unwrap_or(&empty), new);
    let view = diff.security;
    let reason = match mode {
        RequireApproval::Never => None,
        RequireApproval::Broadening if view.permissions_broadened => {
            Some(format!("it broadens permissions or network access ({})", view.counts_text()))
        }
        RequireApproval::Broadening => None,
        RequireApproval::AnyChange => Some("--require-approval any-change asks before every change set".to_owned()),
    };
    (reason, view)
}

/// The gate, run after the change set is shown and before it is confirmed.
pub async fn gate(ctx: &Context, aws: &Aws, target: &Target, summary: &ChangeSetSummary) -> Result<(), Failure> {
    let mode = ctx.options.require_approval;
    if mode == RequireApproval::Never && !ctx.options.no_execute {
        return Ok(());
    }
    let name = target.stack.name.as_str();
    let deployed = match summary.change_set_type.as_deref() {
        Some("CREATE") => None,
        _ => aws.deployed_template(name).await?.and_then(|t| parse_template(&t).ok()),
    };
    let new = parse_template(&target.stack.body)
        .map_err(|e| Failure::no(format!("cannot read the template of stack {name}: {e}")))?;
    let (reason, view) = needs_approval(mode, deployed.as_ref(), &new);
    if !view.is_empty() {
        ctx.say(crate::security::text(&view).trim_end());
    }
    // `--no-execute`: the view is shown for the review; nothing executes, nothing to approve.
    let Some(reason) = reason.filter(|_| !ctx.options.no_execute) else { return Ok(()) };
    // Without --yes the usual confirmation asks (or refuses) next.
    if !ctx.options.yes {
        return Ok(());
    }
    if can_ask() && ask(&format!("Stack {name}: {reason}. Approve change set {}?", summary.id.name)) {
        return Ok(());
    }
    let mut refused = Failure::no(format!(
        "stack `{name}` not changed: {reason}, and --require-approval {} needs an approval that --yes does not give",
        mode.flag()
    ))
    .help("review the security view above; answer y on a terminal, or pass --require-approval never to deploy it unattended");
    if ctx.options.execute_change_set.is_some() {
        refused.message.push_str(&format!("; change set {} is kept", summary.id.name));
        return Err(refused);
    }
    Err(with_cleanup(ctx, name, refused).await)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn broadening_needs_approval_unless_never() {
        let old =
            json!({"Resources": {"Sg": {"Type": "AWS::EC2::SecurityGroup", "Properties": {"GroupDescription": "d"}}}});
        let new = json!({"Resources": {"Sg": {"Type": "AWS::EC2::SecurityGroup", "Properties": {"GroupDescription": "d",
            "SecurityGroupIngress": [{"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "CidrIp": "0.0.0.0/0"}]}}}});
        let (reason, view) = needs_approval(RequireApproval::Broadening, Some(&old), &new);
        assert!(view.permissions_broadened);
        assert!(reason.expect("asks").contains("1 ingress rule(s) added"));
        assert!(needs_approval(RequireApproval::Never, Some(&old), &new).0.is_none());
        // Closing the port again narrows: no approval needed, but any-change still asks.
        assert!(needs_approval(RequireApproval::Broadening, Some(&new), &old).0.is_none());
        assert!(needs_approval(RequireApproval::AnyChange, Some(&new), &old).0.is_some());
    }
}
