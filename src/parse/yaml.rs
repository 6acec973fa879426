//! YAML (and JSON) as a span tree over granit-parser events.
//!
//! [`parse`] reads every document of a file into an arena of nodes, each with the exact byte
//! span of its source text. Aliases stay references to the anchored node (a "billion laughs"
//! file stays as small as its text); [`Node::get`], [`Node::entries`] and [`Node::items`]
//! resolve them on the way and honour merge keys (`<<: *base`). Nothing here panics or
//! recurses on the input's nesting: bad input becomes a located [`ParseIssue`].
//!
//! Whole-line comments are grouped into [`CommentBlock`]s and re-parsed, so rules can see a
//! commented-out scrape job or `alerting:` block as YAML, with spans into the original file.
//!
//! ```
//! use shiplint::parse::yaml;
//!
//! let text = "services:\n  web:\n    image: nginx\n";
//! let file = yaml::parse(text);
//! let root = file.documents().next().unwrap();
//! let image = root.get("services").and_then(|s| s.get("web")).and_then(|w| w.get("image"));
//! let image = image.unwrap();
//! assert_eq!(image.as_str(), Some("nginx"));
//! assert_eq!(&text[image.span().range()], "nginx");
//! assert_eq!(image.span().start, 28);
//! ```

mod build;
mod comments;
#[cfg(test)]
mod tests;

use std::collections::HashSet;
use std::fmt;

use super::ParseIssue;
use crate::source::Span;

/// Merges followed through `<<` before a lookup gives up (a guard against absurd chains).
const MERGE_DEPTH_LIMIT: usize = 32;

/// Largest input the arena's 32-bit offsets can describe (with room for decoded values).
const MAX_INPUT_LEN: usize = i32::MAX as usize;

/// A parsed YAML or JSON file.
#[derive(Clone, Debug, Default)]
pub struct YamlFile {
    /// Syntax errors, unknown anchors, recursive aliases and oversized alias expansion, each
    /// at its position. Messages carry no location; the renderer adds it.
    pub errors: Vec<ParseIssue>,
    /// The text spans index: the whole file, or for a comment block's tree the block's text.
    source: Box<str>,
    /// Offset of `source` in the file (non-zero only for comment-block trees).
    base: usize,
    arena: Arena,
    duplicate_keys: Vec<(Span, Span)>,
    comment_blocks: Vec<CommentBlock>,
}

/// Parses `text` as a stream of YAML documents. Never panics, on any input.
///
/// Spans are byte offsets into `text` (a leading byte-order mark counts). A document with a
/// syntax error is reported in [`YamlFile::errors`] and left out of the tree; parsing resumes
/// at the next document.
pub fn parse(text: &str) -> YamlFile {
    if text.len() > MAX_INPUT_LEN {
        return YamlFile {
            errors: vec![ParseIssue::new(
                Span::empty(0),
                "file too large to read as YAML",
            )],
            ..YamlFile::default()
        };
    }
    let built = build::build(text, true, true);
    let comment_blocks = comments::comment_blocks(text, &built.comments);
    YamlFile {
        errors: built.errors,
        source: text.into(),
        base: 0,
        arena: built.arena,
        duplicate_keys: built.duplicate_keys,
        comment_blocks,
    }
}

