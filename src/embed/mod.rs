//! The `embed` stage: passages → unit vectors.
//!
//! [`Encoder`] is the boundary between the pipeline and any model runtime. Like
//! text-embeddings-inference's `Backend` trait, it passes plain data only (strings in,
//! `Vec<f32>` out), never a framework tensor, so callers, caches and classifier heads
//! do not depend on candle. [`BertEncoder`] is the default implementation; it and its
//! CPU forward pass are the only code that touches `candle_transformers`.

mod batch;
mod bert;
pub mod cache;
mod cpu;
mod error;
mod kernels;
pub mod pooling;
pub mod resolve;
mod stack;
pub mod tiny;
pub mod tokens;

use std::str::FromStr;

pub use batch::{plan_batches, Batch};
pub use bert::BertEncoder;
pub use cache::{default_cache_path, Blobs, CachedEncoder, EmbeddingCache};
pub use error::EmbedError;
pub use resolve::{resolve_model, ModelLocation, ModelRequest, DEFAULT_MODEL};
pub use stack::Stack;
pub use tokens::ModelTokenizer;

/// What to do with a text longer than [`Encoder::max_tokens`]. There is no default:
/// every caller chooses, so truncation is never silent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Truncation {
    /// Fail the whole call with [`EmbedError::TooLong`] naming the text.
    Refuse,
    /// Embed the first `max_tokens` tokens (as sentence-transformers does) and report
    /// the text's index in [`Encoded::truncated`].
    Truncate,
}

/// Where the model runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DeviceChoice {
    #[default]
    Cpu,
    /// A CUDA GPU by ordinal; needs the `cuda` cargo feature.
    Cuda(usize),
}

impl FromStr for DeviceChoice {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "cpu" => Ok(DeviceChoice::Cpu),
            "cuda" | "gpu" => Ok(DeviceChoice::Cuda(0)),
            other => match other.strip_prefix("cuda:").map(str::parse) {
                Some(Ok(n)) => Ok(DeviceChoice::Cuda(n)),
                _ => Err(format!(
                    "unknown device {other:?}: expected cpu, cuda or cuda:N"
                )),
            },
        }
    }
}

/// The arithmetic of the linear layers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Precision {
    /// 32-bit floats, as the model was trained.
    #[default]
    Fp32,
    /// Weights in 7-bit integers (one scale per output), activations in 8-bit
    /// integers per token; attention, GELU and LayerNorm stay in fp32. CPU only.
    Int8,
}

impl Precision {
    /// The name used on the command line, in `report.json` and in cache keys.
    pub fn name(self) -> &'static str {
        match self {
            Precision::Fp32 => "fp32",
            Precision::Int8 => "int8",
        }
    }
}

impl FromStr for Precision {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "fp32" | "f32" => Ok(Precision::Fp32),
            "int8" | "i8" => Ok(Precision::Int8),
            other => Err(format!(
                "unknown precision {other:?}: expected fp32 or int8"
            )),
        }
    }
}

/// Which code runs the model.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Kernels {
    /// This crate's forward pass (`cpu.rs`) on the CPU, candle-transformers'
    /// `BertModel` on a GPU.
    #[default]
    Auto,
    /// candle-transformers' `BertModel` everywhere (fp32 only): the reference the
    /// parity tests and benchmarks compare against.
    Candle,
}

/// How an encoder is built: device, truncation policy and batch limits.
#[derive(Debug, Clone)]
pub struct EncoderOptions {
    pub device: DeviceChoice,
    pub truncation: Truncation,
    /// Most texts in one forward pass.
    pub max_batch: usize,
    /// Most padded tokens (rows × longest row) in one forward pass; `None` means
    /// `max_batch × max_tokens`.
    pub max_batch_tokens: Option<usize>,
    /// Longest input in tokens, below the model's own limit (benchmarks compare at
    /// 128 and 256); `None` keeps the model's limit.
    pub max_length: Option<usize>,
    /// Batches run side by side on this many threads. Our CPU kernels are
    /// single-threaded, so this is how they use more than one core. With candle's
    /// kernels it pays only when they are single-threaded too
    /// ([`single_threaded_kernels`]): one matmul thread per worker measured 1.4×
    /// faster on 2 cores than candle's threads inside each operation (BENCHMARKS.md).
    pub workers: usize,
    pub precision: Precision,
    pub kernels: Kernels,
    /// Middle layers (numbered from 1, below the last) whose mean-pooled token states
    /// follow the sentence embedding in every vector: `[last | extra_layers…]`, each
    /// block a unit vector of the model's width. Empty (the default) gives plain
    /// sentence embeddings. A head trained on such vectors names its layers in
    /// `head.json` (`encoder_layers`).
    pub extra_layers: Vec<usize>,
}

