use std::collections::HashSet;

use crate::diagnostic::{Applicability, Edit, Fix};
use crate::parse::compose::Port;
use crate::rule::{Ctx, Rule};
use crate::source::{FileId, Span};

use super::internal_port_published::is_internal_port;
use super::{resolve_image, ComposeGroups, Stack};

crate::declare_rule! {
    /// ## What it does
    /// Reports a `ports:` entry that publishes an application's port on every interface of the
    /// host when a reverse proxy of the same deployment (`nginx`, `traefik`, `caddy`,
    /// `haproxy`, `envoy` images) publishes 80 or 443: the application is meant to be reached
    /// through the proxy, and is reachable around it.
    ///
    /// Ports bound to one address (`127.0.0.1:8001:8000`), the proxy's own ports, and the
    /// database, cache and console ports [CMP014](CMP014.md) reports are left alone. Without a
    /// proxy service in the deployment nothing is reported: the port may be the way in, or a
    /// proxy on the host may reach it, which the Compose files do not show.
    ///
    /// ## Why it matters
    /// Docker opens a published port in the host firewall. Next to the proxy that terminates
    /// TLS, sets `X-Forwarded-*` headers, limits request sizes and rates and enforces
    /// authentication, the application answers plain HTTP to anyone on its own port: a client
    /// can skip all of it, and an application that trusts the forwarded headers can be told
    /// any client address or scheme.
    ///
    /// ## Example
    /// ```yaml title="docker-compose.prod.yml"
    /// services:
    ///   nginx:
    ///     image: nginx:1.27
    ///     ports:
    ///       - "80:80"
    ///       - "443:443"
    ///   web:
    ///     image: registry.example.org/shop:1.4.2
    ///     ports:
    ///       - "8001:8000"
    /// ```
    ///
    /// ## How to fix
    /// Drop the entry — the proxy reaches `web:8000` over the Compose network — or bind it to
    /// loopback for local checks:
    /// ```yaml title="docker-compose.prod.yml"
    /// services:
    ///   web:
    ///     image: registry.example.org/shop:1.4.2
    ///     ports:
    ///       - "127.0.0.1:8001:8000"
    /// ```
    pub(crate) struct PortBypassesProxy {
        code: "CMP025",
        name: "port-bypasses-proxy",
        family: Compose,
        severity: Warning,
        scope: DEPLOYED,
    }
}

/// Reverse proxy images, by the last part of their repository.
const PROXIES: &[&str] = &[
    "nginx",
    "nginx-unprivileged",
    "openresty",
    "traefik",
    "caddy",
    "haproxy",
    "envoy",
    "nginx-proxy",
];

fn is_proxy(repository: &str) -> bool {
    let tail = repository.rsplit('/').next().unwrap_or(repository);
    PROXIES.contains(&tail)
}

/// The host port as a number: written, or the default of `${HTTP_PORT:-80}`.
fn host_port(port: &Port) -> Option<u16> {
    let value = port.published.as_ref()?.value.trim();
    let value = match value.strip_prefix("${") {
        Some(rest) => rest.strip_suffix('}')?.split_once(":-")?.1,
        None => value,
    };
    value.parse().ok()
}

fn repository(stack: &Stack<'_>, file: FileId, name: &str) -> Option<String> {
    stack
        .image(file, name)
        .and_then(|(f, i)| resolve_image(stack.project, f, &i.value, true))
        .map(|r| r.image.repository)
}

impl Rule for PortBypassesProxy {
    fn check_project(&self, ctx: &mut Ctx<'_>) {
        let stack = Stack::new(ctx.project);
        let groups = ComposeGroups::of(ctx.project);
        let index = &ctx.project.index;
        let mut seen = HashSet::new();
        for (file, service, port) in index.published_ports() {
            if !stack.judged(ctx, file) || !port.published_on_all_interfaces() {
                continue;
            }
            let tcp = port
                .protocol
                .as_ref()
                .is_none_or(|p| p.value.eq_ignore_ascii_case("tcp"));
            let Some(host) = host_port(port) else {
                continue;
            };
            let Some(target) = port
                .target
                .as_ref()
                .and_then(|t| t.value.trim().parse::<u16>().ok())
            else {
                continue;
            };
            if !tcp || matches!(host, 80 | 443) || matches!(target, 80 | 443) {
                continue;
            }
            let name = service.name.value.as_str();
            let own = repository(&stack, file, name);
            if own.as_deref().is_some_and(is_proxy) || is_internal_port(target, own.as_deref()) {
                continue;
            }
            // A proxy of the deployment serving HTTP or HTTPS on the host.
            let proxy: Option<(FileId, String, Span)> = groups
                .members(index, file)
                .flat_map(|f| {
                    index
                        .services()
                        .filter(move |(g, _)| *g == f)
                        .collect::<Vec<_>>()
                })
                .filter(|(f, s)| {
                    repository(&stack, *f, &s.name.value).is_some_and(|r| is_proxy(&r))
                })
                .find_map(|(f, s)| {
                    s.ports
                        .iter()
                        .find(|p| {
                            p.published_on_all_interfaces()
                                && host_port(p).is_some_and(|h| matches!(h, 80 | 443))
                        })
                        .map(|p| (f, s.name.value.clone(), p.span))
                });
            let Some((proxy_file, proxy, proxy_span)) = proxy else {
                continue;
            };
            if !seen.insert((file, port.span)) {
                continue;
            }
            let text = &ctx.project.file(file).source.text;
            let d = ctx
                .report(
                    file,
                    port.span,
                    format!(
                        "`{name}` publishes port {host} on every interface of the host, around the reverse proxy `{proxy}`"
                    ),
                )
                .help(format!(
                    "drop the entry (`{proxy}` reaches `{name}:{target}` over the Compose network) or bind it to loopback: `127.0.0.1:{host}:{target}`"
                ));
            d.related(
                proxy_file,
                proxy_span,
                format!("`{proxy}` serves clients here"),
            );
            if let (false, Some(published)) = (port.long, &port.published) {
                let exact = text.get(published.span.range()) == Some(published.value.as_str());
                if exact && published.span != port.span {
                    d.fix(Fix {
                        message: "bind the port to the loopback interface".to_string(),
                        applicability: Applicability::Unsafe,
                        edits: vec![Edit {
                            file,
                            span: Span::empty(published.span.start),
                            content: "127.0.0.1:".to_string(),
                        }],
                    });
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn proxies_are_known_by_the_last_part_of_their_repository() {
        assert!(is_proxy("nginx"));
        assert!(is_proxy("ghcr.io/nginxinc/nginx-unprivileged"));
        assert!(is_proxy("jwilder/nginx-proxy"));
        assert!(!is_proxy("nginx-exporter"));
        assert!(!is_proxy("registry.example.org/shop"));
    }
}
