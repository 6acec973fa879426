use super::build::NESTING_LIMIT;
use super::*;
use crate::source::LineIndex;

/// Parses `text` and checks the invariants every parse must keep.
fn parsed(text: &str) -> YamlFile {
    let file = parse(text);
    check_spans(text, &file);
    file
}

/// Every span lies within `text`, on character boundaries, and `raw()` is its text.
fn check_spans(text: &str, file: &YamlFile) {
    let ok = |span: Span| crate::testing::span_in(text, span);
    for node in file.scalars() {
        assert!(ok(node.span()), "scalar span {:?}", node.span());
        assert_eq!(node.raw(), &text[node.span().range()]);
    }
    for id in 0..file.arena.nodes.len() {
        let span = file.arena.nodes[id].span();
        assert!(ok(span), "node span {span:?}");
    }
    for issue in &file.errors {
        assert!(ok(issue.span), "issue {issue:?}");
    }
    for (a, b) in file.duplicate_keys() {
        assert!(ok(*a) && ok(*b));
    }
    for block in file.comment_blocks() {
        assert!(ok(block.span));
        assert!(block
            .lines
            .iter()
            .all(|l| ok(*l) && text[l.range()].starts_with('#')));
        if let Some(tree) = &block.tree {
            for node in tree.scalars() {
                let span = node.span();
                assert!(ok(span) && block.span.start <= span.start && span.end <= block.span.end);
                assert_eq!(node.raw(), &text[span.range()]);
            }
            for issue in &tree.errors {
                assert!(ok(issue.span));
            }
        }
    }
}

fn root(file: &YamlFile) -> Node<'_> {
    file.documents().next().expect("a document")
}

/// The value at a path of mapping keys.
fn at<'a>(file: &'a YamlFile, path: &[&str]) -> Node<'a> {
    path.iter().fold(root(file), |node, key| {
        node.get(key)
            .unwrap_or_else(|| panic!("no key {key} in {node:?}"))
    })
}

fn keys<'a>(node: Node<'a>) -> Vec<&'a str> {
    node.entries()
        .into_iter()
        .map(|(k, _)| k.as_str().unwrap())
        .collect()
}

#[test]
fn scalar_spans_values_and_styles() {
    // (source, key, raw text of the value, decoded value, style)
    let cases: &[(&str, &str, &str, &str, ScalarStyle)] = &[
        ("a: 1\n", "a", "1", "1", ScalarStyle::Plain),
        (
            "a:   'x y'  \n",
            "a",
            "'x y'",
            "x y",
            ScalarStyle::SingleQuoted,
        ),
        (
            "a: 'it''s'\n",
            "a",
            "'it''s'",
            "it's",
            ScalarStyle::SingleQuoted,
        ),
        (
            "a: \"x\\ty\"\n",
            "a",
            "\"x\\ty\"",
            "x\ty",
            ScalarStyle::DoubleQuoted,
        ),
        (
            "a: plain\n  multi\nb: 1\n",
            "a",
            "plain\n  multi",
            "plain multi",
            ScalarStyle::Plain,
        ),
        (
            "a: |\n  l1\n  # l2\n\nb: 2\n",
            "a",
            "l1\n  # l2",
            "l1\n# l2\n",
            ScalarStyle::Literal,
        ),
        (
            "a: >-\n  f1\n  f2\n",
            "a",
            "f1\n  f2",
            "f1 f2",
            ScalarStyle::Folded,
        ),
        (
            "a: |+\n  keep\n\n",
            "a",
            "keep",
            "keep\n\n",
            ScalarStyle::Literal,
        ),
        ("é: ü\n", "é", "ü", "ü", ScalarStyle::Plain),
        (
            "\"quoted key\": v\n",
            "quoted key",
            "v",
            "v",
            ScalarStyle::Plain,
        ),
        (
            "{\"a\": \"x\\u00e9\"}",
            "a",
            "\"x\\u00e9\"",
            "xé",
            ScalarStyle::DoubleQuoted,
        ),
        ("a:\nb: 1\n", "a", "", "", ScalarStyle::Plain),
        ("\u{feff}a: 1\n", "a", "1", "1", ScalarStyle::Plain),
        ("a: !!str 123\n", "a", "123", "123", ScalarStyle::Plain),
        (
            "a: &anchor value\n",
            "a",
            "value",
            "value",
            ScalarStyle::Plain,
        ),
    ];
    for &(source, key, raw, value, style) in cases {
        let file = parsed(source);
        assert!(file.errors.is_empty(), "{source:?}: {:?}", file.errors);
        let node = at(&file, &[key]);
        assert_eq!(node.raw(), raw, "{source:?}");
        assert_eq!(&source[node.span().range()], raw, "{source:?}");
        assert_eq!(node.as_str(), Some(value), "{source:?}");
        assert_eq!(node.style(), Some(style), "{source:?}");
        assert_eq!(node.kind(), NodeKind::Scalar);
        assert_eq!(node.via_alias(), None);
    }
}

