//! `PRM`: Prometheus configuration and rule files — what stops Prometheus from loading them,
//! and what leaves monitoring silently incomplete: scrape jobs, alerting and rule files that
//! are commented out or point at nothing.
//!
//! Rules that need to know where the configuration runs (rule files through the Compose
//! mounts of the Prometheus service, scrape targets against the services and ports of its
//! stack, `/metrics` against the Django application behind a target) read
//! [`crate::rules::monitoring`]. [`PathResolver`] is how a path written in the configuration is
//! resolved: against the configuration's folder (`ConfigFolder`) or through the mounts of the
//! services that run it (`monitoring::Mounts`).

use std::path::{Path, PathBuf};

use crate::diagnostic::Diagnostic;
use crate::kind::FileKind;
use crate::parse::monitoring::prometheus::PrometheusConfig;
use crate::parse::monitoring::rule_file::RuleFile;
use crate::parse::monitoring::schema::Violation;
use crate::parse::yaml::YamlFile;
use crate::project::{ParsedFile, Project};
use crate::source::FileId;

crate::family_rules! {
    unknown_key => UnknownPrometheusKey,
    malformed_config => MalformedPrometheusConfig,
    scrape_timeout_exceeds_interval => ScrapeTimeoutExceedsInterval,
    duplicate_job_name => DuplicateJobName,
    scrape_target_not_host_port => ScrapeTargetNotHostPort,
    invalid_rule_file => InvalidRuleFile,
    commented_out_scrape_job => CommentedOutScrapeJob,
    commented_out_alerting => CommentedOutAlerting,
    commented_out_rule_files => CommentedOutRuleFiles,
    alert_rules_without_alertmanager => AlertRulesWithoutAlertmanager,
    alertmanager_without_alert_rules => AlertmanagerWithoutAlertRules,
    missing_rule_file => MissingRuleFile,
    scrape_target_not_service => ScrapeTargetNotService,
    django_metrics_not_installed => DjangoMetricsNotInstalled,
}

/// The YAML tree of a Prometheus configuration file.
/// Reports each unknown key among `violations` of a file that `tool` (Prometheus or
/// Alertmanager) refuses to load, with a section-specific hint or the closest known key.
pub(crate) fn report_unknown_keys(
    ctx: &mut crate::rule::Ctx<'_>,
    file: FileId,
    violations: Vec<Violation>,
    tool: &str,
    hint: fn(&str, &str) -> Option<String>,
) {
    for v in violations {
        let Violation::UnknownKey {
            key,
            span,
            section,
            suggestion,
        } = v
        else {
            continue;
        };
        let place = if section == "top level" {
            "at the top level".to_string()
        } else {
            format!("in {section}")
        };
        let d = ctx.report(
            file,
            span,
            format!("unknown key `{key}` {place}; {tool} refuses to load the file"),
        );
        match (hint(section, &key), suggestion) {
            (Some(hint), _) => d.help(hint),
            (None, Some(s)) => d.help(format!("did you mean `{s}`?")),
            (None, None) => d.help(format!(
                "remove it, or see the `{section}` section of {tool}'s configuration reference"
            )),
        };
    }
}

pub(crate) fn prometheus_yaml(file: &ParsedFile) -> Option<&YamlFile> {
    if file.source.kind != FileKind::Prometheus {
        return None;
    }
    file.model.yaml()
}

/// The YAML tree of a Prometheus rule file.
pub(crate) fn rules_yaml(file: &ParsedFile) -> Option<&YamlFile> {
    if file.source.kind != FileKind::PrometheusRules {
        return None;
    }
    file.model.yaml()
}

