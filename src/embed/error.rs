use std::path::PathBuf;

/// How to get the default model, appended to every "model is missing or broken" error.
pub(crate) const FETCH_HINT: &str = "fetch the default model with `scripts/fetch-model.sh`, \
or point --model (or PLANTHEMES_MODEL) at a folder with config.json, tokenizer.json and \
model.safetensors";

/// How to get the model `repo`: the opt-in larger encoder has its own script.
fn fetch_hint(repo: &str) -> &'static str {
    if repo.ends_with("/all-mpnet-base-v2") {
        "fetch it with `scripts/fetch-mpnet.sh`"
    } else {
        FETCH_HINT
    }
}

/// Everything that can go wrong while finding, loading or running an encoder.
///
/// Framework errors (candle, tokenizers, hf-hub) are converted here and nowhere else,
/// with the cause kept as the error's source.
#[derive(Debug, thiserror::Error)]
pub enum EmbedError {
    #[error("no copy of {repo} found (looked in {searched}); {hint}", hint = fetch_hint(repo))]
    ModelNotFound { repo: String, searched: String },

    #[error("{}: {what} is missing; {hint}", path.display(), hint = FETCH_HINT)]
    MissingFile { path: PathBuf, what: &'static str },

    #[error("{}: not a usable model config ({reason}); {hint}", path.display(), hint = FETCH_HINT)]
    Config { path: PathBuf, reason: String },

    #[error("{}: cannot read model weights, the file is corrupt, truncated or from another \
             model ({source}); {hint}", path.display(), hint = FETCH_HINT)]
    Weights {
        path: PathBuf,
        #[source]
        source: candle_core::Error,
    },

    #[error("{}: cannot use these weights ({reason}); {hint}", path.display(), hint = FETCH_HINT)]
    WeightLayout { path: PathBuf, reason: String },

    #[error("{0}")]
    Unsupported(String),

    #[error("{}: cannot read the tokenizer ({reason}); {hint}", path.display(), hint = FETCH_HINT)]
    Tokenizer { path: PathBuf, reason: String },

    #[error("{}: cannot read ({source})", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    #[error("downloading {repo} from the Hugging Face hub failed ({reason}); {hint}", hint = fetch_hint(repo))]
    Download { repo: String, reason: String },

    #[error(
        "text {index} is {tokens} tokens long, over this encoder's limit of {max}; \
             split it, or allow truncation (--truncate)"
    )]
    TooLong {
        index: usize,
        tokens: usize,
        max: usize,
    },

    #[error("cannot tokenise text {index}: {reason}")]
    Tokenize { index: usize, reason: String },

    #[error("device {device}: {reason}")]
    Device { device: String, reason: String },

    #[error(transparent)]
    Cache(#[from] super::cache::CacheError),

    #[error("the encoder failed while running: {0}")]
    Inference(#[source] candle_core::Error),

    #[error("the encoder failed while running: {0}")]
    Forward(String),
}
