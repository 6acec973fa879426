//! The keys the Compose specification allows where shiplint checks them, from
//! `schema/compose-spec.json` of compose-spec/compose-spec, each with the YAML shapes its value
//! may take. Every mapping also accepts `x-` extension keys.

use crate::text::edit_distance;

/// The shapes a value may take. Null is always accepted: Compose reads it as "not set".
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Shape(u8);

impl Shape {
    pub(super) const SCALAR: Shape = Shape(1);
    pub(super) const LIST: Shape = Shape(2);
    pub(super) const MAP: Shape = Shape(4);
    /// A list of `KEY=value` strings or a mapping (`list_or_dict`).
    pub(super) const LIST_OR_MAP: Shape = Shape(6);
    /// A string or a list of strings (`string_or_list`, `command`).
    pub(super) const SCALAR_OR_LIST: Shape = Shape(3);
    pub(super) const SCALAR_OR_MAP: Shape = Shape(5);

    pub(super) fn allows(self, other: Shape) -> bool {
        self.0 & other.0 != 0
    }

    /// How a message names what is expected.
    pub(super) fn describe(self) -> &'static str {
        match self.0 {
            1 => "a single value",
            2 => "a list",
            4 => "a mapping",
            3 => "a string or a list",
            5 => "a string or a mapping",
            6 => "a list or a mapping",
            _ => "a value",
        }
    }
}

/// Top-level keys of a Compose file.
pub(super) const TOP_LEVEL: &[(&str, Shape)] = &[
    ("version", Shape::SCALAR),
    ("name", Shape::SCALAR),
    ("include", Shape::LIST),
    ("services", Shape::MAP),
    ("models", Shape::MAP),
    ("networks", Shape::MAP),
    ("volumes", Shape::MAP),
    ("secrets", Shape::MAP),
    ("configs", Shape::MAP),
];

/// Keys of a service.
pub(super) const SERVICE: &[(&str, Shape)] = &[
    ("develop", Shape::MAP),
    ("deploy", Shape::MAP),
    ("annotations", Shape::LIST_OR_MAP),
    ("attach", Shape::SCALAR),
    ("build", Shape::SCALAR_OR_MAP),
    ("blkio_config", Shape::MAP),
    ("cap_add", Shape::LIST),
    ("cap_drop", Shape::LIST),
    ("cgroup", Shape::SCALAR),
    ("cgroup_parent", Shape::SCALAR),
    ("command", Shape::SCALAR_OR_LIST),
    ("configs", Shape::LIST),
    ("container_name", Shape::SCALAR),
    ("cpu_count", Shape::SCALAR),
    ("cpu_percent", Shape::SCALAR),
    ("cpu_shares", Shape::SCALAR),
    ("cpu_quota", Shape::SCALAR),
    ("cpu_period", Shape::SCALAR),
    ("cpu_rt_period", Shape::SCALAR),
    ("cpu_rt_runtime", Shape::SCALAR),
    ("cpus", Shape::SCALAR),
    ("cpuset", Shape::SCALAR),
    ("credential_spec", Shape::MAP),
    ("depends_on", Shape::LIST_OR_MAP),
    ("device_cgroup_rules", Shape::LIST),
    ("devices", Shape::LIST),
    ("dns", Shape::SCALAR_OR_LIST),
    ("dns_opt", Shape::LIST),
    ("dns_search", Shape::SCALAR_OR_LIST),
    ("domainname", Shape::SCALAR),
    ("entrypoint", Shape::SCALAR_OR_LIST),
    ("env_file", Shape::SCALAR_OR_LIST),
    ("label_file", Shape::SCALAR_OR_LIST),
    ("environment", Shape::LIST_OR_MAP),
    ("expose", Shape::LIST),
    ("extends", Shape::SCALAR_OR_MAP),
    ("provider", Shape::MAP),
    ("external_links", Shape::LIST),
    ("extra_hosts", Shape::LIST_OR_MAP),
    ("gpus", Shape::SCALAR_OR_LIST),
    ("group_add", Shape::LIST),
    ("healthcheck", Shape::MAP),
    ("hostname", Shape::SCALAR),
    ("image", Shape::SCALAR),
    ("init", Shape::SCALAR),
    ("ipc", Shape::SCALAR),
    ("isolation", Shape::SCALAR),
    ("labels", Shape::LIST_OR_MAP),
    ("links", Shape::LIST),
    ("logging", Shape::MAP),
    ("mac_address", Shape::SCALAR),
    ("mem_limit", Shape::SCALAR),
    ("mem_reservation", Shape::SCALAR),
    ("mem_swappiness", Shape::SCALAR),
    ("memswap_limit", Shape::SCALAR),
    ("network_mode", Shape::SCALAR),
    ("models", Shape::LIST_OR_MAP),
    ("networks", Shape::LIST_OR_MAP),
    ("oom_kill_disable", Shape::SCALAR),
    ("oom_score_adj", Shape::SCALAR),
    ("pid", Shape::SCALAR),
    ("pids_limit", Shape::SCALAR),
    ("platform", Shape::SCALAR),
    ("ports", Shape::LIST),
    ("post_start", Shape::LIST),
    ("pre_stop", Shape::LIST),
    ("privileged", Shape::SCALAR),
    ("profiles", Shape::LIST),
    ("pull_policy", Shape::SCALAR),
    ("pull_refresh_after", Shape::SCALAR),
    ("read_only", Shape::SCALAR),
    ("restart", Shape::SCALAR),
    ("runtime", Shape::SCALAR),
    ("scale", Shape::SCALAR),
    ("security_opt", Shape::LIST),
    ("shm_size", Shape::SCALAR),
    ("secrets", Shape::LIST),
    ("sysctls", Shape::LIST_OR_MAP),
    ("stdin_open", Shape::SCALAR),
    ("stop_grace_period", Shape::SCALAR),
    ("stop_signal", Shape::SCALAR),
    ("storage_opt", Shape::MAP),
    ("tmpfs", Shape::SCALAR_OR_LIST),
    ("tty", Shape::SCALAR),
    ("ulimits", Shape::MAP),
    ("use_api_socket", Shape::SCALAR),
    ("user", Shape::SCALAR),
    ("uts", Shape::SCALAR),
    ("userns_mode", Shape::SCALAR),
    ("volumes", Shape::LIST),
    ("volumes_from", Shape::LIST),
    ("working_dir", Shape::SCALAR),
];

