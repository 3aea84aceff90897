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

use super::linear::{folder_name, DevMetrics};
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
    /// `head.json` and `head.safetensors` (boxed: the metadata is large beside a list).
    Single(Box<HeadMeta>),
    /// `ensemble.json`: its members, in block order.
    Ensemble(Vec<Member>),
}

impl HeadFolder {
    /// Reads `dir/ensemble.json` and its members' `head.json`, or `dir/head.json`.
    pub fn read(dir: &Path) -> Result<HeadFolder, HeadError> {
        let path = dir.join(ENSEMBLE_FILE);
        if !path.is_file() {
            return Ok(HeadFolder::Single(Box::new(LinearClassifier::read_meta(
                dir,
            )?)));
        }
        let bad = |reason: String| HeadError::Ensemble {
            path: path.clone(),
            reason,
        };
        let text = std::fs::read_to_string(&path).map_err(|e| HeadError::Read {
            path: path.clone(),
            reason: e.to_string(),
        })?;
        let spec: EnsembleSpec = serde_json::from_str(&text).map_err(|e| bad(e.to_string()))?;
        if spec.members.is_empty() {
            return Err(bad("no members".into()));
        }
        let mut members = Vec::with_capacity(spec.members.len());
        for member in spec.members {
            let folder = dir.join(&member.head);
            if folder.join(ENSEMBLE_FILE).is_file() {
                return Err(bad(format!(
                    "member {} is itself an ensemble; name its members instead",
                    member.head.display()
                )));
            }
            let meta = LinearClassifier::read_meta(&folder).map_err(|e| {
                bad(format!(
                    "member {} cannot be read: {e}",
                    member.head.display()
                ))
            })?;
            members.push(Member {
                meta,
                folder,
                model_id: member.model_id,
                model: member.model.map(|m| dir.join(m)),
            });
        }
        Ok(HeadFolder::Ensemble(members))
    }

