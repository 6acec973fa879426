use super::{configs, prometheus_yaml};
use crate::parse::monitoring::commented::{commented_prometheus, Commented};
use crate::project::ParsedFile;
use crate::rule::{Ctx, Rule};

crate::declare_rule! {
    /// ## What it does
    /// Reports a scrape job that is commented out in `prometheus.yml`: `#` lines that read as
    /// a `scrape_configs` entry, with a `job_name` and what to scrape. Explanatory comments
    /// before it (`# Uncomment when the nginx exporter is deployed:`) are ignored; `#` lines
    /// inside a block scalar are not comments and are never reported. A commented entry
    /// (`# - job_name: nginx`) counts where removing the `#` would make it a job again, inside
    /// the live `scrape_configs` list; a commented job with the same name as a live one (a
    /// previous version kept for reference) is not reported.
    ///
    /// ## Why it matters
    /// A commented-out job is a service that nobody monitors while the configuration looks
    /// complete: its outage, saturation or error rate never reaches a dashboard or an alert.
    /// Jobs are commented out "until the exporter is ready" and stay that way into production
    /// — an audit of a real platform found its nginx and Celery jobs commented out in the
    /// Prometheus configuration that was about to be deployed.
    ///
    /// ## Example
    /// ```yaml title="monitoring/prometheus/prometheus.yml"
    /// scrape_configs:
    ///   - job_name: django
    ///     static_configs:
    ///       - targets: ["web:8000"]
    ///
    ///   # Nginx metrics (enable when the exporter is added)
    ///   # - job_name: nginx
    ///   #   static_configs:
    ///   #     - targets: ["nginx-exporter:9113"]
    /// ```
    ///
    /// ## How to fix
    /// Enable the job if the service runs in this deployment (and deploy its exporter), or
    /// delete the dead configuration so that the file says what is monitored:
    ///
    /// ```yaml title="monitoring/prometheus/prometheus.yml"
    /// scrape_configs:
    ///   - job_name: django
    ///     static_configs:
    ///       - targets: ["web:8000"]
    ///
    ///   - job_name: nginx
    ///     static_configs:
    ///       - targets: ["nginx-exporter:9113"]
    /// ```
    pub(crate) struct CommentedOutScrapeJob {
        code: "PRM007",
        name: "commented-out-scrape-job",
        family: Prometheus,
        severity: Warning,
        scope: NOT_DEVELOPMENT,
    }
}

impl Rule for CommentedOutScrapeJob {
    fn check_file(&self, file: &ParsedFile, ctx: &mut Ctx<'_>) {
        let Some(yaml) = prometheus_yaml(file) else {
            return;
        };
        let configs = configs(ctx.project);
        let live: Vec<&str> = configs
            .get(file.id)
            .map(|c| {
                c.jobs
                    .iter()
                    .filter_map(|j| j.name.as_ref().map(|n| n.value.as_str()))
                    .collect()
            })
            .unwrap_or_default();
        for c in commented_prometheus(yaml) {
            let Commented::ScrapeJob { name } = c.what else {
                continue;
            };
            if live.contains(&name.value) {
                continue;
            }
            ctx.report(
                file.id,
                c.span,
                format!(
                    "scrape job `{}` is commented out; Prometheus does not scrape it",
                    name.value
                ),
            )
            .help("uncomment it if the service runs in this deployment, or delete it");
        }
    }
}
