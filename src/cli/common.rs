//! Pieces several commands share: the taxonomy, the encoder, embedding with progress.

use std::path::{Path, PathBuf};

use anyhow::Context;

use super::{progress_bar, EncoderArgs};
use crate::embed::{BertEncoder, Encoder, Stack, Truncation};
use crate::paths::project_file;
use crate::taxonomy::{Taxonomy, DEFAULT_TAXONOMY};

/// The taxonomy at `path`, or the project's `corpus/taxonomy.toml`.
pub fn load_taxonomy(path: Option<&Path>) -> anyhow::Result<Taxonomy> {
    let path = path
        .map(Path::to_path_buf)
        .unwrap_or_else(|| project_file(DEFAULT_TAXONOMY));
    Ok(Taxonomy::load(&path)?)
}

/// The encoder for labelled or segmented passages: over-long passages are truncated
/// (and counted in a warning), never refused, since they are the user's data.
/// `extra_layers` are the middle layers a head reads besides the sentence embedding
/// (empty for none).
pub fn load_encoder(args: &EncoderArgs, extra_layers: &[usize]) -> anyhow::Result<BertEncoder> {
    let options = crate::embed::EncoderOptions {
        extra_layers: extra_layers.to_vec(),
        ..args.options(Truncation::Truncate)
    };
    Ok(BertEncoder::load(&args.request(), &options)?)
}

/// The encoders the head folder `dir` (default: the default head) reads, loaded end to
/// end: the command line's encoder with the head's middle layers, or, for an ensemble
/// (`ensemble.json`), each member's model with its layers.
pub fn load_stack(args: &EncoderArgs, dir: Option<&Path>) -> anyhow::Result<Stack> {
    use crate::classify::ensemble::HeadFolder;
    let dir = head_dir(dir);
    let folder = HeadFolder::read(&dir)?;
    let mut parts = Vec::new();
    for need in folder.encoders()? {
        let Some(model_id) = need.model_id else {
            parts.push(load_encoder(args, &need.layers)?);
            continue;
        };
        let chooser = if args.model.is_some() {
            Some("--model")
        } else if args.model_id != crate::embed::DEFAULT_MODEL {
            Some("--model-id")
        } else if need.model.is_none()
            && std::env::var_os("PLANTHEMES_MODEL").is_some_and(|v| !v.is_empty())
        {
            Some("PLANTHEMES_MODEL")
        } else {
            None
        };
        if let Some(chooser) = chooser {
            anyhow::bail!(
                "{}: this head names its encoders ({}), so {chooser} cannot choose one; leave \
                 it out (or unset it), and fetch the encoders into models/ \
                 (scripts/fetch-model.sh, scripts/fetch-mpnet.sh) or name a member's folder \
                 as \"model\" in {}",
                dir.display(),
                crate::classify::ensemble::ENSEMBLE_FILE,
                crate::classify::ensemble::ENSEMBLE_FILE
            );
        }
        let request = crate::embed::ModelRequest {
            dir: need.model,
            repo: model_id.clone(),
            ..args.request()
        };
        let options = crate::embed::EncoderOptions {
            extra_layers: need.layers,
            ..args.options(Truncation::Truncate)
        };
        let encoder = BertEncoder::load(&request, &options).with_context(|| {
            format!(
                "{}: cannot load {model_id}, the encoder of one of its members (fetch it into \
                 models/, or name its folder as \"model\" in {}; --model and PLANTHEMES_MODEL \
                 do not apply to an ensemble)",
                dir.display(),
                crate::classify::ensemble::ENSEMBLE_FILE
            )
        })?;
        parts.push(encoder);
    }
    Stack::new(parts).with_context(|| format!("{}: cannot load its encoders", dir.display()))
}

/// What reports record of the encoders: the first, with the others in `also`.
pub fn encoder_info(stack: &Stack, args: &EncoderArgs) -> crate::report::EncoderInfo {
    let info = |e: &BertEncoder| crate::report::EncoderInfo {
        id: e.id().to_string(),
        weight_hash: e.weight_hash().to_string(),
        model_dir: e.dir().display().to_string(),
        device: format!("{:?}", args.device).to_lowercase(),
        precision: e.precision().name().to_string(),
        pooled_layers: e.layers().to_vec(),
        also: Vec::new(),
    };
    crate::report::EncoderInfo {
        also: stack.parts()[1..].iter().map(info).collect(),
        ..info(stack.first())
    }
}

