use crate::rule::{Ctx, Rule};
use crate::rules::django::{check_leaves, show, text_as_bool, Finding, Judged};

crate::declare_rule! {
    /// ## What it does
    /// Reports `DEBUG` turned on in deployed settings: set to `True`, defaulting to true when its
    /// environment variable is missing (`os.environ.get("DEBUG", "True")`,
    /// `env.bool("DEBUG", default=True)`), or read as raw text and used as a boolean
    /// (`bool(os.environ.get("DEBUG", "False"))`, `DEBUG = os.environ.get("DEBUG")`), where any
    /// non-empty value — `"False"` and `"0"` included — turns it on. Mirrors Django's
    /// `security.W018`.
    ///
    /// Values are judged as a deployed instance gets them: for an environment read, the
    /// default used when the variable is unset; for `if`/`else` on the environment, the branch
    /// for production. Development and test settings are not checked.
    ///
    /// ## Why it matters
    /// With `DEBUG` on, every error page shows the source around the failing line, the full
    /// settings (with secrets only partly masked), environment variables and SQL queries to
    /// anyone who can trigger an exception. Django also keeps every SQL query in memory, and
    /// `ALLOWED_HOSTS` stops protecting against unknown hosts on `localhost` variants. A
    /// missing variable in the deploy environment is enough to turn it on.
    ///
    /// ## Example
    /// ```python title="app/settings/production.py"
    /// import os
    ///
    /// DEBUG = os.environ.get("DEBUG", "True") == "True"
    /// ALLOWED_HOSTS = ["shop.example.org"]
    /// ```
    ///
    /// ## How to fix
    /// Default to off and parse the variable as a boolean:
    /// ```python title="app/settings/production.py"
    /// import os
    ///
    /// DEBUG = os.environ.get("DEBUG", "False").lower() in ("1", "true", "yes")
    /// ALLOWED_HOSTS = ["shop.example.org"]
    /// ```
    /// With django-environ, `env.bool("DEBUG", default=False)`; with python-decouple,
    /// `config("DEBUG", default=False, cast=bool)`.
    pub(crate) struct DebugEnabled {
        code: "DJG001",
        name: "debug-enabled",
        family: Django,
        severity: Error,
        scope: DEPLOYED,
    }
}

const HELP: &str = "turn DEBUG off in deployed settings, or read it as a boolean that defaults \
                    to False: env.bool(\"DEBUG\", default=False)";

impl Rule for DebugEnabled {
    fn check_project(&self, ctx: &mut Ctx<'_>) {
        check_leaves(ctx, |leaf, out| {
            if leaf.guarded("DEBUG") {
                return;
            }
            let Judged::Set(_, outcomes) = leaf.judge("DEBUG") else {
                return;
            };
            for o in outcomes {
                if o.value.truthy() == Some(true) {
                    let what = match &o.value {
                        crate::parse::python::Value::Str(_) => {
                            format!("the string {}, which Python treats as true", show(&o.value))
                        }
                        v => show(v),
                    };
                    let message = if o.uses_default() {
                        format!("DEBUG defaults to {what}{}", o.when())
                    } else {
                        format!("DEBUG is {what}")
                    };
                    out.push(Finding::at(o.span, message).help(HELP));
                } else if let Some(l) = text_as_bool(&o.expr.value) {
                    out.push(
                        Finding::at(
                            o.expr.span,
                            format!(
                                "DEBUG is the raw text of the {} variable, so any non-empty \
                                 value turns it on, \"False\" included",
                                l.name
                            ),
                        )
                        .help(HELP),
                    );
                }
            }
        });
    }
}
