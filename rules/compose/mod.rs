//! `CMP`: Docker Compose files — secrets written into them, settings left at their development
//! values, and names and files they refer to that do not exist. The helpers below answer what
//! several of these rules ask: which Compose files Compose loads together, whether a host path
//! exists or is gitignored, which declared name a typo was meant to be, and whether a file of
//! unknown environment says that it is for development.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use ignore::gitignore::{Gitignore, GitignoreBuilder};

use crate::discover;
use crate::index::Index;
use crate::parse::compose::{ComposeFile, KeyValue};
use crate::project::Project;
use crate::source::{FileId, Span};

crate::family_rules! {
    fallback_secret => FallbackSecret,
    hardcoded_secret => HardcodedSecret,
    undeclared_secret => UndeclaredSecret,
    development_setting => DevelopmentSetting,
    undeclared_resource => UndeclaredResource,
    missing_env_file => MissingEnvFile,
    missing_mount_source => MissingMountSource,
    undefined_service => UndefinedService,
    unescaped_shell_variable => UnescapedShellVariable,
}

// ---------------------------------------------------------------------------------------------
// Compose files loaded together
// ---------------------------------------------------------------------------------------------

/// Compose files that are loaded together and so share services and top-level declarations: a
/// file with the files it includes and the file that includes it (transitively), and the files
/// of one folder, which are overlays combined with `-f` (`docker-compose.override.yml`,
/// `docker-compose.prod.yml`). A name one of them declares counts as declared for all: the
/// rules about undeclared names stay silent rather than guess which files a deploy combines.
pub(crate) struct ComposeGroups {
    group: HashMap<FileId, usize>,
}

impl ComposeGroups {
    pub(crate) fn new(project: &Project) -> ComposeGroups {
        let entries = project.index.compose_files();
        let mut parent: Vec<usize> = (0..entries.len()).collect();
        fn root(parent: &mut [usize], mut i: usize) -> usize {
            while parent[i] != i {
                parent[i] = parent[parent[i]];
                i = parent[i];
            }
            i
        }
        let union = |parent: &mut Vec<usize>, a: usize, b: usize| {
            let (ra, rb) = (root(parent, a), root(parent, b));
            parent[ra.max(rb)] = ra.min(rb);
        };
        let position: HashMap<FileId, usize> = entries
            .iter()
            .enumerate()
            .map(|(i, e)| (e.file, i))
            .collect();
        let mut by_dir: HashMap<PathBuf, usize> = HashMap::new();
        for (i, entry) in entries.iter().enumerate() {
            if let Some(&j) = entry.included_by.and_then(|(by, _)| position.get(&by)) {
                union(&mut parent, i, j);
            }
            let dir = folder_of(&project.file(entry.file).source.path);
            match by_dir.get(&dir) {
                Some(&j) => union(&mut parent, i, j),
                None => {
                    by_dir.insert(dir, i);
                }
            }
        }
        let group = entries
            .iter()
            .enumerate()
            .map(|(i, e)| (e.file, root(&mut parent, i)))
            .collect();
        ComposeGroups { group }
    }

    /// Whether Compose may load the two files together.
    pub(crate) fn together(&self, a: FileId, b: FileId) -> bool {
        a == b || (self.group.contains_key(&a) && self.group.get(&a) == self.group.get(&b))
    }

    /// The Compose files loaded together with `file` (itself included), in file order.
    pub(crate) fn members<'a>(
        &'a self,
        index: &'a Index,
        file: FileId,
    ) -> impl Iterator<Item = FileId> + 'a {
        index
            .compose_files()
            .iter()
            .map(|e| e.file)
            .filter(move |&other| self.together(file, other))
    }
}

/// The names Compose loads by default, each with the override file it then loads beside it.
const DEFAULT_FILES: &[&str] = &[
    "compose.yaml",
    "compose.yml",
    "docker-compose.yaml",
    "docker-compose.yml",
];
const OVERRIDE_FILES: &[&str] = &[
    "compose.override.yaml",
    "compose.override.yml",
    "docker-compose.override.yaml",
    "docker-compose.override.yml",
];

