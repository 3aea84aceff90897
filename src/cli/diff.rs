//! `planthemes diff OLD_RUN NEW_RUN [--out DIR]`: what each ICS gained, lost and kept
//! between two rounds, with the evidence from each.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{bail, Context};
use clap::Args;

use crate::diff::{diff, differences, RunData};
use crate::report::{diff_html, write_atomic};

#[derive(Debug, Args)]
pub struct DiffArgs {
    /// The earlier round's run folder.
    old_run: PathBuf,

    /// The later round's run folder.
    new_run: PathBuf,

    /// Folder for diff.csv, diff_documents.csv, diff.json and diff.html [default:
    /// diffs/<UTC time>/].
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,

    /// Compare runs coded by different taxonomies, classifiers, encoders, thresholds
    /// or presence rules; every row is then marked `models_differ`.
    #[arg(long)]
    allow_model_change: bool,
}

pub fn run(args: &DiffArgs) -> anyhow::Result<ExitCode> {
    let old = RunData::read(&args.old_run)?;
    let new = RunData::read(&args.new_run)?;
    let differ = differences(&old.record, &new.record);
    if !differ.is_empty() && !args.allow_model_change {
        bail!(
            "{} and {} were coded differently: {}; a change in coverage could come from that, \
             not the plans. Re-run one round to match the other, or pass --allow-model-change \
             to compare anyway (every row is then marked models_differ)",
            args.old_run.display(),
            args.new_run.display(),
            differ.join("; ")
        );
    }
    let result = diff(&old, &new);
    let out = args.out.clone().unwrap_or_else(|| {
        let stamp: chrono::DateTime<chrono::Utc> = std::time::SystemTime::now().into();
        PathBuf::from("diffs").join(stamp.format("%Y-%m-%dT%H%M%SZ").to_string())
    });
    if out.is_file() {
        bail!(
            "{}: --out must be a folder, and this is a file",
            out.display()
        );
    }
    std::fs::create_dir_all(&out)
        .with_context(|| format!("{}: cannot create the folder", out.display()))?;
    let write = |name: &str, fill: &dyn Fn(&mut dyn std::io::Write) -> std::io::Result<()>| {
        let path = out.join(name);
        write_atomic(&path, |w| fill(w))
            .with_context(|| format!("{}: cannot write it", path.display()))
    };
    write("diff.csv", &|w| {
        let mut csv = csv::Writer::from_writer(w);
        csv.write_record([
            "ics",
            "kind",
            "label",
            "theme",
            "change",
            "documents",
            "present_old",
            "present_new",
            "passages_old",
            "passages_new",
            "share_old",
            "share_new",
            "share_change",
            "before_passage",
            "before_location",
            "before_text",
            "after_passage",
            "after_location",
            "after_text",
            "strength_old",
            "strength_new",
            "commitment_change",
            "models_differ",
        ])?;
        for c in &result.cells {
            let ev = |e: &Option<crate::diff::Evidence>| {
                e.as_ref()
                    .map_or([String::new(), String::new(), String::new()], |e| {
                        [
                            e.passage.clone(),
                            format!("{}, {}", e.document, e.location),
                            e.text.clone(),
                        ]
                    })
            };
            let [bp, bl, bt] = ev(&c.before);
            let [ap, al, at] = ev(&c.after);
            csv.write_record([
                c.ics.as_str(),
                c.kind.as_str(),
                &c.label,
                &c.theme,
                c.change,
                c.documents,
                &c.present_old.to_string(),
                &c.present_new.to_string(),
                &c.passages_old.to_string(),
                &c.passages_new.to_string(),
                &format!("{:.4}", c.share_old),
                &format!("{:.4}", c.share_new),
                &format!("{:+.4}", c.share_change),
                &bp,
                &bl,
                &bt,
                &ap,
                &al,
                &at,
                c.strength_old.unwrap_or(""),
                c.strength_new.unwrap_or(""),
                c.commitment_change,
                &c.models_differ.to_string(),
            ])?;
        }
        csv.flush()
    })?;
    write("diff_documents.csv", &|w| {
        let mut csv = csv::Writer::from_writer(w);
        csv.write_record([
            "status",
            "ics",
            "kind",
            "old_file",
            "new_file",
            "old_title",
            "new_title",
            "old_year",
            "new_year",
        ])?;
        for d in &result.documents {
            let o = |s: &Option<String>| s.clone().unwrap_or_default();
            csv.write_record([
                d.status,
                &d.ics,
                d.kind.as_str(),
                &o(&d.old_file),
                &o(&d.new_file),
                &o(&d.old_title),
                &o(&d.new_title),
                &o(&d.old_year),
                &o(&d.new_year),
            ])?;
        }
        csv.flush()
    })?;
    write("diff.json", &|w| {
        serde_json::to_writer_pretty(&mut *w, &result)?;
        w.write_all(b"\n")
    })?;
    let page = diff_html::render(&result).context("rendering diff.html")?;
    write("diff.html", &|w| w.write_all(page.as_bytes()))?;

    let docs = |status: &str| {
        result
            .documents
            .iter()
            .filter(|d| d.status == status)
            .count()
    };
    eprintln!(
        "{} → {}: {} theme(s) gained, {} lost, {} kept; {} firmer, {} weaker; documents: {} new, {} gone, {} replaced, {} kept",
        args.old_run.display(),
        args.new_run.display(),
        result.counts["gained"],
        result.counts["lost"],
        result.counts["kept"],
        result.counts["firmer"],
        result.counts["weaker"],
        docs("new"),
        docs("gone"),
        docs("replaced"),
        docs("kept")
    );
    if !result.differences.is_empty() {
        eprintln!(
            "warning: coded differently ({}); every row is marked models_differ",
            result.differences.join("; ")
        );
    }
    let failed = old.record.errors.len() + new.record.errors.len();
    if failed > 0 {
        eprintln!("warning: {failed} document(s) failed in the runs compared (see each run's errors.csv); the themes of a failed document are missing from its round's side");
    }
    println!("diff: {}", out.join("diff.html").display());
    Ok(if failed > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
