//! `PGB`: PgBouncer's auth file (`userlist.txt`) and `pgbouncer.ini` — secrets PgBouncer cannot
//! use, settings that stop it from starting, and an ini whose authentication does not fit the
//! auth file it names. The helpers below encode how PgBouncer itself reads these files.

use std::path::{Component, Path};

pub(crate) use crate::text::edit_distance;

use crate::diagnostic::Diagnostic;
use crate::kind::FileKind;
use crate::parse::pgbouncer::{
    base64_decoded_len, parse_connstr, Ini, IniEntry, SecretKind, UserEntry, Userlist,
};
use crate::parse::Model;
use crate::project::{ParsedFile, Project};
use crate::source::{FileId, Span};

crate::family_rules! {
    placeholder_password => PlaceholderPassword,
    malformed_password_hash => MalformedPasswordHash,
    plaintext_password => PlaintextPassword,
    auth_type_mismatch => AuthTypeMismatch,
    undefined_admin_user => UndefinedAdminUser,
    duplicate_user => DuplicateUser,
    unknown_setting => UnknownSetting,
    invalid_setting_value => InvalidSettingValue,
    trailing_comment_in_value => TrailingCommentInValue,
    reserved_database_name => ReservedDatabaseName,
}

/// The section PgBouncer reads its own settings from. Section and key names are compared
/// exactly, as PgBouncer does: `[PgBouncer]` is another (unknown) section.
const MAIN_SECTION: &str = "pgbouncer";

pub(crate) fn userlist(file: &ParsedFile) -> Option<&Userlist> {
    match &file.model {
        Model::PgbouncerUserlist(list) => Some(list),
        _ => None,
    }
}

pub(crate) fn ini(file: &ParsedFile) -> Option<&Ini> {
    match &file.model {
        Model::PgbouncerIni(ini) => Some(ini),
        _ => None,
    }
}

// ---------------------------------------------------------------------------------------------
// Secrets
// ---------------------------------------------------------------------------------------------

/// How PgBouncer classifies a stored secret (`get_password_type` in its `src/scram.c`): an MD5
/// hash is `md5` and 32 *lowercase* hex digits, a SCRAM secret must parse, anything else is a
/// plain-text password.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Stored {
    Empty,
    Md5,
    Scram,
    Plain,
}

pub(crate) fn stored_kind(secret: &str) -> Stored {
    match SecretKind::of(secret) {
        SecretKind::Empty => Stored::Empty,
        SecretKind::Md5 if !secret.bytes().any(|b| b.is_ascii_uppercase()) => Stored::Md5,
        SecretKind::Scram => Stored::Scram,
        _ => Stored::Plain,
    }
}

/// What is wrong with a userlist secret, if anything; the PGB001–PGB003 rules each report one
/// kind, so that a secret is reported once.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum SecretIssue {
    /// A placeholder, with why it is one.
    Placeholder(&'static str),
    /// Meant as an MD5 hash or SCRAM secret, but not one PgBouncer recognises: what is wrong.
    Malformed(String),
    /// A real plain-text password.
    Plaintext,
}

/// The example hash in PgBouncer's documentation (user `admin`, password `1234`).
const DOCUMENTED_EXAMPLE_MD5: &str = "md545f2603610af569b6155c45067268c6b";

pub(crate) fn secret_issue(secret: &str) -> Option<SecretIssue> {
    if secret.is_empty() || is_template_reference(secret) {
        return None;
    }
    if let Some(why) = placeholder_reason(secret) {
        return Some(SecretIssue::Placeholder(why));
    }
    match SecretKind::of(secret) {
        // A hash with a digit too many or too few, or a typo in it; not `md5sum-rocks`.
        SecretKind::Md5Malformed
            if secret[3..].bytes().all(|b| b.is_ascii_hexdigit()) || secret.len() == 35 =>
        {
            Some(SecretIssue::Malformed(md5_problem(&secret[3..])))
        }
        SecretKind::Md5Malformed => Some(SecretIssue::Plaintext),
        SecretKind::ScramMalformed => Some(SecretIssue::Malformed(scram_problem(
            &secret["SCRAM-SHA-256$".len()..],
        ))),
        SecretKind::Md5 if stored_kind(secret) == Stored::Plain => Some(SecretIssue::Malformed(
            "its hex digits are uppercase, and PgBouncer only recognises lowercase ones".into(),
        )),
        SecretKind::Plain => {
            let lower = secret.to_ascii_lowercase();
            if lower.starts_with("scram-sha-256$") {
                Some(SecretIssue::Malformed(
                    "the scheme must be written `SCRAM-SHA-256`, in capitals".into(),
                ))
            } else if secret.len() == 35
                && secret[..3].eq_ignore_ascii_case("md5")
                && secret[3..].bytes().all(|b| b.is_ascii_hexdigit())
            {
                Some(SecretIssue::Malformed(
                    "the `md5` prefix must be lowercase".into(),
                ))
            } else {
                Some(SecretIssue::Plaintext)
            }
        }
        _ => None,
    }
}

