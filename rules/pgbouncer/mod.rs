//! `PGB`: PgBouncer's auth file (`userlist.txt`) and `pgbouncer.ini` — secrets PgBouncer cannot
//! use, settings that stop it from starting, and an ini whose authentication does not fit the
//! auth file it names. The helpers below encode how PgBouncer itself reads these files.

use std::collections::{HashMap, HashSet};
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

pub(crate) use crate::text::edit_distance;

use crate::diagnostic::Diagnostic;
use crate::index::{Mount, MountSource};
use crate::kind::FileKind;
use crate::parse::compose::ResourceKind;
use crate::parse::pgbouncer::{
    base64_decoded_len, parse_connstr, Include, Ini, IniEntry, SecretKind, Section, UserEntry,
    Userlist,
};
use crate::parse::Model;
use crate::project::{ParsedFile, Project};
use crate::rule::Ctx;
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
    missing_include => MissingInclude,
    auth_file_not_mounted => AuthFileNotMounted,
    exposed_weak_secrets => ExposedWeakSecrets,
    undefined_database => UndefinedDatabase,
    server_side_cursors_in_transaction_pool => ServerSideCursorsInTransactionPool,
    repeated_pgbouncer_section => RepeatedPgbouncerSection,
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

/// Every entry of the `[pgbouncer]` sections of one file. PgBouncer resets the settings when
/// it enters a repeated section (PGB016); the per-file rules read them all regardless.
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

// ---------------------------------------------------------------------------------------------
// The effective configuration: an ini with its `%include`s, and the service that runs it
// ---------------------------------------------------------------------------------------------

/// Deepest `%include` nesting followed (PgBouncer's own limit is 10).
const INCLUDE_DEPTH: usize = 10;

/// One `key = value` line of an effective configuration, with the file and section it is in.
#[derive(Clone, Debug)]
pub(crate) struct EffEntry {
    pub file: FileId,
    /// The section the line belongs to: an included file continues the section of the line
    /// that includes it until it opens its own.
    pub section: String,
    pub entry: IniEntry,
}

/// A `%include` that PgBouncer cannot read: it refuses to start.
#[derive(Clone, Debug)]
pub(crate) struct BrokenInclude {
    pub file: FileId,
    pub span: Span,
    pub message: String,
    /// Where the missing file would come from (a Compose mount), when known.
    pub related: Option<(FileId, Span, String)>,
}

/// A root `pgbouncer.ini` as PgBouncer loads it: its lines and those of the files it includes,
/// in the order PgBouncer reads them.
#[derive(Clone, Debug)]
pub(crate) struct Effective {
    pub entries: Vec<EffEntry>,
    /// Every file read, the root first.
    pub files: Vec<FileId>,
    /// Whether every include was read: when not, a setting may be defined where shiplint
    /// cannot see it.
    pub complete: bool,
    pub broken: Vec<BrokenInclude>,
    /// Every `[pgbouncer]` header in load order: its file, span, and the index in `entries`
    /// where its lines start. PgBouncer resets every setting to its default when it enters
    /// another `[pgbouncer]` section, so only the last one's lines count.
    pub main_headers: Vec<(FileId, Span, usize)>,
}

impl Effective {
    /// The line PgBouncer uses for a setting of `[pgbouncer]`: the last one, spelt exactly, in
    /// the last `[pgbouncer]` section.
    pub(crate) fn setting(&self, key: &str) -> Option<&EffEntry> {
        let from = self.main_headers.last().map_or(0, |h| h.2);
        self.entries[from.min(self.entries.len())..]
            .iter()
            .rfind(|e| e.section == MAIN_SECTION && e.entry.key == key)
    }

    /// A setting's value without a trailing comment, with its file and span.
    pub(crate) fn value(&self, key: &str) -> Option<(&str, FileId, Span)> {
        let e = self.setting(key)?;
        let (value, span) = effective_value(MAIN_SECTION, &e.entry);
        Some((value.trim(), e.file, span))
    }

    /// The users the configuration names in its connection strings as `auth_user` or a forced
    /// `user`, and its global `auth_user`: PgBouncer logs in to PostgreSQL as these, clients
    /// need not log in as them.
    pub(crate) fn server_side_users(&self) -> Vec<String> {
        let mut out = Vec::new();
        if let Some(e) = self.setting("auth_user") {
            out.push(effective_value(MAIN_SECTION, &e.entry).0.to_string());
        }
        for e in self.databases() {
            let (value, span) = effective_value("databases", &e.entry);
            for p in parse_connstr(value, span) {
                if p.key == "user" || p.key == "auth_user" {
                    out.push(p.value);
                }
            }
        }
        out
    }

