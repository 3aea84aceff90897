//! Finding the encoder's files.
//!
//! Order (DESIGN.md): `--model DIR` → `PLANTHEMES_MODEL` → `models/<name>/` (under the
//! working directory, then under the source checkout, as
//! [`project_file`] finds it) → the Hugging Face cache
//! (offline) → a Hugging Face hub download, unless `HF_HUB_OFFLINE=1` → an error that
//! says how to fetch the model.
//!
//! A folder named explicitly (flag or variable), or a `models/<name>/` that exists,
//! must be complete: a broken copy is reported, never skipped in favour of another.

use std::path::{Path, PathBuf};

use super::EmbedError;
use crate::paths::project_file;

/// The default encoder's Hugging Face repository.
pub const DEFAULT_MODEL: &str = "sentence-transformers/all-MiniLM-L6-v2";

/// Files without which no BERT sentence encoder can be built.
pub(crate) const REQUIRED: [(&str, &str); 3] = [
    ("config.json", "the model config"),
    ("tokenizer.json", "the tokenizer"),
    ("model.safetensors", "the weights file"),
];

/// Optional sentence-transformers files, fetched when present.
const OPTIONAL: [&str; 2] = ["sentence_bert_config.json", "1_Pooling/config.json"];

/// What to look for.
#[derive(Debug, Clone)]
pub struct ModelRequest {
    /// A folder named on the command line; it must hold the model.
    pub dir: Option<PathBuf>,
    /// The Hugging Face repository id, e.g. `sentence-transformers/all-MiniLM-L6-v2`.
    pub repo: String,
    /// Whether a hub download may be tried. `HF_HUB_OFFLINE=1` also forbids it.
    pub allow_download: bool,
}

impl Default for ModelRequest {
    fn default() -> Self {
        ModelRequest {
            dir: None,
            repo: DEFAULT_MODEL.to_string(),
            allow_download: true,
        }
    }
}

/// A folder holding a complete model, and where it was found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModelLocation {
    pub dir: PathBuf,
    /// Short model name (the repository's last component), e.g. `all-MiniLM-L6-v2`.
    pub name: String,
    /// Human-readable origin: "--model", "PLANTHEMES_MODEL", "models/", "hf cache", "hf hub".
    pub origin: &'static str,
}

/// Finds the model's folder, in the order above.
pub fn resolve_model(request: &ModelRequest) -> Result<ModelLocation, EmbedError> {
    let env = std::env::var_os("PLANTHEMES_MODEL")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from);
    resolve_in(request, env, &hf_hub::Cache::from_env())
}

/// [`resolve_model`] with `PLANTHEMES_MODEL` and the Hugging Face cache given.
pub(crate) fn resolve_in(
    request: &ModelRequest,
    env: Option<PathBuf>,
    cache: &hf_hub::Cache,
) -> Result<ModelLocation, EmbedError> {
    let name = short_name(&request.repo);
    let named = |dir: PathBuf, origin| -> Result<ModelLocation, EmbedError> {
        check_complete(&dir)?;
        Ok(ModelLocation {
            name: folder_name(&dir).unwrap_or_else(|| name.clone()),
            dir,
            origin,
        })
    };

    if let Some(dir) = &request.dir {
        return named(dir.clone(), "--model");
    }
    if let Some(dir) = env {
        return named(dir, "PLANTHEMES_MODEL");
    }

    let mut searched = Vec::new();
    let dir = project_file(&format!("models/{name}"));
    if dir.is_dir() {
        check_complete(&dir)?;
        return Ok(ModelLocation {
            dir,
            name,
            origin: "models/",
        });
    }
    searched.push(dir.display().to_string());

    if let Some(dir) = from_hf_cache(cache, &request.repo) {
        return Ok(ModelLocation {
            dir,
            name,
            origin: "hf cache",
        });
    }
    searched.push(format!(
        "the Hugging Face cache at {}",
        cache.path().display()
    ));

    let offline = std::env::var("HF_HUB_OFFLINE").is_ok_and(|v| v == "1" || v == "true");
    if request.allow_download && !offline {
        let dir = download(&request.repo)?;
        return Ok(ModelLocation {
            dir,
            name,
            origin: "hf hub",
        });
    }

    Err(EmbedError::ModelNotFound {
        repo: request.repo.clone(),
        searched: searched.join(", "),
    })
}

