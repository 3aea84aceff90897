//! A round: the documents of one review, and which ICS and kind of plan each is.
//!
//! A round is a folder of documents, optionally with `manifest.csv`
//! (`file,ics,kind,title,year`), or a manifest file itself (then only the files it
//! lists). What the manifest does not say is inferred, after the document is read,
//! from its folder and file names, its title and its first pages, and every guess
//! says what it rests on and how sure it is ([`Identity`]).

use std::collections::{HashMap, HashSet};
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

/// A file or manifest row the plan says something about.
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
    /// Listed documents that will not be read (missing, outside the round): each
    /// counts as a failed document.
    pub problems: Vec<PlanProblem>,
    /// What the user should know but that stops nothing: duplicate and blank manifest
    /// rows, links to folders not followed, files read once though reached twice,
    /// files with the same content.
    pub warnings: Vec<PlanProblem>,
}

/// How a round is listed.
#[derive(Debug, Clone, Default)]
pub struct PlanOptions {
    /// Read manifest rows that point outside the round folder (refused otherwise).
    pub allow_outside: bool,
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
///
/// Every file is read once, however it is reached (canonical paths), links to
/// folders are not followed (a link to a parent would list the round again and
/// again), and manifest rows outside the round folder are refused unless
/// `options.allow_outside`.
pub fn plan(input: &Path, options: &PlanOptions) -> Result<Plan, RoundError> {
    let (root, manifest) = if input.is_file() {
        let root = input
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."))
            .to_path_buf();
        (root, Some(input.to_path_buf()))
    } else if input.is_dir() {
        let manifest = input.join(MANIFEST);
        (input.to_path_buf(), manifest.is_file().then_some(manifest))
    } else {
        return Err(RoundError::Missing(input.to_path_buf()));
    };
    let root_canonical = root
        .canonicalize()
        .map_err(|e| RoundError::List(root.clone(), e.to_string()))?;
    let mut planner = Planner {
        plan: Plan {
            root: root.clone(),
            manifest: manifest.clone(),
            documents: Vec::new(),
            problems: Vec::new(),
            warnings: Vec::new(),
        },
        root_canonical,
        seen: HashMap::new(),
        allow_outside: options.allow_outside,
    };
    if let Some(manifest) = &manifest {
        let rows = read_manifest(manifest).map_err(|e| RoundError::Manifest(format!("{e:#}")))?;
        for row in rows {
            planner.add_listed(row);
        }
    }
    // A manifest given as a file lists the round; a folder is walked as well, for
    // the files its manifest does not list.
    if !input.is_file() {
        let mut files = Vec::new();
        walk(&root, &root, &mut files, &mut planner.plan.warnings)?;
        files.sort();
        for rel in files {
            if rel != MANIFEST {
                planner.add_walked(rel);
            }
        }
    }
    let mut plan = planner.plan;
    if plan.documents.is_empty() && plan.problems.is_empty() {
        return Err(RoundError::Empty(input.to_path_buf()));
    }
    unique_ids(&mut plan.documents);
    warn_same_content(&mut plan);
    Ok(plan)
}

/// Gives `plan.pdf` and `plan.docx` in one folder different ids: every document after
/// the first with an id keeps its extension (`plan.docx`), so passage ids and kept
/// texts never collide.
fn unique_ids(documents: &mut [Planned]) {
    let mut taken: HashSet<String> = HashSet::new();
    for d in documents.iter_mut() {
        if !taken.insert(d.id.clone()) {
            let mut id = d.file.clone();
            let mut n = 2;
            while !taken.insert(id.clone()) {
                id = format!("{}~{n}", d.file);
                n += 1;
            }
            d.id = id;
        }
    }
}

struct Planner {
    plan: Plan,
    root_canonical: PathBuf,
    /// Canonical path → the file as first planned.
    seen: HashMap<PathBuf, String>,
    allow_outside: bool,
}

impl Planner {
    fn add_listed(&mut self, row: ManifestRow) {
        let at = format!("{MANIFEST} row {}", row.line);
        if row.file.as_os_str().is_empty() || row.file.to_string_lossy().trim().is_empty() {
            self.plan.warnings.push(PlanProblem {
                file: at,
                reason: "blank row (no file); ignored".into(),
            });
            return;
        }
        let rel = slash(&row.file);
        let path = self.plan.root.join(&row.file);
        let canonical = match path.canonicalize() {
            Ok(c) if c.is_file() => c,
            _ => {
                self.plan.problems.push(PlanProblem {
                    file: rel,
                    reason: format!("{at}: listed but not found at {}", path.display()),
                });
                return;
            }
        };
        if !self.allow_outside && !canonical.starts_with(&self.root_canonical) {
            self.plan.problems.push(PlanProblem {
                file: rel,
                reason: format!(
                    "{at}: outside the round folder ({}); not read (pass --allow-outside to read it)",
                    canonical.display()
                ),
            });
            return;
        }
        if let Some(first) = self.seen.get(&canonical) {
            self.plan.warnings.push(PlanProblem {
                file: rel,
                reason: format!(
                    "{at}: the same file as {first}, listed earlier; the first row is used"
                ),
            });
            return;
        }
        self.seen.insert(canonical, rel.clone());
        self.plan.documents.push(Planned {
            path,
            id: strip_extension(&rel),
            file: rel,
            row: Some(row),
        });
    }

