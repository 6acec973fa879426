use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use super::env_file;
use crate::discover::{environment_from_tokens, template_target};
use crate::kind::{Environment, FileKind};
use crate::parse::dotenv::{Entry, EnvFile};
use crate::project::ParsedFile;
use crate::rule::{Ctx, Rule};
use crate::source::Span;

crate::declare_rule! {
    /// ## What it does
    /// Compares the env templates that describe the same configuration — those in one folder
    /// whose names differ only by environment and template words (`.env.example`,
    /// `.env.staging.example`, `.env.production.sample`) — and reports, on each production or
    /// staging template, every key that another template of the group sets and it neither sets
    /// nor mentions in a comment. The finding is at the place the key would go: after the line
    /// of the key that precedes it in the other template (or before the first entry when none
    /// does), with the other template's line as a related location.
    ///
    /// Left alone, because their gaps are usually deliberate: a template that has fewer than
    /// three quarters of the other's keys (it overrides a few settings), generic templates such
    /// as `.env.example` (often the development one), development and test templates, templates
    /// in different folders (`backend/.env.example`, `frontend/.env.example`) or for different
    /// services (`netbox.env.example`, `postgres.env.example`), and real env files.
    ///
    /// ## Why it matters
    /// Templates are the documentation of what a deployment needs. When a setting is added to
    /// one and not to its siblings, whoever sets up staging or production from the other
    /// template never learns about it: the application falls back to a default meant for
    /// development — sessions in the database instead of Redis, a local cache, mail to the
    /// console — and nothing fails.
    ///
    /// ## Example
    /// `.env.example`:
    /// ```sh
    /// SECRET_KEY=
    /// DATABASE_URL=
    /// REDIS_URL=
    /// SESSION_ENGINE=django.contrib.sessions.backends.cache
    /// ```
    /// `.env.staging.example`, in the same folder — `SESSION_ENGINE` is reported after
    /// `REDIS_URL=`:
    /// ```sh
    /// SECRET_KEY=
    /// DATABASE_URL=
    /// REDIS_URL=
    /// ```
    ///
    /// ## How to fix
    /// Add the key to every template; a commented line is enough to say that an environment
    /// deliberately leaves it unset. `.env.staging.example`:
    /// ```sh
    /// SECRET_KEY=
    /// DATABASE_URL=
    /// REDIS_URL=
    /// SESSION_ENGINE=django.contrib.sessions.backends.cache
    /// ```
    pub(crate) struct TemplateDrift {
        code: "ENV008",
        name: "template-drift",
        family: Env,
        severity: Warning,
        scope: TEMPLATES,
    }
}

/// Words in a template's name that say what it is a template of, not what configuration:
/// `.env.staging.example` and `.env.example` describe the same one.
const TEMPLATE_WORDS: &[&str] = &[
    "env", "example", "examples", "sample", "template", "tpl", "dist", "defaults", "default",
];

impl Rule for TemplateDrift {
    fn check_project(&self, ctx: &mut Ctx<'_>) {
        let project = ctx.project;
        let mut groups: BTreeMap<(PathBuf, Vec<String>), Vec<&ParsedFile>> = BTreeMap::new();
        for file in project.files_of_kind(FileKind::EnvTemplate) {
            if env_file(file).is_none() {
                continue;
            }
            let name = file_name(file);
            if matches!(
                template_target(&name),
                Some(Environment::Development | Environment::Test)
            ) {
                continue;
            }
            let folder = file
                .source
                .path
                .parent()
                .map(PathBuf::from)
                .unwrap_or_default();
            groups
                .entry((folder, subject(&name)))
                .or_default()
                .push(file);
        }
        for members in groups.values().filter(|m| m.len() > 1) {
            for lacking in members {
                // Only templates of deployed environments are held to the others' keys: a
                // generic `.env.example` is often the development one.
                let target = template_target(&file_name(lacking));
                if target.is_some_and(Environment::is_deployed) {
                    check_template(ctx, lacking, members);
                }
            }
        }
    }
}

/// A template that sets a key, its entry, and the entry's index.
type Setter<'a> = (&'a ParsedFile, &'a Entry, usize);

