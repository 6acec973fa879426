//! Turns granit-parser events into the arena behind [`YamlFile`](super::YamlFile).
//!
//! The builder is iterative (an explicit stack of open collections), so nesting depth costs
//! heap, not call stack; granit itself stops at [`NESTING_LIMIT`]. Spans are recorded in the
//! coordinates of the parsed input and can be moved afterwards with [`Built::remap`] (comment
//! blocks are parsed from stripped text but point into the original file).

use std::borrow::Cow;
use std::collections::HashMap;
use std::ops::Range;

use granit_parser::{ErrorKind, Event, Parser, ScanError, StructureStyle, Tag};

use super::{Arena, Data, MergeTag, NodeData, ScalarStyle, TagKind, ValueRef};
use crate::parse::ParseIssue;
use crate::source::Span;

/// Deepest nesting of block or flow collections accepted before a located error.
pub(super) const NESTING_LIMIT: usize = 256;

/// Nodes that the aliases of one document may add when expanded before it is reported.
pub(super) const EXPANSION_LIMIT: u64 = 1_000_000;

/// Characters a key may span (YAML's own limit is 1024; JSON keys can be longer).
const SIMPLE_KEY_LOOKAHEAD: usize = 64 * 1024;

/// Mappings with at most this many entries are checked for duplicate keys pairwise.
const PAIRWISE_DUPLICATE_CHECK: usize = 16;

/// Parser options shared by files and re-parsed comment blocks.
fn options() -> granit_parser::Options {
    granit_parser::options! {
        // Report `*missing` as an issue and keep the tree instead of stopping.
        emit_unresolved_aliases: true,
        // The default (96) fails on a long commented-out block between a key and its value.
        // Buffered comments are bounded by the input itself.
        max_buffered_comment_events: usize::MAX,
        // YAML caps implicit keys at 1024 characters; JSON has no such cap, and a longer key
        // would fail the whole document. Tokens wait at most this long for a key's `:`.
        simple_key_max_lookahead: SIMPLE_KEY_LOOKAHEAD,
        flow_nesting_limit: NESTING_LIMIT,
        block_nesting_limit: NESTING_LIMIT,
    }
}

/// A comment as reported by the parser: byte range from `#` to the end of the line.
#[derive(Clone, Copy, Debug)]
pub(super) struct RawComment {
    pub(super) start: usize,
    pub(super) end: usize,
}

/// The result of one parse, spans still in input coordinates until [`Built::remap`].
#[derive(Debug, Default)]
pub(super) struct Built {
    pub(super) arena: Arena,
    pub(super) errors: Vec<ParseIssue>,
    pub(super) duplicate_keys: Vec<(Span, Span)>,
    pub(super) comments: Vec<RawComment>,
    /// Input offset of the first syntax error, if any (unknown anchors and alias expansion
    /// are tree issues, not syntax errors).
    pub(super) first_syntax_error: Option<usize>,
}

impl Built {
    /// Moves every span through `map` (input offset → file offset; ends mapped separately so
    /// that an end on a line break stays on the line it closes).
    pub(super) fn remap(&mut self, map: impl Fn(Span) -> Span) {
        for node in &mut self.arena.nodes {
            let span = map(node.span());
            node.start = span.start as u32;
            node.end = span.end as u32;
        }
        for issue in &mut self.errors {
            issue.span = map(issue.span);
        }
        for (first, repeated) in &mut self.duplicate_keys {
            *first = map(*first);
            *repeated = map(*repeated);
        }
    }
}

/// Parses `input` into an arena.
///
/// With `borrow_values`, scalar values that are verbatim slices of `input` are stored as
/// ranges of it (the caller keeps `input` as the file's source); otherwise every value is
/// copied. With `collect_comments`, comment events are kept for comment-block grouping.
pub(super) fn build(input: &str, borrow_values: bool, collect_comments: bool) -> Built {
    let mut builder = Builder {
        input,
        borrow_values,
        collect_comments,
        out: Built::default(),
        stack: Vec::new(),
        pending: Vec::new(),
        anchors: HashMap::new(),
        doc: None,
    };
    builder.run();
    builder.out
}

