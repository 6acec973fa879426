use super::alertmanager::AlertmanagerConfig;
use super::commented::{commented_prometheus, Commented};
use super::grafana::{DashboardProviderFile, DatasourceFile};
use super::prometheus::{split_host_port, PrometheusConfig};
use super::rule_file::RuleFile;
use super::schema::Violation;
use super::*;
use crate::parse::yaml;

fn unknown_keys(v: &[Violation]) -> Vec<(&str, Option<&str>)> {
    v.iter()
        .filter_map(|v| match v {
            Violation::UnknownKey {
                key, suggestion, ..
            } => Some((key.as_str(), *suggestion)),
            _ => None,
        })
        .collect()
}

#[test]
fn closest_prefers_case_then_prefix_then_edits() {
    let known = [
        "static_configs",
        "scrape_interval",
        "scrape_timeout",
        "job_name",
    ];
    assert_eq!(closest("Job_Name", known), Some("job_name"));
    assert_eq!(closest("static_config", known), Some("static_configs"));
    assert_eq!(closest("scrape_intreval", known), Some("scrape_interval"));
    assert_eq!(closest("targets", known), None);
}

fn prometheus(text: &str) -> yaml::YamlFile {
    yaml::parse(text)
}

#[test]
fn prometheus_model_reads_jobs_targets_and_alerting() {
    let text = "global:\n  scrape_interval: 30s\nrule_files:\n  - alerts/*.yml\nalerting:\n  alertmanagers:\n    - static_configs:\n        - targets: ['am:9093']\nscrape_configs:\n  - job_name: web\n    metrics_path: /m\n    static_configs:\n      - targets: ['web:8000', 'web2:8000']\n    consul_sd_configs:\n      - server: c:8500\n";
    let file = prometheus(text);
    let c = PrometheusConfig::from_yaml(&file).unwrap();
    assert_eq!(c.global.scrape_interval.unwrap().value, "30s");
    let job = &c.scrape_configs[0];
    assert_eq!(job.job_name.unwrap().value, "web");
    assert_eq!(job.metrics_path.unwrap().value, "/m");
    let targets: Vec<&str> = job.static_targets.iter().map(|t| t.value).collect();
    assert_eq!(targets, ["web:8000", "web2:8000"]);
    assert_eq!(&text[job.static_targets[1].span.range()], "'web2:8000'");
    assert_eq!(job.discovery[0].value, "consul_sd_configs");
    let rules = c.rule_files.as_ref().unwrap();
    assert_eq!(&text[rules.key.range()], "rule_files");
    assert_eq!(rules.entries[0].value, "alerts/*.yml");
    assert!(c.sends_alerts());
    assert!(c.violations(&file).is_empty());
}

#[test]
fn alertmanagers_without_targets_send_nothing() {
    let file = prometheus("alerting:\n  alertmanagers:\n    - static_configs:\n        - targets:\n          # - alertmanager:9093\n");
    let c = PrometheusConfig::from_yaml(&file).unwrap();
    assert!(c.alerting.is_some());
    assert!(!c.sends_alerts());
}

#[test]
fn schema_reports_unknown_keys_with_suggestions_at_any_depth() {
    let file = prometheus("global:\n  scrape_intervall: 1m\nscrape_configs:\n  - job_name: a\n    static_config: []\n    basic_auth:\n      user: x\n    kubernetes_sd_configs:\n      - anything: goes\n");
    let c = PrometheusConfig::from_yaml(&file).unwrap();
    let v = c.violations(&file);
    assert_eq!(
        unknown_keys(&v),
        [
            ("scrape_intervall", Some("scrape_interval")),
            ("static_config", Some("static_configs")),
            ("user", None),
        ]
    );
}

#[test]
fn schema_follows_aliases_and_merge_keys_once() {
    let text = "scrape_configs:\n  - &d\n    job_name: a\n    bogus: 1\n    static_configs: [{targets: ['a:1']}]\n  - <<: *d\n    job_name: b\n  - *d\n";
    let file = prometheus(text);
    let c = PrometheusConfig::from_yaml(&file).unwrap();
    let v = c.violations(&file);
    // `bogus` is reported where it is written, not again through the merge or the alias.
    assert_eq!(unknown_keys(&v), [("bogus", None)]);
    assert_eq!(c.scrape_configs.len(), 3);
    assert_eq!(c.scrape_configs[1].static_targets[0].value, "a:1");
}

