use std::collections::HashSet;
use std::sync::OnceLock;

use crate::diagnostic::{Applicability, Edit, Fix};
use crate::kind::Environment;
use crate::rule::{Ctx, Rule};

use super::{resolve_image, Stack};

crate::declare_rule! {
    /// ## What it does
    /// Reports a `ports:` entry that publishes a database, cache, broker, search engine, admin
    /// console or monitoring back end on every interface of the host: PostgreSQL 5432,
    /// PgBouncer 6432, MySQL 3306, MongoDB 27017, Redis 6379, AMQP 5672, RabbitMQ management
    /// 15672, Elasticsearch 9200, the Docker daemon 2375, and, judged with the image, Grafana
    /// 3000, Prometheus 9090, Alertmanager 9093, Adminer and cAdvisor 8080, Portainer 9000, …
    /// (the list is `rules/data/service_ports.txt`). The container port decides, so
    /// `"15432:5432"` is reported; an entry bound to one address (`127.0.0.1:5432:5432`, or an
    /// interpolated address) is not.
    ///
    /// In a file of unknown environment, which may be a local stack that publishes its
    /// database on purpose, only services that answer anyone without credentials by default
    /// are reported (Redis, MongoDB, Memcached, Elasticsearch, Kafka, Prometheus, the Docker
    /// daemon, …).
    ///
    /// Files of unknown environment that say they are for development (`NODE_ENV=development`,
    /// a `.dev` settings module, a `development` build target, `runserver`, `sleep infinity`)
    /// are left alone.
    ///
    /// ## Why it matters
    /// A published port listens on every interface, public ones included, and Docker opens it
    /// in the firewall itself, ahead of ufw or firewalld rules that seem to block it. Databases
    /// and caches left this way are found by scanners within hours: ransomed MongoDB and
    /// Elasticsearch instances, Redis servers turned into miners, Prometheus and Alertmanager
    /// (no authentication by default) exposing every internal host name. Other containers reach
    /// these services over the Compose network without any published port.
    ///
    /// ## Example
    /// ```yaml title="docker-compose.prod.yml"
    /// services:
    ///   db:
    ///     image: postgres:16.4
    ///     ports:
    ///       - "5432:5432"
    ///   redis:
    ///     image: redis:7.4
    ///     ports:
    ///       - "6379:6379"
    /// ```
    ///
    /// ## How to fix
    /// Drop the `ports:` entry (services of the stack reach `db:5432` over the Compose
    /// network), or bind it to the loopback interface for access from the host or an SSH
    /// tunnel:
    /// ```yaml title="docker-compose.prod.yml"
    /// services:
    ///   db:
    ///     image: postgres:16.4
    ///     ports:
    ///       - "127.0.0.1:5432:5432"
    ///   redis:
    ///     image: redis:7.4
    /// ```
    pub(crate) struct InternalPortPublished {
        code: "CMP014",
        name: "internal-port-published",
        family: Compose,
        severity: Warning,
        scope: DEPLOYED,
    }
}

const PORTS: &str = include_str!("../data/service_ports.txt");

/// A line of `service_ports.txt`.
struct KnownPort {
    port: u16,
    what: &'static str,
    /// Answers anyone unless configured otherwise.
    open: bool,
    /// Empty: any image.
    images: Vec<&'static str>,
}

fn known_ports() -> &'static [KnownPort] {
    static LIST: OnceLock<Vec<KnownPort>> = OnceLock::new();
    LIST.get_or_init(|| {
        PORTS
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .filter_map(|l| {
                let mut parts = l.split('|').map(str::trim);
                let port = parts.next()?.parse().ok()?;
                let what = parts.next()?;
                let open = parts.next()? == "open";
                let images = parts
                    .next()?
                    .split_whitespace()
                    .filter(|i| *i != "*")
                    .collect();
                Some(KnownPort {
                    port,
                    what,
                    open,
                    images,
                })
            })
            .collect()
    })
}

/// Whether this rule reports the container port `port` of an image (a database, cache, broker
/// or console port).
pub(super) fn is_internal_port(port: u16, repository: Option<&str>) -> bool {
    internal_service(port, repository).is_some()
}

/// What listens on `port` of a container running `repository` (`None` when unknown), if it
/// is a service that must stay internal.
fn internal_service(port: u16, repository: Option<&str>) -> Option<&'static KnownPort> {
    known_ports().iter().filter(|k| k.port == port).find(|k| {
        k.images.is_empty()
            || repository.is_some_and(|r| {
                k.images.iter().any(|i| match i.strip_suffix('*') {
                    Some(prefix) => r.starts_with(prefix),
                    None => r == *i,
                })
            })
    })
}

impl Rule for InternalPortPublished {
    fn check_project(&self, ctx: &mut Ctx<'_>) {
        let stack = Stack::new(ctx.project);
        let mut seen = HashSet::new();
        for (file, service, port) in ctx.project.index.published_ports() {
            if !stack.judged(ctx, file) || !port.published_on_all_interfaces() {
                continue;
            }
            if port
                .protocol
                .as_ref()
                .is_some_and(|p| !p.value.eq_ignore_ascii_case("tcp"))
            {
                continue;
            }
            let Some(target) = &port.target else {
                continue;
            };
            let Ok(number) = target.value.trim().parse::<u16>() else {
                continue;
            };
            let name = service.name.value.as_str();
            let repository = stack
                .image(file, name)
                .and_then(|(f, i)| resolve_image(ctx.project, f, &i.value, true))
                .map(|r| r.image.repository);
            let Some(known) = internal_service(number, repository.as_deref()) else {
                continue;
            };
            // A file of unknown environment may be a local stack that publishes its database
            // on purpose; services that answer anyone are reported there too.
            if stack.environment(file) == Environment::Unknown && !known.open {
                continue;
            }
            let what = known.what;
            if !seen.insert((file, port.span)) {
                continue;
            }
            let text = &ctx.project.file(file).source.text;
            let d = ctx
                .report(
                    file,
                    port.span,
                    format!(
                        "`{name}` publishes its {what} port {number} on every interface of the host"
                    ),
                )
                .help(format!(
                    "drop the entry (other services reach `{name}:{number}` over the Compose network) or bind it to loopback: `127.0.0.1:<port>:{number}`"
                ));
            // `"5432:5432"` → `"127.0.0.1:5432:5432"`, when the host port is written verbatim.
            if let (false, Some(published)) = (port.long, &port.published) {
                let exact = text.get(published.span.range()) == Some(published.value.as_str());
                if exact && !published.value.is_empty() && published.span != port.span {
                    d.fix(Fix {
                        message: "bind the port to the loopback interface".to_string(),
                        applicability: Applicability::Unsafe,
                        edits: vec![Edit {
                            file,
                            span: crate::source::Span::empty(published.span.start),
                            content: "127.0.0.1:".to_string(),
                        }],
                    });
                }
            }
        }
    }
}
