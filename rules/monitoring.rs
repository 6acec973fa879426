//! Where the monitoring configuration of a project runs: the Compose services that run
//! Prometheus, Alertmanager and Grafana with a configuration file of the project, the container
//! paths their mounts provide, and the host names and ports of the Compose stack they run in.
//!
//! Shared by the `PRM`, `ALM` and `GRF` rules that check a configuration against its Compose
//! stack; built once per project (`monitoring()`). A configuration no service is known to run
//! (no mount of it, no build context holding it) has no runner, and those rules stay silent
//! about it rather than guess.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use crate::index::{Index, MountSource};
use crate::kind::FileKind;
use crate::project::{ParsedFile, Project};
use crate::rules::compose::ImageRef;
use crate::rules::prometheus::{lookup, ConfigFolder, PathResolver, Resolved};
use crate::source::{FileId, Span};

/// A monitoring tool whose configuration shiplint reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Tool {
    Prometheus,
    Alertmanager,
    Grafana,
}

impl Tool {
    pub(crate) fn of(kind: FileKind) -> Option<Tool> {
        match kind {
            FileKind::Prometheus => Some(Tool::Prometheus),
            FileKind::Alertmanager => Some(Tool::Alertmanager),
            FileKind::GrafanaDatasources | FileKind::GrafanaDashboards => Some(Tool::Grafana),
            _ => None,
        }
    }

    fn word(self) -> &'static str {
        match self {
            Tool::Prometheus => "prometheus",
            Tool::Alertmanager => "alertmanager",
            Tool::Grafana => "grafana",
        }
    }

    /// Whether an image repository (`prom/prometheus`, `bitnami/grafana`) runs the tool.
    pub(crate) fn runs(self, repository: &str) -> bool {
        let last = repository.rsplit('/').next().unwrap_or(repository);
        match self {
            Tool::Prometheus => last == "prometheus",
            Tool::Alertmanager => last == "alertmanager",
            Tool::Grafana => matches!(last, "grafana" | "grafana-oss" | "grafana-enterprise"),
        }
    }
}

/// A Compose service that runs a tool with one of the project's configuration files.
#[derive(Clone, Debug)]
pub(crate) struct Runner {
    pub(crate) compose: FileId,
    pub(crate) service: String,
    /// Where a mount puts the configuration file in the container, and the mount entry.
    pub(crate) mounted_at: Option<(String, Span)>,
    /// The service builds its image from a local context (which may copy files in).
    pub(crate) builds: bool,
}

impl Runner {
    /// The container path a path written in the configuration names: an absolute path as
    /// written, a relative one against the folder the configuration is mounted at (`None`
    /// when it is not mounted).
    pub(crate) fn container_path(&self, written: &str) -> Option<String> {
        let written = written.trim();
        if written.starts_with('/') {
            return Some(written.to_string());
        }
        let (at, _) = self.mounted_at.as_ref()?;
        let dir = at.rsplit_once('/').map_or("", |(d, _)| d);
        Some(format!("{dir}/{written}"))
    }

    /// The repository path a bind mount of the runner puts at `container`, and the mount
    /// entry; `None` when no bind mount of a literal host path covers it.
    pub(crate) fn host_path(&self, index: &Index, container: &str) -> Option<(PathBuf, Span)> {
        let covering = index.mounts_covering(self.compose, &self.service, container);
        let mount = covering.first()?;
        let MountSource::HostPath {
            resolved: Some(host),
            ..
        } = &mount.source
        else {
            return None;
        };
        let normalized = crate::discover::normalize(Path::new(container));
        let rest = normalized.strip_prefix(&mount.target).ok()?;
        Some((host.join(rest), mount.span))
    }
}

/// The host names of one Compose stack (the Compose files of one folder): service names,
/// `container_name`s, `hostname`s and network aliases, each with the service it reaches.
#[derive(Debug, Default)]
pub(crate) struct Stack {
    /// Every service a host name reaches, in file order.
    hosts: BTreeMap<String, Vec<(FileId, String)>>,
    services: BTreeSet<String>,
}

impl Stack {
    /// The service a host name reaches in this stack: the one of `compose` (the runner's own
    /// Compose file) when it has one, else the first.
    pub(crate) fn service(&self, host: &str, compose: FileId) -> Option<(FileId, &str)> {
        let all = self.hosts.get(host)?;
        all.iter()
            .find(|(f, _)| *f == compose)
            .or_else(|| all.first())
            .map(|(f, s)| (*f, s.as_str()))
    }

