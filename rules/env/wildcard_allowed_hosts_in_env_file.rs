use super::{deployed_environment, deployed_where_in, env_file};
use crate::project::ParsedFile;
use crate::rule::{Ctx, Rule};
use crate::source::Span;

/// Django's host allow-list, under the names projects give it in env files.
const HOST_KEYS: &[&str] = &["ALLOWED_HOSTS", "DJANGO_ALLOWED_HOSTS"];

crate::declare_rule! {
    /// ## What it does
    /// Reports `*` in Django's `ALLOWED_HOSTS` (or `DJANGO_ALLOWED_HOSTS`) in a production or
    /// staging env file, and in a `.env` whose environment is unknown (one step lower): alone
    /// (`ALLOWED_HOSTS=*`) or as one item of a comma- or space-separated list.
    ///
    /// Templates for production or staging (`.env.production.example`, `.env.staging.sample`)
    /// are held to the same standard, at the same severity: deployers copy them with their
    /// values. Generic and development templates (`.env.example`, `.env.dev.example`) are not.
    ///
    /// ## Why it matters
    /// `ALLOWED_HOSTS` is how Django refuses requests whose `Host` header names a site it does
    /// not serve. With `*`, Django builds absolute URLs — password-reset links, redirects,
    /// e-mailed links, cache keys — from whatever host an attacker sends: a reset e-mail can
    /// then carry a link to the attacker's server with the victim's token in it, and a shared
    /// cache can be poisoned. `manage.py check --deploy` does not catch it, and the site works
    /// normally, so it stays.
    ///
    /// ## Example
    /// ```sh title=".env.production"
    /// ALLOWED_HOSTS=*
    /// ```
    ///
    /// ## How to fix
    /// List the domains the site is served under; a leading dot allows subdomains:
    /// ```sh title=".env.production"
    /// ALLOWED_HOSTS=korrigo.fr,.korrigo.fr
    /// ```
    /// Health checks that call the container by IP can use a dedicated view or middleware that
    /// answers before host validation, rather than opening every host.
    pub(crate) struct WildcardAllowedHosts {
        code: "ENV005",
        name: "wildcard-allowed-hosts-in-env-file",
        family: Env,
        severity: Error,
        scope: DEPLOYED,
    }
}

impl Rule for WildcardAllowedHosts {
    fn check_file(&self, file: &ParsedFile, ctx: &mut Ctx<'_>) {
        let Some(env) = env_file(file) else { return };
        let environment = deployed_environment(file);
        if !ctx.applies_to(environment) {
            return;
        }
        for entry in &env.entries {
            if !HOST_KEYS.contains(&entry.key.as_str()) {
                continue;
            }
            let text = file.source.slice(entry.content_span);
            // Ex) `*`, `localhost,*`, `["*"]`, `'*' example.org`
            let mut offset = 0;
            for item in text.split([',', ' ', '\t']) {
                let start = offset;
                offset += item.len() + 1;
                let trimmed = item.trim_matches(|c| matches!(c, '[' | ']' | '"' | '\''));
                if trimmed != "*" {
                    continue;
                }
                let at = entry.content_span.start + start + item.find('*').unwrap_or(0);
                ctx.report_as(file.id, Span::new(at, at + 1), format!("`{}` accepts any host {}", entry.key, deployed_where_in(file, environment)), environment)
                .help(
                    "list the domains the site is served under (`example.org,.example.org`); with \
                     `*` Django builds password-reset and redirect links from the attacker's Host header",
                );
                break;
            }
        }
    }
}
