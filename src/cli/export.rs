//! `planthemes export RUN_DIR --qdpx FILE [--qdc FILE]`: a finished run as a REFI-QDA
//! project for NVivo, ATLAS.ti, MAXQDA and QualCoder, or its codebook alone.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{bail, Context};
use clap::Args;

use crate::report::{qdpx, read_run, write_atomic};

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// A folder written by `planthemes run`.
    run_dir: PathBuf,

    /// Write a REFI-QDA project (.qdpx): the documents' texts, the codebook, and one
    /// coded selection per passage and theme (reviewed codes where there are any).
    #[arg(long, value_name = "FILE")]
    qdpx: Option<PathBuf>,

    /// Write the codebook alone as a REFI-QDA codebook (.qdc).
    #[arg(long, value_name = "FILE")]
    qdc: Option<PathBuf>,
}

pub fn run(args: &ExportArgs) -> anyhow::Result<ExitCode> {
    if args.qdpx.is_none() && args.qdc.is_none() {
        bail!("nothing to export: give --qdpx FILE, --qdc FILE, or both");
    }
    let (mut record, passages) = read_run(&args.run_dir)?;
    // The reviewed labels, as every other output counts them.
    let reviews = crate::review::Reviews::read(&args.run_dir)?;
    let (passages, _) = reviews.annotate(&record.labels, passages);
    record.national.clear();
    if let Some(path) = &args.qdpx {
        let bytes = qdpx::project(&args.run_dir, &record, &passages)?;
        write_atomic(path, |w| w.write_all(&bytes))
            .with_context(|| format!("{}: cannot write the project", path.display()))?;
        let selections: usize = passages.iter().map(|p| p.coded().len()).sum();
        eprintln!(
            "wrote {}: {} document(s), {} coded selection(s), {} theme(s)",
            path.display(),
            record.documents.len(),
            selections,
            record.labels.len()
        );
    }
    if let Some(path) = &args.qdc {
        let xml = qdpx::codebook(&record);
        write_atomic(path, |w| w.write_all(xml.as_bytes()))
            .with_context(|| format!("{}: cannot write the codebook", path.display()))?;
        eprintln!("wrote {}: {} theme(s)", path.display(), record.labels.len());
    }
    Ok(ExitCode::SUCCESS)
}
