//! `DJG`: Django settings, judged the way a deployed instance runs them.
//!
//! A settings module rarely stands alone: `production.py` starts with `from .base import *`, a
//! single `settings.py` reads most values from the environment, and either may choose values
//! with `if DJANGO_ENV == "production":`. The rules therefore never look at one file's
//! assignments in isolation. They work on [`Leaf`]s: each settings module a deployment can name
//! in `DJANGO_SETTINGS_MODULE`, with the project's modules it star-imports layered under it
//! ([`crate::parse::python::layer`]), and ask [`Leaf::judge`] what a deployed instance gets for
//! a setting: the production branch of an `if`/`else` on the environment, and for an
//! environment read its *default* — what runs when the variable is missing, which is how
//! insecure defaults reach production.
//!
//! Where a finding goes: a value is reported where it is written when that file's own
//! environment warrants the finding's severity (a value in `settings.py`, or in a `base.py`
//! imported by an unknown-environment `__init__.py`). A value inherited from a shared `base.py`
//! into `production.py` is reported on `production.py`'s star import, with the value in
//! `base.py` as a related span: `base.py` is also what development runs, and the fix may be an
//! override in `production.py`. A setting that is never set is reported on the leaf itself.
//! Each finding is reported once, however many layers carry it.
//!
//! Cross-file rules (logging paths against mounts, caches against worker counts, storage
//! against replicas) can reuse [`leaves`]: it is computed once per project and cached.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::diagnostic::{Diagnostic, Severity};
use crate::kind::{Environment, FileKind};
use crate::parse::python::{
    layer, Cast, Clause, Condition, EnvLookup, PathRoot, Setting, SettingsModule, Spanned, Step,
    Value,
};
use crate::project::Project;
use crate::rule::Ctx;
use crate::source::{FileId, Span};

crate::family_rules! {
    debug_enabled => DebugEnabled,
    hard_coded_secret_key => HardCodedSecretKey,
    empty_allowed_hosts => EmptyAllowedHosts,
    wildcard_allowed_hosts => WildcardAllowedHosts,
    ssl_redirect_disabled => SslRedirectDisabled,
    hsts_disabled => HstsDisabled,
    weak_hsts => WeakHsts,
    insecure_session_cookie => InsecureSessionCookie,
    insecure_csrf_cookie => InsecureCsrfCookie,
    missing_proxy_ssl_header => MissingProxySslHeader,
    missing_security_middleware => MissingSecurityMiddleware,
    frame_options_not_deny => FrameOptionsNotDeny,
    security_header_disabled => SecurityHeaderDisabled,
    unsafe_csp => UnsafeCsp,
    cors_allows_all_origins => CorsAllowsAllOrigins,
    empty_cors_allowed_origins => EmptyCorsAllowedOrigins,
    password_validation_disabled => PasswordValidationDisabled,
    short_password_minimum => ShortPasswordMinimum,
    server_errors_unreported => ServerErrorsUnreported,
    email_not_delivered => EmailNotDelivered,
    drf_allow_any => DrfAllowAny,
    unbounded_upload_memory => UnboundedUploadMemory,
    long_session_age => LongSessionAge,
    log_path_not_mounted => LogPathNotMounted,
    local_memory_cache => LocalMemoryCache,
    undefined_setting => UndefinedSetting,
    app_not_installed => AppNotInstalled,
    unprovided_env_var => UnprovidedEnvVar,
    unshared_media_storage => UnsharedMediaStorage,
}

pub(crate) const SECURITY_MIDDLEWARE: &str = "django.middleware.security.SecurityMiddleware";
pub(crate) const CSRF_MIDDLEWARE: &str = "django.middleware.csrf.CsrfViewMiddleware";
pub(crate) const SESSION_MIDDLEWARE: &str = "django.contrib.sessions.middleware.SessionMiddleware";
pub(crate) const XFRAME_MIDDLEWARE: &str = "django.middleware.clickjacking.XFrameOptionsMiddleware";

// ---------------------------------------------------------------------------------------------
// Leaves: deployable settings modules with what they import
// ---------------------------------------------------------------------------------------------

/// One settings module a deployment can run, with the project modules it star-imports.
pub(crate) struct Leaf {
    pub(crate) file: FileId,
    pub(crate) env: Environment,
    /// The effective settings: imported modules layered under the leaf's own statements.
    pub(crate) model: SettingsModule,
    /// Per layer of `model`, bottom first: its file, and the leaf's star import that brings it.
    layers: Vec<LayerInfo>,
    /// Values assigned before this offset of `model` may be replaced by a module shiplint
    /// cannot see (a star import it cannot resolve, or one made only under a condition).
    opaque_until: usize,
    /// The leaf's first star import (in the leaf's own text), where findings about the module
    /// as a whole go.
    first_import: Option<Span>,
}

#[derive(Clone, Copy, Debug)]
struct LayerInfo {
    file: FileId,
    /// The star import in the leaf's text that brings this layer in (`None` for the leaf).
    via: Option<Span>,
}