    /// The `[databases]` lines, in load order.
    pub(crate) fn databases(&self) -> impl DoubleEndedIterator<Item = &EffEntry> {
        self.entries.iter().filter(|e| e.section == "databases")
    }

    /// The port PgBouncer listens on (`listen_port`, 6432 by default); `None` when unreadable.
    pub(crate) fn listen_port(&self) -> Option<u16> {
        match self.value("listen_port") {
            Some((v, _, _)) => v.parse().ok(),
            None => Some(6432),
        }
    }

    /// The pool mode of database `name`: its `pool_mode=` in `[databases]` (or the `*`
    /// fallback's), else the global `pool_mode`, else `session`. With the file and span that
    /// set it, when one did.
    pub(crate) fn pool_mode(&self, name: &str) -> (String, Option<(FileId, Span)>) {
        let db = self
            .databases()
            .rfind(|e| e.entry.key == name)
            .or_else(|| self.databases().rfind(|e| e.entry.key == "*"));
        if let Some(db) = db {
            let (value, span) = effective_value("databases", &db.entry);
            if let Some(p) = parse_connstr(value, span)
                .into_iter()
                .rfind(|p| p.key == "pool_mode")
            {
                return (p.value.to_ascii_lowercase(), Some((db.file, p.value_span)));
            }
        }
        match self.value("pool_mode") {
            Some((v, file, span)) => (v.to_ascii_lowercase(), Some((file, span))),
            None => ("session".to_string(), None),
        }
    }
}

/// A Compose service that runs PgBouncer.
#[derive(Clone, Debug)]
pub(crate) struct PgbService {
    pub compose: FileId,
    /// The normalized folder of the Compose file.
    pub compose_dir: PathBuf,
    pub name: String,
    /// The effective configuration it mounts (an index into [`Pgbouncers::configs`]).
    pub config: Option<usize>,
    /// The mount that brings the configuration in, and the container path of the root ini.
    pub config_mount: Option<(Span, String)>,
    /// The names other containers reach it by: the service name, `container_name`,
    /// `hostname` and network aliases.
    pub hostnames: Vec<String>,
    pub image: Option<String>,
    pub builds: bool,
}

/// Every PgBouncer configuration of the project and the services that run them, built once
/// per project.
#[derive(Debug, Default)]
pub(crate) struct Pgbouncers {
    pub configs: Vec<Effective>,
    pub services: Vec<PgbService>,
}

impl Pgbouncers {
    /// The PgBouncer service (with its configuration) that `host` names for a client written
    /// in `from`, if any. In a repository with several stacks, several services may answer to
    /// `pgbouncer`: the one of the client's own stack is meant — in the same Compose files
    /// as a client written in Compose, else in the stack whose services run the settings file
    /// `from`, else in the nearest folder above `from`. When the stack cannot be told, none.
    pub(crate) fn serving(
        &self,
        project: &Project,
        host: &str,
        from: FileId,
    ) -> Option<(&PgbService, &Effective)> {
        let named: Vec<&PgbService> = self
            .services
            .iter()
            .filter(|s| {
                s.config.is_some() && s.hostnames.iter().any(|h| h.eq_ignore_ascii_case(host))
            })
            .collect();
        let chosen = match named[..] {
            [] => None,
            [only] => Some(only),
            _ => stack_service(project, &named, from),
        }?;
        Some((chosen, &self.configs[chosen.config?]))
    }
}

/// Among services of several stacks, the one of the stack of `from` (see
/// [`Pgbouncers::serving`]).
fn stack_service<'s>(
    project: &Project,
    named: &[&'s PgbService],
    from: FileId,
) -> Option<&'s PgbService> {
    let groups = crate::rules::compose::ComposeGroups::of(project);
    let in_group = |compose: FileId| -> Option<&'s PgbService> {
        let mut found = named.iter().filter(|s| groups.together(s.compose, compose));
        let first = found.next()?;
        found.next().is_none().then_some(*first)
    };
    if project.index.compose(from).is_some() {
        return in_group(from);
    }
    let django = crate::stack::Stack::of(project);
    let mut running: Vec<FileId> = django.running(from).map(|s| s.compose).collect();
    running.sort_unstable();
    running.dedup();
    if let [compose] = running[..] {
        return in_group(compose);
    }
    // The nearest folder above `from` that holds one of these services' Compose files.
    let path = crate::discover::normalize(&project.file(from).source.path);
    path.ancestors().skip(1).find_map(|dir| {
        let mut here = named.iter().filter(|s| s.compose_dir == dir);
        let first = here.next()?;
        Some(here.next().is_none().then_some(*first))
    })?
}

