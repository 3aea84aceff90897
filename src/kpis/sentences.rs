//! The targets of one clause: its values, their roles and the date each is to be met by.

use super::*;

#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Anchor {
    /// A date a target is to be met by.
    Date(usize),
    /// "over the same period": the date before.
    Same,
}

/// `carried`: the date of the last target in the sentences before, for "we aim for
/// 17% over the same period" in a sentence of its own.
pub(super) fn sentence_targets(sentence: &str, carried: Option<&str>) -> Vec<Target> {
    let lower = sentence.to_ascii_lowercase();
    let all_words = words(sentence);
    if all_words.is_empty() || is_past(&all_words) {
        return Vec::new();
    }
    if [
        "projected",
        "forecast",
        "forecasts",
        "assumes",
        "assumption",
        "predicted",
        "projection",
        "projections",
    ]
    .iter()
    .any(|w| contains_word(&lower, w))
        || PROJECTION.is_match(&lower)
        || CONDITIONAL.is_match(&lower) && !has_any(&all_words, &["will", "shall"])
    {
        return Vec::new();
    }
    if reports_national(sentence) {
        return Vec::new();
    }
    // "… to 62% by 2028, compared with the national ambition of 75% by 2028": the
    // local target stands; the national figure it is set beside is left out, and what
    // follows the comparison is read on.
    if let Some(local) = without_national_comparison(sentence) {
        return sentence_targets(&local, carried);
    }
    // A measure tracked without a target: "we will track loneliness (7.8% in the 2023
    // survey) but have not set a target for it".
    if NO_TARGET.is_match(&lower) && !BY_DATE.is_match(sentence) {
        return Vec::new();
    }
    // What might be done, not what will: "subject to funding we could open …", "we
    // would like to see …".
    if HEDGED.is_match(&lower) && !has_any(&all_words, &["will", "shall"]) {
        return Vec::new();
    }

    let date_list = dates(sentence);
    let mut numbers: Vec<Number> = numbers(sentence)
        .into_iter()
        .filter(|n| !date_list.iter().any(|d| n.start < d.end && d.start < n.end))
        .collect();
    numbers.sort_by_key(|n| n.start);
    let numbers = join_ratios(sentence, numbers);

    // What has already happened, told in a clause inside a commitment ("the academy,
    // which opened in September 2024 with 60 learners, …"): its numbers are context.
    let told: Vec<(usize, usize)> = TOLD
        .find_iter(&lower)
        .map(|m| (m.start(), m.end()))
        .collect();
    // Roles.
    let mut roles: Vec<Role> = Vec::with_capacity(numbers.len());
    let mut phone = Vec::with_capacity(numbers.len());
    for (i, n) in numbers.iter().enumerate() {
        let previous = i.checked_sub(1).map(|j| (roles[j], &numbers[j], phone[j]));
        let (role, is_phone) = if told.iter().any(|(a, b)| n.start >= *a && n.end <= *b) {
            (Role::Skip, false)
        } else {
            role_of(sentence, n, previous)
        };
        roles.push(role);
        phone.push(is_phone);
    }

    // Date anchors, and baseline years.
    let mut anchors: Vec<(usize, Anchor)> = Vec::new(); // (byte position, anchor)
    let mut attached: Vec<Option<usize>> = vec![None; numbers.len()]; // date index per number
    let mut baseline_year: Option<String> = None;
    let mut strong = false;
    for (di, d) in date_list.iter().enumerate() {
        // A year inside what has already happened ("which 1,830 people joined in
        // 2023/24") dates nothing.
        // ("who were sleeping rough … by 2026" is a state, not an event: its year
        // still counts.)
        // A clause that counts what it had ("which had 2,600 walkers in 2023") tells
        // an event all the same.
        let in_event = told.iter().any(|(a, b)| {
            let span = &lower[*a..*b];
            d.start >= *a
                && d.end <= *b
                && (!words(span)
                    .iter()
                    .take(2)
                    .any(|w| matches!(w.as_str(), "was" | "were" | "been" | "had"))
                    || HAD_COUNT.is_match(span))
        });
        if in_event {
            continue;
        }
        let before = words_before(sentence, d.start, 4);
        // A day is a meeting or an event ("on 12 December 2024"), unless it is a
        // deadline ("by 31 January 2025").
        if d.day
            && !matches!(
                before.first().map(String::as_str),
                Some("by" | "before" | "from")
            )
        {
            continue;
        }
        let b: Vec<&str> = before.iter().map(String::as_str).collect();
        let after = words_after(sentence, d.end, 2);
        let a1 = after.first().map(String::as_str).unwrap_or("");
        // The nearest number before the date, passing over ages and identifiers ("62%
        // of eligible 40 to 74 year olds offered a check in 2025/26" glues 62%, not
        // 74); a sum, even one that is context, keeps its year ("a deficit of £238m in
        // 2023/24").
        let prev_number = numbers
            .iter()
            .enumerate()
            .rev()
            .find(|(i, n)| n.end <= d.start && (roles[*i] != Role::Skip || !n.unit.is_empty()));
        let glued = prev_number.is_some_and(|(_, n)| {
            let gap = sentence[n.end..d.start].to_ascii_lowercase();
            let gap = gap.trim();
            gap.len() <= 48
                && (gap.ends_with(" in") || gap == "in" || gap == "for")
                && !gap.contains(" by ")
                && !gap.contains(" to ")
                // "900 bed days in 2025/26 and none in 2026/27": a year between
                // belongs to the number.
                && dates(gap).is_empty()
        });
        // A year of the last century is a baseline or history ("homes built before
        // 1919"), never the date of a target.
        if year_of(&d.value).starts_with("19") {
            continue;
        }
        if a1 == "onwards" {
            strong = true;
            anchors.push((d.start, Anchor::Date(di)));
            continue;
        }
        match b.as_slice() {
            ["by", ..] | ["before", ..] => {
                strong = true;
                anchors.push((d.start, Anchor::Date(di)));
            }
            [w, "by", ..] | [w, "of", "end", "by", ..] | [w, "the", "by", ..]
                if matches!(
                    *w,
                    "winter"
                        | "summer"
                        | "spring"
                        | "autumn"
                        | "end"
                        | "the"
                        | "of"
                        | "close"
                        | "q1"
                        | "q2"
                        | "q3"
                        | "q4"
                        | "quarter"
                ) =>
            {
                strong = true;
                anchors.push((d.start, Anchor::Date(di)));
            }
            // "at or above 80% in every month of 2025/26".
            ["of", "month" | "quarter" | "week", "every" | "each", ..] => {
                anchors.push((d.start, Anchor::Date(di)));
            }
            ["of", "end", "the", "by", ..]
            | ["of", "end", "by", ..]
            | ["year", "of", "end", ..]
            | ["year", "the", "of", "end", ..] => {
                strong = true;
                anchors.push((d.start, Anchor::Date(di)));
            }
            // "from October 2024 at least 85% …": a standard that starts in a month. A
            // year after "from" is a baseline ("by 20% from 2019/20"), and a month
            // before a count or a sum starts a service ("59 services from April 2025").
            // So does a share with its first year and nothing after ("97% from
            // 2025/26" in a KPI list, "at 95% from 2026/27"), where a change from a
            // year ("by 20% from 2019/20", "down 12% from 2022/23") counts from it.
            ["from", ..]
                if is_month(&d.value)
                    && (after.get(1).is_some_and(|a2| {
                        matches!((a1, a2.as_str()), ("at", "least") | ("no", _))
                    }) || (a1.is_empty()
                        && numbers.iter().any(|n| n.unit == "%" && n.end <= d.start)))
                    || a1.is_empty()
                        && !has_any(&all_words, &CHANGE_WORDS)
                        && prev_number.is_some_and(|(ni, n)| {
                            n.unit == "%"
                                && roles[ni] != Role::Baseline
                                && sentence[n.end..d.start].trim() == "from"
                                && (cell_start(sentence, n.start)
                                    || words_before(sentence, n.start, 1).first().is_none_or(|w| {
                                        matches!(w.as_str(), "at" | "be" | "is" | "to" | "least")
                                    }))
                        }) =>
            {
                strong = true;
                anchors.push((d.start, Anchor::Date(di)));
            }
            ["in", ..] | ["for", ..] if glued => {
                let (ni, _) = prev_number.expect("glued to a number");
                attached[ni] = Some(di);
            }
            ["(", ..] | [":", "(", ..] | ["baseline", "(", ..]
                if prev_number.is_some_and(|(ni, n)| {
                    roles[ni] == Role::Baseline && sentence[n.end..d.start].trim() == "("
                }) =>
            {
                baseline_year = Some(d.value.clone());
            }
            ["(", ..] => {
                // "(2023: 1,850)" or "(2022/23 baseline: 87%)".
                baseline_year = Some(d.value.clone());
            }
            ["against", ..]
            | ["a", "against", ..]
            | ["the", "against", ..]
            | ["with", "compared", ..]
            | ["from", ..] => {
                baseline_year = Some(d.value.clone());
            }
            // "for 2024 to 2034", "from 2023/24 to 2027/28": the period a document
            // covers. A run of months ("from December 2024 to March 2025") is the time a
            // standard is held, met by its end.
            ["to", ..]
                if di > 0
                    && words(&sentence[date_list[di - 1].end..d.start]).len() <= 1
                    && !(is_month(&d.value)
                        && is_month(&date_list[di - 1].value)
                        && numbers.iter().any(|n| n.end <= date_list[di - 1].start)) => {}
            ["to", ..] | ["through", ..] | ["until", ..] | ["across", ..] | ["throughout", ..] => {
                anchors.push((d.start, Anchor::Date(di)));
            }
            // "between 2024 and 2029": by the end of the range.
            ["and", _, "between", ..] | ["and", _, _, "between", ..] => {
                anchors.push((d.start, Anchor::Date(di)))
            }
            // "in 2024/25", "in winter 2024/25", not opening the sentence ("In 2022, 19%
            // of adults smoked" is context).
            // "than in 2023/24" compares; it sets no date.
            ["in", "than", ..] | ["in", "as", ..] => {}
            // "in the autumn 2025 campaign": the round of a programme a value is to be
            // reached in. (Not "in the 2021 Census" or "in the 2024 survey", which name
            // a source.)
            ["in", ..]
            | ["winter" | "summer" | "spring" | "autumn" | "year", "in", ..]
            | ["winter" | "summer" | "spring" | "autumn", "the", "in", ..]
                if words_before(sentence, d.start, 8).len() > 2 =>
            {
                anchors.push((d.start, Anchor::Date(di)));
            }
            _ => {}
        }
    }
    for phrase in [
        "over the same period",
        "in the same period",
        "over the same time",
        "that level",
        "this level",
        "in the same year",
        "over the same years",
        "by the same date",
        "by that date",
        "by the same time",
        "by then",
    ] {
        for (i, _) in lower.match_indices(phrase) {
            anchors.push((i, Anchor::Same));
        }
    }
    anchors.sort_by_key(|a| a.0);

    let cue = strong
        || has_any(&all_words, &CUES)
        || PLAN_IS_TO.is_match(&lower)
        || first_verb(&all_words).is_some_and(|w| IMPERATIVES.contains(&w));
    if !cue || (anchors.is_empty() && attached.iter().all(Option::is_none)) {
        return Vec::new();
    }

    // Unmarked numbers before an explicit target, glued to their own year, are the
    // starting point ("£2.4m in 2023/24, rising to £3.5m by 2026/27").
    // A later target in another unit is a second target, not the end of this one
    // ("18,400 people … in 2025/26, and at least 48% of them …").
    for i in 0..numbers.len() {
        // "212 GWh in 2022/23, is to fall by 15%": a change of it is one too.
        let same_unit_target_later = (i + 1..numbers.len()).any(|j| {
            roles[j] == Role::Target
                && (numbers[j].unit == numbers[i].unit
                    || numbers[j].unit == "%"
                        && words_before(sentence, numbers[j].start, 1)
                            .first()
                            .is_some_and(|w| w == "by"))
        });
        if roles[i] == Role::Unmarked && attached[i].is_some() && same_unit_target_later {
            roles[i] = Role::Baseline;
        }
    }
    // "cut the rate by 10%, from 12.4 to 11.2": the change restates the end value.
    // Within one clause: "reduce X by 30% by 2028, and cut Y from 40% to 20%" is two.
    let clause: Vec<usize> = numbers
        .iter()
        .map(|n| CLAUSE_BREAK.find_iter(&lower[..n.start]).count())
        .collect();
    let has_in_clause = |c: usize, wanted: &dyn Fn(usize) -> bool| {
        (0..numbers.len()).any(|j| clause[j] == c && wanted(j))
    };
    let from_to: Vec<bool> = clause
        .iter()
        .map(|&c| {
            has_in_clause(c, &|j| {
                roles[j] == Role::Target
                    && words_before(sentence, numbers[j].start, 1)
                        .first()
                        .is_some_and(|w| w == "to")
            }) && has_in_clause(c, &|j| roles[j] == Role::Baseline)
        })
        .collect();
    for (i, n) in numbers.iter().enumerate() {
        if !from_to[i] {
            continue;
        }
        let by = words_before(sentence, n.start, 1)
            .first()
            .is_some_and(|w| w == "by");
        // "a 10% reduction …, taking the number from around 700 to 630".
        let change = words_after(sentence, n.end, 1).first().is_some_and(|w| {
            matches!(
                w.as_str(),
                "reduction" | "cut" | "increase" | "rise" | "fall"
            )
        });
        if roles[i] == Role::Target && (by || change) && n.unit == "%" {
            roles[i] = Role::Skip;
        }
    }
    // "rise by 3 percentage points each year, from 41% … to 53% by 2028/29": the
    // yearly step of a change whose start and end are given in the same clause is how
    // it gets there (a level held each year, "at or above 67% each year", is a target
    // of its own, and so is a step beside another measure's end).
    for (i, n) in numbers.iter().enumerate() {
        let step = match words_after(sentence, n.end, 3).as_slice() {
            [a, b, ..] if matches!(a.as_str(), "each" | "a" | "per" | "every") => {
                matches!(b.as_str(), "year" | "month" | "quarter")
            }
            [a, ..] => a == "annually",
            _ => false,
        };
        let by = words_before(sentence, n.start, 1)
            .first()
            .is_some_and(|w| w == "by");
        if from_to[i] && step && by && roles[i] == Role::Target {
            roles[i] = Role::Skip;
        }
    }
    // Where a clause marks its target ("to 24%", "by 25%"), the numbers around it that
    // nothing marks are context ("through 64 nurseries", "23 sports clubs"), unless a
    // date follows them closely ("78% by March 2025"); and what comes after a word of
    // means ("using", "through", "supported by") is how, not what.
    if let Some(first) = roles.iter().position(|r| *r == Role::Target) {
        // "in line with the strategy" is a standard kept, not a means; the means run
        // to the end of their clause ("…, and to train 5,000 workers by 2026").
        let means_at = MEANS
            .find_iter(&lower[numbers[first].end..])
            .map(|m| numbers[first].end + m.start())
            .find(|&at| !STANDARD_KEPT.is_match(&lower[..at]) && !WITH_GOAL.is_match(&lower[at..]))
            .unwrap_or(usize::MAX);
        let means_end = (means_at < lower.len())
            .then(|| NEXT_COMMITMENT.find_at(&lower, means_at))
            .flatten()
            .map_or(usize::MAX, |m| m.start());
        for i in 0..numbers.len() {
            let n = &numbers[i];
            if matches!(roles[i], Role::Target | Role::Unmarked)
                && n.start > means_at
                && n.start < means_end
            {
                roles[i] = Role::Skip;
            } else if roles[i] == Role::Unmarked
                && attached[i].is_none()
                && !contains_word(&lower, "respectively")
            {
                // Kept when a date anchor is its own: the next anchor comes before the
                // next number, or the last anchor came just before it ("By March 2026,
                // 75% …", "in the same year 85% …").
                let live = |j: &usize| matches!(roles[*j], Role::Target | Role::Unmarked);
                let next_number = (i + 1..numbers.len())
                    .find(live)
                    .map_or(usize::MAX, |j| numbers[j].start);
                let previous_number = (0..i).rev().find(live).map_or(0, |j| numbers[j].end);
                let own_after = anchors.iter().any(|(p, _)| *p >= n.end && *p < next_number);
                let own_before = anchors.iter().any(|(p, _)| {
                    *p < n.start
                        && *p >= previous_number
                        && words(&sentence[*p..n.start]).len() <= 4
                });
                if !own_after && !own_before {
                    roles[i] = Role::Skip;
                }
            }
        }
    }
    let baseline = numbers
        .iter()
        .zip(&roles)
        .find(|(_, r)| **r == Role::Baseline)
        .map(|(n, _)| n.clone());
    if baseline_year.is_none() {
        if let Some(bi) = roles.iter().position(|r| *r == Role::Baseline) {
            baseline_year = attached[bi].map(|d| date_list[d].value.clone());
        }
    }

    // Targets with their dates.
    let mut found: Vec<(Number, String, usize)> = Vec::new(); // (value, date, position)
    let mut last_date: Option<String> = None;
    let has_same = anchors.iter().any(|(_, a)| *a == Anchor::Same);
    for (i, n) in numbers.iter().enumerate() {
        if !matches!(roles[i], Role::Target | Role::Unmarked) {
            continue;
        }
        // The next anchor belongs to a later target when one stands between: "By
        // March 2026, 75% …, rising to 80% by March 2027" (75% takes March 2026).
        let next_target = numbers[i + 1..]
            .iter()
            .zip(&roles[i + 1..])
            .find(|(_, r)| matches!(r, Role::Target | Role::Unmarked))
            .map(|(m, _)| m.start);
        let next_anchor = anchors.iter().find(|(p, _)| *p >= n.end).map(|(p, _)| *p);
        let earlier = anchors.iter().rev().find_map(|(p, a)| match a {
            Anchor::Date(d) if *p < n.start && !attached.contains(&Some(*d)) => Some(*d),
            _ => None,
        });
        let owned_by_later = matches!((next_target, next_anchor), (Some(t), Some(a)) if t < a);
        // A deadline that opens the clause just before the number is its own: "By 2027
        // at least 90% of the fleet …, and all new cars … from April 2025".
        let leading = anchors.iter().rev().find_map(|(p, a)| match a {
            Anchor::Date(d)
                if *p < n.start
                    && !attached.contains(&Some(*d))
                    && words(&sentence[*p..n.start]).len() <= 4
                    && opens_clause(sentence, date_list[*d].start) =>
            {
                Some(*d)
            }
            _ => None,
        });
        let date = match attached[i] {
            Some(d) => Some(date_list[d].value.clone()),
            None if leading.is_some() => leading.map(|d| date_list[d].value.clone()),
            None if owned_by_later && earlier.is_some() => {
                Some(date_list[earlier.expect("checked")].value.clone())
            }
            None => resolve(&anchors, &date_list, n.end, last_date.as_deref(), &attached)
                .or_else(|| carried.filter(|_| has_same).map(str::to_string))
                // "… in 2025/26, and at least 48% of them …": the year of the target
                // before it.
                .or_else(|| {
                    (0..i)
                        .rev()
                        .find(|j| matches!(roles[*j], Role::Target | Role::Unmarked))
                        .and_then(|j| attached[j])
                        .map(|d| date_list[d].value.clone())
                }),
        };
        if let Some(date) = date {
            last_date = Some(date.clone());
            found.push((n.clone(), date, n.start));
        }
    }

    let mut out: Vec<Target> = Vec::new();
    let mut previous_end = 0;
    for (n, date, at) in &found {
        let local_end = (*at + 1).max(n.end);
        let from = boundary(&lower, previous_end.min(local_end));
        let to = boundary(&lower, local_end + 24);
        let window = &lower[from..to.max(from)];
        let direction = direction_in(window)
            .or_else(|| direction_in(&lower))
            .or_else(|| {
                baseline.as_ref().map(|b| {
                    if n.value < b.value {
                        Direction::Decrease
                    } else {
                        Direction::Increase
                    }
                })
            });
        let unit = unit_of(sentence, n, direction);
        let is_baseline_unit = baseline.as_ref().is_some_and(|b| {
            b.unit == n.unit || (n.unit.contains('%') && b.unit == "%") || b.unit.is_empty()
        });
        out.push(Target {
            indicator: indicator(sentence),
            baseline_value: baseline
                .as_ref()
                .filter(|_| is_baseline_unit)
                .map(|b| b.value),
            baseline_year: baseline_year.clone(),
            target_value: n.value,
            unit,
            target_date: date.clone(),
            direction: direction.unwrap_or(Direction::Increase),
            sentence: sentence.to_string(),
        });
        previous_end = n.end;
    }
    // Targets in a row without a verb of direction move the way their values do
    // ("30 minutes across 2024/25, improving to 18 minutes by 2028/29").
    if direction_in(&lower).is_none() && baseline.is_none() && out.len() >= 2 {
        let falling = out
            .windows(2)
            .all(|w| w[1].target_value < w[0].target_value);
        if falling {
            for t in &mut out {
                t.direction = Direction::Decrease;
            }
        }
    }
    // "hold it at or below that level through 2025/26": the last value again.
    for (pos, anchor) in &anchors {
        if *anchor == Anchor::Same
            && (lower[*pos..].starts_with("that level") || lower[*pos..].starts_with("this level"))
        {
            if let (Some(last), Some(date)) = (
                out.last().cloned(),
                anchor_date_after(&anchors, &date_list, *pos),
            ) {
                if date != last.target_date {
                    out.push(Target {
                        target_date: date,
                        direction: Direction::Maintain,
                        ..last
                    });
                }
            }
        }
    }
    // A target in words: "halve", "by a third", "eliminate", "no one will wait",
    // "net zero". Beside numbers it adds only a zero with a date of its own ("cut by 80%
    // by 2032 and reach net zero by 2040"); "halve it, to 7,000" restates a number.
    let words_said = word_targets(
        sentence,
        &lower,
        &anchors,
        &date_list,
        baseline.as_ref(),
        baseline_year,
    );
    if out.is_empty() {
        return words_said.into_iter().map(|(t, _)| t).collect();
    }
    // A change in words beside numbers is a target of its own when no number after it
    // may restate it: "support up to 400 people by December 2025, and cut their
    // admissions by a quarter over the same period", not "halve it, to 7,000".
    for (t, at) in words_said {
        let restated = found.iter().any(|(_, _, p)| *p >= at)
            || RESTATING.is_match(&lower[boundary(&lower, at.saturating_sub(48))..at]);
        let zero_of_its_own =
            t.target_value == 0.0 && !out.iter().any(|o| o.target_date == t.target_date);
        let change_of_its_own = t.target_value != 0.0
            && !restated
            && !out.iter().any(|o| o.target_value == t.target_value);
        if zero_of_its_own || change_of_its_own {
            out.push(t);
        }
    }
    out
}

