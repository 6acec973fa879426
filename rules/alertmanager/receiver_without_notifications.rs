use super::alertmanager_yaml;
use crate::parse::monitoring::alertmanager::AlertmanagerConfig;
use crate::project::ParsedFile;
use crate::rule::{Ctx, Rule};

/// Words in a receiver's name that say it drops alerts on purpose (`null`, `blackhole`).
const DELIBERATE: &[&str] = &[
    "null",
    "blackhole",
    "void",
    "devnull",
    "noop",
    "none",
    "nothing",
    "silence",
    "silenced",
    "silent",
    "ignore",
    "ignored",
    "discard",
    "drop",
    "mute",
    "muted",
    "nowhere",
    "nobody",
    "sink",
    "trash",
    "dummy",
];

fn deliberate(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    let joined: String = lower.chars().filter(char::is_ascii_alphanumeric).collect();
    joined.contains("blackhole")
        || joined.contains("devnull")
        || lower
            .split(|c: char| !c.is_ascii_alphanumeric())
            .any(|w| DELIBERATE.contains(&w))
}

crate::declare_rule! {
    /// ## What it does
    /// Reports a receiver that routes send alerts to but that has no notification
    /// integration (no `email_configs`, `slack_configs`, `webhook_configs`, …). Receivers whose
    /// name says they drop alerts on purpose (`null`, `blackhole`, `silence`, `discard`, …),
    /// as is common for a Watchdog alert, are not reported.
    ///
    /// ## Why it matters
    /// Alertmanager accepts an empty receiver: alerts routed to it are grouped, deduplicated
    /// and then sent nowhere. Integrations are often removed "until the Slack webhook is set
    /// up", and the routing tree keeps sending real alerts into the void.
    ///
    /// ## Example
    /// ```yaml title="monitoring/alertmanager/alertmanager.yml"
    /// route:
    ///   receiver: ops
    ///
    /// receivers:
    ///   - name: ops
    /// ```
    ///
    /// ## How to fix
    /// Give the receiver an integration that reaches someone:
    ///
    /// ```yaml title="monitoring/alertmanager/alertmanager.yml"
    /// route:
    ///   receiver: ops
    ///
    /// receivers:
    ///   - name: ops
    ///     webhook_configs:
    ///       - url: http://alert-relay:8080/hook
    /// ```
    ///
    /// If dropping the alerts is intended, say so in the name (`null`, `blackhole`).
    pub(crate) struct ReceiverWithoutNotifications {
        code: "ALM006",
        name: "receiver-without-notifications",
        family: Alertmanager,
        severity: Warning,
        scope: NOT_DEVELOPMENT,
    }
}

impl Rule for ReceiverWithoutNotifications {
    fn check_file(&self, file: &ParsedFile, ctx: &mut Ctx<'_>) {
        let Some(yaml) = alertmanager_yaml(file) else {
            return;
        };
        let Some(config) = AlertmanagerConfig::from_yaml(yaml) else {
            return;
        };
        for r in &config.receivers {
            let Some(name) = r.name.filter(|n| !n.value.is_empty()) else {
                continue;
            };
            if !r.integrations.is_empty() || deliberate(name.value) {
                continue;
            }
            let uses: Vec<_> = config
                .routes
                .iter()
                .filter_map(|route| route.receiver)
                .filter(|rcv| rcv.value == name.value)
                .collect();
            if uses.is_empty() {
                continue;
            }
            let d = ctx.report(
                file.id,
                name.span,
                format!(
                    "receiver `{}` has no notification integration; alerts routed to it notify nobody",
                    name.value
                ),
            );
            d.help("add an integration (`email_configs`, `slack_configs`, `webhook_configs`, …), or name it `null` if dropping these alerts is intended");
            for u in uses.iter().take(3) {
                d.related(file.id, u.span, "routed here");
            }
        }
    }
}
