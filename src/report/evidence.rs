//! The analyst's hand-off: every coded passage × label with its true citation, as
//! `evidence.csv` (UTF-8 with a byte-order mark, so Excel reads `’` and `–`) and as
//! `evidence.xlsx`, whose other sheets carry coverage, the national summary and
//! alignment with human theme names and frozen headers.
//!
//! Both files are also the reviewer's form: fill `accept` (yes/no) and `add_labels`
//! (theme ids or names) and give the file to `planthemes review`.

use std::collections::HashMap;
use std::io::{self, Write};

use rust_xlsxwriter::{Format, Workbook, Worksheet, XlsxError};

use super::{DocumentRecord, PassageRecord, RunRecord};
use crate::aggregate::Coverage;
use crate::review::Reviews;

/// The columns of `evidence.csv` and of the workbook's Evidence sheet.
pub const COLUMNS: [&str; 20] = [
    "passage",
    "ics",
    "document",
    "kind",
    "year",
    "file",
    "location",
    "pages",
    "section",
    "paragraph",
    "theme",
    "theme_id",
    "score",
    "commitment",
    "coded_by",
    "reviewed",
    "accept",
    "add_labels",
    "text",
    "document_text",
];

/// The free-text columns, which `evidence.csv` writes spreadsheet-safe
/// ([`super::sheet_text`]); the workbook writes every cell as a string, so it needs no
/// such care.
const TEXT_COLUMNS: [&str; 6] = [
    "document",
    "file",
    "location",
    "section",
    "text",
    "document_text",
];

/// One row: a passage and one of its labels.
pub struct Row<'a> {
    pub passage: &'a PassageRecord,
    pub document: Option<&'a DocumentRecord>,
    pub label: &'a str,
    pub name: &'a str,
    /// `machine`, or `reviewer` for a label a reviewer added.
    pub coded_by: &'static str,
    /// `accepted`, `rejected`, `added`, or empty.
    pub reviewed: &'static str,
}

impl Row<'_> {
    fn cells(&self) -> [String; 20] {
        let p = self.passage;
        let d = self.document;
        let pages = match (p.page_first, p.page_last) {
            (Some(a), Some(b)) if a != b => format!("{a}–{b}"),
            (Some(a), _) => a.to_string(),
            _ => String::new(),
        };
        [
            p.id.clone(),
            p.ics.clone(),
            d.and_then(|d| d.title.clone())
                .unwrap_or_else(|| p.doc.clone()),
            p.kind.as_str().to_string(),
            d.and_then(|d| d.year.clone()).unwrap_or_default(),
            d.map(|d| d.file.clone()).unwrap_or_default(),
            p.citation(),
            pages,
            p.heading_path.join(" › "),
            p.paragraph.to_string(),
            self.name.to_string(),
            self.label.to_string(),
            p.scores
                .get(self.label)
                .map(|s| format!("{s:.4}"))
                .unwrap_or_default(),
            p.commitment.join(", "),
            self.coded_by.to_string(),
            self.reviewed.to_string(),
            String::new(),
            String::new(),
            p.text.clone(),
            d.and_then(|d| d.text.clone()).unwrap_or_default(),
        ]
    }
}

/// Every coded passage × label: the machine's labels (rejected ones too, marked so)
/// and the labels reviewers added, in passage order and taxonomy order.
pub fn rows<'a>(
    record: &'a RunRecord,
    passages: &'a [PassageRecord],
    reviews: &Reviews,
) -> Vec<Row<'a>> {
    let documents: HashMap<&str, &DocumentRecord> = record
        .documents
        .iter()
        .map(|d| (d.id.as_str(), d))
        .collect();
    let mut out = Vec::new();
    for p in passages {
        for l in &record.labels {
            let machine = p.labels.contains(&l.id);
            let decision = reviews.decision(&p.id, &l.id);
            let added = p.coded().contains(&l.id) && !machine;
            if !machine && !added {
                continue;
            }
            out.push(Row {
                passage: p,
                document: documents.get(p.doc.as_str()).copied(),
                label: &l.id,
                name: &l.name,
                coded_by: if machine { "machine" } else { "reviewer" },
                reviewed: decision.map_or("", |d| d.as_str()),
            });
        }
    }
    out
}

