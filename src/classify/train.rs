//! Training the `linear` head with candle-nn: class-weighted binary cross-entropy,
//! AdamW over seeded minibatches, early stopping on dev loss, then one threshold per
//! label chosen on dev to maximise F1. The same seed and data give the same head.
//!
//! The head is either linear (`hidden: 0`) or has one GELU hidden layer with dropout
//! (the default head: on dev it beats the linear one by about 0.02 core-four macro F1,
//! docs/classifier-experiments.md). Initial weights and dropout masks come from the
//! seeded generator, not candle's, so a seeded run is reproducible. [`train_bagged`]
//! trains one member per fold with that fold held out, and takes the thresholds from
//! the out-of-fold scores (the default head).

use candle_core::{Device, Tensor, Var};
use candle_nn::{AdamW, Optimizer, ParamsAdamW};
use rand::seq::SliceRandom;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

use crate::eval::Counts;

/// Features and gold labels for a set of passages.
#[derive(Debug, Clone)]
pub struct TrainData {
    pub features: Vec<Vec<f32>>,
    pub gold: Vec<Vec<bool>>,
}

#[derive(Debug, Clone)]
pub struct TrainOptions {
    pub seed: u64,
    pub max_epochs: usize,
    /// Epochs without a better dev loss before stopping.
    pub patience: usize,
    pub learning_rate: f64,
    pub weight_decay: f64,
    pub batch_size: usize,
    /// Cap on a label's positive-class weight (negatives / positives).
    pub max_pos_weight: f32,
    /// Width of the hidden layer; 0 for a linear head.
    pub hidden: usize,
    /// Dropout on the hidden layer while training (a fifth of it on the input).
    pub dropout: f32,
}

impl Default for TrainOptions {
    fn default() -> Self {
        TrainOptions {
            seed: 17,
            max_epochs: 300,
            patience: 20,
            learning_rate: 0.01,
            weight_decay: 1e-4,
            batch_size: 64,
            max_pos_weight: 4.0,
            hidden: 0,
            dropout: 0.0,
        }
    }
}

impl TrainOptions {
    /// The default head's settings: one hidden layer of 256, chosen on dev.
    pub fn mlp() -> Self {
        TrainOptions {
            max_epochs: 150,
            learning_rate: 1e-3,
            weight_decay: 1e-2,
            batch_size: 32,
            hidden: 256,
            dropout: 0.3,
            ..TrainOptions::default()
        }
    }
}

/// One fully connected layer: `weight` row-major `outputs × inputs`.
#[derive(Debug, Clone, PartialEq)]
pub struct Dense {
    pub weight: Vec<f32>,
    pub bias: Vec<f32>,
}

impl Dense {
    pub fn outputs(&self) -> usize {
        self.bias.len()
    }

    pub fn inputs(&self) -> usize {
        self.weight.len() / self.bias.len().max(1)
    }

    /// `(weight, bias)` as tensors, `outputs × inputs` and `outputs`.
    pub fn tensors(&self, device: &Device) -> candle_core::Result<(Tensor, Tensor)> {
        Ok((
            Tensor::from_slice(&self.weight, (self.outputs(), self.inputs()), device)?,
            Tensor::from_slice(&self.bias, self.outputs(), device)?,
        ))
    }
}

/// A trained head before it is tied to an encoder and saved.
#[derive(Debug, Clone, PartialEq)]
pub struct Trained {
    /// `hidden × features`, when the head has a hidden layer.
    pub hidden: Option<Dense>,
    /// `labels × features` (or `labels × hidden`).
    pub output: Dense,
    pub thresholds: Vec<f32>,
    /// The epoch whose weights were kept (1-based).
    pub epochs: usize,
    /// Dev F1 per label at the chosen thresholds.
    pub dev_f1: Vec<Option<f64>>,
}

fn matrix(rows: &[Vec<f32>], device: &Device) -> candle_core::Result<Tensor> {
    let cols = rows.first().map_or(0, Vec::len);
    let flat: Vec<f32> = rows.iter().flatten().copied().collect();
    Tensor::from_vec(flat, (rows.len(), cols), device)
}

fn targets(gold: &[Vec<bool>], device: &Device) -> candle_core::Result<Tensor> {
    let rows: Vec<Vec<f32>> = gold
        .iter()
        .map(|r| r.iter().map(|&g| f32::from(u8::from(g))).collect())
        .collect();
    matrix(&rows, device)
}

