//! Reading a reviewer's decisions back: from `evidence.csv` or `evidence.xlsx` with the
//! `accept` and `add_labels` columns filled, or from a `.qdpx` project coded further in
//! NVivo, ATLAS.ti, MAXQDA or QualCoder.

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use super::{Decision, Review};
use crate::report::{qdpx, PassageRecord, RunRecord};

#[derive(Debug, thiserror::Error)]
pub enum ReviewError {
    #[error("{file}: cannot read it ({why})", file = .0.display(), why = .1)]
    Read(PathBuf, String),
    #[error(
        "{}: not a reviewed file planthemes reads; give evidence.csv, evidence.xlsx or a .qdpx project",
        .0.display()
    )]
    Format(PathBuf),
    #[error("{file}: no column {col:?}; a reviewed evidence file needs `passage`, `theme_id` (or `theme`), and `accept` or `add_labels`", file = .0.display(), col = .1)]
    Column(PathBuf, &'static str),
    #[error("{file}: nothing recorded, because of {n} problem(s):\n  {list}", file = .0.display(), n = .1.len(), list = .1.join("\n  "))]
    Rows(PathBuf, Vec<String>),
}

/// The decisions in a reviewed file, checked against the run: every passage and label
/// it names must be in the run, or nothing is recorded.
pub fn read(
    path: &Path,
    run_dir: &Path,
    record: &RunRecord,
    passages: &[PassageRecord],
) -> Result<(Vec<Review>, Vec<String>), ReviewError> {
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    let labels = LabelNames::new(record);
    let known: BTreeSet<&str> = passages.iter().map(|p| p.id.as_str()).collect();
    match ext.as_str() {
        "csv" => {
            let table = read_csv(path)?;
            from_table(path, &table, &labels, &known, passages)
        }
        "xlsx" | "xlsm" => {
            let table = read_xlsx(path)?;
            from_table(path, &table, &labels, &known, passages)
        }
        "qdpx" => qdpx::read_review(path, run_dir, record, passages, &|name| labels.find(name)),
        _ => Err(ReviewError::Format(path.to_path_buf())),
    }
}

/// Label ids by id and by human name, case-insensitively.
struct LabelNames(HashMap<String, String>);

impl LabelNames {
    fn new(record: &RunRecord) -> LabelNames {
        let mut map = HashMap::new();
        for l in &record.labels {
            map.insert(l.name.trim().to_lowercase(), l.id.clone());
            map.insert(l.id.to_lowercase(), l.id.clone());
        }
        LabelNames(map)
    }

    fn find(&self, name: &str) -> Option<String> {
        self.0.get(&name.trim().to_lowercase()).cloned()
    }

    fn list(&self) -> String {
        let ids: BTreeSet<&str> = self.0.values().map(String::as_str).collect();
        ids.into_iter().collect::<Vec<_>>().join(", ")
    }
}

/// A header row and the rows under it, with each row's number as the file shows it.
struct Table {
    header: Vec<String>,
    rows: Vec<(usize, Vec<String>)>,
}

fn read_csv(path: &Path) -> Result<Table, ReviewError> {
    let bytes =
        std::fs::read(path).map_err(|e| ReviewError::Read(path.to_path_buf(), e.to_string()))?;
    // Excel saves "CSV" in the Windows code page unless told UTF-8; read both.
    let text = match std::str::from_utf8(&bytes) {
        Ok(t) => t.to_string(),
        Err(_) => encoding_rs::WINDOWS_1252.decode(&bytes).0.into_owned(),
    };
    let text = text.trim_start_matches('\u{feff}');
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .has_headers(false)
        .from_reader(text.as_bytes());
    let mut rows = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let record = record.map_err(|e| ReviewError::Read(path.to_path_buf(), e.to_string()))?;
        let line = record.position().map_or(i + 1, |p| p.line() as usize);
        rows.push((line, record.iter().map(str::to_string).collect::<Vec<_>>()));
    }
    if rows.is_empty() {
        return Err(ReviewError::Read(path.to_path_buf(), "it is empty".into()));
    }
    let header = rows.remove(0).1;
    Ok(Table { header, rows })
}

