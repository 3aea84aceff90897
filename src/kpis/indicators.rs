//! What a target measures: its unit and its indicator, from the words around it.

use super::*;

/// A value's unit: `%` and `£` as found; a change in percent as `% reduction` or
/// `% increase`; a count as the noun after it ("1,500 more homes" → `homes`).
pub(super) fn unit_of(sentence: &str, n: &Number, direction: Option<Direction>) -> String {
    let before = words_before(sentence, n.start, 2);
    let after = words_after(sentence, n.end, 4);
    if n.unit == "%" {
        let change = before.first().is_some_and(|w| w == "by")
            || after.first().is_some_and(|w| {
                matches!(
                    w.as_str(),
                    "reduction" | "cut" | "fall" | "decrease" | "increase" | "rise"
                )
            });
        if change {
            let up = after
                .first()
                .is_some_and(|w| matches!(w.as_str(), "increase" | "rise"))
                || direction == Some(Direction::Increase);
            return if up { "% increase" } else { "% reduction" }.to_string();
        }
        return n.unit.clone();
    }
    if !n.unit.is_empty() {
        return n.unit.clone();
    }
    let rest = &sentence[n.end..];
    if let Some(per) = PER.captures(rest) {
        return per[1].to_string();
    }
    if rest.trim_start().starts_with("µg") {
        return "µg/m³".to_string();
    }
    after
        .iter()
        .find(|w| {
            !matches!(
                w.as_str(),
                "a" | "an"
                    | "more"
                    | "additional"
                    | "new"
                    | "extra"
                    | "fewer"
                    | "further"
                    | "of"
                    | "or"
                    | "than"
                    | "the"
            )
        })
        // A preposition after the count starts its date or place, not its unit:
        // "from 5,000 to 2,000 by 2026".
        .filter(|w| {
            !matches!(
                w.as_str(),
                "by" | "in" | "to" | "from" | "within" | "before" | "at" | "on" | "and" | "for"
            )
        })
        .filter(|w| w.chars().all(|c| c.is_alphabetic() || c == '-'))
        .cloned()
        .unwrap_or_default()
}

pub(super) static PER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\s*(per\s+[\d,]+\s+\p{L}+)").expect("per pattern"));

/// What is measured: the words after the verb of change ("reduce adult smoking
/// prevalence from…"), or before "will", or a label before a colon.
pub(super) fn indicator(sentence: &str) -> String {
    let lower = sentence.to_ascii_lowercase();
    let cut = |s: &str| -> String {
        let end = INDICATOR_END.find(s).map_or(s.len(), |m| m.start());
        let mut s = s[..end]
            .trim()
            .trim_matches(|c: char| c == ',' || c == ':' || c == '–');
        for lead in [
            "the number of ",
            "the proportion of ",
            "the share of ",
            "the rate of ",
            "the ",
        ] {
            if let Some(rest) = s.strip_prefix(lead) {
                s = rest;
            }
        }
        s.trim().to_string()
    };
    if let Some(m) = CHANGE_VERB.find(&lower) {
        let s = cut(&lower[m.end()..]);
        if !s.is_empty() && !PRONOUNS.contains(&s.as_str()) {
            return s;
        }
    }
    if let Some(i) = lower.find(':') {
        let label = lower[..i].trim();
        if (1..=12).contains(&label.split_whitespace().count())
            && !label.starts_with("kpi")
            && !GENERIC_LABEL.is_match(label)
        {
            return label.to_string();
        }
    }
    // "We will offer X…", "The ICB will commission X…", "We aim to deliver X…": the
    // subject names who acts, not what is measured, so the object does.
    let modal = MODAL.find(&lower);
    let subject = modal.map(|m| cut_subject(&lower[..m.start()]));
    if let Some(subject) = subject.as_ref().filter(|s| !s.is_empty() && !is_actor(s)) {
        return subject.clone();
    }
    // "75% of cancers in Northcote are diagnosed at stage 1 or 2": what the share is of.
    if let Some(c) = SHARE_OF.captures(&lower) {
        let of = &c[1];
        let end = SHARE_END.find(of).map_or(of.len(), |m| m.start());
        let of = of[..end].trim();
        if !of.is_empty() {
            return of.to_string();
        }
    }
    if let Some(m) = modal {
        let rest = &lower[m.end()..];
        let mut object = object_of(rest);
        // "We will spend £2m a year to reach 1,000 more carers": the money is what the
        // plan puts in; what it measures is the object of the verb after "to".
        let invests = rest
            .split_whitespace()
            .take(3)
            .any(|w| INVEST_VERBS.contains(&w));
        if invests {
            if let Some(i) = rest.find(" to ") {
                object = object_of(&rest[i + 4..]);
            }
        }
        if !object.is_empty() && !PRONOUNS.contains(&object.as_str()) {
            return object;
        }
    }
    match subject {
        Some(s) if !s.is_empty() => s,
        _ => cut(&lower),
    }
}

