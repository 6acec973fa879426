//! Walking the checked paths, and classifying each file's kind and environment.
//!
//! Kinds come from the file name first, then from a cheap sniff of the content where names are
//! ambiguous; environments come from tokens in the path. Configuration can override both.

use std::collections::BTreeMap;
use std::path::{Component, Path, PathBuf};

use ignore::WalkBuilder;

use crate::config::Config;
use crate::kind::{Environment, FileKind};

/// A file to load: where it is, what it is, and whether its findings are reported.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Candidate {
    pub path: PathBuf,
    pub display_path: String,
    /// The kind from the name or configuration; `None` when it takes a look at the content.
    pub kind: Option<FileKind>,
    pub environment: Option<Environment>,
    /// Named on the command line (always checked, even when its kind cannot be told).
    pub explicit: bool,
    pub reported: bool,
    /// The folder the file was found under: environments are read from the path below it.
    pub root: PathBuf,
}

/// Why the paths given cannot be checked at all.
#[derive(Debug, thiserror::Error)]
pub enum DiscoverError {
    #[error("{0}: no such file or directory")]
    Missing(String),
}

/// Directories never worth walking.
pub(crate) const SKIPPED_DIRS: &[&str] = &[
    ".git",
    ".hg",
    ".svn",
    "node_modules",
    "target",
    "__pycache__",
    ".venv",
    "venv",
    ".tox",
    ".nox",
    ".mypy_cache",
    ".pytest_cache",
    ".ruff_cache",
    "site-packages",
    ".terraform",
];

/// Finds every file shiplint reads under `paths`. A directory is walked (its files are
/// reported); a file is reported and the project around it (the nearest ancestor with a `.git`
/// or a shiplint configuration, else the file's folder) is read for context.
pub fn discover(
    paths: &[PathBuf],
    config: &Config,
    cwd: &Path,
) -> Result<Vec<Candidate>, DiscoverError> {
    let mut found: BTreeMap<PathBuf, Candidate> = BTreeMap::new();
    for given in paths {
        let abs = absolute(cwd, given);
        let meta = std::fs::metadata(&abs)
            .map_err(|_| DiscoverError::Missing(given.display().to_string()))?;
        if meta.is_dir() {
            walk(&abs, config, cwd, true, &mut found);
        } else {
            let root = project_root(&abs);
            walk(&root, config, cwd, false, &mut found);
            let key = normalize(&abs);
            let candidate = found
                .entry(key.clone())
                .or_insert_with(|| candidate_for(&key, &root, config, cwd));
            candidate.explicit = true;
            candidate.reported = true;
        }
    }
    Ok(found.into_values().collect())
}

/// The folder a single file's project context is read from.
pub fn project_root(file: &Path) -> PathBuf {
    let start = file.parent().unwrap_or(Path::new("/"));
    let mut dir = Some(start);
    while let Some(d) = dir {
        if d.join(".git").exists()
            || d.join("shiplint.toml").exists()
            || d.join(".shiplint.toml").exists()
        {
            return d.to_path_buf();
        }
        dir = d.parent();
    }
    start.to_path_buf()
}

fn walk(
    root: &Path,
    config: &Config,
    cwd: &Path,
    reported: bool,
    found: &mut BTreeMap<PathBuf, Candidate>,
) {
    let canonical_root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    let walker = WalkBuilder::new(root)
        .hidden(false)
        .require_git(false)
        .git_global(false)
        .follow_links(false)
        .sort_by_file_name(|a, b| a.cmp(b))
        .filter_entry(|entry| {
            let is_dir = entry.file_type().is_some_and(|t| t.is_dir());
            if !is_dir || entry.depth() == 0 {
                return true;
            }
            let name = entry.file_name().to_string_lossy();
            !SKIPPED_DIRS.contains(&name.as_ref()) && !entry.path().join("pyvenv.cfg").exists()
        })
        .build();
    for entry in walker.flatten() {
        let Some(file_type) = entry.file_type() else {
            continue;
        };
        if file_type.is_symlink() {
            // Followed only when it points at a file inside the checked tree.
            match entry.path().canonicalize() {
                Ok(target) if target.starts_with(&canonical_root) && target.is_file() => {}
                _ => continue,
            }
        } else if !file_type.is_file() {
            continue;
        }
        let path = normalize(entry.path());
        let candidate = candidate_for(&path, root, config, cwd);
        if candidate.kind.is_none() && !could_be_sniffed(&path) {
            continue;
        }
        let slot = found.entry(path).or_insert(candidate);
        slot.reported |= reported;
    }
}

