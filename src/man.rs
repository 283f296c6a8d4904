//! `rcdk man`: the man page (roff), generated from the clap definitions, with
//! a section for each command.

use clap::CommandFactory;

use crate::cli::Cli;
use crate::failure::Failure;

/// Prints the man page: `rcdk(1)`, then each command's page in turn.
pub fn run() -> Result<(), Failure> {
    crate::write::print(&page()?)
}

/// Renders the man page of `rcdk` followed by one page per command.
pub fn page() -> Result<String, Failure> {
    let command = Cli::command();
    let mut out = Vec::new();
    let render = |man: clap_mangen::Man, out: &mut Vec<u8>| {
        man.render(out).map_err(|e| Failure::no(format!("cannot render the man page: {e}")))
    };
    render(clap_mangen::Man::new(command.clone()), &mut out)?;
    for sub in command.get_subcommands() {
        let title = format!("rcdk-{}", sub.get_name());
        render(clap_mangen::Man::new(sub.clone()).title(title), &mut out)?;
    }
    Ok(String::from_utf8_lossy(&out).into_owned())
}
