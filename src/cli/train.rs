//! `planthemes train`: fit the `linear` head (by default with one hidden layer, bagged
//! over five folds of train and dev pooled) on labelled passages.

use std::collections::{BTreeMap, HashSet};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::Context as _;
use clap::Args;

use super::common::{embed_texts_cached, load_encoder, load_taxonomy, shown};
use super::{CacheArgs, EncoderArgs};
use crate::classify::linear::{features, DevMetrics, Member};
use crate::classify::train::{
    best_threshold_among, mean_f1, train_bagged, train_linear, TrainData, TrainOptions,
};
use crate::classify::{HeadMeta, KeywordClassifier, LinearClassifier};
use crate::embed::Encoder;
use crate::eval::{gold_matrix, read_examples_of, Example};
use crate::taxonomy::Taxonomy;

#[derive(Debug, Args)]
pub struct TrainArgs {
    /// Labelled training passages (JSON Lines {"id","text","labels"}).
    #[arg(long, value_name = "FILE")]
    train: PathBuf,

    /// Which list of each passage holds its labels: `labels` (themes), or
    /// `commitment` with `--taxonomy corpus/commitment.toml` for the commitment head.
    /// Passages without the field are left out.
    #[arg(long, default_value = "labels", value_name = "FIELD")]
    labels_field: String,

    /// For a facet head (`--taxonomy corpus/facets.toml --labels-field facets`), whose
    /// label groups are parent themes: train only on passages whose theme labels carry
    /// one of the parents, and choose each label's threshold on the passages carrying
    /// its own parent, which is where runs decide it.
    #[arg(long)]
    within_parent: bool,

    /// Append the commitment cues (target rules, money, posts, funding, deadlines; see
    /// src/classify/cues.rs) to the features: the commitment head
    /// (`--taxonomy corpus/commitment.toml --labels-field commitment`).
    #[arg(long)]
    commitment_cues: bool,

    /// A reviewed run folder whose reviewed passages join the training passages, with
    /// their labels after review (repeatable; see `planthemes review`).
    #[arg(long, value_name = "RUN_DIR")]
    extra: Vec<PathBuf>,

    /// Labelled dev passages: early stopping and per-label thresholds (with `--folds 1`),
    /// or pooled with --train (bagging). Never the test split.
    #[arg(long, value_name = "FILE")]
    dev: PathBuf,

    /// Bagging: pool --train and --dev, split them into this many folds and train one
    /// member per fold held out; the head scores with the members' mean probability and
    /// its thresholds come from the out-of-fold scores. 1 trains a single head on
    /// --train, stopping and choosing thresholds on --dev.
    #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u16).range(1..=20))]
    folds: u16,

    /// Where to write the head (head.json, head.safetensors).
    #[arg(long, value_name = "DIR", default_value = "models/heads/default")]
    out: PathBuf,

    /// Also write every pooled passage's out-of-fold scores, the ones its thresholds
    /// were chosen on, one JSON line per passage ({"id","split","gold","scores"}, and
    /// "themes" with `--within-parent`, where each label is judged only on passages
    /// carrying its parent), to read the errors behind the out-of-fold figures. Needs
    /// `--folds` above 1. Written atomically, after the head.
    #[arg(long, value_name = "FILE")]
    oof: Option<PathBuf>,

    /// Taxonomy file [default: corpus/taxonomy.toml].
    #[arg(long, value_name = "FILE")]
    taxonomy: Option<PathBuf>,

    /// Seed for minibatch order; the same seed and data give the same head.
    #[arg(long, default_value_t = 17)]
    seed: u64,

    /// Most passes over the training data [default: 150 with a hidden layer, 300 without].
    #[arg(long)]
    max_epochs: Option<usize>,

    /// Width of the head's hidden layer; 0 trains a linear head (logistic regression
    /// per label).
    #[arg(long, default_value_t = 256)]
    hidden: usize,

    /// Dropout on the hidden layer while training (a fifth of it on the features).
    #[arg(long, default_value_t = 0.3)]
    dropout: f32,

    /// The encoder's middle layers (numbered from 1) whose mean-pooled states join the
    /// features beside the sentence embedding, or `none`. They come from the same
    /// forward pass, so they cost nothing at run time (docs/classifier-experiments.md).
    #[arg(long, default_value = "5,4,3", value_name = "N,N,..|none")]
    layers: LayerList,

    #[command(flatten)]
    encoder: EncoderArgs,