impl YamlFile {
    /// The root node of each document that has content, in order.
    pub fn documents(&self) -> impl Iterator<Item = Node<'_>> {
        self.arena
            .documents
            .iter()
            .map(move |&id| self.node(id, None))
    }

    /// Every scalar of every document in source order, keys included, each source scalar once
    /// (aliases are not expanded).
    pub fn scalars(&self) -> impl Iterator<Item = Node<'_>> {
        self.arena
            .nodes
            .iter()
            .enumerate()
            .filter(|(_, node)| matches!(node.data, Data::Scalar { .. }))
            .map(move |(id, _)| Node {
                file: self,
                id: id as u32,
                via: None,
            })
    }

    /// Every scalar that is not a mapping key, in source order, each source scalar once (aliases
    /// are not expanded): the scalars a tool such as Compose reads as values.
    pub fn value_scalars(&self) -> impl Iterator<Item = Node<'_>> {
        let arena = &self.arena;
        let mut is_key = vec![false; arena.nodes.len()];
        for node in &arena.nodes {
            if let Data::Mapping { first, len } = node.data {
                let children = &arena.children[first as usize..][..len as usize];
                for &key in children.iter().step_by(2) {
                    is_key[key as usize] = true;
                }
            }
        }
        self.scalars().filter(move |node| !is_key[node.id as usize])
    }

    /// Runs of whole-line comments, in source order, each re-parsed as YAML where possible.
    pub fn comment_blocks(&self) -> &[CommentBlock] {
        &self.comment_blocks
    }

    /// `(first key, repeated key)` spans for each scalar key that occurs again in the same
    /// mapping (merge keys `<<` excepted).
    pub fn duplicate_keys(&self) -> &[(Span, Span)] {
        &self.duplicate_keys
    }

    /// The node `id`, seen through an alias if it is one.
    fn node(&self, id: u32, via: Option<Span>) -> Node<'_> {
        match self.arena.nodes[id as usize].data {
            Data::Alias { target } => Node {
                file: self,
                id: target,
                via: Some(self.arena.nodes[id as usize].span()),
            },
            _ => Node {
                file: self,
                id,
                via,
            },
        }
    }

    /// Key and value ids of a mapping's entries, as written (merge keys included).
    fn pairs(&self, id: u32) -> impl Iterator<Item = (u32, u32)> + '_ {
        let children = match self.arena.nodes[id as usize].data {
            Data::Mapping { first, len } => &self.arena.children[first as usize..][..len as usize],
            _ => &[],
        };
        children.chunks_exact(2).map(|pair| (pair[0], pair[1]))
    }

    /// The mappings a merge value brings in, in priority order, with the alias that named
    /// each (`<<: *a`, `<<: [*a, *b]`, or an inline mapping).
    fn merge_sources(&self, value: u32, via: Option<Span>) -> Vec<Node<'_>> {
        let value = self.node(value, via);
        match value.kind() {
            NodeKind::Mapping => vec![value],
            NodeKind::Sequence => value
                .items()
                .into_iter()
                .filter(|item| item.kind() == NodeKind::Mapping)
                .collect(),
            _ => Vec::new(),
        }
    }

    /// Looks `key` up in the mappings merged into `mapping`, earlier sources first.
    fn merged_get<'a>(
        &'a self,
        mapping: Node<'a>,
        key: &str,
        visited: &mut HashSet<u32>,
        depth: usize,
    ) -> Option<Node<'a>> {
        if depth > MERGE_DEPTH_LIMIT {
            return None;
        }
        for (k, v) in self.pairs(mapping.id) {
            if !self.arena.is_merge_key(k) {
                continue;
            }
            for source in self.merge_sources(v, mapping.via) {
                if !visited.insert(source.id) {
                    continue;
                }
                if let Some(found) = source.own_get(key) {
                    return Some(found);
                }
                if let Some(found) = self.merged_get(source, key, visited, depth + 1) {
                    return Some(found);
                }
            }
        }
        None
    }

    /// Appends the entries merged into `mapping` whose keys are not yet `seen`. Entries are
    /// marked as reached through `via` (the alias of the outermost merge), when there is one.
    fn collect_merged<'a>(
        &'a self,
        mapping: Node<'a>,
        via: Option<Span>,
        seen: &mut HashSet<&'a str>,
        visited: &mut HashSet<u32>,
        depth: usize,
        out: &mut Vec<(Node<'a>, Node<'a>)>,
    ) {
        if depth > MERGE_DEPTH_LIMIT {
            return;
        }
        for (k, v) in self.pairs(mapping.id) {
            if !self.arena.is_merge_key(k) {
                continue;
            }
            for source in self.merge_sources(v, mapping.via) {
                if !visited.insert(source.id) {
                    continue;
                }
                let via = via.or(source.via);
                for (key, value) in self.pairs(source.id) {
                    if self.arena.is_merge_key(key) {
                        continue;
                    }
                    let (key, value) = (self.node(key, via), self.node(value, via));
                    if key.kind() == NodeKind::Scalar {
                        if let Some(text) = key.as_str() {
                            if !seen.insert(text) {
                                continue;
                            }
                        }
                    }
                    out.push((key, value));
                }
                self.collect_merged(source, via, seen, visited, depth + 1, out);
            }
        }
    }
}