/// Reports a schema violation of a Prometheus or Alertmanager file: `what` names the tool.
pub(crate) fn report_malformed<'c>(
    ctx: &'c mut crate::rule::Ctx<'_>,
    file: FileId,
    violation: &Violation,
    what: &str,
) -> Option<&'c mut Diagnostic> {
    let d = match violation {
        Violation::WrongShape {
            key,
            span,
            expected,
            found,
        } => {
            let subject = if key.is_empty() {
                "the file".to_string()
            } else {
                format!("`{key}`")
            };
            ctx.report(
                file,
                *span,
                format!(
                    "{subject} must be {expected}, not {found}; {what} refuses to load the file"
                ),
            )
            .help(match (*expected, *found) {
                ("a list", "a mapping") => "start each entry with `- `".to_string(),
                ("a list", _) => format!("write it as a list: `{key}: [...]` or `- ` items"),
                ("a mapping", "a list") => "remove the `- ` before the keys".to_string(),
                _ => format!("see {what}'s configuration reference for `{key}`"),
            })
        }
        Violation::BadDuration {
            key,
            span,
            value,
            reason,
        } => ctx
            .report(
                file,
                *span,
                format!("`{key}: {value}` is not a valid duration: {reason}"),
            )
            .help("write durations like `30s`, `5m` or `1h30m`"),
        Violation::DuplicateKey { key, span, first } => ctx
            .report(
                file,
                *span,
                format!(
                    "`{key}` is written twice in the same mapping; {what} refuses duplicate keys"
                ),
            )
            .help("keep one of them")
            .related(file, *first, "first written here"),
        Violation::UnknownKey { .. } => return None,
    };
    Some(d)
}

// ---------------------------------------------------------------------------------------------
// Paths named in a configuration (rule_files)
// ---------------------------------------------------------------------------------------------

/// What a path or glob written in a configuration file matches.
#[derive(Debug)]
pub(crate) enum Resolved<'p> {
    /// Files of the project.
    Files(Vec<&'p ParsedFile>),
    /// Files on disk that shiplint did not read (it did not recognise them).
    Unread,
    /// Nothing.
    Nothing,
    /// Cannot be told from the repository: a path inside a container.
    Unknown,
}

/// Finds what a path in a configuration file names. Prometheus resolves a relative
/// `rule_files` entry against the folder of its configuration file, which in a container is
/// the folder the configuration is mounted at.
///
/// [`ConfigFolder`] resolves relative paths against the configuration's folder in the
/// repository and leaves absolute ones unknown. A resolver built from the Compose mounts of the
/// Prometheus service (`./prometheus:/etc/prometheus`) implements this trait to resolve
/// container paths and single-file mounts as well.
pub(crate) trait PathResolver {
    fn resolve<'p>(&self, project: &'p Project, config: &ParsedFile, written: &str)
        -> Resolved<'p>;
}

/// Relative paths against the configuration file's folder; absolute paths unknown.
pub(crate) struct ConfigFolder;

impl PathResolver for ConfigFolder {
    fn resolve<'p>(
        &self,
        project: &'p Project,
        config: &ParsedFile,
        written: &str,
    ) -> Resolved<'p> {
        let written = written.trim();
        if written.is_empty() {
            return Resolved::Nothing;
        }
        if Path::new(written).is_absolute() {
            return Resolved::Unknown;
        }
        let Some(dir) = config.source.path.parent() else {
            return Resolved::Unknown;
        };
        lookup(project, dir.join(written))
    }
}

/// What a path or glob of the repository (only its last component may be a glob) names.
pub(crate) fn lookup(project: &Project, wanted: PathBuf) -> Resolved<'_> {
    let wanted = crate::discover::normalize(&wanted);
    let Some(matcher) = glob(&wanted) else {
        return Resolved::Unknown;
    };
    // A plain path is one lookup; a glob in the last component only looks in its folder.
    let text = wanted.to_string_lossy();
    let files: Vec<&ParsedFile> = if !has_glob(&text) {
        project
            .index
            .file_at(&wanted)
            .map(|id| project.file(id))
            .into_iter()
            .collect()
    } else {
        match wanted.parent().filter(|p| !has_glob(&p.to_string_lossy())) {
            Some(parent) => project
                .index
                .files_in_dir(parent)
                .iter()
                .map(|&id| project.file(id))
                .filter(|f| matcher.is_match(&f.source.path))
                .collect(),
            None => project
                .files()
                .filter(|f| matcher.is_match(&f.source.path))
                .collect(),
        }
    };
    if !files.is_empty() {
        return Resolved::Files(files);
    }
    if on_disk(&wanted, &matcher) {
        Resolved::Unread
    } else {
        Resolved::Nothing
    }
}

