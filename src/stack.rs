//! Which Compose services run which settings module, and how: the fact that ties a settings
//! module to the containers it runs in.
//!
//! A settings module is run by a service when the service's `DJANGO_SETTINGS_MODULE` names it:
//! from its `environment:` (anchors, merge keys and `extends` resolved), its `env_file:`s, its
//! Dockerfile's `ENV`, or else the default the project's `manage.py`/`wsgi.py`/`asgi.py`/
//! `celery.py` sets with `os.environ.setdefault(...)`. The service is a Django process when
//! its command runs gunicorn, uwsgi, daphne, uvicorn, `manage.py` or celery (or when the
//! module is named explicitly), and it runs as many processes as its workers times its
//! replicas. Its Dockerfile's `COPY` and `WORKDIR` map repository folders to container paths,
//! so that `BASE_DIR / "logs"` becomes `/app/logs` in the container.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::discover::normalize;
use crate::index::EnvBinding;
use crate::kind::{Environment, FileKind};
use crate::parse::dockerfile::{Dockerfile, Stage};
use crate::project::Project;
use crate::source::{FileId, Span};

/// Every Compose service that runs Django, with what it runs.
pub(crate) struct Stack {
    pub(crate) services: Vec<DjangoService>,
    /// Settings exports whose path says no environment, with the deployed environment of the
    /// Django services whose Compose file sits in a folder above them (the stack the export
    /// was taken from).
    export_envs: HashMap<FileId, Environment>,
}

/// What a Django service runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Process {
    /// A web server: gunicorn, uwsgi, daphne, uvicorn, `manage.py runserver`.
    Web,
    /// A task worker: celery, `manage.py qcluster`/`rqworker`.
    Worker,
    /// Another Django command, or a command shiplint does not recognise in a service that
    /// names its settings module.
    Other,
}

/// Where a service's `DJANGO_SETTINGS_MODULE` comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ModuleSource {
    Compose,
    EnvFile,
    Dockerfile,
    /// `os.environ.setdefault(...)` in a project module.
    Default,
}

/// One Compose service that runs Django.
#[derive(Clone, Debug)]
pub(crate) struct DjangoService {
    pub(crate) compose: FileId,
    pub(crate) name: String,
    pub(crate) name_span: Span,
    /// The Compose file's environment.
    pub(crate) env: Environment,
    pub(crate) process: Process,
    /// The dotted module name, where it was found, and that file and span.
    pub(crate) module: Option<(String, ModuleSource, FileId, Span)>,
    /// The settings file the module resolves to.
    pub(crate) settings: Option<FileId>,
    /// Processes per container (`--workers`, `--concurrency`, `WEB_CONCURRENCY`); `None` when
    /// the server's default is the machine's CPU count (celery).
    pub(crate) workers: Option<u32>,
    /// `deploy.replicas`; `None` when interpolated or `mode: global`.
    pub(crate) replicas: Option<u32>,
    /// The Dockerfile the service builds, and the index of the stage it runs.
    pub(crate) dockerfile: Option<(FileId, usize)>,
    /// The build context folder.
    pub(crate) context: Option<PathBuf>,
    /// The words the container runs: entrypoint then command, shell strings split.
    pub(crate) words: Vec<String>,
}

impl DjangoService {
    /// Whether the service runs more than one Django process.
    pub(crate) fn several_processes(&self) -> bool {
        self.workers.is_none_or(|w| w > 1) || self.replicas.is_none_or(|r| r > 1)
    }

    /// How many processes it runs, for a message: `4 replicas × 4 workers`.
    pub(crate) fn describe(&self) -> String {
        let what = match self.process {
            Process::Web => "web server",
            Process::Worker => "worker",
            Process::Other => "Django command",
        };
        let workers = match self.workers {
            Some(1) => "1 process".to_string(),
            Some(n) => format!("{n} processes"),
            None => "a process per CPU".to_string(),
        };
        match self.replicas {
            Some(1) => format!("{what}, {workers}"),
            Some(n) => format!("{what}, {n} replicas × {workers}"),
            None => format!("{what}, several replicas × {workers}"),
        }
    }
}

