//! The encoder's tokenizer alone, for counting passage tokens and recognising words
//! when the weights are not needed (segmentation).

use std::path::Path;

use tokenizers::Tokenizer;

use super::resolve::{check_complete, resolve_model, ModelRequest};
use super::EmbedError;
use crate::segment::{Lexicon, TokenCount};

/// Counts tokens exactly as the encoder will, special tokens included.
pub struct ModelTokenizer {
    tokenizer: Tokenizer,
    /// BLAKE3 of `tokenizer.json`: passages cut by token count are this tokenizer's.
    fingerprint: String,
}

impl ModelTokenizer {
    /// Finds the model as [`resolve_model`] does and loads its `tokenizer.json`.
    pub fn load(request: &ModelRequest) -> Result<Self, EmbedError> {
        Self::from_dir(&resolve_model(request)?.dir)
    }

    pub fn from_dir(dir: &Path) -> Result<Self, EmbedError> {
        check_complete(dir)?;
        let path = dir.join("tokenizer.json");
        let bytes = std::fs::read(&path).map_err(|e| EmbedError::Tokenizer {
            path: path.clone(),
            reason: e.to_string(),
        })?;
        let fingerprint = blake3::hash(&bytes).to_hex().to_string();
        let mut tokenizer = Tokenizer::from_bytes(&bytes).map_err(|e| EmbedError::Tokenizer {
            path: path.clone(),
            reason: e.to_string(),
        })?;
        tokenizer.with_padding(None);
        tokenizer
            .with_truncation(None)
            .map_err(|e| EmbedError::Tokenizer {
                path,
                reason: e.to_string(),
            })?;
        Ok(ModelTokenizer {
            tokenizer,
            fingerprint,
        })
    }

    /// BLAKE3 of the tokenizer's file.
    pub fn fingerprint(&self) -> &str {
        &self.fingerprint
    }
}

impl TokenCount for ModelTokenizer {
    fn count_tokens(&self, text: &str) -> usize {
        // Tokenising plain text does not fail in practice; if it ever does, a rough
        // over-estimate keeps passages within budget rather than stopping the run.
        self.tokenizer
            .encode(text, true)
            .map(|e| e.len())
            .unwrap_or_else(|_| text.len() / 2 + 2)
    }
}

impl Lexicon for ModelTokenizer {
    /// A word the WordPiece vocabulary holds whole (e.g. `requires`, `financial`).
    fn is_word(&self, word: &str) -> bool {
        word.len() > 3 && self.tokenizer.token_to_id(word).is_some()
    }
}
