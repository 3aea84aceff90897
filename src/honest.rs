//! Honest counts: coverage corrected for the classifier's measured errors.
//!
//! A coverage cell counts the passages a classifier labelled; the classifier misses
//! some and invents some. With the per-label error rates `eval` measured on
//! hand-labelled passages (`planthemes eval --rates`, shipped beside the head as
//! `rates.json`), each cell gets:
//! - `share_adj`: the share corrected for both errors (adjusted classify-and-count,
//!   Rogan and Gladen 1978): `(share + specificity − 1) / (sensitivity + specificity − 1)`,
//!   clipped to 0–1, with a 95% interval from a parametric bootstrap (the observed
//!   count resampled, sensitivity and specificity drawn from their Beta posteriors);
//! - `p_missed`, for an absent cell: the chance that the theme is there as often as in
//!   the round's documents of that kind that have it, yet the classifier found fewer
//!   of its passages than the presence rule needs, given its measured recall;
//! - `p_false`, for a present cell: the chance that fewer of the passages it found
//!   are right than the rule needs, given its measured precision.
//!
//! National counts ("29 of 42 strategies") get an interval from the same bootstrap:
//! each cell is drawn present with its probability, the rates drawn too.

use std::collections::BTreeMap;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rand_distr::{Beta, Binomial, Distribution};
use serde::{Deserialize, Serialize};

use crate::aggregate::{CoverageRow, NationalRow, Presence};

/// Confusion counts for one label, measured by `eval` on hand-labelled passages.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LabelRates {
    pub tp: u64,
    pub fp: u64,
    #[serde(rename = "fn")]
    pub fn_: u64,
    pub tn: u64,
}

impl LabelRates {
    /// Sensitivity: the share of passages carrying the label that the classifier finds.
    pub fn recall(&self) -> Option<f64> {
        ratio(self.tp, self.tp + self.fn_)
    }

    /// The share of passages without the label that the classifier leaves alone.
    pub fn specificity(&self) -> Option<f64> {
        ratio(self.tn, self.tn + self.fp)
    }

    /// The share of the classifier's labels that are right.
    pub fn precision(&self) -> Option<f64> {
        ratio(self.tp, self.tp + self.fp)
    }
}

fn ratio(a: u64, b: u64) -> Option<f64> {
    (b > 0).then(|| a as f64 / b as f64)
}

/// What `eval --rates` writes and a run reads: per-label counts, and where they were
/// measured.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Rates {
    /// The labelled file they were measured on.
    pub measured_on: String,
    /// The classifier measured (a head's name, `keyword`, …).
    pub classifier: String,
    pub labels: BTreeMap<String, LabelRates>,
}

/// The file beside a head that holds its rates.
pub const RATES_FILE: &str = "rates.json";

/// The corrected share, or `None` where the classifier is no better than chance on
/// the label (sensitivity + specificity ≤ 1) and no correction is defined.
pub fn rogan_gladen(share: f64, sensitivity: f64, specificity: f64) -> Option<f64> {
    let denominator = sensitivity + specificity - 1.0;
    (denominator > 1e-9).then(|| ((share + specificity - 1.0) / denominator).clamp(0.0, 1.0))
}

/// The chance that fewer than `m` of `n` independent tries succeed, each with
/// probability `p`: P(Binomial(n, p) < m).
pub fn p_below(n: usize, p: f64, m: usize) -> f64 {
    let p = p.clamp(0.0, 1.0);
    if m > n {
        return 1.0;
    }
    if p == 0.0 {
        return if m > 0 { 1.0 } else { 0.0 };
    }
    if p == 1.0 {
        return 0.0; // every try succeeds: n ≥ m of them
    }
    // Each term in logs, so that large documents neither overflow nor underflow.
    let (ln_p, ln_q) = (p.ln(), (1.0 - p).ln());
    (0..m)
        .map(|k| (ln_choose(n, k) + k as f64 * ln_p + (n - k) as f64 * ln_q).exp())
        .sum::<f64>()
        .clamp(0.0, 1.0)
}

fn ln_choose(n: usize, k: usize) -> f64 {
    (0..k).map(|i| ((n - i) as f64 / (i + 1) as f64).ln()).sum()
}

/// Resamples for every interval.
pub const RESAMPLES: usize = 1000;

/// The honest readings of one cell.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Honest {
    pub share_adj: Option<f64>,
    pub share_adj_low: Option<f64>,
    pub share_adj_high: Option<f64>,
    /// Absent cells: the chance the theme is there but was missed.
    pub p_missed: Option<f64>,
    /// Present cells: the chance fewer of its found passages are right than the rule
    /// needs.
    pub p_false: Option<f64>,
}

