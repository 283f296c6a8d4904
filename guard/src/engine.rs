//! The Guard engine (crate `cfn-guard`), run in process, and what its
//! structured JSON report says.
//!
//! One `execute` call takes rule texts and documents as one JSON payload
//! (no file access), parses the rules once and evaluates every document
//! against every rule file; its report (`--structured --output-format
//! json`) is a list of per-document reports. The engine's report types are
//! private to the crate, so the shapes it serializes (cfn-guard 3.1.1,
//! `rules/eval_context.rs`: `FileReport`, `ClauseReport`, …) are read with
//! this module's own serde structs — the same contract the CDK plugin
//! `@cdklabs/cdk-validator-cfnguard` consumes from the CLI.

use std::io::{Read, Seek};

use cfn_guard::commands::validate::{OutputFormatType, ShowSummaryType};
use cfn_guard::commands::Executable;
use cfn_guard::utils::reader::{ReadBuffer, Reader};
use cfn_guard::utils::writer::{WriteBuffer, Writer};
use cfn_guard::{CommandBuilder, ValidateBuilder};
use serde::{Deserialize, Serialize};

/// The stack the engine runs on. Documents are at most
/// [`crate::document::MAX_DEPTH`] deep, so this is a margin, not a limit
/// anyone should reach.
const ENGINE_STACK_BYTES: usize = 64 * 1024 * 1024;

/// Why the engine gave no report.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EngineError {
    /// The engine refused the input (a rule file or a document), with its message.
    #[error("the Guard engine refused the input: {0}")]
    Refused(String),
    /// The engine wrote errors (a rule file it could not parse) besides its report.
    #[error("the Guard engine reported: {0}")]
    Reported(String),
    /// The engine panicked.
    #[error("the Guard engine failed (a panic in cfn-guard): {0}")]
    Panicked(String),
    /// The report is not the JSON this module reads.
    #[error("the Guard engine's report could not be read: {0}")]
    Report(String),
    /// No temporary file for the engine's error output.
    #[error("cannot create a temporary file for the Guard engine's errors: {0}")]
    Io(String),
}

/// A failed rule on one resource of one document.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Violation {
    /// The rule's name, e.g. `ecs_task_definition_nonroot_user_check`.
    pub rule: String,
    /// The logical ID of the resource at fault; `None` when the engine
    /// names no resource (the rule failed on the document as a whole).
    pub resource: Option<String>,
    /// Where in the document, as the engine reports paths, first one first:
    /// `/Resources/Id/Properties/ContainerDefinitions/0`.
    pub paths: Vec<String>,
    /// The rule's own messages (`<< … >>` in the rule file), trimmed.
    pub messages: Vec<String>,
    /// What the engine found at those paths (its error messages, without
    /// positions, which are positions in the JSON rcdk handed it).
    pub details: Vec<String>,
}

