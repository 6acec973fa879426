//! Pattern lists shared by rules of several families. The lists live in text files beside this
//! one so they can be reviewed and extended without reading code.

use std::sync::OnceLock;

const SECRET_NAMES: &str = include_str!("secret_names.txt");

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
}
