//! The `shiplint` command line.

use std::io::{IsTerminal, Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

use shiplint::config::{Config, RuleSelection};
use shiplint::diagnostic::Severity;
use shiplint::engine::{self, RunOptions};
use shiplint::render::{self, Format, RenderOptions, Report};
use shiplint::rule::{RuleMeta, Selector};

#[derive(Parser)]
#[command(
    name = "shiplint",
    version,
    about = "Static deployment-readiness linter for Compose, env files, PgBouncer, Prometheus, Grafana and Django settings"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Check files and directories (default: the current directory).
    Check(CheckArgs),
    /// List every rule with its metadata.
    Rules {
        #[arg(long, value_enum, default_value_t = ListFormat::Text)]
        format: ListFormat,
    },
    /// Print a rule's documentation.
    Explain {
        /// A rule code (CMP001) or name (fallback-secret).
        rule: String,
    },
}

#[derive(clap::Args)]
struct CheckArgs {
    /// Files and directories to check.
    paths: Vec<PathBuf>,
    #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
    format: OutputFormat,
    /// Exit with status 1 when a finding at or above this severity is reported [default: warning].
    #[arg(long, value_enum)]
    fail_on: Option<FailOn>,
    /// Rules to enable, replacing the configured selection (codes, prefixes or names).
    #[arg(long, value_delimiter = ',')]
    select: Option<Vec<String>>,
    /// Rules to enable in addition to the selection.
    #[arg(long, value_delimiter = ',')]
    extend_select: Vec<String>,
    /// Rules to disable.
    #[arg(long, value_delimiter = ',')]
    ignore: Vec<String>,
    /// Use this configuration file instead of searching for one.
    #[arg(long)]
    config: Option<PathBuf>,
    /// Lint standard input as if it were this file, reading the rest of the project as context.
    #[arg(long)]
    stdin_filename: Option<PathBuf>,
    /// Never colour the text output.
    #[arg(long)]
    no_color: bool,
    /// Print findings only, without the summary line.
    #[arg(long, short)]
    quiet: bool,
}

#[derive(Clone, Copy, ValueEnum)]
enum OutputFormat {
    Text,
    Json,
    Sarif,
    Github,
}

#[derive(Clone, Copy, ValueEnum)]
enum ListFormat {
    Text,
    Json,
}

#[derive(Clone, Copy, ValueEnum)]
enum FailOn {
    Error,
    Warning,
    Info,
    Never,
}

impl FailOn {
    fn threshold(self) -> Option<Severity> {
        match self {
            FailOn::Error => Some(Severity::Error),
            FailOn::Warning => Some(Severity::Warning),
            FailOn::Info => Some(Severity::Info),
            FailOn::Never => None,
        }
    }
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            use clap::error::ErrorKind;
            if matches!(e.kind(), ErrorKind::DisplayHelp | ErrorKind::DisplayVersion)
                || matches!(
                    e.kind(),
                    ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
                )
            {
                let _ = e.print();
                return if e.kind() == ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand {
                    ExitCode::from(2)
                } else {
                    ExitCode::SUCCESS
                };
            }
            let rendered = e.render().to_string();
            let first = rendered.lines().next().unwrap_or("invalid arguments");
            let first = first.strip_prefix("error: ").unwrap_or(first);
            eprintln!("shiplint: error: {first} (see shiplint --help)");
            return ExitCode::from(2);
        }
    };
    let result = match cli.command {
        Command::Check(args) => check(args),
        Command::Rules { format } => list_rules(format),
        Command::Explain { rule } => explain(&rule),
    };
    match result {
        Ok(code) => code,
        Err(message) => {
            eprintln!("shiplint: error: {message}");
            ExitCode::from(2)
        }
    }
}

