//! App files: YAML read straight into [`rcdk_constructs::app::AppProps`], with every problem
//! located at `file:line:column` and its field path.

pub(crate) mod codes;
mod deprecated;
mod file;
pub mod limits;
mod locate;
mod problem;
mod synthesize;

pub use deprecated::Deprecated;
pub use file::AppFile;
pub use locate::{LocationIndex, Position, Scan, ScanProblem};
pub use problem::{Problem, Problems, Reported, RuleRef};
pub use synthesize::{synthesize, synthesize_with_warnings};
