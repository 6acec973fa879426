use crate::diagnostic::{Applicability, Edit, Fix};
use crate::kind::FileKind;
use crate::project::ParsedFile;
use crate::rule::{Ctx, Rule};
use crate::source::Span;

crate::declare_rule! {
    /// ## What it does
    /// Reports the top-level `version:` of a Compose file, and offers to remove the line.
    ///
    /// ## Why it matters
    /// Compose v2 ignores `version:` and prints `the attribute `version` is obsolete, it will
    /// be ignored` on every command. The key no longer selects a file format: the file is
    /// read against the current Compose Specification whatever it says, so a `version: "2.4"`
    /// does not enable the 2.x keys and a `version: "3.8"` does not switch off keys Swarm
    /// ignores. Keeping it misleads readers about which features apply, and its warning in
    /// every deploy log trains people to skip warnings.
    ///
    /// ## Example
    /// ```yaml title="docker-compose.yml"
    /// version: "3.8"
    /// services:
    ///   web:
    ///     image: registry.example.org/shop:1.4.2
    /// ```
    ///
    /// ## How to fix
    /// Remove the line:
    /// ```yaml title="docker-compose.yml"
    /// services:
    ///   web:
    ///     image: registry.example.org/shop:1.4.2
    /// ```
    pub(crate) struct ObsoleteVersion {
        code: "CMP024",
        name: "obsolete-compose-version",
        family: Compose,
        severity: Info,
        scope: ALL,
    }
}

/// The key's span and the whole line's span (terminator included) when `version:` and its
/// value are alone on a top-level line, as they nearly always are.
fn key_line(file: &ParsedFile, value: Span) -> Option<(Span, Span)> {
    let source = &file.source;
    let line0 = source.line_col(value.start).line.checked_sub(1)?;
    let line = source.line_span(line0);
    if value.end > line.end {
        return None;
    }
    let text = source.line_text(line0);
    let key_len = ["version", "\"version\"", "'version'"]
        .iter()
        .find(|k| text.starts_with(*k) && text[k.len()..].trim_start().starts_with(':'))?
        .len();
    let rest = text.get(value.end - line.start..).unwrap_or("").trim();
    // A quoted value's span may stop before the closing quote.
    let rest = rest.trim_start_matches(['"', '\'']).trim();
    if !(rest.is_empty() || rest.starts_with('#')) {
        return None;
    }
    let mut end = line.end;
    let after = source.text.get(end..).unwrap_or("");
    if after.starts_with("\r\n") {
        end += 2;
    } else if after.starts_with('\n') {
        end += 1;
    }
    Some((
        Span::new(line.start, line.start + key_len),
        Span::new(line.start, end),
    ))
}

impl Rule for ObsoleteVersion {
    fn check_file(&self, file: &ParsedFile, ctx: &mut Ctx<'_>) {
        if file.source.kind != FileKind::Compose || !ctx.applies_to(file.source.environment) {
            return;
        }
        let Some(version) = file.model.compose().and_then(|c| c.version.as_ref()) else {
            return;
        };
        let found = key_line(file, version.span);
        let span = found.map_or(version.span, |(key, _)| key);
        let d = ctx
            .report(
                file.id,
                span,
                "the top-level `version` is obsolete: Compose ignores it and warns on every command",
            )
            .help("remove the line; Compose reads every file against the current Compose Specification");
        if let Some((_, line)) = found {
            d.fix(Fix {
                message: "remove the obsolete `version` line".to_string(),
                applicability: Applicability::Safe,
                edits: vec![Edit {
                    file: file.id,
                    span: line,
                    content: String::new(),
                }],
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::compose::tests::compose_project;

    fn spans(text: &str) -> Option<(String, String)> {
        let project = compose_project(&[(
            "docker-compose.yml",
            crate::kind::Environment::Unknown,
            text,
        )]);
        let file = project.file(0);
        let version = file.model.compose()?.version.as_ref()?;
        let (key, line) = key_line(file, version.span)?;
        Some((
            file.source.slice(key).to_string(),
            file.source.slice(line).to_string(),
        ))
    }

    #[test]
    fn the_fix_removes_the_whole_line_with_its_terminator() {
        assert_eq!(
            spans("version: \"3.8\"\nservices: {}\n"),
            Some(("version".into(), "version: \"3.8\"\n".into()))
        );
        assert_eq!(
            spans("services: {}\n'version': '2.4' # old\r\n"),
            Some(("'version'".into(), "'version': '2.4' # old\r\n".into()))
        );
        assert_eq!(
            spans("version: 3"),
            Some(("version".into(), "version: 3".into()))
        );
    }

    #[test]
    fn no_fix_when_the_line_holds_more_than_the_key() {
        assert_eq!(spans("{version: '3', services: {}}\n"), None);
    }
}
