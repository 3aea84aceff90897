//! Heads over several encoders: a head folder with `ensemble.json` names member heads,
//! each trained by `planthemes train` on its own encoder, and scores the mean of their
//! scores against the mean of their thresholds.
//!
//! `models/heads/accurate` is one: the default head (all-MiniLM-L6-v2) and the same
//! recipe on all-mpnet-base-v2, whose errors differ (docs/classifier-experiments.md,
//! session 15). The run embeds each passage with every member's encoder, end to end
//! ([`Stack`]), and each member reads its own encoder's block of the vector
//! ([`OnBlock`]). Nothing in the mean is tuned: equal weights, mean thresholds.
//!
//! ```json
//! {"members": [
//!   {"head": "../default", "model_id": "sentence-transformers/all-MiniLM-L6-v2"},
//!   {"head": "mpnet", "model_id": "sentence-transformers/all-mpnet-base-v2"}
//! ]}
//! ```

use std::ops::Range;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::linear::DevMetrics;
use super::{Classifier, ClassifyError, HeadError, HeadMeta, Input, LinearClassifier};
use crate::embed::{Encoder, Stack};
use crate::taxonomy::Taxonomy;

/// The file that makes a head folder an ensemble.
pub const ENSEMBLE_FILE: &str = "ensemble.json";

/// `ensemble.json`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EnsembleSpec {
    pub members: Vec<MemberSpec>,
}

/// One member of an ensemble.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MemberSpec {
    /// The member's head folder, relative to the ensemble's.
    pub head: PathBuf,
    /// The encoder it was trained on, as a Hugging Face repository id: found like
    /// `--model-id` (models/<name>/, the Hugging Face cache, the hub).
    pub model_id: String,
    /// A folder holding that encoder, relative to the ensemble's, when it is not
    /// where `model_id` would find it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model: Option<PathBuf>,
}

/// An encoder a head folder needs: which model (`None`: the one the command line
/// names) and the middle layers pooled beside its sentence embedding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EncoderNeed {
    pub model_id: Option<String>,
    /// Its folder, when the ensemble names one.
    pub model: Option<PathBuf>,
    pub layers: Vec<usize>,
}

/// An ensemble member as read: its head folder, its encoder (id and folder, if
/// named) and its record.
#[derive(Debug, Clone)]
pub struct Member {
    pub folder: PathBuf,
    pub model_id: String,
    pub model: Option<PathBuf>,
    pub meta: HeadMeta,
}

/// A head folder, read but not loaded.
#[derive(Debug, Clone)]
pub enum HeadFolder {
    /// `head.json` and `head.safetensors`.
    Single(HeadMeta),
    /// `ensemble.json`: its members, in block order.
    Ensemble(Vec<Member>),
}

impl HeadFolder {
    /// Reads `dir/ensemble.json` and its members' `head.json`, or `dir/head.json`.
    pub fn read(dir: &Path) -> Result<HeadFolder, HeadError> {
        let path = dir.join(ENSEMBLE_FILE);
        if !path.is_file() {
            return Ok(HeadFolder::Single(LinearClassifier::read_meta(dir)?));
        }
        let read = |reason: String| HeadError::Read {
            path: path.clone(),
            reason,
        };
        let text = std::fs::read_to_string(&path).map_err(|e| read(e.to_string()))?;
        let spec: EnsembleSpec = serde_json::from_str(&text).map_err(|e| read(e.to_string()))?;
        if spec.members.is_empty() {
            return Err(read("no members".into()));
        }
        let mut members = Vec::with_capacity(spec.members.len());
        for member in spec.members {
            let folder = dir.join(&member.head);
            if folder.join(ENSEMBLE_FILE).is_file() {
                return Err(read(format!(
                    "member {} is itself an ensemble; name its members instead",
                    member.head.display()
                )));
            }
            members.push(Member {
                meta: LinearClassifier::read_meta(&folder)?,
                folder,
                model_id: member.model_id,
                model: member.model.map(|m| dir.join(m)),
            });
        }
        Ok(HeadFolder::Ensemble(members))
    }

    /// The encoders to load, in block order: one per model. Two members on one model
    /// must pool the same layers (their block is shared).
    pub fn encoders(&self) -> Result<Vec<EncoderNeed>, HeadError> {
        let members = match self {
            HeadFolder::Single(meta) => {
                return Ok(vec![EncoderNeed {
                    model_id: None,
                    model: None,
                    layers: meta.encoder_layers.clone(),
                }])
            }
            HeadFolder::Ensemble(members) => members,
        };
        let mut needs: Vec<EncoderNeed> = Vec::new();
        for m in members {
            match needs
                .iter()
                .find(|n| n.model_id.as_deref() == Some(m.model_id.as_str()))
            {
                Some(need) if need.layers != m.meta.encoder_layers => {
                    return Err(HeadError::WrongLayers {
                        path: m.folder.clone(),
                        trained: m.meta.encoder_layers.clone(),
                        using: need.layers.clone(),
                    })
                }
                Some(_) => {}
                None => needs.push(EncoderNeed {
                    model_id: Some(m.model_id.clone()),
                    model: m.model.clone(),
                    layers: m.meta.encoder_layers.clone(),
                }),
            }
        }
        Ok(needs)
    }

