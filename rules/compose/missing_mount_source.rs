use std::collections::HashSet;
use std::path::{Path, PathBuf};

use crate::discover;
use crate::parse::compose::{ResourceKind, Volume, VolumeType};
use crate::parse::yaml::YamlFile;
use crate::rule::{Ctx, Rule};
use crate::source::{FileId, Span};

use super::{exists, Gitignores};

crate::declare_rule! {
    /// ## What it does
    /// Reports a host path that a Compose file mounts — a bind-mount source, or the `file:` of
    /// a secret or config — that does not exist and that `.gitignore` does not list. The paths
    /// checked:
    ///
    /// - the source of a `type: bind` volume in the long syntax (without
    ///   `bind.create_host_path: true`);
    /// - the source of a short-syntax bind mount (`./nginx.conf:/etc/nginx/nginx.conf`) that is
    ///   a file — its name or the target's has an extension — or that is mounted read-only;
    /// - the `file:` of a top-level secret or config.
    ///
    /// Relative paths resolve against the Compose file's folder (or the `project_directory` of
    /// the `include:` that loads it). Absolute host paths (`/var/run/docker.sock`,
    /// `/etc/localtime`), paths under `~` and interpolated paths are host facts shiplint cannot
    /// see and are not checked. A missing folder mounted read-write in the short syntax is not
    /// reported either: Docker creates it, which is how data folders usually come to be.
    ///
    /// ## Why it matters
    /// For a missing short-syntax source, Docker creates an empty folder in its place: a
    /// container that expected its `nginx.conf` gets a folder instead and fails to start, or
    /// runs with an empty configuration. A missing long-syntax bind source or secret file makes
    /// Compose refuse to start the service. Files each installation creates (certificates,
    /// secret files) belong in `.gitignore`, which also tells shiplint that their absence from
    /// the repository is expected.
    ///
    /// ## Example
    /// ```yaml title="docker-compose.prod.yml"
    /// services:
    ///   proxy:
    ///     image: nginx:1.27
    ///     volumes:
    ///       - ./nginx/default.conf:/etc/nginx/conf.d/default.conf:ro
    ///     secrets: [tls_key]
    /// secrets:
    ///   tls_key:
    ///     file: ./secrets/tls.key
    /// ```
    ///
    /// ## How to fix
    /// Commit the files the repository should provide (`nginx/default.conf`), fix paths that
    /// moved, and list in `.gitignore` the files each installation creates, so that they are
    /// never committed by mistake:
    /// ```gitignore
    /// # Created on each server before the first deploy.
    /// /secrets/
    /// ```
    pub(crate) struct MissingMountSource {
        code: "CMP007",
        name: "missing-mount-source",
        family: Compose,
        severity: Error,
        scope: ALL,
    }
}

impl Rule for MissingMountSource {
    fn check_project(&self, ctx: &mut Ctx<'_>) {
        let project = ctx.project;
        let mut gitignores = Gitignores::default();
        let mut seen: HashSet<(FileId, Span)> = HashSet::new();
        for entry in project.index.compose_files() {
            let file = project.file(entry.file);
            if !ctx.applies_to(file.source.environment) {
                continue;
            }
            let Some(yaml) = file.model.yaml() else {
                continue;
            };
            let base = &entry.base_dir;
            let mut missing = |path: &Path, span: Span| {
                !exists(path)
                    && seen.insert((entry.file, span))
                    && !gitignores.ignored(path, &project.root)
            };
            for service in &entry.model.services {
                for v in &service.volumes {
                    let Some((path, why)) = checked_source(v, base, yaml, &service.name.value)
                    else {
                        continue;
                    };
                    let source = v.source.as_ref().expect("checked sources have one");
                    if missing(&path, source.span) {
                        ctx.report(
                            entry.file,
                            source.span,
                            format!(
                                "the bind-mount source `{}` does not exist: {why}",
                                source.value
                            ),
                        )
                        .help(HELP);
                    }
                }
            }
            for kind in [ResourceKind::Secret, ResourceKind::Config] {
                for r in entry.model.resources(kind) {
                    let Some(f) = &r.file else {
                        continue;
                    };
                    if r.is_external() || !is_checked_path(&f.value) {
                        continue;
                    }
                    let path = discover::normalize(&base.join(&f.value));
                    if missing(&path, f.span) {
                        let what = if kind == ResourceKind::Secret {
                            "secret"
                        } else {
                            "config"
                        };
                        ctx.report(
                            entry.file,
                            f.span,
                            format!(
                                "the file `{}` of the {what} `{}` does not exist: Compose refuses to start the services that use it",
                                f.value, r.name.value
                            ),
                        )
                        .help(HELP);
                    }
                }
            }
        }
    }
}

