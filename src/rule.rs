//! The rule framework: metadata declared once per rule, the context rules report through, and
//! selectors that pick rules by code, prefix or name.

use crate::diagnostic::{Diagnostic, Family, Severity};
use crate::kind::Environment;
use crate::project::{ParsedFile, Project};
use crate::source::{FileId, Span};

/// How a rule's severity follows the environment of the file it reports on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Level {
    /// The rule's default severity.
    Default,
    /// One step below the default.
    Lower,
    /// Always this severity.
    Fixed(Severity),
    /// Not reported in this environment.
    Off,
}

/// The environments a rule applies to, and at what level.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Scope {
    pub production: Level,
    pub staging: Level,
    pub unknown: Level,
    pub development: Level,
    pub test: Level,
    pub template: Level,
}

impl Scope {
    /// Everywhere at the default severity.
    pub const ALL: Scope = Scope {
        production: Level::Default,
        staging: Level::Default,
        unknown: Level::Default,
        development: Level::Default,
        test: Level::Default,
        template: Level::Default,
    };

    /// Production and staging at the default, unknown (could be production) one step lower,
    /// nowhere else.
    pub const DEPLOYED: Scope = Scope {
        production: Level::Default,
        staging: Level::Default,
        unknown: Level::Lower,
        development: Level::Off,
        test: Level::Off,
        template: Level::Off,
    };

    /// Production, staging and unknown (could be production) at the default; nowhere else.
    /// For problems that are as bad in a file of unknown environment, such as a placeholder
    /// password in a PgBouncer userlist.
    pub const DEPLOYED_STRICT: Scope = Scope {
        production: Level::Default,
        staging: Level::Default,
        unknown: Level::Default,
        development: Level::Off,
        test: Level::Off,
        template: Level::Off,
    };

    /// Production and staging at the default severity, nowhere else: for hardening that a file
    /// of unknown environment (a demo, a local stack) has no reason to carry.
    pub const DEPLOYED_ONLY: Scope = Scope {
        production: Level::Default,
        staging: Level::Default,
        unknown: Level::Off,
        development: Level::Off,
        test: Level::Off,
        template: Level::Off,
    };

    /// Everywhere but development and test files, where shortcuts are expected.
    pub const NOT_DEVELOPMENT: Scope = Scope {
        production: Level::Default,
        staging: Level::Default,
        unknown: Level::Default,
        development: Level::Off,
        test: Level::Off,
        template: Level::Default,
    };

    /// Templates only (`.env.example`, …).
    pub const TEMPLATES: Scope = Scope {
        production: Level::Off,
        staging: Level::Off,
        unknown: Level::Off,
        development: Level::Off,
        test: Level::Off,
        template: Level::Default,
    };

    pub fn level(&self, env: Environment) -> Level {
        match env {
            Environment::Production => self.production,
            Environment::Staging => self.staging,
            Environment::Unknown => self.unknown,
            Environment::Development => self.development,
            Environment::Test => self.test,
            Environment::Template => self.template,
        }
    }

    /// The severity of a finding in a file of `env`, or `None` if the rule is off there.
    pub fn severity(&self, default: Severity, env: Environment) -> Option<Severity> {
        match self.level(env) {
            Level::Default => Some(default),
            Level::Lower => Some(default.lower()),
            Level::Fixed(s) => Some(s),
            Level::Off => None,
        }
    }

    /// Human-readable summary, for `shiplint rules` and the docs.
    pub fn describe(&self, default: Severity) -> Vec<(Environment, Option<Severity>)> {
        Environment::ALL
            .iter()
            .map(|&e| (e, self.severity(default, e)))
            .collect()
    }
}

/// Everything about a rule except its logic. Declared once, in the rule's file, by
/// [`declare_rule!`]; the registry, `shiplint rules`, `explain`, SARIF and the docs derive from it.
#[derive(Debug)]
pub struct RuleMeta {
    pub code: &'static str,
    pub name: &'static str,
    pub family: Family,
    pub default_severity: Severity,
    pub scope: Scope,
    /// The rule's doc comment, verbatim (each line keeps the space after `///`).
    pub raw_docs: &'static str,
    /// The options the rule reads from its `[rule-options.<rule>]` table; the configuration
    /// rejects any other key and any value of the wrong type or range.
    pub options: &'static [RuleOption],
}

/// One option of a rule's `[rule-options.<rule>]` table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RuleOption {
    pub name: &'static str,
    pub kind: OptionKind,
}

/// The type of a rule option, with its default.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OptionKind {
    /// An integer from `min` to `max`.
    Integer { min: i64, max: i64, default: i64 },
}

impl RuleOption {
    pub const fn integer(name: &'static str, min: i64, max: i64, default: i64) -> RuleOption {
        RuleOption {
            name,
            kind: OptionKind::Integer { min, max, default },
        }
    }

