//! `planthemes run` and `planthemes report` end to end: the bundled sample round with
//! the real encoder and the default head, a round with a corrupt PDF, a round without
//! a manifest, and a run killed part-way.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

use serde_json::Value;

use planthemes::report::OUTPUTS;

use crate::support::{planthemes, real_model_dir, scratch, stderr};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

fn sample(name: &str) -> PathBuf {
    Path::new(ROOT).join("corpus/rounds/sample").join(name)
}

type Row = HashMap<String, String>;

fn read_csv(path: &Path) -> Vec<Row> {
    let mut reader =
        csv::Reader::from_path(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let headers = reader.headers().unwrap().clone();
    reader
        .records()
        .map(|r| {
            let r = r.unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            headers
                .iter()
                .zip(r.iter())
                .map(|(h, v)| (h.to_string(), v.to_string()))
                .collect()
        })
        .collect()
}

fn cell<'a>(rows: &'a [Row], ics: &str, kind: &str, label: &str) -> &'a Row {
    rows.iter()
        .find(|r| r["ics"] == ics && r["kind"] == kind && r["label"] == label)
        .unwrap_or_else(|| panic!("no coverage row for {ics} / {kind} / {label}"))
}

const CORNWALL: &str = "Cornwall and the Isles of Scilly Integrated Care System";
const BLACK_COUNTRY: &str = "Black Country Integrated Care System";
const GM: &str = "Greater Manchester Integrated Care Partnership";
const NENC: &str = "North East and North Cumbria Integrated Care System";

