use super::{protect_userlist, secret_issue, userlist, SecretIssue};
use crate::diagnostic::redact;
use crate::project::ParsedFile;
use crate::rule::{Ctx, Rule};

crate::declare_rule! {
    /// ## What it does
    /// Reports a user in a PgBouncer auth file (`userlist.txt`) whose secret is a placeholder
    /// rather than a password, an MD5 hash or a SCRAM secret: `md5REPLACE_WITH_PASSWORD_HASH`,
    /// `CHANGE_ME`, `<password>`, `xxxxxxxx`, `your-password-here`, the SCRAM format template
    /// `SCRAM-SHA-256$<iterations>:<salt>$<storedkey>:<serverkey>`, or the example hash from
    /// PgBouncer's documentation. The markers are listed in `rules/data/placeholders.txt`.
    ///
    /// ## Why it matters
    /// PgBouncer does not reject a secret it cannot parse: anything that is not `md5` followed by
    /// 32 lowercase hex digits, nor a valid SCRAM secret, is taken as a *plain-text password*.
    /// A placeholder therefore deploys without a warning and does one of two things. Clients
    /// that use the real password are refused ("password authentication failed"), and the
    /// application cannot reach the database through the pooler. And anyone who has read the
    /// repository, or guesses `CHANGE_ME`, can log in as that user — PgBouncer also sends the
    /// placeholder to PostgreSQL as the password when it opens server connections.
    ///
    /// ## Example
    /// ```text title="config/pgbouncer/userlist.txt"
    /// "obcms_user" "md5REPLACE_WITH_ACTUAL_PASSWORD_HASH"
    /// "obcms_admin" "md5REPLACE_WITH_ADMIN_PASSWORD_HASH"
    /// ```
    ///
    /// ## How to fix
    /// Put the real secret in the file when it is deployed, generated from the password and
    /// never committed. Best is the SCRAM-SHA-256 secret PostgreSQL already stores for the role
    /// (with PostgreSQL's default `password_encryption = scram-sha-256`):
    ///
    /// ```sh
    /// psql -Atc "SELECT format('\"%s\" \"%s\"', rolname, rolpassword)
    ///            FROM pg_authid WHERE rolname = 'obcms_user'"
    /// ```
    ///
    /// An MD5 secret is the string `md5` followed by the hex MD5 of the password immediately
    /// followed by the user name:
    ///
    /// ```sh
    /// printf 'md5%s\n' "$(printf '%s%s' "$PASSWORD" obcms_user | md5sum | cut -d' ' -f1)"
    /// ```
    ///
    /// ```text title="config/pgbouncer/userlist.txt"
    /// "obcms_user" "SCRAM-SHA-256$4096:X0d/UTzRGHaotsblc+aFOg==$CvFSXyV3+jv4SofGl+Xc6BJTkKj2ZbP3c6Gbs6MrTqQ=:bAgJTo42srQKz8yHbmW3C8sM1/TqzoGpt3oMBMvdH8A="
    /// "obcms_admin" "md5a534999e3d7b32a0f8dac36d428d3967"
    /// ```
    ///
    /// Better still, keep `userlist.txt` out of the repository and mount it from a secret store,
    /// or let PgBouncer look users up in PostgreSQL with `auth_user` and `auth_query`.
    pub(crate) struct PlaceholderPassword {
        code: "PGB001",
        name: "placeholder-password",
        family: Pgbouncer,
        severity: Error,
        scope: NOT_DEVELOPMENT,
    }
}

impl Rule for PlaceholderPassword {
    fn check_file(&self, file: &ParsedFile, ctx: &mut Ctx<'_>) {
        let Some(list) = userlist(file) else { return };
        for e in &list.entries {
            let Some(SecretIssue::Placeholder(why)) = secret_issue(&e.secret) else {
                continue;
            };
            let d = ctx.report(
                file.id,
                e.secret_span,
                format!(
                    "placeholder instead of a password for user `{}`: `{}` is {why}",
                    e.user,
                    redact(&e.secret)
                ),
            );
            d.help(
                "PgBouncer accepts it as the plain-text password; put the user's SCRAM-SHA-256 \
                 secret or md5 hash here when deploying (see `shiplint explain PGB001`)",
            );
            protect_userlist(d, file.id, list);
        }
    }
}
