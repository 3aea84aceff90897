//! The `report` stage: coded passages and the run's record → every output file.
//!
//! A run directory holds `passages.jsonl` (every passage with provenance, scores and
//! labels) and `report.json` (the run's record: tool, encoder, classifier, taxonomy,
//! thresholds, presence rule, timings, documents, errors). Everything else
//! (`coverage.csv`, `summary.csv`, `alignment.csv`, `documents.csv`, `errors.csv`,
//! `report.html`) is derived from those two by [`write_outputs`], which is what
//! `planthemes report RUN_DIR` runs again after thresholds change. Every file is
//! written atomically.

pub mod atomic;
pub mod diff_html;
pub mod evidence;
mod html;
pub mod qdpx;
pub mod staged;

use std::collections::BTreeMap;
use std::io;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

pub use atomic::write_atomic;
pub use staged::{StageError, StagedDir};

use crate::aggregate::{aggregate, Coded, Coverage, NationalRow, Presence};
use crate::classify::linear::DevMetrics;
use crate::round::{Confidence, DocKind};

/// One line of `passages.jsonl`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PassageRecord {
    /// `<document id>#<n>`.
    pub id: String,
    pub doc: String,
    pub ics: String,
    pub kind: DocKind,
    /// The pages it spans, in a PDF; `null` in a document without pages.
    pub page_first: Option<u32>,
    pub page_last: Option<u32>,
    pub heading_path: Vec<String>,
    /// Its paragraph within its section (see [`crate::segment::Passage::paragraph`]).
    #[serde(default = "first")]
    pub paragraph: u32,
    /// Byte range in the document's cleaned text (`documents/<id>.txt`).
    pub span: [usize; 2],
    pub text: String,
    /// Score per label id.
    pub scores: BTreeMap<String, f32>,
    /// The machine's labels: those whose score reaches the threshold, in taxonomy
    /// order. A review never changes them.
    pub labels: Vec<String>,
    /// Its labels after review, when a reviewer decided on any of them
    /// (`reviews.jsonl`): these are what every output counts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reviewed: Option<Vec<String>>,
    /// Its commitment flags (`aim`, `action`, `resource`, `target`), when the run has
    /// a commitment head; its strength is the highest.
    #[serde(default)]
    pub commitment: Vec<String>,
    /// The commitment head's score per flag.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub commitment_scores: BTreeMap<String, f32>,
    /// The facet head's score per facet, when the run had one.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub facet_scores: BTreeMap<String, f32>,
    /// Its facets (`housing` … `hypertension`): given only under a theme it is coded
    /// with (after review), so derived anew by every rebuild.
    #[serde(default)]
    pub facets: Vec<String>,
}

fn first() -> u32 {
    1
}

impl PassageRecord {
    /// The labels every output counts: the reviewer's where there are any, else the
    /// machine's.
    pub fn coded(&self) -> &[String] {
        self.reviewed.as_deref().unwrap_or(&self.labels)
    }

    /// `p. 4`, or its section and paragraph in a document without pages.
    pub fn citation(&self) -> String {
        crate::segment::citation(
            self.page_first,
            self.page_last,
            &self.heading_path,
            self.paragraph,
        )
    }
}

/// A document that was coded.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DocumentRecord {
    pub id: String,
    /// Path relative to the round folder.
    pub file: String,
    pub format: String,
    pub title: Option<String>,
    pub year: Option<String>,
    pub ics: String,
    pub ics_confidence: Confidence,
    pub ics_basis: String,
    pub kind: DocKind,
    pub kind_confidence: Confidence,
    pub kind_basis: String,
    /// Pages, for a PDF; 0 for a document without pages.
    pub pages: usize,
    pub passages: usize,
    /// Its cleaned text, which every passage's span points into: a path inside the
    /// run folder (`documents/<id>.txt`).
    #[serde(default)]
    pub text: Option<String>,
    /// How it was read, when not the usual way (e.g. the fallback PDF engine).
    #[serde(default)]
    pub note: Option<String>,
    /// Its place in the whole round, in a shard's record (`run --shard`), for `merge`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub position: Option<usize>,
}

/// A document that could not be coded (in `errors`), or a note on one that was (in
/// `warnings`): both are rows of `errors.csv`, told apart by `severity`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ErrorRecord {
    pub file: String,
    pub reason: String,
    /// In a shard's record, the document's place in the whole round (`None` for what
    /// concerns the round as a whole: manifest rows, files that could not be planned).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub position: Option<usize>,
}

/// A label as reports show it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LabelInfo {
    pub id: String,
    pub name: String,
    pub group: String,
    pub core: bool,
    pub description: String,
}