const HELP: &str = "commit it, fix the path, or list it in .gitignore if each installation creates it at deploy time";

/// A relative host path, literal: what can be checked against the repository.
fn is_checked_path(path: &str) -> bool {
    // Ex) `C:\data`
    let windows_drive = path.len() > 1 && path.as_bytes()[1] == b':';
    !(path.is_empty() || path.contains('$') || path.starts_with(['/', '~', '\\']) || windows_drive)
}

/// The resolved source of a bind mount whose absence breaks the service, with what happens.
fn checked_source(
    v: &Volume,
    base: &Path,
    yaml: &YamlFile,
    service: &str,
) -> Option<(PathBuf, &'static str)> {
    if v.kind != VolumeType::Bind || v.source_interpolated {
        return None;
    }
    let source = v.source.as_ref()?;
    if !is_checked_path(&source.value) {
        return None;
    }
    let path = discover::normalize(&base.join(&source.value));
    let why = if v.long && !creates_host_path(yaml, service, v.span) {
        "Compose refuses a `type: bind` mount whose source is missing"
    } else if looks_like_file(&source.value)
        || v.target.as_ref().is_some_and(|t| looks_like_file(&t.value))
    {
        "Docker creates an empty folder in its place, where the container expects a file"
    } else if v.read_only {
        "Docker creates an empty folder in its place and mounts it read-only"
    } else {
        return None;
    };
    Some((path, why))
}

/// Whether the last part of a path has a file extension (`nginx.conf`, `tls.key`), not a
/// folder suffix such as `conf.d`.
fn looks_like_file(path: &str) -> bool {
    let name = path
        .trim_end_matches('/')
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or_default();
    match name.rsplit_once('.') {
        Some((stem, ext)) => {
            !stem.is_empty()
                && ext != "d"
                && (1..=5).contains(&ext.len())
                && ext.bytes().all(|b| b.is_ascii_alphanumeric())
                && ext.bytes().any(|b| b.is_ascii_alphabetic())
        }
        None => false,
    }
}

/// Whether the long-syntax volume at `span` of `service` sets `bind.create_host_path: true`.
fn creates_host_path(yaml: &YamlFile, service: &str, span: Span) -> bool {
    yaml.documents().any(|doc| {
        doc.get("services")
            .and_then(|s| s.get(service))
            .and_then(|s| s.get("volumes"))
            .is_some_and(|volumes| {
                volumes.items().iter().any(|item| {
                    item.span() == span
                        && item
                            .get("bind")
                            .and_then(|b| b.get("create_host_path"))
                            .and_then(|c| c.as_bool())
                            == Some(true)
                })
            })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_are_told_from_folders_by_their_extension() {
        assert!(looks_like_file("./nginx/nginx.conf"));
        assert!(looks_like_file("./secrets/tls.key"));
        assert!(looks_like_file("prometheus.yml"));
        assert!(!looks_like_file("./nginx/conf.d"));
        assert!(!looks_like_file("./data"));
        assert!(!looks_like_file("./.ssh"));
        assert!(!looks_like_file("./node-v1.2"));
        assert!(!looks_like_file("./sites/"));
    }

    #[test]
    fn only_relative_literal_paths_are_checked() {
        assert!(is_checked_path("./config.yml"));
        assert!(is_checked_path("config.yml"));
        assert!(!is_checked_path("/etc/localtime"));
        assert!(!is_checked_path("~/.aws"));
        assert!(!is_checked_path("${CONFIG_DIR}/app.yml"));
        assert!(!is_checked_path("C:\\data"));
    }
}
