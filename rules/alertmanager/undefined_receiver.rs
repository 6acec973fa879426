use super::alertmanager_yaml;
use crate::parse::monitoring::alertmanager::AlertmanagerConfig;
use crate::parse::monitoring::closest;
use crate::project::ParsedFile;
use crate::rule::{Ctx, Rule};
use crate::source::Span;

crate::declare_rule! {
    /// ## What it does
    /// Reports a route of `alertmanager.yml` whose `receiver` is not defined under
    /// `receivers:` (with the closest defined name), a root route without a `receiver`, and a
    /// configuration without a `route:` at all.
    ///
    /// ## Why it matters
    /// Every alert must end at a receiver, so Alertmanager checks the routing tree when it
    /// loads the file and refuses it ("undefined receiver ... used in route", "root route must
    /// specify a default receiver", "no route provided in config"). A receiver renamed in one
    /// place and not the other takes all alerting down at the next deploy or reload.
    ///
    /// ## Example
    /// ```yaml title="monitoring/alertmanager/alertmanager.yml"
    /// route:
    ///   receiver: team-ops
    ///   routes:
    ///     - matchers: ['severity="critical"']
    ///       receiver: pager
    ///
    /// receivers:
    ///   - name: ops
    ///     webhook_configs:
    ///       - url: http://alert-relay:8080/hook
    /// ```
    ///
    /// ## How to fix
    /// Name defined receivers, or define the missing ones:
    ///
    /// ```yaml title="monitoring/alertmanager/alertmanager.yml"
    /// route:
    ///   receiver: ops
    ///   routes:
    ///     - matchers: ['severity="critical"']
    ///       receiver: pager
    ///
    /// receivers:
    ///   - name: ops
    ///     webhook_configs:
    ///       - url: http://alert-relay:8080/hook
    ///   - name: pager
    ///     webhook_configs:
    ///       - url: http://alert-relay:8080/page
    /// ```
    pub(crate) struct UndefinedReceiver {
        code: "ALM003",
        name: "undefined-receiver",
        family: Alertmanager,
        severity: Error,
        scope: ALL,
    }
}

impl Rule for UndefinedReceiver {
    fn check_file(&self, file: &ParsedFile, ctx: &mut Ctx<'_>) {
        let Some(yaml) = alertmanager_yaml(file) else {
            return;
        };
        let Some(config) = AlertmanagerConfig::from_yaml(yaml) else {
            return;
        };
        let names: Vec<&str> = config
            .receivers
            .iter()
            .filter_map(|r| r.name.map(|n| n.value))
            .collect();
        let Some(root) = config.routes.first() else {
            let span = config.route_key.unwrap_or_else(|| {
                config
                    .root
                    .entries()
                    .first()
                    .map_or(Span::empty(0), |(k, _)| k.span())
            });
            ctx.report(
                file.id,
                span,
                "no `route` is configured; Alertmanager refuses a configuration without a root route",
            )
            .help("add `route:` with a default `receiver:`");
            return;
        };
        if root.receiver.is_none_or(|r| r.value.is_empty()) {
            let span = config.route_key.unwrap_or(root.node.span());
            let d = ctx.report(
                file.id,
                span,
                "the root route names no `receiver`; Alertmanager refuses to load the file",
            );
            match names.first() {
                Some(n) => d.help(format!("add a default receiver, such as `receiver: {n}`")),
                None => {
                    d.help("define a receiver under `receivers:` and name it in `route.receiver`")
                }
            };
        }
        for route in &config.routes {
            let Some(r) = route.receiver.filter(|r| !r.value.is_empty()) else {
                continue;
            };
            if names.contains(&r.value) {
                continue;
            }
            let d = ctx.report(
                file.id,
                r.span,
                format!(
                    "receiver `{}` is not defined in `receivers`; Alertmanager refuses to load the file",
                    r.value
                ),
            );
            match closest(r.value, names.iter().copied()) {
                Some(s) => d.help(format!("did you mean `{s}`?")),
                None if names.is_empty() => d.help("define it under `receivers:`"),
                None => d.help(format!(
                    "define it under `receivers:`, or use one of: {}",
                    names
                        .iter()
                        .map(|n| format!("`{n}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                )),
            };
        }
    }
}
