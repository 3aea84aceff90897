//! Facets (CODEBOOK.md, "Facets"): which wider determinants a passage names (housing …
//! digital) and which Core20PLUS5 adult clinical areas (maternity … hypertension).
//!
//! A facet is given only within a passage that carries its parent theme, when the
//! passage names one of the facet's keywords (`corpus/facets.toml`, built into the
//! binary so that `report` rebuilds a run the same way anywhere). The keyword lists
//! were measured against hand-coded facets (docs/classifier-experiments.md), and their
//! per-facet error counts on the test split, end to end (`corpus/facets_rates.json`), drive the
//! facet rows' honest columns.

use std::sync::LazyLock;

use crate::classify::{Classifier, ClassifyError, Input, KeywordClassifier};
use crate::honest::Rates;
use crate::report::LabelInfo;
use crate::taxonomy::Taxonomy;

const FACETS_TOML: &str = include_str!("../corpus/facets.toml");

/// The facet head's folder, under the project root: a head on the same vectors as the
/// theme head, trained on the blind-coded facets of the corpus. Runs with the default
/// classifier use it; others use the keyword lists.
pub const FACET_HEAD: &str = "models/heads/facets";

/// The facets as a taxonomy, under the project root.
pub const FACET_TAXONOMY: &str = "corpus/facets.toml";
const FACET_RATES: &str = include_str!("../corpus/facets_rates.json");

/// The facets and their keyword lists.
pub struct Facets {
    taxonomy: Taxonomy,
    keywords: KeywordClassifier,
}

impl Facets {
    /// The facets built into this binary: parsed, and their keyword lists compiled,
    /// once per process (every rebuild of a run's outputs reads them several times).
    pub fn builtin() -> Result<&'static Self, ClassifyError> {
        static BUILTIN: LazyLock<Result<Facets, String>> = LazyLock::new(|| {
            let taxonomy = Taxonomy::parse(FACETS_TOML, std::path::Path::new(FACET_TAXONOMY))
                .map_err(|e| e.to_string())?;
            let keywords = KeywordClassifier::new(&taxonomy, 1).map_err(|e| e.to_string())?;
            Ok(Facets { taxonomy, keywords })
        });
        BUILTIN.as_ref().map_err(|reason| ClassifyError::Config {
            what: FACET_TAXONOMY.into(),
            reason: reason.clone(),
        })
    }

    /// The facets as reports show them: `group` is the parent theme.
    pub fn labels(&self) -> Vec<LabelInfo> {
        self.taxonomy
            .labels
            .iter()
            .map(|l| LabelInfo {
                id: l.id.clone(),
                name: l.name.clone(),
                group: l.group.clone(),
                core: false,
                description: l.description.clone(),
            })
            .collect()
    }

    /// The facets as a taxonomy (groups are the parent themes).
    pub fn taxonomy(&self) -> &Taxonomy {
        &self.taxonomy
    }

    /// Facet ids, in order.
    pub fn ids(&self) -> Vec<&str> {
        self.taxonomy.ids()
    }

    /// The parent theme of each facet, in order.
    pub fn parents(&self) -> Vec<&str> {
        self.taxonomy
            .labels
            .iter()
            .map(|l| l.group.as_str())
            .collect()
    }

    /// Keywords found per facet (the facet's score), whatever the passage's themes.
    pub fn hits(&self, text: &str) -> Vec<f32> {
        self.keywords
            .score(&[Input {
                text,
                embedding: None,
            }])
            .map(|mut rows| rows.pop().unwrap_or_default())
            .unwrap_or_default()
    }

    /// The facets of a passage coded with `themes`.
    pub fn of(&self, text: &str, themes: &[String]) -> Vec<String> {
        self.hits(text)
            .iter()
            .zip(&self.taxonomy.labels)
            .filter(|(h, l)| **h >= 1.0 && themes.contains(&l.group))
            .map(|(_, l)| l.id.clone())
            .collect()
    }

    /// The facets of a passage coded with `themes`, from a facet head's scores and
    /// thresholds.
    pub fn of_scores(
        &self,
        scores: &std::collections::BTreeMap<String, f32>,
        thresholds: &std::collections::BTreeMap<String, f32>,
        themes: &[String],
    ) -> Vec<String> {
        self.taxonomy
            .labels
            .iter()
            .filter(|l| {
                themes.contains(&l.group)
                    && match (scores.get(&l.id), thresholds.get(&l.id)) {
                        (Some(s), Some(t)) => s >= t,
                        _ => false,
                    }
            })
            .map(|l| l.id.clone())
            .collect()
    }

    /// The keyword lists' error counts, measured on the test split.
    pub fn rates() -> Option<Rates> {
        serde_json::from_str(FACET_RATES).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_facet_needs_its_parent() {
        let facets = Facets::builtin().unwrap();
        let text = "We will insulate 1,200 damp homes and offer debt advice in GP practices.";
        let wider = vec!["wider_determinants".to_string()];
        let got = facets.of(text, &wider);
        assert!(got.contains(&"housing".to_string()), "{got:?}");
        assert!(got.contains(&"income_poverty".to_string()), "{got:?}");
        assert!(facets.of(text, &["access".to_string()]).is_empty());
        assert!(Facets::rates().unwrap().labels.contains_key("housing"));

        // From a facet head's scores: over the threshold and under a coded parent.
        let scores = [("housing".to_string(), 0.9), ("maternity".to_string(), 0.9)].into();
        let thresholds = [
            ("housing".to_string(), 0.5),
            ("maternity".to_string(), 0.95),
        ]
        .into();
        assert_eq!(facets.of_scores(&scores, &thresholds, &wider), ["housing"]);
        let access = vec!["access".to_string()];
        assert!(facets.of_scores(&scores, &thresholds, &access).is_empty());
        assert_eq!(facets.ids().len(), facets.parents().len());
    }
}
