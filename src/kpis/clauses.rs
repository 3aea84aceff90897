//! A passage split into the clauses the rules read: sentences, bullets, list items and
//! table rows (with spaces, bars or arrows), each with the date its lead-in gives.

use super::*;

pub(super) enum Clause {
    /// A clause as the rules read it, and the text as written when the rules read it
    /// with a date added from its lead-in.
    Text(String, Option<String>),
    /// A table row's cells, and the header row's cells above it when there is one.
    Row {
        cells: Vec<String>,
        header: Option<Vec<String>>,
    },
}

/// Splits a passage into table rows, sentences and bullets. A table flattened into
/// one line (rows joined by " — ", " -- " or ". ", as PDF text often has them) is
/// split back into its rows.
pub(super) fn clauses(text: &str) -> Vec<Clause> {
    let mut out = Vec::new();
    let mut header: Option<Vec<String>> = None;
    // A lead-in line that dates the bullet lines under it ("By 2027/28 we will:").
    let mut lead: Option<String> = None;
    let mut results_table = false;
    // Under "Our trajectory is:", lines of a date and a value are its milestones
    // ("March 2026      62%"), where elsewhere they would be results.
    let mut trajectory = false;
    let text = rejoin(text);
    let plan_years = plan_year_lines(&text);
    for (number, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() {
            // Rows of a table read from a PDF come a blank line apart: a header holds
            // until a line of prose.
            continue;
        }
        if !line.contains('|') {
            if let Some((date, value)) = trajectory.then(|| dated_value(line)).flatten() {
                out.push(Clause::Text(
                    format!("{value} by {date}"),
                    Some(line.to_string()),
                ));
                continue;
            }
            // "Year 2 (2026/27): 230 beds": a plan's year, numbered, and what it
            // reaches by then.
            if let Some(dated) = plan_years.get(&number) {
                out.extend(text_clauses(dated, None).into_iter().map(|c| match c {
                    Clause::Text(t, _) => Clause::Text(t, Some(line.to_string())),
                    row => row,
                }));
                continue;
            }
            trajectory = line.ends_with(':')
                && has_any(&words(line), &["trajectory", "trajectories", "milestones"])
                && !looks_back(line);
            if let Some(cells) = spaced_cells(line) {
                lead = None;
                // A table laid out with spaces whose header names no ambition, plan or
                // baseline is a table of results ("Indicator  2021/22  2022/23").
                if results_table {
                    continue;
                }
                if cells.len() == 2 {
                    // "Mar-26  95% of referrals triaged within 24 hours": a milestone
                    // dated by its first cell.
                    let dated = format!("{} by {}", cells[1], cells[0]);
                    out.extend(text_clauses(&dated, None).into_iter().map(|c| match c {
                        Clause::Text(t, _) => Clause::Text(t, Some(line.to_string())),
                        row => row,
                    }));
                } else if is_header(&cells) {
                    let lower = cells.join(" ").to_ascii_lowercase();
                    let labelled = [
                        "target",
                        "plan",
                        "ambition",
                        "trajectory",
                        "baseline",
                        "goal",
                        "milestone",
                        "aim",
                        "actual",
                    ]
                    .iter()
                    .any(|w| lower.contains(w));
                    if labelled {
                        header = Some(cells);
                    } else {
                        results_table = true;
                    }
                } else {
                    out.push(Clause::Row {
                        cells,
                        header: header.clone(),
                    });
                }
                continue;
            }
            header = None;
            results_table = false;
            if let Some(marker) = BULLET_LINE.find(line) {
                out.extend(text_clauses(
                    line[marker.end()..].trim_start(),
                    lead.as_deref(),
                ));
            } else {
                out.extend(text_clauses(line, None));
                lead = carried_lead(line);
            }
            continue;
        }
        lead = None;
        for row in ROW_BREAK.split(line) {
            let row = row.trim().trim_end_matches('.');
            // "| A | B |": the bars at the ends open and close the row, they hold no cell.
            let row = row.trim_start_matches('|').trim_end_matches('|');
            let cells: Vec<String> = row.split('|').map(|c| c.trim().to_string()).collect();
            if cells.len() < 2 {
                out.extend(text_clauses(row, None));
            } else if is_header(&cells) {
                header = Some(cells);
            } else {
                out.push(Clause::Row {
                    cells,
                    header: header.clone(),
                });
            }
        }
    }
    out
}

