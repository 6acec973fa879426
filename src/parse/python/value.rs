//! Values of a statically read settings module, and what can be computed from them without
//! running any code: truthiness, the value under a given environment, absolute paths.

use crate::source::Span;

/// A value with the byte span of the expression that produced it.
#[derive(Clone, Debug, PartialEq)]
pub struct Spanned<T> {
    pub value: T,
    pub span: Span,
}

impl<T> Spanned<T> {
    pub fn new(value: T, span: Span) -> Spanned<T> {
        Spanned { value, span }
    }
}

/// What a settings expression evaluates to, as far as it can be known without running it.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Str(String),
    Int(i64),
    Float(f64),
    Bool(bool),
    None,
    /// Lists and sets.
    List(Vec<Spanned<Value>>),
    Tuple(Vec<Spanned<Value>>),
    Dict(Vec<(Spanned<Value>, Spanned<Value>)>),
    Path(PathValue),
    /// An environment variable read, as returned by the library (cast applied).
    Env(EnvLookup),
    /// A value computed from one environment variable: `os.environ.get("DEBUG") == "True"`.
    Derived(Derived),
    /// One value per branch of module-level `if`/`else` (or `try`/`except`); the first branch
    /// whose condition holds wins. When none holds the setting keeps no value from these branches.
    Alternatives(Vec<(Condition, Spanned<Value>)>),
    /// Not knowable statically; the text says why, briefly.
    Unknown(String),
}

/// Where a setting's final value comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Provenance {
    /// Literals only.
    Literal,
    /// An environment variable with a fallback written in the code.
    EnvDefault,
    /// An environment variable without a fallback.
    Env,
    /// Computed from other values: paths, concatenations, conditional branches.
    Computed,
    /// Printed by the running settings (`diffsettings`, a JSON dump): exact for the environment
    /// the export was made in.
    Export,
    Unknown,
}

/// The library an environment variable is read through: it decides casts and defaults.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EnvLibrary {
    /// `os.environ.get`, `os.getenv`, `os.environ[...]`, `os.environ.setdefault`.
    Os,
    /// django-environ: `env(...)`, `env.bool(...)`, `environ.Env(NAME=(cast, default))`.
    DjangoEnviron,
    /// python-decouple: `config(NAME, default=..., cast=...)`.
    Decouple,
    /// dj-database-url: `dj_database_url.config()` reads `DATABASE_URL`.
    DjDatabaseUrl,
}

/// The type a library converts the variable's text to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cast {
    Str,
    Bool,
    Int,
    Float,
    List,
    Tuple,
    Dict,
    Json,
    DbUrl,
    CacheUrl,
    Url,
    Path,
    Unknown,
}

/// One read of an environment variable.
#[derive(Clone, Debug, PartialEq)]
pub struct EnvLookup {
    pub name: String,
    pub name_span: Span,
    /// The fallback written in the code, as a value. `None` with `required == false` means the
    /// read yields Python `None` when the variable is unset (`os.environ.get("X")`).
    pub default: Option<Box<Spanned<Value>>>,
    /// An unset variable raises (`os.environ["X"]`, `env("X")`, `config("X")` without default).
    pub required: bool,
    pub cast: Cast,
    pub library: EnvLibrary,
    /// `os.environ.get`/`os.getenv` without a cast: any non-empty text, `"False"` included, is
    /// truthy.
    pub plain_os_get: bool,
}

/// A computation applied to an environment variable's value, in order.
#[derive(Clone, Debug, PartialEq)]
pub struct Derived {
    pub lookup: EnvLookup,
    pub steps: Vec<Step>,
}

