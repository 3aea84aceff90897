//! Cleaning extracted pages into one text a reader would recognise: ligatures and
//! odd characters normalised, running headers, footers and page numbers removed,
//! words hyphenated across lines rejoined, wrapped lines unwrapped into paragraphs,
//! and a paragraph broken by a page turn made whole. Page starts are tracked as byte
//! offsets so every passage can say which pages it came from.
//!
//! No extractor does this well (shared/research/ingest-libraries.md §1b), so it is ours.

use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

use regex::Regex;

use crate::ingest::Page;

/// Cleaned document text and where each page starts in it.
#[derive(Debug, Clone, PartialEq)]
pub struct Cleaned {
    pub text: String,
    /// `(page number, byte offset of its first character)`, ascending.
    pub page_starts: Vec<(u32, usize)>,
    /// Said when cleaning had to hold back: the running-header rule would have
    /// removed most of the document, so its repeated lines were kept.
    pub warning: Option<String>,
}

impl Cleaned {
    /// The page holding byte `offset`.
    pub fn page_at(&self, offset: usize) -> u32 {
        let i = self
            .page_starts
            .partition_point(|&(_, start)| start <= offset);
        self.page_starts[i.saturating_sub(1)].0
    }
}

/// Knows whether a string is a word (for rejoining `re-⏎quires` but not `same-⏎day`).
pub trait Lexicon {
    fn is_word(&self, word: &str) -> bool;
}

/// A lexicon that knows no words: only the document's own words count.
pub struct NoLexicon;

impl Lexicon for NoLexicon {
    fn is_word(&self, _: &str) -> bool {
        false
    }
}

static PAGE_NUMBER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^\s*(page\s+)?\d{1,4}(\s*(of|/)\s*\d{1,4})?\s*$")
        .expect("valid regex: this is a bug")
});
static HYPHEN_BREAK: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(\p{L}+)[-\x{2}] *\n *(\p{Ll}\p{L}*)").expect("valid regex: this is a bug")
});
static WORD: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\p{L}+").expect("valid regex: this is a bug"));
/// A bullet or list-number at the start of a line.
pub(crate) static BULLET: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\s*(•|-|\*|–|\d{1,2}[.)]|\([a-z0-9]\)|[a-z][.)])\s+")
        .expect("valid regex: this is a bug")
});

/// Characters normalised before anything else.
fn normalise_chars(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\u{FB00}' => out.push_str("ff"),
            '\u{FB01}' => out.push_str("fi"),
            '\u{FB02}' => out.push_str("fl"),
            '\u{FB03}' => out.push_str("ffi"),
            '\u{FB04}' => out.push_str("ffl"),
            '\u{FB05}' | '\u{FB06}' => out.push_str("st"),
            '\u{00AD}' | '\u{200B}' | '\u{FEFF}' => {}
            '\u{00A0}' | '\u{2007}' | '\u{202F}' | '\t' => out.push(' '),
            '\u{F0B7}' | '\u{2022}' | '\u{25AA}' | '\u{25CF}' | '\u{F0A7}' | '\u{2023}'
            | '\u{25E6}' => out.push('•'),
            '\r' => {}
            // PDFium marks a hyphen at a line end with U+0002; HYPHEN_BREAK handles it.
            '\u{2}' => out.push('\u{2}'),
            c if c.is_control() && c != '\n' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

fn line_key(line: &str) -> String {
    line.trim()
        .chars()
        .map(|c| {
            if c.is_ascii_digit() {
                '#'
            } else {
                c.to_ascii_lowercase()
            }
        })
        .collect()
}

/// Indices of the first and last `ZONE` non-empty lines of a page.
const ZONE: usize = 2;

fn zone_lines(lines: &[&str]) -> Vec<usize> {
    let filled: Vec<usize> = (0..lines.len())
        .filter(|&i| !lines[i].trim().is_empty())
        .collect();
    let mut zone: Vec<usize> = filled.iter().take(ZONE).copied().collect();
    zone.extend(filled.iter().rev().take(ZONE).copied());
    zone.sort_unstable();
    zone.dedup();
    zone
}

/// The share of a document's text the running-line rule may remove before it is
/// judged wrong (a document whose every page is the same line is not all header).
const MAX_RUNNING_SHARE: f64 = 0.9;

fn visible_chars(text: &str) -> usize {
    text.chars().filter(|c| !c.is_whitespace()).count()
}

/// Why a line at the top or bottom of a page is furniture, not text.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Running {
    PageNumber,
    /// The same line (digits aside) at the top or bottom of most pages.
    Repeated,
}

