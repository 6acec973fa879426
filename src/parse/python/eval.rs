//! Static evaluation of a settings module's top-level statements. Nothing is executed: each
//! statement is read in order against a scope of known names, and whatever cannot be known
//! becomes `Value::Unknown` with a short reason.

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use ruff_python_ast::visitor::{self, Visitor};
use ruff_python_ast::{self as ast, Expr, Stmt};
use ruff_text_size::{Ranged, TextRange};

use super::value::{
    py_add, py_compare, py_str, truthy, Cast, Clause, CmpOp, Condition, Derived, EnvLibrary,
    EnvLookup, PathRoot, PathValue, Spanned, Step, Value, MAX_VALUE_DEPTH,
};
use super::Guard;
use crate::source::Span;

/// Deepest expression nesting evaluated; deeper expressions are `Unknown`.
const MAX_EXPR_DEPTH: usize = 40;
/// Most branches a conditional value keeps before it becomes `Unknown`.
const MAX_ALTERNATIVES: usize = 16;
/// Most nodes a stored value may have; larger values become `Unknown`.
const MAX_VALUE_NODES: usize = 20_000;

#[derive(Clone, Debug)]
pub(crate) struct Slot {
    pub name_span: Span,
    pub value: Spanned<Value>,
    pub history: Vec<Span>,
    version: u64,
}

/// A django-environ scheme entry: `environ.Env(DEBUG=(bool, False))`.
#[derive(Clone, Debug)]
pub(crate) struct SchemeEntry {
    cast: Cast,
    default: Option<Spanned<Value>>,
}

#[derive(Clone, Debug)]
pub(crate) enum Binding {
    Value(Arc<Slot>),
    /// An imported module or name, by qualified name (`os.path`, `decouple.config`).
    Module(String),
    /// A django-environ `Env` instance and its scheme.
    EnvReader(Arc<HashMap<String, SchemeEntry>>),
    /// A python-decouple `AutoConfig`/`Config` instance.
    Decouple,
    /// A function, class or other object the model does not follow.
    Opaque,
}

/// Names bound at module level, and the order uppercase settings were first assigned in.
#[derive(Clone, Debug, Default)]
pub(crate) struct Scope {
    pub names: HashMap<String, Binding>,
    pub order: Vec<String>,
}

impl Scope {
    fn slot(&self, name: &str) -> Option<&Arc<Slot>> {
        match self.names.get(name) {
            Some(Binding::Value(slot)) => Some(slot),
            _ => None,
        }
    }
}

/// Versions tell a changed binding from an inherited one; they are only compared for equality.
static NEXT_VERSION: AtomicU64 = AtomicU64::new(1);

fn next_version() -> u64 {
    NEXT_VERSION.fetch_add(1, Ordering::Relaxed)
}

/// Binds setting `name` in `scope` (for models built without evaluation).
pub(crate) fn define(scope: &mut Scope, name: &str, name_span: Span, value: Spanned<Value>) {
    let history = match scope.slot(name) {
        Some(prior) => {
            let mut h = prior.history.clone();
            h.push(prior.name_span);
            h
        }
        None => Vec::new(),
    };
    if !scope.names.contains_key(name) {
        scope.order.push(name.to_string());
    }
    let slot = Slot {
        name_span,
        value,
        history,
        version: next_version(),
    };
    scope
        .names
        .insert(name.to_string(), Binding::Value(Arc::new(slot)));
}

enum Flow {
    Normal,
    Raised,
}

pub(crate) struct Evaluator<'a> {
    text: &'a str,
    shift: usize,
    pub scope: Scope,
    depth: usize,
    /// Set while scanning for reads outside evaluated code: nothing is bound then.
    reading_only: bool,
    /// Scope of a base module to inject at the first star import (layering).
    inject: Option<Scope>,
    pub star_imports: Vec<(String, Span)>,
    pub imports: Vec<(String, Span)>,
    pub env_reads: Vec<EnvLookup>,
    seen_reads: HashSet<Span>,
    pub guards: Vec<Guard>,
    pub created_dirs: Vec<Spanned<Value>>,
}

fn str_lit(e: &Expr) -> Option<&str> {
    match e {
        Expr::StringLiteral(s) => Some(s.value.to_str()),
        _ => None,
    }
}

fn weight(v: &Value, budget: &mut usize) -> bool {
    if *budget == 0 {
        return false;
    }
    *budget -= 1;
    match v {
        Value::List(items) | Value::Tuple(items) => items.iter().all(|i| weight(&i.value, budget)),
        Value::Dict(items) => items
            .iter()
            .all(|(k, v)| weight(&k.value, budget) && weight(&v.value, budget)),
        Value::Alternatives(alts) => alts.iter().all(|(_, v)| weight(&v.value, budget)),
        Value::Env(l) => l.default.as_ref().is_none_or(|d| weight(&d.value, budget)),
        Value::Derived(d) => {
            *budget = budget.saturating_sub(d.steps.len());
            d.lookup
                .default
                .as_ref()
                .is_none_or(|d| weight(&d.value, budget))
        }
        _ => true,
    }
}

fn depth_of(v: &Value, limit: usize) -> bool {
    if limit == 0 {
        return false;
    }
    match v {
        Value::List(items) | Value::Tuple(items) => {
            items.iter().all(|i| depth_of(&i.value, limit - 1))
        }
        Value::Dict(items) => items
            .iter()
            .all(|(k, v)| depth_of(&k.value, limit - 1) && depth_of(&v.value, limit - 1)),
        Value::Alternatives(alts) => alts.iter().all(|(_, v)| depth_of(&v.value, limit - 1)),
        Value::Env(l) => l
            .default
            .as_ref()
            .is_none_or(|d| depth_of(&d.value, limit - 1)),
        Value::Derived(d) => d
            .lookup
            .default
            .as_ref()
            .is_none_or(|d| depth_of(&d.value, limit - 1)),
        _ => true,
    }
}

/// `v` itself when it is small and shallow enough to keep.
fn bounded(v: Value) -> Value {
    let mut budget = MAX_VALUE_NODES;
    if !weight(&v, &mut budget) {
        return Value::Unknown("value too large to model".into());
    }
    if !depth_of(&v, MAX_VALUE_DEPTH / 2) {
        return Value::Unknown("value nested too deeply to model".into());
    }
    v
}

fn is_derivable(v: &Value) -> bool {
    matches!(v, Value::Env(_) | Value::Derived(_))
}

/// True when `v` has no environment read, branch or unknown part.
fn is_concrete(v: &Value) -> bool {
    match v {
        Value::Env(_) | Value::Derived(_) | Value::Alternatives(_) | Value::Unknown(_) => false,
        Value::Path(p) => !matches!(p.root, PathRoot::Env(_)),
        Value::List(items) | Value::Tuple(items) => items.iter().all(|i| is_concrete(&i.value)),
        Value::Dict(items) => items
            .iter()
            .all(|(k, v)| is_concrete(&k.value) && is_concrete(&v.value)),
        _ => true,
    }
}

/// Adds `step` to a value computed from an environment read.
fn derive(v: Value, step: Step) -> Value {
    match v {
        Value::Env(lookup) => Value::Derived(Derived {
            lookup,
            steps: vec![step],
        }),
        Value::Derived(mut d) => {
            if d.steps.len() >= 32 {
                return Value::Unknown("computation too long to model".into());
            }
            d.steps.push(step);
            Value::Derived(d)
        }
        _ => Value::Unknown("computed from an unknown value".into()),
    }
}

/// Applies `f` to each branch of a conditional value, or to the value itself.
fn lift(v: Value, f: &mut dyn FnMut(Value) -> Value) -> Value {
    match v {
        Value::Alternatives(alts) => Value::Alternatives(
            alts.into_iter()
                .map(|(c, s)| (c, Spanned::new(f(s.value), s.span)))
                .collect(),
        ),
        other => f(other),
    }
}

fn conjoin(a: &Condition, b: &Condition, fallback: Span) -> Condition {
    let mut clauses = a.clauses.clone();
    clauses.extend(b.clauses.iter().cloned());
    Condition::new(clauses, fallback)
}

/// `a + b` where either side may come from the environment.
fn concat(a: Value, b: Value) -> Value {
    if let Value::Alternatives(_) = a {
        return lift(a, &mut |x| concat(x, b.clone()));
    }
    if let Value::Alternatives(_) = b {
        return lift(b, &mut |y| concat(a.clone(), y));
    }
    if let Some(v) = py_add(&a, &b) {
        return v;
    }
    match (is_derivable(&a), is_derivable(&b)) {
        (true, false) if is_concrete(&b) => derive(
            a,
            Step::Concat {
                before: None,
                after: Some(Box::new(b)),
            },
        ),
        (false, true) if is_concrete(&a) => derive(
            b,
            Step::Concat {
                before: Some(Box::new(a)),
                after: None,
            },
        ),
        _ => match (&a, &b) {
            (Value::Unknown(r), _) | (_, Value::Unknown(r)) => Value::Unknown(r.clone()),
            _ => Value::Unknown("concatenation of computed values".into()),
        },
    }
}

