use crate::rule::{Ctx, Rule};
use crate::rules::django::{judged_env, leaves, report_env, Judged};
use crate::source::Span;
use crate::stack::{DjangoService, Stack};

crate::declare_rule! {
    /// ## What it does
    /// Reports settings whose cache is Django's local-memory cache (`LocMemCache`, also what
    /// runs when `CACHES` is never set) while the Compose services that run them start several
    /// Django processes: gunicorn or uwsgi workers, celery's worker processes, `deploy.replicas`,
    /// or a web service and a worker service on the same settings.
    ///
    /// ## Why it matters
    /// `LocMemCache` lives inside one process. With four gunicorn workers there are four
    /// caches: a value cached by one request is missing in the next, an invalidation in the web
    /// process never reaches the celery worker, and anything built on the cache — rate limits,
    /// cache-backed sessions, locks, throttling in Django REST framework — silently counts per
    /// process instead of per site.
    ///
    /// ## Example
    /// ```python
    /// # config/settings/production.py, run by `web` (gunicorn --workers 4) and `celery`
    /// CACHES = {
    ///     "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Use a cache every process shares:
    /// ```python
    /// CACHES = {
    ///     "default": {
    ///         "BACKEND": "django.core.cache.backends.redis.RedisCache",
    ///         "LOCATION": env("REDIS_URL"),
    ///     },
    /// }
    /// ```
    pub(crate) struct LocalMemoryCache {
        code: "DJG025",
        name: "local-memory-cache",
        family: Django,
        severity: Warning,
        scope: DEPLOYED,
    }
}

const LOCMEM: &str = "django.core.cache.backends.locmem.LocMemCache";

impl Rule for LocalMemoryCache {
    fn check_project(&self, ctx: &mut Ctx<'_>) {
        let project = ctx.project;
        let stack = Stack::of(project);
        for leaf in leaves(project).iter() {
            let Some(env) = judged_env(ctx, &stack, leaf) else {
                continue;
            };
            let services: Vec<&DjangoService> = stack.running(leaf.file).collect();
            let several = services.len() > 1 || services.iter().any(|s| s.several_processes());
            if !several {
                continue;
            }
            // Where the local-memory cache is configured, or the module when it is the default.
            let mut at: Vec<(Option<Span>, String)> = Vec::new();
            match leaf.judge("CACHES") {
                Judged::Default(None) if leaf.complete() => at.push((
                    None,
                    "CACHES is never set, so Django's LocMemCache".to_string(),
                )),
                Judged::Set(_, outcomes) => {
                    for o in outcomes {
                        let Some(aliases) = o.expr.value.as_dict() else {
                            continue;
                        };
                        for (alias, config) in aliases {
                            let Some(backend) = config.value.dict_get("BACKEND") else {
                                continue;
                            };
                            if backend.value.when_unset().as_str() == Some(LOCMEM) {
                                let alias = alias.value.as_str().unwrap_or("?");
                                at.push((
                                    Some(backend.span),
                                    format!("the `{alias}` cache is a LocMemCache, which"),
                                ));
                            }
                        }
                    }
                }
                _ => {}
            }
            let runs: Vec<String> = services
                .iter()
                .map(|s| format!("`{}` ({})", s.name, s.describe()))
                .collect();
            for (span, what) in at {
                let (file, local) = match span {
                    Some(s) => leaf.locate(s),
                    None => (leaf.file, leaf.top()),
                };
                let env = report_env(project, file, env);
                let d = ctx.report_as(
                    file,
                    local,
                    format!(
                        "{what} keeps a separate cache in each process, and these settings run \
                         in several: {}",
                        runs.join(", ")
                    ),
                    env,
                );
                d.help(
                    "use a cache every process shares (django.core.cache.backends.redis.\
                     RedisCache, or Memcached), so cached values, rate limits and locks hold \
                     across workers and replicas",
                );
                for s in &services {
                    let how = match &s.module {
                        Some((m, ..)) => format!(" (DJANGO_SETTINGS_MODULE={m})"),
                        None => String::new(),
                    };
                    d.related(
                        s.compose,
                        s.name_span,
                        format!("`{}` runs these settings{how}", s.name),
                    );
                }
            }
        }
    }
}
