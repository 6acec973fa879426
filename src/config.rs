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

impl Config {
    pub fn environment_for(&self, path: &std::path::Path) -> Option<Environment> {
        let rel = path.strip_prefix(&self.base_dir).unwrap_or(path);
        self.environments
            .iter()
            .find(|(g, _)| g.is_match(rel))
            .map(|(_, e)| *e)
    }

    pub fn kind_for(&self, path: &std::path::Path) -> Option<FileKind> {
        let rel = path.strip_prefix(&self.base_dir).unwrap_or(path);
        self.files
            .iter()
            .find(|(g, _)| g.is_match(rel))
            .map(|(_, k)| *k)
    }
}

impl Config {
    pub fn severity_for(&self, meta: &crate::rule::RuleMeta) -> Option<Severity> {
        self.severity
            .iter()
            .filter(|(s, _)| s.matches(meta))
            .max_by_key(|(s, _)| s.specificity(meta))
            .map(|(_, sev)| *sev)
    }

    pub fn ignored_in(&self, path: &std::path::Path, meta: &crate::rule::RuleMeta) -> bool {
        let rel = path.strip_prefix(&self.base_dir).unwrap_or(path);
        self.per_file_ignores
            .iter()
            .any(|(g, sels)| g.is_match(rel) && sels.iter().any(|s| s.matches(meta)))
    }
}

/// Which rules run: `select` (default: all), plus `extend_select`, minus `ignore`.
#[derive(Clone, Debug, Default)]
pub struct RuleSelection {
    pub select: Option<Vec<Selector>>,
    pub extend_select: Vec<Selector>,
    pub ignore: Vec<Selector>,
}

impl RuleSelection {
    pub fn enabled(&self, meta: &crate::rule::RuleMeta) -> bool {
        let best = |sels: &[Selector]| {
            sels.iter()
                .filter(|s| s.matches(meta))
                .map(|s| s.specificity(meta))
                .max()
        };
        let selected = match &self.select {
            None => Some(0),
            Some(s) => best(s),
        }
        .max(best(&self.extend_select));
        match (selected, best(&self.ignore)) {
            (None, _) => false,
            (Some(_), None) => true,
            (Some(s), Some(i)) => s > i,
        }
    }

    pub fn merged(config: &Config, cli: &RuleSelection) -> RuleSelection {
        RuleSelection {
            select: cli.select.clone().or_else(|| config.select.clone()),
            extend_select: config
                .extend_select
                .iter()
                .chain(&cli.extend_select)
                .cloned()
                .collect(),
            ignore: config.ignore.iter().chain(&cli.ignore).cloned().collect(),
        }
    }
}

impl Config {
    pub fn load(
        _path: &std::path::Path,
        _rules: &[&'static crate::rule::RuleMeta],
    ) -> Result<Config, String> {
        Ok(Config::default())
    }
    pub fn discover(
        _start: &std::path::Path,
        _rules: &[&'static crate::rule::RuleMeta],
    ) -> Result<Option<Config>, String> {
        Ok(None)
    }
    pub fn fail_on(&self) -> Option<Option<Severity>> {
        self.fail_on
    }
}
