#!/usr/bin/env python3
"""A synthetic full-size round for benchmarks: 88 documents, about 2,800 pages.

The national audit read 88 documents (2,800 pages): every ICS's integrated care
strategy and joint forward plan plus some health and wellbeing strategies. This
script writes one such round from the project's own text: for each of the 42 ICSs in
corpus/ics.csv, a strategy and a JFP, plus four HWB strategies; 66 PDF, 12 DOCX and
10 HTML. Each document has a title page, sections headed from the taxonomy, and
pages of about 150 to 500 words (mean about 330, as in published plans with their
charts and white space): paragraphs, bullet lists and KPI tables built from the
sentences of corpus/labelled/*.jsonl, shuffled with a fixed seed so that no two
paragraphs repeat (the embedding cache must not flatter a cold run). It uses the
sample round's renderers (scripts/make-sample-round.py), so documents look like the
sample's: running headers, page footers, site chrome around HTML.

Usage: make_round.py OUT_DIR [--docs 88] [--seed 7]
"""
import argparse, csv, glob, importlib.util, json, os, random, re

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
spec = importlib.util.spec_from_file_location(
    "sample_round", os.path.join(ROOT, "scripts", "make-sample-round.py"))
sample = importlib.util.module_from_spec(spec)
spec.loader.exec_module(sample)

ap = argparse.ArgumentParser()
ap.add_argument("out")
ap.add_argument("--docs", type=int, default=88)
ap.add_argument("--seed", type=int, default=7)
a = ap.parse_args()
rng = random.Random(a.seed)

sentences = []
for path in [os.path.join(ROOT, "corpus", "labelled", f"{s}.jsonl") for s in ("train", "dev", "test")]:
    for line in open(path, encoding="utf-8"):
        text = json.loads(line)["text"]
        for s in re.split(r"(?<=[.!?])\s+", text.replace("\n", " ")):
            if 6 <= len(s.split()) <= 60 and not s.startswith(("-", "•", "|")):
                sentences.append(s.strip())
rng.shuffle(sentences)
cursor = 0


def sentence():
    global cursor
    s = sentences[cursor % len(sentences)]
    cursor += 1
    return s


def paragraph(words):
    out, n = [], 0
    while n < words:
        s = sentence()
        out.append(s)
        n += len(s.split())
    return " ".join(out), n


headings = []
for line in open(os.path.join(ROOT, "corpus", "taxonomy.toml"), encoding="utf-8"):
    m = re.match(r'name\s*=\s*"(.*)"', line)
    if m and "taxonomy" not in m.group(1).lower():
        headings.append(m.group(1))

ics = list(csv.DictReader(open(os.path.join(ROOT, "corpus", "ics.csv"), encoding="utf-8")))
plan = [(row, kind) for row in ics for kind in ("strategy", "jfp")]
plan += [(ics[i], "hwb") for i in (1, 9, 19, 33)]
plan = plan[: a.docs]
formats = ["pdf"] * 66 + ["docx"] * 12 + ["html"] * 10
rng.shuffle(formats)
titles = {"strategy": "Integrated Care Strategy", "jfp": "Joint Forward Plan",
          "hwb": "Joint Health and Wellbeing Strategy"}

os.makedirs(a.out, exist_ok=True)
rows, total_pages, total_words = [], 0, 0
for i, (row, kind) in enumerate(plan):
    name = row["short_name"]
    year = rng.choice(["2023", "2024", "2025"])
    title = f"{name} {titles[kind]} {year} to {int(year) + 5}"
    fmt = formats[i % len(formats)]
    n_pages = rng.randint(24, 40)
    pages = [[("h1", title), ("p", f"Published by {row['name']}, {year}. "
              f"This {titles[kind].lower()} sets out what partners across {name} will do together.")]]
    for p in range(1, n_pages):
        budget = int(rng.triangular(150, 500, 330))
        blocks, n = [], 0
        if p % 4 == 1:
            blocks.append(("h2", f"{(p // 4) + 1}. {rng.choice(headings)}"))
        while n < budget:
            r = rng.random()
            if r < 0.12:
                items = [paragraph(rng.randint(8, 25))[0] for _ in range(rng.randint(3, 6))]
                blocks.append(("ul", items))
                n += sum(len(t.split()) for t in items)
            elif r < 0.18:
                table = [["Measure", "Baseline", "Target", "Year"]]
                for _ in range(rng.randint(3, 6)):
                    measure = " ".join(sentence().split()[:rng.randint(4, 9)]).rstrip(",.;")
                    base = rng.randint(5, 95)
                    table.append([measure, f"{base}%", f"{min(99, base + rng.randint(2, 15))}%",
                                  str(int(year) + rng.randint(1, 5))])
                blocks.append(("table", table))
                n += sum(len(" ".join(r).split()) for r in table)
            else:
                text, w = paragraph(min(budget - n + 10, rng.randint(40, 140)))
                blocks.append(("p", text))
                n += w
        pages.append(blocks)
        total_words += n
    slug = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")
    file = f"{slug}.{fmt}"
    meta = {"file": slug, "format": fmt, "ics": name, "kind": kind, "title": title, "year": year}
    sample.WRITERS[fmt](meta, pages, os.path.join(a.out, file))
    rows.append([file, name, kind, title, year])
    total_pages += len(pages)
with open(os.path.join(a.out, "manifest.csv"), "w", newline="", encoding="utf-8") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(["file", "ics", "kind", "title", "year"])
    w.writerows(sorted(rows, key=lambda r: (r[1], r[2], r[0])))
print(f"make-round: {len(rows)} documents, {total_pages} source pages, "
      f"{total_words} words (sentences reused: {cursor > len(sentences)}) in {a.out}")
