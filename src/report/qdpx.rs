//! REFI-QDA exchange: a run as a `.qdpx` project (a zip of `project.qde` and the
//! documents' texts) that NVivo, ATLAS.ti, MAXQDA and QualCoder open, the codebook
//! alone as a `.qdc`, and a reviewed `.qdpx` read back as decisions.
//!
//! In the project:
//! - the codebook is the taxonomy: each group a parent code, each label a codable code
//!   under it, with its description and a colour;
//! - each document is a `TextSource` holding its kept text (`documents/<id>.txt`);
//! - each coded passage × label is a `PlainTextSelection` over the passage's characters
//!   (Unicode scalar values, counted from 0, end exclusive), with one `Coding` by a
//!   user named for the classifier;
//! - ICS, kind and year are `Variables`; each ICS and each kind is a `Case`.
//!
//! GUIDs are derived from the run and the names they stand for, so exporting a run
//! twice gives the same project, and a reviewed project maps back to the run.
//!
//! The XML is written here, not with an XML crate: the schema's shape is fixed and
//! small, and [`esc`] covers what XML 1.0 needs (escapes, and characters it forbids).

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt::Write as _;
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

use super::{PassageRecord, RunRecord};
use crate::review::read::{now, ReviewError};
use crate::review::{Decision, Review};

/// The project's namespace (QDA-XML 1.0).
const PROJECT_NS: &str = "urn:QDA-XML:project:1.0";
const CODEBOOK_NS: &str = "urn:QDA-XML:codebook:1.0";

/// Colours for codes, one per label in taxonomy order (a qualitative palette, light
/// enough to read black text on).
const COLOURS: [&str; 16] = [
    "#4E79A7", "#F28E2B", "#E15759", "#76B7B2", "#59A14F", "#EDC948", "#B07AA1", "#FF9DA7",
    "#9C755F", "#BAB0AC", "#86BCB6", "#F1CE63", "#D37295", "#A0CBE8", "#8CD17D", "#FFBE7D",
];

/// A GUID for `what` in this run: blake3 of both, shaped as an RFC 4122 version-8
/// (custom) UUID.
fn guid(run: &str, what: &str) -> String {
    let hash = blake3::hash(format!("planthemes\u{1f}{run}\u{1f}{what}").as_bytes());
    let mut b: [u8; 16] = hash.as_bytes()[..16].try_into().expect("16 bytes");
    b[6] = (b[6] & 0x0f) | 0x80;
    b[8] = (b[8] & 0x3f) | 0x80;
    let h: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &h[..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..]
    )
}

/// Escapes text for XML attributes and content, dropping the control characters XML
/// 1.0 cannot hold.
fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{fffe}' || c == '\u{ffff}' => {}
            c => out.push(c),
        }
    }
    out
}

/// A run's identity for GUIDs: its taxonomy and creation time.
fn run_key(record: &RunRecord) -> String {
    format!("{}@{}", record.taxonomy_hash, record.created)
}

fn group_name(id: &str) -> String {
    let words = id.replace(['_', '-'], " ");
    let mut chars = words.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().collect::<String>() + chars.as_str())
        .unwrap_or_default()
}

/// The `<Codes>` element: groups as parents, labels as codable children.
fn codes_xml(record: &RunRecord, key: &str) -> String {
    let mut groups: Vec<&str> = Vec::new();
    for l in &record.labels {
        if !groups.contains(&l.group.as_str()) {
            groups.push(&l.group);
        }
    }
    let mut x = String::from("<Codes>");
    for g in groups {
        let _ = write!(
            x,
            r##"<Code guid="{}" name="{}" isCodable="false" color="#808080">"##,
            guid(key, &format!("group:{g}")),
            esc(&group_name(g))
        );
        for (i, l) in record
            .labels
            .iter()
            .enumerate()
            .filter(|(_, l)| l.group == g)
        {
            let _ = write!(
                x,
                r#"<Code guid="{}" name="{}" isCodable="true" color="{}"><Description>{}</Description></Code>"#,
                code_guid(key, &l.id),
                esc(&l.name),
                COLOURS[i % COLOURS.len()],
                esc(&format!("{} [{}]", l.description.trim(), l.id))
            );
        }
        x.push_str("</Code>");
    }
    x.push_str("</Codes>");
    x
}