#[test]
fn the_sample_round_is_coded_end_to_end_and_the_planted_profiles_show() {
    let model = real_model_dir();
    let out = scratch("sample-run");
    let run = planthemes(
        Path::new(ROOT),
        &[
            "run",
            "--out",
            out.to_str().unwrap(),
            "--model",
            model.to_str().unwrap(),
        ],
    );
    assert!(run.status.success(), "{}", stderr(&run));
    let stdout = String::from_utf8_lossy(&run.stdout);
    assert!(
        stdout.contains(&format!("report: {}", out.join("report.html").display())),
        "{stdout}"
    );
    assert!(
        stderr(&run).contains("coded 19 of 19 document(s)"),
        "{}",
        stderr(&run)
    );

    // Every document coded, each matched to the ICS and kind its manifest gives.
    let manifest = read_csv(&sample("manifest.csv"));
    let documents = read_csv(&out.join("documents.csv"));
    assert_eq!(documents.len(), manifest.len());
    for m in &manifest {
        let d = documents.iter().find(|d| d["file"] == m["file"]).unwrap();
        assert_eq!((&d["ics"], &d["kind"]), (&m["ics"], &m["kind"]));
        assert_eq!(d["ics_confidence"], "given");
        assert!(d["passages"].parse::<usize>().unwrap() > 5);
    }
    assert!(read_csv(&out.join("errors.csv")).is_empty());

    // One coverage row per ICS × kind it has × label.
    let record: Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("report.json")).unwrap()).unwrap();
    let labels = record["labels"].as_array().unwrap().len();
    assert_eq!(labels, 16);
    let all_rows = read_csv(&out.join("coverage.csv"));
    let (coverage, facet_rows): (Vec<Row>, Vec<Row>) =
        all_rows.into_iter().partition(|r| r["parent"].is_empty());
    assert_eq!(coverage.len(), manifest.len() * labels);
    assert_eq!(
        facet_rows.len(),
        manifest.len() * 15,
        "ten determinants, five clinical areas"
    );
    for col in [
        "ics",
        "kind",
        "label",
        "passages",
        "share",
        "present",
        "strongest",
        "targets",
        "share_adj",
        "share_adj_low",
        "share_adj_high",
        "p_missed",
        "p_false",
        "near_miss",
    ] {
        assert!(coverage[0].contains_key(col), "coverage.csv lacks {col}");
    }
    honest_columns_hold(&coverage);

    // Planted: Cornwall's JFP drops the wider determinants its strategy promised.
    assert_eq!(
        cell(&coverage, CORNWALL, "strategy", "wider_determinants")["present"],
        "true"
    );
    assert_eq!(
        cell(&coverage, CORNWALL, "jfp", "wider_determinants")["present"],
        "false"
    );
    let alignment = read_csv(&out.join("alignment.csv"));
    let dropped = alignment
        .iter()
        .find(|r| {
            r["ics"] == CORNWALL
                && r["kind_a"] == "strategy"
                && r["kind_b"] == "jfp"
                && r["label"] == "wider_determinants"
        })
        .expect("Cornwall's strategy/JFP alignment row");
    assert_eq!(dropped["change"], "dropped");

    // Planted: the Black Country has no anchor-role content in any document.
    for kind in ["strategy", "jfp"] {
        assert_eq!(
            cell(&coverage, BLACK_COUNTRY, kind, "anchor_roles")["present"],
            "false",
            "{kind}"
        );
    }
    // …while NENC, planted strong on anchor roles, has them in its strategy.
    assert_eq!(
        cell(&coverage, NENC, "strategy", "anchor_roles")["present"],
        "true"
    );

    // Planted: Greater Manchester's JFP is the one strongest on measurable KPIs.
    let share = |r: &Row| r["share"].parse::<f64>().unwrap();
    let gm = share(cell(&coverage, GM, "jfp", "outcomes_measures"));
    for r in coverage
        .iter()
        .filter(|r| r["kind"] == "jfp" && r["label"] == "outcomes_measures" && r["ics"] != GM)
    {
        assert!(gm > share(r), "GM JFP {gm} vs {} {}", r["ics"], share(r));
    }

    // summary.csv agrees with coverage.csv, for themes and facets.
    let summary = read_csv(&out.join("summary.csv"));
    for s in &summary {
        let rows: Vec<&Row> = coverage
            .iter()
            .chain(&facet_rows)
            .filter(|r| r["label"] == s["label"] && r["kind"] == s["kind"])
            .collect();
        let present = rows.iter().filter(|r| r["present"] == "true").count();
        assert_eq!(s["present"], present.to_string());
        assert_eq!(s["systems"], rows.len().to_string());
    }
    let strategies = summary
        .iter()
        .find(|s| s["label"] == "wider_determinants" && s["kind"] == "strategy")
        .unwrap();
    assert!(
        strategies["statement"].contains("of 8 strategies (95% interval "),
        "{strategies:?}"
    );

    facets_and_targets_show(&out, &facet_rows);

    // Every passage's labels follow its scores and the recorded thresholds, and its
    // pages lie inside its document.
    let thresholds = record["thresholds"].as_object().unwrap();
    // Only a PDF has pages; documents.csv leaves the rest blank.
    let pages: HashMap<String, Option<usize>> = documents
        .iter()
        .map(|d| (d["id"].clone(), d["pages"].parse().ok()))
        .collect();
    let passages = std::fs::read_to_string(out.join("passages.jsonl")).unwrap();
    let mut n = 0;
    for line in passages.lines() {
        let p: Value = serde_json::from_str(line).unwrap();
        let labels: Vec<&str> = p["labels"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| l.as_str().unwrap())
            .collect();
        for (label, t) in thresholds {
            let score = p["scores"][label].as_f64().unwrap();
            assert_eq!(
                labels.contains(&label.as_str()),
                score >= t.as_f64().unwrap(),
                "{} {label}",
                p["id"]
            );
        }
        match pages[p["doc"].as_str().unwrap()] {
            Some(count) => {
                let last = p["page_last"].as_u64().unwrap() as usize;
                assert!(p["page_first"].as_u64().unwrap() >= 1);
                assert!(last <= count, "{}", p["id"]);
            }
            None => assert!(
                p["page_first"].is_null(),
                "{}: no page without pages",
                p["id"]
            ),
        }
        n += 1;
    }
    assert_eq!(record["counts"]["passages"].as_u64().unwrap() as usize, n);

    // Commitment flags: on every passage, decided by the commitment head's thresholds;
    // each coverage cell gives its strongest commitment and its count of targets.
    let flag_thresholds = record["commitment"]["thresholds"].as_object().unwrap();
    let mut targets = 0;
    for line in passages.lines() {
        let p: Value = serde_json::from_str(line).unwrap();
        for (flag, t) in flag_thresholds {
            let given = p["commitment"]
                .as_array()
                .unwrap()
                .iter()
                .any(|f| f == flag.as_str());
            assert_eq!(
                given,
                p["commitment_scores"][flag].as_f64().unwrap() >= t.as_f64().unwrap()
            );
        }
        targets += usize::from(
            p["commitment"]
                .as_array()
                .unwrap()
                .iter()
                .any(|f| f == "target"),
        );
    }
    assert!(
        targets > 10,
        "the sample's KPI-rich plans set targets ({targets} passages)"
    );
    let rows = read_csv(&out.join("coverage.csv"));
    assert!(rows.iter().all(
        |r| ["none", "aim", "action", "resource", "target"].contains(&r["strongest"].as_str())
    ));
    assert!(rows
        .iter()
        .any(|r| r["strongest"] == "target" && r["targets"] != "0"));
    assert!(record["encoder"]["id"]
        .as_str()
        .unwrap()
        .starts_with("all-MiniLM-L6-v2@"));
    assert_eq!(record["encoder"]["precision"], "fp32");
    // The record names the layers the default head reads: the last, then its middle ones.
    let head: Value = serde_json::from_str(
        &std::fs::read_to_string(Path::new(ROOT).join("models/heads/default/head.json")).unwrap(),
    )
    .unwrap();
    let mut layers = vec![Value::from(6)];
    layers.extend(head["encoder_layers"].as_array().unwrap().iter().cloned());
    assert_eq!(record["encoder"]["pooled_layers"], Value::Array(layers));
    // The default head names its own kind (a hidden layer: `mlp`).
    assert_eq!(record["classifier"]["kind"], "mlp");
    assert!(
        record["classifier"]["dev_metrics"]["macro_f1_core"]
            .as_f64()
            .unwrap()
            > 0.5
    );
    assert!(!record["timings"].as_array().unwrap().is_empty());
    // The default head is bagged, and the page says what its training figures are.
    assert_eq!(record["classifier"]["dev_metrics"]["scores"], "out-of-fold");
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(
        html.contains("each scored by the one member that had not seen it"),
        "report.html does not say how the head was measured"
    );

    // `report --out` writes the rebuilt run elsewhere and leaves the original as it was.
    let before = std::fs::read(out.join("coverage.csv")).unwrap();
    let copy = out.with_file_name(format!(
        "{}-rebuilt",
        out.file_name().unwrap().to_string_lossy()
    ));
    let _ = std::fs::remove_dir_all(&copy);
    let elsewhere = planthemes(
        Path::new(ROOT),
        &[
            "report",
            out.to_str().unwrap(),
            "--threshold",
            "anchor_roles=1",
            "--out",
            copy.to_str().unwrap(),
        ],
    );
    assert!(elsewhere.status.success(), "{}", stderr(&elsewhere));
    // A threshold of 1 keeps only the passages scored 1 (to four places): few or none.
    let anchored = |dir: &Path| -> usize {
        read_csv(&dir.join("coverage.csv"))
            .iter()
            .filter(|r| r["label"] == "anchor_roles" && r["kind"] != "all")
            .map(|r| r["passages"].parse::<usize>().unwrap())
            .sum()
    };
    let certain = passages
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap())
        .filter(|p| p["scores"]["anchor_roles"].as_f64().unwrap() >= 1.0)
        .count();
    let before_anchored = anchored(&out);
    assert!(
        before_anchored > certain,
        "{before_anchored} anchor passages at the shipped threshold"
    );
    assert_eq!(anchored(&copy), certain);
    assert_eq!(std::fs::read(out.join("coverage.csv")).unwrap(), before);

    // `report` rebuilds every output with a new threshold.
    let rebuilt = planthemes(
        Path::new(ROOT),
        &[
            "report",
            out.to_str().unwrap(),
            "--threshold",
            "anchor_roles=1",
        ],
    );
    assert!(rebuilt.status.success(), "{}", stderr(&rebuilt));
    let coverage = read_csv(&out.join("coverage.csv"));
    assert_eq!(anchored(&out), certain);
    assert_eq!(
        cell(&coverage, CORNWALL, "jfp", "wider_determinants")["present"],
        "false"
    );
    let record: Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("report.json")).unwrap()).unwrap();
    assert_eq!(record["thresholds"]["anchor_roles"].as_f64(), Some(1.0));

    // A probability threshold outside 0–1 is refused, and nothing is rebuilt.
    let outside = planthemes(
        Path::new(ROOT),
        &["report", out.to_str().unwrap(), "--threshold", "access=1.5"],
    );
    assert_eq!(outside.status.code(), Some(2));
    assert!(
        stderr(&outside).contains("from 0 to 1"),
        "{}",
        stderr(&outside)
    );

    let bad = planthemes(
        Path::new(ROOT),
        &[
            "report",
            out.to_str().unwrap(),
            "--threshold",
            "housing=0.5",
        ],
    );
    assert_eq!(bad.status.code(), Some(2));
    assert!(
        stderr(&bad).contains("no label \"housing\""),
        "{}",
        stderr(&bad)
    );
}

