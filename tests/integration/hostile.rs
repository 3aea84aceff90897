//! A hostile round, made here, through `planthemes run`: a symlink loop to a parent, a
//! link to a file already in the round, a copy under another name, duplicate, blank and
//! outside manifest rows, an unknown ICS, kind and year, an all-header document, a
//! script-only page, a document over the size limit and one over the passage limit.
//! Every one is named, none is coded twice, nothing outside the round is read, and
//! identical passages are embedded once.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::support::{planthemes, real_model_dir, scratch, stderr};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");
const PLAN: &str = "north-west-london-integrated-care-strategy-2023.md";

fn rows(path: &Path) -> Vec<csv::StringRecord> {
    let mut reader = csv::Reader::from_path(path).unwrap();
    reader.records().map(Result::unwrap).collect()
}

/// Writes the hostile round under `dir/round` and returns it.
fn hostile_round(dir: &Path) -> PathBuf {
    let round = dir.join("round");
    std::fs::create_dir_all(round.join("sub")).unwrap();
    let plan = Path::new(ROOT).join("corpus/rounds/sample").join(PLAN);
    std::fs::copy(&plan, round.join("plan.md")).unwrap();
    std::fs::copy(&plan, round.join("sub/plan-copy.md")).unwrap();
    std::os::unix::fs::symlink("..", round.join("sub/loop")).unwrap();
    std::os::unix::fs::symlink("../plan.md", round.join("sub/plan-link.md")).unwrap();
    std::fs::write(
        dir.join("outside.md"),
        "# Outside\n\nNot part of the round.\n",
    )
    .unwrap();
    // 400 pages whose only line is the same running header.
    std::fs::write(
        round.join("all-header.txt"),
        vec!["NHS Anyshire board papers: draft for discussion"; 400].join("\u{0C}"),
    )
    .unwrap();
    std::fs::write(
        round.join("app.html"),
        "<html><body><div id=root></div><script src=main.js></script></body></html>",
    )
    .unwrap();
    // Over the 0.15 MB limit the test sets.
    let paragraph = "Partners will invest in warm homes, good work and cleaner air. ";
    std::fs::write(round.join("huge.txt"), paragraph.repeat(3_000)).unwrap();
    // Over the 60-passage limit the test sets, under the size limit: 70 paragraphs of
    // about 150 words, each a passage of its own (or two).
    let many: Vec<String> = (0..70)
        .map(|i| {
            format!("Ward {i}. ")
                + &"Residents here will get a named care coordinator and a same-day call back. "
                    .repeat(10)
        })
        .collect();
    std::fs::write(round.join("many.txt"), many.join("\n\n")).unwrap();
    std::fs::write(
        round.join("manifest.csv"),
        "file,ics,kind,title,year\n\
         plan.md,NWL,strategy,,2023\n\
         plan.md,NWL,jfp,,2024\n\
         ,,,,\n\
         ../outside.md,NWL,hwb,,2023\n\
         /etc/hostname,NWL,hwb,,2023\n\
         sub/plan-copy.md,banana,notakind,,notayear\n",
    )
    .unwrap();
    round
}

