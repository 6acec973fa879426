use std::collections::HashMap;
use std::path::{Path, PathBuf};

use ignore::gitignore::{Gitignore, GitignoreBuilder};

use crate::discover::{environment_of, kind_from_name};
use crate::gitindex;
use crate::kind::FileKind;
use crate::rule::{Ctx, Rule};
use crate::source::{FileId, Span};

crate::declare_rule! {
    /// ## What it does
    /// Reports a real env file (`.env`, `.env.production`, `backend/.env` — not a template
    /// such as `.env.example`) that git tracks although a `.gitignore` of the project means to
    /// keep it out. The finding is on the `.gitignore` line that matches the file.
    ///
    /// The list of tracked files is read from the repository's `.git/index` (git is not run).
    /// Outside a git checkout the rule stays silent. Development and test env files
    /// (`.env.dev`, `.env.test`) are not reported.
    ///
    /// ## Why it matters
    /// A `.gitignore` pattern only keeps *untracked* files out. A `.env` added before the
    /// pattern was written, or with `git add -f`, stays in the repository: every clone, fork
    /// and CI cache gets the deployment's passwords and keys, and each later edit is committed
    /// too. The `.gitignore` line makes everyone believe the file is private.
    ///
    /// ## Example
    /// ```gitignore
    /// __pycache__/
    /// .env
    /// ```
    /// with `.env` in the index (`git ls-files .env` prints it).
    ///
    /// ## How to fix
    /// Remove the file from the index, keeping it on disk, and commit:
    /// ```sh
    /// git rm --cached .env
    /// git commit -m "Stop tracking .env"
    /// ```
    /// Then rotate every secret the file held: it stays in the history of every clone.
    pub(crate) struct TrackedIgnoredEnvFile {
        code: "ENV018",
        name: "tracked-ignored-env-file",
        family: Env,
        severity: Warning,
        scope: NOT_DEVELOPMENT,
    }
}

impl Rule for TrackedIgnoredEnvFile {
    fn check_project(&self, ctx: &mut Ctx<'_>) {
        let project = ctx.project;
        let root = crate::discover::normalize(&project.root);
        let Some((git_dir, work_tree)) = gitindex::find_repository(&root) else {
            return;
        };
        let Ok(tracked) = gitindex::read(&git_dir) else {
            return;
        };
        let work_tree = crate::discover::normalize(&work_tree);
        let mut matchers: HashMap<PathBuf, Option<(FileId, Gitignore)>> = HashMap::new();
        for rel in &tracked {
            let name = rel.rsplit('/').next().unwrap_or(rel);
            if kind_from_name(Path::new(name)) != Some(FileKind::Env) {
                continue;
            }
            let path = work_tree.join(rel);
            let Ok(in_project) = path.strip_prefix(&root) else {
                continue;
            };
            let environment = environment_of(in_project, FileKind::Env);
            if !ctx.applies_to(environment) {
                continue;
            }
            let Some((gitignore, line)) = ignoring_line(ctx, &mut matchers, &path, &work_tree)
            else {
                continue;
            };
            let shown = in_project.to_string_lossy().replace('\\', "/");
            let d = ctx.report_as(gitignore, line, format!("`{shown}` is tracked by git although this pattern ignores it: its values are in every clone"), environment);
            d.help(format!(
                "run `git rm --cached {shown}` and commit, then rotate the secrets it held; the pattern only keeps untracked files out"
            ));
            if let Some(file) = project.index.file_at(&path) {
                d.related(file, Span::empty(0), "the tracked file");
            }
        }
    }
}

/// The project `.gitignore` and line that make git ignore `path`, consulting folders from the
/// file's up to the work tree root, the nearest first, as git does; `None` when no pattern
/// ignores it, or a nearer one re-includes it.
fn ignoring_line(
    ctx: &Ctx<'_>,
    matchers: &mut HashMap<PathBuf, Option<(FileId, Gitignore)>>,
    path: &Path,
    work_tree: &Path,
) -> Option<(FileId, Span)> {
    let project = ctx.project;
    for dir in path.ancestors().skip(1) {
        if !dir.starts_with(work_tree) {
            break;
        }
        let entry = matchers.entry(dir.to_path_buf()).or_insert_with(|| {
            let file = project.index.file_at(&dir.join(".gitignore"))?;
            let source = &project.file(file).source;
            if source.kind != FileKind::Gitignore {
                return None;
            }
            let mut builder = GitignoreBuilder::new(dir);
            for line in source.text.lines() {
                let _ = builder.add_line(None, line);
            }
            Some((file, builder.build().ok()?))
        });
        let Some((file, matcher)) = entry else {
            continue;
        };
        let m = matcher.matched_path_or_any_parents(path, false);
        if m.is_whitelist() {
            return None;
        }
        if m.is_ignore() {
            let original = m.inner().map(|g| g.original().trim().to_string())?;
            let source = &project.file(*file).source;
            let line = (0..source.lines.line_count())
                .rev()
                .find(|&i| source.line_text(i).trim() == original)?;
            return Some((*file, source.line_span(line)));
        }
    }
    None
}
