//! Targets stated in words: "halve", "double", "by a third", "eliminate", "net zero".

use super::*;

/// Targets stated in words: "halve", "double", "by a third", "eliminate", "no
/// patient will wait", "net zero", "close the deficit".
/// "Our area has a third fewer GPs", "admissions are a quarter higher", "have twice
/// as many admissions": a comparison that describes, not a change to make.
pub(super) fn states_a_gap(lower: &str, at: usize) -> bool {
    let before = words_before(lower, at, 2);
    before.first().is_some_and(|w| {
        matches!(
            w.as_str(),
            "has" | "have" | "had" | "are" | "is" | "was" | "were" | "with" | "see" | "sees"
        )
    })
}

pub(super) fn word_targets(
    sentence: &str,
    lower: &str,
    anchors: &[(usize, Anchor)],
    dates: &[Date],
    baseline: Option<&Number>,
    baseline_year: Option<String>,
) -> Vec<(Target, usize)> {
    let target = |value: f64, unit: &str, direction: Direction, date: String| Target {
        indicator: indicator(sentence),
        baseline_value: baseline.map(|b| b.value),
        baseline_year: baseline_year.clone(),
        target_value: value,
        unit: unit.to_string(),
        target_date: date,
        direction,
        sentence: sentence.to_string(),
    };
    let date_after = |at: usize| resolve(anchors, dates, at, None, &[]);
    let direction = direction_in(lower);

    // Each target with where its words end.
    let mut out: Vec<(Target, usize)> = Vec::new();
    let mut push = |t: Option<Target>, at: usize| {
        if let Some(t) = t {
            if !out
                .iter()
                .any(|(o, _)| o.target_value == t.target_value && o.target_date == t.target_date)
            {
                out.push((t, at));
            }
        }
    };
    let fraction = FRACTION
        .captures(lower)
        .and_then(|m| share_in_words(&m[1]).map(|value| (m, value)));
    if let Some((m, value)) = fraction {
        let up = direction == Some(Direction::Increase);
        let (unit, dir) = if up {
            ("% increase", Direction::Increase)
        } else {
            ("% reduction", Direction::Decrease)
        };
        let end = m.get(0).expect("match").end();
        push(date_after(end).map(|d| target(value, unit, dir, d)), end);
    }
    // "a quarter more families … than the 6,300 who used them", "a third fewer".
    if let Some(m) = FRACTION_MORE
        .captures(lower)
        .filter(|m| !states_a_gap(lower, m.get(0).expect("match").start()))
    {
        if let Some(value) = share_in_words(&m[1]) {
            let (unit, dir) = if matches!(&m[2], "more" | "higher" | "greater") {
                ("% increase", Direction::Increase)
            } else {
                ("% reduction", Direction::Decrease)
            };
            let end = m.get(0).expect("match").end();
            push(date_after(end).map(|d| target(value, unit, dir, d)), end);
        }
    }
    if let Some(m) = HALVE.find(lower) {
        push(
            date_after(m.end()).map(|d| target(50.0, "% reduction", Direction::Decrease, d)),
            m.end(),
        );
    }
    if let Some(m) = DOUBLE
        .find(lower)
        .filter(|m| !states_a_gap(lower, m.start()))
    {
        push(
            date_after(m.end()).map(|d| target(100.0, "% increase", Direction::Increase, d)),
            m.end(),
        );
    }
    if let Some(m) = NET_ZERO.find(lower) {
        // One row per date after it: "net zero for the emissions we control by 2040,
        // and for those we can influence by 2045".
        for (p, a) in anchors {
            if let (Anchor::Date(d), true) = (a, *p >= m.end()) {
                push(
                    Some(target(
                        0.0,
                        "tCO2e",
                        Direction::Decrease,
                        dates[*d].value.clone(),
                    )),
                    m.end(),
                );
            }
        }
    }
    // One row per zero and date: "No one will wait longer than 65 weeks by September
    // 2024, and we will eliminate waits of over 52 weeks by March 2025".
    for m in ZERO.captures_iter(lower) {
        let noun = m.name("noun").map_or("", |n| n.as_str());
        if matches!(noun, "of" | "to" | "up" | "in") {
            continue; // "by the end of 2027"
        }
        // "we will have no out-of-area placements by April 2025", not "there will be no
        // change to eligibility in 2025".
        if m.name("none")
            .or(m.name("zeroed"))
            .or(m.name("seen"))
            .is_some_and(|n| NOT_ZEROED.contains(&n.as_str()))
        {
            continue;
        }
        let noun = m
            .name("none")
            .or(m.name("zeroed"))
            .map_or(noun, |n| n.as_str());
        let unit = if lower.contains("deficit") || baseline.is_some_and(|b| b.unit == "£") {
            "£".to_string()
        } else {
            noun.to_string()
        };
        // "… and to end rough sleeping by 2027": a date after the zero in its own
        // clause is its own; else a date just before it ("By March 2025 no patient will
        // wait…, and by March 2026 none will…"); otherwise the next one.
        let at = m.get(0).expect("match").start();
        let zero_end = m.get(0).expect("match").end();
        let own_after = anchors.iter().find_map(|(p, a)| match a {
            Anchor::Date(d) if *p >= zero_end && !sentence[zero_end..*p].contains([',', ';']) => {
                Some(dates[*d].value.clone())
            }
            _ => None,
        });
        let just_before = anchors.iter().rev().find_map(|(p, a)| match a {
            Anchor::Date(d)
                if *p < at
                    && (words(&sentence[*p..at]).len() <= 4
                        || words(&sentence[*p..at]).len() <= 7
                            && opens_clause(sentence, dates[*d].start)) =>
            {
                Some(dates[*d].value.clone())
            }
            _ => None,
        });
        let date = own_after
            .or(just_before)
            .or_else(|| date_after(m.get(0).expect("match").end()))
            .or_else(|| date_after(0));
        push(
            date.map(|d| target(0.0, &unit, Direction::Decrease, d)),
            zero_end,
        );
    }
    out
}

