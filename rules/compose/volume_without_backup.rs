use std::collections::BTreeMap;

use crate::index::MountSource;
use crate::parse::compose::{ResourceKind, Service};
use crate::rule::{Ctx, Rule};
use crate::source::{FileId, Span};

use super::{command_words, name_tokens, Stack};

crate::declare_rule! {
    /// ## What it does
    /// Reports, in production and staging Compose files, a named volume that holds data users
    /// cannot recreate — a database's data folder (`/var/lib/postgresql/data`, `/var/lib/mysql`,
    /// `/data/db`, `/bitnami/postgresql`, …) or uploaded files (a volume or mount path named
    /// `media`, `uploads` or `attachments`) — when the deployment has no backup service for it.
    ///
    /// A backup service is one whose name, image or command mentions `backup`, `restic`,
    /// `borg`, `pgbackrest`, `wal-g`, `pg_dump`, `mysqldump`, `duplicati` or `barman`. For a
    /// database any backup service counts (it dumps over the network); for files it must mount
    /// the volume. Cache and queue volumes (Redis `/data`, RabbitMQ) and `external: true`
    /// volumes, managed outside Compose, are not reported.
    ///
    /// ## Why it matters
    /// A named volume lives on one disk of one server. `docker compose down -v`, a pruned
    /// volume, a lost disk or a bad migration and the data is gone, with nothing to restore.
    /// Backups that exist as a script in the repository but run nowhere are the usual finding
    /// of an audit ("no automatic backup for media_volume"): a backup job beside the services
    /// is what makes it run.
    ///
    /// ## Example
    /// ```yaml title="docker-compose.prod.yml"
    /// services:
    ///   backend:
    ///     image: registry.example.org/backend:1.4.2
    ///     volumes:
    ///       - media:/app/media
    ///
    /// volumes:
    ///   media:
    /// ```
    ///
    /// ## How to fix
    /// Run a backup service that mounts the volume (read-only) and ships it off the server:
    /// ```yaml title="docker-compose.prod.yml"
    /// services:
    ///   backend:
    ///     image: registry.example.org/backend:1.4.2
    ///     volumes:
    ///       - media:/app/media
    ///   backup:
    ///     image: offen/docker-volume-backup:v2.43.0
    ///     volumes:
    ///       - media:/backup/media:ro
    ///
    /// volumes:
    ///   media:
    /// ```
    pub(crate) struct VolumeWithoutBackup {
        code: "CMP017",
        name: "volume-without-backup",
        family: Compose,
        severity: Info,
        scope: DEPLOYED_ONLY,
    }
}

/// Database data folders (and the folders above them that hold them).
const DATABASE_PATHS: &[&str] = &[
    "/var/lib/postgresql",
    "/var/lib/mysql",
    "/var/lib/mariadb",
    "/data/db",
    "/data/configdb",
    "/bitnami/postgresql",
    "/bitnami/mysql",
    "/bitnami/mariadb",
    "/bitnami/mongodb",
    "/var/opt/mssql",
    "/var/lib/couchdb",
    "/opt/couchdb/data",
    "/var/lib/neo4j/data",
    "/var/lib/clickhouse",
    "/home/postgres/pgdata",
];

const FILE_WORDS: &[&str] = &["media", "uploads", "upload", "attachments", "userfiles"];

const BACKUP_WORDS: &[&str] = &[
    "backup",
    "backups",
    "restic",
    "borg",
    "borgmatic",
    "pgbackrest",
    "wal-g",
    "walg",
    "pg_dump",
    "pg_dumpall",
    "mysqldump",
    "mariadb-dump",
    "duplicati",
    "barman",
    "pgbackups",
];

#[derive(Clone, Copy, PartialEq, Eq)]
enum Data {
    Database,
    Files,
}

fn classify(volume: &str, target: &str) -> Option<Data> {
    let under = |p: &str| target == p || target.starts_with(&format!("{p}/"));
    if DATABASE_PATHS.iter().any(|p| under(p)) {
        return Some(Data::Database);
    }
    let words = |s: &str| {
        s.split(['/', '-', '_', '.'])
            .any(|t| FILE_WORDS.contains(&t.to_ascii_lowercase().as_str()))
    };
    (words(target) || words(volume)).then_some(Data::Files)
}