fn placeholder_reason(secret: &str) -> Option<&'static str> {
    if secret == DOCUMENTED_EXAMPLE_MD5 {
        return Some("the example hash from PgBouncer's documentation, whose password is public");
    }
    if let Some(hex) = secret.strip_prefix("md5") {
        // Ex) md500000000000000000000000000000000
        if hex.len() == 32 && hex.bytes().all(|b| b == hex.as_bytes()[0]) {
            return Some("an md5 hash of one repeated character");
        }
        // A well-formed hash spells no marker; skip the word matching.
        if stored_kind(secret) == Stored::Md5 {
            return None;
        }
        if crate::rules::data::is_placeholder(hex) {
            return Some("a placeholder after the `md5` prefix");
        }
    }
    if SecretKind::of(secret) == SecretKind::Scram {
        return None;
    }
    // Ex) SCRAM-SHA-256$<iterations>:<salt>$<storedkey>:<serverkey>
    if secret
        .get(..14)
        .is_some_and(|p| p.eq_ignore_ascii_case("SCRAM-SHA-256$"))
        && secret[14..]
            .split(['$', ':'])
            .any(crate::rules::data::is_placeholder)
    {
        return Some("the SCRAM format template, not a secret");
    }
    if crate::rules::data::is_placeholder(secret) {
        return Some("a placeholder");
    }
    None
}

fn md5_problem(hex: &str) -> String {
    let n = hex.chars().count();
    if hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        format!("it has {n} hex digits after `md5` instead of 32")
    } else {
        "it has characters that are not hex digits after `md5`".to_string()
    }
}

/// What keeps `<iterations>:<salt>$<storedkey>:<serverkey>` from being a SCRAM secret, checked
/// in the order PostgreSQL's `parse_scram_secret` does.
fn scram_problem(rest: &str) -> String {
    let shape = "expected `SCRAM-SHA-256$<iterations>:<salt>$<storedkey>:<serverkey>`";
    let Some((iter_salt, keys)) = rest.split_once('$') else {
        return format!("{shape}; the `$` before the keys is missing");
    };
    let Some((iterations, salt)) = iter_salt.split_once(':') else {
        return format!("{shape}; the `:` between the iteration count and the salt is missing");
    };
    let Some((stored, server)) = keys.split_once(':') else {
        return format!("{shape}; the `:` between the stored key and the server key is missing");
    };
    if !(iterations.bytes().all(|b| b.is_ascii_digit())
        && iterations.parse::<u32>().is_ok_and(|n| n > 0))
    {
        return "the iteration count is not a positive whole number".to_string();
    }
    if base64_decoded_len(salt).is_none_or(|n| n == 0) {
        return "the salt is not valid base64".to_string();
    }
    for (what, key) in [("stored key", stored), ("server key", server)] {
        match base64_decoded_len(key) {
            None => return format!("the {what} is not valid base64"),
            Some(32) => {}
            Some(n) => return format!("the {what} decodes to {n} bytes instead of 32"),
        }
    }
    shape.to_string()
}

/// Whether a whole value is a reference that a template engine or an entrypoint script fills
/// in before PgBouncer reads the file: `${PASSWORD}`, `$PASSWORD`, `{{ password }}`,
/// `__PASSWORD__`, `%PASSWORD%`, `@PASSWORD@`.
pub(crate) fn is_template_reference(value: &str) -> bool {
    let ident = |s: &str| {
        !s.is_empty()
            && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
            && !s.as_bytes()[0].is_ascii_digit()
    };
    let wrapped = |open: &str, close: &str| {
        value.len() > open.len() + close.len() && value.starts_with(open) && value.ends_with(close)
    };
    if wrapped("${", "}") || wrapped("{{", "}}") {
        return true;
    }
    if let Some(name) = value.strip_prefix('$') {
        return ident(name);
    }
    for (open, close) in [("__", "__"), ("%", "%"), ("@", "@")] {
        if wrapped(open, close) && ident(&value[open.len()..value.len() - close.len()]) {
            return true;
        }
    }
    false
}

