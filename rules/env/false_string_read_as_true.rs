use std::collections::{BTreeMap, HashSet};

use super::{env_file, is_falsy};
use crate::kind::{Environment, FileKind};
use crate::parse::python::{Cast, Clause, EnvLookup, Guard, Setting, Step, Value};
use crate::project::Project;
use crate::rule::{Ctx, Rule};
use crate::source::{FileId, Span};

crate::declare_rule! {
    /// ## What it does
    /// Reports an env file or template that sets a variable to a false-looking text —
    /// `False`, `false`, `0`, `no`, `off` — when a settings module of the project reads that
    /// variable with plain `os.environ.get`/`os.getenv` and uses the text directly as a
    /// boolean: as a boolean setting (`DEBUG`, `SECURE_SSL_REDIRECT`, … or one whose fallback
    /// is `True`/`False`), in an `if`, under `not` or through `bool(...)`. The settings line is
    /// a related location.
    ///
    /// Reads that compare or convert the text (`os.getenv("DEBUG") == "True"`,
    /// `env.bool("DEBUG")`, `config("DEBUG", cast=bool)`) are fine and not reported, nor are
    /// development and test files and settings modules, nor a read that every deployable
    /// settings module overrides (`DEBUG = False` in `production.py`).
    ///
    /// ## Why it matters
    /// `os.environ.get` returns text, and every non-empty text is true in Python:
    /// `"False"`, `"0"` and `"off"` included. `DEBUG=False` in the production `.env` then
    /// turns debug mode *on*, with settings, SQL and stack frames shown to anyone who triggers
    /// an error; `SECURE_SSL_REDIRECT=False` keeps redirecting. The file reads as safe, so
    /// nobody looks.
    ///
    /// ## Example
    /// `app/settings.py`:
    /// ```python
    /// import os
    /// DEBUG = os.environ.get("DEBUG", False)
    /// ```
    /// `.env.production` — `False` is reported:
    /// ```sh
    /// DEBUG=False
    /// ```
    ///
    /// ## How to fix
    /// Compare the text in the settings, so that only an explicit true value turns it on:
    /// ```python
    /// import os
    /// DEBUG = os.environ.get("DEBUG", "False").lower() in ("1", "true", "yes")
    /// ```
    /// or read it with a library that casts (`env.bool("DEBUG", default=False)`), or leave the
    /// variable empty (`DEBUG=`).
    pub(crate) struct FalseStringReadAsTrue {
        code: "ENV019",
        name: "false-string-read-as-true",
        family: Env,
        severity: Warning,
        scope: NOT_DEVELOPMENT,
    }
}

/// Django settings that are booleans: a plain read assigned to one is used as a boolean.
const BOOLEAN_SETTINGS: &[&str] = &[
    "DEBUG",
    "TEMPLATE_DEBUG",
    "SECURE_SSL_REDIRECT",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "SESSION_COOKIE_HTTPONLY",
    "CSRF_COOKIE_HTTPONLY",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SECURE_CONTENT_TYPE_NOSNIFF",
    "SESSION_EXPIRE_AT_BROWSER_CLOSE",
    "USE_TZ",
    "USE_I18N",
    "USE_L10N",
    "USE_X_FORWARDED_HOST",
    "USE_X_FORWARDED_PORT",
    "APPEND_SLASH",
    "EMAIL_USE_TLS",
    "EMAIL_USE_SSL",
    "CORS_ALLOW_ALL_ORIGINS",
    "CORS_ORIGIN_ALLOW_ALL",
    "CORS_ALLOW_CREDENTIALS",
];

/// Where a settings module uses a variable's text as a boolean.
#[derive(Clone, Debug)]
struct BooleanRead {
    file: FileId,
    name_span: Span,
    /// How, for the message: `DEBUG = os.environ.get(…)`, `an if`.
    how: String,
}

/// The variables settings modules read with plain `os.environ.get` and use as booleans, by
/// name, in file order.
struct BooleanReads(BTreeMap<String, Vec<BooleanRead>>);

