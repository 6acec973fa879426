//! `CMP`: Docker Compose files — secrets written into them, settings left at their development
//! values, and names and files they refer to that do not exist. The helpers below answer what
//! several of these rules ask: which Compose files Compose loads together, whether a host path
//! exists or is gitignored, which declared name a typo was meant to be, and whether a file of
//! unknown environment says that it is for development. The rules about how services run —
//! health checks, images, exposure, privileges, replicas, backups — ask more: which
//! definitions Compose merges into one service, whether a service is a long-running one or a
//! one-shot job, which image a service runs and whether it says which build it is, and what
//! the image a service builds declares ([`Stack`] and the helpers after it).

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use ignore::gitignore::{Gitignore, GitignoreBuilder};

use crate::discover;
use crate::index::{Declaration, Index};
use crate::kind::Environment;
use crate::parse::compose::{ComposeFile, KeyValue, Service, Spanned};
use crate::parse::dockerfile::Stage;
use crate::parse::interpolate::{self, Piece};
use crate::project::Project;
use crate::rule::Ctx;
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
    missing_healthcheck => MissingHealthcheck,
    healthcheck_not_awaited => HealthcheckNotAwaited,
    untraceable_build_image => UntraceableBuildImage,
    unpinned_image => UnpinnedImage,
    internal_port_published => InternalPortPublished,
    missing_sibling_environment => MissingSiblingEnvironment,
    replica_without_replication => ReplicaWithoutReplication,
    volume_without_backup => VolumeWithoutBackup,
    privileged_container => PrivilegedContainer,
    docker_socket_mounted => DockerSocketMounted,
    host_network_mode => HostNetworkMode,
    missing_restart_policy => MissingRestartPolicy,
    missing_memory_limit => MissingMemoryLimit,
    healthy_dependency_without_healthcheck => HealthyDependencyWithoutHealthcheck,
    obsolete_version => ObsoleteVersion,
    port_bypasses_proxy => PortBypassesProxy,
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
    /// The project's groups, built on first use and shared.
    pub(crate) fn of(project: &Project) -> Arc<ComposeGroups> {
        project.derived(ComposeGroups::new)
    }

    fn new(project: &Project) -> ComposeGroups {
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

    /// The group of a Compose file (`None` for other files).
    fn group(&self, file: FileId) -> Option<usize> {
        self.group.get(&file).copied()
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

/// Per Compose file, the uses of `variable` that Compose replaces by an empty string when the
/// deploy environment lacks it: no env file or template of that file's stack declares the
/// variable (see `Index::env_sources_for`), and no use in a file loaded with it guards it with
/// `:?`. Files the rule does not judge are left out.
pub(crate) fn undeclared_uses<'v>(
    ctx: &Ctx<'_>,
    groups: &ComposeGroups,
    variable: &'v crate::index::Variable,
) -> Vec<(FileId, Vec<&'v crate::parse::compose::VarUse>)> {
    let project = ctx.project;
    let name = variable.name.as_str();
    let mut by_file: std::collections::BTreeMap<FileId, Vec<&crate::parse::compose::VarUse>> =
        std::collections::BTreeMap::new();
    for u in &variable.uses {
        by_file.entry(u.file).or_default().push(&u.at);
    }
    let guarded = |file: FileId| {
        by_file
            .iter()
            .filter(|(&other, _)| groups.together(file, other))
            .any(|(_, uses)| uses.iter().any(|u| u.required))
    };
    by_file
        .iter()
        .filter(|(&file, _)| {
            ctx.applies_to(project.file(file).source.environment)
                && project.index.declared_near(file, name).is_none()
                && !guarded(file)
        })
        .map(|(&file, uses)| (file, uses.clone()))
        .collect()
}

/// Relates a finding about an undeclared variable to a declaration in another stack, which
/// whoever deploys the reported file does not read.
pub(crate) fn relate_other_stack(
    d: &mut crate::diagnostic::Diagnostic,
    project: &Project,
    name: &str,
) {
    if let Some(elsewhere) = project.index.declarations(name).first() {
        d.related(
            elsewhere.file,
            elsewhere.key_span,
            "declared for another stack only: whoever deploys this file does not read it",
        );
    }
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

/// Further variables that name the environment, read only to tell a file's environment.
const MORE_ENVIRONMENT_VARIABLES: &[&str] = &["ENV", "APP_ENVIRONMENT", "MIX_ENV"];

/// The environment an environment name says: `production`/`prod` or `staging`/`stage`.
fn deployed_name(value: &str) -> Option<Environment> {
    match value.trim().to_ascii_lowercase().as_str() {
        "production" | "prod" => Some(Environment::Production),
        "staging" | "stage" => Some(Environment::Staging),
        _ => None,
    }
}

/// A Django settings module for a deployed environment (`config.settings.production`,
/// `app.settings_prod`).
fn deployed_settings_module(value: &str) -> Option<Environment> {
    let last = value.trim().rsplit('.').next().unwrap_or_default();
    deployed_name(last.strip_prefix("settings_").unwrap_or(last))
}

/// An `environment:` entry's value when it is literal text, or the literal default of a lone
/// `${VAR:-value}` (`${VAR-value}`): the value the file runs with unless the deploy says
/// otherwise.
fn value_or_default(var: &KeyValue) -> Option<String> {
    if let Some(value) = literal_value(var) {
        return Some(value.to_string());
    }
    let value = var.value.as_deref()?;
    let template = interpolate::parse(value);
    let [Piece::Expr(e)] = template.pieces.as_slice() else {
        return None;
    };
    let operand = e.operand.as_ref().filter(|_| e.op.is_default())?;
    operand.literal(value)
}

/// Where a Compose file's services say that they run in production or staging: an environment
/// variable (`NODE_ENV`, `DJANGO_ENV`, `APP_ENV`, `ENVIRONMENT`, `ENV`, …) set to
/// `production`/`prod` or `staging`, or a `DJANGO_SETTINGS_MODULE` naming such a module, as a
/// literal value or as the default of `${VAR:-production}`.
pub(crate) fn deployed_marker(compose: &ComposeFile) -> Option<(Environment, Span)> {
    let mut found: Option<(Environment, Span)> = None;
    for service in &compose.services {
        for var in &service.environment {
            let upper = var.name.to_ascii_uppercase();
            let environment_variable = ENVIRONMENT_VARIABLES.contains(&upper.as_str())
                || MORE_ENVIRONMENT_VARIABLES.contains(&upper.as_str());
            let settings = upper == "DJANGO_SETTINGS_MODULE";
            if !environment_variable && !settings {
                continue;
            }
            let Some(value) = value_or_default(var) else {
                continue;
            };
            let env = if settings {
                deployed_settings_module(&value)
            } else {
                deployed_name(&value)
            };
            match (env, found) {
                (Some(e), None) => found = Some((e, var.span)),
                // Production and staging services in one file: it says neither.
                (Some(e), Some((f, _))) if e != f => return None,
                _ => {}
            }
        }
    }
    found
}

/// The environment a Compose file's content says, for a file whose path and configuration
/// do not: production or staging when its services say so (see [`deployed_marker`]),
/// development when they say that (see [`development_marker`] and [`development_command`]),
/// and nothing when they say both or neither.
pub fn content_environment(compose: &ComposeFile) -> Option<Environment> {
    let development =
        development_marker(compose).is_some() || development_command(compose).is_some();
    match (deployed_marker(compose), development) {
        (Some((env, _)), false) => Some(env),
        (None, true) => Some(Environment::Development),
        _ => None,
    }
}

// ---------------------------------------------------------------------------------------------
// Services as Compose runs them
// ---------------------------------------------------------------------------------------------

/// One service of the project, as its position in [`Index::service_infos`].
type ServiceId = usize;

/// What [`Stack`] knows about the whole project, built once per run with
/// [`Project::derived`] and shared by every rule that asks about services: the deployments
/// Compose files form, every definition Compose merges into each service, which services run
/// once, which services build which images, and what application each service runs. Services
/// are named by [`ServiceId`], so the facts own no reference into the project.
pub(crate) struct StackFacts {
    groups: Arc<ComposeGroups>,
    /// Compose files that say they are for development (see [`Stack::judged`]).
    development: HashSet<FileId>,
    /// Each service by file and name (the last of a name, as the index keeps it).
    ids: HashMap<FileId, HashMap<String, ServiceId>>,
    /// The services of one deployment by name, in file order.
    by_name: HashMap<(usize, String), Vec<ServiceId>>,
    /// Services another service of the deployment waits for with
    /// `service_completed_successfully`: the files that wait.
    awaited: HashMap<(usize, String), Vec<FileId>>,
    /// The services that build images of a repository (`build:` with `image:`), in file order.
    built: HashMap<String, Vec<ServiceId>>,
    /// Answers for every service of every Compose file, by file and name.
    services: HashMap<FileId, HashMap<String, ServiceFacts>>,
}

/// What [`StackFacts`] keeps per service.
struct ServiceFacts {
    definitions: Vec<ServiceId>,
    /// For each definition, the service as it contributes to the merge when that differs
    /// from its source: without the values definitions of higher precedence replace.
    merged: Vec<Option<Box<Service>>>,
    one_shot: Option<&'static str>,
    application: Vec<String>,
}

impl StackFacts {
    /// The project's facts, built on first use.
    pub(crate) fn of(project: &Project) -> Arc<StackFacts> {
        project.derived(StackFacts::build)
    }

    fn build(project: &Project) -> StackFacts {
        let index = &project.index;
        let groups = ComposeGroups::of(project);
        let development = index
            .compose_files()
            .iter()
            .filter(|e| {
                development_marker(&e.model).is_some() || development_command(&e.model).is_some()
            })
            .map(|e| e.file)
            .collect();
        let mut facts = StackFacts {
            groups,
            development,
            ids: HashMap::new(),
            by_name: HashMap::new(),
            awaited: HashMap::new(),
            built: HashMap::new(),
            services: HashMap::new(),
        };
        for (id, info) in index.service_infos().iter().enumerate() {
            let (f, service) = (info.file, info.service());
            facts
                .ids
                .entry(f)
                .or_default()
                .insert(service.name.value.clone(), id);
            let Some(group) = facts.groups.group(f) else {
                continue;
            };
            facts
                .by_name
                .entry((group, service.name.value.clone()))
                .or_default()
                .push(id);
            for d in &service.depends_on {
                if d.condition() == "service_completed_successfully" {
                    facts
                        .awaited
                        .entry((group, d.service.value.clone()))
                        .or_default()
                        .push(f);
                }
            }
            if service.build.is_some() {
                let built = service
                    .image
                    .as_ref()
                    .and_then(|image| resolve_image(project, f, &image.value, true));
                if let Some(r) = built {
                    facts.built.entry(r.image.repository).or_default().push(id);
                }
            }
        }
        // Every name of a deployment, for each of its files: a file may ask about a service
        // another file of its deployment defines (the target of a `depends_on:`).
        let mut names: HashMap<usize, Vec<String>> = HashMap::new();
        for (group, name) in facts.by_name.keys() {
            names.entry(*group).or_default().push(name.clone());
        }
        let mut services: HashMap<FileId, HashMap<String, ServiceFacts>> = HashMap::new();
        for entry in index.compose_files() {
            let f = entry.file;
            let Some(group) = facts.groups.group(f) else {
                continue;
            };
            for name in names.get(&group).map_or(&[][..], Vec::as_slice) {
                let name = name.as_str();
                let stack = Stack {
                    project,
                    facts: &facts,
                };
                let definitions = facts.find_definitions(project, f, name);
                let merged = facts.merge(project, &definitions);
                let defs = stack.resolve(&definitions, &merged);
                let one_shot = stack.find_one_shot(&defs, f, name);
                let application = stack.find_application(&defs);
                services.entry(f).or_default().insert(
                    name.to_string(),
                    ServiceFacts {
                        definitions,
                        merged,
                        one_shot,
                        application,
                    },
                );
            }
        }
        facts.services = services;
        facts
    }

    fn service(&self, file: FileId, name: &str) -> Option<&ServiceFacts> {
        self.services.get(&file)?.get(name)
    }

    /// Whether a definition in `other` applies when `file` is deployed: files of one
    /// deployment, except that a development or test overlay does not count for a file that
    /// may be deployed.
    fn applies(&self, project: &Project, file: FileId, other: FileId) -> bool {
        if file == other {
            return true;
        }
        let same = self.groups.together(file, other);
        let env = |f: FileId| project.file(f).source.environment;
        let local = |e: Environment| matches!(e, Environment::Development | Environment::Test);
        same && (!local(env(other)) || local(env(file)))
    }

    /// What each definition of `ids` (see [`StackFacts::find_definitions`]) contributes once
    /// Compose merges them, when that is less than its source (`None` when it is all of it):
    ///
    /// - a service takes precedence over the services it `extends` (transitively): a value it
    ///   sets for a single-valued key (`image`, `command`, `restart`, `user`, …) replaces
    ///   theirs, its `environment:` replaces their variables of the same name and its
    ///   `volumes:` their mounts at the same container path; lists such as `ports:` add up;
    /// - a definition in an overlay file (one that says neither `image`, `build` nor
    ///   `extends`) takes precedence over the definitions it completes, but only where it says
    ///   so: which overlays a deploy combines is not known, so only its explicit `!reset` and
    ///   `!override` keys drop theirs;
    /// - a key tagged `!reset` or `!override`, or an `environment:` variable tagged `!reset`,
    ///   drops the value of every definition of lower precedence.
    fn merge(&self, project: &Project, ids: &[ServiceId]) -> Vec<Option<Box<Service>>> {
        let infos = project.index.service_infos();
        let position = |id: ServiceId| ids.iter().position(|&x| x == id);
        // (higher, lower, whether the higher one extends the lower one), by position.
        let mut pairs: Vec<(usize, usize, bool)> = Vec::new();
        let mut bases: HashSet<usize> = HashSet::new();
        for (i, &d) in ids.iter().enumerate() {
            let (mut at, mut current) = (infos[d].file, infos[d].name.clone());
            let mut above = vec![i];
            for _ in 0..8 {
                let Some((next_file, next)) = project.index.extended(at, &current) else {
                    break;
                };
                let next_id = self
                    .ids
                    .get(&next_file)
                    .and_then(|s| s.get(&next.name.value));
                let Some(j) = next_id.and_then(|&n| position(n)) else {
                    break;
                };
                if above.contains(&j) {
                    break;
                }
                pairs.extend(above.iter().map(|&h| (h, j, true)));
                above.push(j);
                bases.insert(j);
                at = next_file;
                current = next.name.value.clone();
            }
        }
        let overlay = |i: usize| {
            let s = infos[ids[i]].service();
            !bases.contains(&i) && s.image.is_none() && s.build.is_none() && s.extends.is_none()
        };
        for o in (0..ids.len()).filter(|&o| overlay(o)) {
            pairs.extend(
                (0..ids.len())
                    .filter(|&c| c != o && !overlay(c))
                    .map(|c| (o, c, false)),
            );
        }
        let mut merged: Vec<Option<Box<Service>>> = vec![None; ids.len()];
        for (hi, lo, extends) in pairs {
            let higher = infos[ids[hi]].service();
            let source = infos[ids[lo]].service();
            let mut cleared: Vec<&str> = higher.replaced_keys().collect();
            if extends {
                cleared.extend(
                    SINGLE_VALUED_KEYS
                        .iter()
                        .copied()
                        .filter(|k| higher.has_key(k)),
                );
            }
            // A variable the higher definition resets, or (over what it extends) sets.
            let replaces_variable = |name: &str| {
                higher.reset_environment.iter().any(|r| r.value == name)
                    || (extends && higher.env(name).is_some())
            };
            let replaced_env =
                |lower: &Service| lower.environment.iter().any(|v| replaces_variable(&v.name));
            let target = |v: &crate::parse::compose::Volume| {
                v.target
                    .as_ref()
                    .map(|t| t.value.trim_end_matches('/').to_string())
            };
            let higher_targets: HashSet<String> =
                higher.volumes.iter().filter_map(target).collect();
            let replaced_volume = |lower: &Service| {
                extends
                    && lower
                        .volumes
                        .iter()
                        .any(|v| target(v).is_some_and(|t| higher_targets.contains(&t)))
            };
            let current = merged[lo].as_deref().unwrap_or(source);
            let changes = cleared.iter().any(|k| current.has_key(k))
                || replaced_env(current)
                || replaced_volume(current);
            if !changes {
                continue;
            }
            let mut service = merged[lo]
                .take()
                .unwrap_or_else(|| Box::new(source.clone()));
            for k in &cleared {
                service.clear(k);
            }
            service.environment.retain(|v| !replaces_variable(&v.name));
            if extends {
                service
                    .volumes
                    .retain(|v| target(v).is_none_or(|t| !higher_targets.contains(&t)));
            }
            merged[lo] = Some(service);
        }
        merged
    }

    /// See [`Stack::definitions`].
    fn find_definitions(&self, project: &Project, file: FileId, name: &str) -> Vec<ServiceId> {
        let index = &project.index;
        let infos = index.service_infos();
        let Some(all) = self
            .groups
            .group(file)
            .and_then(|g| self.by_name.get(&(g, name.to_string())))
        else {
            return Vec::new();
        };
        // Its own definition first, then the other files' in file order: one per file.
        let mut out: Vec<ServiceId> = all
            .iter()
            .copied()
            .filter(|&d| infos[d].file == file)
            .collect();
        out.extend(all.iter().copied().filter(|&d| {
            let f = infos[d].file;
            f != file && self.applies(project, file, f)
        }));
        let mut extended: Vec<ServiceId> = Vec::new();
        for &d in &out {
            if infos[d].service().extends.is_none() {
                continue;
            }
            let (mut at, mut current) = (infos[d].file, infos[d].name.clone());
            for _ in 0..8 {
                let Some((next_file, next)) = index.extended(at, &current) else {
                    break;
                };
                let Some(&next_id) = self
                    .ids
                    .get(&next_file)
                    .and_then(|s| s.get(&next.name.value))
                else {
                    break;
                };
                if !out.contains(&next_id) && !extended.contains(&next_id) {
                    extended.push(next_id);
                }
                at = next_file;
                current = next.name.value.clone();
            }
        }
        out.extend(extended);
        out
    }
}

/// Service keys with one value, which the value of a service that `extends` another replaces.
const SINGLE_VALUED_KEYS: &[&str] = &[
    "image",
    "command",
    "entrypoint",
    "restart",
    "user",
    "network_mode",
    "container_name",
    "hostname",
    "working_dir",
    "stop_grace_period",
    "pull_policy",
    "privileged",
    "read_only",
    "init",
];

/// Which Compose files make up one deployment. Compose merges files given together with `-f`
/// (a base and its overlays sit in one folder) and the files an `include:` names, so a service
/// written in one of them may get its healthcheck, restart policy or environment from another.
/// Rules about what a service lacks look at every definition before reporting, and stay silent
/// rather than guess which of the files a deploy combines.
///
/// The answers come from the project's [`StackFacts`], built once and shared by every rule.
pub(crate) struct Stack<'a, F = Arc<StackFacts>> {
    pub(crate) project: &'a Project,
    facts: F,
}

/// One definition of a service: the file it is written in and the service.
pub(crate) type Definition<'a> = (FileId, &'a Service);