// ---------------------------------------------------------------------------------------------
// Never show a secret
// ---------------------------------------------------------------------------------------------

/// Marks the secret of a userlist entry as sensitive, so that no renderer shows it when it
/// shows the entry's line.
pub(crate) fn protect_secret(d: &mut Diagnostic, file: FileId, entry: &UserEntry) {
    if !entry.secret_span.is_empty() {
        d.sensitive(file, entry.secret_span);
    }
}

/// Marks the secrets an ini line may hold as sensitive: a connection string's `password=` (and
/// whatever follows it on the line) and the LDAP options, which can carry a bind password.
pub(crate) fn protect_line(d: &mut Diagnostic, file: FileId, e: &IniEntry) {
    if e.key == "auth_ldap_options" {
        d.sensitive(file, e.value_span);
    } else if let Some(from) = e.value.find("password") {
        d.sensitive(file, Span::new(e.value_span.start + from, e.value_span.end));
    }
}

// ---------------------------------------------------------------------------------------------
// pgbouncer.ini
// ---------------------------------------------------------------------------------------------

/// Every entry of the `[pgbouncer]` sections (PgBouncer merges repeated sections).
pub(crate) fn settings(ini: &Ini) -> impl Iterator<Item = &IniEntry> {
    ini.sections
        .iter()
        .filter(|s| s.name == MAIN_SECTION)
        .flat_map(|s| s.entries.iter())
}

/// The entry PgBouncer uses for a setting: the last one, with the name spelt exactly.
pub(crate) fn setting<'a>(ini: &'a Ini, key: &str) -> Option<&'a IniEntry> {
    settings(ini).filter(|e| e.key == key).last()
}

/// Settings whose values are SQL or free text, where `;` and `#` may belong to the value.
const FREE_TEXT: &[&str] = &[
    "auth_query",
    "server_reset_query",
    "server_check_query",
    "login_notify_message",
];

/// A `; comment` or `# comment` written after a value, which PgBouncer keeps in the value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct TrailingComment {
    /// From the `;` or `#` to the end of the value.
    pub comment: Span,
    /// The value without the comment, trimmed (empty, at the value's start, if nothing is left).
    pub value: Span,
    /// What deleting the comment removes: the comment and the blanks before it.
    pub removal: Span,
}

/// The trailing comment of an entry of section `section`, if it has one. In a connection
/// string, `;` and `#` inside single quotes belong to the value.
pub(crate) fn trailing_comment(section: &str, e: &IniEntry) -> Option<TrailingComment> {
    if section == MAIN_SECTION && FREE_TEXT.contains(&e.key.as_str()) {
        return None;
    }
    let quoted = section != MAIN_SECTION;
    let v = e.value.as_bytes();
    let mut in_quote = false;
    let mut at = None;
    for (i, &b) in v.iter().enumerate() {
        if quoted && b == b'\'' {
            in_quote = !in_quote;
        } else if !in_quote
            && (b == b';' || b == b'#')
            && (i == 0 || v[i - 1] == b' ' || v[i - 1] == b'\t')
        {
            at = Some(i);
            break;
        }
    }
    let at = at?;
    let kept = e.value[..at].trim_end_matches([' ', '\t']).len();
    let start = e.value_span.start;
    Some(TrailingComment {
        comment: Span::new(start + at, e.value_span.end),
        value: Span::new(start, start + kept),
        removal: Span::new(start + kept, e.value_span.end),
    })
}

/// The value PgBouncer would see were its trailing comment removed: what the user meant.
pub(crate) fn effective_value<'a>(section: &str, e: &'a IniEntry) -> (&'a str, Span) {
    match trailing_comment(section, e) {
        Some(c) => (&e.value[..c.value.end - e.value_span.start], c.value),
        None => (e.value.as_str(), e.value_span),
    }
}

/// The comma-separated names of a list setting (`admin_users = ops, monitor`), with spans.
pub(crate) fn list_items(value: &str, span: Span) -> Vec<(&str, Span)> {
    let mut out = Vec::new();
    let mut offset = 0;
    for part in value.split(',') {
        let lead = part.len() - part.trim_start().len();
        let name = part.trim();
        if !name.is_empty() {
            let start = span.start + offset + lead;
            out.push((name, Span::new(start, start + name.len())));
        }
        offset += part.len() + 1;
    }
    out
}

