use std::collections::HashSet;

use crate::diagnostic::{Applicability, Edit, Fix};
use crate::kind::{Environment, FileKind};
use crate::parse::compose::KeyValue;
use crate::parse::interpolate::Piece;
use crate::project::ParsedFile;
use crate::rule::{Ctx, Rule};
use crate::source::Span;

use super::{
    development_marker, is_development_name, is_development_settings_module, literal_value,
    truthiness, DEBUG_VARIABLES, ENVIRONMENT_VARIABLES,
};

crate::declare_rule! {
    /// ## What it does
    /// Reports a setting left at its development value in a deployed Compose file — debug mode
    /// on, HTTPS enforcement off, `ALLOWED_HOSTS` of `*` or only `localhost`, a development
    /// environment name, local-only CORS origins — whether it is a service's `environment:`
    /// value or the fallback of an interpolation (`${DEBUG:-True}`). The settings checked:
    ///
    /// - debug mode on: `DEBUG`, `DJANGO_DEBUG`, `FLASK_DEBUG`, `APP_DEBUG` true;
    /// - HTTPS enforcement off: `SSL_ENABLED`, `SECURE_SSL_REDIRECT`, `SESSION_COOKIE_SECURE`,
    ///   `CSRF_COOKIE_SECURE` false;
    /// - `ALLOWED_HOSTS` that is `*`, or only local names (`localhost`, `127.0.0.1`);
    /// - the application told it runs in development: `DJANGO_ENV`, `ENVIRONMENT`, `APP_ENV`,
    ///   `NODE_ENV`, `RAILS_ENV`, … `development`, or a `DJANGO_SETTINGS_MODULE` ending in
    ///   `.dev`/`.local`;
    /// - CORS or CSRF trusted origins that are only `localhost` URLs, or that allow every
    ///   origin.
    ///
    /// These are one rule because they are one mistake with one fix: a value meant for a
    /// developer's machine reaches a deployed file, and the fix is to give the deployed value or
    /// to require it from the deploy environment.
    ///
    /// In production and staging files both literal values and fallbacks are reported. In a
    /// file of unknown environment only fallbacks are: a literal development value there says
    /// the file is for development, while a fallback silently applies to whoever deploys
    /// without the variable.
    ///
    /// ## Why it matters
    /// Debug mode serves tracebacks with settings and source code to anyone who triggers an
    /// error. Without HTTPS enforcement, session cookies travel in clear text. `ALLOWED_HOSTS`
    /// of `*` opens the door to Host-header poisoning of password-reset links; a list of only
    /// `localhost` makes the real domain answer 400. A fallback is the worst form: the file
    /// looks configured, and the development value applies exactly when someone forgets the
    /// variable on a new server.
    ///
    /// ## Example
    /// ```yaml title="docker-compose.prod.yml"
    /// services:
    ///   app:
    ///     image: registry.example.org/app:1.4.2
    ///     environment:
    ///       DEBUG: ${DEBUG:-True}
    ///       SECURE_SSL_REDIRECT: "false"
    ///       ALLOWED_HOSTS: ${ALLOWED_HOSTS:-localhost,127.0.0.1}
    ///       NODE_ENV: development
    /// ```
    ///
    /// ## How to fix
    /// Give deployed files their production values, and make fallbacks safe or required:
    /// ```yaml title="docker-compose.prod.yml"
    /// services:
    ///   app:
    ///     image: registry.example.org/app:1.4.2
    ///     environment:
    ///       DEBUG: ${DEBUG:-False}
    ///       SECURE_SSL_REDIRECT: "true"
    ///       ALLOWED_HOSTS: ${ALLOWED_HOSTS:?list the public host names}
    ///       NODE_ENV: production
    /// ```
    /// When TLS ends at a proxy that already redirects to HTTPS, turning the application's own
    /// redirect off is deliberate: suppress the finding with that reason.
    pub(crate) struct DevelopmentSetting {
        code: "CMP004",
        name: "development-setting",
        family: Compose,
        severity: Error,
        scope: DEPLOYED,
    }
}

/// The kinds of settings checked, each with what its development value does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Setting {
    Debug,
    Https,
    AllowedHosts,
    EnvironmentName,
    SettingsModule,
    Origins,
    AllowAllOrigins,
}

const HTTPS_VARIABLES: &[&str] = &[
    "SSL_ENABLED",
    "SECURE_SSL_REDIRECT",
    "DJANGO_SECURE_SSL_REDIRECT",
    "SESSION_COOKIE_SECURE",
    "DJANGO_SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "DJANGO_CSRF_COOKIE_SECURE",
];

