//! Pattern lists shared by rules of several families. The lists live in text files beside this
//! one so they can be reviewed and extended without reading code.

use std::sync::OnceLock;

const SECRET_NAMES: &str = include_str!("secret_names.txt");
const PLACEHOLDERS: &str = include_str!("placeholders.txt");

enum Pattern {
    Exact(String),
    Suffix(String),
    Prefix(String),
}

impl Pattern {
    fn parse(line: &str) -> Pattern {
        if let Some(s) = line.strip_prefix('*') {
            Pattern::Suffix(s.to_string())
        } else if let Some(p) = line.strip_suffix('*') {
            Pattern::Prefix(p.to_string())
        } else {
            Pattern::Exact(line.to_string())
        }
    }

    fn matches(&self, upper: &str) -> bool {
        match self {
            Pattern::Exact(e) => upper == e,
            Pattern::Suffix(s) => upper.ends_with(s.as_str()),
            Pattern::Prefix(p) => upper.starts_with(p.as_str()),
        }
    }
}

struct NameList {
    include: Vec<Pattern>,
    exclude: Vec<Pattern>,
}

fn secret_list() -> &'static NameList {
    static LIST: OnceLock<NameList> = OnceLock::new();
    LIST.get_or_init(|| {
        let mut list = NameList {
            include: Vec::new(),
            exclude: Vec::new(),
        };
        for line in SECRET_NAMES.lines().map(str::trim) {
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            match line.strip_prefix('!') {
                Some(rest) => list.exclude.push(Pattern::parse(rest)),
                None => list.include.push(Pattern::parse(line)),
            }
        }
        list
    })
}

/// Whether a variable or setting of this name holds a secret (`SECRET_KEY`, `*_PASSWORD`,
/// `*_TOKEN`, …; not `*_PASSWORD_FILE`).
pub fn is_secret_name(name: &str) -> bool {
    let upper = name.to_ascii_uppercase();
    let list = secret_list();
    list.include.iter().any(|p| p.matches(&upper))
        && !list.exclude.iter().any(|p| p.matches(&upper))
}

/// Whether a value is a URL carrying a password (`postgres://user:pass@host/db`).
pub fn url_has_password(value: &str) -> bool {
    let Some((_, rest)) = value.split_once("://") else {
        return false;
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    match authority.rsplit_once('@') {
        Some((userinfo, _)) => userinfo
            .split_once(':')
            .is_some_and(|(_, password)| !password.is_empty()),
        None => false,
    }
}

/// A line of `placeholders.txt`: words, with `*` for any number of words.
struct WordPattern(Vec<String>);

impl WordPattern {
    fn matches(&self, words: &[String]) -> bool {
        fn go(pattern: &[String], words: &[String]) -> bool {
            match pattern.split_first() {
                None => words.is_empty(),
                Some((p, rest)) if p == "*" => (0..=words.len()).any(|i| go(rest, &words[i..])),
                Some((p, rest)) => words.first() == Some(p) && go(rest, &words[1..]),
            }
        }
        go(&self.0, words)
    }
}

fn placeholder_list() -> &'static [WordPattern] {
    static LIST: OnceLock<Vec<WordPattern>> = OnceLock::new();
    LIST.get_or_init(|| {
        PLACEHOLDERS
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .map(|l| WordPattern(l.split_whitespace().map(str::to_string).collect()))
            .collect()
    })
}