/// The users an ini names in its connection strings as `auth_user` or a forced `user`, and its
/// global `auth_user`: PgBouncer logs in to PostgreSQL as these, clients need not log in as them.
pub(crate) fn server_side_users(ini: &Ini) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(e) = setting(ini, "auth_user") {
        out.push(effective_value(MAIN_SECTION, e).0.to_string());
    }
    for section in ini.sections.iter().filter(|s| s.name == "databases") {
        for e in &section.entries {
            let (value, span) = effective_value(&section.name, e);
            for p in parse_connstr(value, span) {
                if p.key == "user" || p.key == "auth_user" {
                    out.push(p.value);
                }
            }
        }
    }
    out
}

// ---------------------------------------------------------------------------------------------
// auth_file → userlist
// ---------------------------------------------------------------------------------------------

/// The project's userlist that an ini's `auth_file` names. A relative path is resolved against
/// the ini's folder; otherwise (or if nothing is there, as with a container path such as
/// `/etc/pgbouncer/userlist.txt`) the userlist with the same file name is taken, preferring
/// the ini's folder, then the most path components in common with the `auth_file` path. `None`
/// when no userlist matches or the best matches tie.
pub(crate) fn auth_file_target<'p>(
    project: &'p Project,
    ini_file: &ParsedFile,
    auth_file: &str,
) -> Option<&'p ParsedFile> {
    let auth_file = auth_file.trim();
    if auth_file.is_empty() {
        return None;
    }
    let path = Path::new(auth_file);
    let ini_dir = ini_file.source.path.parent();
    if path.is_relative() {
        if let Some(dir) = ini_dir {
            let want = crate::discover::normalize(&dir.join(path));
            if let Some(f) = project
                .files_of_kind(FileKind::PgbouncerUserlist)
                .find(|f| crate::discover::normalize(&f.source.path) == want)
            {
                return Some(f);
            }
        }
    }
    let name = path.file_name()?;
    let wanted: Vec<Component> = path.components().rev().collect();
    let mut scored: Vec<((bool, usize), &ParsedFile)> = project
        .files_of_kind(FileKind::PgbouncerUserlist)
        .filter(|f| f.source.path.file_name() == Some(name))
        .map(|f| {
            let same_dir = f.source.path.parent() == ini_dir;
            let common = f
                .source
                .path
                .components()
                .rev()
                .zip(&wanted)
                .take_while(|(a, b)| a == *b)
                .count();
            ((same_dir, common), f)
        })
        .collect();
    scored.sort_by_key(|s| std::cmp::Reverse(s.0));
    match scored.as_slice() {
        [(best, f), (next, _), ..] if best != next => Some(f),
        [(_, f)] => Some(f),
        _ => None,
    }
}