    fn add_walked(&mut self, rel: String) {
        let path = self.plan.root.join(&rel);
        // A broken link has no canonical path: it is planned, and reading names it.
        let canonical = path.canonicalize().unwrap_or_else(|_| path.clone());
        if let Some(first) = self.seen.get(&canonical) {
            // Listed in the manifest (not a duplicate), or reached again by a link.
            if *first != rel {
                self.plan.warnings.push(PlanProblem {
                    file: rel,
                    reason: format!("the same file as {first} (a link); read once, as {first}"),
                });
            }
            return;
        }
        self.seen.insert(canonical, rel.clone());
        self.plan.documents.push(Planned {
            path,
            id: strip_extension(&rel),
            file: rel,
            row: None,
        });
    }
}

/// Files under `dir`, relative to `root`, skipping hidden files and folders, the
/// output folders of earlier runs (users often write `--out ROUND/out`) and links to
/// folders (noted in `warnings`).
fn walk(
    root: &Path,
    dir: &Path,
    out: &mut Vec<String>,
    warnings: &mut Vec<PlanProblem>,
) -> Result<(), RoundError> {
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
        let Ok(rel) = path.strip_prefix(root).map(slash) else {
            continue;
        };
        // `file_type` does not follow links; `is_dir` on the path does.
        let is_link = entry.file_type().is_ok_and(|t| t.is_symlink());
        if is_link && path.is_dir() {
            warnings.push(PlanProblem {
                file: rel,
                reason: "a link to a folder; not followed".into(),
            });
        } else if path.is_dir() {
            walk(root, &path, out, warnings)?;
        } else {
            out.push(rel);
        }
    }
    Ok(())
}

/// Notes documents whose bytes are the same as an earlier one's. Both are coded: a
/// strategy shared by two places is legitimately in the round twice. Only files whose
/// size another file shares are read and hashed.
fn warn_same_content(plan: &mut Plan) {
    let size = |doc: &Planned| std::fs::metadata(&doc.path).ok().map(|m| m.len());
    let mut sizes: HashMap<u64, usize> = HashMap::new();
    for len in plan.documents.iter().filter_map(size) {
        *sizes.entry(len).or_default() += 1;
    }
    let mut first: HashMap<blake3::Hash, &str> = HashMap::new();
    for doc in &plan.documents {
        if size(doc).is_none_or(|len| sizes[&len] < 2) {
            continue;
        }
        let Ok(mut file) = std::fs::File::open(&doc.path) else {
            continue; // reading it will say why
        };
        let mut hasher = blake3::Hasher::new();
        if hasher.update_reader(&mut file).is_err() {
            continue;
        }
        match first.entry(hasher.finalize()) {
            std::collections::hash_map::Entry::Occupied(e) => plan.warnings.push(PlanProblem {
                file: doc.file.clone(),
                reason: format!("the same content as {}; both are coded", e.get()),
            }),
            std::collections::hash_map::Entry::Vacant(e) => {
                e.insert(&doc.file);
            }
        }
    }
}

