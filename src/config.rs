//! Configuration: `shiplint.toml`, `.shiplint.toml` or `[tool.shiplint]` in `pyproject.toml`.
//!
//! The file is read with `toml_edit`, which keeps the byte span of every key and value, so that
//! every mistake is reported as `path:line:column: message` naming the key at fault.
//!
//! Globs (in `per-file-ignores`, `[environments]` and `[files]`) are relative to the directory of
//! the configuration file and follow gitignore conventions: `*` does not cross `/`, a glob
//! without `/` matches a file name anywhere (`*.prod.yml` is `**/*.prod.yml`), a leading `/`
//! anchors at the configuration directory, a trailing `/` means everything below, and a glob
//! that matches a directory matches every file below it.

use crate::text::edit_distance;
use std::collections::BTreeMap;
use std::ops::Range;
use std::path::{Component, Path, PathBuf};

use globset::{GlobBuilder, GlobMatcher};
use toml_edit::{ImDocument, Item, TableLike, Value};

use crate::diagnostic::Severity;
use crate::kind::{Environment, FileKind};
use crate::rule::{RuleMeta, Selector};
use crate::source::LineIndex;

/// The names of dedicated configuration files, in the order they are looked for in a directory.
const CONFIG_FILE_NAMES: [&str; 2] = ["shiplint.toml", ".shiplint.toml"];
const PYPROJECT: &str = "pyproject.toml";

/// Every key the configuration table accepts.
const KNOWN_KEYS: &[&str] = &[
    "select",
    "extend-select",
    "ignore",
    "per-file-ignores",
    "severity",
    "fail-on",
    "environments",
    "files",
    "rule-options",
];

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
    /// `[rule-options.<rule>]` tables, keyed by rule name (a table written under the rule's code
    /// is stored under its name).
    pub rule_options: BTreeMap<String, toml::Table>,
}

/// A configuration file that cannot be used. Displayed as one line, `path:line:column: message`.
#[derive(Debug, thiserror::Error)]
#[error("{}", render_error(.path, *.line, *.column, .message))]
pub struct ConfigError {
    pub path: PathBuf,
    /// 1-based, when the mistake has a place in the file.
    pub line: Option<usize>,
    /// 1-based, counting characters.
    pub column: Option<usize>,
    pub message: String,
}

fn render_error(path: &Path, line: Option<usize>, column: Option<usize>, message: &str) -> String {
    match (line, column) {
        (Some(line), Some(column)) => format!("{}:{line}:{column}: {message}", path.display()),
        (Some(line), None) => format!("{}:{line}: {message}", path.display()),
        _ => format!("{}: {message}", path.display()),
    }
}

impl ConfigError {
    fn whole_file(path: &Path, message: impl Into<String>) -> ConfigError {
        ConfigError {
            path: path.to_path_buf(),
            line: None,
            column: None,
            message: message.into(),
        }
    }
}

