//! Lossless `.env` lexer.
//!
//! Semantics follow Docker Compose, which reads `.env` and `env_file:` files with compose-go's
//! dotenv parser (v2): the targets of this linter are Compose env files and their templates.
//! Every entry keeps the byte spans of its parts, so rules can point at exactly the key, the
//! value or the comment; everything Compose, a shell `source`, python-dotenv or dotenvy would
//! read differently is reported as a [`Problem`].
//!
//! What Compose does, and so what this lexer does:
//!
//! - Lines are separated by `\n`; a `\r` before it is trimmed with the other blanks. A leading
//!   UTF-8 byte order mark is skipped (spans still count its three bytes).
//! - Blank lines and lines whose first non-blank character is `#` are skipped.
//! - `export` followed by a blank is dropped before the key (`export=1` sets `export`).
//! - A key ends at `=`, at the YAML-style `:`, or at the end of the line (a bare `KEY`, which
//!   Compose takes from the environment). Blanks around the key are trimmed. Compose accepts
//!   letters, digits, `_`, `.`, `-`, `[` and `]` in a key and refuses the whole file for any
//!   other character, or for a space inside the key.
//! - Blanks after `=` are skipped. A value starting with `'` or `"` is quoted; it may span
//!   lines and ends at the first quote not preceded by an escaping backslash.
//!   - Single quotes: literal, except that `\'` is an escaped quote.
//!   - Double quotes: `\"` is a quote, then `\\`, `\n`, `\r`, `\t`, `\a`, `\b`, `\f`, `\v`
//!     and `\0NNN` (octal) are decoded, `\$` becomes `$$` (Compose's escaped dollar, see
//!     [`Entry::value`]); any other backslash stays as written.
//!   - After the closing quote, blanks and a `#` comment may follow.
//! - An unquoted value runs to the end of the line, is cut at the first ` #` (a *space* then
//!   `#`: a tab before `#` does not start a comment) and trimmed at the end. Nothing in it is
//!   unescaped.
//!
//! Variables are not interpolated: `${X}` stays as written in [`Entry::value`].

use std::collections::HashMap;

use crate::source::Span;

/// A lexed `.env` file: its entries in file order, full-line comments, and problems.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct EnvFile {
    pub entries: Vec<Entry>,
    /// Full-line comments, `#` included, line terminator excluded.
    pub comments: Vec<Span>,
    /// Everything loaders disagree on or refuse, in source order.
    pub problems: Vec<Problem>,
}

/// How a value is quoted.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Quote {
    #[default]
    None,
    Single,
    Double,
}

/// One `KEY=value` (or bare `KEY`) statement.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    /// The `export` keyword, when present.
    pub export: Option<Span>,
    pub key: String,
    pub key_span: Span,
    /// The `=` (or Compose's YAML-style `:`); `None` for a bare `KEY` line.
    pub equals: Option<Span>,
    /// The value as written: quotes included; surrounding blanks and the inline comment
    /// excluded. Empty, right after the separator, when there is no value.
    pub raw_value_span: Span,
    /// The text between the quotes; equal to `raw_value_span` when unquoted.
    pub content_span: Span,
    /// The value as Compose reads it before interpolation: quotes removed and escapes
    /// decoded, `${X}` kept as written. Compose's escaped dollar `\$` (double quotes) becomes
    /// `$$`, as compose-go does, so interpolating this text gives Compose's final value. Empty
    /// for a bare `KEY`, whose value Compose takes from the environment.
    pub value: String,
    pub quote: Quote,
    /// The inline comment, `#` included, line terminator excluded.
    pub comment: Option<Span>,
    /// The whole entry from `export` or the key to the end of its last line (all lines of a
    /// multi-line value), line terminator excluded.
    pub line_span: Span,
}

impl Entry {
    /// Whether Compose interpolates `${…}` in this value: not in single quotes.
    pub fn interpolates(&self) -> bool {
        self.quote != Quote::Single
    }
}

