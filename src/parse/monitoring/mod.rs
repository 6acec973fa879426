//! Typed models of monitoring configuration: Prometheus (`prometheus.yml` and rule files),
//! Alertmanager and Grafana provisioning (datasources and dashboard providers).
//!
//! Each model is a thin, typed view over the YAML span tree ([`crate::parse::yaml`]): it borrows
//! the tree, so every value keeps its exact span, and building one costs a walk over the few
//! keys it reads. Prometheus and Alertmanager refuse a configuration with a key they do not
//! know, at any depth, so their models come with [`schema`]s of the keys each section accepts;
//! [`schema::check`] walks a document against one and reports what the tool would reject.
//!
//! ```
//! use shiplint::parse::{monitoring::prometheus::PrometheusConfig, yaml};
//!
//! let text = "scrape_configs:\n  - job_name: web\n    static_configs:\n      - targets: ['web:8000']\n";
//! let file = yaml::parse(text);
//! let config = PrometheusConfig::from_yaml(&file).unwrap();
//! let job = &config.scrape_configs[0];
//! assert_eq!(job.job_name.unwrap().value, "web");
//! assert_eq!(&text[job.static_targets[0].span.range()], "'web:8000'");
//! ```

pub mod alertmanager;
pub mod commented;
pub mod duration;
pub mod grafana;
pub mod prometheus;
pub mod rule_file;
pub mod schema;
#[cfg(test)]
mod tests;

use crate::parse::yaml::{Node, NodeKind};
use crate::source::Span;
use crate::text::edit_distance;

pub use duration::{parse_duration, DurationError};

/// A scalar value and the span of its source text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Text<'a> {
    pub value: &'a str,
    pub span: Span,
}

impl<'a> Text<'a> {
    /// The scalar `node` as text; `None` for collections, null and unresolved aliases.
    pub fn of(node: Node<'a>) -> Option<Text<'a>> {
        if node.kind() != NodeKind::Scalar || node.is_null() {
            return None;
        }
        Some(Text {
            value: node.as_str()?,
            span: node.span(),
        })
    }
}

/// The scalar at `key` of a mapping.
pub(crate) fn text_at<'a>(node: Node<'a>, key: &str) -> Option<Text<'a>> {
    node.get(key).and_then(Text::of)
}

/// The items of the sequence at `key` (empty when absent, null or not a sequence).
pub(crate) fn items_at<'a>(node: Node<'a>, key: &str) -> Vec<Node<'a>> {
    node.get(key).map(|n| n.items()).unwrap_or_default()
}

/// The span of the key `key` in a mapping (the last one written, as lookups see it).
pub(crate) fn key_span(node: Node<'_>, key: &str) -> Option<Span> {
    node.entries()
        .into_iter()
        .rev()
        .find(|(k, _)| k.kind() == NodeKind::Scalar && k.as_str() == Some(key))
        .map(|(k, _)| k.span())
}

/// The known name a misspelt `name` most likely means: the same name in other case or with `-`
/// for `_`, a name it starts or ends with (`static_config` → `static_configs`), or the closest
/// by edits (at most one edit per four characters, and at least one).
pub fn closest<'k>(
    name: &str,
    known: impl IntoIterator<Item = &'k str> + Clone,
) -> Option<&'k str> {
    let norm = |s: &str| s.to_ascii_lowercase().replace('-', "_");
    let wanted = norm(name);
    if let Some(k) = known.clone().into_iter().find(|k| norm(k) == wanted) {
        return Some(k);
    }
    if wanted.len() >= 5 {
        if let Some(k) = known
            .clone()
            .into_iter()
            .filter(|k| {
                let k = norm(k);
                (k.starts_with(&wanted) || wanted.starts_with(&k))
                    && k.len().abs_diff(wanted.len()) <= 2
            })
            .min_by_key(|k| k.len().abs_diff(wanted.len()))
        {
            return Some(k);
        }
    }
    let limit = (wanted.chars().count() / 4).max(1);
    known
        .into_iter()
        .map(|k| (edit_distance(&wanted, &norm(k)), k))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, k)| (*d, *k))
        .map(|(_, k)| k)
}
