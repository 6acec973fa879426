//! The Prometheus server configuration (`prometheus.yml`): its schema, from the `yaml:` tags of
//! `config/config.go` in prometheus/prometheus and `config/http_config.go` in
//! prometheus/common, and a typed view of the parts rules read.
//!
//! The schema accepts the keys of Prometheus 2.x and 3.x together (`scrape_classic_histograms`
//! was renamed `always_scrape_classic_histograms` in 3.0; both are accepted), so that a file
//! valid for the version a project runs is not reported. Service-discovery sections other than
//! `static_configs`, `file_sd_configs`, `dns_sd_configs` and `http_sd_configs` are accepted by
//! name and not checked inside: there are thirty of them and their keys change often.

use super::schema::{Section, Shape};
use super::{items_at, key_span, text_at, Text};
use crate::parse::yaml::{Node, NodeKind, YamlFile};
use crate::source::Span;

// ---------------------------------------------------------------------------------------------
// Schema
// ---------------------------------------------------------------------------------------------

const STRINGS: Shape = Shape::ListOf(&Shape::Scalar);
const LABELS: Shape = Shape::MapOf(&Shape::Scalar);

pub static TLS_CONFIG: Section = Section {
    name: "tls_config",
    fields: &[
        ("ca", Shape::Scalar),
        ("ca_file", Shape::Scalar),
        ("ca_ref", Shape::Scalar),
        ("cert", Shape::Scalar),
        ("cert_file", Shape::Scalar),
        ("cert_ref", Shape::Scalar),
        ("key", Shape::Scalar),
        ("key_file", Shape::Scalar),
        ("key_ref", Shape::Scalar),
        ("server_name", Shape::Scalar),
        ("insecure_skip_verify", Shape::Scalar),
        ("min_version", Shape::Scalar),
        ("max_version", Shape::Scalar),
    ],
    inline: &[],
};

static BASIC_AUTH: Section = Section {
    name: "basic_auth",
    fields: &[
        ("username", Shape::Scalar),
        ("username_file", Shape::Scalar),
        ("username_ref", Shape::Scalar),
        ("password", Shape::Scalar),
        ("password_file", Shape::Scalar),
        ("password_ref", Shape::Scalar),
    ],
    inline: &[],
};

static AUTHORIZATION: Section = Section {
    name: "authorization",
    fields: &[
        ("type", Shape::Scalar),
        ("credentials", Shape::Scalar),
        ("credentials_file", Shape::Scalar),
        ("credentials_ref", Shape::Scalar),
    ],
    inline: &[],
};

static PROXY: Section = Section {
    name: "proxy",
    fields: &[
        ("proxy_url", Shape::Scalar),
        ("no_proxy", Shape::Scalar),
        ("proxy_from_environment", Shape::Scalar),
        ("proxy_connect_header", Shape::Any),
    ],
    inline: &[],
};

static OAUTH2: Section = Section {
    name: "oauth2",
    fields: &[
        ("client_id", Shape::Scalar),
        ("client_secret", Shape::Scalar),
        ("client_secret_file", Shape::Scalar),
        ("client_secret_ref", Shape::Scalar),
        ("scopes", STRINGS),
        ("token_url", Shape::Scalar),
        ("endpoint_params", LABELS),
        ("tls_config", Shape::Section(&TLS_CONFIG)),
        // Newer prometheus/common: JWT bearer grants.
        ("grant_type", Shape::Scalar),
        ("client_certificate_key_id", Shape::Scalar),
        ("client_certificate_key", Shape::Scalar),
        ("client_certificate_key_file", Shape::Scalar),
        ("client_certificate_key_ref", Shape::Scalar),
        ("signature_algorithm", Shape::Scalar),
        ("iss", Shape::Scalar),
        ("audience", Shape::Scalar),
        ("claims", Shape::Any),
    ],
    inline: &[&PROXY],
};

