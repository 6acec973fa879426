use super::{env_file, has_reference};
use crate::diagnostic::redact;
use crate::kind::FileKind;
use crate::project::ParsedFile;
use crate::rule::{Ctx, Rule};
use crate::rules::data::{
    find_tokens, is_placeholder, is_secret_name, looks_random, url_password_range,
};
use crate::source::Span;

crate::declare_rule! {
    /// ## What it does
    /// Reports a secret-like variable (`SECRET_KEY`, `*_PASSWORD`, `*_TOKEN`, `*_API_KEY`, …), or
    /// the password inside a URL, whose value looks randomly generated — and so real — in an env
    /// file or template: at least 12 characters, no blanks, a mix of lowercase, uppercase and
    /// digits, at least 3 bits of Shannon entropy per character, and not made of words. A made-up
    /// value (`taiga-secret-key`, `postgres_password`, `ThisIsMyPassword2024`), a placeholder, a
    /// `${VARIABLE}` reference, a Django `django-insecure-` development key and the digest of a
    /// password under a name that says so (`GRAYLOG_SHA256_PASSWORD`, `*_HASH`) are left alone.
    /// Credentials in a provider's own format are `ENV002`'s.
    ///
    /// ## Why it matters
    /// shiplint only reads files that `.gitignore` does not exclude, so the file is, or can be,
    /// committed: everyone with access to the repository, its forks, its CI logs and any image
    /// built from it has the secret. A secret in a template is worse: every installation that
    /// copies the template shares it, so a session-signing `SECRET_KEY` or a database password
    /// is known to everyone who has read the project. Maintainers of projects that shipped such
    /// defaults (netbox-docker's superuser token, for one) found them unchanged on a sizeable
    /// share of servers exposed to the internet.
    ///
    /// Development and test files are not checked: their secrets guard nothing real.
    ///
    /// ## Example
    /// ```sh title=".env.example"
    /// SECRET_KEY='k8#mQ2v!Zr7@pL4x%Tn9&Wc3^bF6*hJ1(dS5)yG0-eRq+Ua7=Mi'
    /// DATABASE_URL=postgres://netbox:Vq7RkT2mXw9LpZ4s@postgres/netbox
    /// ```
    ///
    /// ## How to fix
    /// Rotate the secret: it is exposed for as long as the file has been in the history. Then
    /// leave the value out of the file — empty in a template, where each installation generates
    /// its own, and taken from a secret store or the deploy environment in a deployed file:
    /// ```sh title=".env.example"
    /// # generate with: python -c "import secrets; print(secrets.token_urlsafe(50))"
    /// SECRET_KEY=
    /// DATABASE_URL=postgres://netbox:${POSTGRES_PASSWORD}@postgres/netbox
    /// ```
    pub(crate) struct CommittedSecret {
        code: "ENV003",
        name: "committed-secret",
        family: Env,
        severity: Error,
        scope: NOT_DEVELOPMENT,
    }
}

impl Rule for CommittedSecret {
    fn check_file(&self, file: &ParsedFile, ctx: &mut Ctx<'_>) {
        let Some(env) = env_file(file) else { return };
        if !ctx.applies_to(file.source.environment) {
            return;
        }
        let template = file.source.kind == FileKind::EnvTemplate;
        for entry in &env.entries {
            if entry.value.is_empty() || has_reference(entry) {
                continue;
            }
            let value = entry.value.as_str();
            let exact = file.source.slice(entry.content_span) == value;
            let (secret, span, what) = if names_a_digest(&entry.key) {
                continue;
            } else if is_secret_name(&entry.key) {
                (value, entry.content_span, format!("`{}`", entry.key))
            } else if let Some(range) = url_password_range(value) {
                let span = if exact {
                    Span::new(
                        entry.content_span.start + range.start,
                        entry.content_span.start + range.end,
                    )
                } else {
                    entry.content_span
                };
                (
                    &value[range],
                    span,
                    format!("the password in `{}`", entry.key),
                )
            } else {
                continue;
            };
            if !is_real_looking(secret) {
                continue;
            }
            let (message, help) = if template {
                (
                    format!(
                        "{what} holds a real-looking secret (`{}`) in a template every installation copies",
                        redact(secret)
                    ),
                    "rotate it, and leave the value empty in the template so that each installation sets its own",
                )
            } else {
                (
                    format!(
                        "{what} holds a real-looking secret (`{}`) in a file that can be committed",
                        redact(secret)
                    ),
                    "rotate it, and take the value from a secret store or the deploy environment instead of the file",
                )
            };
            ctx.report(file.id, span, message)
                .help(help)
                .sensitive(file.id, span);
        }
    }
}

/// Whether a key holds a digest of a secret rather than the secret (`GRAYLOG_SHA256_PASSWORD`,
/// `ADMIN_PASSWORD_HASH`): random-looking by nature, and not usable to log in.
fn names_a_digest(key: &str) -> bool {
    key.to_ascii_uppercase().split(['_', '-', '.']).any(|w| {
        matches!(
            w,
            "HASH" | "HASHED" | "MD5" | "DIGEST" | "BCRYPT" | "CHECKSUM"
        ) || (w.starts_with("SHA") && w[3..].bytes().all(|b| b.is_ascii_digit()))
    })
}

/// Whether a secret's value looks generated rather than made up, and is not a stand-in or a
/// credential that `ENV002` reports.
fn is_real_looking(secret: &str) -> bool {
    let lower = secret.to_ascii_lowercase();
    looks_random(secret)
        && !is_placeholder(secret)
        && !lower.starts_with("django-insecure")
        && !["example", "sample", "dummy", "changeme", "fake"]
            .iter()
            .any(|w| lower.contains(w))
        && find_tokens(secret).is_empty()
}

#[cfg(test)]
mod tests {
    use super::is_real_looking;

    #[test]
    fn digests_are_not_secrets() {
        assert!(super::names_a_digest("GRAYLOG_SHA256_PASSWORD"));
        assert!(super::names_a_digest("ADMIN_PASSWORD_HASH"));
        assert!(super::names_a_digest("SHA_SECRET"));
        assert!(!super::names_a_digest("SHARED_SECRET"));
        assert!(!super::names_a_digest("DB_PASSWORD"));
    }

    #[test]
    fn generated_secrets_are_real_looking_and_stand_ins_are_not() {
        assert!(is_real_looking("J5brHrAXFLQSif0K"));
        assert!(is_real_looking("t4Ph722qJ5QHeQ1qfu36"));
        for v in [
            "taiga-secret-key",
            "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
            "django-insecure-9x!2k@l#m0q$7zw4vb8n",
            "AKIAZ7Q3N5V2KDRT4WLM",
            "xxxxxxxxxxxxxxxxxxxx",
        ] {
            assert!(!is_real_looking(v), "{v}");
        }
    }
}