/// One step of a [`Derived`] computation.
#[derive(Clone, Debug, PartialEq)]
pub enum Step {
    /// `x == other`, `x in ("1", "true")`; `env_on_left` is false for `"x" in x`.
    Compare {
        op: CmpOp,
        other: Value,
        env_on_left: bool,
    },
    /// `x.lower()`, `x.strip()`, … (no arguments).
    Method(String),
    /// `x.split(sep)`.
    Split(Option<String>),
    /// `[s.strip() for s in x]`.
    EachStrip,
    /// `[s for s in x if s]`.
    DropEmpty,
    Not,
    /// `bool(x)`, `int(x)`, `float(x)`, `str(x)`, `list(x)`, `tuple(x)`: Python's conversion.
    Convert(Cast),
    /// A library parse of the text (`dj_database_url.parse(x)`).
    Parse(Cast),
    /// `x or other`.
    Or(Box<Value>),
    /// `x and other`.
    And(Box<Value>),
    /// `before + x + after` (strings, lists); also f-strings with one computed part.
    Concat {
        before: Option<Box<Value>>,
        after: Option<Box<Value>>,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CmpOp {
    Eq,
    NotEq,
    In,
    NotIn,
    Lt,
    LtE,
    Gt,
    GtE,
    Is,
    IsNot,
}

impl CmpOp {
    pub fn as_str(self) -> &'static str {
        match self {
            CmpOp::Eq => "==",
            CmpOp::NotEq => "!=",
            CmpOp::In => "in",
            CmpOp::NotIn => "not in",
            CmpOp::Lt => "<",
            CmpOp::LtE => "<=",
            CmpOp::Gt => ">",
            CmpOp::GtE => ">=",
            CmpOp::Is => "is",
            CmpOp::IsNot => "is not",
        }
    }
}

/// When a branch of [`Value::Alternatives`] applies: every clause must hold.
#[derive(Clone, Debug, PartialEq)]
pub struct Condition {
    /// Readable form, e.g. `DJANGO_ENV == "production"` or `not (DEBUG) and USE_S3`.
    pub text: String,
    /// The test deciding this branch (for an `else`, the `if`'s test).
    pub span: Span,
    pub clauses: Vec<Clause>,
}

/// One test of a [`Condition`]: `test` must be truthy when `holds`, falsy otherwise.
#[derive(Clone, Debug, PartialEq)]
pub struct Clause {
    pub text: String,
    pub span: Span,
    /// The test's value (often [`Value::Derived`] from an environment read).
    pub test: Value,
    pub holds: bool,
}

impl Condition {
    pub(crate) fn new(clauses: Vec<Clause>, fallback_span: Span) -> Condition {
        let text = if clauses.is_empty() {
            "always".to_string()
        } else {
            clauses
                .iter()
                .map(|c| {
                    if c.holds {
                        c.text.clone()
                    } else {
                        format!("not ({})", c.text)
                    }
                })
                .collect::<Vec<_>>()
                .join(" and ")
        };
        let span = clauses.last().map_or(fallback_span, |c| c.span);
        Condition {
            text,
            span,
            clauses,
        }
    }

    /// Whether the branch applies under `env` (`None` when a test cannot be evaluated).
    pub fn evaluate(&self, env: &dyn Fn(&str) -> Option<String>) -> Option<bool> {
        let mut sink = Vec::new();
        self.eval_inner(env, &mut sink, 0)
    }

    /// Whether the branch applies when no environment variable is set.
    pub fn when_unset(&self) -> Option<bool> {
        self.evaluate(&|_| None)
    }

    fn eval_inner(
        &self,
        env: &dyn Fn(&str) -> Option<String>,
        used: &mut Vec<EnvLookup>,
        depth: usize,
    ) -> Option<bool> {
        let mut result = Some(true);
        for clause in &self.clauses {
            match truthy(&eval(&clause.test, env, used, depth + 1)) {
                Some(t) if t != clause.holds => return Some(false),
                Some(_) => {}
                None => result = None,
            }
        }
        result
    }
}

/// A filesystem path built with `pathlib`/`os.path`.
#[derive(Clone, Debug, PartialEq)]
pub struct PathValue {
    pub root: PathRoot,
    /// Components below the root; `..` kept where it cannot be folded.
    pub parts: Vec<String>,
}

/// What a [`PathValue`] is relative to.
#[derive(Clone, Debug, PartialEq)]
pub enum PathRoot {
    /// `/`.
    Absolute,
    /// The module's `BASE_DIR` (a path built from `__file__`, referenced by that name).
    BaseDir,
    /// `__file__` with `parents` directory levels removed (`0` is the settings file itself).
    SettingsFile { parents: u32 },
    /// The text of an environment variable (its default when unset).
    Env(Box<EnvLookup>),
}

impl PathValue {
    pub(crate) fn absolute() -> PathValue {
        PathValue {
            root: PathRoot::Absolute,
            parts: Vec::new(),
        }
    }

    /// Appends `component` the way `os.path.join` does: an absolute component restarts.
    pub(crate) fn join(&mut self, component: &str) {
        if component.starts_with('/') {
            *self = PathValue::absolute();
        }
        for part in component.split('/') {
            match part {
                "" | "." => {}
                ".." => self.parent(),
                p => self.parts.push(p.to_string()),
            }
        }
    }

    /// `.parent` / `os.path.dirname`.
    pub(crate) fn parent(&mut self) {
        if let Some(last) = self.parts.last() {
            if last != ".." {
                self.parts.pop();
                return;
            }
        }
        match &mut self.root {
            PathRoot::Absolute => {}
            PathRoot::SettingsFile { parents } if self.parts.is_empty() => {
                *parents = parents.saturating_add(1)
            }
            _ => self.parts.push("..".to_string()),
        }
    }

