//! The Alertmanager configuration (`alertmanager.yml`): its schema, from the `yaml:` tags of
//! `config/config.go` and `config/notifiers.go` in prometheus/alertmanager, and a typed view of
//! the routing tree, receivers and time intervals.
//!
//! Notifier sections other than `email_configs` and `webhook_configs` are accepted by name and
//! not checked inside: Alertmanager adds integrations and their keys release by release.

use super::prometheus::{HTTP_CLIENT, TLS_CONFIG};
use super::schema::{Section, Shape, Violation};
use super::{items_at, key_span, text_at, Text};
use crate::parse::yaml::{Node, NodeKind, YamlFile};
use crate::source::Span;

const STRINGS: Shape = Shape::ListOf(&Shape::Scalar);
const LABELS: Shape = Shape::MapOf(&Shape::Scalar);
const ANY_LIST: Shape = Shape::ListOf(&Shape::Any);

static GLOBAL: Section = Section {
    name: "global",
    fields: &[
        ("resolve_timeout", Shape::Duration),
        ("http_config", Shape::Section(&HTTP_CLIENT)),
        ("jira_api_url", Shape::Scalar),
        ("smtp_from", Shape::Scalar),
        ("smtp_hello", Shape::Scalar),
        ("smtp_smarthost", Shape::Scalar),
        ("smtp_auth_username", Shape::Scalar),
        ("smtp_auth_password", Shape::Scalar),
        ("smtp_auth_password_file", Shape::Scalar),
        ("smtp_auth_secret", Shape::Scalar),
        ("smtp_auth_secret_file", Shape::Scalar),
        ("smtp_auth_identity", Shape::Scalar),
        ("smtp_require_tls", Shape::Scalar),
        ("smtp_tls_config", Shape::Section(&TLS_CONFIG)),
        ("smtp_force_implicit_tls", Shape::Scalar),
        ("slack_api_url", Shape::Scalar),
        ("slack_api_url_file", Shape::Scalar),
        ("slack_app_token", Shape::Scalar),
        ("slack_app_token_file", Shape::Scalar),
        ("slack_app_url", Shape::Scalar),
        ("pagerduty_url", Shape::Scalar),
        ("opsgenie_api_url", Shape::Scalar),
        ("opsgenie_api_key", Shape::Scalar),
        ("opsgenie_api_key_file", Shape::Scalar),
        ("wechat_api_url", Shape::Scalar),
        ("wechat_api_secret", Shape::Scalar),
        ("wechat_api_secret_file", Shape::Scalar),
        ("wechat_api_corp_id", Shape::Scalar),
        ("victorops_api_url", Shape::Scalar),
        ("victorops_api_key", Shape::Scalar),
        ("victorops_api_key_file", Shape::Scalar),
        ("telegram_api_url", Shape::Scalar),
        ("telegram_bot_token", Shape::Scalar),
        ("telegram_bot_token_file", Shape::Scalar),
        ("webex_api_url", Shape::Scalar),
        ("rocketchat_api_url", Shape::Scalar),
        ("rocketchat_token", Shape::Scalar),
        ("rocketchat_token_file", Shape::Scalar),
        ("rocketchat_token_id", Shape::Scalar),
        ("rocketchat_token_id_file", Shape::Scalar),
        ("mattermost_webhook_url", Shape::Scalar),
        ("mattermost_webhook_url_file", Shape::Scalar),
    ],
    inline: &[],
};

static ROUTE: Section = Section {
    name: "route",
    fields: &[
        ("receiver", Shape::Scalar),
        ("group_by", STRINGS),
        ("match", LABELS),
        ("match_re", LABELS),
        ("matchers", STRINGS),
        ("mute_time_intervals", STRINGS),
        ("active_time_intervals", STRINGS),
        ("continue", Shape::Scalar),
        ("routes", Shape::ListOf(&Shape::Section(&ROUTE))),
        ("group_wait", Shape::Duration),
        ("group_interval", Shape::Duration),
        ("repeat_interval", Shape::Duration),
    ],
    inline: &[],
};

static INHIBIT_RULE: Section = Section {
    name: "inhibit rule",
    fields: &[
        ("name", Shape::Scalar),
        ("source_match", LABELS),
        ("source_match_re", LABELS),
        ("source_matchers", STRINGS),
        ("target_match", LABELS),
        ("target_match_re", LABELS),
        ("target_matchers", STRINGS),
        ("equal", STRINGS),
    ],
    inline: &[],
};

static EMAIL_CONFIG: Section = Section {
    name: "email config",
    fields: &[
        ("send_resolved", Shape::Scalar),
        ("to", Shape::Scalar),
        ("from", Shape::Scalar),
        ("hello", Shape::Scalar),
        ("smarthost", Shape::Scalar),
        ("auth_username", Shape::Scalar),
        ("auth_password", Shape::Scalar),
        ("auth_password_file", Shape::Scalar),
        ("auth_secret", Shape::Scalar),
        ("auth_secret_file", Shape::Scalar),
        ("auth_identity", Shape::Scalar),
        ("headers", LABELS),
        ("html", Shape::Scalar),
        ("text", Shape::Scalar),
        ("require_tls", Shape::Scalar),
        ("tls_config", Shape::Section(&TLS_CONFIG)),
        ("force_implicit_tls", Shape::Scalar),
        ("threading", Shape::Any),
    ],
    inline: &[],
};

