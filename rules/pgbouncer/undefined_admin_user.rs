use super::{
    auth_file_target, effective_value, list_items, loaded_users, pgbouncers, userlist, MAIN_SECTION,
};
use crate::rule::{Ctx, Rule};
use crate::source::Span;

crate::declare_rule! {
    /// ## What it does
    /// Reports a user named in `admin_users` or `stats_users` of `pgbouncer.ini` that the auth
    /// file named by `auth_file` does not define, or defines only below a line where PgBouncer
    /// stops loading the file. It is silent when users need not be in the auth file: with
    /// `auth_type` `any`, `pam` or `ldap`, and when `auth_user` and `auth_dbname` let PgBouncer
    /// look users up in PostgreSQL. The user `pgbouncer` is not reported: it can log in to
    /// the console through the Unix socket as the operating-system user running PgBouncer.
    ///
    /// The auth file is found in the project as PGB004 describes.
    ///
    /// ## Why it matters
    /// The admin console (`psql -p 6432 pgbouncer`) is where `SHOW POOLS`, `PAUSE`, `RELOAD` and
    /// `RECONNECT` are run, and where exporters such as `pgbouncer_exporter` read their
    /// metrics. PgBouncer authenticates console users against the auth file like any other
    /// user, so a name missing from it cannot log in: the exporter reports PgBouncer as down and
    /// an operator finds out during an incident that the console is out of reach.
    ///
    /// ## Example
    /// In `config/pgbouncer/pgbouncer.ini`:
    ///
    /// ```ini
    /// [pgbouncer]
    /// auth_type = scram-sha-256
    /// auth_file = /etc/pgbouncer/userlist.txt
    /// admin_users = pgbouncer_admin
    /// stats_users = stats
    /// ```
    ///
    /// and in `config/pgbouncer/userlist.txt`, no `pgbouncer_admin` nor `stats`:
    ///
    /// ```text
    /// "app" "SCRAM-SHA-256$4096:EzbynDJmXarI8H4C5uqZJQ==$3uA0zroujXofbwn060G4tSV6Y61Q42i7nVhuUp8dUqY=:dZDv5G/o6m2SMnFfRaHcz+GQ2gAG+V9KOR+BSpEYq7w="
    /// ```
    ///
    /// ## How to fix
    /// Add the console users to the auth file, with their own secrets:
    ///
    /// ```text
    /// "app" "SCRAM-SHA-256$4096:EzbynDJmXarI8H4C5uqZJQ==$3uA0zroujXofbwn060G4tSV6Y61Q42i7nVhuUp8dUqY=:dZDv5G/o6m2SMnFfRaHcz+GQ2gAG+V9KOR+BSpEYq7w="
    /// "pgbouncer_admin" "SCRAM-SHA-256$4096:lYDj4spkDTOAZz4C7PQTaA==$/aNlCIFFYV8T66KOOV+VoNHIDzCHrgybEh1KblECYPs=:psamMPaUs6u5nu0AUV0uGJD5aiZu/OwvgM3SGwnUD8g="
    /// "stats" "SCRAM-SHA-256$4096:m7z7pR2+Jip9k0MHN+fQlA==$J6MZikZg4DO/hWFZsE3VngnIW3Vbpwr06zMPv2IMOK8=:4HOfTu3dJCKyHwXn+7ee4OL1fYbRkfeUrAgapmwXx6I="
    /// ```
    ///
    /// or remove the names that are no longer used from `admin_users` and `stats_users`.
    pub(crate) struct UndefinedAdminUser {
        code: "PGB005",
        name: "undefined-admin-user",
        family: Pgbouncer,
        severity: Warning,
        scope: ALL,
    }
}

impl Rule for UndefinedAdminUser {
    fn check_project(&self, ctx: &mut Ctx<'_>) {
        let project = ctx.project;
        // Each configuration PgBouncer loads: an ini with the files it `%include`s.
        let all = pgbouncers(project);
        for config in &all.configs {
            let Some(&root) = config.files.first() else {
                continue;
            };
            let file = project.file(root);
            let auth_type = config
                .setting("auth_type")
                .map(|e| {
                    effective_value(MAIN_SECTION, &e.entry)
                        .0
                        .trim()
                        .to_ascii_lowercase()
                })
                .unwrap_or_else(|| "md5".to_string());
            if !matches!(
                auth_type.as_str(),
                "md5" | "scram-sha-256" | "plain" | "trust" | "cert" | "hba"
            ) {
                continue;
            }
            if config.setting("auth_user").is_some() && config.setting("auth_dbname").is_some() {
                continue;
            }
            let Some(af) = config.setting("auth_file") else {
                continue;
            };
            let (af_value, af_span) = effective_value(MAIN_SECTION, &af.entry);
            let Some(target) = auth_file_target(project, file, af_value) else {
                continue;
            };
            let Some(list) = userlist(target) else {
                continue;
            };
            let path = &target.source.display_path;
            let loaded = loaded_users(list);
            for (key, role) in [("admin_users", "admin"), ("stats_users", "stats")] {
                let Some(e) = config.setting(key) else {
                    continue;
                };
                let (value, span) = effective_value(MAIN_SECTION, &e.entry);
                for (name, name_span) in list_items(value, span) {
                    if name == "pgbouncer" || loaded.iter().any(|u| u.user == name) {
                        continue;
                    }
                    let late = list.entries.iter().find(|u| u.user == name);
                    let message = match (late, list.broken_line) {
                        (Some(_), Some(broken)) => format!(
                            "{role} user `{name}` is defined in {path} only after line {}, where \
                             PgBouncer stops loading users",
                            target.source.line_col(broken.start).line
                        ),
                        _ => format!(
                            "{role} user `{name}` is not in the auth file {path}, so it cannot \
                             log in to the admin console"
                        ),
                    };
                    let d = ctx.report(e.file, name_span, message);
                    d.help(format!(
                        "add `{name}` with its SCRAM secret to {path}, or remove it from {key}"
                    ))
                    .related(af.file, af_span, format!("the auth file, {path}"))
                    .related(
                        target.id,
                        list.broken_line.unwrap_or(Span::empty(0)),
                        if list.broken_line.is_some() {
                            "PgBouncer stops loading users at this line"
                        } else {
                            "the auth file"
                        },
                    );
                }
            }
        }
    }
}