impl Stack {
    /// The project's stack, built once per run.
    pub(crate) fn of(project: &Project) -> Arc<Stack> {
        project.derived(Stack::build)
    }

    fn build(project: &Project) -> Stack {
        let settings_files: Vec<(PathBuf, FileId)> = project
            .files()
            .filter(|f| f.model.django_settings().is_some())
            .map(|f| (normalize(&f.source.path), f.id))
            .collect();
        let mut services = Vec::new();
        for info in project.index.service_infos() {
            let service = info.service();
            let compose = info.file;
            let dockerfile = info.dockerfile.and_then(|id| {
                let df = project.file(id).model.dockerfile()?;
                let stage = match service.build.as_ref().and_then(|b| b.target.as_ref()) {
                    Some(t) => df.stages.iter().position(|s| {
                        s.name
                            .as_deref()
                            .is_some_and(|n| n.eq_ignore_ascii_case(&t.value))
                    })?,
                    None => df.stages.len().checked_sub(1)?,
                };
                Some((id, df, stage))
            });
            let stage: Option<&Stage> = dockerfile.map(|(_, df, i)| &df.stages[i]);
            // The words the container runs: entrypoint then command.
            let mut words: Vec<String> = Vec::new();
            match &service.entrypoint {
                Some(e) => words.extend(e.argv.iter().map(|w| w.value.clone())),
                None => {
                    if let Some(e) = stage.and_then(|s| s.entrypoint.as_ref()) {
                        words.extend(e.argv.iter().cloned());
                    }
                }
            }
            match &service.command {
                Some(c) => words.extend(c.argv.iter().map(|w| w.value.clone())),
                None => {
                    if let Some(c) = stage.and_then(|s| s.cmd.as_ref()) {
                        words.extend(c.argv.iter().cloned());
                    }
                }
            }
            // `sh -c "gunicorn …"` is one word: split it.
            let words: Vec<String> = words
                .iter()
                .flat_map(|w| w.split_whitespace().map(str::to_string))
                .collect();
            let detected = process_of(&words);
            let env_var = |name: &str| -> Option<(String, FileId, Span, ModuleSource)> {
                match project.index.env_lookup(compose, &service.name.value, name) {
                    Some(EnvBinding::Inline(v)) => Some((
                        v.value.clone()?,
                        compose,
                        v.value_span.unwrap_or(v.span),
                        ModuleSource::Compose,
                    )),
                    Some(EnvBinding::File(d)) => {
                        Some((d.value.clone(), d.file, d.value_span, ModuleSource::EnvFile))
                    }
                    None => {
                        if let Some((f, ext)) = project.index.extended(compose, &service.name.value)
                        {
                            if let Some(v) = ext.env(name) {
                                return Some((
                                    v.value.clone()?,
                                    f,
                                    v.value_span.unwrap_or(v.span),
                                    ModuleSource::Compose,
                                ));
                            }
                        }
                        let (id, _, _) = dockerfile?;
                        let (_, value, span) =
                            stage?.env.iter().rev().find(|(k, _, _)| k == name)?;
                        Some((value.clone(), id, *span, ModuleSource::Dockerfile))
                    }
                }
            };
            let mut module = env_var("DJANGO_SETTINGS_MODULE")
                .filter(|(v, ..)| is_module_name(v))
                .map(|(v, f, s, src)| (v, src, f, s));
            let explicit = module.is_some();
            let process = match detected {
                Some(p) => p,
                None if explicit => Process::Other,
                None => continue,
            };
            if module.is_none() {
                module = default_module(project, info.context_dir.as_deref(), process, &words);
            }
            let settings = module.as_ref().and_then(|(m, ..)| {
                resolve_module(&settings_files, m, info.context_dir.as_deref())
            });
            let workers = workers_of(&words, process).or_else(|| {
                if words.iter().any(|w| base(w) == "gunicorn") {
                    env_var("WEB_CONCURRENCY").and_then(|(v, ..)| v.trim().parse().ok())
                } else {
                    None
                }
            });
            let workers = match (workers, process, &words) {
                (Some(n), ..) => Some(n),
                (None, Process::Worker, w) if w.iter().any(|w| base(w) == "celery") => None,
                _ => Some(1),
            };
            let replicas = match &service.deploy {
                Some(d) if d.mode.as_ref().is_some_and(|m| m.value == "global") => None,
                Some(d) => match &d.replicas {
                    Some(r) => r.value.trim().parse().ok(),
                    None => Some(1),
                },
                None => Some(1),
            };
            services.push(DjangoService {
                compose,
                name: service.name.value.clone(),
                name_span: service.name.span,
                env: project.file(compose).source.environment,
                process,
                module,
                settings,
                workers,
                replicas,
                dockerfile: dockerfile.map(|(id, _, i)| (id, i)),
                context: info.context_dir.clone(),
                words,
            });
        }
        let export_envs = export_environments(project, &services);
        Stack {
            services,
            export_envs,
        }
    }

