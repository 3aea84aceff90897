//! `planthemes eval`: per-label precision, recall and F1 with bootstrap intervals, for
//! one classifier or all of them, on a labelled file.

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::{Args, ValueEnum};
use serde::Serialize;

use super::common::{
    embed_texts_cached, load_encoder, load_stack, load_taxonomy, make_classifier, shown, Kind,
};
use super::train::fmt_opt;
use super::{CacheArgs, EncoderArgs};
use crate::classify::prototype::DEFAULT_THRESHOLD;
use crate::classify::Input;
use crate::embed::Stack;
use crate::eval::{
    bootstrap, gold_matrix, macro_f1, micro_f1, read_examples_of, Example, Judgements,
};
use crate::paths::project_file;
use crate::report::write_atomic;
use crate::taxonomy::Taxonomy;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Which {
    /// The trained head (--head, default models/heads/default).
    Linear,
    /// Zero-shot cosine to label descriptions and exemplars: a weak baseline, below
    /// the keyword list on real plan text (see docs/classifier-experiments.md).
    Prototype,
    /// Taxonomy keyword lexicon.
    Keyword,
    /// The opt-in head over two encoders (models/heads/accurate: MiniLM and
    /// all-mpnet-base-v2; about 9× the embedding time).
    Accurate,
    /// The default head, prototype and keyword, and the accurate head when its
    /// encoders are on this machine.
    All,
}

#[derive(Debug, Args)]
pub struct EvalArgs {
    /// Labelled passages (JSON Lines {"id","text","labels","doc_kind"?,"source"?}).
    #[arg(long, value_name = "FILE", required_unless_present = "run")]
    data: Option<PathBuf>,

    /// Instead of --data: a reviewed run folder. Scores the run's machine codes against
    /// its reviewers' decisions, label by label: an accepted code is a hit, a rejected
    /// one a false positive, an added one a miss. Codes nobody decided on count for
    /// nothing.
    #[arg(long, value_name = "RUN_DIR", conflicts_with_all = ["data", "classifier"])]
    run: Option<PathBuf>,

    /// Which classifier [default: the one `run` uses, the linear default head].
    #[arg(long, value_enum)]
    classifier: Option<Which>,

    /// Which list of each passage holds its gold labels: `labels` (themes), or
    /// `commitment` with `--taxonomy corpus/commitment.toml`. Passages without the
    /// field are left out.
    #[arg(long, default_value = "labels", value_name = "FIELD")]
    labels_field: String,

    /// Print one JSON document on stdout instead of tables.
    #[arg(long)]
    json: bool,

    /// Head folder for the linear classifier [default: models/heads/default].
    #[arg(long, value_name = "DIR")]
    head: Option<PathBuf>,

    /// Taxonomy file [default: corpus/taxonomy.toml].
    #[arg(long, value_name = "FILE")]
    taxonomy: Option<PathBuf>,

    /// Cosine threshold of the prototype classifier.
    #[arg(long, default_value_t = DEFAULT_THRESHOLD)]
    prototype_threshold: f32,

    /// Bootstrap resamples over passages.
    #[arg(long, default_value_t = 1000)]
    resamples: usize,

    /// Bootstrap seed; the same seed gives the same intervals.
    #[arg(long, default_value_t = 2026)]
    seed: u64,

    /// Also write every passage's scores and decisions, one JSON line per passage and
    /// classifier ({"classifier","id","gold","predicted","missed","extra","scores"}),
    /// to read the errors behind the figures. Written atomically. (`--out` is the same.)
    #[arg(long, value_name = "FILE", visible_alias = "out")]
    predictions: Option<PathBuf>,

    /// Also write the first classifier's per-label confusion counts (tp, fp, fn, tn) as
    /// a rates file. Put it beside a head as `rates.json` and every run with that head
    /// corrects its coverage for the errors measured here (coverage.csv `share_adj`,
    /// `p_missed`; see README). Measure on held-out hand-labelled text like the text
    /// the runs will read.
    #[arg(long, value_name = "FILE")]
    rates: Option<PathBuf>,

    /// Also write the facet head's per-facet confusion counts, each facet judged within
    /// the parent theme the first classifier found, as `run` gives facets: the rates
    /// file for models/heads/facets. Needs the theme labels and `facets` in --data.
    #[arg(long, value_name = "FILE")]
    facet_rates: Option<PathBuf>,

