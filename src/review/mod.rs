//! Reviewers' decisions on the machine's codes, kept beside them and never in place of
//! them.
//!
//! `planthemes review RUN_DIR --from FILE` reads a reviewed `evidence.csv`,
//! `evidence.xlsx` or `.qdpx` ([`read`]) and appends its decisions to the run's
//! `reviews.jsonl`. Every rebuild then codes each passage with its *reviewed* labels:
//! the machine's labels, less those a reviewer rejected, plus those a reviewer added.
//! The machine's own labels stay in `passages.jsonl` (`labels`), so the machine can
//! still be scored against the reviewer (`eval --run`).

pub mod read;

use std::collections::HashMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::report::{LabelInfo, PassageRecord};

/// The file of decisions in a run folder.
pub const REVIEWS: &str = "reviews.jsonl";

/// What a reviewer decided about one label on one passage.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Decision {
    /// The machine's code is right.
    Accept,
    /// The machine's code is wrong: the passage does not carry the label.
    Reject,
    /// The passage carries a label the machine missed.
    Add,
}

impl Decision {
    /// As `evidence.csv` shows it in `reviewed`.
    pub fn as_str(self) -> &'static str {
        match self {
            Decision::Accept => "accepted",
            Decision::Reject => "rejected",
            Decision::Add => "added",
        }
    }
}

/// One line of `reviews.jsonl`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Review {
    pub passage: String,
    pub label: String,
    pub decision: Decision,
    /// The reviewed file it came from, and where in it (`evidence.csv row 12`).
    pub source: String,
    /// When it was recorded (UTC, RFC 3339).
    pub recorded: String,
}

/// Every decision of a run, the latest for each passage and label winning.
#[derive(Debug, Clone, Default)]
pub struct Reviews {
    /// Passage id → label → decision.
    latest: HashMap<String, HashMap<String, Decision>>,
}

/// How much of a run has been reviewed, for `report.json` and the closing summary.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ReviewSummary {
    /// Passages with at least one decision.
    pub passages: usize,
    pub accepted: usize,
    pub rejected: usize,
    pub added: usize,
}

impl Reviews {
    pub fn from_decisions(decisions: impl IntoIterator<Item = Review>) -> Reviews {
        let mut latest: HashMap<String, HashMap<String, Decision>> = HashMap::new();
        for r in decisions {
            latest
                .entry(r.passage)
                .or_default()
                .insert(r.label, r.decision);
        }
        Reviews { latest }
    }

