use std::collections::HashSet;

use super::{client_urls, pgbouncers, ClientUse, Effective};
use crate::parse::python::{Cast, EnvLibrary, Value};
use crate::project::Project;
use crate::rule::{Ctx, Rule};
use crate::rules::django::{check_leaves, Finding};
use crate::source::FileId;

crate::declare_rule! {
    /// ## What it does
    /// Reports a `DATABASES` entry of a production or staging Django settings module that
    /// connects through PgBouncer in transaction (or statement) pooling mode without
    /// `"DISABLE_SERVER_SIDE_CURSORS": True`. The entry goes through PgBouncer when its `HOST`
    /// is the Compose service that runs PgBouncer, or when it is read from a URL variable
    /// (`env.db("DATABASE_URL")`, `dj_database_url.config()`) that a Compose file or env file
    /// sets to a URL on that service. The pool mode is the database's `pool_mode=` in
    /// `[databases]`, else the global `pool_mode` of the ini (with its `%include`s). Only
    /// settings modules whose imports shiplint read completely are judged.
    ///
    /// ## Why it matters
    /// Django iterates large querysets (`.iterator()`) with server-side cursors: it declares a
    /// cursor in one transaction and fetches from it in the next statements. In transaction
    /// pooling, PgBouncer may run those statements on another server connection, where the
    /// cursor does not exist, and the request fails with `cursor "_django_curs_…" does not
    /// exist`. Django's documentation says to disable server-side cursors for this setup; the
    /// failure only shows under load, when connections are actually shared.
    ///
    /// ## Example
    /// ```python together title="myproject/settings/production.py"
    /// INSTALLED_APPS = ["django.contrib.contenttypes"]
    /// MIDDLEWARE = []
    /// DATABASES = {
    ///     "default": {
    ///         "ENGINE": "django.db.backends.postgresql",
    ///         "HOST": "pgbouncer",
    ///         "PORT": 6432,
    ///         "NAME": "app",
    ///     }
    /// }
    /// ```
    ///
    /// ```yaml together title="docker-compose.prod.yml"
    /// services:
    ///   pgbouncer:
    ///     image: edoburu/pgbouncer:1.23.1
    ///     volumes:
    ///       - ./pgbouncer/pgbouncer.ini:/etc/pgbouncer/pgbouncer.ini:ro
    /// ```
    ///
    /// ```ini together title="pgbouncer/pgbouncer.ini"
    /// [databases]
    /// app = host=db port=5432 dbname=app
    ///
    /// [pgbouncer]
    /// pool_mode = transaction
    /// ```
    ///
    /// ## How to fix
    /// ```python together title="myproject/settings/production.py"
    /// INSTALLED_APPS = ["django.contrib.contenttypes"]
    /// MIDDLEWARE = []
    /// DATABASES = {
    ///     "default": {
    ///         "ENGINE": "django.db.backends.postgresql",
    ///         "HOST": "pgbouncer",
    ///         "PORT": 6432,
    ///         "NAME": "app",
    ///         "DISABLE_SERVER_SIDE_CURSORS": True,
    ///     }
    /// }
    /// ```
    ///
    /// With a URL, set it after reading it:
    /// `DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = True`.
    pub(crate) struct ServerSideCursorsInTransactionPool {
        code: "PGB015",
        name: "server-side-cursors-in-transaction-pool",
        family: Pgbouncer,
        severity: Warning,
        scope: DEPLOYED_ONLY,
    }
}

impl Rule for ServerSideCursorsInTransactionPool {
    fn check_project(&self, ctx: &mut Ctx<'_>) {
        let project = ctx.project;
        let all = pgbouncers(project);
        if all.services.iter().all(|s| s.config.is_none()) {
            return;
        }
        let urls = client_urls(project);
        check_leaves(ctx, |leaf, out| {
            if !leaf.complete() {
                return;
            }
            let Some(databases) = leaf.setting("DATABASES") else {
                return;
            };
            let Value::Dict(entries) = &databases.value.value else {
                return;
            };
            for (alias, entry) in entries {
                let Some(alias) = alias.value.as_str() else {
                    continue;
                };
                // Ex) {"HOST": "pgbouncer", "NAME": "app", ...}
                let mut at = entry.span;
                let (config, database, via): (&Effective, String, Option<&ClientUse>) =
                    match &entry.value {
                        Value::Dict(_) => {
                            let host = entry.value.dict_get("HOST").and_then(|h| h.value.as_str());
                            let Some((_, config)) =
                                host.and_then(|h| all.serving(project, h, leaf.file))
                            else {
                                continue;
                            };
                            match entry.value.dict_get("DISABLE_SERVER_SIDE_CURSORS") {
                                Some(v) if v.value.as_bool() != Some(false) => continue,
                                // Ex) "DISABLE_SERVER_SIDE_CURSORS": False — point at it.
                                Some(v) => at = v.span,
                                None => {}
                            }
                            let name = entry.value.dict_get("NAME").and_then(|n| n.value.as_str());
                            (config, name.unwrap_or_default().to_string(), None)
                        }
                        // Ex) env.db("DATABASE_URL"), dj_database_url.config()
                        Value::Env(lookup)
                            if lookup.cast == Cast::DbUrl
                                || lookup.library == EnvLibrary::DjDatabaseUrl =>
                        {
                            let stack = client_stack(project, leaf.file);
                            let found = urls.iter().find_map(|u| {
                                if u.name != lookup.name
                                    || stack.as_ref().is_some_and(|s| !s.contains(&u.file))
                                {
                                    return None;
                                }
                                all.serving(project, &u.url.host, u.file)
                                    .map(|(_, c)| (c, u))
                            });
                            let Some((config, url)) = found else {
                                continue;
                            };
                            (config, url.url.database.clone(), Some(url))
                        }
                        _ => continue,
                    };
                let (mode, set_at) = config.pool_mode(&database);
                if mode != "transaction" && mode != "statement" {
                    continue;
                }
                let message = format!(
                    "database `{alias}` goes through PgBouncer in {mode} pooling without \
                     DISABLE_SERVER_SIDE_CURSORS: querysets iterated with .iterator() fail"
                );
                let mut finding = Finding::at(at, message).help(
                    "set \"DISABLE_SERVER_SIDE_CURSORS\": True in this DATABASES entry, or use \
                     session pooling for this database",
                );
                if let Some((file, span)) = set_at {
                    finding = finding.related_in(file, span, format!("pool_mode = {mode}"), false);
                }
                if let Some(u) = via {
                    // The URL may carry a password.
                    let label = format!("{} points at PgBouncer", u.name);
                    finding = finding.related_in(u.file, u.span, label, true);
                }
                out.push(finding);
            }
        });
    }
}

/// The files that give the settings in `settings` their environment: the Compose files whose
/// services run them and the env files those services read. `None` when no service is known
/// to run them (a one-stack project then takes any client URL).
fn client_stack(project: &Project, settings: FileId) -> Option<HashSet<FileId>> {
    let django = crate::stack::Stack::of(project);
    let groups = crate::rules::compose::ComposeGroups::of(project);
    let running: Vec<FileId> = django.running(settings).map(|s| s.compose).collect();
    if running.is_empty() {
        return None;
    }
    let mut files = HashSet::new();
    for info in project.index.service_infos() {
        if !running.iter().any(|&c| groups.together(c, info.file)) {
            continue;
        }
        files.insert(info.file);
        files.extend(info.env_files.iter().filter_map(|e| e.file));
    }
    Some(files)
}
