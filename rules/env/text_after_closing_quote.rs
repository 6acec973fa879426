use super::{env_file, problems};
use crate::parse::dotenv::ProblemKind;
use crate::project::ParsedFile;
use crate::rule::{Ctx, Rule};

crate::declare_rule! {
    /// ## What it does
    /// Reports text after the closing quote of a value, other than a ` # comment`:
    /// `KEY="abc"def`, `KEY="abc" def`. The finding is on that text.
    ///
    /// ## Why it matters
    /// No two loaders read such a line the same way, and none reads what was meant. For
    /// `KEY="abc"def`, Compose sets `KEY` to `abc` and reads `def` as a separate bare variable, a
    /// shell and dotenvy glue the text to the value (`abcdef`), python-dotenv rejects the line.
    /// For `KEY="abc" def`, a shell does not set `KEY` at all: it runs `def` as a command with
    /// `KEY` in its environment. The value the application receives depends on who loads the
    /// file.
    ///
    /// ## Example
    /// ```sh title=".env"
    /// GREETING="hello"world
    /// RELEASE_TITLE="Release notes" v2
    /// ```
    ///
    /// ## How to fix
    /// Put the whole value inside one pair of quotes:
    /// ```sh title=".env"
    /// GREETING="helloworld"
    /// RELEASE_TITLE="Release notes v2"
    /// ```
    pub(crate) struct TextAfterClosingQuote {
        code: "ENV010",
        name: "text-after-closing-quote",
        family: Env,
        severity: Error,
        scope: ALL,
    }
}

impl Rule for TextAfterClosingQuote {
    fn check_file(&self, file: &ParsedFile, ctx: &mut Ctx<'_>) {
        let Some(env) = env_file(file) else { return };
        if !ctx.applies_to(file.source.environment) {
            return;
        }
        for p in problems(env, &[ProblemKind::TextAfterClosingQuote]) {
            ctx.report(
                file.id,
                p.span,
                "text after the closing quote, which loaders disagree on: part of the value, another variable, or a command",
            )
            .help("put the whole value inside the quotes, or start a comment with ` #`");
        }
    }
}