impl<'a> Stack<'a> {
    pub(crate) fn new(project: &'a Project) -> Stack<'a> {
        Stack {
            project,
            facts: StackFacts::of(project),
        }
    }
}

impl<'a, F: std::ops::Deref<Target = StackFacts>> Stack<'a, F> {
    pub(crate) fn environment(&self, file: FileId) -> Environment {
        self.project.file(file).source.environment
    }

    /// Whether a rule reports on `file`: its scope covers the file's environment, and a file of
    /// unknown environment does not say it is for development (see [`development_marker`] and
    /// [`development_command`]).
    pub(crate) fn judged(&self, ctx: &Ctx<'_>, file: FileId) -> bool {
        let env = self.environment(file);
        ctx.applies_to(env)
            && !(env == Environment::Unknown && self.facts.development.contains(&file))
    }

    /// See [`StackFacts::applies`].
    fn applies(&self, file: FileId, other: FileId) -> bool {
        self.facts.applies(self.project, file, other)
    }

    /// The definitions `ids`, each as merged (see [`StackFacts::merge`]) when `merged` has it.
    fn resolve<'s>(
        &'s self,
        ids: &[ServiceId],
        merged: &'s [Option<Box<Service>>],
    ) -> Vec<Definition<'s>> {
        let infos = self.project.index.service_infos();
        ids.iter()
            .enumerate()
            .map(|(i, &d)| {
                let source: &'s Service = infos[d].service();
                let service = merged.get(i).and_then(|m| m.as_deref()).unwrap_or(source);
                (infos[d].file, service)
            })
            .collect()
    }

    /// Every definition Compose may merge into the service `name` of `file`: its own, the
    /// services it `extends:` (transitively), and the same service in the other files of its
    /// deployment; each without the values a definition of higher precedence replaces (see
    /// [`StackFacts::merge`]), so that asking whether any definition has a value asks whether
    /// the merged service has it.
    pub(crate) fn definitions(&self, file: FileId, name: &str) -> Vec<Definition<'_>> {
        match self.facts.service(file, name) {
            Some(s) => self.resolve(&s.definitions, &s.merged),
            // No file of the deployment defines it.
            None => Vec::new(),
        }
    }

    /// Whether any definition of the service has what `has` looks for.
    pub(crate) fn any(&self, file: FileId, name: &str, has: impl Fn(&Service) -> bool) -> bool {
        self.definitions(file, name).iter().any(|(_, s)| has(s))
    }

    /// The services the rules about what a service lacks report on: the definitions that say
    /// what the service runs (`image:`, `build:` or `extends:`). An overlay that only adds
    /// settings is judged with the definition it completes.
    pub(crate) fn complete_services(&self) -> impl Iterator<Item = Definition<'a>> + 'a {
        self.project
            .index
            .services()
            .filter(|(_, s)| s.image.is_some() || s.build.is_some() || s.extends.is_some())
    }

    /// Why the service runs once and exits rather than for the life of the deployment, if it
    /// does: `restart: "no"`, a `restart_policy` of `none`, profiles that name a tool, a
    /// migration or setup command, a name that says so, a command that does nothing, or another
    /// service waiting for it to complete.
    pub(crate) fn one_shot(&self, file: FileId, name: &str) -> Option<&'static str> {
        match self.facts.service(file, name) {
            Some(s) => s.one_shot,
            None => self.find_one_shot(&self.definitions(file, name), file, name),
        }
    }

    fn find_one_shot(
        &self,
        defs: &[Definition<'_>],
        file: FileId,
        name: &str,
    ) -> Option<&'static str> {
        for (_, s) in defs.iter() {
            if let Some(r) = &s.restart {
                if matches!(r.value.trim().to_ascii_lowercase().as_str(), "no" | "false") {
                    return Some("it is not restarted");
                }
            }
            let policy = s.deploy.as_ref().and_then(|d| d.restart_policy.as_ref());
            if policy
                .and_then(|p| p.condition.as_ref())
                .is_some_and(|c| c.value.eq_ignore_ascii_case("none"))
            {
                return Some("it is not restarted");
            }
            if s.deploy
                .as_ref()
                .and_then(|d| d.replicas.as_ref())
                .is_some_and(|r| r.value.trim() == "0")
            {
                return Some("it runs no replica");
            }
            if !s.profiles.is_empty() && s.profiles.iter().all(|p| is_tool_profile(&p.value)) {
                return Some("its profiles name a tool");
            }
            let words = command_words(s);
            if !words.is_empty() && is_one_shot_command(&words) {
                return Some("its command runs once");
            }
        }
        if name_tokens(name).any(|t| ONE_SHOT_NAMES.contains(&t.as_str())) {
            return Some("its name says it runs once");
        }
        let awaited = self
            .facts
            .groups
            .group(file)
            .and_then(|g| self.facts.awaited.get(&(g, name.to_string())))
            .is_some_and(|files| files.iter().any(|&f| self.applies(file, f)));
        awaited.then_some("another service waits for it to complete")
    }

    /// The service of `file`'s deployment that builds images of `repository` from source, if
    /// one does: a service that only names such an image runs that build.
    pub(crate) fn builder_of(&self, file: FileId, repository: &str) -> Option<Definition<'a>> {
        let infos = self.project.index.service_infos();
        self.facts
            .built
            .get(repository)?
            .iter()
            .find(|&&d| self.applies(file, infos[d].file))
            .map(|&d| (infos[d].file, infos[d].service()))
    }

    /// Which long-running services of `file` follow a practice (`has`), for
    /// [`Practice::evidence`]. Rules build it once per file.
    pub(crate) fn practice(&self, file: FileId, has: impl Fn(&Service) -> bool) -> Practice<'a> {
        let mut practice = Practice {
            long_running: 0,
            with: Vec::new(),
        };
        let Some(compose) = self.project.file(file).model.compose() else {
            return practice;
        };
        for s in &compose.services {
            let name = s.name.value.as_str();
            let complete = s.image.is_some() || s.build.is_some() || s.extends.is_some();
            if !complete || self.one_shot(file, name).is_some() {
                continue;
            }
            practice.long_running += 1;
            if self.any(file, name, &has) {
                practice.with.push((s, self.application(file, name)));
            }
        }
        practice
    }

    /// What identifies the application a service runs: its build (context, Dockerfile and
    /// target) and its image repository.
    pub(crate) fn application(&self, file: FileId, name: &str) -> Vec<String> {
        match self.facts.service(file, name) {
            Some(s) => s.application.clone(),
            None => self.find_application(&self.definitions(file, name)),
        }
    }

    fn find_application(&self, defs: &[Definition<'_>]) -> Vec<String> {
        let index = &self.project.index;
        let mut out = Vec::new();
        for &(f, s) in defs {
            let Some(build) = &s.build else { continue };
            let Some(info) = index.info(f, &s.name.value) else {
                continue;
            };
            if let (Some(dir), Some(dockerfile)) = (&info.context_dir, &info.dockerfile_path) {
                let target = build.target.as_ref().map_or("", |t| t.value.as_str());
                out.push(format!(
                    "build {} {} {target}",
                    dir.display(),
                    dockerfile.display()
                ));
                break;
            }
        }
        let image = defs
            .iter()
            .find_map(|&(f, s)| s.image.as_ref().map(|i| (f, i)));
        if let Some((f, image)) = image {
            if let Some(r) = resolve_image(self.project, f, &image.value, true) {
                out.push(format!("image {}", r.image.repository));
            }
        }
        out
    }

    /// The Dockerfile stage the service's image is built from, with the Dockerfile's id: the
    /// `build.target` stage, else the last one.
    pub(crate) fn built_stage(&self, file: FileId, name: &str) -> Option<(FileId, &'a Stage)> {
        let defs = self.definitions(file, name);
        let target = defs
            .iter()
            .find_map(|(_, s)| s.build.as_ref()?.target.as_ref().map(|t| t.value.as_str()));
        for (f, s) in defs.iter() {
            let Some(dockerfile) = self.project.index.dockerfile(*f, &s.name.value) else {
                continue;
            };
            let Some(model) = self.project.file(dockerfile).model.dockerfile() else {
                continue;
            };
            let stage = match target {
                Some(t) => model.stage(t),
                None => model.final_stage(),
            };
            if let Some(stage) = stage {
                return Some((dockerfile, stage));
            }
        }
        None
    }

    /// The image the service runs, resolved (see [`resolve_image`]), with the definition that
    /// names it.
    pub(crate) fn image(&self, file: FileId, name: &str) -> Option<(FileId, &Spanned<String>)> {
        self.definitions(file, name)
            .iter()
            .find_map(|&(f, s)| s.image.as_ref().map(|i| (f, i)))
    }
}