/// The national interval for one label and kind.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct NationalInterval {
    pub present_low: usize,
    pub present_high: usize,
}

/// How many passages a document of this cell's size would give the label if it had
/// it as often as the round's documents of that kind that do (the median share of the
/// present cells), at least the presence rule's minimum.
fn expected_carriers(row: &CoverageRow, typical_share: Option<f64>, presence: Presence) -> usize {
    let m = presence.min_passages.max(1);
    match typical_share {
        Some(share) => ((share * row.total as f64).round() as usize).max(m),
        None => m,
    }
}

/// Median share of the present cells per label × kind, then per label over all kinds.
fn typical_shares(rows: &[CoverageRow]) -> impl Fn(&CoverageRow) -> Option<f64> {
    let mut by_cell: BTreeMap<(String, String), Vec<f64>> = BTreeMap::new();
    let mut by_label: BTreeMap<String, Vec<f64>> = BTreeMap::new();
    for r in rows.iter().filter(|r| r.present) {
        by_cell
            .entry((r.label.clone(), r.kind.as_str().to_string()))
            .or_default()
            .push(r.share);
        by_label.entry(r.label.clone()).or_default().push(r.share);
    }
    let by_cell: BTreeMap<_, f64> = by_cell.into_iter().map(|(k, v)| (k, median(v))).collect();
    let by_label: BTreeMap<_, f64> = by_label.into_iter().map(|(k, v)| (k, median(v))).collect();
    move |r: &CoverageRow| {
        by_cell
            .get(&(r.label.clone(), r.kind.as_str().to_string()))
            .or_else(|| by_label.get(&r.label))
            .copied()
    }
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    }
}

/// Fills every cell's [`CoverageRow::honest`] and every national row's
/// [`NationalRow::interval`] from `rates` (see [`adjust`]).
pub fn apply(
    rows: &mut [CoverageRow],
    national: &mut [NationalRow],
    rates: &Rates,
    presence: Presence,
) {
    let (honest, intervals) = adjust(rows, national, rates, presence);
    for (row, h) in rows.iter_mut().zip(honest) {
        row.honest = h;
    }
    for (row, i) in national.iter_mut().zip(intervals) {
        row.interval = i;
    }
}

