use std::collections::HashSet;

use crate::parse::python::{EnvLookup, Value};
use crate::rule::{Ctx, Rule};
use crate::rules::django::{branch_side, judged_env, leaves, report_env, Side};
use crate::stack::{stage_of, DjangoService, Stack};

crate::declare_rule! {
    /// ## What it does
    /// Reports a deployed settings module that reads an environment variable without a
    /// default (`os.environ["X"]`, `env("X")`, `config("X")`) when nothing in the project
    /// provides it: no env template (`.env.example`) or env file of the stack that runs the
    /// settings declares it, and no Compose service that runs these settings sets it
    /// (`environment:`, `env_file:`, the image's `ENV`). The stack's env files are those of
    /// the Compose files of those services, and the templates in their folders or a folder
    /// above: in a monorepo, another stack's `.env.example` does not count. When no service
    /// is known to run the settings, any env file or template of the project does.
    ///
    /// Only the value a deployed instance evaluates counts (the production branch of an `if`),
    /// and only when the project shows how its environment is provided: a Compose service
    /// runs the settings, or the project has an env template.
    ///
    /// ## Why it matters
    /// A required variable is a promise that the deploy sets it. When neither the template
    /// operators copy nor the Compose files mention it, the first deploy of a new
    /// installation fails at import time with `KeyError` or `ImproperlyConfigured`, and every
    /// container that loads the settings restarts in a loop until someone reads the code.
    ///
    /// ## Example
    /// ```python
    /// # app/settings/production.py, with a .env.example that does not mention EMAIL_HOST
    /// EMAIL_HOST = env("EMAIL_HOST")
    /// ```
    ///
    /// ## How to fix
    /// Add the variable to the env template (`EMAIL_HOST=smtp.example.com`) or to the
    /// service's `environment:`, or give the read a default when one is safe.
    pub(crate) struct UnprovidedEnvVar {
        code: "DJG028",
        name: "unprovided-env-var",
        family: Django,
        severity: Warning,
        scope: DEPLOYED,
    }
}

impl Rule for UnprovidedEnvVar {
    fn check_project(&self, ctx: &mut Ctx<'_>) {
        let project = ctx.project;
        let stack = Stack::of(project);
        let has_template = !project.index.env_templates().is_empty();
        let mut seen: HashSet<(usize, crate::source::Span)> = HashSet::new();
        for leaf in leaves(project).iter() {
            let Some(env) = judged_env(ctx, &stack, leaf) else {
                continue;
            };
            let services: Vec<&DjangoService> = stack.running(leaf.file).collect();
            if services.is_empty() && !has_template {
                continue;
            }
            for setting in &leaf.model.settings {
                if leaf.setting(&setting.name).is_none() {
                    continue;
                }
                // A read without a default has no value to judge when unset: take the
                // expression itself, or the branches that name a deployed environment.
                let values: Vec<&Value> = match &setting.value.value {
                    Value::Alternatives(alts) => alts
                        .iter()
                        .filter(|(c, _)| branch_side(c) == Some(Side::Deployed))
                        .map(|(_, v)| &v.value)
                        .collect(),
                    v => vec![v],
                };
                for value in values {
                    for lookup in value.env_lookups() {
                        if !lookup.required || provided(project, &services, lookup) {
                            continue;
                        }
                        let (file, local) = leaf.locate(lookup.name_span);
                        if !seen.insert((file, local)) {
                            continue;
                        }
                        let name = &lookup.name;
                        let env = report_env(project, file, env);
                        let d = ctx.report_as(
                            file,
                            local,
                            format!(
                                "{name} is read without a default (for {}), but no env \
                                 template, env file or service environment provides it: a \
                                 deploy without it fails when the settings load",
                                setting.name
                            ),
                            env,
                        );
                        d.help(format!(
                            "declare {name} in the env template (.env.example) or in the \
                             `environment:` of the services that run these settings"
                        ));
                        for s in &services {
                            d.related(
                                s.compose,
                                s.name_span,
                                format!("`{}` runs these settings without {name}", s.name),
                            );
                        }
                    }
                }
            }
        }
    }
}

fn provided(
    project: &crate::project::Project,
    services: &[&DjangoService],
    lookup: &EnvLookup,
) -> bool {
    let name = lookup.name.as_str();
    // With no service known to run the settings, any env file or template may be the one
    // deployed with them; otherwise only those of the services' stacks (another stack's
    // `.env.example` in a monorepo says nothing to whoever deploys these services).
    if services.is_empty() && !project.index.declarations(name).is_empty() {
        return true;
    }
    services.iter().any(|s| {
        project.index.declared_near(s.compose, name).is_some()
            || project.index.env_lookup(s.compose, &s.name, name).is_some()
            || project
                .index
                .extended(s.compose, &s.name)
                .is_some_and(|(_, ext)| ext.env(name).is_some())
            || stage_of(project, s).is_some_and(|(_, st)| st.env.iter().any(|(k, _, _)| k == name))
            || unknown_env_file(project, s)
    })
}

/// A service `env_file:` that is not in the project (a `.env` kept out of the repository)
/// may provide anything.
fn unknown_env_file(project: &crate::project::Project, s: &DjangoService) -> bool {
    let has_template = !project.index.env_templates().is_empty();
    !has_template
        && project
            .index
            .env_files_of(s.compose, &s.name)
            .iter()
            .any(|e| e.file.is_none())
}
