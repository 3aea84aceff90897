//! `planthemes merge PART... --out DIR`: the partial runs of `run --shard K/N` combined
//! into one run folder, as a single run would have written it.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::Context;
use clap::Args;

use super::run::{print_summary, status};
use crate::merge::{merge, Part};
use crate::report::{copy_tree, read_run, write_outputs, StagedDir};

#[derive(Debug, Args)]
pub struct MergeArgs {
    /// The partial runs: one folder per shard, every shard of the round once.
    #[arg(required = true, value_name = "PART")]
    parts: Vec<PathBuf>,

    /// Where to write the whole run (new, empty, or an earlier run's folder).
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
}

pub fn run(args: &MergeArgs) -> anyhow::Result<ExitCode> {
    let started = Instant::now();
    let staged = StagedDir::begin(&args.out)?;
    let mut parts = Vec::new();
    for dir in &args.parts {
        let (record, passages) = read_run(dir)?;
        parts.push(Part {
            dir: dir.display().to_string(),
            record,
            passages,
        });
    }
    let (mut record, passages) = merge(parts)?;
    // Each part's kept texts; reviews recorded on parts are concatenated.
    let mut reviews = Vec::new();
    for dir in &args.parts {
        let texts = dir.join("documents");
        if texts.is_dir() {
            copy_tree(&texts, &staged.path().join("documents"))
                .with_context(|| format!("{}: cannot copy its kept texts", dir.display()))?;
        }
        if let Ok(bytes) = std::fs::read(dir.join(crate::review::REVIEWS)) {
            reviews.extend(bytes);
        }
    }
    if !reviews.is_empty() {
        crate::report::write_atomic(&staged.path().join(crate::review::REVIEWS), |w| {
            w.write_all(&reviews)
        })?;
    }
    let load_secs = started.elapsed().as_secs_f64();
    let started = Instant::now();
    write_outputs(staged.path(), &mut record, &passages)
        .with_context(|| format!("{}: cannot write the outputs", args.out.display()))?;
    staged
        .commit()
        .with_context(|| format!("{}: cannot put the merged run in place", args.out.display()))?;
    eprintln!("merged {} part(s)", args.parts.len());
    print_summary(
        &record,
        &args.out,
        load_secs,
        started.elapsed().as_secs_f64(),
    );
    Ok(status(&record))
}
