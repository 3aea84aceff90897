//! What a file is, from its first bytes, checked against what its name says.

use std::io::Read;
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::Reason;

/// The formats planthemes reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    Pdf,
    Html,
    Docx,
    Text,
    Markdown,
}

impl Format {
    /// How the format is named in messages.
    pub fn describe(self) -> &'static str {
        match self {
            Format::Pdf => "a PDF",
            Format::Html => "an HTML page",
            Format::Docx => "a Word (DOCX) document",
            Format::Text => "plain text",
            Format::Markdown => "Markdown text",
        }
    }

    fn extension(self) -> &'static str {
        match self {
            Format::Pdf => "pdf",
            Format::Html => "html",
            Format::Docx => "docx",
            Format::Text => "txt",
            Format::Markdown => "md",
        }
    }

    fn from_extension(ext: &str) -> Option<Format> {
        match ext.to_ascii_lowercase().as_str() {
            "pdf" => Some(Format::Pdf),
            "html" | "htm" | "xhtml" => Some(Format::Html),
            "docx" => Some(Format::Docx),
            "txt" | "text" => Some(Format::Text),
            "md" | "markdown" => Some(Format::Markdown),
            _ => None,
        }
    }
}

/// What the bytes look like.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Content {
    Pdf,
    Zip,
    Html,
    Text,
    Binary,
}

/// The file's format, or why it cannot be read.
pub fn check(path: &Path) -> Result<Format, Reason> {
    let meta = std::fs::metadata(path).map_err(|e| Reason::Io(e.to_string()))?;
    if meta.is_dir() {
        return Err(Reason::Unsupported("a folder, not a file".into()));
    }
    if meta.len() == 0 {
        return Err(Reason::Empty);
    }
    let mut head = Vec::with_capacity(8192);
    std::fs::File::open(path)
        .and_then(|f| f.take(8192).read_to_end(&mut head))
        .map_err(|e| Reason::Io(e.to_string()))?;
    let content = sniff(&head);
    let content_format = match content {
        Content::Pdf => Some(Format::Pdf),
        Content::Zip if is_docx(path) => Some(Format::Docx),
        Content::Zip => None,
        Content::Html => Some(Format::Html),
        Content::Text => Some(Format::Text),
        Content::Binary => None,
    };
    let ext = path.extension().map(|e| e.to_string_lossy().into_owned());
    let named = ext.as_deref().and_then(Format::from_extension);

    match (named, content_format) {
        (Some(n), Some(c)) if n == c => Ok(n),
        // Markdown is text; a .md file is read as Markdown.
        (Some(Format::Markdown), Some(Format::Text)) => Ok(Format::Markdown),
        // A container format holding plain text is a broken file, not a misnamed one.
        (Some(Format::Pdf), Some(Format::Text)) => Err(Reason::Corrupt {
            format: "PDF".into(),
            detail: "no %PDF header: this is not a PDF file (it holds plain text)".into(),
        }),
        (Some(Format::Docx), Some(Format::Text)) => Err(Reason::Corrupt {
            format: "DOCX".into(),
            detail: "not a zip archive, as every DOCX file is (it holds plain text)".into(),
        }),
        (Some(_), Some(c)) => Err(Reason::WrongExtension {
            extension: ext.unwrap_or_default(),
            found: c.describe().into(),
            suggested: c.extension().into(),
        }),
        (Some(Format::Pdf), None) => Err(Reason::Corrupt {
            format: "PDF".into(),
            detail: "no %PDF header: this is not a PDF file".into(),
        }),
        (Some(Format::Docx), None) if content == Content::Zip => Err(Reason::Corrupt {
            format: "DOCX".into(),
            detail: "a zip archive without word/document.xml".into(),
        }),
        (Some(Format::Docx), None) => Err(Reason::Corrupt {
            format: "DOCX".into(),
            detail: "not a zip archive, as every DOCX file is".into(),
        }),
        (Some(_), None) => Err(Reason::Encoding(
            "binary data where text was expected".into(),
        )),
        (None, Some(c)) => Ok(c),
        (None, None) => Err(Reason::Unsupported(match content {
            Content::Zip => "a zip archive that is not a Word document".into(),
            _ => format!(
                "unrecognised binary content{}",
                ext.map(|e| format!(" (.{e})")).unwrap_or_default()
            ),
        })),
    }
}

fn sniff(head: &[u8]) -> Content {
    // The PDF header may follow some junk, within the first kilobyte.
    if head.windows(5).take(1024).any(|w| w == b"%PDF-") {
        return Content::Pdf;
    }
    if head.starts_with(b"PK\x03\x04") {
        return Content::Zip;
    }
    let utf16 = head.starts_with(&[0xFF, 0xFE]) || head.starts_with(&[0xFE, 0xFF]);
    if !utf16 && (head.contains(&0) || control_share(head) > 0.05) {
        return Content::Binary;
    }
    let lower: String = String::from_utf8_lossy(head).to_lowercase();
    let start = lower.trim_start_matches('\u{feff}').trim_start();
    if start.starts_with("<!doctype html")
        || start.starts_with("<html")
        || ((start.starts_with("<!--") || start.starts_with("<?xml") || start.starts_with("<head"))
            && (lower.contains("<html") || lower.contains("<body")))
    {
        return Content::Html;
    }
    Content::Text
}

/// Share of bytes that are control characters other than whitespace.
fn control_share(head: &[u8]) -> f64 {
    if head.is_empty() {
        return 0.0;
    }
    let bad = head
        .iter()
        .filter(|&&b| b < 0x20 && !matches!(b, b'\n' | b'\r' | b'\t' | 0x0C))
        .count();
    bad as f64 / head.len() as f64
}

fn is_docx(path: &Path) -> bool {
    std::fs::File::open(path)
        .ok()
        .and_then(|f| zip::ZipArchive::new(f).ok())
        .is_some_and(|mut z| z.by_name("word/document.xml").is_ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffs_the_common_formats() {
        assert_eq!(sniff(b"%PDF-1.7\n..."), Content::Pdf);
        assert_eq!(sniff(b"PK\x03\x04rest"), Content::Zip);
        assert_eq!(sniff(b"  <!DOCTYPE html><html>"), Content::Html);
        assert_eq!(sniff(b"Our plan for 2025.\n"), Content::Text);
        assert_eq!(sniff(b"\x00\x01\x02binary"), Content::Binary);
        assert_eq!(sniff(b"\xFF\xFEh\x00i\x00"), Content::Text);
    }
}