impl BooleanReads {
    fn build(project: &Project) -> BooleanReads {
        let mut out: BTreeMap<String, Vec<BooleanRead>> = BTreeMap::new();
        for file in project.files.iter().filter(|f| {
            f.source.kind == FileKind::DjangoSettingsSource
                && !matches!(
                    f.source.environment,
                    Environment::Development | Environment::Test
                )
        }) {
            let Some(module) = file.model.django_settings() else {
                continue;
            };
            let mut add = |lookup: &EnvLookup, how: String| {
                out.entry(lookup.name.clone())
                    .or_default()
                    .push(BooleanRead {
                        file: file.id,
                        name_span: lookup.name_span,
                        how,
                    });
            };
            boolean_uses(module.settings.iter(), &module.guards, &mut add);
        }
        // A read a deployed settings module overrides (`DEBUG = False` in production.py) does
        // not decide anything there: keep the names a deployable module's final values use.
        let leaves = crate::rules::django::leaves(project);
        let deployable = || {
            leaves
                .iter()
                .filter(|l| !matches!(l.env, Environment::Development | Environment::Test))
        };
        if deployable().next().is_some() {
            let mut deployed = HashSet::new();
            for leaf in deployable() {
                let finals = leaf
                    .model
                    .settings
                    .iter()
                    .filter_map(|s| leaf.setting(&s.name));
                boolean_uses(finals, &leaf.model.guards, &mut |l, _| {
                    deployed.insert(l.name.clone());
                });
            }
            out.retain(|name, _| deployed.contains(name));
        }
        for reads in out.values_mut() {
            reads.sort_by_key(|r| (r.file, r.name_span.start));
            reads.dedup_by_key(|r| (r.file, r.name_span));
        }
        BooleanReads(out)
    }
}

/// Calls `add` with every plain read that `settings` and `guards` use as a boolean, and how.
fn boolean_uses<'a>(
    settings: impl Iterator<Item = &'a Setting>,
    guards: &[Guard],
    add: &mut dyn FnMut(&EnvLookup, String),
) {
    for setting in settings {
        walk(&setting.value.value, &mut |lookup, in_test| {
            if in_test {
                add(lookup, "a condition".to_string());
            } else if BOOLEAN_SETTINGS.contains(&setting.name.as_str())
                || matches!(
                    lookup.default.as_deref().map(|d| &d.value),
                    Some(Value::Bool(_))
                )
            {
                add(lookup, format!("the boolean setting `{}`", setting.name));
            }
        });
    }
    for guard in guards {
        for clause in &guard.condition.clauses {
            tested(clause, &mut |lookup| add(lookup, "a condition".to_string()));
        }
    }
}

/// The plain `os.environ.get` read a value is, directly or through `not`/`bool()` only.
fn plain_truthiness(value: &Value) -> Option<&EnvLookup> {
    match value {
        Value::Env(l) if l.plain_os_get => Some(l),
        Value::Derived(d) if d.lookup.plain_os_get => d
            .steps
            .iter()
            .all(|s| matches!(s, Step::Not | Step::Convert(Cast::Bool)))
            .then_some(&d.lookup),
        _ => None,
    }
}

fn tested(clause: &Clause, found: &mut dyn FnMut(&EnvLookup)) {
    if let Some(l) = plain_truthiness(&clause.test) {
        found(l);
    }
}

/// Calls `found` with each plain read `value` yields as its value (`false`) or tests in a
/// branch condition (`true`).
fn walk(value: &Value, found: &mut dyn FnMut(&EnvLookup, bool)) {
    match value {
        Value::Alternatives(branches) => {
            for (condition, branch) in branches {
                for clause in &condition.clauses {
                    tested(clause, &mut |l| found(l, true));
                }
                walk(&branch.value, found);
            }
        }
        v => {
            if let Some(l) = plain_truthiness(v) {
                found(l, false);
            }
        }
    }
}

impl Rule for FalseStringReadAsTrue {
    fn check_project(&self, ctx: &mut Ctx<'_>) {
        let project = ctx.project;
        let reads = project.derived(BooleanReads::build);
        if reads.0.is_empty() {
            return;
        }
        for file in project
            .files_of_kind(FileKind::Env)
            .chain(project.files_of_kind(FileKind::EnvTemplate))
        {
            let Some(env) = env_file(file) else { continue };
            if !ctx.applies_to(file.source.environment) {
                continue;
            }
            for entry in &env.entries {
                if entry.equals.is_none() || !is_falsy(&entry.value) {
                    continue;
                }
                let Some(found) = reads.0.get(&entry.key) else {
                    continue;
                };
                let first = &found[0];
                let d = ctx
                    .report(
                        file.id,
                        entry.content_span,
                        format!(
                            "`{}={}` turns `{}` on: the settings read it with plain `os.environ.get` and use the text in {}, and every non-empty text is true",
                            entry.key, entry.value, entry.key, first.how
                        ),
                    )
                    .help(format!(
                        "compare the text in the settings (`os.environ.get(\"{0}\", \"\").lower() in (\"1\", \"true\")`) or read it with `env.bool`; until then, leave it empty (`{0}=`) to turn it off",
                        entry.key
                    ));
                for read in found {
                    d.related(read.file, read.name_span, "read here as a boolean");
                }
            }
        }
    }
}
