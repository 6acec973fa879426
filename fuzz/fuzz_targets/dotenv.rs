#![no_main]
use libfuzzer_sys::fuzz_target;
use shiplint::parse::dotenv::parse;
use shiplint::source::Span;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let file = parse(text);
    let check = |span: Span| {
        assert!(span.start <= span.end && span.end <= text.len(), "{span:?}");
        assert!(text.is_char_boundary(span.start) && text.is_char_boundary(span.end));
    };
    for e in &file.entries {
        for span in [e.key_span, e.raw_value_span, e.content_span, e.line_span] {
            check(span);
        }
        e.export.into_iter().chain(e.equals).chain(e.comment).for_each(check);
        assert_eq!(e.key, &text[e.key_span.range()]);
        assert!(!e.key.is_empty());
        assert!(e.raw_value_span.start <= e.content_span.start);
        assert!(e.content_span.end <= e.raw_value_span.end);
        assert!(e.line_span.start <= e.key_span.start && e.raw_value_span.end <= e.line_span.end);
        if let Some(comment) = e.comment {
            assert!(text[comment.range()].starts_with('#'));
        }
    }
    for &comment in &file.comments {
        check(comment);
        assert!(text[comment.range()].starts_with('#'));
    }
    for problem in &file.problems {
        check(problem.span);
    }
    assert!(file.problems.windows(2).all(|w| w[0].span.start <= w[1].span.start));
});