/// The default head ships its error rates, so every cell has an adjusted share inside
/// its interval; absent cells have p_missed and near misses, present ones p_false.
fn honest_columns_hold(coverage: &[Row]) {
    let num = |r: &Row, c: &str| -> f64 {
        r[c].parse().unwrap_or_else(|_| {
            panic!(
                "{c} = {:?} in {}/{}/{}",
                r[c], r["ics"], r["kind"], r["label"]
            )
        })
    };
    let mut absent_with_near = 0;
    for r in coverage {
        let (adj, low, high) = (
            num(r, "share_adj"),
            num(r, "share_adj_low"),
            num(r, "share_adj_high"),
        );
        assert!(
            (0.0..=1.0).contains(&adj) && low <= adj + 1e-9 && adj <= high + 1e-9,
            "{r:?}"
        );
        if r["present"] == "true" {
            assert!(
                r["p_missed"].is_empty() && (0.0..=1.0).contains(&num(r, "p_false")),
                "{r:?}"
            );
            assert!(r["near_miss"].is_empty(), "{r:?}");
        } else {
            assert!(
                r["p_false"].is_empty() && (0.0..=1.0).contains(&num(r, "p_missed")),
                "{r:?}"
            );
            absent_with_near += usize::from(!r["near_miss"].is_empty());
        }
    }
    assert!(absent_with_near > 0, "absent cells list their near misses");
}