/// Every cell's honest readings (in `rows` order), and every national row's interval
/// (in `national` order). Cells of a label the rates do not cover get nothing. The
/// same rows and rates always give the same figures (the bootstrap is seeded).
pub fn adjust(
    rows: &[CoverageRow],
    national: &[NationalRow],
    rates: &Rates,
    presence: Presence,
) -> (Vec<Honest>, Vec<Option<NationalInterval>>) {
    let m = presence.min_passages.max(1);
    let typical = typical_shares(rows);
    let mut rng = ChaCha8Rng::seed_from_u64(2026);
    // Jeffreys' prior: the draws centre near the measured rate even on few passages.
    let posterior = |hits: u64, misses: u64| {
        Beta::new(hits as f64 + 0.5, misses as f64 + 0.5).expect("positive Beta parameters")
    };
    // Per label and kind, the chance before reading a system's documents that they have
    // the theme: the share of systems found with it, pulled towards one half
    // ((present + 1) / (systems + 2)), so that a theme found nowhere is not taken to be
    // nowhere.
    let mut priors: BTreeMap<(&str, &str), (usize, usize)> = BTreeMap::new();
    for r in rows.iter().filter(|r| r.total > 0) {
        let e = priors
            .entry((r.label.as_str(), r.kind.as_str()))
            .or_default();
        e.0 += usize::from(r.present);
        e.1 += 1;
    }

    // Per label: draws of sensitivity, specificity and precision, shared by every cell
    // and national row so that their intervals agree.
    let mut draws: BTreeMap<&str, Vec<(f64, f64, f64)>> = BTreeMap::new();
    for (label, r) in &rates.labels {
        let (se, sp, pr) = (
            posterior(r.tp, r.fn_),
            posterior(r.tn, r.fp),
            posterior(r.tp, r.fp),
        );
        draws.insert(
            label,
            (0..RESAMPLES)
                .map(|_| {
                    (
                        se.sample(&mut rng),
                        sp.sample(&mut rng),
                        pr.sample(&mut rng),
                    )
                })
                .collect(),
        );
    }

    let mut honest = Vec::with_capacity(rows.len());
    // Per cell and draw, whether the theme is drawn present (for the national counts).
    let mut present_draws: Vec<Option<Vec<bool>>> = Vec::with_capacity(rows.len());
    for row in rows {
        let (Some(r), Some(d)) = (rates.labels.get(&row.label), draws.get(row.label.as_str()))
        else {
            honest.push(Honest::default());
            present_draws.push(None);
            continue;
        };
        // A rate with nothing to measure it on (no passage had the label, or the
        // classifier never gave it) says nothing: its columns stay empty.
        let (se, sp, pr) = (r.recall(), r.specificity(), r.precision());
        let k = expected_carriers(row, typical(row), presence);
        let mut h = Honest {
            share_adj: match (se, sp, row.total > 0) {
                (Some(se), Some(sp), true) => rogan_gladen(row.share, se, sp),
                _ => None,
            },
            ..Honest::default()
        };
        if row.total > 0 {
            if row.present {
                h.p_false = pr.map(|pr| p_below(row.passages, pr, m));
            } else {
                h.p_missed = se.map(|se| p_below(k, se, m));
            }
        }
        let prior = priors
            .get(&(row.label.as_str(), row.kind.as_str()))
            .map_or(0.5, |(present, n)| {
                (*present as f64 + 1.0) / (*n as f64 + 2.0)
            });
        let mut shares = Vec::with_capacity(RESAMPLES);
        let mut present = Vec::with_capacity(RESAMPLES);
        for &(se_b, sp_b, pr_b) in d {
            if row.total > 0 {
                let observed = Binomial::new(row.total as u64, row.share.clamp(0.0, 1.0))
                    .expect("a share is a probability")
                    .sample(&mut rng) as f64
                    / row.total as f64;
                if let Some(s) = rogan_gladen(observed, se_b, sp_b) {
                    shares.push(s);
                }
            }
            let p_present = if row.total == 0 {
                0.0
            } else if row.present {
                1.0 - p_below(row.passages, pr_b, m)
            } else {
                // Bayes: there but missed, against truly absent.
                let missed = p_below(k, se_b, m);
                missed * prior / (missed * prior + (1.0 - prior))
            };
            present.push(rng.random::<f64>() < p_present);
        }
        if let (Some(adj), false) = (h.share_adj, shares.is_empty()) {
            // The interval always holds the estimate (with few passages behind a rate
            // the draws can centre a little away from it).
            let (low, high) = interval(&mut shares);
            h.share_adj_low = Some(low.min(adj));
            h.share_adj_high = Some(high.max(adj));
        }
        honest.push(h);
        present_draws.push(Some(present));
    }

    let intervals = national
        .iter()
        .map(|n| {
            let cells: Vec<&Vec<bool>> = rows
                .iter()
                .zip(&present_draws)
                .filter(|(r, _)| r.label == n.label && r.kind == n.kind)
                .filter_map(|(_, d)| d.as_ref())
                .collect();
            if cells.is_empty() {
                return None;
            }
            let mut counts: Vec<f64> = (0..RESAMPLES)
                .map(|b| cells.iter().filter(|d| d[b]).count() as f64)
                .collect();
            let (low, high) = interval(&mut counts);
            Some(NationalInterval {
                present_low: low.round() as usize,
                present_high: high.round() as usize,
            })
        })
        .collect();
    (honest, intervals)
}

