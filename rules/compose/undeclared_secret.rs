use crate::diagnostic::{Applicability, Edit, Fix};
use crate::parse::compose::VarUse;
use crate::parse::interpolate::Op;
use crate::rule::{Ctx, Rule};
use crate::rules::data::is_secret_name;
use crate::source::FileId;

use super::{folder_of, relate_other_stack, undeclared_uses, ComposeGroups};

/// Templates named in the help, at most.
const TEMPLATES_SHOWN: usize = 3;

crate::declare_rule! {
    /// ## What it does
    /// Reports a secret-like variable (`SECRET_KEY`, `*_PASSWORD`, `*_TOKEN`, …) interpolated
    /// in a Compose file as a bare `${VAR}` — no default, no `:?` guard — that nothing in its
    /// stack declares: neither the `.env` Compose reads beside the file, an `env_file:` of its
    /// services or another env file in its folder, nor an env template (`.env.example`,
    /// `.env.production.sample`, …) in its folder or a folder above it. In a monorepo, another
    /// stack's template (`services/b/.env.example` for `services/a/docker-compose.yml`) does
    /// not count: whoever deploys stack a never reads it.
    ///
    /// A variable guarded with `${VAR:?…}` anywhere in the Compose files loaded together is not
    /// reported: the deploy fails loudly without it.
    ///
    /// ## Why it matters
    /// When a variable is unset, Compose substitutes an empty string and only prints a warning
    /// that scrolls away. The service then starts with an empty password or signing key: some
    /// applications refuse to start (the lucky case), others accept any password or sign
    /// sessions with an empty key. Because no template lists the variable, whoever prepares the
    /// next server has no way to know it is needed.
    ///
    /// ## Example
    /// ```yaml title="docker-compose.prod.yml"
    /// services:
    ///   app:
    ///     image: registry.example.org/app:1.4.2
    ///     environment:
    ///       SECRET_KEY: ${SECRET_KEY}
    /// ```
    ///
    /// ## How to fix
    /// Require the variable, so that a deploy without it fails instead of running with an empty
    /// secret:
    /// ```yaml title="docker-compose.prod.yml"
    /// services:
    ///   app:
    ///     image: registry.example.org/app:1.4.2
    ///     environment:
    ///       SECRET_KEY: ${SECRET_KEY:?SECRET_KEY is required}
    /// ```
    /// and list it, without its value, in the env template deployers copy (`SECRET_KEY=` in
    /// `.env.example`).
    pub(crate) struct UndeclaredSecret {
        code: "CMP003",
        name: "undeclared-secret",
        family: Compose,
        severity: Warning,
        scope: DEPLOYED,
    }
}

impl Rule for UndeclaredSecret {
    fn check_project(&self, ctx: &mut Ctx<'_>) {
        let project = ctx.project;
        let index = &project.index;
        let groups = ComposeGroups::of(project);
        for variable in index.variables() {
            let name = variable.name.as_str();
            if !is_secret_name(name) {
                continue;
            }
            for (file, uses) in undeclared_uses(ctx, &groups, variable) {
                let bare: Vec<&VarUse> = uses.into_iter().filter(|u| u.op == Op::Plain).collect();
                let Some(first) = bare.first() else {
                    continue;
                };
                let templates = templates_near(ctx, file);
                let help = if templates.is_empty() {
                    format!(
                        "require it with ${{{name}:?{name} is required}}, and list `{name}=` in an env template such as `.env.example` (the project has none)"
                    )
                } else {
                    format!(
                        "require it with ${{{name}:?{name} is required}}, and list `{name}=` in {}",
                        templates.join(", ")
                    )
                };
                let replacement = format!("${{{name}:?{name} is required}}");
                let d = ctx
                    .report(
                        file,
                        first.span,
                        format!(
                            "`{name}` is declared in no `.env` or env template and has no default or `:?` guard: Compose substitutes an empty string when the deploy environment lacks it"
                        ),
                    )
                    .help(help);
                if first.exact {
                    d.fix(Fix {
                        message: format!("fail the deploy when {name} is unset"),
                        applicability: Applicability::Unsafe,
                        edits: vec![Edit {
                            file,
                            span: first.span,
                            content: replacement,
                        }],
                    });
                }
                for other in &bare[1..] {
                    d.related(file, other.span, "also used here");
                }
                relate_other_stack(d, project, name);
            }
        }
    }
}

/// The env templates a deployer of `file` would look at, as shown to users: those in the
/// Compose file's base folder or above it, else every template of the project.
fn templates_near(ctx: &Ctx<'_>, file: FileId) -> Vec<String> {
    let project = ctx.project;
    let index = &project.index;
    let Some(entry) = index.compose(file) else {
        return Vec::new();
    };
    let all: Vec<FileId> = index.env_templates().to_vec();
    let near: Vec<FileId> = all
        .iter()
        .copied()
        .filter(|&t| {
            entry
                .base_dir
                .starts_with(folder_of(&project.file(t).source.path))
        })
        .collect();
    let chosen = if near.is_empty() { all } else { near };
    chosen
        .iter()
        .take(TEMPLATES_SHOWN)
        .map(|&t| format!("`{}`", project.file(t).source.display_path))
        .collect()
}
