use super::alertmanager_yaml;
use crate::parse::monitoring::alertmanager::{unknown_key_hint, AlertmanagerConfig};
use crate::project::ParsedFile;
use crate::rule::{Ctx, Rule};

crate::declare_rule! {
    /// ## What it does
    /// Reports a key that Alertmanager does not know in `alertmanager.yml`, at any depth: a
    /// typo (`recievers`, `group_wiat`), a key in the wrong section (`smtp_smarthost` at the
    /// top level instead of under `global:`, `receiver` in an inhibit rule), a singular
    /// integration (`email_config:` for `email_configs:`). The finding suggests the key that
    /// was most likely meant.
    ///
    /// Inside integrations other than `email_configs` and `webhook_configs`, keys are not
    /// checked.
    ///
    /// ## Why it matters
    /// Alertmanager decodes its configuration strictly and refuses the whole file for one
    /// unknown key ("field recievers not found in type config.plain"): it does not start, or a
    /// reload is rejected and the old routing stays — new receivers never get a notification.
    ///
    /// ## Example
    /// ```yaml title="monitoring/alertmanager/alertmanager.yml"
    /// route:
    ///   receiver: ops
    ///   group_wiat: 30s
    ///
    /// receivers:
    ///   - name: ops
    ///     email_config:
    ///       - to: ops@example.org
    /// ```
    ///
    /// ## How to fix
    /// ```yaml title="monitoring/alertmanager/alertmanager.yml"
    /// global:
    ///   smtp_smarthost: smtp.example.org:587
    ///   smtp_from: alertmanager@example.org
    ///
    /// route:
    ///   receiver: ops
    ///   group_wait: 30s
    ///
    /// receivers:
    ///   - name: ops
    ///     email_configs:
    ///       - to: ops@example.org
    /// ```
    ///
    /// `amtool check-config` confirms the file loads.
    pub(crate) struct UnknownAlertmanagerKey {
        code: "ALM001",
        name: "unknown-alertmanager-key",
        family: Alertmanager,
        severity: Error,
        scope: ALL,
    }
}

impl Rule for UnknownAlertmanagerKey {
    fn check_file(&self, file: &ParsedFile, ctx: &mut Ctx<'_>) {
        let Some(yaml) = alertmanager_yaml(file) else {
            return;
        };
        let Some(config) = AlertmanagerConfig::from_yaml(yaml) else {
            return;
        };
        let violations = config.violations(yaml);
        crate::rules::prometheus::report_unknown_keys(
            ctx,
            file.id,
            violations,
            "Alertmanager",
            unknown_key_hint,
        );
    }
}