/// Where a Compose file's commands say it is for development, beyond what
/// [`development_marker`] reads from its settings: a development server (`manage.py
/// runserver`, `--reload`) or a container kept idle for a developer to work in (`sleep
/// infinity`, `tail -f /dev/null`).
pub(crate) fn development_command(compose: &ComposeFile) -> Option<Span> {
    for service in &compose.services {
        let Some(command) = &service.command else {
            continue;
        };
        let words = command_words(service);
        let has = |w: &str| words.iter().any(|x| x == w);
        let idle = words
            .windows(2)
            .any(|p| p[0] == "sleep" && p[1] == "infinity")
            || (has("tail") && has("-f") && has("/dev/null"));
        if idle || has("runserver") || has("--reload") {
            return Some(command.span);
        }
    }
    None
}

/// The long-running services of judged Compose files that lack what `has` checks (a restart
/// policy, a memory limit), each with the sibling that has it when the file's environment is
/// unknown: there only a file whose services mostly follow the practice is held to it.
pub(crate) fn services_missing<'a>(
    ctx: &Ctx<'_>,
    stack: &Stack<'a>,
    has: fn(&Service) -> bool,
) -> Vec<(FileId, &'a Service, Option<&'a Service>)> {
    let mut out = Vec::new();
    let mut practices = HashMap::new();
    for (file, service) in stack.complete_services() {
        if !stack.judged(ctx, file) {
            continue;
        }
        let name = service.name.value.as_str();
        if stack.any(file, name, has) || stack.one_shot(file, name).is_some() {
            continue;
        }
        let evidence = if stack.environment(file) == Environment::Unknown {
            let practice = practices
                .entry(file)
                .or_insert_with(|| stack.practice(file, has));
            match practice.evidence(stack, file, name) {
                Some(sibling) => Some(sibling),
                None => continue,
            }
        } else {
            None
        };
        out.push((file, service, evidence));
    }
    out
}