/// Facet rows and national facet counts with intervals; kpis.csv lists the targets
/// planted in the sample documents and not the comparisons with England beside them.
fn facets_and_targets_show(out: &Path, facet_rows: &[Row]) {
    let housing = cell(facet_rows, CORNWALL, "strategy", "housing");
    assert_eq!(housing["parent"], "wider_determinants");
    assert_eq!(
        housing["present"], "true",
        "Cornwall's strategy plans warm homes"
    );
    let summary = read_csv(&out.join("summary.csv"));
    let line = summary
        .iter()
        .find(|r| r["label"] == "housing" && r["kind"] == "strategy")
        .expect("summary.csv has the housing facet");
    assert_eq!(line["parent"], "wider_determinants");
    let (present, low, high): (usize, usize, usize) = (
        line["present"].parse().unwrap(),
        line["present_low"].parse().unwrap(),
        line["present_high"].parse().unwrap(),
    );
    assert!(low <= present && present <= high, "{line:?}");
    assert!(
        line["statement"].starts_with(&format!("{present} of 8 strategies")),
        "{line:?}"
    );

    let kpis = read_csv(&out.join("kpis.csv"));
    let mut reader = csv::Reader::from_path(out.join("kpis.csv")).unwrap();
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(header, planthemes::report::KPI_COLUMNS);
    let has = |ics: &str, kind: &str, value: &str, date: &str| {
        kpis.iter().any(|r| {
            r["ics"] == ics
                && r["kind"] == kind
                && r["target_value"] == value
                && r["target_date"] == date
        })
    };
    // The strategies' "Ambition for 2028" tables.
    assert!(
        has(CORNWALL, "strategy", "11", "2028"),
        "fuel poverty 16% → 11% by 2028"
    );
    assert!(
        has(CORNWALL, "strategy", "70", "2028"),
        "school readiness 63% → 70%"
    );
    assert!(
        has(BLACK_COUNTRY, "strategy", "10", "2028"),
        "adult smoking 15% → 10%"
    );
    // "By March 2025 no patient will wait longer than 65 weeks, and by March 2026
    // none longer than 52 weeks": two zeros, each with its own date.
    assert!(has(NENC, "jfp", "0", "2025-03") && has(NENC, "jfp", "0", "2026-03"));
    // Comparisons with England (13%) are statistics, not targets.
    assert!(!has(CORNWALL, "strategy", "13", "2028"));
    let fuel = kpis
        .iter()
        .find(|r| r["ics"] == CORNWALL && r["target_value"] == "11")
        .unwrap();
    assert_eq!(
        (fuel["baseline_value"].as_str(), fuel["unit"].as_str()),
        ("16", "%")
    );
    assert!(
        fuel["citation"].contains("p."),
        "a PDF's target cites its page: {fuel:?}"
    );
}

