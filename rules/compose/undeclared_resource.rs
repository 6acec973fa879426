use std::collections::{HashMap, HashSet};

use crate::index::NamedUse;
use crate::parse::compose::ResourceKind;
use crate::rule::{Ctx, Rule};
use crate::source::{FileId, Span};

use super::{may_combine_with_unseen_file, near_miss, ComposeGroups};

crate::declare_rule! {
    /// ## What it does
    /// Reports a named volume, network, secret or config that a service uses but that no
    /// top-level `volumes:`, `networks:`, `secrets:` or `configs:` declares — in the file, in
    /// the files it includes or that include it, or in the other Compose files of its folder
    /// (overlays combined with `-f`). When a declared name is one typo away, the finding points
    /// at it.
    ///
    /// The implicit `default` network needs no declaration and is not reported. Only typos of
    /// declared names are reported in files Compose may combine with one the repository does
    /// not show: a default file (`compose.yaml`, `docker-compose.yml`) whose override file is
    /// not in the repository — Compose loads `compose.override.yaml` automatically, and some
    /// projects have each installation write it, declaring the secrets the base file uses —
    /// and an overlay whose services lack an `image` or `build`, which is combined with a base
    /// file found elsewhere.
    ///
    /// ## Why it matters
    /// Compose refuses to start the whole project ("service refers to undefined volume"), so
    /// the deploy fails at the last step, on the server. A typo such as `postgres-data` for
    /// `postgres_data` is easy to miss in review and costs a failed rollout.
    ///
    /// ## Example
    /// ```yaml title="docker-compose.prod.yml"
    /// services:
    ///   db:
    ///     image: postgres:16
    ///     volumes:
    ///       - postgres-data:/var/lib/postgresql/data
    ///     networks: [backend]
    /// volumes:
    ///   postgres_data:
    /// ```
    ///
    /// ## How to fix
    /// Use the declared name, or declare the one used (with `external: true` when it is created
    /// outside Compose):
    /// ```yaml title="docker-compose.prod.yml"
    /// services:
    ///   db:
    ///     image: postgres:16
    ///     volumes:
    ///       - postgres_data:/var/lib/postgresql/data
    ///     networks: [backend]
    /// volumes:
    ///   postgres_data:
    /// networks:
    ///   backend:
    /// ```
    pub(crate) struct UndeclaredResource {
        code: "CMP005",
        name: "undeclared-resource",
        family: Compose,
        severity: Error,
        scope: ALL,
    }
}

fn noun(kind: ResourceKind) -> (&'static str, &'static str) {
    match kind {
        ResourceKind::Volume => ("volume", "volumes"),
        ResourceKind::Network => ("network", "networks"),
        ResourceKind::Secret => ("secret", "secrets"),
        ResourceKind::Config => ("config", "configs"),
    }
}

impl Rule for UndeclaredResource {
    fn check_project(&self, ctx: &mut Ctx<'_>) {
        let project = ctx.project;
        let index = &project.index;
        let groups = ComposeGroups::of(project);
        let mut seen: HashSet<(FileId, Span)> = HashSet::new();
        let mut unseen: HashMap<FileId, bool> = HashMap::new();
        for kind in [
            ResourceKind::Volume,
            ResourceKind::Network,
            ResourceKind::Secret,
            ResourceKind::Config,
        ] {
            let (singular, key) = noun(kind);
            // The declarations a file sees are the same for every name it uses: gathered once
            // per file, so that a file with thousands of undeclared names stays linear.
            let mut visible_from: HashMap<FileId, Vec<(&str, FileId, Span)>> = HashMap::new();
            for (name, named) in index.named_of(kind) {
                // An interpolated name is only known at deploy time.
                if name.contains('$') || (kind == ResourceKind::Network && name == "default") {
                    continue;
                }
                // The uses Compose would refuse, one finding per file (the first use, the
                // others related).
                let mut undeclared: Vec<&NamedUse> = Vec::new();
                for u in &named.uses {
                    if ctx.applies_to(project.file(u.file).source.environment)
                        && !named
                            .declarations
                            .iter()
                            .any(|d| groups.together(d.file, u.file))
                        && seen.insert((u.file, u.span))
                    {
                        undeclared.push(u);
                    }
                }
                let mut files: Vec<FileId> = undeclared.iter().map(|u| u.file).collect();
                files.sort_unstable();
                files.dedup();
                for file in files {
                    let uses: Vec<&&NamedUse> =
                        undeclared.iter().filter(|u| u.file == file).collect();
                    let first = uses[0];
                    // Ex) `postgres-data` used, `postgres_data` declared.
                    let visible = visible_from.entry(file).or_insert_with(|| {
                        index
                            .named_of(kind)
                            .flat_map(|(n, other)| {
                                other
                                    .declarations
                                    .iter()
                                    .filter(|d| groups.together(d.file, file))
                                    .map(move |d| (n, d.file, d.resource.name.span))
                            })
                            .collect()
                    });
                    let near = near_miss(name, visible.iter().map(|(n, _, _)| *n))
                        .and_then(|n| visible.iter().find(|(v, _, _)| *v == n));
                    // Only a typo is certain when another file may declare the name.
                    if near.is_none()
                        && *unseen
                            .entry(file)
                            .or_insert_with(|| may_combine_with_unseen_file(project, file))
                    {
                        continue;
                    }
                    let d = ctx.report(
                        file,
                        first.span,
                        format!(
                            "service `{}` uses the {singular} `{name}`, which no top-level `{key}:` declares: Compose refuses to start the project",
                            first.service
                        ),
                    );
                    match near {
                        Some(&(n, at, span)) => {
                            d.help(format!(
                                "did you mean `{n}`? Otherwise declare `{name}` under the top-level `{key}:`"
                            ))
                            .related(at, span, format!("a {singular} named `{n}` is declared here"));
                        }
                        None => {
                            d.help(format!(
                                "declare `{name}` under the top-level `{key}:` (with `external: true` if it is created outside Compose)"
                            ));
                        }
                    }
                    for other in &uses[1..] {
                        d.related(
                            file,
                            other.span,
                            format!("also used by `{}`", other.service),
                        );
                    }
                }
            }
        }
    }
}
