use super::{prometheus_yaml, report_malformed};
use crate::parse::monitoring::prometheus::PrometheusConfig;
use crate::project::ParsedFile;
use crate::rule::{Ctx, Rule};

crate::declare_rule! {
    /// ## What it does
    /// Reports values in `prometheus.yml` that Prometheus cannot decode: a duration without a
    /// unit or in a form Prometheus does not read (`scrape_interval: 15`, `1.5m`, `5 min`), a
    /// single value where a list is expected (`targets: web:8000`), a list where a mapping is
    /// expected, a key written twice in the same mapping, and a scrape job without a
    /// `job_name`.
    ///
    /// ## Why it matters
    /// Each of these stops Prometheus from loading the file: at start-up the container exits,
    /// on a reload the old configuration silently stays in force. Prometheus durations are
    /// whole numbers followed by `y`, `w`, `d`, `h`, `m`, `s` or `ms`; a bare number is not
    /// read as seconds.
    ///
    /// ## Example
    /// ```yaml title="monitoring/prometheus/prometheus.yml"
    /// global:
    ///   scrape_interval: 15
    ///
    /// scrape_configs:
    ///   - job_name: web
    ///     static_configs:
    ///       targets: ["web:8000"]
    /// ```
    ///
    /// ## How to fix
    /// Give durations a unit and write lists as lists:
    ///
    /// ```yaml title="monitoring/prometheus/prometheus.yml"
    /// global:
    ///   scrape_interval: 15s
    ///
    /// scrape_configs:
    ///   - job_name: web
    ///     static_configs:
    ///       - targets: ["web:8000"]
    /// ```
    pub(crate) struct MalformedPrometheusConfig {
        code: "PRM002",
        name: "malformed-prometheus-config",
        family: Prometheus,
        severity: Error,
        scope: ALL,
    }
}

impl Rule for MalformedPrometheusConfig {
    fn check_file(&self, file: &ParsedFile, ctx: &mut Ctx<'_>) {
        let Some(yaml) = prometheus_yaml(file) else {
            return;
        };
        let Some(config) = PrometheusConfig::from_yaml(yaml) else {
            return;
        };
        for v in config.violations(yaml) {
            report_malformed(ctx, file.id, &v, "Prometheus");
        }
        for job in &config.scrape_configs {
            if job.job_name.is_some_and(|n| !n.value.trim().is_empty()) {
                continue;
            }
            // Point at the entry's first key rather than the whole job.
            let span = job
                .node
                .entries()
                .first()
                .map_or(job.node.span(), |(k, _)| k.span());
            ctx.report(
                file.id,
                span,
                "a scrape job has no `job_name`; Prometheus refuses to load the file",
            )
            .help("give every entry of `scrape_configs` a unique `job_name`");
        }
    }
}