/// Embeds `texts` through `cache` when there is one, with a progress bar; warns once
/// about truncated ones.
pub fn embed_texts_cached(
    encoder: &dyn Encoder,
    cache: Option<&crate::embed::EmbeddingCache>,
    texts: &[&str],
    what: &str,
) -> anyhow::Result<Vec<Vec<f32>>> {
    match cache {
        Some(c) => embed_texts(&crate::embed::CachedEncoder::new(encoder, c), texts, what),
        None => embed_texts(encoder, texts, what),
    }
}

/// Embeds `texts` with a progress bar; warns once about truncated ones.
pub fn embed_texts(
    encoder: &dyn Encoder,
    texts: &[&str],
    what: &str,
) -> anyhow::Result<Vec<Vec<f32>>> {
    let bar = progress_bar(texts.len() as u64, what);
    let encoded = encoder
        .encode_observed(texts, &|done| bar.set_position(done as u64))
        .with_context(|| format!("embedding {what}"))?;
    bar.finish_and_clear();
    if !encoded.truncated.is_empty() {
        eprintln!(
            "warning: {} of {} {what} were longer than {} tokens; only their first {} tokens were used",
            encoded.truncated.len(),
            texts.len(),
            encoder.max_tokens(),
            encoder.max_tokens()
        );
    }
    Ok(encoded.vectors)
}

/// A path for messages: as given.
pub fn shown(path: &Path) -> String {
    path.display().to_string()
}

/// The default head folder.
pub fn default_head() -> PathBuf {
    project_file(crate::classify::DEFAULT_HEAD)
}

/// The head folder `--head` names (a relative path that is not under the working
/// directory is looked for in the checkout, as `models/heads/accurate` is), or the
/// default head.
pub fn head_dir(head: Option<&Path>) -> PathBuf {
    match head {
        Some(dir) if dir.is_relative() => project_file(&dir.to_string_lossy()),
        Some(dir) => dir.to_path_buf(),
        None => default_head(),
    }
}

/// Which classifier codes the passages: shared by `run` (and any command that codes
/// a round).
#[derive(Debug, Clone, clap::Args)]
pub struct ClassifierChoice {
    /// The classifier [default: linear, the trained default head].
    #[arg(long, value_enum, default_value = "linear")]
    pub classifier: Kind,

    /// Head folder for the linear classifier [default: models/heads/default].
    #[arg(long, value_name = "DIR")]
    pub head: Option<PathBuf>,

    /// Taxonomy file [default: corpus/taxonomy.toml].
    #[arg(long, value_name = "FILE")]
    pub taxonomy: Option<PathBuf>,

    /// Cosine threshold of the prototype classifier.
    #[arg(long, default_value_t = crate::classify::prototype::DEFAULT_THRESHOLD)]
    pub prototype_threshold: f32,
}

/// The classifiers a round can be coded with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Kind {
    /// The trained head (--head, default models/heads/default).
    Linear,
    /// Zero-shot cosine to label descriptions and exemplars: a weak baseline, below
    /// the keyword list on real plan text (see docs/classifier-experiments.md).
    Prototype,
    /// Taxonomy keyword lexicon.
    Keyword,
}

/// A classifier ready to run, with the encoder it needs and what reports record.
pub struct Built {
    pub classifier: Box<dyn crate::classify::Classifier>,
    pub encoder: Option<Stack>,
    pub encoder_info: Option<crate::report::EncoderInfo>,
    pub info: crate::report::ClassifierInfo,
    /// The encoder's longest input, when there is an encoder.
    pub max_tokens: Option<usize>,
    /// What the classifier's scores depend on (kind, head files, taxonomy, encoder
    /// and its variant): the key of cached scores.
    pub fingerprint: String,
}

/// Makes a classifier of `kind` with an encoder already loaded (needed for `linear`
/// and `prototype`), and what reports record of it. Refuses one whose labels differ
/// from the taxonomy's.
/// The error rates measured for a head (`rates.json` beside it, written by `planthemes
/// eval --rates`), when it has them.
pub fn read_rates(dir: &Path) -> anyhow::Result<Option<crate::honest::Rates>> {
    use anyhow::Context;
    let path = dir.join(crate::honest::RATES_FILE);
    if !path.exists() {
        return Ok(None);
    }
    let text = std::fs::read_to_string(&path)
        .with_context(|| format!("{}: cannot read the head's error rates", path.display()))?;
    let rates = serde_json::from_str(&text).with_context(|| {
        format!(
            "{}: not a rates file (planthemes eval --rates writes one); remove it or \
             measure again",
            path.display()
        )
    })?;
    Ok(Some(rates))
}