/// `evidence.csv`, with a byte-order mark.
pub fn write_csv(w: &mut dyn Write, rows: &[Row<'_>]) -> io::Result<()> {
    w.write_all("\u{feff}".as_bytes())?;
    let mut out = csv::Writer::from_writer(w);
    out.write_record(COLUMNS)?;
    for row in rows {
        let mut cells = row.cells();
        for (name, cell) in COLUMNS.iter().zip(cells.iter_mut()) {
            if TEXT_COLUMNS.contains(name) {
                if let std::borrow::Cow::Owned(safe) = super::sheet_text(cell) {
                    *cell = safe;
                }
            }
        }
        out.write_record(&cells)?;
    }
    out.flush()
}

/// Excel's limit on the characters in a cell.
const CELL_MAX: usize = 32_767;

/// `evidence.xlsx`: Evidence, Coverage, Summary and Alignment sheets.
pub fn workbook(
    record: &RunRecord,
    rows: &[Row<'_>],
    coverage: &Coverage,
) -> Result<Vec<u8>, XlsxError> {
    let names: HashMap<&str, &str> = record
        .labels
        .iter()
        .map(|l| (l.id.as_str(), l.name.as_str()))
        .collect();
    let name = |id: &str| names.get(id).copied().unwrap_or(id).to_string();
    let mut book = Workbook::new();
    let bold = Format::new().set_bold();

    let sheet = book.add_worksheet().set_name("Evidence")?;
    let cells: Vec<Vec<Cell>> = rows
        .iter()
        .map(|r| {
            let c = r.cells();
            c.into_iter()
                .enumerate()
                .map(|(i, v)| match COLUMNS[i] {
                    "score" | "paragraph" => v.parse().map(Cell::Number).unwrap_or(Cell::Text(v)),
                    _ => Cell::Text(v),
                })
                .collect()
        })
        .collect();
    table(sheet, &COLUMNS, &cells, &bold)?;
    for (i, width) in [
        14, 22, 30, 9, 7, 24, 28, 7, 28, 6, 26, 18, 7, 9, 9, 8, 14, 90, 24,
    ]
    .iter()
    .enumerate()
    {
        sheet.set_column_width(i as u16, *width)?;
    }

    let sheet = book.add_worksheet().set_name("Coverage")?;
    let header = [
        "ICS",
        "kind",
        "theme",
        "theme_id",
        "passages",
        "total",
        "share",
        "present",
        "max_score",
        "evidence",
    ];
    let cells: Vec<Vec<Cell>> = coverage
        .coverage
        .iter()
        .map(|r| {
            vec![
                Cell::Text(r.ics.clone()),
                Cell::Text(r.kind.as_str().into()),
                Cell::Text(name(&r.label)),
                Cell::Text(r.label.clone()),
                Cell::Number(r.passages as f64),
                Cell::Number(r.total as f64),
                Cell::Number(r.share),
                Cell::Text(if r.present { "yes" } else { "no" }.into()),
                if r.max_score.is_finite() {
                    Cell::Number(f64::from(r.max_score))
                } else {
                    Cell::Text(String::new())
                },
                Cell::Text(r.evidence.join("; ")),
            ]
        })
        .collect();
    table(sheet, &header, &cells, &bold)?;
    sheet.set_column_width(0, 40)?;
    sheet.set_column_width(2, 30)?;
    sheet.set_column_width(9, 40)?;

    let sheet = book.add_worksheet().set_name("Summary")?;
    let header = [
        "theme",
        "theme_id",
        "group",
        "kind",
        "present",
        "systems",
        "share",
        "passages",
        "statement",
    ];
    let cells: Vec<Vec<Cell>> = coverage
        .national
        .iter()
        .map(|r| {
            let group = record.group_of(&r.label);
            let share = r.share();
            vec![
                Cell::Text(name(&r.label)),
                Cell::Text(r.label.clone()),
                Cell::Text(group.into()),
                Cell::Text(r.kind.as_str().into()),
                Cell::Number(r.present as f64),
                Cell::Number(r.systems as f64),
                Cell::Number(share),
                Cell::Number(r.passages as f64),
                Cell::Text(format!(
                    "{} of {} {} · {}",
                    r.present,
                    r.systems,
                    r.kind.plural(),
                    name(&r.label)
                )),
            ]
        })
        .collect();
    table(sheet, &header, &cells, &bold)?;
    sheet.set_column_width(0, 30)?;
    sheet.set_column_width(8, 50)?;

    let sheet = book.add_worksheet().set_name("Alignment")?;
    let header = [
        "ICS",
        "kind_a",
        "kind_b",
        "theme",
        "theme_id",
        "present_a",
        "present_b",
        "share_a",
        "share_b",
        "change",
        "profile_cosine",
    ];
    let cells: Vec<Vec<Cell>> = coverage
        .alignment
        .iter()
        .map(|r| {
            vec![
                Cell::Text(r.ics.clone()),
                Cell::Text(r.kind_a.as_str().into()),
                Cell::Text(r.kind_b.as_str().into()),
                Cell::Text(name(&r.label)),
                Cell::Text(r.label.clone()),
                Cell::Text(if r.present_a { "yes" } else { "no" }.into()),
                Cell::Text(if r.present_b { "yes" } else { "no" }.into()),
                Cell::Number(r.share_a),
                Cell::Number(r.share_b),
                Cell::Text(r.change.as_str().into()),
                Cell::Number(r.profile_cosine),
            ]
        })
        .collect();
    table(sheet, &header, &cells, &bold)?;
    sheet.set_column_width(0, 40)?;
    sheet.set_column_width(3, 30)?;

    book.save_to_buffer()
}

enum Cell {
    Text(String),
    Number(f64),
}

/// A header row (bold, frozen, with filters) and the rows under it.
fn table(
    sheet: &mut Worksheet,
    header: &[&str],
    rows: &[Vec<Cell>],
    bold: &Format,
) -> Result<(), XlsxError> {
    for (c, h) in header.iter().enumerate() {
        sheet.write_string_with_format(0, c as u16, *h, bold)?;
    }
    for (r, row) in rows.iter().enumerate() {
        let r = r as u32 + 1;
        for (c, cell) in row.iter().enumerate() {
            match cell {
                Cell::Text(t) if t.is_empty() => {}
                Cell::Text(t) => {
                    sheet.write_string(r, c as u16, clip(t))?;
                }
                Cell::Number(n) if n.is_finite() => {
                    sheet.write_number(r, c as u16, *n)?;
                }
                Cell::Number(_) => {}
            }
        }
    }
    sheet.set_freeze_panes(1, 0)?;
    sheet.autofilter(
        0,
        0,
        rows.len() as u32,
        header.len().saturating_sub(1) as u16,
    )?;
    Ok(())
}

/// A cell's text within Excel's limit (a passage is far shorter; a table row read as
/// one paragraph may not be).
fn clip(text: &str) -> &str {
    if text.chars().count() <= CELL_MAX {
        return text;
    }
    let end = text
        .char_indices()
        .nth(CELL_MAX)
        .map_or(text.len(), |(i, _)| i);
    &text[..end]
}
