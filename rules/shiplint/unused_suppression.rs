use crate::rule::Rule;

crate::declare_rule! {
    /// ## What it does
    /// Reports a `shiplint: ignore[…]` comment that suppresses nothing: no finding of that code
    /// is reported on the line it covers (or, for `ignore-file`, in the file).
    ///
    /// ## Why it matters
    /// Suppressions outlive the problems they silenced. A stale one hides the next real finding
    /// of that code on the same line, and misleads readers into thinking a problem exists.
    ///
    /// ## Example
    /// ```yaml title="docker-compose.prod.yml"
    /// services:
    ///   web:
    ///     image: nginx:1.27 # shiplint: ignore[CMP001] no secret here
    /// ```
    ///
    /// ## How to fix
    /// Delete the comment, or correct the code it names.
    pub(crate) struct UnusedSuppression {
        code: "SHL004",
        name: "unused-suppression",
        family: Shiplint,
        severity: Info,
        scope: ALL,
    }
}

/// Reported by the suppression pass, not by a check of its own.
impl Rule for UnusedSuppression {}