    /// Reads `reviews.jsonl` in `dir`; a run nobody has reviewed has none.
    pub fn read(dir: &Path) -> Result<Reviews, crate::jsonl::JsonlError> {
        let path = dir.join(REVIEWS);
        if !path.is_file() {
            return Ok(Reviews::default());
        }
        match crate::jsonl::read_jsonl::<Review>(&path) {
            Ok(decisions) => Ok(Reviews::from_decisions(decisions)),
            Err(crate::jsonl::JsonlError::Empty { .. }) => Ok(Reviews::default()),
            Err(e) => Err(e),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.latest.is_empty()
    }

    /// The decision on `label` for `passage`, if any.
    pub fn decision(&self, passage: &str, label: &str) -> Option<Decision> {
        self.latest.get(passage)?.get(label).copied()
    }

    /// Each passage's labels after review, in taxonomy order (`None` for a passage no
    /// reviewer touched: its machine labels stand).
    pub fn apply(
        &self,
        labels: &[LabelInfo],
        passages: &[PassageRecord],
    ) -> (Vec<Option<Vec<String>>>, ReviewSummary) {
        let mut summary = ReviewSummary::default();
        let out = passages
            .iter()
            .map(|p| {
                if !self.latest.contains_key(&p.id) {
                    return None;
                }
                summary.passages += 1;
                let kept = labels
                    .iter()
                    .filter(|l| {
                        let machine = p.labels.contains(&l.id);
                        match self.decision(&p.id, &l.id) {
                            Some(Decision::Accept) => {
                                summary.accepted += 1;
                                // Accepting a code the machine no longer gives (its
                                // threshold rose) keeps it: the reviewer saw it.
                                true
                            }
                            Some(Decision::Reject) => {
                                summary.rejected += 1;
                                false
                            }
                            Some(Decision::Add) => {
                                summary.added += 1;
                                true
                            }
                            None => machine,
                        }
                    })
                    .map(|l| l.id.clone())
                    .collect();
                Some(kept)
            })
            .collect();
        (out, summary)
    }

    /// The decisions on one passage, label by label (for scoring the machine against
    /// the reviewer).
    pub fn on(&self, passage: &str) -> Option<&HashMap<String, Decision>> {
        self.latest.get(passage)
    }

    /// The run's passages with their labels after review set (`reviewed`), as every
    /// output counts them.
    pub fn annotate(
        &self,
        labels: &[LabelInfo],
        passages: Vec<PassageRecord>,
    ) -> (Vec<PassageRecord>, ReviewSummary) {
        let (reviewed, summary) = self.apply(labels, &passages);
        let passages = passages
            .into_iter()
            .zip(reviewed)
            .map(|(p, reviewed)| PassageRecord { reviewed, ..p })
            .collect();
        (passages, summary)
    }
}

/// A run's reviewed passages, each with its labels after review, as labelled
/// examples (for `train --extra`). Passages nobody reviewed are left out: their labels
/// are the machine's own guesses.
pub fn reviewed_examples(run_dir: &Path) -> anyhow::Result<Vec<crate::eval::Example>> {
    let (record, passages) = crate::report::read_run(run_dir)?;
    let reviews = Reviews::read(run_dir)?;
    if reviews.is_empty() {
        anyhow::bail!(
            "{}: no reviews (reviews.jsonl); record some with `planthemes review {} --from FILE`",
            run_dir.display(),
            run_dir.display()
        );
    }
    let (passages, _) = reviews.annotate(&record.labels, passages);
    Ok(passages
        .into_iter()
        .filter_map(|p| {
            Some(crate::eval::Example {
                id: format!("{}:{}", run_dir.display(), p.id),
                labels: p.reviewed?,
                text: p.text,
                doc_kind: Some(p.kind.as_str().to_string()),
                source: Some("review".into()),
                themes: Vec::new(),
            })
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::round::DocKind;

    fn label(id: &str) -> LabelInfo {
        LabelInfo {
            id: id.into(),
            name: id.into(),
            group: "approach".into(),
            core: true,
            description: String::new(),
        }
    }

    fn passage(id: &str, labels: &[&str]) -> PassageRecord {
        PassageRecord {
            id: id.into(),
            doc: "d".into(),
            ics: "X".into(),
            kind: DocKind::Strategy,
            page_first: None,
            page_last: None,
            heading_path: Vec::new(),
            paragraph: 1,
            span: [0, 1],
            text: "t".into(),
            scores: BTreeMap::new(),
            labels: labels.iter().map(|s| s.to_string()).collect(),
            reviewed: None,
            commitment: Vec::new(),
            commitment_scores: BTreeMap::new(),
            facet_scores: BTreeMap::new(),
            facets: Vec::new(),
        }
    }

    fn review(passage: &str, label: &str, decision: Decision) -> Review {
        Review {
            passage: passage.into(),
            label: label.into(),
            decision,
            source: "test".into(),
            recorded: String::new(),
        }
    }

    #[test]
    fn rejects_remove_adds_add_and_the_latest_decision_wins() {
        let labels = [label("a"), label("b"), label("c")];
        let passages = [passage("p1", &["a", "b"]), passage("p2", &["a"])];
        let reviews = Reviews::from_decisions([
            review("p1", "a", Decision::Reject),
            review("p1", "c", Decision::Add),
            review("p1", "a", Decision::Accept),
            review("p1", "b", Decision::Reject),
        ]);
        let (after, summary) = reviews.apply(&labels, &passages);
        assert_eq!(
            after[0].as_deref(),
            Some(&["a".to_string(), "c".into()][..])
        );
        assert_eq!(
            after[1], None,
            "an untouched passage keeps its machine labels"
        );
        assert_eq!(
            summary,
            ReviewSummary {
                passages: 1,
                accepted: 1,
                rejected: 1,
                added: 1
            }
        );
    }
}
