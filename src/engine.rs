//! The run: load and parse every file in parallel, run the rules, then apply configuration and
//! suppressions and sort. Output is sorted, so it is identical whatever the thread count.

use std::io::Read;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::config::Config;
use crate::diagnostic::{Diagnostic, Severity};
use crate::discover::{self, Candidate, DiscoverError};
use crate::kind::{Environment, FileKind};
use crate::parse::{self, Model};
use crate::project::{ParsedFile, Project, Unreadable};
use crate::rule::{Ctx, Rule, RuleMeta};
use crate::source::{SourceFile, Span};

/// Files larger than this are not read (10 MiB).
pub const DEFAULT_SIZE_LIMIT: u64 = 10 * 1024 * 1024;

/// What to check and how.
pub struct RunOptions {
    pub paths: Vec<PathBuf>,
    /// Lint this text as if it were the file at this path (editors).
    pub stdin: Option<(PathBuf, String)>,
    pub config: Config,
    /// The rules to run (already filtered by select/ignore).
    pub rules: Vec<&'static dyn Rule>,
    pub size_limit: u64,
    pub cwd: PathBuf,
}

/// The result of a run.
pub struct Outcome {
    pub project: Project,
    /// Sorted by path, line, column, code.
    pub diagnostics: Vec<Diagnostic>,
    pub files_checked: usize,
}

#[derive(Debug, thiserror::Error)]
pub enum RunError {
    #[error(transparent)]
    Discover(#[from] DiscoverError),
}

/// Runs shiplint over the options' paths.
pub fn run(options: &RunOptions) -> Result<Outcome, RunError> {
    let mut paths = options.paths.clone();
    if let Some((path, _)) = &options.stdin {
        paths.push(path.clone());
    }
    let mut candidates = if let Some((stdin_path, _)) = &options.stdin {
        discover_with_stdin(&paths, stdin_path, options)?
    } else {
        discover::discover(&paths, &options.config, &options.cwd)?
    };
    candidates.sort_by(|a, b| a.display_path.cmp(&b.display_path));
    let stdin = options.stdin.as_ref().map(|(p, text)| {
        let abs = if p.is_absolute() {
            p.clone()
        } else {
            options.cwd.join(p)
        };
        (discover::normalize(&abs), text.as_str())
    });
    let files: Vec<ParsedFile> = candidates
        .par_iter()
        .filter_map(|c| {
            let text = stdin
                .as_ref()
                .filter(|(p, _)| *p == c.path)
                .map(|(_, t)| *t);
            load(c, options, text)
        })
        .collect();
    let mut files = files;
    let referenced = referenced_composes(&files, options);
    files.extend(referenced);
    let mut project = Project::new(options.cwd.clone(), files);
    for (id, file) in project.files.iter_mut().enumerate() {
        file.id = id;
    }
    project.index = crate::index::build(&project.files);
    let files_checked = project.files.iter().filter(|f| f.reported).count();
    let diagnostics = check(&project, &options.rules, &options.config);
    Ok(Outcome {
        project,
        diagnostics,
        files_checked,
    })
}

/// Most Compose files one Compose file names (`extends.file`, `include:`) that are read.
const REFERENCED_COMPOSE_LIMIT: usize = 64;

/// The Compose files that Compose files name in `extends: {file: …}` or `include:` but that
/// discovery passed over because their names do not say Compose (`common-services.yml`),
/// read as Compose so that the services they define count where they are extended or
/// included. They are context: their own findings are not reported. Followed transitively,
/// each file once.
fn referenced_composes(files: &[ParsedFile], options: &RunOptions) -> Vec<ParsedFile> {
    let mut known: std::collections::HashSet<PathBuf> = files
        .iter()
        .map(|f| discover::normalize(&f.source.path))
        .collect();
    let mut out: Vec<ParsedFile> = Vec::new();
    let mut queue: Vec<PathBuf> = Vec::new();
    let references = |file: &ParsedFile| -> Vec<PathBuf> {
        let Some(model) = file.model.compose() else {
            return Vec::new();
        };
        let dir = file.source.path.parent().unwrap_or(Path::new(""));
        let extended = model
            .services
            .iter()
            .filter_map(|s| s.extends.as_ref()?.file.as_ref());
        let included = model.include.iter().flat_map(|i| i.paths.iter());
        extended
            .chain(included)
            .filter(|p| !p.value.contains('$'))
            .map(|p| discover::normalize(&dir.join(&p.value)))
            .collect()
    };
    for file in files {
        queue.extend(references(file));
    }
    while let Some(path) = queue.pop() {
        if out.len() >= REFERENCED_COMPOSE_LIMIT || !known.insert(path.clone()) {
            continue;
        }
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().to_ascii_lowercase());
        let yaml = name.is_some_and(|n| n.ends_with(".yml") || n.ends_with(".yaml"));
        if !yaml || !path.is_file() {
            continue;
        }
        let candidate = Candidate {
            path: path.clone(),
            display_path: discover::display_path(&path, &options.cwd),
            kind: Some(FileKind::Compose),
            environment: options.config.environment_for(&path),
            explicit: false,
            reported: false,
            root: path.parent().map(Path::to_path_buf).unwrap_or_default(),
        };
        if let Some(file) = load(&candidate, options, None) {
            queue.extend(references(&file));
            out.push(file);
        }
    }
    out.sort_by(|a, b| a.source.display_path.cmp(&b.source.display_path));
    out
}

