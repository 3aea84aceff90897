//! The theme taxonomy: `corpus/taxonomy.toml` → [`Taxonomy`].
//!
//! The taxonomy is data: label groups and labels with descriptions, inclusion and
//! exclusion notes, exemplar sentences and keywords, following `CODEBOOK.md`. Adding a
//! label to the file needs no code change; classifiers, metrics and reports read the
//! label list from here.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use serde::Deserialize;

/// A taxonomy file that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum TaxonomyError {
    #[error("{}: cannot read ({source})", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{}: not a valid taxonomy ({reason})", path.display())]
    Invalid { path: PathBuf, reason: String },
}

/// A group of labels (approach, populations, levers).
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Group {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub description: String,
}

/// One label with everything a classifier or a reader needs to know about it.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Label {
    pub id: String,
    pub group: String,
    /// One of the core four approach themes, whose macro F1 is reported separately.
    #[serde(default)]
    pub core: bool,
    pub name: String,
    pub description: String,
    #[serde(default)]
    pub include: Vec<String>,
    #[serde(default)]
    pub exclude: Vec<String>,
    #[serde(default)]
    pub exemplars: Vec<String>,
    /// Lower-case words or phrases, matched on word boundaries; a trailing `*`
    /// matches any word ending.
    #[serde(default)]
    pub keywords: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    version: u32,
    name: String,
    #[serde(rename = "group")]
    groups: Vec<Group>,
    #[serde(rename = "label")]
    labels: Vec<Label>,
}

/// Label groups and labels, in file order.
#[derive(Debug, Clone, PartialEq)]
pub struct Taxonomy {
    pub name: String,
    pub groups: Vec<Group>,
    pub labels: Vec<Label>,
    /// BLAKE3 of the file's bytes (first 16 hex digits): recorded beside trained heads
    /// and in reports.
    pub hash: String,
}

/// The default taxonomy path, relative to the project.
pub const DEFAULT_TAXONOMY: &str = "corpus/taxonomy.toml";

impl Taxonomy {
    /// Reads and validates a taxonomy file.
    pub fn load(path: &Path) -> Result<Self, TaxonomyError> {
        let text = std::fs::read_to_string(path).map_err(|source| TaxonomyError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        Self::parse(&text, path)
    }

    /// Parses and validates taxonomy text; `path` is only used in errors.
    pub fn parse(text: &str, path: &Path) -> Result<Self, TaxonomyError> {
        let invalid = |reason: String| TaxonomyError::Invalid {
            path: path.to_path_buf(),
            reason,
        };
        let file: File = toml::from_str(text).map_err(|e| invalid(e.message().to_string()))?;
        if file.version != 1 {
            return Err(invalid(format!(
                "version {} is not supported (expected 1)",
                file.version
            )));
        }
        if file.labels.is_empty() {
            return Err(invalid("no [[label]] entries".into()));
        }
        let groups: HashSet<&str> = file.groups.iter().map(|g| g.id.as_str()).collect();
        let mut seen = HashSet::new();
        for label in &file.labels {
            let id = label.id.as_str();
            if id.is_empty()
                || !id
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
            {
                return Err(invalid(format!(
                    "label id {id:?} must be lower-case letters, digits and underscores"
                )));
            }
            if !seen.insert(id) {
                return Err(invalid(format!("label {id:?} is defined twice")));
            }
            if !groups.contains(label.group.as_str()) {
                return Err(invalid(format!(
                    "label {id:?} names group {:?}, which is not defined",
                    label.group
                )));
            }
        }
        Ok(Taxonomy {
            name: file.name,
            groups: file.groups,
            labels: file.labels,
            hash: blake3::hash(text.as_bytes()).to_hex()[..16].to_string(),
        })
    }

    /// Label ids in order.
    pub fn ids(&self) -> Vec<&str> {
        self.labels.iter().map(|l| l.id.as_str()).collect()
    }

    /// Index of a label id.
    pub fn index(&self, id: &str) -> Option<usize> {
        self.labels.iter().position(|l| l.id == id)
    }

    /// Indices of the core labels.
    pub fn core(&self) -> Vec<usize> {
        (0..self.labels.len())
            .filter(|&i| self.labels[i].core)
            .collect()
    }

    /// Indices of the labels in a group.
    pub fn group_members(&self, group: &str) -> Vec<usize> {
        (0..self.labels.len())
            .filter(|&i| self.labels[i].group == group)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SMALL: &str = r#"
version = 1
name = "test"
[[group]]
id = "approach"
name = "Approach"
[[label]]
id = "housing"
group = "approach"
core = true
name = "Housing"
description = "homes"
keywords = ["housing", "homeless*"]
[[label]]
id = "money"
group = "approach"
name = "Money"
description = "funding"
"#;

    #[test]
    fn parses_labels_groups_and_core_flags_in_order() {
        let t = Taxonomy::parse(SMALL, Path::new("t.toml")).unwrap();
        assert_eq!(t.ids(), ["housing", "money"]);
        assert_eq!(t.core(), vec![0]);
        assert_eq!(t.group_members("approach"), vec![0, 1]);
        assert_eq!(t.index("money"), Some(1));
        assert_eq!(t.labels[0].keywords, ["housing", "homeless*"]);
        assert_eq!(t.hash.len(), 16);
    }

    #[test]
    fn rejects_duplicates_unknown_groups_and_bad_ids_naming_the_file() {
        let dup = SMALL.replace("id = \"money\"", "id = \"housing\"");
        let err = Taxonomy::parse(&dup, Path::new("t.toml"))
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("t.toml: not a valid taxonomy"), "{err}");
        assert!(err.contains("\"housing\" is defined twice"), "{err}");

        let orphan = SMALL.replace(
            "group = \"approach\"\nname = \"Money\"",
            "group = \"levers\"\nname = \"Money\"",
        );
        let err = Taxonomy::parse(&orphan, Path::new("t.toml"))
            .unwrap_err()
            .to_string();
        assert!(err.contains("names group \"levers\""), "{err}");

        let bad = SMALL.replace("id = \"money\"", "id = \"Money Matters\"");
        assert!(Taxonomy::parse(&bad, Path::new("t.toml")).is_err());

        let typo = SMALL.replace("keywords =", "keywrods =");
        let err = Taxonomy::parse(&typo, Path::new("t.toml"))
            .unwrap_err()
            .to_string();
        assert!(err.contains("keywrods"), "{err}");
    }
}
