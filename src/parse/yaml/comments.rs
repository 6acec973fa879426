//! Comment blocks: runs of whole-line comments, stripped of `#` and re-parsed as YAML, so
//! rules can recognise commented-out configuration and point into it.
//!
//! Comments come from the parser's comment events, never from a line regex: a `#` line inside
//! a `|` block scalar is content, not a comment.

use super::build::{self, Built, RawComment};
use super::{CommentBlock, Data, ScalarStyle, YamlFile};
use crate::source::Span;

/// Leading lines of a block that may be dropped as prose before giving up.
const MAX_DROPPED_LINES: usize = 20;

/// Bytes of comment text that may be re-parsed beyond the file's own size: every block of an
/// ordinary file is parsed, and an adversarial file of comments costs at most about twice a
/// plain parse.
const REPARSE_ALLOWANCE: usize = 1 << 20;

/// Groups `comments` (from the parse of `text`) into blocks and re-parses each one.
pub(super) fn comment_blocks(text: &str, comments: &[RawComment]) -> Vec<CommentBlock> {
    let mut whole_line: Vec<RawComment> = comments
        .iter()
        .copied()
        .filter(|c| is_whole_line(text, *c))
        .collect();
    whole_line.sort_by_key(|c| c.start);
    whole_line.dedup_by_key(|c| c.start);

    let mut budget = text.len().saturating_add(REPARSE_ALLOWANCE);
    let mut blocks = Vec::new();
    let mut run: Vec<Span> = Vec::new();
    for comment in whole_line {
        if let Some(last) = run.last() {
            if !is_next_line(text, last.end, comment.start) {
                blocks.push(block(text, std::mem::take(&mut run), &mut budget));
            }
        }
        run.push(Span::new(comment.start, comment.end));
    }
    if !run.is_empty() {
        blocks.push(block(text, run, &mut budget));
    }
    blocks
}

/// Whether a comment is alone on its line (only indentation, or a byte-order mark, before it).
fn is_whole_line(text: &str, comment: RawComment) -> bool {
    if !text
        .get(comment.start..)
        .is_some_and(|t| t.starts_with('#'))
    {
        return false;
    }
    let before = &text[..comment.start];
    let line_start = before.rfind(['\n', '\r']).map_or(0, |i| i + 1);
    let mut prefix = &text[line_start..comment.start];
    if line_start == 0 {
        prefix = prefix.trim_start_matches('\u{feff}');
    }
    prefix.bytes().all(|b| b == b' ' || b == b'\t')
}

/// Whether a comment starting at `start` is on the line right after one ending at `end`.
fn is_next_line(text: &str, end: usize, start: usize) -> bool {
    let Some(between) = text.get(end..start) else {
        return false;
    };
    let Some(rest) = ["\r\n", "\n", "\r"]
        .iter()
        .find_map(|nl| between.strip_prefix(nl))
    else {
        return false;
    };
    rest.bytes().all(|b| b == b' ' || b == b'\t')
}

/// Where each line of a block's stripped text starts, in the text and in the file.
struct LineMap {
    text_starts: Vec<usize>,
    file_starts: Vec<usize>,
}

impl LineMap {
    /// The line of the stripped text holding `offset`.
    fn line_of(&self, offset: usize) -> usize {
        self.text_starts
            .partition_point(|&s| s <= offset)
            .saturating_sub(1)
    }

    /// The file offset of stripped-text offset `offset` (a line break maps to the end of
    /// the comment line it ends).
    fn offset(&self, offset: usize) -> usize {
        let line = self.line_of(offset);
        self.file_starts[line] + (offset - self.text_starts[line])
    }

    /// The file span of a span of the stripped text that starts at line `shift`'s offset.
    fn span(&self, span: Span, shift: usize) -> Span {
        let start = self.offset(span.start + shift);
        if span.is_empty() {
            Span::empty(start)
        } else {
            // Map the last byte, not the end: an end at a line start belongs to the line before.
            Span::new(start, self.offset(span.end + shift - 1) + 1)
        }
    }
}

