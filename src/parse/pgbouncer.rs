//! PgBouncer `userlist.txt` (the `auth_file`) and `pgbouncer.ini`, read the way PgBouncer reads
//! them, with a span on every value.
//!
//! PgBouncer's own readers are small and strict, and this module follows them:
//!
//! - The auth file (`load_auth_file` in PgBouncer's `src/loader.c`) is one `"user" "secret"` pair
//!   per line, `""` escaping a quote, `;` starting a comment line. Text after the second field is
//!   ignored. The first malformed line stops loading: users below it do not exist for PgBouncer.
//! - The ini file (`parse_ini_file` in libusual's `usual/cfparser.c`) has `[section]` headers,
//!   `key = value` lines, comment lines starting with `;` or `#`, and `%include path`. A `;` or
//!   `#` later in a line is *not* a comment: the value is the whole rest of the line, trimmed
//!   (PgBouncer's configuration reference says so too). Section and key names are matched
//!   case-sensitively by PgBouncer; [`Ini::section`] and [`Ini::get`] look them up
//!   case-insensitively so that rules can find a misspelt `Listen_Port` and say so.

use super::ParseIssue;
use crate::source::Span;
use crate::text::edit_distance;

// ---------------------------------------------------------------------------------------------
// userlist.txt
// ---------------------------------------------------------------------------------------------

/// A parsed PgBouncer auth file.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Userlist {
    pub entries: Vec<UserEntry>,
    /// The first malformed line. PgBouncer stops loading the file there, so entries after it
    /// (still listed in `entries`, for the other rules) are not loaded by PgBouncer.
    pub broken_line: Option<Span>,
}

/// One `"user" "secret"` line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UserEntry {
    /// The user name, unescaped (`""` → `"`).
    pub user: String,
    /// The user name inside its quotes.
    pub user_span: Span,
    /// The secret, unescaped. Never print it: it may be a real password.
    pub secret: String,
    /// The secret inside its quotes.
    pub secret_span: Span,
    pub kind: SecretKind,
    /// The whole line, without its terminator.
    pub line_span: Span,
}

/// What kind of secret a userlist entry holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SecretKind {
    /// `md5` followed by 32 hex digits.
    Md5,
    /// Starts with `md5` but is not an MD5 hash (PgBouncer treats it as a plain-text password).
    Md5Malformed,
    /// A well-formed `SCRAM-SHA-256$<iterations>:<salt>$<storedkey>:<serverkey>` secret.
    Scram,
    /// Starts with `SCRAM-SHA-256$` but is not a valid SCRAM secret.
    ScramMalformed,
    /// Anything else: a plain-text password.
    Plain,
    /// `""`.
    Empty,
}

impl SecretKind {
    /// Classifies a secret as PgBouncer and PostgreSQL would read it.
    pub fn of(secret: &str) -> SecretKind {
        if secret.is_empty() {
            SecretKind::Empty
        } else if let Some(hex) = secret.strip_prefix("md5") {
            if hex.len() == 32 && hex.bytes().all(|b| b.is_ascii_hexdigit()) {
                SecretKind::Md5
            } else {
                SecretKind::Md5Malformed
            }
        } else if let Some(rest) = secret.strip_prefix("SCRAM-SHA-256$") {
            if is_valid_scram(rest) {
                SecretKind::Scram
            } else {
                SecretKind::ScramMalformed
            }
        } else {
            SecretKind::Plain
        }
    }
}

/// Length of a SHA-256 digest: the size of a SCRAM stored key and server key.
const SCRAM_KEY_LEN: usize = 32;

/// `<iterations>:<salt>$<storedkey>:<serverkey>`, as PostgreSQL's `parse_scram_secret` checks it.
fn is_valid_scram(rest: &str) -> bool {
    let Some((iter_salt, keys)) = rest.split_once('$') else {
        return false;
    };
    let Some((iterations, salt)) = iter_salt.split_once(':') else {
        return false;
    };
    let Some((stored, server)) = keys.split_once(':') else {
        return false;
    };
    let iterations_ok = !iterations.is_empty()
        && iterations.bytes().all(|b| b.is_ascii_digit())
        && iterations.parse::<u32>().is_ok_and(|n| n > 0);
    iterations_ok
        && base64_decoded_len(salt).is_some_and(|n| n > 0)
        && base64_decoded_len(stored) == Some(SCRAM_KEY_LEN)
        && base64_decoded_len(server) == Some(SCRAM_KEY_LEN)
}

/// The decoded length of canonical, padded standard base64, or `None` if `s` is not that.
pub fn base64_decoded_len(s: &str) -> Option<usize> {
    let b = s.as_bytes();
    if b.is_empty() || !b.len().is_multiple_of(4) {
        return None;
    }
    let pad = b.iter().rev().take_while(|&&c| c == b'=').count();
    if pad > 2 {
        return None;
    }
    let body = &b[..b.len() - pad];
    if !body
        .iter()
        .all(|&c| c.is_ascii_alphanumeric() || c == b'+' || c == b'/')
    {
        return None;
    }
    Some(b.len() / 4 * 3 - pad)
}

/// Parses a PgBouncer auth file. Never panics.
pub fn parse_userlist(text: &str) -> (Userlist, Vec<ParseIssue>) {
    let mut list = Userlist::default();
    let mut issues = Vec::new();
    let mut broken_line = None;
    for line in lines(text) {
        let mut broken = |issues: &mut Vec<ParseIssue>, span: Span, message: &str| {
            if broken_line.is_none() {
                broken_line = Some(line.span());
                issues.push(ParseIssue::new(
                    span,
                    format!("{message}; PgBouncer stops loading users at this line"),
                ));
            } else {
                issues.push(ParseIssue::new(span, message));
            }
        };
        let s = line.text;
        let mut i = 0;
        if line.start == 0 && s.starts_with('\u{feff}') {
            broken(
                &mut issues,
                Span::new(0, 3),
                "the file starts with a byte order mark, which PgBouncer reads as text",
            );
            i = 3;
        }
        i = skip_space(s, i);
        if i == s.len() || s[i..].starts_with(';') {
            continue;
        }
        let rest_end = trim_end_at(s);
        let at = |a: usize, b: usize| Span::new(line.start + a, line.start + b.max(a));
        if !s[i..].starts_with('"') {
            let message = if s[i..].starts_with('#') {
                "`#` does not start a comment in a PgBouncer auth file; use `;`"
            } else {
                "expected a double-quoted user name: lines look like \"user\" \"secret\""
            };
            broken(&mut issues, at(i, rest_end), message);
            continue;
        }
        let user_field = match quoted_field(s, i) {
            Ok(f) => f,
            Err(()) => {
                broken(
                    &mut issues,
                    at(i, rest_end),
                    "the user name has no closing double quote",
                );
                continue;
            }
        };
        let mut j = skip_space(s, user_field.end);
        if j == s.len() {
            broken(
                &mut issues,
                at(i, user_field.end),
                "missing the secret: expected a second double-quoted field after the user name",
            );
            continue;
        }
        if !s[j..].starts_with('"') {
            match s[j..].find('"') {
                Some(q) => {
                    issues.push(ParseIssue::new(
                        at(j, trim_end_at(&s[..j + q])),
                        "unexpected text between the user name and the secret",
                    ));
                    j += q;
                }
                None => {
                    broken(
                        &mut issues,
                        at(j, rest_end),
                        "the secret must be in double quotes",
                    );
                    continue;
                }
            }
        }
        let secret_field = match quoted_field(s, j) {
            Ok(f) => f,
            Err(()) => {
                broken(
                    &mut issues,
                    at(j, rest_end),
                    "the secret has no closing double quote",
                );
                continue;
            }
        };
        // Further quoted fields are allowed ("PgBouncer ignores the rest of the line");
        // anything else after the secret is reported.
        let mut k = skip_space(s, secret_field.end);
        while k < s.len() && s[k..].starts_with('"') {
            match quoted_field(s, k) {
                Ok(f) => k = skip_space(s, f.end),
                Err(()) => break,
            }
        }
        if k < s.len() {
            issues.push(ParseIssue::new(
                at(k, rest_end),
                "unexpected text after the secret (PgBouncer ignores it)",
            ));
        }
        list.entries.push(UserEntry {
            kind: SecretKind::of(&secret_field.value),
            user: user_field.value,
            user_span: at(user_field.content.0, user_field.content.1),
            secret: secret_field.value,
            secret_span: at(secret_field.content.0, secret_field.content.1),
            line_span: line.span(),
        });
    }
    list.broken_line = broken_line;
    (list, issues)
}

