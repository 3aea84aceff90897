//! The `ingest` stage: a file → [`Document`] (pages of text), or an [`IngestError`]
//! naming the file and the reason.
//!
//! Formats are recognised by their content, not their name; a name that says one
//! format over content of another is an error (the user should know). PDF, HTML and
//! DOCX are parsed in a child process (the binary re-running itself as a worker) with a
//! time and memory limit, because parsers of hostile files can abort the whole process
//! (a stack overflow cannot be caught: `shared/research/ingest-libraries.md`); a crash
//! becomes that document's error and the batch goes on.

mod detect;
mod docx;
mod html;
pub mod manifest;
mod pdf;
mod poppler;
mod text;
mod worker;

use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::{Deserialize, Serialize};

pub use detect::Format;
pub use pdf::pdfium_library;
pub use worker::{run_worker, WORKER_COMMAND};

/// One page of extracted text: paragraphs separated by blank lines, lines by `\n`.
/// Formats without pages (HTML, DOCX, text) have one page, numbered 1.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Page {
    pub number: u32,
    pub text: String,
}

/// An extracted document, before segmentation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Document {
    /// Stable id: the file name without extension, as given in the round.
    pub id: String,
    pub path: PathBuf,
    pub format: Format,
    pub title: Option<String>,
    pub pages: Vec<Page>,
    /// How it was read, when that was not the usual way (e.g. the fallback PDF
    /// engine after PDFium failed).
    #[serde(default)]
    pub note: Option<String>,
}

/// Which engine reads PDFs.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PdfEngine {
    /// PDFium, then poppler's `pdftotext` when PDFium fails or is missing.
    #[default]
    Auto,
    Pdfium,
    Poppler,
}

impl PdfEngine {
    pub fn as_str(self) -> &'static str {
        match self {
            PdfEngine::Auto => "auto",
            PdfEngine::Pdfium => "pdfium",
            PdfEngine::Poppler => "poppler",
        }
    }
}

impl std::str::FromStr for PdfEngine {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "auto" => Ok(PdfEngine::Auto),
            "pdfium" => Ok(PdfEngine::Pdfium),
            "poppler" => Ok(PdfEngine::Poppler),
            other => Err(format!(
                "unknown PDF engine {other:?}: expected auto, pdfium or poppler"
            )),
        }
    }
}

/// Why a file could not be read.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, thiserror::Error)]
pub enum Reason {
    #[error("cannot read the file ({0})")]
    Io(String),
    #[error("the file is empty (0 bytes)")]
    Empty,
    #[error("not a supported document: {0}")]
    Unsupported(String),
    #[error("the name says .{extension} but the content is {found}; rename it to .{suggested}")]
    WrongExtension {
        extension: String,
        found: String,
        suggested: String,
    },
    #[error("corrupt or truncated {format}: {detail}")]
    Corrupt { format: String, detail: String },
    #[error("the PDF is encrypted with a password; save an unprotected copy")]
    Encrypted,
    #[error("no readable text: {0}")]
    NoContent(String),
    #[error("no text layer: scanned? ({pages} page(s) without extractable text; run OCR first)")]
    NoText { pages: usize },
    #[error("{0}")]
    TooLarge(String),
    #[error("the text is not UTF-8 and its encoding could not be recognised ({0})")]
    Encoding(String),
    #[error("the extractor crashed ({0})")]
    Crashed(String),
    #[error("the extractor took longer than {0} s and was stopped")]
    TimedOut(u64),
    #[error("PDF support is not set up: {0}")]
    NoPdfium(String),
}

/// A file that could not be turned into a document.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{}: {reason}", path.display())]
pub struct IngestError {
    pub path: PathBuf,
    pub reason: Reason,
}

/// How documents are read.
#[derive(Debug, Clone)]
pub struct IngestOptions {
    /// The program to run as an extraction worker (`planthemes`); `None` extracts in
    /// this process, which a hostile file can crash. The CLI always sets it.
    pub worker: Option<PathBuf>,
    /// Wall-clock limit for one document.
    pub timeout: Duration,
    /// Address-space limit for a worker, in bytes.
    pub memory_limit: u64,
    /// `libpdfium.so`, when not found the usual way ([`pdfium_library`]).
    pub pdfium: Option<PathBuf>,
    pub pdf_engine: PdfEngine,
    /// Largest file read, in bytes; bigger files fail at once with `TooLarge`.
    pub max_bytes: u64,
}

