use std::collections::{BTreeMap, HashSet};

use crate::rule::{Ctx, Rule};
use crate::source::{FileId, Span};

use super::{image_has_healthcheck, resolve_image, root_image, ImageRef, Stack};

crate::declare_rule! {
    /// ## What it does
    /// Reports a service that others wait for with `depends_on: {…: {condition:
    /// service_healthy}}` but that has no health check: none in any Compose definition of the
    /// service (its own, the services it `extends:`, the other files of its deployment), and
    /// none in its image. A dependency whose check is switched off (`healthcheck: {disable:
    /// true}`, `test: ["NONE"]`) is reported too. The finding is on the dependency's name, with
    /// the `depends_on` entries that wait for it as related locations; on the entry itself when
    /// the dependency is defined in another file.
    ///
    /// The image counts when shiplint can tell what it declares: the Dockerfile the service
    /// builds (its `HEALTHCHECK`, or that of the stages and the base image it starts from), or
    /// an upstream image known to ship one. Docker Official Images (`postgres`, `redis`,
    /// `rabbitmq`, …) declare none, so a dependency running one is reported as an error. For
    /// any other image — a vendor's image, one built from a Dockerfile outside the project, or
    /// one named through a variable the project does not set — the image may declare a check
    /// shiplint cannot see, and the finding is lowered to a warning.
    ///
    /// A dependency defined only by overlays (a definition with neither `image:` nor `build:`),
    /// whose base file is not in the project, is left alone.
    ///
    /// ## Why it matters
    /// Compose refuses to start the dependent service: `dependency failed to start: container
    /// db has no healthcheck configured`. `docker compose up` fails on every deploy, in every
    /// environment, until someone adds the check or drops the condition.
    ///
    /// ## Example
    /// ```yaml title="docker-compose.yml"
    /// services:
    ///   db:
    ///     image: postgres:16.4
    ///   backend:
    ///     image: registry.example.org/backend:1.4.2
    ///     depends_on:
    ///       db:
    ///         condition: service_healthy
    /// ```
    ///
    /// ## How to fix
    /// Give the dependency a health check:
    /// ```yaml title="docker-compose.yml"
    /// services:
    ///   db:
    ///     image: postgres:16.4
    ///     healthcheck:
    ///       test: ["CMD-SHELL", "pg_isready -U app"]
    ///   backend:
    ///     image: registry.example.org/backend:1.4.2
    ///     depends_on:
    ///       db:
    ///         condition: service_healthy
    /// ```
    /// Or, when nothing can tell that it is ready, wait only for it to start with
    /// `condition: service_started`.
    pub(crate) struct HealthyDependencyWithoutHealthcheck {
        code: "CMP023",
        name: "healthy-dependency-without-healthcheck",
        family: Compose,
        severity: Error,
        scope: ALL,
    }
}

/// What shiplint can tell about the health check of the image a service runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum ImageCheck {
    /// The image declares one (or is known to).
    Declared,
    /// The image declares none, with where that shows when the project has it: a Dockerfile
    /// with no `HEALTHCHECK` on an official base image, `HEALTHCHECK NONE`, or an official image.
    Missing(Option<(FileId, Span)>),
    /// The image is not one shiplint knows.
    Unknown,
}

