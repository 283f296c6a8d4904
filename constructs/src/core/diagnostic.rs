//! Diagnostics as types: each code is stated once, as a variant of the
//! `Code` enum of the module that reports it (made by [`codes!`](crate::codes)), with its
//! severity, title, explanation, help and documentation link. Reporting a
//! problem names the variant, so the compiler refuses a code that is not
//! defined; a variant nothing reports is dead code, which the build refuses
//! (`-D warnings`); and a `Code` enum the registry
//! ([`crate::diagnostics`]) does not list cannot be reported at all (its
//! `From` impl requires [`Registered`], which only the registry implements).
//!
//! ```
//! use rcdk_constructs::core::{ConstructPath, Severity};
//! use rcdk_constructs::ValidationError;
//!
//! rcdk_constructs::codes! {
//!     /// The codes of my checks.
//!     enum Code {
//!         BucketPublic => error("myapp:bucket-public") {
//!             title: "a bucket is public",
//!             explanation: "Buckets of this app are private; remove the public access.",
//!             help: "set `public: false`",
//!         },
//!     }
//! }
//! // An app's own codes are listed by the app (rcdk's registry lists rcdk's).
//! impl rcdk_constructs::core::Registered for Code {}
//!
//! let e = ValidationError::new(Code::BucketPublic, &ConstructPath::root("app"), "bucket `logs` is public");
//! assert_eq!(e.code, "myapp:bucket-public");
//! assert_eq!(e.severity, Severity::Error);
//! assert_eq!(e.help.as_deref(), Some("set `public: false`"));
//! ```

use std::fmt;

/// How bad a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Stops synthesis: nothing is written, the command exits 2.
    Error,
    /// Reported, and synthesis goes on; `--deny-warnings` turns it into an error.
    Warning,
    /// A warning acknowledged as a deliberate choice (see
    /// [`crate::core::Stack::acknowledge`]), or what the analysis could not
    /// evaluate: reported, never fails.
    Note,
}

impl Severity {
    /// `error`, `warning` or `note`.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Note => "note",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One diagnostic code and what it means: stated once, in a [`codes!`](crate::codes) block.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Definition {
    /// The code, `namespace:name` in kebab case, e.g. `vpc:cidr-invalid`.
    pub code: &'static str,
    /// The enum variant it is defined by (`CidrInvalid`), whose kebab case is the name.
    pub variant: &'static str,
    /// Earlier spellings of the code, still found by `rcdk explain`.
    pub formerly: &'static [&'static str],
    /// Whether it stops synthesis.
    pub severity: Severity,
    /// What is wrong, in one line.
    pub title: &'static str,
    /// What it means, why rcdk refuses it, and how to fix it (Markdown).
    pub explanation: &'static str,
    /// The usual fix in one line, the `help:` of a report that names none of its own.
    pub help: Option<&'static str>,
    /// Where to read more (AWS documentation), when there is such a page.
    pub link: Option<&'static str>,
}

impl Definition {
    /// The namespace of the code (`vpc` for `vpc:cidr-invalid`).
    pub fn namespace(&self) -> &'static str {
        self.code.split_once(':').map_or(self.code, |(ns, _)| ns)
    }

    /// The name of the code without its namespace (`cidr-invalid`).
    pub fn name(&self) -> &'static str {
        self.code.split_once(':').map_or(self.code, |(_, name)| name)
    }
}

/// Implemented by the registry ([`crate::diagnostics`]) for every `Code`
/// enum it lists, and required by the `From` impl [`codes!`](crate::codes) writes: a code
/// enum the registry does not list cannot be reported. An app's own enums
/// implement it themselves.
pub trait Registered {}

/// A reported code: a reference to its [`Definition`]. Made from a module's
/// `Code` variant (`Code::CidrInvalid.into()`); compares equal to its text,
/// so `error.code == "vpc:cidr-invalid"` reads as it should.
#[derive(Clone, Copy)]
pub struct DiagnosticCode(&'static Definition);

impl DiagnosticCode {
    /// The code of `definition`.
    pub const fn new(definition: &'static Definition) -> Self {
        DiagnosticCode(definition)
    }

    /// Its definition.
    pub fn definition(self) -> &'static Definition {
        self.0
    }

    /// The code's text, `namespace:name`.
    pub fn as_str(self) -> &'static str {
        self.0.code
    }

    /// The severity it is defined with.
    pub fn severity(self) -> Severity {
        self.0.severity
    }
}

impl From<&'static Definition> for DiagnosticCode {
    fn from(definition: &'static Definition) -> Self {
        DiagnosticCode(definition)
    }
}

