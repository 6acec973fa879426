//! `python manage.py diffsettings [--all] [--output unified]` output: one `NAME = <repr>` per
//! setting, `  ###` after settings Django has no default for, `### ` before unchanged
//! defaults (`--all`), or `+ `/`- `/`  ` prefixes in unified mode.

use ruff_python_ast::{self as ast, Expr};
use ruff_python_parser::parse_expression;
use ruff_text_size::Ranged;

use super::eval::{self, Scope};
use super::reads::blank_deep_statements;
use super::value::{PathValue, Spanned, Value};
use super::{Layer, SettingsModule};
use crate::parse::ParseIssue;
use crate::source::Span;

const MAX_REPR_DEPTH: usize = 40;

/// Reads a diffsettings export. Values are the reprs Django printed, parsed as Python
/// literals; reprs that are not Python (`<class '…'>`, `<function …>`) are kept as
/// [`Value::Unknown`] holding the repr, and `PosixPath('/app')` becomes a [`Value::Path`].
pub fn parse_diffsettings(text: &str) -> (SettingsModule, Vec<ParseIssue>) {
    let mut issues = Vec::new();
    let mut records: Vec<Record> = Vec::new();
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let start = offset;
        offset += line.len();
        let body = line.trim_end_matches(['\n', '\r']);
        match header(body) {
            Some(Header::Removed) => {
                records.push(Record::skipped());
            }
            Some(Header::Setting {
                name_at,
                name_len,
                value_at,
            }) => records.push(Record {
                name: body[name_at..name_at + name_len].to_string(),
                name_span: Span::new(start + name_at, start + name_at + name_len),
                value_start: start + value_at,
                value_end: start + body.len(),
                skip: false,
            }),
            None => match records.last_mut() {
                // A repr spanning several lines.
                Some(r) if !r.skip => r.value_end = start + body.len(),
                Some(_) => {}
                None if body.trim().is_empty() => {}
                None => issues.push(ParseIssue::new(
                    Span::new(start, start + body.len()),
                    "not a diffsettings line (expected NAME = value)",
                )),
            },
        }
    }
    let mut scope = Scope::default();
    for r in records.iter().filter(|r| !r.skip) {
        let mut raw = &text[r.value_start..r.value_end];
        let trimmed = raw.trim_end();
        raw = trimmed.strip_suffix("###").unwrap_or(trimmed).trim_end();
        let span = Span::new(r.value_start, r.value_start + raw.len());
        let value = repr_value(raw, r.value_start);
        eval::define(&mut scope, &r.name, r.name_span, Spanned::new(value, span));
    }
    let module = SettingsModule {
        scope,
        layers: vec![Layer {
            start: 0,
            len: text.len(),
            source: None,
        }],
        ..SettingsModule::default()
    };
    (module.finish().exported(), issues)
}

struct Record {
    name: String,
    name_span: Span,
    value_start: usize,
    value_end: usize,
    skip: bool,
}

impl Record {
    fn skipped() -> Record {
        Record {
            name: String::new(),
            name_span: Span::default(),
            value_start: 0,
            value_end: 0,
            skip: true,
        }
    }
}

enum Header {
    Setting {
        name_at: usize,
        name_len: usize,
        value_at: usize,
    },
    /// `- NAME = default` in unified output: the default a `+ ` line replaces.
    Removed,
}

fn header(line: &str) -> Option<Header> {
    let (prefix_len, removed) = if line.starts_with("### ") {
        (4, false)
    } else if line.starts_with("+ ") || line.starts_with("  ") {
        (2, false)
    } else if line.starts_with("- ") {
        (2, true)
    } else {
        (0, false)
    };
    let rest = &line[prefix_len..];
    let name_len = rest
        .bytes()
        .take_while(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || *c == b'_')
        .count();
    if name_len == 0 || !rest.as_bytes()[0].is_ascii_uppercase() && rest.as_bytes()[0] != b'_' {
        return None;
    }
    if !rest[name_len..].starts_with(" = ") {
        return None;
    }
    if removed {
        return Some(Header::Removed);
    }
    Some(Header::Setting {
        name_at: prefix_len,
        name_len,
        value_at: prefix_len + name_len + 3,
    })
}

/// Object reprs such as `<class 'x'>` inside a repr, replaced by same-length identifiers.
struct Opaque {
    start: usize,
    end: usize,
}

fn mask_opaque(raw: &str) -> (String, Vec<Opaque>) {
    let b = raw.as_bytes();
    let mut out = b.to_vec();
    let mut found = Vec::new();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            q @ (b'\'' | b'"') => i = skip_string(b, i, q),
            b'<' if b
                .get(i + 1)
                .is_some_and(|c| c.is_ascii_alphabetic() || *c == b'_') =>
            {
                let start = i;
                let mut depth = 0usize;
                while i < b.len() {
                    match b[i] {
                        b'<' => depth += 1,
                        b'>' => {
                            depth -= 1;
                            if depth == 0 {
                                i += 1;
                                break;
                            }
                        }
                        q @ (b'\'' | b'"') => {
                            i = skip_string(b, i, q);
                            continue;
                        }
                        _ => {}
                    }
                    i += 1;
                }
                for c in &mut out[start..i] {
                    *c = b'_';
                }
                found.push(Opaque { start, end: i });
            }
            _ => i += 1,
        }
    }
    // Whole multi-byte characters were replaced, so the text is still UTF-8.
    let masked = String::from_utf8(out).unwrap_or_else(|_| raw.to_string());
    (masked, found)
}