    /// Every file the folder's scores depend on, for fingerprints.
    pub fn files(&self, dir: &Path) -> Vec<PathBuf> {
        let heads = |folder: &Path| {
            ["head.json", "head.safetensors"]
                .into_iter()
                .map(|name| folder.join(name))
                .collect::<Vec<_>>()
        };
        match self {
            HeadFolder::Single(_) => heads(dir),
            HeadFolder::Ensemble(members) => std::iter::once(dir.join(ENSEMBLE_FILE))
                .chain(members.iter().flat_map(|m| heads(&m.folder)))
                .collect(),
        }
    }
}

/// A loaded head folder and what reports record of it.
pub struct LoadedHead {
    pub classifier: Box<dyn Classifier>,
    /// `linear`, `mlp`, or `mean` for an ensemble.
    pub kind: String,
    /// The single head's recorded figures; none for an ensemble (its members have
    /// theirs).
    pub dev_metrics: Option<DevMetrics>,
}

/// Loads the head folder `dir` (a single head or an ensemble) for vectors from
/// `stack`, refusing a head whose encoder is not in the stack, whose layers differ
/// from its encoder's in the stack, or whose labels differ from the taxonomy's.
pub fn load_head(dir: &Path, taxonomy: &Taxonomy, stack: &Stack) -> Result<LoadedHead, HeadError> {
    match HeadFolder::read(dir)? {
        HeadFolder::Single(meta) => {
            let kind = meta.kind.clone();
            let head = load_member(dir, &meta, taxonomy, stack)?;
            Ok(LoadedHead {
                dev_metrics: Some(meta.dev_metrics),
                classifier: head,
                kind,
            })
        }
        HeadFolder::Ensemble(members) => {
            let heads = members
                .iter()
                .map(|m| load_member(&m.folder, &m.meta, taxonomy, stack))
                .collect::<Result<Vec<_>, _>>()?;
            let name = folder_name(dir, "ensemble");
            Ok(LoadedHead {
                classifier: Box::new(Mean::new(&name, heads)?),
                kind: "mean".into(),
                dev_metrics: None,
            })
        }
    }
}

/// One head on its encoder's block of the stack's vectors. With a stack of one, the
/// head loads as it always has (and refuses another encoder by name).
fn load_member(
    dir: &Path,
    meta: &HeadMeta,
    taxonomy: &Taxonomy,
    stack: &Stack,
) -> Result<Box<dyn Classifier>, HeadError> {
    if let [only] = stack.parts() {
        let head = LinearClassifier::load(dir, taxonomy, only.id(), only.extra_layers())?;
        return Ok(Box::new(head));
    }
    let (encoder, block) =
        stack
            .block(&meta.encoder_id)
            .ok_or_else(|| HeadError::WrongEncoder {
                path: dir.to_path_buf(),
                trained: meta.encoder_id.clone(),
                using: stack.id().to_string(),
            })?;
    let head = LinearClassifier::load(dir, taxonomy, encoder.id(), encoder.extra_layers())?;
    Ok(Box::new(OnBlock::new(head, block)))
}

fn folder_name(dir: &Path, otherwise: &str) -> String {
    dir.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| otherwise.into())
}

/// A classifier that reads one block of each passage's vector: its own encoder's, in
/// a stack of several.
pub struct OnBlock<C> {
    inner: C,
    block: Range<usize>,
}

impl<C: Classifier> OnBlock<C> {
    pub fn new(inner: C, block: Range<usize>) -> Self {
        OnBlock { inner, block }
    }
}

impl<C: Classifier> Classifier for OnBlock<C> {
    fn name(&self) -> &str {
        self.inner.name()
    }

    fn labels(&self) -> &[String] {
        self.inner.labels()
    }

    fn thresholds(&self) -> &[f32] {
        self.inner.thresholds()
    }

    fn needs_embeddings(&self) -> bool {
        self.inner.needs_embeddings()
    }

    fn caveat(&self) -> Option<&'static str> {
        self.inner.caveat()
    }

    fn score(&self, inputs: &[Input<'_>]) -> Result<Vec<Vec<f32>>, ClassifyError> {
        let inputs: Vec<Input<'_>> = inputs
            .iter()
            .map(|input| Input {
                text: input.text,
                // A vector too short for the block is no vector: the head says so.
                embedding: input.embedding.and_then(|e| e.get(self.block.clone())),
            })
            .collect();
        self.inner.score(&inputs)
    }
}