/// An anchored node: where it is and, once complete, its expanded size.
#[derive(Clone, Copy)]
struct Anchor {
    node: u32,
    /// `None` while the anchored collection is still open (an alias to it is recursive).
    expanded: Option<u64>,
}

/// An open collection.
struct Frame {
    node: u32,
    mapping: bool,
    flow: bool,
    /// Index in `pending` of this collection's first child.
    pending_start: usize,
    /// Size of the collection with every alias inside it expanded (itself included).
    expanded: u64,
    anchor: usize,
}

/// Lengths of the output vectors when a document started, to drop a document that fails.
#[derive(Clone, Copy)]
struct Checkpoint {
    nodes: usize,
    children: usize,
    values: usize,
    duplicate_keys: usize,
}

struct Document {
    checkpoint: Checkpoint,
    root: Option<u32>,
    /// Nodes the aliases of this document add when expanded.
    expansion: u64,
    expansion_reported: bool,
}

struct Builder<'i> {
    input: &'i str,
    borrow_values: bool,
    collect_comments: bool,
    out: Built,
    stack: Vec<Frame>,
    /// Children of the open collections, innermost last.
    pending: Vec<u32>,
    /// Anchor id (granit's, unique per parser) → anchored node.
    anchors: HashMap<usize, Anchor>,
    doc: Option<Document>,
}

impl<'i> Builder<'i> {
    fn run(&mut self) {
        let mut parser = Parser::new_from_str_with_options(self.input, options());
        let mut last_error_at = None;
        loop {
            match parser.next_event() {
                None => break,
                Some(Ok((Event::StreamEnd, _))) => break,
                Some(Ok((event, span))) => {
                    // Always present for string input; a missing range is skipped, not guessed.
                    if let Some(range) = span.byte_range() {
                        self.event(event, range);
                    }
                }
                Some(Err(error)) => {
                    let at = self.syntax_error(&error);
                    self.abandon_document();
                    // Recovery always moves forward; stop rather than loop if it ever does not.
                    if last_error_at == Some(at) {
                        break;
                    }
                    last_error_at = Some(at);
                    if let Err(error) = parser.proceed_next_document() {
                        self.syntax_error(&error);
                        break;
                    }
                }
            }
        }
        // Input ended inside a document (only after an error that stopped the parser).
        self.abandon_document();
    }

    fn event(&mut self, event: Event<'i>, range: Range<usize>) {
        match event {
            Event::DocumentStart(..) => self.begin_document(),
            Event::DocumentEnd => self.end_document(),
            Event::Scalar(value, style, anchor, tag) => {
                self.scalar(value, style, anchor, tag.as_deref(), range)
            }
            Event::SequenceStart(style, anchor, tag) => {
                self.open(false, style, anchor, range);
                self.merge_tag(tag.as_deref());
            }
            Event::MappingStart(style, anchor, tag) => {
                self.open(true, style, anchor, range);
                self.merge_tag(tag.as_deref());
            }
            Event::SequenceEnd | Event::MappingEnd => self.close(range),
            Event::Alias(anchor) => self.alias(anchor, range),
            Event::UnresolvedAlias(name) => {
                let span = Span::new(range.start, range.end);
                self.out
                    .errors
                    .push(ParseIssue::new(span, format!("unknown anchor `{name}`")));
                let id = self.push(span, Data::Unresolved);
                self.attach(id, 1);
            }
            Event::Comment(..) if self.collect_comments => {
                self.out.comments.push(RawComment {
                    start: range.start,
                    end: range.end,
                });
            }
            _ => {}
        }
    }

    /// Records a syntax error; returns its offset.
    fn syntax_error(&mut self, error: &ScanError) -> usize {
        let len = self.input.len();
        let at = error.marker().byte_offset().unwrap_or(len).min(len);
        let at = floor_char_boundary(self.input, at);
        // Underline the offending character, unless it is a line break or the end of input.
        let width = self.input[at..]
            .chars()
            .next()
            .filter(|c| *c != '\n' && *c != '\r')
            .map_or(0, char::len_utf8);
        let message = match error.kind() {
            ErrorKind::RecursionLimitExceeded => {
                format!("recursion limit exceeded: collections nested more than {NESTING_LIMIT} levels deep")
            }
            _ => error.info(),
        };
        self.out
            .errors
            .push(ParseIssue::new(Span::new(at, at + width), message));
        self.out.first_syntax_error.get_or_insert(at);
        at
    }