/// Which long-running services of a Compose file follow a practice: have a health check, a
/// restart policy, a memory limit.
pub(crate) struct Practice<'a> {
    long_running: usize,
    /// The services that follow it, with their application (see [`Stack::application`]).
    with: Vec<(&'a Service, Vec<String>)>,
}

impl<'a> Practice<'a> {
    /// In a file of unknown environment, the evidence that its authors meant the practice for
    /// every long-running service, `name` (which does not follow it) included: a service
    /// running the same application (same build or image repository) follows it, or three
    /// quarters of the other long-running services (two at least) do. Returns the first such
    /// service.
    pub(crate) fn evidence(
        &self,
        stack: &Stack<'_>,
        file: FileId,
        name: &str,
    ) -> Option<&'a Service> {
        let others = self.long_running.saturating_sub(1);
        let with: Vec<&(&'a Service, Vec<String>)> = self
            .with
            .iter()
            .filter(|(s, _)| s.name.value != name)
            .collect();
        if with.len() >= 2 && with.len() * 4 >= others * 3 {
            return with.first().map(|(s, _)| *s);
        }
        let app = stack.application(file, name);
        with.into_iter()
            .find(|(_, a)| a.iter().any(|x| app.contains(x)))
            .map(|(s, _)| *s)
    }
}

