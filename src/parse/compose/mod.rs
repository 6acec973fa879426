//! The Compose model: what a `compose.yaml` declares, as owned values with spans.
//!
//! [`build`] reads the YAML span tree of a Compose file into a [`ComposeFile`]: top-level
//! `name`, `include`, services, and the named volumes, networks, secrets and configs. Every
//! value keeps the span of its source text, so a rule can underline exactly `"8080:80"` or
//! `SECRET_KEY`. Anchors and merge keys (`<<: *backend-env`) are resolved the way Compose
//! resolves them; an item reached through an alias keeps the span of its text at the anchor and
//! records the alias in `via_alias`, so a rule can point at both. Top-level `x-` extension
//! fields are not services (their anchors reach services through merges and aliases).
//!
//! What Compose would refuse to load — a value of the wrong shape (`ports: 80`), a key the
//! Compose specification does not define (`enviroment:`) — is a [`ParseIssue`] naming the key.
//! Scalars are not type-checked: Compose interpolates before it validates, so `retries:
//! $RETRIES` is as good as `retries: 3`.
//!
//! Short syntaxes are split on the text before interpolation, with separators inside `${…}`
//! ignored: `${DATA:-./data}:/data` is a bind mount of `${DATA:-./data}` on `/data`.
//!
//! ```
//! use shiplint::parse::{compose, yaml};
//!
//! let text = "services:\n  web:\n    image: nginx\n    ports: [\"8080:80\"]\n";
//! let (file, issues) = compose::build(&yaml::parse(text));
//! assert!(issues.is_empty());
//! let web = file.service("web").unwrap();
//! let port = &web.ports[0];
//! assert_eq!(port.published.as_ref().unwrap().value, "8080");
//! assert_eq!(&text[port.published.as_ref().unwrap().span.range()], "8080");
//! assert!(port.published_on_all_interfaces());
//! ```

mod build;
mod keys;
mod syntax;
#[cfg(test)]
mod tests;

use crate::parse::interpolate::{Located, Op};
use crate::parse::yaml::{NodeKind, YamlFile};
use crate::parse::ParseIssue;
use crate::source::Span;

pub use build::build;

/// A value with the span of its source text (quotes included for a quoted scalar; for a part
/// of a short syntax, the part's own text when the scalar is written verbatim, else the whole
/// scalar).
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Spanned<T> {
    pub value: T,
    pub span: Span,
}

impl<T> Spanned<T> {
    pub fn new(value: T, span: Span) -> Spanned<T> {
        Spanned { value, span }
    }
}

impl Spanned<String> {
    pub fn as_str(&self) -> &str {
        &self.value
    }
}

/// A boolean as Compose reads it: `true`/`false` and, for the fields that take strings too,
/// `yes`/`no`/`on`/`off`/`y`/`n` in any case. `None` when the value is none of these (an
/// interpolation such as `${PRIVILEGED}`).
pub type Flag = Spanned<Option<bool>>;

/// One Compose file.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ComposeFile {
    /// Top-level `name:` (the project name).
    pub name: Option<Spanned<String>>,
    /// The obsolete top-level `version:`, which Compose ignores.
    pub version: Option<Spanned<String>>,
    /// Services in source order (`x-` entries left out).
    pub services: Vec<Service>,
    /// Top-level named volumes, networks, secrets and configs, in source order.
    pub volumes: Vec<Resource>,
    pub networks: Vec<Resource>,
    pub secrets: Vec<Resource>,
    pub configs: Vec<Resource>,
    pub include: Vec<Include>,
    /// The names of top-level `x-` extension fields.
    pub extensions: Vec<Spanned<String>>,
}

impl ComposeFile {
    pub fn service(&self, name: &str) -> Option<&Service> {
        self.services.iter().find(|s| s.name.value == name)
    }

    /// The top-level declarations of one kind.
    pub fn resources(&self, kind: ResourceKind) -> &[Resource] {
        match kind {
            ResourceKind::Volume => &self.volumes,
            ResourceKind::Network => &self.networks,
            ResourceKind::Secret => &self.secrets,
            ResourceKind::Config => &self.configs,
        }
    }
}

