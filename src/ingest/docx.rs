//! DOCX by office_oxide, as Markdown (headings, lists and tables kept). office_oxide
//! bounds decompressed sizes and inflate ratios itself (zip bombs fail cleanly); the
//! worker's memory limit backs that up. DOCX has no pages: one page, numbered 1.

use std::path::Path;

use super::{Page, Reason};

pub fn extract(path: &Path) -> Result<(Option<String>, Vec<Page>), Reason> {
    let doc = office_oxide::Document::open(path).map_err(|e| {
        let detail = e.to_string();
        if detail.contains("limit") || detail.contains("ratio") || detail.contains("too large") {
            Reason::TooLarge(format!(
                "the DOCX expands beyond safe limits ({detail}): a zip bomb?"
            ))
        } else {
            Reason::Corrupt {
                format: "DOCX".into(),
                detail,
            }
        }
    })?;
    let text = doc.to_markdown();
    let title = text
        .lines()
        .find(|l| l.starts_with('#'))
        .map(|l| l.trim_start_matches('#').trim().to_string());
    Ok((title, vec![Page { number: 1, text }]))
}
