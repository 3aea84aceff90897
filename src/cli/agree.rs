//! `planthemes agree`: agreement between two codings of the same passages.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::bail;
use clap::Args;
use serde::{Deserialize, Serialize};

use super::common::{load_taxonomy, shown};
use super::train::fmt_opt;
use crate::eval::{cohen_kappa, macro_f1, Counts};
use crate::jsonl::read_jsonl;
use crate::taxonomy::Taxonomy;

#[derive(Debug, Args)]
pub struct AgreeArgs {
    /// First coding: JSON Lines with "id" and "labels" (other fields ignored).
    a: PathBuf,
    /// Second coding of some or all of the same ids.
    b: PathBuf,
    /// Print one JSON document on stdout instead of a table.
    #[arg(long)]
    json: bool,
    /// Taxonomy file [default: corpus/taxonomy.toml].
    #[arg(long, value_name = "FILE")]
    taxonomy: Option<PathBuf>,
}

#[derive(Deserialize)]
struct Coding {
    id: String,
    labels: Vec<String>,
}

#[derive(Serialize)]
struct LabelAgreement {
    kappa: Option<f64>,
    f1: Option<f64>,
    a_positive: usize,
    b_positive: usize,
}

#[derive(Serialize)]
struct Agreement {
    a: String,
    b: String,
    n: usize,
    only_in_a: usize,
    only_in_b: usize,
    macro_kappa: Option<f64>,
    macro_f1: Option<f64>,
    labels: BTreeMap<String, LabelAgreement>,
}

fn read_coding(
    path: &Path,
    taxonomy: &Taxonomy,
) -> anyhow::Result<HashMap<String, HashSet<String>>> {
    let rows: Vec<Coding> = read_jsonl(path)?;
    let known: HashSet<&str> = taxonomy.ids().into_iter().collect();
    let mut out = HashMap::new();
    for r in rows {
        if let Some(bad) = r.labels.iter().find(|l| !known.contains(l.as_str())) {
            bail!(
                "{}: passage {:?} has label {bad:?}, which is not in the taxonomy",
                path.display(),
                r.id
            );
        }
        if out
            .insert(r.id.clone(), r.labels.into_iter().collect())
            .is_some()
        {
            bail!(
                "{}: passage id {:?} appears more than once",
                path.display(),
                r.id
            );
        }
    }
    Ok(out)
}

pub fn run(args: &AgreeArgs) -> anyhow::Result<ExitCode> {
    let taxonomy = load_taxonomy(args.taxonomy.as_deref())?;
    let a = read_coding(&args.a, &taxonomy)?;
    let b = read_coding(&args.b, &taxonomy)?;
    let mut shared: Vec<&String> = a.keys().filter(|id| b.contains_key(*id)).collect();
    shared.sort();
    if shared.is_empty() {
        bail!(
            "{} and {} share no passage ids",
            args.a.display(),
            args.b.display()
        );
    }
    let n = shared.len();
    let mut counts = vec![Counts::default(); taxonomy.labels.len()];
    for id in &shared {
        for (l, label) in taxonomy.labels.iter().enumerate() {
            counts[l].add(a[*id].contains(&label.id), b[*id].contains(&label.id));
        }
    }
    let kappas: Vec<Option<f64>> = counts.iter().map(|c| cohen_kappa(c, n)).collect();
    let defined: Vec<f64> = kappas.iter().flatten().copied().collect();
    let all: Vec<usize> = (0..taxonomy.labels.len()).collect();
    let report = Agreement {
        a: shown(&args.a),
        b: shown(&args.b),
        n,
        only_in_a: a.len() - n,
        only_in_b: b.len() - n,
        macro_kappa: (!defined.is_empty())
            .then(|| defined.iter().sum::<f64>() / defined.len() as f64),
        macro_f1: macro_f1(&counts, &all),
        labels: taxonomy
            .labels
            .iter()
            .enumerate()
            .map(|(l, label)| {
                (
                    label.id.clone(),
                    LabelAgreement {
                        kappa: kappas[l],
                        f1: counts[l].f1(),
                        a_positive: counts[l].tp + counts[l].fn_,
                        b_positive: counts[l].tp + counts[l].fp,
                    },
                )
            })
            .collect(),
    };

    if args.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
        return Ok(ExitCode::SUCCESS);
    }
    println!(
        "{} passages coded in both ({} only in {}, {} only in {})",
        n, report.only_in_a, report.a, report.only_in_b, report.b
    );
    println!(
        "{:<28} {:>6} {:>6} {:>6} {:>6}",
        "label", "kappa", "F1", "A", "B"
    );
    for label in &taxonomy.labels {
        let l = &report.labels[&label.id];
        println!(
            "{:<28} {:>6} {:>6} {:>6} {:>6}",
            label.id,
            fmt_opt(l.kappa),
            fmt_opt(l.f1),
            l.a_positive,
            l.b_positive
        );
    }
    println!(
        "macro kappa {} · macro F1 {}",
        fmt_opt(report.macro_kappa),
        fmt_opt(report.macro_f1)
    );
    Ok(ExitCode::SUCCESS)
}
