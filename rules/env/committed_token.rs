use super::env_file;
use crate::diagnostic::redact;
use crate::project::ParsedFile;
use crate::rule::{Ctx, Rule};
use crate::rules::data::find_tokens;
use crate::source::Span;

crate::declare_rule! {
    /// ## What it does
    /// Reports a credential in a well-known provider's format anywhere in an env file or
    /// template, values and comments alike: AWS access key IDs (`AKIA…`), GitHub tokens
    /// (`ghp_…`, `github_pat_…`), GitLab, Slack (`xoxb-…`, webhook URLs), Google API keys
    /// (`AIza…`), Stripe live keys (`sk_live_…`), SendGrid, npm, PyPI and OpenAI keys, and
    /// private keys (`-----BEGIN … PRIVATE KEY-----`). The formats are listed in
    /// `rules/data/token_formats.txt`. Obvious stand-ins such as AWS's documented
    /// `AKIAIOSFODNN7EXAMPLE`, `ghp_xxxx…` or a key header with nothing after it are left alone.
    ///
    /// ## Why it matters
    /// These formats are issued by the provider and work from anywhere: whoever reads the file
    /// — in the repository, a fork, a CI log, a Docker build context — can use the credential.
    /// Bots scan public repositories for exactly these prefixes within minutes of a push. Unlike
    /// the project's own passwords, such a token cannot be made harmless by a firewall; it has
    /// to be revoked. shiplint only reads files that `.gitignore` does not exclude, so a file it
    /// reports is, or can be, committed.
    ///
    /// This rule applies in every environment, development included: a real token is real
    /// wherever it is written.
    ///
    /// ## Example
    /// ```sh title=".env.example"
    /// AWS_ACCESS_KEY_ID=AKIAZ7Q3N5V2KDRT4WLM
    /// # the bot token from the staging workspace: xoxb-2918374650-4820193847561-Qw7Er9Ty2Ui4Op6As8Df0Gh1
    /// SLACK_BOT_TOKEN=
    /// ```
    ///
    /// ## How to fix
    /// Revoke the credential at the provider first: it has been exposed for as long as the file
    /// existed, and removing it from the file does not remove it from the history. Then leave
    /// the value empty in templates, and take it from a secret store or the deploy environment:
    /// ```sh title=".env.example"
    /// AWS_ACCESS_KEY_ID=
    /// # a bot token of the staging workspace (ask in #ops)
    /// SLACK_BOT_TOKEN=
    /// ```
    pub(crate) struct CommittedToken {
        code: "ENV002",
        name: "committed-token",
        family: Env,
        severity: Error,
        scope: ALL,
    }
}

impl Rule for CommittedToken {
    fn check_file(&self, file: &ParsedFile, ctx: &mut Ctx<'_>) {
        if env_file(file).is_none() || !ctx.applies_to(file.source.environment) {
            return;
        }
        let text = &file.source.text;
        for token in find_tokens(text) {
            let span = Span::new(token.range.start, token.range.end);
            let shown = if token.provider == "private key" {
                String::new()
            } else {
                format!(" (`{}`)", redact(&text[token.range.clone()]))
            };
            ctx.report(
                file.id,
                span,
                format!("committed {}{shown}", token.provider),
            )
            .help(
                "revoke it at the provider now, then remove it from the file and take it from \
                 a secret store or the deploy environment",
            )
            .sensitive(file.id, Span::new(token.secret.start, token.secret.end));
        }
    }
}
