//! Inline suppression comments.
//!
//! `# shiplint: ignore[CMP001] reason` silences the listed rules on its line when it trails
//! content, or on its own line and the next non-blank line when it stands alone (several such
//! comments may be stacked above one line). `# shiplint: ignore-file[CMP001] reason` silences
//! them in the whole file. Codes and rule names are accepted, comma-separated; the reason is
//! free text. The marker follows the file kind: `;` in PgBouncer files (`#` is also a comment
//! in `pgbouncer.ini`).
//!
//! A listed rule that silences nothing is reported with the `unused` rule, and a comment that
//! cannot be understood with the `invalid` rule; neither of those findings can be suppressed.
//!
//! Some formats only have whole-line comments: in a Dockerfile, a `.dockerignore`, a
//! `.gitignore` and `pgbouncer.ini`, text after content is part of the content (pgbouncer reads
//! `md5 ; note` as the value). There a trailing suppression is reported as invalid rather than
//! honoured, since keeping it would change what the file means.

use std::collections::BTreeMap;

use crate::diagnostic::Diagnostic;
use crate::kind::FileKind;
use crate::project::{ParsedFile, Project};
use crate::rule::RuleMeta;
use crate::source::{FileId, Span};

const TAG: &str = "shiplint:";

/// Removes the findings that suppression comments silence, and adds a finding for each
/// suppression that silences nothing (`unused`) and each comment that cannot be understood
/// (`invalid`). `rules` is every known rule: codes and names in comments are resolved against it.
pub fn apply(
    project: &Project,
    diagnostics: Vec<Diagnostic>,
    unused: &'static RuleMeta,
    invalid: &'static RuleMeta,
    rules: &[&'static RuleMeta],
    enabled: &[&'static RuleMeta],
) -> Vec<Diagnostic> {
    let mut reports = Reports {
        unused,
        invalid,
        out: Vec::new(),
    };
    let mut by_file: BTreeMap<FileId, Vec<Suppression>> = BTreeMap::new();
    for file in project.files() {
        if !file.reported || file.source.kind.comment_marker().is_none() {
            continue;
        }
        // Most files hold no suppression at all: one substring search settles them.
        if !file.source.text.contains(TAG) {
            continue;
        }
        let suppressions = scan(file, rules, &mut reports);
        if !suppressions.is_empty() {
            by_file.insert(file.id, suppressions);
        }
    }
    if by_file.is_empty() && reports.out.is_empty() {
        return diagnostics;
    }

    let mut kept = Vec::with_capacity(diagnostics.len() + reports.out.len());
    for diagnostic in diagnostics {
        // No entry holds the `unused` or `invalid` code (a comment listing them is itself
        // invalid), so their findings are never silenced.
        let Some(entries) = by_file.get_mut(&diagnostic.file) else {
            kept.push(diagnostic);
            continue;
        };
        let line = project
            .file(diagnostic.file)
            .source
            .lines
            .line_of(diagnostic.span.start);
        let mut suppressed = false;
        for entry in entries.iter_mut() {
            if entry.meta.code == diagnostic.code && entry.covers(line) {
                entry.used = true;
                suppressed = true;
            }
        }
        if !suppressed {
            kept.push(diagnostic);
        }
    }

    for (&file, entries) in &by_file {
        let source = &project.file(file).source;
        // A suppression of a rule that did not run this time cannot be judged unused.
        let ran = |code: &str| enabled.iter().any(|m| m.code == code);
        for entry in entries.iter().filter(|e| !e.used && ran(e.meta.code)) {
            let written = source.slice(entry.written);
            let help = if entry.siblings == 1 {
                "remove the suppression comment".to_string()
            } else {
                format!("remove `{written}` from the list")
            };
            reports.unused(
                file,
                entry.written,
                format!("suppression of {written} matches no finding"),
                help,
            );
        }
    }
    kept.append(&mut reports.out);
    kept
}

/// One rule listed in one suppression comment.
#[derive(Debug)]
struct Suppression {
    meta: &'static RuleMeta,
    /// The code or name as written inside the brackets.
    written: Span,
    /// How many rules the comment lists.
    siblings: usize,
    reach: Reach,
    used: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Reach {
    File,
    /// Zero-based lines: the comment's own, and for a comment alone on its line, the next
    /// non-blank line that is not itself a suppression comment.
    Lines(usize, Option<usize>),
}

impl Suppression {
    fn covers(&self, line: usize) -> bool {
        match self.reach {
            Reach::File => true,
            Reach::Lines(own, next) => line == own || next == Some(line),
        }
    }
}

/// Collects the `unused` and `invalid` findings.
struct Reports {
    unused: &'static RuleMeta,
    invalid: &'static RuleMeta,
    out: Vec<Diagnostic>,
}

impl Reports {
    fn unused(&mut self, file: FileId, span: Span, message: String, help: String) {
        let meta = self.unused;
        self.push(meta, file, span, message, help);
    }

    fn invalid(&mut self, file: FileId, span: Span, message: String, help: String) {
        let meta = self.invalid;
        self.push(meta, file, span, message, help);
    }

    fn push(
        &mut self,
        meta: &'static RuleMeta,
        file: FileId,
        span: Span,
        message: String,
        help: String,
    ) {
        self.out.push(Diagnostic {
            code: meta.code,
            name: meta.name,
            family: meta.family,
            severity: meta.default_severity,
            message,
            help: Some(help),
            file,
            span,
            related: Vec::new(),
            fix: None,
            sensitive: Vec::new(),
        });
    }
}

/// Which comments a file kind has.
struct Syntax {
    /// The marker to write, as shown in help texts.
    marker: char,
    /// Every character that starts a comment.
    markers: &'static [char],
    /// Whether a comment may follow content on the same line.
    trailing: bool,
}

fn syntax(kind: FileKind, marker: char) -> Syntax {
    match kind {
        // PgBouncer's ini reader skips lines starting with `;` or `#`; a value runs to the end
        // of its line.
        FileKind::PgbouncerIni => Syntax {
            marker,
            markers: &[';', '#'],
            trailing: false,
        },
        // PgBouncer's userlist reader skips lines starting with `;` and ignores the rest of a
        // line after the password; it stops reading at a line starting with `#`. `#` is listed
        // so that such a comment is reported rather than silently ignored.
        FileKind::PgbouncerUserlist => Syntax {
            marker,
            markers: &[';', '#'],
            trailing: true,
        },
        FileKind::Dockerfile | FileKind::Dockerignore | FileKind::Gitignore => Syntax {
            marker,
            markers: &['#'],
            trailing: false,
        },
        _ => Syntax {
            marker,
            markers: &['#'],
            trailing: true,
        },
    }
}

/// What reading one file's suppression comments needs.
struct Scanner<'a> {
    file: &'a ParsedFile,
    syntax: Syntax,
    rules: &'a [&'static RuleMeta],
    reports: &'a mut Reports,
}

/// A `shiplint:` directive found in a comment.
struct Directive<'t> {
    /// The comment, from its marker to the end of the line (trailing spaces excluded).
    comment: Span,
    marker: char,
    own_line: bool,
    /// The word after `shiplint:`.
    word: &'t str,
    /// Offset just after the word.
    after_word: usize,
}

