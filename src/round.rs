//! A round: the documents of one review, and which ICS and kind of plan each is.
//!
//! A round is a folder of documents, optionally with `manifest.csv`
//! (`file,ics,kind,title,year`), or a manifest file itself (then only the files it
//! lists). What the manifest does not say is inferred, after the document is read,
//! from its folder and file names, its title and its first pages, and every guess
//! says what it rests on and how sure it is ([`Identity`]).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::ingest::manifest::{infer_kind, read_manifest, IcsTable, ManifestRow};
pub use crate::ingest::manifest::{Confidence, DocKind};
use crate::ingest::Document;

/// The manifest's file name inside a round folder.
pub const MANIFEST: &str = "manifest.csv";

/// A round that cannot be planned at all.
#[derive(Debug, thiserror::Error)]
pub enum RoundError {
    #[error("{}: no such folder or manifest; give a round folder or its manifest.csv", .0.display())]
    Missing(PathBuf),
    #[error("{}: cannot list the folder ({reason})", .0.display(), reason = .1)]
    List(PathBuf, String),
    #[error("{0}")]
    Manifest(String),
    #[error("{}: the round has no documents", .0.display())]
    Empty(PathBuf),
}

/// One document to read, with what the manifest says of it.
#[derive(Debug, Clone)]
pub struct Planned {
    pub path: PathBuf,
    /// The path relative to the round folder, `/`-separated: shown in reports.
    pub file: String,
    /// Stable id: `file` without its extension.
    pub id: String,
    pub row: Option<ManifestRow>,
}

/// A listed file that does not exist, or a manifest row that is unusable.
#[derive(Debug, Clone)]
pub struct PlanProblem {
    pub file: String,
    pub reason: String,
}

/// What will be read.
#[derive(Debug, Clone)]
pub struct Plan {
    /// The round folder.
    pub root: PathBuf,
    pub manifest: Option<PathBuf>,
    pub documents: Vec<Planned>,
    pub problems: Vec<PlanProblem>,
}

/// Which ICS and kind a document is, and why we think so.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Identity {
    /// The ICS's name as written in `corpus/ics.csv`, or as the manifest gives it when
    /// it names no ICS there; `"unknown"` when nothing matched.
    pub ics: String,
    pub ics_confidence: Confidence,
    pub ics_basis: String,
    pub kind: DocKind,
    pub kind_confidence: Confidence,
    pub kind_basis: String,
    pub title: Option<String>,
    pub year: Option<String>,
}

/// The name used for documents whose ICS could not be told.
pub const UNKNOWN_ICS: &str = "unknown";

/// Lists a round: `input` is a folder (with or without `manifest.csv`) or a manifest.
pub fn plan(input: &Path) -> Result<Plan, RoundError> {
    if input.is_file() {
        let root = input
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."))
            .to_path_buf();
        let rows = read_manifest(input).map_err(|e| RoundError::Manifest(format!("{e:#}")))?;
        let mut plan = Plan {
            root: root.clone(),
            manifest: Some(input.to_path_buf()),
            documents: Vec::new(),
            problems: Vec::new(),
        };
        for row in rows {
            add_listed(&mut plan, row);
        }
        if plan.documents.is_empty() && plan.problems.is_empty() {
            return Err(RoundError::Empty(input.to_path_buf()));
        }
        return Ok(plan);
    }
    if !input.is_dir() {
        return Err(RoundError::Missing(input.to_path_buf()));
    }
    let manifest = input.join(MANIFEST);
    let mut plan = Plan {
        root: input.to_path_buf(),
        manifest: manifest.is_file().then(|| manifest.clone()),
        documents: Vec::new(),
        problems: Vec::new(),
    };
    let mut listed = BTreeSet::new();
    if plan.manifest.is_some() {
        let rows = read_manifest(&manifest).map_err(|e| RoundError::Manifest(format!("{e:#}")))?;
        for row in rows {
            listed.insert(slash(&row.file));
            add_listed(&mut plan, row);
        }
    }
    let mut files = Vec::new();
    walk(input, input, &mut files)?;
    files.sort();
    for rel in files {
        if rel == MANIFEST || listed.contains(&rel) {
            continue;
        }
        plan.documents.push(Planned {
            path: input.join(&rel),
            id: strip_extension(&rel),
            file: rel,
            row: None,
        });
    }
    if plan.documents.is_empty() && plan.problems.is_empty() {
        return Err(RoundError::Empty(input.to_path_buf()));
    }
    Ok(plan)
}

fn add_listed(plan: &mut Plan, row: ManifestRow) {
    let rel = slash(&row.file);
    let path = plan.root.join(&row.file);
    if !path.is_file() {
        plan.problems.push(PlanProblem {
            file: rel,
            reason: format!("listed in {MANIFEST} but not found at {}", path.display()),
        });
        return;
    }
    plan.documents.push(Planned {
        path,
        id: strip_extension(&rel),
        file: rel,
        row: Some(row),
    });
}

