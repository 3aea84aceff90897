//! Packing blocks into passages under a token budget. Consecutive blocks under the
//! same heading share a passage while they fit; a block over the budget is split at
//! sentence ends by text-splitter (at word ends only when one sentence is itself over
//! the budget), with the encoder's own tokenizer as the measure.

use std::ops::Range;

use text_splitter::{ChunkConfig, ChunkSizer, TextSplitter};

use super::blocks::{Block, BlockKind};
use super::TokenCount;

struct Sizer<'a>(&'a dyn TokenCount);

impl ChunkSizer for Sizer<'_> {
    fn size(&self, chunk: &str) -> usize {
        self.0.count_tokens(chunk)
    }
}

/// A passage before it is tied to pages: its span and heading path.
#[derive(Debug, Clone, PartialEq)]
pub struct Packed {
    pub span: Range<usize>,
    pub heading_path: Vec<String>,
}

/// Packs `blocks` of `text` into spans of at most `budget` tokens.
pub fn pack(text: &str, blocks: &[Block], tokens: &dyn TokenCount, budget: usize) -> Vec<Packed> {
    let splitter = TextSplitter::new(
        ChunkConfig::new(budget)
            .with_sizer(Sizer(tokens))
            .with_trim(true),
    );
    let mut out: Vec<Packed> = Vec::new();
    let mut open: Option<Packed> = None;
    for block in blocks.iter().filter(|b| b.kind != BlockKind::Heading) {
        if let Some(current) = open.as_mut() {
            if current.heading_path == block.heading_path
                && tokens.count_tokens(&text[current.span.start..block.span.end]) <= budget
            {
                current.span.end = block.span.end;
                continue;
            }
            out.extend(open.take());
        }
        if tokens.count_tokens(&text[block.span.clone()]) <= budget {
            open = Some(Packed {
                span: block.span.clone(),
                heading_path: block.heading_path.clone(),
            });
            continue;
        }
        let base = block.span.start;
        for (offset, chunk) in splitter.chunk_indices(&text[block.span.clone()]) {
            out.push(Packed {
                span: base + offset..base + offset + chunk.len(),
                heading_path: block.heading_path.clone(),
            });
        }
    }
    out.extend(open);
    out
}