#[test]
fn a_hostile_round_is_coded_once_within_the_round_and_every_problem_is_named() {
    let model = real_model_dir();
    let dir = scratch("hostile");
    let round = hostile_round(&dir);
    let out = dir.join("out");
    let cache = dir.join("cache.redb");
    let run = planthemes(
        Path::new(ROOT),
        &[
            "run",
            round.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "--model",
            model.to_str().unwrap(),
            "--cache",
            cache.to_str().unwrap(),
            "--max-file-mb",
            "0.15",
            "--max-passages",
            "60",
        ],
    );
    let err = stderr(&run);
    assert_eq!(run.status.code(), Some(1), "{err}");

    // Coded: the plan once, and its copy (same bytes, another name, a warning).
    let documents: Vec<String> = rows(&out.join("documents.csv"))
        .iter()
        .map(|r| r[0].to_string())
        .collect();
    assert_eq!(documents, ["plan.md", "sub/plan-copy.md"], "{err}");

    let errors = rows(&out.join("errors.csv"));
    let said = |file: &str, severity: &str, words: &str| {
        assert!(
            errors
                .iter()
                .any(|r| &r[0] == file && &r[2] == severity && r[1].contains(words)),
            "no {severity} for {file} saying {words:?} in {errors:?}"
        );
        assert!(
            err.contains(&format!("{file}: ")) && err.contains(words),
            "{file}: {words:?} is not on the terminal:\n{err}"
        );
    };
    said("../outside.md", "error", "outside the round folder");
    said("/etc/hostname", "error", "outside the round folder");
    said("all-header.txt", "error", "no passages");
    said(
        "all-header.txt",
        "error",
        "running-header rule would have removed",
    );
    said("app.html", "error", "no text outside its scripts");
    said("huge.txt", "error", "too large");
    said("many.txt", "error", "too many passages");
    said("plan.md", "warning", "row 3: the same file as plan.md");
    said("manifest.csv row 4", "warning", "blank row");
    said("sub/loop", "warning", "a link to a folder; not followed");
    said("sub/plan-link.md", "warning", "the same file as plan.md");
    said("sub/plan-copy.md", "warning", "the same content as plan.md");
    said(
        "sub/plan-copy.md",
        "warning",
        "\"banana\" is not in the ICS table",
    );
    said("sub/plan-copy.md", "warning", "kind \"notakind\"");
    said("sub/plan-copy.md", "warning", "year \"notayear\"");
    assert_eq!(
        errors.iter().filter(|r| &r[2] == "error").count(),
        6,
        "{errors:?}"
    );

    let record: Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("report.json")).unwrap()).unwrap();
    assert_eq!(record["counts"]["coded"], 2);
    assert_eq!(record["counts"]["failed"], 6);
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(html.contains("id=\"warnings\"") && html.contains("blank row"));

    // Passage ids are unique; the copy's passages are the plan's texts, embedded once.
    let passages: Vec<Value> = std::fs::read_to_string(out.join("passages.jsonl"))
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let ids: HashSet<&str> = passages.iter().map(|p| p["id"].as_str().unwrap()).collect();
    assert_eq!(ids.len(), passages.len());
    let texts: HashSet<&str> = passages
        .iter()
        .map(|p| p["text"].as_str().unwrap())
        .collect();
    assert_eq!(passages.len(), 2 * texts.len());
    let cache_found = record["cache"]["found"].as_u64().unwrap();
    let cache_embedded = record["cache"]["embedded"].as_u64().unwrap();
    assert_eq!(
        (cache_found, cache_embedded),
        (0, texts.len() as u64),
        "a fresh cache embeds each distinct text once"
    );

    // With --allow-outside the outside file is read too.
    let allowed = planthemes(
        Path::new(ROOT),
        &[
            "run",
            round.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "--classifier",
            "keyword",
            "--allow-outside",
        ],
    );
    assert_eq!(allowed.status.code(), Some(1), "{}", stderr(&allowed));
    let documents: Vec<String> = rows(&out.join("documents.csv"))
        .iter()
        .map(|r| r[0].to_string())
        .collect();
    assert!(
        documents.contains(&"../outside.md".to_string()),
        "{documents:?}"
    );
}

#[test]
fn an_unusable_out_is_refused_before_any_work() {
    let dir = scratch("bad-out");
    let file = dir.join("a-file");
    std::fs::write(&file, "not a folder").unwrap();
    let mine = dir.join("mine");
    std::fs::create_dir(&mine).unwrap();
    std::fs::write(mine.join("thesis.docx"), "precious").unwrap();
    for (out, words) in [(&file, "must be a folder"), (&mine, "not a planthemes run")] {
        // A model that does not exist: refusing --out must come before loading it.
        let run = planthemes(
            Path::new(ROOT),
            &[
                "run",
                "--out",
                out.to_str().unwrap(),
                "--model",
                dir.join("no-model").to_str().unwrap(),
            ],
        );
        assert_eq!(run.status.code(), Some(2), "{}", stderr(&run));
        assert!(stderr(&run).contains(words), "{}", stderr(&run));
    }
    assert_eq!(
        std::fs::read_to_string(mine.join("thesis.docx")).unwrap(),
        "precious"
    );
    let left: Vec<_> = std::fs::read_dir(&dir).unwrap().collect();
    assert_eq!(left.len(), 2, "no staging folder is left behind");
}

#[test]
fn segment_checks_its_token_budget_like_run() {
    for bad in ["0", "100000"] {
        let out = planthemes(
            Path::new(ROOT),
            &["segment", "--max-tokens", bad, "corpus/rounds/sample"],
        );
        assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
        assert!(stderr(&out).contains("16..=512"), "{}", stderr(&out));
    }
}