    #[command(flatten)]
    encoder: EncoderArgs,

    #[command(flatten)]
    cache: CacheArgs,
}

#[derive(Serialize)]
struct LabelReport {
    precision: Option<f64>,
    recall: Option<f64>,
    f1: Option<f64>,
    support: usize,
    f1_ci: Option<[f64; 2]>,
}

#[derive(Serialize)]
struct SliceReport {
    n: usize,
    macro_f1: Option<f64>,
    macro_f1_core: Option<f64>,
}

#[derive(Serialize)]
struct ClassifierReport {
    classifier: String,
    /// What a reader should know before trusting the figures, when there is something.
    #[serde(skip_serializing_if = "Option::is_none")]
    note: Option<&'static str>,
    macro_f1: Option<f64>,
    macro_f1_core: Option<f64>,
    micro_f1: Option<f64>,
    macro_f1_ci: Option<[f64; 2]>,
    macro_f1_core_ci: Option<[f64; 2]>,
    macro_f1_groups: BTreeMap<String, Option<f64>>,
    /// The bootstrap 95% interval of each group's macro F1.
    macro_f1_groups_ci: BTreeMap<String, Option<[f64; 2]>>,
    labels: BTreeMap<String, LabelReport>,
    by_doc_kind: BTreeMap<String, SliceReport>,
    by_source: BTreeMap<String, SliceReport>,
}

/// One passage as one classifier saw it, for `--predictions`.
#[derive(Serialize)]
struct PredictionRecord<'a> {
    classifier: &'a str,
    id: &'a str,
    gold: Vec<&'a str>,
    predicted: Vec<&'a str>,
    /// Gold labels the classifier did not give (false negatives).
    missed: Vec<&'a str>,
    /// Labels the classifier gave that are not gold (false positives).
    extra: Vec<&'a str>,
    /// Score per label; the decision is `score >= threshold`.
    scores: BTreeMap<&'a str, f32>,
}

#[derive(Serialize)]
struct Report {
    data: String,
    n: usize,
    results: Vec<ClassifierReport>,
    /// The commitment head on the passages that carry hand-coded `commitment` flags.
    #[serde(skip_serializing_if = "Option::is_none")]
    commitment: Option<CommitmentReport>,
    /// The facets on the passages that carry hand-coded `facets`, each judged only on
    /// passages whose gold labels have its parent theme.
    #[serde(skip_serializing_if = "Option::is_none")]
    facets: Option<FacetsReport>,
}

#[derive(Serialize)]
struct FacetsReport {
    /// Passages that carry hand-coded facets.
    n: usize,
    #[serde(flatten)]
    report: ClassifierReport,
    /// The same facets judged within the parent themes the first classifier found, as
    /// a run gives them: a missed parent loses its facets, a wrong one can add some.
    #[serde(skip_serializing_if = "Option::is_none")]
    end_to_end: Option<ClassifierReport>,
}

/// Per-label confusion counts (tp, fp, fn, tn) written as a rates file.
fn write_rates(
    path: &std::path::Path,
    measured_on: &str,
    classifier: &str,
    labels: &[String],
    gold: &[Vec<bool>],
    predicted: &[Vec<bool>],
) -> anyhow::Result<()> {
    let rates = crate::honest::Rates {
        measured_on: measured_on.to_string(),
        classifier: classifier.to_string(),
        labels: labels
            .iter()
            .enumerate()
            .map(|(l, id)| {
                let mut r = crate::honest::LabelRates::default();
                for (g, p) in gold.iter().zip(predicted) {
                    match (g[l], p[l]) {
                        (true, true) => r.tp += 1,
                        (false, true) => r.fp += 1,
                        (true, false) => r.fn_ += 1,
                        (false, false) => r.tn += 1,
                    }
                }
                (id.clone(), r)
            })
            .collect(),
    };
    write_atomic(path, |w| {
        serde_json::to_writer_pretty(&mut *w, &rates)?;
        w.write_all(b"\n")
    })
    .with_context(|| format!("cannot write rates to {}", path.display()))?;
    eprintln!(
        "eval: wrote the per-label error counts of {classifier} on {} passages to {}",
        gold.len(),
        path.display()
    );
    Ok(())
}

