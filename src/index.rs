//! The project index: cross-file facts built once per run, after parsing and before the rules.
//!
//! Cross-file rules ask the index instead of comparing files with each other: which Dockerfile
//! a service builds, whether its build context has a `.dockerignore`, what is mounted over a
//! container path, which env files a service reads, where an interpolated variable is used and
//! where it is declared, which named volumes, networks, secrets and configs are declared and
//! used. Every answer carries [`FileId`]s and spans, so a rule can report in one file and
//! relate the others. Lookups are hash-map or binary-search cheap; nothing here is recomputed
//! per rule.
//!
//! Paths are compared after lexical normalization ([`discover::normalize`]): a Compose file's
//! relative paths resolve against its folder, or against the `project_directory` of the
//! `include:` entry that includes it.
//!
//! ```
//! use shiplint::index;
//! use shiplint::kind::{Environment, FileKind};
//! use shiplint::parse;
//! use shiplint::project::ParsedFile;
//! use shiplint::source::SourceFile;
//!
//! let file = |id, path: &str, kind, text: &str| {
//!     let (model, issues) = parse::parse(kind, text);
//!     ParsedFile {
//!         id,
//!         source: SourceFile::new(path.into(), path.into(), kind, Environment::Production,
//!                                 text.into()),
//!         model, issues, unreadable: None, unknown_kind: false, reported: true,
//!         secrets: Vec::new(),
//!     }
//! };
//! let files = vec![
//!     file(0, "/p/compose.yml", FileKind::Compose,
//!          "services:\n  web:\n    build: ./web\n    volumes: [\"logs:/var/log/app\"]\n"),
//!     file(1, "/p/web/Dockerfile", FileKind::Dockerfile, "FROM python:3.12\n"),
//! ];
//! let index = index::build(&files);
//! assert_eq!(index.dockerfile(0, "web"), Some(1));
//! let covering = index.mounts_covering(0, "web", "/var/log/app/audit.log");
//! assert_eq!(covering.len(), 1);
//! ```

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::discover;
use crate::kind::FileKind;
use crate::parse::compose::{
    self, ComposeFile, EnvFileRef, Port, Resource, ResourceKind, Service, VarUse, VolumeType,
};
use crate::parse::Model;
use crate::project::ParsedFile;
use crate::source::{FileId, Span};

/// Deepest `volumes_from` chain followed when looking for mounts.
const VOLUMES_FROM_DEPTH: usize = 8;

/// Cross-file facts of a project. Build it with [`build`].
#[derive(Debug, Default)]
pub struct Index {
    /// Every file by normalized path, by folder and by file name, so that rules resolve a path
    /// written in one file without scanning every other.
    files_by_path: HashMap<PathBuf, FileId>,
    files_by_dir: HashMap<PathBuf, Vec<FileId>>,
    files_by_name: HashMap<std::ffi::OsString, Vec<FileId>>,
    composes: Vec<ComposeEntry>,
    compose_by_file: HashMap<FileId, usize>,
    compose_by_path: HashMap<PathBuf, FileId>,
    services: Vec<ServiceInfo>,
    service_by_name: HashMap<(FileId, String), usize>,
    dockerfiles: HashMap<PathBuf, FileId>,
    dockerignores: HashMap<PathBuf, FileId>,
    env_files: HashMap<PathBuf, FileId>,
    templates: Vec<FileId>,
    declarations: HashMap<String, Vec<Declaration>>,
    variables: BTreeMap<String, Variable>,
    named: BTreeMap<(ResourceKind, String), Named>,
}

/// A Compose file of the project and how its paths and variables resolve.
#[derive(Debug)]
pub struct ComposeEntry {
    pub file: FileId,
    pub model: Arc<ComposeFile>,
    /// The folder relative paths resolve against (its project directory): the file's folder,
    /// or the `project_directory` of the `include:` entry that includes it, resolved against
    /// the including file's project directory.
    pub base_dir: PathBuf,
    /// The `.env` file in the Compose file's folder, when the project has one (a real env
    /// file, not a template).
    pub dotenv: Option<FileId>,
    /// The env files Compose reads interpolation values from, later ones winning: the
    /// `env_file`s of the `include:` entry that includes this file when it names some, else
    /// the `.env` of its base folder; then, for an included file, the including file's
    /// (Compose keeps a variable the including file already sets).
    pub interpolation_env: Vec<FileId>,
    /// The Compose file and `include:` entry that include this one (transitively, the
    /// including file has its own).
    pub included_by: Option<(FileId, Span)>,
    /// The env templates that document this file's variables (see [`Index::templates_for`]).
    pub templates: Vec<FileId>,
    /// Every env file and template that speaks for this file's variables (see
    /// [`Index::env_sources_for`]).
    pub env_sources: Vec<FileId>,
}

/// Where a Compose file sits in the `include:` tree (see [`Index::place_composes`]).
struct Placement {
    base_dir: PathBuf,
    interpolation_env: Vec<FileId>,
    included_by: Option<(FileId, Span)>,
}

/// A service with what the index resolved for it.
#[derive(Debug)]
pub struct ServiceInfo {
    pub file: FileId,
    pub name: String,
    model: Arc<ComposeFile>,
    position: usize,
    /// The build context folder, when the service builds from a local, literal context (not a
    /// URL, not interpolated).
    pub context_dir: Option<PathBuf>,
    /// The Dockerfile path the build uses (`Dockerfile` in the context by default).
    pub dockerfile_path: Option<PathBuf>,
    /// That Dockerfile, when the project has it.
    pub dockerfile: Option<FileId>,
    /// The `.dockerignore` that applies to the build: `<Dockerfile>.dockerignore` beside the
    /// Dockerfile, else `.dockerignore` at the root of the context.
    pub dockerignore: Option<FileId>,
    /// Everything mounted into the container: volumes, tmpfs, secrets and configs.
    pub mounts: Vec<Mount>,
    /// `env_file:` entries, resolved.
    pub env_files: Vec<ResolvedEnvFile>,
}

impl ServiceInfo {
    pub fn service(&self) -> &Service {
        &self.model.services[self.position]
    }
}

/// Something mounted into a service's container.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mount {
    /// The service that declares the mount (another one for a `volumes_from` mount).
    pub service: String,
    /// The container path, normalized (no trailing `/`, no `.` or `..`).
    pub target: String,
    pub target_span: Span,
    pub source: MountSource,
    pub read_only: bool,
    /// The entry that declares the mount.
    pub span: Span,
    pub via_alias: Option<Span>,
}

