//! Schemas of the keys a configuration format accepts, and a walker that reports what the tool
//! reading the file would refuse: an unknown key, a value of the wrong shape, an invalid
//! duration, a key written twice.
//!
//! Prometheus and Alertmanager decode their files with `yaml.UnmarshalStrict` into Go structs;
//! a schema mirrors those structs' `yaml:` tags. Sections inlined in Go (`yaml:",inline"`, such
//! as the HTTP client settings) are listed in [`Section::inline`]. Parts whose keys are not
//! modelled are [`Shape::Any`] and never reported.

use std::collections::HashSet;

use super::{closest, parse_duration, DurationError};
use crate::parse::yaml::{Node, NodeKind, YamlFile};
use crate::source::Span;

/// What a value must look like.
#[derive(Clone, Copy, Debug)]
pub enum Shape {
    /// Anything; not checked.
    Any,
    /// A scalar: a string, a number or a boolean.
    Scalar,
    /// A duration string (`30s`, `1h30m`).
    Duration,
    /// A mapping with the keys of a section.
    Section(&'static Section),
    /// A mapping of any keys to values of one shape (labels, headers).
    MapOf(&'static Shape),
    /// A sequence of values of one shape.
    ListOf(&'static Shape),
}

impl Shape {
    fn expects(self) -> &'static str {
        match self {
            Shape::Any => "a value",
            Shape::Scalar | Shape::Duration => "a single value",
            Shape::Section(_) | Shape::MapOf(_) => "a mapping",
            Shape::ListOf(_) => "a list",
        }
    }
}

/// The keys of one mapping type.
#[derive(Debug)]
pub struct Section {
    /// How findings name it: `global`, `scrape config`, `route`.
    pub name: &'static str,
    pub fields: &'static [(&'static str, Shape)],
    /// Sections whose keys this one accepts too (Go's inlined structs).
    pub inline: &'static [&'static Section],
}

impl Section {
    /// The shape of the value at `key`, if the section accepts the key.
    pub fn field(&self, key: &str) -> Option<Shape> {
        if let Some((_, shape)) = self.fields.iter().find(|(k, _)| *k == key) {
            return Some(*shape);
        }
        self.inline.iter().find_map(|s| s.field(key))
    }

    /// Every key the section accepts, its own first.
    pub fn keys(&self) -> Vec<&'static str> {
        let mut out: Vec<&'static str> = self.fields.iter().map(|(k, _)| *k).collect();
        for s in self.inline {
            out.extend(s.keys());
        }
        out
    }
}

/// Something the tool reading the file would refuse.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Violation {
    /// A key the section does not accept.
    UnknownKey {
        key: String,
        /// The span of the key.
        span: Span,
        section: &'static str,
        /// The known key it most likely means.
        suggestion: Option<&'static str>,
    },
    /// A value of the wrong shape: a scalar where a list is expected, and so on.
    WrongShape {
        key: String,
        span: Span,
        expected: &'static str,
        found: &'static str,
    },
    /// A duration that does not parse.
    BadDuration {
        key: String,
        span: Span,
        value: String,
        reason: DurationError,
    },
    /// A key written twice in one mapping (`UnmarshalStrict` refuses it).
    DuplicateKey {
        key: String,
        span: Span,
        first: Span,
    },
}

impl Violation {
    pub fn span(&self) -> Span {
        match self {
            Violation::UnknownKey { span, .. }
            | Violation::WrongShape { span, .. }
            | Violation::BadDuration { span, .. }
            | Violation::DuplicateKey { span, .. } => *span,
        }
    }
}

/// A value filled in before the tool reads the file (`envsubst`, Helm, Ansible): `${VAR}`,
/// `{{ .Values.interval }}`. Prometheus itself expands no variables there.
fn is_templated(value: &str) -> bool {
    value.contains("${") || value.contains("{{")
}