    /// The service name closest to a host name that reaches none (`redis_exporter` for
    /// `redis-exporter`).
    pub(crate) fn closest(&self, host: &str) -> Option<&str> {
        crate::parse::monitoring::closest(host, self.services.iter().map(String::as_str))
    }
}

/// The monitoring facts of a project.
#[derive(Debug, Default)]
pub(crate) struct Monitoring {
    runners: HashMap<FileId, Vec<Runner>>,
    /// By the base folder of the stack's Compose files.
    stacks: HashMap<PathBuf, Stack>,
}

/// The project's monitoring facts, built once per run.
pub(crate) fn monitoring(project: &Project) -> Arc<Monitoring> {
    project.derived(Monitoring::build)
}

impl Monitoring {
    fn build(project: &Project) -> Monitoring {
        let index = &project.index;
        let mut out = Monitoring::default();
        let mounts = HostMounts::new(index);
        let mut by_dir: HashMap<&Path, Vec<usize>> = HashMap::new();
        for (i, e) in index.compose_files().iter().enumerate() {
            by_dir.entry(e.base_dir.as_path()).or_default().push(i);
        }
        for file in project.files() {
            let Some(tool) = Tool::of(file.source.kind) else {
                continue;
            };
            let runners = runners_of(&mounts, file, tool);
            if runners.is_empty() {
                continue;
            }
            for r in &runners {
                if let Some(entry) = index.compose(r.compose) {
                    out.stacks.entry(entry.base_dir.clone()).or_insert_with(|| {
                        let files = by_dir.get(entry.base_dir.as_path());
                        stack_of(index, files.map_or(&[][..], Vec::as_slice))
                    });
                }
            }
            out.runners.insert(file.id, runners);
        }
        out
    }

    /// The services that run a configuration file (empty when none is known).
    pub(crate) fn runners(&self, file: FileId) -> &[Runner] {
        self.runners.get(&file).map_or(&[], Vec::as_slice)
    }

    /// The stack a runner belongs to.
    pub(crate) fn stack(&self, index: &Index, runner: &Runner) -> Option<&Stack> {
        self.stacks.get(&index.compose(runner.compose)?.base_dir)
    }
}

/// Every host path mounted into a service: resolved path → (service index, mount index).
struct HostMounts<'i> {
    index: &'i Index,
    by_path: HashMap<&'i Path, Vec<(usize, usize)>>,
    /// Services whose build context is a folder: context → service indexes.
    by_context: HashMap<&'i Path, Vec<usize>>,
}