/// Where a mount's content comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MountSource {
    /// A named volume: a key of the top-level `volumes:`.
    Volume(String),
    /// An anonymous volume (a target alone).
    Anonymous,
    /// A host folder or file; `resolved` is its normalized path when it is literal and not
    /// under `~` (relative paths resolve against the Compose file's base folder).
    HostPath {
        raw: String,
        resolved: Option<PathBuf>,
    },
    Tmpfs,
    /// A secret, at `/run/secrets/<name>` unless a target is given.
    Secret(String),
    Config(String),
    /// npipe, image and cluster mounts.
    Other,
}

/// An `env_file:` entry and the project file it names.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ResolvedEnvFile {
    pub reference: EnvFileRef,
    /// The normalized path, unless it is interpolated.
    pub path: Option<PathBuf>,
    /// The env file, when the project has it.
    pub file: Option<FileId>,
}

/// A variable assigned in an env file or env template.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Declaration {
    pub file: FileId,
    /// [`FileKind::Env`] or [`FileKind::EnvTemplate`].
    pub kind: FileKind,
    pub key_span: Span,
    /// The value's text without quotes.
    pub value_span: Span,
    pub value: String,
    /// The whole line.
    pub line_span: Span,
}

/// An interpolated variable and every place it is used.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Variable {
    pub name: String,
    /// In file order, then source order.
    pub uses: Vec<VariableUse>,
}

/// One use of a variable in a Compose file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VariableUse {
    pub file: FileId,
    pub at: VarUse,
}

/// Declarations and uses of one named volume, network, secret or config, across the project.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Named {
    pub declarations: Vec<NamedDeclaration>,
    pub uses: Vec<NamedUse>,
}

/// A top-level declaration.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NamedDeclaration {
    pub file: FileId,
    pub resource: Resource,
}

/// A service's reference to a named object.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NamedUse {
    pub file: FileId,
    pub service: String,
    /// The name where the service writes it.
    pub span: Span,
}