/// Reads the suppression comments of one file, in one pass over its lines.
fn scan(file: &ParsedFile, rules: &[&'static RuleMeta], reports: &mut Reports) -> Vec<Suppression> {
    let text = file.source.text.as_str();
    let marker = file
        .source
        .kind
        .comment_marker()
        .and_then(|m| m.chars().next())
        .unwrap_or('#');
    let mut scanner = Scanner {
        file,
        syntax: syntax(file.source.kind, marker),
        rules,
        reports,
    };
    let mut suppressions = Vec::new();
    // Own-line suppressions waiting for the next line of content.
    let mut pending: Vec<usize> = Vec::new();
    let mut start = 0;
    for (line0, raw) in text.split_inclusive('\n').enumerate() {
        let line_start = start;
        start += raw.len();
        let line = raw.trim_end_matches(['\n', '\r']);
        let directive = if line.contains(TAG) {
            find_directive(line, line_start, line0 == 0, &scanner.syntax)
        } else {
            None
        };
        let read = directive.and_then(|d| {
            let found = read_directive(&mut scanner, &d, line, line_start, line0);
            found.map(|found| (d.own_line, found))
        });
        match read {
            Some((own_line, found)) => {
                let first = suppressions.len();
                suppressions.extend(found);
                if own_line {
                    // Stacked suppression comments all apply to the line below them.
                    pending.extend(first..suppressions.len());
                    continue;
                }
            }
            None if pending.is_empty() || line.trim().is_empty() => continue,
            None => {}
        }
        for i in pending.drain(..) {
            if let Reach::Lines(own, _) = suppressions[i].reach {
                suppressions[i].reach = Reach::Lines(own, Some(line0));
            }
        }
    }
    suppressions
}

/// Finds `<marker> shiplint:` on a line: the tag must follow a comment marker and optional
/// spaces, and the marker must start the line or follow whitespace.
fn find_directive<'t>(
    line: &'t str,
    line_start: usize,
    first_line: bool,
    syntax: &Syntax,
) -> Option<Directive<'t>> {
    for (at, _) in line.match_indices(TAG) {
        let before = line[..at].trim_end_matches([' ', '\t']);
        let Some(marker) = before.chars().last().filter(|c| syntax.markers.contains(c)) else {
            continue;
        };
        let marker_at = before.len() - marker.len_utf8();
        let mut prefix = &line[..marker_at];
        if first_line {
            prefix = prefix.strip_prefix('\u{feff}').unwrap_or(prefix);
        }
        let own_line = prefix.trim().chars().all(|c| c == marker);
        if !own_line && (!prefix.ends_with([' ', '\t']) || inside_quotes(prefix)) {
            continue;
        }
        let rest = &line[at + TAG.len()..];
        let word_start = at + TAG.len() + (rest.len() - rest.trim_start_matches([' ', '\t']).len());
        let word_len = line[word_start..]
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_'))
            .unwrap_or(line.len() - word_start);
        return Some(Directive {
            comment: Span::new(line_start + marker_at, line_start + line.trim_end().len()),
            marker,
            own_line,
            word: &line[word_start..word_start + word_len],
            after_word: word_start + word_len,
        });
    }
    None
}