#[test]
fn a_round_with_a_corrupt_pdf_finishes_with_status_1_and_reports_it() {
    let model = real_model_dir();
    let round = scratch("corrupt-round");
    for name in [
        "brent-joint-health-and-wellbeing-strategy-2023.html",
        "north-west-london-integrated-care-strategy-2023.md",
    ] {
        std::fs::copy(sample(name), round.join(name)).unwrap();
    }
    let mut corrupt = std::fs::read(sample("somerset-integrated-care-strategy-2023.pdf")).unwrap();
    corrupt.truncate(corrupt.len() / 3);
    corrupt.extend_from_slice(b"\x00\xff garbage");
    std::fs::write(round.join("somerset-strategy-corrupt.pdf"), corrupt).unwrap();
    std::fs::write(
        round.join("manifest.csv"),
        "file,ics,kind,title,year\n\
         brent-joint-health-and-wellbeing-strategy-2023.html,NWL,hwb,,2023\n\
         north-west-london-integrated-care-strategy-2023.md,NWL,strategy,,2023\n\
         somerset-strategy-corrupt.pdf,Somerset,strategy,,2023\n",
    )
    .unwrap();
    let out = round.join("out");
    let run = planthemes(
        Path::new(ROOT),
        &[
            "run",
            round.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "--model",
            model.to_str().unwrap(),
        ],
    );
    assert_eq!(run.status.code(), Some(1), "{}", stderr(&run));
    assert!(
        stderr(&run).contains("somerset-strategy-corrupt.pdf: corrupt"),
        "{}",
        stderr(&run)
    );

    let errors = read_csv(&out.join("errors.csv"));
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0]["file"], "somerset-strategy-corrupt.pdf");
    assert!(errors[0]["reason"].contains("corrupt"), "{:?}", errors[0]);
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(html.contains("somerset-strategy-corrupt.pdf"));

    // Every other document is coded.
    let documents = read_csv(&out.join("documents.csv"));
    assert_eq!(documents.len(), 2);
    let coverage: Vec<Row> = read_csv(&out.join("coverage.csv"))
        .into_iter()
        .filter(|r| r["parent"].is_empty())
        .collect();
    assert_eq!(coverage.len(), 2 * 16);
    assert!(coverage
        .iter()
        .all(|r| r["ics"] == "North West London Integrated Care System"));
    // The outputs are inside the round folder: a re-run must not read them as
    // documents.
    let again = planthemes(
        Path::new(ROOT),
        &[
            "run",
            round.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "--classifier",
            "keyword",
        ],
    );
    assert_eq!(again.status.code(), Some(1), "{}", stderr(&again));
    assert_eq!(read_csv(&out.join("documents.csv")).len(), 2);
    assert_eq!(read_csv(&out.join("errors.csv")).len(), 1);
}

#[test]
fn without_a_manifest_ics_and_kind_are_guessed_and_shown() {
    let round = scratch("guess-round");
    let manifest = read_csv(&sample("manifest.csv"));
    for m in &manifest {
        std::fs::copy(sample(&m["file"]), round.join(&m["file"])).unwrap();
    }
    let out = scratch("guess-run");
    let run = planthemes(
        Path::new(ROOT),
        &[
            "run",
            round.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "--classifier",
            "keyword",
        ],
    );
    assert!(run.status.success(), "{}", stderr(&run));
    let err = stderr(&run);
    assert!(err.contains("guessed"), "{err}");
    let documents = read_csv(&out.join("documents.csv"));
    for m in &manifest {
        let d = documents.iter().find(|d| d["file"] == m["file"]).unwrap();
        assert_eq!(
            (&d["ics"], &d["kind"]),
            (&m["ics"], &m["kind"]),
            "{}",
            m["file"]
        );
        assert_ne!(d["ics_confidence"], "given");
        assert!(d["ics_basis"].starts_with("matched"), "{:?}", d);
        assert!(
            err.contains(&format!("{}: ICS {}", m["file"], m["ics"])),
            "{err}"
        );
    }
}

