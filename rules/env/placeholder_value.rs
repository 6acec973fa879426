use super::{deployed_where, env_file, has_reference, is_setting_placeholder, shown};
use crate::kind::{Environment, FileKind};
use crate::parse::dotenv::Entry;
use crate::project::ParsedFile;
use crate::rule::{Ctx, Rule};
use crate::rules::data::{is_placeholder, is_secret_name, url_password_range};
use crate::source::Span;

crate::declare_rule! {
    /// ## What it does
    /// Reports a value in a real env file (`.env`, `.env.production`, `env/app.env`; not a
    /// template such as `.env.example`) that is still a placeholder: `changeme`, `REPLACE_ME`,
    /// `your-password-here`, `<your domain>`, `xxxxxxxx`, `TODO`, a password of `changeit` inside
    /// a database URL. In production and staging files it also reports a secret-like variable
    /// (`SECRET_KEY`, `*_PASSWORD`, `*_TOKEN`, …) left empty, and a host, URL or e-mail address
    /// on the reserved `example.com`, `example.org` or `example.net` domains. The markers are
    /// listed in `rules/data/placeholders.txt`.
    ///
    /// ## Why it matters
    /// Nothing checks these values before the containers start. A placeholder password is a
    /// password everyone who read the template knows; an empty `SECRET_KEY` or API token makes
    /// the application fail at its first request, or worse, run unsigned; a production
    /// `ALLOWED_HOSTS` or `DEFAULT_FROM_EMAIL` on `example.com` rejects every real request or
    /// sends mail nobody receives. Placeholders belong in templates, which are copied and filled
    /// in; a file that is deployed as it is must hold the real values.
    ///
    /// A `.env` whose environment cannot be told from its path is treated as the real one,
    /// because it is the file Compose reads by default.
    ///
    /// ## Example
    /// ```sh title=".env.production"
    /// SECRET_KEY=
    /// POSTGRES_PASSWORD=CHANGE_ME
    /// DATABASE_URL=postgres://app:changeme@db:5432/app
    /// ALLOWED_HOSTS=www.example.com
    /// ```
    ///
    /// ## How to fix
    /// Put the real values in the deployed file, or take them from the deploy environment with
    /// `${VARIABLE}` references:
    /// ```sh title=".env.production"
    /// SECRET_KEY=${DJANGO_SECRET_KEY}
    /// POSTGRES_PASSWORD=${POSTGRES_PASSWORD}
    /// DATABASE_URL=postgres://app:${POSTGRES_PASSWORD}@db:5432/app
    /// ALLOWED_HOSTS=www.korrigo.fr
    /// ```
    /// Keep the placeholders in the template (`.env.production.example`), where they tell
    /// whoever deploys what to fill in; shiplint does not report them there.
    pub(crate) struct PlaceholderValue {
        code: "ENV001",
        name: "placeholder-value",
        family: Env,
        severity: Error,
        scope: DEPLOYED_STRICT,
    }
}

impl Rule for PlaceholderValue {
    fn check_file(&self, file: &ParsedFile, ctx: &mut Ctx<'_>) {
        let environment = file.source.environment;
        if file.source.kind != FileKind::Env || !ctx.applies_to(environment) {
            return;
        }
        let Some(env) = env_file(file) else { return };
        for entry in &env.entries {
            if entry.equals.is_none() || has_reference(entry) {
                continue;
            }
            let Some((span, message, help)) = finding(file, entry, environment) else {
                continue;
            };
            ctx.report(file.id, span, message).help(help);
        }
    }
}