/// Keys of `build:` in its mapping form.
pub(super) const BUILD: &[(&str, Shape)] = &[
    ("context", Shape::SCALAR),
    ("dockerfile", Shape::SCALAR),
    ("dockerfile_inline", Shape::SCALAR),
    ("entitlements", Shape::LIST),
    ("args", Shape::LIST_OR_MAP),
    ("ssh", Shape::LIST_OR_MAP),
    ("labels", Shape::LIST_OR_MAP),
    ("cache_from", Shape::LIST),
    ("cache_to", Shape::LIST),
    ("no_cache", Shape::SCALAR),
    ("additional_contexts", Shape::LIST_OR_MAP),
    ("network", Shape::SCALAR),
    ("pull", Shape::SCALAR),
    ("target", Shape::SCALAR),
    ("shm_size", Shape::SCALAR),
    ("extra_hosts", Shape::LIST_OR_MAP),
    ("isolation", Shape::SCALAR),
    ("privileged", Shape::SCALAR),
    ("secrets", Shape::LIST),
    ("tags", Shape::LIST),
    ("ulimits", Shape::MAP),
    ("platforms", Shape::LIST),
];

pub(super) const HEALTHCHECK: &[(&str, Shape)] = &[
    ("disable", Shape::SCALAR),
    ("interval", Shape::SCALAR),
    ("retries", Shape::SCALAR),
    ("test", Shape::SCALAR_OR_LIST),
    ("timeout", Shape::SCALAR),
    ("start_period", Shape::SCALAR),
    ("start_interval", Shape::SCALAR),
];

pub(super) const DEPENDS_ON_ENTRY: &[(&str, Shape)] = &[
    ("restart", Shape::SCALAR),
    ("required", Shape::SCALAR),
    ("condition", Shape::SCALAR),
];

/// Keys of a volume in its long syntax.
pub(super) const SERVICE_VOLUME: &[(&str, Shape)] = &[
    ("type", Shape::SCALAR),
    ("source", Shape::SCALAR),
    ("target", Shape::SCALAR),
    ("read_only", Shape::SCALAR),
    ("consistency", Shape::SCALAR),
    ("bind", Shape::MAP),
    ("volume", Shape::MAP),
    ("tmpfs", Shape::MAP),
    ("image", Shape::MAP),
];

/// Keys of a port in its long syntax.
pub(super) const SERVICE_PORT: &[(&str, Shape)] = &[
    ("name", Shape::SCALAR),
    ("mode", Shape::SCALAR),
    ("host_ip", Shape::SCALAR),
    ("target", Shape::SCALAR),
    ("published", Shape::SCALAR),
    ("protocol", Shape::SCALAR),
    ("app_protocol", Shape::SCALAR),
];

