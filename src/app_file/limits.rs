//! The limits in front of the YAML parser, so that no app file can make
//! rcdk hang or run out of memory: regular files only, a size cap, a nesting
//! cap and an alias-expansion budget (README, "Limits").

use rcdk_constructs::core::DiagnosticCode;

use super::codes::Code;
use std::io::Read;
use std::path::Path;

/// The largest app file rcdk reads: 16 MiB. The largest generated app of the
/// benchmarks (1000 services in 32 stacks) is 10 MB; a real app is a few KB.
pub const MAX_APP_FILE_BYTES: u64 = 16 * 1024 * 1024;

/// The deepest nesting of maps and lists in an app file: 32. The deepest
/// field of the schema sits 8 levels down
/// (`stacks[0].services.web.scaling.cpu_steps.scale_out[0].at`).
pub const MAX_DEPTH: usize = 32;

/// How much aliases (`*name`) may expand an app file, counted as the bytes
/// of the values they repeat plus one per value: 4 MiB. Anchoring a service
/// block and aliasing it a few times is well within it; a "billion laughs"
/// document is refused at the alias that crosses it, before anything is
/// expanded.
pub const MAX_ALIAS_EXPANSION: u64 = 4 * 1024 * 1024;

/// Tags, nulls and duplicate keys are reported together, up to this many.
pub const MAX_SCAN_PROBLEMS: usize = 50;

/// Why an app file could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadError {
    /// A stable code.
    pub code: DiagnosticCode,
    /// What is wrong.
    pub message: String,
    /// How to fix it.
    pub help: Option<String>,
}

impl ReadError {
    fn new(code: Code, message: impl Into<String>) -> Self {
        ReadError { code: code.into(), message: message.into(), help: None }
    }
}

/// Reads an app file: a regular file (a FIFO, device or directory is
/// refused before it is opened, so nothing blocks), of at most
/// [`MAX_APP_FILE_BYTES`], in UTF-8.
pub fn read_app_file(path: &Path) -> Result<String, ReadError> {
    let meta = std::fs::metadata(path)
        .map_err(|e| ReadError::new(Code::Unreadable, format!("cannot read the app file: {e}")))?;
    check_regular(&meta)?;
    check_size(meta.len())?;
    let file = open_nonblocking(path)
        .map_err(|e| ReadError::new(Code::Unreadable, format!("cannot read the app file: {e}")))?;
    // The path may have been swapped between the two looks: check what was opened.
    let meta =
        file.metadata().map_err(|e| ReadError::new(Code::Unreadable, format!("cannot read the app file: {e}")))?;
    check_regular(&meta)?;
    let mut bytes = Vec::new();
    file.take(MAX_APP_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| ReadError::new(Code::Unreadable, format!("cannot read the app file: {e}")))?;
    check_size(bytes.len() as u64)?;
    String::from_utf8(bytes).map_err(|e| ReadError {
        code: Code::Encoding.into(),
        message: format!("the app file is not UTF-8 text (invalid byte at offset {})", e.utf8_error().valid_up_to()),
        help: Some("save the file as UTF-8".into()),
    })
}

fn check_regular(meta: &std::fs::Metadata) -> Result<(), ReadError> {
    if meta.is_file() {
        return Ok(());
    }
    let what = if meta.is_dir() { "a directory" } else { "not a regular file (a FIFO, socket or device)" };
    Err(ReadError {
        code: Code::NotRegular.into(),
        message: format!("the app file is {what}"),
        help: Some("name a YAML file".into()),
    })
}

fn check_size(len: u64) -> Result<(), ReadError> {
    if len <= MAX_APP_FILE_BYTES {
        return Ok(());
    }
    Err(ReadError {
        code: Code::TooLarge.into(),
        message: format!("the app file is larger than {} MiB", MAX_APP_FILE_BYTES / (1024 * 1024)),
        help: Some("split the app into several app files; see `Limits` in the README".into()),
    })
}

#[cfg(unix)]
fn open_nonblocking(path: &Path) -> std::io::Result<std::fs::File> {
    use std::os::unix::fs::OpenOptionsExt;
    // O_NONBLOCK: should a FIFO appear at the path after the metadata check,
    // opening it does not wait for a writer.
    std::fs::OpenOptions::new().read(true).custom_flags(libc::O_NONBLOCK).open(path)
}

#[cfg(not(unix))]
fn open_nonblocking(path: &Path) -> std::io::Result<std::fs::File> {
    std::fs::File::open(path)
}