/// `HTTPClientConfig` of prometheus/common, inlined in scrape, remote and SD configs.
pub static HTTP_CLIENT: Section = Section {
    name: "http client",
    fields: &[
        ("basic_auth", Shape::Section(&BASIC_AUTH)),
        ("authorization", Shape::Section(&AUTHORIZATION)),
        ("oauth2", Shape::Section(&OAUTH2)),
        ("bearer_token", Shape::Scalar),
        ("bearer_token_file", Shape::Scalar),
        ("tls_config", Shape::Section(&TLS_CONFIG)),
        ("follow_redirects", Shape::Scalar),
        ("enable_http2", Shape::Scalar),
        ("http_headers", Shape::Any),
    ],
    inline: &[&PROXY],
};

static RELABEL: Section = Section {
    name: "relabel config",
    fields: &[
        ("source_labels", STRINGS),
        ("separator", Shape::Scalar),
        ("regex", Shape::Scalar),
        ("modulus", Shape::Scalar),
        ("target_label", Shape::Scalar),
        ("replacement", Shape::Scalar),
        ("action", Shape::Scalar),
    ],
    inline: &[],
};
const RELABELS: Shape = Shape::ListOf(&Shape::Section(&RELABEL));

static STATIC_CONFIG: Section = Section {
    name: "static config",
    fields: &[("targets", STRINGS), ("labels", LABELS)],
    inline: &[],
};

static FILE_SD: Section = Section {
    name: "file_sd config",
    fields: &[("files", STRINGS), ("refresh_interval", Shape::Duration)],
    inline: &[],
};

static DNS_SD: Section = Section {
    name: "dns_sd config",
    fields: &[
        ("names", STRINGS),
        ("type", Shape::Scalar),
        ("port", Shape::Scalar),
        ("refresh_interval", Shape::Duration),
    ],
    inline: &[],
};

static HTTP_SD: Section = Section {
    name: "http_sd config",
    fields: &[
        ("url", Shape::Scalar),
        ("refresh_interval", Shape::Duration),
    ],
    inline: &[&HTTP_CLIENT],
};

/// The service-discovery mechanisms, `<name>_sd_configs`, of Prometheus 2.x and 3.x.
pub const SD_MECHANISMS: &[&str] = &[
    "aliyun",
    "aws",
    "azure",
    "consul",
    "digitalocean",
    "dns",
    "docker",
    "dockerswarm",
    "ec2",
    "ecs",
    "elasticache",
    "eureka",
    "file",
    "gce",
    "hetzner",
    "http",
    "ionos",
    "kubernetes",
    "kuma",
    "lightsail",
    "linode",
    "marathon",
    "mq",
    "msk",
    "nerve",
    "nomad",
    "openstack",
    "outscale",
    "ovhcloud",
    "puppetdb",
    "rds",
    "scaleway",
    "serverset",
    "stackit",
    "triton",
    "uyuni",
    "vultr",
];

const ANY_LIST: Shape = Shape::ListOf(&Shape::Any);

/// Every `*_sd_configs` key and `static_configs`, inlined where targets can be discovered.
static SERVICE_DISCOVERY: Section = Section {
    name: "service discovery",
    fields: &[
        (
            "static_configs",
            Shape::ListOf(&Shape::Section(&STATIC_CONFIG)),
        ),
        ("file_sd_configs", Shape::ListOf(&Shape::Section(&FILE_SD))),
        ("dns_sd_configs", Shape::ListOf(&Shape::Section(&DNS_SD))),
        ("http_sd_configs", Shape::ListOf(&Shape::Section(&HTTP_SD))),
        ("aliyun_sd_configs", ANY_LIST),
        ("aws_sd_configs", ANY_LIST),
        ("azure_sd_configs", ANY_LIST),
        ("consul_sd_configs", ANY_LIST),
        ("digitalocean_sd_configs", ANY_LIST),
        ("docker_sd_configs", ANY_LIST),
        ("dockerswarm_sd_configs", ANY_LIST),
        ("ec2_sd_configs", ANY_LIST),
        ("ecs_sd_configs", ANY_LIST),
        ("elasticache_sd_configs", ANY_LIST),
        ("eureka_sd_configs", ANY_LIST),
        ("gce_sd_configs", ANY_LIST),
        ("hetzner_sd_configs", ANY_LIST),
        ("ionos_sd_configs", ANY_LIST),
        ("kubernetes_sd_configs", ANY_LIST),
        ("kuma_sd_configs", ANY_LIST),
        ("lightsail_sd_configs", ANY_LIST),
        ("linode_sd_configs", ANY_LIST),
        ("marathon_sd_configs", ANY_LIST),
        ("mq_sd_configs", ANY_LIST),
        ("msk_sd_configs", ANY_LIST),
        ("nerve_sd_configs", ANY_LIST),
        ("nomad_sd_configs", ANY_LIST),
        ("openstack_sd_configs", ANY_LIST),
        ("outscale_sd_configs", ANY_LIST),
        ("ovhcloud_sd_configs", ANY_LIST),
        ("puppetdb_sd_configs", ANY_LIST),
        ("rds_sd_configs", ANY_LIST),
        ("scaleway_sd_configs", ANY_LIST),
        ("serverset_sd_configs", ANY_LIST),
        ("stackit_sd_configs", ANY_LIST),
        ("triton_sd_configs", ANY_LIST),
        ("uyuni_sd_configs", ANY_LIST),
        ("vultr_sd_configs", ANY_LIST),
    ],
    inline: &[],
};

