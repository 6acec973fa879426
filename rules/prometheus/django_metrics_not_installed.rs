use std::path::Path;

use super::configs;
use crate::index::EnvBinding;
use crate::kind::{Environment, FileKind};
use crate::parse::monitoring::prometheus::split_host_port;
use crate::project::Project;
use crate::rule::{Ctx, Rule};
use crate::rules::django::{leaves, Leaf};
use crate::rules::monitoring::monitoring;
use crate::source::{FileId, Span};

crate::declare_rule! {
    /// ## What it does
    /// Reports a scrape job whose target is the Compose service running Django, scraped at
    /// `/metrics` (the default `metrics_path`), while the settings module that service runs
    /// does not have `django_prometheus` in `INSTALLED_APPS`. The service runs Django when its
    /// `DJANGO_SETTINGS_MODULE` (from `environment:` or an `env_file:`, or `--settings` on its
    /// command) names a settings module of the project and its command, if it has one, starts
    /// a server (gunicorn, uWSGI, Daphne, Uvicorn, Hypercorn, Granian or `manage.py`).
    ///
    /// Only deployed settings (not development or test ones) that are whole modules shiplint
    /// read completely are judged; an `INSTALLED_APPS` built in a way shiplint cannot follow is
    /// not reported.
    ///
    /// ## Why it matters
    /// Django has no `/metrics` endpoint of its own: without `django_prometheus` (its app, its
    /// middleware and `include("django_prometheus.urls")`), the scrape gets a 404 and the
    /// job's `up` is 0. The dashboards and alerts built on request rates and latencies show
    /// nothing, and nobody notices until an incident.
    ///
    /// ## Example
    /// `docker-compose.yml` runs the application with production settings whose
    /// `INSTALLED_APPS` lacks `django_prometheus`:
    ///
    /// ```yaml
    /// services:
    ///   web:
    ///     build: .
    ///     command: gunicorn config.wsgi --bind 0.0.0.0:8000
    ///     environment:
    ///       DJANGO_SETTINGS_MODULE: config.settings.production
    ///   prometheus:
    ///     image: prom/prometheus:v2.54.1
    ///     volumes:
    ///       - ./prometheus.yml:/etc/prometheus/prometheus.yml:ro
    /// ```
    ///
    /// `prometheus.yml` scrapes it:
    ///
    /// ```yaml
    /// scrape_configs:
    ///   - job_name: django
    ///     static_configs:
    ///       - targets: ["web:8000"]
    /// ```
    ///
    /// ## How to fix
    /// Install the exporter: add `"django_prometheus"` to `INSTALLED_APPS`, wrap `MIDDLEWARE`
    /// with `django_prometheus.middleware.PrometheusBeforeMiddleware` and
    /// `PrometheusAfterMiddleware`, and add `path("", include("django_prometheus.urls"))` to
    /// the URLs. Or remove the job if the application exports no metrics.
    ///
    /// ```python
    /// INSTALLED_APPS = [
    ///     "django.contrib.admin",
    ///     "django_prometheus",
    /// ]
    /// ```
    pub(crate) struct DjangoMetricsNotInstalled {
        code: "PRM014",
        name: "django-metrics-not-installed",
        family: Prometheus,
        severity: Error,
        scope: NOT_DEVELOPMENT,
    }
}

/// Commands that serve a Django application.
const SERVERS: &[&str] = &[
    "gunicorn",
    "uwsgi",
    "daphne",
    "uvicorn",
    "hypercorn",
    "granian",
    "manage.py",
    "django-admin",
];

/// The settings module a service runs Django with, and where it is set.
struct DjangoService {
    module: String,
    set_at: Option<(FileId, Span)>,
}

fn django_service(project: &Project, compose: FileId, name: &str) -> Option<DjangoService> {
    let index = &project.index;
    let service = index.service(compose, name)?;
    let argv: Vec<&str> = service
        .command
        .as_ref()
        .map(|c| c.argv.iter().map(|a| a.value.as_str()).collect())
        .unwrap_or_default();
    if !argv.is_empty()
        && !argv.iter().any(|a| {
            let word = a.rsplit('/').next().unwrap_or(a);
            SERVERS.contains(&word)
        })
    {
        return None;
    }
    // `--settings` on the command wins over the environment, as in Django.
    let from_command = argv.iter().enumerate().find_map(|(i, a)| {
        if let Some(v) = a.strip_prefix("--settings=") {
            return Some(v.to_string());
        }
        (*a == "--settings").then(|| argv.get(i + 1).map(|v| v.to_string()))?
    });
    let (module, set_at) = match from_command {
        Some(m) => (m, service.command.as_ref().map(|c| (compose, c.span))),
        None => match index.env_lookup(compose, name, "DJANGO_SETTINGS_MODULE")? {
            EnvBinding::Inline(var) => (var.value.clone()?, Some((compose, var.name_span))),
            EnvBinding::File(decl) => (decl.value.clone(), Some((decl.file, decl.key_span))),
        },
    };
    let module = module.trim().to_string();
    if module.is_empty()
        || !module
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.')
    {
        return None;
    }
    Some(DjangoService { module, set_at })
}