/// Text as PDFs give it, made whole for the rules: a word hyphenated across a line
/// break is rejoined ("Decem-⏎ber 2027"), and a line that goes on with a lower-case
/// word is joined to the line before. (Cleaning does this for documents; the `kpis`
/// command reads text as it is given.)
pub(super) fn rejoin(text: &str) -> String {
    let text = HYPHEN_WRAP.replace_all(text, "$1$2");
    WRAPPED.replace_all(&text, "$1 $2").into_owned()
}

pub(super) static HYPHEN_WRAP: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(\p{Ll})-[ \t]*\n[ \t]*(\p{Ll})").expect("hyphen pattern"));
pub(super) static WRAPPED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"([^.:;!?|\s])[ \t]*\n[ \t]*(\p{Ll})").expect("wrapped line pattern")
});

/// The cells of a line laid out with tabs or runs of spaces.
fn gap_cells(line: &str) -> Vec<&str> {
    CELL_GAP
        .split(line.trim())
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .collect()
}

/// The cells of a table row laid out with tabs or runs of spaces, as PDF text gives
/// it: "A&E 4-hour performance (%)  71.2  76.0  78.0". Two cells only when the first
/// is a date ("Mar-26  95% of referrals…"); with spaces, at least two short cells
/// after the first must hold a value or a period, so that prose with wide spaces
/// stays prose.
pub(super) fn spaced_cells(line: &str) -> Option<Vec<String>> {
    let cells: Vec<String> = gap_cells(line).into_iter().map(String::from).collect();
    match cells.len() {
        0 | 1 => None,
        2 => {
            // "2023/24  71%" is a row of results; a milestone says what is done.
            let d = dates(&cells[0]);
            let says_what = words(&cells[1])
                .iter()
                .filter(|w| w.chars().all(char::is_alphabetic))
                .count()
                >= 2;
            (d.len() == 1 && d[0].start == 0 && d[0].end == cells[0].len() && says_what)
                .then_some(cells)
        }
        _ if line.contains('\t') => Some(cells),
        _ => {
            let valued = cells[1..]
                .iter()
                .filter(|c| {
                    c.len() <= 30
                        && (c.starts_with(|ch: char| ch.is_ascii_digit() || ch == '£')
                            || !dates(c).is_empty())
                })
                .count();
            (valued >= 2 && cells[0].len() <= 120).then_some(cells)
        }
    }
}

pub(super) static CELL_GAP: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\t+ *| {2,}").expect("cell gap pattern"));

