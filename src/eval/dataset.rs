//! Labelled passages: `{"id","text","labels":[...],"doc_kind"?,"source"?}` per line.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::jsonl::{read_jsonl, JsonlError};
use crate::taxonomy::Taxonomy;

/// A labelled passage.
#[derive(Debug, Clone, Deserialize, PartialEq)]
pub struct Example {
    pub id: String,
    pub text: String,
    pub labels: Vec<String>,
    #[serde(default)]
    pub doc_kind: Option<String>,
    #[serde(default)]
    pub source: Option<String>,
    /// The passage's theme labels, when `labels` holds another field's list (read by
    /// [`read_examples_of`]): facets are judged only within their parent theme.
    #[serde(default)]
    pub themes: Vec<String>,
}

/// A labelled file that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum DatasetError {
    #[error(transparent)]
    Jsonl(#[from] JsonlError),
    #[error("{}: passage {id:?} has label {label:?}, which is not in the taxonomy ({known})", path.display())]
    UnknownLabel {
        path: PathBuf,
        id: String,
        label: String,
        known: String,
    },
    #[error("{}: passage id {id:?} appears more than once", path.display())]
    DuplicateId { path: PathBuf, id: String },
}

/// Reads a labelled file and checks every label against the taxonomy.
pub fn read_examples(path: &Path, taxonomy: &Taxonomy) -> Result<Vec<Example>, DatasetError> {
    read_examples_of(path, taxonomy, "labels")
}

/// Reads a labelled file taking each passage's labels from `field` (`labels`, or
/// another list such as `commitment` or `facets`). With a field other than `labels`,
/// passages without it are left out: it was not coded on them.
pub fn read_examples_of(
    path: &Path,
    taxonomy: &Taxonomy,
    field: &str,
) -> Result<Vec<Example>, DatasetError> {
    let examples: Vec<Example> = if field == "labels" {
        read_jsonl(path)?
    } else {
        let rows: Vec<serde_json::Map<String, serde_json::Value>> = read_jsonl(path)?;
        rows.into_iter()
            .filter(|row| row.get(field).is_some_and(serde_json::Value::is_array))
            .filter_map(|mut row| {
                let labels = row.remove(field)?;
                if let Some(themes) = row.remove("labels") {
                    row.insert("themes".into(), themes);
                }
                row.insert("labels".into(), labels);
                serde_json::from_value(serde_json::Value::Object(row)).ok()
            })
            .collect()
    };
    let known: HashSet<&str> = taxonomy.ids().into_iter().collect();
    let mut ids = HashSet::new();
    for e in &examples {
        if !ids.insert(e.id.as_str()) {
            return Err(DatasetError::DuplicateId {
                path: path.to_path_buf(),
                id: e.id.clone(),
            });
        }
        if let Some(bad) = e.labels.iter().find(|l| !known.contains(l.as_str())) {
            return Err(DatasetError::UnknownLabel {
                path: path.to_path_buf(),
                id: e.id.clone(),
                label: bad.clone(),
                known: taxonomy.ids().join(", "),
            });
        }
    }
    Ok(examples)
}

/// Gold labels as one boolean per example × taxonomy label.
pub fn gold_matrix(examples: &[Example], taxonomy: &Taxonomy) -> Vec<Vec<bool>> {
    examples
        .iter()
        .map(|e| {
            taxonomy
                .labels
                .iter()
                .map(|l| e.labels.contains(&l.id))
                .collect()
        })
        .collect()
}
