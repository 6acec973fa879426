use std::collections::HashMap;

use crate::index::EnvBinding;
use crate::parse::compose::VarUse;
use crate::parse::interpolate::Op;
use crate::rule::{Ctx, Rule};
use crate::rules::compose::{relate_other_stack, undeclared_uses, ComposeGroups};
use crate::rules::data::is_secret_name;
use crate::source::{FileId, Span};

crate::declare_rule! {
    /// ## What it does
    /// Reports a variable that a Compose file interpolates as a bare `${VAR}` or `$VAR` — no
    /// default, no `:?` guard — while no env file or env template of its stack declares it:
    /// not the `.env` Compose reads beside the file, not the env files an `include:` passes,
    /// not an `env_file:` of its services or another env file in its folder (an `--env-file`
    /// candidate), not `.env.example` or another template in its folder or a folder above it.
    /// In a monorepo, another stack's template (`services/b/.env.example` for
    /// `services/a/docker-compose.yml`) does not count: whoever deploys stack a never reads
    /// it. The finding is on the first bare use; the
    /// other uses in the file are related locations.
    ///
    /// Not reported: secret-like names (`undeclared-secret`, CMP003, reports those), a
    /// variable guarded with `:?`/`?` in any Compose file loaded together with this one, uses
    /// with a default (`${VAR:-x}`) or a replacement (`${VAR:+x}`), uses inside another
    /// expression's operand (`${A:+${A}}`), uses in `image:` (an empty name or tag fails the
    /// pull loudly, and pipelines often set it), variables the service's own container sets
    /// (meant for its shell: `unescaped-shell-variable`, CMP009), and variables every shell
    /// or CI runner sets (`HOME`, `PWD`, `USER`, `CI_*`, `GITHUB_*`, `COMPOSE_*`, …).
    ///
    /// ## Why it matters
    /// When a variable is unset, Compose substitutes an empty string and prints a warning that
    /// scrolls away. The service then starts with an empty host name, URL or switch: the
    /// application runs with a setting silently blank, or fails later, far from the cause.
    /// Because no template lists the variable, whoever prepares the next server has no way to
    /// know it is needed.
    ///
    /// ## Example
    /// ```yaml title="docker-compose.prod.yml"
    /// services:
    ///   app:
    ///     image: registry.example.org/app:1.4.2
    ///     environment:
    ///       ALLOWED_HOSTS: ${DOMAIN}
    ///       EMAIL_HOST: ${SMTP_HOST}
    /// ```
    ///
    /// ## How to fix
    /// Require the variable, or give it a default, and list it in the env template deployers
    /// copy (`DOMAIN=` and `SMTP_HOST=` in `.env.example`):
    /// ```yaml title="docker-compose.prod.yml"
    /// services:
    ///   app:
    ///     image: registry.example.org/app:1.4.2
    ///     environment:
    ///       ALLOWED_HOSTS: ${DOMAIN:?set DOMAIN}
    ///       EMAIL_HOST: ${SMTP_HOST:-smtp.example.org}
    /// ```
    pub(crate) struct UndeclaredVariable {
        code: "ENV017",
        name: "undeclared-variable",
        family: Env,
        severity: Warning,
        scope: DEPLOYED,
    }
}

/// Variables a shell, a CI runner or Compose itself sets.
const PROVIDED: &[&str] = &[
    "HOME", "PWD", "OLDPWD", "USER", "LOGNAME", "HOSTNAME", "SHELL", "PATH", "TERM", "LANG",
    "TMPDIR", "UID", "GID", "CI",
];

/// Prefixes of variables CI runners and tools set.
const PROVIDED_PREFIXES: &[&str] = &[
    "CI_",
    "GITHUB_",
    "GITLAB_",
    "RUNNER_",
    "BITBUCKET_",
    "CIRCLE_",
    "DRONE_",
    "BUILDKITE_",
    "COMPOSE_",
    "DOCKER_",
    "XDG_",
    "LC_",
];

fn provided(name: &str) -> bool {
    PROVIDED.contains(&name) || PROVIDED_PREFIXES.iter().any(|p| name.starts_with(p))
}

impl Rule for UndeclaredVariable {
    fn check_project(&self, ctx: &mut Ctx<'_>) {
        let project = ctx.project;
        let index = &project.index;
        let groups = ComposeGroups::of(project);
        // Every expression's span, by file: a use inside another's operand (`${A:+${A}}`,
        // `${A:-${B}}`) is only evaluated when that one decides so.
        let mut spans: HashMap<FileId, Vec<Span>> = HashMap::new();
        for v in index.variables() {
            for u in &v.uses {
                spans.entry(u.file).or_default().push(u.at.span);
            }
        }
        // `image:` values: an empty tag or name fails the pull loudly, and they are often
        // set by the pipeline that deploys (`${TAG}`), not by an env file.
        let mut images: HashMap<FileId, Vec<Span>> = HashMap::new();
        for (file, service) in index.services() {
            if let Some(image) = &service.image {
                images.entry(file).or_default().push(image.span);
            }
        }
        let in_image = |file: FileId, span: Span| {
            images.get(&file).is_some_and(|list| {
                list.iter()
                    .any(|i| i.start <= span.start && span.end <= i.end)
            })
        };
        // A variable the service's own container sets was meant for its shell (`$PORT` in a
        // command): `unescaped-shell-variable` (CMP009) reports that.
        let set_in_container = |file: FileId, u: &VarUse| {
            let Some(service) = u.in_service.as_deref() else {
                return false;
            };
            match index.env_lookup(file, service, &u.name) {
                // Not the entry this use fills in (`NAME: ${NAME}`).
                Some(EnvBinding::Inline(var)) => {
                    !(var.span.start <= u.span.start && u.span.end <= var.span.end)
                }
                Some(EnvBinding::File(_)) => true,
                None => false,
            }
        };
        let nested = |file: FileId, span: Span| {
            spans.get(&file).is_some_and(|list| {
                list.iter()
                    .any(|o| *o != span && o.start <= span.start && span.end <= o.end)
            })
        };
        for variable in index.variables() {
            let name = variable.name.as_str();
            // Secrets are CMP003's.
            if is_secret_name(name) || provided(name) {
                continue;
            }
            // A declaration in an env file or template of this stack tells its deployers about
            // the variable; another stack's template does not.
            for (file, uses) in undeclared_uses(ctx, &groups, variable) {
                let bare: Vec<&VarUse> = uses
                    .into_iter()
                    .filter(|u| {
                        u.op == Op::Plain
                            && !nested(file, u.span)
                            && !in_image(file, u.span)
                            && !set_in_container(file, u)
                    })
                    .collect();
                let Some(first) = bare.first() else {
                    continue;
                };
                let d = ctx
                    .report(
                        file,
                        first.span,
                        format!(
                            "`{name}` is declared in no `.env` or env template and has no default or `:?` guard: Compose substitutes an empty string when the deploy environment lacks it"
                        ),
                    )
                    .help(format!(
                        "list `{name}=` in the env template deployers copy (`.env.example`), and give it a default (`${{{name}:-…}}`) or require it (`${{{name}:?{name} is required}}`)"
                    ));
                for other in &bare[1..] {
                    d.related(file, other.span, "also used here");
                }
                relate_other_stack(d, project, name);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::provided;

    #[test]
    fn shell_and_ci_variables_are_provided() {
        assert!(provided("HOME") && provided("CI_COMMIT_SHA") && provided("COMPOSE_PROJECT_NAME"));
        assert!(!provided("APP_VERSION") && !provided("DOMAIN") && !provided("HOMEPAGE"));
    }
}