/// Per page, the indices of its lines that are running lines, and why. Only the first
/// and last `ZONE` non-empty lines of a page can be.
fn running_lines(pages: &[String]) -> Vec<Vec<(usize, Running)>> {
    let mut counts: HashMap<String, usize> = HashMap::new();
    for page in pages {
        let lines: Vec<&str> = page.lines().collect();
        let keys: HashSet<String> = zone_lines(&lines)
            .into_iter()
            .map(|i| line_key(lines[i]))
            .collect();
        for k in keys {
            *counts.entry(k).or_default() += 1;
        }
    }
    let repeated =
        |key: &str| pages.len() >= 3 && counts.get(key).copied().unwrap_or(0) * 2 > pages.len();
    pages
        .iter()
        .map(|page| {
            let lines: Vec<&str> = page.lines().collect();
            zone_lines(&lines)
                .into_iter()
                .filter_map(|i| {
                    if PAGE_NUMBER.is_match(lines[i]) {
                        Some((i, Running::PageNumber))
                    } else if repeated(&line_key(lines[i])) {
                        Some((i, Running::Repeated))
                    } else {
                        None
                    }
                })
                .collect()
        })
        .collect()
}

/// Removes running headers, footers and page numbers. Repeated lines are kept when
/// they would take more than [`MAX_RUNNING_SHARE`] of the text (then the second value
/// says so): a document whose every page is the same line is not all header.
fn strip_running_lines(pages: &[String]) -> (Vec<String>, Option<String>) {
    let mut running = running_lines(pages);
    // Visible characters of page-number lines and of repeated lines, in one pass.
    let (numbers, repeated) =
        pages
            .iter()
            .zip(&running)
            .fold((0, 0), |(numbers, repeated), (page, marks)| {
                let lines: Vec<&str> = page.lines().collect();
                marks
                    .iter()
                    .fold((numbers, repeated), |(n, r), &(i, kind)| match kind {
                        Running::PageNumber => (n + visible_chars(lines[i]), r),
                        Running::Repeated => (n, r + visible_chars(lines[i])),
                    })
            });
    let text = pages.iter().map(|p| visible_chars(p)).sum::<usize>() - numbers;
    let mut warning = None;
    if text > 0 && repeated as f64 > MAX_RUNNING_SHARE * text as f64 {
        warning = Some(format!(
            "the running-header rule would have removed {:.0}% of the text; its repeated lines were kept",
            100.0 * repeated as f64 / text as f64
        ));
        for marks in &mut running {
            marks.retain(|(_, k)| *k != Running::Repeated);
        }
    }
    let stripped = pages
        .iter()
        .zip(&running)
        .map(|(page, marks)| {
            page.lines()
                .enumerate()
                .filter(|(i, _)| !marks.iter().any(|(m, _)| m == i))
                .map(|(_, l)| l)
                .collect::<Vec<_>>()
                .join("\n")
        })
        .collect();
    (stripped, warning)
}

/// `re-⏎quires` → `requires` when the joined word is known; otherwise the hyphen stays
/// (`same-⏎day` → `same-day`).
fn dehyphenate<'t>(
    text: &'t str,
    known: &HashSet<String>,
    lexicon: &dyn Lexicon,
) -> std::borrow::Cow<'t, str> {
    HYPHEN_BREAK.replace_all(text, |c: &regex::Captures<'_>| {
        let joined = format!("{}{}", &c[1], &c[2]);
        let lower = joined.to_lowercase();
        if known.contains(&lower) || lexicon.is_word(&lower) {
            joined
        } else {
            format!("{}-{}", &c[1], &c[2])
        }
    })
}

fn is_structural(line: &str) -> bool {
    let t = line.trim_start();
    t.starts_with('#') || t.starts_with('|') || BULLET.is_match(line)
}

/// Joins wrapped lines inside paragraphs; bullets, headings and table rows keep their
/// own lines. Paragraphs stay separated by one blank line.
fn unwrap(text: &str) -> String {
    let mut paragraphs = Vec::new();
    for para in text.split("\n\n") {
        let mut out = String::new();
        for line in para.lines().map(str::trim).filter(|l| !l.is_empty()) {
            if out.is_empty() {
                out.push_str(line);
            } else if is_structural(line) || out.ends_with('|') {
                out.push('\n');
                out.push_str(line);
            } else {
                out.push(' ');
                out.push_str(line);
            }
        }
        if !out.is_empty() {
            paragraphs.push(out);
        }
    }
    paragraphs.join("\n\n")
}