impl<'i> HostMounts<'i> {
    fn new(index: &'i Index) -> HostMounts<'i> {
        let mut by_path: HashMap<&Path, Vec<(usize, usize)>> = HashMap::new();
        let mut by_context: HashMap<&Path, Vec<usize>> = HashMap::new();
        for (si, info) in index.service_infos().iter().enumerate() {
            for (mi, m) in info.mounts.iter().enumerate() {
                if let MountSource::HostPath {
                    resolved: Some(host),
                    ..
                } = &m.source
                {
                    by_path.entry(host.as_path()).or_default().push((si, mi));
                }
            }
            if let Some(c) = &info.context_dir {
                by_context.entry(c.as_path()).or_default().push(si);
            }
        }
        HostMounts {
            index,
            by_path,
            by_context,
        }
    }
}

/// The services that run `file`: those that mount it (the file or a folder above it) and run
/// the tool (by image, by the container path, or by mounting the file itself), and those
/// running the tool whose build context holds it.
fn runners_of(mounts: &HostMounts<'_>, file: &ParsedFile, tool: Tool) -> Vec<Runner> {
    let path = crate::discover::normalize(&file.source.path);
    let infos = mounts.index.service_infos();
    let image_runs = |si: usize| {
        infos[si]
            .service()
            .image
            .as_ref()
            .is_some_and(|i| tool.runs(&ImageRef::parse(&i.value).repository))
    };
    // Service index → (container path, mount entry); the innermost mount wins.
    let mut mounted: BTreeMap<usize, Option<(String, Span)>> = BTreeMap::new();
    for dir in path.ancestors() {
        let Ok(rest) = path.strip_prefix(dir) else {
            continue;
        };
        let whole_file = rest.as_os_str().is_empty();
        for &(si, mi) in mounts.by_path.get(dir).map_or(&[][..], Vec::as_slice) {
            let m = &infos[si].mounts[mi];
            if mounted.get(&si).is_some_and(Option::is_some) {
                continue;
            }
            if !(image_runs(si) || whole_file || m.target.contains(tool.word())) {
                continue;
            }
            let at = if whole_file {
                m.target.clone()
            } else {
                format!(
                    "{}/{}",
                    m.target.trim_end_matches('/'),
                    rest.to_string_lossy()
                )
            };
            mounted.insert(si, Some((at, m.span)));
        }
        for &si in mounts.by_context.get(dir).map_or(&[][..], Vec::as_slice) {
            if image_runs(si) || infos[si].name.contains(tool.word()) {
                mounted.entry(si).or_insert(None);
            }
        }
    }
    mounted
        .into_iter()
        .map(|(si, at)| {
            let info = &infos[si];
            Runner {
                compose: info.file,
                service: info.name.clone(),
                mounted_at: at,
                builds: info.context_dir.is_some() || info.service().build.is_some(),
            }
        })
        .collect()
}

/// The host names of the Compose files `files` (indexes into the index's Compose files).
fn stack_of(index: &Index, files: &[usize]) -> Stack {
    let mut stack = Stack::default();
    for entry in files.iter().map(|&i| &index.compose_files()[i]) {
        for s in &entry.model.services {
            let name = s.name.value.clone();
            let mut add = |host: &str| {
                if !host.is_empty() {
                    let all = stack.hosts.entry(host.to_string()).or_default();
                    if !all.contains(&(entry.file, name.clone())) {
                        all.push((entry.file, name.clone()));
                    }
                }
            };
            add(&name);
            if let Some(c) = &s.container_name {
                add(&c.value);
            }
            if let Some(h) = &s.hostname {
                add(&h.value);
            }
            for n in &s.networks {
                for a in &n.aliases {
                    add(&a.value);
                }
            }
            stack.services.insert(name);
        }
    }
    stack
}

// ---------------------------------------------------------------------------------------------
// Host names
// ---------------------------------------------------------------------------------------------

/// Whether a runner joins a network declared `external` in its Compose file (its `default`
/// network when it names none).
fn joins_external_network(index: &Index, runner: &Runner) -> bool {
    let (Some(entry), Some(service)) = (
        index.compose(runner.compose),
        index.service(runner.compose, &runner.service),
    ) else {
        return false;
    };
    let external = |name: &str| {
        entry
            .model
            .networks
            .iter()
            .any(|n| n.name.value == name && n.is_external())
    };
    if service.networks.is_empty() {
        external("default")
    } else {
        service.networks.iter().any(|n| external(&n.name.value))
    }
}

/// Whether a host name is not one a Compose service could answer to: `localhost`, an IP
/// address, Docker's name for the host, a dotted (external) DNS name, or a value shiplint
/// cannot read (interpolated, empty).
pub(crate) fn outside_stack(host: &str) -> bool {
    let host = host.trim();
    host.is_empty()
        || host.eq_ignore_ascii_case("localhost")
        || host.contains(['.', ':', '$', '{', '%', '<', '['])
        || host.parse::<std::net::IpAddr>().is_ok()
}

// ---------------------------------------------------------------------------------------------
// Ports
// ---------------------------------------------------------------------------------------------

const PORTS: &str = include_str!("data/service_ports.txt");

/// The ports `service_ports.txt` names for specific images: image repository → ports.
fn image_ports() -> &'static [(&'static str, u16)] {
    static LIST: OnceLock<Vec<(&'static str, u16)>> = OnceLock::new();
    LIST.get_or_init(|| {
        let mut out = Vec::new();
        for line in PORTS.lines().map(str::trim) {
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let mut parts = line.split('|').map(str::trim);
            let Some(port) = parts.next().and_then(|p| p.parse().ok()) else {
                continue;
            };
            let images = parts.nth(2).unwrap_or_default();
            for image in images.split_whitespace().filter(|i| !i.contains('*')) {
                out.push((image, port));
            }
        }
        out
    })
}

/// The container ports a service is known to listen on: `expose:`, the container side of
/// `ports:`, `EXPOSE` of the Dockerfile it builds, and the default port of a known image.
/// `None` when none is known (an image shiplint knows nothing about): then any port may be
/// right.
pub(crate) fn listening_ports(
    project: &Project,
    compose: FileId,
    service: &str,
) -> Option<BTreeSet<u16>> {
    let index = &project.index;
    let info = index.info(compose, service)?;
    let s = info.service();
    let mut ports = BTreeSet::new();
    let mut add_spec = |spec: &str| {
        let spec = spec.split('/').next().unwrap_or_default().trim();
        match spec.split_once('-') {
            Some((a, b)) => {
                if let (Ok(a), Ok(b)) = (a.parse::<u16>(), b.parse::<u16>()) {
                    // A range: every port in it (bounded, ranges are short).
                    ports.extend((a..=b).take(1024));
                }
            }
            None => {
                if let Ok(p) = spec.parse::<u16>() {
                    ports.insert(p);
                }
            }
        }
    };
    for e in &s.expose {
        add_spec(&e.value);
    }
    for p in &s.ports {
        if let Some(t) = &p.target {
            add_spec(&t.value);
        }
    }
    if let Some(docker) = info
        .dockerfile
        .and_then(|id| project.file(id).model.dockerfile())
    {
        // The stage built and the stages it builds on.
        let target = s.build.as_ref().and_then(|b| b.target.as_ref());
        let mut stage = match target {
            Some(t) => docker.stage(&t.value),
            None => docker.final_stage(),
        };
        let mut depth = 0;
        while let Some(st) = stage {
            ports.extend(st.expose.iter().map(|e| e.0));
            depth += 1;
            stage = st
                .parent
                .filter(|_| depth < 16)
                .and_then(|i| docker.stages.get(i));
        }
    }
    if let Some(image) = &s.image {
        let repository = ImageRef::parse(&image.value).repository;
        ports.extend(
            image_ports()
                .iter()
                .filter(|(i, _)| *i == repository)
                .map(|(_, p)| *p),
        );
    }
    (!ports.is_empty()).then_some(ports)
}

// ---------------------------------------------------------------------------------------------
// Container paths
// ---------------------------------------------------------------------------------------------

/// Resolves a path written in a configuration file as the container running it sees it:
/// through the Compose mounts of each runner. A relative path resolves against the folder the
/// configuration is mounted at. What no runner's mount provides is `Nothing` only when no
/// runner builds its own image (which may copy the file in); a named volume is `Unknown`.
pub(crate) struct Mounts<'m> {
    pub(crate) runners: &'m [Runner],
}

