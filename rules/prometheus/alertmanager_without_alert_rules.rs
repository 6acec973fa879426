use super::{alert_rules, loaded_rule_files, prometheus_yaml, PathResolver, Resolved};
use crate::kind::FileKind;
use crate::parse::monitoring::prometheus::PrometheusConfig;
use crate::rule::{Ctx, Rule};
use crate::rules::monitoring::{monitoring, Mounts};

crate::declare_rule! {
    /// ## What it does
    /// Reports a Prometheus configuration that sends alerts to an Alertmanager but loads no
    /// alerting rule: `rule_files` is missing or empty, or every file it names is in the
    /// repository and defines no `alert:` rule. Paths resolve through the Compose mounts of the
    /// service running the configuration, when one mounts it, else relative to the
    /// configuration file.
    ///
    /// ## Why it matters
    /// Alertmanager only forwards what Prometheus sends, and Prometheus only sends what its
    /// alerting rules fire. With no rules, the notification pipeline is deployed, tested by
    /// nobody, and silent during an outage: it looks like alerting exists.
    ///
    /// ## Example
    /// ```yaml title="monitoring/prometheus/prometheus.yml"
    /// alerting:
    ///   alertmanagers:
    ///     - static_configs:
    ///         - targets: ["alertmanager:9093"]
    ///
    /// scrape_configs:
    ///   - job_name: django
    ///     static_configs:
    ///       - targets: ["web:8000"]
    /// ```
    ///
    /// ## How to fix
    /// Write alerting rules for what must page someone (targets down, error rates, saturation)
    /// and load them; `monitoring/prometheus/alerts.yml` here:
    ///
    /// ```yaml
    /// rule_files:
    ///   - alerts.yml
    /// ```
    ///
    /// ```yaml title="monitoring/prometheus/alerts.yml"
    /// groups:
    ///   - name: availability
    ///     rules:
    ///       - alert: TargetDown
    ///         expr: up == 0
    ///         for: 5m
    /// ```
    pub(crate) struct AlertmanagerWithoutAlertRules {
        code: "PRM011",
        name: "alertmanager-without-alert-rules",
        family: Prometheus,
        severity: Warning,
        scope: NOT_DEVELOPMENT,
    }
}

impl Rule for AlertmanagerWithoutAlertRules {
    fn check_project(&self, ctx: &mut Ctx<'_>) {
        let project = ctx.project;
        let monitoring = monitoring(project);
        for file in project.files_of_kind(FileKind::Prometheus) {
            if !ctx.applies_to(file.source.environment) {
                continue;
            }
            // Through the Compose mounts of the services running it, when there are some.
            let resolver = Mounts {
                runners: monitoring.runners(file.id),
            };
            let Some(yaml) = prometheus_yaml(file) else {
                continue;
            };
            let Some(config) = PrometheusConfig::from_yaml(yaml) else {
                continue;
            };
            let Some(alerting) = config.alerting.as_ref().filter(|_| config.sends_alerts()) else {
                continue;
            };
            let entries = config
                .rule_files
                .as_ref()
                .map(|l| l.entries.as_slice())
                .unwrap_or_default();
            let message = if entries.is_empty() {
                "alerts go to an Alertmanager but no rule files are loaded; no alert can fire"
            } else {
                // Only when every entry is known: a rule file shiplint cannot see may hold alerts.
                let all_known = entries.iter().all(|e| {
                    matches!(resolver.resolve(project, file, e.value), Resolved::Files(_))
                });
                let loaded = loaded_rule_files(project, file, &config, &resolver);
                if !all_known
                    || loaded
                        .iter()
                        .any(|f| f.source.kind != FileKind::PrometheusRules)
                    || loaded.iter().any(|f| !alert_rules(f).is_empty())
                {
                    continue;
                }
                "alerts go to an Alertmanager but the rule files define no alerting rule; no alert can fire"
            };
            ctx.report(file.id, alerting.key, message).help(
                "add rule files with `alert:` rules to `rule_files`, or remove `alerting` if this Prometheus is not meant to alert",
            );
        }
    }
}
