use crate::diagnostic::redact;
use crate::parse::python::{Provenance, Value};
use crate::rule::{Ctx, Rule};
use crate::rules::django::{check_leaves, Finding, Judged};

crate::declare_rule! {
    /// ## What it does
    /// Reports a `SECRET_KEY` that deployed settings take from the code: a literal, or the
    /// fallback of an environment read (`os.environ.get("SECRET_KEY", "dev-key")`,
    /// `env("SECRET_KEY", default="…")`, `config("SECRET_KEY", default="…")`) that runs when the
    /// variable is missing. The message says when the key is also weak by Django's own measure
    /// (`security.W009`): shorter than 50 characters, fewer than 5 distinct characters, or
    /// carrying the `django-insecure-` prefix that `startproject` writes. Literal entries of
    /// `SECRET_KEY_FALLBACKS` are reported the same way (`security.W025`). The key is never
    /// printed: messages show a redacted form.
    ///
    /// A settings export (`diffsettings` text or a JSON dump) shows the key the running
    /// settings hold: a key in clear there is reported too, since the export file now holds
    /// it. A fingerprint the exporter writes instead (`"<redacted:50 chars>"`) is not.
    ///
    /// ## Why it matters
    /// The secret key signs sessions, password-reset links, CSRF tokens and anything passed
    /// through `django.core.signing`. A key committed to the repository is known to everyone
    /// who can read it, and identical on every installation that forgot to set the variable:
    /// with it, anyone can forge a session cookie for any user. A fallback hides the mistake,
    /// because nothing fails when the variable is missing.
    ///
    /// ## Example
    /// ```python title="app/settings/production.py"
    /// import os
    ///
    /// SECRET_KEY = os.environ.get("SECRET_KEY", "django-insecure-change-me")
    /// ALLOWED_HOSTS = ["shop.example.org"]
    /// ```
    ///
    /// ## How to fix
    /// Require the variable, so that a deploy without it fails at startup:
    /// ```python title="app/settings/production.py"
    /// import os
    ///
    /// SECRET_KEY = os.environ["SECRET_KEY"]
    /// ALLOWED_HOSTS = ["shop.example.org"]
    /// ```
    /// Generate the key with `python -c "import secrets; print(secrets.token_urlsafe(50))"`
    /// and rotate it if it was ever committed. Development settings may keep a fixed key;
    /// shiplint does not check them.
    pub(crate) struct HardCodedSecretKey {
        code: "DJG002",
        name: "hard-coded-secret-key",
        family: Django,
        severity: Error,
        scope: DEPLOYED,
    }
}

/// Django's `SECRET_KEY_MIN_LENGTH`, `SECRET_KEY_MIN_UNIQUE_CHARACTERS` and
/// `SECRET_KEY_INSECURE_PREFIX`.
const MIN_LENGTH: usize = 50;
const MIN_UNIQUE: usize = 5;
const INSECURE_PREFIX: &str = "django-insecure-";

fn weakness(key: &str) -> Option<String> {
    let n = key.chars().count();
    let mut unique: Vec<char> = key.chars().collect();
    unique.sort_unstable();
    unique.dedup();
    if key.starts_with(INSECURE_PREFIX) {
        Some(format!(
            "it carries the `{INSECURE_PREFIX}` prefix of a generated development key"
        ))
    } else if n < MIN_LENGTH {
        Some(format!(
            "it has {n} characters, fewer than Django's minimum of {MIN_LENGTH}"
        ))
    } else if unique.len() < MIN_UNIQUE {
        Some(format!(
            "it has {} distinct characters, fewer than Django's minimum of {MIN_UNIQUE}",
            unique.len()
        ))
    } else {
        None
    }
}

const HELP: &str = "read the key from the environment without a fallback \
                    (os.environ[\"SECRET_KEY\"]), so a deploy without it fails at startup, and \
                    rotate the committed key";

const EXPORT_HELP: &str = "export the settings with secrets redacted (docs/settings-export.md) \
                           and rotate the key the file shows";

impl Rule for HardCodedSecretKey {
    fn check_project(&self, ctx: &mut Ctx<'_>) {
        check_leaves(ctx, |leaf, out| {
            if let Judged::Set(setting, outcomes) = leaf.judge("SECRET_KEY") {
                if leaf.guarded("SECRET_KEY") {
                    return;
                }
                let exported = setting.provenance == Provenance::Export;
                for o in outcomes {
                    let Value::Str(key) = &o.value else { continue };
                    // An empty key stops Django from starting: that fails loudly.
                    if key.is_empty() {
                        continue;
                    }
                    let mut message = if exported {
                        format!(
                            "SECRET_KEY is written in clear in this settings export ({})",
                            redact(key)
                        )
                    } else if o.uses_default() {
                        format!(
                            "SECRET_KEY falls back to a hard-coded value ({}){}",
                            redact(key),
                            o.when()
                        )
                    } else {
                        format!("SECRET_KEY is hard-coded ({})", redact(key))
                    };
                    if let Some(why) = weakness(key) {
                        message.push_str(&format!(", and it is weak: {why}"));
                    }
                    let help = if exported { EXPORT_HELP } else { HELP };
                    out.push(Finding::at(o.span, message).help(help).secret(o.span));
                }
            }
            if let Judged::Set(_, outcomes) = leaf.judge("SECRET_KEY_FALLBACKS") {
                for o in outcomes {
                    let Some(items) = o.value.as_list() else {
                        continue;
                    };
                    for item in items {
                        let Value::Str(key) = &item.value else {
                            continue;
                        };
                        if key.is_empty() {
                            continue;
                        }
                        // Items of a literal list keep their own spans.
                        let span = if o.uses_default() { o.span } else { item.span };
                        out.push(
                            Finding::at(
                                span,
                                format!(
                                    "SECRET_KEY_FALLBACKS holds a hard-coded key ({}){}",
                                    redact(key),
                                    o.when()
                                ),
                            )
                            .help(
                                "read retired keys from the environment too, and drop them once \
                                 the sessions they signed have expired",
                            )
                            .secret(span),
                        );
                    }
                }
            }
        });
    }
}
