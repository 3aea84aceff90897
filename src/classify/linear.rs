//! `linear`: a trained multi-label head. Its features are the passage embedding (with
//! the encoder's pooled middle layers after it, when the head names them) followed by `ln(1 + keyword hits)` for every label's taxonomy lexicon. A `linear`
//! head scores each label as `sigmoid(w · features + b)`; an `mlp` head (the default)
//! puts one GELU hidden layer in between. Decisions use per-label thresholds chosen on
//! dev data. A bagged head has several members (`train --folds`), and scores with the
//! mean of their probabilities. Weights live in `head.safetensors` (`weight`, `bias`,
//! and `hidden.weight`, `hidden.bias` for an `mlp`; each name prefixed `m0.`, `m1.`, …
//! when the head has more than one member); what they were trained on and for lives in
//! `head.json`.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use candle_core::{Device, Tensor};
use serde::{Deserialize, Serialize};

use super::train::{forward, Dense};
use super::{Classifier, ClassifyError, Input, KeywordClassifier};
use crate::taxonomy::Taxonomy;

/// Where the trained default head lives, relative to the project.
pub const DEFAULT_HEAD: &str = "models/heads/default";

/// Metrics recorded beside a head (measured on dev data when it was trained).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct DevMetrics {
    /// What the figures were measured on: absent for a dev split, `out-of-fold` for a
    /// bagged head (each pooled passage scored by the member that did not see it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scores: Option<String>,
    pub macro_f1: Option<f64>,
    pub macro_f1_core: Option<f64>,
    pub label_f1: BTreeMap<String, Option<f64>>,
}

/// `head.json`: everything needed to trust, reproduce and refuse a head.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct HeadMeta {
    pub format: u32,
    pub kind: String,
    pub features: Vec<String>,
    pub labels: Vec<String>,
    pub thresholds: Vec<f32>,
    pub encoder_id: String,
    pub encoder_weight_hash: String,
    /// The encoder's middle layers whose pooled states follow the sentence embedding
    /// in the features (`EncoderOptions::extra_layers`); absent for a head on
    /// sentence embeddings alone.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub encoder_layers: Vec<usize>,
    pub taxonomy_hash: String,
    pub training_data_hash: String,
    pub train_file: String,
    pub dev_file: String,
    pub seed: u64,
    pub epochs: usize,
    /// Members whose mean probability is the score (`train --folds`); 1 for a single
    /// head trained with a dev split.
    #[serde(default = "one", skip_serializing_if = "is_one")]
    pub members: usize,
    /// Trained on the passages carrying a parent theme, each threshold chosen on its
    /// own parent's passages (`train --within-parent`, facet heads).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub within_parent: bool,
    pub dev_metrics: DevMetrics,
}

fn one() -> usize {
    1
}

fn is_one(n: &usize) -> bool {
    *n == 1
}

/// Tensor-name prefix of member `m` in a head of `members`: none for a single head, so
/// heads from before bagging load unchanged; `m0.`, `m1.`, … otherwise.
fn member_prefix(members: usize, m: usize) -> String {
    if members == 1 {
        String::new()
    } else {
        format!("m{m}.")
    }
}

/// One member's layers: an optional hidden layer, then the output layer.
pub type Member = (Option<Dense>, Dense);

/// A trained head and the lexicon its keyword features come from.
pub struct LinearClassifier {
    name: String,
    meta: HeadMeta,
    /// Per member, `(weight, bias)` per layer, input side first; weights are
    /// `outputs × inputs`.
    members: Vec<Vec<(Tensor, Tensor)>>,
    keywords: KeywordClassifier,
    /// Its features end with the commitment cues (`"commitment_cues"` in head.json).
    with_cues: bool,
}

/// A head folder that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum HeadError {
    #[error("{}: cannot read ({reason}); train a head with `planthemes train`", path.display())]
    Read { path: PathBuf, reason: String },
    #[error("{}: this head was trained for encoder {trained}, but the encoder in use is {using}; \
             retrain it with `planthemes train` or use the encoder it was trained for", path.display())]
    WrongEncoder {
        path: PathBuf,
        trained: String,
        using: String,
    },
    #[error("{}: this head was trained on the encoder's layers {trained:?} besides the last, \
             but the encoder in use pools {using:?}; this is a bug", path.display())]
    WrongLayers {
        path: PathBuf,
        trained: Vec<usize>,
        using: Vec<usize>,
    },
    #[error("{}: this head's labels ({head}) differ from the taxonomy's ({taxonomy}); retrain it \
             with `planthemes train`", path.display())]
    WrongLabels {
        path: PathBuf,
        head: String,
        taxonomy: String,
    },
    #[error("{}: {reason}; an ensemble.json reads {{\"members\": [{{\"head\": \"FOLDER\", \
             \"model_id\": \"REPO\"}}, …]}}, each member a head trained by `planthemes train` on \
             its own encoder", path.display())]
    Ensemble { path: PathBuf, reason: String },
    #[error(transparent)]
    Classify(#[from] ClassifyError),
}

