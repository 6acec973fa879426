//! `ENV`: `.env` files and their templates — what a deploy would run with (placeholders,
//! committed secrets, debug switches), templates that drifted apart, and syntax that Compose
//! accepts but shells, python-dotenv or dotenvy read differently.
//!
//! Syntax rules report the lexer's [`ProblemKind`]s that Compose accepts; what Compose refuses
//! is already a parse error (`SHL001`).

use crate::diagnostic::{Applicability, Edit, Fix};
use crate::kind::{Environment, FileKind};
use crate::parse::dotenv::{Entry, EnvFile, Problem, ProblemKind};
use crate::project::ParsedFile;
use crate::rules::data::{is_placeholder, is_secret_name, url_has_password, words};
use crate::source::Span;

crate::family_rules! {
    placeholder_value => PlaceholderValue,
    committed_token => CommittedToken,
    committed_secret => CommittedSecret,
    debug_enabled_in_env_file => DebugEnabled,
    wildcard_allowed_hosts_in_env_file => WildcardAllowedHosts,
    weak_secret_key => WeakSecretKey,
    https_disabled => HttpsDisabled,
    template_drift => TemplateDrift,
    duplicate_key => DuplicateKey,
    text_after_closing_quote => TextAfterClosingQuote,
    unquoted_hash => UnquotedHash,
    unquoted_whitespace => UnquotedWhitespace,
    space_around_equals => SpaceAroundEquals,
    ambiguous_quoting => AmbiguousQuoting,
    non_portable_key => NonPortableKey,
    compose_only_syntax => ComposeOnlySyntax,
    undeclared_variable => UndeclaredVariable,
    tracked_ignored_env_file => TrackedIgnoredEnvFile,
    false_string_read_as_true => FalseStringReadAsTrue,
    unread_template_variable => UnreadTemplateVariable,
    env_file_in_image => EnvFileInImage,
    guessable_template_secret => GuessableTemplateSecret,
}

/// The lexed model of an env file or template.
pub(crate) fn env_file(file: &ParsedFile) -> Option<&EnvFile> {
    match file.source.kind {
        FileKind::Env | FileKind::EnvTemplate => file.model.env(),
        _ => None,
    }
}

/// The problems of `kinds`, in source order.
pub(crate) fn problems<'a>(
    env: &'a EnvFile,
    kinds: &'a [ProblemKind],
) -> impl Iterator<Item = &'a Problem> + 'a {
    env.problems.iter().filter(|p| kinds.contains(&p.kind))
}

/// The entry whose lines hold `offset`.
pub(crate) fn entry_at(env: &EnvFile, offset: usize) -> Option<&Entry> {
    entry_index_at(env, offset).map(|i| &env.entries[i])
}

/// The index of the entry whose lines hold `offset`.
pub(crate) fn entry_index_at(env: &EnvFile, offset: usize) -> Option<usize> {
    let after = env.entries.partition_point(|e| e.line_span.start <= offset);
    after
        .checked_sub(1)
        .filter(|&i| offset <= env.entries[i].line_span.end)
}

/// Whether Compose substitutes a variable somewhere in the value: `${DB_PASSWORD}`, `$HOME`.
/// Such a value is filled in at deploy time and says nothing about what will run.
pub(crate) fn has_reference(entry: &Entry) -> bool {
    entry.interpolates()
        && entry.value.contains('$')
        && !crate::parse::interpolate::parse(&entry.value).is_literal()
}

/// The values django-environ reads as true, in any case: `True`, `1`, `yes`, `on`, `y`, `ok`.
pub(crate) fn is_truthy(value: &str) -> bool {
    matches!(
        value.trim().to_ascii_lowercase().as_str(),
        "true" | "1" | "yes" | "on" | "y" | "ok"
    )
}

/// The values that unmistakably say false: `False`, `0`, `no`, `off`, `n`, in any case.
pub(crate) fn is_falsy(value: &str) -> bool {
    matches!(
        value.trim().to_ascii_lowercase().as_str(),
        "false" | "0" | "no" | "off" | "n"
    )
}

/// `value` with the opposite truth, in the same spelling: `True` → `False`, `1` → `0`.
pub(crate) fn negate(value: &str) -> String {
    let lower = value.to_ascii_lowercase();
    let flipped = match lower.as_str() {
        "true" => "false",
        "false" => "true",
        "1" => "0",
        "0" => "1",
        "yes" => "no",
        "no" => "yes",
        "on" => "off",
        "off" => "on",
        "y" => "n",
        "n" => "y",
        _ => return value.to_string(),
    };
    if value.chars().all(|c| !c.is_ascii_lowercase()) {
        flipped.to_ascii_uppercase()
    } else if value.starts_with(|c: char| c.is_ascii_uppercase()) {
        let mut s = flipped.to_string();
        s[..1].make_ascii_uppercase();
        s
    } else {
        flipped.to_string()
    }
}

/// A fix that writes the opposite truth value over a switch (`True` → `False`), or `None` when
/// the value has no spelled-out opposite. Unsafe: it changes what the deployment does.
pub(crate) fn flip_fix(file: &ParsedFile, entry: &Entry, message: String) -> Option<Fix> {
    let written = file.source.slice(entry.content_span);
    let replacement = negate(written);
    (replacement != written).then(|| Fix {
        message,
        applicability: Applicability::Unsafe,
        edits: vec![Edit {
            file: file.id,
            span: entry.content_span,
            content: replacement,
        }],
    })
}

