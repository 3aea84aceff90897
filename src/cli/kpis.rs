//! `planthemes kpis`: quantified targets extracted from passages, on their own.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::Args;
use serde::{Deserialize, Serialize};

use crate::jsonl::read_jsonl;
use crate::kpis::{extract, Score, Target};
use crate::report::write_atomic;

#[derive(Debug, Args)]
pub struct KpisArgs {
    /// JSON Lines file of {"id", "text"} records. Records that also carry hand-coded
    /// "targets" are scored: recall and precision of target value and date.
    #[arg(short, long, value_name = "FILE")]
    input: PathBuf,

    /// Where to write {"id", "targets": [...]} records (written atomically), with the
    /// fields of kpis.csv.
    #[arg(short, long, value_name = "FILE", visible_alias = "out")]
    output: PathBuf,
}

#[derive(Deserialize)]
struct Passage {
    id: String,
    text: String,
    #[serde(default)]
    targets: Option<Vec<Target>>,
}

#[derive(Serialize)]
struct Found<'a> {
    id: &'a str,
    targets: &'a [Target],
}

pub fn run(args: &KpisArgs) -> anyhow::Result<ExitCode> {
    let passages: Vec<Passage> = read_jsonl(&args.input)?;
    crate::jsonl::unique_ids(&args.input, passages.iter().map(|p| p.id.as_str()))?;
    let found: Vec<Vec<Target>> = passages.iter().map(|p| extract(&p.text)).collect();
    write_atomic(&args.output, |w| {
        for (p, targets) in passages.iter().zip(&found) {
            serde_json::to_writer(&mut *w, &Found { id: &p.id, targets })?;
            w.write_all(b"\n")?;
        }
        Ok(())
    })
    .with_context(|| format!("{}: cannot write", args.output.display()))?;

    let total: usize = found.iter().map(Vec::len).sum();
    let with = found.iter().filter(|f| !f.is_empty()).count();
    eprintln!(
        "found {total} target(s) in {with} of {} passage(s); wrote {}",
        passages.len(),
        args.output.display()
    );
    let mut score = Score::default();
    let mut scored = 0;
    for (p, targets) in passages.iter().zip(&found) {
        if let Some(gold) = &p.targets {
            score.add(gold, targets);
            scored += 1;
        }
    }
    if scored > 0 {
        eprintln!(
            "against the {} hand-coded target(s) of {scored} passage(s): recall {:.3}, \
             precision {:.3}, F1 {:.3} (value and date exact); of the {} matched, unit \
             {}, direction {}, baseline {} exact",
            score.gold,
            score.recall(),
            score.precision(),
            score.f1(),
            score.matched,
            score.unit_exact,
            score.direction_exact,
            score.baseline_exact,
        );
    }
    Ok(ExitCode::SUCCESS)
}
