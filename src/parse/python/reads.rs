//! A fast token scan of Python source: finds `settings.NAME` reads without building a syntax
//! tree, and finds statements nested too deeply to hand to the parser safely.

use crate::source::Span;

/// A place code reads a Django setting: `settings.NAME` or `getattr(settings, "NAME"[, d])`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SettingRead {
    pub name: String,
    /// `settings.NAME` for attribute reads; the quoted name for `getattr` reads.
    pub span: Span,
    /// `getattr` with a default: the code copes with the setting being absent.
    pub with_default: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Tok {
    Ident,
    Str,
    Open,
    Close,
    Comma,
    Dot,
    Op,
    Newline,
}

enum Mode {
    /// Code; `fstring` when inside an f-string replacement field.
    Code { depth: usize, fstring: bool },
    Str {
        quote: u8,
        triple: bool,
        f: bool,
        start: usize,
    },
    /// The format spec of an f-string replacement field (`{x:>10}`).
    Spec,
}

fn is_ident_byte(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_' || c >= 0x80
}

/// Calls `emit(kind, start, end)` for each token outside comments and string contents.
/// Lenient: unterminated strings end at the line end (single-quoted) or the file end.
fn scan(text: &str, mut emit: impl FnMut(Tok, usize, usize)) {
    let b = text.as_bytes();
    let n = b.len();
    let mut i = 0;
    let mut stack = vec![Mode::Code {
        depth: 0,
        fstring: false,
    }];
    while i < n {
        let c = b[i];
        match stack.last_mut() {
            None => break,
            Some(Mode::Code { depth, fstring }) => {
                let fstring = *fstring;
                match c {
                    b'#' => {
                        while i < n && b[i] != b'\n' {
                            i += 1;
                        }
                    }
                    b'\\' => {
                        // A line continuation, or a stray backslash.
                        i += 1;
                        if b.get(i) == Some(&b'\r') {
                            i += 1;
                        }
                        if b.get(i) == Some(&b'\n') {
                            i += 1;
                        }
                    }
                    b'\n' => {
                        if !fstring && *depth == 0 {
                            emit(Tok::Newline, i, i + 1);
                        }
                        i += 1;
                    }
                    b'\'' | b'"' => {
                        stack.push(open_string(b, i, i, false));
                        i += if is_triple(b, i) { 3 } else { 1 };
                    }
                    b'(' | b'[' | b'{' => {
                        *depth += 1;
                        emit(Tok::Open, i, i + 1);
                        i += 1;
                    }
                    b')' | b']' | b'}' => {
                        if fstring && *depth == 0 {
                            stack.pop();
                        } else {
                            *depth = depth.saturating_sub(1);
                            emit(Tok::Close, i, i + 1);
                        }
                        i += 1;
                    }
                    b':' if fstring && *depth == 0 && b.get(i + 1) != Some(&b'=') => {
                        stack.pop();
                        stack.push(Mode::Spec);
                        i += 1;
                    }
                    b',' => {
                        emit(Tok::Comma, i, i + 1);
                        i += 1;
                    }
                    b'.' if !b.get(i + 1).is_some_and(u8::is_ascii_digit) => {
                        emit(Tok::Dot, i, i + 1);
                        i += 1;
                    }
                    b'0'..=b'9' | b'.' => {
                        i += 1;
                        while i < n
                            && (is_ident_byte(b[i])
                                || b[i] == b'.'
                                || (matches!(b[i], b'+' | b'-') && matches!(b[i - 1], b'e' | b'E')))
                        {
                            i += 1;
                        }
                    }
                    c if is_ident_byte(c) => {
                        let start = i;
                        while i < n && is_ident_byte(b[i]) {
                            i += 1;
                        }
                        let prefix = &b[start..i];
                        if i < n
                            && matches!(b[i], b'\'' | b'"')
                            && prefix.len() <= 2
                            && prefix.iter().all(|p| b"rRbBuUfFtT".contains(p))
                        {
                            let f = prefix.iter().any(|p| b"fFtT".contains(p));
                            stack.push(open_string(b, i, start, f));
                            i += if is_triple(b, i) { 3 } else { 1 };
                        } else {
                            emit(Tok::Ident, start, i);
                        }
                    }
                    b' ' | b'\t' | b'\r' | b'\x0c' => i += 1,
                    _ => {
                        emit(Tok::Op, i, i + 1);
                        i += 1;
                    }
                }
            }
            Some(Mode::Str {
                quote,
                triple,
                f,
                start,
            }) => {
                let (quote, triple, f, start) = (*quote, *triple, *f, *start);
                if c == b'\\' {
                    i += 2;
                } else if c == quote && (!triple || is_triple(b, i)) {
                    i += if triple { 3 } else { 1 };
                    stack.pop();
                    emit_if_code(&stack, &mut emit, Tok::Str, start, i);
                } else if c == b'\n' && !triple {
                    stack.pop();
                } else if f && c == b'{' {
                    if b.get(i + 1) == Some(&b'{') {
                        i += 2;
                    } else {
                        stack.push(Mode::Code {
                            depth: 0,
                            fstring: true,
                        });
                        i += 1;
                    }
                } else if f && c == b'}' && b.get(i + 1) == Some(&b'}') {
                    i += 2;
                } else {
                    i += 1;
                }
            }
            Some(Mode::Spec) => {
                match c {
                    b'{' => stack.push(Mode::Code {
                        depth: 0,
                        fstring: true,
                    }),
                    b'}' => {
                        stack.pop();
                    }
                    b'\n' => {
                        // A newline ends a single-quoted f-string's spec: recover.
                        stack.pop();
                    }
                    _ => {}
                }
                i += 1;
            }
        }
    }
}