struct QuotedField {
    value: String,
    /// Offsets of the content inside the quotes, relative to the line.
    content: (usize, usize),
    /// Offset just after the closing quote.
    end: usize,
}

/// A `"…"` field starting at `s[start] == '"'`, with `""` as an escaped quote.
fn quoted_field(s: &str, start: usize) -> Result<QuotedField, ()> {
    let mut value = String::new();
    let mut pos = start + 1;
    loop {
        let rel = s[pos..].find('"').ok_or(())?;
        value.push_str(&s[pos..pos + rel]);
        let q = pos + rel;
        if s[q + 1..].starts_with('"') {
            value.push('"');
            pos = q + 2;
        } else {
            return Ok(QuotedField {
                value,
                content: (start + 1, q),
                end: q + 1,
            });
        }
    }
}

// ---------------------------------------------------------------------------------------------
// pgbouncer.ini
// ---------------------------------------------------------------------------------------------

/// A parsed `pgbouncer.ini`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Ini {
    /// Sections in file order; a name may appear more than once. (PgBouncer resets every
    /// setting when it enters another `[pgbouncer]` section: PGB016 reports that.)
    pub sections: Vec<Section>,
    /// `%include` directives, in file order. Following them is the caller's job.
    pub includes: Vec<Include>,
    /// Settings before any `[section]` header. PgBouncer refuses them in the file it is
    /// started with (an issue says so), but in a file that is `%include`d they belong to the
    /// section of the `%include` line.
    pub preamble: Vec<IniEntry>,
}

/// A `[name]` section and the entries under it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Section {
    /// The name as written between the brackets (PgBouncer does not trim it).
    pub name: String,
    pub name_span: Span,
    /// The `[name]` header, brackets included.
    pub header_span: Span,
    pub entries: Vec<IniEntry>,
}

/// One `key = value` line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IniEntry {
    /// The key as written (for a `'quoted'` key, without the quotes).
    pub key: String,
    pub key_span: Span,
    /// The raw value: the rest of the line after `=`, trimmed. A trailing `; text` is part of it.
    pub value: String,
    /// The value's span (empty, just after `=`, for an empty value).
    pub value_span: Span,
    pub line_span: Span,
}

/// A `%include path` directive.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Include {
    pub path: String,
    /// The path's span.
    pub span: Span,
}

impl Ini {
    /// The first section with this name, compared case-insensitively.
    pub fn section(&self, name: &str) -> Option<&Section> {
        self.sections
            .iter()
            .find(|s| s.name.eq_ignore_ascii_case(name))
    }

    /// The entry PgBouncer ends up using for `key` in `section` (both case-insensitive): the last
    /// one, across every section of that name.
    pub fn get(&self, section: &str, key: &str) -> Option<&IniEntry> {
        self.sections
            .iter()
            .filter(|s| s.name.eq_ignore_ascii_case(section))
            .flat_map(|s| s.entries.iter())
            .rfind(|e| e.key.eq_ignore_ascii_case(key))
    }
}

/// Parses a `pgbouncer.ini`. Never panics.
pub fn parse_ini(text: &str) -> (Ini, Vec<ParseIssue>) {
    let mut ini = Ini::default();
    let mut issues = Vec::new();
    for line in lines(text) {
        let s = line.text;
        let at = |a: usize, b: usize| Span::new(line.start + a, line.start + b.max(a));
        let mut i = 0;
        if line.start == 0 && s.starts_with('\u{feff}') {
            issues.push(ParseIssue::new(
                Span::new(0, 3),
                "the file starts with a byte order mark, which PgBouncer reads as text",
            ));
            i = 3;
        }
        i = skip_space(s, i);
        let end = trim_end_at(s);
        if i >= end {
            continue;
        }
        let rest = &s[i..end];
        if let Some(after) = rest.strip_prefix("%include") {
            if after.is_empty() || after.starts_with([' ', '\t']) {
                let p = skip_space(s, i + "%include".len());
                if p >= end {
                    issues.push(ParseIssue::new(
                        at(i, end),
                        "`%include` without a file name",
                    ));
                } else {
                    ini.includes.push(Include {
                        path: s[p..end].to_string(),
                        span: at(p, end),
                    });
                }
                continue;
            }
        }
        if rest.starts_with([';', '#']) {
            continue;
        }
        if rest.starts_with('[') {
            let Some(close) = rest.find(']') else {
                issues.push(ParseIssue::new(
                    at(i, end),
                    "section header has no closing `]`",
                ));
                continue;
            };
            let close = i + close;
            let after = skip_space(s, close + 1);
            if after < end && !s[after..].starts_with([';', '#']) {
                issues.push(ParseIssue::new(
                    at(after, end),
                    "unexpected text after the section header",
                ));
            }
            ini.sections.push(Section {
                name: s[i + 1..close].to_string(),
                name_span: at(i + 1, close),
                header_span: at(i, close + 1),
                entries: Vec::new(),
            });
            continue;
        }
        // Ex) `listen_port = 6432`, `'my db' = host=db`
        let (key, key_span, after_key) = if let Some(quoted) = rest.strip_prefix('\'') {
            match quoted.find('\'') {
                Some(q) if q > 0 => (
                    s[i + 1..i + 1 + q].to_string(),
                    at(i + 1, i + 1 + q),
                    i + q + 2,
                ),
                Some(_) => {
                    issues.push(ParseIssue::new(at(i, i + 2), "empty quoted key"));
                    continue;
                }
                None => {
                    issues.push(ParseIssue::new(at(i, end), "quoted key has no closing `'`"));
                    continue;
                }
            }
        } else {
            let k = i + rest
                .bytes()
                .take_while(|&b| b.is_ascii_alphanumeric() || b"_.-*".contains(&b))
                .count();
            (s[i..k].to_string(), at(i, k), k)
        };
        let eq = skip_blank(s, after_key);
        if !s[eq..].starts_with('=') {
            let message = if key.is_empty() {
                "expected `key = value`, a `[section]` header, `%include` or a comment".to_string()
            } else {
                format!("expected `=` after `{key}`")
            };
            let from = if key.is_empty() { i } else { eq.min(end) };
            issues.push(ParseIssue::new(at(from, end), message));
            continue;
        }
        let v = skip_blank(s, eq + 1).min(end.max(eq + 1));
        let entry = IniEntry {
            key,
            key_span,
            value: s[v..end.max(v)].to_string(),
            value_span: at(v, end.max(v)),
            line_span: line.span(),
        };
        match ini.sections.last_mut() {
            Some(section) => section.entries.push(entry),
            None => {
                ini.preamble.push(entry);
                issues.push(ParseIssue::new(at(i, end), PREAMBLE_ISSUE));
            }
        }
    }
    (ini, issues)
}

