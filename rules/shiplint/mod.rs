//! `SHL`: findings about shiplint's own input — files it could not read or parse, and
//! suppression comments that do nothing.

use crate::diagnostic::Diagnostic;
use crate::project::Project;
use crate::rule::{Rule, RuleInfo, RuleMeta};

crate::family_rules! {
    parse_error => ParseError,
    unreadable_file => UnreadableFile,
    unknown_file_kind => UnknownFileKind,
    unused_suppression => UnusedSuppression,
    invalid_suppression => InvalidSuppression,
    internal_error => InternalError,
}

/// The rule the engine reports a panicking rule under.
pub(crate) fn internal_error_meta() -> &'static RuleMeta {
    internal_error::InternalError.meta()
}

/// Removes findings silenced by suppression comments and reports suppressions that are unused
/// or malformed (when those rules are enabled).
pub(crate) fn apply_suppressions(
    project: &Project,
    diagnostics: Vec<Diagnostic>,
    rules: &[&'static dyn Rule],
) -> Vec<Diagnostic> {
    let unused = unused_suppression::UnusedSuppression.meta();
    let invalid = invalid_suppression::InvalidSuppression.meta();
    let all = crate::rules::metas();
    let enabled: Vec<&'static RuleMeta> = rules.iter().map(|r| r.meta()).collect();
    let mut out = crate::suppress::apply(project, diagnostics, unused, invalid, &all, &enabled);
    let enabled = |code: &str| rules.iter().any(|r| r.meta().code == code);
    out.retain(|d| (d.code != unused.code && d.code != invalid.code) || enabled(d.code));
    out
}