#[test]
fn key_spans_point_at_the_keys() {
    let text = "\u{feff}first: 1\n\"second\": 2\nthird:\n  nested: 3\n";
    let file = parsed(text);
    let entries = root(&file).entries();
    let raws: Vec<&str> = entries
        .iter()
        .map(|(k, _)| &text[k.span().range()])
        .collect();
    assert_eq!(raws, ["first", "\"second\"", "third"]);
    // The byte-order mark counts: `first` starts after its three bytes.
    assert_eq!(entries[0].0.span(), Span::new(3, 8));
    let nested = at(&file, &["third"]).entries();
    assert_eq!(&text[nested[0].0.span().range()], "nested");
}

#[test]
fn collection_spans_cover_their_source() {
    let text = "a:\n  b: 1\n  c: [1, 2]\nd:\n- x\n- y\ne: {k: v}\nf:\n  - - p\n    - q\n";
    let file = parsed(text);
    assert_eq!(at(&file, &["a"]).raw(), "b: 1\n  c: [1, 2]");
    assert_eq!(at(&file, &["a", "c"]).raw(), "[1, 2]");
    assert_eq!(at(&file, &["d"]).raw(), "- x\n- y");
    assert_eq!(at(&file, &["e"]).raw(), "{k: v}");
    assert_eq!(at(&file, &["f"]).raw(), "- - p\n    - q");
    assert_eq!(at(&file, &["f"]).items()[0].raw(), "- p\n    - q");
    assert_eq!(root(&file).kind(), NodeKind::Mapping);
    assert_eq!(root(&file).span().start, 0);
    let items: Vec<_> = at(&file, &["a", "c"])
        .items()
        .iter()
        .map(|n| n.as_str().unwrap())
        .collect();
    assert_eq!(items, ["1", "2"]);
    assert_eq!(at(&file, &["a"]).as_str(), None);
    assert!(at(&file, &["a"]).items().is_empty());
    assert!(at(&file, &["d"]).entries().is_empty());
    assert_eq!(at(&file, &["d"]).get("x"), None);
}

#[test]
fn scalars_are_listed_once_in_source_order() {
    let text = "a: &x 1\nb: [*x, two]\nc: *x\n";
    let file = parsed(text);
    let values: Vec<_> = file.scalars().map(|n| n.raw()).collect();
    assert_eq!(values, ["a", "1", "b", "two", "c"]);
}

#[test]
fn value_scalars_leave_out_keys_and_list_anchored_values_once() {
    let text = "a: &x 1\nb: *x\n<<: {c: 2}\nd: [e, {f: g}]\n? k\n: v\n";
    let file = parsed(text);
    let values: Vec<_> = file.value_scalars().map(|n| n.raw()).collect();
    assert_eq!(values, ["1", "2", "e", "g", "v"]);
}

#[test]
fn null_and_bool_follow_the_yaml_1_2_core_schema() {
    let text = "a: ~\nb: null\nc: NULL\nd:\ne: 'null'\nf: true\ng: False\nh: yes\ni: \"true\"\nj: !!bool true\nk: !!str true\nl: tRue\n";
    let file = parsed(text);
    let node = |k| at(&file, &[k]);
    for k in ["a", "b", "c", "d"] {
        assert!(node(k).is_null(), "{k}");
    }
    for k in ["e", "f", "h", "i"] {
        assert!(!node(k).is_null(), "{k}");
    }
    assert_eq!(node("f").as_bool(), Some(true));
    assert_eq!(node("g").as_bool(), Some(false));
    assert_eq!(node("j").as_bool(), Some(true));
    for k in ["a", "h", "i", "k", "l"] {
        assert_eq!(node(k).as_bool(), None, "{k}");
    }
    assert!(!root(&file).is_null());
}

#[test]
fn multi_document_files_give_one_root_per_document() {
    let text = "a: 1\n---\nb: 2\n...\n---\n- 3\n";
    let file = parsed(text);
    assert!(file.errors.is_empty());
    let docs: Vec<_> = file.documents().collect();
    assert_eq!(docs.len(), 3);
    assert_eq!(docs[0].get("a").unwrap().as_str(), Some("1"));
    assert_eq!(docs[1].get("b").unwrap().as_str(), Some("2"));
    assert_eq!(docs[2].items()[0].as_str(), Some("3"));
}

#[test]
fn empty_documents_and_comment_only_files_have_no_root() {
    assert_eq!(parsed("---\n---\na: 1\n").documents().count(), 1);
    assert_eq!(parsed("# only a comment\n").documents().count(), 0);
    assert_eq!(parsed("").documents().count(), 0);
    assert_eq!(parsed("--- ~\n").documents().count(), 1);
}

#[test]
fn an_error_in_one_document_does_not_hide_the_next() {
    let text = "a: [1, 2\n---\nb: 2\n";
    let file = parsed(text);
    assert_eq!(file.errors.len(), 1);
    let docs: Vec<_> = file.documents().collect();
    assert_eq!(docs.len(), 1);
    assert_eq!(docs[0].get("b").unwrap().as_str(), Some("2"));
    // The broken document's nodes are gone, not left half-built.
    assert!(file.scalars().all(|n| n.raw() != "a"));
}

