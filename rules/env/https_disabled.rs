use super::{deployed_environment, deployed_where_in, env_file, flip_fix, is_falsy, negate};
use crate::project::ParsedFile;
use crate::rule::{Ctx, Rule};

/// Switches that keep a Django site on HTTPS, as projects name them in env files, with what
/// turning each off does.
const SWITCHES: &[(&str, &str)] = &[
    (
        "SSL_ENABLED",
        "the project's HTTPS settings are switched off",
    ),
    (
        "SECURE_SSL_REDIRECT",
        "plain-HTTP requests are served instead of redirected to HTTPS",
    ),
    (
        "DJANGO_SECURE_SSL_REDIRECT",
        "plain-HTTP requests are served instead of redirected to HTTPS",
    ),
    (
        "SESSION_COOKIE_SECURE",
        "the session cookie is also sent over plain HTTP",
    ),
    (
        "DJANGO_SESSION_COOKIE_SECURE",
        "the session cookie is also sent over plain HTTP",
    ),
    (
        "CSRF_COOKIE_SECURE",
        "the CSRF cookie is also sent over plain HTTP",
    ),
    (
        "DJANGO_CSRF_COOKIE_SECURE",
        "the CSRF cookie is also sent over plain HTTP",
    ),
];

crate::declare_rule! {
    /// ## What it does
    /// Reports an HTTPS switch turned off in a production or staging env file, and in a `.env`
    /// whose environment is unknown (one step lower): `SSL_ENABLED`, `SECURE_SSL_REDIRECT`,
    /// `SESSION_COOKIE_SECURE` or `CSRF_COOKIE_SECURE` (also with a `DJANGO_` prefix) set to
    /// `False`, `0`, `no` or `off`. Switches of other services (`EMAIL_USE_SSL`, `REDIS_SSL`)
    /// are not reported: they are about a connection, not the site.
    ///
    /// Templates for production or staging (`.env.production.example`, `.env.staging.sample`)
    /// are held to the same standard, at the same severity: deployers copy them with their
    /// values. Generic and development templates (`.env.example`, `.env.dev.example`) are not.
    ///
    /// ## Why it matters
    /// These settings are how a Django site keeps its users on HTTPS: redirecting plain-HTTP
    /// requests, and marking the session and CSRF cookies `Secure` so that browsers never send
    /// them unencrypted. Turned off in production, one visit over plain HTTP — a typed URL, an
    /// old link, a hostile Wi-Fi network — sends the session cookie in the clear, and whoever
    /// reads it is logged in. Projects often default them to off so that local development
    /// works, and the default reaches production unnoticed.
    ///
    /// When a proxy in front of the application terminates TLS and redirects HTTP itself,
    /// `SECURE_SSL_REDIRECT=False` can be deliberate; the cookies should still be `Secure`.
    ///
    /// ## Example
    /// ```sh title=".env.production"
    /// SSL_ENABLED=False
    /// SESSION_COOKIE_SECURE=false
    /// ```
    ///
    /// ## How to fix
    /// ```sh title=".env.production"
    /// SSL_ENABLED=True
    /// SESSION_COOKIE_SECURE=true
    /// ```
    /// If the proxy redirects to HTTPS, say so where the switch is, and suppress the finding:
    /// `SECURE_SSL_REDIRECT=False # shiplint: ignore[ENV007] nginx redirects to HTTPS`.
    pub(crate) struct HttpsDisabled {
        code: "ENV007",
        name: "https-disabled",
        family: Env,
        severity: Warning,
        scope: DEPLOYED,
    }
}

impl Rule for HttpsDisabled {
    fn check_file(&self, file: &ParsedFile, ctx: &mut Ctx<'_>) {
        let Some(env) = env_file(file) else { return };
        let environment = deployed_environment(file);
        if !ctx.applies_to(environment) {
            return;
        }
        for entry in &env.entries {
            let Some((_, effect)) = SWITCHES.iter().find(|(k, _)| *k == entry.key) else {
                continue;
            };
            if !is_falsy(&entry.value) {
                continue;
            }
            let replacement = negate(file.source.slice(entry.content_span));
            let d = ctx.report_as(file.id, entry.content_span, format!("`{}` is off {}: {effect}", entry.key, deployed_where_in(file, environment)), environment)
                .help(format!(
                    "set `{}={replacement}`; if a proxy enforces HTTPS, suppress this with a comment saying so",
                    entry.key
                ));
            if let Some(fix) = flip_fix(file, entry, format!("turn `{}` on", entry.key)) {
                d.fix(fix);
            }
        }
    }
}