impl Config {
    /// Reads the configuration file at `path`: a dedicated file (`shiplint.toml`,
    /// `.shiplint.toml`, or any other name), or a `pyproject.toml`, which must then hold a
    /// `[tool.shiplint]` table.
    pub fn load(path: &Path, rules: &[&'static RuleMeta]) -> Result<Config, ConfigError> {
        let text = read(path)?;
        let pyproject = path.file_name().is_some_and(|n| n == PYPROJECT);
        Config::parse(path, &text, pyproject, rules)?.ok_or_else(|| {
            ConfigError::whole_file(path, "no [tool.shiplint] table in pyproject.toml")
        })
    }

    /// Finds the configuration that applies to `start` (a directory, or a file whose directory
    /// is used), looking in that directory and then in each parent. In each directory,
    /// `shiplint.toml`, then `.shiplint.toml`, then a `pyproject.toml` with a `[tool.shiplint]`
    /// table; the first found wins.
    pub fn discover(
        start: &Path,
        rules: &[&'static RuleMeta],
    ) -> Result<Option<Config>, ConfigError> {
        let start = absolute(start);
        let mut dir = if start.is_dir() {
            Some(start.as_path())
        } else {
            start.parent()
        };
        while let Some(d) = dir {
            for name in CONFIG_FILE_NAMES {
                let candidate = d.join(name);
                if candidate.is_file() {
                    return Config::load(&candidate, rules).map(Some);
                }
            }
            let pyproject = d.join(PYPROJECT);
            if pyproject.is_file() {
                let text = read(&pyproject)?;
                // Cheap test first: most pyproject.toml files are not ours.
                if text.contains("shiplint") {
                    if let Some(config) = Config::parse(&pyproject, &text, true, rules)? {
                        return Ok(Some(config));
                    }
                }
            }
            dir = d.parent();
        }
        Ok(None)
    }

    /// Parses configuration text read from `path`. `Ok(None)`: a `pyproject.toml` without a
    /// `[tool.shiplint]` table.
    fn parse(
        path: &Path,
        text: &str,
        pyproject: bool,
        rules: &[&'static RuleMeta],
    ) -> Result<Option<Config>, ConfigError> {
        let reader = Reader {
            path,
            text,
            lines: LineIndex::new(text),
            rules,
        };
        let doc = ImDocument::parse(text).map_err(|e| {
            let message = e.message().trim().lines().collect::<Vec<_>>().join("; ");
            reader.error(e.span(), format!("invalid TOML: {message}"))
        })?;
        let root: &dyn TableLike = doc.as_table();
        let (table, prefix): (&dyn TableLike, &str) = if pyproject {
            let Some(tool) = root.get("tool") else {
                return Ok(None);
            };
            let Some(tool) = tool.as_table_like() else {
                return Ok(None);
            };
            let Some(item) = tool.get("shiplint") else {
                return Ok(None);
            };
            let span = item
                .span()
                .or_else(|| tool.key("shiplint").and_then(|k| k.span()));
            (reader.table(item, span, "tool.shiplint")?, "tool.shiplint")
        } else {
            (root, "")
        };
        let base_dir = absolute(path)
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_default();
        let mut config = Config {
            path: Some(path.to_path_buf()),
            base_dir,
            ..Config::default()
        };
        reader.fill(&mut config, table, prefix)?;
        Ok(Some(config))
    }

    /// The environment `[environments]` assigns to `path` (relative to `base_dir`, or absolute):
    /// the first matching glob wins.
    pub fn environment_for(&self, path: &Path) -> Option<Environment> {
        let candidates = self.candidates(path);
        self.environments
            .iter()
            .find(|(glob, _)| matches_any(glob, &candidates))
            .map(|&(_, env)| env)
    }

    /// The kind `[files]` assigns to `path`: the first matching glob wins.
    pub fn kind_for(&self, path: &Path) -> Option<FileKind> {
        let candidates = self.candidates(path);
        self.files
            .iter()
            .find(|(glob, _)| matches_any(glob, &candidates))
            .map(|&(_, kind)| kind)
    }

    /// The severity `[severity]` sets for the rule: the most specific matching selector wins,
    /// and of equally specific ones the last written.
    pub fn severity_for(&self, meta: &RuleMeta) -> Option<Severity> {
        self.severity
            .iter()
            .filter(|(selector, _)| selector.matches(meta))
            .max_by_key(|(selector, _)| selector.specificity(meta))
            .map(|&(_, severity)| severity)
    }

    /// Whether `per-file-ignores` turns the rule off for `path`.
    pub fn ignored_in(&self, path: &Path, meta: &RuleMeta) -> bool {
        if self.per_file_ignores.is_empty() {
            return false;
        }
        let candidates = self.candidates(path);
        self.per_file_ignores.iter().any(|(glob, selectors)| {
            selectors.iter().any(|s| s.matches(meta)) && matches_any(glob, &candidates)
        })
    }

    /// `fail-on`: `None` when unset, `Some(None)` for `"never"`.
    pub fn fail_on(&self) -> Option<Option<Severity>> {
        self.fail_on
    }

    /// The `[rule-options.<rule>]` table of a rule, if any.
    pub fn rule_options(&self, meta: &RuleMeta) -> Option<&toml::Table> {
        self.rule_options.get(meta.name)
    }

    /// The `/`-separated forms of `path` globs are tried against: the path relative to
    /// `base_dir` (or absolute when outside it), then each of its parent directories.
    fn candidates(&self, path: &Path) -> Vec<String> {
        let absolute = normalize(&self.base_dir.join(path));
        let relative = absolute.strip_prefix(&self.base_dir).unwrap_or(&absolute);
        let full = slash_path(relative);
        let mut out = vec![full.clone()];
        let mut rest = full.as_str();
        while let Some(cut) = rest.rfind('/') {
            rest = &rest[..cut];
            if rest.is_empty() {
                break;
            }
            out.push(rest.to_string());
        }
        out
    }
}

/// Which rules run: `select` (every rule when unset), plus `extend_select`, minus `ignore`. When
/// a rule matches both a selecting and an ignoring selector, the more specific one decides
/// (`ignore = ["CMP"]` with `extend-select = ["CMP001"]` keeps CMP001); ties go to ignore.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RuleSelection {
    pub select: Option<Vec<Selector>>,
    pub extend_select: Vec<Selector>,
    pub ignore: Vec<Selector>,
    /// The lower-priority selection this one adjusts (the configuration's, under the command
    /// line's).
    pub under: Option<Box<RuleSelection>>,
}

impl RuleSelection {
    /// Whether the rule runs. The highest-priority `select` starts the resolution (no `select`
    /// anywhere means every rule); the `extend-select` and `ignore` of that layer and of every
    /// layer above it then apply in order, and within one layer the more specific selector
    /// wins, `ignore` winning a tie. Modifiers below the deciding `select` do not apply: as in
    /// ruff, `--select CMP001` runs CMP001 whatever the configuration ignores.
    pub fn enabled(&self, meta: &RuleMeta) -> bool {
        let inherited = match (&self.select, &self.under) {
            (Some(_), _) => false,
            (None, Some(under)) => under.enabled(meta),
            (None, None) => true,
        };
        let selected = match &self.select {
            Some(select) => best(select, meta),
            None => inherited.then_some(0),
        };
        let Some(selected) = selected.max(best(&self.extend_select, meta)) else {
            return false;
        };
        match best(&self.ignore, meta) {
            Some(ignored) => selected > ignored,
            None => true,
        }
    }

    /// The selection of a run: the command line's over the configuration's.
    pub fn merged(config: &Config, cli: &RuleSelection) -> RuleSelection {
        RuleSelection {
            select: cli.select.clone(),
            extend_select: cli.extend_select.clone(),
            ignore: cli.ignore.clone(),
            under: Some(Box::new(RuleSelection {
                select: config.select.clone(),
                extend_select: config.extend_select.clone(),
                ignore: config.ignore.clone(),
                under: None,
            })),
        }
    }
}

/// The specificity of the most specific selector matching the rule.
fn best(selectors: &[Selector], meta: &RuleMeta) -> Option<usize> {
    selectors
        .iter()
        .filter(|s| s.matches(meta))
        .map(|s| s.specificity(meta))
        .max()
}

/// Reads one configuration document, turning every mistake into a located [`ConfigError`].
struct Reader<'a> {
    path: &'a Path,
    text: &'a str,
    lines: LineIndex,
    rules: &'a [&'static RuleMeta],
}

type Span = Option<Range<usize>>;

