use crate::project::{ParsedFile, Unreadable};
use crate::rule::{Ctx, Rule};
use crate::source::Span;

crate::declare_rule! {
    /// ## What it does
    /// Reports a file that shiplint would check but cannot read as text: it is larger than the
    /// size limit (10 MiB), contains NUL bytes (binary), is not valid UTF-8, or cannot be opened.
    /// For invalid UTF-8 the finding points at the first invalid byte.
    ///
    /// ## Why it matters
    /// Configuration files are small text files. A huge, binary or mis-encoded file under a
    /// configuration name is either a mistake or something the deploy tooling will choke on, and
    /// shiplint cannot check it for anything else.
    ///
    /// ## Example
    /// A `.env` file saved in Latin-1 by an editor:
    /// ```text title=".env" escaped
    /// APP_NAME=Caf\xe9
    /// ```
    ///
    /// ## How to fix
    /// Save the file as UTF-8 text, or move large and binary files out of configuration paths.
    pub(crate) struct UnreadableFile {
        code: "SHL002",
        name: "unreadable-file",
        family: Shiplint,
        severity: Error,
        scope: ALL,
    }
}

impl Rule for UnreadableFile {
    fn check_file(&self, file: &ParsedFile, ctx: &mut Ctx<'_>) {
        let Some(why) = &file.unreadable else {
            return;
        };
        let (span, message) = match why {
            Unreadable::TooLarge { size, limit } => (
                Span::empty(0),
                format!("file is {size} bytes, over the {limit}-byte limit; it was not checked"),
            ),
            Unreadable::Binary => (
                Span::empty(0),
                "file contains NUL bytes (binary); it was not checked".to_string(),
            ),
            Unreadable::NotUtf8 { valid_up_to } => (
                Span::empty(*valid_up_to),
                "file is not valid UTF-8 from here on; it was not checked".to_string(),
            ),
            Unreadable::Io(e) => (Span::empty(0), format!("cannot read file: {e}")),
        };
        ctx.report(file.id, span, message);
    }
}
