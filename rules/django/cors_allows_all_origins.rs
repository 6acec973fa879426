use crate::rule::{Ctx, Rule};
use crate::rules::django::{check_leaves, raise, string_items, text_as_bool, Finding, Judged};

crate::declare_rule! {
    /// ## What it does
    /// Reports deployed settings where django-cors-headers accepts requests from any origin:
    /// `CORS_ALLOW_ALL_ORIGINS` (or its old name `CORS_ORIGIN_ALLOW_ALL`) on, on when its
    /// environment variable is missing, or read as raw text (so `"False"` turns it on), and
    /// `CORS_ALLOWED_ORIGIN_REGEXES` entries that match every origin (`r"^.*$"`). With
    /// `CORS_ALLOW_CREDENTIALS` on as well, the finding is one step more severe.
    ///
    /// ## Why it matters
    /// CORS decides which other web sites may read the API's responses from a visitor's
    /// browser. Allowing every origin lets any page the user visits call the API and read the
    /// answers; with credentials allowed too, those calls carry the user's cookies, so any site
    /// can act as the logged-in user and read their data.
    ///
    /// ## Example
    /// ```python title="app/settings/production.py"
    /// ALLOWED_HOSTS = ["api.example.org"]
    /// CORS_ALLOW_ALL_ORIGINS = True
    /// CORS_ALLOW_CREDENTIALS = True
    /// ```
    ///
    /// ## How to fix
    /// List the front ends that call the API:
    /// ```python title="app/settings/production.py"
    /// ALLOWED_HOSTS = ["api.example.org"]
    /// CORS_ALLOWED_ORIGINS = ["https://app.example.org"]
    /// CORS_ALLOW_CREDENTIALS = True
    /// ```
    pub(crate) struct CorsAllowsAllOrigins {
        code: "DJG015",
        name: "cors-allows-all-origins",
        family: Django,
        severity: Warning,
        scope: DEPLOYED,
    }
}

/// A pattern that matches any origin: `.*`, `^.*$`, `^https?://.*$`.
fn matches_everything(pattern: &str) -> bool {
    let p = pattern.trim_start_matches('^').trim_end_matches('$');
    let p = [
        "https?://",
        "(http|https)://",
        "(https|http)://",
        "http(s)?://",
    ]
    .iter()
    .fold(p, |acc, prefix| acc.strip_prefix(prefix).unwrap_or(acc));
    matches!(p, ".*" | ".+" | "(.*)" | "(.+)")
}

impl Rule for CorsAllowsAllOrigins {
    fn check_project(&self, ctx: &mut Ctx<'_>) {
        check_leaves(ctx, |leaf, out| {
            let credentials = matches!(
                leaf.judge("CORS_ALLOW_CREDENTIALS"),
                Judged::Set(_, list) if list.iter().any(|o| o.value.truthy() == Some(true))
            );
            let suffix = if credentials {
                ", with credentials: any site can call the API as the logged-in user"
            } else {
                ", so any site can read the API's responses"
            };
            let help = "list the front ends in CORS_ALLOWED_ORIGINS instead";
            let mut found = Vec::new();
            for name in ["CORS_ALLOW_ALL_ORIGINS", "CORS_ORIGIN_ALLOW_ALL"] {
                let Judged::Set(_, list) = leaf.judge(name) else {
                    continue;
                };
                for o in list {
                    let message = if o.value.truthy() == Some(true) {
                        if o.uses_default() {
                            format!("{name} defaults to on{}{suffix}", o.when())
                        } else {
                            format!("{name} is on{suffix}")
                        }
                    } else if let Some(l) = text_as_bool(&o.expr.value) {
                        format!(
                            "{name} is the raw text of the {} variable, so any non-empty value \
                             turns it on, \"False\" included",
                            l.name
                        )
                    } else {
                        continue;
                    };
                    let span = if o.value.truthy() == Some(true) {
                        o.span
                    } else {
                        o.expr.span
                    };
                    found.push(Finding::at(span, message).help(help));
                }
            }
            for name in ["CORS_ALLOWED_ORIGIN_REGEXES", "CORS_ORIGIN_REGEX_WHITELIST"] {
                let Judged::Set(_, list) = leaf.judge(name) else {
                    continue;
                };
                for o in list {
                    let Some((items, _)) = string_items(&o.value) else {
                        continue;
                    };
                    for (pattern, span) in items {
                        if matches_everything(&pattern) {
                            let span = if o.uses_default() { o.span } else { span };
                            found.push(
                                Finding::at(
                                    span,
                                    format!(
                                        "{name} has {pattern:?}, which matches every origin{}{suffix}",
                                        o.when()
                                    ),
                                )
                                .help(help),
                            );
                        }
                    }
                }
            }
            for f in found {
                out.push(if credentials { f.adjust(raise) } else { f });
            }
        });
    }
}