static WEBHOOK_CONFIG: Section = Section {
    name: "webhook config",
    fields: &[
        ("send_resolved", Shape::Scalar),
        ("url", Shape::Scalar),
        ("url_file", Shape::Scalar),
        ("http_config", Shape::Section(&HTTP_CLIENT)),
        ("max_alerts", Shape::Scalar),
        ("timeout", Shape::Duration),
    ],
    inline: &[],
};

/// The notification integrations of a receiver, `<name>_configs`.
pub const INTEGRATIONS: &[&str] = &[
    "discord",
    "email",
    "incidentio",
    "jira",
    "mattermost",
    "msteams",
    "msteamsv2",
    "opsgenie",
    "pagerduty",
    "pushover",
    "rocketchat",
    "slack",
    "sns",
    "telegram",
    "victorops",
    "webex",
    "webhook",
    "wechat",
];

static RECEIVER: Section = Section {
    name: "receiver",
    fields: &[
        ("name", Shape::Scalar),
        (
            "email_configs",
            Shape::ListOf(&Shape::Section(&EMAIL_CONFIG)),
        ),
        (
            "webhook_configs",
            Shape::ListOf(&Shape::Section(&WEBHOOK_CONFIG)),
        ),
        ("discord_configs", ANY_LIST),
        ("incidentio_configs", ANY_LIST),
        ("jira_configs", ANY_LIST),
        ("mattermost_configs", ANY_LIST),
        ("msteams_configs", ANY_LIST),
        ("msteamsv2_configs", ANY_LIST),
        ("opsgenie_configs", ANY_LIST),
        ("pagerduty_configs", ANY_LIST),
        ("pushover_configs", ANY_LIST),
        ("rocketchat_configs", ANY_LIST),
        ("slack_configs", ANY_LIST),
        ("sns_configs", ANY_LIST),
        ("telegram_configs", ANY_LIST),
        ("victorops_configs", ANY_LIST),
        ("webex_configs", ANY_LIST),
        ("wechat_configs", ANY_LIST),
    ],
    inline: &[],
};

static TIME_RANGE: Section = Section {
    name: "time range",
    fields: &[("start_time", Shape::Scalar), ("end_time", Shape::Scalar)],
    inline: &[],
};

static TIME_SPEC: Section = Section {
    name: "time interval",
    fields: &[
        ("times", Shape::ListOf(&Shape::Section(&TIME_RANGE))),
        ("weekdays", STRINGS),
        ("days_of_month", STRINGS),
        ("months", STRINGS),
        ("years", STRINGS),
        ("location", Shape::Scalar),
    ],
    inline: &[],
};

static NAMED_TIME_INTERVAL: Section = Section {
    name: "named time interval",
    fields: &[
        ("name", Shape::Scalar),
        ("time_intervals", Shape::ListOf(&Shape::Section(&TIME_SPEC))),
    ],
    inline: &[],
};

/// The top level of `alertmanager.yml`.
pub static CONFIG: Section = Section {
    name: "top level",
    fields: &[
        ("global", Shape::Section(&GLOBAL)),
        ("route", Shape::Section(&ROUTE)),
        (
            "inhibit_rules",
            Shape::ListOf(&Shape::Section(&INHIBIT_RULE)),
        ),
        ("receivers", Shape::ListOf(&Shape::Section(&RECEIVER))),
        ("templates", STRINGS),
        (
            "mute_time_intervals",
            Shape::ListOf(&Shape::Section(&NAMED_TIME_INTERVAL)),
        ),
        (
            "time_intervals",
            Shape::ListOf(&Shape::Section(&NAMED_TIME_INTERVAL)),
        ),
        ("tracing", Shape::Any),
    ],
    inline: &[],
};

/// Why an unknown Alertmanager key is there, when it is a common mistake.
pub fn unknown_key_hint(section: &str, key: &str) -> Option<String> {
    if section == "top level" && GLOBAL.field(key).is_some() {
        return Some(format!("`{key}` belongs under `global:`"));
    }
    if section == "top level" && ROUTE.field(key).is_some() {
        return Some(format!("`{key}` belongs under `route:`"));
    }
    if section == "receiver" && key.ends_with("_config") {
        return Some(format!("integrations are lists: `{key}s:`"));
    }
    if section == "global" && EMAIL_CONFIG.field(key).is_some() {
        return Some(format!(
            "global SMTP settings are prefixed: `smtp_{key}` (`{key}` is a key of `email_configs`)"
        ));
    }
    None
}

/// Routes followed before the walk gives up (a guard against absurd trees).
const MAX_ROUTES: usize = 100_000;

/// An Alertmanager configuration, as far as rules read it.
#[derive(Clone, Debug)]
pub struct AlertmanagerConfig<'a> {
    /// The first document, a mapping.
    pub root: Node<'a>,
    pub global: Option<Node<'a>>,
    /// The span of the `route` key, when written.
    pub route_key: Option<Span>,
    /// Every route of the tree, the root first, then in source order.
    pub routes: Vec<Route<'a>>,
    pub receivers: Vec<Receiver<'a>>,
    /// Names of `time_intervals` and `mute_time_intervals`.
    pub time_intervals: Vec<Text<'a>>,
}

