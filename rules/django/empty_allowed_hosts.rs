use crate::rule::{Ctx, Rule};
use crate::rules::django::{check_leaves, Finding, Judged};

crate::declare_rule! {
    /// ## What it does
    /// Reports deployed settings whose `ALLOWED_HOSTS` is empty: written as `[]`, or never set
    /// (Django's default is empty). Mirrors Django's `security.W020`.
    ///
    /// An environment read whose default is empty (`env.list("ALLOWED_HOSTS", default=[])`) is
    /// not reported: it is a deliberate "must be configured" value, and a deploy that forgets
    /// the variable fails on its first request rather than running insecurely.
    ///
    /// ## Why it matters
    /// With `DEBUG` off, Django answers every request whose `Host` header is not in
    /// `ALLOWED_HOSTS` with `400 Bad Request`. An empty list refuses them all: the deploy is up,
    /// its health checks against `localhost` may even pass, and no user can reach it.
    ///
    /// ## Example
    /// ```python title="app/settings/production.py"
    /// DEBUG = False
    /// ALLOWED_HOSTS = []
    /// ```
    ///
    /// ## How to fix
    /// List the names the site is served under, or read them from the environment:
    /// ```python title="app/settings/production.py"
    /// import os
    ///
    /// DEBUG = False
    /// ALLOWED_HOSTS = os.environ["ALLOWED_HOSTS"].split(",")
    /// ```
    pub(crate) struct EmptyAllowedHosts {
        code: "DJG003",
        name: "empty-allowed-hosts",
        family: Django,
        severity: Warning,
        scope: DEPLOYED,
    }
}

const HELP: &str = "list the host names the site is served under, for example \
                    ALLOWED_HOSTS = os.environ[\"ALLOWED_HOSTS\"].split(\",\")";

impl Rule for EmptyAllowedHosts {
    fn check_project(&self, ctx: &mut Ctx<'_>) {
        check_leaves(ctx, |leaf, out| match leaf.judge("ALLOWED_HOSTS") {
            Judged::Default(None) if leaf.is_whole() => out.push(
                Finding::module(
                    "ALLOWED_HOSTS is never set, so Django refuses every request with 400",
                )
                .help(HELP),
            ),
            Judged::Set(_, outcomes) => {
                for o in outcomes {
                    if o.uses_default() {
                        continue;
                    }
                    if o.value.as_list().is_some_and(|l| l.is_empty()) {
                        out.push(
                            Finding::at(
                                o.span,
                                "ALLOWED_HOSTS is empty, so Django refuses every request with 400",
                            )
                            .help(HELP),
                        );
                    }
                }
            }
            _ => {}
        });
    }
}