fn candidate_for(path: &Path, root: &Path, config: &Config, cwd: &Path) -> Candidate {
    let rel = path.strip_prefix(root).unwrap_or(path);
    let kind = config.kind_for(path).or_else(|| kind_from_name(rel));
    let environment = config.environment_for(path);
    Candidate {
        path: path.to_path_buf(),
        display_path: display_path(path, cwd),
        kind,
        environment,
        explicit: false,
        reported: false,
        root: root.to_path_buf(),
    }
}

/// `path` relative to `cwd` when below it, else as is; always with `/` separators.
pub fn display_path(path: &Path, cwd: &Path) -> String {
    let shown = path.strip_prefix(cwd).unwrap_or(path);
    let s = shown
        .components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/");
    if s.is_empty() {
        ".".to_string()
    } else if path.is_absolute() && !path.starts_with(cwd) {
        format!("/{}", s.trim_start_matches('/'))
    } else {
        s
    }
}

fn absolute(cwd: &Path, p: &Path) -> PathBuf {
    if p.is_absolute() {
        normalize(p)
    } else {
        normalize(&cwd.join(p))
    }
}

/// Removes `.` and resolves `..` lexically (no symlink resolution).
pub fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    out.push("..");
                }
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default()
}

fn has_yaml_ext(name: &str) -> bool {
    name.ends_with(".yml") || name.ends_with(".yaml")
}

/// Folder names along the path, lowercased.
fn dirs(path: &Path) -> Vec<String> {
    path.parent()
        .map(|p| {
            p.components()
                .filter_map(|c| match c {
                    Component::Normal(s) => Some(s.to_string_lossy().to_ascii_lowercase()),
                    _ => None,
                })
                .collect()
        })
        .unwrap_or_default()
}

/// The kind a file name (and its folders) says, when that is unambiguous.
pub fn kind_from_name(rel: &Path) -> Option<FileKind> {
    let name = file_name(rel);
    let dirs = dirs(rel);
    let in_dir = |needle: &str| dirs.iter().any(|d| d.contains(needle));
    if is_env_name(&name) {
        return Some(if env_is_template(&name) {
            FileKind::EnvTemplate
        } else {
            FileKind::Env
        });
    }
    if has_yaml_ext(&name) {
        let stem = name.trim_end_matches(".yaml").trim_end_matches(".yml");
        if stem == "compose"
            || stem.starts_with("compose.")
            || stem.starts_with("docker-compose")
            || stem.ends_with(".compose")
        {
            return Some(FileKind::Compose);
        }
        if stem == "alertmanager" || stem.starts_with("alertmanager.") {
            return Some(FileKind::Alertmanager);
        }
        if in_dir("provisioning") && dirs.last().is_some_and(|d| d == "datasources") {
            return Some(FileKind::GrafanaDatasources);
        }
        if in_dir("provisioning") && dirs.last().is_some_and(|d| d == "dashboards") {
            return Some(FileKind::GrafanaDashboards);
        }
        return None;
    }
    match name.as_str() {
        "userlist.txt" => return Some(FileKind::PgbouncerUserlist),
        ".dockerignore" => return Some(FileKind::Dockerignore),
        ".gitignore" => return Some(FileKind::Gitignore),
        "dockerfile" | "containerfile" => return Some(FileKind::Dockerfile),
        _ => {}
    }
    // `%include`d fragments (`config/pgbouncer/databases.ini`) are read as PgBouncer ini too;
    // only the folder holding the file counts, not a repository named after PgBouncer.
    let in_pgbouncer_folder = dirs.last().is_some_and(|d| d.contains("pgbouncer"));
    if name.ends_with(".ini") && (name.starts_with("pgbouncer") || in_pgbouncer_folder) {
        return Some(FileKind::PgbouncerIni);
    }
    // `Dockerfile.prod.dockerignore` is the ignore file of `Dockerfile.prod`, not a Dockerfile.
    if name.ends_with(".dockerignore") {
        return Some(FileKind::Dockerignore);
    }
    if name.starts_with("dockerfile.") || name.ends_with(".dockerfile") {
        return Some(FileKind::Dockerfile);
    }
    if name.ends_with(".rules") && (in_dir("prometheus") || name.starts_with("alert")) {
        return Some(FileKind::PrometheusRules);
    }
    if name == "settings.py"
        || (dirs.last().is_some_and(|d| d == "settings") && name.ends_with(".py"))
    {
        return Some(FileKind::DjangoSettingsSource);
    }
    // Other Python modules are context for the Django rules: `manage.py` and `wsgi.py` name
    // the default settings module, `apps.py` declares apps, views read `settings.NAME`.
    if name.ends_with(".py") {
        return Some(FileKind::PythonSource);
    }
    None
}

