use crate::parse::compose::Service;
use crate::rule::{Ctx, Rule};

use super::{services_missing, Stack};

crate::declare_rule! {
    /// ## What it does
    /// Reports a long-running service with no restart policy: no `restart:` and no
    /// `deploy.restart_policy` in any Compose file that defines it. One-shot jobs are left
    /// alone (see [CMP010](CMP010.md) for how they are told apart).
    ///
    /// In a file of unknown environment a service is reported only when the file shows that its
    /// authors meant services to come back: a service running the same application has a
    /// restart policy, or most of the other long-running services do.
    ///
    /// Files of unknown environment that say they are for development (`NODE_ENV=development`,
    /// a `.dev` settings module, a `development` build target, `runserver`, `sleep infinity`)
    /// are left alone.
    ///
    /// ## Why it matters
    /// Compose's default is `restart: "no"`. A service that crashes once — an out-of-memory
    /// kill, a lost database connection at startup — stays down, and after a reboot of the
    /// server nothing of the stack comes back until someone runs `docker compose up` by hand.
    ///
    /// ## Example
    /// ```yaml title="docker-compose.prod.yml"
    /// services:
    ///   web:
    ///     image: registry.example.org/shop:1.4.2
    ///   worker:
    ///     image: registry.example.org/shop:1.4.2
    ///     command: celery -A shop worker
    /// ```
    ///
    /// ## How to fix
    /// ```yaml title="docker-compose.prod.yml"
    /// services:
    ///   web:
    ///     image: registry.example.org/shop:1.4.2
    ///     restart: unless-stopped
    ///   worker:
    ///     image: registry.example.org/shop:1.4.2
    ///     command: celery -A shop worker
    ///     restart: unless-stopped
    /// ```
    pub(crate) struct MissingRestartPolicy {
        code: "CMP021",
        name: "missing-restart-policy",
        family: Compose,
        severity: Warning,
        scope: DEPLOYED,
    }
}

fn restarts(service: &Service) -> bool {
    service.restart.is_some()
        || service
            .deploy
            .as_ref()
            .is_some_and(|d| d.restart_policy.is_some())
}

impl Rule for MissingRestartPolicy {
    fn check_project(&self, ctx: &mut Ctx<'_>) {
        let stack = Stack::new(ctx.project);
        for (file, service, evidence) in services_missing(ctx, &stack, restarts) {
            let name = service.name.value.as_str();
            let d = ctx
                .report(
                    file,
                    service.name.span,
                    format!(
                        "`{name}` has no restart policy: after a crash or a reboot it stays down"
                    ),
                )
                .help("add `restart: unless-stopped` (or `deploy.restart_policy` under Swarm)");
            if let Some(sibling) = evidence {
                let span = sibling
                    .restart
                    .as_ref()
                    .map_or(sibling.name.span, |r| r.span);
                d.related(file, span, format!("`{}` has one", sibling.name.value));
            }
        }
    }
}
