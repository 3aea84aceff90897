//! Whether a clause commits: the cues that look ahead, and the clauses that report the
//! past or a national ambition the writer does not adopt.

use super::*;

pub(super) const CUES: [&str; 29] = [
    "requires",
    "required",
    "will",
    "shall",
    "target",
    "targets",
    "ambition",
    "ambitions",
    "aim",
    "aims",
    "aiming",
    "goal",
    "goals",
    "commit",
    "commits",
    "commitment",
    "committed",
    "intend",
    "intends",
    "want",
    "expect",
    "ensure",
    "trajectory",
    "kpi",
    "pledge",
    "pledged",
    "signed",
    "must",
    "milestone",
];

pub(super) const IMPERATIVES: [&str; 28] = [
    "reduce",
    "reducing",
    "cut",
    "cutting",
    "increase",
    "increasing",
    "raise",
    "raising",
    "halve",
    "halving",
    "double",
    "doubling",
    "bring",
    "lift",
    "grow",
    "improve",
    "improving",
    "deliver",
    "ensure",
    "eliminate",
    "achieve",
    "maintain",
    "keep",
    "hold",
    "close",
    "narrow",
    "lower",
    "reach",
];

/// Verbs that report what happened, unless a modal comes just before them.
pub(super) const PAST: [&str; 30] = [
    "rose",
    "fell",
    "was",
    "were",
    "met",
    "received",
    "delivered",
    "ran",
    "rang",
    "paid",
    "said",
    "responded",
    "introduced",
    "required",
    "grew",
    "dropped",
    "increased",
    "decreased",
    "reduced",
    "improved",
    "declined",
    "achieved",
    "saw",
    "had",
    "reported",
    "exceeded",
    "doubled",
    "halved",
    "recorded",
    "smoked",
];

/// Past participles after which "had" reports a result, even in a clause about a goal.
pub(super) const PARTICIPLES: [&str; 11] = [
    "hit",
    "fallen",
    "risen",
    "dropped",
    "grown",
    "reached",
    "increased",
    "decreased",
    "improved",
    "declined",
    "met",
];

/// Whether a clause reports a national ambition without adopting it.
pub(super) fn reports_national(sentence: &str) -> bool {
    let lower = sentence.to_ascii_lowercase();
    // A local target set beside a national one reports only if its own part does.
    if let Some(local) = without_national_comparison(sentence) {
        return reports_national(&local);
    }
    let words = words(sentence);
    // A clause that starts with a verb adopts it: "Halve smoking … and reach the
    // national smokefree ambition of 5%".
    // So does one agreed with the national body, or set in line with its standard:
    // "the ICB has agreed with NHS England that …", "… in line with the national
    // standard".
    let adopts = first_verb(&words)
        .is_some_and(|w| IMPERATIVES.contains(&w) && !w.ends_with("ing"))
        || lower.contains("agreed with")
        || lower.contains("has agreed")
        || lower.contains("have agreed")
        || lower.contains("in line with") && has_any(&words, &["will", "shall"]);
    NATIONAL_SUBJECT.is_match(&lower)
        && !has_any(&words, &FIRST_PERSON)
        && !adopts
        && !contains_word(&lower, "our own")
}

pub(super) static FOLLOW_ON: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:they|these|this|it|those|which|such)\b").expect("follow-on pattern")
});

/// Who sets a national ambition: a clause naming one, with no "we" or "our", reports
/// it rather than adopting it.
pub(super) static NATIONAL_SUBJECT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\b(?:national\s+(?:smoke-?free\s+)?(?:ambition|target|standard|objective|priorit\w*|aim|goal|expectation|requirement)s?|government(?:'s|’s)?|nhs\s+england(?:'s|’s)?|planning\s+guidance|long\s+term\s+(?:workforce\s+)?plan|nationally|^the\s+nhs\s+(?:became|has\s+committed|committed|aims|sets?)|nhs\s+carbon\s+footprint)\b")
        .expect("national pattern")
});

pub(super) const FIRST_PERSON: [&str; 5] = ["we", "our", "us", "we're", "ourselves"];

pub(super) fn words(text: &str) -> Vec<String> {
    WORD.find_iter(text)
        .map(|m| m.as_str().to_ascii_lowercase())
        .collect()
}

