use crate::rule::{Ctx, Rule};
use crate::rules::django::{check_leaves, Finding, Judged, Outcome, SECURITY_MIDDLEWARE};

crate::declare_rule! {
    /// ## What it does
    /// Reports an HSTS policy that deployed settings turn on but leave weaker than intended:
    /// `SECURE_HSTS_PRELOAD` requested without `SECURE_HSTS_INCLUDE_SUBDOMAINS` or with a
    /// `SECURE_HSTS_SECONDS` under one year (the preload list rejects both, so the domain is
    /// never preloaded), and HSTS on without `SECURE_HSTS_INCLUDE_SUBDOMAINS` (Django's
    /// `security.W005`).
    ///
    /// Django's `security.W021` (preload not requested) is not mirrored: joining the preload
    /// list is a commitment that is hard to undo, not a default to recommend.
    ///
    /// ## Why it matters
    /// Without `includeSubDomains`, an attacker on the network can serve a plain-HTTP subdomain
    /// and set cookies for the parent domain. A preload request the list will reject gives a
    /// false sense of protection: audits see `SECURE_HSTS_PRELOAD = True` and assume first
    /// visits are covered.
    ///
    /// ## Example
    /// ```python title="app/settings/production.py"
    /// SECURE_HSTS_SECONDS = 31536000
    /// SECURE_HSTS_PRELOAD = True
    /// ```
    ///
    /// ## How to fix
    /// ```python title="app/settings/production.py"
    /// SECURE_HSTS_SECONDS = 31536000
    /// SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    /// SECURE_HSTS_PRELOAD = True
    /// ```
    /// Only include subdomains once every subdomain is served over HTTPS.
    pub(crate) struct WeakHsts {
        code: "DJG007",
        name: "weak-hsts",
        family: Django,
        severity: Info,
        scope: DEPLOYED,
    }
}

/// What the preload list requires of `max-age`: one year.
const PRELOAD_MIN_SECONDS: i64 = 31_536_000;

/// The single value a deployed instance gets, when the setting is set and unambiguous.
fn one(j: Judged<'_>) -> Option<Outcome> {
    match j {
        Judged::Set(_, mut list) if list.len() == 1 => list.pop(),
        _ => None,
    }
}

impl Rule for WeakHsts {
    fn check_project(&self, ctx: &mut Ctx<'_>) {
        check_leaves(ctx, |leaf, out| {
            if leaf.list_contains("MIDDLEWARE", SECURITY_MIDDLEWARE) == Some(false) {
                return;
            }
            let Some(seconds) = one(leaf.judge("SECURE_HSTS_SECONDS")) else {
                return;
            };
            if seconds.value.truthy() != Some(true) {
                return;
            }
            let subdomains = match leaf.judge("SECURE_HSTS_INCLUDE_SUBDOMAINS") {
                Judged::Default(_) => Some(false),
                j => one(j).and_then(|o| o.value.truthy()),
            };
            let preload = one(leaf.judge("SECURE_HSTS_PRELOAD"));
            let preload_on = preload.as_ref().and_then(|p| p.value.truthy()) == Some(true);
            if let Some(p) = preload.filter(|_| preload_on) {
                if subdomains == Some(false) {
                    out.push(
                        Finding::at(
                            p.span,
                            "SECURE_HSTS_PRELOAD is on without SECURE_HSTS_INCLUDE_SUBDOMAINS, so \
                             the preload list rejects the domain",
                        )
                        .help(
                            "set SECURE_HSTS_INCLUDE_SUBDOMAINS = True once every subdomain \
                               serves HTTPS, or drop the preload request",
                        ),
                    );
                }
                if let Some(n) = seconds.value.as_int().filter(|n| *n < PRELOAD_MIN_SECONDS) {
                    out.push(
                        Finding::at(
                            seconds.span,
                            format!(
                                "SECURE_HSTS_SECONDS is {n}, under the one year the preload list \
                                 requires, while SECURE_HSTS_PRELOAD is on"
                            ),
                        )
                        .help(
                            "raise SECURE_HSTS_SECONDS to 31536000 before submitting the \
                               domain for preloading",
                        ),
                    );
                }
                return;
            }
            if subdomains == Some(false) {
                out.push(
                    Finding::at(
                        seconds.span,
                        "HSTS is on without SECURE_HSTS_INCLUDE_SUBDOMAINS, so subdomains can \
                         still be reached over plain HTTP",
                    )
                    .help(
                        "set SECURE_HSTS_INCLUDE_SUBDOMAINS = True once every subdomain serves \
                           HTTPS",
                    ),
                );
            }
        });
    }
}
