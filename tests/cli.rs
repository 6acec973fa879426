//! The command line as users and CI see it: exit statuses, formats, selection, configuration,
//! suppressions and editor input. Each test builds its project in a temporary folder.

use std::path::Path;

use assert_cmd::Command;
use serde_json::Value;

const PROD_COMPOSE: &str = "\
services:
  web:
    image: registry.example.org/web:1.0
    environment:
      SECRET_KEY: ${SECRET_KEY:-prod-secret-key-change-it}
    healthcheck:
      test: [\"CMD\", \"true\"]
    restart: unless-stopped
    mem_limit: 512m
";

fn write(dir: &Path, rel: &str, text: &str) {
    let p = dir.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

fn shiplint(dir: &Path) -> Command {
    let mut c = Command::cargo_bin("shiplint").unwrap();
    c.current_dir(dir).env_remove("NO_COLOR");
    c
}

fn json(dir: &Path, args: &[&str]) -> (Value, i32) {
    let out = shiplint(dir)
        .args(["check", "--format", "json"])
        .args(args)
        .output()
        .unwrap();
    let code = out.status.code().unwrap();
    let doc: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&out.stdout)));
    (doc, code)
}

fn codes(doc: &Value) -> Vec<String> {
    doc["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn findings_exit_one_and_a_clean_tree_exits_zero() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "docker-compose.prod.yml", PROD_COMPOSE);
    let (doc, code) = json(dir.path(), &[]);
    assert_eq!(code, 1);
    assert_eq!(codes(&doc), ["CMP001"]);
    assert_eq!(doc["files_checked"], 1);

    let clean = tempfile::tempdir().unwrap();
    write(
        clean.path(),
        "docker-compose.prod.yml",
        "services:\n  web:\n    image: nginx:1.27\n    restart: always\n    mem_limit: 64m\n    healthcheck: {test: [CMD, \"true\"]}\n",
    );
    let (doc, code) = json(clean.path(), &[]);
    assert_eq!(code, 0);
    assert_eq!(doc["diagnostics"], Value::Array(vec![]));
    assert_eq!(doc["summary"]["errors"], 0);
}

#[test]
fn json_locates_the_expression_exactly() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "docker-compose.prod.yml", PROD_COMPOSE);
    let (doc, _) = json(dir.path(), &[]);
    let d = &doc["diagnostics"][0];
    assert_eq!(d["path"], "docker-compose.prod.yml");
    assert_eq!(d["environment"], "production");
    assert_eq!(d["severity"], "error");
    assert_eq!(d["span"]["start"]["line"], 5);
    assert_eq!(d["span"]["start"]["column"], 19);
    let start = d["span"]["start"]["offset"].as_u64().unwrap() as usize;
    let end = d["span"]["end"]["offset"].as_u64().unwrap() as usize;
    assert_eq!(
        &PROD_COMPOSE[start..end],
        "${SECRET_KEY:-prod-secret-key-change-it}"
    );
    assert!(!serde_json::to_string(&doc)
        .unwrap()
        .contains("prod-secret-key-change-it"));
}

#[test]
fn fail_on_decides_the_exit_status() {
    let dir = tempfile::tempdir().unwrap();
    // Unknown environment: the error becomes a warning.
    write(dir.path(), "docker-compose.yml", PROD_COMPOSE);
    let status = |args: &[&str]| {
        shiplint(dir.path())
            .args(["check", "--quiet"])
            .args(args)
            .output()
            .unwrap()
            .status
            .code()
            .unwrap()
    };
    assert_eq!(status(&[]), 1, "default fail-on is warning");
    assert_eq!(status(&["--fail-on", "error"]), 0);
    assert_eq!(status(&["--fail-on", "info"]), 1);
    assert_eq!(status(&["--fail-on", "never"]), 0);
}

