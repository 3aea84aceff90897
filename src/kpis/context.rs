//! The words around a position in a clause.

use super::*;

/// The lower-case words before byte `at`, nearest first.
pub(super) fn words_before(text: &str, at: usize, n: usize) -> Vec<String> {
    WORD.find_iter(&text[..at])
        .map(|m| m.as_str().to_ascii_lowercase())
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .take(n)
        .collect()
}

/// The lower-case words after byte `at`, nearest first.
pub(super) fn words_after(text: &str, at: usize, n: usize) -> Vec<String> {
    WORD.find_iter(&text[at..])
        .take(n)
        .map(|m| m.as_str().to_ascii_lowercase())
        .collect()
}

pub(super) static MONTH_AFTER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^(?:st|nd|rd|th)?\s+(?:january|february|march|april|may|june|july|august|september|october|november|december)\b")
        .expect("day pattern")
});

pub(super) static AGE_BAND: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\s?(?:[–-]|to)\s?\d{1,2}[\s-]?(?:year|yr)s?[\s-]?olds?").expect("age pattern")
});

pub(super) static RESTATED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\s(?:increase|rise|reduction|fall|cut|decrease)\s+(?:on|from|against)\b")
        .expect("restated pattern")
});

pub(super) static WORD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"[\p{L}\d][\p{L}\d'’.,/–-]*[\p{L}\d]|[\p{L}\d]|[:()]").expect("word pattern")
});

/// Words that soften a number without changing its role ("from around 210").
pub(super) const HEDGES: [&str; 11] = [
    "around",
    "about",
    "approximately",
    "roughly",
    "nearly",
    "almost",
    "some",
    "just",
    "estimated",
    "an",
    "c.",
];

pub(super) fn has_any(words: &[String], set: &[&str]) -> bool {
    words.iter().any(|w| set.contains(&w.as_str()))
}

pub(super) fn contains_word(lower: &str, word: &str) -> bool {
    lower.match_indices(word).any(|(i, _)| {
        let before = lower[..i].chars().next_back();
        let after = lower[i + word.len()..].chars().next();
        !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
    })
}
