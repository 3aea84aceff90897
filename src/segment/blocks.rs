//! Blocks of cleaned text: headings, paragraphs, bullet lists (with the sentence that
//! leads into them) and tables, each with its byte span and the headings above it.

use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;

use super::clean::BULLET;

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum BlockKind {
    Heading,
    Paragraph,
    List,
    Table,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Block {
    pub kind: BlockKind,
    pub span: Range<usize>,
    /// Headings above this block, outermost first (a heading's own path excludes it).
    pub heading_path: Vec<String>,
    /// For headings: 1 for `#` or a top-level number, deeper for `##` or `2.1`.
    pub level: usize,
}

static NUMBERED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(\d{1,2}(\.\d{1,2}){0,3})\.?\s+\p{Lu}").expect("valid regex: this is a bug")
});

/// A heading and its level, if `para` (one paragraph) is one.
fn heading(para: &str) -> Option<usize> {
    let t = para.trim();
    if t.contains('\n') || t.contains('|') {
        return None;
    }
    if let Some(rest) = t.strip_prefix('#') {
        return Some(1 + rest.chars().take_while(|&c| c == '#').count());
    }
    let words = t.split_whitespace().count();
    if t.len() > 90 || words == 0 || words > 12 || t.ends_with(['.', ',', ';', ':', '!', '?']) {
        return None;
    }
    // Captions lead into their table or figure.
    let first = t
        .split_whitespace()
        .next()
        .unwrap_or("")
        .to_ascii_lowercase();
    if matches!(
        first.as_str(),
        "table" | "figure" | "chart" | "box" | "source" | "note"
    ) {
        return None;
    }
    // Figures belong to tables and KPI lines, not headings ("2.1 Access" has one number).
    let numbers = t
        .split_whitespace()
        .filter(|w| w.chars().any(|c| c.is_ascii_digit()))
        .count();
    if numbers >= 2 {
        return None;
    }
    if let Some(m) = NUMBERED.captures(t) {
        return Some(m[1].split('.').count());
    }
    // A short line that starts with a capital and is not a sentence.
    t.chars().next().filter(|c| c.is_uppercase()).map(|_| 1)
}

fn kind_of(para: &str) -> BlockKind {
    let lines: Vec<&str> = para.lines().collect();
    if lines.iter().filter(|l| l.contains('|')).count() * 2 >= lines.len().max(2) {
        return BlockKind::Table;
    }
    let bullets = lines.iter().filter(|l| BULLET.is_match(l)).count();
    if bullets > 0 && bullets + 1 >= lines.len() {
        return BlockKind::List;
    }
    BlockKind::Paragraph
}

/// Splits cleaned text into blocks.
pub fn blocks(text: &str) -> Vec<Block> {
    let mut out: Vec<Block> = Vec::new();
    let mut path: Vec<(usize, String)> = Vec::new();
    let mut start = 0;
    for para in text.split("\n\n") {
        let span = start..start + para.len();
        start = span.end + 2;
        if para.trim().is_empty() {
            continue;
        }
        let heading_path =
            |path: &[(usize, String)]| path.iter().map(|(_, h)| h.clone()).collect::<Vec<_>>();
        if let Some(level) = heading(para) {
            path.retain(|(l, _)| *l < level);
            out.push(Block {
                kind: BlockKind::Heading,
                span,
                heading_path: heading_path(&path),
                level,
            });
            path.push((
                level,
                para.trim().trim_start_matches('#').trim().to_string(),
            ));
            continue;
        }
        let kind = kind_of(para);
        // Table rows that layout left as separate paragraphs make one table, with its
        // caption or lead-in when that comes just before.
        if kind == BlockKind::Table {
            if let Some(prev) = out.last_mut() {
                let prev_text = text[prev.span.clone()].trim_end();
                if prev.kind == BlockKind::Table
                    || (prev.kind == BlockKind::Paragraph
                        && !prev_text.contains('\n')
                        && prev_text.len() < 120)
                {
                    prev.span.end = span.end;
                    prev.kind = BlockKind::Table;
                    continue;
                }
            }
        }
        // A list keeps the sentence that introduces it.
        if kind == BlockKind::List {
            if let Some(prev) = out.last_mut() {
                if prev.kind == BlockKind::Paragraph
                    && text[prev.span.clone()].trim_end().ends_with(':')
                {
                    prev.span.end = span.end;
                    prev.kind = BlockKind::List;
                    continue;
                }
            }
        }
        out.push(Block {
            kind,
            span,
            heading_path: heading_path(&path),
            level: 0,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_headings_lists_with_lead_ins_tables_and_paragraphs() {
        let text = "# Start well\n\nChildren deserve the best start.\n\nWe will:\n\n• fund health visitors\n• open family hubs\n\n\
                    ## Measures\n\nIndicator | Baseline | Target\nSmoking in pregnancy | 11% | 6%\n\n\
                    2 Live well\n\nAdults should thrive.";
        let b = blocks(text);
        let kinds: Vec<BlockKind> = b.iter().map(|b| b.kind).collect();
        use BlockKind::*;
        assert_eq!(
            kinds,
            [Heading, Paragraph, List, Heading, Table, Heading, Paragraph]
        );
        assert_eq!(
            &text[b[2].span.clone()],
            "We will:\n\n• fund health visitors\n• open family hubs"
        );
        assert_eq!(b[2].heading_path, ["Start well"]);
        assert_eq!(b[4].heading_path, ["Start well", "Measures"]);
        assert_eq!(b[6].heading_path, ["2 Live well"]);
    }

    #[test]
    fn sentences_are_not_headings() {
        assert_eq!(heading("We will act."), None);
        assert_eq!(heading("our priorities"), None);
        assert_eq!(heading("3.2 Tackling inequalities"), Some(2));
        assert_eq!(heading("Appendix A"), Some(1));
        assert_eq!(heading("Smoking at time of delivery 11.2% 6.0%"), None);
        assert_eq!(heading("Indicator | Baseline | Target"), None);
        assert_eq!(heading("Table 1: Key indicators"), None);
    }
}
