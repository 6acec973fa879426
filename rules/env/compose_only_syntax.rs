use super::{entry_at, env_file, problems};
use crate::diagnostic::{Applicability, Edit, Fix};
use crate::parse::dotenv::ProblemKind;
use crate::project::ParsedFile;
use crate::rule::{Ctx, Rule};
use crate::source::Span;

crate::declare_rule! {
    /// ## What it does
    /// Reports lines that Compose accepts but other loaders refuse:
    ///
    /// - `KEY: value`, Compose's YAML-style separator, on the `:`;
    /// - a line with no key, `=value` or a lone `export`, on the `=` or `export`.
    ///
    /// ## Why it matters
    /// Shells, python-dotenv (Django projects), dotenvy and most other loaders only know
    /// `KEY=value`: they reject `KEY: value` or skip it, so the setting is missing everywhere but
    /// under Compose. A line without a key sets nothing anywhere — Compose sets a variable with
    /// an empty name, or nothing — and is usually a key lost in an edit.
    ///
    /// ## Example
    /// ```sh title=".env"
    /// POSTGRES_DB: app
    /// =postgres
    /// ```
    ///
    /// ## How to fix
    /// ```sh title=".env"
    /// POSTGRES_DB=app
    /// POSTGRES_USER=postgres
    /// ```
    pub(crate) struct ComposeOnlySyntax {
        code: "ENV016",
        name: "compose-only-syntax",
        family: Env,
        severity: Warning,
        scope: ALL,
    }
}

impl Rule for ComposeOnlySyntax {
    fn check_file(&self, file: &ParsedFile, ctx: &mut Ctx<'_>) {
        let Some(env) = env_file(file) else { return };
        if !ctx.applies_to(file.source.environment) {
            return;
        }
        for p in problems(env, &[ProblemKind::ColonSeparator, ProblemKind::MissingKey]) {
            if p.kind == ProblemKind::MissingKey {
                let what = if file.source.slice(p.span) == "export" {
                    "`export` with no variable after it"
                } else {
                    "value with no key before `=`"
                };
                ctx.report(
                    file.id,
                    p.span,
                    format!(
                        "{what}: this line sets nothing, and loaders other than Compose reject it"
                    ),
                )
                .help("write the variable's name, or delete the line");
                continue;
            }
            let Some(entry) = entry_at(env, p.span.start) else {
                continue;
            };
            let end = if entry.raw_value_span.is_empty() {
                p.span.end
            } else {
                entry.raw_value_span.start
            };
            ctx.report(
                file.id,
                p.span,
                format!(
                    "`{}` is set with `:`, which only Compose accepts",
                    entry.key
                ),
            )
            .help(format!("write `{}=…`", entry.key))
            .fix(Fix {
                message: "use `=`".to_string(),
                applicability: Applicability::Safe,
                edits: vec![Edit {
                    file: file.id,
                    span: Span::new(p.span.start, end),
                    content: "=".to_string(),
                }],
            });
        }
    }
}
