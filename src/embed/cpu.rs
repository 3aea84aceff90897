//! BERT's forward pass on the CPU over plain buffers, in fp32 or int8.
//!
//! The same arithmetic as candle-transformers' `BertModel` (post-LayerNorm BERT,
//! absolute positions, exact GELU), without its per-operation tensors, and with two
//! changes that cut work rather than add speed: sequences are not padded (the
//! linear layers run on every real token of the batch at once; attention runs per
//! sequence at its own length), and the linear layers can run in int8
//! ([`kernels::matmul_int8`]). Parity with `BertModel` is tested on the tiny model
//! and on all-MiniLM-L6-v2.
//!
//! It also runs MPNet ([`Family::MpNet`], e.g. all-mpnet-base-v2), which candle does
//! not implement: the same post-LayerNorm layers under other weight names, no token
//! types, positions counted from the padding id + 1, and a learnt bias per head and
//! relative-distance bucket added to every attention score (the T5 scheme). Parity
//! with sentence-transformers is tested on all-mpnet-base-v2.

use candle_core::{DType, Tensor};
use candle_nn::VarBuilder;
use candle_transformers::models::bert::{Config, HiddenAct, PositionEmbeddingType};

use super::kernels::{self, QuantWeights, View};
use super::Precision;

/// Which layout of the BERT family a checkpoint has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Family {
    Bert,
    /// MPNet, with this many relative-position buckets per direction pair
    /// (`relative_attention_num_buckets`).
    MpNet {
        buckets: usize,
    },
}

impl Family {
    /// The position-table row of a sequence's first token: 0 for BERT; for MPNet,
    /// the padding id (1) + 1, fairseq's scheme. The table holds this many rows fewer
    /// usable positions.
    pub fn position_offset(self) -> usize {
        match self {
            Family::Bert => 0,
            Family::MpNet { .. } => 2,
        }
    }
}

/// MPNet's farthest distinguished relative distance (fixed in its code, not its config).
const MPNET_MAX_DISTANCE: usize = 128;

/// A loaded model: every weight as a plain `Vec<f32>`, linear layers transposed or
/// quantised for their kernel.
pub struct CpuBert {
    word: Vec<f32>,
    position: Vec<f32>,
    /// Position row of a sequence's first token (0 for BERT, 2 for MPNet).
    position_offset: usize,
    /// Token type 0 (sentence-transformers never sets another); zeros for MPNet,
    /// which has none.
    token_type: Vec<f32>,
    /// MPNet's attention bias, `[bucket][head]`, and its bucket count.
    relative_bias: Option<(Vec<f32>, usize)>,
    embedding_norm: Norm,
    layers: Vec<Layer>,
    hidden: usize,
    heads: usize,
    vocab: usize,
    max_positions: usize,
    eps: f32,
}

struct Norm {
    gamma: Vec<f32>,
    beta: Vec<f32>,
}

struct Layer {
    /// Query, key and value in one product: outputs `[q | k | v]`.
    qkv: Linear,
    attention_out: Linear,
    attention_norm: Norm,
    up: Linear,
    down: Linear,
    output_norm: Norm,
}

struct Linear {
    weights: Weights,
    bias: Vec<f32>,
    inputs: usize,
}

enum Weights {
    /// `[inputs][outputs]`, row-major.
    F32(Vec<f32>),
    Int8(QuantWeights),
}

impl Linear {
    fn outputs(&self) -> usize {
        self.bias.len()
    }

    /// `x` is `rows × inputs`; `out` becomes `rows × outputs` (its old contents are
    /// overwritten; its allocation is reused from layer to layer).
    fn forward(&self, x: &[f32], rows: usize, out: &mut Vec<f32>) {
        let n = self.outputs();
        out.resize(rows * n, 0.0);
        match &self.weights {
            Weights::F32(w) => kernels::matmul_bias(x, rows, self.inputs, w, n, &self.bias, out),
            Weights::Int8(q) => kernels::matmul_int8(x, rows, q, &self.bias, out),
        }
    }
}

type Load<T> = Result<T, String>;

fn values(t: Tensor) -> Load<Vec<f32>> {
    t.to_dtype(DType::F32)
        .and_then(|t| t.flatten_all())
        .and_then(|t| t.to_vec1::<f32>())
        .map_err(|e| e.to_string())
}

fn get(vb: &VarBuilder, shape: &[usize], name: &str) -> Load<Vec<f32>> {
    let t = vb
        .get(shape, name)
        .map_err(|e| format!("{}.{name}: {e}", vb.prefix()))?;
    values(t)
}