/// Mean over passages and labels of `w⁺·y·softplus(−z) + (1 − y)·softplus(z)`.
fn weighted_bce(logits: &Tensor, y: &Tensor, pos_weight: &Tensor) -> candle_core::Result<Tensor> {
    let softplus = |z: &Tensor| -> candle_core::Result<Tensor> {
        // softplus(z) = max(z, 0) + ln(1 + e^(−|z|)), stable for large |z|.
        z.relu()? + (z.abs()?.neg()?.exp()? + 1.0)?.log()?
    };
    let pos = (y * softplus(&logits.neg()?)?)?.broadcast_mul(pos_weight)?;
    let neg = ((1.0 - y)? * softplus(logits)?)?;
    (pos + neg)?.mean_all()
}

/// `rows × cols` values uniform in ±1/√fan_in (PyTorch's default for linear layers),
/// from the seeded generator.
fn uniform(rng: &mut ChaCha8Rng, rows: usize, cols: usize, fan_in: usize) -> Vec<f32> {
    use rand::Rng;
    let bound = 1.0 / (fan_in.max(1) as f32).sqrt();
    (0..rows * cols)
        .map(|_| rng.random_range(-bound..bound))
        .collect()
}

/// An inverted-dropout mask (`0` or `1 / (1 − p)`) of shape `rows × cols`.
fn dropout_mask(
    rng: &mut ChaCha8Rng,
    rows: usize,
    cols: usize,
    p: f32,
    device: &Device,
) -> candle_core::Result<Tensor> {
    use rand::Rng;
    let keep = 1.0 / (1.0 - p);
    let mask: Vec<f32> = (0..rows * cols)
        .map(|_| if rng.random::<f32>() < p { 0.0 } else { keep })
        .collect();
    Tensor::from_vec(mask, (rows, cols), device)
}

/// The trainable layers: `(weight, bias)` pairs, input side first.
struct Layers(Vec<(Var, Var)>);

impl Layers {
    fn new(
        dims: &[usize],
        rng: &mut ChaCha8Rng,
        zeros: bool,
        device: &Device,
    ) -> candle_core::Result<Self> {
        dims.windows(2)
            .map(|d| {
                let (inp, out) = (d[0], d[1]);
                let (w, b) = if zeros {
                    (vec![0.0; out * inp], vec![0.0; out])
                } else {
                    (uniform(rng, out, inp, inp), uniform(rng, 1, out, inp))
                };
                Ok((
                    Var::from_tensor(&Tensor::from_vec(w, (out, inp), device)?)?,
                    Var::from_tensor(&Tensor::from_vec(b, out, device)?)?,
                ))
            })
            .collect::<candle_core::Result<Vec<_>>>()
            .map(Layers)
    }

    fn vars(&self) -> Vec<Var> {
        self.0
            .iter()
            .flat_map(|(w, b)| [w.clone(), b.clone()])
            .collect()
    }

    fn snapshot(&self) -> candle_core::Result<Vec<(Tensor, Tensor)>> {
        self.0
            .iter()
            .map(|(w, b)| Ok((w.as_tensor().copy()?, b.as_tensor().copy()?)))
            .collect()
    }
}

/// Logits of `x` through `layers` (GELU between them). `masks`, when training, holds
/// one dropout mask per layer input.
pub(crate) fn forward(
    layers: &[(Tensor, Tensor)],
    x: &Tensor,
    masks: Option<&[Tensor]>,
) -> candle_core::Result<Tensor> {
    let mut h = x.clone();
    for (i, (w, b)) in layers.iter().enumerate() {
        if i > 0 {
            h = h.gelu_erf()?;
        }
        if let Some(m) = masks.and_then(|m| m.get(i)) {
            h = h.mul(m)?;
        }
        h = h.matmul(&w.t()?)?.broadcast_add(b)?;
    }
    Ok(h)
}

