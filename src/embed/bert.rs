//! The default encoder: a BERT-family sentence-transformers model run by candle (or,
//! on the CPU, by this crate's own forward pass, which also runs MPNet models such as
//! all-mpnet-base-v2).
//!
//! With `cpu.rs` (which reads its BERT `Config`), this is the only code that imports
//! `candle_transformers`. It reproduces
//! sentence-transformers' `Transformer → Pooling → Normalize` pipeline: tokenise with
//! the model's own `tokenizer.json`, run `BertModel`, mean-pool over real tokens,
//! L2-normalise. Candle errors are converted to [`EmbedError`] here, with the cause
//! kept as the source.

use std::path::{Path, PathBuf};

use candle_core::{DType, Device, Tensor};
use candle_nn::VarBuilder;
use candle_transformers::models::bert::{BertModel, Config};
use rayon::prelude::*;
use serde::Deserialize;
use tokenizers::{Tokenizer, TruncationParams};

use super::cpu::{CpuBert, Family};
use super::pooling::{cls_pool, l2_normalize, mean_pool};
use super::resolve::{check_complete, resolve_model, ModelRequest};
use super::{
    plan_batches, DeviceChoice, EmbedError, Encoded, Encoder, EncoderOptions, Kernels, Precision,
    Truncation,
};

/// The code that runs the model (see [`Kernels`]).
enum Model {
    /// One model per pooled layer, in [`BertEncoder::layers`] order: candle's
    /// `BertModel` returns only its last layer and keeps its layers private, so a
    /// middle layer comes from a copy loaded with fewer layers. Each copy holds its
    /// own weights and reruns the lower layers: the price of middle layers on a GPU.
    Candle(Vec<BertModel>),
    Cpu(CpuBert),
}

/// How token states become one vector (sentence-transformers' `1_Pooling/config.json`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Pooling {
    Mean,
    Cls,
}

/// A sentence encoder over a BERT checkpoint in the Hugging Face folder layout.
pub struct BertEncoder {
    model: Model,
    /// No truncation, no padding: counts and checks lengths.
    tokenizer: Tokenizer,
    /// Truncates to `max_tokens` exactly as sentence-transformers does.
    truncating: Tokenizer,
    device: Device,
    dir: PathBuf,
    id: String,
    weight_hash: String,
    /// Width of one layer's states.
    hidden: usize,
    /// The pooled layers, numbered from 1: the last first, then
    /// [`EncoderOptions::extra_layers`].
    layers: Vec<usize>,
    max_tokens: usize,
    pad_id: u32,
    pooling: Pooling,
    options: EncoderOptions,
    /// Threads that run whole batches side by side, when `options.workers > 1`.
    pool: Option<rayon::ThreadPool>,
}

impl std::fmt::Debug for BertEncoder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BertEncoder")
            .field("id", &self.id)
            .field("dir", &self.dir)
            .field("dim", &self.dim())
            .field("layers", &self.layers)
            .field("max_tokens", &self.max_tokens)
            .finish_non_exhaustive()
    }
}

#[derive(Deserialize)]
struct SentenceBertConfig {
    max_seq_length: Option<usize>,
}

#[derive(Deserialize)]
struct PoolingConfig {
    #[serde(default)]
    pooling_mode_mean_tokens: bool,
    #[serde(default)]
    pooling_mode_cls_token: bool,
    #[serde(default)]
    pooling_mode_max_tokens: bool,
    #[serde(default)]
    pooling_mode_mean_sqrt_len_tokens: bool,
}

impl BertEncoder {
    /// Finds the model (see [`resolve_model`]) and loads it.
    pub fn load(request: &ModelRequest, options: &EncoderOptions) -> Result<Self, EmbedError> {
        let location = resolve_model(request)?;
        tracing::debug!(
            "using {} from {} ({})",
            location.name,
            location.dir.display(),
            location.origin
        );
        Self::from_location(&location, options)
    }

    /// Loads the model found at `location`, named by it.
    pub(crate) fn from_location(
        location: &super::ModelLocation,
        options: &EncoderOptions,
    ) -> Result<Self, EmbedError> {
        Self::named(&location.dir, &location.name, options)
    }

