//! The project: every parsed file, and the cross-file index rules query.

use std::any::{Any, TypeId};
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, OnceLock};

use crate::parse::{Model, ParseIssue};
use crate::source::{FileId, SourceFile};

/// Why a file could not be read as text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Unreadable {
    TooLarge { size: u64, limit: u64 },
    Binary,
    NotUtf8 { valid_up_to: usize },
    Io(String),
}

/// One file after loading and parsing.
#[derive(Debug)]
pub struct ParsedFile {
    pub id: FileId,
    pub source: SourceFile,
    pub model: Model,
    pub issues: Vec<ParseIssue>,
    pub unreadable: Option<Unreadable>,
    /// Named on the command line although its kind could not be told.
    pub unknown_kind: bool,
    /// Whether findings in this file are reported (false for files read only as context, as
    /// with `--stdin-filename` or file names passed by pre-commit).
    pub reported: bool,
    /// Spans holding secrets (values of secret-like keys, passwords in URLs, userlist
    /// secrets): renderers never print their text, whichever rule reports on the file.
    pub secrets: Vec<crate::source::Span>,
}

impl ParsedFile {
    /// A readable, reported file with no parse issues: the common case, and what tests build.
    pub fn new(id: FileId, source: SourceFile, model: Model) -> ParsedFile {
        ParsedFile {
            id,
            source,
            model,
            issues: Vec::new(),
            unreadable: None,
            unknown_kind: false,
            reported: true,
            secrets: Vec::new(),
        }
    }
}

/// Every file of the checked tree, parsed once.
#[derive(Debug, Default)]
pub struct Project {
    /// The directory paths are resolved against (the checked directory, or the common parent).
    pub root: PathBuf,
    pub files: Vec<ParsedFile>,
    /// Cross-file facts, built once after parsing (empty until then).
    pub index: crate::index::Index,
    /// Facts a rule family derives from the whole project (its settings leaves, its Compose
    /// stacks, its monitoring models), built on first use and shared by every rule.
    derived: Derived,
}

/// A lazily filled map from a fact's type to its one value for the project.
///
/// Rules run in parallel, so a fact asked for by two rules at once is built once: the second
/// caller waits for the first. Facts are owned values (`'static`): they name files by
/// [`FileId`] and hold spans, never references into the project.
#[derive(Default)]
struct Derived {
    slots: Mutex<HashMap<TypeId, Slot>>,
}

type Slot = Arc<OnceLock<Arc<dyn Any + Send + Sync>>>;

impl std::fmt::Debug for Derived {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let n = self.slots.lock().map(|s| s.len()).unwrap_or(0);
        write!(f, "Derived({n} facts)")
    }
}

impl Project {
    /// A project whose index is still empty; `engine::run` builds it after parsing.
    pub fn new(root: PathBuf, files: Vec<ParsedFile>) -> Project {
        Project {
            root,
            files,
            index: Default::default(),
            derived: Derived::default(),
        }
    }

    /// The project's fact of type `T`, built by `build` the first time any rule asks and
    /// shared afterwards. One type has one builder: the type is the key.
    ///
    /// ```
    /// use shiplint::project::Project;
    /// struct FileCount(usize);
    /// let project = Project::new("/p".into(), Vec::new());
    /// let a = project.derived(|p| FileCount(p.files.len()));
    /// let b = project.derived(|_| FileCount(99)); // already built: not called again
    /// assert_eq!((a.0, b.0), (0, 0));
    /// ```
    pub fn derived<T: Any + Send + Sync>(&self, build: impl FnOnce(&Project) -> T) -> Arc<T> {
        let slot: Slot = {
            let mut slots = self.derived.slots.lock().unwrap_or_else(|e| e.into_inner());
            slots.entry(TypeId::of::<T>()).or_default().clone()
        };
        let value = slot.get_or_init(|| Arc::new(build(self)) as Arc<dyn Any + Send + Sync>);
        match value.clone().downcast::<T>() {
            Ok(v) => v,
            Err(_) => unreachable!("a derived slot holds the type it is keyed by"),
        }
    }

    pub fn file(&self, id: FileId) -> &ParsedFile {
        &self.files[id]
    }

    pub fn files(&self) -> impl Iterator<Item = &ParsedFile> {
        self.files.iter()
    }

    pub fn files_of_kind(
        &self,
        kind: crate::kind::FileKind,
    ) -> impl Iterator<Item = &ParsedFile> + '_ {
        self.files.iter().filter(move |f| f.source.kind == kind)
    }
}