/// The users PgBouncer loads from a userlist: entries before the first malformed line, the last
/// entry winning for a name defined twice.
pub(crate) fn loaded_users(list: &Userlist) -> Vec<&UserEntry> {
    let limit = list.broken_line.map_or(usize::MAX, |s| s.start);
    let loaded: Vec<_> = list
        .entries
        .iter()
        .filter(|e| e.line_span.start < limit)
        .collect();
    let last: std::collections::HashMap<&str, usize> = loaded
        .iter()
        .enumerate()
        .map(|(i, e)| (e.user.as_str(), i))
        .collect();
    loaded
        .iter()
        .enumerate()
        .filter(|(i, e)| last[e.user.as_str()] == *i)
        .map(|(_, e)| *e)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const SCRAM: &str = "SCRAM-SHA-256$4096:D76gvGUVj9Z4DNiGoabOBg==$RukL0Xo3Ql/2F9FsD7mcQ3GATG2fD3PA71qY1JagGDs=:BhKUwyyivFm7Tq2jDJVXSVRbRDgTWyBilZKgg6DDuYU=";

    #[test]
    fn secret_issues_follow_pgbouncer_classification() {
        assert_eq!(secret_issue("md5a3556571e93b0d20722ba62be61e8c2d"), None);
        assert_eq!(secret_issue(SCRAM), None);
        assert_eq!(secret_issue(""), None);
        assert_eq!(secret_issue("${PGBOUNCER_PASSWORD}"), None);
        assert_eq!(secret_issue("hunter2"), Some(SecretIssue::Plaintext));
        assert_eq!(secret_issue("md5sum-rocks"), Some(SecretIssue::Plaintext));
        assert!(matches!(
            secret_issue("md5REPLACE_WITH_ACTUAL_PASSWORD_HASH"),
            Some(SecretIssue::Placeholder(_))
        ));
        assert!(matches!(
            secret_issue("SCRAM-SHA-256$<iterations>:<salt>$<storedkey>:<serverkey>"),
            Some(SecretIssue::Placeholder(_))
        ));
        assert!(matches!(
            secret_issue(DOCUMENTED_EXAMPLE_MD5),
            Some(SecretIssue::Placeholder(_))
        ));
        assert!(matches!(
            secret_issue("md500000000000000000000000000000000"),
            Some(SecretIssue::Placeholder(_))
        ));
    }

    #[test]
    fn malformed_secrets_say_what_is_wrong() {
        let m = |s: &str| match secret_issue(s) {
            Some(SecretIssue::Malformed(why)) => why,
            other => panic!("{s}: {other:?}"),
        };
        assert!(m("md5a3556571e93b0d20722ba62be61e8c2").contains("31 hex digits"));
        assert!(m("md5a3556571e93b0d20722ba62be61e8c2g").contains("not hex digits"));
        assert!(m("md5A3556571E93B0D20722BA62BE61E8C2D").contains("uppercase"));
        assert!(m("MD5a3556571e93b0d20722ba62be61e8c2d").contains("lowercase"));
        assert!(m(&SCRAM.replace("$4096:", "$0:")).contains("iteration"));
        assert!(m(&SCRAM.replace("D76gvGUVj9Z4DNiGoabOBg==", "D76g=")).contains("salt"));
        assert!(
            m(&SCRAM.replace("BhKUwyyivFm7Tq2jDJVXSVRbRDgTWyBilZKgg6DDuYU=", "AAAA"))
                .contains("server key decodes to 3 bytes")
        );
        assert!(m(&SCRAM.to_ascii_lowercase()).contains("capitals"));
        assert!(m("SCRAM-SHA-256$4096").contains("expected"));
    }

    #[test]
    fn template_references_are_recognised() {
        for v in ["${PW}", "$PW", "{{ pw }}", "__PW__", "%PW%", "@PW@"] {
            assert!(is_template_reference(v), "{v}");
        }
        for v in ["$", "$1x", "pa$$word", "50%", "a@b", "__", "{{"] {
            assert!(!is_template_reference(v), "{v}");
        }
    }

    fn entry(key: &str, value: &str) -> IniEntry {
        let line = format!("{key} = {value}");
        let start = key.len() + 3;
        IniEntry {
            key: key.into(),
            key_span: Span::new(0, key.len()),
            value: value.into(),
            value_span: Span::new(start, start + value.len()),
            line_span: Span::new(0, line.len()),
        }
    }

    #[test]
    fn trailing_comments_are_found_outside_quotes_and_free_text() {
        let e = entry("listen_port", "6432 ; the port");
        let c = trailing_comment("pgbouncer", &e).unwrap();
        assert_eq!(c.comment, Span::new(19, 29));
        assert_eq!(c.value, Span::new(14, 18));
        assert_eq!(c.removal, Span::new(18, 29));
        assert_eq!(effective_value("pgbouncer", &e).0, "6432");
        assert!(trailing_comment("pgbouncer", &entry("logfile", "/var/log/p#1.log")).is_none());
        assert!(trailing_comment("pgbouncer", &entry("auth_query", "SELECT 1 ; x")).is_none());
        let db = entry("app", "host=db connect_query='SELECT 1 ; SELECT 2' # main");
        let c = trailing_comment("databases", &db).unwrap();
        assert_eq!(
            &"app = host=db connect_query='SELECT 1 ; SELECT 2' # main"[c.comment.range()],
            "# main"
        );
        let empty = entry("listen_addr", "; nothing");
        let c = trailing_comment("pgbouncer", &empty).unwrap();
        assert!(c.value.is_empty());
    }

    #[test]
    fn list_items_have_spans() {
        let items = list_items("ops, monitor ,,x", Span::new(10, 26));
        let got: Vec<(&str, Span)> = items;
        assert_eq!(
            got,
            [
                ("ops", Span::new(10, 13)),
                ("monitor", Span::new(15, 22)),
                ("x", Span::new(25, 26))
            ]
        );
    }
}
