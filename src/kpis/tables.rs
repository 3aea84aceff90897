//! Targets in table rows, under a header of periods or with labelled cells.

use super::*;

/// Targets in a table row: `Indicator | 2023/24: 95% | 2024/25 target: 92%`, or
/// values under a header row of periods. The first period is the baseline unless a
/// cell says which is which; a cell with no value ("to be agreed") sets nothing.
pub(super) fn table_row(cells: &[String], header: Option<&[String]>) -> Vec<Target> {
    let indicator = cells[0].trim_end_matches(':').trim().to_string();
    // Under a header of periods, a row named for what it holds: "Actual 2024/25 | 70.2%
    // | …" holds results, "Plan | 74% | 76%" holds a target in every column.
    let row_label = DATE
        .replace_all(&indicator.to_ascii_lowercase(), "")
        .trim()
        .to_string();
    let named = |names: &[&str]| header.is_some() && names.contains(&row_label.as_str());
    if named(&["actual", "actuals", "outturn", "baseline"]) {
        return Vec::new();
    }
    let plan_row = named(&["plan", "target", "trajectory", "ambition"]);
    struct Cell {
        /// `None` for an undated baseline column ("Measure | Baseline | Ambition for
        /// 2028").
        date: Option<String>,
        label: String,
        value: Option<(f64, String)>,
    }
    // A header with one cell more than its rows, and no date in its second, carries a
    // title in front ("Delivery milestones | Measure | Baseline | 2024/25").
    let offset = match header {
        Some(h) if h.len() == cells.len() + 1 && dates(&h[1]).is_empty() => 1,
        _ => 0,
    };
    // The row's date, from a header's date column ("… | Ambition | By" over "… | 63.0
    // years | 2032").
    let dated_at = header
        .and_then(date_column)
        .and_then(|k| k.checked_sub(offset));
    let row_date = dated_at.and_then(|k| cells.get(k)).and_then(|c| {
        let found = dates(c.trim());
        (found.len() == 1 && found[0].start == 0).then(|| found[0].value.clone())
    });
    // "GP appointments (millions) | 5.62 | 5.80": the indicator gives the scale.
    let lower_indicator = indicator.to_ascii_lowercase();
    let scale = if lower_indicator.contains("(millions)")
        || lower_indicator.contains("(m)")
        || lower_indicator.contains("(£m)")
    {
        1e6
    } else if lower_indicator.contains("(thousands)")
        || lower_indicator.contains("(£000s)")
        || lower_indicator.contains("(000s)")
    {
        1e3
    } else {
        1.0
    };
    let mut parsed = Vec::new();
    for (i, cell) in cells.iter().enumerate().skip(1) {
        if Some(i) == dated_at {
            continue;
        }
        let above = header
            .and_then(|h| h.get(i + offset))
            .cloned()
            .unwrap_or_default();
        // "2023/24: 95%", or a header's period above "95%", or the label, value and
        // date in one cell: "Target 6% by 2026", "Baseline 11.2% (2022/23)".
        let (head, body) = match cell.split_once(':') {
            // "30 Source: …" under a header is the value 30 and a note.
            Some(_)
                if !above.is_empty()
                    && cell.trim_start().starts_with(|c: char| c.is_ascii_digit()) =>
            {
                (above, cell.trim().to_string())
            }
            Some((h, b)) if !above.is_empty() => (format!("{above} {h}"), b.trim().to_string()),
            Some((h, b)) => (h.trim().to_string(), b.trim().to_string()),
            None if !above.is_empty() => (above, cell.trim().to_string()),
            None => (cell.trim().to_string(), cell.trim().to_string()),
        };
        let lower_head = head.to_ascii_lowercase();
        let date = dates(&head)
            .into_iter()
            .next()
            .map(|d| d.value)
            .or_else(|| {
                row_date
                    .clone()
                    .filter(|_| AHEAD_LABELS.iter().any(|w| lower_head.contains(w)))
            });
        let base_label = ["baseline", "actual", "current", "outturn"]
            .iter()
            .any(|w| head.to_ascii_lowercase().contains(w));
        if date.is_none() && !base_label {
            continue;
        }
        let body_dates = dates(&body);
        let lower_body = body.to_ascii_lowercase();
        let value = if matches!(lower_body.as_str(), "none" | "zero" | "nil" | "0") {
            Some((0.0, String::new()))
        } else {
            numbers(&body)
                .into_iter()
                .find(|n| {
                    !body_dates
                        .iter()
                        .any(|d| n.start < d.end && d.start < n.end)
                })
                .map(|n| {
                    let unit = if n.unit.is_empty() {
                        PER.captures(&body[n.end..])
                            .map(|c| c[1].to_string())
                            .unwrap_or_default()
                    } else {
                        n.unit.clone()
                    };
                    let value = if n.unit.is_empty() || n.unit == "£" {
                        round(n.value * scale)
                    } else {
                        n.value
                    };
                    (value, unit)
                })
        };
        let label = head.to_ascii_lowercase();
        parsed.push(Cell { date, label, value });
    }
    let is_target = |label: &str| {
        plan_row
            || ["target", "ambition", "plan", "goal", "trajectory", "aim"]
                .iter()
                .any(|w| label.contains(w))
    };
    let is_base = |label: &str| {
        ["baseline", "actual", "current", "outturn"]
            .iter()
            .any(|w| label.contains(w))
    };
    let labelled = parsed.iter().any(|c| is_target(&c.label));
    let base = parsed
        .iter()
        .position(|c| is_base(&c.label))
        .or_else(|| (!parsed.is_empty() && !is_target(&parsed[0].label)).then_some(0));
    let (baseline_value, baseline_year) = base
        .and_then(|b| {
            parsed[b]
                .value
                .as_ref()
                .map(|v| (Some(v.0), parsed[b].date.clone()))
        })
        .unwrap_or((None, None));
    let mut out = Vec::new();
    let unit_of_row = parsed
        .iter()
        .find_map(|c| {
            c.value
                .as_ref()
                .map(|v| v.1.clone())
                .filter(|u| !u.is_empty())
        })
        .unwrap_or_default();
    // "Dec-24 plan | Dec-24 actual | Mar-25 target": a period with its actual is
    // reported; its plan is no target any more.
    let reported = |c: &Cell| {
        c.date.is_some()
            && parsed.iter().any(|o| {
                o.date == c.date && ["actual", "outturn"].iter().any(|w| o.label.contains(w))
            })
    };
    for (i, c) in parsed.iter().enumerate() {
        if Some(i) == base || (labelled && !is_target(&c.label)) || reported(c) {
            continue;
        }
        let Some((value, unit)) = &c.value else {
            continue;
        };
        let direction = match baseline_value {
            Some(b) if *value < b => Direction::Decrease,
            Some(b) if *value == b => Direction::Maintain,
            _ => Direction::Increase,
        };
        out.push(Target {
            indicator: indicator.clone(),
            baseline_value,
            baseline_year: baseline_year.clone(),
            target_value: *value,
            unit: if unit.is_empty() {
                unit_of_row.clone()
            } else {
                unit.clone()
            },
            target_date: match &c.date {
                Some(d) => d.clone(),
                None => continue,
            },
            direction,
            sentence: cells.join(" | "),
        });
    }
    out
}
