//! Legal but risky: alarms that notify nobody and that nothing reacts to.
//!
//! An alarm without actions is not silent when something consumes it: a
//! CodeDeploy deployment group's `AlarmConfiguration` (the deployment stops
//! and rolls back), a composite alarm's `AlarmRule`, an ECS service's
//! `DeploymentConfiguration.Alarms` (the deployment fails and rolls back), a
//! SAM function's `DeploymentPreference.Alarms`. Each alarm that is neither
//! is one warning, at the alarm.
//!
//! - <https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-codedeploy-deploymentgroup-alarmconfiguration.html>
//! - <https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-cloudwatch-compositealarm.html>
//! - <https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-ecs-service-deploymentalarms.html>
//! - <https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/sam-property-function-deploymentpreference.html>

use std::collections::HashSet;

use serde_json::Value;

use crate::analysis::check::{Scope, Sink};
use crate::analysis::model::{field, mentions, Doc, Res, V};

const ALARM: &str = "AWS::CloudWatch::Alarm";

/// The alarms of the stack something consumes: their logical IDs.
fn consumed<'a>(doc: &Doc<'a>) -> HashSet<&'a str> {
    let alarms: Vec<&Res<'a>> = doc.of_type(ALARM).collect();
    // An alarm named by its `AlarmName` rather than by reference.
    let by_name = |name: &str| -> Option<&'a str> {
        alarms
            .iter()
            .find(|a| a.props.get("AlarmName").is_some_and(|n| doc.resolve(n).as_str() == Some(name)))
            .map(|a| a.id)
    };
    let mut out: HashSet<&'a str> = HashSet::new();
    // Every alarm `v` names, by reference or by `AlarmName`.
    let take = |v: &'a Value, out: &mut HashSet<&'a str>| {
        for a in &alarms {
            if mentions(v, &HashSet::from([a.id])) {
                out.insert(a.id);
            }
        }
        if let V::Str(name) = doc.resolve(v) {
            if let Some(id) = by_name(&name) {
                out.insert(id);
            }
        }
    };
    let off = |v: Option<&'a Value>| v.is_some_and(|v| doc.resolve(v).as_bool() == Some(false));
    for r in &doc.resources {
        match r.ty {
            "AWS::CodeDeploy::DeploymentGroup" => {
                let config = r.props.get("AlarmConfiguration");
                if off(field(config, "Enabled")) {
                    continue;
                }
                for a in doc.list(field(config, "Alarms")).unwrap_or_default() {
                    if let Some(name) = a.get("Name") {
                        take(name, &mut out);
                    }
                }
            }
            "AWS::CloudWatch::CompositeAlarm" => {
                let Some(rule) = r.props.get("AlarmRule") else { continue };
                take(rule, &mut out);
                // `ALARM("name")` / `ALARM(name)` written out.
                let text = doc.values(rule, 0).unwrap_or_default();
                for t in text {
                    for a in &alarms {
                        let name = a.props.get("AlarmName").map(|n| doc.resolve(n));
                        if name.as_ref().and_then(V::as_str).is_some_and(|n| t.contains(n)) {
                            out.insert(a.id);
                        }
                    }
                }
            }
            "AWS::ECS::Service" => {
                let alarms = field(r.props.get("DeploymentConfiguration"), "Alarms");
                if field(alarms, "Enable").is_none_or(|v| doc.resolve(v).as_bool() != Some(true)) {
                    continue;
                }
                for name in doc.list(field(alarms, "AlarmNames")).unwrap_or_default() {
                    take(name, &mut out);
                }
            }
            "AWS::Serverless::Function" => {
                let pref = r.props.get("DeploymentPreference");
                if off(field(pref, "Enabled")) {
                    continue;
                }
                // Items, or `Fn::If` of lists: every alarm either branch names.
                if let Some(list) = field(pref, "Alarms") {
                    take(list, &mut out);
                    for item in doc.list(Some(list)).unwrap_or_default() {
                        take(item, &mut out);
                    }
                }
            }
            _ => {}
        }
    }
    out
}

/// Warns about each alarm of the stack without actions that nothing consumes.
pub(crate) fn check(scope: &Scope<'_, '_, '_>, sink: &mut Sink<'_>) {
    let doc = scope.doc();
    let consumed = consumed(doc);
    for r in doc.of_type(ALARM) {
        // An alarm that exists only under a condition: the run with the
        // defaults decides.
        if r.maybe || consumed.contains(r.id) {
            continue;
        }
        let silent = ["AlarmActions", "OKActions", "InsufficientDataActions"]
            .iter()
            .all(|k| r.props.get(k).is_none_or(|v| doc.list(Some(v)).is_some_and(|l| l.is_empty())));
        if !silent {
            continue;
        }
        let f = sink.report(
            Code::AlarmNoAction,
            r.id,
            format!(
                "alarm {} has no actions and nothing in the template reacts to it (a CodeDeploy deployment group, a composite \
                 alarm, an ECS service's deployment alarms): when it fires, nobody is told",
                r.id
            ),
            format!("set AlarmActions on {} (an SNS topic, a scaling policy), or have a deployment or composite alarm use it", r.id),
        );
        f.field = Some("alarms");
    }
}

crate::codes! {
    /// The diagnostic codes this module reports.
    pub(crate) enum Code {
        AlarmNoAction => warning("cloudwatch:alarm-no-action") {
            formerly: ["mon-alarm-no-action"],
            title: "an alarm notifies nobody",
            explanation: "A CloudWatch alarm has no actions (`AlarmActions`, `OKActions`, `InsufficientDataActions` \
         all empty) and nothing consumes it: when it fires, its state changes in the console and nobody \
         is told. An alarm that a CodeDeploy deployment group (`AlarmConfiguration`), a composite alarm \
         (`AlarmRule`), an ECS service (`DeploymentConfiguration.Alarms`) or a SAM function \
         (`DeploymentPreference.Alarms`) uses needs no action of its own, and is not reported. Set the \
         alarm's `AlarmActions` (an SNS topic, a scaling policy); in an app file, give the stack an \
         alarm topic (`alarms: {email: ...}`).",
            link: "https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/AlarmThatSendsEmail.html",
        },
    }
}
