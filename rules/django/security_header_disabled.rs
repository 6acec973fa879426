use crate::rule::{Ctx, Rule};
use crate::rules::django::{check_leaves, show, Finding, Judged, SECURITY_MIDDLEWARE};

crate::declare_rule! {
    /// ## What it does
    /// Reports deployed settings that switch off or break a header `SecurityMiddleware` sends by
    /// default: `SECURE_CONTENT_TYPE_NOSNIFF` turned off (`security.W006`),
    /// `SECURE_REFERRER_POLICY` set to `None` (`security.W022`), to a value browsers do not know
    /// (`security.E023`) or to `"unsafe-url"`, and `SECURE_CROSS_ORIGIN_OPENER_POLICY` set to a
    /// value browsers do not know (`security.E024`).
    ///
    /// ## Why it matters
    /// Django's defaults are safe; these settings exist to turn them off. Without `nosniff`, a
    /// browser may run an uploaded text file as a script. Without a referrer policy, or with
    /// `"unsafe-url"`, full URLs — with their tokens and identifiers in query strings — go to
    /// every third-party site a page links to or loads from. An invalid value is a typo that
    /// silently sends a header browsers ignore.
    ///
    /// ## Example
    /// ```python title="app/settings/production.py"
    /// ALLOWED_HOSTS = ["shop.example.org"]
    /// SECURE_CONTENT_TYPE_NOSNIFF = False
    /// SECURE_REFERRER_POLICY = "same-orgin"
    /// ```
    ///
    /// ## How to fix
    /// Remove the settings to keep Django's defaults, or use valid values:
    /// ```python title="app/settings/production.py"
    /// ALLOWED_HOSTS = ["shop.example.org"]
    /// SECURE_REFERRER_POLICY = "same-origin"
    /// ```
    pub(crate) struct SecurityHeaderDisabled {
        code: "DJG013",
        name: "security-header-disabled",
        family: Django,
        severity: Warning,
        scope: DEPLOYED,
    }
}

const REFERRER_POLICIES: &[&str] = &[
    "no-referrer",
    "no-referrer-when-downgrade",
    "origin",
    "origin-when-cross-origin",
    "same-origin",
    "strict-origin",
    "strict-origin-when-cross-origin",
    "unsafe-url",
];
const OPENER_POLICIES: &[&str] = &["same-origin", "same-origin-allow-popups", "unsafe-none"];

impl Rule for SecurityHeaderDisabled {
    fn check_project(&self, ctx: &mut Ctx<'_>) {
        check_leaves(ctx, |leaf, out| {
            if leaf.list_contains("MIDDLEWARE", SECURITY_MIDDLEWARE) == Some(false) {
                return;
            }
            if let Judged::Set(_, list) = leaf.judge("SECURE_CONTENT_TYPE_NOSNIFF") {
                for o in list.iter().filter(|o| o.value.truthy() == Some(false)) {
                    out.push(
                        Finding::at(
                            o.span,
                            format!(
                                "SECURE_CONTENT_TYPE_NOSNIFF is {}{}, so browsers may run an \
                                 upload as a script or style sheet",
                                show(&o.value),
                                o.when()
                            ),
                        )
                        .help("remove the setting (Django's default is True)"),
                    );
                }
            }
            if let Judged::Set(_, list) = leaf.judge("SECURE_REFERRER_POLICY") {
                for o in list {
                    let values: Vec<String> = match &o.value {
                        crate::parse::python::Value::None => {
                            out.push(
                                Finding::at(
                                    o.span,
                                    format!(
                                        "SECURE_REFERRER_POLICY is None{}, so no Referrer-Policy \
                                         header is sent and full URLs leak to other sites",
                                        o.when()
                                    ),
                                )
                                .help("remove the setting (Django's default is \"same-origin\")"),
                            );
                            continue;
                        }
                        v => match (v.as_str(), v.as_list()) {
                            (Some(s), _) => s.split(',').map(|p| p.trim().to_string()).collect(),
                            (_, Some(items)) => items
                                .iter()
                                .filter_map(|i| i.value.as_str().map(|s| s.trim().to_string()))
                                .collect(),
                            _ => continue,
                        },
                    };
                    if let Some(bad) = values
                        .iter()
                        .find(|v| !REFERRER_POLICIES.contains(&v.as_str()))
                    {
                        out.push(
                            Finding::at(
                                o.span,
                                format!(
                                    "SECURE_REFERRER_POLICY has {bad:?}, which is not a referrer \
                                     policy, so browsers ignore it"
                                ),
                            )
                            .help(format!("use one of: {}", REFERRER_POLICIES.join(", "))),
                        );
                    } else if values.last().is_some_and(|v| v == "unsafe-url") {
                        out.push(
                            Finding::at(
                                o.span,
                                "SECURE_REFERRER_POLICY is \"unsafe-url\", so full URLs, query \
                                 strings included, go to every other site",
                            )
                            .help("use \"same-origin\" or \"strict-origin-when-cross-origin\""),
                        );
                    }
                }
            }
            if let Judged::Set(_, list) = leaf.judge("SECURE_CROSS_ORIGIN_OPENER_POLICY") {
                for o in list {
                    let Some(v) = o.value.as_str() else { continue };
                    if !OPENER_POLICIES.contains(&v) {
                        out.push(
                            Finding::at(
                                o.span,
                                format!(
                                    "SECURE_CROSS_ORIGIN_OPENER_POLICY is {v:?}, which is not a \
                                     cross-origin opener policy, so browsers ignore it"
                                ),
                            )
                            .help(format!("use one of: {}", OPENER_POLICIES.join(", "))),
                        );
                    }
                }
            }
        });
    }
}