fn arith(op: &ast::Operator, a: &Value, b: &Value) -> Option<Value> {
    use ast::Operator as O;
    Some(match (a, b) {
        (Value::Int(x), Value::Int(y)) => Value::Int(match op {
            O::Add => x.checked_add(*y)?,
            O::Sub => x.checked_sub(*y)?,
            O::Mult => x.checked_mul(*y)?,
            O::FloorDiv if *y != 0 => x.checked_div_euclid(*y)?,
            O::Mod if *y != 0 => x.checked_rem_euclid(*y)?,
            O::Pow if (0..64).contains(y) => x.checked_pow(u32::try_from(*y).ok()?)?,
            O::Div if *y != 0 => return Some(Value::Float(*x as f64 / *y as f64)),
            O::BitOr => x | y,
            O::BitAnd => x & y,
            _ => return None,
        }),
        (Value::Float(_) | Value::Int(_), Value::Float(_) | Value::Int(_)) => {
            let f = |v: &Value| match v {
                Value::Int(i) => *i as f64,
                Value::Float(f) => *f,
                _ => 0.0,
            };
            let (x, y) = (f(a), f(b));
            Value::Float(match op {
                O::Add => x + y,
                O::Sub => x - y,
                O::Mult => x * y,
                O::Div if y != 0.0 => x / y,
                _ => return None,
            })
        }
        (Value::List(items), Value::Int(n)) | (Value::Int(n), Value::List(items))
            if matches!(op, O::Mult) && (0..=64).contains(n) && items.len() <= 64 =>
        {
            let mut out = Vec::new();
            for _ in 0..*n {
                out.extend(items.iter().cloned());
            }
            Value::List(out)
        }
        (Value::Dict(x), Value::Dict(y)) if matches!(op, O::BitOr) => {
            let mut out = Value::Dict(x.clone());
            for (k, v) in y {
                dict_set(&mut out, k.clone(), v.clone());
            }
            out
        }
        _ => return None,
    })
}

fn dict_set(d: &mut Value, key: Spanned<Value>, val: Spanned<Value>) {
    if let Value::Dict(items) = d {
        if let Some(slot) = items
            .iter_mut()
            .find(|(k, _)| super::value::py_eq(&k.value, &key.value) == Some(true))
        {
            *slot = (key, val);
        } else {
            items.push((key, val));
        }
    }
}

fn cmp_op(op: &ast::CmpOp) -> CmpOp {
    match op {
        ast::CmpOp::Eq => CmpOp::Eq,
        ast::CmpOp::NotEq => CmpOp::NotEq,
        ast::CmpOp::Lt => CmpOp::Lt,
        ast::CmpOp::LtE => CmpOp::LtE,
        ast::CmpOp::Gt => CmpOp::Gt,
        ast::CmpOp::GtE => CmpOp::GtE,
        ast::CmpOp::Is => CmpOp::Is,
        ast::CmpOp::IsNot => CmpOp::IsNot,
        ast::CmpOp::In => CmpOp::In,
        ast::CmpOp::NotIn => CmpOp::NotIn,
    }
}

fn compare(op: CmpOp, left: Value, right: Value) -> Value {
    if let Value::Alternatives(_) = left {
        return lift(left, &mut |l| compare(op, l, right.clone()));
    }
    if let Value::Alternatives(_) = right {
        return lift(right, &mut |r| compare(op, left.clone(), r));
    }
    if is_concrete(&left) && is_concrete(&right) {
        return py_compare(op, &left, &right)
            .map(Value::Bool)
            .unwrap_or_else(|| Value::Unknown("comparison not decidable".into()));
    }
    if is_derivable(&left) && is_concrete(&right) {
        return derive(
            left,
            Step::Compare {
                op,
                other: right,
                env_on_left: true,
            },
        );
    }
    if is_derivable(&right) && is_concrete(&left) {
        return derive(
            right,
            Step::Compare {
                op,
                other: left,
                env_on_left: false,
            },
        );
    }
    Value::Unknown("comparison of computed values".into())
}

fn not(v: Value) -> Value {
    lift(v, &mut |v| match truthy(&v) {
        Some(b) => Value::Bool(!b),
        None if is_derivable(&v) => derive(v, Step::Not),
        None => Value::Unknown("negation of an unknown value".into()),
    })
}

fn convert_value(v: Value, cast: Cast) -> Value {
    lift(v, &mut |v| {
        if is_derivable(&v) {
            return derive(v, Step::Convert(cast));
        }
        match (&v, cast) {
            (Value::Path(_), Cast::Str) => v,
            (Value::Unknown(_), _) => v,
            _ if is_concrete(&v) => match (cast, &v) {
                (Cast::Bool, _) => truthy(&v).map(Value::Bool).unwrap_or(v),
                (Cast::Int, Value::Str(s)) => s
                    .trim()
                    .parse()
                    .map(Value::Int)
                    .unwrap_or_else(|_| Value::Unknown(format!("int() of {s:?}"))),
                (Cast::Int, Value::Int(_)) | (Cast::Float, Value::Float(_)) => v,
                (Cast::Int, Value::Bool(b)) => Value::Int(i64::from(*b)),
                (Cast::Float, Value::Int(i)) => Value::Float(*i as f64),
                (Cast::Float, Value::Str(s)) => s
                    .trim()
                    .parse()
                    .map(Value::Float)
                    .unwrap_or_else(|_| Value::Unknown(format!("float() of {s:?}"))),
                (Cast::Str, _) => py_str(&v)
                    .map(Value::Str)
                    .unwrap_or_else(|| Value::Unknown("str() of a composite value".into())),
                (Cast::List, Value::List(i) | Value::Tuple(i)) => Value::List(i.clone()),
                (Cast::Tuple, Value::List(i) | Value::Tuple(i)) => Value::Tuple(i.clone()),
                (Cast::List, Value::Str(s)) if s.chars().count() <= 256 => Value::List(
                    s.chars()
                        .map(|c| Spanned::new(Value::Str(c.to_string()), Span::default()))
                        .collect(),
                ),
                _ => Value::Unknown("conversion not modelled".into()),
            },
            _ => Value::Unknown("conversion of a computed value".into()),
        }
    })
}

/// A path from a value given to `Path(...)`/`os.path.join(...)`.
fn to_path(v: Value) -> Result<PathValue, Value> {
    match v {
        Value::Path(p) => Ok(p),
        Value::Str(s) if s.starts_with('/') => {
            let mut p = PathValue::absolute();
            p.join(&s);
            Ok(p)
        }
        Value::Env(l) if matches!(l.cast, Cast::Str | Cast::Path) => Ok(PathValue {
            root: PathRoot::Env(Box::new(l)),
            parts: Vec::new(),
        }),
        Value::Str(_) => Err(Value::Unknown(
            "path relative to the working directory".into(),
        )),
        Value::Unknown(r) => Err(Value::Unknown(r)),
        _ => Err(Value::Unknown("path from a computed value".into())),
    }
}

fn join_path(base: Value, parts: Vec<Value>) -> Value {
    if let Value::Alternatives(_) = base {
        return lift(base, &mut |b| join_path(b, parts.clone()));
    }
    // Ex) os.path.join("logs", "app.log"): a relative string stays a string.
    if let Value::Str(s) = &base {
        if !s.starts_with('/') && parts.iter().all(|p| matches!(p, Value::Str(_))) {
            let mut out = s.clone();
            for p in &parts {
                let p = p.as_str().unwrap_or_default();
                if p.starts_with('/') {
                    out = p.to_string();
                } else {
                    if !out.is_empty() && !out.ends_with('/') {
                        out.push('/');
                    }
                    out.push_str(p);
                }
            }
            return Value::Str(out);
        }
    }
    let mut path = match to_path(base) {
        Ok(p) => p,
        Err(v) => return v,
    };
    for part in parts {
        match part {
            Value::Str(s) => path.join(&s),
            Value::Path(p) if p.root == PathRoot::Absolute => path = p,
            Value::Unknown(r) => return Value::Unknown(r),
            _ => return Value::Unknown("path component from a computed value".into()),
        }
    }
    Value::Path(path)
}

