use super::{protect_userlist, secret_issue, userlist, SecretIssue};
use crate::diagnostic::redact;
use crate::project::ParsedFile;
use crate::rule::{Ctx, Rule};

crate::declare_rule! {
    /// ## What it does
    /// Reports a user whose secret in a PgBouncer auth file is a plain-text password rather
    /// than an MD5 hash or a SCRAM-SHA-256 secret. Empty secrets, placeholders (PGB001), broken
    /// hashes (PGB002) and template references such as `${PGBOUNCER_PASSWORD}`, which an
    /// entrypoint fills in, are not reported here.
    ///
    /// ## Why it matters
    /// Whoever can read `userlist.txt` — anyone with the repository, an image layer, a backup
    /// or a shell in the container — can log in as that user, to PgBouncer and to PostgreSQL
    /// directly, and the password is likely reused elsewhere. A SCRAM secret cannot be used to
    /// log in by itself. (An MD5 hash can, to servers that use MD5 authentication, which is one
    /// more reason to prefer SCRAM.)
    ///
    /// PgBouncer does need the plain-text password in one case: to log in to a PostgreSQL
    /// server that uses SCRAM when the client did not log in with SCRAM, or when the
    /// `[databases]` entry forces a `user=`. Then keep the file out of the repository and
    /// mount it from a secret store, and suppress this finding with the reason.
    ///
    /// ## Example
    /// ```text title="config/pgbouncer/userlist.txt"
    /// "app" "s3cret-app-pass"
    /// ```
    ///
    /// ## How to fix
    /// Store the role's SCRAM-SHA-256 secret, as PostgreSQL has it:
    ///
    /// ```sh
    /// psql -Atc "SELECT format('\"%s\" \"%s\"', rolname, rolpassword)
    ///            FROM pg_authid WHERE rolname = 'app'"
    /// ```
    ///
    /// ```text title="config/pgbouncer/userlist.txt"
    /// "app" "SCRAM-SHA-256$4096:EzbynDJmXarI8H4C5uqZJQ==$3uA0zroujXofbwn060G4tSV6Y61Q42i7nVhuUp8dUqY=:dZDv5G/o6m2SMnFfRaHcz+GQ2gAG+V9KOR+BSpEYq7w="
    /// ```
    ///
    /// With a SCRAM secret, PgBouncer can log in to a SCRAM server on the client's behalf only
    /// when the client itself authenticated with SCRAM and the secret is the server's own (same
    /// salt and iterations), which the query above guarantees.
    pub(crate) struct PlaintextPassword {
        code: "PGB003",
        name: "plaintext-password",
        family: Pgbouncer,
        severity: Warning,
        scope: NOT_DEVELOPMENT,
    }
}

impl Rule for PlaintextPassword {
    fn check_file(&self, file: &ParsedFile, ctx: &mut Ctx<'_>) {
        let Some(list) = userlist(file) else { return };
        for e in &list.entries {
            if secret_issue(&e.secret) != Some(SecretIssue::Plaintext) {
                continue;
            }
            let d = ctx.report(
                file.id,
                e.secret_span,
                format!(
                    "plain-text password `{}` for user `{}` in the auth file",
                    redact(&e.secret),
                    e.user
                ),
            );
            d.help(
                "store the role's SCRAM-SHA-256 secret from pg_authid instead, or keep this \
                 file out of the repository if PgBouncer needs the password itself",
            );
            protect_userlist(d, file.id, list);
        }
    }
}
