use crate::rule::{Ctx, Rule};
use crate::rules::django::{check_leaves, is_placeholder_host, show, Finding, Judged};

crate::declare_rule! {
    /// ## What it does
    /// Reports deployed settings whose e-mail never reaches anyone: `EMAIL_BACKEND` set to
    /// Django's console, file, in-memory or dummy backend (written, or as the default of an
    /// environment read), and an SMTP `EMAIL_HOST` that is a placeholder
    /// (`smtp.example.com`, `mail.your-provider.com`).
    ///
    /// ## Why it matters
    /// Password resets, account confirmations and the error reports Django mails to `ADMINS`
    /// all go through the backend. The development backends accept every message and deliver
    /// none: users wait for a reset link that never comes, and the team never hears about
    /// errors. Nothing fails, so nothing shows up in monitoring.
    ///
    /// ## Example
    /// ```python title="app/settings/production.py"
    /// ALLOWED_HOSTS = ["shop.example.org"]
    /// EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
    /// ```
    ///
    /// ## How to fix
    /// ```python title="app/settings/production.py"
    /// import os
    ///
    /// ALLOWED_HOSTS = ["shop.example.org"]
    /// EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    /// EMAIL_HOST = os.environ["EMAIL_HOST"]
    /// ```
    pub(crate) struct EmailNotDelivered {
        code: "DJG020",
        name: "email-not-delivered",
        family: Django,
        severity: Warning,
        scope: DEPLOYED,
    }
}

/// Django's backends that deliver nothing, by module.
const UNDELIVERED: &[(&str, &str)] = &[
    (
        "django.core.mail.backends.console",
        "prints every message to standard output",
    ),
    (
        "django.core.mail.backends.filebased",
        "writes every message to a file",
    ),
    (
        "django.core.mail.backends.locmem",
        "keeps every message in memory",
    ),
    ("django.core.mail.backends.dummy", "drops every message"),
];

impl Rule for EmailNotDelivered {
    fn check_project(&self, ctx: &mut Ctx<'_>) {
        check_leaves(ctx, |leaf, out| {
            let mut smtp = false;
            match leaf.judge("EMAIL_BACKEND") {
                Judged::Default(_) => smtp = true,
                Judged::Set(_, list) => {
                    for o in list {
                        let Some(backend) = o.value.as_str() else {
                            continue;
                        };
                        if backend.contains(".smtp.") {
                            smtp = true;
                        }
                        let Some((_, does)) =
                            UNDELIVERED.iter().find(|(m, _)| backend.starts_with(m))
                        else {
                            continue;
                        };
                        let what = if o.uses_default() {
                            "defaults to"
                        } else {
                            "is"
                        };
                        let name = backend.rsplit('.').nth(1).unwrap_or(backend);
                        out.push(
                            Finding::at(
                                o.span,
                                format!(
                                    "EMAIL_BACKEND {what} the {name} backend{}, which {does}: \
                                     password resets and error reports are never delivered",
                                    o.when()
                                ),
                            )
                            .help(
                                "use the SMTP backend (or a provider's backend) with \
                                   credentials from the environment",
                            ),
                        );
                    }
                }
                Judged::Unknown => {}
            }
            if !smtp {
                return;
            }
            if let Judged::Set(_, list) = leaf.judge("EMAIL_HOST") {
                for o in list {
                    let Some(host) = o.value.as_str() else {
                        continue;
                    };
                    if host.is_empty() || !is_placeholder_host(host) {
                        continue;
                    }
                    out.push(
                        Finding::at(
                            o.span,
                            format!(
                                "EMAIL_HOST is a placeholder ({}){}, so no e-mail is delivered",
                                show(&o.value),
                                o.when()
                            ),
                        )
                        .help("read EMAIL_HOST from the environment without a fallback"),
                    );
                }
            }
        });
    }
}
