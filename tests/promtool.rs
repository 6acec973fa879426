//! Differential tests against the tools that load the files: shiplint must report a
//! load-failure finding for a Prometheus configuration, a rule file or an Alertmanager
//! configuration exactly when `promtool` or `amtool` rejects it.
//!
//! The tools come from the Debian/Ubuntu packages `prometheus` (`promtool`) and
//! `prometheus-alertmanager` (`amtool`). Without them, or without the corpus folder, the tests
//! print why and pass.
//!
//! Files compared: every file shiplint classifies as a Prometheus configuration, a rule file
//! or an Alertmanager configuration, in the rule fixtures (`testdata/rules/{PRM,ALM}*/`), in the
//! corpus (`/work/shared/corpus`, or `$SHIPLINT_CORPUS`), and in single-defect cases below.
//!
//! Where the installed tool disagrees because of its own version or build, the disagreement is
//! listed in `TOOL_SKEW` with the reason, counted and printed, and not a failure. shiplint's
//! schemas accept the keys of current Prometheus and Alertmanager releases; the packaged tools
//! (promtool 2.42, amtool 0.25 in Debian 12) are older, and Debian builds promtool without
//! some service-discovery mechanisms.

use std::path::{Path, PathBuf};
use std::process::Command;

use shiplint::config::Config;
use shiplint::engine::{self, RunOptions};
use shiplint::kind::FileKind;

/// Codes whose findings mean "the tool refuses to load the file", per kind of file. SHL001 is
/// a YAML syntax error.
fn load_failures(kind: FileKind) -> &'static [&'static str] {
    match kind {
        FileKind::Prometheus => &["PRM001", "PRM002", "PRM003", "PRM004", "PRM005", "SHL001"],
        FileKind::PrometheusRules => &["PRM006", "SHL001"],
        FileKind::Alertmanager => &["ALM001", "ALM002", "ALM003", "ALM004", "ALM005", "SHL001"],
        _ => &[],
    }
}

