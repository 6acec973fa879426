//! Reads the YAML span tree into the Compose model, checking shapes and keys on the way.

use std::collections::HashSet;
use std::ops::Range;

use super::keys::{self, Shape};
use super::syntax;
use super::*;
use crate::parse::interpolate::{self, Piece};
use crate::parse::yaml::{MergeTag, Node, NodeKind, YamlFile};

/// Issues after which unknown keys are reported without a "did you mean" suggestion.
const SUGGESTION_LIMIT: usize = 1000;

/// Builds the Compose model of `yaml`, with what Compose would refuse as issues. Every
/// document of the file contributes (Compose merges them). Never panics.
pub fn build(yaml: &YamlFile) -> (ComposeFile, Vec<ParseIssue>) {
    let mut builder = Builder {
        issues: Vec::new(),
        reported: HashSet::new(),
    };
    let mut file = ComposeFile::default();
    for doc in yaml.documents() {
        builder.top_level(doc, &mut file);
    }
    (file, builder.issues)
}

struct Builder {
    issues: Vec<ParseIssue>,
    /// Spans already reported: a mistake in an anchor is reported once, not once per alias.
    reported: HashSet<Span>,
}

/// The shape of a node; `None` for null and unresolved aliases (already reported by the YAML
/// layer).
fn shape(node: Node<'_>) -> Option<Shape> {
    match node.kind() {
        NodeKind::Scalar if node.is_null() => None,
        NodeKind::Scalar => Some(Shape::SCALAR),
        NodeKind::Sequence => Some(Shape::LIST),
        NodeKind::Mapping => Some(Shape::MAP),
        NodeKind::UnresolvedAlias => None,
    }
}

fn describe(shape: Shape) -> &'static str {
    match shape {
        Shape::SCALAR => "a single value",
        Shape::LIST => "a list",
        _ => "a mapping",
    }
}

/// A scalar's text as a value with its span; `None` for null and non-scalars.
fn spanned(node: Node<'_>) -> Option<Spanned<String>> {
    if shape(node)? != Shape::SCALAR {
        return None;
    }
    Some(Spanned::new(node.as_str()?.to_string(), node.span()))
}

/// A scalar read as a boolean, the way Compose reads boolean fields.
fn flag(node: Node<'_>) -> Option<Flag> {
    let s = spanned(node)?;
    let value = match s.value.to_ascii_lowercase().as_str() {
        "true" | "yes" | "y" | "on" => Some(true),
        "false" | "no" | "n" | "off" => Some(false),
        _ => None,
    };
    Some(Spanned::new(value, s.span))
}

/// Where the parts of a scalar's value are in the file: exactly when the scalar is written
/// verbatim (plain, or quoted without escapes), else the whole scalar.
struct Verbatim {
    base: Option<usize>,
    whole: Span,
}

impl Verbatim {
    fn of(node: Node<'_>, value: &str) -> Verbatim {
        let raw = node.raw();
        let span = node.span();
        let inner = [('"', '"'), ('\'', '\'')]
            .iter()
            .find_map(|(open, close)| raw.strip_prefix(*open)?.strip_suffix(*close))
            .map_or((raw, 0), |s| (s, 1));
        Verbatim {
            base: (inner.0 == value).then_some(span.start + inner.1),
            whole: span,
        }
    }

    fn span(&self, range: Range<usize>) -> Span {
        match self.base {
            Some(base) => Span::new(base + range.start, base + range.end),
            None => self.whole,
        }
    }

    fn part(&self, value: &str, range: Range<usize>) -> Spanned<String> {
        Spanned::new(value[range.clone()].to_string(), self.span(range))
    }
}

/// The alias an item was reached through, from its key or its value.
fn via(key: Option<Node<'_>>, value: Node<'_>) -> Option<Span> {
    key.and_then(|k| k.via_alias()).or(value.via_alias())
}

/// A dotted key path as Compose names it in its own messages (`services.web.ports`).
fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

fn is_extension(key: &str) -> bool {
    key.starts_with("x-")
}

/// Whether a name matches `^[a-zA-Z0-9._-]+$`, the names Compose accepts for services.
fn valid_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
}

impl Builder {
    fn report(&mut self, span: Span, message: String) {
        if self.reported.insert(span) {
            self.issues.push(issue(span, message));
        }
    }