/// The kinds of top-level named objects services refer to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ResourceKind {
    Volume,
    Network,
    Secret,
    Config,
}

/// A top-level named volume, network, secret or config.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Resource {
    pub name: Spanned<String>,
    /// The declaration's value (the key's span when it is empty: `db-data:`).
    pub span: Span,
    /// `external: true` (or `external: {name: …}`): created outside Compose.
    pub external: Option<Flag>,
    /// `name:`, the name the engine uses instead of `<project>_<name>`.
    pub custom_name: Option<Spanned<String>>,
    pub driver: Option<Spanned<String>>,
    /// Secrets and configs: `file:`, a path relative to the Compose file's folder.
    pub file: Option<Spanned<String>>,
    /// Secrets and configs: `environment:`, the variable holding the value.
    pub environment: Option<Spanned<String>>,
    /// Configs: `content:` (inline content).
    pub content: Option<Span>,
    pub via_alias: Option<Span>,
}

impl Resource {
    pub fn is_external(&self) -> bool {
        self.external
            .as_ref()
            .is_some_and(|f| f.value == Some(true))
    }
}

/// An `include:` entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Include {
    pub span: Span,
    /// The Compose files included (several for `path: [a.yml, b.yml]`).
    pub paths: Vec<Spanned<String>>,
    /// Env files supplying interpolation values to the included files.
    pub env_files: Vec<Spanned<String>>,
    /// The folder relative paths of the included files resolve against (default: the included
    /// file's own folder).
    pub project_directory: Option<Spanned<String>>,
}

/// One service, after anchors and merges.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Service {
    pub name: Spanned<String>,
    /// The service's value (its mapping).
    pub span: Span,
    /// Set when the whole service is an alias (`web: *base`).
    pub via_alias: Option<Span>,
    /// Every key of the service after merges, `x-` keys included, in source order then merge
    /// order: what rules check for keys the model does not detail.
    pub keys: Vec<Spanned<String>>,
    pub image: Option<Spanned<String>>,
    pub build: Option<Build>,
    pub command: Option<Command>,
    pub entrypoint: Option<Command>,
    /// `environment:` in source order, merged entries after the service's own.
    pub environment: Vec<EnvVar>,
    pub env_file: Vec<EnvFileRef>,
    pub volumes: Vec<Volume>,
    /// `tmpfs:` mount points.
    pub tmpfs: Vec<Spanned<String>>,
    /// `volumes_from:` entries as written (`service`, `service:ro`, `container:name`).
    pub volumes_from: Vec<Spanned<String>>,
    pub ports: Vec<Port>,
    pub expose: Vec<Spanned<String>>,
    pub depends_on: Vec<Dependency>,
    pub healthcheck: Option<Healthcheck>,
    pub restart: Option<Spanned<String>>,
    pub deploy: Option<Deploy>,
    pub secrets: Vec<ServiceResource>,
    pub configs: Vec<ServiceResource>,
    pub networks: Vec<ServiceNetwork>,
    pub network_mode: Option<Spanned<String>>,
    pub profiles: Vec<Spanned<String>>,
    pub user: Option<Spanned<String>>,
    pub privileged: Option<Flag>,
    pub read_only: Option<Flag>,
    pub init: Option<Flag>,
    pub cap_add: Vec<Spanned<String>>,
    pub cap_drop: Vec<Spanned<String>>,
    pub labels: Vec<KeyValue>,
    pub container_name: Option<Spanned<String>>,
    pub hostname: Option<Spanned<String>>,
    pub extends: Option<Extends>,
    pub working_dir: Option<Spanned<String>>,
    pub stop_grace_period: Option<Spanned<String>>,
    pub logging: Option<Logging>,
    pub pull_policy: Option<Spanned<String>>,
    /// Keys whose value is tagged `!reset`: Compose removes them, the value the service would
    /// inherit (from the file it overlays or the service it `extends`) included. The model
    /// leaves them unset and out of [`Service::keys`].
    pub reset: Vec<Spanned<String>>,
    /// Keys whose value is tagged `!override`: the value replaces the inherited one instead
    /// of merging with it.
    pub overridden: Vec<Spanned<String>>,
    /// `environment:` variables tagged `!reset` (`FOO: !reset null`): removed, the value the
    /// service would inherit included; left out of [`Service::environment`].
    pub reset_environment: Vec<Spanned<String>>,
}

