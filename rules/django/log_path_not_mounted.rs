use std::collections::HashSet;

use crate::index::EnvBinding;
use crate::parse::python::{resolve_path, Spanned, Value};
use crate::project::Project;
use crate::rule::{Ctx, Rule};
use crate::rules::django::{judged_env, leaves, report_env, Judged, Leaf};
use crate::source::{FileId, Span};
use crate::stack::{container_path, stage_of, DjangoService, Stack};

crate::declare_rule! {
    /// ## What it does
    /// Reports a `LOGGING` file handler (`FileHandler`, `RotatingFileHandler`,
    /// `TimedRotatingFileHandler`, `WatchedFileHandler`, any `logging.handlers` class with a
    /// `filename`) whose folder does not exist in the containers that run the settings: the
    /// image does not create it (`RUN mkdir -p`, `install -d`, `WORKDIR`, `VOLUME`, or a `COPY`
    /// of a repository folder that contains it) and a Compose service that runs these settings
    /// — web server and workers alike — does not mount it.
    ///
    /// The path is resolved the way the container sees it: an environment variable's default
    /// unless the service sets the variable, and `BASE_DIR` mapped through the Dockerfile's
    /// `COPY` and `WORKDIR` (`BASE_DIR / "logs"` becomes `/app/logs` after `COPY . /app`).
    /// A folder the settings create themselves (`os.makedirs(LOG_DIR, exist_ok=True)`), or the
    /// container's start command creates (`mkdir -p` in its `sh -c` string or in the
    /// entrypoint script it runs from the build context), is fine. A service whose image
    /// shiplint cannot see (no local Dockerfile), or whose entrypoint script it cannot find,
    /// is not judged.
    ///
    /// ## Why it matters
    /// Django configures logging when it starts. A file handler whose folder is missing raises
    /// `FileNotFoundError`/`ValueError: Unable to configure handler`, so every process that
    /// loads the settings — gunicorn, celery, `manage.py migrate` — exits at once, and with a
    /// restart policy the container restarts in a loop. It works on a developer's machine,
    /// where the folder exists, and fails on the first deploy.
    ///
    /// ## Example
    /// ```python
    /// # backend/core/settings.py
    /// LOG_DIR = os.environ.get("AUDIT_LOG_DIR", "/var/log/app")
    /// LOGGING = {
    ///     "version": 1,
    ///     "handlers": {
    ///         "audit": {
    ///             "class": "logging.handlers.RotatingFileHandler",
    ///             "filename": os.path.join(LOG_DIR, "audit.log"),
    ///         },
    ///     },
    /// }
    /// ```
    /// with a Dockerfile that never creates `/var/log/app`, and services that do not mount it.
    ///
    /// ## How to fix
    /// Log to the console (`logging.StreamHandler`) and let the container runtime collect the
    /// output, or create the folder in the image, owned by the user the process runs as:
    /// ```dockerfile
    /// # backend/Dockerfile
    /// RUN mkdir -p /var/log/app && chown app:app /var/log/app
    /// ```
    /// or mount a volume at it in every service that runs these settings.
    pub(crate) struct LogPathNotMounted {
        code: "DJG024",
        name: "log-path-not-mounted",
        family: Django,
        severity: Error,
        scope: DEPLOYED,
    }
}

/// Whether a folder exists in one service's container.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    Exists,
    Missing,
    Unknown,
}

impl Rule for LogPathNotMounted {
    fn check_project(&self, ctx: &mut Ctx<'_>) {
        let project = ctx.project;
        let stack = Stack::of(project);
        let mut seen: HashSet<(FileId, Span)> = HashSet::new();
        for leaf in leaves(project).iter() {
            let Some(env) = judged_env(ctx, &stack, leaf) else {
                continue;
            };
            let services: Vec<&DjangoService> = stack.running(leaf.file).collect();
            if services.is_empty() {
                continue;
            }
            let Judged::Set(_, outcomes) = leaf.judge("LOGGING") else {
                continue;
            };
            // `LOGGING_CONFIG = None` turns Django's configuration off, unless the settings
            // then apply LOGGING themselves with `logging.config.dictConfig(LOGGING)`.
            let applied_by_hand = leaf
                .files()
                .any(|f| project.file(f).source.text.contains("dictConfig(LOGGING"));
            if leaf
                .setting("LOGGING_CONFIG")
                .is_some_and(|s| s.value.value == Value::None)
                && !applied_by_hand
            {
                continue;
            }
            let repo_base = leaf.base_dir(project);
            for o in outcomes {
                for (handler, filename) in file_handlers(&o.expr.value) {
                    check_handler(
                        ctx,
                        leaf,
                        &services,
                        repo_base.as_deref(),
                        handler,
                        filename,
                        env,
                        &mut seen,
                    );
                }
            }
        }
    }
}