fn glob(path: &Path) -> Option<globset::GlobMatcher> {
    globset::GlobBuilder::new(&path.to_string_lossy())
        .literal_separator(true)
        .build()
        .ok()
        .map(|g| g.compile_matcher())
}

fn has_glob(s: &str) -> bool {
    s.contains(['*', '?', '['])
}

/// Whether a file the pattern matches exists on disk (only its last component may be a glob).
fn on_disk(wanted: &Path, matcher: &globset::GlobMatcher) -> bool {
    let text = wanted.to_string_lossy();
    if !has_glob(&text) {
        return wanted.is_file();
    }
    let Some(parent) = wanted.parent() else {
        return false;
    };
    if has_glob(&parent.to_string_lossy()) {
        return false;
    }
    std::fs::read_dir(parent).is_ok_and(|entries| {
        entries
            .flatten()
            .map(|e| e.path())
            .any(|p: PathBuf| p.is_file() && matcher.is_match(&p))
    })
}

/// The rule files of the project a `rule_files` entry most likely loads when it cannot be
/// resolved (a container path such as `/etc/prometheus/rules/*.yml`): rule files below the
/// configuration's folder whose name matches the entry's last component.
pub(crate) fn guess_rule_files<'p>(
    project: &'p Project,
    config: &ParsedFile,
    written: &str,
) -> Vec<&'p ParsedFile> {
    let Some(name) = Path::new(written.trim()).file_name() else {
        return Vec::new();
    };
    let Some(matcher) = globset::Glob::new(&name.to_string_lossy())
        .ok()
        .map(|g| g.compile_matcher())
    else {
        return Vec::new();
    };
    let Some(dir) = config.source.path.parent() else {
        return Vec::new();
    };
    project
        .files_of_kind(FileKind::PrometheusRules)
        .filter(|f| f.source.path.starts_with(dir))
        .filter(|f| {
            f.source
                .path
                .file_name()
                .is_some_and(|n| matcher.is_match(n))
        })
        .collect()
}

/// The rule files a configuration loads that the project holds, each with the `rule_files`
/// entry that names it.
pub(crate) fn loaded_rule_files<'p>(
    project: &'p Project,
    config_file: &ParsedFile,
    config: &PrometheusConfig<'_>,
    resolver: &dyn PathResolver,
) -> Vec<&'p ParsedFile> {
    let mut out: Vec<&ParsedFile> = Vec::new();
    let Some(list) = &config.rule_files else {
        return out;
    };
    for entry in &list.entries {
        let files = match resolver.resolve(project, config_file, entry.value) {
            Resolved::Files(files) => files,
            Resolved::Unknown => guess_rule_files(project, config_file, entry.value),
            _ => Vec::new(),
        };
        for f in files {
            if !out.iter().any(|o| o.id == f.id) {
                out.push(f);
            }
        }
    }
    out
}

/// The alerting rules of a rule file: their names and spans.
pub(crate) fn alert_rules(file: &ParsedFile) -> Vec<crate::parse::monitoring::Text<'_>> {
    let Some(yaml) = rules_yaml(file) else {
        return Vec::new();
    };
    RuleFile::from_yaml(yaml)
        .map(|r| r.alerts().filter_map(|a| a.alert).collect())
        .unwrap_or_default()
}