pub(super) static HEDGED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"\b(?:could|might|would\s+like\s+to|hope\s+to|subject\s+to\s+(?:funding|approval))\b",
    )
    .expect("hedged pattern")
});

/// Words that restate what came before: "… from 16 years to 8 years by 2035 – in
/// other words, to halve it".
pub(super) static RESTATING: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\b(?:in\s+other\s+words|that\s+is|i\.e\.|equivalent\s+to|meaning)\b")
        .expect("restating pattern")
});

/// The first date anchor after byte `at` that no number owns (`attached`: the date
/// glued to each number, as in "110 in 2024/25"), else "the same period" as the last
/// date, else the last date anchor before `at`.
pub(super) fn resolve(
    anchors: &[(usize, Anchor)],
    dates: &[Date],
    at: usize,
    last: Option<&str>,
    attached: &[Option<usize>],
) -> Option<String> {
    let owned: Vec<usize> = attached.iter().flatten().copied().collect();
    let usable = |a: &Anchor| match a {
        Anchor::Date(d) => !owned.contains(d),
        Anchor::Same => true,
    };
    if let Some((_, a)) = anchors.iter().find(|(p, a)| *p >= at && usable(a)) {
        return match a {
            Anchor::Date(d) => Some(dates[*d].value.clone()),
            Anchor::Same => last.map(str::to_string).or_else(|| {
                anchors.iter().rev().find_map(|(p, a)| match a {
                    Anchor::Date(d) if *p < at => Some(dates[*d].value.clone()),
                    _ => None,
                })
            }),
        };
    }
    // The nearest anchor before: a date, or "in the same year" meaning the last one.
    anchors.iter().rev().find_map(|(p, a)| match a {
        Anchor::Date(d) if *p < at => Some(dates[*d].value.clone()),
        Anchor::Same if *p < at => last.map(str::to_string),
        _ => None,
    })
}