fn norm(vb: &VarBuilder, dim: usize) -> Load<Norm> {
    // Old BERT checkpoints call them gamma and beta.
    let (g, b) = if vb.contains_tensor("weight") {
        ("weight", "bias")
    } else {
        ("gamma", "beta")
    };
    Ok(Norm {
        gamma: get(vb, &[dim], g)?,
        beta: get(vb, &[dim], b)?,
    })
}

/// PyTorch `Linear` weights `[outputs][inputs]` (several stacked, for q, k, v).
fn linear(
    parts: &[VarBuilder],
    inputs: usize,
    outputs: usize,
    precision: Precision,
) -> Load<Linear> {
    let mut w = Vec::with_capacity(parts.len() * outputs * inputs);
    let mut bias = Vec::with_capacity(parts.len() * outputs);
    for vb in parts {
        w.extend(get(vb, &[outputs, inputs], "weight")?);
        bias.extend(get(vb, &[outputs], "bias")?);
    }
    let n = bias.len();
    let weights = match precision {
        Precision::Fp32 => {
            let mut t = vec![0f32; n * inputs];
            for j in 0..n {
                for i in 0..inputs {
                    t[i * n + j] = w[j * inputs + i];
                }
            }
            Weights::F32(t)
        }
        Precision::Int8 => Weights::Int8(QuantWeights::new(&w, n, inputs)?),
    };
    Ok(Linear {
        weights,
        bias,
        inputs,
    })
}

impl CpuBert {
    /// Reads the weights `BertModel::load` reads (for MPNet, their MPNet names), from
    /// the same `VarBuilder`.
    pub fn load(
        vb: &VarBuilder,
        config: &Config,
        family: Family,
        precision: Precision,
    ) -> Load<Self> {
        if config.hidden_act != HiddenAct::Gelu {
            return Err(format!(
                "{:?} activations are not supported (only exact GELU)",
                config.hidden_act
            ));
        }
        if config.position_embedding_type != PositionEmbeddingType::Absolute {
            return Err("only absolute position embeddings are supported".into());
        }
        let vb = if vb.contains_tensor("embeddings.word_embeddings.weight") {
            vb.clone()
        } else if vb.contains_tensor("bert.embeddings.word_embeddings.weight") {
            vb.pp("bert")
        } else {
            match &config.model_type {
                Some(t) => vb.pp(t),
                None => vb.clone(),
            }
        };
        let h = config.hidden_size;
        let e = vb.pp("embeddings");
        let mut layers = Vec::with_capacity(config.num_hidden_layers);
        for i in 0..config.num_hidden_layers {
            let l = vb.pp("encoder").pp("layer").pp(i.to_string());
            let a = l.pp("attention");
            // BERT: attention.self.{query,key,value}, attention.output.{dense,LayerNorm};
            // MPNet: attention.attn.{q,k,v,o}, attention.LayerNorm.
            let (qkv, out, attention_norm) = match family {
                Family::Bert => {
                    let s = a.pp("self");
                    (
                        [s.pp("query"), s.pp("key"), s.pp("value")],
                        a.pp("output").pp("dense"),
                        a.pp("output").pp("LayerNorm"),
                    )
                }
                Family::MpNet { .. } => {
                    let s = a.pp("attn");
                    (
                        [s.pp("q"), s.pp("k"), s.pp("v")],
                        s.pp("o"),
                        a.pp("LayerNorm"),
                    )
                }
            };
            layers.push(Layer {
                qkv: linear(&qkv, h, h, precision)?,
                attention_out: linear(&[out], h, h, precision)?,
                attention_norm: norm(&attention_norm, h)?,
                up: linear(
                    &[l.pp("intermediate").pp("dense")],
                    h,
                    config.intermediate_size,
                    precision,
                )?,
                down: linear(
                    &[l.pp("output").pp("dense")],
                    config.intermediate_size,
                    h,
                    precision,
                )?,
                output_norm: norm(&l.pp("output").pp("LayerNorm"), h)?,
            });
        }
        let heads = config.num_attention_heads;
        let (token_type, position_offset, relative_bias) = match family {
            Family::Bert => {
                let types = get(
                    &e.pp("token_type_embeddings"),
                    &[config.type_vocab_size, h],
                    "weight",
                )?;
                (types[..h].to_vec(), 0, None)
            }
            Family::MpNet { buckets } => {
                let table = get(
                    &vb.pp("encoder").pp("relative_attention_bias"),
                    &[buckets, heads],
                    "weight",
                )?;
                (
                    vec![0.0; h],
                    family.position_offset(),
                    Some((table, buckets)),
                )
            }
        };
        Ok(CpuBert {
            word: get(&e.pp("word_embeddings"), &[config.vocab_size, h], "weight")?,
            position: get(
                &e.pp("position_embeddings"),
                &[config.max_position_embeddings, h],
                "weight",
            )?,
            position_offset,
            token_type,
            relative_bias,
            embedding_norm: norm(&e.pp("LayerNorm"), h)?,
            layers,
            hidden: h,
            heads,
            vocab: config.vocab_size,
            max_positions: config.max_position_embeddings,
            eps: config.layer_norm_eps as f32,
        })
    }

