use super::{ini, protect_ini, trailing_comment};
use crate::diagnostic::{Applicability, Edit, Fix};
use crate::project::ParsedFile;
use crate::rule::{Ctx, Rule};

crate::declare_rule! {
    /// ## What it does
    /// Reports a `; comment` or `# comment` written after a value in `pgbouncer.ini`, such as
    /// `pool_mode = transaction ; for Django`. In connection strings a `;` or `#` inside single
    /// quotes is part of the value and is not reported, nor are SQL and free-text settings
    /// (`auth_query`, `server_reset_query`, `server_check_query`, `login_notify_message`). The
    /// fix deletes the comment.
    ///
    /// ## Why it matters
    /// PgBouncer treats `;` and `#` as comments only at the start of a line. Later in a line they
    /// are ordinary characters, so the comment becomes part of the value: `transaction ; for
    /// Django` is not a pool mode, `6432 ; port` is not a number, and PgBouncer refuses to start
    /// ("invalid value ... for parameter"). Where any text is accepted the damage is quieter:
    /// `admin_users = ops ; on-call` names a user called `ops ; on-call`, and a `logfile` path
    /// gains a comment. Other ini dialects accept trailing comments, which is why this is easy
    /// to write and hard to spot in review.
    ///
    /// ## Example
    /// ```ini title="config/pgbouncer/pgbouncer.ini"
    /// [pgbouncer]
    /// listen_port = 6432 ; default port
    /// pool_mode = transaction # required by the workers
    /// ```
    ///
    /// ## How to fix
    /// Put comments on their own line.
    ///
    /// ```ini title="config/pgbouncer/pgbouncer.ini"
    /// [pgbouncer]
    /// ; default port
    /// listen_port = 6432
    /// ; required by the workers
    /// pool_mode = transaction
    /// ```
    pub(crate) struct TrailingCommentInValue {
        code: "PGB009",
        name: "trailing-comment-in-value",
        family: Pgbouncer,
        severity: Error,
        scope: ALL,
    }
}

impl Rule for TrailingCommentInValue {
    fn check_file(&self, file: &ParsedFile, ctx: &mut Ctx<'_>) {
        let Some(ini) = ini(file) else { return };
        for section in &ini.sections {
            for e in &section.entries {
                let Some(c) = trailing_comment(&section.name, e) else {
                    continue;
                };
                let nothing_left = c.value.is_empty();
                let d = ctx.report(
                    file.id,
                    c.comment,
                    format!(
                        "comment after the value of `{}` is read as part of the value",
                        e.key
                    ),
                );
                d.help(
                    "put the comment on its own line: PgBouncer treats `;` and `#` as comments \
                     only at the start of a line",
                )
                .fix(Fix {
                    message: if nothing_left {
                        "remove the comment, leaving the value empty".to_string()
                    } else {
                        "remove the comment".to_string()
                    },
                    applicability: if nothing_left {
                        Applicability::Unsafe
                    } else {
                        Applicability::Safe
                    },
                    edits: vec![Edit {
                        file: file.id,
                        span: c.removal,
                        content: String::new(),
                    }],
                });
                protect_ini(d, file.id, ini);
            }
        }
    }
}