/// Whether a Compose file of unknown environment says it is for development (a literal
/// `DEBUG=true`, a development settings module, …): rules that judge "could be production"
/// files leave it alone.
pub(crate) fn says_development(project: &Project, compose: FileId) -> bool {
    let file = project.file(compose);
    file.source.environment == crate::kind::Environment::Unknown
        && file
            .model
            .compose()
            .is_some_and(|c| crate::rules::compose::development_marker(c).is_some())
}

pub(crate) fn pgbouncers(project: &Project) -> Arc<Pgbouncers> {
    project.derived(build_pgbouncers)
}

/// Whether another `pgbouncer.ini` of the project `%include`s this file.
pub(crate) fn is_included(project: &Project, file: FileId) -> bool {
    pgbouncers(project)
        .configs
        .iter()
        .any(|c| c.files.iter().skip(1).any(|&f| f == file))
}

/// The host path a mount's content comes from: a bind mount's source, or the `file:` of the
/// secret or config it mounts.
fn mount_host_path(project: &Project, compose: FileId, m: &Mount) -> Option<PathBuf> {
    let (kind, name) = match &m.source {
        MountSource::HostPath { resolved, .. } => return resolved.clone(),
        MountSource::Secret(name) => (ResourceKind::Secret, name),
        MountSource::Config(name) => (ResourceKind::Config, name),
        _ => return None,
    };
    let named = project.index.named(kind, name)?;
    // The declaration of the same Compose file wins over one of another file.
    let decl = named
        .declarations
        .iter()
        .find(|d| d.file == compose)
        .or_else(|| named.declarations.first())?;
    let file = decl.resource.file.as_ref()?;
    if decl.resource.is_external() || file.value.contains('$') {
        return None;
    }
    let base = &project.index.compose(decl.file)?.base_dir;
    Some(crate::discover::normalize(&base.join(&file.value)))
}

/// A project file seen inside a container: the container path a mount gives it.
fn container_path_of<'m>(
    project: &Project,
    compose: FileId,
    mounts: &'m [Mount],
    path: &Path,
) -> Option<(String, &'m Mount)> {
    mounts.iter().find_map(|m| {
        let host = mount_host_path(project, compose, m)?;
        let rest = path.strip_prefix(&host).ok()?;
        let mut target = m.target.clone();
        for c in rest.components() {
            target.push('/');
            target.push_str(&c.as_os_str().to_string_lossy());
        }
        Some((target, m))
    })
}

/// An absolute container path without `.`, `..` and repeated or trailing `/`, as the index
/// compares mount targets.
fn container_path(path: &str) -> String {
    crate::text::normalize_container_path(path)
}

/// Where a container path comes from on the host, through the innermost mount covering it.
pub(crate) enum HostSide<'a> {
    /// A host path (a file mount, or a file inside a mounted folder).
    Path(PathBuf, &'a Mount),
    /// A volume, tmpfs, secret or other source shiplint cannot look into.
    Opaque,
    /// No mount covers it: only the image can provide it.
    Unmounted,
}

pub(crate) fn host_side<'a>(project: &'a Project, svc: &PgbService, path: &str) -> HostSide<'a> {
    let covering = project.index.mounts_covering(svc.compose, &svc.name, path);
    let Some(m) = covering.first() else {
        return HostSide::Unmounted;
    };
    match mount_host_path(project, svc.compose, m) {
        Some(host) => {
            let path = container_path(path);
            let rest = path
                .get(m.target.len().min(path.len())..)
                .unwrap_or_default()
                .trim_start_matches('/');
            let host = if rest.is_empty() {
                host
            } else {
                host.join(rest)
            };
            HostSide::Path(crate::discover::normalize(&host), m)
        }
        None => HostSide::Opaque,
    }
}