static GLOBAL: Section = Section {
    name: "global",
    fields: &[
        ("scrape_interval", Shape::Duration),
        ("scrape_timeout", Shape::Duration),
        ("scrape_protocols", STRINGS),
        ("evaluation_interval", Shape::Duration),
        ("rule_query_offset", Shape::Duration),
        ("query_log_file", Shape::Scalar),
        ("scrape_failure_log_file", Shape::Scalar),
        ("external_labels", LABELS),
        ("body_size_limit", Shape::Scalar),
        ("sample_limit", Shape::Scalar),
        ("target_limit", Shape::Scalar),
        ("label_limit", Shape::Scalar),
        ("label_name_length_limit", Shape::Scalar),
        ("label_value_length_limit", Shape::Scalar),
        ("keep_dropped_targets", Shape::Scalar),
        ("metric_name_validation_scheme", Shape::Scalar),
        ("metric_name_escaping_scheme", Shape::Scalar),
        ("scrape_native_histograms", Shape::Scalar),
        ("convert_classic_histograms_to_nhcb", Shape::Scalar),
        ("always_scrape_classic_histograms", Shape::Scalar),
        ("extra_scrape_metrics", Shape::Scalar),
    ],
    inline: &[],
};

/// A `scrape_configs` entry.
pub static SCRAPE_CONFIG: Section = Section {
    name: "scrape config",
    fields: &[
        ("job_name", Shape::Scalar),
        ("honor_labels", Shape::Scalar),
        ("honor_timestamps", Shape::Scalar),
        ("track_timestamps_staleness", Shape::Scalar),
        ("params", Shape::MapOf(&STRINGS)),
        ("scrape_interval", Shape::Duration),
        ("scrape_timeout", Shape::Duration),
        ("scrape_protocols", STRINGS),
        ("fallback_scrape_protocol", Shape::Scalar),
        ("scrape_native_histograms", Shape::Scalar),
        ("always_scrape_classic_histograms", Shape::Scalar),
        // Prometheus 2.x name of `always_scrape_classic_histograms`.
        ("scrape_classic_histograms", Shape::Scalar),
        ("convert_classic_histograms_to_nhcb", Shape::Scalar),
        ("scrape_failure_log_file", Shape::Scalar),
        ("metrics_path", Shape::Scalar),
        ("scheme", Shape::Scalar),
        ("enable_compression", Shape::Scalar),
        ("body_size_limit", Shape::Scalar),
        ("sample_limit", Shape::Scalar),
        ("target_limit", Shape::Scalar),
        ("label_limit", Shape::Scalar),
        ("label_name_length_limit", Shape::Scalar),
        ("label_value_length_limit", Shape::Scalar),
        ("native_histogram_bucket_limit", Shape::Scalar),
        ("native_histogram_min_bucket_factor", Shape::Scalar),
        ("keep_dropped_targets", Shape::Scalar),
        ("metric_name_validation_scheme", Shape::Scalar),
        ("metric_name_escaping_scheme", Shape::Scalar),
        ("extra_scrape_metrics", Shape::Scalar),
        ("relabel_configs", RELABELS),
        ("metric_relabel_configs", RELABELS),
    ],
    inline: &[&HTTP_CLIENT, &SERVICE_DISCOVERY],
};