impl<'a> Evaluator<'a> {
    pub(crate) fn new(text: &'a str, shift: usize, inject: Option<Scope>) -> Evaluator<'a> {
        Evaluator {
            text,
            shift,
            scope: Scope::default(),
            depth: 0,
            reading_only: false,
            inject,
            star_imports: Vec::new(),
            imports: Vec::new(),
            env_reads: Vec::new(),
            seen_reads: HashSet::new(),
            guards: Vec::new(),
            created_dirs: Vec::new(),
        }
    }

    fn sp(&self, r: TextRange) -> Span {
        Span::new(
            r.start().to_usize() + self.shift,
            r.end().to_usize() + self.shift,
        )
    }

    fn src(&self, r: TextRange) -> String {
        let s = self
            .text
            .get(r.start().to_usize()..r.end().to_usize())
            .unwrap_or_default();
        let mut s = s.split_whitespace().collect::<Vec<_>>().join(" ");
        if s.len() > 120 {
            let mut cut = 117;
            while !s.is_char_boundary(cut) {
                cut -= 1;
            }
            s.truncate(cut);
            s.push('…');
        }
        s
    }

    /// Runs the module body, then finds environment reads outside the evaluated statements.
    pub(crate) fn run(&mut self, body: &[Stmt]) {
        if self.inject.is_some() && !has_star_import(body) {
            self.inject_base();
        }
        let _ = self.exec_body(body);
        if self.inject.is_some() {
            self.inject_base();
        }
        self.reading_only = true;
        let mut finder = ReadFinder { ev: self, depth: 0 };
        for stmt in body {
            finder.visit_stmt(stmt);
        }
        self.reading_only = false;
        self.env_reads.sort_by_key(|l| l.name_span);
    }

    fn inject_base(&mut self) {
        let Some(base) = self.inject.take() else {
            return;
        };
        for name in &base.order {
            if !self.scope.order.contains(name) {
                self.scope.order.push(name.clone());
            }
        }
        for (name, binding) in base.names {
            if name.starts_with('_') {
                continue;
            }
            let binding = match (binding, self.scope.slot(&name)) {
                (Binding::Value(slot), Some(mine)) => {
                    let mut slot = (*slot).clone();
                    slot.history.push(mine.name_span);
                    slot.history.extend(mine.history.iter().copied());
                    slot.history.sort();
                    slot.history.dedup();
                    slot.version = next_version();
                    Binding::Value(Arc::new(slot))
                }
                (b, _) => b,
            };
            self.scope.names.insert(name, binding);
        }
    }

    fn record_read(&mut self, lookup: &EnvLookup) {
        if self.seen_reads.insert(lookup.name_span) {
            self.env_reads.push(lookup.clone());
        }
    }

    // ---- statements -------------------------------------------------------------------------

    fn exec_body(&mut self, body: &[Stmt]) -> Flow {
        for stmt in body {
            if let Flow::Raised = self.exec_stmt(stmt) {
                return Flow::Raised;
            }
        }
        Flow::Normal
    }

    fn exec_stmt(&mut self, stmt: &Stmt) -> Flow {
        match stmt {
            Stmt::Assign(s) => {
                if let Some(binding) = self.object_binding(&s.value) {
                    for t in &s.targets {
                        if let Expr::Name(n) = t {
                            self.scope.names.insert(n.id.to_string(), binding.clone());
                        }
                    }
                    return Flow::Normal;
                }
                let v = self.expr(&s.value);
                for t in &s.targets {
                    self.assign(t, v.clone());
                }
            }
            Stmt::AnnAssign(s) => {
                if let Some(value) = &s.value {
                    let v = self.expr(value);
                    self.assign(&s.target, v);
                }
            }
            Stmt::AugAssign(s) => self.aug_assign(s),
            Stmt::Expr(s) => self.expr_stmt(&s.value),
            Stmt::If(s) => return self.exec_if(s),
            Stmt::Try(s) => return self.exec_try(s),
            Stmt::With(s) => return self.exec_body(&s.body),
            Stmt::For(s) => {
                let _ = self.expr(&s.iter);
                self.forget_changed(&s.body, "changed in a loop");
                self.forget_changed(&s.orelse, "changed in a loop");
            }
            Stmt::While(s) => {
                self.forget_changed(&s.body, "changed in a loop");
                self.forget_changed(&s.orelse, "changed in a loop");
            }
            Stmt::Match(s) => {
                for case in &s.cases {
                    self.forget_changed(&case.body, "changed in a match statement");
                }
            }
            Stmt::Import(s) => {
                for alias in &s.names {
                    let name = alias.name.as_str();
                    self.imports.push((name.to_string(), self.sp(alias.range)));
                    match &alias.asname {
                        Some(asname) => {
                            self.scope
                                .names
                                .insert(asname.to_string(), Binding::Module(name.to_string()));
                        }
                        None => {
                            let first = name.split('.').next().unwrap_or(name);
                            self.scope
                                .names
                                .insert(first.to_string(), Binding::Module(first.to_string()));
                        }
                    }
                }
            }
            Stmt::ImportFrom(s) => {
                let mut module = ".".repeat(s.level as usize);
                if let Some(m) = &s.module {
                    module.push_str(m.as_str());
                }
                self.imports.push((module.clone(), self.sp(s.range)));
                for alias in &s.names {
                    let name = alias.name.as_str();
                    if name == "*" {
                        self.star_imports.push((module.clone(), self.sp(s.range)));
                        self.inject_base();
                        continue;
                    }
                    let bound = alias.asname.as_ref().map_or(name, |a| a.as_str());
                    self.scope.names.insert(
                        bound.to_string(),
                        Binding::Module(format!("{module}.{name}")),
                    );
                }
            }
            Stmt::FunctionDef(s) => {
                self.scope.names.insert(s.name.to_string(), Binding::Opaque);
            }
            Stmt::ClassDef(s) => {
                self.scope.names.insert(s.name.to_string(), Binding::Opaque);
            }
            Stmt::Delete(s) => {
                for t in &s.targets {
                    if let Expr::Name(n) = t {
                        self.scope.names.remove(n.id.as_str());
                        self.scope.order.retain(|o| o != n.id.as_str());
                    }
                }
            }
            Stmt::Raise(_) => return Flow::Raised,
            _ => {}
        }
        Flow::Normal
    }

    /// A binding for objects the model follows by identity rather than value.
    fn object_binding(&mut self, e: &Expr) -> Option<Binding> {
        let Expr::Call(call) = e else {
            return None;
        };
        let q = self.qualname(&call.func)?;
        let last = q.rsplit('.').next().unwrap_or(&q);
        if q == "environ.Env" || q == "environ.FileAwareEnv" || (last == "Env" && q != "Env") {
            let mut scheme = HashMap::new();
            for kw in call.arguments.keywords.iter() {
                let Some(arg) = &kw.arg else { continue };
                let (cast, default) = match &kw.value {
                    Expr::Tuple(t) if !t.elts.is_empty() => {
                        let cast = self.cast_of(&t.elts[0]);
                        let default = t.elts.get(1).map(|d| self.expr(d));
                        (cast, default)
                    }
                    other => (self.cast_of(other), None),
                };
                scheme.insert(arg.to_string(), SchemeEntry { cast, default });
            }
            return Some(Binding::EnvReader(Arc::new(scheme)));
        }
        if q == "decouple.AutoConfig" || q == "decouple.Config" || q == "AutoConfig" {
            return Some(Binding::Decouple);
        }
        if matches!(self.scope.names.get(&q), Some(Binding::Module(_))) {
            return None;
        }
        None
    }

    fn write(&mut self, name: &str, name_span: Span, value: Spanned<Value>) {
        let value = Spanned::new(bounded(value.value), value.span);
        let history = match self.scope.slot(name) {
            Some(prior) => {
                let mut h = prior.history.clone();
                h.push(prior.name_span);
                h
            }
            None => Vec::new(),
        };
        let slot = Slot {
            name_span,
            value,
            history,
            version: next_version(),
        };
        if !self.scope.names.contains_key(name) && !self.scope.order.iter().any(|o| o == name) {
            self.scope.order.push(name.to_string());
        }
        self.scope
            .names
            .insert(name.to_string(), Binding::Value(Arc::new(slot)));
    }

    fn assign(&mut self, target: &Expr, v: Spanned<Value>) {
        match target {
            Expr::Name(n) => self.write(n.id.as_str(), self.sp(n.range), v),
            Expr::Tuple(ast::ExprTuple { elts, .. }) | Expr::List(ast::ExprList { elts, .. }) => {
                let items = match &v.value {
                    Value::Tuple(items) | Value::List(items)
                        if items.len() == elts.len() && !elts.iter().any(Expr::is_starred_expr) =>
                    {
                        Some(items.clone())
                    }
                    _ => None,
                };
                for (i, t) in elts.iter().enumerate() {
                    let item = match &items {
                        Some(items) => items[i].clone(),
                        None => Spanned::new(
                            Value::Unknown("unpacked from a computed value".into()),
                            v.span,
                        ),
                    };
                    self.assign(t, item);
                }
            }
            Expr::Subscript(_) => {
                let Some((root, root_span, mut path)) = self.place(target) else {
                    return;
                };
                let Some(last) = path.pop() else { return };
                self.mutate(
                    &root,
                    root_span,
                    &path,
                    "changed through a subscript",
                    |target| match target {
                        Value::Dict(_) => {
                            dict_set(target, last.clone(), v.clone());
                            true
                        }
                        Value::List(items) => match last.value {
                            Value::Int(i) => {
                                let len = items.len() as i64;
                                let i = if i < 0 { i + len } else { i };
                                if (0..len).contains(&i) {
                                    items[i as usize] = v.clone();
                                    true
                                } else {
                                    false
                                }
                            }
                            _ => false,
                        },
                        _ => false,
                    },
                );
            }
            _ => {}
        }
    }

    /// `NAME["a"]["b"]` as the root name and its literal keys.
    fn place(&mut self, e: &Expr) -> Option<(String, Span, Vec<Spanned<Value>>)> {
        match e {
            Expr::Name(n) => Some((n.id.to_string(), self.sp(n.range), Vec::new())),
            Expr::Subscript(s) => {
                let (root, span, mut keys) = self.place(&s.value)?;
                let key = self.expr(&s.slice);
                if !matches!(key.value, Value::Str(_) | Value::Int(_)) {
                    return None;
                }
                keys.push(key);
                Some((root, span, keys))
            }
            _ => None,
        }
    }

    /// Applies `f` to the value at `path` below setting `root`; a failure makes it unknown.
    fn mutate(
        &mut self,
        root: &str,
        root_span: Span,
        path: &[Spanned<Value>],
        what: &str,
        mut f: impl FnMut(&mut Value) -> bool,
    ) {
        let current = match self.scope.slot(root) {
            Some(slot) => slot.value.clone(),
            None => Spanned::new(
                Value::Unknown(format!("{root} is defined outside this module")),
                root_span,
            ),
        };
        let mut value = current.value;
        let mut apply = |v: &mut Value| {
            let Some(t) = descend(v, path) else {
                if !v.is_unknown() {
                    *v = Value::Unknown(what.to_string());
                }
                return;
            };
            if !t.is_unknown() && !f(t) {
                *t = Value::Unknown(what.to_string());
            }
        };
        match &mut value {
            Value::Alternatives(alts) => {
                for (_, alt) in alts.iter_mut() {
                    apply(&mut alt.value);
                }
            }
            v => apply(v),
        }
        self.write(root, root_span, Spanned::new(value, current.span));
    }

    fn aug_assign(&mut self, s: &ast::StmtAugAssign) {
        let rhs = self.expr(&s.value);
        let Expr::Name(n) = s.target.as_ref() else {
            if let Some((root, root_span, path)) = self.place(&s.target) {
                self.mutate(&root, root_span, &path, "changed in place", |t| {
                    let new = concat(t.clone(), rhs.value.clone());
                    let ok = !new.is_unknown();
                    *t = new;
                    ok
                });
            }
            return;
        };
        let name = n.id.as_str();
        let prior = match self.scope.slot(name) {
            Some(slot) => slot.value.value.clone(),
            None => Value::Unknown(format!("{name} is defined outside this module")),
        };
        let new = match s.op {
            ast::Operator::Add => concat(prior, rhs.value),
            ref op => lift(prior, &mut |p| {
                arith(op, &p, &rhs.value)
                    .unwrap_or_else(|| Value::Unknown("in-place operation not modelled".into()))
            }),
        };
        self.write(name, self.sp(n.range), Spanned::new(new, self.sp(s.range)));
    }

    fn expr_stmt(&mut self, e: &Expr) {
        let Expr::Call(call) = e else {
            let _ = self.expr(e);
            return;
        };
        let q = self.qualname(&call.func);
        if let Some(q) = q.as_deref() {
            if matches!(q, "os.makedirs" | "os.mkdir") {
                if let Some(arg) = call.arguments.find_argument_value("name", 0) {
                    let v = self.expr(arg);
                    self.created_dirs.push(v);
                }
                return;
            }
        }
        let Expr::Attribute(attr) = call.func.as_ref() else {
            let _ = self.expr(e);
            return;
        };
        let method = attr.attr.as_str();
        if method == "mkdir" {
            let v = self.expr(&attr.value);
            self.created_dirs.push(v);
            return;
        }
        let mutating = matches!(
            method,
            "append" | "extend" | "insert" | "remove" | "update" | "setdefault" | "pop" | "clear"
        );
        let place = if mutating && q.is_none_or(|q| !q.starts_with("os.")) {
            self.place(&attr.value)
        } else {
            None
        };
        let Some((root, root_span, path)) = place else {
            let _ = self.expr(e);
            return;
        };
        if !matches!(self.scope.names.get(&root), None | Some(Binding::Value(_))) {
            let _ = self.expr(e);
            return;
        }
        let args: Vec<Spanned<Value>> = call.arguments.args.iter().map(|a| self.expr(a)).collect();
        let kwargs: Vec<(Spanned<Value>, Spanned<Value>)> = call
            .arguments
            .keywords
            .iter()
            .filter_map(|k| {
                let arg = k.arg.as_ref()?;
                Some((
                    Spanned::new(Value::Str(arg.to_string()), self.sp(arg.range)),
                    self.expr(&k.value),
                ))
            })
            .collect();
        let what = format!("changed by .{method}()");
        self.mutate(&root, root_span, &path, &what, |target| {
            apply_method(target, method, &args, &kwargs)
        });
    }

    fn forget_changed(&mut self, body: &[Stmt], why: &str) {
        let mut names = Vec::new();
        collect_written(body, &mut names, 0);
        for (name, span) in names {
            if matches!(self.scope.names.get(&name), None | Some(Binding::Value(_))) {
                self.write(
                    &name,
                    span,
                    Spanned::new(Value::Unknown(why.to_string()), span),
                );
            }
        }
    }

    fn exec_if(&mut self, s: &ast::StmtIf) -> Flow {
        let stmt_span = self.sp(s.range);
        let mut arms: Vec<(Option<&Expr>, &[Stmt])> = vec![(Some(&s.test), &s.body[..])];
        for clause in &s.elif_else_clauses {
            arms.push((clause.test.as_ref(), &clause.body[..]));
        }
        let prior = self.scope.clone();
        let mut negated: Vec<Clause> = Vec::new();
        let mut outcomes: Vec<(Condition, Scope, Flow)> = Vec::new();
        let mut exhaustive = false;
        for (test, body) in arms {
            // Each test is read in the scope before the `if`: earlier branches did not run.
            self.scope = prior.clone();
            let mut clauses = negated.clone();
            if let Some(test) = test {
                let value = self.expr(test).value;
                let clause = Clause {
                    text: self.src(test.range()),
                    span: self.sp(test.range()),
                    test: value,
                    holds: true,
                };
                match truthy(&clause.test) {
                    Some(false) => continue,
                    Some(true) => exhaustive = true,
                    None => {
                        clauses.push(clause.clone());
                        negated.push(Clause {
                            holds: false,
                            ..clause
                        });
                    }
                }
            } else {
                exhaustive = true;
            }
            let flow = self.exec_body(body);
            let scope = std::mem::take(&mut self.scope);
            outcomes.push((Condition::new(clauses, stmt_span), scope, flow));
            if exhaustive {
                break;
            }
        }
        if !exhaustive {
            outcomes.push((
                Condition::new(negated, stmt_span),
                prior.clone(),
                Flow::Normal,
            ));
        }
        self.scope = prior;
        self.merge(outcomes, stmt_span)
    }

    fn exec_try(&mut self, s: &ast::StmtTry) -> Flow {
        let stmt_span = self.sp(s.range);
        let mut others = Vec::new();
        for handler in &s.handlers {
            let ast::ExceptHandler::ExceptHandler(h) = handler;
            let catches_import = h.type_.as_deref().is_some_and(|t| {
                let text = self.src(t.range());
                text.contains("ImportError") || text.contains("ModuleNotFoundError")
            });
            if !catches_import {
                others.push(h);
            }
        }
        let prior = self.scope.clone();
        let mut body_flow = self.exec_body(&s.body);
        if let Flow::Normal = body_flow {
            body_flow = self.exec_body(&s.orelse);
        }
        if !others.is_empty() {
            let body_scope = std::mem::replace(&mut self.scope, prior.clone());
            let try_clause = Clause {
                text: "the try block raises nothing".to_string(),
                span: stmt_span,
                test: Value::Unknown("whether the try block raises".into()),
                holds: true,
            };
            let mut outcomes = vec![(
                Condition::new(vec![try_clause], stmt_span),
                body_scope,
                body_flow,
            )];
            for h in others {
                self.scope = prior.clone();
                let text = match &h.type_ {
                    Some(t) => format!("except {}", self.src(t.range())),
                    None => "except".to_string(),
                };
                let clause = Clause {
                    text,
                    span: self.sp(h.range),
                    test: Value::Unknown("whether the try block raises".into()),
                    holds: true,
                };
                let flow = self.exec_body(&h.body);
                let scope = std::mem::take(&mut self.scope);
                outcomes.push((Condition::new(vec![clause], stmt_span), scope, flow));
            }
            self.scope = prior;
            body_flow = self.merge(outcomes, stmt_span);
        }
        let final_flow = self.exec_body(&s.finalbody);
        match (body_flow, final_flow) {
            (Flow::Normal, Flow::Normal) => Flow::Normal,
            _ => Flow::Raised,
        }
    }

    /// Joins the scopes of several branches into conditional values.
    fn merge(&mut self, outcomes: Vec<(Condition, Scope, Flow)>, stmt_span: Span) -> Flow {
        let mut live = Vec::new();
        for (cond, scope, flow) in outcomes {
            match flow {
                Flow::Raised => self.guards.push(Guard {
                    condition: cond,
                    span: stmt_span,
                }),
                Flow::Normal => live.push((cond, scope)),
            }
        }
        if live.is_empty() {
            return Flow::Raised;
        }
        let mut changed: Vec<String> = Vec::new();
        for (_, scope) in &live {
            let mut names: Vec<&String> = scope.names.keys().collect();
            names.sort_by_key(|n| {
                scope
                    .order
                    .iter()
                    .position(|o| o == *n)
                    .unwrap_or(usize::MAX)
            });
            for name in names {
                let binding = &scope.names[name];
                let same = match (binding, self.scope.names.get(name)) {
                    (Binding::Value(a), Some(Binding::Value(b))) => a.version == b.version,
                    (Binding::Value(_), _) => false,
                    (_, Some(_)) => true,
                    (_, None) => {
                        self.scope.names.insert(name.clone(), binding.clone());
                        true
                    }
                };
                if !same && !changed.contains(name) {
                    changed.push(name.clone());
                }
            }
        }
        for name in changed {
            let mut alts: Vec<(Condition, Spanned<Value>)> = Vec::new();
            let mut latest: Option<Arc<Slot>> = None;
            let mut history: Vec<Span> = Vec::new();
            for (cond, scope) in &live {
                let Some(slot) = scope.slot(&name) else {
                    continue;
                };
                history.extend(slot.history.iter().copied());
                history.push(slot.name_span);
                if latest.as_ref().is_none_or(|l| slot.name_span > l.name_span) {
                    latest = Some(slot.clone());
                }
                match &slot.value.value {
                    Value::Alternatives(inner) => {
                        for (c2, v2) in inner {
                            alts.push((conjoin(cond, c2, stmt_span), v2.clone()));
                        }
                    }
                    _ => alts.push((cond.clone(), slot.value.clone())),
                }
            }
            let Some(latest) = latest else { continue };
            history.retain(|h| *h != latest.name_span);
            history.sort();
            history.dedup();
            let values: Vec<Option<&Spanned<Value>>> = live
                .iter()
                .map(|(_, scope)| scope.slot(&name).map(|s| &s.value))
                .collect();
            let uniform = values
                .iter()
                .all(|v| v.is_some_and(|v| Some(&v.value) == values[0].map(|f| &f.value)));
            let value = if live.len() == 1 || uniform {
                latest.value.clone()
            } else if alts.len() > MAX_ALTERNATIVES {
                Spanned::new(
                    Value::Unknown("too many conditional variants".into()),
                    stmt_span,
                )
            } else {
                Spanned::new(Value::Alternatives(alts), stmt_span)
            };
            let slot = Slot {
                name_span: latest.name_span,
                value: Spanned::new(bounded(value.value), value.span),
                history,
                version: next_version(),
            };
            if !self.scope.order.contains(&name) {
                self.scope.order.push(name.clone());
            }
            self.scope
                .names
                .insert(name, Binding::Value(Arc::new(slot)));
        }
        Flow::Normal
    }

    // ---- expressions ------------------------------------------------------------------------

    fn qualname(&self, e: &Expr) -> Option<String> {
        match e {
            Expr::Name(n) => {
                let id = n.id.as_str();
                match self.scope.names.get(id) {
                    Some(Binding::Module(q)) => Some(q.clone()),
                    Some(Binding::EnvReader(_)) => Some("<env>".into()),
                    Some(Binding::Decouple) => Some("<decouple>".into()),
                    Some(_) => None,
                    // Unbound names: builtins, or names a star import brings.
                    None => Some(match id {
                        "env" => "<env>".into(),
                        "config" => "<decouple>".into(),
                        _ => id.to_string(),
                    }),
                }
            }
            Expr::Attribute(a) => {
                let base = self.qualname(&a.value)?;
                if base.len() > 200 {
                    return None;
                }
                Some(format!("{base}.{}", a.attr.as_str()))
            }
            _ => None,
        }
    }

    fn cast_of(&mut self, e: &Expr) -> Cast {
        match e {
            Expr::Name(n) => match n.id.as_str() {
                "bool" => Cast::Bool,
                "int" => Cast::Int,
                "float" => Cast::Float,
                "str" => Cast::Str,
                "list" => Cast::List,
                "tuple" => Cast::Tuple,
                "dict" => Cast::Dict,
                "Path" => Cast::Path,
                _ => Cast::Unknown,
            },
            Expr::List(_) => Cast::List,
            Expr::Tuple(_) => Cast::Tuple,
            Expr::Dict(_) => Cast::Dict,
            Expr::Call(c) => {
                let q = self.qualname(&c.func).unwrap_or_default();
                if q.ends_with("Csv") {
                    match c.arguments.find_keyword("post_process").map(|k| &k.value) {
                        Some(Expr::Name(n)) if n.id.as_str() == "tuple" => Cast::Tuple,
                        _ => Cast::List,
                    }
                } else {
                    Cast::Unknown
                }
            }
            Expr::Attribute(_) => {
                let q = self.qualname(e).unwrap_or_default();
                match q.as_str() {
                    "json.loads" => Cast::Json,
                    "dj_database_url.parse" => Cast::DbUrl,
                    "pathlib.Path" => Cast::Path,
                    _ => Cast::Unknown,
                }
            }
            _ => Cast::Unknown,
        }
    }

    fn literal_name(&mut self, e: Option<&Expr>) -> Option<(String, Span)> {
        let e = e?;
        if let Some(s) = str_lit(e) {
            return Some((s.to_string(), self.sp(e.range())));
        }
        match self.expr(e).value {
            Value::Str(s) => Some((s, self.sp(e.range()))),
            _ => None,
        }
    }

    /// Recognizes an environment read; `Err` carries the reason when the name is computed.
    fn env_lookup(&mut self, e: &Expr) -> Option<Result<EnvLookup, String>> {
        let computed = || Err("environment variable with a computed name".to_string());
        if let Expr::Subscript(s) = e {
            if self.qualname(&s.value).as_deref() != Some("os.environ") {
                return None;
            }
            let Some((name, name_span)) = self.literal_name(Some(&s.slice)) else {
                return Some(computed());
            };
            return Some(Ok(EnvLookup {
                name,
                name_span,
                default: None,
                required: true,
                cast: Cast::Str,
                library: EnvLibrary::Os,
                plain_os_get: false,
            }));
        }
        let Expr::Call(call) = e else {
            return None;
        };
        let q = self.qualname(&call.func)?;
        let args = &call.arguments;
        let kw = |name: &str| args.find_keyword(name).map(|k| &k.value);
        match q.as_str() {
            "os.environ.get" | "os.getenv" | "os.environ.setdefault" => {
                let Some((name, name_span)) = self.literal_name(args.find_argument_value("key", 0))
                else {
                    return Some(computed());
                };
                let default = args
                    .find_argument_value("default", 1)
                    .map(|d| Box::new(self.expr(d)));
                Some(Ok(EnvLookup {
                    name,
                    name_span,
                    default,
                    required: false,
                    cast: Cast::Str,
                    library: EnvLibrary::Os,
                    plain_os_get: true,
                }))
            }
            "<decouple>" | "decouple.config" => {
                let Some((name, name_span)) =
                    self.literal_name(args.find_argument_value("option", 0))
                else {
                    return Some(computed());
                };
                let default = args
                    .find_argument_value("default", 1)
                    .map(|d| Box::new(self.expr(d)));
                let cast = args
                    .find_argument_value("cast", 2)
                    .map_or(Cast::Str, |c| self.cast_of(c));
                Some(Ok(EnvLookup {
                    name,
                    name_span,
                    required: default.is_none(),
                    default,
                    cast,
                    library: EnvLibrary::Decouple,
                    plain_os_get: false,
                }))
            }
            "dj_database_url.config" => {
                let (name, name_span) = match kw("env") {
                    Some(e) => match self.literal_name(Some(e)) {
                        Some(n) => n,
                        None => return Some(computed()),
                    },
                    None => ("DATABASE_URL".to_string(), self.sp(call.func.range())),
                };
                let default = kw("default").map(|d| Box::new(self.expr(d)));
                Some(Ok(EnvLookup {
                    name,
                    name_span,
                    default,
                    required: false,
                    cast: Cast::DbUrl,
                    library: EnvLibrary::DjDatabaseUrl,
                    plain_os_get: false,
                }))
            }
            q if q == "<env>" || q.starts_with("<env>.") => {
                let method = q.strip_prefix("<env>.").unwrap_or("__call__");
                let (cast, default_pos, implicit_var) = match method {
                    "__call__" | "get_value" => (None, 2, None),
                    "str" => (Some(Cast::Str), 1, None),
                    "bool" => (Some(Cast::Bool), 1, None),
                    "int" => (Some(Cast::Int), 1, None),
                    "float" => (Some(Cast::Float), 1, None),
                    "json" => (Some(Cast::Json), 1, None),
                    "url" => (Some(Cast::Url), 1, None),
                    "path" => (Some(Cast::Path), 1, None),
                    "list" => (Some(Cast::List), 2, None),
                    "tuple" => (Some(Cast::Tuple), 2, None),
                    "dict" => (Some(Cast::Dict), 2, None),
                    "db_url" | "db" => (Some(Cast::DbUrl), 1, Some("DATABASE_URL")),
                    "cache_url" | "cache" => (Some(Cast::CacheUrl), 1, Some("CACHE_URL")),
                    "email_url" | "email" => (Some(Cast::Url), 1, Some("EMAIL_URL")),
                    "search_url" => (Some(Cast::Url), 1, Some("SEARCH_URL")),
                    _ => return None,
                };
                let var = args.find_argument_value("var", 0);
                let (name, name_span) = match (var, implicit_var) {
                    (Some(v), _) => match self.literal_name(Some(v)) {
                        Some(n) => n,
                        None => return Some(computed()),
                    },
                    (None, Some(v)) => (v.to_string(), self.sp(call.func.range())),
                    (None, None) => return Some(computed()),
                };
                let reader = match call.func.as_ref() {
                    Expr::Name(n) => Some(n),
                    Expr::Attribute(a) => match a.value.as_ref() {
                        Expr::Name(n) => Some(n),
                        _ => None,
                    },
                    _ => None,
                };
                let scheme = match reader.and_then(|n| self.scope.names.get(n.id.as_str())) {
                    Some(Binding::EnvReader(s)) => s.get(&name).cloned(),
                    _ => None,
                };
                let cast = match (cast, method) {
                    (Some(c), _) => c,
                    (None, _) => match args.find_argument_value("cast", 1) {
                        Some(c) => self.cast_of(c),
                        None => scheme.as_ref().map_or(Cast::Str, |s| s.cast),
                    },
                };
                let default = match args.find_argument_value("default", default_pos) {
                    Some(d) => Some(Box::new(self.expr(d))),
                    None => scheme.and_then(|s| s.default).map(Box::new),
                };
                Some(Ok(EnvLookup {
                    name,
                    name_span,
                    required: default.is_none(),
                    default,
                    cast,
                    library: EnvLibrary::DjangoEnviron,
                    plain_os_get: false,
                }))
            }
            _ => None,
        }
    }

    pub(crate) fn expr(&mut self, e: &Expr) -> Spanned<Value> {
        let span = self.sp(e.range());
        if self.depth >= MAX_EXPR_DEPTH {
            return Spanned::new(Value::Unknown("expression nested too deeply".into()), span);
        }
        self.depth += 1;
        let v = self.expr_value(e);
        self.depth -= 1;
        Spanned::new(v, span)
    }

    fn expr_value(&mut self, e: &Expr) -> Value {
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
                    .unwrap_or_else(|| Value::Unknown("integer out of range".into())),
                ast::Number::Float(f) => Value::Float(*f),
                ast::Number::Complex { .. } => Value::Unknown("complex number".into()),
            },
            Expr::BooleanLiteral(b) => Value::Bool(b.value),
            Expr::NoneLiteral(_) => Value::None,
            Expr::List(l) => Value::List(self.elements(&l.elts)),
            Expr::Tuple(t) => Value::Tuple(self.elements(&t.elts)),
            Expr::Set(s) => Value::List(self.elements(&s.elts)),
            Expr::Dict(d) => {
                let mut out = Value::Dict(Vec::new());
                for item in &d.items {
                    match &item.key {
                        Some(k) => {
                            let k = self.expr(k);
                            let v = self.expr(&item.value);
                            if let Value::Dict(items) = &mut out {
                                items.push((k, v));
                            }
                        }
                        None => match self.expr(&item.value).value {
                            Value::Dict(inner) => {
                                for (k, v) in inner {
                                    dict_set(&mut out, k, v);
                                }
                            }
                            _ => {
                                return Value::Unknown("dict unpacking of a computed value".into())
                            }
                        },
                    }
                }
                out
            }
            Expr::FString(f) => self.fstring(f),
            Expr::Name(n) => self.name(n),
            Expr::BinOp(b) => {
                let l = self.expr(&b.left).value;
                let r = self.expr(&b.right).value;
                match b.op {
                    ast::Operator::Add => concat(l, r),
                    ast::Operator::Div if matches!(l, Value::Path(_) | Value::Alternatives(_)) => {
                        lift(l, &mut |l| match &l {
                            Value::Path(_) => join_path(l, vec![r.clone()]),
                            _ => Value::Unknown("division of a computed value".into()),
                        })
                    }
                    ast::Operator::Mod if matches!(l, Value::Str(_)) => {
                        Value::Unknown("%-formatting".into())
                    }
                    ref op => arith(op, &l, &r)
                        .unwrap_or_else(|| Value::Unknown("operation not modelled".into())),
                }
            }
            Expr::UnaryOp(u) => {
                let v = self.expr(&u.operand).value;
                match u.op {
                    ast::UnaryOp::Not => not(v),
                    ast::UnaryOp::USub => match v {
                        Value::Int(i) => i
                            .checked_neg()
                            .map(Value::Int)
                            .unwrap_or_else(|| Value::Unknown("integer out of range".into())),
                        Value::Float(f) => Value::Float(-f),
                        _ => Value::Unknown("negation of a non-number".into()),
                    },
                    ast::UnaryOp::UAdd => v,
                    ast::UnaryOp::Invert => Value::Unknown("bitwise inversion".into()),
                }
            }
            Expr::BoolOp(b) => {
                let Some((first, rest)) = b.values.split_first() else {
                    return Value::Unknown("empty boolean operation".into());
                };
                let mut acc = self.expr(first).value;
                for operand in rest {
                    let rhs = self.expr(operand);
                    acc = match b.op {
                        ast::BoolOp::Or => or(acc, rhs),
                        ast::BoolOp::And => lift(acc, &mut |a| match truthy(&a) {
                            Some(true) => rhs.value.clone(),
                            Some(false) => a,
                            None if is_derivable(&a) => {
                                derive(a, Step::And(Box::new(rhs.value.clone())))
                            }
                            None => Value::Unknown("and of an unknown value".into()),
                        }),
                    };
                }
                acc
            }
            Expr::Compare(c) => {
                let ([op], [right]) = (&c.ops[..], &c.comparators[..]) else {
                    return Value::Unknown("chained comparison".into());
                };
                let l = self.expr(&c.left).value;
                let r = self.expr(right).value;
                compare(cmp_op(op), l, r)
            }
            Expr::If(i) => {
                let test = self.expr(&i.test).value;
                let body = self.expr(&i.body);
                let orelse = self.expr(&i.orelse);
                match truthy(&test) {
                    Some(true) => body.value,
                    Some(false) => orelse.value,
                    None => {
                        let text = self.src(i.test.range());
                        let span = self.sp(i.test.range());
                        let clause = Clause {
                            text,
                            span,
                            test,
                            holds: true,
                        };
                        let yes = Condition::new(vec![clause.clone()], span);
                        let no = Condition::new(
                            vec![Clause {
                                holds: false,
                                ..clause
                            }],
                            span,
                        );
                        let mut alts = Vec::new();
                        for (cond, v) in [(yes, body), (no, orelse)] {
                            match v.value {
                                Value::Alternatives(inner) => {
                                    for (c2, v2) in inner {
                                        alts.push((conjoin(&cond, &c2, span), v2));
                                    }
                                }
                                _ => alts.push((cond, v)),
                            }
                        }
                        if alts.len() > MAX_ALTERNATIVES {
                            Value::Unknown("too many conditional variants".into())
                        } else {
                            Value::Alternatives(alts)
                        }
                    }
                }
            }
            Expr::Call(call) => self.call(e, call),
            Expr::Subscript(s) => {
                if let Some(lookup) = self.env_lookup(e) {
                    return self.lookup_value(lookup);
                }
                let base = self.expr(&s.value).value;
                let key = self.expr(&s.slice).value;
                match (&base, &key) {
                    (Value::Dict(_), Value::Str(k)) => base
                        .dict_get(k)
                        .map(|v| v.value.clone())
                        .unwrap_or_else(|| Value::Unknown(format!("no key {k:?}"))),
                    (Value::List(items) | Value::Tuple(items), Value::Int(i)) => {
                        let len = items.len() as i64;
                        let i = if *i < 0 { i + len } else { *i };
                        usize::try_from(i)
                            .ok()
                            .and_then(|i| items.get(i))
                            .map(|v| v.value.clone())
                            .unwrap_or_else(|| Value::Unknown("index out of range".into()))
                    }
                    (Value::Unknown(r), _) => Value::Unknown(r.clone()),
                    _ => Value::Unknown("subscript not modelled".into()),
                }
            }
            Expr::Attribute(a) => {
                if let Some(q) = self.qualname(e) {
                    if q == "os.environ" || q.starts_with("<env>") {
                        return Value::Unknown(format!("{q} object"));
                    }
                }
                let base = self.expr(&a.value).value;
                match (a.attr.as_str(), base) {
                    ("parent", v @ (Value::Path(_) | Value::Alternatives(_))) => {
                        lift(v, &mut |v| match v {
                            Value::Path(mut p) => {
                                p.parent();
                                Value::Path(p)
                            }
                            _ => Value::Unknown("parent of a computed value".into()),
                        })
                    }
                    (_, Value::Unknown(r)) => Value::Unknown(r),
                    (attr, _) => Value::Unknown(format!("attribute .{attr}")),
                }
            }
            Expr::ListComp(c) => self.list_comp(c),
            Expr::Named(n) => {
                let v = self.expr(&n.value);
                if !self.reading_only {
                    self.assign(&n.target, v.clone());
                }
                v.value
            }
            Expr::Starred(_) => Value::Unknown("starred expression".into()),
            Expr::Lambda(_) => Value::Unknown("lambda".into()),
            _ => Value::Unknown("expression not modelled".into()),
        }
    }

    fn elements(&mut self, elts: &[Expr]) -> Vec<Spanned<Value>> {
        let mut out = Vec::new();
        for e in elts {
            if let Expr::Starred(s) = e {
                let v = self.expr(&s.value);
                match v.value {
                    Value::List(items) | Value::Tuple(items) => out.extend(items),
                    _ => out.push(Spanned::new(
                        Value::Unknown("unpacked from a computed value".into()),
                        v.span,
                    )),
                }
            } else {
                out.push(self.expr(e));
            }
        }
        out
    }

    fn name(&mut self, n: &ast::ExprName) -> Value {
        let id = n.id.as_str();
        if id == "__file__" {
            return Value::Path(PathValue {
                root: PathRoot::SettingsFile { parents: 0 },
                parts: Vec::new(),
            });
        }
        match self.scope.names.get(id) {
            Some(Binding::Value(slot)) => {
                let v = slot.value.value.clone();
                // Paths below `BASE_DIR` are reported relative to it, not to `__file__`.
                match v {
                    Value::Path(PathValue {
                        root: PathRoot::SettingsFile { .. },
                        ref parts,
                    }) if id == "BASE_DIR" && parts.is_empty() => Value::Path(PathValue {
                        root: PathRoot::BaseDir,
                        parts: Vec::new(),
                    }),
                    v => v,
                }
            }
            Some(Binding::Module(q)) => Value::Unknown(format!("module or object {q}")),
            Some(_) => Value::Unknown(format!("object {id}")),
            None if id == "BASE_DIR" => Value::Path(PathValue {
                root: PathRoot::BaseDir,
                parts: Vec::new(),
            }),
            None => Value::Unknown(format!("{id} is defined outside this module")),
        }
    }

    fn fstring(&mut self, f: &ast::ExprFString) -> Value {
        let mut acc = Value::Str(String::new());
        for part in f.value.iter() {
            match part {
                ast::FStringPart::Literal(lit) => {
                    acc = concat(acc, Value::Str(lit.value.to_string()));
                }
                ast::FStringPart::FString(fs) => {
                    for element in fs.elements.iter() {
                        let piece = match element {
                            ast::InterpolatedStringElement::Literal(l) => {
                                Value::Str(l.value.to_string())
                            }
                            ast::InterpolatedStringElement::Interpolation(i) => {
                                if i.format_spec.is_some()
                                    || i.conversion != ast::ConversionFlag::None
                                {
                                    return Value::Unknown("formatted f-string field".into());
                                }
                                let v = self.expr(&i.expression).value;
                                match v {
                                    Value::Str(_) | Value::Path(_) => v,
                                    v if is_derivable(&v) => v,
                                    v => match py_str(&v) {
                                        Some(s) => Value::Str(s),
                                        None => {
                                            return Value::Unknown(
                                                "f-string with a computed part".into(),
                                            )
                                        }
                                    },
                                }
                            }
                        };
                        acc = match (acc, piece) {
                            // Ex) f"{BASE_DIR}/logs/app.log"
                            (Value::Str(s), p @ Value::Path(_)) if s.is_empty() => p,
                            (Value::Str(s), p) if s.is_empty() && is_derivable(&p) => p,
                            (Value::Path(mut path), Value::Str(s)) if s.starts_with('/') => {
                                path.join(&s[1..]);
                                Value::Path(path)
                            }
                            (a, b) => concat(a, b),
                        };
                        if acc.is_unknown() {
                            return acc;
                        }
                    }
                }
            }
        }
        acc
    }

    fn list_comp(&mut self, c: &ast::ExprListComp) -> Value {
        let [generator] = &c.generators[..] else {
            return Value::Unknown("comprehension".into());
        };
        let Expr::Name(var) = &generator.target else {
            return Value::Unknown("comprehension".into());
        };
        let var = var.id.as_str();
        let is_var = |e: &Expr| matches!(e, Expr::Name(n) if n.id.as_str() == var);
        let is_stripped = |e: &Expr| match e {
            Expr::Call(call) => {
                call.arguments.is_empty()
                    && matches!(call.func.as_ref(), Expr::Attribute(a)
                        if a.attr.as_str() == "strip" && is_var(&a.value))
            }
            _ => false,
        };
        let mut steps = Vec::new();
        if is_stripped(&c.elt) {
            steps.push(Step::EachStrip);
        } else if !is_var(&c.elt) {
            return Value::Unknown("comprehension".into());
        }
        for cond in &generator.ifs {
            if is_var(cond) || is_stripped(cond) {
                steps.push(Step::DropEmpty);
            } else {
                return Value::Unknown("comprehension".into());
            }
        }
        let iter = self.expr(&generator.iter).value;
        lift(iter, &mut |iter| {
            let mut acc = iter;
            for step in &steps {
                acc = if is_derivable(&acc) {
                    derive(acc, step.clone())
                } else if let Value::List(_) | Value::Tuple(_) = acc {
                    let list = convert_value(acc, Cast::List);
                    super::value::apply_concrete(list, step)
                } else {
                    Value::Unknown("comprehension over a computed value".into())
                };
            }
            acc
        })
    }

    fn lookup_value(&mut self, lookup: Result<EnvLookup, String>) -> Value {
        match lookup {
            Ok(l) => {
                self.record_read(&l);
                Value::Env(l)
            }
            Err(reason) => Value::Unknown(reason),
        }
    }

    fn call(&mut self, e: &Expr, call: &ast::ExprCall) -> Value {
        if let Some(lookup) = self.env_lookup(e) {
            return self.lookup_value(lookup);
        }
        let q = self.qualname(&call.func);
        let args = &call.arguments;
        let positional =
            |ev: &mut Self| -> Vec<Value> { args.args.iter().map(|a| ev.expr(a).value).collect() };
        if let Some(q) = q.as_deref() {
            let last = q.rsplit('.').next().unwrap_or(q);
            match q {
                "os.path.join" => {
                    let mut vals = positional(self);
                    if vals.is_empty() {
                        return Value::Unknown("empty join".into());
                    }
                    let base = vals.remove(0);
                    return join_path(base, vals);
                }
                "os.path.dirname" => {
                    let v = positional(self).into_iter().next();
                    return lift(v.unwrap_or(Value::None), &mut |v| match v {
                        Value::Path(mut p) => {
                            p.parent();
                            Value::Path(p)
                        }
                        Value::Str(s) if s.starts_with('/') => {
                            let mut p = PathValue::absolute();
                            p.join(&s);
                            p.parent();
                            Value::Str(p.display())
                        }
                        _ => Value::Unknown("dirname of a computed value".into()),
                    });
                }
                "os.path.abspath" | "os.path.realpath" | "os.path.normpath"
                | "os.path.expanduser" => {
                    return positional(self)
                        .into_iter()
                        .next()
                        .unwrap_or(Value::Unknown("missing argument".into()));
                }
                "pathlib.Path"
                | "Path"
                | "pathlib.PurePath"
                | "pathlib.PosixPath"
                | "pathlib.PurePosixPath" => {
                    let mut vals = positional(self);
                    if vals.is_empty() {
                        return Value::Unknown("current directory".into());
                    }
                    let base = vals.remove(0);
                    return join_path(
                        match base {
                            Value::Str(s) if !s.starts_with('/') => {
                                return Value::Unknown(
                                    "path relative to the working directory".into(),
                                )
                            }
                            other => other,
                        },
                        vals,
                    );
                }
                "bool" | "int" | "float" | "str" | "list" | "tuple" => {
                    let cast = match q {
                        "bool" => Cast::Bool,
                        "int" => Cast::Int,
                        "float" => Cast::Float,
                        "str" => Cast::Str,
                        "list" => Cast::List,
                        _ => Cast::Tuple,
                    };
                    let Some(first) = args.args.first() else {
                        return match cast {
                            Cast::Bool => Value::Bool(false),
                            Cast::Int => Value::Int(0),
                            Cast::Float => Value::Float(0.0),
                            Cast::Str => Value::Str(String::new()),
                            Cast::List => Value::List(Vec::new()),
                            _ => Value::Tuple(Vec::new()),
                        };
                    };
                    let v = self.expr(first).value;
                    if args.args.len() > 1 || !args.keywords.is_empty() {
                        return Value::Unknown(format!("{q}() with several arguments"));
                    }
                    return convert_value(v, cast);
                }
                "dict" => {
                    let mut out = match args.args.first() {
                        Some(a) => match self.expr(a).value {
                            d @ Value::Dict(_) => d,
                            _ => return Value::Unknown("dict() of a computed value".into()),
                        },
                        None => Value::Dict(Vec::new()),
                    };
                    for k in args.keywords.iter() {
                        let v = self.expr(&k.value);
                        match &k.arg {
                            Some(arg) => dict_set(
                                &mut out,
                                Spanned::new(Value::Str(arg.to_string()), self.sp(arg.range)),
                                v,
                            ),
                            None => match v.value {
                                Value::Dict(inner) => {
                                    for (k, v) in inner {
                                        dict_set(&mut out, k, v);
                                    }
                                }
                                _ => return Value::Unknown("dict() of a computed value".into()),
                            },
                        }
                    }
                    return out;
                }
                "dj_database_url.parse" => {
                    let v = positional(self).into_iter().next().unwrap_or(Value::None);
                    return lift(v, &mut |v| {
                        if is_derivable(&v) {
                            derive(v, Step::Parse(Cast::DbUrl))
                        } else {
                            v
                        }
                    });
                }
                _ => {}
            }
            // Ex) _("English"), gettext_lazy("English")
            if matches!(
                last,
                "_" | "gettext" | "gettext_lazy" | "ugettext_lazy" | "pgettext_lazy"
            ) && args.args.len() == 1
            {
                return self.expr(&args.args[0]).value;
            }
            if last == "get_random_secret_key" {
                return Value::Unknown("random at every start".into());
            }
            if q.starts_with("os.path.") || q.starts_with("os.environ") {
                return Value::Unknown(format!("{q}()"));
            }
        }
        if let Expr::Attribute(a) = call.func.as_ref() {
            let is_module = matches!(&*a.value, Expr::Name(n)
                if matches!(self.scope.names.get(n.id.as_str()), Some(Binding::Module(_))));
            if !is_module {
                let receiver = self.expr(&a.value).value;
                let method = a.attr.as_str();
                let argv: Vec<Value> = args.args.iter().map(|x| self.expr(x).value).collect();
                return lift(receiver, &mut |r| method_value(r, method, &argv));
            }
        }
        let shown = q.unwrap_or_else(|| "a computed function".into());
        let mut shown: String = shown.chars().take(60).collect();
        shown.push_str("()");
        Value::Unknown(format!("call to {shown}"))
    }
}