    /// A readable form: `/var/log/app`, `BASE_DIR/logs`, `$LOG_DIR/audit.log`.
    pub fn display(&self) -> String {
        let root = match &self.root {
            PathRoot::Absolute => String::new(),
            PathRoot::BaseDir => "BASE_DIR".to_string(),
            PathRoot::SettingsFile { parents } => {
                let mut s = "__file__".to_string();
                for _ in 0..*parents {
                    s.push_str("/..");
                }
                s
            }
            PathRoot::Env(lookup) => format!("${}", lookup.name),
        };
        if self.parts.is_empty() && root.is_empty() {
            return "/".to_string();
        }
        let mut out = root;
        for part in &self.parts {
            out.push('/');
            out.push_str(part);
        }
        out
    }
}

/// An absolute path computed from a value, and the environment fallbacks it relied on.
#[derive(Clone, Debug, PartialEq)]
pub struct ResolvedPath {
    pub path: String,
    /// Environment reads whose code default was assumed (the variable may override it).
    pub env_defaults: Vec<EnvLookup>,
}

/// The absolute path `v` denotes when it is knowable, assuming every environment variable
/// is unset (their code defaults apply, and are listed). `base_dir` is the absolute `BASE_DIR`
/// when the caller knows it (for example a container's working directory).
pub fn resolve_path(v: &Value, base_dir: Option<&str>) -> Option<ResolvedPath> {
    let mut used = Vec::new();
    let concrete = eval(v, &|_| None, &mut used, 0);
    let path = match concrete {
        Value::Str(s) if s.starts_with('/') => normalize(&s),
        Value::Path(p) => match p.root {
            PathRoot::Absolute => normalize(&p.display()),
            PathRoot::BaseDir => {
                let base = base_dir?;
                if !base.starts_with('/') {
                    return None;
                }
                let mut joined = base.to_string();
                for part in &p.parts {
                    joined.push('/');
                    joined.push_str(part);
                }
                normalize(&joined)
            }
            PathRoot::SettingsFile { .. } | PathRoot::Env(_) => return None,
        },
        _ => return None,
    };
    let mut env_defaults: Vec<EnvLookup> = Vec::new();
    for lookup in used {
        if !env_defaults.iter().any(|l| l.name_span == lookup.name_span) {
            env_defaults.push(lookup);
        }
    }
    Some(ResolvedPath { path, env_defaults })
}

fn normalize(path: &str) -> String {
    crate::text::normalize_container_path(path)
}

impl Value {
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }

    pub fn as_int(&self) -> Option<i64> {
        match self {
            Value::Int(i) => Some(*i),
            _ => None,
        }
    }

    /// The elements of a list or tuple.
    pub fn as_list(&self) -> Option<&[Spanned<Value>]> {
        match self {
            Value::List(items) | Value::Tuple(items) => Some(items),
            _ => None,
        }
    }

    pub fn as_dict(&self) -> Option<&[(Spanned<Value>, Spanned<Value>)]> {
        match self {
            Value::Dict(items) => Some(items),
            _ => None,
        }
    }

    /// The value under string key `key` of a dict (the last one when repeated, as Python does).
    pub fn dict_get(&self, key: &str) -> Option<&Spanned<Value>> {
        self.dict_entry(key).map(|(_, v)| v)
    }

    /// The key and value under string key `key` of a dict.
    pub fn dict_entry(&self, key: &str) -> Option<(&Spanned<Value>, &Spanned<Value>)> {
        self.as_dict()?
            .iter()
            .rev()
            .find(|(k, _)| k.value.as_str() == Some(key))
            .map(|(k, v)| (k, v))
    }

    pub(crate) fn dict_get_mut(&mut self, key: &str) -> Option<&mut Spanned<Value>> {
        match self {
            Value::Dict(items) => items
                .iter_mut()
                .rev()
                .find(|(k, _)| k.value.as_str() == Some(key))
                .map(|(_, v)| v),
            _ => None,
        }
    }

    pub fn is_unknown(&self) -> bool {
        matches!(self, Value::Unknown(_))
    }

    /// Whether this is a secret an export replaced by a fingerprint (`<redacted:50 chars>`,
    /// `<from DJANGO_SECRET_KEY>`): a value that is set, but not written in the file.
    pub fn is_redacted(&self) -> bool {
        matches!(self, Value::Unknown(t) if super::json_export::is_fingerprint(t))
    }

    /// The length of a redacted secret, when the export stated it (`<redacted:50 chars>`).
    pub fn redacted_chars(&self) -> Option<usize> {
        match self {
            Value::Unknown(t) => super::json_export::stated_length(t),
            _ => None,
        }
    }

    /// Python truthiness, when it is knowable without the environment.
    pub fn truthy(&self) -> Option<bool> {
        truthy(self)
    }

    /// The value with every environment read, derived value and branch resolved under `env`
    /// (`env(name)` is the variable's text, `None` when unset). What cannot be computed becomes
    /// [`Value::Unknown`].
    pub fn evaluate(&self, env: &dyn Fn(&str) -> Option<String>) -> Value {
        let mut used = Vec::new();
        eval(self, env, &mut used, 0)
    }

