use super::{env_file, has_reference, holds_secret};
use crate::kind::Environment;
use crate::project::ParsedFile;
use crate::rule::{Ctx, Rule};
use crate::rules::data::{is_placeholder, url_password_range};

crate::declare_rule! {
    /// ## What it does
    /// Reports a secret in an env template (`.env.example`, `.env.production.sample`, …)
    /// whose value is a placeholder that works as a value: `DB_PASSWORD=changeme`,
    /// `SECRET_KEY=change-me`, `REDIS_PASSWORD=secret`, or such a password in a URL
    /// (`postgres://app:changeme@db/app`). The key names a secret (`*_PASSWORD`, `*_TOKEN`,
    /// `SECRET_KEY`, …) or its value is a URL with a password.
    ///
    /// Not reported: empty values (`DB_PASSWORD=`), which fail or stand out when left
    /// unfilled; values taken from the environment (`${DB_PASSWORD}`); values that are not
    /// placeholders (a real-looking default is `committed-secret`'s, ENV003, in real env
    /// files); templates of a development or test environment (`.env.dev.example`), or
    /// whose URLs reach services on `localhost` or `127.0.0.1` (a template for a
    /// developer's machine), where a known password is the point; and files that are read
    /// as they are rather than copied (`defaults.env`): only names with `example`, `sample`,
    /// `template`, `tpl` or `dist` are templates deployers copy.
    ///
    /// ## Why it matters
    /// Deployers copy the template to `.env` and fill in what they are told to. A secret that
    /// already has a value does not stand out: the deploy works with it, so a forgotten
    /// `changeme` goes to production unnoticed, and it is the first password anyone tries.
    /// An empty value instead fails loudly (the database image refuses to start, a
    /// `${DB_PASSWORD:?}` guard stops the deploy) or is reported by `placeholder-value`
    /// (ENV001) in the real file.
    ///
    /// ## Example
    /// ```sh title=".env.example"
    /// DB_USER=app
    /// DB_PASSWORD=changeme
    /// ```
    ///
    /// ## How to fix
    /// Leave the secret empty in the template and say how to generate it:
    /// ```sh title=".env.example"
    /// DB_USER=app
    /// # openssl rand -hex 32
    /// DB_PASSWORD=
    /// ```
    pub(crate) struct GuessableTemplateSecret {
        code: "ENV022",
        name: "guessable-template-secret",
        family: Env,
        severity: Info,
        scope: TEMPLATES,
    }
}

impl Rule for GuessableTemplateSecret {
    fn check_file(&self, file: &ParsedFile, ctx: &mut Ctx<'_>) {
        if !ctx.applies_to(file.source.environment) || !copied(file) || for_development(file) {
            return;
        }
        let Some(env) = env_file(file) else { return };
        // Services reached on `localhost` say the template is for a developer's machine (a
        // host name list with `localhost` in it, for health checks, does not).
        if env
            .entries
            .iter()
            .any(|e| LOCAL_HOSTS.iter().any(|h| e.value.contains(h)))
        {
            return;
        }
        for entry in &env.entries {
            if entry.equals.is_none()
                || entry.value.trim().is_empty()
                || has_reference(entry)
                || !holds_secret(entry)
            {
                continue;
            }
            let value = entry.value.as_str();
            let in_url = url_password_range(value).filter(|r| is_placeholder(&value[r.clone()]));
            if in_url.is_none() && !is_placeholder(value) {
                continue;
            }
            let key = &entry.key;
            // Only the password of a URL, when the value is written as it decodes.
            let exact = file.source.slice(entry.content_span) == value;
            let hidden = match &in_url {
                Some(r) if exact => crate::source::Span::new(
                    entry.content_span.start + r.start,
                    entry.content_span.start + r.end,
                ),
                _ => entry.content_span,
            };
            let what = if in_url.is_some() {
                "a URL whose password is a placeholder"
            } else {
                "a placeholder"
            };
            ctx.report(
                file.id,
                entry.content_span,
                format!(
                    "`{key}` defaults to {what} in this template: a deploy that copies the template works with it, so a forgotten one goes to production unnoticed"
                ),
            )
            .help(if in_url.is_some() {
                format!("build `{key}` from a variable left empty in the template (`:${{DB_PASSWORD}}@`), or leave `{key}` empty")
            } else {
                format!("leave `{key}` empty in the template (`{key}=`), with a comment saying how to generate it")
            })
            .sensitive(file.id, hidden);
        }
    }
}

/// URLs of services that only a developer's machine reaches.
const LOCAL_HOSTS: &[&str] = &["://localhost", "://127.0.0.1", "@localhost", "@127.0.0.1"];

/// Words in a template's name that say it is copied and filled in, not read as it is
/// (`defaults.env` is read as it is).
const COPY_MARKERS: &[&str] = &["example", "examples", "sample", "template", "tpl", "dist"];

fn file_name(file: &ParsedFile) -> String {
    file.source
        .path
        .file_name()
        .map(|n| n.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default()
}

/// Whether the template's name says deployers copy it: `.env.example`, `app.env.sample`.
fn copied(file: &ParsedFile) -> bool {
    file_name(file)
        .split(['.', '-', '_'])
        .any(|t| COPY_MARKERS.contains(&t))
}

/// Whether the template is for a development or test environment (`.env.dev.example`).
fn for_development(file: &ParsedFile) -> bool {
    let name = file_name(file);
    matches!(
        crate::discover::template_target(&name),
        Some(Environment::Development | Environment::Test)
    )
}
