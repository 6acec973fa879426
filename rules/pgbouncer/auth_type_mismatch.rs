use super::{
    auth_file_target, effective_value, list_items, loaded_users, pgbouncers, protect_secret,
    stored_kind, userlist, Stored, MAIN_SECTION,
};
use crate::parse::pgbouncer::AUTH_TYPES;
use crate::rule::{Ctx, Rule};
use crate::source::Span;

crate::declare_rule! {
    /// ## What it does
    /// Checks the `auth_type` of `pgbouncer.ini` against the auth file its `auth_file` names
    /// and against the addresses it listens on. It reports:
    ///
    /// - `auth_type = scram-sha-256` while users of the auth file have MD5 hashes;
    /// - a password method (`md5`, the default, `scram-sha-256` or `plain`) while users have an
    ///   empty password, or while the auth file defines no user at all;
    /// - `auth_type = trust` or `any` while `listen_addr` is `*`, `0.0.0.0` or `::`.
    ///
    /// The auth file is found in the project from the `auth_file` path: relative to the ini's
    /// folder, or, for a container path such as `/etc/pgbouncer/userlist.txt`, the userlist
    /// with the same file name (in the ini's folder first). Users that PgBouncer logs in to
    /// PostgreSQL as (`auth_user`, a forced `user=` in `[databases]`) are not counted: clients
    /// do not log in as them. Settings in the files the ini `%include`s count where PgBouncer
    /// reads them.
    ///
    /// ## Why it matters
    /// SCRAM authentication needs a SCRAM secret or the plain-text password; an MD5 hash cannot
    /// answer a SCRAM exchange, so with `auth_type = scram-sha-256` every user stored as MD5 is
    /// refused. (The reverse works: under `md5`, PgBouncer switches to SCRAM for users with a
    /// SCRAM secret.) PgBouncer refuses every login with an empty stored password under the
    /// password methods. Both break the application at deploy time with "password
    /// authentication failed" while the files look complete.
    ///
    /// `trust` performs no authentication at all, and `any` does not even check the user name.
    /// Listening on every interface makes that reachable from every container on the network,
    /// and from the internet when the port is published.
    ///
    /// ## Example
    /// ```ini title="config/pgbouncer/pgbouncer.ini"
    /// [databases]
    /// app = host=db port=5432 dbname=app
    ///
    /// [pgbouncer]
    /// listen_addr = 0.0.0.0
    /// listen_port = 6432
    /// auth_type = trust
    /// auth_file = /etc/pgbouncer/userlist.txt
    /// ```
    ///
    /// And, in `config/pgbouncer/pgbouncer.ini` and `config/pgbouncer/userlist.txt`:
    ///
    /// ```ini
    /// [pgbouncer]
    /// auth_type = scram-sha-256
    /// auth_file = /etc/pgbouncer/userlist.txt
    /// ```
    ///
    /// ```text
    /// "app" "md52b87cf9b1266d11969bf25aa67290c26"
    /// ```
    ///
    /// ## How to fix
    /// Use a password method with secrets for every user. `scram-sha-256` with SCRAM secrets
    /// from `pg_authid` is the strongest; `md5` accepts both MD5 hashes and SCRAM secrets while
    /// you migrate.
    ///
    /// ```ini title="config/pgbouncer/pgbouncer.ini"
    /// [databases]
    /// app = host=db port=5432 dbname=app
    ///
    /// [pgbouncer]
    /// listen_addr = 0.0.0.0
    /// listen_port = 6432
    /// auth_type = scram-sha-256
    /// auth_file = /etc/pgbouncer/userlist.txt
    /// ```
    ///
    /// ```text
    /// "app" "SCRAM-SHA-256$4096:EzbynDJmXarI8H4C5uqZJQ==$3uA0zroujXofbwn060G4tSV6Y61Q42i7nVhuUp8dUqY=:dZDv5G/o6m2SMnFfRaHcz+GQ2gAG+V9KOR+BSpEYq7w="
    /// ```
    ///
    /// If `trust` is really wanted (a sidecar reached only by its application), listen on
    /// `127.0.0.1` or on the Unix socket alone.
    pub(crate) struct AuthTypeMismatch {
        code: "PGB004",
        name: "auth-type-mismatch",
        family: Pgbouncer,
        severity: Error,
        scope: NOT_DEVELOPMENT,
    }
}

/// How many users a finding lists as related locations.
const MAX_LISTED: usize = 10;

/// Addresses that mean "every interface".
const ANY_ADDRESS: &[&str] = &["*", "0.0.0.0", "::", "[::]"];