static ALERTMANAGER_CONFIG: Section = Section {
    name: "alertmanager config",
    fields: &[
        ("sigv4", Shape::Any),
        ("scheme", Shape::Scalar),
        ("path_prefix", Shape::Scalar),
        ("timeout", Shape::Duration),
        ("api_version", Shape::Scalar),
        ("relabel_configs", RELABELS),
        ("alert_relabel_configs", RELABELS),
    ],
    inline: &[&HTTP_CLIENT, &SERVICE_DISCOVERY],
};

static ALERTING: Section = Section {
    name: "alerting",
    fields: &[
        ("alert_relabel_configs", RELABELS),
        (
            "alertmanagers",
            Shape::ListOf(&Shape::Section(&ALERTMANAGER_CONFIG)),
        ),
    ],
    inline: &[],
};

static QUEUE_CONFIG: Section = Section {
    name: "queue_config",
    fields: &[
        ("capacity", Shape::Scalar),
        ("max_shards", Shape::Scalar),
        ("min_shards", Shape::Scalar),
        ("max_samples_per_send", Shape::Scalar),
        ("batch_send_deadline", Shape::Duration),
        ("min_backoff", Shape::Duration),
        ("max_backoff", Shape::Duration),
        ("retry_on_http_429", Shape::Scalar),
        ("sample_age_limit", Shape::Duration),
    ],
    inline: &[],
};

static METADATA_CONFIG: Section = Section {
    name: "metadata_config",
    fields: &[
        ("send", Shape::Scalar),
        ("send_interval", Shape::Duration),
        ("max_samples_per_send", Shape::Scalar),
    ],
    inline: &[],
};

static REMOTE_WRITE: Section = Section {
    name: "remote_write",
    fields: &[
        ("url", Shape::Scalar),
        ("remote_timeout", Shape::Duration),
        ("headers", LABELS),
        ("write_relabel_configs", RELABELS),
        ("name", Shape::Scalar),
        ("send_exemplars", Shape::Scalar),
        ("send_native_histograms", Shape::Scalar),
        ("round_robin_dns", Shape::Scalar),
        ("protobuf_message", Shape::Scalar),
        ("queue_config", Shape::Section(&QUEUE_CONFIG)),
        ("metadata_config", Shape::Section(&METADATA_CONFIG)),
        ("sigv4", Shape::Any),
        ("azuread", Shape::Any),
        ("google_iam", Shape::Any),
    ],
    inline: &[&HTTP_CLIENT],
};

static REMOTE_READ: Section = Section {
    name: "remote_read",
    fields: &[
        ("url", Shape::Scalar),
        ("remote_timeout", Shape::Duration),
        ("chunked_read_limit", Shape::Scalar),
        ("headers", LABELS),
        ("read_recent", Shape::Scalar),
        ("name", Shape::Scalar),
        ("required_matchers", LABELS),
        ("filter_external_labels", Shape::Scalar),
    ],
    inline: &[&HTTP_CLIENT],
};

static TSDB_RETENTION: Section = Section {
    name: "storage.tsdb.retention",
    fields: &[("time", Shape::Duration), ("size", Shape::Scalar)],
    inline: &[],
};

static TSDB: Section = Section {
    name: "storage.tsdb",
    fields: &[
        ("out_of_order_time_window", Shape::Duration),
        ("retention", Shape::Section(&TSDB_RETENTION)),
    ],
    inline: &[],
};

static EXEMPLARS: Section = Section {
    name: "storage.exemplars",
    fields: &[("max_exemplars", Shape::Scalar)],
    inline: &[],
};

static STORAGE: Section = Section {
    name: "storage",
    fields: &[
        ("tsdb", Shape::Section(&TSDB)),
        ("exemplars", Shape::Section(&EXEMPLARS)),
    ],
    inline: &[],
};

