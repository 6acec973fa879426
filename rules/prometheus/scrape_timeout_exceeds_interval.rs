use super::prometheus_yaml;
use crate::parse::monitoring::prometheus::{effective, PrometheusConfig};
use crate::parse::monitoring::Text;
use crate::project::ParsedFile;
use crate::rule::{Ctx, Rule};

/// Prometheus's default `scrape_interval`, 1m.
const DEFAULT_INTERVAL: u64 = 60_000;

crate::declare_rule! {
    /// ## What it does
    /// Reports a `scrape_timeout` longer than the `scrape_interval` it applies to: in
    /// `global:`, or in a scrape job, where the interval may come from `global:` (default
    /// `1m`).
    ///
    /// ## Why it matters
    /// Prometheus refuses such a configuration ("scrape timeout greater than scrape interval
    /// for scrape config with job name ..."): the server does not start, or a reload is
    /// rejected and the old configuration stays. It typically happens when a job's interval is
    /// shortened and the timeout set globally is forgotten.
    ///
    /// ## Example
    /// ```yaml title="monitoring/prometheus/prometheus.yml"
    /// global:
    ///   scrape_interval: 30s
    ///   scrape_timeout: 20s
    ///
    /// scrape_configs:
    ///   - job_name: web
    ///     scrape_interval: 10s
    ///     scrape_timeout: 15s
    ///     static_configs:
    ///       - targets: ["web:8000"]
    /// ```
    ///
    /// ## How to fix
    /// Keep every timeout at or below the interval it applies to:
    ///
    /// ```yaml title="monitoring/prometheus/prometheus.yml"
    /// global:
    ///   scrape_interval: 30s
    ///   scrape_timeout: 20s
    ///
    /// scrape_configs:
    ///   - job_name: web
    ///     scrape_interval: 10s
    ///     scrape_timeout: 8s
    ///     static_configs:
    ///       - targets: ["web:8000"]
    /// ```
    pub(crate) struct ScrapeTimeoutExceedsInterval {
        code: "PRM003",
        name: "scrape-timeout-exceeds-interval",
        family: Prometheus,
        severity: Error,
        scope: ALL,
    }
}

/// A duration setting in milliseconds, if written and valid; 0 counts as unset, as in
/// Prometheus.
fn set(text: Option<Text<'_>>) -> Option<(u64, Text<'_>)> {
    match effective(text, 0) {
        (ms, Some(t)) if ms > 0 => Some((ms, t)),
        _ => None,
    }
}

fn show(ms: u64) -> String {
    if ms.is_multiple_of(60_000) {
        format!("{}m", ms / 60_000)
    } else if ms.is_multiple_of(1_000) {
        format!("{}s", ms / 1_000)
    } else {
        format!("{ms}ms")
    }
}

impl Rule for ScrapeTimeoutExceedsInterval {
    fn check_file(&self, file: &ParsedFile, ctx: &mut Ctx<'_>) {
        let Some(yaml) = prometheus_yaml(file) else {
            return;
        };
        let Some(config) = PrometheusConfig::from_yaml(yaml) else {
            return;
        };
        // Prometheus's order: the global interval, then the global timeout against it.
        let global_interval = set(config.global.scrape_interval);
        let gi = global_interval.map_or(DEFAULT_INTERVAL, |(ms, _)| ms);
        let global_timeout = set(config.global.scrape_timeout);
        if let Some((gt, t)) = global_timeout {
            if gt > gi {
                let d = ctx.report(
                    file.id,
                    t.span,
                    format!(
                        "global `scrape_timeout` ({}) is longer than the global `scrape_interval` ({}); Prometheus refuses to load the file",
                        t.value,
                        show(gi)
                    ),
                );
                d.help(format!("set `scrape_timeout` to {} or less", show(gi)));
                if let Some((_, i)) = global_interval {
                    d.related(file.id, i.span, "the interval it applies to");
                }
                // Prometheus stops at the first error; later jobs cannot be judged against it.
                return;
            }
        }
        for job in &config.scrape_configs {
            let own_interval = set(job.scrape_interval);
            let ji = own_interval.map_or(gi, |(ms, _)| ms);
            // An unset timeout becomes min(global timeout, interval): never too long.
            let Some((jt, t)) = set(job.scrape_timeout) else {
                continue;
            };
            if jt <= ji {
                continue;
            }
            let name = job.job_name.map_or("", |n| n.value);
            let whose = match own_interval {
                Some(_) => "its `scrape_interval`".to_string(),
                None if global_interval.is_some() => "the global `scrape_interval`".to_string(),
                None => "the default `scrape_interval`".to_string(),
            };
            let d = ctx.report(
                file.id,
                t.span,
                format!(
                    "`scrape_timeout` ({}) of job `{name}` is longer than {whose} ({}); Prometheus refuses to load the file",
                    t.value,
                    show(ji)
                ),
            );
            d.help(format!(
                "set the job's `scrape_timeout` to {} or less, or lengthen its interval",
                show(ji)
            ));
            if let Some((_, i)) = own_interval.or(global_interval) {
                d.related(file.id, i.span, "the interval it applies to");
            }
        }
    }
}