/// Sentences and bullets. A bullet with no date of its own takes the date its
/// lead-in gives ("What we will deliver in 2025/26: • 78% of patients seen within
/// four hours"), as a clause the bullet's own rules then read. `inherited` is the
/// date of a lead-in on a line above, for a line that is itself a bullet.
pub(super) fn text_clauses(line: &str, inherited: Option<&str>) -> Vec<Clause> {
    let mut out = Vec::new();
    let pieces = bullets(line);
    let own_lead = (pieces.len() > 1)
        .then(|| LEAD_IN.captures(pieces[0]))
        .flatten()
        .map(|c| c[1].to_string());
    // The line's own lead-in dates its bullets after the first piece; an inherited one
    // dates every piece.
    let (lead_date, first_dated) = match (own_lead, inherited) {
        (Some(own), _) => (Some(own), 1),
        (None, Some(above)) => (Some(above.to_string()), 0),
        (None, None) => (None, 1),
    };
    for (i, piece) in pieces.iter().enumerate() {
        // The date a list after a colon gives the items after the first, while they
        // run on after semicolons: "KPIs for end of year 2024/25: turnover no higher
        // than 10.5%; sickness absence at or below 4.5%; …". With `true` when the date
        // is a deadline opening the first item, which dates only the items that commit
        // ("By 2030, smoking will fall to 5%; 14% of adults smoke" dates the first alone).
        let mut list_date: Option<(String, bool)> = None;
        // The label of a list of dated values ("Trajectory for X: 2025/26, 75%;
        // 2026/27, 80%"), while the items run on after semicolons.
        let mut item_label: Option<String> = None;
        for sentence in sentences(piece) {
            let raw = sentence;
            let sentence = sentence.trim_matches(|c: char| c.is_whitespace() || c == '-');
            if sentence.is_empty() {
                continue;
            }
            let from_list = list_date.take();
            let opens_list = if raw.trim_end().ends_with(';') && from_list.is_none() {
                list_lead(sentence)
            } else {
                None
            };
            if raw.trim_end().ends_with(';') {
                // "By 2030, three in ten adults will …; a quarter fewer children will
                // …; and …": a deadline opening the first item dates the rest.
                list_date = from_list
                    .clone()
                    .or_else(|| opens_list.clone().map(|date| (date, false)))
                    .or_else(|| opening_deadline(sentence).map(|date| (date, true)));
            }
            if LABELLED.is_match(sentence) {
                // "2024/25 target: 55%", read as a table cell.
                out.push(Clause::Row {
                    cells: vec![String::new(), sentence.to_string()],
                    header: None,
                });
                continue;
            }
            let label = item_label.take();
            if let Some((label, item)) = dated_item(sentence, label) {
                if raw.trim_end().ends_with(';') {
                    item_label = Some(label.clone());
                }
                out.push(Clause::Row {
                    cells: vec![label, item],
                    header: None,
                });
                continue;
            }
            if let Some(rows) = arrow_row(sentence).or_else(|| inline_rows(sentence)) {
                out.extend(rows.into_iter().map(|cells| Clause::Row {
                    cells,
                    header: None,
                }));
                continue;
            }
            if let Some(date) = opens_list {
                // The first item: its lead-in's date is a deadline ("KPIs for 2026/27:").
                out.push(Clause::Text(
                    format!("{sentence}, by {date}"),
                    Some(sentence.to_string()),
                ));
                continue;
            }
            let undated = !own_deadline(sentence);
            match (&lead_date, &from_list) {
                (Some(lead), _) if i >= first_dated && undated => {
                    out.push(Clause::Text(
                        format!("{sentence}, {lead}"),
                        Some(sentence.to_string()),
                    ));
                }
                (_, Some((date, only_commitments)))
                    if undated
                        && (!only_commitments || has_any(&words(sentence), &["will", "shall"])) =>
                {
                    out.push(Clause::Text(
                        format!("{sentence}, by {date}"),
                        Some(sentence.to_string()),
                    ));
                }
                _ => out.push(Clause::Text(sentence.to_string(), None)),
            }
        }
    }
    out
}

/// Whether a clause has a date of its own that could be a deadline: a year in
/// brackets, after "from", "since", "than" or "against", or glued to a figure ("63% in
/// 2024") says where things stand, and a lead-in's date still dates the clause.
pub(super) fn own_deadline(sentence: &str) -> bool {
    let lower = sentence.to_ascii_lowercase();
    dates(sentence).iter().any(|d| {
        let before = lower[..d.start].trim_end();
        let standing = ["from", "since", "than", "against", "with", "as in", "("]
            .iter()
            .any(|w| before.ends_with(w));
        let glued = before.strip_suffix(" in").is_some_and(|b| {
            b.trim_end()
                .ends_with(|c: char| c.is_ascii_digit() || c == '%')
        });
        !(paren_open(&sentence[..d.start]) || standing || glued)
    })
}

/// A heading that reports on targets rather than setting them: "Performance against
/// our targets:", "Key targets met in 2023/24:".
pub(super) fn looks_back(line: &str) -> bool {
    let w = words(line);
    is_past(&w)
        || has_any(
            &w,
            &[
                "against",
                "progress",
                "performance",
                "met",
                "achieved",
                "results",
                "delivered",
            ],
        )
}

