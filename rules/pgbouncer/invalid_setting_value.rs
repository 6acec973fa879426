use super::{effective_value, ini, protect_ini, MAIN_SECTION};
use crate::parse::pgbouncer::{
    check_value, database_param, parse_connstr_checked, peer_param, pgbouncer_setting,
    user_param, ValueType,
};
use crate::project::ParsedFile;
use crate::rule::{Ctx, Rule};

crate::declare_rule! {
    /// ## What it does
    /// Reports a value in `pgbouncer.ini` that PgBouncer cannot read: a flag written `on` or
    /// `true` instead of `1`, a number with a unit (`30s`), a port out of range, a pool mode or
    /// `auth_type` PgBouncer does not know, a file mode without its leading zero, and in
    /// `[databases]`, `[users]` and `[peers]` a connection string with a syntax error or an
    /// invalid `port`, `pool_mode`, `load_balance_hosts` or `target_session_attrs`. A value
    /// with a trailing comment is checked without the comment, which PGB009 reports.
    ///
    /// ## Why it matters
    /// PgBouncer stops loading its configuration at the first value it cannot read ("invalid
    /// value ... for parameter ...", "syntax error in connection string"): at startup it exits,
    /// on `RELOAD` it keeps the old configuration and the change silently does not happen. Its
    /// flags are numbers, unlike most configuration formats, and its timeouts are plain seconds,
    /// so values that look right to a reviewer are refused.
    ///
    /// ## Example
    /// ```ini title="config/pgbouncer/pgbouncer.ini"
    /// [databases]
    /// app = host=db port=5432 dbname=app pool_mode=transactions
    ///
    /// [pgbouncer]
    /// log_connections = on
    /// server_idle_timeout = 10min
    /// ```
    ///
    /// ## How to fix
    /// ```ini title="config/pgbouncer/pgbouncer.ini"
    /// [databases]
    /// app = host=db port=5432 dbname=app pool_mode=transaction
    ///
    /// [pgbouncer]
    /// log_connections = 1
    /// server_idle_timeout = 600
    /// ```
    pub(crate) struct InvalidSettingValue {
        code: "PGB008",
        name: "invalid-setting-value",
        family: Pgbouncer,
        severity: Error,
        scope: ALL,
    }
}

impl Rule for InvalidSettingValue {
    fn check_file(&self, file: &ParsedFile, ctx: &mut Ctx<'_>) {
        let Some(ini) = ini(file) else { return };
        for section in &ini.sections {
            let lookup: fn(&str) -> Option<ValueType> = match section.name.as_str() {
                MAIN_SECTION => {
                    for e in &section.entries {
                        let Some(ty) = pgbouncer_setting(&e.key) else {
                            continue;
                        };
                        let (value, span) = effective_value(&section.name, e);
                        if let Err(why) = check_value(&ty, value) {
                            ctx.report(
                                file.id,
                                span,
                                format!("invalid value for `{}`: {why}", e.key),
                            )
                            .help("PgBouncer refuses to load the file with this value");
                        }
                    }
                    continue;
                }
                "databases" => database_param,
                "users" => user_param,
                "peers" => peer_param,
                _ => continue,
            };
            for e in &section.entries {
                let (value, span) = effective_value(&section.name, e);
                let (params, issues) = parse_connstr_checked(value, span);
                let quiet = value.contains("password");
                for issue in issues {
                    let message = if quiet {
                        format!("syntax error in the connection string of `{}`", e.key)
                    } else {
                        format!(
                            "syntax error in the connection string of `{}`: {}",
                            e.key, issue.message
                        )
                    };
                    let d = ctx.report(file.id, issue.span, message);
                    d.help(
                        "connection strings are `key=value` pairs separated by spaces, with \
                         values that contain spaces in single quotes",
                    );
                    protect_ini(d, file.id, ini);
                }
                for p in params {
                    let why = match lookup(&p.key) {
                        Some(ValueType::Port) => port_problem(&p.value),
                        Some(ty @ ValueType::Enum(_)) => check_value(&ty, &p.value).err(),
                        _ => None,
                    };
                    if let Some(why) = why {
                        let d = ctx.report(
                            file.id,
                            p.value_span,
                            format!("invalid value for `{}` of `{}`: {why}", p.key, e.key),
                        );
                        d.help("PgBouncer refuses to load the file with this value");
                        protect_ini(d, file.id, ini);
                    }
                }
            }
        }
    }
}

/// PgBouncer reads a connection string's port with `atoi` and refuses 0, which is also what
/// `atoi` returns for text that does not start with a number.
fn port_problem(value: &str) -> Option<String> {
    let t = value.trim_start();
    let (sign, digits) = match t.as_bytes().first() {
        Some(b'-') => (-1i64, &t[1..]),
        Some(b'+') => (1, &t[1..]),
        _ => (1, t),
    };
    let n: i64 = digits
        .bytes()
        .take_while(u8::is_ascii_digit)
        .fold(0i64, |n, d| (n * 10 + i64::from(d - b'0')).min(1 << 40))
        * sign;
    if (1..=65535).contains(&n) {
        None
    } else {
        Some(format!("expected a port between 1 and 65535, found `{value}`"))
    }
}
