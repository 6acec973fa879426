//! Dockerfile facts: not a Dockerfile linter, but what the other rules need to know about the
//! image a Dockerfile builds — its stages, users, working directories, volumes, the directories
//! its `RUN` steps create, what it copies where, its ports, command and health check.
//!
//! The reader follows BuildKit's: parser directives (`# escape=`), `\` continuations (comment and
//! blank lines inside a continuation are dropped), heredocs (`RUN <<EOF`, `COPY <<EOF path`),
//! JSON exec form, case-insensitive keywords, multi-stage builds with `FROM <stage>`
//! inheritance, and `$VAR` / `${VAR}` / `${VAR:-default}` substitution from `ARG` defaults and
//! `ENV` values. What cannot be known statically (variables from the base image, `$(…)`) is
//! kept as written and never guessed.

use super::ParseIssue;
use crate::source::Span;

/// The `stage` of instructions that come before the first `FROM` (global `ARG`s).
pub const GLOBAL_SCOPE: usize = usize::MAX;

/// A parsed Dockerfile.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Dockerfile {
    pub instructions: Vec<Instruction>,
    pub stages: Vec<Stage>,
    /// The escape character (`\`, or `` ` `` with `# escape=` `` ` ``).
    pub escape: char,
}

/// One instruction, its continuation lines joined.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Instruction {
    /// Uppercase keyword (`RUN`).
    pub keyword: String,
    pub keyword_span: Span,
    /// The arguments, continuation lines joined (escape character and newline removed), trimmed.
    pub args: String,
    /// From the first to the last byte of the arguments in the file.
    pub args_span: Span,
    /// The whole instruction, heredoc bodies included.
    pub span: Span,
    /// Index into [`Dockerfile::stages`], or [`GLOBAL_SCOPE`] before the first `FROM`.
    pub stage: usize,
    /// Heredocs that follow the instruction, in order.
    pub heredocs: Vec<Heredoc>,
}

/// A heredoc body (`<<EOF` … `EOF`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Heredoc {
    pub name: String,
    /// The body, each line ending in `\n` (leading tabs removed for `<<-`).
    pub body: String,
    /// The body lines in the file, terminator excluded.
    pub body_span: Span,
}

/// What one build stage produces. A stage built `FROM` an earlier stage starts with that
/// stage's facts (everything but its `ARG`s, which Docker scopes to a stage).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Stage {
    /// The `FROM` instruction.
    pub from: Span,
    /// The image, with global `ARG` defaults substituted.
    pub image: String,
    pub image_span: Span,
    /// `AS name`, as written.
    pub name: Option<String>,
    /// The earlier stage this one is built from.
    pub parent: Option<usize>,
    /// The last `USER`, substituted.
    pub user: Option<(String, Span)>,
    /// The last `WORKDIR`, absolute.
    pub workdir: Option<(String, Span)>,
    /// Every `WORKDIR`, absolute, in order.
    pub workdirs: Vec<(String, Span)>,
    /// `VOLUME` paths, absolute, each with its own span.
    pub volumes: Vec<(String, Span)>,
    /// The last `HEALTHCHECK`.
    pub healthcheck: Option<Healthcheck>,
    /// Absolute directories created by `WORKDIR`, `RUN mkdir [-p]` and `RUN install -d`, each
    /// with the span of the path as written. A created directory implies its parents exist.
    pub created_dirs: Vec<(String, Span)>,
    /// `COPY` and `ADD` instructions.
    pub copies: Vec<Copy>,
    /// `EXPOSE`d ports with their protocol (`tcp` unless written).
    pub expose: Vec<(u16, String, Span)>,
    pub cmd: Option<Command>,
    pub entrypoint: Option<Command>,
    /// `ENV` pairs in order; the span covers `KEY=value`.
    pub env: Vec<(String, String, Span)>,
    /// `ARG`s of this stage with their default (a global default when the stage re-declares a
    /// global `ARG` without one).
    pub args: Vec<(String, Option<String>, Span)>,
}

/// A `HEALTHCHECK`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Healthcheck {
    /// `HEALTHCHECK NONE`: the check inherited from the base image is switched off.
    pub none: bool,
    pub span: Span,
}

/// A `COPY` or `ADD`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Copy {
    /// Sources as written after substitution (`<<EOF` for a heredoc).
    pub sources: Vec<String>,
    /// The destination, absolute, without a trailing `/`.
    pub dest: String,
    pub dest_span: Span,
    /// Whether `dest` is a directory: it ends in `/`, there are several sources, or a source is
    /// a directory or a glob. A destination that may be a file only creates its parent.
    pub dest_is_dir: bool,
    /// `--from=`.
    pub from: Option<String>,
    /// `--chown=`.
    pub chown: Option<String>,
    /// The instruction.
    pub span: Span,
}

/// `CMD` or `ENTRYPOINT`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Command {
    /// JSON exec form. Otherwise Docker runs the text with `/bin/sh -c`, and `argv` holds its
    /// shell words (operators such as `&&` included as words, variables left as written).
    pub exec_form: bool,
    pub argv: Vec<String>,
    /// The arguments.
    pub span: Span,
}

impl Dockerfile {
    /// The stage `docker build` builds by default: the last one.
    pub fn final_stage(&self) -> Option<&Stage> {
        self.stages.last()
    }

    /// A stage by `AS` name (case-insensitive, as Docker compares them) or by index (`"0"`, as in
    /// `COPY --from=0`).
    pub fn stage(&self, name: &str) -> Option<&Stage> {
        self.stage_index(name).map(|i| &self.stages[i])
    }

    fn stage_index(&self, name: &str) -> Option<usize> {
        self.stages
            .iter()
            .position(|s| {
                s.name
                    .as_deref()
                    .is_some_and(|n| n.eq_ignore_ascii_case(name))
            })
            .or_else(|| {
                name.parse::<usize>()
                    .ok()
                    .filter(|&i| i < self.stages.len())
            })
    }

    /// Whether `path` exists as a directory in `stage`'s image as far as this Dockerfile shows:
    /// it, or a path below it, is created by `WORKDIR`, `mkdir`, `install -d` or `VOLUME`, or
    /// is (or is above) a `COPY` destination directory. A created parent does not make a child
    /// exist. `$VAR`s in `path` are substituted from the stage's `ARG`s and `ENV`; a relative
    /// path is resolved against the stage's last `WORKDIR`.
    pub fn creates_dir(&self, stage: &Stage, path: &str) -> bool {
        let vars = StageVars::of(stage);
        let (expanded, _) = expand_word(path, '\\', &|n| vars.get(n));
        let cwd = stage.workdir.as_ref().map_or("/", |(w, _)| w.as_str());
        let p = resolve(cwd, &expanded);
        if p == "/" {
            return true;
        }
        let covers = |dir: &str| {
            dir == p
                || dir.len() > p.len() && dir.starts_with(&p) && dir[p.len()..].starts_with('/')
        };
        stage.created_dirs.iter().any(|(d, _)| covers(d))
            || stage.workdirs.iter().any(|(d, _)| covers(d))
            || stage.volumes.iter().any(|(d, _)| covers(d))
            || stage.copies.iter().any(|c| {
                if c.dest_is_dir {
                    covers(&c.dest)
                } else {
                    covers(parent(&c.dest))
                }
            })
    }

    /// The last `COPY`/`ADD` whose destination directory lies above `path`: the directory may
    /// then come from the copied tree (the build context, or another stage), which this file
    /// alone cannot tell.
    pub fn copied_into<'a>(&self, stage: &'a Stage, path: &str) -> Option<&'a Copy> {
        let vars = StageVars::of(stage);
        let (expanded, _) = expand_word(path, '\\', &|n| vars.get(n));
        let cwd = stage.workdir.as_ref().map_or("/", |(w, _)| w.as_str());
        let p = resolve(cwd, &expanded);
        stage.copies.iter().rev().find(|c| {
            c.dest_is_dir
                && (c.dest == "/" && p != "/"
                    || p.len() > c.dest.len()
                        && p.starts_with(&c.dest)
                        && p[c.dest.len()..].starts_with('/'))
        })
    }
}

// ---------------------------------------------------------------------------------------------
// Reading instructions
// ---------------------------------------------------------------------------------------------

const KEYWORDS: &[&str] = &[
    "ADD",
    "ARG",
    "CMD",
    "COPY",
    "ENTRYPOINT",
    "ENV",
    "EXPOSE",
    "FROM",
    "HEALTHCHECK",
    "LABEL",
    "MAINTAINER",
    "ONBUILD",
    "RUN",
    "SHELL",
    "STOPSIGNAL",
    "USER",
    "VOLUME",
    "WORKDIR",
];

/// Maps offsets in joined argument text back to the file.
#[derive(Clone, Debug)]
enum SpanMap {
    /// Contiguous pieces: (offset in the text, offset in the file, length).
    Segments(Vec<(usize, usize, usize)>),
    /// Everything maps to one span (text rebuilt from escapes or substitutions).
    Fixed(Span),
}

impl SpanMap {
    /// The file offset of text offset `at`; an end offset maps to the end of the piece before.
    fn offset(&self, at: usize, is_end: bool) -> usize {
        match self {
            SpanMap::Fixed(s) => {
                if is_end {
                    s.end
                } else {
                    s.start
                }
            }
            SpanMap::Segments(segs) => {
                let found = if is_end {
                    segs.iter().find(|&&(t, _, len)| t < at && at <= t + len)
                } else {
                    segs.iter().find(|&&(t, _, len)| at >= t && at < t + len)
                };
                match (found, segs.first(), segs.last()) {
                    (Some(&(t, f, _)), _, _) => f + (at - t),
                    (None, Some(&(t, f, _)), _) if at <= t => f,
                    (None, _, Some(&(_, f, len))) => f + len,
                    (None, _, None) => 0,
                }
            }
        }
    }

