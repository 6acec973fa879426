use super::datasources_yaml;
use crate::diagnostic::redact;
use crate::parse::monitoring::grafana::DatasourceFile;
use crate::project::ParsedFile;
use crate::rule::{Ctx, Rule};
use crate::rules::data::is_placeholder;

crate::declare_rule! {
    /// ## What it does
    /// Reports a value of a provisioned datasource's `secureJsonData` (`password`,
    /// `basicAuthPassword`, `httpHeaderValue1`, TLS keys, …) that is a placeholder:
    /// `CHANGE_ME`, `<password>`, `your-password-here`, `xxxxxxxx` and the like (the markers of
    /// `rules/data/placeholders.txt`). Values that Grafana expands from the environment
    /// (`$PROM_PASSWORD`, `${PROM_PASSWORD}`) are not reported.
    ///
    /// ## Why it matters
    /// Grafana provisions the datasource with the placeholder as its credential, encrypts it,
    /// and starts normally. Every panel on that datasource then fails with an authentication
    /// error, and the dashboards meant for an incident are empty.
    ///
    /// ## Example
    /// ```yaml title="monitoring/grafana/provisioning/datasources/datasources.yml"
    /// apiVersion: 1
    /// datasources:
    ///   - name: Prometheus
    ///     type: prometheus
    ///     url: https://prometheus.example.org
    ///     basicAuth: true
    ///     basicAuthUser: grafana
    ///     secureJsonData:
    ///       basicAuthPassword: CHANGE_ME
    /// ```
    ///
    /// ## How to fix
    /// Let Grafana read the secret from its environment:
    ///
    /// ```yaml title="monitoring/grafana/provisioning/datasources/datasources.yml"
    /// apiVersion: 1
    /// datasources:
    ///   - name: Prometheus
    ///     type: prometheus
    ///     url: https://prometheus.example.org
    ///     basicAuth: true
    ///     basicAuthUser: grafana
    ///     secureJsonData:
    ///       basicAuthPassword: $PROMETHEUS_PASSWORD
    /// ```
    pub(crate) struct PlaceholderDatasourceSecret {
        code: "GRF003",
        name: "placeholder-datasource-secret",
        family: Grafana,
        severity: Warning,
        scope: DEPLOYED_STRICT,
    }
}

impl Rule for PlaceholderDatasourceSecret {
    fn check_file(&self, file: &ParsedFile, ctx: &mut Ctx<'_>) {
        let Some(yaml) = datasources_yaml(file) else {
            return;
        };
        let Some(ds) = DatasourceFile::from_yaml(yaml) else {
            return;
        };
        for d in &ds.datasources {
            let name = d.name.map_or("", |n| n.value);
            for (key, value) in &d.secure_json_data {
                if value.value.contains('$') || !is_placeholder(value.value) {
                    continue;
                }
                ctx.report(
                    file.id,
                    value.span,
                    format!(
                        "`secureJsonData.{}` of datasource `{name}` is a placeholder (`{}`); its queries will fail to authenticate",
                        key.value,
                        redact(value.value)
                    ),
                )
                .help(format!(
                    "set it from the environment (`{}: $VARIABLE`) or provision the real secret when deploying",
                    key.value
                ))
                .sensitive(file.id, value.span);
            }
        }
    }
}
