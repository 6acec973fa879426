use std::collections::HashSet;

use crate::diagnostic::{redact, Applicability, Edit, Fix};
use crate::kind::{Environment, FileKind};
use crate::parse::compose::{interpolations, KeyValue};
use crate::project::ParsedFile;
use crate::rule::{Ctx, Rule};
use crate::rules::data::{is_placeholder, is_secret_name, url_password_range};
use crate::source::Span;

use super::{development_marker, truthiness};

crate::declare_rule! {
    /// ## What it does
    /// Reports a secret-like variable (`SECRET_KEY`, `*_PASSWORD`, `*_TOKEN`, `*_API_KEY`, …)
    /// given a literal value in a service's `environment:`, and a URL whose password is written
    /// out (`DATABASE_URL: postgres://app:s3cret@db/app`). An entry shared through a YAML anchor
    /// is reported once, at the anchor.
    ///
    /// Values that are not the secret itself are left alone: an interpolation
    /// (`${SECRET_KEY}`), an empty value, a path such as `/run/secrets/db_password`, and a
    /// yes/no flag (`MYSQL_RANDOM_ROOT_PASSWORD: "yes"`). Development and test files are not
    /// checked. Nor is a file of unknown environment that says it is for development
    /// (`NODE_ENV=development`, `DEBUG=true`, a `DJANGO_SETTINGS_MODULE` ending in `.dev`) or
    /// that reads nothing from the deploy environment (no `${…}` anywhere): such a
    /// self-contained stack is a demo, a local setup or a test fixture, whose credentials are
    /// not meant to be secret.
    ///
    /// ## Why it matters
    /// A secret in a Compose file is committed with it: everyone with access to the repository,
    /// its forks, its CI logs and every laptop that cloned it knows the production password, and
    /// every installation of the project shares it. Rotating it means a commit and a redeploy,
    /// and the old value stays in the history forever.
    ///
    /// ## Example
    /// ```yaml title="docker-compose.prod.yml"
    /// services:
    ///   db:
    ///     image: postgres:16
    ///     environment:
    ///       POSTGRES_PASSWORD: Xk9mP2vLq8
    ///   app:
    ///     image: registry.example.org/app:1.4.2
    ///     environment:
    ///       - DATABASE_URL=postgres://app:Xk9mP2vLq8@db:5432/app
    /// ```
    ///
    /// ## How to fix
    /// Read the secret from the deploy environment (an untracked `.env` beside the Compose file,
    /// or the CI's secret store), and require it so that a deploy without it fails:
    /// ```yaml title="docker-compose.prod.yml"
    /// services:
    ///   db:
    ///     image: postgres:16
    ///     environment:
    ///       POSTGRES_PASSWORD: ${POSTGRES_PASSWORD:?POSTGRES_PASSWORD is required}
    ///   app:
    ///     image: registry.example.org/app:1.4.2
    ///     environment:
    ///       - DATABASE_URL=postgres://app:${POSTGRES_PASSWORD:?required}@db:5432/app
    /// ```
    /// Or mount it as a Compose secret and point the image at the file
    /// (`POSTGRES_PASSWORD_FILE: /run/secrets/db_password`).
    pub(crate) struct HardcodedSecret {
        code: "CMP002",
        name: "hardcoded-secret",
        family: Compose,
        severity: Error,
        scope: DEPLOYED,
    }
}

