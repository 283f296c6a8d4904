//! `rcdk schema`: the JSON Schema of app files on stdout.
//!
//! The committed copy, `schema/app.schema.json`, is what the examples'
//! `# yaml-language-server: $schema=...` lines point at; a test keeps it
//! equal to this output.

use std::io::Write;

use crate::failure::Failure;

/// Prints the schema.
pub fn run() -> Result<(), Failure> {
    print(&rcdk_constructs::schema::app_schema_json())
}

/// Writes `text` to stdout, reporting a closed or failing stdout as exit 1.
pub(crate) fn print(text: &str) -> Result<(), Failure> {
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())
        .and_then(|()| out.flush())
        .map_err(|e| Failure::no(format!("cannot write to stdout: {e}")))
}