/// Builds the block for one run of comment lines.
fn block(text: &str, lines: Vec<Span>, budget: &mut usize) -> CommentBlock {
    let span = Span::new(lines[0].start, lines[lines.len() - 1].end);
    // Each line without `#` and one following space: (file offset, text).
    let payloads: Vec<(usize, &str)> = lines
        .iter()
        .map(|line| {
            let mut start = line.start + 1;
            if text[start..line.end].starts_with(' ') {
                start += 1;
            }
            (start, &text[start..line.end])
        })
        .collect();
    let is_blank = |p: &str| p.bytes().all(|b| b == b' ' || b == b'\t');
    let indent = payloads
        .iter()
        .filter(|(_, p)| !is_blank(p))
        .map(|(_, p)| p.len() - p.trim_start_matches(' ').len())
        .min()
        .unwrap_or(0);

    let mut stripped = String::with_capacity(span.len());
    let mut map = LineMap {
        text_starts: Vec::with_capacity(lines.len()),
        file_starts: Vec::with_capacity(lines.len()),
    };
    let mut kinds = Vec::with_capacity(lines.len());
    for (i, (start, payload)) in payloads.iter().enumerate() {
        if i > 0 {
            stripped.push('\n');
        }
        map.text_starts.push(stripped.len());
        if is_blank(payload) {
            map.file_starts.push(start + payload.len());
            kinds.push(LineKind::Blank);
        } else {
            map.file_starts.push(start + indent);
            stripped.push_str(&payload[indent..]);
            kinds.push(LineKind::of(payload));
        }
    }

    let best = best_parse(&stripped, &map, &kinds, budget);
    let (tree, start_line_of_tree) = match best {
        Some(found) => {
            let mut built = found.built;
            let shift = map.text_starts[found.from];
            built.remap(|s| map.span(s, shift));
            let tree = YamlFile {
                errors: built.errors,
                source: text[span.range()].into(),
                base: span.start,
                arena: built.arena,
                duplicate_keys: built.duplicate_keys,
                comment_blocks: Vec::new(),
            };
            (Some(tree), found.from)
        }
        None => (None, 0),
    };
    CommentBlock {
        span,
        lines,
        text: stripped,
        tree,
        start_line_of_tree,
    }
}

/// A parse of lines `from..to` of a block.
struct Candidate {
    from: usize,
    built: Built,
    score: Score,
}

/// How well a parse represents a block; compared field by field, most important first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Score {
    /// The tree holds a mapping or a sequence, not only text.
    collection: bool,
    /// Its first key is not a sentence (`Uncomment to enable:`) that swallows what follows.
    plain_first_key: bool,
    /// It has a document at all.
    document: bool,
    /// It runs to the end of the block (no trailing prose cut).
    to_end: bool,
    /// Lines it covers.
    lines: usize,
}

impl Score {
    /// A score no later (shorter) candidate can beat, given its line count.
    fn is_complete(self) -> bool {
        self.collection && self.plain_first_key && self.to_end
    }
}

/// Scores a parse of lines `from..to` of a block of `n` lines.
fn score(built: &Built, from: usize, to: usize, n: usize) -> Score {
    let arena = &built.arena;
    let root = arena.documents.first().map(|&d| &arena.nodes[d as usize]);
    let collection = arena.documents.iter().any(|&d| {
        matches!(
            arena.nodes[d as usize].data,
            Data::Mapping { .. } | Data::Sequence { .. }
        )
    });
    let prose_key = match root.map(|r| r.data) {
        Some(Data::Mapping { first, len }) if len > 0 => {
            let key = &arena.nodes[arena.children[first as usize] as usize];
            match key.data {
                // Values of re-parsed blocks are always copied into the arena's buffer.
                Data::Scalar {
                    style: ScalarStyle::Plain,
                    value,
                    ..
                } => value.get("", &arena.values).contains([' ', '\t']),
                _ => false,
            }
        }
        _ => false,
    };
    Score {
        collection,
        plain_first_key: !prose_key,
        document: root.is_some(),
        to_end: to == n,
        lines: to - from,
    }
}

enum Attempt {
    Parsed(Box<Candidate>),
    /// A syntax error on this line of the block.
    Failed(usize),
    OutOfBudget,
}

/// What a line of a block can start.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum LineKind {
    Blank,
    /// No `:` and no YAML indicator first: parsed from here, the block can only be text.
    Prose,
    /// Anything else: a mapping or sequence may start here.
    Yaml,
}

