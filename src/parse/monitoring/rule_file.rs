//! Prometheus rule files: `groups` of recording and alerting `rules` (`model/rulefmt` of
//! prometheus/prometheus, which decodes with unknown fields refused and then validates).

use super::schema::{Section, Shape, Violation};
use super::{items_at, text_at, Text};
use crate::parse::yaml::{Node, NodeKind, YamlFile};
use crate::source::Span;

const LABELS: Shape = Shape::MapOf(&Shape::Scalar);

static RULE: Section = Section {
    name: "rule",
    fields: &[
        ("record", Shape::Scalar),
        ("alert", Shape::Scalar),
        ("expr", Shape::Scalar),
        ("for", Shape::Duration),
        ("keep_firing_for", Shape::Duration),
        ("labels", LABELS),
        ("annotations", LABELS),
    ],
    inline: &[],
};

static GROUP: Section = Section {
    name: "rule group",
    fields: &[
        ("name", Shape::Scalar),
        ("interval", Shape::Duration),
        ("query_offset", Shape::Duration),
        ("limit", Shape::Scalar),
        ("labels", LABELS),
        ("rules", Shape::ListOf(&Shape::Section(&RULE))),
    ],
    inline: &[],
};

/// The top level of a rule file.
pub static RULE_FILE: Section = Section {
    name: "rule file",
    fields: &[("groups", Shape::ListOf(&Shape::Section(&GROUP)))],
    inline: &[],
};

/// A rule file.
#[derive(Clone, Debug)]
pub struct RuleFile<'a> {
    pub root: Node<'a>,
    pub groups: Vec<RuleGroup<'a>>,
}

#[derive(Clone, Debug)]
pub struct RuleGroup<'a> {
    pub node: Node<'a>,
    pub name: Option<Text<'a>>,
    pub rules: Vec<Rule<'a>>,
}

/// A recording (`record:`) or alerting (`alert:`) rule.
#[derive(Clone, Debug)]
pub struct Rule<'a> {
    pub node: Node<'a>,
    pub record: Option<Text<'a>>,
    pub alert: Option<Text<'a>>,
    pub expr: Option<Text<'a>>,
    pub for_: Option<Text<'a>>,
    pub keep_firing_for: Option<Text<'a>>,
    /// The span of `annotations:` when it has entries.
    pub annotations: Option<Span>,
}

/// What Prometheus refuses in a rule file besides the schema.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RuleProblem {
    pub span: Span,
    pub message: String,
}

impl<'a> RuleFile<'a> {
    /// The rule file in the first document of `file`; `None` when that is not a mapping.
    pub fn from_yaml(file: &'a YamlFile) -> Option<RuleFile<'a>> {
        let root = file.documents().next()?;
        if root.kind() != NodeKind::Mapping {
            return None;
        }
        let groups = items_at(root, "groups")
            .into_iter()
            .filter(|g| g.kind() == NodeKind::Mapping)
            .map(|node| RuleGroup {
                node,
                name: text_at(node, "name"),
                rules: items_at(node, "rules")
                    .into_iter()
                    .filter(|r| r.kind() == NodeKind::Mapping)
                    .map(|node| Rule {
                        node,
                        record: text_at(node, "record"),
                        alert: text_at(node, "alert"),
                        expr: text_at(node, "expr"),
                        for_: text_at(node, "for"),
                        keep_firing_for: text_at(node, "keep_firing_for"),
                        annotations: node
                            .get("annotations")
                            .filter(|a| !a.entries().is_empty())
                            .and_then(|_| super::key_span(node, "annotations")),
                    })
                    .collect(),
            })
            .collect();
        Some(RuleFile { root, groups })
    }

    /// The alerting rules, in source order.
    pub fn alerts(&self) -> impl Iterator<Item = &Rule<'a>> {
        self.groups
            .iter()
            .flat_map(|g| g.rules.iter())
            .filter(|r| r.alert.is_some_and(|a| !a.value.is_empty()))
    }

    /// Checks the file against the rule-file schema.
    pub fn violations(&self, file: &YamlFile) -> Vec<Violation> {
        let mut out = super::schema::check(self.root, Shape::Section(&RULE_FILE));
        out.extend(super::schema::duplicate_keys(file, self.root));
        out.sort_by_key(|v| v.span());
        out
    }

    /// What `rulefmt` rejects after decoding: groups without a name or with a repeated one,
    /// rules that are not exactly one of recording and alerting, rules without `expr`, and
    /// recording rules with alerting fields. PromQL expressions, templates and names are not
    /// checked (Prometheus 3 accepts any UTF-8 metric name).
    pub fn problems(&self) -> Vec<RuleProblem> {
        let mut out = Vec::new();
        let mut names: Vec<&str> = Vec::new();
        for group in &self.groups {
            let at = group.name.map_or(group.node.span(), |n| n.span);
            match group.name.filter(|n| !n.value.is_empty()) {
                None => out.push(RuleProblem {
                    span: at,
                    message: "a rule group has no `name`".into(),
                }),
                Some(name) if names.contains(&name.value) => out.push(RuleProblem {
                    span: name.span,
                    message: format!("rule group `{}` is defined twice in the file", name.value),
                }),
                Some(name) => names.push(name.value),
            }
            for rule in &group.rules {
                out.extend(rule_problems(rule));
            }
        }
        out.sort_by_key(|p| p.span);
        out
    }
}

fn rule_problems(rule: &Rule<'_>) -> Vec<RuleProblem> {
    let mut out = Vec::new();
    let record = rule.record.filter(|t| !t.value.is_empty());
    let alert = rule.alert.filter(|t| !t.value.is_empty());
    let name = record.or(alert).map_or("", |t| t.value);
    let at = record.or(alert).map_or(rule.node.span(), |t| t.span);
    let mut push = |span: Span, message: String| out.push(RuleProblem { span, message });
    match (record, alert) {
        (Some(r), Some(_)) => push(
            r.span,
            format!(
                "rule `{}` has both `record` and `alert`; a rule is one or the other",
                r.value
            ),
        ),
        (None, None) => push(at, "a rule has neither `record` nor `alert`".into()),
        _ => {}
    }
    if rule.expr.is_none_or(|e| e.value.trim().is_empty()) {
        let what = if name.is_empty() {
            "a rule".to_string()
        } else {
            format!("rule `{name}`")
        };
        push(at, format!("{what} has no `expr`"));
    }
    if let (Some(r), None) = (record, alert) {
        if let Some(span) = rule.annotations {
            push(
                span,
                format!(
                    "recording rule `{}` has `annotations`, which only alerts have",
                    r.value
                ),
            );
        }
        for (field, text) in [
            ("for", rule.for_),
            ("keep_firing_for", rule.keep_firing_for),
        ] {
            if let Some(t) = text.filter(|t| super::parse_duration(t.value).is_ok_and(|ms| ms > 0))
            {
                push(
                    t.span,
                    format!(
                        "recording rule `{}` has `{field}`, which only alerts have",
                        r.value
                    ),
                );
            }
        }
    }
    out
}