fn build_pgbouncers(project: &Project) -> Pgbouncers {
    let inis: Vec<&ParsedFile> = project.files_of_kind(FileKind::PgbouncerIni).collect();
    // Services first: a service that mounts an ini tells where its absolute includes come from.
    let mut mounted_by: HashMap<FileId, usize> = HashMap::new();
    let mut services = Vec::new();
    let mut mounted_lists: Vec<Vec<(FileId, String, Span)>> = Vec::new();
    // Ini files by path: the ones a mount brings in are a range of this map (a file, or the
    // files under a folder), so a service is not compared with every ini of a monorepo.
    let ini_paths: std::collections::BTreeMap<PathBuf, FileId> = inis
        .iter()
        .map(|f| (crate::discover::normalize(&f.source.path), f.id))
        .collect();
    for info in project.index.service_infos() {
        let service = info.service();
        let mounts = project.index.mounts(info.file, &info.name);
        let mut mounted: Vec<(FileId, String, Span)> = Vec::new();
        let mut seen: HashSet<FileId> = HashSet::new();
        for m in mounts {
            let Some(host) = mount_host_path(project, info.file, m) else {
                continue;
            };
            for (path, &id) in ini_paths
                .range(host.clone()..)
                .take_while(|(p, _)| p.starts_with(&host))
            {
                // The first mount covering a file decides, as in `container_path_of`.
                if !seen.insert(id) {
                    continue;
                }
                if let Some((target, m)) = container_path_of(project, info.file, mounts, path) {
                    mounted.push((id, target, m.span));
                }
            }
        }
        mounted.sort_by_key(|(id, _, _)| *id);
        let image = service.image.as_ref().map(|i| i.value.clone());
        let is_pgbouncer = image
            .as_deref()
            .is_some_and(|i| i.to_ascii_lowercase().contains("pgbouncer"));
        if mounted.is_empty() && !is_pgbouncer {
            continue;
        }
        let mut hostnames = vec![info.name.clone()];
        for name in [&service.container_name, &service.hostname]
            .into_iter()
            .flatten()
        {
            hostnames.push(name.value.clone());
        }
        for n in &service.networks {
            hostnames.extend(n.aliases.iter().map(|a| a.value.clone()));
        }
        let index = services.len();
        for (file, _, _) in &mounted {
            mounted_by.entry(*file).or_insert(index);
        }
        services.push(PgbService {
            compose: info.file,
            compose_dir: crate::discover::normalize(&project.file(info.file).source.path)
                .parent()
                .map(Path::to_path_buf)
                .unwrap_or_default(),
            name: info.name.clone(),
            config: None,
            config_mount: mounted
                .first()
                .map(|(_, target, span)| (*span, target.clone())),
            hostnames,
            image,
            builds: service.build.is_some(),
        });
        mounted_lists.push(mounted);
    }

    // Every include, resolved once.
    let mut resolved: HashMap<FileId, Vec<Resolved>> = HashMap::new();
    for f in &inis {
        let Some(ini) = ini(f) else { continue };
        let service = mounted_by.get(&f.id).map(|&i| &services[i]);
        let list = ini
            .includes
            .iter()
            .map(|inc| resolve_include(project, f, inc, service))
            .collect();
        resolved.insert(f.id, list);
    }
    let included: HashSet<FileId> = resolved
        .values()
        .flatten()
        .filter_map(|r| match r {
            Resolved::File(id) => Some(*id),
            _ => None,
        })
        .collect();
    let mut configs = Vec::new();
    let mut config_of: HashMap<FileId, usize> = HashMap::new();
    let mut visited: HashSet<FileId> = HashSet::new();
    let roots: Vec<FileId> = inis
        .iter()
        .map(|f| f.id)
        .filter(|id| !included.contains(id))
        .collect();
    // Files only reachable through a cycle have no root: each starts its own configuration.
    let rest: Vec<FileId> = inis.iter().map(|f| f.id).collect();
    for root in roots.into_iter().chain(rest) {
        if visited.contains(&root) {
            continue;
        }
        let mut eff = Effective {
            entries: Vec::new(),
            files: Vec::new(),
            complete: true,
            broken: Vec::new(),
            main_headers: Vec::new(),
        };
        let mut stack = Vec::new();
        let mut section = String::new();
        load(project, &resolved, root, &mut stack, &mut section, &mut eff);
        for &f in &eff.files {
            visited.insert(f);
            config_of.entry(f).or_insert(configs.len());
        }
        configs.push(eff);
    }
    // A service runs the configuration whose root it mounts: with a whole folder mounted, the
    // `pgbouncer*.ini` file that no other includes.
    for (s, mounted) in services.iter_mut().zip(&mounted_lists) {
        let best = mounted
            .iter()
            .filter(|(file, _, _)| configs.iter().any(|c| c.files.first() == Some(file)))
            .min_by_key(|(file, _, _)| {
                let name = project.file(*file).source.path.file_name();
                !name.is_some_and(|n| n.to_string_lossy().starts_with("pgbouncer"))
            });
        if let Some((file, target, span)) = best {
            s.config = config_of.get(file).copied();
            s.config_mount = Some((*span, target.clone()));
        }
    }
    Pgbouncers { configs, services }
}