    /// The value when no environment variable is set: the code's defaults.
    pub fn when_unset(&self) -> Value {
        self.evaluate(&|_| None)
    }

    /// Where this value's content comes from.
    pub fn provenance(&self) -> Provenance {
        provenance(self, 0)
    }

    /// Every environment read inside this value, in order.
    pub fn env_lookups(&self) -> Vec<&EnvLookup> {
        let mut out = Vec::new();
        collect_lookups(self, &mut out, 0);
        out
    }

    /// A short type name for messages.
    pub fn kind_name(&self) -> &'static str {
        match self {
            Value::Str(_) => "str",
            Value::Int(_) => "int",
            Value::Float(_) => "float",
            Value::Bool(_) => "bool",
            Value::None => "None",
            Value::List(_) => "list",
            Value::Tuple(_) => "tuple",
            Value::Dict(_) => "dict",
            Value::Path(_) => "path",
            Value::Env(_) => "environment variable",
            Value::Derived(_) => "value computed from an environment variable",
            Value::Alternatives(_) => "conditional value",
            Value::Unknown(_) => "unknown",
        }
    }
}

/// Deepest nesting the value functions follow; the evaluator never builds deeper values.
pub(crate) const MAX_VALUE_DEPTH: usize = 48;

fn provenance(v: &Value, depth: usize) -> Provenance {
    if depth > MAX_VALUE_DEPTH {
        return Provenance::Unknown;
    }
    match v {
        Value::Str(_)
        | Value::Int(_)
        | Value::Float(_)
        | Value::Bool(_)
        | Value::None
        | Value::List(_)
        | Value::Tuple(_)
        | Value::Dict(_) => {
            let mut children = Vec::new();
            children_of(v, &mut children);
            if children
                .iter()
                .all(|c| provenance(c, depth + 1) == Provenance::Literal)
            {
                Provenance::Literal
            } else {
                Provenance::Computed
            }
        }
        Value::Env(l) | Value::Derived(Derived { lookup: l, .. }) => lookup_provenance(l),
        Value::Path(p) => match &p.root {
            PathRoot::Env(l) => lookup_provenance(l),
            _ => Provenance::Computed,
        },
        Value::Alternatives(_) => Provenance::Computed,
        Value::Unknown(_) => Provenance::Unknown,
    }
}

fn lookup_provenance(l: &EnvLookup) -> Provenance {
    if l.default.is_some() {
        Provenance::EnvDefault
    } else {
        Provenance::Env
    }
}

fn children_of<'v>(v: &'v Value, out: &mut Vec<&'v Value>) {
    match v {
        Value::List(items) | Value::Tuple(items) => out.extend(items.iter().map(|i| &i.value)),
        Value::Dict(items) => {
            for (k, val) in items {
                out.push(&k.value);
                out.push(&val.value);
            }
        }
        Value::Alternatives(alts) => out.extend(alts.iter().map(|(_, v)| &v.value)),
        _ => {}
    }
}

fn collect_lookups<'v>(v: &'v Value, out: &mut Vec<&'v EnvLookup>, depth: usize) {
    if depth > MAX_VALUE_DEPTH {
        return;
    }
    match v {
        Value::Env(l) => {
            out.push(l);
            if let Some(d) = &l.default {
                collect_lookups(&d.value, out, depth + 1);
            }
        }
        Value::Derived(d) => {
            out.push(&d.lookup);
            for step in &d.steps {
                match step {
                    Step::Compare { other, .. } => collect_lookups(other, out, depth + 1),
                    Step::Or(o) | Step::And(o) => collect_lookups(o, out, depth + 1),
                    Step::Concat { before, after } => {
                        for part in [before, after].into_iter().flatten() {
                            collect_lookups(part, out, depth + 1);
                        }
                    }
                    _ => {}
                }
            }
        }
        Value::Path(PathValue {
            root: PathRoot::Env(l),
            ..
        }) => out.push(l),
        Value::Alternatives(alts) => {
            for (c, val) in alts {
                for clause in &c.clauses {
                    collect_lookups(&clause.test, out, depth + 1);
                }
                collect_lookups(&val.value, out, depth + 1);
            }
        }
        _ => {
            let mut children = Vec::new();
            children_of(v, &mut children);
            for c in children {
                collect_lookups(c, out, depth + 1);
            }
        }
    }
}

pub(crate) fn truthy(v: &Value) -> Option<bool> {
    Some(match v {
        Value::Str(s) => !s.is_empty(),
        Value::Int(i) => *i != 0,
        Value::Float(f) => *f != 0.0,
        Value::Bool(b) => *b,
        Value::None => false,
        Value::List(i) | Value::Tuple(i) => !i.is_empty(),
        Value::Dict(i) => !i.is_empty(),
        Value::Path(_) => true,
        _ => return None,
    })
}

