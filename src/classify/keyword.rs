//! `keyword`: a transparent lexicon baseline. A passage gets a label when it contains
//! at least `min_hits` distinct keywords of that label from the taxonomy. Its score is
//! the number of distinct keywords found, so a reader can see exactly why.

use regex::{Regex, RegexBuilder};

use super::{Classifier, ClassifyError, Input};
use crate::taxonomy::Taxonomy;

/// One compiled lexicon per label.
pub struct KeywordClassifier {
    labels: Vec<String>,
    lexicons: Vec<Vec<Regex>>,
    thresholds: Vec<f32>,
}

impl KeywordClassifier {
    /// Compiles the taxonomy's keywords; a label needs `min_hits` distinct keywords.
    pub fn new(taxonomy: &Taxonomy, min_hits: usize) -> Result<Self, ClassifyError> {
        let lexicons = taxonomy
            .labels
            .iter()
            .map(|label| {
                label
                    .keywords
                    .iter()
                    .map(|k| {
                        compile(k).map_err(|reason| ClassifyError::Config {
                            what: format!("keyword {k:?} of label {}", label.id),
                            reason,
                        })
                    })
                    .collect::<Result<Vec<_>, _>>()
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(KeywordClassifier {
            labels: taxonomy.ids().into_iter().map(String::from).collect(),
            lexicons,
            thresholds: vec![min_hits.max(1) as f32; taxonomy.labels.len()],
        })
    }

    /// The keywords of label `l` found in `text`.
    pub fn matches<'t>(&self, l: usize, text: &'t str) -> Vec<&'t str> {
        self.lexicons[l]
            .iter()
            .filter_map(|re| re.find(text).map(|m| m.as_str()))
            .collect()
    }
}

/// `word`, `two words` or `prefix*`, case-insensitive, on word boundaries; any run of
/// spaces in a phrase matches any run of whitespace (text from PDFs wraps lines).
fn compile(keyword: &str) -> Result<Regex, String> {
    let keyword = keyword.trim();
    let (stem, wildcard) = match keyword.strip_suffix('*') {
        Some(stem) => (stem, true),
        None => (keyword, false),
    };
    if stem.trim().is_empty() {
        return Err("empty keyword".into());
    }
    let body = stem
        .split_whitespace()
        .map(regex::escape)
        .collect::<Vec<_>>()
        .join(r"\s+");
    // ASCII word classes: Unicode ones made each of the ~1,000 compiled keywords
    // about 0.25 MB (about 260 MB in all) for English plan text that needs none of them.
    let tail = if wildcard { r"(?-u:\w)*" } else { "" };
    // \b only where the keyword starts or ends with a word character ("A&E" ends in one;
    // "£" does not).
    let lead = if stem.starts_with(|c: char| c.is_alphanumeric()) {
        r"(?-u:\b)"
    } else {
        ""
    };
    let trail = if wildcard || stem.ends_with(|c: char| c.is_alphanumeric()) {
        r"(?-u:\b)"
    } else {
        ""
    };
    RegexBuilder::new(&format!("{lead}{body}{tail}{trail}"))
        .case_insensitive(true)
        .build()
        .map_err(|e| e.to_string())
}

impl Classifier for KeywordClassifier {
    fn name(&self) -> &str {
        "keyword"
    }

    fn labels(&self) -> &[String] {
        &self.labels
    }

    fn thresholds(&self) -> &[f32] {
        &self.thresholds
    }

    fn needs_embeddings(&self) -> bool {
        false
    }

    fn score(&self, inputs: &[Input<'_>]) -> Result<Vec<Vec<f32>>, ClassifyError> {
        Ok(inputs
            .iter()
            .map(|input| {
                (0..self.labels.len())
                    .map(|l| self.matches(l, input.text).len() as f32)
                    .collect()
            })
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keywords_match_whole_words_phrases_across_lines_and_wildcards() {
        let re = compile("housing").unwrap();
        assert!(re.is_match("Housing quality"));
        assert!(!re.is_match("the ICB is rehousing its offices")); // not a word start
        let re = compile("apprentice*").unwrap();
        assert!(re.is_match("200 apprenticeships a year"));
        let re = compile("fuel poverty").unwrap();
        assert!(re.is_match("families in fuel\n poverty"));
        let re = compile("a&e").unwrap();
        assert!(re.is_match("waits in A&E fell"));
        assert!(compile("*").is_err());
    }
}
