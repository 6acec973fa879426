use super::{entry_index_at, env_file, problems};
use crate::diagnostic::{Applicability, Edit, Fix};
use crate::parse::dotenv::ProblemKind;
use crate::project::ParsedFile;
use crate::rule::{Ctx, Rule};

crate::declare_rule! {
    /// ## What it does
    /// Reports blanks between a key and `=`, or between `=` and the value: `KEY = value`,
    /// `KEY =value`, `KEY= value`. The finding covers the blanks (and the `=` between them).
    /// `KEY= # note` is `ENV011`'s.
    ///
    /// ## Why it matters
    /// Compose, python-dotenv and dotenvy trim the blanks, but a shell does not: it runs
    /// `KEY = value` as the command `KEY` with two arguments, and `KEY= value` as the command
    /// `value` with an empty `KEY` in its environment. An entrypoint or CI step that sources the
    /// file fails, or runs with the variable unset. Tools that read `KEY=` prefixes (`grep`,
    /// `sed` in deploy scripts) miss the line too.
    ///
    /// ## Example
    /// ```sh title=".env"
    /// POSTGRES_DB = app
    /// POSTGRES_USER= app
    /// ```
    ///
    /// ## How to fix
    /// ```sh title=".env"
    /// POSTGRES_DB=app
    /// POSTGRES_USER=app
    /// ```
    pub(crate) struct SpaceAroundEquals {
        code: "ENV013",
        name: "space-around-equals",
        family: Env,
        severity: Warning,
        scope: ALL,
    }
}

impl Rule for SpaceAroundEquals {
    fn check_file(&self, file: &ParsedFile, ctx: &mut Ctx<'_>) {
        let Some(env) = env_file(file) else { return };
        if !ctx.applies_to(file.source.environment) {
            return;
        }
        let text = file.source.text.as_str();
        let mut runs: Vec<(usize, Vec<crate::source::Span>)> = Vec::new();
        for p in problems(env, &[ProblemKind::SpaceAroundEquals]) {
            // Ex) `KEY= # note`: the comment becomes the value, reported by ENV011.
            if text[p.span.end..].starts_with('#') {
                continue;
            }
            let Some(index) = entry_index_at(env, p.span.start) else {
                continue;
            };
            match runs.last_mut() {
                Some((i, spans)) if *i == index => spans.push(p.span),
                _ => runs.push((index, vec![p.span])),
            }
        }
        for (index, spans) in runs {
            let entry = &env.entries[index];
            let span = spans[0].cover(spans[spans.len() - 1]);
            ctx.report(
                file.id,
                span,
                format!(
                    "blank around `=` after `{}`: a shell runs this line as a command instead of setting the variable",
                    entry.key
                ),
            )
            .help(format!("remove the blanks: `{}=…`", entry.key))
            .fix(Fix {
                message: "remove the blanks around `=`".to_string(),
                applicability: Applicability::Safe,
                edits: spans
                    .iter()
                    .map(|&s| Edit {
                        file: file.id,
                        span: s,
                        content: String::new(),
                    })
                    .collect(),
            });
        }
    }
}