/// A head's name: its folder's, or `otherwise` for a path without one.
pub(crate) fn folder_name(dir: &Path, otherwise: &str) -> String {
    dir.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| otherwise.into())
}

/// Number of features for an encoder of dimension `dim` and `labels` labels.
pub fn feature_len(dim: usize, labels: usize) -> usize {
    dim + labels
}

/// Embedding followed by `ln(1 + hits)` per label lexicon, then, for a head that reads
/// them (`train --commitment-cues`), the [commitment cues](super::cues).
pub fn features(
    embedding: &[f32],
    text: &str,
    keywords: &KeywordClassifier,
    with_cues: bool,
) -> Vec<f32> {
    let mut f = embedding.to_vec();
    f.extend(
        (0..keywords.labels().len()).map(|l| (keywords.matches(l, text).len() as f32).ln_1p()),
    );
    if with_cues {
        f.extend(super::cues::cues(text));
    }
    f
}

impl LinearClassifier {
    /// Builds a classifier from trained parameters: per member, an optional hidden
    /// layer, then the output layer (one row per label).
    pub fn new(
        name: &str,
        meta: HeadMeta,
        members: Vec<Member>,
        taxonomy: &Taxonomy,
    ) -> Result<Self, ClassifyError> {
        let shape_error = |reason: String| ClassifyError::Config {
            what: format!("head {name}"),
            reason,
        };
        if members.is_empty() || members.len() != meta.members {
            return Err(shape_error(format!(
                "head.json names {} members, the weights hold {}",
                meta.members,
                members.len()
            )));
        }
        if meta.thresholds.len() != meta.labels.len() {
            return Err(shape_error(format!(
                "{} labels, {} thresholds",
                meta.labels.len(),
                meta.thresholds.len()
            )));
        }
        let inputs = members[0].0.as_ref().unwrap_or(&members[0].1).inputs();
        let mut layers = Vec::with_capacity(members.len());
        for (hidden, output) in members {
            if output.outputs() != meta.labels.len() {
                return Err(shape_error(format!(
                    "{} labels, {} outputs",
                    meta.labels.len(),
                    output.outputs()
                )));
            }
            if let Some(h) = &hidden {
                if h.outputs() != output.inputs() {
                    return Err(shape_error(format!(
                        "hidden layer has {} outputs, output layer {} inputs",
                        h.outputs(),
                        output.inputs()
                    )));
                }
            }
            if hidden.as_ref().unwrap_or(&output).inputs() != inputs {
                return Err(shape_error("members expect different features".into()));
            }
            layers.push(
                hidden
                    .iter()
                    .chain(Some(&output))
                    .map(|d| d.tensors(&Device::Cpu))
                    .collect::<candle_core::Result<Vec<_>>>()
                    .map_err(|e| shape_error(e.to_string()))?,
            );
        }
        Ok(LinearClassifier {
            name: name.to_string(),
            with_cues: meta.features.iter().any(|f| f == super::cues::FEATURE),
            meta,
            members: layers,
            keywords: KeywordClassifier::new(taxonomy, 1)?,
        })
    }

    /// Features the head expects per passage.
    fn inputs(&self) -> usize {
        self.members[0][0].0.dim(1).unwrap_or(0)
    }

    /// Reads `dir/head.json` alone: what the encoder must be built with before the
    /// head can be loaded ([`HeadMeta::encoder_layers`]).
    pub fn read_meta(dir: &Path) -> Result<HeadMeta, HeadError> {
        let path = dir.join("head.json");
        let read = |reason: String| HeadError::Read {
            path: path.clone(),
            reason,
        };
        let text = std::fs::read_to_string(&path).map_err(|e| read(e.to_string()))?;
        serde_json::from_str(&text).map_err(|e| read(e.to_string()))
    }

