//! The `rcdk` binary: parse flags, run the command, report.

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    restore_sigpipe();
    let cli = rcdk::cli::Cli::parse();
    match rcdk::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            eprintln!("{failure}");
            ExitCode::from(failure.exit)
        }
    }
}

/// Rust ignores SIGPIPE, so printing into a closed pipe (`rcdk diff | head`)
/// would panic. Restore the default: the process ends quietly, as other
/// command-line tools do. A deploy already handed to CloudFormation carries on
/// there; `rcdk deploy` prints how to follow it before it waits.
fn restore_sigpipe() {
    #[cfg(unix)]
    // SAFETY: called first thing in main, before any thread exists; setting a
    // signal disposition to its default has no other precondition.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}