impl Rule for HardcodedSecret {
    fn check_file(&self, file: &ParsedFile, ctx: &mut Ctx<'_>) {
        let env = file.source.environment;
        if file.source.kind != FileKind::Compose || !ctx.applies_to(env) {
            return;
        }
        let Some(compose) = file.model.compose() else {
            return;
        };
        // Ex) a file of unknown environment with no `${…}` at all: a self-contained stack
        // (a demo, a local setup, a test fixture) whose credentials are not meant as secrets.
        if env == Environment::Unknown
            && (development_marker(compose).is_some()
                || file
                    .model
                    .yaml()
                    .is_none_or(|yaml| interpolations(yaml).is_empty()))
        {
            return;
        }
        let text = file.source.text.as_str();
        // Entries merged from an anchor carry the anchor's spans: report each once, and list
        // the services that use it.
        let mut seen: HashSet<Span> = HashSet::new();
        for service in &compose.services {
            for var in &service.environment {
                let Some(value_span) = var.value_span else {
                    continue;
                };
                if !seen.insert(value_span) {
                    continue;
                }
                let Some(finding) = literal_secret(var, text) else {
                    continue;
                };
                // Ex) `<<: *backend-env` in several services.
                let users: Vec<(&str, Span)> = compose
                    .services
                    .iter()
                    .filter_map(|s| {
                        s.environment
                            .iter()
                            .find(|v| v.value_span == Some(value_span))
                            .and_then(|v| v.via_alias)
                            .map(|alias| (s.name.value.as_str(), alias))
                    })
                    .collect();
                report(ctx, file, var, finding, &users);
            }
        }
    }
}

/// What is literal in an entry: the whole value of a secret-like variable, or the password of a
/// URL.
enum Finding {
    Value {
        value: String,
        span: Span,
        exact: bool,
    },
    UrlPassword {
        password: String,
        span: Span,
    },
}

fn literal_secret(var: &KeyValue, text: &str) -> Option<Finding> {
    let value = var.value.as_deref()?;
    if value.trim().is_empty() {
        return None;
    }
    let located = var.located(text)?;
    if is_secret_name(&var.name) {
        // Ex) `SECRET_KEY: ${SECRET_KEY}`, `TOKEN: prefix-${TOKEN}`: not written out here.
        if !located.template.is_literal() || is_reference(value) || truthiness(value).is_some() {
            return None;
        }
        return Some(Finding::Value {
            value: value.to_string(),
            span: var.value_span?,
            exact: located.is_exact(),
        });
    }
    // Ex) `postgres://app:s3cret@db/app`, but not `postgres://app:${DB_PASSWORD}@db/app`.
    let range = url_password_range(value)?;
    let password = &value[range.clone()];
    if password.contains('$') {
        return None;
    }
    let span = if located.is_exact() {
        located.file_span(Span::new(range.start, range.end))
    } else {
        var.value_span?
    };
    Some(Finding::UrlPassword {
        password: password.to_string(),
        span,
    })
}

/// A value that tells where the secret is rather than being it: a path (`/run/secrets/db`,
/// `./secrets/key.pem`).
fn is_reference(value: &str) -> bool {
    let v = value.trim();
    v.starts_with('/') || v.starts_with("./") || v.starts_with("../") || v.starts_with("~/")
}

fn report(
    ctx: &mut Ctx<'_>,
    file: &ParsedFile,
    var: &KeyValue,
    finding: Finding,
    users: &[(&str, Span)],
) {
    let name = &var.name;
    let required = format!("${{{name}:?{name} is required}}");
    let d = match finding {
        Finding::Value { value, span, exact } => {
            let what = if is_placeholder(&value) {
                "a placeholder"
            } else {
                "a literal secret"
            };
            let d = ctx
                .report(
                    file.id,
                    span,
                    format!(
                        "`{name}` is set to {what} ({}) written in the Compose file",
                        redact(&value)
                    ),
                )
                .help(format!(
                    "read it from the deploy environment with {required} and keep the value out of the repository (an untracked `.env`, a CI secret, or a Compose secret file)"
                ))
                .sensitive(file.id, span);
            if exact {
                d.fix(Fix {
                    message: format!("read {name} from the deploy environment"),
                    applicability: Applicability::Unsafe,
                    edits: vec![Edit {
                        file: file.id,
                        span,
                        content: required,
                    }],
                });
            }
            d
        }
        Finding::UrlPassword { password, span } => ctx
            .report(
                file.id,
                span,
                format!(
                    "`{name}` holds a URL with a literal password ({}) written in the Compose file",
                    redact(&password)
                ),
            )
            .help(
                "interpolate the password from the deploy environment, e.g. `postgres://app:${DB_PASSWORD:?required}@db/app`, and keep its value out of the repository",
            )
            .sensitive(file.id, span),
    };
    for (service, alias) in users {
        d.related(file.id, *alias, format!("merged into `{service}` here"));
    }
}