/// What an `%include` names.
#[derive(Clone, Debug)]
enum Resolved {
    /// A `pgbouncer.ini`-like file of the project.
    File(FileId),
    /// A file that exists but that shiplint does not read.
    Unread,
    /// Nothing there: PgBouncer refuses to start.
    Missing {
        message: String,
        related: Option<(FileId, Span, String)>,
    },
    /// A host path shiplint cannot see.
    Unknown,
}

fn resolve_include(
    project: &Project,
    file: &ParsedFile,
    inc: &Include,
    service: Option<&PgbService>,
) -> Resolved {
    let raw = inc.path.trim();
    let dir = file.source.path.parent().unwrap_or(Path::new(""));
    let at_host = |path: &Path| -> Option<Resolved> {
        let path = crate::discover::normalize(path);
        if let Some(id) = project.index.file_at(&path) {
            if project.file(id).source.kind == FileKind::PgbouncerIni {
                return Some(Resolved::File(id));
            }
            return Some(Resolved::Unread);
        }
        crate::rules::compose::exists(&path).then_some(Resolved::Unread)
    };
    if raw.contains('$') {
        return Resolved::Unknown;
    }
    if !raw.starts_with('/') {
        // PgBouncer opens a relative path from its working directory, which is the ini's
        // folder when it is started there, as is usual.
        return at_host(&dir.join(raw)).unwrap_or_else(|| Resolved::Missing {
            message: format!(
                "`%include {raw}`: there is no `{raw}` beside this file, and PgBouncer refuses \
                 to start when an included file is missing"
            ),
            related: None,
        });
    }
    if let Some(svc) = service {
        return match host_side(project, svc, raw) {
            HostSide::Path(host, m) => at_host(&host).unwrap_or_else(|| Resolved::Missing {
                message: format!(
                    "`%include {raw}` is mounted from `{}`, which does not exist: PgBouncer \
                     refuses to start",
                    display_host(project, &host)
                ),
                related: Some((svc.compose, m.span, "mounted here".to_string())),
            }),
            HostSide::Opaque => Resolved::Unknown,
            HostSide::Unmounted if svc.builds => Resolved::Unknown,
            HostSide::Unmounted => Resolved::Missing {
                message: format!(
                    "`%include {raw}`: no volume of service `{}` provides this file, and \
                     PgBouncer refuses to start when an included file is missing",
                    svc.name
                ),
                related: svc
                    .config_mount
                    .as_ref()
                    .map(|(span, _)| (svc.compose, *span, "the ini is mounted here".to_string())),
            },
        };
    }
    // Without a Compose service, an absolute path is a host fact; the same file name beside
    // the ini is most likely what is meant.
    let name = Path::new(raw).file_name().map(|n| dir.join(n));
    match name.and_then(|p| at_host(&p)) {
        Some(Resolved::File(id)) => Resolved::File(id),
        _ => Resolved::Unknown,
    }
}