    /// Loads `dir/head.json` and `dir/head.safetensors`, refusing a head trained for
    /// another encoder (`encoder_id`), other pooled layers (`encoder_layers`, the
    /// middle layers the encoder in use appends) or another label set.
    pub fn load(
        dir: &Path,
        taxonomy: &Taxonomy,
        encoder_id: &str,
        encoder_layers: &[usize],
    ) -> Result<Self, HeadError> {
        let read = |path: &Path, reason: String| HeadError::Read {
            path: path.to_path_buf(),
            reason,
        };
        let meta = Self::read_meta(dir)?;
        if meta.encoder_id != encoder_id {
            return Err(HeadError::WrongEncoder {
                path: dir.to_path_buf(),
                trained: meta.encoder_id,
                using: encoder_id.to_string(),
            });
        }
        if meta.encoder_layers != encoder_layers {
            return Err(HeadError::WrongLayers {
                path: dir.to_path_buf(),
                trained: meta.encoder_layers,
                using: encoder_layers.to_vec(),
            });
        }
        let ids: Vec<String> = taxonomy.ids().into_iter().map(String::from).collect();
        if meta.labels != ids {
            return Err(HeadError::WrongLabels {
                path: dir.to_path_buf(),
                head: meta.labels.join(", "),
                taxonomy: ids.join(", "),
            });
        }
        if meta.taxonomy_hash != taxonomy.hash {
            tracing::warn!(
                "{}: trained with another version of the taxonomy (keywords may differ)",
                dir.display()
            );
        }
        let weights_path = dir.join("head.safetensors");
        let tensors = candle_core::safetensors::load(&weights_path, &Device::Cpu)
            .map_err(|e| read(&weights_path, e.to_string()))?;
        let get = |name: &str| -> Result<Option<Vec<f32>>, HeadError> {
            tensors
                .get(name)
                .map(|t| {
                    // Heads may be stored in f16 (the shipped mpnet member is, to stay
                    // small); they score in f32.
                    t.flatten_all()
                        .and_then(|t| t.to_dtype(candle_core::DType::F32))
                        .and_then(|t| t.to_vec1::<f32>())
                        .map_err(|e| read(&weights_path, e.to_string()))
                })
                .transpose()
        };
        let need = |name: &str| -> Result<Vec<f32>, HeadError> {
            get(name)?.ok_or_else(|| read(&weights_path, format!("no tensor {name:?}")))
        };
        let consistent = |d: &Dense| d.outputs() > 0 && d.weight.len().is_multiple_of(d.outputs());
        let mut members = Vec::with_capacity(meta.members);
        for m in 0..meta.members {
            let p = member_prefix(meta.members, m);
            let output = Dense {
                weight: need(&format!("{p}weight"))?,
                bias: need(&format!("{p}bias"))?,
            };
            let hidden = match get(&format!("{p}hidden.weight"))? {
                Some(weight) => Some(Dense {
                    weight,
                    bias: need(&format!("{p}hidden.bias"))?,
                }),
                None => None,
            };
            if !consistent(&output) || !hidden.as_ref().is_none_or(consistent) {
                return Err(read(
                    &weights_path,
                    "tensor shapes do not match head.json".into(),
                ));
            }
            members.push((hidden, output));
        }
        let name = folder_name(dir, "linear");
        Self::new(&name, meta, members, taxonomy).map_err(|e| read(&weights_path, e.to_string()))
    }

    /// Writes `dir/head.json` and `dir/head.safetensors`.
    pub fn save(&self, dir: &Path) -> anyhow::Result<()> {
        std::fs::create_dir_all(dir)?;
        let mut tensors = HashMap::new();
        for (m, layers) in self.members.iter().enumerate() {
            let member = member_prefix(self.members.len(), m);
            let last = layers.len() - 1;
            for (i, (w, b)) in layers.iter().enumerate() {
                let layer = if i == last { "" } else { "hidden." };
                tensors.insert(format!("{member}{layer}weight"), w.clone());
                tensors.insert(format!("{member}{layer}bias"), b.clone());
            }
        }
        let bytes = safetensors::serialize(tensors.iter().map(|(k, t)| (k.clone(), t)), None)?;
        crate::report::write_atomic(&dir.join("head.safetensors"), |w| w.write_all(&bytes))?;
        crate::report::write_atomic(&dir.join("head.json"), |w| {
            serde_json::to_writer_pretty(&mut *w, &self.meta)?;
            w.write_all(b"\n")
        })?;
        Ok(())
    }

    pub fn meta(&self) -> &HeadMeta {
        &self.meta
    }
}

impl Classifier for LinearClassifier {
    fn name(&self) -> &str {
        &self.name
    }