    fn span(&self, start: usize, end: usize) -> Span {
        let s = self.offset(start, false);
        let e = if end > start {
            self.offset(end, true)
        } else {
            s
        };
        Span::new(s, e.max(s))
    }

    /// The map of `text[start..]`.
    fn sub(&self, start: usize) -> SpanMap {
        match self {
            SpanMap::Fixed(s) => SpanMap::Fixed(*s),
            SpanMap::Segments(segs) => SpanMap::Segments(
                segs.iter()
                    .filter(|&&(t, _, len)| t + len > start)
                    .map(|&(t, f, len)| {
                        if t >= start {
                            (t - start, f, len)
                        } else {
                            (0, f + (start - t), len - (start - t))
                        }
                    })
                    .collect(),
            ),
        }
    }
}

struct LineRec {
    start: usize,
    /// Content end, without `\r\n`.
    end: usize,
}

fn split_lines(text: &str) -> Vec<LineRec> {
    let mut out = Vec::new();
    let mut start = 0;
    while start < text.len() {
        let rest = &text[start..];
        let (len, next) = match rest.find('\n') {
            Some(n) => (n, start + n + 1),
            None => (rest.len(), text.len()),
        };
        let content = &rest[..len];
        let content = content.strip_suffix('\r').unwrap_or(content);
        out.push(LineRec {
            start,
            end: start + content.len(),
        });
        start = next;
    }
    out
}

fn is_blank(c: char) -> bool {
    c == ' ' || c == '\t'
}

/// Parses a Dockerfile. Never panics.
pub fn parse(text: &str) -> (Dockerfile, Vec<ParseIssue>) {
    let mut issues = Vec::new();
    let lines = split_lines(text);
    let line_text = |l: &LineRec| &text[l.start..l.end];
    let mut escape = '\\';
    let mut li = 0;

    // Parser directives: only at the very top, before any comment, blank line or instruction.
    let mut seen_directives: Vec<String> = Vec::new();
    while li < lines.len() {
        let mut s = line_text(&lines[li]);
        let mut base = lines[li].start;
        if li == 0 && s.starts_with('\u{feff}') {
            s = &s[3..];
            base += 3;
        }
        let Some((key, value, value_at)) = directive(s) else {
            break;
        };
        let key = key.to_ascii_lowercase();
        if !["syntax", "escape", "check"].contains(&key.as_str()) || seen_directives.contains(&key)
        {
            break;
        }
        if key == "escape" {
            match value {
                "\\" => escape = '\\',
                "`" => escape = '`',
                _ => issues.push(ParseIssue::new(
                    Span::new(base + value_at, base + value_at + value.len()),
                    "the escape character must be `\\` or `` ` ``",
                )),
            }
        }
        seen_directives.push(key);
        li += 1;
    }

    let mut raw: Vec<(Instruction, SpanMap)> = Vec::new();
    while li < lines.len() {
        let line = &lines[li];
        let mut s = line_text(line);
        let mut base = line.start;
        if li == 0 && s.starts_with('\u{feff}') {
            s = &s[3..];
            base += 3;
        }
        let lead = s.len() - s.trim_start_matches(|c: char| c.is_whitespace()).len();
        let body = &s[lead..];
        if body.is_empty() || body.starts_with('#') {
            li += 1;
            continue;
        }
        let kw_len = body.find(char::is_whitespace).unwrap_or(body.len());
        let kw_start = base + lead;
        let keyword_span = Span::new(kw_start, kw_start + kw_len);
        let keyword = body[..kw_len].to_ascii_uppercase();

        // Arguments, with continuation lines.
        let mut args = String::new();
        let mut segs: Vec<(usize, usize, usize)> = Vec::new();
        let mut piece_start = kw_start + kw_len;
        let first = &text[piece_start..line.end];
        let skip = first.len() - first.trim_start_matches(is_blank).len();
        piece_start += skip;
        let mut piece_end = line.end;
        let mut last_line = li;
        loop {
            let piece = &text[piece_start..piece_end];
            let trimmed = piece.trim_end_matches(is_blank);
            let continued = trimmed.ends_with(escape);
            let keep = if continued {
                &trimmed[..trimmed.len() - escape.len_utf8()]
            } else {
                trimmed
            };
            if !keep.is_empty() {
                segs.push((args.len(), piece_start, keep.len()));
                args.push_str(keep);
            }
            if !continued {
                break;
            }
            // Skip comment and blank lines inside the continuation.
            let mut next = last_line + 1;
            while next < lines.len() {
                let t = line_text(&lines[next]).trim_start();
                if t.is_empty() || t.starts_with('#') {
                    next += 1;
                } else {
                    break;
                }
            }
            if next >= lines.len() {
                break;
            }
            last_line = next;
            piece_start = lines[next].start;
            piece_end = lines[next].end;
        }
        let trimmed_len = args.trim_end().len();
        args.truncate(trimmed_len);
        let map = SpanMap::Segments(segs);
        let args_span = if args.is_empty() {
            Span::empty(keyword_span.end)
        } else {
            map.span(0, args.len())
        };
        let mut end = lines[last_line].end;
        li = last_line + 1;

        // Heredocs: bodies follow the instruction line, in the order their markers appear.
        let mut heredocs = Vec::new();
        if matches!(keyword.as_str(), "RUN" | "COPY" | "ADD") {
            for (name, strip_tabs, marker) in heredoc_markers(&args, escape) {
                let body_start = lines.get(li).map_or(text.len(), |l| l.start);
                let mut body = String::new();
                let mut closed = false;
                let mut body_end = body_start;
                while li < lines.len() {
                    let l = line_text(&lines[li]);
                    let cmp = if strip_tabs {
                        l.trim_start_matches('\t')
                    } else {
                        l
                    };
                    if cmp == name {
                        closed = true;
                        end = lines[li].end;
                        li += 1;
                        break;
                    }
                    body.push_str(cmp);
                    body.push('\n');
                    body_end = lines[li].end;
                    end = lines[li].end;
                    li += 1;
                }
                if !closed {
                    issues.push(ParseIssue::new(
                        map.span(marker.0, marker.1),
                        format!("heredoc `{name}` is never closed by a line `{name}`"),
                    ));
                }
                heredocs.push(Heredoc {
                    name,
                    body,
                    body_span: Span::new(body_start, body_end.max(body_start)),
                });
            }
        }

        raw.push((
            Instruction {
                keyword,
                keyword_span,
                args,
                args_span,
                span: Span::new(kw_start, end.max(kw_start)),
                stage: GLOBAL_SCOPE,
                heredocs,
            },
            map,
        ));
    }

    let mut file = Dockerfile {
        instructions: Vec::new(),
        stages: Vec::new(),
        escape,
    };
    let mut b = Builder {
        escape,
        global_args: Vec::new(),
        issues: &mut issues,
    };
    for (mut ins, map) in raw {
        b.instruction(&mut file, &mut ins, &map);
        file.instructions.push(ins);
    }
    (file, issues)
}

/// `# key=value` → (key, value, offset of value in the line).
fn directive(line: &str) -> Option<(&str, &str, usize)> {
    let rest = line.strip_prefix('#')?;
    let k0 = rest.len() - rest.trim_start_matches(is_blank).len();
    let after = &rest[k0..];
    let klen = after
        .find(|c: char| !c.is_ascii_alphanumeric())
        .unwrap_or(after.len());
    if klen == 0 {
        return None;
    }
    let key = &after[..klen];
    let rest2 = after[klen..].trim_start_matches(is_blank);
    let rest2 = rest2.strip_prefix('=')?;
    let v = rest2.trim_start_matches(is_blank);
    let value = v.trim_end();
    let value_at = line.len() - v.len();
    Some((key, value, value_at))
}

