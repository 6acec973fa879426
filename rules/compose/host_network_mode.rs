use crate::rule::{Ctx, Rule};

use super::{resolve_image, Stack};

crate::declare_rule! {
    /// ## What it does
    /// Reports a service with `network_mode: host`. Prometheus node exporters, whose
    /// documentation asks for the host network to see the host's interfaces, are not reported.
    ///
    /// Files of unknown environment that say they are for development (`NODE_ENV=development`,
    /// a `.dev` settings module, a `development` build target, `runserver`, `sleep infinity`)
    /// are left alone.
    ///
    /// ## Why it matters
    /// A container on the host network shares the host's interfaces: every port it listens on
    /// is open on every address of the server, whatever its `ports:` say (Compose ignores them),
    /// including admin and debug ports the image opens on `0.0.0.0`. It can also reach services
    /// the host binds to loopback only — a database on `127.0.0.1`, the cloud metadata
    /// endpoint — and other containers can no longer reach it by service name.
    ///
    /// ## Example
    /// ```yaml title="docker-compose.prod.yml"
    /// services:
    ///   api:
    ///     image: registry.example.org/api:1.4.2
    ///     network_mode: host
    /// ```
    ///
    /// ## How to fix
    /// Use the Compose network and publish only the ports that must be reachable:
    /// ```yaml title="docker-compose.prod.yml"
    /// services:
    ///   api:
    ///     image: registry.example.org/api:1.4.2
    ///     ports:
    ///       - "8000:8000"
    /// ```
    pub(crate) struct HostNetworkMode {
        code: "CMP020",
        name: "host-network-mode",
        family: Compose,
        severity: Warning,
        scope: DEPLOYED,
    }
}

fn needs_host_network(repository: &str) -> bool {
    repository.ends_with("node-exporter") || repository.ends_with("node_exporter")
}

impl Rule for HostNetworkMode {
    fn check_project(&self, ctx: &mut Ctx<'_>) {
        let stack = Stack::new(ctx.project);
        for (file, service) in ctx.project.index.services() {
            let Some(mode) = &service.network_mode else {
                continue;
            };
            if mode.value.trim() != "host" || !stack.judged(ctx, file) {
                continue;
            }
            let name = service.name.value.as_str();
            let exempt = stack
                .image(file, name)
                .and_then(|(f, i)| resolve_image(ctx.project, f, &i.value, true))
                .is_some_and(|r| needs_host_network(&r.image.repository));
            if exempt {
                continue;
            }
            ctx.report(
                file,
                mode.span,
                format!("`{name}` uses the host network: every port it listens on is open on every interface of the server"),
            )
            .help("use the Compose network and publish only the ports that must be reachable, bound to an address where possible");
        }
    }
}
