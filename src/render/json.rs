//! The JSON format, schema version 1: the contract editors and CI depend on (design.md,
//! "Output contract"). Field order follows the struct order, so keep it as documented.

use std::io;

use serde::Serialize;

use super::{position, scrub, source, Position, Report, Summary};
use crate::diagnostic::Diagnostic;
use crate::project::Project;
use crate::source::{FileId, Span};

/// Bump when the shape below changes.
const SCHEMA_VERSION: u32 = 1;

#[derive(Serialize)]
struct Document<'a> {
    version: u32,
    tool: Tool,
    files_checked: usize,
    diagnostics: Vec<JsonDiagnostic<'a>>,
    summary: JsonSummary,
}

#[derive(Serialize)]
struct Tool {
    name: &'static str,
    version: &'static str,
}

#[derive(Serialize)]
struct JsonDiagnostic<'a> {
    code: &'static str,
    name: &'static str,
    family: &'static str,
    severity: &'static str,
    message: String,
    help: Option<String>,
    url: String,
    path: &'a str,
    environment: &'static str,
    span: JsonSpan,
    related: Vec<JsonRelated<'a>>,
    fix: Option<JsonFix<'a>>,
}

#[derive(Serialize)]
struct JsonSpan {
    start: JsonPosition,
    end: JsonPosition,
}

#[derive(Serialize)]
struct JsonPosition {
    line: usize,
    column: usize,
    offset: usize,
}

#[derive(Serialize)]
struct JsonRelated<'a> {
    path: &'a str,
    span: JsonSpan,
    message: String,
}

#[derive(Serialize)]
struct JsonFix<'a> {
    message: String,
    applicability: &'static str,
    edits: Vec<JsonEdit<'a>>,
}

#[derive(Serialize)]
struct JsonEdit<'a> {
    path: &'a str,
    span: JsonSpan,
    content: String,
}

#[derive(Serialize)]
struct JsonSummary {
    errors: usize,
    warnings: usize,
    infos: usize,
}

pub(super) fn render(report: &Report<'_>, out: &mut dyn io::Write) -> io::Result<()> {
    let summary = Summary::of(report.diagnostics);
    let document = Document {
        version: SCHEMA_VERSION,
        tool: Tool {
            name: "shiplint",
            version: crate::VERSION,
        },
        files_checked: report.files_checked,
        diagnostics: report
            .diagnostics
            .iter()
            .map(|d| diagnostic(report.project, d))
            .collect(),
        summary: JsonSummary {
            errors: summary.errors,
            warnings: summary.warnings,
            infos: summary.infos,
        },
    };
    serde_json::to_writer_pretty(&mut *out, &document)?;
    out.write_all(b"\n")
}

fn diagnostic<'a>(project: &'a Project, d: &Diagnostic) -> JsonDiagnostic<'a> {
    let file = source(project, d.file);
    let text = |s: &str| scrub(project, d, s);
    JsonDiagnostic {
        code: d.code,
        name: d.name,
        family: d.family.as_str(),
        severity: d.severity.as_str(),
        message: text(&d.message),
        help: d.help.as_deref().map(text),
        url: format!("{}{}.md", crate::DOCS_URL_BASE, d.code),
        path: &file.display_path,
        environment: file.environment.as_str(),
        span: span(project, d.file, d.span),
        related: d
            .related
            .iter()
            .map(|r| JsonRelated {
                path: &source(project, r.file).display_path,
                span: span(project, r.file, r.span),
                message: text(&r.message),
            })
            .collect(),
        fix: d.fix.as_ref().map(|fix| JsonFix {
            message: text(&fix.message),
            applicability: fix.applicability.as_str(),
            edits: fix
                .edits
                .iter()
                .map(|e| JsonEdit {
                    path: &source(project, e.file).display_path,
                    span: span(project, e.file, e.span),
                    content: text(&e.content),
                })
                .collect(),
        }),
    }
}

fn span(project: &Project, file: FileId, span: Span) -> JsonSpan {
    let file = source(project, file);
    let point = |p: Position| JsonPosition {
        line: p.line,
        column: p.column,
        offset: p.offset,
    };
    JsonSpan {
        start: point(position(file, span.start)),
        end: point(position(file, span.end.max(span.start))),
    }
}
