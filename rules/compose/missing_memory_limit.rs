use crate::parse::compose::Service;
use crate::rule::{Ctx, Rule};

use super::{services_missing, Stack};

crate::declare_rule! {
    /// ## What it does
    /// Reports a long-running service with no memory limit: neither
    /// `deploy.resources.limits.memory` nor `mem_limit` in any Compose file that defines it.
    /// One-shot jobs are left alone (see [CMP010](CMP010.md)).
    ///
    /// In a file of unknown environment a service is reported only when the file shows that its
    /// authors limit memory: a service running the same application has a limit, or most of
    /// the other long-running services do.
    ///
    /// Files of unknown environment that say they are for development (`NODE_ENV=development`,
    /// a `.dev` settings module, a `development` build target, `runserver`, `sleep infinity`)
    /// are left alone.
    ///
    /// ## Why it matters
    /// Without a limit a container may use all the memory of the host. One leaking worker or
    /// one oversized request then makes the kernel's out-of-memory killer pick a victim among
    /// all the processes of the server — often the database, the largest one — instead of
    /// restarting the container at fault.
    ///
    /// ## Example
    /// ```yaml title="docker-compose.prod.yml"
    /// services:
    ///   worker:
    ///     image: registry.example.org/shop:1.4.2
    ///     command: celery -A shop worker
    /// ```
    ///
    /// ## How to fix
    /// Set a limit above the service's normal peak:
    /// ```yaml title="docker-compose.prod.yml"
    /// services:
    ///   worker:
    ///     image: registry.example.org/shop:1.4.2
    ///     command: celery -A shop worker
    ///     deploy:
    ///       resources:
    ///         limits:
    ///           memory: 1g
    /// ```
    pub(crate) struct MissingMemoryLimit {
        code: "CMP022",
        name: "missing-memory-limit",
        family: Compose,
        severity: Info,
        scope: DEPLOYED,
    }
}

fn limits_memory(service: &Service) -> bool {
    service.has_key("mem_limit")
        || service
            .deploy
            .as_ref()
            .and_then(|d| d.limits.as_ref())
            .is_some_and(|l| l.memory.is_some())
}

impl Rule for MissingMemoryLimit {
    fn check_project(&self, ctx: &mut Ctx<'_>) {
        let stack = Stack::new(ctx.project);
        for (file, service, evidence) in services_missing(ctx, &stack, limits_memory) {
            let name = service.name.value.as_str();
            let d = ctx
                .report(
                    file,
                    service.name.span,
                    format!("`{name}` has no memory limit: a leak in it can exhaust the host's memory"),
                )
                .help("set `deploy.resources.limits.memory` (or `mem_limit`) above the service's normal peak");
            if let Some(sibling) = evidence {
                d.related(
                    file,
                    sibling.name.span,
                    format!("`{}` has one", sibling.name.value),
                );
            }
        }
    }
}
