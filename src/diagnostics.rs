//! rcdk's registry: the library's diagnostic codes
//! ([`rcdk_constructs::diagnostics`]) and the binary's own (`app-file:*`,
//! [`crate::app_file`]), sorted by code, for `rcdk explain` and
//! `docs/diagnostics.md`.

use std::sync::OnceLock;

use rcdk_constructs::core::{Definition, Registered};

use crate::app_file::codes::Code as AppFileCode;

impl Registered for AppFileCode {}

/// Every diagnostic rcdk can print, sorted by code.
pub fn definitions() -> &'static [&'static Definition] {
    static ALL: OnceLock<Vec<&'static Definition>> = OnceLock::new();
    ALL.get_or_init(|| {
        let mut all: Vec<&'static Definition> = rcdk_constructs::diagnostics::definitions().to_vec();
        all.extend(AppFileCode::DEFINITIONS.iter());
        all.sort_by_key(|d| d.code);
        all
    })
}

/// Finds a definition by its code or by one of its former codes.
pub fn lookup(code: &str) -> Option<&'static Definition> {
    rcdk_constructs::diagnostics::find(definitions(), code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_rcdk_prints_is_defined_once() {
        assert_eq!(rcdk_constructs::diagnostics::check(definitions()), Vec::<String>::new());
        assert_eq!(lookup("schema").map(|d| d.code), Some("app-file:schema"));
        assert_eq!(lookup("tag-key-invalid").map(|d| d.code), Some("stack:tag-key-invalid"));
    }
}
