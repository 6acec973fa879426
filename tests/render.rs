//! The output formats, rendered from a hand-built project: a production compose file and a
//! production `.env` file that share a secret.

use std::path::PathBuf;

use serde_json::Value;
use shiplint::diagnostic::{Applicability, Diagnostic, Edit, Family, Fix, Severity};
use shiplint::kind::{Environment, FileKind};
use shiplint::parse::Model;
use shiplint::project::{ParsedFile, Project};
use shiplint::render::{render, Format, RenderOptions, Report};
use shiplint::rule::{RuleMeta, Scope};
use shiplint::source::{FileId, SourceFile, Span};

const SECRET: &str = "s3cr3t-Pa55w0rd-value";

const ENV_TEXT: &str = "\
# production settings
SECRET_KEY=s3cr3t-Pa55w0rd-value
DATABASE_URL=postgres://app:s3cr3t-Pa55w0rd-value@db:5432/app
";

const COMPOSE_TEXT: &str = "\
services:
  web:
    image: \"équipe/app:latest\"
    environment:
      SECRET_KEY: ${SECRET_KEY:-s3cr3t-Pa55w0rd-value}
      DEBUG: \"True\"
    healthcheck:
      test: [\"CMD\", \"curl\", \"-f\",
             \"http://localhost:8000/health\"]
";

const ENV: FileId = 0;
const COMPOSE: FileId = 1;

static FALLBACK_SECRET: RuleMeta = RuleMeta {
    code: "CMP001",
    name: "fallback-secret",
    family: Family::Compose,
    default_severity: Severity::Error,
    scope: Scope::DEPLOYED,
    raw_docs: " ## What it does\n Flags `${VAR:-default}` fallbacks for secrets.\n\n \
               ## Why it matters\n An unset variable silently deploys a known secret.\n\n \
               ## How to fix\n Use `${VAR:?message}`.\n",
    options: &[],
};

static DEBUG_ENABLED: RuleMeta = RuleMeta {
    code: "CMP002",
    name: "debug-enabled",
    family: Family::Compose,
    default_severity: Severity::Error,
    scope: Scope::DEPLOYED,
    raw_docs: " ## What it does\n Flags `DEBUG` switched on in deployed environments.\n",
    options: &[],
};

static UNPINNED_IMAGE: RuleMeta = RuleMeta {
    code: "CMP004",
    name: "unpinned-image",
    family: Family::Compose,
    default_severity: Severity::Info,
    scope: Scope::ALL,
    raw_docs: " ## What it does\n Flags images on a mutable tag.\n",
    options: &[],
};

static HEALTHCHECK_TOOL: RuleMeta = RuleMeta {
    code: "CMP005",
    name: "healthcheck-tool-missing",
    family: Family::Compose,
    default_severity: Severity::Warning,
    scope: Scope::ALL,
    raw_docs: " ## What it does\n Flags health checks that call a tool the image lacks.\n",
    options: &[],
};

static PASSWORD_IN_URL: RuleMeta = RuleMeta {
    code: "ENV002",
    name: "password-in-url",
    family: Family::Env,
    default_severity: Severity::Warning,
    scope: Scope::ALL,
    raw_docs: " ## What it does\n Flags connection URLs that embed a password.\n",
    options: &[],
};

/// ENV003 is left out on purpose: a finding of a rule missing from the list must still render.
static RULES: &[&RuleMeta] = &[
    &FALLBACK_SECRET,
    &DEBUG_ENABLED,
    &UNPINNED_IMAGE,
    &HEALTHCHECK_TOOL,
    &PASSWORD_IN_URL,
];

fn parsed(id: FileId, path: &str, kind: FileKind, text: &str) -> ParsedFile {
    ParsedFile::new(
        id,
        SourceFile::new(
            PathBuf::from(path),
            path.to_string(),
            kind,
            Environment::Production,
            text.to_string(),
        ),
        Model::Text,
    )
}

/// The span of the `nth` occurrence of `needle` in `text`, moved by `shift` bytes.
fn find(text: &str, needle: &str, nth: usize) -> Span {
    let start = text
        .match_indices(needle)
        .nth(nth)
        .unwrap_or_else(|| panic!("{needle:?} not in fixture"))
        .0;
    Span::new(start, start + needle.len())
}

fn diagnostic(
    code: &'static str,
    name: &'static str,
    severity: Severity,
    file: FileId,
    span: Span,
    message: &str,
) -> Diagnostic {
    Diagnostic {
        code,
        name,
        family: if code.starts_with("ENV") {
            Family::Env
        } else {
            Family::Compose
        },
        severity,
        message: message.to_string(),
        help: None,
        file,
        span,
        related: Vec::new(),
        fix: None,
        sensitive: Vec::new(),
    }
}

/// The project with `prefix` inserted at the top of the compose file, and its findings sorted
/// by path, line, column and code.
fn fixture_with_compose_prefix(prefix: &str) -> (Project, Vec<Diagnostic>) {
    let compose = format!("{prefix}{COMPOSE_TEXT}");
    let shift = prefix.len();
    let at = |needle: &str, nth: usize| find(COMPOSE_TEXT, needle, nth).shift(shift);
    let project = Project::new(
        PathBuf::from("."),
        vec![
            parsed(ENV, ".env.production", FileKind::Env, ENV_TEXT),
            parsed(
                COMPOSE,
                "deploy/docker-compose.prod.yml",
                FileKind::Compose,
                &compose,
            ),
        ],
    );

    let mut diagnostics = Vec::new();

    let mut d = diagnostic(
        "ENV002",
        "password-in-url",
        Severity::Warning,
        ENV,
        find(
            ENV_TEXT,
            "postgres://app:s3cr3t-Pa55w0rd-value@db:5432/app",
            0,
        ),
        "DATABASE_URL embeds a password (s3…ue)",
    );
    d.help("move the password to DATABASE_PASSWORD")
        .sensitive(ENV, find(ENV_TEXT, SECRET, 1));
    diagnostics.push(d);

    // Shows the same line as ENV002 without marking the password: it must be masked anyway.
    diagnostics.push(diagnostic(
        "ENV003",
        "database-without-tls",
        Severity::Info,
        ENV,
        find(ENV_TEXT, "db:5432", 0),
        "DATABASE_URL connects to db without sslmode=require",
    ));

    diagnostics.push(diagnostic(
        "CMP004",
        "unpinned-image",
        Severity::Info,
        COMPOSE,
        at("latest", 0),
        "image équipe/app uses the mutable tag latest",
    ));

    let mut d = diagnostic(
        "CMP001",
        "fallback-secret",
        Severity::Error,
        COMPOSE,
        at("${SECRET_KEY:-s3cr3t-Pa55w0rd-value}", 0),
        "SECRET_KEY falls back to a hard-coded value (s3…ue) when the variable is unset",
    );
    d.help("use ${SECRET_KEY:?SECRET_KEY is required} so the deploy fails instead")
        .related(
            ENV,
            find(ENV_TEXT, "SECRET_KEY", 0),
            "SECRET_KEY is set here",
        )
        .sensitive(COMPOSE, at(SECRET, 0))
        .sensitive(ENV, find(ENV_TEXT, SECRET, 0));
    diagnostics.push(d);

    let mut d = diagnostic(
        "CMP002",
        "debug-enabled",
        Severity::Error,
        COMPOSE,
        at("\"True\"", 0),
        "DEBUG is \"True\" in a production compose file",
    );
    d.help("turn DEBUG off in production").fix(Fix {
        message: "set DEBUG to \"False\"".to_string(),
        applicability: Applicability::Safe,
        edits: vec![Edit {
            file: COMPOSE,
            span: at("\"True\"", 0),
            content: "\"False\"".to_string(),
        }],
    });
    diagnostics.push(d);

    let start = at("[\"CMD\"", 0).start;
    let end = at("/health\"]", 0).end;
    let mut d = diagnostic(
        "CMP005",
        "healthcheck-tool-missing",
        Severity::Warning,
        COMPOSE,
        Span::new(start, end),
        "healthcheck runs curl, which the image may lack: 100% of probes would fail",
    );
    d.help("install curl in the image\nor probe with python -c")
        .related(COMPOSE, at("healthcheck", 0), "health check declared here");
    diagnostics.push(d);

    (project, diagnostics)
}

fn fixture() -> (Project, Vec<Diagnostic>) {
    fixture_with_compose_prefix("")
}

fn output(
    format: Format,
    project: &Project,
    diagnostics: &[Diagnostic],
    options: RenderOptions,
) -> String {
    let report = Report {
        project,
        diagnostics,
        rules: RULES,
        files_checked: 3,
    };
    let mut out = Vec::new();
    render(format, &report, &options, &mut out).expect("rendering to a Vec cannot fail");
    String::from_utf8(out).expect("output is UTF-8")
}

fn plain(format: Format) -> String {
    let (project, diagnostics) = fixture();
    output(format, &project, &diagnostics, RenderOptions::default())
}

fn json(project: &Project, diagnostics: &[Diagnostic]) -> Value {
    let text = output(Format::Json, project, diagnostics, RenderOptions::default());
    serde_json::from_str(&text).expect("valid JSON")
}

fn keys(value: &Value) -> Vec<&str> {
    let mut keys: Vec<&str> = value
        .as_object()
        .expect("an object")
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort_unstable();
    keys
}

fn sorted(mut keys: Vec<&str>) -> Vec<&str> {
    keys.sort_unstable();
    keys
}

const FORMATS: [Format; 4] = [Format::Text, Format::Json, Format::Sarif, Format::Github];

// ---------------------------------------------------------------------------------------------
// Snapshots

#[test]
fn text_output_snapshot() {
    insta::assert_snapshot!(plain(Format::Text));
}

#[test]
fn json_output_snapshot() {
    insta::assert_snapshot!(plain(Format::Json));
}

#[test]
fn sarif_output_snapshot() {
    insta::assert_snapshot!(plain(Format::Sarif));
}

#[test]
fn github_output_snapshot() {
    insta::assert_snapshot!(plain(Format::Github));
}

// ---------------------------------------------------------------------------------------------
// JSON

#[test]
fn json_has_exactly_the_documented_keys() {
    let (project, diagnostics) = fixture();
    let doc = json(&project, &diagnostics);
    assert_eq!(
        keys(&doc),
        sorted(vec![
            "version",
            "tool",
            "files_checked",
            "diagnostics",
            "summary"
        ])
    );
    assert_eq!(doc["version"], 1);
    assert_eq!(doc["tool"]["name"], "shiplint");
    assert_eq!(doc["tool"]["version"], shiplint::VERSION);
    assert_eq!(keys(&doc["tool"]), vec!["name", "version"]);
    assert_eq!(doc["files_checked"], 3);
    assert_eq!(
        keys(&doc["summary"]),
        sorted(vec!["errors", "warnings", "infos"])
    );
    assert_eq!(doc["summary"]["errors"], 2);
    assert_eq!(doc["summary"]["warnings"], 2);
    assert_eq!(doc["summary"]["infos"], 2);

    let all = doc["diagnostics"].as_array().expect("an array");
    assert_eq!(all.len(), diagnostics.len());
    for d in all {
        assert_eq!(
            keys(d),
            sorted(vec![
                "code",
                "name",
                "family",
                "severity",
                "message",
                "help",
                "url",
                "path",
                "environment",
                "span",
                "related",
                "fix",
            ])
        );
        assert_eq!(keys(&d["span"]), vec!["end", "start"]);
        assert_eq!(keys(&d["span"]["start"]), vec!["column", "line", "offset"]);
        for r in d["related"].as_array().expect("an array") {
            assert_eq!(keys(r), vec!["message", "path", "span"]);
        }
        if !d["fix"].is_null() {
            assert_eq!(keys(&d["fix"]), vec!["applicability", "edits", "message"]);
            for e in d["fix"]["edits"].as_array().expect("an array") {
                assert_eq!(keys(e), vec!["content", "path", "span"]);
            }
        }
    }
}

#[test]
fn json_fields_carry_the_diagnostic_and_its_file() {
    let (project, diagnostics) = fixture();
    let doc = json(&project, &diagnostics);
    let d = &doc["diagnostics"][3];
    assert_eq!(d["code"], "CMP001");
    assert_eq!(d["name"], "fallback-secret");
    assert_eq!(d["family"], "compose");
    assert_eq!(d["severity"], "error");
    assert_eq!(
        d["url"],
        "https://github.com/shiplint/shiplint/blob/main/docs/rules/CMP001.md"
    );
    assert_eq!(d["path"], "deploy/docker-compose.prod.yml");
    assert_eq!(d["environment"], "production");
    assert_eq!(d["fix"], Value::Null);
    assert_eq!(doc["diagnostics"][2]["help"], Value::Null);
    assert_eq!(doc["diagnostics"][2]["severity"], "info");

    let fix = &doc["diagnostics"][4]["fix"];
    assert_eq!(fix["message"], "set DEBUG to \"False\"");
    assert_eq!(fix["applicability"], "safe");
    assert_eq!(fix["edits"][0]["path"], "deploy/docker-compose.prod.yml");
    assert_eq!(fix["edits"][0]["content"], "\"False\"");
}

fn point(value: &Value) -> (u64, u64, u64) {
    (
        value["line"].as_u64().expect("line"),
        value["column"].as_u64().expect("column"),
        value["offset"].as_u64().expect("offset"),
    )
}

#[test]
fn json_positions_are_one_based_columns_in_characters_offsets_in_bytes() {
    let (project, diagnostics) = fixture();
    let doc = json(&project, &diagnostics);

    // `    image: "équipe/app:latest"`: `é` is one column but two bytes.
    let image = &doc["diagnostics"][2]["span"];
    assert_eq!(point(&image["start"]), (3, 24, 41));
    assert_eq!(point(&image["end"]), (3, 30, 47));

    let fallback = &doc["diagnostics"][3];
    assert_eq!(point(&fallback["span"]["start"]), (5, 19, 84));
    assert_eq!(point(&fallback["span"]["end"]), (5, 55, 120));
    let related = &fallback["related"][0];
    assert_eq!(related["path"], ".env.production");
    assert_eq!(related["message"], "SECRET_KEY is set here");
    assert_eq!(point(&related["span"]["start"]), (2, 1, 22));
    assert_eq!(point(&related["span"]["end"]), (2, 11, 32));

    // A span over two lines, ending after the `]`.
    let healthcheck = &doc["diagnostics"][5]["span"];
    assert_eq!(point(&healthcheck["start"]), (8, 13, 170));
    assert_eq!(point(&healthcheck["end"]), (9, 45, 236));

    let fix = &doc["diagnostics"][4]["fix"]["edits"][0]["span"];
    assert_eq!(point(&fix["start"]), (6, 14, 134));
    assert_eq!(point(&fix["end"]), (6, 20, 140));
}

#[test]
fn json_for_a_clean_run_still_prints_the_document_with_no_diagnostics() {
    let (project, _) = fixture();
    let text = output(Format::Json, &project, &[], RenderOptions::default());
    assert!(text.contains("\"diagnostics\": []"), "{text}");
    assert!(text.ends_with("}\n"));
    let doc: Value = serde_json::from_str(&text).expect("valid JSON");
    assert_eq!(doc["files_checked"], 3);
    assert_eq!(doc["summary"]["errors"], 0);
    assert_eq!(doc["summary"]["warnings"], 0);
    assert_eq!(doc["summary"]["infos"], 0);
}

#[test]
fn json_is_pretty_printed_with_two_space_indentation() {
    let text = plain(Format::Json);
    assert!(
        text.starts_with("{\n  \"version\": 1,\n  \"tool\": {\n    \"name\""),
        "{text}"
    );
}

// ---------------------------------------------------------------------------------------------
// Secrets

#[test]
fn no_format_prints_a_sensitive_value() {
    let (project, diagnostics) = fixture();
    for format in FORMATS {
        for color in [false, true] {
            let options = RenderOptions {
                color,
                quiet: false,
            };
            let text = output(format, &project, &diagnostics, options);
            assert!(
                !text.contains(SECRET),
                "{format:?} leaks the secret:\n{text}"
            );
            assert!(
                !text.contains("Pa55w0rd"),
                "{format:?} leaks part of the secret"
            );
        }
    }
}

#[test]
fn text_masks_a_secret_on_a_shown_line_even_when_another_finding_marked_it() {
    let text = plain(Format::Text);
    // ENV003 shows line 3 of the .env file and marks nothing; ENV002 marked the password.
    let masked = format!("postgres://app:{}@db:5432/app", "*".repeat(SECRET.len()));
    assert!(text.contains(&masked), "{text}");
}

#[test]
fn text_shows_only_the_lines_labels_cover() {
    let text = plain(Format::Text);
    for unlabelled in [
        "services:",
        "  web:",
        "environment:",
        "# production settings",
    ] {
        assert!(!text.contains(unlabelled), "{unlabelled:?} shown:\n{text}");
    }
}

#[test]
fn secrets_quoted_by_mistake_in_free_text_are_redacted() {
    let (project, _) = fixture();
    let span = find(ENV_TEXT, SECRET, 0);
    let mut d = diagnostic(
        "ENV002",
        "password-in-url",
        Severity::Warning,
        ENV,
        span,
        &format!("SECRET_KEY is {SECRET}"),
    );
    d.help(format!("rotate {SECRET}"))
        .related(ENV, span, format!("{SECRET} here"))
        .sensitive(ENV, span);
    for format in FORMATS {
        let text = output(
            format,
            &project,
            std::slice::from_ref(&d),
            RenderOptions::default(),
        );
        assert!(!text.contains(SECRET), "{format:?}:\n{text}");
        assert!(text.contains("s3…ue"), "{format:?}:\n{text}");
    }
}

// ---------------------------------------------------------------------------------------------
// GitHub

#[test]
fn github_escapes_message_and_properties() {
    let (mut project, diagnostics) = fixture();
    project.files[COMPOSE].source.display_path = "deploy:a,b/compose.yml".to_string();
    let text = output(
        Format::Github,
        &project,
        &diagnostics,
        RenderOptions::default(),
    );
    let line = text
        .lines()
        .find(|l| l.contains("CMP005"))
        .expect("an annotation for CMP005");
    assert_eq!(
        line,
        "::warning file=deploy%3Aa%2Cb/compose.yml,line=8,endLine=9,\
         title=CMP005 healthcheck-tool-missing::healthcheck runs curl, which the image may lack: \
         100%25 of probes would fail%0Ainstall curl in the image%0Aor probe with python -c"
    );
}

#[test]
fn github_gives_columns_only_for_single_line_spans() {
    let text = plain(Format::Github);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines.len(),
        6,
        "one line per finding, nothing else:\n{text}"
    );
    let fallback = lines.iter().find(|l| l.contains("CMP001")).expect("CMP001");
    assert!(
        fallback.starts_with(
            "::error file=deploy/docker-compose.prod.yml,line=5,endLine=5,col=19,endColumn=55,\
             title=CMP001 fallback-secret::"
        ),
        "{fallback}"
    );
    let multi = lines.iter().find(|l| l.contains("CMP005")).expect("CMP005");
    assert!(!multi.contains("col="), "{multi}");
    assert!(!multi.contains("endColumn="), "{multi}");
    assert!(lines
        .iter()
        .any(|l| l.starts_with("::notice file=.env.production,line=3,")));
}

