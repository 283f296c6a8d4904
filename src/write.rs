//! The binary's output: atomic file writes (every file goes to a temporary
//! file beside its target first, and is renamed into place only when all of
//! them are written), and stdout.

use std::io::Write;
use std::path::{Path, PathBuf};

use tempfile::NamedTempFile;

use crate::failure::Failure;

/// Writes every `(path, contents)` pair atomically. If any temporary file
/// cannot be written, no target is touched, the temporary files are removed
/// and so are the directories this call created; the failure is bad input
/// (exit 2: the output location cannot be written), with the path and the
/// system's reason.
pub fn write_all_atomic(files: &[(PathBuf, &str)]) -> Result<(), Failure> {
    let mut created = Vec::new();
    let staged = match stage(files, &mut created) {
        Ok(staged) => staged,
        Err(failure) => {
            // The temporary files are gone (dropped); remove the directories
            // made for them, innermost first. A directory something else
            // filled meanwhile is not empty and stays.
            for dir in created.iter().rev() {
                let _ = std::fs::remove_dir(dir);
            }
            return Err(failure);
        }
    };
    for (tmp, path) in staged {
        tmp.persist(path).map_err(|e| io_failure("replace", path, &e.error))?;
    }
    Ok(())
}

/// Writes every file to a temporary file beside its target; records each
/// directory it had to create in `created`.
fn stage<'a>(
    files: &'a [(PathBuf, &str)],
    created: &mut Vec<PathBuf>,
) -> Result<Vec<(NamedTempFile, &'a PathBuf)>, Failure> {
    let mut staged = Vec::with_capacity(files.len());
    for (path, contents) in files {
        let dir = path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
        create_dirs(dir, created)?;
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
    Ok(staged)
}

/// `create_dir_all`, remembering which directories did not exist before.
fn create_dirs(dir: &Path, created: &mut Vec<PathBuf>) -> Result<(), Failure> {
    let missing: Vec<PathBuf> =
        dir.ancestors().take_while(|d| !d.as_os_str().is_empty() && !d.exists()).map(Path::to_path_buf).collect();
    let result = std::fs::create_dir_all(dir);
    created.extend(missing.into_iter().rev().filter(|d| d.exists()));
    result.map_err(|e| io_failure("create directory", dir, &e))
}

fn io_failure(what: &str, path: &Path, e: &std::io::Error) -> Failure {
    Failure::input(format!("cannot {what} {}: {e}", path.display()))
        .help("choose an output directory you can write to (`--out DIR`); nothing was written")
}

/// Writes `text` to stdout, reporting a closed or failing stdout as exit 1.
pub fn print(text: &str) -> Result<(), Failure> {
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())
        .and_then(|()| out.flush())
        .map_err(|e| Failure::no(format!("cannot write to stdout: {e}")))
}