/// The lower-case tokens of a service or volume name (`celery-worker_2` → `celery`, `worker`,
/// `2`).
pub(crate) fn name_tokens(name: &str) -> impl Iterator<Item = String> + '_ {
    name.split(['-', '_', '.'])
        .filter(|t| !t.is_empty())
        .map(|t| t.to_ascii_lowercase())
}

/// Service names of jobs that run once.
const ONE_SHOT_NAMES: &[&str] = &[
    "migrate",
    "migrations",
    "migration",
    "migrator",
    "init",
    "setup",
    "seed",
    "seeder",
    "bootstrap",
    "createbuckets",
    "collectstatic",
];

/// Profiles that hold tools run by hand rather than services.
fn is_tool_profile(profile: &str) -> bool {
    matches!(
        profile.to_ascii_lowercase().as_str(),
        "tool"
            | "tools"
            | "cli"
            | "debug"
            | "test"
            | "tests"
            | "testing"
            | "dev"
            | "development"
            | "setup"
            | "init"
            | "migrate"
            | "migration"
            | "migrations"
            | "manage"
            | "management"
            | "seed"
            | "util"
            | "utils"
            | "utility"
            | "maintenance"
            | "oneshot"
            | "one-off"
            | "job"
            | "jobs"
            | "script"
            | "scripts"
            | "console"
            | "shell"
    )
}

/// The words of the service's entrypoint and command, each shell word of a `sh -c` string
/// split again, in order.
pub(crate) fn command_words(service: &Service) -> Vec<String> {
    let mut out = Vec::new();
    for c in [&service.entrypoint, &service.command]
        .into_iter()
        .flatten()
    {
        for w in &c.argv {
            out.extend(
                w.value
                    .split_whitespace()
                    .flat_map(|p| split_operators(p))
                    .map(str::to_string),
            );
        }
    }
    out
}

