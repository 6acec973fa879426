//! The GitHub Action and the pre-commit hook, exercised the way their hosts run them.

use std::path::{Path, PathBuf};
use std::process::Command;

use shiplint::parse::yaml;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn yaml_root(path: &Path) -> (String, yaml::YamlFile) {
    let text = std::fs::read_to_string(path).unwrap();
    let file = yaml::parse(&text);
    assert!(file.errors.is_empty(), "{:?}", file.errors);
    (text, file)
}

/// The `run:` script and `env:` of the action step with this name.
fn action_step(name: &str) -> (String, Vec<(String, String)>) {
    let (_, file) = yaml_root(&repo().join("action.yml"));
    let root = file.documents().next().unwrap();
    let steps = root.get("runs").unwrap().get("steps").unwrap().items();
    let step = steps
        .iter()
        .find(|s| s.get("name").and_then(|n| n.as_str()) == Some(name))
        .unwrap_or_else(|| panic!("no step {name}"));
    let script = step.get("run").unwrap().as_str().unwrap().to_string();
    let env = step
        .get("env")
        .map(|e| {
            e.entries()
                .iter()
                .map(|(k, v)| {
                    (
                        k.as_str().unwrap().to_string(),
                        v.as_str().unwrap().to_string(),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    (script, env)
}

fn run_action(project: &Path, fail_on: &str, sarif: &str) -> (String, i32) {
    let (script, env) = action_step("Run shiplint");
    let bin = PathBuf::from(env!("CARGO_BIN_EXE_shiplint"));
    let path = format!(
        "{}:{}",
        bin.parent().unwrap().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let mut cmd = Command::new("bash");
    cmd.arg("-c")
        .arg(&script)
        .current_dir(project)
        .env("PATH", path);
    // The runner substitutes `${{ inputs.* }}` before running; do the same.
    for (key, value) in env {
        let value = match value.as_str() {
            "${{ inputs.path }}" => ".".to_string(),
            "${{ inputs.fail-on }}" => fail_on.to_string(),
            "${{ inputs.sarif-file }}" => sarif.to_string(),
            "${{ inputs.args }}" => String::new(),
            other => panic!("unexpected env value {other}"),
        };
        cmd.env(key, value);
    }
    let out = cmd.output().unwrap();
    (
        String::from_utf8(out.stdout).unwrap(),
        out.status.code().unwrap(),
    )
}

#[test]
fn the_action_annotates_findings_and_honours_fail_on() {
    let project = repo().join("testdata/projects/korrigo");
    let (out, code) = run_action(&project, "warning", "");
    assert_eq!(code, 1, "{out}");
    assert!(
        out.lines()
            .any(|l| l.starts_with("::error file=infra/docker/docker-compose.prod.yml,line=")),
        "{out}"
    );
    assert!(out.contains("title=CMP001 fallback-secret::"), "{out}");
    let (_, code) = run_action(&project, "never", "");
    assert_eq!(code, 0);
}

#[test]
fn the_action_writes_sarif_when_asked() {
    let project = repo().join("testdata/projects/korrigo");
    let dir = tempfile::tempdir().unwrap();
    let sarif = dir.path().join("out.sarif");
    let (_, code) = run_action(&project, "never", sarif.to_str().unwrap());
    assert_eq!(code, 0);
    let doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&sarif).unwrap()).unwrap();
    assert_eq!(doc["version"], "2.1.0");
    assert!(!doc["runs"][0]["results"].as_array().unwrap().is_empty());
}

#[test]
fn the_action_installs_from_its_own_checkout() {
    let (script, env) = action_step("Install shiplint");
    assert!(script.contains("cargo install --locked"), "{script}");
    assert!(env
        .iter()
        .any(|(k, v)| k == "SHIPLINT_SOURCE" && v == "${{ github.action_path }}"));
}

#[test]
fn the_pre_commit_hook_passes_configuration_files_to_shiplint_check() {
    let (_, file) = yaml_root(&repo().join(".pre-commit-hooks.yaml"));
    let hooks = file.documents().next().unwrap().items();
    let hook = hooks
        .iter()
        .find(|h| h.get("id").and_then(|i| i.as_str()) == Some("shiplint"))
        .expect("a shiplint hook");
    assert_eq!(hook.get("entry").unwrap().as_str(), Some("shiplint check"));
    assert_eq!(hook.get("language").unwrap().as_str(), Some("rust"));
    let files = regex::Regex::new(hook.get("files").unwrap().as_str().unwrap()).unwrap();
    for path in [
        "docker-compose.yml",
        "infra/docker/docker-compose.local-prod.yml",
        "compose.yaml",
        ".env",
        ".env.staging.example",
        "config/pgbouncer/userlist.txt",
        "config/pgbouncer/pgbouncer.ini",
        "config/prometheus/prometheus.yml",
        "alertmanager/alertmanager.yml",
        "grafana/provisioning/datasources/datasource.yml",
        "backend/core/settings.py",
        "src/app/settings/production.py",
        "backend/Dockerfile",
    ] {
        assert!(files.is_match(path), "{path} should reach the hook");
    }
    for path in ["README.md", "src/app/views.py", "package.json"] {
        assert!(!files.is_match(path), "{path} should not reach the hook");
    }
}