    /// The encoders to load, in block order: one per model (id and folder). Two members
    /// on one model must pool the same layers (their block is shared).
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
                .find(|n| n.model_id.as_deref() == Some(m.model_id.as_str()) && n.model == m.model)
            {
                Some(need) if need.layers != m.meta.encoder_layers => {
                    return Err(HeadError::Ensemble {
                        path: m.folder.clone(),
                        reason: format!(
                            "this member pools layers {:?} of {}, another member layers {:?}; \
                             members on one encoder must pool the same layers",
                            m.meta.encoder_layers, m.model_id, need.layers
                        ),
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

    /// blake3 of every file the folder's scores depend on, in a fixed order.
    pub fn fingerprint(&self, dir: &Path) -> Result<String, HeadError> {
        let mut hasher = blake3::Hasher::new();
        for path in self.files(dir) {
            let bytes = std::fs::read(&path).map_err(|e| HeadError::Read {
                path: path.clone(),
                reason: e.to_string(),
            })?;
            hasher.update(&bytes);
        }
        Ok(hasher.finalize().to_hex().to_string())
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
        let inputs = inputs
            .iter()
            .map(|input| {
                let embedding =
                    match input.embedding {
                        None => None,
                        Some(e) => Some(e.get(self.block.clone()).ok_or_else(|| {
                            ClassifyError::Config {
                                what: format!("head {}", self.inner.name()),
                                reason: format!(
                                "it reads elements {}..{} of each vector, and the vectors have \
                                 {}: they come from other encoders",
                                self.block.start,
                                self.block.end,
                                e.len()
                            ),
                            }
                        })?),
                    };
                Ok(Input {
                    text: input.text,
                    embedding,
                })
            })
            .collect::<Result<Vec<_>, ClassifyError>>()?;
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
        let close = |a: f32, b: f32| (a - b).abs() < 1e-6;
        assert!(close(mean.thresholds()[0], 0.4) && close(mean.thresholds()[1], 0.7));
        let scores = mean.score(&inputs).unwrap();
        assert!((scores[0][0] - 0.4).abs() < 1e-6 && (scores[0][1] - 0.8).abs() < 1e-6);
        assert!((scores[1][0] - 0.2).abs() < 1e-6 && (scores[1][1] - 0.4).abs() < 1e-6);
        assert_eq!(
            mean.decide(&scores),
            vec![vec![true, true], vec![false, false]]
        );
    }

    /// A head folder with the smallest head.json `read_meta` accepts.
    fn head_json(dir: &Path, encoder_id: &str, layers: &[usize]) {
        std::fs::create_dir_all(dir).unwrap();
        let meta = serde_json::json!({
            "format": 1, "kind": "mlp", "features": ["embedding"], "labels": ["housing"],
            "thresholds": [0.5], "encoder_id": encoder_id, "encoder_weight_hash": "h",
            "encoder_layers": layers, "taxonomy_hash": "t", "training_data_hash": "d",
            "train_file": "train.jsonl", "dev_file": "dev.jsonl", "seed": 1, "epochs": 1,
            "dev_metrics": {"macro_f1": null, "macro_f1_core": null, "label_f1": {}}
        });
        std::fs::write(dir.join("head.json"), meta.to_string()).unwrap();
    }

    fn ensemble(dir: &Path, spec: &str) -> Result<HeadFolder, HeadError> {
        std::fs::create_dir_all(dir).unwrap();
        std::fs::write(dir.join(ENSEMBLE_FILE), spec).unwrap();
        HeadFolder::read(dir)
    }

    #[test]
    fn an_ensemble_folder_is_read_with_its_encoders_and_refused_with_the_reason() {
        let tmp = tempfile::tempdir().unwrap();
        head_json(&tmp.path().join("small"), "small@1", &[5, 4]);
        head_json(&tmp.path().join("large"), "large@2", &[10]);
        head_json(&tmp.path().join("small2"), "small@1", &[3]);
        let both = ensemble(
            &tmp.path().join("both"),
            r#"{"members": [{"head": "../small", "model_id": "a/small"},
                            {"head": "../large", "model_id": "b/large", "model": "../m"}]}"#,
        )
        .unwrap();
        let needs = both.encoders().unwrap();
        assert_eq!(needs.len(), 2);
        assert_eq!(
            (needs[0].model_id.as_deref(), needs[0].layers.as_slice()),
            (Some("a/small"), &[5, 4][..])
        );
        assert_eq!(needs[1].model, Some(tmp.path().join("both").join("../m")));
        assert_eq!(both.files(&tmp.path().join("both")).len(), 5);

        let refused = |name: &str, spec: &str, says: &str| {
            let err = match ensemble(&tmp.path().join(name), spec) {
                Ok(folder) => folder.encoders().expect_err("refused").to_string(),
                Err(e) => e.to_string(),
            };
            assert!(err.contains(says), "{name}: {err}");
        };
        refused("empty", r#"{"members": []}"#, "no members");
        refused(
            "typo",
            r#"{"members": [{"head": "../small", "modelid": "a"}]}"#,
            "unknown field",
        );
        refused(
            "missing",
            r#"{"members": [{"head": "../gone", "model_id": "a"}]}"#,
            "member ../gone cannot be read",
        );
        refused(
            "nested",
            r#"{"members": [{"head": "../both", "model_id": "a"}]}"#,
            "itself an ensemble",
        );
        refused(
            "layers",
            r#"{"members": [{"head": "../small", "model_id": "a/small"},
                            {"head": "../small2", "model_id": "a/small"}]}"#,
            "must pool the same layers",
        );
    }

    #[test]
    fn a_block_past_the_vector_is_an_error_and_members_must_share_labels() {
        let short = [vec![0.1, 0.2]];
        let inputs = Input::zip(&["one"], &short);
        let beyond = OnBlock::new(reads("mpnet", 0, [0.5, 0.5]), 2..5);
        let err = beyond.score(&inputs).expect_err("too short").to_string();
        assert!(
            err.contains("elements 2..5") && err.contains("have 2"),
            "{err}"
        );
        let mut other = reads("other", 0, [0.5, 0.5]);
        other.labels = vec!["housing".into(), "anchor".into()];
        let members: Vec<Box<dyn Classifier>> =
            vec![Box::new(reads("minilm", 0, [0.5, 0.5])), Box::new(other)];
        assert!(Mean::new("mixed", members).is_err());
    }
}