/// The encoder a run used.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EncoderInfo {
    /// Model name and weight hash, e.g. `all-MiniLM-L6-v2@5c7a…`.
    pub id: String,
    pub weight_hash: String,
    pub model_dir: String,
    pub device: String,
    /// `fp32` or `int8` (see `--precision`).
    #[serde(default = "fp32")]
    pub precision: String,
    /// The mean-pooled layers in each vector, numbered from 1, last first: `[6]` for
    /// plain sentence embeddings, `[6, 5, 4, 3]` for a head that reads middle layers.
    #[serde(default)]
    pub pooled_layers: Vec<usize>,
    /// The other encoders of a head over several (`ensemble.json`), each vector
    /// continuing with their blocks in this order; empty for one encoder.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub also: Vec<EncoderInfo>,
}

fn fp32() -> String {
    "fp32".into()
}

impl EncoderInfo {
    /// Every encoder's id, in block order: `a@… + b@…` for a head over several.
    pub fn ids(&self) -> String {
        std::iter::once(self.id.as_str())
            .chain(self.also.iter().map(|e| e.id.as_str()))
            .collect::<Vec<_>>()
            .join(" + ")
    }
}

/// A head a run used beside the theme classifier (commitment flags, facets), and its
/// thresholds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CommitmentInfo {
    pub head: String,
    pub thresholds: BTreeMap<String, f32>,
    /// Its per-label error rates (`rates.json` beside the head), when measured.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rates: Option<crate::honest::Rates>,
    /// blake3 of the head's files (`head.json`, `head.safetensors`; for an ensemble,
    /// `ensemble.json` and its members' files): the same head whatever folder it was
    /// read from, and another head when retrained in place.
    /// Runs before session 14 have none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fingerprint: Option<String>,
}

impl CommitmentInfo {
    /// Whether two runs used the same head: by fingerprint when both have one, else by
    /// folder.
    pub fn same_head(&self, other: &Self) -> bool {
        match (&self.fingerprint, &other.fingerprint) {
            (Some(a), Some(b)) => a == b,
            _ => self.head == other.head,
        }
    }

    /// Whether two runs decided alike: the same head, thresholds and rates.
    pub fn same_decisions(&self, other: &Self) -> bool {
        self.same_head(other) && self.thresholds == other.thresholds && self.rates == other.rates
    }
}

/// The classifier a run used.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClassifierInfo {
    pub name: String,
    /// `keyword` or `prototype`; for a trained head its own kind: `linear`, `mlp` (a
    /// hidden layer) or `mean` (an ensemble over several encoders).
    pub kind: String,
    /// The head folder, for a trained head.
    pub head: Option<String>,
    /// What the head measured when it was trained: on dev data, or out-of-fold for a
    /// bagged head (`scores`).
    pub dev_metrics: Option<DevMetrics>,
    /// Its per-label error rates measured on hand-labelled passages (`rates.json`
    /// beside the head), from which coverage's honest columns come.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rates: Option<crate::honest::Rates>,
}

/// What the embedding cache did in a run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CacheInfo {
    pub path: String,
    /// Passages whose vectors came from the cache.
    pub found: usize,
    /// Passages embedded (and stored) in this run.
    pub embedded: usize,
    /// Documents whose reading and passages came from the cache (the same bytes read
    /// before, with the same settings).
    #[serde(default)]
    pub documents: usize,
    /// Distinct passage texts whose scores came from the cache (the same classifier
    /// scored them before): neither embedded nor classified again.
    #[serde(default)]
    pub scored: usize,
}

/// Counts for the closing summary.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Counts {
    pub documents: usize,
    pub coded: usize,
    pub failed: usize,
    pub pages: usize,
    pub passages: usize,
}

/// `report.json`: the record of a run, enough to rebuild every other output from
/// `passages.jsonl`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RunRecord {
    pub tool: String,
    pub version: String,
    /// When the run started (UTC, RFC 3339).
    pub created: String,
    /// The round folder or manifest, as given.
    pub round: String,
    pub manifest: Option<String>,
    pub encoder: Option<EncoderInfo>,
    /// The embedding cache, when one was used.
    #[serde(default)]
    pub cache: Option<CacheInfo>,
    pub classifier: ClassifierInfo,
    pub taxonomy: String,
    pub taxonomy_hash: String,
    pub labels: Vec<LabelInfo>,
    /// Decision threshold per label id; edit and run `planthemes report` to re-code.
    pub thresholds: BTreeMap<String, f32>,
    pub presence: Presence,
    /// Seconds per stage, in pipeline order.
    pub timings: Vec<(String, f64)>,
    pub counts: Counts,
    pub documents: Vec<DocumentRecord>,
    pub errors: Vec<ErrorRecord>,
    /// What stopped nothing but should be known: manifest rows ignored or doubted,
    /// files read once though reached twice, cleaning that held back.
    #[serde(default)]
    pub warnings: Vec<ErrorRecord>,
    /// How much reviewers have decided (derived from `reviews.jsonl`; absent when
    /// nobody has reviewed the run).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub review: Option<crate::review::ReviewSummary>,
    /// The commitment head, when the run flagged commitments.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub commitment: Option<CommitmentInfo>,
    /// The facet head, when the run scored facets with one (otherwise facets come
    /// from the keyword lists of `corpus/facets.toml`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub facets: Option<CommitmentInfo>,
    /// Set in a partial run (`run --shard K/N`): which part of the round it coded.
    /// `planthemes merge` combines the parts into one run.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shard: Option<crate::pipeline::Shard>,
    /// National counts (derived; rewritten by every rebuild).
    #[serde(default, skip_deserializing)]
    pub national: Vec<NationalRow>,
}