#[test]
fn nothing_to_run_exits_2_naming_the_path() {
    let missing = Path::new(env!("CARGO_TARGET_TMPDIR")).join("no-such-round");
    let run = planthemes(Path::new(ROOT), &["run", missing.to_str().unwrap()]);
    assert_eq!(run.status.code(), Some(2));
    assert!(stderr(&run).contains("no-such-round"), "{}", stderr(&run));

    let empty = scratch("empty-round");
    let run = planthemes(Path::new(ROOT), &["run", empty.to_str().unwrap()]);
    assert_eq!(run.status.code(), Some(2));
    assert!(stderr(&run).contains("no documents"), "{}", stderr(&run));

    let run = planthemes(Path::new(ROOT), &["report", empty.to_str().unwrap()]);
    assert_eq!(run.status.code(), Some(2));
    assert!(stderr(&run).contains("report.json"), "{}", stderr(&run));
}

/// Each output that exists is whole: JSON Lines and JSON parse, CSV rows have the
/// header's width, the HTML ends. No temporary file outlives a finished run.
fn assert_outputs_whole(dir: &Path) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if name.starts_with('.') {
            continue; // a temporary file of an interrupted write
        }
        if path.is_dir() {
            continue; // documents/: each text written atomically on its own
        }
        if name.ends_with(".xlsx") {
            zip::ZipArchive::new(std::fs::File::open(&path).unwrap())
                .unwrap_or_else(|e| panic!("{name}: {e}"));
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        match path.extension().and_then(|e| e.to_str()) {
            Some("jsonl") => {
                assert!(text.is_empty() || text.ends_with('\n'), "{name} is cut");
                for line in text.lines() {
                    serde_json::from_str::<Value>(line).unwrap_or_else(|e| panic!("{name}: {e}"));
                }
            }
            Some("json") => {
                serde_json::from_str::<Value>(&text).unwrap_or_else(|e| panic!("{name}: {e}"));
            }
            Some("csv") => {
                let mut reader = csv::Reader::from_reader(text.as_bytes());
                let width = reader.headers().unwrap().len();
                for r in reader.records() {
                    assert_eq!(r.unwrap().len(), width, "{name}");
                }
                assert!(text.ends_with('\n'), "{name} is cut");
            }
            Some("html") => assert!(text.trim_end().ends_with("</html>"), "{name} is cut"),
            _ => panic!("unexpected output {name}"),
        }
    }
}

#[test]
fn killing_a_run_part_way_leaves_no_truncated_output() {
    let out = scratch("killed-run");
    let args = |out: &Path| {
        vec![
            "run".to_string(),
            "--out".into(),
            out.display().to_string(),
            "--classifier".into(),
            "keyword".into(),
        ]
    };
    let started = Instant::now();
    let first = planthemes(
        Path::new(ROOT),
        &args(&out).iter().map(String::as_str).collect::<Vec<_>>(),
    );
    assert!(first.status.success(), "{}", stderr(&first));
    let whole = started.elapsed();
    assert_outputs_whole(&out);

    // Kill at points spread over a whole run, with more of them near the end, where
    // the outputs are written and the staged folder is renamed into place. After each
    // kill the folder is the previous run, whole, or (killed between the two renames)
    // absent until the next run puts the previous one back.
    for fraction in [0.1, 0.3, 0.5, 0.7, 0.8, 0.85, 0.9, 0.93, 0.96, 0.98, 1.0] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_planthemes"))
            .args(args(&out))
            .current_dir(ROOT)
            // The same cache as the timed run above, so the kills land where it did.
            .env(
                "PLANTHEMES_CACHE",
                Path::new(env!("CARGO_TARGET_TMPDIR")).join("test-embeddings.redb"),
            )
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(whole.mul_f64(fraction));
        let _ = child.kill();
        let _ = child.wait();
        if out.exists() {
            assert_outputs_whole(&out);
            for name in OUTPUTS {
                assert!(out.join(name).is_file(), "{name} is missing after a kill");
            }
        }
        // A run killed before it finished leaves only a hidden staging folder. Killed
        // before its record was written, that folder is no run, and `report` refuses
        // it; killed after (just before the rename), it is a whole run.
        for entry in std::fs::read_dir(out.parent().unwrap()).unwrap() {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            if name.starts_with(".killed-run.staging-") && path.join("report.json").is_file() {
                assert_outputs_whole(&path);
            } else if name.starts_with(".killed-run.staging-") {
                let report = planthemes(Path::new(ROOT), &["report", path.to_str().unwrap()]);
                assert_eq!(report.status.code(), Some(2), "{}", stderr(&report));
                assert!(
                    stderr(&report).contains("finished run folder"),
                    "{}",
                    stderr(&report)
                );
            }
        }
    }

    // A run after the kills finishes cleanly and leaves no temporaries, inside the
    // folder or beside it.
    let last = planthemes(
        Path::new(ROOT),
        &args(&out).iter().map(String::as_str).collect::<Vec<_>>(),
    );
    assert!(last.status.success(), "{}", stderr(&last));
    assert_outputs_whole(&out);
    let hidden = |dir: &Path| {
        std::fs::read_dir(dir)
            .unwrap()
            .filter(|e| {
                let name = e
                    .as_ref()
                    .unwrap()
                    .file_name()
                    .to_string_lossy()
                    .into_owned();
                name.starts_with('.') && name.contains("killed-run")
                    || dir == out && name.starts_with('.')
            })
            .count()
    };
    assert_eq!(hidden(&out), 0);
    assert_eq!(hidden(out.parent().unwrap()), 0);
}

