use super::datasources_yaml;
use crate::parse::monitoring::grafana::DatasourceFile;
use crate::project::ParsedFile;
use crate::rule::{Ctx, Rule};

crate::declare_rule! {
    /// ## What it does
    /// Reports a provisioned datasource whose `access` is neither `proxy` nor `direct`, the
    /// only values Grafana knows — including `server` and `browser`, the words Grafana's
    /// interface shows for them.
    ///
    /// ## Why it matters
    /// Grafana does not refuse the file: it logs "invalid access value, will use 'proxy'
    /// instead" and queries the datasource from the Grafana server. When `browser` was meant,
    /// the URL is then resolved from inside the Grafana container, where a host name that
    /// works from users' browsers may not resolve, and panels fail with a bad-gateway error.
    /// When `server` was meant, the file says something Grafana silently reinterprets.
    ///
    /// ## Example
    /// ```yaml title="monitoring/grafana/provisioning/datasources/datasources.yml"
    /// apiVersion: 1
    /// datasources:
    ///   - name: Prometheus
    ///     type: prometheus
    ///     access: server
    ///     url: http://prometheus:9090
    /// ```
    ///
    /// ## How to fix
    /// Use `proxy` (queries go through the Grafana server, the default) or `direct` (from the
    /// browser):
    ///
    /// ```yaml title="monitoring/grafana/provisioning/datasources/datasources.yml"
    /// apiVersion: 1
    /// datasources:
    ///   - name: Prometheus
    ///     type: prometheus
    ///     access: proxy
    ///     url: http://prometheus:9090
    /// ```
    pub(crate) struct UnknownDatasourceAccess {
        code: "GRF002",
        name: "unknown-datasource-access",
        family: Grafana,
        severity: Warning,
        scope: ALL,
    }
}

impl Rule for UnknownDatasourceAccess {
    fn check_file(&self, file: &ParsedFile, ctx: &mut Ctx<'_>) {
        let Some(yaml) = datasources_yaml(file) else {
            return;
        };
        let Some(ds) = DatasourceFile::from_yaml(yaml) else {
            return;
        };
        for d in &ds.datasources {
            let Some(access) = d.access else { continue };
            // Grafana expands `$VAR` before reading the value.
            if matches!(access.value, "proxy" | "direct" | "") || access.value.contains('$') {
                continue;
            }
            let meant = match access.value.to_ascii_lowercase().as_str() {
                "server" | "proxy" => "proxy",
                "browser" | "direct" => "direct",
                _ => "",
            };
            let name = d.name.map_or("", |n| n.value);
            let diag = ctx.report(
                file.id,
                access.span,
                format!(
                    "datasource `{name}` has `access: {}`, which Grafana does not know; it uses `proxy` instead",
                    access.value
                ),
            );
            if meant.is_empty() {
                diag.help(
                    "use `proxy` (through the Grafana server) or `direct` (from the browser)",
                );
            } else {
                diag.help(format!("write `access: {meant}`"));
            }
        }
    }
}
