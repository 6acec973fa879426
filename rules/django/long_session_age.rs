use crate::rule::{Ctx, Rule};
use crate::rules::django::{check_leaves, Finding, Judged};

crate::declare_rule! {
    /// ## What it does
    /// Reports deployed settings that keep sessions alive longer than Django's default of two
    /// weeks: `SESSION_COOKIE_AGE` above 1,209,600 seconds.
    ///
    /// ## Why it matters
    /// A session cookie is as good as a password until it expires. The longer it lives, the
    /// longer a cookie copied from a shared computer, a backup or a leaked log keeps working,
    /// and the longer a user who should have been logged out stays in.
    ///
    /// ## Example
    /// ```python title="app/settings/production.py"
    /// ALLOWED_HOSTS = ["shop.example.org"]
    /// SESSION_COOKIE_AGE = 60 * 60 * 24 * 365
    /// ```
    ///
    /// ## How to fix
    /// ```python title="app/settings/production.py"
    /// ALLOWED_HOSTS = ["shop.example.org"]
    /// SESSION_COOKIE_AGE = 60 * 60 * 8
    /// ```
    pub(crate) struct LongSessionAge {
        code: "DJG023",
        name: "long-session-age",
        family: Django,
        severity: Info,
        scope: DEPLOYED,
    }
}

const DEFAULT_AGE: i64 = 1_209_600;

impl Rule for LongSessionAge {
    fn check_project(&self, ctx: &mut Ctx<'_>) {
        check_leaves(ctx, |leaf, out| {
            let Judged::Set(_, list) = leaf.judge("SESSION_COOKIE_AGE") else {
                return;
            };
            for o in list {
                let Some(n) = o.value.as_int().filter(|n| *n > DEFAULT_AGE) else {
                    continue;
                };
                out.push(
                    Finding::at(
                        o.span,
                        format!(
                            "SESSION_COOKIE_AGE is {} days{}, longer than Django's default of 14 days",
                            n / 86_400,
                            o.when()
                        ),
                    )
                    .help("shorten sessions to what users need (hours for staff, days at most)"),
                );
            }
        });
    }
}
