use super::alertmanager_yaml;
use crate::parse::monitoring::alertmanager::AlertmanagerConfig;
use crate::parse::monitoring::closest;
use crate::project::ParsedFile;
use crate::rule::{Ctx, Rule};

crate::declare_rule! {
    /// ## What it does
    /// Reports a route whose `mute_time_intervals` or `active_time_intervals` names a time
    /// interval that `time_intervals:` (or the older `mute_time_intervals:`) does not define,
    /// and a time interval set on the root route.
    ///
    /// ## Why it matters
    /// Alertmanager refuses the configuration ("undefined time interval ... used in route",
    /// "root route must not have any mute time intervals"): it does not start, or a reload is
    /// rejected and the old routing stays in force.
    ///
    /// ## Example
    /// ```yaml title="monitoring/alertmanager/alertmanager.yml"
    /// route:
    ///   receiver: ops
    ///   routes:
    ///     - matchers: ['severity="warning"']
    ///       receiver: ops
    ///       mute_time_intervals: [nights]
    ///
    /// time_intervals:
    ///   - name: night
    ///     time_intervals:
    ///       - times:
    ///           - start_time: "20:00"
    ///             end_time: "24:00"
    ///
    /// receivers:
    ///   - name: ops
    ///     webhook_configs:
    ///       - url: http://alert-relay:8080/hook
    /// ```
    ///
    /// ## How to fix
    /// ```yaml title="monitoring/alertmanager/alertmanager.yml"
    /// route:
    ///   receiver: ops
    ///   routes:
    ///     - matchers: ['severity="warning"']
    ///       receiver: ops
    ///       mute_time_intervals: [night]
    ///
    /// time_intervals:
    ///   - name: night
    ///     time_intervals:
    ///       - times:
    ///           - start_time: "20:00"
    ///             end_time: "24:00"
    ///
    /// receivers:
    ///   - name: ops
    ///     webhook_configs:
    ///       - url: http://alert-relay:8080/hook
    /// ```
    pub(crate) struct UndefinedTimeInterval {
        code: "ALM005",
        name: "undefined-time-interval",
        family: Alertmanager,
        severity: Error,
        scope: ALL,
    }
}

impl Rule for UndefinedTimeInterval {
    fn check_file(&self, file: &ParsedFile, ctx: &mut Ctx<'_>) {
        let Some(yaml) = alertmanager_yaml(file) else {
            return;
        };
        let Some(config) = AlertmanagerConfig::from_yaml(yaml) else {
            return;
        };
        let names: Vec<&str> = config.time_intervals.iter().map(|t| t.value).collect();
        for route in &config.routes {
            for (key, list) in [
                ("mute_time_intervals", &route.mute_time_intervals),
                ("active_time_intervals", &route.active_time_intervals),
            ] {
                for t in list {
                    if route.is_root {
                        ctx.report(
                            file.id,
                            t.span,
                            format!(
                                "the root route has `{key}`; Alertmanager refuses to load the file"
                            ),
                        )
                        .help("set time intervals on child routes under `routes:`");
                        continue;
                    }
                    if names.contains(&t.value) {
                        continue;
                    }
                    let d = ctx.report(
                        file.id,
                        t.span,
                        format!(
                            "time interval `{}` is not defined; Alertmanager refuses to load the file",
                            t.value
                        ),
                    );
                    match closest(t.value, names.iter().copied()) {
                        Some(s) => d.help(format!("did you mean `{s}`?")),
                        None => d.help("define it under `time_intervals:`"),
                    };
                }
            }
        }
    }
}