    /// The services that run the settings module in `file`.
    pub(crate) fn running(&self, file: FileId) -> impl Iterator<Item = &DjangoService> {
        self.services
            .iter()
            .filter(move |s| s.settings == Some(file))
    }

    /// The environment the settings module in `file` runs in: `own` (what its file name says)
    /// unless that is unknown, else the most deployed environment of the Compose files whose
    /// services run it.
    pub(crate) fn environment(&self, file: FileId, own: Environment) -> Environment {
        if own != Environment::Unknown {
            return own;
        }
        self.running(file)
            .map(|s| s.env)
            .filter(|e| matches!(e, Environment::Production | Environment::Staging))
            .min()
            .or_else(|| self.export_envs.get(&file).copied())
            .unwrap_or(own)
    }
}

/// The environment of each settings export whose path says none: an export sits in the stack
/// it was taken from, so it takes the environment of the Django services whose Compose file is
/// in its folder or a folder above, when they all run in one deployed environment.
fn export_environments(
    project: &Project,
    services: &[DjangoService],
) -> HashMap<FileId, Environment> {
    // The environments of the Django services, by the folder of their Compose file.
    let mut by_dir: HashMap<PathBuf, Vec<Environment>> = HashMap::new();
    for s in services {
        let compose = normalize(&project.file(s.compose).source.path);
        if let Some(dir) = compose.parent() {
            by_dir.entry(dir.to_path_buf()).or_default().push(s.env);
        }
    }
    let mut out = HashMap::new();
    for f in project.files_of_kind(FileKind::DjangoSettingsExport) {
        if f.source.environment != Environment::Unknown || f.model.django_settings().is_none() {
            continue;
        }
        let path = normalize(&f.source.path);
        // The nearest folder above the export with Django services decides.
        let Some(mut envs) = path
            .ancestors()
            .skip(1)
            .find_map(|d| by_dir.get(d))
            .cloned()
        else {
            continue;
        };
        envs.sort();
        envs.dedup();
        if let [env @ (Environment::Production | Environment::Staging)] = envs[..] {
            out.insert(f.id, env);
        }
    }
    out
}

/// The Dockerfile stage a service runs.
pub(crate) fn stage_of<'a>(
    project: &'a Project,
    svc: &DjangoService,
) -> Option<(&'a Dockerfile, &'a Stage)> {
    let (id, i) = svc.dockerfile?;
    let df = project.file(id).model.dockerfile()?;
    Some((df, df.stages.get(i)?))
}

/// The container path of the repository folder `dir`, through the service's Dockerfile `COPY`
/// instructions (the last one that copies it wins).
pub(crate) fn container_path(project: &Project, svc: &DjangoService, dir: &Path) -> Option<String> {
    let context = svc.context.as_deref()?;
    let (_, stage) = stage_of(project, svc)?;
    let dir = normalize(dir);
    for copy in stage.copies.iter().rev() {
        if copy.from.is_some() {
            continue;
        }
        for src in &copy.sources {
            if src.contains(['*', '?', '[', '$']) || src.starts_with("<<") {
                continue;
            }
            let repo = normalize(&context.join(src.trim_end_matches('/')));
            let Ok(rel) = dir.strip_prefix(&repo) else {
                continue;
            };
            // A file source lands at the destination itself; only folders map below it.
            if !repo.is_dir() {
                continue;
            }
            let mut out = copy.dest.trim_end_matches('/').to_string();
            for part in rel.components() {
                out.push('/');
                out.push_str(&part.as_os_str().to_string_lossy());
            }
            return Some(if out.is_empty() { "/".to_string() } else { out });
        }
    }
    None
}