impl RunRecord {
    /// The group of label `id` ("" for a label the record does not know).
    pub fn group_of(&self, id: &str) -> &str {
        self.labels
            .iter()
            .find(|l| l.id == id)
            .map_or("", |l| l.group.as_str())
    }
}

/// The output files, in the order they are written. `passages.jsonl` first and
/// `report.json` last, so that a run killed while writing leaves either the old
/// record or a complete new one.
pub const OUTPUTS: [&str; 11] = [
    "passages.jsonl",
    "coverage.csv",
    "kpis.csv",
    "evidence.csv",
    "evidence.xlsx",
    "summary.csv",
    "alignment.csv",
    "documents.csv",
    "errors.csv",
    "report.html",
    "report.json",
];

/// Where a document's cleaned text is kept in a run folder: `documents/<id>.txt`, with
/// the id's folders kept and anything that could climb out of the folder (`..`, a
/// root) dropped.
pub fn text_file(id: &str) -> PathBuf {
    let mut path = PathBuf::from("documents");
    let mut any = false;
    for part in Path::new(id).components() {
        if let std::path::Component::Normal(name) = part {
            path.push(name);
            any = true;
        }
    }
    if !any {
        path.push("document");
    }
    let mut name = path.into_os_string();
    name.push(".txt");
    PathBuf::from(name)
}

/// What a run folder keeps across rebuilds, beside [`OUTPUTS`]: the documents' texts
/// and the reviewers' decisions. `report` carries them into the rebuilt folder.
pub const KEPT: [&str; 2] = ["documents", crate::review::REVIEWS];

/// Copies what a rebuild keeps ([`KEPT`]) from run folder `from` into `to` (hard
/// links where the file system allows: the texts are never rewritten in place).
pub fn carry_kept(from: &Path, to: &Path) -> io::Result<()> {
    for name in KEPT {
        let source = from.join(name);
        if source.exists() {
            copy_tree(&source, &to.join(name))?;
        }
    }
    Ok(())
}

/// Copies a file or a folder's tree, hard-linking files where the file system allows.
pub fn copy_tree(from: &Path, to: &Path) -> io::Result<()> {
    if from.is_dir() {
        std::fs::create_dir_all(to)?;
        for entry in std::fs::read_dir(from)? {
            let entry = entry?;
            copy_tree(&entry.path(), &to.join(entry.file_name()))?;
        }
        Ok(())
    } else {
        std::fs::hard_link(from, to).or_else(|_| std::fs::copy(from, to).map(|_| ()))
    }
}

/// Re-decides every passage's labels from its scores and the record's thresholds.
pub fn apply_thresholds(record: &RunRecord, passages: &mut [PassageRecord]) {
    for p in passages {
        p.labels = record
            .labels
            .iter()
            .filter(|l| {
                let threshold = record
                    .thresholds
                    .get(&l.id)
                    .copied()
                    .unwrap_or(f32::INFINITY);
                p.scores.get(&l.id).is_some_and(|s| *s >= threshold)
            })
            .map(|l| l.id.clone())
            .collect();
    }
}