/// What a node is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum NodeKind {
    Scalar,
    Mapping,
    Sequence,
    /// An alias whose anchor is unknown (or that would make a structure contain itself);
    /// reported in [`YamlFile::errors`].
    UnresolvedAlias,
}

/// How a scalar was written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ScalarStyle {
    Plain,
    SingleQuoted,
    DoubleQuoted,
    /// `|`
    Literal,
    /// `>`
    Folded,
}

impl From<granit_parser::ScalarStyle> for ScalarStyle {
    fn from(style: granit_parser::ScalarStyle) -> ScalarStyle {
        match style {
            granit_parser::ScalarStyle::Plain => ScalarStyle::Plain,
            granit_parser::ScalarStyle::SingleQuoted => ScalarStyle::SingleQuoted,
            granit_parser::ScalarStyle::DoubleQuoted => ScalarStyle::DoubleQuoted,
            granit_parser::ScalarStyle::Literal => ScalarStyle::Literal,
            granit_parser::ScalarStyle::Folded => ScalarStyle::Folded,
        }
    }
}

/// A node of a [`YamlFile`]: a cheap handle (file, index, and the alias it was reached by).
#[derive(Clone, Copy)]
pub struct Node<'a> {
    file: &'a YamlFile,
    id: u32,
    via: Option<Span>,
}