fn base(word: &str) -> &str {
    word.rsplit('/').next().unwrap_or(word)
}

/// What a command runs, from its words.
fn process_of(words: &[String]) -> Option<Process> {
    for (i, w) in words.iter().enumerate() {
        match base(w) {
            "gunicorn" | "uwsgi" | "daphne" | "uvicorn" | "hypercorn" => return Some(Process::Web),
            "celery" => {
                let rest = &words[i + 1..];
                return Some(if rest.iter().any(|w| w == "worker") {
                    Process::Worker
                } else {
                    Process::Other
                });
            }
            "manage.py" | "django-admin" => {
                return Some(match words.get(i + 1).map(String::as_str) {
                    Some("runserver") => Process::Web,
                    Some("qcluster" | "rqworker" | "celery" | "process_tasks") => Process::Worker,
                    _ => Process::Other,
                });
            }
            _ => {}
        }
    }
    None
}

/// Processes per container from the command's options.
fn workers_of(words: &[String], process: Process) -> Option<u32> {
    let server = words.iter().map(|w| base(w)).find(|w| {
        matches!(
            *w,
            "gunicorn" | "uwsgi" | "uvicorn" | "hypercorn" | "celery" | "daphne"
        )
    })?;
    let opts: &[&str] = match server {
        "gunicorn" => &["--workers", "-w"],
        "uwsgi" => &["--processes", "-p", "--workers"],
        "uvicorn" | "hypercorn" => &["--workers", "-w"],
        "celery" if process == Process::Worker => &["--concurrency", "-c"],
        _ => return None,
    };
    for (i, w) in words.iter().enumerate() {
        for o in opts {
            let value = if w == o {
                words.get(i + 1).map(String::as_str)
            } else if let Some(v) = w.strip_prefix(&format!("{o}=")) {
                Some(v)
            } else if o.len() == 2 && w.len() > 2 && w.starts_with(o) && !w.starts_with("--") {
                Some(&w[2..])
            } else {
                None
            };
            if let Some(n) = value.and_then(|v| v.parse().ok()) {
                return Some(n);
            }
        }
    }
    None
}

fn is_module_name(s: &str) -> bool {
    !s.is_empty()
        && s.split('.')
            .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'))
}

/// The settings module a project's entry points set by default, for a service building from
/// `context`: `os.environ.setdefault("DJANGO_SETTINGS_MODULE", "x")`.
fn default_module(
    project: &Project,
    context: Option<&Path>,
    process: Process,
    words: &[String],
) -> Option<(String, ModuleSource, FileId, Span)> {
    let order: &[&str] = match process {
        Process::Web => &["wsgi.py", "asgi.py", "manage.py", "celery.py"],
        Process::Worker => &["celery.py", "manage.py", "wsgi.py", "asgi.py"],
        Process::Other => &["manage.py", "wsgi.py", "asgi.py", "celery.py"],
    };
    // `gunicorn core.wsgi:application` names the module it loads.
    let named: Vec<String> = words
        .iter()
        .filter_map(|w| w.split_once(':').map(|(m, _)| m))
        .filter(|m| is_module_name(m) && m.contains('.'))
        .map(|m| format!("{}.py", m.replace('.', "/")))
        .collect();
    for name in order {
        let mut found: Vec<(String, FileId, Span)> = Vec::new();
        for &id in project.index.files_named(std::ffi::OsStr::new(name)) {
            let f = project.file(id);
            if f.source.kind != FileKind::PythonSource {
                continue;
            }
            let path = normalize(&f.source.path);
            if context.is_some_and(|c| !path.starts_with(c)) {
                continue;
            }
            if !named.is_empty() && *name != "manage.py" && !named.iter().any(|n| path.ends_with(n))
            {
                continue;
            }
            if let Some((m, span)) = setdefault_module(&f.source.text) {
                found.push((m, id, span));
            }
        }
        found.sort();
        found.dedup_by(|a, b| a.0 == b.0);
        if let [(m, id, span)] = found.as_slice() {
            return Some((m.clone(), ModuleSource::Default, *id, *span));
        }
    }
    None
}

