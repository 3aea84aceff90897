//! Round over round: what each ICS gained, lost and kept between two finished runs.
//!
//! Documents are matched by ICS and kind (and, within those, by file, then title);
//! every ICS × kind × label cell of either run is compared, with the strongest passage
//! behind it in each round. Runs coded by different taxonomies, classifiers, encoders
//! or thresholds are refused unless the caller allows it, and then every row says so.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde::Serialize;

use crate::aggregate::{Coverage, CoverageRow};
use crate::classify::commitment::rank;
use crate::report::{coverage_of, DocumentRecord, PassageRecord, RunRecord};
use crate::round::DocKind;

/// A finished run as `diff` reads it: its record, its passages with their reviewed
/// labels, and its coverage.
pub struct RunData {
    pub dir: String,
    pub record: RunRecord,
    pub passages: Vec<PassageRecord>,
    pub coverage: Coverage,
}

impl RunData {
    /// Reads a run folder, applying its reviews as every output does.
    pub fn read(dir: &std::path::Path) -> anyhow::Result<RunData> {
        let (record, passages) = crate::report::read_run(dir)?;
        let reviews = crate::review::Reviews::read(dir)?;
        let (passages, _) = reviews.annotate(&record.labels, passages);
        let coverage = coverage_of(&record, &passages);
        Ok(RunData {
            dir: dir.display().to_string(),
            record,
            passages,
            coverage,
        })
    }
}

/// What a document did between the rounds.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct DocumentChange {
    /// `kept`, `replaced` (same ICS and kind, new title or year), `new` or `gone`.
    pub status: &'static str,
    pub ics: String,
    pub kind: DocKind,
    pub old_file: Option<String>,
    pub new_file: Option<String>,
    pub old_title: Option<String>,
    pub new_title: Option<String>,
    pub old_year: Option<String>,
    pub new_year: Option<String>,
}

/// The strongest passage behind a cell in one round.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Evidence {
    pub passage: String,
    pub document: String,
    pub file: String,
    pub location: String,
    pub score: Option<f32>,
    pub text: String,
}

/// One ICS × kind × label compared.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct CellChange {
    pub ics: String,
    pub kind: DocKind,
    pub label: String,
    pub theme: String,
    /// `gained`, `lost`, `kept` (present in both) or `neither`.
    pub change: &'static str,
    /// Whether the ICS had documents of this kind in `both` rounds, or only the
    /// `new` or the old one (`gone`).
    pub documents: &'static str,
    pub present_old: bool,
    pub present_new: bool,
    pub passages_old: usize,
    pub passages_new: usize,
    pub share_old: f64,
    pub share_new: f64,
    pub share_change: f64,
    pub before: Option<Evidence>,
    pub after: Option<Evidence>,
    /// The strongest commitment among the cell's passages in each round (`target` …
    /// `aim`, `none`), where both runs flagged commitments.
    pub strength_old: Option<&'static str>,
    pub strength_new: Option<&'static str>,
    /// `firmer` or `weaker` when the strongest commitment changed in documents the
    /// system had in both rounds; empty otherwise.
    pub commitment_change: &'static str,
    /// The rounds were coded by different models (`--allow-model-change`).
    pub models_differ: bool,
}

/// Two runs compared.
#[derive(Debug, Clone, Serialize)]
pub struct Diff {
    pub old: String,
    pub new: String,
    /// What differs in how the two runs were coded (empty when nothing does).
    pub differences: Vec<String>,
    pub documents: Vec<DocumentChange>,
    pub cells: Vec<CellChange>,
    /// Cells per change: gained, lost, kept, neither; and per commitment change:
    /// firmer, weaker.
    pub counts: BTreeMap<&'static str, usize>,
    /// Labels as reports show them: id and name.
    pub labels: Vec<(String, String)>,
}