    fn labels(&self) -> &[String] {
        &self.meta.labels
    }

    fn thresholds(&self) -> &[f32] {
        &self.meta.thresholds
    }

    fn needs_embeddings(&self) -> bool {
        true
    }

    fn score(&self, inputs: &[Input<'_>]) -> Result<Vec<Vec<f32>>, ClassifyError> {
        let dim = self.inputs();
        let mut flat = Vec::with_capacity(inputs.len() * dim);
        for input in inputs {
            let e = input
                .embedding
                .ok_or_else(|| ClassifyError::NoEmbedding(self.name.clone()))?;
            let f = features(e, input.text, &self.keywords, self.with_cues);
            if f.len() != dim {
                return Err(ClassifyError::Config {
                    what: format!("head {}", self.name),
                    reason: format!("expects {dim} features, got {}", f.len()),
                });
            }
            flat.extend(f);
        }
        if inputs.is_empty() {
            return Ok(Vec::new());
        }
        let run = || -> candle_core::Result<Vec<Vec<f32>>> {
            let x = Tensor::from_vec(flat, (inputs.len(), dim), &Device::Cpu)?;
            let mut sum: Option<Tensor> = None;
            for layers in &self.members {
                let p = candle_nn::ops::sigmoid(&forward(layers, &x, None)?)?;
                sum = Some(match sum {
                    Some(s) => (s + p)?,
                    None => p,
                });
            }
            let sum = sum.expect("a head has at least one member");
            (sum / self.members.len() as f64)?.to_vec2()
        };
        run().map_err(|e| ClassifyError::Config {
            what: format!("head {}", self.name),
            reason: e.to_string(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn taxonomy() -> Taxonomy {
        Taxonomy::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus/taxonomy.toml")).unwrap()
    }

    /// A linear member that ignores its features: every label scores `sigmoid(bias)`.
    fn constant(features: usize, labels: usize, bias: f32) -> Member {
        (
            None,
            Dense {
                weight: vec![0.0; labels * features],
                bias: vec![bias; labels],
            },
        )
    }

    fn meta(taxonomy: &Taxonomy, members: usize) -> HeadMeta {
        let labels: Vec<String> = taxonomy.ids().into_iter().map(String::from).collect();
        HeadMeta {
            format: 1,
            kind: "linear".into(),
            features: vec!["embedding".into(), "keyword_log_hits".into()],
            thresholds: vec![0.5; labels.len()],
            labels,
            encoder_id: "test@0".into(),
            encoder_weight_hash: "0".into(),
            encoder_layers: Vec::new(),
            taxonomy_hash: taxonomy.hash.clone(),
            training_data_hash: "0".into(),
            train_file: "train.jsonl".into(),
            dev_file: "dev.jsonl".into(),
            seed: 1,
            epochs: 1,
            members,
            within_parent: false,
            dev_metrics: DevMetrics {
                scores: None,
                macro_f1: None,
                macro_f1_core: None,
                label_f1: BTreeMap::new(),
            },
        }
    }

    #[test]
    fn a_bagged_head_scores_the_mean_of_its_members_and_survives_a_save() {
        let taxonomy = taxonomy();
        let n = taxonomy.labels.len();
        let dim = feature_len(4, n);
        let members = vec![constant(dim, n, 2.0), constant(dim, n, -1.0)];
        let head = LinearClassifier::new("bag", meta(&taxonomy, 2), members, &taxonomy).unwrap();
        let embedding = [0.5f32, -0.5, 0.5, -0.5];
        let input = Input {
            text: "Smoking rates are high.",
            embedding: Some(&embedding),
        };
        let sigmoid = |z: f32| 1.0 / (1.0 + (-z).exp());
        let expected = (sigmoid(2.0) + sigmoid(-1.0)) / 2.0;
        let scores = head.score(&[input]).unwrap();
        assert!(
            scores[0].iter().all(|s| (s - expected).abs() < 1e-6),
            "{scores:?}"
        );

        let dir = tempfile::tempdir().unwrap();
        head.save(dir.path()).unwrap();
        let loaded = LinearClassifier::load(dir.path(), &taxonomy, "test@0", &[]).unwrap();
        assert_eq!(loaded.meta().members, 2);
        assert_eq!(loaded.score(&[input]).unwrap(), scores);

        // head.json must agree with the weights on how many members there are.
        let members = vec![constant(dim, n, 0.0)];
        assert!(LinearClassifier::new("bag", meta(&taxonomy, 2), members, &taxonomy).is_err());
    }
}
