//! Pieces several commands share: the taxonomy, the encoder, embedding with progress.

use std::path::{Path, PathBuf};

use anyhow::Context;

use super::{progress_bar, EncoderArgs};
use crate::embed::{BertEncoder, Encoder, Truncation};
use crate::paths::project_file;
use crate::taxonomy::{Taxonomy, DEFAULT_TAXONOMY};

/// The taxonomy at `path`, or the project's `corpus/taxonomy.toml`.
pub fn load_taxonomy(path: Option<&Path>) -> anyhow::Result<Taxonomy> {
    let path = path
        .map(Path::to_path_buf)
        .unwrap_or_else(|| project_file(DEFAULT_TAXONOMY));
    Ok(Taxonomy::load(&path)?)
}

/// The encoder for labelled or segmented passages: over-long passages are truncated
/// (and counted in a warning), never refused, since they are the user's data.
pub fn load_encoder(args: &EncoderArgs) -> anyhow::Result<BertEncoder> {
    Ok(BertEncoder::load(
        &args.request(),
        &args.options(Truncation::Truncate),
    )?)
}

/// Embeds `texts` with a progress bar; warns once about truncated ones.
pub fn embed_texts(
    encoder: &dyn Encoder,
    texts: &[&str],
    what: &str,
) -> anyhow::Result<Vec<Vec<f32>>> {
    let bar = progress_bar(texts.len() as u64, what);
    let encoded = encoder
        .encode_observed(texts, &|done| bar.set_position(done as u64))
        .with_context(|| format!("embedding {what}"))?;
    bar.finish_and_clear();
    if !encoded.truncated.is_empty() {
        eprintln!(
            "warning: {} of {} {what} were longer than {} tokens; only their first {} tokens were used",
            encoded.truncated.len(),
            texts.len(),
            encoder.max_tokens(),
            encoder.max_tokens()
        );
    }
    Ok(encoded.vectors)
}

/// A path for messages: as given.
pub fn shown(path: &Path) -> String {
    path.display().to_string()
}

/// The default head folder.
pub fn default_head() -> PathBuf {
    project_file(crate::classify::DEFAULT_HEAD)
}