#[test]
fn a_run_killed_while_embedding_resumes_from_the_cache() {
    let model = real_model_dir();
    let dir = scratch("resume-run");
    let cache = dir.join("cache.redb");
    let out = dir.join("out");
    let args = [
        "run",
        "--out",
        out.to_str().unwrap(),
        "--model",
        model.to_str().unwrap(),
        "--cache",
        cache.to_str().unwrap(),
    ];
    // The keyword classifier first: it fills the cache's documents table, so that
    // the killed run's growth below is vectors alone.
    let keyword_out = dir.join("keyword");
    let primed = planthemes(
        Path::new(ROOT),
        &[
            "run",
            "--classifier",
            "keyword",
            "--out",
            keyword_out.to_str().unwrap(),
            "--cache",
            cache.to_str().unwrap(),
        ],
    );
    assert!(primed.status.success(), "{}", stderr(&primed));
    let size = |p: &Path| std::fs::metadata(p).map(|m| m.len()).unwrap_or(0);
    let empty = size(&cache);
    assert!(empty > 0);
    let mut child = Command::new(env!("CARGO_BIN_EXE_planthemes"))
        .args(args)
        .current_dir(ROOT)
        .env("HF_HUB_OFFLINE", "1")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // The cache commits every 64 passages (about 100 KB of vectors). Kill once the
    // file has grown by more than two chunks' worth, so at least one chunk is surely
    // committed (a chunk's pages are written before its commit), well before the
    // 324 passages are done.
    let started = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            panic!("the run ended ({status}) before it could be killed");
        }
        if size(&cache) > empty + 250 * 1024 {
            break;
        }
        assert!(
            started.elapsed().as_secs() < 300,
            "no chunk committed in 5 minutes"
        );
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(
        !out.join("report.json").exists(),
        "killed before any output"
    );

    let again = planthemes(Path::new(ROOT), &args);
    assert!(again.status.success(), "{}", stderr(&again));
    let record: Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("report.json")).unwrap()).unwrap();
    let found = record["cache"]["found"].as_u64().unwrap();
    let embedded = record["cache"]["embedded"].as_u64().unwrap();
    // Identical passages are embedded once: the cache sees each distinct text once.
    let distinct = std::fs::read_to_string(out.join("passages.jsonl"))
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap()["text"].to_string())
        .collect::<std::collections::HashSet<_>>()
        .len() as u64;
    assert!(
        found >= 64 && found < distinct,
        "found {found} of {distinct}"
    );
    assert_eq!(found + embedded, distinct);
    assert_eq!(
        record["cache"]["documents"], 19,
        "every document read before, by the keyword run"
    );
    assert!(
        stderr(&again).contains(&format!("{found} found embedded, {embedded} embedded")),
        "{}",
        stderr(&again)
    );
}