    /// Reports `node` when it is not null and not of an `allowed` shape; `true` when it is
    /// usable (not null and of an allowed shape).
    fn check(&mut self, node: Node<'_>, allowed: Shape, path: &str) -> bool {
        match shape(node) {
            None => false,
            Some(found) if allowed.allows(found) => true,
            Some(found) => {
                self.report(
                    node.span(),
                    format!(
                        "`{path}` must be {}, not {}",
                        allowed.describe(),
                        describe(found)
                    ),
                );
                false
            }
        }
    }

    /// Checks the keys of the mapping `node` against `known` and the shape of each value;
    /// `x-` keys are always allowed. Returns the mapping's entries.
    fn check_keys<'a>(
        &mut self,
        node: Node<'a>,
        known: &'static [(&'static str, Shape)],
        path: &str,
    ) -> Vec<(Node<'a>, Node<'a>)> {
        let entries = node.entries();
        for &(key, value) in &entries {
            let Some(name) = key.as_str().filter(|_| key.kind() == NodeKind::Scalar) else {
                continue;
            };
            if is_extension(name) {
                continue;
            }
            match keys::shape_of(known, name) {
                Some(allowed) => {
                    self.check(value, allowed, &join(path, name));
                }
                None => {
                    // Suggestions cost an edit-distance search: enough for any real file.
                    let hint = (self.issues.len() < SUGGESTION_LIMIT)
                        .then(|| keys::closest(known, name))
                        .flatten()
                        .map(|k| format!(" (did you mean `{k}`?)"))
                        .unwrap_or_default();
                    let message = if path.is_empty() {
                        format!("unknown top-level key `{name}`{hint}")
                    } else {
                        format!("`{path}` has an unknown key `{name}`{hint}")
                    };
                    self.report(key.span(), message);
                }
            }
        }
        entries
    }

    /// The scalar items of a list, each as a value; other items are reported.
    fn strings(&mut self, node: Node<'_>, path: &str) -> Vec<Spanned<String>> {
        let mut out = Vec::new();
        for (i, item) in node.items().into_iter().enumerate() {
            let at = format!("{path}[{i}]");
            if self.check(item, Shape::SCALAR, &at) {
                out.extend(spanned(item));
            }
        }
        out
    }

    /// A value that is a string or a list of strings.
    fn string_or_list(&mut self, node: Node<'_>, path: &str) -> Vec<Spanned<String>> {
        match shape(node) {
            Some(Shape::SCALAR) => spanned(node).into_iter().collect(),
            Some(Shape::LIST) => self.strings(node, path),
            _ => Vec::new(),
        }
    }

    fn top_level(&mut self, doc: Node<'_>, file: &mut ComposeFile) {
        if doc.kind() != NodeKind::Mapping {
            if shape(doc).is_some() {
                self.report(
                    doc.span(),
                    "a Compose file must be a mapping of top-level keys such as `services`"
                        .to_string(),
                );
            }
            return;
        }
        for (key, value) in self.check_keys(doc, keys::TOP_LEVEL, "") {
            let Some(name) = key.as_str() else {
                continue;
            };
            match name {
                "name" => file.name = spanned(value),
                "version" => file.version = spanned(value),
                "services" => self.services(value, file),
                "volumes" => file
                    .volumes
                    .extend(self.resources(value, "volumes", keys::VOLUME)),
                "networks" => {
                    let found = self.resources(value, "networks", keys::NETWORK);
                    file.networks.extend(found);
                }
                "secrets" => file
                    .secrets
                    .extend(self.resources(value, "secrets", keys::SECRET)),
                "configs" => file
                    .configs
                    .extend(self.resources(value, "configs", keys::CONFIG)),
                "include" => self.includes(value, file),
                _ if is_extension(name) => file
                    .extensions
                    .push(Spanned::new(name.to_string(), key.span())),
                _ => {}
            }
        }
    }

    fn services(&mut self, node: Node<'_>, file: &mut ComposeFile) {
        if shape(node) != Some(Shape::MAP) {
            return;
        }
        for (key, value) in node.entries() {
            let Some(name) = key.as_str().filter(|_| key.kind() == NodeKind::Scalar) else {
                continue;
            };
            if is_extension(name) {
                continue;
            }
            if !valid_name(name) {
                self.report(
                    key.span(),
                    format!(
                        "service name `{name}` may only hold letters, digits, `.`, `_` and `-`"
                    ),
                );
            }
            let service = self.service(key, value, name);
            file.services.push(service);
        }
    }

    fn service(&mut self, key: Node<'_>, node: Node<'_>, name: &str) -> Service {
        let path = format!("services.{name}");
        let mut s = Service {
            name: Spanned::new(name.to_string(), key.span()),
            span: node.span(),
            via_alias: via(Some(key), node),
            ..Service::default()
        };
        if !self.check(node, Shape::MAP, &path) {
            return s;
        }
        for (key, value) in self.check_keys(node, keys::SERVICE, &path) {
            let Some(k) = key.as_str() else {
                continue;
            };
            match value.merge_tag() {
                Some(MergeTag::Reset) => {
                    s.reset.push(Spanned::new(k.to_string(), key.span()));
                    continue;
                }
                Some(MergeTag::Override) => {
                    s.overridden.push(Spanned::new(k.to_string(), key.span()))
                }
                None => {}
            }
            s.keys.push(Spanned::new(k.to_string(), key.span()));
            let at = format!("{path}.{k}");
            let at = at.as_str();
            match k {
                "image" => s.image = spanned(value),
                "build" => s.build = self.build_section(value, at),
                "command" => s.command = self.command(value, at, false),
                "entrypoint" => s.entrypoint = self.command(value, at, false),
                "environment" => {
                    s.environment = self.key_values(value, at);
                    // Ex) `FOO: !reset null`: the variable is removed, the inherited one too.
                    if shape(value) == Some(Shape::MAP) {
                        for (key, v) in value.entries() {
                            if v.merge_tag() != Some(MergeTag::Reset) {
                                continue;
                            }
                            let Some(name) = key.as_str() else { continue };
                            s.environment.retain(|e| e.name != name);
                            s.reset_environment
                                .push(Spanned::new(name.to_string(), key.span()));
                        }
                    }
                }
                "env_file" => s.env_file = self.env_files(value, at),
                "volumes" => s.volumes = self.volumes(value, at),
                "tmpfs" => s.tmpfs = self.string_or_list(value, at),
                "volumes_from" => s.volumes_from = self.strings_if_list(value, at),
                "ports" => s.ports = self.ports(value, at),
                "expose" => s.expose = self.strings_if_list(value, at),
                "depends_on" => s.depends_on = self.depends_on(value, at),
                "healthcheck" => s.healthcheck = self.healthcheck(value, at),
                "restart" => s.restart = spanned(value),
                "deploy" => s.deploy = self.deploy(value, at),
                "secrets" => s.secrets = self.service_resources(value, at),
                "configs" => s.configs = self.service_resources(value, at),
                "networks" => s.networks = self.service_networks(value, at),
                "network_mode" => s.network_mode = spanned(value),
                "profiles" => s.profiles = self.strings_if_list(value, at),
                "user" => s.user = spanned(value),
                "privileged" => s.privileged = flag(value),
                "read_only" => s.read_only = flag(value),
                "init" => s.init = flag(value),
                "cap_add" => s.cap_add = self.strings_if_list(value, at),
                "cap_drop" => s.cap_drop = self.strings_if_list(value, at),
                "labels" => s.labels = self.key_values(value, at),
                "container_name" => s.container_name = spanned(value),
                "hostname" => s.hostname = spanned(value),
                "extends" => s.extends = self.extends(value, at),
                "working_dir" => s.working_dir = spanned(value),
                "stop_grace_period" => s.stop_grace_period = spanned(value),
                "logging" => s.logging = self.logging(value, at),
                "pull_policy" => s.pull_policy = spanned(value),
                _ => {}
            }
        }
        s
    }

    fn strings_if_list(&mut self, node: Node<'_>, path: &str) -> Vec<Spanned<String>> {
        if shape(node) == Some(Shape::LIST) {
            self.strings(node, path)
        } else {
            Vec::new()
        }
    }

    /// `list_or_dict`: `KEY: value` entries or `KEY=value` / `KEY` items.
    fn key_values(&mut self, node: Node<'_>, path: &str) -> Vec<KeyValue> {
        let mut out = Vec::new();
        match shape(node) {
            Some(Shape::MAP) => {
                for (key, value) in node.entries() {
                    let Some(name) = key.as_str().filter(|_| key.kind() == NodeKind::Scalar) else {
                        continue;
                    };
                    let usable = self.check(value, Shape::SCALAR, &format!("{path}.{name}"));
                    if !usable && !value.is_null() {
                        continue;
                    }
                    let value_span = (!value.is_null()).then(|| value.span());
                    out.push(KeyValue {
                        name: name.to_string(),
                        name_span: key.span(),
                        value: value_span.and(value.as_str()).map(str::to_string),
                        value_span,
                        span: value_span.map_or(key.span(), |v| key.span().cover(v)),
                        via_alias: via(Some(key), value),
                    });
                }
            }
            Some(Shape::LIST) => {
                for (i, item) in node.items().into_iter().enumerate() {
                    let at = format!("{path}[{i}]");
                    if !self.check(item, Shape::SCALAR, &at) {
                        continue;
                    }
                    let Some(text) = item.as_str() else {
                        continue;
                    };
                    let at = Verbatim::of(item, text);
                    let (name, value) = match text.find('=') {
                        Some(eq) => (0..eq, Some(eq + 1..text.len())),
                        None => (0..text.len(), None),
                    };
                    out.push(KeyValue {
                        name: text[name.clone()].to_string(),
                        name_span: at.span(name),
                        value: value.clone().map(|r| text[r].to_string()),
                        value_span: value.map(|r| at.span(r)),
                        span: item.span(),
                        via_alias: item.via_alias(),
                    });
                }
            }
            _ => {}
        }
        out
    }

    fn build_section(&mut self, node: Node<'_>, path: &str) -> Option<Build> {
        let mut b = Build {
            span: node.span(),
            context: None,
            dockerfile: None,
            dockerfile_inline: None,
            target: None,
            args: Vec::new(),
            via_alias: node.via_alias(),
        };
        match shape(node)? {
            Shape::SCALAR => b.context = spanned(node),
            Shape::MAP => {
                for (key, value) in self.check_keys(node, keys::BUILD, path) {
                    match key.as_str() {
                        Some("context") => b.context = spanned(value),
                        Some("dockerfile") => b.dockerfile = spanned(value),
                        Some("dockerfile_inline") if !value.is_null() => {
                            b.dockerfile_inline = Some(value.span())
                        }
                        Some("target") => b.target = spanned(value),
                        Some("args") => b.args = self.key_values(value, &format!("{path}.args")),
                        _ => {}
                    }
                }
            }
            _ => return None,
        }
        Some(b)
    }

    /// `command`, `entrypoint` or a healthcheck's `test` (`whole_string`: a string is one word).
    fn command(&mut self, node: Node<'_>, path: &str, whole_string: bool) -> Option<Command> {
        let mut c = Command {
            span: node.span(),
            argv: Vec::new(),
            string_form: false,
            via_alias: node.via_alias(),
        };
        match shape(node)? {
            Shape::SCALAR => {
                let text = node.as_str()?;
                c.string_form = true;
                if whole_string {
                    c.argv = spanned(node).into_iter().collect();
                } else {
                    let at = Verbatim::of(node, text);
                    c.argv = syntax::shell_words(text)
                        .into_iter()
                        .map(|(word, range)| Spanned::new(word, at.span(range)))
                        .collect();
                }
            }
            Shape::LIST => c.argv = self.strings(node, path),
            _ => return None,
        }
        Some(c)
    }

    fn env_files(&mut self, node: Node<'_>, path: &str) -> Vec<EnvFileRef> {
        let items = match shape(node) {
            Some(Shape::SCALAR) => vec![node],
            Some(Shape::LIST) => node.items(),
            _ => return Vec::new(),
        };
        let mut out = Vec::new();
        for (i, item) in items.into_iter().enumerate() {
            let at = format!("{path}[{i}]");
            if !self.check(item, Shape::SCALAR_OR_MAP, &at) {
                continue;
            }
            if item.kind() == NodeKind::Mapping {
                let mut path_value = None;
                let mut required = true;
                for (key, value) in self.check_keys(item, keys::ENV_FILE, &at) {
                    match key.as_str() {
                        Some("path") => path_value = spanned(value),
                        Some("required") => {
                            required = flag(value).and_then(|f| f.value).unwrap_or(true)
                        }
                        _ => {}
                    }
                }
                if let Some(p) = path_value {
                    out.push(EnvFileRef {
                        path: p,
                        required,
                        span: item.span(),
                        via_alias: item.via_alias(),
                    });
                }
            } else if let Some(p) = spanned(item) {
                out.push(EnvFileRef {
                    path: p,
                    required: true,
                    span: item.span(),
                    via_alias: item.via_alias(),
                });
            }
        }
        out
    }

    fn volumes(&mut self, node: Node<'_>, path: &str) -> Vec<Volume> {
        if shape(node) != Some(Shape::LIST) {
            return Vec::new();
        }
        let mut out = Vec::new();
        for (i, item) in node.items().into_iter().enumerate() {
            let at = format!("{path}[{i}]");
            if !self.check(item, Shape::SCALAR_OR_MAP, &at) {
                continue;
            }
            let volume = if item.kind() == NodeKind::Mapping {
                self.long_volume(item, &at)
            } else {
                self.short_volume(item, &at)
            };
            out.extend(volume);
        }
        out
    }

    fn short_volume(&mut self, item: Node<'_>, path: &str) -> Option<Volume> {
        let text = item.as_str()?;
        let at = Verbatim::of(item, text);
        let parsed = match syntax::short_volume(text) {
            Ok(parsed) => parsed,
            Err(why) => {
                // After interpolation the text may well be valid: judge only literal text.
                if !text.contains('$') {
                    self.report(item.span(), format!("invalid volume in `{path}`: {why}"));
                }
                return None;
            }
        };
        let source = parsed.source.map(|r| at.part(text, r));
        let options: Vec<Spanned<String>> = parsed
            .options
            .into_iter()
            .map(|r| at.part(text, r))
            .collect();
        let (kind, source_interpolated) = match &source {
            Some(s) => classify_source(&s.value),
            None => (VolumeType::Volume, false),
        };
        let read_only = options
            .iter()
            .rev()
            .find(|o| o.value == "ro" || o.value == "rw")
            .is_some_and(|o| o.value == "ro");
        Some(Volume {
            span: item.span(),
            long: false,
            kind,
            source,
            source_interpolated,
            target: Some(at.part(text, parsed.target)),
            read_only,
            options,
            via_alias: item.via_alias(),
        })
    }

    fn long_volume(&mut self, item: Node<'_>, path: &str) -> Option<Volume> {
        let mut kind = None;
        let mut source = None;
        let mut target = None;
        let mut read_only = false;
        for (key, value) in self.check_keys(item, keys::SERVICE_VOLUME, path) {
            match key.as_str() {
                Some("type") => kind = spanned(value),
                Some("source") => source = spanned(value),
                Some("target") => target = spanned(value),
                Some("read_only") => read_only = flag(value).and_then(|f| f.value).unwrap_or(false),
                _ => {}
            }
        }
        let interpolated = source.as_ref().is_some_and(|s| has_expression(&s.value));
        let kind = kind
            .and_then(|k| VolumeType::parse(&k.value))
            .or_else(|| source.as_ref().map(|s| classify_source(&s.value).0))
            .unwrap_or(VolumeType::Volume);
        Some(Volume {
            span: item.span(),
            long: true,
            kind,
            source,
            source_interpolated: interpolated,
            target,
            read_only,
            options: Vec::new(),
            via_alias: item.via_alias(),
        })
    }

    fn ports(&mut self, node: Node<'_>, path: &str) -> Vec<Port> {
        if shape(node) != Some(Shape::LIST) {
            return Vec::new();
        }
        let mut out = Vec::new();
        for (i, item) in node.items().into_iter().enumerate() {
            let at = format!("{path}[{i}]");
            if !self.check(item, Shape::SCALAR_OR_MAP, &at) {
                continue;
            }
            if item.kind() == NodeKind::Mapping {
                let mut p = Port {
                    span: item.span(),
                    long: true,
                    target: None,
                    published: None,
                    host_ip: None,
                    protocol: None,
                    mode: None,
                    via_alias: item.via_alias(),
                };
                for (key, value) in self.check_keys(item, keys::SERVICE_PORT, &at) {
                    match key.as_str() {
                        Some("target") => p.target = spanned(value),
                        Some("published") => p.published = spanned(value),
                        Some("host_ip") => p.host_ip = spanned(value),
                        Some("protocol") => p.protocol = spanned(value),
                        Some("mode") => p.mode = spanned(value),
                        _ => {}
                    }
                }
                out.push(p);
                continue;
            }
            let Some(text) = item.as_str() else {
                continue;
            };
            let at = Verbatim::of(item, text);
            let parsed = syntax::short_port(text);
            let host_ip = parsed.host_ip.map(|r| {
                let mut ip = at.part(text, r);
                if let Some(inner) = ip.value.strip_prefix('[').and_then(|v| v.strip_suffix(']')) {
                    ip.value = inner.to_string();
                }
                ip
            });
            out.push(Port {
                span: item.span(),
                long: false,
                target: Some(at.part(text, parsed.target)),
                published: parsed.published.map(|r| at.part(text, r)),
                host_ip,
                protocol: parsed.protocol.map(|r| at.part(text, r)),
                mode: None,
                via_alias: item.via_alias(),
            });
        }
        out
    }

    fn depends_on(&mut self, node: Node<'_>, path: &str) -> Vec<Dependency> {
        let mut out = Vec::new();
        match shape(node) {
            Some(Shape::LIST) => {
                for (i, item) in node.items().into_iter().enumerate() {
                    let at = format!("{path}[{i}]");
                    if let (true, Some(service)) =
                        (self.check(item, Shape::SCALAR, &at), spanned(item))
                    {
                        out.push(Dependency {
                            service,
                            condition: None,
                            required: None,
                            restart: None,
                            span: item.span(),
                            via_alias: item.via_alias(),
                        });
                    }
                }
            }
            Some(Shape::MAP) => {
                for (key, value) in node.entries() {
                    let Some(service) = spanned(key) else {
                        continue;
                    };
                    let at = format!("{path}.{}", service.value);
                    let mut d = Dependency {
                        service,
                        condition: None,
                        required: None,
                        restart: None,
                        span: if value.is_null() {
                            key.span()
                        } else {
                            key.span().cover(value.span())
                        },
                        via_alias: via(Some(key), value),
                    };
                    if self.check(value, Shape::MAP, &at) {
                        for (k, v) in self.check_keys(value, keys::DEPENDS_ON_ENTRY, &at) {
                            match k.as_str() {
                                Some("condition") => d.condition = spanned(v),
                                Some("required") => d.required = flag(v),
                                Some("restart") => d.restart = flag(v),
                                _ => {}
                            }
                        }
                    }
                    out.push(d);
                }
            }
            _ => {}
        }
        out
    }

    fn healthcheck(&mut self, node: Node<'_>, path: &str) -> Option<Healthcheck> {
        if shape(node)? != Shape::MAP {
            return None;
        }
        let mut h = Healthcheck {
            span: node.span(),
            test: None,
            interval: None,
            timeout: None,
            retries: None,
            start_period: None,
            start_interval: None,
            disable: None,
            via_alias: node.via_alias(),
        };
        for (key, value) in self.check_keys(node, keys::HEALTHCHECK, path) {
            match key.as_str() {
                Some("test") => h.test = self.command(value, &format!("{path}.test"), true),
                Some("interval") => h.interval = spanned(value),
                Some("timeout") => h.timeout = spanned(value),
                Some("retries") => h.retries = spanned(value),
                Some("start_period") => h.start_period = spanned(value),
                Some("start_interval") => h.start_interval = spanned(value),
                Some("disable") => h.disable = flag(value),
                _ => {}
            }
        }
        Some(h)
    }

    fn deploy(&mut self, node: Node<'_>, path: &str) -> Option<Deploy> {
        if shape(node)? != Shape::MAP {
            return None;
        }
        let mut d = Deploy {
            span: node.span(),
            mode: None,
            replicas: None,
            limits: None,
            reservations: None,
            restart_policy: None,
        };
        for (key, value) in self.check_keys(node, keys::DEPLOY, path) {
            match key.as_str() {
                Some("mode") => d.mode = spanned(value),
                Some("replicas") => d.replicas = spanned(value),
                Some("resources") if shape(value) == Some(Shape::MAP) => {
                    let resources = |name: &str| {
                        let node = value.get(name).filter(|n| shape(*n) == Some(Shape::MAP))?;
                        Some(Resources {
                            span: node.span(),
                            cpus: node.get("cpus").and_then(spanned),
                            memory: node.get("memory").and_then(spanned),
                            pids: node.get("pids").and_then(spanned),
                        })
                    };
                    d.limits = resources("limits");
                    d.reservations = resources("reservations");
                }
                Some("restart_policy") if shape(value) == Some(Shape::MAP) => {
                    d.restart_policy = Some(RestartPolicy {
                        span: value.span(),
                        condition: value.get("condition").and_then(spanned),
                        max_attempts: value.get("max_attempts").and_then(spanned),
                        delay: value.get("delay").and_then(spanned),
                        window: value.get("window").and_then(spanned),
                    });
                }
                _ => {}
            }
        }
        Some(d)
    }

    fn service_resources(&mut self, node: Node<'_>, path: &str) -> Vec<ServiceResource> {
        if shape(node) != Some(Shape::LIST) {
            return Vec::new();
        }
        let mut out = Vec::new();
        for (i, item) in node.items().into_iter().enumerate() {
            let at = format!("{path}[{i}]");
            if !self.check(item, Shape::SCALAR_OR_MAP, &at) {
                continue;
            }
            if item.kind() == NodeKind::Mapping {
                let mut source = None;
                let mut target = None;
                for (key, value) in self.check_keys(item, keys::SERVICE_SECRET, &at) {
                    match key.as_str() {
                        Some("source") => source = spanned(value),
                        Some("target") => target = spanned(value),
                        _ => {}
                    }
                }
                if let Some(source) = source {
                    out.push(ServiceResource {
                        source,
                        target,
                        long: true,
                        span: item.span(),
                        via_alias: item.via_alias(),
                    });
                }
            } else if let Some(source) = spanned(item) {
                out.push(ServiceResource {
                    source,
                    target: None,
                    long: false,
                    span: item.span(),
                    via_alias: item.via_alias(),
                });
            }
        }
        out
    }

    fn service_networks(&mut self, node: Node<'_>, path: &str) -> Vec<ServiceNetwork> {
        let mut out = Vec::new();
        match shape(node) {
            Some(Shape::LIST) => {
                for (i, item) in node.items().into_iter().enumerate() {
                    let at = format!("{path}[{i}]");
                    if let (true, Some(name)) =
                        (self.check(item, Shape::SCALAR, &at), spanned(item))
                    {
                        out.push(ServiceNetwork {
                            span: name.span,
                            name,
                            aliases: Vec::new(),
                            via_alias: item.via_alias(),
                        });
                    }
                }
            }
            Some(Shape::MAP) => {
                for (key, value) in node.entries() {
                    let Some(name) = spanned(key) else {
                        continue;
                    };
                    let at = format!("{path}.{}", name.value);
                    let mut aliases = Vec::new();
                    if self.check(value, Shape::MAP, &at) {
                        if let Some(a) = value.get("aliases") {
                            if self.check(a, Shape::LIST, &format!("{at}.aliases")) {
                                aliases = self.strings(a, &format!("{at}.aliases"));
                            }
                        }
                    }
                    out.push(ServiceNetwork {
                        span: if value.is_null() {
                            key.span()
                        } else {
                            key.span().cover(value.span())
                        },
                        name,
                        aliases,
                        via_alias: via(Some(key), value),
                    });
                }
            }
            _ => {}
        }
        out
    }

    fn extends(&mut self, node: Node<'_>, path: &str) -> Option<Extends> {
        match shape(node)? {
            Shape::SCALAR => Some(Extends {
                service: spanned(node)?,
                file: None,
                span: node.span(),
            }),
            Shape::MAP => {
                let entries = self.check_keys(node, keys::EXTENDS, path);
                let get = |name: &str| {
                    entries
                        .iter()
                        .find(|(k, _)| k.as_str() == Some(name))
                        .and_then(|&(_, v)| spanned(v))
                };
                Some(Extends {
                    service: get("service")?,
                    file: get("file"),
                    span: node.span(),
                })
            }
            _ => None,
        }
    }

    fn logging(&mut self, node: Node<'_>, path: &str) -> Option<Logging> {
        if shape(node)? != Shape::MAP {
            return None;
        }
        let mut l = Logging {
            span: node.span(),
            driver: None,
            options: Vec::new(),
        };
        for (key, value) in self.check_keys(node, keys::LOGGING, path) {
            match key.as_str() {
                Some("driver") => l.driver = spanned(value),
                Some("options") => l.options = self.key_values(value, &format!("{path}.options")),
                _ => {}
            }
        }
        Some(l)
    }

    fn resources(
        &mut self,
        node: Node<'_>,
        section: &str,
        known: &'static [(&'static str, Shape)],
    ) -> Vec<Resource> {
        if shape(node) != Some(Shape::MAP) {
            return Vec::new();
        }
        let mut out = Vec::new();
        for (key, value) in node.entries() {
            let Some(name) = spanned(key) else {
                continue;
            };
            if is_extension(&name.value) {
                continue;
            }
            let path = format!("{section}.{}", name.value);
            let mut r = Resource {
                span: if value.is_null() {
                    key.span()
                } else {
                    value.span()
                },
                name,
                external: None,
                custom_name: None,
                driver: None,
                file: None,
                environment: None,
                content: None,
                via_alias: via(Some(key), value),
            };
            if self.check(value, Shape::MAP, &path) {
                for (k, v) in self.check_keys(value, known, &path) {
                    match k.as_str() {
                        Some("external") if v.kind() == NodeKind::Mapping => {
                            r.external = Some(Spanned::new(Some(true), v.span()))
                        }
                        Some("external") => r.external = flag(v),
                        Some("name") => r.custom_name = spanned(v),
                        Some("driver") => r.driver = spanned(v),
                        Some("file") => r.file = spanned(v),
                        Some("environment") => r.environment = spanned(v),
                        Some("content") if !v.is_null() => r.content = Some(v.span()),
                        _ => {}
                    }
                }
            }
            out.push(r);
        }
        out
    }

    fn includes(&mut self, node: Node<'_>, file: &mut ComposeFile) {
        if shape(node) != Some(Shape::LIST) {
            return;
        }
        for (i, item) in node.items().into_iter().enumerate() {
            let at = format!("include[{i}]");
            if !self.check(item, Shape::SCALAR_OR_MAP, &at) {
                continue;
            }
            let mut include = Include {
                span: item.span(),
                paths: Vec::new(),
                env_files: Vec::new(),
                project_directory: None,
            };
            if item.kind() == NodeKind::Mapping {
                for (key, value) in self.check_keys(item, keys::INCLUDE, &at) {
                    match key.as_str() {
                        Some("path") => include.paths = self.string_or_list(value, "include.path"),
                        Some("env_file") => {
                            include.env_files = self.string_or_list(value, "include.env_file")
                        }
                        Some("project_directory") => include.project_directory = spanned(value),
                        _ => {}
                    }
                }
            } else {
                include.paths = spanned(item).into_iter().collect();
            }
            file.include.push(include);
        }
    }
}