#[test]
fn github_carriage_return_is_escaped() {
    let (project, _) = fixture();
    let d = diagnostic(
        "ENV003",
        "database-without-tls",
        Severity::Info,
        ENV,
        find(ENV_TEXT, "db", 0),
        "a\r\nb",
    );
    let text = output(Format::Github, &project, &[d], RenderOptions::default());
    assert!(text.ends_with("::a%0D%0Ab\n"), "{text}");
}

// ---------------------------------------------------------------------------------------------
// SARIF

fn sarif(project: &Project, diagnostics: &[Diagnostic]) -> Value {
    let text = output(
        Format::Sarif,
        project,
        diagnostics,
        RenderOptions::default(),
    );
    serde_json::from_str(&text).expect("valid JSON")
}

fn fingerprint(doc: &Value, index: usize) -> String {
    doc["runs"][0]["results"][index]["partialFingerprints"]["shiplint/v1"]
        .as_str()
        .expect("a fingerprint")
        .to_string()
}

#[test]
fn sarif_fingerprint_survives_lines_inserted_above() {
    let (project, diagnostics) = fixture();
    let before = sarif(&project, &diagnostics);
    let (shifted_project, shifted) = fixture_with_compose_prefix("# one\n# two\n# three\n");
    let after = sarif(&shifted_project, &shifted);
    for i in 0..diagnostics.len() {
        assert_eq!(
            fingerprint(&before, i),
            fingerprint(&after, i),
            "result {i}"
        );
    }
    let region = |doc: &Value| {
        doc["runs"][0]["results"][3]["locations"][0]["physicalLocation"]["region"]["startLine"]
            .as_u64()
            .expect("startLine")
    };
    assert_eq!(region(&before), 5);
    assert_eq!(region(&after), 8);
}

