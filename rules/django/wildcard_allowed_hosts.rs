use crate::rule::{Ctx, Rule};
use crate::rules::django::{check_leaves, string_items, Finding, Judged};

crate::declare_rule! {
    /// ## What it does
    /// Reports deployed settings whose `ALLOWED_HOSTS` accepts any host: a `"*"` entry, written
    /// in the list or coming from the default of an environment read
    /// (`os.getenv("ALLOWED_HOSTS", "*").split(",")`).
    ///
    /// ## Why it matters
    /// `ALLOWED_HOSTS` is Django's defence against forged `Host` headers. With `"*"`, whatever
    /// host a client sends is trusted when Django builds absolute URLs: password-reset emails
    /// can carry links to an attacker's domain, and caches keyed by host can be poisoned. It is
    /// only safe when a proxy in front already rejects unknown hosts, which the settings alone
    /// cannot promise.
    ///
    /// ## Example
    /// ```python title="app/settings/production.py"
    /// import os
    ///
    /// ALLOWED_HOSTS = os.getenv("DJANGO_ALLOWED_HOSTS", "*").split(",")
    /// ```
    ///
    /// ## How to fix
    /// Require the real host names:
    /// ```python title="app/settings/production.py"
    /// import os
    ///
    /// ALLOWED_HOSTS = os.environ["DJANGO_ALLOWED_HOSTS"].split(",")
    /// ```
    pub(crate) struct WildcardAllowedHosts {
        code: "DJG004",
        name: "wildcard-allowed-hosts",
        family: Django,
        severity: Warning,
        scope: DEPLOYED,
    }
}

impl Rule for WildcardAllowedHosts {
    fn check_project(&self, ctx: &mut Ctx<'_>) {
        check_leaves(ctx, |leaf, out| {
            let Judged::Set(_, outcomes) = leaf.judge("ALLOWED_HOSTS") else {
                return;
            };
            for o in outcomes {
                let Some((items, _)) = string_items(&o.value) else {
                    continue;
                };
                let Some((_, item_span)) = items.iter().find(|(h, _)| h.trim() == "*") else {
                    continue;
                };
                let (span, message) = if o.uses_default() {
                    (
                        o.span,
                        format!("ALLOWED_HOSTS accepts any host{}", o.when()),
                    )
                } else {
                    (*item_span, "ALLOWED_HOSTS accepts any host".to_string())
                };
                out.push(Finding::at(span, message).help(
                    "list the host names the site is served under; \"*\" trusts whatever Host \
                     header a client sends",
                ));
            }
        });
    }
}