static TRACING: Section = Section {
    name: "tracing",
    fields: &[
        ("client_type", Shape::Scalar),
        ("endpoint", Shape::Scalar),
        ("sampling_fraction", Shape::Scalar),
        ("insecure", Shape::Scalar),
        ("tls_config", Shape::Section(&TLS_CONFIG)),
        ("headers", LABELS),
        ("compression", Shape::Scalar),
        ("timeout", Shape::Duration),
    ],
    inline: &[],
};

static RUNTIME: Section = Section {
    name: "runtime",
    fields: &[("gogc", Shape::Scalar)],
    inline: &[],
};

static OTLP: Section = Section {
    name: "otlp",
    fields: &[
        ("promote_all_resource_attributes", Shape::Scalar),
        ("promote_resource_attributes", STRINGS),
        ("ignore_resource_attributes", STRINGS),
        ("translation_strategy", Shape::Scalar),
        ("keep_identifying_resource_attributes", Shape::Scalar),
        ("convert_histograms_to_nhcb", Shape::Scalar),
        ("promote_scope_metadata", Shape::Scalar),
        ("label_name_underscore_sanitization", Shape::Scalar),
        ("label_name_preserve_multiple_underscores", Shape::Scalar),
    ],
    inline: &[],
};

/// The top level of `prometheus.yml`.
pub static CONFIG: Section = Section {
    name: "top level",
    fields: &[
        ("global", Shape::Section(&GLOBAL)),
        ("runtime", Shape::Section(&RUNTIME)),
        ("alerting", Shape::Section(&ALERTING)),
        ("rule_files", STRINGS),
        ("scrape_config_files", STRINGS),
        (
            "scrape_configs",
            Shape::ListOf(&Shape::Section(&SCRAPE_CONFIG)),
        ),
        ("storage", Shape::Section(&STORAGE)),
        ("tracing", Shape::Section(&TRACING)),
        (
            "remote_write",
            Shape::ListOf(&Shape::Section(&REMOTE_WRITE)),
        ),
        ("remote_read", Shape::ListOf(&Shape::Section(&REMOTE_READ))),
        ("otlp", Shape::Section(&OTLP)),
    ],
    inline: &[],
};

/// Command-line flags people write into `prometheus.yml` as keys, with the flag they mean.
const FLAGS: &[(&str, &str)] = &[
    ("path", "--storage.tsdb.path"),
    ("retention.time", "--storage.tsdb.retention.time"),
    ("retention.size", "--storage.tsdb.retention.size"),
    ("retention_time", "--storage.tsdb.retention.time"),
    ("retention_size", "--storage.tsdb.retention.size"),
    ("wal-compression", "--storage.tsdb.wal-compression"),
    ("wal_compression", "--storage.tsdb.wal-compression"),
    ("min-block-duration", "--storage.tsdb.min-block-duration"),
    ("max-block-duration", "--storage.tsdb.max-block-duration"),
    ("no-lockfile", "--storage.tsdb.no-lockfile"),
    ("local", "--storage.tsdb.* flags"),
    ("external_url", "--web.external-url"),
    ("listen_address", "--web.listen-address"),
    ("enable_lifecycle", "--web.enable-lifecycle"),
];

/// Why an unknown key of a Prometheus section is there, when it is a common mistake: a global
/// setting at the top level, a command-line flag written as a key, a key of the section above.
pub fn unknown_key_hint(section: &str, key: &str) -> Option<String> {
    if section == "top level" {
        if GLOBAL.field(key).is_some() {
            return Some(format!("`{key}` belongs under `global:`"));
        }
        if SCRAPE_CONFIG.field(key).is_some() {
            return Some(format!(
                "`{key}` is a setting of a scrape job; put it in an entry of `scrape_configs`"
            ));
        }
    }
    if section.starts_with("storage") || section == "top level" {
        if let Some((_, flag)) = FLAGS.iter().find(|(k, _)| *k == key) {
            let also = if key.starts_with("retention") && section == "storage.tsdb" {
                " (recent Prometheus 3 releases also read `retention:` with `time:` and `size:` here)"
            } else {
                ""
            };
            return Some(format!(
                "`{key}` is not a configuration key; it is the command-line flag `{flag}`{also}"
            ));
        }
    }
    if section == "static config" && SCRAPE_CONFIG.field(key).is_some() {
        return Some(format!(
            "`{key}` is a setting of the scrape job, not of one of its `static_configs` entries"
        ));
    }
    None
}

