//! Multi-label metrics: confusion counts, precision, recall, F1, micro and macro
//! averages, and seeded bootstrap confidence intervals over passages.
//!
//! Conventions (stated once, used everywhere):
//! - precision = TP / (TP + FP), recall = TP / (TP + FN), F1 = 2TP / (2TP + FP + FN);
//! - each is `None` when its denominator is zero. In particular a label that neither
//!   the gold labels nor the predictions ever use has no F1, and macro averages skip
//!   it (rather than counting it as 0 or 1);
//! - micro F1 pools the counts of the labels averaged over.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// Confusion counts for one label.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub tp: usize,
    pub fp: usize,
    pub fn_: usize,
}

impl Counts {
    pub fn add(&mut self, gold: bool, predicted: bool) {
        match (gold, predicted) {
            (true, true) => self.tp += 1,
            (false, true) => self.fp += 1,
            (true, false) => self.fn_ += 1,
            (false, false) => {}
        }
    }

    /// Gold positives.
    pub fn support(&self) -> usize {
        self.tp + self.fn_
    }

    pub fn precision(&self) -> Option<f64> {
        ratio(self.tp, self.tp + self.fp)
    }

    pub fn recall(&self) -> Option<f64> {
        ratio(self.tp, self.tp + self.fn_)
    }

    pub fn f1(&self) -> Option<f64> {
        ratio(2 * self.tp, 2 * self.tp + self.fp + self.fn_)
    }
}

fn ratio(num: usize, den: usize) -> Option<f64> {
    (den > 0).then(|| num as f64 / den as f64)
}

/// Gold and predicted label sets for a collection of passages, as one boolean per
/// passage × label (`gold[p][l]`).
#[derive(Debug, Clone)]
pub struct Judgements {
    pub gold: Vec<Vec<bool>>,
    pub predicted: Vec<Vec<bool>>,
}

impl Judgements {
    pub fn passages(&self) -> usize {
        self.gold.len()
    }

    /// Counts per label over the passages in `sample` (indices, repeats allowed).
    pub fn counts_over(&self, sample: &[usize], labels: usize) -> Vec<Counts> {
        let mut counts = vec![Counts::default(); labels];
        for &p in sample {
            for (l, c) in counts.iter_mut().enumerate() {
                c.add(self.gold[p][l], self.predicted[p][l]);
            }
        }
        counts
    }

    /// Counts per label over every passage.
    pub fn counts(&self, labels: usize) -> Vec<Counts> {
        let all: Vec<usize> = (0..self.passages()).collect();
        self.counts_over(&all, labels)
    }
}

/// Cohen's kappa between two coders for one label, with coder A's judgements as
/// `gold` and coder B's as `predicted` in `c`, over `n` passages. `None` when chance
/// agreement is already perfect (both coders gave one answer to every passage).
pub fn cohen_kappa(c: &Counts, n: usize) -> Option<f64> {
    if n == 0 {
        return None;
    }
    let tn = n - c.tp - c.fp - c.fn_;
    let n = n as f64;
    let observed = (c.tp + tn) as f64 / n;
    let a_yes = (c.tp + c.fn_) as f64 / n;
    let b_yes = (c.tp + c.fp) as f64 / n;
    let chance = a_yes * b_yes + (1.0 - a_yes) * (1.0 - b_yes);
    (chance < 1.0).then(|| (observed - chance) / (1.0 - chance))
}

/// Mean F1 over the labels in `subset` that have an F1.
pub fn macro_f1(counts: &[Counts], subset: &[usize]) -> Option<f64> {
    let f1s: Vec<f64> = subset.iter().filter_map(|&l| counts[l].f1()).collect();
    (!f1s.is_empty()).then(|| f1s.iter().sum::<f64>() / f1s.len() as f64)
}

/// F1 of the pooled counts of the labels in `subset`.
pub fn micro_f1(counts: &[Counts], subset: &[usize]) -> Option<f64> {
    let mut pooled = Counts::default();
    for &l in subset {
        pooled.tp += counts[l].tp;
        pooled.fp += counts[l].fp;
        pooled.fn_ += counts[l].fn_;
    }
    pooled.f1()
}

/// A 95% percentile interval.
pub type Interval = (f64, f64);

/// Bootstrap intervals: per-label F1 and the macro F1 over each named label subset,
/// from `resamples` resamples of passages with replacement, seeded so that the same
/// seed gives the same intervals.
#[derive(Debug, Clone, PartialEq)]
pub struct Bootstrap {
    pub label_f1: Vec<Option<Interval>>,
    pub macro_f1: Vec<Option<Interval>>,
}

pub fn bootstrap(
    judgements: &Judgements,
    labels: usize,
    subsets: &[&[usize]],
    resamples: usize,
    seed: u64,
) -> Bootstrap {
    let n = judgements.passages();
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut label_draws: Vec<Vec<f64>> = vec![Vec::with_capacity(resamples); labels];
    let mut macro_draws: Vec<Vec<f64>> = vec![Vec::with_capacity(resamples); subsets.len()];
    let mut sample = vec![0usize; n];
    for _ in 0..resamples {
        if n == 0 {
            break;
        }
        sample.iter_mut().for_each(|s| *s = rng.random_range(0..n));
        let counts = judgements.counts_over(&sample, labels);
        for (l, draws) in label_draws.iter_mut().enumerate() {
            if let Some(f) = counts[l].f1() {
                draws.push(f);
            }
        }
        for (s, draws) in macro_draws.iter_mut().enumerate() {
            if let Some(f) = macro_f1(&counts, subsets[s]) {
                draws.push(f);
            }
        }
    }
    Bootstrap {
        label_f1: label_draws.into_iter().map(percentile_interval).collect(),
        macro_f1: macro_draws.into_iter().map(percentile_interval).collect(),
    }
}

