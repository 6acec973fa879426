//! Django settings, read statically: settings modules (Python source, never imported or run),
//! `manage.py diffsettings` exports and JSON dumps of the running settings, and the places code reads `settings.NAME`.
//!
//! Python is parsed with ruff's parser; the model evaluates module-level statements in order
//! against the names they bind: literals, environment reads (os, django-environ,
//! python-decouple, dj-database-url) with their defaults and casts, paths built from
//! `__file__`/`BASE_DIR`, in-place changes (`+=`, `.append`, `["k"] = …`, `.update`), and
//! `if`/`else` on the environment as conditional values. Spans are byte offsets.

mod diffsettings;
mod eval;
mod json_export;
mod reads;
#[cfg(test)]
mod tests;
mod value;

use std::collections::HashMap;
use std::sync::Arc;

use ruff_python_parser::{parse_unchecked, Mode, ParseOptions};

use crate::parse::ParseIssue;
use crate::source::Span;

pub use diffsettings::parse_diffsettings;
pub use json_export::parse_json_export;
pub use reads::{scan_setting_reads, SettingRead};
pub use value::{
    resolve_path, Cast, Clause, CmpOp, Condition, Derived, EnvLibrary, EnvLookup, PathRoot,
    PathValue, Provenance, ResolvedPath, Spanned, Step, Value,
};

/// Settings modules larger than this are not modelled (reported instead).
const MAX_SETTINGS_BYTES: usize = 2 * 1024 * 1024;

/// One setting's final value, and where it was assigned.
#[derive(Clone, Debug, PartialEq)]
pub struct Setting {
    pub name: String,
    /// The target of the last assignment or in-place change.
    pub name_span: Span,
    pub value: Spanned<Value>,
    pub provenance: Provenance,
    /// Earlier assignments and changes this one builds on or overrides, in source order.
    pub history: Vec<Span>,
}

/// The module raises (refuses to load) when `condition` holds: a production guard such as
/// `if not DEBUG and SECRET_KEY.startswith("django-insecure"): raise ImproperlyConfigured`.
#[derive(Clone, Debug, PartialEq)]
pub struct Guard {
    pub condition: Condition,
    /// The `if`/`try` statement holding the `raise`.
    pub span: Span,
}

/// The static model of one settings module (or of several layered with [`layer`]).
#[derive(Clone, Debug, Default)]
pub struct SettingsModule {
    /// Final value per UPPERCASE name, in first-assignment order.
    pub settings: Vec<Setting>,
    /// `from .base import *`: the module as written (leading dots kept) and the statement.
    pub star_imports: Vec<(String, Span)>,
    /// Every environment variable read anywhere in the module (functions included).
    pub env_reads: Vec<EnvLookup>,
    /// Every imported module (`import x`, `from x import y`), as written.
    pub imports: Vec<(String, Span)>,
    /// Conditions under which the module raises at import time.
    pub guards: Vec<Guard>,
    /// Directories the module creates at import time (`os.makedirs(LOG_DIR, exist_ok=True)`).
    pub created_dirs: Vec<Spanned<Value>>,
    index: HashMap<String, usize>,
    scope: eval::Scope,
    layers: Vec<Layer>,
}

#[derive(Clone, Debug)]
struct Layer {
    /// Offset this layer's spans start at in a layered module.
    start: usize,
    len: usize,
    /// The module text, kept so a layer above can be evaluated on top of it.
    source: Option<Arc<str>>,
}

impl SettingsModule {
    /// The final value of setting `name`.
    pub fn get(&self, name: &str) -> Option<&Setting> {
        self.index.get(name).map(|&i| &self.settings[i])
    }

    /// How many modules this model stacks (1 unless built by [`layer`]).
    pub fn layer_count(&self) -> usize {
        self.layers.len().max(1)
    }

    /// Which stacked module a span of a layered model points into (0 = the bottom base), and
    /// the span within that module's text. For a single module, `(0, span)`.
    pub fn locate(&self, span: Span) -> (usize, Span) {
        let i = self
            .layers
            .iter()
            .rposition(|l| l.start <= span.start)
            .unwrap_or(0);
        let start = self.layers.get(i).map_or(0, |l| l.start);
        (
            i,
            Span::new(span.start - start, span.end.saturating_sub(start)),
        )
    }

    /// Marks every setting as exported (exact), for models read from an export.
    fn exported(mut self) -> SettingsModule {
        for s in &mut self.settings {
            s.provenance = Provenance::Export;
        }
        self
    }

    fn finish(mut self) -> SettingsModule {
        self.settings.clear();
        self.index.clear();
        for name in &self.scope.order {
            if !is_setting_name(name) || self.index.contains_key(name) {
                continue;
            }
            let Some(eval::Binding::Value(slot)) = self.scope.names.get(name) else {
                continue;
            };
            self.index.insert(name.clone(), self.settings.len());
            self.settings.push(Setting {
                name: name.clone(),
                name_span: slot.name_span,
                value: slot.value.clone(),
                provenance: slot.value.value.provenance(),
                history: slot.history.clone(),
            });
        }
        self
    }
}

/// Django reads a module attribute as a setting when `name.isupper()`.
fn is_setting_name(name: &str) -> bool {
    name.chars().any(char::is_uppercase) && !name.chars().any(char::is_lowercase)
}