/// A node of the routing tree.
#[derive(Clone, Debug)]
pub struct Route<'a> {
    pub node: Node<'a>,
    /// Whether this is the top-level `route:`.
    pub is_root: bool,
    pub receiver: Option<Text<'a>>,
    pub mute_time_intervals: Vec<Text<'a>>,
    pub active_time_intervals: Vec<Text<'a>>,
}

/// A `receivers` entry.
#[derive(Clone, Debug)]
pub struct Receiver<'a> {
    pub node: Node<'a>,
    pub name: Option<Text<'a>>,
    /// The `<integration>_configs` keys that have entries.
    pub integrations: Vec<Text<'a>>,
    pub email_configs: Vec<Node<'a>>,
}

/// A credential for the SMTP server: its key and value.
#[derive(Clone, Copy, Debug)]
pub struct SmtpSecret<'a> {
    pub key: Text<'a>,
    pub value: Text<'a>,
}

fn texts<'a>(node: Node<'a>, key: &str) -> Vec<Text<'a>> {
    items_at(node, key)
        .into_iter()
        .filter_map(Text::of)
        .collect()
}

impl<'a> AlertmanagerConfig<'a> {
    /// The configuration in the first document of `file`, if that is a mapping.
    pub fn from_yaml(file: &'a YamlFile) -> Option<AlertmanagerConfig<'a>> {
        let root = file.documents().next()?;
        if root.kind() != NodeKind::Mapping {
            return None;
        }
        let mut routes = Vec::new();
        if let Some(top) = root.get("route").filter(|r| r.kind() == NodeKind::Mapping) {
            let mut queue = std::collections::VecDeque::from([(top, true)]);
            while let Some((node, is_root)) = queue.pop_front() {
                if routes.len() >= MAX_ROUTES {
                    break;
                }
                routes.push(Route {
                    node,
                    is_root,
                    receiver: text_at(node, "receiver"),
                    mute_time_intervals: texts(node, "mute_time_intervals"),
                    active_time_intervals: texts(node, "active_time_intervals"),
                });
                for child in items_at(node, "routes") {
                    if child.kind() == NodeKind::Mapping {
                        queue.push_back((child, false));
                    }
                }
            }
            routes[1..].sort_by_key(|r| r.node.span());
        }
        let receivers = items_at(root, "receivers")
            .into_iter()
            .filter(|r| r.kind() == NodeKind::Mapping)
            .map(|node| Receiver {
                node,
                name: text_at(node, "name"),
                integrations: node
                    .entries()
                    .into_iter()
                    .filter(|(k, v)| {
                        k.as_str()
                            .and_then(|k| k.strip_suffix("_configs"))
                            .is_some_and(|i| INTEGRATIONS.contains(&i))
                            && !v.items().is_empty()
                    })
                    .filter_map(|(k, _)| Text::of(k))
                    .collect(),
                email_configs: items_at(node, "email_configs"),
            })
            .collect();
        let mut time_intervals = Vec::new();
        for key in ["mute_time_intervals", "time_intervals"] {
            for ti in items_at(root, key) {
                time_intervals.extend(text_at(ti, "name"));
            }
        }
        Some(AlertmanagerConfig {
            root,
            global: root.get("global"),
            route_key: key_span(root, "route"),
            routes,
            receivers,
            time_intervals,
        })
    }

    /// The receiver named `name`.
    pub fn receiver(&self, name: &str) -> Option<&Receiver<'a>> {
        self.receivers
            .iter()
            .find(|r| r.name.is_some_and(|n| n.value == name))
    }

    /// Passwords and secrets for the SMTP server: `global.smtp_auth_password` and
    /// `smtp_auth_secret`, and `auth_password` and `auth_secret` of every `email_configs` entry.
    pub fn smtp_secrets(&self) -> Vec<SmtpSecret<'a>> {
        let mut out = Vec::new();
        let mut take = |node: Node<'a>, keys: &[&str]| {
            for (k, v) in node.entries() {
                let (Some(key), Some(value)) = (Text::of(k), Text::of(v)) else {
                    continue;
                };
                if keys.contains(&key.value) {
                    out.push(SmtpSecret { key, value });
                }
            }
        };
        if let Some(global) = self.global {
            take(global, &["smtp_auth_password", "smtp_auth_secret"]);
        }
        for r in &self.receivers {
            for email in &r.email_configs {
                take(*email, &["auth_password", "auth_secret"]);
            }
        }
        out.sort_by_key(|s| s.value.span);
        out
    }

    /// Checks the file against the schema of `alertmanager.yml`.
    pub fn violations(&self, file: &YamlFile) -> Vec<Violation> {
        let mut out = super::schema::check(self.root, Shape::Section(&CONFIG));
        out.extend(super::schema::duplicate_keys(file, self.root));
        out.sort_by_key(|v| v.span());
        out
    }
}
