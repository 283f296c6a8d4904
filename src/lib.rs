//! # rcdk
//!
//! The `rcdk` command line over [`rcdk_constructs`]: reading app files,
//! writing templates, diffs, deploys. `main` parses flags and calls [`run`];
//! each command lives in its own module.

pub mod app_file;
pub mod app_source;
pub mod aws;
pub mod check;
pub mod cli;
pub mod completions;
pub mod deploy;
pub mod destroy;
pub mod diff;
pub mod explain;
pub mod failure;
pub mod init;
pub mod man;
pub mod schema;
pub mod synth;
pub mod write;

use cli::{Cli, Command};
use failure::Failure;

/// Runs one command.
pub fn run(cli: Cli) -> Result<(), Failure> {
    match cli.command {
        Command::Synth(args) => synth::run(&args),
        Command::Diff(args) => diff::run(&args),
        Command::Deploy(args) => deploy::run(&args),
        Command::Destroy(args) => destroy::run(&args),
        Command::Init(args) => init::run(&args),
        Command::Schema => schema::run(),
        Command::Completions(args) => completions::run(&args),
        Command::Man => man::run(),
        Command::Explain(args) => explain::run(&args),
        Command::Check(args) => check::run(&args),
    }
}
