use super::{configs, Owned};
use crate::project::ParsedFile;
use crate::rule::{Ctx, Rule};

crate::declare_rule! {
    /// ## What it does
    /// Reports a `job_name` used by two entries of `scrape_configs`.
    ///
    /// ## Why it matters
    /// Prometheus refuses the configuration ("found multiple scrape configs with job name
    /// ..."). It usually happens when a job is copied to scrape a second set of targets: the
    /// server does not start, or the reload that was meant to add the targets is rejected.
    ///
    /// ## Example
    /// ```yaml title="monitoring/prometheus/prometheus.yml"
    /// scrape_configs:
    ///   - job_name: node
    ///     static_configs:
    ///       - targets: ["node-exporter:9100"]
    ///   - job_name: node
    ///     static_configs:
    ///       - targets: ["db-host:9100"]
    /// ```
    ///
    /// ## How to fix
    /// Give each job its own name, or list all targets in one job (with labels to tell them
    /// apart):
    ///
    /// ```yaml title="monitoring/prometheus/prometheus.yml"
    /// scrape_configs:
    ///   - job_name: node
    ///     static_configs:
    ///       - targets: ["node-exporter:9100"]
    ///         labels:
    ///           role: app
    ///       - targets: ["db-host:9100"]
    ///         labels:
    ///           role: database
    /// ```
    pub(crate) struct DuplicateJobName {
        code: "PRM004",
        name: "duplicate-job-name",
        family: Prometheus,
        severity: Error,
        scope: ALL,
    }
}

impl Rule for DuplicateJobName {
    fn check_file(&self, file: &ParsedFile, ctx: &mut Ctx<'_>) {
        let configs = configs(ctx.project);
        let Some(config) = configs.get(file.id) else {
            return;
        };
        let mut seen: Vec<&Owned> = Vec::new();
        for name in config.jobs.iter().filter_map(|j| j.name.as_ref()) {
            match seen.iter().find(|s| s.value == name.value) {
                Some(first) => {
                    ctx.report(
                        file.id,
                        name.span,
                        format!(
                            "scrape job `{}` is defined twice; Prometheus refuses to load the file",
                            name.value
                        ),
                    )
                    .help("rename one of the jobs, or merge their targets into one job")
                    .related(file.id, first.span, "first defined here");
                }
                None => seen.push(name),
            }
        }
    }
}
