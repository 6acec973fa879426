use crate::rule::{Ctx, Rule};
use crate::rules::django::{check_leaves, Finding, Judged};

crate::declare_rule! {
    /// ## What it does
    /// Reports deployed settings that redirect to HTTPS (`SECURE_SSL_REDIRECT` on) behind a
    /// reverse proxy but never tell Django how to recognise a request the proxy received over
    /// HTTPS: `SECURE_PROXY_SSL_HEADER` is not set.
    ///
    /// "Behind a proxy" is read from the settings themselves: `USE_X_FORWARDED_HOST` or
    /// `USE_X_FORWARDED_PORT` on means the application trusts headers a proxy adds. (Telling it
    /// from the Compose stack is for a later version.)
    ///
    /// ## Why it matters
    /// The proxy terminates TLS and forwards plain HTTP to the application. Without
    /// `SECURE_PROXY_SSL_HEADER`, Django sees every request as insecure and redirects it to
    /// HTTPS — which the proxy forwards as HTTP again: an endless redirect loop, and a site
    /// that does not load at all. `request.is_secure()` is also wrong everywhere.
    ///
    /// ## Example
    /// ```python title="app/settings/production.py"
    /// ALLOWED_HOSTS = ["shop.example.org"]
    /// USE_X_FORWARDED_HOST = True
    /// SECURE_SSL_REDIRECT = True
    /// ```
    ///
    /// ## How to fix
    /// Name the header the proxy sets (and make sure it always sets or strips it):
    /// ```python title="app/settings/production.py"
    /// ALLOWED_HOSTS = ["shop.example.org"]
    /// USE_X_FORWARDED_HOST = True
    /// SECURE_SSL_REDIRECT = True
    /// SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    /// ```
    pub(crate) struct MissingProxySslHeader {
        code: "DJG010",
        name: "missing-proxy-ssl-header",
        family: Django,
        severity: Warning,
        scope: DEPLOYED,
    }
}

fn on(j: Judged<'_>) -> bool {
    matches!(j, Judged::Set(_, list) if list.iter().all(|o| o.value.truthy() == Some(true)))
}

impl Rule for MissingProxySslHeader {
    fn check_project(&self, ctx: &mut Ctx<'_>) {
        check_leaves(ctx, |leaf, out| {
            let proxy = ["USE_X_FORWARDED_HOST", "USE_X_FORWARDED_PORT"]
                .into_iter()
                .find(|n| on(leaf.judge(n)));
            let Some(proxy) = proxy else { return };
            if !matches!(leaf.judge("SECURE_PROXY_SSL_HEADER"), Judged::Default(None)) {
                return;
            }
            let Judged::Set(_, redirect) = leaf.judge("SECURE_SSL_REDIRECT") else {
                return;
            };
            for o in redirect {
                if o.value.truthy() != Some(true) {
                    continue;
                }
                let mut finding = Finding::at(
                    o.span,
                    format!(
                        "SECURE_SSL_REDIRECT is on behind a proxy ({proxy}) but \
                         SECURE_PROXY_SSL_HEADER is not set, so requests the proxy forwards \
                         redirect forever"
                    ),
                )
                .help(
                    "set SECURE_PROXY_SSL_HEADER = (\"HTTP_X_FORWARDED_PROTO\", \"https\") and \
                       have the proxy set that header",
                );
                if let Some(s) = leaf.setting(proxy) {
                    finding = finding.related(s.name_span, "the application trusts proxy headers");
                }
                out.push(finding);
            }
        });
    }
}
