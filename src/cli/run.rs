//! `planthemes run [ROUND_DIR|MANIFEST]`: the main job. Codes a whole round and writes
//! the coverage tables and the HTML report, with one progress line across stages and
//! a closing summary.
//!
//! Exit status: 0 every document coded; 1 finished, but some documents failed (listed
//! in `errors.csv`, the report and the summary); 2 nothing could run.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use anyhow::Context;
use clap::Args;

use super::common::{build_classifier, load_taxonomy, shown, ClassifierChoice};
use super::{ingest_options, CacheArgs, EncoderArgs};
use crate::aggregate::Presence;
use crate::embed::ModelTokenizer;
use crate::ingest::manifest::IcsTable;
use crate::paths::project_file;
use crate::pipeline::{self, Components, Progress, Settings};
use crate::report::{default_out_dir, RunRecord, StagedDir};
use crate::round::{self, Confidence, PlanOptions};
use crate::segment::SegmentOptions;

/// The round `run` codes when given none.
pub const SAMPLE_ROUND: &str = "corpus/rounds/sample";

#[derive(Debug, Args)]
pub struct RunArgs {
    /// A round folder (documents, optionally manifest.csv) or a manifest file
    /// [default: the bundled sample round, corpus/rounds/sample].
    round: Option<PathBuf>,

    /// Output folder [default: runs/<UTC time>/].
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,

    #[command(flatten)]
    classifier: ClassifierChoice,

    /// Passages that must carry a theme for it to count as present in a document.
    #[arg(long, default_value_t = Presence::default().min_passages as u64,
          value_parser = clap::value_parser!(u64).range(1..))]
    min_passages: u64,

    /// Most tokens in a passage, counted by the encoder's tokenizer.
    #[arg(long, default_value_t = 200, value_parser = clap::value_parser!(u64).range(16..=512))]
    max_tokens: u64,

    /// The ICS table used to recognise systems [default: corpus/ics.csv].
    #[arg(long, value_name = "FILE")]
    ics: Option<PathBuf>,

    /// libpdfium.so [default: PLANTHEMES_PDFIUM, then vendor/pdfium/].
    #[arg(long, value_name = "FILE")]
    pdfium: Option<PathBuf>,

    /// PDF engine: auto (PDFium, then poppler's pdftotext if PDFium fails), pdfium
    /// or poppler.
    #[arg(long, default_value = "auto", value_name = "ENGINE")]
    pdf_engine: crate::ingest::PdfEngine,

    /// Seconds allowed for reading one document.
    #[arg(long, default_value_t = 120)]
    timeout: u64,

    /// Largest document read, in MB; a bigger file is that document's error.
    #[arg(long, value_name = "MB", default_value_t = 50.0)]
    max_file_mb: f64,

    /// Most passages one document may yield; more is that document's error.
    #[arg(long, default_value_t = pipeline::DEFAULT_MAX_PASSAGES as u64,
          value_parser = clap::value_parser!(u64).range(1..))]
    max_passages: u64,

    /// Read manifest rows that point outside the round folder (refused otherwise).
    #[arg(long)]
    allow_outside: bool,

    /// The commitment head that flags each passage's aims, actions, resources and
    /// targets [default: models/heads/commitment]. It reads the theme head's vectors,
    /// so it is used with the default (linear) classifier only.
    #[arg(long, value_name = "DIR")]
    commitment_head: Option<PathBuf>,

    /// Do not flag commitments.
    #[arg(long, conflicts_with = "commitment_head")]
    no_commitment: bool,

    /// Code only part K of N of the round (K from 0, e.g. a Slurm array index): the
    /// documents whose path hashes to K. Combine the N partial runs with `planthemes
    /// merge`.
    #[arg(long, value_name = "K/N")]
    shard: Option<pipeline::Shard>,

    #[command(flatten)]
    encoder: EncoderArgs,

    #[command(flatten)]
    cache: CacheArgs,
}

