//! The analyst's hand-off, end to end on the bundled sample round: evidence.csv and
//! evidence.xlsx opened by pandas and openpyxl, a .qdpx project validated against the
//! REFI-QDA schema, true citations for documents without pages, and reviewer
//! corrections (CSV, XLSX, QDPX) coming back into every output.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

use crate::support::{planthemes, scratch, stderr};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// A Python with lxml, openpyxl and pandas: PLANTHEMES_CHECK_PYTHON, or the one
/// `scripts/setup-check-python.sh` makes (scripts/test.sh runs it).
fn check_python() -> PathBuf {
    let python = std::env::var_os("PLANTHEMES_CHECK_PYTHON")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(ROOT).join(".venv-check/bin/python"));
    let ok = Command::new(&python)
        .args(["-c", "import lxml, openpyxl, pandas"])
        .output()
        .is_ok_and(|o| o.status.success());
    assert!(
        ok,
        "{} cannot import lxml, openpyxl and pandas: run scripts/setup-check-python.sh \
         (the README's test command does it for you)",
        python.display()
    );
    python
}

/// The sample round coded by the keyword classifier (fast, and deterministic).
fn coded_sample(name: &str) -> PathBuf {
    let out = scratch(name);
    let run = planthemes(
        Path::new(ROOT),
        &[
            "run",
            "corpus/rounds/sample",
            "--classifier",
            "keyword",
            "--out",
            out.to_str().unwrap(),
        ],
    );
    assert!(run.status.success(), "{}", stderr(&run));
    out
}