impl<'a> Node<'a> {
    fn data(&self) -> &'a NodeData {
        &self.file.arena.nodes[self.id as usize]
    }

    pub fn kind(&self) -> NodeKind {
        match self.data().data {
            Data::Scalar { .. } => NodeKind::Scalar,
            Data::Mapping { .. } => NodeKind::Mapping,
            Data::Sequence { .. } => NodeKind::Sequence,
            Data::Alias { .. } | Data::Unresolved => NodeKind::UnresolvedAlias,
        }
    }

    /// The node's own source text: for a scalar its text with quotes (a block scalar from its
    /// first content character to its last, header excluded), for a flow collection its
    /// brackets, for a block collection its first entry through its last. Anchors and tags
    /// are not included. A node reached through an alias has the anchored node's span.
    pub fn span(&self) -> Span {
        self.data().span()
    }

    /// The `*name` span when this node was reached through an alias (or a merge key's
    /// alias); for nested lookups through an alias, the alias nearest to this node.
    pub fn via_alias(&self) -> Option<Span> {
        self.via
    }

    /// The source text of [`Node::span`].
    pub fn raw(&self) -> &'a str {
        let span = self.span();
        let base = self.file.base;
        let range = span.start.saturating_sub(base)..span.end.saturating_sub(base);
        self.file.source.get(range).unwrap_or("")
    }

    /// The scalar's value with escapes, folding and chomping applied; `None` for other nodes.
    /// An empty node (`key:`) is `""`.
    pub fn as_str(&self) -> Option<&'a str> {
        match self.data().data {
            Data::Scalar { value, .. } => {
                Some(value.get(&self.file.source, &self.file.arena.values))
            }
            _ => None,
        }
    }

    /// The Compose merge tag the node is written with (`!reset`, `!override`), if any.
    pub fn merge_tag(&self) -> Option<MergeTag> {
        let tags = &self.file.arena.merge_tags;
        tags.binary_search_by_key(&self.id, |&(id, _)| id)
            .ok()
            .map(|at| tags[at].1)
    }

    pub fn style(&self) -> Option<ScalarStyle> {
        match self.data().data {
            Data::Scalar { style, .. } => Some(style),
            _ => None,
        }
    }

    /// Whether the node is null: plain `~`, `null`, `Null`, `NULL` or empty (or tagged `!!null`).
    pub fn is_null(&self) -> bool {
        match self.data().data {
            Data::Scalar { style, tag, .. } => {
                let plain = style == ScalarStyle::Plain && tag == TagKind::None;
                (plain || tag == TagKind::Null)
                    && matches!(self.as_str(), Some("" | "~" | "null" | "Null" | "NULL"))
            }
            _ => false,
        }
    }

    /// The value of a YAML 1.2 core-schema boolean (`true`/`True`/`TRUE`, `false`/...),
    /// written plain (or tagged `!!bool`). `yes`/`on` are strings in YAML 1.2.
    pub fn as_bool(&self) -> Option<bool> {
        let Data::Scalar { style, tag, .. } = self.data().data else {
            return None;
        };
        if !(style == ScalarStyle::Plain && tag == TagKind::None || tag == TagKind::Bool) {
            return None;
        }
        match self.as_str()? {
            "true" | "True" | "TRUE" => Some(true),
            "false" | "False" | "FALSE" => Some(false),
            _ => None,
        }
    }

    /// The value of the entry whose scalar key is `key`, aliases resolved. An entry written
    /// in the mapping wins over merged ones (the last, if the key is repeated); merged
    /// sources are searched in order (`<<: [*a, *b]`: `a` first). `None` for non-mappings.
    pub fn get(&self, key: &str) -> Option<Node<'a>> {
        if self.kind() != NodeKind::Mapping {
            return None;
        }
        if let Some(found) = self.own_get(key) {
            return Some(found);
        }
        if !self.has_merge() {
            return None;
        }
        let mut visited = HashSet::from([self.id]);
        self.file.merged_get(*self, key, &mut visited, 1)
    }

    /// The mapping's entries after merges, `<<` itself excluded: entries written in the
    /// mapping first, in source order, then merged entries whose keys were not seen yet
    /// (`<<: [*a, *b]`: `a`'s before `b`'s). Merged entries keep their own spans and have
    /// [`Node::via_alias`] set to the merge's alias. Empty for non-mappings.
    pub fn entries(&self) -> Vec<(Node<'a>, Node<'a>)> {
        let mut out = self.own_entries();
        if self.has_merge() {
            let mut seen: HashSet<&'a str> = out
                .iter()
                .filter(|(key, _)| key.kind() == NodeKind::Scalar)
                .filter_map(|(key, _)| key.as_str())
                .collect();
            let mut visited = HashSet::from([self.id]);
            self.file
                .collect_merged(*self, None, &mut seen, &mut visited, 1, &mut out);
        }
        out
    }

    /// The sequence's items, aliases resolved. Empty for non-sequences.
    pub fn items(&self) -> Vec<Node<'a>> {
        let Data::Sequence { first, len } = self.data().data else {
            return Vec::new();
        };
        self.file.arena.children[first as usize..][..len as usize]
            .iter()
            .map(|&id| self.file.node(id, self.via))
            .collect()
    }

    /// Entries written in this mapping (no merges), `<<` excluded.
    fn own_entries(&self) -> Vec<(Node<'a>, Node<'a>)> {
        let file = self.file;
        file.pairs(self.id)
            .filter(|&(k, _)| !file.arena.is_merge_key(k))
            .map(|(k, v)| (file.node(k, self.via), file.node(v, self.via)))
            .collect()
    }

    /// The last entry written in this mapping with scalar key `key`.
    fn own_get(&self, key: &str) -> Option<Node<'a>> {
        let file = self.file;
        let mut found = None;
        for (k, v) in file.pairs(self.id) {
            if file.arena.is_merge_key(k) {
                continue;
            }
            let k = file.node(k, self.via);
            if k.kind() == NodeKind::Scalar && k.as_str() == Some(key) {
                found = Some(v);
            }
        }
        found.map(|v| file.node(v, self.via))
    }

    fn has_merge(&self) -> bool {
        let file = self.file;
        file.pairs(self.id).any(|(k, _)| file.arena.is_merge_key(k))
    }
}

/// Two handles are equal when they are the same node of the same file reached the same way.
impl PartialEq for Node<'_> {
    fn eq(&self, other: &Self) -> bool {
        std::ptr::eq(self.file, other.file) && self.id == other.id && self.via == other.via
    }
}