// ---------------------------------------------------------------------------------------------
// Model
// ---------------------------------------------------------------------------------------------

/// A Prometheus configuration file, as far as rules read it.
#[derive(Clone, Debug)]
pub struct PrometheusConfig<'a> {
    /// The first document (Prometheus reads only that one), a mapping.
    pub root: Node<'a>,
    pub global: Global<'a>,
    pub scrape_configs: Vec<ScrapeConfig<'a>>,
    /// `rule_files:`, written (even if empty).
    pub rule_files: Option<PathList<'a>>,
    pub scrape_config_files: Option<PathList<'a>>,
    /// `alerting:`, written (even if empty).
    pub alerting: Option<Alerting<'a>>,
}

/// The `global:` settings that others default to.
#[derive(Clone, Debug, Default)]
pub struct Global<'a> {
    pub scrape_interval: Option<Text<'a>>,
    pub scrape_timeout: Option<Text<'a>>,
    pub evaluation_interval: Option<Text<'a>>,
}

/// A list of file paths or globs (`rule_files`, `scrape_config_files`).
#[derive(Clone, Debug)]
pub struct PathList<'a> {
    /// The span of the key.
    pub key: Span,
    pub entries: Vec<Text<'a>>,
}

/// One `scrape_configs` entry.
#[derive(Clone, Debug)]
pub struct ScrapeConfig<'a> {
    pub node: Node<'a>,
    pub job_name: Option<Text<'a>>,
    pub scrape_interval: Option<Text<'a>>,
    pub scrape_timeout: Option<Text<'a>>,
    pub metrics_path: Option<Text<'a>>,
    pub scheme: Option<Text<'a>>,
    /// Every `targets` entry of every `static_configs` entry.
    pub static_targets: Vec<Text<'a>>,
    /// The keys of the service-discovery sections other than `static_configs` (their spans).
    pub discovery: Vec<Text<'a>>,
    /// Whether `relabel_configs` has entries (they may rewrite `__address__`).
    pub relabels: bool,
}

/// `alerting:`.
#[derive(Clone, Debug)]
pub struct Alerting<'a> {
    /// The span of the `alerting` key.
    pub key: Span,
    pub alertmanagers: Vec<AlertmanagerEndpoint<'a>>,
}

/// One `alerting.alertmanagers` entry.
#[derive(Clone, Debug)]
pub struct AlertmanagerEndpoint<'a> {
    pub node: Node<'a>,
    pub static_targets: Vec<Text<'a>>,
    /// Service-discovery sections by which Alertmanagers are found.
    pub discovery: Vec<Text<'a>>,
}

impl AlertmanagerEndpoint<'_> {
    /// Whether the entry can find an Alertmanager: a static target or a discovery section.
    pub fn has_targets(&self) -> bool {
        !self.static_targets.is_empty() || !self.discovery.is_empty()
    }
}

/// `host:port` parts of a static target (`web:8000`, `[::1]:9090`); `None` when it has no port.
/// For correlating scrape targets with Compose services and their ports.
pub fn split_host_port(target: &str) -> Option<(&str, &str)> {
    if let Some(rest) = target.strip_prefix('[') {
        let (host, after) = rest.split_once(']')?;
        return after.strip_prefix(':').map(|port| (host, port));
    }
    match target.rsplit_once(':') {
        Some((host, port)) if !host.contains(':') => Some((host, port)),
        _ => None,
    }
}

/// Texts of the scalars in the list at `key`.
fn texts<'a>(node: Node<'a>, key: &str) -> Vec<Text<'a>> {
    items_at(node, key)
        .into_iter()
        .filter_map(Text::of)
        .collect()
}

