//! Compose's short syntaxes, read from the text before interpolation: volumes
//! (`src:dst:mode`), ports (`ip:published:target/protocol`) and string commands. Separators
//! inside `${…}` expressions do not count (`${DATA:-./data}:/data` has one colon), and ranges
//! index into the text given.

use std::ops::Range;

use crate::parse::interpolate::{self, Piece};

/// Ranges of `text` covered by top-level `${…}` / `$VAR` expressions.
fn expression_ranges(text: &str) -> Vec<Range<usize>> {
    if !text.contains('$') {
        return Vec::new();
    }
    interpolate::parse(text)
        .pieces
        .iter()
        .filter_map(|p| match p {
            Piece::Expr(e) => Some(e.span.range()),
            Piece::Escaped(s) => Some(s.range()),
            Piece::Literal(_) => None,
        })
        .collect()
}

/// Byte offsets of `sep` in `text` outside expressions (and, with `brackets`, outside `[…]`).
fn separators(text: &str, sep: u8, brackets: bool) -> Vec<usize> {
    let exprs = expression_ranges(text);
    let mut out = Vec::new();
    let mut depth = 0usize;
    for (i, b) in text.bytes().enumerate() {
        if exprs.iter().any(|r| r.contains(&i)) {
            continue;
        }
        match b {
            b'[' if brackets => depth += 1,
            b']' if brackets => depth = depth.saturating_sub(1),
            _ if b == sep && depth == 0 => out.push(i),
            _ => {}
        }
    }
    out
}

/// A volume in the short syntax, as Compose splits it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct ShortVolume {
    pub(super) source: Option<Range<usize>>,
    pub(super) target: Range<usize>,
    /// The options after the second colon, split on `,` (`ro`, `rw`, `z`, `Z`, `nocopy`, …).
    pub(super) options: Vec<Range<usize>>,
}

/// Splits a short volume the way Compose does (compose-go `ParseVolume`): a lone part is an
/// anonymous volume's target, then `source:target[:options]`; a one-letter part before a colon
/// is a Windows drive (`C:\data:/data`).
pub(super) fn short_volume(text: &str) -> Result<ShortVolume, &'static str> {
    if text.is_empty() {
        return Err("an empty volume");
    }
    if text.len() <= 2 {
        return Ok(ShortVolume {
            source: None,
            target: 0..text.len(),
            options: Vec::new(),
        });
    }
    let mut parts: Vec<Range<usize>> = Vec::new();
    let mut start = 0;
    for at in separators(text, b':', false) {
        let part = &text[start..at];
        if part.len() == 1 && part.as_bytes()[0].is_ascii_alphabetic() {
            continue;
        }
        parts.push(start..at);
        start = at + 1;
    }
    parts.push(start..text.len());
    if parts.iter().any(|p| p.is_empty()) {
        return Err("an empty section between colons");
    }
    match parts.len() {
        1 => Ok(ShortVolume {
            source: None,
            target: parts[0].clone(),
            options: Vec::new(),
        }),
        2 => Ok(ShortVolume {
            source: Some(parts[0].clone()),
            target: parts[1].clone(),
            options: Vec::new(),
        }),
        3 => {
            let mode = parts[2].clone();
            let mut options = Vec::new();
            let mut from = mode.start;
            for at in separators(&text[mode.clone()], b',', false) {
                options.push(from..mode.start + at);
                from = mode.start + at + 1;
            }
            options.push(from..mode.end);
            options.retain(|r| !r.is_empty());
            Ok(ShortVolume {
                source: Some(parts[0].clone()),
                target: parts[1].clone(),
                options,
            })
        }
        _ => Err("too many colons"),
    }
}

/// A port in the short syntax: `[[host_ip:][published]:]target[/protocol]`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct ShortPort {
    /// With its brackets, for `[::1]`.
    pub(super) host_ip: Option<Range<usize>>,
    /// Empty in `127.0.0.1::80` (an ephemeral host port).
    pub(super) published: Option<Range<usize>>,
    pub(super) target: Range<usize>,
    pub(super) protocol: Option<Range<usize>>,
}

/// Splits a short port the way Docker does (`nat.ParsePortSpec`): the last part is the
/// container port, the one before it the published port, everything before that the host IP
/// (an IPv6 address may be bracketed, or not).
pub(super) fn short_port(text: &str) -> ShortPort {
    let slash = separators(text, b'/', true).last().copied();
    let (rest, protocol) = match slash {
        Some(at) => (0..at, Some(at + 1..text.len())),
        None => (0..text.len(), None),
    };
    let colons = separators(&text[rest.clone()], b':', true);
    let n = colons.len();
    let (host_ip, published, target) = match n {
        0 => (None, None, rest),
        1 => (None, Some(0..colons[0]), colons[0] + 1..rest.end),
        _ => (
            Some(0..colons[n - 2]),
            Some(colons[n - 2] + 1..colons[n - 1]),
            colons[n - 1] + 1..rest.end,
        ),
    };
    ShortPort {
        host_ip,
        published,
        target,
        protocol,
    }
}

