use std::collections::HashSet;

use crate::diagnostic::Severity;
use crate::kind::{Environment, FileKind};
use crate::parse::python::scan_setting_reads;
use crate::project::Project;
use crate::rule::{Ctx, Rule};
use crate::rules::data::is_django_global_setting;
use crate::rules::django::leaves;

crate::declare_rule! {
    /// ## What it does
    /// Reports project code that reads `settings.NAME` (from `django.conf`) when no settings
    /// module of the project defines `NAME` and Django has no default for it. A read through
    /// `getattr(settings, "NAME", default)` copes with the absence and is reported as
    /// information only.
    ///
    /// The rule is conservative: it only judges when every settings module of the project was
    /// read completely (no star import from a module shiplint cannot see, optional
    /// `try: from .local_settings import *` included, no `globals()` or
    /// `setattr` tricks), skips names the project's apps give defaults to (`AppConf` classes,
    /// `setattr(settings, …)`), and skips tests, which set settings with `override_settings`.
    /// Django's own defaults come from its `global_settings` (release 5.2, plus names older
    /// releases defined).
    ///
    /// ## Why it matters
    /// `django.conf.settings` raises `AttributeError` for a name nothing defines. The code runs
    /// fine wherever a developer's local settings happen to define it, and fails in production
    /// on the first request that reaches the read — often a health check or an error page,
    /// where a failure hurts most.
    ///
    /// ## Example
    /// ```python
    /// # common/health.py; no settings module defines VERSION
    /// from django.conf import settings
    ///
    /// def health(request):
    ///     return JsonResponse({"version": settings.VERSION})
    /// ```
    ///
    /// ## How to fix
    /// Define the setting (`VERSION = os.environ.get("APP_VERSION", "unknown")`), or read it
    /// with a default: `getattr(settings, "VERSION", "unknown")`.
    pub(crate) struct UndefinedSetting {
        code: "DJG026",
        name: "undefined-setting",
        family: Django,
        severity: Error,
        scope: NOT_DEVELOPMENT,
    }
}

impl Rule for UndefinedSetting {
    fn check_project(&self, ctx: &mut Ctx<'_>) {
        let project = ctx.project;
        let all = leaves(project);
        // Every star import must have been read, optional ones included: a git-ignored
        // `local_settings.py` behind `try: from .local_settings import *` may define anything.
        let read_fully =
            |l: &&super::Leaf| l.complete() && l.model.star_imports.len() < l.model.layer_count();
        if all.is_empty() || !all.iter().all(|l| read_fully(&l)) || dynamic_settings(project) {
            return;
        }
        let mut defined: HashSet<&str> = HashSet::new();
        for f in project.files() {
            if let Some(m) = f.model.django_settings() {
                defined.extend(m.settings.iter().map(|s| s.name.as_str()));
            }
        }
        for leaf in all.iter() {
            defined.extend(leaf.model.settings.iter().map(|s| s.name.as_str()));
        }
        let app_defaults = app_default_prefixes(project);
        for file in project.files_of_kind(FileKind::PythonSource) {
            if !file.reported || !ctx.applies_to(file.source.environment) || is_test(file) {
                continue;
            }
            let text = &file.source.text;
            if !text.contains("django.conf") || text.contains("override_settings") {
                continue;
            }
            for read in scan_setting_reads(text) {
                let name = read.name.as_str();
                if defined.contains(name)
                    || is_django_global_setting(name)
                    || app_defaults.iter().any(|p| name.starts_with(p.as_str()))
                {
                    continue;
                }
                if read.with_default {
                    let d = ctx.report(
                        file.id,
                        read.span,
                        format!(
                            "no settings module defines {name}, so this read always gets its \
                             default"
                        ),
                    );
                    d.help(format!(
                        "define {name} in the settings if it is meant to be configured, or \
                         use the default directly"
                    ));
                    d.severity = Severity::Info;
                } else {
                    let d = ctx.report(
                        file.id,
                        read.span,
                        format!(
                            "`settings.{name}` is read, but no settings module defines {name} \
                             and Django has no default for it: the read raises AttributeError"
                        ),
                    );
                    d.help(format!(
                        "define {name} in the settings, or read it with getattr(settings, \
                         \"{name}\", <default>)"
                    ));
                    // Point at a deployed module when there is one.
                    let rank = |e: Environment| match e {
                        Environment::Production => 0,
                        Environment::Staging => 1,
                        Environment::Unknown => 2,
                        _ => 3,
                    };
                    let Some(leaf) = all.iter().min_by_key(|l| rank(l.env)) else {
                        continue;
                    };
                    d.related(
                        leaf.file,
                        leaf.top(),
                        format!("{name} is not defined in these settings"),
                    );
                }
            }
        }
    }
}

/// Test modules set settings with `override_settings` and fixtures.
fn is_test(file: &crate::project::ParsedFile) -> bool {
    let path = file.source.display_path.to_ascii_lowercase();
    let name = path.rsplit('/').next().unwrap_or(&path);
    name.starts_with("test") || name == "conftest.py" || name.ends_with("_tests.py") || {
        path.split('/').any(|d| d == "tests" || d == "test")
    }
}

/// Whether a settings module defines names in ways a static reading cannot follow.
fn dynamic_settings(project: &Project) -> bool {
    project
        .files()
        .filter(|f| f.model.django_settings().is_some())
        .any(|f| {
            let t = &f.source.text;
            t.contains("globals()") || t.contains("setattr(") || t.contains("exec(")
        })
}

/// Prefixes of settings the project's own apps give defaults to: `class Meta: prefix = "x"`
/// of a django-appconf `AppConf` (settings `X_…`), or any name when an app sets defaults
/// with `setattr(settings, …)` (then everything is skipped with an empty prefix).
fn app_default_prefixes(project: &Project) -> Vec<String> {
    let mut out = Vec::new();
    for f in project.files_of_kind(FileKind::PythonSource) {
        let t = &f.source.text;
        if t.contains("setattr(settings") {
            out.push(String::new());
        }
        // django-appconf, not Django's AppConfig.
        if !t.contains("from appconf import") && !t.contains("import appconf") {
            continue;
        }
        let mut found = false;
        for line in t.lines() {
            let l = line.trim();
            if let Some(rest) = l.strip_prefix("prefix") {
                let v = rest.trim_start().trim_start_matches('=').trim();
                let v = v.trim_matches(['"', '\'']);
                if !v.is_empty() && v.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
                    out.push(format!("{}_", v.to_ascii_uppercase()));
                    found = true;
                }
            }
        }
        if !found {
            // The prefix defaults to the app's label, which is not known here.
            out.push(String::new());
        }
    }
    out
}