/// Cleans a document's pages into one text.
pub fn clean(pages: &[Page], lexicon: &dyn Lexicon) -> Cleaned {
    let normalised: Vec<String> = pages.iter().map(|p| normalise_chars(&p.text)).collect();
    let (stripped, warning) = strip_running_lines(&normalised);
    drop(normalised);
    // The document's own words (a set, filled word by word: a large document must
    // not hold a list of every word it has).
    let mut known: HashSet<String> = HashSet::new();
    for page in &stripped {
        for word in WORD.find_iter(page) {
            let word = word.as_str();
            if !known.contains(word) {
                known.insert(word.to_lowercase());
            }
        }
    }

    let mut text = String::new();
    let mut page_starts = Vec::new();
    // Each page's copies are dropped as soon as it is appended.
    for (page, body) in pages.iter().zip(stripped) {
        let body = unwrap(&dehyphenate(&body, &known, lexicon));
        if body.is_empty() {
            continue;
        }
        if !text.is_empty() {
            // A paragraph that runs over the page turn continues without a break.
            let ends_open = !text
                .trim_end()
                .ends_with(['.', ':', '!', '?', '"', '”', ')']);
            let starts_low = body.chars().next().is_some_and(char::is_lowercase);
            text.push_str(if ends_open && starts_low { " " } else { "\n\n" });
        }
        page_starts.push((page.number, text.len()));
        if text.is_empty() {
            text = body;
        } else {
            text.push_str(&body);
        }
    }
    if page_starts.is_empty() {
        page_starts.push((pages.first().map_or(1, |p| p.number), 0));
    }
    Cleaned {
        text,
        page_starts,
        warning,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pages(texts: &[&str]) -> Vec<Page> {
        texts
            .iter()
            .enumerate()
            .map(|(i, t)| Page {
                number: i as u32 + 1,
                text: t.to_string(),
            })
            .collect()
    }

    #[test]
    fn removes_running_headers_footers_and_page_numbers() {
        let p = pages(&[
            "Joint Forward Plan 2024\nOur first aim is access.\nOFFICIAL – Page 1 of 3",
            "Joint Forward Plan 2024\nOur second aim is housing.\nOFFICIAL – Page 2 of 3",
            "Joint Forward Plan 2024\nOur third aim is jobs.\n3",
        ]);
        let c = clean(&p, &NoLexicon);
        assert_eq!(
            c.text,
            "Our first aim is access.\n\nOur second aim is housing.\n\nOur third aim is jobs."
        );
        assert_eq!(c.page_at(0), 1);
        assert_eq!(c.page_at(c.text.find("housing").unwrap()), 2);
        assert_eq!(c.page_at(c.text.len() - 1), 3);
    }

    #[test]
    fn never_removes_a_whole_document_as_running_header() {
        let same: Vec<&str> = vec!["Draft for the board, not for circulation"; 50];
        let c = clean(&pages(&same), &NoLexicon);
        assert_eq!(c.text.matches("Draft for the board").count(), 50);
        assert!(
            c.warning.as_deref().unwrap().contains("100%"),
            "{:?}",
            c.warning
        );

        // Page numbers alone still go, and an ordinary document has no warning.
        let p = pages(&["Housing first.\n1", "Jobs second.\n2", "Air third.\n3"]);
        let c = clean(&p, &NoLexicon);
        assert_eq!(c.text, "Housing first.\n\nJobs second.\n\nAir third.");
        assert_eq!(c.warning, None);
    }

    #[test]
    fn rejoins_known_words_keeps_compounds_and_expands_ligatures() {
        let p = pages(&["This re-\nquires care. It requires a same-\nday service and \u{FB01}nancial of\u{FB01}cers."]);
        let c = clean(&p, &NoLexicon);
        assert_eq!(
            c.text,
            "This requires care. It requires a same-day service and financial officers."
        );
    }

    #[test]
    fn unwraps_lines_but_keeps_bullets_and_joins_across_a_page_turn() {
        let p = pages(&[
            "Our priorities are:\n• housing\n• jobs\n\nWe will work with the\ncouncils and the",
            "voluntary sector on both.",
        ]);
        let c = clean(&p, &NoLexicon);
        assert_eq!(
            c.text,
            "Our priorities are:\n• housing\n• jobs\n\nWe will work with the councils and the voluntary sector on both."
        );
        assert_eq!(c.page_at(c.text.find("voluntary").unwrap()), 2);
    }
}
