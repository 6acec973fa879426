use super::{auth_file_target, display_host, host_side, pgbouncers, says_development, HostSide};
use crate::rule::{Ctx, Rule};

crate::declare_rule! {
    /// ## What it does
    /// Checks the `auth_file` of a `pgbouncer.ini` against the Compose service that runs
    /// PgBouncer with it (a service that mounts the ini, or whose image is a PgBouncer image).
    /// It reports:
    ///
    /// - an `auth_file` path that no volume of the service covers (with an `auth_type` that
    ///   reads passwords from it), unless it is the file the
    ///   image generates itself (`/etc/pgbouncer/userlist.txt` in `edoburu/pgbouncer`,
    ///   `/opt/bitnami/pgbouncer/conf/userlist.txt` in `bitnami/pgbouncer`) or the service
    ///   builds its own image;
    /// - an `auth_file` inside a mounted folder of the repository that has no such file (a
    ///   missing file mounted on its own is CMP007's finding; a gitignored one is created at
    ///   deploy time).
    ///
    /// A Compose file of unknown environment that says it is for development is left alone.
    ///
    /// ## Why it matters
    /// PgBouncer reads the auth file at startup and on every reload. When it is not in the
    /// container, PgBouncer logs "could not open auth_file" and no user can log in: every
    /// connection of the application fails with "password authentication failed" (or "no such
    /// user"), although the userlist sits in the repository next to the ini.
    ///
    /// ## Example
    /// ```yaml together title="docker-compose.prod.yml"
    /// services:
    ///   pgbouncer:
    ///     image: pgbouncer/pgbouncer:1.23.1
    ///     volumes:
    ///       - ./pgbouncer/pgbouncer.ini:/etc/pgbouncer/pgbouncer.ini:ro
    /// ```
    ///
    /// ```ini together title="pgbouncer/pgbouncer.ini"
    /// [databases]
    /// app = host=db port=5432 dbname=app
    ///
    /// [pgbouncer]
    /// auth_type = scram-sha-256
    /// auth_file = /etc/pgbouncer/userlist.txt
    /// ```
    ///
    /// ## How to fix
    /// Mount the auth file where `auth_file` points:
    ///
    /// ```yaml together title="docker-compose.prod.yml"
    /// services:
    ///   pgbouncer:
    ///     image: pgbouncer/pgbouncer:1.23.1
    ///     volumes:
    ///       - ./pgbouncer/pgbouncer.ini:/etc/pgbouncer/pgbouncer.ini:ro
    ///       - ./pgbouncer/userlist.txt:/etc/pgbouncer/userlist.txt:ro
    /// ```
    pub(crate) struct AuthFileNotMounted {
        code: "PGB012",
        name: "auth-file-not-mounted",
        family: Pgbouncer,
        severity: Error,
        scope: NOT_DEVELOPMENT,
    }
}

/// Auth files that PgBouncer images write themselves, by image name.
const IMAGE_DEFAULTS: &[(&str, &str)] = &[
    ("edoburu/pgbouncer", "/etc/pgbouncer/userlist.txt"),
    (
        "bitnami/pgbouncer",
        "/opt/bitnami/pgbouncer/conf/userlist.txt",
    ),
];

impl Rule for AuthFileNotMounted {
    fn check_project(&self, ctx: &mut Ctx<'_>) {
        let project = ctx.project;
        let all = pgbouncers(project);
        let mut gitignores = crate::rules::compose::Gitignores::default();
        for svc in &all.services {
            let (Some(config), Some((mount_span, _))) =
                (svc.config.map(|i| &all.configs[i]), &svc.config_mount)
            else {
                continue;
            };
            let Some((auth_file, ini_file, af_span)) = config.value("auth_file") else {
                continue;
            };
            if says_development(project, svc.compose) {
                continue;
            }
            if !auth_file.starts_with('/') || auth_file.contains('$') {
                continue;
            }
            // These methods take no password from the auth file.
            let auth_type = config.value("auth_type").map(|v| v.0.to_ascii_lowercase());
            if matches!(auth_type.as_deref(), Some("any" | "cert" | "peer" | "pam")) {
                continue;
            }
            match host_side(project, svc, auth_file) {
                HostSide::Unmounted => {
                    let image = svc
                        .image
                        .as_deref()
                        .unwrap_or_default()
                        .to_ascii_lowercase();
                    let generated = IMAGE_DEFAULTS
                        .iter()
                        .any(|(name, path)| image_is(&image, name) && *path == auth_file);
                    if generated || svc.builds {
                        continue;
                    }
                    let d = ctx.report(
                        svc.compose,
                        *mount_span,
                        format!(
                            "service `{}` mounts this pgbouncer.ini, whose auth_file \
                             {auth_file} no volume of the service provides: no user can log in",
                            svc.name
                        ),
                    );
                    d.help(format!("mount the auth file at {auth_file}"))
                        .related(ini_file, af_span, "auth_file is set here");
                    let ini = project.file(ini_file);
                    if let Some(target) = auth_file_target(project, ini, auth_file) {
                        d.related(
                            target.id,
                            crate::source::Span::empty(0),
                            "probably this file",
                        );
                    }
                }
                HostSide::Path(host, mount) => {
                    // A file mounted on its own is checked by CMP007.
                    if mount.target == auth_file
                        || crate::rules::compose::exists(&host)
                        || gitignores.ignored(&host, &project.root)
                    {
                        continue;
                    }
                    let folder = mount.target.clone();
                    let d = ctx.report(
                        svc.compose,
                        mount.span,
                        format!(
                            "auth_file {auth_file} comes from this folder mount, but `{}` does \
                             not exist: no user can log in",
                            display_host(project, &host)
                        ),
                    );
                    d.help(format!(
                        "add the auth file to the folder mounted at {folder}, or list it in \
                         .gitignore if each installation creates it"
                    ))
                    .related(ini_file, af_span, "auth_file is set here");
                }
                HostSide::Opaque => {}
            }
        }
    }
}

/// Whether an image reference (`docker.io/edoburu/pgbouncer:1.23`) is the image `name`.
fn image_is(image: &str, name: &str) -> bool {
    let without_tag = image.split(['@']).next().unwrap_or_default();
    let without_tag = match without_tag.rsplit_once(':') {
        Some((repo, tag)) if !tag.contains('/') => repo,
        _ => without_tag,
    };
    without_tag == name || without_tag.ends_with(&format!("/{name}"))
}

#[cfg(test)]
mod tests {
    use super::image_is;

    #[test]
    fn image_names_match_with_registry_and_tag() {
        assert!(image_is("edoburu/pgbouncer:1.23.1", "edoburu/pgbouncer"));
        assert!(image_is("docker.io/edoburu/pgbouncer", "edoburu/pgbouncer"));
        assert!(image_is(
            "edoburu/pgbouncer@sha256:abc",
            "edoburu/pgbouncer"
        ));
        assert!(!image_is("pgbouncer/pgbouncer:1.23", "edoburu/pgbouncer"));
        assert!(!image_is("myedoburu/pgbouncer", "edoburu/pgbouncer"));
    }
}
