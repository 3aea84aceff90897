//! The role of each number in its clause: a value to reach, a baseline, or part of
//! what is measured.

use super::*;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Role {
    /// Marked as the value to reach ("to 12%", "by 10%", "at least 60%").
    Target,
    /// Not marked either way: a target unless it reads as the starting point.
    Unmarked,
    Baseline,
    /// Part of what is measured, or not a value at all (ages, durations, page and
    /// phone numbers, codes).
    Skip,
}

pub(super) const TIME_UNITS: [&str; 18] = [
    "second", "seconds", "minute", "minutes", "hour", "hours", "day", "days", "week", "weeks",
    "month", "months", "year", "years", "mile", "miles", "times", "mg",
];

/// Words after which a number is an identifier or part of a definition, not a value.
pub(super) const NOT_VALUES: [&str; 46] = [
    "aged",
    "goal",
    "outcome",
    "theme",
    "pledge",
    "room",
    "type",
    "recommendation",
    "item",
    "option",
    "scope",
    "age",
    "ages",
    "stage",
    "stages",
    "year",
    "category",
    "kpi",
    "priority",
    "table",
    "page",
    "pages",
    "appendix",
    "version",
    "tier",
    "phase",
    "band",
    "chapter",
    "section",
    "per",
    "deprived",
    "our",
    "its",
    "these",
    "bmi",
    "objective",
    "footnote",
    "note",
    "figure",
    "box",
    "annex",
    "paragraph",
    "para",
    "step",
    "wave",
    "cohort",
];

/// Nouns whose sum of money is a budget or a financial position, not a target.
pub(super) const BUDGET_NOUNS: [&str; 26] = [
    "allocation",
    "allocations",
    "budget",
    "budgets",
    "deficit",
    "deficits",
    "surplus",
    "investment",
    "investments",
    "capital",
    "funding",
    "grant",
    "grants",
    "spend",
    "spending",
    "expenditure",
    "income",
    "cost",
    "costs",
    "worth",
    "fund",
    "envelope",
    "overspend",
    "underspend",
    "gap",
    "revenue",
];

/// Words between an investing verb and its sum: "invest a further £2m", "commit at
/// least £400,000".
pub(super) const SUM_FILLERS: [&str; 12] = [
    "a",
    "an",
    "further",
    "additional",
    "extra",
    "another",
    "at",
    "least",
    "around",
    "about",
    "some",
    "over",
];

/// Verbs that put money into the work: the sum after one is a resource (the codebook's
/// `resource` flag), not a target.
pub(super) const INVEST_VERBS: [&str; 20] = [
    "receive",
    "receives",
    "receiving",
    "invest",
    "invests",
    "investing",
    "spend",
    "spends",
    "spending",
    "commit",
    "commits",
    "committing",
    "allocate",
    "allocates",
    "allocating",
    "provide",
    "provides",
    "providing",
    "put",
    "putting",
];

