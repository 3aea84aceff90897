//! `run --shard K/N` and `merge`: the sample round (with one broken file) coded in three
//! shards and merged gives the outputs of a single run.

use std::path::{Path, PathBuf};

use crate::support::{planthemes, real_model_dir, scratch, stderr};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

fn round() -> PathBuf {
    let dir = scratch("shard-round");
    for entry in std::fs::read_dir(Path::new(ROOT).join("corpus/rounds/sample")).unwrap() {
        let path = entry.unwrap().path();
        std::fs::copy(&path, dir.join(path.file_name().unwrap())).unwrap();
    }
    let pdf = std::fs::read(dir.join("somerset-integrated-care-strategy-2023.pdf")).unwrap();
    std::fs::write(dir.join("broken-plan.pdf"), &pdf[..3000]).unwrap();
    dir
}

#[test]
fn three_shards_merged_equal_a_single_run() {
    let model = real_model_dir();
    let round = round();
    let code = |out: &Path, shard: Option<&str>| {
        let mut args = vec![
            "run",
            round.to_str().unwrap(),
            "--model",
            model.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ];
        if let Some(shard) = shard {
            args.extend(["--shard", shard]);
        }
        let run = planthemes(Path::new(ROOT), &args);
        // 1 where the broken file is coded (the shard that takes it), else 0.
        assert!(matches!(run.status.code(), Some(0 | 1)), "{}", stderr(&run));
        run
    };
    let whole = scratch("shard-whole");
    assert_eq!(code(&whole, None).status.code(), Some(1));
    let parts: Vec<PathBuf> = (0..3)
        .map(|k| scratch(&format!("shard-part-{k}")))
        .collect();
    let mut coded = 0;
    for (k, part) in parts.iter().enumerate() {
        let run = code(part, Some(&format!("{k}/3")));
        assert!(
            stderr(&run).contains(&format!("in shard {k}/3")),
            "{}",
            stderr(&run)
        );
        let docs = std::fs::read_to_string(part.join("documents.csv")).unwrap();
        coded += docs.lines().count() - 1;
    }
    assert_eq!(coded, 19, "every document in exactly one shard");

    // An incomplete set is refused, saying which shard is missing.
    let merged = scratch("shard-merged");
    let partial = planthemes(
        Path::new(ROOT),
        &[
            "merge",
            parts[0].to_str().unwrap(),
            parts[2].to_str().unwrap(),
            "--out",
            merged.to_str().unwrap(),
        ],
    );
    assert_eq!(partial.status.code(), Some(2));
    assert!(
        stderr(&partial).contains("shard(s) 1 of 3 missing"),
        "{}",
        stderr(&partial)
    );

    let merge = planthemes(
        Path::new(ROOT),
        &[
            &["merge"][..],
            &parts
                .iter()
                .map(|p| p.to_str().unwrap())
                .collect::<Vec<_>>(),
            &["--out", merged.to_str().unwrap()],
        ]
        .concat(),
    );
    assert_eq!(
        merge.status.code(),
        Some(1),
        "the broken file fails, as in one run: {}",
        stderr(&merge)
    );
    for name in [
        "passages.jsonl",
        "coverage.csv",
        "summary.csv",
        "alignment.csv",
        "documents.csv",
        "errors.csv",
        "evidence.csv",
    ] {
        let (a, b) = (
            std::fs::read_to_string(whole.join(name)).unwrap(),
            std::fs::read_to_string(merged.join(name)).unwrap(),
        );
        assert!(
            a == b,
            "{name} differs between the single run and the merged shards"
        );
    }
    let errors = std::fs::read_to_string(merged.join("errors.csv")).unwrap();
    assert!(errors.contains("broken-plan.pdf"), "{errors}");
    for entry in std::fs::read_dir(whole.join("documents")).unwrap() {
        let name = entry.unwrap().file_name();
        assert_eq!(
            std::fs::read(whole.join("documents").join(&name)).unwrap(),
            std::fs::read(merged.join("documents").join(&name)).unwrap()
        );
    }

    let merge_parts = |name: &str| {
        let out = scratch(name);
        let run = planthemes(
            Path::new(ROOT),
            &[
                &["merge"][..],
                &parts
                    .iter()
                    .map(|p| p.to_str().unwrap())
                    .collect::<Vec<_>>(),
                &["--out", out.to_str().unwrap()],
            ]
            .concat(),
        );
        (run, out)
    };
    let record_path = parts[1].join("report.json");
    let mut record: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&record_path).unwrap()).unwrap();
    assert!(
        record["commitment"].is_object(),
        "the sample run flags commitments"
    );
    let original = record.clone();

    // The same head read from another folder (its files' fingerprint decides) joins.
    record["commitment"]["head"] = "/elsewhere/commitment".into();
    std::fs::write(&record_path, record.to_string()).unwrap();
    let (moved, out) = merge_parts("shard-merged-moved");
    // 1: the round's broken PDF failed, as in the single run.
    assert_eq!(moved.status.code(), Some(1), "{}", stderr(&moved));
    assert!(out.join("coverage.csv").is_file());

    // Another head in the same folder (retrained in place) does not.
    record = original.clone();
    record["commitment"]["fingerprint"] = "0".repeat(64).into();
    std::fs::write(&record_path, record.to_string()).unwrap();
    let (retrained, _) = merge_parts("shard-merged-retrained");
    assert_eq!(retrained.status.code(), Some(2), "{}", stderr(&retrained));
    assert!(
        stderr(&retrained).contains(&format!("vs models/heads/commitment {})", "0".repeat(12))),
        "{}",
        stderr(&retrained)
    );

    // A shard coded without the commitment head cannot join the others: its passages
    // would carry no flags and the cells' `strongest` would change with the split.
    record = original;
    record["commitment"] = serde_json::Value::Null;
    std::fs::write(&record_path, record.to_string()).unwrap();
    let refused = scratch("shard-merged-mixed");
    let mixed = planthemes(
        Path::new(ROOT),
        &[
            &["merge"][..],
            &parts
                .iter()
                .map(|p| p.to_str().unwrap())
                .collect::<Vec<_>>(),
            &["--out", refused.to_str().unwrap()],
        ]
        .concat(),
    );
    assert_eq!(mixed.status.code(), Some(2), "{}", stderr(&mixed));
    assert!(
        stderr(&mixed).contains("commitment head, its thresholds or rates (")
            && stderr(&mixed).contains("models/heads/commitment vs none)"),
        "{}",
        stderr(&mixed)
    );
    assert!(
        !refused.join("coverage.csv").exists(),
        "nothing written for a refused merge"
    );
}
