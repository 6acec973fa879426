use super::alertmanager_yaml;
use crate::diagnostic::redact;
use crate::parse::monitoring::alertmanager::AlertmanagerConfig;
use crate::project::ParsedFile;
use crate::rule::{Ctx, Rule};
use crate::rules::data::is_placeholder;

crate::declare_rule! {
    /// ## What it does
    /// Reports an SMTP password or secret in `alertmanager.yml` that is a placeholder:
    /// `smtp_auth_password` or `smtp_auth_secret` under `global:`, or `auth_password` or
    /// `auth_secret` of an email integration, set to `CHANGE_ME`, `<password>`,
    /// `your-smtp-password`, `xxxxxxxx` and the like (the markers of
    /// `rules/data/placeholders.txt`).
    ///
    /// ## Why it matters
    /// Alertmanager does not check credentials when it loads the file. It starts, routes
    /// alerts, and every email notification fails at the SMTP server with an authentication
    /// error that only appears in Alertmanager's log — during the incident the email was meant
    /// to announce.
    ///
    /// ## Example
    /// ```yaml title="monitoring/alertmanager/alertmanager.yml"
    /// global:
    ///   smtp_smarthost: smtp.example.org:587
    ///   smtp_from: alertmanager@example.org
    ///   smtp_auth_username: alertmanager@example.org
    ///   smtp_auth_password: CHANGE_ME
    ///
    /// route:
    ///   receiver: ops
    ///
    /// receivers:
    ///   - name: ops
    ///     email_configs:
    ///       - to: ops@example.org
    /// ```
    ///
    /// ## How to fix
    /// Keep the password out of the file and let Alertmanager read it from a mounted secret:
    ///
    /// ```yaml title="monitoring/alertmanager/alertmanager.yml"
    /// global:
    ///   smtp_smarthost: smtp.example.org:587
    ///   smtp_from: alertmanager@example.org
    ///   smtp_auth_username: alertmanager@example.org
    ///   smtp_auth_password_file: /run/secrets/smtp_password
    ///
    /// route:
    ///   receiver: ops
    ///
    /// receivers:
    ///   - name: ops
    ///     email_configs:
    ///       - to: ops@example.org
    /// ```
    pub(crate) struct PlaceholderSmtpPassword {
        code: "ALM007",
        name: "placeholder-smtp-password",
        family: Alertmanager,
        severity: Warning,
        scope: DEPLOYED_STRICT,
    }
}

impl Rule for PlaceholderSmtpPassword {
    fn check_file(&self, file: &ParsedFile, ctx: &mut Ctx<'_>) {
        let Some(yaml) = alertmanager_yaml(file) else {
            return;
        };
        let Some(config) = AlertmanagerConfig::from_yaml(yaml) else {
            return;
        };
        for s in config.smtp_secrets() {
            // `$SMTP_PASSWORD` is expanded by Alertmanager's `--config.expand-env`.
            if s.value.value.contains('$') || !is_placeholder(s.value.value) {
                continue;
            }
            ctx.report(
                file.id,
                s.value.span,
                format!(
                    "`{}` is a placeholder (`{}`), not the SMTP password; email notifications will fail to authenticate",
                    s.key.value,
                    redact(s.value.value)
                ),
            )
            .help(format!(
                "use `{}_file` with a mounted secret, or put the real password in the file when deploying",
                s.key.value
            ))
            .sensitive(file.id, s.value.span);
        }
    }
}
