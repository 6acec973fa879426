use super::{edit_distance, effective_value, ini, protect_ini, MAIN_SECTION};
use crate::parse::pgbouncer::{
    closest_setting, database_param, parse_connstr, peer_param, pgbouncer_setting,
    pgbouncer_settings, user_param, ValueType,
};
use crate::project::ParsedFile;
use crate::rule::{Ctx, Rule};

/// The sections PgBouncer knows; it refuses any other (`cf_set` in libusual's `cfparser.c`).
const SECTIONS: &[&str] = &["databases", "users", "peers", "pgbouncer"];

crate::declare_rule! {
    /// ## What it does
    /// Reports what PgBouncer does not know in `pgbouncer.ini`: a setting of the `[pgbouncer]`
    /// section that does not exist or is not spelt exactly (`max_client_connections`,
    /// `Listen_Port`), a section other than `[databases]`, `[users]`, `[peers]` and
    /// `[pgbouncer]`, and a parameter of a `[databases]`, `[users]` or `[peers]` connection
    /// string that PgBouncer does not accept. The finding suggests the closest known name.
    ///
    /// ## Why it matters
    /// PgBouncer compares section and setting names exactly, case included, and an unknown one
    /// is not skipped with a warning: loading stops at it ("unknown parameter: pgbouncer/...",
    /// "invalid section", "unrecognized connection parameter") and PgBouncer does not start, or
    /// on `RELOAD` keeps running with the old configuration. A typo in a rarely edited file is
    /// found at the next deploy, when the pooler is down.
    ///
    /// ## Example
    /// ```ini title="config/pgbouncer/pgbouncer.ini"
    /// [databases]
    /// app = host=db port=5432 dbname=app
    ///
    /// [pgbouncer]
    /// listen_port = 6432
    /// max_client_connections = 500
    /// Default_Pool_Size = 20
    /// ```
    ///
    /// ## How to fix
    /// Use the names from PgBouncer's configuration reference, spelt exactly.
    ///
    /// ```ini title="config/pgbouncer/pgbouncer.ini"
    /// [databases]
    /// app = host=db port=5432 dbname=app
    ///
    /// [pgbouncer]
    /// listen_port = 6432
    /// max_client_conn = 500
    /// default_pool_size = 20
    /// ```
    pub(crate) struct UnknownSetting {
        code: "PGB007",
        name: "unknown-setting",
        family: Pgbouncer,
        severity: Error,
        scope: ALL,
    }
}

impl Rule for UnknownSetting {
    fn check_file(&self, file: &ParsedFile, ctx: &mut Ctx<'_>) {
        let Some(ini) = ini(file) else { return };
        for section in &ini.sections {
            if !SECTIONS.contains(&section.name.as_str()) {
                let suggestion = SECTIONS
                    .iter()
                    .map(|s| (edit_distance(&section.name.to_ascii_lowercase(), s), *s))
                    .filter(|(d, _)| *d <= 2)
                    .min();
                let d = ctx.report(
                    file.id,
                    section.name_span,
                    format!(
                        "unknown section `[{}]`; PgBouncer refuses to load the file",
                        section.name
                    ),
                );
                match suggestion {
                    Some((_, s)) => d.help(format!("did you mean `[{s}]`?")),
                    None => d.help("the sections are [databases], [users], [peers] and [pgbouncer]"),
                };
                continue;
            }
            if section.name == MAIN_SECTION {
                for e in &section.entries {
                    if pgbouncer_setting(&e.key).is_some() {
                        continue;
                    }
                    let suggestion = suggest_setting(&e.key);
                    let (message, help) = match suggestion {
                        Some(s) if s.eq_ignore_ascii_case(&e.key) => (
                            format!(
                                "unknown setting `{}`: PgBouncer matches setting names exactly, \
                                 case included",
                                e.key
                            ),
                            format!("write it as `{s}`"),
                        ),
                        Some(s) => (
                            format!(
                                "unknown setting `{}`; PgBouncer refuses to load the file",
                                e.key
                            ),
                            format!("did you mean `{s}`?"),
                        ),
                        None => (
                            format!(
                                "unknown setting `{}`; PgBouncer refuses to load the file",
                                e.key
                            ),
                            "see PgBouncer's configuration reference for the settings of \
                             [pgbouncer]"
                                .to_string(),
                        ),
                    };
                    ctx.report(file.id, e.key_span, message).help(help);
                }
                continue;
            }
            let lookup: fn(&str) -> Option<ValueType> = match section.name.as_str() {
                "databases" => database_param,
                "users" => user_param,
                _ => peer_param,
            };
            for e in &section.entries {
                let (value, span) = effective_value(&section.name, e);
                // A fragment of a password split by a space could look like a parameter name.
                let quiet = value.contains("password");
                for p in parse_connstr(value, span) {
                    if lookup(&p.key).is_some() {
                        continue;
                    }
                    let message = if quiet {
                        format!(
                            "unknown connection parameter in [{}] `{}`; PgBouncer refuses to \
                             load the file",
                            section.name, e.key
                        )
                    } else {
                        format!(
                            "unknown connection parameter `{}` in [{}] `{}`; PgBouncer refuses \
                             to load the file",
                            p.key, section.name, e.key
                        )
                    };
                    let lower = p.key.to_ascii_lowercase();
                    let d = ctx.report(file.id, p.key_span, message);
                    if !quiet && lower != p.key && lookup(&lower).is_some() {
                        d.help(format!("write it as `{lower}`: parameter names are lowercase"));
                    } else {
                        d.help(format!(
                            "see the [{}] section of PgBouncer's configuration reference",
                            section.name
                        ));
                    }
                    protect_ini(d, file.id, ini);
                }
            }
        }
    }
}

/// The setting a misspelt name most likely means: the same name in other case, a setting the
/// name starts with (`max_client_connections` → `max_client_conn`), or the closest by edits.
fn suggest_setting(key: &str) -> Option<&'static str> {
    let lower = key.to_ascii_lowercase();
    if let Some(s) = pgbouncer_settings().find(|s| *s == lower) {
        return Some(s);
    }
    pgbouncer_settings()
        .filter(|s| s.len() >= 8 && lower.starts_with(s))
        .max_by_key(|s| s.len())
        .or_else(|| closest_setting(key))
}

#[cfg(test)]
mod tests {
    use super::suggest_setting;

    #[test]
    fn suggestions_prefer_case_then_prefix_then_edits() {
        assert_eq!(suggest_setting("Listen_Port"), Some("listen_port"));
        assert_eq!(suggest_setting("max_client_connections"), Some("max_client_conn"));
        assert_eq!(suggest_setting("max_client_con"), Some("max_client_conn"));
        assert_eq!(suggest_setting("pool_mod"), Some("pool_mode"));
        assert_eq!(suggest_setting("completely_made_up_option"), None);
    }
}