#[derive(Serialize)]
struct CommitmentReport {
    n: usize,
    flags: ClassifierReport,
    /// The share of passages whose strength (highest flag, or none) is the gold one.
    strength_accuracy: f64,
}

pub fn run(args: &EvalArgs) -> anyhow::Result<ExitCode> {
    if let Some(run_dir) = &args.run {
        return against_reviewer(args, run_dir);
    }
    let data = args
        .data
        .as_ref()
        .expect("clap requires --data without --run");
    let taxonomy = load_taxonomy(args.taxonomy.as_deref())?;
    let examples = read_examples_of(data, &taxonomy, &args.labels_field)?;
    let which = args.classifier.unwrap_or(Which::Linear);
    if which == Which::Accurate && args.head.is_some() {
        anyhow::bail!(
            "--classifier accurate reads models/heads/accurate; for another head folder, use \
             --classifier linear --head DIR"
        );
    }
    let mut names: Vec<Which> = match which {
        Which::All => {
            let mut all = vec![Which::Linear, Which::Prototype, Which::Keyword];
            match accurate_left_out(args) {
                None => all.push(Which::Accurate),
                Some(why) => eprintln!("eval: the accurate head not scored: {why}"),
            }
            all
        }
        one => vec![one],
    };

    let texts: Vec<&str> = examples.iter().map(|e| e.text.as_str()).collect();
    let needs_encoder = names
        .iter()
        .any(|w| matches!(w, Which::Linear | Which::Prototype));
    let (encoder, vectors) = if needs_encoder {
        // The head's encoders and middle layers; the prototype classifier reads only the
        // sentence embedding at the start of each vector.
        let encoder = if names.contains(&Which::Linear) {
            load_stack(&args.encoder, args.head.as_deref())?
        } else {
            Stack::one(load_encoder(&args.encoder, &[])?)
        };
        let vectors = embed_texts_cached(&encoder, args.cache.open().as_ref(), &texts, "passages")?;
        (Some(encoder), vectors)
    } else {
        (None, Vec::new())
    };
    let inputs = Input::zip(&texts, &vectors);
    // The accurate head reads its own encoders' vectors. Under `all` it is scored only
    // from local copies of them, and left out, with a note, when they are not here.
    let (accurate, accurate_vectors) = if names.contains(&Which::Accurate) {
        match accurate_vectors(args, &taxonomy, which == Which::All, &texts) {
            Ok((stack, vectors)) => (Some(stack), vectors),
            Err(e) if which == Which::All => {
                eprintln!("eval: the accurate head not scored: {e:#}");
                names.retain(|w| *w != Which::Accurate);
                (None, Vec::new())
            }
            Err(e) => return Err(e),
        }
    } else {
        (None, Vec::new())
    };
    let accurate_inputs = Input::zip(&texts, &accurate_vectors);
    // What the commitment and facet heads may read: the encoders already loaded.
    let side = encoder.as_ref().or(accurate.as_ref());

    let gold = gold_matrix(&examples, &taxonomy);
    let mut results = Vec::new();
    let mut records: Vec<u8> = Vec::new();
    // The first classifier's themes per passage id: facets are also judged within them.
    let mut found_themes: HashMap<String, Vec<String>> = HashMap::new();
    for name in names {
        let (kind, head, stack, inputs) = match name {
            Which::Linear => (Kind::Linear, args.head.clone(), encoder.as_ref(), &inputs),
            Which::Prototype => (Kind::Prototype, None, encoder.as_ref(), &inputs),
            Which::Keyword => (Kind::Keyword, None, None, &inputs),
            Which::Accurate => (
                Kind::Linear,
                Some(project_file(ACCURATE_HEAD)),
                accurate.as_ref(),
                &accurate_inputs,
            ),
            Which::All => unreachable!("expanded above"),
        };
        let (classifier, _) = make_classifier(
            kind,
            head.as_deref(),
            args.prototype_threshold,
            &taxonomy,
            stack,
        )?;
        let scores = classifier.score(inputs)?;
        let mut predicted = classifier.decide(&scores);
        if args.labels_field == "facets" {
            // A facet is given only within a passage that carries its parent (the
            // facet's group is its parent theme): judged on the gold parent here.
            for (row, example) in predicted.iter_mut().zip(&examples) {
                for (decision, label) in row.iter_mut().zip(&taxonomy.labels) {
                    *decision &= example.themes.contains(&label.group);
                }
            }
        }
        if let (Some(path), true) = (&args.rates, results.is_empty()) {
            write_rates(
                path,
                &shown(data),
                classifier.name(),
                classifier.labels(),
                &gold,
                &predicted,
            )?;
        }
        if results.is_empty() && args.labels_field == "labels" {
            found_themes = examples
                .iter()
                .zip(&predicted)
                .map(|(e, row)| {
                    let ids = taxonomy.ids().into_iter().zip(row);
                    let on = ids.filter(|(_, on)| **on).map(|(id, _)| id.to_string());
                    (e.id.clone(), on.collect())
                })
                .collect();
        }
        if args.predictions.is_some() {
            let ids = classifier.labels();
            for (i, example) in examples.iter().enumerate() {
                let record = prediction_record(
                    classifier.name(),
                    example,
                    ids,
                    &gold[i],
                    &predicted[i],
                    &scores[i],
                );
                serde_json::to_writer(&mut records, &record)?;
                records.push(b'\n');
            }
        }
        results.push(report(
            classifier.name(),
            classifier.caveat(),
            &taxonomy,
            &examples,
            &Judgements {
                gold: gold.clone(),
                predicted,
            },
            args,
        ));
    }

    if let Some(path) = &args.predictions {
        write_atomic(path, |w| w.write_all(&records))
            .with_context(|| format!("cannot write predictions to {}", path.display()))?;
        eprintln!(
            "eval: wrote {} prediction records to {}",
            examples.len() * results.len(),
            path.display()
        );
    }

    // The other readings of the codebook, whenever the file carries them.
    let (commitment, facets) = if args.labels_field == "labels" {
        // The commitment head needs the default encoder's middle layers: with another
        // encoder (a test's tiny model, say) its section is left out, with a note.
        let commitment = commitment_section(args, data, side).unwrap_or_else(|e| {
            eprintln!("eval: commitment flags not scored: {e:#}");
            None
        });
        // As in `run`: the facet head beside the trained head, keyword lists otherwise.
        let with_head = which != Which::Keyword && which != Which::Prototype;
        let facets = facet_section(args, data, side, &found_themes, with_head)?;
        (commitment, facets)
        // (facet_section falls back to the keyword lists when the head cannot run.)
    } else {
        (None, None)
    };
    if args.facet_rates.is_some() && facets.is_none() {
        anyhow::bail!(
            "--facet-rates: {} has no passages with `facets` beside their theme `labels` \
             (give the labelled themes file, not --labels-field {})",
            data.display(),
            args.labels_field
        );
    }
    let report = Report {
        data: shown(data),
        n: examples.len(),
        results,
        commitment,
        facets,
    };
    emit(&report, &taxonomy, args.json)
}

