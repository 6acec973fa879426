use super::{entry_at, env_file, problems};
use crate::parse::dotenv::ProblemKind;
use crate::project::ParsedFile;
use crate::rule::{Ctx, Rule};

crate::declare_rule! {
    /// ## What it does
    /// Reports quoting and escaping that Compose reads differently from shells and dotenvy, on
    /// the first offending character of each value:
    ///
    /// - a quote inside an unquoted value: `KEY=a"b"`, `CORS_ORIGINS=["https://a.org"]`;
    /// - a backslash inside an unquoted value: `PASSWORD=ab\cd`;
    /// - `\'` inside single quotes: `KEY='it\'s'`.
    ///
    /// ## Why it matters
    /// Compose keeps quotes and backslashes in an unquoted value as ordinary characters, where
    /// a shell treats them as quoting (`a"b"` becomes `ab`, `ab\cd` becomes `abcd`) and dotenvy
    /// rejects most of them. In single quotes, Compose and python-dotenv read `\'` as an escaped
    /// quote, but for a shell and dotenvy single quotes have no escapes: the value ends there and
    /// the rest of the file is read out of step. Such values are often passwords and JSON, where
    /// one character less is a different value.
    ///
    /// ## Example
    /// ```sh title=".env"
    /// CORS_ALLOWED_ORIGINS=["https://app.korrigo.fr"]
    /// SMTP_PASSWORD=pa\ss
    /// MOTD='it\'s up'
    /// ```
    ///
    /// ## How to fix
    /// Quote the whole value so that every loader reads it literally: single quotes when it holds
    /// no `'` (and needs no `${VARIABLE}`), double quotes with `\"` and `\\` escapes otherwise:
    /// ```sh title=".env"
    /// CORS_ALLOWED_ORIGINS='["https://app.korrigo.fr"]'
    /// SMTP_PASSWORD='pa\ss'
    /// MOTD="it's up"
    /// ```
    pub(crate) struct AmbiguousQuoting {
        code: "ENV014",
        name: "ambiguous-quoting",
        family: Env,
        severity: Warning,
        scope: ALL,
    }
}

impl Rule for AmbiguousQuoting {
    fn check_file(&self, file: &ParsedFile, ctx: &mut Ctx<'_>) {
        let Some(env) = env_file(file) else { return };
        if !ctx.applies_to(file.source.environment) {
            return;
        }
        let kinds = [
            ProblemKind::UnquotedQuote,
            ProblemKind::UnquotedBackslash,
            ProblemKind::EscapedSingleQuote,
        ];
        let mut last_entry = None;
        for p in problems(env, &kinds) {
            let Some(entry) = entry_at(env, p.span.start) else {
                continue;
            };
            // One finding per value: the first character that loaders disagree on.
            if last_entry == Some(entry.key_span) {
                continue;
            }
            last_entry = Some(entry.key_span);
            let key = &entry.key;
            let (message, help) = match p.kind {
                ProblemKind::UnquotedQuote => (
                    format!("quote inside the unquoted value of `{key}`: Compose keeps it, a shell removes it"),
                    "quote the whole value: single quotes around it, or double quotes with the inner `\"` escaped",
                ),
                ProblemKind::UnquotedBackslash => (
                    format!("backslash inside the unquoted value of `{key}`: Compose keeps it, a shell removes it"),
                    "single-quote the value so that every loader keeps the backslash",
                ),
                _ => (
                    format!("`\\'` inside the single-quoted value of `{key}`: Compose reads a quote, a shell ends the value here"),
                    "use double quotes around a value that contains `'`",
                ),
            };
            ctx.report(file.id, p.span, message).help(help);
        }
    }
}