/// Evaluates `rules` (texts) against `documents` (JSON texts) in one engine
/// call and returns the violations of each document, in document order.
pub fn execute(rules: &[&str], documents: &[String]) -> Result<Vec<Vec<Violation>>, EngineError> {
    if documents.is_empty() {
        return Ok(Vec::new());
    }
    if rules.is_empty() {
        return Ok(vec![Vec::new(); documents.len()]);
    }
    let payload = serde_json::json!({ "rules": rules, "data": documents }).to_string();
    let err = tempfile::tempfile().map_err(|e| EngineError::Io(e.to_string()))?;
    let mut err_copy = err.try_clone().map_err(|e| EngineError::Io(e.to_string()))?;
    let run = move || -> Result<(i32, String), EngineError> {
        let mut reader = Reader::new(ReadBuffer::Cursor(std::io::Cursor::new(payload.into_bytes())));
        let mut writer = Writer::new_with_err(WriteBuffer::Vec(Vec::new()), WriteBuffer::File(err));
        let command = ValidateBuilder::default()
            .payload(true)
            .structured(true)
            .output_format(OutputFormatType::JSON)
            .show_summary(vec![ShowSummaryType::None])
            .try_build()
            .map_err(|e| EngineError::Refused(e.to_string()))?;
        let code = command.execute(&mut writer, &mut reader).map_err(|e| EngineError::Refused(e.to_string()))?;
        let out = writer.into_string().map_err(|e| EngineError::Report(e.to_string()))?;
        Ok((code, out))
    };
    let (code, out) = std::thread::Builder::new()
        .name("cfn-guard".into())
        .stack_size(ENGINE_STACK_BYTES)
        .spawn(run)
        .map_err(|e| EngineError::Io(e.to_string()))?
        .join()
        .map_err(|panic| EngineError::Panicked(panic_text(&panic)))??;
    let mut errors = String::new();
    if err_copy.rewind().is_ok() {
        let _ = err_copy.read_to_string(&mut errors);
    }
    // A rule file the engine cannot parse is only written to its error
    // output, and the exit code then says 19 when another rule failed.
    let errors = errors.trim();
    if !errors.is_empty() {
        return Err(EngineError::Reported(strip_ansi(errors)));
    }
    if !matches!(code, 0 | 19) {
        return Err(EngineError::Reported(format!("exit code {code}")));
    }
    let found = read_report(&out)?;
    if found.len() != documents.len() {
        return Err(EngineError::Report(format!("{} reports for {} documents", found.len(), documents.len())));
    }
    Ok(found)
}

/// The violations of each document of a structured JSON report (`cfn-guard
/// validate --structured --output-format json --show-summary none`, the
/// CLI's output too), in document order.
pub fn read_report(json: &str) -> Result<Vec<Vec<Violation>>, EngineError> {
    let reports: Vec<FileReport> = serde_json::from_str(json).map_err(|e| EngineError::Report(e.to_string()))?;
    Ok(reports.iter().map(violations).collect())
}

fn panic_text(panic: &Box<dyn std::any::Any + Send>) -> String {
    panic
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_else(|| "no message".into())
}

fn strip_ansi(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' && chars.peek() == Some(&'[') {
            for c in chars.by_ref() {
                if c.is_ascii_alphabetic() {
                    break;
                }
            }
            continue;
        }
        out.push(c);
    }
    out
}

// ---- The report, as cfn-guard 3.1.1 serializes it ----

#[derive(Debug, Deserialize)]
struct FileReport {
    #[serde(default)]
    not_compliant: Vec<ClauseReport>,
}

#[derive(Debug, Deserialize)]
enum ClauseReport {
    Rule(RuleReport),
    Block(BlockReport),
    Disjunctions(DisjunctionsReport),
    Clause(GuardClauseReport),
}

#[derive(Debug, Deserialize)]
struct RuleReport {
    name: String,
    #[serde(default)]
    messages: Messages,
    #[serde(default)]
    checks: Vec<ClauseReport>,
}

#[derive(Debug, Default, Deserialize)]
struct Messages {
    custom_message: Option<String>,
    error_message: Option<String>,
}

#[derive(Debug, Deserialize)]
struct BlockReport {
    #[serde(default)]
    messages: Messages,
    unresolved: Option<Unresolved>,
}

#[derive(Debug, Deserialize)]
struct DisjunctionsReport {
    #[serde(default)]
    checks: Vec<ClauseReport>,
}

#[derive(Debug, Deserialize)]
enum GuardClauseReport {
    Unary(UnaryReport),
    Binary(BinaryReport),
}

#[derive(Debug, Deserialize)]
struct UnaryReport {
    #[serde(default)]
    messages: Messages,
    check: UnaryCheck,
}