fn discover_with_stdin(
    paths: &[PathBuf],
    stdin_path: &Path,
    options: &RunOptions,
) -> Result<Vec<Candidate>, RunError> {
    // The named file may not exist on disk (a new buffer): discover the rest, then add it.
    let abs = discover::normalize(&options.cwd.join(stdin_path));
    let others: Vec<PathBuf> = paths
        .iter()
        .filter(|p| discover::normalize(&options.cwd.join(p)) != abs)
        .cloned()
        .collect();
    let root = discover::project_root(&abs);
    let mut found = if root.exists() {
        let mut context =
            discover::discover(std::slice::from_ref(&root), &options.config, &options.cwd)?;
        for c in &mut context {
            c.reported = false;
        }
        context
    } else {
        Vec::new()
    };
    if !others.is_empty() {
        found.extend(discover::discover(&others, &options.config, &options.cwd)?);
    }
    found.retain(|c| c.path != abs);
    let rel = abs.strip_prefix(&root).unwrap_or(&abs);
    found.push(Candidate {
        path: abs.clone(),
        display_path: discover::display_path(&abs, &options.cwd),
        kind: options
            .config
            .kind_for(&abs)
            .or_else(|| discover::kind_from_name(rel)),
        environment: options.config.environment_for(&abs),
        explicit: true,
        reported: true,
        root,
    });
    Ok(found)
}

/// Reads and parses one candidate; `None` when it turns out not to be a file shiplint reads.
fn load(c: &Candidate, options: &RunOptions, stdin: Option<&str>) -> Option<ParsedFile> {
    let (text, unreadable) = match stdin {
        Some(t) => (t.to_string(), None),
        None => read_text(&c.path, options.size_limit),
    };
    let kind = match c.kind {
        Some(k) => k,
        None => match discover::sniff(&c.path, &text) {
            Some(k) => k,
            None if c.explicit => FileKind::Unknown,
            None => return None,
        },
    };
    let rel = c.path.strip_prefix(&c.root).unwrap_or(&c.path);
    let mut environment = c
        .environment
        .unwrap_or_else(|| discover::environment_of(rel, kind));
    let (model, issues) = if unreadable.is_some() {
        (Model::Unreadable, Vec::new())
    } else {
        match catch_unwind(|| parse::parse(kind, &text)) {
            Ok(parsed) => parsed,
            Err(panic) => (
                Model::Unreadable,
                vec![parse::ParseIssue::new(
                    Span::empty(0),
                    format!("internal error while parsing: {}", panic_message(&panic)),
                )],
            ),
        }
    };
    // A Compose file whose configuration and path do not say its environment may say it in
    // its services' settings (`NODE_ENV=production`, a `.dev` settings module, `runserver`).
    if c.environment.is_none() && environment == Environment::Unknown {
        if let Some(env) = model
            .compose()
            .and_then(crate::rules::compose::content_environment)
        {
            environment = env;
        }
    }
    let source = SourceFile::new(
        c.path.clone(),
        c.display_path.clone(),
        kind,
        environment,
        text,
    );
    let mut file = ParsedFile {
        issues,
        unreadable,
        unknown_kind: kind == FileKind::Unknown,
        reported: c.reported,
        ..ParsedFile::new(0, source, model)
    };
    file.secrets = catch_unwind(AssertUnwindSafe(|| crate::rules::data::secret_spans(&file)))
        .unwrap_or_default();
    Some(file)
}