/// Appends the lines of `file`, and of the files it includes where it includes them.
fn load(
    project: &Project,
    resolved: &HashMap<FileId, Vec<Resolved>>,
    file: FileId,
    stack: &mut Vec<FileId>,
    section: &mut String,
    eff: &mut Effective,
) {
    let Some(parsed) = ini(project.file(file)) else {
        return;
    };
    stack.push(file);
    if !eff.files.contains(&file) {
        eff.files.push(file);
    }
    // Lines and includes in text order.
    enum Item<'a> {
        Section(&'a Section),
        Entry(&'a IniEntry),
        Include(usize),
    }
    let mut items: Vec<(usize, Item)> = Vec::new();
    for e in &parsed.preamble {
        items.push((e.line_span.start, Item::Entry(e)));
    }
    for s in &parsed.sections {
        items.push((s.header_span.start, Item::Section(s)));
        for e in &s.entries {
            items.push((e.line_span.start, Item::Entry(e)));
        }
    }
    for (i, inc) in parsed.includes.iter().enumerate() {
        items.push((inc.span.start, Item::Include(i)));
    }
    items.sort_by_key(|(at, _)| *at);
    let none = Vec::new();
    let targets = resolved.get(&file).unwrap_or(&none);
    for (_, item) in items {
        match item {
            Item::Section(s) => {
                if s.name == MAIN_SECTION {
                    eff.main_headers
                        .push((file, s.header_span, eff.entries.len()));
                }
                *section = s.name.clone();
            }
            Item::Entry(e) => eff.entries.push(EffEntry {
                file,
                section: section.clone(),
                entry: e.clone(),
            }),
            Item::Include(i) => {
                let inc = &parsed.includes[i];
                match targets.get(i) {
                    Some(Resolved::File(target)) => {
                        if stack.contains(target) || stack.len() >= INCLUDE_DEPTH {
                            eff.broken.push(BrokenInclude {
                                file,
                                span: inc.span,
                                message: format!(
                                    "`%include {}` includes a file that is already being read: \
                                     PgBouncer stops at its nesting limit and refuses to start",
                                    inc.path.trim()
                                ),
                                related: None,
                            });
                        } else {
                            load(project, resolved, *target, stack, section, eff);
                        }
                    }
                    Some(Resolved::Missing { message, related }) => {
                        eff.complete = false;
                        eff.broken.push(BrokenInclude {
                            file,
                            span: inc.span,
                            message: message.clone(),
                            related: related.clone(),
                        });
                    }
                    _ => eff.complete = false,
                }
            }
        }
    }
    stack.pop();
}

/// A host path as a user reads it: relative to the project root when below it.
pub(crate) fn display_host(project: &Project, path: &Path) -> String {
    let shown = path.strip_prefix(&project.root).unwrap_or(path);
    shown.to_string_lossy().replace('\\', "/")
}

// ---------------------------------------------------------------------------------------------
// Clients: connection URLs
// ---------------------------------------------------------------------------------------------

/// The parts of a `postgres://user:password@host:port/dbname?options` URL a client connects
/// with; `None` for other text, or when the host or database is interpolated.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct ClientUrl {
    pub host: String,
    pub port: Option<u16>,
    /// The database name, percent-decoded; empty when the URL names none.
    pub database: String,
}

pub(crate) fn client_url(value: &str) -> Option<ClientUrl> {
    let value = mask_interpolations(value.trim());
    let value = value.as_str();
    let (scheme, rest) = value.split_once("://")?;
    let scheme = scheme.to_ascii_lowercase();
    if !matches!(
        scheme.as_str(),
        "postgres"
            | "postgresql"
            | "pgsql"
            | "postgis"
            | "psql"
            | "postgresql+psycopg"
            | "postgresql+psycopg2"
            | "postgresql+asyncpg"
            | "timescale"
    ) {
        return None;
    }
    let (authority, path) = match rest.find(['/', '?']) {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, ""),
    };
    // The password may hold `@`: the host follows the last one.
    let hostport = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    if hostport.contains([',', '$', '{', MASK]) {
        return None;
    }
    let (host, port) = match hostport.rsplit_once(':') {
        Some((h, p)) if !h.ends_with(']') || !p.is_empty() => (h, p.parse().ok()),
        _ => (hostport, None),
    };
    let path = path.split('?').next().unwrap_or_default();
    let database = path.strip_prefix('/').unwrap_or(path);
    if database.contains(['$', '{', '/', MASK]) || host.is_empty() {
        return None;
    }
    Some(ClientUrl {
        host: host.to_string(),
        port,
        database: percent_decode(database)?,
    })
}

/// Stands for an interpolated part of a URL (`${DB_PASSWORD:?set it}`, `$USER`).
const MASK: char = '\u{1}';

/// The text with each `${…}` and `$NAME` replaced by [`MASK`], so that the `?`, `/` and `:`
/// inside an interpolation are not read as parts of the URL.
fn mask_interpolations(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '$' {
            out.push(c);
            continue;
        }
        match chars.peek() {
            Some('$') => {
                chars.next();
                out.push('$');
            }
            Some('{') => {
                let mut depth = 0;
                for c in chars.by_ref() {
                    match c {
                        '{' => depth += 1,
                        '}' => {
                            depth -= 1;
                            if depth == 0 {
                                break;
                            }
                        }
                        _ => {}
                    }
                }
                out.push(MASK);
            }
            Some(c) if c.is_ascii_alphabetic() || *c == '_' => {
                while chars
                    .peek()
                    .is_some_and(|c| c.is_ascii_alphanumeric() || *c == '_')
                {
                    chars.next();
                }
                out.push(MASK);
            }
            _ => out.push('$'),
        }
    }
    out
}