    fn checkpoint(&self) -> Checkpoint {
        Checkpoint {
            nodes: self.out.arena.nodes.len(),
            children: self.out.arena.children.len(),
            values: self.out.arena.values.len(),
            duplicate_keys: self.out.duplicate_keys.len(),
        }
    }

    fn begin_document(&mut self) {
        self.abandon_document();
        self.doc = Some(Document {
            checkpoint: self.checkpoint(),
            root: None,
            expansion: 0,
            expansion_reported: false,
        });
    }

    fn end_document(&mut self) {
        if let Some(doc) = self.doc.take() {
            let root = doc.root.filter(|&root| !self.is_empty_scalar(root));
            self.out.arena.documents.extend(root);
        }
        self.anchors.clear();
        self.stack.clear();
        self.pending.clear();
    }

    /// Drops the nodes of an unfinished document: a partial tree would make rules report
    /// keys as missing that are only unparsed. Issues already recorded are kept.
    fn abandon_document(&mut self) {
        if let Some(doc) = self.doc.take() {
            let c = doc.checkpoint;
            self.out.arena.nodes.truncate(c.nodes);
            self.out.arena.children.truncate(c.children);
            self.out.arena.values.truncate(c.values);
            let nodes = c.nodes as u32;
            self.out.arena.merge_tags.retain(|&(id, _)| id < nodes);
            self.out.duplicate_keys.truncate(c.duplicate_keys);
        }
        self.anchors.clear();
        self.stack.clear();
        self.pending.clear();
    }

    /// A document with no content has an empty plain scalar as its root: no root at all.
    fn is_empty_scalar(&self, id: u32) -> bool {
        let node = &self.out.arena.nodes[id as usize];
        matches!(
            node.data,
            Data::Scalar {
                style: ScalarStyle::Plain,
                tag: TagKind::None,
                ..
            }
        ) && node.start == node.end
    }

    fn push(&mut self, span: Span, data: Data) -> u32 {
        if self.doc.is_none() {
            // granit always starts a document first; stay consistent if it ever does not.
            self.begin_document();
        }
        let id = self.out.arena.nodes.len() as u32;
        self.out.arena.nodes.push(NodeData {
            start: span.start as u32,
            end: span.end as u32,
            data,
        });
        id
    }

    /// Hands a complete node to its parent (or makes it the document root).
    fn attach(&mut self, id: u32, expanded: u64) {
        if let Some(frame) = self.stack.last_mut() {
            self.pending.push(id);
            frame.expanded = frame.expanded.saturating_add(expanded);
        } else if let Some(doc) = &mut self.doc {
            doc.root.get_or_insert(id);
        }
    }

    /// Records the Compose merge tag of the node just pushed.
    fn merge_tag(&mut self, tag: Option<&Tag>) {
        let Some(tag) = tag.filter(|t| t.handle() == "!") else {
            return;
        };
        let kind = match tag.suffix() {
            "reset" => MergeTag::Reset,
            "override" => MergeTag::Override,
            _ => return,
        };
        let id = self.out.arena.nodes.len().saturating_sub(1) as u32;
        self.out.arena.merge_tags.push((id, kind));
    }

    fn scalar(
        &mut self,
        value: Cow<'i, str>,
        style: granit_parser::ScalarStyle,
        anchor: usize,
        tag: Option<&Tag>,
        range: Range<usize>,
    ) {
        let style = ScalarStyle::from(style);
        let mut span = Span::new(range.start, range.end);
        if matches!(style, ScalarStyle::Literal | ScalarStyle::Folded) {
            // granit's range runs from the first content character through the trailing line
            // breaks; end it at the last content character so it stays on its own lines.
            let content = self.input.get(span.range()).unwrap_or("");
            span.end = span.start + content.trim_end_matches([' ', '\t', '\r', '\n']).len();
        }
        // An empty node (`key:`) comes as `~`; its value is the empty text it was written as.
        let value = if style == ScalarStyle::Plain && span.is_empty() {
            Cow::Borrowed("")
        } else {
            value
        };
        let merge_tag = tag;
        let mut tag = tag_kind(tag);
        if style == ScalarStyle::Plain
            && value == "<<"
            && matches!(tag, TagKind::None | TagKind::Merge)
        {
            tag = TagKind::Merge;
        } else if tag == TagKind::Merge {
            tag = TagKind::Other;
        }
        let value = self.store_value(value);
        let data = Data::Scalar { style, tag, value };
        let id = self.push(span, data);
        self.merge_tag(merge_tag);
        if anchor != 0 {
            self.anchors.insert(
                anchor,
                Anchor {
                    node: id,
                    expanded: Some(1),
                },
            );
        }
        self.attach(id, 1);
    }