#[test]
fn sarif_fingerprint_differs_for_another_rule_or_another_occurrence() {
    let (project, diagnostics) = fixture();
    let mut other_rule = diagnostics[3].clone();
    other_rule.code = "CMP009";
    let twice = vec![diagnostics[3].clone(), diagnostics[3].clone(), other_rule];
    let doc = sarif(&project, &twice);
    let fingerprints: Vec<String> = (0..3).map(|i| fingerprint(&doc, i)).collect();
    assert_ne!(fingerprints[0], fingerprints[1], "occurrences must differ");
    assert_ne!(fingerprints[0], fingerprints[2], "rules must differ");
    assert_ne!(fingerprints[1], fingerprints[2]);
    assert!(fingerprints
        .iter()
        .all(|f| f.len() == 16 && f.chars().all(|c| c.is_ascii_hexdigit())));

    let base = sarif(&project, &diagnostics);
    assert_eq!(fingerprint(&base, 3), fingerprints[0]);
}

#[test]
fn sarif_regions_and_rules() {
    let (project, diagnostics) = fixture();
    let doc = sarif(&project, &diagnostics);
    assert_eq!(doc["version"], "2.1.0");
    assert!(doc["$schema"]
        .as_str()
        .expect("$schema")
        .contains("sarif-2.1.0"));
    let run = &doc["runs"][0];
    assert_eq!(run["columnKind"], "unicodeCodePoints");
    let driver = &run["tool"]["driver"];
    assert_eq!(driver["name"], "shiplint");
    assert_eq!(driver["version"], shiplint::VERSION);

    let rules = driver["rules"].as_array().expect("rules");
    let fallback = &rules[0];
    assert_eq!(fallback["id"], "CMP001");
    assert_eq!(fallback["name"], "fallback-secret");
    assert_eq!(
        fallback["shortDescription"]["text"],
        "Flags `${VAR:-default}` fallbacks for secrets."
    );
    assert_eq!(fallback["help"]["markdown"], FALLBACK_SECRET.docs());
    assert_eq!(fallback["helpUri"], FALLBACK_SECRET.url());
    assert_eq!(fallback["defaultConfiguration"]["level"], "error");
    assert_eq!(rules[2]["defaultConfiguration"]["level"], "note");

    let results = run["results"].as_array().expect("results");
    for result in results {
        let index = result["ruleIndex"].as_u64().expect("ruleIndex") as usize;
        assert_eq!(rules[index]["id"], result["ruleId"]);
    }
    let levels: Vec<&str> = results
        .iter()
        .map(|r| r["level"].as_str().unwrap())
        .collect();
    assert_eq!(
        levels,
        ["warning", "note", "note", "error", "error", "warning"]
    );

    // `é` precedes the span: characters, not bytes.
    let image = &results[2]["locations"][0]["physicalLocation"];
    assert_eq!(
        image["artifactLocation"]["uri"],
        "deploy/docker-compose.prod.yml"
    );
    let region = &image["region"];
    assert_eq!(region["startLine"], 3);
    assert_eq!(region["startColumn"], 24);
    assert_eq!(region["endLine"], 3);
    assert_eq!(region["endColumn"], 30);
    assert_eq!(region["charOffset"], 40);
    assert_eq!(region["charLength"], 6);

    let fallback = &results[3];
    assert_eq!(
        fallback["message"]["text"],
        "SECRET_KEY falls back to a hard-coded value (s3…ue) when the variable is unset\n\
         help: use ${SECRET_KEY:?SECRET_KEY is required} so the deploy fails instead"
    );
    let related = &fallback["relatedLocations"][0];
    assert_eq!(related["message"]["text"], "SECRET_KEY is set here");
    assert_eq!(
        related["physicalLocation"]["artifactLocation"]["uri"],
        ".env.production"
    );
    assert_eq!(related["physicalLocation"]["region"]["startLine"], 2);
}