impl PathResolver for Mounts<'_> {
    fn resolve<'p>(
        &self,
        project: &'p Project,
        config: &ParsedFile,
        written: &str,
    ) -> Resolved<'p> {
        if self.runners.is_empty() {
            return ConfigFolder.resolve(project, config, written);
        }
        let mut files: Vec<&'p ParsedFile> = Vec::new();
        let mut unread = false;
        let mut unknown = false;
        for r in self.runners {
            match resolve_in(project, config, r, written) {
                Resolved::Files(found) => {
                    for f in found {
                        if !files.iter().any(|o| o.id == f.id) {
                            files.push(f);
                        }
                    }
                }
                Resolved::Unread => unread = true,
                Resolved::Unknown => unknown = true,
                Resolved::Nothing => {}
            }
        }
        if !files.is_empty() {
            Resolved::Files(files)
        } else if unread {
            Resolved::Unread
        } else if unknown {
            Resolved::Unknown
        } else {
            Resolved::Nothing
        }
    }
}

fn resolve_in<'p>(
    project: &'p Project,
    config: &ParsedFile,
    runner: &Runner,
    written: &str,
) -> Resolved<'p> {
    let written = written.trim();
    if written.is_empty() {
        return Resolved::Nothing;
    }
    if written.contains('$') {
        return Resolved::Unknown;
    }
    let Some(container) = runner.container_path(written) else {
        return ConfigFolder.resolve(project, config, written);
    };
    let index = &project.index;
    // A glob may match single-file mounts below its folder.
    if container.contains(['*', '?', '[']) {
        let Some(matcher) = globset::GlobBuilder::new(&container)
            .literal_separator(true)
            .build()
            .ok()
            .map(|g| g.compile_matcher())
        else {
            return Resolved::Unknown;
        };
        let mut files = Vec::new();
        for m in index.mounts(runner.compose, &runner.service) {
            if !matcher.is_match(&m.target) {
                continue;
            }
            match &m.source {
                MountSource::HostPath {
                    resolved: Some(host),
                    ..
                } => {
                    if let Resolved::Files(found) = lookup(project, host.clone()) {
                        files.extend(found);
                    }
                }
                _ => return Resolved::Unknown,
            }
        }
        if !files.is_empty() {
            return Resolved::Files(files);
        }
    }
    let covering = index.mounts_covering(runner.compose, &runner.service, &container);
    let Some(mount) = covering.first() else {
        // Not mounted: only an image built here could hold it.
        return if runner.builds {
            Resolved::Unknown
        } else {
            Resolved::Nothing
        };
    };
    match &mount.source {
        MountSource::HostPath {
            resolved: Some(host),
            ..
        } => {
            let normalized = crate::discover::normalize(Path::new(&container));
            let rest = normalized
                .strip_prefix(&mount.target)
                .map(Path::to_path_buf)
                .unwrap_or_default();
            lookup(project, host.join(rest))
        }
        _ => Resolved::Unknown,
    }
}

