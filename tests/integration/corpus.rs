//! The labelled corpus meets the counts the classifier work depends on.

use std::collections::HashSet;
use std::path::Path;

use planthemes::eval::{read_examples, Example};
use planthemes::taxonomy::Taxonomy;

fn load(split: &str, taxonomy: &Taxonomy) -> Vec<Example> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("corpus/labelled/{split}.jsonl"));
    read_examples(&path, taxonomy).unwrap_or_else(|e| panic!("{e}"))
}

fn taxonomy() -> Taxonomy {
    Taxonomy::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus/taxonomy.toml")).unwrap()
}

#[test]
fn taxonomy_has_the_codebook_labels_with_four_core_themes() {
    let t = taxonomy();
    assert_eq!(t.labels.len(), 16);
    let core: Vec<&str> = t.core().iter().map(|&i| t.labels[i].id.as_str()).collect();
    assert_eq!(
        core,
        ["wider_determinants", "behaviours", "access", "anchor_roles"]
    );
    for label in &t.labels {
        assert!(
            !label.description.is_empty(),
            "{} has no description",
            label.id
        );
        assert!(
            label.exemplars.len() >= 5,
            "{} has too few exemplars",
            label.id
        );
        assert!(
            label.keywords.len() >= 10,
            "{} has too few keywords",
            label.id
        );
    }
}

#[test]
fn splits_meet_the_size_and_balance_requirements() {
    let t = taxonomy();
    let splits: Vec<(&str, Vec<Example>, usize)> = vec![
        ("train", load("train", &t), 50),
        ("dev", load("dev", &t), 15),
        ("test", load("test", &t), 15),
    ];
    let total: usize = splits.iter().map(|(_, e, _)| e.len()).sum();
    assert!(total >= 1500, "only {total} labelled passages");

    let core: HashSet<&str> = t.core().iter().map(|&i| t.labels[i].id.as_str()).collect();
    let mut no_core = 0;
    for (name, examples, min) in &splits {
        for label in &t.labels {
            let n = examples
                .iter()
                .filter(|e| e.labels.contains(&label.id))
                .count();
            assert!(
                n >= *min,
                "{name}: {} has {n} positives, needs {min}",
                label.id
            );
        }
        no_core += examples
            .iter()
            .filter(|e| !e.labels.iter().any(|l| core.contains(l.as_str())))
            .count();
    }
    assert!(
        no_core * 5 >= total,
        "only {no_core} of {total} passages have no core label"
    );
}

#[test]
fn no_passage_is_in_two_splits() {
    let t = taxonomy();
    let mut ids = HashSet::new();
    let mut texts = HashSet::new();
    for split in ["train", "dev", "test"] {
        for e in load(split, &t) {
            assert!(ids.insert(e.id.clone()), "{} is in two splits", e.id);
            let key: String = e
                .text
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
                .to_lowercase();
            assert!(
                texts.insert(key),
                "{}: the same text is in two places",
                e.id
            );
        }
    }
}