/// The issue of a setting before any `[section]` header: an error in the file PgBouncer is
/// started with, normal in a file it `%include`s.
pub const PREAMBLE_ISSUE: &str = "setting before any [section] header (PgBouncer refuses the file)";

// ---------------------------------------------------------------------------------------------
// Connection strings in [databases], [users] and [peers]
// ---------------------------------------------------------------------------------------------

/// One `key=value` parameter of a connection string.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConnParam {
    pub key: String,
    pub key_span: Span,
    /// The value, unquoted (`'it''s'` → `it's`).
    pub value: String,
    /// The value's span, inside the quotes when quoted.
    pub value_span: Span,
}

/// Splits a `[databases]`/`[users]`/`[peers]` value such as `host=db port=5432 dbname=app`.
/// Values may be single-quoted, with `''` for a quote. Parameters before a syntax error are
/// returned; see [`parse_connstr_checked`] for the errors.
pub fn parse_connstr(value: &str, value_span: Span) -> Vec<ConnParam> {
    parse_connstr_checked(value, value_span).0
}

/// [`parse_connstr`], also returning what PgBouncer would reject ("syntax error in connection
/// string"), located in the file. Mirrors `cstr_get_pair` in PgBouncer's `src/loader.c`.
pub fn parse_connstr_checked(value: &str, value_span: Span) -> (Vec<ConnParam>, Vec<ParseIssue>) {
    let base = value_span.start;
    let at = |a: usize, b: usize| Span::new(base + a, base + b.max(a));
    let is_ws = |c: char| c.is_ascii_whitespace();
    let mut params = Vec::new();
    let mut issues = Vec::new();
    let mut p = 0;
    loop {
        p += value[p..].len() - value[p..].trim_start_matches(is_ws).len();
        if p >= value.len() {
            break;
        }
        let key_start = p;
        let key_len = value[p..].find(['=', ' ']).unwrap_or(value.len() - p);
        let key_end = p + key_len;
        p = key_end;
        p += value[p..].len() - value[p..].trim_start_matches(is_ws).len();
        if key_end == key_start || !value[p..].starts_with('=') {
            let word_end = value[key_start..]
                .find(is_ws)
                .map_or(value.len(), |n| key_start + n);
            issues.push(ParseIssue::new(
                at(key_start, word_end.max(key_end)),
                if key_end == key_start {
                    "connection parameter without a name".to_string()
                } else {
                    format!("expected `=` after `{}`", &value[key_start..key_end])
                },
            ));
            break;
        }
        p += 1;
        p += value[p..].len() - value[p..].trim_start_matches(is_ws).len();
        let key = value[key_start..key_end].to_string();
        let (val, val_start, val_end) = if value[p..].starts_with('\'') {
            let start = p + 1;
            let mut out = String::new();
            let mut q = start;
            let close = loop {
                match value[q..].find('\'') {
                    None => break None,
                    Some(n) => {
                        out.push_str(&value[q..q + n]);
                        if value[q + n + 1..].starts_with('\'') {
                            out.push('\'');
                            q += n + 2;
                        } else {
                            break Some(q + n);
                        }
                    }
                }
            };
            let Some(close) = close else {
                issues.push(ParseIssue::new(
                    at(p, value.trim_end().len()),
                    format!("the value of `{key}` has no closing `'`"),
                ));
                break;
            };
            p = close + 1;
            (out, start, close)
        } else {
            let end = value[p..].find(' ').map_or(value.len(), |n| p + n);
            let v = (value[p..end].to_string(), p, end);
            p = end;
            v
        };
        if val.is_empty() {
            issues.push(ParseIssue::new(
                at(key_start, val_end.max(key_end + 1)),
                format!("`{key}` has an empty value"),
            ));
            break;
        }
        params.push(ConnParam {
            key,
            key_span: at(key_start, key_end),
            value: val,
            value_span: at(val_start, val_end),
        });
    }
    (params, issues)
}

// ---------------------------------------------------------------------------------------------
// The settings schema
// ---------------------------------------------------------------------------------------------

/// How PgBouncer reads a setting's value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ValueType {
    /// An on/off flag. PgBouncer reads it as an integer (0 off, anything else on): `on`, `true`
    /// and `yes` are rejected and stop PgBouncer from starting.
    Bool,
    /// A C integer (`strtol` base 0: `10`, `0x1f`, `017`).
    Int,
    /// An unsigned C integer.
    UInt,
    /// A TCP port, 1–65535.
    Port,
    /// A file mode, written in octal with a leading zero (`0777`).
    FileMode,
    /// Seconds, possibly fractional (`30`, `0.5`); no unit suffix.
    Duration,
    /// Free text (a query, a name, cipher list).
    Text,
    /// One of these words, compared case-insensitively.
    Enum(&'static [&'static str]),
    /// A file or directory path.
    Path,
    /// Comma-separated addresses or host names, or `*`.
    HostList,
    /// Comma-separated user names.
    NameList,
    /// Comma-separated startup parameter names.
    ParamList,
}

pub const AUTH_TYPES: &[&str] = &[
    "any",
    "trust",
    "plain",
    "md5",
    "cert",
    "hba",
    "ldap",
    "pam",
    "scram-sha-256",
];
pub const POOL_MODES: &[&str] = &["session", "transaction", "statement"];
pub const SSL_MODES: &[&str] = &[
    "disable",
    "allow",
    "prefer",
    "require",
    "verify-ca",
    "verify-full",
];
pub const SYSLOG_FACILITIES: &[&str] = &[
    "auth", "authpriv", "daemon", "user", "local0", "local1", "local2", "local3", "local4",
    "local5", "local6", "local7",
];
pub const DHE_PARAMS: &[&str] = &["none", "auto", "legacy"];
pub const LOAD_BALANCE_HOSTS: &[&str] = &["disable", "round-robin"];
pub const TARGET_SESSION_ATTRS: &[&str] = &["any", "read-write", "read-only", "primary", "standby"];