fn passages(run: &Path) -> Vec<Value> {
    std::fs::read_to_string(run.join("passages.jsonl"))
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn unpaged_docs(run: &Path) -> BTreeSet<String> {
    let record: Value =
        serde_json::from_str(&std::fs::read_to_string(run.join("report.json")).unwrap()).unwrap();
    record["documents"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["format"] != "pdf")
        .map(|d| d["id"].as_str().unwrap().to_string())
        .collect()
}

fn page_cited(s: &str) -> bool {
    regex::Regex::new(r"\bpp?\. ?\d").unwrap().is_match(s)
}

#[test]
fn a_run_exports_a_valid_project_and_evidence_an_analyst_can_open() {
    let python = check_python();
    let run = coded_sample("export-run");
    let qdpx = run.with_extension("qdpx");
    let qdc = run.with_extension("qdc");
    let export = planthemes(
        Path::new(ROOT),
        &[
            "export",
            run.to_str().unwrap(),
            "--qdpx",
            qdpx.to_str().unwrap(),
            "--qdc",
            qdc.to_str().unwrap(),
        ],
    );
    assert!(export.status.success(), "{}", stderr(&export));

    let xsd = Path::new(ROOT).join("../shared/refi/Project.xsd");
    let mut check = Command::new(&python);
    check
        .arg(Path::new(ROOT).join("scripts/check-export.py"))
        .arg(&run)
        .arg(&qdpx);
    if xsd.is_file() {
        check.arg(&xsd);
    } else {
        eprintln!("schema check skipped: {} is not there", xsd.display());
    }
    let out = check.output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let found: Value = serde_json::from_slice(&out.stdout).unwrap();

    if xsd.is_file() {
        assert_eq!(found["valid"], true, "{}", found["schema_errors"]);
    }
    let ps = passages(&run);
    let record: Value =
        serde_json::from_str(&std::fs::read_to_string(run.join("report.json")).unwrap()).unwrap();
    let coded: usize = ps
        .iter()
        .map(|p| p["labels"].as_array().unwrap().len())
        .sum();
    assert!(
        coded > 100,
        "the sample round codes {coded} passage × label pairs"
    );
    assert_eq!(
        found["sources"],
        record["documents"].as_array().unwrap().len()
    );
    assert_eq!(
        found["selections"], coded,
        "one selection per coded passage × label"
    );
    assert_eq!(found["coded_pairs"], coded);
    assert_eq!(
        found["mismatched"],
        serde_json::json!([]),
        "each selection is its passage's text"
    );

    // evidence.csv (pandas) and evidence.xlsx (openpyxl): one row per passage × label.
    for column in [
        "ics",
        "document",
        "kind",
        "year",
        "file",
        "location",
        "section",
        "theme",
        "theme_id",
        "score",
        "reviewed",
        "accept",
        "add_labels",
        "text",
    ] {
        assert!(
            found["csv_columns"]
                .as_array()
                .unwrap()
                .iter()
                .any(|c| c == column),
            "evidence.csv has no {column}"
        );
    }
    assert_eq!(found["csv_columns"], found["xlsx_columns"]);
    assert_eq!(found["csv_rows"], coded);
    assert_eq!(found["xlsx_rows"], coded);
    assert_eq!(found["csv_texts_match"], true);
    assert_eq!(
        found["xlsx_sheets"],
        serde_json::json!(["Evidence", "Coverage", "Summary", "Alignment"])
    );
    for sheet in ["Evidence", "Coverage", "Summary", "Alignment"] {
        assert_eq!(
            found["xlsx_frozen"][sheet], "A2",
            "{sheet}: header row frozen"
        );
    }
    let bom = std::fs::read(run.join("evidence.csv")).unwrap();
    assert!(
        bom.starts_with(b"\xef\xbb\xbf"),
        "evidence.csv starts with a byte-order mark"
    );

    // No passage of a DOCX, HTML or Markdown document is cited by page, anywhere.
    let unpaged = unpaged_docs(&run);
    assert!(
        unpaged.len() >= 5,
        "the sample round mixes formats: {unpaged:?}"
    );
    let doc_of = |id: &str| id.rsplit_once('#').unwrap().0.to_string();
    for p in &ps {
        if unpaged.contains(&doc_of(p["id"].as_str().unwrap())) {
            assert!(
                p["page_first"].is_null() && p["page_last"].is_null(),
                "{}",
                p["id"]
            );
        } else {
            assert!(p["page_first"].as_u64().unwrap() >= 1, "{}", p["id"]);
        }
    }
    let mut seen_section = false;
    for pair in found["csv_locations"].as_array().unwrap() {
        let (id, location) = (pair[0].as_str().unwrap(), pair[1].as_str().unwrap());
        if unpaged.contains(&doc_of(id)) {
            assert!(!page_cited(location), "{id} is cited as {location:?}");
            assert!(location.contains("para. "), "{id} is cited as {location:?}");
            seen_section |= location.contains(" › ") || location.contains(", para.");
        } else {
            assert!(
                location.starts_with("p. ") || location.starts_with("pp. "),
                "{id}: {location}"
            );
        }
    }
    assert!(seen_section, "some passages are cited by their section");
    for pair in found["descriptions"].as_array().unwrap() {
        let (id, d) = (pair[0].as_str().unwrap(), pair[1].as_str().unwrap());
        if unpaged.contains(&doc_of(id)) {
            assert!(!page_cited(d), "{id}: {d}");
        } else {
            assert!(d.starts_with("p. ") || d.starts_with("pp. "), "{id}: {d}");
        }
    }
    let documents = std::fs::read_to_string(run.join("documents.csv")).unwrap();
    for line in documents
        .lines()
        .filter(|l| l.contains(",html,") || l.contains(",docx,"))
    {
        assert!(
            line.contains(",html,,") || line.contains(",docx,,"),
            "no page count: {line}"
        );
    }

    // The codebook alone: every theme, under its group.
    let qdc = std::fs::read_to_string(&qdc).unwrap();
    let doc = roxmltree::Document::parse(&qdc).unwrap();
    let codable = doc
        .descendants()
        .filter(|n| n.has_tag_name("Code") && n.attribute("isCodable") == Some("true"))
        .count();
    assert_eq!(codable, record["labels"].as_array().unwrap().len());
}

type Cells = BTreeMap<(String, String, String), Vec<String>>;

/// `planthemes review RUN --from FILE`.
fn record_review(run: &Path, reviewed: &Path) -> std::process::Output {
    planthemes(
        Path::new(ROOT),
        &[
            "review",
            run.to_str().unwrap(),
            "--from",
            reviewed.to_str().unwrap(),
        ],
    )
}

fn coverage(run: &Path) -> Cells {
    // The themes' rows, their counts and evidence (ics … targets): the honest columns
    // and the facets move with the whole round's figures, not cell by cell.
    let mut reader = csv::Reader::from_path(run.join("coverage.csv")).unwrap();
    reader
        .records()
        .map(|r| r.unwrap())
        .filter(|r| r[11].is_empty())
        .map(|r| {
            (
                (r[0].to_string(), r[1].to_string(), r[2].to_string()),
                r.iter().take(11).map(str::to_string).collect(),
            )
        })
        .collect()
}

fn changed(before: &Cells, after: &Cells) -> BTreeSet<(String, String, String)> {
    assert_eq!(before.len(), after.len());
    before
        .iter()
        .filter(|(k, v)| after[*k] != **v)
        .map(|(k, _)| k.clone())
        .collect()
}

/// evidence.csv as (header, rows of cells).
fn evidence(run: &Path) -> (Vec<String>, Vec<Vec<String>>) {
    let text = std::fs::read_to_string(run.join("evidence.csv")).unwrap();
    let mut reader = csv::Reader::from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    let header = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_string)
        .collect();
    let rows = reader
        .records()
        .map(|r| r.unwrap().iter().map(str::to_string).collect())
        .collect();
    (header, rows)
}