/// `(handler name, filename value)` of each file handler of a LOGGING dict.
fn file_handlers(logging: &Value) -> Vec<(String, &Spanned<Value>)> {
    let mut out = Vec::new();
    let Some(handlers) = logging.dict_get("handlers").and_then(|h| h.value.as_dict()) else {
        return out;
    };
    for (key, handler) in handlers {
        let Some(class) = handler
            .value
            .dict_get("class")
            .and_then(|c| c.value.as_str())
        else {
            continue;
        };
        let last = class.rsplit('.').next().unwrap_or(class);
        if !(last.ends_with("FileHandler") || class.starts_with("logging.handlers.")) {
            continue;
        }
        let Some(filename) = handler.value.dict_get("filename") else {
            continue;
        };
        let name = key.value.as_str().unwrap_or("?").to_string();
        out.push((name, filename));
    }
    out
}

#[allow(clippy::too_many_arguments)]
fn check_handler(
    ctx: &mut Ctx<'_>,
    leaf: &Leaf,
    services: &[&DjangoService],
    repo_base: Option<&std::path::Path>,
    handler: String,
    filename: &Spanned<Value>,
    env: crate::kind::Environment,
    seen: &mut HashSet<(FileId, Span)>,
) {
    let project = ctx.project;
    let mut missing: Vec<(&DjangoService, String)> = Vec::new();
    let mut shown_dir: Option<String> = None;
    for svc in services {
        let container_base = repo_base.and_then(|b| container_path(project, svc, b));
        let overridden = |name: &str| service_env(project, svc, name);
        let value = filename.value.evaluate(&overridden);
        let Some(path) = resolve_path(&value, container_base.as_deref()) else {
            continue;
        };
        let dir = parent(&path.path);
        if created_by_settings(leaf, container_base.as_deref(), &dir) {
            return;
        }
        let vars: Vec<&str> = path.env_defaults.iter().map(|l| l.name.as_str()).collect();
        if state(project, svc, &dir) == State::Missing
            && entry_script_creates(svc, &dir, &vars) == Some(false)
        {
            shown_dir.get_or_insert_with(|| dir.clone());
            missing.push((svc, dir));
        }
    }
    let Some(dir) = shown_dir else {
        return;
    };
    let (file, local) = leaf.locate(filename.span);
    if !seen.insert((file, local)) {
        return;
    }
    let names: Vec<String> = missing
        .iter()
        .map(|(s, _)| format!("`{}`", s.name))
        .collect();
    let which = match names.as_slice() {
        [one] => one.clone(),
        _ => {
            let (last, rest) = names.split_last().expect("not empty");
            format!("{} and {last}", rest.join(", "))
        }
    };
    let env = report_env(project, file, env);
    let d = ctx.report_as(
        file,
        local,
        format!(
            "the LOGGING handler `{handler}` writes into {dir}, which does not exist in the \
             {which} container{}: Django fails to configure logging at startup and the \
             container restarts in a loop",
            if names.len() > 1 { "s" } else { "" }
        ),
        env,
    );
    d.help(format!(
        "log to the console (logging.StreamHandler), or create the folder in the image \
         (RUN mkdir -p {dir}, owned by the user the process runs as), or mount a volume at \
         {dir} in every service that runs these settings"
    ));
    let mut dockerfiles: Vec<FileId> = Vec::new();
    for (svc, dir) in &missing {
        if let Some((id, _)) = svc.dockerfile {
            if !dockerfiles.contains(&id) {
                dockerfiles.push(id);
                if let Some((_, stage)) = stage_of(project, svc) {
                    d.related(
                        id,
                        stage.from,
                        format!("the image built here does not create {dir}"),
                    );
                }
            }
        }
        d.related(
            svc.compose,
            svc.name_span,
            format!(
                "`{}` runs these settings without a mount at {dir}",
                svc.name
            ),
        );
    }
}