pub(super) fn role_of(
    text: &str,
    n: &Number,
    previous: Option<(Role, &Number, bool)>,
) -> (Role, bool) {
    let raw_before = &text[..n.start];
    let before = words_before(text, n.start, 6);
    let after = words_after(text, n.end, 4);
    let first_after = after.first().map(String::as_str).unwrap_or("");
    let digits = &text[n.start..n.end];

    // Phone numbers and times of day; a service named by its number ("NHS 111").
    if digits.starts_with('0') && digits.len() >= 3 && !digits.starts_with("0.") {
        return (Role::Skip, true);
    }
    if n.unit.is_empty() && before.first().is_some_and(|w| w == "nhs") {
        return (Role::Skip, false);
    }
    // The emergency and advice lines: "lower-acuity 999 calls", "111 calls".
    if n.unit.is_empty()
        && matches!(digits, "999" | "111" | "119")
        && words_after(text, n.end, 1)
            .first()
            .is_some_and(|w| w.starts_with("call") || w == "online" || w == "service")
    {
        return (Role::Skip, false);
    }
    if let Some((Role::Skip, prev, true)) = previous {
        if text[prev.end..n.start].trim().is_empty() {
            return (Role::Skip, true);
        }
    }
    let clock = text[n.end..].starts_with(':')
        && n.unit.is_empty()
        && text[n.end + 1..].starts_with(|c: char| c.is_ascii_digit());
    if matches!(first_after, "am" | "pm") || clock {
        return (Role::Skip, false);
    }
    let rest = &text[n.end..];
    // A compound that names what is measured: "the 18-week standard", "a 12-month
    // programme".
    if n.unit.is_empty()
        && rest.starts_with('-')
        && rest[1..].starts_with(|c: char| c.is_alphabetic())
    {
        return (Role::Skip, false);
    }
    // A day of the month ("on 19 March"), a range that defines who is counted ("0-19
    // service", "aged 25-84"), an age after "over" ("one in four will be over 65").
    let dash = |c: char| c == '-' || c == '–';
    let range_after = rest.starts_with(dash)
        && rest
            .trim_start_matches(dash)
            .starts_with(|c: char| c.is_ascii_digit());
    let range_before = raw_before.ends_with(dash)
        && raw_before
            .trim_end_matches(dash)
            .ends_with(|c: char| c.is_ascii_digit());
    if n.unit.is_empty() && (MONTH_AFTER.is_match(rest) || range_after || range_before) {
        return (Role::Skip, false);
    }
    let noun_after = after.first().is_some_and(|w| {
        w.chars().all(char::is_alphabetic)
            && !TIME_UNITS.contains(&w.as_str())
            && !matches!(w.as_str(), "and" | "by" | "in" | "or")
    });
    if n.unit.is_empty()
        && n.value <= 120.0
        && matches!(before.first().map(String::as_str), Some("over" | "under"))
        && !noun_after
    {
        return (Role::Skip, false);
    }
    // Ages and age bands: "65+", "16–17 year olds", "18-25-year-olds".
    if n.unit.is_empty() && (rest.starts_with('+') || AGE_BAND.is_match(rest)) {
        return (Role::Skip, false);
    }
    // A change restating an absolute target: "2.1 million appointments, a 4% increase on
    // 2023/24".
    if n.unit == "%" && RESTATED.is_match(rest) {
        return (Role::Skip, false);
    }
    // Ranges and alternatives continue a skipped number: "aged 18 to 25", "stage 1 or 2".
    // Not a rate's denominator: in "from 17.9 per 1,000 to 13 per 1,000" the 13 is the
    // value to reach; nor a share after an identifier: "Year 6 to 20%".
    if let Some((Role::Skip, prev, _)) = previous {
        let between = text[prev.end..n.start].trim().to_ascii_lowercase();
        let denominator = words_before(text, prev.start, 1)
            .first()
            .is_some_and(|w| w == "per");
        // "Goal 3 – 10,000 more people active": a dash after a numbered label.
        let label_dash = matches!(between.as_str(), "–" | "-")
            && text[prev.end..n.start].starts_with(' ')
            && words_before(text, prev.start, 1)
                .first()
                .is_some_and(|w| NOT_VALUES.contains(&w.as_str()));
        if !denominator
            && !label_dash
            && (n.unit.is_empty() || n.unit == prev.unit)
            && matches!(between.as_str(), "to" | "or" | "and" | "–" | "-")
        {
            return (Role::Skip, false);
        }
    }
    let near: Vec<&str> = before
        .iter()
        .map(String::as_str)
        .skip_while(|w| HEDGES.contains(w))
        .collect();
    let prev1 = near.first().copied().unwrap_or("");
    let prev2 = near.get(1).copied().unwrap_or("");
    // The size of the whole a commitment covers, or of a group already there, not a
    // value to reach: "all 94 practices", "the county's 16 networks", "a cohort of 340
    // nurses", "covering the 1.4 million people registered", "already reach 40 schools".
    if n.unit.is_empty()
        && (prev1 == "all"
            || (prev1.ends_with("'s") || prev1.ends_with("’s")) && before.len() >= 2
            || (prev1 == "of" && matches!(prev2, "cohort" | "sample" | "population"))
            || (prev1 == "the" && matches!(prev2, "covering" | "serving"))
            || before.iter().take(3).any(|w| w == "already"))
    {
        return (Role::Skip, false);
    }
    // "Year 6" is a school year; "in the same year 85%" is a value.
    let school_year = prev1 == "year" && raw_before.trim_end().ends_with("Year");
    if (NOT_VALUES.contains(&prev1) && (prev1 != "year" || school_year))
        || (prev1 == "of" && matches!(prev2, "our" | "score" | "bmi"))
        // "8 out of 10" (not "carry out 90% of scans").
        || (prev1 == "of" && prev2 == "out")
        || matches!(first_after, "and" | "or")
            && matches!(
                after.get(1).map(String::as_str),
                Some("over" | "above" | "under")
            )
        || matches!(first_after, "most" | "year" | "times" | "mg")
        || (first_after == "to" && after.get(2).is_some_and(|w| w.starts_with("year")))
        || after
            .iter()
            .take(2)
            .any(|w| w == "later" || w.starts_with("year-old"))
        || raw_before.ends_with('#')
    {
        return (Role::Skip, false);
    }
    // A limit to bring something down to is a value: "to within 8 years", "to no more
    // than 7 years", "to under 450", "to fewer than 110".
    let limit_to = matches!(
        near.as_slice(),
        ["within" | "under" | "below", "to", ..]
            | ["than", "more" | "less" | "fewer", "to", ..]
            | ["than", "more" | "less" | "fewer", "no", "to", ..]
    );
    if limit_to {
        return (Role::Target, false);
    }
    // A page's number ("Page 37 of 112"), and service hours ("7 days a week", "24
    // hours a day").
    if (prev1 == "of" && before.get(2).is_some_and(|w| w == "page"))
        || (TIME_UNITS.contains(&first_after)
            && matches!(after.get(1).map(String::as_str), Some("a" | "per"))
            && after
                .get(2)
                .is_some_and(|w| TIME_UNITS.contains(&w.as_str())))
    {
        return (Role::Skip, false);
    }
    // "in its first 12 months", "over the next 18 months": a span, not a value.
    if matches!(prev1, "first" | "next" | "last" | "past" | "coming")
        && TIME_UNITS.contains(&first_after)
    {
        return (Role::Skip, false);
    }
    // "between 70% and 75%": the first end of the range is the value to reach.
    if let Some((Role::Target, prev, _)) = previous {
        let between = text[prev.end..n.start].trim().to_ascii_lowercase();
        if between == "and"
            && words_before(text, prev.start, 1)
                .first()
                .is_some_and(|w| w == "between")
        {
            return (Role::Skip, false);
        }
    }
    // "breastfeeding at 8 weeks" is a point in time, "hold waits at 18 weeks" a value.
    let at_point = prev1 == "at" && !matches!(prev2, "hold" | "keep" | "maintain" | "remain");
    if (matches!(
        prev1,
        "within" | "than" | "over" | "after" | "under" | "longer" | "least" | "before" | "for"
    ) || prev1 == "more" && prev2 == "no"
        || at_point)
        && TIME_UNITS.contains(&first_after)
    {
        return (Role::Skip, false);
    }
    // "91 days after discharge", "12 weeks later": part of what is measured.
    if TIME_UNITS.contains(&first_after)
        && matches!(
            after.get(1).map(String::as_str),
            Some("after" | "later" | "of" | "from")
        )
    {
        return (Role::Skip, false);
    }
    if prev1 == "under"
        && n.unit.is_empty()
        && !TIME_UNITS.contains(&first_after)
        && after.len() < 2
    {
        return (Role::Skip, false);
    }
    if prev1 == "under"
        && n.unit.is_empty()
        && matches!(first_after, "by" | "in" | "and" | "to" | "")
    {
        return (Role::Skip, false);
    }

    // A sum that a budget noun owns is a budget, reported as context, not a target: "an
    // allocation of around 7.9 billion pounds", "a planned deficit of £18 million",
    // "capital investment of £62 million in 2024/25". A change to one still is one:
    // "reduce the deficit to £10m by 2026" (`to` decides it below).
    let money = n.unit == "£" || first_after == "pounds";
    if money
        && matches!(
            prev1,
            "of" | "is" | "was" | "be" | "at" | "totals" | "totalling"
        )
        && BUDGET_NOUNS.contains(&prev2)
    {
        return (Role::Skip, false);
    }
    // A sum the plan puts into the work is a resource, not a target on an indicator:
    // "we will invest £2.5m", "spend a further 2 million pounds", "commit at least
    // £400,000". The verb is the first word before the sum that is not a filler.
    let verb = near
        .iter()
        .copied()
        .find(|w| !SUM_FILLERS.contains(w))
        .unwrap_or("");
    if money && INVEST_VERBS.contains(&verb) {
        return (Role::Skip, false);
    }
    // Part of a sum put into the work: "a further £3.5m, including £600,000 for two
    // mobile scanners"; a sum that pays for it: "backed by a £12m grant".
    if n.unit == "£"
        && (matches!(prev1, "including" | "includes")
            || matches!(
                first_after,
                "grant"
                    | "fund"
                    | "funding"
                    | "budget"
                    | "allocation"
                    | "investment"
                    | "contribution"
            ))
    {
        return (Role::Skip, false);
    }
    // The means, told just before the number: "supported by the 16 crisis beds".
    let lower_before = raw_before.to_ascii_lowercase();
    if ["supported by", "funded by", "backed by", "using", "via"]
        .iter()
        .filter_map(|m| {
            lower_before
                .match_indices(m)
                .filter(|(i, _)| !lower_before[..*i].ends_with(|c: char| c.is_alphanumeric()))
                .last()
                .map(|(i, _)| i + m.len())
        })
        .max()
        .is_some_and(|end| words(&raw_before[end..]).len() <= 2)
    {
        return (Role::Skip, false);
    }
    // A count that did something already: "than the 6,300 who used them in 2023/24".
    if matches!(first_after, "who" | "which" | "that")
        && after.get(1).is_some_and(|w| {
            matches!(
                w.as_str(),
                "used" | "joined" | "received" | "attended" | "completed" | "took"
            )
        })
    {
        return (Role::Skip, false);
    }
    // A sum inside a name: "the £14m Tarnside Health Hub".
    if n.unit == "£"
        && matches!(prev1, "the" | "a" | "our" | "its" | "new")
        && text[n.end..]
            .trim_start()
            .starts_with(|c: char| c.is_uppercase())
    {
        return (Role::Skip, false);
    }
    // A restatement: "£48.5m, equivalent to 4.1% of our allocation".
    if prev1 == "to" && matches!(prev2, "equivalent" | "equal" | "equates") {
        return (Role::Skip, false);
    }
    // "the council's target is 85%", "our ambition is 70%", and with the goal named
    // further back: "the local ambition set in our joint forward plan is 85%", "the
    // target for 2025/26 is 80%".
    if matches!(prev1, "is" | "of" | "be") && GOAL_WORDS.contains(&prev2)
        || matches!(prev1, "is" | "be") && goal_before_is(text, n.start)
    {
        return (Role::Target, false);
    }
    // "…to 70% by 2028/29, closing a third of the gap": the same change, told again.
    if matches!(prev1, "closing" | "narrowing" | "close" | "narrow") && n.unit == "%" {
        return (Role::Skip, false);
    }
    // "vacancy rate 7% (8.4%)": the bracketed share after a share is where it stands.
    if let Some((_, prev, _)) = previous {
        if text[prev.end..n.start].trim() == "(" && !n.unit.is_empty() && n.unit == prev.unit {
            return (Role::Baseline, false);
        }
    }
    // A sum that describes a thing ("a £9m urgent treatment centre will open") is
    // context; a sum to save or to reach ("a £2m saving by 2026") is not.
    if n.unit == "£"
        && matches!(prev1, "a" | "an")
        && text[n.end..]
            .trim_start()
            .starts_with(|c: char| c.is_lowercase())
        && !after.iter().take(3).any(|w| {
            matches!(
                w.as_str(),
                "saving"
                    | "savings"
                    | "reduction"
                    | "cut"
                    | "increase"
                    | "surplus"
                    | "underspend"
                    | "efficiency"
                    | "improvement"
                    | "rise"
                    | "fall"
                    | "a"
                    | "per"
                    | "each"
                    | "every"
            )
        })
    {
        return (Role::Skip, false);
    }
    // The starting point.
    // "from a count of 44 people", "beat last year's uptake of 43%".
    if STARTING_FIGURE.is_match(&raw_before.to_ascii_lowercase()) {
        return (Role::Baseline, false);
    }
    // "(64% in 2024)" after a goal: where it stands, in brackets with its year.
    if raw_before.trim_end().ends_with('(') && BRACKETED_YEAR.is_match(&text[n.end..]) {
        return (Role::Baseline, false);
    }
    let baseline_words = [
        "from",
        "currently",
        "compared",
        "against",
        "baseline",
        "was",
        "were",
        "is",
        "stands",
        "stood",
        "today",
    ];
    // "fewer … than the 31% recorded in 2022" compares with a figure that stands;
    // "no more than 52" sets a limit.
    if baseline_words.contains(&prev1)
        || (prev1 == "with" && prev2 == "compared")
        || (prev1 == "the"
            && prev2 == "than"
            && compared_in_words(raw_before))
        // "the current four in ten", not "maintain the current 95%".
        || (prev1 == "current"
            && !before.iter().take(4).any(|w| {
                matches!(w.as_str(), "maintain" | "keep" | "sustain" | "hold" | "protect")
            }))
        || (prev1 == "of" && matches!(prev2, "baseline" | "level"))
        || (prev1 == ":"
            && before
                .iter()
                .skip(1)
                .take(3)
                .any(|w| w == "baseline" || w == "("))
        || matches!(first_after, "today" | "now" | "currently")
        || after.starts_with(&["at".to_string(), "the".to_string(), "start".to_string()])
        || (prev1 == ":" && raw_before.trim_end().ends_with(':') && paren_open(raw_before))
    {
        return (Role::Baseline, false);
    }
    // The value to reach, or the change to make.
    let target_words = [
        "to", "below", "above", "reach", "reaches", "than", "least", "by", "for", "ensure",
        "expect", "want", "see", "deliver", "achieve", "of", "a", "under", "zero", "between",
    ];
    // "a 30% reduction" marks a change; "apply a 10% weighting" does not.
    let change_noun = matches!(
        first_after,
        "reduction" | "cut" | "increase" | "rise" | "fall" | "decrease" | "drop"
    );
    if target_words.contains(&prev1) && (prev1 != "a" || change_noun) {
        return (Role::Target, false);
    }
    (Role::Unmarked, false)
}