pub fn run(args: &RunArgs) -> anyhow::Result<ExitCode> {
    let started = Instant::now();
    let input = args
        .round
        .clone()
        .unwrap_or_else(|| project_file(SAMPLE_ROUND));
    let mut ingest = ingest_options(args.pdfium.clone(), args.pdf_engine, args.max_file_mb)?;
    ingest.timeout = std::time::Duration::from_secs(args.timeout.max(1));
    let out = match &args.out {
        Some(dir) => dir.clone(),
        None => default_out_dir(std::time::SystemTime::now()),
    };
    // Before any work: a destination that cannot take the run is found now.
    let staged = StagedDir::begin(&out)?;
    let plan = round::plan(
        &input,
        &PlanOptions {
            allow_outside: args.allow_outside,
        },
    )?;
    let taxonomy_path = args
        .classifier
        .taxonomy
        .clone()
        .unwrap_or_else(|| project_file(crate::taxonomy::DEFAULT_TAXONOMY));
    let taxonomy = load_taxonomy(Some(&taxonomy_path))?;
    let ics_path = args
        .ics
        .clone()
        .unwrap_or_else(|| project_file("corpus/ics.csv"));
    let ics = IcsTable::load(&ics_path)?;
    let built = build_classifier(&args.classifier, &taxonomy, &args.encoder)?;
    // Passages are cut by the tokens of the first encoder that reads them (the
    // command line's, without one).
    let tokenizer = match &built.encoder {
        Some(stack) => ModelTokenizer::from_dir(stack.first().dir())?,
        None => ModelTokenizer::load(&args.encoder.request())?,
    };
    let setup_secs = started.elapsed().as_secs_f64();

    let settings = Settings {
        round: shown(&input),
        out: staged.path().to_path_buf(),
        max_passages: args.max_passages as usize,
        segment: SegmentOptions {
            max_tokens: (args.max_tokens as usize).min(built.max_tokens.unwrap_or(usize::MAX)),
        },
        ingest,
        presence: Presence {
            min_passages: args.min_passages as usize,
        },
        shard: args.shard,
    };
    // The cache also keeps documents read and passages scored, so the keyword
    // classifier, with no encoder, uses it too.
    let cache = args.cache.open();
    let cached = match (&built.encoder, &cache) {
        (Some(encoder), Some(cache)) => Some(crate::embed::CachedEncoder::new(encoder, cache)),
        _ => None,
    };
    let commitment = if args.no_commitment {
        None
    } else {
        load_commitment(args.commitment_head.as_deref(), built.encoder.as_ref())?
    };
    let facet_head = load_side_head(
        None,
        crate::facets::FACET_HEAD,
        crate::facets::FACET_TAXONOMY,
        "the facet head",
        "this run's facets come from their keyword lists",
        built.encoder.as_ref(),
    )?;
    let parts = Components {
        taxonomy: &taxonomy,
        taxonomy_path: &taxonomy_path,
        ics: &ics,
        tokens: &tokenizer,
        lexicon: &tokenizer,
        encoder: built
            .encoder
            .as_ref()
            .map(|e| e as &dyn crate::embed::Encoder),
        encoder_info: built.encoder_info.clone(),
        cache: cached.as_ref(),
        classifier: built.classifier.as_ref(),
        classifier_info: built.info.clone(),
        commitment: commitment.as_ref().map(|(c, _)| c.as_ref()),
        commitment_info: commitment.as_ref().map(|(_, info)| info.clone()),
        facets: facet_head.as_ref().map(|(c, _)| c.as_ref()),
        facet_info: facet_head.as_ref().map(|(_, info)| info.clone()),
        store: cache.as_ref(),
        fingerprints: pipeline::Fingerprints {
            segmenter: tokenizer.fingerprint().to_string(),
            classifier: format!(
                "{}+{}+{}",
                built.fingerprint,
                side_fingerprint(&commitment),
                side_fingerprint(&facet_head)
            ),
        },
    };
    let bar = StageBar::new();
    let outcome = pipeline::run(&plan, &parts, &settings, &bar)?;
    staged
        .commit()
        .with_context(|| format!("{}: cannot put the finished run in place", out.display()))?;
    print_summary(&outcome.record, &out, setup_secs, outcome.report_secs);
    Ok(status(&outcome.record))
}

