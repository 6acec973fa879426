//! Compose variable interpolation: `$VAR`, `${VAR}`, `${VAR:-d}`, `${VAR-d}`, `${VAR:?e}`,
//! `${VAR?e}`, `${VAR:+r}`, `${VAR+r}`, nested operands and the `$$` escape, each expression with
//! its span. Anything else after `$` is literal, as in Compose; a malformed `${` is an error.

use crate::source::Span;

use super::ParseIssue;

/// What an expression does when the variable is unset or empty.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    /// `$VAR` or `${VAR}`: the value, empty when unset.
    Plain,
    /// `${VAR:-d}`: `d` when unset or empty.
    DefaultUnsetOrEmpty,
    /// `${VAR-d}`: `d` when unset.
    DefaultUnset,
    /// `${VAR:?e}`: error when unset or empty.
    RequiredNonEmpty,
    /// `${VAR?e}`: error when unset.
    Required,
    /// `${VAR:+r}`: `r` when set and non-empty, else empty.
    AlternateNonEmpty,
    /// `${VAR+r}`: `r` when set, else empty.
    Alternate,
}

impl Op {
    pub fn as_str(self) -> &'static str {
        match self {
            Op::Plain => "",
            Op::DefaultUnsetOrEmpty => ":-",
            Op::DefaultUnset => "-",
            Op::RequiredNonEmpty => ":?",
            Op::Required => "?",
            Op::AlternateNonEmpty => ":+",
            Op::Alternate => "+",
        }
    }

    /// `:-` or `-`: the operand is used when the variable is missing.
    pub fn is_default(self) -> bool {
        matches!(self, Op::DefaultUnsetOrEmpty | Op::DefaultUnset)
    }

    /// `:?` or `?`: the deploy fails when the variable is missing.
    pub fn is_required(self) -> bool {
        matches!(self, Op::RequiredNonEmpty | Op::Required)
    }
}

/// One piece of an interpolated string.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Piece {
    Literal(Span),
    /// `$$`, which stands for one `$`.
    Escaped(Span),
    Expr(Expr),
}

/// One `$VAR` or `${…}` expression.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Expr {
    /// The whole expression, `$` to closing brace.
    pub span: Span,
    pub name: String,
    pub name_span: Span,
    pub braced: bool,
    pub op: Op,
    /// The default, error message or replacement, with its own pieces.
    pub operand: Option<Operand>,
}

/// The text after the operator of a braced expression.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Operand {
    pub span: Span,
    pub pieces: Vec<Piece>,
}

impl Operand {
    /// The operand's value when it holds no nested expression (`$$` decoded to `$`).
    pub fn literal(&self, text: &str) -> Option<String> {
        literal_value(&self.pieces, text)
    }
}

/// A parsed template.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Template {
    pub pieces: Vec<Piece>,
    pub errors: Vec<ParseIssue>,
}

impl Template {
    /// Every expression, nested ones included, in source order (outer before inner).
    pub fn exprs(&self) -> Vec<&Expr> {
        let mut out = Vec::new();
        collect_exprs(&self.pieces, &mut out);
        out
    }

    /// Whether the template contains no expression at all.
    pub fn is_literal(&self) -> bool {
        self.pieces.iter().all(|p| !matches!(p, Piece::Expr(_)))
    }
}

fn collect_exprs<'a>(pieces: &'a [Piece], out: &mut Vec<&'a Expr>) {
    for piece in pieces {
        if let Piece::Expr(e) = piece {
            out.push(e);
            if let Some(operand) = &e.operand {
                collect_exprs(&operand.pieces, out);
            }
        }
    }
}

fn literal_value(pieces: &[Piece], text: &str) -> Option<String> {
    let mut out = String::new();
    for piece in pieces {
        match piece {
            Piece::Literal(s) => out.push_str(text.get(s.range())?),
            Piece::Escaped(_) => out.push('$'),
            Piece::Expr(_) => return None,
        }
    }
    Some(out)
}

/// Nesting limit for operands such as `${A:-${B:-${C}}}`.
const MAX_DEPTH: usize = 32;

/// Parses `text`; spans are byte offsets into `text`. Never panics.
pub fn parse(text: &str) -> Template {
    let mut errors = Vec::new();
    let (pieces, _) = parse_pieces(text, 0, false, 0, &mut errors);
    Template { pieces, errors }
}

fn is_name_start(b: u8) -> bool {
    b == b'_' || b.is_ascii_alphabetic()
}