/// Unquoted `<<EOF`, `<<-EOF`, `<<"EOF"`, `<<'EOF'` words: (name, strip tabs, marker range).
fn heredoc_markers(args: &str, escape: char) -> Vec<(String, bool, (usize, usize))> {
    let mut out = Vec::new();
    let mut quote: Option<char> = None;
    let mut prev_ws = true;
    let mut it = args.char_indices().peekable();
    while let Some((i, c)) = it.next() {
        if let Some(q) = quote {
            if c == q {
                quote = None;
            } else if c == escape && q == '"' {
                it.next();
            }
            prev_ws = false;
            continue;
        }
        if c == escape {
            it.next();
            prev_ws = false;
            continue;
        }
        if c == '\'' || c == '"' {
            quote = Some(c);
            prev_ws = false;
            continue;
        }
        if c == '<' && prev_ws && args[i..].starts_with("<<") && !args[i..].starts_with("<<<") {
            let mut j = i + 2;
            let strip = args[j..].starts_with('-');
            if strip {
                j += 1;
            }
            let q = args[j..].chars().next().filter(|c| *c == '"' || *c == '\'');
            if q.is_some() {
                j += 1;
            }
            let name_len = args[j..]
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(args.len() - j);
            if name_len > 0 {
                let name = args[j..j + name_len].to_string();
                let mut end = j + name_len;
                if let Some(q) = q {
                    if args[end..].starts_with(q) {
                        end += 1;
                    } else {
                        prev_ws = false;
                        continue;
                    }
                }
                out.push((name, strip, (i, end)));
                while it.peek().is_some_and(|&(k, _)| k < end) {
                    it.next();
                }
                prev_ws = false;
                continue;
            }
        }
        prev_ws = c.is_whitespace();
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Words and substitution
// ---------------------------------------------------------------------------------------------

/// Splits Dockerfile arguments on unquoted whitespace: ranges into `args`.
fn split_words(args: &str, escape: char) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start: Option<usize> = None;
    let mut quote: Option<char> = None;
    let mut it = args.char_indices();
    while let Some((i, c)) = it.next() {
        if quote.is_none() && c.is_whitespace() {
            if let Some(s) = start.take() {
                out.push((s, i));
            }
            continue;
        }
        if start.is_none() {
            start = Some(i);
        }
        match quote {
            Some(q) if c == q => quote = None,
            Some('"') if c == escape => {
                it.next();
            }
            Some(_) => {}
            None if c == escape => {
                it.next();
            }
            None if c == '"' || c == '\'' => quote = Some(c),
            None => {}
        }
    }
    if let Some(s) = start {
        out.push((s, args.len()));
    }
    out
}

type Lookup<'a> = &'a dyn Fn(&str) -> Option<String>;

/// Dockerfile word processing: quotes removed, escapes applied, variables substituted.
/// Returns the value and whether every variable was known.
fn expand_word(raw: &str, escape: char, vars: Lookup) -> (String, bool) {
    expand_word_at(raw, escape, vars, 0)
}

/// Nesting limit for `${A:-${B:-…}}`: deeper text is kept as written.
const MAX_EXPANSION_DEPTH: usize = 8;

/// Longest `${…}` looked for: a longer one is not a variable reference.
const MAX_BRACED_LEN: usize = 256;

fn expand_word_at(raw: &str, escape: char, vars: Lookup, depth: usize) -> (String, bool) {
    let mut out = String::new();
    let mut resolved = true;
    let mut quote: Option<char> = None;
    let mut i = 0;
    while let Some(c) = raw[i..].chars().next() {
        let n = c.len_utf8();
        match quote {
            Some('\'') => {
                if c == '\'' {
                    quote = None;
                } else {
                    out.push(c);
                }
                i += n;
            }
            Some(_) => {
                if c == '"' {
                    quote = None;
                    i += n;
                } else if c == escape {
                    match raw[i + n..].chars().next() {
                        Some(d) if d == '"' || d == '$' || d == escape => {
                            out.push(d);
                            i += n + d.len_utf8();
                        }
                        _ => {
                            out.push(c);
                            i += n;
                        }
                    }
                } else if c == '$' {
                    i = expand_dollar(raw, i, vars, &mut out, &mut resolved, depth);
                } else {
                    out.push(c);
                    i += n;
                }
            }
            None => {
                if c == '\'' || c == '"' {
                    quote = Some(c);
                    i += n;
                } else if c == escape {
                    match raw[i + n..].chars().next() {
                        Some(d) => {
                            out.push(d);
                            i += n + d.len_utf8();
                        }
                        None => i += n,
                    }
                } else if c == '$' {
                    i = expand_dollar(raw, i, vars, &mut out, &mut resolved, depth);
                } else {
                    out.push(c);
                    i += n;
                }
            }
        }
    }
    (out, resolved)
}

/// Expands the `$…` at `raw[i]`, appending to `out`; returns the offset after it. Unknown
/// variables and command substitutions are appended as written and clear `resolved`.
fn expand_dollar(
    raw: &str,
    i: usize,
    vars: Lookup,
    out: &mut String,
    resolved: &mut bool,
    depth: usize,
) -> usize {
    let rest = &raw[i + 1..];
    let name_len = |s: &str| {
        let mut n = 0;
        for (k, c) in s.char_indices() {
            let ok = c == '_' || c.is_ascii_alphabetic() || k > 0 && c.is_ascii_digit();
            if !ok {
                break;
            }
            n = k + 1;
        }
        n
    };
    if let Some(inner_start) = rest.strip_prefix('{') {
        let window = &inner_start[..floor_char_boundary(inner_start, MAX_BRACED_LEN)];
        let close = matching(window, '{', '}').filter(|_| depth < MAX_EXPANSION_DEPTH);
        let Some(close) = close else {
            out.push('$');
            return i + 1;
        };
        let inner = &inner_start[..close];
        let end = i + 2 + close + 1;
        let nl = name_len(inner);
        let name = &inner[..nl];
        let op = &inner[nl..];
        let value = if nl == 0 { None } else { vars(name) };
        let word = |w: &str, resolved: &mut bool| {
            let (v, ok) = expand_word_at(w, '\\', vars, depth + 1);
            if !ok {
                *resolved = false;
            }
            v
        };
        let result = if op.is_empty() {
            value
        } else if let Some(w) = op.strip_prefix(":-") {
            match value {
                Some(v) if !v.is_empty() => Some(v),
                Some(_) => Some(word(w, resolved)),
                None => Some(word(w, resolved)),
            }
        } else if let Some(w) = op.strip_prefix(":+") {
            value.map(|v| {
                if v.is_empty() {
                    String::new()
                } else {
                    word(w, resolved)
                }
            })
        } else if let Some(w) = op.strip_prefix('-') {
            Some(value.unwrap_or_else(|| word(w, resolved)))
        } else if let Some(w) = op.strip_prefix('+') {
            value.map(|_| word(w, resolved))
        } else {
            None
        };
        match result {
            Some(v) => out.push_str(&v),
            None => {
                *resolved = false;
                out.push_str(&raw[i..end]);
            }
        }
        end
    } else if let Some(inner) = rest.strip_prefix('(') {
        let end = match matching(inner, '(', ')') {
            Some(close) => i + 2 + close + 1,
            None => raw.len(),
        };
        *resolved = false;
        out.push_str(&raw[i..end]);
        end
    } else {
        let nl = name_len(rest);
        if nl > 0 {
            let name = &rest[..nl];
            match vars(name) {
                Some(v) => out.push_str(&v),
                None => {
                    *resolved = false;
                    out.push_str(&raw[i..i + 1 + nl]);
                }
            }
            i + 1 + nl
        } else if let Some(c) = rest
            .chars()
            .next()
            .filter(|c| "@*#?$!-0123456789".contains(*c))
        {
            *resolved = false;
            out.push('$');
            out.push(c);
            i + 1 + c.len_utf8()
        } else {
            out.push('$');
            i + 1
        }
    }
}

fn floor_char_boundary(s: &str, mut at: usize) -> usize {
    if at >= s.len() {
        return s.len();
    }
    while !s.is_char_boundary(at) {
        at -= 1;
    }
    at
}

/// Offset of the `close` matching an already-consumed `open` in `s`.
fn matching(s: &str, open: char, close: char) -> Option<usize> {
    let mut depth = 0usize;
    for (k, c) in s.char_indices() {
        if c == open {
            depth += 1;
        } else if c == close {
            if depth == 0 {
                return Some(k);
            }
            depth -= 1;
        }
    }
    None
}

/// A JSON string in an exec-form array: value, content range in the text, and whether the
/// content is the value byte for byte (no escapes).
struct JsonStr {
    value: String,
    start: usize,
    end: usize,
    verbatim: bool,
}

/// `["a", "b"]` with positions; `None` when it is not a JSON array of strings (Docker then uses
/// the shell form).
fn json_array(s: &str) -> Option<Vec<JsonStr>> {
    let b = s.as_bytes();
    let ws = |mut i: usize| {
        while i < b.len() && matches!(b[i], b' ' | b'\t' | b'\n' | b'\r') {
            i += 1;
        }
        i
    };
    let mut i = ws(0);
    if b.get(i) != Some(&b'[') {
        return None;
    }
    i = ws(i + 1);
    let mut out = Vec::new();
    if b.get(i) == Some(&b']') {
        return (ws(i + 1) == b.len()).then_some(out);
    }
    loop {
        if b.get(i) != Some(&b'"') {
            return None;
        }
        let start = i + 1;
        let mut j = start;
        let mut value = String::new();
        let mut verbatim = true;
        loop {
            let c = s[j..].chars().next()?;
            match c {
                '"' => break,
                '\\' => {
                    verbatim = false;
                    let e = s[j + 1..].chars().next()?;
                    j += 2;
                    match e {
                        '"' => value.push('"'),
                        '\\' => value.push('\\'),
                        '/' => value.push('/'),
                        'b' => value.push('\u{8}'),
                        'f' => value.push('\u{c}'),
                        'n' => value.push('\n'),
                        'r' => value.push('\r'),
                        't' => value.push('\t'),
                        'u' => {
                            let hex = s.get(j..j + 4)?;
                            let code = u32::from_str_radix(hex, 16).ok()?;
                            value.push(char::from_u32(code).unwrap_or('\u{fffd}'));
                            j += 4;
                        }
                        _ => return None,
                    }
                }
                c if (c as u32) < 0x20 => return None,
                c => {
                    value.push(c);
                    j += c.len_utf8();
                }
            }
        }
        out.push(JsonStr {
            value,
            start,
            end: j,
            verbatim,
        });
        i = ws(j + 1);
        match b.get(i) {
            Some(b',') => i = ws(i + 1),
            Some(b']') => return (ws(i + 1) == b.len()).then_some(out),
            _ => return None,
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Paths
// ---------------------------------------------------------------------------------------------

/// `path` made absolute against `cwd` and normalised (`.`, `..`, `//`, trailing `/`).
fn resolve(cwd: &str, path: &str) -> String {
    let joined = if path.starts_with('/') {
        path.to_string()
    } else {
        format!("{cwd}/{path}")
    };
    let mut parts: Vec<&str> = Vec::new();
    for part in joined.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            p => parts.push(p),
        }
    }
    format!("/{}", parts.join("/"))
}

fn parent(path: &str) -> &str {
    match path.rfind('/') {
        Some(0) | None => "/",
        Some(i) => &path[..i],
    }
}

/// `/a/{b,c}/d` → `/a/b/d`, `/a/c/d` (nested and repeated groups too; capped).
fn brace_expand(word: &str) -> Vec<String> {
    let mut out = vec![word.to_string()];
    for _ in 0..8 {
        let mut changed = false;
        let mut next = Vec::new();
        for w in &out {
            match first_brace_group(w) {
                Some((open, close, alts)) => {
                    changed = true;
                    for alt in alts {
                        next.push(format!("{}{}{}", &w[..open], alt, &w[close + 1..]));
                    }
                }
                None => next.push(w.clone()),
            }
            if next.len() > 256 {
                return out;
            }
        }
        out = next;
        if !changed {
            break;
        }
    }
    out
}

/// The innermost-first `{a,b}` group: (open, close, alternatives).
fn first_brace_group(w: &str) -> Option<(usize, usize, Vec<&str>)> {
    let close = w.find('}')?;
    let open = w[..close].rfind('{')?;
    let inner = &w[open + 1..close];
    inner
        .contains(',')
        .then(|| (open, close, inner.split(',').collect()))
}

// ---------------------------------------------------------------------------------------------
// Shell scripts in RUN
// ---------------------------------------------------------------------------------------------

#[derive(Debug)]
struct ShWord {
    value: String,
    start: usize,
    end: usize,
    resolved: bool,
    /// An unquoted `{` appeared (brace expansion applies).
    brace: bool,
    /// Offset where `value` appears verbatim in the script (quotes aside).
    verbatim_at: Option<usize>,
}

#[derive(Debug)]
enum ShTok {
    Word(ShWord),
    /// `;`, `&&`, `|`, newline, `(`…: ends a simple command.
    Op(String),
    /// `>`, `<`, `>>`: the next word is a file, not an argument.
    Redirect,
}

fn word(cur: &mut Option<ShWord>, at: usize) -> &mut ShWord {
    cur.get_or_insert_with(|| ShWord {
        value: String::new(),
        start: at,
        end: at,
        resolved: true,
        brace: false,
        verbatim_at: None,
    })
}

fn sh_tokens(s: &str, vars: Lookup) -> Vec<ShTok> {
    let mut toks = Vec::new();
    let mut cur: Option<ShWord> = None;
    let mut i = 0;
    let finish = |cur: &mut Option<ShWord>, toks: &mut Vec<ShTok>, end: usize| {
        if let Some(mut w) = cur.take() {
            w.end = end;
            let raw = &s[w.start..end];
            w.verbatim_at = if raw == w.value {
                Some(w.start)
            } else if raw.len() == w.value.len() + 2
                && (raw.starts_with('\'') && raw.ends_with('\'')
                    || raw.starts_with('"') && raw.ends_with('"'))
                && raw.get(1..raw.len() - 1) == Some(w.value.as_str())
            {
                Some(w.start + 1)
            } else {
                None
            };
            toks.push(ShTok::Word(w));
        }
    };
    while let Some(c) = s[i..].chars().next() {
        let n = c.len_utf8();
        match c {
            ' ' | '\t' => {
                finish(&mut cur, &mut toks, i);
                i += n;
            }
            '\n' | ';' | '&' | '|' | '(' | ')' => {
                finish(&mut cur, &mut toks, i);
                toks.push(ShTok::Op(c.to_string()));
                i += n;
                if let Some(d) = s[i..]
                    .chars()
                    .next()
                    .filter(|d| "&|;".contains(*d) && c != '\n')
                {
                    if let Some(ShTok::Op(op)) = toks.last_mut() {
                        op.push(d);
                    }
                    i += d.len_utf8();
                }
            }
            '#' if cur.is_none() => {
                i += s[i..].find('\n').unwrap_or(s.len() - i);
            }
            '<' | '>' => {
                if cur.as_ref().is_some_and(|w| {
                    !w.value.is_empty() && w.value.bytes().all(|b| b.is_ascii_digit())
                }) {
                    cur = None;
                }
                finish(&mut cur, &mut toks, i);
                i += n;
                while let Some(d) = s[i..]
                    .chars()
                    .next()
                    .filter(|d| *d == '<' || *d == '>' || *d == '|')
                {
                    i += d.len_utf8();
                }
                if s[i..].starts_with('&') {
                    i += 1;
                    i += s[i..].len()
                        - s[i..]
                            .trim_start_matches(|d: char| d.is_ascii_digit() || d == '-')
                            .len();
                } else {
                    toks.push(ShTok::Redirect);
                }
            }
            '\'' => {
                let w = word(&mut cur, i);
                let close = s[i + 1..].find('\'').map_or(s.len(), |k| i + 1 + k);
                w.value.push_str(&s[i + 1..close]);
                i = (close + 1).min(s.len());
            }
            '"' => {
                let w = word(&mut cur, i);
                i += 1;
                while let Some(d) = s[i..].chars().next() {
                    match d {
                        '"' => {
                            i += 1;
                            break;
                        }
                        '\\' => match s[i + 1..].chars().next() {
                            Some(e) if "$`\"\\".contains(e) => {
                                w.value.push(e);
                                i += 1 + e.len_utf8();
                            }
                            Some('\n') => i += 2,
                            _ => {
                                w.value.push('\\');
                                i += 1;
                            }
                        },
                        '$' => {
                            let mut ok = true;
                            i = expand_dollar(s, i, vars, &mut w.value, &mut ok, 0);
                            w.resolved &= ok;
                        }
                        d => {
                            w.value.push(d);
                            i += d.len_utf8();
                        }
                    }
                }
            }
            '\\' => match s[i + 1..].chars().next() {
                Some('\n') => {
                    finish(&mut cur, &mut toks, i);
                    i += 2;
                }
                Some(e) => {
                    word(&mut cur, i).value.push(e);
                    i += 1 + e.len_utf8();
                }
                None => i += 1,
            },
            '$' => {
                let w = word(&mut cur, i);
                let mut ok = true;
                i = expand_dollar(s, i, vars, &mut w.value, &mut ok, 0);
                w.resolved &= ok;
            }
            '`' => {
                let w = word(&mut cur, i);
                let close = s[i + 1..].find('`').map_or(s.len(), |k| i + 1 + k);
                w.value.push_str(&s[i..(close + 1).min(s.len())]);
                w.resolved = false;
                i = (close + 1).min(s.len());
            }
            c => {
                let w = word(&mut cur, i);
                if c == '{' {
                    w.brace = true;
                }
                w.value.push(c);
                i += n;
            }
        }
    }
    finish(&mut cur, &mut toks, s.len());
    toks
}

/// Shell words of a `CMD`/`ENTRYPOINT` in shell form: variables as written, operators kept.
fn shell_argv(s: &str) -> Vec<String> {
    sh_tokens(s, &|_| None)
        .into_iter()
        .filter_map(|t| match t {
            ShTok::Word(w) => Some(w.value),
            ShTok::Op(op) if op != "\n" => Some(op),
            _ => None,
        })
        .collect()
}

const SHELLS: &[&str] = &["sh", "bash", "ash", "dash", "zsh"];

struct ShellCtx<'a> {
    vars: Lookup<'a>,
    cwd: Option<String>,
    created: Vec<(String, Span)>,
}

/// Records the directories a shell script creates.
fn analyze_shell(script: &str, map: &SpanMap, ctx: &mut ShellCtx, depth: usize) {
    if depth > 4 {
        return;
    }
    let toks = sh_tokens(script, ctx.vars);
    let mut cmd: Vec<&ShWord> = Vec::new();
    let mut redirect = false;
    for t in toks
        .iter()
        .chain(std::iter::once(&ShTok::Op(String::new())))
    {
        match t {
            ShTok::Word(w) => {
                if redirect {
                    redirect = false;
                } else {
                    cmd.push(w);
                }
            }
            ShTok::Redirect => redirect = true,
            ShTok::Op(_) => {
                simple_command(&cmd, map, ctx, depth);
                cmd.clear();
                redirect = false;
            }
        }
    }
}

fn simple_command(words: &[&ShWord], map: &SpanMap, ctx: &mut ShellCtx, depth: usize) {
    const PREFIXES: &[&str] = &[
        "if", "then", "else", "elif", "do", "while", "until", "!", "{", "}", "time", "exec",
        "command", "nohup", "env", "sudo",
    ];
    // Ex) `DEBIAN_FRONTEND=noninteractive sudo -u app mkdir /x`: skip to `mkdir`.
    let mut k = 0;
    let mut after_wrapper = false;
    while k < words.len() {
        let v = words[k].value.as_str();
        let assignment = v.split_once('=').is_some_and(|(n, _)| {
            !n.is_empty() && n.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
        });
        if after_wrapper && v.starts_with('-') {
            // sudo's -u/-g and env's -u take a value.
            k += if matches!(v, "-u" | "-g") { 2 } else { 1 };
        } else if assignment || PREFIXES.contains(&v) {
            after_wrapper = v == "sudo" || v == "env";
            k += 1;
        } else {
            break;
        }
    }
    let words = &words[k.min(words.len())..];
    let Some(first) = words.first() else {
        return;
    };
    let name = first.value.rsplit('/').next().unwrap_or("");
    let args = &words[1..];
    match name {
        "mkdir" => {
            let mut operands = Vec::new();
            let mut opts_done = false;
            let mut skip_next = false;
            for w in args {
                if skip_next {
                    skip_next = false;
                    continue;
                }
                let v = w.value.as_str();
                if !opts_done && v == "--" {
                    opts_done = true;
                } else if !opts_done && v.starts_with("--") {
                    skip_next = v == "--mode";
                } else if !opts_done && v.starts_with('-') && v.len() > 1 {
                    // Ex) -p, -pv, -m 755, -pm755
                    if let Some(m) = v.find('m') {
                        skip_next = m == v.len() - 1;
                    }
                } else {
                    operands.push(*w);
                }
            }
            record_dirs(&operands, map, ctx);
        }
        "install" => {
            let mut directory = false;
            let mut make_leading = false;
            let mut operands = Vec::new();
            let mut skip_next = false;
            for w in args {
                if skip_next {
                    skip_next = false;
                    continue;
                }
                let v = w.value.as_str();
                if let Some(long) = v.strip_prefix("--") {
                    if long == "directory" {
                        directory = true;
                    } else if ["mode", "owner", "group", "target-directory", "suffix"]
                        .contains(&long)
                    {
                        skip_next = true;
                    }
                } else if v.starts_with('-') && v.len() > 1 {
                    for (pos, c) in v.char_indices().skip(1) {
                        match c {
                            'd' => directory = true,
                            'D' => make_leading = true,
                            'm' | 'o' | 'g' | 't' | 'S' => {
                                skip_next = pos == v.len() - 1;
                                break;
                            }
                            _ => {}
                        }
                    }
                } else {
                    operands.push(*w);
                }
            }
            if directory {
                record_dirs(&operands, map, ctx);
            } else if make_leading {
                // `install -D src /a/b/file` creates /a/b.
                if let Some(p) = operands.last().and_then(|w| absolute(ctx, w)) {
                    let dir = parent(&p).to_string();
                    if dir != "/" {
                        let last = operands[operands.len() - 1];
                        ctx.created.push((dir, map.span(last.start, last.end)));
                    }
                }
            }
        }
        "cd" => {
            let target = args
                .iter()
                .find(|w| !w.value.starts_with('-') || w.value == "-");
            ctx.cwd = match target {
                Some(w) if w.resolved && w.value != "-" => ctx.cwd.as_deref().map_or_else(
                    || w.value.starts_with('/').then(|| resolve("/", &w.value)),
                    |cwd| Some(resolve(cwd, &w.value)),
                ),
                _ => None,
            };
        }
        n if SHELLS.contains(&n) => {
            if let Some(pos) = args.iter().position(|w| {
                w.value.starts_with('-') && !w.value.starts_with("--") && w.value.contains('c')
            }) {
                if let Some(script_word) = args.get(pos + 1) {
                    let inner_map = match script_word.verbatim_at {
                        Some(at) => map.sub(at),
                        None => SpanMap::Fixed(map.span(script_word.start, script_word.end)),
                    };
                    let saved = ctx.cwd.clone();
                    analyze_shell(&script_word.value, &inner_map, ctx, depth + 1);
                    ctx.cwd = saved;
                }
            }
        }
        _ => {}
    }
}

fn record_dirs(operands: &[&ShWord], map: &SpanMap, ctx: &mut ShellCtx) {
    for w in operands {
        if !w.resolved || w.value.is_empty() {
            continue;
        }
        let span = map.span(w.start, w.end);
        let values = if w.brace {
            brace_expand(&w.value)
        } else {
            vec![w.value.clone()]
        };
        for v in values {
            let abs = if v.starts_with('/') {
                Some(resolve("/", &v))
            } else {
                ctx.cwd.as_deref().map(|cwd| resolve(cwd, &v))
            };
            if let Some(p) = abs.filter(|p| p != "/") {
                ctx.created.push((p, span));
            }
        }
    }
}

/// A word as an absolute path, if it and the current directory are known.
fn absolute(ctx: &ShellCtx, w: &ShWord) -> Option<String> {
    if !w.resolved || w.value.is_empty() {
        None
    } else if w.value.starts_with('/') {
        Some(resolve("/", &w.value))
    } else {
        ctx.cwd.as_deref().map(|cwd| resolve(cwd, &w.value))
    }
}

// ---------------------------------------------------------------------------------------------
// Stages
// ---------------------------------------------------------------------------------------------

/// Variable values visible in a stage: `ENV` wins over `ARG`, later over earlier.
struct StageVars {
    env: Vec<(String, String)>,
    args: Vec<(String, String)>,
}

impl StageVars {
    fn of(stage: &Stage) -> StageVars {
        StageVars {
            env: stage
                .env
                .iter()
                .map(|(k, v, _)| (k.clone(), v.clone()))
                .collect(),
            args: stage
                .args
                .iter()
                .filter_map(|(k, v, _)| v.clone().map(|v| (k.clone(), v)))
                .collect(),
        }
    }

    fn get(&self, name: &str) -> Option<String> {
        self.env
            .iter()
            .rev()
            .find(|(k, _)| k == name)
            .or_else(|| self.args.iter().rev().find(|(k, _)| k == name))
            .map(|(_, v)| v.clone())
    }
}

struct Builder<'a> {
    escape: char,
    global_args: Vec<(String, Option<String>)>,
    issues: &'a mut Vec<ParseIssue>,
}