/// Where a service's environment variable comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EnvBinding<'a> {
    /// `environment:` of the service.
    Inline(&'a compose::EnvVar),
    /// An `env_file:` of the service.
    File(&'a Declaration),
}

/// Builds the index of `files` (each file's [`ParsedFile::id`] must be its position).
pub fn build(files: &[ParsedFile]) -> Index {
    let mut index = Index::default();
    for f in files {
        let path = discover::normalize(&f.source.path);
        index.files_by_path.insert(path.clone(), f.id);
        if let Some(dir) = path.parent() {
            index
                .files_by_dir
                .entry(dir.to_path_buf())
                .or_default()
                .push(f.id);
        }
        if let Some(name) = path.file_name() {
            index
                .files_by_name
                .entry(name.to_os_string())
                .or_default()
                .push(f.id);
        }
        match f.source.kind {
            FileKind::Dockerfile => {
                index.dockerfiles.insert(path, f.id);
            }
            FileKind::Dockerignore => {
                index.dockerignores.insert(path, f.id);
            }
            FileKind::Env | FileKind::EnvTemplate => {
                if f.source.kind == FileKind::EnvTemplate {
                    index.templates.push(f.id);
                }
                if let Some(env) = f.model.env() {
                    for e in &env.entries {
                        index
                            .declarations
                            .entry(e.key.clone())
                            .or_default()
                            .push(Declaration {
                                file: f.id,
                                kind: f.source.kind,
                                key_span: e.key_span,
                                value_span: e.content_span,
                                value: e.value.clone(),
                                line_span: e.line_span,
                            });
                    }
                }
                index.env_files.insert(path, f.id);
            }
            FileKind::Compose => {
                index.compose_by_path.insert(path, f.id);
            }
            _ => {}
        }
    }
    index.add_composes(files);
    index
}

fn parent(path: &Path) -> PathBuf {
    path.parent().map(Path::to_path_buf).unwrap_or_default()
}

/// Whether a path or context is written with an interpolation, so its value is unknown here.
fn interpolated(text: &str) -> bool {
    text.contains('$')
}

/// Normalizes a container path; `None` for one that is not absolute or is interpolated.
fn container_path(path: &str) -> Option<String> {
    if !path.starts_with('/') || interpolated(path) {
        return None;
    }
    Some(crate::text::normalize_container_path(path))
}

/// Whether a mount at `target` covers the container path `path` (both normalized).
fn covers(target: &str, path: &str) -> bool {
    target == "/"
        || path == target
        || path.starts_with(target) && path.as_bytes().get(target.len()) == Some(&b'/')
}

impl Index {
    /// Where each Compose file sits in the `include:` tree: the folder its relative paths
    /// resolve against, the env files its interpolation reads, and the file that includes it.
    ///
    /// Includes are followed from the files nothing includes, as Compose follows them: a
    /// nested `include:` resolves its paths, `project_directory` and `env_file` against the
    /// project directory of the file that declares it, and the included file's variables come
    /// from its own env files and, winning over them, the including file's (Compose's
    /// environment of an include starts from its parent's). A file reached twice keeps its
    /// first placement, so a cycle ends. Files no root reaches (a cycle of includes with no
    /// root) are placed by the first file whose `include:` names them from its own folder.
    fn place_composes(&self, files: &[ParsedFile]) -> HashMap<FileId, Placement> {
        let composes: Vec<(FileId, PathBuf, &ComposeFile)> = files
            .iter()
            .filter_map(|f| match &f.model {
                Model::Compose(_, model) => {
                    Some((f.id, discover::normalize(&f.source.path), &**model))
                }
                _ => None,
            })
            .collect();
        let model_of: HashMap<FileId, &ComposeFile> =
            composes.iter().map(|&(id, _, m)| (id, m)).collect();
        // The placement of a file included by `inc` of a file whose project directory is
        // `base` (with interpolation env `parent_env`), by path.
        let include = |base: &Path,
                       parent_env: &[FileId],
                       inc: &compose::Include|
         -> Vec<(PathBuf, Placement)> {
            let project_dir = inc
                .project_directory
                .as_ref()
                .filter(|d| !interpolated(&d.value))
                .map(|d| discover::normalize(&base.join(&d.value)));
            let env_paths: Vec<PathBuf> = inc
                .env_files
                .iter()
                .filter(|e| !interpolated(&e.value))
                .map(|e| discover::normalize(&base.join(&e.value)))
                .collect();
            inc.paths
                .iter()
                .filter(|p| !interpolated(&p.value))
                .map(|p| {
                    let path = discover::normalize(&base.join(&p.value));
                    let dir = project_dir.clone().unwrap_or_else(|| parent(&path));
                    let mut env: Vec<FileId> = if env_paths.is_empty() {
                        self.real_env_file(&dir.join(".env")).into_iter().collect()
                    } else {
                        env_paths
                            .iter()
                            .filter_map(|p| self.env_file_at(p))
                            .collect()
                    };
                    env.extend_from_slice(parent_env);
                    let placement = Placement {
                        base_dir: dir,
                        interpolation_env: env,
                        included_by: None,
                    };
                    (path, placement)
                })
                .collect()
        };
        // Files an `include:` names, read from the including file's folder: not roots.
        let mut named: HashMap<PathBuf, (FileId, Span)> = HashMap::new();
        for &(id, ref path, model) in &composes {
            for inc in &model.include {
                for (target, _) in include(&parent(path), &[], inc) {
                    named.entry(target).or_insert((id, inc.span));
                }
            }
        }
        let mut placed: HashMap<FileId, Placement> = HashMap::new();
        let root = |path: &Path| {
            let dir = parent(path);
            let env = self.real_env_file(&dir.join(".env")).into_iter().collect();
            Placement {
                base_dir: dir,
                interpolation_env: env,
                included_by: None,
            }
        };
        let mut queue: std::collections::VecDeque<FileId> = Default::default();
        for &(id, ref path, _) in &composes {
            if !named.contains_key(path) {
                placed.insert(id, root(path));
                queue.push_back(id);
            }
        }
        // Each file is expanded a bounded number of times, whatever the include graph.
        let mut budget = 4 * composes.len() + 4;
        loop {
            while let Some(id) = queue.pop_front() {
                if budget == 0 {
                    break;
                }
                budget -= 1;
                let (base, env) = {
                    let p = &placed[&id];
                    (p.base_dir.clone(), p.interpolation_env.clone())
                };
                for inc in &model_of[&id].include {
                    for (target, mut placement) in include(&base, &env, inc) {
                        let Some(&t) = self.compose_by_path.get(&target) else {
                            continue;
                        };
                        // A file first placed as a root, or through this file before this
                        // file was found to be included itself, is placed again.
                        let replaceable = placed.get(&t).is_none_or(|p| match p.included_by {
                            None => t != id,
                            Some((by, _)) => by == id,
                        });
                        if !replaceable {
                            continue;
                        }
                        placement.included_by = Some((id, inc.span));
                        placed.insert(t, placement);
                        queue.push_back(t);
                    }
                }
            }
            // A file an `include:` names from its folder but that no placed file includes is
            // a root after all when the file naming it is placed: it is loaded on its own.
            let mut more = false;
            for &(id, ref path, _) in &composes {
                let naming_placed = named
                    .get(path)
                    .is_some_and(|(by, _)| placed.contains_key(by));
                if !placed.contains_key(&id) && naming_placed {
                    placed.insert(id, root(path));
                    queue.push_back(id);
                    more = true;
                }
            }
            if !more || budget == 0 {
                break;
            }
        }
        // Files in a cycle of includes with no root: placed from the folder of the first file
        // naming them.
        for &(id, ref path, _) in &composes {
            if placed.contains_key(&id) {
                continue;
            }
            let Some(&(by, span)) = named.get(path) else {
                continue;
            };
            let by_dir = composes
                .iter()
                .find(|c| c.0 == by)
                .map_or_else(|| parent(path), |c| parent(&c.1));
            let placement = model_of[&by]
                .include
                .iter()
                .filter(|inc| inc.span == span)
                .flat_map(|inc| include(&by_dir, &[], inc))
                .find(|(target, _)| target == path);
            if let Some((_, mut placement)) = placement {
                placement.included_by = Some((by, span));
                placed.insert(id, placement);
            }
        }
        placed
    }

    fn add_composes(&mut self, files: &[ParsedFile]) {
        let mut placements = self.place_composes(files);
        for f in files {
            let Model::Compose(yaml, model) = &f.model else {
                continue;
            };
            let path = discover::normalize(&f.source.path);
            let dir = parent(&path);
            let dotenv = self.real_env_file(&dir.join(".env"));
            let Placement {
                base_dir,
                interpolation_env,
                included_by,
            } = placements.remove(&f.id).unwrap_or_else(|| Placement {
                base_dir: dir.clone(),
                interpolation_env: dotenv.into_iter().collect(),
                included_by: None,
            });
            for use_ in compose::interpolations(yaml) {
                self.variables
                    .entry(use_.name.clone())
                    .or_insert_with(|| Variable {
                        name: use_.name.clone(),
                        uses: Vec::new(),
                    })
                    .uses
                    .push(VariableUse {
                        file: f.id,
                        at: use_,
                    });
            }
            for kind in [
                ResourceKind::Volume,
                ResourceKind::Network,
                ResourceKind::Secret,
                ResourceKind::Config,
            ] {
                for r in model.resources(kind) {
                    self.named
                        .entry((kind, r.name.value.clone()))
                        .or_default()
                        .declarations
                        .push(NamedDeclaration {
                            file: f.id,
                            resource: r.clone(),
                        });
                }
            }
            let mut env_file_dirs = Vec::new();
            let mut service_env = Vec::new();
            for (position, service) in model.services.iter().enumerate() {
                let info = self.service_info(f.id, model, position, service, &base_dir);
                for e in &info.env_files {
                    env_file_dirs.extend(e.path.as_deref().map(parent));
                    service_env.extend(e.file);
                }
                self.add_uses(f.id, service);
                self.service_by_name
                    .insert((f.id, service.name.value.clone()), self.services.len());
                self.services.push(info);
            }
            let templates = self.templates_near(files, &[&dir, &base_dir], &env_file_dirs);
            let mut env_sources: Vec<FileId> = interpolation_env
                .iter()
                .chain(&service_env)
                .chain(&templates)
                .copied()
                .chain(
                    [&dir, &base_dir]
                        .into_iter()
                        .flat_map(|d| self.files_in_dir(d).iter().copied())
                        .filter(|&id| files[id].source.kind == FileKind::Env),
                )
                .collect();
            env_sources.sort_unstable();
            env_sources.dedup();
            self.compose_by_file.insert(f.id, self.composes.len());
            self.composes.push(ComposeEntry {
                file: f.id,
                model: Arc::clone(model),
                base_dir,
                dotenv,
                interpolation_env,
                included_by,
                templates,
                env_sources,
            });
        }
    }

    /// The templates in one of `dirs` or a folder above it, and those directly in one of
    /// `beside` (the folders of the env files services read), in file order.
    fn templates_near(
        &self,
        files: &[ParsedFile],
        dirs: &[&PathBuf],
        beside: &[PathBuf],
    ) -> Vec<FileId> {
        let mut found: Vec<FileId> = Vec::new();
        let mut seen_dirs: HashSet<&Path> = HashSet::new();
        let above = dirs.iter().flat_map(|d| d.ancestors());
        let folders = above.chain(beside.iter().map(PathBuf::as_path));
        for folder in folders {
            if !seen_dirs.insert(folder) {
                continue;
            }
            if let Some(ids) = self.files_by_dir.get(folder) {
                found.extend(
                    ids.iter()
                        .filter(|&&id| files[id].source.kind == FileKind::EnvTemplate),
                );
            }
        }
        found.sort_unstable();
        found.dedup();
        found
    }

    fn real_env_file(&self, path: &Path) -> Option<FileId> {
        let id = self.env_file_at(path)?;
        let is_template = self.templates.contains(&id);
        (!is_template).then_some(id)
    }

    fn service_info(
        &self,
        file: FileId,
        model: &Arc<ComposeFile>,
        position: usize,
        service: &Service,
        base: &Path,
    ) -> ServiceInfo {
        let name = service.name.value.clone();
        let mut info = ServiceInfo {
            file,
            name: name.clone(),
            model: Arc::clone(model),
            position,
            context_dir: None,
            dockerfile_path: None,
            dockerfile: None,
            dockerignore: None,
            mounts: Vec::new(),
            env_files: Vec::new(),
        };
        if let Some(build) = &service.build {
            let context = build.context();
            let remote = context.contains("://") || context.starts_with("git@");
            if !remote && !interpolated(context) && build.dockerfile_inline.is_none() {
                let dir = discover::normalize(&base.join(context));
                let dockerfile = build.dockerfile();
                if !interpolated(dockerfile) {
                    let path = discover::normalize(&dir.join(dockerfile));
                    info.dockerfile = self.dockerfiles.get(&path).copied();
                    let mut own = path.clone().into_os_string();
                    own.push(".dockerignore");
                    info.dockerignore = self.dockerignores.get(Path::new(&own)).copied();
                    info.dockerfile_path = Some(path);
                }
                info.dockerignore = info
                    .dockerignore
                    .or_else(|| self.dockerignores.get(&dir.join(".dockerignore")).copied());
                info.context_dir = Some(dir);
            }
        }
        for v in &service.volumes {
            let Some(target) = &v.target else {
                continue;
            };
            let Some(path) = container_path(&target.value) else {
                continue;
            };
            let source = match (&v.source, v.kind) {
                (_, VolumeType::Tmpfs) => MountSource::Tmpfs,
                (None, VolumeType::Volume) => MountSource::Anonymous,
                (Some(s), VolumeType::Volume) => MountSource::Volume(s.value.clone()),
                (Some(s), VolumeType::Bind) => MountSource::HostPath {
                    raw: s.value.clone(),
                    resolved: (!v.source_interpolated && !s.value.starts_with('~'))
                        .then(|| discover::normalize(&base.join(&s.value))),
                },
                _ => MountSource::Other,
            };
            info.mounts.push(Mount {
                service: name.clone(),
                target: path,
                target_span: target.span,
                source,
                read_only: v.read_only,
                span: v.span,
                via_alias: v.via_alias,
            });
        }
        for t in &service.tmpfs {
            // `/run:size=64m` in the string form: the options follow the first colon.
            let target = t.value.split(':').next().unwrap_or_default();
            if let Some(path) = container_path(target) {
                info.mounts.push(Mount {
                    service: name.clone(),
                    target: path,
                    target_span: t.span,
                    source: MountSource::Tmpfs,
                    read_only: false,
                    span: t.span,
                    via_alias: None,
                });
            }
        }
        for (kind, list) in [
            (ResourceKind::Secret, &service.secrets),
            (ResourceKind::Config, &service.configs),
        ] {
            for r in list {
                let Some(path) = container_path(&r.container_path(kind)) else {
                    continue;
                };
                let source = match kind {
                    ResourceKind::Secret => MountSource::Secret(r.source.value.clone()),
                    _ => MountSource::Config(r.source.value.clone()),
                };
                info.mounts.push(Mount {
                    service: name.clone(),
                    target: path,
                    target_span: r.target.as_ref().map_or(r.source.span, |t| t.span),
                    source,
                    read_only: true,
                    span: r.span,
                    via_alias: r.via_alias,
                });
            }
        }
        for e in &service.env_file {
            let path = (!interpolated(&e.path.value))
                .then(|| discover::normalize(&base.join(&e.path.value)));
            let file = path.as_deref().and_then(|p| self.env_file_at(p));
            info.env_files.push(ResolvedEnvFile {
                reference: e.clone(),
                path,
                file,
            });
        }
        info
    }

    fn add_uses(&mut self, file: FileId, service: &Service) {
        let mut add = |kind: ResourceKind, name: &str, span: Span| {
            self.named
                .entry((kind, name.to_string()))
                .or_default()
                .uses
                .push(NamedUse {
                    file,
                    service: service.name.value.clone(),
                    span,
                });
        };
        for v in &service.volumes {
            if let (VolumeType::Volume, Some(source)) = (v.kind, &v.source) {
                add(ResourceKind::Volume, &source.value, source.span);
            }
        }
        for n in &service.networks {
            add(ResourceKind::Network, &n.name.value, n.name.span);
        }
        for s in &service.secrets {
            add(ResourceKind::Secret, &s.source.value, s.source.span);
        }
        for c in &service.configs {
            add(ResourceKind::Config, &c.source.value, c.source.span);
        }
    }

    // ----- Compose files and services -----

    /// Every Compose file, in file order.
    pub fn compose_files(&self) -> &[ComposeEntry] {
        &self.composes
    }

    pub fn compose(&self, file: FileId) -> Option<&ComposeEntry> {
        self.compose_by_file.get(&file).map(|&i| &self.composes[i])
    }

    /// The Compose file at `path` (normalized before the lookup).
    pub fn compose_at(&self, path: &Path) -> Option<FileId> {
        self.compose_by_path
            .get(&discover::normalize(path))
            .copied()
    }

    /// Every service of every Compose file, in file order then source order.
    pub fn services(&self) -> impl Iterator<Item = (FileId, &Service)> + '_ {
        self.services.iter().map(|s| (s.file, s.service()))
    }

    /// Every service with what the index resolved for it.
    pub fn service_infos(&self) -> &[ServiceInfo] {
        &self.services
    }

    pub fn service(&self, file: FileId, name: &str) -> Option<&Service> {
        self.info(file, name).map(ServiceInfo::service)
    }

    pub fn info(&self, file: FileId, name: &str) -> Option<&ServiceInfo> {
        self.service_by_name
            .get(&(file, name.to_string()))
            .map(|&i| &self.services[i])
    }

    /// The Dockerfile the service builds from, when it builds from one the project has.
    pub fn dockerfile(&self, file: FileId, service: &str) -> Option<FileId> {
        self.info(file, service)?.dockerfile
    }

    /// The `.dockerignore` that applies to the service's build, when there is one.
    pub fn dockerignore(&self, file: FileId, service: &str) -> Option<FileId> {
        self.info(file, service)?.dockerignore
    }

    /// The service `extends:` names: in the file `extends.file` names (when the project has
    /// it), else in the same file.
    pub fn extended(&self, file: FileId, service: &str) -> Option<(FileId, &Service)> {
        let ext = self.service(file, service)?.extends.as_ref()?;
        let target = match &ext.file {
            Some(f) if interpolated(&f.value) => return None,
            Some(f) => self.compose_at(&self.compose(file)?.base_dir.join(&f.value))?,
            None => file,
        };
        Some((target, self.service(target, &ext.service.value)?))
    }

    // ----- Mounts and ports -----

    /// Everything mounted into the service's container.
    pub fn mounts(&self, file: FileId, service: &str) -> &[Mount] {
        self.info(file, service).map_or(&[], |s| &s.mounts)
    }

    /// The mounts whose target is the absolute container path `path` or one of its parent
    /// folders, innermost first; `volumes_from` services in the same file are followed.
    pub fn mounts_covering(&self, file: FileId, service: &str, path: &str) -> Vec<&Mount> {
        let Some(path) = container_path(path) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        let mut seen = HashSet::new();
        let mut queue = vec![(service.to_string(), 0)];
        while let Some((name, depth)) = queue.pop() {
            if depth > VOLUMES_FROM_DEPTH || !seen.insert(name.clone()) {
                continue;
            }
            let Some(info) = self.info(file, &name) else {
                continue;
            };
            out.extend(info.mounts.iter().filter(|m| covers(&m.target, &path)));
            for from in &info.service().volumes_from {
                let from = from.value.as_str();
                if from.starts_with("container:") {
                    continue;
                }
                let from = from.strip_prefix("service:").unwrap_or(from);
                let from = from.split(':').next().unwrap_or_default();
                queue.push((from.to_string(), depth + 1));
            }
        }
        out.sort_by_key(|m| std::cmp::Reverse(m.target.len()));
        out
    }

    /// Every `ports:` entry of every service.
    pub fn published_ports(&self) -> impl Iterator<Item = (FileId, &Service, &Port)> + '_ {
        self.services()
            .flat_map(|(file, s)| s.ports.iter().map(move |p| (file, s, p)))
    }

    // ----- Environment -----

    /// The service's `env_file:` entries, resolved to project files.
    pub fn env_files_of(&self, file: FileId, service: &str) -> &[ResolvedEnvFile] {
        self.info(file, service).map_or(&[], |s| &s.env_files)
    }

    /// Where the service's variable `name` gets its value: `environment:` first, then the
    /// last `env_file:` (of the project) that assigns it, as Compose decides.
    pub fn env_lookup(&self, file: FileId, service: &str, name: &str) -> Option<EnvBinding<'_>> {
        let info = self.info(file, service)?;
        if let Some(var) = info.service().env(name) {
            return Some(EnvBinding::Inline(var));
        }
        info.env_files
            .iter()
            .rev()
            .filter_map(|e| e.file)
            .find_map(|id| self.declaration_in(id, name))
            .map(EnvBinding::File)
    }

    /// The env file or template at `path` (normalized before the lookup).
    /// The project file at `path`, whatever its kind.
    pub fn file_at(&self, path: &Path) -> Option<FileId> {
        self.files_by_path.get(&discover::normalize(path)).copied()
    }

    /// The project files directly inside the folder `dir`.
    pub fn files_in_dir(&self, dir: &Path) -> &[FileId] {
        self.files_by_dir
            .get(&discover::normalize(dir))
            .map_or(&[], Vec::as_slice)
    }

    /// The project files with this file name, in any folder.
    pub fn files_named(&self, name: &std::ffi::OsStr) -> &[FileId] {
        self.files_by_name.get(name).map_or(&[], Vec::as_slice)
    }

    pub fn env_file_at(&self, path: &Path) -> Option<FileId> {
        self.env_files.get(&discover::normalize(path)).copied()
    }

    /// Every env template (`.env.example`, …) of the project, in file order.
    pub fn env_templates(&self) -> &[FileId] {
        &self.templates
    }

    /// The env templates that document the variables of the Compose file `compose`: those in
    /// its folder (or its project directory, for an included file) or a folder above it — a
    /// template for the `.env` Compose reads there — and those beside an env file one of its
    /// services reads (`config/app.env.example` for `env_file: config/app.env`). Another
    /// stack's template (`services/b/.env.example` for `services/a/compose.yml`) is not one.
    /// In file order; empty for a file that is not a Compose file.
    pub fn templates_for(&self, compose: FileId) -> &[FileId] {
        self.compose(compose).map_or(&[], |c| &c.templates)
    }

    /// Every env file and template that speaks for the variables of `compose`: its
    /// [`ComposeEntry::interpolation_env`], the env files its services read, the env files in
    /// its folder (`--env-file` candidates such as `.env.production`) and
    /// [`Index::templates_for`]. Sorted by [`FileId`].
    pub fn env_sources_for(&self, compose: FileId) -> &[FileId] {
        self.compose(compose).map_or(&[], |c| &c.env_sources)
    }

    /// The first assignment of `name` in one of [`Index::env_sources_for`] `compose`, in file
    /// order: whether whoever deploys that Compose file is told about the variable.
    pub fn declared_near(&self, compose: FileId, name: &str) -> Option<&Declaration> {
        let sources = self.env_sources_for(compose);
        self.declarations(name)
            .iter()
            .find(|d| sources.binary_search(&d.file).is_ok())
    }

    /// The Dockerfile at `path` (normalized before the lookup).
    pub fn dockerfile_at(&self, path: &Path) -> Option<FileId> {
        self.dockerfiles.get(&discover::normalize(path)).copied()
    }

    // ----- Variables -----

    /// Every variable interpolated in a Compose file, by name.
    pub fn variables(&self) -> impl Iterator<Item = &Variable> + '_ {
        self.variables.values()
    }

    pub fn variable(&self, name: &str) -> Option<&Variable> {
        self.variables.get(name)
    }

    /// Every assignment of `name` in the project's env files and templates, in file order.
    pub fn declarations(&self, name: &str) -> &[Declaration] {
        self.declarations.get(name).map_or(&[], Vec::as_slice)
    }

    /// The assignments of `name` in env templates.
    pub fn template_declarations(&self, name: &str) -> impl Iterator<Item = &Declaration> + '_ {
        self.declarations(name)
            .iter()
            .filter(|d| d.kind == FileKind::EnvTemplate)
    }

    /// The value Compose interpolates `name` with in `compose`, from the env files it reads
    /// (see [`ComposeEntry::interpolation_env`]); `None` when none assigns it.
    pub fn declared_for(&self, compose: FileId, name: &str) -> Option<&Declaration> {
        let entry = self.compose(compose)?;
        entry
            .interpolation_env
            .iter()
            .rev()
            .find_map(|&id| self.declaration_in(id, name))
    }

    /// The last assignment of `name` in the env file `file`.
    pub fn declaration_in(&self, file: FileId, name: &str) -> Option<&Declaration> {
        self.declarations(name)
            .iter()
            .rev()
            .find(|d| d.file == file)
    }

    // ----- Named volumes, networks, secrets, configs -----

    /// Declarations and uses of the named object, across all Compose files.
    pub fn named(&self, kind: ResourceKind, name: &str) -> Option<&Named> {
        self.named.get(&(kind, name.to_string()))
    }

    /// Every named object of a kind that is declared or used, by name.
    pub fn named_of(&self, kind: ResourceKind) -> impl Iterator<Item = (&str, &Named)> + '_ {
        self.named
            .range((kind, String::new())..)
            .take_while(move |((k, _), _)| *k == kind)
            .map(|((_, name), n)| (name.as_str(), n))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kind::Environment;
    use crate::parse;
    use crate::source::SourceFile;

    /// Parses `(path, kind, text)` files into a project's file table and indexes it.
    fn project(files: &[(&str, FileKind, &str)]) -> (Vec<ParsedFile>, Index) {
        let parsed: Vec<ParsedFile> = files
            .iter()
            .enumerate()
            .map(|(id, &(path, kind, text))| {
                let (model, issues) = parse::parse(kind, text);
                assert_eq!(issues, [], "{path}");
                ParsedFile {
                    id,
                    source: SourceFile::new(
                        path.into(),
                        path.into(),
                        kind,
                        Environment::Production,
                        text.into(),
                    ),
                    model,
                    issues,
                    unreadable: None,
                    unknown_kind: false,
                    reported: true,
                    secrets: Vec::new(),
                }
            })
            .collect();
        let index = build(&parsed);
        (parsed, index)
    }

    fn span_of(text: &str, needle: &str) -> Span {
        let start = text.find(needle).expect("needle");
        Span::new(start, start + needle.len())
    }

    const BUILDS: &str = "\
services:
  api:
    build: ./api
  web:
    build:
      context: frontend
      dockerfile: docker/Dockerfile.prod
  root:
    build:
      target: runtime
  missing:
    build: ./nowhere
  remote:
    build: https://github.com/example/app.git#main
  image-only:
    image: nginx
