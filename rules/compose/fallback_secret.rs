use crate::diagnostic::{redact, Applicability, Edit, Fix};
use crate::kind::FileKind;
use crate::parse::interpolate::Located;
use crate::project::ParsedFile;
use crate::rule::{Ctx, Rule};
use crate::rules::data::{is_secret_name, url_has_password};

crate::declare_rule! {
    /// ## What it does
    /// Reports a secret-like variable (`SECRET_KEY`, `*_PASSWORD`, `*_TOKEN`, `*_API_KEY`, a URL
    /// with a password, …) interpolated in a Compose file with a hard-coded fallback:
    /// `${SECRET_KEY:-prod-secret-key-change-it}`, `${POSTGRES_PASSWORD:-postgres}`.
    ///
    /// ## Why it matters
    /// When the variable is missing from the deploy environment — a typo in the `.env`, a new
    /// server, a CI job that forgot it — Compose silently uses the fallback. Production then runs
    /// with a secret that is committed to the repository and identical on every installation:
    /// session signing keys anyone can read, database passwords anyone can guess. Nothing fails,
    /// so nobody notices.
    ///
    /// ## Example
    /// ```yaml title="docker-compose.prod.yml"
    /// services:
    ///   backend:
    ///     image: registry.example.org/backend:1.4.2
    ///     environment:
    ///       SECRET_KEY: ${SECRET_KEY:-prod-secret-key-change-it}
    ///       POSTGRES_PASSWORD: ${POSTGRES_PASSWORD:-postgres}
    /// ```
    ///
    /// ## How to fix
    /// Require the variable, so that a deploy without it fails loudly instead of running with a
    /// known secret:
    /// ```yaml title="docker-compose.prod.yml"
    /// services:
    ///   backend:
    ///     image: registry.example.org/backend:1.4.2
    ///     environment:
    ///       SECRET_KEY: ${SECRET_KEY:?SECRET_KEY is required}
    ///       POSTGRES_PASSWORD: ${POSTGRES_PASSWORD:?set POSTGRES_PASSWORD}
    /// ```
    /// Development compose files may keep convenient fallbacks; shiplint does not report them.
    pub(crate) struct FallbackSecret {
        code: "CMP001",
        name: "fallback-secret",
        family: Compose,
        severity: Error,
        scope: DEPLOYED,
    }
}

impl Rule for FallbackSecret {
    fn check_file(&self, file: &ParsedFile, ctx: &mut Ctx<'_>) {
        if file.source.kind != FileKind::Compose || !ctx.applies_to(file.source.environment) {
            return;
        }
        let Some(yaml) = file.model.yaml() else {
            return;
        };
        for scalar in yaml.value_scalars() {
            let Some(value) = scalar.as_str() else {
                continue;
            };
            if !value.contains('$') {
                continue;
            }
            let located = Located::parse(scalar.raw(), value, scalar.span());
            for expr in located.template.exprs() {
                if !expr.op.is_default() {
                    continue;
                }
                let Some(operand) = &expr.operand else {
                    continue;
                };
                // A fallback to another variable is not a hard-coded value.
                let Some(fallback) = operand.literal(&located.source) else {
                    continue;
                };
                if fallback.is_empty() {
                    continue;
                }
                let secret_name = is_secret_name(&expr.name);
                if !secret_name && !url_has_password(&fallback) {
                    continue;
                }
                let what = if secret_name {
                    format!("`{}` falls back to a hard-coded value", expr.name)
                } else {
                    format!(
                        "`{}` falls back to a URL with a hard-coded password",
                        expr.name
                    )
                };
                let span = located.file_span(expr.span);
                let replacement = format!("${{{}:?{} is required}}", expr.name, expr.name);
                let d = ctx
                    .report(
                        file.id,
                        span,
                        format!("{what} ({}) when the variable is unset", redact(&fallback)),
                    )
                    .help(format!(
                        "use {replacement} so that a deploy without it fails instead of running with a committed secret"
                    ))
                    .sensitive(file.id, located.file_span(operand.span));
                if located.is_exact() {
                    d.fix(Fix {
                        message: format!("require {} instead of falling back", expr.name),
                        applicability: Applicability::Unsafe,
                        edits: vec![Edit {
                            file: file.id,
                            span,
                            content: replacement,
                        }],
                    });
                }
            }
        }
    }
}