/// The value lower-cased and cut into words: runs of letters and runs of digits.
pub(crate) fn words(value: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut current = String::new();
    let mut current_is_digit = false;
    for c in value.chars() {
        let is_word = c.is_alphanumeric();
        let is_digit = c.is_ascii_digit();
        let boundary = !is_word || is_digit != current_is_digit;
        if boundary && !current.is_empty() {
            out.push(std::mem::take(&mut current));
        }
        if is_word {
            current.extend(c.to_lowercase());
            current_is_digit = is_digit;
        }
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

/// Values longer than this are never word-matched against the marker list.
const MAX_PLACEHOLDER_LEN: usize = 200;

/// Whether a value is a placeholder standing in for a secret (`CHANGE_ME`, `<password>`,
/// `md5REPLACE_WITH_ACTUAL_PASSWORD_HASH`, `xxxxxxxx`, `your-password-here`), from the markers in
/// `placeholders.txt` and the shapes it describes. Case-insensitive. Built to stay silent on real
/// passwords and hashes: markers are whole word sequences, never loose substrings.
pub fn is_placeholder(value: &str) -> bool {
    let v = value.trim();
    if v.is_empty() {
        return false;
    }
    // Ex) `<password>`, `<your db password>`
    if v.len() > 2
        && v.starts_with('<')
        && v.ends_with('>')
        && !v[1..v.len() - 1].contains(['<', '>'])
    {
        return true;
    }
    // Ex) `xxx`, `********`, `...`
    let mut chars = v.chars();
    let first = chars.next().unwrap_or(' ');
    if v.chars().count() >= 3
        && "xX*?.#".contains(first)
        && v.chars().all(|c| c.eq_ignore_ascii_case(&first))
    {
        return true;
    }
    // Ex) `sk_live_xxxxxxxxxxxx`
    if v.to_ascii_lowercase().contains("xxxxxx") {
        return true;
    }
    // Placeholders are short; a long value is data, and matching it would cost time.
    if v.len() > MAX_PLACEHOLDER_LEN {
        return false;
    }
    let words = words(v);
    !words.is_empty() && placeholder_list().iter().any(|p| p.matches(&words))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_names() {
        for n in [
            "SECRET_KEY",
            "DJANGO_SECRET_KEY",
            "POSTGRES_PASSWORD",
            "GF_SECURITY_ADMIN_PASSWORD",
            "GRAFANA_ADMIN_PASSWORD",
            "GITHUB_TOKEN",
            "STRIPE_API_KEY",
            "AWS_SECRET_ACCESS_KEY",
            "redis_password",
        ] {
            assert!(is_secret_name(n), "{n}");
        }
        for n in [
            "POSTGRES_USER",
            "POSTGRES_PASSWORD_FILE",
            "AWS_ACCESS_KEY_ID",
            "DEBUG",
            "JWT_TOKEN_LIFETIME",
            "SECRET_KEY_FILE",
            "PASSWORD_RESET_TIMEOUT",
            "MYSQL_ALLOW_EMPTY_PASSWORD",
            "MYSQL_RANDOM_ROOT_PASSWORD",
        ] {
            assert!(!is_secret_name(n), "{n}");
        }
    }

    #[test]
    fn urls_with_passwords() {
        assert!(url_has_password("postgres://app:hunter2@db:5432/app"));
        assert!(url_has_password("redis://:pw@redis:6379/0"));
        assert!(!url_has_password("postgres://app@db/app"));
        assert!(!url_has_password("redis://redis:6379/0"));
        assert!(!url_has_password("https://example.com/a:b@c"));
        assert!(!url_has_password("not a url"));
    }

    #[test]
    fn placeholders_are_recognised_whatever_their_case() {
        for v in [
            "md5REPLACE_WITH_ACTUAL_PASSWORD_HASH",
            "md5REPLACE_WITH_ADMIN_PASSWORD_HASH",
            "CHANGE_ME",
            "changeme",
            "ChangeMe123",
            "prod-secret-key-change-it",
            "change-this-password",
            "xxx",
            "XXXXXXXX",
            "********",
            "...",
            "sk_live_xxxxxxxxxxxx",
            "<password>",
            "<your db password>",
            "your-password-here",
            "your_db_password",
            "YourPassword",
            "password-here",
            "insert password here",
            "TODO",
            "tbd",
            "FIXME",
            "placeholder",
            "db-password-placeholder",
            "password",
            "Secret",
            "dummy-secret",
            "replace-me",
            "REPLACE_THIS",
            "to-be-replaced",
        ] {
            assert!(is_placeholder(v), "{v}");
        }
    }

    #[test]
    fn real_passwords_and_hashes_are_not_placeholders() {
        for v in [
            "",
            "   ",
            "hunter2",
            "Todo-Bien-2024!",
            "todo-list",
            "correct horse battery staple",
            "Xk9#mP2$vL",
            "postgres",
            "md545f2603610af569b6155c45067268c6b",
            "md5a3556571e93b0d20722ba62be61e8c2d",
            "SCRAM-SHA-256$4096:D76gvGUVj9Z4DNiGoabOBg==$RukL0Xo3Ql/2F9FsD7mcQ3GATG2fD3PA71qY1JagGDs=:BhKUwyyivFm7Tq2jDJVXSVRbRDgTWyBilZKgg6DDuYU=",
            "xx",
            "x",
            "mypassword1!x",
            "yours-truly-42",
            "examples-are-fun",
            "<a>b<c>",
            "box",
            "exxon",
            "we-are-here",
        ] {
            assert!(!is_placeholder(v), "{v}");
        }
    }

    #[test]
    fn long_values_are_not_word_matched() {
        assert!(!is_placeholder(&"insert ".repeat(100_000)));
        assert!(is_placeholder(&"x".repeat(1000)));
    }

    #[test]
    fn words_split_letters_from_digits_and_lower_case() {
        assert_eq!(
            words("md5REPLACE_WITH_hash2"),
            ["md", "5", "replace", "with", "hash", "2"]
        );
        assert_eq!(words("--"), Vec::<String>::new());
    }

    #[test]
    fn every_placeholder_line_is_a_usable_pattern() {
        let list = placeholder_list();
        assert!(list.len() > 30);
        for p in list {
            assert!(!p.0.is_empty());
            assert!(
                p.0.iter().all(|w| w == "*" || words(w) == [w.clone()]),
                "{:?}",
                p.0
            );
        }
    }
}

/// The byte range of the password inside a URL (`postgres://user:PASSWORD@host`), if any.
pub fn url_password_range(value: &str) -> Option<std::ops::Range<usize>> {
    let scheme_end = value.find("://")? + 3;
    let rest = &value[scheme_end..];
    let authority_len = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let at = rest[..authority_len].rfind('@')?;
    let colon = rest[..at].find(':')?;
    (colon + 1 < at).then(|| scheme_end + colon + 1..scheme_end + at)
}

/// Marks the secret parts of `text` (found at file offset `base`): all of it, or, when it holds
/// `${…}` expressions, only its literal text and fallback values, so that variable names and
/// the expression a finding points at stay readable.
fn secret_parts(text: &str, base: usize, out: &mut Vec<crate::source::Span>) {
    use crate::parse::interpolate::{parse, Piece};
    if !text.contains('$') {
        out.push(crate::source::Span::new(base, base + text.len()));
        return;
    }
    fn walk(pieces: &[Piece], base: usize, out: &mut Vec<crate::source::Span>) {
        for piece in pieces {
            match piece {
                Piece::Literal(s) => out.push(s.shift(base)),
                Piece::Expr(e) => {
                    if let Some(operand) = &e.operand {
                        if !e.op.is_required() {
                            walk(&operand.pieces, base, out);
                        }
                    }
                }
                Piece::Escaped(_) => {}
            }
        }
    }
    walk(&parse(text).pieces, base, out);
}

/// Spans of a file's text that hold secrets, whatever rule reports on the file: values of
/// secret-like keys in env files and YAML, passwords inside URLs, userlist secrets and
/// PgBouncer password settings. Renderers never print the text of these spans.
pub fn secret_spans(file: &crate::project::ParsedFile) -> Vec<crate::source::Span> {
    use crate::parse::Model;
    use crate::source::Span;
    let mut out = Vec::new();
    let url_password = |text: &str, base: usize, out: &mut Vec<Span>| {
        if let Some(r) = url_password_range(text) {
            secret_parts(&text[r.clone()], base + r.start, out);
        }
    };
    match &file.model {
        Model::Env(env) => {
            for e in &env.entries {
                if e.content_span.is_empty() {
                    continue;
                }
                if is_secret_name(&e.key) {
                    if e.interpolates() {
                        let content = file.source.slice(e.content_span);
                        secret_parts(content, e.content_span.start, &mut out);
                    } else {
                        out.push(e.content_span);
                    }
                } else {
                    url_password(
                        file.source.slice(e.content_span),
                        e.content_span.start,
                        &mut out,
                    );
                }
            }
        }
        Model::PgbouncerUserlist(list) => {
            out.extend(list.entries.iter().map(|e| e.secret_span));
        }
        Model::PgbouncerIni(ini) => {
            for section in &ini.sections {
                for e in &section.entries {
                    let key = e.key.to_ascii_lowercase();
                    if key.contains("password") || e.value.contains("password=") {
                        out.push(e.value_span);
                    }
                }
            }
        }
        Model::Yaml(yaml) | Model::Compose(yaml, _) => {
            let mut budget = 200_000usize;
            for doc in yaml.documents() {
                yaml_secrets(doc, &mut budget, &mut out);
            }
        }
        _ => {}
    }
    out.retain(|s| !s.is_empty());
    out
}

fn yaml_secrets(
    node: crate::parse::yaml::Node<'_>,
    budget: &mut usize,
    out: &mut Vec<crate::source::Span>,
) {
    use crate::parse::yaml::NodeKind;
    use crate::source::Span;
    if *budget == 0 {
        return;
    }
    *budget -= 1;
    // Each source node is visited once: aliases point at nodes visited where they are defined.
    let scalar_secret = |value: crate::parse::yaml::Node<'_>, out: &mut Vec<Span>| {
        if let Some(v) = value.as_str() {
            if !v.is_empty() && value.via_alias().is_none() {
                match value.raw().find(v) {
                    Some(at) => secret_parts(v, value.span().start + at, out),
                    None => out.push(value.span()),
                }
            }
        }
    };
    match node.kind() {
        NodeKind::Mapping => {
            for (key, value) in node.entries() {
                if value.via_alias().is_some() || key.via_alias().is_some() {
                    continue;
                }
                if key.as_str().is_some_and(is_secret_name) {
                    scalar_secret(value, out);
                }
                yaml_secrets(value, budget, out);
            }
        }
        NodeKind::Sequence => {
            for item in node.items() {
                if item.via_alias().is_none() {
                    yaml_secrets(item, budget, out);
                }
            }
        }
        NodeKind::Scalar => {
            let Some(v) = node.as_str() else { return };
            let raw = node.raw();
            // `KEY=value` items of a Compose environment list.
            if let Some((key, rest)) = v.split_once('=') {
                if is_secret_name(key.trim()) && !rest.is_empty() {
                    match raw.find(v) {
                        Some(at) => secret_parts(rest, node.span().start + at + key.len() + 1, out),
                        None => out.push(node.span()),
                    }
                    return;
                }
            }
            if let Some(r) = url_password_range(v) {
                match raw.find(v) {
                    Some(at) => secret_parts(&v[r.clone()], node.span().start + at + r.start, out),
                    None => out.push(node.span()),
                }
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod url_tests {
    use super::url_password_range;

    #[test]
    fn password_ranges_inside_urls() {
        let u = "postgres://app:hunter2@db:5432/app";
        assert_eq!(&u[url_password_range(u).unwrap()], "hunter2");
        assert_eq!(url_password_range("redis://redis:6379/0"), None);
        assert_eq!(url_password_range("postgres://app@db/app"), None);
        let u = "redis://:pw@redis:6379";
        assert_eq!(&u[url_password_range(u).unwrap()], "pw");
    }
}

// ---------------------------------------------------------------------------------------------
// Credentials in known formats, and values that look randomly generated
// ---------------------------------------------------------------------------------------------

const TOKEN_FORMATS: &str = include_str!("token_formats.txt");

/// A credential in a known provider's format, found in a text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TokenMatch {
    /// What it is: `AWS access key ID`, `Private key`, …
    pub provider: &'static str,
    /// The bytes to point at: the token, or a private key's `-----BEGIN … PRIVATE KEY-----`.
    pub range: std::ops::Range<usize>,
    /// The bytes never to show: the token, or a private key from its header to its footer.
    pub secret: std::ops::Range<usize>,
}

fn token_formats() -> &'static [(&'static str, regex::Regex)] {
    static LIST: OnceLock<Vec<(&'static str, regex::Regex)>> = OnceLock::new();
    LIST.get_or_init(|| {
        TOKEN_FORMATS
            .lines()
            .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
            .map(|l| {
                let (name, pattern) = l.split_once('\t').expect("name<TAB>pattern");
                let re = regex::Regex::new(pattern.trim()).expect("valid token pattern");
                (name.trim(), re)
            })
            .collect()
    })
}

/// Every credential of a known format in `text` (`AKIA…`, `ghp_…`, `xoxb-…`, `sk_live_…`,
/// `-----BEGIN PRIVATE KEY-----`, …; see `token_formats.txt`), in text order, leaving out
/// obvious stand-ins: `AKIAIOSFODNN7EXAMPLE`, `ghp_xxxxxxxx…`, `AKIA0000000000000000`, a private
/// key header with no key after it.
pub fn find_tokens(text: &str) -> Vec<TokenMatch> {
    let mut out = Vec::new();
    for (provider, re) in token_formats() {
        for m in re.find_iter(text) {
            let next = text[m.end()..].chars().next();
            if next.is_some_and(|c| c.is_ascii_alphanumeric()) {
                continue;
            }
            let token = m.as_str();
            if token.starts_with("-----BEGIN") {
                if let Some(secret) = private_key_block(text, m.start(), m.end()) {
                    out.push(TokenMatch {
                        provider,
                        range: m.range(),
                        secret,
                    });
                }
                continue;
            }
            if is_stand_in_token(token) {
                continue;
            }
            out.push(TokenMatch {
                provider,
                range: m.range(),
                secret: m.range(),
            });
        }
    }
    out.sort_by_key(|t| (t.range.start, t.range.end));
    out.dedup_by(|a, b| a.range.start < b.range.end);
    out
}

/// A private key from its header to the end of its footer (or of the text), when a key follows
/// the header: at least 64 base64 characters before the footer. Documentation shows the header
/// alone, or `...` in place of the key.
fn private_key_block(
    text: &str,
    start: usize,
    header_end: usize,
) -> Option<std::ops::Range<usize>> {
    let rest = &text[header_end..];
    let (body, end) = match rest.find("-----END") {
        Some(at) => {
            let footer = &rest[at..];
            let close = footer[8..]
                .find("-----")
                .map_or(footer.len(), |i| i + 8 + 5);
            (&rest[..at], header_end + at + close)
        }
        None => (rest, text.len()),
    };
    let key_chars = body
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '/'))
        .count();
    (key_chars >= 64 && !is_placeholder(body)).then_some(start..end)
}

/// A token of the right shape that is clearly not a real credential.
fn is_stand_in_token(token: &str) -> bool {
    let distinct = token
        .chars()
        .collect::<std::collections::BTreeSet<_>>()
        .len();
    token.to_ascii_uppercase().contains("EXAMPLE")
        || is_placeholder(token)
        || distinct < 8
        || has_ordered_run(token, 6)
}

/// Whether `s` holds `len` characters in a row that count up or down one by one: `123456`,
/// `abcdef`, `987654`. Almost never by chance in a generated value; typical of made-up ones.
fn has_ordered_run(s: &str, len: usize) -> bool {
    let b = s.as_bytes();
    let mut up = 1;
    let mut down = 1;
    for w in b.windows(2) {
        let (x, y) = (w[0], w[1]);
        let same_class = x.is_ascii_alphanumeric()
            && y.is_ascii_alphanumeric()
            && x.is_ascii_digit() == y.is_ascii_digit();
        up = if same_class && y == x.wrapping_add(1) {
            up + 1
        } else {
            1
        };
        down = if same_class && y.wrapping_add(1) == x {
            down + 1
        } else {
            1
        };
        if up >= len || down >= len {
            return true;
        }
    }
    false
}

/// Shannon entropy of the characters of `s`, in bits per character.
pub(crate) fn shannon_entropy(s: &str) -> f64 {
    let mut counts: std::collections::HashMap<char, usize> = std::collections::HashMap::new();
    let mut n = 0usize;
    for c in s.chars() {
        *counts.entry(c).or_default() += 1;
        n += 1;
    }
    if n == 0 {
        return 0.0;
    }
    counts
        .values()
        .map(|&k| {
            let p = k as f64 / n as f64;
            -p * p.log2()
        })
        .sum()
}

/// The fewest characters a value must have to be judged randomly generated.
pub(crate) const RANDOM_MIN_LEN: usize = 12;
/// The least Shannon entropy, in bits per character, of a randomly generated value. Random hex
/// of 12+ characters has about 3.4 or more, base64 4+; made-up words mostly fall below 3.
pub(crate) const RANDOM_MIN_ENTROPY: f64 = 3.0;

/// Whether a value looks randomly generated, as real secrets are and made-up ones are not:
/// at least [`RANDOM_MIN_LEN`] characters with no blank, two or more of lowercase, uppercase and
/// digits, at least [`RANDOM_MIN_ENTROPY`] bits per character, mostly not words (`ThisIsMyPassword2024`,
/// `postgres_password`), no counting run (`123456`, `abcdef`). `J5brHrAXFLQSif0K`, Django's
/// generated keys, random hex and UUIDs are; `taiga-secret-key`, `supersecret` are not.
pub fn looks_random(value: &str) -> bool {
    let n = value.chars().count();
    if n < RANDOM_MIN_LEN || value.chars().any(char::is_whitespace) {
        return false;
    }
    let classes = [
        value.chars().any(|c| c.is_ascii_lowercase()),
        value.chars().any(|c| c.is_ascii_uppercase()),
        value.chars().any(|c| c.is_ascii_digit()),
    ];
    if classes.iter().filter(|&&c| c).count() < 2 {
        return false;
    }
    if shannon_entropy(value) < RANDOM_MIN_ENTROPY || has_ordered_run(value, 5) {
        return false;
    }
    // Characters inside word-like runs: `Password`, `secret`, `obcms` (letters with vowels).
    let mut in_words = 0;
    let mut run = String::new();
    let flush = |run: &mut String, in_words: &mut usize| {
        let len = run.chars().count();
        let vowels = run.chars().filter(|c| "aeiouyAEIOUY".contains(*c)).count();
        if len >= 4 && vowels * 5 >= len {
            *in_words += len;
        }
        run.clear();
    };
    for c in value.chars() {
        // A word is a lowercase run, optionally capitalised: `Secure` in `MySecurePass`.
        let starts_word = c.is_ascii_uppercase();
        if c.is_ascii_lowercase() {
            run.push(c);
        } else {
            flush(&mut run, &mut in_words);
            if starts_word {
                run.push(c);
            }
        }
    }
    flush(&mut run, &mut in_words);
    in_words * 2 < n
}

const DJANGO_GLOBAL_SETTINGS: &str = include_str!("django_global_settings.txt");

/// Whether Django itself has a default for the setting `name` (so reading it never fails).
pub(crate) fn is_django_global_setting(name: &str) -> bool {
    static NAMES: OnceLock<std::collections::HashSet<&'static str>> = OnceLock::new();
    NAMES
        .get_or_init(|| {
            DJANGO_GLOBAL_SETTINGS
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty() && !l.starts_with('#'))
                .collect()
        })
        .contains(name)
}