// ---------------------------------------------------------------------------------------------
// Hosts seen from a runner
// ---------------------------------------------------------------------------------------------

/// What a host name written in a configuration reaches from the containers that run it.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Host {
    /// A service of the runner's stack: its Compose file and name.
    Service(FileId, String),
    /// Not a name a service could answer to (see [`outside_stack`]), or no runner whose
    /// network shiplint can tell.
    Outside,
    /// No service of any runner's stack: the Compose file of the first runner, and the
    /// service name closest to the host.
    Unknown(FileId, Option<String>),
}

impl Monitoring {
    /// What `host` reaches from the services running `file`.
    pub(crate) fn host(&self, project: &Project, file: FileId, host: &str) -> Host {
        let index = &project.index;
        let runners = self.runners(file);
        let Some(first) = runners.first() else {
            return Host::Outside;
        };
        // On the host's network the host's names apply, not the stack's.
        let host_network = runners.iter().any(|r| {
            index
                .service(r.compose, &r.service)
                .and_then(|s| s.network_mode.as_ref())
                .is_some_and(|m| !m.value.starts_with("bridge") && m.value != "none")
        });
        if host_network || outside_stack(host) {
            return Host::Outside;
        }
        // On a network created outside the stack, containers of other stacks answer too; and
        // `links`, `external_links` and `extra_hosts` add names of their own.
        let more_names = |r: &Runner| {
            joins_external_network(index, r)
                || index.service(r.compose, &r.service).is_some_and(|s| {
                    ["links", "external_links", "extra_hosts"]
                        .iter()
                        .any(|k| s.has_key(k))
                })
        };
        if runners.iter().any(more_names) {
            return match runners
                .iter()
                .filter_map(|r| Some((r, self.stack(index, r)?)))
                .find_map(|(r, stack)| stack.service(host, r.compose))
            {
                Some((f, s)) => Host::Service(f, s.to_string()),
                None => Host::Outside,
            };
        }
        let mut suggestion = None;
        for r in runners {
            let Some(stack) = self.stack(index, r) else {
                return Host::Outside;
            };
            if let Some((f, s)) = stack.service(host, r.compose) {
                return Host::Service(f, s.to_string());
            }
            if suggestion.is_none() {
                suggestion = stack.closest(host).map(str::to_string);
            }
        }
        Host::Unknown(first.compose, suggestion)
    }
}