/// Python `==` on concrete values (`None` when not decidable).
pub(crate) fn py_eq(a: &Value, b: &Value) -> Option<bool> {
    Some(match (a, b) {
        (Value::Str(x), Value::Str(y)) => x == y,
        (Value::Bool(x), Value::Bool(y)) => x == y,
        (Value::Int(x), Value::Int(y)) => x == y,
        (Value::Float(x), Value::Float(y)) => x == y,
        (Value::Int(x), Value::Float(y)) | (Value::Float(y), Value::Int(x)) => (*x as f64) == *y,
        (Value::Bool(x), Value::Int(y)) | (Value::Int(y), Value::Bool(x)) => i64::from(*x) == *y,
        (Value::None, Value::None) => true,
        (Value::List(x), Value::List(y)) | (Value::Tuple(x), Value::Tuple(y)) => {
            if x.len() != y.len() {
                return Some(false);
            }
            for (p, q) in x.iter().zip(y) {
                if !py_eq(&p.value, &q.value)? {
                    return Some(false);
                }
            }
            true
        }
        (Value::Unknown(_), _)
        | (_, Value::Unknown(_))
        | (Value::Env(_) | Value::Derived(_) | Value::Alternatives(_), _)
        | (_, Value::Env(_) | Value::Derived(_) | Value::Alternatives(_)) => return None,
        (Value::Path(x), Value::Path(y)) => x == y,
        (Value::Dict(_), Value::Dict(_)) => return None,
        _ => false,
    })
}

pub(crate) fn py_compare(op: CmpOp, left: &Value, right: &Value) -> Option<bool> {
    match op {
        CmpOp::Eq | CmpOp::Is => py_eq(left, right),
        CmpOp::NotEq | CmpOp::IsNot => py_eq(left, right).map(|b| !b),
        CmpOp::In => py_contains(right, left),
        CmpOp::NotIn => py_contains(right, left).map(|b| !b),
        CmpOp::Lt | CmpOp::LtE | CmpOp::Gt | CmpOp::GtE => {
            let ord = match (left, right) {
                (Value::Int(a), Value::Int(b)) => a.partial_cmp(b),
                (Value::Float(a), Value::Float(b)) => a.partial_cmp(b),
                (Value::Int(a), Value::Float(b)) => (*a as f64).partial_cmp(b),
                (Value::Float(a), Value::Int(b)) => a.partial_cmp(&(*b as f64)),
                (Value::Str(a), Value::Str(b)) => a.partial_cmp(b),
                _ => None,
            }?;
            Some(match op {
                CmpOp::Lt => ord.is_lt(),
                CmpOp::LtE => ord.is_le(),
                CmpOp::Gt => ord.is_gt(),
                _ => ord.is_ge(),
            })
        }
    }
}

fn py_contains(container: &Value, item: &Value) -> Option<bool> {
    match container {
        Value::Str(s) => item.as_str().map(|i| s.contains(i)),
        Value::List(items) | Value::Tuple(items) => {
            let mut unknown = false;
            for i in items {
                match py_eq(&i.value, item) {
                    Some(true) => return Some(true),
                    Some(false) => {}
                    None => unknown = true,
                }
            }
            if unknown {
                None
            } else {
                Some(false)
            }
        }
        Value::Dict(items) => {
            let mut unknown = false;
            for (k, _) in items {
                match py_eq(&k.value, item) {
                    Some(true) => return Some(true),
                    Some(false) => {}
                    None => unknown = true,
                }
            }
            if unknown {
                None
            } else {
                Some(false)
            }
        }
        _ => None,
    }
}

/// Python `+` on concrete values.
pub(crate) fn py_add(a: &Value, b: &Value) -> Option<Value> {
    Some(match (a, b) {
        (Value::Str(x), Value::Str(y)) => Value::Str(format!("{x}{y}")),
        (Value::Int(x), Value::Int(y)) => Value::Int(x.checked_add(*y)?),
        (Value::Float(x), Value::Float(y)) => Value::Float(x + y),
        (Value::Int(x), Value::Float(y)) | (Value::Float(y), Value::Int(x)) => {
            Value::Float(*x as f64 + y)
        }
        (Value::List(x), Value::List(y)) => Value::List(x.iter().chain(y).cloned().collect()),
        (Value::Tuple(x), Value::Tuple(y)) => Value::Tuple(x.iter().chain(y).cloned().collect()),
        // `str(path) + "/file"`: string concatenation on a path's text.
        (Value::Path(p), Value::Str(s)) if s.starts_with('/') => {
            let mut p = p.clone();
            p.join(&s[1..]);
            Value::Path(p)
        }
        _ => return None,
    })
}