/// Aggregates and writes every output into `dir`. Stale temporary files from an
/// interrupted earlier write are removed first.
pub fn write_outputs(
    dir: &Path,
    record: &mut RunRecord,
    passages: &[PassageRecord],
) -> io::Result<Coverage> {
    std::fs::create_dir_all(dir)?;
    remove_partials(dir)?;
    let reviews = crate::review::Reviews::read(dir).map_err(io::Error::other)?;
    let (mut passages, summary) = reviews.annotate(&record.labels, passages.to_vec());
    let facets = facets_of_run(record).map_err(io::Error::other)?;
    for p in &mut passages {
        p.facets = match (facets, &record.facets) {
            (None, _) => Vec::new(),
            (Some(f), Some(head)) => f.of_scores(&p.facet_scores, &head.thresholds, p.coded()),
            (Some(f), None) => f.of(&p.text, p.coded()),
        };
    }
    let passages = &passages[..];
    record.review = (!reviews.is_empty()).then_some(summary);
    let coverage = coverage_of(record, passages);
    record.national = coverage.national.clone();

    write_atomic(&dir.join("passages.jsonl"), |w| {
        for p in passages {
            serde_json::to_writer(&mut *w, p)?;
            w.write_all(b"\n")?;
        }
        Ok(())
    })?;
    write_atomic(&dir.join("coverage.csv"), |w| {
        let mut out = csv::Writer::from_writer(w);
        out.write_record([
            "ics",
            "kind",
            "label",
            "passages",
            "total",
            "share",
            "present",
            "max_score",
            "evidence",
            "strongest",
            "targets",
            "parent",
            "share_adj",
            "share_adj_low",
            "share_adj_high",
            "p_missed",
            "p_false",
            "near_miss",
        ])?;
        let firmness = commitment_by_cell(record, passages);
        for r in coverage.coverage.iter().chain(&coverage.facets) {
            let (strongest, targets) =
                match firmness.get(&(r.ics.as_str(), r.kind, r.label.as_str())) {
                    Some((s, t)) => (s.to_string(), t.to_string()),
                    None if record.commitment.is_some() => ("none".to_string(), "0".to_string()),
                    None => (String::new(), String::new()),
                };
            out.write_record([
                r.ics.as_str(),
                r.kind.as_str(),
                &r.label,
                &r.passages.to_string(),
                &r.total.to_string(),
                &format!("{:.4}", r.share),
                if r.present { "true" } else { "false" },
                &fmt_score(r.max_score),
                &r.evidence.join(";"),
                &strongest,
                &targets,
                r.parent.as_deref().unwrap_or(""),
                &fmt_opt(r.honest.share_adj),
                &fmt_opt(r.honest.share_adj_low),
                &fmt_opt(r.honest.share_adj_high),
                &fmt_opt(r.honest.p_missed),
                &fmt_opt(r.honest.p_false),
                &r.near_miss.join(";"),
            ])?;
        }
        out.flush()
    })?;
    let targets = kpis(passages);
    write_atomic(&dir.join("kpis.csv"), |w| {
        let mut out = csv::Writer::from_writer(w);
        out.write_record(KPI_COLUMNS)?;
        for (p, t) in &targets {
            out.write_record([
                p.id.as_str(),
                &p.ics,
                p.kind.as_str(),
                &sheet_text(&t.indicator),
                &t.baseline_value.map(fmt_number).unwrap_or_default(),
                t.baseline_year.as_deref().unwrap_or(""),
                &fmt_number(t.target_value),
                &t.unit,
                &t.target_date,
                t.direction.as_str(),
                &sheet_text(&t.sentence),
                &sheet_text(&p.citation()),
            ])?;
        }
        out.flush()
    })?;
    let rows = evidence::rows(record, passages, &reviews);
    write_atomic(&dir.join("evidence.csv"), |w| evidence::write_csv(w, &rows))?;
    let book = evidence::workbook(record, &rows, &coverage)
        .map_err(|e| io::Error::other(format!("building evidence.xlsx: {e}")))?;
    write_atomic(&dir.join("evidence.xlsx"), |w| w.write_all(&book))?;
    drop(rows);
    write_atomic(&dir.join("summary.csv"), |w| {
        let mut out = csv::Writer::from_writer(w);
        out.write_record([
            "label",
            "group",
            "kind",
            "present",
            "systems",
            "share",
            "passages",
            "statement",
            "present_low",
            "present_high",
            "parent",
        ])?;
        for (r, parent) in coverage.national.iter().map(|r| (r, "")).chain(
            coverage
                .facet_national
                .iter()
                .map(|r| (r, facet_parent(&coverage, &r.label))),
        ) {
            let group = if parent.is_empty() {
                record.group_of(&r.label)
            } else {
                "facet"
            };
            let share = r.share();
            let (low, high) = r.interval.map_or((String::new(), String::new()), |i| {
                (i.present_low.to_string(), i.present_high.to_string())
            });
            out.write_record([
                r.label.as_str(),
                group,
                r.kind.as_str(),
                &r.present.to_string(),
                &r.systems.to_string(),
                &format!("{share:.4}"),
                &r.passages.to_string(),
                &statement(r),
                &low,
                &high,
                parent,
            ])?;
        }
        out.flush()
    })?;
    write_atomic(&dir.join("alignment.csv"), |w| {
        let mut out = csv::Writer::from_writer(w);
        out.write_record([
            "ics",
            "kind_a",
            "kind_b",
            "label",
            "present_a",
            "present_b",
            "share_a",
            "share_b",
            "change",
            "profile_cosine",
        ])?;
        for r in &coverage.alignment {
            out.write_record([
                r.ics.as_str(),
                r.kind_a.as_str(),
                r.kind_b.as_str(),
                &r.label,
                &r.present_a.to_string(),
                &r.present_b.to_string(),
                &format!("{:.4}", r.share_a),
                &format!("{:.4}", r.share_b),
                r.change.as_str(),
                &format!("{:.4}", r.profile_cosine),
            ])?;
        }
        out.flush()
    })?;
    write_atomic(&dir.join("documents.csv"), |w| {
        let mut out = csv::Writer::from_writer(w);
        out.write_record([
            "file",
            "id",
            "ics",
            "ics_confidence",
            "ics_basis",
            "kind",
            "kind_confidence",
            "kind_basis",
            "title",
            "year",
            "format",
            "pages",
            "passages",
            "note",
        ])?;
        for d in &record.documents {
            out.write_record([
                &*sheet_text(&d.file),
                &d.id,
                &d.ics,
                d.ics_confidence.as_str(),
                &d.ics_basis,
                d.kind.as_str(),
                d.kind_confidence.as_str(),
                &d.kind_basis,
                &sheet_text(d.title.as_deref().unwrap_or("")),
                d.year.as_deref().unwrap_or(""),
                &d.format,
                &if d.format == "pdf" {
                    d.pages.to_string()
                } else {
                    String::new()
                },
                &d.passages.to_string(),
                &sheet_text(d.note.as_deref().unwrap_or("")),
            ])?;
        }
        out.flush()
    })?;
    write_atomic(&dir.join("errors.csv"), |w| {
        let mut out = csv::Writer::from_writer(w);
        out.write_record(["file", "reason", "severity"])?;
        for e in &record.errors {
            out.write_record([&*sheet_text(&e.file), &sheet_text(&e.reason), "error"])?;
        }
        for w in &record.warnings {
            out.write_record([&*sheet_text(&w.file), &sheet_text(&w.reason), "warning"])?;
        }
        out.flush()
    })?;
    let page = html::render(record, passages, &coverage, &targets)
        .map_err(|e| io::Error::other(format!("rendering report.html: {e:#}")))?;
    write_atomic(&dir.join("report.html"), |w| w.write_all(page.as_bytes()))?;
    write_atomic(&dir.join("report.json"), |w| {
        serde_json::to_writer_pretty(&mut *w, record)?;
        w.write_all(b"\n")
    })?;
    Ok(coverage)
}