/// A line of a date and a value alone, a run of spaces or a tab apart: "March 2026
/// 62%".
pub(super) fn dated_value(line: &str) -> Option<(String, String)> {
    let cells = gap_cells(line);
    let [date, value] = cells.as_slice() else {
        return None;
    };
    let found = dates(date);
    let whole_date = found.len() == 1 && found[0].start == 0 && found[0].end == date.len();
    let one_value = numbers(value).len() == 1 && words(value).len() <= 3;
    (whole_date && one_value).then(|| (date.to_string(), value.to_string()))
}

/// The deadline a clause opens with: "By 2030, …" or "By the end of March 2027, …".
pub(super) fn opening_deadline(sentence: &str) -> Option<String> {
    let first = dates(sentence).into_iter().next()?;
    let before = sentence[..first.start].trim().to_ascii_lowercase();
    let opens = matches!(
        before.as_str(),
        "by" | "by the end of" | "by end of" | "by the close of"
    );
    (opens && sentence[first.end..].trim_start().starts_with(',')).then_some(first.value)
}

/// The date of a list's lead-in before a colon, when the lead-in looks ahead and holds
/// no value of its own: "Workforce KPIs for end of year 2024/25: …" gives "2024/25".
pub(super) fn list_lead(sentence: &str) -> Option<String> {
    let (lead, _) = sentence.split_once(':')?;
    let found = dates(lead);
    let [date] = found.as_slice() else {
        return None;
    };
    let rest = format!("{}{}", &lead[..date.start], &lead[date.end..]);
    let ahead = has_any(
        &words(lead),
        &[
            "kpi",
            "kpis",
            "target",
            "targets",
            "milestone",
            "milestones",
            "ambition",
            "ambitions",
            "will",
            "by",
            "plan",
            "trajectory",
            "trajectories",
            "priority",
            "priorities",
            "commitment",
            "commitments",
            "objectives",
            "deliverables",
            "goal",
            "goals",
        ],
    );
    (ahead && numbers(&rest).is_empty()).then(|| date.value.clone())
}

/// An item of a list of dated values: "Trajectory for referrals seen within two hours:
/// 2025/26, 75%;" opens one (its label looks ahead), "2026/27, 80%." goes on with the
/// label before. Gives the label and the item as a target cell ("2025/26 target: 75%").
pub(super) fn dated_item(sentence: &str, label: Option<String>) -> Option<(String, String)> {
    let (label, item) = match (label, sentence.split_once(':')) {
        (Some(label), _) => (label, sentence),
        (None, Some((lead, rest))) => {
            let ahead = has_any(
                &words(lead),
                &[
                    "trajectory",
                    "trajectories",
                    "target",
                    "targets",
                    "ambition",
                    "milestones",
                    "plan",
                ],
            );
            if !ahead || !dates(lead).is_empty() || is_past(&words(lead)) {
                return None;
            }
            (lead.trim().to_string(), rest)
        }
        (None, None) => return None,
    };
    let c = DATED_ITEM.captures(item.trim())?;
    Some((label, format!("{} target: {}", &c[1], &c[2])))
}

pub(super) static DATED_ITEM: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^((?:Q[1-4]\s+)?(?:19|20)\d{2}(?:/\d{2})?),?\s+(£?\d[\d,]*(?:\.\d+)?\s?(?:%|m\b|k\b)?)\s*[;.]?$")
        .expect("dated item pattern")
});

/// A run of periods and values joined by arrows, read as a table row whose first
/// period is the baseline: "Breastfeeding at 6-8 weeks: 2023/24 44.1% → 2025/26 48%
/// → 2027/28 52%".
pub(super) fn arrow_row(sentence: &str) -> Option<Vec<Vec<String>>> {
    if !sentence.contains('→') && !sentence.contains("->") || is_past(&words(sentence)) {
        return None;
    }
    let parts: Vec<&str> = sentence.split(['→']).flat_map(|p| p.split("->")).collect();
    let first = ARROW_FIRST.captures(parts[0].trim())?;
    let mut cells = vec![
        first[1].trim().trim_end_matches(':').to_string(),
        format!("{}: {}", &first[2], &first[3]),
    ];
    for part in &parts[1..] {
        let c = ARROW_NEXT.captures(part.trim())?;
        cells.push(format!("{}: {}", &c[1], &c[2]));
    }
    Some(vec![cells])
}

