use crate::rule::{Ctx, Rule};
use crate::rules::django::{check_leaves, show, Finding, Judged, XFRAME_MIDDLEWARE};

crate::declare_rule! {
    /// ## What it does
    /// Reports deployed settings that set `X_FRAME_OPTIONS` to something other than `"DENY"`
    /// (usually `"SAMEORIGIN"`) while `XFrameOptionsMiddleware` sends the header. Mirrors
    /// Django's `security.W019`. Django's default is `"DENY"`, so only an explicit value is
    /// reported.
    ///
    /// Projects with Wagtail or django CMS installed are skipped: their editing previews frame
    /// the site's own pages and need `"SAMEORIGIN"`.
    ///
    /// ## Why it matters
    /// `SAMEORIGIN` lets any page of the same origin frame every other page. If any page can be
    /// made to show attacker-controlled content (an upload, a user profile), it can frame the
    /// rest of the application and trick users into clicks.
    ///
    /// ## Example
    /// ```python title="app/settings/production.py"
    /// INSTALLED_APPS = ["django.contrib.auth", "shop"]
    /// MIDDLEWARE = ["django.middleware.clickjacking.XFrameOptionsMiddleware"]
    /// X_FRAME_OPTIONS = "SAMEORIGIN"
    /// ```
    ///
    /// ## How to fix
    /// Remove the setting (Django's default is `"DENY"`), and allow framing per view with
    /// `@xframe_options_sameorigin` where it is really needed:
    /// ```python title="app/settings/production.py"
    /// INSTALLED_APPS = ["django.contrib.auth", "shop"]
    /// MIDDLEWARE = ["django.middleware.clickjacking.XFrameOptionsMiddleware"]
    /// X_FRAME_OPTIONS = "DENY"
    /// ```
    pub(crate) struct FrameOptionsNotDeny {
        code: "DJG012",
        name: "frame-options-not-deny",
        family: Django,
        severity: Info,
        scope: DEPLOYED,
    }
}

impl Rule for FrameOptionsNotDeny {
    fn check_project(&self, ctx: &mut Ctx<'_>) {
        check_leaves(ctx, |leaf, out| {
            if leaf.list_contains("MIDDLEWARE", XFRAME_MIDDLEWARE) != Some(true) {
                return;
            }
            if ["wagtail", "cms"]
                .iter()
                .any(|app| leaf.has_app(app) != Some(false))
            {
                return;
            }
            let Judged::Set(_, outcomes) = leaf.judge("X_FRAME_OPTIONS") else {
                return;
            };
            for o in outcomes {
                let Some(v) = o.value.as_str() else { continue };
                if v.eq_ignore_ascii_case("DENY") {
                    continue;
                }
                out.push(
                    Finding::at(
                        o.span,
                        format!(
                            "X_FRAME_OPTIONS is {}{}, so pages of the same origin can frame \
                             each other",
                            show(&o.value),
                            o.when()
                        ),
                    )
                    .help(
                        "use \"DENY\" and allow framing per view with \
                           @xframe_options_sameorigin where needed",
                    ),
                );
            }
        });
    }
}