/// The commitment head and its record, when one can run beside the
/// classifier: an encoder whose middle layers are the head's. A head named with
/// `--commitment-head` that cannot run is an error; the default one is skipped
/// quietly (with the keyword classifier, say).
fn load_commitment(
    dir: Option<&Path>,
    encoder: Option<&crate::embed::Stack>,
) -> anyhow::Result<Option<SideHead>> {
    use crate::classify::commitment::{COMMITMENT_HEAD, COMMITMENT_TAXONOMY};
    load_side_head(
        dir,
        COMMITMENT_HEAD,
        COMMITMENT_TAXONOMY,
        "--commitment-head",
        "this run has no commitment flags (pass --commitment-head DIR with a head trained \
         on this encoder, or --no-commitment)",
        encoder,
    )
}

/// A side head and its record (which holds the fingerprint of its files).
type SideHead = (
    Box<dyn crate::classify::Classifier>,
    crate::report::CommitmentInfo,
);

fn side_fingerprint(head: &Option<SideHead>) -> &str {
    head.as_ref()
        .and_then(|(_, info)| info.fingerprint.as_deref())
        .unwrap_or("")
}

/// A head that reads the theme head's vectors for another reading of the codebook
/// (commitment flags, facets): the head, its record (folder, thresholds, the error
/// rates beside it, the fingerprint of its files). The default head, trained on the
/// default encoder, is skipped with a warning saying what the run loses
/// (`when_skipped`) when the run's encoder is another (`--model-id` with a head
/// trained on it).
fn load_side_head(
    dir: Option<&Path>,
    default: &str,
    taxonomy: &str,
    option: &str,
    when_skipped: &str,
    encoder: Option<&crate::embed::Stack>,
) -> anyhow::Result<Option<SideHead>> {
    use crate::classify::ensemble::{load_head, HeadFolder};
    let named = dir.is_some();
    let dir = match dir {
        Some(dir) => super::common::head_dir(Some(dir)),
        None => project_file(default),
    };
    let Some(encoder) = encoder else {
        if named {
            anyhow::bail!("{option} needs the encoder: use it with the default classifier");
        }
        return Ok(None);
    };
    if !named && !dir.join("head.json").is_file() {
        return Ok(None);
    }
    let taxonomy = load_taxonomy(Some(&project_file(taxonomy)))?;
    let head = match load_head(&dir, &taxonomy, encoder) {
        Ok(loaded) => loaded.classifier,
        Err(e @ crate::classify::HeadError::WrongEncoder { .. }) if !named => {
            eprintln!("warning: {option} not used: {e}; {when_skipped}");
            return Ok(None);
        }
        Err(e) if !named => {
            tracing::info!("{option}: not used: {e}");
            return Ok(None);
        }
        Err(e) => return Err(e.into()),
    };
    let fingerprint = HeadFolder::read(&dir)?.fingerprint(&dir)?;
    let info = crate::report::CommitmentInfo {
        head: dir.display().to_string(),
        thresholds: head
            .labels()
            .iter()
            .cloned()
            .zip(head.thresholds().iter().copied())
            .collect(),
        rates: super::common::read_rates(&dir)?,
        fingerprint: Some(fingerprint),
    };
    Ok(Some((head, info)))
}