/// Words after "have no" or "be no" that are not something counted down to zero.
pub(super) const NOT_ZEROED: [&str; 28] = [
    "significant",
    "real",
    "major",
    "rise",
    "reduction",
    "increase",
    "cuts",
    "cost",
    "less",
    "worse",
    "option",
    "tolerance",
    "change",
    "changes",
    "charge",
    "need",
    "impact",
    "further",
    "plan",
    "plans",
    "decision",
    "evidence",
    "doubt",
    "difference",
    "longer",
    "more",
    "new",
    "other",
];

pub(super) static NET_ZERO: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\bnet[\s-]zero\b").expect("net zero pattern"));

/// A clause telling what has already happened ("the academy, which opened in 2024
/// with 60 learners", "having fallen to 61.9% during the pandemic"): its numbers are
/// context.
pub(super) static TOLD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:\b(?:which|that|who)\s+(?:[\d,]+\s+\w+\s+)?(?:opened|started|began|was|were|has\s+been|have\s+been|had|used|joined|received|attended|completed|took)|,\s+(?:installed|opened|introduced|launched|established|completed|set\s+up)|\bwhen\s+(?:the|our|a|an)\s+[\w\s]{0,30}?\b(?:found|showed|counted|recorded)|\bhaving\s+(?:fallen|risen|dropped|grown|reached|been|increased|decreased|improved|declined))\b(?:[^,;—–()]|,\d)*")
        .expect("told pattern")
});

/// Words that introduce the means to a target, after which numbers are context.
pub(super) static MEANS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\b(?:using|through|supported\s+by|via|with\s+(?:a|an|the)\b|including|funded\s+by|backed\s+by)")
        .expect("means pattern")
});

/// "with an interim milestone of 9.0 days": a second goal, not a means.
pub(super) static WITH_GOAL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^with\s+(?:a|an|the|our)\s+(?:(?:interim|local|new|stretch|further|second|final|revised|annual|own|first)\s+)?(?:milestone|target|ambition|goal|trajectory|aim)s?\b")
        .expect("with goal pattern")
});

/// Where one commitment ends and the next begins inside a sentence.
pub(super) static CLAUSE_BREAK: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r";|,\s+and\s+|,\s+while\s+").expect("clause break pattern"));

/// "The plan is to reach 80% in 2025/26": a commitment without "will".
pub(super) static PLAN_IS_TO: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\b(?:plan|aim|intention|ambition|goal|expectation)\s+(?:is|was\s+agreed)\s+to\b")
        .expect("plan is to pattern")
});

/// A clause that counts what it had: "which had 2,600 regular walkers".
pub(super) static HAD_COUNT: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(?:which|that|who)\s+had\s+\d").expect("had count pattern"));