pub(super) fn is_past(words: &[String]) -> bool {
    // In a clause that commits, a participle ("the share spent on", "a care plan
    // recorded") is not a report; only a verb that says a target was met is, or "had"
    // before a participle ("had fallen to 24%"). "averaged" and "aimed to" always are.
    let commits = has_any(
        words,
        &[
            "will",
            "shall",
            "aim",
            "ambition",
            "target",
            "goal",
            "trajectory",
            "commit",
            "commits",
            "commitment",
            "aims",
        ],
    ) || contains_seq(words, &["we", "want"]);
    // "in the previous 12 months" defines what is counted; "our previous strategy"
    // reports.
    let previous_span = |i: usize| {
        words[i] == "previous"
            && words[i + 1..]
                .iter()
                .take(2)
                .any(|w| TIME_UNITS.contains(&w.as_str()))
    };
    if words.iter().enumerate().any(|(i, w)| {
        matches!(w.as_str(), "former" | "achieved" | "exceeded")
            // "missed the target", not "missed appointments"
            || w == "missed"
                && words
                    .get(i + 1)
                    .is_some_and(|n| matches!(n.as_str(), "the" | "its" | "our" | "their" | "this"))
            || w == "previous" && !previous_span(i)
            // "64.8% … had their blood pressure treated to target by March 2024"
            || w == "had"
                && words.get(i + 1).is_some_and(|n| matches!(n.as_str(), "their" | "its"))
                && !(i > 0 && matches!(words[i - 1].as_str(), "have" | "has"))
    }) || contains_seq(words, &["did", "not", "meet"])
    {
        return true;
    }
    // "our 2019 plan aimed to cut…", not "a programme aimed at".
    let aimed = |i: usize| words.get(i + 1).is_some_and(|n| n != "at");
    let past = |i: usize, w: &str| {
        if w == "averaged" || w == "aimed" && aimed(i) {
            true
        } else if commits {
            matches!(w, "met" | "achieved" | "exceeded" | "rose" | "fell" | "reached")
                // "had fallen from 29% to 24%, exceeding that goal"
                || w == "had" && words.get(i + 1).is_some_and(|n| PARTICIPLES.contains(&n.as_str()))
        } else {
            PAST.contains(&w)
        }
    };
    words.iter().enumerate().any(|(i, w)| {
        past(i, w.as_str())
            && !words[i.saturating_sub(2)..i].iter().any(|m| {
                matches!(
                    m.as_str(),
                    "will" | "be" | "been" | "have" | "has" | "to" | "being" | "shall"
                )
            })
            // "the figure was" inside a target's own clause is handled by the split
            // at ';'; here a past verb anywhere marks a report.
            && !(w == "had" && words.get(i + 1).is_some_and(|n| n == "brought"))
    }) || contains_seq(words, &["last", "year"])
        // "Heart failure admissions, 2,870 last year, are to be reduced by 10%": an
        // aside in a clause that commits.
        && !(contains_seq(words, &["to", "be"]) || has_any(words, &["will", "shall"]))
        || contains_seq(words, &["last", "strategy"])
        || contains_seq(words, &["last", "plan"])
}

pub(super) fn contains_seq(words: &[String], seq: &[&str]) -> bool {
    words
        .windows(seq.len())
        .any(|w| w.iter().zip(seq).all(|(a, b)| a == b))
}

/// The sentence without the comparison with a national figure that it sets its own
/// target beside: "We will reach 70% (against the national ambition of 75%) by March
/// 2027" is "We will reach 70% by March 2027". The comparison runs to the next comma,
/// semicolon, colon or closing bracket; `None` when there is none.
pub(super) fn without_national_comparison(sentence: &str) -> Option<String> {
    let lower = sentence.to_ascii_lowercase();
    let m = BESIDE_NATIONAL.find(&lower)?;
    let opened = &lower[m.start()..m.start() + 1];
    let rest = &lower[m.end()..];
    let end = match rest.find([',', ';', ':', ')']) {
        // A bracket goes with its closing one; a comma's clause leaves the next comma.
        Some(k) if opened == "(" && rest[k..].starts_with(')') => m.end() + k + 1,
        Some(k) => m.end() + k,
        None => sentence.len(),
    };
    Some(format!("{}{}", &sentence[..m.start()], &sentence[end..]))
}

/// A comparison with a national figure after a local one, with no number of its own
/// between the comparison word and the national body ("compared with 68% in 2024/25
/// and a national average" compares with a local figure first).
pub(super) static BESIDE_NATIONAL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"[,;(]\s*(?:compared\s+(?:with|to)|against|alongside|beside|above|below)\s+(?:the\s+)?[^,;()\d]{0,40}?\b(?:national|nhs\s+england(?:'s|’s)?|long\s+term\s+plan(?:'s|’s)?|government(?:'s|’s)?)\b")
        .expect("beside national pattern")
});