fn or(acc: Value, rhs: Spanned<Value>) -> Value {
    lift(acc, &mut |a| match truthy(&a) {
        Some(true) => a,
        Some(false) => rhs.value.clone(),
        None => match a {
            // Ex) os.environ.get("X") or "fallback": a default in all but name.
            Value::Env(mut l)
                if !l.required
                    && is_concrete(&rhs.value)
                    && l.default
                        .as_ref()
                        .is_none_or(|d| truthy(&d.value) == Some(false)) =>
            {
                l.default = Some(Box::new(rhs.clone()));
                Value::Env(l)
            }
            a if is_derivable(&a) => derive(a, Step::Or(Box::new(rhs.value.clone()))),
            _ => Value::Unknown("or of an unknown value".into()),
        },
    })
}

/// The value of `receiver.method(args)` for methods with no side effect on settings.
fn method_value(receiver: Value, method: &str, args: &[Value]) -> Value {
    if is_derivable(&receiver) {
        return match (method, args) {
            ("split", []) => derive(receiver, Step::Split(None)),
            ("split", [Value::Str(sep)]) => derive(receiver, Step::Split(Some(sep.clone()))),
            ("lower" | "upper" | "strip" | "lstrip" | "rstrip" | "casefold", []) => {
                derive(receiver, Step::Method(method.to_string()))
            }
            _ => Value::Unknown(format!(".{method}() of an environment value")),
        };
    }
    match (&receiver, method, args) {
        (Value::Unknown(r), _, _) => Value::Unknown(r.clone()),
        (
            Value::Str(_),
            "split" | "lower" | "upper" | "strip" | "lstrip" | "rstrip" | "casefold",
            _,
        ) if args.len() <= 1 => {
            let step = match (method, args) {
                ("split", []) => Step::Split(None),
                ("split", [Value::Str(sep)]) => Step::Split(Some(sep.clone())),
                ("split", _) => return Value::Unknown("split with a computed separator".into()),
                (_, []) => Step::Method(method.to_string()),
                _ => return Value::Unknown(format!(".{method}() with arguments")),
            };
            super::value::apply_concrete(receiver, &step)
        }
        (Value::Str(s), "replace", [Value::Str(a), Value::Str(b)]) if !a.is_empty() => {
            Value::Str(s.replace(a.as_str(), b))
        }
        (Value::Str(s), "startswith", [Value::Str(p)]) => Value::Bool(s.starts_with(p.as_str())),
        (Value::Str(s), "endswith", [Value::Str(p)]) => Value::Bool(s.ends_with(p.as_str())),
        (Value::Str(_), "format", _) => Value::Unknown(".format()".into()),
        (Value::Dict(_), "get", [Value::Str(k), ..]) => receiver
            .dict_get(k)
            .map(|v| v.value.clone())
            .unwrap_or_else(|| args.get(1).cloned().unwrap_or(Value::None)),
        (Value::Dict(_) | Value::List(_), "copy", []) => receiver,
        (Value::Path(_), "resolve" | "absolute" | "expanduser", _) => receiver,
        (Value::Path(_), "joinpath", _) => join_path(receiver, args.to_vec()),
        _ => Value::Unknown(format!(".{method}() not modelled")),
    }
}