/// The value a service gives an environment variable: Compose `environment:`, `env_file:`, or
/// the Dockerfile's `ENV`. A value Compose interpolates is not known.
fn service_env(project: &Project, svc: &DjangoService, name: &str) -> Option<String> {
    match project.index.env_lookup(svc.compose, &svc.name, name) {
        Some(EnvBinding::Inline(v)) => v.value.clone().filter(|v| !v.contains('$')),
        Some(EnvBinding::File(d)) => Some(d.value.clone()),
        None => {
            let (_, stage) = stage_of(project, svc)?;
            stage
                .env
                .iter()
                .rev()
                .find(|(k, _, _)| k == name)
                .map(|(_, v, _)| v.clone())
        }
    }
}

fn parent(path: &str) -> String {
    match path.rfind('/') {
        Some(0) | None => "/".to_string(),
        Some(i) => path[..i].to_string(),
    }
}

fn covers(dir: &str, path: &str) -> bool {
    dir == path || path.starts_with(dir) && path[dir.len()..].starts_with('/')
}

/// Whether the settings create the folder (or one below it) at import time.
fn created_by_settings(leaf: &Leaf, base: Option<&str>, dir: &str) -> bool {
    leaf.model
        .created_dirs
        .iter()
        .any(|c| resolve_path(&c.value, base).is_some_and(|p| covers(dir, &p.path)))
}

/// Whether `dir` exists in the service's container.
fn state(project: &Project, svc: &DjangoService, dir: &str) -> State {
    if !project
        .index
        .mounts_covering(svc.compose, &svc.name, dir)
        .is_empty()
    {
        return State::Exists;
    }
    let Some((df, stage)) = stage_of(project, svc) else {
        return State::Unknown;
    };
    if df.creates_dir(stage, dir) {
        return State::Exists;
    }
    // A folder of the build context copied into a destination above `dir`.
    if let Some(context) = &svc.context {
        for copy in stage.copies.iter().rev() {
            if copy.from.is_some() || !copy.dest_is_dir || !covers(&copy.dest, dir) {
                continue;
            }
            let rel = dir
                .get(copy.dest.len()..)
                .unwrap_or_default()
                .trim_start_matches('/');
            for src in &copy.sources {
                if src.contains(['*', '?', '[', '$']) || src.starts_with("<<") {
                    continue;
                }
                if context.join(src.trim_end_matches('/')).join(rel).is_dir() {
                    return State::Exists;
                }
            }
        }
    }
    State::Missing
}

/// Whether the container's start command creates the folder at run time (`mkdir -p` in an
/// entrypoint script or an `sh -c` string): `Some(false)` when it visibly does not, `None`
/// when a script it runs cannot be read.
fn entry_script_creates(svc: &DjangoService, dir: &str, vars: &[&str]) -> Option<bool> {
    let mentions = |text: &str| {
        (text.contains("mkdir") || text.contains("install -d"))
            && (text.contains(dir)
                || vars
                    .iter()
                    .any(|v| text.contains(&format!("${v}")) || text.contains(&format!("${{{v}"))))
    };
    if mentions(&svc.words.join(" ")) {
        return Some(true);
    }
    let scripts: Vec<&str> = svc
        .words
        .iter()
        .map(|w| w.rsplit('/').next().unwrap_or(w))
        .filter(|w| w.ends_with(".sh") || w.contains("entrypoint"))
        .collect();
    if scripts.is_empty() {
        return Some(false);
    }
    let context = svc.context.as_deref()?;
    for script in scripts {
        let text = find_file(context, script, 0).and_then(|p| std::fs::read_to_string(p).ok())?;
        if mentions(&text) {
            return Some(true);
        }
    }
    Some(false)
}

/// A file named `name` in `dir` or its subfolders (a few levels, skipping dependency and VCS
/// folders), first by sorted path.
fn find_file(dir: &std::path::Path, name: &str, depth: usize) -> Option<std::path::PathBuf> {
    if depth > 3 {
        return None;
    }
    let mut entries: Vec<std::path::PathBuf> = std::fs::read_dir(dir)
        .ok()?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    entries.sort();
    if let Some(found) = entries
        .iter()
        .find(|p| p.is_file() && p.file_name().is_some_and(|n| n == name))
    {
        return Some(found.clone());
    }
    entries
        .iter()
        .filter(|p| p.is_dir())
        .filter(|p| {
            let n = p
                .file_name()
                .map(|n| n.to_string_lossy())
                .unwrap_or_default();
            !n.starts_with('.') && !matches!(n.as_ref(), "node_modules" | "venv" | "__pycache__")
        })
        .find_map(|p| find_file(p, name, depth + 1))
}
