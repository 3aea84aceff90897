//! The `segment` stage: [`Document`] → [`Passage`]s a reader would recognise as the
//! document's own paragraphs, each within a token budget and traceable to its pages,
//! headings and byte span in the cleaned text.

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
    pub page_first: u32,
    pub page_last: u32,
    pub heading_path: Vec<String>,
    /// Byte range in the cleaned document text.
    pub span: [usize; 2],
    pub text: String,
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
    let passages = pack::pack(&cleaned.text, &found, tokens, options.max_tokens.max(8))
        .into_iter()
        .filter(|p| !cleaned.text[p.span.clone()].trim().is_empty())
        .enumerate()
        .map(|(i, p)| Passage {
            id: format!("{}#{}", doc.id, i + 1),
            doc: doc.id.clone(),
            page_first: cleaned.page_at(p.span.start),
            page_last: cleaned.page_at(p.span.end.saturating_sub(1).max(p.span.start)),
            heading_path: p.heading_path,
            span: [p.span.start, p.span.end],
            text: cleaned.text[p.span].to_string(),
        })
        .collect();
    Segmented { cleaned, passages }
}
