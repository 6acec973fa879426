//! Rule fixtures and the conventions every rule keeps.
//!
//! Each rule has `testdata/rules/<CODE>/bad*/` and `good*/` cases: small projects whose files
//! state the findings they expect inline (`# expect: CMP001` on the line of the finding) or in an
//! `expect.txt` sidecar (`path:line: CODE`) for formats without comments. A case runs with only
//! its rule enabled; bad cases must produce exactly the expected findings, good cases none.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use shiplint::config::Config;
use shiplint::engine::{self, RunOptions};
use shiplint::render::{self, Format, RenderOptions, Report};
use shiplint::rule::{Rule, RuleMeta};

/// Rules no input can trigger on purpose: tested by unit tests instead.
const NO_FIXTURE: &[(&str, &str)] = &[("SHL006", "stands for a bug; see engine tests")];

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn rule(code: &str) -> &'static dyn Rule {
    shiplint::rules::all()
        .into_iter()
        .find(|r| r.meta().code == code)
        .unwrap_or_else(|| panic!("no rule {code}"))
}

type Finding = (String, usize, String);

fn run_case(dir: &Path, mut rules: Vec<&'static dyn Rule>) -> (Vec<Finding>, String) {
    let dir = dir.canonicalize().unwrap();
    // `paths.txt` names the paths to check explicitly (default: the case folder);
    // `select.txt` names further rules to run beside the one under test.
    let paths = match std::fs::read_to_string(dir.join("paths.txt")) {
        Ok(list) => list
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(|l| dir.join(l.trim()))
            .collect(),
        Err(_) => vec![dir.clone()],
    };
    if let Ok(list) = std::fs::read_to_string(dir.join("select.txt")) {
        rules.extend(list.split_whitespace().map(rule));
    }
    let options = RunOptions {
        paths,
        stdin: None,
        config: Config::default(),
        rules: rules.clone(),
        size_limit: engine::DEFAULT_SIZE_LIMIT,
        cwd: dir.clone(),
    };
    let outcome = engine::run(&options).expect("run");
    let findings = outcome
        .diagnostics
        .iter()
        .map(|d| {
            let f = &outcome.project.file(d.file).source;
            (
                f.display_path.clone(),
                f.line_col(d.span.start).line,
                d.code.to_string(),
            )
        })
        .collect();
    for d in &outcome.diagnostics {
        let first = d.message.chars().next().unwrap_or('x');
        assert!(
            !first.is_uppercase()
                || d.message.starts_with(|c: char| c.is_ascii_uppercase()
                    && d.message.split_whitespace().next().is_some_and(|w| w
                        .chars()
                        .all(|c| c.is_ascii_uppercase() || c == '_' || c.is_ascii_digit()))),
            "{}: message should start lowercase: {:?}",
            d.code,
            d.message
        );
        assert!(
            !d.message.ends_with('.'),
            "{}: message ends with a period: {:?}",
            d.code,
            d.message
        );
    }
    let metas: Vec<&'static RuleMeta> = rules.iter().map(|r| r.meta()).collect();
    let report = Report {
        project: &outcome.project,
        diagnostics: &outcome.diagnostics,
        rules: &metas,
        files_checked: outcome.files_checked,
    };
    let mut text = Vec::new();
    render::render(
        Format::Text,
        &report,
        &RenderOptions {
            color: false,
            quiet: false,
        },
        &mut text,
    )
    .unwrap();
    (findings, String::from_utf8(text).unwrap())
}