fn is_name_char(b: u8) -> bool {
    b == b'_' || b.is_ascii_alphanumeric()
}

/// Parses from `start` until the end, or until the `}` closing an operand when `in_operand`.
/// Returns the pieces and the offset where parsing stopped (at the `}` when one closed it).
fn parse_pieces(
    text: &str,
    start: usize,
    in_operand: bool,
    depth: usize,
    errors: &mut Vec<ParseIssue>,
) -> (Vec<Piece>, usize) {
    let bytes = text.as_bytes();
    let mut pieces = Vec::new();
    let mut literal_start = start;
    let mut i = start;
    let flush = |pieces: &mut Vec<Piece>, from: usize, to: usize| {
        if to > from {
            pieces.push(Piece::Literal(Span::new(from, to)));
        }
    };
    while i < bytes.len() {
        match bytes[i] {
            b'}' if in_operand => {
                flush(&mut pieces, literal_start, i);
                return (pieces, i);
            }
            b'$' => {
                let next = bytes.get(i + 1).copied();
                match next {
                    Some(b'$') => {
                        flush(&mut pieces, literal_start, i);
                        pieces.push(Piece::Escaped(Span::new(i, i + 2)));
                        i += 2;
                        literal_start = i;
                    }
                    Some(b'{') => {
                        flush(&mut pieces, literal_start, i);
                        match parse_braced(text, i, depth, errors) {
                            Ok((expr, end)) => {
                                pieces.push(Piece::Expr(expr));
                                i = end;
                            }
                            Err(end) => {
                                // Malformed: keep the text as literal and continue after it.
                                pieces.push(Piece::Literal(Span::new(i, end)));
                                i = end;
                            }
                        }
                        literal_start = i;
                    }
                    Some(b) if is_name_start(b) => {
                        flush(&mut pieces, literal_start, i);
                        let mut j = i + 1;
                        while j < bytes.len() && is_name_char(bytes[j]) {
                            j += 1;
                        }
                        pieces.push(Piece::Expr(Expr {
                            span: Span::new(i, j),
                            name: text[i + 1..j].to_string(),
                            name_span: Span::new(i + 1, j),
                            braced: false,
                            op: Op::Plain,
                            operand: None,
                        }));
                        i = j;
                        literal_start = i;
                    }
                    // `$` before anything else is a literal dollar.
                    _ => i += 1,
                }
            }
            _ => i += 1,
        }
    }
    flush(&mut pieces, literal_start, bytes.len());
    (pieces, bytes.len())
}

/// Parses `${…}` starting at the `$` at `start`. On error, records it and returns the offset
/// to resume from.
fn parse_braced(
    text: &str,
    start: usize,
    depth: usize,
    errors: &mut Vec<ParseIssue>,
) -> Result<(Expr, usize), usize> {
    let bytes = text.as_bytes();
    let name_start = start + 2;
    let mut j = name_start;
    if j < bytes.len() && is_name_start(bytes[j]) {
        j += 1;
        while j < bytes.len() && is_name_char(bytes[j]) {
            j += 1;
        }
    }
    let name_end = j;
    let fail = |errors: &mut Vec<ParseIssue>, message: String| -> usize {
        let end = matching_close(bytes, name_start).map_or(bytes.len(), |c| c + 1);
        errors.push(ParseIssue::new(Span::new(start, end), message));
        end
    };
    if name_end == name_start {
        let shown: String = text[name_start..].chars().take(20).collect();
        let message = if bytes.get(name_start) == Some(&b'}') {
            "empty variable name in `${}`".to_string()
        } else {
            format!(
                "invalid variable name in `${{{}`",
                shown.trim_end_matches('}')
            )
        };
        return Err(fail(errors, message));
    }
    let name = text[name_start..name_end].to_string();
    let name_span = Span::new(name_start, name_end);
    let rest = &bytes[name_end..];
    let (op, op_len) = match rest {
        [b'}', ..] => {
            return Ok((
                Expr {
                    span: Span::new(start, name_end + 1),
                    name,
                    name_span,
                    braced: true,
                    op: Op::Plain,
                    operand: None,
                },
                name_end + 1,
            ))
        }
        [b':', b'-', ..] => (Op::DefaultUnsetOrEmpty, 2),
        [b':', b'?', ..] => (Op::RequiredNonEmpty, 2),
        [b':', b'+', ..] => (Op::AlternateNonEmpty, 2),
        [b'-', ..] => (Op::DefaultUnset, 1),
        [b'?', ..] => (Op::Required, 1),
        [b'+', ..] => (Op::Alternate, 1),
        [] => return Err(fail(errors, format!("unterminated `${{{name}`: missing `}}`"))),
        _ => {
            return Err(fail(
                errors,
                format!("invalid interpolation format for `{name}`: expected `}}`, `:-`, `-`, `:?`, `?`, `:+` or `+`"),
            ))
        }
    };
    if depth >= MAX_DEPTH {
        return Err(fail(errors, "interpolation nested too deeply".to_string()));
    }
    let operand_start = name_end + op_len;
    let (pieces, stop) = parse_pieces(text, operand_start, true, depth + 1, errors);
    if stop >= bytes.len() {
        errors.push(ParseIssue::new(
            Span::new(start, bytes.len()),
            format!("unterminated `${{{name}`: missing `}}`"),
        ));
        return Err(bytes.len());
    }
    Ok((
        Expr {
            span: Span::new(start, stop + 1),
            name,
            name_span,
            braced: true,
            op,
            operand: Some(Operand {
                span: Span::new(operand_start, stop),
                pieces,
            }),
        },
        stop + 1,
    ))
}

