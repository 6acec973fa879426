use super::{entry_at, env_file, problems, quote_fix};
use crate::diagnostic::{Applicability, Edit, Fix};
use crate::parse::dotenv::{ProblemKind, Quote};
use crate::project::ParsedFile;
use crate::rule::{Ctx, Rule};
use crate::source::Span;

crate::declare_rule! {
    /// ## What it does
    /// Reports a `#` outside quotes that loaders disagree about, on that `#`:
    ///
    /// - `KEY= # note`: the blank after `=` is skipped, so Compose reads `# note` as the value;
    ///   python-dotenv, dotenvy and shells read an empty value and a comment.
    /// - `KEY=value<TAB># note`: Compose only starts a comment at a *space* before `#`, so the
    ///   tab and the note are part of the value; the other loaders read a comment.
    /// - `KEY=abc#def`: Compose, shells and python-dotenv keep `abc#def`, but Node's dotenv,
    ///   older Compose releases and other tools cut the value at `#` — a password loses its end.
    /// - `KEY="value"# note`: Compose and python-dotenv start a comment right after the quote,
    ///   a shell keeps `# note` in the value.
    ///
    /// ## Why it matters
    /// A value with a `#` in it is read differently depending on the tool that loads the file:
    /// the app under Compose gets one value, a migration script that sources the file another.
    /// The first two forms are almost always a comment meant for the reader that Compose puts
    /// into the value; the third silently truncates passwords and colours for some loaders.
    ///
    /// ## Example
    /// ```sh title=".env"
    /// EMAIL_HOST_PASSWORD= # set in the deploy environment
    /// REDIS_PASSWORD=k3y#With#hashes
    /// TITLE="Dashboard"# shown in the header
    /// ```
    ///
    /// ## How to fix
    /// Quote values that contain `#`, and start comments with a space before `#` or on their own
    /// line:
    /// ```sh title=".env"
    /// # set in the deploy environment
    /// EMAIL_HOST_PASSWORD=
    /// REDIS_PASSWORD='k3y#With#hashes'
    /// TITLE="Dashboard" # shown in the header
    /// ```
    pub(crate) struct UnquotedHash {
        code: "ENV011",
        name: "unquoted-hash",
        family: Env,
        severity: Warning,
        scope: ALL,
    }
}

impl Rule for UnquotedHash {
    fn check_file(&self, file: &ParsedFile, ctx: &mut Ctx<'_>) {
        let Some(env) = env_file(file) else { return };
        if !ctx.applies_to(file.source.environment) {
            return;
        }
        let text = file.source.text.as_str();
        for p in problems(env, &[ProblemKind::UnquotedHash]) {
            let Some(entry) = entry_at(env, p.span.start) else {
                continue;
            };
            let before = text[..p.span.start].chars().next_back().unwrap_or(' ');
            let key = &entry.key;
            if entry.quote != Quote::None {
                // Ex) KEY="value"# note
                ctx.report(
                    file.id,
                    p.span,
                    "`#` right after the closing quote: a comment for Compose, part of the value for a shell",
                )
                .help("put a space before `#`")
                .fix(Fix {
                    message: "put a space before `#`".to_string(),
                    applicability: Applicability::Safe,
                    edits: vec![Edit {
                        file: file.id,
                        span: Span::empty(p.span.start),
                        content: " ".to_string(),
                    }],
                });
            } else if p.span.start == entry.raw_value_span.start && before != '=' {
                // Ex) KEY= # note
                ctx.report(
                    file.id,
                    p.span,
                    format!("this comment is the value of `{key}` for Compose; other loaders read an empty value"),
                )
                .help(format!(
                    "write `{key}=''` before the comment, or put the comment on its own line"
                ));
            } else if before != ' ' && before.is_whitespace() {
                // Ex) KEY=value<TAB># note
                ctx.report(
                    file.id,
                    p.span,
                    format!("this comment is part of the value of `{key}` for Compose: only a space before `#` starts a comment"),
                )
                .help("put a space before `#` if it starts a comment, or quote the value if it does not");
            } else {
                // Ex) KEY=abc#def
                let d = ctx
                    .report(
                        file.id,
                        p.span,
                        format!(
                            "`#` in the unquoted value of `{key}`: some loaders cut the value here"
                        ),
                    )
                    .help("quote the value so that every loader keeps the `#`");
                if let Some(fix) = quote_fix(file, entry) {
                    d.fix(fix);
                }
            }
        }
    }
}