/// Whether Compose may load `file` together with a file the project does not show, which
/// could then declare what `file` uses:
///
/// - a file Compose loads by default (`compose.yaml`, `docker-compose.yml`) whose override file
///   is not in the project: Compose loads `compose.override.yaml` beside it automatically, and
///   projects such as docker-zulip ship the base file only and have each installation write
///   the override (from `compose.override.yaml.example`), declaring the secrets the base uses;
/// - an overlay, a file with a service that has neither `image` nor `build` nor `extends` and
///   so cannot run alone: it is combined with `-f` with a base file, possibly in another
///   folder (`docker compose -f docker-compose.yml -f deploy/prod.yml`).
pub(crate) fn may_combine_with_unseen_file(project: &Project, file: FileId) -> bool {
    let Some(entry) = project.index.compose(file) else {
        return false;
    };
    let overlay = entry
        .model
        .services
        .iter()
        .any(|s| s.image.is_none() && s.build.is_none() && s.extends.is_none());
    if overlay {
        return true;
    }
    // An included file is loaded by its path, without an override.
    if entry.included_by.is_some() {
        return false;
    }
    let path = discover::normalize(&project.file(file).source.path);
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    if !DEFAULT_FILES.contains(&name.as_str()) {
        return false;
    }
    let dir = folder_of(&path);
    !OVERRIDE_FILES
        .iter()
        .any(|o| project.index.compose_at(&dir.join(o)).is_some())
}

/// The folder of a file, normalized.
pub(crate) fn folder_of(path: &Path) -> PathBuf {
    discover::normalize(path)
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default()
}

// ---------------------------------------------------------------------------------------------
// Names
// ---------------------------------------------------------------------------------------------

/// The declared name `name` was probably meant to be: the closest candidate by edit distance,
/// counting `-` and `_` and letter case as the same, within one edit for short names and two
/// for longer ones. Ties go to the first candidate in sorted order, so the answer is stable.
pub(crate) fn near_miss<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let fold = |s: &str| s.to_ascii_lowercase().replace('-', "_");
    let folded = fold(name);
    let limit = if name.chars().count() <= 4 { 1 } else { 2 };
    candidates
        .into_iter()
        .filter(|c| *c != name)
        .map(|c| (crate::text::edit_distance(&fold(c), &folded), c))
        .filter(|(d, _)| *d <= limit)
        .min()
        .map(|(_, c)| c)
}

// ---------------------------------------------------------------------------------------------
// Host paths
// ---------------------------------------------------------------------------------------------

/// Whether a host path exists. Compose follows symbolic links, so a dangling one does not
/// count.
pub(crate) fn exists(path: &Path) -> bool {
    path.exists()
}

/// The `.gitignore` rules of the repositories around the checked files, read from disk (ignored
/// files are not discovered, so the project's own file list cannot say what exists). A file that
/// is gitignored is one each installation creates at deploy time: `.env`, certificates, secret
/// files; its absence from the repository is expected.
#[derive(Default)]
pub(crate) struct Gitignores {
    /// The parsed `.gitignore` of a folder (`None` when it has none).
    by_dir: HashMap<PathBuf, Option<Gitignore>>,
    /// `.git/info/exclude` of a repository root.
    excludes: HashMap<PathBuf, Option<Gitignore>>,
}

