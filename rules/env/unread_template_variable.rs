use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use super::env_file;
use crate::discover::{environment_from_tokens, normalize};
use crate::kind::{Environment, FileKind};
use crate::parse::python::EnvLibrary;
use crate::project::{ParsedFile, Project};
use crate::rule::{Ctx, Rule};
use crate::source::{FileId, Span};

crate::declare_rule! {
    /// ## What it does
    /// Reports a key of an env template (`.env.example`, `.env.staging.example`, …) that
    /// nothing in the project uses, when the project's Django settings source is visible (a
    /// settings export shows values, not which variables the code reads, so it is not enough):
    ///
    /// - the key never reaches a container: no Compose file of its stack (one in the
    ///   template's folder or below it, or whose services read an env file beside it)
    ///   interpolates it, and the file the
    ///   template stands for is only the `.env` Compose reads for interpolation, as no
    ///   service lists it under `env_file:`;
    /// - or it reaches the containers through `env_file:`, but no settings module reads it
    ///   and no other source file of the project (Python, JavaScript, shell scripts,
    ///   configuration) mentions its name.
    ///
    /// Left alone: variables that images and tools read themselves (`POSTGRES_*`, `PG*`,
    /// `GF_*`, `REDIS_*`, `MYSQL_*`, `COMPOSE_*`, `DOCKER_*`, `SENTRY_*`, `AWS_*`, `TZ`, …),
    /// templates in a folder with no Compose file (or only a development one) that no
    /// service reads (how they are deployed is not visible), and applications that load the
    /// env file themselves (python-decouple, `load_dotenv`, `read_env`).
    ///
    /// ## Why it matters
    /// A template is the list of what a deployment needs. A key that reaches nothing makes
    /// deployers believe they configured something they did not: `SECURE_SSL_REDIRECT=True`
    /// in `.env` does nothing when Compose only uses that file to fill in `${…}` and the
    /// service's `environment:` never passes it on, and `SESSION_ENGINE=…cache` does nothing
    /// when the settings hard-code the engine. The setting then keeps its default in
    /// production, silently.
    ///
    /// ## Example
    /// `.env.example`, beside a `docker-compose.yml` whose service has no `env_file:` and
    /// interpolates only `${SECRET_KEY}` — `LOG_LEVEL` is reported:
    /// ```sh
    /// SECRET_KEY=
    /// LOG_LEVEL=INFO
    /// ```
    ///
    /// ## How to fix
    /// Pass the variable to the service (`LOG_LEVEL: ${LOG_LEVEL:-INFO}` under
    /// `environment:`, or `env_file: .env`), read it in the settings, or remove it from the
    /// template.
    pub(crate) struct UnreadTemplateVariable {
        code: "ENV020",
        name: "unread-template-variable",
        family: Env,
        severity: Info,
        scope: TEMPLATES,
    }
}

/// Prefixes and names of variables that images, servers and libraries read from the
/// environment on their own.
const READ_BY_TOOLS: &[&str] = &[
    "POSTGRES_",
    "PG",
    "GF_",
    "REDIS_",
    "MYSQL_",
    "MARIADB_",
    "MONGO",
    "RABBITMQ_",
    "MINIO_",
    "ELASTIC",
    "COMPOSE_",
    "DOCKER_",
    "SENTRY_",
    "AWS_",
    "OTEL_",
    "DD_",
    "NEW_RELIC_",
    "GUNICORN_",
    "UWSGI_",
    "CELERY_",
    "PYTHON",
    "NODE_",
    "NGINX_",
    "TRAEFIK_",
    "LETSENCRYPT_",
    "VIRTUAL_",
    "LC_",
    "TZ",
    "LANG",
    "DJANGO_SETTINGS_MODULE",
    "WEB_CONCURRENCY",
    "HTTP_PROXY",
    "HTTPS_PROXY",
    "NO_PROXY",
    "GOOGLE_APPLICATION_CREDENTIALS",
];

/// Words in an env file's name that say what it is a template of, or for which environment.
const TEMPLATE_WORDS: &[&str] = &[
    "env", "example", "examples", "sample", "template", "tpl", "dist", "defaults", "default",
];