/// The `}` that closes a `${` whose content starts at `from`, counting nested `${`.
fn matching_close(bytes: &[u8], from: usize) -> Option<usize> {
    let mut depth = 0usize;
    let mut i = from;
    while i < bytes.len() {
        match bytes[i] {
            b'$' if bytes.get(i + 1) == Some(&b'{') => {
                depth += 1;
                i += 2;
                continue;
            }
            b'}' if depth == 0 => return Some(i),
            b'}' => depth -= 1,
            _ => {}
        }
        i += 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(text: &str) -> Expr {
        let t = parse(text);
        assert!(t.errors.is_empty(), "{:?}", t.errors);
        let exprs = t.exprs();
        assert_eq!(exprs.len(), 1, "{exprs:?}");
        exprs[0].clone()
    }

    #[test]
    fn every_operator_is_recognised_with_its_spans() {
        let table = [
            ("${A}", Op::Plain, None),
            ("${A:-d}", Op::DefaultUnsetOrEmpty, Some("d")),
            ("${A-d}", Op::DefaultUnset, Some("d")),
            (
                "${A:?must be set}",
                Op::RequiredNonEmpty,
                Some("must be set"),
            ),
            ("${A?e}", Op::Required, Some("e")),
            ("${A:+r}", Op::AlternateNonEmpty, Some("r")),
            ("${A+r}", Op::Alternate, Some("r")),
            ("${A:-}", Op::DefaultUnsetOrEmpty, Some("")),
        ];
        for (text, op, operand) in table {
            let e = one(text);
            assert_eq!(e.op, op, "{text}");
            assert_eq!(&text[e.span.range()], text);
            assert_eq!(&text[e.name_span.range()], "A");
            let got = e.operand.as_ref().map(|o| o.literal(text).unwrap());
            assert_eq!(got.as_deref(), operand, "{text}");
        }
    }

    #[test]
    fn expressions_inside_text_have_exact_spans() {
        let text = "postgres://u:${DB_PASSWORD:-secret}@db:5432/$DB_NAME";
        let t = parse(text);
        let exprs = t.exprs();
        assert_eq!(exprs.len(), 2);
        assert_eq!(&text[exprs[0].span.range()], "${DB_PASSWORD:-secret}");
        assert_eq!(&text[exprs[1].span.range()], "$DB_NAME");
        assert_eq!(exprs[1].name, "DB_NAME");
        assert!(!exprs[1].braced);
    }

    #[test]
    fn nested_operands_are_parsed() {
        let text = "${A:-${B:-x}y}";
        let t = parse(text);
        assert!(t.errors.is_empty());
        let exprs = t.exprs();
        assert_eq!(exprs.len(), 2);
        assert_eq!(&text[exprs[0].span.range()], text);
        assert_eq!(&text[exprs[1].span.range()], "${B:-x}");
        assert_eq!(exprs[0].operand.as_ref().unwrap().literal(text), None);
    }

    #[test]
    fn dollar_dollar_is_an_escape_not_a_variable() {
        let t = parse("echo $$HOME and $${X}");
        assert!(t.exprs().is_empty());
        assert!(t.is_literal());
        let escaped = t
            .pieces
            .iter()
            .filter(|p| matches!(p, Piece::Escaped(_)))
            .count();
        assert_eq!(escaped, 2);
    }

    #[test]
    fn dollar_before_other_characters_is_literal() {
        for text in ["cost $5", "a $ b", "$", "regex ^a$", "$-x"] {
            let t = parse(text);
            assert!(t.errors.is_empty(), "{text}");
            assert!(t.exprs().is_empty(), "{text}");
        }
    }

    #[test]
    fn malformed_braces_are_located_errors() {
        let table = [
            ("x ${} y", "${}"),
            ("${A", "${A"),
            ("${A:-oops", "${A:-oops"),
            ("${1A}", "${1A}"),
            ("${A!x}", "${A!x}"),
            ("${A:x}", "${A:x}"),
        ];
        for (text, located) in table {
            let t = parse(text);
            assert_eq!(t.errors.len(), 1, "{text}: {:?}", t.errors);
            assert_eq!(&text[t.errors[0].span.range()], located, "{text}");
        }
    }

    #[test]
    fn parsing_continues_after_an_error() {
        let text = "${} and ${B:-x}";
        let t = parse(text);
        assert_eq!(t.errors.len(), 1);
        assert_eq!(t.exprs().len(), 1);
        assert_eq!(t.exprs()[0].name, "B");
    }

    #[test]
    fn deep_nesting_is_bounded() {
        let text = "${A:-".repeat(10_000) + &"}".repeat(10_000);
        let t = parse(&text);
        assert!(!t.errors.is_empty());
    }

    #[test]
    fn multibyte_text_keeps_char_boundaries() {
        let text = "é${A:-ü}ö$B€";
        let t = parse(text);
        for e in t.exprs() {
            assert!(text.get(e.span.range()).is_some());
        }
        assert_eq!(t.exprs().len(), 2);
    }
}

/// A template parsed from a value that sits somewhere in a file, with the way back from its
/// spans to file offsets.
#[derive(Clone, Debug)]
pub struct Located {
    pub template: Template,
    /// The text that was parsed; template spans index into it.
    pub source: String,
    /// The file offset of `source[0]` when `source` is the file's own text, byte for byte.
    base: Option<usize>,
    /// Where to point when the value was decoded (escapes, folding) and offsets cannot be mapped.
    whole: Span,
}

impl Located {
    /// Parses a scalar whose source text is `raw` at `span` of a file and whose decoded value is
    /// `value`. When the value is the raw text (plain, or quoted without escapes), spans are
    /// exact; otherwise every span falls back to the whole scalar.
    pub fn parse(raw: &str, value: &str, span: Span) -> Located {
        let inner = [('"', '"'), ('\'', '\'')]
            .iter()
            .find_map(|(open, close)| raw.strip_prefix(*open)?.strip_suffix(*close))
            .map(|s| (s, 1))
            .unwrap_or((raw, 0));
        let base = (inner.0 == value).then_some(span.start + inner.1);
        Located {
            template: parse(value),
            source: value.to_string(),
            base,
            whole: span,
        }
    }

    /// A template over text that is itself the file's text starting at `offset`.
    pub fn exact(text: &str, offset: usize) -> Located {
        Located {
            template: parse(text),
            source: text.to_string(),
            base: Some(offset),
            whole: Span::new(offset, offset + text.len()),
        }
    }

    /// The file span of a template span.
    pub fn file_span(&self, span: Span) -> Span {
        match self.base {
            Some(b) => span.shift(b),
            None => self.whole,
        }
    }

    pub fn is_exact(&self) -> bool {
        self.base.is_some()
    }
}

#[cfg(test)]
mod located_tests {
    use super::*;

    #[test]
    fn plain_and_simply_quoted_scalars_map_exactly() {
        let file = r#"KEY: "${A:-x}""#;
        let raw = &file[5..];
        let l = Located::parse(raw, "${A:-x}", Span::new(5, file.len()));
        let e = l.template.exprs()[0].clone();
        assert_eq!(&file[l.file_span(e.span).range()], "${A:-x}");
        assert!(l.is_exact());
    }

    #[test]
    fn decoded_scalars_fall_back_to_the_whole_scalar() {
        let file = r#"KEY: "a\tb ${A:-x}""#;
        let span = Span::new(5, file.len());
        let l = Located::parse(&file[5..], "a\tb ${A:-x}", span);
        assert!(!l.is_exact());
        let e = l.template.exprs()[0].clone();
        assert_eq!(l.file_span(e.span), span);
        assert_eq!(e.operand.unwrap().literal(&l.source).as_deref(), Some("x"));
    }
}