/// Whether an opening bracket before `text`'s end is still open: "(2023: 1,850".
pub(super) fn paren_open(text: &str) -> bool {
    text.rfind('(').is_some_and(|i| !text[i..].contains(')'))
}

/// A figure given as where things stand, just before a number: "from a count of",
/// "from a baseline of", "last year's uptake of".
pub(super) static STARTING_FIGURE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:\bbacklog\s+of|\bfrom\s+(?:a|an|the)\s+(?:count|baseline|total|level|rate|figure|peak|high|low)\s+of|\blast\s+(?:year|winter|summer|season)(?:'s|’s)\s+[^.;,]{0,40}?\bof)\s+(?:about\s+|around\s+)?$")
        .expect("starting figure pattern")
});

/// What follows a bracketed figure that gives its own year: " in 2024)", " for
/// 2023/24)".
pub(super) static BRACKETED_YEAR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^\s*(?:of\s+[^()]{0,40}?\s+)?(?:in|for|at|as\s+at)\s+[^()]{0,20}?(?:19|20)\d{2}(?:/\d{2})?\s*\)",
    )
    .expect("bracketed year pattern")
});

/// A comparison in words earlier in the clause, before "than the …": "a quarter more
/// families … than the", "twice as many … than the".
pub(super) fn compared_in_words(before: &str) -> bool {
    let lower = before.to_ascii_lowercase();
    let clause = lower.rsplit(['.', ';']).next().unwrap_or("");
    FRACTION_MORE.is_match(clause) || AS_MANY.is_match(clause)
}