/// Reads a file as UTF-8 text, refusing files over the size limit and binary files.
pub fn read_text(path: &Path, limit: u64) -> (String, Option<Unreadable>) {
    let size = match std::fs::metadata(path) {
        Ok(m) => m.len(),
        Err(e) => return (String::new(), Some(Unreadable::Io(e.to_string()))),
    };
    if size > limit {
        return (String::new(), Some(Unreadable::TooLarge { size, limit }));
    }
    let mut bytes = Vec::with_capacity(size as usize);
    let read = std::fs::File::open(path)
        .and_then(|f| f.take(limit + 1).read_to_end(&mut bytes).map(|_| ()));
    if let Err(e) = read {
        return (String::new(), Some(Unreadable::Io(e.to_string())));
    }
    if bytes.len() as u64 > limit {
        return (
            String::new(),
            Some(Unreadable::TooLarge {
                size: bytes.len() as u64,
                limit,
            }),
        );
    }
    if bytes[..bytes.len().min(8192)].contains(&0) {
        return (String::new(), Some(Unreadable::Binary));
    }
    match String::from_utf8(bytes) {
        Ok(text) => (text, None),
        Err(e) => {
            let valid_up_to = e.utf8_error().valid_up_to();
            let mut bytes = e.into_bytes();
            bytes.truncate(valid_up_to);
            let prefix = String::from_utf8(bytes).unwrap_or_default();
            (prefix, Some(Unreadable::NotUtf8 { valid_up_to }))
        }
    }
}

/// Runs the rules over a parsed project and returns sorted, filtered findings.
pub fn check(project: &Project, rules: &[&'static dyn Rule], config: &Config) -> Vec<Diagnostic> {
    let internal = crate::rules::shiplint::internal_error_meta();
    let mut diagnostics: Vec<Diagnostic> = project
        .files
        .par_iter()
        .filter(|f| f.reported)
        .flat_map_iter(|file| {
            rules.iter().flat_map(move |rule| {
                let mut ctx =
                    Ctx::new(project, rule.meta()).with_options(config.rule_options(rule.meta()));
                match catch_unwind(AssertUnwindSafe(|| rule.check_file(file, &mut ctx))) {
                    Ok(()) => ctx.into_diagnostics(),
                    Err(panic) => vec![internal_error(internal, rule.meta(), file.id, &panic)],
                }
            })
        })
        .collect();
    let first_reported = project.files.iter().find(|f| f.reported).map(|f| f.id);
    let project_findings: Vec<Diagnostic> = rules
        .par_iter()
        .flat_map_iter(|rule| {
            let mut ctx =
                Ctx::new(project, rule.meta()).with_options(config.rule_options(rule.meta()));
            match catch_unwind(AssertUnwindSafe(|| rule.check_project(&mut ctx))) {
                Ok(()) => ctx.into_diagnostics(),
                Err(panic) => first_reported
                    .map(|id| internal_error(internal, rule.meta(), id, &panic))
                    .into_iter()
                    .collect(),
            }
        })
        .collect();
    diagnostics.extend(project_findings);
    diagnostics.retain(|d| project.file(d.file).reported);
    for d in &mut diagnostics {
        let meta = meta_of(rules, d.code);
        if let Some(meta) = meta {
            if let Some(severity) = config.severity_for(meta) {
                d.severity = severity;
            }
        }
    }
    diagnostics.retain(|d| {
        meta_of(rules, d.code)
            .is_none_or(|meta| !config.ignored_in(&project.file(d.file).source.path, meta))
    });
    let mut diagnostics = crate::rules::shiplint::apply_suppressions(project, diagnostics, rules);
    sort(project, &mut diagnostics);
    diagnostics
}

fn meta_of(rules: &[&'static dyn Rule], code: &str) -> Option<&'static RuleMeta> {
    rules.iter().map(|r| r.meta()).find(|m| m.code == code)
}

/// Sorts by path, position, code and message, and drops exact duplicates.
pub fn sort(project: &Project, diagnostics: &mut Vec<Diagnostic>) {
    diagnostics.sort_by(|a, b| {
        let pa = &project.file(a.file).source.display_path;
        let pb = &project.file(b.file).source.display_path;
        pa.cmp(pb)
            .then(a.span.start.cmp(&b.span.start))
            .then(a.code.cmp(b.code))
            .then(a.span.end.cmp(&b.span.end))
            .then(a.message.cmp(&b.message))
    });
    diagnostics.dedup_by(|a, b| {
        a.file == b.file && a.span == b.span && a.code == b.code && a.message == b.message
    });
}

fn internal_error(
    internal: &'static RuleMeta,
    failed: &RuleMeta,
    file: usize,
    panic: &Box<dyn std::any::Any + Send>,
) -> Diagnostic {
    Diagnostic {
        code: internal.code,
        name: internal.name,
        family: internal.family,
        severity: Severity::Error,
        message: format!(
            "internal error in rule {} ({}): {}",
            failed.code,
            failed.name,
            panic_message(panic)
        ),
        help: Some(
            "this is a bug in shiplint; please report it with the file that caused it".into(),
        ),
        file,
        span: Span::empty(0),
        related: Vec::new(),
        fix: None,
        sensitive: Vec::new(),
    }
}

fn panic_message(panic: &Box<dyn std::any::Any + Send>) -> String {
    if let Some(s) = panic.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = panic.downcast_ref::<String>() {
        s.clone()
    } else {
        "panic".to_string()
    }
}
