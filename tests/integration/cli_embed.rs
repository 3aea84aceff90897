//! `planthemes embed` as a user runs it: real binary, temp folders, exit statuses.

use std::path::Path;

use serde::Deserialize;

use crate::support::{norm, planthemes, stderr, tiny_model};

#[derive(Deserialize)]
struct Row {
    id: String,
    embedding: Vec<f32>,
}

fn write_input(dir: &Path, lines: &[&str]) -> String {
    let path = dir.join("passages.jsonl");
    std::fs::write(&path, lines.join("\n") + "\n").unwrap();
    path.to_string_lossy().into_owned()
}

const GOOD: [&str; 3] = [
    r#"{"id": "a", "text": "we will improve access to services"}"#,
    r#"{"id": "b", "text": "housing and jobs for local people"}"#,
    r#"{"id": "c", "text": "smoking"}"#,
];

#[test]
fn embeds_passages_into_unit_vectors_keyed_by_id() {
    let (tmp, model) = tiny_model(11);
    let input = write_input(tmp.path(), &GOOD);
    let out = planthemes(
        tmp.path(),
        &[
            "embed",
            "--input",
            &input,
            "--out",
            "vectors.jsonl",
            "--model",
            model.to_str().unwrap(),
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("embedded 3 passages"),
        "{}",
        stderr(&out)
    );
    let rows: Vec<Row> = planthemes::jsonl::read_jsonl(&tmp.path().join("vectors.jsonl")).unwrap();
    assert_eq!(
        rows.iter().map(|r| r.id.as_str()).collect::<Vec<_>>(),
        ["a", "b", "c"]
    );
    for r in &rows {
        assert_eq!(r.embedding.len(), 32);
        assert!((norm(&r.embedding) - 1.0).abs() < 1e-5);
    }
}

/// Runs `embed` against `model` and returns the status and stderr.
fn embed_with_model(tmp: &Path, model: &Path) -> (Option<i32>, String) {
    let input = write_input(tmp, &GOOD);
    let out = planthemes(
        tmp,
        &[
            "embed",
            "--input",
            &input,
            "--output",
            "v.jsonl",
            "--model",
            model.to_str().unwrap(),
        ],
    );
    assert!(
        !tmp.join("v.jsonl").exists(),
        "no output may be written on failure"
    );
    (out.status.code(), stderr(&out))
}

#[test]
fn a_missing_model_folder_exits_2_naming_it_and_the_fix() {
    let tmp = tempfile::tempdir().unwrap();
    let (code, err) = embed_with_model(tmp.path(), &tmp.path().join("no-such-model"));
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("no-such-model"), "{err}");
    assert!(err.contains("scripts/fetch-model.sh"), "{err}");
}

#[test]
fn a_model_folder_without_weights_exits_2_naming_the_file() {
    let (tmp, model) = tiny_model(12);
    std::fs::remove_file(model.join("model.safetensors")).unwrap();
    let (code, err) = embed_with_model(tmp.path(), &model);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("model.safetensors"), "{err}");
    assert!(err.contains("scripts/fetch-model.sh"), "{err}");
}

#[test]
fn corrupt_or_truncated_weights_exit_2_naming_the_file() {
    let (tmp, model) = tiny_model(13);
    let weights = model.join("model.safetensors");
    let bytes = std::fs::read(&weights).unwrap();

    std::fs::write(
        &weights,
        b"\x07\x00\x00\x00\x00\x00\x00\x00garbage and more garbage",
    )
    .unwrap();
    let (code, err) = embed_with_model(tmp.path(), &model);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains(&weights.display().to_string()), "{err}");
    assert!(err.contains("corrupt"), "{err}");
    assert!(err.contains("scripts/fetch-model.sh"), "{err}");

    std::fs::write(&weights, &bytes[..bytes.len() / 2]).unwrap();
    let (code, err) = embed_with_model(tmp.path(), &model);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("model.safetensors"), "{err}");
    assert!(err.contains("scripts/fetch-model.sh"), "{err}");
}