pub(super) static AS_MANY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\b(?:twice|half)\s+as\s+(?:many|much)\b").expect("as many pattern")
});

const GOAL_WORDS: [&str; 6] = [
    "target",
    "ambition",
    "aim",
    "goal",
    "trajectory",
    "milestone",
];

/// A goal word a few words before "is" that heads the clause's subject, with a
/// qualifier between ("the local ambition set in our plan is", "our goal for the next
/// five years is"). The subject opens the clause and the qualifier starts with a
/// participle or a preposition, so "performance against the target in 2024/25 is" and
/// "the target group in 2025/26 is" are statistics, and the qualifier stops at a verb,
/// a conjunction or a bracket ("people who met the target is").
fn goal_before_is(text: &str, at: usize) -> bool {
    let found: Vec<(usize, String)> = WORD
        .find_iter(&text[..at])
        .map(|m| (m.start(), m.as_str().to_ascii_lowercase()))
        .collect();
    // The words before "is", nearest first, up to a stop.
    let Some(last) = found.len().checked_sub(1) else {
        return false;
    };
    let Some(goal) = (last.saturating_sub(12)..last)
        .rev()
        .take_while(|&k| !QUALIFIER_STOPS.contains(&found[k].1.as_str()))
        .find(|&k| GOAL_WORDS.contains(&found[k].1.as_str()))
    else {
        return false;
    };
    // "ambition set in …", "goal for …", not "target group", "target areas".
    if goal + 1 < last && !QUALIFIER_STARTS.contains(&found[goal + 1].1.as_str()) {
        return false;
    }
    // "The local ambition", "and the recovery trajectory": the subject opens the clause,
    // with at most three words before the goal word and no preposition among them.
    let mut first = goal;
    while first > 0
        && goal - first < 3
        && !SUBJECT_STOPS.contains(&found[first - 1].1.as_str())
        && found[first - 1].1.chars().all(char::is_alphabetic)
    {
        first -= 1;
    }
    let before = text[..found[first].0].trim_end();
    let lower = before.to_ascii_lowercase();
    before.is_empty()
        || before.ends_with([',', ';', ':', '(', '.', '\n'])
        || [" and", " but", " while"]
            .iter()
            .any(|w| lower.ends_with(w))
}

const QUALIFIER_STOPS: [&str; 18] = [
    "is", "was", "were", "are", "has", "have", "had", "will", "and", "that", "which", "who",
    "than", "meeting", "met", "against", "(", ")",
];
const QUALIFIER_STARTS: [&str; 14] = [
    "set", "agreed", "signed", "adopted", "in", "for", "of", "from", "within", "under", "at", "by",
    "we", "to",
];
/// Words that end the words in front of a subject: "performance against the target".
const SUBJECT_STOPS: [&str; 20] = [
    "against", "of", "within", "under", "for", "on", "in", "at", "to", "from", "with", "by",
    "among", "meeting", "met", "is", "was", "are", "were", "than",
];