/// Whether the date at `start` follows a "by" that opens its clause: "By 2027 …",
/// "…, and by 2030 …".
pub(super) fn opens_clause(sentence: &str, start: usize) -> bool {
    let lower = sentence[..start].trim_end().to_ascii_lowercase();
    // "By winter 2025", "by the end of 2026".
    let lower = [
        "winter",
        "summer",
        "spring",
        "autumn",
        "the end of",
        "end of",
    ]
    .iter()
    .find(|w| lower.ends_with(*w))
    .map_or(lower.as_str(), |w| {
        lower[..lower.len() - w.len()].trim_end()
    });
    let Some(head) = lower.strip_suffix("by").map(str::trim_end) else {
        return false;
    };
    head.is_empty() || head.ends_with([',', ';', ':', '(']) || head.ends_with(" and")
}

pub(super) fn anchor_date_after(
    anchors: &[(usize, Anchor)],
    dates: &[Date],
    at: usize,
) -> Option<String> {
    anchors.iter().find_map(|(p, a)| match a {
        Anchor::Date(d) if *p > at => Some(dates[*d].value.clone()),
        _ => None,
    })
}

/// The first word that could be an imperative verb, after any label ("KPI 3 –
/// Carbon monoxide screening: …" → the word after the colon).
pub(super) fn first_verb(words: &[String]) -> Option<&str> {
    let start = words.iter().position(|w| w == ":").map_or(0, |i| i + 1);
    // "…; and to double referrals …": an item that goes on from a commitment.
    words[start.min(words.len())..]
        .iter()
        .map(String::as_str)
        .find(|w| !matches!(*w, "and" | "to" | "or"))
}