/// The opt-in head over two encoders.
const ACCURATE_HEAD: &str = "models/heads/accurate";

/// Why `eval --classifier all` leaves the accurate head out, if it does: it reads theme
/// labels with the project's taxonomy and its own encoders, on the CPU.
fn accurate_left_out(args: &EvalArgs) -> Option<&'static str> {
    let e = &args.encoder;
    let shipped = project_file(ACCURATE_HEAD)
        .join(crate::classify::ensemble::ENSEMBLE_FILE)
        .is_file();
    if !shipped {
        Some("models/heads/accurate is not in this checkout")
    } else if args.labels_field != "labels" || args.taxonomy.is_some() {
        Some("it codes the project's themes only (no --labels-field or --taxonomy)")
    } else if args.head.is_some() || e.model.is_some() || e.model_id != crate::embed::DEFAULT_MODEL
    {
        Some("it reads its own encoders and heads (no --head, --model or --model-id)")
    } else if e.device != crate::embed::DeviceChoice::Cpu || e.candle_kernels {
        Some("all-mpnet-base-v2 runs on the CPU with planthemes' own kernels only")
    } else {
        None
    }
}

/// The accurate head's encoders and the texts' vectors from them, after checking that
/// the head loads on them; with `local_only`, no download is tried.
fn accurate_vectors(
    args: &EvalArgs,
    taxonomy: &Taxonomy,
    local_only: bool,
    texts: &[&str],
) -> anyhow::Result<(Stack, Vec<Vec<f32>>)> {
    let mut encoder = args.encoder.clone();
    encoder.offline |= local_only;
    let dir = project_file(ACCURATE_HEAD);
    let stack = load_stack(&encoder, Some(&dir))?;
    crate::classify::ensemble::load_head(&dir, taxonomy, &stack)?;
    let vectors = embed_texts_cached(
        &stack,
        args.cache.open().as_ref(),
        texts,
        "passages (accurate head)",
    )?;
    Ok((stack, vectors))
}

