use super::datasources_yaml;
use crate::kind::FileKind;
use crate::parse::monitoring::grafana::DatasourceFile;
use crate::rule::{Ctx, Rule};
use crate::rules::monitoring::{monitoring, Host};

crate::declare_rule! {
    /// ## What it does
    /// Reports a provisioned datasource whose `url` host is no service of the Compose stack
    /// that runs Grafana (no service name, `container_name`, `hostname` or network alias). The
    /// Grafana service is the Compose service running a `grafana/grafana*` image, or one that
    /// mounts the provisioning folder; its stack is the Compose files of its folder.
    ///
    /// URLs on `localhost`, an IP address, `host.docker.internal` or a dotted DNS name are
    /// outside the stack and not checked; neither are interpolated URLs, a Grafana on the
    /// host's network, on an `external` network (shared with other stacks) or with `links`,
    /// `external_links` or `extra_hosts`, or a provisioning file no Compose service is known to
    /// mount.
    ///
    /// ## Why it matters
    /// Grafana provisions the datasource without checking it: every panel built on it shows
    /// "no data" or a connection error, typically after a service was renamed in Compose or a
    /// datasource file was copied from another project.
    ///
    /// ## Example
    /// `docker-compose.yml` runs Prometheus as `prometheus` and mounts the provisioning:
    ///
    /// ```yaml
    /// services:
    ///   prometheus:
    ///     image: prom/prometheus:v2.54.1
    ///   grafana:
    ///     image: grafana/grafana:11.2.0
    ///     volumes:
    ///       - ./grafana/provisioning:/etc/grafana/provisioning:ro
    /// ```
    ///
    /// `grafana/provisioning/datasources/datasources.yml` names another host:
    ///
    /// ```yaml
    /// apiVersion: 1
    /// datasources:
    ///   - name: Prometheus
    ///     type: prometheus
    ///     url: http://prometheus-server:9090
    /// ```
    ///
    /// ## How to fix
    /// Use the service name (or add a network alias):
    ///
    /// ```yaml
    /// apiVersion: 1
    /// datasources:
    ///   - name: Prometheus
    ///     type: prometheus
    ///     url: http://prometheus:9090
    /// ```
    pub(crate) struct DatasourceHostNotService {
        code: "GRF005",
        name: "datasource-host-not-service",
        family: Grafana,
        severity: Warning,
        scope: NOT_DEVELOPMENT,
    }
}

/// The host of a URL (`http://user@prometheus:9090/path` → `prometheus`); `None` when it has
/// no scheme.
fn url_host(url: &str) -> Option<&str> {
    let (_, rest) = url.trim().split_once("://")?;
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let authority = authority.rsplit('@').next().unwrap_or(authority);
    if authority.starts_with('[') {
        return Some(authority);
    }
    Some(authority.split(':').next().unwrap_or(authority))
}

impl Rule for DatasourceHostNotService {
    fn check_project(&self, ctx: &mut Ctx<'_>) {
        let project = ctx.project;
        let facts = monitoring(project);
        for file in project.files_of_kind(FileKind::GrafanaDatasources) {
            if !ctx.applies_to(file.source.environment) || facts.runners(file.id).is_empty() {
                continue;
            }
            let Some(ds) = datasources_yaml(file).and_then(DatasourceFile::from_yaml) else {
                continue;
            };
            for d in &ds.datasources {
                let Some(url) = d.url else { continue };
                let Some(host) = url_host(url.value) else {
                    continue;
                };
                let Host::Unknown(compose, suggestion) = facts.host(project, file.id, host) else {
                    continue;
                };
                let compose_path = &project.file(compose).source.display_path;
                let name = d.name.map_or("", |n| n.value);
                let help = match suggestion {
                    Some(s) => {
                        format!("did you mean `{s}`? Otherwise add the service to {compose_path}")
                    }
                    None => format!("add the service to {compose_path}, or correct the host name"),
                };
                ctx.report(
                    file.id,
                    url.span,
                    format!(
                        "datasource `{name}` connects to `{host}`, which is no service of the Compose stack Grafana runs in ({compose_path}); its panels show no data"
                    ),
                )
                .help(help);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::url_host;

    #[test]
    fn hosts_of_urls() {
        assert_eq!(url_host("http://prometheus:9090"), Some("prometheus"));
        assert_eq!(url_host("http://user:pw@loki:3100/api"), Some("loki"));
        assert_eq!(url_host("https://tempo"), Some("tempo"));
        assert_eq!(url_host("http://[::1]:9090"), Some("[::1]:9090"));
        assert_eq!(url_host("prometheus:9090"), None);
    }
}