impl Reader<'_> {
    fn error(&self, span: Span, message: impl Into<String>) -> ConfigError {
        let at = span.map(|s| self.lines.line_col(self.text, s.start));
        ConfigError {
            path: self.path.to_path_buf(),
            line: at.map(|lc| lc.line),
            column: at.map(|lc| lc.column),
            message: message.into(),
        }
    }

    fn fill(
        &self,
        config: &mut Config,
        table: &dyn TableLike,
        prefix: &str,
    ) -> Result<(), ConfigError> {
        for (key, item) in table.iter() {
            let key_span = table.key(key).and_then(|k| k.span());
            let at = item.span().or_else(|| key_span.clone());
            let name = join_key(prefix, key);
            match key {
                "select" => config.select = Some(self.selectors(item, at, &name)?),
                "extend-select" => config.extend_select = self.selectors(item, at, &name)?,
                "ignore" => config.ignore = self.selectors(item, at, &name)?,
                "per-file-ignores" => {
                    for (glob, value, span, name) in self.entries(item, at, &name)? {
                        let matcher = self.glob(glob, span.clone(), &name)?;
                        let at = value.span().or(span);
                        config
                            .per_file_ignores
                            .push((matcher, self.selectors(value, at, &name)?));
                    }
                }
                "severity" => {
                    for (selector, value, span, name) in self.entries(item, at, &name)? {
                        let selector = Selector::parse(selector, self.rules)
                            .map_err(|e| self.error(span.clone(), format!("{e} in `{name}`")))?;
                        let severity =
                            self.choice(value, span, &name, &["error", "warning", "info"])?;
                        let severity = Severity::parse(severity).expect("one of the choices");
                        config.severity.push((selector, severity));
                    }
                }
                "fail-on" => {
                    let choices = ["error", "warning", "info", "never"];
                    let value = self.choice(item, key_span, &name, &choices)?;
                    config.fail_on = Some(Severity::parse(value));
                }
                "environments" => {
                    let choices: Vec<&str> = Environment::ALL.iter().map(|e| e.as_str()).collect();
                    for (glob, value, span, name) in self.entries(item, at, &name)? {
                        let matcher = self.glob(glob, span.clone(), &name)?;
                        let env = self.choice(value, span, &name, &choices)?;
                        let env = Environment::parse(env).expect("one of the choices");
                        config.environments.push((matcher, env));
                    }
                }
                "files" => {
                    let choices: Vec<&str> = FileKind::ALL.iter().map(|k| k.as_str()).collect();
                    for (glob, value, span, name) in self.entries(item, at, &name)? {
                        let matcher = self.glob(glob, span.clone(), &name)?;
                        let kind = self.choice(value, span, &name, &choices)?;
                        let kind = FileKind::parse(kind).expect("one of the choices");
                        config.files.push((matcher, kind));
                    }
                }
                "rule-options" => {
                    for (rule, value, span, name) in self.entries(item, at, &name)? {
                        let meta = self.rule(rule, span.clone(), &name)?;
                        let options = self.table(value, value.span().or(span), &name)?;
                        self.rule_option_values(meta, options, &name)?;
                        config
                            .rule_options
                            .insert(meta.name.to_string(), table_to_toml(options));
                    }
                }
                _ => {
                    let mut message = format!("unknown key `{name}`");
                    if let Some(known) = closest(key, KNOWN_KEYS.iter().copied()) {
                        message
                            .push_str(&format!(" (did you mean `{}`?)", join_key(prefix, known)));
                    }
                    return Err(self.error(key_span, message));
                }
            }
        }
        Ok(())
    }

    fn table<'i>(
        &self,
        item: &'i Item,
        at: Span,
        name: &str,
    ) -> Result<&'i dyn TableLike, ConfigError> {
        item.as_table_like().ok_or_else(|| {
            self.error(
                at,
                format!("`{name}` must be a table, found {}", type_name(item)),
            )
        })
    }

    /// The entries of a table, each with its key's span and its dotted name.
    fn entries<'i>(
        &self,
        item: &'i Item,
        at: Span,
        name: &str,
    ) -> Result<Vec<(&'i str, &'i Item, Span, String)>, ConfigError> {
        let table = self.table(item, at, name)?;
        Ok(table
            .iter()
            .map(|(key, value)| {
                let span = table.key(key).and_then(|k| k.span());
                (key, value, span, join_key(name, key))
            })
            .collect())
    }

    fn selectors(&self, item: &Item, at: Span, name: &str) -> Result<Vec<Selector>, ConfigError> {
        let array = item.as_array().ok_or_else(|| {
            self.error(
                at.clone(),
                format!(
                    "`{name}` must be a list of rule codes, prefixes or names, found {}",
                    type_name(item)
                ),
            )
        })?;
        array
            .iter()
            .map(|value| {
                let span = value.span().or(at.clone());
                let text = value.as_str().ok_or_else(|| {
                    self.error(
                        span.clone(),
                        format!("`{name}` must hold strings, found {}", value.type_name()),
                    )
                })?;
                Selector::parse(text, self.rules)
                    .map_err(|e| self.error(span, format!("{e} in `{name}`")))
            })
            .collect()
    }

    /// A string value that must be one of `choices`.
    fn choice<'i>(
        &self,
        item: &'i Item,
        key_span: Span,
        name: &str,
        choices: &[&str],
    ) -> Result<&'i str, ConfigError> {
        let at = item.span().or(key_span);
        let expected = choices
            .iter()
            .map(|c| format!("\"{c}\""))
            .collect::<Vec<_>>()
            .join(", ");
        match item.as_str() {
            Some(value) if choices.contains(&value) => Ok(value),
            Some(value) => {
                let mut message =
                    format!("invalid value \"{value}\" for `{name}`: expected one of {expected}");
                if let Some(close) = closest(value, choices.iter().copied()) {
                    message.push_str(&format!(" (did you mean \"{close}\"?)"));
                }
                Err(self.error(at, message))
            }
            None => Err(self.error(
                at,
                format!(
                    "`{name}` must be a string, one of {expected}; found {}",
                    type_name(item)
                ),
            )),
        }
    }

    fn glob(&self, pattern: &str, at: Span, name: &str) -> Result<GlobMatcher, ConfigError> {
        compile_glob(pattern)
            .map_err(|e| self.error(at, format!("invalid glob in `{name}`: {}", e.kind())))
    }

    /// Checks a `[rule-options.<rule>]` table against the options the rule declares.
    fn rule_option_values(
        &self,
        meta: &RuleMeta,
        table: &dyn TableLike,
        name: &str,
    ) -> Result<(), ConfigError> {
        for (key, item) in table.iter() {
            let key_span = table.key(key).and_then(|k| k.span());
            let Some(option) = meta.options.iter().find(|o| o.name == key) else {
                let message = if meta.options.is_empty() {
                    format!(
                        "unknown option `{name}.{key}`: {} has no options",
                        meta.name
                    )
                } else {
                    let mut m = format!("unknown option `{name}.{key}`");
                    if let Some(close) = closest(key, meta.options.iter().map(|o| o.name)) {
                        m.push_str(&format!(" (did you mean `{close}`?)"));
                    }
                    m
                };
                return Err(self.error(key_span, message));
            };
            if let Some(value) = item_to_toml(item) {
                if let Err(why) = option.check(&value) {
                    let at = item.span().or(key_span);
                    return Err(self.error(at, format!("`{name}.{key}` {why}")));
                }
            }
        }
        Ok(())
    }

    fn rule(&self, text: &str, at: Span, name: &str) -> Result<&'static RuleMeta, ConfigError> {
        if let Some(meta) = self
            .rules
            .iter()
            .find(|m| m.name == text || m.code.eq_ignore_ascii_case(text))
        {
            return Ok(meta);
        }
        let mut message = format!("unknown rule `{text}` in `{name}`");
        if let Some(close) = closest(text, self.rules.iter().map(|m| m.name)) {
            message.push_str(&format!(" (did you mean `{close}`?)"));
        }
        Err(self.error(at, message))
    }
}