#[test]
fn a_malformed_or_inconsistent_config_exits_2_naming_the_file() {
    let (tmp, model) = tiny_model(14);
    let config = model.join("config.json");
    let good = std::fs::read_to_string(&config).unwrap();

    std::fs::write(&config, "{\"hidden_size\": 32,").unwrap();
    let (code, err) = embed_with_model(tmp.path(), &model);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains(&config.display().to_string()), "{err}");
    assert!(err.contains("scripts/fetch-model.sh"), "{err}");

    std::fs::write(
        &config,
        good.replace("\"num_attention_heads\": 4", "\"num_attention_heads\": 5"),
    )
    .unwrap();
    let (code, err) = embed_with_model(tmp.path(), &model);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("config.json"), "{err}");
    assert!(
        err.contains("not a multiple of num_attention_heads 5"),
        "{err}"
    );

    // Weights that do not fit the config (wrong hidden size) are caught too.
    std::fs::write(
        &config,
        good.replace("\"hidden_size\": 32", "\"hidden_size\": 64"),
    )
    .unwrap();
    let (code, err) = embed_with_model(tmp.path(), &model);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("model.safetensors"), "{err}");
}

#[test]
fn a_bad_input_line_or_duplicate_id_exits_2_naming_it() {
    let (tmp, model) = tiny_model(15);
    let model = model.to_str().unwrap();
    let input = write_input(tmp.path(), &[GOOD[0], r#"{"id": "x"}"#]);
    let out = planthemes(
        tmp.path(),
        &["embed", "-i", &input, "-o", "v.jsonl", "--model", model],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("passages.jsonl:2: missing field `text`"),
        "{}",
        stderr(&out)
    );

    let input = write_input(tmp.path(), &[GOOD[0], GOOD[0]]);
    let out = planthemes(
        tmp.path(),
        &["embed", "-i", &input, "-o", "v.jsonl", "--model", model],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("\"a\" appears more than once"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn an_over_long_passage_is_refused_by_id_unless_truncation_is_asked_for() {
    let (tmp, model) = tiny_model(16);
    let model = model.to_str().unwrap();
    let long = format!(
        r#"{{"id": "long-one", "text": "{}"}}"#,
        "health ".repeat(80)
    );
    let input = write_input(tmp.path(), &[GOOD[0], &long]);

    let out = planthemes(
        tmp.path(),
        &["embed", "-i", &input, "-o", "v.jsonl", "--model", model],
    );
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("\"long-one\" is 82 tokens long"), "{err}");
    assert!(err.contains("--truncate"), "{err}");

    let out = planthemes(
        tmp.path(),
        &[
            "embed",
            "-i",
            &input,
            "-o",
            "v.jsonl",
            "--model",
            model,
            "--truncate",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out)
        .contains("1 passage(s) were longer than 48 tokens and were truncated (e.g. long-one)"));
}

#[cfg(not(feature = "cuda"))]
#[test]
fn asking_for_cuda_in_a_cpu_build_says_how_to_get_it() {
    let (tmp, model) = tiny_model(17);
    let input = write_input(tmp.path(), &GOOD);
    let out = planthemes(
        tmp.path(),
        &[
            "embed",
            "-i",
            &input,
            "-o",
            "v.jsonl",
            "--model",
            model.to_str().unwrap(),
            "--device",
            "cuda",
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("--features cuda"), "{}", stderr(&out));
}

#[test]
fn embed_reuses_the_cache_and_no_cache_skips_it() {
    let model = std::fs::canonicalize(crate::support::real_model_dir()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.jsonl");
    std::fs::write(
        &input,
        "{\"id\":\"a\",\"text\":\"Cold damp homes fill our wards each winter.\"}\n\
         {\"id\":\"b\",\"text\":\"We will cut waits for hip replacements.\"}\n",
    )
    .unwrap();
    let cache = dir.path().join("c.redb");
    let run = |out: &str, extra: &[&str]| {
        let mut args = vec![
            "embed",
            "--input",
            input.to_str().unwrap(),
            "--output",
            out,
            "--model",
            model.to_str().unwrap(),
            "--cache",
            cache.to_str().unwrap(),
        ];
        args.extend_from_slice(extra);
        crate::support::planthemes(dir.path(), &args)
    };
    let first = run("one.jsonl", &[]);
    assert!(first.status.success(), "{}", crate::support::stderr(&first));
    assert!(crate::support::stderr(&first).contains("cache: 0 of 2 passage(s) found"));
    let second = run("two.jsonl", &[]);
    assert!(crate::support::stderr(&second).contains("cache: 2 of 2 passage(s) found"));
    let read = |name: &str| std::fs::read_to_string(dir.path().join(name)).unwrap();
    assert_eq!(
        read("one.jsonl"),
        read("two.jsonl"),
        "cached vectors are the same bytes"
    );
    let third = run("three.jsonl", &["--no-cache"]);
    assert!(!crate::support::stderr(&third).contains("cache:"));
    assert_eq!(read("one.jsonl"), read("three.jsonl"));
}
