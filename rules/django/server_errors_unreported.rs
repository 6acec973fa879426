use crate::parse::python::Value;
use crate::rule::{Ctx, Rule};
use crate::rules::django::{check_leaves, is_placeholder_host, Finding, Judged, Leaf};

crate::declare_rule! {
    /// ## What it does
    /// Reports deployed settings where an unhandled server error alerts no one: no error
    /// tracker is set up (Sentry, Rollbar, Bugsnag, Honeybadger, Airbrake, New Relic, Elastic
    /// APM, Datadog, Scout, AppSignal — found from imports, installed apps, middleware, logging
    /// handlers and their settings) and `ADMINS`, the addresses Django mails tracebacks to, is
    /// empty, never set (Django's default is empty), or holds only placeholder addresses
    /// (`admin@example.com`).
    ///
    /// ## Why it matters
    /// With `DEBUG` off, a 500 shows the user a bare error page and the traceback goes to the
    /// log — and to `ADMINS` by mail, if anyone is listed. Without either, failures are silent:
    /// the team learns about a broken checkout from customers, days later.
    ///
    /// ## Example
    /// ```python title="app/settings/production.py"
    /// INSTALLED_APPS = ["django.contrib.auth", "shop"]
    /// MIDDLEWARE = ["django.middleware.security.SecurityMiddleware"]
    /// ADMINS = [("Ops", "admin@example.com")]
    /// ```
    ///
    /// ## How to fix
    /// Send errors to a tracker, or list real people:
    /// ```python title="app/settings/production.py"
    /// import os
    ///
    /// INSTALLED_APPS = ["django.contrib.auth", "shop"]
    /// MIDDLEWARE = ["django.middleware.security.SecurityMiddleware"]
    /// ADMINS = [("Ops", os.environ["ADMIN_EMAIL"])]
    /// ```
    pub(crate) struct ServerErrorsUnreported {
        code: "DJG019",
        name: "server-errors-unreported",
        family: Django,
        severity: Warning,
        scope: DEPLOYED,
    }
}

/// Modules (first component) and setting prefixes of error trackers.
const TRACKER_MODULES: &[&str] = &[
    "sentry_sdk",
    "raven",
    "rollbar",
    "bugsnag",
    "honeybadger",
    "airbrake",
    "pybrake",
    "newrelic",
    "elasticapm",
    "ddtrace",
    "scout_apm",
    "appsignal",
    "opbeat",
    "logfire",
];
const TRACKER_SETTINGS: &[&str] = &[
    "SENTRY",
    "RAVEN",
    "ROLLBAR",
    "BUGSNAG",
    "HONEYBADGER",
    "AIRBRAKE",
    "NEW_RELIC",
    "NEWRELIC",
    "ELASTIC_APM",
    "DATADOG",
    "SCOUT_",
    "APPSIGNAL",
    "OPBEAT",
    "LOGFIRE",
];

fn names_tracker(s: &str) -> bool {
    let first = s.split('.').next().unwrap_or(s);
    TRACKER_MODULES.contains(&first)
}

fn strings_name_tracker(v: &Value, depth: usize) -> bool {
    if depth > 8 {
        return false;
    }
    match v {
        Value::Str(s) => names_tracker(s),
        Value::List(items) | Value::Tuple(items) => items
            .iter()
            .any(|i| strings_name_tracker(&i.value, depth + 1)),
        Value::Dict(items) => items
            .iter()
            .any(|(_, val)| strings_name_tracker(&val.value, depth + 1)),
        _ => false,
    }
}

fn has_tracker(leaf: &Leaf) -> bool {
    leaf.model.imports.iter().any(|(m, _)| names_tracker(m))
        || leaf
            .model
            .settings
            .iter()
            .any(|s| TRACKER_SETTINGS.iter().any(|p| s.name.starts_with(p)))
        || ["INSTALLED_APPS", "MIDDLEWARE", "LOGGING"].iter().any(|n| {
            leaf.model
                .get(n)
                .is_some_and(|s| strings_name_tracker(&s.value.value, 0))
        })
}

/// The e-mail address of an `ADMINS` entry: `("Name", "a@b")` or `"a@b"`.
fn address(v: &Value) -> Option<&str> {
    match v {
        Value::Str(s) => Some(s),
        Value::Tuple(items) | Value::List(items) => items.get(1)?.value.as_str(),
        _ => None,
    }
}

const HELP: &str = "set up an error tracker (for example sentry_sdk.init in settings) or list \
                    real addresses in ADMINS, read from the environment";

impl Rule for ServerErrorsUnreported {
    fn check_project(&self, ctx: &mut Ctx<'_>) {
        check_leaves(ctx, |leaf, out| {
            if !leaf.is_whole() || has_tracker(leaf) {
                return;
            }
            match leaf.judge("ADMINS") {
                Judged::Default(None) => out.push(
                    Finding::module(
                        "ADMINS is never set and no error tracker is set up, so server errors \
                         alert no one",
                    )
                    .help(HELP),
                ),
                Judged::Set(_, list) => {
                    for o in list {
                        let Some(items) = o.value.as_list() else {
                            continue;
                        };
                        if items.is_empty() {
                            out.push(
                                Finding::at(
                                    o.span,
                                    format!(
                                        "ADMINS is empty{} and no error tracker is set up, so \
                                         server errors alert no one",
                                        o.when()
                                    ),
                                )
                                .help(HELP),
                            );
                            continue;
                        }
                        let addresses: Vec<Option<&str>> =
                            items.iter().map(|i| address(&i.value)).collect();
                        let placeholder = |a: &str| {
                            a.rsplit_once('@')
                                .is_some_and(|(_, host)| is_placeholder_host(host))
                        };
                        if addresses.iter().all(|a| a.is_some_and(placeholder)) {
                            let span = if o.uses_default() {
                                o.span
                            } else {
                                items[0].span
                            };
                            out.push(
                                Finding::at(
                                    span,
                                    format!(
                                        "ADMINS lists only placeholder addresses ({}){} and no \
                                         error tracker is set up, so server errors alert no one",
                                        addresses[0].unwrap_or_default(),
                                        o.when()
                                    ),
                                )
                                .help(HELP),
                            );
                        }
                    }
                }
                _ => {}
            }
        });
    }
}