/// The commitment head scored on the file's passages with `commitment` flags.
fn commitment_section(
    args: &EvalArgs,
    data: &std::path::Path,
    loaded: Option<&Stack>,
) -> anyhow::Result<Option<CommitmentReport>> {
    use crate::classify::commitment::{strength, COMMITMENT_HEAD, COMMITMENT_TAXONOMY};
    use crate::paths::project_file;
    let head = project_file(COMMITMENT_HEAD);
    if !head.join("head.json").is_file() {
        return Ok(None);
    }
    let taxonomy = load_taxonomy(Some(&project_file(COMMITMENT_TAXONOMY)))?;
    let examples = match read_examples_of(data, &taxonomy, "commitment") {
        Ok(e) if !e.is_empty() => e,
        _ => return Ok(None),
    };
    let (name, predicted) = side_head_predictions(args, &head, &examples, &taxonomy, loaded)?;
    let gold = gold_matrix(&examples, &taxonomy);
    let flags_of = |row: &[bool]| -> Vec<&str> {
        taxonomy
            .labels
            .iter()
            .zip(row)
            .filter(|(_, on)| **on)
            .map(|(l, _)| l.id.as_str())
            .collect()
    };
    let same = gold
        .iter()
        .zip(&predicted)
        .filter(|(g, p)| strength(&flags_of(g)) == strength(&flags_of(p)))
        .count();
    let flags = report(
        &name,
        None,
        &taxonomy,
        &examples,
        &Judgements { gold, predicted },
        args,
    );
    Ok(Some(CommitmentReport {
        n: examples.len(),
        flags,
        strength_accuracy: same as f64 / examples.len() as f64,
    }))
}

/// The facet head's decisions on the examples, when it can run.
fn facet_head_scores(
    args: &EvalArgs,
    examples: &[Example],
    taxonomy: &Taxonomy,
    loaded: Option<&Stack>,
) -> anyhow::Result<Vec<Vec<bool>>> {
    let head = crate::paths::project_file(crate::facets::FACET_HEAD);
    anyhow::ensure!(
        head.join("head.json").is_file(),
        "no facet head at {}",
        head.display()
    );
    Ok(side_head_predictions(args, &head, examples, taxonomy, loaded)?.1)
}

/// A head's name and decisions on the examples, with the encoder its layers need: the
/// one already loaded for the themes when it pools the same layers.
fn side_head_predictions(
    args: &EvalArgs,
    head: &std::path::Path,
    examples: &[Example],
    taxonomy: &Taxonomy,
    loaded: Option<&Stack>,
) -> anyhow::Result<(String, Vec<Vec<bool>>)> {
    // The encoders already loaded serve when the head can read their vectors.
    use crate::classify::ensemble::load_head;
    let fresh;
    let (encoder, classifier) = match loaded.map(|stack| (stack, load_head(head, taxonomy, stack)))
    {
        Some((stack, Ok(loaded))) => (stack, loaded.classifier),
        _ => {
            fresh = load_stack(&args.encoder, Some(head))?;
            (&fresh, load_head(head, taxonomy, &fresh)?.classifier)
        }
    };
    let texts: Vec<&str> = examples.iter().map(|e| e.text.as_str()).collect();
    let vectors = embed_texts_cached(encoder, args.cache.open().as_ref(), &texts, "passages")?;
    let predicted = classifier.predict(&Input::zip(&texts, &vectors))?;
    Ok((classifier.name().to_string(), predicted))
}