pub(super) static ARROW_FIRST: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(.*?)((?:19|20)\d{2}(?:/\d{2})?)\s*:?\s+(£?\d[\d,]*(?:\.\d+)?\s?%?)$")
        .expect("arrow pattern")
});
pub(super) static ARROW_NEXT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^((?:19|20)\d{2}(?:/\d{2})?)\s*:?\s+(£?\d[\d,]*(?:\.\d+)?\s?%?)\.?$")
        .expect("arrow pattern")
});

/// Periods with their kind and value inside a flattened table, one row per label:
/// "Children accessing support 2023/24 actual 14,850 2024/25 target 16,400 Perinatal
/// access 2023/24 actual 1,020 2024/25 target 1,250".
pub(super) fn inline_rows(sentence: &str) -> Option<Vec<Vec<String>>> {
    let found: Vec<regex::Captures> = INLINE_KIND.captures_iter(sentence).collect();
    let targets = found
        .iter()
        .filter(|c| {
            !matches!(
                c[2].to_ascii_lowercase().as_str(),
                "actual" | "baseline" | "outturn"
            )
        })
        .count();
    // "We met our 2023/24 target: 68% …" reports.
    if targets == 0 || is_past(&words(sentence)) {
        return None;
    }
    let mut rows: Vec<Vec<String>> = Vec::new();
    let mut last_end = 0;
    for c in &found {
        let whole = c.get(0).expect("match");
        let gap = sentence[last_end..whole.start()].trim();
        if rows.is_empty() || gap.chars().any(char::is_alphabetic) {
            rows.push(vec![gap.to_string()]);
        }
        let row = rows.last_mut().expect("a row");
        row.push(format!("{} {}: {}", &c[1], &c[2], &c[3]));
        last_end = whole.end();
    }
    Some(rows)
}

/// The lines of a plan's numbered years that set what each year reaches: a run of two
/// or more "Year N (DATE): value" lines numbered 1, 2, … in order, under a heading that
/// does not look back, each without a result in it. School year groups ("Year 6
/// (2023/24): 37.8% overweight") and results under "What we achieved" are not. Each
/// line's number maps to its value with its deadline ("230 beds by 2026/27").
pub(super) fn plan_year_lines(text: &str) -> std::collections::HashMap<usize, String> {
    let lines: Vec<(usize, &str)> = text
        .lines()
        .map(str::trim)
        .enumerate()
        .filter(|(_, l)| !l.is_empty())
        .collect();
    let year_of_plan = |line: &str| {
        PLAN_YEAR
            .captures(line)
            .and_then(|c| c[1].parse::<usize>().ok())
    };
    let mut out = std::collections::HashMap::new();
    let mut k = 0;
    while k < lines.len() {
        if year_of_plan(lines[k].1) != Some(1) {
            k += 1;
            continue;
        }
        let mut end = k + 1;
        while end < lines.len() && year_of_plan(lines[end].1) == Some(end - k + 1) {
            end += 1;
        }
        let heading = k.checked_sub(1).map_or("", |h| lines[h].1);
        let lower_heading = heading.to_ascii_lowercase();
        let backward = looks_back(heading)
            || ["review", "so far", "to date"]
                .iter()
                .any(|w| lower_heading.contains(w));
        if end - k >= 2 && !backward {
            for &(number, line) in &lines[k..end] {
                let w = words(line);
                // "4 hubs opened", "(actual 76%)": a result, not a year's goal.
                if !is_past(&w) && !has_any(&w, &PLAN_YEAR_RESULTS) {
                    let c = PLAN_YEAR.captures(line).expect("a plan year line");
                    out.insert(number, format!("{} by {}", &c[3], &c[2]));
                }
            }
        }
        k = end;
    }
    out
}

const PLAN_YEAR_RESULTS: [&str; 13] = [
    "actual",
    "missed",
    "achieved",
    "met",
    "received",
    "target",
    "opened",
    "completed",
    "delivered",
    "trained",
    "supported",
    "recruited",
    "launched",
];