/// Static targets and discovery keys of a section that inlines service discovery.
fn discovery<'a>(node: Node<'a>) -> (Vec<Text<'a>>, Vec<Text<'a>>) {
    let mut targets = Vec::new();
    for group in items_at(node, "static_configs") {
        targets.extend(texts(group, "targets"));
    }
    let mut found = Vec::new();
    for (k, v) in node.entries() {
        let Some(key) = Text::of(k) else { continue };
        let Some(mechanism) = key.value.strip_suffix("_sd_configs") else {
            continue;
        };
        if SD_MECHANISMS.contains(&mechanism)
            && v.kind() == NodeKind::Sequence
            && !v.items().is_empty()
        {
            found.push(key);
        }
    }
    (targets, found)
}

fn path_list<'a>(root: Node<'a>, key: &str) -> Option<PathList<'a>> {
    Some(PathList {
        key: key_span(root, key)?,
        entries: texts(root, key),
    })
}

impl<'a> PrometheusConfig<'a> {
    /// The configuration in the first document of `file`, if that is a mapping.
    pub fn from_yaml(file: &'a YamlFile) -> Option<PrometheusConfig<'a>> {
        let root = file.documents().next()?;
        if root.kind() != NodeKind::Mapping {
            return None;
        }
        let global = root
            .get("global")
            .map(|g| Global {
                scrape_interval: text_at(g, "scrape_interval"),
                scrape_timeout: text_at(g, "scrape_timeout"),
                evaluation_interval: text_at(g, "evaluation_interval"),
            })
            .unwrap_or_default();
        let scrape_configs = items_at(root, "scrape_configs")
            .into_iter()
            .filter(|n| n.kind() == NodeKind::Mapping)
            .map(|node| {
                let (static_targets, discovery) = discovery(node);
                ScrapeConfig {
                    node,
                    job_name: text_at(node, "job_name"),
                    scrape_interval: text_at(node, "scrape_interval"),
                    scrape_timeout: text_at(node, "scrape_timeout"),
                    metrics_path: text_at(node, "metrics_path"),
                    scheme: text_at(node, "scheme"),
                    static_targets,
                    discovery,
                    relabels: !items_at(node, "relabel_configs").is_empty(),
                }
            })
            .collect();
        let alerting = key_span(root, "alerting").map(|key| Alerting {
            key,
            alertmanagers: root
                .get("alerting")
                .map(|a| items_at(a, "alertmanagers"))
                .unwrap_or_default()
                .into_iter()
                .filter(|n| n.kind() == NodeKind::Mapping)
                .map(|node| {
                    let (static_targets, discovery) = discovery(node);
                    AlertmanagerEndpoint {
                        node,
                        static_targets,
                        discovery,
                    }
                })
                .collect(),
        });
        Some(PrometheusConfig {
            root,
            global,
            scrape_configs,
            rule_files: path_list(root, "rule_files"),
            scrape_config_files: path_list(root, "scrape_config_files"),
            alerting,
        })
    }

    /// Whether alerts can reach an Alertmanager: an `alertmanagers` entry with a target.
    pub fn sends_alerts(&self) -> bool {
        self.alerting.as_ref().is_some_and(|a| {
            a.alertmanagers
                .iter()
                .any(AlertmanagerEndpoint::has_targets)
        })
    }

    /// The effective `scrape_interval` of a job and the text that sets it, if written.
    pub fn scrape_interval(&self, job: &ScrapeConfig<'a>) -> (u64, Option<Text<'a>>) {
        effective(job.scrape_interval.or(self.global.scrape_interval), 60_000)
    }

    /// Checks the file against the schema of `prometheus.yml`.
    pub fn violations(&self, file: &YamlFile) -> Vec<super::schema::Violation> {
        let mut out = super::schema::check(self.root, Shape::Section(&CONFIG));
        out.extend(super::schema::duplicate_keys(file, self.root));
        out.sort_by_key(|v| v.span());
        out
    }
}

/// A duration setting's value in milliseconds, or `default` when unset or invalid.
pub fn effective(text: Option<Text<'_>>, default: u64) -> (u64, Option<Text<'_>>) {
    match text.map(|t| (super::parse_duration(t.value), t)) {
        Some((Ok(ms), t)) => (ms, Some(t)),
        _ => (default, None),
    }
}