impl Builder<'_> {
    fn global(&self, name: &str) -> Option<String> {
        self.global_args
            .iter()
            .rev()
            .find(|(k, _)| k == name)
            .and_then(|(_, v)| v.clone())
    }

    fn instruction(&mut self, file: &mut Dockerfile, ins: &mut Instruction, map: &SpanMap) {
        let kw = ins.keyword.as_str();
        if !KEYWORDS.contains(&kw) {
            self.issues.push(ParseIssue::new(
                ins.keyword_span,
                format!("unknown instruction `{}`", &ins.keyword),
            ));
            return;
        }
        if ins.args.is_empty() {
            self.issues.push(ParseIssue::new(
                ins.keyword_span,
                format!("{kw} requires arguments"),
            ));
            return;
        }
        if kw == "FROM" {
            self.from(file, ins, map);
            return;
        }
        if file.stages.is_empty() {
            if kw == "ARG" {
                for (name, default, _) in self.args(ins, map, &|n| self.global(n)) {
                    self.global_args.push((name, default));
                }
            } else {
                self.issues.push(ParseIssue::new(
                    ins.keyword_span,
                    format!("{kw} before the first FROM"),
                ));
            }
            return;
        }
        let index = file.stages.len() - 1;
        ins.stage = index;
        let escape = self.escape;
        let stage = &mut file.stages[index];
        let vars = StageVars::of(stage);
        let lookup = |n: &str| vars.get(n);
        let cwd = stage
            .workdir
            .as_ref()
            .map_or_else(|| "/".to_string(), |(w, _)| w.clone());
        let words = split_words(&ins.args, escape);
        let word_span = |(s, e): (usize, usize)| map.span(s, e);
        match kw {
            "ARG" => {
                let declared = self.args(ins, map, &lookup);
                let stage = &mut file.stages[index];
                for (name, default, span) in declared {
                    let default = default.or_else(|| self.global(&name));
                    stage.args.push((name, default, span));
                }
            }
            "ENV" => {
                let pairs = self.env_pairs(ins, map, &lookup);
                file.stages[index].env.extend(pairs);
            }
            "WORKDIR" => {
                let (value, _) = expand_word(&ins.args, escape, &lookup);
                let path = resolve(&cwd, &value);
                let span = ins.args_span;
                stage.workdir = Some((path.clone(), span));
                stage.workdirs.push((path.clone(), span));
                stage.created_dirs.push((path, span));
            }
            "USER" => {
                let (value, _) = expand_word(&ins.args, escape, &lookup);
                stage.user = Some((value, ins.args_span));
            }
            "VOLUME" => {
                let items: Vec<(String, Span)> = match json_array(&ins.args) {
                    Some(items) => items
                        .into_iter()
                        .map(|j| {
                            (
                                expand_word(&j.value, escape, &lookup).0,
                                map.span(j.start, j.end),
                            )
                        })
                        .collect(),
                    None => words
                        .iter()
                        .map(|&(s, e)| {
                            (
                                expand_word(&ins.args[s..e], escape, &lookup).0,
                                word_span((s, e)),
                            )
                        })
                        .collect(),
                };
                for (v, span) in items {
                    if !v.is_empty() {
                        stage.volumes.push((resolve(&cwd, &v), span));
                    }
                }
            }
            "HEALTHCHECK" => {
                let mode = words
                    .iter()
                    .map(|&(s, e)| &ins.args[s..e])
                    .find(|w| !w.starts_with("--"));
                match mode.map(str::to_ascii_uppercase).as_deref() {
                    Some("NONE") => {
                        stage.healthcheck = Some(Healthcheck {
                            none: true,
                            span: ins.span,
                        })
                    }
                    Some("CMD") => {
                        stage.healthcheck = Some(Healthcheck {
                            none: false,
                            span: ins.span,
                        })
                    }
                    _ => self.issues.push(ParseIssue::new(
                        ins.args_span,
                        "HEALTHCHECK takes NONE or CMD followed by a command",
                    )),
                }
            }
            "EXPOSE" => {
                for &(s, e) in &words {
                    let (v, ok) = expand_word(&ins.args[s..e], escape, &lookup);
                    if !ok {
                        continue;
                    }
                    let span = word_span((s, e));
                    let (ports, proto) = match v.split_once('/') {
                        Some((p, proto)) => (p, proto.to_ascii_lowercase()),
                        None => (v.as_str(), "tcp".to_string()),
                    };
                    let (lo, hi) = ports.split_once('-').unwrap_or((ports, ports));
                    match (lo.parse::<u16>(), hi.parse::<u16>()) {
                        (Ok(lo), Ok(hi))
                            if lo <= hi && ["tcp", "udp", "sctp"].contains(&proto.as_str()) =>
                        {
                            for port in (lo..=hi).take(1024) {
                                stage.expose.push((port, proto.clone(), span));
                            }
                        }
                        _ => self
                            .issues
                            .push(ParseIssue::new(span, format!("invalid port `{v}`"))),
                    }
                }
            }
            "CMD" | "ENTRYPOINT" => {
                let command = match json_array(&ins.args) {
                    Some(items) => Command {
                        exec_form: true,
                        argv: items.into_iter().map(|j| j.value).collect(),
                        span: ins.args_span,
                    },
                    None => Command {
                        exec_form: false,
                        argv: shell_argv(&ins.args),
                        span: ins.args_span,
                    },
                };
                if kw == "CMD" {
                    stage.cmd = Some(command);
                } else {
                    stage.entrypoint = Some(command);
                }
            }
            "COPY" | "ADD" => self.copy(file, index, ins, map, &words, &cwd),
            "RUN" => {
                let mut ctx = ShellCtx {
                    vars: &lookup,
                    cwd: Some(cwd.clone()),
                    created: Vec::new(),
                };
                run(ins, map, &mut ctx);
                file.stages[index].created_dirs.extend(ctx.created);
            }
            _ => {}
        }
    }

    fn from(&mut self, file: &mut Dockerfile, ins: &mut Instruction, map: &SpanMap) {
        let words = split_words(&ins.args, self.escape);
        let plain: Vec<(usize, usize)> = words
            .iter()
            .copied()
            .filter(|&(s, _)| !ins.args[s..].starts_with("--"))
            .collect();
        let Some(&(is, ie)) = plain.first() else {
            self.issues
                .push(ParseIssue::new(ins.args_span, "FROM needs an image"));
            return;
        };
        let (image, _) = expand_word(&ins.args[is..ie], self.escape, &|n| self.global(n));
        let name = match plain.get(1..) {
            Some([(a, b), (c, d), ..]) if ins.args[*a..*b].eq_ignore_ascii_case("as") => {
                Some(ins.args[*c..*d].to_string())
            }
            _ => None,
        };
        if let Some(n) = &name {
            if file
                .stage_index(n)
                .is_some_and(|i| file.stages[i].name.is_some())
            {
                self.issues.push(ParseIssue::new(
                    ins.args_span,
                    format!("duplicate stage name `{n}`"),
                ));
            }
        }
        let parent = file.stages.iter().position(|s| {
            s.name
                .as_deref()
                .is_some_and(|n| n.eq_ignore_ascii_case(&image))
        });
        let base = parent.map(|p| file.stages[p].clone());
        let image_span = map.span(is, ie);
        let stage = match base {
            Some(b) => Stage {
                from: ins.span,
                image,
                image_span,
                name,
                parent,
                args: Vec::new(),
                ..b
            },
            None => Stage {
                from: ins.span,
                image,
                image_span,
                name,
                parent: None,
                user: None,
                workdir: None,
                workdirs: Vec::new(),
                volumes: Vec::new(),
                healthcheck: None,
                created_dirs: Vec::new(),
                copies: Vec::new(),
                expose: Vec::new(),
                cmd: None,
                entrypoint: None,
                env: Vec::new(),
                args: Vec::new(),
            },
        };
        ins.stage = file.stages.len();
        file.stages.push(stage);
    }

    /// `ARG a b=1`: (name, default, span).
    fn args(
        &self,
        ins: &Instruction,
        map: &SpanMap,
        vars: Lookup,
    ) -> Vec<(String, Option<String>, Span)> {
        split_words(&ins.args, self.escape)
            .into_iter()
            .map(|(s, e)| {
                let w = &ins.args[s..e];
                let span = map.span(s, e);
                match w.split_once('=') {
                    Some((k, v)) => (
                        k.to_string(),
                        Some(expand_word(v, self.escape, vars).0),
                        span,
                    ),
                    None => (w.to_string(), None, span),
                }
            })
            .collect()
    }

    /// `ENV a=1 b="two words"` or the legacy `ENV key value with spaces`. Every value is
    /// substituted with the variables as they were before this instruction.
    fn env_pairs(
        &mut self,
        ins: &Instruction,
        map: &SpanMap,
        vars: Lookup,
    ) -> Vec<(String, String, Span)> {
        let words = split_words(&ins.args, self.escape);
        let Some(&(s0, e0)) = words.first() else {
            return Vec::new();
        };
        if !ins.args[s0..e0].contains('=') {
            let key = ins.args[s0..e0].to_string();
            let value_raw = ins.args[e0..].trim_start();
            let (value, _) = expand_word(value_raw, self.escape, vars);
            return vec![(key, value, map.span(s0, ins.args.len()))];
        }
        let mut out = Vec::new();
        for (s, e) in words {
            let w = &ins.args[s..e];
            match w.split_once('=') {
                Some((k, v)) if !k.is_empty() => {
                    let (value, _) = expand_word(v, self.escape, vars);
                    out.push((k.to_string(), value, map.span(s, e)));
                }
                _ => self.issues.push(ParseIssue::new(
                    map.span(s, e),
                    "ENV expects KEY=value pairs",
                )),
            }
        }
        out
    }

    fn copy(
        &mut self,
        file: &mut Dockerfile,
        index: usize,
        ins: &Instruction,
        map: &SpanMap,
        words: &[(usize, usize)],
        cwd: &str,
    ) {
        let escape = self.escape;
        let stage = &file.stages[index];
        let vars = StageVars::of(stage);
        let lookup = |n: &str| vars.get(n);
        let mut from = None;
        let mut chown = None;
        let mut k = 0;
        while let Some(&(s, e)) = words.get(k) {
            let w = &ins.args[s..e];
            let Some(flag) = w.strip_prefix("--") else {
                break;
            };
            let (name, value) = flag.split_once('=').unwrap_or((flag, ""));
            let value = expand_word(value, escape, &lookup).0;
            match name {
                "from" => from = Some(value),
                "chown" => chown = Some(value),
                _ => {}
            }
            k += 1;
        }
        let rest_start = words.get(k).map_or(ins.args.len(), |w| w.0);
        let operands: Vec<(String, Span, bool)> = match json_array(&ins.args[rest_start..]) {
            Some(items) => items
                .into_iter()
                .map(|j| {
                    let span = map.span(rest_start + j.start, rest_start + j.end);
                    (expand_word(&j.value, escape, &lookup).0, span, false)
                })
                .collect(),
            None => words[k..]
                .iter()
                .map(|&(s, e)| {
                    let w = &ins.args[s..e];
                    let heredoc = w.starts_with("<<");
                    let value = if heredoc {
                        w.to_string()
                    } else {
                        expand_word(w, escape, &lookup).0
                    };
                    (value, map.span(s, e), heredoc)
                })
                .collect(),
        };
        if operands.len() < 2 {
            self.issues.push(ParseIssue::new(
                ins.args_span,
                format!(
                    "{} needs at least one source and a destination",
                    ins.keyword
                ),
            ));
            return;
        }
        let (dest_raw, dest_span, _) = operands[operands.len() - 1].clone();
        let sources = &operands[..operands.len() - 1];
        // A source is taken for a file only when its name has an extension (`app.conf`);
        // `.local`, `static` or `src/` may be directories, and then `dest` is one too.
        let dir_like = |src: &str| {
            let last = src.trim_end_matches('/').rsplit('/').next().unwrap_or("");
            src.ends_with('/')
                || src.contains(['*', '?', '['])
                || !last.get(1..).is_some_and(|rest| rest.contains('.'))
        };
        let dest = resolve(cwd, &dest_raw);
        let last = dest_raw.rsplit('/').next().unwrap_or("");
        // An existing directory (`.`, the WORKDIR, a created one) receives the sources.
        let existing_dir = last == "."
            || last == ".."
            || stage
                .workdirs
                .iter()
                .chain(&stage.created_dirs)
                .any(|(d, _)| *d == dest);
        let dest_is_dir = dest_raw.ends_with('/')
            || existing_dir
            || sources.len() > 1
            || sources
                .iter()
                .any(|(s, _, heredoc)| !heredoc && dir_like(s));
        let copy = Copy {
            sources: sources.iter().map(|(s, _, _)| s.clone()).collect(),
            dest,
            dest_span,
            dest_is_dir,
            from,
            chown,
            span: ins.span,
        };
        file.stages[index].copies.push(copy);
    }
}

