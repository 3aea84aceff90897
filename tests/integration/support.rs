//! Shared helpers: a tiny seeded BERT on disk, the real model, the binary.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use planthemes::embed::tiny::TinyBert;
use planthemes::embed::{resolve_model, ModelRequest};

/// A tiny BERT (hidden 32, 2 layers, max 48 tokens) written to a fresh temp dir.
pub fn tiny_model(seed: u64) -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().expect("temp dir");
    let dir = tmp.path().join("tiny-bert");
    TinyBert {
        seed,
        ..TinyBert::default()
    }
    .write(&dir)
    .expect("writing the tiny model");
    (tmp, dir)
}

/// The real all-MiniLM-L6-v2 folder. Fails, with the fix, when it has not been fetched.
pub fn real_model_dir() -> PathBuf {
    fetched_model(
        "sentence-transformers/all-MiniLM-L6-v2",
        "scripts/fetch-model.sh",
    )
}

/// The real all-mpnet-base-v2 folder (the opt-in larger encoder). Fails, with the
/// fix, when it has not been fetched.
pub fn real_mpnet_dir() -> PathBuf {
    fetched_model(
        "sentence-transformers/all-mpnet-base-v2",
        "scripts/fetch-mpnet.sh",
    )
}

/// The folder of `repo`, found without downloading; the panic names `fetch`, the
/// script that installs it.
fn fetched_model(repo: &str, fetch: &str) -> PathBuf {
    let request = ModelRequest {
        repo: repo.into(),
        allow_download: false,
        ..ModelRequest::default()
    };
    match resolve_model(&request) {
        Ok(location) => location.dir,
        Err(e) => panic!(
            "this test needs the real {repo} model: {e}\n\
             run `{fetch}` (the README's test command does it for you)"
        ),
    }
}

/// Runs the `planthemes` binary with `args` in `cwd`, with no model variables set.
pub fn planthemes(cwd: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_planthemes"))
        .args(args)
        .current_dir(cwd)
        .env_remove("PLANTHEMES_MODEL")
        .env("HF_HUB_OFFLINE", "1")
        // Tests never touch the user's embedding cache.
        .env(
            "PLANTHEMES_CACHE",
            Path::new(env!("CARGO_TARGET_TMPDIR")).join("test-embeddings.redb"),
        )
        .output()
        .expect("running planthemes")
}

pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

pub fn norm(v: &[f32]) -> f32 {
    v.iter().map(|x| x * x).sum::<f32>().sqrt()
}

/// A fresh folder under the target dir (kept after the test, for inspection).
pub fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}