/// The 2.5th and 97.5th percentiles (nearest rank) of the draws; `None` if too few.
fn percentile_interval(mut draws: Vec<f64>) -> Option<Interval> {
    if draws.len() < 2 {
        return None;
    }
    draws.sort_by(|a, b| a.total_cmp(b));
    let at = |q: f64| {
        let rank = (q * draws.len() as f64).ceil() as usize;
        draws[rank.clamp(1, draws.len()) - 1]
    };
    Some((at(0.025), at(0.975)))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Five passages, three labels. Label 0: TP 2, FP 1, FN 1. Label 1: TP 0, FP 1,
    /// FN 0 (no gold positives). Label 2: never used by gold or prediction.
    fn worked_example() -> Judgements {
        let t = true;
        let f = false;
        Judgements {
            gold: vec![
                vec![t, f, f],
                vec![t, f, f],
                vec![t, f, f],
                vec![f, f, f],
                vec![f, f, f],
            ],
            predicted: vec![
                vec![t, f, f],
                vec![t, f, f],
                vec![f, f, f],
                vec![t, t, f],
                vec![f, f, f],
            ],
        }
    }

    #[test]
    fn per_label_metrics_match_hand_computation() {
        let counts = worked_example().counts(3);
        assert_eq!(
            counts[0],
            Counts {
                tp: 2,
                fp: 1,
                fn_: 1
            }
        );
        assert_eq!(counts[0].precision(), Some(2.0 / 3.0));
        assert_eq!(counts[0].recall(), Some(2.0 / 3.0));
        assert_eq!(counts[0].f1(), Some(4.0 / 6.0));
        assert_eq!(counts[0].support(), 3);

        // Predicted once, never gold: precision 0, recall undefined, F1 0.
        assert_eq!(counts[1].support(), 0);
        assert_eq!(counts[1].precision(), Some(0.0));
        assert_eq!(counts[1].recall(), None);
        assert_eq!(counts[1].f1(), Some(0.0));

        // Never used at all: everything undefined.
        assert_eq!(counts[2].precision(), None);
        assert_eq!(counts[2].recall(), None);
        assert_eq!(counts[2].f1(), None);
    }

    #[test]
    fn macro_skips_undefined_labels_and_micro_pools_counts() {
        let counts = worked_example().counts(3);
        // Mean of 2/3 and 0; label 2 is skipped.
        assert!((macro_f1(&counts, &[0, 1, 2]).unwrap() - 1.0 / 3.0).abs() < 1e-12);
        // Pooled: TP 2, FP 2, FN 1 → 4 / 7.
        assert!((micro_f1(&counts, &[0, 1, 2]).unwrap() - 4.0 / 7.0).abs() < 1e-12);
        assert_eq!(macro_f1(&counts, &[2]), None);
        assert_eq!(micro_f1(&counts, &[2]), None);
    }

    #[test]
    fn bootstrap_is_reproducible_with_its_seed_and_brackets_the_estimate() {
        let j = worked_example();
        let all: &[usize] = &[0, 1, 2];
        let a = bootstrap(&j, 3, &[all], 1000, 42);
        assert_eq!(a, bootstrap(&j, 3, &[all], 1000, 42));
        let (lo, hi) = a.label_f1[0].unwrap();
        assert!(lo <= 4.0 / 6.0 && 4.0 / 6.0 <= hi, "({lo}, {hi})");
        assert!((0.0..=1.0).contains(&lo) && (0.0..=1.0).contains(&hi));
        assert_eq!(a.label_f1[2], None);

        // On 200 passages with a noisy classifier, another seed moves the intervals.
        let gold: Vec<Vec<bool>> = (0..200).map(|i| vec![i % 3 == 0]).collect();
        let predicted: Vec<Vec<bool>> = (0..200)
            .map(|i| vec![i % 3 == 0 && i % 7 != 0 || i % 11 == 0])
            .collect();
        let j = Judgements { gold, predicted };
        let x = bootstrap(&j, 1, &[&[0]], 1000, 42);
        let y = bootstrap(&j, 1, &[&[0]], 1000, 43);
        assert_ne!(x, y);
        let point = j.counts(1)[0].f1().unwrap();
        let (lo, hi) = x.macro_f1[0].unwrap();
        assert!(lo < point && point < hi, "{point} outside ({lo}, {hi})");
    }

    #[test]
    fn kappa_matches_a_textbook_table() {
        // 50 items: both yes 20, A only 5, B only 10, both no 15.
        // po = 35/50 = 0.7; pe = 0.5·0.6 + 0.5·0.4 = 0.5; kappa = 0.4.
        let c = Counts {
            tp: 20,
            fp: 10,
            fn_: 5,
        };
        assert!((cohen_kappa(&c, 50).unwrap() - 0.4).abs() < 1e-12);
        // Perfect agreement on a label both coders use.
        assert_eq!(
            cohen_kappa(
                &Counts {
                    tp: 3,
                    fp: 0,
                    fn_: 0
                },
                10
            ),
            Some(1.0)
        );
        // Neither coder ever uses the label: kappa undefined.
        assert_eq!(cohen_kappa(&Counts::default(), 10), None);
    }

    #[test]
    fn percentiles_use_nearest_rank() {
        let draws: Vec<f64> = (1..=1000).map(|i| i as f64).collect();
        assert_eq!(percentile_interval(draws), Some((25.0, 975.0)));
        assert_eq!(percentile_interval(vec![1.0]), None);
    }
}