/// The facets' keyword lists scored on the file's passages with `facets`, each facet
/// given only where the gold labels have its parent.
fn facet_section(
    args: &EvalArgs,
    data: &std::path::Path,
    loaded: Option<&Stack>,
    found_themes: &HashMap<String, Vec<String>>,
    with_head: bool,
) -> anyhow::Result<Option<FacetsReport>> {
    let facets = crate::facets::Facets::builtin()?;
    let taxonomy = facets.taxonomy();
    let examples = match read_examples_of(data, taxonomy, "facets") {
        Ok(e) if !e.is_empty() => e,
        _ => return Ok(None),
    };
    let ids = facets.ids();
    // The facet head, as `run` uses it; the keyword lists where it cannot run.
    let head = if with_head {
        facet_head_scores(args, &examples, taxonomy, loaded)
    } else {
        Err(anyhow::anyhow!(
            "the keyword lists go with --classifier keyword and prototype"
        ))
    };
    let name = match &head {
        Ok(_) => "facets (the facet head, within the parent theme)",
        Err(e) => {
            if with_head {
                eprintln!("eval: facets scored by their keyword lists: {e:#}");
            }
            "facets (keyword lists within the parent theme)"
        }
    };
    // Each facet's own decision (the head's, or its keyword list named), read once;
    // then given only within a passage's parent themes, gold or found.
    let head_used = head.is_ok();
    let decided: Vec<Vec<bool>> = head.unwrap_or_else(|_| {
        examples
            .iter()
            .map(|e| facets.hits(&e.text).iter().map(|h| *h >= 1.0).collect())
            .collect()
    });
    let given = |themes: Vec<&[String]>| -> Vec<Vec<bool>> {
        decided
            .iter()
            .zip(themes)
            .map(|(row, themes)| {
                row.iter()
                    .zip(&taxonomy.labels)
                    .map(|(on, l)| *on && themes.contains(&l.group))
                    .collect()
            })
            .collect()
    };
    let gold = gold_matrix(&examples, taxonomy);
    let within_gold = given(examples.iter().map(|e| e.themes.as_slice()).collect());
    let end_to_end = (!found_themes.is_empty()).then(|| {
        let found = |e: &Example| found_themes.get(&e.id).map_or(&[][..], Vec::as_slice);
        given(examples.iter().map(found).collect())
    });
    if let (Some(path), Some(predicted)) = (&args.facet_rates, &end_to_end) {
        let measured = format!(
            "{} (within the parents the theme classifier found)",
            shown(data)
        );
        let labels: Vec<String> = ids.iter().map(|f| f.to_string()).collect();
        let who = if head_used {
            "facets"
        } else {
            "facet keyword lists"
        };
        write_rates(path, &measured, who, &labels, &gold, predicted)?;
    }
    let judged = |name: &str, predicted: Vec<Vec<bool>>| {
        let gold = gold.clone();
        report(
            name,
            None,
            taxonomy,
            &examples,
            &Judgements { gold, predicted },
            args,
        )
    };
    Ok(Some(FacetsReport {
        n: examples.len(),
        end_to_end: end_to_end.map(|p| judged(&format!("{name}, within the parents found"), p)),
        report: judged(name, within_gold),
    }))
}

/// `eval --run`: the machine's codes against the reviewers' decisions.
fn against_reviewer(args: &EvalArgs, run_dir: &std::path::Path) -> anyhow::Result<ExitCode> {
    use crate::review::{Decision, Reviews};
    let (record, passages) = crate::report::read_run(run_dir)?;
    let reviews = Reviews::read(run_dir)?;
    if reviews.is_empty() {
        anyhow::bail!(
            "{}: no reviews yet; record some with `planthemes review {} --from FILE`",
            run_dir.display(),
            run_dir.display()
        );
    }
    let taxonomy = load_taxonomy(args.taxonomy.as_deref())?;
    let ids: Vec<&str> = record.labels.iter().map(|l| l.id.as_str()).collect();
    if taxonomy.ids() != ids {
        anyhow::bail!(
            "{}: the run's labels differ from the taxonomy's; give the run's taxonomy with --taxonomy {}",
            run_dir.display(),
            record.taxonomy
        );
    }
    let (mut examples, mut gold, mut predicted) = (Vec::new(), Vec::new(), Vec::new());
    for p in &passages {
        let Some(decisions) = reviews.on(&p.id) else {
            continue;
        };
        // Undecided codes are false on both sides: they change no P, R or F1.
        let (mut g, mut m) = (vec![false; ids.len()], vec![false; ids.len()]);
        for (label, decision) in decisions {
            let Some(l) = ids.iter().position(|id| id == label) else {
                continue;
            };
            g[l] = matches!(decision, Decision::Accept | Decision::Add);
            m[l] = p.labels.iter().any(|x| x == label);
        }
        examples.push(Example {
            id: p.id.clone(),
            text: String::new(),
            labels: Vec::new(),
            doc_kind: Some(p.kind.as_str().to_string()),
            source: None,
            themes: Vec::new(),
        });
        gold.push(g);
        predicted.push(m);
    }
    let name = format!("{} (machine codes vs reviewers)", record.classifier.name);
    let results = vec![report(
        &name,
        None,
        &taxonomy,
        &examples,
        &Judgements { gold, predicted },
        args,
    )];
    let report = Report {
        data: format!("{} (reviewed passages)", shown(run_dir)),
        n: examples.len(),
        results,
        commitment: None,
        facets: None,
    };
    emit(&report, &taxonomy, args.json)
}

