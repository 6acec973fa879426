use super::{found_elsewhere, prometheus_yaml, ConfigFolder, PathResolver, Resolved};
use crate::kind::FileKind;
use crate::parse::monitoring::prometheus::PrometheusConfig;
use crate::rule::{Ctx, Rule};

crate::declare_rule! {
    /// ## What it does
    /// Reports a `rule_files` entry of `prometheus.yml` that matches no file: a relative path
    /// or glob, resolved as Prometheus resolves it, against the folder of the configuration
    /// file. Absolute paths are paths inside the container and are not checked; neither are
    /// entries whose files exist under another folder of the repository, which a volume may
    /// mount where Prometheus looks.
    ///
    /// ## Why it matters
    /// Prometheus does not complain about a rule file pattern that matches nothing: it loads no
    /// rules from it and starts normally. A renamed file or a wrong folder silently disables
    /// every alert in it.
    ///
    /// ## Example
    /// ```yaml title="monitoring/prometheus/prometheus.yml"
    /// rule_files:
    ///   - rules/alerts.yml
    ///
    /// scrape_configs:
    ///   - job_name: django
    ///     static_configs:
    ///       - targets: ["web:8000"]
    /// ```
    ///
    /// ## How to fix
    /// Point the entry at the file as it lies next to the configuration
    /// (`monitoring/prometheus/rules/alerts.yml` here), or remove the entry.
    ///
    /// ```yaml title="monitoring/prometheus/prometheus.yml"
    /// scrape_configs:
    ///   - job_name: django
    ///     static_configs:
    ///       - targets: ["web:8000"]
    /// ```
    pub(crate) struct MissingRuleFile {
        code: "PRM012",
        name: "missing-rule-file",
        family: Prometheus,
        severity: Warning,
        scope: NOT_DEVELOPMENT,
    }
}

impl Rule for MissingRuleFile {
    fn check_project(&self, ctx: &mut Ctx<'_>) {
        let project = ctx.project;
        for file in project.files_of_kind(FileKind::Prometheus) {
            if !ctx.applies_to(file.source.environment) {
                continue;
            }
            let Some(yaml) = prometheus_yaml(file) else {
                continue;
            };
            let Some(config) = PrometheusConfig::from_yaml(yaml) else {
                continue;
            };
            let Some(list) = &config.rule_files else {
                continue;
            };
            for e in &list.entries {
                if !matches!(
                    ConfigFolder.resolve(project, file, e.value),
                    Resolved::Nothing
                ) {
                    continue;
                }
                if found_elsewhere(project, e.value) {
                    continue;
                }
                let what = if e.value.contains(['*', '?', '[']) {
                    "matches no file"
                } else {
                    "does not exist"
                };
                ctx.report(
                    file.id,
                    e.span,
                    format!(
                        "rule file `{}` {what} relative to this configuration; Prometheus loads no rules from it",
                        e.value
                    ),
                )
                .help("relative paths are resolved against the folder of prometheus.yml; correct the path or remove the entry");
            }
        }
    }
}