/// Words that stand for an indicator named elsewhere: no indicator on their own.
pub(super) const PRONOUNS: [&str; 5] = ["it", "this", "that", "them", "these"];

/// A label that names the kind of line, not what it measures: "Ambition: 75% of…",
/// "2024/25 target: 55%".
pub(super) static GENERIC_LABEL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?:^|\s)(?:ambition|target|aim|goal|objective|measure|milestone|trajectory|kpi)s?$",
    )
    .expect("generic label pattern")
});

pub(super) static SHARE_OF: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\d\s?(?:%|per cent) of (?:all |the |our )?(.+)").expect("share pattern")
});

pub(super) static SHARE_END: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\s(?:are|is|will|to|have|has|who|whose|receive|receiving|be|by|from|in \d|within|compared|and|or)\s|[,;(.:]|\s\d")
        .expect("share end pattern")
});

/// "will", and the verbs plans use like it: "we aim to", "we want to", "we expect".
pub(super) static MODAL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\s(?:will|aim to|aims to|want to|plan to|plans to|intend to|expect to|expect|are going to)\s")
        .expect("modal pattern")
});

/// A subject that names who acts rather than what is measured: "we", "the ICB",
/// "partners", "NHS Greater Manchester", "our partnership".
pub(super) fn is_actor(subject: &str) -> bool {
    let words: Vec<&str> = subject.split_whitespace().collect();
    let first = words.first().copied().unwrap_or("");
    matches!(
        first,
        "we" | "it" | "they" | "you" | "partners" | "icb" | "nhs"
    ) || words.len() == 1
        && first
            .chars()
            .all(|c| !c.is_alphabetic() || c.is_ascii_digit())
        || words.len() <= 3
            && (words.iter().any(|w| {
                matches!(
                    *w,
                    "icb"
                        | "icp"
                        | "ics"
                        | "council"
                        | "partnership"
                        | "partners"
                        | "system"
                        | "trust"
                        | "board"
                )
            }) || first == "our" && words.len() == 1)
}

/// What a commitment's verb acts on: "offer patient-initiated follow-up in at least
/// 12 specialties" → "patient-initiated follow-up"; "deliver 250,000 more GP
/// appointments" → "gp appointments".
pub(super) fn object_of(rest: &str) -> String {
    let helper = |w: &&str| {
        matches!(
            *w,
            "also"
                | "continue"
                | "to"
                | "aim"
                | "work"
                | "further"
                | "now"
                | "then"
                | "be"
                | "seek"
        )
    };
    // "250,000 more GP appointments", "an extra 80,000 urgent dental appointments".
    let count = |w: &&str| {
        w.starts_with(|c: char| c.is_ascii_digit() || c == '£')
            || matches!(
                *w,
                "a" | "an"
                    | "the"
                    | "more"
                    | "additional"
                    | "extra"
                    | "further"
                    | "new"
                    | "at"
                    | "least"
                    | "per"
                    | "cent"
                    | "million"
                    | "of"
                    | "for"
                    | "our"
            )
    };
    // Adverbs and helpers, the verb, then the count before the noun.
    let object = rest
        .split_whitespace()
        .skip_while(helper)
        .skip(1)
        .skip_while(count)
        .collect::<Vec<_>>()
        .join(" ");
    let end = OBJECT_END.find(&object).map_or(object.len(), |m| m.start());
    object[..end]
        .trim()
        .trim_matches(|c: char| c == ',' || c == ':' || c == '–' || c == '.')
        .to_string()
}

pub(super) static OBJECT_END: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\s(?:from|by|to|below|under|in|over|across|for|within|at|than|a year|each|every|and|so|with|through|so that)\s|[,;(.:]|\s\d|\s(?:in|by)$")
        .expect("object end pattern")
});

pub(super) fn cut_subject(s: &str) -> String {
    let s = LEAD_DATE.replace(s, "");
    // "In line with the national ambition, we": the actor after the last comma.
    let last = s.rsplit(',').next().unwrap_or("").trim();
    let last = last.strip_prefix("and ").unwrap_or(last);
    // Otherwise the subject up to its first comma: "our hypertension case-finding
    // programme, working through pharmacies, will…".
    let s = if is_actor(last) {
        last
    } else {
        s.split(',').next().unwrap_or("").trim()
    };
    s.strip_prefix("the ").unwrap_or(s).to_string()
}

pub(super) static CHANGE_VERB: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\b(?:reduce|reducing|cut|lower|increase|increasing|raise|lift|grow|improve|bring|halve|double|eliminate|narrow|close|keep|maintain|reduction in|cut in|increase in)\b\s+").expect("change verb pattern")
});

pub(super) static INDICATOR_END: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"\s(?:from|by|to|below|under|at or|in \d|over|down|up|across|for|within)\s|[,;(]|\s\d",
    )
    .expect("indicator end pattern")
});

pub(super) static LEAD_DATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:by|in)\s+[^,]*?\d{4}(?:/\d{2})?,?\s*").expect("lead pattern")
});