#[test]
fn syntax_error_is_located_without_a_location_suffix() {
    let text = "a: b: c\n";
    let file = parsed(text);
    assert_eq!(file.errors.len(), 1);
    let issue = &file.errors[0];
    assert_eq!(
        issue.message,
        "mapping values are not allowed in this context"
    );
    assert_eq!(issue.span, Span::new(4, 5));
    let lc = LineIndex::new(text).line_col(text, issue.span.start);
    assert_eq!((lc.line, lc.column), (1, 5));
    assert_eq!(file.documents().count(), 0);
}

#[test]
fn errors_on_later_lines_have_their_own_position() {
    let text = "ok: 1\nlist: [a, b\nnext: 2\n";
    let file = parsed(text);
    assert_eq!(file.errors.len(), 1);
    let issue = &file.errors[0];
    assert!(!issue.message.contains("line"), "{}", issue.message);
    let lc = LineIndex::new(text).line_col(text, issue.span.start);
    assert!(lc.line >= 2, "{lc:?}");
}

#[test]
fn aliases_resolve_to_the_anchored_text() {
    let text = "base: &b\n  x: 1\nuse: *b\nlist: [*b]\nscalar: &s hello\ncopy: *s\n";
    let file = parsed(text);
    assert!(file.errors.is_empty());
    let base = at(&file, &["base"]);
    let used = at(&file, &["use"]);
    assert_eq!(used.span(), base.span());
    assert_eq!(used.raw(), "x: 1");
    assert_eq!(used.kind(), NodeKind::Mapping);
    let alias = used.via_alias().unwrap();
    assert_eq!(&text[alias.range()], "*b");
    assert_eq!(base.via_alias(), None);
    // A node inside an aliased collection remembers the alias it was reached by.
    let x = used.get("x").unwrap();
    assert_eq!(x.raw(), "1");
    assert_eq!(x.via_alias(), Some(alias));
    let item = at(&file, &["list"]).items()[0];
    assert_eq!(item.span(), base.span());
    assert_eq!(&text[item.via_alias().unwrap().range()], "*b");
    let copy = at(&file, &["copy"]);
    assert_eq!(copy.as_str(), Some("hello"));
    assert_eq!(copy.raw(), "hello");
    assert_eq!(&text[copy.via_alias().unwrap().range()], "*s");
}

#[test]
fn unknown_anchor_is_reported_and_the_tree_continues() {
    let text = "a: *missing\nb: 1\n";
    let file = parsed(text);
    assert_eq!(file.errors.len(), 1);
    assert_eq!(file.errors[0].message, "unknown anchor `missing`");
    assert_eq!(&text[file.errors[0].span.range()], "*missing");
    let a = at(&file, &["a"]);
    assert_eq!(a.kind(), NodeKind::UnresolvedAlias);
    assert_eq!(a.raw(), "*missing");
    assert_eq!(a.as_str(), None);
    assert_eq!(at(&file, &["b"]).as_str(), Some("1"));
}

#[test]
fn anchors_do_not_carry_across_documents() {
    let file = parsed("a: &x 1\n---\nb: *x\n");
    assert_eq!(file.errors.len(), 1);
    assert_eq!(file.errors[0].message, "unknown anchor `x`");
    assert_eq!(file.documents().count(), 2);
}

#[test]
fn merge_key_with_one_alias() {
    let text = "base: &base\n  image: app\n  env: prod\nsvc:\n  <<: *base\n  env: dev\n";
    let file = parsed(text);
    let svc = at(&file, &["svc"]);
    let image = svc.get("image").unwrap();
    assert_eq!(image.as_str(), Some("app"));
    assert_eq!(&text[image.span().range()], "app");
    let alias = image.via_alias().unwrap();
    assert_eq!(&text[alias.range()], "*base");
    assert_eq!(svc.get("env").unwrap().as_str(), Some("dev"));
    assert_eq!(svc.get("env").unwrap().via_alias(), None);
    assert_eq!(svc.get("<<"), None);

    let entries = svc.entries();
    assert_eq!(keys(svc), ["env", "image"]);
    let (key, value) = entries[1];
    assert_eq!(key.raw(), "image");
    assert_eq!(key.span(), Span::new(14, 19));
    assert_eq!(value.raw(), "app");
    assert_eq!(key.via_alias(), Some(alias));
    assert_eq!(value.via_alias(), Some(alias));
    assert_eq!(entries[0].1.via_alias(), None);
}

