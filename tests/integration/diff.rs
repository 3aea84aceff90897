//! `planthemes diff` on two rounds built from the sample: one JFP drops its section on
//! the causes of poor health, one strategy turns an aim into a target, one HWB strategy
//! is removed and one added. The diff must report exactly the cells whose presence or
//! strongest commitment changed, with evidence from each round, and the documents new
//! and gone.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::support::{planthemes, scratch, stderr};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");
const NENC: &str = "North East and North Cumbria Integrated Care System";
const FRIMLEY: &str = "Frimley Health and Care";
const NENC_JFP: &str = "nhs-nenc-joint-forward-plan-2024-25";
const NWL: &str = "North West London Integrated Care System";
const NWL_STRATEGY: &str = "north-west-london-integrated-care-strategy-2023.md";
const NWL_AIM: &str = "- improving the conditions in which people live, starting with overcrowding and the cost of living";
const NWL_TARGET: &str = "- cutting the share of overcrowded households from 12% to 8% by 2028, and halving the number of families in temporary accommodation, from 3,100 to 1,550, by March 2027";

/// The NENC JFP as Markdown (its source, without the generator's front matter), whole
/// or without section 7.
fn nenc_jfp(drop_section_7: bool) -> String {
    let source = std::fs::read_to_string(
        Path::new(ROOT).join(format!("corpus/rounds/sources/{NENC_JFP}.md")),
    )
    .unwrap();
    let body = source.splitn(3, "---\n").nth(2).unwrap_or(&source);
    if !drop_section_7 {
        return body.to_string();
    }
    let start = body.find("# 7 ").unwrap();
    let end = body.find("# 8 ").unwrap();
    format!("{}{}", &body[..start], &body[end..])
}

/// A round folder from the sample: the NENC JFP as Markdown, and `edit` applied.
fn round(name: &str, new: bool) -> PathBuf {
    let dir = scratch(name);
    let sample = Path::new(ROOT).join("corpus/rounds/sample");
    for entry in std::fs::read_dir(&sample).unwrap() {
        let path = entry.unwrap().path();
        std::fs::copy(&path, dir.join(path.file_name().unwrap())).unwrap();
    }
    std::fs::remove_file(dir.join(format!("{NENC_JFP}.docx"))).unwrap();
    std::fs::write(dir.join(format!("{NENC_JFP}.md")), nenc_jfp(new)).unwrap();
    let manifest = std::fs::read_to_string(dir.join("manifest.csv")).unwrap();
    let mut manifest = manifest.replace(&format!("{NENC_JFP}.docx"), &format!("{NENC_JFP}.md"));
    if new {
        // North West London's strategy turns an aim into a target.
        let strategy = std::fs::read_to_string(dir.join(NWL_STRATEGY)).unwrap();
        assert!(strategy.contains(NWL_AIM));
        std::fs::write(
            dir.join(NWL_STRATEGY),
            strategy.replace(NWL_AIM, NWL_TARGET),
        )
        .unwrap();
        // Sunderland's HWB strategy is gone; Frimley has one for the first time.
        std::fs::remove_file(dir.join("sunderland-joint-health-and-wellbeing-strategy-2023.pdf"))
            .unwrap();
        manifest = manifest
            .lines()
            .filter(|l| !l.starts_with("sunderland-"))
            .map(|l| format!("{l}\n"))
            .collect();
        std::fs::copy(
            dir.join("somerset-health-and-wellbeing-strategy-2023.md"),
            dir.join("surrey-heath-health-and-wellbeing-strategy-2025.md"),
        )
        .unwrap();
        manifest.push_str(&format!(
            "surrey-heath-health-and-wellbeing-strategy-2025.md,{FRIMLEY},hwb,Surrey Heath Health and Wellbeing Strategy,2025\n"
        ));
    }
    std::fs::write(dir.join("manifest.csv"), manifest).unwrap();
    dir
}

/// Runs a round with the default head (and its commitment head) and a presence rule of
/// 5 passages, so dropping one section can lose a theme.
fn code(round: &Path, name: &str) -> PathBuf {
    code_with(round, name, "5")
}