/// In-place list and dict methods: `append`, `extend`, `insert`, `remove`, `update`, ….
fn apply_method(
    target: &mut Value,
    method: &str,
    args: &[Spanned<Value>],
    kwargs: &[(Spanned<Value>, Spanned<Value>)],
) -> bool {
    match (target, method, args) {
        (Value::List(items), "append", [x]) => {
            items.push(x.clone());
            true
        }
        (Value::List(items), "extend", [x]) => match &x.value {
            Value::List(more) | Value::Tuple(more) => {
                items.extend(more.iter().cloned());
                true
            }
            _ => false,
        },
        (Value::List(items), "insert", [i, x]) => match i.value {
            Value::Int(i) => {
                let len = items.len() as i64;
                let at = if i < 0 { (i + len).max(0) } else { i.min(len) };
                items.insert(at as usize, x.clone());
                true
            }
            _ => false,
        },
        (Value::List(items), "remove", [x]) => {
            match items
                .iter()
                .position(|i| super::value::py_eq(&i.value, &x.value) == Some(true))
            {
                Some(pos) => {
                    items.remove(pos);
                    true
                }
                None => false,
            }
        }
        (Value::List(items), "clear", []) => {
            items.clear();
            true
        }
        (d @ Value::Dict(_), "update", args) if args.len() <= 1 => {
            if let Some(arg) = args.first() {
                match &arg.value {
                    Value::Dict(more) => {
                        for (k, v) in more {
                            dict_set(d, k.clone(), v.clone());
                        }
                    }
                    _ => return false,
                }
            }
            for (k, v) in kwargs {
                dict_set(d, k.clone(), v.clone());
            }
            true
        }
        (d @ Value::Dict(_), "setdefault", [k, v]) => {
            if let Value::Str(key) = &k.value {
                if d.dict_get(key).is_none() {
                    dict_set(d, k.clone(), v.clone());
                }
                true
            } else {
                false
            }
        }
        (Value::Dict(items), "pop", [k, ..]) => {
            items.retain(|(key, _)| super::value::py_eq(&key.value, &k.value) != Some(true));
            true
        }
        (Value::Dict(items), "clear", []) => {
            items.clear();
            true
        }
        _ => false,
    }
}

