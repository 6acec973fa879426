use super::{protect_userlist, secret_issue, userlist, SecretIssue};
use crate::project::ParsedFile;
use crate::rule::{Ctx, Rule};

crate::declare_rule! {
    /// ## What it does
    /// Reports a secret in a PgBouncer auth file that is meant to be an MD5 hash or a SCRAM
    /// secret but is not one PgBouncer recognises, and says what is wrong: an MD5 hash with the
    /// wrong number of hex digits, a character that is not a hex digit among its 32, uppercase
    /// hex digits or an uppercase `MD5` prefix; a SCRAM secret without its `$` and `:` separators, with an
    /// iteration count that is not a positive number, a salt or key that is not base64, a key
    /// that does not decode to 32 bytes, or a scheme not written `SCRAM-SHA-256`. Placeholders
    /// such as `md5REPLACE_ME` are reported by PGB001 instead.
    ///
    /// ## Why it matters
    /// PgBouncer recognises an MD5 hash only as `md5` followed by exactly 32 *lowercase* hex
    /// digits, and a SCRAM secret only when every part parses. Anything else is silently taken
    /// as a plain-text password: the truncated hash itself becomes the password. Clients that
    /// send the real password are refused, and PgBouncer sends the broken string to PostgreSQL
    /// when it logs in on the user's behalf, so the pool cannot connect either. Nothing in
    /// PgBouncer's log points at the auth file.
    ///
    /// ## Example
    /// A hash that lost its last digit when it was copied:
    /// ```text title="config/pgbouncer/userlist.txt"
    /// "app" "md52b87cf9b1266d11969bf25aa67290c2"
    /// ```
    ///
    /// ## How to fix
    /// Regenerate the secret rather than repairing it by hand. PostgreSQL stores the SCRAM
    /// secret of a role in `pg_authid.rolpassword`; an MD5 secret is `md5` followed by the
    /// lowercase hex MD5 of the password immediately followed by the user name:
    ///
    /// ```sh
    /// printf 'md5%s\n' "$(printf '%s%s' "$PASSWORD" app | md5sum | cut -d' ' -f1)"
    /// ```
    ///
    /// ```text title="config/pgbouncer/userlist.txt"
    /// "app" "md52b87cf9b1266d11969bf25aa67290c26"
    /// ```
    pub(crate) struct MalformedPasswordHash {
        code: "PGB002",
        name: "malformed-password-hash",
        family: Pgbouncer,
        severity: Error,
        scope: ALL,
    }
}

impl Rule for MalformedPasswordHash {
    fn check_file(&self, file: &ParsedFile, ctx: &mut Ctx<'_>) {
        let Some(list) = userlist(file) else { return };
        for e in &list.entries {
            let Some(SecretIssue::Malformed(why)) = secret_issue(&e.secret) else {
                continue;
            };
            let what = if e.secret.to_ascii_lowercase().starts_with("scram") {
                "SCRAM secret"
            } else {
                "md5 hash"
            };
            let d = ctx.report(
                file.id,
                e.secret_span,
                format!("malformed {what} for user `{}`: {why}", e.user),
            );
            d.help(
                "PgBouncer takes the value as a plain-text password, so the real password is \
                 refused; regenerate the secret (see `shiplint explain PGB002`)",
            );
            protect_userlist(d, file.id, list);
        }
    }
}
