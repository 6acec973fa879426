use super::alertmanager_yaml;
use crate::parse::monitoring::alertmanager::AlertmanagerConfig;
use crate::parse::monitoring::{key_span, parse_duration, text_at, Text};
use crate::project::ParsedFile;
use crate::rule::{Ctx, Rule};
use crate::rules::prometheus::report_malformed;

crate::declare_rule! {
    /// ## What it does
    /// Reports values in `alertmanager.yml` that Alertmanager refuses: an invalid duration
    /// (`group_wait: 30`), a `group_interval` or `repeat_interval` of zero, a single value where
    /// a list is expected or the reverse, a key written twice in one mapping, a root route
    /// with matchers or `continue`, an SMTP smarthost without a port, and an email integration
    /// without a `to` address or without a smarthost and sender (its own or from `global:`).
    ///
    /// ## Why it matters
    /// Alertmanager validates the whole file when it loads it and refuses it for any of these:
    /// it does not start, or a reload is rejected and the previous routing stays in force
    /// while the file in the repository says otherwise.
    ///
    /// ## Example
    /// ```yaml title="monitoring/alertmanager/alertmanager.yml"
    /// global:
    ///   smtp_smarthost: smtp.example.org
    ///
    /// route:
    ///   receiver: ops
    ///   group_wait: 30
    ///   repeat_interval: 0s
    ///
    /// receivers:
    ///   - name: ops
    ///     email_configs:
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
    ///   repeat_interval: 4h
    ///
    /// receivers:
    ///   - name: ops
    ///     email_configs:
    ///       - to: ops@example.org
    /// ```
    pub(crate) struct MalformedAlertmanagerConfig {
        code: "ALM002",
        name: "malformed-alertmanager-config",
        family: Alertmanager,
        severity: Error,
        scope: ALL,
    }
}

const REFUSES: &str = "Alertmanager refuses to load the file";

/// Whether a smarthost is `host:port` (Go's `net.SplitHostPort` with a non-empty port).
fn has_port(value: &str) -> bool {
    if let Some(rest) = value.strip_prefix('[') {
        return rest
            .split_once("]:")
            .is_some_and(|(_, port)| !port.is_empty());
    }
    value
        .rsplit_once(':')
        .is_some_and(|(host, port)| !host.contains(':') && !port.is_empty())
}

impl Rule for MalformedAlertmanagerConfig {
    fn check_file(&self, file: &ParsedFile, ctx: &mut Ctx<'_>) {
        let Some(yaml) = alertmanager_yaml(file) else {
            return;
        };
        let Some(config) = AlertmanagerConfig::from_yaml(yaml) else {
            return;
        };
        for v in config.violations(yaml) {
            report_malformed(ctx, file.id, &v, "Alertmanager");
        }
        for route in &config.routes {
            for key in ["group_interval", "repeat_interval"] {
                if let Some(t) = text_at(route.node, key) {
                    if parse_duration(t.value) == Ok(0) {
                        ctx.report(
                            file.id,
                            t.span,
                            format!("`{key}` cannot be zero; {REFUSES}"),
                        )
                        .help("use a positive duration such as `5m` or `4h`");
                    }
                }
            }
            if !route.is_root {
                continue;
            }
            for key in ["match", "match_re", "matchers"] {
                let has = route.node.get(key).is_some_and(|m| {
                    !m.is_null() && (!m.entries().is_empty() || !m.items().is_empty())
                });
                if let (true, Some(span)) = (has, key_span(route.node, key)) {
                    ctx.report(
                        file.id,
                        span,
                        format!(
                            "the root route has `{key}`; it must match every alert, and {REFUSES}"
                        ),
                    )
                    .help("move the matchers to a child route under `routes:`");
                }
            }
            if let Some(t) = text_at(route.node, "continue").filter(|t| t.value == "true") {
                ctx.report(
                    file.id,
                    t.span,
                    format!("the root route has `continue: true`; {REFUSES}"),
                )
                .help("remove `continue` from the root route");
            }
        }
        let global = |key: &str| config.global.and_then(|g| text_at(g, key));
        let mut smarthosts: Vec<Text<'_>> = global("smtp_smarthost").into_iter().collect();
        for r in &config.receivers {
            for email in &r.email_configs {
                let own = text_at(*email, "smarthost");
                smarthosts.extend(own);
                let at = email
                    .entries()
                    .first()
                    .map_or(email.span(), |(k, _)| k.span());
                if text_at(*email, "to").is_none_or(|t| t.value.is_empty()) {
                    ctx.report(
                        file.id,
                        at,
                        format!("an email integration has no `to` address; {REFUSES}"),
                    )
                    .help("add `to:` with the address to notify");
                }
                if own.is_none() && global("smtp_smarthost").is_none() {
                    ctx.report(
                        file.id,
                        at,
                        format!("an email integration has no `smarthost` and `global:` sets no `smtp_smarthost`; {REFUSES}"),
                    )
                    .help("set `smtp_smarthost: host:port` under `global:`");
                }
                if text_at(*email, "from").is_none() && global("smtp_from").is_none() {
                    ctx.report(
                        file.id,
                        at,
                        format!("an email integration has no `from` and `global:` sets no `smtp_from`; {REFUSES}"),
                    )
                    .help("set `smtp_from:` under `global:`");
                }
            }
        }
        for host in smarthosts {
            if !host.value.is_empty() && !has_port(host.value) {
                ctx.report(
                    file.id,
                    host.span,
                    format!("SMTP smarthost `{}` has no port; {REFUSES}", host.value),
                )
                .help(format!(
                    "write it as `{}:587` (or the port your server uses)",
                    host.value
                ));
            }
        }
    }
}
