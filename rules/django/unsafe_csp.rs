use crate::parse::python::Value;
use crate::rule::{Ctx, Rule};
use crate::rules::django::{check_leaves, Finding, Judged, Leaf, Outcome};
use crate::source::Span;

crate::declare_rule! {
    /// ## What it does
    /// Reports a Content Security Policy in deployed settings that lets injected scripts run:
    /// `'unsafe-inline'` or `'unsafe-eval'` among the script sources. It reads django-csp's
    /// settings (`CSP_SCRIPT_SRC`, or `CSP_DEFAULT_SRC` when no script source is set), the
    /// `CONTENT_SECURITY_POLICY["DIRECTIVES"]` of django-csp 4, Django's own `SECURE_CSP`, and
    /// policies written out as header strings in any setting
    /// (`"default-src 'self'; script-src 'self' 'unsafe-inline'"`).
    ///
    /// `'unsafe-inline'` is not reported when the same directive has a nonce, a hash or
    /// `'strict-dynamic'` (browsers then ignore it; it only serves old browsers), when django-csp
    /// adds nonces to it (`CSP_INCLUDE_NONCE_IN`), or when the policy is report-only.
    /// `'unsafe-inline'` in style sources is not reported: inline styles are far less dangerous.
    ///
    /// ## Why it matters
    /// The point of a CSP is that a script injected into a page (a stored comment, a reflected
    /// parameter) does not run. `'unsafe-inline'` allows every inline `<script>` and `onclick=`,
    /// which is exactly what an injection produces; `'unsafe-eval'` lets injected strings become
    /// code. With either, the policy looks configured in audits and stops nothing.
    ///
    /// ## Example
    /// ```python title="app/settings/production.py"
    /// MIDDLEWARE = ["csp.middleware.CSPMiddleware"]
    /// CSP_DEFAULT_SRC = ("'self'",)
    /// CSP_SCRIPT_SRC = ("'self'", "'unsafe-inline'", "cdn.example.net")
    /// ```
    ///
    /// ## How to fix
    /// Move inline scripts to files, or mark the ones that must stay with a nonce:
    /// ```python title="app/settings/production.py"
    /// MIDDLEWARE = ["csp.middleware.CSPMiddleware"]
    /// CSP_DEFAULT_SRC = ("'self'",)
    /// CSP_SCRIPT_SRC = ("'self'", "cdn.example.net")
    /// CSP_INCLUDE_NONCE_IN = ["script-src"]
    /// ```
    /// and render `<script nonce="{{ request.csp_nonce }}">` in templates.
    pub(crate) struct UnsafeCsp {
        code: "DJG014",
        name: "unsafe-csp",
        family: Django,
        severity: Warning,
        scope: DEPLOYED,
    }
}

/// One source list of a policy: its items with their spans, and whether some item is not
/// known (a constant such as `NONCE`, a computed value).
struct Sources {
    directive: &'static str,
    items: Vec<(String, Span)>,
    unknown: bool,
    when: String,
}

fn is_neutraliser(src: &str) -> bool {
    let s = src.to_ascii_lowercase();
    s.starts_with("'nonce-")
        || s.starts_with("'sha256-")
        || s.starts_with("'sha384-")
        || s.starts_with("'sha512-")
        || s == "'strict-dynamic'"
}

fn sources_of(directive: &'static str, o: &Outcome, v: &Value) -> Option<Sources> {
    let mut items = Vec::new();
    let mut unknown = false;
    match v {
        Value::Str(s) => {
            for part in s.split_whitespace() {
                items.push((part.to_string(), o.span));
            }
        }
        Value::List(list) | Value::Tuple(list) => {
            for i in list {
                match &i.value {
                    Value::Str(s) => {
                        let span = if o.uses_default() { o.span } else { i.span };
                        items.extend(s.split_whitespace().map(|p| (p.to_string(), span)));
                    }
                    _ => unknown = true,
                }
            }
        }
        _ => return None,
    }
    Some(Sources {
        directive,
        items,
        unknown,
        when: o.when(),
    })
}

fn judge(src: &Sources, nonce_added: bool, origin: &str, out: &mut Vec<Finding>) {
    let find = |kw: &str| {
        src.items
            .iter()
            .find(|(s, _)| s.eq_ignore_ascii_case(kw))
            .map(|(_, span)| *span)
    };
    if let Some(span) = find("'unsafe-eval'") {
        out.push(
            Finding::at(
                span,
                format!(
                    "the Content Security Policy ({origin}) allows 'unsafe-eval' in {}{}, so \
                     injected strings can run as code",
                    src.directive, src.when
                ),
            )
            .help(
                "remove 'unsafe-eval' and replace eval-based code (new Function, string \
                   timers, template compilers in the browser)",
            ),
        );
    }
    let neutralised =
        nonce_added || src.unknown || src.items.iter().any(|(s, _)| is_neutraliser(s));
    if let Some(span) = find("'unsafe-inline'").filter(|_| !neutralised) {
        out.push(
            Finding::at(
                span,
                format!(
                    "the Content Security Policy ({origin}) allows 'unsafe-inline' in {}{}, so \
                     injected inline scripts run",
                    src.directive, src.when
                ),
            )
            .help(
                "move inline scripts to files, or give the ones that must stay a nonce \
                   (django-csp: CSP_INCLUDE_NONCE_IN = [\"script-src\"])",
            ),
        );
    }
}