pub(super) static PLAN_YEAR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^year\s+(\d{1,2})\s*\(\s*((?:19|20)\d{2}(?:/\d{2})?)\s*\)\s*:\s*((?:at\s+least\s+|up\s+to\s+|no\s+more\s+than\s+)?£?\d[^.]*?)\.?$")
        .expect("plan year pattern")
});

pub(super) static INLINE_KIND: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b((?:19|20)\d{2}(?:/\d{2})?)\s+(actual|baseline|outturn|target|plan|trajectory|ambition)\s*:?\s+(£?\d[\d,]*(?:\.\d+)?\s?%?)")
        .expect("inline kind pattern")
});

/// A period with its kind and value, as in a KPI box: "2024/25 target: 55%", or the
/// kind first: "Target 2026/27: 6%", "target for winter 2025/26: 85%".
pub(super) static LABELLED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?ix)^(?:
            (?:19|20)\d{2}(?:/\d{2})?\s+(?:target|ambition|plan|trajectory|goal)s?\s*:\s*\S
          | (?:target|ambition|trajectory|goal)s?\s+(?:for\s+)?(?:(?:winter|summer|spring|autumn|end\s+of)\s+)?(?:19|20)\d{2}(?:/\d{2})?
            \s*:\s*(?:at\s+least\s+|no\s+more\s+than\s+|below\s+|under\s+|above\s+)?£?\d
        )",
    )
    .expect("labelled pattern")
});

/// A line's bullets: "•", a leading "- ", or " - " before a capital inside the line.
pub(super) fn bullets(line: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    for m in BULLET.find_iter(line) {
        // The capital that told an inline dash from a hyphen belongs to the bullet.
        let end = match m.as_str().chars().next_back() {
            Some(c) if c.is_uppercase() => m.end() - c.len_utf8(),
            _ => m.end(),
        };
        out.push(&line[start..m.start()]);
        start = end;
    }
    out.push(&line[start..]);
    out
}

/// Row breaks inside a flattened table.
pub(super) static ROW_BREAK: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\s[—–]\s|\s--\s|\.\s+").expect("row pattern"));

/// A lead-in that dates the bullets after it: "… will deliver in 2025/26:", "By March
/// 2027 we will:".
pub(super) static LEAD_IN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b((?:by|in|during|for)\s+(?:the\s+end\s+of\s+)?(?:[a-z]+\s+)?(?:19|20)\d{2}(?:/\d{2})?)\b[^.]*(?:will|:|$)")
        .expect("lead-in pattern")
});

/// A deadline anywhere in a line: "by March 2026".
pub(super) static BY_DATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\bby\s+(?:the\s+end\s+of\s+)?(?:[a-z]+\s+)?(?:19|20)\d{2}(?:/\d{2})?\b")
        .expect("by date pattern")
});

/// The date a line gives the bullet lines under it: a lead-in that ends in a colon or
/// is a heading with no full stop, and looks ahead ("By 2027/28 we will:", "What we
/// will achieve in 2026"), not back ("In 2023/24 we:").
pub(super) fn carried_lead(line: &str) -> Option<String> {
    if line.ends_with('.') {
        return None;
    }
    // "As set out in our plan for 2024 to 2029, by March 2026 we will:": the "by" date.
    let by_date = BY_DATE.find(line).map(|m| m.as_str().to_string());
    let date = match by_date {
        Some(by) if LEAD_IN.is_match(line) => by,
        _ => LEAD_IN.captures(line)?[1].to_string(),
    };
    let ahead = date.to_ascii_lowercase().starts_with("by")
        || has_any(
            &words(line),
            &["will", "shall", "aim", "ambition", "target", "plan"],
        );
    // "Adult mental health priorities for 2025/26:": the year the items are for.
    if let Some(year) = date.strip_prefix("for ").or(date.strip_prefix("For ")) {
        let looks_ahead = has_any(
            &words(line),
            &[
                "priorities",
                "targets",
                "ambitions",
                "goals",
                "objectives",
                "milestones",
                "commitments",
                "trajectory",
                "trajectories",
                "deliverables",
            ],
        );
        // A heading ("Our goals for 2030") or a lead-in ending in a colon.
        let heading = words(line).len() <= 8 && !line.ends_with(['.', ';', ',']);
        return (looks_ahead && (line.ends_with(':') || heading) && !looks_back(line))
            .then(|| format!("by {year}"));
    }
    ahead.then_some(date)
}

