//! `planthemes segment FILE...`: documents → passages with provenance, for checking
//! and tuning extraction and segmentation.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use clap::Args;
use rayon::prelude::*;
use serde::Serialize;

use super::{ingest_options, progress_bar, EncoderArgs};
use crate::embed::ModelTokenizer;
use crate::ingest::{read_all, Format};
use crate::segment::{split, Passage, SegmentOptions};

#[derive(Debug, Args)]
pub struct SegmentArgs {
    /// Documents: PDF, HTML, DOCX, text or Markdown.
    #[arg(required = true)]
    files: Vec<PathBuf>,

    /// Print one JSON document on stdout instead of text.
    #[arg(long)]
    json: bool,

    /// Most tokens in a passage, counted by the encoder's tokenizer (as for `run`).
    #[arg(long, default_value_t = 200, value_parser = clap::value_parser!(u64).range(16..=512))]
    max_tokens: u64,

    /// libpdfium.so [default: PLANTHEMES_PDFIUM, then vendor/pdfium/].
    #[arg(long, value_name = "FILE")]
    pdfium: Option<PathBuf>,

    /// PDF engine: auto (PDFium, then poppler's pdftotext if PDFium fails), pdfium
    /// or poppler.
    #[arg(long, default_value = "auto", value_name = "ENGINE")]
    pdf_engine: crate::ingest::PdfEngine,

    /// Largest document read, in MB; a bigger file is that document's error.
    #[arg(long, value_name = "MB", default_value_t = 50.0)]
    max_file_mb: f64,

    #[command(flatten)]
    encoder: EncoderArgs,
}

#[derive(Serialize)]
struct DocOut {
    id: String,
    path: PathBuf,
    format: Format,
    title: Option<String>,
    pages: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    note: Option<String>,
    passages: Vec<Passage>,
}

#[derive(Serialize)]
struct ErrorOut {
    path: PathBuf,
    reason: String,
}

#[derive(Serialize)]
struct Out {
    documents: Vec<DocOut>,
    errors: Vec<ErrorOut>,
}

pub fn run(args: &SegmentArgs) -> anyhow::Result<ExitCode> {
    let tokenizer = ModelTokenizer::load(&args.encoder.request())?;
    let max_tokens = args.max_tokens as usize;
    let bar = progress_bar(args.files.len() as u64, "reading");
    let started = Instant::now();
    let results = read_all(
        &args.files,
        &ingest_options(args.pdfium.clone(), args.pdf_engine, args.max_file_mb)?,
        &|| bar.inc(1),
    );
    let read_secs = started.elapsed().as_secs_f64();
    bar.finish_and_clear();

    let options = SegmentOptions { max_tokens };
    let mut out = Out {
        documents: Vec::new(),
        errors: Vec::new(),
    };
    let pages: usize = results.iter().flatten().map(|d| d.pages.len()).sum();
    let started = Instant::now();
    let segmented: Vec<_> = results
        .into_par_iter()
        .map(|r| r.map(|doc| (split(&doc, &tokenizer, &tokenizer, &options), doc)))
        .collect();
    let split_secs = started.elapsed().as_secs_f64();
    let passages: usize = segmented
        .iter()
        .flatten()
        .map(|(s, _)| s.passages.len())
        .sum();
    for r in segmented {
        match r {
            Ok((seg, doc)) => out.documents.push(DocOut {
                id: doc.id,
                path: doc.path,
                format: doc.format,
                title: doc.title,
                pages: doc.pages.len(),
                note: doc.note,
                passages: seg.passages,
            }),
            Err(e) => {
                eprintln!("planthemes: {e}");
                out.errors.push(ErrorOut {
                    path: e.path.clone(),
                    reason: e.reason.to_string(),
                });
            }
        }
    }

    eprintln!(
        "read {} of {} document(s), {pages} page(s), in {read_secs:.2} s ({:.0} pages/s); \
         {passages} passage(s) in {split_secs:.2} s ({:.0} passages/s)",
        out.documents.len(),
        args.files.len(),
        pages as f64 / read_secs.max(1e-9),
        passages as f64 / split_secs.max(1e-9)
    );
    if args.json {
        println!("{}", serde_json::to_string_pretty(&out)?);
    } else {
        for d in &out.documents {
            println!(
                "== {} ({:?}, {} page(s), {} passage(s)){}",
                d.path.display(),
                d.format,
                d.pages,
                d.passages.len(),
                d.title
                    .as_ref()
                    .map(|t| format!(": {t}"))
                    .unwrap_or_default()
            );
            if let Some(note) = &d.note {
                println!("   note: {note}");
            }
            for p in &d.passages {
                let pages = p.citation();
                println!(
                    "\n[{}] {pages} · {}\n{}",
                    p.id,
                    p.heading_path.join(" > "),
                    p.text
                );
            }
            println!();
        }
    }
    Ok(if out.errors.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