impl PartialEq for DiagnosticCode {
    fn eq(&self, other: &Self) -> bool {
        self.0.code == other.0.code
    }
}

impl Eq for DiagnosticCode {}

impl PartialOrd for DiagnosticCode {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for DiagnosticCode {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.0.code.cmp(other.0.code)
    }
}

impl std::hash::Hash for DiagnosticCode {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.0.code.hash(state);
    }
}

impl PartialEq<str> for DiagnosticCode {
    fn eq(&self, other: &str) -> bool {
        self.0.code == other
    }
}

impl PartialEq<&str> for DiagnosticCode {
    fn eq(&self, other: &&str) -> bool {
        self.0.code == *other
    }
}

impl PartialEq<DiagnosticCode> for &str {
    fn eq(&self, other: &DiagnosticCode) -> bool {
        *self == other.0.code
    }
}

impl fmt::Debug for DiagnosticCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.0.code, f)
    }
}

impl fmt::Display for DiagnosticCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0.code)
    }
}

/// Where in a Rust program a diagnostic comes from: the line that
/// registered the check that found it (`Stack::add_validation`,
/// `App::add_check` record their caller).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
pub struct SourceLocation {
    /// The source file, as the compiler names it (`src/main.rs`).
    pub file: String,
    /// The line, from 1.
    pub line: u32,
    /// The column, from 1.
    pub column: u32,
}

impl From<&std::panic::Location<'_>> for SourceLocation {
    fn from(l: &std::panic::Location<'_>) -> Self {
        SourceLocation { file: l.file().to_owned(), line: l.line(), column: l.column() }
    }
}

impl fmt::Display for SourceLocation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.file, self.line, self.column)
    }
}

/// Defines the diagnostic codes of a module, each once: an enum (usually
/// `Code`) whose variants are the codes, each with its severity (`error`,
/// `warning` or `note`), its `namespace:name` (the name is the variant in kebab case,
/// which the registry's tests check), former spellings, a one-line title, an
/// explanation (Markdown: what it means, why, how to fix), and optionally a
/// `help` line (the fix a report names when it names none of its own) and a
/// documentation `link`.
///
/// It writes `Code::DEFINITIONS` (the registry reads them; no variant is
/// constructed there, so a variant nothing reports is dead code),
/// `Code::definition()`, and `From<Code> for DiagnosticCode`, which requires
/// the enum to be [`Registered`]. See the [module docs](self) for an example.
#[macro_export]
macro_rules! codes {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident {
            $(
                $variant:ident => $severity:ident($code:literal) {
                    $(formerly: [$($former:literal),* $(,)?],)?
                    title: $title:literal,
                    explanation: $explanation:literal,
                    $(help: $help:literal,)?
                    $(link: $link:literal,)?
                }
            ),* $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        // The variants spell the codes' names, which may share a word (`Origin...`).
        #[allow(clippy::enum_variant_names)]
        $vis enum $name {
            $(
                #[doc = $title]
                $variant,
            )*
        }

        impl $name {
            /// Every code of this enum, in variant order.
            #[allow(dead_code)]
            $vis const DEFINITIONS: &'static [$crate::core::Definition] = &[
                $(
                    $crate::core::Definition {
                        code: $code,
                        variant: stringify!($variant),
                        formerly: &[$($($former),*)?],
                        severity: $crate::__severity!($severity),
                        title: $title,
                        explanation: $explanation,
                        help: $crate::__optional!($($help)?),
                        link: $crate::__optional!($($link)?),
                    },
                )*
            ];

            /// This code's definition.
            $vis fn definition(self) -> &'static $crate::core::Definition {
                &Self::DEFINITIONS[self as usize]
            }
        }

        impl ::core::convert::From<$name> for $crate::core::DiagnosticCode
        where
            $name: $crate::core::Registered,
        {
            fn from(code: $name) -> Self {
                $crate::core::DiagnosticCode::new(code.definition())
            }
        }
    };
}

/// `error` → `Severity::Error`, `warning` → `Severity::Warning`, `note` →
/// `Severity::Note` (for [`codes!`]).
#[doc(hidden)]
#[macro_export]
macro_rules! __severity {
    (error) => {
        $crate::core::Severity::Error
    };
    (warning) => {
        $crate::core::Severity::Warning
    };
    (note) => {
        $crate::core::Severity::Note
    };
}

/// `Some(x)` for one literal, `None` for none (for [`codes!`]).
#[doc(hidden)]
#[macro_export]
macro_rules! __optional {
    () => {
        None
    };
    ($x:literal) => {
        Some($x)
    };
}
