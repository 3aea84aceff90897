//! `planthemes review RUN_DIR --from FILE`: record a reviewer's decisions from a
//! reviewed `evidence.csv`, `evidence.xlsx` or `.qdpx` in the run's `reviews.jsonl`,
//! then rebuild the outputs with the reviewed codes counted.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::Context;
use clap::Args;

use super::run::{print_summary, status};
use crate::report::{carry_kept, read_run, write_outputs, StagedDir};
use crate::review::{read, REVIEWS};

#[derive(Debug, Args)]
pub struct ReviewArgs {
    /// A folder written by `planthemes run`.
    run_dir: PathBuf,

    /// The reviewed file: evidence.csv or evidence.xlsx with `accept` (yes/no) and
    /// `add_labels` (theme ids or names) filled in, or a .qdpx project coded further
    /// in a qualitative-analysis tool.
    #[arg(long, value_name = "FILE")]
    from: PathBuf,
}

pub fn run(args: &ReviewArgs) -> anyhow::Result<ExitCode> {
    let started = Instant::now();
    let (mut record, passages) = read_run(&args.run_dir)?;
    let (decisions, notes) = read::read(&args.from, &args.run_dir, &record, &passages)?;
    for note in &notes {
        eprintln!("note: {}: {note}", args.from.display());
    }
    // Appended whole, like every output: the old decisions plus the new, renamed
    // into place, inside a rebuilt run folder.
    let staged = StagedDir::begin(&args.run_dir)?;
    carry_kept(&args.run_dir, staged.path()).with_context(|| {
        format!(
            "{}: cannot carry the kept texts and reviews over",
            args.run_dir.display()
        )
    })?;
    let log = staged.path().join(REVIEWS);
    let mut text = std::fs::read(args.run_dir.join(REVIEWS)).unwrap_or_default();
    for d in &decisions {
        serde_json::to_writer(&mut text, d)?;
        text.push(b'\n');
    }
    // Renamed over the carried copy (a hard link to the old file, which stays as it was).
    crate::report::write_atomic(&log, |w| w.write_all(&text))
        .with_context(|| format!("{}: cannot record the decisions", log.display()))?;
    write_outputs(staged.path(), &mut record, &passages)
        .with_context(|| format!("{}: cannot write the outputs", args.run_dir.display()))?;
    staged.commit().with_context(|| {
        format!(
            "{}: cannot put the rebuilt outputs in place",
            args.run_dir.display()
        )
    })?;
    let count = |d: crate::review::Decision| decisions.iter().filter(|r| r.decision == d).count();
    eprintln!(
        "recorded {} decision(s) from {}: {} accepted, {} rejected, {} added",
        decisions.len(),
        args.from.display(),
        count(crate::review::Decision::Accept),
        count(crate::review::Decision::Reject),
        count(crate::review::Decision::Add)
    );
    print_summary(&record, &args.run_dir, 0.0, started.elapsed().as_secs_f64());
    Ok(status(&record))
}
