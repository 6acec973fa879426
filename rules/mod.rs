//! The rule catalogue: one file per rule, grouped by family folder.

use crate::rule::{Rule, RuleMeta};

pub mod alertmanager;
pub mod compose;
pub mod data;
pub mod django;
pub mod dockerfile;
pub mod env;
pub mod grafana;
pub mod monitoring;
pub mod pgbouncer;
pub mod project;
pub mod prometheus;
pub mod shiplint;

/// Every rule, in code order.
pub fn all() -> Vec<&'static dyn Rule> {
    let mut rules: Vec<&'static dyn Rule> = Vec::new();
    rules.extend_from_slice(alertmanager::RULES);
    rules.extend_from_slice(compose::RULES);
    rules.extend_from_slice(env::RULES);
    rules.extend_from_slice(django::RULES);
    rules.extend_from_slice(grafana::RULES);
    rules.extend_from_slice(pgbouncer::RULES);
    rules.extend_from_slice(dockerfile::RULES);
    rules.extend_from_slice(project::RULES);
    rules.extend_from_slice(prometheus::RULES);
    rules.extend_from_slice(shiplint::RULES);
    rules.sort_by_key(|r| r.meta().code);
    rules
}

/// Metadata of every rule, in code order.
pub fn metas() -> Vec<&'static RuleMeta> {
    all().into_iter().map(|r| r.meta()).collect()
}