// ---------------------------------------------------------------------------------------------
// Text

#[test]
fn text_without_color_has_no_escape_sequences() {
    let text = plain(Format::Text);
    assert!(!text.contains('\u{1b}'));
    let (project, diagnostics) = fixture();
    let colored = output(
        Format::Text,
        &project,
        &diagnostics,
        RenderOptions {
            color: true,
            quiet: false,
        },
    );
    assert!(colored.contains('\u{1b}'), "color was asked for");
}

#[test]
fn text_names_the_finding_its_location_help_and_fix() {
    let text = plain(Format::Text);
    assert!(text.contains(
        "error[CMP001 fallback-secret]: SECRET_KEY falls back to a hard-coded value (s3…ue)"
    ));
    assert!(
        text.contains("[deploy/docker-compose.prod.yml:5:19]"),
        "{text}"
    );
    assert!(
        text.contains("[deploy/docker-compose.prod.yml:3:24]"),
        "{text}"
    );
    assert!(text.contains("help: turn DEBUG off in production"));
    assert!(text.contains("note: .env.production:2:1: SECRET_KEY is set here"));
    assert!(text.contains("fix: set DEBUG to \"False\" (safe)"));
    assert!(text.contains("health check declared here"));
}

fn summary(diagnostics: &[Diagnostic], files_checked: usize, quiet: bool) -> String {
    let (project, _) = fixture();
    let report = Report {
        project: &project,
        diagnostics,
        rules: RULES,
        files_checked,
    };
    let mut out = Vec::new();
    let options = RenderOptions {
        color: false,
        quiet,
    };
    render(Format::Text, &report, &options, &mut out).expect("render");
    String::from_utf8(out).expect("UTF-8")
}