fn code_with(round: &Path, name: &str, min_passages: &str) -> PathBuf {
    let model = crate::support::real_model_dir();
    let out = scratch(name);
    let run = planthemes(
        Path::new(ROOT),
        &[
            "run",
            round.to_str().unwrap(),
            "--model",
            model.to_str().unwrap(),
            "--min-passages",
            min_passages,
            "--out",
            out.to_str().unwrap(),
        ],
    );
    assert!(run.status.success(), "{}", stderr(&run));
    out
}

fn presence(run: &Path) -> BTreeMap<(String, String, String), bool> {
    // The themes' rows (a facet's row names its parent theme).
    let mut reader = csv::Reader::from_path(run.join("coverage.csv")).unwrap();
    reader
        .records()
        .map(|r| r.unwrap())
        .filter(|r| r[11].is_empty())
        .map(|r| {
            (
                (r[0].to_string(), r[1].to_string(), r[2].to_string()),
                &r[6] == "true",
            )
        })
        .collect()
}

#[test]
fn diff_reports_exactly_what_changed_between_two_rounds() {
    let old = code(&round("diff-old-round", false), "diff-old-run");
    let new = code(&round("diff-new-round", true), "diff-new-run");
    let out = scratch("diff-out");
    let diff = planthemes(
        Path::new(ROOT),
        &[
            "diff",
            old.to_str().unwrap(),
            new.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ],
    );
    assert!(diff.status.success(), "{}", stderr(&diff));
    for name in ["diff.csv", "diff_documents.csv", "diff.json", "diff.html"] {
        assert!(out.join(name).is_file(), "{name}");
    }

    // Documents: one gone, one new, the rest kept.
    let mut reader = csv::Reader::from_path(out.join("diff_documents.csv")).unwrap();
    let docs: Vec<Vec<String>> = reader
        .records()
        .map(|r| r.unwrap().iter().map(str::to_string).collect())
        .collect();
    let changed: BTreeSet<(String, String, String)> = docs
        .iter()
        .filter(|d| d[0] != "kept")
        .map(|d| (d[0].clone(), d[1].clone(), d[2].clone()))
        .collect();
    assert_eq!(
        changed,
        BTreeSet::from([
            ("gone".to_string(), NENC.to_string(), "hwb".to_string()),
            ("new".to_string(), FRIMLEY.to_string(), "hwb".to_string()),
        ])
    );
    assert_eq!(docs.len(), 20, "19 kept, one gone, one new");

    // Themes: exactly the cells whose presence changed, and only where the plans did.
    let (before, after) = (presence(&old), presence(&new));
    let keys: BTreeSet<_> = before.keys().chain(after.keys()).cloned().collect();
    let expected: BTreeMap<(String, String, String), &str> = keys
        .into_iter()
        .filter_map(|k| {
            let (b, a) = (before.get(&k) == Some(&true), after.get(&k) == Some(&true));
            (b != a).then_some((k, if a { "gained" } else { "lost" }))
        })
        .collect();
    let edited = [
        (NENC, "jfp"),
        (NENC, "hwb"),
        (FRIMLEY, "hwb"),
        (NWL, "strategy"),
    ];
    for (ics, kind, label) in expected.keys() {
        assert!(
            edited.contains(&(ics.as_str(), kind.as_str())),
            "{ics} / {kind} / {label} changed, but its plans did not"
        );
    }
    let key = |l: &str| (NENC.to_string(), "jfp".to_string(), l.to_string());
    assert_eq!(
        expected.get(&key("wider_determinants")),
        Some(&"lost"),
        "{expected:?}"
    );
    assert!(
        expected.values().any(|c| *c == "gained"),
        "Frimley's new HWB gains themes"
    );

    let mut reader = csv::Reader::from_path(out.join("diff.csv")).unwrap();
    let header = reader.headers().unwrap().clone();
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    let reported: BTreeMap<(String, String, String), String> = rows
        .iter()
        .filter(|r| &r[col("change")] == "gained" || &r[col("change")] == "lost")
        .map(|r| {
            (
                (r[0].to_string(), r[1].to_string(), r[2].to_string()),
                r[col("change")].to_string(),
            )
        })
        .collect();
    let expected: BTreeMap<_, String> = expected
        .into_iter()
        .map(|(k, v)| (k, v.to_string()))
        .collect();
    assert_eq!(reported, expected);

    // Evidence from each round: the lost theme's strongest passage before, none after;
    // the before passage is cited by section, as a Markdown document has no pages.
    let lost = rows
        .iter()
        .find(|r| r[0] == *NENC && &r[1] == "jfp" && &r[2] == "wider_determinants")
        .unwrap();
    assert!(
        lost[col("before_passage")].starts_with(NENC_JFP),
        "{lost:?}"
    );
    assert!(!lost[col("before_text")].is_empty());
    assert!(lost[col("before_location")].contains("para."), "{lost:?}");
    assert_eq!(&lost[col("documents")], "both");
    let gone = rows
        .iter()
        .find(|r| r[0] == *NENC && &r[1] == "hwb" && &r[col("change")] == "lost")
        .unwrap();
    assert_eq!(&gone[col("documents")], "gone");
    assert!(gone[col("after_passage")].is_empty());

    let json: Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("diff.json")).unwrap()).unwrap();
    assert_eq!(json["differences"], serde_json::json!([]));

    // The aim turned into a target: firmer, on the themes of that strategy. The only
    // other document kept but edited is the NENC JFP, which lost its section 7: its
    // cells can only have grown weaker. A document gone or new is reported as such,
    // not as firmer or weaker.
    let firmer: Vec<&Value> = json["cells"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["commitment_change"] != "")
        .collect();
    for c in &firmer {
        let cut = c["ics"] == NENC && c["kind"] == "jfp" && c["commitment_change"] == "weaker";
        assert!(
            (c["ics"] == NWL && c["kind"] == "strategy") || cut,
            "changed where the plans did not: {c}"
        );
    }
    let firmer: Vec<&Value> = firmer.into_iter().filter(|c| c["ics"] == NWL).collect();
    let wider = firmer
        .iter()
        .find(|c| c["label"] == "wider_determinants")
        .unwrap_or_else(|| panic!("wider determinants not firmer: {firmer:?}"));
    assert_eq!(wider["commitment_change"], "firmer");
    assert_eq!(wider["strength_new"], "target");
    let change = col("commitment_change");
    assert!(rows.iter().any(|r| r[0] == *NWL
        && &r[1] == "strategy"
        && &r[2] == "wider_determinants"
        && &r[change] == "firmer"));
    let html = std::fs::read_to_string(out.join("diff.html")).unwrap();
    assert!(html.contains("Every gain and loss") && html.trim_end().ends_with("</html>"));
}

#[test]
fn diff_refuses_runs_coded_differently_unless_allowed() {
    let round = Path::new(ROOT).join("corpus/rounds/sample");
    let a = code(&round, "diff-rule-a");
    let b = code_with(&round, "diff-rule-b", "2");
    let out = scratch("diff-rule-out");
    let args = [
        "diff",
        a.to_str().unwrap(),
        b.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ];
    let refused = planthemes(Path::new(ROOT), &args);
    assert_eq!(refused.status.code(), Some(2), "{}", stderr(&refused));
    assert!(
        stderr(&refused).contains("presence rule (--min-passages 5 vs 2)"),
        "{}",
        stderr(&refused)
    );
    assert!(!out.join("diff.csv").exists());

    let allowed = planthemes(
        Path::new(ROOT),
        &[&args[..], &["--allow-model-change"]].concat(),
    );
    assert!(allowed.status.success(), "{}", stderr(&allowed));
    let mut reader = csv::Reader::from_path(out.join("diff.csv")).unwrap();
    let last = reader.headers().unwrap().len() - 1;
    assert!(
        reader.records().all(|r| &r.unwrap()[last] == "true"),
        "every row marked"
    );
}