/// Index just past the string literal opening at `i` (or the end of input).
fn skip_string(b: &[u8], mut i: usize, q: u8) -> usize {
    i += 1;
    while i < b.len() {
        match b[i] {
            b'\\' => i += 2,
            c if c == q => return i + 1,
            _ => i += 1,
        }
    }
    b.len()
}

fn repr_value(raw: &str, at: usize) -> Value {
    if raw.is_empty() {
        return Value::Unknown("empty value".into());
    }
    if blank_deep_statements(raw).is_some() {
        return Value::Unknown("value nested too deeply to model".into());
    }
    let (masked, opaque) = mask_opaque(raw);
    let Ok(parsed) = parse_expression(&masked) else {
        return Value::Unknown(clip(raw));
    };
    let conv = Converter { raw, at, opaque };
    conv.value(parsed.expr(), 0)
}

fn clip(s: &str) -> String {
    if s.len() <= 200 {
        return s.to_string();
    }
    let mut cut = 200;
    while !s.is_char_boundary(cut) {
        cut -= 1;
    }
    format!("{}…", &s[..cut])
}

struct Converter<'a> {
    raw: &'a str,
    at: usize,
    opaque: Vec<Opaque>,
}

impl Converter<'_> {
    fn span(&self, e: &impl Ranged) -> Span {
        let r = e.range();
        Span::new(self.at + r.start().to_usize(), self.at + r.end().to_usize())
    }

    fn text(&self, e: &impl Ranged) -> &str {
        let r = e.range();
        self.raw
            .get(r.start().to_usize()..r.end().to_usize())
            .unwrap_or_default()
    }

    fn spanned(&self, e: &Expr, depth: usize) -> Spanned<Value> {
        Spanned::new(self.value(e, depth + 1), self.span(e))
    }

    fn value(&self, e: &Expr, depth: usize) -> Value {
        if depth > MAX_REPR_DEPTH {
            return Value::Unknown("value nested too deeply to model".into());
        }
        match e {
            Expr::StringLiteral(s) => Value::Str(s.value.to_str().to_string()),
            Expr::BytesLiteral(b) => {
                let bytes: Vec<u8> = b.value.bytes().collect();
                Value::Str(String::from_utf8_lossy(&bytes).into_owned())
            }
            Expr::NumberLiteral(n) => match &n.value {
                ast::Number::Int(i) => i
                    .as_i64()
                    .map(Value::Int)
                    .unwrap_or_else(|| Value::Unknown(self.text(e).to_string())),
                ast::Number::Float(f) => Value::Float(*f),
                ast::Number::Complex { .. } => Value::Unknown(self.text(e).to_string()),
            },
            Expr::UnaryOp(u) if matches!(u.op, ast::UnaryOp::USub) => {
                match self.value(&u.operand, depth + 1) {
                    Value::Int(i) => Value::Int(-i),
                    Value::Float(f) => Value::Float(-f),
                    _ => Value::Unknown(self.text(e).to_string()),
                }
            }
            Expr::BooleanLiteral(b) => Value::Bool(b.value),
            Expr::NoneLiteral(_) => Value::None,
            Expr::List(l) => Value::List(l.elts.iter().map(|x| self.spanned(x, depth)).collect()),
            Expr::Tuple(t) => Value::Tuple(t.elts.iter().map(|x| self.spanned(x, depth)).collect()),
            Expr::Set(s) => Value::List(s.elts.iter().map(|x| self.spanned(x, depth)).collect()),
            Expr::Dict(d) => Value::Dict(
                d.items
                    .iter()
                    .filter_map(|item| {
                        let k = item.key.as_ref()?;
                        Some((self.spanned(k, depth), self.spanned(&item.value, depth)))
                    })
                    .collect(),
            ),
            Expr::Name(n) => {
                let start = n.range.start().to_usize();
                match self.opaque.iter().find(|o| o.start == start) {
                    Some(o) => Value::Unknown(clip(&self.raw[o.start..o.end])),
                    None => Value::Unknown(self.text(e).to_string()),
                }
            }
            Expr::Call(call) => {
                let func = self.text(&*call.func);
                let func = func.rsplit('.').next().unwrap_or(func);
                match (func, &call.arguments.args[..]) {
                    // Ex) PosixPath('/app/logs')
                    ("PosixPath" | "PurePosixPath" | "Path", [Expr::StringLiteral(s)])
                        if s.value.to_str().starts_with('/') =>
                    {
                        let mut p = PathValue::absolute();
                        p.join(s.value.to_str());
                        Value::Path(p)
                    }
                    ("frozenset" | "set", [arg]) => match self.value(arg, depth + 1) {
                        Value::List(items) | Value::Tuple(items) => Value::List(items),
                        _ => Value::Unknown(clip(self.text(e))),
                    },
                    ("frozenset" | "set", []) => Value::List(Vec::new()),
                    _ => Value::Unknown(clip(self.text(e))),
                }
            }
            _ => Value::Unknown(clip(self.text(e))),
        }
    }
}
