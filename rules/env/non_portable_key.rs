use super::{env_file, problems};
use crate::parse::dotenv::ProblemKind;
use crate::project::ParsedFile;
use crate::rule::{Ctx, Rule};

crate::declare_rule! {
    /// ## What it does
    /// Reports a key that Compose accepts but that is not a portable variable name
    /// (`[A-Za-z_][A-Za-z0-9_]*`): a leading digit (`1ST_HOST`), a dash (`MY-KEY`), a dot
    /// (`spring.datasource.url`), brackets (`HOSTS[0]`) or a letter outside ASCII (`CLÉ`).
    ///
    /// ## Why it matters
    /// Compose loads such a key, but little else can use it. Compose's own interpolation cannot
    /// name it — `${MY-KEY}` means `MY`, defaulting to `KEY` — and compose-go's `Read` silently
    /// drops keys that start with a digit. A shell refuses the assignment
    /// (it runs `MY-KEY=x` as a command), dotenvy rejects the line, and most languages' config
    /// libraries cannot look the variable up by attribute. The setting quietly never arrives.
    ///
    /// Lowercase keys are not reported: they are portable, and some are conventionally lowercase
    /// (`http_proxy`, `no_proxy`).
    ///
    /// ## Example
    /// ```sh title=".env"
    /// DB-HOST=postgres
    /// 2FA_ISSUER=Korrigo
    /// ```
    ///
    /// ## How to fix
    /// Use letters, digits and underscores, not starting with a digit, and rename the setting
    /// where it is read:
    /// ```sh title=".env"
    /// DB_HOST=postgres
    /// TWO_FACTOR_ISSUER=Korrigo
    /// ```
    pub(crate) struct NonPortableKey {
        code: "ENV015",
        name: "non-portable-key",
        family: Env,
        severity: Warning,
        scope: ALL,
    }
}

impl Rule for NonPortableKey {
    fn check_file(&self, file: &ParsedFile, ctx: &mut Ctx<'_>) {
        let Some(env) = env_file(file) else { return };
        if !ctx.applies_to(file.source.environment) {
            return;
        }
        for p in problems(env, &[ProblemKind::InvalidKey]) {
            let key = file.source.slice(p.span);
            let why = if key.starts_with(|c: char| c.is_ascii_digit()) {
                "it starts with a digit, and compose-go's reader silently drops such keys"
                    .to_string()
            } else {
                match key
                    .chars()
                    .find(|c| !(c.is_ascii_alphanumeric() || *c == '_'))
                {
                    Some(c) => format!("`{c}` is not allowed in a shell variable name"),
                    None => "it is not a valid shell variable name".to_string(),
                }
            };
            ctx.report(
                file.id,
                p.span,
                format!("`{key}` is not a portable variable name: {why}"),
            )
            .help("use only letters, digits and underscores, not starting with a digit");
        }
    }
}