/// The default per-document size limit: ten times the largest real plan we know
/// (a 300-page strategy PDF with images is about 5 MB).
pub const DEFAULT_MAX_BYTES: u64 = 50 * 1024 * 1024;

impl Default for IngestOptions {
    fn default() -> Self {
        IngestOptions {
            worker: None,
            timeout: Duration::from_secs(120),
            memory_limit: 3 << 30,
            pdfium: None,
            pdf_engine: PdfEngine::Auto,
            max_bytes: DEFAULT_MAX_BYTES,
        }
    }
}

const MB: f64 = 1024.0 * 1024.0;

/// Reads one document.
pub fn read(path: &Path, options: &IngestOptions) -> Result<Document, IngestError> {
    let fail = |reason| IngestError {
        path: path.to_path_buf(),
        reason,
    };
    if let Ok(meta) = std::fs::metadata(path) {
        if meta.len() > options.max_bytes {
            return Err(fail(Reason::TooLarge(format!(
                "the file is too large: {:.2} MB, over the per-document limit of {:.2} MB \
                 (raise it with --max-file-mb)",
                meta.len() as f64 / MB,
                options.max_bytes as f64 / MB
            ))));
        }
    }
    let format = detect::check(path).map_err(fail)?;
    let engine = |engine: PdfEngine| {
        let options = IngestOptions {
            pdf_engine: engine,
            ..options.clone()
        };
        match (format, &options.worker) {
            (Format::Text | Format::Markdown, _) | (_, None) => extract(path, format, &options),
            (_, Some(worker)) => worker::extract_in_child(worker, path, format, &options),
        }
    };
    let document = match (format, options.pdf_engine) {
        (Format::Pdf, PdfEngine::Auto) => match engine(PdfEngine::Pdfium) {
            // PDFium could not read it at all: poppler may (it is more lenient with
            // damaged cross-reference tables). Encrypted and text-less files are not
            // retried: poppler would say the same.
            Err(
                first @ (Reason::Crashed(_)
                | Reason::TimedOut(_)
                | Reason::Corrupt { .. }
                | Reason::NoPdfium(_)),
            ) if poppler::available() => match engine(PdfEngine::Poppler) {
                Ok(mut doc) if doc.pages.iter().any(|p| !p.text.trim().is_empty()) => {
                    doc.note = Some(format!(
                        "read with poppler's pdftotext because PDFium failed: {first}"
                    ));
                    Ok(doc)
                }
                _ => Err(first),
            },
            other => other,
        },
        (_, engine_choice) => engine(engine_choice),
    }
    .map_err(fail)?;
    if document.pages.iter().all(|p| p.text.trim().is_empty()) {
        return Err(fail(match format {
            // "Scanned? Run OCR" is advice for page images, not for empty markup.
            Format::Pdf => Reason::NoText {
                pages: document.pages.len(),
            },
            _ => Reason::NoContent(format!("{} with no text", format.describe())),
        }));
    }
    Ok(document)
}

/// Reads many documents in parallel (rayon), in input order; `done` is called as
/// each finishes.
pub fn read_all(
    paths: &[PathBuf],
    options: &IngestOptions,
    done: &(dyn Fn() + Sync),
) -> Vec<Result<Document, IngestError>> {
    use rayon::prelude::*;
    paths
        .par_iter()
        .map(|p| {
            let result = read(p, options);
            done();
            result
        })
        .collect()
}

/// Extracts in this process (the worker's job).
pub(crate) fn extract(
    path: &Path,
    format: Format,
    options: &IngestOptions,
) -> Result<Document, Reason> {
    let (title, pages) = match format {
        Format::Pdf => match options.pdf_engine {
            PdfEngine::Poppler => poppler::extract(path)?,
            PdfEngine::Auto | PdfEngine::Pdfium => pdf::extract(path, options.pdfium.as_deref())?,
        },
        Format::Html => html::extract(path)?,
        Format::Docx => docx::extract(path)?,
        Format::Text | Format::Markdown => text::extract(path)?,
    };
    Ok(Document {
        id: document_id(path),
        path: path.to_path_buf(),
        format,
        title,
        pages,
        note: None,
    })
}

/// The file name without its extension.
pub fn document_id(path: &Path) -> String {
    path.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string())
}