    #[command(flatten)]
    cache: CacheArgs,
}

/// `--layers`: comma-separated layer numbers, or `none`.
#[derive(Debug, Clone, PartialEq, Eq)]
struct LayerList(Vec<usize>);

impl std::str::FromStr for LayerList {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s.trim() == "none" {
            return Ok(LayerList(Vec::new()));
        }
        s.split(',')
            .map(|n| match n.trim().parse::<usize>() {
                Ok(n) if n > 0 => Ok(n),
                _ => Err(format!(
                    "{n:?} is not a layer number (1, 2, ...); give e.g. 5,4,3 or none"
                )),
            })
            .collect::<Result<_, _>>()
            .map(LayerList)
    }
}

pub fn run(args: &TrainArgs) -> anyhow::Result<ExitCode> {
    let taxonomy = load_taxonomy(args.taxonomy.as_deref())?;
    let mut train = read_examples_of(&args.train, &taxonomy, &args.labels_field)?;
    for run in &args.extra {
        let reviewed = crate::review::reviewed_examples(run)?;
        if let Some(bad) = reviewed
            .iter()
            .flat_map(|e| &e.labels)
            .find(|l| !taxonomy.ids().contains(&l.as_str()))
        {
            anyhow::bail!(
                "{}: its label {bad:?} is not in the taxonomy; train with the taxonomy the run used",
                run.display()
            );
        }
        eprintln!(
            "train: {} reviewed passage(s) from {}",
            reviewed.len(),
            run.display()
        );
        train.extend(reviewed);
    }
    let mut dev = read_examples_of(&args.dev, &taxonomy, &args.labels_field)?;
    if args.within_parent {
        keep_within_parent(&taxonomy, &args.labels_field, &mut train, &mut dev)?;
    }
    // Checked again by the trainer; here it fails before any embedding.
    let pooled = train.len() + dev.len();
    if args.folds > 1 && pooled < usize::from(args.folds) * 9 {
        anyhow::bail!(
            "{} folds need at least {} passages, and --train and --dev hold {pooled}; give \
             fewer `--folds`, or `--folds 1` for one head on a dev split",
            args.folds,
            usize::from(args.folds) * 9
        );
    }
    if let Some(path) = &args.oof {
        if args.folds < 2 {
            anyhow::bail!(
                "--oof needs out-of-fold scores, which only bagging gives: use --folds 2 or more"
            );
        }
        // Checked now, not after minutes of training.
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            if !dir.is_dir() {
                anyhow::bail!(
                    "cannot write out-of-fold scores to {}: {} is not a folder",
                    path.display(),
                    dir.display()
                );
            }
        }
    }
    let encoder = load_encoder(&args.encoder, &args.layers.0)?;
    let keywords = KeywordClassifier::new(&taxonomy, 1)?;

    // Opened once for both splits.
    let cache = args.cache.open();
    let started = Instant::now();
    let data = |examples: &[Example], what: &str| -> anyhow::Result<TrainData> {
        let texts: Vec<&str> = examples.iter().map(|e| e.text.as_str()).collect();
        let vectors = embed_texts_cached(&encoder, cache.as_ref(), &texts, what)?;
        Ok(TrainData {
            features: vectors
                .iter()
                .zip(&texts)
                .map(|(v, t)| features(v, t, &keywords, args.commitment_cues))
                .collect(),
            gold: gold_matrix(examples, &taxonomy),
        })
    };
    let train_data = data(&train, "training passages")?;
    let dev_data = data(&dev, "dev passages")?;
    let embedded = started.elapsed();

    if !(0.0..0.9).contains(&args.dropout) {
        anyhow::bail!(
            "--dropout must be at least 0 and below 0.9, not {}",
            args.dropout
        );
    }
    let base = if args.hidden > 0 {
        TrainOptions {
            hidden: args.hidden,
            dropout: args.dropout,
            ..TrainOptions::mlp()
        }
    } else {
        TrainOptions::default()
    };
    let opts = TrainOptions {
        seed: args.seed,
        max_epochs: args.max_epochs.unwrap_or(base.max_epochs),
        ..base
    };
    let started = Instant::now();
    let folds = usize::from(args.folds);
    let fitted = if folds > 1 {
        let mut pool = train_data;
        pool.features.extend(dev_data.features);
        pool.gold.extend(dev_data.gold);
        let mut bagged = train_bagged(&pool, folds, &opts)?;
        if args.within_parent {
            let pooled: Vec<&Example> = train.iter().chain(&dev).collect();
            (bagged.thresholds, bagged.oof_f1) =
                thresholds_within_parent(&taxonomy, &bagged.oof, &pool.gold, &pooled);
        }
        Fitted {
            epochs: bagged.members.iter().map(|m| m.epochs).max().unwrap_or(0),
            members: bagged
                .members
                .into_iter()
                .map(|m| (m.hidden, m.output))
                .collect(),
            thresholds: bagged.thresholds,
            f1: bagged.oof_f1,
            oof: Some(bagged.oof),
        }
    } else {
        let mut one = train_linear(&train_data, &dev_data, &opts)?;
        if args.within_parent {
            let scores = one.predict(&dev_data.features)?;
            let judged: Vec<&Example> = dev.iter().collect();
            (one.thresholds, one.dev_f1) =
                thresholds_within_parent(&taxonomy, &scores, &dev_data.gold, &judged);
        }
        Fitted {
            epochs: one.epochs,
            members: vec![(one.hidden, one.output)],
            thresholds: one.thresholds,
            f1: one.dev_f1,
            oof: None,
        }
    };
    let took = started.elapsed();

    let ids: Vec<String> = taxonomy.ids().into_iter().map(String::from).collect();
    let core = taxonomy.core();
    let mut hasher = blake3::Hasher::new();
    hasher.update(&std::fs::read(&args.train)?);
    hasher.update(&std::fs::read(&args.dev)?);
    let meta = HeadMeta {
        format: 1,
        kind: if fitted.members[0].0.is_some() {
            "mlp"
        } else {
            "linear"
        }
        .into(),
        features: std::iter::once("embedding".to_string())
            .chain(args.layers.0.iter().map(|l| format!("layer_{l}_mean")))
            .chain(std::iter::once("keyword_log_hits".to_string()))
            .chain(
                args.commitment_cues
                    .then(|| crate::classify::cues::FEATURE.to_string()),
            )
            .collect(),
        labels: ids.clone(),
        thresholds: fitted.thresholds.clone(),
        encoder_id: encoder.id().to_string(),
        encoder_weight_hash: encoder.weight_hash().to_string(),
        encoder_layers: args.layers.0.clone(),
        taxonomy_hash: taxonomy.hash.clone(),
        training_data_hash: hasher.finalize().to_hex()[..16].to_string(),
        train_file: shown(&args.train),
        dev_file: shown(&args.dev),
        seed: args.seed,
        epochs: fitted.epochs,
        members: fitted.members.len(),
        within_parent: args.within_parent,
        dev_metrics: DevMetrics {
            scores: (folds > 1).then(|| "out-of-fold".to_string()),
            macro_f1: mean_f1(&fitted.f1, 0..ids.len()),
            macro_f1_core: mean_f1(&fitted.f1, core.iter().copied()),
            label_f1: ids
                .iter()
                .cloned()
                .zip(fitted.f1.iter().copied())
                .collect::<BTreeMap<_, _>>(),
        },
    };
    let head = LinearClassifier::new("linear", meta, fitted.members, &taxonomy)?;
    head.save(&args.out)?;
    if let (Some(path), Some(oof)) = (&args.oof, &fitted.oof) {
        let splits = [("train", train.as_slice()), ("dev", dev.as_slice())];
        write_oof(path, &splits, args.within_parent, &ids, oof)?;
    }

    let m = &head.meta().dev_metrics;
    let on = if folds > 1 { "out-of-fold" } else { "dev" };
    println!("label                          threshold  {on} F1");
    for (i, id) in ids.iter().enumerate() {
        println!(
            "{id:<30} {:>9.2}  {}",
            head.meta().thresholds[i],
            fmt_opt(m.label_f1[id])
        );
    }
    println!(
        "{on} macro F1 {} · core four {} (thresholds tuned on these scores, so optimistic; use `planthemes eval` on held-out data)",
        fmt_opt(m.macro_f1),
        fmt_opt(m.macro_f1_core)
    );
    let how = if folds > 1 {
        format!(
            "{folds} members on {} passages (train and dev pooled, one fold held out each)",
            train.len() + dev.len()
        )
    } else {
        format!("{} passages ({} dev)", train.len(), dev.len())
    };
    let kept = if folds > 1 {
        "members kept epochs up to"
    } else {
        "kept epoch"
    };
    eprintln!(
        "trained {how} in {:.1} s (embedding {:.1} s), {kept} {}; wrote {}",
        took.as_secs_f64(),
        embedded.as_secs_f64(),
        fitted.epochs,
        shown(&args.out)
    );
    Ok(ExitCode::SUCCESS)
}