/// What is wrong, or read differently by different loaders.
///
/// Loaders compared: Compose (compose-go v2), a POSIX shell sourcing the file
/// (`set -a; . ./.env`), python-dotenv (Django projects) and dotenvy (Rust).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ProblemKind {
    /// A quoted value whose closing quote never comes (`KEY="abc`). Compose refuses the whole
    /// file, and so do shells and dotenvy; the span is the opening quote. The rest of that
    /// line is skipped and lexing resumes on the next one.
    UnterminatedQuote,
    /// A key Compose accepts but that is not a portable name `[A-Za-z_][A-Za-z0-9_]*`:
    /// `1KEY`, `MY-KEY`, `my.key`, `KEY[0]`, `CLÉ`. A shell refuses the assignment (it runs
    /// `MY-KEY=x` as a command), dotenvy rejects `-`, brackets, non-ASCII letters and a leading
    /// digit, and compose-go's `Read` silently drops keys that start with a digit. The entry
    /// is kept; the span is the key.
    InvalidKey,
    /// A character Compose never accepts in a key (`$`, `/`, `@`, a quote, a `#` after a bare
    /// key) or blanks inside a key (`MY KEY=1`). Compose refuses the whole file ("unexpected
    /// character", "key cannot contain a space"). The span is the character or blank run; the
    /// line produces no entry.
    InvalidKeyCharacter,
    /// Blanks between the key and `=`, or between `=` and a value: `KEY = value`. Compose,
    /// python-dotenv and dotenvy trim them, but a shell runs `KEY = value` as the command `KEY`,
    /// and `KEY= value` as the command `value` with `KEY` empty. The span is one blank run.
    SpaceAroundEquals,
    /// A line of several words with no `=` (`KEY value`, `KEY # comment`). Compose refuses the
    /// whole file and dotenvy rejects the line; python-dotenv rejects it too, except a bare key
    /// followed by a comment. The span is the line's text; the line produces no entry.
    MissingEquals,
    /// A separator with nothing before it (`=value`), or `export` alone. Compose sets a
    /// variable with an empty name, or does nothing; python-dotenv and dotenvy reject the line.
    /// The span is the separator, or `export`; the line produces no entry.
    MissingKey,
    /// An unquoted value with blanks inside (`KEY=two words`). Compose keeps them, but a shell
    /// assigns `two` and runs `words` as a command, and dotenvy rejects the line. The span is
    /// the first blank run, where a shell splits the value.
    UnquotedWhitespace,
    /// A quote inside an unquoted value (`KEY=a"b"`, `JSON={"a":1}`). Compose keeps it as a
    /// character; shells and dotenvy treat it as quoting and drop it. The span is the first
    /// quote.
    UnquotedQuote,
    /// A backslash in an unquoted value (`PASSWORD=ab\cd`). Compose keeps it; a shell drops it
    /// (`abcd`) and dotenvy rejects most such escapes: the value, often a secret, changes with
    /// the loader. The span is the first backslash.
    UnquotedBackslash,
    /// Text after a closing quote (`KEY="a"b`, `KEY='a' B=c`). Compose reads that text as a
    /// new statement (so `KEY='a' B=c` also sets `B`, and `KEY="a"b` a bare `b`), a shell
    /// concatenates it (`ab`), python-dotenv rejects the line, dotenvy concatenates text right
    /// after the quote and rejects text after a blank. This lexer keeps the quoted value,
    /// reports the text and skips it. The span is the text, trimmed.
    TextAfterClosingQuote,
    /// A `#` that loaders disagree about. In an unquoted value Compose keeps every `#` that does
    /// not follow a space (`KEY=a#b`, `KEY=a<TAB>#b`, and `KEY= #b` where the blank is trimmed
    /// before the value starts), while shells and dotenvy start a comment after any blank,
    /// Node's dotenv and older compose-go releases at any `#`. Right after a closing quote
    /// (`KEY="a"#b`) Compose and python-dotenv start a comment, a shell keeps `#b` in the
    /// value. The span is the `#`.
    UnquotedHash,
    /// `KEY: value`, Compose's YAML-style separator. Shells, python-dotenv and dotenvy do not
    /// accept it. The entry is kept; the span is the `:`.
    ColonSeparator,
    /// `\'` inside single quotes (`KEY='it\'s'`). Compose and python-dotenv read an escaped
    /// quote, but in a shell and in dotenvy single quotes have no escapes: the value ends at
    /// that quote and the rest of the file is read differently. The span is `\'`.
    EscapedSingleQuote,
}

impl ProblemKind {
    /// Whether Compose refuses to load a file with this problem.
    pub fn rejected_by_compose(self) -> bool {
        matches!(
            self,
            ProblemKind::UnterminatedQuote
                | ProblemKind::InvalidKeyCharacter
                | ProblemKind::MissingEquals
        )
    }

    /// A short description: lowercase, no trailing period.
    pub fn message(self) -> &'static str {
        match self {
            ProblemKind::UnterminatedQuote => "quoted value is never closed",
            ProblemKind::InvalidKey => "key is not a portable variable name",
            ProblemKind::InvalidKeyCharacter => "character not allowed in a key",
            ProblemKind::SpaceAroundEquals => "blank around `=`",
            ProblemKind::MissingEquals => "line has no `=`",
            ProblemKind::MissingKey => "no key before the value",
            ProblemKind::UnquotedWhitespace => "unquoted value contains blanks",
            ProblemKind::UnquotedQuote => "quote inside an unquoted value",
            ProblemKind::UnquotedBackslash => "backslash inside an unquoted value",
            ProblemKind::TextAfterClosingQuote => "text after the closing quote",
            ProblemKind::UnquotedHash => "`#` that loaders read differently",
            ProblemKind::ColonSeparator => "`:` used instead of `=`",
            ProblemKind::EscapedSingleQuote => "escaped quote inside single quotes",
        }
    }
}

/// One problem, located on exactly the offending characters.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Problem {
    pub kind: ProblemKind,
    pub span: Span,
}

impl EnvFile {
    /// The entry that decides `key`'s value: the last one with a value, as Compose keeps an
    /// earlier value when a later bare `KEY` is not in the environment; else the last bare one.
    pub fn get(&self, key: &str) -> Option<&Entry> {
        let mut bare = None;
        for entry in self.entries.iter().rev().filter(|e| e.key == key) {
            if entry.equals.is_some() {
                return Some(entry);
            }
            bare = bare.or(Some(entry));
        }
        bare
    }

    /// Every repeated key, as `(previous, repeat)` pairs in file order: a key written three
    /// times gives two pairs.
    pub fn duplicates(&self) -> Vec<(&Entry, &Entry)> {
        let mut last: HashMap<&str, usize> = HashMap::new();
        let mut pairs = Vec::new();
        for (index, entry) in self.entries.iter().enumerate() {
            if let Some(previous) = last.insert(entry.key.as_str(), index) {
                pairs.push((&self.entries[previous], entry));
            }
        }
        pairs
    }
}