/// The report on stdout: one JSON document, or tables.
fn emit(report: &Report, taxonomy: &Taxonomy, json: bool) -> anyhow::Result<ExitCode> {
    if json {
        println!("{}", serde_json::to_string_pretty(report)?);
    } else {
        print_tables(report, taxonomy);
    }
    Ok(ExitCode::SUCCESS)
}

fn prediction_record<'a>(
    classifier: &'a str,
    example: &'a Example,
    labels: &'a [String],
    gold: &[bool],
    predicted: &[bool],
    scores: &[f32],
) -> PredictionRecord<'a> {
    let pick = |keep: &dyn Fn(usize) -> bool| -> Vec<&'a str> {
        (0..labels.len())
            .filter(|&l| keep(l))
            .map(|l| labels[l].as_str())
            .collect()
    };
    PredictionRecord {
        classifier,
        id: &example.id,
        gold: pick(&|l| gold[l]),
        predicted: pick(&|l| predicted[l]),
        missed: pick(&|l| gold[l] && !predicted[l]),
        extra: pick(&|l| predicted[l] && !gold[l]),
        scores: labels
            .iter()
            .map(String::as_str)
            .zip(scores.iter().copied())
            .collect(),
    }
}

fn report(
    name: &str,
    note: Option<&'static str>,
    taxonomy: &Taxonomy,
    examples: &[Example],
    judgements: &Judgements,
    args: &EvalArgs,
) -> ClassifierReport {
    let n_labels = taxonomy.labels.len();
    let all: Vec<usize> = (0..n_labels).collect();
    let core = taxonomy.core();
    let counts = judgements.counts(n_labels);
    let members: Vec<Vec<usize>> = taxonomy
        .groups
        .iter()
        .map(|g| taxonomy.group_members(&g.id))
        .collect();
    let subsets: Vec<&[usize]> = [&all[..], &core[..]]
        .into_iter()
        .chain(members.iter().map(Vec::as_slice))
        .collect();
    let boot = bootstrap(judgements, n_labels, &subsets, args.resamples, args.seed);
    let pair = |i: Option<(f64, f64)>| i.map(|(lo, hi)| [lo, hi]);

    let labels = taxonomy
        .labels
        .iter()
        .enumerate()
        .map(|(l, label)| {
            let c = counts[l];
            (
                label.id.clone(),
                LabelReport {
                    precision: c.precision(),
                    recall: c.recall(),
                    f1: c.f1(),
                    support: c.support(),
                    f1_ci: pair(boot.label_f1[l]),
                },
            )
        })
        .collect();
    let macro_f1_groups = taxonomy
        .groups
        .iter()
        .zip(&members)
        .map(|(g, m)| (g.id.clone(), macro_f1(&counts, m)))
        .collect();
    let macro_f1_groups_ci = taxonomy
        .groups
        .iter()
        .zip(&boot.macro_f1[2..])
        .map(|(g, ci)| (g.id.clone(), pair(*ci)))
        .collect();

    let slices = |key: fn(&Example) -> Option<&str>| -> BTreeMap<String, SliceReport> {
        let mut groups: BTreeMap<String, Vec<usize>> = BTreeMap::new();
        for (i, e) in examples.iter().enumerate() {
            if let Some(k) = key(e) {
                groups.entry(k.to_string()).or_default().push(i);
            }
        }
        groups
            .into_iter()
            .map(|(k, idx)| {
                let c = judgements.counts_over(&idx, n_labels);
                (
                    k,
                    SliceReport {
                        n: idx.len(),
                        macro_f1: macro_f1(&c, &all),
                        macro_f1_core: macro_f1(&c, &core),
                    },
                )
            })
            .collect()
    };

    ClassifierReport {
        classifier: name.to_string(),
        note,
        macro_f1: macro_f1(&counts, &all),
        macro_f1_core: macro_f1(&counts, &core),
        micro_f1: micro_f1(&counts, &all),
        macro_f1_ci: pair(boot.macro_f1[0]),
        macro_f1_core_ci: pair(boot.macro_f1[1]),
        macro_f1_groups,
        macro_f1_groups_ci,
        labels,
        by_doc_kind: slices(|e| e.doc_kind.as_deref()),
        by_source: slices(|e| e.source.as_deref()),
    }
}

