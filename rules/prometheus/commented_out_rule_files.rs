use super::{guess_rule_files, loaded_rule_files, prometheus_yaml, PathResolver, Resolved};
use crate::kind::FileKind;
use crate::parse::monitoring::commented::{commented_prometheus, Commented};
use crate::parse::monitoring::prometheus::PrometheusConfig;
use crate::project::ParsedFile;
use crate::rule::{Ctx, Rule};
use crate::rules::monitoring::{monitoring, Mounts};
use crate::source::Span;

crate::declare_rule! {
    /// ## What it does
    /// Reports `rule_files` entries that are commented out in `prometheus.yml` while the rule
    /// files they name exist in the repository and no live entry loads them. A commented
    /// example naming files that do not exist (the stock `# - "first_rules.yml"`) is not
    /// reported.
    ///
    /// ## Why it matters
    /// The alerting and recording rules were written, reviewed and committed, and Prometheus
    /// never loads them: no alert can fire, and dashboards built on recorded series stay
    /// empty. Nothing fails, so it goes unnoticed until an incident that should have paged.
    ///
    /// ## Example
    /// In `monitoring/prometheus/prometheus.yml`, next to `monitoring/prometheus/alerts.yml`:
    ///
    /// ```yaml
    /// rule_files:
    ///   # - alerts.yml
    ///
    /// scrape_configs:
    ///   - job_name: django
    ///     static_configs:
    ///       - targets: ["web:8000"]
    /// ```
    ///
    /// ## How to fix
    /// ```yaml title="monitoring/prometheus/prometheus.yml"
    /// rule_files:
    ///   - alerts.yml
    ///
    /// scrape_configs:
    ///   - job_name: django
    ///     static_configs:
    ///       - targets: ["web:8000"]
    /// ```
    pub(crate) struct CommentedOutRuleFiles {
        code: "PRM009",
        name: "commented-out-rule-files",
        family: Prometheus,
        severity: Warning,
        scope: NOT_DEVELOPMENT,
    }
}

impl Rule for CommentedOutRuleFiles {
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
            let config = PrometheusConfig::from_yaml(yaml);
            let loaded: Vec<usize> = config
                .as_ref()
                .map(|c| loaded_rule_files(project, file, c, &resolver))
                .unwrap_or_default()
                .iter()
                .map(|f| f.id)
                .collect();
            for c in commented_prometheus(yaml) {
                let Commented::RuleFiles { entries } = &c.what else {
                    continue;
                };
                let mut named: Vec<&ParsedFile> = Vec::new();
                let mut unread = false;
                for e in entries {
                    match resolver.resolve(project, file, e.value) {
                        Resolved::Files(files) => named.extend(files),
                        Resolved::Unread => unread = true,
                        Resolved::Unknown => named.extend(guess_rule_files(project, file, e.value)),
                        Resolved::Nothing => {}
                    }
                }
                named.retain(|f| !loaded.contains(&f.id));
                if named.is_empty() && !unread {
                    continue;
                }
                let what = match named.first() {
                    Some(f) if named.len() == 1 => {
                        format!("the rules in {}", f.source.display_path)
                    }
                    Some(_) => format!("the rules in {} files", named.len()),
                    None => "the rule files they name".to_string(),
                };
                let d = ctx.report(
                    file.id,
                    c.span,
                    format!(
                        "`rule_files` entries are commented out; Prometheus does not load {what}"
                    ),
                );
                d.help(
                    "uncomment them, with paths as Prometheus sees them (relative to this file)",
                );
                for f in named.iter().take(3) {
                    d.related(f.id, Span::empty(0), "not loaded");
                }
            }
        }
    }
}