/// Source files larger than this are not scanned for names.
const MAX_SCANNED_FILE: u64 = 1024 * 1024;
/// Past this many source files the scan gives up and every name counts as mentioned.
const MAX_SCANNED_FILES: usize = 20_000;

/// Extensions of files whose text may name an environment variable the code reads.
const SCANNED_EXTENSIONS: &[&str] = &[
    "py", "js", "mjs", "cjs", "ts", "jsx", "tsx", "sh", "bash", "rb", "go", "php", "conf", "ini",
    "cfg", "toml", "yml", "yaml", "json", "j2", "tpl", "template",
];

/// What the rule knows of the project's settings, built once per run.
struct SettingsReads {
    /// Some settings module is visible: without one the rule does not judge.
    visible: bool,
    /// Names settings modules read, whatever the library, with the first read.
    reads: HashMap<String, (FileId, Span)>,
    /// A settings module loads env files itself (python-decouple, `load_dotenv`,
    /// `read_env`).
    loads_env_files: bool,
    paths: HashSet<PathBuf>,
}

impl SettingsReads {
    fn build(project: &Project) -> SettingsReads {
        let mut out = SettingsReads {
            visible: false,
            reads: HashMap::new(),
            loads_env_files: false,
            paths: HashSet::new(),
        };
        for f in &project.files {
            let Some(module) = f.model.django_settings() else {
                continue;
            };
            // Only a source module shows which variables the settings read; an export shows
            // values (and `<from VAR>` fingerprints), not the reads.
            out.visible |= f.source.kind == FileKind::DjangoSettingsSource;
            out.paths.insert(normalize(&f.source.path));
            for read in &module.env_reads {
                out.reads
                    .entry(read.name.clone())
                    .or_insert((f.id, read.name_span));
                out.loads_env_files |= read.library == EnvLibrary::Decouple;
            }
            out.loads_env_files |= loads_env(&f.source.text);
        }
        out
    }
}

/// The project's other source files, scanned once per run and only when a key needs it.
struct SourceScan {
    /// Upper-case words; `None` when the scan gave up (every name then counts as mentioned).
    mentioned: Option<HashSet<String>>,
    /// A Python file loads env files itself.
    loads_env_files: bool,
}

impl SourceScan {
    fn build(project: &Project) -> SourceScan {
        let settings = project.derived(SettingsReads::build);
        match scan_sources(project, &settings.paths) {
            Some((words, loads)) => SourceScan {
                mentioned: Some(words),
                loads_env_files: loads,
            },
            None => SourceScan {
                mentioned: None,
                loads_env_files: true,
            },
        }
    }

    fn mentions(&self, name: &str) -> bool {
        self.mentioned.as_ref().is_none_or(|m| m.contains(name))
    }
}

/// Whether Python text loads env files itself.
fn loads_env(text: &str) -> bool {
    text.contains("load_dotenv") || text.contains("read_env") || text.contains("dotenv_values")
}

/// Whether a file's name makes it a source file the scan reads.
fn scanned(path: &Path) -> bool {
    let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    SCANNED_EXTENSIONS.contains(&ext)
        || name.eq_ignore_ascii_case("dockerfile")
        || name.starts_with("Dockerfile")
        || name == "Procfile"
        || name == "Makefile"
}

/// The upper-case words of one file's text, and whether (being Python) it loads env files.
fn words_of(text: &str, python: bool) -> (HashSet<String>, bool) {
    let mut words = HashSet::new();
    for word in text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_')) {
        if word.len() > 1
            && word.bytes().any(|b| b.is_ascii_uppercase())
            && !word.bytes().any(|b| b.is_ascii_lowercase())
            && !words.contains(word)
        {
            words.insert(word.to_string());
        }
    }
    (words, python && loads_env(text))
}

fn is_python(path: &Path) -> bool {
    path.extension().is_some_and(|e| e == "py")
}