/// Names whose kind only their content can tell: YAML that may be Prometheus, Grafana or rule
/// files, and JSON or text that may be a Django settings export.
fn could_be_sniffed(path: &Path) -> bool {
    let name = file_name(path);
    if has_yaml_ext(&name) {
        let dirs = dirs(path);
        return name.contains("prometheus")
            || name.contains("rules")
            || name.contains("alert")
            || name.contains("grafana")
            || name.contains("datasource")
            || dirs.iter().any(|d| {
                d.contains("prometheus")
                    || d.contains("monitoring")
                    || d.contains("grafana")
                    || d.contains("alert")
            });
    }
    // Settings exports: `settings.json`, `diffsettings.txt`, `prod-settings.json`, or any
    // export in a `settings` folder (`settings/export.json`).
    (name.contains("settings") || dirs(path).iter().any(|d| d == "settings"))
        && (name.ends_with(".json") || name.ends_with(".txt"))
}

/// Tells an ambiguous file's kind from a cheap look at its content.
pub fn sniff(path: &Path, text: &str) -> Option<FileKind> {
    let name = file_name(path);
    if has_yaml_ext(&name) {
        let keys = top_level_keys(text);
        let has = |k: &str| keys.iter().any(|x| x == k);
        if has("scrape_configs")
            || has("rule_files")
            || (has("global") || has("alerting") || has("remote_write")) && !has("route")
        {
            return Some(FileKind::Prometheus);
        }
        if has("route") && has("receivers") {
            return Some(FileKind::Alertmanager);
        }
        if has("groups") && has_rule_entries(text) {
            return Some(FileKind::PrometheusRules);
        }
        if has("datasources") || has("deleteDatasources") {
            return Some(FileKind::GrafanaDatasources);
        }
        if has("providers") {
            return Some(FileKind::GrafanaDashboards);
        }
        return None;
    }
    let trimmed = text.trim_start_matches('\u{feff}').trim_start();
    if name.ends_with(".json") {
        if trimmed.starts_with('{')
            && (text.contains("\"INSTALLED_APPS\"") || text.contains("\"SECRET_KEY\""))
        {
            return Some(FileKind::DjangoSettingsExport);
        }
        return None;
    }
    if text.lines().any(|l| l.starts_with("INSTALLED_APPS = ")) {
        return Some(FileKind::DjangoSettingsExport);
    }
    None
}