    /// Loads a model from a folder with `config.json`, `tokenizer.json` and
    /// `model.safetensors` (plus, optionally, `sentence_bert_config.json` and
    /// `1_Pooling/config.json`), named by the folder.
    pub fn from_dir(dir: &Path, options: &EncoderOptions) -> Result<Self, EmbedError> {
        let name = dir
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "bert".into());
        Self::named(dir, &name, options)
    }

    /// Loads the model in `dir` under `name`, the first half of its id
    /// (`name@weight-hash`). A copy in the Hugging Face cache sits in a folder named by
    /// its commit, so it is named by its repository, as heads trained on it expect.
    fn named(dir: &Path, name: &str, options: &EncoderOptions) -> Result<Self, EmbedError> {
        check_complete(dir)?;
        let device = open_device(options.device)?;

        let config_path = dir.join("config.json");
        let (config, family) = read_config(&config_path)?;
        check_config(&config, &config_path)?;

        let max_tokens = read_max_tokens(dir, &config, family)?
            .min(options.max_length.unwrap_or(usize::MAX))
            .max(2);
        let pooling = read_pooling(dir)?;

        let tokenizer_path = dir.join("tokenizer.json");
        let (tokenizer, truncating) = load_tokenizers(&tokenizer_path, max_tokens)?;

        let weights_path = dir.join("model.safetensors");
        let bytes = std::fs::read(&weights_path).map_err(|source| EmbedError::Io {
            path: weights_path.clone(),
            source,
        })?;
        let weight_hash = blake3::hash(&bytes).to_hex()[..16].to_string();
        let weights_error = |source| EmbedError::Weights {
            path: weights_path.clone(),
            source,
        };
        let vb = VarBuilder::from_buffered_safetensors(bytes, DType::F32, &device)
            .map_err(weights_error)?;
        let layout_error = |reason| EmbedError::WeightLayout {
            path: weights_path.clone(),
            reason,
        };
        let layers = pooled_layers(&options.extra_layers, config.num_hidden_layers)?;
        let candle = |vb: VarBuilder| -> Result<Model, EmbedError> {
            let models = layers
                .iter()
                .map(|&depth| {
                    let config = Config {
                        num_hidden_layers: depth,
                        ..config.clone()
                    };
                    BertModel::load(vb.clone(), &config).map_err(weights_error)
                })
                .collect::<Result<_, _>>()?;
            Ok(Model::Candle(models))
        };
        let model = match (options.device, options.kernels, options.precision) {
            (DeviceChoice::Cpu, Kernels::Auto, precision) if family != Family::Bert => {
                Model::Cpu(CpuBert::load(&vb, &config, family, precision).map_err(layout_error)?)
            }
            // candle-transformers has no MPNet.
            _ if family != Family::Bert => {
                return Err(EmbedError::Unsupported(
                    "MPNet models run only on the CPU with planthemes' own kernels: \
                     leave out --device cuda and --candle-kernels"
                        .into(),
                ))
            }
            (DeviceChoice::Cpu, Kernels::Auto, Precision::Int8) => Model::Cpu(
                CpuBert::load(&vb, &config, family, Precision::Int8).map_err(layout_error)?,
            ),
            // A BERT variant our forward does not implement (another activation or
            // position scheme) still runs, on candle's BertModel.
            (DeviceChoice::Cpu, Kernels::Auto, Precision::Fp32) => {
                match CpuBert::load(&vb, &config, family, Precision::Fp32) {
                    Ok(model) => Model::Cpu(model),
                    Err(reason) => {
                        tracing::info!("running the encoder on candle's BertModel: {reason}");
                        candle(vb)?
                    }
                }
            }
            (_, _, Precision::Int8) => {
                return Err(EmbedError::Unsupported(
                    "int8 runs only on the CPU with planthemes' own kernels; \
                     use --precision fp32 with --device cuda"
                        .into(),
                ))
            }
            _ => candle(vb)?,
        };

        Ok(BertEncoder {
            model,
            tokenizer,
            truncating,
            device,
            dir: dir.to_path_buf(),
            id: format!("{name}@{weight_hash}"),
            weight_hash,
            hidden: config.hidden_size,
            layers,
            max_tokens,
            pad_id: config.pad_token_id as u32,
            pooling,
            pool: batch_pool(options.workers)?,
            options: options.clone(),
        })
    }

    /// The first 16 hex digits of the BLAKE3 hash of `model.safetensors`.
    pub fn weight_hash(&self) -> &str {
        &self.weight_hash
    }

    /// The arithmetic of the linear layers.
    pub fn precision(&self) -> Precision {
        self.options.precision
    }

    /// The pooled layers, numbered from 1: the last, then any middle layers asked for
    /// ([`EncoderOptions::extra_layers`]), in vector order.
    pub fn layers(&self) -> &[usize] {
        &self.layers
    }

    /// The middle layers pooled after the sentence embedding
    /// ([`EncoderOptions::extra_layers`]); empty for plain sentence embeddings.
    pub fn extra_layers(&self) -> &[usize] {
        &self.layers[1..]
    }

    /// The folder the model was loaded from.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Token ids for text `index`, truncated or refused per the policy.
    fn tokenize(&self, index: usize, text: &str) -> Result<(Vec<u32>, bool), EmbedError> {
        let failed = |e: tokenizers::Error| EmbedError::Tokenize {
            index,
            reason: e.to_string(),
        };
        let full = self.tokenizer.encode(text, true).map_err(failed)?;
        if full.len() <= self.max_tokens {
            return Ok((full.get_ids().to_vec(), false));
        }
        match self.options.truncation {
            Truncation::Refuse => Err(EmbedError::TooLong {
                index,
                tokens: full.len(),
                max: self.max_tokens,
            }),
            Truncation::Truncate => {
                let cut = self.truncating.encode(text, true).map_err(failed)?;
                Ok((cut.get_ids().to_vec(), true))
            }
        }
    }

    /// Runs one batch and returns one vector per row: a unit vector per pooled layer,
    /// concatenated in [`BertEncoder::layers`] order.
    fn forward_batch(
        &self,
        rows: &[&[u32]],
        padded_len: usize,
    ) -> Result<Vec<Vec<f32>>, EmbedError> {
        let model = match &self.model {
            Model::Cpu(model) => model,
            Model::Candle(models) => {
                return self
                    .forward_candle(models, rows, padded_len)
                    .map_err(EmbedError::Inference)
            }
        };
        let per_layer = model
            .forward(rows, &self.layers)
            .map_err(EmbedError::Forward)?;
        // No padding here: every token of every row is real.
        let real = vec![1; rows.iter().map(|r| r.len()).max().unwrap_or(0)];
        let mut vectors: Vec<Vec<f32>> = (0..rows.len())
            .map(|_| Vec::with_capacity(self.dim()))
            .collect();
        for states in &per_layer {
            let mut at = 0;
            for (row, vector) in rows.iter().zip(&mut vectors) {
                let states = &states[at * self.hidden..(at + row.len()) * self.hidden];
                at += row.len();
                vector.extend(self.pool(states, &real[..row.len()]));
            }
        }
        Ok(vectors)
    }

    fn pool(&self, states: &[f32], mask: &[u32]) -> Vec<f32> {
        let mut v = match self.pooling {
            Pooling::Mean => mean_pool(states, mask, self.hidden),
            Pooling::Cls => cls_pool(states, self.hidden),
        };
        l2_normalize(&mut v);
        v
    }

    /// Runs one padded batch through candle-transformers' `BertModel`, once per
    /// pooled layer.
    fn forward_candle(
        &self,
        models: &[BertModel],
        rows: &[&[u32]],
        padded_len: usize,
    ) -> candle_core::Result<Vec<Vec<f32>>> {
        let n = rows.len();
        let mut ids = vec![self.pad_id; n * padded_len];
        let mut mask = vec![0u32; n * padded_len];
        for (r, row) in rows.iter().enumerate() {
            ids[r * padded_len..r * padded_len + row.len()].copy_from_slice(row);
            mask[r * padded_len..r * padded_len + row.len()].fill(1);
        }
        let input_ids = Tensor::from_vec(ids, (n, padded_len), &self.device)?;
        let attention = Tensor::from_vec(mask.clone(), (n, padded_len), &self.device)?;
        let token_types = input_ids.zeros_like()?;
        let mut vectors: Vec<Vec<f32>> = (0..n).map(|_| Vec::with_capacity(self.dim())).collect();
        for model in models {
            let hidden = model
                .forward(&input_ids, &token_types, Some(&attention))?
                .flatten_all()?
                .to_vec1::<f32>()?;
            let per_row = padded_len * self.hidden;
            for ((states, row_mask), vector) in hidden
                .chunks_exact(per_row)
                .zip(mask.chunks_exact(padded_len))
                .zip(&mut vectors)
            {
                vector.extend(self.pool(states, row_mask));
            }
        }
        Ok(vectors)
    }
}