/// Lexes `text`. Never panics; every span is a byte range of `text` on character boundaries.
pub fn parse(text: &str) -> EnvFile {
    let mut lexer = Lexer {
        text,
        file: EnvFile::default(),
    };
    let mut pos = if text.starts_with('\u{feff}') { 3 } else { 0 };
    while pos < text.len() {
        // Blank lines and leading blanks, as Compose's `unicode.IsSpace`.
        let rest = &text[pos..];
        pos += rest
            .find(|c: char| !c.is_whitespace())
            .unwrap_or(rest.len());
        if pos >= text.len() {
            break;
        }
        if text.as_bytes()[pos] == b'#' {
            let end = lexer.line_end(pos);
            lexer
                .file
                .comments
                .push(Span::new(pos, lexer.content_end(end)));
            pos = end;
        } else {
            pos = lexer.statement(pos);
        }
    }
    let mut file = lexer.file;
    file.problems.sort_by_key(|p| (p.span.start, p.span.end));
    file
}

struct Lexer<'a> {
    text: &'a str,
    file: EnvFile,
}

/// The value part of a statement.
struct Value {
    raw: Span,
    content: Span,
    value: String,
    quote: Quote,
    comment: Option<Span>,
    /// Where the statement's last line ends (before its terminator).
    line_end: usize,
    /// Where lexing resumes.
    next: usize,
}

/// Compose's blanks inside a line (`isSpace` in compose-go): no line feed.
fn is_blank(c: char) -> bool {
    matches!(
        c,
        '\t' | '\u{0B}' | '\u{0C}' | '\r' | ' ' | '\u{85}' | '\u{A0}'
    )
}

/// Characters Compose accepts in a key. Go's `unicode.IsLetter` is the general category L;
/// `is_alphabetic` also admits a few combining marks, which no real key contains.
fn is_key_char(c: char) -> bool {
    matches!(c, '_' | '.' | '-' | '[' | ']') || c.is_alphabetic() || c.is_numeric()
}

