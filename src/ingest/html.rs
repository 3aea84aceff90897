//! HTML: the main content only (navigation, cookie banners, footers and asides
//! dropped) by dom_smoothie's port of Mozilla Readability, in Markdown so headings and
//! lists survive for segmentation. Pages too small for Readability to judge fall back
//! to the whole body's text.

use std::path::Path;

use dom_smoothie::{Config, Readability, TextMode};

use super::text::decode;
use super::{Page, Reason};

pub fn extract(path: &Path) -> Result<(Option<String>, Vec<Page>), Reason> {
    let bytes = std::fs::read(path).map_err(|e| Reason::Io(e.to_string()))?;
    let html = decode(&bytes)?;
    let config = Config {
        text_mode: TextMode::Markdown,
        ..Config::default()
    };
    let mut readability =
        Readability::new(html.as_str(), None, Some(config)).map_err(|e| Reason::Corrupt {
            format: "HTML".into(),
            detail: e.to_string(),
        })?;
    let article = readability.parse().map_err(|e| Reason::Corrupt {
        format: "HTML".into(),
        detail: e.to_string(),
    })?;
    let title = Some(article.title.to_string()).filter(|t| !t.trim().is_empty());
    Ok((
        title,
        vec![Page {
            number: 1,
            text: article.text_content.to_string(),
        }],
    ))
}