#[test]
fn schema_reports_shapes_durations_and_duplicates() {
    let text = "global:\n  scrape_interval: 15\n  scrape_interval: 1m\nscrape_configs:\n  job_name: a\nremote_write:\n  - url: x\n    queue_config: []\n";
    let file = prometheus(text);
    let c = PrometheusConfig::from_yaml(&file).unwrap();
    let kinds: Vec<String> = c
        .violations(&file)
        .iter()
        .map(|v| match v {
            Violation::BadDuration { value, reason, .. } => format!("duration {value}: {reason:?}"),
            Violation::WrongShape {
                key,
                expected,
                found,
                ..
            } => {
                format!("{key}: {expected}, not {found}")
            }
            Violation::DuplicateKey { key, .. } => format!("duplicate {key}"),
            Violation::UnknownKey { key, .. } => format!("unknown {key}"),
        })
        .collect();
    assert_eq!(
        kinds,
        [
            "duration 15: MissingUnit",
            "duplicate scrape_interval",
            "scrape_configs: a list, not a mapping",
            "queue_config: a mapping, not a list",
        ]
    );
}

#[test]
fn templated_durations_are_left_to_the_template() {
    let file = prometheus("global:\n  scrape_interval: ${SCRAPE_INTERVAL}\n  evaluation_interval: '{{ .Values.interval }}'\n");
    let c = PrometheusConfig::from_yaml(&file).unwrap();
    assert!(c.violations(&file).is_empty());
}

#[test]
fn null_sections_are_accepted() {
    let file =
        prometheus("global:\nrule_files:\nscrape_configs:\n  - job_name: a\n    static_configs:\n");
    let c = PrometheusConfig::from_yaml(&file).unwrap();
    assert!(c.violations(&file).is_empty());
    assert!(c.rule_files.unwrap().entries.is_empty());
}

#[test]
fn host_port_split_handles_ipv6_and_missing_ports() {
    assert_eq!(split_host_port("web:8000"), Some(("web", "8000")));
    assert_eq!(split_host_port("[::1]:9090"), Some(("::1", "9090")));
    assert_eq!(split_host_port("web"), None);
    assert_eq!(split_host_port("::1"), None);
}

#[test]
fn commented_jobs_alerting_and_rule_files_are_found_with_their_lines() {
    let text = "rule_files:\n  # - alerts.yml\n\n# alerting:\n#   alertmanagers:\n#     - static_configs:\n#         - targets: ['am:9093']\n\nscrape_configs:\n  - job_name: web\n    static_configs:\n      - targets: ['web:8000']\n  # Uncomment when the exporter runs:\n  # - job_name: nginx\n  #   static_configs:\n  #     - targets: ['nginx:9113']\n  # - job_name: celery\n  #   metrics_path: /metrics\n    labels: |\n      # - job_name: inside-a-block-scalar\n      #   static_configs: []\n";
    let file = prometheus(text);
    let found = commented_prometheus(&file);
    let kinds: Vec<String> = found
        .iter()
        .map(|c| match &c.what {
            Commented::ScrapeJob { name } => format!("job {}", name.value),
            Commented::Alerting => "alerting".to_string(),
            Commented::RuleFiles { entries } => format!("rules {}", entries[0].value),
        })
        .collect();
    assert_eq!(
        kinds,
        ["rules alerts.yml", "alerting", "job nginx", "job celery"]
    );
    assert_eq!(&text[found[1].span.range()], "# alerting:\n#   alertmanagers:\n#     - static_configs:\n#         - targets: ['am:9093']");
    assert_eq!(
        &text[found[2].span.range()],
        "# - job_name: nginx\n  #   static_configs:\n  #     - targets: ['nginx:9113']"
    );
}

#[test]
fn rule_file_model_and_problems() {
    let text = "groups:\n  - name: a\n    rules:\n      - alert: Down\n        expr: up == 0\n        for: 5m\n      - record: r\n        expr: x\n        for: 1m\n      - alert: Both\n        record: both\n  - name: a\n    rules: []\n";
    let file = yaml::parse(text);
    let r = RuleFile::from_yaml(&file).unwrap();
    let alerts: Vec<&str> = r
        .alerts()
        .filter_map(|a| a.alert.map(|t| t.value))
        .collect();
    assert_eq!(alerts, ["Down", "Both"]);
    let problems: Vec<String> = r.problems().into_iter().map(|p| p.message).collect();
    assert_eq!(
        problems,
        [
            "recording rule `r` has `for`, which only alerts have",
            "rule `both` has both `record` and `alert`; a rule is one or the other",
            "rule `both` has no `expr`",
            "rule group `a` is defined twice in the file",
        ]
    );
}

