use crate::kind::FileKind;
use crate::rule::{Ctx, Rule};
use crate::rules::django::leaves;
use crate::source::Span;

crate::declare_rule! {
    /// ## What it does
    /// Reports an app of the project — a package with an `apps.py` declaring an `AppConfig`
    /// with `name = "..."` — that no settings module lists in `INSTALLED_APPS`, neither by
    /// its dotted path (`billing`, `apps.billing` for a nested package) nor by its config
    /// class (`billing.apps.BillingConfig`).
    ///
    /// It only judges when every settings module's `INSTALLED_APPS` is known (no list built
    /// by a loop or read from the environment). Apps under `tests/`, `docs/` and `examples/`
    /// folders are skipped.
    ///
    /// ## Why it matters
    /// An app missing from `INSTALLED_APPS` is silently half-there: its models get no
    /// migrations and no tables, its admin registrations, signals, template tags and
    /// management commands do nothing, while its views may still be routed. The failure shows
    /// up as `no such table` or a missing page in production, long after the app was written.
    ///
    /// ## Example
    /// ```python
    /// # communities/apps.py
    /// from django.apps import AppConfig
    ///
    /// class CommunitiesConfig(AppConfig):
    ///     name = "communities"
    /// ```
    /// with settings whose `INSTALLED_APPS` lists `common` but not `communities`.
    ///
    /// ## How to fix
    /// Add the app to `INSTALLED_APPS` (`"communities"` or
    /// `"communities.apps.CommunitiesConfig"`), or delete the package if it is dead code.
    pub(crate) struct AppNotInstalled {
        code: "DJG027",
        name: "app-not-installed",
        family: Django,
        severity: Warning,
        scope: NOT_DEVELOPMENT,
    }
}

impl Rule for AppNotInstalled {
    fn check_project(&self, ctx: &mut Ctx<'_>) {
        let project = ctx.project;
        let all = leaves(project);
        let whole: Vec<_> = all.iter().filter(|l| l.is_whole()).collect();
        if whole.is_empty() {
            return;
        }
        for file in project.index.files_named(std::ffi::OsStr::new("apps.py")) {
            let file = project.file(*file);
            if file.source.kind != FileKind::PythonSource
                || !file.reported
                || !ctx.applies_to(file.source.environment)
            {
                continue;
            }
            let path = file.source.display_path.to_ascii_lowercase();
            if path
                .split('/')
                .any(|d| matches!(d, "tests" | "test" | "docs" | "examples" | "example"))
            {
                continue;
            }
            for (class, name, span) in app_configs(&file.source.text) {
                let class_path = format!("{name}.apps.{class}");
                let mut unknown = false;
                let mut installed = false;
                for leaf in &whole {
                    match leaf.list_has("INSTALLED_APPS", |x| {
                        x == name || x == class_path || x.starts_with(&format!("{name}.apps."))
                    }) {
                        Some(true) => installed = true,
                        Some(false) => {}
                        None => unknown = true,
                    }
                }
                if installed || unknown {
                    continue;
                }
                let d = ctx.report(
                    file.id,
                    span,
                    format!(
                        "the app `{name}` is not in INSTALLED_APPS: its models, migrations, \
                         admin, signals and template tags are not loaded"
                    ),
                );
                d.help(format!(
                    "add \"{name}\" (or \"{class_path}\") to INSTALLED_APPS, or delete the \
                     app if it is unused"
                ));
                for leaf in &whole {
                    if let Some(s) = leaf.setting("INSTALLED_APPS") {
                        let (f, local) = leaf.locate(s.name_span);
                        d.related(f, local, "INSTALLED_APPS is set here");
                        break;
                    }
                }
            }
        }
    }
}

/// `class XConfig(AppConfig):` with its `name = "..."`: the class, the name and its span.
fn app_configs(text: &str) -> Vec<(String, String, Span)> {
    let mut out = Vec::new();
    let mut class: Option<String> = None;
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let start = offset;
        offset += line.len();
        let trimmed = line.trim_start();
        let indent = line.len() - trimmed.len();
        if indent == 0 && !trimmed.trim().is_empty() && !trimmed.starts_with('#') {
            class = None;
            if let Some(rest) = trimmed.strip_prefix("class ") {
                let Some((cls, bases)) = rest.split_once('(') else {
                    continue;
                };
                let bases = bases.split(')').next().unwrap_or_default();
                if bases.split(',').any(|b| b.trim().ends_with("AppConfig")) {
                    class = Some(cls.trim().to_string());
                }
            }
            continue;
        }
        let Some(cls) = &class else {
            continue;
        };
        let Some(rest) = trimmed.strip_prefix("name") else {
            continue;
        };
        let Some(value) = rest.trim_start().strip_prefix('=') else {
            continue;
        };
        let value = value.trim_start();
        let Some(quote) = value.chars().next().filter(|q| *q == '"' || *q == '\'') else {
            continue;
        };
        let body = &value[1..];
        let Some(end) = body.find(quote) else {
            continue;
        };
        let name = &body[..end];
        if name.is_empty()
            || !name
                .split('.')
                .all(|p| !p.is_empty() && p.chars().all(|c| c.is_alphanumeric() || c == '_'))
        {
            continue;
        }
        let at = start + (line.len() - body.len());
        out.push((cls.clone(), name.to_string(), Span::new(at, at + end)));
        class = None;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn app_configs_give_their_class_and_name() {
        let text = "from django.apps import AppConfig\n\n\nclass BillingConfig(AppConfig):\n    default_auto_field = \"x\"\n    name = \"apps.billing\"\n\nclass Other:\n    name = \"no\"\n";
        let got = app_configs(text);
        assert_eq!(got.len(), 1);
        let (class, name, span) = &got[0];
        assert_eq!(
            (class.as_str(), name.as_str()),
            ("BillingConfig", "apps.billing")
        );
        assert_eq!(&text[span.range()], "apps.billing");
        assert!(app_configs("class X(AppConfig):\n    name = get_name()\n").is_empty());
    }
}
