//! The `classify` stage: passages (text and embedding) → per-label scores and
//! decisions.
//!
//! Every classifier scores each passage on every taxonomy label and decides with one
//! threshold per label (`score >= threshold`). Implementations: `keyword` (a lexicon
//! baseline); `prototype` (zero-shot cosine to label descriptions) and `linear` (a
//! trained head) follow.

pub mod commitment;
pub mod cues;
pub mod ensemble;
pub mod keyword;
pub mod linear;
pub mod prototype;
pub mod train;

pub use keyword::KeywordClassifier;
pub use linear::{HeadError, HeadMeta, LinearClassifier, DEFAULT_HEAD};
pub use prototype::PrototypeClassifier;

/// What a classifier sees of one passage.
#[derive(Debug, Clone, Copy)]
pub struct Input<'a> {
    pub text: &'a str,
    /// The passage's unit vector from the encoder, when the classifier needs one.
    pub embedding: Option<&'a [f32]>,
}

impl<'a> Input<'a> {
    /// Each text with its vector (none where `vectors` is empty or shorter).
    pub fn zip(texts: &[&'a str], vectors: &'a [Vec<f32>]) -> Vec<Input<'a>> {
        texts
            .iter()
            .enumerate()
            .map(|(i, text)| Input {
                text,
                embedding: vectors.get(i).map(Vec::as_slice),
            })
            .collect()
    }
}

/// A classifier that cannot be built or run.
#[derive(Debug, thiserror::Error)]
pub enum ClassifyError {
    #[error("{what}: {reason}")]
    Config { what: String, reason: String },
    #[error("classifier {0} needs passage embeddings, and none were given")]
    NoEmbedding(String),
}

/// Scores passages on the taxonomy's labels.
pub trait Classifier: Send + Sync {
    /// Short name: `keyword`, `prototype`, `linear`, or a trained head's name.
    fn name(&self) -> &str;
    /// Label ids, in score order.
    fn labels(&self) -> &[String];
    /// One decision threshold per label.
    fn thresholds(&self) -> &[f32];
    /// Whether [`Input::embedding`] must be set.
    fn needs_embeddings(&self) -> bool;
    /// One score per passage × label.
    fn score(&self, inputs: &[Input<'_>]) -> Result<Vec<Vec<f32>>, ClassifyError>;

    /// What a reader of this classifier's figures should know first, if anything
    /// (`eval` prints it beside them).
    fn caveat(&self) -> Option<&'static str> {
        None
    }

    /// Decisions: `score >= threshold`.
    fn predict(&self, inputs: &[Input<'_>]) -> Result<Vec<Vec<bool>>, ClassifyError> {
        Ok(self.decide(&self.score(inputs)?))
    }

    /// Decisions on scores already computed: `score >= threshold`.
    fn decide(&self, scores: &[Vec<f32>]) -> Vec<Vec<bool>> {
        let thresholds = self.thresholds();
        scores
            .iter()
            .map(|row| row.iter().zip(thresholds).map(|(s, t)| s >= t).collect())
            .collect()
    }
}