/// Text of a concrete value as `str()` gives it, for the simple cases.
pub(crate) fn py_str(v: &Value) -> Option<String> {
    Some(match v {
        Value::Str(s) => s.clone(),
        Value::Int(i) => i.to_string(),
        Value::Bool(true) => "True".to_string(),
        Value::Bool(false) => "False".to_string(),
        Value::None => "None".to_string(),
        Value::Float(f) => {
            if f.fract() == 0.0 && f.abs() < 1e16 {
                format!("{f:.1}")
            } else {
                f.to_string()
            }
        }
        Value::Path(p) if matches!(p.root, PathRoot::Absolute) => p.display(),
        _ => return None,
    })
}

const ENVIRON_TRUE: [&str; 6] = ["true", "on", "ok", "y", "yes", "1"];
const DECOUPLE_TRUE: [&str; 6] = ["y", "yes", "t", "true", "on", "1"];
const DECOUPLE_FALSE: [&str; 6] = ["n", "no", "f", "false", "off", "0"];

/// The value a library returns for the variable's text `raw`.
fn cast_text(raw: &str, cast: Cast, library: EnvLibrary, span: Span) -> Value {
    match cast {
        Cast::Str | Cast::DbUrl | Cast::CacheUrl | Cast::Url | Cast::Json | Cast::Dict => {
            Value::Str(raw.to_string())
        }
        Cast::Bool => match library {
            EnvLibrary::Decouple => {
                let l = raw.to_lowercase();
                if DECOUPLE_TRUE.contains(&l.as_str()) {
                    Value::Bool(true)
                } else if DECOUPLE_FALSE.contains(&l.as_str()) {
                    Value::Bool(false)
                } else {
                    Value::Unknown(format!("not a boolean: {raw:?}"))
                }
            }
            _ => Value::Bool(ENVIRON_TRUE.contains(&raw.trim().to_lowercase().as_str())),
        },
        Cast::Int => raw
            .trim()
            .parse::<i64>()
            .map(Value::Int)
            .unwrap_or_else(|_| Value::Unknown(format!("not an integer: {raw:?}"))),
        Cast::Float => raw
            .trim()
            .parse::<f64>()
            .map(Value::Float)
            .unwrap_or_else(|_| Value::Unknown(format!("not a number: {raw:?}"))),
        Cast::List | Cast::Tuple => {
            let items: Vec<Spanned<Value>> = raw
                .split(',')
                .map(|s| match library {
                    EnvLibrary::Decouple => s.trim(),
                    _ => s,
                })
                .filter(|s| !s.is_empty())
                .map(|s| Spanned::new(Value::Str(s.to_string()), span))
                .collect();
            if cast == Cast::List {
                Value::List(items)
            } else {
                Value::Tuple(items)
            }
        }
        Cast::Path => {
            let mut p = PathValue::absolute();
            if raw.starts_with('/') {
                p.join(raw);
                Value::Path(p)
            } else {
                Value::Str(raw.to_string())
            }
        }
        Cast::Unknown => Value::Unknown("custom cast".to_string()),
    }
}

/// decouple casts its default too: `config("DEBUG", default="False", cast=bool)` is `False`.
fn cast_default(v: Value, lookup: &EnvLookup, span: Span) -> Value {
    if lookup.library != EnvLibrary::Decouple {
        return v;
    }
    match (&v, lookup.cast) {
        (Value::Str(s), _) => cast_text(s, lookup.cast, lookup.library, span),
        (Value::Bool(b), Cast::Bool) => Value::Bool(*b),
        (Value::Int(i), Cast::Bool) => Value::Bool(*i != 0),
        (Value::Bool(b), Cast::Int) => Value::Int(i64::from(*b)),
        _ => v,
    }
}

fn eval_lookup(
    l: &EnvLookup,
    env: &dyn Fn(&str) -> Option<String>,
    used: &mut Vec<EnvLookup>,
    depth: usize,
) -> Value {
    if let Some(raw) = env(&l.name) {
        return cast_text(&raw, l.cast, l.library, l.name_span);
    }
    match &l.default {
        Some(d) => {
            used.push(l.clone());
            let v = eval(&d.value, env, used, depth + 1);
            cast_default(v, l, d.span)
        }
        None if l.required => Value::Unknown(format!("{} is required and not set", l.name)),
        None => Value::None,
    }
}

