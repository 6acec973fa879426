use crate::rule::{Ctx, Rule};
use crate::rules::django::{check_leaves, require_on, show, Finding, Judged, SESSION_MIDDLEWARE};

crate::declare_rule! {
    /// ## What it does
    /// Reports deployed settings that let the session cookie leak: `SESSION_COOKIE_SECURE` not
    /// on (never set — Django's default is `False` — set to `False`, or off when its environment
    /// variable is missing), and `SESSION_COOKIE_HTTPONLY` turned off. Checked when sessions are
    /// in use (`django.contrib.sessions` installed or `SessionMiddleware` in `MIDDLEWARE`), as
    /// Django's `security.W010`–`W015` are.
    ///
    /// ## Why it matters
    /// The session cookie is the login. Without `Secure`, the browser also sends it over plain
    /// HTTP — one `http://` request on a café network is enough to steal the session. Without
    /// `HttpOnly`, any injected script can read it.
    ///
    /// ## Example
    /// ```python title="app/settings/production.py"
    /// INSTALLED_APPS = ["django.contrib.auth", "django.contrib.sessions"]
    /// MIDDLEWARE = ["django.middleware.security.SecurityMiddleware"]
    /// SESSION_COOKIE_SECURE = False
    /// ```
    ///
    /// ## How to fix
    /// ```python title="app/settings/production.py"
    /// INSTALLED_APPS = ["django.contrib.auth", "django.contrib.sessions"]
    /// MIDDLEWARE = ["django.middleware.security.SecurityMiddleware"]
    /// SESSION_COOKIE_SECURE = True
    /// ```
    pub(crate) struct InsecureSessionCookie {
        code: "DJG008",
        name: "insecure-session-cookie",
        family: Django,
        severity: Warning,
        scope: DEPLOYED,
    }
}

impl Rule for InsecureSessionCookie {
    fn check_project(&self, ctx: &mut Ctx<'_>) {
        check_leaves(ctx, |leaf, out| {
            let sessions = leaf.has_app("django.contrib.sessions") == Some(true)
                || leaf.list_contains("MIDDLEWARE", SESSION_MIDDLEWARE) == Some(true);
            if !sessions {
                return;
            }
            require_on(
                leaf,
                "SESSION_COOKIE_SECURE",
                "False",
                "browsers also send the session cookie over plain HTTP",
                "set SESSION_COOKIE_SECURE = True",
                out,
            );
            if let Judged::Set(_, outcomes) = leaf.judge("SESSION_COOKIE_HTTPONLY") {
                for o in outcomes {
                    if o.value.truthy() == Some(false) {
                        out.push(
                            Finding::at(
                                o.span,
                                format!(
                                    "SESSION_COOKIE_HTTPONLY is {}{}, so scripts on the page can \
                                     read the session cookie",
                                    show(&o.value),
                                    o.when()
                                ),
                            )
                            .help("remove the setting (Django's default is True)"),
                        );
                    }
                }
            }
        });
    }
}
