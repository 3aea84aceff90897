//! Quantified targets (CODEBOOK.md, "Commitment", the `target` flag): the number or
//! share a plan sets out to reach on an indicator, by when, from what baseline.
//! `kpis.csv` in every run and `planthemes kpis` come from [`extract`].
//!
//! Hand-written rules, not a model or a crate: no maintained crate extracts targets
//! from English prose, and the conventions (`corpus/kpis/targets.jsonl`, issue 17)
//! are exact ("halve" is 50 `% reduction`, "net zero" is 0, one row per dated
//! milestone) where a learnt extractor would only be close. The rules work on one
//! clause at a time (a sentence, a bullet, a table row):
//! 1. dates and numbers are found, and each number is given a role from the words
//!    around it: a target ("to 12%", "by 10%", "75% of patients"), a baseline ("from
//!    19%", "(2023: 1,850)", "up from 38% in 2023/24"), or part of the indicator's
//!    definition ("within 62 days", "aged 65 and over", "stage 1 or 2");
//! 2. a clause is a target only when it commits ("will", "our ambition", an
//!    imperative, "by March 2026") and does not report the past ("rose", "met our
//!    target"), a projection, or a national ambition the writer does not adopt;
//! 3. each target takes the first date anchor after it ("by 2030", "in 2024/25",
//!    "across 2024/25", "over the same period"), or the last before it.
//!
//! A target without a date is left out: the codebook's `target` needs a date, a
//! baseline or a trajectory, and a row without a date cannot be checked.

use std::sync::LazyLock;

use regex::Regex;
use serde::{Deserialize, Serialize};

mod clauses;
mod commits;
mod context;
mod in_words;
mod indicators;
mod numbers;
mod roles;
mod sentences;
mod tables;
#[cfg(test)]
mod tests;

use clauses::*;
use commits::*;
use context::*;
use in_words::*;
use indicators::*;
use numbers::*;
use roles::*;
use sentences::*;
use tables::*;

/// Which way a target moves its indicator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    Increase,
    Decrease,
    Maintain,
}

impl Direction {
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::Increase => "increase",
            Direction::Decrease => "decrease",
            Direction::Maintain => "maintain",
        }
    }
}

/// One quantified target: a row of `kpis.csv`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Target {
    #[serde(default)]
    pub indicator: String,
    pub baseline_value: Option<f64>,
    /// The baseline's year or period as written (`2022/23`, `2019–21`, `2024-03`).
    pub baseline_year: Option<String>,
    /// The number to reach; for a change ("reduce by 20%") the change, with a unit
    /// saying so (`% reduction`); 0 for "eliminate", "no one waiting", "net zero".
    pub target_value: f64,
    pub unit: String,
    /// `2028`, `YYYY-MM` when a month is given, or the financial year as written.
    pub target_date: String,
    pub direction: Direction,
    /// The clause it was read from.
    #[serde(default)]
    pub sentence: String,
}

/// Every quantified target in a passage, in reading order. A target is to be reached
/// in this century: "a property built before 1919" dates nothing.
pub fn extract(text: &str) -> Vec<Target> {
    let mut out = extract_all(text);
    out.retain(|t| !year_of(&t.target_date).starts_with("19"));
    out
}

/// A date's year, after any quarter ("Q4 2024/25" → "2024/25").
fn year_of(date: &str) -> &str {
    date.strip_prefix('Q')
        .and_then(|q| q.get(2..))
        .unwrap_or(date)
}

