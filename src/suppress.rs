//! Inline suppression comments. (Being written.)

use crate::diagnostic::Diagnostic;
use crate::project::Project;
use crate::rule::RuleMeta;

pub fn apply(
    _project: &Project,
    diagnostics: Vec<Diagnostic>,
    _unused: &'static RuleMeta,
    _invalid: &'static RuleMeta,
    _rules: &[&'static RuleMeta],
) -> Vec<Diagnostic> {
    diagnostics
}