/// Whether a YAML text has the keys of Prometheus rules (`alert:`, `record:`, `expr:`) or an
/// empty rule list: other tools also have `groups:` (documentation data, Grafana exports).
fn has_rule_entries(text: &str) -> bool {
    text.lines().any(|l| {
        let t = l.trim_start();
        let t = t.strip_prefix("- ").unwrap_or(t).trim_start();
        ["alert:", "record:", "expr:", "rules: []"]
            .iter()
            .any(|k| t.starts_with(k))
    })
}

/// Keys at column 0 of a YAML text (`key:` lines), without parsing it.
fn top_level_keys(text: &str) -> Vec<String> {
    text.lines()
        .filter(|l| !l.starts_with([' ', '\t', '#', '-']))
        .filter_map(|l| {
            let (key, _) = l.split_once(':')?;
            let key = key.trim().trim_matches(['"', '\'']);
            (!key.is_empty() && !key.contains(' ')).then(|| key.to_string())
        })
        .collect()
}

/// `.env`, `.env.*`, `*.env`, `env.example`-style names; not `.envrc` or editor backups.
fn is_env_name(name: &str) -> bool {
    const CODE_EXTENSIONS: &[&str] = &[
        ".py", ".js", ".ts", ".sh", ".json", ".yml", ".yaml", ".md", ".toml", ".rb", ".go", ".rs",
        ".swp", ".bak", ".orig", ".old", ".tmp",
    ];
    if name.ends_with('~') || CODE_EXTENSIONS.iter().any(|e| name.ends_with(e)) {
        return false;
    }
    name == ".env"
        || name.starts_with(".env.")
        || (name.ends_with(".env") && name.len() > 4)
        || name.starts_with("env.")
}

const TEMPLATE_TOKENS: &[&str] = &[
    "example", "examples", "sample", "template", "tpl", "dist", "defaults", "default",
];

fn env_is_template(name: &str) -> bool {
    tokens(name).any(|t| TEMPLATE_TOKENS.contains(&t))
}

fn tokens(s: &str) -> impl Iterator<Item = &str> {
    s.split(['.', '-', '_', '/', '\\'])
        .filter(|t| !t.is_empty())
}

/// The environment that tokens of a name say, most deployed first: `local-prod` is production.
pub fn environment_from_tokens(s: &str) -> Option<Environment> {
    let lower = s.to_ascii_lowercase();
    let mut best: Option<Environment> = None;
    for t in tokens(&lower) {
        let env = match t {
            "prod" | "production" | "prd" | "live" => Environment::Production,
            "staging" | "stage" | "stg" | "preprod" | "uat" => Environment::Staging,
            "test" | "tests" | "testing" | "e2e" | "ci" | "testdata" | "fixtures" => {
                Environment::Test
            }
            "dev" | "develop" | "development" | "local" | "devcontainer" => {
                Environment::Development
            }
            _ => continue,
        };
        best = Some(match best {
            Some(b) if rank(b) <= rank(env) => b,
            _ => env,
        });
    }
    best
}

fn rank(env: Environment) -> u8 {
    match env {
        Environment::Production => 0,
        Environment::Staging => 1,
        Environment::Test => 2,
        Environment::Development => 3,
        Environment::Template => 4,
        Environment::Unknown => 5,
    }
}

/// The environment of a file from its path relative to the checked root: the file name's tokens
/// first, then the nearest folder that says one. Env templates are `template`.
pub fn environment_of(rel: &Path, kind: FileKind) -> Environment {
    if kind == FileKind::EnvTemplate {
        return Environment::Template;
    }
    let name = file_name(rel);
    if let Some(env) = environment_from_tokens(&name) {
        return env;
    }
    for dir in dirs(rel).iter().rev() {
        if let Some(env) = environment_from_tokens(dir) {
            return env;
        }
    }
    Environment::Unknown
}

