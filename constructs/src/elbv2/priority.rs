//! Listener rule priorities.
//!
//! Automatic priorities come from a stable hash (64-bit FNV-1a) of the rule's
//! construct path, mapped into [`AUTO_PRIORITY_MIN`]..=[`AUTO_PRIORITY_MAX`].
//! They depend on nothing but the rule's own path, so adding, removing or
//! reordering other rules never changes them (a shifted priority would be an
//! update of every rule after it, and a transient conflict during deploy).
//! Two rules of one listener that land on the same priority are reported, and
//! the fix is an explicit priority. Explicit priorities below
//! [`AUTO_PRIORITY_MIN`] are always evaluated before automatic ones.

/// The lowest priority a listener rule may have.
pub const MIN_PRIORITY: u32 = 1;
/// The highest priority a listener rule may have.
pub const MAX_PRIORITY: u32 = 50_000;
/// The lowest automatic priority.
pub const AUTO_PRIORITY_MIN: u32 = 10_000;
/// The highest automatic priority.
pub const AUTO_PRIORITY_MAX: u32 = 49_999;

/// The automatic priority of the rule at construct path `path` (its
/// `Display` form, e.g. `todo-prod/Lb/FilesRule`).
pub fn auto_priority(path: &str) -> u32 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in path.bytes() {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    let span = u64::from(AUTO_PRIORITY_MAX - AUTO_PRIORITY_MIN + 1);
    // The remainder is below `span`, which fits in u32.
    AUTO_PRIORITY_MIN + u32::try_from(hash % span).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stable_and_in_range() {
        // Pinned: a change here would move every deployed rule.
        // Values computed independently (FNV-1a 64 of the path, mod 40000, plus 10000).
        assert_eq!(auto_priority("todo-prod/Lb/FilesRule"), 11_634);
        assert_eq!(auto_priority("todo-prod/Lb/MainRule"), 38_858);
        for name in ["a", "b", "todo-prod/Lb/MainRule", "todo-prod/Lb/FilesRule", ""] {
            let p = auto_priority(name);
            assert!((AUTO_PRIORITY_MIN..=AUTO_PRIORITY_MAX).contains(&p), "{name}: {p}");
        }
        assert_ne!(auto_priority("todo-prod/Lb/MainRule"), auto_priority("todo-prod/Lb/FilesRule"));
    }
}