";

    #[test]
    fn services_resolve_their_dockerfile_and_dockerignore() {
        let (_, index) = project(&[
            ("/p/deploy/compose.yml", FileKind::Compose, BUILDS),
            (
                "/p/deploy/api/Dockerfile",
                FileKind::Dockerfile,
                "FROM python\n",
            ),
            (
                "/p/deploy/api/.dockerignore",
                FileKind::Dockerignore,
                ".git\n",
            ),
            (
                "/p/deploy/frontend/docker/Dockerfile.prod",
                FileKind::Dockerfile,
                "FROM node\n",
            ),
            (
                "/p/deploy/frontend/docker/Dockerfile.prod.dockerignore",
                FileKind::Dockerignore,
                "node_modules\n",
            ),
            (
                "/p/deploy/Dockerfile",
                FileKind::Dockerfile,
                "FROM alpine\n",
            ),
            ("/p/Dockerfile", FileKind::Dockerfile, "FROM debian\n"),
        ]);
        assert_eq!(index.dockerfile(0, "api"), Some(1));
        assert_eq!(index.dockerignore(0, "api"), Some(2));
        assert_eq!(index.dockerfile(0, "web"), Some(3));
        assert_eq!(index.dockerignore(0, "web"), Some(4));
        assert_eq!(index.dockerfile(0, "root"), Some(5));
        assert_eq!(index.dockerignore(0, "root"), None);
        let missing = index.info(0, "missing").unwrap();
        assert_eq!(missing.dockerfile, None);
        assert_eq!(
            missing.dockerfile_path.as_deref(),
            Some(Path::new("/p/deploy/nowhere/Dockerfile"))
        );
        assert_eq!(index.info(0, "remote").unwrap().context_dir, None);
        assert_eq!(index.dockerfile(0, "image-only"), None);
        let names: Vec<_> = index.services().map(|(_, s)| s.name.as_str()).collect();
        assert_eq!(
            names,
            ["api", "web", "root", "missing", "remote", "image-only"]
        );
        assert_eq!(index.service(0, "web").unwrap().name.value, "web");
        assert!(index.service(1, "web").is_none());
    }

    const MOUNTS: &str = "\
services:
  app:
    volumes:
      - logs:/var/log/app
      - ./media:/srv/media/
      - /var/log/app/audit
    tmpfs: /tmp:size=64m
    secrets: [db_password]
    volumes_from: [\"data:ro\"]
  data:
    volumes:
      - type: volume
        source: shared
        target: /shared
volumes:
  logs:
  shared:
secrets:
  db_password:
    file: ./db_password.txt
";

    #[test]
    fn mounts_covering_finds_the_mounts_over_a_path_innermost_first() {
        let (_, index) = project(&[("/p/compose.yml", FileKind::Compose, MOUNTS)]);
        let targets = |path: &str| -> Vec<String> {
            index
                .mounts_covering(0, "app", path)
                .into_iter()
                .map(|m| m.target.clone())
                .collect()
        };
        assert_eq!(
            targets("/var/log/app/audit/x.log"),
            ["/var/log/app/audit", "/var/log/app"]
        );
        assert_eq!(targets("/var/log/app"), ["/var/log/app"]);
        assert!(targets("/var/log/application.log").is_empty());
        assert!(targets("/var/log").is_empty());
        assert_eq!(targets("/srv/media/../media/a.png"), ["/srv/media"]);
        assert_eq!(targets("/tmp/x"), ["/tmp"]);
        assert_eq!(
            targets("/run/secrets/db_password"),
            ["/run/secrets/db_password"]
        );
        assert_eq!(targets("/shared/file"), ["/shared"]);
        assert!(targets("relative/path").is_empty());

        let covering = index.mounts_covering(0, "app", "/var/log/app/a.log");
        assert_eq!(covering[0].source, MountSource::Volume("logs".into()));
        assert_eq!(covering[0].target_span, span_of(MOUNTS, "/var/log/app"));
        let media = index.mounts_covering(0, "app", "/srv/media");
        assert_eq!(
            media[0].source,
            MountSource::HostPath {
                raw: "./media".into(),
                resolved: Some(PathBuf::from("/p/media")),
            }
        );
        let shared = index.mounts_covering(0, "app", "/shared");
        assert_eq!(shared[0].service, "data");
        assert_eq!(index.mounts(0, "app").len(), 5);
    }

    #[test]
    fn named_objects_gather_declarations_and_uses() {
        let (_, index) = project(&[("/p/compose.yml", FileKind::Compose, MOUNTS)]);
        let logs = index.named(ResourceKind::Volume, "logs").unwrap();
        assert_eq!(logs.declarations.len(), 1);
        assert_eq!(logs.uses[0].service, "app");
        assert_eq!(logs.uses[0].span, span_of(MOUNTS, "logs"));
        let volumes: Vec<_> = index
            .named_of(ResourceKind::Volume)
            .map(|(n, named)| (n, named.declarations.len(), named.uses.len()))
            .collect();
        assert_eq!(volumes, [("logs", 1, 1), ("shared", 1, 1)]);
        let secret = index.named(ResourceKind::Secret, "db_password").unwrap();
        assert_eq!(secret.uses.len(), 1);
        assert!(index.named(ResourceKind::Network, "logs").is_none());
    }

    #[test]
    fn env_sources_of_a_stack_are_its_own_and_its_parents_not_a_sibling_stacks() {
        let compose = "services:\n  web:\n    env_file: [config/app.env]\n    environment:\n      DSN: ${SENTRY_DSN}\n";
        let (_, index) = project(&[
            ("/p/services/a/compose.yml", FileKind::Compose, compose),
            (
                "/p/services/b/compose.yml",
                FileKind::Compose,
                "services:\n  b: {}\n",
            ),
            (
                "/p/services/b/.env.example",
                FileKind::EnvTemplate,
                "SENTRY_DSN=\n",
            ),
            ("/p/.env.example", FileKind::EnvTemplate, "SHARED=\n"),
            ("/p/services/a/config/app.env", FileKind::Env, "APP=1\n"),
            (
                "/p/services/a/config/app.env.example",
                FileKind::EnvTemplate,
                "APP=\n",
            ),
            ("/p/services/a/.env.production", FileKind::Env, "PROD=1\n"),
            ("/p/services/.env", FileKind::Env, "ABOVE=1\n"),
        ]);
        assert_eq!(index.templates_for(0), [3, 5]);
        assert_eq!(index.templates_for(1), [2, 3]);
        assert_eq!(index.env_sources_for(0), [3, 4, 5, 6]);
        assert!(index.declared_near(0, "SENTRY_DSN").is_none());
        assert_eq!(
            index.declared_near(1, "SENTRY_DSN").map(|d| d.file),
            Some(2)
        );
        assert_eq!(index.declared_near(0, "SHARED").map(|d| d.file), Some(3));
        assert_eq!(index.declared_near(0, "APP").map(|d| d.file), Some(4));
        assert_eq!(index.declared_near(0, "PROD").map(|d| d.file), Some(6));
        // A real `.env` above the folder is not read (only a template there documents it).
        assert!(index.declared_near(0, "ABOVE").is_none());
        assert!(index.templates_for(2).is_empty() && index.env_sources_for(2).is_empty());
    }

    #[test]
    fn variables_list_uses_and_declarations_in_the_env_beside_and_templates() {
        let compose = "\
services:
  web:
    environment:
      SECRET_KEY: ${SECRET_KEY:?set it}
      DEBUG: ${DEBUG:-false}
      SENTRY_DSN: ${SENTRY_DSN}
";
        let (_, index) = project(&[
            (
                "/p/infra/docker-compose.prod.yml",
                FileKind::Compose,
                compose,
            ),
            (
                "/p/infra/.env",
                FileKind::Env,
                "SECRET_KEY=s3cr3t\nDEBUG=true\n",
            ),
            ("/p/.env", FileKind::Env, "SENTRY_DSN=elsewhere\n"),
            (
                "/p/.env.example",
                FileKind::EnvTemplate,
                "SECRET_KEY=change-me\nSENTRY_DSN=\n",
            ),
            (
                "/p/infra/.env.staging.example",
                FileKind::EnvTemplate,
                "DEBUG=false\n",
            ),
        ]);
        let secret = index.variable("SECRET_KEY").unwrap();
        assert_eq!(secret.uses.len(), 1);
        assert_eq!(secret.uses[0].file, 0);
        assert!(secret.uses[0].at.required);
        assert_eq!(
            secret.uses[0].at.span,
            span_of(compose, "${SECRET_KEY:?set it}")
        );
        let debug = index.variable("DEBUG").unwrap();
        assert_eq!(debug.uses[0].at.default.as_deref(), Some("false"));
        let names: Vec<_> = index.variables().map(|v| v.name.as_str()).collect();
        assert_eq!(names, ["DEBUG", "SECRET_KEY", "SENTRY_DSN"]);

        let entry = index.compose(0).unwrap();
        assert_eq!(entry.dotenv, Some(1));
        assert_eq!(entry.interpolation_env, [1]);
        let declared = index.declared_for(0, "SECRET_KEY").unwrap();
        assert_eq!(declared.file, 1);
        assert_eq!(declared.key_span, Span::new(0, 10));
        assert_eq!(declared.value, "s3cr3t");
        // The `.env` of another folder does not supply this Compose file.
        assert!(index.declared_for(0, "SENTRY_DSN").is_none());
        let templates: Vec<_> = index
            .template_declarations("SENTRY_DSN")
            .map(|d| d.file)
            .collect();
        assert_eq!(templates, [3]);
        assert_eq!(index.declarations("SECRET_KEY").len(), 2);
        assert_eq!(index.template_declarations("DEBUG").count(), 1);
        assert_eq!(index.env_templates(), [3, 4]);
        assert_eq!(index.env_file_at(Path::new("/p/infra/../.env")), Some(2));
    }

    #[test]
    fn environment_lookup_prefers_environment_then_the_last_env_file() {
        let compose = "\
services:
  web:
    env_file: [env/common.env, env/web.env, env/missing.env]
    environment:
      DEBUG: \"false\"
";
        let (_, index) = project(&[
            ("/p/compose.yml", FileKind::Compose, compose),
            (
                "/p/env/common.env",
                FileKind::Env,
                "DEBUG=true\nDB=common\nTZ=UTC\n",
            ),
            ("/p/env/web.env", FileKind::Env, "DB=web\n"),
        ]);
        let env_files = index.env_files_of(0, "web");
        let ids: Vec<_> = env_files.iter().map(|e| e.file).collect();
        assert_eq!(ids, [Some(1), Some(2), None]);
        assert_eq!(
            env_files[2].path.as_deref(),
            Some(Path::new("/p/env/missing.env"))
        );
        match index.env_lookup(0, "web", "DEBUG") {
            Some(EnvBinding::Inline(v)) => assert_eq!(v.value.as_deref(), Some("false")),
            other => panic!("{other:?}"),
        }
        match index.env_lookup(0, "web", "DB") {
            Some(EnvBinding::File(d)) => assert_eq!((d.file, d.value.as_str()), (2, "web")),
            other => panic!("{other:?}"),
        }
        match index.env_lookup(0, "web", "TZ") {
            Some(EnvBinding::File(d)) => assert_eq!(d.file, 1),
            other => panic!("{other:?}"),
        }
        assert!(index.env_lookup(0, "web", "NOPE").is_none());
    }

    #[test]
    fn included_files_resolve_against_the_include_project_directory() {
        let root = "\
include:
  - path: redis/compose.yml
    project_directory: .
    env_file: redis/defaults.env
  - other/compose.yml
";
        let redis =
            "services:\n  redis:\n    build:\n      context: ./redis\n    image: ${REDIS_IMAGE}\n";
        let other = "services:\n  other:\n    build: .\n";
        let (_, index) = project(&[
            ("/p/compose.yml", FileKind::Compose, root),
            ("/p/redis/compose.yml", FileKind::Compose, redis),
            ("/p/redis/Dockerfile", FileKind::Dockerfile, "FROM redis\n"),
            (
                "/p/redis/defaults.env",
                FileKind::Env,
                "REDIS_IMAGE=redis:7\n",
            ),
            ("/p/other/compose.yml", FileKind::Compose, other),
            ("/p/other/Dockerfile", FileKind::Dockerfile, "FROM alpine\n"),
        ]);
        assert_eq!(index.dockerfile(1, "redis"), Some(2));
        let entry = index.compose(1).unwrap();
        assert_eq!(entry.base_dir, Path::new("/p"));
        assert_eq!(entry.included_by.map(|(f, _)| f), Some(0));
        assert_eq!(index.declared_for(1, "REDIS_IMAGE").unwrap().file, 3);
        assert_eq!(index.dockerfile(4, "other"), Some(5));
        assert_eq!(index.compose(4).unwrap().base_dir, Path::new("/p/other"));
    }

    #[test]
    fn nested_includes_resolve_against_the_including_project_directory() {
        // /p/compose.yml includes infra/compose.yml with project directory `deploy`; that
        // file's own `include: [cache/compose.yml]` resolves against /p/deploy, not /p/infra.
        let root = "include:\n  - path: infra/compose.yml\n    project_directory: deploy\n";
        let infra = "include:\n  - path: cache/compose.yml\n    env_file: cache.env\n";
        let cache = "services:\n  cache:\n    build: .\n    image: ${CACHE_IMAGE}\n";
        let (_, index) = project(&[
            ("/p/compose.yml", FileKind::Compose, root),
            ("/p/infra/compose.yml", FileKind::Compose, infra),
            ("/p/deploy/cache/compose.yml", FileKind::Compose, cache),
            (
                "/p/deploy/cache/Dockerfile",
                FileKind::Dockerfile,
                "FROM redis\n",
            ),
            ("/p/deploy/cache.env", FileKind::Env, "CACHE_IMAGE=a\n"),
            ("/p/.env", FileKind::Env, "CACHE_IMAGE=b\n"),
            ("/p/infra/cache/compose.yml", FileKind::Compose, cache),
        ]);
        assert_eq!(index.compose(1).unwrap().base_dir, Path::new("/p/deploy"));
        let cache = index.compose(2).unwrap();
        assert_eq!(cache.included_by.map(|(f, _)| f), Some(1));
        assert_eq!(cache.base_dir, Path::new("/p/deploy/cache"));
        assert_eq!(index.dockerfile(2, "cache"), Some(3));
        // Its include's env file, then the root's `.env`, which wins.
        assert_eq!(cache.interpolation_env, [4, 5]);
        assert_eq!(index.declared_for(2, "CACHE_IMAGE").unwrap().file, 5);
        // The file beside the including file is not what it includes.
        assert_eq!(index.compose(6).unwrap().included_by, None);
    }

    #[test]
    fn include_cycles_end() {
        let a = "include:\n  - b/compose.yml\nservices:\n  a:\n    image: a\n";
        let b = "include:\n  - ../compose.yml\n  - c/compose.yml\n";
        let c = "include:\n  - ../compose.yml\nservices:\n  c:\n    image: c\n";
        let (_, index) = project(&[
            ("/p/compose.yml", FileKind::Compose, a),
            ("/p/b/compose.yml", FileKind::Compose, b),
            ("/p/b/c/compose.yml", FileKind::Compose, c),
        ]);
        let by = |f| index.compose(f).unwrap().included_by.map(|(by, _)| by);
        // No file is a root: each is placed by the first file naming it.
        assert_eq!((by(0), by(1), by(2)), (Some(1), Some(0), Some(1)));
        // With a root above the cycle, the tree is followed from it.
        let root = "include:\n  - p/compose.yml\n";
        let (_, index) = project(&[
            ("/compose.yml", FileKind::Compose, root),
            ("/p/compose.yml", FileKind::Compose, a),
            ("/p/b/compose.yml", FileKind::Compose, b),
            ("/p/b/c/compose.yml", FileKind::Compose, c),
        ]);
        let by = |f| index.compose(f).unwrap().included_by.map(|(by, _)| by);
        assert_eq!(
            (by(0), by(1), by(2), by(3)),
            (None, Some(0), Some(1), Some(2))
        );
    }

    #[test]
    fn extends_resolves_in_the_same_or_another_file() {
        let common = "services:\n  base:\n    image: app\n";
        let compose = "\
services:
  web:
    extends:
      file: common.yml
      service: base
  worker:
    extends: web
  lost:
    extends:
      file: nowhere.yml
      service: base
";
        let (_, index) = project(&[
            ("/p/docker-compose.yml", FileKind::Compose, compose),
            ("/p/common.yml", FileKind::Compose, common),
        ]);
        let (file, base) = index.extended(0, "web").unwrap();
        assert_eq!((file, base.name.as_str()), (1, "base"));
        let (file, web) = index.extended(0, "worker").unwrap();
        assert_eq!((file, web.name.as_str()), (0, "web"));
        assert!(index.extended(0, "lost").is_none());
    }

    #[test]
    fn published_ports_list_every_service_port() {
        let compose = "services:\n  db:\n    ports: [\"5432:5432\"]\n  web:\n    ports: [\"127.0.0.1:80:80\"]\n";
        let (_, index) = project(&[("/p/compose.yml", FileKind::Compose, compose)]);
        let open: Vec<_> = index
            .published_ports()
            .filter(|(_, _, p)| p.published_on_all_interfaces())
            .map(|(_, s, _)| s.name.as_str())
            .collect();
        assert_eq!(open, ["db"]);
    }
}