#[test]
fn select_and_ignore_pick_rules_by_code_prefix_and_name() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "docker-compose.prod.yml", PROD_COMPOSE);
    write(dir.path(), "broken/docker-compose.yml", "a: b: c\n");
    let (doc, _) = json(dir.path(), &[]);
    assert_eq!(
        codes(&doc),
        ["SHL001", "CMP001"],
        "sorted by path: broken/ first"
    );
    let (doc, _) = json(dir.path(), &["--select", "CMP"]);
    assert_eq!(codes(&doc), ["CMP001"]);
    let (doc, _) = json(dir.path(), &["--ignore", "fallback-secret"]);
    assert_eq!(codes(&doc), ["SHL001"]);
    let (doc, _) = json(
        dir.path(),
        &["--select", "SHL", "--extend-select", "CMP001"],
    );
    assert_eq!(codes(&doc).len(), 2);
}

#[test]
fn a_broken_yaml_file_is_located_and_other_files_are_still_checked() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "a/docker-compose.yml",
        "services:\n  web:\n    image: nginx\n    ports: - \"80:80\"\n",
    );
    write(dir.path(), "b/docker-compose.prod.yml", PROD_COMPOSE);
    let (doc, code) = json(dir.path(), &[]);
    assert_eq!(code, 1);
    let diags = doc["diagnostics"].as_array().unwrap();
    assert_eq!(diags.len(), 2, "{doc:#}");
    assert_eq!(diags[0]["code"], "SHL001");
    assert_eq!(diags[0]["path"], "a/docker-compose.yml");
    assert_eq!(diags[0]["span"]["start"]["line"], 4);
    assert_eq!(diags[0]["span"]["start"]["column"], 12, "at the `-`");
    assert_eq!(diags[1]["code"], "CMP001");
}

#[test]
fn usage_and_configuration_errors_print_one_line_and_exit_two() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "docker-compose.yml", "services: {}\n");
    for args in [
        vec!["check", "--format", "xml"],
        vec!["check", "--select", "NOPE999"],
        vec!["check", "does/not/exist"],
        vec!["explain", "no-such-rule"],
        vec!["frobnicate"],
    ] {
        let out = shiplint(dir.path()).args(&args).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8(out.stderr).unwrap();
        assert_eq!(err.trim_end().lines().count(), 1, "{args:?}: {err}");
        assert!(err.starts_with("shiplint: error: "), "{err}");
    }
    write(
        dir.path(),
        "shiplint.toml",
        "select = [\"CMP\"]\nbogus-key = 1\n",
    );
    let out = shiplint(dir.path()).args(["check"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
    assert!(err.contains("shiplint.toml:2"), "{err}");
    assert!(err.contains("bogus-key"), "{err}");
}

#[test]
fn configuration_selects_ignores_and_overrides_severity() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "docker-compose.prod.yml", PROD_COMPOSE);
    write(dir.path(), "legacy/docker-compose.prod.yml", PROD_COMPOSE);
    write(
        dir.path(),
        "shiplint.toml",
        "fail-on = \"error\"\n[severity]\nCMP001 = \"warning\"\n[per-file-ignores]\n\"legacy/*\" = [\"CMP\"]\n",
    );
    let (doc, code) = json(dir.path(), &[]);
    let diags = doc["diagnostics"].as_array().unwrap();
    assert_eq!(diags.len(), 1, "legacy/ is ignored: {doc:#}");
    assert_eq!(diags[0]["severity"], "warning");
    assert_eq!(code, 0, "fail-on error from the configuration");
    write(dir.path(), "shiplint.toml", "ignore = [\"CMP001\"]\n");
    let (doc, code) = json(dir.path(), &[]);
    assert!(codes(&doc).is_empty());
    assert_eq!(code, 0);
}