/// Keys of a service's secret or config in its long syntax.
pub(super) const SERVICE_SECRET: &[(&str, Shape)] = &[
    ("source", Shape::SCALAR),
    ("target", Shape::SCALAR),
    ("uid", Shape::SCALAR),
    ("gid", Shape::SCALAR),
    ("mode", Shape::SCALAR),
];

pub(super) const ENV_FILE: &[(&str, Shape)] = &[
    ("path", Shape::SCALAR),
    ("format", Shape::SCALAR),
    ("required", Shape::SCALAR),
];

pub(super) const EXTENDS: &[(&str, Shape)] = &[("service", Shape::SCALAR), ("file", Shape::SCALAR)];

pub(super) const LOGGING: &[(&str, Shape)] = &[("driver", Shape::SCALAR), ("options", Shape::MAP)];

pub(super) const DEPLOY: &[(&str, Shape)] = &[
    ("mode", Shape::SCALAR),
    ("endpoint_mode", Shape::SCALAR),
    ("replicas", Shape::SCALAR),
    ("labels", Shape::LIST_OR_MAP),
    ("rollback_config", Shape::MAP),
    ("update_config", Shape::MAP),
    ("resources", Shape::MAP),
    ("restart_policy", Shape::MAP),
    ("placement", Shape::MAP),
];

pub(super) const INCLUDE: &[(&str, Shape)] = &[
    ("path", Shape::SCALAR_OR_LIST),
    ("env_file", Shape::SCALAR_OR_LIST),
    ("project_directory", Shape::SCALAR),
];

pub(super) const NETWORK: &[(&str, Shape)] = &[
    ("name", Shape::SCALAR),
    ("driver", Shape::SCALAR),
    ("driver_opts", Shape::MAP),
    ("ipam", Shape::MAP),
    ("external", Shape::SCALAR_OR_MAP),
    ("internal", Shape::SCALAR),
    ("enable_ipv4", Shape::SCALAR),
    ("enable_ipv6", Shape::SCALAR),
    ("attachable", Shape::SCALAR),
    ("labels", Shape::LIST_OR_MAP),
];

pub(super) const VOLUME: &[(&str, Shape)] = &[
    ("name", Shape::SCALAR),
    ("driver", Shape::SCALAR),
    ("driver_opts", Shape::MAP),
    ("external", Shape::SCALAR_OR_MAP),
    ("labels", Shape::LIST_OR_MAP),
];

pub(super) const SECRET: &[(&str, Shape)] = &[
    ("name", Shape::SCALAR),
    ("environment", Shape::SCALAR),
    ("file", Shape::SCALAR),
    ("external", Shape::SCALAR_OR_MAP),
    ("labels", Shape::LIST_OR_MAP),
    ("driver", Shape::SCALAR),
    ("driver_opts", Shape::MAP),
    ("template_driver", Shape::SCALAR),
];

pub(super) const CONFIG: &[(&str, Shape)] = &[
    ("name", Shape::SCALAR),
    ("content", Shape::SCALAR),
    ("environment", Shape::SCALAR),
    ("file", Shape::SCALAR),
    ("external", Shape::SCALAR_OR_MAP),
    ("labels", Shape::LIST_OR_MAP),
    ("template_driver", Shape::SCALAR),
];

/// The shape `key` may take among `known`, or `None` when the key is unknown.
pub(super) fn shape_of(known: &[(&str, Shape)], key: &str) -> Option<Shape> {
    known.iter().find(|(k, _)| *k == key).map(|&(_, s)| s)
}

/// The known key closest to `key`, for "did you mean" suggestions: case and `-`/`_` are
/// ignored, and at most a third of the name (and never more than three characters) may differ.
pub(super) fn closest(known: &'static [(&'static str, Shape)], key: &str) -> Option<&'static str> {
    let wanted: String = key
        .chars()
        .map(|c| {
            if c == '-' {
                '_'
            } else {
                c.to_ascii_lowercase()
            }
        })
        .collect();
    let len = wanted.chars().count();
    if len > 40 {
        return None;
    }
    let limit = (len / 3).clamp(1, 3);
    known
        .iter()
        .filter(|(k, _)| k.len().abs_diff(len) <= limit)
        .map(|&(k, _)| (edit_distance(&wanted, k), k))
        .filter(|&(d, _)| d <= limit)
        .min_by_key(|&(d, _)| d)
        .map(|(_, k)| k)
}