/// Makes candle's CPU kernels single-threaded so that [`EncoderOptions::workers`]
/// can spread whole batches over the cores instead, and returns how many workers to
/// use: one per core. Call it first thing in `main`, before any thread starts:
/// candle reads its thread count from the environment (`RAYON_NUM_THREADS`,
/// `CANDLE_NUM_THREADS`) and has no API for it. When the user has set either
/// variable, the environment is left alone (candle threads each operation as told)
/// and the answer is `RAYON_NUM_THREADS` when it is a positive number, else one per
/// core: our own kernels are single-threaded and use that many workers. The
/// process's global rayon pool keeps one thread per core.
pub fn single_threaded_kernels() -> usize {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let rayon = std::env::var("RAYON_NUM_THREADS").ok();
    if rayon.is_some() || std::env::var_os("CANDLE_NUM_THREADS").is_some() {
        return rayon
            .and_then(|n| n.trim().parse::<usize>().ok())
            .filter(|&n| n > 0)
            .unwrap_or(cores);
    }
    // Called at the start of `main`, before the program starts any thread, so
    // nothing reads the environment concurrently.
    std::env::set_var("RAYON_NUM_THREADS", "1");
    std::env::set_var("CANDLE_NUM_THREADS", "1");
    // The global pool (ingest, tokenising) still gets every core.
    let _ = rayon::ThreadPoolBuilder::new()
        .num_threads(cores)
        .build_global();
    cores
}

impl EncoderOptions {
    pub fn new(truncation: Truncation) -> Self {
        EncoderOptions {
            device: DeviceChoice::Cpu,
            truncation,
            max_batch: 32,
            max_batch_tokens: None,
            max_length: None,
            workers: 1,
            precision: Precision::Fp32,
            kernels: Kernels::Auto,
            extra_layers: Vec::new(),
        }
    }
}

/// Vectors for a call to [`Encoder::encode_observed`], in input order, the indices
/// of inputs that were truncated (empty under [`Truncation::Refuse`]) and the tokens
/// embedded.
#[derive(Debug, Clone, Default)]
pub struct Encoded {
    pub vectors: Vec<Vec<f32>>,
    pub truncated: Vec<usize>,
    /// Tokens embedded (after truncation, special tokens included).
    pub tokens: usize,
}

/// A sentence encoder: texts in, L2-normalised vectors out.
pub trait Encoder: Send + Sync {
    /// Model identity plus weight hash, e.g. `all-MiniLM-L6-v2@1f3a…`. Caches and
    /// classifier heads are keyed by it.
    fn id(&self) -> &str;
    /// Vector length.
    fn dim(&self) -> usize;
    /// Length of the sentence embedding that starts every vector: all of it, unless
    /// the encoder also pools middle layers ([`EncoderOptions::extra_layers`]), which
    /// follow it.
    fn sentence_dim(&self) -> usize {
        self.dim()
    }
    /// Longest input, in tokens, special tokens included.
    fn max_tokens(&self) -> usize;
    /// What besides [`Encoder::id`] changes this encoder's vector for a text: its
    /// arithmetic and its token limit (a text over the limit is cut elsewhere). The
    /// embedding cache keys on it.
    fn variant(&self) -> String {
        format!("fp32/{}", self.max_tokens())
    }
    /// Tokens this text takes, special tokens included, before any truncation.
    fn count_tokens(&self, text: &str) -> Result<usize, EmbedError>;
    /// Embeds `texts`; `progress` is called with the number of texts finished after
    /// each batch.
    fn encode_observed(
        &self,
        texts: &[&str],
        progress: &(dyn Fn(usize) + Sync),
    ) -> Result<Encoded, EmbedError>;

    /// Embeds `texts`, one unit vector per text, in input order.
    fn encode(&self, texts: &[&str]) -> Result<Vec<Vec<f32>>, EmbedError> {
        Ok(self.encode_observed(texts, &|_| {})?.vectors)
    }
}

/// Cosine similarity of two vectors (not assumed to be normalised). Zero when either
/// vector is all zeros.
pub fn cosine(a: &[f32], b: &[f32]) -> f32 {
    let (mut dot, mut na, mut nb) = (0.0f64, 0.0f64, 0.0f64);
    for (x, y) in a.iter().zip(b) {
        dot += f64::from(*x) * f64::from(*y);
        na += f64::from(*x) * f64::from(*x);
        nb += f64::from(*y) * f64::from(*y);
    }
    if na == 0.0 || nb == 0.0 {
        return 0.0;
    }
    (dot / (na.sqrt() * nb.sqrt())) as f32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn device_choice_parses_cpu_and_cuda_ordinals() {
        assert_eq!("cpu".parse::<DeviceChoice>(), Ok(DeviceChoice::Cpu));
        assert_eq!("cuda".parse::<DeviceChoice>(), Ok(DeviceChoice::Cuda(0)));
        assert_eq!("cuda:3".parse::<DeviceChoice>(), Ok(DeviceChoice::Cuda(3)));
        assert!("tpu".parse::<DeviceChoice>().is_err());
        assert!("cuda:x".parse::<DeviceChoice>().is_err());
    }

    #[test]
    fn cosine_of_parallel_orthogonal_and_zero_vectors() {
        assert!((cosine(&[1.0, 2.0], &[2.0, 4.0]) - 1.0).abs() < 1e-6);
        assert!(cosine(&[1.0, 0.0], &[0.0, 3.0]).abs() < 1e-6);
        assert_eq!(cosine(&[0.0, 0.0], &[1.0, 1.0]), 0.0);
    }
}
