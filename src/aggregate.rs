//! The `aggregate` stage: coded passages → coverage per ICS × document kind × label,
//! national counts, and alignment between each ICS's documents.
//!
//! A label is *present* in an ICS's documents of one kind when at least
//! `min_passages` of their passages carry it. One passage is evidence, but a single
//! classifier slip should not flip a cell, so reports say which rule they used.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::round::DocKind;

/// One passage's coding, as aggregation needs it.
#[derive(Debug, Clone)]
pub struct Coded<'a> {
    pub id: &'a str,
    pub ics: &'a str,
    pub kind: DocKind,
    /// One score per label.
    pub scores: &'a [f32],
    /// One decision per label.
    pub labels: &'a [bool],
    /// Per label, whether a reviewer rejected the machine's code (empty: none did).
    /// Such a passage is known not to carry the label, so it is never a near miss.
    pub rejected: &'a [bool],
}

/// The presence rule.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Presence {
    /// Passages that must carry a label for it to count as present.
    pub min_passages: usize,
}

impl Default for Presence {
    fn default() -> Self {
        Presence { min_passages: 2 }
    }
}

/// Evidence passages kept per coverage cell, strongest first.
pub const EVIDENCE_PER_CELL: usize = 5;

/// One ICS × kind × label cell.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CoverageRow {
    pub ics: String,
    pub kind: DocKind,
    pub label: String,
    /// Passages with the label.
    pub passages: usize,
    /// Passages of this ICS and kind.
    pub total: usize,
    pub share: f64,
    /// Highest score of any passage of this ICS and kind on the label.
    pub max_score: f32,
    pub present: bool,
    /// Labelled passages, strongest first (at most [`EVIDENCE_PER_CELL`]).
    pub evidence: Vec<String>,
    /// In an absent cell, the highest-scoring passages the label did not reach (at
    /// most [`NEAR_MISSES`]): where a reader looks first for a theme that was missed.
    pub near_miss: Vec<String>,
    /// For a facet, the theme it refines (`wider_determinants`, `access`).
    pub parent: Option<String>,
    /// The share corrected for the classifier's measured errors, and the chances that
    /// an absent cell is a miss or a present one a mistake ([`crate::honest`]).
    pub honest: crate::honest::Honest,
}

/// Near misses kept per absent cell.
pub const NEAR_MISSES: usize = 3;

/// National figures for one label and kind: "5 of 8 strategies".
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NationalRow {
    pub label: String,
    pub kind: DocKind,
    /// Systems whose documents of this kind carry the label.
    pub present: usize,
    /// Systems with a document of this kind.
    pub systems: usize,
    /// Labelled passages over all those documents.
    pub passages: usize,
    /// The 95% interval of `present` given the classifier's measured errors, when
    /// they are known ([`crate::honest`]).
    pub interval: Option<crate::honest::NationalInterval>,
}

impl NationalRow {
    /// The share of systems with the theme present (0 when there are none).
    pub fn share(&self) -> f64 {
        if self.systems == 0 {
            0.0
        } else {
            self.present as f64 / self.systems as f64
        }
    }
}

/// How two of an ICS's documents compare on one label.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Change {
    /// Present in both.
    Kept,
    /// Present in the first, absent from the second.
    Dropped,
    /// Absent from the first, present in the second.
    Added,
    /// In neither.
    Neither,
}

impl Change {
    pub fn as_str(self) -> &'static str {
        match self {
            Change::Kept => "kept",
            Change::Dropped => "dropped",
            Change::Added => "added",
            Change::Neither => "neither",
        }
    }
}

/// One ICS × pair of kinds × label.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AlignmentRow {
    pub ics: String,
    pub kind_a: DocKind,
    pub kind_b: DocKind,
    pub label: String,
    pub present_a: bool,
    pub present_b: bool,
    pub share_a: f64,
    pub share_b: f64,
    pub change: Change,
    /// Cosine between the two documents' label profiles (share per label), the same
    /// on every row of the pair.
    pub profile_cosine: f64,
}

/// Everything aggregated from one run.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Coverage {
    pub coverage: Vec<CoverageRow>,
    pub national: Vec<NationalRow>,
    pub alignment: Vec<AlignmentRow>,
    /// Rows for the facets ([`crate::facets`]), each with its parent theme.
    pub facets: Vec<CoverageRow>,
    pub facet_national: Vec<NationalRow>,
}

/// Pairs compared for alignment, the plan that comes first in the planning cycle
/// first.
const PAIRS: [(DocKind, DocKind); 3] = [
    (DocKind::Strategy, DocKind::Jfp),
    (DocKind::Strategy, DocKind::Hwb),
    (DocKind::Hwb, DocKind::Jfp),
];