/// What is wrong with an entry, if anything: where, what, and what to do.
fn finding(
    file: &ParsedFile,
    entry: &Entry,
    environment: Environment,
) -> Option<(Span, String, String)> {
    let deployed = environment.is_deployed();
    let key = &entry.key;
    let value = entry.value.as_str();
    if value.is_empty() {
        if !deployed || !is_secret_name(key) {
            return None;
        }
        let span = Span::new(entry.key_span.start, entry.equals?.end);
        return Some((
            span,
            format!("`{key}` is empty {}", deployed_where(environment)),
            format!("set `{key}` to the real secret, or take it from the environment with `{key}=${{{key}}}`"),
        ));
    }
    // Offsets into the decoded value are offsets into the source when nothing was unescaped.
    let exact = file.source.slice(entry.content_span) == value;
    let sub_span = |range: std::ops::Range<usize>| {
        if exact {
            Span::new(
                entry.content_span.start + range.start,
                entry.content_span.start + range.end,
            )
        } else {
            entry.content_span
        }
    };
    if let Some(range) = url_password_range(value) {
        if is_placeholder(&value[range.clone()]) {
            return Some((
                sub_span(range),
                format!("the password in `{key}` is a placeholder"),
                "put the real password in the URL, or build it from a `${VARIABLE}` set at deploy time"
                    .to_string(),
            ));
        }
    }
    let placeholder = if is_secret_name(key) {
        is_placeholder(value)
    } else {
        is_setting_placeholder(value)
    };
    if placeholder {
        return Some((
            entry.content_span,
            format!(
                "`{key}` is still a placeholder (`{}`)",
                shown(entry, value)
            ),
            format!("set the real value of `{key}` before deploying; keep placeholders in templates such as `.env.example`"),
        ));
    }
    if deployed {
        if let Some((range, host)) = example_host(value) {
            return Some((
                sub_span(range),
                format!("`{key}` names `{host}`, a reserved example domain"),
                "put the real domain or address of this deployment".to_string(),
            ));
        }
    }
    None
}

/// The first host in a value (a URL, an e-mail address, or a bare host in a list) that is on a
/// domain reserved for examples by RFC 2606: its range in the value, and the host.
fn example_host(value: &str) -> Option<(std::ops::Range<usize>, String)> {
    let mut offset = 0;
    for item in value.split([',', ' ', ';', '\t']) {
        let start = offset;
        offset += item.len() + 1;
        let (host_at, rest) = match item.find("://") {
            Some(i) => {
                let authority = &item[i + 3..];
                let authority =
                    &authority[..authority.find(['/', '?', '#']).unwrap_or(authority.len())];
                let at = authority.rfind('@').map_or(0, |a| a + 1);
                (i + 3 + at, &authority[at..])
            }
            None => match item.rfind('@') {
                Some(a) => (a + 1, &item[a + 1..]),
                None => (0, item),
            },
        };
        let host = rest
            .split(['/', ':', '?', '#', '"', '\'', ']', '['])
            .next()
            .unwrap_or("");
        let bare = host.trim_start_matches('.').trim_end_matches('.');
        let lower = bare.to_ascii_lowercase();
        let reserved = ["example.com", "example.org", "example.net"]
            .iter()
            .any(|d| lower == *d || lower.ends_with(&format!(".{d}")))
            || lower.ends_with(".example");
        if reserved && !bare.is_empty() {
            let lead = host.len() - host.trim_start_matches('.').len();
            let from = start + host_at + lead;
            return Some((from..from + bare.len(), bare.to_string()));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::example_host;

    #[test]
    fn example_hosts_are_found_in_urls_addresses_and_lists() {
        let found = |v: &str| example_host(v).map(|(r, h)| (v[r].to_string(), h));
        assert_eq!(
            found("https://app.example.com/path"),
            Some(("app.example.com".into(), "app.example.com".into()))
        );
        assert_eq!(
            found("noreply@example.org"),
            Some(("example.org".into(), "example.org".into()))
        );
        assert_eq!(
            found("localhost,.example.net"),
            Some(("example.net".into(), "example.net".into()))
        );
        assert_eq!(
            found("postgres://u:p@db.example.com:5432/x"),
            Some(("db.example.com".into(), "db.example.com".into()))
        );
        assert_eq!(found("https://example.community"), None);
        assert_eq!(found("myexample.com"), None);
        assert_eq!(found("korrigo.fr,www.korrigo.fr"), None);
    }
}