#[test]
fn alertmanager_model_flattens_the_routing_tree() {
    let text = "global:\n  smtp_auth_password: CHANGE_ME\nroute:\n  receiver: ops\n  routes:\n    - receiver: db\n      routes:\n        - receiver: pager\n          mute_time_intervals: [nights]\n    - receiver: web\nreceivers:\n  - name: ops\n    email_configs:\n      - to: a@b.c\n        auth_password: secret\n  - name: db\ntime_intervals:\n  - name: nights\n";
    let file = yaml::parse(text);
    let c = AlertmanagerConfig::from_yaml(&file).unwrap();
    let receivers: Vec<&str> = c
        .routes
        .iter()
        .filter_map(|r| r.receiver.map(|t| t.value))
        .collect();
    assert_eq!(receivers, ["ops", "db", "pager", "web"]);
    assert!(c.routes[0].is_root && !c.routes[1].is_root);
    assert_eq!(c.routes[2].mute_time_intervals[0].value, "nights");
    assert_eq!(
        c.receiver("ops").unwrap().integrations[0].value,
        "email_configs"
    );
    assert!(c.receiver("db").unwrap().integrations.is_empty());
    let secrets: Vec<&str> = c.smtp_secrets().iter().map(|s| s.key.value).collect();
    assert_eq!(secrets, ["smtp_auth_password", "auth_password"]);
    assert_eq!(c.time_intervals[0].value, "nights");
    assert!(c.violations(&file).is_empty());
}

#[test]
fn deep_routing_trees_do_not_recurse() {
    let mut text = String::from("route:\n  receiver: r\n");
    let mut indent = String::from("  ");
    for _ in 0..100 {
        text.push_str(&format!("{indent}routes:\n{indent}  - receiver: r\n"));
        indent.push_str("    ");
    }
    let file = yaml::parse(&text);
    let c = AlertmanagerConfig::from_yaml(&file).unwrap();
    assert_eq!(c.routes.len(), 101);
    assert!(c.violations(&file).is_empty());
}

#[test]
fn grafana_models_read_defaults_orgs_secrets_and_paths() {
    let file = yaml::parse("apiVersion: 1\ndatasources:\n  - name: P\n    type: prometheus\n    isDefault: true\n    orgId: 2\n    secureJsonData:\n      password: x\n  - name: L\n    isDefault: false\n");
    let d = DatasourceFile::from_yaml(&file).unwrap();
    assert_eq!(d.api_version.unwrap().value, "1");
    assert!(d.datasources[0].is_default.is_some() && d.datasources[1].is_default.is_none());
    assert_eq!((d.datasources[0].org_id, d.datasources[1].org_id), (2, 1));
    assert_eq!(d.datasources[0].secure_json_data[0].0.value, "password");
    let file = yaml::parse("apiVersion: 1\nproviders:\n  - name: default\n    type: file\n    options:\n      path: /var/lib/grafana/dashboards\n      foldersFromFilesStructure: true\n");
    let p = DashboardProviderFile::from_yaml(&file).unwrap();
    assert_eq!(
        p.providers[0].path.unwrap().value,
        "/var/lib/grafana/dashboards"
    );
    assert!(p.providers[0].folders_from_files_structure);
}

#[test]
fn hostile_input_never_panics() {
    let mut rng = crate::testing::XorShift::new(7);
    let pieces = [
        "scrape_configs:",
        "\n",
        "  - ",
        "job_name: a",
        "static_configs:",
        "targets:",
        "[",
        "]",
        "{",
        "}",
        "# - job_name: b",
        "*x",
        "&x ",
        "<<: *x",
        "route:",
        "routes:",
        "groups:",
        "rules:",
        "alert: A",
        "expr: 1",
        "for: 5",
        "'",
        "\"",
        ":",
        "    ",
        "\t",
        "é",
    ];
    for _ in 0..300 {
        let n = (rng.next_u64() % 40) as usize;
        let text: String = (0..n)
            .map(|_| pieces[(rng.next_u64() % pieces.len() as u64) as usize])
            .collect();
        let file = yaml::parse(&text);
        if let Some(c) = PrometheusConfig::from_yaml(&file) {
            let _ = c.violations(&file);
        }
        let _ = commented_prometheus(&file);
        if let Some(r) = RuleFile::from_yaml(&file) {
            let _ = (r.violations(&file), r.problems());
        }
        if let Some(a) = AlertmanagerConfig::from_yaml(&file) {
            let _ = (a.violations(&file), a.smtp_secrets());
        }
        let _ = (
            DatasourceFile::from_yaml(&file),
            DashboardProviderFile::from_yaml(&file),
        );
    }
}