/// The settings leaves a dotted module name names (`config.settings.production` is
/// `…/config/settings/production.py` or `…/production/__init__.py`).
fn leaves_of<'l>(project: &Project, all: &'l [Leaf], module: &str) -> Vec<&'l Leaf> {
    let parts: Vec<&str> = module.split('.').collect();
    let file = format!("{}.py", parts.join("/"));
    let package = format!("{}/__init__.py", parts.join("/"));
    all.iter()
        .filter(|l| {
            let path = &project.file(l.file).source.path;
            path.ends_with(Path::new(&file)) || path.ends_with(Path::new(&package))
        })
        .collect()
}

/// The file and span of the `INSTALLED_APPS` assignment a leaf ends with: the settings file
/// (the leaf first, then files of its folder, then any) whose own last assignment is there.
fn installed_apps(project: &Project, leaf: &Leaf) -> Option<(FileId, Span)> {
    let setting = leaf.model.get("INSTALLED_APPS")?;
    let (_, local) = leaf.model.locate(setting.name_span);
    let leaf_dir = project.file(leaf.file).source.path.parent();
    let mut candidates: Vec<&crate::project::ParsedFile> = project
        .files_of_kind(FileKind::DjangoSettingsSource)
        .collect();
    candidates.sort_by_key(|f| (f.id != leaf.file, f.source.path.parent() != leaf_dir, f.id));
    candidates.into_iter().find_map(|f| {
        let own = f.model.django_settings()?.get("INSTALLED_APPS")?;
        (own.name_span == local).then_some((f.id, local))
    })
}

impl Rule for DjangoMetricsNotInstalled {
    fn check_project(&self, ctx: &mut Ctx<'_>) {
        let project = ctx.project;
        let facts = monitoring(project);
        let configs = configs(project);
        for file in project.files_of_kind(FileKind::Prometheus) {
            if !ctx.applies_to(file.source.environment) || facts.runners(file.id).is_empty() {
                continue;
            }
            let Some(config) = configs.get(file.id) else {
                continue;
            };
            for job in config.jobs.iter().filter(|j| !j.relabels) {
                let path = job
                    .metrics_path
                    .as_ref()
                    .map_or("/metrics", |p| p.value.trim());
                if path.trim_end_matches('/') != "/metrics" {
                    continue;
                }
                for t in &job.targets {
                    let Some((host, _)) = split_host_port(t.value.trim()) else {
                        continue;
                    };
                    for (compose, name) in facts.services_reached(project, file.id, host) {
                        let Some(django) = django_service(project, compose, &name) else {
                            continue;
                        };
                        let all = leaves(project);
                        let found = leaves_of(project, &all, &django.module);
                        let deployed = |l: &&Leaf| {
                            !matches!(l.env, Environment::Development | Environment::Test)
                        };
                        if found.is_empty()
                            || !found.iter().all(|l| {
                                deployed(l)
                                    && l.is_whole()
                                    && l.has_app("django_prometheus") == Some(false)
                            })
                        {
                            continue;
                        }
                        let d = ctx
                        .report(
                            file.id,
                            t.span,
                            format!(
                                "target `{}` is scraped at `{path}`, but service `{name}` runs `{}`, which does not install `django_prometheus`; Django has no such endpoint and the scrape fails",
                                t.value, django.module
                            ),
                        )
                        .help("add `django_prometheus` to INSTALLED_APPS with its middleware and URLs, or remove the job");
                        if let Some((f, span)) = installed_apps(project, found[0]) {
                            d.related(f, span, "INSTALLED_APPS, without `django_prometheus`");
                        }
                        if let Some((f, span)) = django.set_at {
                            d.related(f, span, format!("`{name}` runs `{}`", django.module));
                        }
                        break;
                    }
                }
            }
        }
    }
}