fn emit_if_code(
    stack: &[Mode],
    emit: &mut impl FnMut(Tok, usize, usize),
    t: Tok,
    s: usize,
    e: usize,
) {
    if matches!(stack.last(), Some(Mode::Code { .. })) {
        emit(t, s, e);
    }
}

fn is_triple(b: &[u8], i: usize) -> bool {
    i + 2 < b.len() && b[i] == b[i + 1] && b[i] == b[i + 2]
}

fn open_string(b: &[u8], at: usize, start: usize, f: bool) -> Mode {
    Mode::Str {
        quote: b[at],
        triple: is_triple(b, at),
        f,
        start,
    }
}

/// The content of a plain string literal token (`"X"`, `'X'`, `r"X"`), without escapes.
fn plain_literal(tok: &str) -> Option<&str> {
    let body = tok.trim_start_matches(['r', 'R', 'u', 'U']);
    let quote = body.chars().next()?;
    if quote != '"' && quote != '\'' {
        return None;
    }
    let triple = body.len() >= 6 && body.get(..3).is_some_and(|t| t.chars().all(|c| c == quote));
    let inner = if triple {
        body.get(3..body.len() - 3)?
    } else {
        body.get(1..body.len() - 1)?
    };
    (!inner.contains('\\')).then_some(inner)
}

fn is_setting_name(name: &str) -> bool {
    !name.is_empty()
        && name.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'_')
        && name.chars().any(|c| c.is_ascii_uppercase())
        && !name.chars().any(|c| c.is_ascii_lowercase())
}