impl LineKind {
    /// Characters that can open something other than a plain scalar (a collection, a quoted
    /// or block scalar, node properties, a comment, a directive or a document marker).
    const INDICATORS: [char; 16] = [
        '-', '[', '{', '?', '&', '!', '*', '"', '\'', '|', '>', '%', '#', '.', '@', '`',
    ];

    fn of(line: &str) -> LineKind {
        let line = line.trim_start();
        if line.is_empty() {
            LineKind::Blank
        } else if line.contains(':') || line.starts_with(Self::INDICATORS) {
            LineKind::Yaml
        } else {
            LineKind::Prose
        }
    }
}

/// Finds the part of the block that parses best. A mapping or sequence can only start on a
/// line that looks like YAML, so those starts are tried first (each to the end of the block,
/// then cut before the syntax error of the ones that failed); only when none gives a
/// collection is the block text, parsed from its first prose line that works.
fn best_parse(
    text: &str,
    map: &LineMap,
    kinds: &[LineKind],
    budget: &mut usize,
) -> Option<Candidate> {
    let n = kinds.len();
    let starts = |kind| (0..n.min(MAX_DROPPED_LINES + 1)).filter(move |&l| kinds[l] == kind);
    let mut search = Search {
        text,
        map,
        kinds,
        budget,
        best: None,
    };
    search.run(starts(LineKind::Yaml), Score::is_complete);
    if search.best.as_ref().is_some_and(|b| b.score.collection) {
        return search.best;
    }
    search.run(starts(LineKind::Prose), |score| score.to_end);
    search.best
}

/// The state of [`best_parse`].
struct Search<'a> {
    text: &'a str,
    map: &'a LineMap,
    kinds: &'a [LineKind],
    budget: &'a mut usize,
    best: Option<Candidate>,
}

impl Search<'_> {
    /// Tries each start in turn until the best candidate is `done` and no later (shorter)
    /// start can beat it; then, unless done, cuts the failed attempts before their errors.
    fn run(&mut self, starts: impl Iterator<Item = usize>, done: fn(Score) -> bool) {
        let n = self.kinds.len();
        let finished = |best: &Option<Candidate>, lines: usize| {
            best.as_ref()
                .is_some_and(|b| done(b.score) && lines <= b.score.lines)
        };
        // (first line, line of the syntax error) of the attempts that failed.
        let mut failed = Vec::new();
        for from in starts {
            if finished(&self.best, n - from) {
                return;
            }
            match self.attempt(from, n) {
                Attempt::Parsed(candidate) => consider(*candidate, &mut self.best),
                Attempt::Failed(error_line) => failed.push((from, error_line)),
                Attempt::OutOfBudget => return,
            }
        }
        if finished(&self.best, 0) {
            // A cut parse never reaches the end of the block: it cannot win.
            return;
        }
        for (from, error_line) in failed {
            if self.kinds[from..error_line]
                .iter()
                .all(|&k| k == LineKind::Blank)
            {
                continue;
            }
            match self.attempt(from, error_line) {
                Attempt::Parsed(candidate) => consider(*candidate, &mut self.best),
                Attempt::Failed(_) => {}
                Attempt::OutOfBudget => return,
            }
        }
    }

    /// Parses lines `from..to` of the block's stripped text.
    fn attempt(&mut self, from: usize, to: usize) -> Attempt {
        let map = self.map;
        let start = map.text_starts[from];
        let end = match map.text_starts.get(to) {
            Some(&next) => next - 1, // without the line break before line `to`
            None => self.text.len(),
        };
        let input = &self.text[start..end];
        if input.len() > *self.budget {
            return Attempt::OutOfBudget;
        }
        *self.budget -= input.len();
        let built = build::build(input, false, false);
        match built.first_syntax_error {
            Some(at) => Attempt::Failed(map.line_of(start + at)),
            None => {
                let score = score(&built, from, to, map.text_starts.len());
                Attempt::Parsed(Box::new(Candidate { from, built, score }))
            }
        }
    }
}

/// Keeps `candidate` if it scores higher than the best so far (ties keep the earlier one).
fn consider(candidate: Candidate, best: &mut Option<Candidate>) {
    if best.as_ref().is_none_or(|b| candidate.score > b.score) {
        *best = Some(candidate);
    }
}
