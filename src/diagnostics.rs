//! rcdk's registry: the library's diagnostic codes
//! ([`rcdk_constructs::diagnostics`]), the rule packs' ([`rcdk_guard::review`])
//! and the binary's own (`app-file:*`, [`crate::app_file`]; `cfn:duplicate-key`,
//! [`crate::template_file`]; deploy and destroy time, [`crate::deploy_time`]),
//! sorted by code, for `rcdk explain` and `docs/diagnostics.md`.

use std::sync::OnceLock;

use rcdk_constructs::core::{Definition, Registered};

use crate::app_file::codes::Code as AppFileCode;
use crate::deploy_time;
use crate::template_file::Code as TemplateFileCode;

impl Registered for AppFileCode {}
impl Registered for TemplateFileCode {}
impl Registered for deploy_time::Code {}
impl Registered for deploy_time::rds::Code {}
impl Registered for deploy_time::elbv2::Code {}

/// Every diagnostic rcdk can print, sorted by code.
pub fn definitions() -> &'static [&'static Definition] {
    static ALL: OnceLock<Vec<&'static Definition>> = OnceLock::new();
    ALL.get_or_init(|| {
        let mut all: Vec<&'static Definition> = rcdk_constructs::diagnostics::definitions().to_vec();
        all.extend(AppFileCode::DEFINITIONS.iter());
        all.extend(rcdk_guard::review::Code::DEFINITIONS.iter());
        all.extend(TemplateFileCode::DEFINITIONS.iter());
        all.extend(deploy_time::Code::DEFINITIONS.iter());
        all.extend(deploy_time::rds::Code::DEFINITIONS.iter());
        all.extend(deploy_time::elbv2::Code::DEFINITIONS.iter());
        all.sort_by_key(|d| d.code);
        all
    })
}

/// Finds a definition by its code or by one of its former codes.
pub fn lookup(code: &str) -> Option<&'static Definition> {
    rcdk_constructs::diagnostics::find(definitions(), code)
}

/// The anchor GitHub gives the heading ``### `code` ``.
pub fn anchor(code: &str) -> String {
    code.chars().filter(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_').collect()
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
