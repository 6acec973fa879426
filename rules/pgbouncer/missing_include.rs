use super::pgbouncers;
use crate::rule::{Ctx, Rule};

crate::declare_rule! {
    /// ## What it does
    /// Follows the `%include` lines of `pgbouncer.ini` and reports one whose file does not
    /// exist, or that includes a file already being read. A relative path is looked up beside
    /// the ini (PgBouncer opens it from its working directory, which is the ini's folder when it
    /// is started there). An absolute path is looked up through the Compose service that mounts
    /// the ini: the mount that covers the path, and the host file behind it. The settings of
    /// included files count for the other PgBouncer rules, in the section the `%include` line
    /// is in, as PgBouncer reads them.
    ///
    /// ## Why it matters
    /// PgBouncer stops loading its configuration at an `%include` it cannot open ("could not
    /// load file", "error processing include file in configuration") and exits: the pool does
    /// not start and every application that connects through it is down. A file split out of
    /// `pgbouncer.ini` (the `[databases]` list, a secrets fragment) is easily left out of the
    /// repository or of the container's volumes.
    ///
    /// ## Example
    /// ```ini title="config/pgbouncer/pgbouncer.ini"
    /// [databases]
    /// %include databases.ini
    ///
    /// [pgbouncer]
    /// listen_port = 6432
    /// ```
    ///
    /// ## How to fix
    /// Commit the included file beside the ini (and mount it into the container), or remove
    /// the `%include` line.
    ///
    /// ```ini title="config/pgbouncer/pgbouncer.ini"
    /// [databases]
    /// app = host=db port=5432 dbname=app
    ///
    /// [pgbouncer]
    /// listen_port = 6432
    /// ```
    pub(crate) struct MissingInclude {
        code: "PGB011",
        name: "missing-include",
        family: Pgbouncer,
        severity: Error,
        scope: ALL,
    }
}

impl Rule for MissingInclude {
    fn check_project(&self, ctx: &mut Ctx<'_>) {
        let all = pgbouncers(ctx.project);
        let mut seen = std::collections::HashSet::new();
        for config in &all.configs {
            for b in &config.broken {
                if !seen.insert((b.file, b.span)) {
                    continue;
                }
                let d = ctx.report(b.file, b.span, b.message.clone());
                d.help("commit the file and mount it where the path points, or remove the line");
                if let Some((file, span, label)) = &b.related {
                    d.related(*file, *span, label.clone());
                }
            }
        }
    }
}