/// Errors with the first required file a folder lacks.
pub(crate) fn check_complete(dir: &Path) -> Result<(), EmbedError> {
    if !dir.is_dir() {
        return Err(EmbedError::MissingFile {
            path: dir.to_path_buf(),
            what: "the model folder",
        });
    }
    for (file, what) in REQUIRED {
        let path = dir.join(file);
        if !path.is_file() {
            return Err(EmbedError::MissingFile { path, what });
        }
    }
    Ok(())
}

fn short_name(repo: &str) -> String {
    repo.rsplit('/').next().unwrap_or(repo).to_string()
}

fn folder_name(dir: &Path) -> Option<String> {
    dir.file_name().map(|n| n.to_string_lossy().into_owned())
}

fn from_hf_cache(cache: &hf_hub::Cache, repo: &str) -> Option<PathBuf> {
    let cached = cache.model(repo.to_string());
    let config = cached.get("config.json")?;
    let dir = config.parent()?.to_path_buf();
    REQUIRED
        .iter()
        .all(|(file, _)| cached.get(file).is_some())
        .then_some(dir)
}

fn download(repo: &str) -> Result<PathBuf, EmbedError> {
    let failed = |reason: String| EmbedError::Download {
        repo: repo.to_string(),
        reason,
    };
    let api = hf_hub::api::sync::ApiBuilder::from_env()
        .with_progress(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .build()
        .map_err(|e| failed(e.to_string()))?;
    let remote = api.model(repo.to_string());
    let mut dir = None;
    for (file, _) in REQUIRED {
        let path = remote
            .get(file)
            .map_err(|e| failed(format!("{file}: {e}")))?;
        dir = path.parent().map(Path::to_path_buf);
    }
    for file in OPTIONAL {
        // Not every BERT repository has the sentence-transformers files; defaults apply.
        if let Err(e) = remote.get(file) {
            tracing::debug!("{repo}: no {file} on the hub ({e}); using defaults");
        }
    }
    dir.ok_or_else(|| failed("no files".into()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_explicit_folder_must_be_complete_and_is_named_in_the_error() {
        let tmp = tempfile::tempdir().unwrap();
        let request = ModelRequest {
            dir: Some(tmp.path().join("nowhere")),
            ..ModelRequest::default()
        };
        let err = resolve_model(&request).unwrap_err().to_string();
        assert!(err.contains("nowhere"), "{err}");
        assert!(err.contains("scripts/fetch-model.sh"), "{err}");

        std::fs::write(tmp.path().join("config.json"), "{}").unwrap();
        std::fs::write(tmp.path().join("tokenizer.json"), "{}").unwrap();
        let request = ModelRequest {
            dir: Some(tmp.path().to_path_buf()),
            ..ModelRequest::default()
        };
        let err = resolve_model(&request).unwrap_err().to_string();
        assert!(err.contains("model.safetensors"), "{err}");
        assert!(err.contains("weights file is missing"), "{err}");
    }

    #[test]
    fn finds_a_complete_snapshot_in_the_hugging_face_cache_layout() {
        let tmp = tempfile::tempdir().unwrap();
        let repo = tmp
            .path()
            .join("models--sentence-transformers--all-MiniLM-L6-v2");
        let snapshot = repo.join("snapshots").join("abc123");
        std::fs::create_dir_all(&snapshot).unwrap();
        std::fs::create_dir_all(repo.join("refs")).unwrap();
        std::fs::write(repo.join("refs/main"), "abc123").unwrap();
        for (file, _) in &REQUIRED[..2] {
            std::fs::write(snapshot.join(file), "{}").unwrap();
        }
        let cache = hf_hub::Cache::new(tmp.path().to_path_buf());
        // Weights not downloaded yet: not a usable copy.
        assert_eq!(from_hf_cache(&cache, DEFAULT_MODEL), None);
        std::fs::write(snapshot.join("model.safetensors"), "x").unwrap();
        assert_eq!(from_hf_cache(&cache, DEFAULT_MODEL), Some(snapshot));
        assert_eq!(from_hf_cache(&cache, "someone/else"), None);
    }

    #[test]
    fn short_names_come_from_the_repository() {
        assert_eq!(short_name(DEFAULT_MODEL), "all-MiniLM-L6-v2");
        assert_eq!(short_name("plain"), "plain");
    }
}
