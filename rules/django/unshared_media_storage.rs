use crate::index::MountSource;
use crate::parse::python::{resolve_path, Value};
use crate::rule::{Ctx, Rule};
use crate::rules::django::{judged_env, leaves, report_env, Judged, Leaf};
use crate::stack::{container_path, DjangoService, Stack};

crate::declare_rule! {
    /// ## What it does
    /// Reports settings that store uploads on the local filesystem (`FileSystemStorage`, also
    /// what runs when neither `STORAGES` nor `DEFAULT_FILE_STORAGE` is set) when they run in
    /// several containers — a service with `deploy.replicas` above 1, or a web service and a
    /// worker on the same settings — and `MEDIA_ROOT` is not on a volume all of those
    /// containers share: one of them does not mount it, or they mount different sources.
    ///
    /// What counts as shared: the same named volume or the same host folder, mounted at (or
    /// above) `MEDIA_ROOT` in every service that runs the settings. On one Docker host that is
    /// enough, replicas included. A swarm stack spreads replicas over several hosts, where a
    /// named volume with the default `local` driver is a different, empty folder on each node;
    /// shiplint cannot tell where a stack runs, so that case is not reported: use a volume
    /// driver every node reaches (NFS, a cloud volume) or object storage there.
    ///
    /// ## Why it matters
    /// A file uploaded through one container is written to that container's disk. Another
    /// replica, or the celery worker that processes the upload, looks for it and finds
    /// nothing: thumbnails fail, downloads return 404 on every other request, and files
    /// written into a container's own layer vanish when it is recreated.
    ///
    /// ## Example
    /// ```python
    /// # app/settings/production.py, run by `web` (4 replicas, mounting media:/app/media)
    /// # and `celery` (no mount)
    /// MEDIA_ROOT = BASE_DIR / "media"
    /// ```
    ///
    /// ## How to fix
    /// Mount the same volume at `MEDIA_ROOT` in every service that runs the settings, or store
    /// uploads in object storage (`django-storages` with S3, GCS or Azure).
    pub(crate) struct UnsharedMediaStorage {
        code: "DJG029",
        name: "unshared-media-storage",
        family: Django,
        severity: Warning,
        scope: DEPLOYED,
    }
}

/// A mount source as compared (the volume or resolved host folder, and the folder within it)
/// and as shown.
type Source = (String, String);

const FILE_SYSTEM_STORAGE: &str = "django.core.files.storage.FileSystemStorage";

impl Rule for UnsharedMediaStorage {
    fn check_project(&self, ctx: &mut Ctx<'_>) {
        let project = ctx.project;
        let stack = Stack::of(project);
        for leaf in leaves(project).iter() {
            let Some(env) = judged_env(ctx, &stack, leaf) else {
                continue;
            };
            let services: Vec<&DjangoService> = stack.running(leaf.file).collect();
            let containers: u32 = services.iter().map(|s| s.replicas.unwrap_or(2)).sum();
            if containers < 2 || local_storage(leaf) != Some(true) {
                continue;
            }
            let Some(media) = leaf.setting("MEDIA_ROOT") else {
                continue;
            };
            let repo_base = leaf.base_dir(project);
            // Each service's mount source at MEDIA_ROOT, `None` when it has none.
            let mut sources: Vec<(&DjangoService, String, Option<Source>)> = Vec::new();
            for svc in &services {
                let base = repo_base
                    .as_deref()
                    .and_then(|b| container_path(project, svc, b));
                let Some(path) = resolve_path(&media.value.value, base.as_deref()) else {
                    sources.clear();
                    break;
                };
                let mounts = project
                    .index
                    .mounts_covering(svc.compose, &svc.name, &path.path);
                // The source, and the folder within it that MEDIA_ROOT is.
                let source = mounts.first().and_then(|m| {
                    let sub = path
                        .path
                        .get(m.target.len()..)
                        .unwrap_or_default()
                        .trim_start_matches('/');
                    let within = if sub.is_empty() {
                        String::new()
                    } else {
                        format!(" (its folder {sub})")
                    };
                    // Compared by what it is; shown as written.
                    let (key, shown) = match &m.source {
                        MountSource::Volume(v) => (format!("volume {v}"), format!("volume {v}")),
                        MountSource::HostPath { raw, resolved } => (
                            format!(
                                "host {}",
                                resolved
                                    .as_ref()
                                    .map_or(raw.clone(), |p| p.display().to_string())
                            ),
                            format!("host folder {raw}"),
                        ),
                        _ => return None,
                    };
                    Some((format!("{key}{within}"), format!("{shown}{within}")))
                });
                sources.push((svc, path.path, source));
            }
            let Some((_, dir, first)) = sources.first() else {
                continue;
            };
            let shared = first.is_some() && sources.iter().all(|(_, _, s)| s == first);
            if shared {
                continue;
            }
            let unmounted: Vec<String> = sources
                .iter()
                .filter(|(_, _, s)| s.is_none())
                .map(|(s, _, _)| format!("`{}`", s.name))
                .collect();
            let why = if unmounted.is_empty() {
                "the services mount different sources there".to_string()
            } else {
                format!(
                    "{} mount{} nothing there",
                    unmounted.join(", "),
                    if unmounted.len() == 1 { "s" } else { "" }
                )
            };
            let (file, local) = leaf.locate(media.name_span);
            let env = report_env(project, file, env);
            let d = ctx.report_as(
                file,
                local,
                format!(
                    "uploads go to MEDIA_ROOT ({dir}) on the local filesystem, and these \
                     settings run in {containers} containers without a volume they all share \
                     there ({why}): a file uploaded through one container is missing in others"
                ),
                env,
            );
            d.help(format!(
                "mount the same volume at {dir} in every service that runs these settings, or \
                 store uploads in object storage (django-storages)"
            ));
            for (svc, _, source) in &sources {
                let msg = match source {
                    Some((_, s)) => format!("`{}` mounts {s} at MEDIA_ROOT", svc.name),
                    None => format!(
                        "`{}` runs these settings without a mount at MEDIA_ROOT",
                        svc.name
                    ),
                };
                d.related(svc.compose, svc.name_span, msg);
            }
        }
    }
}

/// Whether uploads go to the local filesystem: `Some(true)` for `FileSystemStorage` or
/// Django's default, `None` when it cannot be told.
fn local_storage(leaf: &Leaf) -> Option<bool> {
    let is_fs = |v: &Value| v.as_str().map(|b| b == FILE_SYSTEM_STORAGE);
    match leaf.judge("STORAGES") {
        Judged::Set(_, outcomes) => {
            let mut all = Some(true);
            for o in outcomes {
                let backend = o
                    .value
                    .dict_get("default")
                    .and_then(|d| d.value.dict_get("BACKEND"))
                    .map(|b| b.value.when_unset());
                match backend.as_ref().and_then(is_fs) {
                    Some(true) => {}
                    Some(false) => return Some(false),
                    None => all = None,
                }
            }
            all
        }
        Judged::Default(None) => match leaf.judge("DEFAULT_FILE_STORAGE") {
            Judged::Default(None) => Some(true),
            Judged::Set(_, outcomes) => {
                let mut all = Some(true);
                for o in outcomes {
                    match is_fs(&o.value) {
                        Some(true) => {}
                        Some(false) => return Some(false),
                        None => all = None,
                    }
                }
                all
            }
            _ => None,
        },
        _ => None,
    }
}
