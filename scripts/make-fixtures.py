#!/usr/bin/env python3
"""Generate the small document fixtures in tests/fixtures/ (committed; rerun to remake).

Needs: pip install reportlab python-docx. The text is written for this project.

- plan_report.pdf  5 pages of an integrated care strategy: running header, footer
  "OFFICIAL – Page N of 5", numbered headings, a word hyphenated across a line break
  (re-/quires), literal ligature characters (ﬁ, ﬂ), a bullet list with its lead-in, a
  two-column page, a table of indicators, and a sentence that runs over a page turn.
- scanned.pdf      2 pages of drawing only, no text layer (as a scan without OCR).
- encrypted.pdf    opens only with a user password.
- plan_page.html   a plan's web page wrapped in a cookie banner, navigation,
  breadcrumb, aside, newsletter form and footer.
- plan.docx        a joint forward plan extract with headings, a list and a table.
"""
import os

import reportlab
from docx import Document
from reportlab.lib.pagesizes import A4
from reportlab.lib.pdfencrypt import StandardEncryption
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

OUT = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "tests", "fixtures")
FONTS = os.path.join(os.path.dirname(reportlab.__file__), "fonts")
pdfmetrics.registerFont(TTFont("Vera", os.path.join(FONTS, "Vera.ttf")))
pdfmetrics.registerFont(TTFont("VeraBd", os.path.join(FONTS, "VeraBd.ttf")))

W, H = A4
HEADER = "Northshire Health and Care Partnership | Integrated Care Strategy 2024-2029"
PAGES = 5


def frame(c, n):
    c.setFont("Vera", 8)
    c.drawString(50, H - 30, HEADER)
    c.drawCentredString(W / 2, 28, f"OFFICIAL \u2013 Page {n} of {PAGES}")


def lines(c, x, y, rows, size=10.5, lead=14, font="Vera"):
    c.setFont(font, size)
    for row in rows:
        c.drawString(x, y, row)
        y -= lead
    return y


def heading(c, x, y, text):
    c.setFont("VeraBd", 14)
    c.drawString(x, y, text)
    return y - 24


def plan_report():
    c = canvas.Canvas(os.path.join(OUT, "plan_report.pdf"), pagesize=A4, invariant=1)
    c.setTitle("Northshire Integrated Care Strategy 2024-2029")

    frame(c, 1)
    y = heading(c, 50, H - 80, "1 Our ambition")
    y = lines(c, 50, y, [
        "Healthy life expectancy in the coastal towns is nine years shorter than in the",
        "market towns inland. Closing that gap re-",
        "quires action far beyond the hospital: on homes, work, income and the places",
        "where people spend their lives.",
    ])
    y -= 12
    lines(c, 50, y, [
        "This strategy sets out what the partnership will do together over the next five",
        "years, and how residents will be able to see whether it is working.",
    ])
    c.showPage()

    frame(c, 2)
    y = heading(c, 50, H - 80, "2 Start well")
    y = lines(c, 50, y, [
        "One child in four in Northshire grows up in a household in \ufb01nancial hardship,",
        "and \ufb02u vaccination among two- and three-year-olds has fallen for three winters.",
    ])
    y -= 12
    y = lines(c, 50, y, ["Our priorities for the early years are:"])
    lines(c, 62, y, [
        "\u2022 a named health visitor for every family in the first year",
        "\u2022 supervised toothbrushing in every nursery in the most deprived wards",
        "\u2022 family hubs open six days a week in each of the three towns",
    ])
    c.showPage()

    frame(c, 3)
    y = heading(c, 50, H - 80, "3 Live well")
    top = y
    lines(c, 50, top, [
        "LEFT COLUMN STARTS. Smoking",
        "remains the largest single cause of",
        "the gap in life expectancy between",
        "our richest and poorest wards.",
        "LEFT COLUMN ENDS.",
    ])
    lines(c, 310, top, [
        "RIGHT COLUMN STARTS. Work is",
        "good for health, and the NHS is",
        "the county's largest employer, with",
        "room for 300 local apprentices.",
        "RIGHT COLUMN ENDS.",
    ])
    c.showPage()

    frame(c, 4)
    y = heading(c, 50, H - 80, "4 How we will measure progress")
    y = lines(c, 50, y, ["Table 1: Key indicators"], font="VeraBd")
    y -= 4
    rows = [
        ("Indicator", "Baseline 2022/23", "Target 2028/29"),
        ("Smoking at time of delivery", "11.2%", "6.0%"),
        ("Children ready for school", "63%", "72%"),
        ("Adults in work with a long-term condition", "58%", "65%"),
    ]
    c.setFont("Vera", 9.5)
    for row in rows:
        for x, cell in zip((50, 300, 420), row):
            c.drawString(x, y, cell)
        c.line(48, y - 4, 545, y - 4)
        y -= 18
    y -= 16
    lines(c, 50, y, [
        "Each indicator has a named owner. Progress will be reported to the partnership",
        "board every quarter, and where a target slips we will work with the district councils and the",
    ])
    c.showPage()

    frame(c, 5)
    lines(c, 50, H - 80, [
        "voluntary sector to agree a recovery plan within six weeks.",
    ])
    y = heading(c, 50, H - 130, "5 Working together")
    lines(c, 50, y, [
        "Partners have agreed to share data through one population health platform.",
    ])
    c.showPage()
    c.save()


