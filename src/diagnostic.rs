//! The diagnostic model every rule reports and every renderer consumes.

use std::fmt;

use crate::source::{FileId, Span};

/// How serious a finding is. Ordered: `Info < Warning < Error`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }

    pub fn parse(s: &str) -> Option<Severity> {
        match s {
            "info" => Some(Severity::Info),
            "warning" => Some(Severity::Warning),
            "error" => Some(Severity::Error),
            _ => None,
        }
    }

    /// One step less serious; `Info` stays `Info`.
    pub fn lower(self) -> Severity {
        match self {
            Severity::Error => Severity::Warning,
            _ => Severity::Info,
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The rule families; each owns a code prefix.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Family {
    Compose,
    Env,
    Pgbouncer,
    Prometheus,
    Alertmanager,
    Grafana,
    Django,
    Dockerfile,
    Project,
    Shiplint,
}

impl Family {
    pub const ALL: &'static [Family] = &[
        Family::Compose,
        Family::Env,
        Family::Pgbouncer,
        Family::Prometheus,
        Family::Alertmanager,
        Family::Grafana,
        Family::Django,
        Family::Dockerfile,
        Family::Project,
        Family::Shiplint,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Family::Compose => "compose",
            Family::Env => "env",
            Family::Pgbouncer => "pgbouncer",
            Family::Prometheus => "prometheus",
            Family::Alertmanager => "alertmanager",
            Family::Grafana => "grafana",
            Family::Django => "django",
            Family::Dockerfile => "dockerfile",
            Family::Project => "project",
            Family::Shiplint => "shiplint",
        }
    }

    pub fn prefix(self) -> &'static str {
        match self {
            Family::Compose => "CMP",
            Family::Env => "ENV",
            Family::Pgbouncer => "PGB",
            Family::Prometheus => "PRM",
            Family::Alertmanager => "ALM",
            Family::Grafana => "GRF",
            Family::Django => "DJG",
            Family::Dockerfile => "DKR",
            Family::Project => "PRJ",
            Family::Shiplint => "SHL",
        }
    }
}

/// A secondary location of a finding, with its own short message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Related {
    pub file: FileId,
    pub span: Span,
    pub message: String,
}

/// Whether a fix can be applied without review.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Applicability {
    Safe,
    Unsafe,
}

impl Applicability {
    pub fn as_str(self) -> &'static str {
        match self {
            Applicability::Safe => "safe",
            Applicability::Unsafe => "unsafe",
        }
    }
}

/// One text replacement.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Edit {
    pub file: FileId,
    pub span: Span,
    pub content: String,
}

/// A suggested change that resolves the finding.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fix {
    pub message: String,
    pub applicability: Applicability,
    pub edits: Vec<Edit>,
}

/// One finding.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    pub code: &'static str,
    pub name: &'static str,
    pub family: Family,
    pub severity: Severity,
    /// What is wrong: lowercase start, no trailing period, never a secret value.
    pub message: String,
    /// What to do about it.
    pub help: Option<String>,
    pub file: FileId,
    pub span: Span,
    pub related: Vec<Related>,
    pub fix: Option<Fix>,
    /// Spans whose text is a secret: renderers that show source never print them.
    pub sensitive: Vec<(FileId, Span)>,
}

impl Diagnostic {
    pub fn help(&mut self, help: impl Into<String>) -> &mut Self {
        self.help = Some(help.into());
        self
    }

    pub fn related(&mut self, file: FileId, span: Span, message: impl Into<String>) -> &mut Self {
        self.related.push(Related {
            file,
            span,
            message: message.into(),
        });
        self
    }

    pub fn fix(&mut self, fix: Fix) -> &mut Self {
        self.fix = Some(fix);
        self
    }

    /// Marks a span as holding a secret, so that no renderer prints its text.
    pub fn sensitive(&mut self, file: FileId, span: Span) -> &mut Self {
        self.sensitive.push((file, span));
        self
    }

    pub fn severity(&mut self, severity: Severity) -> &mut Self {
        self.severity = severity;
        self
    }
}

/// A form of a secret value that is safe to print: `pr…it` for long values, `<5 chars>` for
/// short ones, so that a user can recognise which value is meant without anyone learning it.
pub fn redact(value: &str) -> String {
    let n = value.chars().count();
    if n >= 16 {
        let head: String = value.chars().take(2).collect();
        let tail: String = value.chars().skip(n - 2).collect();
        format!("{head}…{tail}")
    } else if n == 1 {
        "<1 char>".to_string()
    } else {
        format!("<{n} chars>")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_values_keep_two_characters_each_side() {
        assert_eq!(redact("prod-secret-key-change-it"), "pr…it");
    }

    #[test]
    fn short_values_show_only_their_length() {
        assert_eq!(redact("admin"), "<5 chars>");
        assert_eq!(redact("x"), "<1 char>");
        assert_eq!(redact(""), "<0 chars>");
    }

    #[test]
    fn multibyte_values_are_cut_on_characters() {
        assert_eq!(redact("ééééééééééééééééé"), "éé…éé");
    }

    #[test]
    fn severities_order_and_lower() {
        assert!(Severity::Error > Severity::Warning && Severity::Warning > Severity::Info);
        assert_eq!(Severity::Error.lower(), Severity::Warning);
        assert_eq!(Severity::Info.lower(), Severity::Info);
    }
}