/// Reads a settings module statically. Never panics; syntax errors become issues at the
/// location ruff reports, and the statements that parsed are still modelled.
pub fn parse_settings(text: &str) -> (SettingsModule, Vec<ParseIssue>) {
    let (module, issues) = evaluate(text, 0, None);
    (module, issues)
}

fn evaluate(
    text: &str,
    shift: usize,
    base: Option<&SettingsModule>,
) -> (SettingsModule, Vec<ParseIssue>) {
    let mut issues = Vec::new();
    let mut layers: Vec<Layer> = base.map(|b| b.layers.clone()).unwrap_or_default();
    layers.push(Layer {
        start: shift,
        len: text.len(),
        source: Some(Arc::from(text)),
    });
    if text.len() > MAX_SETTINGS_BYTES {
        issues.push(ParseIssue::new(
            Span::new(shift, shift),
            format!(
                "settings module too large to model ({} bytes, limit {MAX_SETTINGS_BYTES})",
                text.len()
            ),
        ));
        let mut module = base.cloned().unwrap_or_default();
        module.layers = layers;
        return (module, issues);
    }
    let blanked = reads::blank_deep_statements(text);
    let source: &str = match &blanked {
        Some((clean, spans)) => {
            for span in spans {
                issues.push(ParseIssue::new(
                    span.shift(shift),
                    "expression nested too deeply to model; statement skipped",
                ));
            }
            clean
        }
        None => text,
    };
    let parsed = parse_unchecked(source, ParseOptions::from(Mode::Module));
    for error in parsed.errors() {
        let start = error.location.start().to_usize() + shift;
        let end = error.location.end().to_usize() + shift;
        issues.push(ParseIssue::new(
            Span::new(start, end),
            format!(
                "syntax error: {}",
                lowercase_first(&error.error.to_string())
            ),
        ));
    }
    let Some(parsed) = parsed.try_into_module() else {
        return (SettingsModule::default(), issues);
    };
    let module = parsed.syntax();
    let mut ev = eval::Evaluator::new(source, shift, base.map(|b| b.scope.clone()));
    ev.run(&module.body);
    let mut star_imports = base.map(|b| b.star_imports.clone()).unwrap_or_default();
    star_imports.extend(ev.star_imports);
    let mut imports = base.map(|b| b.imports.clone()).unwrap_or_default();
    imports.extend(ev.imports);
    let mut env_reads = base.map(|b| b.env_reads.clone()).unwrap_or_default();
    env_reads.extend(ev.env_reads);
    let mut guards = base.map(|b| b.guards.clone()).unwrap_or_default();
    guards.extend(ev.guards);
    let mut created_dirs = base.map(|b| b.created_dirs.clone()).unwrap_or_default();
    created_dirs.extend(ev.created_dirs);
    let module = SettingsModule {
        settings: Vec::new(),
        star_imports,
        env_reads,
        imports,
        guards,
        created_dirs,
        index: HashMap::new(),
        scope: ev.scope,
        layers,
    };
    (module.finish(), issues)
}

/// `over` evaluated on top of `base`, as `from .base import *` in `over` does: `base`'s names
/// are in scope from `over`'s first star import (or from its start when it has none), so
/// `INSTALLED_APPS += [...]` extends `base`'s list and `DEBUG = False` overrides it, with
/// `history` pointing at `base`'s assignments.
///
/// Spans in the result are offsets into the stacked texts; [`SettingsModule::locate`] maps
/// one back to its module. Layer `over` models from [`parse_settings`]; a layered `over` is
/// applied as its final values only.
pub fn layer(base: &SettingsModule, over: &SettingsModule) -> SettingsModule {
    let shift = base.layers.last().map_or(0, |l| l.start + l.len + 1);
    if !over.layers.is_empty() && over.layers.iter().all(|l| l.source.is_some()) {
        let mut acc = base.clone();
        for l in &over.layers {
            let at = acc.layers.last().map_or(0, |l| l.start + l.len + 1);
            let text = l.source.as_deref().unwrap_or_default();
            acc = evaluate(text, at, Some(&acc)).0;
        }
        return acc;
    }
    // A model without source text (a diffsettings export): its final values go on top.
    let mut out = base.clone();
    out.layers.push(Layer {
        start: shift,
        len: over.layers.iter().map(|l| l.len).sum(),
        source: None,
    });
    for setting in &over.settings {
        let mut s = setting.clone();
        value::shift_spans(&mut s.value, shift);
        s.name_span = s.name_span.shift(shift);
        for h in &mut s.history {
            *h = h.shift(shift);
        }
        if let Some(prior) = base.get(&s.name) {
            let mut history = prior.history.clone();
            history.push(prior.name_span);
            history.append(&mut s.history);
            s.history = history;
        }
        match out.index.get(&s.name) {
            Some(&i) => out.settings[i] = s,
            None => {
                out.index.insert(s.name.clone(), out.settings.len());
                out.settings.push(s);
            }
        }
    }
    out
}

/// Diagnostic messages start lowercase; ruff's parser messages start with a capital.
fn lowercase_first(message: &str) -> String {
    let mut chars = message.chars();
    match chars.next() {
        Some(c) => c.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}
