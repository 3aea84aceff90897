//! Dates ("by March 2026", "2025/26", "Q3 2024/25", "Mar-26") and numbers (figures,
//! money, shares, and numbers and shares in words) found in a clause.

use super::*;

pub(super) static DATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?ix)
        \b(?:(?P<day>\d{1,2})(?:st|nd|rd|th)?\s+)?
        (?:(?P<month>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?
            |sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?\s+)?
        (?P<year>(?:19|20)\d{2})
        (?:\s?(?P<sep>[/–-])\s?(?P<y2>\d{2}(?:\d{2})?)\b)?",
    )
    .expect("date pattern")
});

/// A date found in a clause.
#[derive(Debug, Clone)]
pub(super) struct Date {
    pub(super) start: usize,
    pub(super) end: usize,
    /// As `target_date` writes it.
    pub(super) value: String,
    /// A day was given ("9 July 2024"): a meeting or an event, never a target date.
    pub(super) day: bool,
}

/// Whether a date names a month ("2025-03"), not a year or a quarter.
pub(super) fn is_month(value: &str) -> bool {
    value.len() == 7
        && value.as_bytes()[4] == b'-'
        && value
            .get(5..)
            .and_then(|m| m.parse::<u32>().ok())
            .is_some_and(|m| (1..=12).contains(&m))
}

pub(super) fn dates(text: &str) -> Vec<Date> {
    let mut out = Vec::new();
    for c in DATE.captures_iter(text) {
        let whole = c.get(0).expect("match");
        let year_at = c.name("year").expect("year");
        // A second year must come after the first ("2019–21", "2024/25"), and not be a
        // number of its own: in "2030 - 20%" the date is 2030 and 20% its value.
        let y2 = c.name("y2").filter(|y2| {
            let later = match (y2.as_str().parse::<u32>(), year_at.as_str().parse::<u32>()) {
                (Ok(v), Ok(y)) if y2.as_str().len() == 2 => v > y % 100,
                (Ok(v), Ok(y)) => v > y,
                _ => false,
            };
            later && !text[y2.end()..].starts_with(|ch: char| ch.is_ascii_digit() || ch == '%')
        });
        let end = y2.map_or(year_at.end(), |y2| y2.end());
        let after = &text[end..];
        // A year glued to more digits, a percentage or a decimal is a number, unless
        // the digits after the point are a footnote's marker on a deadline ("by
        // 2027.12 ⏎ 12 Hospital Episode Statistics…").
        let footnote = y2.is_none()
            && FOOTNOTE.is_match(after)
            && matches!(
                words_before(text, whole.start(), 1)
                    .first()
                    .map(String::as_str),
                Some("by" | "in" | "until" | "before")
            );
        if after.starts_with(|ch: char| ch.is_ascii_digit() || ch == '%')
            || after.starts_with(",0")
            || (after.starts_with('.')
                && after[1..].starts_with(|ch: char| ch.is_ascii_digit())
                && !footnote)
            || text[..whole.start()]
                .ends_with(|ch: char| ch.is_ascii_digit() || ch == '£' || ch == ',' || ch == '.')
        {
            continue;
        }
        let year = year_at.as_str();
        let month = c
            .name("month")
            // "may" is a month only when written as one.
            .filter(|m| !m.as_str().starts_with('m') || !m.as_str().eq_ignore_ascii_case("may"))
            .and_then(|m| month_number(m.as_str()));
        let value = match (y2, month) {
            (Some(y2), _) => {
                let sep = &c["sep"];
                format!("{year}{sep}{}", y2.as_str())
            }
            (None, Some(m)) => format!("{year}-{m:02}"),
            (None, None) => year.to_string(),
        };
        let mut start = match (c.name("day"), c.name("month")) {
            (Some(_), None) => c.name("year").expect("year").start(),
            (_, Some(m)) if month.is_none() => c.name("year").map_or(m.end(), |y| y.start()),
            _ => whole.start(),
        };
        // A quarter is kept as written ("Q3 2024/25"): two milestones in one year
        // stay two dates.
        let mut value = value;
        if month.is_none() {
            if let Some(q) = QUARTER_BEFORE.captures(&text[..start]) {
                let at = q.get(0).expect("match").start();
                value = format!("Q{} {value}", &q[1]);
                start = at;
            }
        }
        out.push(Date {
            start,
            end,
            value,
            day: c.name("day").is_some() && month.is_some(),
        });
    }
    // A month with a two-digit year, as delivery tables write it: "Mar-26".
    for c in MONTH_YY.captures_iter(text) {
        let whole = c.get(0).expect("match");
        if out
            .iter()
            .any(|d| d.start < whole.end() && whole.start() < d.end)
            || text[..whole.start()].ends_with(|ch: char| ch.is_ascii_digit() || ch == '-')
        {
            continue;
        }
        let Some(m) = month_number(&c[1]) else {
            continue;
        };
        out.push(Date {
            start: whole.start(),
            end: c.get(2).expect("year").end(),
            value: format!("20{}-{m:02}", &c[2]),
            day: false,
        });
    }
    out.sort_by_key(|d| d.start);
    out
}