/// A clause that says no target is set.
pub(super) static NO_TARGET: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\b(?:not\s+(?:yet\s+)?(?:set|setting|agreed)\s+(?:a\s+|any\s+)?(?:local\s+)?targets?|no\s+(?:local\s+)?target\s+(?:has|have|is|was)\s+(?:yet\s+)?(?:been\s+)?(?:set|agreed)|without\s+(?:setting\s+)?a\s+target)\b")
        .expect("no target pattern")
});

/// Words before "with the" that make it a standard kept, not a means.
pub(super) static STANDARD_KEPT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\b(?:in\s+line|in\s+keeping|in\s+accordance|consistent)\s+$")
        .expect("standard pattern")
});

/// Where a clause of means ends: another commitment joined on ("…, and to train",
/// "; we will").
pub(super) static NEXT_COMMITMENT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r";|,?\s+and\s+(?:to|will|we\s+will|we\s+aim\s+to)\s")
        .expect("next commitment pattern")
});

/// A forecast, not a commitment: "if current trends continue", "is expected to
/// double", "is set to rise", "modelling suggests the list would reach 6,500".
pub(super) static PROJECTION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\b(?:if\s+(?:current\s+)?trends|on\s+current\s+trends|if\s+nothing\s+changes|without\s+(?:further\s+)?(?:action|change)|(?:is|are)\s+(?:not\s+)?(?:expected|set|likely|estimated)\s+(?:almost\s+)?to|\bprojects?\s+that|if\s+(?:efficiency\s+)?schemes\s+deliver|(?:modelling|model|analysis|estimates?)\b[^.;]{0,60}?\b(?:suggests?|shows?|indicates?)|on\s+current\s+plans|will\s+be\s+(?:aged\s+)?over\s+\d+(?:\s+years?\b|\s*[.,;]|\s*$))")
        .expect("projection pattern")
});

/// What would happen, a forecast unless the clause also commits: "the list would
/// reach 6,500 by 2026", not "we will raise uptake to 75%, which would reach …".
pub(super) static CONDITIONAL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\bwould\s+(?:reach|rise|grow|fall|need|require|increase)\b")
        .expect("conditional pattern")
});

pub(super) static FRACTION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\bby\s+(half|a third|one third|two thirds|a quarter|one quarter|a fifth|one fifth|a tenth|one tenth)\b").expect("fraction pattern")
});
pub(super) static FRACTION_MORE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\b((?:a|one|two)\s+(?:thirds?|quarters?|fifths?|tenths?))\s+(more|fewer|less|lower|higher|greater)\b")
        .expect("fraction more pattern")
});
pub(super) static HALVE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\b(?:halve|halved|halving|half\s+as\s+(?:many|much))\b").expect("halve pattern")
});
pub(super) static DOUBLE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\b(?:double|doubled|doubling|twice\s+as\s+(?:many|much))\b")
        .expect("double pattern")
});
pub(super) static ZERO: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?x)\b(?:
            (?:eliminate|eliminating|end|ending)\s+(?:all\s+|new\s+|the\s+)?(?P<noun>[\p{L}-]+)
          | (?:will|shall)\s+be\s+eliminated
          | \bsee\s+no\s+(?P<seen>[\p{L}-]+)
          | return\s+to\s+(?:a\s+)?(?:balanced\s+position|financial\s+balance|break-?even|balance)
          | to\s+zero
          | (?:will|shall|to)\s+(?:have|be)\s+no\s+(?P<none>[\p{L}-]+)
          | (?:will|shall|to)\s+(?:send|have|produce|reach)\s+zero\s+(?P<zeroed>[\p{L}-]+)
          | (?:deficit|gap|waiting\s+list)\s+of\s+zero\b
          | no\s+deficit
          | close\s+(?:the\s+)?[\p{L}'’\s]*?(?:deficit|gap)
          | clear\s+(?:the|our|its|their)\s+backlog
          | clear\s+(?:all|every)\s+(?:the\s+)?(?:waits?|waiting\s+lists?|backlogs?)\b
          | no\s+(?:one|child|children|patient|patients|person|people|family|families|adult|adults|resident|residents|never\s+events|[\p{L}-]+\s+(?:will|takes?|waits?|should|is|are|longer|more|over))
          | none\b
        )",
    )
    .expect("zero pattern")
});