impl Gitignores {
    /// Whether git ignores `path` (normalized, absolute). Folders from the path's up to the
    /// repository root (the nearest one holding `.git`) are consulted, the nearest first, as git
    /// does; outside a repository, only folders up to `fallback_root`.
    pub(crate) fn ignored(&mut self, path: &Path, fallback_root: &Path) -> bool {
        let path = discover::normalize(path);
        let mut dirs: Vec<PathBuf> = Vec::new();
        let mut repo_root = None;
        for dir in path.ancestors().skip(1) {
            dirs.push(dir.to_path_buf());
            if dir.join(".git").exists() {
                repo_root = Some(dir.to_path_buf());
                break;
            }
        }
        if repo_root.is_none() {
            match dirs.iter().position(|d| d == fallback_root) {
                Some(at) => dirs.truncate(at + 1),
                None => dirs.truncate(1),
            }
        }
        for dir in &dirs {
            let matcher = self
                .by_dir
                .entry(dir.clone())
                .or_insert_with(|| load(dir, &dir.join(".gitignore")));
            if let Some(verdict) = matched(matcher.as_ref(), &path) {
                return verdict;
            }
        }
        if let Some(root) = repo_root {
            let matcher = self
                .excludes
                .entry(root.clone())
                .or_insert_with(|| load(&root, &root.join(".git/info/exclude")));
            if let Some(verdict) = matched(matcher.as_ref(), &path) {
                return verdict;
            }
        }
        false
    }
}

fn load(dir: &Path, file: &Path) -> Option<Gitignore> {
    let text = std::fs::read_to_string(file).ok()?;
    let mut builder = GitignoreBuilder::new(dir);
    for line in text.lines() {
        // A line the matcher cannot compile is skipped, as git skips it.
        let _ = builder.add_line(None, line);
    }
    builder.build().ok()
}

/// `Some(true)` when the rules ignore `path` (as a file or as a folder), `Some(false)` when they
/// re-include it, `None` when they say nothing.
fn matched(matcher: Option<&Gitignore>, path: &Path) -> Option<bool> {
    let matcher = matcher?;
    if !path.starts_with(matcher.path()) {
        return None;
    }
    for is_dir in [false, true] {
        let m = matcher.matched_path_or_any_parents(path, is_dir);
        if m.is_ignore() {
            return Some(true);
        }
        if m.is_whitelist() {
            return Some(false);
        }
    }
    None
}

// ---------------------------------------------------------------------------------------------
// Settings and development markers
// ---------------------------------------------------------------------------------------------

/// Variables that turn on a framework's debug mode.
pub(crate) const DEBUG_VARIABLES: &[&str] = &["DEBUG", "DJANGO_DEBUG", "FLASK_DEBUG", "APP_DEBUG"];

/// Variables that name the environment an application runs as.
pub(crate) const ENVIRONMENT_VARIABLES: &[&str] = &[
    "DJANGO_ENV",
    "ENVIRONMENT",
    "APP_ENV",
    "NODE_ENV",
    "RAILS_ENV",
    "RACK_ENV",
    "FLASK_ENV",
];

/// Environment names that mean development.
pub(crate) fn is_development_name(value: &str) -> bool {
    matches!(
        value.trim().to_ascii_lowercase().as_str(),
        "development" | "dev" | "develop" | "local"
    )
}

/// A Django settings module meant for development (`config.settings.dev`, `app.settings_local`).
pub(crate) fn is_development_settings_module(value: &str) -> bool {
    let last = value.trim().rsplit('.').next().unwrap_or_default();
    let last = last.strip_prefix("settings_").unwrap_or(last);
    is_development_name(last)
}

/// How Python's `bool`-like settings readers (django-environ, `strtobool`) read a value:
/// `Some(true)` for `true`/`1`/`yes`/`on`, `Some(false)` for `false`/`0`/`no`/`off`.
pub(crate) fn truthiness(value: &str) -> Option<bool> {
    match value.trim().to_ascii_lowercase().as_str() {
        "true" | "1" | "yes" | "on" | "y" | "t" => Some(true),
        "false" | "0" | "no" | "off" | "n" | "f" => Some(false),
        _ => None,
    }
}

/// An `environment:` entry's value when it is literal text (no interpolation).
pub(crate) fn literal_value(var: &KeyValue) -> Option<&str> {
    let value = var.value.as_deref()?;
    let template = crate::parse::interpolate::parse(value);
    template.is_literal().then_some(value)
}

