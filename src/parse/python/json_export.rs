//! A JSON dump of the running settings (`docs/settings-export.md`): one object, a key per
//! UPPERCASE setting, values converted by `json.dumps(..., default=str)`, and secret-like
//! values replaced by a fingerprint such as `"<redacted:50 chars>"` or
//! `"<from DJANGO_SECRET_KEY>"`.
//!
//! The file is read with the YAML span tree, so every setting keeps the span of its key and of
//! its value. JSON types become Python values: `true`/`false`/`null` are `True`/`False`/`None`,
//! arrays are lists (they stand for lists and tuples alike: JSON has no tuples), objects are
//! dicts. A fingerprint is kept as [`Value::Unknown`] holding its text: rules that look for
//! hard-coded literals do not see a value, and [`Value::redacted_chars`] gives the length the
//! exporter stated. The variables `<from NAME>` names are the module's environment reads.

use super::eval::{self, Scope};
use super::value::{Cast, EnvLibrary, EnvLookup, Spanned, Value};
use super::{Layer, SettingsModule};
use crate::parse::yaml::{self, Node, NodeKind, ScalarStyle};
use crate::parse::ParseIssue;
use crate::source::Span;

/// Nesting converted before a value is left as unknown.
const MAX_DEPTH: usize = 40;

/// Reads a JSON settings export. Never panics: invalid JSON and a top level that is not an
/// object are located issues, and whatever settings were read are still modelled.
pub fn parse_json_export(text: &str) -> (SettingsModule, Vec<ParseIssue>) {
    let file = yaml::parse(text);
    let mut issues = file.errors.clone();
    let mut scope = Scope::default();
    let mut reads = Vec::new();
    let mut documents = file.documents();
    match documents.next() {
        Some(root) if root.kind() == NodeKind::Mapping => {
            for (key, value) in root.entries() {
                let Some(name) = key.as_str().filter(|_| key.kind() == NodeKind::Scalar) else {
                    issues.push(ParseIssue::new(
                        key.span(),
                        "settings export keys must be strings",
                    ));
                    continue;
                };
                let converted = Spanned::new(convert(value, 0, &mut reads), value.span());
                eval::define(&mut scope, name, key_name_span(key), converted);
            }
        }
        Some(root) => issues.push(ParseIssue::new(
            root.span(),
            "a JSON settings export must be one object of NAME: value",
        )),
        None if issues.is_empty() => issues.push(ParseIssue::new(
            Span::empty(0),
            "a JSON settings export must be one object of NAME: value",
        )),
        None => {}
    }
    if let Some(extra) = documents.next() {
        issues.push(ParseIssue::new(
            extra.span(),
            "a JSON settings export holds one object; this one is ignored",
        ));
    }
    let module = SettingsModule {
        scope,
        layers: vec![Layer {
            start: 0,
            len: text.len(),
            source: None,
        }],
        env_reads: reads,
        ..SettingsModule::default()
    };
    (module.finish().exported(), issues)
}

/// The key's name without its quotes, so that findings underline `DEBUG`, not `"DEBUG"`.
fn key_name_span(key: Node<'_>) -> Span {
    let span = key.span();
    let quoted = matches!(
        key.style(),
        Some(ScalarStyle::DoubleQuoted | ScalarStyle::SingleQuoted)
    );
    if quoted && span.end >= span.start + 2 {
        Span::new(span.start + 1, span.end - 1)
    } else {
        span
    }
}

fn spanned(node: Node<'_>, depth: usize, reads: &mut Vec<EnvLookup>) -> Spanned<Value> {
    Spanned::new(convert(node, depth + 1, reads), node.span())
}

/// Converts a node; `<from NAME>` fingerprints are also recorded in `reads`, as the variables
/// the running settings read.
fn convert(node: Node<'_>, depth: usize, reads: &mut Vec<EnvLookup>) -> Value {
    if depth > MAX_DEPTH {
        return Value::Unknown("value nested too deeply to model".into());
    }
    match node.kind() {
        NodeKind::Mapping => Value::Dict(
            node.entries()
                .into_iter()
                .map(|(k, v)| (spanned(k, depth, reads), spanned(v, depth, reads)))
                .collect(),
        ),
        NodeKind::Sequence => Value::List(
            node.items()
                .into_iter()
                .map(|i| spanned(i, depth, reads))
                .collect(),
        ),
        NodeKind::UnresolvedAlias => Value::Unknown("unresolved alias".into()),
        NodeKind::Scalar => {
            let value = scalar(node);
            if let Some(read) = from_variable(node, &value) {
                reads.push(read);
            }
            value
        }
    }
}

/// The variable a `<from NAME>` fingerprint names, located on the name when it is written
/// without escapes.
fn from_variable(node: Node<'_>, value: &Value) -> Option<EnvLookup> {
    let Value::Unknown(text) = value else {
        return None;
    };
    let name = text.strip_prefix("<from ")?.strip_suffix('>')?;
    let span = node.span();
    let name_span = match node.raw().find(text.as_str()) {
        Some(at) => {
            let start = span.start + at + "<from ".len();
            Span::new(start, start + name.len())
        }
        None => span,
    };
    Some(EnvLookup {
        name: name.to_string(),
        name_span,
        default: None,
        required: false,
        cast: Cast::Str,
        library: EnvLibrary::Os,
        plain_os_get: false,
    })
}

fn scalar(node: Node<'_>) -> Value {
    let text = node.as_str().unwrap_or_default();
    if node.style() != Some(ScalarStyle::Plain) {
        return string(text);
    }
    if node.is_null() {
        return Value::None;
    }
    if let Some(b) = node.as_bool() {
        return Value::Bool(b);
    }
    if let Ok(i) = text.parse::<i64>() {
        return Value::Int(i);
    }
    // JSON numbers only: `nan`/`inf` are not numbers a JSON encoder writes unquoted as words.
    if text.starts_with(|c: char| c.is_ascii_digit() || c == '-') {
        if let Ok(f) = text.parse::<f64>() {
            return Value::Float(f);
        }
    }
    match text {
        "NaN" => Value::Float(f64::NAN),
        "Infinity" => Value::Float(f64::INFINITY),
        "-Infinity" => Value::Float(f64::NEG_INFINITY),
        _ => string(text),
    }
}

/// A string, or the fingerprint the exporter wrote in place of a secret.
fn string(text: &str) -> Value {
    if is_fingerprint(text) {
        Value::Unknown(text.to_string())
    } else {
        Value::Str(text.to_string())
    }
}

/// `<redacted>`, `<redacted:50 chars>`, `<from DJANGO_SECRET_KEY>`, or the twenty asterisks
/// Django's own `SafeExceptionReporterFilter` writes in place of a secret.
pub(crate) fn is_fingerprint(text: &str) -> bool {
    if text == "********************" {
        return true;
    }
    let Some(inner) = text.strip_prefix('<').and_then(|t| t.strip_suffix('>')) else {
        return false;
    };
    if inner == "redacted" || stated_length(text).is_some() {
        return true;
    }
    inner.strip_prefix("from ").is_some_and(|name| {
        !name.is_empty()
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.' || c == '-')
    })
}

/// The length `<redacted:50 chars>` (or `<redacted:50>`) states.
pub(crate) fn stated_length(text: &str) -> Option<usize> {
    let inner = text.strip_prefix("<redacted:")?.strip_suffix('>')?;
    let digits = inner
        .strip_suffix(" chars")
        .or_else(|| inner.strip_suffix(" char"))
        .unwrap_or(inner)
        .trim();
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}
