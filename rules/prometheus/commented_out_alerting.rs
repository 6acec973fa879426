use super::{configs, prometheus_yaml};
use crate::parse::monitoring::commented::{commented_prometheus, Commented};
use crate::project::ParsedFile;
use crate::rule::{Ctx, Rule};

crate::declare_rule! {
    /// ## What it does
    /// Reports an `alerting:` block (or its `alertmanagers:` list) that is commented out in
    /// `prometheus.yml`, when no live `alerting:` block sends alerts to an Alertmanager.
    ///
    /// ## Why it matters
    /// Without an Alertmanager to send to, Prometheus evaluates alerting rules and shows them
    /// firing on its own status page, and nobody is notified. The commented block shows the
    /// intent to alert; the deployment does not. An audit of a real platform found exactly
    /// this in the Prometheus configuration it was about to deploy: "monitoring generates no
    /// alerts".
    ///
    /// ## Example
    /// ```yaml title="monitoring/prometheus/prometheus.yml"
    /// global:
    ///   scrape_interval: 15s
    ///
    /// # alerting:
    /// #   alertmanagers:
    /// #     - static_configs:
    /// #         - targets: ["alertmanager:9093"]
    ///
    /// scrape_configs:
    ///   - job_name: django
    ///     static_configs:
    ///       - targets: ["web:8000"]
    /// ```
    ///
    /// ## How to fix
    /// Deploy an Alertmanager and enable the block:
    ///
    /// ```yaml title="monitoring/prometheus/prometheus.yml"
    /// global:
    ///   scrape_interval: 15s
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
    pub(crate) struct CommentedOutAlerting {
        code: "PRM008",
        name: "commented-out-alerting",
        family: Prometheus,
        severity: Warning,
        scope: NOT_DEVELOPMENT,
    }
}

impl Rule for CommentedOutAlerting {
    fn check_file(&self, file: &ParsedFile, ctx: &mut Ctx<'_>) {
        let Some(yaml) = prometheus_yaml(file) else {
            return;
        };
        if configs(ctx.project)
            .get(file.id)
            .is_some_and(|c| c.sends_alerts)
        {
            return;
        }
        for c in commented_prometheus(yaml) {
            if c.what != Commented::Alerting {
                continue;
            }
            ctx.report(
                file.id,
                c.span,
                "the `alerting` block is commented out; Prometheus sends alerts to no Alertmanager",
            )
            .help("enable it with the address of a deployed Alertmanager, or delete it if this deployment does not alert");
        }
    }
}