/// The 2.5th and 97.5th percentiles.
fn interval(values: &mut [f64]) -> (f64, f64) {
    values.sort_by(f64::total_cmp);
    let at = |q: f64| values[((values.len() - 1) as f64 * q).round() as usize];
    (at(0.025), at(0.975))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::round::DocKind;

    fn row(ics: &str, label: &str, passages: usize, total: usize, present: bool) -> CoverageRow {
        CoverageRow {
            ics: ics.into(),
            kind: DocKind::Strategy,
            label: label.into(),
            passages,
            total,
            share: passages as f64 / total as f64,
            max_score: 0.9,
            present,
            evidence: Vec::new(),
            near_miss: Vec::new(),
            parent: None,
            honest: Honest::default(),
        }
    }

    /// Worked by hand: sensitivity 8/10 = 0.8, specificity 90/100 = 0.9, precision 8/18.
    fn rates() -> Rates {
        Rates {
            measured_on: "hand".into(),
            classifier: "test".into(),
            labels: [(
                "housing".to_string(),
                LabelRates {
                    tp: 8,
                    fp: 10,
                    fn_: 2,
                    tn: 90,
                },
            )]
            .into(),
        }
    }

    #[test]
    fn hand_worked_adjusted_share_and_chances() {
        // (0.30 + 0.9 − 1) / (0.8 + 0.9 − 1) = 0.2 / 0.7
        assert!((rogan_gladen(0.30, 0.8, 0.9).unwrap() - 0.2 / 0.7).abs() < 1e-12);
        // Below what false positives alone would give: clipped to 0.
        assert_eq!(rogan_gladen(0.05, 0.8, 0.9), Some(0.0));
        // A classifier no better than chance has no correction.
        assert_eq!(rogan_gladen(0.3, 0.5, 0.5), None);
        // P(Binomial(3, 0.7) < 2) = 0.3³ + 3 × 0.7 × 0.3² = 0.027 + 0.189
        assert!((p_below(3, 0.7, 2) - 0.216).abs() < 1e-12);
        // P(Binomial(4, 0.8) < 1) = 0.2⁴
        assert!((p_below(4, 0.8, 1) - 0.0016).abs() < 1e-12);
        // A large document: no overflow, no NaN.
        let big = p_below(5000, 0.7, 200);
        assert!(big.is_finite() && (0.0..1e-100).contains(&big), "{big}");
        assert_eq!(p_below(3, 1.0, 2), 0.0);
        assert_eq!(p_below(3, 0.0, 2), 1.0);

        // Three strategies. A: 3 of 10 passages (present); B: 4 of 20 (present); C: 1
        // of 30 (absent under the two-passage rule).
        let rows = vec![
            row("A", "housing", 3, 10, true),
            row("B", "housing", 4, 20, true),
            row("C", "housing", 1, 30, false),
        ];
        let national = vec![NationalRow {
            label: "housing".into(),
            kind: DocKind::Strategy,
            present: 2,
            systems: 3,
            passages: 8,
            interval: None,
        }];
        let presence = Presence { min_passages: 2 };
        let (h, n) = adjust(&rows, &national, &rates(), presence);
        assert!((h[0].share_adj.unwrap() - 0.2 / 0.7).abs() < 1e-12);
        // B: (0.2 + 0.9 − 1) / 0.7 = 0.1 / 0.7
        assert!((h[1].share_adj.unwrap() - 0.1 / 0.7).abs() < 1e-12);
        let (low, high) = (h[0].share_adj_low.unwrap(), h[0].share_adj_high.unwrap());
        assert!(
            low <= 0.2 / 0.7 && 0.2 / 0.7 <= high && low < high,
            "{low} {high}"
        );
        // C: the present strategies' median share is (0.3 + 0.2) / 2 = 0.25, so a
        // 30-passage strategy with housing would have 0.25 × 30 = 7.5 → 8 such
        // passages; finding fewer than 2 of them at recall 0.8:
        // 0.2⁸ + 8 × 0.8 × 0.2⁷
        let expected = 0.2f64.powi(8) + 8.0 * 0.8 * 0.2f64.powi(7);
        assert!((h[2].p_missed.unwrap() - expected).abs() < 1e-15);
        assert_eq!(h[0].p_missed, None);
        // A: fewer than 2 of its 3 passages right at precision 8/18.
        let p: f64 = 8.0 / 18.0;
        let p_false = (1.0 - p).powi(3) + 3.0 * p * (1.0 - p).powi(2);
        assert!((h[0].p_false.unwrap() - p_false).abs() < 1e-12);
        let n = n[0].unwrap();
        assert!(
            n.present_low <= 2 && 2 <= n.present_high && n.present_high <= 3,
            "{n:?}"
        );
        // The same inputs give the same figures.
        assert_eq!(adjust(&rows, &national, &rates(), presence).0, h);
    }

    #[test]
    fn a_rate_measured_on_nothing_gives_nothing() {
        // No passage of the rates data had the label: recall is unknown.
        let mut rates = rates();
        rates.labels.insert(
            "housing".into(),
            LabelRates {
                tp: 0,
                fp: 3,
                fn_: 0,
                tn: 50,
            },
        );
        let rows = vec![row("A", "housing", 0, 10, false)];
        let (h, _) = adjust(&rows, &[], &rates, Presence::default());
        assert_eq!((h[0].p_missed, h[0].share_adj), (None, None));
    }

    #[test]
    fn labels_without_rates_get_nothing() {
        let rows = vec![row("A", "access", 3, 10, true)];
        let (h, n) = adjust(&rows, &[], &rates(), Presence::default());
        assert_eq!(h[0], Honest::default());
        assert!(n.is_empty());
    }
}
