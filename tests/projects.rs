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