/// Findings a case's files announce.
fn expectations(dir: &Path) -> Vec<Finding> {
    let marker =
        regex::Regex::new(r"expect:\s*([A-Z]{3}[0-9]{3}(?:\s*,\s*[A-Z]{3}[0-9]{3})*)").unwrap();
    let mut out = Vec::new();
    for entry in walk(dir) {
        let rel = entry
            .strip_prefix(dir)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        let bytes = std::fs::read(&entry).unwrap();
        if rel == "expect.txt" {
            for line in String::from_utf8(bytes).unwrap().lines() {
                let line = line.trim();
                if line.is_empty() || line.starts_with('#') {
                    continue;
                }
                let (path, rest) = line.split_once(':').expect("path:line: CODE");
                let (n, codes) = rest.split_once(':').expect("path:line: CODE");
                for code in codes.split(',') {
                    out.push((
                        path.to_string(),
                        n.trim().parse().unwrap(),
                        code.trim().to_string(),
                    ));
                }
            }
            continue;
        }
        let text = String::from_utf8_lossy(&bytes);
        for (i, line) in text.lines().enumerate() {
            if let Some(m) = marker.captures(line) {
                for code in m[1].split(',') {
                    out.push((rel.clone(), i + 1, code.trim().to_string()));
                }
            }
        }
    }
    out.sort();
    out
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

/// A copy of a case whose `dot-git/` folder becomes `.git/`, for rules that read a git
/// checkout (git refuses to track a `.git` folder inside a repository); `None` for other cases.
fn with_git_dir(case: &Path) -> Option<tempfile::TempDir> {
    if !case.join("dot-git").is_dir() {
        return None;
    }
    let copy = tempfile::tempdir().unwrap();
    for file in walk(case) {
        let rel = file.strip_prefix(case).unwrap();
        let rel = match rel.strip_prefix("dot-git") {
            Ok(inner) => Path::new(".git").join(inner),
            Err(_) => rel.to_path_buf(),
        };
        let to = copy.path().join(rel);
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        std::fs::copy(&file, &to).unwrap();
    }
    Some(copy)
}

fn cases(code: &str) -> Vec<PathBuf> {
    let dir = root().join("testdata/rules").join(code);
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return Vec::new();
    };
    let mut out: Vec<PathBuf> = entries
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    out.sort();
    out
}

