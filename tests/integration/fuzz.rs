//! Fuzz targets, run for a time budget rather than a number of cases: hostile text
//! through the segmenter (cleaner, block finder, packer), and hostile bytes through the
//! manifest reader and the round planner. A failure is shrunk by proptest and printed
//! with the seed that found it.
//!
//! `PLANTHEMES_FUZZ_SECS` sets each target's budget (default 5 s; `scripts/test.sh`
//! gives 30 s; a long run: `PLANTHEMES_FUZZ_SECS=600 cargo test --test integration
//! fuzz_ -- --nocapture`). `PLANTHEMES_FUZZ_SEED` repeats a run.

use std::time::{Duration, Instant};

use planthemes::ingest::manifest::{parse_manifest, row_doubts, IcsTable};
use planthemes::round::{plan, PlanOptions};
use planthemes::segment::{split, NoLexicon, SegmentOptions, WordCount};
use proptest::prelude::*;
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};

use crate::segment_props::document;

fn budget() -> Duration {
    let secs = std::env::var("PLANTHEMES_FUZZ_SECS")
        .ok()
        .and_then(|s| s.parse::<f64>().ok())
        .unwrap_or(5.0);
    Duration::from_secs_f64(secs)
}

fn seed() -> u64 {
    std::env::var("PLANTHEMES_FUZZ_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(1, |d| d.as_nanos() as u64)
        })
}

/// Runs `test` on values of `strategy` until the budget is spent; panics with the
/// shrunk failing value and the seed.
fn fuzz<S: Strategy>(name: &str, strategy: S, test: impl Fn(S::Value) -> Result<(), TestCaseError>)
where
    S::Value: std::fmt::Debug,
{
    let seed = seed();
    let mut bytes = [0u8; 32];
    bytes[..8].copy_from_slice(&seed.to_le_bytes());
    let mut runner = TestRunner::new_with_rng(
        Config {
            failure_persistence: None,
            ..Config::default()
        },
        TestRng::from_seed(RngAlgorithm::ChaCha, &bytes),
    );
    let started = Instant::now();
    let mut cases = 0u64;
    while started.elapsed() < budget() {
        let tree = strategy
            .new_tree(&mut runner)
            .unwrap_or_else(|e| panic!("{name}: cannot generate a case: {e}"));
        if let Err(e) = runner.run_one(tree, &test) {
            panic!("{name} (PLANTHEMES_FUZZ_SEED={seed}, after {cases} cases): {e}");
        }
        cases += 1;
    }
    eprintln!(
        "{name}: {cases} cases in {:.0} s without a failure (seed {seed})",
        started.elapsed().as_secs_f64()
    );
}

/// Text as hostile extractors produce it: any characters, control characters, form
/// feeds, very long lines and words, repeated lines, bullets, headings and bars.
fn hostile_text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        4 => "[A-Za-z]{1,12}",
        2 => Just(" ".to_string()),
        2 => Just("\n".to_string()),
        1 => Just("\n\n".to_string()),
        1 => "\\PC{1,8}",
        1 => "[\\x00-\\x1f\\x7f\u{00ad}\u{200b}\u{feff}\u{fb01}\u{2}]{1,4}",
        1 => Just("\n• ".to_string()),
        1 => Just("\n# ".to_string()),
        1 => Just(" | ".to_string()),
        1 => Just("-\n".to_string()),
        1 => "[0-9]{1,6}",
        1 => "[a-z]{40,400}",
        1 => Just("Page 3 of 9\n".to_string()),
        1 => Just("OFFICIAL – Joint Forward Plan\n".repeat(5)),
    ];
    prop::collection::vec(piece, 0..400).prop_map(|v| v.concat())
}

#[test]
fn fuzz_segmenter_keeps_spans_pages_and_ids_sound() {
    let pages = prop::collection::vec(hostile_text(), 1..12);
    fuzz(
        "segmenter",
        (pages, 16usize..=512),
        |(pages, max_tokens)| {
            let doc = document(pages);
            let seg = split(&doc, &WordCount, &NoLexicon, &SegmentOptions { max_tokens });
            let text = &seg.cleaned.text;
            let last_page = doc.pages.len() as u32;
            let mut ids = std::collections::HashSet::new();
            for p in &seg.passages {
                let [start, end] = p.span;
                prop_assert!(start < end && end <= text.len());
                prop_assert_eq!(&text[start..end], p.text.as_str());
                prop_assert!(!p.text.trim().is_empty());
                let (Some(first), Some(last)) = (p.page_first, p.page_last) else {
                    return Err(TestCaseError::fail(format!(
                        "{}: a PDF passage without pages",
                        p.id
                    )));
                };
                prop_assert!(1 <= first && first <= last && last <= last_page);
                prop_assert!(p.paragraph >= 1);
                prop_assert!(ids.insert(p.id.clone()), "duplicate id {}", p.id);
            }
            // The running-header rule never leaves nothing of a document with text.
            let visible = |s: &str| s.chars().any(|c| !c.is_whitespace() && !c.is_control());
            if doc.pages.iter().any(|p| visible(&p.text)) && seg.cleaned.warning.is_some() {
                prop_assert!(visible(text));
            }
            Ok(())
        },
    );
}

