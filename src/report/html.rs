//! `report.html`: one self-contained page (no network): a heatmap of ICS × label
//! switchable by document kind, click-through to the evidence passages with document,
//! page and heading, the national table, the alignment view, the failed files and a
//! method note.
//!
//! The page is a minijinja template (auto-escaped) around the run's data as JSON; a
//! small script draws the heatmap and the evidence from that JSON.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;
use serde_json::{json, Value};

use super::{PassageRecord, RunRecord};
use crate::aggregate::{Change, Coverage, EVIDENCE_PER_CELL};
use crate::round::DocKind;

const TEMPLATE: &str = include_str!("report.html.j2");

#[derive(Serialize)]
struct NationalLine {
    label: String,
    group: String,
    cells: Vec<String>,
    /// A facet's row, below the themes.
    facet: bool,
}

#[derive(Serialize)]
struct TargetLine {
    ics: String,
    kind: String,
    indicator: String,
    baseline: String,
    target: String,
    date: String,
    direction: String,
    citation: String,
    passage: String,
    sentence: String,
}

#[derive(Serialize)]
struct AlignmentLine {
    ics: String,
    pair: String,
    cosine: String,
    dropped: Vec<String>,
    added: Vec<String>,
}

/// Renders the page.
pub fn render(
    record: &RunRecord,
    passages: &[PassageRecord],
    coverage: &Coverage,
    targets: &[(&PassageRecord, crate::kpis::Target)],
) -> anyhow::Result<String> {
    let name_of: BTreeMap<&str, &str> = record
        .labels
        .iter()
        .map(|l| (l.id.as_str(), l.name.as_str()))
        .collect();
    let label_name = |id: &str| name_of.get(id).copied().unwrap_or(id).to_string();

    let kinds: Vec<DocKind> = coverage
        .coverage
        .iter()
        .map(|r| r.kind)
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();

    let national_cell = |rows: &[crate::aggregate::NationalRow], id: &str, k: &DocKind| {
        rows.iter()
            .find(|r| r.label == id && r.kind == *k)
            .map(|r| match r.interval {
                Some(i) => format!(
                    "{} of {} ({}–{})",
                    r.present, r.systems, i.present_low, i.present_high
                ),
                None => format!("{} of {}", r.present, r.systems),
            })
            .unwrap_or_default()
    };
    let facet_labels = crate::facets::Facets::builtin()
        .map(|f| f.labels())
        .unwrap_or_default();
    let national: Vec<NationalLine> = record
        .labels
        .iter()
        .map(|l| NationalLine {
            label: l.name.clone(),
            group: l.group.clone(),
            cells: kinds
                .iter()
                .map(|k| national_cell(&coverage.national, &l.id, k))
                .collect(),
            facet: false,
        })
        .chain(
            facet_labels
                .iter()
                .filter(|f| coverage.facet_national.iter().any(|r| r.label == f.id))
                .map(|f| NationalLine {
                    label: f.name.clone(),
                    group: format!("facet of {}", label_name(&f.group)),
                    cells: kinds
                        .iter()
                        .map(|k| national_cell(&coverage.facet_national, &f.id, k))
                        .collect(),
                    facet: true,
                }),
        )
        .collect();
    let targets: Vec<TargetLine> = targets
        .iter()
        .map(|(p, t)| TargetLine {
            ics: p.ics.clone(),
            kind: p.kind.plural().to_string(),
            indicator: t.indicator.clone(),
            baseline: match (t.baseline_value, &t.baseline_year) {
                (Some(v), Some(y)) => format!("{} ({y})", super::fmt_number(v)),
                (Some(v), None) => super::fmt_number(v),
                (None, Some(y)) => format!("({y})"),
                (None, None) => String::new(),
            },
            target: format!("{} {}", super::fmt_number(t.target_value), t.unit)
                .trim()
                .to_string(),
            date: t.target_date.clone(),
            direction: t.direction.as_str().to_string(),
            citation: p.citation(),
            passage: p.id.clone(),
            sentence: t.sentence.clone(),
        })
        .collect();

    let mut alignment: Vec<AlignmentLine> = Vec::new();
    for r in &coverage.alignment {
        let pair = format!("{} → {}", r.kind_a.as_str(), r.kind_b.as_str());
        if alignment
            .last()
            .is_none_or(|a| a.ics != r.ics || a.pair != pair)
        {
            alignment.push(AlignmentLine {
                ics: r.ics.clone(),
                pair,
                cosine: format!("{:.2}", r.profile_cosine),
                dropped: Vec::new(),
                added: Vec::new(),
            });
        }
        let line = alignment.last_mut().expect("pushed above");
        match r.change {
            Change::Dropped => line.dropped.push(label_name(&r.label)),
            Change::Added => line.added.push(label_name(&r.label)),
            Change::Kept | Change::Neither => {}
        }
    }

    let data = page_data(record, passages, coverage, &kinds);
    // JSON inside <script>: no `<`, `>` or `&` may appear raw (a passage could
    // contain `</script>`); their \u escapes are the same JSON.
    let data_json = serde_json::to_string(&data)?
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026");

    let timings: Vec<(String, String)> = record
        .timings
        .iter()
        .map(|(stage, secs)| (stage.clone(), format!("{secs:.1} s")))
        .collect();
    let thresholds: Vec<(String, String)> = record
        .labels
        .iter()
        .map(|l| {
            (
                l.name.clone(),
                record
                    .thresholds
                    .get(&l.id)
                    .map(|t| format!("{t:.3}"))
                    .unwrap_or_default(),
            )
        })
        .collect();
    let dev = record.classifier.dev_metrics.as_ref().map(|m| {
        let on = match m.scores.as_deref() {
            Some("out-of-fold") => {
                "When it was trained, on its own passages each scored by the one member that \
                 had not seen it"
            }
            _ => "On held-out development passages when it was trained",
        };
        (
            m.macro_f1.map(|v| format!("{v:.3}")).unwrap_or_default(),
            m.macro_f1_core
                .map(|v| format!("{v:.3}"))
                .unwrap_or_default(),
            on,
        )
    });

    use minijinja::value::{Serde, Value as V};
    let mut env = minijinja::Environment::new();
    env.set_auto_escape_callback(|_| minijinja::AutoEscape::Html);
    env.add_template("report.html", TEMPLATE)?;
    let page = env
        .get_template("report.html")?
        .render(minijinja::context! {
            record => V::from(Serde(record)),
            kinds => kinds.iter().map(|k| k.plural()).collect::<Vec<_>>(),
            national => V::from(Serde(&national)),
                        alignment => V::from(Serde(&alignment)),
            targets => V::from(Serde(&targets)),
                        honest => record
                .classifier
                .rates
                .as_ref()
                .map(|r| r.measured_on.clone())
                .or_else(|| Some("the test split, for the facets".to_string())),
            timings => V::from(Serde(&timings)),
            thresholds => V::from(Serde(&thresholds)),
            dev => V::from(Serde(&dev)),
            evidence_per_cell => EVIDENCE_PER_CELL,
            data_json => minijinja::Value::from_safe_string(data_json),
        })?;
    Ok(page)
}

