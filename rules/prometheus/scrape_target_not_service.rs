use super::{configs, Owned};
use crate::kind::FileKind;
use crate::parse::monitoring::prometheus::split_host_port;
use crate::project::ParsedFile;
use crate::rule::{Ctx, Rule};
use crate::rules::monitoring::{listening_ports, monitoring, Host, Monitoring};

crate::declare_rule! {
    /// ## What it does
    /// Reports a static target of a scrape job or of `alerting.alertmanagers` whose host is no
    /// service of the Compose stack that runs this Prometheus (no service name,
    /// `container_name`, `hostname` or network alias), or whose port the service does not
    /// listen on: it neither `expose`s nor publishes it, its Dockerfile does not `EXPOSE` it,
    /// and it is not the known port of its image. The stack is the Compose files of the folder
    /// of the service that mounts this configuration (or builds it in).
    ///
    /// Targets on `localhost`, an IP address, `host.docker.internal` or a dotted DNS name are
    /// outside the stack and not checked; neither are jobs with `relabel_configs` (which may
    /// rewrite the address), a Prometheus on the host's network, hosts when Prometheus joins an
    /// `external` network or has `links`, `external_links` or `extra_hosts` (names from
    /// elsewhere), or the port of a service whose ports shiplint cannot tell. Without a Compose
    /// service running Prometheus, the rule is silent.
    ///
    /// ## Why it matters
    /// Prometheus starts normally with a target it cannot resolve: the job's `up` stays 0, and
    /// the exporter that was never added to the stack (or the typo in its name) goes
    /// unnoticed until someone needs its metrics. An alert on `up == 0` fires from the first
    /// minute and teaches everyone to ignore it.
    ///
    /// ## Example
    /// `docker-compose.yml` runs Prometheus with `prometheus.yml`:
    ///
    /// ```yaml
    /// services:
    ///   redis:
    ///     image: redis:7.4
    ///   prometheus:
    ///     image: prom/prometheus:v2.54.1
    ///     volumes:
    ///       - ./prometheus.yml:/etc/prometheus/prometheus.yml:ro
    /// ```
    ///
    /// `prometheus.yml` scrapes an exporter the stack does not have:
    ///
    /// ```yaml
    /// scrape_configs:
    ///   - job_name: redis
    ///     static_configs:
    ///       - targets: ["redis-exporter:9121"]
    /// ```
    ///
    /// ## How to fix
    /// Add the exporter to the stack (or correct the host and port):
    ///
    /// ```yaml
    /// services:
    ///   redis:
    ///     image: redis:7.4
    ///   redis-exporter:
    ///     image: oliver006/redis_exporter:v1.62.0
    ///     environment:
    ///       REDIS_ADDR: redis://redis:6379
    ///     expose: ["9121"]
    ///   prometheus:
    ///     image: prom/prometheus:v2.54.1
    ///     volumes:
    ///       - ./prometheus.yml:/etc/prometheus/prometheus.yml:ro
    /// ```
    pub(crate) struct ScrapeTargetNotService {
        code: "PRM013",
        name: "scrape-target-not-service",
        family: Prometheus,
        severity: Warning,
        scope: NOT_DEVELOPMENT,
    }
}

fn check_target(
    ctx: &mut Ctx<'_>,
    facts: &Monitoring,
    file: &ParsedFile,
    target: &Owned,
    whose: &str,
) {
    let project = ctx.project;
    let Some((host, port)) = split_host_port(target.value.trim()) else {
        return;
    };
    match facts.host(project, file.id, host) {
        Host::Outside => {}
        Host::Unknown(compose, suggestion) => {
            let compose_path = &project.file(compose).source.display_path;
            let help = match suggestion {
                Some(s) => format!(
                    "did you mean `{s}:{port}`? Otherwise add the service to {compose_path}"
                ),
                None => format!("add the service to {compose_path}, or correct the host name"),
            };
            ctx.report(
                file.id,
                target.span,
                format!(
                    "{whose} `{}`: `{host}` is no service of the Compose stack Prometheus runs in ({compose_path}); the target is never reached",
                    target.value
                ),
            )
            .help(help);
        }
        Host::Service(compose, service) => {
            let Ok(number) = port.trim().parse::<u16>() else {
                return;
            };
            let Some(ports) = listening_ports(project, compose, &service) else {
                return;
            };
            if ports.contains(&number) {
                return;
            }
            let list: Vec<String> = ports.iter().take(5).map(u16::to_string).collect();
            let more = if ports.len() > 5 { ", …" } else { "" };
            let d = ctx
                .report(
                    file.id,
                    target.span,
                    format!(
                        "{whose} `{}`: service `{service}` listens on {}{more}, not {number}; the scrape fails",
                        target.value,
                        list.join(", ")
                    ),
                )
                .help(format!(
                    "scrape the port the service serves metrics on, or `expose` {number} on `{service}` if it listens there"
                ));
            if let Some(s) = project.index.service(compose, &service) {
                d.related(compose, s.name.span, format!("service `{service}`"));
            }
        }
    }
}

impl Rule for ScrapeTargetNotService {
    fn check_project(&self, ctx: &mut Ctx<'_>) {
        let project = ctx.project;
        let facts = monitoring(project);
        let configs = configs(project);
        for file in project.files_of_kind(FileKind::Prometheus) {
            if !ctx.applies_to(file.source.environment) || facts.runners(file.id).is_empty() {
                continue;
            }
            let Some(config) = configs.get(file.id) else {
                continue;
            };
            for job in config.jobs.iter().filter(|j| !j.relabels) {
                for t in &job.targets {
                    check_target(ctx, &facts, file, t, "target");
                }
            }
            for t in &config.alertmanager_targets {
                check_target(ctx, &facts, file, t, "alerting target");
            }
        }
    }
}
