#!/usr/bin/env python3
"""Build the sample round corpus/rounds/sample/ from corpus/rounds/sources/*.md.

The sources are plan documents written for this project (see
corpus/rounds/README.md). Each starts with front matter (file, format, ics, kind,
title, year); its body uses `#`/`##` headings, paragraphs, `- ` bullets, pipe tables
and `<!-- pagebreak -->` between pages. This script renders each one in the format
its front matter names, as a real publisher would:

- pdf:  A4 pages (reportlab), a running header with the document title, a footer
        "Page N of M", one source page per PDF page.
- docx: Word headings, paragraphs, bulleted lists and tables (python-docx).
- html: the plan as a web page inside a site's navigation, cookie banner,
        breadcrumb and footer, which the reader must drop.
- md:   the body as Markdown.

and writes manifest.csv. Output is deterministic (fixed PDF timestamps, no
invariant-breaking metadata), so rerunning leaves git clean.

Needs: pip install reportlab python-docx (scripts/make-sample-round.sh sets up a
virtualenv with both).
"""
import csv
import html
import os
import re
import sys
import zipfile

import reportlab
from docx import Document
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import (
    ListFlowable,
    ListItem,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SOURCES = os.path.join(ROOT, "corpus", "rounds", "sources")
OUT = os.path.join(ROOT, "corpus", "rounds", "sample")
FONTS = os.path.join(os.path.dirname(reportlab.__file__), "fonts")
pdfmetrics.registerFont(TTFont("Vera", os.path.join(FONTS, "Vera.ttf")))
pdfmetrics.registerFont(TTFont("VeraBd", os.path.join(FONTS, "VeraBd.ttf")))

PAGEBREAK = "<!-- pagebreak -->"


def parse(path):
    """Front matter dict and a list of pages, each a list of blocks:
    ("h1"|"h2"|"p", text), ("ul", [items]), ("table", [rows])."""
    text = open(path, encoding="utf-8").read()
    m = re.match(r"---\n(.*?)\n---\n", text, re.S)
    if not m:
        sys.exit(f"{path}: no front matter")
    meta = {}
    for line in m.group(1).splitlines():
        key, _, value = line.partition(":")
        meta[key.strip()] = value.strip().strip('"')
    for key in ("file", "format", "ics", "kind", "title", "year"):
        if not meta.get(key):
            sys.exit(f"{path}: front matter lacks {key}")
    pages = []
    for raw in text[m.end():].split(PAGEBREAK):
        blocks = []
        for chunk in re.split(r"\n\s*\n", raw.strip()):
            lines = [l.rstrip() for l in chunk.strip().splitlines() if l.strip()]
            if not lines:
                continue
            # A lead-in paragraph may be followed directly by its bullets.
            while lines and not lines[0].startswith(("- ", "|", "#")):
                para = []
                while lines and not lines[0].startswith(("- ", "|", "#")):
                    para.append(lines.pop(0))
                blocks.append(("p", " ".join(para)))
            while lines:
                line = lines[0]
                if line.startswith("## "):
                    blocks.append(("h2", lines.pop(0)[3:].strip()))
                elif line.startswith("# "):
                    blocks.append(("h1", lines.pop(0)[2:].strip()))
                elif line.startswith("- "):
                    items = []
                    while lines and lines[0].startswith("- "):
                        items.append(lines.pop(0)[2:].strip())
                    blocks.append(("ul", items))
                elif line.startswith("|"):
                    rows = []
                    while lines and lines[0].startswith("|"):
                        row = [c.strip() for c in lines.pop(0).strip().strip("|").split("|")]
                        if not all(re.fullmatch(r":?-{2,}:?", c) for c in row):
                            rows.append(row)
                    blocks.append(("table", rows))
                else:
                    blocks.append(("p", " ".join(lines)))
                    lines = []
        pages.append(blocks)
    return meta, pages


def esc(text):
    return html.escape(text, quote=False)


def write_pdf(meta, pages, path):
    body = ParagraphStyle("body", fontName="Vera", fontSize=9.5, leading=13, spaceAfter=6)
    h1 = ParagraphStyle("h1", fontName="VeraBd", fontSize=16, leading=20, spaceAfter=10)
    h2 = ParagraphStyle("h2", fontName="VeraBd", fontSize=11.5, leading=15, spaceBefore=6, spaceAfter=5)
    cell = ParagraphStyle("cell", fontName="Vera", fontSize=8.5, leading=10.5)
    total = len(pages)
    header = meta["title"]

    def frame(canvas, doc):
        canvas.saveState()
        canvas.setFont("Vera", 7.5)
        canvas.drawString(54, A4[1] - 32, header)
        canvas.drawRightString(A4[0] - 54, 30, f"Page {doc.page} of {total}")
        canvas.restoreState()

    story = []
    for i, blocks in enumerate(pages):
        if i:
            story.append(PageBreak())
        for kind, content in blocks:
            if kind == "h1":
                story.append(Paragraph(esc(content), h1))
            elif kind == "h2":
                story.append(Paragraph(esc(content), h2))
            elif kind == "p":
                story.append(Paragraph(esc(content), body))
            elif kind == "ul":
                story.append(
                    ListFlowable(
                        [ListItem(Paragraph(esc(t), body), leftIndent=14) for t in content],
                        bulletType="bullet",
                        start="\u2022",
                        leftIndent=14,
                    )
                )
            elif kind == "table":
                data = [[Paragraph(esc(c), cell) for c in row] for row in content]
                width = (A4[0] - 108) / max(len(r) for r in content)
                table = Table(data, colWidths=[width] * len(content[0]))
                table.setStyle(
                    TableStyle(
                        [
                            ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
                            ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#dde8f0")),
                            ("VALIGN", (0, 0), (-1, -1), "TOP"),
                        ]
                    )
                )
                story.append(table)
                story.append(Spacer(1, 8))
    doc = SimpleDocTemplate(
        path,
        pagesize=A4,
        leftMargin=54,
        rightMargin=54,
        topMargin=54,
        bottomMargin=54,
        title=meta["title"],
        author=meta["ics"],
        invariant=1,
    )
    doc.build(story, onFirstPage=frame, onLaterPages=frame)


def write_docx(meta, pages, path):
    doc = Document()
    doc.core_properties.title = meta["title"]
    doc.core_properties.author = meta["ics"]
    for blocks in pages:
        for kind, content in blocks:
            if kind == "h1":
                doc.add_heading(content, level=1)
            elif kind == "h2":
                doc.add_heading(content, level=2)
            elif kind == "p":
                doc.add_paragraph(content)
            elif kind == "ul":
                for item in content:
                    doc.add_paragraph(item, style="List Bullet")
            elif kind == "table":
                table = doc.add_table(rows=len(content), cols=len(content[0]))
                table.style = "Table Grid"
                for r, row in enumerate(content):
                    for c, text in enumerate(row):
                        table.cell(r, c).text = text
    doc.save(path)
    normalise_zip(path)


def normalise_zip(path):
    """Fixed timestamps and order inside the DOCX, so the file is reproducible."""
    with zipfile.ZipFile(path) as z:
        items = [(i.filename, z.read(i.filename)) for i in z.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in items:
            if name == "docProps/core.xml":
                data = re.sub(rb"<dcterms:(created|modified)[^>]*>[^<]*</dcterms:\1>", b"", data)
            info = zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, data)


def write_html(meta, pages, path):
    org = meta["ics"]
    parts = []
    for blocks in pages:
        for kind, content in blocks:
            if kind in ("h1", "h2"):
                parts.append(f"<{kind}>{esc(content)}</{kind}>")
            elif kind == "p":
                parts.append(f"<p>{esc(content)}</p>")
            elif kind == "ul":
                parts.append("<ul>" + "".join(f"<li>{esc(t)}</li>" for t in content) + "</ul>")
            elif kind == "table":
                head = "".join(f"<th>{esc(c)}</th>" for c in content[0])
                rows = "".join(
                    "<tr>" + "".join(f"<td>{esc(c)}</td>" for c in row) + "</tr>" for row in content[1:]
                )
                parts.append(f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>")
    article = "\n".join(parts)
    page = f"""<!DOCTYPE html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<title>{esc(meta["title"])} | {esc(org)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
</head>
<body>
<div class="cookie-banner" id="cookie-banner">
<p>We use cookies to make this website work and to understand how you use it. You can accept all cookies or choose which ones to allow.</p>
<button>Accept all cookies</button> <button>Manage cookie settings</button>
</div>
<header class="site-header">
<a class="logo" href="/">{esc(org)}</a>
<nav aria-label="Main menu">
<ul><li><a href="/">Home</a></li><li><a href="/about-us">About us</a></li><li><a href="/our-plans">Our plans</a></li><li><a href="/news">News</a></li><li><a href="/get-involved">Get involved</a></li><li><a href="/contact">Contact us</a></li></ul>
</nav>
</header>
<nav class="breadcrumb" aria-label="Breadcrumb"><a href="/">Home</a> &gt; <a href="/our-plans">Our plans</a> &gt; {esc(meta["title"])}</nav>
<main>
<article>
{article}
</article>
</main>
<aside class="related">
<h2>Related pages</h2>
<ul><li><a href="/our-plans/annual-report">Annual report</a></li><li><a href="/board-papers">Board papers</a></li></ul>
</aside>
<footer class="site-footer">
<p>Sign up to our newsletter for updates on health and care in your area.</p>
<p>&copy; {esc(meta["year"])} {esc(org)}. Accessibility statement. Privacy notice. Freedom of information.</p>
</footer>
</body>
</html>
"""
    with open(path, "w", encoding="utf-8") as f:
        f.write(page)


def write_md(meta, pages, path):
    out = []
    for blocks in pages:
        for kind, content in blocks:
            if kind == "h1":
                out.append(f"# {content}")
            elif kind == "h2":
                out.append(f"## {content}")
            elif kind == "p":
                out.append(content)
            elif kind == "ul":
                out.append("\n".join(f"- {t}" for t in content))
            elif kind == "table":
                rows = [f"| {' | '.join(r)} |" for r in content]
                rows.insert(1, "|" + "---|" * len(content[0]))
                out.append("\n".join(rows))
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n\n".join(out) + "\n")


WRITERS = {"pdf": write_pdf, "docx": write_docx, "html": write_html, "md": write_md}


def main():
    os.makedirs(OUT, exist_ok=True)
    rows = []
    for name in sorted(os.listdir(SOURCES)):
        if not name.endswith(".md"):
            continue
        meta, pages = parse(os.path.join(SOURCES, name))
        fmt = meta["format"]
        if fmt not in WRITERS:
            sys.exit(f"{name}: unknown format {fmt}")
        file = f"{meta['file']}.{fmt}"
        WRITERS[fmt](meta, pages, os.path.join(OUT, file))
        rows.append([file, meta["ics"], meta["kind"], meta["title"], meta["year"]])
        print(f"{file}: {len(pages)} page(s)")
    with open(os.path.join(OUT, "manifest.csv"), "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["file", "ics", "kind", "title", "year"])
        w.writerows(sorted(rows, key=lambda r: (r[1], r[2], r[0])))


if __name__ == "__main__":
    main()
