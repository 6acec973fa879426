use std::collections::BTreeMap;

use crate::rule::{Ctx, Rule};
use crate::source::{FileId, Span};

use super::{resolve_image, Pin, ResolvedImage, Stack};

crate::declare_rule! {
    /// ## What it does
    /// Reports a service that runs a pulled image (it builds nothing) without pinning a
    /// version: no tag (`image: postgres`, which Compose reads as `latest`), `:latest`, a tag
    /// with no version in it (`postgres:alpine`, `nginx:stable`, `app:nightly`), or a tag that
    /// falls back to one of these when a variable is unset (`postgres:${PG_TAG:-latest}`).
    /// Variables are resolved from the `.env` Compose reads when the project has one. A digest
    /// (`@sha256:…`) or any tag with a version number is a pin.
    ///
    /// Images the deployment builds are [CMP012](CMP012.md)'s concern, also where another
    /// service runs them: the fix differs, a tag naming the commit.
    /// Only production and staging files are checked: demos, local stacks and installers that
    /// track upstream releases on purpose use floating tags, and a file of unknown environment
    /// does not say which it is. A `docker-compose.yml` whose services run with production
    /// settings (`NODE_ENV=production`, a `.production` settings module) is a production file.
    ///
    /// ## Why it matters
    /// A floating tag is resolved again whenever the image is pulled: on a new server, after a
    /// `docker compose pull`, or when the old image was pruned. The stack then runs a version
    /// nobody tested, sometimes a new major one — PostgreSQL refuses to start on a data folder
    /// written by the previous major version, and an application image can change its
    /// configuration format under you. Two servers deployed a week apart run different code from
    /// the same file, and rolling back means guessing what "latest" was.
    ///
    /// ## Example
    /// ```yaml title="docker-compose.prod.yml"
    /// services:
    ///   db:
    ///     image: postgres:alpine
    ///   cache:
    ///     image: redis
    /// ```
    ///
    /// ## How to fix
    /// Pin the version you tested (a digest pins it byte for byte), and upgrade on purpose:
    /// ```yaml title="docker-compose.prod.yml"
    /// services:
    ///   db:
    ///     image: postgres:16.4-alpine
    ///   cache:
    ///     image: redis:7.4.1
    /// ```
    pub(crate) struct UnpinnedImage {
        code: "CMP013",
        name: "unpinned-image",
        family: Compose,
        severity: Warning,
        scope: DEPLOYED_ONLY,
    }
}

impl Rule for UnpinnedImage {
    fn check_project(&self, ctx: &mut Ctx<'_>) {
        let stack = Stack::new(ctx.project);
        // One finding per `image:` value, naming every service that runs it (an anchor can give
        // one image to many services).
        let mut found: BTreeMap<(FileId, Span), (ResolvedImage<'_>, bool, Vec<String>)> =
            BTreeMap::new();
        for (file, service) in ctx.project.index.services() {
            let Some(image) = &service.image else {
                continue;
            };
            if !stack.judged(ctx, file) {
                continue;
            }
            let name = service.name.value.as_str();
            if stack.any(file, name, |s| s.build.is_some()) {
                continue;
            }
            if let Some((_, _, services)) = found.get_mut(&(file, image.span)) {
                services.push(name.to_string());
                continue;
            }
            let Some(resolved) = resolve_image(ctx.project, file, &image.value, true) else {
                continue;
            };
            let pin = resolved.image.pin();
            if pin.is_pinned() || stack.builder_of(file, &resolved.image.repository).is_some() {
                continue;
            }
            let literal = resolve_image(ctx.project, file, &image.value, false)
                .is_some_and(|r| r.image.pin() == pin);
            found.insert(
                (file, image.span),
                (resolved, literal, vec![name.to_string()]),
            );
        }
        for ((file, span), (resolved, literal, services)) in found {
            let shown = resolved.display();
            let who = match services.len() {
                1 => format!("`{}`", services[0]),
                2 => format!("`{}` and `{}`", services[0], services[1]),
                n => format!("`{}` and {} other services", services[0], n - 1),
            };
            let what = match resolved.image.pin() {
                Pin::Untagged => format!("`{shown}` with no tag, which pulls `latest`"),
                Pin::Latest => format!("`{shown}`"),
                _ => format!("`{shown}`, a tag that follows new releases"),
            };
            let when = if literal || resolved.fallbacks.is_empty() {
                String::new()
            } else {
                format!(" when `{}` is unset", resolved.fallbacks.join("`, `"))
            };
            let verb = if services.len() == 1 { "runs" } else { "run" };
            let d = ctx
                .report(
                    file,
                    span,
                    format!("{who} {verb} {what}{when}: a pull can bring in an untested version"),
                )
                .help(format!(
                    "pin the version you tested: `{}:<version>` or a `@sha256:` digest",
                    resolved.image.repository
                ));
            for a in &resolved.assignments {
                d.related(a.file, a.line_span, "the value comes from here");
            }
        }
    }
}