/// Whether the end of `prefix` (a line up to a comment marker) is inside a quoted string, so
/// that the "marker" is text of a value: `A: "x # shiplint: ignore[CMP001]"` is a value, not a
/// comment. A quote opens a string only where a value may start (after whitespace, `=`, `:`,
/// `[`, `{`, `,`, `(`), double quotes honour backslash escapes, and a doubled quote (YAML `'it''s'`, the
/// userlist's `""`) closes and reopens, which leaves the state right.
fn inside_quotes(prefix: &str) -> bool {
    let mut quote: Option<char> = None;
    let mut escaped = false;
    // A quote opens a string only where a value starts (`it's` in a plain value is text).
    let mut value_start = true;
    for c in prefix.chars() {
        match quote {
            Some('"') if escaped => escaped = false,
            Some('"') if c == '\\' => escaped = true,
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if (c == '"' || c == '\'') && value_start => quote = Some(c),
            None => {}
        }
        value_start = c.is_whitespace() || matches!(c, '=' | ':' | '[' | '{' | ',' | '(');
    }
    quote.is_some()
}

/// Turns a directive into suppressions, or reports why it cannot be one. `None` when the text
/// after `shiplint:` is prose rather than a directive.
fn read_directive(
    scanner: &mut Scanner<'_>,
    d: &Directive<'_>,
    line: &str,
    line_start: usize,
    line0: usize,
) -> Option<Vec<Suppression>> {
    let Scanner {
        file,
        syntax,
        rules,
        reports,
    } = scanner;
    let m = syntax.marker;
    let usage = format!(
        "write `{m} shiplint: ignore[CODE] reason` or `{m} shiplint: ignore-file[CODE] reason`"
    );
    let rest = &line[d.after_word..];
    let bracket = rest.trim_start_matches([' ', '\t']);
    let reach = match d.word {
        "ignore" => Reach::Lines(line0, None),
        "ignore-file" => Reach::File,
        word if word.to_ascii_lowercase().starts_with("ignore") || bracket.starts_with('[') => {
            let message = if word.is_empty() {
                "suppression comment has no directive".to_string()
            } else {
                format!("unknown suppression directive `{word}`")
            };
            reports.invalid(file.id, d.comment, message, usage);
            return Some(Vec::new());
        }
        // `# shiplint: a linter for deploys` is prose, not a directive.
        _ => return None,
    };

    if d.marker != syntax.marker && file.source.kind == FileKind::PgbouncerUserlist {
        reports.invalid(
            file.id,
            d.comment,
            "pgbouncer stops reading userlist.txt at a line that starts with `#`".to_string(),
            format!("start the comment with `{m}`"),
        );
        return Some(Vec::new());
    }
    if !d.own_line && !syntax.trailing && !allows_trailing(file.source.kind, line) {
        reports.invalid(
            file.id,
            d.comment,
            format!(
                "a {} file has no trailing comments: this suppression is part of the line's content",
                file.source.kind
            ),
            format!("move `{m} shiplint: …` to its own line above"),
        );
        return Some(Vec::new());
    }

    if !bracket.starts_with('[') {
        reports.invalid(
            file.id,
            d.comment,
            "suppression comment lists no rule codes in brackets".to_string(),
            usage,
        );
        return Some(Vec::new());
    }
    let open = line_start + line.len() - bracket.len();
    let Some(close) = bracket.find(']') else {
        reports.invalid(
            file.id,
            d.comment,
            "suppression comment is missing the closing `]`".to_string(),
            usage,
        );
        return Some(Vec::new());
    };

    // Each comma-separated item with its span; empty items (a trailing comma) are skipped.
    let inner = &bracket[1..close];
    let mut items = Vec::new();
    let mut offset = open + 1;
    for part in inner.split(',') {
        let trimmed = part.trim_start();
        let lead = part.len() - trimmed.len();
        let item = trimmed.trim_end();
        if !item.is_empty() {
            items.push((item, Span::new(offset + lead, offset + lead + item.len())));
        }
        offset += part.len() + 1;
    }
    if items.is_empty() {
        reports.invalid(
            file.id,
            d.comment,
            "suppression comment lists no rule codes".to_string(),
            usage,
        );
        return Some(Vec::new());
    }

    let siblings = items.len();
    let mut found = Vec::new();
    for (item, span) in items {
        let meta = rules
            .iter()
            .copied()
            .find(|meta| meta.code.eq_ignore_ascii_case(item) || meta.name == item);
        match meta {
            None => reports.invalid(
                file.id,
                span,
                format!("unknown rule `{item}` in suppression comment"),
                "use a rule code or name listed by `shiplint rules`".to_string(),
            ),
            Some(meta) if meta.code == reports.unused.code || meta.code == reports.invalid.code => {
                reports.invalid(
                    file.id,
                    span,
                    format!("{} findings cannot be suppressed inline", meta.code),
                    format!("fix or remove the suppression comment it reports, or add {} to `ignore` in the configuration", meta.code),
                )
            }
            Some(meta) => found.push(Suppression {
                meta,
                written: span,
                siblings,
                reach,
                used: false,
            }),
        }
    }
    Some(found)
}

