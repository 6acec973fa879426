use std::collections::HashSet;

use crate::parse::compose::Service;
use crate::rule::{Ctx, Rule};
use crate::source::{FileId, Span};

use super::{resolve_image, Pin, Stack};

crate::declare_rule! {
    /// ## What it does
    /// Reports a service built from source whose image name does not change with the source:
    /// `image: app:latest`, an `image:` with no tag or a tag without a version (`app:prod`), a
    /// tag that falls back to one of these when a variable is unset (`app:${TAG:-latest}`), and,
    /// in production and staging files, a `build:` with no `image:` at all (Compose then names
    /// the image `<project>-<service>:latest`). A service that builds nothing but runs the image
    /// another service builds is judged the same way.
    ///
    /// Variables are resolved from the `.env` Compose reads when the project has one.
    /// `pull_policy: build`, which rebuilds on every `up`, is accepted in place of an `image:`.
    /// In a file of unknown environment only an explicit `latest` (written, or as the
    /// fallback) is reported: there a bare name may just name a local build.
    ///
    /// Files of unknown environment that say they are for development (`NODE_ENV=development`,
    /// a `.dev` settings module, a `development` build target, `runserver`, `sleep infinity`)
    /// are left alone.
    ///
    /// ## Why it matters
    /// `docker compose up -d` builds an image only when none of that name exists: with a fixed
    /// name, a server keeps running whatever it built last, and nobody can say which commit that
    /// was. This is the "configuration drift" audits keep finding — a container running code
    /// older than the repository, missing an application the source already installs, with no
    /// way to tell from the image which version is live or to roll back to the previous one.
    ///
    /// ## Example
    /// ```yaml title="docker-compose.prod.yml"
    /// services:
    ///   backend:
    ///     build: ./backend
    ///     image: shop-backend:latest
    ///   worker:
    ///     build: ./backend
    ///     image: shop-backend:${TAG:-latest}
    /// ```
    ///
    /// ## How to fix
    /// Tag the image with something that names the source, and require it:
    /// ```yaml title="docker-compose.prod.yml"
    /// services:
    ///   backend:
    ///     build: ./backend
    ///     image: registry.example.org/shop-backend:${GIT_SHA:?set GIT_SHA to the commit}
    ///   worker:
    ///     build: ./backend
    ///     image: registry.example.org/shop-backend:${GIT_SHA:?set GIT_SHA to the commit}
    /// ```
    /// Build and push in CI, then deploy that exact tag.
    pub(crate) struct UntraceableBuildImage {
        code: "CMP012",
        name: "untraceable-build-image",
        family: Compose,
        severity: Warning,
        scope: DEPLOYED,
    }
}

const HELP: &str = "tag the image with the commit or release it is built from, and require the variable: `image: <registry>/<name>:${GIT_SHA:?}`";

impl UntraceableBuildImage {
    /// A service that builds nothing but runs the image another service builds
    /// (`image: shop:latest` beside `build: .` + `image: shop:latest`).
    fn check_runner(
        &self,
        ctx: &mut Ctx<'_>,
        stack: &Stack<'_>,
        file: FileId,
        service: &Service,
        seen: &mut HashSet<(FileId, Span)>,
    ) {
        let Some(image) = &service.image else { return };
        let name = service.name.value.as_str();
        if !stack.judged(ctx, file) || stack.any(file, name, |s| s.build.is_some()) {
            return;
        }
        let Some(resolved) = resolve_image(ctx.project, file, &image.value, true) else {
            return;
        };
        let Some((builder_file, builder)) = stack.builder_of(file, &resolved.image.repository)
        else {
            return;
        };
        let pin = resolved.image.pin();
        let judged = stack.environment(file).is_deployed() || pin == Pin::Latest;
        if pin.is_pinned() || !judged || !seen.insert((file, image.span)) {
            return;
        }
        let builder_image = builder.image.as_ref().map_or(image.span, |i| i.span);
        ctx.report(
            file,
            image.span,
            format!(
                "`{name}` runs `{}`, which `{}` builds from source: nothing tells which commit it holds",
                resolved.display(),
                builder.name.value
            ),
        )
        .help(HELP)
        .related(builder_file, builder_image, "built here");
    }
}

impl Rule for UntraceableBuildImage {
    fn check_project(&self, ctx: &mut Ctx<'_>) {
        let stack = Stack::new(ctx.project);
        let mut seen = HashSet::new();
        for (file, service) in ctx.project.index.services() {
            let Some(build) = &service.build else {
                self.check_runner(ctx, &stack, file, service, &mut seen);
                continue;
            };
            let env = stack.environment(file);
            if !stack.judged(ctx, file) {
                continue;
            }
            let name = service.name.value.as_str();
            let Some((image_file, image)) = stack.image(file, name) else {
                let rebuilds = stack.any(file, name, |s| {
                    s.pull_policy
                        .as_ref()
                        .is_some_and(|p| p.value.eq_ignore_ascii_case("build"))
                });
                if env.is_deployed() && !rebuilds && seen.insert((file, build.span)) {
                    ctx.report(
                        file,
                        build.span,
                        format!(
                            "`{name}` is built with no `image:` name: a later `up` reuses whatever image was built last, and nothing tells which commit it holds"
                        ),
                    )
                    .help(HELP);
                }
                continue;
            };
            let Some(resolved) = resolve_image(ctx.project, image_file, &image.value, true) else {
                continue;
            };
            let pin = resolved.image.pin();
            // A bare name (`image: app`) in a file that may be a local stack only names the
            // build; an explicit `latest` is meant as the version.
            let judged = stack.environment(image_file).is_deployed() || pin == Pin::Latest;
            if pin.is_pinned() || !judged || !seen.insert((image_file, image.span)) {
                continue;
            }
            let literal = resolve_image(ctx.project, image_file, &image.value, false)
                .is_some_and(|r| r.image.pin() == pin);
            let shown = resolved.display();
            let what = match pin {
                Pin::Untagged => format!("`{shown}` with no tag, which is `latest`"),
                Pin::Latest => format!("`{shown}`"),
                _ => format!("`{shown}`, a tag that names no version"),
            };
            let message = if literal || resolved.fallbacks.is_empty() {
                format!("`{name}` is built from source but tagged {what}: nothing tells which commit the running image holds")
            } else {
                format!(
                    "`{name}` is built from source and tagged {what} when `{}` is unset: nothing tells which commit the running image holds",
                    resolved.fallbacks.join("`, `")
                )
            };
            let d = ctx.report(image_file, image.span, message).help(HELP);
            for a in &resolved.assignments {
                d.related(a.file, a.line_span, "the value comes from here");
            }
        }
    }
}