fn is_portable_key(key: &str) -> bool {
    let mut chars = key.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

impl Lexer<'_> {
    fn problem(&mut self, kind: ProblemKind, start: usize, end: usize) {
        self.file.problems.push(Problem {
            kind,
            span: Span::new(start, end),
        });
    }

    /// Offset of the `\n` ending the line that holds `pos`, or the text's length.
    fn line_end(&self, pos: usize) -> usize {
        self.text[pos..]
            .find('\n')
            .map_or(self.text.len(), |i| pos + i)
    }

    /// Where the next line starts.
    fn next_line(&self, pos: usize) -> usize {
        (self.line_end(pos) + 1).min(self.text.len())
    }

    /// `line_end` without a `\r` just before it.
    fn content_end(&self, line_end: usize) -> usize {
        if line_end > 0 && self.text.as_bytes()[line_end - 1] == b'\r' {
            line_end - 1
        } else {
            line_end
        }
    }

    /// First offset at or after `pos` that is not a Compose blank.
    fn skip_blanks(&self, pos: usize) -> usize {
        let rest = &self.text[pos..];
        pos + rest.find(|c: char| !is_blank(c)).unwrap_or(rest.len())
    }

    /// Lexes one statement starting at the non-blank `start`; returns where to resume.
    fn statement(&mut self, start: usize) -> usize {
        let text = self.text;
        // Ex) `export KEY=value`: Compose matches `^export\s+` (RE2's `\s`: no `\v`).
        let mut export = None;
        let mut key_start = start;
        if text[start..].starts_with("export")
            && matches!(
                text.as_bytes().get(start + 6),
                None | Some(b' ' | b'\t' | b'\n' | b'\x0C' | b'\r')
            )
        {
            export = Some(Span::new(start, start + 6));
            key_start = self.skip_blanks(start + 6);
        }

        // The key runs to `=`, `:` or the end of the line, blanks allowed (and trimmed).
        let mut terminator = None;
        for (offset, c) in text[key_start..].char_indices() {
            let at = key_start + offset;
            match c {
                '=' | ':' | '\n' => {
                    terminator = Some((at, c));
                    break;
                }
                c if is_blank(c) || is_key_char(c) => {}
                c => return self.bad_key(export, key_start, at, c),
            }
        }
        let (term_at, term) = terminator.unwrap_or((text.len(), '\n'));
        let key = text[key_start..term_at].trim_end_matches(is_blank);
        let key_span = Span::new(key_start, key_start + key.len());

        if term == '\n' {
            let line_end = self.content_end(term_at);
            if key.is_empty() {
                // Ex) `export` alone.
                let span = export.unwrap_or(Span::empty(key_start));
                self.problem(ProblemKind::MissingKey, span.start, span.end);
            } else if key.contains(is_blank) {
                // Ex) `KEY value`
                self.problem(ProblemKind::MissingEquals, key_span.start, key_span.end);
            } else {
                self.check_key(key, key_span);
                self.file.entries.push(Entry {
                    export,
                    key: key.to_string(),
                    key_span,
                    equals: None,
                    raw_value_span: Span::empty(key_span.end),
                    content_span: Span::empty(key_span.end),
                    value: String::new(),
                    quote: Quote::None,
                    comment: None,
                    line_span: Span::new(start, line_end.max(key_span.end)),
                });
            }
            return self.next_line(term_at);
        }

        let equals = Span::new(term_at, term_at + 1);
        // Lex the value even when the key is unusable, to skip all lines of a quoted value.
        let Some(value) = self.value(equals.end) else {
            return self.next_line(equals.end);
        };
        if key.is_empty() {
            self.problem(ProblemKind::MissingKey, equals.start, equals.end);
            return value.next;
        }
        if let Some(blank) = key.find(is_blank) {
            // Ex) `MY KEY=1`
            let run = key[blank..].find(|c| !is_blank(c)).unwrap_or(0);
            let at = key_start + blank;
            self.problem(ProblemKind::InvalidKeyCharacter, at, at + run);
            return value.next;
        }
        self.check_key(key, key_span);
        if term == ':' {
            self.problem(ProblemKind::ColonSeparator, equals.start, equals.end);
        } else {
            if key_span.end < equals.start {
                self.problem(ProblemKind::SpaceAroundEquals, key_span.end, equals.start);
            }
            if equals.end < value.raw.start && !value.raw.is_empty() {
                self.problem(ProblemKind::SpaceAroundEquals, equals.end, value.raw.start);
            }
        }
        self.file.entries.push(Entry {
            export,
            key: key.to_string(),
            key_span,
            equals: Some(equals),
            raw_value_span: value.raw,
            content_span: value.content,
            value: value.value,
            quote: value.quote,
            comment: value.comment,
            line_span: Span::new(start, value.line_end),
        });
        value.next
    }

    /// A character Compose refuses in a key, at `at`; returns where to resume.
    fn bad_key(&mut self, export: Option<Span>, key_start: usize, at: usize, c: char) -> usize {
        let line_end = self.line_end(at);
        let line = &self.text[key_start..line_end];
        match export {
            // Ex) `export # comment`
            Some(export) if key_start == at => {
                self.problem(ProblemKind::MissingKey, export.start, export.end)
            }
            // Ex) `KEY value`, `KEY # comment`
            _ if !line.contains(['=', ':']) => {
                let end = key_start + line.trim_end().len();
                self.problem(ProblemKind::MissingEquals, key_start, end);
            }
            _ => self.problem(ProblemKind::InvalidKeyCharacter, at, at + c.len_utf8()),
        }
        self.next_line(at)
    }

    fn check_key(&mut self, key: &str, span: Span) {
        if !is_portable_key(key) {
            self.problem(ProblemKind::InvalidKey, span.start, span.end);
        }
    }

    /// Lexes the value after the separator ending at `after`. `None` when a quote is never
    /// closed (reported).
    fn value(&mut self, after: usize) -> Option<Value> {
        let start = self.skip_blanks(after);
        match self.text.as_bytes().get(start) {
            Some(&quote @ (b'"' | b'\'')) => self.quoted(start, quote as char),
            _ => Some(self.unquoted(after, start)),
        }
    }

    fn unquoted(&mut self, after: usize, start: usize) -> Value {
        let line_end = self.line_end(start);
        let content_end = self.content_end(line_end);
        let segment = &self.text[start..line_end];
        // Compose cuts at the first space-then-`#`, then trims.
        let (before, comment) = match segment.find(" #") {
            Some(cut) => (
                &segment[..cut],
                Some(Span::new(start + cut + 1, content_end.max(start + cut + 2))),
            ),
            None => (segment, None),
        };
        let value = before.trim_end();
        let raw = if value.is_empty() {
            Span::empty(after)
        } else {
            Span::new(start, start + value.len())
        };

        if let Some(blank) = value.find(char::is_whitespace) {
            let run = value[blank..]
                .find(|c: char| !c.is_whitespace())
                .unwrap_or(value.len() - blank);
            self.problem(
                ProblemKind::UnquotedWhitespace,
                start + blank,
                start + blank + run,
            );
        }
        for (kind, pattern) in [
            (ProblemKind::UnquotedHash, &['#'][..]),
            (ProblemKind::UnquotedQuote, &['"', '\''][..]),
            (ProblemKind::UnquotedBackslash, &['\\'][..]),
        ] {
            if let Some(at) = value.find(pattern) {
                self.problem(kind, start + at, start + at + 1);
            }
        }

        Value {
            raw,
            content: raw,
            value: value.to_string(),
            quote: Quote::None,
            comment,
            line_end: content_end.max(raw.end),
            next: line_end,
        }
    }

    fn quoted(&mut self, open: usize, quote: char) -> Option<Value> {
        let text = self.text;
        let body = open + 1;
        // A backslash escapes the next character: an escaped quote loses its backslash, any
        // other escaped character keeps it (Compose's `extractQuotedValue`).
        let mut chars = String::new();
        let mut escaped = false;
        let mut escaped_quotes = Vec::new();
        let mut close = None;
        for (offset, c) in text[body..].char_indices() {
            let at = body + offset;
            if escaped {
                escaped = false;
                if c == quote {
                    escaped_quotes.push(at - 1);
                } else {
                    chars.push('\\');
                }
                chars.push(c);
            } else if c == '\\' {
                escaped = true;
            } else if c == quote {
                close = Some(at);
                break;
            } else {
                chars.push(c);
            }
        }
        let Some(close) = close else {
            self.problem(ProblemKind::UnterminatedQuote, open, body);
            return None;
        };
        if quote == '\'' {
            for at in escaped_quotes {
                self.problem(ProblemKind::EscapedSingleQuote, at, at + 2);
            }
        }
        let (value, quote) = if quote == '"' {
            (expand_escapes(&chars), Quote::Double)
        } else {
            (chars, Quote::Single)
        };

        // After the closing quote: blanks, then a comment or nothing.
        let after = close + 1;
        let line_end = self.line_end(after);
        let content_end = self.content_end(line_end);
        let rest = &text[after..line_end];
        let trimmed = rest.trim_start();
        let at = after + (rest.len() - trimmed.len());
        let mut comment = None;
        if trimmed.starts_with('#') {
            comment = Some(Span::new(at, content_end.max(at + 1)));
            if at == after {
                self.problem(ProblemKind::UnquotedHash, at, at + 1);
            }
        } else if !trimmed.trim_end().is_empty() {
            let end = at + trimmed.trim_end().len();
            self.problem(ProblemKind::TextAfterClosingQuote, at, end);
        }

        Some(Value {
            raw: Span::new(open, after),
            content: Span::new(body, close),
            value,
            quote,
            comment,
            line_end: content_end.max(after),
            next: line_end,
        })
    }
}