/// Most passages a cell lists behind "show all" (every one is in `passages.jsonl`).
const LISTED_PER_CELL: usize = 200;

/// The data the page's script draws from: labels, systems, one cell map per view
/// ("all" and each kind), and the evidence passages.
///
/// Each cell lists its passages strongest first: the first [`EVIDENCE_PER_CELL`] are
/// `coverage.csv`'s evidence, and up to [`LISTED_PER_CELL`] follow behind "show all".
/// The "all" view adds up each system's kinds, and a theme is present there when that
/// sum reaches the presence rule's passages, as the legend says.
fn page_data(
    record: &RunRecord,
    passages: &[PassageRecord],
    coverage: &Coverage,
    kinds: &[DocKind],
) -> Value {
    let by_id: BTreeMap<&str, &PassageRecord> =
        passages.iter().map(|p| (p.id.as_str(), p)).collect();
    let doc_of: BTreeMap<&str, &super::DocumentRecord> = record
        .documents
        .iter()
        .map(|d| (d.id.as_str(), d))
        .collect();
    let systems: Vec<&str> = coverage
        .coverage
        .iter()
        .map(|r| r.ics.as_str())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let score = |id: &str, label: &str| {
        by_id
            .get(id)
            .and_then(|p| p.scores.get(label))
            .copied()
            .unwrap_or(0.0)
    };
    // Every labelled passage by (ics, kind, label), strongest first.
    let mut carrying: BTreeMap<(&str, DocKind, &str), Vec<&str>> = BTreeMap::new();
    for p in passages {
        for label in p.coded() {
            carrying
                .entry((p.ics.as_str(), p.kind, label.as_str()))
                .or_default()
                .push(p.id.as_str());
        }
    }
    for ((_, _, label), ids) in carrying.iter_mut() {
        ids.sort_by(|a, b| score(b, label).total_cmp(&score(a, label)));
    }
    let listed = |first: &[String], rest: &[&str]| -> Vec<String> {
        let mut ids: Vec<String> = first.to_vec();
        ids.extend(
            rest.iter()
                .filter(|id| !first.iter().any(|f| f == *id))
                .map(|id| id.to_string()),
        );
        ids.truncate(LISTED_PER_CELL);
        ids
    };

    let firmness = super::commitment_by_cell(record, passages);
    let strength_of = |ics: &str, kind: DocKind, label: &str| -> Option<&'static str> {
        record.commitment.as_ref()?;
        Some(firmness.get(&(ics, kind, label)).map_or("none", |f| f.0))
    };
    let mut views = serde_json::Map::new();
    let mut used: BTreeSet<String> = BTreeSet::new();
    for kind in kinds {
        let mut cells = serde_json::Map::new();
        for r in coverage.coverage.iter().filter(|r| r.kind == *kind) {
            let rest = carrying
                .get(&(r.ics.as_str(), r.kind, r.label.as_str()))
                .map_or(&[][..], Vec::as_slice);
            let ev = listed(&r.evidence, rest);
            used.extend(ev.iter().cloned());
            used.extend(r.near_miss.iter().cloned());
            cells.insert(
                format!("{}\u{1f}{}", r.ics, r.label),
                json!({"n": r.passages, "total": r.total, "share": r.share,
                "present": r.present, "ev": ev,
                "strength": strength_of(&r.ics, r.kind, &r.label),
                "near": r.near_miss,
                "p_missed": r.honest.p_missed,
                "share_adj": r.honest.share_adj.map(|s| [
                    s,
                    r.honest.share_adj_low.unwrap_or(s),
                    r.honest.share_adj_high.unwrap_or(s),
                ])}),
            );
        }
        views.insert(kind.as_str().to_string(), Value::Object(cells));
    }
    let mut all = serde_json::Map::new();
    for ics in &systems {
        for l in &record.labels {
            let rows: Vec<_> = coverage
                .coverage
                .iter()
                .filter(|r| r.ics == *ics && r.label == l.id)
                .collect();
            let n: usize = rows.iter().map(|r| r.passages).sum();
            let total: usize = rows.iter().map(|r| r.total).sum();
            let mut ids: Vec<&str> = kinds
                .iter()
                .filter_map(|k| carrying.get(&(*ics, *k, l.id.as_str())))
                .flatten()
                .copied()
                .collect();
            ids.sort_by(|a, b| score(b, &l.id).total_cmp(&score(a, &l.id)));
            let ev = listed(&[], &ids);
            used.extend(ev.iter().cloned());
            all.insert(
                format!("{ics}\u{1f}{}", l.id),
                json!({"n": n, "total": total,
                       "share": if total == 0 { 0.0 } else { n as f64 / total as f64 },
                       "present": n >= record.presence.min_passages, "ev": ev,
                       "strength": kinds
                           .iter()
                           .filter_map(|k| strength_of(ics, *k, &l.id))
                           .max_by_key(|s| crate::classify::commitment::rank(s))}),
            );
        }
    }
    views.insert("all".into(), Value::Object(all));

    let round_dir = round_folder(&record.round);
    let mut evidence = serde_json::Map::new();
    for id in &used {
        let Some(p) = by_id.get(id.as_str()) else {
            continue;
        };
        let doc = doc_of.get(p.doc.as_str());
        let file = doc.map(|d| d.file.clone()).unwrap_or_default();
        evidence.insert(
            id.to_string(),
            json!({
                "doc": doc.and_then(|d| d.title.clone()).unwrap_or_else(|| p.doc.clone()),
                "file": file,
                "href": source_link(round_dir.as_deref(), &file, p.page_first),
                "kind": p.kind.as_str(),
                "pages": match p.page_first {
                    Some(_) => p.citation(),
                    None => format!("para. {}", p.paragraph),
                },
                "heading": p.heading_path.join(" › "),
                "text": p.text,
                "labels": p.coded(),
                "reviewed": p.reviewed.is_some(),
                "scores": p.scores,
            }),
        );
    }

    json!({
        "labels": record.labels,
        "systems": systems,
        "kinds": kinds.iter().map(|k| json!({"id": k.as_str(), "name": k.plural()})).collect::<Vec<_>>(),
        "views": views,
        "evidence": evidence,
        "thresholds": record.thresholds,
        "shown": EVIDENCE_PER_CELL,
        "min_passages": record.presence.min_passages,
        "commitment": record.commitment.is_some(),
    })
}

/// The round's folder, absolute, when it can still be found: a round given as its
/// manifest file is that file's folder.
fn round_folder(round: &str) -> Option<std::path::PathBuf> {
    let path = std::path::Path::new(round).canonicalize().ok()?;
    if path.is_file() {
        path.parent().map(std::path::Path::to_path_buf)
    } else {
        Some(path)
    }
}

/// A `file://` link to a source document (at its page, for a PDF), or nothing when the
/// round's folder is not known.
fn source_link(round: Option<&std::path::Path>, file: &str, page: Option<u32>) -> Option<String> {
    let mut url = url::Url::from_file_path(round?.join(file)).ok()?;
    if let Some(page) = page {
        url.set_fragment(Some(&format!("page={page}")));
    }
    Some(url.into())
}