/// `--within-parent`: keeps the passages whose theme labels carry one of the
/// taxonomy's groups, which must be the parent themes of its labels.
fn keep_within_parent(
    taxonomy: &Taxonomy,
    field: &str,
    train: &mut Vec<Example>,
    dev: &mut Vec<Example>,
) -> anyhow::Result<()> {
    if field == "labels" {
        anyhow::bail!(
            "--within-parent judges labels inside their parent theme: give --labels-field \
             naming the list that sits beside the theme labels (e.g. `facets`)"
        );
    }
    let parents: HashSet<&str> = taxonomy.groups.iter().map(|g| g.id.as_str()).collect();
    let carries_parent = |e: &Example| e.themes.iter().any(|t| parents.contains(t.as_str()));
    let before = (train.len(), dev.len());
    train.retain(carries_parent);
    dev.retain(carries_parent);
    if train.is_empty() || dev.is_empty() {
        anyhow::bail!(
            "--within-parent: no passage's theme labels carry a parent of this taxonomy \
             ({}); its groups must be theme ids, as in corpus/facets.toml",
            taxonomy
                .groups
                .iter()
                .map(|g| g.id.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    eprintln!(
        "train: within the parent themes, {} of {} training and {} of {} dev passages",
        train.len(),
        before.0,
        dev.len(),
        before.1
    );
    Ok(())
}

/// Each label's threshold chosen again on the passages (in `scores` order) whose theme
/// labels carry its group, its parent theme; the F1s are on those passages.
fn thresholds_within_parent(
    taxonomy: &Taxonomy,
    scores: &[Vec<f32>],
    gold: &[Vec<bool>],
    passages: &[&Example],
) -> (Vec<f32>, Vec<Option<f64>>) {
    taxonomy
        .labels
        .iter()
        .enumerate()
        .map(|(l, label)| {
            best_threshold_among(scores, gold, l, |i| {
                passages[i].themes.contains(&label.group)
            })
        })
        .unzip()
}

/// What training produced, single head or bagged, before it is written.
struct Fitted {
    members: Vec<Member>,
    thresholds: Vec<f32>,
    /// F1 per label at the thresholds, on dev or on the out-of-fold scores.
    f1: Vec<Option<f64>>,
    /// Most epochs any member kept.
    epochs: usize,
    /// Each pooled passage's out-of-fold scores (bagging only), for `--oof`.
    oof: Option<Vec<Vec<f32>>>,
}

pub(crate) fn fmt_opt(x: Option<f64>) -> String {
    x.map_or_else(|| "n/a".into(), |v| format!("{v:.3}"))
}

/// One pooled passage's out-of-fold scores, for `--oof`.
#[derive(serde::Serialize)]
struct OofRecord<'a> {
    id: &'a str,
    split: &'a str,
    gold: &'a [String],
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    themes: &'a [String],
    scores: BTreeMap<&'a str, f32>,
}

/// Writes `--oof`: one line per pooled passage, in pool order (train, then dev).
fn write_oof(
    path: &std::path::Path,
    splits: &[(&str, &[Example])],
    within_parent: bool,
    labels: &[String],
    oof: &[Vec<f32>],
) -> anyhow::Result<()> {
    let pooled = splits
        .iter()
        .flat_map(|(split, examples)| examples.iter().map(move |e| (*split, e)));
    let mut lines = Vec::new();
    for ((split, example), scores) in pooled.zip(oof) {
        let record = OofRecord {
            id: &example.id,
            split,
            gold: &example.labels,
            themes: if within_parent { &example.themes } else { &[] },
            scores: labels
                .iter()
                .map(String::as_str)
                .zip(scores.iter().copied())
                .collect(),
        };
        serde_json::to_writer(&mut lines, &record)?;
        lines.push(b'\n');
    }
    crate::report::write_atomic(path, |w| w.write_all(&lines))
        .with_context(|| format!("cannot write out-of-fold scores to {}", path.display()))?;
    eprintln!(
        "train: wrote {} out-of-fold records to {}",
        oof.len(),
        path.display()
    );
    Ok(())
}
