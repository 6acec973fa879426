use crate::discover;
use crate::kind::{Environment, FileKind};
use crate::rule::{Ctx, Rule};
use crate::source::Span;

crate::declare_rule! {
    /// ## What it does
    /// Reports a project that has a production Compose file and prepares a staging
    /// environment — a staging settings module (`settings/staging.py`), a staging env file or
    /// env template (`.env.staging`, `.env.staging.example`) — but has no staging Compose file.
    /// The finding is on the production Compose file, with the staging files as related
    /// locations.
    ///
    /// ## Why it matters
    /// Staging then has to be deployed with the production file: with production's replica
    /// counts, resource limits, domains, monitoring retention and, too often, production's env
    /// file. Either staging is not deployed the way the settings expect, or a staging deploy
    /// runs against production services. An audit of a platform ready "except staging" listed
    /// exactly this as a blocker.
    ///
    /// ## Example
    /// A project with these files, and no other Compose file:
    /// ```text
    /// docker-compose.prod.yml
    /// .env.staging.example
    /// src/shop/settings/base.py
    /// src/shop/settings/production.py
    /// src/shop/settings/staging.py
    /// ```
    ///
    /// ## How to fix
    /// Add `docker-compose.staging.yml` (or a `staging/` folder with its Compose file) with
    /// staging's scale, domains and env file, or remove the staging configuration if staging is
    /// not deployed.
    pub(crate) struct MissingStagingCompose {
        code: "PRJ001",
        name: "missing-staging-compose",
        family: Project,
        severity: Info,
        scope: DEPLOYED,
    }
}

impl Rule for MissingStagingCompose {
    fn check_project(&self, ctx: &mut Ctx<'_>) {
        let project = ctx.project;
        let composes: Vec<_> = project.files_of_kind(FileKind::Compose).collect();
        if composes
            .iter()
            .any(|f| f.source.environment == Environment::Staging)
        {
            return;
        }
        let Some(production) = composes
            .iter()
            .filter(|f| f.source.environment == Environment::Production)
            .min_by(|a, b| a.source.path.cmp(&b.source.path))
        else {
            return;
        };
        let staging: Vec<_> = project
            .files()
            .filter(|f| match f.source.kind {
                FileKind::DjangoSettingsSource | FileKind::Env => {
                    f.source.environment == Environment::Staging
                }
                FileKind::EnvTemplate => {
                    f.source
                        .path
                        .file_name()
                        .and_then(|n| discover::template_target(&n.to_string_lossy()))
                        == Some(Environment::Staging)
                }
                _ => false,
            })
            .collect();
        let Some(first) = staging.first() else {
            return;
        };
        let span = production
            .model
            .yaml()
            .and_then(|y| {
                y.documents().next().and_then(|doc| {
                    doc.entries()
                        .into_iter()
                        .find(|(k, _)| k.as_str() == Some("services"))
                        .map(|(k, _)| k.span())
                })
            })
            .unwrap_or(Span::empty(0));
        let d = ctx
            .report(
                production.id,
                span,
                format!(
                    "the project prepares a staging environment (`{}`) but has no staging Compose file: staging would be deployed with this production file",
                    first.source.display_path
                ),
            )
            .help("add a staging Compose file (`docker-compose.staging.yml`) with staging's scale, domains and env file");
        for f in staging {
            d.related(f.id, f.source.line_span(0), "staging is configured here");
        }
    }
}