#[derive(Debug, Deserialize)]
enum UnaryCheck {
    UnResolved(ValueUnresolved),
    Resolved(UnaryComparison),
    UnResolvedContext(#[allow(dead_code)] String),
}

#[derive(Debug, Deserialize)]
struct UnaryComparison {
    value: PathValue,
}

#[derive(Debug, Deserialize)]
struct ValueUnresolved {
    value: Unresolved,
}

#[derive(Debug, Deserialize)]
struct BinaryReport {
    #[serde(default)]
    messages: Messages,
    check: BinaryCheck,
}

#[derive(Debug, Deserialize)]
enum BinaryCheck {
    UnResolved(ValueUnresolved),
    Resolved(BinaryComparison),
    InResolved(InComparison),
}

#[derive(Debug, Deserialize)]
struct BinaryComparison {
    from: PathValue,
}

#[derive(Debug, Deserialize)]
struct InComparison {
    from: PathValue,
}

#[derive(Debug, Deserialize)]
struct Unresolved {
    traversed_to: PathValue,
}

#[derive(Debug, Deserialize)]
struct PathValue {
    path: String,
}

/// What one check points at: the path of the value it found (or stopped
/// at) and its messages.
struct Check<'r> {
    path: Option<&'r str>,
    messages: &'r Messages,
}

fn checks_of<'r>(report: &'r ClauseReport, custom: Option<&'r str>, out: &mut Vec<(Check<'r>, Option<&'r str>)>) {
    let own = |m: &'r Messages| m.custom_message.as_deref().map(str::trim).filter(|s| !s.is_empty()).or(custom);
    match report {
        ClauseReport::Rule(r) => {
            let custom = own(&r.messages);
            for c in &r.checks {
                checks_of(c, custom, out);
            }
        }
        ClauseReport::Disjunctions(d) => {
            for c in &d.checks {
                checks_of(c, custom, out);
            }
        }
        ClauseReport::Block(b) => {
            let path = b.unresolved.as_ref().map(|u| u.traversed_to.path.as_str());
            out.push((Check { path, messages: &b.messages }, own(&b.messages)));
        }
        ClauseReport::Clause(GuardClauseReport::Unary(u)) => {
            let path = match &u.check {
                UnaryCheck::UnResolved(v) => Some(v.value.traversed_to.path.as_str()),
                UnaryCheck::Resolved(v) => Some(v.value.path.as_str()),
                UnaryCheck::UnResolvedContext(_) => None,
            };
            out.push((Check { path, messages: &u.messages }, own(&u.messages)));
        }
        ClauseReport::Clause(GuardClauseReport::Binary(b)) => {
            let path = match &b.check {
                BinaryCheck::UnResolved(v) => v.value.traversed_to.path.as_str(),
                BinaryCheck::Resolved(v) => v.from.path.as_str(),
                BinaryCheck::InResolved(v) => v.from.path.as_str(),
            };
            out.push((Check { path: Some(path), messages: &b.messages }, own(&b.messages)));
        }
    }
}

/// The logical ID in an engine path `/Resources/<Id>/…`.
pub fn resource_of(path: &str) -> Option<&str> {
    let rest = path.strip_prefix("/Resources/")?;
    let id = rest.split('/').next()?;
    (!id.is_empty()).then_some(id)
}

