use super::{
    host_side, loaded_users, pgbouncers, protect_secret, says_development, secret_issue, userlist,
    HostSide, SecretIssue,
};
use crate::kind::FileKind;
use crate::rule::{Ctx, Rule};

crate::declare_rule! {
    /// ## What it does
    /// Reports a Compose service running PgBouncer that publishes its listen port on every
    /// interface of the host (no host IP, or `0.0.0.0` / `::`) while the auth file it mounts
    /// holds placeholder passwords (as PGB001 reports them) or plain-text passwords (as PGB003
    /// does). The auth file is the one `auth_file` names, found through the service's mounts:
    /// bind mounts, and Compose secrets and configs with a `file:`. A Compose file of unknown
    /// environment that says it is for development (`DEBUG: "true"`, a development settings
    /// module) is left alone.
    ///
    /// ## Why it matters
    /// PgBouncer takes a placeholder such as `md5REPLACE_WITH_ACTUAL_PASSWORD_HASH` as a
    /// plain-text password, so anyone who has read the repository can log in as that user, and
    /// a plain-text password in a committed file is known to everyone with access to it. With
    /// the port published on all interfaces, that login is open to the whole network the host
    /// sits on, often the internet: the database behind the pool is one connection away.
    ///
    /// ## Example
    /// ```yaml together title="docker-compose.prod.yml"
    /// services:
    ///   pgbouncer:
    ///     image: edoburu/pgbouncer:1.23.1
    ///     ports:
    ///       - "6432:6432"
    ///     volumes:
    ///       - ./pgbouncer/pgbouncer.ini:/etc/pgbouncer/pgbouncer.ini:ro
    ///       - ./pgbouncer/userlist.txt:/etc/pgbouncer/userlist.txt:ro
    /// ```
    ///
    /// ```ini together title="pgbouncer/pgbouncer.ini"
    /// [databases]
    /// app = host=db port=5432 dbname=app
    ///
    /// [pgbouncer]
    /// listen_addr = 0.0.0.0
    /// auth_type = md5
    /// auth_file = /etc/pgbouncer/userlist.txt
    /// ```
    ///
    /// ```text together title="pgbouncer/userlist.txt"
    /// "app" "md5REPLACE_WITH_ACTUAL_PASSWORD_HASH"
    /// ```
    ///
    /// ## How to fix
    /// Publish the port on the loopback interface only (or not at all: containers of the same
    /// Compose project reach `pgbouncer:6432` without it), and put real SCRAM secrets in the
    /// auth file, generated at deploy time.
    ///
    /// ```yaml together title="docker-compose.prod.yml"
    /// services:
    ///   pgbouncer:
    ///     image: edoburu/pgbouncer:1.23.1
    ///     ports:
    ///       - "127.0.0.1:6432:6432"
    ///     volumes:
    ///       - ./pgbouncer/pgbouncer.ini:/etc/pgbouncer/pgbouncer.ini:ro
    ///       - ./pgbouncer/userlist.txt:/etc/pgbouncer/userlist.txt:ro
    /// ```
    pub(crate) struct ExposedWeakSecrets {
        code: "PGB013",
        name: "exposed-weak-secrets",
        family: Pgbouncer,
        severity: Error,
        scope: DEPLOYED_STRICT,
    }
}

/// How many users a finding lists as related locations.
const MAX_LISTED: usize = 10;

impl Rule for ExposedWeakSecrets {
    fn check_project(&self, ctx: &mut Ctx<'_>) {
        let project = ctx.project;
        let all = pgbouncers(project);
        for svc in &all.services {
            let Some(config) = svc.config.map(|i| &all.configs[i]) else {
                continue;
            };
            if says_development(project, svc.compose) {
                continue;
            }
            let Some((auth_file, _, _)) = config.value("auth_file") else {
                continue;
            };
            let HostSide::Path(host, mount) = host_side(project, svc, auth_file) else {
                continue;
            };
            let Some(list_file) = project
                .index
                .file_at(&host)
                .map(|id| project.file(id))
                .filter(|f| f.source.kind == FileKind::PgbouncerUserlist)
            else {
                continue;
            };
            let Some(list) = userlist(list_file) else {
                continue;
            };
            let weak: Vec<_> = loaded_users(list)
                .into_iter()
                .filter_map(|e| match secret_issue(&e.secret) {
                    Some(SecretIssue::Placeholder(_)) => Some((e, "a placeholder password")),
                    Some(SecretIssue::Plaintext) => Some((e, "a plain-text password")),
                    _ => None,
                })
                .collect();
            if weak.is_empty() {
                continue;
            }
            let Some(listen) = config.listen_port() else {
                continue;
            };
            // Without `listen_addr`, PgBouncer listens on its Unix socket alone.
            let listens_outside = config.value("listen_addr").is_some_and(|(v, _, _)| {
                v.split(',').map(str::trim).any(|a| {
                    !a.is_empty() && a != "localhost" && a != "::1" && !a.starts_with("127.")
                })
            });
            if !listens_outside {
                continue;
            }
            let Some(service) = project.index.service(svc.compose, &svc.name) else {
                continue;
            };
            let path = &list_file.source.display_path;
            for port in &service.ports {
                let targets_listen = port
                    .target
                    .as_ref()
                    .is_some_and(|t| port_range_contains(&t.value, listen));
                if !targets_listen || !port.published_on_all_interfaces() {
                    continue;
                }
                let who = match weak.as_slice() {
                    [(e, what)] => format!("user `{}` has {what}", e.user),
                    _ => {
                        let kinds = if weak.iter().all(|(_, w)| w.contains("placeholder")) {
                            "placeholder"
                        } else if weak.iter().all(|(_, w)| w.contains("plain-text")) {
                            "plain-text"
                        } else {
                            "placeholder or plain-text"
                        };
                        format!("{} users have {kinds} passwords", weak.len())
                    }
                };
                let d = ctx.report(
                    svc.compose,
                    port.span,
                    format!(
                        "port {listen} of PgBouncer is published on every interface while its \
                         auth file {path} is guessable: {who}"
                    ),
                );
                d.help(
                    "publish the port on 127.0.0.1 only (or not at all), and store SCRAM \
                     secrets generated at deploy time in the auth file",
                )
                .related(svc.compose, mount.span, "the auth file is mounted here");
                for (e, what) in weak.iter().take(MAX_LISTED) {
                    d.related(
                        list_file.id,
                        e.line_span,
                        format!("`{}` has {what}", e.user),
                    );
                    protect_secret(d, list_file.id, e);
                }
                for (e, _) in weak.iter().skip(MAX_LISTED) {
                    protect_secret(d, list_file.id, e);
                }
            }
        }
    }
}

/// Whether a Compose container port (`6432`, `6432-6433`, `6432/tcp`) includes `port`.
fn port_range_contains(target: &str, port: u16) -> bool {
    let target = target.split('/').next().unwrap_or_default().trim();
    match target.split_once('-') {
        Some((a, b)) => match (a.trim().parse::<u16>(), b.trim().parse::<u16>()) {
            (Ok(a), Ok(b)) => (a..=b).contains(&port),
            _ => false,
        },
        None => target.parse() == Ok(port),
    }
}

#[cfg(test)]
mod tests {
    use super::port_range_contains;

    #[test]
    fn container_ports_match_singly_in_ranges_and_with_a_protocol() {
        assert!(port_range_contains("6432", 6432));
        assert!(port_range_contains("6430-6440", 6432));
        assert!(port_range_contains("6432/tcp", 6432));
        assert!(!port_range_contains("5432", 6432));
        assert!(!port_range_contains("${PORT}", 6432));
    }
}
