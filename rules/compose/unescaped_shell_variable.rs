use std::collections::HashSet;

use crate::diagnostic::{Applicability, Edit, Fix};
use crate::index::EnvBinding;
use crate::parse::compose::{self, Command, Service, VarUse};
use crate::parse::interpolate::Op;
use crate::rule::{Ctx, Rule};
use crate::source::{FileId, Span};

use super::literal_value;

crate::declare_rule! {
    /// ## What it does
    /// Reports a `$VAR` or `${VAR}` in a shell script of a service — the script of `sh -c` /
    /// `bash -c` in `command:` or `entrypoint:`, or a `CMD-SHELL` health check — when the
    /// service sets `VAR` for its container (in `environment:` or an `env_file:`) and nothing
    /// provides it to Compose itself: no `.env` beside the Compose file and no env template
    /// declares it. The script was meant to read the container's variable, which needs `$$VAR`.
    ///
    /// ## Why it matters
    /// Compose interpolates every `$` in the file when it loads it, long before the container's
    /// shell runs. Finding no `VAR` in the deploy environment, it substitutes an empty string:
    /// `pg_isready -U $POSTGRES_USER` becomes `pg_isready -U`, a health check that checks the
    /// wrong user and keeps the service unhealthy, or a start script that silently runs with
    /// an empty argument. Compose's "variable is not set" warning is easy to miss in a deploy
    /// log.
    ///
    /// ## Example
    /// ```yaml title="docker-compose.prod.yml"
    /// services:
    ///   db:
    ///     image: postgres:16
    ///     environment:
    ///       POSTGRES_USER: shop
    ///       POSTGRES_PASSWORD_FILE: /run/secrets/db_password
    ///     healthcheck:
    ///       test: ["CMD-SHELL", "pg_isready -U $POSTGRES_USER"]
    /// ```
    ///
    /// ## How to fix
    /// Escape the dollar sign so that Compose leaves it to the container's shell:
    /// ```yaml title="docker-compose.prod.yml"
    /// services:
    ///   db:
    ///     image: postgres:16
    ///     environment:
    ///       POSTGRES_USER: shop
    ///       POSTGRES_PASSWORD_FILE: /run/secrets/db_password
    ///     healthcheck:
    ///       test: ["CMD-SHELL", "pg_isready -U $$POSTGRES_USER"]
    /// ```
    pub(crate) struct UnescapedShellVariable {
        code: "CMP009",
        name: "unescaped-shell-variable",
        family: Compose,
        severity: Warning,
        scope: ALL,
    }
}

const SHELLS: &[&str] = &["sh", "bash", "ash", "dash", "zsh"];

impl Rule for UnescapedShellVariable {
    fn check_project(&self, ctx: &mut Ctx<'_>) {
        let project = ctx.project;
        for entry in project.index.compose_files() {
            let file = project.file(entry.file);
            if !ctx.applies_to(file.source.environment) {
                continue;
            }
            let Some(yaml) = file.model.yaml() else {
                continue;
            };
            let uses: Vec<VarUse> = compose::interpolations(yaml)
                .into_iter()
                .filter(|u| u.op == Op::Plain)
                .collect();
            if uses.is_empty() {
                continue;
            }
            let mut seen: HashSet<Span> = HashSet::new();
            for service in &entry.model.services {
                for script in shell_scripts(service) {
                    let inside =
                        |u: &&VarUse| script.start <= u.span.start && u.span.end <= script.end;
                    for u in uses.iter().filter(inside) {
                        if seen.contains(&u.span) {
                            continue;
                        }
                        if check_use(ctx, entry.file, service, u) {
                            seen.insert(u.span);
                        }
                    }
                }
            }
        }
    }
}

/// Reports `u` when Compose has no value for it while the container has one; whether it did.
fn check_use(ctx: &mut Ctx<'_>, file: FileId, service: &Service, u: &VarUse) -> bool {
    let index = &ctx.project.index;
    let name = &u.name;
    if index.declared_for(file, name).is_some()
        || index
            .templates_for(file)
            .iter()
            .any(|&t| index.declaration_in(t, name).is_some())
    {
        return false;
    }
    let Some((set_in, set_at)) = container_setting(ctx, file, service, name) else {
        return false;
    };
    // The expression as written (`$NAME` or `${NAME}`), when its span is exact.
    let written = if u.exact {
        ctx.project.file(file).source.slice(u.span).to_string()
    } else {
        format!("${{{name}}}")
    };
    let d = ctx
        .report(
            file,
            u.span,
            format!(
                "`{written}` is interpolated by Compose when it loads the file, not by the container's shell: `{}` sets `{name}` in its container, but Compose finds no `{name}` and substitutes an empty string",
                service.name.value
            ),
        )
        .help(format!(
            "write `${written}` so that the container's shell expands it"
        ))
        .related(set_in, set_at, format!("`{name}` is set for the container here"));
    if u.exact {
        d.fix(Fix {
            message: "escape the `$` for the container's shell".to_string(),
            applicability: Applicability::Unsafe,
            edits: vec![Edit {
                file,
                span: Span::new(u.span.start, u.span.start),
                content: "$".to_string(),
            }],
        });
    }
    true
}

/// Where the service sets `name` for its container with a value of its own: a literal
/// `environment:` entry or an `env_file:` declaration. An entry that passes the variable
/// through, or interpolates it, gets the same value Compose would substitute.
fn container_setting(
    ctx: &Ctx<'_>,
    file: FileId,
    service: &Service,
    name: &str,
) -> Option<(FileId, Span)> {
    if let Some(var) = service.env(name) {
        return literal_value(var).map(|_| (file, var.span));
    }
    match ctx
        .project
        .index
        .env_lookup(file, &service.name.value, name)?
    {
        EnvBinding::File(declaration) => Some((declaration.file, declaration.key_span)),
        EnvBinding::Inline(_) => None,
    }
}

/// The spans of the service's shell scripts: the words after `sh -c` (or `bash -c`, …) in
/// `command:` and `entrypoint:`, and a health check run with `CMD-SHELL`.
fn shell_scripts(service: &Service) -> Vec<Span> {
    let mut out = Vec::new();
    for command in [&service.command, &service.entrypoint]
        .into_iter()
        .flatten()
    {
        out.extend(after_shell_flag(command));
    }
    if let Some(test) = service.healthcheck.as_ref().and_then(|h| h.test.as_ref()) {
        if test.string_form {
            out.extend(test.argv.iter().map(|w| w.span));
        } else if test.argv.first().is_some_and(|w| w.value == "CMD-SHELL") {
            out.extend(test.argv.iter().skip(1).map(|w| w.span));
        }
    }
    out
}

/// Ex) `["sh", "-c", "echo $HOME"]`, `/bin/bash -ec '…'`: the words after the flag.
fn after_shell_flag(command: &Command) -> Vec<Span> {
    let words = &command.argv;
    for (i, w) in words.iter().enumerate() {
        let program = w.value.rsplit('/').next().unwrap_or_default();
        if !SHELLS.contains(&program) {
            continue;
        }
        let Some(flag) = words.get(i + 1) else {
            return Vec::new();
        };
        let f = flag.value.as_str();
        if f.starts_with('-') && !f.starts_with("--") && f.contains('c') {
            // A string command's words may all share the scalar's span when it is not
            // verbatim: the flag's span then covers the script too, and so does this.
            return words[i + 2..].iter().map(|w| w.span).collect();
        }
        return Vec::new();
    }
    Vec::new()
}
