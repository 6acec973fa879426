//! Renderers: one file per output format, all consuming the same [`Report`].

use crate::diagnostic::Diagnostic;
use crate::project::Project;
use crate::rule::RuleMeta;

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

pub struct RenderOptions {
    pub color: bool,
    pub quiet: bool,
}

pub fn render(
    _format: Format,
    report: &Report<'_>,
    _options: &RenderOptions,
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    for d in report.diagnostics {
        let f = &report.project.file(d.file).source;
        let lc = f.line_col(d.span.start);
        writeln!(
            out,
            "{}:{}:{}: {} {}",
            f.display_path, lc.line, lc.column, d.code, d.message
        )?;
    }
    Ok(())
}
