//! What an rcdk built without the `aws` feature says when asked to call
//! AWS (`deploy`, `destroy`, `diff --against-stack`): exit 2, nothing
//! called, and how to get a build that can.

use crate::failure::Failure;

/// The refusal for `what` (a command such as `deploy`, or a flag such as
/// `diff --against-stack`).
pub fn refuse(what: &str) -> Failure {
    Failure::input(format!(
        "this rcdk was built without the `aws` feature, so `rcdk {what}` cannot call AWS; nothing was done"
    ))
    .help(
        "reinstall with `cargo install --path .` (the default features include `aws`), or run it from the \
         checkout with `cargo run --release -- ...`",
    )
}
