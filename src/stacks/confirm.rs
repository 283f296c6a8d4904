//! Asking before a change: only on a terminal; anything but `y`/`yes` is no.
//!
//! Hidden test hook: `RCDK_TEST_ANSWER=no` answers every question "no"
//! without a terminal, so the decline path can be tested end to end. It
//! cannot make rcdk execute anything.

use std::io::{BufRead, IsTerminal, Write};

/// The hidden environment variable that answers every question "no" (tests only).
pub const TEST_ANSWER_ENV: &str = "RCDK_TEST_ANSWER";

fn test_answers_no() -> bool {
    std::env::var(TEST_ANSWER_ENV).is_ok_and(|v| v == "no")
}

/// Whether a confirmation can be asked: stdin and stderr are terminals.
pub fn can_ask() -> bool {
    test_answers_no() || (std::io::stdin().is_terminal() && std::io::stderr().is_terminal())
}

/// Asks a yes/no question on the terminal (stderr). Anything but `y`/`yes` is no.
pub fn ask(question: &str) -> bool {
    eprint!("{question} [y/N] ");
    let _ = std::io::stderr().flush();
    if test_answers_no() {
        eprintln!("n");
        return false;
    }
    let mut line = String::new();
    match std::io::stdin().lock().read_line(&mut line) {
        Ok(_) => matches!(line.trim().to_ascii_lowercase().as_str(), "y" | "yes"),
        Err(_) => false,
    }
}
