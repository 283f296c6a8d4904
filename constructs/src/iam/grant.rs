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