    /// Why `value` cannot be this option's value, if it cannot.
    pub fn check(&self, value: &toml::Value) -> Result<(), String> {
        match self.kind {
            OptionKind::Integer { min, max, .. } => match value.as_integer() {
                Some(n) if (min..=max).contains(&n) => Ok(()),
                Some(n) => Err(format!("must be from {min} to {max}, found {n}")),
                None => Err(format!(
                    "must be an integer from {min} to {max}, found {}",
                    value.type_str()
                )),
            },
        }
    }
}

impl RuleMeta {
    /// The documentation as Markdown: the doc comment with the `///` indentation removed.
    pub fn docs(&self) -> String {
        let mut out = String::new();
        for line in self.raw_docs.lines() {
            out.push_str(line.strip_prefix(' ').unwrap_or(line));
            out.push('\n');
        }
        out.trim().to_string() + "\n"
    }

    /// The first sentence of the "What it does" section.
    pub fn summary(&self) -> String {
        let docs = self.docs();
        let mut lines = docs
            .lines()
            .skip_while(|l| !l.starts_with("## What it does"));
        lines.next();
        let paragraph = lines
            .skip_while(|l| l.trim().is_empty())
            .take_while(|l| !l.trim().is_empty())
            .collect::<Vec<_>>()
            .join(" ");
        match paragraph.find(". ") {
            Some(end) => paragraph[..=end].to_string(),
            None => paragraph,
        }
    }

    pub fn url(&self) -> String {
        format!("{}{}.md", crate::DOCS_URL_BASE, self.code)
    }
}

/// Implemented by [`declare_rule!`].
pub trait RuleInfo {
    fn meta(&self) -> &'static RuleMeta;
}