/// 0 all coded, 1 some failed, 2 none coded.
pub(crate) fn status(record: &RunRecord) -> ExitCode {
    if record.counts.coded == 0 {
        ExitCode::from(2)
    } else if record.counts.failed > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

pub(crate) fn print_summary(record: &RunRecord, out: &Path, setup_secs: f64, report_secs: f64) {
    let c = &record.counts;
    let part = record
        .shard
        .map(|s| {
            format!(
                " in shard {}/{} (combine the parts with planthemes merge)",
                s.k, s.n
            )
        })
        .unwrap_or_default();
    eprintln!(
        "coded {} of {} document(s){part}: {} page(s), {} passage(s); classifier {}",
        c.coded, c.documents, c.pages, c.passages, record.classifier.name
    );
    let mut stages = vec![format!("setup {setup_secs:.1} s")];
    stages.extend(
        record
            .timings
            .iter()
            .map(|(stage, secs)| format!("{stage} {secs:.1} s")),
    );
    stages.push(format!("report {report_secs:.1} s"));
    eprintln!("time: {}", stages.join(" · "));
    if let Some(r) = &record.review {
        eprintln!(
            "reviewed: {} passage(s); {} code(s) accepted, {} rejected, {} added; the \
             reviewed codes are counted (reviews.jsonl)",
            r.passages, r.accepted, r.rejected, r.added
        );
    }
    if let Some(cache) = &record.cache {
        eprintln!(
            "cache ({}): {} of {} document(s) read before; {} passage(s) scored before, {} \
             found embedded, {} embedded",
            cache.path, cache.documents, c.coded, cache.scored, cache.found, cache.embedded
        );
    }
    let guessed: Vec<_> = record
        .documents
        .iter()
        .filter(|d| d.ics_confidence != Confidence::Given || d.kind_confidence != Confidence::Given)
        .collect();
    if !guessed.is_empty() {
        eprintln!("guessed (no manifest entry; check documents.csv):");
        for d in guessed {
            eprintln!(
                "  {}: ICS {} ({}; {}), kind {} ({}; {})",
                d.file,
                d.ics,
                d.ics_confidence.as_str(),
                d.ics_basis,
                d.kind.as_str(),
                d.kind_confidence.as_str(),
                d.kind_basis
            );
        }
    }
    if !record.warnings.is_empty() {
        eprintln!("warnings ({}; also in errors.csv):", record.warnings.len());
        for w in &record.warnings {
            eprintln!("  {}: {}", w.file, w.reason);
        }
    }
    if !record.errors.is_empty() {
        eprintln!("failed ({}):", record.errors.len());
        for e in &record.errors {
            eprintln!("  {}: {}", e.file, e.reason);
        }
    }
    println!("report: {}", out.join("report.html").display());
    println!("evidence: {}", out.join("evidence.xlsx").display());
}

/// One progress line across stages, on a terminal only. Nothing is drawn before the
/// first stage (no "0/0"), and a count never passes its stage's total.
struct StageBar {
    bar: indicatif::ProgressBar,
}

impl StageBar {
    fn new() -> Self {
        let bar = super::progress_bar(0, "");
        bar.set_draw_target(indicatif::ProgressDrawTarget::hidden());
        StageBar { bar }
    }
}

impl Progress for StageBar {
    fn stage(&self, name: &str, len: u64) {
        self.bar.set_message(name.to_string());
        self.bar.set_length(len);
        self.bar.set_position(0);
        self.bar.reset_eta();
        if self.bar.is_hidden() {
            self.bar
                .set_draw_target(indicatif::ProgressDrawTarget::stderr());
        }
    }

    fn set(&self, done: u64) {
        self.bar
            .set_position(done.min(self.bar.length().unwrap_or(0)));
    }

    fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_stage_bar_draws_nothing_before_a_stage_and_never_passes_its_total() {
        let bar = StageBar::new();
        assert!(bar.bar.is_hidden(), "drawn before any stage: 0/0");
        bar.stage("embedding and classifying", 3);
        bar.set(55);
        assert_eq!(bar.bar.position(), 3);
        assert_eq!(bar.bar.length(), Some(3));
        bar.stage("writing reports", 1);
        assert_eq!(bar.bar.position(), 0);
        bar.set(1);
        assert_eq!(bar.bar.position(), 1);
    }
}
