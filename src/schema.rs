//! `rcdk schema`: the JSON Schema of app files on stdout.
//!
//! The committed copy, `schema/app.schema.json`, is what the examples'
//! `# yaml-language-server: $schema=...` lines point at; a test keeps it
//! equal to this output.

use crate::failure::Failure;
use crate::write::print;

/// Prints the schema.
pub fn run() -> Result<(), Failure> {
    print(&rcdk_constructs::schema::app_schema_json())
}
