//! Configuration that is commented out: runs of `#` lines of a Prometheus configuration that
//! parse as a scrape job, an `alerting:` block or a `rule_files` list.
//!
//! The blocks come from the YAML layer's comment events ([`CommentBlock`]), re-parsed with
//! spans into the original file, so `#` lines inside a block scalar are never taken for
//! comments, and leading prose (`# Uncomment to enable nginx metrics:`) is dropped.

use super::prometheus::SCRAPE_CONFIG;
use super::{items_at, text_at, Text};
use crate::parse::yaml::{CommentBlock, Node, NodeKind, YamlFile};
use crate::source::Span;

/// What a commented-out block holds. List entries (`# - job_name: nginx`, `# - alerts.yml`)
/// count only where uncommenting them would put them in the live list they belong to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Commented<'a> {
    /// A `scrape_configs` entry.
    ScrapeJob { name: Text<'a> },
    /// An `alerting:` block or an `alertmanagers:` list.
    Alerting,
    /// A `rule_files:` list, or entries of a live `rule_files:` list.
    RuleFiles { entries: Vec<Text<'a>> },
}

/// A commented-out piece of configuration and the comment lines that hold it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CommentedConfig<'a> {
    pub what: Commented<'a>,
    /// From the `#` of its first line to the end of its last line.
    pub span: Span,
}

/// The commented-out scrape jobs, alerting blocks and rule file lists of a Prometheus
/// configuration, in source order.
pub fn commented_prometheus(file: &YamlFile) -> Vec<CommentedConfig<'_>> {
    let regions = Regions {
        rule_files: region(file, "rule_files"),
        scrape_configs: region(file, "scrape_configs"),
    };
    let mut out = Vec::new();
    for block in file.comment_blocks() {
        let Some(tree) = &block.tree else { continue };
        for root in tree.documents() {
            classify(block, root, regions, &mut out);
        }
    }
    out
}

/// Where commented entries would belong to the live list at `key` (`rule_files`,
/// `scrape_configs`): from the end of the key to the start of the next top-level key.
fn region(file: &YamlFile, key: &str) -> Option<Span> {
    let root = file.documents().next()?;
    let entries = root.entries();
    let at = entries
        .iter()
        .position(|(k, _)| k.kind() == NodeKind::Scalar && k.as_str() == Some(key))?;
    let end = entries
        .get(at + 1)
        .map_or(usize::MAX, |(k, _)| k.span().start);
    Some(Span::new(entries[at].0.span().end, end))
}

/// Where the lists of a live configuration are, for commented list entries.
#[derive(Clone, Copy)]
struct Regions {
    rule_files: Option<Span>,
    scrape_configs: Option<Span>,
}

fn inside(region: Span, block: Span) -> bool {
    region.start <= block.start && block.end <= region.end
}

fn classify<'a>(
    block: &CommentBlock,
    root: Node<'a>,
    regions: Regions,
    out: &mut Vec<CommentedConfig<'a>>,
) {
    let span_of = |node: Node<'_>| lines_of(block, node.span());
    match root.kind() {
        NodeKind::Sequence => {
            let items = root.items();
            let jobs: Vec<_> = items.iter().filter_map(|i| scrape_job(*i)).collect();
            if !jobs.is_empty() {
                // `# - job_name:` entries outside the live `scrape_configs` list would not be
                // jobs once uncommented: notes, not disabled configuration.
                if regions
                    .scrape_configs
                    .is_some_and(|r| !inside(r, block.span))
                {
                    return;
                }
                for (node, name) in jobs {
                    out.push(CommentedConfig {
                        what: Commented::ScrapeJob { name },
                        span: span_of(node),
                    });
                }
                return;
            }
            // `# - "alerts.yml"` lines in or right under a live `rule_files:` list.
            let strings: Vec<Text<'a>> = items.iter().filter_map(|i| Text::of(*i)).collect();
            if !strings.is_empty()
                && strings.len() == items.len()
                && regions.rule_files.is_some_and(|r| inside(r, block.span))
            {
                out.push(CommentedConfig {
                    what: Commented::RuleFiles { entries: strings },
                    span: span_of(root),
                });
            }
        }
        NodeKind::Mapping => {
            if let Some((node, name)) = scrape_job(root) {
                out.push(CommentedConfig {
                    what: Commented::ScrapeJob { name },
                    span: span_of(node),
                });
                return;
            }
            for (k, v) in root.entries() {
                let Some(key) = k.as_str() else { continue };
                let span = lines_of(block, k.span().cover(v.span()));
                match key {
                    "scrape_configs" => {
                        for item in v.items() {
                            if let Some((node, name)) = scrape_job(item) {
                                out.push(CommentedConfig {
                                    what: Commented::ScrapeJob { name },
                                    span: span_of(node),
                                });
                            }
                        }
                    }
                    "alerting" | "alertmanagers" if !v.is_null() => out.push(CommentedConfig {
                        what: Commented::Alerting,
                        span,
                    }),
                    "rule_files" => {
                        let entries: Vec<Text<'a>> =
                            v.items().into_iter().filter_map(Text::of).collect();
                        if !entries.is_empty() {
                            out.push(CommentedConfig {
                                what: Commented::RuleFiles { entries },
                                span,
                            });
                        }
                    }
                    _ => {}
                }
            }
        }
        _ => {}
    }
}

/// A scrape job: a mapping with a `job_name` and something that says what to scrape.
fn scrape_job(node: Node<'_>) -> Option<(Node<'_>, Text<'_>)> {
    if node.kind() != NodeKind::Mapping {
        return None;
    }
    let name = text_at(node, "job_name")?;
    let defines = node.entries().into_iter().any(|(k, _)| {
        k.as_str()
            .is_some_and(|k| k != "job_name" && SCRAPE_CONFIG.field(k).is_some())
    });
    (defines || !items_at(node, "static_configs").is_empty()).then_some((node, name))
}

/// The comment lines of `block` that `span` touches, from the `#` of the first to the end of
/// the last.
fn lines_of(block: &CommentBlock, span: Span) -> Span {
    let touched: Vec<&Span> = block
        .lines
        .iter()
        .filter(|l| l.end > span.start && l.start < span.end.max(span.start + 1))
        .collect();
    match (touched.first(), touched.last()) {
        (Some(first), Some(last)) => Span::new(first.start, last.end),
        _ => block.span,
    }
}
