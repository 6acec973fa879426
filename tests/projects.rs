//! Multi-file example projects, checked with every rule on, their output snapshotted in every
//! format (the golden outputs of the output contract).

use std::path::PathBuf;

use assert_cmd::Command;

fn projects() -> Vec<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("testdata/projects");
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    out.sort();
    out
}

fn check(project: &PathBuf, format: &str) -> String {
    let out = Command::cargo_bin("shiplint")
        .unwrap()
        .current_dir(project)
        .args(["check", ".", "--no-color", "--format", format])
        .output()
        .unwrap();
    assert!(matches!(out.status.code(), Some(0 | 1)), "{out:?}");
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn project_outputs_match_their_snapshots_in_every_format() {
    for project in projects() {
        let name = project.file_name().unwrap().to_string_lossy().to_string();
        for format in ["text", "json", "sarif", "github"] {
            let mut out = check(&project, format);
            if format == "json" || format == "sarif" {
                // The version moves with every release; the rest is the contract.
                out = out.replace(shiplint::VERSION, "[version]");
            }
            insta::assert_snapshot!(format!("{name}-{format}"), out);
        }
    }
}

/// Copies a project to a temporary folder, applying `(path, from, to)` text replacements.
fn variant(name: &str, edits: &[(&str, &str, &str)]) -> tempfile::TempDir {
    fn copy(from: &std::path::Path, to: &std::path::Path) {
        std::fs::create_dir_all(to).unwrap();
        for entry in std::fs::read_dir(from).unwrap() {
            let entry = entry.unwrap();
            let target = to.join(entry.file_name());
            if entry.file_type().unwrap().is_dir() {
                copy(&entry.path(), &target);
            } else {
                std::fs::copy(entry.path(), &target).unwrap();
            }
        }
    }
    let dir = tempfile::tempdir().unwrap();
    let source = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("testdata/projects")
        .join(name);
    copy(&source, dir.path());
    for (path, from, to) in edits {
        let path = dir.path().join(path);
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.contains(from), "{} has no {from:?}", path.display());
        std::fs::write(&path, text.replace(from, to)).unwrap();
    }
    dir
}

const KORRIGO_COMPOSE: &str = "infra/docker/docker-compose.prod.yml";

#[test]
fn korrigo_log_folder_finding_disappears_when_every_service_mounts_it() {
    let dir = variant(
        "korrigo",
        &[
            (
                KORRIGO_COMPOSE,
                "      - media_volume:/app/media\n",
                "      - media_volume:/app/media\n      - audit_logs:/var/log/korrigo\n",
            ),
            (
                KORRIGO_COMPOSE,
                "  media_volume:\n",
                "  media_volume:\n  audit_logs:\n",
            ),
        ],
    );
    let out = check(&dir.path().to_path_buf(), "text");
    assert!(!out.contains("DJG024"), "{out}");
    insta::assert_snapshot!("korrigo-log-folder-mounted", out);
}

#[test]
fn korrigo_log_folder_finding_stays_when_only_the_web_service_mounts_it() {
    let dir = variant(
        "korrigo",
        &[(
            KORRIGO_COMPOSE,
            "      - static_volume:/app/staticfiles\n",
            "      - static_volume:/app/staticfiles\n      - audit_logs:/var/log/korrigo\n",
        )],
    );
    let out = check(&dir.path().to_path_buf(), "text");
    assert!(out.contains("DJG024"), "{out}");
    assert!(out.contains("in the `celery` container:"), "{out}");
}

#[test]
fn korrigo_log_folder_finding_disappears_when_the_image_creates_it() {
    let dir = variant(
        "korrigo",
        &[(
            "backend/Dockerfile",
            "USER app\n",
            "RUN mkdir -p /var/log/korrigo && chown app:app /var/log/korrigo\nUSER app\n",
        )],
    );
    let out = check(&dir.path().to_path_buf(), "text");
    assert!(!out.contains("DJG024"), "{out}");
    insta::assert_snapshot!("korrigo-log-folder-created", out);
}