    /// Number of encoder layers.
    pub fn depth(&self) -> usize {
        self.layers.len()
    }

    /// Token states after each layer in `layers` (numbered from 1; `depth()` is the
    /// last), in that order. Each is every sequence's states concatenated,
    /// `Σ len × hidden`, row-major, sequences in order. The layers run once whatever
    /// is asked for: a middle layer's states are copied on the way. Token ids must be
    /// below the vocabulary size and each sequence no longer than the position table
    /// (the caller truncates).
    pub fn forward(&self, sequences: &[&[u32]], layers: &[usize]) -> Result<Vec<Vec<f32>>, String> {
        if let Some(bad) = layers.iter().find(|&&l| l == 0 || l > self.depth()) {
            return Err(format!(
                "layer {bad} does not exist; the model has layers 1 to {}",
                self.depth()
            ));
        }
        let h = self.hidden;
        let rows: usize = sequences.iter().map(|s| s.len()).sum();
        let mut x = vec![0f32; rows * h];
        let mut at = 0;
        for seq in sequences {
            if seq.len() + self.position_offset > self.max_positions {
                return Err(format!(
                    "{} tokens, more than the model's {} positions",
                    seq.len(),
                    self.max_positions.saturating_sub(self.position_offset)
                ));
            }
            for (p, &id) in seq.iter().enumerate() {
                let id = id as usize;
                if id >= self.vocab {
                    return Err(format!(
                        "token id {id} is outside the vocabulary of {}",
                        self.vocab
                    ));
                }
                let dst = &mut x[at * h..(at + 1) * h];
                let word = &self.word[id * h..(id + 1) * h];
                let p = p + self.position_offset;
                let pos = &self.position[p * h..(p + 1) * h];
                for (((d, w), q), t) in dst.iter_mut().zip(word).zip(pos).zip(&self.token_type) {
                    *d = w + q + t;
                }
                at += 1;
            }
        }
        kernels::layer_norm(
            &mut x,
            &self.embedding_norm.gamma,
            &self.embedding_norm.beta,
            self.eps,
        );

        let longest = sequences.iter().map(|s| s.len()).max().unwrap_or(0);
        let mut scores = vec![0f32; longest * longest];
        let bias = self.distance_bias(longest);
        // One buffer per intermediate, reused by every layer: fresh multi-megabyte
        // allocations per layer cost page faults (BENCHMARKS.md).
        let (mut qkv, mut context, mut attended, mut up, mut out) =
            (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
        let mut kept: Vec<Option<Vec<f32>>> = vec![None; layers.len()];
        for (number, layer) in (1..).zip(&self.layers) {
            layer.qkv.forward(&x, rows, &mut qkv);
            self.attention(&qkv, sequences, bias.as_deref(), &mut scores, &mut context);
            layer.attention_out.forward(&context, rows, &mut attended);
            add(&mut attended, &x);
            kernels::layer_norm(
                &mut attended,
                &layer.attention_norm.gamma,
                &layer.attention_norm.beta,
                self.eps,
            );
            layer.up.forward(&attended, rows, &mut up);
            kernels::gelu(&mut up);
            layer.down.forward(&up, rows, &mut out);
            add(&mut out, &attended);
            kernels::layer_norm(
                &mut out,
                &layer.output_norm.gamma,
                &layer.output_norm.beta,
                self.eps,
            );
            std::mem::swap(&mut x, &mut out);
            for (slot, _) in kept.iter_mut().zip(layers).filter(|(_, &l)| l == number) {
                *slot = Some(x.clone());
            }
        }
        Ok(kept.into_iter().flatten().collect())
    }

    /// MPNet's attention bias for every head and every distance between two tokens of
    /// a sequence up to `longest` long: `[head][key − query + longest − 1]`. `None` for
    /// BERT.
    fn distance_bias(&self, longest: usize) -> Option<Vec<f32>> {
        let (table, buckets) = self.relative_bias.as_ref()?;
        let span = (2 * longest).saturating_sub(1);
        let mut bias = vec![0f32; self.heads * span];
        for (at, distance) in (1 - longest as i64..longest as i64).enumerate() {
            let bucket = relative_bucket(distance, *buckets, MPNET_MAX_DISTANCE);
            for head in 0..self.heads {
                bias[head * span + at] = table[bucket * self.heads + head];
            }
        }
        Some(bias)
    }

    /// Multi-head self-attention of each sequence over itself; `qkv` is
    /// `rows × 3·hidden` (`[q | k | v]` per token); `context` becomes `rows × hidden`.
    /// `bias` is [`CpuBert::distance_bias`] for the batch's longest sequence.
    fn attention(
        &self,
        qkv: &[f32],
        sequences: &[&[u32]],
        bias: Option<&[f32]>,
        scores: &mut [f32],
        context: &mut Vec<f32>,
    ) {
        let span = bias.map_or(0, |b| b.len() / self.heads);
        let longest = span.div_ceil(2);
        let h = self.hidden;
        let d = h / self.heads;
        let scale = 1.0 / (d as f32).sqrt();
        // Every element is written below (each head's columns of each row).
        context.resize(qkv.len() / 3, 0.0);
        let mut start = 0;
        for seq in sequences {
            let len = seq.len();
            if len == 0 {
                continue;
            }
            for head in 0..self.heads {
                let q = View {
                    offset: start * 3 * h + head * d,
                    row: 3 * h,
                    col: 1,
                };
                // Kᵀ: element (c, j) is key j's component c.
                let kt = View {
                    offset: start * 3 * h + h + head * d,
                    row: 1,
                    col: 3 * h,
                };
                let v = View {
                    offset: start * 3 * h + 2 * h + head * d,
                    row: 3 * h,
                    col: 1,
                };
                let s = View {
                    offset: 0,
                    row: len,
                    col: 1,
                };
                kernels::matmul_strided((len, d, len), qkv, q, qkv, kt, scores, s, scale);
                if let Some(bias) = bias {
                    let head_bias = &bias[head * span..(head + 1) * span];
                    for (query, row) in scores[..len * len].chunks_exact_mut(len).enumerate() {
                        // Key j sits at distance j − query: index j − query + longest − 1.
                        let from = longest - 1 - query;
                        add(row, &head_bias[from..from + len]);
                    }
                }
                kernels::softmax_rows(&mut scores[..len * len], len);
                let out = View {
                    offset: start * h + head * d,
                    row: h,
                    col: 1,
                };
                kernels::matmul_strided((len, len, d), scores, s, qkv, v, context, out, 1.0);
            }
            start += len;
        }
    }
}

fn add(x: &mut [f32], y: &[f32]) {
    x.iter_mut().zip(y).for_each(|(a, b)| *a += b);
}

/// MPNet's (and T5's) bucket for a key `distance` tokens after its query (negative:
/// before): half the buckets for keys after, half for keys before; within each half,
/// one bucket per distance below a quarter of the buckets, then buckets growing
/// logarithmically up to `max_distance`, the last taking everything beyond. Computed
/// in `f32`, as PyTorch does, so the bucket edges fall where the model learnt them.
fn relative_bucket(distance: i64, buckets: usize, max_distance: usize) -> usize {
    let half = buckets / 2;
    let exact = half / 2;
    let side = if distance > 0 { half } else { 0 };
    let n = distance.unsigned_abs() as usize;
    if n < exact {
        return side + n;
    }
    let scaled = (n as f32 / exact as f32).ln() / (max_distance as f32 / exact as f32).ln()
        * (half - exact) as f32;
    side + (exact + scaled as usize).min(half - 1)
}

#[cfg(test)]
mod tests {
    use super::relative_bucket;