/// Reports on `lacking` every key another member sets that it neither sets nor mentions, when
/// it has at least three quarters of that member's keys.
fn check_template(ctx: &mut Ctx<'_>, lacking: &ParsedFile, members: &[&ParsedFile]) {
    let Some(env) = env_file(lacking) else { return };
    let own: BTreeSet<&str> = env.entries.iter().map(|e| e.key.as_str()).collect();
    let mentioned = comment_words(lacking, env);
    // Missing key → the members that set it, in file order, with their entry.
    let mut missing: Vec<(&str, Vec<Setter>)> = Vec::new();
    for other in members.iter().filter(|m| m.id != lacking.id) {
        let Some(other_env) = env_file(other) else {
            continue;
        };
        let theirs: BTreeSet<&str> = other_env.entries.iter().map(|e| e.key.as_str()).collect();
        let covered = theirs
            .iter()
            .filter(|k| own.contains(*k) || mentioned.contains(*k))
            .count();
        // A template that leaves out a quarter or more of the other's keys is partial on
        // purpose (it overrides a few settings); its gaps are not drift.
        if covered * 4 < theirs.len() * 3 {
            continue;
        }
        let mut seen = BTreeSet::new();
        for (index, entry) in other_env.entries.iter().enumerate() {
            let key = entry.key.as_str();
            if own.contains(key) || mentioned.contains(key) || !seen.insert(key) {
                continue;
            }
            match missing.iter_mut().find(|(k, _)| *k == key) {
                Some((_, setters)) => setters.push((other, entry, index)),
                None => missing.push((key, vec![(other, entry, index)])),
            }
        }
    }
    for (key, setters) in missing {
        let (first, _, index) = setters[0];
        let anchor = anchor(
            env,
            env_file(first).map_or(&[][..], |e| &e.entries[..index]),
        );
        let names: Vec<String> = setters
            .iter()
            .map(|(f, _, _)| format!("`{}`", file_name(f)))
            .collect();
        let d = ctx.report(
            lacking.id,
            anchor,
            format!(
                "`{key}` is in {} but missing from this template",
                names.join(" and ")
            ),
        );
        d.help(format!(
            "add `{key}` here, or a commented `# {key}=` line if this environment leaves it unset on purpose"
        ));
        for (file, entry, _) in setters {
            d.related(file.id, entry.key_span, format!("`{key}` is set here"));
        }
    }
}

/// Where a missing key goes in `env`: right after the last of `before` (the entries that
/// precede it in the other template) that `env` also has, else before `env`'s first entry.
fn anchor(env: &EnvFile, before: &[Entry]) -> Span {
    for previous in before.iter().rev() {
        if let Some(here) = env.entries.iter().find(|e| e.key == previous.key) {
            return Span::empty(here.line_span.end);
        }
    }
    Span::empty(env.entries.first().map_or(0, |e| e.line_span.start))
}

/// Every word (`[A-Za-z0-9_]` run) of a template's comments: a key named there, as in
/// `# SENTRY_DSN=` or `# SESSION_ENGINE is set in settings.py`, is accounted for.
fn comment_words<'a>(file: &'a ParsedFile, env: &EnvFile) -> BTreeSet<&'a str> {
    let spans = env
        .comments
        .iter()
        .copied()
        .chain(env.entries.iter().filter_map(|e| e.comment));
    let mut out = BTreeSet::new();
    for span in spans {
        out.extend(
            file.source
                .slice(span)
                .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .filter(|w| !w.is_empty()),
        );
    }
    out
}

fn file_name(file: &ParsedFile) -> String {
    file.source
        .path
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default()
}

/// What configuration a template's name describes: its words without template and environment
/// words (`netbox.env.example` → `netbox`, `.env.staging.example` → nothing).
fn subject(name: &str) -> Vec<String> {
    name.to_ascii_lowercase()
        .split(['.', '-', '_'])
        .filter(|w| !w.is_empty())
        .filter(|w| !TEMPLATE_WORDS.contains(w) && environment_from_tokens(w).is_none())
        .map(str::to_string)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::subject;

    #[test]
    fn templates_of_one_configuration_share_a_subject() {
        assert_eq!(subject(".env.example"), Vec::<String>::new());
        assert_eq!(subject(".env.staging.example"), Vec::<String>::new());
        assert_eq!(subject(".env.production.sample"), Vec::<String>::new());
        assert_eq!(subject("env.prod.dist"), Vec::<String>::new());
        assert_eq!(subject("netbox.env.example"), ["netbox"]);
        assert_eq!(subject("postgres.env.example"), ["postgres"]);
        assert_eq!(subject("defaults.env"), Vec::<String>::new());
    }
}
