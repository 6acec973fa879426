use crate::rule::Rule;

crate::declare_rule! {
    /// ## What it does
    /// Reports a suppression comment shiplint cannot use: `shiplint: ignore` without a list of
    /// codes, an empty list, or a code or name that is not a shiplint rule.
    ///
    /// ## Why it matters
    /// A malformed suppression silences nothing, so the finding it was meant for is still
    /// reported, or a typo in the code leaves the author believing a problem was acknowledged.
    ///
    /// ## Example
    /// ```yaml title="docker-compose.prod.yml"
    /// services:
    ///   web:
    ///     image: nginx:1.27 # shiplint: ignore[CMP999]
    /// ```
    ///
    /// ## How to fix
    /// Name the rule by its code or name: `# shiplint: ignore[CMP001] reason`.
    pub(crate) struct InvalidSuppression {
        code: "SHL005",
        name: "invalid-suppression",
        family: Shiplint,
        severity: Warning,
        scope: ALL,
    }
}

/// Reported by the suppression pass, not by a check of its own.
impl Rule for InvalidSuppression {}
