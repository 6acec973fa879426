use std::collections::HashSet;

use super::{pgbouncers, MAIN_SECTION};
use crate::rule::{Ctx, Rule};

crate::declare_rule! {
    /// ## What it does
    /// Reports a `[pgbouncer]` section that follows another one in the same configuration, in
    /// the same file or in a file that `%include` brings in, when settings of the earlier
    /// section are not set again after it. The finding lists the settings that are lost.
    ///
    /// ## Why it matters
    /// PgBouncer does not merge repeated `[pgbouncer]` sections: entering one resets every
    /// setting to its default, so whatever the earlier section set is silently dropped
    /// (verified with PgBouncer 1.18: `listen_addr` and `listen_port` from a first section are
    /// gone after a second, and PgBouncer listens on the Unix socket at port 6432 alone). A
    /// configuration split across files, each starting with its own `[pgbouncer]` header,
    /// loses the settings of all but the last, with no error in the log.
    ///
    /// ## Example
    /// ```ini title="config/pgbouncer/pgbouncer.ini"
    /// [pgbouncer]
    /// listen_addr = 0.0.0.0
    /// listen_port = 6432
    ///
    /// [databases]
    /// app = host=db port=5432 dbname=app
    ///
    /// [pgbouncer]
    /// pool_mode = transaction
    /// ```
    ///
    /// ## How to fix
    /// Keep one `[pgbouncer]` section. In a file that is `%include`d, leave out the header:
    /// its lines belong to the section of the `%include` line.
    ///
    /// ```ini title="config/pgbouncer/pgbouncer.ini"
    /// [databases]
    /// app = host=db port=5432 dbname=app
    ///
    /// [pgbouncer]
    /// listen_addr = 0.0.0.0
    /// listen_port = 6432
    /// pool_mode = transaction
    /// ```
    pub(crate) struct RepeatedPgbouncerSection {
        code: "PGB016",
        name: "repeated-pgbouncer-section",
        family: Pgbouncer,
        severity: Error,
        scope: ALL,
    }
}

/// How many lost settings a message names.
const MAX_NAMED: usize = 6;

impl Rule for RepeatedPgbouncerSection {
    fn check_project(&self, ctx: &mut Ctx<'_>) {
        let all = pgbouncers(ctx.project);
        let mut seen = HashSet::new();
        for config in &all.configs {
            let headers = &config.main_headers;
            for (i, &(file, span, start)) in headers.iter().enumerate().skip(1) {
                if !seen.insert((file, span)) {
                    continue;
                }
                let main = |e: &&super::EffEntry| e.section == MAIN_SECTION;
                let later: HashSet<&str> = config.entries[start.min(config.entries.len())..]
                    .iter()
                    .filter(main)
                    .map(|e| e.entry.key.as_str())
                    .collect();
                let mut lost: Vec<&super::EffEntry> = Vec::new();
                for e in config.entries[..start.min(config.entries.len())]
                    .iter()
                    .filter(main)
                {
                    if !later.contains(e.entry.key.as_str())
                        && !lost.iter().any(|l| l.entry.key == e.entry.key)
                    {
                        lost.push(e);
                    }
                }
                if lost.is_empty() {
                    continue;
                }
                let mut names: Vec<String> = lost
                    .iter()
                    .take(MAX_NAMED)
                    .map(|e| format!("`{}`", e.entry.key))
                    .collect();
                if lost.len() > MAX_NAMED {
                    names.push(format!("{} more", lost.len() - MAX_NAMED));
                }
                let d = ctx.report(
                    file,
                    span,
                    format!(
                        "this [pgbouncer] section resets every setting to its default: {} \
                         set before it {} lost",
                        names.join(", "),
                        if lost.len() == 1 { "is" } else { "are" }
                    ),
                );
                d.help(
                    "keep one [pgbouncer] section; in a file that is %include'd, leave out the \
                     header",
                );
                let (first_file, first_span, _) = headers[i - 1];
                d.related(first_file, first_span, "the earlier [pgbouncer] section");
            }
        }
    }
}