#[test]
fn every_rule_fixture_reports_exactly_what_it_announces() {
    let mut failures = Vec::new();
    for r in shiplint::rules::all() {
        let code = r.meta().code;
        for case in cases(code) {
            let name = case.file_name().unwrap().to_string_lossy().to_string();
            let expected = expectations(&case);
            let checkout = with_git_dir(&case);
            let at = checkout.as_ref().map_or(case.as_path(), |d| d.path());
            let (mut got, text) = run_case(at, vec![r]);
            got.sort();
            if name.starts_with("good") {
                if !got.is_empty() || !expected.is_empty() {
                    failures.push(format!(
                        "{code}/{name}: a good case must be clean, got {got:?}"
                    ));
                }
                continue;
            }
            if expected.is_empty() {
                failures.push(format!(
                    "{code}/{name}: a bad case must announce its findings"
                ));
            }
            if got != expected {
                failures.push(format!(
                    "{code}/{name}:\n  expected {expected:?}\n  got      {got:?}"
                ));
            }
            insta::with_settings!({snapshot_path => root().join("testdata/rules/snapshots"), prepend_module_to_snapshot => false}, {
                insta::assert_snapshot!(format!("{code}-{name}"), text);
            });
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

#[test]
fn every_rule_has_a_bad_and_a_good_fixture() {
    let mut missing = Vec::new();
    for m in shiplint::rules::metas() {
        if NO_FIXTURE.iter().any(|(c, _)| *c == m.code) {
            continue;
        }
        let names: Vec<String> = cases(m.code)
            .iter()
            .map(|p| p.file_name().unwrap().to_string_lossy().to_string())
            .collect();
        if !names.iter().any(|n| n.starts_with("bad")) {
            missing.push(format!("{}: no bad* fixture", m.code));
        }
        if !names.iter().any(|n| n.starts_with("good")) {
            missing.push(format!("{}: no good* fixture", m.code));
        }
    }
    assert!(missing.is_empty(), "{missing:?}");
}

#[test]
fn fixture_folders_belong_to_existing_rules() {
    let codes: BTreeSet<&str> = shiplint::rules::metas().iter().map(|m| m.code).collect();
    for e in std::fs::read_dir(root().join("testdata/rules")).unwrap() {
        let name = e.unwrap().file_name().to_string_lossy().to_string();
        assert!(
            name == "snapshots" || codes.contains(name.as_str()),
            "testdata/rules/{name} names no rule"
        );
    }
}

/// A fenced code block of a rule's docs, with the file name its `title=` gives.
struct DocBlock {
    section: String,
    title: Option<String>,
    content: Vec<u8>,
    /// Marked `together`: one file of a multi-file example (a cross-file rule), checked with
    /// the other `together` blocks of its section as one project.
    together: bool,
}

fn doc_blocks(docs: &str) -> Vec<DocBlock> {
    let mut out = Vec::new();
    let mut section = String::new();
    let mut current: Option<(Option<String>, bool, bool, String)> = None;
    for line in docs.lines() {
        if let Some((title, escaped, together, mut body)) = current.take() {
            if line.trim_start().starts_with("```") {
                let content = if escaped {
                    unescape(&body)
                } else {
                    body.into_bytes()
                };
                out.push(DocBlock {
                    section: section.clone(),
                    title,
                    content,
                    together,
                });
            } else {
                body.push_str(line);
                body.push('\n');
                current = Some((title, escaped, together, body));
            }
            continue;
        }
        if let Some(h) = line.strip_prefix("## ") {
            section = h.trim().to_string();
        } else if let Some(info) = line.trim_start().strip_prefix("```") {
            let title = info
                .split_whitespace()
                .find_map(|w| w.strip_prefix("title="))
                .map(|t| t.trim_matches('"').to_string());
            let escaped = info.split_whitespace().any(|w| w == "escaped");
            let together = info.split_whitespace().any(|w| w == "together");
            current = Some((title, escaped, together, String::new()));
        }
    }
    out
}

/// Decodes `\xNN` escapes, for examples of bytes that are not text.
fn unescape(s: &str) -> Vec<u8> {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'\\' && b.get(i + 1) == Some(&b'x') && i + 3 < b.len() {
            if let Ok(v) = u8::from_str_radix(&s[i + 2..i + 4], 16) {
                out.push(v);
                i += 4;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    out
}

#[test]
fn documented_examples_trigger_and_fixes_are_clean() {
    let mut failures = Vec::new();
    for r in shiplint::rules::all() {
        let m = r.meta();
        let blocks = doc_blocks(&m.docs());
        // Blocks marked `together` form one project per section, checked once.
        let mut groups: Vec<(String, Vec<&DocBlock>)> = Vec::new();
        for block in blocks.iter().filter(|b| b.title.is_some()) {
            match groups
                .iter_mut()
                .find(|(s, g)| block.together && *s == block.section && g[0].together)
            {
                Some((_, g)) => g.push(block),
                None => groups.push((block.section.clone(), vec![block])),
            }
        }
        // A `together` fix is laid over the `together` example: it shows only what changes.
        let example: Vec<&DocBlock> = blocks
            .iter()
            .filter(|b| b.together && b.title.is_some() && b.section == "Example")
            .collect();
        for (_, mut group) in groups {
            let block = group[0];
            if block.together && block.section == "How to fix" {
                let kept: Vec<&DocBlock> = example
                    .iter()
                    .filter(|e| !group.iter().any(|f| f.title == e.title))
                    .copied()
                    .collect();
                group.splice(0..0, kept);
            }
            let title = group
                .iter()
                .filter_map(|b| b.title.clone())
                .collect::<Vec<_>>()
                .join(" + ");
            let dir = tempfile::tempdir().unwrap();
            for b in &group {
                let path = dir.path().join(b.title.as_deref().unwrap());
                std::fs::create_dir_all(path.parent().unwrap()).unwrap();
                std::fs::write(&path, &b.content).unwrap();
            }
            // Examples run with every rule on, as users run shiplint; only this rule's findings count.
            let (got, _) = run_case(dir.path(), shiplint::rules::all());
            let hits = got.iter().filter(|f| f.2 == m.code).count();
            match block.section.as_str() {
                "Example" if hits == 0 => {
                    failures.push(format!("{}: the Example `{title}` reports nothing", m.code))
                }
                "How to fix" if hits > 0 => failures.push(format!(
                    "{}: the fixed `{title}` still reports {got:?}",
                    m.code
                )),
                _ => {}
            }
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

#[test]
fn codes_are_unique_well_formed_and_match_their_family() {
    let metas = shiplint::rules::metas();
    let mut seen = BTreeSet::new();
    let code_re = regex::Regex::new(r"^[A-Z]{3}[0-9]{3}$").unwrap();
    for m in &metas {
        assert!(seen.insert(m.code), "duplicate code {}", m.code);
        assert!(code_re.is_match(m.code), "malformed code {}", m.code);
        assert!(
            m.code.starts_with(m.family.prefix()),
            "{} is not in family {:?}",
            m.code,
            m.family
        );
    }
}

#[test]
fn names_are_unique_kebab_case_and_name_the_problem() {
    let metas = shiplint::rules::metas();
    let mut seen = BTreeSet::new();
    let name_re = regex::Regex::new(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$").unwrap();
    for m in &metas {
        assert!(seen.insert(m.name), "duplicate name {}", m.name);
        assert!(name_re.is_match(m.name), "{} is not kebab-case", m.name);
        for banned in ["avoid-", "use-", "prefer-", "no-", "check-", "ensure-"] {
            assert!(
                !m.name.starts_with(banned),
                "{}: name the problem, not the advice",
                m.name
            );
        }
    }
}

#[test]
fn every_rule_documents_the_four_sections_in_order() {
    for m in shiplint::rules::metas() {
        let docs = m.docs();
        let headings: Vec<&str> = docs.lines().filter(|l| l.starts_with("## ")).collect();
        assert_eq!(
            headings,
            [
                "## What it does",
                "## Why it matters",
                "## Example",
                "## How to fix"
            ],
            "{}",
            m.code
        );
        assert!(!m.summary().is_empty(), "{}: empty summary", m.code);
    }
}

#[test]
fn every_rule_file_declares_one_registered_rule() {
    let mut declared = 0;
    for family in std::fs::read_dir(root().join("rules")).unwrap() {
        let family = family.unwrap().path();
        if !family.is_dir() || family.ends_with("data") {
            continue;
        }
        for file in std::fs::read_dir(&family).unwrap() {
            let file = file.unwrap().path();
            if file.file_name().unwrap() == "mod.rs" {
                continue;
            }
            let text = std::fs::read_to_string(&file).unwrap();
            let n = text.matches("declare_rule!").count();
            assert_eq!(n, 1, "{} must declare exactly one rule", file.display());
            declared += 1;
        }
    }
    assert_eq!(
        declared,
        shiplint::rules::metas().len(),
        "a rule file is not registered"
    );
}

#[test]
fn every_rule_snapshot_belongs_to_a_bad_case() {
    let dir = root().join("testdata/rules/snapshots");
    let mut orphans = Vec::new();
    for e in std::fs::read_dir(&dir).unwrap() {
        let name = e.unwrap().file_name().to_string_lossy().to_string();
        let Some(stem) = name.strip_suffix(".snap") else {
            orphans.push(name);
            continue;
        };
        let (code, case) = stem.split_at(6);
        let case = case.trim_start_matches('-');
        if !case.starts_with("bad") || !root().join("testdata/rules").join(code).join(case).is_dir()
        {
            orphans.push(name);
        }
    }
    assert!(
        orphans.is_empty(),
        "snapshots without a bad case (delete them): {orphans:?}"
    );
}