impl Service {
    /// Unsets the value of a service key (its field in the model and its entry in
    /// [`Service::keys`]), as a higher-precedence `!reset` or `!override` does to the value
    /// this service would contribute. Keys the model does not detail only leave `keys`.
    pub fn clear(&mut self, key: &str) {
        self.keys.retain(|k| k.value != key);
        match key {
            "image" => self.image = None,
            "build" => self.build = None,
            "command" => self.command = None,
            "entrypoint" => self.entrypoint = None,
            "environment" => self.environment.clear(),
            "env_file" => self.env_file.clear(),
            "volumes" => self.volumes.clear(),
            "tmpfs" => self.tmpfs.clear(),
            "volumes_from" => self.volumes_from.clear(),
            "ports" => self.ports.clear(),
            "expose" => self.expose.clear(),
            "depends_on" => self.depends_on.clear(),
            "healthcheck" => self.healthcheck = None,
            "restart" => self.restart = None,
            "deploy" => self.deploy = None,
            "secrets" => self.secrets.clear(),
            "configs" => self.configs.clear(),
            "networks" => self.networks.clear(),
            "network_mode" => self.network_mode = None,
            "profiles" => self.profiles.clear(),
            "user" => self.user = None,
            "privileged" => self.privileged = None,
            "read_only" => self.read_only = None,
            "init" => self.init = None,
            "cap_add" => self.cap_add.clear(),
            "cap_drop" => self.cap_drop.clear(),
            "labels" => self.labels.clear(),
            "container_name" => self.container_name = None,
            "hostname" => self.hostname = None,
            "extends" => self.extends = None,
            "working_dir" => self.working_dir = None,
            "stop_grace_period" => self.stop_grace_period = None,
            "logging" => self.logging = None,
            "pull_policy" => self.pull_policy = None,
            _ => {}
        }
    }

    /// The keys whose inherited values Compose drops: those tagged `!reset` or `!override`.
    pub fn replaced_keys(&self) -> impl Iterator<Item = &str> {
        self.reset
            .iter()
            .chain(&self.overridden)
            .map(|k| k.value.as_str())
    }

    /// Whether the service has the key (after merges).
    pub fn has_key(&self, key: &str) -> bool {
        self.keys.iter().any(|k| k.value == key)
    }

    /// The last `environment:` entry named `name` (Compose keeps the last of duplicates in a
    /// list).
    pub fn env(&self, name: &str) -> Option<&EnvVar> {
        self.environment.iter().rev().find(|v| v.name == name)
    }

    pub fn is_privileged(&self) -> bool {
        self.privileged
            .as_ref()
            .is_some_and(|f| f.value == Some(true))
    }
}

/// An entry of `environment:`, `build.args`, `labels` or `logging.options`: `KEY: value` in a
/// mapping, `KEY=value` or `KEY` in a list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyValue {
    pub name: String,
    pub name_span: Span,
    /// `None` for a variable passed through from the environment Compose runs in: `KEY` in a
    /// list, `KEY:` or `KEY: null` in a mapping. `KEY=` is `Some("")`.
    pub value: Option<String>,
    /// The value's source text: a mapping value as written (quotes included); in a list, the
    /// text after `=` when the item is written verbatim, else the whole item. Use
    /// [`KeyValue::located`] to find interpolations in it.
    pub value_span: Option<Span>,
    /// The whole entry: from the key to the value in a mapping, the item in a list.
    pub span: Span,
    /// Set when the entry comes from an anchor, through an alias or a merge key: the span of
    /// that `*alias`. The other spans are then at the anchor's text.
    pub via_alias: Option<Span>,
}

