use crate::rule::Rule;

crate::declare_rule! {
    /// ## What it does
    /// Reports that a rule failed with an internal error (a bug in shiplint) on a file. The
    /// failure is contained: other rules and files are still checked.
    ///
    /// ## Why it matters
    /// The failed rule did not check the file, so a clean result for that rule means nothing
    /// there.
    ///
    /// ## Example
    /// Not produced by any input on purpose: it stands for a shiplint bug.
    ///
    /// ## How to fix
    /// Report the bug with the file that triggers it. Meanwhile, `--ignore` the failing rule for
    /// that file if it blocks you.
    pub(crate) struct InternalError {
        code: "SHL006",
        name: "internal-error",
        family: Shiplint,
        severity: Error,
        scope: ALL,
    }
}

/// Reported by the engine when a rule panics, not by a check of its own.
impl Rule for InternalError {}