fn read(path: &Path) -> Result<String, ConfigError> {
    std::fs::read_to_string(path)
        .map_err(|e| ConfigError::whole_file(path, format!("cannot read configuration file: {e}")))
}

/// Compiles a configuration glob with gitignore conventions (see the module documentation).
fn compile_glob(pattern: &str) -> Result<GlobMatcher, globset::Error> {
    let mut glob = pattern.strip_prefix("./").unwrap_or(pattern).to_string();
    let anchored = glob.starts_with('/') || glob.trim_end_matches('/').contains('/');
    glob = glob.trim_start_matches('/').to_string();
    if glob.ends_with('/') {
        glob.push_str("**");
    }
    if !anchored {
        glob.insert_str(0, "**/");
    }
    Ok(GlobBuilder::new(&glob)
        .literal_separator(true)
        .empty_alternates(true)
        .build()?
        .compile_matcher())
}

fn matches_any(glob: &GlobMatcher, candidates: &[String]) -> bool {
    candidates.iter().any(|c| glob.is_match(c))
}

/// `path` made absolute against the current directory, with `.` and `..` resolved lexically
/// (symbolic links are not followed, so the result lines up with the paths walking produces).
fn absolute(path: &Path) -> PathBuf {
    normalize(&std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf()))
}

fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    out.push("..");
                }
            }
            other => out.push(other),
        }
    }
    out
}

/// A path with `/` separators, as globs expect.
fn slash_path(path: &Path) -> String {
    let mut out = String::new();
    for component in path.components() {
        match component {
            Component::RootDir => out.push('/'),
            Component::Prefix(p) => out.push_str(&p.as_os_str().to_string_lossy()),
            Component::Normal(part) => {
                if !out.is_empty() && !out.ends_with('/') {
                    out.push('/');
                }
                out.push_str(&part.to_string_lossy());
            }
            Component::CurDir | Component::ParentDir => {}
        }
    }
    out
}

/// `prefix.key`, with the key quoted when it is not a bare TOML key.
fn join_key(prefix: &str, key: &str) -> String {
    let bare = !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    let key = if bare {
        key.to_string()
    } else {
        format!("{key:?}")
    };
    if prefix.is_empty() {
        key
    } else {
        format!("{prefix}.{key}")
    }
}

fn type_name(item: &Item) -> &'static str {
    match item {
        Item::None => "nothing",
        Item::Value(value) => value.type_name(),
        Item::Table(_) => "table",
        Item::ArrayOfTables(_) => "array of tables",
    }
}

/// The candidate closest to `word`, if it is at most two edits away.
fn closest<'c>(word: &str, candidates: impl Iterator<Item = &'c str>) -> Option<&'c str> {
    candidates
        .map(|c| (edit_distance(word, c), c))
        .filter(|&(d, _)| d <= 2)
        .min_by_key(|&(d, _)| d)
        .map(|(_, c)| c)
}

fn table_to_toml(table: &dyn TableLike) -> toml::Table {
    table
        .iter()
        .filter_map(|(key, item)| item_to_toml(item).map(|v| (key.to_string(), v)))
        .collect()
}

fn item_to_toml(item: &Item) -> Option<toml::Value> {
    match item {
        Item::None => None,
        Item::Value(value) => Some(value_to_toml(value)),
        Item::Table(table) => Some(toml::Value::Table(table_to_toml(table))),
        Item::ArrayOfTables(tables) => Some(toml::Value::Array(
            tables
                .iter()
                .map(|t| toml::Value::Table(table_to_toml(t)))
                .collect(),
        )),
    }
}

