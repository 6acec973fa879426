use crate::rule::{Ctx, Rule};
use crate::rules::django::{check_leaves, require_on, SECURITY_MIDDLEWARE};

crate::declare_rule! {
    /// ## What it does
    /// Reports deployed settings that send no `Strict-Transport-Security` header:
    /// `SECURE_HSTS_SECONDS` never set (Django's default is `0`), set to `0`, zero when its
    /// environment variable is missing, or only set in a branch that a missing toggle skips.
    /// Mirrors Django's `security.W004`; like Django, it says nothing when `SecurityMiddleware`
    /// is missing (DJG011 reports that).
    ///
    /// ## Why it matters
    /// HSTS tells browsers to use HTTPS for the site without ever trying plain HTTP first. Without
    /// it, the first request of every visit can be intercepted and downgraded (SSL stripping) on
    /// a hostile network, even when the server redirects to HTTPS.
    ///
    /// If the reverse proxy adds the header, the finding can be suppressed with a reason. Roll
    /// HSTS out carefully: start with a short duration and raise it once every subdomain works
    /// over HTTPS.
    ///
    /// ## Example
    /// ```python title="app/settings/production.py"
    /// INSTALLED_APPS = ["django.contrib.auth", "django.contrib.sessions"]
    /// MIDDLEWARE = ["django.middleware.security.SecurityMiddleware"]
    /// SECURE_SSL_REDIRECT = True
    /// ```
    ///
    /// ## How to fix
    /// ```python title="app/settings/production.py"
    /// INSTALLED_APPS = ["django.contrib.auth", "django.contrib.sessions"]
    /// MIDDLEWARE = ["django.middleware.security.SecurityMiddleware"]
    /// SECURE_SSL_REDIRECT = True
    /// SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365
    /// ```
    pub(crate) struct HstsDisabled {
        code: "DJG006",
        name: "hsts-disabled",
        family: Django,
        severity: Warning,
        scope: DEPLOYED,
    }
}

impl Rule for HstsDisabled {
    fn check_project(&self, ctx: &mut Ctx<'_>) {
        check_leaves(ctx, |leaf, out| {
            if leaf.list_contains("MIDDLEWARE", SECURITY_MIDDLEWARE) == Some(false) {
                return;
            }
            require_on(
                leaf,
                "SECURE_HSTS_SECONDS",
                "0",
                "browsers are not told to use HTTPS only (no Strict-Transport-Security header)",
                "set SECURE_HSTS_SECONDS, for example to one year (31536000), once the site works \
                 over HTTPS only",
                out,
            );
        });
    }
}
