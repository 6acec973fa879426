use super::{protect_userlist, userlist};
use crate::project::ParsedFile;
use crate::rule::{Ctx, Rule};

crate::declare_rule! {
    /// ## What it does
    /// Reports a user defined more than once in a PgBouncer auth file. Every repeated entry is
    /// reported, with the first one as a related location.
    ///
    /// ## Why it matters
    /// PgBouncer's loader does not complain about a repeated user: each entry overwrites the
    /// secret of the one before (`add_user` in PgBouncer's `src/objects.c`), so the *last*
    /// entry wins. Whoever edits the first entry, as people reading from the top do, changes
    /// nothing; a password rotation that updates only one of the lines is silently undone, or
    /// locks the user out, depending on which line was edited.
    ///
    /// ## Example
    /// ```text title="config/pgbouncer/userlist.txt"
    /// "app" "SCRAM-SHA-256$4096:EzbynDJmXarI8H4C5uqZJQ==$3uA0zroujXofbwn060G4tSV6Y61Q42i7nVhuUp8dUqY=:dZDv5G/o6m2SMnFfRaHcz+GQ2gAG+V9KOR+BSpEYq7w="
    /// "stats" "md54a7b3a800d7ecc82a45f72b6d9515238"
    /// "app" "md52b87cf9b1266d11969bf25aa67290c26"
    /// ```
    ///
    /// ## How to fix
    /// Keep one entry per user, the one with the secret in use.
    ///
    /// ```text title="config/pgbouncer/userlist.txt"
    /// "app" "SCRAM-SHA-256$4096:EzbynDJmXarI8H4C5uqZJQ==$3uA0zroujXofbwn060G4tSV6Y61Q42i7nVhuUp8dUqY=:dZDv5G/o6m2SMnFfRaHcz+GQ2gAG+V9KOR+BSpEYq7w="
    /// "stats" "md54a7b3a800d7ecc82a45f72b6d9515238"
    /// ```
    pub(crate) struct DuplicateUser {
        code: "PGB006",
        name: "duplicate-user",
        family: Pgbouncer,
        severity: Warning,
        scope: ALL,
    }
}

impl Rule for DuplicateUser {
    fn check_file(&self, file: &ParsedFile, ctx: &mut Ctx<'_>) {
        let Some(list) = userlist(file) else { return };
        let line = |offset: usize| file.source.line_col(offset).line;
        for (i, e) in list.entries.iter().enumerate() {
            let Some(first) = list.entries[..i].iter().find(|p| p.user == e.user) else {
                continue;
            };
            let last = list
                .entries
                .iter()
                .rfind(|p| p.user == e.user)
                .unwrap_or(e);
            let which = if std::ptr::eq(last, e) {
                "PgBouncer uses this last entry".to_string()
            } else {
                format!("PgBouncer uses the last one, on line {}", line(last.line_span.start))
            };
            let d = ctx.report(
                file.id,
                e.user_span,
                format!(
                    "user `{}` is already defined on line {}; {which}",
                    e.user,
                    line(first.line_span.start)
                ),
            );
            d.help("keep one entry per user, with the secret that is in use")
                .related(file.id, first.user_span, "first defined here");
            protect_userlist(d, file.id, list);
        }
    }
}