impl Leaf {
    /// A setting's final definition, when shiplint can be sure nothing it cannot see
    /// replaces it.
    pub(crate) fn setting(&self, name: &str) -> Option<&Setting> {
        self.model
            .get(name)
            .filter(|s| s.name_span.start >= self.opaque_until)
    }

    /// Whether every module the leaf builds on was read, so that an absent setting really has
    /// Django's default.
    pub(crate) fn complete(&self) -> bool {
        self.opaque_until == 0
    }

    /// Whether a setting is absent from every layer and nothing unseen could define it.
    pub(crate) fn unset(&self, name: &str) -> bool {
        self.complete() && self.model.get(name).is_none()
    }

    /// Whether this is a whole Django settings module (not a fragment or helper): findings
    /// about settings it never sets are only made for those.
    pub(crate) fn is_whole(&self) -> bool {
        self.complete()
            && self.model.get("INSTALLED_APPS").is_some()
            && self.model.get("MIDDLEWARE").is_some()
    }

    fn is_django(&self) -> bool {
        // Settings only Django reads (a Flask or Scrapy settings.py also has DEBUG).
        const MARKERS: &[&str] = &[
            "INSTALLED_APPS",
            "MIDDLEWARE",
            "ROOT_URLCONF",
            "WSGI_APPLICATION",
            "ASGI_APPLICATION",
            "ALLOWED_HOSTS",
            "DATABASES",
            "AUTH_PASSWORD_VALIDATORS",
            "STATIC_URL",
        ];
        const PREFIXES: &[&str] = &["SECURE_", "SESSION_COOKIE_", "CSRF_COOKIE_"];
        MARKERS.iter().any(|m| self.model.get(m).is_some())
            || self
                .model
                .settings
                .iter()
                .any(|s| PREFIXES.iter().any(|p| s.name.starts_with(p)))
            || self
                .model
                .imports
                .iter()
                .any(|(m, _)| m == "django" || m.starts_with("django."))
    }

    /// What a deployed instance gets for `name`: `Unknown` when it cannot be told without
    /// guessing, `Default` when Django's default applies.
    pub(crate) fn judge(&self, name: &str) -> Judged<'_> {
        match self.setting(name) {
            Some(s) => match outcomes(&s.value) {
                Some(list) => {
                    let (set, unset): (Vec<Outcome>, Vec<Outcome>) =
                        list.into_iter().partition(|o| !o.unset);
                    if !set.is_empty() {
                        // Set on the deployed path (in some branches, at least): judge those.
                        Judged::Set(s, set)
                    } else if self.complete() {
                        Judged::Default(unset.into_iter().next())
                    } else {
                        Judged::Unknown
                    }
                }
                None => Judged::Unknown,
            },
            None if self.unset(name) => Judged::Default(None),
            None => Judged::Unknown,
        }
    }

    /// Whether the list setting `name` contains `item` on a deployed instance, whichever
    /// branch of an `if` built it: `None` when that is not known.
    pub(crate) fn list_contains(&self, name: &str, item: &str) -> Option<bool> {
        self.list_has(name, |x| x == item)
    }

    /// Whether `app` (or one of its submodules, `wagtail.admin`) is installed; `None` when
    /// INSTALLED_APPS is not known.
    pub(crate) fn has_app(&self, app: &str) -> Option<bool> {
        let prefix = format!("{app}.");
        self.list_has("INSTALLED_APPS", |x| x == app || x.starts_with(&prefix))
    }

    fn list_has(&self, name: &str, pred: impl Fn(&str) -> bool) -> Option<bool> {
        let s = self.setting(name)?;
        let mut values = Vec::new();
        possible_values(&s.value, &mut values, 0)?;
        let mut all = true;
        let mut none = true;
        for v in &values {
            let items = v.as_list()?;
            let mut unknown = false;
            let mut found = false;
            for i in items {
                match i.value.as_str() {
                    Some(x) if pred(x) => found = true,
                    Some(_) => {}
                    None => unknown = true,
                }
            }
            all &= found;
            none &= !found && !unknown;
        }
        if all && !values.is_empty() {
            Some(true)
        } else if none {
            Some(false)
        } else {
            None
        }
    }

    /// Whether a guard (`if …: raise ImproperlyConfigured`) mentioning `name` may stop the
    /// module from loading on a deployed instance with the variables unset: then an insecure
    /// default fails loudly instead of running.
    pub(crate) fn guarded(&self, name: &str) -> bool {
        self.model.guards.iter().any(|g| {
            mentions(&g.condition.text, name)
                && g.condition.clauses.iter().all(|c| match side(c) {
                    Some((Side::Deployed, _)) => true,
                    Some((Side::NotDeployed, _)) => false,
                    None => c.test.when_unset().truthy() != Some(!c.holds),
                })
        })
    }

    /// The files of the module's layers, bottom first (each once).
    pub(crate) fn files(&self) -> impl Iterator<Item = FileId> + '_ {
        let mut seen = Vec::new();
        self.layers
            .iter()
            .map(|l| l.file)
            .chain(std::iter::once(self.file))
            .filter(move |f| {
                let new = !seen.contains(f);
                seen.push(*f);
                new
            })
    }

    /// The file and the span within it of a span of the effective model.
    pub(crate) fn locate(&self, span: Span) -> (FileId, Span) {
        let (i, local) = self.model.locate(span);
        (self.layers.get(i).map_or(self.file, |l| l.file), local)
    }

    /// The repository folder `BASE_DIR` names, when it is built from `__file__`.
    pub(crate) fn base_dir(&self, project: &Project) -> Option<PathBuf> {
        let setting = self.model.get("BASE_DIR")?;
        let Value::Path(p) = &setting.value.value else {
            return None;
        };
        let PathRoot::SettingsFile { parents } = p.root else {
            return None;
        };
        let (file, _) = self.locate(setting.name_span);
        let path = crate::discover::normalize(&project.file(file).source.path);
        let mut dir = path.ancestors().nth(parents as usize)?.to_path_buf();
        for part in &p.parts {
            if part == ".." {
                dir.pop();
            } else {
                dir.push(part);
            }
        }
        Some(dir)
    }

    /// Where a finding about the module as a whole goes: the leaf's first star import, or the
    /// start of the file.
    fn top(&self) -> Span {
        self.first_import.unwrap_or(Span::empty(0))
    }
}

