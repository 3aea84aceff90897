//! Rounds: which ICS and which kind of plan each document is.
//!
//! A round folder may hold `manifest.csv` (`file,ics,kind,title,year`); without one,
//! or for files it does not list, the ICS is inferred from the folder and file names
//! and the first pages, matched against `corpus/ics.csv` (names, ICB names, short
//! forms and aliases people really use), and the kind (strategy, jfp, hwb, other)
//! from title words. Every guess says what it rests on and how sure it is.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

/// The kinds of plan document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DocKind {
    Strategy,
    Jfp,
    Hwb,
    Other,
}

impl DocKind {
    pub fn parse(s: &str) -> Option<DocKind> {
        match s.trim().to_ascii_lowercase().as_str() {
            "strategy" | "ics" | "integrated care strategy" => Some(DocKind::Strategy),
            "jfp" | "joint forward plan" => Some(DocKind::Jfp),
            "hwb" | "hwbs" | "health and wellbeing strategy" => Some(DocKind::Hwb),
            "other" => Some(DocKind::Other),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            DocKind::Strategy => "strategy",
            DocKind::Jfp => "jfp",
            DocKind::Hwb => "hwb",
            DocKind::Other => "other",
        }
    }

    /// The kind in a sentence: "5 of 8 strategies".
    pub fn plural(self) -> &'static str {
        match self {
            DocKind::Strategy => "strategies",
            DocKind::Jfp => "joint forward plans",
            DocKind::Hwb => "health and wellbeing strategies",
            DocKind::Other => "other documents",
        }
    }
}

/// How sure a guess is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Confidence {
    /// Given in the manifest.
    Given,
    High,
    Medium,
    Low,
    None,
}

impl Confidence {
    pub fn as_str(self) -> &'static str {
        match self {
            Confidence::Given => "given",
            Confidence::High => "high",
            Confidence::Medium => "medium",
            Confidence::Low => "low",
            Confidence::None => "none",
        }
    }
}

/// One of the 42 systems.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Ics {
    pub number: u32,
    pub name: String,
    pub nhs_region: String,
    pub icb_name: String,
    pub short_name: String,
    /// Semicolon-separated in the file.
    #[serde(deserialize_with = "split_aliases")]
    pub aliases: Vec<String>,
}

fn split_aliases<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    let s = String::deserialize(d)?;
    Ok(s.split(';')
        .map(str::trim)
        .filter(|a| !a.is_empty())
        .map(String::from)
        .collect())
}

/// The ICS table.
#[derive(Debug, Clone)]
pub struct IcsTable {
    pub systems: Vec<Ics>,
    /// Normalised phrase → (system index, weight: longer and more official is heavier).
    phrases: Vec<(String, usize, f64)>,
}

/// Lower-case words joined by single spaces, `&` kept, `'` and `’` dropped.
fn normalise(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push(' ');
    let mut space = true;
    for c in text.chars() {
        if c.is_alphanumeric() || c == '&' {
            out.extend(c.to_lowercase());
            space = false;
        } else if c == '\'' || c == '’' {
        } else if !space {
            out.push(' ');
            space = true;
        }
    }
    if !space {
        out.push(' ');
    }
    out
}

impl IcsTable {
    pub fn load(path: &Path) -> anyhow::Result<Self> {
        let mut reader =
            csv::Reader::from_path(path).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
        let systems = reader
            .deserialize()
            .enumerate()
            .map(|(i, r)| r.map_err(|e| anyhow::anyhow!("{}: row {}: {e}", path.display(), i + 2)))
            .collect::<anyhow::Result<Vec<Ics>>>()?;
        Ok(Self::new(systems))
    }

    pub fn new(systems: Vec<Ics>) -> Self {
        let mut phrases = Vec::new();
        for (i, s) in systems.iter().enumerate() {
            phrases.push((normalise(&s.name), i, 3.0));
            phrases.push((normalise(&s.icb_name), i, 3.0));
            phrases.push((normalise(&s.short_name), i, 2.0));
            for a in &s.aliases {
                let weight = if a.split_whitespace().count() >= 2 {
                    2.0
                } else {
                    1.0
                };
                phrases.push((normalise(a), i, weight));
            }
        }
        phrases.retain(|(p, _, _)| p.trim().len() >= 2);
        IcsTable { systems, phrases }
    }

    /// Finds the system a name or name-like string refers to (manifest values).
    pub fn lookup(&self, name: &str) -> Option<usize> {
        let n = normalise(name);
        self.phrases
            .iter()
            .find(|(p, _, _)| *p == n)
            .map(|(_, i, _)| *i)
    }

