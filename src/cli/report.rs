//! `planthemes report RUN_DIR`: rebuild every output of a finished run from its
//! `passages.jsonl` and `report.json`, e.g. after editing thresholds there or with
//! `--threshold`.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::{bail, Context};
use clap::Args;

use super::run::{print_summary, status};
use crate::report::{apply_thresholds, read_run, write_outputs, StageError, StagedDir};

#[derive(Debug, Args)]
pub struct ReportArgs {
    /// A folder written by `planthemes run`.
    run_dir: PathBuf,

    /// Write the rebuilt run here instead, leaving RUN_DIR as it is [default:
    /// RUN_DIR itself, replaced whole].
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,

    /// Set a label's threshold, e.g. `--threshold anchor_roles=0.6` (repeatable);
    /// saved in report.json.
    #[arg(long, value_name = "LABEL=SCORE")]
    threshold: Vec<String>,

    /// Passages that must carry a theme for it to count as present; saved in
    /// report.json.
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..))]
    min_passages: Option<u64>,
}

pub fn run(args: &ReportArgs) -> anyhow::Result<ExitCode> {
    let started = Instant::now();
    let (mut record, mut passages) = read_run(&args.run_dir)?;
    for setting in &args.threshold {
        let Some((label, value)) = setting.split_once('=') else {
            bail!("--threshold {setting:?}: expected LABEL=SCORE, e.g. access=0.5");
        };
        let label = label.trim();
        if !record.labels.iter().any(|l| l.id == label) {
            bail!(
                "--threshold {setting:?}: no label {label:?} in this run (labels: {})",
                record
                    .labels
                    .iter()
                    .map(|l| l.id.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            );
        }
        let value: f32 = value
            .trim()
            .parse()
            .ok()
            .filter(|v: &f32| v.is_finite())
            .with_context(|| format!("--threshold {setting:?}: the score is not a number"))?;
        // The keyword list scores in hits; every other classifier in probabilities.
        if record.classifier.kind == "keyword" {
            if value < 0.0 {
                bail!("--threshold {setting:?}: the keyword classifier's threshold is a number of hits, 0 or more");
            }
        } else if !(0.0..=1.0).contains(&value) {
            bail!("--threshold {setting:?}: a threshold is a score from 0 to 1");
        }
        // The head's error rates were measured at its own threshold: at another one
        // they no longer hold, so the honest columns of that label are left empty.
        if let Some(rates) = &mut record.classifier.rates {
            if rates.labels.remove(label).is_some() {
                eprintln!(
                    "note: {label}: the measured error rates were for the head's own threshold; \
                     its share_adj, p_missed and p_false are left empty"
                );
            }
        }
        record.thresholds.insert(label.to_string(), value);
    }
    if let Some(n) = args.min_passages {
        record.presence.min_passages = n as usize;
    }
    apply_thresholds(&record, &mut passages);
    let load_secs = started.elapsed().as_secs_f64();
    let started = Instant::now();
    // Rebuilt as a set, like a run: a kill leaves the old outputs whole.
    let out = args.out.as_ref().unwrap_or(&args.run_dir);
    let staged = StagedDir::begin(out).map_err(|e| match e {
        StageError::Foreign(..) if args.out.is_none() => {
            anyhow::anyhow!("{e}; or rebuild it elsewhere with --out NEW_FOLDER")
        }
        e => e.into(),
    })?;
    crate::report::carry_kept(&args.run_dir, staged.path()).with_context(|| {
        format!(
            "{}: cannot carry the kept texts and reviews over",
            out.display()
        )
    })?;
    write_outputs(staged.path(), &mut record, &passages)
        .with_context(|| format!("{}: cannot write the outputs", out.display()))?;
    staged
        .commit()
        .with_context(|| format!("{}: cannot put the rebuilt outputs in place", out.display()))?;
    print_summary(&record, out, load_secs, started.elapsed().as_secs_f64());
    Ok(status(&record))
}
