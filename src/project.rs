//! The project: every parsed file, and the cross-file index rules query.

use std::path::PathBuf;

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
}

impl Project {
    /// A project whose index is still empty; `engine::run` builds it after parsing.
    pub fn new(root: PathBuf, files: Vec<ParsedFile>) -> Project {
        Project {
            root,
            files,
            index: Default::default(),
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