fn mentions(text: &str, name: &str) -> bool {
    text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .any(|w| w == name)
}

/// Every deployable settings module of the project, computed once per project.
pub(crate) fn leaves(project: &Project) -> Arc<Vec<Leaf>> {
    struct Leaves(Arc<Vec<Leaf>>);
    project
        .derived(|p| Leaves(Arc::new(build_leaves(p))))
        .0
        .clone()
}

fn settings_files(project: &Project) -> impl Iterator<Item = &crate::project::ParsedFile> {
    project.files.iter().filter(|f| {
        matches!(
            f.source.kind,
            FileKind::DjangoSettingsSource | FileKind::DjangoSettingsExport
        ) && f.model.django_settings().is_some()
    })
}

/// How a star import of a file is made.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Import {
    /// At module level (or in a `try:` whose module exists): always runs.
    Always(FileId),
    /// Under an `if`, a loop or a function: may or may not run.
    Conditional(FileId),
    /// In a `try:` block, of a module the project does not have: an optional local override
    /// that is absent from the deployed tree.
    OptionalMissing,
    /// Of a module shiplint cannot read.
    Unresolved,
}

struct Resolver<'p> {
    project: &'p Project,
    by_path: HashMap<PathBuf, FileId>,
}

impl<'p> Resolver<'p> {
    fn new(project: &'p Project) -> Resolver<'p> {
        let by_path = settings_files(project)
            .filter(|f| f.source.kind == FileKind::DjangoSettingsSource)
            .map(|f| (f.source.path.clone(), f.id))
            .collect();
        Resolver { project, by_path }
    }

    /// The file `from <module> import *` in `from` names, among the project's settings files.
    fn resolve(&self, from: FileId, module: &str) -> Option<FileId> {
        let dots = module.chars().take_while(|c| *c == '.').count();
        let rest = &module[dots..];
        let parts: Vec<&str> = rest.split('.').filter(|p| !p.is_empty()).collect();
        if dots > 0 {
            let mut dir = self.project.file(from).source.path.parent()?.to_path_buf();
            for _ in 1..dots {
                dir = dir.parent()?.to_path_buf();
            }
            for p in &parts {
                dir.push(p);
            }
            let as_module = dir.with_extension("py");
            if !parts.is_empty() {
                if let Some(&id) = self.by_path.get(&as_module) {
                    return Some(id);
                }
            }
            return self.by_path.get(&dir.join("__init__.py")).copied();
        }
        if parts.is_empty() {
            return None;
        }
        // Ex) from project.settings.base import *: matched by path suffix, nearest first.
        let mut module_path = PathBuf::new();
        for p in &parts {
            module_path.push(p);
        }
        let as_module = module_path.with_extension("py");
        let as_package = module_path.join("__init__.py");
        let here = &self.project.file(from).source.path;
        self.by_path
            .iter()
            .filter(|(p, _)| p.ends_with(&as_module) || p.ends_with(&as_package))
            .max_by_key(|(p, id)| (common_prefix(p, here), std::cmp::Reverse(**id)))
            .map(|(_, id)| *id)
    }

    /// Each star import of `file`'s own text, in order, with how it is made.
    fn imports(&self, file: FileId) -> Vec<(Span, Import)> {
        let f = self.project.file(file);
        let Some(own) = f.model.django_settings() else {
            return Vec::new();
        };
        own.star_imports
            .iter()
            .map(|(module, span)| {
                let target = self.resolve(file, module).filter(|t| *t != file);
                let how = match (target, enclosing_block(&f.source.text, *span)) {
                    (Some(t), Block::TopLevel | Block::Try) => Import::Always(t),
                    (Some(t), Block::Other) => Import::Conditional(t),
                    (None, Block::Try) => Import::OptionalMissing,
                    (None, _) => Import::Unresolved,
                };
                (*span, how)
            })
            .collect()
    }
}

fn common_prefix(a: &Path, b: &Path) -> usize {
    a.components()
        .zip(b.components())
        .take_while(|(x, y)| x == y)
        .count()
}

enum Block {
    TopLevel,
    Try,
    Other,
}

/// The block a statement sits in, from indentation: module level, a `try:`, or anything else.
fn enclosing_block(text: &str, span: Span) -> Block {
    let start = text[..span.start.min(text.len())]
        .rfind('\n')
        .map_or(0, |i| i + 1);
    let indent = |line: &str| line.len() - line.trim_start().len();
    let own = indent(&text[start..span.start.min(text.len())]);
    if own == 0 {
        return Block::TopLevel;
    }
    for line in text[..start].lines().rev() {
        let t = line.trim();
        if t.is_empty() || t.starts_with('#') || indent(line) >= own {
            continue;
        }
        return if t.starts_with("try:") {
            Block::Try
        } else {
            Block::Other
        };
    }
    Block::Other
}

/// The effective model of one file and the files of its layers.
#[derive(Clone)]
struct Built {
    model: SettingsModule,
    layers: Vec<LayerInfo>,
}

fn build_leaves(project: &Project) -> Vec<Leaf> {
    let resolver = Resolver::new(project);
    let files: Vec<FileId> = settings_files(project).map(|f| f.id).collect();
    let imports: HashMap<FileId, Vec<(Span, Import)>> =
        files.iter().map(|&f| (f, resolver.imports(f))).collect();
    // A module some deployable module always imports is a base, not something to deploy.
    let mut bases: HashSet<FileId> = HashSet::new();
    for (&f, list) in &imports {
        let env = project.file(f).source.environment;
        if matches!(env, Environment::Development | Environment::Test) {
            continue;
        }
        for (_, how) in list {
            if let Import::Always(t) = how {
                bases.insert(*t);
            }
        }
    }
    let mut memo: HashMap<FileId, Option<Built>> = HashMap::new();
    let mut out = Vec::new();
    for &f in &files {
        if bases.contains(&f) {
            continue;
        }
        let Some(built) = build(project, f, &imports, &mut memo, &mut Vec::new()) else {
            continue;
        };
        let leaf = finish_leaf(project, f, built, &imports);
        if leaf.is_django() {
            out.push(leaf);
        }
    }
    out
}

fn build(
    project: &Project,
    file: FileId,
    imports: &HashMap<FileId, Vec<(Span, Import)>>,
    memo: &mut HashMap<FileId, Option<Built>>,
    stack: &mut Vec<FileId>,
) -> Option<Built> {
    if let Some(done) = memo.get(&file) {
        return done.clone();
    }
    if stack.contains(&file) || stack.len() > 16 {
        return None;
    }
    let own = project.file(file).model.django_settings()?;
    stack.push(file);
    let mut targets =
        imports
            .get(&file)
            .into_iter()
            .flatten()
            .filter_map(|(span, how)| match how {
                Import::Always(t) => Some((*span, *t)),
                _ => None,
            });
    let mut built = match targets.next() {
        Some((via, base)) => match build(project, base, imports, memo, stack) {
            Some(b) => {
                let mut layers: Vec<LayerInfo> = b
                    .layers
                    .iter()
                    .map(|l| LayerInfo {
                        file: l.file,
                        via: Some(via),
                    })
                    .collect();
                layers.push(LayerInfo { file, via: None });
                Built {
                    model: layer(&b.model, own),
                    layers,
                }
            }
            None => Built {
                model: own.clone(),
                layers: vec![LayerInfo { file, via: None }],
            },
        },
        None => Built {
            model: own.clone(),
            layers: vec![LayerInfo { file, via: None }],
        },
    };
    // Later star imports (a local override at the end) apply on top of the module.
    for (via, t) in targets {
        if let Some(b) = build(project, t, imports, memo, stack) {
            built.model = layer(&built.model, &b.model);
            built.layers.extend(b.layers.iter().map(|l| LayerInfo {
                file: l.file,
                via: Some(via),
            }));
        }
    }
    // Keep one entry per model layer whatever happened above.
    let n = built.model.layer_count();
    while built.layers.len() < n {
        built.layers.push(LayerInfo { file, via: None });
    }
    built.layers.truncate(n);
    stack.pop();
    memo.insert(file, Some(built.clone()));
    Some(built)
}

fn finish_leaf(
    project: &Project,
    file: FileId,
    built: Built,
    imports: &HashMap<FileId, Vec<(Span, Import)>>,
) -> Leaf {
    let mut opaque_until = 0;
    for (_, span) in &built.model.star_imports {
        let (i, local) = built.model.locate(*span);
        let Some(layer) = built.layers.get(i) else {
            continue;
        };
        let how = imports
            .get(&layer.file)
            .and_then(|l| l.iter().find(|(s, _)| *s == local))
            .map(|(_, h)| *h);
        if matches!(
            how,
            Some(Import::Unresolved | Import::Conditional(_)) | None
        ) {
            opaque_until = opaque_until.max(span.end);
        }
    }
    let first_import = imports.get(&file).and_then(|l| l.first()).map(|(s, _)| *s);
    Leaf {
        file,
        env: project.file(file).source.environment,
        model: built.model,
        layers: built.layers,
        opaque_until,
        first_import,
    }
}

// ---------------------------------------------------------------------------------------------
// Judging a value on a deployed instance
// ---------------------------------------------------------------------------------------------

/// What a setting's definition gives on a deployed instance.
pub(crate) enum Judged<'a> {
    /// Not set on the deployed path: Django's default applies. With an outcome when the
    /// module sets it only in branches a deployed instance does not take (`if SSL_ENABLED:`):
    /// its span is the `if`, its variables those whose absence skips the branch.
    Default(Option<Outcome>),
    /// Set; one outcome per deployed branch (usually one).
    Set(&'a Setting, Vec<Outcome>),
    /// Cannot be told without guessing.
    Unknown,
}

/// One value a deployed instance can get for a setting.
#[derive(Clone, Debug)]
pub(crate) struct Outcome {
    /// The value, with environment reads replaced by their defaults.
    pub(crate) value: Value,
    /// The expression as written (before defaults were applied), and its span.
    pub(crate) expr: Spanned<Value>,
    /// Where a finding about this value points (model coordinates): the default of an
    /// environment read, else the expression.
    pub(crate) span: Span,
    /// Environment variables whose absence this outcome assumes.
    pub(crate) unset_vars: Vec<String>,
    /// No branch on the deployed path sets the setting.
    pub(crate) unset: bool,
}

impl Outcome {
    /// ` when the DEBUG variable is unset`, or nothing for a value written as a literal.
    pub(crate) fn when(&self) -> String {
        match self.unset_vars.as_slice() {
            [] => String::new(),
            [one] => format!(" when the {one} variable is unset"),
            many => {
                let (last, rest) = many.split_last().expect("not empty");
                format!(
                    " when the {} and {last} variables are unset",
                    rest.join(", ")
                )
            }
        }
    }