fn extract_all(text: &str) -> Vec<Target> {
    let mut out = Vec::new();
    let mut national_before = false;
    let mut carried: Option<String> = None;
    // The values, dates and indicator words of the table rows above: prose under a
    // table that gives one of them again for the same measure ("The dementia diagnosis
    // rate … 66.7%, which we expect to reach in 2025/26") restates it.
    let mut tabled: Vec<(f64, String, Vec<String>)> = Vec::new();
    for unit in clauses(text) {
        match unit {
            Clause::Row { cells, header } => {
                let found = table_row(&cells, header.as_deref());
                if found.is_empty() {
                    // A box laid out with bars ("KPI 7 | … Target: 11.5% by 2025/26"),
                    // read as prose.
                    for cell in &cells {
                        for clause in text_clauses(cell, None) {
                            if let Clause::Text(sentence, _) = clause {
                                out.extend(sentence_targets(&sentence, None));
                            }
                        }
                    }
                } else {
                    tabled.extend(found.iter().map(|t| {
                        let named = words(&t.indicator)
                            .into_iter()
                            .filter(|w| w.len() > 3)
                            .collect();
                        (t.target_value, t.target_date.clone(), named)
                    }));
                    out.extend(found);
                }
            }
            Clause::Text(sentence, original) => {
                // "NHS England's guidance sets 32 objectives. They include 78% within
                // four hours…": a report of national objectives goes on in "they".
                let national = reports_national(&sentence);
                let follows = national_before && FOLLOW_ON.is_match(&sentence.to_ascii_lowercase());
                national_before = national || follows;
                if !national && !follows {
                    let found = sentence_targets(&sentence, carried.as_deref());
                    // "Over the same period" reaches back one sentence only.
                    carried = found.last().map(|t| t.target_date.clone());
                    let sentence_words = if tabled.is_empty() {
                        Vec::new()
                    } else {
                        words(&sentence)
                    };
                    let restated = |t: &Target| {
                        tabled.iter().any(|(v, d, named)| {
                            *v == t.target_value
                                && *d == t.target_date
                                && named.iter().any(|w| sentence_words.contains(w))
                        })
                    };
                    out.extend(found.into_iter().filter(|t| !restated(t)).map(|mut t| {
                        if let Some(original) = &original {
                            t.sentence = original.clone();
                        }
                        t
                    }));
                }
            }
        }
    }
    out
}

// ---------------------------------------------------------------------------------
// Scoring against hand-coded targets

/// How extracted targets compare with hand-coded ones: a found target is right when
/// its `target_value` and `target_date` both equal a gold target's in the same
/// passage (each gold target matched once).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Score {
    pub gold: usize,
    pub found: usize,
    pub matched: usize,
    /// Of the matched, how many also have the gold unit, direction and baseline.
    pub unit_exact: usize,
    pub direction_exact: usize,
    pub baseline_exact: usize,
}

impl Score {
    /// Adds one passage's comparison; returns the found targets that match nothing
    /// and the gold targets nothing found.
    pub fn add<'a>(
        &mut self,
        gold: &'a [Target],
        found: &'a [Target],
    ) -> (Vec<&'a Target>, Vec<&'a Target>) {
        self.gold += gold.len();
        self.found += found.len();
        let mut left: Vec<&Target> = gold.iter().collect();
        let mut wrong = Vec::new();
        for t in found {
            let hit = left.iter().position(|g| {
                (g.target_value - t.target_value).abs() < 1e-6 && g.target_date == t.target_date
            });
            match hit {
                Some(i) => {
                    let g = left.remove(i);
                    self.matched += 1;
                    self.unit_exact += usize::from(g.unit == t.unit);
                    self.direction_exact += usize::from(g.direction == t.direction);
                    self.baseline_exact += usize::from(
                        g.baseline_value.map(|v| (v * 1e6).round())
                            == t.baseline_value.map(|v| (v * 1e6).round()),
                    );
                }
                None => wrong.push(t),
            }
        }
        (wrong, left)
    }

    pub fn recall(&self) -> f64 {
        ratio(self.matched, self.gold)
    }

    pub fn precision(&self) -> f64 {
        ratio(self.matched, self.found)
    }

    pub fn f1(&self) -> f64 {
        ratio(2 * self.matched, self.gold + self.found)
    }
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 {
        1.0
    } else {
        a as f64 / b as f64
    }
}
