use super::{effective_value, ini, protect_ini, setting, MAIN_SECTION};
use crate::parse::pgbouncer::parse_connstr;
use crate::project::ParsedFile;
use crate::rule::{Ctx, Rule};

/// The name of PgBouncer's admin console (`check_reserved_database` in PgBouncer).
const RESERVED: &str = "pgbouncer";

crate::declare_rule! {
    /// ## What it does
    /// Reports a database named `pgbouncer` in the `[databases]` section of `pgbouncer.ini`, and
    /// an `auth_dbname` that names it.
    ///
    /// ## Why it matters
    /// `pgbouncer` is the name of PgBouncer's admin console, the virtual database that `SHOW
    /// POOLS`, `RELOAD` and `PAUSE` are run against. PgBouncer refuses a `[databases]` entry of
    /// that name ("database name \"pgbouncer\" is reserved") and stops loading the file, so
    /// PgBouncer does not start. A global `auth_dbname = pgbouncer` is refused the same way;
    /// in a connection string it makes every login that needs `auth_query` fail.
    ///
    /// ## Example
    /// ```ini title="config/pgbouncer/pgbouncer.ini"
    /// [databases]
    /// pgbouncer = host=db port=5432 dbname=pgbouncer
    ///
    /// [pgbouncer]
    /// listen_port = 6432
    /// ```
    ///
    /// ## How to fix
    /// Give the entry another name; `dbname=` can still point at a PostgreSQL database called
    /// `pgbouncer`. Clients then connect to the new name.
    ///
    /// ```ini title="config/pgbouncer/pgbouncer.ini"
    /// [databases]
    /// app = host=db port=5432 dbname=pgbouncer
    ///
    /// [pgbouncer]
    /// listen_port = 6432
    /// ```
    pub(crate) struct ReservedDatabaseName {
        code: "PGB010",
        name: "reserved-database-name",
        family: Pgbouncer,
        severity: Error,
        scope: ALL,
    }
}

impl Rule for ReservedDatabaseName {
    fn check_file(&self, file: &ParsedFile, ctx: &mut Ctx<'_>) {
        let Some(ini) = ini(file) else { return };
        for section in ini.sections.iter().filter(|s| s.name == "databases") {
            for e in &section.entries {
                if e.key == RESERVED {
                    let d = ctx.report(
                        file.id,
                        e.key_span,
                        "`pgbouncer` is the name of PgBouncer's admin console and cannot be \
                         defined in [databases]",
                    );
                    d.help(
                        "name the entry differently; `dbname=pgbouncer` can still point at a \
                         PostgreSQL database of that name",
                    );
                    protect_ini(d, file.id, ini);
                }
                let (value, span) = effective_value(&section.name, e);
                for p in parse_connstr(value, span) {
                    if p.key == "auth_dbname" && p.value == RESERVED {
                        let d = ctx.report(
                            file.id,
                            p.value_span,
                            "`auth_dbname` names the admin console `pgbouncer`, which cannot run \
                             `auth_query`",
                        );
                        d.help("name a database of [databases] that auth_query can run in");
                        protect_ini(d, file.id, ini);
                    }
                }
            }
        }
        if let Some(e) = setting(ini, "auth_dbname") {
            let (value, span) = effective_value(MAIN_SECTION, e);
            if value == RESERVED {
                let d = ctx.report(
                    file.id,
                    span,
                    "`auth_dbname` cannot be the admin console `pgbouncer`; PgBouncer refuses \
                     the setting",
                );
                d.help("name a database of [databases] that auth_query can run in");
                protect_ini(d, file.id, ini);
            }
        }
    }
}