/// A fix that double-quotes an unquoted value, which every loader then reads whole; `None` when
/// the value holds `"` or `\`, which Compose decodes differently inside double quotes.
pub(crate) fn quote_fix(file: &ParsedFile, entry: &Entry) -> Option<Fix> {
    let span = entry.raw_value_span;
    if file.source.slice(span).contains(['"', '\\']) {
        return None;
    }
    let insert = |at: usize| Edit {
        file: file.id,
        span: Span::empty(at),
        content: "\"".to_string(),
    };
    Some(Fix {
        message: "quote the value".to_string(),
        applicability: Applicability::Safe,
        edits: vec![insert(span.start), insert(span.end)],
    })
}

/// Whether the entry's key names a secret, or its value is a URL with a password in it.
pub(crate) fn holds_secret(entry: &Entry) -> bool {
    is_secret_name(&entry.key) || url_has_password(&entry.value)
}

/// Markers of `placeholders.txt` that name a secret or an ordinary thing: a placeholder as a
/// secret's whole value, but legitimate words in other settings (`AUTH_METHOD=password`,
/// `CACHE_BACKEND=…dummy.DummyCache`, `LOGO=/static/placeholder.png`, `SITE=example`).
const SECRET_ONLY_MARKERS: &[&str] = &[
    "password",
    "passwd",
    "secret",
    "example",
    "sample",
    "redacted",
    "dummy",
    "placeholder",
];

/// Whether the value of a setting that is not a secret is a placeholder: one that says it must
/// be replaced (`CHANGE_ME`, `<your host>`, `your-domain-here`, `TODO`), not one that only names
/// a secret.
pub(crate) fn is_setting_placeholder(value: &str) -> bool {
    if !is_placeholder(value) {
        return false;
    }
    let trimmed = value.trim();
    if trimmed.starts_with('<') && trimmed.ends_with('>') {
        return true;
    }
    let mut stripped = String::new();
    let mut weak = false;
    for word in words(value) {
        if SECRET_ONLY_MARKERS.contains(&word.as_str()) {
            weak = true;
        } else {
            stripped.push_str(&word);
            stripped.push('-');
        }
    }
    !weak || is_placeholder(stripped.trim_end_matches('-'))
}

/// A value safe to quote in a message: the value itself when it is short and not a secret,
/// else its redacted form.
pub(crate) fn shown(entry: &Entry, value: &str) -> String {
    if holds_secret(entry) || value.chars().count() > 48 {
        crate::diagnostic::redact(value)
    } else {
        value.to_string()
    }
}

/// Where a finding of a deployed-only rule is, for its message: production and staging say so,
/// a file of unknown environment may be either.
pub(crate) fn deployed_where(environment: Environment) -> &'static str {
    match environment {
        Environment::Production => "in a production file",
        Environment::Staging => "in a staging file",
        _ => "in a file that may be deployed",
    }
}

/// The environment whose severity a finding about a deployed value takes in `file`: the
/// environment a template is for when it is a production or staging one
/// (`.env.production.example` is copied as the production file, with its values), else the
/// file's own.
pub(crate) fn deployed_environment(file: &ParsedFile) -> Environment {
    if file.source.kind == FileKind::EnvTemplate {
        let name = file
            .source
            .path
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_default();
        if let Some(target) = crate::discover::template_target(&name).filter(|e| e.is_deployed()) {
            return target;
        }
    }
    file.source.environment
}

/// Where a finding about a deployed value is, for its message: [`deployed_where`], or the
/// environment a template is for.
pub(crate) fn deployed_where_in(file: &ParsedFile, environment: Environment) -> &'static str {
    match (file.source.kind, environment) {
        (FileKind::EnvTemplate, Environment::Production) => {
            "in a production template, which deployers copy"
        }
        (FileKind::EnvTemplate, Environment::Staging) => {
            "in a staging template, which deployers copy"
        }
        _ => deployed_where(environment),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn truth_values_and_their_negation_keep_the_spelling() {
        assert!(is_truthy("True") && is_truthy("1") && is_truthy("YES") && is_truthy("on"));
        assert!(!is_truthy("False") && !is_truthy("express:*") && !is_truthy(""));
        assert!(is_falsy("False") && is_falsy("0") && is_falsy("off"));
        assert_eq!(negate("True"), "False");
        assert_eq!(negate("true"), "false");
        assert_eq!(negate("TRUE"), "FALSE");
        assert_eq!(negate("1"), "0");
        assert_eq!(negate("yes"), "no");
    }

    #[test]
    fn setting_placeholders_say_they_must_be_replaced() {
        for v in [
            "CHANGE_ME",
            "changeit",
            "<your host>",
            "TODO",
            "xxx",
            "changeme@example.com",
            "replace-with-your-domain",
            "your-domain.dyndns.com",
            "your@email.com",
            "yourUser",
            "<the mail password>",
        ] {
            assert!(is_setting_placeholder(v), "{v}");
        }
        for v in [
            "password",
            "example",
            "django.core.cache.backends.dummy.DummyCache",
            "/static/placeholder.png",
            "sample",
            "localhost",
            "yourls",
        ] {
            assert!(!is_setting_placeholder(v), "{v}");
        }
    }
}