fn mentions_backup(text: &str) -> bool {
    let lower = text.to_ascii_lowercase();
    BACKUP_WORDS.iter().any(|w| {
        lower
            .split(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_'))
            .any(|t| t == *w || t.split(['-', '_']).any(|p| p == *w))
    })
}

fn is_backup_service(service: &Service) -> bool {
    mentions_backup(&service.name.value)
        || name_tokens(&service.name.value).any(|t| BACKUP_WORDS.contains(&t.as_str()))
        || service
            .image
            .as_ref()
            .is_some_and(|i| mentions_backup(&i.value))
        || command_words(service).iter().any(|w| mentions_backup(w))
}

impl Rule for VolumeWithoutBackup {
    fn check_project(&self, ctx: &mut Ctx<'_>) {
        let stack = Stack::new(ctx.project);
        let index = &ctx.project.index;
        for entry in index.compose_files() {
            let file = entry.file;
            if !stack.judged(ctx, file) {
                continue;
            }
            // The services of the deployment, this file's first.
            let deployment: Vec<(FileId, &Service)> = index
                .services()
                .filter(|(f, s)| {
                    *f == file
                        || stack
                            .definitions(file, &s.name.value)
                            .iter()
                            .any(|(g, _)| g == f)
                })
                .collect();
            let backups: Vec<(FileId, &Service)> = deployment
                .iter()
                .copied()
                .filter(|(_, s)| is_backup_service(s))
                .collect();
            // Volume → (kind, the first mount: service, target, span).
            let mut data: BTreeMap<String, (Data, String, String, Span)> = BTreeMap::new();
            for service in &entry.model.services {
                if is_backup_service(service) {
                    continue;
                }
                for m in index.mounts(file, &service.name.value) {
                    let MountSource::Volume(volume) = &m.source else {
                        continue;
                    };
                    let Some(kind) = classify(volume, &m.target) else {
                        continue;
                    };
                    data.entry(volume.clone()).or_insert((
                        kind,
                        service.name.value.clone(),
                        m.target.clone(),
                        m.span,
                    ));
                }
            }
            for (volume, (kind, service, target, mount_span)) in data {
                let named = index.named(ResourceKind::Volume, &volume);
                let external = named.is_some_and(|n| {
                    n.declarations
                        .iter()
                        .any(|d| d.resource.is_external() && stack_has(&deployment, d.file))
                });
                if external {
                    continue;
                }
                let covered =
                    match kind {
                        Data::Database => !backups.is_empty(),
                        Data::Files => backups.iter().any(|(f, s)| {
                            index.mounts(*f, &s.name.value).iter().any(
                                |m| matches!(&m.source, MountSource::Volume(v) if *v == volume),
                            ) || !s.volumes_from.is_empty()
                        }),
                    };
                if covered {
                    continue;
                }
                let declaration = named.and_then(|n| {
                    n.declarations
                        .iter()
                        .find(|d| d.file == file)
                        .map(|d| d.resource.name.span)
                });
                let what = match kind {
                    Data::Database => "database data",
                    Data::Files => "uploaded files",
                };
                let message = format!(
                    "volume `{volume}` holds {what} (`{service}` mounts it at {target}) and no backup service backs it up"
                );
                let help = match kind {
                    Data::Database => "add a backup service that dumps the database on a schedule and ships the dumps off the server (pg_dump, pgBackRest, WAL-G, restic, …)",
                    Data::Files => "add a backup service that mounts the volume read-only and ships it off the server (restic, borg, offen/docker-volume-backup, …)",
                };
                match declaration {
                    Some(span) => {
                        ctx.report(file, span, message).help(help).related(
                            file,
                            mount_span,
                            "mounted here",
                        );
                    }
                    None => {
                        ctx.report(file, mount_span, message).help(help);
                    }
                }
            }
        }
    }
}

fn stack_has(deployment: &[(FileId, &Service)], file: FileId) -> bool {
    deployment.iter().any(|(f, _)| *f == file)
}