/// A rule: it reads parsed files and the project index, and reports through the context. It
/// never fails; a panic inside it is caught and reported as an internal error for that file.
pub trait Rule: RuleInfo + Sync + Send {
    /// Called once per parsed file, in parallel across files.
    fn check_file(&self, _file: &ParsedFile, _ctx: &mut Ctx<'_>) {}
    /// Called once per run, after every file is parsed, for findings that span files.
    fn check_project(&self, _ctx: &mut Ctx<'_>) {}
}

/// Declares a rule type with its metadata and documentation in one place.
///
/// ```ignore
/// declare_rule! {
///     /// ## What it does
///     /// ...
///     pub(crate) struct FallbackSecret {
///         code: "CMP001",
///         name: "fallback-secret",
///         family: Compose,
///         severity: Error,
///         scope: DEPLOYED,
///     }
/// }
/// ```
#[macro_export]
macro_rules! declare_rule {
    (
        $(#[doc = $doc:expr])+
        $vis:vis struct $ty:ident {
            code: $code:literal,
            name: $name:literal,
            family: $family:ident,
            severity: $severity:ident,
            scope: $scope:ident
            $(, options: [$($option:expr),* $(,)?])? $(,)?
        }
    ) => {
        $(#[doc = $doc])+
        #[derive(Debug, Default, Clone, Copy)]
        $vis struct $ty;

        impl $crate::rule::RuleInfo for $ty {
            fn meta(&self) -> &'static $crate::rule::RuleMeta {
                static META: $crate::rule::RuleMeta = $crate::rule::RuleMeta {
                    code: $code,
                    name: $name,
                    family: $crate::diagnostic::Family::$family,
                    default_severity: $crate::diagnostic::Severity::$severity,
                    scope: $crate::rule::Scope::$scope,
                    raw_docs: concat!($($doc, "\n"),+),
                    options: &[$($($option),*)?],
                };
                &META
            }
        }
    };
}

/// Registers the rules of one family folder: one line per rule, `module => Type`.
#[macro_export]
macro_rules! family_rules {
    ($($module:ident => $ty:ident),* $(,)?) => {
        $(mod $module;)*
        pub(crate) static RULES: &[&dyn $crate::rule::Rule] = &[$(&$module::$ty),*];
    };
}

/// What a rule reports through. Severity follows the rule's scope and the environment of the
/// file a finding is reported on; findings in environments the rule is off for are dropped.
pub struct Ctx<'a> {
    pub project: &'a Project,
    meta: &'static RuleMeta,
    /// The rule's `[rule-options.<rule>]` table from the configuration.
    options: Option<&'a toml::Table>,
    out: Vec<Diagnostic>,
    discarded: Vec<Diagnostic>,
}

impl<'a> Ctx<'a> {
    pub fn new(project: &'a Project, meta: &'static RuleMeta) -> Ctx<'a> {
        Ctx {
            project,
            meta,
            options: None,
            out: Vec::new(),
            discarded: Vec::new(),
        }
    }

    /// The context with the rule's `[rule-options.<rule>]` table.
    pub fn with_options(mut self, options: Option<&'a toml::Table>) -> Ctx<'a> {
        self.options = options;
        self
    }

    /// The value of the rule's integer option `name`: the configured one (checked against
    /// its range when the configuration was read), else the option's default.
    ///
    /// # Panics
    /// When the rule does not declare the option: a programming error, caught by the tests.
    pub fn int_option(&self, name: &str) -> i64 {
        let option = self.meta.options.iter().find(|o| o.name == name);
        let Some(&RuleOption {
            kind: OptionKind::Integer { min, max, default },
            ..
        }) = option
        else {
            panic!("{} reads the undeclared option `{name}`", self.meta.code);
        };
        self.options
            .and_then(|t| t.get(name))
            .and_then(toml::Value::as_integer)
            .filter(|n| (min..=max).contains(n))
            .unwrap_or(default)
    }

    pub fn meta(&self) -> &'static RuleMeta {
        self.meta
    }

    /// Reports a finding at `span` of `file`; returns it so that help, related spans and a fix
    /// can be attached.
    pub fn report(
        &mut self,
        file: FileId,
        span: Span,
        message: impl Into<String>,
    ) -> &mut Diagnostic {
        let env = self.project.file(file).source.environment;
        self.report_as(file, span, message, env)
    }

    /// Reports a finding whose severity follows `env` rather than the file's own environment:
    /// for a file whose name does not say, but whose deployment does (a `settings.py` that a
    /// production Compose file runs).
    pub fn report_as(
        &mut self,
        file: FileId,
        span: Span,
        message: impl Into<String>,
        env: Environment,
    ) -> &mut Diagnostic {
        let severity = self.meta.scope.severity(self.meta.default_severity, env);
        let diagnostic = Diagnostic {
            code: self.meta.code,
            name: self.meta.name,
            family: self.meta.family,
            severity: severity.unwrap_or(Severity::Info),
            message: message.into(),
            help: None,
            file,
            span,
            related: Vec::new(),
            fix: None,
            sensitive: Vec::new(),
        };
        let sink = if severity.is_some() {
            &mut self.out
        } else {
            &mut self.discarded
        };
        sink.push(diagnostic);
        sink.last_mut().expect("just pushed")
    }

    /// Whether the rule reports anything in files of this environment.
    pub fn applies_to(&self, env: Environment) -> bool {
        self.meta.scope.level(env) != Level::Off
    }

    pub fn into_diagnostics(self) -> Vec<Diagnostic> {
        self.out
    }
}

/// Picks rules by `ALL`, a code (`CMP001`), a code prefix (`CMP`, `CMP0`) or a name
/// (`fallback-secret`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Selector(String);

impl Selector {
    /// Parses a selector, checking that it names at least one known rule.
    pub fn parse(text: &str, rules: &[&'static RuleMeta]) -> Result<Selector, String> {
        let s = Selector(text.trim().to_string());
        if s.0.is_empty() {
            return Err("empty rule selector".to_string());
        }
        if rules.iter().any(|m| s.matches(m)) {
            Ok(s)
        } else {
            Err(format!("unknown rule selector `{}`", s.0))
        }
    }

    pub fn matches(&self, meta: &RuleMeta) -> bool {
        let s = self.0.as_str();
        s.eq_ignore_ascii_case("ALL")
            || meta.name == s
            || (s.chars().all(|c| c.is_ascii_alphanumeric())
                && meta.code.starts_with(&s.to_ascii_uppercase()))
    }

    /// How specific the selector is, for resolving select/ignore conflicts: an exact code or name
    /// beats a prefix, a longer prefix beats a shorter one.
    pub fn specificity(&self, meta: &RuleMeta) -> usize {
        if self.0 == meta.code || self.0 == meta.name {
            100
        } else if self.0.eq_ignore_ascii_case("ALL") {
            0
        } else {
            self.0.len()
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    static META: RuleMeta = RuleMeta {
        code: "DJG018",
        name: "short-password-minimum",
        family: Family::Django,
        default_severity: Severity::Info,
        scope: Scope::DEPLOYED,
        raw_docs: "",
        options: &[RuleOption::integer("min-length", 1, 128, 12)],
    };

    #[test]
    fn integer_options_read_their_value_or_default() {
        let project = Project::new("/p".into(), Vec::new());
        let table: toml::Table = toml::from_str("min-length = 8\n").unwrap();
        let ctx = Ctx::new(&project, &META).with_options(Some(&table));
        assert_eq!(ctx.int_option("min-length"), 8);
        let bare = Ctx::new(&project, &META);
        assert_eq!(bare.int_option("min-length"), 12);
        let option = META.options[0];
        assert!(option.check(&toml::Value::Integer(128)).is_ok());
        assert_eq!(
            option.check(&toml::Value::Integer(500)).unwrap_err(),
            "must be from 1 to 128, found 500"
        );
        assert_eq!(
            option.check(&toml::Value::String("12".into())).unwrap_err(),
            "must be an integer from 1 to 128, found string"
        );
    }
}
