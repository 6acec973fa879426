use std::collections::HashMap;

use super::{found_elsewhere, ConfigFolder, Owned, PathResolver, Resolved};
use crate::kind::FileKind;
use crate::project::{ParsedFile, Project};
use crate::rule::{Ctx, Rule};
use crate::rules::monitoring::Mounts;

crate::declare_rule! {
    /// ## What it does
    /// Reports a `rule_files` entry of `prometheus.yml` that matches no file. When a Compose
    /// service runs this configuration (it mounts the file, or the folder holding it), the entry
    /// is resolved as that container sees it: a container path (`/etc/prometheus/alerts.yml`),
    /// or a relative one against the folder the configuration is mounted at, through the
    /// service's volumes back to the repository. An entry no mount provides, or whose mounted
    /// folder lacks the file, is reported. A named volume, an interpolated path or a service that
    /// builds its own image (which may copy files in) leave the entry unknown, and it is not
    /// reported.
    ///
    /// Without such a service, a relative entry is resolved against the folder of the
    /// configuration file; absolute paths are not checked, and neither are entries whose files
    /// exist under another folder of the repository, which a volume may mount where Prometheus
    /// looks.
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

/// Reports an entry of a configuration no Compose service is known to run. `elsewhere`
/// remembers, per entry text, whether matching files exist elsewhere in the project: projects
/// with many configurations repeat the same entries, and each answer is a scan of every file.
fn report_unmounted(
    ctx: &mut Ctx<'_>,
    file: &ParsedFile,
    e: &Owned,
    project: &Project,
    elsewhere: &mut HashMap<String, bool>,
) {
    if !matches!(
        ConfigFolder.resolve(project, file, &e.value),
        Resolved::Nothing
    ) {
        return;
    }
    let found = match elsewhere.get(e.value.as_str()) {
        Some(found) => *found,
        None => {
            let found = found_elsewhere(project, &e.value);
            elsewhere.insert(e.value.clone(), found);
            found
        }
    };
    if found {
        return;
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
            &e.value
        ),
    )
    .help("relative paths are resolved against the folder of prometheus.yml; correct the path or remove the entry");
}

impl Rule for MissingRuleFile {
    fn check_project(&self, ctx: &mut Ctx<'_>) {
        let project = ctx.project;
        let monitoring = crate::rules::monitoring::monitoring(project);
        let configs = super::configs(project);
        let mut elsewhere = HashMap::new();
        for file in project.files_of_kind(FileKind::Prometheus) {
            if !ctx.applies_to(file.source.environment) {
                continue;
            }
            let Some(config) = configs.get(file.id) else {
                continue;
            };
            let runners = monitoring.runners(file.id);
            for e in &config.rule_files {
                if runners.is_empty() {
                    report_unmounted(ctx, file, e, project, &mut elsewhere);
                    continue;
                }
                if !matches!(
                    Mounts { runners }.resolve(project, file, &e.value),
                    Resolved::Nothing
                ) {
                    continue;
                }
                let r = &runners[0];
                let compose = &project.file(r.compose).source.display_path;
                let container = r.container_path(&e.value);
                let through = container
                    .as_deref()
                    .and_then(|c| r.host_path(&project.index, c));
                let what = if e.value.contains(['*', '?', '[']) {
                    "matches no file"
                } else {
                    "does not exist"
                };
                match through {
                    Some((host, mount)) => {
                        let shown = host
                            .strip_prefix(&project.root)
                            .unwrap_or(&host)
                            .to_string_lossy()
                            .into_owned();
                        ctx.report(
                            file.id,
                            e.span,
                            format!(
                                "rule file `{}` is `{shown}` through a mount of service `{}` ({compose}), which {what}; Prometheus loads no rules from it",
                                &e.value, r.service
                            ),
                        )
                        .help("add the rule file to the mounted folder, or correct the path")
                        .related(r.compose, mount, "mounted here");
                    }
                    None => {
                        let shown = match container.as_deref() {
                            Some(c) if c != e.value.trim() => format!(" (`{c}` in the container)"),
                            _ => String::new(),
                        };
                        let d = ctx
                            .report(
                                file.id,
                                e.span,
                                format!(
                                    "no mount of service `{}` in {compose} provides rule file `{}`{shown}; Prometheus loads no rules from it",
                                    r.service, &e.value
                                ),
                            )
                            .help("mount the rule file (or its folder) into the Prometheus container at this path, or correct the path");
                        if let Some((_, span)) = r.mounted_at {
                            d.related(r.compose, span, "the configuration is mounted here");
                        }
                    }
                }
            }
        }
    }
}