/// Splits a string command into words the way Compose does (shell-like: blanks separate
/// words, quotes group, a backslash escapes), each with the range of its source text.
pub(super) fn shell_words(text: &str) -> Vec<(String, Range<usize>)> {
    let mut words = Vec::new();
    let mut current: Option<(String, usize)> = None;
    let mut quote: Option<char> = None;
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        match (quote, c) {
            (None, c) if c.is_whitespace() => {
                if let Some((word, start)) = current.take() {
                    words.push((word, start..i));
                }
            }
            (None, '\'' | '"') => {
                current.get_or_insert_with(|| (String::new(), i));
                quote = Some(c);
            }
            (Some(q), c) if c == q => quote = None,
            (None | Some('"'), '\\') => {
                let word = current.get_or_insert_with(|| (String::new(), i));
                if let Some(&(_, next)) = chars.peek() {
                    if quote.is_none() || matches!(next, '"' | '\\' | '$' | '`') {
                        word.0.push(next);
                        chars.next();
                    } else {
                        word.0.push('\\');
                    }
                } else {
                    word.0.push('\\');
                }
            }
            (_, c) => current.get_or_insert_with(|| (String::new(), i)).0.push(c),
        }
    }
    if let Some((word, start)) = current {
        words.push((word, start..text.len()));
    }
    words
}

#[cfg(test)]
mod tests {
    use super::*;

    fn volume(text: &str) -> (Option<&str>, &str, Vec<&str>) {
        let v = short_volume(text).unwrap();
        (
            v.source.map(|r| &text[r]),
            &text[v.target],
            v.options.into_iter().map(|r| &text[r]).collect(),
        )
    }

    #[test]
    fn short_volumes_split_like_compose() {
        let none: Vec<&str> = Vec::new();
        assert_eq!(volume("/data"), (None, "/data", none.clone()));
        assert_eq!(
            volume("db:/var/lib/db"),
            (Some("db"), "/var/lib/db", none.clone())
        );
        assert_eq!(
            volume("./conf:/etc/x:ro,z"),
            (Some("./conf"), "/etc/x", vec!["ro", "z"])
        );
        assert_eq!(
            volume(r"C:\data:/data"),
            (Some(r"C:\data"), "/data", none.clone())
        );
        assert_eq!(
            volume("${DATA:-./data}:/data:rw"),
            (Some("${DATA:-./data}"), "/data", vec!["rw"])
        );
        assert_eq!(volume("ab"), (None, "ab", none));
        assert_eq!(short_volume("ab:cd:ef:gh"), Err("too many colons"));
        // Like Compose, a one-letter part before a colon is a drive, wherever it is.
        assert_eq!(volume("a:b:c:d"), (Some("a:b"), "c:d", Vec::new()));
        assert_eq!(
            short_volume("/x::ro"),
            Err("an empty section between colons")
        );
    }

    fn port(text: &str) -> [Option<&str>; 4] {
        let p = short_port(text);
        [
            p.host_ip.map(|r| &text[r]),
            p.published.map(|r| &text[r]),
            Some(&text[p.target]),
            p.protocol.map(|r| &text[r]),
        ]
    }

    #[test]
    fn short_ports_split_like_docker() {
        assert_eq!(port("80"), [None, None, Some("80"), None]);
        assert_eq!(port("8080:80"), [None, Some("8080"), Some("80"), None]);
        assert_eq!(
            port("127.0.0.1:8080:80/udp"),
            [Some("127.0.0.1"), Some("8080"), Some("80"), Some("udp")]
        );
        assert_eq!(
            port("[::1]:8080:80"),
            [Some("[::1]"), Some("8080"), Some("80"), None]
        );
        assert_eq!(
            port("::1:8080:80"),
            [Some("::1"), Some("8080"), Some("80"), None]
        );
        assert_eq!(
            port("8080-8081:80-81"),
            [None, Some("8080-8081"), Some("80-81"), None]
        );
        assert_eq!(
            port("127.0.0.1::80"),
            [Some("127.0.0.1"), Some(""), Some("80"), None]
        );
        assert_eq!(
            port("${BIND:-127.0.0.1}:${PORT:-80}:80"),
            [
                Some("${BIND:-127.0.0.1}"),
                Some("${PORT:-80}"),
                Some("80"),
                None
            ]
        );
    }

    #[test]
    fn shell_words_follow_quotes_and_escapes() {
        let words = |t: &str| -> Vec<(String, String)> {
            shell_words(t)
                .into_iter()
                .map(|(w, r)| (w, t[r].to_string()))
                .collect()
        };
        assert_eq!(
            words(r#"sh -c "echo a b" it\'s"#),
            vec![
                ("sh".into(), "sh".into()),
                ("-c".into(), "-c".into()),
                ("echo a b".into(), r#""echo a b""#.into()),
                ("it's".into(), r"it\'s".into()),
            ]
        );
        assert!(shell_words("   ").is_empty());
    }
}
