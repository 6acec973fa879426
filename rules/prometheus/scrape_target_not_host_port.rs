use super::{configs, Owned};
use crate::project::ParsedFile;
use crate::rule::{Ctx, Rule};

crate::declare_rule! {
    /// ## What it does
    /// Reports a static target written as a URL or with a path (`http://web:8000/metrics`,
    /// `web:8000/metrics`) instead of `host:port`, in a scrape job or an `alertmanagers`
    /// entry without `relabel_configs`.
    ///
    /// ## Why it matters
    /// A target is an address, not a URL: the scheme and the path are the job's `scheme` and
    /// `metrics_path`. Prometheus refuses a target containing `/` ("... is not a valid
    /// hostname") and does not load the file; the container exits, or a reload is rejected.
    /// (With `relabel_configs`, Prometheus leaves the target to relabelling and does not check
    /// it, and neither does this rule.)
    ///
    /// ## Example
    /// ```yaml title="monitoring/prometheus/prometheus.yml"
    /// scrape_configs:
    ///   - job_name: django
    ///     static_configs:
    ///       - targets: ["http://web:8000/metrics"]
    /// ```
    ///
    /// ## How to fix
    /// Keep `host:port` in `targets` and move the rest to the job:
    ///
    /// ```yaml title="monitoring/prometheus/prometheus.yml"
    /// scrape_configs:
    ///   - job_name: django
    ///     scheme: http
    ///     metrics_path: /metrics
    ///     static_configs:
    ///       - targets: ["web:8000"]
    /// ```
    pub(crate) struct ScrapeTargetNotHostPort {
        code: "PRM005",
        name: "scrape-target-not-host-port",
        family: Prometheus,
        severity: Error,
        scope: ALL,
    }
}

/// `(scheme, host:port, path)` of a target written as a URL.
fn split_url(target: &str) -> (Option<&str>, &str, Option<&str>) {
    let (scheme, rest) = match target.split_once("://") {
        Some((s, r)) => (Some(s), r),
        None => (None, target),
    };
    match rest.find('/') {
        Some(i) => (scheme, &rest[..i], Some(&rest[i..]).filter(|p| *p != "/")),
        None => (scheme, rest, None),
    }
}

fn report(ctx: &mut Ctx<'_>, file: &ParsedFile, target: &Owned, whose: &str, path_key: &str) {
    let (scheme, host, path) = split_url(&target.value);
    let mut settings = Vec::new();
    if let Some(s) = scheme {
        settings.push(format!("`scheme: {s}`"));
    }
    if let Some(p) = path {
        settings.push(format!("`{path_key}: {p}`"));
    }
    let help = if host.is_empty() {
        "write the target as `host:port`".to_string()
    } else if settings.is_empty() {
        format!("write the target as `{host}`")
    } else {
        format!(
            "write the target as `{host}` and set {} on {whose}",
            settings.join(" and ")
        )
    };
    ctx.report(
        file.id,
        target.span,
        format!(
            "target `{}` is not `host:port`; Prometheus refuses to load the file",
            target.value
        ),
    )
    .help(help);
}

impl Rule for ScrapeTargetNotHostPort {
    fn check_file(&self, file: &ParsedFile, ctx: &mut Ctx<'_>) {
        let configs = configs(ctx.project);
        let Some(config) = configs.get(file.id) else {
            return;
        };
        for job in config.jobs.iter().filter(|j| !j.relabels) {
            for t in job.targets.iter().filter(|t| t.value.contains('/')) {
                report(ctx, file, t, "the job", "metrics_path");
            }
        }
        for t in config
            .alertmanager_targets
            .iter()
            .filter(|t| t.value.contains('/'))
        {
            report(ctx, file, t, "the `alertmanagers` entry", "path_prefix");
        }
    }
}
