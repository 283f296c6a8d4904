//! Machine-readable diagnostics: rcdk's own JSON, and SARIF 2.1.0 for
//! GitHub code scanning. `rcdk check --format json|sarif` and
//! `rcdk synth --diagnostics json|sarif` print them on stdout; the
//! whole-app checks' and the rule packs' findings share them.
//!
//! SARIF (OASIS Static Analysis Results Interchange Format 2.1.0,
//! <https://docs.oasis-open.org/sarif/sarif/v2.1.0/sarif-v2.1.0.html>): one
//! run of the tool `rcdk`, a rule per code or control (its help URI is the
//! Control Tower control's documentation page, or the code's entry in
//! `docs/diagnostics.md`), a result per diagnostic at the file, line and
//! column it is located at. Suppressed findings and acknowledged warnings
//! are results of level `note` with an in-source suppression carrying the
//! reason, which code scanning shows as dismissed.

use std::collections::BTreeMap;

use serde_json::{json, Map, Value};

use crate::app_file::{Problem, RuleRef};

/// How bad a diagnostic is, as reports spell it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    /// Stops the command.
    Error,
    /// Reported; `--deny-warnings` makes it an error.
    Warning,
    /// Accepted knowingly (a suppression or acknowledgement), with its reason.
    Note,
}

impl Level {
    /// `error`, `warning` or `note` (the SARIF spellings too).
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Error => "error",
            Level::Warning => "warning",
            Level::Note => "note",
        }
    }
}

/// The version of [`json`]'s shape.
pub const JSON_VERSION: u32 = 1;

/// The URL of `code`'s entry in `docs/diagnostics.md`.
pub fn code_docs(code: &str) -> String {
    format!("{}/blob/main/docs/diagnostics.md#{}", env!("CARGO_PKG_REPOSITORY"), crate::diagnostics::anchor(code))
}

/// The reason of a note: the suppression's, or the one its message ends with
/// (`(acknowledged: …)`, `(suppressed: …)`).
fn reason(p: &Problem) -> Option<String> {
    if let Some(r) = p.rule.as_ref().and_then(|r| r.suppressed.clone()) {
        return Some(r);
    }
    ["(acknowledged: ", "(suppressed: "]
        .iter()
        .find_map(|marker| p.message.rfind(marker).map(|i| &p.message[i + marker.len()..]))
        .map(|r| r.strip_suffix(')').unwrap_or(r).to_owned())
}

fn uri(p: &Problem) -> String {
    let s = p.file.to_string_lossy().replace('\\', "/");
    let s = s.strip_prefix("./").unwrap_or(&s).to_owned();
    if s.starts_with('/') {
        format!("file://{s}")
    } else {
        s
    }
}

fn rule_json(r: &RuleRef) -> Value {
    json!({
        "id": r.id(),
        "name": r.name,
        "control": r.control,
        "pack": r.pack,
        "title": r.title,
        "fix": r.fix,
        "docs": r.docs,
        "severity": r.severity,
        "resource": r.resource,
        "path": r.path,
    })
}

/// rcdk's JSON: `{"version": 1, "diagnostics": [...], "summary": {...}}`,
/// one object per diagnostic with its level, code, message, help, file,
/// line, column, field, construct, the rule of a rule pack's finding and the
/// reason of a note.
pub fn json(entries: &[(Level, &Problem)]) -> String {
    let diagnostics: Vec<Value> = entries
        .iter()
        .map(|(level, p)| {
            json!({
                "level": level.as_str(),
                "code": p.code,
                "message": p.message,
                "help": p.help,
                "file": p.file.to_string_lossy(),
                "line": p.position.map(|x| x.line),
                "column": p.position.map(|x| x.column),
                "field": Some(&p.field).filter(|f| !f.is_empty()),
                "construct": p.construct,
                "rule": p.rule.as_deref().map(rule_json),
                "suppressed": if *level == Level::Note { reason(p) } else { None },
            })
        })
        .collect();
    let count = |l: Level| entries.iter().filter(|(x, _)| *x == l).count();
    let out = json!({
        "version": JSON_VERSION,
        "diagnostics": diagnostics,
        "summary": {"errors": count(Level::Error), "warnings": count(Level::Warning), "notes": count(Level::Note)},
    });
    let mut s = serde_json::to_string_pretty(&out).unwrap_or_default();
    s.push('\n');
    s
}

/// GitHub's `security-severity` (a CVSS-like score) of a Control Tower severity.
fn security_severity(severity: &str) -> Option<&'static str> {
    match severity {
        "CRITICAL" => Some("9.5"),
        "HIGH" => Some("8.0"),
        "MEDIUM" => Some("5.5"),
        "LOW" => Some("3.0"),
        _ => None,
    }
}

