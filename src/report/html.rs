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

    let national: Vec<NationalLine> = record
        .labels
        .iter()
        .map(|l| NationalLine {
            label: l.name.clone(),
            group: l.group.clone(),
            cells: kinds
                .iter()
                .map(|k| {
                    coverage
                        .national
                        .iter()
                        .find(|r| r.label == l.id && r.kind == *k)
                        .map(|r| format!("{} of {}", r.present, r.systems))
                        .unwrap_or_default()
                })
                .collect(),
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
            timings => V::from(Serde(&timings)),
            thresholds => V::from(Serde(&thresholds)),
            dev => V::from(Serde(&dev)),
            evidence_per_cell => EVIDENCE_PER_CELL,
            data_json => minijinja::Value::from_safe_string(data_json),
        })?;
    Ok(page)
}

/// The data the page's script draws from: labels, systems, one cell map per view
/// ("all" and each kind), and the evidence passages.
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

    let mut views = serde_json::Map::new();
    let mut used: BTreeSet<&str> = BTreeSet::new();
    for kind in kinds {
        let mut cells = serde_json::Map::new();
        for r in coverage.coverage.iter().filter(|r| r.kind == *kind) {
            used.extend(r.evidence.iter().map(String::as_str));
            cells.insert(
                format!("{}\u{1f}{}", r.ics, r.label),
                json!({"n": r.passages, "total": r.total, "share": r.share,
                       "present": r.present, "ev": r.evidence}),
            );
        }
        views.insert(kind.as_str().to_string(), Value::Object(cells));
    }
    // "all": every document of the system; present when present in any kind.
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
            let mut ev: Vec<&str> = rows
                .iter()
                .flat_map(|r| r.evidence.iter().map(String::as_str))
                .collect();
            ev.sort_by(|a, b| {
                let score = |id: &str| {
                    by_id
                        .get(id)
                        .and_then(|p| p.scores.get(&l.id))
                        .copied()
                        .unwrap_or(0.0)
                };
                score(b).total_cmp(&score(a))
            });
            ev.truncate(EVIDENCE_PER_CELL);
            all.insert(
                format!("{ics}\u{1f}{}", l.id),
                json!({"n": n, "total": total,
                       "share": if total == 0 { 0.0 } else { n as f64 / total as f64 },
                       "present": rows.iter().any(|r| r.present), "ev": ev}),
            );
        }
    }
    views.insert("all".into(), Value::Object(all));

    let mut evidence = serde_json::Map::new();
    for id in used {
        let Some(p) = by_id.get(id) else { continue };
        let doc = doc_of.get(p.doc.as_str());
        evidence.insert(
            id.to_string(),
            json!({
                "doc": doc.and_then(|d| d.title.clone()).unwrap_or_else(|| p.doc.clone()),
                "file": doc.map(|d| d.file.clone()).unwrap_or_default(),
                "kind": p.kind.as_str(),
                "pages": if p.page_first == p.page_last {
                    format!("p. {}", p.page_first)
                } else {
                    format!("pp. {}–{}", p.page_first, p.page_last)
                },
                "heading": p.heading_path.join(" › "),
                "text": p.text,
                "labels": p.labels,
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
    })
}
