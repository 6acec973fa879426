//! Renderers: one file per output format, all consuming the same [`Report`].
//!
//! Every renderer keeps the promise that no output ever shows a secret: source text is only
//! printed by the text format, after every sensitive span of the report has been masked, and
//! the free-text fields of a diagnostic are scrubbed of the secrets it marked as sensitive.

use std::io;

use crate::diagnostic::{Diagnostic, Severity};
use crate::project::Project;
use crate::rule::RuleMeta;
use crate::source::{FileId, LineIndex, SourceFile, Span};

mod github;
mod json;
mod sarif;
mod text;

/// Everything a renderer needs.
pub struct Report<'a> {
    pub project: &'a Project,
    /// Sorted by path, line, column, code.
    pub diagnostics: &'a [Diagnostic],
    /// Every rule that was enabled for the run (SARIF lists them as `tool.driver.rules`).
    pub rules: &'a [&'static RuleMeta],
    pub files_checked: usize,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Text,
    Json,
    Sarif,
    Github,
}

/// How the text format looks; the other formats ignore these.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RenderOptions {
    /// Colour the text report with ANSI escapes.
    pub color: bool,
    /// Leave out the summary line of the text report.
    pub quiet: bool,
}

/// Writes `report` to `out` in `format`. The output depends only on the report and the options
/// (not on the terminal), so the same findings always print the same bytes.
pub fn render(
    format: Format,
    report: &Report<'_>,
    options: &RenderOptions,
    out: &mut dyn io::Write,
) -> io::Result<()> {
    match format {
        Format::Text => text::render(report, options, out),
        Format::Json => json::render(report, out),
        Format::Sarif => sarif::render(report, out),
        Format::Github => github::render(report, out),
    }
}

/// Counts of findings by severity.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Summary {
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
}

impl Summary {
    pub(crate) fn of(diagnostics: &[Diagnostic]) -> Summary {
        let mut summary = Summary::default();
        for d in diagnostics {
            match d.severity {
                Severity::Error => summary.errors += 1,
                Severity::Warning => summary.warnings += 1,
                Severity::Info => summary.infos += 1,
            }
        }
        summary
    }
}

/// A point in a file as every format reports it: 1-based line, 1-based column counting
/// Unicode scalar values, and the byte offset.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Position {
    pub line: usize,
    pub column: usize,
    pub offset: usize,
}

pub(crate) fn position(file: &SourceFile, offset: usize) -> Position {
    let offset = floor_char_boundary(&file.text, offset);
    let lc = file.line_col(offset);
    Position {
        line: lc.line,
        column: lc.column,
        offset,
    }
}

/// The span clamped to the file and to character boundaries, so that slicing never panics.
pub(crate) fn clamp_span(text: &str, span: Span) -> Span {
    let start = floor_char_boundary(text, span.start);
    let end = floor_char_boundary(text, span.end.max(span.start));
    Span::new(start, end.max(start))
}

fn floor_char_boundary(text: &str, offset: usize) -> usize {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

fn ceil_char_boundary(text: &str, offset: usize) -> usize {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset += 1;
    }
    offset
}

/// The spans no output may print, per file, sorted and merged.
pub(crate) fn sensitive_spans(report: &Report<'_>) -> Vec<Vec<Span>> {
    // Every secret the files hold (found once at load, whatever rule reports), plus what rules
    // marked: a password on a line that some finding shows is never printed.
    let mut by_file: Vec<Vec<Span>> = report
        .project
        .files
        .iter()
        .map(|f| f.secrets.clone())
        .collect();
    for d in report.diagnostics {
        for &(file, span) in &d.sensitive {
            if let Some(spans) = by_file.get_mut(file) {
                spans.push(span);
            }
        }
    }
    for (file, spans) in by_file.iter_mut().enumerate() {
        let text = &report.project.file(file).source.text;
        for span in spans.iter_mut() {
            let start = floor_char_boundary(text, span.start);
            let end = ceil_char_boundary(text, span.end.max(span.start));
            *span = Span::new(start, end);
        }
        spans.retain(|s| !s.is_empty());
        spans.sort();
        let mut merged: Vec<Span> = Vec::with_capacity(spans.len());
        for &span in spans.iter() {
            match merged.last_mut() {
                Some(last) if span.start <= last.end => *last = last.cover(span),
                _ => merged.push(span),
            }
        }
        *spans = merged;
    }
    by_file
}

/// A file's text with every sensitive span masked: each character becomes `*` (line breaks are
/// kept), so lines and columns stay where they were while byte offsets may move.
pub(crate) struct Masked {
    pub text: String,
    pub lines: LineIndex,
    regions: Vec<MaskedRegion>,
}

struct MaskedRegion {
    original: Span,
    masked: Span,
    /// Where each character of the original region starts, relative to the region.
    char_starts: Vec<usize>,
}

impl Masked {
    /// `sensitive` must be sorted, disjoint and on character boundaries, as
    /// [`sensitive_spans`] returns them.
    pub(crate) fn new(text: &str, sensitive: &[Span]) -> Masked {
        let mut out = String::with_capacity(text.len());
        let mut regions = Vec::with_capacity(sensitive.len());
        let mut copied = 0;
        for &span in sensitive {
            out.push_str(&text[copied..span.start]);
            let masked_start = out.len();
            let secret = &text[span.range()];
            out.extend(secret.chars().map(|c| match c {
                '\n' | '\r' => c,
                _ => '*',
            }));
            regions.push(MaskedRegion {
                original: span,
                masked: Span::new(masked_start, out.len()),
                char_starts: secret.char_indices().map(|(i, _)| i).collect(),
            });
            copied = span.end;
        }
        out.push_str(&text[copied..]);
        Masked {
            lines: LineIndex::new(&out),
            text: out,
            regions,
        }
    }

