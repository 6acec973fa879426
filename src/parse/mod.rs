//! Parsers: one module per format, each returning a typed model whose values carry spans.
//! Parsers know nothing of rules.

pub mod compose;
pub mod dockerfile;
pub mod dotenv;
pub mod interpolate;
pub mod monitoring;
pub mod pgbouncer;
pub mod python;
pub mod yaml;

use crate::kind::FileKind;
use crate::source::Span;

/// Input a parser could not read: becomes a located `SHL` parse-error diagnostic.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseIssue {
    pub span: Span,
    pub message: String,
}

impl ParseIssue {
    pub fn new(span: Span, message: impl Into<String>) -> ParseIssue {
        ParseIssue {
            span,
            message: message.into(),
        }
    }
}

/// The parsed form of one file.
#[derive(Debug)]
pub enum Model {
    /// Read, but no structured model (ignore files, Python sources not yet modelled).
    Text,
    /// Not readable as text: binary, too large, not UTF-8, or unreadable.
    Unreadable,
    Yaml(yaml::YamlFile),
    /// A Compose file: its YAML tree and its Compose model (shared with the project index).
    Compose(yaml::YamlFile, std::sync::Arc<compose::ComposeFile>),
    Env(dotenv::EnvFile),
    PgbouncerUserlist(pgbouncer::Userlist),
    PgbouncerIni(pgbouncer::Ini),
    Dockerfile(dockerfile::Dockerfile),
    /// A Django settings module read statically, a `diffsettings` export, or a JSON dump of
    /// the running settings.
    DjangoSettings(python::SettingsModule),
}

impl Model {
    /// The YAML tree of a YAML file, Compose files included.
    pub fn yaml(&self) -> Option<&yaml::YamlFile> {
        match self {
            Model::Yaml(y) | Model::Compose(y, _) => Some(y),
            _ => None,
        }
    }

    pub fn compose(&self) -> Option<&compose::ComposeFile> {
        match self {
            Model::Compose(_, c) => Some(c),
            _ => None,
        }
    }

    pub fn env(&self) -> Option<&dotenv::EnvFile> {
        match self {
            Model::Env(e) => Some(e),
            _ => None,
        }
    }

    pub fn django_settings(&self) -> Option<&python::SettingsModule> {
        match self {
            Model::DjangoSettings(s) => Some(s),
            _ => None,
        }
    }

    pub fn dockerfile(&self) -> Option<&dockerfile::Dockerfile> {
        match self {
            Model::Dockerfile(d) => Some(d),
            _ => None,
        }
    }
}

/// Parses `text` as a file of `kind`. Never panics on any input.
pub fn parse(kind: FileKind, text: &str) -> (Model, Vec<ParseIssue>) {
    match kind {
        k if k.is_yaml() => {
            let file = yaml::parse(text);
            let mut issues = file.errors.clone();
            if kind == FileKind::Compose {
                issues.extend(interpolation_errors(&file));
                let (compose, problems) = compose::build(&file);
                issues.extend(problems);
                return (Model::Compose(file, std::sync::Arc::new(compose)), issues);
            }
            (Model::Yaml(file), issues)
        }
        FileKind::Env | FileKind::EnvTemplate => {
            let file = dotenv::parse(text);
            // What Compose refuses to load is a parse error; what it reads differently from
            // other loaders is for the env rules.
            let mut issues: Vec<ParseIssue> = file
                .problems
                .iter()
                .filter(|p| p.kind.rejected_by_compose())
                .map(|p| ParseIssue::new(p.span, p.kind.message()))
                .collect();
            issues.extend(env_interpolation_errors(&file, text));
            issues.sort_by_key(|i| (i.span.start, i.span.end));
            (Model::Env(file), issues)
        }
        FileKind::PgbouncerUserlist => {
            let (file, issues) = pgbouncer::parse_userlist(text);
            (Model::PgbouncerUserlist(file), issues)
        }
        FileKind::PgbouncerIni => {
            let (file, issues) = pgbouncer::parse_ini(text);
            (Model::PgbouncerIni(file), issues)
        }
        FileKind::DjangoSettingsSource => {
            let (module, issues) = python::parse_settings(text);
            (Model::DjangoSettings(module), issues)
        }
        FileKind::DjangoSettingsExport if looks_like_json(text) => {
            let (module, issues) = python::parse_json_export(text);
            (Model::DjangoSettings(module), issues)
        }
        FileKind::DjangoSettingsExport => {
            let (module, issues) = python::parse_diffsettings(text);
            (Model::DjangoSettings(module), issues)
        }
        FileKind::Dockerfile => {
            let (file, issues) = dockerfile::parse(text);
            (Model::Dockerfile(file), issues)
        }
        _ => (Model::Text, Vec::new()),
    }
}

/// Compose refuses a file with a malformed `${…}` anywhere in its values.
fn interpolation_errors(file: &yaml::YamlFile) -> Vec<ParseIssue> {
    let mut out = Vec::new();
    for scalar in file.value_scalars() {
        let Some(value) = scalar.as_str() else {
            continue;
        };
        if !value.contains("${") {
            continue;
        }
        let located = interpolate::Located::parse(scalar.raw(), value, scalar.span());
        for e in &located.template.errors {
            out.push(ParseIssue::new(
                located.file_span(e.span),
                e.message.clone(),
            ));
        }
    }
    out
}

/// Compose interpolates the values of an env file it reads (not single-quoted ones) and refuses
/// the file when one holds a malformed `${` (`A=${B`, `A=${B:-x`).
fn env_interpolation_errors(file: &dotenv::EnvFile, text: &str) -> Vec<ParseIssue> {
    let mut out = Vec::new();
    for entry in file.entries.iter().filter(|e| e.interpolates()) {
        if !entry.value.contains("${") {
            continue;
        }
        let raw = text.get(entry.raw_value_span.range()).unwrap_or_default();
        let located = interpolate::Located::parse(raw, &entry.value, entry.raw_value_span);
        for e in &located.template.errors {
            out.push(ParseIssue::new(
                located.file_span(e.span),
                e.message.clone(),
            ));
        }
    }
    out
}

/// A settings export written as JSON (an object; an array is a malformed one) rather than
/// as `diffsettings` text.
fn looks_like_json(text: &str) -> bool {
    text.trim_start_matches('\u{feff}')
        .trim_start()
        .starts_with(['{', '['])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn malformed_substitution_in_an_env_value_is_a_located_parse_error() {
        let text = "A=ok\nB=x${C\nD='${E'\nF=\"${G:-y\"\nH=${I:-z}\n";
        let (_, issues) = parse(FileKind::Env, text);
        let at: Vec<&str> = issues.iter().map(|i| &text[i.span.range()]).collect();
        assert_eq!(issues.len(), 2, "{at:?}");
        assert!(at[0].starts_with("${C"), "{at:?}");
        assert!(at[1].starts_with("${G"), "{at:?}");
    }
}