/// The built-in facets, unless one of the run's theme labels has a facet's id (a user
/// taxonomy with its own `housing`, say): their coverage rows and cells would be
/// indistinguishable from the theme's, so such a run has no facets, and says so once.
fn facets_of_run(
    record: &RunRecord,
) -> Result<Option<&'static crate::facets::Facets>, crate::classify::ClassifyError> {
    let facets = crate::facets::Facets::builtin()?;
    let ids = facets.ids();
    match record.labels.iter().find(|l| ids.contains(&l.id.as_str())) {
        Some(clash) => {
            static SAID: std::sync::Once = std::sync::Once::new();
            SAID.call_once(|| {
                tracing::warn!(
                    "the taxonomy's label {:?} has the id of a built-in facet; the run has no facets",
                    clash.id
                )
            });
            Ok(None)
        }
        None => Ok(Some(facets)),
    }
}

/// Per ICS × kind × label, the strongest commitment among the passages carrying the
/// label, and how many of them set a target (empty without a commitment head).
pub fn commitment_by_cell<'a>(
    record: &RunRecord,
    passages: &'a [PassageRecord],
) -> std::collections::HashMap<(&'a str, DocKind, &'a str), (&'static str, usize)> {
    use crate::classify::commitment::{rank, strength};
    let mut out = std::collections::HashMap::new();
    if record.commitment.is_none() {
        return out;
    }
    for p in passages {
        let s = strength(&p.commitment);
        let target = p.commitment.iter().any(|f| f == "target");
        for label in p.coded().iter().chain(&p.facets) {
            let cell = out
                .entry((p.ics.as_str(), p.kind, label.as_str()))
                .or_insert(("none", 0));
            if rank(s) > rank(cell.0) {
                cell.0 = s;
            }
            cell.1 += usize::from(target);
        }
    }
    out
}

/// The columns of `kpis.csv`: one row per quantified target ([`crate::kpis`]).
pub const KPI_COLUMNS: [&str; 12] = [
    "passage",
    "ics",
    "kind",
    "indicator",
    "baseline_value",
    "baseline_year",
    "target_value",
    "unit",
    "target_date",
    "direction",
    "sentence",
    "citation",
];

/// Every quantified target in a run's passages, in passage order.
pub fn kpis(passages: &[PassageRecord]) -> Vec<(&PassageRecord, crate::kpis::Target)> {
    passages
        .iter()
        .flat_map(|p| {
            crate::kpis::extract(&p.text)
                .into_iter()
                .map(move |t| (p, t))
        })
        .collect()
}

/// "5 of 8 strategies", with the interval when it is known: "5 of 8 strategies (95%
/// interval 4–7)".
fn statement(r: &NationalRow) -> String {
    let base = format!("{} of {} {}", r.present, r.systems, r.kind.plural());
    match r.interval {
        Some(i) => format!("{base} (95% interval {}–{})", i.present_low, i.present_high),
        None => base,
    }
}

fn facet_parent<'a>(coverage: &'a Coverage, facet: &str) -> &'a str {
    coverage
        .facets
        .iter()
        .find(|r| r.label == facet)
        .and_then(|r| r.parent.as_deref())
        .unwrap_or("")
}

