use crate::diagnostic::Severity;
use crate::rule::{Ctx, Rule};
use crate::rules::django::{check_leaves, string_items, Finding, Judged};

crate::declare_rule! {
    /// ## What it does
    /// Reports deployed settings where Django REST framework lets anyone call an API view that
    /// does not set its own permissions: `AllowAny` in
    /// `REST_FRAMEWORK["DEFAULT_PERMISSION_CLASSES"]`. When `rest_framework` is installed and
    /// the default is not set at all, DRF's own default (`AllowAny`) applies: that is reported
    /// one severity step lower.
    ///
    /// ## Why it matters
    /// With an open default, every new view is public until someone remembers to add
    /// `permission_classes` — a forgotten line exposes data. Failing closed
    /// (`IsAuthenticated` by default, `AllowAny` on the few views that need it, such as login)
    /// turns the same mistake into a 401 that is noticed in testing.
    ///
    /// ## Example
    /// ```python title="app/settings/production.py"
    /// INSTALLED_APPS = ["django.contrib.auth", "rest_framework"]
    /// REST_FRAMEWORK = {
    ///     "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    /// }
    /// ```
    ///
    /// ## How to fix
    /// ```python title="app/settings/production.py"
    /// INSTALLED_APPS = ["django.contrib.auth", "rest_framework"]
    /// REST_FRAMEWORK = {
    ///     "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    /// }
    /// ```
    /// and set `permission_classes = [AllowAny]` on the views that must stay public.
    pub(crate) struct DrfAllowAny {
        code: "DJG021",
        name: "drf-allow-any",
        family: Django,
        severity: Warning,
        scope: DEPLOYED,
    }
}

const HELP: &str = "set REST_FRAMEWORK[\"DEFAULT_PERMISSION_CLASSES\"] to \
                    [\"rest_framework.permissions.IsAuthenticated\"] and open views one by one";

fn lower(s: Severity) -> Severity {
    s.lower()
}

impl Rule for DrfAllowAny {
    fn check_project(&self, ctx: &mut Ctx<'_>) {
        check_leaves(ctx, |leaf, out| {
            if leaf.has_app("rest_framework") != Some(true) {
                return;
            }
            let implicit = "DRF's default permission is AllowAny, so every API view without \
                            its own permission_classes is public";
            match leaf.judge("REST_FRAMEWORK") {
                Judged::Default(None) if leaf.is_whole() => out.push(
                    Finding::module(format!("REST_FRAMEWORK is never set: {implicit}"))
                        .help(HELP)
                        .adjust(lower),
                ),
                Judged::Set(s, list) => {
                    for o in list {
                        if o.value.as_dict().is_none() {
                            continue;
                        }
                        let Some(classes) = o.value.dict_get("DEFAULT_PERMISSION_CLASSES") else {
                            out.push(
                                Finding::at(
                                    s.name_span,
                                    format!(
                                        "REST_FRAMEWORK sets no DEFAULT_PERMISSION_CLASSES: \
                                         {implicit}"
                                    ),
                                )
                                .help(HELP)
                                .adjust(lower),
                            );
                            continue;
                        };
                        let Some((items, _)) = string_items(&classes.value) else {
                            continue;
                        };
                        for (class, span) in items {
                            if class.rsplit('.').next() == Some("AllowAny") {
                                out.push(
                                    Finding::at(
                                        span,
                                        "DEFAULT_PERMISSION_CLASSES is AllowAny, so every API \
                                         view without its own permission_classes is public",
                                    )
                                    .help(HELP),
                                );
                            }
                        }
                    }
                }
                _ => {}
            }
        });
    }
}
