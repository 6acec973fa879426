use super::{deployed_environment, deployed_where_in, env_file, flip_fix, is_truthy, negate};
use crate::project::ParsedFile;
use crate::rule::{Ctx, Rule};

/// Variables that switch a web framework's debug mode on: Django (`DEBUG`, django-environ's
/// `DJANGO_DEBUG`), Laravel and Symfony (`APP_DEBUG`), Flask (`FLASK_DEBUG`).
const DEBUG_KEYS: &[&str] = &["DEBUG", "DJANGO_DEBUG", "APP_DEBUG", "FLASK_DEBUG"];

crate::declare_rule! {
    /// ## What it does
    /// Reports a framework's debug switch turned on — `DEBUG`, `DJANGO_DEBUG`, `APP_DEBUG`
    /// (Laravel, Symfony) or `FLASK_DEBUG` set to `True`, `1`, `yes` or `on` — in a production or
    /// staging env file, and in a `.env` whose environment is unknown (one step lower).
    ///
    /// Templates for production or staging (`.env.production.example`, `.env.staging.sample`)
    /// are held to the same standard, at the same severity: deployers copy them with their
    /// values. Generic and development templates (`.env.example`, `.env.dev.example`) are not.
    ///
    /// ## Why it matters
    /// Debug mode turns every error into a page for whoever caused it: Django's shows the
    /// settings (with secrets partly masked, not all), the SQL and local variables of every
    /// frame; Laravel's Ignition page and Flask's Werkzeug debugger have allowed running code on
    /// the server. Django in debug mode also keeps every SQL query in memory and serves static
    /// files itself. None of it fails a deploy, so it goes unnoticed until someone finds the
    /// page.
    ///
    /// ## Example
    /// ```sh title=".env.production"
    /// DEBUG=True
    /// APP_DEBUG=true
    /// ```
    ///
    /// ## How to fix
    /// ```sh title=".env.production"
    /// DEBUG=False
    /// APP_DEBUG=false
    /// ```
    /// Keep debugging on in development files (`.env.dev`, `.env.local`): they are not reported.
    pub(crate) struct DebugEnabled {
        code: "ENV004",
        name: "debug-enabled-in-env-file",
        family: Env,
        severity: Error,
        scope: DEPLOYED,
    }
}

impl Rule for DebugEnabled {
    fn check_file(&self, file: &ParsedFile, ctx: &mut Ctx<'_>) {
        let Some(env) = env_file(file) else { return };
        let environment = deployed_environment(file);
        if !ctx.applies_to(environment) {
            return;
        }
        for entry in &env.entries {
            if !DEBUG_KEYS.contains(&entry.key.as_str()) || !is_truthy(&entry.value) {
                continue;
            }
            let replacement = negate(file.source.slice(entry.content_span));
            let d = ctx.report_as(file.id, entry.content_span, format!("`{}` turns debug mode on {}", entry.key, deployed_where_in(file, environment)), environment)
                .help(format!(
                    "set `{}={replacement}`: debug pages show settings, queries and code to anyone who triggers an error",
                    entry.key
                ));
            if let Some(fix) = flip_fix(file, entry, format!("turn `{}` off", entry.key)) {
                d.fix(fix);
            }
        }
    }
}