fn value_to_toml(value: &Value) -> toml::Value {
    match value {
        Value::String(s) => toml::Value::String(s.value().clone()),
        Value::Integer(i) => toml::Value::Integer(*i.value()),
        Value::Float(f) => toml::Value::Float(*f.value()),
        Value::Boolean(b) => toml::Value::Boolean(*b.value()),
        Value::Datetime(d) => toml::Value::Datetime(*d.value()),
        Value::Array(array) => toml::Value::Array(array.iter().map(value_to_toml).collect()),
        Value::InlineTable(table) => toml::Value::Table(table_to_toml(table)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::Family;
    use crate::rule::Scope;

    static CMP001: RuleMeta = RuleMeta {
        options: &[
            crate::rule::RuleOption::integer("depth", 0, 10, 1),
            crate::rule::RuleOption::integer("min-length", 1, 128, 12),
        ],
        ..meta("CMP001", "fallback-secret", Family::Compose)
    };
    static CMP002: RuleMeta = RuleMeta {
        options: &[crate::rule::RuleOption::integer("port", 1, 65535, 5432)],
        ..meta("CMP002", "published-database-port", Family::Compose)
    };
    static ENV001: RuleMeta = meta("ENV001", "placeholder-secret", Family::Env);

    const fn meta(code: &'static str, name: &'static str, family: Family) -> RuleMeta {
        RuleMeta {
            code,
            name,
            family,
            default_severity: Severity::Error,
            scope: Scope::ALL,
            raw_docs: "",
            options: &[],
        }
    }

    fn rules() -> Vec<&'static RuleMeta> {
        vec![&CMP001, &CMP002, &ENV001]
    }

    fn parse(text: &str) -> Result<Config, ConfigError> {
        Config::parse(Path::new("/proj/shiplint.toml"), text, false, &rules())
            .map(|c| c.expect("a dedicated file always yields a configuration"))
    }

    fn parse_err(text: &str) -> ConfigError {
        parse(text).expect_err("configuration should be rejected")
    }

    fn selectors(s: &[&str]) -> Vec<Selector> {
        s.iter()
            .map(|s| Selector::parse(s, &rules()).unwrap())
            .collect()
    }

    fn selection(select: Option<&[&str]>, extend: &[&str], ignore: &[&str]) -> RuleSelection {
        RuleSelection {
            select: select.map(selectors),
            extend_select: selectors(extend),
            ignore: selectors(ignore),
            under: None,
        }
    }

    fn write(path: &Path, text: &str) {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    #[test]
    fn every_key_is_read() {
        let config = parse(
            r#"
select = ["CMP"]
extend-select = ["ENV001"]
ignore = ["published-database-port"]
fail-on = "info"

[per-file-ignores]
"*.dev.yml" = ["CMP001"]

[severity]
CMP001 = "warning"

[environments]
"deploy/prod/**" = "production"

[files]
"ops/*.compose" = "compose"

[rule-options.fallback-secret]
depth = 2
"#,
        )
        .unwrap();
        assert_eq!(
            config.path.as_deref(),
            Some(Path::new("/proj/shiplint.toml"))
        );
        assert_eq!(config.base_dir, Path::new("/proj"));
        assert_eq!(config.select, Some(selectors(&["CMP"])));
        assert_eq!(config.extend_select, selectors(&["ENV001"]));
        assert_eq!(config.ignore, selectors(&["published-database-port"]));
        assert_eq!(config.fail_on(), Some(Some(Severity::Info)));
        assert!(config.ignored_in(Path::new("a/b.dev.yml"), &CMP001));
        assert_eq!(config.severity_for(&CMP001), Some(Severity::Warning));
        assert_eq!(config.severity_for(&CMP002), None);
        assert_eq!(
            config.environment_for(Path::new("deploy/prod/compose.yml")),
            Some(Environment::Production)
        );
        assert_eq!(
            config.kind_for(Path::new("ops/app.compose")),
            Some(FileKind::Compose)
        );
        let options = config.rule_options(&CMP001).unwrap();
        assert_eq!(options["depth"], toml::Value::Integer(2));
    }

    #[test]
    fn an_empty_file_is_the_default_configuration() {
        let config = parse("").unwrap();
        assert_eq!(config.select, None);
        assert!(config.ignore.is_empty() && config.severity.is_empty());
        assert_eq!(config.fail_on(), None);
    }

    #[test]
    fn fail_on_never_is_some_none() {
        assert_eq!(parse("fail-on = \"never\"").unwrap().fail_on(), Some(None));
        assert_eq!(
            parse("fail-on = \"warning\"").unwrap().fail_on(),
            Some(Some(Severity::Warning))
        );
    }

    #[test]
    fn rule_options_written_under_a_code_are_stored_under_the_name() {
        let config = parse("[rule-options.CMP002]\nport = 6432\n").unwrap();
        assert!(config.rule_options.contains_key("published-database-port"));
        assert!(config.rule_options(&CMP002).is_some());
        assert!(config.rule_options(&CMP001).is_none());
    }

    #[test]
    fn pyproject_reads_the_tool_shiplint_table() {
        let text = "[project]\nname = \"x\"\n\n[tool.shiplint]\nignore = [\"CMP001\"]\n\n[tool.shiplint.severity]\nENV = \"info\"\n";
        let config = Config::parse(Path::new("/p/pyproject.toml"), text, true, &rules())
            .unwrap()
            .unwrap();
        assert_eq!(config.ignore, selectors(&["CMP001"]));
        assert_eq!(config.severity_for(&ENV001), Some(Severity::Info));
        assert_eq!(config.base_dir, Path::new("/p"));
    }

    #[test]
    fn pyproject_without_tool_shiplint_has_no_configuration() {
        let text = "[tool.black]\nline-length = 99\n";
        let parsed = Config::parse(Path::new("/p/pyproject.toml"), text, true, &rules()).unwrap();
        assert!(parsed.is_none());
    }

    #[test]
    fn a_named_pyproject_without_tool_shiplint_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("pyproject.toml");
        write(&path, "[tool.black]\nline-length = 99\n");
        let err = Config::load(&path, &rules()).unwrap_err();
        assert!(err.message.contains("[tool.shiplint]"), "{err}");
        assert_eq!(err.path, path);
        assert_eq!(err.line, None);
    }

    #[test]
    fn pyproject_errors_name_the_full_key() {
        let text = "[tool.shiplint]\nselct = [\"CMP\"]\n";
        let err = Config::parse(Path::new("/p/pyproject.toml"), text, true, &rules()).unwrap_err();
        assert_eq!((err.line, err.column), (Some(2), Some(1)));
        assert!(err.message.contains("`tool.shiplint.selct`"), "{err}");
        assert!(err.message.contains("`tool.shiplint.select`"), "{err}");
    }

    #[test]
    fn discovery_walks_up_to_the_nearest_configuration() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        write(&root.join("shiplint.toml"), "ignore = [\"CMP001\"]\n");
        write(&root.join("a/b/compose.yml"), "services: {}\n");
        let config = Config::discover(&root.join("a/b"), &rules())
            .unwrap()
            .unwrap();
        assert_eq!(config.ignore, selectors(&["CMP001"]));
        assert_eq!(config.base_dir, absolute(root));
        // A file as the start point uses its directory.
        let config = Config::discover(&root.join("a/b/compose.yml"), &rules())
            .unwrap()
            .unwrap();
        assert_eq!(config.path, Some(absolute(&root.join("shiplint.toml"))));
    }

    #[test]
    fn discovery_prefers_shiplint_toml_then_dot_shiplint_toml_then_pyproject() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        write(
            &d.join("pyproject.toml"),
            "[tool.shiplint]\nignore = [\"ENV\"]\n",
        );
        write(&d.join(".shiplint.toml"), "ignore = [\"CMP002\"]\n");
        write(&d.join("shiplint.toml"), "ignore = [\"CMP001\"]\n");
        let found = |d: &Path| Config::discover(d, &rules()).unwrap().unwrap().ignore;
        assert_eq!(found(d), selectors(&["CMP001"]));
        std::fs::remove_file(d.join("shiplint.toml")).unwrap();
        assert_eq!(found(d), selectors(&["CMP002"]));
        std::fs::remove_file(d.join(".shiplint.toml")).unwrap();
        assert_eq!(found(d), selectors(&["ENV"]));
    }

    #[test]
    fn discovery_skips_a_pyproject_without_tool_shiplint_but_stops_at_one_with_it() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        write(&root.join("shiplint.toml"), "ignore = [\"CMP001\"]\n");
        write(
            &root.join("app/pyproject.toml"),
            "[tool.ruff]\nline-length = 99\n",
        );
        let config = Config::discover(&root.join("app"), &rules())
            .unwrap()
            .unwrap();
        assert_eq!(config.ignore, selectors(&["CMP001"]), "parent file applies");

        write(
            &root.join("app/pyproject.toml"),
            "[tool.ruff]\nline-length = 99\n[tool.shiplint]\nignore = [\"ENV001\"]\n",
        );
        let config = Config::discover(&root.join("app"), &rules())
            .unwrap()
            .unwrap();
        assert_eq!(
            config.ignore,
            selectors(&["ENV001"]),
            "nearer pyproject wins"
        );
    }

    #[test]
    fn discovery_without_any_configuration_finds_nothing() {
        let dir = tempfile::tempdir().unwrap();
        write(&dir.path().join("x/compose.yml"), "services: {}\n");
        assert!(Config::discover(&dir.path().join("x"), &rules())
            .unwrap()
            .is_none());
    }

    #[test]
    fn discovery_reports_errors_in_the_file_it_finds() {
        let dir = tempfile::tempdir().unwrap();
        write(&dir.path().join(".shiplint.toml"), "\nignore = 3\n");
        let err = Config::discover(dir.path(), &rules()).unwrap_err();
        assert_eq!(err.line, Some(2));
        assert!(err.path.ends_with(".shiplint.toml"));
    }

    #[test]
    fn error_display_is_one_line_with_path_line_and_column() {
        let err = parse_err("select = [\"CMP\"]\n  fial-on = \"error\"\n");
        assert_eq!(
            err.to_string(),
            "/proj/shiplint.toml:2:3: unknown key `fial-on` (did you mean `fail-on`?)"
        );
        assert!(!err.to_string().contains('\n'));
    }

    #[test]
    fn unknown_key_without_a_close_match_has_no_suggestion() {
        let err = parse_err("\n\nbaseline = \"x\"\n");
        assert_eq!((err.line, err.column), (Some(3), Some(1)));
        assert_eq!(err.message, "unknown key `baseline`");
    }

    #[test]
    fn unknown_key_inside_a_header_table_is_located() {
        // `[severity]` entries are selectors, so a bad one is an unknown selector, at its key.
        let err = parse_err("[severity]\nCMP001 = \"info\"\nCMPX = \"info\"\n");
        assert_eq!((err.line, err.column), (Some(3), Some(1)));
        assert!(err.message.contains("`CMPX`"), "{err}");
        assert!(err.message.contains("`severity.CMPX`"), "{err}");
    }

    #[test]
    fn wrong_type_names_the_key_and_the_type_found() {
        let err = parse_err("select = \"CMP\"\n");
        assert_eq!((err.line, err.column), (Some(1), Some(10)));
        assert!(err.message.contains("`select`"), "{err}");
        assert!(err.message.contains("found string"), "{err}");

        let err = parse_err("ignore = [\"CMP\",\n  7]\n");
        assert_eq!((err.line, err.column), (Some(2), Some(3)));
        assert!(
            err.message.contains("`ignore`") && err.message.contains("integer"),
            "{err}"
        );

        let err = parse_err("\nper-file-ignores = [\"x\"]\n");
        assert_eq!(err.line, Some(2));
        assert!(
            err.message.contains("`per-file-ignores` must be a table"),
            "{err}"
        );

        let err = parse_err("[per-file-ignores]\n\"*.yml\" = \"CMP001\"\n");
        assert_eq!((err.line, err.column), (Some(2), Some(11)));
        assert!(
            err.message.contains("`per-file-ignores.\"*.yml\"`"),
            "{err}"
        );

        let err = parse_err("[rule-options]\nfallback-secret = 3\n");
        assert_eq!((err.line, err.column), (Some(2), Some(19)));
        assert!(
            err.message
                .contains("`rule-options.fallback-secret` must be a table"),
            "{err}"
        );
    }

    #[test]
    fn unknown_selector_in_a_list_points_at_the_element() {
        let err = parse_err("extend-select = [\n  \"CMP001\",\n  \"XYZ9\",\n]\n");
        assert_eq!((err.line, err.column), (Some(3), Some(3)));
        assert!(err.message.contains("`XYZ9`"), "{err}");
        assert!(err.message.contains("`extend-select`"), "{err}");
    }

    #[test]
    fn unknown_selector_in_per_file_ignores_is_located() {
        let err = parse_err("[per-file-ignores]\n\"legacy/\" = [\"CMP001\", \"nope\"]\n");
        assert_eq!((err.line, err.column), (Some(2), Some(24)));
        assert!(
            err.message.contains("`per-file-ignores.\"legacy/\"`"),
            "{err}"
        );
    }

    #[test]
    fn bad_severity_value_is_located_and_suggests() {
        let err = parse_err("[severity]\nCMP = \"warnin\"\n");
        assert_eq!((err.line, err.column), (Some(2), Some(7)));
        assert!(err.message.contains("`severity.CMP`"), "{err}");
        assert!(err.message.contains("did you mean \"warning\""), "{err}");

        let err = parse_err("[severity]\nCMP = 1\n");
        assert_eq!(err.line, Some(2));
        assert!(err.message.contains("must be a string"), "{err}");
    }

    #[test]
    fn bad_fail_on_value_is_located() {
        let err = parse_err("select = []\nfail-on = \"fatal\"\n");
        assert_eq!((err.line, err.column), (Some(2), Some(11)));
        assert!(
            err.message.contains("`fail-on`") && err.message.contains("\"never\""),
            "{err}"
        );
    }

    #[test]
    fn bad_environment_value_is_located() {
        let err = parse_err("[environments]\n\"*.yml\" = \"production\"\n\"prod/**\" = \"prod\"\n");
        assert_eq!((err.line, err.column), (Some(3), Some(13)));
        assert!(err.message.contains("`environments.\"prod/**\"`"), "{err}");
        assert!(err.message.contains("\"staging\""), "{err}");
    }

    #[test]
    fn bad_kind_value_is_located() {
        let err = parse_err("[files]\n\"ops/*.conf\" = \"pgbouncer\"\n");
        assert_eq!((err.line, err.column), (Some(2), Some(16)));
        assert!(err.message.contains("`files.\"ops/*.conf\"`"), "{err}");
        assert!(err.message.contains("\"pgbouncer-ini\""), "{err}");
    }

    #[test]
    fn invalid_glob_is_located_at_its_key() {
        let err = parse_err("\n[environments]\n\"deploy/[prod\" = \"production\"\n");
        assert_eq!((err.line, err.column), (Some(3), Some(1)));
        assert!(err.message.contains("invalid glob"), "{err}");
        assert!(
            err.message.contains("`environments.\"deploy/[prod\"`"),
            "{err}"
        );
    }

    #[test]
    fn invalid_toml_reports_the_parser_position() {
        let err = parse_err("select = [\"CMP\"]\nignore = [\"CMP001\"\nfail-on = \"error\"\n");
        assert_eq!(err.line, Some(3));
        assert!(err.column.is_some());
        assert!(err.message.starts_with("invalid TOML"), "{err}");
        assert!(!err.to_string().contains('\n'));

        let err = parse_err("select = []\nselect = []\n");
        assert_eq!(err.line, Some(2));
        assert!(err.message.contains("select"), "{err}");
    }

    #[test]
    fn rule_options_are_checked_against_what_the_rule_declares() {
        let err = parse_err("[rule-options.fallback-secret]\nmin-lenght = 8\n");
        assert_eq!(
            (err.line, err.column),
            (Some(2), Some(1)),
            "{}",
            err.message
        );
        assert!(
            err.message
                .contains("unknown option `rule-options.fallback-secret.min-lenght`")
                && err.message.contains("did you mean `min-length`?"),
            "{}",
            err.message
        );
        let err = parse_err("[rule-options.fallback-secret]\nmin-length = 500\n");
        assert_eq!((err.line, err.column), (Some(2), Some(14)));
        assert!(
            err.message.contains(
                "`rule-options.fallback-secret.min-length` must be from 1 to 128, found 500"
            ),
            "{}",
            err.message
        );
        let err = parse_err("[rule-options.fallback-secret]\nmin-length = \"8\"\n");
        assert!(
            err.message.contains("must be an integer"),
            "{}",
            err.message
        );
        let err = parse_err("[rule-options.placeholder-secret]\nx = 1\n");
        assert!(
            err.message.contains("placeholder-secret has no options"),
            "{}",
            err.message
        );
        assert!(parse("[rule-options.CMP001]\nmin-length = 16\ndepth = 0\n").is_ok());
    }

    #[test]
    fn unknown_rule_in_rule_options_is_located_and_suggests() {
        let err = parse_err("[rule-options.fallback-secrets]\nx = 1\n");
        assert_eq!((err.line, err.column), (Some(1), Some(15)));
        assert!(
            err.message.contains("`rule-options.fallback-secrets`"),
            "{err}"
        );
        assert!(
            err.message.contains("did you mean `fallback-secret`"),
            "{err}"
        );
    }

    #[test]
    fn unreadable_file_is_an_error_without_a_line() {
        let dir = tempfile::tempdir().unwrap();
        let err = Config::load(&dir.path().join("missing.toml"), &rules()).unwrap_err();
        assert_eq!(err.line, None);
        assert!(
            err.to_string().contains("missing.toml: cannot read"),
            "{err}"
        );
    }

    #[test]
    fn select_a_prefix_and_ignore_one_code() {
        let s = selection(Some(&["CMP"]), &[], &["CMP001"]);
        assert!(!s.enabled(&CMP001));
        assert!(s.enabled(&CMP002));
        assert!(!s.enabled(&ENV001), "not selected");
    }

    #[test]
    fn a_more_specific_extend_select_beats_an_ignored_prefix() {
        let s = selection(None, &["CMP001"], &["CMP"]);
        assert!(s.enabled(&CMP001));
        assert!(!s.enabled(&CMP002));
        assert!(s.enabled(&ENV001), "default selection is every rule");
    }

    #[test]
    fn a_more_specific_ignore_beats_a_selected_code_prefix() {
        let s = selection(Some(&["CMP00"]), &[], &["CMP"]);
        assert!(s.enabled(&CMP001), "CMP00 is more specific than CMP");
        let s = selection(Some(&["CMP"]), &[], &["CMP00"]);
        assert!(!s.enabled(&CMP001));
    }

    #[test]
    fn equally_specific_select_and_ignore_resolve_to_ignore() {
        let s = selection(Some(&["CMP001"]), &[], &["fallback-secret"]);
        assert!(!s.enabled(&CMP001));
    }

    #[test]
    fn default_selection_enables_everything_and_empty_select_nothing() {
        let all = RuleSelection::default();
        assert!(rules().iter().all(|m| all.enabled(m)));
        let none = selection(Some(&[]), &["ENV"], &[]);
        assert!(!none.enabled(&CMP001));
        assert!(none.enabled(&ENV001));
    }

    #[test]
    fn command_line_select_replaces_and_ignore_adds() {
        let config =
            parse("select = [\"ENV\"]\nignore = [\"CMP002\"]\nextend-select = [\"CMP002\"]\n")
                .unwrap();
        // The configuration alone: ENV, and CMP002 both extended and ignored (ignore wins).
        let keep = RuleSelection::merged(&config, &RuleSelection::default());
        assert!(keep.enabled(&ENV001));
        assert!(!keep.enabled(&CMP001));
        assert!(!keep.enabled(&CMP002));

        // A command-line select starts afresh: the configuration's modifiers do not apply.
        let cli = selection(Some(&["CMP"]), &[], &["ENV001"]);
        let merged = RuleSelection::merged(&config, &cli);
        assert!(merged.enabled(&CMP001));
        assert!(merged.enabled(&CMP002));
        assert!(!merged.enabled(&ENV001));

        // Without a command-line select, its modifiers apply on top of the configuration's.
        let more = RuleSelection::merged(&config, &selection(None, &["CMP001"], &["ENV"]));
        assert!(more.enabled(&CMP001));
        assert!(!more.enabled(&ENV001));
        assert!(!more.enabled(&CMP002));
    }

    #[test]
    fn command_line_selectors_override_equally_specific_configuration_ones() {
        let config = parse("ignore = [\"CMP001\"]\n").unwrap();
        let select = RuleSelection::merged(&config, &selection(Some(&["CMP001"]), &[], &[]));
        assert!(select.enabled(&CMP001));
        let extend = RuleSelection::merged(&config, &selection(None, &["fallback-secret"], &[]));
        assert!(extend.enabled(&CMP001));
        assert!(extend.enabled(&ENV001));
        let config = parse("extend-select = [\"CMP001\"]\n").unwrap();
        let ignore = RuleSelection::merged(&config, &selection(None, &[], &["CMP"]));
        assert!(!ignore.enabled(&CMP001));
    }

    #[test]
    fn per_file_ignores_glob_without_slash_matches_the_name_anywhere() {
        let config = parse("[per-file-ignores]\n\"*.prod.yml\" = [\"CMP001\"]\n").unwrap();
        assert!(config.ignored_in(Path::new("deploy/docker/app.prod.yml"), &CMP001));
        assert!(config.ignored_in(Path::new("app.prod.yml"), &CMP001));
        assert!(config.ignored_in(Path::new("/proj/x/app.prod.yml"), &CMP001));
        assert!(!config.ignored_in(Path::new("deploy/app.dev.yml"), &CMP001));
        assert!(!config.ignored_in(Path::new("deploy/app.prod.yml"), &CMP002));
    }

    #[test]
    fn globs_with_a_slash_are_anchored_and_star_stays_in_one_directory() {
        let config = parse("[per-file-ignores]\n\"deploy/*.yml\" = [\"CMP\"]\n").unwrap();
        assert!(config.ignored_in(Path::new("deploy/a.yml"), &CMP001));
        assert!(config.ignored_in(Path::new("./deploy/a.yml"), &CMP001));
        assert!(config.ignored_in(Path::new("/proj/deploy/a.yml"), &CMP002));
        assert!(!config.ignored_in(Path::new("deploy/sub/a.yml"), &CMP001));
        assert!(!config.ignored_in(Path::new("other/deploy/a.yml"), &CMP001));
        assert!(!config.ignored_in(Path::new("/elsewhere/deploy/a.yml"), &CMP001));
    }

    #[test]
    fn a_glob_matching_a_directory_matches_the_files_below_it() {
        let config =
            parse("[per-file-ignores]\n\"legacy\" = [\"ENV\"]\n\"/vendor/\" = [\"CMP\"]\n")
                .unwrap();
        assert!(config.ignored_in(Path::new("services/legacy/old/.env"), &ENV001));
        assert!(config.ignored_in(Path::new("vendor/x/compose.yml"), &CMP001));
        assert!(!config.ignored_in(Path::new("apps/vendor/compose.yml"), &CMP001));
    }

    #[test]
    fn brace_alternates_may_be_empty() {
        let config = parse("[environments]\n\".env.prod{,.local}\" = \"production\"\n").unwrap();
        assert_eq!(
            config.environment_for(Path::new("x/.env.prod")),
            Some(Environment::Production)
        );
        assert_eq!(
            config.environment_for(Path::new(".env.prod.local")),
            Some(Environment::Production)
        );
    }

    #[test]
    fn first_matching_environment_glob_wins() {
        let config = parse(
            "[environments]\n\"deploy/staging/**\" = \"staging\"\n\"deploy/**\" = \"production\"\n",
        )
        .unwrap();
        assert_eq!(
            config.environment_for(Path::new("deploy/staging/compose.yml")),
            Some(Environment::Staging)
        );
        assert_eq!(
            config.environment_for(Path::new("deploy/prod/compose.yml")),
            Some(Environment::Production)
        );
        assert_eq!(config.environment_for(Path::new("compose.yml")), None);
    }

    #[test]
    fn first_matching_kind_glob_wins() {
        let config =
            parse("[files]\n\"*.env.tpl\" = \"env-template\"\n\"*.tpl\" = \"env\"\n").unwrap();
        assert_eq!(
            config.kind_for(Path::new("a/app.env.tpl")),
            Some(FileKind::EnvTemplate)
        );
        assert_eq!(config.kind_for(Path::new("a/app.tpl")), Some(FileKind::Env));
        assert_eq!(config.kind_for(Path::new("a/app.yml")), None);
    }

    #[test]
    fn the_most_specific_severity_override_wins_whatever_the_order() {
        let config =
            parse("[severity]\nCMP001 = \"warning\"\nCMP = \"info\"\nALL = \"error\"\n").unwrap();
        assert_eq!(config.severity_for(&CMP001), Some(Severity::Warning));
        assert_eq!(config.severity_for(&CMP002), Some(Severity::Info));
        assert_eq!(config.severity_for(&ENV001), Some(Severity::Error));
    }

    #[test]
    fn edit_distance_counts_insertions_deletions_and_substitutions() {
        assert_eq!(edit_distance("select", "select"), 0);
        assert_eq!(edit_distance("selct", "select"), 1);
        assert_eq!(edit_distance("extend_select", "extend-select"), 1);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(closest("ignor", KNOWN_KEYS.iter().copied()), Some("ignore"));
        assert_eq!(closest("baseline", KNOWN_KEYS.iter().copied()), None);
    }
}