/// For an env template, the environment it is a template of (`.env.staging.example` → staging).
pub fn template_target(name: &str) -> Option<Environment> {
    environment_from_tokens(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind(p: &str) -> Option<FileKind> {
        kind_from_name(Path::new(p))
    }

    #[test]
    fn compose_names() {
        for p in [
            "compose.yaml",
            "compose.yml",
            "docker-compose.yml",
            "infra/docker/docker-compose.local-prod.yml",
            "docker-compose-otel.yml",
            "stack.compose.yaml",
            "compose.override.yml",
        ] {
            assert_eq!(kind(p), Some(FileKind::Compose), "{p}");
        }
        assert_eq!(kind("composer.yml"), None);
    }

    #[test]
    fn env_names_and_templates() {
        for p in [
            ".env",
            ".env.production",
            "prod.env",
            "env/netbox.env",
            "defaults.env",
        ] {
            assert!(
                matches!(kind(p), Some(FileKind::Env | FileKind::EnvTemplate)),
                "{p}"
            );
        }
        assert_eq!(kind(".env.example"), Some(FileKind::EnvTemplate));
        assert_eq!(kind(".env.staging.example"), Some(FileKind::EnvTemplate));
        assert_eq!(kind("env.sample"), Some(FileKind::EnvTemplate));
        assert_eq!(kind(".env.production"), Some(FileKind::Env));
        for p in [
            ".envrc",
            ".env.swp",
            ".env~",
            ".env.json",
            "settings.env.bak",
        ] {
            assert_eq!(kind(p), None, "{p}");
        }
        assert_eq!(kind("env.py"), Some(FileKind::PythonSource));
    }

    #[test]
    fn other_names() {
        assert_eq!(
            kind("config/pgbouncer/userlist.txt"),
            Some(FileKind::PgbouncerUserlist)
        );
        assert_eq!(kind("pgbouncer.ini"), Some(FileKind::PgbouncerIni));
        assert_eq!(
            kind("config/pgbouncer/databases.ini"),
            Some(FileKind::PgbouncerIni)
        );
        assert_eq!(kind("config/databases.ini"), None);
        assert_eq!(kind("pgbouncer-tools/src/tox.ini"), None);
        assert_eq!(kind("backend/Dockerfile"), Some(FileKind::Dockerfile));
        assert_eq!(kind("Dockerfile.prod"), Some(FileKind::Dockerfile));
        assert_eq!(kind("web.dockerfile"), Some(FileKind::Dockerfile));
        assert_eq!(kind(".dockerignore"), Some(FileKind::Dockerignore));
        assert_eq!(
            kind("Dockerfile.dockerignore"),
            Some(FileKind::Dockerignore)
        );
        assert_eq!(
            kind("Dockerfile.prod.dockerignore"),
            Some(FileKind::Dockerignore)
        );
        assert_eq!(
            kind("backend/core/settings.py"),
            Some(FileKind::DjangoSettingsSource)
        );
        assert_eq!(
            kind("app/settings/production.py"),
            Some(FileKind::DjangoSettingsSource)
        );
        assert_eq!(
            kind("grafana/provisioning/datasources/ds.yml"),
            Some(FileKind::GrafanaDatasources)
        );
        assert_eq!(
            kind("prometheus/alert.rules"),
            Some(FileKind::PrometheusRules)
        );
        assert_eq!(
            kind("alertmanager/alertmanager.yml"),
            Some(FileKind::Alertmanager)
        );
        assert_eq!(kind("README.md"), None);
    }

    #[test]
    fn ambiguous_yaml_is_sniffed() {
        let p = Path::new("monitoring/prometheus.yml");
        assert_eq!(
            sniff(p, "global:\n  scrape_interval: 15s\nscrape_configs: []\n"),
            Some(FileKind::Prometheus)
        );
        assert_eq!(
            sniff(p, "apiVersion: 1\ndatasources:\n  - name: Prometheus\n"),
            Some(FileKind::GrafanaDatasources)
        );
        assert_eq!(
            sniff(
                Path::new("prometheus-alerts.yml"),
                "groups:\n- name: x\n  rules: []\n"
            ),
            Some(FileKind::PrometheusRules)
        );
        assert_eq!(
            sniff(
                Path::new("settings.json"),
                "{\"SECRET_KEY\": \"<redacted:50 chars>\"}"
            ),
            Some(FileKind::DjangoSettingsExport)
        );
        assert_eq!(sniff(p, "foo: bar\n"), None);
        assert_eq!(
            sniff(p, "alerting:\n  alertmanagers: []\n"),
            Some(FileKind::Prometheus)
        );
        assert_eq!(
            sniff(p, "remote_write:\n  - url: http://x\n"),
            Some(FileKind::Prometheus)
        );
    }

    #[test]
    fn groups_without_rules_are_not_rule_files() {
        // samber/awesome-prometheus-alerts keeps its catalogue as `groups:` of services.
        let p = Path::new("_data/rules.yml");
        let catalogue = "groups:\n  - name: Basic\n    services:\n      - name: Prometheus\n        exporters:\n          - rules:\n              - name: Target missing\n                query: up == 0\n";
        assert_eq!(sniff(p, catalogue), None);
        assert_eq!(
            sniff(p, "groups:\n  - name: r\n    rules:\n      - record: job:up:sum\n        expr: sum(up)\n"),
            Some(FileKind::PrometheusRules)
        );
        assert_eq!(
            sniff(p, "groups:\n  - name: rules\n    rules: []\n"),
            Some(FileKind::PrometheusRules)
        );
    }

    #[test]
    fn alertmanager_and_rule_folders_are_sniffed() {
        assert!(could_be_sniffed(Path::new("alertmanager/config.yml")));
        assert!(could_be_sniffed(Path::new("deploy/alerts/node.yml")));
        assert_eq!(
            sniff(
                Path::new("alertmanager/config.yml"),
                "route:\n  receiver: ops\nreceivers:\n  - name: ops\n"
            ),
            Some(FileKind::Alertmanager)
        );
        assert!(!could_be_sniffed(Path::new("app/config.yml")));
        assert!(could_be_sniffed(Path::new("deploy/settings/export.json")));
        assert!(could_be_sniffed(Path::new("prod-settings.json")));
        assert!(!could_be_sniffed(Path::new("deploy/config/export.json")));
    }

    #[test]
    fn environments_from_paths() {
        let env = |p: &str| environment_of(Path::new(p), FileKind::Compose);
        assert_eq!(env("docker-compose.prod.yml"), Environment::Production);
        assert_eq!(
            env("infra/docker/docker-compose.local-prod.yml"),
            Environment::Production
        );
        assert_eq!(env("docker-compose.e2e.yml"), Environment::Test);
        // Test data of the checked project describes no deployment of its own.
        assert_eq!(env("testdata/stacks/docker-compose.yml"), Environment::Test);
        assert_eq!(env("spec/fixtures/.env"), Environment::Test);
        assert_eq!(
            env("testdata/docker-compose.prod.yml"),
            Environment::Production
        );
        assert_eq!(env("docker-compose.staging.yml"), Environment::Staging);
        assert_eq!(env("docker-compose.yml"), Environment::Unknown);
        assert_eq!(
            env("deploy/production/docker-compose.yml"),
            Environment::Production
        );
        assert_eq!(env("docker-compose.dev.yml"), Environment::Development);
        assert_eq!(env("testdata/docker-compose.yml"), Environment::Test);
        assert_eq!(
            environment_of(Path::new(".env.production.example"), FileKind::EnvTemplate),
            Environment::Template
        );
        assert_eq!(
            template_target(".env.staging.example"),
            Some(Environment::Staging)
        );
    }

    #[test]
    fn display_paths_are_relative_with_forward_slashes() {
        let cwd = Path::new("/repo");
        assert_eq!(display_path(Path::new("/repo/a/b.yml"), cwd), "a/b.yml");
        assert_eq!(
            display_path(Path::new("/elsewhere/b.yml"), cwd),
            "/elsewhere/b.yml"
        );
    }
}