#[test]
fn merge_key_with_a_list_earlier_sources_win() {
    let text = "\
a: &a {x: a, y: a}
b: &b {x: b, z: b, w: b}
c:
  <<: [*a, *b]
  y: own
  w: own
";
    let file = parsed(text);
    let c = at(&file, &["c"]);
    assert_eq!(c.get("x").unwrap().as_str(), Some("a"));
    assert_eq!(c.get("y").unwrap().as_str(), Some("own"));
    assert_eq!(c.get("z").unwrap().as_str(), Some("b"));
    assert_eq!(c.get("w").unwrap().as_str(), Some("own"));
    assert_eq!(keys(c), ["y", "w", "x", "z"]);
    let entries = c.entries();
    let via = |i: usize| &text[entries[i].1.via_alias().unwrap().range()];
    assert_eq!(via(2), "*a");
    assert_eq!(via(3), "*b");
    // Merged entries keep their own spans.
    assert_eq!(entries[2].0.span(), Span::new(7, 8));
    assert_eq!(entries[2].1.span(), Span::new(10, 11));
}

#[test]
fn merge_chains_and_inline_merges() {
    let text = "\
x: &x {deep: 1, over: x}
y: &y {<<: *x, mid: 2, over: y}
z:
  <<: *y
  <<: {inline: 3}
";
    let file = parsed(text);
    assert!(file.duplicate_keys().is_empty());
    let z = at(&file, &["z"]);
    assert_eq!(z.get("deep").unwrap().as_str(), Some("1"));
    assert_eq!(z.get("over").unwrap().as_str(), Some("y"));
    assert_eq!(z.get("inline").unwrap().as_str(), Some("3"));
    assert_eq!(keys(z), ["mid", "over", "deep", "inline"]);
    // Entries merged through a chain are marked with the outermost merge's alias.
    let deep = z.entries()[2].1;
    assert_eq!(&text[deep.via_alias().unwrap().range()], "*y");
    assert_eq!(z.entries()[3].1.via_alias(), None);
}

#[test]
fn quoted_merge_key_is_an_ordinary_key() {
    let file = parsed("a: &a {k: 1}\nb: {'<<': *a}\n");
    let b = at(&file, &["b"]);
    assert_eq!(b.get("k"), None);
    assert_eq!(b.get("<<").unwrap().kind(), NodeKind::Mapping);
}

#[test]
fn self_referencing_structures_are_errors_not_cycles() {
    let text = "a: &a\n  k: 1\n  <<: *a\nb: &b [*b]\n";
    let file = parsed(text);
    assert_eq!(file.errors.len(), 2, "{:?}", file.errors);
    assert!(file.errors[0].message.contains("contains it"));
    assert_eq!(&text[file.errors[0].span.range()], "*a");
    let a = at(&file, &["a"]);
    assert_eq!(a.get("k").unwrap().as_str(), Some("1"));
    assert_eq!(a.get("missing"), None);
    assert_eq!(keys(a), ["k"]);
    let b = at(&file, &["b"]);
    assert_eq!(b.items()[0].kind(), NodeKind::UnresolvedAlias);
}

#[test]
fn merge_depth_is_capped() {
    let mut text = String::from("m0: &m0 {k0: 0}\n");
    for i in 1..40 {
        text.push_str(&format!("m{i}: &m{i} {{<<: *m{}, k{i}: {i}}}\n", i - 1));
    }
    let file = parsed(&text);
    assert!(file.errors.is_empty());
    let m39 = at(&file, &["m39"]);
    assert!(m39.get("k39").is_some());
    let deepest = 39 - MERGE_DEPTH_LIMIT;
    assert!(m39.get(&format!("k{deepest}")).is_some());
    assert!(m39.get(&format!("k{}", deepest - 1)).is_none());
    assert_eq!(m39.entries().len(), MERGE_DEPTH_LIMIT + 1);
}

#[test]
fn merge_fan_out_is_visited_once_per_mapping() {
    // Ten levels that each merge the previous level ten times: 10^10 paths, 10 mappings.
    let mut text = String::from("l0: &l0 {k0: v}\n");
    for i in 1..10 {
        let sources = vec![format!("*l{}", i - 1); 10].join(", ");
        text.push_str(&format!("l{i}: &l{i} {{<<: [{sources}], k{i}: v}}\n"));
    }
    let file = parsed(&text);
    let l9 = at(&file, &["l9"]);
    assert_eq!(l9.entries().len(), 10);
    assert_eq!(l9.get("missing"), None);
    assert!(l9.get("k0").is_some());
}

#[test]
fn duplicate_keys_are_reported_first_then_repeated() {
    let text = "a: 1\nb: 2\na: 3\n\"b\": 4\n<<: {}\n<<: {}\n";
    let file = parsed(text);
    let dups: Vec<(&str, &str, usize, usize)> = file
        .duplicate_keys()
        .iter()
        .map(|(f, r)| (&text[f.range()], &text[r.range()], f.start, r.start))
        .collect();
    assert_eq!(dups, [("a", "a", 0, 10), ("b", "\"b\"", 5, 15)]);
    // The last occurrence is the value loaders keep.
    assert_eq!(at(&file, &["a"]).as_str(), Some("3"));
    // Both stay visible in the entries.
    assert_eq!(keys(root(&file)), ["a", "b", "a", "b"]);
}