impl Monitoring {
    /// The services `host` reaches from each service running `file` (distinct; several when
    /// the configuration runs in several stacks, such as a development and a production one).
    pub(crate) fn services_reached(
        &self,
        project: &Project,
        file: FileId,
        host: &str,
    ) -> Vec<(FileId, String)> {
        if !matches!(self.host(project, file, host), Host::Service(..)) {
            return Vec::new();
        }
        let mut out: Vec<(FileId, String)> = Vec::new();
        for r in self.runners(file) {
            let Some(stack) = self.stack(&project.index, r) else {
                continue;
            };
            if let Some((f, s)) = stack.service(host, r.compose) {
                if !out.iter().any(|(of, os)| *of == f && os == s) {
                    out.push((f, s.to_string()));
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{self, RunOptions};

    #[test]
    fn hosts_outside_a_stack() {
        for host in [
            "localhost",
            "127.0.0.1",
            "::1",
            "host.docker.internal",
            "node.example.com",
            "${HOST}",
            "",
        ] {
            assert!(outside_stack(host), "{host}");
        }
        for host in ["web", "redis-exporter", "db_1"] {
            assert!(!outside_stack(host), "{host}");
        }
    }

    #[test]
    fn images_running_each_tool() {
        assert!(Tool::Prometheus.runs("prom/prometheus"));
        assert!(Tool::Prometheus.runs("quay.io/prometheus/prometheus"));
        assert!(!Tool::Prometheus.runs("prom/node-exporter"));
        assert!(Tool::Alertmanager.runs("prom/alertmanager"));
        assert!(Tool::Grafana.runs("grafana/grafana-oss"));
        assert!(Tool::Grafana.runs("bitnami/grafana"));
        assert!(!Tool::Grafana.runs("grafana/loki"));
        assert!(!Tool::Grafana.runs("grafana/grafana-image-renderer"));
    }

    fn project(files: &[(&str, &str)]) -> (tempfile::TempDir, Project) {
        let dir = tempfile::tempdir().unwrap();
        for (path, text) in files {
            let path = dir.path().join(path);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
        let root = dir.path().canonicalize().unwrap();
        let outcome = engine::run(&RunOptions {
            paths: vec![root.clone()],
            stdin: None,
            config: Default::default(),
            rules: Vec::new(),
            size_limit: engine::DEFAULT_SIZE_LIMIT,
            cwd: root,
        })
        .unwrap();
        (dir, outcome.project)
    }

    const COMPOSE: &str = "services:
  web:
    image: registry.example.com/web:1.0
    container_name: app-web
    expose: [\"8000\"]
  prom:
    image: prom/prometheus:v2.54.1
    volumes:
      - ./monitoring/prometheus.yml:/etc/prometheus/prometheus.yml:ro
      - ./monitoring/rules:/etc/prometheus/rules:ro
";
    const RULES: &str =
        "groups:\n  - name: a\n    rules:\n      - alert: Down\n        expr: up == 0\n";

    #[test]
    fn runners_hosts_and_container_paths() {
        let (_dir, project) = project(&[
            ("docker-compose.yml", COMPOSE),
            (
                "monitoring/prometheus.yml",
                "rule_files: [rules/*.yml]\nscrape_configs: []\n",
            ),
            ("monitoring/rules/a.yml", RULES),
            ("monitoring/alerts.yml", RULES),
        ]);
        let config = project
            .files_of_kind(FileKind::Prometheus)
            .next()
            .expect("the configuration");
        let facts = monitoring(&project);
        let runners = facts.runners(config.id);
        assert_eq!(runners.len(), 1);
        assert_eq!(runners[0].service, "prom");
        assert_eq!(
            runners[0].mounted_at.as_ref().map(|(at, _)| at.as_str()),
            Some("/etc/prometheus/prometheus.yml")
        );

        assert!(matches!(
            facts.host(&project, config.id, "app-web"),
            Host::Service(_, ref s) if s == "web"
        ));
        assert_eq!(facts.host(&project, config.id, "localhost"), Host::Outside);
        assert!(matches!(
            facts.host(&project, config.id, "webb"),
            Host::Unknown(_, Some(ref s)) if s == "web"
        ));
        let compose = runners[0].compose;
        assert_eq!(
            listening_ports(&project, compose, "web").map(|p| p.into_iter().collect::<Vec<_>>()),
            Some(vec![8000])
        );
        assert_eq!(
            listening_ports(&project, compose, "prom").map(|p| p.into_iter().collect::<Vec<_>>()),
            Some(vec![9090])
        );

        let mounts = Mounts { runners };
        let names = |written: &str| match mounts.resolve(&project, config, written) {
            Resolved::Files(files) => files
                .iter()
                .map(|f| {
                    f.source
                        .path
                        .file_name()
                        .unwrap()
                        .to_string_lossy()
                        .into_owned()
                })
                .collect::<Vec<_>>(),
            other => vec![format!("{other:?}")],
        };
        assert_eq!(names("rules/*.yml"), vec!["a.yml"]);
        assert_eq!(names("/etc/prometheus/rules/a.yml"), vec!["a.yml"]);
        // Beside prometheus.yml in the repository, but not mounted.
        assert_eq!(names("alerts.yml"), vec!["Nothing"]);
        assert_eq!(names("/etc/prometheus/rules/b.yml"), vec!["Nothing"]);
        assert_eq!(names("/etc/${DIR}/a.yml"), vec!["Unknown"]);
    }

    #[test]
    fn a_configuration_no_service_mounts_has_no_runner() {
        let (_dir, project) = project(&[
            ("docker-compose.yml", COMPOSE),
            ("other/prometheus.yml", "scrape_configs: []\n"),
        ]);
        let config = project.files_of_kind(FileKind::Prometheus).next().unwrap();
        let facts = monitoring(&project);
        assert!(facts.runners(config.id).is_empty());
        assert_eq!(facts.host(&project, config.id, "nowhere"), Host::Outside);
    }
}