/// Trains a head on `train`, stopping and choosing thresholds on `dev`.
pub fn train_linear(
    train: &TrainData,
    dev: &TrainData,
    opts: &TrainOptions,
) -> candle_core::Result<Trained> {
    let device = Device::Cpu;
    let n_labels = train.gold.first().map_or(0, Vec::len);
    let dim = train.features.first().map_or(0, Vec::len);
    let x = matrix(&train.features, &device)?;
    let y = targets(&train.gold, &device)?;
    let dev_x = matrix(&dev.features, &device)?;
    let dev_y = targets(&dev.gold, &device)?;

    let pos_weight: Vec<f32> = (0..n_labels)
        .map(|l| {
            let pos = train.gold.iter().filter(|r| r[l]).count().max(1) as f32;
            let neg = (train.gold.len() as f32 - pos).max(1.0);
            (neg / pos).clamp(1.0, opts.max_pos_weight)
        })
        .collect();
    let pos_weight = Tensor::from_vec(pos_weight, (1, n_labels), &device)?;

    let mut rng = ChaCha8Rng::seed_from_u64(opts.seed);
    let dims: Vec<usize> = if opts.hidden > 0 {
        vec![dim, opts.hidden, n_labels]
    } else {
        vec![dim, n_labels]
    };
    // A linear head is a convex problem: zeros are a fine start and need no RNG (and
    // keep heads trained before the hidden layer existed reproducible).
    let layers = Layers::new(&dims, &mut rng, opts.hidden == 0, &device)?;
    let mut opt = AdamW::new(
        layers.vars(),
        ParamsAdamW {
            lr: opts.learning_rate,
            weight_decay: opts.weight_decay,
            ..ParamsAdamW::default()
        },
    )?;
    let live = |layers: &Layers| -> Vec<(Tensor, Tensor)> {
        layers
            .0
            .iter()
            .map(|(w, b)| (w.as_tensor().clone(), b.as_tensor().clone()))
            .collect()
    };
    let drop_rates: Vec<f32> = (0..dims.len() - 1)
        .map(|i| {
            if i == 0 {
                opts.dropout / 5.0
            } else {
                opts.dropout
            }
        })
        .collect();
    let dropping = opts.dropout > 0.0;

    let mut order: Vec<u32> = (0..train.features.len() as u32).collect();
    let mut best = (f32::INFINITY, 0usize, layers.snapshot()?);
    for epoch in 1..=opts.max_epochs {
        order.shuffle(&mut rng);
        for chunk in order.chunks(opts.batch_size.max(1)) {
            let idx = Tensor::from_slice(chunk, chunk.len(), &device)?;
            let masks = if dropping {
                Some(
                    dims[..dims.len() - 1]
                        .iter()
                        .zip(&drop_rates)
                        .map(|(&d, &p)| dropout_mask(&mut rng, chunk.len(), d, p, &device))
                        .collect::<candle_core::Result<Vec<_>>>()?,
                )
            } else {
                None
            };
            let logits = forward(&live(&layers), &x.index_select(&idx, 0)?, masks.as_deref())?;
            let loss = weighted_bce(&logits, &y.index_select(&idx, 0)?, &pos_weight)?;
            opt.backward_step(&loss)?;
        }
        let dev_logits = forward(&live(&layers), &dev_x, None)?;
        let dev_loss = weighted_bce(&dev_logits, &dev_y, &pos_weight)?.to_scalar::<f32>()?;
        if dev_loss < best.0 {
            best = (dev_loss, epoch, layers.snapshot()?);
        } else if epoch - best.1 >= opts.patience {
            break;
        }
    }
    let (_, epochs, kept) = best;

    let dev_p = candle_nn::ops::sigmoid(&forward(&kept, &dev_x, None)?)?.to_vec2::<f32>()?;
    let mut thresholds = Vec::with_capacity(n_labels);
    let mut dev_f1 = Vec::with_capacity(n_labels);
    for l in 0..n_labels {
        let (t, f) = best_threshold(&dev_p, &dev.gold, l);
        thresholds.push(t);
        dev_f1.push(f);
    }
    let mut dense = kept
        .iter()
        .map(|(w, b)| {
            Ok(Dense {
                weight: w.flatten_all()?.to_vec1()?,
                bias: b.to_vec1()?,
            })
        })
        .collect::<candle_core::Result<Vec<_>>>()?;
    let output = dense.pop().expect("a head has an output layer");
    Ok(Trained {
        hidden: dense.pop(),
        output,
        thresholds,
        epochs,
        dev_f1,
    })
}

