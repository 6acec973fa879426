use crate::rule::{Ctx, Rule};
use crate::rules::django::{check_leaves, require_on, SECURITY_MIDDLEWARE};

crate::declare_rule! {
    /// ## What it does
    /// Reports deployed settings that do not redirect plain HTTP to HTTPS: `SECURE_SSL_REDIRECT`
    /// never set (Django's default is `False`), set to `False`, off when its environment
    /// variable is missing (`env.bool("SECURE_SSL_REDIRECT", default=False)`), or only turned on
    /// inside a branch that a missing toggle skips (`if SSL_ENABLED: SECURE_SSL_REDIRECT =
    /// True`). Mirrors Django's `security.W008`; like Django, it says nothing when
    /// `SecurityMiddleware` is missing (DJG011 reports that).
    ///
    /// ## Why it matters
    /// Without the redirect, a user who types the bare domain or follows an old `http://` link
    /// logs in over plain HTTP, where the session cookie and password travel in clear text. An
    /// SSL toggle that defaults to off is the common way this reaches production: the variable
    /// is missing from one environment and nothing complains.
    ///
    /// If the reverse proxy or load balancer already redirects every HTTP request, the finding
    /// can be suppressed with a reason.
    ///
    /// ## Example
    /// ```python title="app/settings/production.py"
    /// import os
    ///
    /// INSTALLED_APPS = ["django.contrib.auth", "django.contrib.sessions"]
    /// MIDDLEWARE = ["django.middleware.security.SecurityMiddleware"]
    /// SECURE_SSL_REDIRECT = os.environ.get("SSL_ENABLED", "False") == "True"
    /// ```
    ///
    /// ## How to fix
    /// Redirect by default, and let an environment that really serves plain HTTP opt out:
    /// ```python title="app/settings/production.py"
    /// import os
    ///
    /// INSTALLED_APPS = ["django.contrib.auth", "django.contrib.sessions"]
    /// MIDDLEWARE = ["django.middleware.security.SecurityMiddleware"]
    /// SECURE_SSL_REDIRECT = os.environ.get("SSL_ENABLED", "True") == "True"
    /// ```
    pub(crate) struct SslRedirectDisabled {
        code: "DJG005",
        name: "ssl-redirect-disabled",
        family: Django,
        severity: Warning,
        scope: DEPLOYED,
    }
}

impl Rule for SslRedirectDisabled {
    fn check_project(&self, ctx: &mut Ctx<'_>) {
        check_leaves(ctx, |leaf, out| {
            if leaf.list_contains("MIDDLEWARE", SECURITY_MIDDLEWARE) == Some(false) {
                return;
            }
            require_on(
                leaf,
                "SECURE_SSL_REDIRECT",
                "False",
                "plain HTTP requests are served instead of redirected to HTTPS",
                "set SECURE_SSL_REDIRECT = True (or redirect at the proxy and suppress this \
                 with a reason)",
                out,
            );
        });
    }
}
