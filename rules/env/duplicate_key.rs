use super::env_file;
use crate::project::ParsedFile;
use crate::rule::{Ctx, Rule};

crate::declare_rule! {
    /// ## What it does
    /// Reports a key set a second time in the same env file or template, on the later line, with
    /// the earlier one as a related location.
    ///
    /// ## Why it matters
    /// Every loader keeps one of the two values without a word, so whoever edits the first line
    /// — the one they find first — changes nothing: the later value silently wins. Loaders do
    /// not even agree on which one wins when the later line is a bare `KEY` without `=`
    /// (Compose keeps the earlier value unless `KEY` is in its environment). In a long template,
    /// a repeated key is usually an old setting pasted again with a new value.
    ///
    /// ## Example
    /// ```sh title=".env"
    /// POSTGRES_HOST=db
    /// POSTGRES_PORT=5432
    /// POSTGRES_HOST=pgbouncer
    /// ```
    ///
    /// ## How to fix
    /// Keep one line per key:
    /// ```sh title=".env"
    /// POSTGRES_HOST=pgbouncer
    /// POSTGRES_PORT=5432
    /// ```
    pub(crate) struct DuplicateKey {
        code: "ENV009",
        name: "duplicate-key",
        family: Env,
        severity: Warning,
        scope: ALL,
    }
}

impl Rule for DuplicateKey {
    fn check_file(&self, file: &ParsedFile, ctx: &mut Ctx<'_>) {
        let Some(env) = env_file(file) else { return };
        if !ctx.applies_to(file.source.environment) {
            return;
        }
        for (first, again) in env.duplicates() {
            let line = file.source.line_col(first.key_span.start).line;
            let same =
                first.value == again.value && first.equals.is_some() == again.equals.is_some();
            let message = if same {
                format!(
                    "`{}` is set again, to the same value as on line {line}",
                    again.key
                )
            } else if again.equals.is_none() {
                format!(
                    "`{}` is listed again without a value; loaders disagree on whether line {line}'s value stays",
                    again.key
                )
            } else {
                format!(
                    "`{}` is set again: this value silently overrides line {line}",
                    again.key
                )
            };
            ctx.report(file.id, again.key_span, message)
                .help("keep one line per key and delete the other")
                .related(file.id, first.key_span, "first set here");
        }
    }
}