#[test]
fn text_summary_counts_with_singular_and_plural() {
    let (_, diagnostics) = fixture();
    assert!(summary(&diagnostics, 3, false)
        .ends_with("\nFound 2 errors, 2 warnings, 2 infos in 3 files checked.\n"));
    let one_each = [&diagnostics[0], &diagnostics[1], &diagnostics[3]].map(Clone::clone);
    assert!(summary(&one_each, 1, false)
        .ends_with("\nFound 1 error, 1 warning, 1 info in 1 file checked.\n"));
    assert!(summary(&diagnostics[2..3], 2, false)
        .ends_with("\nFound 0 errors, 0 warnings, 1 info in 2 files checked.\n"));
}

#[test]
fn text_for_a_clean_run_says_all_checks_passed() {
    assert_eq!(
        summary(&[], 3, false),
        "All checks passed: 3 files checked.\n"
    );
    assert_eq!(
        summary(&[], 1, false),
        "All checks passed: 1 file checked.\n"
    );
}

#[test]
fn quiet_text_has_no_summary_line() {
    let (_, diagnostics) = fixture();
    let text = summary(&diagnostics, 3, true);
    assert!(!text.contains("Found"), "{text}");
    assert!(text.contains("CMP001"));
    assert_eq!(summary(&[], 3, true), "");
}