const HOSTS_VARIABLES: &[&str] = &["ALLOWED_HOSTS", "DJANGO_ALLOWED_HOSTS"];

const ORIGINS_VARIABLES: &[&str] = &[
    "CORS_ALLOWED_ORIGINS",
    "DJANGO_CORS_ALLOWED_ORIGINS",
    "CORS_ORIGIN_WHITELIST",
    "CORS_ORIGINS",
    "CORS_ALLOW_ORIGIN",
    "CSRF_TRUSTED_ORIGINS",
    "DJANGO_CSRF_TRUSTED_ORIGINS",
];

const ALLOW_ALL_VARIABLES: &[&str] = &["CORS_ALLOW_ALL_ORIGINS", "CORS_ORIGIN_ALLOW_ALL"];

impl Setting {
    fn of(name: &str) -> Option<Setting> {
        let upper = name.to_ascii_uppercase();
        let is = |list: &[&str]| list.contains(&upper.as_str());
        Some(if is(DEBUG_VARIABLES) {
            Setting::Debug
        } else if is(HTTPS_VARIABLES) {
            Setting::Https
        } else if is(HOSTS_VARIABLES) {
            Setting::AllowedHosts
        } else if is(ENVIRONMENT_VARIABLES) {
            Setting::EnvironmentName
        } else if upper == "DJANGO_SETTINGS_MODULE" {
            Setting::SettingsModule
        } else if is(ORIGINS_VARIABLES) {
            Setting::Origins
        } else if is(ALLOW_ALL_VARIABLES) {
            Setting::AllowAllOrigins
        } else {
            return None;
        })
    }

    /// What `value` does when it is a development value for this setting, `None` when it is
    /// fine.
    fn problem(self, value: &str) -> Option<&'static str> {
        match self {
            Setting::Debug => (truthiness(value) == Some(true))
                .then_some("turns debug mode on: error pages show settings and source code"),
            Setting::Https => {
                (truthiness(value) == Some(false)).then_some("turns HTTPS enforcement off")
            }
            Setting::AllowedHosts => {
                let hosts = list_items(value);
                if hosts.contains(&"*") {
                    Some("accepts any Host header")
                } else if !hosts.is_empty() && hosts.iter().all(|h| is_local_host(h)) {
                    Some("accepts only local host names, so requests to the real domain fail")
                } else {
                    None
                }
            }
            Setting::EnvironmentName => {
                is_development_name(value).then_some("runs the application in development mode")
            }
            Setting::SettingsModule => {
                is_development_settings_module(value).then_some("loads development settings")
            }
            Setting::Origins => {
                let origins = list_items(value);
                if origins.contains(&"*") {
                    Some("allows every origin")
                } else if !origins.is_empty() && origins.iter().all(|o| is_local_origin(o)) {
                    Some("allows only local origins, so the deployed front end is refused")
                } else {
                    None
                }
            }
            Setting::AllowAllOrigins => {
                (truthiness(value) == Some(true)).then_some("allows every origin")
            }
        }
    }

    /// A safe fallback to suggest, when there is one value that fits every deployment.
    fn safe_fallback(self) -> Option<&'static str> {
        match self {
            Setting::Debug | Setting::AllowAllOrigins => Some("False"),
            Setting::Https => Some("True"),
            Setting::EnvironmentName => Some("production"),
            _ => None,
        }
    }

    fn deployed_value(self) -> &'static str {
        match self {
            Setting::Debug | Setting::AllowAllOrigins => "False",
            Setting::Https => "True",
            Setting::AllowedHosts => "the public host names",
            Setting::EnvironmentName => "production",
            Setting::SettingsModule => "the production settings module",
            Setting::Origins => "the public origins of the front end",
        }
    }
}

/// The items of a list setting, split on commas and spaces, with JSON-ish brackets and quotes
/// removed (`["a", "b"]`).
fn list_items(value: &str) -> Vec<&str> {
    value
        .split([',', ' ', '\t', ';'])
        .map(|s| s.trim_matches(|c: char| matches!(c, '[' | ']' | '"' | '\'')))
        .filter(|s| !s.is_empty())
        .collect()
}

fn is_local_host(host: &str) -> bool {
    let host = host.to_ascii_lowercase();
    let host = host.trim_start_matches('.');
    matches!(
        host,
        "localhost" | "127.0.0.1" | "::1" | "[::1]" | "0.0.0.0" | "host.docker.internal"
    ) || host.ends_with(".localhost")
}