fn percent_decode(s: &str) -> Option<String> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let hex = s.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// A connection URL a client is configured with, and where.
#[derive(Clone, Debug)]
pub(crate) struct ClientUse {
    pub file: FileId,
    /// The variable (or setting) that holds it.
    pub name: String,
    pub span: Span,
    pub url: ClientUrl,
}

/// Every PostgreSQL URL written in a Compose `environment:`, an env file or an env template,
/// once per place.
pub(crate) fn client_urls(project: &Project) -> Vec<ClientUse> {
    let mut out = Vec::new();
    let mut seen = HashSet::new();
    for (file, service) in project.index.services() {
        for var in &service.environment {
            let (Some(value), Some(span)) = (var.value.as_deref(), var.value_span) else {
                continue;
            };
            if let Some(url) = client_url(value) {
                if seen.insert((file, span)) {
                    out.push(ClientUse {
                        file,
                        name: var.name.clone(),
                        span,
                        url,
                    });
                }
            }
        }
    }
    for f in project.files() {
        if !matches!(f.source.kind, FileKind::Env | FileKind::EnvTemplate) {
            continue;
        }
        let Some(env) = f.model.env() else { continue };
        for e in &env.entries {
            if let Some(url) = client_url(&e.value) {
                out.push(ClientUse {
                    file: f.id,
                    name: e.key.clone(),
                    span: e.content_span,
                    url,
                });
            }
        }
    }
    out
}

