//! SARIF 2.1.0, for GitHub code scanning and other SARIF viewers.
//!
//! Columns count Unicode code points (`columnKind`), like every other format. Each result has a
//! `partialFingerprints` entry that code scanning uses to track a finding across commits; it
//! is derived from the rule, the path and the masked text of the flagged lines, never from line
//! numbers, so that adding lines above a finding does not turn it into a new one.

use std::collections::{BTreeMap, HashMap};
use std::io;

use serde::Serialize;

use super::{masked_sources, position, scrub, source, Masked, Report};
use crate::diagnostic::{Diagnostic, Severity};
use crate::project::Project;
use crate::rule::RuleMeta;
use crate::source::{FileId, SourceFile, Span};

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";
/// The key of our fingerprint; bump the suffix when the way it is computed changes.
const FINGERPRINT_KEY: &str = "shiplint/v1";

#[derive(Serialize)]
struct Log {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: Vec<Run>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run {
    tool: Tool,
    column_kind: &'static str,
    results: Vec<SarifResult>,
}

#[derive(Serialize)]
struct Tool {
    driver: Driver,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver {
    name: &'static str,
    version: &'static str,
    information_uri: &'static str,
    rules: Vec<RuleDescriptor>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct RuleDescriptor {
    id: &'static str,
    name: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    short_description: Option<Message>,
    #[serde(skip_serializing_if = "Option::is_none")]
    full_description: Option<Message>,
    #[serde(skip_serializing_if = "Option::is_none")]
    help: Option<MultiformatMessage>,
    help_uri: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    default_configuration: Option<Configuration>,
    properties: RuleProperties,
}

#[derive(Serialize)]
struct Message {
    text: String,
}

#[derive(Serialize)]
struct MultiformatMessage {
    text: String,
    markdown: String,
}

#[derive(Serialize)]
struct Configuration {
    level: &'static str,
}

#[derive(Serialize)]
struct RuleProperties {
    tags: Vec<&'static str>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult {
    rule_id: &'static str,
    rule_index: usize,
    level: &'static str,
    message: Message,
    locations: Vec<Location>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    related_locations: Vec<Location>,
    partial_fingerprints: BTreeMap<&'static str, String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Location {
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<usize>,
    physical_location: PhysicalLocation,
    #[serde(skip_serializing_if = "Option::is_none")]
    message: Option<Message>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    artifact_location: ArtifactLocation,
    region: Region,
}

#[derive(Serialize)]
struct ArtifactLocation {
    uri: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: usize,
    start_column: usize,
    end_line: usize,
    end_column: usize,
    char_offset: usize,
    char_length: usize,
}

pub(super) fn render(report: &Report<'_>, out: &mut dyn io::Write) -> io::Result<()> {
    let (rules, index) = rules(report);
    let mut regions = RegionCache::new(report.project);
    let masked = masked_sources(report);
    let mut occurrences: HashMap<u64, usize> = HashMap::new();
    let results = report
        .diagnostics
        .iter()
        .map(|d| {
            let base = fingerprint_base(report.project, d, masked[d.file].as_ref());
            let occurrence = occurrences.entry(base).or_insert(0);
            *occurrence += 1;
            let fingerprint = Fnv1a::new()
                .write_u64(base)
                .write_u64(*occurrence as u64)
                .finish();
            result(report, d, index[d.code], fingerprint, &mut regions)
        })
        .collect();
    let log = Log {
        schema: SCHEMA,
        version: "2.1.0",
        runs: vec![Run {
            tool: Tool {
                driver: Driver {
                    name: "shiplint",
                    version: crate::VERSION,
                    information_uri: information_uri(),
                    rules,
                },
            },
            column_kind: "unicodeCodePoints",
            results,
        }],
    };
    serde_json::to_writer_pretty(&mut *out, &log)?;
    out.write_all(b"\n")
}

/// The enabled rules, then any rule a diagnostic names that was not in that list (so that every
/// `ruleIndex` is valid), with the index of each code.
fn rules(report: &Report<'_>) -> (Vec<RuleDescriptor>, HashMap<&'static str, usize>) {
    let mut descriptors = Vec::new();
    let mut index = HashMap::new();
    for meta in report.rules {
        if !index.contains_key(meta.code) {
            index.insert(meta.code, descriptors.len());
            descriptors.push(described_rule(meta));
        }
    }
    for d in report.diagnostics {
        if !index.contains_key(d.code) {
            index.insert(d.code, descriptors.len());
            descriptors.push(RuleDescriptor {
                id: d.code,
                name: d.name,
                short_description: None,
                full_description: None,
                help: None,
                help_uri: format!("{}{}.md", crate::DOCS_URL_BASE, d.code),
                default_configuration: None,
                properties: RuleProperties {
                    tags: vec![d.family.as_str()],
                },
            });
        }
    }
    (descriptors, index)
}

fn described_rule(meta: &RuleMeta) -> RuleDescriptor {
    let docs = meta.docs();
    let summary = meta.summary();
    let short = if summary.is_empty() {
        meta.name.to_string()
    } else {
        summary
    };
    let full = match first_paragraph(&docs, "## Why it matters") {
        Some(why) => format!("{short} {why}"),
        None => short.clone(),
    };
    RuleDescriptor {
        id: meta.code,
        name: meta.name,
        short_description: Some(Message { text: short }),
        full_description: Some(Message { text: full }),
        help: Some(MultiformatMessage {
            text: docs.clone(),
            markdown: docs,
        }),
        help_uri: meta.url(),
        default_configuration: Some(Configuration {
            level: level(meta.default_severity),
        }),
        properties: RuleProperties {
            tags: vec![meta.family.as_str()],
        },
    }
}

/// The first paragraph under `heading`, joined into one line.
fn first_paragraph(docs: &str, heading: &str) -> Option<String> {
    let mut lines = docs.lines().skip_while(|l| l.trim() != heading);
    lines.next()?;
    let paragraph = lines
        .skip_while(|l| l.trim().is_empty())
        .take_while(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(str::trim)
        .collect::<Vec<_>>()
        .join(" ");
    (!paragraph.is_empty()).then_some(paragraph)
}

fn information_uri() -> &'static str {
    let base = crate::DOCS_URL_BASE;
    base.find("/blob/").map_or(base, |at| &base[..at])
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

fn result(
    report: &Report<'_>,
    d: &Diagnostic,
    rule_index: usize,
    fingerprint: u64,
    regions: &mut RegionCache<'_>,
) -> SarifResult {
    let project = report.project;
    let mut text = scrub(project, d, &d.message);
    if let Some(help) = &d.help {
        text.push_str("\nhelp: ");
        text.push_str(&scrub(project, d, help));
    }
    SarifResult {
        rule_id: d.code,
        rule_index,
        level: level(d.severity),
        message: Message { text },
        locations: vec![Location {
            id: None,
            physical_location: regions.location(d.file, d.span),
            message: None,
        }],
        related_locations: d
            .related
            .iter()
            .enumerate()
            .map(|(i, r)| Location {
                id: Some(i + 1),
                physical_location: regions.location(r.file, r.span),
                message: Some(Message {
                    text: scrub(project, d, &r.message),
                }),
            })
            .collect(),
        partial_fingerprints: BTreeMap::from([(FINGERPRINT_KEY, format!("{fingerprint:016x}"))]),
    }
}

/// The part of the fingerprint that identifies what was flagged: the rule, the file and the
/// trimmed text of the flagged lines, with secrets masked so the hash reveals nothing about
/// them. The occurrence counter added on top tells apart identical findings in one file.
fn fingerprint_base(project: &Project, d: &Diagnostic, masked: Option<&Masked>) -> u64 {
    let file = source(project, d.file);
    let mut hash = Fnv1a::new()
        .write(d.code.as_bytes())
        .write(&[0])
        .write(file.display_path.as_bytes())
        .write(&[0]);
    if let Some(masked) = masked {
        let span = super::clamp_span(&file.text, d.span);
        let first = file.lines.line_of(span.start);
        let last = file.lines.line_of(if span.is_empty() {
            span.start
        } else {
            span.end - 1
        });
        for line0 in first..=last {
            hash = hash
                .write(masked.line_text(line0).trim().as_bytes())
                .write(b"\n");
        }
    }
    hash.finish()
}

/// 64-bit FNV-1a: tiny, stable across platforms and releases, good enough to tell findings
/// apart (it is an identifier, not a security measure).
#[derive(Clone, Copy)]
struct Fnv1a(u64);

impl Fnv1a {
    fn new() -> Fnv1a {
        Fnv1a(0xcbf2_9ce4_8422_2325)
    }

    fn write(mut self, bytes: &[u8]) -> Fnv1a {
        for &b in bytes {
            self.0 ^= u64::from(b);
            self.0 = self.0.wrapping_mul(0x0000_0100_0000_01b3);
        }
        self
    }

    fn write_u64(self, n: u64) -> Fnv1a {
        self.write(&n.to_le_bytes())
    }

    fn finish(self) -> u64 {
        self.0
    }
}

/// Turns spans into SARIF regions; SARIF's `charOffset` counts characters from the start of
/// the file, so each file's line starts are counted in characters once.
struct RegionCache<'a> {
    project: &'a Project,
    line_chars: HashMap<FileId, Vec<usize>>,
}

impl<'a> RegionCache<'a> {
    fn new(project: &'a Project) -> RegionCache<'a> {
        RegionCache {
            project,
            line_chars: HashMap::new(),
        }
    }

    fn location(&mut self, file: FileId, span: Span) -> PhysicalLocation {
        let source = source(self.project, file);
        let span = super::clamp_span(&source.text, span);
        let start = position(source, span.start);
        let end = position(source, span.end);
        let line_chars = self
            .line_chars
            .entry(file)
            .or_insert_with(|| chars_at_line_starts(source));
        let line_start = source.lines.line_start(start.line - 1);
        let char_offset =
            line_chars[start.line - 1] + source.text[line_start..span.start].chars().count();
        PhysicalLocation {
            artifact_location: ArtifactLocation {
                uri: source.display_path.clone(),
            },
            region: Region {
                start_line: start.line,
                start_column: start.column,
                end_line: end.line,
                end_column: end.column,
                char_offset,
                char_length: source.text[span.range()].chars().count(),
            },
        }
    }
}

fn chars_at_line_starts(source: &SourceFile) -> Vec<usize> {
    let mut counts = Vec::with_capacity(source.lines.line_count());
    let mut chars = 0;
    let mut previous = 0;
    for line0 in 0..source.lines.line_count() {
        let start = source.lines.line_start(line0);
        chars += source.text[previous..start].chars().count();
        counts.push(chars);
        previous = start;
    }
    counts
}