/// Files under `dir`, relative to `root`, skipping hidden files and folders and the
/// output folders of earlier runs (users often write `--out ROUND/out`).
fn walk(root: &Path, dir: &Path, out: &mut Vec<String>) -> Result<(), RoundError> {
    if dir.join("report.json").is_file() && dir.join("passages.jsonl").is_file() {
        return Ok(());
    }
    let entries =
        std::fs::read_dir(dir).map_err(|e| RoundError::List(dir.to_path_buf(), e.to_string()))?;
    for entry in entries {
        let entry = entry.map_err(|e| RoundError::List(dir.to_path_buf(), e.to_string()))?;
        let name = entry.file_name();
        if name.to_string_lossy().starts_with('.') {
            continue;
        }
        let path = entry.path();
        if path.is_dir() {
            walk(root, &path, out)?;
        } else if let Ok(rel) = path.strip_prefix(root) {
            out.push(slash(rel));
        }
    }
    Ok(())
}

fn slash(path: &Path) -> String {
    path.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

fn strip_extension(rel: &str) -> String {
    match rel.rfind('.') {
        Some(dot) if dot > rel.rfind('/').map_or(0, |s| s + 1) => rel[..dot].to_string(),
        _ => rel.to_string(),
    }
}

/// Says which ICS and kind a document is: the manifest where it says, else a guess.
pub fn identify(planned: &Planned, doc: Option<&Document>, table: &IcsTable) -> Identity {
    let row = planned.row.as_ref();
    fn given(s: Option<&String>) -> Option<&str> {
        s.map(|s| s.trim()).filter(|s| !s.is_empty())
    }
    let title = given(row.map(|r| &r.title))
        .map(String::from)
        .or_else(|| doc.and_then(|d| d.title.clone()));
    let year = given(row.map(|r| &r.year)).map(String::from);

    let first_pages: String = doc
        .map(|d| {
            d.pages
                .iter()
                .take(2)
                .map(|p| p.text.as_str())
                .collect::<Vec<_>>()
                .join("\n")
        })
        .unwrap_or_default();
    let folders = planned
        .file
        .rsplit_once('/')
        .map(|(dirs, _)| dirs.to_string())
        .unwrap_or_default();
    let file_name = planned.file.rsplit('/').next().unwrap_or(&planned.file);

    let (ics, ics_confidence, ics_basis) = match given(row.map(|r| &r.ics)) {
        Some(name) => match table.lookup(name) {
            Some(i) => (
                table.systems[i].name.clone(),
                Confidence::Given,
                format!("{MANIFEST}: {name:?}"),
            ),
            None => (
                name.to_string(),
                Confidence::Given,
                format!("{MANIFEST}: {name:?} (not in corpus/ics.csv)"),
            ),
        },
        None => {
            let title_text = title.clone().unwrap_or_default();
            let (found, confidence, why) = table.infer(&[
                (folders.as_str(), 3.0),
                (file_name, 3.0),
                (title_text.as_str(), 2.0),
                (first_pages.as_str(), 1.0),
            ]);
            match found {
                Some(i) => (table.systems[i].name.clone(), confidence, why),
                None => (UNKNOWN_ICS.to_string(), Confidence::None, why),
            }
        }
    };

    let (kind, kind_confidence, kind_basis) = match given(row.map(|r| &r.kind))
        .map(|k| (k, DocKind::parse(k)))
    {
        Some((k, Some(kind))) => (kind, Confidence::Given, format!("{MANIFEST}: {k:?}")),
        other => {
            let mut basis = String::new();
            if let Some((k, None)) = other {
                basis = format!("{MANIFEST} kind {k:?} is not strategy, jfp, hwb or other; ");
            }
            let (kind, confidence, from) = guess_kind(title.as_deref(), file_name, &first_pages);
            basis.push_str(&format!("guessed from {from}"));
            (kind, confidence, basis)
        }
    };

    Identity {
        ics,
        ics_confidence,
        ics_basis,
        kind,
        kind_confidence,
        kind_basis,
        title,
        year,
    }
}

/// The kind from the title, else the file name, else the first pages; the first
/// source that says something definite wins.
fn guess_kind(
    title: Option<&str>,
    file_name: &str,
    first_pages: &str,
) -> (DocKind, Confidence, &'static str) {
    let opening: String = first_pages.chars().take(1500).collect();
    let mut fallback = None;
    for (text, from) in [
        (title.unwrap_or(""), "the title"),
        (file_name, "the file name"),
        (opening.as_str(), "the first page"),
    ] {
        if text.trim().is_empty() {
            continue;
        }
        let (kind, confidence) = infer_kind(text);
        if confidence == Confidence::High {
            return (kind, confidence, from);
        }
        if kind != DocKind::Other && fallback.is_none() {
            fallback = Some((kind, confidence, from));
        }
    }
    fallback.unwrap_or((
        DocKind::Other,
        Confidence::Low,
        "nothing (no plan words found)",
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table() -> IcsTable {
        IcsTable::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus/ics.csv")).unwrap()
    }

    fn planned(file: &str) -> Planned {
        Planned {
            path: PathBuf::from(file),
            file: file.into(),
            id: strip_extension(file),
            row: None,
        }
    }

    #[test]
    fn ids_keep_folders_and_drop_the_extension() {
        assert_eq!(strip_extension("devon/strategy.pdf"), "devon/strategy");
        assert_eq!(strip_extension("v1.2/plan"), "v1.2/plan");
        assert_eq!(strip_extension("plan.final.docx"), "plan.final");
    }

    #[test]
    fn guesses_from_folder_file_and_pages_and_says_why() {
        let t = table();
        let id = identify(&planned("BNSSG/joint-forward-plan-2024.pdf"), None, &t);
        assert_eq!(id.ics, t.systems[t.lookup("BNSSG").unwrap()].name);
        assert_eq!(id.kind, DocKind::Jfp);
        assert!(id.ics_basis.contains("bnssg"), "{}", id.ics_basis);
        assert!(id.kind_basis.contains("file name"), "{}", id.kind_basis);

        let doc = Document {
            id: "plan".into(),
            path: "plan.pdf".into(),
            format: crate::ingest::Format::Pdf,
            title: Some("Our health and wellbeing strategy".into()),
            pages: vec![crate::ingest::Page {
                number: 1,
                text: "Published by NHS Somerset Integrated Care Board with Somerset Council."
                    .into(),
            }],
            note: None,
        };
        let id = identify(&planned("plan.pdf"), Some(&doc), &t);
        assert_eq!(id.ics, "Somerset Integrated Care System");
        assert_eq!(id.kind, DocKind::Hwb);
        assert!(id.kind_basis.contains("title"));

        let id = identify(&planned("notes.txt"), None, &t);
        assert_eq!(id.ics, UNKNOWN_ICS);
        assert_eq!(id.ics_confidence, Confidence::None);
    }

    #[test]
    fn the_manifest_wins_and_unknown_names_are_kept_as_written() {
        let t = table();
        let mut p = planned("a.pdf");
        p.row = Some(ManifestRow {
            file: "a.pdf".into(),
            ics: "NENC".into(),
            kind: "joint forward plan".into(),
            title: String::new(),
            year: "2024".into(),
        });
        let id = identify(&p, None, &t);
        assert_eq!(
            id.ics,
            "North East and North Cumbria Integrated Care System"
        );
        assert_eq!(
            (id.kind, id.kind_confidence),
            (DocKind::Jfp, Confidence::Given)
        );
        assert_eq!(id.year.as_deref(), Some("2024"));

        p.row.as_mut().unwrap().ics = "Isle of Nowhere ICS".into();
        p.row.as_mut().unwrap().kind = "annual plan".into();
        let id = identify(&p, None, &t);
        assert_eq!(id.ics, "Isle of Nowhere ICS");
        assert!(id.ics_basis.contains("not in corpus/ics.csv"));
        assert_ne!(id.kind_confidence, Confidence::Given);
        assert!(id.kind_basis.contains("annual plan"));
    }

    #[test]
    fn plans_a_folder_with_a_partial_manifest() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("devon")).unwrap();
        std::fs::write(dir.path().join("devon/strategy.md"), "# Strategy").unwrap();
        std::fs::write(dir.path().join("jfp.txt"), "plan").unwrap();
        std::fs::write(dir.path().join(".hidden"), "x").unwrap();
        std::fs::write(
            dir.path().join(MANIFEST),
            "file,ics,kind,title,year\njfp.txt,Devon,jfp,,2024\nmissing.pdf,Devon,strategy,,\n",
        )
        .unwrap();
        let plan = plan(dir.path()).unwrap();
        let files: Vec<&str> = plan.documents.iter().map(|d| d.file.as_str()).collect();
        assert_eq!(files, ["jfp.txt", "devon/strategy.md"]);
        assert_eq!(plan.documents[1].id, "devon/strategy");
        assert!(plan.documents[0].row.is_some() && plan.documents[1].row.is_none());
        assert_eq!(plan.problems.len(), 1);
        assert!(plan.problems[0].reason.contains("not found"));
    }

    #[test]
    fn a_missing_or_empty_round_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        assert!(matches!(plan(dir.path()), Err(RoundError::Empty(_))));
        assert!(matches!(
            plan(&dir.path().join("nope")),
            Err(RoundError::Missing(_))
        ));
    }
}