/// Every setting of the `[pgbouncer]` section, from PgBouncer's configuration reference
/// (`doc/config.md`) and its parameter table (`bouncer_params` in `src/main.c`). Sorted.
const SETTINGS: &[(&str, ValueType)] = {
    use ValueType::*;
    &[
        ("admin_users", NameList),
        ("application_name_add_host", Bool),
        ("auth_dbname", Text),
        ("auth_file", Path),
        ("auth_hba_file", Path),
        ("auth_ident_file", Path),
        ("auth_ldap_options", Text),
        ("auth_query", Text),
        ("auth_type", Enum(AUTH_TYPES)),
        ("auth_user", Text),
        ("autodb_idle_timeout", Duration),
        ("cancel_wait_timeout", Duration),
        ("client_idle_timeout", Duration),
        ("client_login_timeout", Duration),
        ("client_tls13_ciphers", Text),
        ("client_tls_ca_file", Path),
        ("client_tls_cert_file", Path),
        ("client_tls_ciphers", Text),
        ("client_tls_dheparams", Enum(DHE_PARAMS)),
        ("client_tls_ecdhcurve", Text),
        ("client_tls_key_file", Path),
        ("client_tls_protocols", Text),
        ("client_tls_sslmode", Enum(SSL_MODES)),
        ("conffile", Path),
        ("default_pool_size", Int),
        ("disable_pqexec", Bool),
        ("dns_max_ttl", Duration),
        ("dns_nxdomain_ttl", Duration),
        ("dns_zone_check_period", Duration),
        ("idle_transaction_timeout", Duration),
        ("ignore_startup_parameters", ParamList),
        ("job_name", Text),
        ("listen_addr", HostList),
        ("listen_backlog", Int),
        ("listen_port", Port),
        ("log_connections", Bool),
        ("log_disconnections", Bool),
        ("log_pooler_errors", Bool),
        ("log_stats", Bool),
        ("logfile", Path),
        ("login_notify_message", Text),
        ("max_client_conn", Int),
        ("max_db_client_connections", Int),
        ("max_db_connections", Int),
        ("max_packet_size", UInt),
        ("max_prepared_statements", Int),
        ("max_user_client_connections", Int),
        ("max_user_connections", Int),
        ("min_pool_size", Int),
        ("peer_id", Int),
        ("pidfile", Path),
        ("pkt_buf", Int),
        ("pool_idle_timeout", Duration),
        ("pool_mode", Enum(POOL_MODES)),
        ("query_timeout", Duration),
        ("query_wait_notify", Int),
        ("query_wait_timeout", Duration),
        ("reserve_pool_size", Int),
        ("reserve_pool_timeout", Duration),
        ("resolv_conf", Path),
        ("sbuf_loopcnt", Int),
        ("scram_iterations", Int),
        ("server_check_delay", Duration),
        ("server_check_query", Text),
        ("server_connect_timeout", Duration),
        ("server_fast_close", Bool),
        ("server_idle_timeout", Duration),
        ("server_lifetime", Duration),
        ("server_login_retry", Duration),
        ("server_reset_query", Text),
        ("server_reset_query_always", Bool),
        ("server_round_robin", Bool),
        ("server_tls13_ciphers", Text),
        ("server_tls_ca_file", Path),
        ("server_tls_cert_file", Path),
        ("server_tls_ciphers", Text),
        ("server_tls_key_file", Path),
        ("server_tls_protocols", Text),
        ("server_tls_sslmode", Enum(SSL_MODES)),
        ("service_name", Text),
        ("so_reuseport", Bool),
        ("stats_period", Int),
        ("stats_users", NameList),
        ("suspend_timeout", Duration),
        ("syslog", Bool),
        ("syslog_facility", Enum(SYSLOG_FACILITIES)),
        ("syslog_ident", Text),
        ("tcp_defer_accept", Bool),
        ("tcp_keepalive", Bool),
        ("tcp_keepcnt", Int),
        ("tcp_keepidle", Int),
        ("tcp_keepintvl", Int),
        ("tcp_socket_buffer", Int),
        ("tcp_user_timeout", Int),
        ("track_extra_parameters", ParamList),
        ("transaction_timeout", Duration),
        ("unix_socket_dir", Path),
        ("unix_socket_group", Text),
        ("unix_socket_mode", FileMode),
        ("user", Text),
        ("verbose", Int),
    ]
};

/// Parameters of a `[databases]` connection string.
const DATABASE_PARAMS: &[(&str, ValueType)] = {
    use ValueType::*;
    &[
        ("application_name", Text),
        ("auth_dbname", Text),
        ("auth_query", Text),
        ("auth_user", Text),
        ("client_encoding", Text),
        ("connect_query", Text),
        ("datestyle", Text),
        ("dbname", Text),
        ("host", HostList),
        ("load_balance_hosts", Enum(LOAD_BALANCE_HOSTS)),
        ("max_db_client_connections", Int),
        ("max_db_connections", Int),
        ("min_pool_size", Int),
        ("password", Text),
        ("pool_mode", Enum(POOL_MODES)),
        ("pool_size", Int),
        ("port", Port),
        ("query_wait_timeout", Duration),
        ("reserve_pool", Int),
        ("reserve_pool_size", Int),
        ("server_lifetime", Duration),
        ("target_session_attrs", Enum(TARGET_SESSION_ATTRS)),
        ("timezone", Text),
        ("user", Text),
    ]
};

/// Parameters of a `[users]` entry.
const USER_PARAMS: &[(&str, ValueType)] = {
    use ValueType::*;
    &[
        ("client_idle_timeout", Duration),
        ("idle_transaction_timeout", Duration),
        ("max_user_client_connections", Int),
        ("max_user_connections", Int),
        ("pool_mode", Enum(POOL_MODES)),
        ("pool_size", Int),
        ("query_timeout", Duration),
        ("query_wait_timeout", Duration),
        ("reserve_pool_size", Int),
        ("transaction_timeout", Duration),
    ]
};

/// Parameters of a `[peers]` entry.
const PEER_PARAMS: &[(&str, ValueType)] = {
    use ValueType::*;
    &[("host", HostList), ("pool_size", Int), ("port", Port)]
};

fn lookup(table: &[(&str, ValueType)], name: &str) -> Option<ValueType> {
    table.iter().find(|(n, _)| *n == name).map(|(_, t)| *t)
}

/// The type of a `[pgbouncer]` setting, or `None` if PgBouncer does not know the name.
/// Names are matched exactly, as PgBouncer does (`Listen_Port` is unknown to it).
pub fn pgbouncer_setting(name: &str) -> Option<ValueType> {
    lookup(SETTINGS, name)
}

/// Every `[pgbouncer]` setting name, sorted.
pub fn pgbouncer_settings() -> impl Iterator<Item = &'static str> {
    SETTINGS.iter().map(|(n, _)| *n)
}

/// The type of a `[databases]` connection-string parameter.
pub fn database_param(name: &str) -> Option<ValueType> {
    lookup(DATABASE_PARAMS, name)
}

/// The type of a `[users]` parameter.
pub fn user_param(name: &str) -> Option<ValueType> {
    lookup(USER_PARAMS, name)
}

/// The type of a `[peers]` parameter.
pub fn peer_param(name: &str) -> Option<ValueType> {
    lookup(PEER_PARAMS, name)
}

/// The known `[pgbouncer]` setting closest to `name` (edit distance at most 3, ignoring case),
/// for "did you mean" suggestions.
pub fn closest_setting(name: &str) -> Option<&'static str> {
    let name = name.to_ascii_lowercase();
    // The distance is at least the difference in length.
    if name.len() > 40 {
        return None;
    }
    SETTINGS
        .iter()
        .map(|(n, _)| (edit_distance(&name, n), *n))
        .filter(|(d, _)| *d <= 3)
        .min_by_key(|(d, _)| *d)
        .map(|(_, n)| n)
}

