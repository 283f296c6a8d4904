//! App files synthesized together, as `rcdk synth` reads them: every
//! problem of every file at once, and no stack name defined twice.

use std::collections::BTreeMap;
use std::path::PathBuf;

use rcdk_constructs::cfn::Format;
use rcdk_constructs::core::SynthesizedStack;

use super::file::AppFile;
use super::problem::{Problem, Problems, Reported};

/// Loads and synthesizes app files in memory. Every problem of every file is
/// returned at once; two files may not define the same stack name.
pub fn synthesize(files: &[PathBuf], format: Format) -> Result<Vec<SynthesizedStack>, Problems> {
    synthesize_with_warnings(files, format).map(|(stacks, _)| stacks)
}

/// Like [`synthesize`], and also returns the whole-app analysis' warnings and notes.
pub fn synthesize_with_warnings(
    files: &[PathBuf],
    format: Format,
) -> Result<(Vec<SynthesizedStack>, Reported), Problems> {
    let mut reported = Reported::default();
    let mut problems = Vec::new();
    let mut stacks = Vec::new();
    let mut owners: BTreeMap<String, PathBuf> = BTreeMap::new();
    let mut apps: Vec<AppFile> = Vec::with_capacity(files.len());
    let mut stack_app: BTreeMap<String, usize> = BTreeMap::new();
    for path in files {
        let app = match AppFile::load(path) {
            Ok(app) => app,
            Err(p) => {
                problems.extend(p.0);
                continue;
            }
        };
        match app.synth_with_warnings(format) {
            Ok((synthesized, mut found)) => {
                reported.warnings.append(&mut found.warnings);
                reported.notes.append(&mut found.notes);
                for (i, s) in synthesized.into_iter().enumerate() {
                    if let Some(other) = owners.insert(s.name().to_owned(), path.clone()) {
                        let field = format!("stacks[{i}].name");
                        problems.push(Problem {
                            file: path.clone(),
                            position: app.position_of(&field.as_str().into()),
                            field,
                            construct: None,
                            code: rcdk_constructs::core::stack_name_duplicate().to_string(),
                            message: format!("stack `{}` is also defined in {}", s.name(), other.display()),
                            help: Some(
                                "stack names must be unique across app files: each writes templates/<name>".into(),
                            ),
                            rule: None,
                        });
                    }
                    stack_app.insert(s.name().to_owned(), apps.len());
                    stacks.push(s);
                }
            }
            Err(p) => problems.extend(p.0),
        }
        apps.push(app);
    }
    if !problems.is_empty() {
        return Err(Problems(problems));
    }
    // The rule packs (`compliance:`) read the finished templates of every
    // file at once: one evaluation, spread over the CPUs.
    let review = crate::compliance::review_stacks(&stacks, false);
    let located = crate::compliance::locate_in_app_files(review, |name| stack_app.get(name).copied(), &apps);
    let errors = located.into_reported(&mut reported);
    if errors.is_empty() {
        Ok((stacks, reported))
    } else {
        Err(Problems(errors))
    }
}