/// An `environment:` entry.
pub type EnvVar = KeyValue;

impl KeyValue {
    /// The value parsed for interpolation, with spans that map back into the file (exact when
    /// the value is written verbatim). `text` is the file's text. `None` for a passthrough.
    pub fn located(&self, text: &str) -> Option<Located> {
        let value = self.value.as_deref()?;
        let span = self.value_span?;
        Some(Located::parse(text.get(span.range())?, value, span))
    }
}

/// `build:`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Build {
    pub span: Span,
    /// `context:`, or the string form's value; `None` when the mapping has no `context` (Compose
    /// then uses `.`).
    pub context: Option<Spanned<String>>,
    pub dockerfile: Option<Spanned<String>>,
    /// `dockerfile_inline:` (the Dockerfile is in the Compose file).
    pub dockerfile_inline: Option<Span>,
    pub target: Option<Spanned<String>>,
    pub args: Vec<KeyValue>,
    pub via_alias: Option<Span>,
}

impl Build {
    /// The build context as Compose reads it: `.` when none is given.
    pub fn context(&self) -> &str {
        self.context.as_ref().map_or(".", |c| c.value.as_str())
    }

    /// The Dockerfile path relative to the context: `Dockerfile` when none is given.
    pub fn dockerfile(&self) -> &str {
        self.dockerfile
            .as_ref()
            .map_or("Dockerfile", |d| d.value.as_str())
    }
}

/// `command:` or `entrypoint:` (and a healthcheck's `test:`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Command {
    pub span: Span,
    /// The words: a list's items, or a string split the way Compose splits it (shell-like
    /// quoting, no shell). A healthcheck `test:` string is one word (Compose runs it with
    /// `CMD-SHELL`).
    pub argv: Vec<Spanned<String>>,
    /// Written as a string rather than a list.
    pub string_form: bool,
    pub via_alias: Option<Span>,
}

/// An `env_file:` entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EnvFileRef {
    pub path: Spanned<String>,
    /// `required: false` lets the file be missing; Compose requires it by default.
    pub required: bool,
    pub span: Span,
    pub via_alias: Option<Span>,
}

/// The mount types of Compose's long volume syntax.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum VolumeType {
    /// A host path.
    Bind,
    /// A named volume, or an anonymous one when there is no source.
    Volume,
    Tmpfs,
    Npipe,
    Image,
    Cluster,
}

impl VolumeType {
    fn parse(s: &str) -> Option<VolumeType> {
        Some(match s {
            "bind" => VolumeType::Bind,
            "volume" => VolumeType::Volume,
            "tmpfs" => VolumeType::Tmpfs,
            "npipe" => VolumeType::Npipe,
            "image" => VolumeType::Image,
            "cluster" => VolumeType::Cluster,
            _ => return None,
        })
    }
}

/// A `volumes:` entry of a service.
///
/// In the short syntax a source is a host path (a bind mount) when it starts with `.`, `/`,
/// `~` or a Windows drive, as in Compose, and a volume name otherwise. A source that starts
/// with an interpolation is judged by what follows the expression: `${DATA}/pg` is a path (a
/// volume name cannot hold `/`); a source that is a lone expression is judged by its literal
/// default (`${DATA:-./data}` is a path, `${VOL:-pgdata}` a volume) and is a bind mount when it
/// has none (`${HOST_DIR}`), the common case, with `source_interpolated` set either way.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Volume {
    pub span: Span,
    /// Written in the long (mapping) syntax.
    pub long: bool,
    pub kind: VolumeType,
    /// A host path, a volume name or an image; `None` for an anonymous volume or tmpfs.
    pub source: Option<Spanned<String>>,
    /// The source holds an interpolation: its real value is only known at deploy time.
    pub source_interpolated: bool,
    /// The path in the container (`None` only for a long-syntax entry without `target`).
    pub target: Option<Spanned<String>>,
    pub read_only: bool,
    /// The short syntax's options after the second colon (`ro`, `z`, `nocopy`, …).
    pub options: Vec<Spanned<String>>,
    pub via_alias: Option<Span>,
}