/// Checks a raw value against its type the way PgBouncer would read it. The error says what
/// was expected.
pub fn check_value(ty: &ValueType, value: &str) -> Result<(), String> {
    let v = value.trim();
    match ty {
        ValueType::Bool => match c_integer(v) {
            Some(_) => Ok(()),
            None => Err(format!(
                "expected 0 or 1, found `{v}` (PgBouncer reads flags as numbers)"
            )),
        },
        ValueType::Int => match c_integer(v) {
            Some(n) if i32::try_from(n).is_ok() => Ok(()),
            Some(_) => Err(format!("`{v}` is out of range for an integer")),
            None => Err(format!("expected an integer, found `{v}`")),
        },
        ValueType::UInt => match c_integer(v) {
            Some(n) if (0..=i128::from(u32::MAX)).contains(&n) => Ok(()),
            Some(_) => Err(format!("`{v}` is out of range for an unsigned integer")),
            None => Err(format!("expected a non-negative integer, found `{v}`")),
        },
        ValueType::Port => match c_integer(v) {
            Some(n) if (1..=65535).contains(&n) => Ok(()),
            Some(_) => Err(format!("expected a port between 1 and 65535, found `{v}`")),
            None => Err(format!("expected a port number, found `{v}`")),
        },
        ValueType::FileMode => match c_integer(v) {
            Some(0) => Ok(()),
            Some(_) if v.starts_with('0') => Ok(()),
            Some(_) => Err(format!(
                "expected an octal file mode with a leading zero (such as 0777), found `{v}`"
            )),
            None => Err(format!(
                "expected an octal file mode such as 0777, found `{v}`"
            )),
        },
        ValueType::Duration => match c_double(v) {
            Some(d) if d >= 0.0 => Ok(()),
            Some(_) => Err(format!(
                "expected a number of seconds, found the negative `{v}`"
            )),
            None => Err(format!(
                "expected a number of seconds such as 30 or 0.5 (no unit), found `{v}`"
            )),
        },
        ValueType::Enum(allowed) => {
            if allowed.iter().any(|a| a.eq_ignore_ascii_case(v)) {
                Ok(())
            } else {
                Err(format!(
                    "expected one of {}, found `{v}`",
                    allowed.join(", ")
                ))
            }
        }
        ValueType::Text
        | ValueType::Path
        | ValueType::HostList
        | ValueType::NameList
        | ValueType::ParamList => Ok(()),
    }
}

/// A whole string read as C's `strtol(s, &end, 0)` with `*end == 0`: optional sign, then
/// `0x` hex, `0` octal, or decimal. Saturates far outside any range we check.
fn c_integer(s: &str) -> Option<i128> {
    let (neg, digits) = match s.as_bytes().first()? {
        b'-' => (true, &s[1..]),
        b'+' => (false, &s[1..]),
        _ => (false, s),
    };
    let (radix, body) = if let Some(hex) = digits
        .strip_prefix("0x")
        .or_else(|| digits.strip_prefix("0X"))
        .filter(|h| !h.is_empty())
    {
        (16, hex)
    } else if digits.len() > 1 && digits.starts_with('0') {
        (8, &digits[1..])
    } else {
        (10, digits)
    };
    if body.is_empty() {
        return None;
    }
    let mut n: i128 = 0;
    for c in body.chars() {
        let d = c.to_digit(radix)?;
        n = (n * i128::from(radix) + i128::from(d)).min(i128::from(u64::MAX));
    }
    Some(if neg { -n } else { n })
}

/// A whole string read as a decimal floating-point number (`strtod` without hex or `inf`).
fn c_double(s: &str) -> Option<f64> {
    let body = s.strip_prefix(['+', '-']).unwrap_or(s);
    let mantissa_end = body
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(body.len());
    let mantissa = &body[..mantissa_end];
    if mantissa.matches('.').count() > 1 || !mantissa.bytes().any(|b| b.is_ascii_digit()) {
        return None;
    }
    let exponent = &body[mantissa_end..];
    if !exponent.is_empty() {
        let e = exponent.strip_prefix(['e', 'E'])?;
        let e = e.strip_prefix(['+', '-']).unwrap_or(e);
        if e.is_empty() || !e.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
    }
    s.parse::<f64>().ok()
}

// ---------------------------------------------------------------------------------------------
// Lines
// ---------------------------------------------------------------------------------------------

struct Line<'a> {
    /// Byte offset of the line in the file.
    start: usize,
    /// The line without `\n` or a trailing `\r`.
    text: &'a str,
}

impl Line<'_> {
    fn span(&self) -> Span {
        Span::new(self.start, self.start + self.text.len())
    }
}

fn lines(text: &str) -> impl Iterator<Item = Line<'_>> {
    let mut start = 0;
    std::iter::from_fn(move || {
        if start >= text.len() {
            return None;
        }
        let rest = &text[start..];
        let (raw, next) = match rest.find('\n') {
            Some(n) => (&rest[..n], start + n + 1),
            None => (rest, text.len()),
        };
        let line = Line {
            start,
            text: raw.strip_suffix('\r').unwrap_or(raw),
        };
        start = next;
        Some(line)
    })
}

/// Skips spaces, tabs and other ASCII whitespace from `i`.
fn skip_space(s: &str, i: usize) -> usize {
    i + s[i..].len()
        - s[i..]
            .trim_start_matches(|c: char| c.is_ascii_whitespace())
            .len()
}

/// Skips spaces and tabs only (what libusual skips around `=`).
fn skip_blank(s: &str, i: usize) -> usize {
    i + s[i..].len() - s[i..].trim_start_matches([' ', '\t']).len()
}

