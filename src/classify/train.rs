//! Training the `linear` head with candle-nn: class-weighted binary cross-entropy,
//! AdamW over seeded minibatches, early stopping on dev loss, then one threshold per
//! label chosen on dev to maximise F1. The same seed and data give the same head.

use candle_core::{DType, Device, Tensor, Var};
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
        }
    }
}

/// A trained head before it is tied to an encoder and saved.
#[derive(Debug, Clone, PartialEq)]
pub struct Trained {
    /// Row-major `labels × features`.
    pub weight: Vec<f32>,
    pub bias: Vec<f32>,
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

    // Zeros are a fine start for a convex problem, and need no RNG.
    let w = Var::from_tensor(&Tensor::zeros((n_labels, dim), DType::F32, &device)?)?;
    let b = Var::from_tensor(&Tensor::zeros(n_labels, DType::F32, &device)?)?;
    let mut opt = AdamW::new(
        vec![w.clone(), b.clone()],
        ParamsAdamW {
            lr: opts.learning_rate,
            weight_decay: opts.weight_decay,
            ..ParamsAdamW::default()
        },
    )?;
    let forward = |x: &Tensor| -> candle_core::Result<Tensor> {
        x.matmul(&w.as_tensor().t()?)?.broadcast_add(b.as_tensor())
    };

    let mut rng = ChaCha8Rng::seed_from_u64(opts.seed);
    let mut order: Vec<u32> = (0..train.features.len() as u32).collect();
    let mut best = (
        f32::INFINITY,
        0usize,
        w.as_tensor().copy()?,
        b.as_tensor().copy()?,
    );
    for epoch in 1..=opts.max_epochs {
        order.shuffle(&mut rng);
        for chunk in order.chunks(opts.batch_size.max(1)) {
            let idx = Tensor::from_slice(chunk, chunk.len(), &device)?;
            let loss = weighted_bce(
                &forward(&x.index_select(&idx, 0)?)?,
                &y.index_select(&idx, 0)?,
                &pos_weight,
            )?;
            opt.backward_step(&loss)?;
        }
        let dev_loss = weighted_bce(&forward(&dev_x)?, &dev_y, &pos_weight)?.to_scalar::<f32>()?;
        if dev_loss < best.0 {
            best = (
                dev_loss,
                epoch,
                w.as_tensor().copy()?,
                b.as_tensor().copy()?,
            );
        } else if epoch - best.1 >= opts.patience {
            break;
        }
    }
    let (_, epochs, best_w, best_b) = best;

    let dev_p = candle_nn::ops::sigmoid(&dev_x.matmul(&best_w.t()?)?.broadcast_add(&best_b)?)?
        .to_vec2::<f32>()?;
    let mut thresholds = Vec::with_capacity(n_labels);
    let mut dev_f1 = Vec::with_capacity(n_labels);
    for l in 0..n_labels {
        let (t, f) = best_threshold(&dev_p, &dev.gold, l);
        thresholds.push(t);
        dev_f1.push(f);
    }
    Ok(Trained {
        weight: best_w.flatten_all()?.to_vec1()?,
        bias: best_b.to_vec1()?,
        thresholds,
        epochs,
        dev_f1,
    })
}

/// The threshold in 0.05..=0.95 (step 0.01) with the best dev F1 for label `l`; ties go
/// to the one nearest 0.5. A label with no dev positives keeps 0.5.
pub fn best_threshold(probs: &[Vec<f32>], gold: &[Vec<bool>], l: usize) -> (f32, Option<f64>) {
    let f1_at = |t: f32| {
        let mut c = Counts::default();
        for (p, g) in probs.iter().zip(gold) {
            c.add(g[l], p[l] >= t);
        }
        c.f1()
    };
    if !gold.iter().any(|g| g[l]) {
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

    /// Two labels driven by the sign of two features, plus noise features.
    fn toy(n: usize, seed: u64) -> TrainData {
        use rand::Rng;
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let mut features = Vec::new();
        let mut gold = Vec::new();
        for _ in 0..n {
            let f: Vec<f32> = (0..6).map(|_| rng.random_range(-1.0f32..1.0)).collect();
            gold.push(vec![f[0] > 0.3, f[1] + f[2] > 0.0]);
            features.push(f);
        }
        TrainData { features, gold }
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
        assert_ne!(a.weight, c.weight);
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