impl Encoder for BertEncoder {
    fn id(&self) -> &str {
        &self.id
    }

    fn dim(&self) -> usize {
        self.hidden * self.layers.len()
    }

    fn sentence_dim(&self) -> usize {
        self.hidden
    }

    fn variant(&self) -> String {
        let mut variant = format!("{}/{}", self.precision().name(), self.max_tokens());
        // Plain sentence embeddings keep the key they always had.
        if !self.extra_layers().is_empty() {
            let extra: Vec<String> = self.extra_layers().iter().map(usize::to_string).collect();
            variant.push_str(&format!("/layers+{}", extra.join(",")));
        }
        variant
    }

    fn max_tokens(&self) -> usize {
        self.max_tokens
    }

    fn count_tokens(&self, text: &str) -> Result<usize, EmbedError> {
        self.tokenizer
            .encode(text, true)
            .map(|e| e.len())
            .map_err(|e| EmbedError::Tokenize {
                index: 0,
                reason: e.to_string(),
            })
    }

    fn encode_observed(
        &self,
        texts: &[&str],
        progress: &(dyn Fn(usize) + Sync),
    ) -> Result<Encoded, EmbedError> {
        let tokenized: Vec<(Vec<u32>, bool)> = texts
            .par_iter()
            .enumerate()
            .map(|(i, text)| self.tokenize(i, text))
            .collect::<Result<_, _>>()?;
        let truncated: Vec<usize> = (0..texts.len()).filter(|&i| tokenized[i].1).collect();
        if !truncated.is_empty() {
            // Callers report truncation from `Encoded::truncated`, naming the passages.
            tracing::debug!(
                "{} of {} texts were longer than {} tokens and were truncated",
                truncated.len(),
                texts.len(),
                self.max_tokens
            );
        }

        let lengths: Vec<usize> = tokenized.iter().map(|(ids, _)| ids.len()).collect();
        let budget = self
            .options
            .max_batch_tokens
            .unwrap_or(self.options.max_batch * self.max_tokens);
        let batches = plan_batches(&lengths, self.options.max_batch, budget);
        let done = std::sync::atomic::AtomicUsize::new(0);
        let run_batch = |batch: &super::Batch| -> Result<Vec<Vec<f32>>, EmbedError> {
            let rows: Vec<&[u32]> = batch
                .indices
                .iter()
                .map(|&i| tokenized[i].0.as_slice())
                .collect();
            let pooled = self.forward_batch(&rows, batch.padded_len)?;
            let finished = done
                .fetch_add(batch.indices.len(), std::sync::atomic::Ordering::Relaxed)
                + batch.indices.len();
            progress(finished);
            Ok(pooled)
        };
        // Batches go to `workers` threads at once (see `EncoderOptions::workers`);
        // results come back in batch order whatever order they finish in.
        let results: Vec<Vec<Vec<f32>>> = match &self.pool {
            Some(pool) => pool.install(|| {
                batches
                    .par_iter()
                    .with_max_len(1)
                    .map(run_batch)
                    .collect::<Result<_, _>>()
            })?,
            None => batches.iter().map(run_batch).collect::<Result<_, _>>()?,
        };
        let mut vectors = vec![Vec::new(); texts.len()];
        for (batch, pooled) in batches.iter().zip(results) {
            for (&i, v) in batch.indices.iter().zip(pooled) {
                vectors[i] = v;
            }
        }
        let tokens = lengths.iter().sum();
        Ok(Encoded {
            vectors,
            truncated,
            tokens,
        })
    }
}

