//! Grants: least-privilege policy statements that data stores hand to a
//! role, so a service's task role gets exactly what it uses.

use serde::{Deserialize, Serialize};

/// What a grant allows on a data store.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Access {
    /// Read items or objects (and list/query them).
    Read,
    /// Write and delete items or objects, without reading them.
    Write,
    /// Both [`Access::Read`] and [`Access::Write`].
    ReadWrite,
}

impl Access {
    /// Whether this access includes reading.
    pub fn reads(self) -> bool {
        matches!(self, Access::Read | Access::ReadWrite)
    }

    /// Whether this access includes writing.
    pub fn writes(self) -> bool {
        matches!(self, Access::Write | Access::ReadWrite)
    }
}

/// A service's access to its stack's data stores, by the names under
/// `tables:` and `buckets:`: `{tables: {todos: read_write}, buckets: {files: read}}`.
/// Each grant adds least-privilege statements to the service's task role and
/// the store's generated name to the container's environment
/// (`<NAME>_TABLE`, `<NAME>_BUCKET`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ServiceGrants {
    /// Tables by name and the access to each. Default: none.
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub tables: std::collections::BTreeMap<String, Access>,
    /// Buckets by name and the access to each. Default: none.
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub buckets: std::collections::BTreeMap<String, Access>,
}

/// The environment variable that carries a store's name to a container:
/// `todos` + `TABLE` → `TODOS_TABLE` (upper case, anything but letters and
/// digits becomes `_`).
pub fn store_variable(store: &str, kind: &str) -> String {
    let name: String =
        store.chars().map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_uppercase() } else { '_' }).collect();
    format!("{name}_{kind}")
}