/// The upper-case words of the project's source files (settings modules, env files and
/// templates excepted), and whether one of them loads env files; `None` past the caps. Files
/// the project already holds (Python modules, Dockerfiles, Compose files, …) are read from
/// memory; only the others (JavaScript, shell scripts, …) are read from disk.
fn scan_sources(project: &Project, skip: &HashSet<PathBuf>) -> Option<(HashSet<String>, bool)> {
    let loaded: HashMap<PathBuf, &ParsedFile> = project
        .files
        .iter()
        .map(|f| (normalize(&f.source.path), f))
        .collect();
    let mut in_memory: Vec<&ParsedFile> = Vec::new();
    let mut on_disk: Vec<PathBuf> = Vec::new();
    let walker = ignore::WalkBuilder::new(&project.root)
        .hidden(false)
        .require_git(false)
        .git_global(false)
        .follow_links(false)
        .filter_entry(|e| {
            let name = e.file_name().to_string_lossy();
            !crate::discover::SKIPPED_DIRS.contains(&name.as_ref())
        })
        .build();
    for entry in walker.flatten() {
        if !entry.file_type().is_some_and(|t| t.is_file()) {
            continue;
        }
        let path = entry.path();
        let normalized = normalize(path);
        if !scanned(path) || skip.contains(&normalized) {
            continue;
        }
        if let Some(f) = loaded.get(&normalized) {
            in_memory.push(f);
        } else if entry.metadata().is_ok_and(|m| m.len() <= MAX_SCANNED_FILE) {
            on_disk.push(path.to_path_buf());
        }
        if in_memory.len() + on_disk.len() > MAX_SCANNED_FILES {
            return None;
        }
    }
    // Reading is most of the cost: files are read in parallel, each into its own word set.
    let from_memory = in_memory
        .par_iter()
        .map(|f| words_of(&f.source.text, is_python(&f.source.path)));
    let from_disk = on_disk.par_iter().map(|path| match std::fs::read(path) {
        Ok(bytes) => words_of(&String::from_utf8_lossy(&bytes), is_python(path)),
        Err(_) => (HashSet::new(), false),
    });
    let (words, loads) = from_memory.chain(from_disk).reduce(
        || (HashSet::new(), false),
        |(a, la), (b, lb)| {
            if a.len() < b.len() {
                return merge(b, a, la || lb);
            }
            merge(a, b, la || lb)
        },
    );
    Some((words, loads))
}

fn merge(mut into: HashSet<String>, from: HashSet<String>, loads: bool) -> (HashSet<String>, bool) {
    into.extend(from);
    (into, loads)
}

fn read_by_tools(name: &str) -> bool {
    READ_BY_TOOLS.iter().any(|p| name.starts_with(p))
}

/// What configuration an env file's name describes: its words without template and
/// environment words (`.env.staging.example` and `.env` → nothing, `db.env.example` → `db`).
fn subject(name: &str) -> Vec<String> {
    name.to_ascii_lowercase()
        .split(['.', '-', '_'])
        .filter(|w| !w.is_empty())
        .filter(|w| !TEMPLATE_WORDS.contains(w) && environment_from_tokens(w).is_none())
        .map(str::to_string)
        .collect()
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default()
}

/// How a template's real file reaches the containers.
#[derive(Debug, PartialEq, Eq)]
enum Reach {
    /// A service reads it through `env_file:` (or one reads an interpolated path, which could
    /// be it): the Compose file and the entry, when known.
    Services(Option<(FileId, Span)>),
    /// It is only the env file Compose reads to fill in `${…}` for a Compose file of its
    /// folder.
    InterpolationOnly(FileId),
    /// Not visible: no Compose file in its folder and no service reads it.
    Unknown,
}

fn reach(project: &Project, template: &ParsedFile) -> Reach {
    let index = &project.index;
    let path = normalize(&template.source.path);
    let folder = path.parent().map(Path::to_path_buf).unwrap_or_default();
    let what = subject(&file_name(&path));
    for info in index.service_infos() {
        for e in &info.env_files {
            match &e.path {
                None => return Reach::Services(None),
                Some(p) => {
                    let same_folder = p.parent() == Some(folder.as_path());
                    if same_folder && subject(&file_name(p)) == what {
                        return Reach::Services(Some((info.file, e.reference.path.span)));
                    }
                }
            }
        }
    }
    if !what.is_empty() {
        return Reach::Unknown;
    }
    // A development stack beside the template says nothing of how production is deployed.
    index
        .compose_files()
        .iter()
        .find(|c| {
            c.base_dir == folder
                && !matches!(
                    project.file(c.file).source.environment,
                    Environment::Development | Environment::Test
                )
        })
        .map_or(Reach::Unknown, |c| Reach::InterpolationOnly(c.file))
}