#[test]
fn duplicate_keys_in_large_and_nested_mappings() {
    let mut text = String::from("outer:\n");
    for i in 0..40 {
        text.push_str(&format!("  k{i}: {i}\n"));
    }
    text.push_str("  k7: again\nflow: {x: 1, y: 2, x: 3}\n");
    let file = parsed(&text);
    let dups: Vec<_> = file
        .duplicate_keys()
        .iter()
        .map(|(f, r)| (&text[f.range()], f.start < r.start))
        .collect();
    assert_eq!(dups, [("k7", true), ("x", true)]);
}

#[test]
fn json_parses_through_the_same_tree() {
    let text = "{\n\t\"dashboard\": {\n\t\t\"title\": \"API\",\n\t\t\"panels\": [{\"id\": 1, \"datasource\": null}, {\"id\": 2}]\n\t},\n\t\"editable\": true\n}\n";
    let file = parsed(text);
    assert!(file.errors.is_empty(), "{:?}", file.errors);
    let panels = at(&file, &["dashboard", "panels"]).items();
    assert_eq!(panels.len(), 2);
    assert!(panels[0].get("datasource").unwrap().is_null());
    assert_eq!(panels[1].get("id").unwrap().raw(), "2");
    assert_eq!(at(&file, &["dashboard", "title"]).raw(), "\"API\"");
    assert_eq!(at(&file, &["editable"]).as_bool(), Some(true));
}

#[test]
fn crlf_files_keep_exact_spans() {
    let text = "a: 1\r\nb: |\r\n  x\r\n  y\r\n# c1\r\n# c2\r\n";
    let file = parsed(text);
    assert!(file.errors.is_empty());
    assert_eq!(at(&file, &["b"]).raw(), "x\r\n  y");
    assert_eq!(at(&file, &["b"]).as_str(), Some("x\ny\n"));
    let blocks = file.comment_blocks();
    assert_eq!(blocks.len(), 1);
    assert_eq!(blocks[0].lines.len(), 2);
    assert_eq!(blocks[0].text, "c1\nc2");
}

const PROMETHEUS: &str = "\
global:
  scrape_interval: 15s

scrape_configs:
  - job_name: app
    static_configs:
      - targets: ['app:8000']
  # - job_name: nginx
  #   static_configs:
  #     - targets: ['nginx:9113']

# alerting:
#   alertmanagers:
#     - static_configs:
#         - targets: ['alertmanager:9093']
";

#[test]
fn commented_out_scrape_job_parses_with_file_spans() {
    let file = parsed(PROMETHEUS);
    assert!(file.errors.is_empty());
    let blocks = file.comment_blocks();
    assert_eq!(blocks.len(), 2);
    let job = &blocks[0];
    assert_eq!(
        &PROMETHEUS[job.span.range()],
        "# - job_name: nginx\n  #   static_configs:\n  #     - targets: ['nginx:9113']"
    );
    assert_eq!(job.lines.len(), 3);
    assert_eq!(&PROMETHEUS[job.lines[1].range()], "#   static_configs:");
    assert_eq!(
        job.text,
        "- job_name: nginx\n  static_configs:\n    - targets: ['nginx:9113']"
    );
    assert_eq!(job.start_line_of_tree, 0);
    let tree = job.tree.as_ref().unwrap();
    let seq = root(tree);
    assert_eq!(seq.kind(), NodeKind::Sequence);
    let items = seq.items();
    assert_eq!(items.len(), 1);
    assert_eq!(keys(items[0]), ["job_name", "static_configs"]);
    let (key, value) = items[0].entries()[0];
    assert_eq!(&PROMETHEUS[key.span().range()], "job_name");
    assert_eq!(key.raw(), "job_name");
    assert_eq!(value.as_str(), Some("nginx"));
    let line = LineIndex::new(PROMETHEUS).line_col(PROMETHEUS, key.span().start);
    assert_eq!((line.line, line.column), (8, 7));
    let target = items[0].get("static_configs").unwrap().items()[0]
        .get("targets")
        .unwrap()
        .items()[0];
    assert_eq!(target.as_str(), Some("nginx:9113"));
    assert_eq!(&PROMETHEUS[target.span().range()], "'nginx:9113'");
    // A collection spanning several comment lines covers them in the file.
    assert_eq!(
        items[0].raw(),
        "- job_name: nginx\n  #   static_configs:\n  #     - targets: ['nginx:9113']"
            .trim_start_matches("- ")
    );
}

#[test]
fn commented_out_alerting_block_parses() {
    let file = parsed(PROMETHEUS);
    let block = &file.comment_blocks()[1];
    let tree = block.tree.as_ref().unwrap();
    let managers = at(tree, &["alerting", "alertmanagers"]);
    assert_eq!(managers.kind(), NodeKind::Sequence);
    let target = managers.items()[0].get("static_configs").unwrap().items()[0]
        .get("targets")
        .unwrap()
        .items()[0];
    assert_eq!(target.as_str(), Some("alertmanager:9093"));
    assert_eq!(&PROMETHEUS[target.span().range()], "'alertmanager:9093'");
    let key = root(tree).entries()[0].0;
    assert_eq!(&PROMETHEUS[key.span().range()], "alerting");
}

