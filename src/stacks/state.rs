//! What a stack's current status means for a deploy.

use super::follow::{self, StatusKind};

/// The state of a stack before a deploy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StackState {
    /// No such stack.
    Absent,
    /// A create change set was never executed: create again.
    ReviewInProgress,
    /// The first create failed and rolled back: it cannot be updated.
    RollbackComplete,
    /// An operation is running (the status says which).
    Busy(String),
    /// Cannot be updated until fixed by hand (the status says why).
    Stuck(String),
    /// Deployed: update it.
    Deployed(String),
}

/// Classifies a stack status.
pub fn stack_state(status: Option<&str>) -> StackState {
    match status {
        None | Some("DELETE_COMPLETE") => StackState::Absent,
        Some("REVIEW_IN_PROGRESS") => StackState::ReviewInProgress,
        Some("ROLLBACK_COMPLETE") => StackState::RollbackComplete,
        Some(s @ ("UPDATE_ROLLBACK_FAILED" | "ROLLBACK_FAILED" | "DELETE_FAILED")) => StackState::Stuck(s.into()),
        Some(s) if follow::status_kind(s) == StatusKind::InProgress => StackState::Busy(s.into()),
        Some(s) => StackState::Deployed(s.into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stack_states() {
        assert_eq!(stack_state(None), StackState::Absent);
        assert_eq!(stack_state(Some("REVIEW_IN_PROGRESS")), StackState::ReviewInProgress);
        assert_eq!(stack_state(Some("ROLLBACK_COMPLETE")), StackState::RollbackComplete);
        assert_eq!(stack_state(Some("UPDATE_IN_PROGRESS")), StackState::Busy("UPDATE_IN_PROGRESS".into()));
        assert_eq!(stack_state(Some("UPDATE_ROLLBACK_FAILED")), StackState::Stuck("UPDATE_ROLLBACK_FAILED".into()));
        assert_eq!(
            stack_state(Some("UPDATE_ROLLBACK_COMPLETE")),
            StackState::Deployed("UPDATE_ROLLBACK_COMPLETE".into())
        );
        assert_eq!(stack_state(Some("CREATE_COMPLETE")), StackState::Deployed("CREATE_COMPLETE".into()));
    }
}