/// How the two runs were coded differently: taxonomy, labels, encoder, classifier,
/// thresholds, presence rule.
pub fn differences(old: &RunRecord, new: &RunRecord) -> Vec<String> {
    let mut out = Vec::new();
    if old.taxonomy_hash != new.taxonomy_hash {
        out.push(format!(
            "taxonomy ({} {} vs {} {})",
            old.taxonomy,
            short(&old.taxonomy_hash),
            new.taxonomy,
            short(&new.taxonomy_hash)
        ));
    }
    let ids = |r: &RunRecord| r.labels.iter().map(|l| l.id.clone()).collect::<Vec<_>>();
    if ids(old) != ids(new) {
        out.push("labels".into());
    }
    let encoder = |r: &RunRecord| {
        r.encoder.as_ref().map_or("none".to_string(), |e| {
            format!("{} {}", e.ids(), e.precision)
        })
    };
    if encoder(old) != encoder(new) {
        out.push(format!("encoder ({} vs {})", encoder(old), encoder(new)));
    }
    let classifier = |r: &RunRecord| {
        format!(
            "{}{}",
            r.classifier.name,
            r.classifier
                .head
                .as_deref()
                .map(|h| format!(" ({h})"))
                .unwrap_or_default()
        )
    };
    let metrics =
        |r: &RunRecord| serde_json::to_string(&r.classifier.dev_metrics).unwrap_or_default();
    if classifier(old) != classifier(new) || metrics(old) != metrics(new) {
        out.push(format!(
            "classifier ({} vs {})",
            classifier(old),
            classifier(new)
        ));
    }
    if old.thresholds != new.thresholds {
        out.push("thresholds".into());
    }
    if old.presence != new.presence {
        out.push(format!(
            "presence rule (--min-passages {} vs {})",
            old.presence.min_passages, new.presence.min_passages
        ));
    }
    // The commitment head, where both runs used one: a firmer or weaker cell could
    // otherwise come from another head or its thresholds. A run without one
    // (`--no-commitment`) is no difference here: `diff` then leaves those columns
    // empty. `diff` reads no facets, so the facet head is `merge`'s concern alone.
    if let (Some(o), Some(n)) = (&old.commitment, &new.commitment) {
        if !o.same_head(n) {
            // The folder and, where recorded, the files' fingerprint: a head retrained
            // in place keeps its folder.
            let name = |h: &crate::report::CommitmentInfo| match &h.fingerprint {
                Some(f) => format!("{} {}", h.head, short(f)),
                None => h.head.clone(),
            };
            out.push(format!("commitment head ({} vs {})", name(o), name(n)));
        } else if o.thresholds != n.thresholds {
            out.push("commitment thresholds".into());
        }
    }
    out
}

fn short(hash: &str) -> &str {
    &hash[..hash.len().min(12)]
}