#[test]
fn every_format_is_deterministic() {
    for format in FORMATS {
        assert_eq!(plain(format), plain(format));
    }
}

#[test]
fn text_renders_spans_at_the_edges_of_a_file() {
    let project = Project::new(
        PathBuf::from("."),
        vec![
            parsed(0, "empty.env", FileKind::Env, ""),
            parsed(1, "crlf.env", FileKind::Env, "A=1\r\nB=2"),
        ],
    );
    let diagnostics = vec![
        diagnostic(
            "SHL001",
            "empty",
            Severity::Info,
            0,
            Span::empty(0),
            "empty file",
        ),
        diagnostic(
            "SHL002",
            "eof",
            Severity::Info,
            1,
            Span::empty(8),
            "at the end",
        ),
        diagnostic(
            "SHL003",
            "newline",
            Severity::Info,
            1,
            Span::new(3, 5),
            "line break",
        ),
        diagnostic(
            "SHL004",
            "outside",
            Severity::Info,
            1,
            Span::new(7, 99),
            "past the end",
        ),
    ];
    for format in FORMATS {
        let text = output(format, &project, &diagnostics, RenderOptions::default());
        assert!(!text.is_empty());
    }
    let text = output(
        Format::Text,
        &project,
        &diagnostics,
        RenderOptions::default(),
    );
    insta::assert_snapshot!(text);
}