    /// Scores systems by the phrases found in `sources` (each with a weight: names
    /// count more than body text). Returns the best, its confidence and the evidence.
    pub fn infer(&self, sources: &[(&str, f64)]) -> (Option<usize>, Confidence, String) {
        let mut scores: HashMap<usize, (f64, Vec<String>)> = HashMap::new();
        for (text, source_weight) in sources {
            let hay = normalise(text);
            for (phrase, i, weight) in &self.phrases {
                if hay.contains(phrase.as_str()) {
                    let entry = scores.entry(*i).or_default();
                    entry.0 += weight * source_weight;
                    let shown = phrase.trim().to_string();
                    if !entry.1.contains(&shown) {
                        entry.1.push(shown);
                    }
                }
            }
        }
        let mut ranked: Vec<(usize, f64, Vec<String>)> =
            scores.into_iter().map(|(i, (s, e))| (i, s, e)).collect();
        ranked.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        match ranked.as_slice() {
            [] => (None, Confidence::None, "no ICS name or alias found".into()),
            [(i, score, evidence), rest @ ..] => {
                let runner_up = rest.first().map_or(0.0, |r| r.1);
                let confidence = if *score >= 6.0 && *score >= 3.0 * runner_up {
                    Confidence::High
                } else if *score >= 2.0 && *score >= 1.5 * runner_up {
                    Confidence::Medium
                } else {
                    Confidence::Low
                };
                let mut why = format!(
                    "matched {}",
                    evidence
                        .iter()
                        .take(4)
                        .map(|e| format!("{e:?}"))
                        .collect::<Vec<_>>()
                        .join(", ")
                );
                if let Some(r) = rest.first() {
                    why.push_str(&format!(
                        "; runner-up {} ({:.0} vs {:.0})",
                        self.systems[r.0].short_name, r.1, score
                    ));
                }
                (Some(*i), confidence, why)
            }
        }
    }
}

/// The kind of plan from title or file-name words.
pub fn infer_kind(text: &str) -> (DocKind, Confidence) {
    let t = normalise(text);
    let has = |p: &str| t.contains(&format!(" {p} "));
    if has("joint forward plan") || has("jfp") || has("forward plan") {
        (DocKind::Jfp, Confidence::High)
    } else if has("health and wellbeing strategy")
        || has("health and well being strategy")
        || has("hwbs")
        || has("jhwbs")
    {
        (DocKind::Hwb, Confidence::High)
    } else if has("integrated care strategy")
        || has("interim strategy")
        || has("integrated care partnership strategy")
    {
        (DocKind::Strategy, Confidence::High)
    } else if has("wellbeing") || has("hwb") {
        (DocKind::Hwb, Confidence::Medium)
    } else if has("strategy") {
        (DocKind::Strategy, Confidence::Medium)
    } else if has("plan") {
        (DocKind::Jfp, Confidence::Low)
    } else {
        (DocKind::Other, Confidence::Low)
    }
}

/// One row of `manifest.csv`.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ManifestRow {
    /// The row's line in the file (the header is line 1), for messages.
    #[serde(skip)]
    pub line: u64,
    #[serde(default)]
    pub file: PathBuf,
    #[serde(default)]
    pub ics: String,
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub year: String,
}

/// Reads a manifest; errors name the row.
pub fn read_manifest(path: &Path) -> anyhow::Result<Vec<ManifestRow>> {
    let file = std::fs::File::open(path).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
    parse_manifest(file).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))
}

/// Parses manifest CSV; errors name the line. Blank rows are kept (with an empty
/// `file`) so the round can say it ignored them.
pub fn parse_manifest(input: impl std::io::Read) -> anyhow::Result<Vec<ManifestRow>> {
    let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(input);
    let headers = reader.headers()?.clone();
    if !headers.iter().any(|h| h.trim() == "file") {
        anyhow::bail!("line 1: no `file` column (expected file,ics,kind,title,year)");
    }
    let mut rows = Vec::new();
    for record in reader.records() {
        let mut record = record?;
        let line = record.position().map_or(0, |p| p.line());
        // A short row (`a.pdf,Devon`) leaves the rest blank, as a spreadsheet does.
        while record.len() < headers.len() {
            record.push_field("");
        }
        let mut row: ManifestRow = record
            .deserialize(Some(&headers))
            .map_err(|e| anyhow::anyhow!("line {line}: {e}"))?;
        row.line = line;
        rows.push(row);
    }
    Ok(rows)
}

