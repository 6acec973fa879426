//! File kinds and deployment environments.

use std::fmt;

/// What a file is, as far as shiplint is concerned.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum FileKind {
    Compose,
    Env,
    EnvTemplate,
    PgbouncerUserlist,
    PgbouncerIni,
    Prometheus,
    PrometheusRules,
    Alertmanager,
    GrafanaDatasources,
    GrafanaDashboards,
    DjangoSettingsSource,
    DjangoSettingsExport,
    Dockerfile,
    Dockerignore,
    PythonSource,
    Gitignore,
    /// A file named on the command line whose kind could not be told.
    Unknown,
}

impl FileKind {
    pub const ALL: &'static [FileKind] = &[
        FileKind::Compose,
        FileKind::Env,
        FileKind::EnvTemplate,
        FileKind::PgbouncerUserlist,
        FileKind::PgbouncerIni,
        FileKind::Prometheus,
        FileKind::PrometheusRules,
        FileKind::Alertmanager,
        FileKind::GrafanaDatasources,
        FileKind::GrafanaDashboards,
        FileKind::DjangoSettingsSource,
        FileKind::DjangoSettingsExport,
        FileKind::Dockerfile,
        FileKind::Dockerignore,
        FileKind::PythonSource,
        FileKind::Gitignore,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            FileKind::Compose => "compose",
            FileKind::Env => "env",
            FileKind::EnvTemplate => "env-template",
            FileKind::PgbouncerUserlist => "pgbouncer-userlist",
            FileKind::PgbouncerIni => "pgbouncer-ini",
            FileKind::Prometheus => "prometheus",
            FileKind::PrometheusRules => "prometheus-rules",
            FileKind::Alertmanager => "alertmanager",
            FileKind::GrafanaDatasources => "grafana-datasources",
            FileKind::GrafanaDashboards => "grafana-dashboards",
            FileKind::DjangoSettingsSource => "django-settings-source",
            FileKind::DjangoSettingsExport => "django-settings-export",
            FileKind::Dockerfile => "dockerfile",
            FileKind::Dockerignore => "dockerignore",
            FileKind::PythonSource => "python-source",
            FileKind::Gitignore => "gitignore",
            FileKind::Unknown => "unknown",
        }
    }

    pub fn parse(s: &str) -> Option<FileKind> {
        FileKind::ALL.iter().copied().find(|k| k.as_str() == s)
    }

    /// The comment marker suppression comments use in this kind of file, if it has comments.
    pub fn comment_marker(self) -> Option<&'static str> {
        match self {
            FileKind::PgbouncerUserlist | FileKind::PgbouncerIni => Some(";"),
            FileKind::DjangoSettingsExport | FileKind::GrafanaDashboards | FileKind::Unknown => {
                None
            }
            _ => Some("#"),
        }
    }

    /// Whether the file is YAML (or JSON, which the YAML layer also reads).
    pub fn is_yaml(self) -> bool {
        matches!(
            self,
            FileKind::Compose
                | FileKind::Prometheus
                | FileKind::PrometheusRules
                | FileKind::Alertmanager
                | FileKind::GrafanaDatasources
                | FileKind::GrafanaDashboards
        )
    }
}

impl fmt::Display for FileKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The deployment environment a file belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Environment {
    Production,
    Staging,
    Development,
    Test,
    Template,
    Unknown,
}

impl Environment {
    pub const ALL: &'static [Environment] = &[
        Environment::Production,
        Environment::Staging,
        Environment::Development,
        Environment::Test,
        Environment::Template,
        Environment::Unknown,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Environment::Production => "production",
            Environment::Staging => "staging",
            Environment::Development => "development",
            Environment::Test => "test",
            Environment::Template => "template",
            Environment::Unknown => "unknown",
        }
    }

    pub fn parse(s: &str) -> Option<Environment> {
        Environment::ALL.iter().copied().find(|e| e.as_str() == s)
    }

    /// Production or staging: an environment real users or real data reach.
    pub fn is_deployed(self) -> bool {
        matches!(self, Environment::Production | Environment::Staging)
    }
}

impl fmt::Display for Environment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
