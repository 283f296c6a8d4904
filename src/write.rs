//! Atomic file writes: every file goes to a temporary file beside its target
//! first, and is renamed into place only when all of them are written.

use std::io::Write;
use std::path::{Path, PathBuf};

use tempfile::NamedTempFile;

use crate::failure::Failure;

/// Writes every `(path, contents)` pair atomically. If any temporary file
/// cannot be written, no target is touched.
pub fn write_all_atomic(files: &[(PathBuf, &str)]) -> Result<(), Failure> {
    let mut staged = Vec::with_capacity(files.len());
    for (path, contents) in files {
        let dir = path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
        std::fs::create_dir_all(dir).map_err(|e| io_failure("create directory", dir, &e))?;
        let mut tmp = NamedTempFile::new_in(dir).map_err(|e| io_failure("create a temporary file in", dir, &e))?;
        tmp.write_all(contents.as_bytes()).map_err(|e| io_failure("write", tmp.path(), &e))?;
        tmp.as_file().sync_all().map_err(|e| io_failure("flush", tmp.path(), &e))?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            // Temporary files are private (0600); templates are ordinary files.
            let mode = std::fs::Permissions::from_mode(0o644);
            tmp.as_file().set_permissions(mode).map_err(|e| io_failure("set permissions on", tmp.path(), &e))?;
        }
        staged.push((tmp, path));
    }
    for (tmp, path) in staged {
        tmp.persist(path).map_err(|e| io_failure("replace", path, &e.error))?;
    }
    Ok(())
}

fn io_failure(what: &str, path: &Path, e: &std::io::Error) -> Failure {
    Failure::no(format!("cannot {what} {}: {e}", path.display()))
}