/// Compares two runs. `models_differ` marks every cell (the caller has checked
/// [`differences`] and allowed them).
pub fn diff(old: &RunData, new: &RunData) -> Diff {
    let differences = differences(&old.record, &new.record);
    let models_differ = !differences.is_empty();
    let documents = match_documents(&old.record.documents, &new.record.documents);

    // Labels of the new run, then any only the old one has.
    let mut labels: Vec<(String, String)> = new
        .record
        .labels
        .iter()
        .map(|l| (l.id.clone(), l.name.clone()))
        .collect();
    for l in &old.record.labels {
        if !labels.iter().any(|(id, _)| *id == l.id) {
            labels.push((l.id.clone(), l.name.clone()));
        }
    }
    let names: HashMap<&str, &str> = labels
        .iter()
        .map(|(id, name)| (id.as_str(), name.as_str()))
        .collect();
    type Key = (String, DocKind, String);
    let rows = |c: &Coverage| -> BTreeMap<Key, CoverageRow> {
        c.coverage
            .iter()
            .map(|r| ((r.ics.clone(), r.kind, r.label.clone()), r.clone()))
            .collect()
    };
    let (before, after) = (rows(&old.coverage), rows(&new.coverage));
    let keys: BTreeSet<&Key> = before.keys().chain(after.keys()).collect();
    let systems_old: BTreeSet<(&str, DocKind)> = old
        .record
        .documents
        .iter()
        .map(|d| (d.ics.as_str(), d.kind))
        .collect();
    let systems_new: BTreeSet<(&str, DocKind)> = new
        .record
        .documents
        .iter()
        .map(|d| (d.ics.as_str(), d.kind))
        .collect();

    let firm_old = crate::report::commitment_by_cell(&old.record, &old.passages);
    let firm_new = crate::report::commitment_by_cell(&new.record, &new.passages);
    let both_flagged = old.record.commitment.is_some() && new.record.commitment.is_some();
    let mut cells = Vec::new();
    let mut counts: BTreeMap<&'static str, usize> = [
        ("gained", 0),
        ("lost", 0),
        ("kept", 0),
        ("neither", 0),
        ("firmer", 0),
        ("weaker", 0),
    ]
    .into();
    for key in keys {
        let (ics, kind, label) = key;
        let b = before.get(key);
        let a = after.get(key);
        let present_old = b.is_some_and(|r| r.present);
        let present_new = a.is_some_and(|r| r.present);
        let change = match (present_old, present_new) {
            (false, true) => "gained",
            (true, false) => "lost",
            (true, true) => "kept",
            (false, false) => "neither",
        };
        *counts.entry(change).or_default() += 1;
        let in_old = systems_old.contains(&(ics.as_str(), *kind));
        let in_new = systems_new.contains(&(ics.as_str(), *kind));
        let strength = |firm: &HashMap<(&str, DocKind, &str), (&'static str, usize)>| {
            both_flagged.then(|| {
                firm.get(&(ics.as_str(), *kind, label.as_str()))
                    .map_or("none", |f| f.0)
            })
        };
        let (strength_old, strength_new) = (strength(&firm_old), strength(&firm_new));
        let in_both = systems_old.contains(&(ics.as_str(), *kind))
            && systems_new.contains(&(ics.as_str(), *kind));
        // Only where the system had documents of this kind in both rounds: a document
        // new or gone is reported as such, not as a firmer or weaker commitment.
        let commitment_change = match (strength_old, strength_new) {
            _ if !in_both => "",
            (Some(a), Some(b)) if rank(b) > rank(a) => "firmer",
            (Some(a), Some(b)) if rank(b) < rank(a) => "weaker",
            _ => "",
        };
        if !commitment_change.is_empty() {
            *counts.entry(commitment_change).or_default() += 1;
        }
        let share_old = b.map_or(0.0, |r| r.share);
        let share_new = a.map_or(0.0, |r| r.share);
        cells.push(CellChange {
            ics: ics.clone(),
            kind: *kind,
            label: label.clone(),
            theme: names
                .get(label.as_str())
                .unwrap_or(&label.as_str())
                .to_string(),
            change,
            documents: match (in_old, in_new) {
                (true, false) => "gone",
                (false, true) => "new",
                _ => "both",
            },
            present_old,
            present_new,
            passages_old: b.map_or(0, |r| r.passages),
            passages_new: a.map_or(0, |r| r.passages),
            share_old,
            share_new,
            share_change: share_new - share_old,
            before: b.and_then(|r| strongest(old, r)),
            after: a.and_then(|r| strongest(new, r)),
            strength_old,
            strength_new,
            commitment_change,
            models_differ,
        });
    }
    Diff {
        old: old.dir.clone(),
        new: new.dir.clone(),
        differences,
        documents,
        cells,
        counts,
        labels,
    }
}

/// The cell's strongest passage, with its citation.
fn strongest(run: &RunData, row: &CoverageRow) -> Option<Evidence> {
    let id = row.evidence.first()?;
    let p = run.passages.iter().find(|p| &p.id == id)?;
    let d = run.record.documents.iter().find(|d| d.id == p.doc);
    Some(Evidence {
        passage: p.id.clone(),
        document: d
            .and_then(|d| d.title.clone())
            .unwrap_or_else(|| p.doc.clone()),
        file: d.map(|d| d.file.clone()).unwrap_or_default(),
        location: p.citation(),
        score: p.scores.get(&row.label).copied(),
        text: p.text.clone(),
    })
}

/// One ICS and kind's documents: the old run's, then the new run's.
type OldAndNew<'a> = (Vec<&'a DocumentRecord>, Vec<&'a DocumentRecord>);