/// Compose's escape decoding for double-quoted values (after `\"` was unescaped): `\a \b \f
/// \n \r \t \v \" \\` and `\0NNN` (three octal digits, at most `\0377`) are decoded, `\$`
/// becomes `$$`, and anything else, `\0` with other digits included, stays as written.
fn expand_escapes(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    while i < s.len() {
        if bytes[i] == b'\\' {
            let decoded = match bytes.get(i + 1) {
                Some(b'a') => Some('\u{07}'),
                Some(b'b') => Some('\u{08}'),
                Some(b'f') => Some('\u{0C}'),
                Some(b'n') => Some('\n'),
                Some(b'r') => Some('\r'),
                Some(b't') => Some('\t'),
                Some(b'v') => Some('\u{0B}'),
                Some(b'"') => Some('"'),
                Some(b'\\') => Some('\\'),
                _ => None,
            };
            if let Some(c) = decoded {
                out.push(c);
                i += 2;
                continue;
            }
            match bytes.get(i + 1) {
                Some(b'$') => {
                    out.push_str("$$");
                    i += 2;
                    continue;
                }
                Some(b'0') => {
                    // Ex) `\0101` is `A`; `\01`, `\0400` and `\0089` stay as written.
                    let digits = bytes[i + 2..]
                        .iter()
                        .take(3)
                        .take_while(|b| b.is_ascii_digit())
                        .count();
                    let octal = &bytes[i + 2..i + 2 + digits];
                    let value = octal
                        .iter()
                        .fold(0u32, |v, d| v * 8 + u32::from(d.wrapping_sub(b'0')));
                    if digits == 3
                        && octal.iter().all(|d| (b'0'..=b'7').contains(d))
                        && value <= 255
                    {
                        out.push(char::from(value as u8));
                    } else {
                        out.push_str(&s[i..i + 2 + digits]);
                    }
                    i += 2 + digits;
                    continue;
                }
                _ => {}
            }
        }
        // Not an escape: copy one character (a lone `\` included).
        match s[i..].chars().next() {
            Some(c) => {
                out.push(c);
                i += c.len_utf8();
            }
            None => break,
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use ProblemKind::*;

    fn at(text: &str, span: Span) -> &str {
        &text[span.range()]
    }

    /// Asserts the invariants every lexed file must keep, and returns the file.
    fn lex(text: &str) -> EnvFile {
        let file = parse(text);
        let check = |span: Span| {
            assert!(
                span.start <= span.end && span.end <= text.len(),
                "{span:?} in {text:?}"
            );
            assert!(text.is_char_boundary(span.start) && text.is_char_boundary(span.end));
        };
        for e in &file.entries {
            for span in [e.key_span, e.raw_value_span, e.content_span, e.line_span] {
                check(span);
            }
            e.export
                .into_iter()
                .chain(e.equals)
                .chain(e.comment)
                .for_each(check);
            assert_eq!(e.key, at(text, e.key_span));
            assert!(
                e.line_span.start <= e.key_span.start && e.raw_value_span.end <= e.line_span.end
            );
        }
        file.comments.iter().copied().for_each(check);
        file.problems.iter().for_each(|p| check(p.span));
        file
    }

    fn one(text: &str) -> Entry {
        let file = lex(text);
        assert_eq!(file.entries.len(), 1, "{text:?}: {file:#?}");
        file.entries.into_iter().next().unwrap()
    }

    fn problems(text: &str) -> Vec<(ProblemKind, &str)> {
        lex(text)
            .problems
            .iter()
            .map(|p| (p.kind, at(text, p.span)))
            .collect()
    }

    #[test]
    fn plain_entry_has_exact_spans() {
        let text = "KEY=value\n";
        let e = one(text);
        assert_eq!(e.key, "KEY");
        assert_eq!(e.export, None);
        assert_eq!(at(text, e.equals.unwrap()), "=");
        assert_eq!(at(text, e.raw_value_span), "value");
        assert_eq!(e.content_span, e.raw_value_span);
        assert_eq!(e.value, "value");
        assert_eq!(e.quote, Quote::None);
        assert_eq!(e.comment, None);
        assert_eq!(at(text, e.line_span), "KEY=value");
        assert!(e.interpolates());
        assert!(problems(text).is_empty());
    }

    #[test]
    fn decoded_values_follow_compose() {
        // (line, key, value, quote)
        let cases: &[(&str, &str, &str, Quote)] = &[
            ("A=b", "A", "b", Quote::None),
            ("A=b c  ", "A", "b c", Quote::None),
            ("A=b#c", "A", "b#c", Quote::None),
            ("A=b #c", "A", "b", Quote::None),
            ("A=b\t#c", "A", "b\t#c", Quote::None),
            ("A= #c", "A", "#c", Quote::None),
            ("A=#c", "A", "#c", Quote::None),
            ("A=", "A", "", Quote::None),
            ("A=   ", "A", "", Quote::None),
            ("A=a=b:c", "A", "a=b:c", Quote::None),
            ("A=x\"y\"", "A", "x\"y\"", Quote::None),
            ("A=a\\nb", "A", "a\\nb", Quote::None),
            ("A=${B:-x} $C", "A", "${B:-x} $C", Quote::None),
            ("A='b c'", "A", "b c", Quote::Single),
            ("A='$B \\n \"x\"'", "A", "$B \\n \"x\"", Quote::Single),
            ("A='it\\'s'", "A", "it's", Quote::Single),
            ("A='a\\\\'", "A", "a\\\\", Quote::Single),
            ("A=''", "A", "", Quote::Single),
            ("A=\"\"", "A", "", Quote::Double),
            ("A=\"b # c\" # d", "A", "b # c", Quote::Double),
            ("A=\"a\\\"b\"", "A", "a\"b", Quote::Double),
            ("A=\"a\\\\\"", "A", "a\\", Quote::Double),
            ("A=\"a\\\\nb\"", "A", "a\\nb", Quote::Double),
            ("A=\"1\\n2\\r3\\t4\"", "A", "1\n2\r3\t4", Quote::Double),
            (
                "A=\"\\a\\b\\f\\v\"",
                "A",
                "\u{7}\u{8}\u{c}\u{b}",
                Quote::Double,
            ),
            ("A=\"\\$B \\${C}\"", "A", "$$B $${C}", Quote::Double),
            ("A=\"${B}\"", "A", "${B}", Quote::Double),
            ("A=\"\\0101\\0377\"", "A", "A\u{ff}", Quote::Double),
            (
                "A=\"\\0 \\01 \\0400 \\0089\"",
                "A",
                "\\0 \\01 \\0400 \\0089",
                Quote::Double,
            ),
            ("A=\"\\01011\"", "A", "A1", Quote::Double),
            (
                "A=\"\\x41 \\' \\  \\c \\q\"",
                "A",
                "\\x41 \\' \\  \\c \\q",
                Quote::Double,
            ),
            ("A=\"it's\"", "A", "it's", Quote::Double),
            ("A='say \"hi\"'", "A", "say \"hi\"", Quote::Single),
            ("A : b", "A", "b", Quote::None),
            ("A.B[0]=x", "A.B[0]", "x", Quote::None),
            ("export A=1", "A", "1", Quote::None),
            ("export\tA=1", "A", "1", Quote::None),
            ("  export   A  =  1  ", "A", "1", Quote::None),
            ("exportA=1", "exportA", "1", Quote::None),
            ("export=1", "export", "1", Quote::None),
            ("export export=1", "export", "1", Quote::None),
            ("\tA=1", "A", "1", Quote::None),
            ("CLÉ=été", "CLÉ", "été", Quote::None),
        ];
        for &(line, key, value, quote) in cases {
            let e = one(line);
            assert_eq!(
                (e.key.as_str(), e.value.as_str(), e.quote),
                (key, value, quote),
                "{line:?}"
            );
            assert_eq!(e.interpolates(), quote != Quote::Single);
        }
    }

    #[test]
    fn export_keyword_is_located() {
        let text = "  export KEY='v'\n";
        let e = one(text);
        assert_eq!(at(text, e.export.unwrap()), "export");
        assert_eq!(at(text, e.key_span), "KEY");
        assert_eq!(at(text, e.raw_value_span), "'v'");
        assert_eq!(at(text, e.content_span), "v");
        assert_eq!(at(text, e.line_span), "export KEY='v'");
    }

    #[test]
    fn quoted_value_spans_include_and_exclude_quotes() {
        let text = "A = \"x y\"  # note\n";
        let e = one(text);
        assert_eq!(at(text, e.raw_value_span), "\"x y\"");
        assert_eq!(at(text, e.content_span), "x y");
        assert_eq!(at(text, e.comment.unwrap()), "# note");
        assert_eq!(at(text, e.line_span), "A = \"x y\"  # note");
    }

    #[test]
    fn inline_comment_needs_a_space_before_the_hash() {
        let text = "A=b#c\nB=b #c\nC=b\t#c\n";
        let file = lex(text);
        let got: Vec<_> = file
            .entries
            .iter()
            .map(|e| (e.value.as_str(), e.comment.map(|c| at(text, c))))
            .collect();
        assert_eq!(got, [("b#c", None), ("b", Some("#c")), ("b\t#c", None)]);
        assert_eq!(
            problems(text),
            [
                (UnquotedHash, "#"),
                (UnquotedWhitespace, "\t"),
                (UnquotedHash, "#")
            ]
        );
        assert_eq!(file.problems[0].span, Span::new(3, 4));
    }

    #[test]
    fn hash_after_a_blank_right_after_equals_is_a_value_in_compose() {
        let text = "A= #c\n";
        let e = one(text);
        assert_eq!(e.value, "#c");
        assert_eq!(e.comment, None);
        assert_eq!(
            problems(text),
            [(SpaceAroundEquals, " "), (UnquotedHash, "#")]
        );
    }

    #[test]
    fn comment_right_after_closing_quote() {
        let text = "A=\"x\"#c\n";
        let e = one(text);
        assert_eq!(e.value, "x");
        assert_eq!(at(text, e.comment.unwrap()), "#c");
        assert_eq!(problems(text), [(UnquotedHash, "#")]);
    }

    #[test]
    fn empty_value_sits_right_after_equals() {
        for text in ["KEY=", "KEY=   ", "KEY=\r\n", "KEY=  \n"] {
            let e = one(text);
            assert_eq!(e.value, "");
            assert_eq!(e.raw_value_span, Span::empty(4), "{text:?}");
            assert_eq!(e.content_span, Span::empty(4));
            assert_eq!(at(text, e.line_span).trim_end(), "KEY=");
            assert!(problems(text).is_empty(), "{text:?}");
        }
    }

    #[test]
    fn bare_key_has_no_equals() {
        for text in ["KEY\n", "KEY", "  KEY  \r\n", "export KEY\n"] {
            let e = one(text);
            assert_eq!(e.key, "KEY");
            assert_eq!(e.equals, None);
            assert_eq!(e.value, "");
            assert_eq!(e.raw_value_span, Span::empty(e.key_span.end));
            assert!(problems(text).is_empty(), "{text:?}");
        }
    }

    #[test]
    fn multi_line_double_quoted_value() {
        let text = "A=\"line 1\nline 2\\n# not a comment\"\nB=2\n";
        let file = lex(text);
        assert_eq!(file.entries.len(), 2);
        let a = &file.entries[0];
        assert_eq!(a.value, "line 1\nline 2\n# not a comment");
        assert_eq!(at(text, a.content_span), "line 1\nline 2\\n# not a comment");
        assert_eq!(
            at(text, a.line_span),
            "A=\"line 1\nline 2\\n# not a comment\""
        );
        assert_eq!(file.entries[1].key, "B");
        assert!(file.comments.is_empty());
    }

    #[test]
    fn multi_line_single_quoted_value_keeps_crlf() {
        let text = "A='x\r\ny'\r\nB=1\r\n";
        let file = lex(text);
        assert_eq!(file.entries[0].value, "x\r\ny");
        assert_eq!(at(text, file.entries[0].line_span), "A='x\r\ny'");
        assert_eq!(file.entries[1].value, "1");
    }

    #[test]
    fn crlf_line_endings() {
        let text = "# top\r\nA=1\r\nB=\"x\"\r\nC='y' # c\r\nD=z #d\r\nE\r\n";
        let file = lex(text);
        let got: Vec<_> = file
            .entries
            .iter()
            .map(|e| (e.key.as_str(), e.value.as_str(), at(text, e.line_span)))
            .collect();
        assert_eq!(
            got,
            [
                ("A", "1", "A=1"),
                ("B", "x", "B=\"x\""),
                ("C", "y", "C='y' # c"),
                ("D", "z", "D=z #d"),
                ("E", "", "E"),
            ]
        );
        assert_eq!(at(text, file.entries[2].comment.unwrap()), "# c");
        assert_eq!(at(text, file.entries[3].comment.unwrap()), "#d");
        assert_eq!(at(text, file.comments[0]), "# top");
        assert!(file.problems.is_empty());
    }

    #[test]
    fn bom_is_skipped_but_counted() {
        let text = "\u{feff}KEY=1\n";
        let e = one(text);
        assert_eq!(e.key_span, Span::new(3, 6));
        assert_eq!(e.line_span, Span::new(3, 8));
        assert!(problems(text).is_empty());
        assert_eq!(one("\u{feff}# c\nK=v").key, "K");
    }

    #[test]
    fn backslash_before_multibyte_character() {
        // A fuzzer-found bug class: the escaped character is not one byte.
        let cases: &[(&str, &str)] = &[
            ("A=\"\\é\"", "\\é"),
            ("A=\"x\\日y\"", "x\\日y"),
            ("A=\"\\🚀\\\"\"", "\\🚀\""),
            ("A='\\é'", "\\é"),
            ("A=\\é", "\\é"),
            ("A=\"\\\u{a0}\"", "\\\u{a0}"),
        ];
        for &(text, value) in cases {
            assert_eq!(one(text).value, value, "{text:?}");
        }
        assert_eq!(problems("A=\"é\\\"")[0].0, UnterminatedQuote);
        assert_eq!(problems("A=\"é\\")[0].0, UnterminatedQuote);
    }

    #[test]
    fn unterminated_quote_resumes_on_the_next_line() {
        let text = "A=\"abc\nB=2\nC='x\nD=4 # d\n";
        let file = lex(text);
        let keys: Vec<_> = file.entries.iter().map(|e| e.key.as_str()).collect();
        assert_eq!(keys, ["B", "D"]);
        assert_eq!(
            problems(text),
            [(UnterminatedQuote, "\""), (UnterminatedQuote, "'")]
        );
        assert_eq!(file.problems[0].span, Span::new(2, 3));
        assert!(file.problems.iter().all(|p| p.kind.rejected_by_compose()));
    }

    #[test]
    fn quote_closed_on_a_later_line_takes_those_lines() {
        // Compose reads this as one multi-line value: so do we.
        let text = "A=\"abc\nB=\"x\n";
        let file = lex(text);
        assert_eq!(file.entries.len(), 1);
        assert_eq!(file.entries[0].value, "abc\nB=");
        assert_eq!(problems(text), [(TextAfterClosingQuote, "x")]);
    }

    type Expected = &'static [(ProblemKind, &'static str)];

    #[test]
    fn key_problems() {
        let cases: &[(&str, Expected, usize)] = &[
            ("1KEY=x", &[(InvalidKey, "1KEY")], 1),
            ("MY-KEY=x", &[(InvalidKey, "MY-KEY")], 1),
            ("my.key[0]=x", &[(InvalidKey, "my.key[0]")], 1),
            ("CLÉ=x", &[(InvalidKey, "CLÉ")], 1),
            ("_ok_1=x", &[], 1),
            ("MY KEY=x", &[(InvalidKeyCharacter, " ")], 0),
            ("MY \t KEY=x", &[(InvalidKeyCharacter, " \t ")], 0),
            ("MY@KEY=x", &[(InvalidKeyCharacter, "@")], 0),
            ("$KEY=x", &[(InvalidKeyCharacter, "$")], 0),
            ("\"KEY\"=x", &[(InvalidKeyCharacter, "\"")], 0),
            ("KEY value", &[(MissingEquals, "KEY value")], 0),
            ("KEY # comment", &[(MissingEquals, "KEY # comment")], 0),
            ("KEY \"value\"\r\n", &[(MissingEquals, "KEY \"value\"")], 0),
            ("=value", &[(MissingKey, "=")], 0),
            ("  = 'a\nb'\nC=1", &[(MissingKey, "=")], 1),
            ("export", &[(MissingKey, "export")], 0),
            ("export  \n", &[(MissingKey, "export")], 0),
            ("export # c\n", &[(MissingKey, "export")], 0),
            ("export =1\n", &[(MissingKey, "=")], 0),
            ("KEY: v", &[(ColonSeparator, ":")], 1),
            ("KEY:v", &[(ColonSeparator, ":")], 1),
        ];
        for &(text, expected, entries) in cases {
            assert_eq!(problems(text), expected, "{text:?}");
            assert_eq!(lex(text).entries.len(), entries, "{text:?}");
        }
    }

    #[test]
    fn value_problems() {
        let cases: &[(&str, &[(ProblemKind, &str)])] = &[
            (
                "A = b",
                &[(SpaceAroundEquals, " "), (SpaceAroundEquals, " ")],
            ),
            ("A\t=b", &[(SpaceAroundEquals, "\t")]),
            ("A= 'b'", &[(SpaceAroundEquals, " ")]),
            ("A=two  words", &[(UnquotedWhitespace, "  ")]),
            ("A=a b c # d", &[(UnquotedWhitespace, " ")]),
            ("A=a\"b\"", &[(UnquotedQuote, "\"")]),
            ("A={'a':1}", &[(UnquotedQuote, "'")]),
            ("A=ab\\cd", &[(UnquotedBackslash, "\\")]),
            ("A=\"x\" y z # c", &[(TextAfterClosingQuote, "y z # c")]),
            ("A='x'y\r\n", &[(TextAfterClosingQuote, "y")]),
            ("A='x' B=c", &[(TextAfterClosingQuote, "B=c")]),
            ("A='it\\'s'", &[(EscapedSingleQuote, "\\'")]),
            ("A=\"it\\\"s\"", &[]),
            ("A='x' # c", &[]),
        ];
        for &(text, expected) in cases {
            assert_eq!(problems(text), expected, "{text:?}");
            assert_eq!(lex(text).entries.len(), 1, "{text:?}");
        }
    }

    #[test]
    fn bad_lines_do_not_stop_lexing() {
        let text = "@@@\nA=1\nB C\nD='x\nE=2 3\n=4\nF=5\n";
        let keys: Vec<_> = lex(text).entries.into_iter().map(|e| e.key).collect();
        assert_eq!(keys, ["A", "E", "F"]);
    }

    #[test]
    fn comments_are_collected() {
        let text = "# one\n  # two\r\nA=1 # three\n#\n";
        let file = lex(text);
        let got: Vec<_> = file.comments.iter().map(|&c| at(text, c)).collect();
        assert_eq!(got, ["# one", "# two", "#"]);
    }

    #[test]
    fn get_takes_the_last_value_and_duplicates_pair_repeats() {
        let file = lex("A=1\nB=x\nA=2\nA\nC\n");
        assert_eq!(file.get("A").unwrap().value, "2");
        assert_eq!(file.get("C").unwrap().equals, None);
        assert!(file.get("Z").is_none());
        let dups: Vec<_> = file
            .duplicates()
            .into_iter()
            .map(|(a, b)| (a.value.as_str(), b.value.as_str(), b.equals.is_some()))
            .collect();
        assert_eq!(dups, [("1", "2", true), ("2", "", false)]);
    }

    #[test]
    fn problems_are_in_source_order() {
        let file = lex("A = x y\n1B='a\\'b'c\n");
        let starts: Vec<_> = file.problems.iter().map(|p| p.span.start).collect();
        let mut sorted = starts.clone();
        sorted.sort();
        assert_eq!(starts, sorted);
        assert_eq!(file.problems.len(), 6);
    }

    #[test]
    fn never_panics_on_short_inputs_of_tricky_characters() {
        const ALPHABET: [&str; 12] = [
            "=", "\"", "'", "\\", "#", " ", "\n", "\r", "é", "a", ":", "\u{feff}",
        ];
        let mut text = String::new();
        for n in 0..=5u32 {
            for mut i in 0..ALPHABET.len().pow(n) {
                text.clear();
                for _ in 0..n {
                    text.push_str(ALPHABET[i % ALPHABET.len()]);
                    i /= ALPHABET.len();
                }
                lex(&text);
            }
        }
    }
}
