//! The rule packs of synthesized stacks (`compliance:`), reported like
//! every other diagnostic: located in the app file for app files, in the
//! template for cloud assemblies (`--app`, `--assembly`).

use std::path::{Path, PathBuf};

use rcdk_constructs::core::SynthesizedStack;
use rcdk_guard::review::{review, Review, Reviewed};
use rcdk_guard::Cache;

use crate::app_file::{AppFile, Problem, Reported, RuleRef};

/// What the rule packs found, located: errors stop the command.
#[derive(Debug, Default)]
pub struct Located {
    /// Failed rules nobody suppressed; templates the engine could not evaluate.
    pub errors: Vec<Problem>,
    /// Stale suppressions.
    pub warnings: Vec<Problem>,
    /// Suppressed findings, with their reasons.
    pub notes: Vec<Problem>,
}

impl Located {
    /// Adds the warnings and notes to `reported`; returns the errors.
    pub fn into_reported(self, reported: &mut Reported) -> Vec<Problem> {
        reported.warnings.extend(self.warnings);
        reported.notes.extend(self.notes);
        self.errors
    }
}

/// Evaluates the stacks' packs (with the findings' positions in the
/// templates when `positions`); nothing to do (no evaluation, no cache
/// access) when no stack has a pack and no suppression is pending.
pub fn review_stacks(stacks: &[SynthesizedStack], positions: bool) -> Review {
    let any = stacks
        .iter()
        .any(|s| !s.props.compliance.is_empty() || s.provenance.pending.iter().any(|a| a.written.is_some()));
    if !any {
        return Review::default();
    }
    review(stacks, &Cache::from_env(), positions)
}

/// Locates a review of stacks synthesized from app files: `owner` names
/// the app file of each stack.
pub fn locate_in_app_files(review: Review, owner: impl Fn(&str) -> Option<usize>, files: &[AppFile]) -> Located {
    let locate = |r: Reviewed| -> Option<Problem> {
        let file = &files[owner(&r.stack)?];
        let mut p = file.locate(&r.diagnostic);
        p.rule = r.finding.as_ref().map(|f| Box::new(RuleRef::of(f, r.suppressed.clone())));
        Some(p)
    };
    Located {
        errors: review.errors.into_iter().filter_map(locate).collect(),
        warnings: review.warnings.into_iter().filter_map(locate).collect(),
        notes: review.notes.into_iter().filter_map(locate).collect(),
    }
}

/// Locates a review of stacks read from a cloud assembly: each finding at
/// its resource in the template file (`dir/<template>`), with the
/// construct path the manifest names.
pub fn locate_in_templates(review: Review, stacks: &[SynthesizedStack], dir: &Path) -> Located {
    let locate = |r: Reviewed| -> Problem {
        let file = stacks
            .iter()
            .find(|s| s.name() == r.stack)
            .map(|s| dir.join(s.file_name()))
            .unwrap_or_else(|| PathBuf::from(&r.stack));
        let position = r.finding.as_ref().and_then(|f| f.position);
        let d = &r.diagnostic;
        Problem {
            file,
            position,
            field: r.finding.as_ref().and_then(|f| f.path.clone()).unwrap_or_default(),
            construct: Some(d.construct.to_string()).filter(|c| !c.is_empty()),
            code: d.code.to_string(),
            message: d.message.clone(),
            help: d.help.clone(),
            rule: r.finding.as_ref().map(|f| Box::new(RuleRef::of(f, r.suppressed.clone()))),
        }
    };
    Located {
        errors: review.errors.into_iter().map(locate).collect(),
        warnings: review.warnings.into_iter().map(locate).collect(),
        notes: review.notes.into_iter().map(locate).collect(),
    }
}