/// The end of `s` without trailing ASCII whitespace.
fn trim_end_at(s: &str) -> usize {
    s.trim_end_matches(|c: char| c.is_ascii_whitespace()).len()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn slice(text: &str, span: Span) -> &str {
        &text[span.range()]
    }

    // -- userlist ------------------------------------------------------------------------------

    const MD5: &str = "md545f2603610af569b6155c45067268c6b";
    const SCRAM: &str = "SCRAM-SHA-256$4096:D76gvGUVj9Z4DNiGoabOBg==$RukL0Xo3Ql/2F9FsD7mcQ3GATG2fD3PA71qY1JagGDs=:BhKUwyyivFm7Tq2jDJVXSVRbRDgTWyBilZKgg6DDuYU=";

    #[test]
    fn userlist_classifies_md5_scram_plain_and_empty() {
        let text = format!(
            "\"admin\" \"{MD5}\"\n\"app\" \"{SCRAM}\"\n\"dev\" \"hunter2\"\n\"nopass\" \"\"\n"
        );
        let (list, issues) = parse_userlist(&text);
        assert!(issues.is_empty(), "{issues:?}");
        let kinds: Vec<_> = list.entries.iter().map(|e| e.kind).collect();
        assert_eq!(
            kinds,
            [
                SecretKind::Md5,
                SecretKind::Scram,
                SecretKind::Plain,
                SecretKind::Empty
            ]
        );
        assert_eq!(list.entries[0].user, "admin");
        assert_eq!(slice(&text, list.entries[0].user_span), "admin");
        assert_eq!(slice(&text, list.entries[1].secret_span), SCRAM);
        assert_eq!(
            list.entries[3].secret_span,
            Span::empty(text.rfind("\"\"").unwrap() + 1)
        );
        assert_eq!(
            slice(&text, list.entries[2].line_span),
            "\"dev\" \"hunter2\""
        );
    }

    #[test]
    fn seed_placeholder_hash_is_md5_malformed_with_exact_span() {
        let text = "\"obcms_user\" \"md5REPLACE_WITH_ACTUAL_PASSWORD_HASH\"\n\
                    \"obcms_admin\" \"md5REPLACE_WITH_ADMIN_PASSWORD_HASH\"\n";
        let (list, issues) = parse_userlist(text);
        assert!(issues.is_empty());
        assert_eq!(list.entries.len(), 2);
        let e = &list.entries[0];
        assert_eq!(e.kind, SecretKind::Md5Malformed);
        assert_eq!(e.secret_span, Span::new(14, 50));
        assert_eq!(
            slice(text, e.secret_span),
            "md5REPLACE_WITH_ACTUAL_PASSWORD_HASH"
        );
        assert_eq!(slice(text, list.entries[1].user_span), "obcms_admin");
    }

    #[test]
    fn secret_kinds_reject_near_misses() {
        assert_eq!(
            SecretKind::of("md545f2603610af569b6155c45067268c6"),
            SecretKind::Md5Malformed
        );
        assert_eq!(
            SecretKind::of("MD545f2603610af569b6155c45067268c6b"),
            SecretKind::Plain
        );
        assert_eq!(
            SecretKind::of("md545F2603610AF569B6155C45067268C6B"),
            SecretKind::Md5
        );
        assert_eq!(
            SecretKind::of("md5g5f2603610af569b6155c45067268c6b"),
            SecretKind::Md5Malformed
        );
        let bad_iter = SCRAM.replace("$4096:", "$0:");
        assert_eq!(SecretKind::of(&bad_iter), SecretKind::ScramMalformed);
        let bad_b64 = SCRAM.replace("D76gvGUVj9Z4DNiGoabOBg==", "D76gvGUVj9Z4DNiGoabOBg=");
        assert_eq!(SecretKind::of(&bad_b64), SecretKind::ScramMalformed);
        let short_key = SCRAM.replace("RukL0Xo3Ql/2F9FsD7mcQ3GATG2fD3PA71qY1JagGDs=", "AAAA");
        assert_eq!(SecretKind::of(&short_key), SecretKind::ScramMalformed);
        assert_eq!(
            SecretKind::of("SCRAM-SHA-256$<iterations>:<salt>$<storedkey>:<serverkey>"),
            SecretKind::ScramMalformed
        );
        assert_eq!(SecretKind::of("SCRAM-SHA-256"), SecretKind::Plain);
    }

    #[test]
    fn base64_validator_checks_alphabet_padding_and_length() {
        assert_eq!(base64_decoded_len("AAAA"), Some(3));
        assert_eq!(base64_decoded_len("AA=="), Some(1));
        assert_eq!(base64_decoded_len("AAA="), Some(2));
        assert_eq!(base64_decoded_len("AAA"), None);
        assert_eq!(base64_decoded_len("A==="), None);
        assert_eq!(base64_decoded_len("AA=A"), None);
        assert_eq!(base64_decoded_len("AA-_"), None);
        assert_eq!(base64_decoded_len(""), None);
    }

    #[test]
    fn escaped_quotes_are_unescaped_and_spans_cover_the_raw_text() {
        let text = "\"we\"\"ird\" \"pa\"\"ss\"\n";
        let (list, issues) = parse_userlist(text);
        assert!(issues.is_empty());
        let e = &list.entries[0];
        assert_eq!(e.user, "we\"ird");
        assert_eq!(slice(text, e.user_span), "we\"\"ird");
        assert_eq!(e.secret, "pa\"ss");
        assert_eq!(slice(text, e.secret_span), "pa\"\"ss");
    }

    #[test]
    fn comments_blank_lines_and_crlf_are_skipped() {
        let text = ";comment\r\n\r\n   ; indented\r\n  \"a\"\t\"b\"  \r\n";
        let (list, issues) = parse_userlist(text);
        assert!(issues.is_empty(), "{issues:?}");
        assert_eq!(list.entries.len(), 1);
        assert_eq!(slice(text, list.entries[0].line_span), "  \"a\"\t\"b\"  ");
        assert_eq!(list.broken_line, None);
    }

    #[test]
    fn extra_quoted_fields_are_allowed() {
        let (list, issues) = parse_userlist("\"a\" \"b\" \"extra\"\n");
        assert!(issues.is_empty());
        assert_eq!(list.entries[0].secret, "b");
    }

    #[test]
    fn malformed_userlist_lines_are_located() {
        let text = "\"ok\" \"x\"\nbob \"secret\"\n\"carol\n\"dave\"\n\"erin\" secret\n\"fay\" \"open\n\"gus\" \"y\" trailing\n# note\n";
        let (list, issues) = parse_userlist(text);
        let got: Vec<&str> = issues.iter().map(|i| slice(text, i.span)).collect();
        assert_eq!(
            got,
            [
                "bob \"secret\"",
                "\"carol",
                "\"dave\"",
                "secret",
                "\"open",
                "trailing",
                "# note"
            ]
        );
        assert!(issues[0].message.contains("stops loading"));
        assert!(!issues[1].message.contains("stops loading"));
        assert!(issues[6].message.contains("use `;`"));
        assert_eq!(
            list.broken_line.map(|s| slice(text, s)),
            Some("bob \"secret\"")
        );
        let users: Vec<&str> = list.entries.iter().map(|e| e.user.as_str()).collect();
        assert_eq!(users, ["ok", "gus"]);
    }

    #[test]
    fn junk_between_fields_is_reported_but_the_entry_is_kept() {
        let text = "\"a\" = \"b\"\n";
        let (list, issues) = parse_userlist(text);
        assert_eq!(issues.len(), 1);
        assert_eq!(slice(text, issues[0].span), "=");
        assert_eq!(list.entries[0].secret, "b");
    }

    #[test]
    fn byte_order_mark_is_reported() {
        let text = "\u{feff}\"a\" \"b\"\n";
        let (list, issues) = parse_userlist(text);
        assert_eq!(issues.len(), 1);
        assert_eq!(issues[0].span, Span::new(0, 3));
        assert_eq!(list.entries.len(), 1);
    }

    // -- ini -----------------------------------------------------------------------------------

    const INI: &str = "\
;; comment\n\
[databases]\n\
app = host=db port=5432 dbname=app auth_user=pgb\n\
* = host=fallback\n\
\n\
[pgbouncer]\n\
listen_port = 6432 ; the port\n\
# another comment\n\
auth_type=md5\n\
unix_socket_dir =\n\
%include /etc/pgbouncer/extra.ini\n\
Listen_Port = 7000\n";

    #[test]
    fn ini_sections_entries_and_includes() {
        let (ini, issues) = parse_ini(INI);
        assert!(issues.is_empty(), "{issues:?}");
        let names: Vec<&str> = ini.sections.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(names, ["databases", "pgbouncer"]);
        let db = ini.section("DATABASES").unwrap();
        assert_eq!(slice(INI, db.header_span), "[databases]");
        assert_eq!(slice(INI, db.name_span), "databases");
        assert_eq!(db.entries[1].key, "*");
        assert_eq!(ini.includes.len(), 1);
        assert_eq!(ini.includes[0].path, "/etc/pgbouncer/extra.ini");
        assert_eq!(slice(INI, ini.includes[0].span), "/etc/pgbouncer/extra.ini");
        let empty = ini.get("pgbouncer", "unix_socket_dir").unwrap();
        assert_eq!(empty.value, "");
        assert!(empty.value_span.is_empty());
    }

    #[test]
    fn trailing_semicolon_comment_stays_in_the_value() {
        let (ini, _) = parse_ini(INI);
        let e = &ini.section("pgbouncer").unwrap().entries[0];
        assert_eq!(e.key, "listen_port");
        assert_eq!(e.value, "6432 ; the port");
        assert_eq!(slice(INI, e.value_span), "6432 ; the port");
        assert_eq!(slice(INI, e.line_span), "listen_port = 6432 ; the port");
        assert_eq!(slice(INI, e.key_span), "listen_port");
    }

    #[test]
    fn get_is_case_insensitive_and_last_wins() {
        let (ini, _) = parse_ini(INI);
        let e = ini.get("PgBouncer", "LISTEN_PORT").unwrap();
        assert_eq!(e.key, "Listen_Port");
        assert_eq!(e.value, "7000");
        assert_eq!(ini.get("pgbouncer", "auth_type").unwrap().value, "md5");
        assert!(ini.get("users", "auth_type").is_none());
    }

    #[test]
    fn get_merges_repeated_sections() {
        let (ini, _) = parse_ini(
            "[pgbouncer]\npool_mode = session\n[databases]\n[pgbouncer]\npool_mode = transaction\n",
        );
        assert_eq!(
            ini.get("pgbouncer", "pool_mode").unwrap().value,
            "transaction"
        );
    }

    #[test]
    fn entry_before_any_section_is_an_issue() {
        let text = "listen_port = 6432\n[pgbouncer]\n";
        let (ini, issues) = parse_ini(text);
        assert_eq!(issues.len(), 1);
        assert_eq!(slice(text, issues[0].span), "listen_port = 6432");
        assert!(ini.sections[0].entries.is_empty());
    }

    #[test]
    fn ini_syntax_errors_are_located() {
        let text =
            "[pgbouncer\n[users] x\nlisten port = 1\nlisten_port: 1\n%include\n!oops\n'db = x\n";
        let (_, issues) = parse_ini(text);
        let got: Vec<&str> = issues.iter().map(|i| slice(text, i.span)).collect();
        assert_eq!(
            got,
            [
                "[pgbouncer",
                "x",
                "port = 1",
                ": 1",
                "%include",
                "!oops",
                "'db = x"
            ]
        );
    }

    #[test]
    fn quoted_keys_are_read_without_quotes() {
        let text = "[databases]\n'my-db.x' = host=h\n";
        let (ini, issues) = parse_ini(text);
        assert!(issues.is_empty());
        let e = &ini.sections[0].entries[0];
        assert_eq!(e.key, "my-db.x");
        assert_eq!(slice(text, e.key_span), "my-db.x");
    }

    #[test]
    fn connstr_params_have_spans_and_unquoted_values() {
        let text = "[databases]\napp = host=db port=5432 dbname=app auth_user=x connect_query='SELECT ''a'''\n";
        let (ini, _) = parse_ini(text);
        let e = &ini.sections[0].entries[0];
        let (params, issues) = parse_connstr_checked(&e.value, e.value_span);
        assert!(issues.is_empty(), "{issues:?}");
        let kv: Vec<(&str, &str)> = params
            .iter()
            .map(|p| (p.key.as_str(), p.value.as_str()))
            .collect();
        assert_eq!(
            kv,
            [
                ("host", "db"),
                ("port", "5432"),
                ("dbname", "app"),
                ("auth_user", "x"),
                ("connect_query", "SELECT 'a'")
            ]
        );
        assert_eq!(slice(text, params[1].key_span), "port");
        assert_eq!(slice(text, params[1].value_span), "5432");
        assert_eq!(slice(text, params[4].value_span), "SELECT ''a''");
        assert_eq!(parse_connstr(&e.value, e.value_span).len(), 5);
    }

    #[test]
    fn connstr_errors_are_located() {
        let v = "host=db port dbname=x";
        let (params, issues) = parse_connstr_checked(v, Span::new(100, 100 + v.len()));
        assert_eq!(params.len(), 1);
        assert_eq!(issues[0].span, Span::new(108, 112));
        let v = "port=1 host=";
        let (_, issues) = parse_connstr_checked(v, Span::new(0, v.len()));
        assert!(issues[0].message.contains("empty value"), "{issues:?}");
        assert_eq!(issues[0].span, Span::new(7, 12));
        // Like PgBouncer, whitespace after `=` is skipped: the value of `host` is `port=1`.
        let v = "host= port=1";
        let (params, _) = parse_connstr_checked(v, Span::new(0, v.len()));
        assert_eq!(params[0].value, "port=1");
        let v = "connect_query='SELECT 1";
        let (_, issues) = parse_connstr_checked(v, Span::new(0, v.len()));
        assert_eq!(issues[0].span, Span::new(14, v.len()));
    }

    // -- schema --------------------------------------------------------------------------------

    #[test]
    fn schema_knows_the_documented_settings() {
        assert_eq!(pgbouncer_setting("listen_port"), Some(ValueType::Port));
        assert_eq!(
            pgbouncer_setting("auth_type"),
            Some(ValueType::Enum(AUTH_TYPES))
        );
        assert_eq!(
            pgbouncer_setting("pool_mode"),
            Some(ValueType::Enum(POOL_MODES))
        );
        assert_eq!(pgbouncer_setting("admin_users"), Some(ValueType::NameList));
        assert_eq!(pgbouncer_setting("stats_users"), Some(ValueType::NameList));
        assert_eq!(
            pgbouncer_setting("server_idle_timeout"),
            Some(ValueType::Duration)
        );
        assert_eq!(pgbouncer_setting("max_client_conn"), Some(ValueType::Int));
        assert_eq!(pgbouncer_setting("log_connections"), Some(ValueType::Bool));
        assert_eq!(pgbouncer_setting("Listen_Port"), None);
        assert_eq!(pgbouncer_setting("max_client_connections"), None);
        assert_eq!(database_param("auth_user"), Some(ValueType::Text));
        assert_eq!(user_param("pool_mode"), Some(ValueType::Enum(POOL_MODES)));
        assert_eq!(peer_param("dbname"), None);
        let names: Vec<&str> = pgbouncer_settings().collect();
        let mut sorted = names.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(names, sorted, "the table stays sorted and unique");
        assert!(names.len() > 100);
    }

    #[test]
    fn check_value_bool() {
        let t = ValueType::Bool;
        assert!(check_value(&t, "0").is_ok());
        assert!(check_value(&t, "1").is_ok());
        let err = check_value(&t, "on").unwrap_err();
        assert!(err.contains("expected 0 or 1"), "{err}");
        assert!(check_value(&t, "true").is_err());
    }

    #[test]
    fn check_value_int_follows_strtol() {
        let t = ValueType::Int;
        for ok in ["100", "-1", "+5", "0x1F", "017", "0"] {
            assert!(check_value(&t, ok).is_ok(), "{ok}");
        }
        for bad in ["", "10k", "1.5", "08", "0x", "100 ; max", "99999999999"] {
            assert!(check_value(&t, bad).is_err(), "{bad}");
        }
        assert!(check_value(&ValueType::Port, "6432").is_ok());
        assert!(check_value(&ValueType::Port, "70000").is_err());
        assert!(check_value(&ValueType::Port, "0").is_err());
        assert!(check_value(&ValueType::FileMode, "0777").is_ok());
        assert!(check_value(&ValueType::FileMode, "777").is_err());
        assert!(check_value(&ValueType::UInt, "2147483647").is_ok());
        assert!(check_value(&ValueType::UInt, "-1").is_err());
    }

    #[test]
    fn check_value_enum_is_case_insensitive_and_lists_choices() {
        let t = pgbouncer_setting("pool_mode").unwrap();
        assert!(check_value(&t, "transaction").is_ok());
        assert!(check_value(&t, "Transaction").is_ok());
        let err = check_value(&t, "transactions").unwrap_err();
        assert!(err.contains("session, transaction, statement"), "{err}");
        let auth = pgbouncer_setting("auth_type").unwrap();
        assert!(check_value(&auth, "scram-sha-256").is_ok());
        assert!(check_value(&auth, "md5 ; default").is_err());
    }

    #[test]
    fn check_value_duration_accepts_fractions_not_units() {
        let t = ValueType::Duration;
        for ok in ["30", "0.5", ".5", "5.", "1e3", "0"] {
            assert!(check_value(&t, ok).is_ok(), "{ok}");
        }
        for bad in ["30s", "-1", "", ".", "1e", "inf", "5 min"] {
            assert!(check_value(&t, bad).is_err(), "{bad}");
        }
        assert!(check_value(&t, "30s").unwrap_err().contains("seconds"));
    }

    #[test]
    fn closest_setting_suggests_typo_fixes() {
        assert_eq!(closest_setting("max_client_con"), Some("max_client_conn"));
        assert_eq!(closest_setting("Listen_Port"), Some("listen_port"));
        assert_eq!(closest_setting("pool_mod"), Some("pool_mode"));
        assert_eq!(closest_setting("completely_unrelated_name"), None);
        assert_eq!(closest_setting(&"x".repeat(1_000_000)), None);
    }

    // -- never panics, and the real files ------------------------------------------------------

    #[test]
    fn odd_input_does_not_panic() {
        for text in [
            "",
            "\"",
            "\"\"",
            "\"a\" \"",
            "\"é\" \"ü",
            "[",
            "]",
            "=",
            "%include",
            "%include ",
            "'",
            "''",
            "'x",
            "[x]\n'",
            "\u{feff}",
            "\u{feff}[a]",
            "a = 'é",
            "\r\n\r",
            "[é]\né = ü",
        ] {
            let _ = parse_userlist(text);
            let (ini, _) = parse_ini(text);
            for s in &ini.sections {
                for e in &s.entries {
                    let _ = parse_connstr_checked(&e.value, e.value_span);
                }
            }
        }
        for v in ["'", "''", "a='", "a=''", "=", "a", " = x", "a= 'é''", "é=ü"] {
            let _ = parse_connstr_checked(v, Span::new(0, v.len()));
        }
        for ty in SETTINGS.iter().map(|(_, t)| t) {
            for v in ["", "-", "+", "0x", "é", "1e+", "--1", "0777"] {
                let _ = check_value(ty, v);
            }
        }
    }

    /// Spans stay on character boundaries and inside the text for generated input.
    #[test]
    fn generated_input_keeps_spans_in_bounds() {
        const ALPHABET: &[char] = &[
            '"', '\'', ';', '#', '[', ']', '=', ' ', '\t', '\n', '\r', 'a', 'é', '%', 'i', 'n',
            'c', 'l', 'u', 'd', 'e', '\u{feff}', '$', ':', 'm', '5', '*',
        ];
        let mut rng = crate::testing::XorShift::new(0x9e37_79b9_7f4a_7c15);
        let mut next = move || rng.next_u64();
        let ok = crate::testing::span_in;
        for _ in 0..4000 {
            let len = (next() % 40) as usize;
            let mut text: String = (0..len)
                .map(|_| ALPHABET[(next() % ALPHABET.len() as u64) as usize])
                .collect();
            if next() % 4 == 0 {
                text.insert_str(0, "%include ");
            }
            let (list, issues) = parse_userlist(&text);
            for e in &list.entries {
                for span in [e.user_span, e.secret_span, e.line_span] {
                    assert!(ok(&text, span), "{text:?} {span:?}");
                }
            }
            let (ini, more) = parse_ini(&text);
            for i in issues.iter().chain(&more) {
                assert!(ok(&text, i.span), "{text:?} {:?}", i.span);
            }
            for e in ini.sections.iter().flat_map(|s| &s.entries) {
                assert!(ok(&text, e.value_span) && ok(&text, e.key_span), "{text:?}");
                let (params, issues) = parse_connstr_checked(&e.value, e.value_span);
                for p in &params {
                    assert!(ok(&text, p.key_span) && ok(&text, p.value_span), "{text:?}");
                }
                for i in &issues {
                    assert!(ok(&text, i.span), "{text:?} {:?}", i.span);
                }
            }
        }
    }

    /// Every PgBouncer file in the shared corpus of real projects parses without an issue.
    #[test]
    fn corpus_files_parse_cleanly() {
        let root = std::env::var_os("SHIPLINT_CORPUS")
            .map(std::path::PathBuf::from)
            .unwrap_or_else(|| "/work/shared/corpus".into());
        if !root.is_dir() {
            eprintln!("skipped: no corpus at {}", root.display());
            return;
        }
        let mut files = Vec::new();
        collect_files(&root, &mut files);
        let mut checked = 0;
        for path in files {
            let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
            let Ok(text) = std::fs::read_to_string(&path) else {
                continue;
            };
            let issues = if name == "userlist.txt" {
                parse_userlist(&text).1
            } else if name.starts_with("pgbouncer") && name.ends_with(".ini") {
                let (ini, mut issues) = parse_ini(&text);
                for s in ini.sections.iter().filter(|s| s.name != "pgbouncer") {
                    for e in &s.entries {
                        issues.extend(parse_connstr_checked(&e.value, e.value_span).1);
                    }
                }
                for e in ini
                    .sections
                    .iter()
                    .filter(|s| s.name == "pgbouncer")
                    .flat_map(|s| &s.entries)
                {
                    let ty = pgbouncer_setting(&e.key);
                    assert!(
                        ty.is_some(),
                        "{}: unknown setting {}",
                        path.display(),
                        e.key
                    );
                    if let Some(ty) = ty {
                        if let Err(m) = check_value(&ty, &e.value) {
                            panic!("{}: {} = {}: {m}", path.display(), e.key, e.value);
                        }
                    }
                }
                issues
            } else {
                continue;
            };
            assert!(issues.is_empty(), "{}: {issues:?}", path.display());
            checked += 1;
        }
        eprintln!("checked {checked} PgBouncer files");
    }

    fn collect_files(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        let mut entries: Vec<_> = entries.flatten().collect();
        entries.sort_by_key(|e| e.path());
        for e in entries {
            let Ok(ft) = e.file_type() else { continue };
            if ft.is_dir() {
                collect_files(&e.path(), out);
            } else if ft.is_file() {
                out.push(e.path());
            }
        }
    }
}