fn selectors(list: &[String], metas: &[&'static RuleMeta]) -> Result<Vec<Selector>, String> {
    list.iter().map(|s| Selector::parse(s, metas)).collect()
}

fn check(args: CheckArgs) -> Result<ExitCode, String> {
    let cwd =
        std::env::current_dir().map_err(|e| format!("cannot read the current directory: {e}"))?;
    let metas = shiplint::rules::metas();
    let mut paths = args.paths.clone();
    if paths.is_empty() && args.stdin_filename.is_none() {
        paths.push(PathBuf::from("."));
    }
    let config = match &args.config {
        Some(path) => Config::load(path, &metas).map_err(|e| e.to_string())?,
        None => {
            let start = paths
                .first()
                .or(args.stdin_filename.as_ref())
                .map(|p| cwd.join(p))
                .unwrap_or_else(|| cwd.clone());
            Config::discover(&start, &metas)
                .map_err(|e| e.to_string())?
                .unwrap_or_default()
        }
    };
    let cli_selection = RuleSelection {
        select: args
            .select
            .as_deref()
            .map(|s| selectors(s, &metas))
            .transpose()?,
        extend_select: selectors(&args.extend_select, &metas)?,
        ignore: selectors(&args.ignore, &metas)?,
        under: None,
    };
    let selection = RuleSelection::merged(&config, &cli_selection);
    let rules: Vec<_> = shiplint::rules::all()
        .into_iter()
        .filter(|r| selection.enabled(r.meta()))
        .collect();
    let stdin = match &args.stdin_filename {
        Some(path) => {
            let mut text = String::new();
            std::io::stdin()
                .read_to_string(&mut text)
                .map_err(|e| format!("cannot read standard input: {e}"))?;
            Some((path.clone(), text))
        }
        None => None,
    };
    let fail_on = match args.fail_on {
        Some(f) => f.threshold(),
        None => config.fail_on().unwrap_or(Some(Severity::Warning)),
    };
    let options = RunOptions {
        paths,
        stdin,
        config,
        rules: rules.clone(),
        size_limit: engine::DEFAULT_SIZE_LIMIT,
        cwd,
    };
    let outcome = engine::run(&options).map_err(|e| e.to_string())?;
    let enabled: Vec<&'static RuleMeta> = rules.iter().map(|r| r.meta()).collect();
    let report = Report {
        project: &outcome.project,
        diagnostics: &outcome.diagnostics,
        rules: &enabled,
        files_checked: outcome.files_checked,
    };
    let format = match args.format {
        OutputFormat::Text => Format::Text,
        OutputFormat::Json => Format::Json,
        OutputFormat::Sarif => Format::Sarif,
        OutputFormat::Github => Format::Github,
    };
    let color =
        !args.no_color && std::env::var_os("NO_COLOR").is_none() && std::io::stdout().is_terminal();
    let render_options = RenderOptions {
        color,
        quiet: args.quiet,
    };
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    render::render(format, &report, &render_options, &mut out)
        .and_then(|()| out.flush())
        .map_err(|e| format!("cannot write the report: {e}"))?;
    let failed = fail_on.is_some_and(|t| outcome.diagnostics.iter().any(|d| d.severity >= t));
    Ok(if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn list_rules(format: ListFormat) -> Result<ExitCode, String> {
    let metas = shiplint::rules::metas();
    let mut out = String::new();
    match format {
        ListFormat::Json => {
            let rules: Vec<_> = metas.iter().map(|m| rule_json(m)).collect();
            out = serde_json::to_string_pretty(&rules).map_err(|e| e.to_string())? + "\n";
        }
        ListFormat::Text => {
            for m in &metas {
                out.push_str(&format!(
                    "{:<7} {:<28} {:<12} {:<8} {}\n",
                    m.code,
                    m.name,
                    m.family.as_str(),
                    m.default_severity.as_str(),
                    m.summary()
                ));
            }
        }
    }
    print!("{out}");
    Ok(ExitCode::SUCCESS)
}

fn rule_json(m: &RuleMeta) -> serde_json::Value {
    let environments: serde_json::Map<String, serde_json::Value> = m
        .scope
        .describe(m.default_severity)
        .into_iter()
        .map(|(env, sev)| {
            (
                env.as_str().to_string(),
                sev.map_or(serde_json::Value::Null, |s| s.as_str().into()),
            )
        })
        .collect();
    serde_json::json!({
        "code": m.code,
        "name": m.name,
        "family": m.family.as_str(),
        "default_severity": m.default_severity.as_str(),
        "environments": environments,
        "summary": m.summary(),
        "docs": m.docs(),
        "url": m.url(),
    })
}

fn explain(rule: &str) -> Result<ExitCode, String> {
    let metas = shiplint::rules::metas();
    let meta = metas
        .iter()
        .find(|m| m.code.eq_ignore_ascii_case(rule) || m.name == rule)
        .ok_or_else(|| format!("unknown rule `{rule}` (see shiplint rules)"))?;
    println!(
        "{} {} ({}, {} by default)\n",
        meta.code,
        meta.name,
        meta.family.as_str(),
        meta.default_severity.as_str()
    );
    print!("{}", meta.docs());
    Ok(ExitCode::SUCCESS)
}