/// How each kind of file is checked by its tool.
fn tool(kind: FileKind) -> Option<(&'static str, &'static [&'static str])> {
    match kind {
        FileKind::Prometheus => Some(("promtool", &["check", "config", "--syntax-only"])),
        FileKind::PrometheusRules => Some(("promtool", &["check", "rules"])),
        FileKind::Alertmanager => Some(("amtool", &["check-config"])),
        _ => None,
    }
}

/// Messages of the installed tools that come from their version or build, with the reason.
const TOOL_SKEW: &[(&str, &str)] = &[
    (
        "field kubernetes_sd_configs not found",
        "Debian builds promtool without Kubernetes service discovery",
    ),
    (
        "field consul_sd_configs not found",
        "Debian builds promtool without Consul service discovery",
    ),
    (
        "field linode_sd_configs not found",
        "Debian builds promtool without Linode service discovery",
    ),
    (
        "field nomad_sd_configs not found",
        "Debian builds promtool without Nomad service discovery",
    ),
    (
        "field stackit_sd_configs not found",
        "STACKIT service discovery is newer than the installed promtool",
    ),
    (
        "field outscale_sd_configs not found",
        "Outscale service discovery is newer than the installed promtool",
    ),
    (
        "field scrape_native_histograms not found",
        "`scrape_native_histograms` is a Prometheus 3 setting",
    ),
    (
        "field otlp not found",
        "the `otlp` section is newer than the installed promtool",
    ),
    (
        "field query_offset not found",
        "rule group `query_offset` is newer than the installed promtool",
    ),
    (
        "configuration requires a region",
        "promtool 2.42 asks AWS for a region when `region` is omitted; later releases do not",
    ),
];

fn installed(program: &str) -> bool {
    Command::new(program)
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

/// Whether the tool rejects the file, and what it printed.
fn tool_rejects(kind: FileKind, path: &Path) -> Option<(bool, String)> {
    let (program, args) = tool(kind)?;
    let out = Command::new(program).args(args).arg(path).output().ok()?;
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    Some((!out.status.success(), text))
}

#[derive(Default)]
struct Tally {
    agreed: usize,
    skew: Vec<String>,
    disagreements: Vec<String>,
}

/// Runs shiplint over `dir` (one project) and compares each monitoring file with its tool.
fn compare(dir: &Path, tally: &mut Tally) {
    let options = RunOptions {
        paths: vec![dir.to_path_buf()],
        stdin: None,
        config: Config::default(),
        rules: shiplint::rules::all(),
        size_limit: engine::DEFAULT_SIZE_LIMIT,
        cwd: dir.to_path_buf(),
    };
    let outcome = engine::run(&options).expect("run");
    for file in outcome.project.files() {
        let kind = file.source.kind;
        if !installed_for(kind) {
            continue;
        }
        let Some((rejected, output)) = tool_rejects(kind, &file.source.path) else {
            continue;
        };
        let codes: Vec<&str> = outcome
            .diagnostics
            .iter()
            .filter(|d| d.file == file.id && load_failures(kind).contains(&d.code))
            .map(|d| d.code)
            .collect();
        let shown = file.source.path.display();
        let reported = !codes.is_empty();
        if rejected == reported {
            tally.agreed += 1;
            continue;
        }
        if let Some((_, why)) = TOOL_SKEW.iter().find(|(m, _)| output.contains(m)) {
            tally.skew.push(format!("{shown}: {why}"));
            continue;
        }
        tally.disagreements.push(if rejected {
            format!(
                "{shown}: the tool rejects it and shiplint reports no load failure:\n{}",
                output.trim()
            )
        } else {
            format!("{shown}: the tool accepts it and shiplint reports {codes:?}")
        });
    }
}

fn installed_for(kind: FileKind) -> bool {
    tool(kind).is_some_and(|(program, _)| installed(program))
}

fn tools_present() -> bool {
    let promtool = installed("promtool");
    let amtool = installed("amtool");
    if !promtool {
        println!("skipping promtool comparisons: promtool not found (apt-get install prometheus)");
    }
    if !amtool {
        println!(
            "skipping amtool comparisons: amtool not found (apt-get install prometheus-alertmanager)"
        );
    }
    promtool || amtool
}

fn report(label: &str, tally: &Tally) {
    println!(
        "{label}: {} files agree, {} differ by tool version or build",
        tally.agreed,
        tally.skew.len()
    );
    for s in &tally.skew {
        println!("  skew: {s}");
    }
    assert!(
        tally.disagreements.is_empty(),
        "{label}: shiplint and the tools disagree:\n{}",
        tally.disagreements.join("\n\n")
    );
}

fn dirs(root: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(root) else {
        return Vec::new();
    };
    let mut out: Vec<PathBuf> = entries
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    out.sort();
    out
}

#[test]
fn rule_fixtures_load_failures_match_the_tools() {
    if !tools_present() {
        return;
    }
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("testdata/rules");
    let mut tally = Tally::default();
    for family in dirs(&root) {
        let name = family.file_name().unwrap().to_string_lossy().to_string();
        if !(name.starts_with("PRM") || name.starts_with("ALM")) {
            continue;
        }
        for case in dirs(&family) {
            compare(&case, &mut tally);
        }
    }
    assert!(tally.agreed > 0, "no fixture was compared");
    report("rule fixtures", &tally);
}

#[test]
fn corpus_load_failures_match_the_tools() {
    let corpus = std::env::var_os("SHIPLINT_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/work/shared/corpus"));
    if !corpus.is_dir() {
        println!(
            "skipping the corpus comparison: no corpus at {} (set SHIPLINT_CORPUS)",
            corpus.display()
        );
        return;
    }
    if !tools_present() {
        return;
    }
    let mut tally = Tally::default();
    for project in dirs(&corpus) {
        compare(&project, &mut tally);
    }
    report("corpus", &tally);
}

/// One defect per file, so that each check is compared on its own (the tools stop at the
/// first error of a file), and a few files the tools accept.
const CASES: &[(&str, bool, &str, &str)] = &[
    // (file name, whether the tool rejects it, what the case is, text)
    ("prometheus.yml", true, "unknown top-level key", "scrape_interval: 15s\nscrape_configs: []\n"),
    ("prometheus.yml", true, "unknown key in a relabel config", "scrape_configs:\n  - job_name: a\n    relabel_configs:\n      - target_lable: x\n"),
    ("prometheus.yml", true, "unknown key in tls_config", "scrape_configs:\n  - job_name: a\n    tls_config:\n      ca: x\n      insecure: true\n"),
    ("prometheus.yml", true, "flag as a storage key", "global:\n  scrape_interval: 15s\nstorage:\n  tsdb:\n    path: /prometheus\n"),
    ("prometheus.yml", true, "duration without unit", "global:\n  scrape_interval: 15\n"),
    ("prometheus.yml", true, "fractional duration", "global:\n  evaluation_interval: 1.5m\n"),
    ("prometheus.yml", true, "units out of order", "global:\n  evaluation_interval: 30s1m\n"),
    ("prometheus.yml", true, "targets as a string", "scrape_configs:\n  - job_name: a\n    static_configs:\n      - targets: web:8000\n"),
    ("prometheus.yml", true, "static_configs as a mapping", "scrape_configs:\n  - job_name: a\n    static_configs:\n      targets: ['web:8000']\n"),
    ("prometheus.yml", true, "duplicate key", "global:\n  scrape_interval: 15s\n  scrape_interval: 10s\n"),
    ("prometheus.yml", true, "job without a name", "scrape_configs:\n  - metrics_path: /m\n"),
    ("prometheus.yml", true, "global timeout above interval", "global:\n  scrape_interval: 5s\n  scrape_timeout: 6s\n"),
    ("prometheus.yml", true, "job timeout above inherited interval", "global:\n  scrape_interval: 5s\nscrape_configs:\n  - job_name: a\n    scrape_timeout: 6s\n"),
    ("prometheus.yml", true, "duplicate job", "scrape_configs:\n  - job_name: a\n  - job_name: a\n"),
    ("prometheus.yml", true, "URL as target", "scrape_configs:\n  - job_name: a\n    static_configs:\n      - targets: ['http://web:8000']\n"),
    ("prometheus.yml", true, "path in an Alertmanager target", "alerting:\n  alertmanagers:\n    - static_configs:\n        - targets: ['am:9093/x']\n"),
    ("prometheus.yml", false, "URL target left to relabelling", "scrape_configs:\n  - job_name: a\n    static_configs:\n      - targets: ['http://web:8000']\n    relabel_configs:\n      - target_label: __address__\n        replacement: web:8000\n"),
    ("prometheus.yml", false, "zero timeout is unset", "global:\n  scrape_interval: 5s\nscrape_configs:\n  - job_name: a\n    scrape_timeout: 0s\n"),
    ("prometheus.yml", false, "empty sections", "global:\nrule_files:\nscrape_configs:\n  - job_name: a\n    static_configs:\n"),
    ("prometheus.yml", false, "anchors and merge keys", "scrape_configs:\n  - &d\n    job_name: a\n    scrape_interval: 30s\n  - <<: *d\n    job_name: b\n"),
    ("alerts.yml", true, "annotation beside expr", "groups:\n  - name: a\n    rules:\n      - alert: A\n        expr: up == 0\n        summary: x\n"),
    ("alerts.yml", true, "duration without unit in for", "groups:\n  - name: a\n    rules:\n      - alert: A\n        expr: up == 0\n        for: 5\n"),
    ("alerts.yml", true, "alert and record", "groups:\n  - name: a\n    rules:\n      - alert: A\n        record: a\n        expr: up\n"),
    ("alerts.yml", true, "neither alert nor record", "groups:\n  - name: a\n    rules:\n      - expr: up\n"),
    ("alerts.yml", true, "no expr", "groups:\n  - name: a\n    rules:\n      - alert: A\n"),
    ("alerts.yml", true, "recording rule with for", "groups:\n  - name: a\n    rules:\n      - record: a\n        expr: up\n        for: 1m\n"),
    ("alerts.yml", true, "group without name", "groups:\n  - rules:\n      - alert: A\n        expr: up\n"),
    ("alerts.yml", true, "repeated group", "groups:\n  - name: a\n    rules: []\n  - name: a\n    rules: []\n"),
    ("alerts.yml", false, "recording rule with for: 0s", "groups:\n  - name: a\n    rules:\n      - record: a\n        expr: up\n        for: 0s\n"),
    ("alertmanager.yml", true, "unknown key in a route", "route:\n  receiver: a\n  group_wiat: 30s\nreceivers:\n  - name: a\n"),
    ("alertmanager.yml", true, "receiver in an inhibit rule", "route:\n  receiver: a\ninhibit_rules:\n  - receiver: a\nreceivers:\n  - name: a\n"),
    ("alertmanager.yml", true, "undefined receiver", "route:\n  receiver: b\nreceivers:\n  - name: a\n"),
    ("alertmanager.yml", true, "root route without receiver", "route:\n  group_by: [x]\nreceivers:\n  - name: a\n"),
    ("alertmanager.yml", true, "no route", "receivers:\n  - name: a\n"),
    ("alertmanager.yml", true, "duplicate receiver", "route:\n  receiver: a\nreceivers:\n  - name: a\n  - name: a\n"),
    ("alertmanager.yml", true, "undefined time interval", "route:\n  receiver: a\n  routes:\n    - receiver: a\n      mute_time_intervals: [x]\nreceivers:\n  - name: a\n"),
    ("alertmanager.yml", true, "zero repeat interval", "route:\n  receiver: a\n  repeat_interval: 0s\nreceivers:\n  - name: a\n"),
    ("alertmanager.yml", true, "smarthost without port", "global:\n  smtp_smarthost: smtp.example.org\nroute:\n  receiver: a\nreceivers:\n  - name: a\n"),
    ("alertmanager.yml", true, "email without smarthost", "global:\n  smtp_from: a@b.c\nroute:\n  receiver: a\nreceivers:\n  - name: a\n    email_configs:\n      - to: x@b.c\n"),
    ("alertmanager.yml", true, "root route with matchers", "route:\n  receiver: a\n  matchers: ['a=\"b\"']\nreceivers:\n  - name: a\n"),
    ("alertmanager.yml", false, "empty receiver", "route:\n  receiver: a\nreceivers:\n  - name: a\n"),
    ("alertmanager.yml", false, "placeholder SMTP password", "global:\n  smtp_smarthost: smtp.example.org:587\n  smtp_from: a@b.c\n  smtp_auth_password: CHANGE_ME\nroute:\n  receiver: a\nreceivers:\n  - name: a\n    email_configs:\n      - to: x@b.c\n"),
];

#[test]
fn single_defects_match_the_tools() {
    if !tools_present() {
        return;
    }
    let mut failures = Vec::new();
    let mut compared = 0;
    for (i, (name, expect_rejected, case, text)) in CASES.iter().enumerate() {
        let dir = tempfile::tempdir().unwrap();
        // A folder name that shiplint sniffs, one project per case.
        let folder = dir.path().join(format!("monitoring-{i}"));
        std::fs::create_dir_all(&folder).unwrap();
        std::fs::write(folder.join(name), text).unwrap();
        let mut tally = Tally::default();
        compare(&folder, &mut tally);
        let Some(kind) = tool_for_name(name) else {
            continue;
        };
        if tally.agreed + tally.skew.len() + tally.disagreements.len() == 0 {
            failures.push(format!("{case}: shiplint did not recognise {name}"));
            continue;
        }
        compared += 1;
        failures.extend(tally.disagreements.iter().map(|d| format!("{case}: {d}")));
        let rejected = tool_rejects(kind, &folder.join(name)).map(|(r, _)| r);
        if rejected.is_some_and(|r| r != *expect_rejected) {
            failures.push(format!(
                "{case}: expected the tool to {} it",
                if *expect_rejected { "reject" } else { "accept" }
            ));
        }
    }
    println!("single defects: {compared} cases compared");
    assert!(failures.is_empty(), "\n{}", failures.join("\n\n"));
}

/// The kind of a case's file, if its tool is installed.
fn tool_for_name(name: &str) -> Option<FileKind> {
    let kind = if name.starts_with("alertmanager") {
        FileKind::Alertmanager
    } else if name.starts_with("alerts") {
        FileKind::PrometheusRules
    } else {
        FileKind::Prometheus
    };
    installed_for(kind).then_some(kind)
}