#[test]
fn a_rerun_reads_only_what_changed() {
    let dir = scratch("rerun-round");
    let round = dir.join("round");
    std::fs::create_dir(&round).unwrap();
    for entry in std::fs::read_dir(sample("")).unwrap() {
        let path = entry.unwrap().path();
        std::fs::copy(&path, round.join(path.file_name().unwrap())).unwrap();
    }
    let cache = dir.join("cache.redb");
    let code = |out: &str| -> Value {
        let out = dir.join(out);
        let run = planthemes(
            Path::new(ROOT),
            &[
                "run",
                round.to_str().unwrap(),
                "--classifier",
                "keyword",
                "--cache",
                cache.to_str().unwrap(),
                "--out",
                out.to_str().unwrap(),
            ],
        );
        assert!(run.status.success(), "{}", stderr(&run));
        serde_json::from_str(&std::fs::read_to_string(out.join("report.json")).unwrap()).unwrap()
    };
    let first = code("first");
    assert_eq!(first["cache"]["documents"], 0);
    assert_eq!(first["cache"]["scored"], 0);

    // Unchanged: every document and every passage's scores from the cache, and the
    // same outputs.
    let second = code("second");
    assert_eq!(second["cache"]["documents"], 19);
    let distinct = std::fs::read_to_string(dir.join("first/passages.jsonl"))
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap()["text"].to_string())
        .collect::<std::collections::HashSet<_>>()
        .len();
    assert_eq!(second["cache"]["scored"], distinct);
    for name in [
        "passages.jsonl",
        "coverage.csv",
        "evidence.csv",
        "documents.csv",
    ] {
        assert_eq!(
            std::fs::read(dir.join("first").join(name)).unwrap(),
            std::fs::read(dir.join("second").join(name)).unwrap(),
            "{name} differs on a re-run from the cache"
        );
    }

    // One document edited: it alone is read again, and its new passage is coded.
    let edited = round.join("somerset-health-and-wellbeing-strategy-2023.md");
    let mut text = std::fs::read_to_string(&edited).unwrap();
    text.push_str("\n## Added this year\n\nWe will open a new community diagnostic centre in Yeovil, cutting waits for scans to under six weeks.\n");
    std::fs::write(&edited, text).unwrap();
    let third = code("third");
    assert_eq!(third["cache"]["documents"], 18);
    let passages = std::fs::read_to_string(dir.join("third/passages.jsonl")).unwrap();
    assert!(passages.contains("community diagnostic centre in Yeovil"));
    assert_eq!(
        third["counts"]["passages"].as_u64().unwrap(),
        first["counts"]["passages"].as_u64().unwrap() + 1
    );
}

#[test]
fn concurrent_runs_on_one_cache_finish_correctly_and_leave_it_whole() {
    let dir = scratch("shared-cache");
    let cache = dir.join("cache.redb");
    let run = |out: &str| {
        Command::new(env!("CARGO_BIN_EXE_planthemes"))
            .args([
                "run",
                "--classifier",
                "keyword",
                "--cache",
                cache.to_str().unwrap(),
                "--out",
            ])
            .arg(dir.join(out))
            .current_dir(ROOT)
            .env("HF_HUB_OFFLINE", "1")
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap()
    };
    // Two at once: whichever finds the cache held goes on without it, and says so.
    let (a, b) = (run("a"), run("b"));
    let (a, b) = (a.wait_with_output().unwrap(), b.wait_with_output().unwrap());
    assert!(a.status.success(), "{}", stderr(&a));
    assert!(b.status.success(), "{}", stderr(&b));
    for name in ["passages.jsonl", "coverage.csv", "summary.csv"] {
        assert_eq!(
            std::fs::read(dir.join("a").join(name)).unwrap(),
            std::fs::read(dir.join("b").join(name)).unwrap(),
            "{name}"
        );
    }

    // Held by this process: the run says the cache is in use, and its outputs are
    // still right.
    let held = planthemes::embed::EmbeddingCache::open(&cache).unwrap();
    let c = run("c").wait_with_output().unwrap();
    assert!(c.status.success(), "{}", stderr(&c));
    assert!(
        stderr(&c).contains("the cache is in use by another planthemes process"),
        "{}",
        stderr(&c)
    );
    assert_eq!(
        std::fs::read(dir.join("a/coverage.csv")).unwrap(),
        std::fs::read(dir.join("c/coverage.csv")).unwrap()
    );
    drop(held);

    // Nothing corrupted: the next run opens it and finds every document.
    let d = run("d").wait_with_output().unwrap();
    assert!(d.status.success(), "{}", stderr(&d));
    assert!(!stderr(&d).contains("warning"), "{}", stderr(&d));
    let record: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("d/report.json")).unwrap()).unwrap();
    assert_eq!(record["cache"]["documents"], 19);
}