    fn store_value(&mut self, value: Cow<'i, str>) -> ValueRef {
        if self.borrow_values {
            if let Cow::Borrowed(text) = &value {
                if let Some(start) = offset_in(self.input, text) {
                    return ValueRef {
                        start: start as u32,
                        end: (start + text.len()) as u32,
                        owned: false,
                    };
                }
            }
        }
        let values = &mut self.out.arena.values;
        let start = values.len();
        values.push_str(&value);
        ValueRef {
            start: start as u32,
            end: values.len() as u32,
            owned: true,
        }
    }

    fn open(&mut self, mapping: bool, style: StructureStyle, anchor: usize, range: Range<usize>) {
        let data = if mapping {
            Data::Mapping { first: 0, len: 0 }
        } else {
            Data::Sequence { first: 0, len: 0 }
        };
        let id = self.push(Span::new(range.start, range.end), data);
        if anchor != 0 {
            self.anchors.insert(
                anchor,
                Anchor {
                    node: id,
                    expanded: None,
                },
            );
        }
        self.stack.push(Frame {
            node: id,
            mapping,
            flow: style == StructureStyle::Flow,
            pending_start: self.pending.len(),
            expanded: 1,
            anchor,
        });
    }

    fn close(&mut self, range: Range<usize>) {
        let Some(frame) = self.stack.pop() else {
            return;
        };
        let arena = &mut self.out.arena;
        let first = arena.children.len();
        let start = frame.pending_start.min(self.pending.len());
        arena.children.extend(self.pending.drain(start..));
        let len = arena.children.len() - first;

        let node = &arena.nodes[frame.node as usize];
        let mut span = node.span();
        if frame.flow {
            span.end = range.end;
        } else {
            // Block collections have no brackets: they end where their last child ends.
            span.end = arena.children[first..]
                .iter()
                .map(|&c| arena.nodes[c as usize].end as usize)
                .fold(span.start, usize::max);
            if !frame.mapping {
                span.start = block_sequence_start(self.input, span.start);
            }
        }
        let (first, len) = (first as u32, len as u32);
        let node = &mut arena.nodes[frame.node as usize];
        node.start = span.start as u32;
        node.end = span.end as u32;
        node.data = if frame.mapping {
            Data::Mapping { first, len }
        } else {
            Data::Sequence { first, len }
        };

        if frame.mapping {
            self.check_duplicate_keys(first as usize, len as usize);
        }
        if frame.anchor != 0 {
            if let Some(anchor) = self.anchors.get_mut(&frame.anchor) {
                if anchor.node == frame.node {
                    anchor.expanded = Some(frame.expanded);
                }
            }
        }
        self.attach(frame.node, frame.expanded);
    }

    fn alias(&mut self, anchor: usize, range: Range<usize>) {
        let span = Span::new(range.start, range.end);
        let name = self.input[span.range()].trim_start_matches('*');
        match self.anchors.get(&anchor).copied() {
            Some(Anchor {
                node,
                expanded: Some(expanded),
            }) => {
                let id = self.push(span, Data::Alias { target: node });
                self.attach(id, expanded);
                self.count_expansion(expanded, span);
            }
            Some(Anchor { expanded: None, .. }) => {
                // `&a [*a]`: a structure that contains itself would make every walk endless.
                let message = format!("alias `*{name}` refers to a collection that contains it");
                self.out.errors.push(ParseIssue::new(span, message));
                let id = self.push(span, Data::Unresolved);
                self.attach(id, 1);
            }
            None => {
                let message = format!("unknown anchor `{name}`");
                self.out.errors.push(ParseIssue::new(span, message));
                let id = self.push(span, Data::Unresolved);
                self.attach(id, 1);
            }
        }
    }

