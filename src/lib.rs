//! # rcdk
//!
//! The `rcdk` command line over [`rcdk_constructs`]: reading app files,
//! writing templates, diffs, deploys. `main` parses flags and calls [`run`];
//! each command lives in its own module.
//!
//! Everything that calls AWS (`aws`, `deploy`, `destroy`, `ami update`,
//! `diff --against-stack`) is the `aws` feature, on by default. Built without it,
//! those commands keep their flags and `--help` but exit 2 with a message
//! that says how to get them (`without_aws`).

#[cfg(feature = "aws")]
pub mod ami;
pub mod app_file;
pub mod app_source;
#[cfg(feature = "aws")]
pub mod aws;
pub mod check;
pub mod cli;
pub mod completions;
pub mod compliance;
pub mod context;
#[cfg(feature = "aws")]
pub mod deploy;
pub mod deploy_time;
#[cfg(feature = "aws")]
pub mod destroy;
pub mod diagnostics;
pub mod diff;
pub mod explain;
pub mod failure;
pub mod init;
pub mod list;
pub mod man;
pub mod report;
pub mod schema;
pub mod security;
#[cfg(feature = "aws")]
pub mod stacks;
pub mod synth;
pub mod template_file;
#[cfg(not(feature = "aws"))]
pub mod without_aws;
pub mod write;

use cli::{Cli, Command};
use failure::Failure;

/// Runs one command.
pub fn run(cli: Cli) -> Result<(), Failure> {
    match cli.command {
        Command::Synth(args) => synth::run(&args),
        Command::Diff(args) => diff::run(&args),
        #[cfg(feature = "aws")]
        Command::Deploy(args) => deploy::run(&args),
        #[cfg(feature = "aws")]
        Command::Destroy(args) => destroy::run(&args),
        #[cfg(not(feature = "aws"))]
        Command::Deploy(_) => Err(without_aws::refuse("deploy")),
        #[cfg(not(feature = "aws"))]
        Command::Destroy(_) => Err(without_aws::refuse("destroy")),
        Command::Init(args) => init::run(&args),
        Command::List(args) => list::run(&args),
        #[cfg(feature = "aws")]
        Command::Ami(args) => ami::run(&args),
        #[cfg(not(feature = "aws"))]
        Command::Ami(_) => Err(without_aws::refuse("ami update")),
        Command::Schema => schema::run(),
        Command::Completions(args) => completions::run(&args),
        Command::Man => man::run(),
        Command::Explain(args) => explain::run(&args),
        Command::Check(args) => check::run(&args),
    }
}
