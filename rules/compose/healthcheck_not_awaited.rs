use std::collections::HashSet;

use crate::rule::{Ctx, Rule};

use super::{command_words, Stack};

crate::declare_rule! {
    /// ## What it does
    /// Reports a `depends_on:` entry that waits only for its dependency to *start* (the short
    /// form, with no `condition:`) when the dependency has a health check that says
    /// when it is *ready*: a `healthcheck:` in the Compose files, or a `HEALTHCHECK` in the
    /// Dockerfile it builds.
    ///
    /// An explicit `condition: service_started` is a decision and is not reported, nor is a
    /// service whose command already waits for its dependencies (`wait-for-it`, `dockerize
    /// -wait`, `wait-for`), nor an entry another Compose file of the same deployment gives a
    /// condition.
    ///
    /// Files of unknown environment that say they are for development (`NODE_ENV=development`,
    /// a `.dev` settings module, a `development` build target, `runserver`, `sleep infinity`)
    /// are left alone.
    ///
    /// ## Why it matters
    /// Compose starts the dependent as soon as the dependency's container exists. A database
    /// still replaying its log, a broker still booting, an application still migrating: the
    /// dependent connects too early, fails its first requests or exits, and on a fresh server
    /// or after a reboot the stack comes up broken or only after a round of crash-restarts. The
    /// health check that would prevent it is already written; the dependent just does not wait
    /// for it.
    ///
    /// ## Example
    /// ```yaml title="docker-compose.prod.yml"
    /// services:
    ///   db:
    ///     image: postgres:16.4
    ///     healthcheck:
    ///       test: ["CMD-SHELL", "pg_isready -U app"]
    ///   backend:
    ///     image: registry.example.org/backend:1.4.2
    ///     depends_on:
    ///       - db
    /// ```
    ///
    /// ## How to fix
    /// Wait for the dependency to be healthy:
    /// ```yaml title="docker-compose.prod.yml"
    /// services:
    ///   db:
    ///     image: postgres:16.4
    ///     healthcheck:
    ///       test: ["CMD-SHELL", "pg_isready -U app"]
    ///   backend:
    ///     image: registry.example.org/backend:1.4.2
    ///     depends_on:
    ///       db:
    ///         condition: service_healthy
    /// ```
    pub(crate) struct HealthcheckNotAwaited {
        code: "CMP011",
        name: "healthcheck-not-awaited",
        family: Compose,
        severity: Warning,
        scope: DEPLOYED,
    }
}

/// Commands that wait for their dependencies themselves.
const WAITERS: &[&str] = &["wait-for-it", "wait-for", "wait_for", "dockerize", "wait4x"];

impl Rule for HealthcheckNotAwaited {
    fn check_project(&self, ctx: &mut Ctx<'_>) {
        let stack = Stack::new(ctx.project);
        let mut seen = HashSet::new();
        for (file, service) in ctx.project.index.services() {
            if !stack.judged(ctx, file) {
                continue;
            }
            let name = service.name.value.as_str();
            let defs = stack.definitions(file, name);
            let waits = defs.iter().any(|(_, s)| {
                command_words(s).iter().any(|w| {
                    let base = w.rsplit('/').next().unwrap_or(w);
                    WAITERS.iter().any(|x| base.starts_with(x))
                })
            });
            if waits {
                continue;
            }
            for dep in &service.depends_on {
                // An explicit `condition: service_started` is a decision; the short form is not.
                if dep.condition.is_some() {
                    continue;
                }
                let target = dep.service.value.as_str();
                let conditioned = defs.iter().any(|(_, s)| {
                    s.depends_on
                        .iter()
                        .any(|d| d.service.value == target && d.condition.is_some())
                });
                if conditioned {
                    continue;
                }
                let check = stack.definitions(file, target).iter().find_map(|&(f, s)| {
                    s.healthcheck
                        .as_ref()
                        .filter(|h| !h.is_disabled())
                        .map(|h| (f, h.span))
                });
                let disabled = stack.any(file, target, |s| {
                    s.healthcheck.as_ref().is_some_and(|h| h.is_disabled())
                });
                // The image's own check counts when the project shows it: a `HEALTHCHECK` in
                // the Dockerfile the service builds.
                let built = if check.is_none() && !disabled {
                    stack.built_stage(file, target).and_then(|(df, stage)| {
                        stage
                            .healthcheck
                            .as_ref()
                            .filter(|h| !h.none)
                            .map(|h| (df, h.span))
                    })
                } else {
                    None
                };
                let Some((check_file, check_span)) = check.or(built) else {
                    continue;
                };
                if !seen.insert((file, dep.service.span)) {
                    continue;
                }
                let d = ctx
                    .report(
                        file,
                        dep.service.span,
                        format!(
                            "`{name}` starts as soon as `{target}` has started, without waiting for its healthcheck to pass"
                        ),
                    )
                    .help(format!(
                        "wait for it: `depends_on: {{{target}: {{condition: service_healthy}}}}`"
                    ));
                d.related(
                    check_file,
                    check_span,
                    format!("`{target}` reports when it is ready here"),
                );
            }
        }
    }
}