/// Whether a trailing comment is a comment on this line of a format that otherwise has only
/// whole-line comments: after a `pgbouncer.ini` section header it is.
fn allows_trailing(kind: FileKind, line: &str) -> bool {
    kind == FileKind::PgbouncerIni && line.trim_start().starts_with('[')
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::{Family, Severity};
    use crate::kind::Environment;
    use crate::parse::Model;
    use crate::rule::Scope;
    use crate::source::SourceFile;

    static CMP001: RuleMeta = meta(
        "CMP001",
        "fallback-secret",
        Family::Compose,
        Severity::Error,
    );
    static CMP002: RuleMeta = meta(
        "CMP002",
        "published-database-port",
        Family::Compose,
        Severity::Warning,
    );
    static PGB001: RuleMeta = meta(
        "PGB001",
        "placeholder-password-hash",
        Family::Pgbouncer,
        Severity::Error,
    );
    static DKR001: RuleMeta = meta("DKR001", "root-user", Family::Dockerfile, Severity::Warning);
    static UNUSED: RuleMeta = meta(
        "SHL002",
        "unused-suppression",
        Family::Shiplint,
        Severity::Info,
    );
    static INVALID: RuleMeta = meta(
        "SHL003",
        "invalid-suppression",
        Family::Shiplint,
        Severity::Warning,
    );

    const fn meta(
        code: &'static str,
        name: &'static str,
        family: Family,
        default_severity: Severity,
    ) -> RuleMeta {
        RuleMeta {
            code,
            name,
            family,
            default_severity,
            scope: Scope::ALL,
            raw_docs: "",
            options: &[],
        }
    }

    fn rules() -> Vec<&'static RuleMeta> {
        vec![&CMP001, &CMP002, &PGB001, &DKR001, &UNUSED, &INVALID]
    }

    fn project(files: &[(&str, FileKind, &str)]) -> Project {
        Project::new(
            "/p".into(),
            files
                .iter()
                .enumerate()
                .map(|(id, &(path, kind, text))| {
                    ParsedFile::new(
                        id,
                        SourceFile::new(
                            path.into(),
                            path.to_string(),
                            kind,
                            Environment::Production,
                            text.to_string(),
                        ),
                        Model::Text,
                    )
                })
                .collect(),
        )
    }

    /// A finding of `meta` on the first occurrence of `needle` in file `file`.
    fn finding(
        project: &Project,
        file: FileId,
        meta: &'static RuleMeta,
        needle: &str,
    ) -> Diagnostic {
        let text = &project.file(file).source.text;
        let start = text.find(needle).expect("needle in file");
        Diagnostic {
            code: meta.code,
            name: meta.name,
            family: meta.family,
            severity: meta.default_severity,
            message: format!("{} here", meta.name),
            help: None,
            file,
            span: Span::new(start, start + needle.len()),
            related: Vec::new(),
            fix: None,
            sensitive: Vec::new(),
        }
    }

    fn run(project: &Project, diagnostics: Vec<Diagnostic>) -> Vec<Diagnostic> {
        apply(project, diagnostics, &UNUSED, &INVALID, &rules(), &rules())
    }

    fn codes(diagnostics: &[Diagnostic]) -> Vec<&'static str> {
        diagnostics.iter().map(|d| d.code).collect()
    }

    fn text_of<'p>(project: &'p Project, d: &Diagnostic) -> &'p str {
        project.file(d.file).source.slice(d.span)
    }

    fn compose(text: &str) -> Project {
        project(&[("compose.yml", FileKind::Compose, text)])
    }

    #[test]
    fn trailing_comment_suppresses_its_own_line_only() {
        let p = compose(
            "services:\n  web:\n    environment:\n      A: ${A:-x}  # shiplint: ignore[CMP001] dev default\n      B: ${B:-y}\n",
        );
        let a = finding(&p, 0, &CMP001, "${A:-x}");
        let b = finding(&p, 0, &CMP001, "${B:-y}");
        let out = run(&p, vec![a, b.clone()]);
        assert_eq!(out, vec![b]);
    }

    #[test]
    fn own_line_comment_suppresses_the_next_non_blank_line() {
        let p = compose("# shiplint: ignore[CMP001]\n\n   \nA: ${A:-x}\nB: ${B:-y}\n");
        let a = finding(&p, 0, &CMP001, "${A:-x}");
        let b = finding(&p, 0, &CMP001, "${B:-y}");
        assert_eq!(run(&p, vec![a, b.clone()]), vec![b]);
    }

    #[test]
    fn own_line_comment_suppresses_its_own_line() {
        let p = compose("x: 1\n# shiplint: ignore[CMP002] commented-out job is intended\ny: 2\n");
        let on_comment = finding(&p, 0, &CMP002, "# shiplint");
        assert!(run(&p, vec![on_comment]).is_empty());
    }

    #[test]
    fn own_line_comment_does_not_reach_past_the_next_line() {
        let p = compose("# shiplint: ignore[CMP001]\nA: 1\nB: ${B:-y}\n");
        let b = finding(&p, 0, &CMP001, "${B:-y}");
        let out = run(&p, vec![b.clone()]);
        assert_eq!(out.len(), 2);
        assert_eq!(out[0], b);
        assert_eq!(out[1].code, UNUSED.code);
    }

    #[test]
    fn own_line_comment_above_a_trailing_one_reaches_the_content_line() {
        let p = compose("# shiplint: ignore[CMP002]\nA: ${A:-x}  # shiplint: ignore[CMP001]\n");
        let a1 = finding(&p, 0, &CMP001, "${A:-x}");
        let a2 = finding(&p, 0, &CMP002, "${A:-x}");
        assert!(run(&p, vec![a1, a2]).is_empty());
    }

    #[test]
    fn stacked_own_line_comments_all_apply_to_the_line_below() {
        let p = compose("# shiplint: ignore[CMP001]\n# shiplint: ignore[CMP002]\nA: ${A:-x}\n");
        let a1 = finding(&p, 0, &CMP001, "${A:-x}");
        let a2 = finding(&p, 0, &CMP002, "${A:-x}");
        assert!(run(&p, vec![a1, a2]).is_empty());
    }

    #[test]
    fn ignore_file_suppresses_the_rule_in_the_whole_file_only() {
        let p = project(&[
            (
                "a.yml",
                FileKind::Compose,
                "A: ${A:-x}\nB: ${B:-y}\n# shiplint: ignore-file[CMP001] fixtures\n",
            ),
            ("b.yml", FileKind::Compose, "A: ${A:-x}\n"),
        ]);
        let a = finding(&p, 0, &CMP001, "${A:-x}");
        let b = finding(&p, 0, &CMP001, "${B:-y}");
        let other_rule = finding(&p, 0, &CMP002, "${B:-y}");
        let other_file = finding(&p, 1, &CMP001, "${A:-x}");
        let out = run(&p, vec![a, b, other_rule.clone(), other_file.clone()]);
        assert_eq!(out, vec![other_rule, other_file]);
    }

    #[test]
    fn rule_names_work_like_codes_and_codes_ignore_case() {
        let p = compose("A: ${A:-x}  # shiplint: ignore[fallback-secret]\nB: ${B:-y}  # shiplint: ignore[cmp001]\n");
        let a = finding(&p, 0, &CMP001, "${A:-x}");
        let b = finding(&p, 0, &CMP001, "${B:-y}");
        assert!(run(&p, vec![a, b]).is_empty());
    }

    #[test]
    fn several_codes_with_spaces_and_a_trailing_comma() {
        let p = compose(
            "A: ${A:-x}  #shiplint:ignore[ CMP001 ,published-database-port, ] both known\n",
        );
        let a1 = finding(&p, 0, &CMP001, "${A:-x}");
        let a2 = finding(&p, 0, &CMP002, "${A:-x}");
        assert!(run(&p, vec![a1, a2]).is_empty());
    }

    #[test]
    fn a_suppression_only_silences_the_rules_it_lists() {
        let p = compose("A: ${A:-x}  # shiplint: ignore[CMP002]\n");
        let a = finding(&p, 0, &CMP001, "${A:-x}");
        let out = run(&p, vec![a.clone()]);
        assert_eq!(out[0], a);
        assert_eq!(codes(&out), vec!["CMP001", "SHL002"]);
    }

    #[test]
    fn unused_suppression_is_reported_on_the_code() {
        let p = compose("A: 1\nB: 2  # shiplint: ignore[CMP001, published-database-port] reason\n");
        let b = finding(&p, 0, &CMP002, "2");
        let out = run(&p, vec![b]);
        assert_eq!(out.len(), 1);
        let d = &out[0];
        assert_eq!((d.code, d.name), ("SHL002", "unused-suppression"));
        assert_eq!(d.family, Family::Shiplint);
        assert_eq!(d.severity, Severity::Info);
        assert_eq!(text_of(&p, d), "CMP001");
        assert_eq!(p.file(0).source.line_col(d.span.start).line, 2);
        assert_eq!(d.message, "suppression of CMP001 matches no finding");
        assert_eq!(d.help.as_deref(), Some("remove `CMP001` from the list"));
    }

    #[test]
    fn unused_ignore_file_is_reported_by_name_as_written() {
        let p = compose("# shiplint: ignore-file[fallback-secret]\nA: 1\n");
        let out = run(&p, Vec::new());
        assert_eq!(codes(&out), vec!["SHL002"]);
        assert_eq!(text_of(&p, &out[0]), "fallback-secret");
        assert_eq!(
            out[0].help.as_deref(),
            Some("remove the suppression comment")
        );
    }

    fn invalid_of(text: &str) -> (Project, Vec<Diagnostic>) {
        let p = compose(text);
        let a = finding(&p, 0, &CMP001, "${A:-x}");
        let out = run(&p, vec![a.clone()]);
        assert_eq!(out[0], a, "an invalid comment suppresses nothing");
        (p, out)
    }

    #[test]
    fn a_directive_inside_a_quoted_value_is_text() {
        let p = compose(concat!(
            "A: \"${A:-x} # shiplint: ignore[CMP001]\"\n",
            "B: '${B:-y} # shiplint: ignore[CMP001]'\n",
            "C: \"${C} \\\" # shiplint: ignore[CMP001]\"\n",
            "D: 'it''s ${D}' # shiplint: ignore[CMP001] after a closed quote\n",
            "E: it's ${E} # shiplint: ignore[CMP001] an apostrophe in a plain value\n",
        ));
        let found: Vec<_> = ["${A:-x}", "${B:-y}", "${C}", "${D}", "${E}"]
            .iter()
            .map(|n| finding(&p, 0, &CMP001, n))
            .collect();
        let out = run(&p, found.clone());
        // The first three directives are text of values: nothing is suppressed by them (and
        // they are not reported as unused); the last two are real trailing comments.
        assert_eq!(out, found[..3].to_vec());
    }

    #[test]
    fn ignore_without_brackets_is_invalid() {
        for text in [
            "A: ${A:-x}  # shiplint: ignore\n",
            "A: ${A:-x}  # shiplint: ignore CMP001\n",
            "# shiplint: ignore CMP001\nA: ${A:-x}\n",
        ] {
            let (p, out) = invalid_of(text);
            assert_eq!(codes(&out), vec!["CMP001", "SHL003"], "{text}");
            let d = &out[1];
            assert_eq!(d.severity, Severity::Warning);
            assert!(d.message.contains("no rule codes"), "{}", d.message);
            assert!(text_of(&p, d).starts_with("# shiplint: ignore"), "{text}");
        }
    }

    #[test]
    fn empty_brackets_are_invalid() {
        for text in [
            "A: ${A:-x}  # shiplint: ignore[]\n",
            "A: ${A:-x}  # shiplint: ignore-file[ , ]\n",
        ] {
            let (_, out) = invalid_of(text);
            assert_eq!(codes(&out), vec!["CMP001", "SHL003"], "{text}");
            assert_eq!(out[1].message, "suppression comment lists no rule codes");
        }
    }

    #[test]
    fn unknown_code_is_invalid_at_the_code_and_known_ones_still_apply() {
        let p = compose("A: ${A:-x}  # shiplint: ignore[CMP001, CMP999]\n");
        let a = finding(&p, 0, &CMP001, "${A:-x}");
        let out = run(&p, vec![a]);
        assert_eq!(codes(&out), vec!["SHL003"]);
        assert_eq!(text_of(&p, &out[0]), "CMP999");
        assert_eq!(
            out[0].message,
            "unknown rule `CMP999` in suppression comment"
        );
    }

    #[test]
    fn a_prefix_is_not_a_code() {
        let (p, out) = invalid_of("A: ${A:-x}  # shiplint: ignore[CMP]\n");
        assert_eq!(codes(&out), vec!["CMP001", "SHL003"]);
        assert_eq!(text_of(&p, &out[1]), "CMP");
    }

    #[test]
    fn unclosed_bracket_and_unknown_directive_are_invalid() {
        let (_, out) = invalid_of("A: ${A:-x}  # shiplint: ignore[CMP001 oops\n");
        assert!(out[1].message.contains("closing `]`"), "{}", out[1].message);
        let (p, out) = invalid_of("A: ${A:-x}  # shiplint: ignore-line[CMP001]\n");
        assert_eq!(
            out[1].message,
            "unknown suppression directive `ignore-line`"
        );
        assert_eq!(text_of(&p, &out[1]), "# shiplint: ignore-line[CMP001]");
        let (_, out) = invalid_of("A: ${A:-x}  # shiplint: disable[CMP001]\n");
        assert_eq!(out[1].message, "unknown suppression directive `disable`");
    }

    #[test]
    fn suppression_findings_cannot_be_suppressed() {
        let p = compose("A: 1  # shiplint: ignore[SHL002, unused-suppression]\n");
        let incoming = finding(&p, 0, &UNUSED, "A: 1");
        let out = run(&p, vec![incoming.clone()]);
        assert_eq!(out[0], incoming);
        assert_eq!(codes(&out), vec!["SHL002", "SHL003", "SHL003"]);
        assert_eq!(text_of(&p, &out[1]), "SHL002");
        assert_eq!(text_of(&p, &out[2]), "unused-suppression");
    }

    #[test]
    fn tag_in_ordinary_text_is_not_a_comment() {
        let p = compose(
            "A: \"see shiplint: ignore[CMP001]\"\nB: x#shiplint: ignore[CMP001]\n# shiplint: a linter for deploys\nC: ${C:-x}\n",
        );
        let diags = vec![
            finding(&p, 0, &CMP001, "see"),
            finding(&p, 0, &CMP001, "x#"),
            finding(&p, 0, &CMP001, "${C:-x}"),
        ];
        assert_eq!(run(&p, diags.clone()), diags);
    }

    #[test]
    fn semicolon_marker_in_a_pgbouncer_userlist() {
        let p = project(&[(
            "userlist.txt",
            FileKind::PgbouncerUserlist,
            "; shiplint: ignore[PGB001] local only\n\"app\" \"md5REPLACE\"\n\"ro\" \"md5CHANGE\" ; shiplint: ignore[placeholder-password-hash]\n\"x\" \"md5TODO\"\n",
        )]);
        let app = finding(&p, 0, &PGB001, "md5REPLACE");
        let ro = finding(&p, 0, &PGB001, "md5CHANGE");
        let x = finding(&p, 0, &PGB001, "md5TODO");
        assert_eq!(run(&p, vec![app, ro, x.clone()]), vec![x]);
    }

    #[test]
    fn hash_comment_in_a_pgbouncer_userlist_is_invalid() {
        let p = project(&[(
            "userlist.txt",
            FileKind::PgbouncerUserlist,
            "# shiplint: ignore[PGB001]\n\"app\" \"md5REPLACE\"\n",
        )]);
        let app = finding(&p, 0, &PGB001, "md5REPLACE");
        let out = run(&p, vec![app.clone()]);
        assert_eq!(out[0], app);
        assert_eq!(codes(&out), vec!["PGB001", "SHL003"]);
        assert!(
            out[1].message.contains("stops reading"),
            "{}",
            out[1].message
        );
        assert_eq!(out[1].help.as_deref(), Some("start the comment with `;`"));
    }

    #[test]
    fn pgbouncer_ini_accepts_both_markers_on_their_own_line() {
        let p = project(&[(
            "pgbouncer.ini",
            FileKind::PgbouncerIni,
            "[pgbouncer]\n; shiplint: ignore[PGB001]\nauth_type = md5\n# shiplint: ignore[PGB001]\nlisten_addr = *\n",
        )]);
        let a = finding(&p, 0, &PGB001, "md5");
        let b = finding(&p, 0, &PGB001, "*");
        assert!(run(&p, vec![a, b]).is_empty());
    }

    #[test]
    fn trailing_comment_after_a_pgbouncer_ini_value_is_invalid() {
        // pgbouncer would read `md5 ; shiplint: …` as the value.
        let p = project(&[(
            "pgbouncer.ini",
            FileKind::PgbouncerIni,
            "[pgbouncer] ; shiplint: ignore[PGB001]\nauth_type = md5 ; shiplint: ignore[PGB001]\n",
        )]);
        let header = finding(&p, 0, &PGB001, "[pgbouncer]");
        let value = finding(&p, 0, &PGB001, "md5");
        let out = run(&p, vec![header, value.clone()]);
        assert_eq!(out[0], value, "after a section header it is a comment");
        assert_eq!(codes(&out), vec!["PGB001", "SHL003"]);
        assert!(
            out[1].message.contains("no trailing comments"),
            "{}",
            out[1].message
        );
        assert_eq!(text_of(&p, &out[1]), "; shiplint: ignore[PGB001]");
        assert_eq!(p.file(0).source.line_col(out[1].span.start).line, 2);
    }

    #[test]
    fn trailing_comment_in_a_dockerfile_is_invalid() {
        let p = project(&[(
            "Dockerfile",
            FileKind::Dockerfile,
            "FROM python:3.12\n# shiplint: ignore[DKR001]\nUSER root\nUSER root # shiplint: ignore[DKR001]\n",
        )]);
        let first = finding(&p, 0, &DKR001, "USER root\n");
        let second = finding(&p, 0, &DKR001, "USER root #");
        let out = run(&p, vec![first, second.clone()]);
        assert_eq!(out[0], second);
        assert_eq!(codes(&out), vec!["DKR001", "SHL003"]);
    }

    #[test]
    fn files_without_comments_are_untouched() {
        let p = project(&[(
            "dashboard.json",
            FileKind::GrafanaDashboards,
            "{\"title\": \"# shiplint: ignore[CMP001]\"}\n",
        )]);
        let d = finding(&p, 0, &CMP001, "title");
        assert_eq!(run(&p, vec![d.clone()]), vec![d]);
    }

    #[test]
    fn files_read_only_as_context_are_not_scanned() {
        let mut p = compose("A: ${A:-x}  # shiplint: ignore[CMP002]\n");
        p.files[0].reported = false;
        let a = finding(&p, 0, &CMP001, "${A:-x}");
        assert_eq!(run(&p, vec![a.clone()]), vec![a]);
    }

    #[test]
    fn crlf_and_a_byte_order_mark_are_handled() {
        let p = compose("\u{feff}# shiplint: ignore[CMP001]\r\nA: ${A:-x}\r\nB: ${B:-y} # shiplint: ignore[CMP002]\r\n");
        let a = finding(&p, 0, &CMP001, "${A:-x}");
        let out = run(&p, vec![a]);
        assert_eq!(codes(&out), vec!["SHL002"]);
        assert_eq!(text_of(&p, &out[0]), "CMP002");
    }

    #[test]
    fn env_file_trailing_and_own_line_forms() {
        let p = project(&[(
            ".env.production",
            FileKind::Env,
            "SECRET_KEY=changeme # shiplint: ignore[CMP001]\n  # shiplint: ignore[CMP001]\nDEBUG=1\n",
        )]);
        let a = finding(&p, 0, &CMP001, "changeme");
        let b = finding(&p, 0, &CMP001, "DEBUG");
        assert!(run(&p, vec![a, b]).is_empty());
    }
}
