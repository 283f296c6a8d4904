//! A content-addressed cache of the engine's findings.
//!
//! The key is a SHA-256 over the engine version, the pack's digest (every
//! rule file's path and text) and the template's bytes as written (or, for
//! a template rcdk read itself, the exact JSON the engine is given): the
//! same key can only mean the same findings, so an entry is never stale and
//! never needs invalidating. Entries live in the user's
//! cache directory (`$RCDK_CACHE_DIR`, else `$XDG_CACHE_HOME/rcdk`, else
//! `~/.cache/rcdk`), under `guard/v1/`, outside the repository on purpose:
//! findings read from a file a pull request could commit would let that
//! pull request forge a clean result. CI keeps the directory between runs
//! with its own cache step if it wants the speed. `RCDK_CACHE_DIR=""` turns
//! the cache off.
//!
//! Reading or writing the cache never fails a command: an unreadable or
//! corrupt entry is a miss, a failed write is skipped. Entries are written
//! to a temporary file and renamed into place, so a reader never sees half
//! an entry.

use std::io::Write;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::engine::Violation;
use crate::pack::{hex, ENGINE_VERSION};

/// The environment variable naming the cache directory (empty: no cache).
pub const CACHE_DIR_ENV: &str = "RCDK_CACHE_DIR";

/// Where findings are cached, if anywhere.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cache {
    dir: Option<PathBuf>,
}

impl Cache {
    /// The cache the environment names (see the module documentation).
    pub fn from_env() -> Cache {
        let base = match std::env::var_os(CACHE_DIR_ENV) {
            Some(d) if d.is_empty() => None,
            Some(d) => Some(PathBuf::from(d)),
            None => std::env::var_os("XDG_CACHE_HOME")
                .filter(|d| !d.is_empty())
                .map(|d| PathBuf::from(d).join("rcdk"))
                .or_else(|| {
                    std::env::var_os("HOME").filter(|d| !d.is_empty()).map(|h| PathBuf::from(h).join(".cache/rcdk"))
                }),
        };
        Cache { dir: base.map(|b| b.join("guard").join("v1")) }
    }

    /// A cache in `dir` (its `guard/v1/` below it).
    pub fn at(dir: &Path) -> Cache {
        Cache { dir: Some(dir.join("guard").join("v1")) }
    }

    /// No cache: every template is evaluated.
    pub fn off() -> Cache {
        Cache { dir: None }
    }

    /// The directory entries are stored in, if any.
    pub fn dir(&self) -> Option<&Path> {
        self.dir.as_deref()
    }

    /// The key of the findings of `pack_digest`'s rules on `document`: the
    /// template as written (`kind` `text`) or the JSON given to the engine
    /// (`json`).
    pub fn key(pack_digest: &str, kind: &str, document: &str) -> String {
        let mut h = Sha256::new();
        h.update(b"cfn-guard ");
        h.update(ENGINE_VERSION.as_bytes());
        h.update([0]);
        h.update(pack_digest.as_bytes());
        h.update([0]);
        h.update(kind.as_bytes());
        h.update([0]);
        h.update(document.as_bytes());
        hex(&h.finalize())
    }

    fn path(&self, key: &str) -> Option<PathBuf> {
        let dir = self.dir.as_ref()?;
        Some(dir.join(&key[..2.min(key.len())]).join(format!("{key}.json")))
    }

    /// The cached findings under `key`, if any.
    pub fn get(&self, key: &str) -> Option<Vec<Violation>> {
        let text = std::fs::read_to_string(self.path(key)?).ok()?;
        serde_json::from_str(&text).ok()
    }

    /// Stores findings under `key`; failures are ignored (the next run evaluates again).
    pub fn put(&self, key: &str, violations: &[Violation]) {
        let Some(path) = self.path(key) else { return };
        let Some(dir) = path.parent() else { return };
        let Ok(text) = serde_json::to_string(violations) else { return };
        if std::fs::create_dir_all(dir).is_err() {
            return;
        }
        let Ok(mut tmp) = tempfile::NamedTempFile::new_in(dir) else { return };
        if tmp.write_all(text.as_bytes()).is_ok() {
            let _ = tmp.persist(&path);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_round_trip_and_keys_cover_pack_and_document() {
        let dir = tempfile::tempdir().expect("temp dir");
        let cache = Cache::at(dir.path());
        let k = Cache::key("pack", "json", "{}");
        assert_ne!(k, Cache::key("pack2", "json", "{}"));
        assert_ne!(k, Cache::key("pack", "json", "{ }"));
        assert_ne!(k, Cache::key("pack", "text", "{}"));
        assert_eq!(cache.get(&k), None);
        let v = vec![Violation {
            rule: "r".into(),
            resource: Some("A".into()),
            paths: vec!["/Resources/A".into()],
            messages: vec![],
            details: vec![],
        }];
        cache.put(&k, &v);
        assert_eq!(cache.get(&k), Some(v));
        std::fs::write(cache.path(&k).unwrap(), "not json").unwrap();
        assert_eq!(cache.get(&k), None, "a corrupt entry is a miss");
        assert_eq!(Cache::off().get(&k), None);
        Cache::off().put(&k, &[]);
    }
}