    /// Adds an alias's expanded size to its document's total and reports, once, the alias
    /// that takes the total past [`EXPANSION_LIMIT`] (a "billion laughs" file).
    fn count_expansion(&mut self, expanded: u64, span: Span) {
        let Some(doc) = &mut self.doc else {
            return;
        };
        doc.expansion = doc.expansion.saturating_add(expanded);
        if doc.expansion > EXPANSION_LIMIT && !doc.expansion_reported {
            doc.expansion_reported = true;
            let message = format!(
                "alias expansion too large: the aliases of this document expand to more than \
                 {EXPANSION_LIMIT} nodes"
            );
            self.out.errors.push(ParseIssue::new(span, message));
        }
    }

    /// Records `(first, repeated)` key spans for scalar keys that occur twice in a mapping.
    fn check_duplicate_keys(&mut self, first: usize, len: usize) {
        let arena = &self.out.arena;
        let input = self.input;
        let keys: Vec<(u32, &str)> = arena.children[first..first + len]
            .iter()
            .step_by(2)
            .filter_map(|&k| Some((k, arena.duplicate_key_text(input, k)?)))
            .collect();
        if keys.len() < 2 {
            return;
        }
        let mut found = Vec::new();
        if keys.len() <= PAIRWISE_DUPLICATE_CHECK {
            for (i, &(key, text)) in keys.iter().enumerate() {
                if let Some(&(earlier, _)) = keys[..i].iter().find(|(_, t)| *t == text) {
                    found.push((earlier, key));
                }
            }
        } else {
            let mut seen: HashMap<&str, u32> = HashMap::with_capacity(keys.len());
            for &(key, text) in &keys {
                if let Some(&earlier) = seen.get(text) {
                    found.push((earlier, key));
                } else {
                    seen.insert(text, key);
                }
            }
        }
        let pairs: Vec<(Span, Span)> = found
            .into_iter()
            .map(|(a, b)| {
                (
                    arena.nodes[a as usize].span(),
                    arena.nodes[b as usize].span(),
                )
            })
            .collect();
        self.out.duplicate_keys.extend(pairs);
    }
}

impl Arena {
    /// The text a key is compared by for duplicate detection: scalar keys other than the
    /// merge key `<<` (several merge keys are a common, accepted idiom).
    fn duplicate_key_text<'a>(&'a self, source: &'a str, id: u32) -> Option<&'a str> {
        let node = &self.nodes[id as usize];
        match node.data {
            Data::Scalar { value, .. } if !self.is_merge_key(id) => {
                Some(value.get(source, &self.values))
            }
            _ => None,
        }
    }
}

fn tag_kind(tag: Option<&Tag>) -> TagKind {
    let Some(tag) = tag else {
        return TagKind::None;
    };
    match tag.suffix_in_namespace("tag:yaml.org,2002:").as_deref() {
        Some("str") => TagKind::Str,
        Some("null") => TagKind::Null,
        Some("bool") => TagKind::Bool,
        Some("merge") => TagKind::Merge,
        _ => TagKind::Other,
    }
}

/// Byte offset of `part` in `whole` when `part` is a slice of it.
fn offset_in(whole: &str, part: &str) -> Option<usize> {
    let base = whole.as_ptr() as usize;
    let at = (part.as_ptr() as usize).checked_sub(base)?;
    (at + part.len() <= whole.len()).then_some(at)
}

/// granit starts an indentless block sequence (`key:\n- a`) at its first item; include the
/// `-` so the span covers the sequence as written.
fn block_sequence_start(input: &str, start: usize) -> usize {
    let bytes = input.as_bytes();
    let is_entry = |at: usize| {
        bytes.get(at) == Some(&b'-')
            && bytes
                .get(at + 1)
                .is_none_or(|b| matches!(b, b' ' | b'\t' | b'\r' | b'\n'))
    };
    if is_entry(start) {
        return start;
    }
    let before = input[..start].trim_end_matches([' ', '\t', '\r', '\n']);
    if !before.is_empty() && is_entry(before.len() - 1) {
        before.len() - 1
    } else {
        start
    }
}

fn floor_char_boundary(text: &str, mut at: usize) -> usize {
    while at > 0 && !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}