/// Splits shell operators glued to words (`migrate&&` → `migrate`, `&&`).
fn split_operators(word: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = word;
    while let Some(at) = rest.find(['&', ';', '|']) {
        if at > 0 {
            out.push(&rest[..at]);
        }
        let end = rest[at..]
            .find(|c| !matches!(c, '&' | ';' | '|'))
            .map_or(rest.len(), |e| at + e);
        out.push(&rest[at..end]);
        rest = &rest[end..];
    }
    if !rest.is_empty() {
        out.push(rest);
    }
    out
}

/// Commands that do a job and exit: migrations, static files, admin accounts, or nothing.
fn is_one_shot_command(words: &[String]) -> bool {
    // The last command of a `a && b; c` chain is the one that keeps running.
    let last = words
        .rsplit(|w| matches!(w.as_str(), "&&" | ";" | "||" | "&"))
        .find(|seg| !seg.is_empty())
        .unwrap_or(words);
    let lower: Vec<String> = last
        .iter()
        .map(|w| w.trim_matches(['"', '\'']).to_ascii_lowercase())
        .collect();
    let first = lower.first().map(String::as_str).unwrap_or("");
    if matches!(first, "true" | "/bin/true" | "echo" | "exit") {
        return true;
    }
    lower.iter().any(|w| {
        matches!(
            w.as_str(),
            "migrate"
                | "makemigrations"
                | "collectstatic"
                | "createsuperuser"
                | "loaddata"
                | "compilemessages"
                | "db:migrate"
                | "db:seed"
                | "db:setup"
                | "db:prepare"
        ) || w.starts_with("migrate:")
    }) || lower.windows(2).any(|p| {
        matches!(
            (p[0].as_str(), p[1].as_str()),
            ("alembic", "upgrade") | ("db", "upgrade") | ("prisma", "migrate")
        )
    })
}

// ---------------------------------------------------------------------------------------------
// Images
// ---------------------------------------------------------------------------------------------

/// An image reference: `[registry/]repository[:tag][@digest]`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct ImageRef {
    /// The repository, lower case, without `docker.io/` and `library/` (`postgres`,
    /// `bitnami/postgresql`, `ghcr.io/org/app`).
    pub(crate) repository: String,
    pub(crate) tag: Option<String>,
    pub(crate) digest: bool,
}

impl ImageRef {
    /// Parses a literal reference.
    pub(crate) fn parse(text: &str) -> ImageRef {
        let text = text.trim();
        let (name, digest) = match text.split_once('@') {
            Some((n, _)) => (n, true),
            None => (text, false),
        };
        let slash = name.rfind('/').map_or(0, |i| i + 1);
        let (repository, tag) = match name[slash..].rfind(':') {
            Some(at) => (
                &name[..slash + at],
                Some(name[slash + at + 1..].to_string()),
            ),
            None => (name, None),
        };
        let mut repository = repository.to_ascii_lowercase();
        for prefix in ["docker.io/", "index.docker.io/", "registry-1.docker.io/"] {
            if let Some(rest) = repository.strip_prefix(prefix) {
                repository = rest.to_string();
            }
        }
        if let Some(rest) = repository.strip_prefix("library/") {
            repository = rest.to_string();
        }
        ImageRef {
            repository,
            tag,
            digest,
        }
    }

    /// How the reference pins what is pulled.
    pub(crate) fn pin(&self) -> Pin {
        if self.digest {
            return Pin::Digest;
        }
        match self.tag.as_deref() {
            None => Pin::Untagged,
            Some(t) if t.eq_ignore_ascii_case("latest") => Pin::Latest,
            Some(t) if !t.bytes().any(|b| b.is_ascii_digit()) && !self.is_distribution() => {
                Pin::Floating
            }
            Some(_) => Pin::Version,
        }
    }

    /// Distribution images, whose code-name tags (`bookworm`, `jammy`) are releases.
    fn is_distribution(&self) -> bool {
        matches!(self.repository.as_str(), "debian" | "ubuntu")
    }
}

/// How an image reference pins what is pulled or built.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Pin {
    Digest,
    /// A tag with a version number in it.
    Version,
    /// No tag: Compose uses `latest`.
    Untagged,
    Latest,
    /// A tag without a version (`alpine`, `stable`, `nightly`): it follows new releases.
    Floating,
}

impl Pin {
    pub(crate) fn is_pinned(self) -> bool {
        matches!(self, Pin::Digest | Pin::Version)
    }
}

/// An `image:` value with its interpolations resolved as far as the project tells.
#[derive(Clone, Debug)]
pub(crate) struct ResolvedImage<'a> {
    pub(crate) image: ImageRef,
    /// Variables whose fallback (`${TAG:-latest}`) decides the tag: the value used when the
    /// variable is unset.
    pub(crate) fallbacks: Vec<String>,
    /// Env file assignments that decide the value (`SENTRY_IMAGE=…` in the `.env` Compose reads).
    pub(crate) assignments: Vec<&'a Declaration>,
}

impl ResolvedImage<'_> {
    /// The value shown in messages.
    pub(crate) fn display(&self) -> String {
        let mut s = self.image.repository.clone();
        if let Some(t) = &self.image.tag {
            s.push(':');
            s.push_str(t);
        }
        s
    }
}

/// Resolves an `image:` value of the Compose file `file`: a variable takes its value from the
/// env file Compose reads for interpolation when that assigns it, else its literal fallback.
/// `None` when the repository or the tag depends on a variable the project does not set.
/// `with_fallbacks: false` resolves without fallbacks, to tell whether the fallback decides.
pub(crate) fn resolve_image<'a>(
    project: &'a Project,
    file: FileId,
    value: &str,
    with_fallbacks: bool,
) -> Option<ResolvedImage<'a>> {
    const UNKNOWN: char = '\u{0}';
    let template = interpolate::parse(value);
    let mut text = String::new();
    let mut fallbacks = Vec::new();
    let mut assignments = Vec::new();
    for piece in &template.pieces {
        match piece {
            Piece::Literal(s) => text.push_str(value.get(s.range()).unwrap_or_default()),
            Piece::Escaped(_) => text.push('$'),
            Piece::Expr(e) => {
                let assigned = project
                    .index
                    .declared_for(file, &e.name)
                    .filter(|d| !d.value.contains('$'));
                if let Some(d) = assigned {
                    text.push_str(&d.value);
                    assignments.push(d);
                    continue;
                }
                let fallback = e
                    .operand
                    .as_ref()
                    .filter(|_| e.op.is_default() && with_fallbacks)
                    .and_then(|o| o.literal(value));
                match fallback {
                    Some(f) => {
                        text.push_str(&f);
                        fallbacks.push(e.name.clone());
                    }
                    None => text.push(UNKNOWN),
                }
            }
        }
    }
    if text.trim().is_empty() {
        return None;
    }
    let image = ImageRef::parse(&text);
    let tail = image.repository.rsplit('/').next().unwrap_or("");
    let tag_unknown = image.tag.as_deref().is_some_and(|t| t.contains(UNKNOWN));
    // `${IMAGE}` or `app-${NAME}`: the variable may carry the tag.
    let untagged_unknown = image.tag.is_none() && tail.contains(UNKNOWN);
    if tag_unknown || untagged_unknown || (image.digest && text.contains(UNKNOWN)) {
        return None;
    }
    Some(ResolvedImage {
        image,
        fallbacks,
        assignments,
    })
}