#[test]
fn hash_lines_inside_a_block_scalar_are_not_comments() {
    let text = "script: |\n  # install\n  # more\n  pip install x\nother: 1\n";
    let file = parsed(text);
    assert!(file.comment_blocks().is_empty());
    assert!(at(&file, &["script"])
        .as_str()
        .unwrap()
        .starts_with("# install\n"));
}

#[test]
fn trailing_comments_are_not_blocks() {
    let text = "a: 1 # one\nb: 2 # two\n- # three\n";
    let file = parse(text);
    assert!(file.comment_blocks().is_empty());
    let text = "a: 1 # trailing\n# whole line\n";
    let file = parsed(text);
    let blocks = file.comment_blocks();
    assert_eq!(blocks.len(), 1);
    assert_eq!(&text[blocks[0].span.range()], "# whole line");
}

#[test]
fn blank_lines_split_comment_blocks() {
    let text = "# one\n# two\n\n# three\nkey: v\n    # indented\n";
    let file = parsed(text);
    let texts: Vec<_> = file
        .comment_blocks()
        .iter()
        .map(|b| b.text.as_str())
        .collect();
    assert_eq!(texts, ["one\ntwo", "three", "indented"]);
}

#[test]
fn leading_prose_lines_are_dropped_until_the_block_parses() {
    let text = "\
scrape_configs:
  # TODO: re-enable once the exporter is deployed, see the runbook [ops]
  # - job_name: nginx
  #   static_configs:
  #     - targets: ['nginx:9113']
  - job_name: app
";
    let file = parsed(text);
    assert!(file.errors.is_empty());
    let block = &file.comment_blocks()[0];
    assert_eq!(block.lines.len(), 4);
    assert_eq!(block.start_line_of_tree, 1);
    let tree = block.tree.as_ref().unwrap();
    let job = root(tree).items()[0];
    assert_eq!(job.get("job_name").unwrap().as_str(), Some("nginx"));
    assert_eq!(&text[job.entries()[0].0.span().range()], "job_name");
}

#[test]
fn a_sentence_ending_in_a_colon_is_prose_not_a_key() {
    let text = "\
# Uncomment the following to scrape nginx:
#   - job_name: nginx
#     static_configs: [{targets: ['nginx:9113']}]
";
    let file = parsed(text);
    let block = &file.comment_blocks()[0];
    assert_eq!(block.start_line_of_tree, 1);
    let tree = block.tree.as_ref().unwrap();
    assert_eq!(root(tree).kind(), NodeKind::Sequence);
    assert_eq!(keys(root(tree).items()[0]), ["job_name", "static_configs"]);
}

#[test]
fn a_key_value_note_before_the_block_is_dropped() {
    let text = "# NOTE: disabled for now\n# - job_name: nginx\n";
    let file = parsed(text);
    let block = &file.comment_blocks()[0];
    assert_eq!(block.start_line_of_tree, 1);
    let tree = block.tree.as_ref().unwrap();
    assert_eq!(keys(root(tree).items()[0]), ["job_name"]);
}

#[test]
fn trailing_prose_lines_are_cut() {
    let text = "\
# - job_name: nginx
#   static_configs:
#     - targets: ['nginx:9113']
# (disabled until the exporter is deployed)
";
    let file = parsed(text);
    let block = &file.comment_blocks()[0];
    let tree = block.tree.as_ref().unwrap();
    let job = root(tree).items()[0];
    assert_eq!(keys(job), ["job_name", "static_configs"]);
}

#[test]
fn prose_blocks_parse_as_text_and_broken_blocks_have_no_tree() {
    let file = parsed("# Prometheus configuration\n# for the staging stack\n");
    let tree = file.comment_blocks()[0].tree.as_ref().unwrap();
    assert_eq!(
        root(tree).as_str(),
        Some("Prometheus configuration for the staging stack")
    );
    let file = parsed("# [unclosed\n");
    assert!(file.comment_blocks()[0].tree.is_none());
    assert_eq!(file.comment_blocks()[0].start_line_of_tree, 0);
}

#[test]
fn commented_service_keeps_relative_indentation() {
    let text = "\
services:
  web:
    image: app
#  worker:
#    image: app
#    command: celery worker
";
    let file = parsed(text);
    let tree = file.comment_blocks()[0].tree.as_ref().unwrap();
    let worker = at(tree, &["worker"]);
    assert_eq!(worker.get("image").unwrap().as_str(), Some("app"));
    let command = worker.get("command").unwrap();
    assert_eq!(&text[command.span().range()], "celery worker");
}

#[test]
fn long_comment_block_between_key_and_value_parses() {
    let mut text = String::from("key:\n");
    for i in 0..300 {
        text.push_str(&format!("  # - job_name: job{i}\n"));
    }
    text.push_str("  value\nnext: 1\n");
    let file = parsed(&text);
    assert!(file.errors.is_empty(), "{:?}", file.errors);
    assert_eq!(at(&file, &["key"]).as_str(), Some("value"));
    let blocks = file.comment_blocks();
    assert_eq!(blocks.len(), 1);
    assert_eq!(blocks[0].lines.len(), 300);
    let tree = blocks[0].tree.as_ref().unwrap();
    assert_eq!(root(tree).items().len(), 300);
}

