use std::collections::HashSet;
use std::path::Path;

use crate::diagnostic::Severity;
use crate::discover;
use crate::project::Project;
use crate::rule::{Ctx, Rule};
use crate::source::{FileId, Span};

use super::{exists, Gitignores};

crate::declare_rule! {
    /// ## What it does
    /// Reports an `env_file:` of a service, or of an `include:` entry, naming a file that does
    /// not exist, unless the entry says `required: false`.
    ///
    /// A missing file that `.gitignore` lists is not reported: it is one each installation
    /// creates at deploy time, typically from a template. When an env template such as
    /// `.env.example` exists beside a missing file that is not gitignored, that workflow is
    /// meant too: the file is expected to be absent from the repository, so Compose failing
    /// without it is not the finding. What is left to say is that nothing keeps the file, once
    /// created, out of the repository: the finding is an info that names the template and
    /// says to gitignore the file.
    ///
    /// ## Why it matters
    /// Compose refuses to start the project when a required env file is missing, so the
    /// deploy fails on the server, often on a fresh one where nobody remembered to create it.
    /// A file that is neither in the repository nor gitignored has usually been renamed or
    /// moved without updating the Compose file; or it is created from a template on each server
    /// and, not being gitignored, will one day be committed with its secrets.
    ///
    /// ## Example
    /// ```yaml title="docker-compose.prod.yml"
    /// services:
    ///   app:
    ///     image: registry.example.org/app:1.4.2
    ///     env_file: env/app.env
    /// ```
    ///
    /// ## How to fix
    /// Point at the file that exists, gitignore the file if each installation creates it,
    /// or mark it optional when the service runs without it:
    /// ```yaml title="docker-compose.prod.yml"
    /// services:
    ///   app:
    ///     image: registry.example.org/app:1.4.2
    ///     env_file:
    ///       - path: env/app.env
    ///         required: false
    /// ```
    pub(crate) struct MissingEnvFile {
        code: "CMP006",
        name: "missing-env-file",
        family: Compose,
        severity: Error,
        scope: ALL,
    }
}

impl Rule for MissingEnvFile {
    fn check_project(&self, ctx: &mut Ctx<'_>) {
        let project = ctx.project;
        let index = &project.index;
        let mut gitignores = Gitignores::default();
        let mut seen: HashSet<(FileId, Span)> = HashSet::new();
        let mut missing = |ctx: &mut Ctx<'_>,
                           file: FileId,
                           written: &str,
                           span: Span,
                           path: &Path,
                           user: String,
                           optional: bool| {
            if exists(path)
                || !ctx.applies_to(project.file(file).source.environment)
                || !seen.insert((file, span))
                || gitignores.ignored(path, &project.root)
            {
                return;
            }
            let or_optional = if optional {
                ", or mark the entry `required: false` if the service runs without it"
            } else {
                ""
            };
            match template_for(project, path) {
                // Ex) `.env` with `.env.example` beside it: each installation creates it, and
                // only the missing `.gitignore` entry is left to say.
                Some(template) => {
                    let template = &project.file(template).source.display_path;
                    ctx.report(
                        file,
                        span,
                        format!("the env file `{written}` is created from `{template}` on each installation but .gitignore does not list it"),
                    )
                    .severity(Severity::Info)
                    .help(format!(
                        "list `{written}` in .gitignore so that the file, once created, is never committed with its secrets"
                    ));
                }
                None => {
                    ctx.report(
                        file,
                        span,
                        format!("the env file `{written}` does not exist: Compose refuses to start {user} without it"),
                    )
                    .help(format!("fix the path or add the file{or_optional}"));
                }
            }
        };
        for info in index.service_infos() {
            for env in &info.env_files {
                let (Some(path), None) = (&env.path, env.file) else {
                    continue;
                };
                if !env.reference.required {
                    continue;
                }
                missing(
                    ctx,
                    info.file,
                    &env.reference.path.value,
                    env.reference.path.span,
                    path,
                    format!("`{}`", info.name),
                    true,
                );
            }
        }
        for entry in index.compose_files() {
            // Relative to the file's project directory, as Compose resolves them.
            let dir = &entry.base_dir;
            for include in &entry.model.include {
                for env in &include.env_files {
                    if env.value.contains('$') {
                        continue;
                    }
                    let path = discover::normalize(&dir.join(&env.value));
                    if index.env_file_at(&path).is_some() {
                        continue;
                    }
                    missing(
                        ctx,
                        entry.file,
                        &env.value,
                        env.span,
                        &path,
                        "the included services".to_string(),
                        false,
                    );
                }
            }
        }
    }
}