/// The engine's error message without the positions it adds
/// (`[L:1043,C:8]`), which are positions in the JSON rcdk handed it.
fn without_positions(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    let mut rest = message;
    while let Some(i) = rest.find("[L:") {
        out.push_str(&rest[..i]);
        match rest[i..].find(']') {
            Some(j) => rest = &rest[i + j + 1..],
            None => {
                rest = &rest[i..];
                break;
            }
        }
    }
    out.push_str(rest);
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// One violation per (rule, resource) of a document's report.
fn violations(report: &FileReport) -> Vec<Violation> {
    let mut out: Vec<Violation> = Vec::new();
    for top in &report.not_compliant {
        let ClauseReport::Rule(rule) = top else { continue };
        let mut checks = Vec::new();
        checks_of(top, None, &mut checks);
        let mut by_resource: Vec<Violation> = Vec::new();
        for (check, custom) in checks {
            let resource = check.path.and_then(resource_of).map(str::to_owned);
            let idx = match by_resource.iter().position(|v| v.resource == resource) {
                Some(i) => i,
                None => {
                    by_resource.push(Violation {
                        rule: rule.name.clone(),
                        resource: resource.clone(),
                        paths: Vec::new(),
                        messages: Vec::new(),
                        details: Vec::new(),
                    });
                    by_resource.len() - 1
                }
            };
            let v = &mut by_resource[idx];
            if let Some(p) = check.path {
                if !v.paths.iter().any(|x| x == p) {
                    v.paths.push(p.to_owned());
                }
            }
            if let Some(m) = custom {
                if !v.messages.iter().any(|x| x == m) {
                    v.messages.push(m.to_owned());
                }
            }
            if let Some(e) = check.messages.error_message.as_deref().map(without_positions).filter(|e| !e.is_empty()) {
                if !v.details.contains(&e) {
                    v.details.push(e);
                }
            }
        }
        if by_resource.is_empty() {
            by_resource.push(Violation {
                rule: rule.name.clone(),
                resource: None,
                paths: Vec::new(),
                messages: rule.messages.custom_message.iter().map(|m| m.trim().to_owned()).collect(),
                details: Vec::new(),
            });
        }
        out.extend(by_resource);
    }
    out.sort();
    out.dedup();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const RULE: &str = "let buckets = Resources.*[ Type == 'AWS::S3::Bucket' ]\n\
        rule bucket_versioned when %buckets not empty {\n  \
          %buckets.Properties.VersioningConfiguration.Status == 'Enabled'\n  <<\n  [MY.S3.1]: turn versioning on\n  [FIX]: set it\n  >>\n}\n";

    #[test]
    fn failures_come_back_per_document_and_resource() {
        let docs = [
            r#"{"Resources": {"A": {"Type": "AWS::S3::Bucket", "Properties": {}}, "B": {"Type": "AWS::S3::Bucket", "Properties": {"VersioningConfiguration": {"Status": "Enabled"}}}}}"#.to_owned(),
            r#"{"Resources": {"T": {"Type": "AWS::SNS::Topic"}}}"#.to_owned(),
            r#"{"Resources": {"C": {"Type": "AWS::S3::Bucket", "Properties": {"VersioningConfiguration": {"Status": "Suspended"}}}}}"#.to_owned(),
        ];
        let found = execute(&[RULE], &docs).expect("evaluates");
        assert_eq!(found.len(), 3);
        assert_eq!(found[0].len(), 1, "{found:?}");
        let v = &found[0][0];
        assert_eq!(v.rule, "bucket_versioned");
        assert_eq!(v.resource.as_deref(), Some("A"));
        assert_eq!(v.paths, ["/Resources/A/Properties"]);
        assert_eq!(v.messages, ["[MY.S3.1]: turn versioning on\n  [FIX]: set it"]);
        assert!(found[1].is_empty(), "no bucket, the rule skips");
        assert_eq!(found[2][0].paths, ["/Resources/C/Properties/VersioningConfiguration/Status"]);
        assert!(
            !found[2][0].details.is_empty() && !found[2][0].details[0].contains("[L:"),
            "{:?}",
            found[2][0].details
        );
    }

    #[test]
    fn rule_files_the_engine_cannot_parse_are_errors() {
        let doc = [r#"{"Resources": {"A": {"Type": "AWS::S3::Bucket", "Properties": {}}}}"#.to_owned()];
        match execute(&[RULE, "rule broken when {"], &doc) {
            Err(EngineError::Reported(m)) => assert!(m.contains("RULES_STDIN[2]"), "{m}"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn positions_are_dropped_from_details() {
        assert_eq!(
            without_positions("at [Path=/Resources/A[L:3,C:4] Value=x]  and  more"),
            "at [Path=/Resources/A Value=x] and more"
        );
        assert_eq!(resource_of("/Resources/A/Properties"), Some("A"));
        assert_eq!(resource_of("/Parameters/A"), None);
    }
}
