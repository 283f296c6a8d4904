//! `rcdk completions SHELL`: a completion script for bash, zsh, fish,
//! PowerShell or elvish, generated from the same clap definitions as `--help`.

use clap::CommandFactory;

use crate::cli::{Cli, CompletionsArgs};
use crate::failure::Failure;

/// Prints the completion script for `args.shell`.
pub fn run(args: &CompletionsArgs) -> Result<(), Failure> {
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut Cli::command(), "rcdk", &mut script);
    crate::write::print(&String::from_utf8_lossy(&script))
}
