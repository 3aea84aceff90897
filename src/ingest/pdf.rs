//! PDF text through PDFium (pdfium-render over `libpdfium.so` from the pypdfium2
//! wheel; `scripts/setup-pdfium.sh`). The survey in
//! `shared/research/ingest-libraries.md` found PDFium the only in-process engine with
//! no panic or abort on 240 mutated and pathological files, and typed password and
//! format errors.
//!
//! PDFium gives text runs ("segments") with their rectangles, in content-stream order,
//! which for Word, LibreOffice and most report tools is reading order (a column is
//! finished before the next starts). We rebuild lines from runs on one baseline and
//! paragraphs from vertical gaps, column jumps and short lines, because no extractor
//! marks paragraphs; the segmenter then needs only text.

use std::path::{Path, PathBuf};

use pdfium_render::prelude::*;

use super::{Page, Reason};
use crate::paths::project_file;

/// Where `libpdfium.so` is: `explicit`, else `PLANTHEMES_PDFIUM` (a file or a folder),
/// else the project's `vendor/pdfium/`.
pub fn pdfium_library(explicit: Option<&Path>) -> Result<PathBuf, Reason> {
    let candidate = explicit
        .map(Path::to_path_buf)
        .or_else(|| std::env::var_os("PLANTHEMES_PDFIUM").map(PathBuf::from))
        .unwrap_or_else(|| project_file("vendor/pdfium"));
    let file = if candidate.is_dir() {
        candidate.join(Pdfium::pdfium_platform_library_name())
    } else {
        candidate
    };
    if file.is_file() {
        Ok(file)
    } else {
        Err(Reason::NoPdfium(format!(
            "{} not found; run scripts/setup-pdfium.sh or set PLANTHEMES_PDFIUM",
            file.display()
        )))
    }
}

/// A run of text and its rectangle, in PDF points (y grows upwards).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Span {
    pub text: String,
    pub left: f32,
    pub right: f32,
    pub top: f32,
    pub bottom: f32,
}

pub fn extract(path: &Path, library: Option<&Path>) -> Result<(Option<String>, Vec<Page>), Reason> {
    let library = pdfium_library(library)?;
    let bindings = Pdfium::bind_to_library(&library)
        .map_err(|e| Reason::NoPdfium(format!("{}: {e}", library.display())))?;
    let pdfium = Pdfium::new(bindings);
    let document = pdfium.load_pdf_from_file(path, None).map_err(open_error)?;
    let title = document
        .metadata()
        .get(PdfDocumentMetadataTagType::Title)
        .map(|t| t.value().trim().to_string())
        .filter(|t| !t.is_empty());

    let mut pages = Vec::new();
    for (i, page) in document.pages().iter().enumerate() {
        let text = page.text().map_err(|e| Reason::Corrupt {
            format: "PDF".into(),
            detail: format!("page {}: {e}", i + 1),
        })?;
        let spans: Vec<Span> = text
            .segments()
            .iter()
            .map(|s| {
                let r = s.bounds();
                Span {
                    text: s.text(),
                    left: r.left().value,
                    right: r.right().value,
                    top: r.top().value,
                    bottom: r.bottom().value,
                }
            })
            .collect();
        pages.push(Page {
            number: i as u32 + 1,
            text: layout(&spans),
        });
    }
    Ok((title, pages))
}

fn open_error(e: PdfiumError) -> Reason {
    match e {
        PdfiumError::PdfiumLibraryInternalError(PdfiumInternalError::PasswordError) => {
            Reason::Encrypted
        }
        PdfiumError::PdfiumLibraryInternalError(PdfiumInternalError::SecurityError) => {
            Reason::Encrypted
        }
        PdfiumError::PdfiumLibraryInternalError(PdfiumInternalError::FormatError) => {
            Reason::Corrupt {
                format: "PDF".into(),
                detail: "the file structure cannot be parsed (truncated or damaged)".into(),
            }
        }
        other => Reason::Corrupt {
            format: "PDF".into(),
            detail: format!("{other:?}"),
        },
    }
}