/// Whether `text` holds a `${…}` or `$VAR` expression (`$$` is a literal `$`).
fn has_expression(text: &str) -> bool {
    text.contains('$') && !interpolate::parse(text).is_literal()
}

/// Whether a literal short-syntax source is a host path, as Compose decides.
fn is_path(source: &str) -> bool {
    let bytes = source.as_bytes();
    match bytes.first() {
        Some(b'.' | b'/' | b'~') => true,
        Some(b'\\') => source.starts_with(r"\\"),
        Some(c) if c.is_ascii_alphabetic() => bytes.get(1) == Some(&b':'),
        _ => false,
    }
}

/// The mount type of a short-syntax source and whether it is interpolated (see [`Volume`]).
fn classify_source(source: &str) -> (VolumeType, bool) {
    let kind = |path: bool| {
        if path {
            VolumeType::Bind
        } else {
            VolumeType::Volume
        }
    };
    if !has_expression(source) {
        return (kind(is_path(source)), false);
    }
    let template = interpolate::parse(source);
    let Some(Piece::Expr(first)) = template.pieces.first() else {
        // Literal text first: it decides (`./data/${ENV}`, `data_${ENV}`).
        return (kind(is_path(source)), true);
    };
    let rest = &source[first.span.end..];
    if rest.contains('/') || rest.contains('\\') {
        return (VolumeType::Bind, true);
    }
    let default = first
        .operand
        .as_ref()
        .filter(|_| first.op.is_default())
        .and_then(|o| o.literal(source))
        .filter(|d| !d.is_empty());
    match default {
        Some(d) => (kind(is_path(&d)), true),
        None => (VolumeType::Bind, true),
    }
}