#[test]
fn rule_options_from_the_configuration_reach_the_rule() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "app/settings/production.py",
        "INSTALLED_APPS = [\"django.contrib.auth\"]\nAUTH_PASSWORD_VALIDATORS = [\n    {\n        \"NAME\": \"django.contrib.auth.password_validation.MinimumLengthValidator\",\n        \"OPTIONS\": {\"min_length\": 10},\n    },\n]\n",
    );
    let messages = |doc: &Value| -> Vec<String> {
        doc["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["message"].as_str().unwrap().to_string())
            .collect()
    };
    let args = ["--select", "DJG018"];
    // The default floor of 12 flags a minimum of 10.
    let (doc, _) = json(dir.path(), &args);
    assert_eq!(messages(&doc).len(), 1, "{doc:#}");
    assert!(
        messages(&doc)[0].contains("under the floor of 12"),
        "{doc:#}"
    );
    // A lower floor accepts it.
    write(
        dir.path(),
        "shiplint.toml",
        "[rule-options.short-password-minimum]\nmin-length = 8\n",
    );
    let (doc, code) = json(dir.path(), &args);
    assert!(codes(&doc).is_empty(), "{doc:#}");
    assert_eq!(code, 0);
    // A higher one, written under the rule's code, is the floor the message names.
    write(
        dir.path(),
        "shiplint.toml",
        "[rule-options.DJG018]\nmin-length = 16\n",
    );
    let (doc, _) = json(dir.path(), &args);
    assert!(
        messages(&doc)[0].contains("under the floor of 16"),
        "{doc:#}"
    );
}

#[test]
fn suppression_comments_silence_one_line_and_unused_ones_are_reported() {
    let dir = tempfile::tempdir().unwrap();
    let text = PROD_COMPOSE.replace(
        "change-it}\n",
        "change-it} # shiplint: ignore[CMP001] demo only\n      OTHER: plain # shiplint: ignore[CMP001] stale\n",
    );
    write(dir.path(), "docker-compose.prod.yml", &text);
    let (doc, _) = json(dir.path(), &[]);
    assert_eq!(codes(&doc), ["SHL004"], "{doc:#}");
    assert_eq!(doc["diagnostics"][0]["span"]["start"]["line"], 6);
    // A suppression of a rule that did not run cannot be judged unused.
    let (doc, _) = json(dir.path(), &["--select", "SHL"]);
    assert!(codes(&doc).is_empty(), "{doc:#}");
    // A malformed suppression is reported where it is written.
    write(
        dir.path(),
        "docker-compose.prod.yml",
        "services: {} # shiplint: ignore[NOPE001]\n",
    );
    let (doc, _) = json(dir.path(), &[]);
    assert_eq!(codes(&doc), ["SHL005"], "{doc:#}");
}

#[test]
fn stdin_is_linted_as_the_named_file_with_the_project_as_context() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "docker-compose.prod.yml", "services: {}\n");
    write(dir.path(), "other/docker-compose.prod.yml", PROD_COMPOSE);
    let out = shiplint(dir.path())
        .args([
            "check",
            "--format",
            "json",
            "--stdin-filename",
            "docker-compose.prod.yml",
        ])
        .write_stdin(PROD_COMPOSE)
        .output()
        .unwrap();
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    let diags = doc["diagnostics"].as_array().unwrap();
    assert_eq!(diags.len(), 1, "only the stdin file is reported: {doc:#}");
    assert_eq!(diags[0]["path"], "docker-compose.prod.yml");
    assert_eq!(doc["files_checked"], 1);
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn named_files_are_reported_and_the_rest_is_context() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join(".git")).unwrap();
    write(dir.path(), "a/docker-compose.prod.yml", PROD_COMPOSE);
    write(dir.path(), "b/docker-compose.prod.yml", PROD_COMPOSE);
    let (doc, _) = json(dir.path(), &["a/docker-compose.prod.yml"]);
    let diags = doc["diagnostics"].as_array().unwrap();
    assert_eq!(diags.len(), 1);
    assert_eq!(diags[0]["path"], "a/docker-compose.prod.yml");
}

