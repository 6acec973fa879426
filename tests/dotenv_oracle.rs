//! dotenvy as an oracle for decoded `.env` values.
//!
//! On the syntax Compose (compose-go) and dotenvy 0.15 read alike, every key and value our lexer
//! decodes must equal dotenvy's. Where they differ, our lexer follows Compose; each difference
//! is listed in `DIFFERENCES` below (and checked, so the list stays true) and kept out of the
//! property's generator.

use proptest::prelude::*;
use shiplint::parse::dotenv::{parse, EnvFile};

type Pairs = Vec<(String, String)>;
type PairList = &'static [(&'static str, &'static str)];

fn ours(text: &str) -> Pairs {
    parse(text)
        .entries
        .into_iter()
        .map(|e| (e.key, e.value))
        .collect()
}

/// dotenvy's reading. `from_read_iter` does not skip a byte order mark (only `load` does),
/// Compose does: the oracle is given the text after it.
fn dotenvy(text: &str) -> Result<Pairs, String> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    dotenvy::from_read_iter(text.as_bytes())
        .collect::<Result<Pairs, _>>()
        .map_err(|e| e.to_string())
}

fn pairs(list: &[(&str, &str)]) -> Pairs {
    list.iter()
        .map(|&(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn assert_spans_are_sound(text: &str, file: &EnvFile) {
    let ok = |s: shiplint::source::Span| {
        s.start <= s.end
            && s.end <= text.len()
            && text.is_char_boundary(s.start)
            && text.is_char_boundary(s.end)
    };
    for e in &file.entries {
        let spans = [e.key_span, e.raw_value_span, e.content_span, e.line_span];
        assert!(spans
            .into_iter()
            .chain(e.export)
            .chain(e.equals)
            .chain(e.comment)
            .all(ok));
        assert_eq!(e.key, text[e.key_span.range()]);
    }
    assert!(file.problems.iter().all(|p| ok(p.span)));
    assert!(file.comments.iter().all(|&c| ok(c)));
}

#[test]
fn hand_written_files_match_dotenvy() {
    let cases: &[(&str, &[(&str, &str)])] = &[
        ("A=1\nB=two\n", &[("A", "1"), ("B", "two")]),
        ("# comment\n\n  # indented\nA=1", &[("A", "1")]),
        (
            "export A=1\nexport\tB=2\nexport=3",
            &[("A", "1"), ("B", "2"), ("export", "3")],
        ),
        (
            "A = 1\nB\t=\t'2'\nC =\"3\"",
            &[("A", "1"), ("B", "2"), ("C", "3")],
        ),
        (
            "A=\nB=''\nC=\"\"\nD=   \n",
            &[("A", ""), ("B", ""), ("C", ""), ("D", "")],
        ),
        (
            "A=b#c\nB=b #c\nC=b   # c",
            &[("A", "b#c"), ("B", "b"), ("C", "b")],
        ),
        (
            "A='b # c' # d\nB=\"b # c\"\t# d",
            &[("A", "b # c"), ("B", "b # c")],
        ),
        ("A='x y'\nB=\"x y\"", &[("A", "x y"), ("B", "x y")]),
        (
            "A='\\n\\\\'\nB=\"\\n\\\\\\\"\"",
            &[("A", "\\n\\\\"), ("B", "\n\\\"")],
        ),
        (
            "A=\"it's\"\nB='say \"hi\"'",
            &[("A", "it's"), ("B", "say \"hi\"")],
        ),
        (
            "A=\"line 1\nline 2\"\nB=2",
            &[("A", "line 1\nline 2"), ("B", "2")],
        ),
        (
            "A='line 1\n# not a comment\nline 3'",
            &[("A", "line 1\n# not a comment\nline 3")],
        ),
        (
            "A=1\r\nB='x'\r\nC=\"y\" # c\r\n",
            &[("A", "1"), ("B", "x"), ("C", "y")],
        ),
        ("A=\"x\r\ny\"\r\n", &[("A", "x\r\ny")]),
        ("\u{feff}A=1\n", &[("A", "1")]),
        (
            "A=postgres://u:p@h:5432/db?sslmode=require",
            &[("A", "postgres://u:p@h:5432/db?sslmode=require")],
        ),
        (
            "A=été\nB=\"日本\"\nC='🚀'",
            &[("A", "été"), ("B", "日本"), ("C", "🚀")],
        ),
        ("A=1\nA=2", &[("A", "1"), ("A", "2")]),
        ("a.b=1\n_x=2", &[("a.b", "1"), ("_x", "2")]),
    ];
    for &(text, expected) in cases {
        assert_eq!(ours(text), pairs(expected), "ours: {text:?}");
        assert_eq!(dotenvy(text), Ok(pairs(expected)), "dotenvy: {text:?}");
    }
}

/// Where Compose and dotenvy 0.15 read the same text differently: `(text, Compose's pairs,
/// whether dotenvy rejects it, else dotenvy's pairs)`. The property's generator avoids each.
const DIFFERENCES: &[(&str, PairList, Option<PairList>)] = &[
    // A bare `KEY`: Compose takes it from the environment, dotenvy rejects the line.
    ("KEY", &[("KEY", "")], None),
    // Compose's YAML-style separator.
    ("KEY: v", &[("KEY", "v")], None),
    // Keys: Compose accepts `-`, brackets, a leading digit and non-ASCII letters.
    ("MY-KEY=1", &[("MY-KEY", "1")], None),
    ("K[0]=1", &[("K[0]", "1")], None),
    ("1KEY=1", &[("1KEY", "1")], None),
    ("CLÉ=1", &[("CLÉ", "1")], None),
    // `export` then a blank is always the keyword for Compose; dotenvy also reads it as a key
    // when `=` follows. (Compose's key is empty: our lexer reports it and keeps no entry.)
    ("export =1", &[], Some(&[("export", "1")])),
    // Blanks inside an unquoted value: Compose keeps them, dotenvy rejects the line.
    ("A=b c", &[("A", "b c")], None),
    // `#` starting an unquoted value is a value for Compose, a comment for dotenvy.
    ("A=#c", &[("A", "#c")], Some(&[("A", "")])),
    ("A= #c", &[("A", "#c")], Some(&[("A", "")])),
    // Compose starts an inline comment only at a space then `#`; dotenvy after any blank.
    ("A=b\t#c", &[("A", "b\t#c")], Some(&[("A", "b")])),
    // dotenvy sees a comment only after exactly one blank; after more it scans the comment
    // for quotes, and one there opens a value that swallows the following lines.
    ("A=b  # it's\nB=1\n", &[("A", "b"), ("B", "1")], None),
    // Quotes and backslashes inside an unquoted value are plain characters for Compose.
    ("A=x\"y\"", &[("A", "x\"y\"")], Some(&[("A", "xy")])),
    ("A=a\\nb", &[("A", "a\\nb")], Some(&[("A", "a\nb")])),
    ("A=a\\qb", &[("A", "a\\qb")], None),
    // Double-quoted escapes other than `\\`, `\"` and `\n`: Compose decodes `\t` (and `\r`,
    // `\a`, `\b`, `\f`, `\v`, `\0NNN`), keeps `\'`, `\ ` and unknown ones as written; dotenvy
    // drops the backslash of `\'` and `\ ` and rejects the others.
    ("A=\"a\\tb\"", &[("A", "a\tb")], None),
    ("A=\"a\\'b\"", &[("A", "a\\'b")], Some(&[("A", "a'b")])),
    ("A=\"a\\ b\"", &[("A", "a\\ b")], Some(&[("A", "a b")])),
    ("A=\"a\\qb\"", &[("A", "a\\qb")], None),
    ("A=\"a\\éb\"", &[("A", "a\\éb")], None),
    // A backslash ending a line inside double quotes.
    ("A=\"a\\\nb\"", &[("A", "a\\\nb")], None),
    // `\'` inside single quotes is an escaped quote for Compose; dotenvy has no escapes there.
    ("A='it\\'s'", &[("A", "it's")], None),
    // Text right after a closing quote: a comment for Compose (`#`), or a new statement that
    // our lexer reports and skips; dotenvy concatenates or rejects.
    ("A=\"x\"#c", &[("A", "x")], Some(&[("A", "x#c")])),
    ("A=\"x\"y", &[("A", "x")], Some(&[("A", "xy")])),
    ("A='x' y", &[("A", "x")], None),
    // A last line without a line feed that ends in blanks: dotenvy's line reader can stop in
    // its "after a blank" state there and rejects the file (one trailing space, or a value or
    // comment then one space).
    ("A=b ", &[("A", "b")], None),
    ("A=1\n ", &[("A", "1")], None),
    ("A=b  #c ", &[("A", "b")], None),
    // Unicode blanks other than NEL and no-break space are not trimmed by Compose after `=`.
    ("A=\u{2003}b", &[("A", "\u{2003}b")], Some(&[("A", "b")])),
];

#[test]
fn documented_differences_are_real() {
    for &(text, compose, dotenvy_reads) in DIFFERENCES {
        assert_eq!(ours(text), pairs(compose), "ours: {text:?}");
        match dotenvy_reads {
            Some(expected) => assert_eq!(dotenvy(text), Ok(pairs(expected)), "{text:?}"),
            None => assert!(dotenvy(text).is_err(), "dotenvy accepts {text:?}"),
        }
    }
}

// The generator: only syntax both loaders read alike. Each exclusion refers to `DIFFERENCES`.

/// Keys: `[A-Za-z_][A-Za-z0-9_.]*`, the intersection of both key syntaxes, and not `export`
/// (which dotenvy may read as a key where Compose reads the keyword).
fn key() -> impl Strategy<Value = String> {
    "[A-Za-z_][A-Za-z0-9_.]{0,8}".prop_filter("keyword", |k| k != "export")
}

/// Space and tab only: Unicode blanks are trimmed differently.
fn blanks(range: &str) -> impl Strategy<Value = String> {
    proptest::string::string_regex(&format!("[ \\t]{{{range}}}")).unwrap()
}

/// An inline comment's text: no line break, and no quote or backslash (dotenvy scans some
/// comments for quotes).
fn comment_text() -> impl Strategy<Value = String> {
    "[^\r\n\"'\\\\]{0,10}"
}

/// Unquoted: no blanks, quotes, backslashes or `$`, and no leading `#`.
fn unquoted() -> impl Strategy<Value = String> {
    const CHARS: &str = "A-Za-z0-9_./:=,@+%!?*~^&|;<>(){}`éß日🚀\\[\\]";
    proptest::string::string_regex(&format!("[-{CHARS}][-{CHARS}#]{{0,10}}")).unwrap()
}

/// Single-quoted content: anything but `'` and `$`, line breaks included, and not ending in an
/// odd run of backslashes (which would escape the closing quote for Compose, not for dotenvy).
fn single_quoted() -> impl Strategy<Value = String> {
    "[^'$]{0,12}".prop_map(|mut s| {
        if s.chars().rev().take_while(|&c| c == '\\').count() % 2 == 1 {
            s.push('\\');
        }
        format!("'{s}'")
    })
}

/// Double-quoted content: anything but `"`, `\` and `$`, line breaks included, plus the escapes
/// both decode alike: `\\`, `\"` and `\n`.
fn double_quoted() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        4 => "[^\"\\\\$]",
        1 => Just("\\\\".to_string()),
        1 => Just("\\\"".to_string()),
        1 => Just("\\n".to_string()),
    ];
    proptest::collection::vec(piece, 0..12).prop_map(|p| format!("\"{}\"", p.concat()))
}

/// What follows a value: blanks, or blanks and a comment. After an unquoted value the `#`
/// must follow a space (Compose ignores `<TAB>#`); after a quote at least one blank (Compose
/// reads `"x"#c` as a comment, dotenvy as value text). An empty value takes no comment (`A= #c`
/// is a value for Compose).
fn value_and_tail() -> impl Strategy<Value = String> {
    let comment = (blanks("0,2"), comment_text()).prop_map(|(b, c)| format!("{b} #{c}"));
    let tail = prop_oneof![blanks("0,2"), comment];
    prop_oneof![
        blanks("0,2"),
        (unquoted(), tail.clone()).prop_map(|(v, t)| v + &t),
        (prop_oneof![single_quoted(), double_quoted()], tail).prop_map(|(v, t)| v + &t),
    ]
}

fn entry_line() -> impl Strategy<Value = String> {
    (
        blanks("0,2"),
        prop::option::of(blanks("1,2")),
        key(),
        blanks("0,2"),
        blanks("0,2"),
        value_and_tail(),
    )
        .prop_map(|(indent, export, key, before, after, value)| {
            let export = export.map_or(String::new(), |b| format!("export{b}"));
            format!("{indent}{export}{key}{before}={after}{value}")
        })
}

#[derive(Debug, Clone)]
struct GeneratedFile {
    text: String,
    entries: usize,
}

fn env_file() -> impl Strategy<Value = GeneratedFile> {
    let line = prop_oneof![
        6 => entry_line().prop_map(|l| (l, true)),
        1 => "[ \t]{0,2}#[^\n]{0,12}".prop_map(|l| (l, false)),
        1 => blanks("0,3").prop_map(|l| (l, false)),
    ];
    (
        proptest::collection::vec(line, 0..8),
        prop_oneof![Just("\n"), Just("\r\n")],
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(|(lines, newline, final_newline, bom)| {
            let entries = lines.iter().filter(|(_, entry)| *entry).count();
            let mut text = String::from(if bom { "\u{feff}" } else { "" });
            let body: Vec<_> = lines.into_iter().map(|(l, _)| l).collect();
            text.push_str(&body.join(newline));
            if final_newline && !body.is_empty() {
                text.push_str(newline);
            } else {
                // See `DIFFERENCES`: trailing blanks on a last line without a line feed.
                text.truncate(text.trim_end().len());
            }
            GeneratedFile { text, entries }
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn decoded_pairs_equal_dotenvys(file in env_file()) {
        let lexed = parse(&file.text);
        assert_spans_are_sound(&file.text, &lexed);
        prop_assert!(
            lexed.problems.iter().all(|p| !p.kind.rejected_by_compose()),
            "{:?}", lexed.problems
        );
        let ours = ours(&file.text);
        prop_assert_eq!(ours.len(), file.entries);
        prop_assert_eq!(Ok(ours), dotenvy(&file.text));
    }
}