impl Trained {
    /// Per-label probabilities for each row of `features`.
    pub fn predict(&self, features: &[Vec<f32>]) -> candle_core::Result<Vec<Vec<f32>>> {
        if features.is_empty() {
            return Ok(Vec::new());
        }
        let device = Device::Cpu;
        let layers = self
            .hidden
            .iter()
            .chain(Some(&self.output))
            .map(|d| d.tensors(&device))
            .collect::<candle_core::Result<Vec<_>>>()?;
        candle_nn::ops::sigmoid(&forward(&layers, &matrix(features, &device)?, None)?)?.to_vec2()
    }
}

/// A bagged head: `k` members, each trained with one fold of the pooled passages held
/// out, whose mean probability is the score; thresholds from the out-of-fold scores.
#[derive(Debug, Clone, PartialEq)]
pub struct Bagged {
    pub members: Vec<Trained>,
    pub thresholds: Vec<f32>,
    /// F1 per label of the out-of-fold scores at `thresholds` (chosen on those same
    /// scores, so optimistic, but over every pooled passage rather than a dev split).
    pub oof_f1: Vec<Option<f64>>,
    /// Each pooled passage's out-of-fold scores, in `pool` order: thresholds can be
    /// chosen again on a subset of them (`train --within-parent`).
    pub oof: Vec<Vec<f32>>,
}

/// Trains `folds` members on `pool` (train and dev together). Member `k` holds out
/// fold `k`, early-stops on a ninth of the rest and is trained on the remainder with
/// seed `seed + k`; its scores on fold `k` are that fold's out-of-fold scores, on
/// which the per-label thresholds are chosen. Folds are a seeded shuffle, so the same
/// seed and data give the same head.
///
/// Measured by nested cross-validation on train + dev against one head with a dev
/// split (docs/classifier-experiments.md, session 7): +0.005 core-four and +0.010
/// macro F1.
pub fn train_bagged(
    pool: &TrainData,
    folds: usize,
    opts: &TrainOptions,
) -> candle_core::Result<Bagged> {
    let n = pool.features.len();
    if folds < 2 || n < folds * 9 {
        candle_core::bail!(
            "bagging needs at least 2 folds and 9 passages a fold ({folds} folds, {n} passages); \
             give fewer `--folds`, or `--folds 1` for one head on a dev split"
        );
    }
    let n_labels = pool.gold.first().map_or(0, Vec::len);
    let mut rng = ChaCha8Rng::seed_from_u64(opts.seed);
    let mut order: Vec<usize> = (0..n).collect();
    order.shuffle(&mut rng);
    let fold_of = |position: usize| position % folds;
    let subset = |idx: &[usize]| TrainData {
        features: idx.iter().map(|&i| pool.features[i].clone()).collect(),
        gold: idx.iter().map(|&i| pool.gold[i].clone()).collect(),
    };
    let mut oof = vec![Vec::new(); n];
    let mut members = Vec::with_capacity(folds);
    for k in 0..folds {
        let held: Vec<usize> = (0..n)
            .filter(|&p| fold_of(p) == k)
            .map(|p| order[p])
            .collect();
        let rest: Vec<usize> = (0..n)
            .filter(|&p| fold_of(p) != k)
            .map(|p| order[p])
            .collect();
        let (stop, fit) = rest.split_at(rest.len() / 9);
        let member = train_linear(
            &subset(fit),
            &subset(stop),
            &TrainOptions {
                seed: opts.seed.wrapping_add(k as u64),
                ..opts.clone()
            },
        )?;
        for (i, p) in held.iter().zip(member.predict(&subset(&held).features)?) {
            oof[*i] = p;
        }
        members.push(member);
    }
    let (thresholds, oof_f1) = (0..n_labels)
        .map(|l| best_threshold(&oof, &pool.gold, l))
        .unzip();
    Ok(Bagged {
        members,
        thresholds,
        oof_f1,
        oof,
    })
}

/// The threshold in 0.05..=0.95 (step 0.01) with the best dev F1 for label `l`; ties go
/// to the one nearest 0.5. A label with no dev positives keeps 0.5.
pub fn best_threshold(probs: &[Vec<f32>], gold: &[Vec<bool>], l: usize) -> (f32, Option<f64>) {
    best_threshold_among(probs, gold, l, |_| true)
}