fn convert(v: Value, cast: Cast) -> Value {
    match (cast, &v) {
        (_, Value::Unknown(_)) => v,
        (Cast::Bool, _) => truthy(&v)
            .map(Value::Bool)
            .unwrap_or_else(|| Value::Unknown("bool() of an unknown value".into())),
        (Cast::Int, Value::Str(s)) => s
            .trim()
            .parse()
            .map(Value::Int)
            .unwrap_or_else(|_| Value::Unknown(format!("int() of {s:?}"))),
        (Cast::Int, Value::Int(_)) => v,
        (Cast::Int, Value::Bool(b)) => Value::Int(i64::from(*b)),
        (Cast::Int, Value::Float(f)) if f.is_finite() && f.abs() < 9e18 => Value::Int(*f as i64),
        (Cast::Float, Value::Str(s)) => s
            .trim()
            .parse()
            .map(Value::Float)
            .unwrap_or_else(|_| Value::Unknown(format!("float() of {s:?}"))),
        (Cast::Float, Value::Int(i)) => Value::Float(*i as f64),
        (Cast::Float, Value::Float(_)) => v,
        (Cast::Str, _) => py_str(&v)
            .map(Value::Str)
            .unwrap_or_else(|| Value::Unknown("str() of a composite value".into())),
        (Cast::List, Value::List(i) | Value::Tuple(i)) => Value::List(i.clone()),
        (Cast::Tuple, Value::List(i) | Value::Tuple(i)) => Value::Tuple(i.clone()),
        (Cast::Path, Value::Str(s)) if s.starts_with('/') => {
            let mut p = PathValue::absolute();
            p.join(s);
            Value::Path(p)
        }
        (Cast::Path, Value::Path(_)) => v,
        _ => Value::Unknown("conversion not modelled".into()),
    }
}

fn apply_step(
    v: Value,
    step: &Step,
    span: Span,
    env: &dyn Fn(&str) -> Option<String>,
    used: &mut Vec<EnvLookup>,
    depth: usize,
) -> Value {
    if let Value::Unknown(_) = v {
        return v;
    }
    let unknown = |what: &str| Value::Unknown(what.to_string());
    match step {
        Step::Compare {
            op,
            other,
            env_on_left,
        } => {
            let other = eval(other, env, used, depth + 1);
            let r = if *env_on_left {
                py_compare(*op, &v, &other)
            } else {
                py_compare(*op, &other, &v)
            };
            r.map(Value::Bool)
                .unwrap_or_else(|| unknown("comparison not decidable"))
        }
        Step::Method(m) => match v {
            Value::Str(s) => Value::Str(match m.as_str() {
                "lower" | "casefold" => s.to_lowercase(),
                "upper" => s.to_uppercase(),
                "strip" => s.trim().to_string(),
                "lstrip" => s.trim_start().to_string(),
                "rstrip" => s.trim_end().to_string(),
                _ => return unknown("string method not modelled"),
            }),
            _ => unknown("string method on a non-string"),
        },
        Step::Split(sep) => match v {
            Value::Str(s) => {
                let parts: Vec<Spanned<Value>> = match sep {
                    Some(sep) if !sep.is_empty() => s
                        .split(sep.as_str())
                        .map(|p| Spanned::new(Value::Str(p.to_string()), span))
                        .collect(),
                    Some(_) => return unknown("split with an empty separator"),
                    None => s
                        .split_whitespace()
                        .map(|p| Spanned::new(Value::Str(p.to_string()), span))
                        .collect(),
                };
                Value::List(parts)
            }
            _ => unknown("split of a non-string"),
        },
        Step::EachStrip => match v {
            Value::List(items) => Value::List(
                items
                    .into_iter()
                    .map(|i| match i.value {
                        Value::Str(s) => Spanned::new(Value::Str(s.trim().to_string()), i.span),
                        other => Spanned::new(other, i.span),
                    })
                    .collect(),
            ),
            _ => unknown("strip of a non-list"),
        },
        Step::DropEmpty => match v {
            Value::List(items) => Value::List(
                items
                    .into_iter()
                    .filter(|i| truthy(&i.value) != Some(false))
                    .collect(),
            ),
            _ => unknown("filter of a non-list"),
        },
        Step::Not => truthy(&v)
            .map(|b| Value::Bool(!b))
            .unwrap_or_else(|| unknown("not of an unknown value")),
        Step::Convert(cast) => convert(v, *cast),
        Step::Parse(_) => v,
        Step::Or(other) => match truthy(&v) {
            Some(true) => v,
            Some(false) => eval(other, env, used, depth + 1),
            None => unknown("or of an unknown value"),
        },
        Step::And(other) => match truthy(&v) {
            Some(false) => v,
            Some(true) => eval(other, env, used, depth + 1),
            None => unknown("and of an unknown value"),
        },
        Step::Concat { before, after } => {
            let mut acc = v;
            if let Some(b) = before {
                let b = eval(b, env, used, depth + 1);
                acc = py_add(&b, &acc).unwrap_or_else(|| unknown("concatenation"));
            }
            if let Some(a) = after {
                let a = eval(a, env, used, depth + 1);
                acc = py_add(&acc, &a).unwrap_or_else(|| unknown("concatenation"));
            }
            acc
        }
    }
}

