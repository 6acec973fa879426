use std::collections::HashMap;

use crate::kind::Environment;
use crate::parse::compose::Service;
use crate::rule::{Ctx, Rule};

use super::{command_words, image_healthcheck, Stack};

crate::declare_rule! {
    /// ## What it does
    /// Reports a long-running service with no health check: no `healthcheck:` in any of the
    /// Compose files that define it, and no `HEALTHCHECK` in the image it builds (or in a
    /// well-known upstream image that ships one).
    ///
    /// One-shot jobs are left alone: services with `restart: "no"` or a `restart_policy` of
    /// `none`, tools behind profiles such as `tools` or `debug`, migration and setup commands
    /// (`manage.py migrate`, `collectstatic`, `createsuperuser`, `alembic upgrade`, …), and
    /// services another service waits for with `condition: service_completed_successfully`.
    /// `healthcheck: {disable: true}` is an explicit choice and is not reported either.
    ///
    /// In a file of unknown environment — a demo, a local stack, or a production file with a
    /// neutral name — a service is reported only when the file shows that its authors check
    /// health: a service running the same application has a health check (the web service, not
    /// its worker), or most of the other long-running services do.
    ///
    /// Files of unknown environment that say they are for development (`NODE_ENV=development`,
    /// a `.dev` settings module, a `development` build target, `runserver`, `sleep infinity`)
    /// are left alone.
    ///
    /// ## Why it matters
    /// Without a health check Docker knows only whether the process exists. A worker that lost
    /// its broker connection, a web server stuck on a deadlock, a consumer that stopped
    /// consuming: each stays "Up" while doing nothing, nothing restarts it, `depends_on:
    /// condition: service_healthy` cannot wait for it, and monitoring that reads container
    /// health sees nothing wrong. An audit of a production stack found exactly this: every
    /// service health-checked except the Celery worker.
    ///
    /// ## Example
    /// ```yaml title="docker-compose.prod.yml"
    /// services:
    ///   web:
    ///     image: registry.example.org/shop:1.4.2
    ///     healthcheck:
    ///       test: ["CMD", "curl", "-f", "http://localhost:8000/health/"]
    ///     restart: unless-stopped
    ///   celery:
    ///     image: registry.example.org/shop:1.4.2
    ///     command: celery -A shop worker -l info
    ///     restart: unless-stopped
    /// ```
    ///
    /// ## How to fix
    /// Give the service a check that proves it does its work, not only that it runs:
    /// ```yaml title="docker-compose.prod.yml"
    /// services:
    ///   web:
    ///     image: registry.example.org/shop:1.4.2
    ///     healthcheck:
    ///       test: ["CMD", "curl", "-f", "http://localhost:8000/health/"]
    ///     restart: unless-stopped
    ///   celery:
    ///     image: registry.example.org/shop:1.4.2
    ///     command: celery -A shop worker -l info
    ///     healthcheck:
    ///       test: ["CMD-SHELL", "celery -A shop inspect ping -d celery@$$HOSTNAME"]
    ///       interval: 30s
    ///       timeout: 10s
    ///     restart: unless-stopped
    /// ```
    /// Or declare `HEALTHCHECK` in the Dockerfile the service builds. When a check really makes
    /// no sense for a service, say so with `healthcheck: {disable: true}`.
    pub(crate) struct MissingHealthcheck {
        code: "CMP010",
        name: "missing-healthcheck",
        family: Compose,
        severity: Warning,
        scope: DEPLOYED,
    }
}

/// A health check that runs (not `disable: true`).
fn checks_health(service: &Service) -> bool {
    service
        .healthcheck
        .as_ref()
        .is_some_and(|h| !h.is_disabled())
}

impl Rule for MissingHealthcheck {
    fn check_project(&self, ctx: &mut Ctx<'_>) {
        let stack = Stack::new(ctx.project);
        let mut practices = HashMap::new();
        for (file, service) in stack.complete_services() {
            let env = stack.environment(file);
            if !stack.judged(ctx, file) {
                continue;
            }
            let name = service.name.value.as_str();
            if stack.one_shot(file, name).is_some()
                || stack.any(file, name, |s| s.healthcheck.is_some())
                || image_healthcheck(&stack, file, name)
            {
                continue;
            }
            let evidence = if env == Environment::Unknown {
                let practice = practices
                    .entry(file)
                    .or_insert_with(|| stack.practice(file, checks_health));
                match practice.evidence(&stack, file, name) {
                    Some(s) => Some(s),
                    None => continue,
                }
            } else {
                None
            };
            let words = command_words(service);
            let help = if words.iter().any(|w| w == "celery") && words.iter().any(|w| w == "worker")
            {
                "add a `healthcheck:` that proves the worker answers, such as `celery -A <app> inspect ping -d celery@$$HOSTNAME`, or `disable: true` if no check makes sense"
            } else {
                "add a `healthcheck:` that proves the service does its work (or a `HEALTHCHECK` in its Dockerfile), or `healthcheck: {disable: true}` if no check makes sense"
            };
            let d = ctx
                .report(
                    file,
                    service.name.span,
                    format!("`{name}` runs without a healthcheck: Docker cannot tell when it stops working"),
                )
                .help(help);
            if let Some(sibling) = evidence {
                if let Some(h) = &sibling.healthcheck {
                    d.related(file, h.span, format!("`{}` has one", sibling.name.value));
                }
            }
        }
    }
}