/// [`best_threshold`] judged only on the passages `among` keeps (by index): a facet's
/// threshold on the passages that carry its parent theme, where it is decided.
pub fn best_threshold_among(
    probs: &[Vec<f32>],
    gold: &[Vec<bool>],
    l: usize,
    among: impl Fn(usize) -> bool,
) -> (f32, Option<f64>) {
    let f1_at = |t: f32| {
        let mut c = Counts::default();
        for (i, (p, g)) in probs.iter().zip(gold).enumerate() {
            if among(i) {
                c.add(g[l], p[l] >= t);
            }
        }
        c.f1()
    };
    if !gold.iter().enumerate().any(|(i, g)| g[l] && among(i)) {
        return (0.5, f1_at(0.5));
    }
    let mut best = (0.5f32, f1_at(0.5).unwrap_or(0.0));
    for step in 5..=95 {
        let t = step as f32 / 100.0;
        let f = f1_at(t).unwrap_or(0.0);
        if f > best.1 + 1e-12
            || ((f - best.1).abs() <= 1e-12 && (t - 0.5).abs() < (best.0 - 0.5).abs())
        {
            best = (t, f);
        }
    }
    (best.0, Some(best.1))
}

/// Mean of the defined F1s among `labels`.
pub fn mean_f1(f1: &[Option<f64>], labels: impl IntoIterator<Item = usize>) -> Option<f64> {
    let v: Vec<f64> = labels.into_iter().filter_map(|i| f1[i]).collect();
    (!v.is_empty()).then(|| v.iter().sum::<f64>() / v.len() as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `n` passages of `dims` features uniform in ±1, labelled by `rule`.
    fn synthetic(n: usize, seed: u64, dims: usize, rule: fn(&[f32]) -> Vec<bool>) -> TrainData {
        use rand::Rng;
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let features: Vec<Vec<f32>> = (0..n)
            .map(|_| (0..dims).map(|_| rng.random_range(-1.0f32..1.0)).collect())
            .collect();
        let gold = features.iter().map(|f| rule(f)).collect();
        TrainData { features, gold }
    }

    /// Two labels driven by the sign of two features, plus noise features.
    fn toy(n: usize, seed: u64) -> TrainData {
        synthetic(n, seed, 6, |f| vec![f[0] > 0.3, f[1] + f[2] > 0.0])
    }

    #[test]
    fn learns_a_separable_problem_and_is_reproducible_with_its_seed() {
        let (train, dev) = (toy(400, 1), toy(150, 2));
        let opts = TrainOptions {
            max_epochs: 200,
            ..TrainOptions::default()
        };
        let a = train_linear(&train, &dev, &opts).unwrap();
        let b = train_linear(&train, &dev, &opts).unwrap();
        assert_eq!(a, b);
        for f in &a.dev_f1 {
            assert!(f.unwrap() > 0.9, "dev F1 {f:?}");
        }
        let c = train_linear(&train, &dev, &TrainOptions { seed: 99, ..opts }).unwrap();
        assert_ne!(a.output.weight, c.output.weight);
        assert!(a.hidden.is_none());
    }

    /// Label: the two leading features have the same sign (XOR), beyond any linear head.
    fn xor(n: usize, seed: u64) -> TrainData {
        synthetic(n, seed, 4, |f| vec![f[0] * f[1] > 0.0])
    }

    #[test]
    fn a_hidden_layer_learns_what_a_linear_head_cannot_and_is_reproducible() {
        let (train, dev) = (xor(600, 3), xor(200, 4));
        let mlp = TrainOptions {
            hidden: 32,
            dropout: 0.1,
            learning_rate: 0.01,
            max_epochs: 150,
            ..TrainOptions::mlp()
        };
        let a = train_linear(&train, &dev, &mlp).unwrap();
        assert_eq!(a, train_linear(&train, &dev, &mlp).unwrap());
        let hidden = a.hidden.as_ref().unwrap();
        assert_eq!((hidden.outputs(), hidden.inputs()), (32, 4));
        assert_eq!((a.output.outputs(), a.output.inputs()), (1, 32));
        let linear = train_linear(&train, &dev, &TrainOptions::default()).unwrap();
        let (f_mlp, f_linear) = (a.dev_f1[0].unwrap(), linear.dev_f1[0].unwrap());
        assert!(f_mlp > 0.9, "hidden layer dev F1 {f_mlp}");
        assert!(f_linear < 0.8, "linear dev F1 {f_linear}");
    }

    #[test]
    fn a_threshold_among_some_passages_is_judged_on_those_alone() {
        // Passages 4 and 5 lie outside the parent: among all six, 0.56 is best
        // (F1 0.8, the 0.55 negative excluded); among the first four, any threshold in
        // 0.41..=0.60 separates them, and the one nearest 0.5 wins.
        let probs: Vec<Vec<f32>> = [0.9, 0.6, 0.4, 0.3, 0.55, 0.7]
            .iter()
            .map(|&p| vec![p])
            .collect();
        let gold: Vec<Vec<bool>> = [true, true, false, false, false, false]
            .iter()
            .map(|&g| vec![g])
            .collect();
        let (t, f) = best_threshold(&probs, &gold, 0);
        assert!(
            (t - 0.56).abs() < 1e-6 && (f.unwrap() - 0.8).abs() < 1e-9,
            "{t} {f:?}"
        );
        let (t, f) = best_threshold_among(&probs, &gold, 0, |i| i < 4);
        assert!(
            (t - 0.5).abs() < 1e-6 && (f.unwrap() - 1.0).abs() < 1e-9,
            "{t} {f:?}"
        );
        // No positive among the kept passages: 0.5, as for a label with none.
        assert_eq!(best_threshold_among(&probs, &gold, 0, |i| i >= 2).0, 0.5);
    }

    #[test]
    fn bagged_members_hold_out_each_fold_and_a_seed_reproduces_them() {
        let pool = toy(450, 5);
        let opts = TrainOptions {
            max_epochs: 100,
            ..TrainOptions::default()
        };
        let a = train_bagged(&pool, 3, &opts).unwrap();
        assert_eq!(a, train_bagged(&pool, 3, &opts).unwrap());
        assert_eq!(a.members.len(), 3);
        // Members see different passages and seeds, so their weights differ.
        assert_ne!(a.members[0].output.weight, a.members[1].output.weight);
        for f in &a.oof_f1 {
            assert!(f.unwrap() > 0.9, "out-of-fold F1 {f:?}");
        }
        // The thresholds are the ones the kept out-of-fold scores give.
        assert_eq!(a.oof.len(), 450);
        assert_eq!(best_threshold(&a.oof, &pool.gold, 0).0, a.thresholds[0]);
        // Another seed gives other folds and members; too few passages is an error.
        let other = train_bagged(
            &pool,
            3,
            &TrainOptions {
                seed: 3,
                ..opts.clone()
            },
        )
        .unwrap();
        assert_ne!(a.members[0].output.weight, other.members[0].output.weight);
        assert!(train_bagged(&toy(20, 1), 3, &opts).is_err());
    }

    #[test]
    fn a_member_predicts_what_its_layers_compute() {
        let trained = Trained {
            hidden: None,
            output: Dense {
                weight: vec![1.0, -1.0],
                bias: vec![0.5],
            },
            thresholds: vec![0.5],
            epochs: 1,
            dev_f1: vec![None],
        };
        let p = trained.predict(&[vec![2.0, 1.0], vec![0.0, 0.0]]).unwrap();
        let sigmoid = |z: f32| 1.0 / (1.0 + (-z).exp());
        assert!((p[0][0] - sigmoid(1.5)).abs() < 1e-6);
        assert!((p[1][0] - sigmoid(0.5)).abs() < 1e-6);
        assert!(trained.predict(&[]).unwrap().is_empty());
    }

    #[test]
    fn thresholds_maximise_dev_f1_and_prefer_the_middle_on_ties() {
        let probs = vec![vec![0.9], vec![0.7], vec![0.2], vec![0.1]];
        let gold = vec![vec![true], vec![true], vec![false], vec![false]];
        // Anything in (0.2, 0.7] separates perfectly; 0.5 is nearest the middle.
        assert_eq!(best_threshold(&probs, &gold, 0), (0.5, Some(1.0)));
        let gold = vec![vec![true], vec![true], vec![true], vec![false]];
        let (t, f) = best_threshold(&probs, &gold, 0);
        assert!(t > 0.1 && t <= 0.2, "{t}");
        assert_eq!(f, Some(1.0));
    }
}