/// Two codes, each the only change to its cell, and a passage whose ICS and kind lack
/// a theme, to add it.
struct Plan {
    rejected: Vec<(String, String)>,
    added: (String, String),
    cells: BTreeSet<(String, String, String)>,
}

fn plan_review(run: &Path) -> Plan {
    let ps = passages(run);
    let before = coverage(run);
    let mut rejected = Vec::new();
    let mut cells = BTreeSet::new();
    for p in &ps {
        for label in p["labels"].as_array().unwrap() {
            let key = (
                p["ics"].as_str().unwrap().to_string(),
                p["kind"].as_str().unwrap().to_string(),
                label.as_str().unwrap().to_string(),
            );
            if rejected.len() < 2 && !cells.contains(&key) {
                rejected.push((p["id"].as_str().unwrap().to_string(), key.2.clone()));
                cells.insert(key);
            }
        }
    }
    let absent = before
        .iter()
        .find(|(k, v)| v[3] == "0" && !cells.contains(*k))
        .map(|(k, _)| k.clone())
        .expect("an absent cell");
    // A passage of that ICS and kind with codes of its own (so a project has a selection
    // over it), and none rejected.
    let passage = ps
        .iter()
        .find(|p| {
            p["ics"] == absent.0.as_str()
                && p["kind"] == absent.1.as_str()
                && !p["labels"].as_array().unwrap().is_empty()
                && !rejected.iter().any(|(id, _)| p["id"] == id.as_str())
        })
        .expect("a coded passage in the absent cell's ICS and kind");
    cells.insert(absent.clone());
    Plan {
        rejected,
        added: (passage["id"].as_str().unwrap().to_string(), absent.2),
        cells,
    }
}

fn assert_review_landed(run: &Path, before: &Cells, machine: &[Value], plan: &Plan) {
    let after = coverage(run);
    assert_eq!(
        changed(before, &after),
        plan.cells,
        "exactly the reviewed cells change"
    );
    let ps = passages(run);
    for (a, b) in machine.iter().zip(&ps) {
        assert_eq!(
            a["labels"], b["labels"],
            "{}: the machine's labels stay",
            a["id"]
        );
    }
    let by_id: HashMap<&str, &Value> = ps.iter().map(|p| (p["id"].as_str().unwrap(), p)).collect();
    for (id, label) in &plan.rejected {
        let reviewed = by_id[id.as_str()]["reviewed"].as_array().unwrap();
        assert!(
            !reviewed.iter().any(|l| l == label.as_str()),
            "{id}: {label} rejected"
        );
    }
    let (id, label) = &plan.added;
    let reviewed = by_id[id.as_str()]["reviewed"].as_array().unwrap();
    assert!(
        reviewed.iter().any(|l| l == label.as_str()),
        "{id}: {label} added"
    );
    let record: Value =
        serde_json::from_str(&std::fs::read_to_string(run.join("report.json")).unwrap()).unwrap();
    assert_eq!(record["review"]["rejected"], 2);
    assert_eq!(record["review"]["added"], 1);
    let html = std::fs::read_to_string(run.join("report.html")).unwrap();
    assert!(
        html.contains("passages reviewed"),
        "the report says how many were reviewed"
    );
}