/// The layers to pool, numbered from 1: the last (`depth`), then `extra`, which must
/// be distinct layers below the last. The errors name `train --layers`, where every
/// layer list starts (a head's list is the one it was trained with).
fn pooled_layers(extra: &[usize], depth: usize) -> Result<Vec<usize>, EmbedError> {
    const HINT: &str = "choose middle layers with `planthemes train --layers`, or none";
    let mut layers = vec![depth];
    for &layer in extra {
        if layer == 0 || layer >= depth {
            return Err(EmbedError::Unsupported(format!(
                "cannot pool layer {layer}: the encoder's middle layers are 1 to {}; {HINT}",
                depth.saturating_sub(1)
            )));
        }
        if layers.contains(&layer) {
            return Err(EmbedError::Unsupported(format!(
                "layer {layer} is asked for twice; {HINT}"
            )));
        }
        layers.push(layer);
    }
    Ok(layers)
}

fn batch_pool(workers: usize) -> Result<Option<rayon::ThreadPool>, EmbedError> {
    if workers <= 1 {
        return Ok(None);
    }
    rayon::ThreadPoolBuilder::new()
        .num_threads(workers)
        .thread_name(|i| format!("embed-{i}"))
        .build()
        .map(Some)
        .map_err(|e| EmbedError::Device {
            device: "cpu".into(),
            reason: format!("cannot start {workers} embedding threads: {e}"),
        })
}