/// A free-text cell as spreadsheets should read it: Excel, LibreOffice and Google
/// Sheets take a cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage return
/// for a formula, so a KPI row `-18% | …` opens as `#NAME?` (and a hostile document
/// could plant a working formula). Such a cell gets a leading `'`, which spreadsheets
/// read as "this is text" and do not show; every other cell is written as it is.
/// Numbers are never passed here: `-4` must stay a number.
pub(crate) fn sheet_text(s: &str) -> std::borrow::Cow<'_, str> {
    match s.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{s}").into(),
        _ => s.into(),
    }
}

fn fmt_opt(x: Option<f64>) -> String {
    x.map(|v| format!("{v:.4}")).unwrap_or_default()
}

/// A number as a plain decimal: 6200000, 33.3, 0.
fn fmt_number(x: f64) -> String {
    let s = format!("{x:.6}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// Aggregates a run's passages with its record's presence rule.
pub fn coverage_of(record: &RunRecord, passages: &[PassageRecord]) -> Coverage {
    let labels: Vec<String> = record.labels.iter().map(|l| l.id.clone()).collect();
    let scores: Vec<Vec<f32>> = passages
        .iter()
        .map(|p| {
            labels
                .iter()
                .map(|l| p.scores.get(l).copied().unwrap_or(f32::NEG_INFINITY))
                .collect()
        })
        .collect();
    let decisions: Vec<Vec<bool>> = passages
        .iter()
        .map(|p| labels.iter().map(|l| p.coded().contains(l)).collect())
        .collect();
    // Codes a reviewer rejected: those passages are not near misses.
    let rejected: Vec<Vec<bool>> = passages
        .iter()
        .map(|p| {
            labels
                .iter()
                .map(|l| p.reviewed.is_some() && p.labels.contains(l) && !p.coded().contains(l))
                .collect()
        })
        .collect();
    let coded = coded_rows(passages, &scores, &decisions, &rejected);
    let documents: Vec<(String, DocKind)> = record
        .documents
        .iter()
        .map(|d| (d.ics.clone(), d.kind))
        .collect();
    let mut coverage = aggregate(&labels, &coded, &documents, record.presence);
    if let Some(rates) = &record.classifier.rates {
        crate::honest::apply(
            &mut coverage.coverage,
            &mut coverage.national,
            rates,
            record.presence,
        );
    }

    // Facets: scored by their keyword hits, decided within the coded parent.
    if let Ok(Some(facets)) = facets_of_run(record) {
        let ids: Vec<String> = facets.ids().into_iter().map(String::from).collect();
        let parents: Vec<String> = facets.parents().into_iter().map(String::from).collect();
        // The facet head's scores, or the keyword lists' hits.
        let hits: Vec<Vec<f32>> = passages
            .iter()
            .map(|p| match &record.facets {
                Some(_) => ids
                    .iter()
                    .map(|f| p.facet_scores.get(f).copied().unwrap_or(0.0))
                    .collect(),
                None => facets.hits(&p.text),
            })
            .collect();
        let decisions: Vec<Vec<bool>> = passages
            .iter()
            .map(|p| ids.iter().map(|f| p.facets.contains(f)).collect())
            .collect();
        let coded = coded_rows(passages, &hits, &decisions, &[]);
        let mut by_facet = aggregate(&ids, &coded, &documents, record.presence);
        for row in &mut by_facet.coverage {
            let at = ids
                .iter()
                .position(|f| *f == row.label)
                .expect("a facet id");
            row.parent = Some(parents[at].clone());
        }
        let rates = match &record.facets {
            Some(head) => head.rates.clone(),
            None => crate::facets::Facets::rates(),
        };
        if let Some(rates) = rates {
            crate::honest::apply(
                &mut by_facet.coverage,
                &mut by_facet.national,
                &rates,
                record.presence,
            );
        }
        coverage.facets = by_facet.coverage;
        coverage.facet_national = by_facet.national;
    }
    coverage
}

/// Each passage with its scores and decisions, as aggregation reads them.
fn coded_rows<'a>(
    passages: &'a [PassageRecord],
    scores: &'a [Vec<f32>],
    decisions: &'a [Vec<bool>],
    rejected: &'a [Vec<bool>],
) -> Vec<Coded<'a>> {
    passages
        .iter()
        .zip(scores.iter().zip(decisions))
        .enumerate()
        .map(|(i, (p, (scores, labels)))| Coded {
            id: &p.id,
            ics: &p.ics,
            kind: p.kind,
            scores,
            labels,
            rejected: rejected.get(i).map_or(&[], Vec::as_slice),
        })
        .collect()
}

/// Reads a finished run: its record and passages.
pub fn read_run(dir: &Path) -> anyhow::Result<(RunRecord, Vec<PassageRecord>)> {
    use anyhow::Context;
    let record_path = dir.join("report.json");
    let text = std::fs::read_to_string(&record_path).with_context(|| {
        format!(
            "{}: cannot read the run record; is {} a finished run folder?",
            record_path.display(),
            dir.display()
        )
    })?;
    let record: RunRecord = serde_json::from_str(&text)
        .with_context(|| format!("{}: not a planthemes run record", record_path.display()))?;
    let passages_path = dir.join("passages.jsonl");
    let passages = match crate::jsonl::read_jsonl::<PassageRecord>(&passages_path) {
        Ok(p) => p,
        Err(crate::jsonl::JsonlError::Empty { .. }) => Vec::new(),
        Err(e) => return Err(e.into()),
    };
    Ok((record, passages))
}