/// A `ports:` entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Port {
    pub span: Span,
    pub long: bool,
    /// The container port or range (`80`, `80-81`); `None` only for a long-syntax entry
    /// without `target`.
    pub target: Option<Spanned<String>>,
    /// The host port or range; `None` (or empty) for an ephemeral host port.
    pub published: Option<Spanned<String>>,
    /// The host address the port is bound to, brackets removed (`[::1]` is `::1`, its span
    /// covering the brackets).
    pub host_ip: Option<Spanned<String>>,
    pub protocol: Option<Spanned<String>>,
    /// Long syntax: `host` or `ingress`.
    pub mode: Option<Spanned<String>>,
    pub via_alias: Option<Span>,
}

impl Port {
    /// Whether the port is reachable on every interface of the host: every `ports:` entry
    /// publishes (without a published port, on an ephemeral one), and one with no host IP, or
    /// `0.0.0.0` / `::`, is bound to all interfaces. An interpolated host IP counts as bound
    /// to one address.
    pub fn published_on_all_interfaces(&self) -> bool {
        match &self.host_ip {
            None => true,
            Some(ip) => matches!(ip.value.as_str(), "" | "0.0.0.0" | "::" | "::0"),
        }
    }
}

/// A `depends_on:` entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Dependency {
    pub service: Spanned<String>,
    /// `service_started` (the default), `service_healthy` or `service_completed_successfully`.
    pub condition: Option<Spanned<String>>,
    /// `required: false` lets the dependency be missing.
    pub required: Option<Flag>,
    pub restart: Option<Flag>,
    pub span: Span,
    pub via_alias: Option<Span>,
}

impl Dependency {
    pub fn condition(&self) -> &str {
        self.condition
            .as_ref()
            .map_or("service_started", |c| c.value.as_str())
    }
}

/// `healthcheck:`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Healthcheck {
    pub span: Span,
    pub test: Option<Command>,
    pub interval: Option<Spanned<String>>,
    pub timeout: Option<Spanned<String>>,
    pub retries: Option<Spanned<String>>,
    pub start_period: Option<Spanned<String>>,
    pub start_interval: Option<Spanned<String>>,
    pub disable: Option<Flag>,
    pub via_alias: Option<Span>,
}

impl Healthcheck {
    /// `disable: true`, or `test: ["NONE"]`: the image's health check is turned off.
    pub fn is_disabled(&self) -> bool {
        self.disable.as_ref().is_some_and(|f| f.value == Some(true))
            || self.test.as_ref().is_some_and(|t| {
                !t.string_form && t.argv.first().is_some_and(|w| w.value == "NONE")
            })
    }
}

/// `deploy:`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Deploy {
    pub span: Span,
    pub mode: Option<Spanned<String>>,
    pub replicas: Option<Spanned<String>>,
    /// `resources.limits` and `resources.reservations`, when present.
    pub limits: Option<Resources>,
    pub reservations: Option<Resources>,
    pub restart_policy: Option<RestartPolicy>,
}

/// `deploy.resources.limits` or `.reservations`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Resources {
    pub span: Span,
    pub cpus: Option<Spanned<String>>,
    pub memory: Option<Spanned<String>>,
    pub pids: Option<Spanned<String>>,
}

/// `deploy.restart_policy`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RestartPolicy {
    pub span: Span,
    pub condition: Option<Spanned<String>>,
    pub max_attempts: Option<Spanned<String>>,
    pub delay: Option<Spanned<String>>,
    pub window: Option<Spanned<String>>,
}

/// An entry of a service's `secrets:` or `configs:`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ServiceResource {
    /// The top-level secret or config it names.
    pub source: Spanned<String>,
    pub target: Option<Spanned<String>>,
    pub long: bool,
    pub span: Span,
    pub via_alias: Option<Span>,
}