#[test]
fn corrections_from_a_reviewed_csv_change_exactly_those_cells() {
    let run = coded_sample("review-csv");
    let before = coverage(&run);
    let machine = passages(&run);
    let plan = plan_review(&run);
    let (header, rows) = evidence(&run);
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let (p, t, accept, add) = (
        col("passage"),
        col("theme_id"),
        col("accept"),
        col("add_labels"),
    );
    let mut written = csv::Writer::from_writer(Vec::new());
    written.write_record(&header).unwrap();
    let mut confirmed = 0;
    for mut row in rows {
        if plan.rejected.contains(&(row[p].clone(), row[t].clone())) {
            row[accept] = "no".into();
        } else if confirmed < 3 {
            row[accept] = "Yes".into();
            confirmed += 1;
        }
        written.write_record(&row).unwrap();
    }
    // The added theme rides on a row of its own passage, or on a fresh row.
    let mut extra = vec![String::new(); header.len()];
    extra[p] = plan.added.0.clone();
    extra[add] = plan.added.1.clone();
    written.write_record(&extra).unwrap();
    let reviewed = run.with_extension("reviewed.csv");
    let mut bytes = b"\xef\xbb\xbf".to_vec();
    bytes.extend(written.into_inner().unwrap());
    std::fs::write(&reviewed, bytes).unwrap();

    let review = record_review(&run, &reviewed);
    assert!(review.status.success(), "{}", stderr(&review));
    assert!(
        stderr(&review).contains("2 rejected, 1 added"),
        "{}",
        stderr(&review)
    );
    assert_review_landed(&run, &before, &machine, &plan);

    // A rebuild keeps the decisions (and the texts), and they still count.
    let rebuild = planthemes(Path::new(ROOT), &["report", run.to_str().unwrap()]);
    assert!(rebuild.status.success(), "{}", stderr(&rebuild));
    assert_review_landed(&run, &before, &machine, &plan);
    assert!(run.join("documents").is_dir());

    // The machine scored against the reviewer: a rejected code is a false positive, an
    // added one a miss.
    let eval = planthemes(
        Path::new(ROOT),
        &["eval", "--run", run.to_str().unwrap(), "--json"],
    );
    assert!(eval.status.success(), "{}", stderr(&eval));
    let scored: Value = serde_json::from_slice(&eval.stdout).unwrap();
    let labels = &scored["results"][0]["labels"];
    for (_, label) in &plan.rejected {
        assert!(
            labels[label]["precision"].as_f64().unwrap() < 1.0,
            "{label}: {}",
            labels[label]
        );
    }
    let added = &labels[plan.added.1.as_str()];
    assert!(added["recall"].as_f64().unwrap() < 1.0, "{added}");
    let reviewed_passages = passages(&run)
        .iter()
        .filter(|p| p["reviewed"].is_array())
        .count();
    assert_eq!(scored["n"], reviewed_passages);

    // Reviewed passages can join a head's training passages.
    let (tmp, model) = crate::support::tiny_model(5);
    let labelled =
        std::fs::read_to_string(Path::new(ROOT).join("corpus/labelled/train.jsonl")).unwrap();
    let small: String = labelled
        .lines()
        .take(60)
        .map(|l| format!("{l}\n"))
        .collect();
    let train_file = tmp.path().join("train.jsonl");
    std::fs::write(&train_file, small).unwrap();
    let train = planthemes(
        tmp.path(),
        &[
            "train",
            "--train",
            train_file.to_str().unwrap(),
            "--dev",
            train_file.to_str().unwrap(),
            "--folds",
            "1",
            "--max-epochs",
            "2",
            "--layers",
            "1",
            "--out",
            "head",
            "--model",
            model.to_str().unwrap(),
            "--extra",
            run.to_str().unwrap(),
        ],
    );
    assert!(train.status.success(), "{}", stderr(&train));
    assert!(
        stderr(&train).contains(&format!(
            "train: {reviewed_passages} reviewed passage(s) from"
        )),
        "{}",
        stderr(&train)
    );

    // A reviewed file naming an unknown theme records nothing and says which row.
    let bad = run.with_extension("bad.csv");
    std::fs::write(
        &bad,
        format!(
            "passage,theme_id,accept\n{},no_such_theme,no\n",
            plan.added.0
        ),
    )
    .unwrap();
    let refused = planthemes(
        Path::new(ROOT),
        &[
            "review",
            run.to_str().unwrap(),
            "--from",
            bad.to_str().unwrap(),
        ],
    );
    assert!(!refused.status.success());
    assert!(
        stderr(&refused).contains("row 2") && stderr(&refused).contains("no_such_theme"),
        "{}",
        stderr(&refused)
    );
    assert_review_landed(&run, &before, &machine, &plan);
}

