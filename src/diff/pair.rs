//! `rcdk diff OLD NEW`: two template files, or two directories of templates,
//! compared without an app file.
//!
//! Rules: both paths must exist and be of the same kind. Two files are one
//! stack, named after NEW's file stem. Two directories pair their templates
//! (`*.yaml`, `*.yml`, `*.json`) by file stem, which is the stack name: a
//! stack only in NEW is added, only in OLD removed. A file that is not a
//! CloudFormation template (an app file, say) is bad input, exit 2; `{}` or a
//! template without `Resources` is an empty stack.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::Value;

use rcdk_constructs::cfn::parse_template;

use super::report::{Report, StackDiff};
use crate::failure::Failure;

/// Extensions a template file may have.
const EXTENSIONS: [&str; 3] = ["yaml", "yml", "json"];

/// Builds the report of `rcdk diff OLD NEW`.
pub fn report(old: &Path, new: &Path) -> Result<Report, Failure> {
    let (old_dir, new_dir) = (kind(old)?, kind(new)?);
    let against = old.display().to_string();
    match (old_dir, new_dir) {
        (false, false) => {
            let (o, n) = (read_template(old)?, read_template(new)?);
            let name = stem(new).unwrap_or_else(|| new.display().to_string());
            let report = Report::new(against, vec![StackDiff::new(&name, Some((old.display().to_string(), &o)), &n)]);
            Ok(report.with_reachability(&[(name.as_str(), Some(&o), Some(&n))], &[]))
        }
        (true, true) => {
            let (olds, news) = (templates_in(old)?, templates_in(new)?);
            if olds.is_empty() && news.is_empty() {
                return Err(Failure::input(format!(
                    "neither {} nor {} holds a template (*.yaml, *.yml, *.json)",
                    old.display(),
                    new.display()
                )));
            }
            let mut names: Vec<&String> = olds.keys().chain(news.keys()).collect();
            names.sort();
            names.dedup();
            let mut stacks = Vec::with_capacity(names.len());
            let mut sides = Vec::with_capacity(names.len());
            for name in names {
                let o = olds.get(name).map(|p| read_template(p).map(|v| (p, v))).transpose()?;
                let n = news.get(name).map(|p| read_template(p)).transpose()?;
                stacks.push(match (&o, &n) {
                    (Some((p, o)), Some(n)) => StackDiff::new(name, Some((p.display().to_string(), o)), n),
                    (None, Some(n)) => StackDiff::new(name, None, n),
                    (Some((p, o)), None) => StackDiff::removed(name, p.display().to_string(), o),
                    (None, None) => continue,
                });
                sides.push((name.as_str(), o.map(|(_, v)| v), n));
            }
            let pairs: Vec<(&str, Option<&Value>, Option<&Value>)> =
                sides.iter().map(|(n, o, v)| (*n, o.as_ref(), v.as_ref())).collect();
            Ok(Report::new(format!("{}/", against.trim_end_matches('/')), stacks).with_reachability(&pairs, &[]))
        }
        _ => Err(Failure::input(format!(
            "{} and {} must both be template files or both be directories",
            old.display(),
            new.display()
        ))
        .help("compare a template with a template (`rcdk diff old.yaml new.yaml`) or a directory with a directory")),
    }
}

/// True for a directory, false for a file; bad input when it cannot be read.
fn kind(p: &Path) -> Result<bool, Failure> {
    let meta = std::fs::metadata(p).map_err(|e| Failure::input(format!("cannot read {}: {e}", p.display())))?;
    if meta.is_dir() {
        Ok(true)
    } else if meta.is_file() {
        Ok(false)
    } else {
        Err(Failure::input(format!("{} is neither a regular file nor a directory", p.display())))
    }
}

fn stem(p: &Path) -> Option<String> {
    p.file_stem().map(|s| s.to_string_lossy().into_owned())
}

/// The templates of a directory by stack name (file stem); a cloud
/// assembly's `manifest.json` is not a template.
fn templates_in(dir: &Path) -> Result<BTreeMap<String, PathBuf>, Failure> {
    let entries =
        std::fs::read_dir(dir).map_err(|e| Failure::input(format!("cannot read directory {}: {e}", dir.display())))?;
    let mut out: BTreeMap<String, PathBuf> = BTreeMap::new();
    for entry in entries {
        let path = entry.map_err(|e| Failure::input(format!("cannot read directory {}: {e}", dir.display())))?.path();
        let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
        let is_manifest = path.file_name().is_some_and(|n| n == rcdk_constructs::assembly::MANIFEST_FILE);
        if !EXTENSIONS.contains(&ext) || !path.is_file() || is_manifest {
            continue;
        }
        let Some(name) = stem(&path) else { continue };
        if let Some(other) = out.insert(name.clone(), path.clone()) {
            return Err(Failure::input(format!(
                "{} and {} are both templates of stack `{name}`",
                other.display(),
                path.display()
            ))
            .help("keep one template per stack in the directory"));
        }
    }
    Ok(out)
}

/// Largest template file read (CloudFormation's own limit is 1 MB; S3-hosted templates too).
const MAX_TEMPLATE_BYTES: u64 = 16 * 1024 * 1024;

fn read_template(p: &Path) -> Result<Value, Failure> {
    let meta = std::fs::metadata(p).map_err(|e| Failure::input(format!("cannot read {}: {e}", p.display())))?;
    if meta.len() > MAX_TEMPLATE_BYTES {
        return Err(Failure::input(format!(
            "{} is {} bytes; a template is at most 1 MB (rcdk reads up to {MAX_TEMPLATE_BYTES} bytes)",
            p.display(),
            meta.len()
        )));
    }
    let text = std::fs::read_to_string(p).map_err(|e| Failure::input(format!("cannot read {}: {e}", p.display())))?;
    let value = parse_template(&text).map_err(|e| {
        Failure::input(format!("cannot read {}: {e}", p.display()))
            .help("it must be a CloudFormation template in JSON or YAML")
    })?;
    // `{}` or a template without `Resources` is an empty stack (the CDK's
    // "no stack yet"); an app file is not a template at all.
    if value.get("stacks").is_some() && value.get("Resources").is_none() {
        return Err(Failure::input(format!("{} is not a CloudFormation template: it has no `Resources`", p.display()))
            .help("this looks like an app file: compare it with `rcdk diff APP_FILE [--against-dir DIR | --against-git REV]`"));
    }
    Ok(value)
}