fn sarif_rule(id: &str, p: &Problem, level: Level) -> Value {
    let mut rule = Map::new();
    rule.insert("id".into(), json!(id));
    match &p.rule {
        Some(r) => {
            rule.insert("name".into(), json!(r.name));
            rule.insert("shortDescription".into(), json!({ "text": r.title }));
            let mut full = r.title.clone();
            if let Some(fix) = &r.fix {
                full.push_str(&format!(" Fix: {fix}"));
            }
            rule.insert("fullDescription".into(), json!({ "text": full }));
            if let Some(docs) = &r.docs {
                rule.insert("helpUri".into(), json!(docs));
            }
            rule.insert("help".into(), json!({ "text": r.fix.clone().unwrap_or_else(|| r.title.clone()) }));
            rule.insert("defaultConfiguration".into(), json!({ "level": "error" }));
            let mut props = Map::new();
            props.insert("tags".into(), json!(["security", "compliance", r.pack]));
            if let Some(s) = r.severity.as_deref().and_then(security_severity) {
                props.insert("security-severity".into(), json!(s));
            }
            rule.insert("properties".into(), Value::Object(props));
        }
        None => {
            let entry = crate::diagnostics::lookup(&p.code);
            let title = entry.map(|d| d.title.to_owned()).unwrap_or_else(|| p.code.to_owned());
            rule.insert("name".into(), json!(p.code));
            rule.insert("shortDescription".into(), json!({ "text": title }));
            if let Some(d) = entry {
                rule.insert("fullDescription".into(), json!({ "text": d.explanation }));
            }
            rule.insert("helpUri".into(), json!(code_docs(&p.code)));
            let default = match entry.map(|d| d.severity) {
                Some(rcdk_constructs::diagnostics::Severity::Error) => "error",
                Some(rcdk_constructs::diagnostics::Severity::Warning) => "warning",
                Some(rcdk_constructs::diagnostics::Severity::Note) => "note",
                None => level.as_str(),
            };
            rule.insert("defaultConfiguration".into(), json!({ "level": default }));
        }
    }
    Value::Object(rule)
}

/// A SARIF 2.1.0 log of one run of rcdk over `entries`.
pub fn sarif(entries: &[(Level, &Problem)]) -> String {
    let mut rules: Vec<Value> = Vec::new();
    let mut index: BTreeMap<String, usize> = BTreeMap::new();
    let mut results = Vec::new();
    for (level, p) in entries {
        let id = p.rule.as_ref().map(|r| r.id().to_owned()).unwrap_or_else(|| p.code.to_owned());
        let rule_index = *index.entry(id.clone()).or_insert_with(|| {
            rules.push(sarif_rule(&id, p, *level));
            rules.len() - 1
        });
        let mut text = p.message.clone();
        if let Some(h) = &p.help {
            text.push_str(&format!("\nhelp: {h}"));
        }
        let mut physical = Map::new();
        physical.insert("artifactLocation".into(), json!({ "uri": uri(p) }));
        if let Some(pos) = p.position {
            physical.insert("region".into(), json!({ "startLine": pos.line, "startColumn": pos.column }));
        }
        let mut location = Map::new();
        location.insert("physicalLocation".into(), Value::Object(physical));
        let mut logical = Vec::new();
        if let Some(c) = &p.construct {
            logical.push(json!({ "fullyQualifiedName": c, "kind": "module" }));
        }
        if !p.field.is_empty() {
            logical.push(json!({ "fullyQualifiedName": p.field, "kind": "member" }));
        }
        if !logical.is_empty() {
            location.insert("logicalLocations".into(), Value::Array(logical));
        }
        let mut result = Map::new();
        result.insert("ruleId".into(), json!(id));
        result.insert("ruleIndex".into(), json!(rule_index));
        result.insert("level".into(), json!(level.as_str()));
        result.insert("message".into(), json!({ "text": text }));
        result.insert("locations".into(), json!([Value::Object(location)]));
        // Code scanning tracks an alert across commits by this key: the rule,
        // the construct (or field) and the resource, not the line it is on.
        let key = format!(
            "{id}|{}|{}|{}",
            p.construct.as_deref().unwrap_or_default(),
            p.field,
            p.rule.as_ref().and_then(|r| r.resource.as_deref()).unwrap_or_default()
        );
        result.insert("partialFingerprints".into(), json!({ "rcdkFinding/v1": key }));
        if *level == Level::Note {
            let justification = reason(p).unwrap_or_default();
            result.insert("suppressions".into(), json!([{ "kind": "inSource", "justification": justification }]));
        }
        results.push(Value::Object(result));
    }
    let log = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": "rcdk",
                    "version": env!("CARGO_PKG_VERSION"),
                    "informationUri": env!("CARGO_PKG_REPOSITORY"),
                    "rules": rules,
                }
            },
            "results": results,
        }],
    });
    let mut s = serde_json::to_string_pretty(&log).unwrap_or_default();
    s.push('\n');
    s
}