#[test]
fn rules_lists_every_rule_as_json_and_explain_prints_docs() {
    let dir = tempfile::tempdir().unwrap();
    let out = shiplint(dir.path())
        .args(["rules", "--format", "json"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let rules: Value = serde_json::from_slice(&out.stdout).unwrap();
    let rules = rules.as_array().unwrap();
    assert_eq!(rules.len(), shiplint::rules::metas().len());
    let cmp = rules.iter().find(|r| r["code"] == "CMP001").unwrap();
    assert_eq!(cmp["name"], "fallback-secret");
    assert_eq!(cmp["family"], "compose");
    assert_eq!(cmp["default_severity"], "error");
    assert_eq!(cmp["environments"]["development"], Value::Null);
    assert!(cmp["docs"].as_str().unwrap().contains("## Why it matters"));
    for key in ["CMP001", "cmp001", "fallback-secret"] {
        let out = shiplint(dir.path())
            .args(["explain", key])
            .output()
            .unwrap();
        assert!(out.status.success());
        let text = String::from_utf8(out.stdout).unwrap();
        assert!(text.starts_with("CMP001 fallback-secret"), "{text}");
        assert!(text.contains("## How to fix"));
    }
}

#[test]
fn output_is_identical_whatever_the_thread_count() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata");
    let run = |threads: &str| {
        shiplint(&root)
            .args(["check", ".", "--format", "json"])
            .env("RAYON_NUM_THREADS", threads)
            .output()
            .unwrap()
            .stdout
    };
    let reference = run("1");
    assert!(!reference.is_empty());
    for i in 0..10 {
        let threads = if i % 2 == 0 { "1" } else { "2" };
        assert_eq!(
            run(threads),
            reference,
            "run {i} with {threads} threads differs"
        );
    }
}

#[test]
fn secrets_on_a_shown_line_are_masked_even_when_no_rule_flags_them() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "docker-compose.prod.yml",
        "services:\n  web:\n    environment: {SECRET_KEY: \"${SECRET_KEY:-fallback-value-1}\", POSTGRES_PASSWORD: realpassword123, DATABASE_URL: \"postgres://app:urlpass999@db/app\"}\n",
    );
    for format in ["text", "json", "sarif", "github"] {
        let out = shiplint(dir.path())
            .args(["check", "--no-color", "--format", format])
            .output()
            .unwrap();
        let text = String::from_utf8(out.stdout).unwrap();
        assert!(text.contains("CMP001"), "{format}: {text}");
        for secret in ["realpassword123", "urlpass999", "fallback-value-1"] {
            assert!(!text.contains(secret), "{format} prints {secret}: {text}");
        }
    }
}

#[test]
fn compose_content_says_the_environment_unless_configuration_or_path_does() {
    let compose = "\
services:
  web:
    image: registry.example.org/web:1.0
    environment:
      NODE_ENV: ${NODE_ENV:-production}
      SECRET_KEY: ${SECRET_KEY:-prod-secret-key-change-it}
";
    let environment = |doc: &Value| {
        doc["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["code"] == "CMP001")
            .map(|d| {
                (
                    d["environment"].as_str().unwrap().to_string(),
                    d["severity"].as_str().unwrap().to_string(),
                )
            })
    };
    let args = ["--select", "CMP001"];
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "docker-compose.yml", compose);
    let (doc, _) = json(dir.path(), &args);
    assert_eq!(
        environment(&doc),
        Some(("production".to_string(), "error".to_string()))
    );
    // The path wins over the content.
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "dev/docker-compose.yml", compose);
    let (doc, _) = json(dir.path(), &args);
    assert_eq!(environment(&doc), None);
    // The configuration wins over both.
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "docker-compose.yml", compose);
    write(
        dir.path(),
        "shiplint.toml",
        "[environments]\n\"docker-compose.yml\" = \"staging\"\n",
    );
    let (doc, _) = json(dir.path(), &args);
    assert_eq!(
        environment(&doc).map(|(e, _)| e),
        Some("staging".to_string())
    );
}