impl Rule for UnreadTemplateVariable {
    fn check_project(&self, ctx: &mut Ctx<'_>) {
        let project = ctx.project;
        if project.index.env_templates().is_empty() {
            return;
        }
        let settings = project.derived(SettingsReads::build);
        if !settings.visible {
            return;
        }
        let mut scan: Option<std::sync::Arc<SourceScan>> = None;
        for &id in project.index.env_templates() {
            let template = project.file(id);
            let Some(env) = env_file(template) else {
                continue;
            };
            if !ctx.applies_to(template.source.environment) {
                continue;
            }
            let found = match reach(project, template) {
                Reach::Unknown => continue,
                _ if settings.loads_env_files => Reach::Services(None),
                r => r,
            };
            // The Compose files this template documents (see `Index::templates_for`): in a
            // monorepo, another stack interpolating the key does not use this template's.
            // Every Compose file when none is known.
            let index = &project.index;
            let stacks: Vec<FileId> = index
                .compose_files()
                .iter()
                .filter(|c| c.templates.contains(&id))
                .map(|c| c.file)
                .collect();
            let in_stack = |file: FileId| stacks.is_empty() || stacks.contains(&file);
            let mut seen = HashSet::new();
            for entry in &env.entries {
                let name = entry.key.as_str();
                let interpolated = || {
                    index
                        .variable(name)
                        .is_some_and(|v| v.uses.iter().any(|u| in_stack(u.file)))
                };
                // A bare `- NAME` under a service's `environment:` passes the value on.
                let passed = || {
                    index
                        .services()
                        .any(|(file, s)| in_stack(file) && s.env(name).is_some())
                };
                if !seen.insert(name) || interpolated() || read_by_tools(name) || passed() {
                    continue;
                }
                let scan = scan.get_or_insert_with(|| project.derived(SourceScan::build));
                match found {
                    Reach::InterpolationOnly(compose) if !scan.loads_env_files => {
                        let shown = project.file(compose).source.display_path.clone();
                        let d = ctx
                            .report(
                                id,
                                entry.key_span,
                                format!(
                                    "`{name}` never reaches a container: `{shown}` does not interpolate it and no service reads this file through `env_file:`"
                                ),
                            )
                            .help(format!(
                                "pass it to the service that needs it (`{name}: ${{{name}}}` under `environment:`, or `env_file:`), or remove it from the template"
                            ));
                        d.related(
                            compose,
                            Span::empty(0),
                            "the Compose file this template feeds",
                        );
                        if let Some(&(file, span)) = settings.reads.get(name) {
                            d.related(file, span, "the settings read it here");
                        }
                    }
                    _ => {
                        if settings.reads.contains_key(name) || scan.mentions(name) {
                            continue;
                        }
                        let d = ctx
                            .report(
                                id,
                                entry.key_span,
                                format!(
                                    "`{name}` reaches the containers but no settings module or source file of the project reads it"
                                ),
                            )
                            .help(
                                "read it in the settings if it is meant to configure something, or remove it from the template",
                            );
                        if let Reach::Services(Some((file, span))) = found {
                            d.related(file, span, "passed to the container here");
                        }
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_and_the_files_they_stand_for_share_a_subject() {
        assert_eq!(subject(".env.staging.example"), subject(".env"));
        assert_eq!(subject(".env.example"), subject(".env.production"));
        assert_eq!(subject("db.env.example"), subject("db.env"));
        assert_ne!(subject("db.env.example"), subject(".env"));
    }

    #[test]
    fn image_variables_are_read_by_their_images() {
        assert!(read_by_tools("POSTGRES_PASSWORD") && read_by_tools("GF_SECURITY_ADMIN_USER"));
        assert!(!read_by_tools("LOG_LEVEL") && !read_by_tools("SESSION_ENGINE"));
    }
}