#[cfg(test)]
mod token_tests {
    use super::*;

    fn providers(text: &str) -> Vec<&'static str> {
        find_tokens(text).into_iter().map(|t| t.provider).collect()
    }

    #[test]
    fn every_token_format_is_a_valid_pattern() {
        assert!(token_formats().len() >= 10);
    }

    #[test]
    fn known_formats_are_found_anywhere_in_a_text() {
        let cases = [
            ("AWS_ACCESS_KEY_ID=AKIAZ7Q3N5V2KDRT4WLM", "AWS access key ID"),
            (
                "# token: ghp_R8kq2ZJmW4nT7vXc9LbP3yHs6dFg1aEo5QuK",
                "GitHub personal access token",
            ),
            (
                "X=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",
                "GitHub fine-grained personal access token",
            ),
            (
                "SLACK_BOT_TOKEN=xoxb-2918374650-4820193847561-Qw7Er9Ty2Ui4Op6As8Df0Gh1",
                "Slack token",
            ),
            (
                "MAPS=AIzaSyB3kQ9vX7mN2pL5wR8tY1uJ4hG6fD0sA-c",
                "Google API key",
            ),
            (
                "STRIPE_SECRET_KEY=\"sk_live_51H8qZpK2mN7vX4tR9wY3cL6b\"",
                "Stripe secret key",
            ),
        ];
        for (text, provider) in cases {
            assert_eq!(providers(text), [provider], "{text}");
        }
    }

    #[test]
    fn stand_ins_are_not_tokens() {
        for text in [
            "AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE",
            "AWS_ACCESS_KEY_ID=AKIAXXXXXXXXXXXXXXXX",
            "AWS_ACCESS_KEY_ID=AKIA0000000000000000",
            "GITHUB_TOKEN=ghp_123456789012345678901234567890123456",
            "GITHUB_TOKEN=ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
            "STRIPE=sk_live_xxxxxxxxxxxxxxxxxxxxxxxx",
            "STRIPE=sk_test_51H8qZpK2mN7vX4tR9wY3cL6b",
            "AKIAZ7Q3N5V2KDRT4WLMQ",
            "KEY=\"-----BEGIN PRIVATE KEY-----\\n...\\n-----END PRIVATE KEY-----\"",
        ] {
            assert!(providers(text).is_empty(), "{text}");
        }
    }

    #[test]
    fn a_private_key_is_masked_from_header_to_footer() {
        let body = "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7VJTUt9Us8cKjMzEfYyjiWA4R4/M2bS1GB4t7NXp98C3SC6dVMvDuictGeurT8jNbvJZHtCSuYEvuNMoSfm76oqFvAp8Gy0iz5sxjZmSnXyCdPEovGhLa0VzMaQ8s+CLOyS56YyCFGeJZ";
        let text = format!(
            "TLS_KEY=\"-----BEGIN RSA PRIVATE KEY-----\\n{body}\\n-----END RSA PRIVATE KEY-----\"\nB=1\n"
        );
        let found = find_tokens(&text);
        assert_eq!(found.len(), 1);
        assert_eq!(
            &text[found[0].range.clone()],
            "-----BEGIN RSA PRIVATE KEY-----"
        );
        assert!(text[found[0].secret.clone()].ends_with("-----END RSA PRIVATE KEY-----"));
    }

    #[test]
    fn generated_values_look_random() {
        for v in [
            "J5brHrAXFLQSif0K",
            "t4Ph722qJ5QHeQ1qfu36",
            "r(m)9nLGnz$(_q3N4z1k(EFsMCjjjzx08x9VhNVcfd%6RF#r!6DE@+V5Zk2X",
            "550e8400-e29b-41d4-a716-446655440000",
            "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
            "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzQ8k2Lm4Np",
            "k8#2mf!x9q@7zw$4vb",
        ] {
            assert!(looks_random(v), "{v}");
        }
    }

    #[test]
    fn made_up_values_do_not_look_random() {
        for v in [
            "taiga-secret-key",
            "supersecret",
            "my-super-secret-password",
            "correct horse battery staple",
            "prod-secret-key-change-it",
            "postgres_password",
            "outgoing_email_password",
            "MySecurePass123obcms_user",
            "ThisIsMyPassword2024",
            "Password123456789",
            "0123456789abcdef0123456789abcdef",
            "dev-secret-key-not-for-production",
            "H733Kd",
            "/run/secrets/db_password",
            "12345678901234567890",
        ] {
            assert!(!looks_random(v), "{v}");
        }
    }
}