/// What a manifest row says that the round cannot use as given: an ICS not in the
/// table, a kind that is not one of ours, a year that is not a year.
pub fn row_doubts(row: &ManifestRow, table: &IcsTable) -> Vec<String> {
    let mut doubts = Vec::new();
    let ics = row.ics.trim();
    if !ics.is_empty() && table.lookup(ics).is_none() {
        doubts.push(format!(
            "ICS {ics:?} is not in the ICS table (corpus/ics.csv); kept as written"
        ));
    }
    let kind = row.kind.trim();
    if !kind.is_empty() && DocKind::parse(kind).is_none() {
        doubts.push(format!(
            "kind {kind:?} is not strategy, jfp, hwb or other; guessed from the document"
        ));
    }
    let year = row.year.trim();
    if !year.is_empty() && !is_year(year) {
        doubts.push(format!(
            "year {year:?} is not a year like 2024 or 2024/25; kept as written"
        ));
    }
    doubts
}

/// `2024`, `2024/25`, `2024-25` or `2024/2025`, in 1990–2100.
fn is_year(s: &str) -> bool {
    let (Some(first), Some(rest)) = (s.get(..4), s.get(4..)) else {
        return false;
    };
    let Ok(year) = first.parse::<u32>() else {
        return false;
    };
    (1990..=2100).contains(&year)
        && (rest.is_empty()
            || rest.strip_prefix(['/', '-']).is_some_and(|r| {
                (r.len() == 2 || r.len() == 4) && r.bytes().all(|b| b.is_ascii_digit())
            }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table() -> IcsTable {
        IcsTable::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus/ics.csv")).unwrap()
    }

    #[test]
    fn manifest_rows_know_their_line_and_blank_rows_are_kept_to_be_reported() {
        let rows = parse_manifest(
            "file,ics,kind,title,year\na.pdf,Devon,jfp,,2024\n,,,,\n\"two\nlines.pdf\",NENC,hwb,,\nshort.pdf,Devon\n"
                .as_bytes(),
        )
        .unwrap();
        let lines: Vec<u64> = rows.iter().map(|r| r.line).collect();
        assert_eq!(lines, [2, 3, 4, 6]);
        assert!(rows[1].file.as_os_str().is_empty());
        assert_eq!(rows[3].ics, "Devon");
        assert_eq!(rows[3].kind, "");
        assert!(parse_manifest("name,ics\na.pdf,Devon\n".as_bytes())
            .unwrap_err()
            .to_string()
            .contains("no `file` column"));
    }

    #[test]
    fn doubts_name_an_unknown_ics_kind_or_year() {
        let t = table();
        let row = |ics: &str, kind: &str, year: &str| ManifestRow {
            file: "a.pdf".into(),
            ics: ics.into(),
            kind: kind.into(),
            year: year.into(),
            ..ManifestRow::default()
        };
        assert!(row_doubts(&row("Devon", "jfp", "2024/25"), &t).is_empty());
        assert!(row_doubts(&row("", "", ""), &t).is_empty());
        let doubts = row_doubts(&row("banana", "annual plan", "notayear"), &t);
        assert_eq!(doubts.len(), 3, "{doubts:?}");
        assert!(doubts[0].contains("\"banana\""));
        assert!(doubts[1].contains("annual plan"));
        assert!(doubts[2].contains("notayear"));
        for bad in ["20é4", "1850", "2024/5", "2024/abcd", "202"] {
            assert!(!is_year(bad), "{bad}");
        }
        for good in ["2024", "2023-24", "2023/2024"] {
            assert!(is_year(good), "{good}");
        }
    }

    #[test]
    fn the_table_has_42_systems() {
        assert_eq!(table().systems.len(), 42);
    }

    #[test]
    fn infers_the_ics_from_names_short_forms_and_icb_names() {
        let t = table();
        let name = |i: Option<usize>| i.map(|i| t.systems[i].short_name.clone());
        let (i, c, _) = t.infer(&[("BNSSG_joint_forward_plan_2024.pdf", 3.0)]);
        assert_eq!(name(i).as_deref(), Some("BNSSG"));
        assert!(c <= Confidence::Medium);
        let (i, c, why) = t.infer(&[("NHS Devon Integrated Care Board joint forward plan", 1.0)]);
        assert_eq!(name(i).as_deref(), Some("Devon"));
        assert_eq!(c, Confidence::High, "{why}");
        let (i, c, _) = t.infer(&[("plan.pdf", 3.0), ("Our plan for local people", 1.0)]);
        assert_eq!((i, c), (None, Confidence::None));
        assert_eq!(
            name(t.lookup("NENC")).as_deref(),
            Some("North East and North Cumbria")
        );
    }

    #[test]
    fn infers_the_kind_from_title_words() {
        assert_eq!(infer_kind("Joint Forward Plan 2023-2028").0, DocKind::Jfp);
        assert_eq!(
            infer_kind("Joint Local Health and Wellbeing Strategy").0,
            DocKind::Hwb
        );
        assert_eq!(
            infer_kind("Interim Integrated Care Strategy").0,
            DocKind::Strategy
        );
        assert_eq!(infer_kind("Annual report").0, DocKind::Other);
    }
}