#[test]
fn corrections_from_a_reviewed_workbook_and_project_come_back() {
    let python = check_python();

    // The workbook, edited with openpyxl as Excel would save it.
    let run = coded_sample("review-xlsx");
    let before = coverage(&run);
    let machine = passages(&run);
    let plan = plan_review(&run);
    let script = r#"
import openpyxl, json, sys
plan = json.loads(sys.argv[2])
book = openpyxl.load_workbook(sys.argv[1] + "/evidence.xlsx")
sheet = book["Evidence"]
head = [c.value for c in sheet[1]]
p, t, a, add = (head.index(n) + 1 for n in ("passage", "theme_id", "accept", "add_labels"))
for r in range(2, sheet.max_row + 1):
    if [sheet.cell(r, p).value, sheet.cell(r, t).value] in plan["rejected"]:
        sheet.cell(r, a).value = "no"
r = sheet.max_row + 1
sheet.cell(r, p).value, sheet.cell(r, add).value = plan["added"]
book.save(sys.argv[3])
"#;
    let reviewed = run.with_extension("reviewed.xlsx");
    let plan_json = serde_json::json!({"rejected": plan.rejected, "added": plan.added}).to_string();
    let out = Command::new(&python)
        .args([
            "-c",
            script,
            run.to_str().unwrap(),
            &plan_json,
            reviewed.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let review = record_review(&run, &reviewed);
    assert!(review.status.success(), "{}", stderr(&review));
    assert_review_landed(&run, &before, &machine, &plan);

    // The project, coded further in a QDA tool: two codings removed, one added.
    let run = coded_sample("review-qdpx");
    let before = coverage(&run);
    let machine = passages(&run);
    let plan = plan_review(&run);
    let qdpx = run.with_extension("qdpx");
    let export = planthemes(
        Path::new(ROOT),
        &[
            "export",
            run.to_str().unwrap(),
            "--qdpx",
            qdpx.to_str().unwrap(),
        ],
    );
    assert!(export.status.success(), "{}", stderr(&export));
    let mut zip = zip::ZipArchive::new(std::fs::File::open(&qdpx).unwrap()).unwrap();
    let mut xml = String::new();
    zip.by_name("project.qde")
        .unwrap()
        .read_to_string(&mut xml)
        .unwrap();
    let names: HashMap<String, String> =
        serde_json::from_str::<Value>(&std::fs::read_to_string(run.join("report.json")).unwrap())
            .unwrap()["labels"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| {
                (
                    l["id"].as_str().unwrap().into(),
                    l["name"].as_str().unwrap().into(),
                )
            })
            .collect();
    let code_guid = |label: &str| {
        let doc = roxmltree::Document::parse(&xml).unwrap();
        doc.descendants()
            .find(|n| n.has_tag_name("Code") && n.attribute("name") == Some(names[label].as_str()))
            .unwrap()
            .attribute("guid")
            .unwrap()
            .to_string()
    };
    let mut edited = xml.clone();
    for (id, label) in &plan.rejected {
        let name = format!(r#"name="{} · {}""#, id, names[label]);
        let start = edited
            .find(&name)
            .map(|i| edited[..i].rfind("<PlainTextSelection").unwrap())
            .unwrap();
        let end = start
            + edited[start..].find("</PlainTextSelection>").unwrap()
            + "</PlainTextSelection>".len();
        edited.replace_range(start..end, "");
    }
    // The added code goes on a selection the reviewer made over the passage's text.
    let (id, label) = &plan.added;
    let i = edited
        .find(&format!(r#"name="{id} · "#))
        .expect("a selection over the passage");
    let insert = edited[..i].rfind("<PlainTextSelection").unwrap();
    let tag_end = insert + edited[insert..].find('>').unwrap();
    let selection = edited[insert..tag_end].to_string();
    let positions = regex::Regex::new(r#"startPosition="\d+" endPosition="\d+""#).unwrap();
    let at = positions.find(&selection).unwrap().as_str();
    let new = format!(
        r#"<PlainTextSelection guid="0f0f0f0f-0000-4000-8000-000000000001" name="reviewer" {at}><Coding guid="0f0f0f0f-0000-4000-8000-000000000002"><CodeRef targetGUID="{}"/></Coding></PlainTextSelection>"#,
        code_guid(label)
    );
    edited.insert_str(insert, &new);
    let reviewed = run.with_extension("reviewed.qdpx");
    let mut out = zip::ZipWriter::new(std::fs::File::create(&reviewed).unwrap());
    for i in 0..zip.len() {
        let mut entry = zip.by_index(i).unwrap();
        let name = entry.name().unwrap().to_string();
        let mut bytes = Vec::new();
        entry.read_to_end(&mut bytes).unwrap();
        out.start_file(&name, zip::write::SimpleFileOptions::default())
            .unwrap();
        if name == "project.qde" {
            out.write_all(edited.as_bytes()).unwrap();
        } else {
            out.write_all(&bytes).unwrap();
        }
    }
    out.finish().unwrap();
    let review = record_review(&run, &reviewed);
    assert!(review.status.success(), "{}", stderr(&review));
    assert_review_landed(&run, &before, &machine, &plan);
}