/// A line that is one bullet of a list. PDF extractors give Word's bullets as they
/// were drawn: a lower-case "o" (Courier's hollow bullet), or a private-use character of
/// the Symbol and Wingdings fonts (U+F0A7, U+F0B7, U+F0D8).
pub(super) static BULLET_LINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:[•●▪◦■□➢►✓\u{F0A7}\u{F0B7}\u{F0D8}]|[-–*o]\s|\d{1,2}[.)]\s)")
        .expect("bullet line pattern")
});

/// Bullets inside a line. (The glyphs only PDF extractors give stay at line starts:
/// inside a line "►" and "✓" are arrows and ticks.)
pub(super) static BULLET: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\s*[•●▪◦]\s*|^\s*[-–*]\s+|\s[-–]\s+(?:[A-Z])").expect("bullet pattern")
});

/// Sentences, split after `.`, `!`, `?` before a capital, a bullet or a digit, and
/// after every `;` (a clause after a semicolon is read on its own: "…by 2026; in
/// 2023/24 the figure was 64%").
pub(super) fn sentences(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    for (k, &(i, c)) in chars.iter().enumerate() {
        let end = i + c.len_utf8();
        let split = match c {
            ';' => true,
            '.' | '!' | '?' => {
                let next = chars[k + 1..]
                    .iter()
                    .map(|&(_, c)| c)
                    .find(|c| !c.is_whitespace());
                let spaced = chars.get(k + 1).is_some_and(|&(_, c)| c.is_whitespace());
                // "C. difficile" and "e.g. the" stay whole: the next word is lower case.
                spaced
                    && next.is_some_and(|n| n.is_uppercase() || n.is_ascii_digit() || n == '•')
                    && !single_capital_before(text, i)
            }
            _ => false,
        };
        if split {
            out.push(&text[start..end]);
            start = end;
        }
    }
    out.push(&text[start..]);
    out
}

/// Whether the `.` at `i` follows a lone capital ("C. Difficile", "J. Smith").
pub(super) fn single_capital_before(text: &str, i: usize) -> bool {
    let before: Vec<char> = text[..i].chars().rev().take(2).collect();
    matches!(before.as_slice(), [c] if c.is_uppercase())
        || matches!(before.as_slice(), [c, s] if c.is_uppercase() && !s.is_alphanumeric())
}

/// A header row: its cells after the first name periods and carry no values
/// ("Indicator | 2023/24 | 2025/26 ambition", "Indicator | Baseline | Ambition 2028").
pub(super) fn is_header(cells: &[String]) -> bool {
    // Dates as `dates` finds them, so "Mar-25" and "Baseline (Mar-24)" are periods too.
    let undated = |c: &str| {
        let mut rest = c.to_string();
        for d in dates(c).iter().rev() {
            rest.replace_range(d.start..d.end, " ");
        }
        rest
    };
    let labels_only = cells[1..]
        .iter()
        .all(|c| !c.contains(':') && numbers(&undated(c)).is_empty());
    // "Outcome | Baseline | Ambition | By": the dates are in a column of their own.
    let dated_column = date_column(cells).is_some()
        && cells[1..].iter().any(|c| {
            let c = c.to_ascii_lowercase();
            AHEAD_LABELS.iter().any(|w| c.contains(w))
        });
    labels_only && (cells[1..].iter().any(|c| !dates(c).is_empty()) || dated_column)
}

/// Words in a column's label that make its values targets.
pub(super) const AHEAD_LABELS: [&str; 5] = ["ambition", "target", "trajectory", "goal", "plan"];

/// The column of a header that holds each row's date: "By", "Date", "Target date".
pub(super) fn date_column(header: &[String]) -> Option<usize> {
    header
        .iter()
        .skip(1)
        .position(|c| {
            matches!(
                c.trim().to_ascii_lowercase().as_str(),
                "by" | "date"
                    | "target date"
                    | "by when"
                    | "deadline"
                    | "year"
                    | "to be achieved by"
            )
        })
        .map(|i| i + 1)
}
