use std::collections::HashSet;

use crate::index::MountSource;
use crate::rule::{Ctx, Rule};

use super::{resolve_image, Stack};

crate::declare_rule! {
    /// ## What it does
    /// Reports a service that mounts the Docker daemon's socket (`/var/run/docker.sock` or
    /// `/run/docker.sock`), read-only or not. Socket proxies (`tecnativa/docker-socket-proxy`
    /// and the like), which exist to stand between the socket and other services, are not
    /// reported.
    ///
    /// Files of unknown environment that say they are for development (`NODE_ENV=development`,
    /// a `.dev` settings module, a `development` build target, `runserver`, `sleep infinity`)
    /// are left alone.
    ///
    /// ## Why it matters
    /// The socket is the Docker API, and the API can start a privileged container that mounts
    /// the host's root file system: whoever controls a service that holds the socket is root on
    /// the server. Mounting it `:ro` changes nothing — read-only applies to the file, not to the
    /// requests sent through it. Reverse proxies, dashboards and updaters that read container
    /// labels are the usual holders, and also exposed web applications that attackers probe.
    ///
    /// ## Example
    /// ```yaml title="docker-compose.prod.yml"
    /// services:
    ///   traefik:
    ///     image: traefik:v3.1
    ///     volumes:
    ///       - /var/run/docker.sock:/var/run/docker.sock:ro
    /// ```
    ///
    /// ## How to fix
    /// Give the service a socket proxy that allows only the API calls it needs, and keep the
    /// proxy off any published port:
    /// ```yaml title="docker-compose.prod.yml"
    /// services:
    ///   socket-proxy:
    ///     image: tecnativa/docker-socket-proxy:0.2.0
    ///     environment:
    ///       CONTAINERS: 1
    ///     volumes:
    ///       - /var/run/docker.sock:/var/run/docker.sock:ro
    ///   traefik:
    ///     image: traefik:v3.1
    ///     command: --providers.docker.endpoint=tcp://socket-proxy:2375
    /// ```
    pub(crate) struct DockerSocketMounted {
        code: "CMP019",
        name: "docker-socket-mounted",
        family: Compose,
        severity: Warning,
        scope: DEPLOYED,
    }
}

fn is_socket(path: &str) -> bool {
    matches!(
        path.trim_end_matches('/'),
        "/var/run/docker.sock" | "/run/docker.sock"
    )
}

fn is_socket_proxy(repository: &str) -> bool {
    repository.contains("socket-proxy") || repository.contains("docker-proxy")
}

impl Rule for DockerSocketMounted {
    fn check_project(&self, ctx: &mut Ctx<'_>) {
        let stack = Stack::new(ctx.project);
        let mut seen = HashSet::new();
        for (file, service) in ctx.project.index.services() {
            if !stack.judged(ctx, file) {
                continue;
            }
            let name = service.name.value.as_str();
            let proxy = stack
                .image(file, name)
                .and_then(|(f, i)| resolve_image(ctx.project, f, &i.value, true))
                .is_some_and(|r| is_socket_proxy(&r.image.repository));
            if proxy {
                continue;
            }
            for m in ctx.project.index.mounts(file, name) {
                if m.service != name {
                    continue;
                }
                let MountSource::HostPath { raw, resolved } = &m.source else {
                    continue;
                };
                let socket = is_socket(raw)
                    || resolved
                        .as_ref()
                        .is_some_and(|p| is_socket(&p.to_string_lossy()));
                if !socket || !seen.insert((file, m.span)) {
                    continue;
                }
                let ro = if m.read_only {
                    " (read-only does not limit the API)"
                } else {
                    ""
                };
                ctx.report(
                    file,
                    m.span,
                    format!("`{name}` mounts the Docker socket{ro}: whoever controls it controls the host"),
                )
                .help("put a socket proxy that allows only the API calls the service needs between it and the socket (tecnativa/docker-socket-proxy), or remove the mount");
            }
        }
    }
}