impl ServiceResource {
    /// Where the file appears in the container: `target` or, by default, `/run/secrets/<name>`
    /// for a secret and `/<name>` for a config (a relative secret target is under
    /// `/run/secrets`).
    pub fn container_path(&self, kind: ResourceKind) -> String {
        let name = self
            .target
            .as_ref()
            .map_or(self.source.value.as_str(), |t| t.value.as_str());
        match kind {
            _ if name.starts_with('/') => name.to_string(),
            ResourceKind::Secret => format!("/run/secrets/{name}"),
            _ => format!("/{name}"),
        }
    }
}

/// An entry of a service's `networks:`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ServiceNetwork {
    pub name: Spanned<String>,
    pub aliases: Vec<Spanned<String>>,
    pub span: Span,
    pub via_alias: Option<Span>,
}

/// `extends:`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Extends {
    pub service: Spanned<String>,
    /// The Compose file the service is in (default: this one).
    pub file: Option<Spanned<String>>,
    pub span: Span,
}

/// `logging:`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Logging {
    pub span: Span,
    pub driver: Option<Spanned<String>>,
    pub options: Vec<KeyValue>,
}

/// One `${…}` (or `$VAR`) in a value of a Compose file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VarUse {
    pub name: String,
    /// The expression in the file, `$` through `}`; the whole scalar when the scalar's text is
    /// not its value verbatim (escapes, folded blocks), see `exact`.
    pub span: Span,
    pub name_span: Span,
    pub exact: bool,
    pub op: Op,
    /// The fallback of `${VAR:-default}` / `${VAR-default}` when it is literal text (`$$`
    /// decoded); `None` for other operators and for a fallback holding another expression.
    pub default: Option<String>,
    /// `${VAR:?message}` or `${VAR?message}`: the deploy fails when the variable is missing.
    pub required: bool,
    /// The service whose definition holds the expression (`None` in top-level sections and
    /// `x-` fields, whose anchors several services may share).
    pub in_service: Option<String>,
}

/// Every interpolation in the values of a Compose file (keys are not interpolated), nested
/// ones included (`${A:-${B}}` gives `A` then `B`), in source order. Each scalar is read once
/// where it is written: a value shared through an anchor counts once, not once per alias.
pub fn interpolations(yaml: &YamlFile) -> Vec<VarUse> {
    let services = service_spans(yaml);
    let mut out = Vec::new();
    for scalar in yaml.value_scalars() {
        let Some(value) = scalar.as_str() else {
            continue;
        };
        if !value.contains('$') {
            continue;
        }
        let span = scalar.span();
        // Services are in source order and do not overlap.
        let after = services.partition_point(|(s, _)| s.start <= span.start);
        let in_service = after
            .checked_sub(1)
            .map(|i| &services[i])
            .filter(|(s, _)| span.end <= s.end)
            .map(|(_, name)| name.clone());
        let located = Located::parse(scalar.raw(), value, span);
        for expr in located.template.exprs() {
            let default = match (&expr.operand, expr.op.is_default()) {
                (Some(operand), true) => operand.literal(&located.source),
                _ => None,
            };
            out.push(VarUse {
                name: expr.name.clone(),
                span: located.file_span(expr.span),
                name_span: located.file_span(expr.name_span),
                exact: located.is_exact(),
                op: expr.op,
                default,
                required: expr.op.is_required(),
                in_service: in_service.clone(),
            });
        }
    }
    out
}

/// The spans of the services written in place (not aliases), with their names, in source
/// order.
fn service_spans(yaml: &YamlFile) -> Vec<(Span, String)> {
    let mut out = Vec::new();
    for doc in yaml.documents() {
        let Some(services) = doc.get("services") else {
            continue;
        };
        for (key, value) in services.entries() {
            let (Some(name), None) = (key.as_str(), value.via_alias()) else {
                continue;
            };
            if matches!(value.kind(), NodeKind::Mapping) && key.via_alias().is_none() {
                out.push((value.span(), name.to_string()));
            }
        }
    }
    out
}

/// Shorthand used by the builder's messages and tests.
fn issue(span: Span, message: String) -> ParseIssue {
    ParseIssue::new(span, message)
}
