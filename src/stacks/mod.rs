//! Deployed stacks, shared by the commands that reach them (`deploy`,
//! `destroy`, `diff --against-stack`): where their stacks come from
//! ([`artifact`]), the account check, a stack's state, following its events,
//! and asking before acting.

pub mod account;
pub mod artifact;
pub mod confirm;
pub mod finding;
pub mod follow;
pub mod state;

pub use artifact::{stack_source, stack_source_from, StackArtifact, StackSource};
pub use confirm::{ask, can_ask};
pub use state::{stack_state, StackState};