/// Images whose upstream build declares a `HEALTHCHECK`.
const HEALTHCHECK_IMAGES: &str = include_str!("../data/healthcheck_images.txt");

/// Whether the image (a resolved repository) ships a `HEALTHCHECK` of its own.
pub(crate) fn image_has_healthcheck(repository: &str) -> bool {
    HEALTHCHECK_IMAGES
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .any(|pattern| match pattern.strip_suffix('*') {
            Some(prefix) => repository.starts_with(prefix),
            None => repository == pattern,
        })
}

/// Whether the image a service runs declares a health check Docker runs: its built
/// Dockerfile's `HEALTHCHECK` (not `NONE`), or an upstream image known to ship one, directly
/// or as the Dockerfile's base.
pub(crate) fn image_healthcheck(stack: &Stack<'_>, file: FileId, name: &str) -> bool {
    if let Some((dockerfile, stage)) = stack.built_stage(file, name) {
        return match &stage.healthcheck {
            Some(h) => !h.none,
            None => {
                let base = ImageRef::parse(&root_image(stack, dockerfile, stage));
                image_has_healthcheck(&base.repository)
            }
        };
    }
    let Some((f, image)) = stack.image(file, name) else {
        return false;
    };
    resolve_image(stack.project, f, &image.value, true)
        .is_some_and(|r| image_has_healthcheck(&r.image.repository))
}

