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

/// Word trigrams of a passage, hashed, sorted and deduplicated.
fn trigrams(text: &str) -> Vec<u64> {
    use std::hash::{Hash, Hasher};
    let words: Vec<String> = text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect();
    let mut grams: Vec<u64> = words
        .windows(3)
        .map(|w| {
            let mut h = std::collections::hash_map::DefaultHasher::new();
            w.hash(&mut h);
            h.finish()
        })
        .collect();
    grams.sort_unstable();
    grams.dedup();
    grams
}

/// Trigrams two sorted lists share.
fn shared(a: &[u64], b: &[u64]) -> usize {
    let (mut i, mut j, mut n) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                n += 1;
                i += 1;
                j += 1;
            }
        }
    }
    n
}

/// Every train or dev passage against every passage of `reference`: none may share more
/// than half of the shorter passage's word trigrams with one of them.
fn assert_no_near_copies(reference: &[Example], what: &str) {
    let t = taxonomy();
    let reference: Vec<(&str, Vec<u64>)> = reference
        .iter()
        .map(|e| (e.id.as_str(), trigrams(&e.text)))
        .collect();
    for split in ["train", "dev"] {
        for e in load(split, &t) {
            let mine = trigrams(&e.text);
            for (id, theirs) in &reference {
                let shorter = mine.len().min(theirs.len());
                if shorter < 5 {
                    continue;
                }
                let share = shared(&mine, theirs) as f64 / shorter as f64;
                assert!(
                    share <= 0.5,
                    "{} ({split}) shares {:.0}% of its word trigrams with {what} passage {id}",
                    e.id,
                    share * 100.0
                );
            }
        }
    }
}

/// Writers of new batches are the same kind of model-assisted writer as the first
/// batches, and converge on the same stock phrases and figures: a near-copy of a test
/// passage in train or dev would leak the answer. The closest pair today shares 45% of
/// the shorter passage's word trigrams (generic phrasing such as "a good level of
/// development by the end of reception"); the near-copy of a test KPI row dropped from
/// session 7's short batch shared 59%.
#[test]
fn no_training_passage_is_a_near_copy_of_a_test_passage() {
    assert_no_near_copies(&load("test", &taxonomy()), "test");
}

/// The real plan passages in `../shared/data/real_plans_dev.jsonl` are quoted for
/// evaluation only: nothing of theirs may reach the corpus. Writers know real ICS
/// visions by heart, and session 8 dropped two passages that echoed published ones. The
/// closest pairs left share 50% (the statutory four purposes, which real plans and ours
/// both restate). Skipped, saying so, where the file is not beside the checkout.
#[test]
fn no_training_passage_is_a_near_copy_of_a_real_plan_passage() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/data/real_plans_dev.jsonl");
    if !path.exists() {
        eprintln!("skipped: {} is not there", path.display());
        return;
    }
    let real = read_examples(&path, &taxonomy()).unwrap_or_else(|e| panic!("{e}"));
    assert!(real.len() > 400, "only {} real passages read", real.len());
    assert_no_near_copies(&real, "real plan");
}
