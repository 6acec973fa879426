//! GitHub Actions workflow commands: one annotation per finding, shown on the pull request.
//!
//! GitHub accepts `col` and `endColumn` only when the annotation starts and ends on the same
//! line; on a multi-line annotation they make it drop the columns or misplace the annotation.

use std::io;

use super::{position, scrub, source, Report};
use crate::diagnostic::{Diagnostic, Severity};

pub(super) fn render(report: &Report<'_>, out: &mut dyn io::Write) -> io::Result<()> {
    for d in report.diagnostics {
        writeln!(out, "{}", annotation(report, d))?;
    }
    Ok(())
}

fn annotation(report: &Report<'_>, d: &Diagnostic) -> String {
    let file = source(report.project, d.file);
    let start = position(file, d.span.start);
    let end = position(file, d.span.end.max(d.span.start));
    let command = match d.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "notice",
    };
    let mut properties = format!(
        "file={},line={},endLine={}",
        escape_property(&file.display_path),
        start.line,
        end.line
    );
    if start.line == end.line {
        properties.push_str(&format!(",col={},endColumn={}", start.column, end.column));
    }
    properties.push_str(&format!(
        ",title={}",
        escape_property(&format!("{} {}", d.code, d.name))
    ));
    let mut message = scrub(report.project, d, &d.message);
    if let Some(help) = &d.help {
        message.push('\n');
        message.push_str(&scrub(report.project, d, help));
    }
    format!("::{command} {properties}::{}", escape_data(&message))
}

/// Escaping for the message of a workflow command.
fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escaping for a property value, where `:` and `,` are separators.
fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}