/// The value at `path` (string keys into dicts, integer indexes into lists) below `v`.
fn descend<'v>(v: &'v mut Value, path: &[Spanned<Value>]) -> Option<&'v mut Value> {
    let mut target = v;
    for key in path {
        target = match (target, &key.value) {
            (t @ Value::Dict(_), Value::Str(k)) => &mut t.dict_get_mut(k)?.value,
            (Value::List(items), Value::Int(i)) => {
                let len = items.len() as i64;
                let i = if *i < 0 { i + len } else { *i };
                &mut items.get_mut(usize::try_from(i).ok()?)?.value
            }
            _ => return None,
        };
    }
    Some(target)
}

fn has_star_import(body: &[Stmt]) -> bool {
    body.iter().any(|s| match s {
        Stmt::ImportFrom(i) => i.names.iter().any(|a| a.name.as_str() == "*"),
        Stmt::Try(t) => has_star_import(&t.body),
        _ => false,
    })
}

/// Names a block assigns or changes in place (`X = …`, `X += …`, `X.append(…)`, `X[k] = …`).
fn collect_written(body: &[Stmt], out: &mut Vec<(String, Span)>, depth: usize) {
    if depth > 8 {
        return;
    }
    fn root(e: &Expr) -> Option<&ast::ExprName> {
        match e {
            Expr::Name(n) => Some(n),
            Expr::Subscript(s) => root(&s.value),
            Expr::Attribute(a) => root(&a.value),
            _ => None,
        }
    }
    fn push(out: &mut Vec<(String, Span)>, e: &Expr) {
        if let Some(n) = root(e) {
            let span = Span::new(n.range.start().to_usize(), n.range.end().to_usize());
            if !out.iter().any(|(o, _)| o == n.id.as_str()) {
                out.push((n.id.to_string(), span));
            }
        }
    }
    for stmt in body {
        match stmt {
            Stmt::Assign(s) => s.targets.iter().for_each(|t| push(out, t)),
            Stmt::AugAssign(s) => push(out, &s.target),
            Stmt::AnnAssign(s) => push(out, &s.target),
            Stmt::Expr(s) => {
                if let Expr::Call(c) = s.value.as_ref() {
                    if let Expr::Attribute(a) = c.func.as_ref() {
                        push(out, &a.value);
                    }
                }
            }
            Stmt::If(s) => {
                collect_written(&s.body, out, depth + 1);
                for c in &s.elif_else_clauses {
                    collect_written(&c.body, out, depth + 1);
                }
            }
            Stmt::For(s) => collect_written(&s.body, out, depth + 1),
            Stmt::While(s) => collect_written(&s.body, out, depth + 1),
            Stmt::With(s) => collect_written(&s.body, out, depth + 1),
            Stmt::Try(s) => {
                collect_written(&s.body, out, depth + 1);
                for h in &s.handlers {
                    let ast::ExceptHandler::ExceptHandler(h) = h;
                    collect_written(&h.body, out, depth + 1);
                }
            }
            _ => {}
        }
    }
}

/// Finds environment reads anywhere in the module, functions included.
struct ReadFinder<'e, 'a> {
    ev: &'e mut Evaluator<'a>,
    depth: usize,
}

impl<'x> Visitor<'x> for ReadFinder<'_, '_> {
    fn visit_stmt(&mut self, stmt: &'x Stmt) {
        if self.depth > 64 {
            return;
        }
        self.depth += 1;
        visitor::walk_stmt(self, stmt);
        self.depth -= 1;
    }

    fn visit_expr(&mut self, expr: &'x Expr) {
        if self.depth > 64 {
            return;
        }
        if matches!(expr, Expr::Call(_) | Expr::Subscript(_)) {
            let saved = self.ev.depth;
            self.ev.depth = 0;
            if let Some(Ok(lookup)) = self.ev.env_lookup(expr) {
                self.ev.record_read(&lookup);
            }
            self.ev.depth = saved;
        }
        self.depth += 1;
        visitor::walk_expr(self, expr);
        self.depth -= 1;
    }
}
