use std::collections::HashSet;

use super::{client_urls, pgbouncers, Effective, PgbService, Pgbouncers};
use crate::parse::python::Value;
use crate::project::Project;
use crate::rule::{Ctx, Rule};
use crate::rules::django::Finding;
use crate::source::{FileId, Span};

crate::declare_rule! {
    /// ## What it does
    /// Reports a database that clients ask PgBouncer for but that the `[databases]` section of
    /// its `pgbouncer.ini` does not define, when no `*` fallback entry covers it. The clients
    /// are found where they are configured: PostgreSQL URLs (`postgres://user:…@pgbouncer:6432/app`)
    /// in Compose `environment:`, env files and env templates, and the `NAME` of a Django
    /// `DATABASES` entry whose `HOST` is the PgBouncer service. Only URLs whose host is the
    /// Compose service that runs PgBouncer with that ini (its name, `container_name`,
    /// `hostname` or a network alias) count. The finding is on the `[databases]` header, with
    /// the clients as related locations.
    ///
    /// ## Why it matters
    /// PgBouncer routes a connection by the database name the client asks for, and refuses a
    /// name it does not know ("no such database"). The mismatch is easy to make, because the
    /// name in `[databases]` is an alias of PgBouncer's own (`app_db = host=db dbname=app`):
    /// the application asks for `app`, the name PostgreSQL uses, and every connection fails as
    /// soon as it goes through the pool.
    ///
    /// ## Example
    /// ```yaml together title="docker-compose.prod.yml"
    /// services:
    ///   web:
    ///     image: example/web:1.0
    ///     environment:
    ///       DATABASE_URL: postgres://app:${DB_PASSWORD:?}@pgbouncer:6432/app
    ///   pgbouncer:
    ///     image: edoburu/pgbouncer:1.23.1
    ///     volumes:
    ///       - ./pgbouncer/pgbouncer.ini:/etc/pgbouncer/pgbouncer.ini:ro
    /// ```
    ///
    /// ```ini together title="pgbouncer/pgbouncer.ini"
    /// [databases]
    /// app_db = host=db port=5432 dbname=app
    ///
    /// [pgbouncer]
    /// listen_port = 6432
    /// ```
    ///
    /// ## How to fix
    /// Name the `[databases]` entry as clients ask for it (or make clients ask for the entry's
    /// name):
    ///
    /// ```ini together title="pgbouncer/pgbouncer.ini"
    /// [databases]
    /// app = host=db port=5432 dbname=app
    ///
    /// [pgbouncer]
    /// listen_port = 6432
    /// ```
    pub(crate) struct UndefinedDatabase {
        code: "PGB014",
        name: "undefined-database",
        family: Pgbouncer,
        severity: Error,
        scope: ALL,
    }
}

/// A database a client asks for, and where.
struct Asked {
    database: String,
    file: FileId,
    span: Span,
    what: String,
}

impl Rule for UndefinedDatabase {
    fn check_project(&self, ctx: &mut Ctx<'_>) {
        let project = ctx.project;
        let all = pgbouncers(project);
        if all.services.is_empty() {
            return;
        }
        // Per configuration: the databases asked for that it does not define.
        let mut missing: Vec<(usize, Vec<Asked>)> = Vec::new();
        let mut add = |all: &Pgbouncers, host: &str, asked: Asked| {
            let Some((svc, config)) = all.serving(project, host, asked.file) else {
                return;
            };
            let Some(index) = svc.config else { return };
            if asked.database.is_empty() || defines(config, &asked.database) {
                return;
            }
            match missing.iter_mut().find(|(i, _)| *i == index) {
                Some((_, list)) => list.push(asked),
                None => missing.push((index, vec![asked])),
            }
        };
        for client in client_urls(project) {
            add(
                &all,
                &client.url.host,
                Asked {
                    database: client.url.database.clone(),
                    file: client.file,
                    span: client.span,
                    what: format!("{} asks for `{}`", client.name, client.url.database),
                },
            );
        }
        for (host, asked) in django_clients(ctx, &all.services) {
            add(&all, &host, asked);
        }
        for (index, asked) in missing {
            let config = &all.configs[index];
            if !config.complete {
                continue;
            }
            let Some((file, header)) = databases_header(project, config) else {
                continue;
            };
            let mut names: Vec<&str> = asked.iter().map(|a| a.database.as_str()).collect();
            names.dedup();
            let mut unique = HashSet::new();
            names.retain(|n| unique.insert(*n));
            let list = names
                .iter()
                .map(|n| format!("`{n}`"))
                .collect::<Vec<_>>()
                .join(", ");
            let (noun, verb) = if names.len() == 1 {
                ("database", "is")
            } else {
                ("databases", "are")
            };
            let defined: Vec<String> = config
                .databases()
                .map(|e| format!("`{}`", e.entry.key))
                .collect();
            let d = ctx.report(
                file,
                header,
                format!(
                    "clients ask PgBouncer for {noun} {list}, which {verb} not defined in \
                     [databases]: PgBouncer refuses the connections"
                ),
            );
            d.help(if defined.is_empty() {
                "add an entry for each database clients ask for, or a `*` fallback".to_string()
            } else {
                format!(
                    "[databases] defines {}; name an entry as clients ask for it, or point the \
                     clients at an existing entry",
                    defined.join(", ")
                )
            });
            let mut seen = HashSet::new();
            for a in &asked {
                if seen.insert((a.file, a.span)) {
                    d.related(a.file, a.span, a.what.clone());
                    d.sensitive(a.file, a.span);
                }
            }
        }
    }
}

/// Whether `[databases]` defines `name` or has a `*` fallback.
fn defines(config: &Effective, name: &str) -> bool {
    config
        .databases()
        .any(|e| e.entry.key == name || e.entry.key == "*")
}

/// The `[databases]` header that defines the configuration's databases (the first one read).
fn databases_header(project: &Project, config: &Effective) -> Option<(FileId, Span)> {
    for &file in &config.files {
        let ini = super::ini(project.file(file))?;
        if let Some(s) = ini.sections.iter().find(|s| s.name == "databases") {
            return Some((file, s.header_span));
        }
    }
    None
}

/// `DATABASES` entries of Django settings with a literal `HOST` and `NAME`, located in the
/// settings file that writes the name.
fn django_clients(ctx: &Ctx<'_>, services: &[PgbService]) -> Vec<(String, Asked)> {
    let mut found: Vec<(String, String)> = Vec::new();
    if services.is_empty() {
        return Vec::new();
    }
    let located = super::locate_in_leaves(ctx, |leaf, out| {
        let Some(databases) = leaf.setting("DATABASES") else {
            return;
        };
        let Value::Dict(entries) = &databases.value.value else {
            return;
        };
        for (_, entry) in entries {
            let (Some(host), Some(name)) = (
                entry.value.dict_get("HOST").and_then(|h| h.value.as_str()),
                entry.value.dict_get("NAME"),
            ) else {
                continue;
            };
            let Some(db) = name.value.as_str() else {
                continue;
            };
            out.push(Finding::at(name.span, found.len().to_string()));
            found.push((host.to_string(), db.to_string()));
        }
    });
    located
        .into_iter()
        .filter_map(|(message, file, span)| {
            let (host, db) = found.get(message.parse::<usize>().ok()?)?.clone();
            Some((
                host,
                Asked {
                    what: format!("DATABASES NAME asks for `{db}`"),
                    database: db,
                    file,
                    span,
                },
            ))
        })
        .collect()
}
