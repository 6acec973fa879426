use crate::rule::{Ctx, Rule};
use crate::rules::django::{check_leaves, require_on, CSRF_MIDDLEWARE};

crate::declare_rule! {
    /// ## What it does
    /// Reports deployed settings whose CSRF cookie is not marked `Secure`:
    /// `CSRF_COOKIE_SECURE` never set (Django's default is `False`), set to `False`, or off when
    /// its environment variable is missing. Checked when `CsrfViewMiddleware` is in
    /// `MIDDLEWARE`, as Django's `security.W016` is.
    ///
    /// ## Why it matters
    /// A CSRF token sent over plain HTTP can be read by anyone on the network, and with it the
    /// protection against cross-site request forgery is gone for that user.
    ///
    /// ## Example
    /// ```python title="app/settings/production.py"
    /// INSTALLED_APPS = ["django.contrib.auth"]
    /// MIDDLEWARE = [
    ///     "django.middleware.security.SecurityMiddleware",
    ///     "django.middleware.csrf.CsrfViewMiddleware",
    /// ]
    /// ```
    ///
    /// ## How to fix
    /// ```python title="app/settings/production.py"
    /// INSTALLED_APPS = ["django.contrib.auth"]
    /// MIDDLEWARE = [
    ///     "django.middleware.security.SecurityMiddleware",
    ///     "django.middleware.csrf.CsrfViewMiddleware",
    /// ]
    /// CSRF_COOKIE_SECURE = True
    /// ```
    pub(crate) struct InsecureCsrfCookie {
        code: "DJG009",
        name: "insecure-csrf-cookie",
        family: Django,
        severity: Warning,
        scope: DEPLOYED,
    }
}

impl Rule for InsecureCsrfCookie {
    fn check_project(&self, ctx: &mut Ctx<'_>) {
        check_leaves(ctx, |leaf, out| {
            if leaf.list_contains("MIDDLEWARE", CSRF_MIDDLEWARE) != Some(true) {
                return;
            }
            require_on(
                leaf,
                "CSRF_COOKIE_SECURE",
                "False",
                "browsers also send the CSRF cookie over plain HTTP",
                "set CSRF_COOKIE_SECURE = True",
                out,
            );
        });
    }
}
