//! Configuration: `shiplint.toml`, `.shiplint.toml` or `[tool.shiplint]` in `pyproject.toml`.

use std::path::PathBuf;

use globset::GlobMatcher;

use crate::diagnostic::Severity;
use crate::kind::{Environment, FileKind};
use crate::rule::Selector;

/// The effective configuration of a run. Globs are relative to `base_dir`.
#[derive(Debug, Default)]
pub struct Config {
    /// The file it was read from, if any.
    pub path: Option<PathBuf>,
    pub base_dir: PathBuf,
    /// `None` means the default selection (every rule).
    pub select: Option<Vec<Selector>>,
    pub extend_select: Vec<Selector>,
    pub ignore: Vec<Selector>,
    pub per_file_ignores: Vec<(GlobMatcher, Vec<Selector>)>,
    pub severity: Vec<(Selector, Severity)>,
    /// `Some(None)` is `fail-on = "never"`.
    pub fail_on: Option<Option<Severity>>,
    pub environments: Vec<(GlobMatcher, Environment)>,
    pub files: Vec<(GlobMatcher, FileKind)>,
}
