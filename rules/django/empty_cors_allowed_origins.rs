use crate::rule::{Ctx, Rule};
use crate::rules::django::{check_leaves, string_items, Finding, Judged};

crate::declare_rule! {
    /// ## What it does
    /// Reports deployed settings where django-cors-headers is installed and the allowed
    /// origins come from an environment variable whose default is empty
    /// (`env.list("CORS_ALLOWED_ORIGINS", default=[])`,
    /// `os.environ.get("CORS_ALLOWED_ORIGINS", "").split(",")`), with no other way for an
    /// origin to be allowed (`CORS_ALLOW_ALL_ORIGINS`, `CORS_ALLOWED_ORIGIN_REGEXES`). A literal
    /// empty list is not reported: that is a decision, not a forgotten variable.
    ///
    /// ## Why it matters
    /// The variable exists because a front end on another origin calls the API. When a deploy
    /// forgets it, the API starts, its health checks pass, and every browser call from the
    /// front end fails with a CORS error — a broken release that only users see.
    ///
    /// ## Example
    /// ```python title="app/settings/production.py"
    /// import os
    ///
    /// INSTALLED_APPS = ["django.contrib.auth", "corsheaders"]
    /// CORS_ALLOWED_ORIGINS = [o for o in os.environ.get("CORS_ALLOWED_ORIGINS", "").split(",") if o]
    /// ```
    ///
    /// ## How to fix
    /// Require the variable, so a deploy without it fails at startup:
    /// ```python title="app/settings/production.py"
    /// import os
    ///
    /// INSTALLED_APPS = ["django.contrib.auth", "corsheaders"]
    /// CORS_ALLOWED_ORIGINS = os.environ["CORS_ALLOWED_ORIGINS"].split(",")
    /// ```
    pub(crate) struct EmptyCorsAllowedOrigins {
        code: "DJG016",
        name: "empty-cors-allowed-origins",
        family: Django,
        severity: Info,
        scope: DEPLOYED,
    }
}

fn any_on(leaf: &crate::rules::django::Leaf, names: &[&str]) -> bool {
    names.iter().any(|n| match leaf.judge(n) {
        Judged::Default(_) => false,
        Judged::Set(_, list) => list.iter().any(|o| o.value.truthy() != Some(false)),
        Judged::Unknown => true,
    })
}

impl Rule for EmptyCorsAllowedOrigins {
    fn check_project(&self, ctx: &mut Ctx<'_>) {
        check_leaves(ctx, |leaf, out| {
            if leaf.has_app("corsheaders") != Some(true) {
                return;
            }
            if any_on(
                leaf,
                &[
                    "CORS_ALLOW_ALL_ORIGINS",
                    "CORS_ORIGIN_ALLOW_ALL",
                    "CORS_ALLOWED_ORIGIN_REGEXES",
                    "CORS_ORIGIN_REGEX_WHITELIST",
                ],
            ) {
                return;
            }
            for name in ["CORS_ALLOWED_ORIGINS", "CORS_ORIGIN_WHITELIST"] {
                let Judged::Set(_, list) = leaf.judge(name) else {
                    continue;
                };
                for o in list {
                    if !o.uses_default() {
                        continue;
                    }
                    let Some((items, other)) = string_items(&o.value) else {
                        continue;
                    };
                    if other || items.iter().any(|(i, _)| !i.trim().is_empty()) {
                        continue;
                    }
                    out.push(
                        Finding::at(
                            o.span,
                            format!(
                                "{name} is empty{}, so browsers block every cross-origin call \
                                 to the API",
                                o.when()
                            ),
                        )
                        .help(
                            "require the variable (no empty default), so that a deploy \
                               without it fails at startup",
                        ),
                    );
                }
            }
        });
    }
}
