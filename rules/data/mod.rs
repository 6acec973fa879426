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
fn words(value: &str) -> Vec<String> {
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
