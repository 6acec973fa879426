use super::{entry_at, env_file, problems, quote_fix};
use crate::parse::dotenv::ProblemKind;
use crate::project::ParsedFile;
use crate::rule::{Ctx, Rule};

crate::declare_rule! {
    /// ## What it does
    /// Reports an unquoted value with blanks inside, `KEY=two words`, on the first blank run,
    /// where a shell splits the value. A blank before a `#` is `ENV011`'s.
    ///
    /// ## Why it matters
    /// Compose and python-dotenv keep the whole line, but a shell that sources the file — an
    /// entrypoint, a CI step, `set -a; . ./.env` before `manage.py` — sets `KEY` to `two` and
    /// runs `words` as a command, with an error or, worse, without one. dotenvy (Rust) and
    /// Laravel's phpdotenv refuse the file. The same file then configures the application one
    /// way and its scripts another.
    ///
    /// ## Example
    /// ```sh title=".env"
    /// WORKER_COMMAND=celery -A app worker --concurrency 4
    /// DEFAULT_FROM_EMAIL=Korrigo <noreply@korrigo.fr>
    /// ```
    ///
    /// ## How to fix
    /// Quote the value; double quotes keep `${VARIABLE}` references working:
    /// ```sh title=".env"
    /// WORKER_COMMAND="celery -A app worker --concurrency 4"
    /// DEFAULT_FROM_EMAIL="Korrigo <noreply@korrigo.fr>"
    /// ```
    pub(crate) struct UnquotedWhitespace {
        code: "ENV012",
        name: "unquoted-whitespace",
        family: Env,
        severity: Warning,
        scope: ALL,
    }
}

impl Rule for UnquotedWhitespace {
    fn check_file(&self, file: &ParsedFile, ctx: &mut Ctx<'_>) {
        let Some(env) = env_file(file) else { return };
        if !ctx.applies_to(file.source.environment) {
            return;
        }
        let text = file.source.text.as_str();
        for p in problems(env, &[ProblemKind::UnquotedWhitespace]) {
            let Some(entry) = entry_at(env, p.span.start) else {
                continue;
            };
            // Ex) `KEY= # note`, `KEY=a<TAB># note`: a comment Compose keeps, reported by ENV011.
            if entry.value.starts_with('#') || text[p.span.end..].starts_with('#') {
                continue;
            }
            let d = ctx
                .report(
                    file.id,
                    p.span,
                    format!(
                        "unquoted value of `{}` contains blanks: a shell sets only the first word and runs the rest as a command",
                        entry.key
                    ),
                )
                .help("quote the value");
            if let Some(fix) = quote_fix(file, entry) {
                d.fix(fix);
            }
        }
    }
}