pub(super) fn direction_in(text: &str) -> Option<Direction> {
    const MAINTAIN: [&str; 10] = [
        "maintain",
        "maintained",
        "hold",
        "held",
        "keep",
        "sustain",
        "sustained",
        "at or above",
        "at or below",
        "remain",
    ];
    const DECREASE: [&str; 33] = [
        "reduce",
        "reduced",
        "reducing",
        "reduction",
        "reductions",
        "cut",
        "cuts",
        "cutting",
        "lower",
        "fall",
        "falls",
        "fewer",
        "down",
        "halve",
        "halved",
        "halving",
        "eliminate",
        "close",
        "narrow",
        "narrowing",
        "below",
        "less",
        "decrease",
        "decline",
        "drop",
        "minimise",
        "zero",
        "no more than",
        "shorten",
        "under",
        "lowest",
        "net zero",
        "tackle",
    ];
    const INCREASE: [&str; 14] = [
        "increase",
        "increased",
        "increasing",
        "raise",
        "raising",
        "rise",
        "rising",
        "grow",
        "lift",
        "double",
        "doubling",
        "more",
        "at least",
        "improve",
    ];
    let hit = |set: &[&str]| set.iter().any(|w| contains_word(text, w));
    if hit(&MAINTAIN) {
        Some(Direction::Maintain)
    } else if hit(&DECREASE) {
        Some(Direction::Decrease)
    } else if hit(&INCREASE) {
        Some(Direction::Increase)
    } else {
        None
    }
}

/// Words of a change: a share "from" a year after one of them is counted from that year.
const CHANGE_WORDS: [&str; 22] = [
    "cut",
    "cuts",
    "reduce",
    "reduced",
    "reduction",
    "fall",
    "falls",
    "fallen",
    "fell",
    "down",
    "up",
    "further",
    "rise",
    "rises",
    "rose",
    "risen",
    "increase",
    "increased",
    "decrease",
    "lower",
    "below",
    "above",
];

/// Whether byte `at` starts a cell of a table laid out with tabs, runs of spaces or bars.
fn cell_start(sentence: &str, at: usize) -> bool {
    let before = &sentence[..at];
    let trimmed = before.trim_end_matches([' ', '\t']);
    trimmed.is_empty() || trimmed.ends_with('|') || before.ends_with("  ") || before.ends_with('\t')
}
