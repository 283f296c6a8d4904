//! The context file of an app (`rcdk.context.json`: the pinned AMI
//! releases, see [`rcdk_constructs::core::context`]): read beside an app
//! file for every synthesis, handed to an app command through
//! [`CONTEXT_ENV`], and rewritten by `rcdk ami update`.

use std::io::Read;
use std::path::{Path, PathBuf};

use rcdk_constructs::core::{Context, DiagnosticCode, CONTEXT_FILE};

use crate::app_file::codes::Code;
use crate::app_file::{Position, Problem};
use crate::failure::Failure;

/// The largest context file rcdk reads: 1 MiB (a pin is one line; a file
/// pinning every region's AMIs is a few KB).
pub const MAX_CONTEXT_BYTES: u64 = 1024 * 1024;

/// The environment variable that carries the context (its JSON) to an app
/// command; `rcdk_app::context()` reads it.
pub const CONTEXT_ENV: &str = "RCDK_CONTEXT";

/// Where the context of the app file `app_file` lives: beside it.
pub fn beside(app_file: &Path) -> PathBuf {
    in_dir(app_file.parent().unwrap_or(Path::new("")))
}

/// Where the context of an app in `dir` (an app command's directory) lives.
pub fn in_dir(dir: &Path) -> PathBuf {
    if dir.as_os_str().is_empty() || dir == Path::new(".") {
        PathBuf::from(CONTEXT_FILE)
    } else {
        dir.join(CONTEXT_FILE)
    }
}

/// Reads the context at `path`; no file there is an empty context. A file
/// that cannot be read, is too large or is not valid is one located problem.
pub fn read(path: &Path) -> Result<Context, Box<Problem>> {
    let problem = |position: Option<Position>, field: String, message: String| {
        Box::new(Problem {
            file: path.to_path_buf(),
            position,
            field,
            construct: None,
            code: DiagnosticCode::from(Code::ContextInvalid).to_string(),
            message,
            help: Code::ContextInvalid.definition().help.map(str::to_owned),
            rule: None,
        })
    };
    let meta = match std::fs::metadata(path) {
        Ok(meta) => meta,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Context::default()),
        Err(e) => return Err(problem(None, String::new(), format!("cannot read the context file: {e}"))),
    };
    if !meta.is_file() {
        return Err(problem(None, String::new(), "the context file is not a regular file".into()));
    }
    if meta.len() > MAX_CONTEXT_BYTES {
        return Err(problem(
            None,
            String::new(),
            format!("the context file has {} bytes; rcdk reads at most {MAX_CONTEXT_BYTES}", meta.len()),
        ));
    }
    let mut text = String::new();
    std::fs::File::open(path)
        .and_then(|f| f.take(MAX_CONTEXT_BYTES + 1).read_to_string(&mut text))
        .map_err(|e| problem(None, String::new(), format!("cannot read the context file: {e}")))?;
    Context::parse(&text).map_err(|e| {
        let position = (e.line > 0).then_some(Position { line: e.line, column: e.column.max(1) });
        problem(position, e.field, e.message)
    })
}

/// Reads the context at `path` for a command (exit 2 when it is not valid).
pub fn read_or_fail(path: &Path) -> Result<Context, Failure> {
    read(path).map_err(|p| Failure::input(p.to_string()))
}

/// Writes `context` to `path` atomically (a temporary file renamed into place).
pub fn write(path: &Path, context: &Context) -> Result<(), Failure> {
    let text = context.to_json();
    crate::write::write_all_atomic(&[(path.to_path_buf(), text.as_str())])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_file_is_empty_and_a_bad_one_is_located() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = in_dir(dir.path());
        assert_eq!(read(&path).expect("no file"), Context::default());
        assert_eq!(beside(Path::new("app.yaml")), PathBuf::from(CONTEXT_FILE));
        assert_eq!(in_dir(Path::new(".")), PathBuf::from(CONTEXT_FILE));
        assert_eq!(beside(&dir.path().join("app.yaml")), path);

        std::fs::write(&path, "{\n  \"amis\": {\"eu-west-1\": {\"/my/ami\": \"x\"}}\n}\n").expect("write");
        let p = read(&path).unwrap_err();
        assert_eq!(p.code, "app-file:context-invalid");
        assert_eq!(p.position.map(|p| (p.line, p.column)), Some((2, 26)), "{p}");
        assert!(p.to_string().contains("is not the SSM parameter of a recommended AMI"), "{p}");

        let mut context = Context::default();
        context.pin_ami(
            "eu-west-1",
            "/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended/image_id",
            "al2023-ami-ecs-hvm-2023.0.20260918-kernel-6.1-x86_64",
        );
        write(&path, &context).expect("written");
        assert_eq!(read(&path).expect("valid"), context);

        std::fs::write(&path, vec![b' '; MAX_CONTEXT_BYTES as usize + 1]).expect("write");
        assert!(read(&path).unwrap_err().message.contains("rcdk reads at most"));
        let sub = dir.path().join("sub");
        std::fs::create_dir(&sub).expect("mkdir");
        let p = read(&sub).unwrap_err();
        assert!(p.message.contains("not a regular file"), "{p}");
    }
}
