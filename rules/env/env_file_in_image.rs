use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use ignore::gitignore::GitignoreBuilder;

use crate::discover::{environment_of, kind_from_name, normalize};
use crate::kind::FileKind;
use crate::rule::{Ctx, Rule};
use crate::source::{FileId, Span};

crate::declare_rule! {
    /// ## What it does
    /// Reports a real env file (`.env`, `.env.production` — not a template) inside the build
    /// context of a Compose service whose Dockerfile copies the whole context into the final
    /// image (`COPY . .`), when the context's `.dockerignore` does not exclude it. The finding
    /// is after the last line of the `.dockerignore`, where the pattern belongs; the `COPY`
    /// and the env file are related locations.
    ///
    /// Env files are looked for among the project's files and, because they are usually
    /// git-ignored and so not part of the checked tree, at the top of the build context on
    /// disk. A context with no `.dockerignore` at all is `missing-dockerignore`'s (DKR001).
    /// Development and test env files (`.env.dev`, `.env.test`) are not reported.
    ///
    /// ## Why it matters
    /// `docker compose up --build` on a server, or a build on a developer's machine, sends the
    /// whole folder — the real `.env` with the database password and signing key included —
    /// to the builder, and `COPY . .` puts it in a layer of the image. Anyone who can pull the
    /// image can read it, for as long as the image exists, and the application may even load
    /// it and override the values the deployment passes.
    ///
    /// ## Example
    /// A service builds `.` with a Dockerfile ending in `COPY . /app`, the folder holds
    /// `.env`, and the `.dockerignore` lists only:
    /// ```text
    /// .git
    /// node_modules
    /// ```
    ///
    /// ## How to fix
    /// Exclude env files from the build context, keeping the templates if the image needs them:
    /// ```text
    /// .git
    /// node_modules
    /// .env*
    /// !.env.example
    /// ```
    pub(crate) struct EnvFileInImage {
        code: "ENV021",
        name: "env-file-in-image",
        family: Env,
        severity: Warning,
        scope: NOT_DEVELOPMENT,
    }
}

/// Whether a `COPY`/`ADD` source is the whole build context.
fn is_whole_context(source: &str) -> bool {
    matches!(source, "." | "./" | "./." | "*" | "./*")
}

/// The real env files inside `context`: the project's, and those at its top on disk.
fn env_files_in(ctx: &Ctx<'_>, context: &Path) -> BTreeSet<PathBuf> {
    let mut out = BTreeSet::new();
    for f in ctx.project.files_of_kind(FileKind::Env) {
        let path = normalize(&f.source.path);
        if path.starts_with(context) {
            out.insert(path);
        }
    }
    if let Ok(entries) = std::fs::read_dir(context) {
        for entry in entries.flatten().take(10_000) {
            let name = entry.file_name();
            let is_file = entry.file_type().is_ok_and(|t| t.is_file());
            if is_file && kind_from_name(Path::new(&name)) == Some(FileKind::Env) {
                out.insert(normalize(&entry.path()));
            }
        }
    }
    out
}

impl Rule for EnvFileInImage {
    fn check_project(&self, ctx: &mut Ctx<'_>) {
        let project = ctx.project;
        let mut reported: BTreeSet<(FileId, PathBuf)> = BTreeSet::new();
        for info in project.index.service_infos() {
            let (Some(context), Some(dockerfile), Some(ignore_file)) =
                (&info.context_dir, info.dockerfile, info.dockerignore)
            else {
                continue;
            };
            let Some(model) = project.file(dockerfile).model.dockerfile() else {
                continue;
            };
            let Some(copy) = model.final_stage().and_then(|stage| {
                stage
                    .copies
                    .iter()
                    .find(|c| c.from.is_none() && c.sources.iter().any(|s| is_whole_context(s)))
            }) else {
                continue;
            };
            let ignore_source = &project.file(ignore_file).source;
            let mut builder = GitignoreBuilder::new(context);
            for line in ignore_source.text.lines() {
                let line = line.trim();
                let line = line
                    .strip_prefix("./")
                    .or_else(|| line.strip_prefix('/'))
                    .unwrap_or(line);
                let _ = builder.add_line(None, line);
            }
            let Ok(matcher) = builder.build() else {
                continue;
            };
            for path in env_files_in(ctx, context) {
                let Ok(rel) = path.strip_prefix(context) else {
                    continue;
                };
                let environment = environment_of(rel, FileKind::Env);
                if !ctx.applies_to(environment)
                    || matcher
                        .matched_path_or_any_parents(&path, false)
                        .is_ignore()
                    || !reported.insert((ignore_file, path.clone()))
                {
                    continue;
                }
                let shown = rel.to_string_lossy().replace('\\', "/");
                let end = ignore_source.text.trim_end().len();
                let d = ctx
                    .report_as(ignore_file, Span::empty(end), format!(
                            "`{shown}` is not excluded from the build context of `{}`, whose Dockerfile copies the whole context: the image carries its values",
                            info.name
                        ), environment)
                    .help("add `.env*` to this `.dockerignore` (and `!.env.example` if the image needs the template)");
                d.related(dockerfile, copy.span, "copies the whole build context");
                if let Some(file) = project.index.file_at(&path) {
                    d.related(file, Span::empty(0), "the env file");
                }
            }
        }
    }
}
