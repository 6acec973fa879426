use crate::project::ParsedFile;
use crate::rule::{Ctx, Rule};
use crate::source::Span;

crate::declare_rule! {
    /// ## What it does
    /// Reports a file named on the command line whose kind shiplint cannot tell from its name or
    /// content, so no rule checks it.
    ///
    /// ## Why it matters
    /// When you name a file explicitly you expect it to be checked; silently skipping it would
    /// look like a clean result.
    ///
    /// ## Example
    /// `shiplint check deploy/stack.yml` where `stack.yml` is a Compose file with an unusual name.
    ///
    /// ## How to fix
    /// Map the file to its kind in the configuration:
    /// ```toml
    /// [files]
    /// "deploy/stack.yml" = "compose"
    /// ```
    pub(crate) struct UnknownFileKind {
        code: "SHL003",
        name: "unknown-file-kind",
        family: Shiplint,
        severity: Info,
        scope: ALL,
    }
}

impl Rule for UnknownFileKind {
    fn check_file(&self, file: &ParsedFile, ctx: &mut Ctx<'_>) {
        if file.unknown_kind {
            ctx.report(
                file.id,
                Span::empty(0),
                "shiplint cannot tell what kind of file this is, so no rule checked it",
            )
            .help("map it to a kind under [files] in shiplint.toml, e.g. \"path/stack.yml\" = \"compose\"");
        }
    }
}