pub(crate) fn eval(
    v: &Value,
    env: &dyn Fn(&str) -> Option<String>,
    used: &mut Vec<EnvLookup>,
    depth: usize,
) -> Value {
    if depth > MAX_VALUE_DEPTH {
        return Value::Unknown("too deeply nested".into());
    }
    let each = |items: &[Spanned<Value>], used: &mut Vec<EnvLookup>| -> Vec<Spanned<Value>> {
        items
            .iter()
            .map(|i| Spanned::new(eval(&i.value, env, used, depth + 1), i.span))
            .collect()
    };
    match v {
        Value::List(items) => Value::List(each(items, used)),
        Value::Tuple(items) => Value::Tuple(each(items, used)),
        Value::Dict(items) => Value::Dict(
            items
                .iter()
                .map(|(k, val)| {
                    (
                        Spanned::new(eval(&k.value, env, used, depth + 1), k.span),
                        Spanned::new(eval(&val.value, env, used, depth + 1), val.span),
                    )
                })
                .collect(),
        ),
        Value::Env(l) => eval_lookup(l, env, used, depth),
        Value::Derived(d) => {
            let mut acc = eval_lookup(&d.lookup, env, used, depth);
            for step in &d.steps {
                acc = apply_step(acc, step, d.lookup.name_span, env, used, depth);
            }
            acc
        }
        Value::Path(p) => match &p.root {
            PathRoot::Env(l) => {
                let base = eval_lookup(l, env, used, depth);
                let mut path = match base {
                    Value::Str(s) if s.starts_with('/') => {
                        let mut path = PathValue::absolute();
                        path.join(&s);
                        path
                    }
                    Value::Path(path) => path,
                    Value::Str(_) => {
                        return Value::Unknown("relative path from the environment".into())
                    }
                    other if other.is_unknown() => return other,
                    _ => return Value::Unknown("path from a non-text value".into()),
                };
                for part in &p.parts {
                    path.join(part);
                }
                Value::Path(path)
            }
            _ => v.clone(),
        },
        Value::Alternatives(alts) => {
            for (cond, val) in alts {
                match cond.eval_inner(env, used, depth + 1) {
                    Some(true) => return eval(&val.value, env, used, depth + 1),
                    Some(false) => {}
                    None => {
                        return Value::Unknown(
                            "depends on a condition that cannot be evaluated".into(),
                        )
                    }
                }
            }
            Value::Unknown("no branch applies".into())
        }
        _ => v.clone(),
    }
}

/// Applies one step to a value that needs no environment.
pub(crate) fn apply_concrete(v: Value, step: &Step) -> Value {
    apply_step(v, step, Span::default(), &|_| None, &mut Vec::new(), 0)
}

/// Moves every span inside `v` right by `by` bytes (for layered models).
pub(crate) fn shift_spans(v: &mut Spanned<Value>, by: usize) {
    v.span = v.span.shift(by);
    shift_value(&mut v.value, by, 0);
}

fn shift_lookup(l: &mut EnvLookup, by: usize, depth: usize) {
    l.name_span = l.name_span.shift(by);
    if let Some(d) = &mut l.default {
        d.span = d.span.shift(by);
        shift_value(&mut d.value, by, depth + 1);
    }
}

fn shift_value(v: &mut Value, by: usize, depth: usize) {
    if depth > MAX_VALUE_DEPTH {
        return;
    }
    match v {
        Value::List(items) | Value::Tuple(items) => {
            for i in items {
                i.span = i.span.shift(by);
                shift_value(&mut i.value, by, depth + 1);
            }
        }
        Value::Dict(items) => {
            for (k, val) in items {
                k.span = k.span.shift(by);
                val.span = val.span.shift(by);
                shift_value(&mut k.value, by, depth + 1);
                shift_value(&mut val.value, by, depth + 1);
            }
        }
        Value::Path(PathValue {
            root: PathRoot::Env(l),
            ..
        }) => shift_lookup(l, by, depth),
        Value::Env(l) => shift_lookup(l, by, depth),
        Value::Derived(d) => {
            shift_lookup(&mut d.lookup, by, depth);
            for step in &mut d.steps {
                match step {
                    Step::Compare { other, .. } => shift_value(other, by, depth + 1),
                    Step::Or(o) | Step::And(o) => shift_value(o, by, depth + 1),
                    Step::Concat { before, after } => {
                        for part in [before, after].into_iter().flatten() {
                            shift_value(part, by, depth + 1);
                        }
                    }
                    _ => {}
                }
            }
        }
        Value::Alternatives(alts) => {
            for (c, val) in alts {
                c.span = c.span.shift(by);
                for clause in &mut c.clauses {
                    clause.span = clause.span.shift(by);
                    shift_value(&mut clause.test, by, depth + 1);
                }
                val.span = val.span.shift(by);
                shift_value(&mut val.value, by, depth + 1);
            }
        }
        _ => {}
    }
}