pub fn make_classifier(
    kind: Kind,
    head: Option<&Path>,
    prototype_threshold: f32,
    taxonomy: &Taxonomy,
    encoder: Option<&Stack>,
) -> anyhow::Result<(
    Box<dyn crate::classify::Classifier>,
    crate::report::ClassifierInfo,
)> {
    use crate::classify::{KeywordClassifier, PrototypeClassifier};
    use crate::report::ClassifierInfo;

    let info = |name: &str, head: Option<String>, dev_metrics| ClassifierInfo {
        name: name.to_string(),
        kind: kind_name(kind).to_string(),
        head,
        dev_metrics,
        rates: None,
    };
    let needs = || {
        encoder.ok_or_else(|| {
            anyhow::anyhow!(
                "the {} classifier needs the encoder: this is a bug",
                kind_name(kind)
            )
        })
    };
    let (classifier, info): (Box<dyn crate::classify::Classifier>, ClassifierInfo) = match kind {
        Kind::Keyword => (
            Box::new(KeywordClassifier::new(taxonomy, 1)?),
            info("keyword", None, None),
        ),
        Kind::Prototype => (
            Box::new(PrototypeClassifier::new(
                taxonomy,
                needs()?.first(),
                prototype_threshold,
            )?),
            info("prototype", None, None),
        ),
        Kind::Linear => {
            let dir = head_dir(head);
            let loaded = crate::classify::ensemble::load_head(&dir, taxonomy, needs()?)?;
            let info = ClassifierInfo {
                // The head's own kind: `linear`, `mlp` with a hidden layer, `mean` for
                // an ensemble.
                kind: loaded.kind,
                rates: read_rates(&dir)?,
                ..info(
                    loaded.classifier.name(),
                    Some(dir.display().to_string()),
                    loaded.dev_metrics,
                )
            };
            (loaded.classifier, info)
        }
    };
    if classifier.labels() != taxonomy.ids() {
        anyhow::bail!(
            "classifier {} has labels that differ from the taxonomy",
            classifier.name()
        );
    }
    Ok((classifier, info))
}

fn kind_name(kind: Kind) -> &'static str {
    match kind {
        Kind::Linear => "linear",
        Kind::Prototype => "prototype",
        Kind::Keyword => "keyword",
    }
}

/// Loads the encoder (when the classifier needs one) and the classifier.
pub fn build_classifier(
    choice: &ClassifierChoice,
    taxonomy: &Taxonomy,
    encoder_args: &EncoderArgs,
) -> anyhow::Result<Built> {
    let encoder = match choice.classifier {
        Kind::Keyword => None,
        Kind::Prototype => Some(Stack::one(load_encoder(encoder_args, &[])?)),
        Kind::Linear => Some(load_stack(encoder_args, choice.head.as_deref())?),
    };
    let encoder_info = encoder.as_ref().map(|e| encoder_info(e, encoder_args));
    let (classifier, info) = make_classifier(
        choice.classifier,
        choice.head.as_deref(),
        choice.prototype_threshold,
        taxonomy,
        encoder.as_ref(),
    )?;
    let max_tokens = encoder.as_ref().map(|e| e.max_tokens());
    let mut fingerprint = blake3::Hasher::new();
    fingerprint.update(kind_name(choice.classifier).as_bytes());
    fingerprint.update(taxonomy.hash.as_bytes());
    fingerprint.update(&choice.prototype_threshold.to_le_bytes());
    if let Some(e) = &encoder {
        use crate::embed::Encoder;
        fingerprint.update(e.id().as_bytes());
        fingerprint.update(e.variant().as_bytes());
    }
    if choice.classifier == Kind::Linear {
        let dir = head_dir(choice.head.as_deref());
        let folder = crate::classify::ensemble::HeadFolder::read(&dir)?;
        fingerprint.update(folder.fingerprint(&dir)?.as_bytes());
    }
    let fingerprint = fingerprint.finalize().to_hex().to_string();
    Ok(Built {
        classifier,
        encoder,
        encoder_info,
        info,
        max_tokens,
        fingerprint,
    })
}
