use std::path::Path;

use super::dashboards_yaml;
use crate::index::MountSource;
use crate::kind::FileKind;
use crate::parse::monitoring::grafana::DashboardProviderFile;
use crate::parse::monitoring::Text;
use crate::project::{ParsedFile, Project};
use crate::rule::{Ctx, Rule};
use crate::rules::monitoring::{monitoring, Runner};
use crate::source::{FileId, Span};

crate::declare_rule! {
    /// ## What it does
    /// Reports a dashboard provider (`providers[].options.path` of a Grafana provisioning
    /// file) whose folder no mount of the Grafana service provides, or whose folder is mounted
    /// from a repository folder holding no `*.json` dashboard (at any depth). The Grafana
    /// service is the Compose service running a `grafana/grafana*` image, or one that mounts
    /// the provisioning folder.
    ///
    /// Folders on a named volume or mounted from a path missing from the repository,
    /// interpolated paths, and a Grafana that builds its own image (which may copy dashboards
    /// in) are not reported; neither is a provider file no Compose
    /// service is known to mount.
    ///
    /// ## Why it matters
    /// Grafana starts normally with an empty or missing dashboard folder: it logs nothing
    /// visible and provisions nothing. The dashboards the deployment was supposed to have
    /// (often exported by hand and never committed, or committed to another folder) are not
    /// there when they are needed.
    ///
    /// ## Example
    /// `docker-compose.yml` mounts the provisioning files, but the dashboards folder holds no
    /// dashboard:
    ///
    /// ```yaml
    /// services:
    ///   grafana:
    ///     image: grafana/grafana:11.2.0
    ///     volumes:
    ///       - ./grafana/provisioning:/etc/grafana/provisioning:ro
    /// ```
    ///
    /// `grafana/provisioning/dashboards/dashboards.yml`:
    ///
    /// ```yaml
    /// apiVersion: 1
    /// providers:
    ///   - name: default
    ///     type: file
    ///     options:
    ///       path: /var/lib/grafana/dashboards
    /// ```
    ///
    /// ## How to fix
    /// Commit the dashboards as JSON and mount their folder at the provider's path:
    ///
    /// ```yaml
    /// services:
    ///   grafana:
    ///     image: grafana/grafana:11.2.0
    ///     volumes:
    ///       - ./grafana/provisioning:/etc/grafana/provisioning:ro
    ///       - ./grafana/dashboards:/var/lib/grafana/dashboards:ro
    /// ```
    pub(crate) struct DashboardsNotProvisioned {
        code: "GRF004",
        name: "dashboards-not-provisioned",
        family: Grafana,
        severity: Warning,
        scope: NOT_DEVELOPMENT,
    }
}

/// What a runner's container holds at a provider's path.
enum Folder {
    /// Not mounted (and the image is not built here): the folder is empty or missing.
    NotMounted,
    /// Mounted from a repository folder without dashboards.
    Empty { host: String, mount: Span },
    /// Dashboards, or content shiplint cannot see.
    Provided,
}

/// Whether a folder holds a `*.json` file, at most a few levels down and looking at a bounded
/// number of entries (a folder too large to look through counts as holding dashboards).
fn has_dashboards(dir: &Path) -> bool {
    const MAX_DEPTH: usize = 6;
    let mut budget = 20_000usize;
    let mut queue = vec![(dir.to_path_buf(), 0)];
    while let Some((dir, depth)) = queue.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for e in entries.flatten() {
            if budget == 0 {
                return true;
            }
            budget -= 1;
            let path = e.path();
            let Ok(kind) = e.file_type() else { continue };
            if kind.is_dir() || (kind.is_symlink() && path.is_dir()) {
                if depth < MAX_DEPTH {
                    queue.push((path, depth + 1));
                }
            } else if path
                .extension()
                .is_some_and(|x| x.eq_ignore_ascii_case("json"))
            {
                return true;
            }
        }
    }
    false
}

fn folder(project: &Project, runner: &Runner, path: &str) -> Folder {
    let covering = project
        .index
        .mounts_covering(runner.compose, &runner.service, path);
    let Some(mount) = covering.first() else {
        return if runner.builds {
            Folder::Provided
        } else {
            Folder::NotMounted
        };
    };
    match &mount.source {
        MountSource::HostPath {
            resolved: Some(host),
            raw,
        } => {
            let rest = Path::new(path)
                .strip_prefix(&mount.target)
                .map(Path::to_path_buf)
                .unwrap_or_default();
            // A mount source missing from the repository is CMP007's finding (and may be
            // created at deploy time): what it will hold cannot be told.
            if !host.exists() {
                return Folder::Provided;
            }
            let dir = host.join(rest);
            // A file mounted at the folder's path: not a folder Grafana can read.
            if has_dashboards(&dir) || dir.is_file() {
                Folder::Provided
            } else {
                Folder::Empty {
                    host: raw.clone(),
                    mount: mount.span,
                }
            }
        }
        _ => Folder::Provided,
    }
}

fn check_provider(ctx: &mut Ctx<'_>, file: &ParsedFile, runners: &[Runner], path: Text<'_>) {
    let project = ctx.project;
    let written = path.value.trim().trim_end_matches('/');
    if !written.starts_with('/') || written.contains('$') {
        return;
    }
    let mut first: Option<(&Runner, Folder)> = None;
    for r in runners {
        match folder(project, r, written) {
            Folder::Provided => return,
            f => {
                if first.is_none() {
                    first = Some((r, f));
                }
            }
        }
    }
    let Some((r, f)) = first else { return };
    let compose: FileId = r.compose;
    let compose_path = &project.file(compose).source.display_path;
    match f {
        Folder::NotMounted => {
            ctx.report(
                file.id,
                path.span,
                format!(
                    "no mount of service `{}` in {compose_path} provides the dashboard folder `{written}`; Grafana provisions no dashboards from it",
                    r.service
                ),
            )
            .help("mount the repository folder holding the dashboard JSON files at this path");
        }
        Folder::Empty { host, mount } => {
            ctx.report(
                file.id,
                path.span,
                format!(
                    "the dashboard folder `{written}` is mounted from `{host}`, which holds no `*.json` dashboard; Grafana provisions none"
                ),
            )
            .help("commit the dashboards as JSON files in that folder (export them from Grafana), or remove the provider")
            .related(compose, mount, "mounted here");
        }
        Folder::Provided => {}
    }
}

impl Rule for DashboardsNotProvisioned {
    fn check_project(&self, ctx: &mut Ctx<'_>) {
        let project = ctx.project;
        let facts = monitoring(project);
        for file in project.files_of_kind(FileKind::GrafanaDashboards) {
            let runners = facts.runners(file.id);
            if !ctx.applies_to(file.source.environment) || runners.is_empty() {
                continue;
            }
            let Some(providers) = dashboards_yaml(file).and_then(DashboardProviderFile::from_yaml)
            else {
                continue;
            };
            for p in &providers.providers {
                if p.type_.is_some_and(|t| t.value.trim() != "file") {
                    continue;
                }
                if let Some(path) = p.path {
                    check_provider(ctx, file, runners, path);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::has_dashboards;

    #[test]
    fn finds_json_dashboards_in_subfolders_only() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("dashboards.yml"), "apiVersion: 1\n").unwrap();
        assert!(!has_dashboards(dir.path()));
        assert!(!has_dashboards(&dir.path().join("missing")));
        let team = dir.path().join("team/a");
        std::fs::create_dir_all(&team).unwrap();
        std::fs::write(team.join("overview.JSON"), "{}").unwrap();
        assert!(has_dashboards(dir.path()));
    }
}