    /// Whether the value comes from the code's fallback for a missing variable.
    pub(crate) fn uses_default(&self) -> bool {
        !self.unset_vars.is_empty()
    }
}

/// The values a deployed instance can get from `v`; `None` when that needs a guess.
fn outcomes(v: &Spanned<Value>) -> Option<Vec<Outcome>> {
    match &v.value {
        Value::Alternatives(alts) => {
            let sides: Vec<Option<Side>> = alts.iter().map(|(c, _)| branch_side(c)).collect();
            let deployed: Vec<usize> = (0..alts.len())
                .filter(|&i| sides[i] == Some(Side::Deployed))
                .collect();
            if !deployed.is_empty() {
                let mut out = Vec::new();
                for i in deployed {
                    out.extend(outcomes(&alts[i].1)?);
                }
                return Some(out);
            }
            // No branch names a deployed environment: the first branch that holds with the
            // variables unset, leaving out branches for development and tests.
            let mut vars = Vec::new();
            for (i, (cond, val)) in alts.iter().enumerate() {
                if sides[i] == Some(Side::NotDeployed) {
                    continue;
                }
                for c in &cond.clauses {
                    for l in c.test.env_lookups() {
                        if !vars.contains(&l.name) {
                            vars.push(l.name.clone());
                        }
                    }
                }
                if cond.when_unset()? {
                    let mut list = outcomes(val)?;
                    for o in &mut list {
                        for v in &vars {
                            if !o.unset_vars.contains(v) {
                                o.unset_vars.push(v.clone());
                            }
                        }
                    }
                    return Some(list);
                }
            }
            // Point at the test that skips the assignment, not the whole `if` block.
            let span = alts.first().map_or(v.span, |(c, _)| c.span);
            Some(vec![Outcome {
                value: Value::None,
                expr: v.clone(),
                span,
                unset_vars: vars,
                unset: true,
            }])
        }
        Value::Unknown(_) => None,
        other => {
            let value = other.when_unset();
            if value.is_unknown() {
                return None;
            }
            let mut span = v.span;
            let mut unset_vars = Vec::new();
            if let Some(l) = top_lookup(other) {
                if !l.required {
                    unset_vars.push(l.name.clone());
                    if let Some(d) = &l.default {
                        span = d.span;
                    }
                }
            } else {
                for l in other.env_lookups() {
                    if !l.required && !unset_vars.contains(&l.name) {
                        unset_vars.push(l.name.clone());
                    }
                }
            }
            Some(vec![Outcome {
                value,
                expr: v.clone(),
                span,
                unset_vars,
                unset: false,
            }])
        }
    }
}

/// Every value `v` can take, with environment variables unset, across the branches of an
/// `if`; `None` when one of them is not known.
fn possible_values(v: &Spanned<Value>, out: &mut Vec<Value>, depth: usize) -> Option<()> {
    match &v.value {
        Value::Alternatives(alts) if depth < 8 => {
            for (_, val) in alts {
                possible_values(val, out, depth + 1)?;
            }
            Some(())
        }
        other => {
            let value = other.when_unset();
            if value.is_unknown() {
                return None;
            }
            out.push(value);
            Some(())
        }
    }
}

/// The environment read a value is (or is computed from), at the top of the expression.
pub(crate) fn top_lookup(v: &Value) -> Option<&EnvLookup> {
    match v {
        Value::Env(l) => Some(l),
        Value::Derived(d) => Some(&d.lookup),
        _ => None,
    }
}

/// An environment variable's raw text used where a boolean is meant: `os.environ.get("DEBUG")`
/// or `bool(os.environ.get("DEBUG", "False"))`, where any non-empty text, `"False"` included,
/// is true.
pub(crate) fn text_as_bool(v: &Value) -> Option<&EnvLookup> {
    let text_read = |l: &EnvLookup| l.cast == Cast::Str;
    match v {
        Value::Env(l) if text_read(l) => Some(l),
        Value::Derived(d)
            if text_read(&d.lookup)
                && matches!(d.steps.as_slice(), [Step::Convert(Cast::Bool)]) =>
        {
            Some(&d.lookup)
        }
        _ => None,
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Side {
    Deployed,
    NotDeployed,
}

/// Which kind of environment a branch is for, from what its conditions name: `DJANGO_ENV ==
/// "production"`, `not DEBUG`, `"test" in sys.argv`. `None` when it does not say.
fn branch_side(cond: &Condition) -> Option<Side> {
    let mut strong: Option<Side> = None;
    let mut weak: Option<Side> = None;
    let mut conflict = false;
    for c in &cond.clauses {
        let Some((s, is_strong)) = side(c) else {
            continue;
        };
        let slot = if is_strong { &mut strong } else { &mut weak };
        match slot {
            Some(prev) if *prev != s => {
                if is_strong {
                    conflict = true;
                }
            }
            _ => *slot = Some(s),
        }
    }
    if conflict {
        return None;
    }
    strong.or(weak)
}

/// The side one clause selects, and whether it names it (strong) or only excludes the other
/// (weak: `not (ENV == "production")` is not necessarily development).
fn side(c: &Clause) -> Option<(Side, bool)> {
    let mut text = c.text.trim();
    let mut positive = c.holds;
    while let Some(rest) = text
        .strip_prefix("not ")
        .or_else(|| text.strip_prefix("not("))
    {
        positive = !positive;
        text = rest.trim().trim_end_matches(')');
    }
    let lower = text.to_ascii_lowercase();
    if lower.contains("!=")
        || lower.contains(" not in ")
        || lower.contains(" is not ")
        || lower.ends_with("== false")
        || lower.ends_with("is false")
    {
        positive = !positive;
    }
    let words: Vec<&str> = lower
        .split(|ch: char| !ch.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    let named = crate::discover::environment_from_tokens(&words.join("."));
    let s = match named {
        Some(Environment::Production | Environment::Staging) => Side::Deployed,
        Some(Environment::Development | Environment::Test) => Side::NotDeployed,
        _ if words.contains(&"debug") => Side::NotDeployed,
        _ => return None,
    };
    Some(if positive {
        (s, true)
    } else {
        let other = match s {
            Side::Deployed => Side::NotDeployed,
            Side::NotDeployed => Side::Deployed,
        };
        // `not DEBUG` names production as clearly as `DEBUG` names development.
        (other, named.is_none())
    })
}

// ---------------------------------------------------------------------------------------------
// Reporting
// ---------------------------------------------------------------------------------------------

/// A finding about a leaf, before it is placed in a file.
pub(crate) struct Finding {
    at: At,
    message: String,
    help: Option<String>,
    related: Vec<(Span, String)>,
    /// Spans in other files of the project (a PgBouncer setting, a Compose variable), and
    /// whether each holds a secret.
    elsewhere: Vec<(FileId, Span, String, bool)>,
    secret: Option<Span>,
    severity: Option<fn(Severity) -> Severity>,
}

#[derive(Clone, Copy)]
enum At {
    /// A span of the leaf's effective model.
    Model(Span),
    /// The module as a whole: something it never sets.
    Module,
}

impl Finding {
    /// A finding at a span of the leaf's effective model.
    pub(crate) fn at(span: Span, message: impl Into<String>) -> Finding {
        Finding {
            at: At::Model(span),
            message: message.into(),
            help: None,
            related: Vec::new(),
            elsewhere: Vec::new(),
            secret: None,
            severity: None,
        }
    }

    /// A finding about the module as a whole (a setting it never sets).
    pub(crate) fn module(message: impl Into<String>) -> Finding {
        Finding {
            at: At::Module,
            ..Finding::at(Span::default(), message)
        }
    }

    pub(crate) fn help(mut self, help: impl Into<String>) -> Finding {
        self.help = Some(help.into());
        self
    }

    /// A further span of the effective model, with a short message.
    pub(crate) fn related(mut self, span: Span, message: impl Into<String>) -> Finding {
        self.related.push((span, message.into()));
        self
    }

    /// A span of another file of the project, with a short message; `secret` when the span
    /// holds one, so that no output prints its text.
    pub(crate) fn related_in(
        mut self,
        file: FileId,
        span: Span,
        message: impl Into<String>,
        secret: bool,
    ) -> Finding {
        self.elsewhere.push((file, span, message.into(), secret));
        self
    }

    /// The span holds a secret: no output prints its text.
    pub(crate) fn secret(mut self, span: Span) -> Finding {
        self.secret = Some(span);
        self
    }

    /// Adjusts the severity the environment gives (one step down for a milder variant).
    pub(crate) fn adjust(mut self, f: fn(Severity) -> Severity) -> Finding {
        self.severity = Some(f);
        self
    }
}

/// One step more serious, for the worse variant of a finding.
pub(crate) fn raise(s: Severity) -> Severity {
    match s {
        Severity::Info => Severity::Warning,
        _ => Severity::Error,
    }
}

/// The environment `leaf` runs in, when the rule judges it there and its file is reported: a
/// module whose name does not say is as deployed as the services that run it.
pub(crate) fn judged_env(
    ctx: &Ctx<'_>,
    stack: &crate::stack::Stack,
    leaf: &Leaf,
) -> Option<Environment> {
    let env = stack.environment(leaf.file, leaf.env);
    (ctx.applies_to(env) && ctx.project.file(leaf.file).reported).then_some(env)
}

/// Runs `check` on every deployable settings module the rule applies to, and reports its
/// findings where a user would fix them, each once.
pub(crate) fn check_leaves(ctx: &mut Ctx<'_>, mut check: impl FnMut(&Leaf, &mut Vec<Finding>)) {
    let all = leaves(ctx.project);
    let stack = crate::stack::Stack::of(ctx.project);
    let mut seen: HashSet<(FileId, Span, String)> = HashSet::new();
    for leaf in all.iter() {
        let Some(env) = judged_env(ctx, &stack, leaf) else {
            continue;
        };
        let mut findings = Vec::new();
        check(leaf, &mut findings);
        for f in findings {
            let (file, span, inherited) = place(ctx, leaf, f.at);
            if !seen.insert((file, span, f.message.clone())) {
                continue;
            }
            let project = ctx.project;
            let d: &mut Diagnostic =
                ctx.report_as(file, span, f.message, report_env(project, file, env));
            if let Some(h) = f.help {
                d.help(h);
            }
            if let Some((from, local)) = inherited {
                let name = file_name(project, from);
                d.related(from, local, format!("set here, in {name}"));
                if let Some(secret) = f.secret {
                    let (_, s) = leaf.model.locate(secret);
                    d.sensitive(from, s);
                }
            } else if let Some(secret) = f.secret {
                let (i, s) = leaf.model.locate(secret);
                let in_file = leaf.layers.get(i).map_or(leaf.file, |l| l.file);
                d.sensitive(in_file, s);
            }
            for (rspan, msg) in f.related {
                let (i, local) = leaf.model.locate(rspan);
                let in_file = leaf.layers.get(i).map_or(leaf.file, |l| l.file);
                d.related(in_file, local, msg);
            }
            for (file, span, msg, secret) in f.elsewhere {
                if secret {
                    d.sensitive(file, span);
                }
                d.related(file, span, msg);
            }
            if let Some(adjust) = f.severity {
                d.severity = adjust(d.severity);
            }
        }
    }
}

/// The environment a finding in `file` about settings deployed in `env` is judged in: the
/// file's own, unless its name does not say.
pub(crate) fn report_env(project: &Project, file: FileId, env: Environment) -> Environment {
    match project.file(file).source.environment {
        Environment::Unknown => env,
        own => own,
    }
}

/// The file and span a finding goes to; for a value inherited from a module whose own
/// environment would not warrant the finding, the leaf's star import plus where the value is.
fn place(ctx: &Ctx<'_>, leaf: &Leaf, at: At) -> (FileId, Span, Option<(FileId, Span)>) {
    let span = match at {
        At::Module => return (leaf.file, leaf.top(), None),
        At::Model(s) => s,
    };
    let (i, local) = leaf.model.locate(span);
    let Some(layer) = leaf.layers.get(i) else {
        return (leaf.file, leaf.top(), None);
    };
    if layer.file == leaf.file {
        return (leaf.file, local, None);
    }
    let meta = ctx.meta();
    let severity = |f: FileId| {
        meta.scope.severity(
            meta.default_severity,
            ctx.project.file(f).source.environment,
        )
    };
    if severity(layer.file) >= severity(leaf.file) {
        (layer.file, local, None)
    } else {
        let via = layer.via.unwrap_or(leaf.top());
        (leaf.file, via, Some((layer.file, local)))
    }
}

fn file_name(project: &Project, file: FileId) -> String {
    let path = &project.file(file).source.display_path;
    path.rsplit('/').next().unwrap_or(path).to_string()
}

/// Findings for a boolean setting deployed settings should have on, whose Django default is
/// off: never set, set to a false value, or off when its environment variable is missing.
/// `default` is Django's default as written; `consequence` completes "…, so <consequence>".
pub(crate) fn require_on(
    leaf: &Leaf,
    name: &str,
    default: &str,
    consequence: &str,
    help: &str,
    out: &mut Vec<Finding>,
) {
    match leaf.judge(name) {
        Judged::Default(None) if leaf.is_whole() => {
            out.push(Finding::module(format!("{name} is never set, so {consequence}")).help(help))
        }
        Judged::Default(Some(o)) => out.push(
            Finding::at(
                o.span,
                format!(
                    "{name} keeps Django's default ({default}){}, so {consequence}",
                    o.when()
                ),
            )
            .help(help),
        ),
        Judged::Set(_, outcomes) => {
            for o in outcomes {
                if o.value.truthy() != Some(false) {
                    continue;
                }
                let message = if o.uses_default() {
                    format!("{name} is off{}, so {consequence}", o.when())
                } else {
                    format!("{name} is {}, so {consequence}", show(&o.value))
                };
                out.push(Finding::at(o.span, message).help(help));
            }
        }
        _ => {}
    }
}

/// Text for a value in a message: short literals as written in Python.
pub(crate) fn show(v: &Value) -> String {
    match v {
        Value::Str(s) if s.chars().count() <= 40 => format!("{s:?}"),
        Value::Str(_) => "a long string".to_string(),
        Value::Int(i) => i.to_string(),
        Value::Bool(true) => "True".to_string(),
        Value::Bool(false) => "False".to_string(),
        Value::None => "None".to_string(),
        Value::List(i) | Value::Tuple(i) if i.is_empty() => "empty".to_string(),
        other => format!("a {}", other.kind_name()),
    }
}

/// The string items of a list value with their spans; the flag says an item is not a string.
pub(crate) fn string_items(v: &Value) -> Option<(Vec<(String, Span)>, bool)> {
    let items = v.as_list()?;
    let mut out = Vec::new();
    let mut other = false;
    for i in items {
        match &i.value {
            Value::Str(s) => out.push((s.clone(), i.span)),
            _ => other = true,
        }
    }
    Some((out, other))
}

/// Host names that stand in for a real one: `example.com`, `mail.example.org`, `*.invalid`.
pub(crate) fn is_placeholder_host(host: &str) -> bool {
    let h = host.trim().trim_end_matches('.').to_ascii_lowercase();
    let reserved = ["example.com", "example.org", "example.net"];
    reserved
        .iter()
        .any(|r| h == *r || h.ends_with(&format!(".{r}")))
        || [".example", ".invalid", ".test"]
            .iter()
            .any(|t| h.ends_with(t))
        || h.contains("your-")
        || h.contains("yourdomain")
        || h.contains("your_")
        || crate::rules::data::is_placeholder(&h)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn clause(text: &str, holds: bool) -> Clause {
        Clause {
            text: text.to_string(),
            span: Span::default(),
            test: Value::Unknown("test".into()),
            holds,
        }
    }

    #[test]
    fn clauses_name_the_environment_they_select() {
        let s = |t: &str, h: bool| side(&clause(t, h));
        assert_eq!(
            s("DJANGO_ENV == \"production\"", true),
            Some((Side::Deployed, true))
        );
        assert_eq!(
            s("DJANGO_ENV == \"production\"", false),
            Some((Side::NotDeployed, false))
        );
        assert_eq!(
            s("ENVIRONMENT != 'development'", true),
            Some((Side::Deployed, false))
        );
        assert_eq!(s("not DEBUG", true), Some((Side::Deployed, true)));
        assert_eq!(s("DEBUG", true), Some((Side::NotDeployed, true)));
        assert_eq!(
            s("'test' in sys.argv", true),
            Some((Side::NotDeployed, true))
        );
        assert_eq!(s("SSL_ENABLED", true), None);
        assert_eq!(s("USE_S3", false), None);
    }

    #[test]
    fn star_imports_in_try_blocks_are_optional() {
        let text = "from .base import *\ntry:\n    from .local import *\nexcept ImportError:\n    pass\nif X:\n    from .prod import *\n";
        let at = |needle: &str| {
            let i = text.find(needle).unwrap();
            Span::new(i, i + needle.len())
        };
        assert!(matches!(
            enclosing_block(text, at("from .base")),
            Block::TopLevel
        ));
        assert!(matches!(
            enclosing_block(text, at("from .local")),
            Block::Try
        ));
        assert!(matches!(
            enclosing_block(text, at("from .prod")),
            Block::Other
        ));
    }

    #[test]
    fn placeholder_hosts() {
        for h in [
            "example.com",
            "smtp.example.org",
            "mail.invalid",
            "smtp.your-provider.com",
        ] {
            assert!(is_placeholder_host(h), "{h}");
        }
        for h in ["smtp.sendgrid.net", "localhost", "mail.examples.io"] {
            assert!(!is_placeholder_host(h), "{h}");
        }
    }
}