/// Pairs the documents of each ICS and kind: the same file first, then the same
/// title, then what is left in order (`replaced`); the rest are `new` or `gone`.
pub fn match_documents(old: &[DocumentRecord], new: &[DocumentRecord]) -> Vec<DocumentChange> {
    let mut groups: BTreeMap<(String, DocKind), OldAndNew<'_>> = BTreeMap::new();
    for d in old {
        groups.entry((d.ics.clone(), d.kind)).or_default().0.push(d);
    }
    for d in new {
        groups.entry((d.ics.clone(), d.kind)).or_default().1.push(d);
    }
    let mut out = Vec::new();
    for ((ics, kind), (mut olds, mut news)) in groups {
        let mut pairs: Vec<(&DocumentRecord, &DocumentRecord)> = Vec::new();
        let same: [fn(&DocumentRecord, &DocumentRecord) -> bool; 3] = [
            |a, b| a.file == b.file,
            |a, b| a.title.is_some() && a.title == b.title,
            |_, _| true,
        ];
        for rule in same {
            let mut i = 0;
            while i < olds.len() {
                if let Some(j) = news.iter().position(|n| rule(olds[i], n)) {
                    pairs.push((olds.remove(i), news.remove(j)));
                } else {
                    i += 1;
                }
            }
        }
        let change =
            |status, a: Option<&DocumentRecord>, b: Option<&DocumentRecord>| DocumentChange {
                status,
                ics: ics.clone(),
                kind,
                old_file: a.map(|d| d.file.clone()),
                new_file: b.map(|d| d.file.clone()),
                old_title: a.and_then(|d| d.title.clone()),
                new_title: b.and_then(|d| d.title.clone()),
                old_year: a.and_then(|d| d.year.clone()),
                new_year: b.and_then(|d| d.year.clone()),
            };
        for (a, b) in pairs {
            let status = if a.title == b.title && a.year == b.year {
                "kept"
            } else {
                "replaced"
            };
            out.push(change(status, Some(a), Some(b)));
        }
        for a in olds {
            out.push(change("gone", Some(a), None));
        }
        for b in news {
            out.push(change("new", None, Some(b)));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::round::Confidence;

    fn doc(file: &str, ics: &str, kind: DocKind, title: &str, year: &str) -> DocumentRecord {
        DocumentRecord {
            id: file.into(),
            file: file.into(),
            format: "pdf".into(),
            title: Some(title.into()),
            year: Some(year.into()),
            ics: ics.into(),
            ics_confidence: Confidence::Given,
            ics_basis: String::new(),
            kind,
            kind_confidence: Confidence::Given,
            kind_basis: String::new(),
            pages: 1,
            passages: 1,
            text: None,
            note: None,
            position: None,
        }
    }

    #[test]
    fn documents_are_matched_by_system_and_kind_then_file_then_title() {
        let old = [
            doc("a/jfp.pdf", "A", DocKind::Jfp, "A JFP", "2024"),
            doc(
                "a/strategy.pdf",
                "A",
                DocKind::Strategy,
                "A strategy",
                "2023",
            ),
            doc("b/jfp.pdf", "B", DocKind::Jfp, "B JFP", "2024"),
        ];
        let new = [
            doc("a/jfp.pdf", "A", DocKind::Jfp, "A JFP", "2024"),
            doc(
                "a/strategy-2025.pdf",
                "A",
                DocKind::Strategy,
                "A strategy refresh",
                "2025",
            ),
            doc("b/hwb.pdf", "B", DocKind::Hwb, "B HWB", "2025"),
        ];
        let changes = match_documents(&old, &new);
        let status: BTreeSet<(&str, &str, &str)> = changes
            .iter()
            .map(|c| (c.ics.as_str(), c.kind.as_str(), c.status))
            .collect();
        assert_eq!(
            status,
            BTreeSet::from([
                ("A", "strategy", "replaced"),
                ("A", "jfp", "kept"),
                ("B", "jfp", "gone"),
                ("B", "hwb", "new"),
            ])
        );
    }
}