fn open_device(choice: DeviceChoice) -> Result<Device, EmbedError> {
    match choice {
        DeviceChoice::Cpu => Ok(Device::Cpu),
        DeviceChoice::Cuda(ordinal) => cuda_device(ordinal),
    }
}

#[cfg(feature = "cuda")]
fn cuda_device(ordinal: usize) -> Result<Device, EmbedError> {
    Device::new_cuda(ordinal).map_err(|e| EmbedError::Device {
        device: format!("cuda:{ordinal}"),
        reason: e.to_string(),
    })
}

#[cfg(not(feature = "cuda"))]
fn cuda_device(ordinal: usize) -> Result<Device, EmbedError> {
    Err(EmbedError::Device {
        device: format!("cuda:{ordinal}"),
        reason:
            "this build has no CUDA support; rebuild with `cargo build --release --features cuda`"
                .into(),
    })
}

fn read_json<T: serde::de::DeserializeOwned>(path: &Path) -> Result<T, EmbedError> {
    let text = std::fs::read_to_string(path).map_err(|source| EmbedError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    serde_json::from_str(&text).map_err(|e| EmbedError::Config {
        path: path.to_path_buf(),
        reason: e.to_string(),
    })
}

/// The model config, as candle's BERT `Config`, and the family it belongs to
/// (`model_type` "mpnet" is MPNet; anything else is read as BERT).
fn read_config(path: &Path) -> Result<(Config, Family), EmbedError> {
    let bad = |reason: String| EmbedError::Config {
        path: path.to_path_buf(),
        reason,
    };
    let mut raw: serde_json::Value = read_json(path)?;
    let family = match raw.get("model_type").and_then(|t| t.as_str()) {
        Some("mpnet") => {
            let buckets = raw
                .get("relative_attention_num_buckets")
                .map_or(Some(32), |b| b.as_u64())
                .filter(|&b| b >= 4)
                .ok_or_else(|| {
                    bad("relative_attention_num_buckets must be a whole number, at least 4".into())
                })?;
            // MPNet has no token types; candle's `Config` insists on the field, and
            // nothing reads it for MPNet.
            if let Some(fields) = raw.as_object_mut() {
                fields.entry("type_vocab_size").or_insert(1.into());
            }
            Family::MpNet {
                buckets: buckets as usize,
            }
        }
        _ => Family::Bert,
    };
    let config = serde_json::from_value(raw).map_err(|e| bad(e.to_string()))?;
    Ok((config, family))
}

fn check_config(config: &Config, path: &Path) -> Result<(), EmbedError> {
    let bad = |reason: String| EmbedError::Config {
        path: path.to_path_buf(),
        reason,
    };
    if config.hidden_size == 0 || config.num_attention_heads == 0 {
        return Err(bad(
            "hidden_size and num_attention_heads must be positive".into()
        ));
    }
    if !config
        .hidden_size
        .is_multiple_of(config.num_attention_heads)
    {
        return Err(bad(format!(
            "hidden_size {} is not a multiple of num_attention_heads {}",
            config.hidden_size, config.num_attention_heads
        )));
    }
    if config.max_position_embeddings < 2 {
        return Err(bad("max_position_embeddings must be at least 2".into()));
    }
    Ok(())
}

/// The sentence-transformers `max_seq_length` when present, else the model's
/// position limit; never above the position limit (for MPNet, whose positions start
/// after the padding id's, the table's size less [`Family::position_offset`]).
fn read_max_tokens(dir: &Path, config: &Config, family: Family) -> Result<usize, EmbedError> {
    let positions = config
        .max_position_embeddings
        .saturating_sub(family.position_offset());
    let path = dir.join("sentence_bert_config.json");
    let from_st = if path.is_file() {
        read_json::<SentenceBertConfig>(&path)?.max_seq_length
    } else {
        None
    };
    Ok(from_st.unwrap_or(positions).min(positions))
}

fn read_pooling(dir: &Path) -> Result<Pooling, EmbedError> {
    let path = dir.join("1_Pooling").join("config.json");
    if !path.is_file() {
        return Ok(Pooling::Mean);
    }
    let config: PoolingConfig = read_json(&path)?;
    match (
        config.pooling_mode_mean_tokens,
        config.pooling_mode_cls_token,
        config.pooling_mode_max_tokens || config.pooling_mode_mean_sqrt_len_tokens,
    ) {
        (true, false, false) => Ok(Pooling::Mean),
        (false, true, false) => Ok(Pooling::Cls),
        _ => Err(EmbedError::Config {
            path,
            reason: "only mean or CLS pooling (one of them) is supported".into(),
        }),
    }
}

/// The model's tokenizer twice: once with no truncation or padding (the
/// `tokenizer.json` of all-MiniLM-L6-v2 carries a 128-token truncation and fixed
/// padding that sentence-transformers overrides), once truncating at `max_tokens`.
fn load_tokenizers(path: &Path, max_tokens: usize) -> Result<(Tokenizer, Tokenizer), EmbedError> {
    let failed = |reason: String| EmbedError::Tokenizer {
        path: path.to_path_buf(),
        reason,
    };
    let mut plain = Tokenizer::from_file(path).map_err(|e| failed(e.to_string()))?;
    plain.with_padding(None);
    plain
        .with_truncation(None)
        .map_err(|e| failed(e.to_string()))?;
    let mut truncating = plain.clone();
    truncating
        .with_truncation(Some(TruncationParams {
            max_length: max_tokens,
            ..TruncationParams::default()
        }))
        .map_err(|e| failed(e.to_string()))?;
    Ok((plain, truncating))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::embed::resolve::resolve_in;
    use crate::embed::Truncation;

    /// A copy in the Hugging Face cache sits in `snapshots/<commit>/`: the encoder is
    /// named by its repository, or no head trained on the model would accept it.
    #[test]
    fn a_copy_in_the_hugging_face_cache_is_named_by_its_repository() {
        let tmp = tempfile::tempdir().unwrap();
        let repo = tmp.path().join("models--someone--tiny-encoder");
        let snapshot = repo.join("snapshots").join("0f1e2d3c");
        crate::embed::tiny::TinyBert::default()
            .write(&snapshot)
            .unwrap();
        std::fs::create_dir_all(repo.join("refs")).unwrap();
        std::fs::write(repo.join("refs/main"), "0f1e2d3c").unwrap();
        let request = ModelRequest {
            dir: None,
            repo: "someone/tiny-encoder".into(),
            allow_download: false,
        };
        let location = resolve_in(
            &request,
            None,
            &hf_hub::Cache::new(tmp.path().to_path_buf()),
        );
        let location = location.unwrap();
        assert_eq!(location.origin, "hf cache");
        let options = EncoderOptions::new(Truncation::Truncate);
        let cached = BertEncoder::from_location(&location, &options).unwrap();
        let direct = BertEncoder::from_dir(&snapshot, &options).unwrap();
        assert!(cached.id().starts_with("tiny-encoder@"), "{}", cached.id());
        assert_eq!(
            cached.id().split('@').nth(1),
            direct.id().split('@').nth(1),
            "the same weights"
        );
        assert!(direct.id().starts_with("0f1e2d3c@"));
    }
}
