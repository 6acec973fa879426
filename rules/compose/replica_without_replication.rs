use crate::index::MountSource;
use crate::parse::compose::Service;
use crate::rule::{Ctx, Rule};

use super::{command_words, name_tokens, resolve_image, Stack};

crate::declare_rule! {
    /// ## What it does
    /// Reports a database service named as a replica (`db-replica`, `postgres-replica1`,
    /// `mysql-standby`, `redis-slave`, `mongo-secondary`, …) that runs a plain PostgreSQL,
    /// MySQL/MariaDB, Redis/Valkey or MongoDB image beside another service of the same kind,
    /// and that nothing configures to replicate: no replication variables
    /// (`POSTGRESQL_REPLICATION_MODE`, `POSTGRES_PRIMARY_HOST`, `MYSQL_MASTER_HOST`, `REPMGR_*`,
    /// any `*REPLICATION*`/`*PRIMARY*`/`*MASTER*` variable), no replication options in its
    /// command (`primary_conninfo`, `--replicaof`, `--slaveof`, `--replSet`, `--server-id`,
    /// `--relay-log`, …), and not a replication image (`*repmgr*`).
    ///
    /// A replica that mounts a configuration file, an init script folder or a custom entrypoint
    /// may be configured there, which this rule cannot read: it is not reported.
    ///
    /// Files of unknown environment that say they are for development (`NODE_ENV=development`,
    /// a `.dev` settings module, a `development` build target, `runserver`, `sleep infinity`)
    /// are left alone.
    ///
    /// ## Why it matters
    /// The official images start a standalone server. A "replica" without replication settings
    /// is an empty, independent database: reads routed to it return nothing or stale data,
    /// writes to it are lost to the primary, and the failover it was meant to provide does not
    /// exist. Nothing in the logs says so — the audit that found two such replicas in a
    /// production file found them by reading it.
    ///
    /// ## Example
    /// ```yaml title="docker-compose.prod.yml"
    /// services:
    ///   db:
    ///     image: postgres:16.4
    ///   db-replica:
    ///     image: postgres:16.4
    ///     environment:
    ///       POSTGRES_PASSWORD: ${POSTGRES_PASSWORD:?}
    /// ```
    ///
    /// ## How to fix
    /// Configure streaming replication, for example with an image that supports it through its
    /// environment:
    /// ```yaml title="docker-compose.prod.yml"
    /// services:
    ///   db:
    ///     image: bitnami/postgresql:16.4.0
    ///     environment:
    ///       POSTGRESQL_REPLICATION_MODE: master
    ///   db-replica:
    ///     image: bitnami/postgresql:16.4.0
    ///     environment:
    ///       POSTGRESQL_REPLICATION_MODE: slave
    ///       POSTGRESQL_MASTER_HOST: db
    /// ```
    /// Or remove the replica services until replication is set up.
    pub(crate) struct ReplicaWithoutReplication {
        code: "CMP016",
        name: "replica-without-replication",
        family: Compose,
        severity: Error,
        scope: DEPLOYED,
    }
}

/// Database engines whose replicas need explicit configuration.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Engine {
    Postgres,
    Mysql,
    Redis,
    Mongo,
}

impl Engine {
    fn of(repository: &str) -> Option<Engine> {
        let base = repository.rsplit('/').next().unwrap_or("");
        Some(match base {
            "postgres" | "postgresql" | "postgis" | "timescaledb" | "timescaledb-ha"
            | "pgvector" => Engine::Postgres,
            "mysql" | "mariadb" | "percona" | "percona-server" | "mysql-server" => Engine::Mysql,
            "redis" | "valkey" | "redis-stack-server" => Engine::Redis,
            "mongo" | "mongodb" | "mongodb-community-server" => Engine::Mongo,
            _ => return None,
        })
    }

    fn name(self) -> &'static str {
        match self {
            Engine::Postgres => "PostgreSQL",
            Engine::Mysql => "MySQL",
            Engine::Redis => "Redis",
            Engine::Mongo => "MongoDB",
        }
    }
}

fn is_replica_name(name: &str) -> bool {
    name_tokens(name).any(|t| {
        ["replica", "standby", "slave", "secondary", "follower"]
            .iter()
            .any(|p| t.starts_with(p))
    })
}

/// Command options that configure replication.
const REPLICATION_OPTIONS: &[&str] = &[
    "primary_conninfo",
    "primary_slot_name",
    "hot_standby",
    "standby_mode",
    "replicaof",
    "slaveof",
    "replset",
    "server-id",
    "server_id",
    "relay-log",
    "relay_log",
    "read-only",
    "read_only",
    "gtid-mode",
    "gtid_mode",
    "master-host",
    "pg_basebackup",
];

fn configures_replication(service: &Service) -> bool {
    let variable = service.environment.iter().any(|v| {
        let u = v.name.to_ascii_uppercase();
        u.contains("REPLICATION")
            || u.contains("PRIMARY")
            || u.contains("MASTER")
            || u.contains("REPMGR")
            || u.contains("REPLICA")
    });
    variable
        || command_words(service).iter().any(|w| {
            let w = w.to_ascii_lowercase();
            REPLICATION_OPTIONS.iter().any(|o| w.contains(o))
        })
}

/// Whether a mount may carry configuration this rule cannot read: a host file or folder over
/// a configuration or init path.
fn may_configure(stack: &Stack<'_>, file: usize, name: &str) -> bool {
    stack.definitions(file, name).iter().any(|(f, s)| {
        s.entrypoint.is_some()
            || stack
                .project
                .index
                .mounts(*f, &s.name.value)
                .iter()
                .any(|m| {
                    let config_path = m.target.contains("initdb")
                        || m.target.starts_with("/etc/")
                        || m.target.ends_with(".conf")
                        || m.target.ends_with(".cnf")
                        || m.target.contains("/conf");
                    config_path
                        && matches!(
                            m.source,
                            MountSource::HostPath { .. }
                                | MountSource::Config(_)
                                | MountSource::Volume(_)
                        )
                })
    })
}

impl Rule for ReplicaWithoutReplication {
    fn check_project(&self, ctx: &mut Ctx<'_>) {
        let stack = Stack::new(ctx.project);
        let engine_of = |file: usize, name: &str| {
            let (f, image) = stack.image(file, name)?;
            let r = resolve_image(ctx.project, f, &image.value, true)?;
            if r.image.repository.contains("repmgr") {
                return None;
            }
            Engine::of(&r.image.repository)
        };
        for entry in ctx.project.index.compose_files() {
            let file = entry.file;
            if !stack.judged(ctx, file) {
                continue;
            }
            for service in &entry.model.services {
                let name = service.name.value.as_str();
                if !is_replica_name(name) || stack.any(file, name, |s| s.build.is_some()) {
                    continue;
                }
                let Some(engine) = engine_of(file, name) else {
                    continue;
                };
                let primary = entry.model.services.iter().find(|p| {
                    p.name.value != name
                        && !is_replica_name(&p.name.value)
                        && engine_of(file, &p.name.value) == Some(engine)
                });
                let Some(primary) = primary else {
                    continue;
                };
                if stack.any(file, name, configures_replication)
                    || may_configure(&stack, file, name)
                {
                    continue;
                }
                ctx.report(
                    file,
                    service.name.span,
                    format!(
                        "`{name}` is named a replica of `{}` but nothing configures {} replication: it runs as an empty, independent server",
                        primary.name.value,
                        engine.name()
                    ),
                )
                .help("configure replication (primary host, credentials, replication mode) or remove the replica")
                .related(file, primary.name.span, "the primary");
            }
        }
    }
}
