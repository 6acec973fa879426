use std::collections::HashMap;

use crate::rule::{Ctx, Rule};
use crate::source::{FileId, Span};

use super::Stack;

crate::declare_rule! {
    /// ## What it does
    /// Reports a service that runs the same application as another service of its Compose
    /// file — the same build (context, Dockerfile and target) or the same image repository —
    /// but does not set a variable that selects the application's configuration, which the
    /// other service sets: the environment name (`DJANGO_ENV`, `NODE_ENV`, `RAILS_ENV`,
    /// `APP_ENV`, `ENVIRONMENT`, `*_ENVIRONMENT`, `SPRING_PROFILES_ACTIVE`), the settings module
    /// (`DJANGO_SETTINGS_MODULE`), debug switches (`DEBUG`, `*_DEBUG`), the signing key
    /// (`SECRET_KEY`, `APP_KEY`, `SECRET_KEY_BASE`) and the database (`DATABASE_URL`).
    ///
    /// Variables come from `environment:` and from the service's `env_file:`s, in every Compose
    /// file of the deployment that defines the service. A service with an `env_file:` the
    /// project does not contain is not judged, and neither is a variable the image's own
    /// Dockerfile sets with `ENV`.
    ///
    /// Files of unknown environment that say they are for development (`NODE_ENV=development`,
    /// a `.dev` settings module, a `development` build target, `runserver`, `sleep infinity`)
    /// are left alone.
    ///
    /// ## Why it matters
    /// The web service and its Celery worker, scheduler or consumer are one application started
    /// with different commands. When the worker misses `DJANGO_ENV=production` or the settings
    /// module, it silently runs with the development defaults: debug on, a local database, a
    /// different signing key, so tokens the web service issues fail in tasks, and tasks write
    /// to the wrong place. Nothing fails at startup; the audit that found this had to read both
    /// service definitions side by side.
    ///
    /// ## Example
    /// ```yaml title="docker-compose.prod.yml"
    /// services:
    ///   web:
    ///     build: ./backend
    ///     environment:
    ///       DJANGO_ENV: production
    ///       DJANGO_SETTINGS_MODULE: shop.settings.production
    ///       DATABASE_URL: ${DATABASE_URL:?}
    ///   celery:
    ///     build: ./backend
    ///     command: celery -A shop worker
    ///     environment:
    ///       DATABASE_URL: ${DATABASE_URL:?}
    /// ```
    ///
    /// ## How to fix
    /// Give both services one environment, with an anchor or a shared `env_file:`:
    /// ```yaml title="docker-compose.prod.yml"
    /// x-backend-env: &backend-env
    ///   DJANGO_ENV: production
    ///   DJANGO_SETTINGS_MODULE: shop.settings.production
    ///   DATABASE_URL: ${DATABASE_URL:?}
    ///
    /// services:
    ///   web:
    ///     build: ./backend
    ///     environment:
    ///       <<: *backend-env
    ///   celery:
    ///     build: ./backend
    ///     command: celery -A shop worker
    ///     environment:
    ///       <<: *backend-env
    /// ```
    pub(crate) struct MissingSiblingEnvironment {
        code: "CMP015",
        name: "missing-sibling-environment",
        family: Compose,
        severity: Warning,
        scope: DEPLOYED,
    }
}

/// Variables that select which configuration an application runs with.
fn selects_configuration(name: &str) -> bool {
    let u = name.to_ascii_uppercase();
    matches!(
        u.as_str(),
        "ENV"
            | "ENVIRONMENT"
            | "DEBUG"
            | "SECRET_KEY"
            | "APP_KEY"
            | "SECRET_KEY_BASE"
            | "DATABASE_URL"
            | "SPRING_PROFILES_ACTIVE"
    ) || u.ends_with("_ENV")
        || u.ends_with("_ENVIRONMENT")
        || u.ends_with("_SETTINGS_MODULE")
        || u.ends_with("_DEBUG")
}