fn found(node: Node<'_>) -> &'static str {
    match node.kind() {
        NodeKind::Scalar => "a single value",
        NodeKind::Mapping => "a mapping",
        NodeKind::Sequence => "a list",
        NodeKind::UnresolvedAlias => "an unresolved alias",
    }
}

/// Checks `root` against `shape` and returns what does not fit, in source order. Each node is
/// visited at most once (aliases are checked where they are defined), and the walk follows the
/// schema, so its depth is the schema's, whatever the input's nesting.
pub fn check(root: Node<'_>, shape: Shape) -> Vec<Violation> {
    let mut out = Vec::new();
    let mut seen: HashSet<Span> = HashSet::new();
    // (node, shape, the key it is the value of)
    let mut stack: Vec<(Node<'_>, Shape, String)> = vec![(root, shape, String::new())];
    while let Some((node, shape, key)) = stack.pop() {
        if node.is_null() || matches!(shape, Shape::Any) {
            continue;
        }
        if node.kind() == NodeKind::UnresolvedAlias {
            continue;
        }
        // An alias reaches a node already checked where it is defined.
        if !seen.insert(node.span()) && node.via_alias().is_some() {
            continue;
        }
        let wrong = |expected: &'static str| Violation::WrongShape {
            key: key.clone(),
            span: node.span(),
            expected,
            found: found(node),
        };
        match shape {
            Shape::Any => {}
            Shape::Scalar => {
                if node.kind() != NodeKind::Scalar {
                    out.push(wrong(shape.expects()));
                }
            }
            Shape::Duration => {
                if node.kind() != NodeKind::Scalar {
                    out.push(wrong("a duration"));
                } else if let Some(value) = node.as_str().filter(|v| !is_templated(v)) {
                    if let Err(reason) = parse_duration(value) {
                        out.push(Violation::BadDuration {
                            key: key.clone(),
                            span: node.span(),
                            value: value.to_string(),
                            reason,
                        });
                    }
                }
            }
            Shape::ListOf(item) => {
                if node.kind() != NodeKind::Sequence {
                    out.push(wrong(shape.expects()));
                    continue;
                }
                for child in node.items().into_iter().rev() {
                    stack.push((child, *item, key.clone()));
                }
            }
            Shape::MapOf(value) => {
                if node.kind() != NodeKind::Mapping {
                    out.push(wrong(shape.expects()));
                    continue;
                }
                for (k, v) in node.entries().into_iter().rev() {
                    let name = k.as_str().unwrap_or_default().to_string();
                    stack.push((v, *value, name));
                }
            }
            Shape::Section(section) => {
                if node.kind() != NodeKind::Mapping {
                    out.push(wrong(shape.expects()));
                    continue;
                }
                let known = section.keys();
                for (k, v) in node.entries().into_iter().rev() {
                    let Some(name) = k.as_str() else { continue };
                    match section.field(name) {
                        Some(field) => stack.push((v, field, name.to_string())),
                        None => out.push(Violation::UnknownKey {
                            key: name.to_string(),
                            span: k.span(),
                            section: section.name,
                            suggestion: closest(name, known.iter().copied()),
                        }),
                    }
                }
            }
        }
    }
    // A key reached again through a merge (`<<: *defaults`) is reported once, where written.
    out.sort_by_key(|v| v.span());
    out.dedup();
    out
}

/// Keys written twice in one mapping of the file's first document, as [`Violation`]s.
pub fn duplicate_keys(file: &YamlFile, document: Node<'_>) -> Vec<Violation> {
    let doc = document.span();
    file.duplicate_keys()
        .iter()
        .filter(|(_, again)| doc.start <= again.start && again.end <= doc.end)
        .map(|(first, again)| Violation::DuplicateKey {
            key: file_text(file, *again),
            span: *again,
            first: *first,
        })
        .collect()
}

fn file_text(file: &YamlFile, span: Span) -> String {
    file.scalars()
        .find(|s| s.span() == span)
        .and_then(|s| s.as_str().map(str::to_string))
        .unwrap_or_default()
}