/// The mean of several classifiers' scores, decided against the mean of their
/// thresholds.
pub struct Mean {
    name: String,
    members: Vec<Box<dyn Classifier>>,
    thresholds: Vec<f32>,
}

impl Mean {
    /// Members must share their labels, in the same order.
    pub fn new(name: &str, members: Vec<Box<dyn Classifier>>) -> Result<Self, ClassifyError> {
        let config = |reason: String| ClassifyError::Config {
            what: format!("ensemble {name}"),
            reason,
        };
        let first = members.first().ok_or_else(|| config("no members".into()))?;
        if let Some(other) = members.iter().find(|m| m.labels() != first.labels()) {
            return Err(config(format!(
                "{} and {} have different labels",
                first.name(),
                other.name()
            )));
        }
        let n = members.len() as f32;
        let thresholds = (0..first.labels().len())
            .map(|l| members.iter().map(|m| m.thresholds()[l]).sum::<f32>() / n)
            .collect();
        Ok(Mean {
            name: name.to_string(),
            members,
            thresholds,
        })
    }
}

impl Classifier for Mean {
    fn name(&self) -> &str {
        &self.name
    }

    fn labels(&self) -> &[String] {
        self.members[0].labels()
    }

    fn thresholds(&self) -> &[f32] {
        &self.thresholds
    }

    fn needs_embeddings(&self) -> bool {
        self.members.iter().any(|m| m.needs_embeddings())
    }

    fn score(&self, inputs: &[Input<'_>]) -> Result<Vec<Vec<f32>>, ClassifyError> {
        let n = self.members.len() as f32;
        let mut sum = vec![vec![0.0f32; self.labels().len()]; inputs.len()];
        for member in &self.members {
            for (row, scores) in sum.iter_mut().zip(member.score(inputs)?) {
                for (s, x) in row.iter_mut().zip(scores) {
                    *s += x;
                }
            }
        }
        for row in &mut sum {
            for s in row.iter_mut() {
                *s /= n;
            }
        }
        Ok(sum)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Scores each passage with the vector's element at `at`, per label.
    struct Reads {
        name: &'static str,
        labels: Vec<String>,
        thresholds: Vec<f32>,
        at: usize,
    }

    impl Classifier for Reads {
        fn name(&self) -> &str {
            self.name
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
                .map(|i| {
                    let e = i
                        .embedding
                        .ok_or_else(|| ClassifyError::NoEmbedding(self.name.into()))?;
                    Ok(vec![e[self.at], e[self.at] * 2.0])
                })
                .collect()
        }
    }

    fn reads(name: &'static str, at: usize, thresholds: [f32; 2]) -> Reads {
        Reads {
            name,
            labels: vec!["housing".into(), "access".into()],
            thresholds: thresholds.to_vec(),
            at,
        }
    }

    #[test]
    fn a_mean_of_heads_on_their_own_blocks_scores_and_decides_by_the_means() {
        // Vectors of two encoders end to end: [a0 a1 | b0 b1 b2].
        let vectors = [vec![0.2, 0.0, 0.6, 0.0, 0.0], vec![0.4, 0.0, 0.0, 0.0, 0.1]];
        let texts = ["one", "two"];
        let inputs = Input::zip(&texts, &vectors);
        let first = OnBlock::new(reads("minilm", 0, [0.3, 0.5]), 0..2);
        let second = OnBlock::new(reads("mpnet", 0, [0.5, 0.9]), 2..5);
        assert_eq!(second.score(&inputs).unwrap()[0], vec![0.6, 1.2]);
        let mean = Mean::new("accurate", vec![Box::new(first), Box::new(second)]).unwrap();
        assert_eq!(mean.thresholds(), &[0.4, 0.7]);
        let scores = mean.score(&inputs).unwrap();
        assert!((scores[0][0] - 0.4).abs() < 1e-6 && (scores[0][1] - 0.8).abs() < 1e-6);
        assert!((scores[1][0] - 0.2).abs() < 1e-6 && (scores[1][1] - 0.4).abs() < 1e-6);
        assert_eq!(
            mean.decide(&scores),
            vec![vec![true, true], vec![false, false]]
        );
    }

    #[test]
    fn a_block_past_the_vector_is_no_vector_and_members_must_share_labels() {
        let short = [vec![0.1, 0.2]];
        let inputs = Input::zip(&["one"], &short);
        let beyond = OnBlock::new(reads("mpnet", 0, [0.5, 0.5]), 2..5);
        assert!(matches!(
            beyond.score(&inputs),
            Err(ClassifyError::NoEmbedding(_))
        ));
        let mut other = reads("other", 0, [0.5, 0.5]);
        other.labels = vec!["housing".into(), "anchor".into()];
        let members: Vec<Box<dyn Classifier>> =
            vec![Box::new(reads("minilm", 0, [0.5, 0.5])), Box::new(other)];
        assert!(Mean::new("mixed", members).is_err());
    }
}