#[test]
fn a_commented_heading_inside_the_block_is_a_comment_of_the_tree() {
    let text = "# # Alerting\n# alerting:\n#   alertmanagers: []\n";
    let file = parsed(text);
    let block = &file.comment_blocks()[0];
    let tree = block.tree.as_ref().unwrap();
    assert_eq!(at(tree, &["alerting", "alertmanagers"]).raw(), "[]");
}

#[test]
fn comment_trees_do_not_nest() {
    let file = parsed("# a: 1  # inner\n# # b: 2\n");
    let tree = file.comment_blocks()[0].tree.as_ref().unwrap();
    assert!(tree.comment_blocks().is_empty());
    assert_eq!(at(tree, &["a"]).as_str(), Some("1"));
}

#[test]
fn deep_flow_nesting_is_a_located_error() {
    let text = "[".repeat(100_000);
    let file = parsed(&text);
    assert_eq!(file.errors.len(), 1);
    assert!(file.errors[0].message.contains("nested more than 256"));
    assert_eq!(file.errors[0].span.start, NESTING_LIMIT);
    assert_eq!(file.documents().count(), 0);
}

#[test]
fn deep_block_nesting_is_a_located_error() {
    let text = format!("{}x\n", "- ".repeat(100_000));
    let file = parsed(&text);
    assert_eq!(file.errors.len(), 1, "{:?}", file.errors);
    assert!(file.errors[0].message.contains("nested more than 256"));

    let mut text = String::new();
    for depth in 0..1_000 {
        text.push_str(&" ".repeat(depth));
        text.push_str("k:\n");
    }
    let file = parsed(&text);
    assert_eq!(file.errors.len(), 1, "{:?}", file.errors);
    let line = LineIndex::new(&text).line_of(file.errors[0].span.start);
    assert!((250..=260).contains(&line), "{line}");
}

#[test]
fn nesting_within_the_limit_parses() {
    let text = format!("{}{}", "[".repeat(200), "]".repeat(200));
    let file = parsed(&text);
    assert!(file.errors.is_empty());
}

fn billion_laughs() -> String {
    let mut text = String::from(
        "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
    );
    let names = ["a", "b", "c", "d", "e", "f", "g", "h", "i"];
    for pair in names.windows(2) {
        let refs = vec![format!("*{}", pair[0]); 10].join(",");
        text.push_str(&format!("{}: &{} [{refs}]\n", pair[1], pair[1]));
    }
    text
}

#[test]
fn billion_laughs_is_reported_at_the_alias_and_the_tree_kept() {
    let text = billion_laughs();
    let file = parsed(&text);
    assert_eq!(file.errors.len(), 1, "{:?}", file.errors);
    let issue = &file.errors[0];
    assert!(issue.message.starts_with("alias expansion too large"));
    assert!(text[issue.span.range()].starts_with('*'));
    // The alias that crosses the limit is one in `f`, each of which expands to 111,111 nodes.
    assert_eq!(&text[issue.span.range()], "*e");
    assert_eq!(LineIndex::new(&text).line_of(issue.span.start), 5);
    let i = at(&file, &["i"]);
    assert_eq!(i.items().len(), 10);
    assert_eq!(i.items()[0].items()[0].items().len(), 10);
    assert_eq!(file.arena.nodes.len(), 2 + 11 + 8 * 12);
}

#[test]
fn normal_alias_use_is_not_an_expansion_problem() {
    let mut text = String::from(
        "x-common: &common\n  restart: always\n  logging: {driver: json}\nservices:\n",
    );
    for i in 0..200 {
        text.push_str(&format!("  s{i}:\n    <<: *common\n    image: app\n"));
    }
    let file = parsed(&text);
    assert!(file.errors.is_empty());
    assert_eq!(
        at(&file, &["services", "s199", "restart"]).as_str(),
        Some("always")
    );
}

#[test]
fn large_generated_file_parses() {
    let mut text = String::with_capacity(5_300_000);
    text.push_str("# generated\nservices:\n");
    let mut i = 0;
    while text.len() < 5_000_000 {
        text.push_str(&format!(
            "  svc{i}:\n    image: \"registry.example.com/app:{i}\"\n    environment:\n      - KEY_{i}=value\n    ports: [\"{i}:80\"]\n    # note {i}\n"
        ));
        i += 1;
    }
    let file = parse(&text);
    assert!(file.errors.is_empty());
    let services = at(&file, &["services"]);
    assert_eq!(services.entries().len(), i);
    let last = services.get(&format!("svc{}", i - 1)).unwrap();
    assert_eq!(
        last.get("ports").unwrap().items()[0].as_str(),
        Some(format!("{}:80", i - 1).as_str())
    );
    assert_eq!(file.comment_blocks().len(), i + 1);
    assert_eq!(file.scalars().count(), 1 + i * 7);
}