fn print_tables(report: &Report, taxonomy: &Taxonomy) {
    print_results(&report.results, &report.data, report.n, taxonomy);
    if let Some(c) = &report.commitment {
        if let Ok(t) = load_taxonomy(Some(&crate::paths::project_file(
            crate::classify::commitment::COMMITMENT_TAXONOMY,
        ))) {
            println!(
                "\ncommitment flags (the passages that carry them: {}):",
                c.n
            );
            print_results(std::slice::from_ref(&c.flags), &report.data, c.n, &t);
            println!(
                "strength (highest flag) accuracy {:.3}",
                c.strength_accuracy
            );
        }
    }
    if let (Some(f), Ok(facets)) = (&report.facets, crate::facets::Facets::builtin()) {
        println!("\nfacets (judged within their gold parent theme):");
        print_results(
            std::slice::from_ref(&f.report),
            &report.data,
            f.n,
            facets.taxonomy(),
        );
        if let Some(found) = &f.end_to_end {
            println!(
                "\nfacets end to end (within the parent themes the first classifier found, as a run gives them):"
            );
            print_results(
                std::slice::from_ref(found),
                &report.data,
                f.n,
                facets.taxonomy(),
            );
        }
    }
}

fn print_results(results: &[ClassifierReport], data: &str, n: usize, taxonomy: &Taxonomy) {
    let ci = |c: Option<[f64; 2]>| {
        c.map_or_else(
            || "       n/a    ".into(),
            |[lo, hi]| format!("[{lo:.2}, {hi:.2}]"),
        )
    };
    for r in results {
        println!("\n{} on {} ({} passages)", r.classifier, data, n);
        if let Some(note) = r.note {
            println!("note: {note}");
        }
        println!(
            "{:<28} {:>6} {:>6} {:>6}  {:<14} {:>7}",
            "label", "P", "R", "F1", "F1 95% CI", "support"
        );
        for label in &taxonomy.labels {
            let l = &r.labels[&label.id];
            let core = if label.core { "*" } else { " " };
            println!(
                "{:<28} {:>6} {:>6} {:>6}  {:<14} {:>7}",
                format!("{}{core}", label.id),
                fmt2(l.precision),
                fmt2(l.recall),
                fmt2(l.f1),
                ci(l.f1_ci),
                l.support
            );
        }
        println!(
            "micro F1 {} · macro F1 {} {} · core four (*) {} {}",
            fmt_opt(r.micro_f1),
            fmt_opt(r.macro_f1),
            ci(r.macro_f1_ci),
            fmt_opt(r.macro_f1_core),
            ci(r.macro_f1_core_ci)
        );
        let groups: Vec<String> = r
            .macro_f1_groups
            .iter()
            .map(|(g, f)| {
                let interval = r.macro_f1_groups_ci.get(g).copied().flatten();
                format!("{g} {} {}", fmt_opt(*f), ci(interval).trim())
            })
            .collect();
        println!("macro F1 by group: {}", groups.join(" · "));
        for (what, slices) in [("doc_kind", &r.by_doc_kind), ("source", &r.by_source)] {
            if slices.is_empty() {
                continue;
            }
            let parts: Vec<String> = slices
                .iter()
                .map(|(k, s)| {
                    format!(
                        "{k} (n={}) {} / core {}",
                        s.n,
                        fmt_opt(s.macro_f1),
                        fmt_opt(s.macro_f1_core)
                    )
                })
                .collect();
            println!("by {what}: {}", parts.join(" · "));
        }
    }
}

fn fmt2(x: Option<f64>) -> String {
    x.map_or_else(|| "n/a".into(), |v| format!("{v:.2}"))
}