/// Where a Compose file says that it is for development: a literal `NODE_ENV=development`
/// (or `DJANGO_ENV`, `APP_ENV`, …), `DEBUG=true`, a `DJANGO_SETTINGS_MODULE` naming a
/// development module, or a build `target` named `dev`/`development`. Rules that judge files
/// of unknown environment as "could be production" leave such files alone: they say what
/// they are for.
pub(crate) fn development_marker(compose: &ComposeFile) -> Option<Span> {
    for service in &compose.services {
        for var in &service.environment {
            let Some(value) = literal_value(var) else {
                continue;
            };
            let upper = var.name.to_ascii_uppercase();
            let marks = (ENVIRONMENT_VARIABLES.contains(&upper.as_str())
                && is_development_name(value))
                || (DEBUG_VARIABLES.contains(&upper.as_str()) && truthiness(value) == Some(true))
                || (upper == "DJANGO_SETTINGS_MODULE" && is_development_settings_module(value));
            if marks {
                return Some(var.span);
            }
        }
        if let Some(target) = service.build.as_ref().and_then(|b| b.target.as_ref()) {
            if is_development_name(&target.value) {
                return Some(target.span);
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn near_miss_suggests_close_names_only() {
        let names = ["postgres_data", "redis-data", "static", "db"];
        assert_eq!(
            near_miss("postgres-data", names.iter().copied()),
            Some("postgres_data")
        );
        assert_eq!(near_miss("postgres_dat", names), Some("postgres_data"));
        assert_eq!(near_miss("dbb", names), Some("db"));
        assert_eq!(near_miss("media", names), None);
        assert_eq!(near_miss("db", names), None);
        assert_eq!(near_miss("es", names), None);
    }

    #[test]
    fn development_names_and_settings_modules() {
        assert!(is_development_name("Development"));
        assert!(is_development_name("local"));
        assert!(!is_development_name("production"));
        assert!(is_development_settings_module("bakerydemo.settings.dev"));
        assert!(is_development_settings_module("app.settings_local"));
        assert!(!is_development_settings_module("app.settings.production"));
        assert!(!is_development_settings_module("core.settings"));
    }

    #[test]
    fn development_marker_finds_literal_development_values() {
        let marked = |text: &str| {
            let (compose, _) = crate::parse::compose::build(&crate::parse::yaml::parse(text));
            development_marker(&compose).map(|s| text[s.range()].to_string())
        };
        assert_eq!(
            marked("services:\n  app:\n    environment:\n      - NODE_ENV=development\n"),
            Some("NODE_ENV=development".into())
        );
        assert_eq!(
            marked("services:\n  app:\n    build:\n      target: dev\n"),
            Some("dev".into())
        );
        assert_eq!(
            marked("services:\n  app:\n    environment:\n      DEBUG: ${DEBUG:-true}\n"),
            None
        );
        assert_eq!(
            marked("services:\n  app:\n    environment:\n      NODE_ENV: production\n"),
            None
        );
    }

    #[test]
    fn gitignore_rules_apply_from_the_nearest_folder_up_to_the_repository() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join(".git")).unwrap();
        std::fs::create_dir_all(root.join("deploy/certs")).unwrap();
        std::fs::write(root.join(".gitignore"), ".env\nsecrets/\n*.pem\n").unwrap();
        std::fs::write(root.join("deploy/.gitignore"), "!keep.pem\n").unwrap();
        let mut g = Gitignores::default();
        assert!(g.ignored(&root.join(".env"), root));
        assert!(g.ignored(&root.join("deploy/.env"), root));
        assert!(g.ignored(&root.join("deploy/secrets/db.txt"), root));
        assert!(g.ignored(&root.join("deploy/secrets"), root));
        assert!(g.ignored(&root.join("deploy/certs/site.pem"), root));
        assert!(!g.ignored(&root.join("deploy/keep.pem"), root));
        assert!(!g.ignored(&root.join("deploy/nginx.conf"), root));
    }
}
