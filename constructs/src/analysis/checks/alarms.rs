//! Legal but risky: alarms that notify nobody.

use crate::analysis::check::{Scope, Sink};

/// Warns about the stack's alarms without actions.
pub(crate) fn check(scope: &Scope<'_, '_, '_>, sink: &mut Sink<'_>) {
    let doc = scope.doc();
    let silent: Vec<&str> = doc
        .of_type("AWS::CloudWatch::Alarm")
        .filter(|r| {
            ["AlarmActions", "OKActions", "InsufficientDataActions"]
                .iter()
                .all(|k| r.props.get(k).is_none_or(|v| v.as_array().is_some_and(Vec::is_empty)))
        })
        .map(|r| r.id)
        .collect();
    if !silent.is_empty() {
        let f = sink.report(
            Code::AlarmNoAction,
            "",
            format!(
                "{} alarm(s) have no actions: when they fire, nobody is told ({})",
                silent.len(),
                silent.join(", ")
            ),
            "give the stack an alarm topic (`alarms: {email: ...}`), or set the alarms' AlarmActions".into(),
        );
        f.field = Some("alarms");
    }
}

crate::codes! {
    /// The diagnostic codes this module reports.
    pub(crate) enum Code {
        AlarmNoAction => warning("cloudwatch:alarm-no-action") {
            formerly: ["mon-alarm-no-action"],
            title: "alarms notify nobody (the stack has no `alarms:` topic)",
            explanation: "The stack's CloudWatch alarms have no alarm actions: when one fires, its state changes in \
         the console and nobody is told. Give the stack an alarm topic (`alarms: {email: ...}`), or \
         set the alarms' `AlarmActions` in the template.",
        },
    }
}