/// The variables a service sets, each with where it is set; `None` when an `env_file:` is
/// outside the project, so the set is unknown.
fn variables(
    stack: &Stack<'_>,
    file: FileId,
    name: &str,
) -> Option<HashMap<String, (FileId, Span)>> {
    let index = &stack.project.index;
    let mut out = HashMap::new();
    for &(f, s) in stack.definitions(file, name).iter() {
        for var in &s.environment {
            out.entry(var.name.clone()).or_insert((f, var.name_span));
        }
        for env_file in index.env_files_of(f, &s.name.value) {
            match env_file.file {
                Some(id) => {
                    for e in stack
                        .project
                        .file(id)
                        .model
                        .env()
                        .map_or(&[][..], |m| &m.entries)
                    {
                        out.entry(e.key.clone()).or_insert((id, e.key_span));
                    }
                }
                None if !env_file.reference.required => {}
                None => return None,
            }
        }
    }
    Some(out)
}

impl Rule for MissingSiblingEnvironment {
    fn check_project(&self, ctx: &mut Ctx<'_>) {
        let stack = Stack::new(ctx.project);
        for entry in ctx.project.index.compose_files() {
            let file = entry.file;
            if !stack.judged(ctx, file) {
                continue;
            }
            let services: Vec<&str> = entry
                .model
                .services
                .iter()
                .map(|s| s.name.value.as_str())
                .collect();
            let apps: Vec<Vec<String>> = services
                .iter()
                .map(|n| stack.application(file, n))
                .collect();
            let vars: Vec<Option<HashMap<String, (FileId, Span)>>> = services
                .iter()
                .map(|n| variables(&stack, file, n))
                .collect();
            // Services by the application they run, so that finding a service's siblings does
            // not compare it with every other service.
            let mut by_app: HashMap<&str, Vec<usize>> = HashMap::new();
            for (j, app) in apps.iter().enumerate() {
                for a in app {
                    by_app.entry(a.as_str()).or_default().push(j);
                }
            }
            for (i, name) in services.iter().enumerate() {
                let Some(own) = &vars[i] else { continue };
                let mut siblings_of_i: Vec<usize> = apps[i]
                    .iter()
                    .flat_map(|a| by_app.get(a.as_str()).into_iter().flatten().copied())
                    .filter(|&j| j != i)
                    .collect();
                if siblings_of_i.is_empty() {
                    continue;
                }
                siblings_of_i.sort_unstable();
                siblings_of_i.dedup();
                let image_env: Vec<&str> = stack
                    .built_stage(file, name)
                    .map(|(_, stage)| stage.env.iter().map(|(k, _, _)| k.as_str()).collect())
                    .unwrap_or_default();
                // Missing variable → (sibling, where the sibling sets it), in sibling order.
                let mut missing: Vec<(String, &str, (FileId, Span))> = Vec::new();
                for j in siblings_of_i {
                    let sibling = services[j];
                    let Some(theirs) = &vars[j] else { continue };
                    let mut names: Vec<(&String, &(FileId, Span))> = theirs.iter().collect();
                    names.sort_by_key(|(_, at)| *at);
                    for (var, at) in names {
                        if selects_configuration(var)
                            && !own.contains_key(var)
                            && !image_env.contains(&var.as_str())
                            && !missing.iter().any(|(m, _, _)| m == var)
                        {
                            missing.push((var.clone(), sibling, *at));
                        }
                    }
                }
                if missing.is_empty() {
                    continue;
                }
                let service = &entry.model.services[i];
                let names = missing
                    .iter()
                    .map(|(v, _, _)| format!("`{v}`"))
                    .collect::<Vec<_>>()
                    .join(", ");
                let mut siblings: Vec<&str> = missing.iter().map(|(_, s, _)| *s).collect();
                siblings.dedup();
                let who = siblings
                    .iter()
                    .map(|s| format!("`{s}`"))
                    .collect::<Vec<_>>()
                    .join(", ");
                let d = ctx
                    .report(
                        file,
                        service.name.span,
                        format!(
                            "`{name}` runs the same application as {who} but does not set {names}, so it runs with the application's defaults"
                        ),
                    )
                    .help(
                        "share one environment between the services, with an anchor (`<<: *app-env`) or a common `env_file:`",
                    );
                for (var, sibling, (f, span)) in &missing {
                    d.related(*f, *span, format!("`{sibling}` sets `{var}` here"));
                }
            }
        }
    }
}
