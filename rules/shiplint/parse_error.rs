use crate::project::ParsedFile;
use crate::rule::{Ctx, Rule};

crate::declare_rule! {
    /// ## What it does
    /// Reports a file that shiplint could not parse: invalid YAML, a malformed interpolation, a
    /// line of a PgBouncer file that PgBouncer would reject, and so on. The finding points at the
    /// exact line and column where parsing failed.
    ///
    /// ## Why it matters
    /// A file that does not parse for shiplint almost always fails to load for the tool that
    /// reads it in production (Docker Compose, Prometheus, PgBouncer), and none of the other
    /// rules can check it.
    ///
    /// ## Example
    /// ```yaml title="docker-compose.yml"
    /// services:
    ///   web:
    ///     image: nginx
    ///     ports: - "80:80"
    /// ```
    ///
    /// ## How to fix
    /// Correct the syntax at the reported position.
    /// ```yaml title="docker-compose.yml"
    /// services:
    ///   web:
    ///     image: nginx
    ///     ports:
    ///       - "80:80"
    /// ```
    pub(crate) struct ParseError {
        code: "SHL001",
        name: "parse-error",
        family: Shiplint,
        severity: Error,
        scope: ALL,
    }
}

impl Rule for ParseError {
    fn check_file(&self, file: &ParsedFile, ctx: &mut Ctx<'_>) {
        for issue in &file.issues {
            // Ex) `app = host=db` at the top of a file another pgbouncer.ini `%include`s.
            if issue.message == crate::parse::pgbouncer::PREAMBLE_ISSUE
                && crate::rules::pgbouncer::is_included(ctx.project, file.id)
            {
                continue;
            }
            ctx.report(file.id, issue.span, issue.message.clone());
        }
    }
}
