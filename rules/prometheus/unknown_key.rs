use super::prometheus_yaml;
use crate::parse::monitoring::prometheus::{unknown_key_hint, PrometheusConfig};
use crate::project::ParsedFile;
use crate::rule::{Ctx, Rule};

crate::declare_rule! {
    /// ## What it does
    /// Reports a key that Prometheus does not know in `prometheus.yml`, at any depth: a typo
    /// (`scrape_intervall`, `static_config`), a key in the wrong section (`scrape_interval` at
    /// the top level instead of under `global:`), or a command-line flag written as a key
    /// (`storage: tsdb: path: /prometheus`). The finding suggests the key that was most likely
    /// meant.
    ///
    /// Keys of Prometheus 2.x and 3.x are both accepted. Inside service-discovery sections
    /// other than `static_configs`, `file_sd_configs`, `dns_sd_configs` and `http_sd_configs`,
    /// keys are not checked.
    ///
    /// ## Why it matters
    /// Prometheus decodes its configuration strictly: one unknown key anywhere and it refuses
    /// the whole file ("field storage.tsdb.path not found in type config.plain"). At start-up
    /// the container exits; on a reload the running server keeps the old configuration and
    /// only a log line says the new one was rejected, so the change that was meant to add a
    /// scrape job or an alert silently does nothing.
    ///
    /// ## Example
    /// ```yaml title="monitoring/prometheus/prometheus.yml"
    /// global:
    ///   scrape_interval: 15s
    ///
    /// storage:
    ///   tsdb:
    ///     path: /prometheus
    ///     retention.time: 30d
    ///
    /// scrape_configs:
    ///   - job_name: web
    ///     scrape_intervall: 10s
    ///     static_configs:
    ///       - targets: ["web:8000"]
    /// ```
    ///
    /// ## How to fix
    /// Correct the key, move it to its section, or pass the setting as a command-line flag
    /// (`--storage.tsdb.path`, `--storage.tsdb.retention.time`). `promtool check config`
    /// confirms the file loads.
    ///
    /// ```yaml title="monitoring/prometheus/prometheus.yml"
    /// global:
    ///   scrape_interval: 15s
    ///
    /// scrape_configs:
    ///   - job_name: web
    ///     scrape_interval: 10s
    ///     static_configs:
    ///       - targets: ["web:8000"]
    /// ```
    pub(crate) struct UnknownPrometheusKey {
        code: "PRM001",
        name: "unknown-prometheus-key",
        family: Prometheus,
        severity: Error,
        scope: ALL,
    }
}

impl Rule for UnknownPrometheusKey {
    fn check_file(&self, file: &ParsedFile, ctx: &mut Ctx<'_>) {
        let Some(yaml) = prometheus_yaml(file) else {
            return;
        };
        let Some(config) = PrometheusConfig::from_yaml(yaml) else {
            return;
        };
        let violations = config.violations(yaml);
        crate::rules::prometheus::report_unknown_keys(
            ctx,
            file.id,
            violations,
            "Prometheus",
            unknown_key_hint,
        );
    }
}
