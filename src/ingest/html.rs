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
    let article = readability.parse().map_err(|e| {
        if visible_text(&html).is_empty() {
            Reason::NoContent(
                "an HTML page with no text outside its scripts and styles \
                 (a page built by JavaScript: save it from a browser after it has loaded)"
                    .into(),
            )
        } else {
            Reason::Corrupt {
                format: "HTML".into(),
                detail: e.to_string(),
            }
        }
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

/// The page's text with scripts, styles, comments and tags removed: enough to tell an
/// empty shell from a page Readability could not parse. Only the error message rests
/// on it, so a rough pass is enough here; the text itself comes from Readability.
fn visible_text(html: &str) -> String {
    static HIDDEN: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r"(?is)<script\b.*?(</script\s*>|\z)|<style\b.*?(</style\s*>|\z)|<!--.*?(-->|\z)|<[^>]*>?")
            .expect("valid regex: this is a bug")
    });
    HIDDEN
        .replace_all(html, " ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_script_only_page_has_no_visible_text() {
        let shell = "<!doctype html><html><head><title></title><style>p{}</style></head>\
                     <body><div id=app></div><script>render(\"<p>hi</p>\")</script>\
                     <!-- nothing --></body></html>";
        assert_eq!(visible_text(shell), "");
        assert_eq!(visible_text("<p>Our <b>plan</b></p>"), "Our plan");
    }

    #[test]
    fn a_script_only_file_says_so_and_is_not_called_corrupt() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("app.html");
        std::fs::write(
            &path,
            "<html><head></head><body><div id=root></div><script src=app.js></script>\
             <script>window.boot()</script></body></html>",
        )
        .unwrap();
        match extract(&path) {
            Err(Reason::NoContent(why)) => assert!(why.contains("JavaScript"), "{why}"),
            Ok((_, pages)) => assert!(pages.iter().all(|p| p.text.trim().is_empty()), "{pages:?}"),
            Err(other) => panic!("{other}"),
        }
    }
}