/// Runs `check` over the deployable Django settings modules as a DJG rule would, and returns
/// each finding's message with the file and span it is placed at (the settings file a user
/// edits), without reporting it.
pub(crate) fn locate_in_leaves(
    ctx: &Ctx<'_>,
    check: impl FnMut(&crate::rules::django::Leaf, &mut Vec<crate::rules::django::Finding>),
) -> Vec<(String, FileId, Span)> {
    let mut inner = Ctx::new(ctx.project, ctx.meta());
    crate::rules::django::check_leaves(&mut inner, check);
    inner
        .into_diagnostics()
        .into_iter()
        .map(|d| (d.message, d.file, d.span))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kind::Environment;
    use crate::source::SourceFile;

    /// A project of in-memory files (paths under a folder that does not exist on disk).
    fn project(files: &[(&str, FileKind, &str)]) -> Project {
        let parsed = files
            .iter()
            .enumerate()
            .map(|(id, &(path, kind, text))| {
                let (model, issues) = crate::parse::parse(kind, text);
                let mut f = ParsedFile::new(
                    id,
                    SourceFile::new(
                        path.into(),
                        path.into(),
                        kind,
                        Environment::Production,
                        text.into(),
                    ),
                    model,
                );
                f.issues = issues;
                f
            })
            .collect();
        let mut p = Project::new("/nonexistent-shiplint-test".into(), parsed);
        p.index = crate::index::build(&p.files);
        p
    }

    const ROOT: &str = "/nonexistent-shiplint-test/pgbouncer";

    #[test]
    fn includes_continue_the_including_section_and_load_in_place() {
        let p = project(&[
            (
                &format!("{ROOT}/pgbouncer.ini"),
                FileKind::PgbouncerIni,
                "[databases]\n%include databases.ini\n[pgbouncer]\npool_mode = session\n\
                 %include tuning.ini\n",
            ),
            (
                &format!("{ROOT}/databases.ini"),
                FileKind::PgbouncerIni,
                "app = host=db pool_mode=transaction\n",
            ),
            (
                &format!("{ROOT}/tuning.ini"),
                FileKind::PgbouncerIni,
                "pool_mode = transaction\nlisten_port = 7432\n",
            ),
        ]);
        let all = pgbouncers(&p);
        assert_eq!(all.configs.len(), 1, "included files are not roots");
        let c = &all.configs[0];
        assert_eq!(c.files, [0, 1, 2]);
        assert!(c.complete && c.broken.is_empty());
        assert_eq!(c.databases().map(|e| e.file).collect::<Vec<_>>(), [1]);
        assert_eq!(
            c.value("pool_mode").map(|v| (v.0, v.1)),
            Some(("transaction", 2))
        );
        assert_eq!(c.listen_port(), Some(7432));
        assert_eq!(c.pool_mode("app").0, "transaction");
        assert_eq!(c.pool_mode("other").0, "transaction");
        assert!(is_included(&p, 1) && !is_included(&p, 0));
    }

    #[test]
    fn a_second_pgbouncer_section_starts_from_the_defaults() {
        let p = project(&[
            (
                &format!("{ROOT}/pgbouncer.ini"),
                FileKind::PgbouncerIni,
                "[pgbouncer]\nlisten_port = 7432\npool_mode = transaction\n\
                 %include more.ini\n",
            ),
            (
                &format!("{ROOT}/more.ini"),
                FileKind::PgbouncerIni,
                "[pgbouncer]\npool_mode = session\n",
            ),
        ]);
        let all = pgbouncers(&p);
        let c = &all.configs[0];
        assert_eq!(c.main_headers.len(), 2);
        assert_eq!(c.value("pool_mode").map(|v| v.0), Some("session"));
        assert!(
            c.setting("listen_port").is_none(),
            "reset by the second section"
        );
        assert_eq!(c.listen_port(), Some(6432));
    }

    #[test]
    fn odd_urls_do_not_panic() {
        let mut rng = crate::testing::XorShift::new(7);
        let alphabet = [
            'p', 'o', 's', 't', 'g', 'r', ':', '/', '@', '$', '{', '}', '?', '%', 'é', '[', ']',
            '1',
        ];
        for _ in 0..2000 {
            let len = (rng.next_u64() % 40) as usize;
            let mut s = String::from("postgres://");
            for _ in 0..len {
                s.push(alphabet[(rng.next_u64() % alphabet.len() as u64) as usize]);
            }
            let _ = client_url(&s);
        }
        assert!(client_url("postgres://%zz@h/db%").is_none());
    }

    #[test]
    fn container_paths_are_normalized_like_mount_targets() {
        assert_eq!(
            container_path("/etc//pgbouncer/./x/../userlist.txt"),
            "/etc/pgbouncer/userlist.txt"
        );
        assert_eq!(container_path("/é/"), "/é");
    }

    #[test]
    fn missing_and_cyclic_includes_are_broken() {
        let p = project(&[
            (
                &format!("{ROOT}/pgbouncer.ini"),
                FileKind::PgbouncerIni,
                "[pgbouncer]\n%include a.ini\n%include nowhere.ini\n%include ${X}\n",
            ),
            (
                &format!("{ROOT}/a.ini"),
                FileKind::PgbouncerIni,
                "%include pgbouncer.ini\n",
            ),
        ]);
        let all = pgbouncers(&p);
        let c = &all.configs[0];
        let broken: Vec<_> = c
            .broken
            .iter()
            .map(|b| (b.file, b.message.clone()))
            .collect();
        assert_eq!(broken.len(), 2, "{broken:?}");
        assert_eq!(broken[0].0, 1);
        assert!(broken[0].1.contains("already being read"));
        assert!(broken[1].1.contains("no `nowhere.ini`"));
        assert!(
            !c.complete,
            "an unreadable include leaves the configuration incomplete"
        );
    }

    #[test]
    fn client_urls_give_host_port_and_database_around_interpolations() {
        let u = client_url("postgres://u:${DB_PASSWORD:?set DB_PASSWORD}@pgbouncer:6432/obcms")
            .unwrap();
        assert_eq!(
            (u.host.as_str(), u.port, u.database.as_str()),
            ("pgbouncer", Some(6432), "obcms")
        );
        let u = client_url("postgresql://app:p%40ss@db/my%2Ddb?sslmode=require").unwrap();
        assert_eq!(
            (u.host.as_str(), u.port, u.database.as_str()),
            ("db", None, "my-db")
        );
        assert_eq!(
            client_url("postgres://pgbouncer:6432").unwrap().database,
            ""
        );
        assert!(client_url("postgres://u@${DB_HOST}:6432/app").is_none());
        assert!(client_url("postgres://u@pgbouncer:6432/${DB_NAME}").is_none());
        assert!(client_url("redis://redis:6379/0").is_none());
        assert!(client_url("postgres://u@a:1,b:2/app").is_none());
    }

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