/// The external image a stage's chain of `FROM <stage>` starts from.
pub(crate) fn root_image(stack: &Stack<'_>, dockerfile: FileId, stage: &Stage) -> String {
    let Some(model) = stack.project.file(dockerfile).model.dockerfile() else {
        return stage.image.clone();
    };
    let mut current = stage;
    for _ in 0..model.stages.len() {
        match current.parent.and_then(|p| model.stages.get(p)) {
            Some(p) => current = p,
            None => break,
        }
    }
    current.image.clone()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A project of Compose files (path, environment, text), indexed.
    pub(crate) fn compose_project(files: &[(&str, Environment, &str)]) -> Project {
        use crate::kind::FileKind;
        use crate::project::ParsedFile;
        use crate::source::SourceFile;
        let parsed = files
            .iter()
            .enumerate()
            .map(|(id, &(path, env, text))| {
                let (model, _) = crate::parse::parse(FileKind::Compose, text);
                let source = SourceFile::new(
                    path.into(),
                    path.into(),
                    FileKind::Compose,
                    env,
                    text.into(),
                );
                ParsedFile::new(id, source, model)
            })
            .collect();
        let mut project = Project::new("/p".into(), parsed);
        project.index = crate::index::build(&project.files);
        project
    }

    #[test]
    fn stacks_of_one_project_share_facts_built_once() {
        let project = compose_project(&[(
            "/p/compose.yml",
            Environment::Production,
            "services:\n  web:\n    image: app:1\n",
        )]);
        let (a, b) = (Stack::new(&project), Stack::new(&project));
        assert!(Arc::ptr_eq(&a.facts, &b.facts));
        assert!(Arc::ptr_eq(&a.facts.groups, &ComposeGroups::of(&project)));
    }

    #[test]
    fn definitions_come_from_the_deployment_and_extended_services_in_order() {
        let project = compose_project(&[
            (
                "/p/compose.yml",
                Environment::Production,
                "services:\n  web:\n    extends: base\n  base:\n    image: app:1\n  \
                 migrate:\n    image: app:1\n",
            ),
            (
                "/p/compose.prod.yml",
                Environment::Production,
                "services:\n  web:\n    restart: always\n    depends_on:\n      migrate:\n  \
                      condition: service_completed_successfully\n",
            ),
            (
                "/p/compose.dev.yml",
                Environment::Development,
                "services:\n  web:\n    restart: \"no\"\n",
            ),
            (
                "/q/compose.yml",
                Environment::Production,
                "services:\n  web:\n    restart: \"no\"\n  migrate:\n    image: app:1\n",
            ),
        ]);
        let stack = Stack::new(&project);
        let files: Vec<FileId> = stack.definitions(0, "web").iter().map(|d| d.0).collect();
        let names: Vec<&str> = stack
            .definitions(0, "web")
            .iter()
            .map(|d| d.1.name.value.as_str())
            .collect();
        // Its own, the production overlay's, then the service it extends; not the development
        // overlay's, not another folder's.
        assert_eq!(files, [0, 1, 0]);
        assert_eq!(names, ["web", "web", "base"]);
        // A development overlay sees every definition of its deployment.
        assert_eq!(stack.definitions(2, "web").len(), 4);
        assert_eq!(stack.one_shot(0, "web"), None);
        assert_eq!(stack.one_shot(2, "web"), Some("it is not restarted"));
        assert_eq!(
            stack.one_shot(0, "migrate"),
            Some("its name says it runs once")
        );
        assert!(stack.any(0, "web", |s| s.image.is_some()));
        // A name no file of the deployment defines has no definition.
        assert!(stack.definitions(0, "worker").is_empty());
    }

    #[test]
    fn extends_merges_as_compose_does_across_files() {
        let project = compose_project(&[
            (
                "/p/compose.yml",
                Environment::Production,
                "services:
  web:
    extends:
      file: common.yml
      service: base
    restart: always
    environment:
      DEBUG: \"false\"
    volumes:
      - ./conf:/etc/app
",
            ),
            (
                "/p/common.yml",
                Environment::Production,
                "services:
  base:
    image: app:1
    restart: \"no\"
    healthcheck:
      test: [CMD, \"true\"]
    environment:
      DEBUG: \"true\"
      TZ: UTC
    volumes:
      - data:/etc/app
      - logs:/var/log
    ports: [\"80:80\"]
",
            ),
        ]);
        let stack = Stack::new(&project);
        // The extended service's values the service does not replace are its own.
        assert!(stack.any(0, "web", |s| s.healthcheck.is_some()));
        assert!(stack.any(0, "web", |s| !s.ports.is_empty()));
        assert_eq!(stack.image(0, "web").map(|(f, _)| f), Some(1));
        // `restart: always` replaces `restart: "no"`: not a one-shot job.
        assert!(!stack.any(0, "web", |s| s
            .restart
            .as_ref()
            .is_some_and(|r| r.value == "no")));
        assert_eq!(stack.one_shot(0, "web"), None);
        // Environment merges by variable, volumes by container path.
        let env: Vec<(String, Option<String>)> = stack
            .definitions(0, "web")
            .iter()
            .flat_map(|(_, s)| s.environment.iter())
            .map(|v| (v.name.clone(), v.value.clone()))
            .collect();
        assert_eq!(
            env,
            [
                ("DEBUG".to_string(), Some("false".to_string())),
                ("TZ".to_string(), Some("UTC".to_string()))
            ]
        );
        let mounts: usize = stack
            .definitions(0, "web")
            .iter()
            .map(|(_, s)| s.volumes.len())
            .sum();
        assert_eq!(mounts, 2);
        // The extended service alone keeps all its values.
        assert_eq!(stack.one_shot(1, "base"), Some("it is not restarted"));
    }

    #[test]
    fn reset_and_override_drop_what_lower_definitions_say() {
        let project = compose_project(&[
            (
                "/p/compose.yml",
                Environment::Production,
                "services:
  web:
    image: app:1
    healthcheck:
      test: [CMD, \"true\"]
    ports: [\"80:80\"]
    restart: always
    environment:
      DEBUG: \"true\"
      TZ: UTC
  worker:
    extends: web
    healthcheck: !reset {}
",
            ),
            (
                "/p/compose.prod.yml",
                Environment::Production,
                "services:
  web:
    healthcheck: !reset null
    ports: !override
      - \"127.0.0.1:80:80\"
    environment:
      DEBUG: !reset null
",
            ),
        ]);
        let stack = Stack::new(&project);
        // The overlay resets the base's healthcheck and replaces its ports.
        assert!(!stack.any(0, "web", |s| s.healthcheck.is_some()));
        let hosts: Vec<Option<String>> = stack
            .definitions(0, "web")
            .iter()
            .flat_map(|(_, s)| s.ports.iter())
            .map(|p| p.host_ip.as_ref().map(|h| h.value.clone()))
            .collect();
        assert_eq!(hosts, [Some("127.0.0.1".to_string())]);
        // A value the overlay does not mention still counts.
        assert!(stack.any(0, "web", |s| s.restart.is_some()));
        // A variable reset in the overlay is gone, the others stay.
        assert!(!stack.any(0, "web", |s| s.env("DEBUG").is_some()));
        assert!(stack.any(0, "web", |s| s.env("TZ").is_some()));
        // A service resets what it extends.
        assert!(!stack.any(0, "worker", |s| s.healthcheck.is_some()));
        assert!(stack.any(0, "worker", |s| s.image.is_some()));
    }

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
    fn content_says_production_staging_or_development_unless_it_says_both() {
        let env = |services: &str| {
            let text = format!("services:\n{services}");
            let (compose, _) = crate::parse::compose::build(&crate::parse::yaml::parse(&text));
            content_environment(&compose)
        };
        let with = |vars: &str| env(&format!("  app:\n    environment:\n{vars}"));
        assert_eq!(
            with("      NODE_ENV: production\n"),
            Some(Environment::Production)
        );
        assert_eq!(
            with("      - APP_ENV=${APP_ENV:-prod}\n"),
            Some(Environment::Production)
        );
        assert_eq!(
            with("      DJANGO_SETTINGS_MODULE: config.settings_prod\n"),
            Some(Environment::Production)
        );
        assert_eq!(with("      ENV: Staging\n"), Some(Environment::Staging));
        assert_eq!(
            with("      NODE_ENV: development\n"),
            Some(Environment::Development)
        );
        // A required variable or one without a default says nothing.
        assert_eq!(with("      APP_ENV: ${APP_ENV}\n"), None);
        assert_eq!(with("      APP_ENV: ${APP_ENV:?production}\n"), None);
        // Not an environment variable, nor an environment name.
        assert_eq!(with("      SENTRY_ENVIRONMENT_TAG: production\n"), None);
        assert_eq!(
            with("      DJANGO_SETTINGS_MODULE: config.settings\n"),
            None
        );
        assert_eq!(with("      APP_ENV: production-eu\n"), None);
        // Both: production settings run by a development server, or two deployed environments.
        assert_eq!(
            env("  app:\n    command: python manage.py runserver\n    environment:\n      DJANGO_ENV: production\n"),
            None
        );
        assert_eq!(
            with("      NODE_ENV: production\n      APP_ENV: staging\n"),
            None
        );
        assert_eq!(env("  app:\n    image: nginx\n"), None);
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

    fn words(s: &str) -> Vec<String> {
        s.split_whitespace()
            .flat_map(split_operators)
            .map(str::to_string)
            .collect()
    }

    #[test]
    fn image_references_split_registry_ports_tags_and_digests() {
        let r = ImageRef::parse("localhost:5000/shop/app");
        assert_eq!(
            (r.repository.as_str(), r.tag.as_deref()),
            ("localhost:5000/shop/app", None)
        );
        assert_eq!(r.pin(), Pin::Untagged);
        let r = ImageRef::parse("docker.io/library/Postgres:16.4-alpine");
        assert_eq!((r.repository.as_str(), r.pin()), ("postgres", Pin::Version));
        assert_eq!(ImageRef::parse("redis:7@sha256:abc").pin(), Pin::Digest);
        assert_eq!(ImageRef::parse("nginx:LATEST").pin(), Pin::Latest);
        assert_eq!(ImageRef::parse("postgres:alpine").pin(), Pin::Floating);
        assert_eq!(ImageRef::parse("debian:bookworm").pin(), Pin::Version);
    }

    #[test]
    fn the_last_command_of_a_chain_decides_whether_a_service_runs_once() {
        assert!(is_one_shot_command(&words(
            "python manage.py migrate --noinput"
        )));
        assert!(is_one_shot_command(&words("sh -c alembic upgrade head")));
        assert!(!is_one_shot_command(&words(
            "python manage.py migrate && gunicorn app.wsgi"
        )));
        assert!(is_one_shot_command(&words("true")));
        assert!(!is_one_shot_command(&words("celery -A app worker")));
    }

    #[test]
    fn shell_operators_glued_to_words_are_split() {
        assert_eq!(
            words("migrate&&gunicorn app;true"),
            ["migrate", "&&", "gunicorn", "app", ";", "true"]
        );
    }
}
