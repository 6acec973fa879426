use super::alertmanager_yaml;
use crate::parse::monitoring::alertmanager::AlertmanagerConfig;
use crate::parse::monitoring::Text;
use crate::project::ParsedFile;
use crate::rule::{Ctx, Rule};

crate::declare_rule! {
    /// ## What it does
    /// Reports two entries of `receivers:` with the same `name`, and a receiver without one.
    ///
    /// ## Why it matters
    /// Routes name receivers, so the names must be unique: Alertmanager refuses the file
    /// ("notification config name ... is not unique", "missing name in receiver"). It happens
    /// when a receiver block is copied to add a channel; the fix that was meant to reach more
    /// people stops Alertmanager from starting.
    ///
    /// ## Example
    /// ```yaml title="monitoring/alertmanager/alertmanager.yml"
    /// route:
    ///   receiver: ops
    ///
    /// receivers:
    ///   - name: ops
    ///     webhook_configs:
    ///       - url: http://alert-relay:8080/hook
    ///   - name: ops
    ///     webhook_configs:
    ///       - url: http://chat-relay:8080/hook
    /// ```
    ///
    /// ## How to fix
    /// List every integration of a receiver under one entry:
    ///
    /// ```yaml title="monitoring/alertmanager/alertmanager.yml"
    /// route:
    ///   receiver: ops
    ///
    /// receivers:
    ///   - name: ops
    ///     webhook_configs:
    ///       - url: http://alert-relay:8080/hook
    ///       - url: http://chat-relay:8080/hook
    /// ```
    pub(crate) struct DuplicateReceiver {
        code: "ALM004",
        name: "duplicate-receiver",
        family: Alertmanager,
        severity: Error,
        scope: ALL,
    }
}

impl Rule for DuplicateReceiver {
    fn check_file(&self, file: &ParsedFile, ctx: &mut Ctx<'_>) {
        let Some(yaml) = alertmanager_yaml(file) else {
            return;
        };
        let Some(config) = AlertmanagerConfig::from_yaml(yaml) else {
            return;
        };
        let mut seen: Vec<Text<'_>> = Vec::new();
        for r in &config.receivers {
            let Some(name) = r.name.filter(|n| !n.value.is_empty()) else {
                let span = r
                    .node
                    .entries()
                    .first()
                    .map_or(r.node.span(), |(k, _)| k.span());
                ctx.report(
                    file.id,
                    span,
                    "a receiver has no `name`; Alertmanager refuses to load the file",
                )
                .help("give the receiver a unique `name` and route to it");
                continue;
            };
            match seen.iter().find(|s| s.value == name.value) {
                Some(first) => {
                    ctx.report(
                        file.id,
                        name.span,
                        format!(
                            "receiver `{}` is defined twice; Alertmanager refuses to load the file",
                            name.value
                        ),
                    )
                    .help("merge the two entries: a receiver can list several integrations")
                    .related(file.id, first.span, "first defined here");
                }
                None => seen.push(name),
            }
        }
    }
}
