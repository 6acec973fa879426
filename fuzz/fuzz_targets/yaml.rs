#![no_main]
//! The YAML layer never panics, and every span it reports lies within the text, on character
//! boundaries, with `raw()` equal to the text it covers; the Compose model built on it never
//! panics either.

use libfuzzer_sys::fuzz_target;
use shiplint::parse::yaml::{self, Node, YamlFile};
use shiplint::source::Span;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let file = yaml::parse(text);
        check(text, &file, Span::new(0, text.len()));
        // The Compose model reads every node kind, tag (`!reset`, `!override`) and merge key.
        let (compose, issues) = shiplint::parse::compose::build(&file);
        assert!(issues.iter().all(|i| valid(text, i.span)));
        drop(compose);
        for block in file.comment_blocks() {
            assert!(valid(text, block.span));
            assert!(block.lines.iter().all(|l| valid(text, *l)));
            assert!(text[block.lines[0].range()].starts_with('#'));
            if let Some(tree) = &block.tree {
                assert!(tree.comment_blocks().is_empty());
                assert!(block.start_line_of_tree < block.lines.len());
                check(text, tree, block.span);
            }
        }
    }
});

fn valid(text: &str, span: Span) -> bool {
    span.start <= span.end
        && span.end <= text.len()
        && text.is_char_boundary(span.start)
        && text.is_char_boundary(span.end)
}

/// Checks every span of `file`, which must also lie within `within`.
fn check(text: &str, file: &YamlFile, within: Span) {
    let inside = |span: Span| valid(text, span) && within.start <= span.start && span.end <= within.end;
    for issue in &file.errors {
        assert!(valid(text, issue.span), "{issue:?}");
    }
    for (first, repeated) in file.duplicate_keys() {
        assert!(inside(*first) && inside(*repeated));
        assert!(first.start < repeated.start);
    }
    for node in file.scalars() {
        check_node(text, node, &inside);
        assert!(node.as_str().is_some());
    }
    // Walk each tree without following aliases (each source node once).
    let mut stack: Vec<Node> = file.documents().collect();
    while let Some(node) = stack.pop() {
        check_node(text, node, &inside);
        if let Some(alias) = node.via_alias() {
            assert!(inside(alias));
            continue;
        }
        stack.extend(node.items());
        for (key, value) in node.entries() {
            stack.push(key);
            stack.push(value);
        }
    }
}

fn check_node(text: &str, node: Node, inside: &impl Fn(Span) -> bool) {
    let span = node.span();
    assert!(inside(span), "{node:?}");
    assert_eq!(node.raw(), &text[span.range()]);
}
