//! The `segment` stage: [`Document`] → [`Passage`]s a reader would recognise as the
//! document's own paragraphs, each within a token budget and traceable to its pages,
//! headings and byte span in the cleaned text.
//!
//! Only a PDF has pages. A passage of a DOCX, HTML, Markdown or text document has no
//! page: it is found by its heading path and its paragraph number within that
//! section, which is what [`Passage::citation`] gives.

mod blocks;
mod clean;
mod pack;

use serde::{Deserialize, Serialize};

pub use blocks::{blocks, Block, BlockKind};
pub use clean::{clean, Cleaned, Lexicon, NoLexicon};

use crate::ingest::Document;

/// Counts tokens the way the encoder will (special tokens included).
pub trait TokenCount: Sync {
    fn count_tokens(&self, text: &str) -> usize;
}

/// Whitespace words plus two (for [CLS] and [SEP]): a stand-in for tests.
pub struct WordCount;

impl TokenCount for WordCount {
    fn count_tokens(&self, text: &str) -> usize {
        text.split_whitespace().count() + 2
    }
}

/// One passage with its provenance.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Passage {
    /// `<document id>#<n>`, n from 1 in reading order.
    pub id: String,
    pub doc: String,
    /// The pages it spans, for a paged document (a PDF); `None` for the rest.
    pub page_first: Option<u32>,
    pub page_last: Option<u32>,
    pub heading_path: Vec<String>,
    /// Where it starts within its section: the number of the paragraph, list or table
    /// (counted from 1 after the nearest heading) that holds its first byte.
    pub paragraph: u32,
    /// Byte range in the cleaned document text.
    pub span: [usize; 2],
    pub text: String,
}

impl Passage {
    /// How a reader finds it: see [`citation`].
    pub fn citation(&self) -> String {
        citation(
            self.page_first,
            self.page_last,
            &self.heading_path,
            self.paragraph,
        )
    }
}

/// A passage's place as a reader would cite it: `p. 4` or `pp. 4–5` in a paged
/// document; otherwise its section and paragraph, `Our priorities › Housing, para. 2`
/// (`para. 2` alone before the first heading). Never an invented page.
pub fn citation(
    page_first: Option<u32>,
    page_last: Option<u32>,
    heading_path: &[String],
    paragraph: u32,
) -> String {
    match (page_first, page_last) {
        (Some(a), Some(b)) if a != b => format!("pp. {a}–{b}"),
        (Some(a), _) => format!("p. {a}"),
        _ if heading_path.is_empty() => format!("para. {paragraph}"),
        _ => format!("{}, para. {paragraph}", heading_path.join(" › ")),
    }
}

#[derive(Debug, Clone)]
pub struct SegmentOptions {
    /// Most tokens in a passage (default 200; never above the encoder's maximum).
    pub max_tokens: usize,
}

impl Default for SegmentOptions {
    fn default() -> Self {
        SegmentOptions { max_tokens: 200 }
    }
}

/// A document's cleaned text and its passages.
#[derive(Debug, Clone)]
pub struct Segmented {
    pub cleaned: Cleaned,
    pub passages: Vec<Passage>,
}

/// Cleans and splits a document.
pub fn split(
    doc: &Document,
    tokens: &dyn TokenCount,
    lexicon: &dyn Lexicon,
    options: &SegmentOptions,
) -> Segmented {
    let cleaned = clean(&doc.pages, lexicon);
    let found = blocks(&cleaned.text);
    let paged = doc.format == crate::ingest::Format::Pdf;
    let paragraphs = paragraph_starts(&found);
    let passages = pack::pack(&cleaned.text, &found, tokens, options.max_tokens.max(8))
        .into_iter()
        .filter(|p| !cleaned.text[p.span.clone()].trim().is_empty())
        .enumerate()
        .map(|(i, p)| Passage {
            id: format!("{}#{}", doc.id, i + 1),
            doc: doc.id.clone(),
            page_first: paged.then(|| cleaned.page_at(p.span.start)),
            page_last: paged
                .then(|| cleaned.page_at(p.span.end.saturating_sub(1).max(p.span.start))),
            paragraph: paragraph_at(&paragraphs, p.span.start),
            heading_path: p.heading_path,
            span: [p.span.start, p.span.end],
            text: cleaned.text[p.span].to_string(),
        })
        .collect();
    Segmented { cleaned, passages }
}

/// Each non-heading block's first byte and its number within its section.
fn paragraph_starts(found: &[Block]) -> Vec<(usize, u32)> {
    let mut out = Vec::new();
    let mut n = 0;
    for block in found {
        if block.kind == BlockKind::Heading {
            n = 0;
        } else {
            n += 1;
            out.push((block.span.start, n));
        }
    }
    out
}

/// The number of the block holding byte `at` (the last to start at or before it).
fn paragraph_at(starts: &[(usize, u32)], at: usize) -> u32 {
    let i = starts.partition_point(|&(start, _)| start <= at);
    if i == 0 {
        1
    } else {
        starts[i - 1].1
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::{Format, Page};

    fn doc(format: Format, pages: &[&str]) -> Document {
        Document {
            id: "d".into(),
            path: "d".into(),
            format,
            title: None,
            pages: pages
                .iter()
                .enumerate()
                .map(|(i, t)| Page {
                    number: i as u32 + 1,
                    text: t.to_string(),
                })
                .collect(),
            note: None,
        }
    }

    const PLAN: &str = "Opening words of the plan before any heading.\n\n# Our priorities\n\n\
        ## Housing\n\nFirst paragraph on warm homes and damp.\n\n\
        Second paragraph on homelessness prevention.\n\n## Access\n\nOne on waiting lists.\n";

    #[test]
    fn a_document_without_pages_is_cited_by_section_and_paragraph() {
        let seg = split(
            &doc(Format::Markdown, &[PLAN]),
            &WordCount,
            &NoLexicon,
            &SegmentOptions { max_tokens: 12 },
        );
        let cites: Vec<String> = seg.passages.iter().map(Passage::citation).collect();
        assert!(seg
            .passages
            .iter()
            .all(|p| p.page_first.is_none() && p.page_last.is_none()));
        assert_eq!(
            cites,
            [
                "para. 1",
                "Our priorities › Housing, para. 1",
                "Our priorities › Housing, para. 2",
                "Our priorities › Access, para. 1"
            ]
        );
        assert!(cites.iter().all(|c| !c.contains("p. ")));
    }

    #[test]
    fn a_pdf_is_cited_by_page() {
        let seg = split(
            &doc(
                Format::Pdf,
                &["First page words here.", "Second page words here."],
            ),
            &WordCount,
            &NoLexicon,
            &SegmentOptions::default(),
        );
        let cites: Vec<String> = seg.passages.iter().map(Passage::citation).collect();
        assert!(cites.iter().all(|c| c.starts_with("p")), "{cites:?}");
        assert_eq!(seg.passages.last().unwrap().page_last, Some(2));
    }
}