    /// Every distance from −600 to 600 against the buckets PyTorch's
    /// `MPNetEncoder.relative_position_bucket` gives (32 buckets, max distance 128),
    /// written as the distances where the bucket changes.
    #[test]
    fn relative_buckets_change_where_mpnet_changes_them() {
        let changes: [(i64, usize); 31] = [
            (-600, 15),
            (-90, 14),
            (-63, 13),
            (-45, 12),
            (-31, 11),
            (-22, 10),
            (-15, 9),
            (-11, 8),
            (-7, 7),
            (-6, 6),
            (-5, 5),
            (-4, 4),
            (-3, 3),
            (-2, 2),
            (-1, 1),
            (0, 0),
            (1, 17),
            (2, 18),
            (3, 19),
            (4, 20),
            (5, 21),
            (6, 22),
            (7, 23),
            (8, 24),
            (12, 25),
            (16, 26),
            (23, 27),
            (32, 28),
            (46, 29),
            (64, 30),
            (91, 31),
        ];
        for distance in -600..=600i64 {
            let expected = changes
                .iter()
                .rev()
                .find(|(from, _)| *from <= distance)
                .map(|&(_, bucket)| bucket)
                .unwrap();
            assert_eq!(
                relative_bucket(distance, 32, 128),
                expected,
                "distance {distance}"
            );
        }
    }
}