/// `http://localhost:3000`, `http://127.0.0.1`.
fn is_local_origin(origin: &str) -> bool {
    let rest = origin.split_once("://").map_or(origin, |(_, r)| r);
    let authority = rest.split('/').next().unwrap_or_default();
    let host = if authority.starts_with('[') {
        authority
            .split_once(']')
            .map_or(authority, |(h, _)| h)
            .trim_start_matches('[')
    } else {
        authority.split(':').next().unwrap_or_default()
    };
    is_local_host(host)
}

impl Rule for DevelopmentSetting {
    fn check_file(&self, file: &ParsedFile, ctx: &mut Ctx<'_>) {
        let env = file.source.environment;
        if file.source.kind != FileKind::Compose || !ctx.applies_to(env) {
            return;
        }
        let Some(compose) = file.model.compose() else {
            return;
        };
        let unknown = env == Environment::Unknown;
        if unknown && development_marker(compose).is_some() {
            return;
        }
        let text = file.source.text.as_str();
        let mut seen: HashSet<Span> = HashSet::new();
        for service in &compose.services {
            for var in &service.environment {
                let Some(setting) = Setting::of(&var.name) else {
                    continue;
                };
                let Some(value_span) = var.value_span else {
                    continue;
                };
                if !seen.insert(value_span) {
                    continue;
                }
                if let Some(value) = literal_value(var) {
                    if unknown {
                        continue;
                    }
                    if let Some(problem) = setting.problem(value) {
                        ctx.report(
                            file.id,
                            value_span,
                            format!(
                                "`{}` is `{}` in a {env} file, which {problem}",
                                var.name,
                                value.trim()
                            ),
                        )
                        .help(format!(
                            "set it to {} for deployed files",
                            setting.deployed_value()
                        ));
                    }
                    continue;
                }
                check_fallback(ctx, file, var, setting, text);
            }
        }
    }
}

/// Ex) `DEBUG: ${DEBUG:-True}`: a value that is one expression whose fallback is literal.
fn check_fallback(
    ctx: &mut Ctx<'_>,
    file: &ParsedFile,
    var: &KeyValue,
    setting: Setting,
    text: &str,
) {
    let Some(located) = var.located(text) else {
        return;
    };
    let [Piece::Expr(expr)] = located.template.pieces.as_slice() else {
        return;
    };
    if !expr.op.is_default() {
        return;
    }
    let Some(operand) = &expr.operand else {
        return;
    };
    let Some(fallback) = operand.literal(&located.source) else {
        return;
    };
    let Some(problem) = setting.problem(&fallback) else {
        return;
    };
    let span = located.file_span(expr.span);
    let name = &expr.name;
    let help = match setting.safe_fallback() {
        Some(safe) => format!(
            "fall back to a safe value (${{{name}:-{safe}}}) or require the variable (${{{name}:?{name} is required}})"
        ),
        None => format!(
            "require the variable (${{{name}:?{name} is required}}) so that a deploy without it fails"
        ),
    };
    let unset = if *name == var.name {
        "unset".to_string()
    } else {
        format!("`{name}` is unset")
    };
    let d = ctx
        .report(
            file.id,
            span,
            format!(
                "`{}` falls back to `{}` when {unset}, which {problem}",
                var.name,
                fallback.trim()
            ),
        )
        .help(help);
    if let (Some(safe), true) = (setting.safe_fallback(), located.is_exact()) {
        d.fix(Fix {
            message: format!("fall back to {safe}"),
            applicability: Applicability::Unsafe,
            edits: vec![Edit {
                file: file.id,
                span: located.file_span(operand.span),
                content: safe.to_string(),
            }],
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn development_values_per_setting() {
        assert!(Setting::Debug.problem("True").is_some());
        assert!(Setting::Debug.problem("0").is_none());
        assert!(Setting::Https.problem("False").is_some());
        assert!(Setting::Https.problem("true").is_none());
        assert!(Setting::AllowedHosts.problem("*").is_some());
        assert!(Setting::AllowedHosts
            .problem("localhost,127.0.0.1 [::1]")
            .is_some());
        assert!(Setting::AllowedHosts
            .problem("localhost,example.org")
            .is_none());
        assert!(Setting::AllowedHosts.problem("").is_none());
        assert!(Setting::Origins
            .problem("http://localhost:3000,http://127.0.0.1:3000")
            .is_some());
        assert!(Setting::Origins
            .problem("https://app.example.org")
            .is_none());
        assert!(Setting::Origins
            .problem(r#"["http://[::1]:8080"]"#)
            .is_some());
        assert!(Setting::EnvironmentName.problem("development").is_some());
        assert!(Setting::EnvironmentName.problem("production").is_none());
        assert!(Setting::SettingsModule
            .problem("app.settings.dev")
            .is_some());
    }
}