fn single(leaf: &Leaf, name: &str) -> Option<Outcome> {
    match leaf.judge(name) {
        Judged::Set(_, mut list) if list.len() == 1 => list.pop(),
        _ => None,
    }
}

/// The script sources of a directive map (`{"script-src": [...], "default-src": [...]}`).
fn from_directives(o: &Outcome, map: &Value) -> Option<Sources> {
    for key in ["script-src", "default-src"] {
        if let Some(v) = map.dict_get(key) {
            let directive = if key == "script-src" {
                "script-src"
            } else {
                "default-src"
            };
            let inner = Outcome {
                span: if o.uses_default() { o.span } else { v.span },
                ..o.clone()
            };
            return sources_of(directive, &inner, &v.value);
        }
    }
    None
}

/// A policy written as a header value: `default-src 'self'; script-src 'self' 'unsafe-inline'`.
fn from_header(text: &str, o: &Outcome, span: Span) -> Option<Sources> {
    let mut script = None;
    let mut default = None;
    for directive in text.split(';') {
        let mut words = directive.split_whitespace();
        let Some(name) = words.next() else { continue };
        let items: Vec<(String, Span)> = words.map(|w| (w.to_string(), span)).collect();
        match name.to_ascii_lowercase().as_str() {
            "script-src" => script = Some(items),
            "default-src" => default = Some(items),
            _ => {}
        }
    }
    let (directive, items) = match (script, default) {
        (Some(i), _) => ("script-src", i),
        (None, Some(i)) => ("default-src", i),
        _ => return None,
    };
    Some(Sources {
        directive,
        items,
        unknown: false,
        when: o.when(),
    })
}

/// Strings inside a value that look like a policy header, with their spans.
fn header_strings<'v>(v: &'v Value, span: Span, out: &mut Vec<(&'v str, Span)>, depth: usize) {
    if depth > 8 {
        return;
    }
    match v {
        Value::Str(s) if looks_like_policy(s) => out.push((s, span)),
        Value::List(items) | Value::Tuple(items) => {
            for i in items {
                header_strings(&i.value, i.span, out, depth + 1);
            }
        }
        Value::Dict(items) => {
            for (key, val) in items {
                // Ex) {"Content-Security-Policy-Report-Only": "..."}: not enforced.
                let report_only = key
                    .value
                    .as_str()
                    .is_some_and(|k| k.to_ascii_lowercase().contains("report-only"));
                if !report_only {
                    header_strings(&val.value, val.span, out, depth + 1);
                }
            }
        }
        _ => {}
    }
}

fn looks_like_policy(s: &str) -> bool {
    let lower = s.to_ascii_lowercase();
    (lower.starts_with("default-src ")
        || lower.starts_with("script-src ")
        || lower.contains("; script-src ")
        || lower.contains(";script-src "))
        && lower.contains('\'')
}

const DJANGO_CSP: &[&str] = &["CONTENT_SECURITY_POLICY", "SECURE_CSP"];

impl Rule for UnsafeCsp {
    fn check_project(&self, ctx: &mut Ctx<'_>) {
        check_leaves(ctx, |leaf, out| {
            // django-csp before 4.0: one setting per directive.
            let middleware = leaf.list_contains("MIDDLEWARE", "csp.middleware.CSPMiddleware");
            let report_only =
                single(leaf, "CSP_REPORT_ONLY").is_some_and(|o| o.value.truthy() != Some(false));
            if middleware != Some(false) && !report_only {
                let nonce_in = single(leaf, "CSP_INCLUDE_NONCE_IN").map(|o| o.value);
                let nonce_for = |d: &str| match &nonce_in {
                    Some(Value::List(i) | Value::Tuple(i)) => i
                        .iter()
                        .any(|x| !matches!(x.value.as_str(), Some(s) if s != d)),
                    Some(_) => true,
                    None => false,
                };
                let src = single(leaf, "CSP_SCRIPT_SRC")
                    .and_then(|o| sources_of("script-src", &o, &o.value))
                    .or_else(|| {
                        single(leaf, "CSP_DEFAULT_SRC")
                            .and_then(|o| sources_of("default-src", &o, &o.value))
                    });
                if let Some(src) = src {
                    let nonce = nonce_for(src.directive);
                    judge(&src, nonce, "django-csp", out);
                }
            }
            // django-csp 4 and Django's SECURE_CSP: a dict of directives.
            for name in DJANGO_CSP {
                let Some(o) = single(leaf, name) else {
                    continue;
                };
                let map = match name {
                    &"CONTENT_SECURITY_POLICY" => o.value.dict_get("DIRECTIVES").map(|d| &d.value),
                    _ => Some(&o.value),
                };
                if let Some(src) = map.and_then(|m| from_directives(&o, m)) {
                    judge(&src, false, name, out);
                }
            }
            // Policies written out as header strings in any other setting.
            for s in &leaf.model.settings {
                if s.name.starts_with("CSP_")
                    || DJANGO_CSP.contains(&s.name.as_str())
                    || s.name.contains("REPORT_ONLY")
                {
                    continue;
                }
                let Some(o) = single(leaf, &s.name) else {
                    continue;
                };
                let mut found = Vec::new();
                let span = o.span;
                header_strings(&o.value, span, &mut found, 0);
                for (text, at) in found {
                    let at = if o.uses_default() { o.span } else { at };
                    if let Some(src) = from_header(text, &o, at) {
                        judge(&src, false, &s.name, out);
                    }
                }
            }
        });
    }
}