/// Finds `settings.NAME` and `getattr(settings, "NAME"[, default])` reads in Python code,
/// skipping comments and string contents (f-string replacement fields are code and are
/// scanned). Only UPPERCASE names count, as Django's settings are uppercase.
pub fn scan_setting_reads(text: &str) -> Vec<SettingRead> {
    let mut out = Vec::new();
    // The last five tokens, newest last.
    let mut window: [(Tok, usize, usize); 5] = [(Tok::Newline, 0, 0); 5];
    // After `getattr(settings, "NAME"`: the read waiting for the next token.
    let mut pending: Option<SettingRead> = None;
    scan(text, |tok, start, end| {
        if let Some(mut read) = pending.take() {
            read.with_default = tok == Tok::Comma;
            out.push(read);
        }
        window.rotate_left(1);
        window[4] = (tok, start, end);
        let word = |(t, s, e): (Tok, usize, usize)| -> &str {
            if t == Tok::Ident {
                text.get(s..e).unwrap_or_default()
            } else {
                ""
            }
        };
        let [w0, w1, w2, w3, w4] = window;
        // Ex) settings.NAME (also django.conf.settings.NAME, not self.settings.NAME)
        if tok == Tok::Ident
            && w3.0 == Tok::Dot
            && word(w2) == "settings"
            && (w1.0 != Tok::Dot || word(w0) == "conf")
        {
            let name = text.get(start..end).unwrap_or_default();
            if is_setting_name(name) {
                out.push(SettingRead {
                    name: name.to_string(),
                    span: Span::new(w2.1, end),
                    with_default: false,
                });
            }
        }
        // Ex) getattr(settings, "NAME", default)
        if tok == Tok::Str
            && w3.0 == Tok::Comma
            && word(w2) == "settings"
            && w1.0 == Tok::Open
            && word(w0) == "getattr"
        {
            let literal = text.get(start..end).unwrap_or_default();
            if let Some(name) = plain_literal(literal).filter(|n| is_setting_name(n)) {
                pending = Some(SettingRead {
                    name: name.to_string(),
                    span: Span::new(w4.1, w4.2),
                    with_default: false,
                });
            }
        }
    });
    if let Some(read) = pending {
        out.push(read);
    }
    out
}

/// Estimated syntax-tree depth above which a statement is not handed to the parser: deeper
/// trees are legal Python but never settings, and dropping them recurses once per level.
const MAX_STATEMENT_DEPTH: usize = 1_000;

/// Logical lines whose estimated nesting exceeds [`MAX_STATEMENT_DEPTH`], and the text with
/// them replaced by spaces (newlines kept, so every offset still points at the same byte).
pub(crate) fn blank_deep_statements(text: &str) -> Option<(String, Vec<Span>)> {
    let mut hot: Vec<Span> = Vec::new();
    let mut levels: Vec<usize> = vec![0];
    let mut sum = 0usize;
    let mut line_start = 0usize;
    let mut over = false;
    scan(text, |tok, start, end| {
        match tok {
            Tok::Newline => {
                if over {
                    hot.push(Span::new(line_start, start));
                }
                over = false;
                levels.clear();
                levels.push(0);
                sum = 0;
                line_start = end;
                return;
            }
            Tok::Open => levels.push(0),
            Tok::Close if levels.len() > 1 => sum -= levels.pop().unwrap_or(0),
            Tok::Comma => {
                if let Some(last) = levels.last_mut() {
                    sum -= *last;
                    *last = 0;
                }
            }
            Tok::Dot => bump(&mut levels, &mut sum),
            Tok::Op if b"+-*/%@&|^~<>".contains(&text.as_bytes()[start]) => {
                bump(&mut levels, &mut sum)
            }
            Tok::Ident
                if matches!(
                    &text[start..end],
                    "not" | "lambda" | "if" | "await" | "and" | "or"
                ) =>
            {
                bump(&mut levels, &mut sum)
            }
            _ => {}
        }
        if levels.len() + sum > MAX_STATEMENT_DEPTH {
            over = true;
        }
    });
    if over {
        hot.push(Span::new(line_start, text.len()));
    }
    if hot.is_empty() {
        return None;
    }
    let mut bytes = text.as_bytes().to_vec();
    for span in &hot {
        for b in &mut bytes[span.start..span.end] {
            if *b != b'\n' && *b != b'\r' {
                *b = b' ';
            }
        }
    }
    // Only ASCII bytes were written over whole lines, so the text is still UTF-8.
    let clean = String::from_utf8(bytes).ok()?;
    Some((clean, hot))
}

fn bump(levels: &mut [usize], sum: &mut usize) {
    if let Some(last) = levels.last_mut() {
        *last += 1;
        *sum += 1;
    }
}
