//! Legal but risky: alarms that notify nobody.

use crate::analysis::check::{Scope, Sink};
use crate::analysis::codes;

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
        let f = sink.warning(
            codes::ALARM_SILENT,
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