/// The directories a `RUN` creates: its shell form, exec form, or heredoc script.
fn run(ins: &Instruction, map: &SpanMap, ctx: &mut ShellCtx) {
    // Flags such as --mount=type=cache,target=/root/.cache come first.
    let mut start = 0;
    let args = ins.args.as_str();
    while args[start..].starts_with("--") {
        let end = args[start..]
            .find(char::is_whitespace)
            .map_or(args.len(), |n| start + n);
        start = end + args[end..].len() - args[end..].trim_start().len();
    }
    let command = &args[start..];
    if let Some(items) = json_array(command) {
        let words: Vec<ShWord> = items
            .iter()
            .map(|j| ShWord {
                value: j.value.clone(),
                start: start + j.start,
                end: start + j.end,
                resolved: true,
                brace: false,
                verbatim_at: j.verbatim.then_some(start + j.start),
            })
            .collect();
        let refs: Vec<&ShWord> = words.iter().collect();
        simple_command(&refs, map, ctx, 0);
        return;
    }
    let first_word = command.split_whitespace().next().unwrap_or("");
    let runs_heredoc_script = first_word.starts_with("<<")
        || SHELLS.contains(&first_word.rsplit('/').next().unwrap_or(""))
            && command
                .split_whitespace()
                .nth(1)
                .is_some_and(|w| w.starts_with("<<"));
    if runs_heredoc_script {
        if let Some(h) = ins.heredocs.first() {
            let shebang = h.body.lines().next().filter(|l| l.starts_with("#!"));
            let is_shell = shebang.is_none_or(|l| {
                SHELLS
                    .iter()
                    .any(|s| l.ends_with(&format!("/{s}")) || l.ends_with(&format!(" {s}")))
            });
            if is_shell {
                let body_map = if h.body.len() == h.body_span.len() + 1 {
                    SpanMap::Segments(vec![(0, h.body_span.start, h.body.len())])
                } else {
                    SpanMap::Fixed(h.body_span)
                };
                let saved = ctx.cwd.clone();
                analyze_shell(&h.body, &body_map, ctx, 0);
                ctx.cwd = saved;
            }
        }
        return;
    }
    analyze_shell(command, &map.sub(start), ctx, 0);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn df(text: &str) -> Dockerfile {
        let (d, issues) = parse(text);
        assert!(issues.is_empty(), "{issues:?}");
        d
    }

    fn slice(text: &str, span: Span) -> &str {
        &text[span.range()]
    }

    fn dirs(stage: &Stage) -> Vec<&str> {
        stage.created_dirs.iter().map(|(d, _)| d.as_str()).collect()
    }

    #[test]
    fn continuation_lines_are_joined_with_spans() {
        let text = "FROM python:3.12\nRUN apt-get update && \\\n    # a comment inside\n\n    apt-get install -y curl\nCMD [\"x\"]\n";
        let d = df(text);
        let run = &d.instructions[1];
        assert_eq!(run.keyword, "RUN");
        assert_eq!(run.args, "apt-get update &&     apt-get install -y curl");
        assert_eq!(slice(text, run.keyword_span), "RUN");
        assert!(slice(text, run.args_span).starts_with("apt-get update"));
        assert!(slice(text, run.args_span).ends_with("install -y curl"));
        assert_eq!(run.stage, 0);
        assert_eq!(d.instructions[2].keyword, "CMD");
    }

    #[test]
    fn keywords_are_case_insensitive() {
        let d = df("from alpine as base\nrun mkdir /x\nworkdir /app\n");
        assert_eq!(d.instructions[1].keyword, "RUN");
        assert_eq!(d.stages[0].name.as_deref(), Some("base"));
        assert_eq!(dirs(&d.stages[0]), ["/x", "/app"]);
    }

    #[test]
    fn escape_directive_changes_the_continuation_character() {
        let text =
            "# escape=`\nFROM mcr.microsoft.com/windows\nRUN mkdir C:\\data `\n    && echo hi\n";
        let d = df(text);
        assert_eq!(d.escape, '`');
        assert_eq!(d.instructions[1].args, "mkdir C:\\data     && echo hi");
    }

    #[test]
    fn directive_after_a_comment_is_only_a_comment() {
        let d = df("# hello\n# escape=`\nFROM alpine\nRUN a \\\n b\n");
        assert_eq!(d.escape, '\\');
        assert_eq!(d.instructions[1].args, "a  b");
    }

    #[test]
    fn heredoc_run_script_creates_dirs() {
        let text = "FROM alpine\nRUN <<EOF\nset -e\nmkdir -p /srv/data\nEOF\nCOPY <<-CONF /etc/app/app.conf\n\tkey=1\n\tCONF\nUSER app\n";
        let d = df(text);
        let run = &d.instructions[1];
        assert_eq!(run.heredocs.len(), 1);
        assert_eq!(run.heredocs[0].body, "set -e\nmkdir -p /srv/data\n");
        assert!(slice(text, run.span).ends_with("EOF"));
        let s = &d.stages[0];
        assert_eq!(dirs(s), ["/srv/data"]);
        assert_eq!(slice(text, s.created_dirs[0].1), "/srv/data");
        let copy = &s.copies[0];
        assert_eq!(copy.sources, ["<<-CONF"]);
        assert_eq!(copy.dest, "/etc/app/app.conf");
        assert!(!copy.dest_is_dir);
        assert_eq!(d.instructions[2].heredocs[0].body, "key=1\n");
        assert_eq!(s.user.as_ref().unwrap().0, "app");
        assert!(d.creates_dir(s, "/etc/app"));
        assert!(!d.creates_dir(s, "/etc/app/app.conf"));
    }

    #[test]
    fn unclosed_heredoc_is_an_issue() {
        let text = "FROM alpine\nRUN <<EOF\nmkdir /x\n";
        let (_, issues) = parse(text);
        assert_eq!(issues.len(), 1);
        assert_eq!(slice(text, issues[0].span), "<<EOF");
    }

    #[test]
    fn exec_and_shell_form_commands() {
        let d = df("FROM python\nCMD gunicorn app.wsgi -b 0.0.0.0:$PORT && echo done\nENTRYPOINT [\"/entrypoint.sh\", \"--flag\"]\n");
        let s = &d.stages[0];
        let cmd = s.cmd.as_ref().unwrap();
        assert!(!cmd.exec_form);
        assert_eq!(
            cmd.argv,
            [
                "gunicorn",
                "app.wsgi",
                "-b",
                "0.0.0.0:$PORT",
                "&&",
                "echo",
                "done"
            ]
        );
        let ep = s.entrypoint.as_ref().unwrap();
        assert!(ep.exec_form);
        assert_eq!(ep.argv, ["/entrypoint.sh", "--flag"]);
    }

    #[test]
    fn single_quoted_json_is_shell_form() {
        let d = df("FROM python\nCMD ['gunicorn', 'app']\n");
        assert!(!d.stages[0].cmd.as_ref().unwrap().exec_form);
    }

    #[test]
    fn named_stage_inherits_facts() {
        let text = "ARG PY=3.12\nFROM python:${PY}-slim AS base\nENV APP_HOME=/srv/app\nWORKDIR $APP_HOME\nRUN mkdir -p logs\nUSER app\nEXPOSE 8000/tcp\n\nFROM base AS prod\nRUN mkdir /data\nHEALTHCHECK NONE\n";
        let d = df(text);
        assert_eq!(d.stages.len(), 2);
        let base = d.stage("BASE").unwrap();
        assert_eq!(base.image, "python:3.12-slim");
        assert_eq!(slice(text, base.image_span), "python:${PY}-slim");
        let prod = d.final_stage().unwrap();
        assert_eq!(prod.parent, Some(0));
        assert_eq!(prod.image, "base");
        assert_eq!(prod.workdir.as_ref().unwrap().0, "/srv/app");
        assert_eq!(dirs(prod), ["/srv/app", "/srv/app/logs", "/data"]);
        assert_eq!(prod.user.as_ref().unwrap().0, "app");
        assert_eq!(prod.expose[0].0, 8000);
        assert!(prod.healthcheck.as_ref().unwrap().none);
        assert!(base.healthcheck.is_none());
        assert_eq!(d.stage("1").unwrap().name.as_deref(), Some("prod"));
        assert_eq!(d.instructions[0].stage, GLOBAL_SCOPE);
        assert_eq!(d.instructions.last().unwrap().stage, 1);
    }

    #[test]
    fn mkdir_then_chown_records_the_path_span() {
        let text = "FROM python\nRUN mkdir -p /var/log/app && chown app /var/log/app\n";
        let d = df(text);
        let s = &d.stages[0];
        assert_eq!(dirs(s), ["/var/log/app"]);
        let span = s.created_dirs[0].1;
        assert_eq!(span.start, text.find("/var/log/app").unwrap());
        assert_eq!(slice(text, span), "/var/log/app");
    }

    #[test]
    fn mkdir_variants() {
        let text = "FROM alpine\nWORKDIR /app\nRUN mkdir -pm 0755 /a /b; sudo -u app mkdir --mode=700 -v c && cd /opt && mkdir -p x/{y,z} 2>/dev/null \\\n  && install -d -m 755 -o app /i && mkdir \"/q q\" '$HOME/lit' && sh -c 'mkdir -p /inner'\n";
        let d = df(text);
        let s = &d.stages[0];
        assert_eq!(
            dirs(s),
            [
                "/app",
                "/a",
                "/b",
                "/app/c",
                "/opt/x/y",
                "/opt/x/z",
                "/i",
                "/q q",
                "/opt/$HOME/lit",
                "/inner"
            ]
        );
        let inner = s
            .created_dirs
            .iter()
            .find(|(d, _)| d == "/inner")
            .unwrap()
            .1;
        assert_eq!(slice(text, inner), "/inner");
        let y = s
            .created_dirs
            .iter()
            .find(|(d, _)| d == "/opt/x/y")
            .unwrap()
            .1;
        assert_eq!(slice(text, y), "x/{y,z}");
    }

    #[test]
    fn install_creates_directories_or_leading_directories() {
        let text = "FROM a\nRUN install -D -m 644 app.conf /etc/app/app.conf && install -dm755 /run/app && install -m 755 tool /usr/local/bin/tool\n";
        let d = df(text);
        assert_eq!(dirs(&d.stages[0]), ["/etc/app", "/run/app"]);
        assert_eq!(
            slice(text, d.stages[0].created_dirs[0].1),
            "/etc/app/app.conf"
        );
    }

    #[test]
    fn run_exec_form_and_flags() {
        let text = "FROM alpine\nRUN [\"mkdir\", \"-p\", \"/exec\"]\nRUN --mount=type=cache,target=/root/.cache mkdir /flagged\nRUN [\"sh\", \"-c\", \"mkdir /viash\"]\n";
        let d = df(text);
        let s = &d.stages[0];
        assert_eq!(dirs(s), ["/exec", "/flagged", "/viash"]);
        assert_eq!(slice(text, s.created_dirs[0].1), "/exec");
        assert_eq!(slice(text, s.created_dirs[2].1), "/viash");
    }

    #[test]
    fn workdir_resolves_relative_paths() {
        let d = df("FROM alpine\nWORKDIR app\nWORKDIR src/../lib/\nCOPY requirements.txt .\nCOPY . code/\n");
        let s = &d.stages[0];
        let w: Vec<&str> = s.workdirs.iter().map(|(w, _)| w.as_str()).collect();
        assert_eq!(w, ["/app", "/app/lib"]);
        assert_eq!(s.copies[0].dest, "/app/lib");
        assert!(s.copies[0].dest_is_dir);
        assert_eq!(s.copies[1].dest, "/app/lib/code");
    }

    #[test]
    fn arg_and_env_are_substituted() {
        let text = "ARG BASE=alpine\nFROM $BASE\nARG LOG_DIR=/var/log/app\nARG BASE\nENV HOME_DIR=/home/app DATA=\"${HOME_DIR:-/srv}/data\"\nENV LOGS ${LOG_DIR}/x\nRUN mkdir -p $LOG_DIR \"${DATA}\" ${UNKNOWN}/z\nWORKDIR ${NOPE:-/fallback}\n";
        let d = df(text);
        let s = &d.stages[0];
        assert_eq!(s.image, "alpine");
        let env: Vec<(&str, &str)> = s
            .env
            .iter()
            .map(|(k, v, _)| (k.as_str(), v.as_str()))
            .collect();
        // Values in one ENV see the variables as they were before it.
        assert_eq!(
            env,
            [
                ("HOME_DIR", "/home/app"),
                ("DATA", "/srv/data"),
                ("LOGS", "/var/log/app/x")
            ]
        );
        assert_eq!(
            s.args[1],
            ("BASE".to_string(), Some("alpine".to_string()), s.args[1].2)
        );
        assert_eq!(dirs(s), ["/var/log/app", "/srv/data", "/fallback"]);
        assert_eq!(slice(text, s.env[1].2), "DATA=\"${HOME_DIR:-/srv}/data\"");
    }

    #[test]
    fn seed_log_dir_is_not_created_when_only_var_log_exists() {
        let text = "FROM python:3.11-slim\nRUN mkdir -p /var/log && useradd app\nWORKDIR /app\nCOPY . .\nUSER app\n";
        let d = df(text);
        let s = d.final_stage().unwrap();
        assert!(d.creates_dir(s, "/var/log"));
        assert!(d.creates_dir(s, "/var"));
        assert!(!d.creates_dir(s, "/var/log/korrigo"));
        assert!(!d.creates_dir(s, "/var/logs"));
        assert!(d.creates_dir(s, "/app"));
        assert!(d.copied_into(s, "/app/logs").is_some());
        assert!(d.copied_into(s, "/var/log/korrigo").is_none());
    }

    #[test]
    fn creates_dir_follows_mkdir_workdir_volume_and_variables() {
        let text = "FROM python\nARG LOGS=/var/log/korrigo\nRUN mkdir -p ${LOGS}/audit\nVOLUME [\"/data\", \"/media\"]\nVOLUME /static\nWORKDIR /srv\n";
        let d = df(text);
        let s = &d.stages[0];
        assert!(d.creates_dir(s, "/var/log/korrigo"));
        assert!(d.creates_dir(s, "$LOGS"));
        assert!(d.creates_dir(s, "/var/log/korrigo/audit/"));
        assert!(!d.creates_dir(s, "/var/log/korrigo/other"));
        assert!(d.creates_dir(s, "/media"));
        assert!(d.creates_dir(s, "/static"));
        assert_eq!(slice(text, s.volumes[0].1), "/data");
        assert!(d.creates_dir(s, "."));
        assert!(!d.creates_dir(s, "logs"));
    }

    #[test]
    fn healthcheck_and_expose() {
        let text = "FROM nginx\nHEALTHCHECK --interval=30s CMD curl -f http://localhost/ || exit 1\nEXPOSE 8000/tcp 53/UDP 9000-9002\n";
        let d = df(text);
        let s = &d.stages[0];
        assert!(!s.healthcheck.as_ref().unwrap().none);
        let ports: Vec<(u16, &str)> = s
            .expose
            .iter()
            .map(|(p, proto, _)| (*p, proto.as_str()))
            .collect();
        assert_eq!(
            ports,
            [
                (8000, "tcp"),
                (53, "udp"),
                (9000, "tcp"),
                (9001, "tcp"),
                (9002, "tcp")
            ]
        );
        assert_eq!(slice(text, s.expose[0].2), "8000/tcp");
    }

    #[test]
    fn copy_flags_and_destinations() {
        let d = df("FROM node AS build\nFROM nginx\nCOPY --from=build --chown=nginx:nginx /app/dist /usr/share/nginx/html\nCOPY nginx.conf /etc/nginx/conf.d/default.conf\nADD [\"a.txt\", \"b.txt\", \"/multi/\"]\nCOPY --from=build /root/.local /home/app/.local\n");
        let s = d.final_stage().unwrap();
        let c = &s.copies[0];
        assert_eq!(c.from.as_deref(), Some("build"));
        assert_eq!(c.chown.as_deref(), Some("nginx:nginx"));
        assert!(c.dest_is_dir);
        assert!(!s.copies[1].dest_is_dir);
        assert_eq!(s.copies[2].dest, "/multi");
        assert!(d.creates_dir(s, "/etc/nginx/conf.d"));
        assert!(!d.creates_dir(s, "/etc/nginx/conf.d/default.conf"));
        assert!(d.creates_dir(s, "/usr/share/nginx/html"));
        assert!(d.creates_dir(s, "/home/app/.local"));
    }

    #[test]
    fn malformed_instructions_are_located() {
        let text = "RUN echo early\nFROM alpine AS a\nRUNN x\nCOPY onlyone\nEXPOSE http\nFROM alpine AS A\nWORKDIR\n";
        let (_, issues) = parse(text);
        let got: Vec<&str> = issues.iter().map(|i| slice(text, i.span)).collect();
        assert_eq!(
            got,
            ["RUN", "RUNN", "onlyone", "http", "alpine AS A", "WORKDIR"]
        );
    }

    #[test]
    fn nested_defaults_resolve_and_pathological_input_stays_fast() {
        let d = df("FROM a\nWORKDIR ${A:-${B:-/x}}\n");
        assert_eq!(d.stages[0].workdir.as_ref().unwrap().0, "/x");
        let deep = format!("{}/y{}", "${A:-".repeat(20), "}".repeat(20));
        let d = df(&format!("FROM a\nWORKDIR {deep}\n"));
        assert!(d.stages[0].workdir.as_ref().unwrap().0.contains("${A:-"));
        // Unbalanced `${` and `$(` repeated over a long line: linear, not quadratic.
        let noise = "${".repeat(100_000);
        let (d, _) = parse(&format!(
            "FROM a\nRUN mkdir {noise}\nRUN echo {}\n",
            "$(".repeat(100_000)
        ));
        assert_eq!(d.instructions.len(), 3);
    }

    #[test]
    fn odd_input_does_not_panic() {
        for text in [
            "",
            "\\",
            "FROM",
            "FROM a\nRUN \\",
            "FROM a\nRUN <<",
            "FROM a\nRUN <<'EOF",
            "FROM a\nRUN ${",
            "FROM a\nRUN $(",
            "FROM a\nRUN \"",
            "FROM a\nRUN '",
            "FROM a\nRUN mkdir {",
            "FROM a\nRUN mkdir }{,",
            "FROM a\nCOPY [\"\\u12\"] x",
            "FROM a\nCMD [\"é\", ",
            "\u{feff}FROM é\nRUN é \\\n",
            "# escape=é\nFROM a",
            "FROM a\nENV =x",
            "FROM a\nEXPOSE 1-99999",
            "FROM a\nRUN cd; mkdir x",
            "FROM a\nRUN sh -c",
            "FROM a\nWORKDIR ${A:-${B}}",
            "FROM a\nRUN mkdir -m",
            "FROM a\nRUN install -D",
            "FROM a\nRUN sudo -u",
            "FROM a\r\nRUN x\r\n",
        ] {
            let (d, issues) = parse(text);
            for i in &issues {
                assert!(
                    i.span.end <= text.len() && i.span.start <= i.span.end,
                    "{text:?}"
                );
            }
            for s in &d.stages {
                let _ = d.creates_dir(s, "/x/${Y}");
            }
        }
    }

    /// Spans stay on character boundaries and inside the text for generated input.
    #[test]
    fn generated_input_keeps_spans_in_bounds() {
        const PIECES: &[&str] = &[
            "FROM a AS b\n",
            "RUN ",
            "mkdir -p ",
            "/x",
            "{a,b}",
            " && ",
            "\\\n",
            "# c\n",
            "<<EOF",
            "EOF\n",
            "\n",
            "\"",
            "'",
            "$",
            "${V:-/d}",
            "é",
            " ",
            "COPY ",
            "WORKDIR ",
            "[\"",
            "\"]",
            ",",
            "ENV V=/v ",
            "ARG V\n",
            "cd ",
            "sh -c ",
            "`",
            "EXPOSE 80/tcp ",
            "VOLUME ",
            "HEALTHCHECK NONE\n",
            "\t",
            "install -d ",
        ];
        let mut rng = crate::testing::XorShift::new(0x2545_f491_4f6c_dd1d);
        let mut next = move || rng.next_u64();
        let ok = crate::testing::span_in;
        for _ in 0..3000 {
            let n = (next() % 24) as usize;
            let text: String = (0..n)
                .map(|_| PIECES[(next() % PIECES.len() as u64) as usize])
                .collect();
            let (d, issues) = parse(&text);
            for i in &issues {
                assert!(ok(&text, i.span), "{text:?} {:?}", i.span);
            }
            for ins in &d.instructions {
                for span in [ins.span, ins.keyword_span, ins.args_span] {
                    assert!(ok(&text, span), "{text:?} {span:?}");
                }
            }
            for s in &d.stages {
                let spans = s
                    .created_dirs
                    .iter()
                    .chain(&s.volumes)
                    .chain(&s.workdirs)
                    .map(|(_, sp)| *sp)
                    .chain(s.copies.iter().map(|c| c.dest_span))
                    .chain(s.env.iter().map(|e| e.2))
                    .chain(s.expose.iter().map(|e| e.2));
                for span in spans {
                    assert!(ok(&text, span), "{text:?} {span:?}");
                }
                let _ = d.creates_dir(s, "logs");
            }
        }
    }

    /// Every Dockerfile in the shared corpus of real projects parses without an issue.
    #[test]
    fn corpus_dockerfiles_parse_cleanly() {
        let root = std::env::var_os("SHIPLINT_CORPUS")
            .map(std::path::PathBuf::from)
            .unwrap_or_else(|| "/work/shared/corpus".into());
        if !root.is_dir() {
            eprintln!("skipped: no corpus at {}", root.display());
            return;
        }
        let mut files = Vec::new();
        collect_dockerfiles(&root, &mut files);
        for path in &files {
            let Ok(text) = std::fs::read_to_string(path) else {
                continue;
            };
            let (d, issues) = parse(&text);
            assert!(issues.is_empty(), "{}: {issues:?}", path.display());
            assert!(!d.stages.is_empty(), "{}: no stage", path.display());
        }
        eprintln!("checked {} Dockerfiles", files.len());
    }

    fn collect_dockerfiles(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        let mut entries: Vec<_> = entries.flatten().collect();
        entries.sort_by_key(|e| e.path());
        for e in entries {
            let Ok(ft) = e.file_type() else { continue };
            let name = e.file_name().to_string_lossy().to_ascii_lowercase();
            if ft.is_dir() {
                collect_dockerfiles(&e.path(), out);
            } else if ft.is_file()
                && (name == "dockerfile"
                    || name.starts_with("dockerfile.")
                    || name.ends_with(".dockerfile"))
            {
                out.push(e.path());
            }
        }
    }
}
