use super::{report_malformed, rules_yaml};
use crate::parse::monitoring::rule_file::RuleFile;
use crate::parse::monitoring::schema::Violation;
use crate::project::ParsedFile;
use crate::rule::{Ctx, Rule};

crate::declare_rule! {
    /// ## What it does
    /// Reports what makes Prometheus reject a rule file: a key it does not know (`summary:`
    /// beside `expr:` instead of under `annotations:`, `expression:`), an invalid duration in
    /// `for:` or `interval:`, a group without a name or with a name used twice, a rule that is
    /// both or neither of `alert:` and `record:`, a rule without `expr:`, and a recording rule
    /// with `for:` or `annotations:`. PromQL expressions are not parsed.
    ///
    /// ## Why it matters
    /// Prometheus loads rule files with the configuration: one invalid rule file and the whole
    /// configuration is refused. At start-up Prometheus exits; on a reload it keeps the old
    /// rules, so the new alert that was meant to page someone never exists.
    ///
    /// ## Example
    /// ```yaml title="monitoring/prometheus/alerts.rules.yml"
    /// groups:
    ///   - name: web
    ///     rules:
    ///       - alert: WebDown
    ///         expr: up{job="web"} == 0
    ///         for: 5
    ///         summary: the web service is down
    /// ```
    ///
    /// ## How to fix
    /// ```yaml title="monitoring/prometheus/alerts.rules.yml"
    /// groups:
    ///   - name: web
    ///     rules:
    ///       - alert: WebDown
    ///         expr: up{job="web"} == 0
    ///         for: 5m
    ///         annotations:
    ///           summary: the web service is down
    /// ```
    ///
    /// `promtool check rules` confirms a rule file loads, PromQL included.
    pub(crate) struct InvalidRuleFile {
        code: "PRM006",
        name: "invalid-rule-file",
        family: Prometheus,
        severity: Error,
        scope: ALL,
    }
}

impl Rule for InvalidRuleFile {
    fn check_file(&self, file: &ParsedFile, ctx: &mut Ctx<'_>) {
        let Some(yaml) = rules_yaml(file) else {
            return;
        };
        let Some(rules) = RuleFile::from_yaml(yaml) else {
            if let Some(root) = yaml.documents().next().filter(|r| !r.is_null()) {
                ctx.report(
                    file.id,
                    root.span(),
                    "a rule file must be a mapping with `groups`; Prometheus refuses to load it",
                )
                .help("start the file with `groups:` and list rule groups under it");
            }
            return;
        };
        for v in rules.violations(yaml) {
            if let Violation::UnknownKey {
                key,
                span,
                section,
                suggestion,
            } = &v
            {
                let d = ctx.report(
                    file.id,
                    *span,
                    format!("unknown key `{key}` in a {section}; Prometheus refuses to load the rule file"),
                );
                if *section == "rule"
                    && matches!(key.as_str(), "summary" | "description" | "runbook_url")
                {
                    d.help(format!(
                        "`{key}` is an annotation: put it under `annotations:`"
                    ));
                } else if *section == "rule" && key == "severity" {
                    d.help("`severity` is a label: put it under `labels:`");
                } else if let Some(s) = suggestion {
                    d.help(format!("did you mean `{s}`?"));
                } else {
                    d.help(format!(
                        "remove it; see Prometheus's documentation of a {section}"
                    ));
                }
                continue;
            }
            report_malformed(ctx, file.id, &v, "Prometheus");
        }
        for p in rules.problems() {
            ctx.report(
                file.id,
                p.span,
                format!("{}; Prometheus refuses to load the rule file", p.message),
            );
        }
    }
}