fn read_xlsx(path: &Path) -> Result<Table, ReviewError> {
    use calamine::Reader;
    let fail = |e: String| ReviewError::Read(path.to_path_buf(), e);
    let mut book: calamine::Xlsx<_> =
        calamine::open_workbook(path).map_err(|e: calamine::XlsxError| fail(e.to_string()))?;
    let names = book.sheet_names();
    let sheet = names
        .iter()
        .find(|n| n.eq_ignore_ascii_case("evidence"))
        .or_else(|| names.first())
        .cloned()
        .ok_or_else(|| fail("it has no sheets".into()))?;
    let range = book
        .worksheet_range(&sheet)
        .map_err(|e| fail(e.to_string()))?;
    let first = range.start().map_or(0, |(r, _)| r as usize);
    let mut rows: Vec<(usize, Vec<String>)> = range
        .rows()
        .enumerate()
        .map(|(i, row)| {
            (
                first + i + 1,
                row.iter().map(|c| c.to_string()).collect::<Vec<_>>(),
            )
        })
        .collect();
    if rows.is_empty() {
        return Err(fail(format!("sheet {sheet:?} is empty")));
    }
    let header = rows.remove(0).1;
    Ok(Table { header, rows })
}

fn from_table(
    path: &Path,
    table: &Table,
    labels: &LabelNames,
    known: &BTreeSet<&str>,
    passages: &[PassageRecord],
) -> Result<(Vec<Review>, Vec<String>), ReviewError> {
    let column = |name: &str| {
        table.header.iter().position(|h| {
            h.trim()
                .trim_start_matches('\u{feff}')
                .eq_ignore_ascii_case(name)
        })
    };
    let passage_col =
        column("passage").ok_or(ReviewError::Column(path.to_path_buf(), "passage"))?;
    let label_col = column("theme_id").or_else(|| column("theme"));
    let accept_col = column("accept");
    let add_col = column("add_labels");
    if accept_col.is_none() && add_col.is_none() {
        return Err(ReviewError::Column(path.to_path_buf(), "accept"));
    }
    if accept_col.is_some() && label_col.is_none() {
        return Err(ReviewError::Column(path.to_path_buf(), "theme_id"));
    }
    let machine: HashMap<&str, &PassageRecord> =
        passages.iter().map(|p| (p.id.as_str(), p)).collect();
    let file = path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    let recorded = now();
    let (mut out, mut problems) = (Vec::new(), Vec::new());
    for (line, row) in &table.rows {
        let cell = |c: Option<usize>| c.and_then(|c| row.get(c)).map_or("", |s| s.trim());
        let passage = cell(Some(passage_col));
        let accept = cell(accept_col);
        let add = cell(add_col);
        if passage.is_empty() && accept.is_empty() && add.is_empty() {
            continue;
        }
        let at = format!("row {line}");
        if accept.is_empty() && add.is_empty() {
            continue;
        }
        if !known.contains(passage) {
            problems.push(format!("{at}: no passage {passage:?} in this run"));
            continue;
        }
        let review = |label: String, decision| Review {
            passage: passage.to_string(),
            label,
            decision,
            source: format!("{file} {at}"),
            recorded: recorded.clone(),
        };
        if !accept.is_empty() {
            let name = cell(label_col);
            match (labels.find(name), yes_no(accept)) {
                (None, _) => problems.push(format!(
                    "{at}: no theme {name:?} (themes: {})",
                    labels.list()
                )),
                (_, None) => problems.push(format!(
                    "{at}: accept is {accept:?}; write yes or no (or leave it empty)"
                )),
                (Some(label), Some(yes)) => out.push(review(
                    label,
                    if yes {
                        Decision::Accept
                    } else {
                        Decision::Reject
                    },
                )),
            }
        }
        for name in add
            .split([',', ';', '|', '\n'])
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            match labels.find(name) {
                None => problems.push(format!(
                    "{at}: add_labels names {name:?}, which is not a theme (themes: {})",
                    labels.list()
                )),
                Some(label) => {
                    // Adding what the machine already gave confirms it.
                    let decision = if machine[passage].labels.contains(&label) {
                        Decision::Accept
                    } else {
                        Decision::Add
                    };
                    out.push(review(label, decision));
                }
            }
        }
    }
    if !problems.is_empty() {
        problems.truncate(20);
        return Err(ReviewError::Rows(path.to_path_buf(), problems));
    }
    Ok((out, Vec::new()))
}

/// `yes`/`no` as a reviewer (or a spreadsheet) may write them.
fn yes_no(value: &str) -> Option<bool> {
    match value.trim().to_ascii_lowercase().as_str() {
        "yes" | "y" | "true" | "1" | "accept" | "accepted" | "✓" => Some(true),
        "no" | "n" | "false" | "0" | "reject" | "rejected" | "✗" => Some(false),
        _ => None,
    }
}

pub(crate) fn now() -> String {
    let now: chrono::DateTime<chrono::Utc> = std::time::SystemTime::now().into();
    now.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yes_and_no_in_a_reviewer_s_words() {
        assert_eq!(yes_no(" Yes"), Some(true));
        assert_eq!(yes_no("TRUE"), Some(true));
        assert_eq!(yes_no("n"), Some(false));
        assert_eq!(yes_no("maybe"), None);
    }
}
