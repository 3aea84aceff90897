//! `diff.html`: one self-contained page in the report's style: a heatmap of what each
//! ICS gained, lost and kept, per document kind, with a click through to the strongest
//! passage before and after; the documents new, gone or replaced; every gain and loss.

use std::collections::BTreeSet;

use serde_json::json;

use crate::diff::Diff;

const TEMPLATE: &str = include_str!("diff.html.j2");

/// Renders the page.
pub fn render(diff: &Diff) -> Result<String, minijinja::Error> {
    let systems: BTreeSet<&str> = diff.cells.iter().map(|c| c.ics.as_str()).collect();
    let data = json!({
        "labels": diff.labels,
        "systems": systems,
        "cells": diff.cells,
    });
    // JSON inside <script>: no raw `<`, `>` or `&` (a passage may hold `</script>`).
    let data_json = data
        .to_string()
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026");
    let changes: Vec<_> = diff
        .cells
        .iter()
        .filter(|c| c.change == "gained" || c.change == "lost")
        .map(|c| {
            json!({
                "ics": c.ics, "kind": c.kind, "theme": c.theme, "change": c.change,
                "passages_old": c.passages_old, "passages_new": c.passages_new,
                "shares": format!("{:.3} → {:.3}", c.share_old, c.share_new),
            })
        })
        .collect();
    let changed_documents = diff.documents.iter().filter(|d| d.status != "kept").count();
    use minijinja::value::{Serde, Value as V};
    let mut env = minijinja::Environment::new();
    env.set_auto_escape_callback(|_| minijinja::AutoEscape::Html);
    env.add_template("diff.html", TEMPLATE)?;
    env.get_template("diff.html")?.render(minijinja::context! {
        diff => V::from(Serde(diff)),
        changes => V::from(Serde(&changes)),
        changed_documents => changed_documents,
        data_json => V::from_safe_string(data_json),
    })
}