#[test]
fn arbitrary_bytes_never_break_spans() {
    let inputs = [
        "\u{feff}",
        "\u{feff}# c\n",
        "a: \"\\L\\P\"\n",
        "? complex\n: key\n",
        "? [a, b]\n: v\n",
        "- &a\n- *a\n",
        "{a: [b, {c: d}], e: *x}",
        "%YAML 1.2\n---\na: 1\n",
        "%BAD\n",
        "a: 'unterminated\n",
        "\t- tab\n",
        "a:\n\t- tab\n",
        "- \u{1F600}: \u{1F600}\n# \u{1F600}\n",
        "#\u{1F600}\n#  é: x\n",
        "key: value\n...\n---\n&a [*a]\n",
        "!!map {? a}\n",
        "--- |\n  text\n--- >\n  folded\n",
        "[a, b]: c\n",
        "a: !tag\n  - x\n",
        "x: &a\n",
        ":\n",
        "-\n-\n",
        "#\n#\n#\n",
    ];
    for text in inputs {
        let _ = parsed(text);
    }
}

/// Walks every tree like a rule would (entries, items, lookups) without following aliases.
fn walk(file: &YamlFile) -> usize {
    let mut seen = 0;
    let mut stack: Vec<Node> = file.documents().collect();
    while let Some(node) = stack.pop() {
        seen += 1;
        let _ = (node.get("a"), node.is_null(), node.as_bool(), node.raw());
        if node.via_alias().is_some() {
            continue;
        }
        stack.extend(node.items());
        for (key, value) in node.entries() {
            stack.push(key);
            stack.push(value);
        }
    }
    seen
}

#[test]
fn random_yaml_like_inputs_keep_span_invariants() {
    const TOKENS: &[&str] = &[
        "a",
        "b",
        ":",
        ": ",
        " ",
        "\n",
        "- ",
        "[",
        "]",
        "{",
        "}",
        ", ",
        "# ",
        "#",
        "&x ",
        "*x",
        "<<: ",
        "'",
        "\"",
        "| ",
        ">-",
        "\t",
        "é",
        "? ",
        "---\n",
        "...\n",
        "  ",
        "!!str ",
        "\\",
        "\r\n",
        "%YAML 1.2\n",
        "\u{feff}",
        "\u{1F600}",
        "\\u00e9",
        "~",
    ];
    // A fixed xorshift sequence: deterministic, no dependency.
    let mut rng = crate::testing::XorShift::new(0x9E37_79B9_7F4A_7C15);
    let mut next = move || rng.next_u64();
    for _ in 0..3_000 {
        let len = 1 + next() % 48;
        let text: String = (0..len)
            .map(|_| TOKENS[(next() % TOKENS.len() as u64) as usize])
            .collect();
        let file = parsed(&text);
        walk(&file);
        for block in file.comment_blocks() {
            if let Some(tree) = &block.tree {
                walk(tree);
            }
        }
    }
}

#[test]
fn json_keys_longer_than_yaml_implicit_keys_parse() {
    let long = "x".repeat(5000);
    let text = format!("{{\"{long}\": 1, \"a\": [{{\"b\": \"{long}\"}}]}}");
    let file = parsed(&text);
    assert!(file.errors.is_empty(), "{:?}", file.errors);
    assert_eq!(at(&file, &[long.as_str()]).as_str(), Some("1"));
}

#[test]
fn compose_merge_tags_are_kept_on_scalars_and_collections() {
    let text = "\
services:
  web:
    ports: !reset []
    environment: !override
      A: b
    command: !reset null
    image: !custom app
    volumes: !override [a]
    labels:
      - !reset x
";
    let file = parse(text);
    let web = file
        .documents()
        .next()
        .unwrap()
        .get("services")
        .unwrap()
        .get("web")
        .unwrap();
    let tag = |key: &str| web.get(key).unwrap().merge_tag();
    assert_eq!(tag("ports"), Some(MergeTag::Reset));
    assert_eq!(tag("environment"), Some(MergeTag::Override));
    assert_eq!(tag("command"), Some(MergeTag::Reset));
    assert_eq!(tag("image"), None);
    assert_eq!(tag("volumes"), Some(MergeTag::Override));
    assert_eq!(tag("labels"), None);
    let label = web.get("labels").unwrap().items()[0];
    assert_eq!(label.merge_tag(), Some(MergeTag::Reset));
    assert_eq!(
        web.get("environment")
            .unwrap()
            .get("A")
            .unwrap()
            .merge_tag(),
        None
    );
}

#[test]
fn merge_tags_of_an_abandoned_document_are_dropped() {
    let file = parse("a: !reset [\n---\nb: !override {x: 1}\nc: 1\n");
    let doc = file.documents().last().unwrap();
    assert_eq!(doc.get("b").unwrap().merge_tag(), Some(MergeTag::Override));
    assert_eq!(doc.get("c").unwrap().merge_tag(), None);
}