/// Aggregates coded passages. `documents` lists every coded document's ICS and kind,
/// so that a document with no passages still counts as one the ICS has.
pub fn aggregate(
    labels: &[String],
    passages: &[Coded<'_>],
    documents: &[(String, DocKind)],
    presence: Presence,
) -> Coverage {
    // (ics, kind) → indices of its passages; BTreeMap keeps the output sorted.
    let mut groups: BTreeMap<(String, DocKind), Vec<usize>> = BTreeMap::new();
    for (ics, kind) in documents {
        groups.entry((ics.clone(), *kind)).or_default();
    }
    for (i, p) in passages.iter().enumerate() {
        groups
            .entry((p.ics.to_string(), p.kind))
            .or_default()
            .push(i);
    }

    let mut coverage = Vec::new();
    for ((ics, kind), members) in &groups {
        for (l, label) in labels.iter().enumerate() {
            let mut labelled: Vec<usize> = members
                .iter()
                .copied()
                .filter(|&i| passages[i].labels[l])
                .collect();
            labelled.sort_by(|&a, &b| {
                passages[b].scores[l]
                    .total_cmp(&passages[a].scores[l])
                    .then(a.cmp(&b))
            });
            let total = members.len();
            let present = !labelled.is_empty() && labelled.len() >= presence.min_passages;
            let near_miss = if present {
                Vec::new()
            } else {
                let mut under: Vec<usize> = members
                    .iter()
                    .copied()
                    .filter(|&i| {
                        let p = &passages[i];
                        !p.labels[l] && p.scores[l] > 0.0 && p.rejected.get(l) != Some(&true)
                    })
                    .collect();
                under.sort_by(|&a, &b| {
                    passages[b].scores[l]
                        .total_cmp(&passages[a].scores[l])
                        .then(a.cmp(&b))
                });
                under
                    .iter()
                    .take(NEAR_MISSES)
                    .map(|&i| passages[i].id.to_string())
                    .collect()
            };
            coverage.push(CoverageRow {
                ics: ics.clone(),
                kind: *kind,
                label: label.clone(),
                passages: labelled.len(),
                total,
                share: if total == 0 {
                    0.0
                } else {
                    labelled.len() as f64 / total as f64
                },
                max_score: members
                    .iter()
                    .map(|&i| passages[i].scores[l])
                    .fold(f32::NAN, f32::max),
                present,
                evidence: labelled
                    .iter()
                    .take(EVIDENCE_PER_CELL)
                    .map(|&i| passages[i].id.to_string())
                    .collect(),
                near_miss,
                parent: None,
                honest: Default::default(),
            });
        }
    }

    let national = national(labels, &coverage);
    let alignment = alignment(labels, &coverage);
    Coverage {
        coverage,
        national,
        alignment,
        facets: Vec::new(),
        facet_national: Vec::new(),
    }
}

fn national(labels: &[String], coverage: &[CoverageRow]) -> Vec<NationalRow> {
    let kinds: BTreeSet<DocKind> = coverage.iter().map(|r| r.kind).collect();
    let mut out = Vec::new();
    for label in labels {
        for &kind in &kinds {
            let rows: Vec<&CoverageRow> = coverage
                .iter()
                .filter(|r| r.kind == kind && &r.label == label)
                .collect();
            out.push(NationalRow {
                label: label.clone(),
                kind,
                present: rows.iter().filter(|r| r.present).count(),
                systems: rows.len(),
                passages: rows.iter().map(|r| r.passages).sum(),
                interval: None,
            });
        }
    }
    out
}

fn alignment(labels: &[String], coverage: &[CoverageRow]) -> Vec<AlignmentRow> {
    // ics → kind → rows in label order
    let mut by_ics: BTreeMap<&str, BTreeMap<DocKind, Vec<&CoverageRow>>> = BTreeMap::new();
    for row in coverage {
        by_ics
            .entry(row.ics.as_str())
            .or_default()
            .entry(row.kind)
            .or_default()
            .push(row);
    }
    let mut out = Vec::new();
    for (ics, kinds) in by_ics {
        for (a, b) in PAIRS {
            let (Some(rows_a), Some(rows_b)) = (kinds.get(&a), kinds.get(&b)) else {
                continue;
            };
            let shares_a: Vec<f64> = rows_a.iter().map(|r| r.share).collect();
            let shares_b: Vec<f64> = rows_b.iter().map(|r| r.share).collect();
            let profile_cosine = cosine(&shares_a, &shares_b);
            for (l, label) in labels.iter().enumerate() {
                let (ra, rb) = (rows_a[l], rows_b[l]);
                let change = match (ra.present, rb.present) {
                    (true, true) => Change::Kept,
                    (true, false) => Change::Dropped,
                    (false, true) => Change::Added,
                    (false, false) => Change::Neither,
                };
                out.push(AlignmentRow {
                    ics: ics.to_string(),
                    kind_a: a,
                    kind_b: b,
                    label: label.clone(),
                    present_a: ra.present,
                    present_b: rb.present,
                    share_a: ra.share,
                    share_b: rb.share,
                    change,
                    profile_cosine,
                });
            }
        }
    }
    out
}

/// Cosine of two non-negative profiles; 0 when either is empty.
fn cosine(a: &[f64], b: &[f64]) -> f64 {
    let dot: f64 = a.iter().zip(b).map(|(x, y)| x * y).sum();
    let na: f64 = a.iter().map(|x| x * x).sum::<f64>().sqrt();
    let nb: f64 = b.iter().map(|x| x * x).sum::<f64>().sqrt();
    if na == 0.0 || nb == 0.0 {
        0.0
    } else {
        dot / (na * nb)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels() -> Vec<String> {
        vec!["housing".into(), "access".into()]
    }

    #[test]
    fn counts_shares_presence_evidence_and_alignment_by_hand() {
        // ICS A: strategy has 3 passages (housing ×2, access ×1); JFP has 2 (access ×2).
        // ICS B: strategy only, 1 passage with housing (below the 2-passage rule).
        let s = |v: [f32; 2]| v;
        let rows = [
            ("a1", "A", DocKind::Strategy, s([0.9, 0.1]), [true, false]),
            ("a2", "A", DocKind::Strategy, s([0.7, 0.8]), [true, true]),
            ("a3", "A", DocKind::Strategy, s([0.2, 0.3]), [false, false]),
            ("a4", "A", DocKind::Jfp, s([0.1, 0.6]), [false, true]),
            ("a5", "A", DocKind::Jfp, s([0.4, 0.95]), [false, true]),
            ("b1", "B", DocKind::Strategy, s([0.99, 0.0]), [true, false]),
        ];
        let passages: Vec<Coded> = rows
            .iter()
            .map(|(id, ics, kind, scores, labels)| Coded {
                id,
                ics,
                kind: *kind,
                scores,
                labels,
                rejected: &[],
            })
            .collect();
        let docs = vec![
            ("A".to_string(), DocKind::Strategy),
            ("A".to_string(), DocKind::Jfp),
            ("B".to_string(), DocKind::Strategy),
            ("C".to_string(), DocKind::Hwb), // a document with no passages
        ];
        let c = aggregate(&labels(), &passages, &docs, Presence::default());

        let cell = |ics: &str, kind, label: &str| {
            c.coverage
                .iter()
                .find(|r| r.ics == ics && r.kind == kind && r.label == label)
                .unwrap()
        };
        let a_housing = cell("A", DocKind::Strategy, "housing");
        assert_eq!((a_housing.passages, a_housing.total), (2, 3));
        assert!((a_housing.share - 2.0 / 3.0).abs() < 1e-12);
        assert!(a_housing.present);
        assert_eq!(a_housing.evidence, ["a1", "a2"]);
        assert_eq!(a_housing.max_score, 0.9);
        let a_access = cell("A", DocKind::Strategy, "access");
        assert!(!a_access.present, "one passage is below the rule");
        // Its near misses: the unlabelled passages by score (a3 0.3, a1 0.1).
        assert_eq!(a_access.near_miss, ["a3", "a1"]);
        assert!(a_housing.near_miss.is_empty(), "a present cell has none");
        // A passage whose access code a reviewer rejected is no near miss.
        let mut reviewed = passages.clone();
        reviewed[2].rejected = &[false, true];
        let again = aggregate(&labels(), &reviewed, &docs, Presence::default());
        let a_access_reviewed = again
            .coverage
            .iter()
            .find(|r| r.ics == "A" && r.kind == DocKind::Strategy && r.label == "access")
            .unwrap();
        assert_eq!(a_access_reviewed.near_miss, ["a1"]);
        let jfp_access = cell("A", DocKind::Jfp, "access");
        assert_eq!(jfp_access.evidence, ["a5", "a4"], "strongest first");
        assert!(!cell("B", DocKind::Strategy, "housing").present);
        let empty = cell("C", DocKind::Hwb, "housing");
        assert_eq!((empty.total, empty.share, empty.present), (0, 0.0, false));
        assert_eq!(c.coverage.len(), 4 * 2);

        let nat = |label: &str, kind| {
            c.national
                .iter()
                .find(|r| r.label == label && r.kind == kind)
                .unwrap()
        };
        let n = nat("housing", DocKind::Strategy);
        assert_eq!((n.present, n.systems, n.passages), (1, 2, 3));
        assert_eq!(nat("access", DocKind::Jfp).present, 1);

        // Only A has a strategy and a JFP.
        assert_eq!(c.alignment.len(), 2);
        let housing = &c.alignment[0];
        assert_eq!(
            (housing.ics.as_str(), housing.label.as_str()),
            ("A", "housing")
        );
        assert_eq!(housing.change, Change::Dropped);
        assert_eq!(c.alignment[1].change, Change::Added);
        // profiles (2/3, 1/3) and (0, 1): cosine = (1/3) / (sqrt(5)/3 × 1) = 1/sqrt(5)
        assert!((housing.profile_cosine - 1.0 / 5f64.sqrt()).abs() < 1e-12);

        let one = aggregate(&labels(), &passages, &docs, Presence { min_passages: 1 });
        assert!(one
            .coverage
            .iter()
            .any(|r| r.ics == "B" && r.label == "housing" && r.present));
    }
}
