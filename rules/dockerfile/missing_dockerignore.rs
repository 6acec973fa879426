use std::path::Path;

use crate::discover;
use crate::index::ServiceInfo;
use crate::kind::FileKind;
use crate::project::{ParsedFile, Project};
use crate::rule::{Ctx, Rule};

crate::declare_rule! {
    /// ## What it does
    /// Reports a Dockerfile that copies its whole build context (`COPY . .`, `ADD . /app`)
    /// when the context has no `.dockerignore` (nor a `<Dockerfile>.dockerignore` beside the
    /// Dockerfile). The context is the one Compose files build the Dockerfile with, else the
    /// Dockerfile's folder.
    ///
    /// ## Why it matters
    /// Everything in the folder goes into the image: `.git` with its history, `.env` files
    /// with real secrets, local virtualenvs and `node_modules` built for another system, test
    /// data, editor files. The image grows, every change to any file invalidates the build
    /// cache from that line on, and the secrets ship to every registry and server the image
    /// reaches, readable by anyone who can pull it.
    ///
    /// ## Example
    /// ```dockerfile title="Dockerfile"
    /// FROM python:3.12-slim
    /// WORKDIR /app
    /// COPY . .
    /// CMD ["gunicorn", "app.wsgi"]
    /// ```
    ///
    /// ## How to fix
    /// Add a `.dockerignore` beside the Dockerfile that leaves out what the image does not
    /// need:
    /// ```text
    /// .git
    /// .env*
    /// **/__pycache__
    /// .venv
    /// node_modules
    /// ```
    /// or copy only what the image needs (`COPY src/ ./src/`).
    pub(crate) struct MissingDockerignore {
        code: "DKR001",
        name: "missing-dockerignore",
        family: Dockerfile,
        severity: Warning,
        scope: NOT_DEVELOPMENT,
    }
}

/// Whether the project has `dir/.dockerignore` or `<dockerfile>.dockerignore`. Files are
/// matched by path whatever kind discovery gave them (a `Dockerfile.dockerignore` can pass
/// for a Dockerfile by its name).
fn has_dockerignore(project: &Project, dir: &Path, dockerfile: &Path) -> bool {
    let mut own = dockerfile.as_os_str().to_owned();
    own.push(".dockerignore");
    let own = discover::normalize(Path::new(&own));
    let at_root = discover::normalize(&dir.join(".dockerignore"));
    project.files().any(|f| {
        let p = discover::normalize(&f.source.path);
        p == own || p == at_root
    })
}

impl Rule for MissingDockerignore {
    fn check_file(&self, file: &ParsedFile, ctx: &mut Ctx<'_>) {
        if file.source.kind != FileKind::Dockerfile || !ctx.applies_to(file.source.environment) {
            return;
        }
        let Some(model) = file.model.dockerfile() else {
            return;
        };
        let whole = model.stages.iter().flat_map(|s| &s.copies).find(|c| {
            c.from.is_none()
                && c.sources
                    .iter()
                    .any(|s| matches!(s.as_str(), "." | "./" | "./." | "*" | "./*"))
        });
        let Some(copy) = whole else {
            return;
        };
        let index = &ctx.project.index;
        let path = discover::normalize(&file.source.path);
        let builds: Vec<_> = index
            .service_infos()
            .iter()
            .filter(|s| s.dockerfile == Some(file.id))
            .collect();
        let unignored = |s: &ServiceInfo| {
            s.dockerignore.is_none()
                && !s
                    .context_dir
                    .as_ref()
                    .is_some_and(|dir| has_dockerignore(ctx.project, dir, &path))
        };
        let missing = if builds.is_empty() {
            let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
            !has_dockerignore(ctx.project, &dir, &path)
        } else {
            builds.iter().any(|s| unignored(s))
        };
        if !missing {
            return;
        }
        let d = ctx
            .report(
                file.id,
                copy.span,
                "the whole build context is copied into the image and the context has no `.dockerignore`: `.git`, `.env` files and local build output go in too",
            )
            .help("add a `.dockerignore` at the root of the build context (`.git`, `.env*`, virtualenvs, `node_modules`, …), or copy only what the image needs");
        for s in builds.iter().filter(|s| unignored(s)) {
            if let Some(build) = s.service().build.as_ref() {
                d.related(
                    s.file,
                    build.context.as_ref().map_or(build.span, |c| c.span),
                    format!("`{}` builds it with this context", s.name),
                );
            }
        }
    }
}
