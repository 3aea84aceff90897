//! Property tests: arbitrary text through the segmenter.

use planthemes::ingest::{Document, Format, Page};
use planthemes::segment::{
    blocks, split, BlockKind, NoLexicon, SegmentOptions, TokenCount, WordCount,
};
use proptest::prelude::*;

pub(crate) fn document(pages: Vec<String>) -> Document {
    Document {
        id: "doc".into(),
        // Pages as a PDF has them (only a PDF is cited by page).
        path: "doc.pdf".into(),
        format: Format::Pdf,
        title: None,
        pages: pages
            .into_iter()
            .enumerate()
            .map(|(i, text)| Page {
                number: i as u32 + 1,
                text,
            })
            .collect(),
        note: None,
    }
}

/// Text with the shapes plans have: words, numbers, punctuation, bullets, headings,
/// table bars, hyphens at line ends, ligatures, blank lines, and some anything-goes.
fn page_text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        4 => "[A-Za-z]{1,12}",
        1 => "[0-9]{1,4}%?",
        2 => Just(" ".to_string()),
        1 => Just("\n".to_string()),
        1 => Just("\n\n".to_string()),
        1 => Just(". ".to_string()),
        1 => Just(":\n• ".to_string()),
        1 => Just("\n# ".to_string()),
        1 => Just(" | ".to_string()),
        1 => Just("-\n".to_string()),
        1 => Just("\u{FB01}".to_string()),
        1 => "\\PC{1,3}",
    ];
    prop::collection::vec(piece, 0..300).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn passages_fit_the_budget_have_valid_spans_and_lose_nothing(
        pages in prop::collection::vec(page_text(), 1..4),
        budget in 12usize..80,
    ) {
        let doc = document(pages);
        let seg = split(&doc, &WordCount, &NoLexicon, &SegmentOptions { max_tokens: budget });
        let text = &seg.cleaned.text;
        let mut covered = vec![false; text.len()];
        let mut last_end = 0;
        for p in &seg.passages {
            let [start, end] = p.span;
            prop_assert!(start < end && end <= text.len());
            prop_assert!(text.is_char_boundary(start) && text.is_char_boundary(end));
            prop_assert_eq!(&text[start..end], p.text.as_str());
            prop_assert!(start >= last_end, "passages overlap or go backwards");
            last_end = end;
            // Within budget, unless a single word is over it on its own.
            let tokens = WordCount.count_tokens(&p.text);
            prop_assert!(tokens <= budget || p.text.split_whitespace().count() == 1,
                "{} tokens over a budget of {}: {:?}", tokens, budget, p.text);
            prop_assert!(p.page_first.is_some() && p.page_first <= p.page_last);
            covered[start..end].iter_mut().for_each(|c| *c = true);
        }
        for b in blocks(text).iter().filter(|b| b.kind == BlockKind::Heading) {
            covered[b.span.clone()].iter_mut().for_each(|c| *c = true);
        }
        for (i, c) in text.char_indices() {
            prop_assert!(covered[i] || c.is_whitespace(), "{:?} at byte {} is in no passage", c, i);
        }
    }
}
