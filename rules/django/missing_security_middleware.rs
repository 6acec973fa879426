use crate::rule::{Ctx, Rule};
use crate::rules::django::{
    check_leaves, string_items, Finding, Judged, SECURITY_MIDDLEWARE, XFRAME_MIDDLEWARE,
};

crate::declare_rule! {
    /// ## What it does
    /// Reports deployed settings whose `MIDDLEWARE` lacks Django's `SecurityMiddleware`
    /// (`security.W001`) or `XFrameOptionsMiddleware` (`security.W002`). Only a list shiplint
    /// can read entirely is checked, and the second only for projects that serve pages (the
    /// admin, sessions or messages installed): a JSON API has nothing to frame.
    ///
    /// Django's `security.W003` (no `CsrfViewMiddleware`) is not mirrored: the admin protects
    /// its own forms and Django REST framework enforces CSRF for session authentication
    /// itself, so API projects drop the middleware on purpose.
    ///
    /// ## Why it matters
    /// `SecurityMiddleware` is what applies `SECURE_SSL_REDIRECT`, `SECURE_HSTS_SECONDS`,
    /// `SECURE_CONTENT_TYPE_NOSNIFF`, the referrer and cross-origin opener policies: without it
    /// those settings do nothing, however carefully they are set. Without
    /// `XFrameOptionsMiddleware`, no page sends `X-Frame-Options`, and any site can frame the
    /// application to trick users into clicks (clickjacking).
    ///
    /// ## Example
    /// ```python title="app/settings/production.py"
    /// SECURE_SSL_REDIRECT = True
    /// MIDDLEWARE = [
    ///     "django.contrib.sessions.middleware.SessionMiddleware",
    ///     "django.middleware.common.CommonMiddleware",
    ///     "django.middleware.clickjacking.XFrameOptionsMiddleware",
    /// ]
    /// ```
    ///
    /// ## How to fix
    /// Put `SecurityMiddleware` first:
    /// ```python title="app/settings/production.py"
    /// SECURE_SSL_REDIRECT = True
    /// MIDDLEWARE = [
    ///     "django.middleware.security.SecurityMiddleware",
    ///     "django.contrib.sessions.middleware.SessionMiddleware",
    ///     "django.middleware.common.CommonMiddleware",
    ///     "django.middleware.clickjacking.XFrameOptionsMiddleware",
    /// ]
    /// ```
    pub(crate) struct MissingSecurityMiddleware {
        code: "DJG011",
        name: "missing-security-middleware",
        family: Django,
        severity: Warning,
        scope: DEPLOYED,
    }
}

impl Rule for MissingSecurityMiddleware {
    fn check_project(&self, ctx: &mut Ctx<'_>) {
        check_leaves(ctx, |leaf, out| {
            let Judged::Set(_, outcomes) = leaf.judge("MIDDLEWARE") else {
                return;
            };
            for o in outcomes {
                let Some((items, other)) = string_items(&o.value) else {
                    continue;
                };
                // A list with computed entries, or an empty one, is not one to judge.
                if other || items.is_empty() {
                    continue;
                }
                let has = |m: &str| items.iter().any(|(i, _)| i == m);
                if !has(SECURITY_MIDDLEWARE) {
                    out.push(
                        Finding::at(
                            o.span,
                            "MIDDLEWARE lacks SecurityMiddleware, so the SECURE_* settings \
                             (HTTPS redirect, HSTS, nosniff, referrer policy) have no effect",
                        )
                        .help(format!(
                            "add \"{SECURITY_MIDDLEWARE}\" at the top of MIDDLEWARE"
                        )),
                    );
                }
                // Framing only matters for pages a browser renders: an API without the admin,
                // sessions or messages serves none.
                let pages = [
                    "django.contrib.admin",
                    "django.contrib.sessions",
                    "django.contrib.messages",
                ]
                .iter()
                .any(|app| leaf.has_app(app) != Some(false));
                if !has(XFRAME_MIDDLEWARE) && pages {
                    out.push(
                        Finding::at(
                            o.span,
                            "MIDDLEWARE lacks XFrameOptionsMiddleware, so pages send no \
                             X-Frame-Options header and any site can frame them",
                        )
                        .help(format!("add \"{XFRAME_MIDDLEWARE}\" to MIDDLEWARE")),
                    );
                }
            }
        });
    }
}