fn code_guid(key: &str, label: &str) -> String {
    guid(key, &format!("code:{label}"))
}

/// The codebook alone (`.qdc`).
pub fn codebook(record: &RunRecord) -> String {
    let key = run_key(record);
    format!(
        r#"<?xml version="1.0" encoding="utf-8"?>
<CodeBook xmlns="{CODEBOOK_NS}" origin="planthemes {}">{}</CodeBook>
"#,
        esc(&record.version),
        codes_xml(record, &key)
    )
}

/// Why a run cannot be exported.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error(
        "{dir}: the run kept no text for {doc} (runs before planthemes kept documents/<id>.txt cannot be exported; run the round again)",
        dir = .0.display(),
        doc = .1
    )]
    NoText(PathBuf, String),
    #[error("{dir}: {err}", dir = .0.display(), err = .1)]
    Io(PathBuf, io::Error),
}

/// Byte offsets → character offsets in `text`.
fn char_offsets(text: &str, bytes: &[usize]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..bytes.len()).collect();
    order.sort_by_key(|&i| bytes[i]);
    let mut out = vec![0; bytes.len()];
    let (mut at_byte, mut at_char) = (0, 0);
    for i in order {
        let b = bytes[i].min(text.len());
        at_char += text[at_byte..b].chars().count();
        at_byte = b;
        out[i] = at_char;
    }
    out
}

/// Reads a document's kept text.
fn kept_text(run_dir: &Path, record: &RunRecord, doc: &str) -> Result<String, ExportError> {
    let d = record.documents.iter().find(|d| d.id == doc);
    let Some(rel) = d.and_then(|d| d.text.as_ref()) else {
        return Err(ExportError::NoText(run_dir.to_path_buf(), doc.to_string()));
    };
    let path = run_dir.join(rel);
    std::fs::read_to_string(&path).map_err(|e| ExportError::Io(path, e))
}

