//! Source files, byte spans and the line index that turns offsets into lines and columns.

use std::path::PathBuf;

use crate::kind::{Environment, FileKind};

/// Index of a file in the project's file table.
pub type FileId = usize;

/// A half-open byte range `start..end` into a file's text.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub const fn new(start: usize, end: usize) -> Span {
        Span { start, end }
    }

    pub const fn empty(at: usize) -> Span {
        Span { start: at, end: at }
    }

    pub fn len(self) -> usize {
        self.end.saturating_sub(self.start)
    }

    pub fn is_empty(self) -> bool {
        self.len() == 0
    }

    pub fn range(self) -> std::ops::Range<usize> {
        self.start..self.end
    }

    /// The smallest span that covers both.
    pub fn cover(self, other: Span) -> Span {
        Span::new(self.start.min(other.start), self.end.max(other.end))
    }

    /// This span moved right by `by` bytes (for spans relative to a sub-slice).
    pub fn shift(self, by: usize) -> Span {
        Span::new(self.start + by, self.end + by)
    }

    pub fn contains(self, offset: usize) -> bool {
        self.start <= offset && offset < self.end
    }
}

/// A 1-based line and column; the column counts Unicode scalar values.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct LineCol {
    pub line: usize,
    pub column: usize,
}

/// Byte offsets of line starts, computed once per file.
#[derive(Clone, Debug, Default)]
pub struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    pub fn new(text: &str) -> LineIndex {
        let mut starts = vec![0];
        starts.extend(memchr_newlines(text.as_bytes()).map(|i| i + 1));
        LineIndex { starts }
    }

    /// Zero-based line number of the line holding `offset`.
    pub fn line_of(&self, offset: usize) -> usize {
        match self.starts.binary_search(&offset) {
            Ok(line) => line,
            Err(next) => next - 1,
        }
    }

    pub fn line_start(&self, line0: usize) -> usize {
        self.starts[line0.min(self.starts.len() - 1)]
    }

    pub fn line_count(&self) -> usize {
        self.starts.len()
    }

    pub fn line_col(&self, text: &str, offset: usize) -> LineCol {
        let offset = clamp_to_char_boundary(text, offset.min(text.len()));
        let line0 = self.line_of(offset);
        let start = self.starts[line0];
        let mut prefix = &text[start..offset];
        if line0 == 0 {
            prefix = prefix.strip_prefix('\u{feff}').unwrap_or(prefix);
        }
        LineCol {
            line: line0 + 1,
            column: prefix.chars().count() + 1,
        }
    }
}

fn memchr_newlines(bytes: &[u8]) -> impl Iterator<Item = usize> + '_ {
    bytes
        .iter()
        .enumerate()
        .filter(|(_, b)| **b == b'\n')
        .map(|(i, _)| i)
}

fn clamp_to_char_boundary(text: &str, mut offset: usize) -> usize {
    while offset > 0 && !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// One file of the checked tree: where it is, what it is, and its text.
#[derive(Clone, Debug)]
pub struct SourceFile {
    /// The path used to read the file.
    pub path: PathBuf,
    /// The path shown to users: relative to the current directory when below it, `/` separators.
    pub display_path: String,
    pub kind: FileKind,
    pub environment: Environment,
    /// The text; for a file that could not be read as UTF-8 text, the readable prefix (or empty).
    pub text: String,
    pub lines: LineIndex,
}

impl SourceFile {
    pub fn new(
        path: PathBuf,
        display_path: String,
        kind: FileKind,
        environment: Environment,
        text: String,
    ) -> SourceFile {
        let lines = LineIndex::new(&text);
        SourceFile {
            path,
            display_path,
            kind,
            environment,
            text,
            lines,
        }
    }

    pub fn line_col(&self, offset: usize) -> LineCol {
        self.lines.line_col(&self.text, offset)
    }

    /// The text a span covers (empty if the span is out of range or not on char boundaries).
    pub fn slice(&self, span: Span) -> &str {
        self.text.get(span.range()).unwrap_or("")
    }

    /// The text of the 0-based line `line0`, without its line terminator.
    pub fn line_text(&self, line0: usize) -> &str {
        let start = self.lines.line_start(line0);
        let rest = &self.text[start..];
        let end = rest.find('\n').unwrap_or(rest.len());
        rest[..end].strip_suffix('\r').unwrap_or(&rest[..end])
    }

    /// The span of the 0-based line `line0`, without its terminator.
    pub fn line_span(&self, line0: usize) -> Span {
        let start = self.lines.line_start(line0);
        Span::new(start, start + self.line_text(line0).len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_count_characters_not_bytes() {
        let idx = LineIndex::new("a: é\nb: ü=x\n");
        let text = "a: é\nb: ü=x\n";
        let off = text.find('=').unwrap();
        assert_eq!(idx.line_col(text, off), LineCol { line: 2, column: 5 });
    }

    #[test]
    fn bom_does_not_count_as_a_column() {
        let text = "\u{feff}KEY=1\n";
        let idx = LineIndex::new(text);
        assert_eq!(idx.line_col(text, 3), LineCol { line: 1, column: 1 });
    }

    #[test]
    fn offset_past_end_is_clamped() {
        let text = "ab\ncd";
        let idx = LineIndex::new(text);
        assert_eq!(idx.line_col(text, 99), LineCol { line: 2, column: 3 });
    }

    #[test]
    fn crlf_line_text_has_no_carriage_return() {
        let f = SourceFile::new(
            "x".into(),
            "x".into(),
            FileKind::Env,
            Environment::Unknown,
            "A=1\r\nB=2\r\n".into(),
        );
        assert_eq!(f.line_text(0), "A=1");
        assert_eq!(f.line_text(1), "B=2");
    }
}
