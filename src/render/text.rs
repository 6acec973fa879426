//! The human-readable format: one miette report per finding, then a summary line.
//!
//! Source lines can hold secrets, so a snippet shows only the lines its labels cover (never
//! surrounding context) and is cut from the file's text with every sensitive span of the report
//! masked. miette reads the text through [`Snippet`], which hands out exactly those lines and
//! the line and column (in characters) that the other formats report.

use std::fmt::{self, Write as _};
use std::io;

use miette::{
    GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteError, MietteSpanContents,
    SourceCode, SourceSpan, SpanContents,
};

use super::{masked_sources, position, scrub, source, Masked, RenderOptions, Report, Summary};
use crate::diagnostic::{Diagnostic, Severity};
use crate::source::Span;

/// Fixed, so that the output does not depend on the terminal.
const WIDTH: usize = 100;

const CYAN: &str = "\u{1b}[36m";
const RESET: &str = "\u{1b}[0m";

pub(super) fn render(
    report: &Report<'_>,
    options: &RenderOptions,
    out: &mut dyn io::Write,
) -> io::Result<()> {
    let theme = if options.color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(WIDTH)
        .with_context_lines(0)
        .with_urls(false)
        .without_syntax_highlighting();
    let masked = masked_sources(report);
    let mut text = String::new();
    for (i, d) in report.diagnostics.iter().enumerate() {
        if i > 0 {
            text.push('\n');
        }
        let Some(masked) = masked[d.file].as_ref() else {
            continue;
        };
        render_one(report, d, masked, &handler, options, &mut text).map_err(io::Error::other)?;
    }
    if !options.quiet {
        if !report.diagnostics.is_empty() {
            text.push('\n');
        }
        text.push_str(&summary_line(report));
        text.push('\n');
    }
    out.write_all(text.as_bytes())
}

fn render_one(
    report: &Report<'_>,
    d: &Diagnostic,
    masked: &Masked,
    handler: &GraphicalReportHandler,
    options: &RenderOptions,
    out: &mut String,
) -> fmt::Result {
    let project = report.project;
    let file = source(project, d.file);
    let label = |span: Span, message: Option<String>, primary: bool| {
        let span = super::clamp_span(&file.text, span);
        let start = masked.map(span.start);
        let end = masked.map(span.end).max(start);
        let span = SourceSpan::new(start.into(), end - start);
        if primary {
            LabeledSpan::new_primary_with_span(message, span)
        } else {
            LabeledSpan::new_with_span(message, span)
        }
    };
    let mut labels = vec![label(d.span, None, true)];
    let mut notes = Vec::new();
    for related in &d.related {
        let message = scrub(project, d, &related.message);
        if related.file == d.file {
            labels.push(label(related.span, Some(message), false));
        } else {
            let other = source(project, related.file);
            let at = position(other, related.span.start);
            notes.push(format!(
                "{}:{}:{}: {message}",
                other.display_path, at.line, at.column
            ));
        }
    }
    let view = TextDiagnostic {
        header: format!(
            "{}[{} {}]: {}",
            d.severity,
            d.code,
            d.name,
            scrub(project, d, &d.message)
        ),
        severity: match d.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
            Severity::Info => miette::Severity::Advice,
        },
        help: d.help.as_deref().map(|h| scrub(project, d, h)),
        snippet: Snippet {
            name: &file.display_path,
            masked,
        },
        labels,
    };
    handler.render_report(out, &view)?;
    let tag = |name: &str| {
        if options.color {
            format!("{CYAN}{name}:{RESET}")
        } else {
            format!("{name}:")
        }
    };
    for note in notes {
        writeln!(out, "  {} {note}", tag("note"))?;
    }
    if let Some(fix) = &d.fix {
        writeln!(
            out,
            "  {} {} ({})",
            tag("fix"),
            scrub(project, d, &fix.message),
            fix.applicability.as_str()
        )?;
    }
    Ok(())
}

fn summary_line(report: &Report<'_>) -> String {
    let files = plural(report.files_checked, "file", "files");
    if report.diagnostics.is_empty() {
        return format!("All checks passed: {files} checked.");
    }
    let s = Summary::of(report.diagnostics);
    format!(
        "Found {}, {}, {} in {files} checked.",
        plural(s.errors, "error", "errors"),
        plural(s.warnings, "warning", "warnings"),
        plural(s.infos, "info", "infos"),
    )
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// One finding as miette sees it.
struct TextDiagnostic<'a> {
    header: String,
    severity: miette::Severity,
    help: Option<String>,
    snippet: Snippet<'a>,
    labels: Vec<LabeledSpan>,
}

impl fmt::Debug for TextDiagnostic<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.header)
    }
}

impl fmt::Display for TextDiagnostic<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.header)
    }
}

impl std::error::Error for TextDiagnostic<'_> {}

impl miette::Diagnostic for TextDiagnostic<'_> {
    fn severity(&self) -> Option<miette::Severity> {
        Some(self.severity)
    }

    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        Some(&self.snippet)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        Some(Box::new(self.labels.iter().cloned()))
    }
}

/// A file's masked text, read by miette one span at a time.
struct Snippet<'a> {
    name: &'a str,
    masked: &'a Masked,
}

impl SourceCode for Snippet<'_> {
    /// The whole lines `span` covers and nothing else, whatever context miette asks for: miette
    /// would otherwise also print the lines between two labels, which may hold secrets nobody
    /// marked because no rule looked at them.
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        _context_lines_before: usize,
        _context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let text = self.masked.text.as_str();
        let lines = &self.masked.lines;
        let start = span.offset();
        let end = start + span.len();
        if end > text.len() {
            return Err(MietteError::OutOfBounds);
        }
        let first = lines.line_of(start);
        let last = lines.line_of(if end > start { end - 1 } else { start });
        let data_start = lines.line_start(first);
        let data_end = if last + 1 < lines.line_count() {
            lines.line_start(last + 1)
        } else {
            text.len()
        };
        let column = lines.line_col(text, start).column - 1;
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.to_string(),
            &text.as_bytes()[data_start..data_end],
            SourceSpan::new(data_start.into(), data_end - data_start),
            first,
            column,
            last - first + 1,
        )))
    }
}