/// An env template beside `missing` that it would be created from: `.env.example` or
/// `env.sample` for `.env`, `app.env.example` for `app.env`.
fn template_for(project: &Project, missing: &Path) -> Option<FileId> {
    let dir = missing.parent()?;
    let name = template_stem(&missing.file_name()?.to_string_lossy());
    project.index.env_templates().iter().copied().find(|&t| {
        let path = discover::normalize(&project.file(t).source.path);
        path.parent() == Some(dir)
            && path
                .file_name()
                .is_some_and(|n| template_stem(&n.to_string_lossy()) == name)
    })
}

/// A file name without template markers and leading dots: `.env.example`, `env.sample` and
/// `.env` are all `env`.
fn template_stem(name: &str) -> String {
    let mut stem = name.to_ascii_lowercase();
    for marker in ["example", "sample", "template", "dist", "tpl"] {
        for sep in ['.', '-', '_'] {
            stem = stem.replace(&format!("{sep}{marker}"), "");
        }
        if let Some(rest) = stem.strip_prefix(&format!("{marker}.")) {
            stem = rest.to_string();
        }
    }
    stem.trim_start_matches('.').to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::Severity;
    use crate::engine::{self, RunOptions};

    /// The severity and message of each finding on a project written to a temporary folder.
    fn findings(files: &[(&str, &str)]) -> Vec<(Severity, String)> {
        let dir = tempfile::tempdir().unwrap();
        for (path, text) in files {
            std::fs::write(dir.path().join(path), text).unwrap();
        }
        let options = RunOptions {
            paths: vec![dir.path().to_path_buf()],
            stdin: None,
            config: Default::default(),
            rules: vec![&MissingEnvFile],
            size_limit: engine::DEFAULT_SIZE_LIMIT,
            cwd: dir.path().to_path_buf(),
        };
        let outcome = engine::run(&options).unwrap();
        outcome
            .diagnostics
            .iter()
            .map(|d| (d.severity, d.message.clone()))
            .collect()
    }

    const COMPOSE: &str = "services:\n  web:\n    image: app:1.2\n    env_file: .env\n";

    #[test]
    fn a_missing_env_file_without_template_stops_compose() {
        let found = findings(&[("docker-compose.prod.yml", COMPOSE)]);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].0, Severity::Error);
        assert!(found[0].1.contains("Compose refuses to start `web`"));
    }

    #[test]
    fn a_missing_env_file_with_a_template_is_an_info_naming_the_template() {
        let found = findings(&[
            ("docker-compose.prod.yml", COMPOSE),
            (".env.example", "SECRET_KEY=\n"),
        ]);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].0, Severity::Info);
        assert!(found[0].1.contains("created from `.env.example`"));
        assert!(!found[0].1.contains("refuses"));
    }

    #[test]
    fn a_gitignored_env_file_with_a_template_is_not_reported() {
        let found = findings(&[
            ("docker-compose.prod.yml", COMPOSE),
            (".env.example", "SECRET_KEY=\n"),
            (".gitignore", ".env\n"),
        ]);
        assert!(found.is_empty());
    }

    #[test]
    fn template_stems_match_the_file_they_are_a_template_of() {
        assert_eq!(template_stem(".env.example"), template_stem(".env"));
        assert_eq!(template_stem("env.sample"), template_stem(".env"));
        assert_eq!(template_stem("app.env.dist"), template_stem("app.env"));
        assert_eq!(template_stem("example.env"), "env");
        assert_ne!(
            template_stem(".env.production.example"),
            template_stem(".env")
        );
    }
}