/// The marker of a footnote after a year: "2027.12" then a space or the end.
pub(super) static FOOTNOTE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\.\d{1,2}(?:\s|$)").expect("footnote pattern"));

/// "Q3 " just before a year.
pub(super) static QUARTER_BEFORE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)\bQ([1-4])\s*$").expect("quarter pattern"));

/// A month and a two-digit year joined by a hyphen: "Mar-26", "Sept-25".
pub(super) static MONTH_YY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(jan|feb|mar|apr|may|jun|jul|aug|sept?|oct|nov|dec)-(\d{2})\b(?:[^-/\d]|$)")
        .expect("month-year pattern")
});

pub(super) fn month_number(name: &str) -> Option<u32> {
    const MONTHS: [&str; 12] = [
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ];
    let lower = name.to_ascii_lowercase();
    MONTHS
        .iter()
        .position(|m| lower.starts_with(m))
        .map(|i| i as u32 + 1)
}

pub(super) static NUMBER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?ix)
        (?P<cur>£\s?)?
        (?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)
        (?P<mult>\s?(?:bn|billion|m|million|k)\b)?
        (?P<pct>\s?(?:%|per\s?cent\b|percentage\s+points?\b))?",
    )
    .expect("number pattern")
});

#[derive(Debug, Clone)]
pub(super) struct Number {
    pub(super) start: usize,
    pub(super) end: usize,
    pub(super) value: f64,
    /// `%`, `£`, `percentage points`, or "" (a count: its noun is read later).
    pub(super) unit: String,
}

pub(super) fn numbers(text: &str) -> Vec<Number> {
    let mut out = Vec::new();
    for c in NUMBER.captures_iter(text) {
        let whole = c.get(0).expect("match");
        let before = &text[..whole.start()];
        // Inside a word or a code ("PM2.5", "CO2", "M62").
        if before.ends_with(|ch: char| ch.is_alphabetic() || ch == '.' || ch == '/')
            || (before.ends_with('-') && before[..before.len() - 1].ends_with(char::is_alphabetic))
        {
            continue;
        }
        let digits = c["num"].replace(',', "");
        let Ok(mut value) = digits.parse::<f64>() else {
            continue;
        };
        let mult = c
            .name("mult")
            .map(|m| m.as_str().trim().to_ascii_lowercase());
        match mult.as_deref() {
            Some("bn" | "billion") => value *= 1e9,
            Some("m" | "million") => value *= 1e6,
            Some("k") => value *= 1e3,
            _ => {}
        }
        let unit = match c
            .name("pct")
            .map(|p| p.as_str().trim().to_ascii_lowercase())
        {
            Some(p) if p.starts_with("percentage") => "percentage points".to_string(),
            Some(_) => "%".to_string(),
            None if c.name("cur").is_some() => "£".to_string(),
            None => String::new(),
        };
        out.push(Number {
            start: whole.start(),
            end: whole.end(),
            value: round(value),
            unit,
        });
    }
    out.extend(word_shares(text));
    out.extend(word_numbers(text));
    out.sort_by_key(|n| n.start);
    // Numbers in words may share a word ("one in two million"): the first one read
    // keeps it.
    let mut kept: Vec<Number> = Vec::with_capacity(out.len());
    for n in out {
        if kept.last().is_none_or(|k| k.end <= n.start) {
            kept.push(n);
        }
    }
    kept
}

/// Percentages and millions in words: "forty per cent", "seventy-five per cent", "a
/// million more appointments".
pub(super) fn word_numbers(text: &str) -> Vec<Number> {
    let mut out = Vec::new();
    for c in WORD_NUMBER.captures_iter(text) {
        let whole = c.get(0).expect("match");
        let lower = |name: &str| c.name(name).map(|m| m.as_str().to_ascii_lowercase());
        let value = if let Some(tens) = lower("tens") {
            let tens = TENS
                .iter()
                .position(|t| *t == tens)
                .map(|i| 10.0 * (i + 1) as f64);
            let ones = lower("ones").and_then(|o| word_value(&o));
            match (tens, ones) {
                (Some(t), Some(o)) => t + o,
                (Some(t), None) => t,
                _ => continue,
            }
        } else if let Some(count) = lower("count") {
            let count = match count.as_str() {
                "a" | "one" => Some(1.0),
                "half a" => Some(0.5),
                other => word_value(other),
            };
            match count {
                Some(v) => v * 1e6,
                None => continue,
            }
        } else {
            continue;
        };
        out.push(Number {
            start: whole.start(),
            end: whole.end(),
            value,
            unit: if c.name("tens").is_some() {
                "%".to_string()
            } else {
                String::new()
            },
        });
    }
    out
}