/// Whether files matching `written` exist elsewhere in the project (`alerts/*.yml` under
/// another folder), so that a Compose mount may well put them where Prometheus looks.
pub(crate) fn found_elsewhere(project: &Project, written: &str) -> bool {
    let written = written.trim().trim_start_matches("./");
    if written.is_empty() || Path::new(written).is_absolute() || written.starts_with("..") {
        return false;
    }
    let Some(matcher) = globset::GlobBuilder::new(&format!("**/{written}"))
        .literal_separator(true)
        .build()
        .ok()
        .map(|g| g.compile_matcher())
    else {
        return false;
    };
    // Without a glob only files of the same name can match.
    match Path::new(written)
        .file_name()
        .filter(|n| !has_glob(&n.to_string_lossy()))
    {
        Some(name) => project
            .index
            .files_named(name)
            .iter()
            .any(|&id| matcher.is_match(&project.file(id).source.path)),
        None => project.files().any(|f| matcher.is_match(&f.source.path)),
    }
}

// ---------------------------------------------------------------------------------------------
// The configurations, owned and shared
// ---------------------------------------------------------------------------------------------

/// A scalar of a configuration, owned: its text and span.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Owned {
    pub(crate) value: String,
    pub(crate) span: crate::source::Span,
}

impl Owned {
    fn of(t: &crate::parse::monitoring::Text<'_>) -> Owned {
        Owned {
            value: t.value.to_string(),
            span: t.span,
        }
    }
}

/// One scrape job, as the cross-file rules read it.
#[derive(Debug)]
pub(crate) struct Job {
    pub(crate) name: Option<Owned>,
    pub(crate) metrics_path: Option<Owned>,
    /// `relabel_configs` has entries (they may rewrite the address).
    pub(crate) relabels: bool,
    pub(crate) targets: Vec<Owned>,
}

/// The parts of one Prometheus configuration that rules checking it against the rest of the
/// project read.
#[derive(Debug, Default)]
pub(crate) struct Config {
    pub(crate) jobs: Vec<Job>,
    /// `rule_files` entries.
    pub(crate) rule_files: Vec<Owned>,
    /// Static targets of `alerting.alertmanagers` entries without `relabel_configs`.
    pub(crate) alertmanager_targets: Vec<Owned>,
    /// Whether some `alertmanagers` entry has targets (static or discovered).
    pub(crate) sends_alerts: bool,
}

/// Every Prometheus configuration of the project that parses, by file: built once per run
/// from the YAML trees and shared by the rules that need the Compose stack as well.
#[derive(Debug, Default)]
pub(crate) struct Configs {
    by_file: std::collections::HashMap<FileId, Config>,
}

impl Configs {
    fn build(project: &Project) -> Configs {
        let mut by_file = std::collections::HashMap::new();
        for file in project.files_of_kind(FileKind::Prometheus) {
            let Some(config) = prometheus_yaml(file).and_then(PrometheusConfig::from_yaml) else {
                continue;
            };
            let jobs = config
                .scrape_configs
                .iter()
                .map(|j| Job {
                    name: j.job_name.as_ref().map(Owned::of),
                    metrics_path: j.metrics_path.as_ref().map(Owned::of),
                    relabels: j.relabels,
                    targets: j.static_targets.iter().map(Owned::of).collect(),
                })
                .collect();
            let rule_files = config
                .rule_files
                .as_ref()
                .map(|l| l.entries.iter().map(Owned::of).collect())
                .unwrap_or_default();
            let alertmanager_targets = config
                .alerting
                .iter()
                .flat_map(|a| &a.alertmanagers)
                .filter(|am| {
                    am.node
                        .get("relabel_configs")
                        .is_none_or(|r| r.items().is_empty())
                })
                .flat_map(|am| am.static_targets.iter().map(Owned::of))
                .collect();
            by_file.insert(
                file.id,
                Config {
                    jobs,
                    rule_files,
                    alertmanager_targets,
                    sends_alerts: config.sends_alerts(),
                },
            );
        }
        Configs { by_file }
    }

    /// The configuration of a Prometheus file, when it parses.
    pub(crate) fn get(&self, file: FileId) -> Option<&Config> {
        self.by_file.get(&file)
    }
}

/// The project's Prometheus configurations, built once per run.
pub(crate) fn configs(project: &Project) -> std::sync::Arc<Configs> {
    project.derived(Configs::build)
}