impl Rule for AuthTypeMismatch {
    fn check_project(&self, ctx: &mut Ctx<'_>) {
        let project = ctx.project;
        // Each configuration PgBouncer loads: an ini with the files it `%include`s.
        let all = pgbouncers(project);
        for config in &all.configs {
            let Some(&root) = config.files.first() else {
                continue;
            };
            let file = project.file(root);
            let entry = config.setting("auth_type");
            let (auth_type, auth_span) = match entry {
                Some(e) => {
                    let (value, span) = effective_value(MAIN_SECTION, &e.entry);
                    let value = value.trim().to_ascii_lowercase();
                    if !AUTH_TYPES.contains(&value.as_str()) {
                        continue; // PGB008 reports it
                    }
                    (value, Some((e.file, span)))
                }
                None => ("md5".to_string(), None),
            };

            // Ex) auth_type = trust, listen_addr = *
            if let (Some(span), "trust" | "any") = (auth_span, auth_type.as_str()) {
                let open = config.setting("listen_addr").and_then(|e| {
                    let (value, span) = effective_value(MAIN_SECTION, &e.entry);
                    list_items(value, span)
                        .into_iter()
                        .find(|(addr, _)| ANY_ADDRESS.contains(addr))
                        .map(|(addr, span)| (addr, e.file, span))
                });
                if let Some((addr, addr_file, addr_span)) = open {
                    let d = ctx.report(
                        span.0,
                        span.1,
                        format!(
                            "auth_type = {auth_type} lets clients in without a password, and \
                             listen_addr = {addr} accepts them from any network"
                        ),
                    );
                    d.help(
                        "use auth_type = scram-sha-256 with secrets in the auth file, or listen \
                         only on 127.0.0.1 or the Unix socket",
                    )
                    .related(
                        addr_file,
                        addr_span,
                        "listens on every interface",
                    );
                }
            }

            if !matches!(auth_type.as_str(), "md5" | "scram-sha-256" | "plain") {
                continue;
            }
            let Some(af) = config.setting("auth_file") else {
                continue;
            };
            let (af_value, af_span) = effective_value(MAIN_SECTION, &af.entry);
            let af_span = (af.file, af_span);
            let Some(target) = auth_file_target(project, file, af_value) else {
                continue;
            };
            let Some(list) = userlist(target) else {
                continue;
            };
            let path = &target.source.display_path;
            let primary = auth_span.unwrap_or(af_span);
            let method = match auth_span {
                Some(_) => format!("auth_type = {auth_type}"),
                None => "the default auth_type = md5".to_string(),
            };
            let server_side = config.server_side_users();
            let loaded = loaded_users(list);
            let clients: Vec<_> = loaded
                .iter()
                .filter(|e| !server_side.contains(&e.user))
                .collect();

            if loaded.is_empty() && config.setting("auth_user").is_none() {
                let d = ctx.report(
                    primary.0,
                    primary.1,
                    format!("{method} needs users, but the auth file {path} defines none"),
                );
                d.help("add the users clients log in as, with their SCRAM secrets")
                    .related(target.id, Span::empty(0), "the auth file");
                continue;
            }

            let report =
                |ctx: &mut Ctx<'_>, kind: Stored, message: String, help: &str, label: &str| {
                    let bad: Vec<_> = clients
                        .iter()
                        .filter(|e| stored_kind(&e.secret) == kind)
                        .collect();
                    if bad.is_empty() {
                        return;
                    }
                    let who = if bad.len() == clients.len() {
                        format!("no user in {path} can log in")
                    } else if bad.len() == 1 {
                        format!("user `{}` in {path} cannot log in", bad[0].user)
                    } else {
                        format!("{} users in {path} cannot log in", bad.len())
                    };
                    let d = ctx.report(primary.0, primary.1, format!("{message}: {who}"));
                    d.help(help);
                    if primary != af_span {
                        d.related(af_span.0, af_span.1, format!("the auth file, {path}"));
                    }
                    for e in bad.iter().take(MAX_LISTED) {
                        d.related(target.id, e.user_span, format!("`{}` {label}", e.user));
                        protect_secret(d, target.id, e);
                    }
                    if bad.len() > MAX_LISTED {
                        let last = bad[bad.len() - 1];
                        d.related(
                            target.id,
                            last.user_span,
                            format!(
                                "and {} more users, down to `{}`",
                                bad.len() - MAX_LISTED,
                                last.user
                            ),
                        );
                    }
                };
            if auth_type == "scram-sha-256" {
                report(
                    ctx,
                    Stored::Md5,
                    "auth_type = scram-sha-256 cannot use md5 hashes".to_string(),
                    "store SCRAM-SHA-256 secrets for these users (from pg_authid), or use \
                     auth_type = md5, which also accepts SCRAM secrets",
                    "has an md5 hash",
                );
            }
            report(
                ctx,
                Stored::Empty,
                format!("{method} refuses empty passwords"),
                "give these users a secret, or remove them from the auth file",
                "has an empty password",
            );
        }
    }
}