    /// The masked text of the 0-based line `line0`, without its line terminator.
    pub(crate) fn line_text(&self, line0: usize) -> &str {
        let rest = &self.text[self.lines.line_start(line0)..];
        let line = &rest[..rest.find('\n').unwrap_or(rest.len())];
        line.strip_suffix('\r').unwrap_or(line)
    }

    /// Where an offset of the original text lies in the masked text.
    pub(crate) fn map(&self, offset: usize) -> usize {
        let (mut original_end, mut masked_end) = (0, 0);
        for region in &self.regions {
            if offset <= region.original.start {
                break;
            }
            if offset < region.original.end {
                let within = offset - region.original.start;
                return region.masked.start
                    + region.char_starts.partition_point(|&start| start < within);
            }
            (original_end, masked_end) = (region.original.end, region.masked.end);
        }
        masked_end + (offset - original_end)
    }
}

/// The masked text of every file a diagnostic of the report points into (`None` for others).
pub(crate) fn masked_sources(report: &Report<'_>) -> Vec<Option<Masked>> {
    let sensitive = sensitive_spans(report);
    let mut masked: Vec<Option<Masked>> = Vec::new();
    masked.resize_with(report.project.files.len(), || None);
    for d in report.diagnostics {
        if let Some(slot @ None) = masked.get_mut(d.file) {
            *slot = Some(Masked::new(
                &source(report.project, d.file).text,
                &sensitive[d.file],
            ));
        }
    }
    masked
}

/// `text` with every secret this diagnostic marked as sensitive replaced by its redacted form:
/// a safety net for free text (messages, help, fixes) that rules are meant to redact already.
pub(crate) fn scrub(project: &Project, diagnostic: &Diagnostic, text: &str) -> String {
    let mut out = text.to_string();
    for &(file, span) in &diagnostic.sensitive {
        let Some(parsed) = project.files.get(file) else {
            continue;
        };
        let secret = parsed.source.slice(span);
        if secret.chars().count() >= MIN_SCRUBBED_CHARS && out.contains(secret) {
            out = out.replace(secret, &crate::diagnostic::redact(secret));
        }
    }
    out
}

/// Shorter sensitive values are not scrubbed from free text: replacing every `on` or `db` in a
/// message would garble it, and values that short are never quoted by a rule anyway.
const MIN_SCRUBBED_CHARS: usize = 4;

/// The file a diagnostic points into.
pub(crate) fn source(project: &Project, file: FileId) -> &SourceFile {
    &project.file(file).source
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masking_keeps_character_counts_and_maps_byte_offsets() {
        let text = "a=é€x\nb=é\nc=1";
        let masked = Masked::new(text, &[Span::new(2, 8), Span::new(11, 13)]);
        assert_eq!(masked.text, "a=***\nb=*\nc=1");
        assert_eq!(masked.map(0), 0);
        assert_eq!(masked.map(2), 2);
        assert_eq!(masked.map(4), 3, "after the two-byte `é`");
        assert_eq!(masked.map(7), 4, "after the three-byte `€`");
        assert_eq!(masked.map(8), 5, "the line break");
        assert_eq!(masked.map(13), 9);
        assert_eq!(masked.map(text.len()), masked.text.len());
        assert_eq!(masked.line_text(1), "b=*");
    }

    #[test]
    fn masking_a_multi_line_secret_keeps_its_line_breaks() {
        let text = "K=\"one\r\ntwo\"\nL=1\n";
        let masked = Masked::new(text, &[Span::new(3, 11)]);
        assert_eq!(masked.text, "K=\"***\r\n***\"\nL=1\n");
        assert_eq!(masked.line_text(2), "L=1");
    }
    #[test]
    fn sensitive_spans_of_all_diagnostics_are_merged_per_file_on_char_boundaries() {
        use crate::diagnostic::Family;
        use crate::kind::{Environment, FileKind};
        use crate::parse::Model;
        use crate::project::ParsedFile;

        let file = ParsedFile::new(
            0,
            SourceFile::new(
                "a.env".into(),
                "a.env".into(),
                FileKind::Env,
                Environment::Production,
                "A=éxyz\nB=secret\n".into(),
            ),
            Model::Text,
        );
        let project = Project::new(".".into(), vec![file]);
        let diagnostic = |sensitive: Vec<(FileId, Span)>| Diagnostic {
            code: "ENV001",
            name: "x",
            family: Family::Env,
            severity: Severity::Error,
            message: String::new(),
            help: None,
            file: 0,
            span: Span::empty(0),
            related: Vec::new(),
            fix: None,
            sensitive,
        };
        let diagnostics = [
            diagnostic(vec![(0, Span::new(12, 16)), (0, Span::new(3, 5))]),
            diagnostic(vec![(0, Span::new(10, 13)), (0, Span::new(6, 6))]),
        ];
        let report = Report {
            project: &project,
            diagnostics: &diagnostics,
            rules: &[],
            files_checked: 1,
        };
        // 3..5 starts inside `é` (bytes 2..4): widened to 2..5.
        assert_eq!(
            sensitive_spans(&report),
            vec![vec![Span::new(2, 5), Span::new(10, 16)]]
        );
    }
}