/// Removes `.NAME.*.partial` files left by a write that was killed.
fn remove_partials(dir: &Path) -> io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') && name.ends_with(".partial") && entry.path().is_file() {
            std::fs::remove_file(entry.path())?;
        }
    }
    Ok(())
}

fn fmt_score(s: f32) -> String {
    if s.is_finite() {
        format!("{s:.4}")
    } else {
        String::new()
    }
}

/// Where outputs go by default: `runs/<UTC timestamp>/`.
pub fn default_out_dir(now: std::time::SystemTime) -> PathBuf {
    let stamp: chrono::DateTime<chrono::Utc> = now.into();
    PathBuf::from("runs").join(stamp.format("%Y-%m-%dT%H%M%SZ").to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record() -> RunRecord {
        let label = |id: &str| LabelInfo {
            id: id.into(),
            name: id.into(),
            group: "approach".into(),
            core: true,
            description: String::new(),
        };
        RunRecord {
            tool: "planthemes".into(),
            version: "0".into(),
            created: "2026-01-01T00:00:00Z".into(),
            round: "r".into(),
            manifest: None,
            encoder: None,
            cache: None,
            classifier: ClassifierInfo {
                name: "keyword".into(),
                kind: "keyword".into(),
                head: None,
                dev_metrics: None,
                rates: None,
            },
            taxonomy: "t".into(),
            taxonomy_hash: "h".into(),
            labels: vec![label("housing"), label("access")],
            thresholds: [("housing".into(), 0.5), ("access".into(), 0.5)].into(),
            presence: Presence { min_passages: 1 },
            timings: vec![("read".into(), 0.1)],
            counts: Counts::default(),
            documents: vec![DocumentRecord {
                id: "a".into(),
                file: "a.md".into(),
                format: "markdown".into(),
                title: None,
                year: None,
                ics: "Devon <One>".into(),
                ics_confidence: Confidence::Given,
                ics_basis: "manifest".into(),
                kind: DocKind::Strategy,
                kind_confidence: Confidence::Given,
                kind_basis: "manifest".into(),
                pages: 1,
                passages: 1,
                text: None,
                note: None,
                position: None,
            }],
            errors: vec![ErrorRecord {
                file: "bad.pdf".into(),
                reason: "corrupt </script> PDF".into(),
                position: None,
            }],
            warnings: vec![ErrorRecord {
                file: "manifest.csv row 3".into(),
                reason: "blank row (no file); ignored".into(),
                position: None,
            }],
            review: None,
            commitment: None,
            facets: None,
            shard: None,
            national: Vec::new(),
        }
    }

    fn passage(score_housing: f32) -> PassageRecord {
        PassageRecord {
            id: "a#1".into(),
            doc: "a".into(),
            ics: "Devon <One>".into(),
            kind: DocKind::Strategy,
            page_first: Some(2),
            page_last: Some(2),
            heading_path: vec!["Homes".into()],
            paragraph: 1,
            span: [0, 10],
            text: "Cold homes </script><b>".into(),
            scores: [("housing".into(), score_housing), ("access".into(), 0.1)].into(),
            labels: Vec::new(),
            reviewed: None,
            commitment: Vec::new(),
            commitment_scores: BTreeMap::new(),
            facet_scores: BTreeMap::new(),
            facets: Vec::new(),
        }
    }

    #[test]
    fn thresholds_re_decide_labels_and_outputs_round_trip() {
        let dir = tempfile::tempdir().unwrap();
        let mut rec = record();
        let mut passages = vec![passage(0.7)];
        apply_thresholds(&rec, &mut passages);
        assert_eq!(passages[0].labels, ["housing"]);
        write_outputs(dir.path(), &mut rec, &passages).unwrap();
        for name in OUTPUTS {
            assert!(dir.path().join(name).is_file(), "{name}");
        }
        let coverage = std::fs::read_to_string(dir.path().join("coverage.csv")).unwrap();
        assert!(
            coverage.contains("Devon <One>,strategy,housing,1,1,1.0000,true,0.7000,a#1"),
            "{coverage}"
        );
        let html = std::fs::read_to_string(dir.path().join("report.html")).unwrap();
        assert!(
            !html.contains("</script><b>"),
            "passage text must be escaped"
        );
        assert_eq!(
            html.matches("</script>").count(),
            html.matches("<script").count()
        );

        let (mut back, mut read_passages) = read_run(dir.path()).unwrap();
        assert_eq!(read_passages, passages);
        back.thresholds.insert("housing".into(), 0.9);
        apply_thresholds(&back, &mut read_passages);
        assert!(read_passages[0].labels.is_empty());
        write_outputs(dir.path(), &mut back, &read_passages).unwrap();
        let coverage = std::fs::read_to_string(dir.path().join("coverage.csv")).unwrap();
        assert!(coverage.contains("Devon <One>,strategy,housing,0,1,0.0000,false"));
    }

    #[test]
    fn side_heads_are_the_same_by_fingerprint_when_both_runs_have_one() {
        let info = |head: &str, fingerprint: Option<&str>| CommitmentInfo {
            head: head.into(),
            thresholds: [("aim".to_string(), 0.5)].into(),
            rates: None,
            fingerprint: fingerprint.map(String::from),
        };
        let a = info("models/heads/commitment", Some("f1"));
        assert!(a.same_head(&info("/abs/models/heads/commitment", Some("f1"))));
        assert!(!a.same_head(&info("models/heads/commitment", Some("f2"))));
        // A run recorded before fingerprints: the folder decides.
        assert!(a.same_head(&info("models/heads/commitment", None)));
        assert!(!a.same_head(&info("other", None)));
        let mut b = a.clone();
        b.thresholds.insert("aim".into(), 0.6);
        assert!(a.same_head(&b) && !a.same_decisions(&b));
    }

    #[test]
    fn csv_text_cells_that_a_spreadsheet_would_run_as_formulas_are_marked_as_text() {
        let dir = tempfile::tempdir().unwrap();
        let mut rec = record();
        let texts = [
            "-18% | Smoking prevalence | reduce from 14% to 10% by 2028",
            "=HYPERLINK(\"http://example.org\",\"x\")",
            "Cold homes",
        ];
        let mut passages: Vec<PassageRecord> = texts
            .iter()
            .enumerate()
            .map(|(i, t)| PassageRecord {
                id: format!("a#{}", i + 1),
                text: t.to_string(),
                ..passage(0.7)
            })
            .collect();
        apply_thresholds(&rec, &mut passages);
        write_outputs(dir.path(), &mut rec, &passages).unwrap();

        let mut reader = csv::Reader::from_path(dir.path().join("evidence.csv")).unwrap();
        let text_col = reader
            .headers()
            .unwrap()
            .iter()
            .position(|h| h == "text")
            .unwrap();
        let cells: Vec<String> = reader
            .records()
            .map(|r| r.unwrap()[text_col].to_string())
            .collect();
        assert_eq!(
            cells,
            [
                "'-18% | Smoking prevalence | reduce from 14% to 10% by 2028",
                "'=HYPERLINK(\"http://example.org\",\"x\")",
                "Cold homes",
            ]
        );
        // The run's own record keeps the text as it was.
        let (_, back) = read_run(dir.path()).unwrap();
        assert_eq!(back[0].text, texts[0]);
        assert_eq!(sheet_text("-4"), "'-4");
        assert_eq!(sheet_text("4 - 2"), "4 - 2");
        assert_eq!(sheet_text(""), "");
    }

    #[test]
    fn a_theme_with_a_facet_id_keeps_its_rows_and_the_run_has_no_facets() {
        let rows = |rec: &mut RunRecord, passages: &[PassageRecord]| {
            let dir = tempfile::tempdir().unwrap();
            write_outputs(dir.path(), rec, passages).unwrap();
            let mut reader = csv::Reader::from_path(dir.path().join("coverage.csv")).unwrap();
            reader
                .records()
                .map(|r| {
                    let r = r.unwrap();
                    (r[2].to_string(), r[11].to_string(), r[3].to_string())
                })
                .collect::<Vec<_>>()
        };
        // The taxonomy's own `housing` is the facet's id: one row, the theme's.
        let mut rec = record();
        let mut passages = vec![passage(0.7)];
        apply_thresholds(&rec, &mut passages);
        let housing: Vec<_> = rows(&mut rec, &passages)
            .into_iter()
            .filter(|(label, _, _)| label == "housing")
            .collect();
        assert_eq!(housing, [("housing".into(), String::new(), "1".into())]);

        // Named as the codebook's parent, the theme carries the housing facet.
        let mut rec = record();
        rec.labels[0].id = "wider_determinants".into();
        rec.thresholds = [("wider_determinants".into(), 0.5), ("access".into(), 0.5)].into();
        let mut p = passage(0.0);
        p.scores = [("wider_determinants".into(), 0.7), ("access".into(), 0.1)].into();
        let mut passages = vec![p];
        apply_thresholds(&rec, &mut passages);
        let all = rows(&mut rec, &passages);
        assert!(
            all.contains(&("housing".into(), "wider_determinants".into(), "1".into())),
            "{all:?}"
        );
    }

    #[test]
    fn stale_partials_are_removed() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(".coverage.csv.x1.partial"), "half").unwrap();
        write_outputs(dir.path(), &mut record(), &[passage(0.1)]).unwrap();
        let names: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert!(names.iter().all(|n| !n.ends_with(".partial")), "{names:?}");
        assert_eq!(names.len(), OUTPUTS.len());
    }
}
