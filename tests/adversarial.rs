//! Hostile and broken input: each yields its diagnostic, the rest of the tree is still checked,
//! and nothing panics or hangs. (Speed is measured by benchmarks, not asserted here.)

use std::path::Path;

use assert_cmd::Command;
use serde_json::Value;

const SECRET_COMPOSE: &str = "services:\n  web:\n    environment:\n      SECRET_KEY: ${SECRET_KEY:-prod-secret-key-change-it}\n";

fn write(dir: &Path, rel: &str, bytes: &[u8]) {
    let p = dir.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, bytes).unwrap();
}

fn check(dir: &Path) -> Vec<(String, String, u64, u64, String)> {
    let out = Command::cargo_bin("shiplint")
        .unwrap()
        .current_dir(dir)
        .args(["check", ".", "--format", "json"])
        .timeout(std::time::Duration::from_secs(60))
        .output()
        .unwrap();
    assert!(matches!(out.status.code(), Some(0 | 1)), "{out:?}");
    let doc: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    doc["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["path"].as_str().unwrap().to_string(),
                d["code"].as_str().unwrap().to_string(),
                d["span"]["start"]["line"].as_u64().unwrap(),
                d["span"]["start"]["column"].as_u64().unwrap(),
                d["message"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// Every case sits beside a well-formed production file whose finding must still be reported.
fn with_control(build: impl FnOnce(&Path)) -> Vec<(String, String, u64, u64, String)> {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "control/docker-compose.prod.yml",
        SECRET_COMPOSE.as_bytes(),
    );
    build(dir.path());
    let found = check(dir.path());
    assert!(
        found
            .iter()
            .any(|f| f.0 == "control/docker-compose.prod.yml" && f.1 == "CMP001"),
        "the other files must still be checked: {found:?}"
    );
    found
}

fn has(found: &[(String, String, u64, u64, String)], path: &str, code: &str) -> bool {
    found.iter().any(|f| f.0 == path && f.1 == code)
}

#[test]
fn alias_bomb_is_reported_not_expanded() {
    let mut bomb = String::from(
        "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
    );
    for (prev, name) in ["a", "b", "c", "d", "e", "f", "g", "h", "i"]
        .iter()
        .zip(["b", "c", "d", "e", "f", "g", "h", "i", "j"])
    {
        bomb.push_str(&format!(
            "{name}: &{name} [{}]\n",
            vec![format!("*{prev}"); 9].join(",")
        ));
    }
    let found = with_control(|d| write(d, "docker-compose.yml", bomb.as_bytes()));
    assert!(has(&found, "docker-compose.yml", "SHL001"), "{found:?}");
}

#[test]
fn deep_flow_nesting_is_a_located_error() {
    let text = "[".repeat(100_000);
    let found = with_control(|d| write(d, "docker-compose.yml", text.as_bytes()));
    assert!(has(&found, "docker-compose.yml", "SHL001"), "{found:?}");
}

#[test]
fn deep_block_nesting_is_a_located_error() {
    let text = "- ".repeat(100_000) + "x\n";
    let found = with_control(|d| write(d, "docker-compose.yml", text.as_bytes()));
    assert!(has(&found, "docker-compose.yml", "SHL001"), "{found:?}");
}

#[test]
fn oversized_files_are_not_read() {
    let line = "# padding padding padding padding padding padding padding padding\n";
    let text = line.repeat(50 * 1024 * 1024 / line.len() + 1);
    let found = with_control(|d| write(d, "docker-compose.yml", text.as_bytes()));
    assert!(has(&found, "docker-compose.yml", "SHL002"), "{found:?}");
}

#[test]
fn binary_and_invalid_utf8_files_are_reported_where_they_break() {
    let found = with_control(|d| {
        write(d, "bin/.env", b"KEY=\x00\x01\x02\x03");
        write(d, "latin1/.env", b"A=1\nB=caf\xe9\n");
    });
    assert!(has(&found, "bin/.env", "SHL002"), "{found:?}");
    let latin = found
        .iter()
        .find(|f| f.0 == "latin1/.env")
        .expect("reported");
    assert_eq!((latin.1.as_str(), latin.2, latin.3), ("SHL002", 2, 6));
}

#[test]
fn crlf_and_bom_files_keep_exact_positions() {
    let crlf = SECRET_COMPOSE.replace('\n', "\r\n");
    let bom = format!("\u{feff}{SECRET_COMPOSE}");
    let found = with_control(|d| {
        write(d, "crlf/docker-compose.prod.yml", crlf.as_bytes());
        write(d, "bom/docker-compose.prod.yml", bom.as_bytes());
    });
    for path in [
        "crlf/docker-compose.prod.yml",
        "bom/docker-compose.prod.yml",
    ] {
        let f = found
            .iter()
            .find(|f| f.0 == path)
            .unwrap_or_else(|| panic!("{path}: {found:?}"));
        assert_eq!((f.1.as_str(), f.2, f.3), ("CMP001", 4, 19), "{path}");
    }
}

#[cfg(unix)]
#[test]
fn symlink_loops_and_links_out_of_the_tree_are_not_followed() {
    let outside = tempfile::tempdir().unwrap();
    write(
        outside.path(),
        "docker-compose.prod.yml",
        SECRET_COMPOSE.as_bytes(),
    );
    let found = with_control(|d| {
        std::os::unix::fs::symlink(d, d.join("loop")).unwrap();
        std::os::unix::fs::symlink(outside.path(), d.join("outside")).unwrap();
        std::os::unix::fs::symlink(
            outside.path().join("docker-compose.prod.yml"),
            d.join("linked.docker-compose.prod.yml"),
        )
        .unwrap();
    });
    assert_eq!(found.len(), 1, "only the control file: {found:?}");
}

#[cfg(unix)]
#[test]
fn unreadable_files_are_reported() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "control/docker-compose.prod.yml",
        SECRET_COMPOSE.as_bytes(),
    );
    let locked = dir.path().join(".env");
    std::fs::write(&locked, "A=1\n").unwrap();
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o000)).unwrap();
    if std::fs::read(&locked).is_ok() {
        // Running as root: permissions do not stop reads, so there is nothing to test.
        return;
    }
    let found = check(dir.path());
    assert!(has(&found, ".env", "SHL002"), "{found:?}");
    assert!(has(&found, "control/docker-compose.prod.yml", "CMP001"));
}