fn slash(path: &Path) -> String {
    path.components()
        .filter(|c| !matches!(c, std::path::Component::CurDir))
        .map(|c| match c {
            // Joined with "/" below, the root's own "/" would double.
            std::path::Component::RootDir => "".into(),
            c => c.as_os_str().to_string_lossy(),
        })
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
            year: "2024".into(),
            ..ManifestRow::default()
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
        let plan = plan(dir.path(), &PlanOptions::default()).unwrap();
        let files: Vec<&str> = plan.documents.iter().map(|d| d.file.as_str()).collect();
        assert_eq!(files, ["jfp.txt", "devon/strategy.md"]);
        assert_eq!(plan.documents[1].id, "devon/strategy");
        assert!(plan.documents[0].row.is_some() && plan.documents[1].row.is_none());
        assert_eq!(plan.problems.len(), 1);
        assert!(plan.problems[0].reason.contains("not found"));
    }

    #[test]
    fn every_file_is_planned_once_and_links_to_folders_are_not_followed() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("round");
        std::fs::create_dir_all(root.join("sub")).unwrap();
        std::fs::write(root.join("a.md"), "# A").unwrap();
        std::fs::write(root.join("sub/b.md"), "# A").unwrap(); // same bytes as a.md
        std::os::unix::fs::symlink("..", root.join("sub/up")).unwrap();
        std::os::unix::fs::symlink("../a.md", root.join("sub/a-link.md")).unwrap();
        std::fs::write(dir.path().join("outside.md"), "# Out").unwrap();
        std::fs::write(
            root.join(MANIFEST),
            "file,ics,kind,title,year\na.md,Devon,jfp,,\n./a.md,Devon,jfp,,\n,,,,\n\
             ../outside.md,Devon,jfp,,\n/etc/hostname,Devon,jfp,,\n",
        )
        .unwrap();
        let plan = plan(&root, &PlanOptions::default()).unwrap();
        let files: Vec<&str> = plan.documents.iter().map(|d| d.file.as_str()).collect();
        assert_eq!(files, ["a.md", "sub/b.md"]);

        let said = |list: &[PlanProblem]| -> Vec<String> {
            list.iter()
                .map(|p| format!("{}: {}", p.file, p.reason))
                .collect()
        };
        let problems = said(&plan.problems);
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert!(problems[0].starts_with("../outside.md: manifest.csv row 5: outside the round"));
        assert!(problems[1].starts_with("/etc/hostname: manifest.csv row 6: outside the round"));
        let warnings = said(&plan.warnings);
        for expected in [
            "a.md: manifest.csv row 3: the same file as a.md",
            "manifest.csv row 4: blank row",
            "sub/up: a link to a folder; not followed",
            "sub/a-link.md: the same file as a.md (a link)",
            "sub/b.md: the same content as a.md; both are coded",
        ] {
            assert!(
                warnings.iter().any(|w| w.starts_with(expected)),
                "{expected:?} not in {warnings:?}"
            );
        }
        assert_eq!(warnings.len(), 5, "{warnings:?}");

        let allowed = plan_outside(&root);
        assert!(allowed.documents.iter().any(|d| d.file == "../outside.md"));
    }

    fn plan_outside(root: &Path) -> Plan {
        plan(
            root,
            &PlanOptions {
                allow_outside: true,
            },
        )
        .unwrap()
    }

    #[test]
    fn a_missing_or_empty_round_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        assert!(matches!(
            plan(dir.path(), &PlanOptions::default()),
            Err(RoundError::Empty(_))
        ));
        assert!(matches!(
            plan(&dir.path().join("nope"), &PlanOptions::default()),
            Err(RoundError::Missing(_))
        ));
    }

    #[test]
    fn two_formats_of_one_plan_get_different_ids() {
        let dir = tempfile::tempdir().unwrap();
        for name in ["plan.pdf", "plan.docx", "plan.md"] {
            std::fs::write(dir.path().join(name), name).unwrap();
        }
        let planned = plan(dir.path(), &PlanOptions::default()).unwrap();
        let mut ids: Vec<&str> = planned.documents.iter().map(|d| d.id.as_str()).collect();
        ids.sort();
        assert_eq!(ids, ["plan", "plan.md", "plan.pdf"]);
    }
}