pub(super) const TENS: [&str; 9] = [
    "ten", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety",
];

pub(super) static WORD_NUMBER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?ix)\b(?:
            (?P<tens>ten|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)
            (?:[\s-](?P<ones>one|two|three|four|five|six|seven|eight|nine))?
            \s+per\s?cent\b
          | (?P<count>a|one|two|three|four|five|half\s+a)\s+million\b
        )",
    )
    .expect("word number pattern")
});

/// Shares written in words: "nine in ten", "one in five", "three quarters of", "two
/// thirds of", "half of". A share after "by" is a change, read by `FRACTION`.
pub(super) static WORD_SHARE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?ix)\b(?:
            (?P<a>one|two|three|four|five|six|seven|eight|nine)\s+(?:in|out\s+of)\s+(?P<b>two|three|four|five|six|seven|eight|nine|ten)
          | (?P<share>half|a\s+third|one\s+third|two\s+thirds|a\s+quarter|one\s+quarter|three\s+quarters|a\s+fifth|one\s+fifth|two\s+fifths|three\s+fifths|four\s+fifths)\s+of
        )\b",
    )
    .expect("word share pattern")
});

pub(super) fn word_value(word: &str) -> Option<f64> {
    let words = [
        "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
    ];
    words
        .iter()
        .position(|w| *w == word)
        .map(|i| i as f64 + 1.0)
}

/// A share written in words as a percentage, to one decimal: "half" 50, "a third"
/// 33.3, "three quarters" 75, "two fifths" 40, "a tenth" 10.
pub(super) fn share_in_words(phrase: &str) -> Option<f64> {
    let phrase = phrase.to_ascii_lowercase();
    let value = match phrase.split_whitespace().collect::<Vec<_>>().as_slice() {
        ["half"] => 50.0,
        [count, part] => {
            let count = if *count == "a" {
                1.0
            } else {
                word_value(count)?
            };
            let whole = match part.trim_end_matches('s') {
                "third" => 3.0,
                "quarter" => 4.0,
                "fifth" => 5.0,
                "tenth" => 10.0,
                _ => return None,
            };
            100.0 * count / whole
        }
        _ => return None,
    };
    Some((value * 10.0).round() / 10.0)
}

/// The shares written in words in `text`, as percentages.
pub(super) fn word_shares(text: &str) -> Vec<Number> {
    let mut out = Vec::new();
    for c in WORD_SHARE.captures_iter(text) {
        let whole = c.get(0).expect("match");
        if words_before(text, whole.start(), 1)
            .first()
            .is_some_and(|w| w == "by")
        {
            continue;
        }
        let value = match (c.name("a"), c.name("b"), c.name("share")) {
            (Some(a), Some(b), _) => {
                let (Some(a), Some(b)) = (
                    word_value(&a.as_str().to_ascii_lowercase()),
                    word_value(&b.as_str().to_ascii_lowercase()),
                ) else {
                    continue;
                };
                100.0 * a / b
            }
            (_, _, Some(share)) => match share_in_words(share.as_str()) {
                Some(value) => value,
                None => continue,
            },
            _ => continue,
        };
        // The end of the share itself, before "of": "three quarters" of cancers.
        let end = c
            .name("b")
            .or(c.name("share"))
            .map_or(whole.end(), |m| m.end());
        out.push(Number {
            start: whole.start(),
            end,
            value: (value * 10.0).round() / 10.0,
            unit: "%".to_string(),
        });
    }
    out
}

/// "9 in 10 people" is 90%: the pair becomes one percentage.
pub(super) fn join_ratios(text: &str, numbers: Vec<Number>) -> Vec<Number> {
    let mut out: Vec<Number> = Vec::with_capacity(numbers.len());
    let mut skip = false;
    for (i, n) in numbers.iter().enumerate() {
        if skip {
            skip = false;
            continue;
        }
        if let Some(m) = numbers.get(i + 1) {
            let gap = text[n.end..m.start].trim();
            if n.unit.is_empty()
                && m.unit.is_empty()
                && matches!(gap, "in" | "in every" | "in each" | "out of" | "of every")
                && m.value > n.value
                && m.value > 0.0
            {
                out.push(Number {
                    start: n.start,
                    end: m.end,
                    // One decimal, as shares in words: "1 in 3" is 33.3.
                    value: (1000.0 * n.value / m.value).round() / 10.0,
                    unit: "%".to_string(),
                });
                skip = true;
                continue;
            }
        }
        out.push(n.clone());
    }
    out
}

/// The nearest character boundary at or before byte `i` (clamped to the text).
pub(super) fn boundary(text: &str, i: usize) -> usize {
    let mut i = i.min(text.len());
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

pub(super) fn round(v: f64) -> f64 {
    (v * 1e6).round() / 1e6
}