/// Lines from runs on one baseline; paragraphs (blank-line separated) where the gap
/// to the next line is wider than usual, where the text jumps up (a new column), or
/// after a short line that ends a sentence.
pub(crate) fn layout(spans: &[Span]) -> String {
    struct Line {
        text: String,
        left: f32,
        right: f32,
        top: f32,
        bottom: f32,
    }
    let mut lines: Vec<Line> = Vec::new();
    for s in spans {
        let text = s.text.replace(['\r', '\n'], " ");
        if text.trim().is_empty() {
            continue;
        }
        let height = (s.top - s.bottom).abs().max(1.0);
        match lines.last_mut() {
            Some(line)
                if (line.bottom - s.bottom).abs() < 0.5 * height && s.left >= line.left - 1.0 =>
            {
                let gap = s.left - line.right;
                if gap > 2.0 * height {
                    // A wide gap on one baseline separates table cells.
                    line.text.truncate(line.text.trim_end().len());
                    line.text.push_str(" | ");
                    line.text.push_str(text.trim_start());
                    line.right = line.right.max(s.right);
                    line.top = line.top.max(s.top);
                    continue;
                } else if gap > 0.15 * height && !line.text.ends_with(' ') && !text.starts_with(' ')
                {
                    line.text.push(' ');
                }
                line.text.push_str(&text);
                line.right = line.right.max(s.right);
                line.top = line.top.max(s.top);
            }
            _ => lines.push(Line {
                text,
                left: s.left,
                right: s.right,
                top: s.top,
                bottom: s.bottom,
            }),
        }
    }
    if lines.is_empty() {
        return String::new();
    }
    let mut heights: Vec<f32> = lines.iter().map(|l| (l.top - l.bottom).abs()).collect();
    heights.sort_by(f32::total_cmp);
    let typical = heights[heights.len() / 2].max(1.0);
    let right_margin = lines.iter().map(|l| l.right).fold(f32::MIN, f32::max);

    let mut out = String::new();
    for (i, line) in lines.iter().enumerate() {
        if i > 0 {
            let prev = &lines[i - 1];
            let gap = prev.bottom - line.top;
            let jumped_up = line.top > prev.top + 0.5 * typical;
            let short_end = prev.right < right_margin - 0.25 * (right_margin - prev.left).abs()
                && prev.text.trim_end().ends_with(['.', ':', '!', '?']);
            let break_here = gap > 0.7 * typical || jumped_up || short_end;
            out.push_str(if break_here { "\n\n" } else { "\n" });
        }
        out.push_str(line.text.trim_end());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn span(text: &str, left: f32, top: f32) -> Span {
        Span {
            text: text.into(),
            left,
            right: left + 6.0 * text.len() as f32,
            top,
            bottom: top - 10.0,
        }
    }

    #[test]
    fn rebuilds_lines_and_paragraphs_from_runs() {
        let spans = vec![
            span("Our ambition", 50.0, 700.0),
            span("for the coming years", 125.0, 700.0),
            span(
                "is to close the gap in healthy life expectancy",
                50.0,
                688.0,
            ),
            // A wide gap: a new paragraph.
            span("We will start with housing.", 50.0, 650.0),
            // Up again at another x: the second column.
            span("Column two begins here", 320.0, 700.0),
        ];
        assert_eq!(
            layout(&spans),
            "Our ambition for the coming years\nis to close the gap in healthy life expectancy\n\n\
             We will start with housing.\n\nColumn two begins here"
        );
    }

    #[test]
    fn wide_gaps_on_one_baseline_become_table_cells() {
        let spans = vec![
            span("Smoking at delivery", 50.0, 500.0),
            span("11.2%", 300.0, 500.0),
            span("6.0%", 420.0, 500.0),
        ];
        assert_eq!(layout(&spans), "Smoking at delivery | 11.2% | 6.0%");
    }

    #[test]
    fn nothing_in_nothing_out() {
        assert_eq!(layout(&[]), "");
        assert_eq!(layout(&[span("  ", 0.0, 10.0)]), "");
    }
}
