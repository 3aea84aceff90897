//! Ingest and segment on realistic fixtures and on every kind of bad input, through
//! the real worker process.

use std::io::Write;
use std::path::{Path, PathBuf};

use planthemes::ingest::{read_all, Format, IngestOptions, Reason};
use serde_json::Value;

use crate::support::{planthemes, stderr};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

fn options() -> IngestOptions {
    IngestOptions {
        worker: Some(PathBuf::from(env!("CARGO_BIN_EXE_planthemes"))),
        ..IngestOptions::default()
    }
}

/// `planthemes segment --json` on one file: its passages.
fn passages(file: &Path) -> Vec<Value> {
    let out = planthemes(
        Path::new(env!("CARGO_MANIFEST_DIR")),
        &["segment", "--json", file.to_str().unwrap()],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    doc["documents"][0]["passages"].as_array().unwrap().clone()
}

fn find<'a>(passages: &'a [Value], needle: &str) -> &'a Value {
    passages
        .iter()
        .find(|p| p["text"].as_str().unwrap().contains(needle))
        .unwrap_or_else(|| panic!("no passage contains {needle:?}"))
}

#[test]
fn a_plan_pdf_becomes_clean_passages_with_the_right_pages() {
    let ps = passages(&fixture("plan_report.pdf"));
    let all: String = ps
        .iter()
        .map(|p| p["text"].as_str().unwrap())
        .collect::<Vec<_>>()
        .join("\n");
    // Running header, footer and page numbers are gone.
    assert!(!all.contains("OFFICIAL"), "{all}");
    assert!(!all.contains("Page 3 of 5"), "{all}");
    assert!(!all.contains("Integrated Care Strategy 2024-2029"), "{all}");
    // The hyphenated word is whole; ligatures are letters.
    assert!(all.contains("Closing that gap requires action"), "{all}");
    assert!(!all.contains("re-"), "{all}");
    assert!(
        all.contains("financial hardship") && all.contains("flu vaccination"),
        "{all}"
    );
    // Columns read in order: all of the left, then all of the right.
    let left_end = all.find("LEFT COLUMN ENDS").unwrap();
    let right_start = all.find("RIGHT COLUMN STARTS").unwrap();
    assert!(all.find("LEFT COLUMN STARTS").unwrap() < left_end && left_end < right_start);
    assert!(
        all.contains("Smoking remains the largest single cause"),
        "{all}"
    );

    // Pages and headings.
    assert_eq!(find(&ps, "financial hardship")["page_first"], 2);
    let list = find(&ps, "named health visitor");
    assert!(list["text"]
        .as_str()
        .unwrap()
        .contains("Our priorities for the early years are:"));
    assert_eq!(list["heading_path"][0], "2 Start well");
    assert_eq!(find(&ps, "Smoking at time of delivery")["page_first"], 4);
    assert_eq!(find(&ps, "RIGHT COLUMN STARTS")["page_first"], 3);
    // The sentence over the page turn is whole, and spans pages 4-5.
    let turn = find(
        &ps,
        "the district councils and the voluntary sector to agree",
    );
    assert_eq!(
        (turn["page_first"].as_u64(), turn["page_last"].as_u64()),
        (Some(4), Some(5))
    );
    assert_eq!(
        find(&ps, "population health platform")["heading_path"][0],
        "5 Working together"
    );
}

#[test]
fn an_html_page_keeps_the_article_and_drops_the_boilerplate() {
    let ps = passages(&fixture("plan_page.html"));
    let all: String = ps
        .iter()
        .map(|p| p["text"].as_str().unwrap())
        .collect::<Vec<_>>()
        .join("\n");
    for gone in [
        "cookies",
        "Skip to main content",
        "Privacy notice",
        "Subscribe",
        "Related pages",
        "Search this site",
    ] {
        assert!(!all.contains(gone), "{gone:?} leaked into {all}");
    }
    assert!(all.contains("no one will wait more than 65 weeks"), "{all}");
    let list = find(&ps, "community diagnostic centres");
    assert!(
        list["text"].as_str().unwrap().contains("We will:"),
        "{list}"
    );
}

#[test]
fn a_docx_keeps_headings_lists_and_tables() {
    let ps = passages(&fixture("plan.docx"));
    let list = find(&ps, "annual physical health check");
    assert!(list["text"]
        .as_str()
        .unwrap()
        .contains("People with severe mental illness will be offered:"));
    assert_eq!(
        list["heading_path"].as_array().unwrap().last().unwrap(),
        "Mental health"
    );
    let table = find(&ps, "SMI health checks");
    assert!(table["text"].as_str().unwrap().contains("52%"));
}