/// Docker Official Images (`postgres`, `redis`) declare no `HEALTHCHECK`: the maintainers
/// leave checks to the user. Their repository has no namespace.
fn is_official(repository: &str) -> bool {
    !repository.is_empty()
        && !repository.contains('/')
        && repository
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

fn of_repository(repository: &str) -> ImageCheck {
    if image_has_healthcheck(repository) {
        ImageCheck::Declared
    } else if is_official(repository) || repository == "scratch" {
        ImageCheck::Missing(None)
    } else {
        ImageCheck::Unknown
    }
}

fn image_check(stack: &Stack<'_>, file: FileId, name: &str) -> ImageCheck {
    if let Some((dockerfile, stage)) = stack.built_stage(file, name) {
        // The last `HEALTHCHECK` of the stage or of the stages it is built from.
        let stages = stack
            .project
            .file(dockerfile)
            .model
            .dockerfile()
            .map(|m| m.stages.as_slice())
            .unwrap_or_default();
        let mut current = Some(stage);
        for _ in 0..=stages.len() {
            let Some(s) = current else { break };
            if let Some(h) = &s.healthcheck {
                return if h.none {
                    ImageCheck::Missing(Some((dockerfile, h.span)))
                } else {
                    ImageCheck::Declared
                };
            }
            current = s.parent.and_then(|p| stages.get(p));
        }
        let base = ImageRef::parse(&root_image(stack, dockerfile, stage));
        return match of_repository(&base.repository) {
            ImageCheck::Missing(_) => ImageCheck::Missing(Some((dockerfile, stage.from))),
            other => other,
        };
    }
    if stack.any(file, name, |s| s.build.is_some()) {
        // Built from a Dockerfile the project does not show.
        return ImageCheck::Unknown;
    }
    let Some((f, image)) = stack.image(file, name) else {
        return ImageCheck::Unknown;
    };
    match resolve_image(stack.project, f, &image.value, true) {
        Some(r) => of_repository(&r.image.repository),
        None => ImageCheck::Unknown,
    }
}

/// One dependency that cannot become healthy, with the services that wait for it.
struct Finding {
    why: String,
    related: Option<((FileId, Span), String)>,
    certain: bool,
    /// Each waiting service with its `depends_on` entry.
    waiting: Vec<(String, Span)>,
}

impl Rule for HealthyDependencyWithoutHealthcheck {
    fn check_project(&self, ctx: &mut Ctx<'_>) {
        let stack = Stack::new(ctx.project);
        let mut seen = HashSet::new();
        // By the file of the `depends_on` entries and the dependency's name.
        let mut findings: BTreeMap<(FileId, String), Finding> = BTreeMap::new();
        for (file, service) in ctx.project.index.services() {
            if !ctx.applies_to(stack.environment(file)) {
                continue;
            }
            let name = service.name.value.as_str();
            for dep in &service.depends_on {
                let healthy = dep
                    .condition
                    .as_ref()
                    .is_some_and(|c| c.value.trim() == "service_healthy");
                if !healthy || !seen.insert((file, dep.service.span)) {
                    continue;
                }
                let target = dep.service.value.as_str();
                let key = (file, target.to_string());
                if let Some(f) = findings.get_mut(&key) {
                    f.waiting.push((name.to_string(), dep.service.span));
                    continue;
                }
                let Some(mut finding) = unhealthy(&stack, file, target) else {
                    continue;
                };
                finding.waiting.push((name.to_string(), dep.service.span));
                findings.insert(key, finding);
            }
        }
        for ((file, target), finding) in findings {
            // At the dependency when this file defines it, where the check is missing.
            let defs = stack.definitions(file, &target);
            let own = defs
                .iter()
                .find(|(f, _)| *f == file)
                .map(|(_, s)| s.name.span);
            let elsewhere = defs.first().map(|(f, s)| (*f, s.name.span));
            let (first, first_span) = &finding.waiting[0];
            let waiting = match finding.waiting.len() {
                1 => format!("`{first}` waits"),
                2 => format!("`{first}` and `{}` wait", finding.waiting[1].0),
                n => format!("`{first}` and {} other services wait", n - 1),
            };
            let d = ctx
                .report(
                    file,
                    own.unwrap_or(*first_span),
                    format!(
                        "{waiting} for `{target}` to be healthy but {}: Compose refuses to start {}",
                        finding.why,
                        if finding.waiting.len() == 1 { format!("`{first}`") } else { "them".to_string() },
                    ),
                )
                .help(format!(
                    "give `{target}` a `healthcheck:` with a `test` that proves it is ready, or wait with `condition: service_started`"
                ));
            if own.is_some() {
                for (name, span) in &finding.waiting {
                    d.related(file, *span, format!("`{name}` waits for it here"));
                }
            } else if let Some((f, span)) = elsewhere {
                d.related(f, span, format!("`{target}` is defined here"));
            }
            if let Some(((f, span), message)) = finding.related {
                d.related(f, span, message);
            }
            if !finding.certain {
                let lowered = d.severity.lower();
                d.severity(lowered);
            }
        }
    }
}

/// Why the service `target` of `file`'s deployment cannot become healthy, if it cannot.
fn unhealthy(stack: &Stack<'_>, file: FileId, target: &str) -> Option<Finding> {
    let defs = stack.definitions(file, target);
    // Undefined (another rule's finding), or only overlays whose base is elsewhere.
    if !defs
        .iter()
        .any(|(_, s)| s.image.is_some() || s.build.is_some())
    {
        return None;
    }
    let disabled = defs.iter().find_map(|&(f, s)| {
        s.healthcheck
            .as_ref()
            .filter(|h| h.is_disabled())
            .map(|h| (f, h.span))
    });
    let checked = defs.iter().any(|(_, s)| {
        s.healthcheck
            .as_ref()
            .is_some_and(|h| h.test.is_some() && !h.is_disabled())
    });
    if disabled.is_none() && checked {
        return None;
    }
    let image = if disabled.is_some() {
        ImageCheck::Missing(None)
    } else {
        image_check(stack, file, target)
    };
    let (why, related, certain) = match (disabled, image) {
        (_, ImageCheck::Declared) => return None,
        (Some(at), _) => (
            "it switches its healthcheck off".to_string(),
            Some((at, "switched off here".to_string())),
            true,
        ),
        (None, ImageCheck::Missing(at)) => (
            "it has no healthcheck, nor does its image".to_string(),
            at.map(|at| {
                (
                    at,
                    format!("the image `{target}` runs declares no `HEALTHCHECK`"),
                )
            }),
            true,
        ),
        (None, ImageCheck::Unknown) => (
            "it has no healthcheck in the Compose files, and its image is not known to declare one"
                .to_string(),
            None,
            false,
        ),
    };
    Some(Finding {
        why,
        related,
        certain,
        waiting: Vec::new(),
    })
}

impl ImageCheck {
    #[cfg(test)]
    fn declared(self) -> bool {
        self == ImageCheck::Declared
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn official_images_are_known_to_lack_a_check_and_vendors_are_unknown() {
        assert_eq!(of_repository("postgres"), ImageCheck::Missing(None));
        assert_eq!(of_repository("redis"), ImageCheck::Missing(None));
        assert_eq!(of_repository("bitnami/postgresql"), ImageCheck::Unknown);
        assert_eq!(of_repository("ghcr.io/org/app"), ImageCheck::Unknown);
        assert!(of_repository("vaultwarden/server").declared());
        assert_eq!(of_repository("\u{0}app"), ImageCheck::Unknown);
    }
}