def scanned():
    c = canvas.Canvas(os.path.join(OUT, "scanned.pdf"), pagesize=A4, invariant=1)
    for _ in range(2):
        for i in range(30):
            c.rect(50, H - 80 - i * 22, 400 - (i % 5) * 40, 9, fill=1, stroke=0)
        c.showPage()
    c.save()


def encrypted():
    enc = StandardEncryption("open-sesame", ownerPassword="owner-secret", strength=128)
    c = canvas.Canvas(os.path.join(OUT, "encrypted.pdf"), pagesize=A4, encrypt=enc, invariant=1)
    c.setFont("Vera", 11)
    c.drawString(50, H - 80, "This joint forward plan is restricted to board members.")
    c.showPage()
    c.save()


HTML = """<!DOCTYPE html>
<html lang="en-GB"><head><meta charset="utf-8">
<title>Our joint forward plan | NHS Northshire ICB</title>
<script>window.dataLayer=[];function track(){}</script>
<script type="application/ld+json">{"@type":"WebPage","name":"Joint forward plan"}</script>
</head><body>
<div id="cookie-banner" class="cookie-banner"><p>We use cookies to make this site work.
<button>Accept all cookies</button> <button>Reject analytics cookies</button></p></div>
<a class="skip-link" href="#main">Skip to main content</a>
<header class="site-header"><a href="/">NHS Northshire Integrated Care Board</a>
<form role="search"><input type="search" placeholder="Search this site"><button>Search</button></form>
<nav><ul><li><a href="/about">About us</a></li><li><a href="/news">News</a></li>
<li><a href="/jobs">Jobs</a></li><li><a href="/contact">Contact us</a></li></ul></nav></header>
<nav class="breadcrumb"><a href="/">Home</a> &gt; <a href="/plans">Plans</a> &gt; Joint forward plan</nav>
<main id="main"><article>
<h1>Our joint forward plan 2024 to 2029</h1>
<p>The joint forward plan describes how the NHS in Northshire will meet the needs of
its 620,000 residents over the next five years, alongside the councils and the voluntary
sector.</p>
<h2>Faster access to care</h2>
<p>Too many people still wait too long. By March 2026 no one will wait more than 65 weeks
for planned treatment, and every practice will offer online, telephone and walk-in
routes to an appointment.</p>
<h2>Our commitments for the coastal towns</h2>
<p>Life expectancy in the coastal towns is the lowest in the county. We will:</p>
<ul><li>open two community diagnostic centres in the most deprived wards</li>
<li>fund outreach vaccination clinics in community venues</li>
<li>recruit 150 local people into health and care apprenticeships each year</li></ul>
<p>We will report progress against each commitment to the integrated care partnership
every six months.</p>
</article>
<aside class="related"><h3>Related pages</h3><ul><li><a href="/strategy">Integrated care strategy</a></li>
<li><a href="/board">Board papers</a></li></ul></aside></main>
<section class="newsletter"><h3>Sign up to our newsletter</h3><form><input type="email">
<button>Subscribe</button></form></section>
<footer class="site-footer"><p>&copy; NHS Northshire Integrated Care Board 2024</p>
<ul><li><a href="/privacy">Privacy notice</a></li><li><a href="/accessibility">Accessibility statement</a></li>
<li><a href="/foi">Freedom of information</a></li></ul></footer>
</body></html>
"""


def html():
    with open(os.path.join(OUT, "plan_page.html"), "w", encoding="utf-8") as f:
        f.write(HTML)


def docx():
    d = Document()
    d.core_properties.title = "Northshire Joint Forward Plan 2024-2029"
    d.add_heading("Joint Forward Plan 2024-2029", level=1)
    d.add_heading("Mental health", level=2)
    d.add_paragraph(
        "Demand for children's mental health support has doubled since 2019. We will place "
        "mental health support teams in every secondary school by 2026 and cut the wait "
        "for a first appointment to four weeks.")
    d.add_paragraph("People with severe mental illness will be offered:")
    for item in ("an annual physical health check", "support to stop smoking",
                 "help to find and keep work"):
        d.add_paragraph(item, style="List Bullet")
    d.add_heading("Our workforce", level=2)
    d.add_paragraph(
        "Vacancy rates in community nursing stand at 14 per cent. A new recruitment and "
        "retention programme will be funded from 2024/25.")
    t = d.add_table(rows=3, cols=3)
    for r, row in enumerate((("Measure", "2023/24", "2026/27"),
                             ("SMI health checks", "52%", "75%"),
                             ("Community nursing vacancies", "14%", "8%"))):
        for col, cell in enumerate(row):
            t.cell(r, col).text = cell
    d.save(os.path.join(OUT, "plan.docx"))


if __name__ == "__main__":
    os.makedirs(OUT, exist_ok=True)
    plan_report()
    scanned()
    encrypted()
    html()
    docx()
    print("wrote fixtures to", OUT)
