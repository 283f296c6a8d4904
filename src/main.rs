//! The `rcdk` binary: parse flags, run the command, report.

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = rcdk::cli::Cli::parse();
    match rcdk::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            eprintln!("{failure}");
            ExitCode::from(failure.exit)
        }
    }
}