/// The whole project as a `.qdpx` file's bytes.
pub fn project(
    run_dir: &Path,
    record: &RunRecord,
    passages: &[PassageRecord],
) -> Result<Vec<u8>, ExportError> {
    let key = run_key(record);
    let created = &record.created;
    let user = guid(&key, "user:classifier");
    let mut sources: Vec<(String, String)> = Vec::new(); // (guid, text)
    let by_doc: BTreeMap<&str, Vec<&PassageRecord>> =
        passages.iter().fold(BTreeMap::new(), |mut m, p| {
            m.entry(p.doc.as_str()).or_default().push(p);
            m
        });
    let names: HashMap<&str, &str> = record
        .labels
        .iter()
        .map(|l| (l.id.as_str(), l.name.as_str()))
        .collect();

    let variables = [("ICS", "ics"), ("Kind", "kind"), ("Year", "year")];
    let mut x = String::new();
    let _ = write!(
        x,
        r#"<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="{PROJECT_NS}" name="{}" origin="planthemes {}" creatingUserGUID="{user}" creationDateTime="{created}">"#,
        esc(&format!("planthemes: {}", record.round)),
        esc(&record.version)
    );
    let _ = write!(
        x,
        r#"<Users><User guid="{user}" name="{}" id="planthemes"/></Users>"#,
        esc(&format!(
            "planthemes ({} classifier)",
            record.classifier.name
        ))
    );
    let _ = write!(x, "<CodeBook>{}</CodeBook>", codes_xml(record, &key));
    x.push_str("<Variables>");
    for (name, id) in variables {
        let _ = write!(
            x,
            r#"<Variable guid="{}" name="{name}" typeOfVariable="Text"/>"#,
            guid(&key, &format!("variable:{id}"))
        );
    }
    x.push_str("</Variables>");

    // Cases: each ICS and each kind, with the documents in it.
    let mut cases: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for d in &record.documents {
        let source = guid(&key, &format!("source:{}", d.id));
        cases.entry(d.ics.clone()).or_default().push(source.clone());
        cases
            .entry(format!("Kind: {}", d.kind.plural()))
            .or_default()
            .push(source);
    }
    if !cases.is_empty() {
        x.push_str("<Cases>");
        for (name, refs) in &cases {
            let _ = write!(
                x,
                r#"<Case guid="{}" name="{}">"#,
                guid(&key, &format!("case:{name}")),
                esc(name)
            );
            for r in refs {
                let _ = write!(x, r#"<SourceRef targetGUID="{r}"/>"#);
            }
            x.push_str("</Case>");
        }
        x.push_str("</Cases>");
    }

    x.push_str("<Sources>");
    for d in &record.documents {
        let text = kept_text(run_dir, record, &d.id)?;
        let source = guid(&key, &format!("source:{}", d.id));
        let _ = write!(
            x,
            r#"<TextSource guid="{source}" name="{}" plainTextPath="internal://{source}.txt" creatingUser="{user}" creationDateTime="{created}"><Description>{}</Description>"#,
            esc(&d.file),
            esc(&format!(
                "{} · {} · {}{}",
                d.title.as_deref().unwrap_or(&d.id),
                d.ics,
                d.kind.as_str(),
                d.year
                    .as_deref()
                    .map(|y| format!(" · {y}"))
                    .unwrap_or_default()
            ))
        );
        let ps = by_doc.get(d.id.as_str()).map(Vec::as_slice).unwrap_or(&[]);
        let bytes: Vec<usize> = ps.iter().flat_map(|p| [p.span[0], p.span[1]]).collect();
        let chars = char_offsets(&text, &bytes);
        for (i, p) in ps.iter().enumerate() {
            let (start, end) = (chars[2 * i], chars[2 * i + 1]);
            for label in p.coded() {
                let score = p
                    .scores
                    .get(label)
                    .map(|s| format!("score {s:.2}"))
                    .unwrap_or_default();
                let by = if p.labels.contains(label) {
                    score
                } else {
                    "added by a reviewer".into()
                };
                let _ = write!(
                    x,
                    r#"<PlainTextSelection guid="{}" name="{}" startPosition="{start}" endPosition="{end}" creatingUser="{user}" creationDateTime="{created}"><Description>{}</Description><Coding guid="{}" creatingUser="{user}" creationDateTime="{created}"><CodeRef targetGUID="{}"/></Coding></PlainTextSelection>"#,
                    guid(&key, &format!("selection:{}:{label}", p.id)),
                    esc(&format!(
                        "{} · {}",
                        p.id,
                        names.get(label.as_str()).unwrap_or(&label.as_str())
                    )),
                    esc(&format!("{} · {by}", p.citation())),
                    guid(&key, &format!("coding:{}:{label}", p.id)),
                    code_guid(&key, label)
                );
            }
        }
        for (name, id) in variables {
            let value = match id {
                "ics" => d.ics.clone(),
                "kind" => d.kind.as_str().to_string(),
                _ => d.year.clone().unwrap_or_default(),
            };
            let _ = write!(
                x,
                r#"<VariableValue><VariableRef targetGUID="{}"/><TextValue>{}</TextValue></VariableValue>"#,
                guid(&key, &format!("variable:{id}")),
                esc(&value)
            );
            let _ = name;
        }
        x.push_str("</TextSource>");
        sources.push((source, text));
    }
    x.push_str("</Sources>");
    let _ = writeln!(
        x,
        "<Description>{}</Description></Project>",
        esc(&format!(
            "Coded by planthemes {} with the {} classifier{} on {}. Each selection is one passage with one theme; its description gives the page (PDF) or section and paragraph, and the score.",
            record.version,
            record.classifier.name,
            record
                .encoder
                .as_ref()
                .map(|e| format!(" over {}", e.ids()))
                .unwrap_or_default(),
            record.created
        ))
    );

    let io = |e: io::Error| ExportError::Io(run_dir.to_path_buf(), e);
    let mut zip = zip::ZipWriter::new(io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    let zerr = |e: zip::result::ZipError| io(io::Error::other(e));
    zip.start_file("project.qde", options).map_err(zerr)?;
    zip.write_all(x.as_bytes()).map_err(io)?;
    for (source, text) in &sources {
        zip.start_file(format!("sources/{source}.txt"), options)
            .map_err(zerr)?;
        zip.write_all(text.as_bytes()).map_err(io)?;
    }
    Ok(zip.finish().map_err(zerr)?.into_inner())
}

/// A reviewed project read back as decisions on the run's passages:
/// - a code the machine gave that is no longer on any selection over a passage is
///   rejected;
/// - a theme's code on a selection over a passage that the machine did not give it is
///   added (a selection covers the passages holding its middle, and any it spans
///   whole).
///
/// Sources the reviewed project does not hold are left unreviewed. Codes that are not
/// themes are reported and skipped.
pub fn read_review(
    path: &Path,
    run_dir: &Path,
    record: &RunRecord,
    passages: &[PassageRecord],
    theme: &dyn Fn(&str) -> Option<String>,
) -> Result<(Vec<Review>, Vec<String>), ReviewError> {
    let fail = |e: String| ReviewError::Read(path.to_path_buf(), e);
    let file = std::fs::File::open(path).map_err(|e| fail(e.to_string()))?;
    let mut zip = zip::ZipArchive::new(file).map_err(|e| fail(format!("not a zip file ({e})")))?;
    let name = zip
        .file_names()
        .filter_map(|n| n.ok().map(|n| n.to_string()))
        .find(|n| n.to_ascii_lowercase().ends_with(".qde"))
        .ok_or_else(|| fail("no project.qde inside".into()))?;
    let mut xml = String::new();
    zip.by_name(&name)
        .map_err(|e| fail(e.to_string()))?
        .read_to_string(&mut xml)
        .map_err(|e| fail(format!("{name}: {e}")))?;
    let doc = roxmltree::Document::parse(&xml).map_err(|e| fail(format!("{name}: {e}")))?;

    let mut notes = Vec::new();
    // Codes → themes, by name or id (a tool may renew GUIDs; names survive).
    let mut codes: HashMap<String, Option<String>> = HashMap::new();
    for code in doc.descendants().filter(|n| n.has_tag_name("Code")) {
        let (Some(g), Some(n)) = (code.attribute("guid"), code.attribute("name")) else {
            continue;
        };
        let found = theme(n).or_else(|| {
            // Our own export puts `[label id]` at the end of each description.
            code.children()
                .find(|c| c.has_tag_name("Description"))
                .and_then(|d| d.text())
                .and_then(|t| t.trim_end().strip_suffix(']'))
                .and_then(|t| t.rsplit_once('['))
                .and_then(|(_, id)| theme(id))
        });
        if found.is_none() && code.attribute("isCodable") != Some("false") {
            notes.push(format!(
                "code {n:?} is not a theme of this run; its codings are skipped"
            ));
        }
        codes.insert(g.to_ascii_lowercase(), found);
    }
    let key = run_key(record);
    let by_source: HashMap<String, &str> = record
        .documents
        .iter()
        .flat_map(|d| {
            [
                (guid(&key, &format!("source:{}", d.id)), d.id.as_str()),
                (d.file.to_ascii_lowercase(), d.id.as_str()),
            ]
        })
        .collect();
    let mut by_doc: HashMap<&str, Vec<&PassageRecord>> = HashMap::new();
    for p in passages {
        by_doc.entry(p.doc.as_str()).or_default().push(p);
    }

    let recorded = now();
    let file_name = path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    let mut out = Vec::new();
    for source in doc.descendants().filter(|n| n.has_tag_name("TextSource")) {
        let doc_id = source
            .attribute("guid")
            .and_then(|g| by_source.get(&g.to_ascii_lowercase()))
            .or_else(|| {
                source
                    .attribute("name")
                    .and_then(|n| by_source.get(&n.to_ascii_lowercase()))
            });
        let Some(&doc_id) = doc_id else {
            notes.push(format!(
                "source {:?} is not a document of this run; skipped",
                source.attribute("name").unwrap_or("")
            ));
            continue;
        };
        let ps = by_doc.get(doc_id).map(Vec::as_slice).unwrap_or(&[]);
        let text = kept_text(run_dir, record, doc_id).map_err(|e| fail(e.to_string()))?;
        let bytes: Vec<usize> = ps.iter().flat_map(|p| [p.span[0], p.span[1]]).collect();
        let chars = char_offsets(&text, &bytes);
        let mut present: Vec<BTreeSet<String>> = vec![BTreeSet::new(); ps.len()];
        for sel in source
            .descendants()
            .filter(|n| n.has_tag_name("PlainTextSelection"))
        {
            let pos = |a: &str| {
                sel.attribute(a)
                    .and_then(|v| v.trim().parse::<usize>().ok())
            };
            let (Some(start), Some(end)) = (pos("startPosition"), pos("endPosition")) else {
                continue;
            };
            let (start, end) = (start.min(end), start.max(end));
            let middle = (start + end) / 2;
            let themes: Vec<String> = sel
                .descendants()
                .filter(|n| n.has_tag_name("CodeRef"))
                .filter_map(|r| r.attribute("targetGUID"))
                .filter_map(|g| codes.get(&g.to_ascii_lowercase()).cloned().flatten())
                .collect();
            for i in 0..ps.len() {
                let (a, b) = (chars[2 * i], chars[2 * i + 1]);
                let holds_middle = a <= middle && middle < b.max(a + 1);
                let spanned = start <= a && b <= end && a < b;
                if holds_middle || spanned {
                    present[i].extend(themes.iter().cloned());
                }
            }
        }
        for (i, p) in ps.iter().enumerate() {
            let review = |label: &str, decision| Review {
                passage: p.id.clone(),
                label: label.to_string(),
                decision,
                source: format!("{file_name}: {}", p.id),
                recorded: recorded.clone(),
            };
            for label in &p.labels {
                if !present[i].contains(label) {
                    out.push(review(label, Decision::Reject));
                }
            }
            for label in &present[i] {
                if !p.labels.contains(label) {
                    out.push(review(label, Decision::Add));
                }
            }
        }
    }
    Ok((out, notes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guids_are_stable_and_shaped_as_the_schema_wants() {
        let g = guid("run", "code:access");
        assert_eq!(g, guid("run", "code:access"));
        assert_ne!(g, guid("run", "code:housing"));
        let parts: Vec<usize> = g.split('-').map(str::len).collect();
        assert_eq!(parts, [8, 4, 4, 4, 12]);
        assert!(g.chars().all(|c| c == '-' || c.is_ascii_hexdigit()));
    }

    #[test]
    fn byte_spans_become_character_positions() {
        let text = "a’b–c d";
        let bytes = [
            0,
            text.find('b').unwrap(),
            text.find('c').unwrap(),
            text.len(),
        ];
        assert_eq!(char_offsets(text, &bytes), [0, 2, 4, 7]);
    }

    #[test]
    fn escapes_and_drops_what_xml_cannot_hold() {
        assert_eq!(esc("a<b & \"c\"\u{1}\n"), "a&lt;b &amp; &quot;c&quot;\n");
    }
}
