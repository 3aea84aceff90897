//! `prototype`: zero-shot. Each label's prototype is the normalised mean embedding of
//! its taxonomy description and exemplar sentences; a passage's score for a label is
//! its cosine to that prototype (sentence embeddings only, never the middle layers an
//! encoder may append). No labelled passage is used.

use super::{Classifier, ClassifyError, Input};
use crate::embed::pooling::l2_normalize;
use crate::embed::{EmbedError, Encoder};
use crate::taxonomy::Taxonomy;

/// The prototype classifier's [`Classifier::caveat`]. Measured on real plan
/// passages (docs/classifier-experiments.md, session 8) it scores well below the keyword
/// list, so it is offered as the zero-shot floor for a label the head does not know,
/// never as a classifier to report coverage with.
const WEAK_BASELINE: &str = "weak baseline: zero-shot cosine to the taxonomy's descriptions and exemplars; \
     on real plan text it scores well below the keyword list, so use it only for a label the trained head lacks";

/// The default decision threshold on cosine similarity.
pub const DEFAULT_THRESHOLD: f32 = 0.35;

pub struct PrototypeClassifier {
    labels: Vec<String>,
    prototypes: Vec<Vec<f32>>,
    thresholds: Vec<f32>,
}

impl PrototypeClassifier {
    /// Embeds every label's description and exemplars with `encoder`.
    pub fn new(
        taxonomy: &Taxonomy,
        encoder: &dyn Encoder,
        threshold: f32,
    ) -> Result<Self, EmbedError> {
        let mut prototypes = Vec::with_capacity(taxonomy.labels.len());
        for label in &taxonomy.labels {
            let mut texts: Vec<&str> = vec![label.description.as_str()];
            texts.extend(label.exemplars.iter().map(String::as_str));
            let vectors = encoder.encode_observed(&texts, &|_| {})?.vectors;
            // Only the sentence embedding: scores zip with it, so a passage vector that
            // also carries middle layers is read up to the same length.
            let mut mean = vec![0.0f32; encoder.sentence_dim()];
            for v in &vectors {
                mean.iter_mut().zip(v).for_each(|(m, x)| *m += x);
            }
            l2_normalize(&mut mean);
            prototypes.push(mean);
        }
        Ok(PrototypeClassifier {
            labels: taxonomy.ids().into_iter().map(String::from).collect(),
            prototypes,
            thresholds: vec![threshold; taxonomy.labels.len()],
        })
    }
}

impl Classifier for PrototypeClassifier {
    fn name(&self) -> &str {
        "prototype"
    }

    fn caveat(&self) -> Option<&'static str> {
        Some(WEAK_BASELINE)
    }

    fn labels(&self) -> &[String] {
        &self.labels
    }

    fn thresholds(&self) -> &[f32] {
        &self.thresholds
    }

    fn needs_embeddings(&self) -> bool {
        true
    }

    fn score(&self, inputs: &[Input<'_>]) -> Result<Vec<Vec<f32>>, ClassifyError> {
        inputs
            .iter()
            .map(|input| {
                let e = input
                    .embedding
                    .ok_or_else(|| ClassifyError::NoEmbedding(self.name().into()))?;
                Ok(self
                    .prototypes
                    .iter()
                    .map(|p| p.iter().zip(e).map(|(a, b)| a * b).sum())
                    .collect())
            })
            .collect()
    }
}