/// Manifest bytes: well-formed rows mixed with hostile fields and raw bytes.
fn hostile_manifest() -> impl Strategy<Value = Vec<u8>> {
    let field = prop_oneof![
        3 => "[a-z]{1,8}\\.(md|pdf|txt)",
        1 => Just(String::new()),
        1 => Just("../outside.md".to_string()),
        1 => Just("/etc/hostname".to_string()),
        1 => Just("sub/../a.md".to_string()),
        1 => Just("a.md".to_string()),
        1 => Just("\"quoted, with comma\"".to_string()),
        1 => "\\PC{0,12}",
        1 => "[0-9]{1,6}(/[0-9]{1,4})?",
    ];
    let row = prop::collection::vec(field, 0..8).prop_map(|f| f.join(","));
    let body = prop::collection::vec(row, 0..20).prop_map(|rows| rows.join("\n"));
    let raw = prop::collection::vec(any::<u8>(), 0..200);
    (body, raw, any::<bool>()).prop_map(|(body, raw, with_raw)| {
        let mut bytes = b"file,ics,kind,title,year\n".to_vec();
        bytes.extend_from_slice(body.as_bytes());
        if with_raw {
            bytes.extend_from_slice(&raw);
        }
        bytes
    })
}

#[test]
fn fuzz_manifest_reader_and_planner_never_panic_or_leave_the_round() {
    let table =
        IcsTable::load(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus/ics.csv"))
            .unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let round = tmp.path().join("round");
    std::fs::create_dir_all(round.join("sub")).unwrap();
    std::fs::write(round.join("a.md"), "# A\n\nText.").unwrap();
    std::fs::write(round.join("sub/b.txt"), "B").unwrap();
    std::fs::write(tmp.path().join("outside.md"), "out").unwrap();
    let canonical_round = round.canonicalize().unwrap();
    fuzz("manifest", hostile_manifest(), |bytes| {
        if let Ok(rows) = parse_manifest(bytes.as_slice()) {
            for row in &rows {
                let _ = row_doubts(row, &table);
            }
        }
        std::fs::write(round.join("manifest.csv"), &bytes).unwrap();
        if let Ok(plan) = plan(&round, &PlanOptions::default()) {
            let mut seen = std::collections::HashSet::new();
            for doc in &plan.documents {
                let canonical = doc.path.canonicalize().unwrap();
                prop_assert!(
                    canonical.starts_with(&canonical_round),
                    "{:?} is outside",
                    doc.path
                );
                prop_assert!(seen.insert(canonical), "{:?} planned twice", doc.path);
            }
        }
        Ok(())
    });
}

/// Plan prose with the pieces the target rules read: numbers, money, shares, years and
/// financial years, months and days, table bars, bullets, dashes, curly quotes, and
/// characters whose lower case has another length (the Kelvin sign, dotted İ).
fn target_text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        4 => "[A-Za-z]{1,10}",
        4 => Just(" ".to_string()),
        2 => "[0-9]{1,7}(\\.[0-9]{1,2})?",
        1 => "[0-9]{1,3}(,[0-9]{3}){1,2}",
        1 => Just("%".to_string()),
        1 => Just("£".to_string()),
        1 => Just("m".to_string()),
        1 => "(19|20)[0-9]{2}(/[0-9]{2})?",
        1 => "(by|from|to|in|before|across) (March |winter |the end of )?20[0-9]{2}(/[0-9]{2}|–[0-9]{2})?",
        1 => Just(" | ".to_string()),
        1 => Just("\n".to_string()),
        1 => Just(" • ".to_string()),
        1 => Just(" - ".to_string()),
        1 => Just(". ".to_string()),
        1 => Just("; ".to_string()),
        1 => Just(": ".to_string()),
        1 => Just("’".to_string()),
        1 => Just("–".to_string()),
        1 => Just("\u{212a}".to_string()),
        1 => Just("İ".to_string()),
        1 => prop::sample::select(vec![
            "we will reduce", "halve", "double", "no one will wait", "net zero",
            "eliminate", "by a third", "up from", "compared with", "(currently ",
            "target: ", "ambition", "aged 65 and over", "within 62 days", "9 in 10",
            "over the same period", "that level", "the national ambition is",
            "Mar-26", "Q3 ", " → ", "-\n", "\t", "  ", "in other words, halve it",
            "between ", "forty per cent", "a million", "Goal 3 – ", ".12 ",
            "we could", "by the same date", "return to financial balance",
            "actual ", "target ", "will be eliminated", "1 in every 8",
            "one in two", " million", "nine in ten per cent", "who were", "housing",
            "in line with the", "; we will", "a quarter more", "two thirds fewer",
            "twice as many", "than the ", "rather than the current", "which had 2,",
            "from December 2024 to March", "in the autumn ", "we want",
            "clear the backlog of ", "from a count of ", "last year's uptake of ",
            "priorities for 2025/26:", "in every month of ", "carry out ", "£9m centre",
            "nine out of ten", "Plan | ", "Actual 2024/25 | ", "as in 2025", "(64% in 2024)",
            "The plan is to ", "Our goals for 2030\n", "half as many", "when the count found",
            "Our trajectory is:\n", "March 2026      ",
            "\nYear 1 (2025/26): ", "\no ", "\n\u{F0B7} ", ", compared with the national ambition of ",
            "with an interim milestone of ", " at March 2025)", "% from 2025/26", " percentage points each year",
            "and £2m on ", "clear all waits of over ", "ambition set in our plan is ",
        ])
        .prop_map(String::from),
        1 => "\\PC{1,6}",
    ];
    prop::collection::vec(piece, 0..200).prop_map(|v| v.concat())
}

#[test]
fn fuzz_target_rules_never_panic_and_give_whole_rows() {
    fuzz("target rules", target_text(), |text| {
        for t in planthemes::kpis::extract(&text) {
            prop_assert!(t.target_value.is_finite());
            prop_assert!(!t.target_date.is_empty());
            prop_assert!(!t.sentence.is_empty());
        }
        Ok(())
    });
}