impl Eq for Node<'_> {}

impl fmt::Debug for Node<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut s = f.debug_struct("Node");
        s.field("kind", &self.kind()).field("span", &self.span());
        if let Some(value) = self.as_str() {
            s.field("value", &value);
        }
        if let Some(via) = self.via {
            s.field("via_alias", &via);
        }
        s.finish()
    }
}

/// A run of consecutive whole-line comments (blank lines and content end a run; comments
/// after content on the same line are not part of any).
#[derive(Clone, Debug)]
pub struct CommentBlock {
    /// From the first `#` of the first line to the end of the last comment line.
    pub span: Span,
    /// Each comment line, from its `#` to its end.
    pub lines: Vec<Span>,
    /// The lines with `#` (and one following space) stripped and the run's common
    /// indentation removed, joined with `\n`.
    pub text: String,
    /// `text` parsed as YAML; every span inside points into the original file, and the tree
    /// has no comment blocks of its own. Leading prose lines are dropped until the rest
    /// parses: of the parses found from each of the first lines (cut before a syntax error
    /// when that leaves trailing prose out), the one with a mapping or sequence wins, then one
    /// whose first key is not a sentence (`Uncomment to enable:`), then one reaching the end
    /// of the block, then the longest. `None` when no part of the block parses.
    pub tree: Option<YamlFile>,
    /// The line of the block (0-based, into `lines`) the tree starts at; 0 without a tree.
    pub start_line_of_tree: usize,
}

/// The nodes of a file, in event (source) order, children stored contiguously per collection.
#[derive(Clone, Debug, Default)]
struct Arena {
    nodes: Vec<NodeData>,
    /// Children of each collection, a contiguous run per collection (key, value, key, ...).
    children: Vec<u32>,
    /// Decoded scalar values that are not verbatim slices of the source.
    values: String,
    documents: Vec<u32>,
    /// Nodes tagged `!reset` or `!override`, by increasing id.
    merge_tags: Vec<(u32, MergeTag)>,
}

impl Arena {
    /// Whether `id` is the merge key `<<` (written plain, untagged or `!!merge`).
    fn is_merge_key(&self, id: u32) -> bool {
        matches!(
            self.nodes[id as usize].data,
            Data::Scalar {
                tag: TagKind::Merge,
                ..
            }
        )
    }
}

#[derive(Clone, Copy, Debug)]
struct NodeData {
    start: u32,
    end: u32,
    data: Data,
}

impl NodeData {
    fn span(&self) -> Span {
        Span::new(self.start as usize, self.end as usize)
    }
}

#[derive(Clone, Copy, Debug)]
enum Data {
    Scalar {
        style: ScalarStyle,
        tag: TagKind,
        value: ValueRef,
    },
    /// Children `children[first..first + len]`, alternating key and value.
    Mapping {
        first: u32,
        len: u32,
    },
    Sequence {
        first: u32,
        len: u32,
    },
    /// A resolved alias; its own span is the `*name` token.
    Alias {
        target: u32,
    },
    Unresolved,
}

/// The Compose merge tags: how a value combines with the one it would be merged with (in an
/// overlay file, or over the service a service `extends`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MergeTag {
    /// `!reset`: the value is removed, the inherited one included.
    Reset,
    /// `!override`: the value replaces the inherited one instead of merging with it.
    Override,
}

/// The tags that change how a scalar is read; everything else is `Other`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum TagKind {
    None,
    Str,
    Null,
    Bool,
    /// The merge key: a plain `<<`, untagged or tagged `!!merge`.
    Merge,
    Other,
}

/// Where a scalar's decoded value is: a range of the source, or of the arena's value buffer.
#[derive(Clone, Copy, Debug)]
struct ValueRef {
    start: u32,
    end: u32,
    owned: bool,
}

impl ValueRef {
    fn get<'a>(self, source: &'a str, values: &'a str) -> &'a str {
        let text = if self.owned { values } else { source };
        text.get(self.start as usize..self.end as usize)
            .unwrap_or("")
    }
}
