//! Engine guarantees that no fixture can show: a rule that panics is contained.

use shiplint::config::Config;
use shiplint::engine::{self, RunOptions};
use shiplint::project::ParsedFile;
use shiplint::rule::{Ctx, Rule, RuleInfo};

shiplint::declare_rule! {
    /// ## What it does
    /// Panics on files whose name contains `boom`, to test containment.
    ///
    /// ## Why it matters
    /// Test only.
    ///
    /// ## Example
    /// None.
    ///
    /// ## How to fix
    /// None.
    pub struct Explodes {
        code: "PRJ999",
        name: "explodes",
        family: Project,
        severity: Error,
        scope: ALL,
    }
}

impl Rule for Explodes {
    fn check_file(&self, file: &ParsedFile, ctx: &mut Ctx<'_>) {
        if file.source.display_path.contains("boom") {
            panic!("kaboom at {}", file.source.display_path);
        }
        ctx.report(file.id, shiplint::source::Span::empty(0), "reached");
    }
}

#[test]
fn a_panicking_rule_becomes_an_internal_error_and_the_run_continues() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("boom.env"), "A=1\n").unwrap();
    std::fs::write(
        dir.path().join("docker-compose.prod.yml"),
        "services:\n  web:\n    environment:\n      SECRET_KEY: ${SECRET_KEY:-x1}\n",
    )
    .unwrap();
    let fallback = shiplint::rules::all()
        .into_iter()
        .find(|r| r.meta().code == "CMP001")
        .unwrap();
    let internal = shiplint::rules::all()
        .into_iter()
        .find(|r| r.meta().code == "SHL006")
        .unwrap();
    let options = RunOptions {
        paths: vec![dir.path().to_path_buf()],
        stdin: None,
        config: Config::default(),
        rules: vec![&Explodes, fallback, internal],
        size_limit: engine::DEFAULT_SIZE_LIMIT,
        cwd: dir.path().to_path_buf(),
    };
    let outcome = engine::run(&options).unwrap();
    let got: Vec<(String, &str, String)> = outcome
        .diagnostics
        .iter()
        .map(|d| {
            (
                outcome.project.file(d.file).source.display_path.clone(),
                d.code,
                d.message.clone(),
            )
        })
        .collect();
    assert!(
        got.iter().any(|(p, c, m)| p == "boom.env"
            && *c == "SHL006"
            && m.contains("PRJ999")
            && m.contains("kaboom")),
        "{got:?}"
    );
    assert!(got
        .iter()
        .any(|(p, c, _)| p == "docker-compose.prod.yml" && *c == "CMP001"));
    assert!(got
        .iter()
        .any(|(p, c, _)| p == "docker-compose.prod.yml" && *c == "PRJ999"));
    assert_eq!(Explodes.meta().code, "PRJ999");
}
