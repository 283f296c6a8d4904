//! The binary's error report: one message, an optional `help:` line, and the
//! documented exit code.

use std::fmt;

/// Exit code: success.
pub const EXIT_OK: u8 = 0;
/// Exit code: the command's own "no" (stale templates under `--check`,
/// differences under `--exit-code`, a deploy that failed or rolled back).
pub const EXIT_NO: u8 = 1;
/// Exit code: bad input or usage; nothing was written and nothing called.
pub const EXIT_INPUT: u8 = 2;
/// Exit code: interrupted by Ctrl-C.
pub const EXIT_INTERRUPTED: u8 = 130;

/// Why a command did not succeed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// The process exit code.
    pub exit: u8,
    /// What went wrong (may span several lines).
    pub message: String,
    /// How to fix it, when known.
    pub help: Option<String>,
}

impl Failure {
    /// Bad input or usage (exit 2).
    pub fn input(message: impl Into<String>) -> Self {
        Failure { exit: EXIT_INPUT, message: message.into(), help: None }
    }

    /// The command's own "no", or a failure at run time (exit 1).
    pub fn no(message: impl Into<String>) -> Self {
        Failure { exit: EXIT_NO, message: message.into(), help: None }
    }

    /// Interrupted (exit 130).
    pub fn interrupted(message: impl Into<String>) -> Self {
        Failure { exit: EXIT_INTERRUPTED, message: message.into(), help: None }
    }

    /// Adds a `help:` line (builder style).
    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "error: {}", self.message)?;
        if let Some(h) = &self.help {
            write!(f, "\nhelp: {h}")?;
        }
        Ok(())
    }
}
