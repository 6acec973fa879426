use std::collections::HashSet;

use crate::parse::compose::Spanned;
use crate::rule::{Ctx, Rule};
use crate::source::{FileId, Span};

use super::{may_combine_with_unseen_file, near_miss, ComposeGroups};

crate::declare_rule! {
    /// ## What it does
    /// Reports a service reference that names no service: a `depends_on:` entry (unless it
    /// says `required: false`), a `volumes_from:` entry or a `network_mode: service:…`. Services
    /// of the files included with `include:`, of the file including this one, and of the other
    /// Compose files in the same folder (overlays combined with `-f`) count as defined. When a
    /// defined service is one typo away, the finding points at it.
    ///
    /// Only such typos are reported in files Compose may combine with one the repository does
    /// not show: a default file (`compose.yaml`, `docker-compose.yml`) whose override file is
    /// not in the repository — Compose loads `compose.override.yaml` automatically, and some
    /// projects have each installation write it — and an overlay whose services lack an
    /// `image` or `build`, which is combined with a base file found elsewhere.
    ///
    /// ## Why it matters
    /// Compose refuses to start the project ("depends on undefined service"). The usual cause is
    /// a service renamed in one place and not the other, or an overlay that refers to a service
    /// of a base file that is not deployed with it: either way the deploy fails on the server.
    ///
    /// ## Example
    /// ```yaml title="docker-compose.prod.yml"
    /// services:
    ///   app:
    ///     image: registry.example.org/app:1.4.2
    ///     depends_on:
    ///       - postgres
    ///   db:
    ///     image: postgres:16
    /// ```
    ///
    /// ## How to fix
    /// Name the service as it is defined:
    /// ```yaml title="docker-compose.prod.yml"
    /// services:
    ///   app:
    ///     image: registry.example.org/app:1.4.2
    ///     depends_on:
    ///       - db
    ///   db:
    ///     image: postgres:16
    /// ```
    pub(crate) struct UndefinedService {
        code: "CMP008",
        name: "undefined-service",
        family: Compose,
        severity: Error,
        scope: ALL,
    }
}

impl Rule for UndefinedService {
    fn check_project(&self, ctx: &mut Ctx<'_>) {
        let project = ctx.project;
        let index = &project.index;
        let groups = ComposeGroups::of(project);
        let mut seen: HashSet<(FileId, Span)> = HashSet::new();
        for (file, service) in index.services() {
            if !ctx.applies_to(project.file(file).source.environment) {
                continue;
            }
            // (the name, its span, how the service refers to it)
            let mut refs: Vec<(String, Span, &str)> = Vec::new();
            for dep in &service.depends_on {
                if dep
                    .required
                    .as_ref()
                    .is_some_and(|r| r.value == Some(false))
                {
                    continue;
                }
                refs.push((dep.service.value.clone(), dep.service.span, "depends on"));
            }
            for from in &service.volumes_from {
                if let Some(name) = volumes_from_service(from) {
                    refs.push((name, from.span, "mounts the volumes of"));
                }
            }
            if let Some(mode) = &service.network_mode {
                if let Some(name) = mode.value.strip_prefix("service:") {
                    refs.push((name.to_string(), mode.span, "shares the network of"));
                }
            }
            for (name, span, how) in refs {
                if name.is_empty() || name.contains('$') {
                    continue;
                }
                let defined = groups
                    .members(index, file)
                    .any(|member| index.service(member, &name).is_some());
                if defined || !seen.insert((file, span)) {
                    continue;
                }
                let candidates: Vec<(FileId, &Spanned<String>)> = groups
                    .members(index, file)
                    .flat_map(|member| {
                        index.compose(member).into_iter().flat_map(move |e| {
                            e.model.services.iter().map(move |s| (member, &s.name))
                        })
                    })
                    .collect();
                let near = near_miss(&name, candidates.iter().map(|(_, n)| n.value.as_str()))
                    .and_then(|n| candidates.iter().find(|(_, c)| c.value == n));
                // Only a typo is certain when another file may define the service.
                if near.is_none() && may_combine_with_unseen_file(project, file) {
                    continue;
                }
                let d = ctx.report(
                    file,
                    span,
                    format!(
                        "`{}` {how} `{name}`, which no service of this project defines: Compose refuses to start it",
                        service.name.value
                    ),
                );
                match near {
                    Some((at, n)) => {
                        d.help(format!("did you mean `{}`?", n.value)).related(
                            *at,
                            n.span,
                            format!("the service `{}` is defined here", n.value),
                        );
                    }
                    None => {
                        d.help(format!(
                            "define the service `{name}`, or remove the reference if it is deployed separately"
                        ));
                    }
                }
            }
        }
    }
}

/// The service a `volumes_from:` entry names: `web`, `web:ro`, `service:web:rw`; `None` for
/// `container:name`.
fn volumes_from_service(from: &Spanned<String>) -> Option<String> {
    let value = from.value.as_str();
    if value.starts_with("container:") {
        return None;
    }
    let value = value.strip_prefix("service:").unwrap_or(value);
    Some(value.split(':').next().unwrap_or_default().to_string())
}