/// A valid, uncompressed PDF of `pages` pages with one line of text each.
fn many_page_pdf(path: &Path, pages: usize) {
    let mut body: Vec<u8> = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    let font = 3 + 2 * pages;
    let mut object = |body: &mut Vec<u8>, n: usize, content: String| {
        offsets.push((n, body.len()));
        body.extend(format!("{n} 0 obj\n{content}\nendobj\n").as_bytes());
    };
    object(&mut body, 1, "<< /Type /Catalog /Pages 2 0 R >>".into());
    let kids: Vec<String> = (0..pages).map(|i| format!("{} 0 R", 3 + 2 * i)).collect();
    object(
        &mut body,
        2,
        format!(
            "<< /Type /Pages /Kids [{}] /Count {pages} >>",
            kids.join(" ")
        ),
    );
    for i in 0..pages {
        let stream = format!(
            "BT /F1 11 Tf 50 780 Td (Section {} of the plan describes local services.) Tj ET",
            i + 1
        );
        object(
            &mut body,
            3 + 2 * i,
            format!("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 {font} 0 R >> >> /Contents {} 0 R >>", 4 + 2 * i),
        );
        object(
            &mut body,
            4 + 2 * i,
            format!(
                "<< /Length {} >>\nstream\n{stream}\nendstream",
                stream.len()
            ),
        );
    }
    object(
        &mut body,
        font,
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".into(),
    );
    offsets.sort();
    let xref = body.len();
    body.extend(format!("xref\n0 {}\n0000000000 65535 f \n", font + 1).as_bytes());
    for (_, off) in &offsets {
        body.extend(format!("{off:010} 00000 n \n").as_bytes());
    }
    body.extend(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            font + 1
        )
        .as_bytes(),
    );
    std::fs::write(path, body).unwrap();
}

fn docx_bomb(path: &Path) {
    let file = std::fs::File::create(path).unwrap();
    let mut zip = zip::ZipWriter::new(file);
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .large_file(true);
    zip.start_file("[Content_Types].xml", opts).unwrap();
    zip.write_all(br#"<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>"#).unwrap();
    zip.start_file("word/document.xml", opts).unwrap();
    zip.write_all(b"<?xml version=\"1.0\"?><w:document><w:body><w:p><w:r><w:t>")
        .unwrap();
    let zeros = vec![b'a'; 1 << 20];
    for _ in 0..600 {
        zip.write_all(&zeros).unwrap();
    }
    zip.finish().unwrap();
}

#[test]
fn every_bad_input_is_a_named_error_and_the_batch_completes() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let good = std::fs::read(fixture("plan_report.pdf")).unwrap();
    let put = |name: &str, bytes: &[u8]| {
        let p = dir.join(name);
        std::fs::write(&p, bytes).unwrap();
        p
    };
    let mut garbage = b"%PDF-1.7\n".to_vec();
    garbage.extend((0..20_000u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8));
    let nested = format!(
        "<html><body>{}deep{}</body></html>",
        "<div>".repeat(10_000),
        "</div>".repeat(10_000)
    );
    let cases: Vec<(PathBuf, &str)> = vec![
        (put("corrupt.pdf", &garbage), "corrupt or truncated PDF"),
        (
            put("truncated.pdf", &good[..good.len() / 3]),
            "corrupt or truncated PDF",
        ),
        (fixture("encrypted.pdf"), "encrypted with a password"),
        (fixture("scanned.pdf"), "no text layer: scanned?"),
        (put("empty.pdf", b""), "the file is empty"),
        (
            put("noise.pdf", &[0x13u8, 0x00, 0xff, 0x7f].repeat(500)),
            "no %PDF header",
        ),
        (
            put(
                "page.pdf",
                &std::fs::read(fixture("plan_page.html")).unwrap(),
            ),
            "the name says .pdf but the content is an HTML page; rename it to .html",
        ),
        (
            put(
                "notzip.docx",
                b"Joint forward plan, saved as text by mistake.\n",
            ),
            "not a zip archive",
        ),
    ];
    let bomb = dir.join("bomb.docx");
    docx_bomb(&bomb);
    let long = dir.join("long.pdf");
    many_page_pdf(&long, 1000);
    let legacy = put(
        "legacy.txt",
        b"The council will spend \xA32.4m on warm homes \x96 starting this winter.\n",
    );
    let deep = put("deep.html", nested.as_bytes());

    let mut paths: Vec<PathBuf> = cases.iter().map(|(p, _)| p.clone()).collect();
    paths.extend([
        bomb.clone(),
        long.clone(),
        legacy.clone(),
        deep.clone(),
        fixture("plan_report.pdf"),
    ]);
    let results = read_all(&paths, &options(), &|| {});
    assert_eq!(results.len(), paths.len());

    for ((path, expected), result) in cases.iter().zip(&results) {
        let err = result
            .as_ref()
            .err()
            .unwrap_or_else(|| panic!("{} was read", path.display()));
        let message = err.to_string();
        assert!(
            message.starts_with(&path.display().to_string()),
            "{message}"
        );
        assert!(message.contains(expected), "{message} lacks {expected:?}");
    }
    let n = cases.len();
    // The zip bomb is refused without taking the batch down.
    let bomb_err = results[n]
        .as_ref()
        .expect_err("the zip bomb was read")
        .to_string();
    assert!(
        bomb_err.starts_with(&bomb.display().to_string()),
        "{bomb_err}"
    );
    // 1,000 pages work.
    let long_doc = results[n + 1].as_ref().expect("the 1,000-page PDF");
    assert_eq!(long_doc.pages.len(), 1000);
    assert!(long_doc.pages[999]
        .text
        .contains("Section 1000 of the plan"));
    // Windows-1252 text is decoded.
    let legacy_doc = results[n + 2].as_ref().expect("the legacy-encoded text");
    assert_eq!(legacy_doc.format, Format::Text);
    assert!(legacy_doc.pages[0]
        .text
        .contains("£2.4m on warm homes – starting"));
    // Deep nesting: read or refused, but never a crash of the batch.
    if let Err(e) = &results[n + 3] {
        assert!(e.to_string().starts_with(&deep.display().to_string()));
    }
    // And the good document still comes through.
    assert_eq!(
        results[n + 4].as_ref().expect("the good PDF").pages.len(),
        5
    );
}

