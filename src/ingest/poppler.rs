//! The second PDF engine: poppler's `pdftotext` (Debian's `poppler-utils`,
//! installed by `scripts/setup-pdfium.sh`). The survey
//! (`shared/research/ingest-libraries.md`) found it, like PDFium, survived every
//! hostile file; it is a separate program, so a crash is only an exit status. It is
//! used when PDFium cannot read a file (crash, time-out, a structure PDFium rejects)
//! or is not installed, or on request (`--pdf-engine poppler`).
//!
//! Its plain mode gives reading order with a blank line between text blocks and a
//! form feed between pages, which is what the cleaner expects; tables come out one
//! cell per block, which is worse than our PDFium layout, hence second.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use super::{Page, Reason};

/// Longest a `pdftotext` run may take inside a worker (the worker's own limit is the
/// one users set; this only stops an orphan outliving it by much).
const LIMIT: Duration = Duration::from_secs(600);

/// Whether `pdftotext` can be run.
pub fn available() -> bool {
    Command::new("pdftotext")
        .arg("-v")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

pub fn extract(path: &Path) -> Result<(Option<String>, Vec<Page>), Reason> {
    let (status, stdout, stderr) = run(Command::new("pdftotext")
        .args(["-enc", "UTF-8", "-eol", "unix"])
        .arg(path)
        .arg("-"))?;
    if !status {
        return Err(reason(&stderr));
    }
    let text = String::from_utf8_lossy(&stdout);
    let mut pieces: Vec<&str> = text.split('\u{c}').collect();
    if pieces.len() > 1 && pieces.last().is_some_and(|p| p.trim().is_empty()) {
        pieces.pop();
    }
    let pages = pieces
        .iter()
        .enumerate()
        .map(|(i, t)| Page {
            number: i as u32 + 1,
            text: t.trim_matches('\n').to_string(),
        })
        .collect();
    Ok((title(path), pages))
}

/// The document's Title from `pdfinfo`, when it has one.
fn title(path: &Path) -> Option<String> {
    let (ok, stdout, _) = run(Command::new("pdfinfo").args(["-enc", "UTF-8"]).arg(path)).ok()?;
    if !ok {
        return None;
    }
    String::from_utf8_lossy(&stdout)
        .lines()
        .find_map(|l| l.strip_prefix("Title:"))
        .map(|t| t.trim().to_string())
        .filter(|t| !t.is_empty())
}

/// What `pdftotext` said, as a reason.
fn reason(stderr: &str) -> Reason {
    if stderr.contains("Incorrect password") || stderr.contains("Permission Error") {
        return Reason::Encrypted;
    }
    let detail = stderr
        .lines()
        .map(str::trim)
        .rfind(|l| !l.is_empty())
        .unwrap_or("pdftotext failed")
        .to_string();
    Reason::Corrupt {
        format: "PDF".into(),
        detail: format!("poppler: {detail}"),
    }
}

/// Runs a command to completion (or [`LIMIT`]), collecting its output.
fn run(cmd: &mut Command) -> Result<(bool, Vec<u8>, String), Reason> {
    let child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| {
            Reason::NoPdfium(format!(
                "cannot run poppler's pdftotext ({e}); install poppler-utils"
            ))
        })?;
    let (status, stdout, stderr) = super::worker::wait_limited(child, LIMIT)?;
    Ok((status.success(), stdout, stderr))
}
