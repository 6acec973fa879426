use super::{env_file, has_reference};
use crate::diagnostic::redact;
use crate::project::ParsedFile;
use crate::rule::{Ctx, Rule};
use crate::rules::data::is_placeholder;

/// Django's signing key, under the names projects give it in env files.
const KEY_NAMES: &[&str] = &["SECRET_KEY", "DJANGO_SECRET_KEY"];

/// Django's own limits (`django/core/checks/security/base.py`, check `security.W009`).
const MIN_LENGTH: usize = 50;
const MIN_UNIQUE_CHARACTERS: usize = 5;
const INSECURE_PREFIX: &str = "django-insecure-";

crate::declare_rule! {
    /// ## What it does
    /// Reports a Django `SECRET_KEY` (or `DJANGO_SECRET_KEY`) in a production or staging env
    /// file, and in a `.env` whose environment is unknown (one step lower), that fails Django's
    /// own deployment check `security.W009`: shorter than 50 characters, made of fewer than 5
    /// distinct characters, or starting with `django-insecure-`, the prefix `startproject` gives
    /// development keys. Placeholders (`changeme`) are `ENV001`'s, empty values too.
    ///
    /// ## Why it matters
    /// The secret key signs sessions, password-reset tokens, messages and anything passed
    /// through `django.core.signing`. A short or guessable key can be brute-forced offline from
    /// one signed cookie; a `django-insecure-` key was generated for a laptop and usually sits
    /// in the repository. Whoever has the key can forge a session for any user. Django only
    /// warns about it under `manage.py check --deploy`, which many deploys never run.
    ///
    /// ## Example
    /// ```sh title=".env.production"
    /// SECRET_KEY="taiga-secret-key"
    /// ```
    ///
    /// ## How to fix
    /// Generate a long random key for each deployment and keep it out of the repository:
    /// ```sh
    /// python -c "from django.core.management.utils import get_random_secret_key as k; print(k())"
    /// ```
    /// ```sh title=".env.production"
    /// SECRET_KEY=${DJANGO_SECRET_KEY}
    /// ```
    pub(crate) struct WeakSecretKey {
        code: "ENV006",
        name: "weak-secret-key",
        family: Env,
        severity: Error,
        scope: DEPLOYED,
    }
}

impl Rule for WeakSecretKey {
    fn check_file(&self, file: &ParsedFile, ctx: &mut Ctx<'_>) {
        let Some(env) = env_file(file) else { return };
        if !ctx.applies_to(file.source.environment) {
            return;
        }
        for entry in &env.entries {
            if !KEY_NAMES.contains(&entry.key.as_str())
                || entry.value.is_empty()
                || has_reference(entry)
                || is_placeholder(&entry.value)
            {
                continue;
            }
            let Some(why) = weakness(&entry.value) else {
                continue;
            };
            ctx.report(
                file.id,
                entry.content_span,
                format!(
                    "`{}` (`{}`) is {why}",
                    entry.key,
                    redact(&entry.value)
                ),
            )
            .help(
                "generate a random key of 50 or more characters for each deployment \
                 (`django.core.management.utils.get_random_secret_key()`) and keep it out of the repository",
            )
            .sensitive(file.id, entry.content_span);
        }
    }
}

/// Why Django's `security.W009` would reject the key, if it would.
fn weakness(key: &str) -> Option<String> {
    let n = key.chars().count();
    let unique = key.chars().collect::<std::collections::BTreeSet<_>>().len();
    if key.starts_with(INSECURE_PREFIX) {
        Some(format!(
            "a development key: `{INSECURE_PREFIX}` marks keys that `startproject` generated"
        ))
    } else if unique < MIN_UNIQUE_CHARACTERS {
        Some(format!(
            "made of {unique} distinct characters, fewer than Django's minimum of {MIN_UNIQUE_CHARACTERS}"
        ))
    } else if n < MIN_LENGTH {
        Some(format!(
            "{n} characters long, shorter than Django's minimum of {MIN_LENGTH}"
        ))
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::weakness;

    #[test]
    fn django_w009_limits() {
        assert!(weakness("taiga-secret-key")
            .unwrap()
            .contains("16 characters"));
        assert!(weakness(&"ab".repeat(30)).unwrap().contains("2 distinct"));
        assert!(weakness(&format!(
            "django-insecure-{}",
            "k8#mQ2v!Zr7@pL4x%Tn9&Wc3^bF6*hJ1(dS5)yG0-eR"
        ))
        .unwrap()
        .contains("development key"));
        assert_eq!(
            weakness("k8#mQ2v!Zr7@pL4x%Tn9&Wc3^bF6*hJ1(dS5)yG0-eRq+Ua7=Mi"),
            None
        );
    }
}