#[test]
fn a_worker_crash_or_timeout_is_that_documents_error() {
    // A worker that is not planthemes at all: `false` exits 1 at once.
    let opts = IngestOptions {
        worker: Some(PathBuf::from("false")),
        ..IngestOptions::default()
    };
    let r = read_all(&[fixture("plan_report.pdf")], &opts, &|| {});
    match &r[0] {
        Err(e) => assert!(matches!(e.reason, Reason::Crashed(_)), "{e}"),
        Ok(_) => panic!("a failing worker produced a document"),
    }
    let tmp = tempfile::tempdir().unwrap();
    let slow = tmp.path().join("slow-worker");
    std::fs::write(&slow, "#!/bin/sh\nsleep 30\n").unwrap();
    let mut perms = std::fs::metadata(&slow).unwrap().permissions();
    std::os::unix::fs::PermissionsExt::set_mode(&mut perms, 0o755);
    std::fs::set_permissions(&slow, perms).unwrap();
    let opts = IngestOptions {
        worker: Some(slow),
        timeout: std::time::Duration::from_millis(300),
        ..IngestOptions::default()
    };
    let r = read_all(&[fixture("plan_report.pdf")], &opts, &|| {});
    assert!(matches!(
        r[0].as_ref().unwrap_err().reason,
        Reason::TimedOut(_)
    ));
}

/// `segment --json` with extra arguments and environment.
fn segment_with(file: &Path, args: &[&str], env: &[(&str, &str)]) -> std::process::Output {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_planthemes"));
    cmd.current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("HF_HUB_OFFLINE", "1")
        .args(["segment", "--json"])
        .args(args)
        .arg(file);
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().unwrap()
}

#[test]
fn poppler_reads_the_plan_pdf_as_the_second_engine() {
    let out = segment_with(
        &fixture("plan_report.pdf"),
        &["--pdf-engine", "poppler"],
        &[],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    let passages = doc["documents"][0]["passages"].as_array().unwrap().clone();
    let all: String = passages
        .iter()
        .map(|p| p["text"].as_str().unwrap())
        .collect::<Vec<_>>()
        .join("\n");
    assert!(!all.contains("OFFICIAL"), "footer left in: {all}");
    assert!(
        !all.contains("Integrated Care Strategy 2024-2029"),
        "header left in"
    );
    assert!(all.contains("requires") && all.contains("financial hardship"));
    let left = find(&passages, "LEFT COLUMN STARTS");
    assert!(left["page_first"].as_u64().unwrap() <= 3 && left["page_last"].as_u64().unwrap() >= 3);
    assert_eq!(find(&passages, "72%")["page_first"], 4);
}

#[test]
fn without_pdfium_a_pdf_is_read_by_poppler_and_says_so() {
    let missing = [("PLANTHEMES_PDFIUM", "/nonexistent/libpdfium.so")];
    let out = segment_with(&fixture("plan_report.pdf"), &[], &missing);
    assert!(out.status.success(), "{}", stderr(&out));
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    let note = doc["documents"][0]["note"].as_str().unwrap_or_default();
    assert!(
        note.contains("poppler") && note.contains("PDF support is not set up"),
        "{note}"
    );
    assert!(!doc["documents"][0]["passages"]
        .as_array()
        .unwrap()
        .is_empty());

    // Asked for PDFium only, the same file fails, naming the fix.
    let out = segment_with(
        &fixture("plan_report.pdf"),
        &["--pdf-engine", "pdfium"],
        &missing,
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("setup-pdfium.sh"), "{}", stderr(&out));

    // A file neither engine can read keeps PDFium's reason.
    let garbage = tempfile::Builder::new().suffix(".pdf").tempfile().unwrap();
    std::fs::write(
        garbage.path(),
        b"%PDF-1.7\n1 0 obj << /Type /Catalog >> garbage",
    )
    .unwrap();
    let out = segment_with(garbage.path(), &[], &[]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("corrupt or truncated PDF"),
        "{}",
        stderr(&out)
    );
}