/// `os.environ.setdefault("DJANGO_SETTINGS_MODULE", "x")`: `x` and its span.
pub(crate) fn setdefault_module(text: &str) -> Option<(String, Span)> {
    let mut from = 0;
    while let Some(i) = text[from..].find("DJANGO_SETTINGS_MODULE") {
        let at = from + i;
        from = at + "DJANGO_SETTINGS_MODULE".len();
        let before = text[..at].trim_end_matches(['"', '\'']).trim_end();
        if !before.ends_with("setdefault(") {
            continue;
        }
        let rest = text[from..].trim_start_matches(['"', '\'']);
        let Some(after_comma) = rest.trim_start().strip_prefix(',') else {
            continue;
        };
        let value = after_comma.trim_start();
        let quote = value.chars().next()?;
        if quote != '"' && quote != '\'' {
            continue;
        }
        let body = &value[1..];
        let end = body.find(quote)?;
        let m = &body[..end];
        if !is_module_name(m) {
            continue;
        }
        let start = text.len() - body.len();
        return Some((m.to_string(), Span::new(start, start + end)));
    }
    None
}

/// The settings file a dotted module names: `core.settings` is `core/settings.py` or
/// `core/settings/__init__.py`, preferably inside the build context; `None` when ambiguous.
fn resolve_module(
    files: &[(PathBuf, FileId)],
    module: &str,
    context: Option<&Path>,
) -> Option<FileId> {
    let rel: PathBuf = module.split('.').collect();
    let as_module = rel.with_extension("py");
    let as_package = rel.join("__init__.py");
    let matches: Vec<&(PathBuf, FileId)> = files
        .iter()
        .filter(|(p, _)| p.ends_with(&as_module) || p.ends_with(&as_package))
        .collect();
    let inside: Vec<&&(PathBuf, FileId)> = matches
        .iter()
        .filter(|(p, _)| context.is_some_and(|c| p.starts_with(c)))
        .collect();
    match (inside.as_slice(), matches.as_slice()) {
        ([one], _) => Some(one.1),
        ([], [one]) => Some(one.1),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(s: &str) -> Vec<String> {
        s.split_whitespace().map(str::to_string).collect()
    }

    #[test]
    fn commands_say_what_runs_and_how_many_processes() {
        let w = words("gunicorn core.wsgi:application --bind 0.0.0.0:8000 --workers 3");
        assert_eq!(process_of(&w), Some(Process::Web));
        assert_eq!(workers_of(&w, Process::Web), Some(3));
        let w = words("gunicorn app.wsgi -w4");
        assert_eq!(workers_of(&w, Process::Web), Some(4));
        let w = words("celery -A core worker -l info --concurrency=2");
        assert_eq!(process_of(&w), Some(Process::Worker));
        assert_eq!(workers_of(&w, Process::Worker), Some(2));
        let w = words("celery -A core beat");
        assert_eq!(process_of(&w), Some(Process::Other));
        let w = words("python manage.py runserver 0.0.0.0:8000");
        assert_eq!(process_of(&w), Some(Process::Web));
        assert_eq!(
            process_of(&words("python manage.py migrate")),
            Some(Process::Other)
        );
        assert_eq!(process_of(&words("redis-server --appendonly yes")), None);
    }

    #[test]
    fn entry_points_name_their_default_settings_module() {
        let text = "import os\nos.environ.setdefault(\"DJANGO_SETTINGS_MODULE\", \"config.settings.production\")\n";
        let (m, span) = setdefault_module(text).unwrap();
        assert_eq!(m, "config.settings.production");
        assert_eq!(&text[span.range()], "config.settings.production");
        assert_eq!(
            setdefault_module("os.environ['DJANGO_SETTINGS_MODULE'] = 'x.settings'"),
            None
        );
        assert_eq!(
            setdefault_module("os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'a.b')")
                .map(|x| x.0),
            Some("a.b".to_string())
        );
    }

    fn project(files: &[(&str, &str)]) -> (tempfile::TempDir, Project) {
        let dir = tempfile::tempdir().unwrap();
        for (path, text) in files {
            let path = dir.path().join(path);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
        let options = crate::engine::RunOptions {
            paths: vec![dir.path().to_path_buf()],
            stdin: None,
            config: Default::default(),
            rules: Vec::new(),
            size_limit: crate::engine::DEFAULT_SIZE_LIMIT,
            cwd: dir.path().to_path_buf(),
        };
        let project = crate::engine::run(&options).unwrap().project;
        (dir, project)
    }

    #[test]
    fn services_run_the_settings_their_environment_or_entry_points_name() {
        let compose = "x-app: &app\n  build: ./backend\nservices:\n  web:\n    <<: *app\n    command: gunicorn shop.wsgi:application --workers 4\n    deploy:\n      replicas: 2\n  worker:\n    <<: *app\n    command: celery -A shop worker\n    environment:\n      DJANGO_SETTINGS_MODULE: shop.settings.worker\n  db:\n    image: postgres:17\n";
        let (_dir, p) = project(&[
            ("docker-compose.prod.yml", compose),
            ("backend/Dockerfile", "FROM python:3.12\nWORKDIR /app\nCOPY . .\n"),
            (
                "backend/shop/wsgi.py",
                "import os\nos.environ.setdefault(\"DJANGO_SETTINGS_MODULE\", \"shop.settings.production\")\n",
            ),
            ("backend/shop/settings/production.py", "DEBUG = False\n"),
            ("backend/shop/settings/worker.py", "DEBUG = False\n"),
        ]);
        let stack = Stack::build(&p);
        let names: Vec<&str> = stack.services.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(names, ["web", "worker"]);
        let web = &stack.services[0];
        assert_eq!(web.process, Process::Web);
        assert_eq!((web.workers, web.replicas), (Some(4), Some(2)));
        let (module, source, ..) = web.module.clone().unwrap();
        assert_eq!(
            (module.as_str(), source),
            ("shop.settings.production", ModuleSource::Default)
        );
        let settings = web.settings.unwrap();
        assert!(p
            .file(settings)
            .source
            .path
            .ends_with("shop/settings/production.py"));
        assert_eq!(
            stack.environment(settings, Environment::Unknown),
            Environment::Production
        );
        assert_eq!(stack.running(settings).count(), 1);
        let worker = &stack.services[1];
        assert_eq!((worker.process, worker.workers), (Process::Worker, None));
        assert!(worker.several_processes());
        assert_eq!(worker.module.as_ref().unwrap().1, ModuleSource::Compose);
        let app = p
            .file(settings)
            .source
            .path
            .parent()
            .unwrap()
            .parent()
            .unwrap()
            .to_path_buf();
        assert_eq!(container_path(&p, web, &app).as_deref(), Some("/app/shop"));
        assert_eq!(web.describe(), "web server, 2 replicas × 4 processes");
    }

    #[test]
    fn modules_resolve_to_settings_files_inside_the_build_context() {
        let files = vec![
            (PathBuf::from("/p/backend/core/settings.py"), 1),
            (PathBuf::from("/p/other/core/settings.py"), 2),
            (PathBuf::from("/p/src/app/settings/__init__.py"), 3),
        ];
        assert_eq!(
            resolve_module(&files, "core.settings", Some(Path::new("/p/backend"))),
            Some(1)
        );
        assert_eq!(resolve_module(&files, "core.settings", None), None);
        assert_eq!(resolve_module(&files, "app.settings", None), Some(3));
    }
}
