use super::{alert_rules, loaded_rule_files, prometheus_yaml};
use crate::kind::FileKind;
use crate::parse::monitoring::commented::{commented_prometheus, Commented};
use crate::parse::monitoring::prometheus::PrometheusConfig;
use crate::rule::{Ctx, Rule};
use crate::rules::monitoring::{monitoring, Mounts};

crate::declare_rule! {
    /// ## What it does
    /// Reports a Prometheus configuration that loads alerting rules (`alert:` rules in the
    /// files its `rule_files` name) but sends alerts to no Alertmanager: `alerting:` is
    /// missing, commented out, or its `alertmanagers` have no targets.
    ///
    /// Rule files are found through the Compose mounts of the service running the
    /// configuration, when one mounts it; otherwise relative to the configuration file. For a
    /// path inside the container that no mount resolves (`/etc/prometheus/rules/*.yml`), rule
    /// files below the configuration's folder with a matching name are taken.
    ///
    /// ## Why it matters
    /// The alerts fire — on Prometheus's own `/alerts` page, which nobody watches at 3 a.m.
    /// Without an Alertmanager no notification is sent: the rules give a feeling of safety
    /// and page no one.
    ///
    /// ## Example
    /// In `monitoring/prometheus/prometheus.yml`, with `monitoring/prometheus/alerts.yml`
    /// holding `- alert: WebDown`:
    ///
    /// ```yaml
    /// rule_files:
    ///   - alerts.yml
    ///
    /// scrape_configs:
    ///   - job_name: django
    ///     static_configs:
    ///       - targets: ["web:8000"]
    /// ```
    ///
    /// ## How to fix
    /// Deploy an Alertmanager and point Prometheus at it:
    ///
    /// ```yaml title="monitoring/prometheus/prometheus.yml"
    /// rule_files:
    ///   - alerts.yml
    ///
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
    pub(crate) struct AlertRulesWithoutAlertmanager {
        code: "PRM010",
        name: "alert-rules-without-alertmanager",
        family: Prometheus,
        severity: Warning,
        scope: NOT_DEVELOPMENT,
    }
}

impl Rule for AlertRulesWithoutAlertmanager {
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
            if config.sends_alerts() {
                continue;
            }
            let Some(list) = &config.rule_files else {
                continue;
            };
            let with_alerts: Vec<_> = loaded_rule_files(project, file, &config, &resolver)
                .into_iter()
                .map(|f| (f, alert_rules(f)))
                .filter(|(_, alerts)| !alerts.is_empty())
                .collect();
            let Some((_, first_alerts)) = with_alerts.first() else {
                continue;
            };
            let count: usize = with_alerts.iter().map(|(_, a)| a.len()).sum();
            let example = first_alerts[0].value;
            let what = if count == 1 {
                format!("alerting rule `{example}` is")
            } else {
                format!("{count} alerting rules (`{example}`, …) are")
            };
            let why = match &config.alerting {
                Some(_) => "its `alertmanagers` have no targets",
                None => "no Alertmanager is configured",
            };
            let d = ctx.report(
                file.id,
                list.key,
                format!("{what} loaded but {why}; the alerts notify nobody"),
            );
            d.help(
                "add an `alerting.alertmanagers` entry with the address of a deployed Alertmanager",
            );
            for (f, alerts) in with_alerts.iter().take(3) {
                d.related(f.id, alerts[0].span, "an alerting rule that is loaded");
            }
            if let Some(a) = &config.alerting {
                d.related(file.id, a.key, "no target here");
            }
            if let Some(c) = commented_prometheus(yaml)
                .into_iter()
                .find(|c| c.what == Commented::Alerting)
            {
                d.related(file.id, c.span, "the alerting block is commented out");
            }
        }
    }
}
